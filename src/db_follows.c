/*
 * The follow graph.  The unique index on (followerId, followingId)
 * decides which of two concurrent follows creates the edge, and only that
 * request moves the counters, so followerCount and followingCount stay
 * exact.  Search matches prefixes with anchored, escaped regular
 * expressions on the lower-case copies username and nameLower, which an
 * index serves; suggestions count friends-of-friends with one
 * aggregation ($match, $group, $sort, $limit).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_follows.h"
#include "db_internal.h"
#include "json.h"
#include "verr.h"
#include "xmem.h"

/*
 * Index: follows {followerId: 1, followingId: 1} unique (the delete); users
 *     _id (the counters).
 */
int
db_follow_set(struct db *db, const char *a, const char *b, int on,
    int *changed, struct verr *e)
{
	bson_t	 doc = BSON_INITIALIZER;
	int	 rc = -1;

	*changed = 0;
	if (db_q_oid(&doc, "followerId", a, e) == -1 ||
	    db_q_oid(&doc, "followingId", b, e) == -1 ||
	    db_relation_set(db, "follows", &doc, on, changed, e) == -1)
		goto out;
	if (*changed && (db_inc(db, "users", a, "followingCount", on ? 1 : -1,
	    e) == -1 || db_inc(db, "users", b, "followerCount", on ? 1 : -1,
	    e) == -1))
		goto out;
	rc = 0;
out:
	bson_destroy(&doc);
	return rc;
}

struct db_ids {
	char	(*ids)[25];
	size_t	 n;
	const char *field;
};

static void
db_ids_each(const bson_t *doc, void *arg)
{
	struct db_ids	*d = arg;

	db_oidstr(doc, d->field, d->ids[d->n]);
	if (d->ids[d->n][0] != '\0')
		d->n++;
}

/* Index: follows {followerId: 1, _id: -1}. */
int
db_followees(struct db *db, const char *a, size_t max, char (**ids)[25],
    size_t *n, struct verr *e)
{
	bson_t		 q = BSON_INITIALIZER, opts = BSON_INITIALIZER, sort;
	struct db_ids	 d = { NULL, 0, "followingId" };
	int		 rc = -1;

	*ids = NULL;
	*n = 0;
	d.ids = xcalloc(max + 1, sizeof(*d.ids));
	if (db_q_oid(&q, "followerId", a, e) == -1)
		goto out;
	BSON_APPEND_DOCUMENT_BEGIN(&opts, "sort", &sort);
	BSON_APPEND_INT32(&sort, "_id", -1);
	bson_append_document_end(&opts, &sort);
	BSON_APPEND_INT64(&opts, "limit", (int64_t)max);
	if (db_each(db, "follows", &q, &opts, db_ids_each, &d, e) < 0)
		goto out;
	*ids = d.ids;
	*n = d.n;
	d.ids = NULL;
	rc = 0;
out:
	free(d.ids);
	bson_destroy(&q);
	bson_destroy(&opts);
	return rc;
}

/*
 * Index: follows {followingId: 1, createdAt: -1, _id: -1} (followers) or
 *     {followerId: 1, followingId: 1} unique (followees).
 */
int
db_follow_ids(struct db *db, const char *user, int followers,
    void (*fn)(const char *, void *), void *arg, struct verr *e)
{
	bson_t	 q = BSON_INITIALIZER;
	int	 rc = -1;

	if (db_q_oid(&q, followers ? "followingId" : "followerId", user,
	    e) == 0)
		rc = db_each_id(db, "follows", &q, followers ? "followerId" :
		    "followingId", fn, arg, e);
	bson_destroy(&q);
	return rc < 0 ? -1 : 0;
}

struct db_fl {
	void		(*fn)(const char *, int64_t, const char *, void *);
	void		*arg;
	const char	*field;
};

static void
db_fl_each(const bson_t *doc, void *arg)
{
	struct db_fl	*f = arg;
	char		 uid[25], fid[25];

	db_oidstr(doc, f->field, uid);
	db_oidstr(doc, "_id", fid);
	f->fn(uid, db_get_int(doc, "createdAt"), fid, f->arg);
}

/*
 * Index: follows {followingId: 1, createdAt: -1, _id: -1} (followers) or
 *     {followerId: 1, createdAt: -1, _id: -1} (followees).
 */
int
db_follow_list(struct db *db, const char *user, int followers,
    const struct db_page *pg,
    void (*fn)(const char *, int64_t, const char *, void *), void *arg,
    struct verr *e)
{
	struct db_fl	 f = { fn, arg, followers ? "followerId" : "followingId" };

	return db_each_page(db, "follows", followers ? "followingId" :
	    "followerId", user, pg, db_fl_each, &f, e);
}

/* "^" + `s' with every regular-expression metacharacter escaped. */
static void
db_regex_prefix(const char *s, char *out, size_t outsz)
{
	size_t	 o = 0;

	out[o++] = '^';
	for (; *s != '\0' && o + 3 < outsz; s++) {
		if (strchr("\\^$.|?*+()[]{}/-", *s) != NULL)
			out[o++] = '\\';
		out[o++] = *s;
	}
	out[o] = '\0';
}

struct db_srch {
	void	(*fn)(const char *, const char *, int, void *);
	void	*arg;
	int	 group;
};

static void
db_srch_each(const bson_t *doc, void *arg)
{
	struct db_srch	*s = arg;
	char		 uid[25], un[32];

	db_oidstr(doc, "_id", uid);
	db_get_str(doc, "username", un, sizeof(un));
	s->fn(uid, un, s->group, s->arg);
}

/*
 * Index: users {username: 1} (range and sort); users {nameLower: 1} serves
 *     the second query's filter only: its sort on username is done in memory
 *     over the names with that prefix.
 */
int
db_user_search(struct db *db, const char *prefix, size_t max,
    void (*fn)(const char *, const char *, int, void *), void *arg,
    struct verr *e)
{
	static const char *const fields[] = { "username", "nameLower" };
	bson_t		 q, opts, sort, proj;
	struct db_srch	 s = { fn, arg, 0 };
	char		 re[512];
	size_t		 i;
	int		 rc = 0;

	db_regex_prefix(prefix, re, sizeof(re));
	for (i = 0; i < 2 && rc == 0; i++) {
		bson_init(&q);
		bson_init(&opts);
		/* Anchored and case-sensitive on a lower-case copy: indexed. */
		BSON_APPEND_REGEX(&q, fields[i], re, "");
		BSON_APPEND_DOCUMENT_BEGIN(&opts, "sort", &sort);
		BSON_APPEND_INT32(&sort, "username", 1);
		bson_append_document_end(&opts, &sort);
		BSON_APPEND_DOCUMENT_BEGIN(&opts, "projection", &proj);
		BSON_APPEND_INT32(&proj, "username", 1);
		bson_append_document_end(&opts, &proj);
		BSON_APPEND_INT64(&opts, "limit", (int64_t)max);
		s.group = (int)i + 1;
		rc = db_each(db, "users", &q, &opts, db_srch_each, &s, e) < 0 ?
		    -1 : 0;
		bson_destroy(&q);
		bson_destroy(&opts);
	}
	return rc;
}

/* Append {field: {$nin: [ids..., also]}} to q. */
static int
db_nin(bson_t *q, const char *field, const char *const *ids, size_t n,
    const char *also, struct verr *e)
{
	bson_t		 f, nin;
	bson_oid_t	 oid;
	const char	*key;
	char		 buf[16];
	size_t		 i;

	BSON_APPEND_DOCUMENT_BEGIN(q, field, &f);
	BSON_APPEND_ARRAY_BEGIN(&f, "$nin", &nin);
	for (i = 0; i <= n; i++) {
		if (db_parse_oid(i < n ? ids[i] : also, &oid, e) == -1)
			return -1;
		bson_uint32_to_string((uint32_t)i, &key, buf, sizeof(buf));
		BSON_APPEND_OID(&nin, key, &oid);
	}
	bson_append_array_end(&f, &nin);
	bson_append_document_end(q, &f);
	return 0;
}

struct db_cand {
	void	(*fn)(const char *, int64_t, void *);
	void	*arg;
};

static void
db_cand_each(const bson_t *doc, void *arg)
{
	struct db_cand	*c = arg;
	char		 uid[25];

	db_oidstr(doc, "_id", uid);
	c->fn(uid, db_get_int(doc, "n"), c->arg);
}

/*
 * Index: follows {followerId: 1, followingId: 1} unique ($match: followerId
 *     $in, followingId $nin on the index keys); $group, $sort and $limit
 *     work in memory on the followees' edges.
 */
int
db_follow_candidates(struct db *db, const char *me,
    const char *const *followees, size_t n, size_t max,
    void (*fn)(const char *, int64_t, void *), void *arg, struct verr *e)
{
	mongoc_collection_t	*c = NULL;
	mongoc_cursor_t		*cur = NULL;
	const bson_t		*doc;
	bson_t			 pipe = BSON_INITIALIZER, st, m, g, sum;
	bson_t			 arr, sort;
	struct db_cand		 cb = { fn, arg };
	bson_error_t		 be;
	int			 rc = -1;

	if (n == 0)
		return 0;
	if ((c = db_coll(db, "follows", e)) == NULL)
		goto out;
	BSON_APPEND_ARRAY_BEGIN(&pipe, "pipeline", &arr);
	BSON_APPEND_DOCUMENT_BEGIN(&arr, "0", &st);
	BSON_APPEND_DOCUMENT_BEGIN(&st, "$match", &m);
	if (db_q_in(&m, "followerId", followees, n, e) == -1)
		goto out;
	/* Not me, not already followed. */
	if (db_nin(&m, "followingId", followees, n, me, e) == -1)
		goto out;
	bson_append_document_end(&st, &m);
	bson_append_document_end(&arr, &st);
	BSON_APPEND_DOCUMENT_BEGIN(&arr, "1", &st);
	BSON_APPEND_DOCUMENT_BEGIN(&st, "$group", &g);
	BSON_APPEND_UTF8(&g, "_id", "$followingId");
	BSON_APPEND_DOCUMENT_BEGIN(&g, "n", &sum);
	BSON_APPEND_INT32(&sum, "$sum", 1);
	bson_append_document_end(&g, &sum);
	bson_append_document_end(&st, &g);
	bson_append_document_end(&arr, &st);
	BSON_APPEND_DOCUMENT_BEGIN(&arr, "2", &st);
	BSON_APPEND_DOCUMENT_BEGIN(&st, "$sort", &sort);
	BSON_APPEND_INT32(&sort, "n", -1);
	BSON_APPEND_INT32(&sort, "_id", 1);
	bson_append_document_end(&st, &sort);
	bson_append_document_end(&arr, &st);
	BSON_APPEND_DOCUMENT_BEGIN(&arr, "3", &st);
	BSON_APPEND_INT64(&st, "$limit", (int64_t)max);
	bson_append_document_end(&arr, &st);
	bson_append_array_end(&pipe, &arr);
	cur = mongoc_collection_aggregate(c, MONGOC_QUERY_NONE, &pipe, NULL,
	    NULL);
	while (mongoc_cursor_next(cur, &doc))
		db_cand_each(doc, &cb);
	if (mongoc_cursor_error(cur, &be)) {
		db_fail(db, "aggregate follows", &be, e);
		goto out;
	}
	rc = 0;
out:
	mongoc_cursor_destroy(cur);
	mongoc_collection_destroy(c);
	bson_destroy(&pipe);
	return rc;
}

/*
 * Index: users {followerCount: -1, _id: 1}, walked in sort order ($nin on
 *     _id checked on the keys).
 */
int
db_user_most_followed(struct db *db, const char *me,
    const char *const *exclude, size_t n, size_t max,
    void (*fn)(const char *, int64_t, void *), void *arg, struct verr *e)
{
	bson_t		 q = BSON_INITIALIZER, opts = BSON_INITIALIZER;
	bson_t		 sort, proj;
	struct db_cand	 cb = { fn, arg };
	int		 rc = -1;

	if (db_nin(&q, "_id", exclude, n, me, e) == -1)
		goto out;
	BSON_APPEND_DOCUMENT_BEGIN(&opts, "sort", &sort);
	BSON_APPEND_INT32(&sort, "followerCount", -1);
	BSON_APPEND_INT32(&sort, "_id", 1);
	bson_append_document_end(&opts, &sort);
	BSON_APPEND_DOCUMENT_BEGIN(&opts, "projection", &proj);
	BSON_APPEND_INT32(&proj, "_id", 1);
	bson_append_document_end(&opts, &proj);
	BSON_APPEND_INT64(&opts, "limit", (int64_t)max);
	rc = db_each(db, "users", &q, &opts, db_cand_each, &cb, e) < 0 ? -1 : 0;
out:
	bson_destroy(&q);
	bson_destroy(&opts);
	return rc;
}

/* Index: users {followerCount: -1, _id: 1} (range on its first key). */
int
db_user_followed_over(struct db *db, int64_t min,
    void (*fn)(const char *, void *), void *arg, struct verr *e)
{
	bson_t	 q = BSON_INITIALIZER, gt;
	int	 rc;

	BSON_APPEND_DOCUMENT_BEGIN(&q, "followerCount", &gt);
	BSON_APPEND_INT64(&gt, "$gt", min);
	bson_append_document_end(&q, &gt);
	rc = db_each_id(db, "users", &q, "_id", fn, arg, e);
	bson_destroy(&q);
	return rc < 0 ? -1 : 0;
}
