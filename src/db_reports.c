/*
 * Reports.  The unique sparse index on openKey makes a repeated report
 * by the same caller on the same target find the first, also when two
 * arrive at once; closing a report removes its openKey.
 */
#include <stdio.h>
#include <string.h>

#include "db_internal.h"
#include "db_reports.h"
#include "json.h"
#include "verr.h"

#define REPORTS	"reports"

static void
db_report_conv(const bson_t *doc, void *arg)
{
	struct report	*rp = arg;
	bson_iter_t	 it;

	memset(rp, 0, sizeof(*rp));
	db_oidstr(doc, "_id", rp->id);
	db_oidstr(doc, "reporterId", rp->reporter);
	db_oidstr(doc, "targetId", rp->target);
	db_oidstr(doc, "targetUserId", rp->target_user);
	if (bson_iter_init_find(&it, doc, "targetType") &&
	    BSON_ITER_HOLDS_UTF8(&it))
		snprintf(rp->type, sizeof(rp->type), "%s",
		    bson_iter_utf8(&it, NULL));
	if (bson_iter_init_find(&it, doc, "reason") &&
	    BSON_ITER_HOLDS_UTF8(&it))
		snprintf(rp->reason, sizeof(rp->reason), "%s",
		    bson_iter_utf8(&it, NULL));
	if (bson_iter_init_find(&it, doc, "details") &&
	    BSON_ITER_HOLDS_UTF8(&it))
		snprintf(rp->details, sizeof(rp->details), "%s",
		    bson_iter_utf8(&it, NULL));
	if (bson_iter_init_find(&it, doc, "status") &&
	    BSON_ITER_HOLDS_UTF8(&it))
		snprintf(rp->status, sizeof(rp->status), "%s",
		    bson_iter_utf8(&it, NULL));
	rp->created_ms = db_get_int(doc, "createdAt");
}

/*
 * Index: reports {openKey: 1} unique sparse (the insert's check and the
 *     find of the first report).
 */
int
db_report_insert(struct db *db, struct report *rp, int *created,
    struct verr *e)
{
	mongoc_collection_t	*c = NULL;
	bson_t			 doc = BSON_INITIALIZER, q = BSON_INITIALIZER;
	bson_oid_t		 oid;
	bson_error_t		 be;
	char			 key[80];
	int			 rc = -1;

	*created = 0;
	bson_oid_init(&oid, NULL);
	snprintf(key, sizeof(key), "%s:%s:%s", rp->reporter, rp->type,
	    rp->target);
	BSON_APPEND_OID(&doc, "_id", &oid);
	if (db_q_oid(&doc, "reporterId", rp->reporter, e) == -1 ||
	    db_q_oid(&doc, "targetId", rp->target, e) == -1 ||
	    db_q_oid(&doc, "targetUserId", rp->target_user, e) == -1 ||
	    (c = db_coll(db, REPORTS, e)) == NULL)
		goto out;
	BSON_APPEND_UTF8(&doc, "targetType", rp->type);
	BSON_APPEND_UTF8(&doc, "reason", rp->reason);
	if (rp->details[0] != '\0')
		BSON_APPEND_UTF8(&doc, "details", rp->details);
	BSON_APPEND_UTF8(&doc, "status", "open");
	BSON_APPEND_UTF8(&doc, "openKey", key);
	rp->created_ms = json_now_ms();
	BSON_APPEND_DATE_TIME(&doc, "createdAt", rp->created_ms);
	if (mongoc_collection_insert_one(c, &doc, NULL, NULL, &be)) {
		bson_oid_to_string(&oid, rp->id);
		snprintf(rp->status, sizeof(rp->status), "open");
		*created = 1;
		rc = 0;
	} else if (be.code != DB_DUPKEY)
		db_fail(db, "insert reports", &be, e);
	else {
		BSON_APPEND_UTF8(&q, "openKey", key);
		rc = db_find_one(db, REPORTS, &q, db_report_conv, rp, e);
	}
out:
	mongoc_collection_destroy(c);
	bson_destroy(&doc);
	bson_destroy(&q);
	return rc;
}

/* Index: _id. */
int
db_report_get(struct db *db, const char *id, struct report *rp,
    struct verr *e)
{
	return db_find_id(db, REPORTS, id, db_report_conv, rp, e);
}

struct db_rpl {
	void	(*fn)(const struct report *, void *);
	void	*arg;
};

static void
db_rpl_each(const bson_t *doc, void *arg)
{
	struct db_rpl	*l = arg;
	struct report	 rp;

	db_report_conv(doc, &rp);
	l->fn(&rp, l->arg);
}

/* Index: reports {status: 1, createdAt: 1}. */
int
db_report_list_open(struct db *db, size_t max,
    void (*fn)(const struct report *, void *), void *arg, struct verr *e)
{
	bson_t		 q = BSON_INITIALIZER, opts = BSON_INITIALIZER, sort;
	struct db_rpl	 l = { fn, arg };
	int		 rc;

	BSON_APPEND_UTF8(&q, "status", "open");
	BSON_APPEND_DOCUMENT_BEGIN(&opts, "sort", &sort);
	BSON_APPEND_INT32(&sort, "createdAt", 1);
	bson_append_document_end(&opts, &sort);
	BSON_APPEND_INT64(&opts, "limit", (int64_t)max);
	rc = db_each(db, REPORTS, &q, &opts, db_rpl_each, &l, e);
	bson_destroy(&q);
	bson_destroy(&opts);
	return rc < 0 ? -1 : 0;
}

/* Index: _id, or reports {targetId: 1, status: 1} (every report on it). */
int
db_report_close(struct db *db, const struct report *rp, const char *status,
    int target, int64_t *n, struct verr *e)
{
	mongoc_collection_t	*c = NULL;
	bson_t			 q = BSON_INITIALIZER, upd = BSON_INITIALIZER;
	bson_t			 set, unset, reply;
	bson_iter_t		 it;
	bson_error_t		 be;
	int			 rc = -1;

	*n = 0;
	bson_init(&reply);
	if (db_q_oid(&q, target ? "targetId" : "_id", target ? rp->target :
	    rp->id, e) == -1 || (c = db_coll(db, REPORTS, e)) == NULL)
		goto out;
	BSON_APPEND_UTF8(&q, "status", "open");
	BSON_APPEND_DOCUMENT_BEGIN(&upd, "$set", &set);
	BSON_APPEND_UTF8(&set, "status", status);
	BSON_APPEND_DATE_TIME(&set, "resolvedAt", json_now_ms());
	bson_append_document_end(&upd, &set);
	BSON_APPEND_DOCUMENT_BEGIN(&upd, "$unset", &unset);
	BSON_APPEND_UTF8(&unset, "openKey", "");
	bson_append_document_end(&upd, &unset);
	if (!mongoc_collection_update_many(c, &q, &upd, NULL, &reply, &be)) {
		db_fail(db, "update reports", &be, e);
		goto out;
	}
	if (bson_iter_init_find(&it, &reply, "modifiedCount"))
		*n = bson_iter_as_int64(&it);
	rc = 0;
out:
	mongoc_collection_destroy(c);
	bson_destroy(&q);
	bson_destroy(&upd);
	bson_destroy(&reply);
	return rc;
}
