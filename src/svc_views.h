/*
 * Views (API.md 3.3.6): counted cheaply in Redis, flushed into the posts'
 * viewCount in batches by whichever process holds the flush lease.
 */
#ifndef SVC_VIEWS_H
#define SVC_VIEWS_H

struct be;
struct post;

/*
 * Count one view of original `o' by user `actor' ("" when anonymous,
 * then told apart by address `ip' and User-Agent `ua', which may be
 * NULL) if the limits allow it; never fails (errors are logged with
 * request id `rid').
 */
void	svc_views_count(struct be *be, const char *actor, const char *rid,
	    const char *ip, const char *ua, const struct post *o);

/*
 * Move buffered view counts into MongoDB if this process holds the flush
 * lease; cheap when there is nothing to do.  Returns how many posts were
 * updated, -1 on a backend error.
 */
int	svc_views_flush(struct be *be);

#endif
