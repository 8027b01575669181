/*
 * The users store (collection users, counter user_vid): accounts,
 * profiles, password hashes, one-time codes and relationship state.
 */
#ifndef DB_USERS_H
#define DB_USERS_H

#include <stddef.h>
#include <stdint.h>

struct db;
struct verr;

struct user {
	char	 id[25];
	int64_t	 vid;
	char	 name[256];
	char	 email[256];
	char	 username[32];		/* "" for accounts that never had one */
	char	 pfp_url[2049];
	char	 banner_url[2049];
	char	 bio[1300];
	char	 wallet_address[43];
	char	 password[256];		/* PHC or bcrypt hash */
	char	 enc_key[128];		/* sealed private key (eth_key_seal) */
	int64_t	 total_like_count;
	int64_t	 post_count;
	int64_t	 follower_count;
	int64_t	 following_count;
	char	 otp_hash[65];		/* "" when no live code */
	int64_t	 otp_expires_ms;
	int	 otp_attempts;
	char	 state[12];	/* "", "suspended" or "deleted" (API.md 6.2, 6.3) */
	int64_t	 deleted_ms;	/* when "deleted": the time of the request */
};

/* Optional profile changes; NULL leaves a field as it is. */
struct user_patch {
	const char	*name, *username, *bio, *pfp_url, *banner_url;
};

/* Draw the next vid from the user_vid counter (atomic, never reused). */
int	db_user_next_vid(struct db *db, int64_t *vid, struct verr *e);

/*
 * Insert u (counters at 0); u->id receives the new id.  409 conflict when
 * the email or the username is taken (the message says which).
 */
int	db_user_insert(struct db *db, struct user *u, struct verr *e);

/*
 * Load the user by id, normalized email, lower-case username or vid into
 * u.  404 not_found when there is none.
 */
int	db_user_by_id(struct db *db, const char *id, struct user *u,
	    struct verr *e);
int	db_user_by_email(struct db *db, const char *email, struct user *u,
	    struct verr *e);
int	db_user_by_username(struct db *db, const char *username,
	    struct user *u, struct verr *e);
int	db_user_by_vid(struct db *db, int64_t vid, struct user *u,
	    struct verr *e);

/* 1 when `username' belongs to some user, 0 when free, -1 on error. */
int	db_user_username_taken(struct db *db, const char *username,
	    struct verr *e);

/* Replace the password hash of user id. */
int	db_user_set_password(struct db *db, const char *id, const char *hash,
	    struct verr *e);

/*
 * Set the state of user id: "suspended", "deleted" (with deletedAt now),
 * or "" for an ordinary account.
 */
int	db_user_set_state(struct db *db, const char *id, const char *state,
	    struct verr *e);

/* Every user with a state (suspended or deleted): fn(id), in no order. */
int	db_user_gone_ids(struct db *db, void (*fn)(const char *id, void *),
	    void *arg, struct verr *e);

/* Apply p to user id; 409 conflict when the new username is taken. */
int	db_user_patch(struct db *db, const char *id, const struct user_patch *p,
	    struct verr *e);

/* Store a fresh one-time code hash with its expiry and zero attempts. */
int	db_user_set_otp(struct db *db, const char *id, const char *hash,
	    int64_t expires_ms, struct verr *e);

/*
 * Count one wrong code for user id if its code is still the one with
 * hash `hash'; at `max' attempts the code is voided.
 */
int	db_user_otp_failed(struct db *db, const char *id, const char *hash,
	    int max, struct verr *e);

/*
 * Use up the code `hash' of user id and set the new password hash, in
 * one update that matches only while that code is live.  Returns 1 when
 * it matched, 0 when the code changed meanwhile, -1 on error.
 */
int	db_user_reset_password(struct db *db, const char *id, const char *hash,
	    int64_t now_ms, const char *pwhash, struct verr *e);

/* The public summary of a user (API.md 2.2). */
struct user_sum {
	char	 id[25];
	char	 username[32];
	char	 name[256];
	char	 pfp_url[2049];
};

/*
 * Full users whose ids are in ids (n of them), in one query; each found
 * one goes to fn (any order).
 */
int	db_user_get_many(struct db *db, const char *const *ids, size_t n,
	    void (*fn)(const struct user *, void *), void *arg,
	    struct verr *e);

#define REL_FOLLOWING	1	/* the viewer follows the user */
#define REL_FOLLOWED	2	/* the user follows the viewer */
#define REL_MUTUAL	(REL_FOLLOWING | REL_FOLLOWED)
#define REL_BLOCKING	4	/* the viewer blocks the user (API.md 6.1) */
#define REL_BLOCKED	8	/* the user blocks the viewer */
#define REL_MUTING	16	/* the viewer mutes the user */
#define REL_GONE	32	/* the user is suspended or being deleted */
#define REL_HIDDEN	(REL_BLOCKING | REL_BLOCKED | REL_GONE)

/*
 * For each of the n user ids, out[i] gets the REL_* bits between
 * `viewer' and that user (six queries whatever n is).
 */
int	db_relations(struct db *db, const char *viewer, const char *const *ids,
	    size_t n, int *out, struct verr *e);

/* The friendshipStatus (API.md 1.7) of REL_* bits. */
const char *db_rel_name(int bits);

/*
 * Follow relations between a and b: *ab when a follows b, *ba when b
 * follows a.
 */
int	db_follow_state(struct db *db, const char *a, const char *b, int *ab,
	    int *ba, struct verr *e);

#endif
