/*
 * Media processing (API.md 6.4) by vybes-worker: width, height,
 * duration, thumbnail and BlurHash of each new post's and story's media,
 * and the deletion of a media object together with its thumbnail.
 */
#ifndef SVC_MEDIA_H
#define SVC_MEDIA_H

#include <stddef.h>

struct be;
struct verr;

/*
 * Handle a domain event for media: "post" (data.postId, an original;
 * reposts have no media of their own) and "story" (data.storyId) are
 * processed.  0 once the document holds its outcome (or needs none); 1
 * for an event of another type (nothing done); -1 with 503 when a
 * backend failed (redeliver), or 400 for a malformed event.
 */
int	svc_media_event(struct be *be, const char *data, size_t len,
	    struct verr *e);

/*
 * The backstop (a periodic job): process the posts and stories still
 * processing whose event path is overdue, at most `limit' of each;
 * *n gets how many got their outcome.  -1 when listing them failed.
 */
int	svc_media_due(struct be *be, size_t limit, int *n, struct verr *e);

/*
 * Delete the object `key' of `bucket' and its thumbnail (absent ones
 * count as deleted).  503 when either is left behind.
 */
int	svc_media_delete(struct be *be, const char *bucket, const char *key,
	    struct verr *e);

/*
 * The thumbnail key of media key `key': "thumbs/<uuid>.jpg" for
 * ".../<uuid>.<ext>".  -1 when key has no such name or out is too small.
 */
int	svc_media_thumb_key(const char *key, char *out, size_t sz);

#endif
