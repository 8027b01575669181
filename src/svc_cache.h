/*
 * Objects read far more often than written, served from Redis in front
 * of MongoDB (rds_cache.h): post documents with their counters, user
 * summaries, the id of a username, and a user's unread notification
 * count.  Every write path that changes one calls its *_changed()
 * function after the MongoDB write, which keeps counters exact (API.md
 * 1.8): a cached post is never older than the last write to it.  A miss
 * reads MongoDB by _id only.  When Redis cannot be reached, everything
 * is read from MongoDB as if nothing were cached.
 */
#ifndef SVC_CACHE_H
#define SVC_CACHE_H

#include <stddef.h>
#include <stdint.h>

struct be;
struct post;
struct user_sum;
struct verr;

/*
 * The n posts of ids into out[i] (malloc'd, for the caller to free), or
 * NULL for a post that does not exist.  One Redis round trip, then one
 * MongoDB find by _id per post not cached.
 */
int	svc_posts_get(struct be *be, const char *const *ids, size_t n,
	    struct post **out, struct verr *e);

/* svc_posts_get() of one post into p; 404 not_found when missing. */
int	svc_post_get(struct be *be, const char *id, struct post *p,
	    struct verr *e);

/* After post id changed (counters, deletion): drop its cached copy. */
void	svc_post_changed(struct be *be, const char *id);

/*
 * The summaries of the n user ids into out[i], found[i] = 0 for a user
 * who does not exist.  As svc_posts_get().
 */
int	svc_sums_get(struct be *be, const char *const *ids, size_t n,
	    struct user_sum *out, int *found, struct verr *e);

/*
 * The id of the user whose (lower-case) username is `name' into id; 404
 * not_found when none.
 */
int	svc_username_id(struct be *be, const char *name, char id[25],
	    struct verr *e);

/*
 * After user id's profile changed: drop their summary, and the id
 * cached under their former username `old' (may be NULL).
 */
void	svc_user_changed(struct be *be, const char *id, const char *old);

/* The unread notification count of user into *n. */
int	svc_unread_get(struct be *be, const char *user, int64_t *n,
	    struct verr *e);

/* After user's notifications changed (created, read, deleted). */
void	svc_unread_changed(struct be *be, const char *user);

#endif
