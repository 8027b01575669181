/*
 * Post logic that spans stores: visibility (API.md 1.7) and rendering
 * Post objects (2.5) with authors, originals and the caller's marks in a
 * fixed number of queries per page, never one per post.
 */
#ifndef SVC_POST_H
#define SVC_POST_H

#include <stddef.h>

struct be;
struct comment;
struct json_object;
struct post;
struct verr;

/* 1 when viewer (NULL: anonymous) may see p, 0 when not, -1 on error. */
int	svc_post_visible(struct be *be, const char *viewer,
	    const struct post *p, struct verr *e);

/*
 * svc_post_visible() of the n posts (NULL entries: not visible) into
 * ok[i], with one relationship lookup for them all.
 */
int	svc_posts_visible(struct be *be, const char *viewer,
	    struct post *const *posts, size_t n, int *ok, struct verr *e);

/*
 * For each of the n posts (NULL entries allowed), hidden[i] = 1 when it
 * is a repost whose original's author blocks viewer or is blocked by
 * them (API.md 6.1): one lookup of the originals and one of their
 * authors' relationships for them all.
 */
int	svc_posts_orig_hidden(struct be *be, const char *viewer,
	    struct post *const *posts, size_t n, int *hidden, struct verr *e);

/*
 * Load post id for viewer into p: 400 validation_failed naming `field'
 * when malformed, 404 not_found when missing or not visible.
 */
int	svc_post_load(struct be *be, const char *viewer, const char *id,
	    const char *field, struct post *p, struct verr *e);

/*
 * Delete post p as its author does (API.md 3.3.3): the post, and for an
 * original everything hanging off it (reposts, comments, likes,
 * bookmarks, notifications) and its media object, with the counters and
 * caches they move.  1 when this call deleted p, 0 when it was gone.
 */
int	svc_post_remove(struct be *be, const struct post *p, struct verr *e);

/*
 * Delete comment c of a post by post_author (3.3.9), uncounting it: 1
 * when this call deleted it, 0 when it was gone.
 */
int	svc_comment_remove(struct be *be, const struct comment *c,
	    const char *post_author, struct verr *e);

/*
 * The n posts as a JSON array of Post objects seen by viewer; with
 * `bookmarked', each gets bookmarkedAt from its sort_key.  NULL on error.
 */
struct json_object *svc_posts_render(struct be *be, const char *viewer,
	    struct post *const *posts, size_t n, int bookmarked,
	    struct verr *e);

#endif
