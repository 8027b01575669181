/*
 * Home timelines.  Each user has a sorted set in Redis of the ids of the
 * posts their for-you feed may show (score createdAt ms; see
 * rds_timeline.h), bounded to `timeline_size' entries:
 *
 * - the author's own posts of every visibility, added by vybes-api when
 *   the post is created (read-your-writes) and again by the worker;
 * - the public and friends posts (and reposts) of everyone they follow,
 *   added by vybes-worker's fan-out on the "post" event, one script per
 *   follower, and merged in by vybes-api when they follow someone.
 *
 * What a reader may see is decided at read time, never at write time:
 * a page's posts come from the post cache (svc_cache.h) and its authors'
 * relationship to the reader from the reader's follow sets (svc_rel.h),
 * then API.md 3.4 is applied (own posts; followees' public posts;
 * friends posts of mutuals only; never others' private ones).  So a
 * follow, unfollow, or mutual made or broken shows on the next read,
 * before any worker ran.  Entries found stale (post deleted, author no
 * longer followed) are removed as they are met.
 *
 * A page costs, per range read (normally one): one Redis script for the
 * range, one Redis MGET for the posts, one script for the relations;
 * rendering adds three more (originals, authors, marks).  MongoDB is
 * reached only by _id, for posts not in the cache.
 *
 * A missing timeline (new user, flushed or failed-over Redis, expiry) is
 * rebuilt from MongoDB with one bounded feed query over the followees,
 * then served.  A page that reaches below the bound (the floor), Redis
 * being down, or a rebuild refused because a fan-out raced it, is served
 * by the same query directly (tl_db_page), read again past what it
 * leaves out (page_fill()).  The friends feed filters the
 * same timeline (mutuals only, own posts out) rather than keeping a
 * second one: one fan-out per post instead of two, and a mutual made or
 * broken needs no rewrite of anything.
 *
 * Large accounts.  An author with more than `fanout_max_followers'
 * followers is not fanned out: one post would cost that many scripts.
 * The set "tl:big" in Redis lists such authors (read from MongoDB's
 * followerCount when missing, and every TL_BIG_TTL seconds; the worker
 * adds an author it skips), and a reader merges the recent posts of the
 * big accounts they follow at read time:
 * one MongoDB query per followed big account per page, on the
 * {userId, createdAt} index (more only when its posts the reader may not
 * see fill the first read), so a post by such an account costs nothing
 * at write time and one indexed range read per page of each follower.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "be.h"
#include "cfg.h"
#include "db_follows.h"
#include "db_posts.h"
#include "db_users.h"
#include "log.h"
#include "page.h"
#include "rds_cache.h"
#include "rds_timeline.h"
#include "svc_cache.h"
#include "svc_post.h"
#include "svc_rel.h"
#include "svc_timeline.h"
#include "verr.h"
#include "vis.h"
#include "xmem.h"

#define TL_TTL		(3 * 86400)	/* an unread timeline is dropped */
#define TL_FOLLOWEES	5000		/* followees a rebuild reads */
#define TL_BATCH_MIN	8		/* entries a range read asks for */
#define TL_BIG_TTL	600		/* the big accounts are re-read */

/* The page being collected. */
struct tlc {
	struct post	**items;
	size_t		  n, cap;
};

static void
tlc_add(struct tlc *c, struct post *p)
{
	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 32;
		c->items = xreallocarray(c->items, c->cap, sizeof(*c->items));
	}
	c->items[c->n++] = p;
}

static void
tlc_copy(const struct post *p, void *arg)
{
	struct post	*q;

	q = xmalloc(sizeof(*q));
	*q = *p;
	tlc_add(arg, q);
}

static void
tlc_free(struct tlc *c)
{
	size_t	 i;

	for (i = 0; i < c->n; i++)
		free(c->items[i]);
	free(c->items);
	c->items = NULL;
	c->n = c->cap = 0;
}

/*
 * The page straight from MongoDB: followees, then which follow back,
 * then one query with a branch per visibility (db_post_feed()).
 */
static int
tl_db_page(struct be *be, const char *uid, int friends,
    const struct db_page *dp, struct tlc *c, struct verr *e)
{
	char		(*fe)[25] = NULL;
	const char	**pub = NULL, **fr = NULL;
	int		*rel = NULL;
	size_t		 nf = 0, np = 0, nfr = 0, i;
	int		 rc = -1;

	if (db_followees(be->db, uid, TL_FOLLOWEES, &fe, &nf, e) == -1)
		goto out;
	pub = xcalloc(nf + 1, sizeof(*pub));
	fr = xcalloc(nf + 1, sizeof(*fr));
	rel = xcalloc(nf + 1, sizeof(*rel));
	for (i = 0; i < nf; i++)
		pub[i] = fe[i];
	if (db_relations(be->db, uid, pub, nf, rel, e) == -1)
		goto out;
	/* Muted and gone followees are left out of the query (6.1-6.3). */
	for (i = 0; i < nf; i++)
		if (rel[i] & (REL_MUTING | REL_HIDDEN))
			continue;
		else if ((rel[i] & REL_MUTUAL) == REL_MUTUAL)
			fr[nfr++] = fe[i];
		else if (!friends)
			pub[np++] = fe[i];
	if (db_post_feed(be->db, friends ? NULL : uid, pub, np, fr, nfr, dp,
	    tlc_copy, c, e) >= 0)
		rc = 0;
out:
	free(fe);
	free(pub);
	free(fr);
	free(rel);
	return rc;
}

/*
 * Drop from c the reposts of originals whose author and uid are
 * separated by a block (API.md 6.1; the authors are vis_feed()'s).
 */
static int
tl_drop_hidden(struct be *be, const char *uid, struct tlc *c,
    struct verr *e)
{
	int	*oh;
	size_t	 i, k;

	oh = xcalloc(c->n + 1, sizeof(*oh));
	if (svc_posts_orig_hidden(be, uid, c->items, c->n, oh, e) == -1) {
		free(oh);
		return -1;
	}
	for (i = k = 0; i < c->n; i++)
		if (oh[i])
			free(c->items[i]);
		else
			c->items[k++] = c->items[i];
	c->n = k;
	free(oh);
	return 0;
}

/*
 * A feed read through page_fill(): from MongoDB's feed query (big NULL)
 * or from the posts of one big account that uid follows with rel, the
 * posts uid may see collected in c.
 */
struct tl_src {
	struct be	*be;
	const char	*uid;
	int		 friends;
	const char	*big;
	int		 rel;
	struct tlc	 c;
};

static int
tl_src_read(void *arg, const struct db_page *dp, struct page_pos *last,
    struct verr *e)
{
	struct tl_src	*s = arg;
	struct tlc	 b = { NULL, 0, 0 };
	size_t		 i, k;
	int		 rc = -1;

	if ((s->big == NULL ? tl_db_page(s->be, s->uid, s->friends, dp, &b,
	    e) : db_post_list_user(s->be->db, s->big, -1, (1u << VIS_PUBLIC) |
	    (1u << VIS_FRIENDS), dp, tlc_copy, &b, e)) < 0)
		goto out;
	if (b.n > 0) {
		last->key = b.items[b.n - 1]->created_ms;
		memcpy(last->id, b.items[b.n - 1]->id, sizeof(last->id));
	}
	k = b.n;
	if (s->big != NULL) {
		for (i = k = 0; i < b.n; i++)
			if (vis_feed(s->uid, s->friends, b.items[i], s->rel))
				b.items[k++] = b.items[i];
			else
				free(b.items[i]);
	}
	rc = (int)b.n;
	b.n = k;
	if (tl_drop_hidden(s->be, s->uid, &b, e) == -1) {
		rc = -1;
		goto out;
	}
	for (i = 0; i < b.n; i++)
		tlc_add(&s->c, b.items[i]);
	b.n = 0;
out:
	tlc_free(&b);
	return rc;
}

static size_t
tl_src_kept(void *arg)
{
	return ((struct tl_src *)arg)->c.n;
}

static void
tl_src_pos(void *arg, size_t i, struct page_pos *p)
{
	struct tl_src	*s = arg;

	p->key = s->c.items[i]->created_ms;
	memcpy(p->id, s->c.items[i]->id, sizeof(p->id));
}

static const struct page_src tl_page_src = { tl_src_read, tl_src_kept,
    tl_src_pos };

/* Rebuild uid's timeline from MongoDB under generation gen. */
static int
tl_rebuild(struct be *be, const char *uid, const char *gen, struct verr *e)
{
	struct db_page		 dp;
	struct tlc		 c = { NULL, 0, 0 };
	struct rds_tl_ent	*ents = NULL;
	char			(*fe)[25] = NULL;
	const char		**fr = NULL;
	size_t			 nf = 0, i;
	size_t			 bound = (size_t)be->cfg->timeline_size;
	int			 rc = -1;

	memset(&dp, 0, sizeof(dp));
	dp.limit = bound;
	if (db_followees(be->db, uid, TL_FOLLOWEES, &fe, &nf, e) == -1)
		goto out;
	fr = xcalloc(nf + 1, sizeof(*fr));
	for (i = 0; i < nf; i++)
		fr[i] = fe[i];
	/* Everything that may ever show: friends posts of all followees. */
	if (db_post_feed(be->db, uid, NULL, 0, fr, nf, &dp, tlc_copy, &c,
	    e) < 0)
		goto out;
	ents = xcalloc(c.n + 1, sizeof(*ents));
	for (i = 0; i < c.n; i++) {
		memcpy(ents[i].id, c.items[i]->id, 25);
		ents[i].ms = c.items[i]->created_ms;
	}
	rc = rds_tl_fill(be->rds, uid, gen, ents, c.n,
	    c.n >= bound && c.n > 0 ? ents[c.n - 1].ms : 0, TL_TTL, e);
out:
	tlc_free(&c);
	free(ents);
	free(fe);
	free(fr);
	return rc;
}

/*
 * Check the n posts (NULL: gone) of one range against the rules, keep
 * those uid may see in c, and remove the stale entries from Redis.
 */
static int
tl_filter(struct be *be, const char *uid, int friends, struct post **posts,
    const struct rds_tl_ent *ents, size_t n, struct tlc *c, struct verr *e)
{
	const char	**uniq, **stale;
	int		*urel, *rel, *oh;
	size_t		 i, j, nu = 0, ns = 0;
	struct verr	 re;

	uniq = xcalloc(n + 1, sizeof(*uniq));
	stale = xcalloc(n + 1, sizeof(*stale));
	urel = xcalloc(n + 1, sizeof(*urel));
	rel = xcalloc(n + 1, sizeof(*rel));
	oh = xcalloc(n + 1, sizeof(*oh));
	/* Each other author once (uniq points into posts[]). */
	for (i = 0; i < n; i++) {
		if (posts[i] == NULL || strcmp(posts[i]->user_id, uid) == 0)
			continue;
		for (j = 0; j < nu && strcmp(uniq[j], posts[i]->user_id) != 0;
		    j++)
			;
		if (j == nu)
			uniq[nu++] = posts[i]->user_id;
	}
	if (svc_rel_get(be, uid, uniq, nu, urel, e) == -1 ||
	    svc_posts_orig_hidden(be, uid, posts, n, oh, e) == -1) {
		free(oh);
		free(rel);
		free(uniq);
		free(stale);
		free(urel);
		return -1;
	}
	/* Every relation is placed before any post is let go. */
	for (i = 0; i < n; i++)
		for (j = 0; posts[i] != NULL && j < nu; j++)
			if (strcmp(uniq[j], posts[i]->user_id) == 0)
				rel[i] = urel[j];
	for (i = 0; i < n; i++) {
		if (posts[i] != NULL && !oh[i] && vis_feed(uid, friends,
		    posts[i], rel[i])) {
			tlc_add(c, posts[i]);
			posts[i] = NULL;
			continue;
		}
		if (posts[i] == NULL || (strcmp(posts[i]->user_id, uid) != 0 &&
		    !(rel[i] & REL_FOLLOWING)))
			stale[ns++] = ents[i].id;
		free(posts[i]);
		posts[i] = NULL;
	}
	verr_init(&re);
	if (rds_tl_remove(be->rds, uid, stale, ns, &re) == -1)
		log_warnx("timeline of %s: stale entries kept: %s", uid,
		    re.detail);
	free(uniq);
	free(stale);
	free(urel);
	free(rel);
	free(oh);
	return 0;
}

/*
 * Collect from the Redis timeline into c until `want' posts: 1 when
 * done, 0 when MongoDB must answer instead (no timeline could be had,
 * Redis failed, or the page reaches below the floor), -1 on error.
 */
static int
tl_collect(struct be *be, const char *uid, int friends,
    const struct page *pg, size_t want, struct tlc *c, struct verr *e)
{
	struct rds_tl_ent	*ents;
	struct post		**posts;
	const char		**ids;
	struct verr		 re;
	char			 gen[24], after_id[25];
	int64_t			 max_ms, floor;
	size_t			 batch, ne, nu, i;
	int			 st, below, rebuilt = 0, rc = -1;

	/* A little more than the page: some entries may not show. */
	batch = want + want / 4 + TL_BATCH_MIN;
	ents = xcalloc(batch + 1, sizeof(*ents));
	posts = xcalloc(batch + 1, sizeof(*posts));
	ids = xcalloc(batch + 1, sizeof(*ids));
	max_ms = pg->after ? pg->after_key : INT64_MAX;
	snprintf(after_id, sizeof(after_id), "%s", pg->after ? pg->after_id :
	    "");
	while (c->n < want) {
		verr_init(&re);
		st = rds_tl_range(be->rds, uid, max_ms, batch, ents, &ne,
		    &floor, gen, &re);
		if (st == -1 || (st == 0 && rebuilt)) {
			rc = 0;
			goto out;
		}
		if (st == 0) {
			rebuilt = 1;
			verr_init(&re);
			if (tl_rebuild(be, uid, gen, &re) == -1 &&
			    re.status != 503) {
				*e = re;
				goto out;
			}
			continue;
		}
		/* Entries at or after the cursor, and those below the floor. */
		below = 0;
		for (i = nu = 0; i < ne; i++) {
			if (floor > 0 && ents[i].ms <= floor) {
				below = 1;
				break;
			}
			if (after_id[0] != '\0' && ents[i].ms == max_ms &&
			    strcmp(ents[i].id, after_id) >= 0)
				continue;
			ents[nu++] = ents[i];
		}
		for (i = 0; i < nu; i++)
			ids[i] = ents[i].id;
		if (svc_posts_get(be, ids, nu, posts, e) == -1 ||
		    tl_filter(be, uid, friends, posts, ents, nu, c, e) == -1)
			goto out;
		if (below || (ne < batch && floor > 0)) {
			/* Below the floor: only MongoDB knows the rest. */
			rc = c->n >= want;
			goto out;
		}
		if (ne < batch)
			break;		/* the whole timeline was read */
		if (nu == 0 && ents[ne - 1].ms == max_ms) {
			/* A batch of one millisecond: let MongoDB page it. */
			rc = 0;
			goto out;
		}
		max_ms = ents[ne - 1].ms;
		memcpy(after_id, ents[ne - 1].id, 25);
		if (nu > 0) {
			max_ms = ents[nu - 1].ms;
			memcpy(after_id, ents[nu - 1].id, 25);
		}
	}
	rc = 1;
out:
	free(ents);
	free(posts);
	free(ids);
	return rc;
}

static void
big_add(const char *id, void *arg)
{
	struct tlc	*c = arg;
	struct post	*p;

	p = xcalloc(1, sizeof(*p));
	memcpy(p->id, id, 25);
	tlc_add(c, p);
}

/*
 * The big accounts into *ids (*n of them): from Redis, or from MongoDB
 * (and stored for TL_BIG_TTL) when the set is missing, so a flushed
 * Redis loses no account.  Redis down: none (MongoDB answers whole
 * pages then).
 */
static int
tl_big(struct be *be, char (**ids)[25], size_t *n, struct verr *e)
{
	struct tlc	 c = { NULL, 0, 0 };
	struct verr	 re;
	size_t		 i;
	int		 st;

	verr_init(&re);
	if ((st = rds_tl_big_list(be->rds, ids, n, &re)) != 0)
		return 0;
	free(*ids);
	if (db_user_followed_over(be->db, be->cfg->fanout_max_followers,
	    big_add, &c, e) == -1)
		return -1;
	*ids = xcalloc(c.n + 1, sizeof(**ids));
	for (i = 0; i < c.n; i++)
		memcpy((*ids)[i], c.items[i]->id, 25);
	*n = c.n;
	tlc_free(&c);
	verr_init(&re);
	if (rds_tl_big_fill(be->rds, *ids, *n, TL_BIG_TTL, &re) == -1)
		log_warnx("big accounts not cached: %s", re.detail);
	return 0;
}

/*
 * Merge into c the posts after the page's cursor of the big accounts
 * (see the top) that uid follows, then order c and drop duplicates.
 */
static int
tl_merge_big(struct be *be, const char *uid, int friends,
    const struct page *pg, size_t want, struct tlc *c, struct verr *e)
{
	struct tl_src	 s;
	struct page	 bp;
	struct page_pos	 next;
	char		(*big)[25] = NULL;
	const char	**ids = NULL;
	int		*rel = NULL, more, n;
	size_t		 nb = 0, i, j, k;
	int		 rc = -1;

	memset(&s, 0, sizeof(s));
	if (tl_big(be, &big, &nb, e) == -1)
		goto out;
	ids = xcalloc(nb + 1, sizeof(*ids));
	rel = xcalloc(nb + 1, sizeof(*rel));
	for (i = 0; i < nb; i++)
		ids[i] = big[i];
	if (svc_rel_get(be, uid, ids, nb, rel, e) == -1)
		goto out;
	/* Up to `want' posts uid may see of each, after the cursor. */
	bp = *pg;
	bp.skip = 0;
	bp.limit = want;
	s.be = be;
	s.uid = uid;
	s.friends = friends;
	for (i = 0; i < nb; i++) {
		if (!(rel[i] & REL_FOLLOWING))
			continue;
		s.big = big[i];
		s.rel = rel[i];
		if ((n = page_fill(&bp, &tl_page_src, &s, &more, &next,
		    e)) == -1)
			goto out;
		for (j = 0; j < s.c.n; j++)
			if (j < (size_t)n)
				tlc_add(c, s.c.items[j]);
			else
				free(s.c.items[j]);
		s.c.n = 0;
	}
	qsort(c->items, c->n, sizeof(*c->items), vis_feed_cmp);
	for (j = k = 0; j < c->n; j++)
		if (k > 0 && strcmp(c->items[k - 1]->id, c->items[j]->id) == 0)
			free(c->items[j]);
		else
			c->items[k++] = c->items[j];
	c->n = k;
	rc = 0;
out:
	tlc_free(&s.c);
	free(big);
	free(ids);
	free(rel);
	return rc;
}

int
svc_tl_page(struct be *be, const char *uid, int friends,
    const struct page *pg, struct post ***out, size_t *n, int *more,
    struct page_pos *next, struct verr *e)
{
	struct tlc	 c = { NULL, 0, 0 };
	struct tl_src	 s;
	size_t		 want = pg->skip + pg->limit + 1, i;
	int		 st, got;

	*out = NULL;
	*n = 0;
	*more = 0;
	if ((st = tl_collect(be, uid, friends, pg, want, &c, e)) == -1) {
		tlc_free(&c);
		return -1;
	}
	if (st == 0) {
		/* MongoDB answers, read on past what is left out. */
		tlc_free(&c);
		memset(&s, 0, sizeof(s));
		s.be = be;
		s.uid = uid;
		s.friends = friends;
		if ((got = page_fill(pg, &tl_page_src, &s, more, next,
		    e)) == -1) {
			tlc_free(&s.c);
			return -1;
		}
		for (i = (size_t)got; i < s.c.n; i++)
			free(s.c.items[i]);
		*out = s.c.items;
		*n = (size_t)got;
		return 0;
	}
	if (tl_merge_big(be, uid, friends, pg, want, &c, e) == -1) {
		tlc_free(&c);
		return -1;
	}
	/* Drop what page=N skips. */
	for (i = 0; i < pg->skip && i < c.n; i++)
		free(c.items[i]);
	memmove(c.items, c.items + i, (c.n - i) * sizeof(*c.items));
	c.n -= i;
	if (c.n > pg->limit) {
		*more = 1;
		for (i = pg->limit; i < c.n; i++)
			free(c.items[i]);
		c.n = pg->limit;
		next->key = c.items[c.n - 1]->created_ms;
		memcpy(next->id, c.items[c.n - 1]->id, sizeof(next->id));
	}
	*out = c.items;
	*n = c.n;
	return 0;
}

static void
tl_add(struct be *be, const char *uid, const struct rds_tl_ent *ents,
    size_t n)
{
	struct verr	 e;

	verr_init(&e);
	if (rds_tl_add(be->rds, uid, ents, n, (size_t)be->cfg->timeline_size,
	    &e) == -1)
		log_warnx("timeline of %s not updated: %s", uid, e.detail);
}

void
svc_tl_posted(struct be *be, const struct post *p)
{
	struct rds_tl_ent	 ent;

	memcpy(ent.id, p->id, 25);
	ent.ms = p->created_ms;
	tl_add(be, p->user_id, &ent, 1);
}

void
svc_tl_followed(struct be *be, const char *a, const char *b)
{
	struct tlc		 c = { NULL, 0, 0 };
	struct db_page		 dp;
	struct rds_tl_ent	*ents;
	struct verr		 e;
	size_t			 i;

	memset(&dp, 0, sizeof(dp));
	dp.limit = (size_t)be->cfg->timeline_size;
	verr_init(&e);
	if (db_post_list_user(be->db, b, -1, (1u << VIS_PUBLIC) |
	    (1u << VIS_FRIENDS), &dp, tlc_copy, &c, &e) < 0) {
		log_warnx("timeline of %s: posts of %s not merged: %s", a, b,
		    e.detail);
		verr_init(&e);
		if (rds_tl_drop(be->rds, a, &e) == -1)
			log_warnx("timeline of %s not dropped: %s", a,
			    e.detail);
		tlc_free(&c);
		return;
	}
	ents = xcalloc(c.n + 1, sizeof(*ents));
	for (i = 0; i < c.n; i++) {
		memcpy(ents[i].id, c.items[i]->id, 25);
		ents[i].ms = c.items[i]->created_ms;
	}
	if (c.n > 0)
		tl_add(be, a, ents, c.n);
	free(ents);
	tlc_free(&c);
}

struct fan {
	struct be		*be;
	struct rds_tl_ent	 ent;
	struct verr		*e;
	int			 failed;
};

static void
fan_one(const char *follower, void *arg)
{
	struct fan	*f = arg;

	if (f->failed)
		return;
	if (rds_tl_add(f->be->rds, follower, &f->ent, 1,
	    (size_t)f->be->cfg->timeline_size, f->e) == -1)
		f->failed = 1;
}

int
svc_tl_fanout(struct be *be, const char *id, struct verr *e)
{
	struct post	*p;
	struct user	*u;
	struct fan	 f;
	struct verr	 fe;
	int		 rc = -1;

	p = xmalloc(sizeof(*p));
	u = xmalloc(sizeof(*u));
	verr_init(&fe);
	if (svc_post_get(be, id, p, &fe) == -1 ||
	    db_user_by_id(be->db, p->user_id, u, &fe) == -1) {
		/* A post or author since deleted needs nothing. */
		rc = fe.status == 404 ? 0 : -1;
		if (rc == -1)
			*e = fe;
		goto out;
	}
	memset(&f, 0, sizeof(f));
	f.be = be;
	f.e = e;
	memcpy(f.ent.id, p->id, 25);
	f.ent.ms = p->created_ms;
	fan_one(p->user_id, &f);
	if (f.failed || p->vis == VIS_PRIVATE) {
		rc = f.failed ? -1 : 0;
		goto out;
	}
	if (u->follower_count > be->cfg->fanout_max_followers) {
		rc = rds_tl_big_add(be->rds, p->user_id, e);
		goto out;
	}
	if (db_follow_ids(be->db, p->user_id, 1, fan_one, &f, e) == 0 &&
	    !f.failed)
		rc = 0;
out:
	free(p);
	free(u);
	return rc;
}
