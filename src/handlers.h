/*
 * Resource handlers.  Each validates input, calls the stores and renders
 * JSON with http_json(); on failure it records a struct verr and returns
 * -1, and fcgi.c answers.  The HTTP outcomes are listed per handler.
 */
#ifndef HANDLERS_H
#define HANDLERS_H

struct req;
struct verr;

/* GET /health: 200 {"status":"healthy",...}; touches no backend. */
int	h_health(struct req *, struct verr *);

/*
 * GET /health/ready: checks MongoDB, Redis, NATS and the posts bucket in
 * parallel, about 1 s each, cached for up to 5 s.  200 ready or degraded;
 * 503 not_ready when MongoDB is down.
 */
int	h_health_ready(struct req *, struct verr *);

/*
 * POST /api/v1/users/register: 201 {message, user}; 400
 * validation_failed, 409 conflict, 429 rate_limited.
 */
int	h_register(struct req *, struct verr *);

/*
 * POST /api/v1/users/login: 200 LoginResponse; 400 validation_failed,
 * 401 invalid_credentials, 429 rate_limited.
 */
int	h_login(struct req *, struct verr *);

/*
 * POST /api/v1/users/refresh: 200 LoginResponse with a rotated refresh
 * token; 400, 401 unauthorized (a replayed token blocks the session), 429.
 */
int	h_refresh(struct req *, struct verr *);

/* POST /api/v1/users/logout: 200 {message}; blocks the current session. */
int	h_logout(struct req *, struct verr *);

/*
 * POST /api/v1/users/request-otp: 200 {message} whether or not the
 * account exists; 400, 429, 503 when no mail transport is configured.
 */
int	h_request_otp(struct req *, struct verr *);

/*
 * POST /api/v1/users/reset-password: 200 {message}; 400
 * validation_failed or invalid_otp, 429.  Blocks every session.
 */
int	h_reset_password(struct req *, struct verr *);

/*
 * GET /api/v1/users/profile?username=|vid=, GET /api/v1/users/:username
 * and GET /api/v1/users/me: 200 UserProfile; 400 validation_failed, 404.
 */
int	h_profile(struct req *, struct verr *);
int	h_user_get(struct req *, struct verr *);
int	h_me(struct req *, struct verr *);

/* PATCH /api/v1/users/me: 200 User (self view); 400, 409 conflict. */
int	h_me_patch(struct req *, struct verr *);

/* GET /api/v1/sessions: 200 [Session], newest first, paginated. */
int	h_sessions_list(struct req *, struct verr *);

/* GET /api/v1/sessions/:id: 200 Session; 400 validation_failed, 404. */
int	h_session_get(struct req *, struct verr *);

/*
 * POST /api/v1/sessions/:id/block: 200 {message}, idempotent; 400, 404.
 */
int	h_session_block(struct req *, struct verr *);

#endif
