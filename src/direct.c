/*
 * Direct uploads, API.md 6.5: the finalization (POST /uploads is
 * h_uploads.c).  It claims the upload atomically (db_uploads.c), so of
 * two concurrent finalizations one wins and the other is told the
 * upload is used; it then reads only the object's size (HEAD) and first
 * bytes (ranged GET) before deciding, and only an acceptable object is
 * copied whole, streamed from storage into a temporary file: metadata
 * removal (strip.c) needs every byte and the final object is the
 * cleaned copy, never the client's.  A failure after the claim gives it
 * back (direct_done()), so an upload refused for a passing reason, or
 * before its object arrived, can be finalized again.
 *
 * What the copy costs: the object crosses the network twice more than
 * the client's bytes alone would (storage to API, API to storage) and
 * the disk twice (strip.c's two temporary files), and the API process
 * is held meanwhile.  tests/bench/upload measures it for 10 MiB against
 * the multipart way: with the local S3 server, the direct way holds a
 * vybes-api worker 1.3 to 2.3 times as long (the extra GET) for
 * 1.1 to 1.3 times the CPU.  It is not cheaper in API time here because
 * the web server already buffers a multipart body whole before the API
 * reads it (fastcgi_request_buffering), so a slow client never holds a
 * FastCGI process either way; what the direct way saves is the web
 * tier's share (the body through nginx and its temporary file) and the
 * client's bytes going through the API's host at all, and the client
 * can upload to storage's nearest edge.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "be.h"
#include "cfg.h"
#include "db_uploads.h"
#include "direct.h"
#include "http.h"
#include "json.h"
#include "log.h"
#include "media.h"
#include "st_s3.h"
#include "upload.h"
#include "verr.h"

const char *
direct_bucket(const struct cfg *c, const char *purpose)
{
	return strcmp(purpose, "story") == 0 ? cfg_stories_bucket(c) :
	    cfg_posts_bucket(c);
}

int
direct_is(struct req *r)
{
	const char	*ct = http_getparam(r, "CONTENT_TYPE");
	size_t		 n = strlen("application/json");

	return ct != NULL && strncasecmp(ct, "application/json", n) == 0 &&
	    (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

/* The caption and visibility fields of a post's JSON body, into u. */
static int
direct_fields(struct json_object *o, struct upload *u, struct verr *e)
{
	const char	*s;
	int		 n;

	if ((n = json_get_str(o, "caption", 0, &s, e)) == -1)
		return -1;
	if (n == 1) {
		if (strlen(s) > MP_CAPTION_MAX)
			return verr_field(e, "caption", "caption longer than "
			    "%d characters", MP_CAPTION_CHARS);
		if (mp_caption_check(s, strlen(s), e) == -1)
			return -1;
		u->form.has_caption = 1;
		u->form.caption_len = strlen(s);
		memcpy(u->form.caption, s, u->form.caption_len + 1);
	}
	if ((n = json_get_str(o, "visibility", 0, &s, e)) == -1)
		return -1;
	if (n == 1) {
		if (strlen(s) > MP_VISIBILITY_MAX)
			return verr_field(e, "visibility", "visibility must "
			    "be public, friends or private");
		u->form.has_visibility = 1;
		snprintf(u->form.visibility, sizeof(u->form.visibility), "%s",
		    s);
	}
	return 0;
}

static int
direct_bad_id(struct verr *e, const char *why)
{
	return verr_field(e, "uploadId", "uploadId %s", why);
}

/* The claimed upload's object, checked, into u's media file. */
static int
direct_fetch(struct req *r, struct upload *u, struct verr *e)
{
	const char	*bucket = direct_bucket(r->cfg, u->rec.purpose);
	void		*head = NULL;
	size_t		 hlen;
	uint64_t	 got;
	off_t		 size;

	if (st_head(r->be->st, bucket, u->rec.key, &size, e) == -1) {
		if (e->status == 404) {
			verr_init(e);
			return direct_bad_id(e, "was never uploaded");
		}
		return -1;
	}
	if (size > (off_t)UPLOAD_MEDIA_MAX)
		return verr_set(e, 413, "payload_too_large", "Media larger "
		    "than 50 MiB");
	if (size == 0)
		return direct_bad_id(e, "names an empty file");
	if (st_get_head(r->be->st, bucket, u->rec.key, MP_HEAD_MAX, &head,
	    &hlen, e) == -1)
		return -1;
	u->form.head_len = hlen;
	memcpy(u->form.head, head, hlen);
	free(head);
	if (media_detect(u->form.head, u->form.head_len, &u->type) == -1)
		return upload_refuse_type(e);
	if ((u->form.fd = mp_tmpfile(e)) == -1)
		return -1;
	if (st_get_fd(r->be->st, bucket, u->rec.key, u->form.fd,
	    UPLOAD_MEDIA_MAX, &got, e) == -1)
		return -1;
	u->form.media_len = (size_t)got;
	return 0;
}

int
direct_read(struct req *r, struct upload *u, int media_only, struct verr *e)
{
	struct json_object	*o = NULL;
	const char		*id;
	int			 rc = -1, n;

	if (http_json_body(r, &o, e) == -1 ||
	    json_get_str(o, "uploadId", 1, &id, e) == -1 ||
	    (!media_only && direct_fields(o, u, e) == -1))
		goto out;
	if ((n = db_upload_claim(r->be->db, id, r->uid, media_only ? "story" :
	    "post", json_now_ms(), &u->rec, e)) == -1)
		goto out;
	if (n == 0) {
		direct_bad_id(e, "is unknown, expired or already used");
		goto out;
	}
	u->direct = 1;
	rc = direct_fetch(r, u, e);
out:
	json_object_put(o);
	return rc;
}

void
direct_done(struct req *r, struct upload *u, int keep)
{
	struct verr	 e;

	if (!u->direct)
		return;
	verr_init(&e);
	if (keep) {
		/* Left behind, the expiry job deletes it later. */
		if (st_delete(r->be->st, direct_bucket(r->cfg, u->rec.purpose),
		    u->rec.key, &e) == -1)
			log_warnx("rid=%s upload object %s not deleted: %s",
			    r->rid, u->rec.key, e.detail);
	} else if (db_upload_unclaim(r->be->db, u->rec.id, &e) == -1)
		log_warnx("rid=%s upload %s stays claimed: %s", r->rid,
		    u->rec.id, e.detail);
}
