/*
 * Request handling without a web server: request ids, query parameters,
 * body limits and JSON bodies, error responses and their headers, fed
 * through an in-memory struct http_io.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <json-c/json.h>

#include "cfg.h"
#include "http.h"
#include "memio.h"
#include "unit.h"
#include "verr.h"

static struct cfg	 tcfg;

static void
req_with(struct req *r, struct mem *m, const char **params,
    const char *body)
{
	struct http_io	 io = { mem_getparam, mem_read, m };

	memset(m, 0, sizeof(*m));
	m->params = params;
	m->body = body != NULL ? body : "";
	m->len = strlen(m->body);
	m->chunk = 3;
	tcfg.body_max = 64;
	http_req_init(r, &io, &tcfg, NULL);
}

static void
test_init(void)
{
	const char	*p1[] = { "REQUEST_METHOD", "HEAD", "REQUEST_URI",
	    "/api/v1/x?limit=5&b=%41+c", "HTTP_X_REQUEST_ID", "abc-123", NULL };
	const char	*p2[] = { "HTTP_X_REQUEST_ID", "has space", NULL };
	const char	*p3[] = { NULL };
	struct req	 r;
	struct mem	 m;

	req_with(&r, &m, p1, NULL);
	CU_ASSERT_STRING_EQUAL(r.method, "HEAD");
	CU_ASSERT_TRUE(r.head);
	CU_ASSERT_STRING_EQUAL(r.path, "/api/v1/x");
	CU_ASSERT_STRING_EQUAL(r.query, "limit=5&b=%41+c");
	CU_ASSERT_STRING_EQUAL(r.rid, "abc-123");
	req_with(&r, &m, p2, NULL);
	CU_ASSERT_EQUAL(strlen(r.rid), 16);
	req_with(&r, &m, p3, NULL);
	CU_ASSERT_STRING_EQUAL(r.method, "GET");
	CU_ASSERT_STRING_EQUAL(r.path, "/");
	CU_ASSERT_EQUAL(strlen(r.rid), 16);
}

static void
test_query(void)
{
	const char	*p[] = { "REQUEST_URI",
	    "/x?limit=5&b=%41+c&limit=7&flag&bad=%zz&nul=%00&q=", NULL };
	struct req	 r;
	struct mem	 m;
	struct verr	 e;
	char		 buf[16];

	req_with(&r, &m, p, NULL);
	verr_init(&e);
	CU_ASSERT_EQUAL(http_query(&r, "limit", buf, sizeof(buf), &e), 1);
	CU_ASSERT_STRING_EQUAL(buf, "7");
	CU_ASSERT_EQUAL(http_query(&r, "b", buf, sizeof(buf), &e), 1);
	CU_ASSERT_STRING_EQUAL(buf, "A c");
	CU_ASSERT_EQUAL(http_query(&r, "flag", buf, sizeof(buf), &e), 1);
	CU_ASSERT_STRING_EQUAL(buf, "");
	CU_ASSERT_EQUAL(http_query(&r, "q", buf, sizeof(buf), &e), 1);
	CU_ASSERT_EQUAL(http_query(&r, "Limit", buf, sizeof(buf), &e), 0);
	CU_ASSERT_EQUAL(http_query(&r, "lim", buf, sizeof(buf), &e), 0);
	CU_ASSERT_EQUAL(e.status, 0);
	CU_ASSERT_EQUAL(http_query(&r, "bad", buf, sizeof(buf), &e), -1);
	CU_ASSERT_STRING_EQUAL(e.field, "bad");
	verr_init(&e);
	CU_ASSERT_EQUAL(http_query(&r, "nul", buf, sizeof(buf), &e), -1);
	verr_init(&e);
	CU_ASSERT_EQUAL(http_query(&r, "b", buf, 3, &e), -1);
	CU_ASSERT_STRING_EQUAL(e.code, "validation_failed");
}

static void
test_body(void)
{
	const char	*ok[] = { "CONTENT_LENGTH", "9", NULL };
	const char	*big[] = { "CONTENT_LENGTH", "65", NULL };
	const char	*shortp[] = { "CONTENT_LENGTH", "20", NULL };
	const char	*none[] = { NULL };
	const char	*neg[] = { "CONTENT_LENGTH", "-1", NULL };
	char		 huge[100];
	struct json_object *o;
	struct req	 r;
	struct mem	 m;
	struct verr	 e;

	req_with(&r, &m, ok, "{\"a\":12}");
	m.len = 9;
	m.body = "{\"a\":12} ";
	verr_init(&e);
	CU_ASSERT_EQUAL(http_json_body(&r, &o, &e), 0);
	CU_ASSERT_EQUAL(json_object_get_int(json_object_object_get(o, "a")),
	    12);
	json_object_put(o);
	/* Refused from the Content-Length alone, before reading. */
	req_with(&r, &m, big, "{}");
	verr_init(&e);
	CU_ASSERT_EQUAL(http_json_body(&r, &o, &e), -1);
	CU_ASSERT_EQUAL(e.status, 413);
	CU_ASSERT_STRING_EQUAL(e.code, "payload_too_large");
	CU_ASSERT_EQUAL(m.off, 0);
	/* Without a length the body is counted as it arrives. */
	memset(huge, ' ', sizeof(huge) - 1);
	huge[sizeof(huge) - 1] = '\0';
	huge[0] = '{';
	huge[sizeof(huge) - 2] = '}';
	req_with(&r, &m, none, huge);
	verr_init(&e);
	CU_ASSERT_EQUAL(http_json_body(&r, &o, &e), -1);
	CU_ASSERT_EQUAL(e.status, 413);
	huge[40] = '\0';
	huge[39] = '}';
	req_with(&r, &m, none, huge);
	verr_init(&e);
	CU_ASSERT_EQUAL(http_json_body(&r, &o, &e), 0);
	json_object_put(o);
	req_with(&r, &m, shortp, "{}");
	verr_init(&e);
	CU_ASSERT_EQUAL(http_json_body(&r, &o, &e), -1);
	CU_ASSERT_EQUAL(e.status, 400);
	req_with(&r, &m, neg, "{}");
	verr_init(&e);
	CU_ASSERT_EQUAL(http_json_body(&r, &o, &e), -1);
	CU_ASSERT_EQUAL(e.status, 400);
	req_with(&r, &m, none, "");
	verr_init(&e);
	CU_ASSERT_EQUAL(http_json_body(&r, &o, &e), -1);
	CU_ASSERT_STRING_EQUAL(e.code, "bad_request");
}

static void
test_response(void)
{
	const char	*p[] = { "HTTP_X_REQUEST_ID", "rid-1", NULL };
	struct req	 r;
	struct mem	 m;
	struct verr	 e;
	char		*head;

	req_with(&r, &m, p, NULL);
	http_header(&r, "X-Next-Cursor", "%s", "abc");
	verr_init(&e);
	verr_backend(&e, "mongo", "down");
	http_error(&r, &e);
	head = http_head(&r);
	CU_ASSERT_PTR_NOT_NULL(strstr(head, "Status: 503 Service Unavailable"
	    "\r\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(head, "Retry-After: 1\r\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(head, "X-Request-Id: rid-1\r\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(head, "X-Content-Type-Options: nosniff"));
	CU_ASSERT_PTR_NOT_NULL(strstr(head,
	    "Content-Type: application/json; charset=utf-8\r\n"));
	CU_ASSERT_PTR_NULL(strstr(head, "X-Next-Cursor"));
	CU_ASSERT_PTR_NULL(strstr(r.body, "down"));
	CU_ASSERT_EQUAL(strcmp(head + strlen(head) - 4, "\r\n\r\n"), 0);
	free(head);
	http_empty(&r, 204);
	head = http_head(&r);
	CU_ASSERT_PTR_NULL(strstr(head, "\nContent-Type:"));
	CU_ASSERT_PTR_NULL(r.body);
	free(head);
	http_req_free(&r);
}

/* The client of r with X-Forwarded-For xff from a trusted peer. */
static const char *
client_of(const char *xff, char *out, size_t outsz)
{
	const char	*p[] = { "REMOTE_ADDR", "127.0.0.1",
	    "HTTP_X_FORWARDED_FOR", xff, NULL };
	static char	 trusted[] = "127.0.0.1, ::1, 10.9.0.0/16";
	struct req	 r;
	struct mem	 m;

	req_with(&r, &m, p, NULL);
	tcfg.trusted_proxies = trusted;
	http_client_ip(&r, out, outsz);
	tcfg.trusted_proxies = NULL;
	return out;
}

static void
test_client_ip(void)
{
	char	 ip[64], *xff;
	size_t	 i, off = 0;

	CU_ASSERT_STRING_EQUAL(client_of("1.2.3.4", ip, sizeof(ip)),
	    "1.2.3.4");
	CU_ASSERT_STRING_EQUAL(client_of("6.6.6.6, 1.2.3.4 , 10.9.1.1",
	    ip, sizeof(ip)), "1.2.3.4");
	CU_ASSERT_STRING_EQUAL(client_of("2001:db8::1,::1", ip, sizeof(ip)),
	    "2001:db8::1");
	/* A hop that is no address is never the client. */
	CU_ASSERT_STRING_EQUAL(client_of("evil-62", ip, sizeof(ip)),
	    "127.0.0.1");
	CU_ASSERT_STRING_EQUAL(client_of("1.2.3.4, evil, 10.9.0.5", ip,
	    sizeof(ip)), "10.9.0.5");
	CU_ASSERT_STRING_EQUAL(client_of("", ip, sizeof(ip)), "127.0.0.1");
	/* 200 made-up hops in front: the right end still counts. */
	if ((xff = malloc(200 * 16 + 16)) == NULL)
		abort();
	for (i = 0; i < 200; i++)
		off += (size_t)sprintf(xff + off, "evil-%zu, ", i);
	strcpy(xff + off, "5.6.7.8");
	CU_ASSERT_STRING_EQUAL(client_of(xff, ip, sizeof(ip)), "5.6.7.8");
	free(xff);
}

void
test_http_suite(void)
{
	CU_pSuite	 s = CU_add_suite("http", NULL, NULL);

	UNIT_ADD(s, "request init and id", test_init);
	UNIT_ADD(s, "query parameters", test_query);
	UNIT_ADD(s, "body limits and JSON", test_body);
	UNIT_ADD(s, "responses", test_response);
	UNIT_ADD(s, "client address from X-Forwarded-For", test_client_ip);
}
