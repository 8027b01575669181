/*
 * The sessions store.  Field names are the reference's snake_case ones
 * (API.md Appendix B) except that the refresh token lives only as
 * refresh_token_hash, and the hashes it rotated away are kept in
 * rotated_hashes so that a replayed old token is recognised (3.1.4).
 * Rotation is one conditional update: of two refreshes racing with the
 * same token, exactly one matches; the other sees a rotated token.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_internal.h"
#include "db_sessions.h"
#include "verr.h"
#include "xmem.h"

/* Rotated hashes kept per session: enough to catch any realistic replay. */
#define ROTATED_KEEP	50

static void
db_session_from_bson(const bson_t *doc, void *out)
{
	struct session	*s = out;
	bson_iter_t	 it;

	memset(s, 0, sizeof(*s));
	if (bson_iter_init_find(&it, doc, "_id") && BSON_ITER_HOLDS_OID(&it))
		bson_oid_to_string(bson_iter_oid(&it), s->id);
	if (bson_iter_init_find(&it, doc, "user_id") &&
	    BSON_ITER_HOLDS_OID(&it))
		bson_oid_to_string(bson_iter_oid(&it), s->user_id);
	db_get_str(doc, "user_agent", s->user_agent, sizeof(s->user_agent));
	db_get_str(doc, "client_ip", s->client_ip, sizeof(s->client_ip));
	s->is_blocked = bson_iter_init_find(&it, doc, "is_blocked") &&
	    bson_iter_as_bool(&it);
	s->expires_ms = db_get_int(doc, "expires_at");
	s->created_ms = db_get_int(doc, "created_at");
}

int
db_session_create(struct db *db, struct session *s, const char *rth,
    struct verr *e)
{
	mongoc_collection_t	*c;
	bson_t			 doc = BSON_INITIALIZER, arr;
	bson_oid_t		 oid, uid;
	bson_error_t		 be;
	int			 rc = -1;

	if (db_parse_oid(s->user_id, &uid, e) == -1 ||
	    (c = db_coll(db, "sessions", e)) == NULL) {
		bson_destroy(&doc);
		return -1;
	}
	bson_oid_init(&oid, NULL);
	BSON_APPEND_OID(&doc, "_id", &oid);
	BSON_APPEND_OID(&doc, "user_id", &uid);
	BSON_APPEND_UTF8(&doc, "refresh_token_hash", rth);
	BSON_APPEND_ARRAY_BEGIN(&doc, "rotated_hashes", &arr);
	bson_append_array_end(&doc, &arr);
	BSON_APPEND_UTF8(&doc, "user_agent", s->user_agent);
	BSON_APPEND_UTF8(&doc, "client_ip", s->client_ip);
	BSON_APPEND_BOOL(&doc, "is_blocked", false);
	BSON_APPEND_DATE_TIME(&doc, "expires_at", s->expires_ms);
	BSON_APPEND_DATE_TIME(&doc, "created_at", s->created_ms);
	if (!mongoc_collection_insert_one(c, &doc, NULL, NULL, &be))
		db_fail(db, "insert sessions", &be, e);
	else {
		bson_oid_to_string(&oid, s->id);
		rc = 0;
	}
	mongoc_collection_destroy(c);
	bson_destroy(&doc);
	return rc;
}

/* Index: sessions _id. */
int
db_session_get(struct db *db, const char *id, struct session *s,
    struct verr *e)
{
	return db_find_id(db, "sessions", id, db_session_from_bson, s, e);
}

/*
 * Index: sessions {refresh_token_hash: 1} unique, then {rotated_hashes: 1}
 *     (multikey).
 */
int
db_session_by_refresh(struct db *db, const char *rth, struct session *s,
    int *reused, struct verr *e)
{
	bson_t		 q = BSON_INITIALIZER;
	struct verr	 nf;
	int		 rc;

	*reused = 0;
	BSON_APPEND_UTF8(&q, "refresh_token_hash", rth);
	verr_init(&nf);
	rc = db_find_one(db, "sessions", &q, db_session_from_bson, s, &nf);
	bson_destroy(&q);
	if (rc == 0 || nf.status != 404) {
		if (rc == -1)
			*e = nf;
		return rc;
	}
	bson_init(&q);
	BSON_APPEND_UTF8(&q, "rotated_hashes", rth);
	rc = db_find_one(db, "sessions", &q, db_session_from_bson, s, e);
	bson_destroy(&q);
	if (rc == 0)
		*reused = 1;
	return rc;
}

/*
 * update_one (or with `many' update_many) q with upd on sessions, under
 * the lock of session `id' when given: 1 matched, 0 not, -1 error.
 */
static int
db_session_update(struct db *db, const char *id, const bson_t *q,
    const bson_t *upd, int many, struct verr *e)
{
	mongoc_collection_t	*c;
	bson_t			 reply;
	bson_error_t		 be;
	bson_iter_t		 it;
	int			 rc = -1;
	bool			 ok;

	if ((c = db_coll(db, "sessions", e)) == NULL)
		return -1;
	if (id != NULL && db_lock(db, "sessions", id, e) == -1) {
		mongoc_collection_destroy(c);
		return -1;
	}
	bson_init(&reply);
	ok = many ? mongoc_collection_update_many(c, q, upd, NULL, &reply, &be) :
	    mongoc_collection_update_one(c, q, upd, NULL, &reply, &be);
	if (id != NULL)
		db_unlock(db, "sessions", id);
	if (!ok)
		db_fail(db, "update sessions", &be, e);
	else
		rc = bson_iter_init_find(&it, &reply, "matchedCount") &&
		    bson_iter_as_int64(&it) > 0;
	bson_destroy(&reply);
	mongoc_collection_destroy(c);
	return rc;
}

/* Index: sessions _id; the other conditions are checked on that document. */
int
db_session_rotate(struct db *db, const char *id, const char *old,
    const char *new, int64_t expires_ms, struct verr *e)
{
	bson_t		 q = BSON_INITIALIZER, upd = BSON_INITIALIZER;
	bson_t		 set, push, each, arr;
	bson_oid_t	 oid;
	int		 rc;

	if (db_parse_oid(id, &oid, e) == -1) {
		bson_destroy(&q);
		bson_destroy(&upd);
		return -1;
	}
	BSON_APPEND_OID(&q, "_id", &oid);
	BSON_APPEND_UTF8(&q, "refresh_token_hash", old);
	BSON_APPEND_BOOL(&q, "is_blocked", false);
	BSON_APPEND_DOCUMENT_BEGIN(&upd, "$set", &set);
	BSON_APPEND_UTF8(&set, "refresh_token_hash", new);
	BSON_APPEND_DATE_TIME(&set, "expires_at", expires_ms);
	bson_append_document_end(&upd, &set);
	BSON_APPEND_DOCUMENT_BEGIN(&upd, "$push", &push);
	BSON_APPEND_DOCUMENT_BEGIN(&push, "rotated_hashes", &each);
	BSON_APPEND_ARRAY_BEGIN(&each, "$each", &arr);
	BSON_APPEND_UTF8(&arr, "0", old);
	bson_append_array_end(&each, &arr);
	BSON_APPEND_INT32(&each, "$slice", -ROTATED_KEEP);
	bson_append_document_end(&push, &each);
	bson_append_document_end(&upd, &push);
	rc = db_session_update(db, id, &q, &upd, 0, e);
	bson_destroy(&q);
	bson_destroy(&upd);
	return rc;
}

/* {$set: {is_blocked: true}} into upd. */
static void
db_session_blocked(bson_t *upd)
{
	bson_t	 set;

	BSON_APPEND_DOCUMENT_BEGIN(upd, "$set", &set);
	BSON_APPEND_BOOL(&set, "is_blocked", true);
	bson_append_document_end(upd, &set);
}

/* Index: sessions _id. */
int
db_session_block(struct db *db, const char *id, const char *user_id,
    struct verr *e)
{
	bson_t		 q = BSON_INITIALIZER, upd = BSON_INITIALIZER;
	bson_oid_t	 oid, uid;
	int		 rc = -1;

	if (db_parse_oid(id, &oid, e) == -1 ||
	    (user_id != NULL && db_parse_oid(user_id, &uid, e) == -1))
		goto out;
	BSON_APPEND_OID(&q, "_id", &oid);
	if (user_id != NULL)
		BSON_APPEND_OID(&q, "user_id", &uid);
	db_session_blocked(&upd);
	if ((rc = db_session_update(db, id, &q, &upd, 0, e)) == 0) {
		verr_set(e, 404, "not_found", "Session not found");
		rc = -1;
	} else if (rc == 1)
		rc = 0;
out:
	bson_destroy(&q);
	bson_destroy(&upd);
	return rc;
}

struct db_sids {
	char	(*ids)[25];
	size_t	 n, cap;
};

static void
db_sids_each(const bson_t *doc, void *arg)
{
	struct db_sids	*l = arg;

	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 16;
		l->ids = xreallocarray(l->ids, l->cap, sizeof(*l->ids));
	}
	db_oidstr(doc, "_id", l->ids[l->n]);
	if (l->ids[l->n][0] != '\0')
		l->n++;
}

/*
 * Index: sessions {user_id: 1, created_at: -1, _id: -1} by its user_id
 *     prefix, then _id per session.
 */
int
db_session_block_all(struct db *db, const char *user_id,
    void (*fn)(const char *, void *), void *arg, struct verr *e)
{
	struct db_sids	 l = { NULL, 0, 0 };
	bson_t		 q = BSON_INITIALIZER;
	size_t		 i;
	int		 rc = -1;

	/*
	 * One session at a time, each under its lock, so a refresh rotating
	 * one of them at this moment cannot write it back unblocked.
	 */
	if (db_q_oid(&q, "user_id", user_id, e) == -1 ||
	    db_each(db, "sessions", &q, NULL, db_sids_each, &l, e) < 0)
		goto out;
	for (i = 0; i < l.n; i++) {
		if (db_session_block(db, l.ids[i], NULL, e) == -1 &&
		    e->status != 404)
			goto out;
		verr_init(e);
		fn(l.ids[i], arg);
	}
	rc = 0;
out:
	free(l.ids);
	bson_destroy(&q);
	return rc;
}

/*
 * Index: sessions {user_id: 1, created_at: -1, _id: -1}; expires_at is
 *     checked on the way.
 */
int
db_session_list(struct db *db, const char *user_id, int64_t now_ms,
    int64_t after_ms, const char *after_id, size_t skip, size_t limit,
    void (*fn)(const struct session *, void *), void *arg, struct verr *e)
{
	mongoc_collection_t	*c = NULL;
	mongoc_cursor_t		*cur = NULL;
	const bson_t		*doc;
	bson_t			 q = BSON_INITIALIZER, opts = BSON_INITIALIZER;
	bson_t			 gt, sort, or, d0, d1, lt, lt2;
	bson_oid_t		 uid, aid;
	bson_error_t		 be;
	struct session		 s;
	int			 n = 0, rc = -1;

	if (db_parse_oid(user_id, &uid, e) == -1 ||
	    (after_id != NULL && db_parse_oid(after_id, &aid, e) == -1) ||
	    (c = db_coll(db, "sessions", e)) == NULL)
		goto out;
	BSON_APPEND_OID(&q, "user_id", &uid);
	BSON_APPEND_DOCUMENT_BEGIN(&q, "expires_at", &gt);
	BSON_APPEND_DATE_TIME(&gt, "$gt", now_ms);
	bson_append_document_end(&q, &gt);
	/* Keyset pagination on (created_at, _id), both descending. */
	if (after_id != NULL) {
		BSON_APPEND_ARRAY_BEGIN(&q, "$or", &or);
		BSON_APPEND_DOCUMENT_BEGIN(&or, "0", &d0);
		BSON_APPEND_DOCUMENT_BEGIN(&d0, "created_at", &lt);
		BSON_APPEND_DATE_TIME(&lt, "$lt", after_ms);
		bson_append_document_end(&d0, &lt);
		bson_append_document_end(&or, &d0);
		BSON_APPEND_DOCUMENT_BEGIN(&or, "1", &d1);
		BSON_APPEND_DATE_TIME(&d1, "created_at", after_ms);
		BSON_APPEND_DOCUMENT_BEGIN(&d1, "_id", &lt2);
		BSON_APPEND_OID(&lt2, "$lt", &aid);
		bson_append_document_end(&d1, &lt2);
		bson_append_document_end(&or, &d1);
		bson_append_array_end(&q, &or);
	}
	BSON_APPEND_DOCUMENT_BEGIN(&opts, "sort", &sort);
	BSON_APPEND_INT32(&sort, "created_at", -1);
	BSON_APPEND_INT32(&sort, "_id", -1);
	bson_append_document_end(&opts, &sort);
	BSON_APPEND_INT64(&opts, "skip", (int64_t)skip);
	BSON_APPEND_INT64(&opts, "limit", (int64_t)limit);
	cur = mongoc_collection_find_with_opts(c, &q, &opts, NULL);
	while (mongoc_cursor_next(cur, &doc)) {
		db_session_from_bson(doc, &s);
		fn(&s, arg);
		n++;
	}
	if (mongoc_cursor_error(cur, &be)) {
		db_fail(db, "find sessions", &be, e);
		goto out;
	}
	rc = n;
out:
	mongoc_cursor_destroy(cur);
	mongoc_collection_destroy(c);
	bson_destroy(&q);
	bson_destroy(&opts);
	return rc;
}
