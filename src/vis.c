/*
 * Visibility rules.  friends posts need a mutual follow at the time of
 * the request; private posts are their author's only; a feed shows its
 * reader's own posts (for-you only) and what they follow.
 */
#include <string.h>

#include "db_posts.h"
#include "db_users.h"
#include "vis.h"

int
vis_post(const char *viewer, const struct post *p, int rel)
{
	if (p->vis == VIS_PUBLIC)
		return 1;
	if (viewer == NULL)
		return 0;
	if (strcmp(viewer, p->user_id) == 0)
		return 1;
	if (p->vis == VIS_PRIVATE)
		return 0;
	return (rel & REL_MUTUAL) == REL_MUTUAL;
}

int
vis_feed(const char *uid, int friends, const struct post *p, int rel)
{
	if (strcmp(p->user_id, uid) == 0)
		return !friends;
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
