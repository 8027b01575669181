/*
 * Shared by the rds_*.c files only: running commands and scripts on the
 * process's Redis (one server or a cluster) with rds_redis.c's routing,
 * timeouts and recovery.  Nothing outside rds_*.c includes this header
 * (it pulls in hiredis).
 */
#ifndef RDS_INTERNAL_H
#define RDS_INTERNAL_H

#include <stddef.h>

#include <hiredis/hiredis.h>

struct rds;
struct verr;

/* Flags of one command. */
#define RDS_IDEMPOTENT	0x01	/* harmless to run twice: may be retried */

/*
 * Run one formatted command, routed by key in cluster mode; returns the
 * reply (the caller's to freeReplyObject()) or NULL with e set.  An
 * error reply is turned into a 503 too: every command here is well
 * formed, so -ERR means the server refuses service (OOM, LOADING,
 * READONLY, CLUSTERDOWN, or MOVED from a single server that is part of
 * a cluster).
 */
redisReply *rds_exec(struct rds *r, struct verr *e, const char *key,
	    int flags, const char *cmd, size_t len);

/* rds_exec() with the command as printf arguments. */
redisReply *rds_run(struct rds *r, struct verr *e, const char *key,
	    int flags, const char *fmt, ...);

/* rds_exec() with the command as argc strings (binary safe). */
redisReply *rds_runv(struct rds *r, struct verr *e, const char *key,
	    int flags, int argc, const char **argv);

/*
 * EVAL the script lua on the nkeys keys (of one slot) and nargs args;
 * returns 1 when its integer reply is not 0, 0 when it is, -1 with e set
 * (also for a reply that is not an integer).
 */
int	rds_eval(struct rds *r, const char *lua, const char *const *keys,
	    size_t nkeys, const char *const *args, size_t nargs, int flags,
	    struct verr *e);

/*
 * Run the n formatted commands cmds[i] (lens[i] bytes, each on the slot
 * of keys[i]; read-only, harmless to repeat) with one pipeline per
 * cluster master, and put each reply in reps[i] (the caller frees each).
 * Replies that are redirections, or that a broken connection lost, are
 * asked again one by one with rds_exec().  On one server every command
 * goes alone (use MGET there).  -1 with e set when one cannot be had.
 */
int	rds_pipeline(struct rds *r, const char *const *keys, char *const *cmds,
	    const size_t *lens, size_t n, redisReply **reps, struct verr *e);

/*
 * Record a failure of the node that gave the last reply as 503 and drop
 * its connection; always -1.
 */
int	rds_fail(struct rds *r, const char *what, const char *why,
	    struct verr *e);

/* 1 when the handle talks to a Redis Cluster, 0 for one server. */
int	rds_is_cluster(const struct rds *r);

#endif
