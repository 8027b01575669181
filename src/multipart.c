/*
 * multipart/form-data bodies (RFC 7578, RFC 2046 section 5.1) parsed as
 * they stream, so a 50 MiB upload never sits in memory.  mp_feed() takes
 * bytes split anywhere and runs a small state machine: the preamble is
 * skipped, each delimiter is followed by transport padding and CRLF (or
 * "--" to close), each part's header block is buffered up to a limit and
 * parsed, and part data goes to a callback as it arrives.  Only a prefix
 * of the delimiter is ever held back between calls; the delimiter starts
 * with CR and a boundary holds no control character, so after a mismatch
 * the search restarts at the current byte and needs no backtracking.
 * We are as lenient as RFC 2046 lets us be with what browsers and curl
 * send: a close delimiter without CRLF, an epilogue, padding.  The
 * collector at the end spools the `media' part of POST /posts and
 * POST /stories to an unlinked temporary file and keeps the short text
 * parts in fixed buffers.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "enc.h"
#include "log.h"
#include "multipart.h"
#include "valid.h"
#include "verr.h"
#include "xmem.h"

#define MP_READ_CHUNK	65536

enum mp_state {
	MP_PREAMBLE,	/* before the first delimiter */
	MP_AFTER,	/* right after a delimiter */
	MP_DASH,	/* after one '-': the close delimiter */
	MP_PAD,		/* transport padding before CRLF */
	MP_CR,		/* CR after a delimiter, LF must follow */
	MP_HEADERS,	/* a part's header block */
	MP_BODY,	/* a part's data */
	MP_DONE,	/* after the close delimiter: epilogue */
	MP_FAILED
};

struct mp {
	enum mp_state		 mp_state;
	char			 mp_delim[4 + MP_BOUNDARY_MAX + 1];
	size_t			 mp_dlen;	/* "\r\n--" + boundary */
	size_t			 mp_match;	/* delimiter bytes seen */
	struct mp_limits	 mp_lim;
	const struct mp_handler	*mp_h;
	void			*mp_arg;
	size_t			 mp_nparts;
	char			*mp_hdr;	/* header block */
	size_t			 mp_hlen;
	char			*mp_name;	/* unquoted name */
	char			*mp_fname;	/* unquoted filename */
	struct verr		 mp_err;	/* replayed after failing */
};

/* A parameter name or value inside a header value. */
struct mp_tok {
	const char	*p;		/* NULL: no value */
	size_t		 len;
	int		 esc;		/* backslash escapes apply */
};

#define MP_WSP(c)	((c) == ' ' || (c) == '\t')

static void
mp_limits_fill(const struct mp_limits *in, struct mp_limits *out)
{
	if (in != NULL)
		*out = *in;
	else
		memset(out, 0, sizeof(*out));
	if (out->hdr_max == 0)
		out->hdr_max = MP_HDR_MAX;
	if (out->parts_max == 0)
		out->parts_max = MP_PARTS_MAX;
	if (out->media_max == 0)
		out->media_max = MP_MEDIA_MAX;
	if (out->body_max == 0)
		out->body_max = MP_BODY_MAX;
}

static const char *
mp_skipws(const char *s)
{
	while (MP_WSP(*s))
		s++;
	return s;
}

/*
 * Scan a quoted-string opening at *sp to just past its closing quote.
 * With esc, a backslash quotes the next character (RFC 7230 3.2.6).
 */
static int
mp_quoted(const char **sp, int esc)
{
	const char	*s = *sp + 1;

	for (; *s != '"'; s++) {
		if (*s == '\0')
			return -1;
		if (esc && *s == '\\' && s[1] != '\0')
			s++;
	}
	*sp = s + 1;
	return 0;
}

/*
 * The next "; name=value" parameter at *sp.  Returns 1 with name and
 * val set, 0 at the end, -1 when malformed.  Browsers do not escape
 * backslashes in file names (only CR, LF and '"', as %0D, %0A, %22), so
 * a quoted value that does not end with backslash escapes is read again
 * with backslashes taken literally.
 */
static int
mp_param(const char **sp, struct mp_tok *name, struct mp_tok *val)
{
	const char	*s = *sp;

	for (;;) {
		s = mp_skipws(s);
		if (*s == '\0')
			return 0;
		if (*s != ';')
			return -1;
		s = mp_skipws(s + 1);
		if (*s != ';')
			break;
	}
	if (*s == '\0')
		return 0;
	name->p = s;
	while (*s != '\0' && *s != '=' && *s != ';' && !MP_WSP(*s))
		s++;
	name->len = (size_t)(s - name->p);
	s = mp_skipws(s);
	memset(val, 0, sizeof(*val));
	if (*s == '=') {
		s = mp_skipws(s + 1);
		val->p = s;
		if (*s == '"') {
			val->esc = 1;
			if (mp_quoted(&s, 1) == -1) {
				val->esc = 0;
				s = val->p;
				if (mp_quoted(&s, 0) == -1)
					return -1;
			}
		} else
			while (*s != '\0' && *s != ';' && !MP_WSP(*s))
				s++;
		val->len = (size_t)(s - val->p);
	}
	*sp = s;
	return 1;
}

static int
mp_tokeq(const struct mp_tok *t, const char *s)
{
	return t->len == strlen(s) && strncasecmp(t->p, s, t->len) == 0;
}

/* Copy a value, unquoted, into out (outsz); -1 when it does not fit. */
static int
mp_unquote(const struct mp_tok *v, char *out, size_t outsz, size_t *lenp)
{
	const char	*s = v->p, *end = v->p + v->len;
	size_t		 n = 0;

	if (v->len > 0 && *s == '"') {
		s++;
		end--;
	}
	for (; s < end; s++) {
		if (v->esc && *s == '\\' && s + 1 < end)
			s++;
		if (n + 1 >= outsz)
			return -1;
		out[n++] = *s;
	}
	if (outsz == 0)
		return -1;
	out[n] = '\0';
	if (lenp != NULL)
		*lenp = n;
	return 0;
}

/*
 * An RFC 5987 ext-value (charset'language'percent-encoded) decoded into
 * out, charset aside: the file name is informational only.
 */
static int
mp_extvalue(const struct mp_tok *v, char *out, size_t outsz)
{
	const char	*s, *end = v->p + v->len;
	size_t		 n = 0;
	int		 hi, lo;

	if ((s = memchr(v->p, '\'', v->len)) == NULL ||
	    (s = memchr(s + 1, '\'', (size_t)(end - s - 1))) == NULL)
		return -1;
	for (s++; s < end; s++) {
		if (n + 1 >= outsz)
			return -1;
		if (*s == '%') {
			if (end - s < 3 || (hi = enc_hexval(s[1])) == -1 ||
			    (lo = enc_hexval(s[2])) == -1 || (hi | lo) == 0)
				return -1;
			out[n++] = (char)(hi << 4 | lo);
			s += 2;
		} else
			out[n++] = *s;
	}
	out[n] = '\0';
	return 0;
}

int
mp_boundary(const char *ct, char *out, size_t outsz, struct verr *e)
{
	const char	*s, *t;
	struct mp_tok	 n, v;
	size_t		 len, i;
	int		 r, found = 0;

	s = mp_skipws(ct != NULL ? ct : "");
	for (t = s; *s != '\0' && *s != ';' && !MP_WSP(*s); s++)
		continue;
	if (s - t != 19 || strncasecmp(t, "multipart/form-data", 19) != 0)
		return verr_set(e, 415, "unsupported_media_type",
		    "multipart/form-data required");
	while ((r = mp_param(&s, &n, &v)) == 1) {
		if (found || v.p == NULL || !mp_tokeq(&n, "boundary"))
			continue;
		if (mp_unquote(&v, out, outsz, &len) == -1 || len < 1 ||
		    len > MP_BOUNDARY_MAX)
			return verr_set(e, 400, "bad_request",
			    "multipart boundary must be 1 to %d characters",
			    MP_BOUNDARY_MAX);
		for (i = 0; i < len; i++)
			if ((unsigned char)out[i] < 0x20 ||
			    (unsigned char)out[i] > 0x7e)
				return verr_set(e, 400, "bad_request",
				    "malformed multipart boundary");
		found = 1;
	}
	if (r == -1)
		return verr_set(e, 400, "bad_request",
		    "malformed Content-Type header");
	if (!found)
		return verr_set(e, 400, "bad_request",
		    "missing multipart boundary");
	return 0;
}

struct mp *
mp_new(const char *boundary, const struct mp_limits *lim,
    const struct mp_handler *h, void *arg)
{
	struct mp	*m;
	size_t		 len, i;

	len = strlen(boundary);
	if (len < 1 || len > MP_BOUNDARY_MAX)
		return NULL;
	for (i = 0; i < len; i++)
		if ((unsigned char)boundary[i] < 0x20 ||
		    (unsigned char)boundary[i] == 0x7f)
			return NULL;
	m = xcalloc(1, sizeof(*m));
	mp_limits_fill(lim, &m->mp_lim);
	m->mp_hdr = xmalloc(m->mp_lim.hdr_max + 1);
	m->mp_name = xmalloc(m->mp_lim.hdr_max + 1);
	m->mp_fname = xmalloc(m->mp_lim.hdr_max + 1);
	m->mp_dlen = (size_t)snprintf(m->mp_delim, sizeof(m->mp_delim),
	    "\r\n--%s", boundary);
	/* The first delimiter may open the body: its CRLF is implied. */
	m->mp_state = MP_PREAMBLE;
	m->mp_match = 2;
	m->mp_h = h;
	m->mp_arg = arg;
	return m;
}

void
mp_free(struct mp *m)
{
	if (m == NULL)
		return;
	free(m->mp_hdr);
	free(m->mp_name);
	free(m->mp_fname);
	free(m);
}

/* Enter the failed state, keeping e to replay; always returns -1. */
static int
mp_fail(struct mp *m, struct verr *e)
{
	m->mp_state = MP_FAILED;
	if (e != NULL && e->status == 0)
		verr_internal(e, "multipart: failed, no reason recorded");
	if (e != NULL)
		m->mp_err = *e;
	else
		verr_set(&m->mp_err, 400, "bad_request",
		    "malformed multipart body");
	return -1;
}

static int
mp_bad(struct mp *m, struct verr *e, const char *msg)
{
	verr_set(e, 400, "bad_request", "%s", msg);
	return mp_fail(m, e);
}

/* Part data, or preamble bytes to drop. */
static int
mp_data(struct mp *m, const char *p, size_t n, struct verr *e)
{
	if (n == 0 || m->mp_state != MP_BODY || m->mp_h->data == NULL)
		return 0;
	if (m->mp_h->data(m->mp_arg, p, n, e) == -1)
		return mp_fail(m, e);
	return 0;
}

/*
 * Scan p for the delimiter, passing what precedes it on as data.  The
 * bytes of a partial match at the end are held back as mp_match; if the
 * match started in an earlier call (carry), they are not in p and are
 * given from mp_delim when the match fails.  Sets *used to the bytes
 * consumed: all of p, or up to the end of the delimiter.
 */
static int
mp_scan(struct mp *m, const char *p, size_t len, size_t *used,
    struct verr *e)
{
	const char	*cr;
	size_t		 i = 0, mstart = 0, carry = m->mp_match;

	while (i < len) {
		if (m->mp_match == 0) {
			if ((cr = memchr(p + i, '\r', len - i)) == NULL) {
				i = len;
				break;
			}
			mstart = (size_t)(cr - p);
			i = mstart + 1;
			m->mp_match = 1;
			continue;
		}
		if (p[i] == m->mp_delim[m->mp_match]) {
			i++;
			if (++m->mp_match < m->mp_dlen)
				continue;
			m->mp_match = 0;
			*used = i;
			if (carry == 0 && mp_data(m, p, mstart, e) == -1)
				return -1;
			if (m->mp_state == MP_BODY && m->mp_h->end != NULL &&
			    m->mp_h->end(m->mp_arg, e) == -1)
				return mp_fail(m, e);
			m->mp_state = MP_AFTER;
			return 0;
		}
		/* Not the delimiter: what was held is data after all. */
		if (carry > 0 && mp_data(m, m->mp_delim, carry, e) == -1)
			return -1;
		carry = 0;
		m->mp_match = 0;
	}
	*used = len;
	if (m->mp_match == 0)
		return mp_data(m, p, len, e);
	if (carry == 0)
		return mp_data(m, p, mstart, e);
	return 0;
}

/*
 * Parse the header block in mp_hdr (CRLF-terminated lines, the empty
 * line excluded) and begin the part.
 */
static int
mp_headers(struct mp *m, struct verr *e)
{
	char		*line, *next, *colon, *val, *end, *cd = NULL;
	char		*ctype = NULL;
	const char	*s;
	struct mp_tok	 n, v, fn, fnx;
	int		 r, have_name = 0;

	if (memchr(m->mp_hdr, '\0', m->mp_hlen) != NULL)
		return mp_bad(m, e, "malformed multipart part header");
	m->mp_hdr[m->mp_hlen] = '\0';
	/* Unfold obsolete line folding (RFC 5322 2.2.3) into spaces. */
	for (line = m->mp_hdr; (line = strstr(line, "\r\n")) != NULL; line++)
		if (MP_WSP(line[2]))
			line[0] = line[1] = ' ';
	for (line = m->mp_hdr; *line != '\0'; line = next) {
		if ((next = strstr(line, "\r\n")) == NULL)
			abort();	/* the block ends with CRLF */
		*next = '\0';
		next += 2;
		if ((colon = strchr(line, ':')) == NULL)
			return mp_bad(m, e, "malformed multipart part header");
		for (end = colon; end > line && MP_WSP(end[-1]); end--)
			continue;
		*end = '\0';
		val = (char *)mp_skipws(colon + 1);
		for (end = val + strlen(val); end > val && MP_WSP(end[-1]);
		    end--)
			continue;
		*end = '\0';
		if (cd == NULL && strcasecmp(line, "Content-Disposition") == 0)
			cd = val;
		else if (ctype == NULL && strcasecmp(line, "Content-Type") == 0)
			ctype = val;
	}
	if (cd == NULL)
		return mp_bad(m, e,
		    "multipart part without Content-Disposition");
	s = cd;
	while (*s != '\0' && *s != ';' && !MP_WSP(*s))
		s++;
	if (s - cd != 9 || strncasecmp(cd, "form-data", 9) != 0)
		return mp_bad(m, e, "multipart part is not form-data");
	memset(&fn, 0, sizeof(fn));
	memset(&fnx, 0, sizeof(fnx));
	while ((r = mp_param(&s, &n, &v)) == 1) {
		if (v.p == NULL)
			continue;
		if (!have_name && mp_tokeq(&n, "name")) {
			if (mp_unquote(&v, m->mp_name, m->mp_lim.hdr_max + 1,
			    NULL) == -1)
				abort();	/* shorter than the block */
			have_name = 1;
		} else if (fn.p == NULL && mp_tokeq(&n, "filename"))
			fn = v;
		else if (fnx.p == NULL && mp_tokeq(&n, "filename*"))
			fnx = v;
	}
	if (r == -1)
		return mp_bad(m, e, "malformed Content-Disposition");
	if (!have_name)
		return mp_bad(m, e, "multipart part without a name");
	/* RFC 6266 4.3: filename* wins when it can be read. */
	if (fnx.p != NULL && fnx.p[0] != '"' &&
	    mp_extvalue(&fnx, m->mp_fname, m->mp_lim.hdr_max + 1) == 0)
		fn = fnx;
	else if (fn.p != NULL &&
	    mp_unquote(&fn, m->mp_fname, m->mp_lim.hdr_max + 1, NULL) == -1)
		abort();
	if (ctype != NULL) {
		ctype[strcspn(ctype, ";")] = '\0';
		for (end = ctype + strlen(ctype); end > ctype &&
		    MP_WSP(end[-1]); end--)
			continue;
		*end = '\0';
		if (*ctype == '\0')
			ctype = NULL;
	}
	m->mp_state = MP_BODY;
	m->mp_match = 0;
	if (m->mp_h->begin != NULL && m->mp_h->begin(m->mp_arg, m->mp_name,
	    fn.p != NULL ? m->mp_fname : NULL, ctype, e) == -1)
		return mp_fail(m, e);
	return 0;
}

/* Append header bytes; sets *used, begins the part at the empty line. */
static int
mp_header_bytes(struct mp *m, const char *p, size_t len, size_t *used,
    struct verr *e)
{
	char	*h = m->mp_hdr;
	size_t	 i;

	for (i = 0; i < len; i++) {
		if (m->mp_hlen >= m->mp_lim.hdr_max)
			return mp_bad(m, e, "multipart part headers too large");
		h[m->mp_hlen++] = p[i];
		if (m->mp_hlen < 2 || h[m->mp_hlen - 2] != '\r' ||
		    h[m->mp_hlen - 1] != '\n')
			continue;
		if (m->mp_hlen == 2 || (m->mp_hlen >= 4 &&
		    h[m->mp_hlen - 4] == '\r' && h[m->mp_hlen - 3] == '\n')) {
			m->mp_hlen -= 2;
			*used = i + 1;
			return mp_headers(m, e);
		}
	}
	*used = len;
	return 0;
}

int
mp_feed(struct mp *m, const char *buf, size_t len, struct verr *e)
{
	size_t	 i = 0, used = 0;
	char	 c;

	if (m->mp_state == MP_FAILED) {
		if (e != NULL && e->status == 0)
			*e = m->mp_err;
		return -1;
	}
	while (i < len) {
		switch (m->mp_state) {
		case MP_PREAMBLE:
		case MP_BODY:
			if (mp_scan(m, buf + i, len - i, &used, e) == -1)
				return -1;
			i += used;
			break;
		case MP_HEADERS:
			if (mp_header_bytes(m, buf + i, len - i, &used,
			    e) == -1)
				return -1;
			i += used;
			break;
		case MP_AFTER:
		case MP_PAD:
			c = buf[i++];
			if (c == '-' && m->mp_state == MP_AFTER)
				m->mp_state = MP_DASH;
			else if (MP_WSP(c))
				m->mp_state = MP_PAD;
			else if (c == '\r')
				m->mp_state = MP_CR;
			else
				return mp_bad(m, e,
				    "garbage after a multipart delimiter");
			break;
		case MP_DASH:
			if (buf[i++] != '-')
				return mp_bad(m, e,
				    "garbage after a multipart delimiter");
			m->mp_state = MP_DONE;
			break;
		case MP_CR:
			if (buf[i++] != '\n')
				return mp_bad(m, e,
				    "garbage after a multipart delimiter");
			if (++m->mp_nparts > m->mp_lim.parts_max)
				return mp_bad(m, e, "too many multipart parts");
			m->mp_state = MP_HEADERS;
			m->mp_hlen = 0;
			break;
		case MP_DONE:
			/* The epilogue, ignored (RFC 2046 5.1.1). */
			return 0;
		case MP_FAILED:
			return -1;
		}
	}
	return 0;
}

int
mp_finish(struct mp *m, struct verr *e)
{
	switch (m->mp_state) {
	case MP_DONE:
		return 0;
	case MP_FAILED:
		if (e != NULL && e->status == 0)
			*e = m->mp_err;
		return -1;
	case MP_PREAMBLE:
		return mp_bad(m, e, "no multipart delimiter in the body");
	default:
		return mp_bad(m, e,
		    "multipart body ends before its closing delimiter");
	}
}

/* The collector of mp_form_read(). */

enum form_part {
	FORM_SKIP,
	FORM_MEDIA,
	FORM_CAPTION,
	FORM_VISIBILITY
};

struct form {
	struct mp_form		*f;
	struct mp_limits	 lim;
	enum form_part		 cur;
	int			 seen_media;
};

static int
form_internal(struct verr *e, const char *what, const char *path)
{
	int	 saved = errno;

	verr_internal(e, "%s: %s: %s", what, path, strerror(saved));
	return -1;
}

/*
 * An unlinked file for the media: nothing to clean up whatever happens
 * to the worker, and the fd is all the upload needs.
 */
int
mp_tmpfile(struct verr *e)
{
	char		 path[PATH_MAX];
	const char	*dir;
	int		 fd, n;

	if ((dir = getenv("TMPDIR")) == NULL || *dir == '\0')
		dir = "/tmp";
	n = snprintf(path, sizeof(path), "%s/vybes-media.XXXXXX", dir);
	if (n < 0 || (size_t)n >= sizeof(path))
		snprintf(path, sizeof(path), "/tmp/vybes-media.XXXXXX");
	if ((fd = mkstemp(path)) == -1)
		return form_internal(e, "mkstemp", path);
	if (unlink(path) == -1 || fcntl(fd, F_SETFD, FD_CLOEXEC) == -1) {
		form_internal(e, "unlink", path);
		close(fd);
		return -1;
	}
	return fd;
}

static int
form_tmpfile(struct mp_form *f, struct verr *e)
{
	return (f->fd = mp_tmpfile(e)) == -1 ? -1 : 0;
}

static int
form_begin(void *arg, const char *name, const char *filename,
    const char *ctype, struct verr *e)
{
	struct form	*fm = arg;

	(void)filename;
	(void)ctype;
	fm->cur = FORM_SKIP;
	if (strcmp(name, "media") == 0 && !fm->seen_media) {
		fm->seen_media = 1;
		fm->cur = FORM_MEDIA;
		return form_tmpfile(fm->f, e);
	}
	if (fm->lim.media_only)
		return 0;
	if (strcmp(name, "caption") == 0 && !fm->f->has_caption) {
		fm->f->has_caption = 1;
		fm->cur = FORM_CAPTION;
	} else if (strcmp(name, "visibility") == 0 &&
	    !fm->f->has_visibility) {
		fm->f->has_visibility = 1;
		fm->cur = FORM_VISIBILITY;
	}
	return 0;
}

static int
form_media(struct form *fm, const char *p, size_t n, struct verr *e)
{
	struct mp_form	*f = fm->f;
	size_t		 k;
	ssize_t		 w;

	if (n > fm->lim.media_max - f->media_len)
		return verr_set(e, 413, "payload_too_large",
		    "media larger than %zu bytes", fm->lim.media_max);
	if (f->head_len < sizeof(f->head)) {
		k = sizeof(f->head) - f->head_len;
		if (k > n)
			k = n;
		memcpy(f->head + f->head_len, p, k);
		f->head_len += k;
	}
	f->media_len += n;
	while (n > 0) {
		if ((w = write(f->fd, p, n)) == -1) {
			if (errno == EINTR)
				continue;
			return form_internal(e, "write", "media file");
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int
form_data(void *arg, const char *p, size_t n, struct verr *e)
{
	struct form	*fm = arg;
	struct mp_form	*f = fm->f;

	switch (fm->cur) {
	case FORM_MEDIA:
		return form_media(fm, p, n, e);
	case FORM_CAPTION:
		if (n > MP_CAPTION_MAX - f->caption_len)
			return verr_field(e, "caption",
			    "caption longer than %d characters",
			    MP_CAPTION_CHARS);
		memcpy(f->caption + f->caption_len, p, n);
		f->caption_len += n;
		return 0;
	case FORM_VISIBILITY:
		if (n > MP_VISIBILITY_MAX - strlen(f->visibility) ||
		    memchr(p, '\0', n) != NULL)
			return verr_field(e, "visibility",
			    "visibility must be public, friends or private");
		strncat(f->visibility, p, n);
		return 0;
	default:
		return 0;
	}
}

static int
form_end(void *arg, struct verr *e)
{
	struct form	*fm = arg;
	struct mp_form	*f = fm->f;

	if (fm->cur == FORM_CAPTION) {
		f->caption[f->caption_len] = '\0';
		if (mp_caption_check(f->caption, f->caption_len, e) == -1)
			return -1;
	}
	fm->cur = FORM_SKIP;
	return 0;
}

int
mp_caption_check(const char *s, size_t len, struct verr *e)
{
	long	 n;

	if ((n = valid_utf8(s, len)) == -1)
		return verr_field(e, "caption", "caption must be UTF-8 text");
	if (n > MP_CAPTION_CHARS)
		return verr_field(e, "caption",
		    "caption longer than %d characters", MP_CAPTION_CHARS);
	return 0;
}

static const struct mp_handler form_handler = {
	form_begin, form_data, form_end
};

int
mp_form_read(struct mp_form *f, const char *content_type,
    long (*rd)(void *ctx, char *buf, size_t n), void *ctx,
    const struct mp_limits *lim, struct verr *e)
{
	char		 bnd[MP_BOUNDARY_MAX + 1];
	struct form	 fm;
	struct mp	*m = NULL;
	char		*buf = NULL;
	size_t		 total = 0;
	long		 n;
	int		 rc = -1;

	memset(f, 0, sizeof(*f));
	f->fd = -1;
	memset(&fm, 0, sizeof(fm));
	fm.f = f;
	mp_limits_fill(lim, &fm.lim);
	if (mp_boundary(content_type, bnd, sizeof(bnd), e) == -1)
		goto out;
	if ((m = mp_new(bnd, &fm.lim, &form_handler, &fm)) == NULL)
		abort();	/* mp_boundary checked it */
	buf = xmalloc(MP_READ_CHUNK);
	for (;;) {
		if ((n = rd(ctx, buf, MP_READ_CHUNK)) < 0) {
			verr_set(e, 400, "bad_request",
			    "could not read the request body");
			goto out;
		}
		if (n == 0)
			break;
		if ((size_t)n > fm.lim.body_max - total) {
			verr_set(e, 413, "payload_too_large",
			    "request body larger than %zu bytes",
			    fm.lim.body_max);
			goto out;
		}
		total += (size_t)n;
		if (mp_feed(m, buf, (size_t)n, e) == -1)
			goto out;
	}
	if (mp_finish(m, e) == -1)
		goto out;
	if (!fm.seen_media) {
		verr_field(e, "media", "media is required");
		goto out;
	}
	if (f->media_len == 0) {
		verr_field(e, "media", "media must not be empty");
		goto out;
	}
	if (lseek(f->fd, 0, SEEK_SET) == -1) {
		form_internal(e, "lseek", "media file");
		goto out;
	}
	rc = 0;
out:
	free(buf);
	mp_free(m);
	if (rc == -1)
		mp_form_free(f);
	return rc;
}

void
mp_form_free(struct mp_form *f)
{
	if (f == NULL || f->fd == -1)
		return;
	close(f->fd);
	f->fd = -1;
}
