/*
 * The scoreboard of a vybes-api node: one anonymous shared mapping,
 * created by the supervisor before it forks, holding one slot per
 * possible child (pid, idle or busy, requests served) and the node-wide
 * counters behind /metrics.  Children update it with atomic operations
 * and never lock; the supervisor reads it to scale.
 */
#ifndef SCORE_H
#define SCORE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* READING: accepted, still reading the request's FastCGI parameters. */
enum score_state { SCORE_EMPTY, SCORE_IDLE, SCORE_BUSY, SCORE_READING };

/* Backends counted by the prefix of a 503's detail ("redis: ..."). */
enum score_backend {
	SCORE_BE_MONGO, SCORE_BE_REDIS, SCORE_BE_NATS, SCORE_BE_STORAGE,
	SCORE_BE_ETH, SCORE_BE_MAIL, SCORE_BE__MAX
};
extern const char *const score_backends[SCORE_BE__MAX];

/* Latency buckets: upper bounds in ms, then +Inf. */
#define SCORE_NBUCKETS	11
extern const int score_le_ms[SCORE_NBUCKETS - 1];

/* Statuses are counted exactly, 100 to 599. */
#define SCORE_STATUS_MIN	100
#define SCORE_NSTATUS		500

struct score_slot {
	pid_t		 sl_pid;	/* set by the child itself */
	int		 sl_state;	/* enum score_state */
	int64_t		 sl_since_ms;	/* CLOCK_MONOTONIC, last request end */
	uint64_t	 sl_requests;
};

/*
 * Everything lives in the mapping; the pointers point into it and stay
 * valid in every child because fork(2) keeps the address.
 */
struct score {
	size_t		   sc_nslots;
	size_t		   sc_nroutes;	/* rows of sc_req: routes + unmatched */
	uint64_t	   sc_hist[SCORE_NBUCKETS];	/* not cumulative */
	uint64_t	   sc_sum_us;
	uint64_t	   sc_backend[SCORE_BE__MAX];
	struct score_slot *sc_slots;
	uint64_t	  *sc_req;	/* sc_nroutes x SCORE_NSTATUS */
};

/*
 * Map a zeroed scoreboard of nslots children and nroutes routes (one
 * more row counts requests that matched none).  NULL with errno set when
 * mmap(2) fails.  Release with score_free(), which accepts NULL.
 */
struct score	*score_new(size_t nslots, size_t nroutes);
void		 score_free(struct score *);

/*
 * Supervisor: reserve an empty slot for a child about to be forked
 * (idle, no requests) and return its index, or -1 when all are taken.
 * score_slot_release() empties it again once the child is reaped.
 */
ssize_t		 score_slot_take(struct score *, int64_t now_ms);
void		 score_slot_release(struct score *, size_t slot);

/*
 * Child: make slot `slot' of sb this process's own (NULL sb: none) and
 * record its pid; score_self() returns sb afterwards, for /metrics.
 */
void		 score_attach(struct score *sb, size_t slot);
struct score	*score_self(void);

/*
 * Child: mark the own slot reading (waiting for a request's parameters,
 * which counts as busy), busy, or idle again.  `served' says a request
 * was answered: it counts and restarts the idle time; a lost accept race
 * leaves both alone.  No-ops before score_attach().
 */
void		 score_reading(void);
void		 score_busy(void);
void		 score_idle(int served, int64_t now_ms);

/*
 * Child: count one answered request of route row `route' (sc_nroutes - 1
 * for none), HTTP `status', taking `us' microseconds; `detail' is the
 * log-only detail of a failure (NULL if none), whose "backend:" prefix
 * counts a 503 against that backend.
 */
void		 score_request(size_t route, int status, uint64_t us,
		    const char *detail);

/* Pure helpers, for the unit tests. */
size_t		 score_bucket(uint64_t us);
int		 score_backend_of(int status, const char *detail);

/* Live and busy (reading included) children of sb, read atomically slot
 * by slot. */
void		 score_workers(const struct score *sb, size_t *total,
		    size_t *busy);

#endif
