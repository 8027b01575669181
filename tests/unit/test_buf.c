/*
 * The bounded buffer: appends up to the ceiling, a refused append leaves
 * the contents and sticks, the cut variant keeps what fits, and taking
 * an empty buffer still hands out a string.
 */
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "buf.h"
#include "unit.h"

static void
test_add(void)
{
	struct buf	 b;
	char		*s;
	size_t		 len;

	buf_init(&b, 8);
	CU_ASSERT_STRING_EQUAL(buf_str(&b), "");
	CU_ASSERT_EQUAL(buf_puts(&b, "abc"), 0);
	CU_ASSERT_EQUAL(buf_add(&b, "defgh", 5), 0);
	CU_ASSERT_STRING_EQUAL(buf_str(&b), "abcdefgh");
	CU_ASSERT_EQUAL(buf_add(&b, "i", 1), -1);
	CU_ASSERT(b.b_full);
	CU_ASSERT_EQUAL(b.b_len, 8);
	s = buf_take(&b, &len);
	CU_ASSERT_STRING_EQUAL(s, "abcdefgh");
	CU_ASSERT_EQUAL(len, 8);
	CU_ASSERT_PTR_NULL(b.b_data);
	free(s);
}

static void
test_sticky(void)
{
	struct buf	 b;

	buf_init(&b, 4);
	CU_ASSERT_EQUAL(buf_add(&b, "abcde", 5), -1);
	CU_ASSERT_EQUAL(buf_add(&b, "a", 1), -1);
	CU_ASSERT_EQUAL(b.b_len, 0);
	buf_free(&b);
}

static void
test_cut(void)
{
	struct buf	 b;

	buf_init(&b, 4);
	buf_add_cut(&b, "ab", 2);
	CU_ASSERT_FALSE(b.b_full);
	buf_add_cut(&b, "cdef", 4);
	CU_ASSERT(b.b_full);
	CU_ASSERT_STRING_EQUAL(buf_str(&b), "abcd");
	buf_free(&b);
}

static void
test_grow(void)
{
	struct buf	 b;
	char		 chunk[1000], *s;
	size_t		 i, len;

	memset(chunk, 'x', sizeof(chunk));
	buf_init(&b, 5000);
	for (i = 0; i < 5; i++)
		CU_ASSERT_EQUAL(buf_add(&b, chunk, sizeof(chunk)), 0);
	CU_ASSERT(b.b_cap <= 5000);
	CU_ASSERT_EQUAL(buf_add(&b, chunk, 1), -1);
	s = buf_take(&b, &len);
	CU_ASSERT_EQUAL(len, 5000);
	CU_ASSERT_EQUAL(strlen(s), 5000);
	free(s);
	buf_init(&b, 10);
	s = buf_take(&b, &len);
	CU_ASSERT_STRING_EQUAL(s, "");
	CU_ASSERT_EQUAL(len, 0);
	free(s);
}

void
test_buf_suite(void)
{
	CU_pSuite	 s;

	if ((s = CU_add_suite("buf", NULL, NULL)) == NULL)
		abort();
	UNIT_ADD(s, "append up to the ceiling", test_add);
	UNIT_ADD(s, "a refused append sticks", test_sticky);
	UNIT_ADD(s, "cut keeps what fits", test_cut);
	UNIT_ADD(s, "growth stays under the ceiling", test_grow);
}
