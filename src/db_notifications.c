/*
 * The notifications store.  De-duplication ("not while an unread like
 * from the same actor on the same post exists", API.md 3.6.1) is left to
 * the sparse unique index on dedupeKey rather than to a find-then-insert,
 * which two concurrent deliveries could both pass: the key is stored only
 * on unread notifications and removed when they are marked read, so the
 * index holds at most one unread notification per key and a new one may
 * follow once it is read.  The sparse unique index on eventId makes a
 * redelivered event (NATS delivers at least once) a no-op.  A refusal by
 * either index is the expected outcome, not an error.
 */
#include <stdlib.h>
#include <string.h>

#include "db_internal.h"
#include "db_notifications.h"
#include "json.h"
#include "verr.h"
#include "xmem.h"

#define NOTIF_COLL	"notifications"

int
db_notif_create(struct db *db, const struct notif *n, int *created,
    struct verr *e)
{
	mongoc_collection_t	*c = NULL;
	bson_t			 doc = BSON_INITIALIZER;
	bson_oid_t		 oid, uid, aid, pid, cid;
	bson_error_t		 be;
	int			 rc = -1;

	*created = 0;
	if ((n->id[0] != '\0' && db_parse_oid(n->id, &oid, e) == -1) ||
	    db_parse_oid(n->user_id, &uid, e) == -1 ||
	    db_parse_oid(n->actor_id, &aid, e) == -1 ||
	    (n->post_id[0] != '\0' &&
	    db_parse_oid(n->post_id, &pid, e) == -1) ||
	    (n->comment_id[0] != '\0' &&
	    db_parse_oid(n->comment_id, &cid, e) == -1))
		goto out;
	if ((c = db_coll(db, NOTIF_COLL, e)) == NULL)
		goto out;
	if (n->id[0] == '\0')
		bson_oid_init(&oid, NULL);
	BSON_APPEND_OID(&doc, "_id", &oid);
	BSON_APPEND_OID(&doc, "userId", &uid);
	BSON_APPEND_OID(&doc, "actorId", &aid);
	BSON_APPEND_UTF8(&doc, "type", n->type);
	if (n->post_id[0] != '\0')
		BSON_APPEND_OID(&doc, "postId", &pid);
	if (n->comment_id[0] != '\0')
		BSON_APPEND_OID(&doc, "commentId", &cid);
	BSON_APPEND_BOOL(&doc, "read", n->read != 0);
	BSON_APPEND_DATE_TIME(&doc, "createdAt", n->created_ms != 0 ?
	    n->created_ms : json_now_ms());
	/* A read notification must not block the next one of its kind. */
	if (n->dedupe[0] != '\0' && !n->read)
		BSON_APPEND_UTF8(&doc, "dedupeKey", n->dedupe);
	if (n->event_id[0] != '\0')
		BSON_APPEND_UTF8(&doc, "eventId", n->event_id);
	if (!mongoc_collection_insert_one(c, &doc, NULL, NULL, &be)) {
		if (be.code != DB_DUPKEY) {
			db_fail(db, "insert notifications", &be, e);
			goto out;
		}
	} else
		*created = 1;
	rc = 0;
out:
	mongoc_collection_destroy(c);
	bson_destroy(&doc);
	return rc;
}

struct db_notif_cb {
	void	(*fn)(const struct notif *, void *);
	void	*arg;
};

static void
db_notif_each(const bson_t *doc, void *arg)
{
	struct db_notif_cb	*cb = arg;
	struct notif		 n;
	bson_iter_t		 it;

	memset(&n, 0, sizeof(n));
	db_oidstr(doc, "_id", n.id);
	db_oidstr(doc, "userId", n.user_id);
	db_oidstr(doc, "actorId", n.actor_id);
	db_get_str(doc, "type", n.type, sizeof(n.type));
	db_oidstr(doc, "postId", n.post_id);
	db_oidstr(doc, "commentId", n.comment_id);
	db_get_str(doc, "dedupeKey", n.dedupe, sizeof(n.dedupe));
	db_get_str(doc, "eventId", n.event_id, sizeof(n.event_id));
	n.read = bson_iter_init_find(&it, doc, "read") &&
	    BSON_ITER_HOLDS_BOOL(&it) && bson_iter_bool(&it);
	n.created_ms = db_get_int(doc, "createdAt");
	cb->fn(&n, cb->arg);
}

/* Index: notifications {userId: 1, createdAt: -1, _id: -1}. */
int
db_notif_list(struct db *db, const char *user, const struct db_page *pg,
    void (*fn)(const struct notif *, void *), void *arg, struct verr *e)
{
	struct db_notif_cb	 cb = { fn, arg };

	return db_each_page(db, NOTIF_COLL, "userId", user, pg, db_notif_each,
	    &cb, e);
}

/*
 * Index: notifications {userId: 1, read: 1} (the actors left out are a
 *     filter on what it finds).
 */
int
db_notif_unread(struct db *db, const char *user, const char *const *except,
    size_t nexcept, int64_t *count, struct verr *e)
{
	mongoc_collection_t	*c = NULL;
	bson_t			 q = BSON_INITIALIZER;
	bson_error_t		 be;
	int64_t			 n;
	int			 rc = -1;

	if (db_q_oid(&q, "userId", user, e) == -1 ||
	    (c = db_coll(db, NOTIF_COLL, e)) == NULL)
		goto out;
	BSON_APPEND_BOOL(&q, "read", false);
	if (nexcept > 0 && db_q_nin(&q, "actorId", except, nexcept, e) == -1)
		goto out;
	if ((n = mongoc_collection_count_documents(c, &q, NULL, NULL, NULL,
	    &be)) < 0) {
		db_fail(db, "count notifications", &be, e);
		goto out;
	}
	*count = n;
	rc = 0;
out:
	mongoc_collection_destroy(c);
	bson_destroy(&q);
	return rc;
}

/* Index: notifications {actorId: 1} (read residual). */
int
db_notif_unread_of(struct db *db, const char *actor,
    void (*fn)(const char *, void *), void *arg, struct verr *e)
{
	bson_t	 q = BSON_INITIALIZER;
	int	 rc = -1;

	if (db_q_oid(&q, "actorId", actor, e) == 0) {
		BSON_APPEND_BOOL(&q, "read", false);
		rc = db_each_id(db, NOTIF_COLL, &q, "userId", fn, arg, e);
	}
	bson_destroy(&q);
	return rc < 0 ? -1 : 0;
}

/* Index: notifications {userId: 1, read: 1} (or _id, for the listed ids). */
int
db_notif_mark_read(struct db *db, const char *user, const char *const *ids,
    size_t n, int all, int64_t *modified, struct verr *e)
{
	mongoc_collection_t	*c = NULL;
	bson_t			 q = BSON_INITIALIZER, upd = BSON_INITIALIZER;
	bson_t			 reply = BSON_INITIALIZER, set, unset;
	bson_error_t		 be;
	bson_iter_t		 it;
	const char		**ok = NULL;
	size_t			 i, nok = 0;
	int			 rc = -1;

	*modified = 0;
	if (db_q_oid(&q, "userId", user, e) == -1)
		goto out;
	BSON_APPEND_BOOL(&q, "read", false);
	if (!all) {
		/* Malformed ids name nothing: API.md 3.6.4 ignores them. */
		ok = xcalloc(n + 1, sizeof(*ok));
		for (i = 0; i < n; i++)
			if (strlen(ids[i]) == 24 &&
			    bson_oid_is_valid(ids[i], 24))
				ok[nok++] = ids[i];
		if (nok == 0) {
			rc = 0;
			goto out;
		}
		if (db_q_in(&q, "_id", ok, nok, e) == -1)
			goto out;
	}
	if ((c = db_coll(db, NOTIF_COLL, e)) == NULL)
		goto out;
	BSON_APPEND_DOCUMENT_BEGIN(&upd, "$set", &set);
	BSON_APPEND_BOOL(&set, "read", true);
	bson_append_document_end(&upd, &set);
	BSON_APPEND_DOCUMENT_BEGIN(&upd, "$unset", &unset);
	BSON_APPEND_UTF8(&unset, "dedupeKey", "");
	bson_append_document_end(&upd, &unset);
	if (!mongoc_collection_update_many(c, &q, &upd, NULL, &reply, &be)) {
		db_fail(db, "update notifications", &be, e);
		goto out;
	}
	if (bson_iter_init_find(&it, &reply, "modifiedCount"))
		*modified = bson_iter_as_int64(&it);
	rc = 0;
out:
	mongoc_collection_destroy(c);
	free(ok);
	bson_destroy(&reply);
	bson_destroy(&upd);
	bson_destroy(&q);
	return rc;
}
