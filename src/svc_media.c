/*
 * Media processing (API.md 6.4).  Design:
 *
 * - A post (original) or story is created with mediaStatus "processing"
 *   and mediaPending = createdAt + DB_MEDIA_GRACE_MS (db_media.c), so GET
 *   shows "processing" at once.  Its creation emits an event ("post",
 *   "story").
 * - vybes-worker's media process handles the event through a consumer
 *   of its own (worker.c), apart from the notifications and the
 *   fan-out, which so never wait for a decode; and a decode failure is
 *   an outcome, not an error, so it never makes the event retried.  The
 *   job: take the document (mediaPending moved to the end of this job's
 *   time limit), read the object, decode it in a sandboxed child
 *   (mproc.c: a fresh exec of vybes-worker with RLIMIT_AS, RLIMIT_CPU
 *   and a wall clock; mdec.c decodes), store the thumbnail at
 *   thumbs/<uuid>.jpg of the same bucket, and write "ready" with the
 *   fields, or "failed" when the child crashed, hung, ran out of memory
 *   or found no picture.  The event is acknowledged only after that
 *   write; a backend failure (storage, MongoDB, or a child that could
 *   not be started at all) redelivers it.
 * - The backstop job (jobs.c, in the media process, lease "media",
 *   every 5 s) takes the documents still processing whose mediaPending
 *   has passed: the event was lost or is late, or the worker doing it
 *   was killed.  A worker killed mid-job leaves mediaPending at most
 *   MEDIA_SECS + MEDIA_CLAIM_SLACK s ahead, so its document is ready
 *   well within the 60 s of API.md 6.4.  Doing a job twice (redelivery
 *   and backstop at once) writes the same thumbnail and fields twice:
 *   harmless.
 * - A document deleted while its job runs: the outcome finds nothing to
 *   update, and the thumbnail just stored is deleted again.
 * - Documents from before processing existed have no mediaStatus and
 *   are never processed: their media was accepted without it.  They
 *   render as "ready" without the other fields (view_media() in
 *   view.c), so the field is always present as 6.4 says and old clients
 *   see no change in meaning.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "be.h"
#include "buf.h"
#include "cfg.h"
#include "db_media.h"
#include "db_posts.h"
#include "db_stories.h"
#include "enc.h"
#include "json.h"
#include "log.h"
#include "mdec.h"
#include "mproc.h"
#include "st_s3.h"
#include "svc_cache.h"
#include "svc_media.h"
#include "verr.h"
#include "xmem.h"

#define MEDIA_SECS		20		/* a child's wall time */
#define MEDIA_MEM		(1024L << 20)	/* a child's RLIMIT_AS */
#define MEDIA_OUT_MAX		(16 << 20)	/* a child's answer */
#define MEDIA_OBJECT_MAX	(64 << 20)	/* above any upload */
#define MEDIA_CLAIM_SLACK	10		/* s after the child's limit */
#define MEDIA_SELF		"/proc/self/exe"

/* What one job works on: a post or a story, loaded. */
struct mjob {
	const char	*coll;		/* DB_MEDIA_POSTS, DB_MEDIA_STORIES */
	const char	*id;
	const char	*bucket;
	const char	*base;		/* public base URL of the bucket */
	char		 key[160];	/* the media object */
	char		 kind[8];	/* image, video */
};

int
svc_media_thumb_key(const char *key, char *out, size_t sz)
{
	const char	*b, *dot;
	int		 n;

	b = strrchr(key, '/');
	b = b == NULL ? key : b + 1;
	if ((dot = strrchr(b, '.')) == NULL || dot == b)
		return -1;
	n = snprintf(out, sz, "thumbs/%.*s.jpg", (int)(dot - b), b);
	return n < 0 || (size_t)n >= sz ? -1 : 0;
}

int
svc_media_delete(struct be *be, const char *bucket, const char *key,
    struct verr *e)
{
	char	 thumb[192];

	if (st_delete(be->st, bucket, key, e) == -1)
		return -1;
	if (svc_media_thumb_key(key, thumb, sizeof(thumb)) == 0 &&
	    st_delete(be->st, bucket, thumb, e) == -1)
		return -1;
	return 0;
}

/*
 * Load the job of document id: 1 to process, 0 when there is nothing to
 * do (gone, expired, a repost, not processing), -1.
 */
static int
media_load(struct be *be, const char *coll, const char *id, struct mjob *j,
    struct verr *e)
{
	struct post	*p;
	struct story	*s;
	struct verr	 fe;
	int		 rc;

	memset(j, 0, sizeof(*j));
	j->coll = coll;
	j->id = id;
	verr_init(&fe);
	if (strcmp(coll, DB_MEDIA_POSTS) == 0) {
		p = xmalloc(sizeof(*p));
		rc = db_post_get(be->db, id, p, &fe) == -1 ? -1 :
		    strcmp(p->media.status, "processing") == 0 &&
		    p->media_key[0] != '\0';
		if (rc == 1) {
			snprintf(j->key, sizeof(j->key), "%s", p->media_key);
			snprintf(j->kind, sizeof(j->kind), "%s", p->type);
		}
		j->bucket = cfg_posts_bucket(be->cfg);
		j->base = cfg_posts_base_url(be->cfg);
		free(p);
	} else {
		s = xmalloc(sizeof(*s));
		rc = db_story_get(be->db, id, json_now_ms(), s, &fe) == -1 ?
		    -1 : strcmp(s->media.status, "processing") == 0 &&
		    s->media_key[0] != '\0';
		if (rc == 1) {
			snprintf(j->key, sizeof(j->key), "%s", s->media_key);
			snprintf(j->kind, sizeof(j->kind), "%s",
			    strncmp(s->media_type, "video/", 6) == 0 ?
			    "video" : "image");
		}
		j->bucket = cfg_stories_bucket(be->cfg);
		j->base = cfg_stories_base_url(be->cfg);
		free(s);
	}
	if (rc == -1 && fe.status == 404)
		return 0;
	if (rc == -1)
		*e = fe;
	return rc;
}

/*
 * Decode the object in the child.  1 with r (pointing into out) when it
 * decoded, 0 when it does not decode (why says how), -1 when the job
 * cannot run now (storage, no child).
 */
static int
media_decode(struct be *be, const struct mjob *j, struct buf *out,
    struct mproc_res *r, char *why, size_t whysz, struct verr *e)
{
	struct mproc_lim lim = { MEDIA_SECS, MEDIA_MEM, MEDIA_OUT_MAX };
	struct verr	 ge;
	char		 size[16];
	char		*argv[5];
	uint64_t	 len;
	FILE		*f;
	int		 rc;

	/* Streamed to a file: a 50 MiB video is never in the worker's heap. */
	if ((f = tmpfile()) == NULL)
		return verr_internal(e, "media: temporary file: %s",
		    strerror(errno));
	verr_init(&ge);
	if (st_get_fd(be->st, j->bucket, j->key, fileno(f), MEDIA_OBJECT_MAX,
	    &len, &ge) == -1) {
		fclose(f);
		if (ge.status != 404) {
			*e = ge;
			return -1;
		}
		snprintf(why, whysz, "object %s is missing", j->key);
		return 0;
	}
	if (lseek(fileno(f), 0, SEEK_SET) == -1) {
		fclose(f);
		return verr_internal(e, "media: temporary file: %s",
		    strerror(errno));
	}
	snprintf(size, sizeof(size), "%d", be->cfg->thumbnail_size);
	/*
	 * This very program, even once an upgrade replaced its file: the
	 * child always speaks the parent's answer format.
	 */
	argv[0] = MEDIA_SELF;
	argv[1] = MDEC_OPTION;
	argv[2] = (char *)j->kind;
	argv[3] = size;
	argv[4] = NULL;
	rc = mproc_run(argv, fileno(f), &lim, out, why, whysz);
	fclose(f);
	if (rc == -1)
		return verr_internal(e, "media: child: %s", why);
	if (rc == 1)
		return 0;
	if (mproc_parse(out->b_data, out->b_len, r) == -1) {
		snprintf(why, whysz, "malformed answer");
		return 0;
	}
	return 1;
}

/*
 * Run job j (taken): its outcome stored, 0; -1 when it must be tried
 * again.
 */
static int
media_job(struct be *be, const struct mjob *j, struct verr *e)
{
	struct media_info	 m;
	struct mproc_res	 r;
	struct buf		 out;
	struct verr		 de;
	char			 why[256];
	size_t			 blen = strlen(j->base);
	int			 rc = -1, put = 0, d;

	memset(&m, 0, sizeof(m));
	buf_init(&out, MEDIA_OUT_MAX);
	if ((d = media_decode(be, j, &out, &r, why, sizeof(why), e)) == -1)
		goto out;
	if (d == 0) {
		log_warnx("media: %s %s (%s) failed: %s", j->coll, j->id,
		    j->key, why);
		snprintf(m.status, sizeof(m.status), "failed");
	} else {
		if (svc_media_thumb_key(j->key, m.thumb_key,
		    sizeof(m.thumb_key)) == -1) {
			verr_internal(e, "media: no thumbnail key for %s",
			    j->key);
			goto out;
		}
		if (st_put(be->st, j->bucket, m.thumb_key, r.jpeg, r.jpeg_len,
		    "image/jpeg", e) == -1)
			goto out;
		put = 1;
		while (blen > 0 && j->base[blen - 1] == '/')
			blen--;
		snprintf(m.thumb_url, sizeof(m.thumb_url), "%.*s/%s",
		    (int)blen, j->base, m.thumb_key);
		snprintf(m.status, sizeof(m.status), "ready");
		m.width = r.width;
		m.height = r.height;
		m.duration_ms = r.duration_ms > 0 ? r.duration_ms : 0;
		snprintf(m.blurhash, sizeof(m.blurhash), "%s", r.blurhash);
	}
	if ((d = db_media_set(be->db, j->coll, j->id, &m, e)) == -1)
		goto out;
	if (d == 0 && put) {
		/* Deleted meanwhile: its thumbnail must not outlive it. */
		verr_init(&de);
		if (st_delete(be->st, j->bucket, m.thumb_key, &de) == -1)
			log_warnx("media: thumbnail %s of deleted %s left: %s",
			    m.thumb_key, j->id, de.detail);
	}
	if (strcmp(j->coll, DB_MEDIA_POSTS) == 0)
		svc_post_changed(be, j->id);
	if (d == 1 && strcmp(m.status, "ready") == 0)
		log_info("media: %s %s ready: %lldx%lld", j->coll, j->id,
		    (long long)m.width, (long long)m.height);
	rc = 0;
out:
	buf_free(&out);
	return rc;
}

/*
 * Process document id of coll: taken first (with `due', only if its
 * mediaPending passed).  0 done or nothing to do, -1.
 */
static int
media_run(struct be *be, const char *coll, const char *id, int due,
    struct verr *e)
{
	struct mjob	 j;
	int64_t		 now = json_now_ms();
	int		 r;

	if ((r = media_load(be, coll, id, &j, e)) <= 0)
		return r;
	if ((r = db_media_claim(be->db, coll, id, now, now +
	    (int64_t)(MEDIA_SECS + MEDIA_CLAIM_SLACK) * 1000, due, e)) <= 0)
		return r;
	return media_job(be, &j, e);
}

/* String member `k' of o, or "" when absent. */
static const char *
media_str(struct json_object *o, const char *k)
{
	struct json_object	*v;

	if (o != NULL && json_object_object_get_ex(o, k, &v) &&
	    json_object_is_type(v, json_type_string))
		return json_object_get_string(v);
	return "";
}

int
svc_media_event(struct be *be, const char *data, size_t len,
    struct verr *e)
{
	struct json_object	*env = NULL, *d = NULL;
	const char		*type, *coll, *id;
	int			 rc = 1;

	if (json_parse_object(data, len, &env, e) == -1)
		return -1;
	json_object_object_get_ex(env, "data", &d);
	type = media_str(env, "type");
	if (strcmp(type, "post") == 0) {
		coll = DB_MEDIA_POSTS;
		id = media_str(d, "postId");
	} else if (strcmp(type, "story") == 0) {
		coll = DB_MEDIA_STORIES;
		id = media_str(d, "storyId");
	} else
		goto out;
	if (!enc_is_oid(id))
		rc = verr_set(e, 400, "bad_request", "malformed %s event",
		    type);
	else
		rc = media_run(be, coll, id, 0, e);
out:
	json_object_put(env);
	return rc;
}

struct due {
	struct be	*be;
	const char	*coll;
	int		 n;
};

static void
media_due_one(const char *id, void *arg)
{
	struct due	*d = arg;
	struct verr	 e;

	verr_init(&e);
	if (media_run(d->be, d->coll, id, 1, &e) == -1)
		log_warnx("media: %s %s: will retry: %s", d->coll, id,
		    e.detail[0] != '\0' ? e.detail : e.msg);
	else
		d->n++;
}

int
svc_media_due(struct be *be, size_t limit, int *n, struct verr *e)
{
	struct due	 d = { be, DB_MEDIA_POSTS, 0 };
	int64_t		 now = json_now_ms();

	*n = 0;
	if (db_media_due(be->db, DB_MEDIA_POSTS, now, limit, media_due_one,
	    &d, e) == -1)
		return -1;
	d.coll = DB_MEDIA_STORIES;
	if (db_media_due(be->db, DB_MEDIA_STORIES, now, limit, media_due_one,
	    &d, e) == -1)
		return -1;
	*n = d.n;
	return 0;
}
