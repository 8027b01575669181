/*
 * Read-mostly data kept in Redis in front of MongoDB: cached objects
 * (posts, user summaries, a username's id, an unread count) and per-user
 * sets (whom a user follows, who follows them, what they liked,
 * bookmarked and reposted).  MongoDB stays the source of truth: every
 * entry can be lost at any time and is then read again from it.
 *
 * Fills never go stale.  Each entry has a generation counter beside it
 * (same cluster slot).  A reader that misses notes the generation it saw,
 * reads MongoDB, and stores what it read only if the generation has not
 * moved meanwhile; every write path, after its MongoDB write, moves the
 * generation (and drops or updates the entry) in one script.  So a
 * reader racing a writer either stores a value read after the write or
 * stores nothing: no stale value survives a write, whatever the
 * interleaving, and read-your-writes holds (API.md 1.8).
 */
#ifndef RDS_CACHE_H
#define RDS_CACHE_H

#include <stddef.h>

struct rds;
struct verr;

/* One looked-up entry. */
struct rds_hit {
	char	*val;		/* malloc'd value; NULL on a miss */
	char	 gen[24];	/* generation seen, for rds_cache_put() */
};

/*
 * Look up the n entries of `kind' (a short name: "p", "us", ...) for the
 * n ids into out[] (n of them; free with rds_hits_free()).  One round
 * trip on one server, one pipeline per master on a cluster.  503 on a
 * backend error.
 */
int	rds_cache_get(struct rds *r, const char *kind, const char *const *ids,
	    size_t n, struct rds_hit *out, struct verr *e);
void	rds_hits_free(struct rds_hit *h, size_t n);

/*
 * Store val as the entry of (kind, id) for ttl seconds, unless its
 * generation moved since `gen' was seen: 1 stored, 0 refused.
 */
int	rds_cache_put(struct rds *r, const char *kind, const char *id,
	    const char *gen, const char *val, int ttl, struct verr *e);

/* After a write to the object: move its generation and drop its entry. */
int	rds_cache_bump(struct rds *r, const char *kind, const char *id,
	    struct verr *e);

/*
 * Membership of the n members in each of the nsets sets of user uid
 * (names such as "fe", "lk"), in one round trip: out[s * n + i] is 1
 * when member i is in set s.  loaded[s] is 0 when set s is not in Redis
 * (its row of out is then 0s and gens[s] holds the generation to fill it
 * with).
 */
int	rds_uset_test(struct rds *r, const char *uid, const char *const *sets,
	    size_t nsets, const char *const *members, size_t n, int *out,
	    int *loaded, char (*gens)[24], struct verr *e);

/*
 * Store set `set' of user uid as the n members (the whole set, as read
 * from MongoDB) unless its generation moved since gen: 1 or 0.
 */
int	rds_uset_fill(struct rds *r, const char *uid, const char *set,
	    const char *gen, const char *const *members, size_t n, int ttl,
	    struct verr *e);

/*
 * After a write that changed set `set' of uid: drop the set and move its
 * generation, so the next reader loads it from MongoDB.  (Updating it in
 * place would not do: two requests that add and remove the same member
 * can reach Redis in the other order than they reached MongoDB.)
 */
int	rds_uset_drop(struct rds *r, const char *uid, const char *set,
	    struct verr *e);

/*
 * fn(member, arg) for each member of set `set' of uid: 1, or 0 when the
 * set is not stored (fn not called).
 */
int	rds_uset_members(struct rds *r, const char *uid, const char *set,
	    void (*fn)(const char *, void *), void *arg, struct verr *e);

#endif
