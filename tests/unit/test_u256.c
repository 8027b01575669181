/*
 * 256-bit arithmetic: parsing decimal and hex at the edges (0, 2^256 - 1,
 * one past it, leading zeros, invalid digits), the quantity form, and
 * add/sub/compare with their overflow and borrow.  Values are written as
 * quantities ("0x..." minimal hex) so each case reads as a number.
 */
#include <stdint.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "u256.h"
#include "unit.h"

#define MAX_DEC	"11579208923731619542357098500868790785326998466564056" \
		"4039457584007913129639935"
#define MAX_HEX	"ffffffffffffffffffffffffffffffff" \
		"ffffffffffffffffffffffffffffffff"
#define MAX_M1	"ffffffffffffffffffffffffffffffff" \
		"fffffffffffffffffffffffffffffffe"

/* v from a quantity string, which the test trusts. */
static void
tq(const char *q, unsigned char v[U256_LEN])
{
	CU_ASSERT_FATAL(u256_from_hex(q + 2, strlen(q + 2), v) == 0);
}

/* Does v print as the quantity want? */
static void
tqeq(const unsigned char v[U256_LEN], const char *want)
{
	char	 got[U256_QHEX_LEN];

	u256_to_qhex(v, got);
	CU_ASSERT_STRING_EQUAL(got, want);
}

/* Both parsers over a table: decimal, then hex (no "0x"). */
static void
test_parse(void)
{
	static const struct {
		int		 hex;
		const char	*s;
		int		 rc;
		const char	*want;		/* when rc is 0 */
	} c[] = {
		{ 0, "0", 0, "0x0" },
		{ 0, "000", 0, "0x0" },
		{ 0, "1", 0, "0x1" },
		{ 0, "0042", 0, "0x2a" },
		{ 0, "255", 0, "0xff" },
		{ 0, "256", 0, "0x100" },
		{ 0, "18446744073709551615", 0, "0xffffffffffffffff" },
		{ 0, "18446744073709551616", 0, "0x10000000000000000" },
		{ 0, MAX_DEC, 0, "0x" MAX_HEX },
		{ 0, "000" MAX_DEC, 0, "0x" MAX_HEX },
		/* 2^256, 10 * (2^256 - 1) */
		{ 0, "11579208923731619542357098500868790785326998466564056"
		    "4039457584007913129639936", -2, NULL },
		{ 0, MAX_DEC "0", -2, NULL },
		{ 0, "", -1, NULL },
		{ 0, "-1", -1, NULL },
		{ 0, "+1", -1, NULL },
		{ 0, " 1", -1, NULL },
		{ 0, "1 ", -1, NULL },
		{ 0, "1.0", -1, NULL },
		{ 0, "1e3", -1, NULL },
		{ 0, "0x10", -1, NULL },
		/* the first failure the digits show decides */
		{ 0, MAX_DEC "0x", -2, NULL },
		{ 0, "x" MAX_DEC "0", -1, NULL },
		{ 1, "0", 0, "0x0" },
		{ 1, "00000", 0, "0x0" },
		{ 1, "a", 0, "0xa" },
		{ 1, "A", 0, "0xa" },
		{ 1, "0001", 0, "0x1" },
		{ 1, "123", 0, "0x123" },
		{ 1, "DeadBeef", 0, "0xdeadbeef" },
		{ 1, MAX_HEX, 0, "0x" MAX_HEX },
		{ 1, "0000" MAX_HEX, 0, "0x" MAX_HEX },
		{ 1, "1" MAX_HEX, -2, NULL },
		{ 1, "", -1, NULL },
		{ 1, "g", -1, NULL },
		{ 1, "12 ", -1, NULL },
		{ 1, "0x12", -1, NULL },
		{ 1, "-1", -1, NULL },
		/* hex: the length is checked before the digits */
		{ 1, "z" MAX_HEX, -2, NULL },
	};
	unsigned char	 v[U256_LEN];
	size_t		 i;
	int		 rc;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		rc = c[i].hex ? u256_from_hex(c[i].s, strlen(c[i].s), v) :
		    u256_from_dec(c[i].s, strlen(c[i].s), v);
		CU_ASSERT_EQUAL(rc, c[i].rc);
		if (c[i].rc == 0)
			tqeq(v, c[i].want);
	}
	/* the length bounds the digits: a NUL inside is a bad digit */
	CU_ASSERT_EQUAL(u256_from_dec("12\0" "3", 4, v), -1);
	CU_ASSERT_EQUAL(u256_from_hex("1\0" "2", 3, v), -1);
	CU_ASSERT_EQUAL(u256_from_dec("123", 2, v), 0);
	tqeq(v, "0xc");
}

static void
test_u64(void)
{
	unsigned char	 v[U256_LEN];
	uint64_t	 n;

	u256_from_u64(0, v);
	CU_ASSERT(u256_is_zero(v));
	CU_ASSERT_EQUAL(u256_to_u64(v, &n), 0);
	CU_ASSERT_EQUAL(n, 0);
	u256_from_u64(UINT64_MAX, v);
	tqeq(v, "0xffffffffffffffff");
	CU_ASSERT_EQUAL(u256_to_u64(v, &n), 0);
	CU_ASSERT_EQUAL(n, UINT64_MAX);
	u256_from_u64(1000000000, v);
	tqeq(v, "0x3b9aca00");
	tq("0x10000000000000000", v);
	CU_ASSERT_EQUAL(u256_to_u64(v, &n), -1);
	CU_ASSERT_EQUAL(u256_to_u64(v, NULL), -1);
	tq("0x" MAX_HEX, v);
	CU_ASSERT_EQUAL(u256_to_u64(v, NULL), -1);
	CU_ASSERT(!u256_is_zero(v));
}

static void
test_add_sub_cmp(void)
{
	static const struct {
		const char	*a, *b, *sum, *diff;
		int		 carry, borrow, cmp;
	} c[] = {
		{ "0x0", "0x0", "0x0", "0x0", 0, 0, 0 },
		{ "0x1", "0x1", "0x2", "0x0", 0, 0, 0 },
		{ "0xff", "0x1", "0x100", "0xfe", 0, 0, 1 },
		{ "0x1", "0xff", "0x100",
		    "0xffffffffffffffffffffffffffffffff"
		    "ffffffffffffffffffffffffffffff02", 0, -1, -1 },
		{ "0x" MAX_HEX, "0x1", "0x0", "0x" MAX_M1, -1, 0, 1 },
		{ "0x" MAX_HEX, "0x" MAX_HEX, "0x" MAX_M1, "0x0", -1, 0, 0 },
		{ "0x0", "0x1", "0x1", "0x" MAX_HEX, 0, -1, -1 },
		/* 2 * base fee + priority, the send's default max fee */
		{ "0x8000000000000000000000000000000000000000000000000000000"
		    "000000000", "0x8000000000000000000000000000000000000000"
		    "000000000000000000000000", "0x0", "0x0", -1, 0, 0 },
	};
	unsigned char	 a[U256_LEN], b[U256_LEN], o[U256_LEN];
	size_t		 i;
	int		 k;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		tq(c[i].a, a);
		tq(c[i].b, b);
		CU_ASSERT_EQUAL(u256_add(a, b, o), c[i].carry);
		tqeq(o, c[i].sum);
		CU_ASSERT_EQUAL(u256_sub(a, b, o), c[i].borrow);
		tqeq(o, c[i].diff);
		k = u256_cmp(a, b);
		CU_ASSERT_EQUAL((k > 0) - (k < 0), c[i].cmp);
	}
	/* in place: out may be an operand */
	tq("0x5", a);
	CU_ASSERT_EQUAL(u256_add(a, a, a), 0);
	tqeq(a, "0xa");
	tq("0x3", b);
	CU_ASSERT_EQUAL(u256_sub(a, b, b), 0);
	tqeq(b, "0x7");
}

void
test_u256_suite(void)
{
	CU_pSuite	 s = CU_add_suite("u256", NULL, NULL);

	UNIT_ADD(s, "decimal and hex: edges, leading zeros, invalid, "
	    "overflow", test_parse);
	UNIT_ADD(s, "64-bit values in and out", test_u64);
	UNIT_ADD(s, "add, sub, cmp with carry and borrow", test_add_sub_cmp);
}
