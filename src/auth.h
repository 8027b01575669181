/*
 * Authentication of requests (API.md 1.5) and the issuing of tokens for
 * a session.  Session validity is cached in Redis ("sess:<sid>") so that
 * an authenticated request costs no MongoDB read in the common case;
 * without Redis every check goes to MongoDB.
 */
#ifndef AUTH_H
#define AUTH_H

#include <json-c/json.h>


struct be;
struct req;
struct session;
struct user;
struct verr;

/*
 * Check the Authorization header and the session it names; on success
 * r->uid and r->sid are set.  401 unauthorized otherwise, 503 when the
 * database is needed and down.
 */
int	auth_request(struct req *r, struct verr *e);

/*
 * Drop the cached validity and the wallet unlock of session sid so that
 * the next request sees the database's state.  Call after the database
 * write that ends or blocks the session.
 */
void	auth_forget(struct req *r, const char *sid);

/*
 * Block every session of user uid and auth_forget() each at once (rid
 * names the request or job in logs).
 */
int	auth_revoke_all(struct be *be, const char *rid, const char *uid,
	    struct verr *e);

/*
 * Make a new refresh token (43 base64url characters) in tok (44 bytes)
 * and its stored hash (hex SHA-256) in hash (65 bytes).
 */
void	auth_new_refresh(char tok[44], char hash[65]);

/* Hash a presented refresh token as auth_new_refresh() stores it. */
void	auth_refresh_hash(const char *tok, char hash[65]);

/*
 * The LoginResponse (API.md 2.10) for user u and session s with refresh
 * token `refresh': a new access token is signed.  Caller owns the object.
 */
struct json_object *auth_login_response(struct req *r, const struct user *u,
	    const struct session *s, const char *refresh);

#endif
