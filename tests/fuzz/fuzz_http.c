/*
 * The HTTP layer on what the web server passes on: lines of the input
 * are REQUEST_URI, X-Forwarded-For, REMOTE_ADDR, CONTENT_LENGTH and
 * X-Request-Id, the rest is the body, read in chunks whose sizes come
 * from the body's first byte.  Runs request setup, query parameters,
 * paging cursors, the client address, the body limits and JSON bodies,
 * and the error response.  Oracles: the client address is the peer's
 * (REMOTE_ADDR, cut to 63 bytes) or an address, a query value is strict
 * UTF-8.
 */
#include <arpa/inet.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cfg.h"
#include "http.h"
#include "memio.h"
#include "page.h"
#include "valid.h"
#include "verr.h"

#define NFIELDS	5

static const char *const names[NFIELDS] = { "REQUEST_URI",
    "HTTP_X_FORWARDED_FOR", "REMOTE_ADDR", "CONTENT_LENGTH",
    "HTTP_X_REQUEST_ID" };

static void
fuzz_query(struct req *r)
{
	static const char *const q[] = { "q", "limit", "page", "cursor",
	    "username", "vid" };
	struct verr	 e;
	struct page	 pg;
	char		 buf[256];
	size_t		 i;

	for (i = 0; i < sizeof(q) / sizeof(q[0]); i++) {
		verr_init(&e);
		if (http_query(r, q[i], buf, sizeof(buf), &e) == 1 &&
		    valid_utf8_str(buf) == -1)
			abort();
	}
	verr_init(&e);
	(void)page_parse(r, "fuzz", 20, 100, &pg, &e);
}

static void
fuzz_client_ip(struct req *r)
{
	unsigned char	 a[16];
	char		 ip[64];
	const char	*peer = http_getparam(r, "REMOTE_ADDR");

	http_client_ip(r, ip, sizeof(ip));
	if (strncmp(ip, peer != NULL ? peer : "", sizeof(ip) - 1) != 0 &&
	    inet_pton(AF_INET, ip, a) != 1 && inet_pton(AF_INET6, ip, a) != 1)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	static char		 trusted[] = "127.0.0.1, ::1, 10.0.0.0/8";
	static char		 secret[] = "fuzz-secret";
	struct cfg		 c;
	struct http_io		 io = { mem_getparam, mem_read, NULL };
	struct json_object	*o;
	const char		*params[2 * NFIELDS + 1];
	struct mem		 m;
	struct req		 r;
	struct verr		 e;
	char			*buf, *p, *nl, *head;
	size_t			 i;

	if ((buf = malloc(n + 1)) == NULL)
		abort();
	memcpy(buf, d, n);
	buf[n] = '\0';
	memset(&m, 0, sizeof(m));
	memset(params, 0, sizeof(params));
	m.params = params;
	for (i = 0, p = buf; i < NFIELDS; i++) {
		if ((nl = strchr(p, '\n')) == NULL)
			break;
		*nl = '\0';
		params[2 * i] = names[i];
		params[2 * i + 1] = p;
		p = nl + 1;
	}
	m.body = p;
	m.len = n - (size_t)(p - buf);
	m.chunk = m.len > 0 ? 1 + (unsigned char)*p % 64 : 1;
	memset(&c, 0, sizeof(c));
	c.trusted_proxies = trusted;
	c.jwt_secret = secret;
	c.body_max = 4096;
	io.ctx = &m;
	http_req_init(&r, &io, &c, NULL);
	fuzz_query(&r);
	fuzz_client_ip(&r);
	verr_init(&e);
	if (http_json_body(&r, &o, &e) == 0)
		json_object_put(o);
	else {
		http_error(&r, &e);
		head = http_head(&r);
		free(head);
	}
	http_req_free(&r);
	free(buf);
	return 0;
}
