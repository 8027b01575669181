/*
 * The scoreboard.  One MAP_SHARED|MAP_ANONYMOUS mapping made before the
 * first fork is the only memory the processes of a node share, so every
 * field is written with __atomic builtins: counters with relaxed
 * fetch-add (each is independent; a reader may see one request in the
 * requests counter a moment before its histogram bucket, never a torn
 * value), slot states with release stores so that the supervisor, which
 * reads with acquire loads, sees the time a child went idle together with
 * the state.  Nothing locks: a child killed in the middle of a request
 * can leave nothing held.
 *
 * Slot ownership: the supervisor moves a slot between empty and idle
 * (before fork, after reap); the child that owns it moves it between
 * idle and busy.  The two never write a slot at the same time.
 */
#include <sys/mman.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "score.h"

const char *const score_backends[SCORE_BE__MAX] = {
	"mongo", "redis", "nats", "storage", "eth", "mail"
};

const int score_le_ms[SCORE_NBUCKETS - 1] = {
	5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000
};

static struct score	*score_cur;	/* this process's board */
static size_t		 score_cur_slot;

static size_t
score_size(size_t nslots, size_t nroutes, size_t *slots_off, size_t *req_off)
{
	size_t	 off;

	off = (sizeof(struct score) + 63) & ~(size_t)63;
	*slots_off = off;
	off += nslots * sizeof(struct score_slot);
	off = (off + 63) & ~(size_t)63;
	*req_off = off;
	return off + nroutes * SCORE_NSTATUS * sizeof(uint64_t);
}

struct score *
score_new(size_t nslots, size_t nroutes)
{
	struct score	*sb;
	size_t		 len, so, ro;
	void		*p;

	len = score_size(nslots, nroutes, &so, &ro);
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
	    -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	/* Anonymous mappings are zero-filled: every slot is empty. */
	sb = p;
	sb->sc_nslots = nslots;
	sb->sc_nroutes = nroutes;
	sb->sc_slots = (struct score_slot *)((char *)p + so);
	sb->sc_req = (uint64_t *)((char *)p + ro);
	return sb;
}

void
score_free(struct score *sb)
{
	size_t	 so, ro;

	if (sb == NULL)
		return;
	if (sb == score_cur)
		score_cur = NULL;
	munmap(sb, score_size(sb->sc_nslots, sb->sc_nroutes, &so, &ro));
}

ssize_t
score_slot_take(struct score *sb, int64_t now_ms)
{
	struct score_slot	*s;
	size_t			 i;

	for (i = 0; i < sb->sc_nslots; i++) {
		s = &sb->sc_slots[i];
		if (__atomic_load_n(&s->sl_state, __ATOMIC_ACQUIRE) !=
		    SCORE_EMPTY)
			continue;
		__atomic_store_n(&s->sl_pid, 0, __ATOMIC_RELAXED);
		__atomic_store_n(&s->sl_requests, 0, __ATOMIC_RELAXED);
		__atomic_store_n(&s->sl_since_ms, now_ms, __ATOMIC_RELAXED);
		__atomic_store_n(&s->sl_state, SCORE_IDLE, __ATOMIC_RELEASE);
		return (ssize_t)i;
	}
	return -1;
}

void
score_slot_release(struct score *sb, size_t slot)
{
	if (sb == NULL || slot >= sb->sc_nslots)
		return;
	__atomic_store_n(&sb->sc_slots[slot].sl_pid, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&sb->sc_slots[slot].sl_state, SCORE_EMPTY,
	    __ATOMIC_RELEASE);
}

void
score_attach(struct score *sb, size_t slot)
{
	score_cur = sb;
	score_cur_slot = slot;
	if (sb != NULL && slot < sb->sc_nslots)
		__atomic_store_n(&sb->sc_slots[slot].sl_pid, getpid(),
		    __ATOMIC_RELAXED);
}

struct score *
score_self(void)
{
	return score_cur;
}

static void
score_set(int state)
{
	if (score_cur == NULL)
		return;
	__atomic_store_n(&score_cur->sc_slots[score_cur_slot].sl_state,
	    state, __ATOMIC_RELEASE);
}

void
score_reading(void)
{
	score_set(SCORE_READING);
}

void
score_busy(void)
{
	score_set(SCORE_BUSY);
}

void
score_idle(int served, int64_t now_ms)
{
	struct score_slot	*s;

	if (score_cur == NULL)
		return;
	s = &score_cur->sc_slots[score_cur_slot];
	if (served) {
		__atomic_fetch_add(&s->sl_requests, 1, __ATOMIC_RELAXED);
		__atomic_store_n(&s->sl_since_ms, now_ms, __ATOMIC_RELAXED);
	}
	__atomic_store_n(&s->sl_state, SCORE_IDLE, __ATOMIC_RELEASE);
}

size_t
score_bucket(uint64_t us)
{
	size_t	 i;

	for (i = 0; i < SCORE_NBUCKETS - 1; i++)
		if (us <= (uint64_t)score_le_ms[i] * 1000)
			return i;
	return SCORE_NBUCKETS - 1;
}

int
score_backend_of(int status, const char *detail)
{
	size_t	 i, n;

	if (status != 503 || detail == NULL)
		return -1;
	for (i = 0; i < SCORE_BE__MAX; i++) {
		n = strlen(score_backends[i]);
		if (strncmp(detail, score_backends[i], n) == 0 &&
		    detail[n] == ':')
			return (int)i;
	}
	return -1;
}

void
score_request(size_t route, int status, uint64_t us, const char *detail)
{
	struct score	*sb = score_cur;
	int		 be;

	if (sb == NULL)
		return;
	if (route >= sb->sc_nroutes)
		route = sb->sc_nroutes - 1;
	if (status < SCORE_STATUS_MIN ||
	    status >= SCORE_STATUS_MIN + SCORE_NSTATUS)
		status = 500;
	__atomic_fetch_add(&sb->sc_req[route * SCORE_NSTATUS +
	    (size_t)(status - SCORE_STATUS_MIN)], 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&sb->sc_hist[score_bucket(us)], 1,
	    __ATOMIC_RELAXED);
	__atomic_fetch_add(&sb->sc_sum_us, us, __ATOMIC_RELAXED);
	if ((be = score_backend_of(status, detail)) != -1)
		__atomic_fetch_add(&sb->sc_backend[be], 1, __ATOMIC_RELAXED);
}

void
score_workers(const struct score *sb, size_t *total, size_t *busy)
{
	size_t	 i;
	int	 st;

	*total = *busy = 0;
	for (i = 0; i < sb->sc_nslots; i++) {
		st = __atomic_load_n(&sb->sc_slots[i].sl_state,
		    __ATOMIC_ACQUIRE);
		*total += st != SCORE_EMPTY;
		*busy += st == SCORE_BUSY || st == SCORE_READING;
	}
}
