/*
 * The purge of a deleted account (API.md 6.3), as steps that can each be
 * run again after a crash: a journal (collection purges) names, before
 * anything is removed, every post and user whose counters the purge
 * moves; the removals are deletes by the user's id; the counters named
 * in the journal are then recomputed from what remains.
 */
#ifndef DB_PURGE_H
#define DB_PURGE_H

#include <stddef.h>
#include <stdint.h>

struct db;
struct verr;

/* The posts and users whose counters a purge moves. */
struct purge {
	char	(*posts)[25];
	size_t	  nposts;
	char	(*users)[25];
	size_t	  nusers;
};

/* Free the arrays of p (not p). */
void	db_purge_clear(struct purge *p);

/*
 * Every user deleted at or before `before_ms' (API.md 6.3's grace):
 * fn(id) for each.
 */
int	db_purge_due(struct db *db, int64_t before_ms,
	    void (*fn)(const char *id, void *), void *arg, struct verr *e);

/*
 * The journal of the purge of uid into p: read when it exists (a purge
 * that resumes), else gathered from the user's relations and stored.
 */
int	db_purge_journal(struct db *db, const char *uid, struct purge *p,
	    struct verr *e);

/*
 * The media keys of the posts (stories=0) or stories (1) of uid:
 * fn(key) for each.
 */
int	db_purge_media(struct db *db, const char *uid, int stories,
	    void (*fn)(const char *key, void *), void *arg, struct verr *e);

/*
 * Delete every document of uid or hanging off uid's posts: others'
 * reposts, comments, likes, bookmarks and notifications of them, then
 * uid's posts, comments, likes, bookmarks, follows both ways,
 * notifications to and from uid, stories, sessions, reports made,
 * blocks and mutes both ways.  *n gets how many documents went.
 */
int	db_purge_remove(struct db *db, const char *uid, int64_t *n,
	    struct verr *e);

/*
 * Recompute likeCount, commentCount and repostCount of the posts of p,
 * and postCount, followerCount, followingCount and totalLikeCount of its
 * users, from the relations; a counter already right is not written.
 */
int	db_purge_recount(struct db *db, const struct purge *p,
	    struct verr *e);

/* Delete the journal and the user document of uid: the purge is done. */
int	db_purge_finish(struct db *db, const char *uid, struct verr *e);

#endif
