/*
 * The outbox collection: {_id, subject, msgId, data, createdAt}.  The
 * ObjectId _id orders entries as they were written, which is the order
 * the worker replays them in.
 */
#include <time.h>

#include "db_internal.h"
#include "db_outbox.h"
#include "verr.h"

int
db_outbox_insert(struct db *db, const char *subject, const char *msgid,
    const char *data, struct verr *e)
{
	mongoc_collection_t	*c;
	bson_t			 doc = BSON_INITIALIZER;
	bson_oid_t		 oid;
	bson_error_t		 be;
	int			 rc = -1;

	if ((c = db_coll(db, "outbox", e)) == NULL)
		goto out;
	bson_oid_init(&oid, NULL);
	BSON_APPEND_OID(&doc, "_id", &oid);
	BSON_APPEND_UTF8(&doc, "subject", subject);
	BSON_APPEND_UTF8(&doc, "msgId", msgid);
	BSON_APPEND_UTF8(&doc, "data", data);
	BSON_APPEND_DATE_TIME(&doc, "createdAt", (int64_t)time(NULL) * 1000);
	if (!mongoc_collection_insert_one(c, &doc, NULL, NULL, &be))
		db_fail(db, "insert outbox", &be, e);
	else
		rc = 0;
out:
	mongoc_collection_destroy(c);
	bson_destroy(&doc);
	return rc;
}

struct db_ob_cb {
	void	(*fn)(const char *, const char *, int64_t, void *);
	void	*arg;
};

static void
db_outbox_each(const bson_t *doc, void *arg)
{
	struct db_ob_cb	*cb = arg;
	char		 subject[128], msgid[64];

	db_get_str(doc, "subject", subject, sizeof(subject));
	db_get_str(doc, "msgId", msgid, sizeof(msgid));
	cb->fn(subject, msgid, db_get_int(doc, "createdAt"), cb->arg);
}

/* Index: outbox _id (the sort; no filter). */
int
db_outbox_list(struct db *db, size_t limit,
    void (*fn)(const char *, const char *, int64_t, void *), void *arg,
    struct verr *e)
{
	bson_t		 q = BSON_INITIALIZER, opts = BSON_INITIALIZER, sort;
	struct db_ob_cb	 cb = { fn, arg };
	int		 n;

	BSON_APPEND_DOCUMENT_BEGIN(&opts, "sort", &sort);
	BSON_APPEND_INT32(&sort, "_id", 1);
	bson_append_document_end(&opts, &sort);
	BSON_APPEND_INT64(&opts, "limit", (int64_t)limit);
	n = db_each(db, "outbox", &q, &opts, db_outbox_each, &cb, e);
	bson_destroy(&q);
	bson_destroy(&opts);
	return n;
}

struct db_ob_full {
	int	(*fn)(const char *, const char *, const char *, const char *,
		    void *);
	void	*arg;
	int	 stop;
};

static void
db_outbox_full(const bson_t *doc, void *arg)
{
	struct db_ob_full	*f = arg;
	bson_iter_t		 it;
	const char		*data = "";
	uint32_t		 len;
	char			 id[25], subject[128], msgid[64];

	if (f->stop)
		return;
	db_oidstr(doc, "_id", id);
	db_get_str(doc, "subject", subject, sizeof(subject));
	db_get_str(doc, "msgId", msgid, sizeof(msgid));
	if (bson_iter_init_find(&it, doc, "data") && BSON_ITER_HOLDS_UTF8(&it))
		data = bson_iter_utf8(&it, &len);
	if (f->fn(id, subject, msgid, data, f->arg) == -1)
		f->stop = 1;
}

/* Index: outbox _id (the sort; no filter). */
int
db_outbox_replay(struct db *db, size_t limit,
    int (*fn)(const char *, const char *, const char *, const char *, void *),
    void *arg, struct verr *e)
{
	bson_t			 q = BSON_INITIALIZER, opts = BSON_INITIALIZER;
	bson_t			 sort;
	struct db_ob_full	 f = { fn, arg, 0 };
	int			 n;

	BSON_APPEND_DOCUMENT_BEGIN(&opts, "sort", &sort);
	BSON_APPEND_INT32(&sort, "_id", 1);
	bson_append_document_end(&opts, &sort);
	BSON_APPEND_INT64(&opts, "limit", (int64_t)limit);
	n = db_each(db, "outbox", &q, &opts, db_outbox_full, &f, e);
	bson_destroy(&q);
	bson_destroy(&opts);
	return n;
}

/* Index: outbox _id. */
int
db_outbox_delete(struct db *db, const char *id, struct verr *e)
{
	return db_delete_id(db, "outbox", id, e) == -1 ? -1 : 0;
}
