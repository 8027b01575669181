/*
 * Posts, reposts, views, comments, likes and bookmarks (API.md 3.3).
 * Anything sent to a repost's id applies to its original (3.3.0); every
 * read path answers 404 for a post the caller may not see (1.7).
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/sha.h>

#include "auth.h"
#include "be.h"
#include "cfg.h"
#include "db_posts.h"
#include "db_users.h"
#include "direct.h"
#include "enc.h"
#include "ev.h"
#include "handlers.h"
#include "http.h"
#include "json.h"
#include "log.h"
#include "page.h"
#include "rl.h"
#include "st_s3.h"
#include "svc_cache.h"
#include "svc_post.h"
#include "svc_rel.h"
#include "svc_timeline.h"
#include "svc_user.h"
#include "svc_views.h"
#include "upload.h"
#include "valid.h"
#include "verr.h"
#include "xmem.h"

#define POSTS_MAX_PAGE	100

/* The :postID of the route, loaded and visible, and its original. */
static int
post_and_original(struct req *r, struct post *p, struct post *o,
    struct verr *e)
{
	if (svc_post_load(r->be, r->uid, router_param(&r->rm, "postID"),
	    "postID", p, e) == -1)
		return -1;
	if (p->original_id[0] == '\0') {
		*o = *p;
		return 0;
	}
	/* Reposts are public; their original is public too (3.3.0). */
	return svc_post_load(r->be, r->uid, p->original_id, "postID", o, e);
}

/* Emit an event about post o; a failure is logged, not returned. */
static void
post_event(struct req *r, const char *type, const struct post *o,
    const char *extra_key, const char *extra_val)
{
	struct json_object	*d = json_object_new_object();
	struct verr		 e;

	json_object_object_add(d, "postId", json_object_new_string(o->id));
	json_object_object_add(d, "postAuthorId",
	    json_object_new_string(o->user_id));
	if (extra_key != NULL)
		json_object_object_add(d, extra_key,
		    json_object_new_string(extra_val));
	verr_init(&e);
	if (ev_emit(r->be, r->uid, r->rid, type, d, &e) == -1)
		log_err("rid=%s event %s for post %s lost: %s", r->rid, type,
		    o->id, e.detail);
	json_object_put(d);
}

/*
 * After p (an original or a repost) was created: its author's timeline
 * at once, the followers' through the worker's fan-out.
 */
static void
post_created_json(struct req *r, const struct post *p)
{
	svc_tl_posted(r->be, p);
	post_event(r, "post", p, NULL, NULL);
}

/* Answer one post as a Post object. */
static int
post_json(struct req *r, int status, struct post *p, struct verr *e)
{
	struct json_object	*arr, *one;

	if ((arr = svc_posts_render(r->be, r->uid, &p, 1, 0, e)) == NULL)
		return -1;
	one = json_object_get(json_object_array_get_idx(arr, 0));
	json_object_put(arr);
	http_json(r, status, one);
	return 0;
}

int
h_posts_get(struct req *r, struct verr *e)
{
	struct post	*p;
	int		 rc = -1;

	p = xmalloc(sizeof(*p));
	if (svc_post_load(r->be, r->uid, router_param(&r->rm, "postID"),
	    "postID", p, e) == 0)
		rc = post_json(r, 200, p, e);
	free(p);
	return rc;
}

int
h_posts_delete(struct req *r, struct verr *e)
{
	struct post	*p;
	int		 rc = -1;

	p = xmalloc(sizeof(*p));
	if (svc_post_load(r->be, r->uid, router_param(&r->rm, "postID"),
	    "postID", p, e) == -1)
		goto out;
	if (strcmp(p->user_id, r->uid) != 0) {
		verr_set(e, 403, "forbidden", "Only the author may delete "
		    "this post");
		goto out;
	}
	if (svc_post_remove(r->be, p, e) == -1)
		goto out;
	http_empty(r, 204);
	rc = 0;
out:
	free(p);
	return rc;
}

/*
 * The id of user's repost of original: derived from both, so that two
 * concurrent reposts collide on the _id index and only one is created.
 */
static void
repost_id(const char *user, const char *original, char out[25])
{
	unsigned char	 d[SHA256_DIGEST_LENGTH];
	char		 buf[64];

	snprintf(buf, sizeof(buf), "repost:%s:%s", user, original);
	SHA256((const unsigned char *)buf, strlen(buf), d);
	enc_hex(d, 12, out);
}

int
h_posts_repost(struct req *r, struct verr *e)
{
	struct post	*p, *o, *rp;
	int		 rc = -1, found;

	p = xmalloc(3 * sizeof(*p));
	o = p + 1;
	rp = p + 2;
	if (post_and_original(r, p, o, e) == -1)
		goto out;
	if (o->vis != VIS_PUBLIC) {
		verr_set(e, 403, "forbidden", "Only public posts can be "
		    "reposted");
		goto out;
	}
	if ((found = db_repost_find(r->be->db, r->uid, o->id, rp, e)) == -1)
		goto out;
	if (found) {
		rc = post_json(r, 200, rp, e);
		goto out;
	}
	memset(rp, 0, sizeof(*rp));
	repost_id(r->uid, o->id, rp->id);
	memcpy(rp->user_id, r->uid, sizeof(rp->user_id));
	memcpy(rp->original_id, o->id, sizeof(rp->original_id));
	rp->vis = VIS_PUBLIC;
	rp->created_ms = json_now_ms();
	/* A concurrent second repost hits the same id: answer the winner. */
	if (db_post_insert(r->be->db, rp, e) == -1) {
		if (e->status == 409 && db_repost_find(r->be->db, r->uid,
		    o->id, rp, e) == 1) {
			verr_init(e);
			rc = post_json(r, 200, rp, e);
		}
		goto out;
	}
	if (db_user_add_posts(r->be->db, r->uid, 1, e) == -1 ||
	    db_post_add_reposts(r->be->db, o->id, 1, e) == -1)
		goto out;
	svc_post_changed(r->be, o->id);
	svc_mark_changed(r->be, r->uid, MARK_REPOST);
	post_created_json(r, rp);
	if (strcmp(o->user_id, r->uid) != 0)
		post_event(r, "repost", o, "repostId", rp->id);
	rc = post_json(r, 201, rp, e);
out:
	free(p);
	return rc;
}

/*
 * A page of a user's posts being read (page_fill()): the posts the
 * reader may see so far, and what the store is asked for.
 */
struct plist {
	struct req	 *r;
	const char	 *uid;
	int		  reposts;
	unsigned	  vismask;
	struct post	**items;
	size_t		  n, cap;
};

static void
plist_add(const struct post *p, void *arg)
{
	struct plist	*l = arg;

	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 16;
		l->items = xreallocarray(l->items, l->cap, sizeof(*l->items));
	}
	l->items[l->n] = xmalloc(sizeof(*p));
	*l->items[l->n++] = *p;
}

/*
 * page_fill()'s read: the posts at dp, keeping those the reader may see
 * (posts across a block, reposts of such posts, the gone's: API.md 6.1).
 */
static int
plist_read(void *arg, const struct db_page *dp, struct page_pos *last,
    struct verr *e)
{
	struct plist	*l = arg;
	size_t		 from = l->n, i, k;
	int		*ok, rc = -1;

	if (db_post_list_user(l->r->be->db, l->uid, l->reposts, l->vismask,
	    dp, plist_add, l, e) == -1)
		return -1;
	if (l->n > from) {
		last->key = l->items[l->n - 1]->sort_key;
		memcpy(last->id, l->items[l->n - 1]->id, sizeof(last->id));
	}
	ok = xcalloc(l->n - from + 1, sizeof(*ok));
	if (svc_posts_visible(l->r->be, l->r->uid, l->items + from,
	    l->n - from, ok, e) == -1)
		goto out;
	rc = (int)(l->n - from);
	for (i = k = from; i < l->n; i++)
		if (ok[i - from])
			l->items[k++] = l->items[i];
		else
			free(l->items[i]);
	l->n = k;
out:
	free(ok);
	return rc;
}

static size_t
plist_kept(void *arg)
{
	return ((struct plist *)arg)->n;
}

static void
plist_pos(void *arg, size_t i, struct page_pos *p)
{
	struct plist	*l = arg;

	p->key = l->items[i]->sort_key;
	memcpy(p->id, l->items[i]->id, sizeof(p->id));
}

static const struct page_src plist_src = { plist_read, plist_kept,
    plist_pos };

/* Posts of user `uid' with visibilities in vismask; reposts as in db. */
static int
user_post_list(struct req *r, const char *uid, int reposts,
    unsigned vismask, const char *scope, struct verr *e)
{
	struct json_object	*arr;
	struct page		 pg;
	struct page_pos		 next;
	struct plist		 l;
	size_t			 i;
	int			 n, more, rc = -1;

	if (page_parse(r, scope, 20, POSTS_MAX_PAGE, &pg, e) == -1)
		return -1;
	memset(&l, 0, sizeof(l));
	l.r = r;
	l.uid = uid;
	l.reposts = reposts;
	l.vismask = vismask;
	if ((n = page_fill(&pg, &plist_src, &l, &more, &next, e)) == -1 ||
	    (arr = svc_posts_render(r->be, r->uid, l.items, (size_t)n, 0,
	    e)) == NULL)
		goto out;
	http_json(r, 200, arr);
	if (more)
		page_next(r, scope, next.key, next.id);
	rc = 0;
out:
	for (i = 0; i < l.n; i++)
		free(l.items[i]);
	free(l.items);
	return rc;
}

int
h_posts_reposts_of_user(struct req *r, struct verr *e)
{
	struct user	 u;
	struct verr	 fe;
	const char	*who = router_param(&r->rm, "userID");
	char		 un[VALID_USERNAME_MAX + 1];
	char		 scope[48];

	/* An id first, else a username; neither is 404, never 400. */
	verr_init(&fe);
	if (!enc_is_oid(who) || db_user_by_id(r->be->db, who, &u, &fe) == -1) {
		if (fe.status != 0 && fe.status != 404) {
			*e = fe;
			return -1;
		}
		if (valid_username_lookup(who, un) == -1)
			return verr_set(e, 404, "not_found", "User not found");
		if (db_user_by_username(r->be->db, un, &u, e) == -1)
			return -1;
	}
	if (svc_user_seen(r->be, r->uid, &u, e) == -1)
		return -1;
	snprintf(scope, sizeof(scope), "reposts:%s", u.id);
	return user_post_list(r, u.id, 1, 1u << VIS_PUBLIC, scope, e);
}

int
h_posts_of_user(struct req *r, struct verr *e)
{
	struct user	 u;
	const char	*name = router_param(&r->rm, "username");
	char		 scope[48];
	const char	*id = u.id;
	unsigned	 mask = 1u << VIS_PUBLIC;
	int		 rel;

	if (svc_user_named(r->be, r->uid, name, &u, e) == -1)
		return -1;
	if (strcmp(u.id, r->uid) == 0)
		mask = (1u << VIS__MAX) - 1;
	else {
		if (svc_rel_get(r->be, r->uid, &id, 1, &rel, e) == -1)
			return -1;
		if ((rel & REL_MUTUAL) == REL_MUTUAL)
			mask |= 1u << VIS_FRIENDS;
	}
	snprintf(scope, sizeof(scope), "posts:%s", u.id);
	return user_post_list(r, u.id, -1, mask, scope, e);
}

int
h_posts_view(struct req *r, struct verr *e)
{
	struct post	*p, *o;
	struct verr	 ae;
	const char	*id = router_param(&r->rm, "postID");
	char		 ip[64];

	if (!enc_is_oid(id))
		return verr_field(e, "postID", "postID must be 24 hexadecimal "
		    "characters");
	/* A valid token names the viewer; anything else is anonymous. */
	verr_init(&ae);
	if (http_getparam(r, "HTTP_AUTHORIZATION") != NULL &&
	    auth_request(r, &ae) == -1) {
		r->uid[0] = '\0';
		r->sid[0] = '\0';
	}
	p = xmalloc(2 * sizeof(*p));
	o = p + 1;
	verr_init(&ae);
	/* Whatever happens here, the answer is 204: it reveals nothing. */
	if (svc_post_load(r->be, r->uid[0] != '\0' ? r->uid : NULL, id,
	    "postID", p, &ae) == 0 &&
	    (p->original_id[0] == '\0' ? (*o = *p, 0) :
	    svc_post_load(r->be, r->uid[0] != '\0' ? r->uid : NULL,
	    p->original_id, "postID", o, &ae)) == 0 &&
	    strcmp(o->user_id, r->uid) != 0) {
		http_client_ip(r, ip, sizeof(ip));
		svc_views_count(r->be, r->uid, r->rid, ip,
		    http_getparam(r, "HTTP_USER_AGENT"), o);
	}
	else if (ae.status >= 500)
		log_warnx("rid=%s view of %s not counted: %s", r->rid, id,
		    ae.detail);
	free(p);
	http_empty(r, 204);
	return 0;
}

/* The comments of a post as their reader sees them (page_vals_fill()). */
struct creader {
	struct req	*r;
	const char	*post;
};

static void
creader_add(const struct comment *c, void *arg)
{
	page_vals_add(arg, c);
}

static int
creader_list(void *arg, const struct db_page *dp, struct page_vals *v,
    struct verr *e)
{
	struct creader	*cr = arg;

	return db_comment_list(cr->r->be->db, cr->post, dp, creader_add, v, e);
}

/* Comments across a block are left out (API.md 6.1). */
static int
creader_keep(void *arg, void *items, size_t n, struct verr *e)
{
	struct creader	*cr = arg;

	return svc_rel_keep(cr->r->be, cr->r->uid, items, n,
	    sizeof(struct comment), offsetof(struct comment, user_id),
	    REL_HIDDEN, e);
}

/* Comment (2.6) with its author from s. */
static struct json_object *
comment_json(const struct comment *c, const struct sums *s)
{
	struct json_object	*o = json_object_new_object();
	char			 ts[32];

	json_object_object_add(o, "id", json_object_new_string(c->id));
	json_object_object_add(o, "userId", json_object_new_string(c->user_id));
	json_object_object_add(o, "postId", json_object_new_string(c->post_id));
	json_object_object_add(o, "text", json_object_new_string(c->text));
	json_time(ts, c->created_ms);
	json_object_object_add(o, "createdAt", json_object_new_string(ts));
	json_object_object_add(o, "author", svc_sum_json(s, c->user_id));
	return o;
}

/* Render n comments with their authors (one query) into a JSON array. */
static struct json_object *
comments_json(struct req *r, const struct comment *c, size_t n,
    struct verr *e)
{
	struct json_object	*arr = NULL;
	struct sums		 s = { NULL, 0 };
	const char		**ids;
	size_t			 i;

	ids = xcalloc(n + 1, sizeof(*ids));
	for (i = 0; i < n; i++)
		ids[i] = c[i].user_id;
	if (svc_sums_load(r->be, ids, n, &s, e) == 0) {
		arr = json_object_new_array();
		for (i = 0; i < n; i++)
			json_object_array_add(arr, comment_json(&c[i], &s));
	}
	svc_sums_free(&s);
	free(ids);
	return arr;
}

int
h_posts_comments(struct req *r, struct verr *e)
{
	struct post		*p;
	struct page		 pg;
	struct page_pos		 next;
	struct creader		 cr = { r, NULL };
	struct page_vals	 v = { NULL, 0, 0, sizeof(struct comment),
	    offsetof(struct comment, created_ms), offsetof(struct comment, id),
	    creader_list, creader_keep, &cr };
	struct json_object	*arr;
	char			 scope[48];
	int			 n, more, rc = -1;

	p = xmalloc(2 * sizeof(*p));
	if (post_and_original(r, p, p + 1, e) == -1)
		goto out;
	snprintf(scope, sizeof(scope), "comments:%s", p[1].id);
	if (page_parse(r, scope, 20, POSTS_MAX_PAGE, &pg, e) == -1)
		goto out;
	cr.post = p[1].id;
	if ((n = page_vals_fill(&pg, &v, &more, &next, e)) == -1 ||
	    (arr = comments_json(r, (struct comment *)(void *)v.items,
	    (size_t)n, e)) == NULL)
		goto out;
	http_json(r, 200, arr);
	if (more)
		page_next(r, scope, next.key, next.id);
	rc = 0;
out:
	free(v.items);
	free(p);
	return rc;
}

int
h_posts_comment_create(struct req *r, struct verr *e)
{
	struct json_object	*b = NULL, *arr;
	struct post		*p;
	struct comment		*c;
	const char		*text, *s;
	size_t			 n;
	int			 rc = -1;

	p = xmalloc(2 * sizeof(*p));
	c = xcalloc(1, sizeof(*c));
	if (rl_check(r, RL_COMMENT_USER, r->uid, 1, e) == -1)
		goto out;
	if (!enc_is_oid(router_param(&r->rm, "postID"))) {
		verr_field(e, "postID", "postID must be 24 hexadecimal "
		    "characters");
		goto out;
	}
	if (http_json_body(r, &b, e) == -1 ||
	    json_get_str(b, "text", 1, &text, e) == -1)
		goto out;
	n = valid_utf8_str(text);
	for (s = text; *s == ' ' || *s == '\t' || *s == '\n' || *s == '\r';
	    s++)
		;
	if (n < 1 || n > 1000 || *s == '\0' || strlen(text) >= sizeof(c->text)) {
		verr_field(e, "text", "text must be 1 to 1000 characters, not "
		    "all blank");
		goto out;
	}
	if (post_and_original(r, p, p + 1, e) == -1)
		goto out;
	memcpy(c->user_id, r->uid, sizeof(c->user_id));
	memcpy(c->post_id, p[1].id, sizeof(c->post_id));
	snprintf(c->text, sizeof(c->text), "%s", text);
	c->created_ms = json_now_ms();
	if (db_comment_insert(r->be->db, c, e) == -1)
		goto out;
	svc_post_changed(r->be, c->post_id);
	if ((arr = comments_json(r, c, 1, e)) == NULL)
		goto out;
	if (strcmp(p[1].user_id, r->uid) != 0)
		post_event(r, "comment", &p[1], "commentId", c->id);
	http_json(r, 201, json_object_get(json_object_array_get_idx(arr, 0)));
	json_object_put(arr);
	rc = 0;
out:
	json_object_put(b);
	free(c);
	free(p);
	return rc;
}

int
h_posts_comment_delete(struct req *r, struct verr *e)
{
	struct comment	*c;
	struct post	*p;
	const char	*id = router_param(&r->rm, "commentID");
	int		 rc = -1;

	c = xmalloc(sizeof(*c));
	p = xmalloc(sizeof(*p));
	if (!enc_is_oid(id)) {
		verr_field(e, "commentID", "commentID must be 24 hexadecimal "
		    "characters");
		goto out;
	}
	if (db_comment_get(r->be->db, id, c, e) == -1)
		goto out;
	/* A comment on a post the caller cannot see does not exist. */
	if (svc_post_load(r->be, r->uid, c->post_id, "commentID", p, e) == -1)
		goto out;
	if (strcmp(c->user_id, r->uid) != 0 &&
	    strcmp(p->user_id, r->uid) != 0) {
		verr_set(e, 403, "forbidden", "Only the comment's or the "
		    "post's author may delete it");
		goto out;
	}
	if (svc_comment_remove(r->be, c, p->user_id, e) == -1)
		goto out;
	http_empty(r, 204);
	rc = 0;
out:
	free(c);
	free(p);
	return rc;
}

/* The answer of like/unlike (3.3.10, 3.3.11). */
static void
like_json(struct req *r, int liked, int64_t count, int with_count)
{
	struct json_object	*o = json_object_new_object();

	json_object_object_add(o, "message", json_object_new_string(liked ?
	    "Post liked successfully" : "Post unliked successfully"));
	json_object_object_add(o, "liked", json_object_new_boolean(liked));
	if (with_count)
		json_object_object_add(o, "likeCount",
		    json_object_new_int64(count));
	http_json(r, 200, o);
}

/* Caches after the caller liked or unliked original o. */
static void
post_liked(struct req *r, const struct post *o)
{
	svc_post_changed(r->be, o->id);
	svc_mark_changed(r->be, r->uid, MARK_LIKE);
}

int
h_posts_like(struct req *r, struct verr *e)
{
	struct post	*p;
	int64_t		 count;
	int		 changed, rc = -1;

	p = xmalloc(2 * sizeof(*p));
	if (post_and_original(r, p, p + 1, e) == -1 ||
	    db_like_set(r->be->db, &p[1], r->uid, 1, &changed, &count, e) == -1)
		goto out;
	if (changed)
		post_liked(r, &p[1]);
	if (changed && strcmp(p[1].user_id, r->uid) != 0)
		post_event(r, "like", &p[1], NULL, NULL);
	like_json(r, 1, count, 1);
	rc = 0;
out:
	free(p);
	return rc;
}

int
h_posts_unlike(struct req *r, struct verr *e)
{
	struct post	*p;
	struct verr	 le;
	const char	*id = router_param(&r->rm, "postID");
	int64_t		 count = 0;
	int		 changed, rc = -1;

	if (!enc_is_oid(id))
		return verr_field(e, "postID", "postID must be 24 hexadecimal "
		    "characters");
	p = xmalloc(2 * sizeof(*p));
	/* Idempotent: a missing or invisible post still answers 200. */
	verr_init(&le);
	if (post_and_original(r, p, p + 1, &le) == -1) {
		if (le.status == 404) {
			like_json(r, 0, 0, 0);
			rc = 0;
		} else
			*e = le;
		goto out;
	}
	if (db_like_set(r->be->db, &p[1], r->uid, 0, &changed, &count, e) == -1)
		goto out;
	if (changed)
		post_liked(r, &p[1]);
	like_json(r, 0, count, 1);
	rc = 0;
out:
	free(p);
	return rc;
}

static void
bookmark_json(struct req *r, int on)
{
	struct json_object	*o = json_object_new_object();

	json_object_object_add(o, "message", json_object_new_string(on ?
	    "Post bookmarked successfully" : "Bookmark removed successfully"));
	json_object_object_add(o, "bookmarked", json_object_new_boolean(on));
	http_json(r, 200, o);
}

int
h_posts_bookmark(struct req *r, struct verr *e)
{
	struct post	*p;
	int		 rc = -1;

	p = xmalloc(2 * sizeof(*p));
	if (post_and_original(r, p, p + 1, e) == 0 &&
	    db_bookmark_set(r->be->db, p[1].id, r->uid, 1, e) == 0) {
		svc_mark_changed(r->be, r->uid, MARK_BOOKMARK);
		bookmark_json(r, 1);
		rc = 0;
	}
	free(p);
	return rc;
}

int
h_posts_unbookmark(struct req *r, struct verr *e)
{
	struct post	*p;
	struct verr	 le;
	const char	*id = router_param(&r->rm, "postID");
	const char	*target = id;
	int		 rc = -1;

	if (!enc_is_oid(id))
		return verr_field(e, "postID", "postID must be 24 hexadecimal "
		    "characters");
	p = xmalloc(sizeof(*p));
	/* A repost's bookmark lives on its original, if it still exists. */
	verr_init(&le);
	if (svc_post_get(r->be, id, p, &le) == 0 &&
	    p->original_id[0] != '\0')
		target = p->original_id;
	else if (le.status >= 500) {
		*e = le;
		goto out;
	}
	if (db_bookmark_set(r->be->db, target, r->uid, 0, e) == -1)
		goto out;
	svc_mark_changed(r->be, r->uid, MARK_BOOKMARK);
	bookmark_json(r, 0);
	rc = 0;
out:
	free(p);
	return rc;
}

struct bmlist {
	const char	**ids;		/* bookmarked post ids, newest first */
	int64_t		 *at;		/* their bookmark times */
	char		(*bid)[25];	/* their bookmark ids (page position) */
	struct post	**posts;	/* the posts, aligned with ids */
	size_t		  n, limit, seen;
};

static void
bm_add(const char *post, int64_t at, const char *bid, void *arg)
{
	struct bmlist	*b = arg;

	if (b->seen++ >= b->limit)
		return;
	b->ids[b->n] = xstrdup(post);
	b->at[b->n] = at;
	memcpy(b->bid[b->n], bid, 25);
	b->n++;
}

int
h_posts_bookmarks(struct req *r, struct verr *e)
{
	struct json_object	*arr;
	struct page		 pg;
	struct db_page		 dp;
	struct bmlist		 b;
	struct post		**vis = NULL;
	int			*ok = NULL;
	size_t			 i, nv = 0;
	int			 rc = -1;

	memset(&b, 0, sizeof(b));
	if (page_parse(r, "bookmarks", 20, POSTS_MAX_PAGE, &pg, e) == -1)
		return -1;
	b.limit = pg.limit;
	b.ids = xcalloc(pg.limit + 1, sizeof(*b.ids));
	b.at = xcalloc(pg.limit + 1, sizeof(*b.at));
	b.bid = xcalloc(pg.limit + 1, sizeof(*b.bid));
	b.posts = xcalloc(pg.limit + 1, sizeof(*b.posts));
	vis = xcalloc(pg.limit + 1, sizeof(*vis));
	ok = xcalloc(pg.limit + 1, sizeof(*ok));
	page_to_db(&pg, &dp);
	if (db_bookmark_list(r->be->db, r->uid, &dp, bm_add, &b, e) == -1 ||
	    svc_posts_get(r->be, b.ids, b.n, b.posts, e) == -1 ||
	    svc_posts_visible(r->be, r->uid, b.posts, b.n, ok, e) == -1)
		goto out;
	/*
	 * Deleted posts and posts no longer visible are left out, so a page
	 * may be short while more follow (the exception of API.md 3.3.14).
	 */
	for (i = 0; i < b.n; i++)
		if (ok[i]) {
			b.posts[i]->sort_key = b.at[i];
			vis[nv++] = b.posts[i];
		}
	if ((arr = svc_posts_render(r->be, r->uid, vis, nv, 1, e)) == NULL)
		goto out;
	http_json(r, 200, arr);
	if (b.seen > b.limit && b.n > 0)
		page_next(r, "bookmarks", b.at[b.n - 1], b.bid[b.n - 1]);
	rc = 0;
out:
	for (i = 0; i < b.n; i++) {
		free((char *)b.ids[i]);
		free(b.posts[i]);
	}
	free(b.ids);
	free(b.at);
	free(b.bid);
	free(b.posts);
	free(vis);
	free(ok);
	return rc;
}

int
h_posts_create(struct req *r, struct verr *e)
{
	struct upload	*u;
	struct post	*p;
	const char	*bucket = cfg_posts_bucket(r->cfg);
	int		 rc = -1, vis = VIS_PUBLIC;

	u = xmalloc(sizeof(*u));
	p = xcalloc(1, sizeof(*p));
	u->form.fd = -1;
	u->stored = 0;
	u->direct = 0;
	/* A direct upload was counted by its POST /uploads. */
	if ((!direct_is(r) && rl_check(r, RL_POST_USER, r->uid, 1, e) == -1) ||
	    upload_read(r, u, 0, e) == -1)
		goto out;
	if (u->form.has_visibility &&
	    (vis = post_vis_parse(u->form.visibility)) == -1) {
		verr_field(e, "visibility", "visibility must be public, "
		    "friends or private");
		goto out;
	}
	if (upload_store(r, u, bucket, "posts/", cfg_posts_base_url(r->cfg),
	    e) == -1)
		goto out;
	memcpy(p->user_id, r->uid, sizeof(p->user_id));
	snprintf(p->caption, sizeof(p->caption), "%s", u->form.caption);
	snprintf(p->content_url, sizeof(p->content_url), "%s", u->url);
	snprintf(p->type, sizeof(p->type), "%s", u->type.kind);
	snprintf(p->media_key, sizeof(p->media_key), "%s", u->key);
	p->vis = (enum post_vis)vis;
	p->created_ms = json_now_ms();
	if (db_post_insert(r->be->db, p, e) == -1 ||
	    db_user_add_posts(r->be->db, r->uid, 1, e) == -1)
		goto out;
	post_created_json(r, p);
	rc = post_json(r, 201, p, e);
out:
	/* The post exists once inserted: keep its media even if rendering
	 * failed, or a reader would find a post without its object. */
	upload_done(r, u, bucket, p->id[0] != '\0');
	free(u);
	free(p);
	return rc;
}
