/*
 * JSON helpers: the strict body rules of API.md 1.2 and the typed getters
 * that name the offending field.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <json-c/json.h>

#include "json.h"
#include "unit.h"
#include "verr.h"

static void
test_parse(void)
{
	static const struct {
		const char	*body;
		int		 status;
	} c[] = {
		{ "{}", 0 },
		{ " {\"a\":1} \r\n", 0 },
		{ "{\"a\":1,\"a\":2}", 0 },
		{ "", 400 },
		{ "   ", 400 },
		{ "{", 400 },
		{ "{\"a\":1} x", 400 },
		{ "{\"a\":1}{}", 400 },
		{ "[1,2]", 400 },
		{ "\"str\"", 400 },
		{ "42 ", 400 },
		{ "null", 400 },
		{ "{\"a\":\"\xff\xfe\"}", 400 },
		{ "{'a':1}", 400 },
		{ "{\"a\":1,}", 400 },
		/* What json-c's strict mode alone lets through. */
		{ "{\"a\":\"\xc0\xae\"}", 400 },
		{ "{\"a\":\"\xed\xa0\x80\"}", 400 },
		{ "{\"a\":\"\xf4\x90\x80\x80\"}", 400 },
		{ "{\"a\":NaN}", 400 },
		{ "{\"a\":Infinity}", 400 },
		{ "{\"a\":-Infinity}", 400 },
		{ "{\"a\":\"x\ty\"}", 400 },
		{ "{\"a\":\"x\ny\"}", 400 },
		{ "{\"a\":\"\\ud800\"}", 400 },
		{ "{\"a\":\"\\udc00x\"}", 400 },
		{ "{\"a\":\"\\ud83d\\ud83d\"}", 400 },
		{ "{\"a\":[true,false,null,1e5,-2.5E-3],\"b\":\"\\ud83d\\ude00"
		    "\\t\\\"'\xc3\xa9\"}", 0 },
	};
	struct json_object	*o;
	struct verr		 e;
	size_t			 i;
	int			 rc;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		verr_init(&e);
		rc = json_parse_object(c[i].body, strlen(c[i].body), &o, &e);
		CU_ASSERT_EQUAL(rc, c[i].status == 0 ? 0 : -1);
		CU_ASSERT_EQUAL(e.status, c[i].status);
		if (e.status != c[i].status)
			fprintf(stderr, "case %zu (%s): got %d\n", i,
			    c[i].body, e.status);
		if (c[i].status != 0)
			CU_ASSERT_STRING_EQUAL(e.code, "bad_request");
		json_object_put(o);
	}
	verr_init(&e);
	CU_ASSERT_EQUAL(json_parse_object("{\"a\":1,\"a\":2}", 13, &o, &e), 0);
	CU_ASSERT_EQUAL(json_object_get_int(json_object_object_get(o, "a")), 2);
	json_object_put(o);
	/* A NUL byte inside the body is not whitespace. */
	verr_init(&e);
	CU_ASSERT_EQUAL(json_parse_object("{}\0", 3, &o, &e), -1);
}

static void
test_getters(void)
{
	static const char	 body[] = "{\"name\":\"x\",\"n\":20,"
	    "\"f\":20.0,\"h\":20.5,\"b\":true,\"z\":null,\"s\":5}";
	struct json_object	*o;
	struct verr		 e;
	const char		*s = "unset";
	int64_t			 n = -1;
	int			 b = -1;

	verr_init(&e);
	CU_ASSERT_EQUAL(json_parse_object(body, strlen(body), &o, &e), 0);
	CU_ASSERT_EQUAL(json_get_str(o, "name", 1, &s, &e), 1);
	CU_ASSERT_STRING_EQUAL(s, "x");
	CU_ASSERT_EQUAL(json_get_int(o, "n", 1, &n, &e), 1);
	CU_ASSERT_EQUAL(n, 20);
	CU_ASSERT_EQUAL(json_get_int(o, "f", 1, &n, &e), 1);
	CU_ASSERT_EQUAL(n, 20);
	CU_ASSERT_EQUAL(json_get_bool(o, "b", 1, &b, &e), 1);
	CU_ASSERT_EQUAL(b, 1);
	/* null and absent are "absent". */
	s = "unset";
	CU_ASSERT_EQUAL(json_get_str(o, "z", 0, &s, &e), 0);
	CU_ASSERT_STRING_EQUAL(s, "unset");
	CU_ASSERT_EQUAL(json_get_str(o, "missing", 0, &s, &e), 0);
	CU_ASSERT_EQUAL(e.status, 0);
	CU_ASSERT_EQUAL(json_get_str(o, "z", 1, &s, &e), -1);
	CU_ASSERT_EQUAL(e.status, 400);
	CU_ASSERT_STRING_EQUAL(e.code, "validation_failed");
	CU_ASSERT_STRING_EQUAL(e.field, "z");
	verr_init(&e);
	CU_ASSERT_EQUAL(json_get_str(o, "s", 0, &s, &e), -1);
	CU_ASSERT_STRING_EQUAL(e.field, "s");
	verr_init(&e);
	CU_ASSERT_EQUAL(json_get_int(o, "h", 0, &n, &e), -1);
	CU_ASSERT_STRING_EQUAL(e.field, "h");
	verr_init(&e);
	CU_ASSERT_EQUAL(json_get_int(o, "name", 0, &n, &e), -1);
	CU_ASSERT_STRING_EQUAL(e.field, "name");
	verr_init(&e);
	CU_ASSERT_EQUAL(json_get_bool(o, "n", 0, &b, &e), -1);
	CU_ASSERT_STRING_EQUAL(e.field, "n");
	json_object_put(o);
	/* An embedded NUL would cut a password short: refused, named. */
	verr_init(&e);
	CU_ASSERT_EQUAL(json_parse_object("{\"pw\":\"abcdefgh\\u0000xyz\"}",
	    26, &o, &e), 0);
	CU_ASSERT_EQUAL(json_get_str(o, "pw", 1, &s, &e), -1);
	CU_ASSERT_STRING_EQUAL(e.code, "validation_failed");
	CU_ASSERT_STRING_EQUAL(e.field, "pw");
	json_object_put(o);
}

static void
test_time(void)
{
	char	 buf[32];

	json_time(buf, 1752645468123LL);
	CU_ASSERT_STRING_EQUAL(buf, "2025-07-16T05:57:48.123Z");
	json_time(buf, 0);
	CU_ASSERT_STRING_EQUAL(buf, "1970-01-01T00:00:00.000Z");
	json_time(buf, 1000LL * 86400 * 365 + 7);
	CU_ASSERT_STRING_EQUAL(buf, "1971-01-01T00:00:00.007Z");
}

static void
test_error_body(void)
{
	struct verr	 e;
	char		*s;

	verr_init(&e);
	verr_field(&e, "transaction.gas", "gas must be an integer");
	s = json_error_body(&e);
	CU_ASSERT_STRING_EQUAL(s, "{\"error\":\"gas must be an integer\","
	    "\"code\":\"validation_failed\",\"field\":\"transaction.gas\"}");
	free(s);
	verr_init(&e);
	verr_set(&e, 404, "not_found", "Post \"x\" </not> found");
	s = json_error_body(&e);
	CU_ASSERT_STRING_EQUAL(s, "{\"error\":\"Post \\\"x\\\" </not> found\","
	    "\"code\":\"not_found\"}");
	free(s);
}

void
test_json_suite(void)
{
	CU_pSuite	 s = CU_add_suite("json", NULL, NULL);

	UNIT_ADD(s, "strict body parsing", test_parse);
	UNIT_ADD(s, "typed getters", test_getters);
	UNIT_ADD(s, "RFC 3339 timestamps", test_time);
	UNIT_ADD(s, "error envelope", test_error_body);
}
