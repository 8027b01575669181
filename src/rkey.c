/*
 * Redis key names (the keyspace is listed in rkey.h).  Keys that a Lua
 * script or MULTI touches together share a hash tag, so that on a Redis
 * Cluster they live in one slot: a cached value with its generation, a
 * timeline with its floor, every pending view count with the dirty set.
 */
#include <stdarg.h>
#include <stdio.h>

#include "rkey.h"
#include "verr.h"

static int
rkey_fmt(char *buf, struct verr *e, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
rkey_fmt(char *buf, struct verr *e, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(buf, RKEY_MAX, fmt, ap);
	va_end(ap);
	if (n < 0 || n >= RKEY_MAX)
		return verr_internal(e, "redis: key of %d bytes too long", n);
	return 0;
}

int
rkey_session(char *buf, const char *sid, struct verr *e)
{
	return rkey_fmt(buf, e, "sess:%s", sid);
}

int
rkey_unlock(char *buf, const char *sid, struct verr *e)
{
	return rkey_fmt(buf, e, RKEY_UNLOCK "%s", sid);
}

int
rkey_rate(char *buf, const char *limit, const char *subject,
    struct verr *e)
{
	return rkey_fmt(buf, e, "rl:%s:%s", limit, subject);
}

int
rkey_lease(char *buf, const char *job, struct verr *e)
{
	return rkey_fmt(buf, e, "lease:%s", job);
}

int
rkey_views(char *buf, const char *post, struct verr *e)
{
	return rkey_fmt(buf, e, "views:{v}:%s", post);
}

/* The generation key of buf: buf with ":g", in the same slot. */
static int
rkey_gen(const char *buf, char *gbuf, struct verr *e)
{
	return rkey_fmt(gbuf, e, "%s:g", buf);
}

int
rkey_obj(char *buf, char *gbuf, const char *kind, const char *id,
    struct verr *e)
{
	return rkey_fmt(buf, e, "c:%s:{%s}", kind, id) == -1 ? -1 :
	    rkey_gen(buf, gbuf, e);
}

int
rkey_uset(char *buf, char *gbuf, const char *uid, const char *set,
    struct verr *e)
{
	return rkey_fmt(buf, e, "u:{%s}:%s", uid, set) == -1 ? -1 :
	    rkey_gen(buf, gbuf, e);
}

int
rkey_timeline(char k[3][RKEY_MAX], const char *uid, struct verr *e)
{
	if (rkey_fmt(k[0], e, "u:{%s}:tl", uid) == -1 ||
	    rkey_fmt(k[1], e, "u:{%s}:tl:floor", uid) == -1 ||
	    rkey_fmt(k[2], e, "u:{%s}:tl:g", uid) == -1)
		return -1;
	return 0;
}
