/*
 * The posts store.  Likes and bookmarks are documents under unique
 * indexes (userId+postId+reactionType, userId+postId): the index decides
 * which of two concurrent requests creates the relation, and only that
 * one moves the counters, so likeCount and totalLikeCount stay exact
 * without transactions (which the MongoDB-compatible test server lacks).
 * Field names are the reference's (API.md Appendix B); a repost has
 * originalPostId and no media of its own.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "db_internal.h"
#include "db_posts.h"
#include "json.h"
#include "verr.h"
#include "xmem.h"

static const char *const vis_names[VIS__MAX] = {
	"public", "friends", "private"
};

const char *
post_vis_name(enum post_vis v)
{
	return vis_names[v];
}

int
post_vis_parse(const char *s)
{
	int	 i;

	for (i = 0; i < VIS__MAX; i++)
		if (strcasecmp(s, vis_names[i]) == 0)
			return i;
	return -1;
}

static void
db_post_from_bson(const bson_t *doc, struct post *p)
{
	char	 vis[16];
	int	 v;

	memset(p, 0, sizeof(*p));
	db_oidstr(doc, "_id", p->id);
	db_oidstr(doc, "userId", p->user_id);
	db_oidstr(doc, "originalPostId", p->original_id);
	db_get_str(doc, "caption", p->caption, sizeof(p->caption));
	db_get_str(doc, "contentUrl", p->content_url, sizeof(p->content_url));
	db_get_str(doc, "type", p->type, sizeof(p->type));
	db_get_str(doc, "mediaKey", p->media_key, sizeof(p->media_key));
	db_get_str(doc, "visibility", vis, sizeof(vis));
	v = post_vis_parse(vis);
	/* Unknown visibility is treated as the most restrictive. */
	p->vis = v == -1 ? VIS_PRIVATE : (enum post_vis)v;
	p->like_count = db_get_int(doc, "likeCount");
	p->comment_count = db_get_int(doc, "commentCount");
	p->repost_count = db_get_int(doc, "repostCount");
	p->view_count = db_get_int(doc, "viewCount");
	p->created_ms = db_get_int(doc, "createdAt");
	p->sort_key = p->created_ms;
	db_media_read(doc, &p->media);
}

/* Index: users _id. */
int
db_user_add_posts(struct db *db, const char *user, int64_t n, struct verr *e)
{
	return db_inc(db, "users", user, "postCount", n, e);
}

/* Index: posts _id. */
int
db_post_add_reposts(struct db *db, const char *id, int64_t n, struct verr *e)
{
	return db_inc(db, "posts", id, "repostCount", n, e);
}

/* Index: posts _id. */
int
db_post_add_views(struct db *db, const char *id, int64_t n, struct verr *e)
{
	return db_inc(db, "posts", id, "viewCount", n, e);
}

int
db_post_insert(struct db *db, struct post *p, struct verr *e)
{
	mongoc_collection_t	*c;
	bson_t			 doc = BSON_INITIALIZER;
	bson_oid_t		 oid, uid, orig;
	bson_error_t		 be;
	int			 rc = -1;

	if (db_parse_oid(p->user_id, &uid, e) == -1 ||
	    (p->original_id[0] != '\0' &&
	    db_parse_oid(p->original_id, &orig, e) == -1) ||
	    (c = db_coll(db, "posts", e)) == NULL) {
		bson_destroy(&doc);
		return -1;
	}
	if (p->id[0] != '\0')
		bson_oid_init_from_string(&oid, p->id);
	else
		bson_oid_init(&oid, NULL);
	BSON_APPEND_OID(&doc, "_id", &oid);
	BSON_APPEND_OID(&doc, "userId", &uid);
	BSON_APPEND_OID(&doc, "contentId", p->original_id[0] != '\0' ?
	    &orig : &oid);
	if (p->original_id[0] != '\0')
		BSON_APPEND_OID(&doc, "originalPostId", &orig);
	BSON_APPEND_UTF8(&doc, "caption", p->caption);
	BSON_APPEND_UTF8(&doc, "contentUrl", p->content_url);
	BSON_APPEND_UTF8(&doc, "type", p->type);
	if (p->media_key[0] != '\0') {
		BSON_APPEND_UTF8(&doc, "mediaKey", p->media_key);
		db_media_insert(&doc, p->created_ms);
		snprintf(p->media.status, sizeof(p->media.status),
		    "processing");
	}
	BSON_APPEND_UTF8(&doc, "visibility", vis_names[p->vis]);
	BSON_APPEND_INT64(&doc, "likeCount", 0);
	BSON_APPEND_INT64(&doc, "commentCount", 0);
	BSON_APPEND_INT64(&doc, "repostCount", 0);
	BSON_APPEND_INT64(&doc, "viewCount", 0);
	BSON_APPEND_DATE_TIME(&doc, "createdAt", p->created_ms);
	BSON_APPEND_DATE_TIME(&doc, "updatedAt", p->created_ms);
	if (!mongoc_collection_insert_one(c, &doc, NULL, NULL, &be)) {
		if (be.code == DB_DUPKEY)
			verr_set(e, 409, "conflict", "Post already exists");
		else
			db_fail(db, "insert posts", &be, e);
	} else {
		bson_oid_to_string(&oid, p->id);
		rc = 0;
	}
	mongoc_collection_destroy(c);
	bson_destroy(&doc);
	return rc;
}

static void
db_post_conv(const bson_t *doc, void *out)
{
	db_post_from_bson(doc, out);
}

/* Index: posts _id. */
int
db_post_get(struct db *db, const char *id, struct post *p, struct verr *e)
{
	return db_find_id(db, "posts", id, db_post_conv, p, e);
}

/* Index: posts {originalPostId: 1, userId: 1}. */
int
db_repost_find(struct db *db, const char *user, const char *original,
    struct post *p, struct verr *e)
{
	bson_t		 q = BSON_INITIALIZER;
	bson_oid_t	 uid, oid;
	struct verr	 fe;
	int		 rc = -1;

	if (db_parse_oid(user, &uid, e) == -1 ||
	    db_parse_oid(original, &oid, e) == -1)
		goto out;
	BSON_APPEND_OID(&q, "userId", &uid);
	BSON_APPEND_OID(&q, "originalPostId", &oid);
	verr_init(&fe);
	if ((rc = db_find_one(db, "posts", &q, db_post_conv, p, &fe)) == 0)
		rc = 1;
	else if (fe.status == 404)
		rc = 0;
	else
		*e = fe;
out:
	bson_destroy(&q);
	return rc;
}

/*
 * Index: posts _id; users _id and posts _id (counters); notifications
 *     {postId: 1, actorId: 1} (the repost's notification; type checked on
 *     the way).
 */
int
db_post_delete(struct db *db, const struct post *p, struct verr *e)
{
	bson_t		 q = BSON_INITIALIZER;
	int		 rc;

	if ((rc = db_delete_id(db, "posts", p->id, e)) == -1)
		goto out;
	if (rc == 1 && (db_user_add_posts(db, p->user_id, -1, e) == -1 ||
	    (p->original_id[0] != '\0' && db_inc(db, "posts", p->original_id,
	    "repostCount", -1, e) == -1)))
		rc = -1;
	/* A repost takes the notification it caused with it (3.3.3). */
	if (rc == 1 && p->original_id[0] != '\0') {
		BSON_APPEND_UTF8(&q, "type", "repost");
		if (db_q_oid(&q, "actorId", p->user_id, e) == -1 ||
		    db_q_oid(&q, "postId", p->original_id, e) == -1 ||
		    db_delete(db, "notifications", &q, 1, NULL, e) == -1)
			rc = -1;
	}
out:
	bson_destroy(&q);
	return rc;
}

/*
 * Index: posts {originalPostId: 1, userId: 1} (find and delete the reposts);
 *     comments {postId: 1, createdAt: -1, _id: -1}, reactions {postId: 1},
 *     bookmarks {postId: 1}, notifications {postId: 1, actorId: 1} (deletes
 *     by postId); users _id.
 */
int
db_post_cascade(struct db *db, const struct post *p,
    void (*gone)(const char *, const char *, void *), void *arg,
    struct verr *e)
{
	mongoc_collection_t	*c = NULL;
	mongoc_cursor_t		*cur = NULL;
	const bson_t		*doc;
	bson_t			 q = BSON_INITIALIZER;
	bson_error_t		 be;
	char			(*rp)[2][25] = NULL;
	size_t			 nrp = 0, cap = 0, i;
	int			 rc = -1;

	/* Each repost goes with its author's postCount. */
	if (db_q_oid(&q, "originalPostId", p->id, e) == -1 ||
	    (c = db_coll(db, "posts", e)) == NULL)
		goto out;
	cur = mongoc_collection_find_with_opts(c, &q, NULL, NULL);
	while (mongoc_cursor_next(cur, &doc)) {
		if (nrp == cap) {
			cap = cap ? 2 * cap : 16;
			rp = xreallocarray(rp, cap, sizeof(*rp));
		}
		db_oidstr(doc, "_id", rp[nrp][0]);
		db_oidstr(doc, "userId", rp[nrp][1]);
		if (rp[nrp][1][0] != '\0' &&
		    db_user_add_posts(db, rp[nrp][1], -1, e) == -1)
			goto out;
		nrp++;
	}
	if (mongoc_cursor_error(cur, &be)) {
		db_fail(db, "find reposts", &be, e);
		goto out;
	}
	if (db_delete(db, "posts", &q, 1, NULL, e) == -1)
		goto out;
	bson_reinit(&q);
	if (db_q_oid(&q, "postId", p->id, e) == -1 ||
	    db_delete(db, "comments", &q, 1, NULL, e) == -1 ||
	    db_delete(db, "reactions", &q, 1, NULL, e) == -1 ||
	    db_delete(db, "bookmarks", &q, 1, NULL, e) == -1 ||
	    db_delete(db, "notifications", &q, 1, NULL, e) == -1)
		goto out;
	if (p->like_count > 0 && db_inc(db, "users", p->user_id,
	    "totalLikeCount", -p->like_count, e) == -1)
		goto out;
	rc = 0;
out:
	/* Told only once they are gone, so no reader caches them again. */
	for (i = 0; i < nrp; i++)
		gone(rp[i][0], rp[i][1], arg);
	free(rp);
	mongoc_cursor_destroy(cur);
	mongoc_collection_destroy(c);
	bson_destroy(&q);
	return rc;
}

/*
 * Index: reactions {userId: 1, postId: 1, reactionType: 1} unique; posts
 *     _id, users _id.
 */
int
db_like_set(struct db *db, const struct post *p, const char *user, int on,
    int *changed, int64_t *count, struct verr *e)
{
	bson_t		 doc = BSON_INITIALIZER;
	struct post	*now;
	int		 rc = -1;

	*changed = 0;
	now = xmalloc(sizeof(*now));
	if (db_q_oid(&doc, "userId", user, e) == -1 ||
	    db_q_oid(&doc, "postId", p->id, e) == -1)
		goto out;
	BSON_APPEND_UTF8(&doc, "reactionType", "like");
	if (db_relation_set(db, "reactions", &doc, on, changed, e) == -1)
		goto out;
	if (*changed && (db_inc(db, "posts", p->id, "likeCount", on ? 1 : -1,
	    e) == -1 || db_inc(db, "users", p->user_id, "totalLikeCount",
	    on ? 1 : -1, e) == -1))
		goto out;
	if (db_post_get(db, p->id, now, e) == -1)
		goto out;
	*count = now->like_count < 0 ? 0 : now->like_count;
	rc = 0;
out:
	free(now);
	bson_destroy(&doc);
	return rc;
}

/* Index: bookmarks {userId: 1, postId: 1} unique. */
int
db_bookmark_set(struct db *db, const char *post, const char *user, int on,
    struct verr *e)
{
	bson_t	 doc = BSON_INITIALIZER;
	int	 changed, rc = -1;

	if (db_q_oid(&doc, "userId", user, e) == 0 &&
	    db_q_oid(&doc, "postId", post, e) == 0)
		rc = db_relation_set(db, "bookmarks", &doc, on, &changed, e);
	bson_destroy(&doc);
	return rc;
}

static void
db_comment_conv(const bson_t *doc, void *out)
{
	struct comment	*c = out;

	memset(c, 0, sizeof(*c));
	db_oidstr(doc, "_id", c->id);
	db_oidstr(doc, "userId", c->user_id);
	db_oidstr(doc, "postId", c->post_id);
	db_get_str(doc, "text", c->text, sizeof(c->text));
	c->created_ms = db_get_int(doc, "createdAt");
}

/* Index: posts _id (commentCount). */
int
db_comment_insert(struct db *db, struct comment *cm, struct verr *e)
{
	mongoc_collection_t	*c = NULL;
	bson_t			 doc = BSON_INITIALIZER;
	bson_oid_t		 oid;
	bson_error_t		 be;
	int			 rc = -1;

	bson_oid_init(&oid, NULL);
	BSON_APPEND_OID(&doc, "_id", &oid);
	if (db_q_oid(&doc, "userId", cm->user_id, e) == -1 ||
	    db_q_oid(&doc, "postId", cm->post_id, e) == -1 ||
	    (c = db_coll(db, "comments", e)) == NULL)
		goto out;
	BSON_APPEND_UTF8(&doc, "text", cm->text);
	BSON_APPEND_DATE_TIME(&doc, "createdAt", cm->created_ms);
	if (!mongoc_collection_insert_one(c, &doc, NULL, NULL, &be)) {
		db_fail(db, "insert comments", &be, e);
		goto out;
	}
	bson_oid_to_string(&oid, cm->id);
	rc = db_inc(db, "posts", cm->post_id, "commentCount", 1, e);
out:
	mongoc_collection_destroy(c);
	bson_destroy(&doc);
	return rc;
}

/* Index: comments _id. */
int
db_comment_get(struct db *db, const char *id, struct comment *c,
    struct verr *e)
{
	return db_find_id(db, "comments", id, db_comment_conv, c, e);
}

/* Index: comments _id; posts _id; notifications {commentId: 1}. */
int
db_comment_delete(struct db *db, const struct comment *c, struct verr *e)
{
	bson_t		 q = BSON_INITIALIZER;
	int		 rc;

	if ((rc = db_delete_id(db, "comments", c->id, e)) == -1)
		goto out;
	if (rc == 1 && db_inc(db, "posts", c->post_id, "commentCount", -1,
	    e) == -1)
		rc = -1;
	/* The notification the comment caused goes with it. */
	if (rc == 1 && (db_q_oid(&q, "commentId", c->id, e) == -1 ||
	    db_delete(db, "notifications", &q, 1, NULL, e) == -1))
		rc = -1;
out:
	bson_destroy(&q);
	return rc;
}

struct db_cb {
	void	(*post)(const struct post *, void *);
	void	(*comment)(const struct comment *, void *);
	void	(*mark)(const char *, int64_t, const char *, void *);
	void	*arg;
};

static void
db_each_comment(const bson_t *doc, void *arg)
{
	struct db_cb	*cb = arg;
	struct comment	 c;

	db_comment_conv(doc, &c);
	cb->comment(&c, cb->arg);
}

static void
db_each_post(const bson_t *doc, void *arg)
{
	struct db_cb	*cb = arg;
	struct post	*p;

	/* struct post is large: keep it off the stack of deep callers. */
	p = xmalloc(sizeof(*p));
	db_post_from_bson(doc, p);
	cb->post(p, cb->arg);
	free(p);
}

static void
db_each_bookmark(const bson_t *doc, void *arg)
{
	struct db_cb	*cb = arg;
	char		 post[25], bid[25];

	db_oidstr(doc, "postId", post);
	db_oidstr(doc, "_id", bid);
	cb->mark(post, db_get_int(doc, "createdAt"), bid, cb->arg);
}

/* Index: comments {postId: 1, createdAt: -1, _id: -1}. */
int
db_comment_list(struct db *db, const char *post, const struct db_page *pg,
    void (*fn)(const struct comment *, void *), void *arg, struct verr *e)
{
	struct db_cb	 cb = { NULL, fn, NULL, arg };

	return db_each_page(db, "comments", "postId", post, pg,
	    db_each_comment, &cb, e);
}

/*
 * Index: posts {userId: 1, createdAt: -1, _id: -1}; originalPostId and
 *     visibility are checked on the way.
 */
int
db_post_list_user(struct db *db, const char *user, int reposts,
    unsigned vismask, const struct db_page *pg,
    void (*fn)(const struct post *, void *), void *arg, struct verr *e)
{
	bson_t		 q = BSON_INITIALIZER, opts = BSON_INITIALIZER;
	bson_t		 ex, in, arr;
	struct db_cb	 cb = { fn, NULL, NULL, arg };
	const char	*key;
	char		 buf[16];
	int		 rc = -1, i;
	uint32_t	 n = 0;

	if (db_q_oid(&q, "userId", user, e) == -1)
		goto out;
	if (reposts >= 0) {
		BSON_APPEND_DOCUMENT_BEGIN(&q, "originalPostId", &ex);
		BSON_APPEND_BOOL(&ex, "$exists", reposts == 1);
		bson_append_document_end(&q, &ex);
	}
	BSON_APPEND_DOCUMENT_BEGIN(&q, "visibility", &in);
	BSON_APPEND_ARRAY_BEGIN(&in, "$in", &arr);
	for (i = 0; i < VIS__MAX; i++)
		if (vismask & (1u << i)) {
			bson_uint32_to_string(n++, &key, buf, sizeof(buf));
			BSON_APPEND_UTF8(&arr, key, vis_names[i]);
		}
	bson_append_array_end(&in, &arr);
	bson_append_document_end(&q, &in);
	if (db_page_apply(&q, &opts, "createdAt", pg, e) == 0)
		rc = db_each(db, "posts", &q, &opts, db_each_post, &cb, e);
out:
	bson_destroy(&q);
	bson_destroy(&opts);
	return rc;
}

/* Index: bookmarks {userId: 1, createdAt: -1, _id: -1}. */
int
db_bookmark_list(struct db *db, const char *user, const struct db_page *pg,
    void (*fn)(const char *, int64_t, const char *, void *), void *arg,
    struct verr *e)
{
	struct db_cb	 cb = { NULL, NULL, fn, arg };

	return db_each_page(db, "bookmarks", "userId", user, pg,
	    db_each_bookmark, &cb, e);
}

struct db_marks {
	const char *const	*ids;
	size_t			 n;
	int			*out;
	const char		*field;
};

static void
db_each_mark(const bson_t *doc, void *arg)
{
	struct db_marks	*m = arg;
	char		 id[25];
	size_t		 i;

	db_oidstr(doc, m->field, id);
	for (i = 0; i < m->n; i++)
		if (strcmp(m->ids[i], id) == 0)
			m->out[i] = 1;
}

/*
 * Mark in out[] the ids that `user' has a document for in coll.
 * Index: reactions {userId: 1, postId: 1, reactionType: 1} and bookmarks
 *     {userId: 1, postId: 1}, both unique (userId, postId $in); posts
 *     {originalPostId: 1, userId: 1} (originalPostId $in, userId).
 */
static int
db_marks(struct db *db, const char *coll, const char *field,
    const char *user, const char *const *ids, size_t n, int *out,
    struct verr *e)
{
	bson_t		 q = BSON_INITIALIZER;
	struct db_marks	 m = { ids, n, out, field };
	int		 rc = -1;

	memset(out, 0, n * sizeof(*out));
	if (db_q_oid(&q, "userId", user, e) == 0 &&
	    db_q_in(&q, field, ids, n, e) == 0)
		rc = db_each(db, coll, &q, NULL, db_each_mark, &m, e);
	bson_destroy(&q);
	return rc < 0 ? -1 : 0;
}

int
db_post_marks(struct db *db, const char *user, const char *const *ids,
    size_t n, int *liked, int *bookmarked, int *reposted, struct verr *e)
{
	if (n == 0)
		return 0;
	/* Three queries whatever the page size: no query per post. */
	if (db_marks(db, "reactions", "postId", user, ids, n, liked, e) == -1 ||
	    db_marks(db, "bookmarks", "postId", user, ids, n, bookmarked,
	    e) == -1 ||
	    db_marks(db, "posts", "originalPostId", user, ids, n, reposted,
	    e) == -1)
		return -1;
	return 0;
}

/*
 * Index: reactions {userId: 1, postId: 1, reactionType: 1} and bookmarks
 *     {userId: 1, postId: 1} unique, by their userId prefix; posts {userId:
 *     1, createdAt: -1, _id: -1} by userId, originalPostId checked on the
 *     way.
 */
int
db_mark_ids(struct db *db, const char *user, enum db_mark m,
    void (*fn)(const char *, void *), void *arg, struct verr *e)
{
	static const char *const colls[] = { "reactions", "bookmarks", "posts" };
	bson_t		 q = BSON_INITIALIZER, ex;
	int		 rc = -1;

	if (db_q_oid(&q, "userId", user, e) == -1)
		goto out;
	if (m == MARK_LIKE)
		BSON_APPEND_UTF8(&q, "reactionType", "like");
	if (m == MARK_REPOST) {
		BSON_APPEND_DOCUMENT_BEGIN(&q, "originalPostId", &ex);
		BSON_APPEND_BOOL(&ex, "$exists", 1);
		bson_append_document_end(&q, &ex);
	}
	rc = db_each_id(db, colls[m], &q, m == MARK_REPOST ? "originalPostId" :
	    "postId", fn, arg, e);
out:
	bson_destroy(&q);
	return rc < 0 ? -1 : 0;
}

/*
 * Index: posts {userId: 1, createdAt: -1, _id: -1} for each $or branch
 *     (userId, userId $in), merged in sort order; visibility is checked on
 *     the way.
 */
int
db_post_feed(struct db *db, const char *self, const char *const *pub,
    size_t npub, const char *const *fr, size_t nfr, const struct db_page *pg,
    void (*fn)(const struct post *, void *), void *arg, struct verr *e)
{
	bson_t		 q = BSON_INITIALIZER, opts = BSON_INITIALIZER;
	bson_t		 and, w, or, d, vin, varr;
	struct db_cb	 cb = { fn, NULL, NULL, arg };
	uint32_t	 k = 0;
	const char	*key;
	char		 buf[16];
	int		 rc = -1;

	if (self == NULL && npub == 0 && nfr == 0)
		return 0;
	/*
	 * {$and: [{$or: [own posts, public posts of pub, public and friends
	 * posts of fr]}]}, the keyset $or of the page beside it.  Each
	 * branch is an $in on userId over the {userId, createdAt} index, so
	 * a page reads about `limit' posts however many authors there are.
	 */
	BSON_APPEND_ARRAY_BEGIN(&q, "$and", &and);
	BSON_APPEND_DOCUMENT_BEGIN(&and, "0", &w);
	BSON_APPEND_ARRAY_BEGIN(&w, "$or", &or);
	if (self != NULL) {
		bson_uint32_to_string(k++, &key, buf, sizeof(buf));
		BSON_APPEND_DOCUMENT_BEGIN(&or, key, &d);
		if (db_q_oid(&d, "userId", self, e) == -1)
			goto out;
		bson_append_document_end(&or, &d);
	}
	if (npub > 0) {
		bson_uint32_to_string(k++, &key, buf, sizeof(buf));
		BSON_APPEND_DOCUMENT_BEGIN(&or, key, &d);
		if (db_q_in(&d, "userId", pub, npub, e) == -1)
			goto out;
		BSON_APPEND_UTF8(&d, "visibility", vis_names[VIS_PUBLIC]);
		bson_append_document_end(&or, &d);
	}
	if (nfr > 0) {
		bson_uint32_to_string(k++, &key, buf, sizeof(buf));
		BSON_APPEND_DOCUMENT_BEGIN(&or, key, &d);
		if (db_q_in(&d, "userId", fr, nfr, e) == -1)
			goto out;
		BSON_APPEND_DOCUMENT_BEGIN(&d, "visibility", &vin);
		BSON_APPEND_ARRAY_BEGIN(&vin, "$in", &varr);
		BSON_APPEND_UTF8(&varr, "0", vis_names[VIS_PUBLIC]);
		BSON_APPEND_UTF8(&varr, "1", vis_names[VIS_FRIENDS]);
		bson_append_array_end(&vin, &varr);
		bson_append_document_end(&d, &vin);
		bson_append_document_end(&or, &d);
	}
	bson_append_array_end(&w, &or);
	bson_append_document_end(&and, &w);
	bson_append_array_end(&q, &and);
	if (db_page_apply(&q, &opts, "createdAt", pg, e) == 0)
		rc = db_each(db, "posts", &q, &opts, db_each_post, &cb, e);
out:
	bson_destroy(&q);
	bson_destroy(&opts);
	return rc;
}
