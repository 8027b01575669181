/*
 * Turning domain events into notifications (API.md 3.6.1), for
 * vybes-worker.
 */
#ifndef SVC_NOTIFY_H
#define SVC_NOTIFY_H

#include <stddef.h>

struct be;
struct verr;

/*
 * Apply the event envelope `data' (len bytes of JSON, as ev_emit() wrote
 * it): store the notification it calls for, if any, or fan a new post
 * out to the followers' timelines.  Idempotent: a
 * redelivered event stores nothing new.  0 when done (including events
 * that call for nothing), -1 with 503 when a backend failed (retry), or
 * -1 with 400 when the event is malformed (never retry).
 */
int	svc_notify_event(struct be *be, const char *data, size_t len,
	    struct verr *e);

#endif
