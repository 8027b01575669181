/*
 * The prefork supervisor of vybes-api: forks the workers, restarts the
 * ones that die (with back-off), replaces them one by one on SIGHUP,
 * drains them on SIGTERM and scales between min_workers and max_workers
 * from the scoreboard.  The slot and scaling bookkeeping is exposed for
 * the unit tests; it is pure and does no I/O.
 */
#ifndef SUPER_H
#define SUPER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct cfg;
struct cli;

struct super_slot {
	pid_t		 pid;		/* 0: empty */
	int64_t		 started_ms;
	int64_t		 next_start_ms;	/* when an empty slot may start */
	int		 fails;		/* consecutive early deaths */
	int		 retiring;	/* replaced: do not restart */
	size_t		 score;		/* scoreboard slot, while pid != 0 */
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
 * Scaling.  At every tick (SUPER_TICK_MS while min_workers < max_workers)
 * the supervisor feeds what the scoreboard shows of its active workers
 * into super_load_observe() and acts on super_scale_decision().
 */
#define SUPER_TICK_MS		100
#define SUPER_UP_AFTER_MS	200	/* all busy this long: add one */
#define SUPER_UP_COOL_MS	500	/* between two additions */
#define SUPER_IDLE_MS		10000	/* spare this long: retire one */
#define SUPER_DOWN_COOL_MS	1000	/* between two retirements */

struct super_load {
	int		 total;		/* active slots, running or restarting */
	int		 live;		/* active slots with a running worker */
	int		 busy;		/* live workers inside a request */
	int64_t		 busy_since;	/* all live busy at every tick since */
	int64_t		 spare_since;	/* some live one idle at every tick since */
	int64_t		 up_ms;		/* last addition */
	int64_t		 down_ms;	/* last retirement */
};

/* Start l afresh at `now': no spell running, no recent change. */
void	 super_load_init(struct super_load *l, int64_t now);

/*
 * Record one tick's view at `now': total, live and busy as above.  A
 * spell (busy_since, spare_since; -1 when none) lasts while every tick
 * confirms it.
 */
void	 super_load_observe(struct super_load *l, int total, int live,
	    int busy, int64_t now);

/*
 * +1 to start one more worker: fewer than max, every slot running, all
 * busy for SUPER_UP_AFTER_MS, none added for SUPER_UP_COOL_MS.  -1 to
 * retire an idle one: more than min, some worker idle at every tick for
 * SUPER_IDLE_MS, none retired for SUPER_DOWN_COOL_MS.  0 otherwise.
 */
int	 super_scale_decision(const struct super_load *l, int min, int max,
	    int64_t now);

/*
 * Run the supervisor on listening socket fd.  Takes ownership of the
 * calloc'd configuration c, replaced on each SIGHUP (read again from the
 * sources in cl) and freed on return.  Returns the exit status for main():
 * 0 after a drain.
 */
int	 super_run(int fd, struct cfg *c, const struct cli *cl);

#endif
