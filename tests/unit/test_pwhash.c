/*
 * Passwords: Argon2id hashes in PHC form verify and flag outdated
 * parameters; the reference's bcrypt hashes ($2a$ from Go, and the same
 * hash as $2b$ and $2y$) verify and always ask for a rehash; anything
 * else is a mismatch.  Small Argon2 parameters keep the suite fast.
 */
#include <stdio.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "pwhash.h"
#include "unit.h"
#include "verr.h"

static const struct pw_params test_fast = { 1024, 1, 1 };

static int
test_verify(const char *stored, const char *pw, const struct pw_params *p,
    int *rehash)
{
	struct verr	 e;
	int		 r;

	verr_init(&e);
	r = pw_verify(stored, pw, strlen(pw), p, rehash, &e);
	CU_ASSERT_EQUAL(e.status, 0);
	return r;
}

static void
test_argon2_roundtrip(void)
{
	struct verr	 e;
	char		 h1[PW_HASH_MAX], h2[PW_HASH_MAX], salt[32], dig[64];
	unsigned int	 m, t, l;
	int		 rehash = -1;
	const char	*pw = "correct horse battery staple";

	verr_init(&e);
	CU_ASSERT_EQUAL(pw_hash(pw, strlen(pw), &test_fast, h1, sizeof(h1),
	    &e), 0);
	CU_ASSERT_EQUAL(pw_hash(pw, strlen(pw), &test_fast, h2, sizeof(h2),
	    &e), 0);
	CU_ASSERT_STRING_NOT_EQUAL(h1, h2);	/* fresh salts */
	/* PHC: 16-byte salt and 32-byte digest in unpadded base64 */
	CU_ASSERT_EQUAL(sscanf(h1,
	    "$argon2id$v=19$m=%u,t=%u,p=%u$%31[^$]$%63s",
	    &m, &t, &l, salt, dig), 5);
	CU_ASSERT(m == 1024 && t == 1 && l == 1);
	CU_ASSERT_EQUAL(strlen(salt), 22);
	CU_ASSERT_EQUAL(strlen(dig), 43);

	CU_ASSERT_EQUAL(test_verify(h1, pw, &test_fast, &rehash), 1);
	CU_ASSERT_EQUAL(rehash, 0);
	CU_ASSERT_EQUAL(test_verify(h1, "correct horse battery stapl",
	    &test_fast, &rehash), 0);
	CU_ASSERT_EQUAL(test_verify(h1, "", &test_fast, &rehash), 0);
	CU_ASSERT_EQUAL(e.status, 0);
}

static void
test_argon2_known(void)
{
	/* phc-winner-argon2 src/test.c: "password", salt "somesalt" */
	static const char	 kat[] = "$argon2id$v=19$m=256,t=2,p=1"
	    "$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4";
	static const struct pw_params	 same = { 256, 2, 1 };
	int	 rehash = -1;

	CU_ASSERT_EQUAL(test_verify(kat, "password", &same, &rehash), 1);
	CU_ASSERT_EQUAL(rehash, 0);
	CU_ASSERT_EQUAL(test_verify(kat, "password", &test_fast, &rehash), 1);
	CU_ASSERT_EQUAL(rehash, 1);
	CU_ASSERT_EQUAL(test_verify(kat, "Password", &same, &rehash), 0);
	CU_ASSERT_EQUAL(rehash, 0);
}

static void
test_long_password(void)
{
	struct verr	 e;
	char		 pw[129], h[PW_HASH_MAX];
	int		 rehash;

	/* all 128 characters count: only the last one differs */
	memset(pw, 'p', 128);
	pw[128] = '\0';
	verr_init(&e);
	CU_ASSERT_EQUAL(pw_hash(pw, 128, &test_fast, h, sizeof(h), &e), 0);
	CU_ASSERT_EQUAL(test_verify(h, pw, &test_fast, &rehash), 1);
	pw[127] = 'q';
	CU_ASSERT_EQUAL(test_verify(h, pw, &test_fast, &rehash), 0);
}

static void
test_defaults(void)
{
	static const struct pw_params	 def = PW_PARAMS_DEFAULT;
	struct verr	 e;
	char		 h[PW_HASH_MAX];
	int		 rehash = -1;

	verr_init(&e);
	CU_ASSERT_EQUAL(pw_hash("hunter2", 7, &def, h, sizeof(h), &e), 0);
	CU_ASSERT_EQUAL(strncmp(h, "$argon2id$v=19$m=19456,t=2,p=1$", 31), 0);
	CU_ASSERT_EQUAL(test_verify(h, "hunter2", &def, &rehash), 1);
	CU_ASSERT_EQUAL(rehash, 0);
	CU_ASSERT_EQUAL(pw_dummy_verify("hunter2", 7, &def), 0);
}

static void
test_bcrypt(void)
{
	static const struct {
		const char	*hash, *pw;
	} c[] = {
		/* golang.org/x/crypto/bcrypt TestBcryptingIsCorrect */
		{ "$2a$10$XajjQvNhvvRt5GSeFk1xFe"
		    "yqRrsxkhBkUiQeg0dt.wU1qD4aFDcga", "allmine" },
		/* x/crypto v0.59 GenerateFromPassword, cost 4 */
		{ "$2a$04$Ng2KEqAdKP/RWCPw9LcPJu"
		    "NT7HSzibGWN0nc2fTLTRXyFoZm2pMCW",
		    "correct horse battery staple" },
		{ "$2b$04$Ng2KEqAdKP/RWCPw9LcPJu"
		    "NT7HSzibGWN0nc2fTLTRXyFoZm2pMCW",
		    "correct horse battery staple" },
		{ "$2y$04$Ng2KEqAdKP/RWCPw9LcPJu"
		    "NT7HSzibGWN0nc2fTLTRXyFoZm2pMCW",
		    "correct horse battery staple" },
		/* the same, of 72 'x': bcrypt ignores bytes past 72 */
		{ "$2a$04$g8HlSnWYvv7x4ulN36c9a."
		    "TlfNjkIMcg1lQDcULclZvj9pXkePinq",
		    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" },
		/* OpenBSD / jBCrypt vector */
		{ "$2a$05$abcdefghijklmnopqrstuu"
		    "5s2v8.iXieOjg/.AySBTTZIIVFJeBui",
		    "0123456789abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "0123456789chars after 72 are ignored" },
	};
	size_t	 i;
	int	 rehash;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		rehash = -1;
		CU_ASSERT_EQUAL(test_verify(c[i].hash, c[i].pw, &test_fast,
		    &rehash), 1);
		CU_ASSERT_EQUAL(rehash, 1);
		CU_ASSERT_EQUAL(test_verify(c[i].hash, "allmine!", &test_fast,
		    &rehash), 0);
		CU_ASSERT_EQUAL(rehash, 0);
	}
}

static void
test_garbage(void)
{
	static const char *const junk[] = {
		"",
		"plaintext",
		"$argon2id$",
		"$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR",
		"$argon2i$v=19$m=256,t=2,p=1$c29tZXNhbHQ$"
		    "iekCn0Y3spW+sCcFanM2xBT63UP2sghkUoHLIUpWRS8",
		"$2a$04$short",
		"$2x$04$Ng2KEqAdKP/RWCPw9LcPJu"
		    "NT7HSzibGWN0nc2fTLTRXyFoZm2pMCW",
		/* md5-crypt of "password": crypt() knows it, we must not */
		"$1$saltsalt$qjXMvbEw8oaL.CzflDtaK/",
	};
	struct verr	 e;
	size_t		 i;
	int		 rehash;

	for (i = 0; i < sizeof(junk) / sizeof(junk[0]); i++) {
		CU_ASSERT_EQUAL(test_verify(junk[i], "password", &test_fast,
		    &rehash), 0);
		CU_ASSERT_EQUAL(rehash, 0);
	}
	/* a NUL inside the password never matches a bcrypt hash */
	verr_init(&e);
	CU_ASSERT_EQUAL(pw_verify("$2a$10$XajjQvNhvvRt5GSeFk1xFeyqRrsxkhBk"
	    "UiQeg0dt.wU1qD4aFDcga", "allmine\0x", 9, &test_fast, &rehash, &e),
	    0);
	/* a buffer too small is our bug, reported as such */
	verr_init(&e);
	CU_ASSERT_EQUAL(pw_hash("x", 1, &test_fast, (char [16]){ 0 }, 16, &e),
	    -1);
	CU_ASSERT_EQUAL(e.status, 500);
}

void
test_pwhash_suite(void)
{
	CU_pSuite	 s = CU_add_suite("pwhash", NULL, NULL);

	UNIT_ADD(s, "Argon2id hash and verify", test_argon2_roundtrip);
	UNIT_ADD(s, "Argon2id reference vector", test_argon2_known);
	UNIT_ADD(s, "128-character passwords", test_long_password);
	UNIT_ADD(s, "default parameters", test_defaults);
	UNIT_ADD(s, "bcrypt from the reference", test_bcrypt);
	UNIT_ADD(s, "unknown and corrupt hashes", test_garbage);
}
