/*
 * The error type: first failure wins, backend failures hide their cause
 * from the client, reasons for every status the service sends.
 */
#include <string.h>

#include <CUnit/CUnit.h>

#include "unit.h"
#include "verr.h"

static void
test_first_wins(void)
{
	struct verr	 e;

	verr_init(&e);
	CU_ASSERT_EQUAL(verr_set(&e, 404, "not_found", "no post %d", 7), -1);
	CU_ASSERT_EQUAL(verr_set(&e, 500, "internal", "later"), -1);
	CU_ASSERT_EQUAL(verr_backend(&e, "mongo", "boom"), -1);
	CU_ASSERT_EQUAL(e.status, 404);
	CU_ASSERT_STRING_EQUAL(e.code, "not_found");
	CU_ASSERT_STRING_EQUAL(e.msg, "no post 7");
	CU_ASSERT_EQUAL(e.retry_after, 0);
	verr_detail(&e, "first %s", "detail");
	verr_detail(&e, "second");
	CU_ASSERT_STRING_EQUAL(e.detail, "first detail");
}

static void
test_backend(void)
{
	struct verr	 e;

	verr_init(&e);
	verr_backend(&e, "redis", "connect 10.1.2.3:6379: refused");
	CU_ASSERT_EQUAL(e.status, 503);
	CU_ASSERT_STRING_EQUAL(e.code, "unavailable");
	CU_ASSERT_EQUAL(e.retry_after, 1);
	CU_ASSERT_PTR_NULL(strstr(e.msg, "10.1.2.3"));
	CU_ASSERT_PTR_NOT_NULL(strstr(e.detail, "redis: connect"));
}

static void
test_long_message(void)
{
	struct verr	 e;
	char		 big[1000];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	verr_init(&e);
	verr_field(&e, big, "%s", big);
	CU_ASSERT_EQUAL(strlen(e.msg), sizeof(e.msg) - 1);
	CU_ASSERT_EQUAL(strlen(e.field), sizeof(e.field) - 1);
}

/* Truncation never splits a UTF-8 character (schemathesis, issue 17). */
static void
test_long_utf8_cut_whole(void)
{
	struct verr	 e;
	char		 big[400];
	size_t		 i, off;

	for (off = 0; off < 4; off++) {
		memset(big, 'x', off);
		for (i = off; i + 4 < sizeof(big); i += 4)
			memcpy(big + i, "\xf0\x9f\x98\x80", 4);	/* U+1F600 */
		big[i] = '\0';
		verr_init(&e);
		verr_field(&e, big, "bad %s", big);
		CU_ASSERT_EQUAL(strlen(e.msg) % 4, (4 + off) % 4);
		CU_ASSERT_EQUAL(strlen(e.field) % 4, off);
		CU_ASSERT(strlen(e.msg) >= sizeof(e.msg) - 4);
		CU_ASSERT(strlen(e.field) >= sizeof(e.field) - 4);
	}
	verr_init(&e);
	verr_set(&e, 400, "bad_request", "caf\xc3\xa9");
	CU_ASSERT_STRING_EQUAL(e.msg, "caf\xc3\xa9");
}

static void
test_reasons(void)
{
	static const int codes[] = { 200, 201, 204, 400, 401, 403, 404, 405,
	    409, 413, 415, 422, 429, 500, 503 };
	size_t	 i;

	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		CU_ASSERT_STRING_NOT_EQUAL(verr_reason(codes[i]), "Unknown");
	CU_ASSERT_STRING_EQUAL(verr_reason(405), "Method Not Allowed");
	CU_ASSERT_STRING_EQUAL(verr_reason(299), "Unknown");
}

void
test_verr_suite(void)
{
	CU_pSuite	 s = CU_add_suite("verr", NULL, NULL);

	UNIT_ADD(s, "first failure wins", test_first_wins);
	UNIT_ADD(s, "backend failures", test_backend);
	UNIT_ADD(s, "truncation", test_long_message);
	UNIT_ADD(s, "truncation keeps UTF-8 whole", test_long_utf8_cut_whole);
	UNIT_ADD(s, "reason phrases", test_reasons);
}
