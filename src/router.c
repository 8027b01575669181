/*
 * Router.  The table is small (tens of routes), so matching walks it
 * linearly and compares segment by segment; that costs far less than the
 * FastCGI round trip and keeps the rules obvious:
 *   - a path matches a pattern when every segment matches, a literal
 *     exactly (case-sensitive) and a `:param' any non-empty segment;
 *   - when several patterns match, the one whose first differing segment
 *     is literal wins (so /users/me beats /users/:username);
 *   - one trailing slash is ignored, never redirected (API.md 1.1).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enc.h"
#include "handlers.h"
#include "router.h"
#include "valid.h"

const struct route router_routes[] = {
	{ "GET", "/health", h_health, ROUTE_PUBLIC, "/health" },
	{ "GET", "/health/ready", h_health_ready, ROUTE_PUBLIC,
	    "/health/ready" },
	/* Public here: the web server decides who may reach it. */
	{ "GET", "/metrics", h_metrics, ROUTE_PUBLIC, "/metrics" },
#define R(m, p, h, a)	{ m, "/api/v1" p, h, a, "/api/v1" p }
	R("POST", "/users/register", h_users_register, ROUTE_PUBLIC),
	R("POST", "/users/login", h_users_login, ROUTE_PUBLIC),
	R("POST", "/users/refresh", h_users_refresh, ROUTE_PUBLIC),
	R("POST", "/users/logout", h_users_logout, ROUTE_AUTH),
	R("POST", "/users/request-otp", h_users_request_otp, ROUTE_PUBLIC),
	R("POST", "/users/reset-password",
	    h_users_reset_password, ROUTE_PUBLIC),
	R("GET", "/users/profile", h_users_profile, ROUTE_AUTH),
	R("GET", "/users/me", h_users_me, ROUTE_AUTH),
	R("PATCH", "/users/me", h_users_me_patch, ROUTE_AUTH),
	R("DELETE", "/users/me", h_users_me_delete, ROUTE_AUTH),
	R("GET", "/users/:username", h_users_get, ROUTE_AUTH),
	R("GET", "/sessions", h_sessions_list, ROUTE_AUTH),
	R("GET", "/sessions/:id", h_sessions_get, ROUTE_AUTH),
	R("POST", "/sessions/:id/block", h_sessions_block, ROUTE_AUTH),
	R("GET", "/users/:username/posts", h_posts_of_user, ROUTE_AUTH),
	R("POST", "/posts", h_posts_create, ROUTE_AUTH),
	R("GET", "/posts/:postID", h_posts_get, ROUTE_AUTH),
	R("DELETE", "/posts/:postID", h_posts_delete, ROUTE_AUTH),
	R("POST", "/posts/:postID/repost", h_posts_repost, ROUTE_AUTH),
	R("GET", "/reposts/by-user/:userID",
	    h_posts_reposts_of_user, ROUTE_AUTH),
	R("POST", "/posts/:postID/view", h_posts_view, ROUTE_PUBLIC),
	R("GET", "/posts/:postID/comments", h_posts_comments, ROUTE_AUTH),
	R("POST", "/posts/:postID/comments",
	    h_posts_comment_create, ROUTE_AUTH),
	R("DELETE", "/comments/:commentID", h_posts_comment_delete, ROUTE_AUTH),
	R("POST", "/posts/:postID/like", h_posts_like, ROUTE_AUTH),
	R("DELETE", "/posts/:postID/like", h_posts_unlike, ROUTE_AUTH),
	R("POST", "/posts/:postID/bookmark", h_posts_bookmark, ROUTE_AUTH),
	R("DELETE", "/posts/:postID/bookmark", h_posts_unbookmark, ROUTE_AUTH),
	R("GET", "/bookmarks", h_posts_bookmarks, ROUTE_AUTH),
	R("POST", "/users/:username/follow", h_social_follow, ROUTE_AUTH),
	R("DELETE", "/users/:username/follow", h_social_unfollow, ROUTE_AUTH),
	R("GET", "/users/:username/followers", h_social_followers, ROUTE_AUTH),
	R("GET", "/users/:username/following", h_social_following, ROUTE_AUTH),
	R("POST", "/users/:username/block", h_safety_block, ROUTE_AUTH),
	R("DELETE", "/users/:username/block", h_safety_unblock, ROUTE_AUTH),
	R("POST", "/users/:username/mute", h_safety_mute, ROUTE_AUTH),
	R("DELETE", "/users/:username/mute", h_safety_unmute, ROUTE_AUTH),
	R("GET", "/blocks", h_safety_blocks, ROUTE_AUTH),
	R("GET", "/mutes", h_safety_mutes, ROUTE_AUTH),
	R("POST", "/reports", h_safety_report, ROUTE_AUTH),
	R("GET", "/search/users", h_social_search, ROUTE_AUTH),
	R("GET", "/suggestions/users", h_social_suggestions, ROUTE_AUTH),
	R("GET", "/feeds/for-you", h_feeds_foryou, ROUTE_AUTH),
	R("GET", "/feeds/friends", h_feeds_friends, ROUTE_AUTH),
	R("POST", "/stories", h_stories_create, ROUTE_AUTH),
	R("POST", "/uploads", h_uploads_create, ROUTE_AUTH),
	R("GET", "/stories/feed", h_stories_feed, ROUTE_AUTH),
	R("DELETE", "/stories/:storyID", h_stories_delete, ROUTE_AUTH),
	R("GET", "/notifications", h_notifications_list, ROUTE_AUTH),
	R("GET", "/notifications/unread-count",
	    h_notifications_unread, ROUTE_AUTH),
	R("PATCH", "/notifications/read",
	    h_notifications_mark_read, ROUTE_AUTH),
	R("GET", "/wallet/status", h_wallet_status, ROUTE_AUTH),
	R("POST", "/wallet/unlock", h_wallet_unlock, ROUTE_AUTH),
	R("POST", "/wallet/lock", h_wallet_lock, ROUTE_AUTH),
	R("POST", "/wallet/export", h_wallet_export, ROUTE_AUTH),
	R("POST", "/wallet/personal-sign", h_wallet_personal_sign, ROUTE_AUTH),
	R("POST", "/wallet/secp256k1-sign", h_wallet_secp256k1_sign,
	    ROUTE_AUTH),
	R("POST", "/wallet/sign-typed-data", h_wallet_sign_typed_data,
	    ROUTE_AUTH),
	R("POST", "/wallet/sign-transaction", h_wallet_sign_transaction,
	    ROUTE_AUTH),
	R("POST", "/wallet/send-transaction", h_wallet_send_transaction,
	    ROUTE_AUTH),
#undef R
};
const size_t router_nroutes = sizeof(router_routes) / sizeof(router_routes[0]);

#define MAXSEGS	16

struct segs {
	size_t		 n;
	const char	*s[MAXSEGS];
	size_t		 len[MAXSEGS];
};

/* Split `path' at '/' (no copy); -1 if it is not absolute or too deep. */
static int
router_split(const char *path, struct segs *sg)
{
	const char	*p = path, *q;
	size_t		 len = strlen(path);

	sg->n = 0;
	if (*p != '/')
		return -1;
	if (len > 1 && path[len - 1] == '/')
		len--;
	while (p < path + len) {
		p++;
		q = memchr(p, '/', (size_t)(path + len - p));
		if (q == NULL)
			q = path + len;
		if (sg->n == MAXSEGS)
			return -1;
		sg->s[sg->n] = p;
		sg->len[sg->n] = (size_t)(q - p);
		sg->n++;
		p = q;
	}
	return 0;
}

/*
 * Percent-decode a segment; -1 on bad escapes, NUL, '/', overflow or a
 * result that is not UTF-8.
 */
static int
router_decode(const char *s, size_t len, char *out, size_t outsz)
{
	size_t	 i, o = 0;
	int	 hi, lo, c;

	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (c == '%') {
			if (i + 2 >= len)
				return -1;
			if ((hi = enc_hexval(s[i + 1])) < 0 ||
			    (lo = enc_hexval(s[i + 2])) < 0)
				return -1;
			c = hi << 4 | lo;
			i += 2;
			if (c == 0 || c == '/')
				return -1;
		}
		if (o + 1 >= outsz)
			return -1;
		out[o++] = (char)c;
	}
	out[o] = '\0';
	return valid_utf8(out, o) == -1 ? -1 : 0;
}

/*
 * Does pattern p match the segments of the path?  On a match, *score has
 * one bit per segment, set where the pattern is literal, most significant
 * first, so a larger score is a more specific pattern.
 */
static int
router_pattern_match(const char *pattern, const struct segs *path,
    unsigned long *score)
{
	struct segs	 pat;
	size_t		 i;

	if (router_split(pattern, &pat) == -1 || pat.n != path->n)
		return 0;
	*score = 0;
	for (i = 0; i < pat.n; i++) {
		*score <<= 1;
		if (pat.s[i][0] == ':') {
			if (path->len[i] == 0)
				return 0;
			continue;
		}
		if (pat.len[i] != path->len[i] ||
		    memcmp(pat.s[i], path->s[i], pat.len[i]) != 0)
			return 0;
		*score |= 1;
	}
	return 1;
}

/* Is `name' an object id parameter (":id", ":postID", ...)? */
static int
router_is_id(const char *name)
{
	size_t	 len = strlen(name);

	return strcmp(name, "id") == 0 ||
	    (len > 2 && strcmp(name + len - 2, "ID") == 0);
}

/* Lower-case s in place (ASCII). */
static void
router_lower(char *s)
{
	for (; *s != '\0'; s++)
		*s = (char)tolower((unsigned char)*s);
}

/*
 * Bind the `:param' segments of pattern to the path's decoded segments.
 * Object ids are accepted in any case and lower-cased here, once, so no
 * handler, cache key or store sees another spelling (API.md 1.3).
 */
static int
router_bind(const char *pattern, const struct segs *path,
    struct route_match *rm)
{
	struct segs	 pat;
	size_t		 i;

	router_split(pattern, &pat);
	rm->nparams = 0;
	for (i = 0; i < pat.n; i++) {
		if (pat.s[i][0] != ':')
			continue;
		if (rm->nparams == ROUTER_MAXPARAMS)
			abort();
		snprintf(rm->params[rm->nparams].name,
		    sizeof(rm->params[0].name), "%.*s", (int)pat.len[i] - 1,
		    pat.s[i] + 1);
		if (router_decode(path->s[i], path->len[i],
		    rm->params[rm->nparams].value,
		    sizeof(rm->params[0].value)) == -1)
			return -1;
		if (router_is_id(rm->params[rm->nparams].name))
			router_lower(rm->params[rm->nparams].value);
		rm->nparams++;
	}
	return 0;
}

static int
router_cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int
router_match(const struct route *tab, size_t n, const char *method,
    const char *path, struct route_match *rm)
{
	struct segs	 sg;
	const char	*best = NULL, *methods[16];
	const char	*want = strcmp(method, "HEAD") == 0 ? "GET" : method;
	unsigned long	 score, bestscore = 0;
	size_t		 i, j, nm = 0, len;

	memset(rm, 0, sizeof(*rm));
	if (router_split(path, &sg) == -1)
		return 404;
	for (i = 0; i < n; i++)
		if (router_pattern_match(tab[i].pattern, &sg, &score) &&
		    (best == NULL || score > bestscore)) {
			best = tab[i].pattern;
			bestscore = score;
		}
	if (best == NULL)
		return 404;
	rm->pattern = best;
	for (i = 0; i < n; i++) {
		if (strcmp(tab[i].pattern, best) != 0)
			continue;
		if (strcmp(tab[i].method, want) == 0) {
			if (router_bind(best, &sg, rm) == -1)
				return 404;
			rm->route = &tab[i];
			return 0;
		}
		for (j = 0; j < nm; j++)
			if (strcmp(methods[j], tab[i].method) == 0)
				break;
		if (j == nm && nm < sizeof(methods) / sizeof(methods[0]))
			methods[nm++] = tab[i].method;
	}
	qsort(methods, nm, sizeof(methods[0]), router_cmp_str);
	for (j = 0, len = 0; j < nm && len < sizeof(rm->allow); j++)
		len += (size_t)snprintf(rm->allow + len, sizeof(rm->allow) - len,
		    "%s%s", j > 0 ? ", " : "", methods[j]);
	return 405;
}

const char *
router_param(const struct route_match *rm, const char *name)
{
	size_t	 i;

	for (i = 0; i < rm->nparams; i++)
		if (strcmp(rm->params[i].name, name) == 0)
			return rm->params[i].value;
	return NULL;
}

int
router_no_store(const char *pattern)
{
	static const char *const prefixes[] = { "/api/v1/users/login",
	    "/api/v1/users/refresh", "/api/v1/wallet/", "/api/v1/sessions" };
	size_t	 i;

	for (i = 0; pattern != NULL &&
	    i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (strncmp(pattern, prefixes[i], strlen(prefixes[i])) == 0)
			return 1;
	return 0;
}
