/*
 * Views (API.md 3.3.6): counted cheaply in Redis, flushed into the posts'
 * viewCount in batches by whichever process holds the flush lease.
 */
#ifndef SVC_VIEWS_H
#define SVC_VIEWS_H

struct be;
struct post;
struct req;

/*
 * Count one view of original `o' by the request's viewer if the limits
 * allow it; never fails the request (errors are logged).
 */
void	svc_views_count(struct req *r, const struct post *o);

/*
 * Move buffered view counts into MongoDB if this process holds the flush
 * lease; cheap when there is nothing to do.  Returns how many posts were
 * updated, -1 on a backend error.
 */
int	svc_views_flush(struct be *be);

#endif
