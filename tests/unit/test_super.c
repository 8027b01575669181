/*
 * The supervisor's bookkeeping: back-off growth and cap, what counts as
 * an early death, recycling without penalty, retiring slots, scaling
 * decisions; and the scoreboard's pure helpers.
 */
#include <sys/wait.h>

#include <string.h>

#include <CUnit/CUnit.h>

#include "score.h"
#include "super.h"
#include "unit.h"

/* wait(2) statuses as the kernel encodes them. */
#define EXITED(n)	((n) << 8)
#define SIGNALED(s)	(s)

static void
test_backoff(void)
{
	CU_ASSERT_EQUAL(super_backoff_ms(0), 0);
	CU_ASSERT_EQUAL(super_backoff_ms(1), 100);
	CU_ASSERT_EQUAL(super_backoff_ms(2), 200);
	CU_ASSERT_EQUAL(super_backoff_ms(5), 1600);
	CU_ASSERT_EQUAL(super_backoff_ms(9), 25600);
	CU_ASSERT_EQUAL(super_backoff_ms(10), SUPER_BACKOFF_MAX_MS);
	CU_ASSERT_EQUAL(super_backoff_ms(1000), SUPER_BACKOFF_MAX_MS);
}

static void
test_exits(void)
{
	struct super_slot	 s;

	CU_ASSERT_TRUE(WIFSIGNALED(SIGNALED(9)));
	CU_ASSERT_TRUE(WIFEXITED(EXITED(0)));
	memset(&s, 0, sizeof(s));
	s.pid = 100;
	s.started_ms = 1000;
	/* Killed right after start: first failure, 100 ms. */
	CU_ASSERT_EQUAL(super_slot_exited(&s, SIGNALED(9), 1500), 1);
	CU_ASSERT_EQUAL(s.pid, 0);
	CU_ASSERT_EQUAL(s.fails, 1);
	CU_ASSERT_EQUAL(s.next_start_ms, 1600);
	/* Again early: doubles. */
	s.pid = 101;
	s.started_ms = 1600;
	CU_ASSERT_EQUAL(super_slot_exited(&s, EXITED(1), 2000), 1);
	CU_ASSERT_EQUAL(s.fails, 2);
	CU_ASSERT_EQUAL(s.next_start_ms, 2200);
	/* A crash after a long life starts the count afresh. */
	s.pid = 102;
	s.started_ms = 2200;
	CU_ASSERT_EQUAL(super_slot_exited(&s, SIGNALED(11),
	    2200 + SUPER_EARLY_MS + 1), 1);
	CU_ASSERT_EQUAL(s.fails, 1);
	/* A clean exit (recycled after max_requests) restarts at once. */
	s.pid = 103;
	s.started_ms = 50000;
	CU_ASSERT_EQUAL(super_slot_exited(&s, EXITED(0), 50010), 1);
	CU_ASSERT_EQUAL(s.fails, 0);
	CU_ASSERT_EQUAL(s.next_start_ms, 50010);
	/* A retiring worker's slot is not refilled. */
	s.pid = 104;
	s.retiring = 1;
	CU_ASSERT_EQUAL(super_slot_exited(&s, SIGNALED(9), 60000), 0);
	CU_ASSERT_EQUAL(s.pid, 0);
	CU_ASSERT_EQUAL(s.retiring, 0);
}

static void
test_find(void)
{
	struct super_slot	 s[4];

	memset(s, 0, sizeof(s));
	s[1].pid = 42;
	s[3].pid = 43;
	CU_ASSERT_EQUAL(super_slot_find(s, 4, 42), 1);
	CU_ASSERT_EQUAL(super_slot_find(s, 4, 43), 3);
	CU_ASSERT_EQUAL(super_slot_find(s, 3, 43), -1);
	/* Empty slots hold pid 0, which is never a worker. */
	CU_ASSERT_EQUAL(super_slot_find(s, 4, 0), -1);
}

/* Feed one tick and return the decision, as super_scale() does. */
static int
tick(struct super_load *l, int total, int live, int busy, int64_t now)
{
	super_load_observe(l, total, live, busy, now);
	return super_scale_decision(l, 1, 4, now);
}

static void
test_scale_up(void)
{
	struct super_load	 l;

	super_load_init(&l, 0);
	/* Idle or partly busy: nothing to add. */
	CU_ASSERT_EQUAL(tick(&l, 1, 1, 0, 1000), 0);
	CU_ASSERT_EQUAL(tick(&l, 2, 2, 1, 1100), 0);
	/* All busy, but not yet for SUPER_UP_AFTER_MS. */
	CU_ASSERT_EQUAL(tick(&l, 2, 2, 2, 1200), 0);
	CU_ASSERT_EQUAL(l.busy_since, 1200);
	CU_ASSERT_EQUAL(tick(&l, 2, 2, 2, 1200 + SUPER_UP_AFTER_MS - 1), 0);
	CU_ASSERT_EQUAL(tick(&l, 2, 2, 2, 1200 + SUPER_UP_AFTER_MS), 1);
	/* One idle tick breaks the spell. */
	l.up_ms = 0;
	CU_ASSERT_EQUAL(tick(&l, 2, 2, 1, 2000), 0);
	CU_ASSERT_EQUAL(l.busy_since, -1);
	CU_ASSERT_EQUAL(tick(&l, 2, 2, 2, 2100), 0);
	/* Cool-down after an addition. */
	l.up_ms = 2200;
	CU_ASSERT_EQUAL(tick(&l, 3, 3, 3, 2200 + SUPER_UP_COOL_MS - 1), 0);
	CU_ASSERT_EQUAL(tick(&l, 3, 3, 3, 2200 + SUPER_UP_COOL_MS), 1);
	/* Never beyond max. */
	CU_ASSERT_EQUAL(tick(&l, 4, 4, 4, 10000), 0);
	/* Not while a slot waits to restart a dead worker. */
	CU_ASSERT_EQUAL(tick(&l, 3, 2, 2, 20000), 0);
	CU_ASSERT_EQUAL(tick(&l, 3, 2, 2, 30000), 0);
	/* No live worker at all is not "all busy". */
	super_load_init(&l, 0);
	CU_ASSERT_EQUAL(tick(&l, 1, 0, 0, 1000), 0);
	CU_ASSERT_EQUAL(tick(&l, 1, 0, 0, 5000), 0);
	CU_ASSERT_EQUAL(l.busy_since, -1);
}

static void
test_scale_down(void)
{
	struct super_load	 l;
	int64_t			 t0 = 100000;

	super_load_init(&l, 0);
	/* Spare capacity starts a spell; retire after SUPER_IDLE_MS. */
	CU_ASSERT_EQUAL(tick(&l, 4, 4, 3, t0), 0);
	CU_ASSERT_EQUAL(l.spare_since, t0);
	CU_ASSERT_EQUAL(tick(&l, 4, 4, 1, t0 + SUPER_IDLE_MS - 1), 0);
	CU_ASSERT_EQUAL(tick(&l, 4, 4, 0, t0 + SUPER_IDLE_MS), -1);
	/* One per SUPER_DOWN_COOL_MS, down to min and no further. */
	l.down_ms = t0 + SUPER_IDLE_MS;
	CU_ASSERT_EQUAL(tick(&l, 3, 3, 0, t0 + SUPER_IDLE_MS + 100), 0);
	CU_ASSERT_EQUAL(tick(&l, 3, 3, 0,
	    t0 + SUPER_IDLE_MS + SUPER_DOWN_COOL_MS), -1);
	l.down_ms = t0 + 20000;
	CU_ASSERT_EQUAL(tick(&l, 1, 1, 0, t0 + 60000), 0);
	/* A tick with every worker busy ends the spell. */
	super_load_init(&l, 0);
	CU_ASSERT_EQUAL(tick(&l, 3, 3, 1, t0), 0);
	CU_ASSERT_EQUAL(tick(&l, 3, 3, 3, t0 + 5000), 0);
	CU_ASSERT_EQUAL(l.spare_since, -1);
	CU_ASSERT_EQUAL(tick(&l, 3, 3, 2, t0 + 5100), 0);
	CU_ASSERT_EQUAL(tick(&l, 3, 3, 2, t0 + 5100 + SUPER_IDLE_MS - 1), 0);
	CU_ASSERT_EQUAL(tick(&l, 3, 3, 2, t0 + 5100 + SUPER_IDLE_MS), -1);
	/* Fixed size (min == max): never either way. */
	super_load_init(&l, 0);
	super_load_observe(&l, 2, 2, 2, 1000);
	CU_ASSERT_EQUAL(super_scale_decision(&l, 2, 2, 60000), 0);
	super_load_observe(&l, 2, 2, 0, 61000);
	CU_ASSERT_EQUAL(super_scale_decision(&l, 2, 2, 200000), 0);
}

static void
test_score_helpers(void)
{
	static const struct { uint64_t us; size_t want; } b[] = {
		{ 0, 0 }, { 5000, 0 }, { 5001, 1 }, { 10000, 1 },
		{ 99999, 4 }, { 1000000, 7 }, { 5000000, 9 }, { 5000001, 10 },
		{ UINT64_MAX, SCORE_NBUCKETS - 1 },
	};
	static const struct { int st; const char *d; int want; } be[] = {
		{ 503, "redis: connection refused", SCORE_BE_REDIS },
		{ 503, "mongo: server selection timeout", SCORE_BE_MONGO },
		{ 503, "mail: no transport", SCORE_BE_MAIL },
		{ 503, "storage: 500 from s3", SCORE_BE_STORAGE },
		{ 503, "redisx: no", -1 },
		{ 503, "redis", -1 },
		{ 503, "", -1 },
		{ 503, NULL, -1 },
		{ 500, "redis: oom", -1 },
	};
	struct score	*sb;
	size_t		 i, total, busy;
	ssize_t		 a, c;

	for (i = 0; i < sizeof(b) / sizeof(b[0]); i++)
		CU_ASSERT_EQUAL(score_bucket(b[i].us), b[i].want);
	for (i = 0; i < sizeof(be) / sizeof(be[0]); i++)
		CU_ASSERT_EQUAL(score_backend_of(be[i].st, be[i].d),
		    be[i].want);

	/* Slots: taken idle, released empty, counted by score_workers. */
	if ((sb = score_new(2, 3)) == NULL) {
		CU_FAIL("score_new");
		return;
	}
	CU_ASSERT_EQUAL((a = score_slot_take(sb, 10)), 0);
	CU_ASSERT_EQUAL((c = score_slot_take(sb, 20)), 1);
	CU_ASSERT_EQUAL(score_slot_take(sb, 30), -1);
	score_attach(sb, (size_t)c);
	CU_ASSERT_PTR_EQUAL(score_self(), sb);
	score_busy();
	score_workers(sb, &total, &busy);
	CU_ASSERT_EQUAL(total, 2);
	CU_ASSERT_EQUAL(busy, 1);
	score_request(0, 200, 7000, NULL);
	score_request(99, 503, 20, "nats: timeout");
	score_idle(1, 40);
	CU_ASSERT_EQUAL(sb->sc_slots[c].sl_requests, 1);
	CU_ASSERT_EQUAL(sb->sc_slots[c].sl_since_ms, 40);
	score_busy();
	score_idle(0, 50);
	CU_ASSERT_EQUAL(sb->sc_slots[c].sl_since_ms, 40);
	CU_ASSERT_EQUAL(sb->sc_req[0 * SCORE_NSTATUS + 100], 1);
	CU_ASSERT_EQUAL(sb->sc_req[2 * SCORE_NSTATUS + 403], 1);
	CU_ASSERT_EQUAL(sb->sc_hist[1], 1);
	CU_ASSERT_EQUAL(sb->sc_hist[0], 1);
	CU_ASSERT_EQUAL(sb->sc_sum_us, 7020);
	CU_ASSERT_EQUAL(sb->sc_backend[SCORE_BE_NATS], 1);
	score_slot_release(sb, (size_t)a);
	score_workers(sb, &total, &busy);
	CU_ASSERT_EQUAL(total, 1);
	CU_ASSERT_EQUAL(busy, 0);
	CU_ASSERT_EQUAL(score_slot_take(sb, 60), 0);
	score_free(sb);
	CU_ASSERT_PTR_NULL(score_self());
}

void
test_super_suite(void)
{
	CU_pSuite	 s = CU_add_suite("super", NULL, NULL);

	UNIT_ADD(s, "back-off", test_backoff);
	UNIT_ADD(s, "exit bookkeeping", test_exits);
	UNIT_ADD(s, "slot lookup", test_find);
	UNIT_ADD(s, "scale up", test_scale_up);
	UNIT_ADD(s, "scale down", test_scale_down);
	UNIT_ADD(s, "scoreboard", test_score_helpers);
}
