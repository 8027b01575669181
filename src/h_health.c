/*
 * Health routes (API.md 1.11).  /health proves the process answers and
 * nothing more.  /health/ready really asks every backend; the four checks
 * run in parallel threads so the answer takes about the slowest check
 * (each bounded near 1 s by its adapter), not their sum, and a result is
 * reused for 5 s so that probes never load the backends.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "be.h"
#include "cfg.h"
#include "db_mongo.h"
#include "handlers.h"
#include "http.h"
#include "json.h"
#include "mq_nats.h"
#include "rds_redis.h"
#include "st_s3.h"
#include "verr.h"

#define READY_CACHE_MS	5000

enum check { CHK_MONGO, CHK_REDIS, CHK_NATS, CHK_STORAGE, CHK__MAX };

static const char *const chk_names[CHK__MAX] = {
	"mongo", "redis", "nats", "storage"
};
static const int chk_required[CHK__MAX] = { 1, 0, 0, 0 };

struct chk {
	enum check	 which;
	struct be	*be;
	int		 up;
	int64_t		 ms;
	char		 why[96];
};

static struct chk	 ready_cache[CHK__MAX];
static int64_t		 ready_cached_at;

int
h_health(struct req *r, struct verr *e)
{
	struct json_object	*o = json_object_new_object();
	char			 ts[32];

	json_time(ts, json_now_ms());
	json_object_object_add(o, "status", json_object_new_string("healthy"));
	json_object_object_add(o, "service",
	    json_object_new_string("vybes-api"));
	json_object_object_add(o, "timestamp", json_object_new_string(ts));
	http_json(r, 200, o);
	return 0;
}

/*
 * The client sees a short reason without hostnames or credentials: the
 * adapter's detail goes to the debug log only.
 */
static void *
chk_run(void *arg)
{
	struct chk	*c = arg;
	struct verr	 e;
	int64_t		 t0 = http_now_ns();
	int		 rc = -1;

	verr_init(&e);
	switch (c->which) {
	case CHK_MONGO:
		rc = c->be->db != NULL ? db_ping(c->be->db, &e) :
		    verr_backend(&e, "mongo", "not configured");
		break;
	case CHK_REDIS:
		rc = rds_ping(c->be->rds, &e);
		break;
	case CHK_NATS:
		rc = mq_connected(c->be->mq) ? 0 :
		    verr_backend(&e, "nats", "not connected");
		break;
	case CHK_STORAGE:
		rc = st_bucket_ok(c->be->st, cfg_posts_bucket(c->be->cfg), &e);
		break;
	case CHK__MAX:
		abort();
	}
	c->ms = (http_now_ns() - t0) / 1000000;
	c->up = rc == 0;
	if (!c->up)
		snprintf(c->why, sizeof(c->why), "%s",
		    c->which == CHK_NATS ? "not connected" :
		    strstr(e.detail, "timed out") != NULL ||
		    strstr(e.detail, "Timeout") != NULL ? "timed out" :
		    "unreachable");
	return NULL;
}

static void
ready_refresh(struct be *be)
{
	pthread_t	 th[CHK__MAX];
	int		 started[CHK__MAX];
	size_t		 i;

	for (i = 0; i < CHK__MAX; i++) {
		memset(&ready_cache[i], 0, sizeof(ready_cache[i]));
		ready_cache[i].which = (enum check)i;
		ready_cache[i].be = be;
		started[i] = pthread_create(&th[i], NULL, chk_run,
		    &ready_cache[i]) == 0;
		if (!started[i])
			chk_run(&ready_cache[i]);
	}
	for (i = 0; i < CHK__MAX; i++)
		if (started[i])
			pthread_join(th[i], NULL);
	ready_cached_at = http_now_ns() / 1000000;
}

int
h_health_ready(struct req *r, struct verr *e)
{
	struct json_object	*o, *checks, *c;
	int			 required_down = 0, any_down = 0;
	size_t			 i;

	if (ready_cached_at == 0 ||
	    http_now_ns() / 1000000 - ready_cached_at > READY_CACHE_MS)
		ready_refresh(r->be);
	o = json_object_new_object();
	checks = json_object_new_object();
	for (i = 0; i < CHK__MAX; i++) {
		c = json_object_new_object();
		json_object_object_add(c, "status", json_object_new_string(
		    ready_cache[i].up ? "up" : "down"));
		json_object_object_add(c, "required",
		    json_object_new_boolean(chk_required[i]));
		if (ready_cache[i].up)
			json_object_object_add(c, "latencyMs",
			    json_object_new_int64(ready_cache[i].ms));
		else {
			json_object_object_add(c, "error",
			    json_object_new_string(ready_cache[i].why));
			any_down = 1;
			required_down |= chk_required[i];
		}
		json_object_object_add(checks, chk_names[i], c);
	}
	json_object_object_add(o, "status", json_object_new_string(
	    required_down ? "not_ready" : any_down ? "degraded" : "ready"));
	json_object_object_add(o, "checks", checks);
	http_json(r, required_down ? 503 : 200, o);
	if (required_down)
		http_header(r, "Retry-After", "5");
	return 0;
}
