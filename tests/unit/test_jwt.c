/*
 * JWT and encodings: a round trip, then every way a token must be
 * refused (tampered signature, alg none and other algorithms, expiry,
 * missing claims, malformed structure), and strict base64url/hex.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "enc.h"
#include "jwt.h"
#include "unit.h"

static const char key[] = "0123456789abcdef0123456789abcdef";
#define NOW	1752645468LL
#define SUB	"66f1c2a9e4b0a1b2c3d4e5f6"
#define SID	"66f1c7a0e4b0a1b2c3d4e640"

/* Build header.payload.signature from JSON texts, signed with k. */
static char *
make(const char *hdr, const char *payload, const char *k)
{
	static char	 tok[2048];
	unsigned char	 mac[32];
	unsigned int	 n = 32;
	char		 h[512], p[512], s[64];

	enc_b64url(hdr, strlen(hdr), h);
	enc_b64url(payload, strlen(payload), p);
	snprintf(tok, sizeof(tok), "%s.%s", h, p);
	HMAC(EVP_sha256(), k, (int)strlen(k), (unsigned char *)tok,
	    strlen(tok), mac, &n);
	enc_b64url(mac, 32, s);
	strcat(tok, ".");
	strcat(tok, s);
	return tok;
}

static void
test_roundtrip(void)
{
	struct jwt_claims	 c = { SUB, SID, NOW, NOW + 3600 }, got;
	char			*t;

	t = jwt_sign(key, strlen(key), &c);
	CU_ASSERT_EQUAL(jwt_verify(key, strlen(key), t, NOW, &got), 0);
	CU_ASSERT_STRING_EQUAL(got.sub, SUB);
	CU_ASSERT_STRING_EQUAL(got.sid, SID);
	CU_ASSERT_EQUAL(got.exp, NOW + 3600);
	CU_ASSERT_EQUAL(got.iat, NOW);
	/* Another key, a flipped signature character. */
	CU_ASSERT_EQUAL(jwt_verify("another key of thirty-two bytes!", 32, t,
	    NOW, &got), -1);
	t[strlen(t) - 2] = t[strlen(t) - 2] == 'A' ? 'B' : 'A';
	CU_ASSERT_EQUAL(jwt_verify(key, strlen(key), t, NOW, &got), -1);
	free(t);
}

static void
test_refused(void)
{
	static const struct {
		const char	*hdr, *payload;
		int		 want;
	} c[] = {
		{ "{\"alg\":\"HS256\",\"typ\":\"JWT\"}", "{\"sub\":\"" SUB
		    "\",\"sid\":\"" SID "\",\"exp\":1752649068}", 0 },
		/* Upper-case ids are accepted and lower-cased. */
		{ "{\"alg\":\"HS256\"}", "{\"sub\":\"66F1C2A9E4B0A1B2C3D4E5F6\","
		    "\"sid\":\"" SID "\",\"exp\":1752649068}", 0 },
		{ "{\"alg\":\"none\"}", "{\"sub\":\"" SUB "\",\"sid\":\"" SID
		    "\",\"exp\":1752649068}", -1 },
		{ "{\"alg\":\"HS384\"}", "{\"sub\":\"" SUB "\",\"sid\":\"" SID
		    "\",\"exp\":1752649068}", -1 },
		{ "{\"alg\":\"hs256\"}", "{\"sub\":\"" SUB "\",\"sid\":\"" SID
		    "\",\"exp\":1752649068}", -1 },
		{ "{\"typ\":\"JWT\"}", "{\"sub\":\"" SUB "\",\"sid\":\"" SID
		    "\",\"exp\":1752649068}", -1 },
		/* Expired beyond the 30 s leeway; within it. */
		{ "{\"alg\":\"HS256\"}", "{\"sub\":\"" SUB "\",\"sid\":\"" SID
		    "\",\"exp\":1752645400}", -1 },
		{ "{\"alg\":\"HS256\"}", "{\"sub\":\"" SUB "\",\"sid\":\"" SID
		    "\",\"exp\":1752645450}", 0 },
		{ "{\"alg\":\"HS256\"}", "{\"sub\":\"" SUB "\",\"sid\":\"" SID
		    "\"}", -1 },
		{ "{\"alg\":\"HS256\"}", "{\"sub\":\"" SUB "\",\"sid\":\"" SID
		    "\",\"exp\":\"1752649068\"}", -1 },
		{ "{\"alg\":\"HS256\"}", "{\"sub\":\"" SUB "\",\"sid\":\"" SID
		    "\",\"exp\":1752649068,\"iat\":1752649068}", -1 },
		{ "{\"alg\":\"HS256\"}", "{\"sub\":\"" SUB "\",\"exp\":"
		    "1752649068}", -1 },
		{ "{\"alg\":\"HS256\"}", "{\"sub\":\"alice\",\"sid\":\"" SID
		    "\",\"exp\":1752649068}", -1 },
		{ "{\"alg\":\"HS256\"}", "[1]", -1 },
		{ "not json", "{}", -1 },
	};
	struct jwt_claims	 got;
	size_t			 i;
	int			 rc;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		rc = jwt_verify(key, strlen(key), make(c[i].hdr, c[i].payload,
		    key), NOW, &got);
		CU_ASSERT_EQUAL(rc, c[i].want);
		if (rc != c[i].want)
			fprintf(stderr, "jwt case %zu: got %d\n", i, rc);
	}
	CU_ASSERT_EQUAL(jwt_verify(key, strlen(key), "a.b", NOW, &got), -1);
	CU_ASSERT_EQUAL(jwt_verify(key, strlen(key), "a.b.c.d", NOW, &got), -1);
	CU_ASSERT_EQUAL(jwt_verify(key, strlen(key), "", NOW, &got), -1);
	CU_ASSERT_EQUAL(jwt_verify(key, strlen(key), "..", NOW, &got), -1);
	/* alg none with an empty signature, the classic attack. */
	CU_ASSERT_EQUAL(jwt_verify(key, strlen(key),
	    "eyJhbGciOiJub25lIn0.eyJzdWIiOiI2NmYxYzJhOWU0YjBhMWIyYzNkNGU1ZjY"
	    "iLCJzaWQiOiI2NmYxYzdhMGU0YjBhMWIyYzNkNGU2NDAiLCJleHAiOjk5OTk5OTk"
	    "5OTl9.", NOW, &got), -1);
}

static void
test_encodings(void)
{
	unsigned char	 b[64];
	char		 s[128];
	size_t		 n;

	enc_b64url("\xfb\xff", 2, s);
	CU_ASSERT_STRING_EQUAL(s, "-_8");
	CU_ASSERT_EQUAL(enc_unb64url("-_8", 3, b, sizeof(b), &n), 0);
	CU_ASSERT_EQUAL(n, 2);
	CU_ASSERT_EQUAL(b[0], 0xfb);
	enc_b64url("abc", 3, s);
	CU_ASSERT_STRING_EQUAL(s, "YWJj");
	enc_b64url("", 0, s);
	CU_ASSERT_STRING_EQUAL(s, "");
	/* Non-canonical trailing bits, padding, foreign alphabet. */
	CU_ASSERT_EQUAL(enc_unb64url("-_9", 3, b, sizeof(b), &n), -1);
	CU_ASSERT_EQUAL(enc_unb64url("YQ==", 4, b, sizeof(b), &n), -1);
	CU_ASSERT_EQUAL(enc_unb64url("a+b/", 4, b, sizeof(b), &n), -1);
	CU_ASSERT_EQUAL(enc_unb64url("YWJjZ", 5, b, sizeof(b), &n), -1);
	CU_ASSERT_EQUAL(enc_unb64url("YWJj", 4, b, 2, &n), -1);
	enc_hex("\x00\xab", 2, s);
	CU_ASSERT_STRING_EQUAL(s, "00ab");
	CU_ASSERT_EQUAL(enc_unhex("00AB", b, 2), 0);
	CU_ASSERT_EQUAL(b[1], 0xab);
	CU_ASSERT_EQUAL(enc_unhex("00A", b, 2), -1);
	CU_ASSERT_EQUAL(enc_unhex("00AG", b, 2), -1);
	CU_ASSERT_TRUE(enc_is_oid("66F1C2A9E4B0A1B2C3D4E5F6"));
	CU_ASSERT_FALSE(enc_is_oid("66f1c2a9e4b0a1b2c3d4e5f"));
	CU_ASSERT_FALSE(enc_is_oid("66f1c2a9e4b0a1b2c3d4e5fz"));
	CU_ASSERT_FALSE(enc_is_oid(NULL));
}

void
test_jwt_suite(void)
{
	CU_pSuite	 s = CU_add_suite("jwt", NULL, NULL);

	UNIT_ADD(s, "sign and verify", test_roundtrip);
	UNIT_ADD(s, "refused tokens", test_refused);
	UNIT_ADD(s, "encodings", test_encodings);
}
