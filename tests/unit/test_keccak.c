/*
 * Keccak-256 with Ethereum's (original) padding: the published vectors,
 * block-boundary lengths checked against Go's x/crypto/sha3
 * NewLegacyKeccak256, and incremental hashing equal to one-shot.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "keccak.h"
#include "unit.h"

static void
keccak_tohex(const unsigned char d[32], char hex[65])
{
	size_t	 i;

	for (i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
}

static void
test_vectors(void)
{
	/* n > 0: the message is n copies of the first byte of msg */
	static const struct {
		const char	*msg;
		size_t		 n;
		const char	*want;
	} c[] = {
		/* Ethereum's empty hash; keccak.team / Crypto++ keccak.txt */
		{ "", 0, "c5d2460186f7233c927e7db2dcc703c0"
		    "e500b653ca82273b7bfad8045d85a470" },
		{ "abc", 0, "4e03657aea45a94fc7d47ba826c8d667"
		    "c0d1e6e33a64a036ec44f58fa12d6c45" },
		{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 0,
		    "45d3b367a6904e6e8d502ee04999a7c2"
		    "7647f91fa845d456525fd352ae3d7371" },
		{ "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
		    "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
		    0,
		    "f519747ed599024f3882238e5ab43960"
		    "132572b7345fbeb9a90769dafd21ad67" },
		/* rate - 1 (both pad bits in one byte), rate, and two blocks */
		{ "a", 135, "34367dc248bbd832f4e3e69dfaac2f92"
		    "638bd0bbd18f2912ba4ef454919cf446" },
		{ "a", 136, "a6c4d403279fe3e0af03729caada8374"
		    "b5ca54d8065329a3ebcaeb4b60aa386e" },
		{ "a", 200, "96ea54061def936c4be90b518992fdc6"
		    "f12f535068a256229aca54267b4d084d" },
		/* "one million a": Crypto++ TestVectors/keccak.txt */
		{ "a", 1000000, "fadae6b49f129bbb812be8407b7b2894"
		    "f34aecf6dbd1f9b0f0c7e9853098fc96" },
	};
	unsigned char	 d[32], *buf;
	char		 hex[65];
	size_t		 i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		if (c[i].n == 0)
			keccak256(c[i].msg, strlen(c[i].msg), d);
		else {
			if ((buf = malloc(c[i].n)) == NULL)
				abort();
			memset(buf, c[i].msg[0], c[i].n);
			keccak256(buf, c[i].n, d);
			free(buf);
		}
		keccak_tohex(d, hex);
		CU_ASSERT_STRING_EQUAL(hex, c[i].want);
	}
}

static void
test_incremental(void)
{
	static const size_t	 step[] = { 1, 7, 135, 136, 137, 500 };
	struct keccak_ctx	 ctx;
	unsigned char		 msg[1000], one[32], inc[32];
	size_t			 i, off, n;

	for (i = 0; i < sizeof(msg); i++)
		msg[i] = (unsigned char)(i * 31 + 7);
	keccak256(msg, sizeof(msg), one);
	for (i = 0; i < sizeof(step) / sizeof(step[0]); i++) {
		keccak_init(&ctx);
		keccak_update(&ctx, "", 0);
		for (off = 0; off < sizeof(msg); off += n) {
			n = sizeof(msg) - off < step[i] ?
			    sizeof(msg) - off : step[i];
			keccak_update(&ctx, msg + off, n);
		}
		keccak_final(&ctx, inc);
		CU_ASSERT_EQUAL(memcmp(one, inc, sizeof(one)), 0);
	}
}

void
test_keccak_suite(void)
{
	CU_pSuite	 s = CU_add_suite("keccak", NULL, NULL);

	UNIT_ADD(s, "published and boundary vectors", test_vectors);
	UNIT_ADD(s, "incremental equals one-shot", test_incremental);
}
