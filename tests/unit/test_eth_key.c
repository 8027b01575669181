/*
 * Wallet keys: EIP-55 examples from the EIP, a known key and its address,
 * generated keys in range, and the sealed storage format, including a
 * string sealed by Go's crypto/cipher the way the reference does it.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "eth_key.h"
#include "unit.h"
#include "verr.h"

/* web3.js accounts docs / ethers docs example key; see the report */
static const unsigned char test_priv[32] = {
	0x4c, 0x08, 0x83, 0xa6, 0x91, 0x02, 0x93, 0x7d,
	0x62, 0x31, 0x47, 0x1b, 0x5d, 0xbb, 0x62, 0x04,
	0xfe, 0x51, 0x29, 0x61, 0x70, 0x82, 0x79, 0x2a,
	0xe4, 0x68, 0xd0, 0x1a, 0x3f, 0x36, 0x23, 0x18,
};
static const char test_addr[] = "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23";

/* 00 01 .. 1f, the key of the Go-sealed vector */
static void
test_key(unsigned char key[32])
{
	size_t	 i;

	for (i = 0; i < 32; i++)
		key[i] = (unsigned char)i;
}

static void
test_unhex(const char *hex, unsigned char *out, size_t n)
{
	size_t		 i;
	unsigned int	 b;
	char		 two[3] = { 0 };

	for (i = 0; i < n; i++) {
		memcpy(two, hex + 2 * i, 2);
		b = (unsigned int)strtoul(two, NULL, 16);
		out[i] = (unsigned char)b;
	}
}

static void
test_eip55(void)
{
	/* the test cases of EIP-55 itself */
	static const char *const c[] = {
		"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
		"0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
		"0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
		"0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
		"0x52908400098527886E0F7030069857D2E4169EE7",
		"0x8617E340B3D01FA5F11F306F4090FD50E238070D",
		"0xde709f2102306220921060314715629080e2fb77",
		"0x27b1fdb04752bbc536007a920d24acb045561c26",
	};
	unsigned char	 a[20];
	char		 out[ETH_KEY_ADDR_LEN];
	size_t		 i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		test_unhex(c[i] + 2, a, sizeof(a));
		eth_key_eip55(a, out);
		CU_ASSERT_STRING_EQUAL(out, c[i]);
	}
}

static void
test_address(void)
{
	struct verr	 e;
	unsigned char	 bad[32];
	char		 addr[ETH_KEY_ADDR_LEN];

	verr_init(&e);
	CU_ASSERT_EQUAL(eth_key_address(test_priv, addr, &e), 0);
	CU_ASSERT_STRING_EQUAL(addr, test_addr);

	/* zero is no key */
	memset(bad, 0, sizeof(bad));
	CU_ASSERT_EQUAL(eth_key_address(bad, addr, &e), -1);
	CU_ASSERT_EQUAL(e.status, 500);
	CU_ASSERT_STRING_EQUAL(e.code, "internal");
}

static void
test_generate(void)
{
	struct verr	 e;
	unsigned char	 a[32], b[32], zero[32];
	char		 addr[ETH_KEY_ADDR_LEN];
	size_t		 i;

	verr_init(&e);
	memset(zero, 0, sizeof(zero));
	CU_ASSERT_EQUAL(eth_key_generate(a, &e), 0);
	CU_ASSERT_EQUAL(eth_key_generate(b, &e), 0);
	CU_ASSERT_NOT_EQUAL(memcmp(a, b, sizeof(a)), 0);
	CU_ASSERT_NOT_EQUAL(memcmp(a, zero, sizeof(a)), 0);
	CU_ASSERT_EQUAL(eth_key_address(a, addr, &e), 0);
	CU_ASSERT_EQUAL(strlen(addr), 42);
	CU_ASSERT_EQUAL(strncmp(addr, "0x", 2), 0);
	for (i = 2; i < 42; i++)
		CU_ASSERT(isxdigit((unsigned char)addr[i]));
	CU_ASSERT_EQUAL(e.status, 0);
}

static void
test_seal_roundtrip(void)
{
	struct verr	 e;
	unsigned char	 key[32], got[32];
	char		*s1 = NULL, *s2 = NULL;

	verr_init(&e);
	test_key(key);
	CU_ASSERT_EQUAL(eth_key_seal(key, test_priv, &s1, &e), 0);
	CU_ASSERT_EQUAL(eth_key_seal(key, test_priv, &s2, &e), 0);
	if (s1 == NULL || s2 == NULL)
		goto out;
	/* 12 + 64 + 16 bytes in padded base64; fresh nonce every time */
	CU_ASSERT_EQUAL(strlen(s1), 124);
	CU_ASSERT_EQUAL(s1[123], '=');
	CU_ASSERT_STRING_NOT_EQUAL(s1, s2);
	CU_ASSERT_PTR_NULL(strstr(s1, "4c0883a6"));
	CU_ASSERT_EQUAL(eth_key_open(key, s1, got, &e), 0);
	CU_ASSERT_EQUAL(memcmp(got, test_priv, sizeof(got)), 0);
	CU_ASSERT_EQUAL(eth_key_open(key, s2, got, &e), 0);
	CU_ASSERT_EQUAL(memcmp(got, test_priv, sizeof(got)), 0);
	CU_ASSERT_EQUAL(e.status, 0);
out:
	free(s1);
	free(s2);
}

static void
test_open_go(void)
{
	/* Go 1.26 crypto/cipher: NewGCM(key 00..1f).Seal(n, n, hex, nil) */
	static const char go[] =
	    "FTnKXdGU/DXh/s13uS0r/UoYdgsi1sYwTqb0E7XImwzf7HRJ2JxBbd8ayV/EERPh"
	    "NXOz5gJjhg3e2p0XlQHnlW2cWdaSRr9jtCDMpZJpUR7vy5cMmhEEElKZs4E=";
	struct verr	 e;
	unsigned char	 key[32], got[32];

	verr_init(&e);
	test_key(key);
	CU_ASSERT_EQUAL(eth_key_open(key, go, got, &e), 0);
	CU_ASSERT_EQUAL(memcmp(got, test_priv, sizeof(got)), 0);
	CU_ASSERT_EQUAL(e.status, 0);
}

static void
test_open_fails(void)
{
	static const char *const junk[] = {
		"",
		"not base64!",
		"AAAA",
		/* the Go vector unpadded, and with a leading blank */
		"FTnKXdGU/DXh/s13uS0r/UoYdgsi1sYwTqb0E7XImwzf7HRJ2JxBbd8"
		    "ayV/EERPhNXOz5gJjhg3e2p0XlQHnlW2cWdaSRr9jtCDMpZJpUR7vy5c"
		    "MmhEEElKZs4E",
		" FTnKXdGU/DXh/s13uS0r/UoYdgsi1sYwTqb0E7XImwzf7HRJ2JxBbd8"
		    "ayV/EERPhNXOz5gJjhg3e2p0XlQHnlW2cWdaSRr9jtCDMpZJpUR7vy5c"
		    "MmhEEElKZs4E=",
	};
	struct verr	 e;
	unsigned char	 key[32], got[32], zero[32];
	char		*s = NULL;
	size_t		 i;

	test_key(key);
	memset(zero, 0, sizeof(zero));
	verr_init(&e);
	if (eth_key_seal(key, test_priv, &s, &e) == -1) {
		CU_FAIL("eth_key_seal");
		return;
	}

	/* a wrong key */
	key[31] ^= 1;
	CU_ASSERT_EQUAL(eth_key_open(key, s, got, &e), -1);
	CU_ASSERT_EQUAL(e.status, 500);
	CU_ASSERT_STRING_EQUAL(e.code, "internal");
	CU_ASSERT_PTR_NULL(strstr(e.msg, "4c08"));
	CU_ASSERT_PTR_NULL(strstr(e.detail, "4c08"));
	CU_ASSERT_EQUAL(memcmp(got, zero, sizeof(got)), 0);
	key[31] ^= 1;

	/* one flipped character each in the nonce, ciphertext and tag */
	for (i = 0; i < 3; i++) {
		size_t	 at = i == 0 ? 3 : i == 1 ? 40 : 118;
		char	 was = s[at];

		s[at] = was == 'A' ? 'B' : 'A';
		verr_init(&e);
		CU_ASSERT_EQUAL(eth_key_open(key, s, got, &e), -1);
		CU_ASSERT_EQUAL(e.status, 500);
		CU_ASSERT_EQUAL(memcmp(got, zero, sizeof(got)), 0);
		s[at] = was;
	}
	verr_init(&e);
	CU_ASSERT_EQUAL(eth_key_open(key, s, got, &e), 0);

	for (i = 0; i < sizeof(junk) / sizeof(junk[0]); i++) {
		verr_init(&e);
		CU_ASSERT_EQUAL(eth_key_open(key, junk[i], got, &e), -1);
		CU_ASSERT_EQUAL(e.status, 500);
	}
	free(s);
}

void
test_eth_key_suite(void)
{
	CU_pSuite	 s = CU_add_suite("eth_key", NULL, NULL);

	UNIT_ADD(s, "EIP-55 examples", test_eip55);
	UNIT_ADD(s, "known key to address", test_address);
	UNIT_ADD(s, "generated keys", test_generate);
	UNIT_ADD(s, "seal and open", test_seal_roundtrip);
	UNIT_ADD(s, "open a Go-sealed key", test_open_go);
	UNIT_ADD(s, "wrong key, tampering, junk", test_open_fails);
}
