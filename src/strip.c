/*
 * Metadata removal, API.md 6.4.  One module for the five formats, since
 * their parsers (50 to 100 lines each) share the bounded reader and
 * writer below.  Each parser is a plain sequential walk over the file's
 * units (JPEG segments, PNG and RIFF chunks, GIF blocks, ISO boxes) that
 * copies what it keeps and skips what it drops; every length read from
 * the file is checked against what encloses it before use, and a unit
 * cut short by the end of the file, or longer than its parent, refuses
 * the file (415).  The end of the file between two units is accepted (a
 * PNG without IEND still displays); whatever follows the image's own end
 * (EOI, IEND, the GIF trailer, the RIFF size) is dropped, since it is
 * where phones append extra pictures with their own Exif.
 *
 * Interface: a pull source and a push sink rather than a push parser
 * fed chunk by chunk.  The parsers then read like the format
 * descriptions (need 8 bytes, copy n bytes) instead of being state
 * machines that stop anywhere, and a short read is handled once, in
 * strip_need().  Memory stays bounded: one input buffer large enough
 * for the biggest unit that must be looked at whole (a JPEG segment,
 * 64 KiB) and one output buffer; everything larger streams through.
 * The price is a second file: the upload filters its temporary file
 * into another one (strip_fd()) and stores that, writing the media to
 * disk twice; the sink's patch() lets WebP fix its RIFF size at the
 * end instead of reading the file twice.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "media.h"
#include "strip.h"
#include "verr.h"
#include "xmem.h"

#define STRIP_IN	(65536 + 64)	/* a whole JPEG segment and more */
#define STRIP_OUT	65536
#define STRIP_DEPTH	32		/* nested ISO boxes */

struct strip {
	const struct strip_src	*src;
	const struct strip_sink	*sink;
	struct verr		*e;
	unsigned char		 in[STRIP_IN];
	size_t			 ipos, ilen;
	int			 eof;
	unsigned char		 out[STRIP_OUT];
	size_t			 olen;
	uint64_t		 written;	/* bytes appended */
};

static int
strip_bad(struct strip *s, const char *what)
{
	verr_set(s->e, 415, "unsupported_media_type", "Media metadata "
	    "cannot be parsed");
	verr_detail(s->e, "%s", what);
	return -1;
}

/*
 * Bytes buffered after reading until at least n (at most STRIP_IN) are
 * or the file ends; -1 on a read error.
 */
static long
strip_avail(struct strip *s, size_t n)
{
	long	 got;

	if (s->ilen - s->ipos >= n || s->eof)
		return (long)(s->ilen - s->ipos);
	if (s->ipos > 0) {
		memmove(s->in, s->in + s->ipos, s->ilen - s->ipos);
		s->ilen -= s->ipos;
		s->ipos = 0;
	}
	while (s->ilen < n) {
		got = s->src->read(s->src->ctx, s->in + s->ilen,
		    sizeof(s->in) - s->ilen, s->e);
		if (got < 0)
			return -1;
		if (got == 0) {
			s->eof = 1;
			break;
		}
		s->ilen += (size_t)got;
	}
	return (long)s->ilen;
}

/* Pointer to the next n (<= STRIP_IN) bytes, NULL when cut short. */
static const unsigned char *
strip_need(struct strip *s, size_t n, const char *what)
{
	long	 got;

	if ((got = strip_avail(s, n)) == -1)
		return NULL;
	if ((size_t)got < n) {
		strip_bad(s, what);
		return NULL;
	}
	return s->in + s->ipos;
}

/* 1 when the file has no more bytes, 0 when it has, -1 on error. */
static int
strip_end(struct strip *s)
{
	long	 got;

	if ((got = strip_avail(s, 1)) == -1)
		return -1;
	return got == 0;
}

/*
 * The first n bytes of the next unit in *p: 0; 1 when the file ends
 * before it, between two units; -1 when it is cut short or on error.
 */
static int
strip_next(struct strip *s, size_t n, const char *what,
    const unsigned char **p)
{
	int	 end;

	if ((end = strip_end(s)) != 0)
		return end;
	return (*p = strip_need(s, n, what)) == NULL ? -1 : 0;
}

static int
strip_flush(struct strip *s)
{
	if (s->olen > 0 && s->sink->write(s->sink->ctx, s->out, s->olen,
	    s->e) == -1)
		return -1;
	s->olen = 0;
	return 0;
}

static int
strip_put(struct strip *s, const void *p, size_t n)
{
	const unsigned char	*b = p;
	size_t			 k;

	while (n > 0) {
		if (s->olen == sizeof(s->out) && strip_flush(s) == -1)
			return -1;
		k = sizeof(s->out) - s->olen;
		if (k > n)
			k = n;
		memcpy(s->out + s->olen, b, k);
		s->olen += k;
		s->written += k;
		b += k;
		n -= k;
	}
	return 0;
}

/* What strip_pass() does with the bytes. */
enum pass {
	PASS_COPY,	/* to the output */
	PASS_SKIP,	/* dropped */
	PASS_ZERO,	/* replaced by zeros */
};

/* Pass n input bytes on; a file ending first is refused with `what'. */
static int
strip_pass(struct strip *s, uint64_t n, enum pass mode, const char *what)
{
	static const unsigned char	 zero[4096];
	long				 got;
	size_t				 k;

	while (n > 0) {
		if ((got = strip_avail(s, 1)) == -1)
			return -1;
		if (got == 0)
			return strip_bad(s, what);
		k = (uint64_t)got < n ? (size_t)got : (size_t)n;
		if (mode == PASS_ZERO) {
			k = k < sizeof(zero) ? k : sizeof(zero);
			if (strip_put(s, zero, k) == -1)
				return -1;
		} else if (mode == PASS_COPY &&
		    strip_put(s, s->in + s->ipos, k) == -1)
			return -1;
		s->ipos += k;
		n -= k;
	}
	return 0;
}

/* Copy everything up to the end of the file. */
static int
strip_rest(struct strip *s)
{
	long	 got;

	while ((got = strip_avail(s, 1)) > 0) {
		if (strip_put(s, s->in + s->ipos, (size_t)got) == -1)
			return -1;
		s->ipos += (size_t)got;
	}
	return got == -1 ? -1 : 0;
}

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static uint32_t
le32(const unsigned char *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[1] << 8 | p[0];
}

/* ---------------------------------------------------------------- JPEG */

/* The TIFF header's 16- or 32-bit integer at p, in its byte order. */
static uint32_t
tiff_get(const unsigned char *p, int big, int bytes)
{
	if (bytes == 2)
		return big ? (uint32_t)p[0] << 8 | p[1] :
		    (uint32_t)p[1] << 8 | p[0];
	return big ? be32(p) : le32(p);
}

/*
 * The Orientation (2..8) of IFD0 in an APP1 payload of n bytes: the
 * value, 0 when the segment is not Exif or has no such tag (or 1, or a
 * value out of range), -1 when its TIFF header or IFD0 is out of bounds.
 */
static int
exif_orientation(const unsigned char *p, size_t n, int *isexif)
{
	const unsigned char	*t, *ent;
	size_t			 tn, ifd, cnt, i;
	uint32_t		 v;
	int			 big;

	*isexif = n >= 6 && memcmp(p, "Exif\0\0", 6) == 0;
	if (!*isexif)
		return 0;
	t = p + 6;
	tn = n - 6;
	if (tn < 8)
		return -1;
	if (memcmp(t, "MM\0\x2a", 4) == 0)
		big = 1;
	else if (memcmp(t, "II\x2a\0", 4) == 0)
		big = 0;
	else
		return -1;
	ifd = tiff_get(t + 4, big, 4);
	if (ifd < 8 || ifd > tn - 2)
		return -1;
	cnt = tiff_get(t + ifd, big, 2);
	if (cnt > (tn - ifd - 2) / 12)
		return -1;
	for (i = 0; i < cnt; i++) {
		ent = t + ifd + 2 + 12 * i;
		if (tiff_get(ent, big, 2) != 0x0112)
			continue;
		if (tiff_get(ent + 2, big, 2) != 3 ||
		    tiff_get(ent + 4, big, 4) != 1)
			return 0;
		v = tiff_get(ent + 8, big, 2);
		return v >= 2 && v <= 8 ? (int)v : 0;
	}
	return 0;
}

/* A minimal APP1 Exif segment: IFD0 with the Orientation tag alone. */
static int
jpeg_put_orientation(struct strip *s, int o)
{
	unsigned char	 seg[] = {
		0xff, 0xe1, 0x00, 0x22, 'E', 'x', 'i', 'f', 0, 0,
		'M', 'M', 0x00, 0x2a, 0x00, 0x00, 0x00, 0x08,
		0x00, 0x01,
		0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00,
		0x00, 0x00,
		0x00, 0x00, 0x00, 0x00,
	};

	seg[29] = (unsigned char)o;
	return strip_put(s, seg, sizeof(seg));
}

/*
 * The entropy-coded data after SOS, copied up to the next marker (an
 * 0xff followed by neither 0x00 nor RST0..7) or the end of the file.
 */
static int
jpeg_scan(struct strip *s)
{
	const unsigned char	*p;
	long			 got;
	size_t			 i, n;

	for (;;) {
		if ((got = strip_avail(s, 2)) == -1)
			return -1;
		if (got == 0)
			return 0;
		p = s->in + s->ipos;
		n = (size_t)got;
		for (i = 0; i < n; i++) {
			if (p[i] != 0xff)
				continue;
			if (i + 1 == n)
				break;
			if (p[i + 1] == 0x00 ||
			    (p[i + 1] >= 0xd0 && p[i + 1] <= 0xd7)) {
				i++;
				continue;
			}
			if (strip_put(s, p, i) == -1)
				return -1;
			s->ipos += i;
			return 0;
		}
		if (i == 0)	/* a lone 0xff at the end of the file */
			i = 1;
		if (strip_put(s, p, i) == -1)
			return -1;
		s->ipos += i;
	}
}

static int
strip_jpeg(struct strip *s)
{
	const unsigned char	*p;
	unsigned char		 mk[2];
	size_t			 len;
	int			 end, o, isexif, seen_exif = 0;

	if (strip_pass(s, 2, PASS_COPY, "JPEG: no SOI") == -1)
		return -1;
	for (;;) {
		if ((end = strip_next(s, 1, "JPEG", &p)) != 0)
			return end == 1 ? 0 : -1;
		if (p[0] != 0xff)
			return strip_bad(s, "JPEG: no marker between segments");
		/* Fill bytes: any number of 0xff before the marker. */
		while (p[0] == 0xff) {
			s->ipos++;
			if ((p = strip_need(s, 1, "JPEG: cut marker")) == NULL)
				return -1;
		}
		mk[0] = 0xff;
		mk[1] = p[0];
		s->ipos++;
		if (mk[1] == 0xd9)	/* EOI: the end, nothing after it */
			return strip_put(s, mk, 2);
		if (mk[1] == 0x00)
			return strip_bad(s, "JPEG: stuffed zero as marker");
		if (mk[1] == 0x01 || mk[1] == 0xd8 ||
		    (mk[1] >= 0xd0 && mk[1] <= 0xd7)) {
			if (strip_put(s, mk, 2) == -1)
				return -1;
			continue;
		}
		if ((p = strip_need(s, 2, "JPEG: cut segment length")) == NULL)
			return -1;
		len = (size_t)p[0] << 8 | p[1];
		if (len < 2)
			return strip_bad(s, "JPEG: segment length below 2");
		if (mk[1] == 0xe1 || mk[1] == 0xec || mk[1] == 0xed ||
		    mk[1] == 0xfe) {
			/* APP1 (Exif, XMP), APP12, APP13 (IPTC), COM. */
			if ((p = strip_need(s, len, "JPEG: cut segment")) ==
			    NULL)
				return -1;
			o = 0;
			if (mk[1] == 0xe1 && (o = exif_orientation(p + 2,
			    len - 2, &isexif)) == -1)
				return strip_bad(s, "JPEG: bad Exif IFD0");
			s->ipos += len;
			if (mk[1] == 0xe1 && isexif && !seen_exif) {
				seen_exif = 1;
				if (o != 0 && jpeg_put_orientation(s, o) == -1)
					return -1;
			}
			continue;
		}
		if (strip_put(s, mk, 2) == -1 ||
		    strip_pass(s, len, PASS_COPY, "JPEG: cut segment") == -1)
			return -1;
		if (mk[1] == 0xda && jpeg_scan(s) == -1)
			return -1;
	}
}

/* ----------------------------------------------------------------- PNG */

static int
strip_png(struct strip *s)
{
	static const char *const drop[] = {
		"eXIf", "tEXt", "zTXt", "iTXt", "tIME",
	};
	const unsigned char	*p;
	uint32_t		 len;
	size_t			 i;
	int			 end, keep, iend;

	if (strip_pass(s, 8, PASS_COPY, "PNG: cut signature") == -1)
		return -1;
	for (;;) {
		if ((end = strip_next(s, 8, "PNG: cut chunk header", &p)) != 0)
			return end == 1 ? 0 : -1;
		if ((len = be32(p)) > 0x7fffffff)
			return strip_bad(s, "PNG: chunk length over 2^31-1");
		for (i = 4; i < 8; i++)
			if (!((p[i] >= 'A' && p[i] <= 'Z') ||
			    (p[i] >= 'a' && p[i] <= 'z')))
				return strip_bad(s, "PNG: bad chunk type");
		keep = 1;
		for (i = 0; i < sizeof(drop) / sizeof(drop[0]); i++)
			if (memcmp(p + 4, drop[i], 4) == 0)
				keep = 0;
		iend = memcmp(p + 4, "IEND", 4) == 0;
		if (strip_pass(s, (uint64_t)len + 12, keep ? PASS_COPY :
		    PASS_SKIP, "PNG: cut chunk") == -1)
			return -1;
		if (iend)
			return 0;
	}
}

/* ---------------------------------------------------------------- WebP */

#define VP8X_EXIF	0x08
#define VP8X_XMP	0x04

static int
strip_webp(struct strip *s)
{
	const unsigned char	*p;
	unsigned char		 b[4];
	uint64_t		 left, chunk, dropped = 0;
	uint32_t		 riff, size;
	int			 end = 0;

	if ((p = strip_need(s, 12, "WebP: cut RIFF header")) == NULL)
		return -1;
	if ((riff = le32(p + 4)) < 4)
		return strip_bad(s, "WebP: RIFF size below 4");
	if (strip_pass(s, 12, PASS_COPY, "WebP: cut RIFF header") == -1)
		return -1;
	for (left = riff - 4; left > 0; left -= chunk) {
		if ((end = strip_next(s, 8, "WebP: cut chunk header", &p)) != 0)
			break;
		size = le32(p + 4);
		chunk = 8 + (uint64_t)size + (size & 1);
		if (chunk > left)
			return strip_bad(s, "WebP: chunk past the RIFF end");
		if (memcmp(p, "EXIF", 4) == 0 || memcmp(p, "XMP ", 4) == 0) {
			if (strip_pass(s, chunk, PASS_SKIP,
			    "WebP: cut chunk") == -1)
				return -1;
			dropped += chunk;
			continue;
		}
		if (memcmp(p, "VP8X", 4) == 0 && size >= 1) {
			if ((p = strip_need(s, 9, "WebP: cut VP8X")) == NULL)
				return -1;
			b[0] = p[8] & ~(VP8X_EXIF | VP8X_XMP);
			if (strip_put(s, p, 8) == -1 ||
			    strip_put(s, b, 1) == -1)
				return -1;
			s->ipos += 9;
			if (strip_pass(s, chunk - 9, PASS_COPY,
			    "WebP: cut VP8X") == -1)
				return -1;
			continue;
		}
		if (strip_pass(s, chunk, PASS_COPY, "WebP: cut chunk") == -1)
			return -1;
	}
	if (end == -1)
		return -1;
	if (dropped == 0)
		return 0;
	riff -= (uint32_t)dropped;
	b[0] = riff;
	b[1] = riff >> 8;
	b[2] = riff >> 16;
	b[3] = riff >> 24;
	if (strip_flush(s) == -1)
		return -1;
	return s->sink->patch(s->sink->ctx, 4, b, 4, s->e);
}

/* ----------------------------------------------------------------- GIF */

/* Data sub-blocks up to their empty terminator, kept or dropped. */
static int
gif_blocks(struct strip *s, enum pass mode)
{
	const unsigned char	*p;
	size_t			 n;

	do {
		if ((p = strip_need(s, 1, "GIF: cut sub-block")) == NULL)
			return -1;
		n = p[0];
		if (strip_pass(s, n + 1, mode, "GIF: cut sub-block") == -1)
			return -1;
	} while (n > 0);
	return 0;
}

/* 3 * 2^(size + 1) bytes of colour table when the flag (0x80) is set. */
static uint64_t
gif_table(unsigned char flags)
{
	return flags & 0x80 ? 3U << ((flags & 7) + 1) : 0;
}

static int
strip_gif(struct strip *s)
{
	const unsigned char	*p;
	int			 end;

	if ((p = strip_need(s, 13, "GIF: cut screen descriptor")) == NULL)
		return -1;
	if (strip_pass(s, 13 + gif_table(p[10]), PASS_COPY,
	    "GIF: cut colour table") == -1)
		return -1;
	for (;;) {
		if ((end = strip_next(s, 1, "GIF", &p)) != 0)
			return end == 1 ? 0 : -1;
		switch (p[0]) {
		case 0x3b:	/* trailer: the end, nothing after it */
			return strip_pass(s, 1, PASS_COPY, "GIF");
		case 0x21:	/* extension: label, sub-blocks */
			if ((p = strip_need(s, 2, "GIF: cut extension")) ==
			    NULL)
				return -1;
			if (p[1] == 0xfe) {	/* comment */
				s->ipos += 2;
				if (gif_blocks(s, PASS_SKIP) == -1)
					return -1;
			} else if (strip_pass(s, 2, PASS_COPY, "GIF") == -1 ||
			    gif_blocks(s, PASS_COPY) == -1)
				return -1;
			break;
		case 0x2c:	/* image: descriptor, table, LZW size, data */
			if ((p = strip_need(s, 10, "GIF: cut image")) == NULL)
				return -1;
			if (strip_pass(s, 10 + gif_table(p[9]) + 1, PASS_COPY,
			    "GIF: cut image") == -1 ||
			    gif_blocks(s, PASS_COPY) == -1)
				return -1;
			break;
		default:
			return strip_bad(s, "GIF: unknown block");
		}
	}
}

/* ------------------------------------------------------ MP4/QuickTime */

/* Boxes whose payload is boxes, searched for location atoms. */
static int
iso_container(const unsigned char *type)
{
	static const char *const list[] = {
		"moov", "trak", "mdia", "minf", "udta", "meta", "ilst",
		"moof", "traf",
	};
	size_t	 i;

	for (i = 0; i < sizeof(list) / sizeof(list[0]); i++)
		if (memcmp(type, list[i], 4) == 0)
			return 1;
	return 0;
}

static int	strip_boxes(struct strip *, uint64_t, int, int);

/*
 * The payload of container box `type', n bytes.  A `meta' box is a
 * full box (4 bytes of version and flags before its children) in ISO
 * files but a plain container in QuickTime, where its first child, hdlr,
 * follows at once.
 */
static int
iso_children(struct strip *s, const unsigned char *type, uint64_t n,
    int depth)
{
	const unsigned char	*p;

	if (memcmp(type, "meta", 4) == 0 && n >= 4) {
		if (n >= 8) {
			if ((p = strip_need(s, 8, "MP4: cut meta")) == NULL)
				return -1;
			if (memcmp(p + 4, "hdlr", 4) == 0)
				return strip_boxes(s, n, 0, depth + 1);
		}
		if (strip_pass(s, 4, PASS_COPY, "MP4: cut meta") == -1)
			return -1;
		n -= 4;
	}
	return strip_boxes(s, n, 0, depth + 1);
}

/*
 * The boxes in `left' bytes (top: up to the end of the file).  Inside a
 * box, fewer than 8 bytes left are no box and are kept (QuickTime ends
 * udta with a zero 32-bit word).
 */
static int
strip_boxes(struct strip *s, uint64_t left, int top, int depth)
{
	const unsigned char	*p;
	unsigned char		 h[16];
	uint64_t		 size;
	size_t			 hlen;
	int			 end;

	if (depth > STRIP_DEPTH)
		return strip_bad(s, "MP4: boxes nested too deep");
	while (top || left > 0) {
		if (top && (end = strip_end(s)) != 0)
			return end == 1 ? 0 : -1;
		if (!top && left < 8)
			return strip_pass(s, left, PASS_COPY, "MP4: cut box");
		if ((p = strip_need(s, 8, "MP4: cut box header")) == NULL)
			return -1;
		hlen = 8;
		size = be32(p);
		if (size == 1) {
			if ((p = strip_need(s, 16, "MP4: cut box header")) ==
			    NULL)
				return -1;
			hlen = 16;
			size = (uint64_t)be32(p + 8) << 32 | be32(p + 12);
		} else if (size == 0 && top) {
			/* Up to the end of the file: kept as it is. */
			if (iso_container(p + 4) ||
			    memcmp(p + 4, "\251xyz", 4) == 0 ||
			    memcmp(p + 4, "loci", 4) == 0)
				return strip_bad(s, "MP4: open-ended box");
			return strip_rest(s);
		} else if (size == 0)
			size = left;
		if (size < hlen || (!top && size > left))
			return strip_bad(s, "MP4: bad box size");
		memcpy(h, p, hlen);
		if (memcmp(h + 4, "\251xyz", 4) == 0 ||
		    memcmp(h + 4, "loci", 4) == 0) {
			/* Location: a free box of the same size, zeroed. */
			memcpy(h + 4, "free", 4);
			s->ipos += hlen;
			if (strip_put(s, h, hlen) == -1 ||
			    strip_pass(s, size - hlen, PASS_ZERO,
			    "MP4: cut box") == -1)
				return -1;
		} else if (iso_container(h + 4)) {
			if (strip_put(s, h, hlen) == -1)
				return -1;
			s->ipos += hlen;
			if (iso_children(s, h + 4, size - hlen, depth) == -1)
				return -1;
		} else if (strip_pass(s, size, PASS_COPY, "MP4: cut box") == -1)
			return -1;
		if (!top)
			left -= size;
	}
	return 0;
}

/* ------------------------------------------------------------- driver */

int
strip_media(const struct media_type *t, const struct strip_src *src,
    const struct strip_sink *sink, uint64_t *outlen, struct verr *e)
{
	struct strip	*s;
	int		 rc;

	s = xcalloc(1, sizeof(*s));
	s->src = src;
	s->sink = sink;
	s->e = e;
	if (strcmp(t->ext, "jpg") == 0)
		rc = strip_jpeg(s);
	else if (strcmp(t->ext, "png") == 0)
		rc = strip_png(s);
	else if (strcmp(t->ext, "webp") == 0)
		rc = strip_webp(s);
	else if (strcmp(t->ext, "gif") == 0)
		rc = strip_gif(s);
	else
		rc = strip_boxes(s, 0, 1, 0);
	if (rc == 0)
		rc = strip_flush(s);
	*outlen = s->written;
	free(s);
	return rc;
}

struct strip_fds {
	int		 in, out;
	off_t		 off;		/* read */
	uint64_t	 woff;		/* written; out's offset stays 0 */
};

static long
strip_fd_read(void *ctx, void *p, size_t n, struct verr *e)
{
	struct strip_fds	*f = ctx;
	ssize_t			 got;

	while ((got = pread(f->in, p, n, f->off)) == -1 && errno == EINTR)
		;
	if (got == -1)
		return verr_internal(e, "media read: %s", strerror(errno));
	f->off += got;
	return (long)got;
}

static int
strip_fd_patch(void *ctx, uint64_t off, const void *p, size_t n,
    struct verr *e)
{
	struct strip_fds	*f = ctx;
	const char		*b = p;
	ssize_t			 w;

	while (n > 0) {
		if ((w = pwrite(f->out, b, n, (off_t)off)) == -1) {
			if (errno == EINTR)
				continue;
			return verr_internal(e, "media write: %s",
			    strerror(errno));
		}
		b += w;
		off += (uint64_t)w;
		n -= (size_t)w;
	}
	return 0;
}

static int
strip_fd_write(void *ctx, const void *p, size_t n, struct verr *e)
{
	struct strip_fds	*f = ctx;

	if (strip_fd_patch(ctx, f->woff, p, n, e) == -1)
		return -1;
	f->woff += n;
	return 0;
}

int
strip_fd(const struct media_type *t, int in, int out, uint64_t *outlen,
    struct verr *e)
{
	struct strip_fds	 f = { in, out, 0, 0 };
	struct strip_src	 src = { strip_fd_read, &f };
	struct strip_sink	 sink = { strip_fd_write, strip_fd_patch, &f };

	return strip_media(t, &src, &sink, outlen, e);
}
