/*
 * The for-you and friends feeds (API.md 3.4), read from the caller's
 * home timeline (svc_timeline.c says how a page is found and what it
 * costs) and rendered with svc_posts_render().
 */
#include <stdlib.h>

#include "be.h"
#include "db_posts.h"
#include "handlers.h"
#include "http.h"
#include "page.h"
#include "svc_post.h"
#include "svc_timeline.h"
#include "verr.h"

static int
feeds_page(struct req *r, int friends, struct verr *e)
{
	struct json_object	*arr;
	struct page		 pg;
	struct page_pos		 next;
	struct post		**items = NULL;
	const char		*scope = friends ? "feed:friends" : "feed:foryou";
	size_t			 n = 0, i;
	int			 more, rc = -1;

	if (page_parse(r, scope, 20, 100, &pg, e) == -1)
		return -1;
	if (svc_tl_page(r->be, r->uid, friends, &pg, &items, &n, &more,
	    &next, e) == -1)
		return -1;
	if ((arr = svc_posts_render(r->be, r->uid, items, n, 0, e)) != NULL) {
		http_json(r, 200, arr);
		if (more)
			page_next(r, scope, next.key, next.id);
		rc = 0;
	}
	for (i = 0; i < n; i++)
		free(items[i]);
	free(items);
	return rc;
}

int
h_feeds_foryou(struct req *r, struct verr *e)
{
	return feeds_page(r, 0, e);
}

int
h_feeds_friends(struct req *r, struct verr *e)
{
	return feeds_page(r, 1, e);
}
