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
 * GET /metrics: 200 text/plain; version=0.0.4, the node's scoreboard in
 * Prometheus text format (requests by route and status, latency
 * histogram, busy and running workers, 503s by backend).  Touches no
 * backend; never fails once the worker has its scoreboard.
 */
int	h_metrics(struct req *, struct verr *);

/*
 * POST /api/v1/users/register: 201 {message, user}; 400
 * validation_failed, 409 conflict, 429 rate_limited.
 */
int	h_users_register(struct req *, struct verr *);

/*
 * POST /api/v1/users/login: 200 LoginResponse; 400 validation_failed,
 * 401 invalid_credentials, 403 account_suspended, 429 rate_limited.
 */
int	h_users_login(struct req *, struct verr *);

/*
 * POST /api/v1/users/refresh: 200 LoginResponse with a rotated refresh
 * token; 400, 401 unauthorized (a replayed token blocks the session), 429.
 */
int	h_users_refresh(struct req *, struct verr *);

/* POST /api/v1/users/logout: 200 {message}; blocks the current session. */
int	h_users_logout(struct req *, struct verr *);

/*
 * POST /api/v1/users/request-otp: 200 {message} whether or not the
 * account exists; 400, 429, 503 when no mail transport is configured.
 */
int	h_users_request_otp(struct req *, struct verr *);

/*
 * POST /api/v1/users/reset-password: 200 {message}; 400
 * validation_failed or invalid_otp, 429.  Blocks every session.
 */
int	h_users_reset_password(struct req *, struct verr *);

/*
 * GET /api/v1/users/profile?username=|vid=, GET /api/v1/users/:username
 * and GET /api/v1/users/me: 200 UserProfile; 400 validation_failed, 404.
 */
int	h_users_profile(struct req *, struct verr *);
int	h_users_get(struct req *, struct verr *);
int	h_users_me(struct req *, struct verr *);

/* PATCH /api/v1/users/me: 200 User (self view); 400, 409 conflict. */
int	h_users_me_patch(struct req *, struct verr *);

/*
 * DELETE /api/v1/users/me {password}: 202 {message}, the account hidden
 * and its sessions revoked at once, purged by vybes-worker; 401
 * invalid_credentials (counted by UNLOCK_USER), 429.
 */
int	h_users_me_delete(struct req *, struct verr *);

/* GET /api/v1/sessions: 200 [Session], newest first, paginated. */
int	h_sessions_list(struct req *, struct verr *);

/* GET /api/v1/sessions/:id: 200 Session; 400 validation_failed, 404. */
int	h_sessions_get(struct req *, struct verr *);

/*
 * POST /api/v1/sessions/:id/block: 200 {message}, idempotent; 400, 404.
 */
int	h_sessions_block(struct req *, struct verr *);

/*
 * POST /api/v1/posts (multipart media, caption, visibility): 201 Post;
 * 400, 413 payload_too_large, 415 unsupported_media_type, 429, 503.
 */
int	h_posts_create(struct req *, struct verr *);

/* GET /api/v1/posts/:postID: 200 Post; 400, 404. */
int	h_posts_get(struct req *, struct verr *);

/*
 * DELETE /api/v1/posts/:postID: 204; 400, 404, 403 forbidden (not the
 * author).  An original takes its reposts, comments, likes, bookmarks,
 * notifications and media object with it.
 */
int	h_posts_delete(struct req *, struct verr *);

/*
 * POST /api/v1/posts/:postID/repost: 201 new repost, 200 the existing
 * one; 400, 404, 403 forbidden (original not public).
 */
int	h_posts_repost(struct req *, struct verr *);

/* GET /api/v1/reposts/by-user/:userID (id or username): 200 [Post]; 404. */
int	h_posts_reposts_of_user(struct req *, struct verr *);

/* GET /api/v1/users/:username/posts: 200 [Post] visible to the caller. */
int	h_posts_of_user(struct req *, struct verr *);

/* POST /api/v1/posts/:postID/view (public): 204 always; 400 bad id. */
int	h_posts_view(struct req *, struct verr *);

/* GET /api/v1/posts/:postID/comments: 200 [Comment]; 400, 404. */
int	h_posts_comments(struct req *, struct verr *);

/* POST /api/v1/posts/:postID/comments: 201 Comment; 400, 404, 429. */
int	h_posts_comment_create(struct req *, struct verr *);

/* DELETE /api/v1/comments/:commentID: 204; 400, 404, 403 forbidden. */
int	h_posts_comment_delete(struct req *, struct verr *);

/*
 * POST and DELETE /api/v1/posts/:postID/like: 200 {message, liked,
 * likeCount}; POST 400/404, DELETE only 400 (idempotent).
 */
int	h_posts_like(struct req *, struct verr *);
int	h_posts_unlike(struct req *, struct verr *);

/*
 * POST and DELETE /api/v1/posts/:postID/bookmark: 200 {message,
 * bookmarked}; POST 400/404, DELETE only 400 (idempotent).
 */
int	h_posts_bookmark(struct req *, struct verr *);
int	h_posts_unbookmark(struct req *, struct verr *);

/* GET /api/v1/bookmarks: 200 [Post with bookmarkedAt]. */
int	h_posts_bookmarks(struct req *, struct verr *);

/*
 * POST /api/v1/stories (multipart media only): 201 Story expiring
 * story_ttl seconds after its creation; 400, 413 payload_too_large, 415
 * unsupported_media_type, 429 rate_limited, 503.
 */
int	h_stories_create(struct req *, struct verr *);

/*
 * POST /api/v1/uploads {purpose, size}: 201 {uploadId, method, url,
 * headers, expiresAt}, a presigned PUT to storage (API.md 6.5); 400,
 * 413 payload_too_large, 429 rate_limited, 503.  POST /posts and POST
 * /stories with a JSON body {uploadId, ...} finalize it.
 */
int	h_uploads_create(struct req *, struct verr *);

/*
 * GET /api/v1/stories/feed: 200 [StoryGroup] of the caller's and its
 * followees' live stories, newest group first, at most 100 groups of 100.
 */
int	h_stories_feed(struct req *, struct verr *);

/*
 * DELETE /api/v1/stories/:storyID: 204, the media object goes too; 400
 * validation_failed, 404 (missing, expired, or the caller neither the
 * author nor a follower), 403 forbidden (a follower, not the author).
 */
int	h_stories_delete(struct req *, struct verr *);

/*
 * POST and DELETE /api/v1/users/:username/follow: 200 {message,
 * friendshipStatus}, idempotent; 400 bad_request (oneself), 403 (a user
 * the caller blocks), 404.
 */
int	h_social_follow(struct req *, struct verr *);
int	h_social_unfollow(struct req *, struct verr *);

/*
 * GET /api/v1/users/:username/followers and .../following: 200
 * [UserListItem], most recent follow first, paginated; 400, 404.
 */
int	h_social_followers(struct req *, struct verr *);
int	h_social_following(struct req *, struct verr *);

/* GET /api/v1/search/users?q=: 200 [UserListItem]; 400 validation_failed. */
int	h_social_search(struct req *, struct verr *);

/* GET /api/v1/suggestions/users: 200 [UserListItem with mutualCount]. */
int	h_social_suggestions(struct req *, struct verr *);

/*
 * POST and DELETE /api/v1/users/:username/block and .../mute: 200
 * {message, blocked|muted}, idempotent; 400 bad_request (oneself), 404.
 */
int	h_safety_block(struct req *, struct verr *);
int	h_safety_unblock(struct req *, struct verr *);
int	h_safety_mute(struct req *, struct verr *);
int	h_safety_unmute(struct req *, struct verr *);

/*
 * GET /api/v1/blocks and /api/v1/mutes: 200 [UserListItem], most recent
 * first, paginated; 400.
 */
int	h_safety_blocks(struct req *, struct verr *);
int	h_safety_mutes(struct req *, struct verr *);

/*
 * POST /api/v1/reports {targetType, targetId, reason, details}: 201 the
 * report, 200 the first one when repeated while open; 400, 404, 429.
 */
int	h_safety_report(struct req *, struct verr *);

/*
 * GET /api/v1/feeds/for-you and /api/v1/feeds/friends: 200 [Post],
 * newest first, paginated; 400.
 */
int	h_feeds_foryou(struct req *, struct verr *);
int	h_feeds_friends(struct req *, struct verr *);

/*
 * GET /api/v1/notifications: 200 [Notification] of the caller with
 * their actors, newest first, paginated (limit 30 by default, at most
 * 100); 400 validation_failed (limit, page, cursor).
 */
int	h_notifications_list(struct req *, struct verr *);

/* GET /api/v1/notifications/unread-count: 200 {"unreadCount": n}. */
int	h_notifications_unread(struct req *, struct verr *);

/*
 * PATCH /api/v1/notifications/read with {"notificationIds": [...]} or
 * {"all": true}: 200 {modifiedCount, updated}, the number changed from
 * unread to read (malformed, foreign and unknown ids are ignored); 400
 * bad_request (body), 400 validation_failed (neither given, not an
 * array of at most 500 strings, all not a boolean), 413.
 */
int	h_notifications_mark_read(struct req *, struct verr *);

/* GET /api/v1/wallet/status: 200 {walletAddress, unlocked[, until]}. */
int	h_wallet_status(struct req *, struct verr *);

/*
 * POST /api/v1/wallet/unlock {password}: 200 {message, unlockedUntil};
 * 400, 401 invalid_credentials, 429, 503 while Redis is down.
 */
int	h_wallet_unlock(struct req *, struct verr *);

/* POST /api/v1/wallet/lock: 200 {message}, idempotent; 503 (Redis). */
int	h_wallet_lock(struct req *, struct verr *);

/*
 * POST /api/v1/wallet/export {password}: 200 {privateKey}; 400, 401
 * invalid_credentials, 429 (every attempt counts), 503.
 */
int	h_wallet_export(struct req *, struct verr *);

/*
 * POST /api/v1/wallet/personal-sign, /secp256k1-sign, /sign-typed-data:
 * 200 {signature}; 400 validation_failed, 403 wallet_locked, 503.
 */
int	h_wallet_personal_sign(struct req *, struct verr *);
int	h_wallet_secp256k1_sign(struct req *, struct verr *);
int	h_wallet_sign_typed_data(struct req *, struct verr *);

/*
 * POST /api/v1/wallet/sign-transaction: 200 {signedTx, hash}; 400,
 * 403 wallet_locked.
 */
int	h_wallet_sign_transaction(struct req *, struct verr *);

/*
 * POST /api/v1/wallet/send-transaction: 200 {transactionHash}; 400,
 * 403 wallet_locked, 422 chain_rejected, 429, 503.
 */
int	h_wallet_send_transaction(struct req *, struct verr *);

#endif
