/*
 * AWS Signature Version 4.  The canonical request (method, encoded
 * path, sorted encoded query, sorted lower-case headers with trimmed
 * values, signed header names, payload hash), the string to sign (its
 * SHA-256 under the date and scope), and the signature (HMAC-SHA256
 * under the key derived from the secret by the chain date, region,
 * service, "aws4_request").  Header authentication and presigned URLs
 * differ only in where the X-Amz-* values go: headers, or query
 * parameters that are themselves part of the canonical query.
 * Checked against the AWS SigV4 test suite and the S3 documentation's
 * examples (tests/unit/test_sigv4.c).  Everything is built in bounded
 * buffers; the derived key lives on the stack and is wiped.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "buf.h"
#include "enc.h"
#include "log.h"
#include "sigv4.h"
#include "xmem.h"

#define SIGV4_ALG	"AWS4-HMAC-SHA256"
#define SIGV4_MAX	(64 * 1024)	/* canonical request, query */
#define SIGV4_NQUERY	64		/* parameters of a request */
#define SIGV4_NHDRS	32		/* signed headers */

/* An encoded query parameter or a canonical header. */
struct sigv4_pair {
	char	*name;
	char	*value;
};

void
sigv4_encode(struct buf *out, const char *s, int keep_slash)
{
	static const char	 hx[] = "0123456789ABCDEF";
	unsigned char		 ch;
	char			 pct[3];

	for (; *s != '\0'; s++) {
		ch = (unsigned char)*s;
		if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
		    (ch >= '0' && ch <= '9') || ch == '-' || ch == '.' ||
		    ch == '_' || ch == '~' || (ch == '/' && keep_slash)) {
			buf_add(out, s, 1);
			continue;
		}
		pct[0] = '%';
		pct[1] = hx[ch >> 4];
		pct[2] = hx[ch & 0xf];
		buf_add(out, pct, 3);
	}
}

void
sigv4_amzdate(time_t t, char out[SIGV4_DATELEN])
{
	struct tm	 tm;

	gmtime_r(&t, &tm);
	strftime(out, SIGV4_DATELEN, "%Y%m%dT%H%M%SZ", &tm);
}

static void
sigv4_hmac(const void *key, size_t klen, const char *msg, unsigned char out[32])
{
	unsigned int	 n = 32;

	if (HMAC(EVP_sha256(), key, (int)klen, (const unsigned char *)msg,
	    strlen(msg), out, &n) == NULL || n != 32) {
		log_err("sigv4: HMAC failed");
		abort();
	}
}

static char *
sigv4_strdup_encoded(const char *s)
{
	struct buf	 b;
	size_t		 len;

	buf_init(&b, SIGV4_MAX);
	sigv4_encode(&b, s, 0);
	return buf_take(&b, &len);
}

static int
sigv4_paircmp(const void *a, const void *b)
{
	const struct sigv4_pair	*x = a, *y = b;
	int			 c;

	if ((c = strcmp(x->name, y->name)) != 0)
		return c;
	return strcmp(x->value, y->value);
}

static void
sigv4_pairs_free(struct sigv4_pair *p, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		free(p[i].name);
		free(p[i].value);
	}
}

/*
 * The canonical query of the n parameters in q and the m in extra:
 * encoded, sorted by name then value, "name=value" joined by '&'.
 */
static void
sigv4_query(struct buf *out, const struct sigv4_kv *q, size_t n,
    const struct sigv4_kv *extra, size_t m)
{
	struct sigv4_pair	 p[SIGV4_NQUERY];
	const struct sigv4_kv	*kv;
	size_t			 i, np = 0;

	for (i = 0; i < n + m && np < SIGV4_NQUERY; i++) {
		kv = i < n ? &q[i] : &extra[i - n];
		p[np].name = sigv4_strdup_encoded(kv->name);
		p[np++].value = sigv4_strdup_encoded(kv->value != NULL ?
		    kv->value : "");
	}
	qsort(p, np, sizeof(p[0]), sigv4_paircmp);
	for (i = 0; i < np; i++) {
		if (i > 0)
			buf_puts(out, "&");
		buf_puts(out, p[i].name);
		buf_puts(out, "=");
		buf_puts(out, p[i].value);
	}
	sigv4_pairs_free(p, np);
}

/* A header value with its ends trimmed and inner blank runs as one ' '. */
static char *
sigv4_trim(const char *v)
{
	char	*out, *o;
	int	 blank = 0;

	out = o = xmalloc(strlen(v) + 1);
	while (*v == ' ' || *v == '\t')
		v++;
	for (; *v != '\0'; v++) {
		if (*v == ' ' || *v == '\t') {
			blank = 1;
			continue;
		}
		if (blank && o != out)
			*o++ = ' ';
		blank = 0;
		*o++ = *v;
	}
	*o = '\0';
	return out;
}

/*
 * The canonical headers ("name:value\n" each, sorted, repeated names
 * joined with ',') into canon, and their names joined by ';' into
 * signed.
 */
static void
sigv4_headers(const struct sigv4_req *r, struct buf *canon,
    struct buf *signed_)
{
	struct sigv4_pair	 h[SIGV4_NHDRS], t;
	size_t			 i, j, n = 0;
	char			*c;

	for (i = 0; i < r->nhdrs && n < SIGV4_NHDRS; i++) {
		h[n].name = xstrdup(r->hdrs[i].name);
		for (c = h[n].name; *c != '\0'; c++)
			*c = tolower((unsigned char)*c);
		h[n++].value = sigv4_trim(r->hdrs[i].value != NULL ?
		    r->hdrs[i].value : "");
	}
	/* Insertion sort: stable, so repeated headers keep their order. */
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && strcmp(h[j - 1].name, h[j].name) > 0;
		    j--) {
			t = h[j];
			h[j] = h[j - 1];
			h[j - 1] = t;
		}
	for (i = 0; i < n; i++) {
		if (i > 0 && strcmp(h[i - 1].name, h[i].name) == 0) {
			buf_puts(canon, ",");
			buf_puts(canon, h[i].value);
			continue;
		}
		if (i > 0) {
			buf_puts(canon, "\n");
			buf_puts(signed_, ";");
		}
		buf_puts(canon, h[i].name);
		buf_puts(canon, ":");
		buf_puts(canon, h[i].value);
		buf_puts(signed_, h[i].name);
	}
	if (n > 0)
		buf_puts(canon, "\n");
	sigv4_pairs_free(h, n);
}

/* "<date>/<region>/<service>/aws4_request" */
static void
sigv4_scope(const struct sigv4_key *k, const char *amzdate, char *out,
    size_t outsz)
{
	snprintf(out, outsz, "%.8s/%s/%s/aws4_request", amzdate, k->region,
	    k->service);
}

/*
 * The hex signature (65 bytes) of the canonical request creq made at
 * amzdate.
 */
static void
sigv4_signature(const struct sigv4_key *k, const char *amzdate,
    const char *creq, char out[65])
{
	unsigned char	 kd[32], md[32];
	char		 scope[256], hash[65], date[9], *sts, *ks;
	size_t		 n;

	if (!EVP_Digest(creq, strlen(creq), md, NULL, EVP_sha256(), NULL)) {
		log_err("sigv4: EVP_Digest failed");
		abort();
	}
	enc_hex(md, 32, hash);
	sigv4_scope(k, amzdate, scope, sizeof(scope));
	n = strlen(SIGV4_ALG) + strlen(amzdate) + strlen(scope) + 64 + 4;
	sts = xmalloc(n);
	snprintf(sts, n, "%s\n%s\n%s\n%s", SIGV4_ALG, amzdate, scope, hash);

	n = strlen(k->secret) + 5;
	ks = xmalloc(n);
	snprintf(ks, n, "AWS4%s", k->secret);
	snprintf(date, sizeof(date), "%.8s", amzdate);
	sigv4_hmac(ks, strlen(ks), date, kd);
	explicit_bzero(ks, n);
	free(ks);
	sigv4_hmac(kd, sizeof(kd), k->region, kd);
	sigv4_hmac(kd, sizeof(kd), k->service, kd);
	sigv4_hmac(kd, sizeof(kd), "aws4_request", kd);
	sigv4_hmac(kd, sizeof(kd), sts, md);
	explicit_bzero(kd, sizeof(kd));
	free(sts);
	enc_hex(md, 32, out);
}

/*
 * The canonical request of r with the extra query parameters, into
 * creq; the signed header names into signed_ (filled first, so a
 * presign can put them in the query).
 */
static void
sigv4_canonical(const struct sigv4_req *r, const struct sigv4_kv *extra,
    size_t nextra, const struct buf *canonhdrs, const char *signed_,
    struct buf *creq)
{
	buf_puts(creq, r->method);
	buf_puts(creq, "\n");
	if (r->path == NULL || r->path[0] == '\0')
		buf_puts(creq, "/");
	else
		sigv4_encode(creq, r->path, 1);
	buf_puts(creq, "\n");
	sigv4_query(creq, r->query, r->nquery, extra, nextra);
	buf_puts(creq, "\n");
	buf_puts(creq, buf_str(canonhdrs));
	buf_puts(creq, "\n");
	buf_puts(creq, signed_);
	buf_puts(creq, "\n");
	buf_puts(creq, r->payload);
}

/* One signature being made: its buffers and strings. */
struct sigv4_run {
	struct buf	 hdrs;		/* canonical headers */
	struct buf	 sh;		/* signed header names */
	struct buf	 creq;		/* canonical request */
	struct buf	 out;		/* the result */
	char		 amzdate[SIGV4_DATELEN];
	char		 scope[256];
	char		 sig[65];
};

/* Start signing r: the date, the scope and the canonical headers. */
static void
sigv4_begin(struct sigv4_run *w, const struct sigv4_key *k,
    const struct sigv4_req *r)
{
	buf_init(&w->hdrs, SIGV4_MAX);
	buf_init(&w->sh, SIGV4_MAX);
	buf_init(&w->creq, SIGV4_MAX);
	buf_init(&w->out, SIGV4_MAX);
	sigv4_amzdate(r->when, w->amzdate);
	sigv4_scope(k, w->amzdate, w->scope, sizeof(w->scope));
	sigv4_headers(r, &w->hdrs, &w->sh);
}

/* Sign r with the extra query parameters into w->sig. */
static void
sigv4_sign(struct sigv4_run *w, const struct sigv4_key *k,
    const struct sigv4_req *r, const struct sigv4_kv *extra, size_t nextra)
{
	sigv4_canonical(r, extra, nextra, &w->hdrs, buf_str(&w->sh),
	    &w->creq);
	sigv4_signature(k, w->amzdate, buf_str(&w->creq), w->sig);
}

/* Release w and hand out its result. */
static char *
sigv4_end(struct sigv4_run *w)
{
	size_t	 len;

	buf_free(&w->hdrs);
	buf_free(&w->sh);
	buf_free(&w->creq);
	return buf_take(&w->out, &len);
}

char *
sigv4_authorization(const struct sigv4_key *k, const struct sigv4_req *r)
{
	struct sigv4_run	 w;

	sigv4_begin(&w, k, r);
	sigv4_sign(&w, k, r, NULL, 0);
	buf_puts(&w.out, SIGV4_ALG " Credential=");
	buf_puts(&w.out, k->access);
	buf_puts(&w.out, "/");
	buf_puts(&w.out, w.scope);
	buf_puts(&w.out, ", SignedHeaders=");
	buf_puts(&w.out, buf_str(&w.sh));
	buf_puts(&w.out, ", Signature=");
	buf_puts(&w.out, w.sig);
	return sigv4_end(&w);
}

char *
sigv4_presign(const struct sigv4_key *k, const struct sigv4_req *r,
    long expires)
{
	struct sigv4_run	 w;
	struct sigv4_kv		 x[5];
	char			 cred[512], exp[24];

	sigv4_begin(&w, k, r);
	snprintf(cred, sizeof(cred), "%s/%s", k->access, w.scope);
	snprintf(exp, sizeof(exp), "%ld", expires);
	x[0].name = "X-Amz-Algorithm";
	x[0].value = SIGV4_ALG;
	x[1].name = "X-Amz-Credential";
	x[1].value = cred;
	x[2].name = "X-Amz-Date";
	x[2].value = w.amzdate;
	x[3].name = "X-Amz-Expires";
	x[3].value = exp;
	x[4].name = "X-Amz-SignedHeaders";
	x[4].value = buf_str(&w.sh);
	sigv4_sign(&w, k, r, x, 5);
	sigv4_query(&w.out, r->query, r->nquery, x, 5);
	buf_puts(&w.out, "&X-Amz-Signature=");
	buf_puts(&w.out, w.sig);
	return sigv4_end(&w);
}
