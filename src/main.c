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
#include "cli.h"
#include "fcgi.h"
#include "log.h"
#include "sock.h"
#include "super.h"
#include "sysd.h"
#include "xmem.h"


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
		CLI_LONGOPTS,
		{ "listen", required_argument, NULL, 'l' },
		{ "max-requests", required_argument, NULL, 'm' },
		{ "max-workers", required_argument, NULL, 'X' },
		{ "min-workers", required_argument, NULL, 'N' },
		{ "pidfile", required_argument, NULL, 'p' },
		{ "workers", required_argument, NULL, 'w' },
		{ NULL, 0, NULL, 0 },
	};
	static const struct {
		int		 ch;
		const char	*key;
	} flags[] = {
		{ 'l', "listen" },
		{ 'm', "max_requests" },
		{ 'p', "pidfile" },
		{ 'w', "workers" },
		{ 'N', "min_workers" },
		{ 'X', "max_workers" },
	};
	struct cli		 cl;
	struct cfg		*c;
	char			 addr[64], err[CFG_ERRLEN];
	size_t			 i;
	int			 ch, workers_given = 0, fd, rc;
	uid_t			 uid;
	gid_t			 gid;

	cli_init(&cl, "vybes-api", usage);
	while ((ch = getopt_long(argc, argv, CLI_SHORTOPTS, longopts,
	    NULL)) != -1) {
		if (cli_option(&cl, ch, optarg))
			continue;
		for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
			if (flags[i].ch == ch)
				break;
		if (i == sizeof(flags) / sizeof(flags[0]) ||
		    cli_set(&cl, flags[i].key, optarg) == -1)
			usage(0);
		if (ch == 'w' || ch == 'N' || ch == 'X')
			workers_given = 1;
	}
	if (optind != argc)
		usage(0);

	c = xcalloc(1, sizeof(*c));
	if (cli_config(&cl, c) == -1) {
		cfg_free(c);
		free(c);
		return 1;
	}
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
		snprintf(addr, sizeof(addr), "127.0.0.1:%d", c->port);
		if ((fd = sock_listen(addr, c->socket_mode, uid, gid, err,
		    sizeof(err))) == -1) {
			log_err("listen: %s", err);
			return 1;
		}
		workers_given = 1;
	}
	if (write_pidfile(c->pidfile) == -1 || become_user(uid, gid) == -1)
		return 1;
	if (workers_given)
		rc = super_run(fd, c, &cl);
	else {
		log_info("responder %d: serving the inherited socket",
		    (int)getpid());
		sysd_notify("READY=1");
		rc = fcgi_serve(fd, c, 0, -1, NULL, 0);
		cfg_free(c);
		free(c);
	}
	cli_free(&cl);
	return rc;
}
