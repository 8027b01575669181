/*
 * vybes-api: options, configuration, the listening socket, privileges,
 * then either the prefork supervisor or a single FastCGI responder.
 *
 * Where the socket comes from decides the mode:
 *   --listen ADDR         bind it here and supervise --workers children
 *                         (between --min-workers and --max-workers);
 *   systemd (LISTEN_FDS)  or spawn-fcgi (fd 0): serve it in this process,
 *                         or supervise children when --workers,
 *                         --min-workers or --max-workers is given;
 *   none of these         bind 127.0.0.1:PORT and supervise.
 */
#include <sys/types.h>

#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfg.h"
#include "fcgi.h"
#include "log.h"
#include "sock.h"
#include "super.h"
#include "sysd.h"
#include "xmem.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR	"/etc"
#endif
#define DEFAULT_CONF	SYSCONFDIR "/vybes/vybes.conf"
#define MAXSET		64

/* Print the synopsis; to stdout with status 0 when asked for by -h. */
static void
usage(int asked)
{
	fprintf(asked ? stdout : stderr, "usage: vybes-api [-dhnV] [-f file] "
	    "[--listen unix:path | host:port]\n"
	    "\t[--workers n] [--min-workers n] [--max-workers n] "
	    "[--max-requests n]\n"
	    "\t[--pidfile file] [--set key=value]\n");
	exit(asked ? 0 : 2);
}

/* Drop root for the configured user and group, checking every step. */
static int
drop_privileges(const struct cfg *c, uid_t *uid, gid_t *gid)
{
	struct passwd	*pw;
	struct group	*gr;

	*uid = (uid_t)-1;
	*gid = (gid_t)-1;
	if (c->user == NULL || *c->user == '\0')
		return 0;
	if ((pw = getpwnam(c->user)) == NULL) {
		log_err("user %s: no such user", c->user);
		return -1;
	}
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	if (c->group != NULL && *c->group != '\0') {
		if ((gr = getgrnam(c->group)) == NULL) {
			log_err("group %s: no such group", c->group);
			return -1;
		}
		*gid = gr->gr_gid;
	}
	return 0;
}

static int
become_user(uid_t uid, gid_t gid)
{
	if (uid == (uid_t)-1 || geteuid() != 0)
		return 0;
	if (setgroups(1, &gid) == -1 || setresgid(gid, gid, gid) == -1 ||
	    setresuid(uid, uid, uid) == -1) {
		log_err("dropping privileges: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static int
write_pidfile(const char *path)
{
	FILE	*f;

	if (path == NULL || *path == '\0')
		return 0;
	if ((f = fopen(path, "w")) == NULL) {
		log_err("pidfile %s: %s", path, strerror(errno));
		return -1;
	}
	fprintf(f, "%d\n", (int)getpid());
	fclose(f);
	return 0;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "check-config", no_argument, NULL, 'n' },
		{ "config", required_argument, NULL, 'f' },
		{ "foreground", no_argument, NULL, 'd' },
		{ "listen", required_argument, NULL, 'l' },
		{ "max-requests", required_argument, NULL, 'm' },
		{ "max-workers", required_argument, NULL, 'X' },
		{ "min-workers", required_argument, NULL, 'N' },
		{ "pidfile", required_argument, NULL, 'p' },
		{ "set", required_argument, NULL, 's' },
		{ "version", no_argument, NULL, 'V' },
		{ "workers", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct super_src	 src;
	struct cfg		*c;
	char			*set[MAXSET], err[CFG_ERRLEN];
	const char		*path = DEFAULT_CONF;
	size_t			 nset = 0;
	int			 ch, check = 0, fg = 0, path_given = 0;
	int			 workers_given = 0, fd, lvl, rc;
	uid_t			 uid;
	gid_t			 gid;

	while ((ch = getopt_long(argc, argv, "df:nVh", longopts, NULL)) != -1) {
		if (nset + 1 >= MAXSET)
			usage(0);
		switch (ch) {
		case 'd':
			fg = 1;
			break;
		case 'f':
			path = optarg;
			path_given = 1;
			break;
		case 'n':
			check = 1;
			break;
		case 'V':
			printf("vybes-api %s\n", PACKAGE_VERSION);
			return 0;
		case 'l':
			if (asprintf(&set[nset++], "listen=%s", optarg) == -1)
				xnomem("asprintf");
			break;
		case 'm':
			if (asprintf(&set[nset++], "max_requests=%s",
			    optarg) == -1)
				xnomem("asprintf");
			break;
		case 'p':
			if (asprintf(&set[nset++], "pidfile=%s", optarg) == -1)
				xnomem("asprintf");
			break;
		case 'w':
			workers_given = 1;
			if (asprintf(&set[nset++], "workers=%s", optarg) == -1)
				xnomem("asprintf");
			break;
		case 'N':
			workers_given = 1;
			if (asprintf(&set[nset++], "min_workers=%s",
			    optarg) == -1)
				xnomem("asprintf");
			break;
		case 'X':
			workers_given = 1;
			if (asprintf(&set[nset++], "max_workers=%s",
			    optarg) == -1)
				xnomem("asprintf");
			break;
		case 's':
			set[nset++] = xstrdup(optarg);
			break;
		case 'h':
			usage(1);
			break;
		default:
			usage(0);
		}
	}
	if (optind != argc)
		usage(0);

	/* Under systemd or spawn-fcgi stderr is collected: log there. */
	log_open("vybes-api", fg || check || getenv("JOURNAL_STREAM") != NULL);
	c = xcalloc(1, sizeof(*c));
	if (cfg_load(c, path, !path_given, NULL, set, nset, err) == -1) {
		cfg_perror("vybes-api", err);
		return 1;
	}
	if (check) {
		printf("configuration OK\n");
		return 0;
	}
	if ((lvl = log_level_parse(c->log_level)) != -1)
		log_setlevel((enum log_level)lvl);
	if (drop_privileges(c, &uid, &gid) == -1)
		return 1;

	if (c->listen != NULL && *c->listen != '\0') {
		if ((fd = sock_listen(c->listen, c->socket_mode, uid, gid, err,
		    sizeof(err))) == -1) {
			log_err("listen: %s", err);
			return 1;
		}
		workers_given = 1;
	} else if ((fd = sock_inherited()) == -1) {
		/* Nothing inherited: listen on loopback at PORT (API.md 1.10). */
		snprintf(err, sizeof(err), "127.0.0.1:%d", c->port);
		if ((fd = sock_listen(err, c->socket_mode, uid, gid, err,
		    sizeof(err))) == -1) {
			log_err("listen: %s", err);
			return 1;
		}
		workers_given = 1;
	}
	if (write_pidfile(c->pidfile) == -1 || become_user(uid, gid) == -1)
		return 1;
	if (workers_given) {
		src.path = path;
		src.optional = !path_given;
		src.set = set;
		src.nset = nset;
		rc = super_run(fd, c, &src);
	} else {
		log_info("responder %d: serving the inherited socket",
		    (int)getpid());
		sysd_notify("READY=1");
		rc = fcgi_serve(fd, c, 0, -1, NULL, 0);
		cfg_free(c);
		free(c);
	}
	while (nset > 0)
		free(set[--nset]);
	return rc;
}
