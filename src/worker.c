/*
 * vybes-worker: consumes the domain events of the JetStream stream
 * through a durable pull consumer shared by every worker, turns them into
 * notifications, and runs the periodic jobs (outbox replay, view flush,
 * expired stories, recounts) under Redis leases.
 *
 * A message is acknowledged only after its notification is stored; one
 * whose handling failed is redelivered with a growing delay, and after
 * worker_max_deliver deliveries it is parked (terminated, with a log
 * line naming it).  SIGTERM ends the loop after the message in hand is
 * settled; messages fetched but not yet handled go back to the stream.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "be.h"
#include "cfg.h"
#include "db_mongo.h"
#include "jobs.h"
#include "log.h"
#include "mq_nats.h"
#include "svc_notify.h"
#include "verr.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR	"/etc"
#endif
#define DEFAULT_CONF	SYSCONFDIR "/vybes/vybes.conf"
#define MAXSET		64
#define FETCH_BATCH	16
#define FETCH_WAIT_MS	1000

static volatile sig_atomic_t	 wk_stop;

static void
wk_on_signal(int sig)
{
	wk_stop = 1;
}

static void
usage(int asked)
{
	fprintf(asked ? stdout : stderr, "usage: vybes-worker [-dhnV] "
	    "[-f file] [--set key=value]\n");
	exit(asked ? 0 : 2);
}

struct wk {
	struct be	*be;
	int		 max_deliver;
	long long	 handled;
};

static enum mq_verdict
wk_message(const struct mq_msg *m, void *arg)
{
	struct wk	*w = arg;
	struct verr	 e;

	verr_init(&e);
	if (svc_notify_event(w->be, m->data, m->len, &e) == 0) {
		w->handled++;
		return MQ_ACK;
	}
	if (e.status == 400) {
		log_err("event on %s parked: malformed: %s", m->subject, e.msg);
		return MQ_PARK;
	}
	if (m->deliveries >= w->max_deliver) {
		log_err("event on %s parked after %d deliveries: %s",
		    m->subject, m->deliveries, e.detail);
		return MQ_PARK;
	}
	log_warnx("event on %s failed (delivery %d), will retry: %s",
	    m->subject, m->deliveries, e.detail);
	return MQ_RETRY;
}

/* Sleep up to ms, returning early on a stop signal. */
static void
wk_nap(int ms)
{
	struct timespec	 ts = { 0, 100 * 1000000 };

	for (; ms > 0 && !wk_stop; ms -= 100)
		nanosleep(&ts, NULL);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "check-config", no_argument, NULL, 'n' },
		{ "config", required_argument, NULL, 'f' },
		{ "foreground", no_argument, NULL, 'd' },
		{ "set", required_argument, NULL, 's' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct sigaction	 sa;
	struct cfg		 c;
	struct be		 b;
	struct wk		 w;
	struct verr		 e;
	char			*set[MAXSET], err[CFG_ERRLEN];
	const char		*path = DEFAULT_CONF;
	size_t			 nset = 0;
	int			 ch, check = 0, fg = 0, given = 0, lvl;
	int			 down = 0;

	while ((ch = getopt_long(argc, argv, "df:hnV", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'd':
			fg = 1;
			break;
		case 'f':
			path = optarg;
			given = 1;
			break;
		case 'n':
			check = 1;
			break;
		case 's':
			if (nset + 1 >= MAXSET)
				usage(0);
			set[nset++] = optarg;
			break;
		case 'V':
			printf("vybes-worker %s\n", PACKAGE_VERSION);
			return 0;
		case 'h':
			usage(1);
			break;
		default:
			usage(0);
		}
	}
	if (optind != argc)
		usage(0);
	log_open("vybes-worker", fg || check ||
	    getenv("JOURNAL_STREAM") != NULL);
	if (cfg_load(&c, path, !given, NULL, set, nset, err) == -1) {
		fprintf(stderr, "vybes-worker: %s\n", err);
		cfg_free(&c);
		return 1;
	}
	if (check) {
		printf("configuration OK\n");
		cfg_free(&c);
		return 0;
	}
	if ((lvl = log_level_parse(c.log_level)) != -1)
		log_setlevel((enum log_level)lvl);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = wk_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);

	db_init();
	be_open(&b, &c);
	memset(&w, 0, sizeof(w));
	w.be = &b;
	w.max_deliver = c.worker_max_deliver;
	verr_init(&e);
	/* NATS may be down at start: the consumer binds once it is back. */
	if (mq_consumer(b.mq, c.worker_consumer, c.worker_max_deliver,
	    &e) == -1)
		log_warnx("nats: consumer %s not bound yet: %s",
		    c.worker_consumer, e.detail);
	log_info("worker %d: consuming as %s", (int)getpid(),
	    c.worker_consumer);
	while (!wk_stop) {
		verr_init(&e);
		if (mq_fetch(b.mq, FETCH_BATCH, FETCH_WAIT_MS, wk_message, &w,
		    &wk_stop, &e) == -1) {
			if (!down)
				log_warnx("nats: cannot fetch events: %s; "
				    "retrying", e.detail);
			down = 1;
			wk_nap(1000);
		} else if (down) {
			log_info("nats: consuming again");
			down = 0;
		}
		jobs_worker_tick(&b);
	}
	log_info("worker %d: stopping after %lld events", (int)getpid(),
	    w.handled);
	be_close(&b);
	db_shutdown();
	cfg_free(&c);
	return 0;
}
