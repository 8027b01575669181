/*
 * The users store.  Field names are the reference's (API.md Appendix B)
 * so a database it wrote can be taken over; one-time codes are stored
 * only as hashes (otpHash), never as the reference's clear `otp'.
 * Uniqueness of email, username and vid is enforced by unique indexes
 * (vybesctl migrate), so two concurrent registrations cannot both win.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_internal.h"
#include "db_users.h"
#include "json.h"
#include "verr.h"
#include "xmem.h"

static void
db_user_from_bson(const bson_t *doc, void *out)
{
	struct user	*u = out;
	bson_iter_t	 it;

	memset(u, 0, sizeof(*u));
	if (bson_iter_init_find(&it, doc, "_id") && BSON_ITER_HOLDS_OID(&it))
		bson_oid_to_string(bson_iter_oid(&it), u->id);
	u->vid = db_get_int(doc, "vid");
	db_get_str(doc, "name", u->name, sizeof(u->name));
	db_get_str(doc, "email", u->email, sizeof(u->email));
	db_get_str(doc, "username", u->username, sizeof(u->username));
	db_get_str(doc, "pfpUrl", u->pfp_url, sizeof(u->pfp_url));
	db_get_str(doc, "bannerUrl", u->banner_url, sizeof(u->banner_url));
	db_get_str(doc, "bio", u->bio, sizeof(u->bio));
	db_get_str(doc, "walletAddress", u->wallet_address,
	    sizeof(u->wallet_address));
	db_get_str(doc, "password", u->password, sizeof(u->password));
	db_get_str(doc, "encryptedPrivateKey", u->enc_key, sizeof(u->enc_key));
	db_get_str(doc, "otpHash", u->otp_hash, sizeof(u->otp_hash));
	u->total_like_count = db_get_int(doc, "totalLikeCount");
	u->post_count = db_get_int(doc, "postCount");
	u->follower_count = db_get_int(doc, "followerCount");
	u->following_count = db_get_int(doc, "followingCount");
	u->otp_expires_ms = db_get_int(doc, "otpExpires");
	u->otp_attempts = (int)db_get_int(doc, "otpAttempts");
	db_get_str(doc, "state", u->state, sizeof(u->state));
	u->deleted_ms = db_get_int(doc, "deletedAt");
}

/* Index: users _id. */
int
db_user_by_id(struct db *db, const char *id, struct user *u, struct verr *e)
{
	return db_find_id(db, "users", id, db_user_from_bson, u, e);
}

/*
 * db_find_one() of the user whose string field equals val.
 * Index: users {email: 1} or {username: 1}, both unique.
 */
static int
db_user_by_str(struct db *db, const char *field, const char *val,
    struct user *u, struct verr *e)
{
	bson_t	 q = BSON_INITIALIZER;
	int	 rc;

	BSON_APPEND_UTF8(&q, field, val);
	rc = db_find_one(db, "users", &q, db_user_from_bson, u, e);
	bson_destroy(&q);
	return rc;
}

int
db_user_by_email(struct db *db, const char *email, struct user *u,
    struct verr *e)
{
	return db_user_by_str(db, "email", email, u, e);
}

int
db_user_by_username(struct db *db, const char *username, struct user *u,
    struct verr *e)
{
	return db_user_by_str(db, "username", username, u, e);
}

/* Index: users {vid: 1} unique. */
int
db_user_by_vid(struct db *db, int64_t vid, struct user *u, struct verr *e)
{
	bson_t	 q = BSON_INITIALIZER;
	int	 rc;

	BSON_APPEND_INT64(&q, "vid", vid);
	rc = db_find_one(db, "users", &q, db_user_from_bson, u, e);
	bson_destroy(&q);
	return rc;
}

int
db_user_username_taken(struct db *db, const char *username, struct verr *e)
{
	struct user	 u;
	struct verr	 nf;

	verr_init(&nf);
	if (db_user_by_username(db, username, &u, &nf) == 0)
		return 1;
	if (nf.status == 404)
		return 0;
	*e = nf;
	return -1;
}

/* Index: counters _id (findAndModify). */
int
db_user_next_vid(struct db *db, int64_t *vid, struct verr *e)
{
	mongoc_collection_t	*c;
	bson_t			 q = BSON_INITIALIZER, upd = BSON_INITIALIZER;
	bson_t			 inc, reply, val;
	bson_error_t		 be;
	bson_iter_t		 it;
	const uint8_t		*data;
	uint32_t		 len;
	int			 rc = -1, tries;
	bool			 ok;

	bson_init(&reply);
	if ((c = db_coll(db, "counters", e)) == NULL)
		goto out;
	BSON_APPEND_UTF8(&q, "_id", "user_vid");
	BSON_APPEND_DOCUMENT_BEGIN(&upd, "$inc", &inc);
	BSON_APPEND_INT64(&inc, "seq", 1);
	bson_append_document_end(&upd, &inc);
	if (db_lock(db, "counters", "user_vid", e) == -1)
		goto out;
	/* Two first upserts may race to create the counter: retry once. */
	for (tries = 0; tries < 2; tries++) {
		bson_reinit(&reply);
		if ((ok = mongoc_collection_find_and_modify(c, &q, NULL, &upd,
		    NULL, false, true, true, &reply, &be)) ||
		    be.code != DB_DUPKEY)
			break;
	}
	db_unlock(db, "counters", "user_vid");
	if (!ok) {
		db_fail(db, "findAndModify counters", &be, e);
		goto out;
	}
	if (!bson_iter_init_find(&it, &reply, "value") ||
	    !BSON_ITER_HOLDS_DOCUMENT(&it)) {
		verr_internal(e, "mongo: counters: no value in reply");
		goto out;
	}
	bson_iter_document(&it, &len, &data);
	if (!bson_init_static(&val, data, len))
		goto out;
	*vid = db_get_int(&val, "seq");
	rc = 0;
out:
	mongoc_collection_destroy(c);
	bson_destroy(&q);
	bson_destroy(&upd);
	bson_destroy(&reply);
	return rc;
}

/*
 * After a write of (email, username) for user `self' (NULL on insert)
 * failed with `be', say whether a unique field clashed: -1 with 409
 * conflict naming it (or 503 when that cannot be asked), 0 when neither
 * did.  Asked of the data, not read from the driver's message, because
 * MongoDB-compatible servers word (and number) that error differently.
 */
static int
db_user_dup(struct db *db, const char *email, const char *username,
    const char *self, const bson_error_t *be, struct verr *e)
{
	struct user	*u;
	struct verr	 fe;
	int		 rc = -1;

	u = xmalloc(sizeof(*u));
	verr_init(&fe);
	if (email != NULL && db_user_by_email(db, email, u, &fe) == 0 &&
	    (self == NULL || strcmp(u->id, self) != 0))
		rc = verr_set(e, 409, "conflict", "Email already registered");
	else if (username != NULL &&
	    db_user_by_username(db, username, u, &fe) == 0 &&
	    (self == NULL || strcmp(u->id, self) != 0))
		rc = verr_set(e, 409, "conflict", "Username already taken");
	else if (fe.status >= 500)
		*e = fe;
	else
		rc = 0;
	free(u);
	return rc;
}

/*
 * The case-folded copy of a name that search matches prefixes against
 * with an index (API.md 3.2.7): ASCII letters folded, other bytes kept.
 */
static void
db_user_name_lower(bson_t *doc, const char *name)
{
	char	 low[256];
	size_t	 i;

	for (i = 0; name[i] != '\0' && i < sizeof(low) - 1; i++)
		low[i] = (char)tolower((unsigned char)name[i]);
	low[i] = '\0';
	BSON_APPEND_UTF8(doc, "nameLower", low);
}

int
db_user_insert(struct db *db, struct user *u, struct verr *e)
{
	mongoc_collection_t	*c;
	bson_t			 doc;
	bson_oid_t		 oid;
	bson_error_t		 be;
	int64_t			 now = json_now_ms();
	int			 rc = -1, tries;

	if ((c = db_coll(db, "users", e)) == NULL)
		return -1;
	for (tries = 0;; tries++) {
		bson_init(&doc);
		bson_oid_init(&oid, NULL);
		BSON_APPEND_OID(&doc, "_id", &oid);
		BSON_APPEND_INT64(&doc, "vid", u->vid);
		BSON_APPEND_UTF8(&doc, "name", u->name);
		db_user_name_lower(&doc, u->name);
		BSON_APPEND_UTF8(&doc, "email", u->email);
		BSON_APPEND_UTF8(&doc, "username", u->username);
		BSON_APPEND_UTF8(&doc, "password", u->password);
		BSON_APPEND_UTF8(&doc, "walletAddress", u->wallet_address);
		BSON_APPEND_UTF8(&doc, "encryptedPrivateKey", u->enc_key);
		BSON_APPEND_INT64(&doc, "totalLikeCount", 0);
		BSON_APPEND_INT64(&doc, "postCount", 0);
		BSON_APPEND_INT64(&doc, "followerCount", 0);
		BSON_APPEND_INT64(&doc, "followingCount", 0);
		BSON_APPEND_DATE_TIME(&doc, "createdAt", now);
		BSON_APPEND_DATE_TIME(&doc, "updatedAt", now);
		if (mongoc_collection_insert_one(c, &doc, NULL, NULL, &be)) {
			bson_oid_to_string(&oid, u->id);
			rc = 0;
			break;
		}
		bson_destroy(&doc);
		/*
		 * Neither email nor username clashed: the vid did, which a
		 * server whose findAndModify is not atomic can hand out
		 * twice.  Draw another.
		 */
		if (db_user_dup(db, u->email, u->username, NULL, &be, e) == 0) {
			if (tries < 5 &&
			    db_user_next_vid(db, &u->vid, e) == 0)
				continue;
			db_fail(db, "insert users", &be, e);
		}
		bson_init(&doc);
		break;
	}
	mongoc_collection_destroy(c);
	bson_destroy(&doc);
	return rc;
}

/*
 * update_one on user id with `upd'; `extra' adds conditions; `username'
 * is the new username the update sets, if any.  Returns 1 when a
 * document matched, 0 when none did, -1 on error.
 * Index: users _id; the extra conditions are checked on that document.
 */
static int
db_user_update(struct db *db, const char *id, const bson_t *extra,
    const bson_t *upd, const char *username, struct verr *e)
{
	mongoc_collection_t	*c = NULL;
	bson_t			 q = BSON_INITIALIZER, reply;
	bson_oid_t		 oid;
	bson_error_t		 be;
	bson_iter_t		 it;
	int			 rc = -1;

	bson_init(&reply);
	if (db_parse_oid(id, &oid, e) == -1 || (c = db_coll(db, "users", e)) == NULL)
		goto out;
	BSON_APPEND_OID(&q, "_id", &oid);
	if (extra != NULL)
		bson_concat(&q, extra);
	if (db_lock(db, "users", id, e) == -1)
		goto out;
	if (!mongoc_collection_update_one(c, &q, upd, NULL, &reply, &be)) {
		db_unlock(db, "users", id);
		if (db_user_dup(db, NULL, username, id, &be, e) == 0)
			db_fail(db, "update users", &be, e);
		goto out;
	}
	db_unlock(db, "users", id);
	rc = bson_iter_init_find(&it, &reply, "matchedCount") &&
	    bson_iter_as_int64(&it) > 0;
out:
	mongoc_collection_destroy(c);
	bson_destroy(&q);
	bson_destroy(&reply);
	return rc;
}

int
db_user_set_password(struct db *db, const char *id, const char *hash,
    struct verr *e)
{
	bson_t	 upd = BSON_INITIALIZER, set;
	int	 rc;

	BSON_APPEND_DOCUMENT_BEGIN(&upd, "$set", &set);
	BSON_APPEND_UTF8(&set, "password", hash);
	BSON_APPEND_DATE_TIME(&set, "updatedAt", (int64_t)time(NULL) * 1000);
	bson_append_document_end(&upd, &set);
	rc = db_user_update(db, id, NULL, &upd, NULL, e);
	bson_destroy(&upd);
	return rc == -1 ? -1 : 0;
}

int
db_user_set_state(struct db *db, const char *id, const char *state,
    struct verr *e)
{
	bson_t	 upd = BSON_INITIALIZER, set;
	int	 rc;

	BSON_APPEND_DOCUMENT_BEGIN(&upd, state[0] != '\0' ? "$set" : "$unset",
	    &set);
	BSON_APPEND_UTF8(&set, "state", state);
	if (strcmp(state, "deleted") == 0)
		BSON_APPEND_DATE_TIME(&set, "deletedAt", json_now_ms());
	bson_append_document_end(&upd, &set);
	rc = db_user_update(db, id, NULL, &upd, NULL, e);
	bson_destroy(&upd);
	return rc == -1 ? -1 : 0;
}

/* Index: users {state: 1} sparse. */
int
db_user_gone_ids(struct db *db, void (*fn)(const char *, void *), void *arg,
    struct verr *e)
{
	bson_t	 q = BSON_INITIALIZER, ex;
	int	 rc;

	BSON_APPEND_DOCUMENT_BEGIN(&q, "state", &ex);
	BSON_APPEND_BOOL(&ex, "$exists", true);
	bson_append_document_end(&q, &ex);
	rc = db_each_id(db, "users", &q, "_id", fn, arg, e);
	bson_destroy(&q);
	return rc < 0 ? -1 : 0;
}

int
db_user_patch(struct db *db, const char *id, const struct user_patch *p,
    struct verr *e)
{
	bson_t	 upd = BSON_INITIALIZER, set;
	int	 rc;

	BSON_APPEND_DOCUMENT_BEGIN(&upd, "$set", &set);
	if (p->name != NULL) {
		BSON_APPEND_UTF8(&set, "name", p->name);
		db_user_name_lower(&set, p->name);
	}
	if (p->username != NULL)
		BSON_APPEND_UTF8(&set, "username", p->username);
	if (p->bio != NULL)
		BSON_APPEND_UTF8(&set, "bio", p->bio);
	if (p->pfp_url != NULL)
		BSON_APPEND_UTF8(&set, "pfpUrl", p->pfp_url);
	if (p->banner_url != NULL)
		BSON_APPEND_UTF8(&set, "bannerUrl", p->banner_url);
	BSON_APPEND_DATE_TIME(&set, "updatedAt", (int64_t)time(NULL) * 1000);
	bson_append_document_end(&upd, &set);
	rc = db_user_update(db, id, NULL, &upd, p->username, e);
	bson_destroy(&upd);
	if (rc == 0)
		return verr_set(e, 404, "not_found", "User not found");
	return rc == -1 ? -1 : 0;
}

int
db_user_set_otp(struct db *db, const char *id, const char *hash,
    int64_t expires_ms, struct verr *e)
{
	bson_t	 upd = BSON_INITIALIZER, set;
	int	 rc;

	BSON_APPEND_DOCUMENT_BEGIN(&upd, "$set", &set);
	BSON_APPEND_UTF8(&set, "otpHash", hash);
	BSON_APPEND_DATE_TIME(&set, "otpExpires", expires_ms);
	BSON_APPEND_INT32(&set, "otpAttempts", 0);
	bson_append_document_end(&upd, &set);
	rc = db_user_update(db, id, NULL, &upd, NULL, e);
	bson_destroy(&upd);
	return rc == -1 ? -1 : 0;
}

int
db_user_otp_failed(struct db *db, const char *id, const char *hash, int max,
    struct verr *e)
{
	bson_t	 cond = BSON_INITIALIZER, upd = BSON_INITIALIZER, inc, set;
	bson_t	 lt;
	int	 rc;

	/* Count the attempt, then void the code once `max' are used up. */
	BSON_APPEND_UTF8(&cond, "otpHash", hash);
	BSON_APPEND_DOCUMENT_BEGIN(&upd, "$inc", &inc);
	BSON_APPEND_INT32(&inc, "otpAttempts", 1);
	bson_append_document_end(&upd, &inc);
	rc = db_user_update(db, id, &cond, &upd, NULL, e);
	bson_destroy(&upd);
	bson_init(&upd);
	if (rc == 1) {
		BSON_APPEND_DOCUMENT_BEGIN(&cond, "otpAttempts", &lt);
		BSON_APPEND_INT32(&lt, "$gte", max);
		bson_append_document_end(&cond, &lt);
		BSON_APPEND_DOCUMENT_BEGIN(&upd, "$set", &set);
		BSON_APPEND_UTF8(&set, "otpHash", "");
		bson_append_document_end(&upd, &set);
		rc = db_user_update(db, id, &cond, &upd, NULL, e);
	}
	bson_destroy(&cond);
	bson_destroy(&upd);
	return rc == -1 ? -1 : 0;
}

int
db_user_reset_password(struct db *db, const char *id, const char *hash,
    int64_t now_ms, const char *pwhash, struct verr *e)
{
	bson_t	 cond = BSON_INITIALIZER, upd = BSON_INITIALIZER, set, gt;
	int	 rc;

	BSON_APPEND_UTF8(&cond, "otpHash", hash);
	BSON_APPEND_DOCUMENT_BEGIN(&cond, "otpExpires", &gt);
	BSON_APPEND_DATE_TIME(&gt, "$gt", now_ms);
	bson_append_document_end(&cond, &gt);
	BSON_APPEND_DOCUMENT_BEGIN(&upd, "$set", &set);
	BSON_APPEND_UTF8(&set, "password", pwhash);
	BSON_APPEND_UTF8(&set, "otpHash", "");
	BSON_APPEND_DATE_TIME(&set, "updatedAt", now_ms);
	bson_append_document_end(&upd, &set);
	rc = db_user_update(db, id, &cond, &upd, NULL, e);
	bson_destroy(&cond);
	bson_destroy(&upd);
	return rc;
}

struct db_fs {
	bson_oid_t	 a;
	int		*ab, *ba;
};

static void
db_fs_each(const bson_t *doc, void *arg)
{
	struct db_fs	*fs = arg;
	bson_iter_t	 it;

	if (!bson_iter_init_find(&it, doc, "followerId") ||
	    !BSON_ITER_HOLDS_OID(&it))
		return;
	if (bson_oid_equal(bson_iter_oid(&it), &fs->a))
		*fs->ab = 1;
	else
		*fs->ba = 1;
}

/*
 * Index: follows {followerId: 1, followingId: 1} unique, one point per $or
 *     branch.
 */
int
db_follow_state(struct db *db, const char *a, const char *b, int *ab,
    int *ba, struct verr *e)
{
	bson_t		 q = BSON_INITIALIZER, arr, d0, d1;
	bson_oid_t	 ob;
	struct db_fs	 fs = { .ab = ab, .ba = ba };
	int		 rc = -1;

	*ab = *ba = 0;
	if (db_parse_oid(a, &fs.a, e) == -1 || db_parse_oid(b, &ob, e) == -1)
		goto out;
	/* One round trip for both directions of the pair. */
	BSON_APPEND_ARRAY_BEGIN(&q, "$or", &arr);
	BSON_APPEND_DOCUMENT_BEGIN(&arr, "0", &d0);
	BSON_APPEND_OID(&d0, "followerId", &fs.a);
	BSON_APPEND_OID(&d0, "followingId", &ob);
	bson_append_document_end(&arr, &d0);
	BSON_APPEND_DOCUMENT_BEGIN(&arr, "1", &d1);
	BSON_APPEND_OID(&d1, "followerId", &ob);
	BSON_APPEND_OID(&d1, "followingId", &fs.a);
	bson_append_document_end(&arr, &d1);
	bson_append_array_end(&q, &arr);
	rc = db_each(db, "follows", &q, NULL, db_fs_each, &fs, e) < 0 ? -1 : 0;
out:
	bson_destroy(&q);
	return rc;
}

struct db_mut {
	const char *const	*ids;
	size_t			 n;
	int			*mark;
	const char		*field;
	int			 bit;
};

static void
db_mut_each(const bson_t *doc, void *arg)
{
	struct db_mut	*m = arg;
	bson_iter_t	 it;
	char		 id[25];
	size_t		 i;

	if (!bson_iter_init_find(&it, doc, m->field) ||
	    !BSON_ITER_HOLDS_OID(&it))
		return;
	bson_oid_to_string(bson_iter_oid(&it), id);
	for (i = 0; i < m->n; i++)
		if (strcmp(m->ids[i], id) == 0)
			m->mark[i] |= m->bit;
}

/*
 * Index: follows {followerId: 1, followingId: 1} unique, blocks and mutes
 *     {userId: 1, targetId: 1} unique, blocks {targetId: 1, userId: 1}:
 *     each query is a set of points (one field equal, the other $in);
 *     users _id ($in, state residual).
 */
int
db_relations(struct db *db, const char *viewer, const char *const *ids,
    size_t n, int *out, struct verr *e)
{
	static const struct {
		const char	*coll, *eq, *in;
		int		 bit;
	} qs[] = {
		{ "follows", "followerId", "followingId", REL_FOLLOWING },
		{ "follows", "followingId", "followerId", REL_FOLLOWED },
		{ "blocks", "userId", "targetId", REL_BLOCKING },
		{ "blocks", "targetId", "userId", REL_BLOCKED },
		{ "mutes", "userId", "targetId", REL_MUTING },
	};
	bson_t		 q = BSON_INITIALIZER, ex;
	bson_oid_t	 v;
	struct db_mut	 m = { ids, n, out, NULL, 0 };
	size_t		 k;
	int		 rc = -1;

	memset(out, 0, n * sizeof(*out));
	if (n == 0)
		return 0;
	if (db_parse_oid(viewer, &v, e) == -1)
		goto out;
	for (k = 0; k < sizeof(qs) / sizeof(qs[0]); k++) {
		bson_reinit(&q);
		BSON_APPEND_OID(&q, qs[k].eq, &v);
		m.field = qs[k].in;
		m.bit = qs[k].bit;
		if (db_q_in(&q, qs[k].in, ids, n, e) == -1 ||
		    db_each(db, qs[k].coll, &q, NULL, db_mut_each, &m, e) == -1)
			goto out;
	}
	/* Suspended or deleted users. */
	bson_reinit(&q);
	m.field = "_id";
	m.bit = REL_GONE;
	if (db_q_in(&q, "_id", ids, n, e) == -1)
		goto out;
	BSON_APPEND_DOCUMENT_BEGIN(&q, "state", &ex);
	BSON_APPEND_BOOL(&ex, "$exists", true);
	bson_append_document_end(&q, &ex);
	if (db_each(db, "users", &q, NULL, db_mut_each, &m, e) == -1)
		goto out;
	rc = 0;
out:
	bson_destroy(&q);
	return rc;
}

const char *
db_rel_name(int bits)
{
	switch (bits & REL_MUTUAL) {
	case REL_MUTUAL:
		return "mutual";
	case REL_FOLLOWING:
		return "following";
	case REL_FOLLOWED:
		return "follows_you";
	default:
		return "none";
	}
}

struct db_full_cb {
	void	(*fn)(const struct user *, void *);
	void	*arg;
};

static void
db_full_each(const bson_t *doc, void *arg)
{
	struct db_full_cb	*cb = arg;
	struct user		*u;

	u = xmalloc(sizeof(*u));
	db_user_from_bson(doc, u);
	cb->fn(u, cb->arg);
	free(u);
}

/* Index: users _id ($in). */
int
db_user_get_many(struct db *db, const char *const *ids, size_t n,
    void (*fn)(const struct user *, void *), void *arg, struct verr *e)
{
	bson_t			 q = BSON_INITIALIZER;
	struct db_full_cb	 cb = { fn, arg };
	int			 rc = 0;

	if (n > 0 && (rc = db_q_in(&q, "_id", ids, n, e)) == 0)
		rc = db_each(db, "users", &q, NULL, db_full_each, &cb, e) < 0 ?
		    -1 : 0;
	bson_destroy(&q);
	return rc;
}
