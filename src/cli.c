/*
 * Shared start-up of the daemons.  vybes-api and vybes-worker took the
 * same options and loaded the configuration the same way in two copies
 * that drifted (one bounded --set, the other every option); this file is
 * the one copy.  The overrides are kept so that SIGHUP reads exactly the
 * sources of the start again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "cli.h"
#include "log.h"
#include "xmem.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR	"/etc"
#endif
#define CLI_DEFAULT_CONF SYSCONFDIR "/vybes/vybes.conf"

void
cli_init(struct cli *cl, const char *prog, void (*usage)(int))
{
	memset(cl, 0, sizeof(*cl));
	cl->prog = prog;
	cl->usage = usage;
	cl->path = CLI_DEFAULT_CONF;
	cl->optional = 1;
}

/* The directive an override "key=value" names, NULL if none. */
static const struct cfg_key *
cli_key(const char *kv)
{
	char	 name[128];
	size_t	 len;

	len = strcspn(kv, "=");
	if (len >= sizeof(name))
		return NULL;
	memcpy(name, kv, len);
	name[len] = '\0';
	return cfg_find(name);
}

static int
cli_add(struct cli *cl, char *kv)
{
	const struct cfg_key	*k;
	size_t			 i;

	if (cl->nset == CLI_MAXSET) {
		fprintf(stderr, "%s: more than %d settings on the command "
		    "line\n", cl->prog, CLI_MAXSET);
		free(kv);
		return -1;
	}
	/* Unknown keys are left to cfg_load(), which names them. */
	if ((k = cli_key(kv)) != NULL)
		for (i = 0; i < cl->nset; i++)
			if (cli_key(cl->set[i]) == k) {
				fprintf(stderr, "%s: %s: set twice on the "
				    "command line\n", cl->prog, k->name);
				free(kv);
				return -1;
			}
	cl->set[cl->nset++] = kv;
	return 0;
}

int
cli_set(struct cli *cl, const char *key, const char *value)
{
	char	*kv;

	xasprintf(&kv, "%s=%s", key, value);
	return cli_add(cl, kv);
}

int
cli_option(struct cli *cl, int ch, const char *arg)
{
	switch (ch) {
	case 'd':
		cl->fg = 1;
		return 1;
	case 'f':
		cl->path = arg;
		cl->optional = 0;
		return 1;
	case 'n':
		cl->check = 1;
		return 1;
	case 's':
		if (cli_add(cl, xstrdup(arg)) == -1)
			cl->usage(0);
		return 1;
	case 'V':
		printf("%s %s\n", cl->prog, PACKAGE_VERSION);
		exit(0);
	case 'h':
		cl->usage(1);
		return 1;
	case '?':
		cl->usage(0);
		return 1;
	default:
		return 0;
	}
}

/* Apply log_level if it names a level (cfg_load() checked it). */
static void
cli_log_level(const struct cfg *c)
{
	int	 lvl;

	if (c->log_level != NULL && (lvl = log_level_parse(c->log_level)) !=
	    -1)
		log_setlevel((enum log_level)lvl);
}

int
cli_config(const struct cli *cl, struct cfg *c)
{
	char	 err[CFG_ERRLEN];

	/* Under systemd or spawn-fcgi stderr is collected: log there. */
	log_open(cl->prog, cl->fg || cl->check ||
	    getenv("JOURNAL_STREAM") != NULL);
	if (cfg_load(c, cl->path, cl->optional, NULL, cl->set, cl->nset,
	    err) == -1) {
		cfg_perror(cl->prog, err);
		return -1;
	}
	if (cl->check) {
		printf("configuration OK\n");
		cfg_free(c);
		exit(0);
	}
	cli_log_level(c);
	return 0;
}

int
cli_reload(const struct cli *cl, struct cfg *nc)
{
	char	 err[CFG_ERRLEN];

	if (cfg_load(nc, cl->path, cl->optional, NULL, cl->set, cl->nset,
	    err) == -1) {
		log_err("reload: keeping the running configuration");
		cfg_perror(NULL, err);
		cfg_free(nc);
		return -1;
	}
	cli_log_level(nc);
	return 0;
}

void
cli_free(struct cli *cl)
{
	while (cl->nset > 0)
		free(cl->set[--cl->nset]);
}
