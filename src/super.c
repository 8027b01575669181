/*
 * The prefork supervisor.  The master owns the listening socket and does
 * nothing but manage children: it waits for signals with sigtimedwait(2)
 * (every signal it cares about stays blocked, so none is lost between
 * two checks), reaps children, and refills slots when their back-off
 * expires.
 *
 * Reload (SIGHUP) replaces workers one at a time: the new worker is forked
 * and reports readiness through a pipe before the old one is asked to stop,
 * and the old one stops only between requests, so there is always a worker
 * accepting and no request fails.  Drain (SIGTERM) stops every worker
 * between requests and exits 0 once they are all gone.
 *
 * Scaling reads the scoreboard (score.c), where each child marks itself
 * busy or idle.  The slot table holds max_workers active slots, of which
 * the first nactive are in use, then max_workers more where retiring
 * workers finish their last request; every worker also owns a
 * scoreboard slot, given before fork and taken back when it is reaped.
 * Growing uses the next active slot; shrinking sends SIGTERM to the
 * worker idle longest (it is between requests, or finishes the one it
 * has just accepted) through the same retiring area as a reload.  The
 * same area holds the extra workers started while every active worker is
 * stuck reading a request (super_surge).
 */
#include <sys/wait.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cfg.h"
#include "cli.h"
#include "fcgi.h"
#include "log.h"
#include "router.h"
#include "score.h"
#include "super.h"
#include "sysd.h"
#include "xmem.h"

#define SUPER_READY_MS		10000
#define SUPER_DRAIN_MS		30000
#define SUPER_RETIRED		2	/* retiring: scaled down, not replaced */
#define SUPER_SURGE		3	/* extra: all others stuck reading */
#define SUPER_SURGE_MS		2000	/* all reading this long: one extra */

int64_t
super_backoff_ms(int fails)
{
	int64_t	 ms = 100;

	if (fails <= 0)
		return 0;
	while (--fails > 0 && ms < SUPER_BACKOFF_MAX_MS)
		ms *= 2;
	return ms > SUPER_BACKOFF_MAX_MS ? SUPER_BACKOFF_MAX_MS : ms;
}

int
super_slot_exited(struct super_slot *s, int status, int64_t now)
{
	int	 clean = WIFEXITED(status) && WEXITSTATUS(status) == 0;

	s->pid = 0;
	if (s->retiring) {
		s->retiring = 0;
		return 0;
	}
	/* A clean exit is a recycle after max_requests: no penalty. */
	if (clean)
		s->fails = 0;
	else if (now - s->started_ms < SUPER_EARLY_MS)
		s->fails++;
	else
		s->fails = 1;
	s->next_start_ms = now + super_backoff_ms(s->fails);
	return 1;
}

ssize_t
super_slot_find(const struct super_slot *slots, size_t n, pid_t pid)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (slots[i].pid == pid && pid != 0)
			return (ssize_t)i;
	return -1;
}

void
super_load_init(struct super_load *l, int64_t now)
{
	memset(l, 0, sizeof(*l));
	l->busy_since = l->spare_since = -1;
	l->up_ms = l->down_ms = now;
}

void
super_load_observe(struct super_load *l, int total, int live, int busy,
    int64_t now)
{
	l->total = total;
	l->live = live;
	l->busy = busy;
	if (live > 0 && busy >= live) {
		if (l->busy_since == -1)
			l->busy_since = now;
	} else
		l->busy_since = -1;
	if (busy < live) {
		if (l->spare_since == -1)
			l->spare_since = now;
	} else
		l->spare_since = -1;
}

int
super_scale_decision(const struct super_load *l, int min, int max,
    int64_t now)
{
	if (l->total < max && l->live == l->total && l->busy_since != -1 &&
	    now - l->busy_since >= SUPER_UP_AFTER_MS &&
	    now - l->up_ms >= SUPER_UP_COOL_MS)
		return 1;
	if (l->total > min && l->spare_since != -1 && l->busy < l->live &&
	    now - l->spare_since >= SUPER_IDLE_MS &&
	    now - l->down_ms >= SUPER_DOWN_COOL_MS)
		return -1;
	return 0;
}

static int64_t
super_now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct super {
	int			 fd;
	struct cfg		*cfg;
	const struct cli	*src;
	struct super_slot	*slots;		/* 2 * nmax: room to retire */
	size_t			 nslots;
	size_t			 nmax;		/* max_workers active slots */
	size_t			 nactive;	/* the first nactive are in use */
	size_t			 nmin;
	struct score		*score;
	struct super_load	 load;
	int64_t			 stuck_since;	/* all reading since, or -1 */
	sigset_t		 mask;		/* signals the master waits on */
};

/*
 * Fork a worker into slot s.  With `wait_ready', block (up to
 * SUPER_READY_MS) until it accepts.  Returns 0 or -1.
 */
static int
super_spawn(struct super *sv, struct super_slot *s, int wait_ready)
{
	struct pollfd	 pfd;
	char		 b;
	ssize_t		 idx;
	int		 p[2] = { -1, -1 }, rc;
	int		 surge = s->retiring == SUPER_SURGE;
	pid_t		 pid;

	/* Room for 2 * max_workers children: a full table is a bug. */
	if ((idx = score_slot_take(sv->score, super_now_ms())) == -1) {
		log_err("scoreboard full: %zu slots", sv->nslots);
		abort();
	}
	if (wait_ready && pipe(p) == -1) {
		log_err("pipe: %s", strerror(errno));
		score_slot_release(sv->score, (size_t)idx);
		return -1;
	}
	if ((pid = fork()) == -1) {
		log_err("fork: %s", strerror(errno));
		score_slot_release(sv->score, (size_t)idx);
		if (p[0] != -1) {
			close(p[0]);
			close(p[1]);
		}
		s->next_start_ms = super_now_ms() + 1000;
		return -1;
	}
	if (pid == 0) {
		sigprocmask(SIG_UNBLOCK, &sv->mask, NULL);
		signal(SIGCHLD, SIG_DFL);
		if (p[0] != -1)
			close(p[0]);
		/* An extra worker leaves after one request. */
		rc = fcgi_serve(sv->fd, sv->cfg, surge ? 1 :
		    sv->cfg->max_requests, p[1], sv->score, (size_t)idx);
#ifdef __SANITIZE_ADDRESS__
		/* LeakSanitizer reports from exit(3) only. */
		exit(rc);
#else
		_exit(rc);
#endif
	}
	s->pid = pid;
	s->score = (size_t)idx;
	s->started_ms = super_now_ms();
	s->retiring = surge ? SUPER_SURGE : 0;
	if (!wait_ready)
		return 0;
	close(p[1]);
	pfd.fd = p[0];
	pfd.events = POLLIN;
	do
		rc = poll(&pfd, 1, SUPER_READY_MS);
	while (rc == -1 && errno == EINTR);
	rc = rc == 1 && read(p[0], &b, 1) == 1 ? 0 : -1;
	close(p[0]);
	if (rc == -1)
		log_warnx("worker %d: not ready after %d ms", (int)pid,
		    SUPER_READY_MS);
	return rc;
}

static void
super_log_exit(pid_t pid, int status, const char *why)
{
	if (WIFSIGNALED(status))
		log_warnx("worker %d: killed by signal %d", (int)pid,
		    WTERMSIG(status));
	else if (WEXITSTATUS(status) != 0)
		log_warnx("worker %d: exited with status %d", (int)pid,
		    WEXITSTATUS(status));
	else
		log_info("worker %d: exited%s", (int)pid, why);
}

static void
super_reap(struct super *sv, int draining)
{
	struct super_slot	*s;
	ssize_t			 i;
	pid_t			 pid;
	int			 status;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if ((i = super_slot_find(sv->slots, sv->nslots, pid)) == -1)
			continue;
		s = &sv->slots[i];
		score_slot_release(sv->score, s->score);
		super_log_exit(pid, status, draining ? " (stopped)" :
		    s->retiring == SUPER_RETIRED ? " (retired)" :
		    s->retiring == SUPER_SURGE ? " (extra)" :
		    s->retiring ? " (replaced)" : " (recycled)");
		if (draining)
			s->retiring = 1;
		if (super_slot_exited(s, status, super_now_ms()) &&
		    s->fails > 0)
			log_warnx("worker slot %zd: restarting in %lld ms "
			    "(%d early deaths in a row)", i,
			    (long long)(s->next_start_ms - super_now_ms()),
			    s->fails);
	}
}

/* Start workers in empty active slots whose back-off has expired. */
static void
super_fill(struct super *sv)
{
	int64_t	 now = super_now_ms();
	size_t	 i;

	for (i = 0; i < sv->nactive; i++)
		if (sv->slots[i].pid == 0 && sv->slots[i].next_start_ms <= now)
			super_spawn(sv, &sv->slots[i], 0);
}

/*
 * Milliseconds until the earliest pending restart, capped at one tick
 * (scaling and the watch for workers stuck reading run every tick).
 */
static long
super_next_wait(const struct super *sv)
{
	int64_t	 now = super_now_ms(), w = SUPER_TICK_MS;
	size_t	 i;

	for (i = 0; i < sv->nactive; i++)
		if (sv->slots[i].pid == 0 &&
		    sv->slots[i].next_start_ms - now < w)
			w = sv->slots[i].next_start_ms - now;
	return w < 1 ? 1 : (long)w;
}

/* Move a live worker to the retiring area at the end of the table. */
static struct super_slot *
super_retire_slot(struct super *sv, size_t i)
{
	size_t	 j;

	for (j = sv->nmax; j < sv->nslots; j++)
		if (sv->slots[j].pid == 0) {
			sv->slots[j] = sv->slots[i];
			sv->slots[j].retiring = 1;
			memset(&sv->slots[i], 0, sizeof(sv->slots[i]));
			return &sv->slots[j];
		}
	return NULL;
}

static void
super_reload(struct super *sv)
{
	struct cfg	*nc;
	struct super_slot *old;
	size_t		 i;

	nc = xcalloc(1, sizeof(*nc));
	if (cli_reload(sv->src, nc) == -1) {
		free(nc);
		return;
	}
	if (nc->workers != sv->cfg->workers ||
	    nc->min_workers != sv->cfg->min_workers ||
	    nc->max_workers != sv->cfg->max_workers)
		log_warnx("reload: workers, min_workers and max_workers change "
		    "only at restart (%d, %d, %d kept)", sv->cfg->workers,
		    sv->cfg->min_workers, sv->cfg->max_workers);
	nc->workers = sv->cfg->workers;
	nc->min_workers = sv->cfg->min_workers;
	nc->max_workers = sv->cfg->max_workers;
	cfg_free(sv->cfg);
	free(sv->cfg);
	sv->cfg = nc;
	log_info("reload: configuration read, replacing workers");
	for (i = 0; i < sv->nactive; i++) {
		super_reap(sv, 0);
		if (sv->slots[i].pid == 0) {
			super_spawn(sv, &sv->slots[i], 1);
			continue;
		}
		if ((old = super_retire_slot(sv, i)) == NULL) {
			log_warnx("reload: no room to retire worker %d",
			    (int)sv->slots[i].pid);
			continue;
		}
		super_spawn(sv, &sv->slots[i], 1);
		kill(old->pid, SIGTERM);
	}
	super_load_init(&sv->load, super_now_ms());
	log_info("reload: done");
}

/* Start one more worker in the next active slot. */
static void
super_grow(struct super *sv, int64_t now)
{
	struct super_slot	*s = &sv->slots[sv->nactive];

	memset(s, 0, sizeof(*s));
	sv->nactive++;
	sv->load.up_ms = now;
	if (super_spawn(sv, s, 0) == 0)
		log_info("scale: all %d workers busy, started worker %d "
		    "(%zu of at most %zu)", sv->load.live, (int)s->pid,
		    sv->nactive, sv->nmax);
}

/*
 * Retire the live worker that has been idle longest: it moves to the
 * retiring area, gets SIGTERM, and the last active slot takes its place.
 */
static void
super_shrink(struct super *sv, int64_t now)
{
	struct score_slot	*sc;
	struct super_slot	*old;
	size_t			 i, pick = sv->nactive;
	int64_t			 since, oldest = INT64_MAX;

	for (i = 0; i < sv->nactive; i++) {
		if (sv->slots[i].pid == 0)
			continue;
		sc = &sv->score->sc_slots[sv->slots[i].score];
		if (__atomic_load_n(&sc->sl_state, __ATOMIC_ACQUIRE) !=
		    SCORE_IDLE)
			continue;
		since = __atomic_load_n(&sc->sl_since_ms, __ATOMIC_RELAXED);
		if (since < oldest) {
			oldest = since;
			pick = i;
		}
	}
	if (pick == sv->nactive || (old = super_retire_slot(sv, pick)) == NULL)
		return;
	old->retiring = SUPER_RETIRED;
	sv->load.down_ms = now;
	kill(old->pid, SIGTERM);
	log_info("scale: workers idle for %d s, retiring worker %d (%zu "
	    "left, at least %zu)", SUPER_IDLE_MS / 1000, (int)old->pid,
	    sv->nactive - 1, sv->nmin);
	if (pick != sv->nactive - 1) {
		sv->slots[pick] = sv->slots[sv->nactive - 1];
		memset(&sv->slots[sv->nactive - 1], 0, sizeof(sv->slots[0]));
	}
	sv->nactive--;
}

/* One scaling tick: look at the active workers, then act. */
static void
super_scale(struct super *sv)
{
	const struct super_slot	*s;
	int64_t			 now = super_now_ms();
	int			 live = 0, busy = 0, d;
	size_t			 i;

	if (sv->nmin >= sv->nmax)
		return;
	for (i = 0; i < sv->nactive; i++) {
		s = &sv->slots[i];
		if (s->pid == 0)
			continue;
		live++;
		busy += __atomic_load_n(&sv->score->sc_slots[s->score].sl_state,
		    __ATOMIC_ACQUIRE) != SCORE_IDLE;
	}
	super_load_observe(&sv->load, (int)sv->nactive, live, busy, now);
	d = super_scale_decision(&sv->load, (int)sv->nmin, (int)sv->nmax, now);
	if (d > 0)
		super_grow(sv, now);
	else if (d < 0)
		super_shrink(sv, now);
}

/*
 * Idle or stalled connections can hold every worker in the read of a
 * request's parameters until the deadline (params_timeout_ms).  While all
 * active workers have been reading for SUPER_SURGE_MS, start one extra
 * worker (at most max_workers of them, in the retiring area), which
 * serves one request and leaves; once a worker is free again, extras
 * still idle are stopped.
 */
static void
super_surge(struct super *sv)
{
	struct super_slot	*s;
	int64_t			 now = super_now_ms();
	size_t			 i, live = 0, reading = 0;
	int			 st;

	for (i = 0; i < sv->nactive; i++) {
		if (sv->slots[i].pid == 0)
			continue;
		live++;
		reading += __atomic_load_n(&sv->score->sc_slots[
		    sv->slots[i].score].sl_state, __ATOMIC_ACQUIRE) ==
		    SCORE_READING;
	}
	if (live == 0 || reading < live) {
		sv->stuck_since = -1;
		for (i = sv->nmax; i < sv->nslots; i++) {
			s = &sv->slots[i];
			if (s->pid == 0 || s->retiring != SUPER_SURGE)
				continue;
			st = __atomic_load_n(&sv->score->sc_slots[
			    s->score].sl_state, __ATOMIC_ACQUIRE);
			if (st != SCORE_IDLE)
				continue;
			s->retiring = SUPER_RETIRED;
			kill(s->pid, SIGTERM);
		}
		return;
	}
	if (sv->stuck_since == -1)
		sv->stuck_since = now;
	if (now - sv->stuck_since < SUPER_SURGE_MS)
		return;
	for (i = sv->nmax; i < sv->nslots; i++)
		if (sv->slots[i].pid == 0)
			break;
	if (i == sv->nslots)
		return;
	s = &sv->slots[i];
	memset(s, 0, sizeof(*s));
	s->retiring = SUPER_SURGE;
	sv->stuck_since = now;
	if (super_spawn(sv, s, 0) == 0)
		log_warnx("all %zu workers stuck reading requests for %d ms: "
		    "started extra worker %d", live, SUPER_SURGE_MS,
		    (int)s->pid);
}

static int
super_drain(struct super *sv)
{
	struct timespec	 ts = { 0, 100 * 1000000 };
	int64_t		 deadline = super_now_ms() + SUPER_DRAIN_MS;
	size_t		 i, live;

	log_info("draining: stopping workers after their current request");
	/*
	 * Remove our socket's name first: new connections then fail at once
	 * and the web server sends them to another node, while the workers
	 * serve what is already queued before they exit.
	 */
	if (sv->cfg->listen != NULL && strncmp(sv->cfg->listen, "unix:",
	    5) == 0 && unlink(sv->cfg->listen + 5) == -1 && errno != ENOENT)
		log_warnx("unlink %s: %s", sv->cfg->listen + 5,
		    strerror(errno));
	for (i = 0; i < sv->nslots; i++)
		if (sv->slots[i].pid != 0)
			kill(sv->slots[i].pid, SIGTERM);
	for (;;) {
		super_reap(sv, 1);
		for (i = live = 0; i < sv->nslots; i++)
			live += sv->slots[i].pid != 0;
		if (live == 0)
			break;
		if (super_now_ms() > deadline) {
			log_err("drain: %zu workers still busy after %d ms, "
			    "killing them", live, SUPER_DRAIN_MS);
			for (i = 0; i < sv->nslots; i++)
				if (sv->slots[i].pid != 0)
					kill(sv->slots[i].pid, SIGKILL);
			deadline = super_now_ms() + SUPER_DRAIN_MS;
		}
		sigtimedwait(&sv->mask, NULL, &ts);
	}
	log_info("drained: exiting");
	return 0;
}

int
super_run(int fd, struct cfg *c, const struct cli *src)
{
	struct super	 sv;
	struct timespec	 ts;
	long		 ms;
	size_t		 i;
	int		 sig;

	memset(&sv, 0, sizeof(sv));
	sv.fd = fd;
	sv.cfg = c;
	sv.src = src;
	sv.nactive = (size_t)c->workers;
	sv.nmin = (size_t)c->min_workers;
	sv.nmax = (size_t)c->max_workers;
	sv.nslots = 2 * sv.nmax;
	sv.slots = xcalloc(sv.nslots, sizeof(*sv.slots));
	if ((sv.score = score_new(sv.nslots, router_nroutes + 1)) == NULL) {
		log_err("scoreboard: mmap: %s", strerror(errno));
		free(sv.slots);
		cfg_free(sv.cfg);
		free(sv.cfg);
		return 1;
	}
	super_load_init(&sv.load, super_now_ms());
	sv.stuck_since = -1;
	sigemptyset(&sv.mask);
	sigaddset(&sv.mask, SIGCHLD);
	sigaddset(&sv.mask, SIGTERM);
	sigaddset(&sv.mask, SIGINT);
	sigaddset(&sv.mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &sv.mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (sv.nmin < sv.nmax)
		log_info("supervisor %d: starting %zu workers, scaling "
		    "between %zu and %zu", (int)getpid(), sv.nactive, sv.nmin,
		    sv.nmax);
	else
		log_info("supervisor %d: starting %zu workers", (int)getpid(),
		    sv.nactive);
	/* Ready for systemd (Type=notify) once one worker serves. */
	for (i = 0; i < sv.nactive; i++)
		super_spawn(&sv, &sv.slots[i], i == 0);
	sysd_notify("READY=1");
	for (;;) {
		ms = super_next_wait(&sv);
		ts.tv_sec = ms / 1000;
		ts.tv_nsec = (ms % 1000) * 1000000;
		sig = sigtimedwait(&sv.mask, NULL, &ts);
		switch (sig) {
		case SIGTERM:
		case SIGINT:
			sysd_notify("STOPPING=1");
			sig = super_drain(&sv);
			score_free(sv.score);
			free(sv.slots);
			cfg_free(sv.cfg);
			free(sv.cfg);
			return sig;
		case SIGHUP:
			sysd_notify("RELOADING=1");
			super_reload(&sv);
			sysd_notify("READY=1");
			break;
		default:
			break;
		}
		super_reap(&sv, 0);
		super_fill(&sv);
		super_scale(&sv);
		super_surge(&sv);
	}
}
