/*
 * Redis key names: the spellings stored data depends on, the hash tags
 * that keep keys used together in one Cluster slot, and the 500 for a
 * key too long for its buffer.
 */
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "rds_cluster.h"
#include "rkey.h"
#include "unit.h"
#include "verr.h"

static void
test_names(void)
{
	char		 k[RKEY_MAX], g[RKEY_MAX], tl[3][RKEY_MAX];
	struct verr	 e;

	verr_init(&e);
	CU_ASSERT_EQUAL(rkey_session(k, "s1", &e), 0);
	CU_ASSERT_STRING_EQUAL(k, "sess:s1");
	CU_ASSERT_EQUAL(rkey_unlock(k, "s1", &e), 0);
	CU_ASSERT_STRING_EQUAL(k, "wul:s1");
	CU_ASSERT_EQUAL(rkey_rate(k, "login_ip", "::1", &e), 0);
	CU_ASSERT_STRING_EQUAL(k, "rl:login_ip:::1");
	CU_ASSERT_EQUAL(rkey_lease(k, "outbox", &e), 0);
	CU_ASSERT_STRING_EQUAL(k, "lease:outbox");
	CU_ASSERT_EQUAL(rkey_views(k, "p1", &e), 0);
	CU_ASSERT_STRING_EQUAL(k, "views:{v}:p1");
	CU_ASSERT_EQUAL(rkey_obj(k, g, "post", "p1", &e), 0);
	CU_ASSERT_STRING_EQUAL(k, "c:post:{p1}");
	CU_ASSERT_STRING_EQUAL(g, "c:post:{p1}:g");
	CU_ASSERT_EQUAL(rkey_uset(k, g, "u1", "following", &e), 0);
	CU_ASSERT_STRING_EQUAL(k, "u:{u1}:following");
	CU_ASSERT_STRING_EQUAL(g, "u:{u1}:following:g");
	CU_ASSERT_EQUAL(rkey_timeline(tl, "u1", &e), 0);
	CU_ASSERT_STRING_EQUAL(tl[0], "u:{u1}:tl");
	CU_ASSERT_STRING_EQUAL(tl[1], "u:{u1}:tl:floor");
	CU_ASSERT_STRING_EQUAL(tl[2], "u:{u1}:tl:g");
	CU_ASSERT_EQUAL(e.status, 0);
}

static void
test_slots(void)
{
	char		 k[RKEY_MAX], g[RKEY_MAX], tl[3][RKEY_MAX];
	struct verr	 e;

	verr_init(&e);
	CU_ASSERT_EQUAL(rkey_views(k, "p1", &e), 0);
	CU_ASSERT_EQUAL(rds_cluster_keyslot(k, strlen(k)),
	    rds_cluster_keyslot(RKEY_VIEWS_DIRTY, strlen(RKEY_VIEWS_DIRTY)));
	CU_ASSERT_EQUAL(rkey_obj(k, g, "user", "u1", &e), 0);
	CU_ASSERT_EQUAL(rds_cluster_keyslot(k, strlen(k)),
	    rds_cluster_keyslot(g, strlen(g)));
	CU_ASSERT_EQUAL(rkey_timeline(tl, "u1", &e), 0);
	CU_ASSERT_EQUAL(rds_cluster_keyslot(tl[0], strlen(tl[0])),
	    rds_cluster_keyslot(tl[2], strlen(tl[2])));
}

static void
test_too_long(void)
{
	char		 k[RKEY_MAX], *big;
	struct verr	 e;

	big = malloc(RKEY_MAX);
	memset(big, 'x', RKEY_MAX - 1);
	big[RKEY_MAX - 1] = '\0';
	verr_init(&e);
	CU_ASSERT_EQUAL(rkey_session(k, big, &e), -1);
	CU_ASSERT_EQUAL(e.status, 500);
	CU_ASSERT_STRING_EQUAL(e.code, "internal");
	free(big);
}

void
test_rkey_suite(void)
{
	CU_pSuite	 s;

	if ((s = CU_add_suite("rkey", NULL, NULL)) == NULL)
		abort();
	UNIT_ADD(s, "key names", test_names);
	UNIT_ADD(s, "keys used together share a slot", test_slots);
	UNIT_ADD(s, "a key too long is a 500", test_too_long);
}
