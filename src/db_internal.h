/*
 * Shared by the db_*.c files only: the MongoDB client of the process and
 * the one way to report a driver error, so that every operation takes
 * part in db_mongo.c's recovery after a network failure.  Nothing outside
 * db_*.c includes this header (it pulls in libmongoc).
 */
#ifndef DB_INTERNAL_H
#define DB_INTERNAL_H

#include <mongoc/mongoc.h>

#include "db_mongo.h"

struct db;
struct verr;

/* The MongoDB error code of a unique-index violation. */
#define DB_DUPKEY	11000

/*
 * The process's client, rebuilt after a network failure; NULL with 503
 * in e when it cannot be created.  Borrowed: never destroy it.
 */
mongoc_client_t *db_client(struct db *db, struct verr *e);

/*
 * Collection `name' of the configured database, for the caller to
 * release with mongoc_collection_destroy(); NULL with 503 in e.
 */
mongoc_collection_t *db_coll(struct db *db, const char *name, struct verr *e);

/*
 * Record the driver error `be' of operation `what': 503 unavailable when
 * the server could not be reached (the client is then rebuilt), else 500
 * internal.  Always returns -1.
 */
int	db_fail(struct db *db, const char *what, const bson_error_t *be,
	    struct verr *e);

/* Copy string field `key' of doc into out (size n); "" when absent. */
void	db_get_str(const bson_t *doc, const char *key, char *out, size_t n);

/* Integer or date field `key' of doc; 0 when absent. */
int64_t	db_get_int(const bson_t *doc, const char *key);

/* Parse 24 hex digits into oid; -1 with 404 not_found when malformed. */
int	db_parse_oid(const char *id, bson_oid_t *oid, struct verr *e);

/* Copy the ObjectId field `key' of doc as hex into out; "" if absent. */
void	db_oidstr(const bson_t *doc, const char *key, char out[25]);

/* Append {field: ObjectId(id)} to q; -1 with 404 when id is malformed. */
int	db_q_oid(bson_t *q, const char *field, const char *id, struct verr *e);

/* Append {field: {$nin: [ObjectId...]}} of the n ids to q. */
int	db_q_nin(bson_t *q, const char *field, const char *const *ids,
	    size_t n, struct verr *e);

/* Append {field: {$in: [ObjectId...]}} of the n ids to q. */
int	db_q_in(bson_t *q, const char *field, const char *const *ids, size_t n,
	    struct verr *e);

/*
 * Find q (with opts, may be NULL) in collection coll and pass each
 * document to fn; returns how many, or -1 with 503/500 in e.
 */
int	db_each(struct db *db, const char *coll, const bson_t *q,
	    const bson_t *opts, void (*fn)(const bson_t *, void *), void *arg,
	    struct verr *e);

/*
 * db_each() of q on coll that passes only the ObjectId `field' of each
 * document, as hex, to fn; returns how many documents, or -1.
 */
int	db_each_id(struct db *db, const char *coll, const bson_t *q,
	    const char *field, void (*fn)(const char *, void *), void *arg,
	    struct verr *e);

/*
 * db_each() over one page (pg, newest createdAt first) of the documents
 * of coll whose field is the ObjectId id.
 */
int	db_each_page(struct db *db, const char *coll, const char *field,
	    const char *id, const struct db_page *pg,
	    void (*fn)(const bson_t *, void *), void *arg, struct verr *e);

/*
 * Find the first document of coll matching q and give it to conv(doc,
 * out); 404 not_found when there is none.
 */
int	db_find_one(struct db *db, const char *coll, const bson_t *q,
	    void (*conv)(const bson_t *, void *), void *out, struct verr *e);

/* $inc {field: n} on document id of collection coll. */
int	db_inc(struct db *db, const char *coll, const char *id,
	    const char *field, int64_t n, struct verr *e);

/*
 * Delete from coll the first (or with `many' every) document matching q;
 * *n (when not NULL) gets how many went.
 */
int	db_delete(struct db *db, const char *coll, const bson_t *q, int many,
	    int64_t *n, struct verr *e);

/*
 * Add pg's keyset condition "(sortfield, _id) < (after_key, after_id)",
 * and its sort (both descending), skip and limit, to q and opts.
 */
int	db_page_apply(bson_t *q, bson_t *opts, const char *sortfield,
	    const struct db_page *pg, struct verr *e);

/* db_find_one() of the document whose _id is id (404 when malformed). */
int	db_find_id(struct db *db, const char *coll, const char *id,
	    void (*conv)(const bson_t *, void *), void *out, struct verr *e);

/* Delete the document whose _id is id: 1 deleted, 0 already gone, -1. */
int	db_delete_id(struct db *db, const char *coll, const char *id,
	    struct verr *e);

/*
 * Create (on=1) or remove the relation document whose unique key is the
 * content of doc (a follow, like or bookmark); on creation an _id and
 * createdAt are added to doc.  *changed says whether this call created
 * or removed it: only then may the caller move counters.
 */
int	db_relation_set(struct db *db, const char *coll, bson_t *doc, int on,
	    int *changed, struct verr *e);

/*
 * Serialize updates of document `id' of coll across processes, where the
 * server needs it (see db_mongo.c; a no-op on MongoDB).  Waits at most
 * about 2 s, then 503.  Every db_lock() that returned 0 needs its
 * db_unlock().
 */
int	db_lock(struct db *db, const char *coll, const char *id,
	    struct verr *e);
void	db_unlock(struct db *db, const char *coll, const char *id);

struct media_info;

/* The media fields of a post or story document into m (db_media.c). */
void	db_media_read(const bson_t *doc, struct media_info *m);

/*
 * Append the media fields of a new post or story created at created_ms:
 * processing, due for the backstop job DB_MEDIA_GRACE_MS later
 * (db_media.c).
 */
void	db_media_insert(bson_t *doc, int64_t created_ms);

#endif
