/*
 * vybes-worker: consumes the domain events of the JetStream stream
 * through a durable pull consumer shared by every worker, turns them into
 * notifications, and runs the periodic jobs (outbox replay, view flush,
 * expired stories, recounts) under Redis leases.
 *
 * Media processing (svc_media.c) runs in a second process, started
 * with the first (this program again, `vybes-worker --media-process'
 * and the same arguments), with backends of its own and its own durable consumer
 * (worker_consumer + "-media"), so that decoding, which takes a second
 * or, for a hostile file, up to its child's time limit, never delays a
 * notification or a fan-out.  It handles the "post" and "story" events,
 * acknowledges the rest, and runs the media backstop job.  It dies with
 * the main process (PR_SET_PDEATHSIG), which restarts it if it exits and
 * forwards SIGHUP to it.  The decoding itself runs in a third level,
 * `vybes-worker --media-child' (mdec.c), one per job.
 *
 * A message is acknowledged only after its notification is stored; one
 * whose handling failed is redelivered with a growing delay, and after
 * worker_max_deliver deliveries it is parked (terminated, with a log
 * line naming it).  SIGTERM ends the loop after the message in hand is
 * settled; messages fetched but not yet handled go back to the stream.
 * SIGHUP reads the configuration again and applies log_level and
 * worker_max_deliver; the backends keep their connections (restart for
 * those).  With --metrics-file, the worker's metrics are written to that
 * file every METRICS_EVERY seconds, for node_exporter's textfile
 * collector or a look by hand.
 */
#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "be.h"
#include "cfg.h"
#include "cli.h"
#include "db_mongo.h"
#include "db_outbox.h"
#include "jobs.h"
#include "log.h"
#include "mdec.h"
#include "mq_nats.h"
#include "procmet.h"
#include "svc_media.h"
#include "svc_notify.h"
#include "sysd.h"
#include "verr.h"
#include "xmem.h"

#define FETCH_BATCH	16
#define FETCH_WAIT_MS	1000
#define METRICS_EVERY	15		/* seconds */
#define OUTBOX_COUNT_MAX 10000		/* outbox depth counted up to */
#define MEDIA_RESPAWN	5		/* s between media process starts */
#define MEDIA_OPTION	"--media-process"	/* argv[1] of that process */

static volatile sig_atomic_t	 wk_stop, wk_reload;

static void
wk_on_signal(int sig)
{
	if (sig == SIGHUP)
		wk_reload = 1;
	else
		wk_stop = 1;
}

static void
usage(int asked)
{
	fprintf(asked ? stdout : stderr, "usage: vybes-worker [-dhnV] "
	    "[-f file] [--metrics-file file] [--set key=value]\n");
	exit(asked ? 0 : 2);
}

/* What a process consumes (the top comment). */
enum wk_role { WK_NOTIFY, WK_MEDIA };

struct wk {
	struct be	*be;
	enum wk_role	 role;
	int		 max_deliver;
	long long	 handled, retried, parked;
	pid_t		 media;		/* WK_NOTIFY: the media process */
	time_t		 media_at;	/* when it was started */
	char		**media_argv;	/* how to start it */
};

/* The request id an event carries (ev.c), or "-". */
static void
wk_rid(const struct mq_msg *m, char *rid, size_t sz)
{
	struct json_object	*o, *v;

	snprintf(rid, sz, "-");
	if ((o = json_tokener_parse(m->data)) == NULL)
		return;
	if (json_object_object_get_ex(o, "rid", &v) &&
	    json_object_is_type(v, json_type_string))
		log_escape(rid, sz, json_object_get_string(v));
	json_object_put(o);
}

static enum mq_verdict
wk_message(const struct mq_msg *m, void *arg)
{
	struct wk	*w = arg;
	struct verr	 e;
	char		 rid[136];
	int		 rc;

	wk_rid(m, rid, sizeof(rid));
	verr_init(&e);
	rc = w->role == WK_MEDIA ? svc_media_event(w->be, m->data, m->len,
	    &e) : svc_notify_event(w->be, m->data, m->len, &e);
	if (rc == 1)
		return MQ_ACK;		/* not the media process's */
	if (rc == 0) {
		w->handled++;
		log_info("rid=%s event on %s handled", rid, m->subject);
		return MQ_ACK;
	}
	if (e.status == 400) {
		w->parked++;
		log_err("rid=%s event on %s parked: malformed: %s", rid,
		    m->subject, e.msg);
		return MQ_PARK;
	}
	if (m->deliveries >= w->max_deliver) {
		w->parked++;
		log_err("rid=%s event on %s parked after %d deliveries: %s",
		    rid, m->subject, m->deliveries, e.detail);
		return MQ_PARK;
	}
	w->retried++;
	log_warnx("rid=%s event on %s failed (delivery %d), will retry: %s",
	    rid, m->subject, m->deliveries, e.detail);
	return MQ_RETRY;
}

/* db_outbox_list() callback: the depth needs the count alone. */
static void
wk_outbox_one(const char *subject, const char *msgid, int64_t ms, void *arg)
{
}

/*
 * Write the metrics to `path' through a temporary file and rename(2), so
 * a reader never sees half of them.  A backend that does not answer
 * leaves its series out.
 */
static void
wk_metrics(const struct wk *w, const char *path)
{
	static const char *const ev[] = { "handled", "retried", "parked" };
	const long long	 evn[] = { w->handled, w->retried, w->parked };
	struct verr	 e;
	uint64_t	 pending, acking;
	char		 tmp[4096];
	FILE		*f;
	size_t		 i;
	int		 n;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if ((f = fopen(tmp, "w")) == NULL) {
		log_warnx("metrics: %s: %s", tmp, strerror(errno));
		return;
	}
	procmet_write(f, "vybes-worker");
	fputs("# HELP vybes_worker_events_total Events settled by this "
	    "worker, by outcome.\n"
	    "# TYPE vybes_worker_events_total counter\n", f);
	for (i = 0; i < 3; i++)
		fprintf(f, "vybes_worker_events_total{outcome=\"%s\"} %lld\n",
		    ev[i], evn[i]);
	verr_init(&e);
	if (mq_consumer_pending(w->be->mq, &pending, &acking, &e) == 0)
		fprintf(f, "# HELP vybes_worker_consumer_pending Events of the "
		    "stream not yet delivered to the consumer (lag).\n"
		    "# TYPE vybes_worker_consumer_pending gauge\n"
		    "vybes_worker_consumer_pending %llu\n"
		    "# HELP vybes_worker_consumer_ack_pending Events delivered "
		    "and not yet acknowledged.\n"
		    "# TYPE vybes_worker_consumer_ack_pending gauge\n"
		    "vybes_worker_consumer_ack_pending %llu\n",
		    (unsigned long long)pending, (unsigned long long)acking);
	verr_init(&e);
	if (w->be->db != NULL && (n = db_outbox_list(w->be->db,
	    OUTBOX_COUNT_MAX, wk_outbox_one, NULL, &e)) >= 0)
		fprintf(f, "# HELP vybes_outbox_depth Events waiting in the "
		    "outbox for NATS (counted up to %d).\n"
		    "# TYPE vybes_outbox_depth gauge\n"
		    "vybes_outbox_depth %d\n", OUTBOX_COUNT_MAX, n);
	jobs_metrics(f);
	if (fclose(f) != 0 || rename(tmp, path) == -1) {
		log_warnx("metrics: %s: %s", path, strerror(errno));
		unlink(tmp);
	}
}

/*
 * SIGHUP: read the configuration again; apply what can change while the
 * backends stay connected, keep everything on an error.
 */
static void
wk_reconfigure(struct wk *w, const struct cli *cl)
{
	struct cfg	 nc;

	if (w->role == WK_NOTIFY) {
		sysd_notify("RELOADING=1");
		if (w->media > 0)
			kill(w->media, SIGHUP);
	}
	if (cli_reload(cl, &nc) == 0) {
		w->max_deliver = nc.worker_max_deliver;
		log_info("reload: log_level %s, worker_max_deliver %d applied; "
		    "other settings take effect at restart", nc.log_level,
		    nc.worker_max_deliver);
		cfg_free(&nc);
	}
	if (w->role == WK_NOTIFY)
		sysd_notify("READY=1");
}

/* Sleep up to ms, returning early on a stop signal. */
static void
wk_nap(int ms)
{
	struct timespec	 ts = { 0, 100 * 1000000 };

	for (; ms > 0 && !wk_stop; ms -= 100)
		nanosleep(&ts, NULL);
}

/*
 * Start the media process: this program again, fresh (exec), with
 * MEDIA_OPTION before the main process's arguments.  Its pid, or -1
 * (logged; tried again later).
 */
static pid_t
wk_media_spawn(struct wk *w)
{
	pid_t	 pid, parent = getpid();

	w->media_at = time(NULL);
	if ((pid = fork()) == -1) {
		log_warnx("media process: fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		/* Not the main process: systemd hears from that one only. */
		unsetenv("NOTIFY_SOCKET");
		if (prctl(PR_SET_PDEATHSIG, SIGTERM) == -1 ||
		    getppid() != parent)
			_exit(0);
		closefrom(3);
		execv("/proc/self/exe", w->media_argv);
		_exit(127);
	}
	return pid;
}

/* The main process: restart the media process if it ended. */
static void
wk_media_watch(struct wk *w)
{
	int	 st;

	if (w->media > 0 && waitpid(w->media, &st, WNOHANG) == w->media) {
		log_err("media process %d ended (%s %d); restarting",
		    (int)w->media, WIFSIGNALED(st) ? "signal" : "status",
		    WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
		w->media = -1;
	}
	if (w->media == -1 && time(NULL) - w->media_at >= MEDIA_RESPAWN)
		w->media = wk_media_spawn(w);
}

/*
 * Consume as w->role until a stop signal: events, reloads, metrics (the
 * main process only) and the periodic jobs of the role.
 */
static void
wk_run(struct wk *w, const struct cli *cl, const struct cfg *c,
    const char *metrics)
{
	struct verr	 e;
	char		 consumer[256];
	time_t		 last_metrics = 0;
	int		 down = 0;

	snprintf(consumer, sizeof(consumer), "%s%s", c->worker_consumer,
	    w->role == WK_MEDIA ? "-media" : "");
	verr_init(&e);
	/* NATS may be down at start: the consumer binds once it is back. */
	if (mq_consumer(w->be->mq, consumer, w->max_deliver, &e) == -1)
		log_warnx("nats: consumer %s not bound yet: %s", consumer,
		    e.detail);
	log_info("%s %d: consuming as %s", w->role == WK_MEDIA ?
	    "media process" : "worker", (int)getpid(), consumer);
	if (w->role == WK_NOTIFY)
		sysd_notify("READY=1");
	while (!wk_stop) {
		if (wk_reload) {
			wk_reload = 0;
			wk_reconfigure(w, cl);
		}
		if (w->role == WK_NOTIFY)
			wk_media_watch(w);
		if (metrics != NULL && time(NULL) - last_metrics >=
		    METRICS_EVERY) {
			wk_metrics(w, metrics);
			last_metrics = time(NULL);
		}
		verr_init(&e);
		if (mq_fetch(w->be->mq, FETCH_BATCH, FETCH_WAIT_MS, wk_message,
		    w, &wk_stop, &e) == -1) {
			if (!down)
				log_warnx("nats: cannot fetch events: %s; "
				    "retrying", e.detail);
			down = 1;
			wk_nap(1000);
		} else if (down) {
			log_info("nats: consuming again");
			down = 0;
		}
		if (w->role == WK_MEDIA)
			jobs_media_tick(w->be);
		else
			jobs_worker_tick(w->be);
	}
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		CLI_LONGOPTS,
		{ "metrics-file", required_argument, NULL, 'M' },
		{ NULL, 0, NULL, 0 },
	};
	struct sigaction	 sa;
	struct cli		 cl;
	struct cfg		 c;
	struct be		 b;
	struct wk		 w;
	const char		*metrics = NULL;
	int			 ch, i;

	/* The sandboxed media decoder (svc_media.c starts it). */
	if (argc == 4 && strcmp(argv[1], MDEC_OPTION) == 0)
		return mdec_main(argv[0], argv[2], atoi(argv[3]));
	memset(&w, 0, sizeof(w));
	w.role = WK_NOTIFY;
	if (argc >= 2 && strcmp(argv[1], MEDIA_OPTION) == 0) {
		w.role = WK_MEDIA;
		argv[1] = argv[0];
		argv++;
		argc--;
	} else {
		w.media_argv = xcalloc(argc + 2, sizeof(*w.media_argv));
		w.media_argv[0] = argv[0];
		w.media_argv[1] = MEDIA_OPTION;
		for (i = 1; i < argc; i++)
			w.media_argv[i + 1] = argv[i];
	}
	cli_init(&cl, "vybes-worker", usage);
	while ((ch = getopt_long(argc, argv, CLI_SHORTOPTS, longopts,
	    NULL)) != -1) {
		if (cli_option(&cl, ch, optarg))
			continue;
		if (ch != 'M')
			usage(0);
		metrics = optarg;
	}
	if (optind != argc)
		usage(0);
	if (cli_config(&cl, &c) == -1) {
		cfg_free(&c);
		return 1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = wk_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	w.max_deliver = c.worker_max_deliver;
	if (w.role == WK_NOTIFY)
		w.media = wk_media_spawn(&w);
	be_open(&b, &c);
	w.be = &b;
	wk_run(&w, &cl, &c, w.role == WK_NOTIFY ? metrics : NULL);
	if (w.role == WK_NOTIFY) {
		sysd_notify("STOPPING=1");
		if (w.media > 0) {
			kill(w.media, SIGTERM);
			while (waitpid(w.media, NULL, 0) == -1 &&
			    errno == EINTR)
				;
		}
	}
	log_info("%s %d: stopping after %lld events", w.role == WK_MEDIA ?
	    "media process" : "worker", (int)getpid(), w.handled);
	be_close(&b);
	cfg_free(&c);
	cli_free(&cl);
	free(w.media_argv);
	return 0;
}
