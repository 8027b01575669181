/*
 * Account purges.  Every step is a delete or a recomputation by the
 * user's id, so a purge cut short by a crash is finished by running it
 * again, and running a finished one again changes nothing.  The journal
 * is written before the first removal: what the removals take (likes,
 * comments, reposts, follows) can no longer tell later whose counters
 * they moved.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_internal.h"
#include "db_purge.h"
#include "json.h"
#include "verr.h"
#include "xmem.h"

#define PURGES	"purges"

/* A growing set of ids (repeats dropped when stored). */
struct idl {
	char	(*ids)[25];
	size_t	  n, cap;
};

static void
idl_add(const char *id, void *arg)
{
	struct idl	*l = arg;
	size_t		 i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->ids[i], id) == 0)
			return;
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 64;
		l->ids = xreallocarray(l->ids, l->cap, sizeof(*l->ids));
	}
	memcpy(l->ids[l->n++], id, 25);
}

/* The n ids of l as a const char * array (malloc'd). */
static const char **
idl_ptrs(const struct idl *l)
{
	const char	**p;
	size_t		  i;

	p = xcalloc(l->n + 1, sizeof(*p));
	for (i = 0; i < l->n; i++)
		p[i] = l->ids[i];
	return p;
}

void
db_purge_clear(struct purge *p)
{
	free(p->posts);
	free(p->users);
	memset(p, 0, sizeof(*p));
}

/* Index: users {state: 1} sparse (deletedAt residual). */
int
db_purge_due(struct db *db, int64_t before_ms,
    void (*fn)(const char *, void *), void *arg, struct verr *e)
{
	bson_t	 q = BSON_INITIALIZER, lte;
	int	 rc;

	BSON_APPEND_UTF8(&q, "state", "deleted");
	BSON_APPEND_DOCUMENT_BEGIN(&q, "deletedAt", &lte);
	BSON_APPEND_DATE_TIME(&lte, "$lte", before_ms);
	bson_append_document_end(&q, &lte);
	rc = db_each_id(db, "users", &q, "_id", fn, arg, e);
	bson_destroy(&q);
	return rc < 0 ? -1 : 0;
}

/* fn(value of field) for each document of coll with {key: uid}. */
static int
db_purge_ids(struct db *db, const char *coll, const char *key,
    const char *uid, const char *field, struct idl *l, struct verr *e)
{
	bson_t	 q = BSON_INITIALIZER;
	int	 rc = -1;

	if (db_q_oid(&q, key, uid, e) == 0)
		rc = db_each_id(db, coll, &q, field, idl_add, l, e);
	bson_destroy(&q);
	return rc < 0 ? -1 : 0;
}

/* The _ids of uid's original posts. Index: posts {userId: 1, ...}. */
static int
db_purge_originals(struct db *db, const char *uid, struct idl *l,
    struct verr *e)
{
	bson_t	 q = BSON_INITIALIZER, ex;
	int	 rc = -1;

	if (db_q_oid(&q, "userId", uid, e) == 0) {
		BSON_APPEND_DOCUMENT_BEGIN(&q, "originalPostId", &ex);
		BSON_APPEND_BOOL(&ex, "$exists", false);
		bson_append_document_end(&q, &ex);
		rc = db_each_id(db, "posts", &q, "_id", idl_add, l, e);
	}
	bson_destroy(&q);
	return rc < 0 ? -1 : 0;
}

/* fn(field) of the documents of coll whose `key' is among the ids of in. */
static int
db_purge_ids_in(struct db *db, const char *coll, const char *key,
    const struct idl *in, const char *field, struct idl *l, struct verr *e)
{
	bson_t		 q = BSON_INITIALIZER;
	const char	**p;
	int		  rc = 0;

	if (in->n == 0)
		return 0;
	p = idl_ptrs(in);
	if (db_q_in(&q, key, p, in->n, e) == -1 ||
	    db_each_id(db, coll, &q, field, idl_add, l, e) < 0)
		rc = -1;
	free(p);
	bson_destroy(&q);
	return rc;
}

static void
db_purge_arr(bson_t *doc, const char *name, const struct idl *l)
{
	bson_t		 arr;
	bson_oid_t	 oid;
	const char	*key;
	char		 buf[16];
	size_t		 i;

	BSON_APPEND_ARRAY_BEGIN(doc, name, &arr);
	for (i = 0; i < l->n; i++) {
		bson_oid_init_from_string(&oid, l->ids[i]);
		bson_uint32_to_string((uint32_t)i, &key, buf, sizeof(buf));
		BSON_APPEND_OID(&arr, key, &oid);
	}
	bson_append_array_end(doc, &arr);
}

static void
db_purge_read_arr(const bson_t *doc, const char *name, struct idl *l)
{
	bson_iter_t	 it, a;
	char		 id[25];

	if (!bson_iter_init_find(&it, doc, name) ||
	    !BSON_ITER_HOLDS_ARRAY(&it) || !bson_iter_recurse(&it, &a))
		return;
	while (bson_iter_next(&a))
		if (BSON_ITER_HOLDS_OID(&a)) {
			bson_oid_to_string(bson_iter_oid(&a), id);
			idl_add(id, l);
		}
}

struct jread {
	struct idl	 posts, users;
};

static void
db_purge_conv(const bson_t *doc, void *arg)
{
	struct jread	*j = arg;

	db_purge_read_arr(doc, "posts", &j->posts);
	db_purge_read_arr(doc, "users", &j->users);
}

/*
 * Index: reactions {userId: 1, ...}, comments {userId: 1}, posts
 *     {userId: 1, ...}, {originalPostId: 1, userId: 1} and _id ($in),
 *     follows {followerId: 1, ...} and {followingId: 1, ...}, purges _id.
 */
int
db_purge_journal(struct db *db, const char *uid, struct purge *p,
    struct verr *e)
{
	mongoc_collection_t	*c = NULL;
	struct jread		 j;
	struct idl		 orig = { NULL, 0, 0 };
	bson_t			 doc = BSON_INITIALIZER;
	bson_error_t		 be;
	struct verr		 fe;
	int			 rc = -1;

	memset(&j, 0, sizeof(j));
	memset(p, 0, sizeof(*p));
	verr_init(&fe);
	if (db_find_id(db, PURGES, uid, db_purge_conv, &j, &fe) == 0)
		goto done;
	if (fe.status != 404) {
		*e = fe;
		goto out;
	}
	if (db_purge_ids(db, "reactions", "userId", uid, "postId", &j.posts,
	    e) == -1 ||
	    db_purge_ids(db, "comments", "userId", uid, "postId", &j.posts,
	    e) == -1 ||
	    db_purge_ids(db, "posts", "userId", uid, "originalPostId",
	    &j.posts, e) == -1 ||
	    db_purge_ids(db, "follows", "followerId", uid, "followingId",
	    &j.users, e) == -1 ||
	    db_purge_ids(db, "follows", "followingId", uid, "followerId",
	    &j.users, e) == -1 ||
	    db_purge_ids_in(db, "posts", "_id", &j.posts, "userId", &j.users,
	    e) == -1 ||
	    db_purge_originals(db, uid, &orig, e) == -1 ||
	    db_purge_ids_in(db, "posts", "originalPostId", &orig, "userId",
	    &j.users, e) == -1 ||
	    (c = db_coll(db, PURGES, e)) == NULL)
		goto out;
	if (db_q_oid(&doc, "_id", uid, e) == -1)
		goto out;
	db_purge_arr(&doc, "posts", &j.posts);
	db_purge_arr(&doc, "users", &j.users);
	BSON_APPEND_DATE_TIME(&doc, "createdAt", json_now_ms());
	/* Two purges at once: the first journal stands, both use it. */
	if (!mongoc_collection_insert_one(c, &doc, NULL, NULL, &be)) {
		if (be.code != DB_DUPKEY) {
			db_fail(db, "insert purges", &be, e);
			goto out;
		}
		free(j.posts.ids);
		free(j.users.ids);
		memset(&j, 0, sizeof(j));
		if (db_find_id(db, PURGES, uid, db_purge_conv, &j, e) == -1)
			goto out;
	}
done:
	p->posts = j.posts.ids;
	p->nposts = j.posts.n;
	p->users = j.users.ids;
	p->nusers = j.users.n;
	memset(&j, 0, sizeof(j));
	rc = 0;
out:
	free(j.posts.ids);
	free(j.users.ids);
	free(orig.ids);
	mongoc_collection_destroy(c);
	bson_destroy(&doc);
	return rc;
}

struct mkeys {
	void	(*fn)(const char *, void *);
	void	*arg;
};

static void
db_purge_key(const bson_t *doc, void *arg)
{
	struct mkeys	*m = arg;
	char		 key[160];

	db_get_str(doc, "mediaKey", key, sizeof(key));
	if (key[0] != '\0')
		m->fn(key, m->arg);
}

/* Index: posts or stories {userId: 1, ...}. */
int
db_purge_media(struct db *db, const char *uid, int stories,
    void (*fn)(const char *, void *), void *arg, struct verr *e)
{
	struct mkeys	 m = { fn, arg };
	bson_t		 q = BSON_INITIALIZER;
	int		 rc = -1;

	if (db_q_oid(&q, "userId", uid, e) == 0)
		rc = db_each(db, stories ? "stories" : "posts", &q, NULL,
		    db_purge_key, &m, e);
	bson_destroy(&q);
	return rc < 0 ? -1 : 0;
}

/* Delete the documents of coll with {key: id}; add how many to *n. */
static int
db_purge_del(struct db *db, const char *coll, const char *key,
    const char *id, int64_t *n, struct verr *e)
{
	bson_t	 q = BSON_INITIALIZER;
	int64_t	 k = 0;
	int	 rc = -1;

	if (db_q_oid(&q, key, id, e) == 0 &&
	    db_delete(db, coll, &q, 1, &k, e) == 0) {
		*n += k;
		rc = 0;
	}
	bson_destroy(&q);
	return rc;
}

/*
 * Index: posts {userId: 1, ...} and {originalPostId: 1, ...}, comments
 *     {postId: 1, ...} and {userId: 1}, reactions {postId: 1} and {userId:
 *     1, ...}, bookmarks alike, follows both ways, notifications {postId:
 *     1, ...}, {userId: 1, ...} and {actorId: 1}, stories {userId: 1, ...},
 *     sessions {user_id: 1, ...}, reports {reporterId: 1}, blocks and mutes
 *     {userId: 1, ...} and {targetId: 1, ...}.
 */
int
db_purge_remove(struct db *db, const char *uid, int64_t *n, struct verr *e)
{
	static const struct {
		const char	*coll, *key;
	} own[] = {
		{ "posts", "userId" }, { "comments", "userId" },
		{ "reactions", "userId" }, { "bookmarks", "userId" },
		{ "follows", "followerId" }, { "follows", "followingId" },
		{ "notifications", "userId" }, { "notifications", "actorId" },
		{ "stories", "userId" }, { "sessions", "user_id" },
		{ "reports", "reporterId" }, { "blocks", "userId" },
		{ "blocks", "targetId" }, { "mutes", "userId" },
		{ "mutes", "targetId" },
	};
	static const char *const hanging[] = {
		"comments", "reactions", "bookmarks", "notifications"
	};
	struct idl	 orig = { NULL, 0, 0 };
	const char	**p = NULL;
	bson_t		 q = BSON_INITIALIZER;
	size_t		 i;
	int64_t		 k;
	int		 rc = -1;

	*n = 0;
	/* What hangs off the originals goes while they can still be found. */
	if (db_purge_originals(db, uid, &orig, e) == -1)
		goto out;
	p = idl_ptrs(&orig);
	if (orig.n > 0) {
		if (db_q_in(&q, "originalPostId", p, orig.n, e) == -1 ||
		    db_delete(db, "posts", &q, 1, &k, e) == -1)
			goto out;
		*n += k;
		for (i = 0; i < sizeof(hanging) / sizeof(hanging[0]); i++) {
			bson_reinit(&q);
			if (db_q_in(&q, "postId", p, orig.n, e) == -1 ||
			    db_delete(db, hanging[i], &q, 1, &k, e) == -1)
				goto out;
			*n += k;
		}
	}
	for (i = 0; i < sizeof(own) / sizeof(own[0]); i++)
		if (db_purge_del(db, own[i].coll, own[i].key, uid, n, e) == -1)
			goto out;
	rc = 0;
out:
	free(p);
	free(orig.ids);
	bson_destroy(&q);
	return rc;
}

/* The number of documents of coll matching q into *n. */
static int
db_purge_count(struct db *db, const char *coll, const bson_t *q, int64_t *n,
    struct verr *e)
{
	mongoc_collection_t	*c;
	bson_error_t		 be;
	int			 rc = 0;

	if ((c = db_coll(db, coll, e)) == NULL)
		return -1;
	if ((*n = mongoc_collection_count_documents(c, q, NULL, NULL, NULL,
	    &be)) < 0)
		rc = db_fail(db, "count", &be, e);
	mongoc_collection_destroy(c);
	return rc;
}

/* count of {key: id} (with reactionType like when `like') into *n. */
static int
db_purge_count_of(struct db *db, const char *coll, const char *key,
    const char *id, int like, int64_t *n, struct verr *e)
{
	bson_t	 q = BSON_INITIALIZER;
	int	 rc = -1;

	if (db_q_oid(&q, key, id, e) == 0) {
		if (like)
			BSON_APPEND_UTF8(&q, "reactionType", "like");
		rc = db_purge_count(db, coll, &q, n, e);
	}
	bson_destroy(&q);
	return rc;
}

static void
db_purge_sum(const bson_t *doc, void *arg)
{
	*(int64_t *)arg += db_get_int(doc, "likeCount");
}

/* $set the n fields of document id of coll to vals where they differ. */
static int
db_purge_fix(struct db *db, const char *coll, const char *id,
    const char *const *fields, const int64_t *vals, size_t n,
    struct verr *e)
{
	mongoc_collection_t	*c = NULL;
	bson_t			 q = BSON_INITIALIZER, upd = BSON_INITIALIZER;
	bson_t			 set, or, d;
	bson_error_t		 be;
	const char		*key;
	char			 buf[16];
	size_t			 i;
	int			 rc = -1;

	if (db_q_oid(&q, "_id", id, e) == -1 ||
	    (c = db_coll(db, coll, e)) == NULL)
		goto out;
	/* Written only when one differs: a healthy purge writes nothing. */
	BSON_APPEND_ARRAY_BEGIN(&q, "$or", &or);
	for (i = 0; i < n; i++) {
		bson_uint32_to_string((uint32_t)i, &key, buf, sizeof(buf));
		BSON_APPEND_DOCUMENT_BEGIN(&or, key, &d);
		BSON_APPEND_DOCUMENT_BEGIN(&d, fields[i], &set);
		BSON_APPEND_INT64(&set, "$ne", vals[i]);
		bson_append_document_end(&d, &set);
		bson_append_document_end(&or, &d);
	}
	bson_append_array_end(&q, &or);
	BSON_APPEND_DOCUMENT_BEGIN(&upd, "$set", &set);
	for (i = 0; i < n; i++)
		BSON_APPEND_INT64(&set, fields[i], vals[i]);
	bson_append_document_end(&upd, &set);
	if (db_lock(db, coll, id, e) == -1)
		goto out;
	if (!mongoc_collection_update_one(c, &q, &upd, NULL, NULL, &be))
		db_fail(db, "fix counters", &be, e);
	else
		rc = 0;
	db_unlock(db, coll, id);
out:
	mongoc_collection_destroy(c);
	bson_destroy(&q);
	bson_destroy(&upd);
	return rc;
}

/*
 * Index: reactions {postId: 1}, comments {postId: 1, ...}, posts
 *     {originalPostId: 1, ...} and {userId: 1, ...}, follows both ways;
 *     _id for the updates.
 */
int
db_purge_recount(struct db *db, const struct purge *p, struct verr *e)
{
	static const char *const pf[] = {
		"likeCount", "commentCount", "repostCount"
	};
	static const char *const uf[] = {
		"postCount", "followerCount", "followingCount", "totalLikeCount"
	};
	bson_t		 q = BSON_INITIALIZER, ex;
	int64_t		 v[4];
	size_t		 i;
	int		 rc = -1;

	for (i = 0; i < p->nposts; i++)
		if (db_purge_count_of(db, "reactions", "postId", p->posts[i],
		    1, &v[0], e) == -1 ||
		    db_purge_count_of(db, "comments", "postId", p->posts[i],
		    0, &v[1], e) == -1 ||
		    db_purge_count_of(db, "posts", "originalPostId",
		    p->posts[i], 0, &v[2], e) == -1 ||
		    db_purge_fix(db, "posts", p->posts[i], pf, v, 3, e) == -1)
			goto out;
	for (i = 0; i < p->nusers; i++) {
		v[3] = 0;
		bson_reinit(&q);
		if (db_purge_count_of(db, "posts", "userId", p->users[i], 0,
		    &v[0], e) == -1 ||
		    db_purge_count_of(db, "follows", "followingId",
		    p->users[i], 0, &v[1], e) == -1 ||
		    db_purge_count_of(db, "follows", "followerId", p->users[i],
		    0, &v[2], e) == -1 ||
		    db_q_oid(&q, "userId", p->users[i], e) == -1)
			goto out;
		BSON_APPEND_DOCUMENT_BEGIN(&q, "originalPostId", &ex);
		BSON_APPEND_BOOL(&ex, "$exists", false);
		bson_append_document_end(&q, &ex);
		if (db_each(db, "posts", &q, NULL, db_purge_sum, &v[3], e) < 0 ||
		    db_purge_fix(db, "users", p->users[i], uf, v, 4, e) == -1)
			goto out;
	}
	rc = 0;
out:
	bson_destroy(&q);
	return rc;
}

/* Index: _id of purges and users. */
int
db_purge_finish(struct db *db, const char *uid, struct verr *e)
{
	return db_delete_id(db, PURGES, uid, e) == -1 ||
	    db_delete_id(db, "users", uid, e) == -1 ? -1 : 0;
}
