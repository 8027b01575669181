/*
 * Accounts, authentication and profiles (API.md 3.1, 3.2.1, 3.2.2).
 * Checks run in the spec's order (1.4): per-IP limits, then body and
 * field validation, then the limits keyed by email, then existence and
 * state.  Login, refresh and password reset answer the same way and take
 * about the same time whether or not an account exists.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>
#include <openssl/crypto.h>

#include "auth.h"
#include "be.h"
#include "cfg.h"
#include "db_sessions.h"
#include "db_users.h"
#include "enc.h"
#include "handlers.h"
#include "http.h"
#include "json.h"
#include "log.h"
#include "mail.h"
#include "otp.h"
#include "pwhash.h"
#include "rl.h"
#include "rnd.h"
#include "svc_account.h"
#include "svc_cache.h"
#include "svc_rel.h"
#include "svc_user.h"
#include "valid.h"
#include "verr.h"
#include "view.h"
#include "eth_key.h"
#include "xmem.h"

#define OTP_TTL_MS	(10 * 60 * 1000)
#define OTP_MAX_TRIES	5
#define UA_MAX		512	/* characters of User-Agent kept */

static void
users_message(struct req *r, int status, const char *msg)
{
	struct json_object	*o = json_object_new_object();

	json_object_object_add(o, "message", json_object_new_string(msg));
	http_json(r, status, o);
}

/* Read the required string field `name' into *out. */
static int
users_str(struct json_object *b, const char *name, const char **out,
    struct verr *e)
{
	return json_get_str(b, name, 1, out, e) == 1 ? 0 : -1;
}

/*
 * Insert u, deriving its username from the email when none was given
 * (API.md 3.1.1): the base, or base_NNNN while the base is taken or too
 * short or reserved.
 */
static int
users_insert(struct req *r, struct user *u, int derive, struct verr *e)
{
	char		 base[25];
	int		 suffix, tries;
	uint32_t	 mod;
	struct verr	 ie;

	if (!derive)
		return db_user_insert(r->be->db, u, e);
	suffix = valid_username_from_email(u->email, base);
	for (tries = 0; tries < 20; tries++) {
		if (!suffix && tries == 0)
			snprintf(u->username, sizeof(u->username), "%s", base);
		else {
			mod = tries < 6 ? 10000 : 100000;
			snprintf(u->username, sizeof(u->username), "%s_%0*u",
			    base, mod == 10000 ? 4 : 5, rnd_uniform(mod));
		}
		verr_init(&ie);
		if (db_user_insert(r->be->db, u, &ie) == 0)
			return 0;
		/* Only a taken username is worth another try. */
		if (ie.status != 409 || strstr(ie.msg, "Username") == NULL) {
			*e = ie;
			return -1;
		}
	}
	return verr_set(e, 409, "conflict", "Username already taken");
}

int
h_users_register(struct req *r, struct verr *e)
{
	struct json_object	*b = NULL, *o;
	struct user		 u;
	struct pw_params	 pp;
	const char		*name, *email, *pw, *uname = NULL;
	char			 ip[64], *sealed = NULL;
	unsigned char		 priv[32];
	int			 rc = -1, derive;

	http_client_ip(r, ip, sizeof(ip));
	if (rl_check(r, RL_REGISTER_IP, ip, 1, e) == -1 ||
	    http_json_body(r, &b, e) == -1)
		goto out;
	memset(&u, 0, sizeof(u));
	if (users_str(b, "name", &name, e) == -1)
		goto out;
	if (valid_name(name, u.name, sizeof(u.name)) == -1) {
		verr_field(e, "name", "name must be 1 to 50 characters");
		goto out;
	}
	if (users_str(b, "email", &email, e) == -1)
		goto out;
	if (valid_email(email, 1, u.email) == -1) {
		verr_field(e, "email", "email is not a valid address");
		goto out;
	}
	if (users_str(b, "password", &pw, e) == -1)
		goto out;
	if (valid_password(pw) == -1) {
		verr_field(e, "password", "password must be 8 to 128 "
		    "characters");
		goto out;
	}
	if (json_get_str(b, "username", 0, &uname, e) == -1)
		goto out;
	derive = uname == NULL;
	if (!derive && valid_username(uname, u.username) == -1) {
		verr_field(e, "username", "username must be 3 to 30 of a-z, "
		    "0-9, _ and ., not reserved");
		goto out;
	}
	pw_params_cfg(r->cfg, &pp);
	if (pw_hash(pw, strlen(pw), &pp, u.password, sizeof(u.password),
	    e) == -1)
		goto out;
	if (eth_key_generate(priv, e) == -1 ||
	    eth_key_address(priv, u.wallet_address, e) == -1 ||
	    eth_key_seal(r->cfg->wallet_key, priv, &sealed, e) == -1)
		goto out;
	snprintf(u.enc_key, sizeof(u.enc_key), "%s", sealed);
	if (db_user_next_vid(r->be->db, &u.vid, e) == -1 ||
	    users_insert(r, &u, derive, e) == -1)
		goto out;
	o = json_object_new_object();
	json_object_object_add(o, "message",
	    json_object_new_string("User registered successfully"));
	json_object_object_add(o, "user", view_user(&u, 1));
	http_json(r, 201, o);
	memcpy(r->uid, u.id, sizeof(r->uid));
	rc = 0;
out:
	OPENSSL_cleanse(priv, sizeof(priv));
	free(sealed);
	json_object_put(b);
	return rc;
}

/*
 * The prelude of the routes that name an existing account by email:
 * the per-IP limit `id', then the JSON body (*b, for the caller to put)
 * and its "email", checked loosely and normalized into norm (3.1.1).
 */
static int
users_email_body(struct req *r, enum rl_id id, struct json_object **b,
    char norm[VALID_EMAIL_MAX + 1], struct verr *e)
{
	const char	*email;
	char		 ip[64];

	http_client_ip(r, ip, sizeof(ip));
	if (rl_check(r, id, ip, 1, e) == -1 || http_json_body(r, b, e) == -1 ||
	    users_str(*b, "email", &email, e) == -1)
		return -1;
	if (valid_email(email, 0, norm) == -1)
		return verr_field(e, "email", "email is not a valid address");
	return 0;
}

/* Create a session for u and answer the LoginResponse. */
static int
users_new_session(struct req *r, const struct user *u, struct verr *e)
{
	struct session	 s;
	const char	*ua = http_getparam(r, "HTTP_USER_AGENT");
	char		 tok[44], hash[65];
	size_t		 i, n;

	memset(&s, 0, sizeof(s));
	memcpy(s.user_id, u->id, sizeof(s.user_id));
	/* Keep the first UA_MAX characters, never splitting a UTF-8 one. */
	for (i = n = 0; ua != NULL && ua[i] != '\0' &&
	    i < sizeof(s.user_agent) - 1; i++) {
		if (((unsigned char)ua[i] & 0xc0) != 0x80 && n++ == UA_MAX)
			break;
		s.user_agent[i] = ua[i];
	}
	http_client_ip(r, s.client_ip, sizeof(s.client_ip));
	s.created_ms = json_now_ms();
	s.expires_ms = s.created_ms + (int64_t)r->cfg->refresh_token_ttl * 1000;
	auth_new_refresh(tok, hash);
	if (db_session_create(r->be->db, &s, hash, e) == -1)
		return -1;
	http_json(r, 200, auth_login_response(r, u, &s, tok));
	http_header(r, "Cache-Control", "no-store");
	memcpy(r->uid, u->id, sizeof(r->uid));
	OPENSSL_cleanse(tok, sizeof(tok));
	return 0;
}

int
h_users_login(struct req *r, struct verr *e)
{
	struct json_object	*b = NULL;
	struct user		 u;
	struct pw_params	 pp;
	struct verr		 fe;
	const char		*pw;
	char			 norm[VALID_EMAIL_MAX + 1];
	char			 newhash[PW_HASH_MAX];
	size_t			 pwlen;
	int			 rc = -1, ok, rehash = 0;

	if (users_email_body(r, RL_LOGIN_IP, &b, norm, e) == -1)
		goto out;
	if (users_str(b, "password", &pw, e) == -1)
		goto out;
	pwlen = strlen(pw);
	if (pwlen < 1 || pwlen > 1024) {
		verr_field(e, "password", "password must be 1 to 1024 bytes");
		goto out;
	}
	/* Failed logins only are counted; check without counting. */
	if (rl_check(r, RL_LOGIN_EMAIL, norm, 0, e) == -1)
		goto out;
	pw_params_cfg(r->cfg, &pp);
	verr_init(&fe);
	if (db_user_by_email(r->be->db, norm, &u, &fe) == -1) {
		if (fe.status != 404) {
			*e = fe;
			goto out;
		}
		pw_dummy_verify(pw, pwlen, &pp);
		ok = 0;
	} else if ((ok = pw_verify(u.password, pw, pwlen, &pp, &rehash,
	    e)) == -1)
		goto out;
	if (!ok) {
		rl_count(r, RL_LOGIN_EMAIL, norm);
		verr_set(e, 401, "invalid_credentials", "Invalid credentials");
		goto out;
	}
	rl_clear(r, RL_LOGIN_EMAIL, norm);
	/* A suspended account is told so; a deleted one no longer exists. */
	if (strcmp(u.state, "suspended") == 0) {
		verr_set(e, 403, "account_suspended", "Account suspended");
		goto out;
	}
	if (u.state[0] != '\0') {
		verr_set(e, 401, "invalid_credentials", "Invalid credentials");
		goto out;
	}
	/* Reference bcrypt hashes and old parameters upgrade on login. */
	if (rehash) {
		verr_init(&fe);
		if (pw_hash(pw, pwlen, &pp, newhash, sizeof(newhash),
		    &fe) == -1 ||
		    db_user_set_password(r->be->db, u.id, newhash, &fe) == -1)
			log_warnx("rid=%s password rehash for %s failed: %s",
			    r->rid, u.id, fe.detail);
	}
	rc = users_new_session(r, &u, e);
out:
	json_object_put(b);
	return rc;
}

/* Block session sid and drop it from the cache. */
static int
users_block(struct req *r, const char *sid, const char *uid, struct verr *e)
{
	if (db_session_block(r->be->db, sid, uid, e) == -1)
		return -1;
	auth_forget(r, sid);
	return 0;
}

int
h_users_refresh(struct req *r, struct verr *e)
{
	struct json_object	*b = NULL;
	struct session		 s;
	struct user		 u;
	struct verr		 fe;
	const char		*tok;
	char			 ip[64], hash[65], ntok[44], nhash[65];
	int64_t			 now = json_now_ms();
	int			 rc = -1, reused, rot;

	http_client_ip(r, ip, sizeof(ip));
	if (rl_check(r, RL_REFRESH_IP, ip, 1, e) == -1 ||
	    http_json_body(r, &b, e) == -1 ||
	    users_str(b, "refresh_token", &tok, e) == -1)
		goto out;
	auth_refresh_hash(tok, hash);
	verr_init(&fe);
	if (db_session_by_refresh(r->be->db, hash, &s, &reused, &fe) == -1) {
		if (fe.status == 404)
			verr_set(e, 401, "unauthorized", "Unauthorized");
		else
			*e = fe;
		goto out;
	}
	if (reused) {
		log_info("rid=%s session %s: rotated refresh token replayed, "
		    "session blocked", r->rid, s.id);
		if (users_block(r, s.id, NULL, e) == 0)
			verr_set(e, 401, "unauthorized", "Unauthorized");
		goto out;
	}
	if (s.is_blocked || s.expires_ms <= now) {
		verr_set(e, 401, "unauthorized", "Unauthorized");
		goto out;
	}
	verr_init(&fe);
	if (db_user_by_id(r->be->db, s.user_id, &u, &fe) == -1) {
		if (fe.status == 404)
			verr_set(e, 401, "unauthorized", "Unauthorized");
		else
			*e = fe;
		goto out;
	}
	auth_new_refresh(ntok, nhash);
	s.expires_ms = now + (int64_t)r->cfg->refresh_token_ttl * 1000;
	if ((rot = db_session_rotate(r->be->db, s.id, hash, nhash,
	    s.expires_ms, e)) == -1)
		goto out;
	if (rot == 0) {
		/* Another refresh with this token won the race: a replay. */
		if (users_block(r, s.id, NULL, e) == 0)
			verr_set(e, 401, "unauthorized", "Unauthorized");
		goto out;
	}
	auth_forget(r, s.id);
	http_json(r, 200, auth_login_response(r, &u, &s, ntok));
	http_header(r, "Cache-Control", "no-store");
	memcpy(r->uid, u.id, sizeof(r->uid));
	rc = 0;
out:
	OPENSSL_cleanse(ntok, sizeof(ntok));
	json_object_put(b);
	return rc;
}

int
h_users_logout(struct req *r, struct verr *e)
{
	if (users_block(r, r->sid, r->uid, e) == -1)
		return -1;
	users_message(r, 200, "Logged out successfully");
	return 0;
}

struct otp_mail {
	char	 to[sizeof(((struct user *)0)->email)];
	char	 code[7];
	char	 rid[HTTP_RIDLEN];
};

/* Deferred: mail the code once the client has its answer. */
static void
users_otp_send(const struct cfg *c, void *arg)
{
	struct otp_mail	*m = arg;
	struct verr	 e;
	char		 body[512];

	snprintf(body, sizeof(body), "Your Vybes password reset code is "
	    "%s.\n\nIt expires in 10 minutes. If you did not ask for it, "
	    "ignore this message.\n", m->code);
	verr_init(&e);
	if (mail_send(c, m->to, "Your Vybes password reset code", body,
	    &e) == -1)
		log_warnx("rid=%s reset code mail failed: %s", m->rid,
		    e.detail);
	OPENSSL_cleanse(body, sizeof(body));
	OPENSSL_cleanse(m, sizeof(*m));
	free(m);
}

int
h_users_request_otp(struct req *r, struct verr *e)
{
	struct json_object	*b = NULL;
	struct user		 u;
	struct otp_mail		*m = NULL;
	struct verr		 fe;
	char			 norm[VALID_EMAIL_MAX + 1], hash[65];
	int			 rc = -1;

	if (users_email_body(r, RL_OTP_IP, &b, norm, e) == -1)
		goto out;
	if (rl_check(r, RL_OTP_EMAIL, norm, 1, e) == -1)
		goto out;
	if (!mail_configured(r->cfg)) {
		verr_backend(e, "mail", "neither SMTP_URL nor RESEND_API_KEY "
		    "is set");
		goto out;
	}
	verr_init(&fe);
	if (db_user_by_email(r->be->db, norm, &u, &fe) == 0) {
		m = xcalloc(1, sizeof(*m));
		otp_new(m->code);
		snprintf(m->to, sizeof(m->to), "%s", u.email);
		snprintf(m->rid, sizeof(m->rid), "%s", r->rid);
		otp_hash(r->cfg->jwt_secret, u.id, m->code, hash);
		if (db_user_set_otp(r->be->db, u.id, hash, json_now_ms() +
		    OTP_TTL_MS, e) == -1)
			goto out;
		http_defer(r, users_otp_send, m);
		m = NULL;
	} else if (fe.status != 404) {
		*e = fe;
		goto out;
	}
	users_message(r, 200, "If a user with that email exists, an OTP has "
	    "been sent.");
	rc = 0;
out:
	if (m != NULL) {
		OPENSSL_cleanse(m, sizeof(*m));
		free(m);
	}
	json_object_put(b);
	return rc;
}

int
h_users_reset_password(struct req *r, struct verr *e)
{
	struct json_object	*b = NULL;
	struct user		 u;
	struct pw_params	 pp;
	struct verr		 fe;
	const char		*otp, *pw;
	char			 norm[VALID_EMAIL_MAX + 1], hash[65];
	char			 pwh[PW_HASH_MAX];
	int64_t			 now = json_now_ms();
	int			 rc = -1, i, m;

	if (users_email_body(r, RL_RESET_IP, &b, norm, e) == -1)
		goto out;
	if (users_str(b, "otp", &otp, e) == -1)
		goto out;
	for (i = 0; otp[i] >= '0' && otp[i] <= '9'; i++)
		;
	if (i != 6 || otp[6] != '\0') {
		verr_field(e, "otp", "otp must be exactly 6 digits");
		goto out;
	}
	if (users_str(b, "newPassword", &pw, e) == -1)
		goto out;
	if (valid_password(pw) == -1) {
		verr_field(e, "newPassword", "newPassword must be 8 to 128 "
		    "characters");
		goto out;
	}
	verr_init(&fe);
	if (db_user_by_email(r->be->db, norm, &u, &fe) == -1) {
		if (fe.status == 404)
			verr_set(e, 400, "invalid_otp", "Invalid or expired "
			    "code");
		else
			*e = fe;
		goto out;
	}
	if (u.otp_hash[0] == '\0' || u.otp_expires_ms <= now) {
		verr_set(e, 400, "invalid_otp", "Invalid or expired code");
		goto out;
	}
	otp_hash(r->cfg->jwt_secret, u.id, otp, hash);
	if (!otp_equal(hash, u.otp_hash)) {
		if (db_user_otp_failed(r->be->db, u.id, u.otp_hash,
		    OTP_MAX_TRIES, e) == 0)
			verr_set(e, 400, "invalid_otp", "Invalid or expired "
			    "code");
		goto out;
	}
	pw_params_cfg(r->cfg, &pp);
	if (pw_hash(pw, strlen(pw), &pp, pwh, sizeof(pwh), e) == -1 ||
	    (m = db_user_reset_password(r->be->db, u.id, hash, now, pwh,
	    e)) == -1)
		goto out;
	if (m == 0) {
		verr_set(e, 400, "invalid_otp", "Invalid or expired code");
		goto out;
	}
	/* Every device is logged out, a thief's included. */
	if (auth_revoke_all(r->be, r->rid, u.id, e) == -1)
		goto out;
	rl_clear(r, RL_LOGIN_EMAIL, norm);
	users_message(r, 200, "Password has been reset successfully.");
	rc = 0;
out:
	json_object_put(b);
	return rc;
}

/* Answer the UserProfile of u as seen by the caller. */
static int
users_profile_of(struct req *r, const struct user *u, struct verr *e)
{
	struct json_object	*o;
	struct user		*c;
	const char		*fs = "none", *id = u->id;
	int64_t			 gfr, gfe;
	int			 rel = 0, self = strcmp(u->id, r->uid) == 0;

	if (!self) {
		if (svc_rel_get(r->be, r->uid, &id, 1, &rel, e) == -1)
			return -1;
		fs = db_rel_name(rel);
	}
	/* The gone are in no list, so in no counter either (6.2, 1.8). */
	if (svc_rel_gone_follows(r->be, u->id, &gfr, &gfe, e) == -1)
		return -1;
	c = xmalloc(sizeof(*c));
	*c = *u;
	c->follower_count -= gfr;
	c->following_count -= gfe;
	o = view_profile(c, self, fs);
	free(c);
	json_object_object_add(o, "blockedByMe",
	    json_object_new_boolean((rel & REL_BLOCKING) != 0));
	json_object_object_add(o, "mutedByMe",
	    json_object_new_boolean((rel & REL_MUTING) != 0));
	http_json(r, 200, o);
	return 0;
}

int
h_users_profile(struct req *r, struct verr *e)
{
	struct user	 u;
	struct verr	 ne;
	char		 vid[32], name[128], *end;
	long long	 v;
	int		 hv, hn;

	if ((hv = http_query(r, "vid", vid, sizeof(vid), e)) == -1)
		return -1;
	/* One that cannot be a username is 404, as on /users/:username. */
	verr_init(&ne);
	if ((hn = http_query(r, "username", name, sizeof(name), &ne)) == -1 &&
	    hv == 0)
		return verr_set(e, 404, "not_found", "User not found");
	if (hv == 1) {
		v = strtoll(vid, &end, 10);
		if (vid[0] < '1' || vid[0] > '9' || *end != '\0' || v < 1)
			return verr_field(e, "vid", "vid must be a positive "
			    "integer");
		if (db_user_by_vid(r->be->db, v, &u, e) == -1 ||
		    svc_user_seen(r->be, r->uid, &u, e) == -1)
			return -1;
	} else if (hn == 1) {
		if (svc_user_named(r->be, r->uid, name, &u, e) == -1)
			return -1;
	} else
		return verr_field(e, "username", "username or vid is "
		    "required");
	return users_profile_of(r, &u, e);
}

int
h_users_get(struct req *r, struct verr *e)
{
	struct user	 u;

	if (svc_user_named(r->be, r->uid,
	    router_param(&r->rm, "username"), &u, e) == -1)
		return -1;
	return users_profile_of(r, &u, e);
}

int
h_users_me(struct req *r, struct verr *e)
{
	struct user	 u;

	if (db_user_by_id(r->be->db, r->uid, &u, e) == -1)
		return -1;
	return users_profile_of(r, &u, e);
}

/* An optional URL field of the patch: "" clears, else http(s). */
static int
users_patch_url(struct json_object *b, const char *field, const char **out,
    struct verr *e)
{
	if (json_get_str(b, field, 0, out, e) == -1)
		return -1;
	if (*out != NULL && valid_url(*out) == -1)
		return verr_field(e, field, "%s must be empty or an http(s) "
		    "URL of at most 2048 characters", field);
	return 0;
}

int
h_users_me_patch(struct req *r, struct verr *e)
{
	struct json_object	*b = NULL;
	struct user_patch	 p;
	struct user		 u;
	const char		*name = NULL, *uname = NULL, *alias = NULL;
	char			 nbuf[256], ubuf[VALID_USERNAME_MAX + 1];
	char			 old[sizeof(u.username)];
	int			 rc = -1;

	memset(&p, 0, sizeof(p));
	if (http_json_body(r, &b, e) == -1 ||
	    json_get_str(b, "name", 0, &name, e) == -1 ||
	    json_get_str(b, "username", 0, &uname, e) == -1 ||
	    json_get_str(b, "bio", 0, &p.bio, e) == -1 ||
	    users_patch_url(b, "pfpUrl", &p.pfp_url, e) == -1 ||
	    users_patch_url(b, "bannerUrl", &p.banner_url, e) == -1 ||
	    (p.pfp_url == NULL &&
	    users_patch_url(b, "profilePictureURL", &alias, e) == -1))
		goto out;
	if (name != NULL) {
		if (valid_name(name, nbuf, sizeof(nbuf)) == -1) {
			verr_field(e, "name", "name must be 1 to 50 characters");
			goto out;
		}
		p.name = nbuf;
	}
	if (uname != NULL) {
		if (valid_username(uname, ubuf) == -1) {
			verr_field(e, "username", "username must be 3 to 30 "
			    "of a-z, 0-9, _ and ., not reserved");
			goto out;
		}
		p.username = ubuf;
	}
	if (p.bio != NULL && valid_bio(p.bio) == -1) {
		verr_field(e, "bio", "bio must be at most 300 characters");
		goto out;
	}
	if (p.pfp_url == NULL)
		p.pfp_url = alias;
	if (db_user_by_id(r->be->db, r->uid, &u, e) == -1)
		goto out;
	if (p.username != NULL && strcmp(p.username, u.username) == 0)
		p.username = NULL;
	if (p.name != NULL || p.username != NULL || p.bio != NULL ||
	    p.pfp_url != NULL || p.banner_url != NULL) {
		snprintf(old, sizeof(old), "%s", u.username);
		if (db_user_patch(r->be->db, r->uid, &p, e) == -1)
			goto out;
		svc_user_changed(r->be, r->uid, old);
		if (db_user_by_id(r->be->db, r->uid, &u, e) == -1)
			goto out;
	}
	http_json(r, 200, view_user(&u, 1));
	rc = 0;
out:
	json_object_put(b);
	return rc;
}

int
h_users_me_delete(struct req *r, struct verr *e)
{
	struct json_object	*b = NULL;
	struct pw_params	 pp;
	struct user		*u;
	const char		*pw;
	int			 ok, rehash, rc = -1;

	u = xmalloc(sizeof(*u));
	/* Wrong passwords only count, as for the wallet (API.md 6.3). */
	if (rl_check(r, RL_UNLOCK_USER, r->uid, 0, e) == -1 ||
	    http_json_body(r, &b, e) == -1 ||
	    json_get_str(b, "password", 1, &pw, e) == -1 ||
	    db_user_by_id(r->be->db, r->uid, u, e) == -1)
		goto out;
	pw_params_cfg(r->cfg, &pp);
	if ((ok = pw_verify(u->password, pw, strlen(pw), &pp, &rehash,
	    e)) == -1)
		goto out;
	if (!ok) {
		rl_count(r, RL_UNLOCK_USER, r->uid);
		verr_set(e, 401, "invalid_credentials", "Invalid credentials");
		goto out;
	}
	if (svc_account_delete(r->be, r->rid, r->uid, e) == -1)
		goto out;
	users_message(r, 202, "Account scheduled for deletion");
	rc = 0;
out:
	json_object_put(b);
	free(u);
	return rc;
}
