/*
 * The media fields of posts and stories.  A document is created with
 * mediaStatus "processing" and mediaPending its creation time plus a
 * grace in which the event path is expected to finish (db_media_insert());
 * a worker taking it moves mediaPending to the end of its own time
 * limit; the outcome removes mediaPending, so the sparse index on it
 * holds only the documents still waiting, and the backstop's query
 * reads nothing else.
 */
#include <stdio.h>
#include <string.h>

#include "db_internal.h"
#include "db_media.h"
#include "verr.h"

void
db_media_read(const bson_t *doc, struct media_info *m)
{
	memset(m, 0, sizeof(*m));
	db_get_str(doc, "mediaStatus", m->status, sizeof(m->status));
	m->width = db_get_int(doc, "width");
	m->height = db_get_int(doc, "height");
	m->duration_ms = db_get_int(doc, "durationMs");
	db_get_str(doc, "thumbnailUrl", m->thumb_url, sizeof(m->thumb_url));
	db_get_str(doc, "thumbKey", m->thumb_key, sizeof(m->thumb_key));
	db_get_str(doc, "blurhash", m->blurhash, sizeof(m->blurhash));
}

void
db_media_insert(bson_t *doc, int64_t created_ms)
{
	BSON_APPEND_UTF8(doc, "mediaStatus", "processing");
	BSON_APPEND_DATE_TIME(doc, "mediaPending",
	    created_ms + DB_MEDIA_GRACE_MS);
}

/* update_one q with upd on coll under id's lock: 1 matched, 0, -1. */
static int
db_media_update(struct db *db, const char *coll, const char *id,
    const bson_t *q, const bson_t *upd, struct verr *e)
{
	mongoc_collection_t	*c;
	bson_t			 reply = BSON_INITIALIZER;
	bson_error_t		 be;
	bson_iter_t		 it;
	int			 rc = -1;

	if ((c = db_coll(db, coll, e)) == NULL)
		return -1;
	if (db_lock(db, coll, id, e) == 0) {
		if (!mongoc_collection_update_one(c, q, upd, NULL, &reply,
		    &be))
			db_fail(db, "update media", &be, e);
		else
			rc = bson_iter_init_find(&it, &reply,
			    "matchedCount") && bson_iter_as_int64(&it) > 0;
		db_unlock(db, coll, id);
	}
	bson_destroy(&reply);
	mongoc_collection_destroy(c);
	return rc;
}

/* Index: _id of coll; the other conditions are checked on the document. */
int
db_media_claim(struct db *db, const char *coll, const char *id,
    int64_t now_ms, int64_t until_ms, int due, struct verr *e)
{
	bson_t	 q = BSON_INITIALIZER, upd = BSON_INITIALIZER, lte, set;
	int	 rc = -1;

	if (db_q_oid(&q, "_id", id, e) == 0) {
		BSON_APPEND_UTF8(&q, "mediaStatus", "processing");
		if (due) {
			BSON_APPEND_DOCUMENT_BEGIN(&q, "mediaPending", &lte);
			BSON_APPEND_DATE_TIME(&lte, "$lte", now_ms);
			bson_append_document_end(&q, &lte);
		}
		BSON_APPEND_DOCUMENT_BEGIN(&upd, "$set", &set);
		BSON_APPEND_DATE_TIME(&set, "mediaPending", until_ms);
		bson_append_document_end(&upd, &set);
		rc = db_media_update(db, coll, id, &q, &upd, e);
	}
	bson_destroy(&q);
	bson_destroy(&upd);
	return rc;
}

/* Index: _id of coll; mediaStatus is checked on the document. */
int
db_media_set(struct db *db, const char *coll, const char *id,
    const struct media_info *m, struct verr *e)
{
	bson_t	 q = BSON_INITIALIZER, upd = BSON_INITIALIZER, set, unset;
	int	 rc = -1;

	if (db_q_oid(&q, "_id", id, e) == 0) {
		BSON_APPEND_UTF8(&q, "mediaStatus", "processing");
		BSON_APPEND_DOCUMENT_BEGIN(&upd, "$set", &set);
		BSON_APPEND_UTF8(&set, "mediaStatus", m->status);
		if (strcmp(m->status, "ready") == 0) {
			BSON_APPEND_INT64(&set, "width", m->width);
			BSON_APPEND_INT64(&set, "height", m->height);
			if (m->duration_ms > 0)
				BSON_APPEND_INT64(&set, "durationMs",
				    m->duration_ms);
			BSON_APPEND_UTF8(&set, "thumbnailUrl", m->thumb_url);
			BSON_APPEND_UTF8(&set, "thumbKey", m->thumb_key);
			BSON_APPEND_UTF8(&set, "blurhash", m->blurhash);
		}
		bson_append_document_end(&upd, &set);
		BSON_APPEND_DOCUMENT_BEGIN(&upd, "$unset", &unset);
		BSON_APPEND_UTF8(&unset, "mediaPending", "");
		bson_append_document_end(&upd, &unset);
		rc = db_media_update(db, coll, id, &q, &upd, e);
	}
	bson_destroy(&q);
	bson_destroy(&upd);
	return rc;
}

struct db_media_cb {
	void	(*fn)(const char *, void *);
	void	 *arg;
};

static void
db_media_each(const bson_t *doc, void *arg)
{
	struct db_media_cb	*cb = arg;
	char			 id[25];

	db_oidstr(doc, "_id", id);
	cb->fn(id, cb->arg);
}

/* Index: {mediaPending: 1} of coll, sparse. */
int
db_media_due(struct db *db, const char *coll, int64_t now_ms, size_t limit,
    void (*fn)(const char *, void *), void *arg, struct verr *e)
{
	struct db_media_cb	 cb = { fn, arg };
	bson_t			 q = BSON_INITIALIZER, lte;
	bson_t			 opts = BSON_INITIALIZER, proj;
	int			 rc;

	BSON_APPEND_DOCUMENT_BEGIN(&q, "mediaPending", &lte);
	BSON_APPEND_DATE_TIME(&lte, "$lte", now_ms);
	bson_append_document_end(&q, &lte);
	BSON_APPEND_INT64(&opts, "limit", (int64_t)limit);
	BSON_APPEND_DOCUMENT_BEGIN(&opts, "projection", &proj);
	BSON_APPEND_INT32(&proj, "_id", 1);
	bson_append_document_end(&opts, &proj);
	rc = db_each(db, coll, &q, &opts, db_media_each, &cb, e);
	bson_destroy(&q);
	bson_destroy(&opts);
	return rc;
}
