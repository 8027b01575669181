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
#include "db_posts.h"
#include "db_users.h"
#include "enc.h"
#include "json.h"
#include "svc_cache.h"
#include "svc_post.h"
#include "svc_rel.h"
#include "svc_user.h"
#include "verr.h"
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
svc_posts_visible(struct be *be, const char *viewer,
    struct post *const *posts, size_t n, int *ok, struct verr *e)
{
	const char	**ask;
	int		*rel;
	size_t		 i, na = 0;
	int		 rc = 0;

	ask = xcalloc(n + 1, sizeof(*ask));
	rel = xcalloc(n + 1, sizeof(*rel));
	/* Only friends posts of others need the relationship. */
	for (i = 0; i < n; i++)
		if (viewer != NULL && posts[i] != NULL &&
		    posts[i]->vis == VIS_FRIENDS &&
		    strcmp(viewer, posts[i]->user_id) != 0)
			ask[na++] = posts[i]->user_id;
	if (na > 0)
		rc = svc_rel_get(be, viewer, ask, na, rel, e);
	for (i = na = 0; i < n && rc == 0; i++) {
		ok[i] = 0;
		if (posts[i] == NULL)
			continue;
		if (viewer != NULL && posts[i]->vis == VIS_FRIENDS &&
		    strcmp(viewer, posts[i]->user_id) != 0)
			ok[i] = vis_post(viewer, posts[i], rel[na++]);
		else
			ok[i] = vis_post(viewer, posts[i], 0);
	}
	free(ask);
	free(rel);
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
