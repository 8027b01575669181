/*
 * The sessions store: one document per login, holding only the hash of
 * its current refresh token and of the tokens it rotated away.
 */
#ifndef DB_SESSIONS_H
#define DB_SESSIONS_H

#include <stddef.h>
#include <stdint.h>

struct db;
struct verr;

#define SESSION_HASHLEN	65	/* hex SHA-256 and NUL */

struct session {
	char	 id[25];
	char	 user_id[25];
	char	 user_agent[513 * 4];
	char	 client_ip[64];
	int	 is_blocked;
	int64_t	 expires_ms;
	int64_t	 created_ms;
};

/* Insert s with refresh token hash `rth'; s->id receives the new id. */
int	db_session_create(struct db *db, struct session *s, const char *rth,
	    struct verr *e);

/* Load session id into s; 404 not_found when there is none. */
int	db_session_get(struct db *db, const char *id, struct session *s,
	    struct verr *e);

/*
 * Find the session whose refresh token hash is `rth' into s, setting
 * *reused = 0; or, when `rth' is one the session already rotated away,
 * the session with *reused = 1.  404 not_found when neither.
 */
int	db_session_by_refresh(struct db *db, const char *rth,
	    struct session *s, int *reused, struct verr *e);

/*
 * Replace the refresh hash `old' of session id by `new' (keeping `old' as
 * rotated) and slide the expiry to `expires_ms', only if `old' is still
 * current and the session is not blocked.  1 when rotated, 0 when not.
 */
int	db_session_rotate(struct db *db, const char *id, const char *old,
	    const char *new, int64_t expires_ms, struct verr *e);

/*
 * Block session id, only when it belongs to `user_id' (NULL: any owner).
 * 404 not_found when there is no such session of that user.
 */
int	db_session_block(struct db *db, const char *id, const char *user_id,
	    struct verr *e);

/*
 * Block every session of user_id; the ids of those not blocked before
 * are passed to `fn' (for cache invalidation).
 */
int	db_session_block_all(struct db *db, const char *user_id,
	    void (*fn)(const char *sid, void *arg), void *arg, struct verr *e);

/*
 * List the sessions of user_id not expired at now_ms, newest first,
 * after the position (after_ms, after_id) when after_id is not NULL, at
 * most `limit' after skipping `skip'.  Each goes to fn; returns the number
 * listed.
 */
int	db_session_list(struct db *db, const char *user_id, int64_t now_ms,
	    int64_t after_ms, const char *after_id, size_t skip, size_t limit,
	    void (*fn)(const struct session *, void *), void *arg,
	    struct verr *e);

#endif
