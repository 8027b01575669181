/*
 * Every Redis key name of the API, built here and only here, so that one
 * file shows the whole keyspace and which keys share a Cluster slot (the
 * part in braces is the hash tag).  Each builder writes into a buffer of
 * RKEY_MAX bytes and fails with 500 internal when the key would not fit,
 * which only a caller bug can cause.
 *
 *   sess:<sid>                  session validity cache (auth.c)
 *   wul:<sid>                   wallet unlock of a session (auth.c, wallet)
 *   rl:<limit>:<subject>        rate-limit window (rl.c)
 *   lease:<job>                 periodic job lease (jobs.c)
 *   views:{v}:<post>            view counts not yet in MongoDB
 *   views:{v}:dirty             the posts that have some
 *   c:<kind>:{<id>}, ...:g      cached object and its generation
 *   u:{<uid>}:<set>, ...:g      cached set of a user and its generation
 *   u:{<uid>}:tl, :tl:floor, :tl:g   home timeline
 *   tl:big                      authors whose posts are merged at read time
 */
#ifndef RKEY_H
#define RKEY_H

#include <stddef.h>

#define RKEY_MAX		512
#define RKEY_UNLOCK		"wul:"
#define RKEY_VIEWS_DIRTY	"views:{v}:dirty"
#define RKEY_TL_BIG		"tl:big"

struct verr;

int	rkey_session(char *buf, const char *sid, struct verr *e);
int	rkey_unlock(char *buf, const char *sid, struct verr *e);
int	rkey_rate(char *buf, const char *limit, const char *subject,
	    struct verr *e);
int	rkey_lease(char *buf, const char *job, struct verr *e);
int	rkey_views(char *buf, const char *post, struct verr *e);

/* The cached object (kind, id) into buf, its generation into gbuf. */
int	rkey_obj(char *buf, char *gbuf, const char *kind, const char *id,
	    struct verr *e);

/* The cached set `set' of user uid into buf, its generation into gbuf. */
int	rkey_uset(char *buf, char *gbuf, const char *uid, const char *set,
	    struct verr *e);

/* The home timeline of uid: entries, floor and generation. */
int	rkey_timeline(char k[3][RKEY_MAX], const char *uid, struct verr *e);

#endif
