/*
 * The command line and configuration steps vybes-api and vybes-worker
 * share: -d, -f, -n, -V and --set, loading vybes.conf with those
 * overrides, the -n answer, the stderr/syslog switch and the log level,
 * and reading the same sources again on SIGHUP.
 */
#ifndef CLI_H
#define CLI_H

#include <stddef.h>

#define CLI_MAXSET	64

/* The options cli_option() takes: the start of each program's tables. */
#define CLI_SHORTOPTS	"df:hnV"
#define CLI_LONGOPTS							\
	{ "check-config", no_argument, NULL, 'n' },			\
	{ "config", required_argument, NULL, 'f' },			\
	{ "foreground", no_argument, NULL, 'd' },			\
	{ "set", required_argument, NULL, 's' },			\
	{ "version", no_argument, NULL, 'V' },				\
	{ "help", no_argument, NULL, 'h' }

struct cfg;

struct cli {
	const char	*prog;		/* "vybes-api", for messages */
	void		(*usage)(int);	/* print the synopsis and exit */
	const char	*path;		/* -f, else the default file */
	int		 optional;	/* no -f: a missing file is fine */
	int		 check;		/* -n */
	int		 fg;		/* -d */
	char		*set[CLI_MAXSET]; /* "key=value" overrides, owned */
	size_t		 nset;
};

/*
 * Start cl for program prog with the default configuration file; usage(1)
 * prints the synopsis for -h and exits 0, usage(0) on stderr, exit 2.
 */
void	cli_init(struct cli *cl, const char *prog, void (*usage)(int));

/*
 * Take the shared option ch (CLI_SHORTOPTS, 's' for --set) with its
 * argument: returns 1 if ch was one of them, 0 if not.  -V prints the
 * version and -h the usage, both exit 0; a bad --set or an unknown
 * option ('?') shows the usage and exits 2.
 */
int	cli_option(struct cli *cl, int ch, const char *arg);

/*
 * Override `key' (file key or environment name) with value.  A key given
 * twice on the command line (--set, or a flag and --set) or more than
 * CLI_MAXSET overrides is an error printed on stderr: returns -1.
 */
int	cli_set(struct cli *cl, const char *key, const char *value);

/*
 * Open the log (stderr with -d, -n or under systemd, else syslog), load
 * c from the file, the environment and the overrides, and set the log
 * level.  With -n prints "configuration OK", frees c's contents and
 * exits 0.  On errors, printed on stderr, returns -1; c then still
 * needs cfg_free().
 */
int	cli_config(const struct cli *cl, struct cfg *c);

/*
 * SIGHUP: load nc again from the same sources and apply its log level.
 * On errors, logged with the running configuration kept, returns -1 and
 * nc is released; else nc needs cfg_free().
 */
int	cli_reload(const struct cli *cl, struct cfg *nc);

/* Release the overrides. */
void	cli_free(struct cli *cl);

#endif
