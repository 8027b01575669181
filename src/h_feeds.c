/*
 * The for-you and friends feeds (API.md 3.4).
 *
 * How a page scales: the caller's followees (at most FEED_FOLLOWEES, most
 * recent first) come from the follows index {followerId, followingId} in
 * one query, which of them follow back from {followingId} in a second;
 * then one posts query asks for `limit + 1' posts with
 * userId $in [...] per visibility branch, sorted by (createdAt, _id)
 * descending after the cursor.  MongoDB serves that from the
 * {userId, createdAt} index by merging the per-author ranges, so a page
 * reads about limit + 1 posts however many authors are followed and
 * however many posts they have; rendering adds five queries (originals,
 * authors, likes, bookmarks, reposts).  No query is made per post.
 */
#include <stdlib.h>
#include <string.h>

#include "be.h"
#include "db_follows.h"
#include "db_posts.h"
#include "db_users.h"
#include "handlers.h"
#include "http.h"
#include "page.h"
#include "svc_post.h"
#include "verr.h"

#define FEED_FOLLOWEES	5000

struct fpage {
	struct post	**items;
	size_t		  n, limit, seen;
};

static void
fpage_add(const struct post *p, void *arg)
{
	struct fpage	*f = arg;

	if (f->seen++ >= f->limit)
		return;
	if ((f->items[f->n] = malloc(sizeof(*p))) == NULL)
		abort();
	*f->items[f->n++] = *p;
}

static int
h_feed(struct req *r, int friends, struct verr *e)
{
	struct json_object	*arr;
	struct page		 pg;
	struct db_page		 dp;
	struct fpage		 f;
	char			(*fe)[25] = NULL;
	const char		**pub = NULL, **fr = NULL;
	const char		*scope = friends ? "feed:friends" : "feed:foryou";
	int			*rel = NULL;
	size_t			 nf = 0, np = 0, nfr = 0, i;
	int			 rc = -1;

	memset(&f, 0, sizeof(f));
	if (page_parse(r, scope, 20, 100, &pg, e) == -1)
		return -1;
	if (db_followees(r->be->db, r->uid, FEED_FOLLOWEES, &fe, &nf, e) == -1)
		goto out;
	if ((pub = calloc(nf + 1, sizeof(*pub))) == NULL ||
	    (fr = calloc(nf + 1, sizeof(*fr))) == NULL ||
	    (rel = calloc(nf + 1, sizeof(*rel))) == NULL ||
	    (f.items = calloc(pg.limit + 1, sizeof(*f.items))) == NULL)
		abort();
	for (i = 0; i < nf; i++)
		pub[i] = fe[i];
	if (db_relations(r->be->db, r->uid, pub, nf, rel, e) == -1)
		goto out;
	/* Mutuals show friends posts; other followees public ones only. */
	for (i = 0; i < nf; i++)
		if (rel[i] == REL_MUTUAL)
			fr[nfr++] = fe[i];
		else if (!friends)
			pub[np++] = fe[i];
	page_to_db(&pg, &dp);
	f.limit = pg.limit;
	if (db_post_feed(r->be->db, friends ? NULL : r->uid, pub, np, fr, nfr,
	    &dp, fpage_add, &f, e) == -1)
		goto out;
	if ((arr = svc_posts_render(r->be, r->uid, f.items, f.n, 0,
	    e)) == NULL)
		goto out;
	http_json(r, 200, arr);
	if (f.seen > f.limit && f.n > 0)
		page_next(r, scope, f.items[f.n - 1]->created_ms,
		    f.items[f.n - 1]->id);
	rc = 0;
out:
	for (i = 0; i < f.n; i++)
		free(f.items[i]);
	free(f.items);
	free(fe);
	free(pub);
	free(fr);
	free(rel);
	return rc;
}

int
h_feed_foryou(struct req *r, struct verr *e)
{
	return h_feed(r, 0, e);
}

int
h_feed_friends(struct req *r, struct verr *e)
{
	return h_feed(r, 1, e);
}
