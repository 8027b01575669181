/*
 * The streaming multipart parser and the POST /posts collector: the same
 * parts and bytes however the body is split (whole, byte by byte, every
 * two-way split, seeded random chunkings), lenient input browsers and
 * curl send, malformed input and limits, and the collector's spooled
 * media, text parts and errors.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "multipart.h"
#include "unit.h"
#include "verr.h"

#define REC_PARTS	40

/* What the callbacks saw, with adjacent data chunks joined. */
struct rec {
	size_t	 n;
	int	 open;			/* begin seen, end not yet */
	int	 fail_at;		/* part whose begin fails, -1 */
	struct {
		char	 name[64], fname[64], ctype[64];
		int	 has_fname, has_ctype, ended;
		char	*data;
		size_t	 len;
	} p[REC_PARTS];
};

static int
rec_begin(void *arg, const char *name, const char *fname, const char *ctype,
    struct verr *e)
{
	struct rec	*r = arg;

	CU_ASSERT_FALSE(r->open);
	if ((int)r->n == r->fail_at)
		return verr_set(e, 418, "teapot", "refused");
	if (r->n == REC_PARTS)
		abort();
	snprintf(r->p[r->n].name, sizeof(r->p[0].name), "%s", name);
	if ((r->p[r->n].has_fname = fname != NULL))
		snprintf(r->p[r->n].fname, sizeof(r->p[0].fname), "%s", fname);
	if ((r->p[r->n].has_ctype = ctype != NULL))
		snprintf(r->p[r->n].ctype, sizeof(r->p[0].ctype), "%s", ctype);
	r->open = 1;
	r->n++;
	return 0;
}

static int
rec_data(void *arg, const char *buf, size_t len, struct verr *e)
{
	struct rec	*r = arg;

	(void)e;
	CU_ASSERT_TRUE(r->open);
	CU_ASSERT_TRUE(len > 0);
	if (!r->open)
		return 0;
	r->p[r->n - 1].data = realloc(r->p[r->n - 1].data,
	    r->p[r->n - 1].len + len);
	if (r->p[r->n - 1].data == NULL)
		abort();
	memcpy(r->p[r->n - 1].data + r->p[r->n - 1].len, buf, len);
	r->p[r->n - 1].len += len;
	return 0;
}

static int
rec_end(void *arg, struct verr *e)
{
	struct rec	*r = arg;

	(void)e;
	CU_ASSERT_TRUE(r->open);
	r->open = 0;
	r->p[r->n - 1].ended = 1;
	return 0;
}

static const struct mp_handler rec_handler = { rec_begin, rec_data, rec_end };

static void
rec_free(struct rec *r)
{
	size_t	 i;

	for (i = 0; i < r->n; i++)
		free(r->p[i].data);
	memset(r, 0, sizeof(*r));
}

static int
rec_equal(const struct rec *a, const struct rec *b)
{
	size_t	 i;

	if (a->n != b->n)
		return 0;
	for (i = 0; i < a->n; i++)
		if (strcmp(a->p[i].name, b->p[i].name) != 0 ||
		    strcmp(a->p[i].fname, b->p[i].fname) != 0 ||
		    strcmp(a->p[i].ctype, b->p[i].ctype) != 0 ||
		    a->p[i].has_fname != b->p[i].has_fname ||
		    a->p[i].has_ctype != b->p[i].has_ctype ||
		    a->p[i].ended != b->p[i].ended ||
		    a->p[i].len != b->p[i].len ||
		    (a->p[i].len > 0 &&
		    memcmp(a->p[i].data, b->p[i].data, a->p[i].len) != 0))
			return 0;
	return 1;
}

/* Small, seeded, the same everywhere: xorshift32. */
static unsigned int	 prng = 2463534242U;

static unsigned int
rnd(void)
{
	prng ^= prng << 13;
	prng ^= prng >> 17;
	prng ^= prng << 5;
	return prng;
}

/*
 * Parse body fed in chunks: cuts[] lists split offsets (ascending,
 * ncuts of them); step > 0 feeds step bytes at a time instead.
 */
static int
parse(const char *boundary, const struct mp_limits *lim, const char *body,
    size_t len, const size_t *cuts, size_t ncuts, size_t step,
    struct rec *r, struct verr *e)
{
	struct mp	*m;
	size_t		 off = 0, i, n;
	int		 rc = -1;

	memset(r, 0, sizeof(*r));
	r->fail_at = -1;
	verr_init(e);
	if ((m = mp_new(boundary, lim, &rec_handler, r)) == NULL)
		return -2;
	for (i = 0; off < len; i++) {
		if (step > 0)
			n = len - off < step ? len - off : step;
		else
			n = (i < ncuts ? cuts[i] : len) - off;
		if (mp_feed(m, body + off, n, e) == -1)
			goto out;
		off += n;
	}
	rc = mp_finish(m, e);
out:
	mp_free(m);
	return rc;
}

static int
parse_whole(const char *boundary, const char *body, size_t len,
    struct rec *r, struct verr *e)
{
	return parse(boundary, NULL, body, len, NULL, 0, 0, r, e);
}

/* Parse body whole, byte by byte, in every two-way split and randomly. */
static void
check_splits(const char *boundary, const char *body, size_t len,
    const struct rec *want, int want_rc, int want_status)
{
	struct rec	 r;
	struct verr	 e;
	size_t		 cuts[64], k, i, n;
	int		 rc;

	rc = parse(boundary, NULL, body, len, NULL, 0, 1, &r, &e);
	CU_ASSERT_EQUAL(rc, want_rc);
	CU_ASSERT_EQUAL(e.status, want_status);
	if (want_rc == 0)
		CU_ASSERT_TRUE(rec_equal(&r, want));
	rec_free(&r);
	for (k = 0; k <= len; k++) {
		rc = parse(boundary, NULL, body, len, &k, 1, 0, &r, &e);
		CU_ASSERT_EQUAL(rc, want_rc);
		CU_ASSERT_EQUAL(e.status, want_status);
		if (want_rc == 0 && !rec_equal(&r, want)) {
			CU_FAIL("two-way split changed the parts");
			fprintf(stderr, "split at %zu differs\n", k);
		}
		rec_free(&r);
	}
	for (i = 0; i < 200; i++) {
		n = 1 + rnd() % (sizeof(cuts) / sizeof(cuts[0]));
		for (k = 0; k < n; k++)
			cuts[k] = rnd() % (len + 1);
		/* sort, a few dozen entries */
		for (k = 1; k < n; k++) {
			size_t	 v = cuts[k], j = k;

			for (; j > 0 && cuts[j - 1] > v; j--)
				cuts[j] = cuts[j - 1];
			cuts[j] = v;
		}
		rc = parse(boundary, NULL, body, len, cuts, n, 0, &r, &e);
		CU_ASSERT_EQUAL(rc, want_rc);
		CU_ASSERT_EQUAL(e.status, want_status);
		if (want_rc == 0 && !rec_equal(&r, want)) {
			CU_FAIL("random chunking changed the parts");
			fprintf(stderr, "random chunking %zu differs\n", i);
		}
		rec_free(&r);
	}
}

#define B	"----WebKitFormBoundary7MA4YWxkTrZu0gW"

static void
test_split_traps(void)
{
	/* The data may not hold "\r\n--" B followed by anything: build it. */
	static const char media[] =
	    "\xff\xd8\xff\0\0\r\n--" "----WebKitFormBoundary7MA4YWxkTrZu0g"
	    "\0\r\n--" "----WebKitFormBoundary7MA4" "\r\r\r\n\r\n-\r\n--\r\n---"
	    "\r\r\n--" "----WebKitFormBoundary" "\r\n-" "-" "\r\n"
	    "\n--" B "\r--" B "\0\0\r";
	static const char caption[] = "hello\r\nworld\r\n";
	char		 body[2048];
	struct rec	 want, r;
	struct verr	 e;
	size_t		 len = 0;

	len += snprintf(body + len, sizeof(body) - len,
	    "--" B "\r\n"
	    "Content-Disposition: form-data; name=\"caption\"\r\n"
	    "\r\n%s\r\n--" B "\r\n"
	    "Content-Disposition: form-data; name=\"media\"; "
	    "filename=\"a.jpg\"\r\n"
	    "Content-Type: image/jpeg\r\n"
	    "\r\n", caption);
	memcpy(body + len, media, sizeof(media) - 1);
	len += sizeof(media) - 1;
	len += snprintf(body + len, sizeof(body) - len,
	    "\r\n--" B "\r\n"
	    "content-disposition: form-data; name=empty\r\n"
	    "\r\n"
	    "\r\n--" B "--\r\n");

	memset(&want, 0, sizeof(want));
	want.n = 3;
	strcpy(want.p[0].name, "caption");
	want.p[0].data = (char *)caption;
	want.p[0].len = sizeof(caption) - 1;
	want.p[0].ended = 1;
	strcpy(want.p[1].name, "media");
	strcpy(want.p[1].fname, "a.jpg");
	want.p[1].has_fname = 1;
	strcpy(want.p[1].ctype, "image/jpeg");
	want.p[1].has_ctype = 1;
	want.p[1].data = (char *)media;
	want.p[1].len = sizeof(media) - 1;
	want.p[1].ended = 1;
	strcpy(want.p[2].name, "empty");
	want.p[2].ended = 1;

	CU_ASSERT_EQUAL(parse_whole(B, body, len, &r, &e), 0);
	CU_ASSERT_TRUE(rec_equal(&r, &want));
	rec_free(&r);
	check_splits(B, body, len, &want, 0, 0);
}

/* A body of short parts written as "name=value" pairs. */
static size_t
mkbody(char *out, size_t outsz, const char *boundary, const char *pre,
    const char *const *parts, const char *close)
{
	size_t	 len;
	int	 i;

	len = snprintf(out, outsz, "%s", pre);
	for (i = 0; parts[i] != NULL; i += 2)
		len += snprintf(out + len, outsz - len, "--%s\r\n"
		    "Content-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n",
		    boundary, parts[i], parts[i + 1]);
	len += snprintf(out + len, outsz - len, "--%s%s", boundary, close);
	return len;
}

static void
test_lenient(void)
{
	static const struct {
		const char	*pre, *close;
	} c[] = {
		{ "", "--\r\n" },
		{ "", "--" },			/* no trailing CRLF */
		{ "", "--\r\nepilogue\r\n--x--\r\n" },
		{ "", "--epilogue" },
		{ "This is a preamble.\r\n", "--\r\n" },
		{ "\r\n", "--" },
		{ "--" "notit\r\n-- b\r\n\r\n", "--\r\n" },
	};
	static const char *const parts[] = { "a", "1", "b", "two", NULL };
	char		 body[1024];
	struct rec	 r, want;
	struct verr	 e;
	size_t		 i, len;

	memset(&want, 0, sizeof(want));
	want.n = 2;
	strcpy(want.p[0].name, "a");
	want.p[0].data = (char *)"1";
	want.p[0].len = 1;
	want.p[0].ended = 1;
	strcpy(want.p[1].name, "b");
	want.p[1].data = (char *)"two";
	want.p[1].len = 3;
	want.p[1].ended = 1;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		len = mkbody(body, sizeof(body), "b", c[i].pre, parts,
		    c[i].close);
		CU_ASSERT_EQUAL(parse_whole("b", body, len, &r, &e), 0);
		CU_ASSERT_TRUE(rec_equal(&r, &want));
		rec_free(&r);
	}
	/* Transport padding after delimiters, curl-style headers. */
	len = snprintf(body, sizeof(body),
	    "--b \t \r\n"
	    "CONTENT-DISPOSITION:form-data;name=a\r\n"
	    "X-Other: ignored\r\n"
	    "\r\n"
	    "1\r\n--b\t\r\n"
	    "Content-Disposition: form-data;\r\n"
	    " name=\"b\"; filename=\"\"\r\n"
	    "Content-Type:  text/plain ; charset=utf-8 \r\n"
	    "\r\n"
	    "two\r\n--b--  \r\n");
	want.p[1].has_fname = 1;
	want.p[1].has_ctype = 1;
	strcpy(want.p[1].ctype, "text/plain");
	CU_ASSERT_EQUAL(parse_whole("b", body, len, &r, &e), 0);
	CU_ASSERT_TRUE(rec_equal(&r, &want));
	rec_free(&r);
	check_splits("b", body, len, &want, 0, 0);
	/* No parts at all is well-formed; the collector wants media. */
	CU_ASSERT_EQUAL(parse_whole("b", "--b--", 5, &r, &e), 0);
	CU_ASSERT_EQUAL(r.n, 0);
}

static void
test_params(void)
{
	static const struct {
		const char	*cd;
		const char	*name, *fname;	/* NULL: absent */
	} c[] = {
		{ "form-data; name=\"media\"; filename=\"a.jpg\"", "media",
		    "a.jpg" },
		{ "Form-Data; NAME=media; FileName=a.jpg", "media", "a.jpg" },
		{ "form-data; name=\"a\\\"b\"; filename=\"x\\\\y\"", "a\"b",
		    "x\\y" },
		{ "form-data; filename=\"C:\\dir\\\"; name=m", "m",
		    "C:\\dir\\" },
		{ "form-data; name=\"a;b=c\"", "a;b=c", NULL },
		{ "form-data; name=m; filename*=UTF-8''%E2%82%AC%20.jpg",
		    "m", "\xe2\x82\xac .jpg" },
		{ "form-data; name=m; filename=\"e.jpg\"; "
		    "filename*=utf-8'en'%C3%A9.jpg", "m", "\xc3\xa9.jpg" },
		{ "form-data; name=m; filename=\"e.jpg\"; filename*=bad",
		    "m", "e.jpg" },
		{ "form-data;;name=\"\";", "", NULL },
		{ "form-data; name=first; name=second", "first", NULL },
		{ "form-data; size; name=m", "m", NULL },
	};
	char		 body[1024];
	struct rec	 r;
	struct verr	 e;
	size_t		 i, len;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		len = snprintf(body, sizeof(body), "--b\r\n"
		    "Content-Disposition: %s\r\n\r\nx\r\n--b--\r\n", c[i].cd);
		CU_ASSERT_EQUAL(parse_whole("b", body, len, &r, &e), 0);
		CU_ASSERT_EQUAL(r.n, 1);
		if (r.n != 1) {
			fprintf(stderr, "params case %zu: %s\n", i, e.msg);
			continue;
		}
		CU_ASSERT_STRING_EQUAL(r.p[0].name, c[i].name);
		CU_ASSERT_EQUAL(r.p[0].has_fname, c[i].fname != NULL);
		if (c[i].fname != NULL)
			CU_ASSERT_STRING_EQUAL(r.p[0].fname, c[i].fname);
		CU_ASSERT_FALSE(r.p[0].has_ctype);
		rec_free(&r);
	}
}

static void
test_boundary(void)
{
	static const struct {
		const char	*ct, *want;
		int		 status;
	} c[] = {
		{ "multipart/form-data; boundary=abc", "abc", 0 },
		{ "Multipart/Form-Data;BOUNDARY=abc", "abc", 0 },
		{ "  multipart/form-data ; charset=utf-8 ; boundary=\"a b\"",
		    "a b", 0 },
		{ "multipart/form-data; boundary=\"a\\\"b\\\\c\"", "a\"b\\c",
		    0 },
		{ "multipart/form-data; x=\"; boundary=no\"; boundary=yes",
		    "yes", 0 },
		{ "multipart/form-data; boundary=first; boundary=second",
		    "first", 0 },
		{ "multipart/form-data; boundary=----WebKitFormBoundary"
		    "7MA4YWxkTrZu0gW", "----WebKitFormBoundary7MA4YWxkTrZu0gW",
		    0 },
		{ "multipart/form-data; boundary=1234567890123456789012345"
		    "678901234567890123456789012345678901234567890",
		    "1234567890123456789012345678901234567890123456789012345"
		    "678901234567890", 0 },
		{ "multipart/form-data; boundary=1234567890123456789012345"
		    "6789012345678901234567890123456789012345678901", NULL,
		    400 },
		{ "multipart/form-data; boundary=", NULL, 400 },
		{ "multipart/form-data; boundary=\"\"", NULL, 400 },
		{ "multipart/form-data", NULL, 400 },
		{ "multipart/form-data; charset=utf-8", NULL, 400 },
		{ "multipart/form-data; boundary=\"abc", NULL, 400 },
		{ "multipart/form-data; boundary=a b", NULL, 400 },
		{ "multipart/form-data; boundary=\"a\rb\"", NULL, 400 },
		{ "multipart/mixed; boundary=abc", NULL, 415 },
		{ "multipart/form-datax; boundary=abc", NULL, 415 },
		{ "application/json", NULL, 415 },
		{ "application/x-www-form-urlencoded", NULL, 415 },
		{ "text/plain; boundary=abc", NULL, 415 },
		{ "", NULL, 415 },
		{ NULL, NULL, 415 },
	};
	char		 out[MP_BOUNDARY_MAX + 1];
	struct verr	 e;
	size_t		 i;
	int		 rc;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		verr_init(&e);
		rc = mp_boundary(c[i].ct, out, sizeof(out), &e);
		CU_ASSERT_EQUAL(rc, c[i].want != NULL ? 0 : -1);
		CU_ASSERT_EQUAL(e.status, c[i].status);
		if (c[i].want != NULL && rc == 0)
			CU_ASSERT_STRING_EQUAL(out, c[i].want);
		if (c[i].status == 415)
			CU_ASSERT_STRING_EQUAL(e.code,
			    "unsupported_media_type");
		if (c[i].status == 400)
			CU_ASSERT_STRING_EQUAL(e.code, "bad_request");
		if ((rc == 0) != (c[i].want != NULL))
			fprintf(stderr, "boundary case %zu: %d\n", i, rc);
	}
	CU_ASSERT_PTR_NULL(mp_new("", NULL, &rec_handler, NULL));
	CU_ASSERT_PTR_NULL(mp_new("a\r\nb", NULL, &rec_handler, NULL));
}

static void
test_malformed(void)
{
	static const char *const c[] = {
		"",					/* no delimiter */
		"just some text\r\n",
		"--bb\r\n\r\nx\r\n--bb--",		/* other boundary */
		"--b",					/* truncated */
		"--b\r",
		"--b\r\n",
		"--b\r\nContent-Disposition: form-data; name=a\r\n",
		"--b\r\nContent-Disposition: form-data; name=a\r\n\r\nx",
		"--b\r\nContent-Disposition: form-data; name=a\r\n\r\nx\r\n--",
		"--b\r\nContent-Disposition: form-data; name=a\r\n\r\nx\r\n--b",
		"--b\r\nContent-Disposition: form-data; name=a\r\n\r\n"
		    "x\r\n--b-",
		"--b\r\nContent-Disposition: form-data; name=a\r\n\r\n"
		    "x\r\n--b\r\n",
		"--bx\r\n\r\n--b--",			/* garbage */
		"--b-x\r\n",
		"--b \tx\r\n",
		"--b\rx",
		"--b\r\nContent-Disposition: form-data; name=a\r\n\r\n"
		    "x\r\n--bc\r\n--b--",
		"--b\r\nContent-Disposition: form-data; name=a\r\n\r\n"
		    "x\r\n--b\r\n--b\r\n--b--",		/* no headers */
		"--b\r\n\r\nx\r\n--b--",		/* no disposition */
		"--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--",
		"--b\r\nContent-Disposition: form-data\r\n\r\nx\r\n--b--",
		"--b\r\nContent-Disposition: form-data; filename=a\r\n\r\n"
		    "x\r\n--b--",
		"--b\r\nContent-Disposition: attachment; name=a\r\n\r\n"
		    "x\r\n--b--",
		"--b\r\nContent-Disposition: form-data; name=\"a\r\n\r\n"
		    "x\r\n--b--",
		"--b\r\nContent-Disposition: form-data; name=a b\r\n\r\n"
		    "x\r\n--b--",
		"--b\r\nContent-Disposition form-data; name=a\r\n\r\n"
		    "x\r\n--b--",
	};
	static const char nul[] = "--b\r\nContent-Disposition: form-data; "
	    "name=a\r\nX: \0\r\n\r\nx\r\n--b--";
	struct rec	 r;
	struct verr	 e;
	size_t		 i;
	int		 rc;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		rc = parse_whole("b", c[i], strlen(c[i]), &r, &e);
		CU_ASSERT_EQUAL(rc, -1);
		CU_ASSERT_EQUAL(e.status, 400);
		CU_ASSERT_STRING_EQUAL(e.code, "bad_request");
		if (rc != -1)
			fprintf(stderr, "malformed case %zu accepted\n", i);
		rec_free(&r);
	}
	/* A NUL byte in a header block. */
	rc = parse_whole("b", nul, sizeof(nul) - 1, &r, &e);
	CU_ASSERT_EQUAL(rc, -1);
	CU_ASSERT_EQUAL(e.status, 400);
	rec_free(&r);
	/* Truncation found whatever the chunking. */
	check_splits("b", c[11], strlen(c[11]), NULL, -1, 400);
	check_splits("b", c[16], strlen(c[16]), NULL, -1, 400);
}

static void
test_limits(void)
{
	static const char *const four[] = { "a", "1", "b", "2", "c", "3",
	    "d", "4", NULL };
	static const char *const three[] = { "a", "1", "b", "2", "c", "3",
	    NULL };
	struct mp_limits lim;
	char		 body[4096], hdr[200];
	struct rec	 r;
	struct verr	 e;
	struct mp	*m;
	size_t		 len;

	memset(&lim, 0, sizeof(lim));
	lim.parts_max = 3;
	len = mkbody(body, sizeof(body), "b", "", three, "--");
	CU_ASSERT_EQUAL(parse("b", &lim, body, len, NULL, 0, 0, &r, &e), 0);
	CU_ASSERT_EQUAL(r.n, 3);
	rec_free(&r);
	len = mkbody(body, sizeof(body), "b", "", four, "--");
	CU_ASSERT_EQUAL(parse("b", &lim, body, len, NULL, 0, 0, &r, &e), -1);
	CU_ASSERT_EQUAL(e.status, 400);
	CU_ASSERT_EQUAL(r.n, 3);
	rec_free(&r);
	/* Default: 32 parts. */
	memset(body, 0, sizeof(body));
	{
		const char	*many[2 * 34 + 1];
		int		 i;

		for (i = 0; i < 33; i++) {
			many[2 * i] = "p";
			many[2 * i + 1] = "v";
		}
		many[2 * 32] = NULL;
		len = mkbody(body, sizeof(body), "b", "", many, "--");
		CU_ASSERT_EQUAL(parse_whole("b", body, len, &r, &e), 0);
		CU_ASSERT_EQUAL(r.n, 32);
		rec_free(&r);
		many[2 * 32] = "p";
		many[2 * 33] = NULL;
		len = mkbody(body, sizeof(body), "b", "", many, "--");
		CU_ASSERT_EQUAL(parse_whole("b", body, len, &r, &e), -1);
		CU_ASSERT_EQUAL(e.status, 400);
		rec_free(&r);
	}
	/* Header block: exactly the limit passes, one more byte fails. */
	memset(&lim, 0, sizeof(lim));
	lim.hdr_max = 64;
	snprintf(hdr, sizeof(hdr), "Content-Disposition: form-data; name=a"
	    "\r\nX: %*s\r\n\r\n", 64 - 38 - 2 - 3 - 4, "");
	CU_ASSERT_EQUAL(strlen(hdr), 64);
	len = snprintf(body, sizeof(body), "--b\r\n%s1\r\n--b--", hdr);
	CU_ASSERT_EQUAL(parse("b", &lim, body, len, NULL, 0, 1, &r, &e), 0);
	CU_ASSERT_EQUAL(r.n, 1);
	rec_free(&r);
	snprintf(hdr, sizeof(hdr), "Content-Disposition: form-data; name=a"
	    "\r\nX: %*s\r\n\r\n", 64 - 38 - 2 - 3 - 4 + 1, "");
	len = snprintf(body, sizeof(body), "--b\r\n%s1\r\n--b--", hdr);
	CU_ASSERT_EQUAL(parse("b", &lim, body, len, NULL, 0, 1, &r, &e), -1);
	CU_ASSERT_EQUAL(e.status, 400);
	rec_free(&r);
	/* Default 8 KiB, and never waiting for the end of the headers. */
	memset(body, 'x', sizeof(body));
	memcpy(body, "--b\r\nX: ", 8);
	memset(&r, 0, sizeof(r));
	r.fail_at = -1;
	verr_init(&e);
	m = mp_new("b", NULL, &rec_handler, &r);
	CU_ASSERT_EQUAL(mp_feed(m, body, sizeof(body), &e), 0);
	CU_ASSERT_EQUAL(mp_feed(m, body + 8, sizeof(body) - 8, &e), 0);
	CU_ASSERT_EQUAL(mp_feed(m, body + 8, 200, &e), -1);
	CU_ASSERT_EQUAL(e.status, 400);
	/* A failed parser stays failed. */
	verr_init(&e);
	CU_ASSERT_EQUAL(mp_feed(m, "\r\n\r\n", 4, &e), -1);
	CU_ASSERT_EQUAL(e.status, 400);
	verr_init(&e);
	CU_ASSERT_EQUAL(mp_finish(m, &e), -1);
	CU_ASSERT_EQUAL(e.status, 400);
	mp_free(m);
}

static void
test_callback_abort(void)
{
	static const char *const parts[] = { "a", "1", "b", "2", NULL };
	char		 body[512];
	struct rec	 r;
	struct verr	 e;
	struct mp	*m;
	size_t		 len;

	len = mkbody(body, sizeof(body), "b", "", parts, "--");
	memset(&r, 0, sizeof(r));
	r.fail_at = 1;
	verr_init(&e);
	m = mp_new("b", NULL, &rec_handler, &r);
	CU_ASSERT_EQUAL(mp_feed(m, body, len, &e), -1);
	CU_ASSERT_EQUAL(e.status, 418);
	CU_ASSERT_STRING_EQUAL(e.code, "teapot");
	CU_ASSERT_EQUAL(r.n, 1);
	CU_ASSERT_EQUAL(r.p[0].ended, 1);
	verr_init(&e);
	CU_ASSERT_EQUAL(mp_finish(m, &e), -1);
	CU_ASSERT_EQUAL(e.status, 418);
	mp_free(m);
	rec_free(&r);
	mp_free(NULL);
}

/* The collector, reading from memory. */

struct src {
	const char	*body;
	size_t		 len, off;
	size_t		 chunk;		/* bytes per read, or 0 */
	int		 fail;		/* -1 at the end, not 0 */
};

static long
src_read(void *ctx, char *buf, size_t n)
{
	struct src	*s = ctx;

	if (s->off == s->len && s->fail)
		return -1;
	if (n > s->len - s->off)
		n = s->len - s->off;
	if (s->chunk > 0 && n > s->chunk)
		n = s->chunk;
	memcpy(buf, s->body + s->off, n);
	s->off += n;
	return (long)n;
}

#define CT	"multipart/form-data; boundary=" B

/* Append a part to a growable body. */
static void
add_part(char **b, size_t *len, const char *name, const char *fname,
    const char *data, size_t dlen)
{
	char	 h[256];
	int	 n;

	n = snprintf(h, sizeof(h), "--" B "\r\nContent-Disposition: "
	    "form-data; name=\"%s\"%s%s%s\r\n%s\r\n", name,
	    fname != NULL ? "; filename=\"" : "", fname != NULL ? fname : "",
	    fname != NULL ? "\"" : "",
	    fname != NULL ? "Content-Type: application/octet-stream\r\n" : "");
	if ((*b = realloc(*b, *len + n + dlen + 2)) == NULL)
		abort();
	memcpy(*b + *len, h, n);
	memcpy(*b + *len + n, data, dlen);
	memcpy(*b + *len + n + dlen, "\r\n", 2);
	*len += n + dlen + 2;
}

static void
add_close(char **b, size_t *len)
{
	if ((*b = realloc(*b, *len + sizeof("--" B "--") - 1)) == NULL)
		abort();
	memcpy(*b + *len, "--" B "--", sizeof("--" B "--") - 1);
	*len += sizeof("--" B "--") - 1;
}

static int
form(struct mp_form *f, const char *ct, const char *body, size_t len,
    size_t chunk, const struct mp_limits *lim, struct src *s,
    struct verr *e)
{
	memset(s, 0, sizeof(*s));
	s->body = body;
	s->len = len;
	s->chunk = chunk;
	verr_init(e);
	return mp_form_read(f, ct, src_read, s, lim, e);
}

static char *
fd_slurp(int fd, size_t *len)
{
	char	*b = NULL;
	size_t	 cap = 0;
	ssize_t	 n;

	*len = 0;
	for (;;) {
		if (*len == cap) {
			cap = cap == 0 ? 4096 : cap * 2;
			if ((b = realloc(b, cap)) == NULL)
				abort();
		}
		if ((n = read(fd, b + *len, cap - *len)) <= 0)
			break;
		*len += n;
	}
	return b;
}

static void
test_form(void)
{
	static const size_t chunks[] = { 0, 1, 7, 4096, 65536 };
	char		*body = NULL, *media, *got, *old;
	char		 tmpl[] = "/tmp/vybes-test.XXXXXX";
	struct mp_form	 f;
	struct src	 s;
	struct verr	 e;
	size_t		 len = 0, mlen = 10000, glen, i;
	DIR		*d;
	struct dirent	*de;
	int		 files;

	if ((media = malloc(mlen)) == NULL)
		abort();
	for (i = 0; i < mlen; i++)
		media[i] = (char)(rnd() >> 7);
	memcpy(media, "\xff\xd8\xff\0\r\n--" B, 8 + sizeof(B) - 1);
	media[8 + sizeof(B) - 2] = 'x';	/* not quite B */
	add_part(&body, &len, "other", "x.bin", "ignored\0", 8);
	add_part(&body, &len, "caption", NULL, "Hi \xf0\x9f\x8e\x89", 7);
	add_part(&body, &len, "media", "photo.png", media, mlen);
	add_part(&body, &len, "visibility", NULL, "Friends", 7);
	add_part(&body, &len, "media", "second.jpg", "second", 6);
	add_part(&body, &len, "caption", NULL, "second", 6);
	add_close(&body, &len);

	/* The temporary file lives in $TMPDIR and is unlinked at once. */
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(tmpl));
	if ((old = getenv("TMPDIR")) != NULL && (old = strdup(old)) == NULL)
		abort();
	setenv("TMPDIR", tmpl, 1);
	for (i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
		CU_ASSERT_EQUAL(form(&f, CT, body, len, chunks[i], NULL, &s,
		    &e), 0);
		CU_ASSERT_EQUAL(e.status, 0);
		CU_ASSERT_TRUE(f.fd >= 0);
		CU_ASSERT_EQUAL(f.media_len, mlen);
		CU_ASSERT_EQUAL(f.head_len, MP_HEAD_MAX);
		CU_ASSERT_EQUAL(memcmp(f.head, media, MP_HEAD_MAX), 0);
		CU_ASSERT_TRUE(f.has_caption);
		CU_ASSERT_STRING_EQUAL(f.caption, "Hi \xf0\x9f\x8e\x89");
		CU_ASSERT_EQUAL(f.caption_len, 7);
		CU_ASSERT_TRUE(f.has_visibility);
		CU_ASSERT_STRING_EQUAL(f.visibility, "Friends");
		got = fd_slurp(f.fd, &glen);
		CU_ASSERT_EQUAL(glen, mlen);
		CU_ASSERT_TRUE(glen == mlen && memcmp(got, media, mlen) == 0);
		free(got);
		files = 0;
		if ((d = opendir(tmpl)) != NULL) {
			while ((de = readdir(d)) != NULL)
				if (de->d_name[0] != '.')
					files++;
			closedir(d);
		}
		CU_ASSERT_EQUAL(files, 0);
		mp_form_free(&f);
		CU_ASSERT_EQUAL(f.fd, -1);
		mp_form_free(&f);
	}
	if (old != NULL)
		setenv("TMPDIR", old, 1);
	else
		unsetenv("TMPDIR");
	free(old);
	rmdir(tmpl);
	free(body);

	/* Short media: the head is all of it; no text parts. */
	body = NULL;
	len = 0;
	add_part(&body, &len, "media", NULL, "GIF89a", 6);
	add_close(&body, &len);
	CU_ASSERT_EQUAL(form(&f, CT, body, len, 0, NULL, &s, &e), 0);
	CU_ASSERT_EQUAL(f.media_len, 6);
	CU_ASSERT_EQUAL(f.head_len, 6);
	CU_ASSERT_EQUAL(memcmp(f.head, "GIF89a", 6), 0);
	CU_ASSERT_FALSE(f.has_caption);
	CU_ASSERT_FALSE(f.has_visibility);
	CU_ASSERT_STRING_EQUAL(f.caption, "");
	mp_form_free(&f);
	free(body);
	free(media);
}

static void
test_form_errors(void)
{
	struct mp_limits lim;
	char		*body = NULL, *big;
	struct mp_form	 f;
	struct src	 s;
	struct verr	 e;
	size_t		 len = 0, i;

	/* Not multipart: 415 before reading anything. */
	CU_ASSERT_EQUAL(form(&f, "application/json", "{}", 2, 0, NULL, &s,
	    &e), -1);
	CU_ASSERT_EQUAL(e.status, 415);
	CU_ASSERT_EQUAL(s.off, 0);
	CU_ASSERT_EQUAL(f.fd, -1);
	mp_form_free(&f);
	CU_ASSERT_EQUAL(form(&f, NULL, "", 0, 0, NULL, &s, &e), -1);
	CU_ASSERT_EQUAL(e.status, 415);
	CU_ASSERT_EQUAL(form(&f, "multipart/form-data", "", 0, 0, NULL, &s,
	    &e), -1);
	CU_ASSERT_EQUAL(e.status, 400);

	/* Missing media, empty media. */
	add_part(&body, &len, "caption", NULL, "hi", 2);
	add_part(&body, &len, "file", "a.jpg", "\xff\xd8\xff", 3);
	add_close(&body, &len);
	CU_ASSERT_EQUAL(form(&f, CT, body, len, 0, NULL, &s, &e), -1);
	CU_ASSERT_EQUAL(e.status, 400);
	CU_ASSERT_STRING_EQUAL(e.code, "validation_failed");
	CU_ASSERT_STRING_EQUAL(e.field, "media");
	CU_ASSERT_EQUAL(f.fd, -1);
	free(body);
	body = NULL;
	len = 0;
	add_part(&body, &len, "media", "a.jpg", "", 0);
	add_part(&body, &len, "media", "b.jpg", "\xff\xd8\xff", 3);
	add_close(&body, &len);
	CU_ASSERT_EQUAL(form(&f, CT, body, len, 0, NULL, &s, &e), -1);
	CU_ASSERT_STRING_EQUAL(e.code, "validation_failed");
	CU_ASSERT_STRING_EQUAL(e.field, "media");
	CU_ASSERT_EQUAL(f.fd, -1);
	free(body);

	/* Malformed or unreadable bodies. */
	CU_ASSERT_EQUAL(form(&f, CT, "--" B "\r\n", sizeof(B) + 3, 0, NULL,
	    &s, &e), -1);
	CU_ASSERT_EQUAL(e.status, 400);
	CU_ASSERT_STRING_EQUAL(e.code, "bad_request");
	memset(&s, 0, sizeof(s));
	s.body = "--" B;
	s.len = strlen(s.body);
	s.fail = 1;
	verr_init(&e);
	CU_ASSERT_EQUAL(mp_form_read(&f, CT, src_read, &s, NULL, &e), -1);
	CU_ASSERT_EQUAL(e.status, 400);
	CU_ASSERT_STRING_EQUAL(e.code, "bad_request");
	CU_ASSERT_STRING_EQUAL(e.msg, "could not read the request body");

	/* Media over a small limit: 413 at once, nothing more written. */
	if ((big = malloc(1 << 20)) == NULL)
		abort();
	memset(big, 'z', 1 << 20);
	body = NULL;
	len = 0;
	add_part(&body, &len, "media", "big.mp4", big, 1 << 20);
	add_close(&body, &len);
	memset(&lim, 0, sizeof(lim));
	lim.media_max = 1000;
	CU_ASSERT_EQUAL(form(&f, CT, body, len, 100, &lim, &s, &e), -1);
	CU_ASSERT_EQUAL(e.status, 413);
	CU_ASSERT_STRING_EQUAL(e.code, "payload_too_large");
	CU_ASSERT_TRUE(f.media_len <= 1000);
	CU_ASSERT_TRUE(s.off < 1300);
	CU_ASSERT_EQUAL(f.fd, -1);
	lim.media_max = 1 << 20;
	CU_ASSERT_EQUAL(form(&f, CT, body, len, 0, &lim, &s, &e), 0);
	CU_ASSERT_EQUAL(f.media_len, 1 << 20);
	mp_form_free(&f);
	lim.media_max = (1 << 20) - 1;
	CU_ASSERT_EQUAL(form(&f, CT, body, len, 0, &lim, &s, &e), -1);
	CU_ASSERT_EQUAL(e.status, 413);
	CU_ASSERT_TRUE(f.media_len < 1 << 20);
	/* The whole body's limit. */
	memset(&lim, 0, sizeof(lim));
	lim.body_max = len - 1;
	CU_ASSERT_EQUAL(form(&f, CT, body, len, 0, &lim, &s, &e), -1);
	CU_ASSERT_EQUAL(e.status, 413);
	lim.body_max = len;
	CU_ASSERT_EQUAL(form(&f, CT, body, len, 0, &lim, &s, &e), 0);
	mp_form_free(&f);
	free(body);
	free(big);

	/* Visibility too long for any allowed value. */
	body = NULL;
	len = 0;
	add_part(&body, &len, "visibility", NULL, "public-and-then-some", 20);
	add_part(&body, &len, "media", NULL, "\xff\xd8\xff", 3);
	add_close(&body, &len);
	CU_ASSERT_EQUAL(form(&f, CT, body, len, 0, NULL, &s, &e), -1);
	CU_ASSERT_STRING_EQUAL(e.code, "validation_failed");
	CU_ASSERT_STRING_EQUAL(e.field, "visibility");
	free(body);

	/* Too many parts. */
	body = NULL;
	len = 0;
	for (i = 0; i < 33; i++)
		add_part(&body, &len, "media", NULL, "\xff\xd8\xff", 3);
	add_close(&body, &len);
	CU_ASSERT_EQUAL(form(&f, CT, body, len, 0, NULL, &s, &e), -1);
	CU_ASSERT_EQUAL(e.status, 400);
	CU_ASSERT_STRING_EQUAL(e.code, "bad_request");
	CU_ASSERT_EQUAL(f.fd, -1);
	free(body);
}

/* Captions: 2200 characters of any width pass, 2201 do not. */
static void
test_form_caption(void)
{
	static const struct {
		const char	*ch;
		size_t		 n;
		int		 ok;
	} c[] = {
		{ "a", 2200, 1 },
		{ "a", 2201, 0 },
		{ "\xc3\xa9", 2200, 1 },
		{ "\xc3\xa9", 2201, 0 },
		{ "\xf0\x9f\x8e\x89", 2200, 1 },
		{ "\xf0\x9f\x8e\x89", 2201, 0 },
		{ "a", 8801, 0 },
		{ "\xc3", 1, 0 },		/* truncated */
		{ "\xc0\xaf", 1, 0 },		/* overlong */
		{ "\xed\xa0\x80", 1, 0 },	/* surrogate */
		{ "\xf4\x90\x80\x80", 1, 0 },	/* above U+10FFFF */
		{ "\xff", 1, 0 },
		{ "", 1, 1 },
	};
	struct mp_limits lim;
	char		*body, cap[MP_CAPTION_MAX + 8];
	struct mp_form	 f;
	struct src	 s;
	struct verr	 e;
	size_t		 len, i, k, cl;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		cl = strlen(c[i].ch);
		for (k = 0; k < c[i].n && (k + 1) * cl <= sizeof(cap); k++)
			memcpy(cap + k * cl, c[i].ch, cl);
		body = NULL;
		len = 0;
		add_part(&body, &len, "caption", NULL, cap, k * cl);
		add_part(&body, &len, "media", NULL, "\xff\xd8\xff", 3);
		add_close(&body, &len);
		CU_ASSERT_EQUAL(form(&f, CT, body, len, 0, NULL, &s, &e),
		    c[i].ok ? 0 : -1);
		if (c[i].ok) {
			CU_ASSERT_EQUAL(f.caption_len, k * cl);
			CU_ASSERT_EQUAL(strlen(f.caption), k * cl);
		} else {
			CU_ASSERT_STRING_EQUAL(e.code, "validation_failed");
			CU_ASSERT_STRING_EQUAL(e.field, "caption");
			CU_ASSERT_EQUAL(f.fd, -1);
		}
		mp_form_free(&f);
		/* Stories take no caption: any caption is ignored. */
		memset(&lim, 0, sizeof(lim));
		lim.media_only = 1;
		CU_ASSERT_EQUAL(form(&f, CT, body, len, 0, &lim, &s, &e), 0);
		CU_ASSERT_FALSE(f.has_caption);
		mp_form_free(&f);
		free(body);
	}
	/* A NUL byte in a caption. */
	body = NULL;
	len = 0;
	add_part(&body, &len, "caption", NULL, "a\0b", 3);
	add_part(&body, &len, "media", NULL, "\xff\xd8\xff", 3);
	add_close(&body, &len);
	CU_ASSERT_EQUAL(form(&f, CT, body, len, 0, NULL, &s, &e), -1);
	CU_ASSERT_STRING_EQUAL(e.field, "caption");
	free(body);
}

void
test_multipart_suite(void)
{
	CU_pSuite	 s = CU_add_suite("multipart", NULL, NULL);

	UNIT_ADD(s, "every chunking gives the same parts", test_split_traps);
	UNIT_ADD(s, "lenient input", test_lenient);
	UNIT_ADD(s, "part parameters", test_params);
	UNIT_ADD(s, "boundary from Content-Type", test_boundary);
	UNIT_ADD(s, "malformed bodies", test_malformed);
	UNIT_ADD(s, "part and header limits", test_limits);
	UNIT_ADD(s, "callback abort", test_callback_abort);
	UNIT_ADD(s, "form collector", test_form);
	UNIT_ADD(s, "form collector errors", test_form_errors);
	UNIT_ADD(s, "form caption length and UTF-8", test_form_caption);
}
