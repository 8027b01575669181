/*
 * Request accessors and the response builder.  Parameters and the body
 * come through struct http_io so that the same code serves FastCGI and
 * the unit tests.  Every growable buffer here has a ceiling: headers are
 * a fixed array, the body is bounded by the caller's `max'.
 */
#include <arpa/inet.h>

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include <json-c/json.h>

#include "buf.h"
#include "cfg.h"
#include "enc.h"
#include "http.h"
#include "json.h"
#include "valid.h"
#include "verr.h"
#include "xmem.h"

int64_t
http_now_ns(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void
http_gen_rid(char *rid)
{
	static const char	 hex[] = "0123456789abcdef";
	unsigned char		 b[8];
	size_t			 i;

	if (getrandom(b, sizeof(b), 0) != sizeof(b))
		abort();
	for (i = 0; i < sizeof(b); i++) {
		rid[2 * i] = hex[b[i] >> 4];
		rid[2 * i + 1] = hex[b[i] & 0xf];
	}
	rid[2 * sizeof(b)] = '\0';
}

void
http_req_init(struct req *r, const struct http_io *io, const struct cfg *c,
    struct be *be)
{
	const char	*uri, *q, *rid;
	size_t		 len, i;

	memset(r, 0, sizeof(*r));
	r->io = *io;
	r->cfg = c;
	r->be = be;
	r->start_ns = http_now_ns();
	if ((r->method = http_getparam(r, "REQUEST_METHOD")) == NULL)
		r->method = "GET";
	r->head = strcmp(r->method, "HEAD") == 0;
	if ((uri = http_getparam(r, "REQUEST_URI")) == NULL &&
	    (uri = http_getparam(r, "DOCUMENT_URI")) == NULL)
		uri = "/";
	if ((q = strchr(uri, '?')) == NULL) {
		len = strlen(uri);
		r->query = "";
	} else {
		len = (size_t)(q - uri);
		r->query = q + 1;
	}
	/* An overlong path matches no route: keep a prefix, routing says 404. */
	if (len >= sizeof(r->path))
		len = sizeof(r->path) - 1;
	memcpy(r->path, uri, len);
	r->path[len] = '\0';

	rid = http_getparam(r, "HTTP_X_REQUEST_ID");
	len = rid != NULL ? strlen(rid) : 0;
	for (i = 0; i < len; i++)
		if (rid[i] < 0x21 || rid[i] > 0x7e)
			break;
	if (len >= 1 && len < HTTP_RIDLEN && i == len)
		memcpy(r->rid, rid, len + 1);
	else
		http_gen_rid(r->rid);
}

void
http_defer(struct req *r, void (*fn)(const struct cfg *, void *), void *arg)
{
	if (r->defer_fn != NULL)
		abort();
	r->defer_fn = fn;
	r->defer_arg = arg;
}

void
http_req_free(struct req *r)
{
	free(r->body);
	r->body = NULL;
}

const char *
http_getparam(struct req *r, const char *name)
{
	return r->io.getparam(r->io.ctx, name);
}

int
http_query(struct req *r, const char *name, char *buf, size_t bufsz,
    struct verr *e)
{
	const char	*p = r->query, *amp, *eq, *v, *found = NULL, *fend = NULL;
	size_t		 nlen = strlen(name), o = 0;
	int		 hi, lo, c;

	/* The last occurrence wins, as for JSON keys. */
	while (*p != '\0') {
		if ((amp = strchr(p, '&')) == NULL)
			amp = p + strlen(p);
		eq = memchr(p, '=', (size_t)(amp - p));
		if ((size_t)((eq != NULL ? eq : amp) - p) == nlen &&
		    memcmp(p, name, nlen) == 0) {
			found = eq != NULL ? eq + 1 : amp;
			fend = amp;
		}
		p = *amp == '&' ? amp + 1 : amp;
	}
	if (found == NULL)
		return 0;
	for (v = found; v < fend; v++) {
		c = (unsigned char)*v;
		if (c == '+')
			c = ' ';
		else if (c == '%') {
			if (fend - v < 3 || (hi = enc_hexval(v[1])) < 0 ||
			    (lo = enc_hexval(v[2])) < 0 || (hi | lo) == 0)
				return verr_field(e, name, "%s is malformed",
				    name);
			c = hi << 4 | lo;
			v += 2;
		}
		if (o + 1 >= bufsz)
			return verr_field(e, name, "%s is too long", name);
		buf[o++] = (char)c;
	}
	buf[o] = '\0';
	if (valid_utf8(buf, o) == -1)
		return verr_field(e, name, "%s is not UTF-8 text", name);
	return 1;
}

int
http_content_length(struct req *r, unsigned long long *n, struct verr *e)
{
	const char	*cl = http_getparam(r, "CONTENT_LENGTH");
	char		*end;

	if (cl == NULL || *cl == '\0')
		return 0;
	errno = 0;
	*n = strtoull(cl, &end, 10);
	if (!isdigit((unsigned char)*cl) || *end != '\0' || errno == ERANGE)
		return verr_set(e, 400, "bad_request",
		    "Invalid Content-Length");
	return 1;
}

int
http_read_body(struct req *r, size_t max, char **buf, size_t *len,
    struct verr *e)
{
	struct buf	 b;
	char		 chunk[16384];
	size_t		 want = 0, ask;
	unsigned long long n;
	long		 got;
	int		 hascl;

	*buf = NULL;
	*len = 0;
	if ((hascl = http_content_length(r, &n, e)) == -1)
		return -1;
	if (hascl) {
		if (n > max)
			return verr_set(e, 413, "payload_too_large",
			    "Request body larger than %zu bytes", max);
		want = (size_t)n;
	}
	/* Without a length, read to the end but never past max. */
	buf_init(&b, max);
	for (;;) {
		ask = sizeof(chunk);
		if (hascl && want - b.b_len < ask)
			ask = want - b.b_len;
		if (ask == 0)
			break;
		if ((got = r->io.read(r->io.ctx, chunk, ask)) < 0) {
			buf_free(&b);
			return verr_set(e, 400, "bad_request",
			    "Could not read the request body");
		}
		if (got == 0)
			break;
		if (buf_add(&b, chunk, (size_t)got) == -1) {
			buf_free(&b);
			return verr_set(e, 413, "payload_too_large",
			    "Request body larger than %zu bytes", max);
		}
	}
	if (hascl && b.b_len != want) {
		buf_free(&b);
		return verr_set(e, 400, "bad_request",
		    "Request body shorter than its Content-Length");
	}
	*buf = buf_take(&b, len);
	return 0;
}

int
http_json_body(struct req *r, struct json_object **out, struct verr *e)
{
	char	*buf;
	size_t	 len;
	int	 rc;

	*out = NULL;
	if (http_read_body(r, r->cfg->body_max, &buf, &len, e) == -1)
		return -1;
	rc = json_parse_object(buf, len, out, e);
	free(buf);
	return rc;
}

void
http_header(struct req *r, const char *name, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	n = snprintf(r->hdrs + r->hdrlen, sizeof(r->hdrs) - r->hdrlen,
	    "%s: ", name);
	if (n < 0 || (size_t)n >= sizeof(r->hdrs) - r->hdrlen)
		abort();
	r->hdrlen += (size_t)n;
	va_start(ap, fmt);
	n = vsnprintf(r->hdrs + r->hdrlen, sizeof(r->hdrs) - r->hdrlen, fmt,
	    ap);
	va_end(ap);
	if (n < 0 || (size_t)n + 2 >= sizeof(r->hdrs) - r->hdrlen)
		abort();
	r->hdrlen += (size_t)n;
	memcpy(r->hdrs + r->hdrlen, "\r\n", 3);
	r->hdrlen += 2;
}

static void
http_set_body(struct req *r, int status, char *body, const char *ctype)
{
	free(r->body);
	r->status = status;
	r->body = body;
	r->bodylen = body != NULL ? strlen(body) : 0;
	r->ctype = ctype;
}

void
http_json(struct req *r, int status, struct json_object *o)
{
	char	*s;

	s = xstrdup(json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	http_set_body(r, status, s, "application/json; charset=utf-8");
}

void
http_text(struct req *r, int status, const char *ctype, char *body,
    size_t len)
{
	http_set_body(r, status, NULL, ctype);
	r->body = body;
	r->bodylen = len;
}

void
http_empty(struct req *r, int status)
{
	http_set_body(r, status, NULL, NULL);
}

void
http_error(struct req *r, const struct verr *e)
{
	/* Headers of a half-built success response do not belong here. */
	r->hdrlen = 0;
	r->hdrs[0] = '\0';
	http_set_body(r, e->status, json_error_body(e),
	    "application/json; charset=utf-8");
	if (e->retry_after > 0)
		http_header(r, "Retry-After", "%d", e->retry_after);
	if (e->status == 401)
		http_header(r, "WWW-Authenticate", "Bearer");
}

char *
http_head(const struct req *r)
{
	char	*h;
	int	 n;

	n = asprintf(&h, "Status: %d %s\r\n"
	    "%s%s%s"
	    "X-Content-Type-Options: nosniff\r\n"
	    "X-Request-Id: %s\r\n"
	    "%.*s\r\n",
	    r->status, verr_reason(r->status),
	    r->ctype != NULL ? "Content-Type: " : "",
	    r->ctype != NULL ? r->ctype : "",
	    r->ctype != NULL ? "\r\n" : "",
	    r->rid, (int)r->hdrlen, r->hdrs);
	if (n < 0)
		abort();
	return h;
}

/* Does address `ip' fall in the "addr[/bits]" network `net'? */
static int
http_in_net(const char *ip, const char *net, size_t netlen)
{
	unsigned char	 a[16], n[16];
	char		 buf[64], *slash;
	int		 fam, bits, len, i;

	if (netlen >= sizeof(buf))
		return 0;
	memcpy(buf, net, netlen);
	buf[netlen] = '\0';
	fam = strchr(ip, ':') != NULL ? AF_INET6 : AF_INET;
	len = fam == AF_INET6 ? 16 : 4;
	bits = len * 8;
	if ((slash = strchr(buf, '/')) != NULL) {
		*slash = '\0';
		bits = atoi(slash + 1);
		if (bits < 0 || bits > len * 8)
			return 0;
	}
	if (inet_pton(fam, ip, a) != 1 || inet_pton(fam, buf, n) != 1)
		return 0;
	for (i = 0; bits > 0; i++, bits -= 8) {
		int	 mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;

		if ((a[i] & mask) != (n[i] & mask))
			return 0;
	}
	return 1;
}

/* Is `ip' (len bytes) one of the comma-separated trusted proxies? */
static int
http_trusted(const char *list, const char *ip, size_t iplen)
{
	char		 addr[64];
	const char	*p, *end;

	if (list == NULL || iplen == 0 || iplen >= sizeof(addr))
		return 0;
	memcpy(addr, ip, iplen);
	addr[iplen] = '\0';
	for (p = list; *p != '\0'; p = *end == ',' ? end + 1 : end) {
		while (*p == ' ')
			p++;
		end = p + strcspn(p, ",");
		while (end > p && end[-1] == ' ')
			end--;
		if (http_in_net(addr, p, (size_t)(end - p)))
			return 1;
		end += strcspn(end, ",");
	}
	return 0;
}

/* Is the n bytes at s one IPv4 or IPv6 address?  Copied to out if so. */
static int
http_ip_hop(const char *s, size_t n, char out[64])
{
	unsigned char	 a[16];

	if (n == 0 || n >= 64)
		return 0;
	memcpy(out, s, n);
	out[n] = '\0';
	return inet_pton(AF_INET, out, a) == 1 ||
	    inet_pton(AF_INET6, out, a) == 1;
}

void
http_client_ip(struct req *r, char *out, size_t outsz)
{
	const char	*peer = http_getparam(r, "REMOTE_ADDR");
	const char	*xff, *start, *end, *p, *q;
	char		 hop[64];

	if (peer == NULL)
		peer = "";
	snprintf(out, outsz, "%s", peer);
	if (!http_trusted(r->cfg->trusted_proxies, peer, strlen(peer)) ||
	    (xff = http_getparam(r, "HTTP_X_FORWARDED_FOR")) == NULL)
		return;
	/*
	 * Walk the hops from the right, whatever the header's length: the
	 * first one that is not a trusted proxy is the client.  A hop that
	 * is not an address ends the walk; the trusted hop to its right,
	 * which forwarded it, is then the client.
	 */
	for (end = xff + strlen(xff);; end = start - 1) {
		for (start = end; start > xff && start[-1] != ','; start--)
			continue;
		for (p = start, q = end; p < q && isspace((unsigned char)*p);
		    p++)
			continue;
		while (q > p && isspace((unsigned char)q[-1]))
			q--;
		if (!http_ip_hop(p, (size_t)(q - p), hop))
			return;
		snprintf(out, outsz, "%s", hop);
		if (!http_trusted(r->cfg->trusted_proxies, hop, strlen(hop)) ||
		    start == xff)
			return;
	}
}
