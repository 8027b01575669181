/*
 * Router: method + path pattern -> handler.  Patterns are literal
 * segments and `:name' parameters; a fixed segment wins over a parameter,
 * a trailing slash is ignored, HEAD is served by GET routes.
 */
#ifndef ROUTER_H
#define ROUTER_H

#include <stddef.h>

struct req;
struct verr;

#define ROUTER_MAXPARAMS	4
#define ROUTER_PARAMLEN		256

enum route_auth { ROUTE_PUBLIC, ROUTE_AUTH };

struct route {
	const char	*method;	/* "GET", "POST", ... */
	const char	*pattern;	/* "/api/v1/posts/:postID/like" */
	int		(*handler)(struct req *, struct verr *);
	enum route_auth	 auth;
	const char	*name;		/* metrics and log label, = pattern */
};

struct route_match {
	const struct route	*route;		/* NULL unless matched */
	size_t			 nparams;
	struct {
		char	 name[32];
		char	 value[ROUTER_PARAMLEN];	/* decoded; ids lower */
	}			 params[ROUTER_MAXPARAMS];
	char			 allow[64];	/* "DELETE, GET" on 405/OPTIONS */
	const char		*pattern;	/* of the matched path, or NULL */
};

/*
 * Match method and path (no query string) against the n routes of tab.
 * Returns 0 with rm->route set, 404 when no pattern matches the path, or
 * 405 when patterns match but not the method (rm->allow lists those that
 * do).  OPTIONS on a known path returns 405 with rm->allow filled; the
 * caller answers it with 204.
 */
int	router_match(const struct route *tab, size_t n, const char *method,
	    const char *path, struct route_match *rm);

/* The value of path parameter `name' of rm, or NULL. */
const char *router_param(const struct route_match *rm, const char *name);

/*
 * Must every response of the routes of `pattern' (rm->pattern, may be
 * NULL) carry Cache-Control: no-store, errors included?  Tokens, wallet
 * and session data.
 */
int	router_no_store(const char *pattern);

/* The routes served by vybes-api. */
extern const struct route router_routes[];
extern const size_t router_nroutes;

#endif
