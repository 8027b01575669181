/*
 * Authentication.  A request passes only if its bearer token verifies
 * (jwt.c) and its session exists, belongs to the token's user, is not
 * blocked and has not expired, and that user exists.  The last three
 * facts are cached per session in Redis as "<uid> <expires_ms>" for at
 * most AUTH_CACHE_TTL seconds; every write that blocks a session deletes
 * the entry after the database write (auth_forget), so the next request
 * reads the database.  If Redis cannot be reached at that moment the
 * entry can outlive the block by at most AUTH_CACHE_TTL seconds; the
 * short lifetime bounds that window.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include "auth.h"
#include "be.h"
#include "cfg.h"
#include "db_sessions.h"
#include "db_users.h"
#include "enc.h"
#include "http.h"
#include "json.h"
#include "jwt.h"
#include "log.h"
#include "rds_redis.h"
#include "rkey.h"
#include "rnd.h"
#include "verr.h"

#define AUTH_CACHE_TTL	60

static int
auth_fail(struct verr *e)
{
	return verr_set(e, 401, "unauthorized", "Unauthorized");
}

/* The token of "Bearer <t>" or "Token <t>", scheme case-insensitive. */
static const char *
auth_token(const char *h)
{
	size_t	 n;

	if (h == NULL)
		return NULL;
	if (strncasecmp(h, "Bearer", 6) == 0)
		n = 6;
	else if (strncasecmp(h, "Token", 5) == 0)
		n = 5;
	else
		return NULL;
	if (h[n] != ' ')
		return NULL;
	while (h[n] == ' ')
		n++;
	return h[n] != '\0' ? h + n : NULL;
}

/*
 * The session's state from the cache: 1 valid, 0 unknown (not cached or
 * Redis down), -1 invalid.
 */
static int
auth_cached(struct req *r, const struct jwt_claims *c, int64_t now_ms)
{
	struct verr	 e;
	char		 key[RKEY_MAX], val[64], uid[25];
	long long	 exp;

	verr_init(&e);
	if (rkey_session(key, c->sid, &e) == -1 ||
	    rds_get(r->be->rds, key, val, sizeof(val), &e) != 1)
		return 0;
	if (sscanf(val, "%24s %lld", uid, &exp) != 2)
		return 0;
	return strcmp(uid, c->sub) == 0 && exp > now_ms ? 1 : -1;
}

int
auth_request(struct req *r, struct verr *e)
{
	struct jwt_claims	 c;
	struct session		 s;
	struct user		 u;
	struct verr		 ce;
	const char		*tok;
	char			 key[RKEY_MAX], val[64];
	int64_t			 now_ms = json_now_ms();
	int			 ttl, st;

	tok = auth_token(http_getparam(r, "HTTP_AUTHORIZATION"));
	if (tok == NULL || jwt_verify(r->cfg->jwt_secret,
	    strlen(r->cfg->jwt_secret), tok, now_ms / 1000, &c) == -1)
		return auth_fail(e);
	if ((st = auth_cached(r, &c, now_ms)) == -1)
		return auth_fail(e);
	if (st == 0) {
		verr_init(&ce);
		if (db_session_get(r->be->db, c.sid, &s, &ce) == -1) {
			if (ce.status == 404)
				return auth_fail(e);
			*e = ce;
			return -1;
		}
		if (strcmp(s.user_id, c.sub) != 0 || s.is_blocked ||
		    s.expires_ms <= now_ms)
			return auth_fail(e);
		if (db_user_by_id(r->be->db, c.sub, &u, &ce) == -1) {
			if (ce.status == 404)
				return auth_fail(e);
			*e = ce;
			return -1;
		}
		ttl = (int)((s.expires_ms - now_ms) / 1000);
		if (ttl > AUTH_CACHE_TTL)
			ttl = AUTH_CACHE_TTL;
		verr_init(&ce);
		if (ttl > 0 && rkey_session(key, c.sid, &ce) == 0) {
			snprintf(val, sizeof(val), "%s %lld", c.sub,
			    (long long)s.expires_ms);
			(void)rds_set(r->be->rds, key, val, ttl, &ce);
		}
	}
	memcpy(r->uid, c.sub, sizeof(r->uid));
	memcpy(r->sid, c.sid, sizeof(r->sid));
	return 0;
}

/* auth_forget() of session sid for request (or job) rid. */
static void
auth_drop(struct be *be, const char *rid, const char *sid)
{
	struct verr	 e;
	char		 key[RKEY_MAX];

	verr_init(&e);
	if (rkey_session(key, sid, &e) == -1 ||
	    rds_del(be->rds, key, &e) == -1)
		log_warnx("rid=%s session cache: cannot drop %s: %s; it "
		    "expires within %d s", rid, key, e.detail,
		    AUTH_CACHE_TTL);
	/* A session that ends takes its wallet unlock with it (3.8.1). */
	verr_init(&e);
	if (rkey_unlock(key, sid, &e) == -1 ||
	    rds_del(be->rds, key, &e) == -1)
		log_warnx("rid=%s wallet unlock of %s not ended: %s", rid,
		    sid, e.detail);
}

void
auth_forget(struct req *r, const char *sid)
{
	auth_drop(r->be, r->rid, sid);
}

struct auth_all {
	struct be	*be;
	const char	*rid;
};

static void
auth_all_drop(const char *sid, void *arg)
{
	struct auth_all	*a = arg;

	auth_drop(a->be, a->rid, sid);
}

int
auth_revoke_all(struct be *be, const char *rid, const char *uid,
    struct verr *e)
{
	struct auth_all	 a = { be, rid };

	return db_session_block_all(be->db, uid, auth_all_drop, &a, e);
}

void
auth_refresh_hash(const char *tok, char hash[65])
{
	unsigned char	 d[SHA256_DIGEST_LENGTH];

	SHA256((const unsigned char *)tok, strlen(tok), d);
	enc_hex(d, sizeof(d), hash);
}

void
auth_new_refresh(char tok[44], char hash[65])
{
	unsigned char	 b[32];

	rnd_bytes(b, sizeof(b));
	enc_b64url(b, sizeof(b), tok);
	OPENSSL_cleanse(b, sizeof(b));
	auth_refresh_hash(tok, hash);
}

struct json_object *
auth_login_response(struct req *r, const struct user *u,
    const struct session *s, const char *refresh)
{
	struct json_object	*o, *ud;
	struct jwt_claims	 c;
	char			*at;

	memset(&c, 0, sizeof(c));
	memcpy(c.sub, u->id, sizeof(c.sub));
	memcpy(c.sid, s->id, sizeof(c.sid));
	c.iat = (int64_t)time(NULL);
	c.exp = c.iat + r->cfg->access_token_ttl;
	at = jwt_sign(r->cfg->jwt_secret, strlen(r->cfg->jwt_secret), &c);
	o = json_object_new_object();
	json_object_object_add(o, "access_token", json_object_new_string(at));
	json_object_object_add(o, "refresh_token",
	    json_object_new_string(refresh));
	ud = json_object_new_object();
	json_object_object_add(ud, "vid", json_object_new_int64(u->vid));
	json_object_object_add(ud, "username",
	    json_object_new_string(u->username));
	json_object_object_add(ud, "id", json_object_new_string(u->id));
	json_object_object_add(o, "user_data", ud);
	json_object_object_add(o, "expires_in",
	    json_object_new_int(r->cfg->access_token_ttl));
	free(at);
	return o;
}
