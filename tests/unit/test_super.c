/*
 * The supervisor's bookkeeping: back-off growth and cap, what counts as
 * an early death, recycling without penalty, retiring slots.
 */
#include <sys/wait.h>

#include <string.h>

#include <CUnit/CUnit.h>

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

void
test_super_suite(void)
{
	CU_pSuite	 s = CU_add_suite("super", NULL, NULL);

	UNIT_ADD(s, "back-off", test_backoff);
	UNIT_ADD(s, "exit bookkeeping", test_exits);
	UNIT_ADD(s, "slot lookup", test_find);
}
