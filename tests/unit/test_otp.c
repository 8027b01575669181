/*
 * One-time codes and the uniform sampler: the stored hash is the HMAC
 * the database already holds (a change would void pending codes), codes
 * are six digits, and samples stay in range.
 */
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "otp.h"
#include "rnd.h"
#include "unit.h"

static void
test_hash(void)
{
	char	 h[OTP_HASHLEN + 1], h2[OTP_HASHLEN + 1];

	otp_hash("secret", "u1", "123456", h);
	CU_ASSERT_STRING_EQUAL(h,
	    "7769dfb329fc5be17a4df40834c1d7057553af80d139f87f14911367c88d8ac7");
	CU_ASSERT(otp_equal(h, "7769dfb329fc5be17a4df40834c1d7057553af80d139f87f14911367c88d8ac7"));
	otp_hash("secret", "u1", "123457", h2);
	CU_ASSERT_FALSE(otp_equal(h, h2));
}

static void
test_codes(void)
{
	char		 c[7];
	uint32_t	 v;
	size_t		 i, j;

	for (i = 0; i < 1000; i++) {
		otp_new(c);
		CU_ASSERT_EQUAL(strlen(c), 6);
		for (j = 0; j < 6; j++)
			CU_ASSERT(c[j] >= '0' && c[j] <= '9');
		v = rnd_uniform(7);
		CU_ASSERT(v < 7);
	}
	CU_ASSERT_EQUAL(rnd_uniform(1), 0);
}

void
test_otp_suite(void)
{
	CU_pSuite	 s;

	if ((s = CU_add_suite("otp", NULL, NULL)) == NULL)
		abort();
	UNIT_ADD(s, "keyed hash", test_hash);
	UNIT_ADD(s, "six digits, samples in range", test_codes);
}
