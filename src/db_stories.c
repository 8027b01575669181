/*
 * The stories store.  Field names are the reference's (API.md Appendix
 * B) plus mediaKey, the object key, so a story's media can be deleted
 * with it.  Expiry is a condition of every read (expiresAt > now), never
 * left to the cleanup job, which may run up to an hour late.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_internal.h"
#include "db_stories.h"
#include "verr.h"

static void
db_story_from_bson(const bson_t *doc, struct story *s)
{
	memset(s, 0, sizeof(*s));
	db_oidstr(doc, "_id", s->id);
	db_oidstr(doc, "userId", s->user_id);
	db_get_str(doc, "mediaUrl", s->media_url, sizeof(s->media_url));
	db_get_str(doc, "mediaType", s->media_type, sizeof(s->media_type));
	db_get_str(doc, "mediaKey", s->media_key, sizeof(s->media_key));
	s->created_ms = db_get_int(doc, "createdAt");
	s->expires_ms = db_get_int(doc, "expiresAt");
	db_media_read(doc, &s->media);
}

static void
db_story_conv(const bson_t *doc, void *out)
{
	db_story_from_bson(doc, out);
}

int
db_story_insert(struct db *db, struct story *s, struct verr *e)
{
	mongoc_collection_t	*c = NULL;
	bson_t			 doc = BSON_INITIALIZER;
	bson_oid_t		 oid, uid;
	bson_error_t		 be;
	int			 rc = -1;

	if (db_parse_oid(s->user_id, &uid, e) == -1 ||
	    (c = db_coll(db, "stories", e)) == NULL)
		goto out;
	bson_oid_init(&oid, NULL);
	BSON_APPEND_OID(&doc, "_id", &oid);
	BSON_APPEND_OID(&doc, "userId", &uid);
	BSON_APPEND_UTF8(&doc, "mediaUrl", s->media_url);
	BSON_APPEND_UTF8(&doc, "mediaType", s->media_type);
	BSON_APPEND_UTF8(&doc, "mediaKey", s->media_key);
	BSON_APPEND_DATE_TIME(&doc, "createdAt", s->created_ms);
	BSON_APPEND_DATE_TIME(&doc, "expiresAt", s->expires_ms);
	db_media_insert(&doc, s->created_ms);
	snprintf(s->media.status, sizeof(s->media.status), "processing");
	if (!mongoc_collection_insert_one(c, &doc, NULL, NULL, &be)) {
		db_fail(db, "insert stories", &be, e);
		goto out;
	}
	bson_oid_to_string(&oid, s->id);
	rc = 0;
out:
	mongoc_collection_destroy(c);
	bson_destroy(&doc);
	return rc;
}

/* Append {expiresAt: {$gt: now}} to q. */
static void
db_story_live(bson_t *q, int64_t now_ms)
{
	bson_t	 gt;

	BSON_APPEND_DOCUMENT_BEGIN(q, "expiresAt", &gt);
	BSON_APPEND_DATE_TIME(&gt, "$gt", now_ms);
	bson_append_document_end(q, &gt);
}

/* Index: stories _id; expiresAt is checked on that document. */
int
db_story_get(struct db *db, const char *id, int64_t now_ms, struct story *s,
    struct verr *e)
{
	bson_t	 q = BSON_INITIALIZER;
	int	 rc = -1;

	if (db_q_oid(&q, "_id", id, e) == 0) {
		db_story_live(&q, now_ms);
		rc = db_find_one(db, "stories", &q, db_story_conv, s, e);
	}
	bson_destroy(&q);
	return rc;
}

/* Index: stories _id. */
int
db_story_delete(struct db *db, const char *id, struct verr *e)
{
	return db_delete_id(db, "stories", id, e);
}

struct db_story_cb {
	void	(*fn)(const struct story *, void *);
	void	 *arg;
};

static void
db_story_each(const bson_t *doc, void *arg)
{
	struct db_story_cb	*cb = arg;
	struct story		 s;

	db_story_from_bson(doc, &s);
	cb->fn(&s, cb->arg);
}

/*
 * Index: stories {userId: 1, createdAt: -1, _id: -1}, the userId $in points
 *     merged in sort order; expiresAt checked on the way.
 */
int
db_story_feed(struct db *db, const char *const *authors, size_t n,
    int64_t now_ms, size_t limit, void (*fn)(const struct story *, void *),
    void *arg, struct verr *e)
{
	struct db_story_cb	 cb = { fn, arg };
	bson_t			 q = BSON_INITIALIZER;
	bson_t			 opts = BSON_INITIALIZER, sort;
	int			 rc = -1;

	if (db_q_in(&q, "userId", authors, n, e) == -1)
		goto out;
	db_story_live(&q, now_ms);
	/* _id breaks ties so that the newest `limit' are always the same. */
	BSON_APPEND_DOCUMENT_BEGIN(&opts, "sort", &sort);
	BSON_APPEND_INT32(&sort, "createdAt", -1);
	BSON_APPEND_INT32(&sort, "_id", -1);
	bson_append_document_end(&opts, &sort);
	BSON_APPEND_INT64(&opts, "limit", (int64_t)limit);
	rc = db_each(db, "stories", &q, &opts, db_story_each, &cb, e);
out:
	bson_destroy(&q);
	bson_destroy(&opts);
	return rc;
}

/* Index: stories {expiresAt: 1}. */
int
db_story_expired(struct db *db, int64_t now_ms, size_t limit,
    void (*fn)(const struct story *, void *), void *arg, struct verr *e)
{
	struct db_story_cb	 cb = { fn, arg };
	bson_t			 q = BSON_INITIALIZER, lte;
	bson_t			 opts = BSON_INITIALIZER;
	int			 rc;

	/* {expiresAt: {$lte: now}} is served by the expiresAt index. */
	BSON_APPEND_DOCUMENT_BEGIN(&q, "expiresAt", &lte);
	BSON_APPEND_DATE_TIME(&lte, "$lte", now_ms);
	bson_append_document_end(&q, &lte);
	BSON_APPEND_INT64(&opts, "limit", (int64_t)limit);
	rc = db_each(db, "stories", &q, &opts, db_story_each, &cb, e);
	bson_destroy(&q);
	bson_destroy(&opts);
	return rc;
}
