/*
 * Home timelines in Redis: per user, a sorted set of post ids scored by
 * createdAt in milliseconds (equal scores order by id, as API.md 3.4
 * wants), bounded to the newest entries.  A cache like those of
 * rds_cache.h, under the same generation rule: a timeline is rebuilt
 * from MongoDB when missing, and a rebuild that raced a fan-out stores
 * nothing.
 */
#ifndef RDS_TIMELINE_H
#define RDS_TIMELINE_H

#include <stddef.h>
#include <stdint.h>

struct rds;
struct verr;

struct rds_tl_ent {
	char	 id[25];
	int64_t	 ms;		/* score: the post's createdAt */
};

/*
 * Up to max entries of uid's timeline with score <= max_ms, newest
 * first, into out (*n of them).  *floor gets the score at and below
 * which entries may be missing (trimmed to the bound; 0 when the
 * timeline holds everything).  Returns 1, or 0 when there is no
 * timeline (gen then holds the generation for rds_tl_fill()).
 */
int	rds_tl_range(struct rds *r, const char *uid, int64_t max_ms,
	    size_t max, struct rds_tl_ent *out, size_t *n, int64_t *floor,
	    char gen[24], struct verr *e);

/*
 * Store the timeline of uid as the n entries with `floor' (see above),
 * for ttl seconds, unless its generation moved since gen: 1 or 0.
 */
int	rds_tl_fill(struct rds *r, const char *uid, const char *gen,
	    const struct rds_tl_ent *ents, size_t n, int64_t floor, int ttl,
	    struct verr *e);

/*
 * Add the n entries to uid's timeline if it exists, keeping the newest
 * `bound' (and raising the floor past what is trimmed); move its
 * generation either way.
 */
int	rds_tl_add(struct rds *r, const char *uid, const struct rds_tl_ent *ents,
	    size_t n, size_t bound, struct verr *e);

/* Remove the n post ids from uid's timeline (entries found stale). */
int	rds_tl_remove(struct rds *r, const char *uid, const char *const *ids,
	    size_t n, struct verr *e);

/* Drop uid's timeline: the next read rebuilds it. */
int	rds_tl_drop(struct rds *r, const char *uid, struct verr *e);

/*
 * The accounts too large to fan out (svc_timeline.c) are the set
 * "tl:big".  Add uid to it if the set is in Redis (a missing set is
 * rebuilt whole by its next reader).
 */
int	rds_tl_big_add(struct rds *r, const char *uid, struct verr *e);

/*
 * The accounts of "tl:big" into *ids (malloc'd, *n of them): 1, or 0
 * when the set is not in Redis.
 */
int	rds_tl_big_list(struct rds *r, char (**ids)[25], size_t *n,
	    struct verr *e);

/* Store "tl:big" as the n ids for ttl seconds. */
int	rds_tl_big_fill(struct rds *r, char (*ids)[25], size_t n, int ttl,
	    struct verr *e);

#endif
