/*
 * Router: matching, parameters, trailing slashes, literal-over-parameter
 * precedence, 404/405 and the Allow list, on a table shaped like the
 * spec's routes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "router.h"
#include "unit.h"

static int
h_dummy(struct req *r, struct verr *e)
{
	return 0;
}

static const struct route tab[] = {
	{ "GET", "/health", h_dummy, ROUTE_PUBLIC, "health" },
	{ "GET", "/api/v1/users/me", h_dummy, ROUTE_AUTH, "me" },
	{ "PATCH", "/api/v1/users/me", h_dummy, ROUTE_AUTH, "me-patch" },
	{ "GET", "/api/v1/users/profile", h_dummy, ROUTE_AUTH, "profile" },
	{ "GET", "/api/v1/users/:username", h_dummy, ROUTE_AUTH, "user" },
	{ "POST", "/api/v1/users/:username/follow", h_dummy, ROUTE_AUTH, "f" },
	{ "DELETE", "/api/v1/users/:username/follow", h_dummy, ROUTE_AUTH,
	    "uf" },
	{ "GET", "/api/v1/posts/:postID", h_dummy, ROUTE_AUTH, "post" },
	{ "DELETE", "/api/v1/posts/:postID", h_dummy, ROUTE_AUTH, "del" },
	{ "POST", "/api/v1/posts", h_dummy, ROUTE_AUTH, "create" },
	{ "POST", "/api/v1/posts/:postID/like", h_dummy, ROUTE_AUTH, "like" },
	{ "DELETE", "/api/v1/posts/:postID/like", h_dummy, ROUTE_AUTH,
	    "unlike" },
};
#define NTAB	(sizeof(tab) / sizeof(tab[0]))

static void
test_match_table(void)
{
	static const struct {
		const char	*m, *path;
		int		 want;
		const char	*name;
	} c[] = {
		{ "GET", "/api/v1/posts/65f0c2", 0, "post" },
		{ "HEAD", "/api/v1/posts/65f0c2", 0, "post" },
		{ "GET", "/api/v1/posts/65f0c2/", 0, "post" },
		{ "GET", "/api/v1/posts/", 405, NULL },
		{ "POST", "/api/v1/posts/", 0, "create" },
		{ "POST", "/api/v1/posts", 0, "create" },
		{ "PUT", "/api/v1/posts/65f0c2", 405, NULL },
		{ "GET", "/api/v1/posts/65f0c2//", 404, NULL },
		{ "GET", "/api/v1/Posts/65f0c2", 404, NULL },
		{ "GET", "/api/v1/users/me", 0, "me" },
		{ "PATCH", "/api/v1/users/me", 0, "me-patch" },
		{ "GET", "/api/v1/users/profile", 0, "profile" },
		{ "GET", "/api/v1/users/alice", 0, "user" },
		{ "PATCH", "/api/v1/users/alice", 405, NULL },
		{ "POST", "/api/v1/users/me/follow", 0, "f" },
		{ "GET", "/nope", 404, NULL },
		{ "GET", "", 404, NULL },
		{ "GET", "relative/path", 404, NULL },
		{ "GET", "/health", 0, "health" },
		{ "GET", "/health/", 0, "health" },
		{ "POST", "/health", 405, NULL },
	};
	struct route_match	 rm;
	size_t			 i;
	int			 got;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		got = router_match(tab, NTAB, c[i].m, c[i].path, &rm);
		CU_ASSERT_EQUAL(got, c[i].want);
		if (got != c[i].want)
			fprintf(stderr, "case %zu: %s %s: got %d\n", i, c[i].m,
			    c[i].path, got);
		if (c[i].name != NULL && got == 0)
			CU_ASSERT_STRING_EQUAL(rm.route->name, c[i].name);
	}
}

static void
test_params(void)
{
	struct route_match	 rm;

	CU_ASSERT_EQUAL(router_match(tab, NTAB, "POST",
	    "/api/v1/posts/65F0C2aa/like", &rm), 0);
	/* Ids are lower-cased once, here (API.md 1.3). */
	CU_ASSERT_STRING_EQUAL(router_param(&rm, "postID"), "65f0c2aa");
	CU_ASSERT_PTR_NULL(router_param(&rm, "username"));
	CU_ASSERT_EQUAL(router_match(tab, NTAB, "GET",
	    "/api/v1/users/al%69ce", &rm), 0);
	CU_ASSERT_STRING_EQUAL(router_param(&rm, "username"), "alice");
	/* Encoded slash, NUL and broken escapes never reach a handler. */
	CU_ASSERT_EQUAL(router_match(tab, NTAB, "GET",
	    "/api/v1/users/a%2Fb", &rm), 404);
	CU_ASSERT_EQUAL(router_match(tab, NTAB, "GET",
	    "/api/v1/users/a%00b", &rm), 404);
	CU_ASSERT_EQUAL(router_match(tab, NTAB, "GET",
	    "/api/v1/users/a%zz", &rm), 404);
	CU_ASSERT_EQUAL(router_match(tab, NTAB, "GET",
	    "/api/v1/users/a%4", &rm), 404);
}

static void
test_allow(void)
{
	struct route_match	 rm;

	CU_ASSERT_EQUAL(router_match(tab, NTAB, "PUT",
	    "/api/v1/posts/abc", &rm), 405);
	CU_ASSERT_STRING_EQUAL(rm.allow, "DELETE, GET");
	CU_ASSERT_EQUAL(router_match(tab, NTAB, "OPTIONS",
	    "/api/v1/posts/abc/like", &rm), 405);
	CU_ASSERT_STRING_EQUAL(rm.allow, "DELETE, POST");
	CU_ASSERT_EQUAL(router_match(tab, NTAB, "GET", "/api/v1/users/me/x",
	    &rm), 404);
}

static void
test_long_path(void)
{
	struct route_match	 rm;
	char			 path[1200];

	memset(path, 'a', sizeof(path) - 1);
	path[0] = '/';
	memcpy(path, "/api/v1/users/", 14);
	path[sizeof(path) - 1] = '\0';
	/* A parameter longer than the buffer is not a match, never a crash. */
	CU_ASSERT_EQUAL(router_match(tab, NTAB, "GET", path, &rm), 404);
	CU_ASSERT_EQUAL(router_match(tab, NTAB, "GET",
	    "/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q/r/s", &rm), 404);
}

static void
test_real_table(void)
{
	struct route_match	 rm;

	CU_ASSERT_EQUAL(router_match(router_routes, router_nroutes, "GET",
	    "/health/ready", &rm), 0);
	CU_ASSERT_EQUAL(router_match(router_routes, router_nroutes, "DELETE",
	    "/health", &rm), 405);
	CU_ASSERT_STRING_EQUAL(rm.allow, "GET");
}

void
test_router_suite(void)
{
	CU_pSuite	 s = CU_add_suite("router", NULL, NULL);

	UNIT_ADD(s, "match table", test_match_table);
	UNIT_ADD(s, "path parameters", test_params);
	UNIT_ADD(s, "405 Allow", test_allow);
	UNIT_ADD(s, "long paths", test_long_path);
	UNIT_ADD(s, "service routes", test_real_table);
}
