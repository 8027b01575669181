/*
 * Periodic jobs.  A job is due when its interval has passed in this
 * process; it then runs only if its lease can be taken.  Until then a
 * tick costs a clock read.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "be.h"
#include "cfg.h"
#include "db_outbox.h"
#include "db_recount.h"
#include "db_stories.h"
#include "db_uploads.h"
#include "direct.h"
#include "jobs.h"
#include "json.h"
#include "log.h"
#include "mq_nats.h"
#include "rds_redis.h"
#include "st_s3.h"
#include "svc_account.h"
#include "svc_media.h"
#include "svc_views.h"
#include "verr.h"

#define JOBS_VIEWS_EVERY	5	/* seconds */
#define JOBS_OUTBOX_EVERY	2
#define JOBS_STORIES_EVERY	10
#define JOBS_RECOUNT_EVERY	5
#define JOBS_PURGE_EVERY	5
#define JOBS_UPLOADS_EVERY	10
#define JOBS_UPLOADS_GRACE	60	/* s after expiry, at most */
#define JOBS_MEDIA_EVERY	5
#define JOBS_MEDIA_BATCH	20	/* decodes per kind and run */
#define JOBS_BATCH		200

/* Runs and failures of each job in this process, for jobs_metrics(). */
enum jobs_id { JOBS_VIEWS, JOBS_OUTBOX, JOBS_STORIES, JOBS_RECOUNT,
	JOBS_PURGE, JOBS_UPLOADS, JOBS__MAX };
static const char *const jobs_names[JOBS__MAX] = {
	"views", "outbox", "stories", "recount", "purge", "uploads"
};
static unsigned long long jobs_runs[JOBS__MAX], jobs_fails[JOBS__MAX];

static void
jobs_count(enum jobs_id id, int failed)
{
	jobs_runs[id]++;
	if (failed)
		jobs_fails[id]++;
}

static int
jobs_due(time_t *last, int every)
{
	time_t	 now = time(NULL);

	if (now - *last < every)
		return 0;
	*last = now;
	return 1;
}

/*
 * Take lease `name' for `ttl' s (the longest a run may take; it is given
 * back as soon as the run ends).  1 when held, 0 when another process
 * holds it; with Redis down, `idempotent' jobs run anyway: two
 * processes doing them at once repeat work but do no harm.
 */
static int
jobs_lease(struct be *be, const char *name, int ttl, int idempotent)
{
	struct verr	 e;
	int		 r;

	verr_init(&e);
	if ((r = rds_lease(be->rds, name, ttl, &e)) == -1)
		return idempotent;
	return r;
}

static void
jobs_views(struct be *be)
{
	int	 failed = svc_views_flush(be) == -1;

	if (failed)
		log_warnx("views: flush failed, will retry");
	jobs_count(JOBS_VIEWS, failed);
}

void
jobs_tick(struct be *be)
{
	static time_t	 last;

	if (jobs_due(&last, JOBS_VIEWS_EVERY))
		jobs_views(be);
}

struct replay {
	struct be	*be;
	int		 sent;
};

/* Publish one outbox entry, then forget it; -1 stops (order matters). */
static int
jobs_replay_one(const char *id, const char *subject, const char *msgid,
    const char *data, void *arg)
{
	struct replay	*rp = arg;
	struct verr	 e;

	verr_init(&e);
	if (mq_publish(rp->be->mq, subject, msgid, data, strlen(data),
	    &e) == -1)
		return -1;
	/*
	 * Deleted only after JetStream acknowledged it: should the delete
	 * fail, the next replay publishes it again and the stream drops the
	 * copy by its Nats-Msg-Id.
	 */
	verr_init(&e);
	if (db_outbox_delete(rp->be->db, id, &e) == -1) {
		log_warnx("outbox: %s published, not deleted: %s", msgid,
		    e.detail);
		return -1;
	}
	rp->sent++;
	return 0;
}

static void
jobs_outbox(struct be *be)
{
	struct replay	 rp = { be, 0 };
	struct verr	 e;

	/* Replayed twice, an event is dropped by its Nats-Msg-Id. */
	if (!mq_connected(be->mq) || !jobs_lease(be, "outbox", 60, 1))
		return;
	verr_init(&e);
	if (db_outbox_replay(be->db, JOBS_BATCH, jobs_replay_one, &rp,
	    &e) == -1) {
		log_warnx("outbox: replay failed: %s", e.detail);
		jobs_count(JOBS_OUTBOX, 1);
	} else
		jobs_count(JOBS_OUTBOX, 0);
	rds_unlease(be->rds, "outbox");
	if (rp.sent > 0)
		log_info("outbox: %d events published", rp.sent);
}

struct gc {
	struct be	*be;
	int		 n;
};

static void
jobs_story_gone(const struct story *s, void *arg)
{
	struct gc	*g = arg;
	struct verr	 e;

	verr_init(&e);
	/* The object first: a story left without one is retried. */
	if (s->media_key[0] != '\0' && svc_media_delete(g->be,
	    cfg_stories_bucket(g->be->cfg), s->media_key, &e) == -1) {
		log_warnx("stories: object %s not deleted: %s", s->media_key,
		    e.detail);
		return;
	}
	verr_init(&e);
	if (db_story_delete(g->be->db, s->id, &e) == -1)
		log_warnx("stories: %s not deleted: %s", s->id, e.detail);
	else
		g->n++;
}

static void
jobs_stories(struct be *be)
{
	struct gc	 g = { be, 0 };
	struct verr	 e;

	if (!jobs_lease(be, "stories", 120, 1))
		return;
	verr_init(&e);
	if (db_story_expired(be->db, json_now_ms(), JOBS_BATCH,
	    jobs_story_gone, &g, &e) == -1) {
		log_warnx("stories: expiry failed: %s", e.detail);
		jobs_count(JOBS_STORIES, 1);
	} else
		jobs_count(JOBS_STORIES, 0);
	rds_unlease(be->rds, "stories");
	if (g.n > 0)
		log_info("stories: %d expired stories deleted", g.n);
}

static void
jobs_recount(struct be *be)
{
	struct verr	 e;
	int64_t		 fixed;
	int		 r;

	verr_init(&e);
	if ((r = db_recount_take(be->db, &e)) != 1) {
		if (r == -1)
			log_warnx("recount: %s", e.detail);
		return;
	}
	log_info("recount: started");
	if (db_recount(be->db, &fixed, &e) == -1) {
		log_err("recount: failed: %s; run vybesctl recount again",
		    e.detail);
		jobs_count(JOBS_RECOUNT, 1);
		return;
	}
	jobs_count(JOBS_RECOUNT, 0);
	log_info("recount: done, %lld documents corrected", (long long)fixed);
}

/*
 * Purge the deleted accounts whose grace has passed.  Every step of a
 * purge may run twice, so the lease is short and Redis down runs it
 * anyway; one cut short by a crash is resumed at the next run.
 */
static void
jobs_purge(struct be *be)
{
	struct verr	 e;
	int		 n;

	if (!jobs_lease(be, "purge", 30, 1))
		return;
	verr_init(&e);
	if (svc_account_purge_due(be, &n, &e) == -1) {
		log_warnx("purge: failed, will retry: %s", e.detail[0] != '\0' ?
		    e.detail : e.msg);
		jobs_count(JOBS_PURGE, 1);
	} else
		jobs_count(JOBS_PURGE, 0);
	rds_unlease(be->rds, "purge");
	if (n > 0)
		log_info("purge: %d accounts purged", n);
}

static void
jobs_upload_gone(const struct upload_rec *u, void *arg)
{
	struct gc	*g = arg;
	struct verr	 e;

	verr_init(&e);
	/* The object first: a record left without one is retried. */
	if (st_delete(g->be->st, direct_bucket(g->be->cfg, u->purpose),
	    u->key, &e) == -1) {
		log_warnx("uploads: object %s not deleted: %s", u->key,
		    e.detail);
		return;
	}
	verr_init(&e);
	if (db_upload_delete(g->be->db, u->id, &e) == -1)
		log_warnx("uploads: %s not deleted: %s", u->id, e.detail);
	else if (!u->used)
		g->n++;
}

/*
 * Direct uploads whose URL expired (API.md 6.5): the object of one
 * never finalized, then the record, used or not.  A grace of a
 * fifteenth of the URL's lifetime, a minute by default, lets a PUT
 * that started just before the expiry end first.
 */
static void
jobs_uploads(struct be *be)
{
	struct gc	 g = { be, 0 };
	struct verr	 e;
	int64_t		 grace;

	if (!jobs_lease(be, "uploads", 120, 1))
		return;
	grace = be->cfg->upload_ttl / 15;
	if (grace > JOBS_UPLOADS_GRACE)
		grace = JOBS_UPLOADS_GRACE;
	verr_init(&e);
	if (db_upload_expired(be->db, json_now_ms() - grace * 1000,
	    JOBS_BATCH, jobs_upload_gone, &g, &e) == -1) {
		log_warnx("uploads: expiry failed: %s", e.detail);
		jobs_count(JOBS_UPLOADS, 1);
	} else
		jobs_count(JOBS_UPLOADS, 0);
	rds_unlease(be->rds, "uploads");
	if (g.n > 0)
		log_info("uploads: %d abandoned uploads deleted", g.n);
}

void
jobs_worker_tick(struct be *be)
{
	static time_t	 views, outbox, stories, recount, purge, uploads;

	if (jobs_due(&outbox, JOBS_OUTBOX_EVERY))
		jobs_outbox(be);
	if (jobs_due(&views, JOBS_VIEWS_EVERY))
		jobs_views(be);
	if (jobs_due(&stories, JOBS_STORIES_EVERY))
		jobs_stories(be);
	if (jobs_due(&recount, JOBS_RECOUNT_EVERY))
		jobs_recount(be);
	if (jobs_due(&purge, JOBS_PURGE_EVERY))
		jobs_purge(be);
	if (jobs_due(&uploads, JOBS_UPLOADS_EVERY))
		jobs_uploads(be);
}

/*
 * The media backstop (svc_media.c): posts and stories whose event path
 * is overdue.  A job done twice does no harm, so Redis down runs it
 * anyway; the lease outlasts a full batch of child time limits.  It runs
 * in the media process, which writes no metrics.
 */
void
jobs_media_tick(struct be *be)
{
	static time_t	 last;
	struct verr	 e;
	int		 n;

	if (!jobs_due(&last, JOBS_MEDIA_EVERY) ||
	    !jobs_lease(be, "media", 2 * JOBS_MEDIA_BATCH * 30, 1))
		return;
	verr_init(&e);
	if (svc_media_due(be, JOBS_MEDIA_BATCH, &n, &e) == -1)
		log_warnx("media: backstop failed, will retry: %s", e.detail);
	rds_unlease(be->rds, "media");
	if (n > 0)
		log_info("media: %d overdue posts and stories processed", n);
}

void
jobs_metrics(FILE *f)
{
	size_t	 i;

	fputs("# HELP vybes_job_runs_total Periodic job runs in this process "
	    "(lease taken).\n# TYPE vybes_job_runs_total counter\n", f);
	for (i = 0; i < JOBS__MAX; i++)
		fprintf(f, "vybes_job_runs_total{job=\"%s\"} %llu\n",
		    jobs_names[i], jobs_runs[i]);
	fputs("# HELP vybes_job_failures_total Periodic job runs that "
	    "failed.\n# TYPE vybes_job_failures_total counter\n", f);
	for (i = 0; i < JOBS__MAX; i++)
		fprintf(f, "vybes_job_failures_total{job=\"%s\"} %llu\n",
		    jobs_names[i], jobs_fails[i]);
}
