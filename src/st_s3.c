/*
 * S3-compatible object storage (Cloudflare R2, s3rver in tests) over
 * libcurl.  Requests are signed by curl itself with AWS signature V4
 * (CURLOPT_AWS_SIGV4, "aws:amz:<region>:s3"); curl 7.88 does not add the
 * x-amz-content-sha256 header S3 requires, so every request carries one
 * with the hex SHA-256 of its payload (UNSIGNED-PAYLOAD only for an fd we
 * cannot read twice).  URLs are path style, endpoint/bucket/key, which
 * R2 and every local server accept.  One easy handle per process is
 * reset and reused so its connection cache keeps the TLS session to the
 * endpoint alive between requests.  The secret key goes to curl only.
 */
#include <sys/types.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>
#include <openssl/evp.h>

#include "buf.h"
#include "cfg.h"
#include "log.h"
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
	char	*st_access;
	char	*st_secret;
	char	 st_sigv4[96];	/* "aws:amz:<region>:s3" */
	long	 st_timeout_ms;	/* total time of a transfer */
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
	s->st_access = st_xstrdup(c->r2_access_key_id);
	s->st_secret = st_xstrdup(c->r2_secret_access_key);
	snprintf(s->st_sigv4, sizeof(s->st_sigv4), "aws:amz:%s:s3",
	    c->r2_region != NULL && c->r2_region[0] != '\0' ?
	    c->r2_region : "auto");
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
	free(s->st_access);
	if (s->st_secret != NULL) {
		explicit_bzero(s->st_secret, strlen(s->st_secret));
		free(s->st_secret);
	}
	free(s);
}

static void
st_hex(const unsigned char *md, unsigned int n, char *out)
{
	static const char	 hx[] = "0123456789abcdef";
	unsigned int		 i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hx[md[i] >> 4];
		out[2 * i + 1] = hx[md[i] & 0xf];
	}
	out[2 * n] = '\0';
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
	st_hex(md, n, out);
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
	st_hex(md, n, out);
	rc = 0;
out:
	EVP_MD_CTX_free(ctx);
	return rc;
}

/*
 * Write the URL of bucket/key to out; -1 if it does not fit.  The key is
 * percent-encoded except for RFC 3986 unreserved characters and '/',
 * which is the encoding S3's SigV4 canonical URI expects; curl signs the
 * path as given.
 */
static int
st_url(const struct st *s, const char *bucket, const char *key, char *out,
    size_t outsz)
{
	static const char	 hx[] = "0123456789ABCDEF";
	size_t			 n;
	unsigned char		 ch;
	int			 w;

	w = snprintf(out, outsz, "%s/%s", s->st_endpoint, bucket);
	if (w < 0 || (size_t)w >= outsz)
		return -1;
	if (key == NULL)
		return 0;
	n = w;
	out[n++] = '/';
	for (; *key != '\0'; key++) {
		if (n + 4 > outsz)
			return -1;
		ch = (unsigned char)*key;
		if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
		    (ch >= '0' && ch <= '9') || ch == '-' || ch == '.' ||
		    ch == '_' || ch == '~' || ch == '/')
			out[n++] = ch;
		else {
			out[n++] = '%';
			out[n++] = hx[ch >> 4];
			out[n++] = hx[ch & 0xf];
		}
	}
	if (n >= outsz)
		return -1;
	out[n] = '\0';
	return 0;
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

/*
 * Run one request: `method' on bucket/key (key NULL: the bucket itself)
 * with body `src' of `len' bytes (src NULL: none) whose payload hash is
 * `sha', response body into `sink' (NULL: keep only an error's start).
 * Returns the HTTP status, or -1 with 503 in e when no response came.
 */
static long
st_request(struct st *s, const char *method, const char *bucket,
    const char *key, struct st_src *src, off_t len, const char *sha,
    const char *ctype, struct buf *sink, long timeout_ms, struct verr *e)
{
	struct curl_slist	*hdrs = NULL;
	struct buf		 errsink;
	char			 url[2048], h[128], errbuf[CURL_ERROR_SIZE];
	char			 s3code[64], why[CURL_ERROR_SIZE + 256];
	CURLcode		 cc;
	long			 status = -1;

	buf_init(&errsink, ST_ERRBODY);
	if (s->st_curl == NULL && (s->st_curl = curl_easy_init()) == NULL) {
		verr_backend(e, "storage", "curl_easy_init failed");
		return -1;
	}
	if (st_url(s, bucket, key, url, sizeof(url)) == -1) {
		verr_internal(e, "storage: %s %s: key too long", method,
		    bucket);
		return -1;
	}
	if (ctype != NULL && (strlen(ctype) > 100 ||
	    strpbrk(ctype, "\r\n") != NULL)) {
		verr_internal(e, "storage: %s %s: bad content type", method,
		    bucket);
		return -1;
	}
	curl_easy_reset(s->st_curl);

	/*
	 * No "Expect:" line to suppress 100-continue: curl 7.88 would sign
	 * the removed header and S3 would reject the signature.
	 */
	snprintf(h, sizeof(h), "x-amz-content-sha256: %s", sha);
	hdrs = curl_slist_append(hdrs, h);
	if (ctype != NULL) {
		snprintf(h, sizeof(h), "Content-Type: %s", ctype);
		hdrs = curl_slist_append(hdrs, h);
	}
	/* Every object is media under a fresh UUID key: it never changes. */
	if (strcmp(method, "PUT") == 0)
		hdrs = curl_slist_append(hdrs,
		    "Cache-Control: public, max-age=31536000, immutable");
	if (hdrs == NULL)
		xnomem("curl_slist_append");

	errbuf[0] = '\0';
	curl_easy_setopt(s->st_curl, CURLOPT_URL, url);
	curl_easy_setopt(s->st_curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(s->st_curl, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(s->st_curl, CURLOPT_CONNECTTIMEOUT_MS,
	    (long)ST_CONNECT_MS);
	curl_easy_setopt(s->st_curl, CURLOPT_TIMEOUT_MS, timeout_ms);
	curl_easy_setopt(s->st_curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(s->st_curl, CURLOPT_AWS_SIGV4, s->st_sigv4);
	curl_easy_setopt(s->st_curl, CURLOPT_USERNAME, s->st_access);
	curl_easy_setopt(s->st_curl, CURLOPT_PASSWORD, s->st_secret);
	curl_easy_setopt(s->st_curl, CURLOPT_HTTPHEADER, hdrs);
	if (strcmp(method, "HEAD") == 0)
		curl_easy_setopt(s->st_curl, CURLOPT_NOBODY, 1L);
	else if (strcmp(method, "PUT") == 0) {
		curl_easy_setopt(s->st_curl, CURLOPT_UPLOAD, 1L);
		curl_easy_setopt(s->st_curl, CURLOPT_READFUNCTION, st_read_cb);
		curl_easy_setopt(s->st_curl, CURLOPT_READDATA, src);
		curl_easy_setopt(s->st_curl, CURLOPT_INFILESIZE_LARGE,
		    (curl_off_t)len);
	} else if (strcmp(method, "GET") != 0)
		curl_easy_setopt(s->st_curl, CURLOPT_CUSTOMREQUEST, method);

	curl_easy_setopt(s->st_curl, CURLOPT_WRITEFUNCTION, sink != NULL ?
	    buf_curl_all : buf_curl_start);
	curl_easy_setopt(s->st_curl, CURLOPT_WRITEDATA,
	    sink != NULL ? sink : &errsink);

	cc = curl_easy_perform(s->st_curl);
	if (cc != CURLE_OK && !(cc == CURLE_WRITE_ERROR && sink != NULL &&
	    sink->b_full)) {
		snprintf(why, sizeof(why), "%s %s/%s: %s", method, bucket,
		    key != NULL ? key : "", errbuf[0] != '\0' ? errbuf :
		    curl_easy_strerror(cc));
		verr_backend(e, "storage", why);
		goto out;
	}
	curl_easy_getinfo(s->st_curl, CURLINFO_RESPONSE_CODE, &status);
	if (status >= 300 && status != 404) {
		st_s3code(sink != NULL ? sink : &errsink, s3code,
		    sizeof(s3code));
		snprintf(why, sizeof(why), "%s %s/%s: HTTP %ld%s%s", method,
		    bucket, key != NULL ? key : "", status,
		    s3code[0] != '\0' ? " " : "", s3code);
		verr_backend(e, "storage", why);
		status = -1;
	}
out:
	curl_easy_setopt(s->st_curl, CURLOPT_HTTPHEADER, NULL);
	curl_easy_setopt(s->st_curl, CURLOPT_ERRORBUFFER, NULL);
	curl_slist_free_all(hdrs);
	buf_free(&errsink);
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

int
st_put_fd(struct st *s, const char *bucket, const char *key, int fd,
    off_t len, const char *ctype, struct verr *e)
{
	struct st_src	 src;
	char		 sha[65];
	long		 status;

	memset(&src, 0, sizeof(src));
	src.fd = fd;
	src.left = len;
	if ((src.off = lseek(fd, 0, SEEK_CUR)) == -1) {
		/* A pipe cannot be read twice: let S3 skip the hash. */
		snprintf(sha, sizeof(sha), "UNSIGNED-PAYLOAD");
	} else if (st_sha256_fd(fd, src.off, len, sha, e) == -1)
		return -1;
	status = st_request(s, "PUT", bucket, key, &src, len, sha, ctype,
	    NULL, s->st_timeout_ms, e);
	if (status == 404)
		return st_nobucket(bucket, e);
	return status == -1 ? -1 : 0;
}

int
st_put(struct st *s, const char *bucket, const char *key, const void *buf,
    size_t len, const char *ctype, struct verr *e)
{
	struct st_src	 src;
	char		 sha[65];
	long		 status;

	memset(&src, 0, sizeof(src));
	src.mem = buf != NULL ? buf : "";
	src.left = len;
	st_sha256_mem(src.mem, len, sha);
	status = st_request(s, "PUT", bucket, key, &src, len, sha, ctype,
	    NULL, s->st_timeout_ms, e);
	if (status == 404)
		return st_nobucket(bucket, e);
	return status == -1 ? -1 : 0;
}

/* SHA-256 of the empty payload of GET, HEAD and DELETE. */
#define ST_EMPTY_SHA \
	"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

int
st_get(struct st *s, const char *bucket, const char *key, size_t max,
    void **buf, size_t *len, struct verr *e)
{
	struct buf	 sink;
	long		 status;
	int		 rc = -1;

	*buf = NULL;
	*len = 0;
	/* Error bodies must fit too, even when the caller's max is tiny. */
	buf_init(&sink, max > ST_ERRBODY ? max : ST_ERRBODY + 1);
	status = st_request(s, "GET", bucket, key, NULL, 0, ST_EMPTY_SHA,
	    NULL, &sink, s->st_timeout_ms, e);
	if (status == -1)
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
st_head(struct st *s, const char *bucket, const char *key, off_t *len,
    struct verr *e)
{
	curl_off_t	 cl = -1;
	long		 status, t;

	t = s->st_timeout_ms < ST_SHORT_MS ? s->st_timeout_ms : ST_SHORT_MS;
	status = st_request(s, "HEAD", bucket, key, NULL, 0, ST_EMPTY_SHA,
	    NULL, NULL, t, e);
	if (status == -1)
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
	long	 status, t;

	t = s->st_timeout_ms < ST_SHORT_MS ? s->st_timeout_ms : ST_SHORT_MS;
	status = st_request(s, "DELETE", bucket, key, NULL, 0, ST_EMPTY_SHA,
	    NULL, NULL, t, e);
	/* S3 answers 204 for an absent key; some servers answer 404. */
	return status == -1 ? -1 : 0;
}

int
st_bucket_ok(struct st *s, const char *bucket, struct verr *e)
{
	long	 status;

	status = st_request(s, "HEAD", bucket, NULL, NULL, 0, ST_EMPTY_SHA,
	    NULL, NULL, ST_PROBE_MS, e);
	if (status == -1)
		return -1;
	if (status == 404)
		return st_nobucket(bucket, e);
	return 0;
}
