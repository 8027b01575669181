/*
 * Stories (API.md 3.5): create, the grouped feed, delete.  A story is
 * seen by its author and the author's followers until it expires; an
 * expired or unseen story answers 404 everywhere, as if it never was.
 * The feed costs three queries whatever its size: the caller's followees,
 * the live stories of those authors and the caller, and the authors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "be.h"
#include "cfg.h"
#include "db_follows.h"
#include "db_stories.h"
#include "db_users.h"
#include "direct.h"
#include "enc.h"
#include "ev.h"
#include "handlers.h"
#include "http.h"
#include "json.h"
#include "log.h"
#include "rl.h"
#include "svc_media.h"
#include "svc_rel.h"
#include "upload.h"
#include "verr.h"
#include "view.h"
#include "xmem.h"

/*
 * Followees whose stories the feed considers; their ids travel in one
 * $in, which must stay far below MongoDB's 16 MiB document limit.  A user
 * following more sees the stories of the most recently followed.
 */
#define STORY_FOLLOWEES_MAX	20000
#define STORY_GROUPS_MAX	100	/* groups in the feed (3.5.2) */
#define STORY_GROUP_STORIES	100	/* newest kept per group */
/*
 * Stories read for one feed, newest first: every group can be full.
 * Exact unless a user has more live stories than a group holds.
 */
#define STORY_FEED_SCAN		(STORY_GROUPS_MAX * STORY_GROUP_STORIES)

/* Story (2.7). */
static struct json_object *
story_view(const struct story *s)
{
	struct json_object	*o = json_object_new_object();
	char			 ts[32];

	json_object_object_add(o, "id", json_object_new_string(s->id));
	json_object_object_add(o, "userId", json_object_new_string(s->user_id));
	json_object_object_add(o, "mediaUrl",
	    json_object_new_string(s->media_url));
	json_object_object_add(o, "mediaType",
	    json_object_new_string(s->media_type));
	json_time(ts, s->created_ms);
	json_object_object_add(o, "createdAt", json_object_new_string(ts));
	json_time(ts, s->expires_ms);
	json_object_object_add(o, "expiresAt", json_object_new_string(ts));
	view_media(o, &s->media);
	return o;
}

/*
 * After story s was stored: the "story" event, for the worker's media
 * processing (svc_media.c; lost, its backstop job still finds it).
 */
static void
story_event(struct req *r, const struct story *s)
{
	struct json_object	*d = json_object_new_object();
	struct verr		 e;

	json_object_object_add(d, "storyId", json_object_new_string(s->id));
	json_object_object_add(d, "userId",
	    json_object_new_string(s->user_id));
	verr_init(&e);
	if (ev_emit(r->be, r->uid, r->rid, "story", d, &e) == -1)
		log_err("rid=%s event story for story %s lost: %s", r->rid,
		    s->id, e.detail);
	json_object_put(d);
}

int
h_stories_create(struct req *r, struct verr *e)
{
	struct upload	*u;
	struct story	*s;
	const char	*bucket = cfg_stories_bucket(r->cfg);
	char		 prefix[48];
	int		 rc = -1;

	u = xmalloc(sizeof(*u));
	s = xcalloc(1, sizeof(*s));
	u->form.fd = -1;
	u->stored = 0;
	u->direct = 0;
	/* A direct upload was counted by its POST /uploads. */
	if ((!direct_is(r) && rl_check(r, RL_STORY_USER, r->uid, 1, e) == -1) ||
	    upload_read(r, u, 1, e) == -1)
		goto out;
	snprintf(prefix, sizeof(prefix), "stories/%s/", r->uid);
	if (upload_store(r, u, bucket, prefix, cfg_stories_base_url(r->cfg),
	    e) == -1)
		goto out;
	memcpy(s->user_id, r->uid, sizeof(s->user_id));
	snprintf(s->media_url, sizeof(s->media_url), "%s", u->url);
	snprintf(s->media_type, sizeof(s->media_type), "%s", u->type.mime);
	snprintf(s->media_key, sizeof(s->media_key), "%s", u->key);
	s->created_ms = json_now_ms();
	s->expires_ms = s->created_ms + (int64_t)r->cfg->story_ttl * 1000;
	if (db_story_insert(r->be->db, s, e) == -1)
		goto out;
	story_event(r, s);
	http_json(r, 201, story_view(s));
	rc = 0;
out:
	/* Once inserted the story owns its object: no orphan either way. */
	upload_done(r, u, bucket, s->id[0] != '\0');
	free(u);
	free(s);
	return rc;
}

/* One author's stories, newest first while the feed is read. */
struct sgroup {
	char			 user_id[25];
	struct json_object	*stories;
	size_t			 n;
	struct user		*user;		/* NULL: not found */
};

struct sfeed {
	struct sgroup	 g[STORY_GROUPS_MAX];
	size_t		 n;
	struct user	*users;			/* one per group */
	size_t		 nusers;
};

/*
 * Stories arrive newest first, so groups are created in the order of
 * their newest story: the first STORY_GROUPS_MAX are the ones to show.
 */
static void
sfeed_story(const struct story *s, void *arg)
{
	struct sfeed	*f = arg;
	struct sgroup	*g;
	size_t		 i;

	for (i = 0; i < f->n; i++)
		if (strcmp(f->g[i].user_id, s->user_id) == 0)
			break;
	if (i == f->n) {
		if (f->n == STORY_GROUPS_MAX)
			return;
		g = &f->g[f->n++];
		memcpy(g->user_id, s->user_id, sizeof(g->user_id));
		g->stories = json_object_new_array();
		g->n = 0;
		g->user = NULL;
	} else
		g = &f->g[i];
	if (g->n == STORY_GROUP_STORIES)
		return;
	json_object_array_add(g->stories, story_view(s));
	g->n++;
}

static void
sfeed_user(const struct user *u, void *arg)
{
	struct sfeed	*f = arg;
	size_t		 i;

	for (i = 0; i < f->n; i++)
		if (f->g[i].user == NULL &&
		    strcmp(f->g[i].user_id, u->id) == 0) {
			f->users[f->nusers] = *u;
			f->g[i].user = &f->users[f->nusers++];
			return;
		}
}

/* Group g as a StoryGroup, its stories in playback order (oldest first). */
static struct json_object *
sfeed_group(const struct sgroup *g, const char *viewer)
{
	struct json_object	*o = json_object_new_object();
	struct json_object	*arr = json_object_new_array();
	size_t			 i;

	for (i = g->n; i > 0; i--)
		json_object_array_add(arr, json_object_get(
		    json_object_array_get_idx(g->stories, i - 1)));
	json_object_object_add(o, "user", view_user(g->user,
	    strcmp(g->user->id, viewer) == 0));
	json_object_object_add(o, "stories", arr);
	return o;
}

int
h_stories_feed(struct req *r, struct verr *e)
{
	struct sfeed		*f;
	struct json_object	*out;
	char			(*fol)[25] = NULL;
	const char		**authors = NULL;
	const char		*ids[STORY_GROUPS_MAX];
	size_t			 i, nfol, na;
	int			*hid = NULL, rc = -1;

	f = xcalloc(1, sizeof(*f));
	if (db_followees(r->be->db, r->uid, STORY_FOLLOWEES_MAX, &fol, &nfol,
	    e) == -1)
		goto out;
	authors = xcalloc(nfol + 1, sizeof(*authors));
	hid = xcalloc(nfol + 1, sizeof(*hid));
	for (i = 0; i < nfol; i++)
		authors[i] = fol[i];
	/* Muted followees, and any across a block, are left out (6.1). */
	if (svc_rel_any(r->be, r->uid, authors, nfol, REL_HIDDEN | REL_MUTING,
	    hid, e) == -1)
		goto out;
	authors[0] = r->uid;
	for (i = 0, na = 1; i < nfol; i++)
		if (!hid[i])
			authors[na++] = fol[i];
	if (db_story_feed(r->be->db, authors, na, json_now_ms(),
	    STORY_FEED_SCAN, sfeed_story, f, e) == -1)
		goto out;
	f->users = xcalloc(f->n > 0 ? f->n : 1, sizeof(*f->users));
	for (i = 0; i < f->n; i++)
		ids[i] = f->g[i].user_id;
	if (db_user_get_many(r->be->db, ids, f->n, sfeed_user, f, e) == -1)
		goto out;
	out = json_object_new_array();
	/* A group whose author was deleted meanwhile is left out. */
	for (i = 0; i < f->n; i++)
		if (f->g[i].user != NULL)
			json_object_array_add(out, sfeed_group(&f->g[i],
			    r->uid));
	http_json(r, 200, out);
	rc = 0;
out:
	for (i = 0; i < f->n; i++)
		json_object_put(f->g[i].stories);
	free(f->users);
	free(f);
	free(authors);
	free(hid);
	free(fol);
	return rc;
}

int
h_stories_delete(struct req *r, struct verr *e)
{
	struct story	*s;
	struct verr	 fe;
	const char	*id = router_param(&r->rm, "storyID");
	int		 rc = -1, ab, ba, gone;

	if (!enc_is_oid(id))
		return verr_field(e, "storyID", "storyID must be 24 "
		    "hexadecimal characters");
	s = xmalloc(sizeof(*s));
	verr_init(&fe);
	if (db_story_get(r->be->db, id, json_now_ms(), s, &fe) == -1) {
		if (fe.status == 404)
			verr_set(e, 404, "not_found", "Story not found");
		else
			*e = fe;
		goto out;
	}
	if (strcmp(s->user_id, r->uid) != 0) {
		/* Only a follower may learn that the story exists (1.7). */
		if (db_follow_state(r->be->db, r->uid, s->user_id, &ab, &ba,
		    e) == -1)
			goto out;
		if (!ab)
			verr_set(e, 404, "not_found", "Story not found");
		else
			verr_set(e, 403, "forbidden", "Only the author may "
			    "delete this story");
		goto out;
	}
	if ((gone = db_story_delete(r->be->db, s->id, e)) == -1)
		goto out;
	if (!gone) {
		verr_set(e, 404, "not_found", "Story not found");
		goto out;
	}
	verr_init(&fe);
	if (s->media_key[0] != '\0' && svc_media_delete(r->be,
	    cfg_stories_bucket(r->cfg), s->media_key, &fe) == -1)
		log_warnx("rid=%s story %s: media %s not deleted: %s", r->rid,
		    s->id, s->media_key, fe.detail);
	http_empty(r, 204);
	rc = 0;
out:
	free(s);
	return rc;
}
