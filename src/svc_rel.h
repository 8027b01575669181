/*
 * What a request asks about its caller: whom they follow and who follows
 * them (relationship state, API.md 1.7) and which posts they liked,
 * bookmarked or reposted (likedByMe and friends, 2.5).  Answered from
 * the caller's sets in Redis in one round trip whatever the number of
 * users or posts asked about; a set missing from Redis is read from
 * MongoDB once (by its index on the caller's id) and stored.  When
 * Redis cannot be reached, MongoDB answers directly.
 */
#ifndef SVC_REL_H
#define SVC_REL_H

#include <stddef.h>
#include <stdint.h>

#include "db_blocks.h"
#include "db_posts.h"

struct be;
struct verr;

/*
 * For each of the n user ids, rel[i] gets the REL_* bits with viewer:
 * follows both ways, blocks both ways, the viewer's mutes, and whether
 * the user is suspended or being deleted.
 */
int	svc_rel_get(struct be *be, const char *viewer, const char *const *ids,
	    size_t n, int *rel, struct verr *e);

/*
 * For each of the n user ids, out[i] = 1 when its REL_* bits with viewer
 * have any of `mask' (0 for viewer themselves): who is to be left out.
 */
int	svc_rel_any(struct be *be, const char *viewer, const char *const *ids,
	    size_t n, int mask, int *out, struct verr *e);

/*
 * Of the n items at base, each `size' bytes with the id of its user at
 * offset `off', keep those whose user has none of `mask' with viewer
 * (as svc_rel_any()), moved up in order: how many, or -1 on error.
 */
int	svc_rel_keep(struct be *be, const char *viewer, void *base, size_t n,
	    size_t size, size_t off, int mask, struct verr *e);

/*
 * Is there a block between a and b, either way?  1 yes, 0 no, -1 error.
 * From a's cached sets "bk" and "bb" (no MongoDB query while they are
 * warm), from MongoDB when Redis cannot be reached.
 */
int	svc_rel_blocked(struct be *be, const char *a, const char *b,
	    struct verr *e);

/*
 * For each of the n post ids, whether viewer liked, bookmarked or
 * reposted it (any of the three out arrays may be NULL).
 */
int	svc_marks_get(struct be *be, const char *viewer,
	    const char *const *ids, size_t n, int *liked, int *bookmarked,
	    int *reposted, struct verr *e);

/*
 * How many of uid's followers, and of those uid follows, are gone
 * (suspended or being deleted): hidden from every list (API.md 6.2,
 * 6.3), so left out of the counters shown too (1.8).  The set "gone" is
 * read whole (Redis, else MongoDB), then tested against uid's follow
 * sets in one script; nothing more when nobody is gone.
 */
int	svc_rel_gone_follows(struct be *be, const char *uid,
	    int64_t *followers, int64_t *following, struct verr *e);

/*
 * Every user on the other side of a block with uid, either way, muted by
 * uid, or gone (suspended or being deleted), from MongoDB (four indexed
 * queries), into a malloc'd *ids (*n of them, repeats possible).
 */
int	svc_rel_apart(struct be *be, const char *uid, char (**ids)[25],
	    size_t *n, struct verr *e);

/*
 * After `a' followed or unfollowed `b' in MongoDB: drop the sets of both
 * that changed.  Never fails the request: an error is logged, and a set
 * it could not drop expires.
 */
void	svc_rel_changed(struct be *be, const char *a, const char *b);

/* After `a' blocked, muted, unblocked or unmuted `b' (as above). */
void	svc_restrict_changed(struct be *be, const char *a, const char *b,
	    enum db_restrict k);

/* After a user was suspended, unsuspended or deleted (as above). */
void	svc_gone_changed(struct be *be);

/* After user's marks m changed in MongoDB (as above). */
void	svc_mark_changed(struct be *be, const char *user, enum db_mark m);

#endif
