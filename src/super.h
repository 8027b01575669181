/*
 * The prefork supervisor of vybes-api: forks the workers, restarts the
 * ones that die (with back-off), replaces them one by one on SIGHUP and
 * drains them on SIGTERM.  The slot bookkeeping is exposed for the unit
 * tests; it is pure and does no I/O.
 */
#ifndef SUPER_H
#define SUPER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct cfg;

/* Where a configuration comes from, to read it again on SIGHUP. */
struct super_src {
	const char	 *path;		/* config file */
	int		  optional;	/* a missing file is fine */
	char *const	 *set;		/* "key=value" overrides from flags */
	size_t		  nset;
};

struct super_slot {
	pid_t		 pid;		/* 0: empty */
	int64_t		 started_ms;
	int64_t		 next_start_ms;	/* when an empty slot may start */
	int		 fails;		/* consecutive early deaths */
	int		 retiring;	/* replaced: do not restart */
};

/* A worker that dies within this many ms of starting counts as a failure. */
#define SUPER_EARLY_MS		10000
#define SUPER_BACKOFF_MAX_MS	30000

/* Delay before restarting after `fails' consecutive early deaths. */
int64_t	 super_backoff_ms(int fails);

/*
 * Record that the worker of s exited with wait(2) status `status' at
 * `now'.  Returns 1 when the slot must be refilled (at s->next_start_ms),
 * 0 when it was retiring and the slot is now free for good.
 */
int	 super_slot_exited(struct super_slot *s, int status, int64_t now);

/* Index of the slot of `pid' in the n slots, or -1. */
ssize_t	 super_slot_find(const struct super_slot *slots, size_t n, pid_t pid);

/*
 * Run the supervisor on listening socket fd.  Takes ownership of the
 * calloc'd configuration c, replaced on each SIGHUP and freed on return.
 * Returns the exit status for main(): 0 after a drain.
 */
int	 super_run(int fd, struct cfg *c, const struct super_src *src);

#endif
