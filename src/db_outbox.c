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
