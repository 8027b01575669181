/*
 * S3-compatible object storage (Cloudflare R2, s3rver in tests) over
 * libcurl.  Requests are signed here with AWS signature V4 by sigv4.c,
 * the same code that presigns the upload URLs given to clients
 * (st_presign_put()), so there is one implementation to trust: every
 * header sent (Host, set explicitly so it is byte for byte the one
 * signed, x-amz-date, x-amz-content-sha256 with the hex SHA-256 of the
 * payload or UNSIGNED-PAYLOAD for an fd we cannot read twice,
 * Content-Type, Cache-Control, Range) is signed.  URLs are path style,
 * endpoint/bucket/key, which R2 and every local server accept.  One easy
 * handle per process is reset and reused so its connection cache keeps
 * the TLS session to the endpoint alive between requests.  The secret
 * key never leaves this process.
 */
#include <sys/types.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <openssl/evp.h>

#include "buf.h"
#include "cfg.h"
#include "enc.h"
#include "log.h"
#include "sigv4.h"
#include "st_s3.h"
#include "verr.h"
#include "xmem.h"

#define ST_CONNECT_MS	1000	/* connect timeout of every request */
#define ST_SHORT_MS	3000	/* HEAD and DELETE: nothing to send */
#define ST_PROBE_MS	1000	/* st_bucket_ok */
#define ST_ERRBODY	512	/* bytes of error body kept for logs */

struct st {
	CURL	*st_curl;
	char	*st_endpoint;	/* no trailing slash */
	char	*st_host;	/* of the endpoint, as the Host header */
	char	*st_prefix;	/* path of the endpoint, "" or "/p" */
	char	*st_access;
	char	*st_secret;
	char	*st_region;
	long	 st_timeout_ms;	/* total time of a transfer */
};

/* Where a GET body goes when it is not kept in memory. */
struct st_dst {
	int		 fd;
	uint64_t	 max;	/* more is an error */
	uint64_t	 got;
	CURL		*curl;
	struct buf	*err;	/* the body of an error answer */
};

/* Where an upload body comes from. */
struct st_src {
	const char	*mem;	/* NULL: read fd */
	int		 fd;
	off_t		 off;	/* next pread() offset, -1: read() */
	size_t		 left;
};

static char *
st_xstrdup(const char *s)
{
	char	*p;

	p = xstrdup(s != NULL ? s : "");
	return p;
}

/*
 * The Host header and the path prefix of endpoint ep: what follows the
 * scheme up to the first '/', without the scheme's default port (which
 * clients leave out of Host), and the rest.
 */
static void
st_split(struct st *s, const char *ep)
{
	const char	*h, *slash;
	size_t		 n;
	int		 https;

	https = strncmp(ep, "https://", 8) == 0;
	h = (h = strstr(ep, "://")) != NULL ? h + 3 : ep;
	slash = strchr(h, '/');
	n = slash != NULL ? (size_t)(slash - h) : strlen(h);
	if (https && n > 4 && strncmp(h + n - 4, ":443", 4) == 0)
		n -= 4;
	else if (!https && n > 3 && strncmp(h + n - 3, ":80", 3) == 0)
		n -= 3;
	s->st_host = xstrndup(h, n);
	s->st_prefix = st_xstrdup(slash);
}

struct st *
st_new(const struct cfg *c)
{
	struct st	*s;
	char		 ep[512];
	size_t		 n;

	s = xcalloc(1, sizeof(*s));
	if (c->r2_endpoint != NULL && c->r2_endpoint[0] != '\0')
		snprintf(ep, sizeof(ep), "%s", c->r2_endpoint);
	else
		snprintf(ep, sizeof(ep), "https://%s.r2.cloudflarestorage.com",
		    c->r2_account_id != NULL ? c->r2_account_id : "");
	for (n = strlen(ep); n > 0 && ep[n - 1] == '/'; n--)
		ep[n - 1] = '\0';
	s->st_endpoint = st_xstrdup(ep);
	st_split(s, ep);
	s->st_access = st_xstrdup(c->r2_access_key_id);
	s->st_secret = st_xstrdup(c->r2_secret_access_key);
	s->st_region = st_xstrdup(c->r2_region != NULL &&
	    c->r2_region[0] != '\0' ? c->r2_region : "auto");
	s->st_timeout_ms = c->storage_timeout_ms > 0 ?
	    c->storage_timeout_ms : 30000;
	return s;
}

void
st_free(struct st *s)
{
	if (s == NULL)
		return;
	if (s->st_curl != NULL)
		curl_easy_cleanup(s->st_curl);
	free(s->st_endpoint);
	free(s->st_host);
	free(s->st_prefix);
	free(s->st_region);
	free(s->st_access);
	if (s->st_secret != NULL) {
		explicit_bzero(s->st_secret, strlen(s->st_secret));
		free(s->st_secret);
	}
	free(s);
}

/* Hex SHA-256 of a buffer into out (65 bytes). */
static void
st_sha256_mem(const void *buf, size_t len, char *out)
{
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 n = 0;

	if (!EVP_Digest(buf, len, md, &n, EVP_sha256(), NULL)) {
		log_err("st: EVP_Digest failed");
		abort();
	}
	enc_hex(md, n, out);
}

/*
 * Hex SHA-256 of len bytes of fd from offset off, read with pread() so the
 * file offset is untouched and the upload can read the same bytes again.
 */
static int
st_sha256_fd(int fd, off_t off, off_t len, char *out, struct verr *e)
{
	EVP_MD_CTX	*ctx = NULL;
	unsigned char	 md[EVP_MAX_MD_SIZE], buf[65536];
	unsigned int	 n = 0;
	ssize_t		 r;
	size_t		 want;
	int		 rc = -1;

	if ((ctx = EVP_MD_CTX_new()) == NULL ||
	    !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL))
		xnomem("EVP_MD_CTX_new");
	while (len > 0) {
		want = len < (off_t)sizeof(buf) ? (size_t)len : sizeof(buf);
		if ((r = pread(fd, buf, want, off)) == -1 && errno == EINTR)
			continue;
		if (r <= 0) {
			verr_internal(e, "storage: read upload: %s",
			    r == 0 ? "short file" : strerror(errno));
			goto out;
		}
		EVP_DigestUpdate(ctx, buf, r);
		off += r;
		len -= r;
	}
	EVP_DigestFinal_ex(ctx, md, &n);
	enc_hex(md, n, out);
	rc = 0;
out:
	EVP_MD_CTX_free(ctx);
	return rc;
}

/*
 * The raw path of bucket/key (key NULL: the bucket) under the
 * endpoint's, into out: what is signed, and, encoded, what is sent.
 * -1 if it does not fit.
 */
static int
st_path(const struct st *s, const char *bucket, const char *key, char *out,
    size_t outsz)
{
	int	 w;

	w = snprintf(out, outsz, "%s/%s%s%s", s->st_prefix, bucket,
	    key != NULL ? "/" : "", key != NULL ? key : "");
	return w < 0 || (size_t)w >= outsz ? -1 : 0;
}

/*
 * The URL of raw path `path' (from st_path()) as a string the caller
 * frees: the endpoint's scheme and host, and the path percent-encoded as
 * S3's SigV4 canonical URI is (RFC 3986 unreserved characters and '/'
 * kept), so the path sent is the path signed.
 */
static char *
st_url(const struct st *s, const char *path)
{
	struct buf	 b;
	size_t		 len;

	buf_init(&b, 8192);
	buf_add(&b, s->st_endpoint, strlen(s->st_endpoint) -
	    strlen(s->st_prefix));
	sigv4_encode(&b, path, 1);
	return buf_take(&b, &len);
}

static void
st_sigkey(const struct st *s, struct sigv4_key *k)
{
	k->access = s->st_access;
	k->secret = s->st_secret;
	k->region = s->st_region;
	k->service = "s3";
}

static size_t
st_read_cb(char *data, size_t size, size_t nmemb, void *arg)
{
	struct st_src	*c = arg;
	size_t		 n = size * nmemb;
	ssize_t		 r;

	if (n > c->left)
		n = c->left;
	if (n == 0)
		return 0;
	if (c->mem != NULL) {
		memcpy(data, c->mem, n);
		c->mem += n;
		c->left -= n;
		return n;
	}
	do {
		if (c->off >= 0)
			r = pread(c->fd, data, n, c->off);
		else
			r = read(c->fd, data, n);
	} while (r == -1 && errno == EINTR);
	if (r <= 0)
		return CURL_READFUNC_ABORT;
	if (c->off >= 0)
		c->off += r;
	c->left -= r;
	return r;
}

/* The <Code> of an S3 XML error body, or "" */
static void
st_s3code(const struct buf *k, char *out, size_t outsz)
{
	const char	*p, *q;

	out[0] = '\0';
	if ((p = strstr(buf_str(k), "<Code>")) == NULL)
		return;
	p += 6;
	if ((q = strchr(p, '<')) == NULL)
		return;
	snprintf(out, outsz, "%.*s", (int)(q - p), p);
}

/* One request to storage. */
struct st_call {
	const char	*method;
	const char	*bucket;
	const char	*key;		/* NULL: the bucket itself */
	struct st_src	*src;		/* body, NULL: none */
	off_t		 len;		/* of the body */
	const char	*sha;		/* payload hash */
	const char	*ctype;		/* Content-Type, or NULL */
	const char	*range;		/* Range, or NULL */
	struct buf	*sink;		/* body kept (NULL: an error's start) */
	struct st_dst	*dst;		/* body to a file instead */
	long		 timeout_ms;
};

/* Write a GET body to dst's file; an error answer's to its buffer. */
static size_t
st_write_fd(char *p, size_t size, size_t nmemb, void *arg)
{
	struct st_dst	*d = arg;
	size_t		 n = size * nmemb, off = 0;
	ssize_t		 w;
	long		 status = 0;

	curl_easy_getinfo(d->curl, CURLINFO_RESPONSE_CODE, &status);
	if (status >= 300)
		return buf_curl_start(p, size, nmemb, d->err);
	if (d->got + n > d->max)
		return 0;
	while (off < n) {
		if ((w = write(d->fd, p + off, n - off)) == -1) {
			if (errno == EINTR)
				continue;
			return 0;
		}
		off += w;
	}
	d->got += n;
	return n;
}

/* Append "name: value" to the header list and to the signed headers. */
static struct curl_slist *
st_header(struct curl_slist *l, struct sigv4_kv *kv, size_t *n,
    const char *name, const char *value)
{
	char	 h[8192];

	snprintf(h, sizeof(h), "%s: %s", name, value);
	if ((l = curl_slist_append(l, h)) == NULL)
		xnomem("curl_slist_append");
	kv[*n].name = name;
	kv[*n].value = value;
	(*n)++;
	return l;
}

/*
 * Run one request c, signed with sigv4.c.  Returns the HTTP status, or
 * -1 with 503 in e when no response came or it was an error other than
 * 404.
 */
static long
st_request(struct st *s, const struct st_call *c, struct verr *e)
{
	struct curl_slist	*hdrs = NULL;
	struct sigv4_key	 k;
	struct sigv4_req	 sr;
	struct sigv4_kv		 kv[8];
	struct buf		 errsink, *body;
	char			 path[2048], date[SIGV4_DATELEN];
	char			 errbuf[CURL_ERROR_SIZE];
	char			*url = NULL, *auth = NULL;
	char			 s3code[64], why[CURL_ERROR_SIZE + 256];
	CURLcode		 cc;
	size_t			 nkv = 0;
	long			 status = -1;
	int			 put = strcmp(c->method, "PUT") == 0;

	buf_init(&errsink, ST_ERRBODY);
	body = c->sink != NULL ? c->sink : &errsink;
	if (s->st_curl == NULL && (s->st_curl = curl_easy_init()) == NULL) {
		verr_backend(e, "storage", "curl_easy_init failed");
		return -1;
	}
	if (st_path(s, c->bucket, c->key, path, sizeof(path)) == -1) {
		verr_internal(e, "storage: %s %s: key too long", c->method,
		    c->bucket);
		return -1;
	}
	if (c->ctype != NULL && (strlen(c->ctype) > 100 ||
	    strpbrk(c->ctype, "\r\n") != NULL)) {
		verr_internal(e, "storage: %s %s: bad content type", c->method,
		    c->bucket);
		return -1;
	}
	curl_easy_reset(s->st_curl);
	url = st_url(s, path);

	/* Every header sent is signed, the Host first of all. */
	memset(&sr, 0, sizeof(sr));
	sr.when = time(NULL);
	sigv4_amzdate(sr.when, date);
	hdrs = st_header(hdrs, kv, &nkv, "Host", s->st_host);
	hdrs = st_header(hdrs, kv, &nkv, "x-amz-date", date);
	hdrs = st_header(hdrs, kv, &nkv, "x-amz-content-sha256", c->sha);
	if (c->ctype != NULL)
		hdrs = st_header(hdrs, kv, &nkv, "Content-Type", c->ctype);
	if (c->range != NULL)
		hdrs = st_header(hdrs, kv, &nkv, "Range", c->range);
	/* Every object is media under a fresh UUID key: it never changes. */
	if (put)
		hdrs = st_header(hdrs, kv, &nkv, "Cache-Control",
		    "public, max-age=31536000, immutable");
	sr.method = c->method;
	sr.path = path;
	sr.hdrs = kv;
	sr.nhdrs = nkv;
	sr.payload = c->sha;
	st_sigkey(s, &k);
	auth = sigv4_authorization(&k, &sr);
	hdrs = st_header(hdrs, kv, &nkv, "Authorization", auth);
	/* No 100-continue round trip before a body. */
	if ((hdrs = curl_slist_append(hdrs, "Expect:")) == NULL)
		xnomem("curl_slist_append");

	errbuf[0] = '\0';
	curl_easy_setopt(s->st_curl, CURLOPT_URL, url);
	curl_easy_setopt(s->st_curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(s->st_curl, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(s->st_curl, CURLOPT_CONNECTTIMEOUT_MS,
	    (long)ST_CONNECT_MS);
	curl_easy_setopt(s->st_curl, CURLOPT_TIMEOUT_MS, c->timeout_ms);
	curl_easy_setopt(s->st_curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(s->st_curl, CURLOPT_HTTPHEADER, hdrs);
	if (strcmp(c->method, "HEAD") == 0)
		curl_easy_setopt(s->st_curl, CURLOPT_NOBODY, 1L);
	else if (put) {
		curl_easy_setopt(s->st_curl, CURLOPT_UPLOAD, 1L);
		curl_easy_setopt(s->st_curl, CURLOPT_READFUNCTION, st_read_cb);
		curl_easy_setopt(s->st_curl, CURLOPT_READDATA, c->src);
		curl_easy_setopt(s->st_curl, CURLOPT_INFILESIZE_LARGE,
		    (curl_off_t)c->len);
	} else if (strcmp(c->method, "GET") != 0)
		curl_easy_setopt(s->st_curl, CURLOPT_CUSTOMREQUEST, c->method);

	if (c->dst != NULL) {
		c->dst->curl = s->st_curl;
		c->dst->err = &errsink;
		body = &errsink;
		curl_easy_setopt(s->st_curl, CURLOPT_WRITEFUNCTION,
		    st_write_fd);
		curl_easy_setopt(s->st_curl, CURLOPT_WRITEDATA, c->dst);
	} else {
		curl_easy_setopt(s->st_curl, CURLOPT_WRITEFUNCTION,
		    c->sink != NULL ? buf_curl_all : buf_curl_start);
		curl_easy_setopt(s->st_curl, CURLOPT_WRITEDATA, body);
	}

	cc = curl_easy_perform(s->st_curl);
	if (cc != CURLE_OK && !(cc == CURLE_WRITE_ERROR && c->sink != NULL &&
	    c->sink->b_full)) {
		snprintf(why, sizeof(why), "%s %s/%s: %s", c->method,
		    c->bucket, c->key != NULL ? c->key : "", errbuf[0] != '\0' ?
		    errbuf : curl_easy_strerror(cc));
		verr_backend(e, "storage", why);
		goto out;
	}
	curl_easy_getinfo(s->st_curl, CURLINFO_RESPONSE_CODE, &status);
	if (status >= 300 && status != 404) {
		st_s3code(body, s3code, sizeof(s3code));
		snprintf(why, sizeof(why), "%s %s/%s: HTTP %ld%s%s", c->method,
		    c->bucket, c->key != NULL ? c->key : "", status,
		    s3code[0] != '\0' ? " " : "", s3code);
		verr_backend(e, "storage", why);
		status = -1;
	}
out:
	curl_easy_setopt(s->st_curl, CURLOPT_HTTPHEADER, NULL);
	curl_easy_setopt(s->st_curl, CURLOPT_ERRORBUFFER, NULL);
	curl_slist_free_all(hdrs);
	buf_free(&errsink);
	free(url);
	if (auth != NULL) {
		explicit_bzero(auth, strlen(auth));
		free(auth);
	}
	return status;
}

static int
st_notfound(const char *bucket, const char *key, struct verr *e)
{
	verr_set(e, 404, "not_found", "Object not found");
	verr_detail(e, "storage: %s/%s: not found", bucket,
	    key != NULL ? key : "");
	return -1;
}

static int
st_nobucket(const char *bucket, struct verr *e)
{
	char	 why[300];

	snprintf(why, sizeof(why), "bucket %s: does not exist", bucket);
	return verr_backend(e, "storage", why);
}

/* PUT the body src of len bytes hashed sha as bucket/key. */
static int
st_put_src(struct st *s, const char *bucket, const char *key,
    struct st_src *src, off_t len, const char *sha, const char *ctype,
    struct verr *e)
{
	struct st_call	 c;
	long		 status;

	memset(&c, 0, sizeof(c));
	c.method = "PUT";
	c.bucket = bucket;
	c.key = key;
	c.src = src;
	c.len = len;
	c.sha = sha;
	c.ctype = ctype;
	c.timeout_ms = s->st_timeout_ms;
	status = st_request(s, &c, e);
	if (status == 404)
		return st_nobucket(bucket, e);
	return status == -1 ? -1 : 0;
}

int
st_put_fd(struct st *s, const char *bucket, const char *key, int fd,
    off_t len, const char *ctype, struct verr *e)
{
	struct st_src	 src;
	char		 sha[65];

	memset(&src, 0, sizeof(src));
	src.fd = fd;
	src.left = len;
	if ((src.off = lseek(fd, 0, SEEK_CUR)) == -1) {
		/* A pipe cannot be read twice: let S3 skip the hash. */
		snprintf(sha, sizeof(sha), "UNSIGNED-PAYLOAD");
	} else if (st_sha256_fd(fd, src.off, len, sha, e) == -1)
		return -1;
	return st_put_src(s, bucket, key, &src, len, sha, ctype, e);
}

int
st_put(struct st *s, const char *bucket, const char *key, const void *buf,
    size_t len, const char *ctype, struct verr *e)
{
	struct st_src	 src;
	char		 sha[65];

	memset(&src, 0, sizeof(src));
	src.mem = buf != NULL ? buf : "";
	src.left = len;
	st_sha256_mem(src.mem, len, sha);
	return st_put_src(s, bucket, key, &src, len, sha, ctype, e);
}

/* SHA-256 of the empty payload of GET, HEAD and DELETE. */
#define ST_EMPTY_SHA \
	"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

/* A call without a body: method on bucket/key within timeout_ms. */
static void
st_nobody(struct st_call *c, const char *method, const char *bucket,
    const char *key, long timeout_ms)
{
	memset(c, 0, sizeof(*c));
	c->method = method;
	c->bucket = bucket;
	c->key = key;
	c->sha = ST_EMPTY_SHA;
	c->timeout_ms = timeout_ms;
}

/* GET bucket/key (range NULL: all of it) into memory, at most max. */
static int
st_get_mem(struct st *s, const char *bucket, const char *key,
    const char *range, size_t max, void **buf, size_t *len, struct verr *e)
{
	struct st_call	 c;
	struct buf	 sink;
	long		 status;
	int		 rc = -1;

	*buf = NULL;
	*len = 0;
	/* Error bodies must fit too, even when the caller's max is tiny. */
	buf_init(&sink, max > ST_ERRBODY ? max : ST_ERRBODY + 1);
	st_nobody(&c, "GET", bucket, key, s->st_timeout_ms);
	c.range = range;
	c.sink = &sink;
	if ((status = st_request(s, &c, e)) == -1)
		goto out;
	if (status == 404) {
		st_notfound(bucket, key, e);
		goto out;
	}
	if (sink.b_full || sink.b_len > max) {
		verr_internal(e, "storage: GET %s/%s: larger than %zu bytes",
		    bucket, key, max);
		goto out;
	}
	*buf = buf_take(&sink, len);
	rc = 0;
out:
	buf_free(&sink);
	return rc;
}

int
st_get(struct st *s, const char *bucket, const char *key, size_t max,
    void **buf, size_t *len, struct verr *e)
{
	return st_get_mem(s, bucket, key, NULL, max, buf, len, e);
}

int
st_get_head(struct st *s, const char *bucket, const char *key, size_t n,
    void **buf, size_t *len, struct verr *e)
{
	char	 range[64];

	if (n == 0)
		n = 1;
	snprintf(range, sizeof(range), "bytes=0-%zu", n - 1);
	/* A server that ignores Range sends more than n: an error. */
	return st_get_mem(s, bucket, key, range, n, buf, len, e);
}

int
st_get_fd(struct st *s, const char *bucket, const char *key, int fd,
    uint64_t max, uint64_t *len, struct verr *e)
{
	struct st_call	 c;
	struct st_dst	 d;
	long		 status;

	memset(&d, 0, sizeof(d));
	d.fd = fd;
	d.max = max;
	st_nobody(&c, "GET", bucket, key, s->st_timeout_ms);
	c.dst = &d;
	if ((status = st_request(s, &c, e)) == -1)
		return -1;
	if (status == 404)
		return st_notfound(bucket, key, e);
	*len = d.got;
	return 0;
}

int
st_head(struct st *s, const char *bucket, const char *key, off_t *len,
    struct verr *e)
{
	struct st_call	 c;
	curl_off_t	 cl = -1;
	long		 status;

	st_nobody(&c, "HEAD", bucket, key, s->st_timeout_ms < ST_SHORT_MS ?
	    s->st_timeout_ms : ST_SHORT_MS);
	if ((status = st_request(s, &c, e)) == -1)
		return -1;
	if (status == 404)
		return st_notfound(bucket, key, e);
	curl_easy_getinfo(s->st_curl, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &cl);
	if (len != NULL)
		*len = cl >= 0 ? (off_t)cl : 0;
	return 0;
}

int
st_delete(struct st *s, const char *bucket, const char *key, struct verr *e)
{
	struct st_call	 c;

	st_nobody(&c, "DELETE", bucket, key, s->st_timeout_ms < ST_SHORT_MS ?
	    s->st_timeout_ms : ST_SHORT_MS);
	/* S3 answers 204 for an absent key; some servers answer 404. */
	return st_request(s, &c, e) == -1 ? -1 : 0;
}

int
st_bucket_ok(struct st *s, const char *bucket, struct verr *e)
{
	struct st_call	 c;
	long		 status;

	st_nobody(&c, "HEAD", bucket, NULL, ST_PROBE_MS);
	if ((status = st_request(s, &c, e)) == -1)
		return -1;
	if (status == 404)
		return st_nobucket(bucket, e);
	return 0;
}

char *
st_presign_put(struct st *s, const char *bucket, const char *key,
    uint64_t len, time_t now, long ttl)
{
	struct sigv4_key	 k;
	struct sigv4_req	 sr;
	struct sigv4_kv		 kv[2];
	struct buf		 b;
	char			 path[2048], clen[24], *url, *q;
	size_t			 n;

	if (st_path(s, bucket, key, path, sizeof(path)) == -1)
		return NULL;
	snprintf(clen, sizeof(clen), "%llu", (unsigned long long)len);
	kv[0].name = "content-length";
	kv[0].value = clen;
	kv[1].name = "host";
	kv[1].value = s->st_host;
	memset(&sr, 0, sizeof(sr));
	sr.method = "PUT";
	sr.path = path;
	sr.hdrs = kv;
	sr.nhdrs = 2;
	sr.payload = "UNSIGNED-PAYLOAD";
	sr.when = now;
	st_sigkey(s, &k);
	url = st_url(s, path);
	q = sigv4_presign(&k, &sr, ttl);
	buf_init(&b, 16384);
	buf_puts(&b, url);
	buf_puts(&b, "?");
	buf_puts(&b, q);
	free(url);
	free(q);
	return buf_take(&b, &n);
}
