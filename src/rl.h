/*
 * Rate limits of API.md section 4: sliding windows counted in Redis,
 * failing open or closed per limit when Redis is unreachable.
 */
#ifndef RL_H
#define RL_H

#include "cfg.h"

struct be;
struct req;
struct verr;

/*
 * Check limit `id' for `key' and, when `add', count this request.  0 when
 * within the limit (or limits are off, or Redis is down for an "open"
 * limit); -1 with 429 rate_limited and Retry-After when over it, or 503
 * unavailable when Redis is down for a "closed" one.
 */
int	rl_check(struct req *r, enum rl_id id, const char *key, int add,
	    struct verr *e);

/* Count one request against `id' for `key' without checking; best effort. */
void	rl_count(struct req *r, enum rl_id id, const char *key);

/* rl_check() and rl_count() outside a request: rid names it in logs. */
int	rl_check_be(struct be *be, const char *rid, enum rl_id id,
	    const char *key, int add, struct verr *e);
void	rl_count_be(struct be *be, enum rl_id id, const char *key);

/* Forget the count of `id' for `key' (a successful login); best effort. */
void	rl_clear(struct req *r, enum rl_id id, const char *key);

/* The limit's name as in RL_<NAME>, for logs. */
const char *rl_name(enum rl_id id);

#endif
