/*
 * Resource handlers.  Each validates input, calls the stores and renders
 * JSON with http_json(); on failure it records a struct verr and returns
 * -1, and fcgi.c answers.  The HTTP outcomes are listed per handler.
 */
#ifndef HANDLERS_H
#define HANDLERS_H

struct req;
struct verr;

/* GET /health: 200 {"status":"healthy",...}; touches no backend. */
int	h_health(struct req *, struct verr *);

/*
 * GET /health/ready: checks MongoDB, Redis, NATS and the posts bucket in
 * parallel, about 1 s each, cached for up to 5 s.  200 ready or degraded;
 * 503 not_ready when MongoDB is down.
 */
int	h_health_ready(struct req *, struct verr *);

#endif
