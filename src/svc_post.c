/*
 * Post visibility and rendering.  A page of n posts costs three lookups
 * whatever n is, each answered by Redis when cached (svc_cache.h,
 * svc_rel.h): originals of the reposts, author summaries, and the
 * caller's likes, bookmarks and reposts among them; MongoDB is reached
 * by _id for what is not cached.
 */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "be.h"
#include "cfg.h"
#include "db_posts.h"
#include "db_users.h"
#include "enc.h"
#include "json.h"
#include "log.h"
#include "svc_cache.h"
#include "svc_media.h"
#include "svc_post.h"
#include "svc_rel.h"
#include "svc_user.h"
#include "verr.h"
#include "view.h"
#include "vis.h"
#include "xmem.h"

int
svc_post_visible(struct be *be, const char *viewer, const struct post *p,
    struct verr *e)
{
	struct post *const	 one[1] = { (struct post *)p };
	int			 ok;

	if (svc_posts_visible(be, viewer, one, 1, &ok, e) == -1)
		return -1;
	return ok;
}

int
svc_posts_orig_hidden(struct be *be, const char *viewer,
    struct post *const *posts, size_t n, int *hidden, struct verr *e)
{
	const char	**ask, **authors;
	struct post	**orig;
	size_t		*at, i, k, na = 0, nb = 0;
	int		*rel, rc = -1;

	memset(hidden, 0, n * sizeof(*hidden));
	ask = xcalloc(n + 1, sizeof(*ask));
	authors = xcalloc(n + 1, sizeof(*authors));
	orig = xcalloc(n + 1, sizeof(*orig));
	at = xcalloc(n + 1, sizeof(*at));
	rel = xcalloc(n + 1, sizeof(*rel));
	for (i = 0; i < n; i++)
		if (posts[i] != NULL && posts[i]->original_id[0] != '\0') {
			at[na] = i;
			ask[na++] = posts[i]->original_id;
		}
	if (na > 0 && svc_posts_get(be, ask, na, orig, e) == -1)
		goto out;
	for (k = 0; k < na; k++)
		if (orig[k] != NULL)
			authors[nb++] = orig[k]->user_id;
	if (svc_rel_get(be, viewer, authors, nb, rel, e) == -1)
		goto out;
	for (k = nb = 0; k < na; k++)
		if (orig[k] != NULL) {
			hidden[at[k]] = (viewer == NULL ||
			    strcmp(viewer, orig[k]->user_id) != 0) &&
			    (rel[nb] & REL_HIDDEN);
			nb++;
		}
	rc = 0;
out:
	for (k = 0; k < na; k++)
		free(orig[k]);
	free(orig);
	free(ask);
	free(authors);
	free(at);
	free(rel);
	return rc;
}

int
svc_posts_visible(struct be *be, const char *viewer,
    struct post *const *posts, size_t n, int *ok, struct verr *e)
{
	const char	**ask;
	int		*rel, *oh;
	size_t		 i, na = 0;
	int		 rc = 0;

	ask = xcalloc(n + 1, sizeof(*ask));
	rel = xcalloc(n + 1, sizeof(*rel));
	oh = xcalloc(n + 1, sizeof(*oh));
	/*
	 * Others' posts need the relationship (mutual, blocked), and so do
	 * all posts for an anonymous viewer (their authors may be gone).
	 */
	for (i = 0; i < n; i++)
		if (posts[i] != NULL && (viewer == NULL ||
		    strcmp(viewer, posts[i]->user_id) != 0))
			ask[na++] = posts[i]->user_id;
	if (na > 0)
		rc = svc_rel_get(be, viewer, ask, na, rel, e);
	if (rc == 0)
		rc = svc_posts_orig_hidden(be, viewer, posts, n, oh, e);
	for (i = na = 0; i < n && rc == 0; i++) {
		ok[i] = 0;
		if (posts[i] == NULL)
			continue;
		if (viewer == NULL || strcmp(viewer, posts[i]->user_id) != 0)
			ok[i] = vis_post(viewer, posts[i], rel[na++]);
		else
			ok[i] = vis_post(viewer, posts[i], 0);
		ok[i] = ok[i] && !oh[i];
	}
	free(ask);
	free(rel);
	free(oh);
	return rc;
}

int
svc_post_load(struct be *be, const char *viewer, const char *id,
    const char *field, struct post *p, struct verr *e)
{
	struct verr	 fe;
	int		 v;

	if (!enc_is_oid(id))
		return verr_field(e, field, "%s must be 24 hexadecimal "
		    "characters", field);
	verr_init(&fe);
	if (svc_post_get(be, id, p, &fe) == -1) {
		*e = fe;
		return -1;
	}
	if ((v = svc_post_visible(be, viewer, p, e)) == -1)
		return -1;
	if (v == 0)
		return verr_set(e, 404, "not_found", "Post not found");
	return 0;
}

/*
 * Delete the media object of original p and its thumbnail; a failure is
 * logged only.
 */
static void
post_media_gone(struct be *be, const struct post *p)
{
	struct verr	 e;

	if (p->media_key[0] == '\0')
		return;
	verr_init(&e);
	if (svc_media_delete(be, cfg_posts_bucket(be->cfg), p->media_key,
	    &e) == -1)
		log_warnx("post %s: media %s not deleted: %s", p->id,
		    p->media_key, e.detail);
}

/*
 * Caches after post id (a repost of `orig', or an original when orig is
 * "") by `user' was deleted (API.md 1.8): the post, and for a repost its
 * original's counter, the reposter's mark and the original author's
 * unread count (the repost notification went with it).
 */
static void
post_gone(struct be *be, const char *id, const char *orig, const char *user)
{
	struct post	*o;
	struct verr	 e;

	svc_post_changed(be, id);
	if (orig[0] == '\0')
		return;
	svc_post_changed(be, orig);
	svc_mark_changed(be, user, MARK_REPOST);
	o = xmalloc(sizeof(*o));
	verr_init(&e);
	if (svc_post_get(be, orig, o, &e) == 0)
		svc_unread_changed(be, o->user_id);
	free(o);
}

struct cascade {
	struct be	*be;
	const char	*orig;
};

/* db_post_cascade() removed repost id of user. */
static void
repost_gone(const char *id, const char *user, void *arg)
{
	struct cascade	*c = arg;

	post_gone(c->be, id, c->orig, user);
}

int
svc_post_remove(struct be *be, const struct post *p, struct verr *e)
{
	struct cascade	 c;
	int		 gone;

	if ((gone = db_post_delete(be->db, p, e)) == -1)
		return -1;
	if (gone)
		post_gone(be, p->id, p->original_id, p->user_id);
	if (gone && p->original_id[0] == '\0') {
		c.be = be;
		c.orig = p->id;
		if (db_post_cascade(be->db, p, repost_gone, &c, e) == -1)
			return -1;
		svc_unread_changed(be, p->user_id);
		post_media_gone(be, p);
	}
	return gone;
}

int
svc_comment_remove(struct be *be, const struct comment *c,
    const char *post_author, struct verr *e)
{
	int	 gone;

	if ((gone = db_comment_delete(be->db, c, e)) == -1)
		return -1;
	svc_post_changed(be, c->post_id);
	svc_unread_changed(be, post_author);
	return gone;
}

struct render {
	struct post		**orig;		/* per item, or NULL */
	size_t			  n;
	struct sums		  users;
};

static void
render_time(struct json_object *o, const char *k, int64_t ms)
{
	char	 ts[32];

	json_time(ts, ms);
	json_object_object_add(o, k, json_object_new_string(ts));
}

static int64_t
nonneg(int64_t v)
{
	return v < 0 ? 0 : v;
}

/* One Post object: p itself, its original o (or p), and the marks. */
static struct json_object *
render_one(const struct render *rd, const struct post *p,
    const struct post *o, int liked, int bm, int rp, int bookmarked)
{
	struct json_object	*j = json_object_new_object();
	int			 repost = o != p;

	json_object_object_add(j, "id", json_object_new_string(p->id));
	json_object_object_add(j, "userId", json_object_new_string(p->user_id));
	json_object_object_add(j, "contentId", json_object_new_string(o->id));
	if (o->caption[0] != '\0')
		json_object_object_add(j, "caption",
		    json_object_new_string(o->caption));
	json_object_object_add(j, "contentUrl",
	    json_object_new_string(o->content_url));
	json_object_object_add(j, "type", json_object_new_string(o->type));
	view_media(j, &o->media);
	if (repost)
		json_object_object_add(j, "originalPostId",
		    json_object_new_string(o->id));
	json_object_object_add(j, "likeCount",
	    json_object_new_int64(nonneg(o->like_count)));
	json_object_object_add(j, "commentCount",
	    json_object_new_int64(nonneg(o->comment_count)));
	json_object_object_add(j, "repostCount",
	    json_object_new_int64(nonneg(o->repost_count)));
	json_object_object_add(j, "viewCount",
	    json_object_new_int64(nonneg(o->view_count)));
	json_object_object_add(j, "visibility",
	    json_object_new_string(post_vis_name(repost ? VIS_PUBLIC : p->vis)));
	render_time(j, "createdAt", p->created_ms);
	render_time(j, "updatedAt", p->created_ms);
	json_object_object_add(j, "author", svc_sum_json(&rd->users, p->user_id));
	if (repost)
		json_object_object_add(j, "originalAuthor",
		    svc_sum_json(&rd->users, o->user_id));
	json_object_object_add(j, "likedByMe", json_object_new_boolean(liked));
	json_object_object_add(j, "bookmarkedByMe",
	    json_object_new_boolean(bm));
	json_object_object_add(j, "repostedByMe", json_object_new_boolean(rp));
	if (bookmarked)
		render_time(j, "bookmarkedAt", p->sort_key);
	return j;
}

struct json_object *
svc_posts_render(struct be *be, const char *viewer, struct post *const *posts,
    size_t n, int bookmarked, struct verr *e)
{
	struct render		 rd;
	struct json_object	*arr = NULL;
	const struct post	*o;
	struct post		**got = NULL;
	const char		**uids = NULL, **eff = NULL;
	int			*liked = NULL, *bm = NULL, *rp = NULL;
	size_t			 i, nu = 0;

	memset(&rd, 0, sizeof(rd));
	rd.n = n;
	if (n == 0)
		return json_object_new_array();
	rd.orig = xcalloc(n, sizeof(*rd.orig));
	got = xcalloc(n, sizeof(*got));
	uids = xcalloc(2 * n, sizeof(*uids));
	eff = xcalloc(n, sizeof(*eff));
	liked = xcalloc(n, sizeof(int));
	bm = xcalloc(n, sizeof(int));
	rp = xcalloc(n, sizeof(int));
	/* Only the reposts' originals are fetched (eff is scratch here). */
	for (i = 0; i < n; i++)
		if (posts[i]->original_id[0] != '\0')
			eff[nu++] = posts[i]->original_id;
	if (svc_posts_get(be, eff, nu, got, e) == -1)
		goto out;
	for (i = nu = 0; i < n; i++)
		if (posts[i]->original_id[0] != '\0')
			rd.orig[i] = got[nu++];
	nu = 0;
	for (i = 0; i < n; i++) {
		o = rd.orig[i] != NULL ? rd.orig[i] : posts[i];
		eff[i] = o->id;
		uids[nu++] = posts[i]->user_id;
		if (o != posts[i])
			uids[nu++] = o->user_id;
	}
	if (svc_sums_load(be, uids, nu, &rd.users, e) == -1 ||
	    svc_marks_get(be, viewer, eff, n, liked, bm, rp, e) == -1)
		goto out;
	arr = json_object_new_array();
	for (i = 0; i < n; i++) {
		o = rd.orig[i] != NULL ? rd.orig[i] : posts[i];
		json_object_array_add(arr, render_one(&rd, posts[i], o,
		    liked[i], bm[i], rp[i], bookmarked));
	}
out:
	for (i = 0; i < n; i++)
		free(rd.orig[i]);
	free(rd.orig);
	free(got);
	svc_sums_free(&rd.users);
	free(uids);
	free(eff);
	free(liked);
	free(bm);
	free(rp);
	return arr;
}
