/*
 * The direct uploads store.  Fields: _id, userId, purpose, key, size,
 * expiresAt, used, createdAt.  The claim is one conditional update (by
 * _id, with every condition in the filter), so of two finalizations of
 * one upload only one modifies the document; on servers whose updates
 * are not atomic it runs under db_lock() like the counters.
 */
#include <stdio.h>
#include <string.h>

#include "db_internal.h"
#include "db_uploads.h"
#include "json.h"
#include "verr.h"

static void
db_upload_from_bson(const bson_t *doc, void *out)
{
	struct upload_rec	*u = out;
	bson_iter_t		 it;

	memset(u, 0, sizeof(*u));
	db_oidstr(doc, "_id", u->id);
	db_oidstr(doc, "userId", u->user_id);
	db_get_str(doc, "purpose", u->purpose, sizeof(u->purpose));
	db_get_str(doc, "key", u->key, sizeof(u->key));
	u->size = db_get_int(doc, "size");
	u->expires_ms = db_get_int(doc, "expiresAt");
	u->used = bson_iter_init_find(&it, doc, "used") &&
	    BSON_ITER_HOLDS_BOOL(&it) && bson_iter_bool(&it);
}

int
db_upload_insert(struct db *db, struct upload_rec *u, struct verr *e)
{
	mongoc_collection_t	*c = NULL;
	bson_t			 doc = BSON_INITIALIZER;
	bson_oid_t		 oid, uid;
	bson_error_t		 be;
	int			 rc = -1;

	if (db_parse_oid(u->user_id, &uid, e) == -1 ||
	    (c = db_coll(db, "uploads", e)) == NULL)
		goto out;
	bson_oid_init(&oid, NULL);
	BSON_APPEND_OID(&doc, "_id", &oid);
	BSON_APPEND_OID(&doc, "userId", &uid);
	BSON_APPEND_UTF8(&doc, "purpose", u->purpose);
	BSON_APPEND_UTF8(&doc, "key", u->key);
	BSON_APPEND_INT64(&doc, "size", u->size);
	BSON_APPEND_DATE_TIME(&doc, "expiresAt", u->expires_ms);
	BSON_APPEND_BOOL(&doc, "used", false);
	BSON_APPEND_DATE_TIME(&doc, "createdAt", json_now_ms());
	if (!mongoc_collection_insert_one(c, &doc, NULL, NULL, &be)) {
		db_fail(db, "insert uploads", &be, e);
		goto out;
	}
	bson_oid_to_string(&oid, u->id);
	u->used = 0;
	rc = 0;
out:
	mongoc_collection_destroy(c);
	bson_destroy(&doc);
	return rc;
}

/* Set used to `to' on document q of uploads: 1 modified, 0 not, -1. */
static int
db_upload_set_used(struct db *db, const char *id, const bson_t *q, int to,
    struct verr *e)
{
	mongoc_collection_t	*c;
	bson_t			 upd = BSON_INITIALIZER, set, reply;
	bson_error_t		 be;
	bson_iter_t		 it;
	int			 rc = -1;

	bson_init(&reply);
	if ((c = db_coll(db, "uploads", e)) == NULL)
		goto out;
	BSON_APPEND_DOCUMENT_BEGIN(&upd, "$set", &set);
	BSON_APPEND_BOOL(&set, "used", to);
	bson_append_document_end(&upd, &set);
	if (db_lock(db, "uploads", id, e) == -1)
		goto out;
	if (!mongoc_collection_update_one(c, q, &upd, NULL, &reply, &be)) {
		db_unlock(db, "uploads", id);
		db_fail(db, "update uploads", &be, e);
		goto out;
	}
	db_unlock(db, "uploads", id);
	rc = bson_iter_init_find(&it, &reply, "modifiedCount") &&
	    bson_iter_as_int64(&it) == 1;
out:
	mongoc_collection_destroy(c);
	bson_destroy(&upd);
	bson_destroy(&reply);
	return rc;
}

/* Index: uploads _id; the other conditions are checked on it. */
int
db_upload_claim(struct db *db, const char *id, const char *user,
    const char *purpose, int64_t now_ms, struct upload_rec *u,
    struct verr *e)
{
	bson_t		 q = BSON_INITIALIZER, gt;
	struct verr	 pe;
	int		 rc = -1;

	verr_init(&pe);
	if (db_q_oid(&q, "_id", id, &pe) == -1) {
		rc = 0;		/* malformed: unknown */
		goto out;
	}
	if (db_q_oid(&q, "userId", user, e) == -1)
		goto out;
	BSON_APPEND_UTF8(&q, "purpose", purpose);
	BSON_APPEND_BOOL(&q, "used", false);
	BSON_APPEND_DOCUMENT_BEGIN(&q, "expiresAt", &gt);
	BSON_APPEND_DATE_TIME(&gt, "$gt", now_ms);
	bson_append_document_end(&q, &gt);
	if ((rc = db_upload_set_used(db, id, &q, 1, e)) != 1)
		goto out;
	rc = db_find_id(db, "uploads", id, db_upload_from_bson, u, e) == -1 ?
	    -1 : 1;
out:
	bson_destroy(&q);
	return rc;
}

/* Index: uploads _id. */
int
db_upload_unclaim(struct db *db, const char *id, struct verr *e)
{
	bson_t	 q = BSON_INITIALIZER;
	int	 rc = -1;

	if (db_q_oid(&q, "_id", id, e) == 0)
		rc = db_upload_set_used(db, id, &q, 0, e) == -1 ? -1 : 0;
	bson_destroy(&q);
	return rc;
}

struct db_upload_cb {
	void	(*fn)(const struct upload_rec *, void *);
	void	 *arg;
};

static void
db_upload_each(const bson_t *doc, void *arg)
{
	struct db_upload_cb	*cb = arg;
	struct upload_rec	 u;

	db_upload_from_bson(doc, &u);
	cb->fn(&u, cb->arg);
}

/* Index: uploads {expiresAt: 1}. */
int
db_upload_expired(struct db *db, int64_t before_ms, size_t limit,
    void (*fn)(const struct upload_rec *, void *), void *arg,
    struct verr *e)
{
	struct db_upload_cb	 cb = { fn, arg };
	bson_t			 q = BSON_INITIALIZER, lte;
	bson_t			 opts = BSON_INITIALIZER;
	int			 rc;

	BSON_APPEND_DOCUMENT_BEGIN(&q, "expiresAt", &lte);
	BSON_APPEND_DATE_TIME(&lte, "$lte", before_ms);
	bson_append_document_end(&q, &lte);
	BSON_APPEND_INT64(&opts, "limit", (int64_t)limit);
	rc = db_each(db, "uploads", &q, &opts, db_upload_each, &cb, e);
	bson_destroy(&q);
	bson_destroy(&opts);
	return rc;
}

/* Index: uploads _id. */
int
db_upload_delete(struct db *db, const char *id, struct verr *e)
{
	return db_delete_id(db, "uploads", id, e);
}
