/*
 * Home timelines (API.md 3.4): the for-you and friends feeds served from
 * per-user timelines in Redis (rds_timeline.h), filled by fan-out on
 * write in vybes-worker and rebuilt from MongoDB when missing.
 */
#ifndef SVC_TIMELINE_H
#define SVC_TIMELINE_H

#include <stddef.h>

struct be;
struct page;
struct page_pos;
struct post;
struct verr;

/*
 * One page of uid's for-you (friends=0) or friends feed into *out (n
 * malloc'd posts, newest first, for the caller to free with the array);
 * *more is 1 when a next page may follow, starting after *next.
 */
int	svc_tl_page(struct be *be, const char *uid, int friends,
	    const struct page *pg, struct post ***out, size_t *n, int *more,
	    struct page_pos *next, struct verr *e);

/*
 * After p was created (an original or a repost): put it in its author's
 * own timeline at once (read-your-writes); the worker's fan-out puts it
 * in the followers' timelines.  Never fails the request.
 */
void	svc_tl_posted(struct be *be, const struct post *p);

/*
 * After `a' started following `b': merge b's recent posts into a's
 * timeline.  Never fails the request (a failure drops a's timeline,
 * which is then rebuilt).
 */
void	svc_tl_followed(struct be *be, const char *a, const char *b);

/*
 * vybes-worker: fan post id out to its author's followers' timelines.
 * 0 when done (also for a post since deleted), -1 with 503 to retry.
 */
int	svc_tl_fanout(struct be *be, const char *id, struct verr *e);

#endif
