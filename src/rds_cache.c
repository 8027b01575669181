/*
 * Cached objects and per-user sets in Redis; see rds_cache.h for the
 * generation rule that keeps fills from going stale.
 *
 * Keys.  An object is "c:<kind>:{<id>}" with its generation at
 * "c:<kind>:{<id>}:g"; a user's set is "u:{<uid>}:<set>" with
 * "u:{<uid>}:<set>:g".  The hash tags put an entry and its generation in
 * one cluster slot, and all the sets of one user in one slot, so one
 * script can answer every membership question a request asks about its
 * caller.  A set always holds the member "." once loaded, so that an
 * empty set is told apart from a missing one.  Generations live a day:
 * far longer than any fill in flight.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "rds_cache.h"
#include "rds_internal.h"
#include "rkey.h"
#include "verr.h"
#include "xmem.h"

#define RDS_GEN_TTL	"86400"

static void *
rds_calloc(size_t n, size_t sz)
{
	void	*p;

	p = xcalloc(n + 1, sz);
	return p;
}

static char *
rds_strdup(const char *s, size_t len)
{
	char	*p;

	p = xmalloc(len + 1);
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

static void
rds_hit_set(struct rds_hit *h, const redisReply *val, const redisReply *gen)
{
	h->val = NULL;
	h->gen[0] = '\0';
	if (val != NULL && val->type == REDIS_REPLY_STRING)
		h->val = rds_strdup(val->str, val->len);
	if (gen != NULL && gen->type == REDIS_REPLY_STRING &&
	    (size_t)gen->len < sizeof(h->gen))
		memcpy(h->gen, gen->str, gen->len + 1);
}

/* The reply of "MGET value generation" into h; -1 when malformed. */
static int
rds_hit_pair(struct rds_hit *h, const redisReply *rep, size_t at)
{
	if (rep->type != REDIS_REPLY_ARRAY || rep->elements < at + 2)
		return -1;
	rds_hit_set(h, rep->element[at], rep->element[at + 1]);
	return 0;
}

/*
 * On a cluster an MGET may only name keys of one slot: one "MGET value
 * generation" per id, pipelined per master (rds_pipeline()).
 */
static int
rds_cache_get_cluster(struct rds *r, char (*keys)[RKEY_MAX], size_t n,
    struct rds_hit *out, struct verr *e)
{
	redisReply	**reps;
	const char	**slot;
	char		**cmds;
	size_t		*lens;
	size_t		 i;
	int		 len, rc = 0;

	reps = rds_calloc(n, sizeof(*reps));
	slot = rds_calloc(n, sizeof(*slot));
	cmds = rds_calloc(n, sizeof(*cmds));
	lens = rds_calloc(n, sizeof(*lens));
	for (i = 0; i < n; i++) {
		slot[i] = keys[2 * i];
		if ((len = redisFormatCommand(&cmds[i], "MGET %s %s",
		    keys[2 * i], keys[2 * i + 1])) == -1)
			xnomem("redisFormatCommand");
		lens[i] = (size_t)len;
	}
	if (rds_pipeline(r, slot, cmds, lens, n, reps, e) == -1)
		rc = -1;
	for (i = 0; i < n; i++) {
		if (rc == 0 && rds_hit_pair(&out[i], reps[i], 0) == -1)
			rc = rds_fail(r, "MGET", "unexpected reply", e);
		if (reps[i] != NULL)
			freeReplyObject(reps[i]);
		redisFreeCommand(cmds[i]);
	}
	free(reps);
	free(slot);
	free(cmds);
	free(lens);
	return rc;
}

int
rds_cache_get(struct rds *r, const char *kind, const char *const *ids,
    size_t n, struct rds_hit *out, struct verr *e)
{
	redisReply	*rep = NULL;
	const char	**argv;
	char		(*keys)[RKEY_MAX];
	size_t		 i;
	int		 rc = -1;

	memset(out, 0, n * sizeof(*out));
	if (n == 0)
		return 0;
	argv = rds_calloc(2 * n + 1, sizeof(*argv));
	keys = rds_calloc(2 * n, sizeof(*keys));
	for (i = 0; i < n; i++)
		if (rkey_obj(keys[2 * i], keys[2 * i + 1], kind, ids[i],
		    e) == -1)
			goto out;
	if (rds_is_cluster(r)) {
		rc = rds_cache_get_cluster(r, keys, n, out, e);
		goto out;
	}
	/* One server: one MGET of every value and generation. */
	argv[0] = "MGET";
	for (i = 0; i < 2 * n; i++)
		argv[1 + i] = keys[i];
	if ((rep = rds_runv(r, e, argv[1], RDS_IDEMPOTENT, (int)(1 + 2 * n),
	    argv)) == NULL)
		goto out;
	for (i = 0; i < n; i++)
		if (rds_hit_pair(&out[i], rep, 2 * i) == -1) {
			rds_fail(r, "MGET", "unexpected reply", e);
			goto out;
		}
	rc = 0;
out:
	if (rep != NULL)
		freeReplyObject(rep);
	if (rc == -1)
		rds_hits_free(out, n);
	free(argv);
	free(keys);
	return rc;
}

void
rds_hits_free(struct rds_hit *h, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		free(h[i].val);
		h[i].val = NULL;
	}
}

/* KEYS[1] value, KEYS[2] generation; ARGV gen seen, value, ttl. */
static const char rds_put_lua[] =
    "if (redis.call('GET', KEYS[2]) or '') ~= ARGV[1] then return 0 end\n"
    "redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])\n"
    "return 1\n";

/* KEYS[1] value, KEYS[2] generation. */
static const char rds_bump_lua[] =
    "redis.call('INCR', KEYS[2])\n"
    "redis.call('EXPIRE', KEYS[2], " RDS_GEN_TTL ")\n"
    "redis.call('DEL', KEYS[1])\n"
    "return 1\n";

/* rds_eval() on the two keys k1, k2 of one slot. */
static int
rds_script2(struct rds *r, const char *lua, const char *k1, const char *k2,
    const char *const *args, size_t nargs, struct verr *e)
{
	const char	*keys[2] = { k1, k2 };

	return rds_eval(r, lua, keys, 2, args, nargs, RDS_IDEMPOTENT, e);
}

int
rds_cache_put(struct rds *r, const char *kind, const char *id,
    const char *gen, const char *val, int ttl, struct verr *e)
{
	char		 k[RKEY_MAX], g[RKEY_MAX], t[16];
	const char	*args[3];

	if (rkey_obj(k, g, kind, id, e) == -1)
		return -1;
	snprintf(t, sizeof(t), "%d", ttl);
	args[0] = gen;
	args[1] = val;
	args[2] = t;
	return rds_script2(r, rds_put_lua, k, g, args, 3, e);
}

int
rds_cache_bump(struct rds *r, const char *kind, const char *id,
    struct verr *e)
{
	char	 k[RKEY_MAX], g[RKEY_MAX];

	if (rkey_obj(k, g, kind, id, e) == -1)
		return -1;
	/* Twice is harmless: the generation only has to move. */
	return rds_script2(r, rds_bump_lua, k, g, NULL, 0, e) == -1 ? -1 : 0;
}

/*
 * KEYS: the sets, then their generations; ARGV: the members.  For each
 * set {1, m1, m2, ...} when loaded, else {0, generation}.
 */
static const char rds_uset_test_lua[] =
    "local ns = #KEYS / 2\n"
    "local out = {}\n"
    "for s = 1, ns do\n"
    "  if redis.call('EXISTS', KEYS[s]) == 1 then\n"
    "    local row = {1}\n"
    "    for i = 1, #ARGV do\n"
    "      row[i + 1] = redis.call('SISMEMBER', KEYS[s], ARGV[i])\n"
    "    end\n"
    "    out[s] = row\n"
    "  else\n"
    "    out[s] = {0, redis.call('GET', KEYS[ns + s]) or ''}\n"
    "  end\n"
    "end\n"
    "return out\n";

int
rds_uset_test(struct rds *r, const char *uid, const char *const *sets,
    size_t nsets, const char *const *members, size_t n, int *out,
    int *loaded, char (*gens)[24], struct verr *e)
{
	redisReply	*rep = NULL, *row;
	const char	**argv;
	char		(*keys)[RKEY_MAX];
	char		 nk[16];
	size_t		 s, i, argc;
	int		 rc = -1;

	memset(out, 0, nsets * n * sizeof(*out));
	argc = 3 + 2 * nsets + n;
	argv = rds_calloc(argc, sizeof(*argv));
	keys = rds_calloc(2 * nsets, sizeof(*keys));
	snprintf(nk, sizeof(nk), "%zu", 2 * nsets);
	argv[0] = "EVAL";
	argv[1] = rds_uset_test_lua;
	argv[2] = nk;
	for (s = 0; s < nsets; s++) {
		if (rkey_uset(keys[s], keys[nsets + s], uid, sets[s],
		    e) == -1)
			goto out;
		argv[3 + s] = keys[s];
		argv[3 + nsets + s] = keys[nsets + s];
	}
	for (i = 0; i < n; i++)
		argv[3 + 2 * nsets + i] = members[i];
	if ((rep = rds_runv(r, e, keys[0], RDS_IDEMPOTENT, (int)argc,
	    argv)) == NULL)
		goto out;
	if (rep->type != REDIS_REPLY_ARRAY || rep->elements != nsets) {
		rds_fail(r, "EVAL", "unexpected reply", e);
		goto out;
	}
	for (s = 0; s < nsets; s++) {
		row = rep->element[s];
		gens[s][0] = '\0';
		if (row->type != REDIS_REPLY_ARRAY || row->elements < 1) {
			rds_fail(r, "EVAL", "unexpected reply", e);
			goto out;
		}
		loaded[s] = row->element[0]->integer == 1;
		if (!loaded[s]) {
			if (row->elements == 2 &&
			    row->element[1]->type == REDIS_REPLY_STRING &&
			    row->element[1]->len < 24)
				memcpy(gens[s], row->element[1]->str,
				    row->element[1]->len + 1);
			continue;
		}
		for (i = 0; i < n && i + 1 < row->elements; i++)
			out[s * n + i] = row->element[i + 1]->integer == 1;
	}
	rc = 0;
out:
	if (rep != NULL)
		freeReplyObject(rep);
	free(argv);
	free(keys);
	return rc;
}

/* KEYS set, generation; ARGV gen seen, ttl, members... */
static const char rds_uset_fill_lua[] =
    "if (redis.call('GET', KEYS[2]) or '') ~= ARGV[1] then return 0 end\n"
    "redis.call('DEL', KEYS[1])\n"
    "redis.call('SADD', KEYS[1], '.')\n"
    "for i = 3, #ARGV do redis.call('SADD', KEYS[1], ARGV[i]) end\n"
    "redis.call('EXPIRE', KEYS[1], ARGV[2])\n"
    "return 1\n";

/* KEYS set, generation. */
static const char rds_uset_drop_lua[] =
    "redis.call('DEL', KEYS[1])\n"
    "redis.call('INCR', KEYS[2])\n"
    "redis.call('EXPIRE', KEYS[2], " RDS_GEN_TTL ")\n"
    "return 1\n";

int
rds_uset_fill(struct rds *r, const char *uid, const char *set,
    const char *gen, const char *const *members, size_t n, int ttl,
    struct verr *e)
{
	char		 k[RKEY_MAX], g[RKEY_MAX], t[16];
	const char	**args;
	size_t		 i;
	int		 rc;

	if (rkey_uset(k, g, uid, set, e) == -1)
		return -1;
	snprintf(t, sizeof(t), "%d", ttl);
	args = rds_calloc(n + 2, sizeof(*args));
	args[0] = gen;
	args[1] = t;
	for (i = 0; i < n; i++)
		args[2 + i] = members[i];
	rc = rds_script2(r, rds_uset_fill_lua, k, g, args, n + 2, e);
	free(args);
	return rc;
}

int
rds_uset_drop(struct rds *r, const char *uid, const char *set,
    struct verr *e)
{
	char	 k[RKEY_MAX], g[RKEY_MAX];

	if (rkey_uset(k, g, uid, set, e) == -1)
		return -1;
	return rds_script2(r, rds_uset_drop_lua, k, g, NULL, 0, e) == -1 ?
	    -1 : 0;
}

int
rds_uset_members(struct rds *r, const char *uid, const char *set,
    void (*fn)(const char *, void *), void *arg, struct verr *e)
{
	redisReply	*rep;
	const char	*argv[2];
	char		 k[RKEY_MAX], g[RKEY_MAX];
	size_t		 i;
	int		 rc = -1;

	if (rkey_uset(k, g, uid, set, e) == -1)
		return -1;
	argv[0] = "SMEMBERS";
	argv[1] = k;
	if ((rep = rds_runv(r, e, k, RDS_IDEMPOTENT, 2, argv)) == NULL)
		return -1;
	if (rep->type != REDIS_REPLY_ARRAY) {
		rds_fail(r, "SMEMBERS", "unexpected reply", e);
		goto out;
	}
	/* A stored set holds "." besides its members; none: not stored. */
	for (i = 0; i < rep->elements; i++)
		if (rep->element[i]->type == REDIS_REPLY_STRING &&
		    strcmp(rep->element[i]->str, ".") != 0)
			fn(rep->element[i]->str, arg);
	rc = rep->elements > 0;
out:
	freeReplyObject(rep);
	return rc;
}
