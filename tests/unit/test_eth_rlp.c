/*
 * RLP: the examples of the Ethereum wiki's RLP page (ethereum.org, "Recursive-
 * length prefix (RLP) serialization"), which also are the yellow paper's
 * rules, long strings and lists with the 0xb8/0xf8 forms (checked with
 * ethers v6 encodeRlp), pre-encoded items, the ceiling and misuse.
 */
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "eth_rlp.h"
#include "unit.h"

#define LOREM	"Lorem ipsum dolor sit amet, consectetur adipisicing elit"

/* Finish r and compare with the n bytes of want. */
static void
eth_rlp_check(struct eth_rlp *r, const void *want, size_t n)
{
	unsigned char	*out;
	size_t		 len;

	CU_ASSERT_EQUAL_FATAL(eth_rlp_finish(r, &out, &len), 0);
	CU_ASSERT_EQUAL(len, n);
	if (len == n)
		CU_ASSERT_EQUAL(memcmp(out, want, n), 0);
	free(out);
}

static void
test_strings(void)
{
	struct eth_rlp	 r;
	unsigned char	 want[2 + sizeof(LOREM) - 1];

	eth_rlp_init(&r, 1024);
	eth_rlp_bytes(&r, "dog", 3);
	eth_rlp_check(&r, "\x83" "dog", 4);

	eth_rlp_init(&r, 1024);
	eth_rlp_bytes(&r, "", 0);
	eth_rlp_check(&r, "\x80", 1);

	/* one byte below 0x80 is itself, from 0x80 it has a header */
	eth_rlp_init(&r, 1024);
	eth_rlp_bytes(&r, "\x00", 1);
	eth_rlp_bytes(&r, "\x7f", 1);
	eth_rlp_bytes(&r, "\x80", 1);
	eth_rlp_check(&r, "\x00\x7f\x81\x80", 4);

	/* 56 bytes: the first long string, 0xb8 0x38 */
	eth_rlp_init(&r, 1024);
	eth_rlp_bytes(&r, LOREM, sizeof(LOREM) - 1);
	want[0] = 0xb8;
	want[1] = 0x38;
	memcpy(want + 2, LOREM, sizeof(LOREM) - 1);
	eth_rlp_check(&r, want, sizeof(want));

	/* 55 bytes: the last short string */
	eth_rlp_init(&r, 1024);
	eth_rlp_bytes(&r, LOREM, 55);
	want[1] = 0xb7;
	memcpy(want + 2, LOREM, 55);
	eth_rlp_check(&r, want + 1, 56);
}

static void
test_long_string(void)
{
	struct eth_rlp	 r;
	unsigned char	*in, *out;
	size_t		 len;

	/* 1024 bytes: 0xb9 0x04 0x00 */
	if ((in = malloc(1024)) == NULL)
		abort();
	memset(in, 'a', 1024);
	eth_rlp_init(&r, 2048);
	CU_ASSERT_EQUAL(eth_rlp_bytes(&r, in, 1024), 0);
	CU_ASSERT_EQUAL_FATAL(eth_rlp_finish(&r, &out, &len), 0);
	CU_ASSERT_EQUAL(len, 1027);
	CU_ASSERT_EQUAL(memcmp(out, "\xb9\x04\x00", 3), 0);
	CU_ASSERT_EQUAL(memcmp(out + 3, in, 1024), 0);
	free(out);
	free(in);
}

static void
test_integers(void)
{
	static const unsigned char	 zero32[32];
	unsigned char			 be[32];
	struct eth_rlp			 r;

	eth_rlp_init(&r, 1024);
	eth_rlp_uint64(&r, 0);
	eth_rlp_check(&r, "\x80", 1);

	eth_rlp_init(&r, 1024);
	eth_rlp_uint64(&r, 15);
	eth_rlp_check(&r, "\x0f", 1);

	eth_rlp_init(&r, 1024);
	eth_rlp_uint64(&r, 1024);
	eth_rlp_check(&r, "\x82\x04\x00", 3);

	eth_rlp_init(&r, 1024);
	eth_rlp_uint64(&r, 0x80);
	eth_rlp_check(&r, "\x81\x80", 2);

	/* 32-byte big-endian values: zero, 1024, 2^255 */
	eth_rlp_init(&r, 1024);
	eth_rlp_uint(&r, zero32, 32);
	eth_rlp_check(&r, "\x80", 1);

	memset(be, 0, sizeof(be));
	be[30] = 0x04;
	eth_rlp_init(&r, 1024);
	eth_rlp_uint(&r, be, sizeof(be));
	eth_rlp_check(&r, "\x82\x04\x00", 3);

	memset(be, 0, sizeof(be));
	be[0] = 0x80;
	eth_rlp_init(&r, 1024);
	eth_rlp_uint(&r, be, sizeof(be));
	CU_ASSERT_EQUAL(r.r_len, 33);
	CU_ASSERT_EQUAL(r.r_buf[0], 0xa0);
	CU_ASSERT_EQUAL(r.r_buf[1], 0x80);
	eth_rlp_free(&r);
}

static void
test_lists(void)
{
	struct eth_rlp	 r;

	eth_rlp_init(&r, 1024);
	eth_rlp_list_begin(&r);
	eth_rlp_bytes(&r, "cat", 3);
	eth_rlp_bytes(&r, "dog", 3);
	eth_rlp_list_end(&r);
	eth_rlp_check(&r, "\xc8\x83" "cat" "\x83" "dog", 9);

	eth_rlp_init(&r, 1024);
	eth_rlp_list_begin(&r);
	eth_rlp_list_end(&r);
	eth_rlp_check(&r, "\xc0", 1);

	/* the set-theoretical representation of three */
	eth_rlp_init(&r, 1024);
	eth_rlp_list_begin(&r);
	eth_rlp_list_begin(&r);
	eth_rlp_list_end(&r);
	eth_rlp_list_begin(&r);
	eth_rlp_list_begin(&r);
	eth_rlp_list_end(&r);
	eth_rlp_list_end(&r);
	eth_rlp_list_begin(&r);
	eth_rlp_list_begin(&r);
	eth_rlp_list_end(&r);
	eth_rlp_list_begin(&r);
	eth_rlp_list_begin(&r);
	eth_rlp_list_end(&r);
	eth_rlp_list_end(&r);
	eth_rlp_list_end(&r);
	eth_rlp_list_end(&r);
	eth_rlp_check(&r, "\xc7\xc0\xc1\xc0\xc3\xc0\xc1\xc0", 8);
}

static void
test_long_list(void)
{
	struct eth_rlp	 r;
	unsigned char	 want[4 + sizeof(LOREM) - 1 + 4];

	/* [LOREM]: a 58-byte payload, so 0xf8 0x3a */
	eth_rlp_init(&r, 1024);
	eth_rlp_list_begin(&r);
	eth_rlp_bytes(&r, LOREM, sizeof(LOREM) - 1);
	eth_rlp_list_end(&r);
	memcpy(want, "\xf8\x3a\xb8\x38", 4);
	memcpy(want + 4, LOREM, sizeof(LOREM) - 1);
	eth_rlp_check(&r, want, 4 + sizeof(LOREM) - 1);

	/* ["dog", [LOREM], "cat"]: long inner list inside a long list */
	eth_rlp_init(&r, 1024);
	eth_rlp_list_begin(&r);
	eth_rlp_bytes(&r, "dog", 3);
	eth_rlp_list_begin(&r);
	eth_rlp_bytes(&r, LOREM, sizeof(LOREM) - 1);
	eth_rlp_list_end(&r);
	eth_rlp_bytes(&r, "cat", 3);
	eth_rlp_list_end(&r);
	memcpy(want, "\xf8\x44\x83" "dog" "\xf8\x3a\xb8\x38", 10);
	CU_ASSERT_EQUAL(r.r_len, 70);
	CU_ASSERT_EQUAL(memcmp(r.r_buf, want, 10), 0);
	CU_ASSERT_EQUAL(memcmp(r.r_buf + 10, LOREM, sizeof(LOREM) - 1), 0);
	CU_ASSERT_EQUAL(memcmp(r.r_buf + 66, "\x83" "cat", 4), 0);
	eth_rlp_free(&r);
}

static void
test_raw(void)
{
	struct eth_rlp	 a, r;
	unsigned char	*item;
	size_t		 len;

	/* ["cat","dog"] built from an item encoded elsewhere */
	eth_rlp_init(&a, 64);
	eth_rlp_bytes(&a, "dog", 3);
	CU_ASSERT_EQUAL_FATAL(eth_rlp_finish(&a, &item, &len), 0);
	eth_rlp_init(&r, 64);
	eth_rlp_list_begin(&r);
	eth_rlp_bytes(&r, "cat", 3);
	eth_rlp_raw(&r, item, len);
	eth_rlp_list_end(&r);
	eth_rlp_check(&r, "\xc8\x83" "cat" "\x83" "dog", 9);
	free(item);
}

static void
test_limits(void)
{
	struct eth_rlp	 r;
	unsigned char	*out = (unsigned char *)"x";
	size_t		 len = 1, i;

	/* exactly at the ceiling, then one byte over */
	eth_rlp_init(&r, 4);
	CU_ASSERT_EQUAL(eth_rlp_bytes(&r, "dog", 3), 0);
	eth_rlp_check(&r, "\x83" "dog", 4);
	eth_rlp_init(&r, 4);
	CU_ASSERT_EQUAL(eth_rlp_bytes(&r, "dogs", 4), -1);
	CU_ASSERT_EQUAL(eth_rlp_finish(&r, &out, &len), -1);
	CU_ASSERT_PTR_NULL(out);
	CU_ASSERT_EQUAL(len, 0);

	/* a list header that no longer fits */
	eth_rlp_init(&r, 4);
	eth_rlp_list_begin(&r);
	eth_rlp_bytes(&r, "dog", 3);
	CU_ASSERT_EQUAL(eth_rlp_list_end(&r), -1);
	CU_ASSERT_EQUAL(eth_rlp_finish(&r, &out, &len), -1);

	/* failures are sticky */
	eth_rlp_init(&r, 4);
	CU_ASSERT_EQUAL(eth_rlp_bytes(&r, "dogs", 4), -1);
	CU_ASSERT_EQUAL(eth_rlp_bytes(&r, "", 0), -1);
	CU_ASSERT_EQUAL(eth_rlp_finish(&r, &out, &len), -1);

	/* unbalanced lists, too deep */
	eth_rlp_init(&r, 64);
	CU_ASSERT_EQUAL(eth_rlp_list_end(&r), -1);
	CU_ASSERT_EQUAL(eth_rlp_finish(&r, &out, &len), -1);
	eth_rlp_init(&r, 64);
	eth_rlp_list_begin(&r);
	CU_ASSERT_EQUAL(eth_rlp_finish(&r, &out, &len), -1);
	eth_rlp_init(&r, 64);
	for (i = 0; i < ETH_RLP_DEPTH; i++)
		CU_ASSERT_EQUAL(eth_rlp_list_begin(&r), 0);
	CU_ASSERT_EQUAL(eth_rlp_list_begin(&r), -1);
	eth_rlp_free(&r);
	eth_rlp_free(NULL);

	/* nothing at all is an empty encoding */
	eth_rlp_init(&r, 64);
	CU_ASSERT_EQUAL(eth_rlp_finish(&r, &out, &len), 0);
	CU_ASSERT_PTR_NOT_NULL(out);
	CU_ASSERT_EQUAL(len, 0);
	free(out);
}

void
test_eth_rlp_suite(void)
{
	CU_pSuite	 s = CU_add_suite("eth_rlp", NULL, NULL);

	UNIT_ADD(s, "strings", test_strings);
	UNIT_ADD(s, "a 1024-byte string", test_long_string);
	UNIT_ADD(s, "integers", test_integers);
	UNIT_ADD(s, "lists", test_lists);
	UNIT_ADD(s, "lists of 56 bytes and more", test_long_list);
	UNIT_ADD(s, "pre-encoded items", test_raw);
	UNIT_ADD(s, "ceiling, depth and balance", test_limits);
}
