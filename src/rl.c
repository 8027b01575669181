/*
 * Rate limits.  Each request over a limit is refused without being
 * counted, so a client that keeps hammering is admitted again exactly when
 * its oldest counted request leaves the window, which is what Retry-After
 * says.  Keys are "rl:<NAME>:<key>", so one limit never counts another's
 * requests.
 */
#include <stdio.h>
#include <string.h>

#include "be.h"
#include "cfg.h"
#include "http.h"
#include "json.h"
#include "log.h"
#include "rds_redis.h"
#include "rkey.h"
#include "rl.h"
#include "verr.h"

static const struct {
	const char	*name;
	int		 closed;	/* 503 while Redis is down */
} rl_tab[RL__MAX] = {
	[RL_LOGIN_IP] = { "LOGIN_IP", 0 },
	[RL_LOGIN_EMAIL] = { "LOGIN_EMAIL", 0 },
	[RL_REGISTER_IP] = { "REGISTER_IP", 0 },
	[RL_REFRESH_IP] = { "REFRESH_IP", 0 },
	[RL_OTP_EMAIL] = { "OTP_EMAIL", 1 },
	[RL_OTP_IP] = { "OTP_IP", 1 },
	[RL_RESET_IP] = { "RESET_IP", 1 },
	[RL_UNLOCK_USER] = { "UNLOCK_USER", 1 },
	[RL_EXPORT_USER] = { "EXPORT_USER", 1 },
	[RL_SEND_TX_USER] = { "SEND_TX_USER", 1 },
	[RL_POST_USER] = { "POST_USER", 0 },
	[RL_STORY_USER] = { "STORY_USER", 0 },
	[RL_COMMENT_USER] = { "COMMENT_USER", 0 },
	[RL_VIEW_IP] = { "VIEW_IP", 0 },
	[RL_VIEW_DEDUP] = { "VIEW_DEDUP", 0 },
	[RL_REPORT_USER] = { "REPORT_USER", 0 },
};

const char *
rl_name(enum rl_id id)
{
	return rl_tab[id].name;
}

int
rl_check_be(struct be *be, const char *rid, enum rl_id id, const char *key,
    int add, struct verr *e)
{
	const struct cfg_rate	*rate = &be->cfg->rl[id];
	struct verr		 re;
	char			 k[RKEY_MAX];
	long long		 retry_ms;

	if (strcmp(be->cfg->rate_limits, "off") == 0)
		return 0;
	if (rkey_rate(k, rl_tab[id].name, key, e) == -1)
		return -1;
	verr_init(&re);
	if (rds_rl(be->rds, k, json_now_ms(), (long long)rate->window *
	    1000, rate->n, add, &retry_ms, &re) == -1) {
		if (!rl_tab[id].closed)
			return 0;
		log_warnx("rid=%s rate limit %s: %s", rid, rl_tab[id].name,
		    re.detail);
		return verr_backend(e, "redis", re.detail);
	}
	if (retry_ms <= 0)
		return 0;
	verr_set(e, 429, "rate_limited", "Too many requests, please retry "
	    "later");
	e->retry_after = (int)((retry_ms + 999) / 1000);
	if (e->retry_after < 1)
		e->retry_after = 1;
	return -1;
}

int
rl_check(struct req *r, enum rl_id id, const char *key, int add,
    struct verr *e)
{
	return rl_check_be(r->be, r->rid, id, key, add, e);
}

void
rl_count_be(struct be *be, enum rl_id id, const char *key)
{
	struct verr	 e;
	char		 k[RKEY_MAX];
	long long	 retry_ms;

	verr_init(&e);
	if (strcmp(be->cfg->rate_limits, "off") == 0 ||
	    rkey_rate(k, rl_tab[id].name, key, &e) == -1)
		return;
	/* A huge n makes the check always pass: this only records. */
	(void)rds_rl(be->rds, k, json_now_ms(),
	    (long long)be->cfg->rl[id].window * 1000, 1LL << 40, 1, &retry_ms,
	    &e);
}

void
rl_count(struct req *r, enum rl_id id, const char *key)
{
	rl_count_be(r->be, id, key);
}

void
rl_clear(struct req *r, enum rl_id id, const char *key)
{
	struct verr	 e;
	char		 k[RKEY_MAX];

	verr_init(&e);
	if (rkey_rate(k, rl_tab[id].name, key, &e) == 0)
		(void)rds_del(r->be->rds, k, &e);
}
