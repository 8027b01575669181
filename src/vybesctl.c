/*
 * vybesctl: the administrator's tool.  `migrate' prepares the backends
 * for a release (MongoDB indexes, the JetStream stream, a check that the
 * media buckets exist) and may be run any number of times; `check' pings
 * every backend with the same bounded timeouts the API uses and prints
 * one line each, so it fits a monitoring probe or a deployment gate;
 * `outbox' lists the domain events still waiting for NATS; `recount'
 * asks vybes-worker to recompute every counter.
 * Exit status: 0 all well, 1 a backend failed, 2 usage or configuration.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "be.h"
#include "cfg.h"
#include "db_mongo.h"
#include "db_outbox.h"
#include "db_recount.h"
#include "json.h"
#include "log.h"
#include "mq_nats.h"
#include "rds_redis.h"
#include "st_s3.h"
#include "verr.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR	"/etc"
#endif
#define VYBESCTL_CONF	SYSCONFDIR "/vybes/vybes.conf"

static void
usage(FILE *f)
{
	fprintf(f, "usage: vybesctl [-hV] [-f file] migrate | check | outbox | "
	    "recount\n");
}

static double
vybesctl_ms(const struct timespec *start)
{
	struct timespec	 now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - start->tv_sec) * 1e3 +
	    (now.tv_nsec - start->tv_nsec) / 1e6;
}

/*
 * Print "name up 3ms" or "name down: reason" for a finished step and
 * return 0 or 1.  The detail starts with the backend's own name, which
 * the line already shows.
 */
static int
vybesctl_report(const char *name, const char *what, int rc,
    const struct verr *e, const struct timespec *start)
{
	const char	*why;
	size_t		 n;

	if (rc == 0) {
		printf("%s %s %.0fms\n", name, what, vybesctl_ms(start));
		return 0;
	}
	why = e->detail[0] != '\0' ? e->detail : e->msg;
	n = strlen(name);
	if (strncmp(why, name, n) == 0 && strncmp(why + n, ": ", 2) == 0)
		why += n + 2;
	printf("%s down: %s\n", name, why);
	return 1;
}

/* Both media buckets answer, within about 1 s each. */
static int
vybesctl_buckets(struct st *st, const struct cfg *c, struct verr *e)
{
	const char	*b[2];
	size_t		 i;

	b[0] = cfg_posts_bucket(c);
	b[1] = cfg_stories_bucket(c);
	for (i = 0; i < 2; i++) {
		if (b[i] == NULL)
			return verr_backend(e, "storage",
			    "no bucket configured");
		if ((i == 0 || strcmp(b[0], b[1]) != 0) &&
		    st_bucket_ok(st, b[i], e) == -1)
			return -1;
	}
	return 0;
}

static int
vybesctl_check(struct be *b)
{
	struct timespec	 t;
	struct verr	 e;
	int		 bad = 0;

	verr_init(&e);
	clock_gettime(CLOCK_MONOTONIC, &t);
	if (b->db == NULL)
		verr_backend(&e, "mongo", "MONGO_URI: not a valid connection "
		    "string");
	bad |= vybesctl_report("mongo", "up", b->db != NULL ?
	    db_ping(b->db, &e) : -1, &e, &t);

	verr_init(&e);
	clock_gettime(CLOCK_MONOTONIC, &t);
	bad |= vybesctl_report("redis", "up", rds_ping(b->rds, &e), &e, &t);

	verr_init(&e);
	clock_gettime(CLOCK_MONOTONIC, &t);
	bad |= vybesctl_report("nats", "up", mq_ping(b->mq, &e), &e, &t);

	verr_init(&e);
	clock_gettime(CLOCK_MONOTONIC, &t);
	bad |= vybesctl_report("storage", "up",
	    vybesctl_buckets(b->st, b->cfg, &e), &e, &t);
	return bad;
}

static int
vybesctl_migrate(struct be *b)
{
	struct timespec	 t;
	struct verr	 e;
	int		 bad = 0;

	verr_init(&e);
	clock_gettime(CLOCK_MONOTONIC, &t);
	if (b->db == NULL)
		verr_backend(&e, "mongo", "MONGO_URI: not a valid connection "
		    "string");
	bad |= vybesctl_report("mongo", "indexes ok", b->db != NULL ?
	    db_migrate(b->db, &e) : -1, &e, &t);

	verr_init(&e);
	clock_gettime(CLOCK_MONOTONIC, &t);
	bad |= vybesctl_report("nats", "stream ok", mq_ensure_stream(b->mq,
	    &e), &e, &t);

	verr_init(&e);
	clock_gettime(CLOCK_MONOTONIC, &t);
	bad |= vybesctl_report("storage", "buckets ok",
	    vybesctl_buckets(b->st, b->cfg, &e), &e, &t);
	return bad;
}

static void
vybesctl_outbox_line(const char *subject, const char *msgid, int64_t ms,
    void *arg)
{
	char	 ts[32];

	json_time(ts, ms);
	printf("%s %s %s\n", ts, subject, msgid);
}

/* List the events waiting in the outbox, oldest first. */
static int
vybesctl_outbox(struct be *b)
{
	struct verr	 e;
	int		 n;

	verr_init(&e);
	if (b->db == NULL || (n = db_outbox_list(b->db, 10000,
	    vybesctl_outbox_line, NULL, &e)) == -1) {
		fprintf(stderr, "vybesctl: outbox: %s\n", e.detail[0] != '\0' ?
		    e.detail : "MONGO_URI: not a valid connection string");
		return 1;
	}
	printf("%d pending\n", n);
	return 0;
}

/* Ask vybes-worker to recompute every counter. */
static int
vybesctl_recount(struct be *b)
{
	struct verr	 e;

	verr_init(&e);
	if (b->db == NULL || db_recount_request(b->db, &e) == -1) {
		fprintf(stderr, "vybesctl: recount: %s\n", e.detail[0] != '\0' ?
		    e.detail : "MONGO_URI: not a valid connection string");
		return 1;
	}
	printf("recount requested; vybes-worker logs its result\n");
	return 0;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct cfg	 c;
	struct be	 b;
	char		 err[CFG_ERRLEN];
	const char	*path = VYBESCTL_CONF;
	int		 ch, optional = 1, rc;

	log_open("vybesctl", 1);
	while ((ch = getopt_long(argc, argv, "f:hV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'f':
			path = optarg;
			/* A file named on the command line must exist. */
			optional = 0;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("vybesctl %s\n", PACKAGE_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 1 || (strcmp(argv[0], "migrate") != 0 &&
	    strcmp(argv[0], "check") != 0 && strcmp(argv[0], "outbox") != 0 &&
	    strcmp(argv[0], "recount") != 0)) {
		usage(stderr);
		return 2;
	}

	memset(&c, 0, sizeof(c));
	if (cfg_load(&c, path, optional, NULL, NULL, 0, err) == -1) {
		cfg_perror("vybesctl", err);
		cfg_free(&c);
		return 2;
	}
	if (c.log_level != NULL && (rc = log_level_parse(c.log_level)) != -1)
		log_setlevel(rc);

	memset(&b, 0, sizeof(b));
	be_open(&b, &c);
	if (strcmp(argv[0], "migrate") == 0)
		rc = vybesctl_migrate(&b);
	else if (strcmp(argv[0], "outbox") == 0)
		rc = vybesctl_outbox(&b);
	else if (strcmp(argv[0], "recount") == 0)
		rc = vybesctl_recount(&b);
	else
		rc = vybesctl_check(&b);
	be_close(&b);
	cfg_free(&c);
	return rc;
}
