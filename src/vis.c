/*
 * Visibility rules.  friends posts need a mutual follow at the time of
 * the request; private posts are their author's only; a feed shows its
 * reader's own posts (for-you only) and what they follow.
 *
 * Blocks and mutes (API.md 6.1) are applied here too, from the REL_*
 * bits: a post whose author blocks the reader or is blocked by them
 * (REL_HIDDEN) is seen by neither, and a feed leaves out muted authors
 * (REL_MUTING).  How a read learns them without a query per item: the
 * bits come from svc_rel_get(), which answers every author of a page in
 * one Redis script of SISMEMBER calls on the reader's sets "fe", "fr",
 * "bk" (blocks), "bb" (blocked by) and "mu" (mutes), loaded whole from
 * MongoDB only when missing (svc_rel.c); reposts add one lookup for their
 * originals' authors (svc_posts_orig_hidden()).  The cost of a page thus
 * grows with the number of distinct authors on it, not with the number of
 * blocks: a user blocking 5,000 others pays the same per page as one
 * blocking none, plus one MongoDB read of 5,000 ids when their set is
 * (re)loaded, after a block or unblock or every SVC_SET_TTL seconds.  A
 * block or mute drops the sets it changed, so it shows on the next read
 * of any list, Redis timelines included, without a rebuild.  An
 * anonymous reader has no sets but "gone", which it is asked of.  A list
 * filtered this way after its query reads on past what it left out
 * (page_fill(), page.c), so a page is short only at the end: a page
 * costs one more round of the same lookups per batch read again, which
 * happens only when items were left out.
 */
#include <string.h>

#include "db_posts.h"
#include "db_users.h"
#include "vis.h"

int
vis_post(const char *viewer, const struct post *p, int rel)
{
	if (viewer != NULL && strcmp(viewer, p->user_id) == 0)
		return 1;
	if (rel & REL_HIDDEN)
		return 0;
	if (p->vis == VIS_PUBLIC)
		return 1;
	if (viewer == NULL || p->vis == VIS_PRIVATE)
		return 0;
	return (rel & REL_MUTUAL) == REL_MUTUAL;
}

int
vis_feed(const char *uid, int friends, const struct post *p, int rel)
{
	if (strcmp(p->user_id, uid) == 0)
		return !friends;
	if (rel & (REL_HIDDEN | REL_MUTING))
		return 0;
	if (!(rel & REL_FOLLOWING) || p->vis == VIS_PRIVATE)
		return 0;
	if (friends || p->vis == VIS_FRIENDS)
		return (rel & REL_MUTUAL) == REL_MUTUAL;
	return 1;
}

int
vis_feed_cmp(const void *a, const void *b)
{
	const struct post	*p = *(struct post *const *)a;
	const struct post	*q = *(struct post *const *)b;

	if (p->created_ms != q->created_ms)
		return p->created_ms > q->created_ms ? -1 : 1;
	return -strcmp(p->id, q->id);
}
