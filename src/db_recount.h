/*
 * Recomputing every stored counter from the relations it counts, for
 * the case where a crash between a write and its counter update (there
 * are no multi-document transactions) left one off.
 */
#ifndef DB_RECOUNT_H
#define DB_RECOUNT_H

#include <stdint.h>

struct db;
struct verr;

/*
 * Set likeCount, commentCount and repostCount of every post, and
 * postCount, followerCount, followingCount and totalLikeCount of every
 * user, from reactions, comments, posts and follows.  *fixed gets how
 * many documents had a wrong counter.
 */
int	db_recount(struct db *db, int64_t *fixed, struct verr *e);

/*
 * Ask for a recount (vybesctl recount); db_recount_take() hands the
 * request to exactly one taker.
 */
int	db_recount_request(struct db *db, struct verr *e);

/* 1 when a recount was requested (the request is now consumed), else 0. */
int	db_recount_take(struct db *db, struct verr *e);

#endif
