/*
 * Redis over hiredis: one blocking connection per worker process, opened
 * on first use with a connect timeout and given a command timeout, so a
 * dead or blackholed Redis costs a request at most redis-connect-ms plus
 * redis-command-ms.  Any error frees the context: hiredis marks a context
 * unusable after an I/O error, and the next call reconnects instead.
 * REDIS_ADDR may list several "host:port" seed nodes separated by commas
 * (Redis Cluster); until slot routing exists only the first one is used.
 * The password is sent with AUTH and never logged or put in a verr.
 */
#include <sys/time.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hiredis/hiredis.h>

#include "cfg.h"
#include "log.h"
#include "rds_redis.h"
#include "verr.h"

struct rds {
	redisContext	*rds_ctx;	/* NULL: not connected */
	char		 rds_host[256];	/* host, or socket path */
	int		 rds_port;	/* 0 for a unix socket */
	char		*rds_password;	/* NULL or "" for none */
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

/*
 * Split the first address of `addr' ("host:port", "[v6]:port", "host"
 * or "/path/to/socket") into r.  Port defaults to 6379.
 */
static void
rds_parse_addr(struct rds *r, const char *addr)
{
	char		 first[sizeof(r->rds_host)];
	char		*p, *colon;
	long		 port;

	if (addr == NULL || *addr == '\0')
		addr = "127.0.0.1:6379";
	while (*addr == ' ')
		addr++;
	snprintf(first, sizeof(first), "%s", addr);
	first[strcspn(first, ", ")] = '\0';

	r->rds_port = 6379;
	if (first[0] == '/') {
		snprintf(r->rds_host, sizeof(r->rds_host), "%s", first);
		r->rds_port = 0;
		return;
	}
	p = first;
	if (*p == '[' && (colon = strchr(p, ']')) != NULL) {
		*colon++ = '\0';
		p++;
		colon = *colon == ':' ? colon : NULL;
	} else if ((colon = strrchr(p, ':')) != NULL && strchr(p, ':') != colon)
		colon = NULL;	/* bare IPv6 address, no port */
	if (colon != NULL) {
		*colon++ = '\0';
		port = strtol(colon, NULL, 10);
		if (port > 0 && port < 65536)
			r->rds_port = (int)port;
	}
	snprintf(r->rds_host, sizeof(r->rds_host), "%s", *p ? p : "127.0.0.1");
}

struct rds *
rds_new(const struct cfg *c)
{
	struct rds	*r;

	if ((r = calloc(1, sizeof(*r))) == NULL) {
		log_err("rds_new: %s", strerror(errno));
		abort();
	}
	rds_parse_addr(r, c->redis_addr);
	if (c->redis_password != NULL && c->redis_password[0] != '\0' &&
	    (r->rds_password = strdup(c->redis_password)) == NULL) {
		log_err("rds_new: %s", strerror(errno));
		abort();
	}
	r->rds_db = c->redis_db;
	r->rds_connect_ms = c->redis_connect_ms > 0 ? c->redis_connect_ms : 200;
	r->rds_command_ms = c->redis_command_ms > 0 ? c->redis_command_ms : 500;
	return r;
}

static void
rds_disconnect(struct rds *r)
{
	if (r->rds_ctx != NULL) {
		redisFree(r->rds_ctx);
		r->rds_ctx = NULL;
	}
}

void
rds_free(struct rds *r)
{
	if (r == NULL)
		return;
	rds_disconnect(r);
	if (r->rds_password != NULL) {
		explicit_bzero(r->rds_password, strlen(r->rds_password));
		free(r->rds_password);
	}
	free(r);
}

/*
 * Record a failure of the connection as 503 and drop the context.  The
 * reason is hiredis' own message ("Connection refused", "Resource
 * temporarily unavailable" for a timeout), which holds no secret.
 */
static int
rds_fail(struct rds *r, const char *what, const char *why, struct verr *e)
{
	char	 buf[512];

	snprintf(buf, sizeof(buf), "%s: %s:%d: %s", what, r->rds_host,
	    r->rds_port, why);
	rds_disconnect(r);
	return verr_backend(e, "redis", buf);
}

/*
 * Run one command on the connection; the reply, when not NULL, is the
 * caller's to freeReplyObject().  An error reply (-ERR) is returned like
 * any other and left to the caller, but a NULL reply (I/O error or
 * timeout) has already been recorded in e and has closed the context.
 */
static redisReply *
rds_vcmd(struct rds *r, struct verr *e, const char *fmt, va_list ap)
{
	redisReply	*rep;

	rep = redisvCommand(r->rds_ctx, fmt, ap);
	if (rep == NULL)
		rds_fail(r, "command", r->rds_ctx->errstr[0] != '\0' ?
		    r->rds_ctx->errstr : "no reply", e);
	return rep;
}

static redisReply *
rds_cmd(struct rds *r, struct verr *e, const char *fmt, ...)
{
	va_list		 ap;
	redisReply	*rep;

	va_start(ap, fmt);
	rep = rds_vcmd(r, e, fmt, ap);
	va_end(ap);
	return rep;
}

/* Connect, AUTH and SELECT unless connected already. */
static int
rds_connect(struct rds *r, struct verr *e)
{
	struct timeval	 tv;
	redisReply	*rep = NULL;
	int		 rc = -1;

	if (r->rds_ctx != NULL)
		return 0;
	rds_ms2tv(r->rds_connect_ms, &tv);
	if (r->rds_port == 0)
		r->rds_ctx = redisConnectUnixWithTimeout(r->rds_host, tv);
	else
		r->rds_ctx = redisConnectWithTimeout(r->rds_host, r->rds_port,
		    tv);
	if (r->rds_ctx == NULL)
		return rds_fail(r, "connect", "out of memory", e);
	if (r->rds_ctx->err)
		return rds_fail(r, "connect", r->rds_ctx->errstr, e);
	rds_ms2tv(r->rds_command_ms, &tv);
	if (redisSetTimeout(r->rds_ctx, tv) != REDIS_OK)
		return rds_fail(r, "connect", "cannot set timeout", e);

	if (r->rds_password != NULL) {
		if ((rep = rds_cmd(r, e, "AUTH %s", r->rds_password)) == NULL)
			goto out;
		/* The server's error text never echoes the password. */
		if (rep->type == REDIS_REPLY_ERROR) {
			rds_fail(r, "AUTH", rep->str, e);
			goto out;
		}
		freeReplyObject(rep);
		rep = NULL;
	}
	if (r->rds_db != 0) {
		if ((rep = rds_cmd(r, e, "SELECT %d", r->rds_db)) == NULL)
			goto out;
		if (rep->type == REDIS_REPLY_ERROR) {
			rds_fail(r, "SELECT", rep->str, e);
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
 * Connect if needed and run one command; returns the reply or NULL with
 * e set.  An error reply is turned into a 503 too: every command here is
 * well formed, so -ERR means the server refuses service (OOM, LOADING,
 * READONLY, MOVED from a cluster).
 */
static redisReply *
rds_run(struct rds *r, struct verr *e, const char *fmt, ...)
{
	va_list		 ap;
	redisReply	*rep;

	if (rds_connect(r, e) == -1)
		return NULL;
	va_start(ap, fmt);
	rep = rds_vcmd(r, e, fmt, ap);
	va_end(ap);
	if (rep != NULL && rep->type == REDIS_REPLY_ERROR) {
		rds_fail(r, "command", rep->str, e);
		freeReplyObject(rep);
		rep = NULL;
	}
	return rep;
}

int
rds_ping(struct rds *r, struct verr *e)
{
	redisReply	*rep;

	if ((rep = rds_run(r, e, "PING")) == NULL)
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

	if ((rep = rds_run(r, e, "GET %s", key)) == NULL)
		return -1;
	if (rep->type == REDIS_REPLY_NIL)
		rc = 0;
	else if (rep->type != REDIS_REPLY_STRING)
		rds_fail(r, "GET", "unexpected reply type", e);
	else if ((size_t)rep->len >= bufsz) {
		/* A caller bug, not an outage: the connection is fine. */
		verr_set(e, 500, "internal", "internal error");
		verr_detail(e, "redis: GET: value of %zu bytes exceeds %zu",
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
		rep = rds_run(r, e, "SET %s %s EX %d", key, val, ttl);
	else
		rep = rds_run(r, e, "SET %s %s", key, val);
	if (rep == NULL)
		return -1;
	freeReplyObject(rep);
	return 0;
}

int
rds_del(struct rds *r, const char *key, struct verr *e)
{
	redisReply	*rep;

	if ((rep = rds_run(r, e, "DEL %s", key)) == NULL)
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

	if ((rep = rds_run(r, e, "INCRBY %s %lld", key, n)) == NULL)
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
	if ((rep = rds_run(r, e, "EVAL %s 1 %s %lld %lld %lld %s %s",
	    rds_rl_lua, key, now_ms, window_ms, n, add ? "1" : "0",
	    member)) == NULL)
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

/* One view: bump the post's buffered counter and mark it for flushing. */
static const char rds_view_add_lua[] =
    "redis.call('INCR', 'views:' .. ARGV[1])\n"
    "redis.call('SADD', 'views:dirty', ARGV[1])\n"
    "return 0\n";

/*
 * Take up to ARGV[1] buffered counters: each id leaves the dirty set and
 * its counter is read and deleted in the same script, so a view that
 * arrives meanwhile starts a new counter and is never lost or doubled.
 */
static const char rds_view_take_lua[] =
    "local ids = redis.call('SPOP', 'views:dirty', tonumber(ARGV[1]))\n"
    "local out = {}\n"
    "for _, id in ipairs(ids) do\n"
    "  local n = redis.call('GET', 'views:' .. id)\n"
    "  redis.call('DEL', 'views:' .. id)\n"
    "  if n then out[#out + 1] = id; out[#out + 1] = n end\n"
    "end\n"
    "return out\n";

int
rds_views_add(struct rds *r, const char *post, long long n, struct verr *e)
{
	redisReply	*rep;

	if (n != 1) {
		if ((rep = rds_run(r, e, "INCRBY views:%s %lld", post,
		    n)) == NULL)
			return -1;
		freeReplyObject(rep);
		if ((rep = rds_run(r, e, "SADD views:dirty %s", post)) == NULL)
			return -1;
		freeReplyObject(rep);
		return 0;
	}
	if ((rep = rds_run(r, e, "EVAL %s 0 %s", rds_view_add_lua,
	    post)) == NULL)
		return -1;
	freeReplyObject(rep);
	return 0;
}

int
rds_views_take(struct rds *r, int max,
    void (*fn)(const char *, long long, void *), void *arg, struct verr *e)
{
	redisReply	*rep;
	size_t		 i;

	if ((rep = rds_run(r, e, "EVAL %s 0 %d", rds_view_take_lua,
	    max)) == NULL)
		return -1;
	if (rep->type != REDIS_REPLY_ARRAY) {
		freeReplyObject(rep);
		return rds_fail(r, "EVAL", "unexpected reply type", e);
	}
	for (i = 0; i + 1 < rep->elements; i += 2)
		if (rep->element[i]->type == REDIS_REPLY_STRING &&
		    rep->element[i + 1]->type == REDIS_REPLY_STRING)
			fn(rep->element[i]->str,
			    strtoll(rep->element[i + 1]->str, NULL, 10), arg);
	freeReplyObject(rep);
	return 0;
}

int
rds_lease(struct rds *r, const char *name, int ttl, struct verr *e)
{
	redisReply	*rep;
	int		 got;

	if ((rep = rds_run(r, e, "SET lease:%s %d NX EX %d", name,
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
	char		 key[128], pid[16];

	snprintf(key, sizeof(key), "lease:%s", name);
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	verr_init(&e);
	if ((rep = rds_run(r, &e, "EVAL %s 1 %s %s", rds_unlease_lua, key,
	    pid)) != NULL)
		freeReplyObject(rep);
}
