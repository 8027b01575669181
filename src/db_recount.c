/*
 * Counter recomputation.  Each relation is counted with one $group
 * aggregation into a sorted table, then every post and user is read
 * once and updated only where its stored counter differs, so a recount
 * of a healthy database writes nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_internal.h"
#include "db_recount.h"
#include "json.h"
#include "verr.h"
#include "xmem.h"

struct tally {
	char	 id[25];
	int64_t	 n;
};

struct tallies {
	struct tally	*t;
	size_t		 n, cap;
};

static int
tally_cmp(const void *a, const void *b)
{
	return strcmp(((const struct tally *)a)->id,
	    ((const struct tally *)b)->id);
}

static int64_t
tally_get(const struct tallies *ts, const char *id)
{
	struct tally	 key, *t;

	snprintf(key.id, sizeof(key.id), "%s", id);
	t = bsearch(&key, ts->t, ts->n, sizeof(*ts->t), tally_cmp);
	return t != NULL ? t->n : 0;
}

/*
 * {$match: match} (optional), {$group: {_id: "$field", n: {$sum: sum}}}
 * over coll, sum being 1 or "$<field>", into ts sorted by id.
 * Index: none: a maintenance job's $group reads the whole collection once
 *     per recount.
 */
static int
db_tally(struct db *db, const char *coll, const bson_t *match,
    const char *field, const char *sumfield, struct tallies *ts,
    struct verr *e)
{
	mongoc_collection_t	*c;
	mongoc_cursor_t		*cur;
	const bson_t		*doc;
	bson_t			 pipe = BSON_INITIALIZER, arr, st, g, sum;
	bson_error_t		 be;
	char			 ref[64];
	int			 rc = -1;

	memset(ts, 0, sizeof(*ts));
	if ((c = db_coll(db, coll, e)) == NULL)
		return -1;
	BSON_APPEND_ARRAY_BEGIN(&pipe, "pipeline", &arr);
	if (match != NULL) {
		BSON_APPEND_DOCUMENT_BEGIN(&arr, "0", &st);
		BSON_APPEND_DOCUMENT(&st, "$match", match);
		bson_append_document_end(&arr, &st);
	}
	BSON_APPEND_DOCUMENT_BEGIN(&arr, match != NULL ? "1" : "0", &st);
	BSON_APPEND_DOCUMENT_BEGIN(&st, "$group", &g);
	snprintf(ref, sizeof(ref), "$%s", field);
	BSON_APPEND_UTF8(&g, "_id", ref);
	BSON_APPEND_DOCUMENT_BEGIN(&g, "n", &sum);
	if (sumfield != NULL) {
		snprintf(ref, sizeof(ref), "$%s", sumfield);
		BSON_APPEND_UTF8(&sum, "$sum", ref);
	} else
		BSON_APPEND_INT32(&sum, "$sum", 1);
	bson_append_document_end(&g, &sum);
	bson_append_document_end(&st, &g);
	bson_append_document_end(&arr, &st);
	bson_append_array_end(&pipe, &arr);
	cur = mongoc_collection_aggregate(c, MONGOC_QUERY_NONE, &pipe, NULL,
	    NULL);
	while (mongoc_cursor_next(cur, &doc)) {
		if (ts->n == ts->cap) {
			ts->cap = ts->cap ? 2 * ts->cap : 256;
			ts->t = xreallocarray(ts->t, ts->cap, sizeof(*ts->t));
		}
		db_oidstr(doc, "_id", ts->t[ts->n].id);
		ts->t[ts->n].n = db_get_int(doc, "n");
		if (ts->t[ts->n].id[0] != '\0')
			ts->n++;
	}
	if (mongoc_cursor_error(cur, &be))
		db_fail(db, "aggregate", &be, e);
	else {
		qsort(ts->t, ts->n, sizeof(*ts->t), tally_cmp);
		rc = 0;
	}
	mongoc_cursor_destroy(cur);
	mongoc_collection_destroy(c);
	bson_destroy(&pipe);
	return rc;
}

/* One counter field of a document and the tally that says what it is. */
struct want {
	const char		*field;
	const struct tallies	*ts;
};

struct fix {
	struct db		*db;
	const char		*coll;
	const struct want	*w;
	size_t			 nw;
	int64_t			 fixed;
	int			 failed;
	struct verr		*e;
};

/* Set the fields of one document that differ from their tallies. */
static void
db_fix_each(const bson_t *doc, void *arg)
{
	struct fix	*f = arg;
	bson_t		 q = BSON_INITIALIZER, upd = BSON_INITIALIZER, set;
	char		 id[25];
	size_t		 i;
	int64_t		 want;
	int		 wrong = 0;

	if (f->failed)
		goto out;
	db_oidstr(doc, "_id", id);
	BSON_APPEND_DOCUMENT_BEGIN(&upd, "$set", &set);
	for (i = 0; i < f->nw; i++) {
		want = tally_get(f->w[i].ts, id);
		if (db_get_int(doc, f->w[i].field) != want) {
			BSON_APPEND_INT64(&set, f->w[i].field, want);
			wrong = 1;
		}
	}
	bson_append_document_end(&upd, &set);
	if (!wrong)
		goto out;
	f->fixed++;
	if (db_q_oid(&q, "_id", id, f->e) == -1) {
		f->failed = 1;
		goto out;
	}
	{
		mongoc_collection_t	*c;
		bson_error_t		 be;

		if ((c = db_coll(f->db, f->coll, f->e)) == NULL ||
		    !mongoc_collection_update_one(c, &q, &upd, NULL, NULL,
		    &be)) {
			if (c != NULL)
				db_fail(f->db, "update counters", &be, f->e);
			f->failed = 1;
		}
		mongoc_collection_destroy(c);
	}
out:
	bson_destroy(&q);
	bson_destroy(&upd);
}

/*
 * Index: none for the read (every document of coll once); _id for each
 *     update.
 */
static int
db_fix(struct db *db, const char *coll, const struct want *w, size_t nw,
    int64_t *fixed, struct verr *e)
{
	struct fix	 f = { db, coll, w, nw, 0, 0, e };
	bson_t		 q = BSON_INITIALIZER;

	if (db_each(db, coll, &q, NULL, db_fix_each, &f, e) < 0)
		f.failed = 1;
	bson_destroy(&q);
	*fixed += f.fixed;
	return f.failed ? -1 : 0;
}

int
db_recount(struct db *db, int64_t *fixed, struct verr *e)
{
	struct tallies	 likes, comments, reposts, posts, liked, followers;
	struct tallies	 following;
	bson_t		 isrepost = BSON_INITIALIZER, orig = BSON_INITIALIZER;
	bson_t		 ex;
	int		 rc = -1;

	memset(&likes, 0, sizeof(likes));
	comments = reposts = posts = liked = followers = following = likes;
	*fixed = 0;
	BSON_APPEND_DOCUMENT_BEGIN(&isrepost, "originalPostId", &ex);
	BSON_APPEND_BOOL(&ex, "$exists", true);
	bson_append_document_end(&isrepost, &ex);
	BSON_APPEND_DOCUMENT_BEGIN(&orig, "originalPostId", &ex);
	BSON_APPEND_BOOL(&ex, "$exists", false);
	bson_append_document_end(&orig, &ex);
	if (db_tally(db, "reactions", NULL, "postId", NULL, &likes, e) == -1 ||
	    db_tally(db, "comments", NULL, "postId", NULL, &comments, e) == -1 ||
	    db_tally(db, "posts", &isrepost, "originalPostId", NULL, &reposts,
	    e) == -1)
		goto out;
	{
		const struct want w[] = {
			{ "likeCount", &likes },
			{ "commentCount", &comments },
			{ "repostCount", &reposts },
		};

		if (db_fix(db, "posts", w, 3, fixed, e) == -1)
			goto out;
	}
	/* totalLikeCount sums the (now right) likeCount of originals. */
	if (db_tally(db, "posts", NULL, "userId", NULL, &posts, e) == -1 ||
	    db_tally(db, "posts", &orig, "userId", "likeCount", &liked,
	    e) == -1 ||
	    db_tally(db, "follows", NULL, "followingId", NULL, &followers,
	    e) == -1 ||
	    db_tally(db, "follows", NULL, "followerId", NULL, &following,
	    e) == -1)
		goto out;
	{
		const struct want w[] = {
			{ "postCount", &posts },
			{ "totalLikeCount", &liked },
			{ "followerCount", &followers },
			{ "followingCount", &following },
		};

		if (db_fix(db, "users", w, 4, fixed, e) == -1)
			goto out;
	}
	rc = 0;
out:
	free(likes.t);
	free(comments.t);
	free(reposts.t);
	free(posts.t);
	free(liked.t);
	free(followers.t);
	free(following.t);
	bson_destroy(&isrepost);
	bson_destroy(&orig);
	return rc;
}

/* Index: jobs _id (upsert). */
int
db_recount_request(struct db *db, struct verr *e)
{
	mongoc_collection_t	*c;
	bson_t			 q = BSON_INITIALIZER, upd = BSON_INITIALIZER;
	bson_t			 set, opts = BSON_INITIALIZER;
	bson_error_t		 be;
	int			 rc = -1;

	if ((c = db_coll(db, "jobs", e)) == NULL)
		goto out;
	BSON_APPEND_UTF8(&q, "_id", "recount");
	BSON_APPEND_DOCUMENT_BEGIN(&upd, "$set", &set);
	BSON_APPEND_DATE_TIME(&set, "requestedAt", json_now_ms());
	bson_append_document_end(&upd, &set);
	BSON_APPEND_BOOL(&opts, "upsert", true);
	if (!mongoc_collection_update_one(c, &q, &upd, &opts, NULL, &be))
		db_fail(db, "request recount", &be, e);
	else
		rc = 0;
out:
	mongoc_collection_destroy(c);
	bson_destroy(&q);
	bson_destroy(&upd);
	bson_destroy(&opts);
	return rc;
}

/* Index: jobs _id. */
int
db_recount_take(struct db *db, struct verr *e)
{
	bson_t	 q = BSON_INITIALIZER;
	int64_t	 n = 0;
	int	 rc;

	/* Deleting the request is the claim: one taker gets n == 1. */
	BSON_APPEND_UTF8(&q, "_id", "recount");
	rc = db_delete(db, "jobs", &q, 0, &n, e);
	bson_destroy(&q);
	return rc == -1 ? -1 : n > 0;
}
