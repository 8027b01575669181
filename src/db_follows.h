/*
 * The follow graph (collection follows: followerId, followingId,
 * createdAt) and the user queries built on it: lists, search and
 * suggestions.
 */
#ifndef DB_FOLLOWS_H
#define DB_FOLLOWS_H

#include <stddef.h>
#include <stdint.h>

#include "db_mongo.h"

struct db;
struct verr;

/*
 * Make `a' follow (on=1) or stop following (on=0) `b'.  *changed tells
 * whether a follow was created or removed; only then do a's
 * followingCount and b's followerCount move.
 */
int	db_follow_set(struct db *db, const char *a, const char *b, int on,
	    int *changed, struct verr *e);

/*
 * The ids of the users `a' follows, most recent first, at most max, in a
 * malloc'd array given to the caller (*ids, *n).
 */
int	db_followees(struct db *db, const char *a, size_t max, char (**ids)[25],
	    size_t *n, struct verr *e);

/*
 * Every follower (followers=1) or followee of `user': fn(id) for each,
 * in no order.  Served by the {followingId} or {followerId, followingId}
 * index.
 */
int	db_follow_ids(struct db *db, const char *user, int followers,
	    void (*fn)(const char *id, void *), void *arg, struct verr *e);

/*
 * Followers (followers=1) or followees of `user', most recent follow
 * first: fn(user id, follow time, follow id) for each.
 */
int	db_follow_list(struct db *db, const char *user, int followers,
	    const struct db_page *pg,
	    void (*fn)(const char *uid, int64_t at, const char *fid, void *),
	    void *arg, struct verr *e);

/*
 * Users whose lower-case username (group 1) or name (group 2) starts
 * with the literal `prefix', by username ascending, at most max per
 * group: fn(user id, username, group).
 */
int	db_user_search(struct db *db, const char *prefix, size_t max,
	    void (*fn)(const char *uid, const char *username, int group,
	    void *), void *arg, struct verr *e);

/*
 * Friends-of-friends of `me' through the n followees: users they follow
 * that me does not (nor me), with how many of the followees follow each,
 * most first, at most max: fn(user id, count).
 */
int	db_follow_candidates(struct db *db, const char *me,
	    const char *const *followees, size_t n, size_t max,
	    void (*fn)(const char *uid, int64_t count, void *), void *arg,
	    struct verr *e);

/*
 * The most-followed users other than `me' and the n excluded ids, by
 * followerCount descending then id ascending, at most max: fn(id, 0).
 */
int	db_user_most_followed(struct db *db, const char *me,
	    const char *const *exclude, size_t n, size_t max,
	    void (*fn)(const char *uid, int64_t count, void *), void *arg,
	    struct verr *e);

/*
 * Every user with more than `min' followers: fn(id) for each, in no
 * order.  Index: users {followerCount -1, _id}.
 */
int	db_user_followed_over(struct db *db, int64_t min,
	    void (*fn)(const char *id, void *), void *arg, struct verr *e);

#endif
