/*
 * vybesctl: the administrator's tool.  `migrate' prepares the backends
 * for a release (MongoDB indexes, the JetStream stream, a check that the
 * media buckets exist) and may be run any number of times; `check' pings
 * every backend with the same bounded timeouts the API uses and prints
 * one line each, so it fits a monitoring probe or a deployment gate;
 * `outbox' lists the domain events still waiting for NATS; `recount'
 * asks vybes-worker to recompute every counter; `reports', `resolve',
 * `suspend' and `unsuspend' handle reports of abuse (API.md 6.2).
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
#include "db_posts.h"
#include "db_recount.h"
#include "db_reports.h"
#include "db_users.h"
#include "enc.h"
#include "json.h"
#include "log.h"
#include "mq_nats.h"
#include "rds_redis.h"
#include "st_s3.h"
#include "svc_account.h"
#include "svc_post.h"
#include "verr.h"
#include "xmem.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR	"/etc"
#endif
#define VYBESCTL_CONF	SYSCONFDIR "/vybes/vybes.conf"

static void
usage(FILE *f)
{
	fprintf(f, "usage: vybesctl [-hV] [-f file] migrate | check | outbox | "
	    "recount\n"
	    "       vybesctl [-f file] reports\n"
	    "       vybesctl [-f file] resolve report dismissed | removed\n"
	    "       vybesctl [-f file] suspend | unsuspend user\n");
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

/* A short one-line excerpt of s into out. */
static void
vybesctl_excerpt(char out[64], const char *s)
{
	size_t	 i;

	for (i = 0; s[i] != '\0' && i < 60; i++)
		out[i] = s[i] == '\n' || s[i] == '\t' ? ' ' : s[i];
	/* Never cut a UTF-8 sequence. */
	while (i > 0 && s[i] != '\0' && ((unsigned char)s[i] & 0xc0) == 0x80)
		i--;
	out[i] = '\0';
}

/* The username of id, or "-" when gone. */
static void
vybesctl_name(struct be *b, const char *id, char out[32])
{
	struct user	*u;
	struct verr	 e;

	u = xmalloc(sizeof(*u));
	verr_init(&e);
	snprintf(out, 32, "%s", db_user_by_id(b->db, id, u, &e) == 0 &&
	    u->username[0] != '\0' ? u->username : "-");
	free(u);
}

static void
vybesctl_report_line(const struct report *rp, void *arg)
{
	struct be	*b = arg;
	struct post	*p;
	struct comment	*c;
	struct verr	 e;
	char		 ts[32], who[32], owner[32], what[64];

	p = xmalloc(sizeof(*p));
	c = xmalloc(sizeof(*c));
	verr_init(&e);
	snprintf(what, sizeof(what), "(gone)");
	if (strcmp(rp->type, "post") == 0 &&
	    db_post_get(b->db, rp->target, p, &e) == 0)
		vybesctl_excerpt(what, p->caption[0] != '\0' ? p->caption :
		    p->content_url);
	else if (strcmp(rp->type, "comment") == 0 &&
	    db_comment_get(b->db, rp->target, c, &e) == 0)
		vybesctl_excerpt(what, c->text);
	else if (strcmp(rp->type, "user") == 0)
		snprintf(what, sizeof(what), "(account)");
	json_time(ts, rp->created_ms);
	vybesctl_name(b, rp->reporter, who);
	vybesctl_name(b, rp->target_user, owner);
	printf("%s %s %s %s %s by %s against %s: %s", rp->id, ts, rp->reason,
	    rp->type, rp->target, who, owner, what);
	if (rp->details[0] != '\0')
		printf(" [%s]", rp->details);
	printf("\n");
	free(p);
	free(c);
}

static int
vybesctl_fail(const char *what, const struct verr *e)
{
	fprintf(stderr, "vybesctl: %s: %s\n", what, e->detail[0] != '\0' ?
	    e->detail : e->msg[0] != '\0' ? e->msg :
	    "MONGO_URI: not a valid connection string");
	return 1;
}

/* List the open reports, oldest first. */
static int
vybesctl_reports(struct be *b)
{
	struct verr	 e;

	verr_init(&e);
	if (b->db == NULL || db_report_list_open(b->db, 10000,
	    vybesctl_report_line, b, &e) == -1)
		return vybesctl_fail("reports", &e);
	return 0;
}

/* Remove the target of report rp as its author would. */
static int
vybesctl_remove(struct be *b, const struct report *rp, struct verr *e)
{
	struct post	*p;
	struct comment	*c;
	struct verr	 fe;
	int		 rc = -1;

	p = xmalloc(sizeof(*p));
	c = xmalloc(sizeof(*c));
	verr_init(&fe);
	if (strcmp(rp->type, "user") == 0)
		verr_set(e, 400, "bad_request", "a user is suspended, not "
		    "removed: vybesctl suspend");
	else if (strcmp(rp->type, "post") == 0) {
		if (db_post_get(b->db, rp->target, p, &fe) == 0)
			rc = svc_post_remove(b, p, e) == -1 ? -1 : 0;
		else if (fe.status == 404)
			rc = 0;		/* already deleted */
		else
			*e = fe;
	} else if (db_comment_get(b->db, rp->target, c, &fe) == 0) {
		if (db_post_get(b->db, c->post_id, p, &fe) == 0)
			rc = svc_comment_remove(b, c, p->user_id, e) == -1 ?
			    -1 : 0;
		else if (fe.status == 404)
			rc = 0;		/* went with its post */
		else
			*e = fe;
	} else if (fe.status == 404)
		rc = 0;
	else
		*e = fe;
	free(p);
	free(c);
	return rc;
}

/*
 * Resolve report id as dismissed (that report) or removed (the target
 * removed, and every open report on it closed).
 */
static int
vybesctl_resolve(struct be *b, const char *id, const char *how)
{
	struct report	*rp;
	struct verr	 e;
	int64_t		 n;
	int		 removed = strcmp(how, "removed") == 0, rc = 1;

	rp = xmalloc(sizeof(*rp));
	verr_init(&e);
	if (b->db == NULL || db_report_get(b->db, id, rp, &e) == -1 ||
	    (removed && vybesctl_remove(b, rp, &e) == -1) ||
	    db_report_close(b->db, rp, how, removed, &n, &e) == -1)
		vybesctl_fail("resolve", &e);
	else {
		printf("%lld report%s %s\n", (long long)n, n == 1 ? "" : "s",
		    how);
		rc = 0;
	}
	free(rp);
	return rc;
}

/* Suspend (on=1) or unsuspend the user of that username or id. */
static int
vybesctl_suspend(struct be *b, const char *who, int on)
{
	struct user	*u;
	struct verr	 e;
	int		 rc = 1;

	u = xmalloc(sizeof(*u));
	verr_init(&e);
	if (b->db == NULL || (enc_is_oid(who) ? db_user_by_id(b->db, who, u,
	    &e) : db_user_by_username(b->db, who, u, &e)) == -1 ||
	    svc_account_suspend(b, "vybesctl", u->id, on, &e) == -1)
		vybesctl_fail(on ? "suspend" : "unsuspend", &e);
	else {
		printf("%s (%s) %s\n", u->username, u->id, on ?
		    "suspended, sessions revoked" : "unsuspended");
		rc = 0;
	}
	free(u);
	return rc;
}

/* Are argv[0..argc-1] a command with its operands? */
static int
vybesctl_args(int argc, char *argv[])
{
	static const struct {
		const char	*name;
		int		 nargs;
	} cmds[] = {
		{ "migrate", 0 }, { "check", 0 }, { "outbox", 0 },
		{ "recount", 0 }, { "reports", 0 }, { "resolve", 2 },
		{ "suspend", 1 }, { "unsuspend", 1 },
	};
	size_t	 i;

	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (strcmp(argv[0], cmds[i].name) == 0)
			break;
	if (i == sizeof(cmds) / sizeof(cmds[0]) || argc != cmds[i].nargs + 1)
		return 0;
	/* A report is resolved one of two ways. */
	return strcmp(argv[0], "resolve") != 0 ||
	    strcmp(argv[2], "dismissed") == 0 || strcmp(argv[2], "removed") == 0;
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
	if (argc < 1 || !vybesctl_args(argc, argv)) {
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
	else if (strcmp(argv[0], "reports") == 0)
		rc = vybesctl_reports(&b);
	else if (strcmp(argv[0], "resolve") == 0)
		rc = vybesctl_resolve(&b, argv[1], argv[2]);
	else if (strcmp(argv[0], "suspend") == 0 ||
	    strcmp(argv[0], "unsuspend") == 0)
		rc = vybesctl_suspend(&b, argv[1], argv[0][0] == 's');
	else
		rc = vybesctl_check(&b);
	be_close(&b);
	cfg_free(&c);
	return rc;
}
