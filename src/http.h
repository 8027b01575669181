/*
 * One HTTP request as the FastCGI layer hands it to a handler, and the
 * response the handler builds.  Handlers set a response with
 * http_json()/http_empty() and add headers with http_header(); fcgi.c
 * alone writes it to the web server.
 */
#ifndef HTTP_H
#define HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "router.h"

struct be;
struct cfg;
struct json_object;
struct verr;

#define HTTP_RIDLEN	129
#define HTTP_HDRMAX	8192

/*
 * A source of request parameters and body bytes: FastCGI in service,
 * memory in the unit tests.
 */
struct http_io {
	const char	*(*getparam)(void *ctx, const char *name);
	/* Read up to n bytes; 0 at the end of the body, -1 on error. */
	long		 (*read)(void *ctx, char *buf, size_t n);
	void		*ctx;
};

struct req {
	struct http_io		 io;
	const struct cfg	*cfg;
	struct be		*be;
	const char		*method;
	char			 path[2048];	/* REQUEST_URI up to '?' */
	const char		*query;		/* after '?', or "" */
	int			 head;		/* HEAD: send no body */
	char			 rid[HTTP_RIDLEN];
	char			 uid[25];	/* caller's user id, when known */
	char			 sid[25];	/* caller's session id */
	struct route_match	 rm;
	int64_t			 start_ns;	/* CLOCK_MONOTONIC */
	/* response */
	int			 status;
	char			*body;		/* malloc'd, or NULL */
	size_t			 bodylen;
	const char		*ctype;		/* NULL: no Content-Type */
	char			 hdrs[HTTP_HDRMAX];	/* "Name: v\r\n"... */
	size_t			 hdrlen;
	/* work to run once the response is sent (http_defer) */
	void			(*defer_fn)(const struct cfg *, void *);
	void			*defer_arg;
};

/*
 * Prepare r for a new request read through io: method, path, query and
 * request id (the client's X-Request-Id when it is 1..128 printable ASCII
 * characters, else a fresh random one).
 */
void	 http_req_init(struct req *r, const struct http_io *io,
	    const struct cfg *c, struct be *be);
/* Release the response of r. */
void	 http_req_free(struct req *r);

/* A request parameter such as "HTTP_AUTHORIZATION", or NULL. */
const char *http_getparam(struct req *r, const char *name);

/*
 * Query parameter `name', percent-decoded into buf (size bufsz).
 * Returns 1 when present, 0 when absent, -1 with 400 validation_failed
 * naming it when it is malformed or too long.
 */
int	 http_query(struct req *r, const char *name, char *buf, size_t bufsz,
	    struct verr *e);

/*
 * The request's CONTENT_LENGTH in *n: 1 when given, 0 when absent or
 * empty, -1 with 400 bad_request unless it is all decimal digits (a sign,
 * "-5" included, is not) and fits.
 */
int	 http_content_length(struct req *r, unsigned long long *n,
	    struct verr *e);

/*
 * Read the whole body, at most `max' bytes, into a malloc'd buffer given
 * to the caller (*buf, terminated, length *len).  A CONTENT_LENGTH above
 * max is refused before reading; 413 payload_too_large, 400 bad_request
 * when the body ends early.
 */
int	 http_read_body(struct req *r, size_t max, char **buf, size_t *len,
	    struct verr *e);

/*
 * Read and parse the body as a JSON object within cfg->body_max; *out
 * owns a reference.  413 payload_too_large or 400 bad_request.
 */
int	 http_json_body(struct req *r, struct json_object **out,
	    struct verr *e);

/* Add a response header; aborts on overflow (a bug, not a client error). */
void	 http_header(struct req *r, const char *name, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/* Respond with status and the JSON of o; takes o's reference. */
void	 http_json(struct req *r, int status, struct json_object *o);

/*
 * Respond with status and the malloc'd body of len bytes, whose
 * ownership passes to r, as Content-Type ctype (a static string).
 */
void	 http_text(struct req *r, int status, const char *ctype, char *body,
	    size_t len);

/* Respond with status and no body (204, or 200 with an empty body). */
void	 http_empty(struct req *r, int status);

/*
 * Replace the response, headers included, by the error envelope of e and
 * its Retry-After or WWW-Authenticate header.
 */
void	 http_error(struct req *r, const struct verr *e);

/*
 * The complete CGI response head (Status line and every header,
 * including the standard ones) in a malloc'd string for the caller.
 */
char	*http_head(const struct req *r);

/*
 * The client's IP (API.md 1.5): REMOTE_ADDR, unless it is one of
 * cfg->trusted_proxies; then the right-most X-Forwarded-For address that
 * is not a trusted proxy.  Written to out (at least 64 bytes).
 */
void	 http_client_ip(struct req *r, char *out, size_t outsz);

/*
 * Run fn(cfg, arg) after the response has been sent, so that slow work
 * (mail) does not delay the client; fn owns and frees arg.  One per
 * request.
 */
void	 http_defer(struct req *r, void (*fn)(const struct cfg *, void *),
	    void *arg);

/* Monotonic nanoseconds, for durations. */
int64_t	 http_now_ns(void);

#endif
