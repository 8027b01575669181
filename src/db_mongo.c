/*
 * MongoDB over libmongoc: the connection, health and indexes.  Only the
 * db_*.c files include <mongoc/mongoc.h>, through db_internal.h.
 * Each worker process owns one single-threaded client, created lazily
 * from the URI with our timeouts added when the URI does not set them
 * (server selection cfg->mongo_timeout_ms, connect 1 s, socket 2.5 s): a
 * dead or unreachable server costs a request at most about 1 s, one that
 * stops answering in the middle of a request at most 2.5 s, within the
 * spec's "503 in about 3 s".
 *
 * A single-threaded client that failed to reach a server refuses to try
 * it again for 5 s (the driver's "cooldown"), which would turn a 1 s
 * MongoDB restart into 5 s of errors.  Calls made through db_client()
 * and db_fail() avoid it: after a network or server-selection failure the
 * client is dropped and, once DB_RESCAN_MS has passed, the next call
 * builds a fresh one that scans at once.  Within DB_RESCAN_MS calls still
 * fail fast on the old client, so a blackholed server is not hammered.
 * Every operation must therefore take its client from db_client() and
 * report driver errors with db_fail().
 * db_ping() uses a second client of its own with 1 s timeouts whatever
 * the URI says, recreated after every failure, so health checks answer
 * quickly and report recovery at once.
 *
 * The URI may hold a password: only the scheme and hosts are ever logged,
 * and driver messages (which name hosts, never credentials) go to a
 * verr's log-only detail.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mongoc/mongoc.h>

#include "cfg.h"
#include "db_internal.h"
#include "db_mongo.h"
#include "json.h"
#include "log.h"
#include "verr.h"
#include "xmem.h"

#define DB_CONNECT_MS	1000
#define DB_SOCKET_MS	2500
#define DB_SELECT_MS	2000	/* default of cfg->mongo_timeout_ms */
#define DB_PING_MS	1000	/* every timeout of the ping client */
#define DB_RESCAN_MS	1000	/* fail fast this long after failing */
#define DB_LOCK_WAIT_MS	2000	/* longest wait for a document lock */
#define DB_LOCK_STALE_MS 5000	/* a lock this old has lost its holder */

struct db {
	mongoc_uri_t	*db_uri;	/* with our timeouts */
	mongoc_client_t	*db_cli;	/* NULL until first use */
	mongoc_client_t	*db_pingcli;	/* db_ping() only */
	char		*db_name;
	char		 db_safeuri[256]; /* scheme and hosts, for logs */
	long long	 db_failed;	/* ms of last network failure */
	int		 db_serialize;	/* -1 unknown, 0 no, 1 lock updates */
};

/* One index of DESIGN.md section 5: fields comma-separated, '-' desc. */
struct db_index {
	const char	*coll;
	const char	*keys;
	int		 flags;
#define DB_UNIQUE	0x01
#define DB_SPARSE	0x02	/* only documents holding the field */
};

static const struct db_index db_indexes[] = {
	{ "users", "email", DB_UNIQUE },
	{ "users", "username", DB_UNIQUE | DB_SPARSE },
	{ "users", "vid", DB_UNIQUE },
	{ "users", "walletAddress", 0 },
	{ "users", "nameLower", 0 },
	{ "users", "-followerCount,_id", 0 },
	{ "users", "state", DB_SPARSE },
	{ "follows", "followerId,followingId", DB_UNIQUE },
	{ "follows", "followingId,-createdAt,-_id", 0 },
	{ "follows", "followerId,-createdAt,-_id", 0 },
	{ "follows", "followerId,-_id", 0 },
	{ "posts", "userId,-createdAt,-_id", 0 },
	{ "posts", "originalPostId,userId", 0 },
	{ "posts", "-createdAt", 0 },
	{ "comments", "postId,-createdAt,-_id", 0 },
	{ "reactions", "userId,postId,reactionType", DB_UNIQUE },
	{ "reactions", "postId", 0 },
	{ "bookmarks", "userId,postId", DB_UNIQUE },
	{ "bookmarks", "userId,-createdAt,-_id", 0 },
	{ "bookmarks", "postId", 0 },
	{ "stories", "userId,-createdAt,-_id", 0 },
	{ "stories", "expiresAt", 0 },
	{ "uploads", "expiresAt", 0 },
	{ "posts", "mediaPending", DB_SPARSE },
	{ "stories", "mediaPending", DB_SPARSE },
	{ "notifications", "userId,-createdAt,-_id", 0 },
	{ "notifications", "userId,read", 0 },
	{ "notifications", "dedupeKey", DB_UNIQUE | DB_SPARSE },
	{ "notifications", "eventId", DB_UNIQUE | DB_SPARSE },
	{ "notifications", "postId,actorId", 0 },
	{ "notifications", "commentId", 0 },
	{ "notifications", "actorId", 0 },
	{ "sessions", "user_id,-created_at,-_id", 0 },
	{ "sessions", "refresh_token_hash", DB_UNIQUE | DB_SPARSE },
	{ "sessions", "rotated_hashes", 0 },
	{ "outbox", "createdAt", 0 },
	{ "blocks", "userId,targetId", DB_UNIQUE },
	{ "blocks", "targetId,userId", 0 },
	{ "blocks", "userId,-createdAt,-_id", 0 },
	{ "mutes", "userId,targetId", DB_UNIQUE },
	{ "mutes", "userId,-createdAt,-_id", 0 },
	{ "reports", "openKey", DB_UNIQUE | DB_SPARSE },
	{ "reports", "status,createdAt", 0 },
	{ "reports", "targetId,status", 0 },
	{ "reports", "reporterId", 0 },
	{ "comments", "userId", 0 },
	{ "mutes", "targetId", 0 },
};

#define DB_NINDEXES	(sizeof(db_indexes) / sizeof(db_indexes[0]))

static long long
db_now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Route the driver's own messages through log.c.  Its warnings are
 * routine (FerretDB answers "no such command" to endSessions at every
 * exit), so they are debug; errors stay errors.
 */
static void
db_log_handler(mongoc_log_level_t lvl, const char *domain, const char *msg,
    void *arg)
{
	(void)arg;
	if (lvl <= MONGOC_LOG_LEVEL_CRITICAL)
		log_err("%s: %s", domain, msg);
	else
		log_debug("%s: %s", domain, msg);
}

void
db_init(void)
{
	mongoc_init();
	mongoc_log_trace_disable();
	mongoc_log_set_handler(db_log_handler, NULL);
}

void
db_shutdown(void)
{
	mongoc_cleanup();
}

/*
 * Copy the scheme and host list of uri into out: "mongodb://h1:1,h2:2".
 * Whatever lies before '@' (credentials) and from '/' or '?' on (the
 * options, which may hold AWS session tokens) is left out.
 */
static void
db_redact(const char *uri, char *out, size_t outsz)
{
	const char	*p, *h, *at;
	size_t		 n;

	if ((p = strstr(uri, "://")) == NULL) {
		snprintf(out, outsz, "(unparsable URI)");
		return;
	}
	h = p + 3;
	n = strcspn(h, "/?");
	if ((at = memchr(h, '@', n)) != NULL) {
		/* The password may itself contain '@' only percent-encoded. */
		while ((p = memchr(at + 1, '@', n - (at + 1 - h))) != NULL)
			at = p;
		n -= at + 1 - h;
		h = at + 1;
	}
	snprintf(out, outsz, "%.*s://%.*s", (int)(strstr(uri, "://") - uri),
	    uri, (int)n, h);
}

/* Set an int32 URI option unless the URI already has it. */
static void
db_uri_default(mongoc_uri_t *uri, const char *opt, int32_t v)
{
	if (!mongoc_uri_has_option(uri, opt))
		mongoc_uri_set_option_as_int32(uri, opt, v);
}

/*
 * Writes that must not be lost wait for a majority of a replica set when
 * mongo_write_concern says "majority" (or for N members); "" keeps what
 * the URI or the driver says.  Retryable writes and reads are the
 * driver's default and stay on, so a write interrupted by an election is
 * sent again to the new primary.
 */
static void
db_write_concern(mongoc_uri_t *uri, const char *w)
{
	mongoc_write_concern_t	*wc;

	if (w == NULL || *w == '\0')
		return;
	wc = mongoc_write_concern_new();
	if (strcmp(w, "majority") == 0)
		mongoc_write_concern_set_wmajority(wc, 5000);
	else
		mongoc_write_concern_set_w(wc, atoi(w));
	mongoc_uri_set_write_concern(uri, wc);
	mongoc_write_concern_destroy(wc);
}

struct db *
db_new(const struct cfg *c, struct verr *e)
{
	struct db	*db;
	bson_error_t	 be;
	const char	*s;

	db = xcalloc(1, sizeof(*db));
	db->db_serialize = -1;
	s = c->mongo_uri != NULL && c->mongo_uri[0] != '\0' ? c->mongo_uri :
	    "mongodb://127.0.0.1:27017";
	db_redact(s, db->db_safeuri, sizeof(db->db_safeuri));
	/*
	 * The driver's parse message may quote an option's value, and
	 * authMechanismProperties can hold a token: keep it out of logs.
	 */
	if ((db->db_uri = mongoc_uri_new_with_error(s, &be)) == NULL) {
		verr_internal(e, "mongo: MONGO_URI %s: not a valid connection "
		    "string", db->db_safeuri);
		db_free(db);
		return NULL;
	}
	db_uri_default(db->db_uri, MONGOC_URI_SERVERSELECTIONTIMEOUTMS,
	    c->mongo_timeout_ms > 0 ? c->mongo_timeout_ms : DB_SELECT_MS);
	db_uri_default(db->db_uri, MONGOC_URI_CONNECTTIMEOUTMS,
	    DB_CONNECT_MS);
	db_uri_default(db->db_uri, MONGOC_URI_SOCKETTIMEOUTMS, DB_SOCKET_MS);
	if (mongoc_uri_get_appname(db->db_uri) == NULL)
		mongoc_uri_set_appname(db->db_uri, "vybes");
	db_write_concern(db->db_uri, c->mongo_write_concern);
	s = c->db_name != NULL && c->db_name[0] != '\0' ? c->db_name :
	    mongoc_uri_get_database(db->db_uri);
	db->db_name = xstrdup(s != NULL ? s : "vybes");
	return db;
}

void
db_free(struct db *db)
{
	if (db == NULL)
		return;
	mongoc_client_destroy(db->db_pingcli);
	mongoc_client_destroy(db->db_cli);
	mongoc_uri_destroy(db->db_uri);
	free(db->db_name);
	free(db);
}

static mongoc_client_t *
db_client_new(const struct db *db, const mongoc_uri_t *uri, struct verr *e)
{
	mongoc_client_t	*cli;
	bson_error_t	 be;
	char		 why[sizeof(be.message) + 300];

	if ((cli = mongoc_client_new_from_uri_with_error(uri, &be)) == NULL) {
		snprintf(why, sizeof(why), "%s: %s", db->db_safeuri,
		    be.message);
		verr_backend(e, "mongo", why);
		return NULL;
	}
	/* Server errors get domain MONGOC_ERROR_SERVER, as db_fail() wants. */
	mongoc_client_set_error_api(cli, MONGOC_ERROR_API_VERSION_2);
	return cli;
}

/*
 * The client for a call, created if needed (see the opening comment for
 * when a failed one is replaced).  NULL with 503 in e.
 */
mongoc_client_t *
db_client(struct db *db, struct verr *e)
{
	if (db->db_cli != NULL && db->db_failed != 0 &&
	    db_now_ms() - db->db_failed >= DB_RESCAN_MS) {
		mongoc_client_destroy(db->db_cli);
		db->db_cli = NULL;
	}
	if (db->db_cli == NULL) {
		db->db_failed = 0;
		db->db_cli = db_client_new(db, db->db_uri, e);
	}
	return db->db_cli;
}

/* Is this a failure to reach the server rather than a refusal by it? */
static int
db_is_network(const bson_error_t *be)
{
	return be->domain == MONGOC_ERROR_SERVER_SELECTION ||
	    be->domain == MONGOC_ERROR_STREAM ||
	    (be->domain == MONGOC_ERROR_CLIENT &&
	    be->code == MONGOC_ERROR_CLIENT_AUTHENTICATE);
}

/*
 * Record the driver error `be' of operation `what': 503 when the server
 * could not be reached (and the client is marked for replacement), else
 * 500 internal.  Always returns -1.
 */
int
db_fail(struct db *db, const char *what, const bson_error_t *be,
    struct verr *e)
{
	char	 why[sizeof(be->message) + sizeof(db->db_safeuri) + 128];

	snprintf(why, sizeof(why), "%s: %s: %s", what, db->db_safeuri,
	    be->message);
	if (db_is_network(be)) {
		if (db->db_failed == 0)
			db->db_failed = db_now_ms();
		return verr_backend(e, "mongo", why);
	}
	verr_internal(e, "mongo: %s (error %u.%u)", why, be->domain, be->code);
	return -1;
}

int
db_ping(struct db *db, struct verr *e)
{
	mongoc_uri_t	*uri = NULL;
	bson_t		*cmd = NULL;
	bson_error_t	 be;
	char		 why[sizeof(be.message) + 300];
	int		 rc = -1;

	if (db->db_pingcli == NULL) {
		if ((uri = mongoc_uri_copy(db->db_uri)) == NULL)
			xnomem("mongoc_uri_copy");
		mongoc_uri_set_option_as_int32(uri,
		    MONGOC_URI_SERVERSELECTIONTIMEOUTMS, DB_PING_MS);
		mongoc_uri_set_option_as_int32(uri,
		    MONGOC_URI_CONNECTTIMEOUTMS, DB_PING_MS);
		mongoc_uri_set_option_as_int32(uri,
		    MONGOC_URI_SOCKETTIMEOUTMS, DB_PING_MS);
		if ((db->db_pingcli = db_client_new(db, uri, e)) == NULL)
			goto out;
	}
	cmd = BCON_NEW("ping", BCON_INT32(1));
	if (!mongoc_client_command_simple(db->db_pingcli, "admin", cmd, NULL,
	    NULL, &be)) {
		snprintf(why, sizeof(why), "ping: %s: %s", db->db_safeuri,
		    be.message);
		verr_backend(e, "mongo", why);
		/* A fresh client skips the 5 s cooldown on the next ping. */
		mongoc_client_destroy(db->db_pingcli);
		db->db_pingcli = NULL;
		goto out;
	}
	rc = 0;
out:
	bson_destroy(cmd);
	mongoc_uri_destroy(uri);
	return rc;
}

/*
 * Append to the array `arr' the index document of ix, numbered i:
 * {key: {...}, name: "f1_1_f2_-1", unique: true, sparse: true}.
 */
static void
db_index_doc(const struct db_index *ix, bson_t *arr, uint32_t i)
{
	bson_t		 doc, key;
	char		 name[128], field[64], nbuf[16];
	const char	*p, *idx;
	size_t		 n, len = 0;
	int		 dir;

	bson_uint32_to_string(i, &idx, nbuf, sizeof(nbuf));
	bson_append_document_begin(arr, idx, -1, &doc);
	bson_append_document_begin(&doc, "key", -1, &key);
	name[0] = '\0';
	for (p = ix->keys; *p != '\0'; p += n + (p[n] == ',')) {
		dir = 1;
		if (*p == '-') {
			dir = -1;
			p++;
		}
		n = strcspn(p, ",");
		snprintf(field, sizeof(field), "%.*s", (int)n, p);
		bson_append_int32(&key, field, -1, dir);
		len += snprintf(name + len, sizeof(name) - len, "%s%s_%d",
		    len ? "_" : "", field, dir);
		if (len >= sizeof(name))
			abort();	/* a table entry too long: a bug */
	}
	bson_append_document_end(&doc, &key);
	bson_append_utf8(&doc, "name", -1, name, -1);
	if (ix->flags & DB_UNIQUE)
		bson_append_bool(&doc, "unique", -1, true);
	if (ix->flags & DB_SPARSE)
		bson_append_bool(&doc, "sparse", -1, true);
	bson_append_document_end(arr, &doc);
}

int
db_migrate(struct db *db, struct verr *e)
{
	mongoc_client_t	*cli;
	bson_t		 cmd, arr;
	bson_error_t	 be;
	char		 what[64];
	size_t		 i;

	if ((cli = db_client(db, e)) == NULL)
		return -1;
	/*
	 * One index per createIndexes: FerretDB 1.24 drops the connection
	 * when several indexes that all exist already come in one command.
	 * An index that exists with the same keys and options is a no-op.
	 */
	for (i = 0; i < DB_NINDEXES; i++) {
		bson_init(&cmd);
		bson_append_utf8(&cmd, "createIndexes", -1, db_indexes[i].coll,
		    -1);
		bson_append_array_begin(&cmd, "indexes", -1, &arr);
		db_index_doc(&db_indexes[i], &arr, 0);
		bson_append_array_end(&cmd, &arr);
		if (!mongoc_client_command_simple(cli, db->db_name, &cmd, NULL,
		    NULL, &be)) {
			bson_destroy(&cmd);
			snprintf(what, sizeof(what), "createIndexes %s",
			    db_indexes[i].coll);
			return db_fail(db, what, &be, e);
		}
		bson_destroy(&cmd);
	}
	return 0;
}

/*
 * Does the server apply an update as a separate read and write of the
 * whole document?  FerretDB 1.x does: two concurrent $inc of one
 * document lose one of them, and an update of one field can undo a
 * concurrent update of another.  MongoDB updates a document atomically.
 * Asked once per client with buildInfo, which FerretDB marks.
 */
static int
db_needs_locks(struct db *db)
{
	mongoc_client_t	*cli;
	bson_t		 cmd = BSON_INITIALIZER, reply;
	bson_iter_t	 it;
	bson_error_t	 be;
	struct verr	 e;

	if (db->db_serialize != -1)
		return db->db_serialize;
	verr_init(&e);
	if ((cli = db_client(db, &e)) == NULL)
		return 1;
	BSON_APPEND_INT32(&cmd, "buildInfo", 1);
	if (!mongoc_client_command_simple(cli, "admin", &cmd, NULL, &reply,
	    &be)) {
		bson_destroy(&cmd);
		bson_destroy(&reply);
		return 1;
	}
	db->db_serialize = bson_iter_init_find(&it, &reply, "ferretdbVersion");
	if (db->db_serialize)
		log_info("mongo: server updates are not atomic (FerretDB): "
		    "serializing document updates with locks");
	bson_destroy(&cmd);
	bson_destroy(&reply);
	return db->db_serialize;
}

/* Index: locks _id (the insert, and the delete of a stale lock). */
int
db_lock(struct db *db, const char *coll, const char *id, struct verr *e)
{
	mongoc_collection_t	*c;
	bson_t			 doc, stale, lt;
	bson_error_t		 be;
	struct timespec		 nap = { 0, 1000000 };
	char			 key[160];
	long long		 start = db_now_ms(), now;
	int			 rc = -1;

	if (!db_needs_locks(db))
		return 0;
	if ((c = db_coll(db, "locks", e)) == NULL)
		return -1;
	snprintf(key, sizeof(key), "%s:%s", coll, id);
	/*
	 * A unique _id is the one thing every server enforces atomically:
	 * whoever inserts the lock document holds the lock.  A lock older
	 * than DB_LOCK_STALE_MS belongs to a dead process and is broken.
	 */
	for (;;) {
		now = json_now_ms();
		bson_init(&doc);
		BSON_APPEND_UTF8(&doc, "_id", key);
		BSON_APPEND_DATE_TIME(&doc, "at", now);
		if (mongoc_collection_insert_one(c, &doc, NULL, NULL, &be)) {
			bson_destroy(&doc);
			rc = 0;
			break;
		}
		bson_destroy(&doc);
		if (be.code != DB_DUPKEY) {
			db_fail(db, "insert locks", &be, e);
			break;
		}
		if (db_now_ms() - start > DB_LOCK_WAIT_MS) {
			verr_backend(e, "mongo", "lock wait timed out");
			break;
		}
		bson_init(&stale);
		BSON_APPEND_UTF8(&stale, "_id", key);
		BSON_APPEND_DOCUMENT_BEGIN(&stale, "at", &lt);
		BSON_APPEND_DATE_TIME(&lt, "$lt", now - DB_LOCK_STALE_MS);
		bson_append_document_end(&stale, &lt);
		(void)mongoc_collection_delete_one(c, &stale, NULL, NULL, NULL);
		bson_destroy(&stale);
		nanosleep(&nap, NULL);
		if (nap.tv_nsec < 16000000)
			nap.tv_nsec *= 2;
	}
	mongoc_collection_destroy(c);
	return rc;
}

/* Index: locks _id. */
void
db_unlock(struct db *db, const char *coll, const char *id)
{
	mongoc_collection_t	*c;
	bson_t			 q = BSON_INITIALIZER;
	struct verr		 e;
	char			 key[160];

	if (db->db_serialize != 1)
		return;
	verr_init(&e);
	if ((c = db_coll(db, "locks", &e)) == NULL)
		return;
	snprintf(key, sizeof(key), "%s:%s", coll, id);
	BSON_APPEND_UTF8(&q, "_id", key);
	if (!mongoc_collection_delete_one(c, &q, NULL, NULL, NULL))
		log_warnx("mongo: lock %s not released; it expires in %d ms",
		    key, DB_LOCK_STALE_MS);
	mongoc_collection_destroy(c);
	bson_destroy(&q);
}

mongoc_collection_t *
db_coll(struct db *db, const char *name, struct verr *e)
{
	mongoc_client_t	*cli;

	if ((cli = db_client(db, e)) == NULL)
		return NULL;
	return mongoc_client_get_collection(cli, db->db_name, name);
}

/* Copy the string field `key' of doc into out (size n), "" if absent. */
void
db_get_str(const bson_t *doc, const char *key, char *out, size_t n)
{
	bson_iter_t	 it;
	const char	*s;
	uint32_t	 len;

	out[0] = '\0';
	if (bson_iter_init_find(&it, doc, key) && BSON_ITER_HOLDS_UTF8(&it)) {
		s = bson_iter_utf8(&it, &len);
		snprintf(out, n, "%.*s", (int)len, s);
	}
}

int64_t
db_get_int(const bson_t *doc, const char *key)
{
	bson_iter_t	 it;

	if (bson_iter_init_find(&it, doc, key) &&
	    (BSON_ITER_HOLDS_INT32(&it) || BSON_ITER_HOLDS_INT64(&it) ||
	    BSON_ITER_HOLDS_DOUBLE(&it)))
		return bson_iter_as_int64(&it);
	if (bson_iter_init_find(&it, doc, key) &&
	    BSON_ITER_HOLDS_DATE_TIME(&it))
		return bson_iter_date_time(&it);
	return 0;
}

/* Parse a 24-hex id into oid; -1 (404 not_found) when malformed. */
int
db_parse_oid(const char *id, bson_oid_t *oid, struct verr *e)
{
	if (!bson_oid_is_valid(id, strlen(id)) || strlen(id) != 24)
		return verr_set(e, 404, "not_found", "Not found");
	bson_oid_init_from_string(oid, id);
	return 0;
}


void
db_oidstr(const bson_t *doc, const char *key, char out[25])
{
	bson_iter_t	 it;

	out[0] = '\0';
	if (bson_iter_init_find(&it, doc, key) && BSON_ITER_HOLDS_OID(&it))
		bson_oid_to_string(bson_iter_oid(&it), out);
}

/* {field: oid(id)} into q. */
int
db_q_oid(bson_t *q, const char *field, const char *id, struct verr *e)
{
	bson_oid_t	 oid;

	if (db_parse_oid(id, &oid, e) == -1)
		return -1;
	BSON_APPEND_OID(q, field, &oid);
	return 0;
}

/* {field: {op: [oid...]}} into q. */
static int
db_q_set(bson_t *q, const char *field, const char *op,
    const char *const *ids, size_t n, struct verr *e)
{
	bson_t		 in, arr;
	bson_oid_t	 oid;
	const char	*key;
	char		 buf[16];
	size_t		 i;

	BSON_APPEND_DOCUMENT_BEGIN(q, field, &in);
	BSON_APPEND_ARRAY_BEGIN(&in, op, &arr);
	for (i = 0; i < n; i++) {
		if (db_parse_oid(ids[i], &oid, e) == -1)
			return -1;
		bson_uint32_to_string((uint32_t)i, &key, buf, sizeof(buf));
		BSON_APPEND_OID(&arr, key, &oid);
	}
	bson_append_array_end(&in, &arr);
	bson_append_document_end(q, &in);
	return 0;
}

int
db_q_in(bson_t *q, const char *field, const char *const *ids, size_t n,
    struct verr *e)
{
	return db_q_set(q, field, "$in", ids, n, e);
}

int
db_q_nin(bson_t *q, const char *field, const char *const *ids, size_t n,
    struct verr *e)
{
	return db_q_set(q, field, "$nin", ids, n, e);
}

/* Run q with opts on coll, passing each document to conv/fn. */
int
db_each(struct db *db, const char *coll, const bson_t *q, const bson_t *opts,
    void (*each)(const bson_t *, void *), void *arg, struct verr *e)
{
	mongoc_collection_t	*c;
	mongoc_cursor_t		*cur;
	const bson_t		*doc;
	bson_error_t		 be;
	int			 n = 0;

	if ((c = db_coll(db, coll, e)) == NULL)
		return -1;
	cur = mongoc_collection_find_with_opts(c, q, opts, NULL);
	while (mongoc_cursor_next(cur, &doc)) {
		each(doc, arg);
		n++;
	}
	if (mongoc_cursor_error(cur, &be))
		n = db_fail(db, "find", &be, e);
	mongoc_cursor_destroy(cur);
	mongoc_collection_destroy(c);
	return n;
}

struct db_idf {
	const char	*field;
	void		(*fn)(const char *, void *);
	void		*arg;
};

static void
db_idf_each(const bson_t *doc, void *arg)
{
	struct db_idf	*f = arg;
	char		 id[25];

	db_oidstr(doc, f->field, id);
	if (id[0] != '\0')
		f->fn(id, f->arg);
}

int
db_each_id(struct db *db, const char *coll, const bson_t *q,
    const char *field, void (*fn)(const char *, void *), void *arg,
    struct verr *e)
{
	bson_t		 opts = BSON_INITIALIZER, proj;
	struct db_idf	 f = { field, fn, arg };
	int		 rc;

	BSON_APPEND_DOCUMENT_BEGIN(&opts, "projection", &proj);
	BSON_APPEND_INT32(&proj, field, 1);
	bson_append_document_end(&opts, &proj);
	rc = db_each(db, coll, q, &opts, db_idf_each, &f, e);
	bson_destroy(&opts);
	return rc;
}

/*
 * Index: {field: 1, createdAt: -1, _id: -1} of coll (each caller names its
 *     own).
 */
int
db_each_page(struct db *db, const char *coll, const char *field,
    const char *id, const struct db_page *pg,
    void (*each)(const bson_t *, void *), void *arg, struct verr *e)
{
	bson_t	 q = BSON_INITIALIZER, opts = BSON_INITIALIZER;
	int	 rc = -1;

	if (db_q_oid(&q, field, id, e) == 0 &&
	    db_page_apply(&q, &opts, "createdAt", pg, e) == 0)
		rc = db_each(db, coll, &q, &opts, each, arg, e);
	bson_destroy(&q);
	bson_destroy(&opts);
	return rc;
}


/* Find one document of coll matching q; fn converts it.  404 if none. */
int
db_find_one(struct db *db, const char *coll, const bson_t *q,
    void (*conv)(const bson_t *, void *), void *out, struct verr *e)
{
	mongoc_collection_t	*c;
	mongoc_cursor_t		*cur;
	const bson_t		*doc;
	bson_error_t		 be;
	int			 rc = -1;

	if ((c = db_coll(db, coll, e)) == NULL)
		return -1;
	cur = mongoc_collection_find_with_opts(c, q, NULL, NULL);
	if (mongoc_cursor_next(cur, &doc)) {
		conv(doc, out);
		rc = 0;
	} else if (mongoc_cursor_error(cur, &be))
		db_fail(db, "find", &be, e);
	else
		verr_set(e, 404, "not_found", "Not found");
	mongoc_cursor_destroy(cur);
	mongoc_collection_destroy(c);
	return rc;
}


/*
 * $inc {field: n} on document id of collection coll.
 * Index: _id of coll.
 */
int
db_inc(struct db *db, const char *coll, const char *id, const char *field,
    int64_t n, struct verr *e)
{
	mongoc_collection_t	*c;
	bson_t			 q = BSON_INITIALIZER, upd = BSON_INITIALIZER, inc;
	bson_oid_t		 oid;
	bson_error_t		 be;
	int			 rc = -1;

	if (db_parse_oid(id, &oid, e) == -1 ||
	    (c = db_coll(db, coll, e)) == NULL) {
		bson_destroy(&q);
		bson_destroy(&upd);
		return -1;
	}
	BSON_APPEND_OID(&q, "_id", &oid);
	BSON_APPEND_DOCUMENT_BEGIN(&upd, "$inc", &inc);
	BSON_APPEND_INT64(&inc, field, n);
	bson_append_document_end(&upd, &inc);
	if (db_lock(db, coll, id, e) == 0) {
		if (!mongoc_collection_update_one(c, &q, &upd, NULL, NULL, &be))
			db_fail(db, "update counter", &be, e);
		else
			rc = 0;
		db_unlock(db, coll, id);
	}
	mongoc_collection_destroy(c);
	bson_destroy(&q);
	bson_destroy(&upd);
	return rc;
}

/*
 * Delete from coll the documents matching q; *n gets how many went.
 */
int
db_delete(struct db *db, const char *coll, const bson_t *q, int many,
    int64_t *n, struct verr *e)
{
	mongoc_collection_t	*c;
	bson_t			 reply;
	bson_error_t		 be;
	bson_iter_t		 it;
	bool			 ok;
	int			 rc = -1;

	if ((c = db_coll(db, coll, e)) == NULL)
		return -1;
	bson_init(&reply);
	ok = many ? mongoc_collection_delete_many(c, q, NULL, &reply, &be) :
	    mongoc_collection_delete_one(c, q, NULL, &reply, &be);
	if (!ok)
		db_fail(db, "delete", &be, e);
	else {
		if (n != NULL)
			*n = bson_iter_init_find(&it, &reply, "deletedCount") ?
			    bson_iter_as_int64(&it) : 0;
		rc = 0;
	}
	bson_destroy(&reply);
	mongoc_collection_destroy(c);
	return rc;
}

/*
 * Add the keyset condition "(sortField, _id) < (after_key, after_id)"
 * and the sort, skip and limit of pg to q and opts.
 * Index: the sort and the keyset condition need {<equality fields>,
 *     sortfield: -1, _id: -1}.
 */
int
db_page_apply(bson_t *q, bson_t *opts, const char *sortfield,
    const struct db_page *pg, struct verr *e)
{
	bson_t		 or, d0, d1, lt, lt2, sort;
	bson_oid_t	 aid;

	if (pg->after) {
		if (db_parse_oid(pg->after_id, &aid, e) == -1)
			return -1;
		BSON_APPEND_ARRAY_BEGIN(q, "$or", &or);
		BSON_APPEND_DOCUMENT_BEGIN(&or, "0", &d0);
		BSON_APPEND_DOCUMENT_BEGIN(&d0, sortfield, &lt);
		BSON_APPEND_DATE_TIME(&lt, "$lt", pg->after_key);
		bson_append_document_end(&d0, &lt);
		bson_append_document_end(&or, &d0);
		BSON_APPEND_DOCUMENT_BEGIN(&or, "1", &d1);
		BSON_APPEND_DATE_TIME(&d1, sortfield, pg->after_key);
		BSON_APPEND_DOCUMENT_BEGIN(&d1, "_id", &lt2);
		BSON_APPEND_OID(&lt2, "$lt", &aid);
		bson_append_document_end(&d1, &lt2);
		bson_append_document_end(&or, &d1);
		bson_append_array_end(q, &or);
	}
	BSON_APPEND_DOCUMENT_BEGIN(opts, "sort", &sort);
	BSON_APPEND_INT32(&sort, sortfield, -1);
	BSON_APPEND_INT32(&sort, "_id", -1);
	bson_append_document_end(opts, &sort);
	if (!pg->after && pg->skip > 0)
		BSON_APPEND_INT64(opts, "skip", (int64_t)pg->skip);
	BSON_APPEND_INT64(opts, "limit", (int64_t)pg->limit);
	return 0;
}


/* Index: the unique index of coll on the fields of doc (the delete). */
int
db_relation_set(struct db *db, const char *coll, bson_t *doc, int on,
    int *changed, struct verr *e)
{
	mongoc_collection_t	*c;
	bson_oid_t		 oid;
	bson_error_t		 be;
	int64_t			 n = 0;
	int			 rc = -1;

	*changed = 0;
	if (!on) {
		if (db_delete(db, coll, doc, 0, &n, e) == -1)
			return -1;
		*changed = n > 0;
		return 0;
	}
	if ((c = db_coll(db, coll, e)) == NULL)
		return -1;
	bson_oid_init(&oid, NULL);
	BSON_APPEND_OID(doc, "_id", &oid);
	BSON_APPEND_DATE_TIME(doc, "createdAt", json_now_ms());
	/* The unique index refuses a second copy: the first one is kept. */
	if (mongoc_collection_insert_one(c, doc, NULL, NULL, &be)) {
		*changed = 1;
		rc = 0;
	} else if (be.code == DB_DUPKEY)
		rc = 0;
	else
		db_fail(db, "insert relation", &be, e);
	mongoc_collection_destroy(c);
	return rc;
}

/* Index: _id of coll. */
int
db_find_id(struct db *db, const char *coll, const char *id,
    void (*conv)(const bson_t *, void *), void *out, struct verr *e)
{
	bson_t	 q = BSON_INITIALIZER;
	int	 rc = -1;

	if (db_q_oid(&q, "_id", id, e) == 0)
		rc = db_find_one(db, coll, &q, conv, out, e);
	bson_destroy(&q);
	return rc;
}

/* Index: _id of coll. */
int
db_delete_id(struct db *db, const char *coll, const char *id, struct verr *e)
{
	bson_t	 q = BSON_INITIALIZER;
	int64_t	 n = 0;
	int	 rc = -1;

	if (db_q_oid(&q, "_id", id, e) == 0 &&
	    db_delete(db, coll, &q, 0, &n, e) == 0)
		rc = n > 0;
	bson_destroy(&q);
	return rc;
}
