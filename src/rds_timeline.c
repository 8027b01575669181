/*
 * Timelines: "u:{<uid>}:tl" (sorted set), "u:{<uid>}:tl:floor" and the
 * generation "u:{<uid>}:tl:g", in the user's slot beside the sets of
 * rds_cache.c.  The member "." with score 0 marks a built timeline, so
 * that an empty one is not taken for a missing one; ranges start above
 * it.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "rds_internal.h"
#include "rds_timeline.h"
#include "rkey.h"
#include "verr.h"
#include "xmem.h"

#define RDS_TL_GEN_TTL	"86400"

static const char **
rds_tl_argv(size_t n)
{
	const char	**argv;

	argv = xcalloc(n + 1, sizeof(*argv));
	return argv;
}

/* KEYS tl, floor, gen; ARGV max score, count. */
static const char rds_tl_range_lua[] =
    "if redis.call('EXISTS', KEYS[1]) == 0 then\n"
    "  return {0, redis.call('GET', KEYS[3]) or ''}\n"
    "end\n"
    "return {1, redis.call('GET', KEYS[2]) or '0',\n"
    "  redis.call('ZREVRANGEBYSCORE', KEYS[1], ARGV[1], '(0',\n"
    "  'WITHSCORES', 'LIMIT', 0, ARGV[2])}\n";

int
rds_tl_range(struct rds *r, const char *uid, int64_t max_ms, size_t max,
    struct rds_tl_ent *out, size_t *n, int64_t *floor, char gen[24],
    struct verr *e)
{
	redisReply	*rep, *a;
	char		 k[3][RKEY_MAX], mx[24], cnt[24];
	const char	*argv[8];
	size_t		 i;
	int		 rc = -1;

	*n = 0;
	*floor = 0;
	gen[0] = '\0';
	if (rkey_timeline(k, uid, e) == -1)
		return -1;
	snprintf(mx, sizeof(mx), "%" PRId64, max_ms);
	snprintf(cnt, sizeof(cnt), "%zu", max);
	argv[0] = "EVAL";
	argv[1] = rds_tl_range_lua;
	argv[2] = "3";
	argv[3] = k[0];
	argv[4] = k[1];
	argv[5] = k[2];
	argv[6] = mx;
	argv[7] = cnt;
	if ((rep = rds_runv(r, e, k[0], RDS_IDEMPOTENT, 8, argv)) == NULL)
		return -1;
	if (rep->type != REDIS_REPLY_ARRAY || rep->elements < 2 ||
	    rep->element[0]->type != REDIS_REPLY_INTEGER ||
	    rep->element[1]->type != REDIS_REPLY_STRING) {
		rds_fail(r, "EVAL", "unexpected reply", e);
		goto out;
	}
	if (rep->element[0]->integer == 0) {
		if (rep->element[1]->len < 24)
			memcpy(gen, rep->element[1]->str,
			    rep->element[1]->len + 1);
		rc = 0;
		goto out;
	}
	*floor = strtoll(rep->element[1]->str, NULL, 10);
	if (rep->elements != 3 ||
	    (a = rep->element[2])->type != REDIS_REPLY_ARRAY) {
		rds_fail(r, "EVAL", "unexpected reply", e);
		goto out;
	}
	for (i = 0; i + 1 < a->elements && *n < max; i += 2) {
		if (a->element[i]->type != REDIS_REPLY_STRING ||
		    a->element[i]->len != 24)
			continue;
		memcpy(out[*n].id, a->element[i]->str, 25);
		out[*n].ms = strtoll(a->element[i + 1]->str, NULL, 10);
		(*n)++;
	}
	rc = 1;
out:
	freeReplyObject(rep);
	return rc;
}

/* rds_eval() of lua on the timeline's three keys. */
static int
rds_tl_script(struct rds *r, const char *uid, const char *lua,
    const char *const *args, size_t nargs, struct verr *e)
{
	char		 k[3][RKEY_MAX];
	const char	*keys[3] = { k[0], k[1], k[2] };

	if (rkey_timeline(k, uid, e) == -1)
		return -1;
	return rds_eval(r, lua, keys, 3, args, nargs, RDS_IDEMPOTENT, e);
}

/* Scores and ids as alternating arguments from index `at' of args. */
static char (*
rds_tl_scores(const struct rds_tl_ent *ents, size_t n, const char **args,
    size_t at))[24]
{
	char	(*sc)[24];
	size_t	 i;

	sc = xcalloc(n + 1, sizeof(*sc));
	for (i = 0; i < n; i++) {
		snprintf(sc[i], sizeof(sc[i]), "%" PRId64, ents[i].ms);
		args[at + 2 * i] = sc[i];
		args[at + 2 * i + 1] = ents[i].id;
	}
	return sc;
}

/* KEYS tl, floor, gen; ARGV gen seen, floor, ttl, score, id, ... */
static const char rds_tl_fill_lua[] =
    "if (redis.call('GET', KEYS[3]) or '') ~= ARGV[1] then return 0 end\n"
    "redis.call('DEL', KEYS[1])\n"
    "redis.call('ZADD', KEYS[1], 0, '.')\n"
    "for i = 4, #ARGV - 1, 2 do\n"
    "  redis.call('ZADD', KEYS[1], ARGV[i], ARGV[i + 1])\n"
    "end\n"
    "redis.call('SET', KEYS[2], ARGV[2], 'EX', ARGV[3])\n"
    "redis.call('EXPIRE', KEYS[1], ARGV[3])\n"
    "return 1\n";

int
rds_tl_fill(struct rds *r, const char *uid, const char *gen,
    const struct rds_tl_ent *ents, size_t n, int64_t floor, int ttl,
    struct verr *e)
{
	const char	**args;
	char		(*sc)[24], fl[24], t[16];
	int		 rc;

	args = rds_tl_argv(3 + 2 * n);
	snprintf(fl, sizeof(fl), "%" PRId64, floor);
	snprintf(t, sizeof(t), "%d", ttl);
	args[0] = gen;
	args[1] = fl;
	args[2] = t;
	sc = rds_tl_scores(ents, n, args, 3);
	rc = rds_tl_script(r, uid, rds_tl_fill_lua, args, 3 + 2 * n, e);
	free(sc);
	free(args);
	return rc;
}

/*
 * KEYS tl, floor, gen; ARGV bound, score, id, ...  Beyond the bound the
 * oldest entries go (rank 0 is the marker) and the floor rises to the
 * newest score that went.
 */
static const char rds_tl_add_lua[] =
    "redis.call('INCR', KEYS[3])\n"
    "redis.call('EXPIRE', KEYS[3], " RDS_TL_GEN_TTL ")\n"
    "if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end\n"
    "for i = 2, #ARGV - 1, 2 do\n"
    "  redis.call('ZADD', KEYS[1], ARGV[i], ARGV[i + 1])\n"
    "end\n"
    "local over = redis.call('ZCARD', KEYS[1]) - 1 - tonumber(ARGV[1])\n"
    "if over > 0 then\n"
    "  local gone = redis.call('ZRANGE', KEYS[1], over, over, 'WITHSCORES')\n"
    "  local fl = tonumber(redis.call('GET', KEYS[2]) or '0')\n"
    "  if tonumber(gone[2]) > fl then\n"
    "    redis.call('SET', KEYS[2], gone[2], 'KEEPTTL')\n"
    "  end\n"
    "  redis.call('ZREMRANGEBYRANK', KEYS[1], 1, over)\n"
    "end\n"
    "return 1\n";

int
rds_tl_add(struct rds *r, const char *uid, const struct rds_tl_ent *ents,
    size_t n, size_t bound, struct verr *e)
{
	const char	**args;
	char		(*sc)[24], b[24];
	int		 rc;

	args = rds_tl_argv(1 + 2 * n);
	snprintf(b, sizeof(b), "%zu", bound);
	args[0] = b;
	sc = rds_tl_scores(ents, n, args, 1);
	rc = rds_tl_script(r, uid, rds_tl_add_lua, args, 1 + 2 * n, e);
	free(sc);
	free(args);
	return rc == -1 ? -1 : 0;
}

/* KEYS tl, floor, gen; ARGV ids. */
static const char rds_tl_remove_lua[] =
    "for i = 1, #ARGV do redis.call('ZREM', KEYS[1], ARGV[i]) end\n"
    "return 1\n";

int
rds_tl_remove(struct rds *r, const char *uid, const char *const *ids,
    size_t n, struct verr *e)
{
	if (n == 0)
		return 0;
	return rds_tl_script(r, uid, rds_tl_remove_lua, ids, n, e) == -1 ?
	    -1 : 0;
}

/* KEYS tl, floor, gen. */
static const char rds_tl_drop_lua[] =
    "redis.call('DEL', KEYS[1], KEYS[2])\n"
    "redis.call('INCR', KEYS[3])\n"
    "redis.call('EXPIRE', KEYS[3], " RDS_TL_GEN_TTL ")\n"
    "return 1\n";

int
rds_tl_drop(struct rds *r, const char *uid, struct verr *e)
{
	return rds_tl_script(r, uid, rds_tl_drop_lua, NULL, 0, e) == -1 ?
	    -1 : 0;
}

static const char rds_tl_big_add_lua[] =
    "if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end\n"
    "return redis.call('SADD', KEYS[1], ARGV[1])\n";

int
rds_tl_big_add(struct rds *r, const char *uid, struct verr *e)
{
	const char	*keys[1] = { RKEY_TL_BIG };

	return rds_eval(r, rds_tl_big_add_lua, keys, 1, &uid, 1,
	    RDS_IDEMPOTENT, e) == -1 ? -1 : 0;
}

int
rds_tl_big_list(struct rds *r, char (**ids)[25], size_t *n, struct verr *e)
{
	redisReply	*rep;
	size_t		 i;

	*ids = NULL;
	*n = 0;
	if ((rep = rds_run(r, e, RKEY_TL_BIG, RDS_IDEMPOTENT, "SMEMBERS %s",
	    RKEY_TL_BIG)) == NULL)
		return -1;
	if (rep->type != REDIS_REPLY_ARRAY) {
		freeReplyObject(rep);
		return rds_fail(r, "SMEMBERS", "unexpected reply type", e);
	}
	*ids = xcalloc(rep->elements + 1, sizeof(**ids));
	/* The marker "." makes an empty set exist. */
	for (i = 0; i < rep->elements; i++)
		if (rep->element[i]->type == REDIS_REPLY_STRING &&
		    rep->element[i]->len == 24)
			memcpy((*ids)[(*n)++], rep->element[i]->str, 25);
	i = rep->elements;
	freeReplyObject(rep);
	return i > 0;
}

static const char rds_tl_big_fill_lua[] =
    "redis.call('DEL', KEYS[1])\n"
    "redis.call('SADD', KEYS[1], '.')\n"
    "for i = 2, #ARGV do redis.call('SADD', KEYS[1], ARGV[i]) end\n"
    "redis.call('EXPIRE', KEYS[1], ARGV[1])\n"
    "return 1\n";

int
rds_tl_big_fill(struct rds *r, char (*ids)[25], size_t n, int ttl,
    struct verr *e)
{
	const char	*keys[1] = { RKEY_TL_BIG };
	const char	**args;
	char		 t[16];
	size_t		 i;
	int		 rc;

	args = rds_tl_argv(1 + n);
	snprintf(t, sizeof(t), "%d", ttl);
	args[0] = t;
	for (i = 0; i < n; i++)
		args[1 + i] = ids[i];
	rc = rds_eval(r, rds_tl_big_fill_lua, keys, 1, args, 1 + n,
	    RDS_IDEMPOTENT, e);
	free(args);
	return rc == -1 ? -1 : 0;
}
