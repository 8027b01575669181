/*
 * Visibility of posts (API.md 1.7) and what each feed shows (3.4), for
 * every visibility and relationship.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "db_posts.h"
#include "db_users.h"
#include "unit.h"
#include "vis.h"

#define ME	"aaaaaaaaaaaaaaaaaaaaaaaa"
#define OTHER	"bbbbbbbbbbbbbbbbbbbbbbbb"

static struct post *
mkpost(const char *id, const char *author, enum post_vis v, int64_t ms)
{
	struct post	*p;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		abort();
	snprintf(p->id, sizeof(p->id), "%s", id);
	snprintf(p->user_id, sizeof(p->user_id), "%s", author);
	p->vis = v;
	p->created_ms = ms;
	return p;
}

/* Another's public, friends and private post, and one of ME. */
static struct post	*pub, *fr, *pr, *own;

static int
setup(void)
{
	pub = mkpost("1", OTHER, VIS_PUBLIC, 1);
	fr = mkpost("2", OTHER, VIS_FRIENDS, 1);
	pr = mkpost("3", OTHER, VIS_PRIVATE, 1);
	own = mkpost("4", ME, VIS_PRIVATE, 1);
	return 0;
}

static int
teardown(void)
{
	free(pub);
	free(fr);
	free(pr);
	free(own);
	return 0;
}

static void
test_post(void)
{
	CU_ASSERT_TRUE(vis_post(NULL, pub, 0));
	CU_ASSERT_FALSE(vis_post(NULL, fr, REL_MUTUAL));
	CU_ASSERT_TRUE(vis_post(ME, fr, REL_MUTUAL));
	CU_ASSERT_FALSE(vis_post(ME, fr, REL_FOLLOWING));
	CU_ASSERT_FALSE(vis_post(ME, fr, REL_FOLLOWED));
	CU_ASSERT_FALSE(vis_post(ME, pr, REL_MUTUAL));
	CU_ASSERT_TRUE(vis_post(ME, own, 0));
}

static void
test_feed(void)
{
	/* For-you: own posts, followees' public, mutuals' friends. */
	CU_ASSERT_TRUE(vis_feed(ME, 0, own, 0));
	CU_ASSERT_TRUE(vis_feed(ME, 0, pub, REL_FOLLOWING));
	CU_ASSERT_FALSE(vis_feed(ME, 0, pub, REL_FOLLOWED));
	CU_ASSERT_FALSE(vis_feed(ME, 0, pub, 0));
	CU_ASSERT_FALSE(vis_feed(ME, 0, fr, REL_FOLLOWING));
	CU_ASSERT_TRUE(vis_feed(ME, 0, fr, REL_MUTUAL));
	CU_ASSERT_FALSE(vis_feed(ME, 0, pr, REL_MUTUAL));
	/* Friends: mutuals' public and friends posts, never own. */
	CU_ASSERT_FALSE(vis_feed(ME, 1, own, 0));
	CU_ASSERT_FALSE(vis_feed(ME, 1, pub, REL_FOLLOWING));
	CU_ASSERT_TRUE(vis_feed(ME, 1, pub, REL_MUTUAL));
	CU_ASSERT_TRUE(vis_feed(ME, 1, fr, REL_MUTUAL));
	CU_ASSERT_FALSE(vis_feed(ME, 1, pr, REL_MUTUAL));
}

/* Blocks hide both ways; mutes only from feeds (API.md 6.1). */
static void
test_blocks(void)
{
	CU_ASSERT_FALSE(vis_post(ME, pub, REL_BLOCKING));
	CU_ASSERT_FALSE(vis_post(ME, pub, REL_BLOCKED));
	CU_ASSERT_FALSE(vis_post(ME, fr, REL_MUTUAL | REL_BLOCKED));
	CU_ASSERT_TRUE(vis_post(ME, own, REL_BLOCKING));
	CU_ASSERT_TRUE(vis_post(ME, pub, REL_MUTING));
	CU_ASSERT_TRUE(vis_post(ME, fr, REL_MUTUAL | REL_MUTING));
	CU_ASSERT_FALSE(vis_feed(ME, 0, pub, REL_FOLLOWING | REL_MUTING));
	CU_ASSERT_FALSE(vis_feed(ME, 1, fr, REL_MUTUAL | REL_MUTING));
	CU_ASSERT_FALSE(vis_feed(ME, 0, pub, REL_FOLLOWING | REL_BLOCKING));
	CU_ASSERT_FALSE(vis_feed(ME, 0, pub, REL_FOLLOWING | REL_BLOCKED));
	CU_ASSERT_TRUE(vis_feed(ME, 0, own, REL_MUTING));
}

static void
test_order(void)
{
	struct post	*p[4];

	p[0] = mkpost("000000000000000000000001", ME, VIS_PUBLIC, 5);
	p[1] = mkpost("000000000000000000000003", ME, VIS_PUBLIC, 5);
	p[2] = mkpost("000000000000000000000002", ME, VIS_PUBLIC, 9);
	p[3] = mkpost("000000000000000000000004", ME, VIS_PUBLIC, 1);
	qsort(p, 4, sizeof(p[0]), vis_feed_cmp);
	CU_ASSERT_STRING_EQUAL(p[0]->id, "000000000000000000000002");
	CU_ASSERT_STRING_EQUAL(p[1]->id, "000000000000000000000003");
	CU_ASSERT_STRING_EQUAL(p[2]->id, "000000000000000000000001");
	CU_ASSERT_STRING_EQUAL(p[3]->id, "000000000000000000000004");
	free(p[0]);
	free(p[1]);
	free(p[2]);
	free(p[3]);
}

void
test_vis_suite(void)
{
	CU_pSuite	 s;

	if ((s = CU_add_suite("vis", setup, teardown)) == NULL)
		abort();
	UNIT_ADD(s, "post visibility", test_post);
	UNIT_ADD(s, "feed contents", test_feed);
	UNIT_ADD(s, "feed order", test_order);
	UNIT_ADD(s, "blocks and mutes", test_blocks);
}
