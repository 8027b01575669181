/*
 * The worker loop.  Signals are blocked while a request is in hand and
 * delivered only inside ppoll(2), so SIGTERM can never cut a request:
 * it sets a flag, ppoll returns EINTR, and the loop ends between
 * requests.  The listening socket is non-blocking so that when several
 * workers wake for one connection, the losers get EAGAIN from
 * FCGX_Accept_r and go back to ppoll instead of sleeping in accept(2)
 * where a signal could not reach them in time.
 *
 * Every read from the web server has a deadline (fcgi_deadline), so an
 * idle or stalled connection cannot hold a worker.
 *
 * Each worker marks its scoreboard slot busy from the moment the socket
 * is readable until the request and its deferred work are done, and
 * counts every answered request there (route, status, latency, backend
 * that failed) before the reply is released, so that a client reading
 * /metrics after its answer always finds its request counted.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include <fcgiapp.h>
#include <json-c/json.h>

#include "auth.h"
#include "be.h"
#include "cfg.h"
#include "db_mongo.h"
#include "fcgi.h"
#include "http.h"
#include "jobs.h"
#include "json.h"
#include "log.h"
#include "router.h"
#include "score.h"
#include "verr.h"

static volatile sig_atomic_t fcgi_stop;
static int	 fcgi_body_ms;	/* cfg body_timeout_ms */

static void
fcgi_on_signal(int sig)
{
	fcgi_stop = 1;
}

/* SIGALRM only interrupts a read that passed its deadline. */
static void
fcgi_on_alarm(int sig)
{
}

/*
 * Give the reads that follow a deadline of ms milliseconds (0: none).
 * libfcgi reads without a timeout and treats EINTR as an error, so
 * SIGALRM (installed without SA_RESTART) ends a read that passes it and
 * libfcgi closes or fails the connection.  The timer repeats every 100
 * ms after the deadline, so a read begun just after a signal is cut too.
 */
static void
fcgi_deadline(int ms)
{
	struct itimerval	 it;

	memset(&it, 0, sizeof(it));
	if (ms > 0) {
		it.it_value.tv_sec = ms / 1000;
		it.it_value.tv_usec = (ms % 1000) * 1000;
		it.it_interval.tv_usec = 100000;
	}
	setitimer(ITIMER_REAL, &it, NULL);
}

static const char *
fcgi_getparam(void *ctx, const char *name)
{
	FCGX_Request	*fr = ctx;

	return FCGX_GetParam(name, fr->envp);
}

static long
fcgi_read(void *ctx, char *buf, size_t n)
{
	FCGX_Request	*fr = ctx;
	int		 got;

	if (n > 1 << 20)
		n = 1 << 20;
	fcgi_deadline(fcgi_body_ms);
	got = FCGX_GetStr(buf, (int)n, fr->in);
	fcgi_deadline(0);
	if (got == 0 && FCGX_GetError(fr->in) != 0)
		return -1;
	return got;
}

/* Route and run the handler; leaves a response in r. */
static void
fcgi_dispatch(struct req *r, struct verr *e)
{
	int	 rc;

	rc = router_match(router_routes, router_nroutes, r->method, r->path,
	    &r->rm);
	if (rc == 404) {
		verr_set(e, 404, "not_found", "Not found");
		return;
	}
	if (rc == 405) {
		if (strcmp(r->method, "OPTIONS") == 0) {
			http_empty(r, 204);
			http_header(r, "Allow", "%s", r->rm.allow);
			return;
		}
		verr_set(e, 405, "method_not_allowed", "Method not allowed");
		return;
	}
	if (r->rm.route->auth == ROUTE_AUTH && auth_request(r, e) == -1)
		return;
	if (r->rm.route->handler(r, e) == -1) {
		if (e->status == 0)
			verr_internal(e, "handler %s: failed, no reason "
			    "recorded", r->rm.route->name);
		return;
	}
	if (r->status == 0) {
		log_err("handler %s set no response", r->rm.route->name);
		abort();
	}
}

/*
 * The access line: when the request arrived, from which client (as the
 * rate limits see it), its request id, what it asked and what it got.
 */
static void
fcgi_access(struct req *r, const struct verr *e, size_t bytes)
{
	struct json_object	*o = json_object_new_object();
	double			 ms;
	char			 msbuf[32], ts[32], ip[64];

	ms = (double)(http_now_ns() - r->start_ns) / 1e6;
	json_time(ts, json_now_ms() - (int64_t)ms);
	http_client_ip(r, ip, sizeof(ip));
	json_object_object_add(o, "ts", json_object_new_string(ts));
	json_object_object_add(o, "ip", json_object_new_string(ip));
	json_object_object_add(o, "rid", json_object_new_string(r->rid));
	json_object_object_add(o, "method", json_object_new_string(r->method));
	json_object_object_add(o, "route", json_object_new_string(
	    r->rm.route != NULL ? r->rm.route->name :
	    r->rm.pattern != NULL ? r->rm.pattern : "-"));
	json_object_object_add(o, "path", json_object_new_string(r->path));
	json_object_object_add(o, "status", json_object_new_int(r->status));
	snprintf(msbuf, sizeof(msbuf), "%.1f", ms);
	json_object_object_add(o, "ms", json_object_new_double_s(ms, msbuf));
	json_object_object_add(o, "bytes", json_object_new_int64(
	    (int64_t)bytes));
	if (r->uid[0] != '\0')
		json_object_object_add(o, "uid",
		    json_object_new_string(r->uid));
	if (e->status != 0)
		json_object_object_add(o, "code",
		    json_object_new_string(e->code));
	log_access_line(json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

/*
 * Answer one request.  Work the handler deferred is handed back in *fn
 * and *arg, to run after FCGX_Finish_r() has released the client.
 */
static void
fcgi_handle(FCGX_Request *fr, const struct cfg *c, struct be *be,
    void (**fn)(const struct cfg *, void *), void **arg)
{
	struct http_io	 io = { fcgi_getparam, fcgi_read, fr };
	struct req	 r;
	struct verr	 e;
	char		*head;
	size_t		 bytes = 0;

	http_req_init(&r, &io, c, be);
	verr_init(&e);
	fcgi_dispatch(&r, &e);
	if (e.status != 0) {
		if (e.status >= 500)
			log_warnx("rid=%s %s: %s", r.rid, e.code,
			    e.detail[0] != '\0' ? e.detail : e.msg);
		http_error(&r, &e);
		if (e.status == 405)
			http_header(&r, "Allow", "%s", r.rm.allow);
		if (router_no_store(r.rm.pattern))
			http_header(&r, "Cache-Control", "no-store");
	}
	head = http_head(&r);
	FCGX_PutStr(head, (int)strlen(head), fr->out);
	free(head);
	if (!r.head && r.body != NULL) {
		FCGX_PutStr(r.body, (int)r.bodylen, fr->out);
		bytes = r.bodylen;
	}
	fcgi_access(&r, &e, bytes);
	score_request(r.rm.route != NULL ?
	    (size_t)(r.rm.route - router_routes) : router_nroutes, r.status,
	    (uint64_t)((http_now_ns() - r.start_ns) / 1000),
	    e.status != 0 ? e.detail : NULL);
	*fn = r.defer_fn;
	*arg = r.defer_arg;
	http_req_free(&r);
}

/*
 * Refuse a request of another role than RESPONDER (FastCGI 1.0 section
 * 5.5: FCGI_UNKNOWN_ROLE) and close its connection.
 */
static void
fcgi_refuse_role(FCGX_Request *fr)
{
	unsigned char	 rec[16] = { 1, 3, 0, 0, 0, 8, 0, 0,
	    0, 0, 0, 0, 3, 0, 0, 0 };

	rec[2] = (unsigned char)(fr->requestId >> 8);
	rec[3] = (unsigned char)fr->requestId;
	(void)write(fr->ipcFd, rec, sizeof(rec));
	FCGX_Free(fr, 1);
}

/* Answer the accepted request of fr, then do the work it deferred. */
static void
fcgi_one(FCGX_Request *fr, const struct cfg *c, struct be *be)
{
	void		(*fn)(const struct cfg *, void *) = NULL;
	void		*arg = NULL;
	const char	*role = FCGX_GetParam("FCGI_ROLE", fr->envp);

	if (role == NULL || strcmp(role, "RESPONDER") != 0) {
		log_warnx("FastCGI role %s refused", role != NULL ? role : "-");
		fcgi_refuse_role(fr);
		score_idle(0, 0);
		return;
	}
	/*
	 * One request per connection: the loop waits on the listening
	 * socket only, so a kept connection's next request would never be
	 * read.  Closing it after the reply tells the web server so.
	 */
	fr->keepConnection = 0;
	fcgi_handle(fr, c, be, &fn, &arg);
	FCGX_Finish_r(fr);
	if (fn != NULL)
		fn(c, arg);
	jobs_tick(be);
	score_idle(1, http_now_ns() / 1000000);
}

int
fcgi_serve(int fd, const struct cfg *c, int max_requests, int ready_fd,
    struct score *sb, size_t slot)
{
	FCGX_Request		 fr;
	struct be		 be;
	struct sigaction	 sa;
	struct pollfd		 pfd;
	sigset_t		 block, during_poll, pending;
	struct score		*own = NULL;
	int			 served = 0, rc, flags;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fcgi_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	sa.sa_handler = fcgi_on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	fcgi_body_ms = c->body_timeout_ms;
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &during_poll);
	sigdelset(&during_poll, SIGTERM);
	sigdelset(&during_poll, SIGINT);

	if ((flags = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, flags | O_NONBLOCK) == -1) {
		log_err("fcntl: listening socket: %s", strerror(errno));
		return 1;
	}
	if (FCGX_Init() != 0 || FCGX_InitRequest(&fr, fd, 0) != 0) {
		log_err("FCGX_Init: failed");
		return 1;
	}
	/* Alone (spawn-fcgi, systemd): /metrics shows this process only. */
	if (sb == NULL) {
		if ((sb = own = score_new(1, router_nroutes + 1)) == NULL) {
			log_err("scoreboard: mmap: %s", strerror(errno));
			return 1;
		}
		slot = (size_t)score_slot_take(sb, http_now_ns() / 1000000);
	}
	score_attach(sb, slot);
	be_open(&be, c);
	if (ready_fd != -1) {
		(void)write(ready_fd, "r", 1);
		close(ready_fd);
	}
	while (!fcgi_stop && (max_requests == 0 || served < max_requests)) {
		pfd.fd = fd;
		pfd.events = POLLIN;
		if (ppoll(&pfd, 1, NULL, &during_poll) == -1) {
			if (errno == EINTR)
				continue;
			log_err("poll: listening socket: %s", strerror(errno));
			break;
		}
		/*
		 * Reading (busy to the supervisor) already: FCGX_Accept_r
		 * also reads the request's parameters, which a slow or
		 * hostile peer may take up to the deadline to send.
		 */
		score_reading();
		fcgi_deadline(c->params_timeout_ms);
		rc = FCGX_Accept_r(&fr);
		fcgi_deadline(0);
		if (rc < 0) {
			score_idle(0, 0);
			if (rc == -EAGAIN || rc == -EWOULDBLOCK ||
			    rc == -EINTR || rc == -ECONNABORTED)
				continue;
			log_warnx("FCGX_Accept_r: %s", strerror(-rc));
			continue;
		}
		score_busy();
		fcgi_one(&fr, c, &be);
		served++;
		/*
		 * Under steady load the socket is always readable and ppoll
		 * returns at once, so look for a stop request here too.
		 */
		if (sigpending(&pending) == 0 &&
		    (sigismember(&pending, SIGTERM) ||
		    sigismember(&pending, SIGINT))) {
			fcgi_stop = 1;
			break;
		}
	}
	/*
	 * Told to stop: first serve the connections already queued on the
	 * socket.  When the whole node drains, the supervisor has removed
	 * the socket's name, so no new one can arrive and none is lost.
	 */
	while (fcgi_stop) {
		score_reading();
		fcgi_deadline(c->params_timeout_ms);
		rc = FCGX_Accept_r(&fr);
		fcgi_deadline(0);
		if (rc < 0) {
			score_idle(0, 0);
			break;
		}
		score_busy();
		fcgi_one(&fr, c, &be);
	}
	FCGX_Free(&fr, 1);
	be_close(&be);
	score_free(own);
	return 0;
}
