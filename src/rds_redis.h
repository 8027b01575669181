/*
 * Redis: cache and helper, never the only copy of data.  One server, or
 * a Redis Cluster when REDIS_ADDR lists several seed nodes separated by
 * commas: each command then goes to the master of its key's slot,
 * following MOVED and ASK and finding a promoted replica after a
 * failover.  Connections have connect/command timeouts and are re-opened
 * on the next call after any error.  Every function works on one key or
 * on keys sharing a {hash tag}, so all of them work on a cluster.  This
 * header hides hiredis from the rest of the program.
 */
#ifndef RDS_REDIS_H
#define RDS_REDIS_H

#include <stddef.h>

struct cfg;
struct verr;
struct rds;

/*
 * A handle on cfg->redis_addr; connects lazily.  Never fails.  In cluster
 * mode redis_db must be 0 (a cluster has no other): it is ignored with a
 * warning.
 */
struct rds *rds_new(const struct cfg *c);
void	 rds_free(struct rds *r);

/* PING (any node of a cluster).  503 when unreachable or timed out. */
int	 rds_ping(struct rds *r, struct verr *e);

/*
 * GET key into buf (size bufsz, terminated).  Returns 1 if found, 0 if
 * absent, -1 with 503 in e on a backend error.
 */
int	 rds_get(struct rds *r, const char *key, char *buf, size_t bufsz,
	    struct verr *e);
/* SET key value, with expiry `ttl' seconds when ttl > 0. */
int	 rds_set(struct rds *r, const char *key, const char *val, int ttl,
	    struct verr *e);
/* DEL key; absent keys are fine. */
int	 rds_del(struct rds *r, const char *key, struct verr *e);
/* INCRBY key by n into *out. */
int	 rds_incrby(struct rds *r, const char *key, long long n,
	    long long *out, struct verr *e);

/*
 * One step of a sliding-window rate limit on `key': at most n requests
 * in any window of window_ms.  *retry_ms is 0 when the request is within
 * the limit (and it was recorded if `add'), else the milliseconds until
 * it would be.  503 when Redis is unreachable.
 */
int	 rds_rl(struct rds *r, const char *key, long long now_ms,
	    long long window_ms, long long n, int add, long long *retry_ms,
	    struct verr *e);

/*
 * Buffer n views of post `post' (counted in MongoDB later by
 * rds_views_take()) in key "views:{v}:<post>", listed in the set
 * "views:{v}:dirty".  503 when Redis is unreachable.
 */
int	 rds_views_add(struct rds *r, const char *post, long long n,
	    struct verr *e);

/*
 * Take up to max buffered view counters atomically; each goes to
 * fn(post, n, arg) and is gone from Redis.
 */
int	 rds_views_take(struct rds *r, int max,
	    void (*fn)(const char *post, long long n, void *arg), void *arg,
	    struct verr *e);

/*
 * Hold lease `name' for ttl seconds if nobody holds it: 1 acquired, 0
 * held elsewhere, -1 (503) when Redis is unreachable.
 */
int	 rds_lease(struct rds *r, const char *name, int ttl, struct verr *e);

/* Give back lease `name' if this process holds it; best effort. */
void	 rds_unlease(struct rds *r, const char *name);

#endif
