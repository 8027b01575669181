/*
 * Media type detection, API.md Appendix A.  Six types are allowed, each
 * recognized by its magic bytes: JPEG, PNG, GIF, WebP, QuickTime and
 * MP4.  The ISO base media formats (QuickTime, MP4, and the HEIF, AVIF
 * and audio files we refuse) share the `ftyp' box, so for them the
 * major brand decides, and for an unknown major brand the compatible
 * brands listed after it.  Everything else, SVG, PDF, HTML and text
 * included, is refused.
 */
#include <stdint.h>
#include <string.h>

#include "media.h"

enum media_id {
	MEDIA_JPEG,
	MEDIA_PNG,
	MEDIA_GIF,
	MEDIA_WEBP,
	MEDIA_MOV,
	MEDIA_MP4,
	MEDIA__MAX
};

static const struct media_type media_types[MEDIA__MAX] = {
	{ "image/jpeg",		"jpg",	"image" },
	{ "image/png",		"png",	"image" },
	{ "image/gif",		"gif",	"image" },
	{ "image/webp",		"webp",	"image" },
	{ "video/quicktime",	"mov",	"video" },
	{ "video/mp4",		"mp4",	"video" },
};

/* Major or compatible brands that make an ftyp file an MP4. */
static const char *const mp4_brands[] = {
	"isom", "iso2", "iso3", "iso4", "iso5", "iso6", "mp41", "mp42",
	"avc1", "M4V ", "dash", "MSNV", "mmp4", "f4v ",
};

/* Major brands refused even when an MP4 brand is compatible. */
static const char *const refused_brands[] = {
	"heic", "heix", "hevc", "mif1", "msf1", "avif", "M4A ", "M4B ",
	"M4P ", "crx ",
};

/* Top-level boxes that open QuickTime files without an ftyp box. */
static const char *const mov_boxes[] = {
	"moov", "mdat", "wide", "free", "skip", "pnot",
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static int
media_in(const unsigned char *p, const char *const *list, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (memcmp(p, list[i], 4) == 0)
			return 1;
	return 0;
}

/* The ftyp rules: MEDIA_MOV, MEDIA_MP4 or MEDIA__MAX when refused. */
static enum media_id
media_ftyp(const unsigned char *h, size_t len)
{
	uint32_t	 size;
	size_t		 end, i;

	if (len < 12)
		return MEDIA__MAX;
	if (memcmp(h + 8, "qt  ", 4) == 0)
		return MEDIA_MOV;
	if (media_in(h + 8, mp4_brands, NELEM(mp4_brands)))
		return MEDIA_MP4;
	if (media_in(h + 8, refused_brands, NELEM(refused_brands)))
		return MEDIA__MAX;
	/*
	 * Compatible brands run from byte 16 to the end of the box; the
	 * size is the box's first four bytes, 0 meaning "to the end of the
	 * file" (ISO/IEC 14496-12 4.2), and never past what we were given.
	 */
	size = (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 |
	    (uint32_t)h[2] << 8 | (uint32_t)h[3];
	end = size == 0 || size > len ? len : size;
	for (i = 16; i + 4 <= end; i += 4)
		if (media_in(h + i, mp4_brands, NELEM(mp4_brands)))
			return MEDIA_MP4;
	return MEDIA__MAX;
}

int
media_detect(const unsigned char *h, size_t len, struct media_type *out)
{
	enum media_id	 id = MEDIA__MAX;

	if (len >= 3 && memcmp(h, "\xff\xd8\xff", 3) == 0)
		id = MEDIA_JPEG;
	else if (len >= 8 && memcmp(h, "\x89PNG\r\n\x1a\n", 8) == 0)
		id = MEDIA_PNG;
	else if (len >= 6 && (memcmp(h, "GIF87a", 6) == 0 ||
	    memcmp(h, "GIF89a", 6) == 0))
		id = MEDIA_GIF;
	else if (len >= 12 && memcmp(h, "RIFF", 4) == 0 &&
	    memcmp(h + 8, "WEBP", 4) == 0)
		id = MEDIA_WEBP;
	else if (len >= 8 && memcmp(h + 4, "ftyp", 4) == 0)
		id = media_ftyp(h, len);
	else if (len >= 8 && media_in(h + 4, mov_boxes, NELEM(mov_boxes)))
		id = MEDIA_MOV;
	if (id == MEDIA__MAX)
		return -1;
	*out = media_types[id];
	return 0;
}
