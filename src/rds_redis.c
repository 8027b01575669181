/*
 * Redis over hiredis, to one server or to a Redis Cluster, behind one
 * interface.  Connections are blocking, opened on first use with a
 * connect timeout and given a command timeout, so a dead or blackholed
 * Redis costs a request at most redis-connect-ms plus redis-command-ms.
 * Any error frees the context: hiredis marks a context unusable after an
 * I/O error, and the next call reconnects instead.
 *
 * REDIS_ADDR without a comma names one server, used as it is.  With a
 * comma it lists seed nodes of a cluster (as the Go service's deployment
 * did; a trailing comma makes one seed a cluster seed).  The slot map is
 * read with CLUSTER SLOTS from the first seed that answers, then from any
 * known master; each command goes to the master of its key's slot over
 * one lazily opened connection per master.  MOVED updates that slot and
 * has the whole map re-read on the next call; ASK sends ASKING and the
 * command to the named node once, leaving the map alone; a connection
 * error marks the map stale and re-reads it (after a failover the
 * promoted replica is found this way).  A command gets RDS_TRIES tries in
 * all, within the same connect-plus-command budget as one server, and is
 * tried again after a failure that may have executed it only when doing
 * it twice is harmless.  Cluster mode has database 0 only.  Keys used
 * together by one command or script share a {hash tag}, so they are in
 * one slot (see the view counters).
 *
 * The password is sent with AUTH and never logged or put in a verr.
 */
#include <sys/socket.h>
#include <sys/time.h>

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <hiredis/hiredis.h>

#include "cfg.h"
#include "log.h"
#include "rds_cluster.h"
#include "rds_internal.h"
#include "rds_redis.h"
#include "rkey.h"
#include "verr.h"
#include "xmem.h"

#define RDS_TRIES	4	/* one try, then up to 3 redirects or retries */
#define RDS_MAXSEEDS	16

struct rds {
	int		 rds_cluster;	/* REDIS_ADDR listed several nodes */
	/*
	 * The nodes and, in cluster mode, which serves each slot.  A single
	 * server is node 0 and the slots are unused.  rds_ctx[i] is the
	 * connection to rds_map->sm_node[i], NULL when closed.
	 */
	struct rds_slotmap *rds_map;
	struct rds_slotmap *rds_next;	/* scratch for a refresh */
	redisContext	*rds_ctx[RDS_CLUSTER_MAXNODES];
	int		 rds_stale;	/* re-read the map before next call */
	int		 rds_last;	/* node of the last reply */
	long long	 rds_deadline;	/* cluster: end of this call's budget */
	struct rds_addr	 rds_seed[RDS_MAXSEEDS];
	size_t		 rds_nseed;
	char		 rds_why[512];	/* why the last try failed */
	char		*rds_password;	/* NULL for none */
	int		 rds_db;
	int		 rds_connect_ms;
	int		 rds_command_ms;
};

static void
rds_ms2tv(int ms, struct timeval *tv)
{
	tv->tv_sec = ms / 1000;
	tv->tv_usec = (ms % 1000) * 1000;
}

static long long
rds_now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Milliseconds left for this call, capped at `cap'.  A single server has
 * no overall budget, only the per-operation timeouts, as it always had.
 */
static int
rds_left(struct rds *r, int cap)
{
	long long	 left;

	if (!r->rds_cluster)
		return cap;
	left = r->rds_deadline - rds_now_ms();
	if (left <= 0)
		return 0;
	return left < cap ? (int)left : cap;
}

static void *
rds_alloc(size_t n)
{
	void	*p;

	p = xcalloc(1, n);
	return p;
}

/*
 * Fill the seed list from `addr'; an empty or missing host is the local
 * one and an empty list is 127.0.0.1:6379, as for a single server.
 */
static void
rds_parse_seeds(struct rds *r, const char *addr)
{
	struct rds_addr	*a;
	size_t		 len;

	if (addr == NULL)
		addr = "";
	r->rds_cluster = strchr(addr, ',') != NULL;
	for (;;) {
		len = strcspn(addr, ",");
		a = &r->rds_seed[r->rds_nseed];
		rds_cluster_addr(addr, len, a);
		if (a->ra_host[0] == '\0')
			snprintf(a->ra_host, sizeof(a->ra_host), "127.0.0.1");
		/* Skip the empty entries of "a,,b" and "a,", keep a lone "". */
		if (strspn(addr, " ") < len || r->rds_nseed == 0)
			r->rds_nseed++;
		if (addr[len] == '\0' || r->rds_nseed == RDS_MAXSEEDS)
			break;
		addr += len + 1;
	}
}

struct rds *
rds_new(const struct cfg *c)
{
	struct rds	*r;

	r = rds_alloc(sizeof(*r));
	r->rds_map = rds_alloc(sizeof(*r->rds_map));
	rds_cluster_clear(r->rds_map);
	rds_parse_seeds(r, c->redis_addr);
	if (c->redis_password != NULL && c->redis_password[0] != '\0')
		r->rds_password = xstrdup(c->redis_password);
	r->rds_db = c->redis_db;
	r->rds_connect_ms = c->redis_connect_ms > 0 ? c->redis_connect_ms : 200;
	r->rds_command_ms = c->redis_command_ms > 0 ? c->redis_command_ms : 500;
	if (!r->rds_cluster) {
		(void)rds_cluster_node(r->rds_map, r->rds_seed[0].ra_host,
		    r->rds_seed[0].ra_port);
		return r;
	}
	r->rds_next = rds_alloc(sizeof(*r->rds_next));
	r->rds_stale = 1;
	if (r->rds_db != 0)
		log_warnx("redis: database %d ignored: a Redis Cluster has "
		    "database 0 only", r->rds_db);
	return r;
}

static void
rds_close(struct rds *r, int i)
{
	if (r->rds_ctx[i] != NULL) {
		redisFree(r->rds_ctx[i]);
		r->rds_ctx[i] = NULL;
	}
}

void
rds_free(struct rds *r)
{
	size_t	 i;

	if (r == NULL)
		return;
	for (i = 0; i < RDS_CLUSTER_MAXNODES; i++)
		rds_close(r, i);
	if (r->rds_password != NULL) {
		explicit_bzero(r->rds_password, strlen(r->rds_password));
		free(r->rds_password);
	}
	free(r->rds_next);
	free(r->rds_map);
	free(r);
}

/*
 * Note why a try on node i failed and close its connection.  The reason
 * is hiredis' own message ("Connection refused", "Resource temporarily
 * unavailable" for a timeout) or the server's error, which hold no
 * secret.  Always returns -1.
 */
static int
rds_node_fail(struct rds *r, int i, const char *what, const char *why)
{
	snprintf(r->rds_why, sizeof(r->rds_why), "%s: %s:%d: %s", what,
	    r->rds_map->sm_node[i].ra_host, r->rds_map->sm_node[i].ra_port,
	    why);
	rds_close(r, i);
	return -1;
}

int
rds_fail(struct rds *r, const char *what, const char *why, struct verr *e)
{
	rds_node_fail(r, r->rds_last, what, why);
	return verr_backend(e, "redis", r->rds_why);
}

/*
 * Send one formatted command to node i, after ASKING when `asking', and
 * read its reply into *rep (the caller's to freeReplyObject()).  An error
 * reply is a reply; -1 means an I/O error or timeout, which has closed
 * the connection and may or may not have run the command.
 */
static int
rds_send(struct rds *r, int i, int asking, const char *cmd, size_t len,
    redisReply **rep)
{
	redisContext	*ctx = r->rds_ctx[i];
	struct timeval	 tv;
	void		*v = NULL;
	int		 ms;

	*rep = NULL;
	if (r->rds_cluster) {
		if ((ms = rds_left(r, r->rds_command_ms)) == 0)
			return rds_node_fail(r, i, "command", "out of time");
		rds_ms2tv(ms, &tv);
		if (redisSetTimeout(ctx, tv) != REDIS_OK)
			return rds_node_fail(r, i, "command",
			    "cannot set timeout");
	}
	if ((asking && redisAppendCommand(ctx, "ASKING") != REDIS_OK) ||
	    redisAppendFormattedCommand(ctx, cmd, len) != REDIS_OK)
		return rds_node_fail(r, i, "command", "out of memory");
	/* Whatever ASKING answers, the command's own reply tells. */
	if (asking && redisGetReply(ctx, &v) == REDIS_OK && v != NULL) {
		freeReplyObject(v);
		v = NULL;
	}
	if (ctx->err == 0 && redisGetReply(ctx, &v) == REDIS_OK && v != NULL) {
		*rep = v;
		r->rds_last = i;
		return 0;
	}
	return rds_node_fail(r, i, "command", ctx->errstr[0] != '\0' ?
	    ctx->errstr : "no reply");
}

/* Run a command given as printf arguments on node i; see rds_send(). */
static int
rds_sendf(struct rds *r, int i, redisReply **rep, const char *fmt, ...)
{
	va_list	 ap;
	char	*cmd;
	int	 len, rc;

	va_start(ap, fmt);
	len = redisvFormatCommand(&cmd, fmt, ap);
	va_end(ap);
	if (len == -1)
		xnomem("redisvFormatCommand");
	rc = rds_send(r, i, 0, cmd, len, rep);
	redisFreeCommand(cmd);
	return rc;
}

/*
 * Whether the server closed c while it sat idle (a Redis restart, its
 * idle timeout): reading would give end of file at once.  Such a
 * connection is opened again before a command is sent on it, so the
 * first request after Redis comes back is not lost to it (a command that
 * is not safe to repeat is tried only once).
 */
static int
rds_closed(const redisContext *c)
{
	struct pollfd	 p = { c->fd, POLLIN, 0 };
	char		 b;

	if (poll(&p, 1, 0) != 1)
		return 0;
	if (p.revents & (POLLERR | POLLHUP | POLLNVAL))
		return 1;
	return recv(c->fd, &b, 1, MSG_PEEK | MSG_DONTWAIT) == 0;
}

/*
 * Connect to node i, AUTH and (one server only) SELECT, unless connected
 * already.  -1 with the reason in rds_why.
 */
static int
rds_open(struct rds *r, int i)
{
	const struct rds_addr	*a = &r->rds_map->sm_node[i];
	struct timeval		 tv;
	redisReply		*rep = NULL;
	int			 ms, rc = -1;

	if (r->rds_ctx[i] != NULL && !rds_closed(r->rds_ctx[i]))
		return 0;
	rds_close(r, i);
	if ((ms = rds_left(r, r->rds_connect_ms)) == 0)
		return rds_node_fail(r, i, "connect", "out of time");
	rds_ms2tv(ms, &tv);
	if (a->ra_port == 0)
		r->rds_ctx[i] = redisConnectUnixWithTimeout(a->ra_host, tv);
	else
		r->rds_ctx[i] = redisConnectWithTimeout(a->ra_host, a->ra_port,
		    tv);
	if (r->rds_ctx[i] == NULL)
		return rds_node_fail(r, i, "connect", "out of memory");
	if (r->rds_ctx[i]->err)
		return rds_node_fail(r, i, "connect", r->rds_ctx[i]->errstr);
	rds_ms2tv(r->rds_command_ms, &tv);
	if (redisSetTimeout(r->rds_ctx[i], tv) != REDIS_OK)
		return rds_node_fail(r, i, "connect", "cannot set timeout");

	if (r->rds_password != NULL) {
		if (rds_sendf(r, i, &rep, "AUTH %s", r->rds_password) == -1)
			goto out;
		/* The server's error text never echoes the password. */
		if (rep->type == REDIS_REPLY_ERROR) {
			rds_node_fail(r, i, "AUTH", rep->str);
			goto out;
		}
		freeReplyObject(rep);
		rep = NULL;
	}
	if (r->rds_db != 0 && !r->rds_cluster) {
		if (rds_sendf(r, i, &rep, "SELECT %d", r->rds_db) == -1)
			goto out;
		if (rep->type == REDIS_REPLY_ERROR) {
			rds_node_fail(r, i, "SELECT", rep->str);
			goto out;
		}
	}
	rc = 0;
out:
	if (rep != NULL)
		freeReplyObject(rep);
	return rc;
}

/*
 * Make rds_next the map, keeping the connections to nodes it still has
 * and closing the others.
 */
static void
rds_adopt(struct rds *r)
{
	redisContext		*ctx[RDS_CLUSTER_MAXNODES] = { NULL };
	struct rds_slotmap	*old = r->rds_map;
	size_t			 i, j;

	for (i = 0; i < r->rds_next->sm_nnode; i++)
		for (j = 0; j < old->sm_nnode; j++)
			if (r->rds_ctx[j] != NULL &&
			    old->sm_node[j].ra_port ==
			    r->rds_next->sm_node[i].ra_port &&
			    strcmp(old->sm_node[j].ra_host,
			    r->rds_next->sm_node[i].ra_host) == 0) {
				ctx[i] = r->rds_ctx[j];
				r->rds_ctx[j] = NULL;
				break;
			}
	for (j = 0; j < RDS_CLUSTER_MAXNODES; j++)
		rds_close(r, j);
	memcpy(r->rds_ctx, ctx, sizeof(ctx));
	r->rds_map = r->rds_next;
	r->rds_next = old;
	r->rds_stale = 0;
}

/* Ask node i for the slot map; 0 when it gave a usable one. */
static int
rds_discover_from(struct rds *r, int i)
{
	redisReply	*rep = NULL;
	int		 rc = -1;

	if (rds_open(r, i) == -1 ||
	    rds_sendf(r, i, &rep, "CLUSTER SLOTS") == -1)
		return -1;
	if (rep->type == REDIS_REPLY_ERROR)
		rds_node_fail(r, i, "CLUSTER SLOTS", rep->str);
	else if (rds_cluster_parse_slots(r->rds_next, rep,
	    r->rds_map->sm_node[i].ra_host) <= 0)
		rds_node_fail(r, i, "CLUSTER SLOTS", "no slots in reply");
	else
		rc = 0;
	freeReplyObject(rep);
	return rc;
}

/*
 * Re-read the slot map from the seeds, then from every other node known,
 * until one answers within the budget.  -1 with rds_why set when none
 * did; the old map stays, marked stale.
 */
static int
rds_discover(struct rds *r)
{
	char	 tried[RDS_CLUSTER_MAXNODES] = { 0 };
	size_t	 i;
	int	 n;

	snprintf(r->rds_why, sizeof(r->rds_why), "no cluster node known");
	for (i = 0; i < r->rds_nseed + r->rds_map->sm_nnode; i++) {
		if (rds_left(r, 1) == 0)
			break;
		if (i < r->rds_nseed)
			n = rds_cluster_node(r->rds_map,
			    r->rds_seed[i].ra_host, r->rds_seed[i].ra_port);
		else
			n = (int)(i - r->rds_nseed);
		if (n == -1 || tried[n])
			continue;
		tried[n] = 1;
		if (rds_discover_from(r, n) == 0) {
			rds_adopt(r);
			return 0;
		}
	}
	r->rds_stale = 1;
	return -1;
}

/* A node for a command without a key: one connected already if any. */
static int
rds_any(struct rds *r)
{
	size_t	 i;

	for (i = 0; i < r->rds_map->sm_nnode; i++)
		if (r->rds_ctx[i] != NULL)
			return (int)i;
	return 0;
}

/*
 * Run one formatted command on the master of key's slot (any node when
 * key is NULL), following redirections; see the top of the file.  NULL
 * with rds_why set when it could not be done.
 */
static redisReply *
rds_cluster_exec(struct rds *r, const char *key, int flags, const char *cmd,
    size_t len)
{
	struct rds_addr	 to;
	redisReply	*rep = NULL;
	unsigned	 slot, rslot;
	int		 try, node = -1, asking = 0, ask;

	r->rds_deadline = rds_now_ms() + r->rds_connect_ms +
	    r->rds_command_ms;
	r->rds_why[0] = '\0';
	slot = key != NULL ? rds_cluster_keyslot(key, strlen(key)) :
	    RDS_CLUSTER_NONE;
	for (try = 0; try < RDS_TRIES; try++) {
		if (rep != NULL) {
			freeReplyObject(rep);
			rep = NULL;
		}
		if (try > 0 && rds_left(r, 1) == 0)
			break;
		if (node == -1) {
			if ((r->rds_stale || r->rds_map->sm_nnode == 0) &&
			    rds_discover(r) == -1)
				return NULL;
			if (slot == RDS_CLUSTER_NONE ||
			    (node = r->rds_map->sm_slot[slot]) ==
			    RDS_CLUSTER_NONE)
				node = rds_any(r);	/* it will redirect */
		}
		/* Nothing was sent yet: a failed connect can be retried. */
		if (rds_open(r, node) == -1) {
			r->rds_stale = 1;
			node = -1;
			continue;
		}
		if (rds_send(r, node, asking, cmd, len, &rep) == -1) {
			r->rds_stale = 1;
			node = -1;
			if (flags & RDS_IDEMPOTENT)
				continue;
			return NULL;
		}
		asking = 0;
		if (rep->type != REDIS_REPLY_ERROR ||
		    !rds_cluster_redirect(rep->str, &ask, &rslot, &to))
			break;
		if (to.ra_host[0] == '\0')
			memcpy(to.ra_host, r->rds_map->sm_node[node].ra_host,
			    sizeof(to.ra_host));
		snprintf(r->rds_why, sizeof(r->rds_why),
		    "too many redirections: %s", rep->str);
		if ((node = rds_cluster_node(r->rds_map, to.ra_host,
		    to.ra_port)) == -1) {
			r->rds_stale = 1;
			continue;
		}
		if (ask)
			asking = 1;
		else {
			/* The slot moved for good: re-read all on next call. */
			r->rds_map->sm_slot[rslot] = (uint16_t)node;
			r->rds_stale = 1;
		}
	}
	if (rep != NULL && rep->type == REDIS_REPLY_ERROR &&
	    (strncmp(rep->str, "MOVED ", 6) == 0 ||
	    strncmp(rep->str, "ASK ", 4) == 0)) {
		freeReplyObject(rep);
		return NULL;
	}
	if (rep != NULL && rep->type == REDIS_REPLY_ERROR &&
	    strncmp(rep->str, "CLUSTERDOWN", 11) == 0)
		r->rds_stale = 1;
	return rep;
}

redisReply *
rds_exec(struct rds *r, struct verr *e, const char *key, int flags,
    const char *cmd, size_t len)
{
	redisReply	*rep = NULL;

	if (r->rds_cluster) {
		rep = rds_cluster_exec(r, key, flags, cmd, len);
		if (rep == NULL && r->rds_why[0] == '\0')
			snprintf(r->rds_why, sizeof(r->rds_why), "out of time");
	} else if (rds_open(r, 0) == 0)
		(void)rds_send(r, 0, 0, cmd, len, &rep);
	if (rep == NULL) {
		verr_backend(e, "redis", r->rds_why);
		return NULL;
	}
	if (rep->type == REDIS_REPLY_ERROR) {
		rds_fail(r, "command", rep->str, e);
		freeReplyObject(rep);
		return NULL;
	}
	return rep;
}

redisReply *
rds_run(struct rds *r, struct verr *e, const char *key, int flags,
    const char *fmt, ...)
{
	va_list		 ap;
	redisReply	*rep;
	char		*cmd;
	int		 len;

	va_start(ap, fmt);
	len = redisvFormatCommand(&cmd, fmt, ap);
	va_end(ap);
	if (len == -1)
		xnomem("redisvFormatCommand");
	rep = rds_exec(r, e, key, flags, cmd, len);
	redisFreeCommand(cmd);
	return rep;
}

/*
 * Pipeline on node i the commands of items[] (indexes into cmds) and
 * read their replies into reps; an item whose reply is a redirection or
 * that a broken connection cost stays NULL.
 */
static void
rds_pipe_node(struct rds *r, int i, const size_t *items, size_t n,
    char *const *cmds, const size_t *lens, redisReply **reps)
{
	redisContext	*ctx;
	struct timeval	 tv;
	void		*v;
	size_t		 k;
	int		 ms;

	if (rds_open(r, i) == -1) {
		r->rds_stale = 1;
		return;
	}
	ctx = r->rds_ctx[i];
	if ((ms = rds_left(r, r->rds_command_ms)) == 0) {
		rds_node_fail(r, i, "command", "out of time");
		return;
	}
	rds_ms2tv(ms, &tv);
	if (redisSetTimeout(ctx, tv) != REDIS_OK) {
		rds_node_fail(r, i, "command", "cannot set timeout");
		return;
	}
	for (k = 0; k < n; k++)
		if (redisAppendFormattedCommand(ctx, cmds[items[k]],
		    lens[items[k]]) != REDIS_OK) {
			rds_node_fail(r, i, "command", "out of memory");
			return;
		}
	for (k = 0; k < n; k++) {
		v = NULL;
		if (redisGetReply(ctx, &v) != REDIS_OK || v == NULL) {
			rds_node_fail(r, i, "command", ctx->errstr[0] != '\0' ?
			    ctx->errstr : "no reply");
			r->rds_stale = 1;
			return;
		}
		reps[items[k]] = v;
		if (reps[items[k]]->type == REDIS_REPLY_ERROR) {
			/* MOVED, ASK, TRYAGAIN...: asked again alone. */
			freeReplyObject(reps[items[k]]);
			reps[items[k]] = NULL;
		}
	}
	r->rds_last = i;
}

int
rds_pipeline(struct rds *r, const char *const *keys, char *const *cmds,
    const size_t *lens, size_t n, redisReply **reps, struct verr *e)
{
	size_t		*items;
	size_t		 i, k, ni;
	unsigned	 node;

	memset(reps, 0, n * sizeof(*reps));
	if (r->rds_cluster)
		r->rds_deadline = rds_now_ms() + r->rds_connect_ms +
		    r->rds_command_ms;
	/* Without a slot map every item goes alone, below. */
	if (r->rds_cluster && ((!r->rds_stale && r->rds_map->sm_nnode > 0) ||
	    rds_discover(r) == 0)) {
		items = xcalloc(n + 1, sizeof(*items));
		for (node = 0; node < r->rds_map->sm_nnode; node++) {
			for (i = ni = 0; i < n; i++)
				if (r->rds_map->sm_slot[rds_cluster_keyslot(
				    keys[i], strlen(keys[i]))] == node)
					items[ni++] = i;
			if (ni > 0)
				rds_pipe_node(r, (int)node, items, ni, cmds,
				    lens, reps);
		}
		free(items);
	}
	/* What no pipeline answered goes alone, with redirections. */
	for (k = 0; k < n; k++)
		if (reps[k] == NULL && (reps[k] = rds_exec(r, e, keys[k],
		    RDS_IDEMPOTENT, cmds[k], lens[k])) == NULL) {
			for (i = 0; i < n; i++)
				if (reps[i] != NULL) {
					freeReplyObject(reps[i]);
					reps[i] = NULL;
				}
			return -1;
		}
	return 0;
}

redisReply *
rds_runv(struct rds *r, struct verr *e, const char *key, int flags, int argc,
    const char **argv)
{
	redisReply	*rep;
	size_t		*len;
	char		*cmd;
	int		 i, n;

	len = xcalloc(argc, sizeof(*len));
	for (i = 0; i < argc; i++)
		len[i] = strlen(argv[i]);
	if ((n = redisFormatCommandArgv(&cmd, argc, argv, len)) == -1)
		xnomem("redisFormatCommandArgv");
	free(len);
	rep = rds_exec(r, e, key, flags, cmd, n);
	redisFreeCommand(cmd);
	return rep;
}

int
rds_eval(struct rds *r, const char *lua, const char *const *keys,
    size_t nkeys, const char *const *args, size_t nargs, int flags,
    struct verr *e)
{
	redisReply	*rep;
	const char	**argv;
	char		 nk[24];
	size_t		 i;
	int		 rc = -1;

	argv = xcalloc(3 + nkeys + nargs, sizeof(*argv));
	snprintf(nk, sizeof(nk), "%zu", nkeys);
	argv[0] = "EVAL";
	argv[1] = lua;
	argv[2] = nk;
	for (i = 0; i < nkeys; i++)
		argv[3 + i] = keys[i];
	for (i = 0; i < nargs; i++)
		argv[3 + nkeys + i] = args[i];
	if ((rep = rds_runv(r, e, keys[0], flags, (int)(3 + nkeys + nargs),
	    argv)) != NULL) {
		if (rep->type == REDIS_REPLY_INTEGER)
			rc = rep->integer != 0;
		else
			rds_fail(r, "EVAL", "unexpected reply type", e);
		freeReplyObject(rep);
	}
	free(argv);
	return rc;
}

int
rds_is_cluster(const struct rds *r)
{
	return r->rds_cluster;
}

int
rds_ping(struct rds *r, struct verr *e)
{
	redisReply	*rep;

	if ((rep = rds_run(r, e, NULL, RDS_IDEMPOTENT, "PING")) == NULL)
		return -1;
	freeReplyObject(rep);
	return 0;
}

int
rds_get(struct rds *r, const char *key, char *buf, size_t bufsz,
    struct verr *e)
{
	redisReply	*rep;
	int		 rc = -1;

	if ((rep = rds_run(r, e, key, RDS_IDEMPOTENT, "GET %s", key)) == NULL)
		return -1;
	if (rep->type == REDIS_REPLY_NIL)
		rc = 0;
	else if (rep->type != REDIS_REPLY_STRING)
		rds_fail(r, "GET", "unexpected reply type", e);
	else if ((size_t)rep->len >= bufsz) {
		/* A caller bug, not an outage: the connection is fine. */
		verr_internal(e, "redis: GET: value of %zu bytes exceeds %zu",
		    (size_t)rep->len, bufsz);
	} else {
		memcpy(buf, rep->str, rep->len);
		buf[rep->len] = '\0';
		rc = 1;
	}
	freeReplyObject(rep);
	return rc;
}

int
rds_set(struct rds *r, const char *key, const char *val, int ttl,
    struct verr *e)
{
	redisReply	*rep;

	if (ttl > 0)
		rep = rds_run(r, e, key, RDS_IDEMPOTENT, "SET %s %s EX %d",
		    key, val, ttl);
	else
		rep = rds_run(r, e, key, RDS_IDEMPOTENT, "SET %s %s", key, val);
	if (rep == NULL)
		return -1;
	freeReplyObject(rep);
	return 0;
}

int
rds_del(struct rds *r, const char *key, struct verr *e)
{
	redisReply	*rep;

	if ((rep = rds_run(r, e, key, RDS_IDEMPOTENT, "DEL %s", key)) == NULL)
		return -1;
	freeReplyObject(rep);
	return 0;
}

int
rds_incrby(struct rds *r, const char *key, long long n, long long *out,
    struct verr *e)
{
	redisReply	*rep;
	int		 rc = -1;

	if ((rep = rds_run(r, e, key, 0, "INCRBY %s %lld", key, n)) == NULL)
		return -1;
	if (rep->type != REDIS_REPLY_INTEGER)
		rds_fail(r, "INCRBY", "unexpected reply type", e);
	else {
		if (out != NULL)
			*out = rep->integer;
		rc = 0;
	}
	freeReplyObject(rep);
	return rc;
}

/*
 * The sliding-window log of a rate limit, done atomically in one Lua
 * script: drop entries older than the window, refuse when n remain
 * (answering how long until the oldest leaves), else record this request
 * when asked to.  Members are "<ms>-<pid>-<seq>" so that two requests in
 * the same millisecond, in any processes, both count.
 */
static const char rds_rl_lua[] =
    "local k, now, w, n, add = KEYS[1], tonumber(ARGV[1]),"
    " tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]\n"
    "redis.call('ZREMRANGEBYSCORE', k, '-inf', now - w)\n"
    "if redis.call('ZCARD', k) >= n then\n"
    "  local o = redis.call('ZRANGE', k, 0, 0, 'WITHSCORES')\n"
    "  return tonumber(o[2]) + w - now\n"
    "end\n"
    "if add == '1' then\n"
    "  redis.call('ZADD', k, now, ARGV[5])\n"
    "  redis.call('PEXPIRE', k, w)\n"
    "end\n"
    "return 0\n";

int
rds_rl(struct rds *r, const char *key, long long now_ms, long long window_ms,
    long long n, int add, long long *retry_ms, struct verr *e)
{
	redisReply	*rep;
	static unsigned long	 seq;
	char		 member[48];
	int		 rc = -1;

	/* Unique across processes and calls: workers share no PRNG state. */
	snprintf(member, sizeof(member), "%lld-%d-%lu", now_ms, (int)getpid(),
	    ++seq);
	/*
	 * Safe to retry: a second run adds the same member again, so the
	 * count cannot grow; at worst it sees itself and refuses at the limit.
	 */
	if ((rep = rds_run(r, e, key, RDS_IDEMPOTENT,
	    "EVAL %s 1 %s %lld %lld %lld %s %s", rds_rl_lua, key, now_ms,
	    window_ms, n, add ? "1" : "0", member)) == NULL)
		return -1;
	if (rep->type != REDIS_REPLY_INTEGER)
		rds_fail(r, "EVAL", "unexpected reply type", e);
	else {
		*retry_ms = rep->integer;
		rc = 0;
	}
	freeReplyObject(rep);
	return rc;
}

/*
 * View counters, buffered here and added to MongoDB by rds_views_take().
 * Each post's count is "views:{v}:<id>" and the posts with a count are
 * in the set "views:{v}:dirty".  The {v} hash tag puts them all in one
 * cluster slot, so the scripts below, which use a count and the set
 * together, declare keys of one slot as Redis Cluster demands.  One slot
 * means one master for all view counters: plenty for this workload.
 */

/* Add ARGV[2] to count KEYS[1] of post ARGV[1], set KEYS[2]. */
static const char rds_view_add_lua[] =
    "redis.call('INCRBY', KEYS[1], ARGV[2])\n"
    "redis.call('SADD', KEYS[2], ARGV[1])\n"
    "return 0\n";

/*
 * Take the counts KEYS[2..] of posts ARGV[1..] out of set KEYS[1]: a post
 * leaves the set and its count is read and deleted in the same script,
 * so a view that arrives meanwhile starts a new count and is never lost
 * or doubled.  A post no longer in the set was taken by someone else.
 */
static const char rds_view_take_lua[] =
    "local out = {}\n"
    "for i, id in ipairs(ARGV) do\n"
    "  if redis.call('SREM', KEYS[1], id) == 1 then\n"
    "    local n = redis.call('GET', KEYS[i + 1])\n"
    "    redis.call('DEL', KEYS[i + 1])\n"
    "    if n then out[#out + 1] = id; out[#out + 1] = n end\n"
    "  end\n"
    "end\n"
    "return out\n";

int
rds_views_add(struct rds *r, const char *post, long long n, struct verr *e)
{
	redisReply	*rep;
	char		 key[RKEY_MAX];

	if (rkey_views(key, post, e) == -1)
		return -1;
	if ((rep = rds_run(r, e, key, 0, "EVAL %s 2 %s %s %s %lld",
	    rds_view_add_lua, key, RKEY_VIEWS_DIRTY, post, n)) == NULL)
		return -1;
	freeReplyObject(rep);
	return 0;
}

/*
 * Pick up to max posts from the set, then take them with their counts
 * declared as keys.  SPOP inside the script would be one round trip but
 * would touch counts it cannot declare.
 */
int
rds_views_take(struct rds *r, int max,
    void (*fn)(const char *, long long, void *), void *arg, struct verr *e)
{
	redisReply	*ids = NULL, *rep = NULL;
	const char	**argv = NULL;
	size_t		*argvlen = NULL;
	char		**keys = NULL;
	char		 nkeys[24], key[RKEY_MAX];
	char		*cmd = NULL;
	size_t		 i, n, argc, nkey = 0;
	int		 len, rc = -1;

	if (max <= 0)
		return 0;	/* SRANDMEMBER would repeat members */
	if ((ids = rds_run(r, e, RKEY_VIEWS_DIRTY, RDS_IDEMPOTENT,
	    "SRANDMEMBER %s %d", RKEY_VIEWS_DIRTY, max)) == NULL)
		goto out;
	if (ids->type != REDIS_REPLY_ARRAY) {
		rds_fail(r, "SRANDMEMBER", "unexpected reply type", e);
		goto out;
	}
	for (i = n = 0; i < ids->elements; i++)
		if (ids->element[i]->type == REDIS_REPLY_STRING)
			n++;
	if (n == 0) {
		rc = 0;
		goto out;
	}

	/* EVAL script numkeys dirty key1..keyn id1..idn */
	argc = 4 + 2 * n;
	argv = xcalloc(argc, sizeof(*argv));
	argvlen = xcalloc(argc, sizeof(*argvlen));
	keys = xcalloc(n, sizeof(*keys));
	snprintf(nkeys, sizeof(nkeys), "%zu", n + 1);
	argv[0] = "EVAL";
	argv[1] = rds_view_take_lua;
	argv[2] = nkeys;
	argv[3] = RKEY_VIEWS_DIRTY;
	for (i = 0; i < ids->elements; i++) {
		if (ids->element[i]->type != REDIS_REPLY_STRING)
			continue;
		if (rkey_views(key, ids->element[i]->str, e) == -1)
			goto out;
		keys[nkey] = xstrdup(key);
		argv[4 + nkey] = keys[nkey];
		argv[4 + n + nkey] = ids->element[i]->str;
		nkey++;
	}
	for (i = 0; i < argc; i++)
		argvlen[i] = strlen(argv[i]);
	if ((len = redisFormatCommandArgv(&cmd, (int)argc, argv,
	    argvlen)) == -1)
		xnomem("redisFormatCommandArgv");
	if ((rep = rds_exec(r, e, RKEY_VIEWS_DIRTY, 0, cmd, len)) == NULL)
		goto out;
	if (rep->type != REDIS_REPLY_ARRAY) {
		rds_fail(r, "EVAL", "unexpected reply type", e);
		goto out;
	}
	for (i = 0; i + 1 < rep->elements; i += 2)
		if (rep->element[i]->type == REDIS_REPLY_STRING &&
		    rep->element[i + 1]->type == REDIS_REPLY_STRING)
			fn(rep->element[i]->str,
			    strtoll(rep->element[i + 1]->str, NULL, 10), arg);
	rc = 0;
out:
	for (i = 0; i < nkey; i++)
		free(keys[i]);
	free(keys);
	free(argvlen);
	free(argv);
	if (cmd != NULL)
		redisFreeCommand(cmd);
	if (rep != NULL)
		freeReplyObject(rep);
	if (ids != NULL)
		freeReplyObject(ids);
	return rc;
}

int
rds_lease(struct rds *r, const char *name, int ttl, struct verr *e)
{
	redisReply	*rep;
	char		 key[RKEY_MAX];
	int		 got;

	if (rkey_lease(key, name, e) == -1)
		return -1;
	/* Not retried: a second SET NX would report our own lease as held. */
	if ((rep = rds_run(r, e, key, 0, "SET %s %d NX EX %d", key,
	    (int)getpid(), ttl)) == NULL)
		return -1;
	got = rep->type == REDIS_REPLY_STATUS;
	freeReplyObject(rep);
	return got;
}

/* Delete the lease only if this process still holds it. */
static const char rds_unlease_lua[] =
    "if redis.call('GET', KEYS[1]) == ARGV[1] then\n"
    "  return redis.call('DEL', KEYS[1])\n"
    "end\n"
    "return 0\n";

void
rds_unlease(struct rds *r, const char *name)
{
	redisReply	*rep;
	struct verr	 e;
	char		 key[RKEY_MAX], pid[16];

	verr_init(&e);
	if (rkey_lease(key, name, &e) == -1)
		return;
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	if ((rep = rds_run(r, &e, key, RDS_IDEMPOTENT, "EVAL %s 1 %s %s",
	    rds_unlease_lua, key, pid)) != NULL)
		freeReplyObject(rep);
}
