/*
 * The posts store: posts and reposts, comments, likes (collection
 * reactions), bookmarks, and the counters they move on posts and users.
 * Every counter moves together with the write that changes it, and only
 * when that write really changed something, so concurrent requests keep
 * them exact.
 */
#ifndef DB_POSTS_H
#define DB_POSTS_H

#include <stddef.h>
#include <stdint.h>

#include "db_media.h"
#include "db_mongo.h"

struct db;
struct verr;

enum post_vis { VIS_PUBLIC, VIS_FRIENDS, VIS_PRIVATE, VIS__MAX };

struct post {
	char		 id[25];
	char		 user_id[25];
	char		 original_id[25];	/* "" unless a repost */
	char		 caption[8801];
	char		 content_url[2100];
	char		 type[8];		/* image or video */
	char		 media_key[160];	/* "" for reposts */
	enum post_vis	 vis;
	int64_t		 like_count, comment_count, repost_count, view_count;
	int64_t		 created_ms;
	int64_t		 sort_key;	/* list position: created or bookmarked */
	struct media_info media;	/* originals only */
};

struct comment {
	char	 id[25];
	char	 user_id[25];
	char	 post_id[25];
	char	 text[4001];
	int64_t	 created_ms;
};

/* "public", "friends", "private"; and back (-1 when unknown). */
const char *post_vis_name(enum post_vis v);
int	 post_vis_parse(const char *s);

/*
 * Insert p (an original or, with original_id set, a repost).  p->id is
 * used when set (409 conflict if taken), else a new id is stored there.
 */
int	db_post_insert(struct db *db, struct post *p, struct verr *e);

/* Load post id into p; 404 not_found. */
int	db_post_get(struct db *db, const char *id, struct post *p,
	    struct verr *e);

/*
 * The repost of `original' by `user' into p: 1 found, 0 none, -1 error.
 */
int	db_repost_find(struct db *db, const char *user, const char *original,
	    struct post *p, struct verr *e);

/*
 * Delete post p: returns 1 when this call removed it, 0 when it was
 * already gone.  Moves the author's postCount; for a repost also the
 * original's repostCount, and removes the repost notification it caused.
 */
int	db_post_delete(struct db *db, const struct post *p, struct verr *e);

/*
 * Remove everything that hangs off original `p' (already deleted):
 * reposts (with their authors' postCount), comments, likes, bookmarks
 * and notifications naming it, and the author's totalLikeCount share.
 * Each repost removed goes to gone(repost id, its author, arg).
 */
int	db_post_cascade(struct db *db, const struct post *p,
	    void (*gone)(const char *id, const char *user, void *), void *arg,
	    struct verr *e);

/* Add n to the repostCount of post id. */
int	db_post_add_reposts(struct db *db, const char *id, int64_t n,
	    struct verr *e);

/* Add n to the viewCount of post id. */
int	db_post_add_views(struct db *db, const char *id, int64_t n,
	    struct verr *e);

/*
 * Like (on=1) or unlike (on=0) post p by user.  *changed tells whether a
 * like was created or removed; *count gets p's likeCount afterwards.
 */
int	db_like_set(struct db *db, const struct post *p, const char *user,
	    int on, int *changed, int64_t *count, struct verr *e);

/* Bookmark or un-bookmark post id for user (idempotent). */
int	db_bookmark_set(struct db *db, const char *post, const char *user,
	    int on, struct verr *e);

/* Insert comment c on post c->post_id and count it; sets c->id. */
int	db_comment_insert(struct db *db, struct comment *c, struct verr *e);

/* Load comment id; 404 not_found. */
int	db_comment_get(struct db *db, const char *id, struct comment *c,
	    struct verr *e);

/* Delete comment c and uncount it; 1 when removed, 0 when already gone. */
int	db_comment_delete(struct db *db, const struct comment *c,
	    struct verr *e);

/* Comments of post id, newest first; returns how many went to fn. */
int	db_comment_list(struct db *db, const char *post, const struct db_page *pg,
	    void (*fn)(const struct comment *, void *), void *arg,
	    struct verr *e);

/*
 * Posts of user, newest first: all when `reposts' < 0, only reposts when
 * 1, only originals when 0; visibilities in the mask (1 << VIS_*).
 */
int	db_post_list_user(struct db *db, const char *user, int reposts,
	    unsigned vismask, const struct db_page *pg,
	    void (*fn)(const struct post *, void *), void *arg, struct verr *e);

/*
 * The caller's bookmarks, most recent first: the bookmarked post ids with
 * their bookmark times (sort key) and bookmark ids (page position).
 */
int	db_bookmark_list(struct db *db, const char *user,
	    const struct db_page *pg,
	    void (*fn)(const char *post, int64_t at, const char *bid, void *),
	    void *arg, struct verr *e);

/*
 * Of the n post ids, mark in liked[i] / bookmarked[i] / reposted[i]
 * those that `user' liked, bookmarked, or reposted (as originals).
 */
int	db_post_marks(struct db *db, const char *user, const char *const *ids,
	    size_t n, int *liked, int *bookmarked, int *reposted,
	    struct verr *e);

enum db_mark { MARK_LIKE, MARK_BOOKMARK, MARK_REPOST };

/*
 * Every post `user' liked, bookmarked, or reposted (the originals):
 * fn(post id) for each, in no order.  Served by the {userId, postId,
 * reactionType}, {userId, postId} and {userId, createdAt} indexes.
 */
int	db_mark_ids(struct db *db, const char *user, enum db_mark m,
	    void (*fn)(const char *id, void *), void *arg, struct verr *e);

/*
 * A feed page, newest first: every post of `self' (when not NULL), the
 * public posts of the npub users in pub, and the public and friends posts
 * of the nfr users in fr.  Returns how many went to fn.
 */
int	db_post_feed(struct db *db, const char *self, const char *const *pub,
	    size_t npub, const char *const *fr, size_t nfr,
	    const struct db_page *pg, void (*fn)(const struct post *, void *),
	    void *arg, struct verr *e);

/* Add n (+1/-1) to user's postCount. */
int	db_user_add_posts(struct db *db, const char *user, int64_t n,
	    struct verr *e);

#endif
