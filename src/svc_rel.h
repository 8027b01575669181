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

#include "db_posts.h"

struct be;
struct verr;

/* For each of the n user ids, rel[i] gets the REL_* bits with viewer. */
int	svc_rel_get(struct be *be, const char *viewer, const char *const *ids,
	    size_t n, int *rel, struct verr *e);

/*
 * For each of the n post ids, whether viewer liked, bookmarked or
 * reposted it (any of the three out arrays may be NULL).
 */
int	svc_marks_get(struct be *be, const char *viewer,
	    const char *const *ids, size_t n, int *liked, int *bookmarked,
	    int *reposted, struct verr *e);

/*
 * After `a' followed or unfollowed `b' in MongoDB: drop the sets of both
 * that changed.  Never fails the request: an error is logged, and a set
 * it could not drop expires.
 */
void	svc_rel_changed(struct be *be, const char *a, const char *b);

/* After user's marks m changed in MongoDB (as above). */
void	svc_mark_changed(struct be *be, const char *user, enum db_mark m);

#endif
