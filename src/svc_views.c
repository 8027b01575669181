/*
 * Views.  A counted view costs one Redis script (no MongoDB write);
 * svc_views_flush() adds the buffered counts to viewCount under a Redis
 * lease so that only one process flushes at a time.  When Redis is down
 * views are added to MongoDB directly, as API.md 1.11 says, without the
 * per-viewer and per-address limits (those fail open).
 */
#include <stdio.h>
#include <string.h>

#include <openssl/sha.h>

#include "be.h"
#include "db_posts.h"
#include "enc.h"
#include "log.h"
#include "rds_redis.h"
#include "rl.h"
#include "svc_cache.h"
#include "svc_views.h"
#include "verr.h"

#define VIEWS_BATCH	500
#define VIEWS_LEASE_TTL	60	/* longest a flush may take; given back after */

void
svc_views_count(struct be *be, const char *actor, const char *rid,
    const char *ip, const char *ua, const struct post *o)
{
	struct verr	 e;
	unsigned char	 d[SHA256_DIGEST_LENGTH];
	char		 viewer[128], key[200], h[65], uabuf[640];

	if (actor[0] != '\0')
		snprintf(viewer, sizeof(viewer), "u:%s", actor);
	else {
		/* Anonymous: the address with the User-Agent, hashed short. */
		snprintf(uabuf, sizeof(uabuf), "%s|%s", ip,
		    ua != NULL ? ua : "");
		SHA256((const unsigned char *)uabuf, strlen(uabuf), d);
		enc_hex(d, 12, h);
		snprintf(viewer, sizeof(viewer), "a:%s", h);
	}
	snprintf(key, sizeof(key), "%s:%s", viewer, o->id);
	verr_init(&e);
	/* Over a limit: silently not counted (never 429). */
	if (rl_check_be(be, rid, RL_VIEW_IP, ip, 0, &e) == -1)
		return;
	if (rl_check_be(be, rid, RL_VIEW_DEDUP, key, 1, &e) == -1)
		return;
	rl_count_be(be, RL_VIEW_IP, ip);
	if (rds_views_add(be->rds, o->id, 1, &e) == 0)
		return;
	verr_init(&e);
	if (db_post_add_views(be->db, o->id, 1, &e) == -1)
		log_warnx("rid=%s view of %s lost: %s", rid, o->id, e.detail);
	else
		svc_post_changed(be, o->id);
}

struct flush {
	struct be	*be;
	int		 n;
	int		 failed;
};

static void
svc_views_apply(const char *post, long long n, void *arg)
{
	struct flush	*f = arg;
	struct verr	 e;

	verr_init(&e);
	if (db_post_add_views(f->be->db, post, n, &e) == 0) {
		svc_post_changed(f->be, post);
		f->n++;
		return;
	}
	/* Put the count back for the next flush rather than lose it. */
	f->failed = 1;
	verr_init(&e);
	if (rds_views_add(f->be->rds, post, n, &e) == -1)
		log_warnx("views: %lld views of %s lost: %s", n, post,
		    e.detail);
}

int
svc_views_flush(struct be *be)
{
	struct flush	 f = { be, 0, 0 };
	struct verr	 e;

	verr_init(&e);
	if (rds_lease(be->rds, "viewflush", VIEWS_LEASE_TTL, &e) != 1)
		return 0;
	if (rds_views_take(be->rds, VIEWS_BATCH, svc_views_apply, &f,
	    &e) == -1)
		f.failed = 1;
	rds_unlease(be->rds, "viewflush");
	return f.failed ? -1 : f.n;
}
