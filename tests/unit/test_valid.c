/*
 * Field rules of API.md 3.1.1: emails (strict and loose), passwords,
 * names, usernames and their derivation from an email, URLs and bios.
 */
#include <stdio.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "unit.h"
#include "valid.h"

static void
test_utf8(void)
{
	static const struct {
		const char	*s;
		long		 n;
	} c[] = {
		{ "", 0 },
		{ "abc", 3 },
		{ "\xc3\xa9t\xc3\xa9", 3 },
		{ "\xe2\x82\xac\xf0\x9f\x98\x80", 2 },
		{ "\xf4\x8f\xbf\xbf", 1 },
		{ "\xff", -1 },		/* %FF of GET /search/users */
		{ "\xc0\xae", -1 },		/* overlong '.' */
		{ "\xe0\x80\xaf", -1 },	/* overlong '/' */
		{ "\xed\xa0\x80", -1 },	/* surrogate */
		{ "\xf4\x90\x80\x80", -1 },	/* above U+10FFFF */
		{ "\xc3", -1 },		/* cut short */
		{ "\xe2\x82", -1 },
		{ "\x80", -1 },
		{ "a\xc3(", -1 },
	};
	size_t	 i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		CU_ASSERT_EQUAL(valid_utf8_str(c[i].s), c[i].n);
		if (valid_utf8_str(c[i].s) != c[i].n)
			fprintf(stderr, "utf8 case %zu\n", i);
	}
	CU_ASSERT_EQUAL(valid_utf8("a\0b", 3), -1);
	/* Every rule built on it refuses what is not UTF-8. */
	CU_ASSERT_EQUAL(valid_password("abcdefgh\xff"), -1);
	CU_ASSERT_EQUAL(valid_bio("\xed\xa0\x80"), -1);
}

/* Where to cut client text so it stays UTF-8 (issue 17). */
static void
test_utf8_prefix(void)
{
	const char	*e = "caf\xc3\xa9", *g = "\xf0\x9f\x98\x80!";

	CU_ASSERT_EQUAL(valid_utf8_prefix("", 10), 0);
	CU_ASSERT_EQUAL(valid_utf8_prefix("abc", 2), 2);
	CU_ASSERT_EQUAL(valid_utf8_prefix(e, 10), 5);
	CU_ASSERT_EQUAL(valid_utf8_prefix(e, 5), 5);
	CU_ASSERT_EQUAL(valid_utf8_prefix(e, 4), 3);
	CU_ASSERT_EQUAL(valid_utf8_prefix(g, 1), 0);
	CU_ASSERT_EQUAL(valid_utf8_prefix(g, 3), 0);
	CU_ASSERT_EQUAL(valid_utf8_prefix(g, 4), 4);
	CU_ASSERT_EQUAL(valid_utf8_prefix(g, 5), 5);
	/* a string snprintf() already cut inside a character */
	CU_ASSERT_EQUAL(valid_utf8_prefix("ab\xe2\x82", 10), 2);
}

static void
test_email(void)
{
	static const struct {
		const char	*in, *out;
		int		 strict, loose;
	} c[] = {
		{ "  Alice@Example.COM ", "alice@example.com", 0, 0 },
		{ "john.doe+news@mail.example.org", NULL, 0, 0 },
		{ "a@b.co", NULL, 0, 0 },
		{ "a@b.c", NULL, -1, 0 },
		{ "a@b", NULL, -1, 0 },
		{ "a@b.c0", NULL, -1, 0 },
		{ ".a@b.com", NULL, -1, 0 },
		{ "a.@b.com", NULL, -1, 0 },
		{ "a..b@b.com", NULL, -1, 0 },
		{ "a b@b.com", NULL, -1, 0 },
		{ "a(b@b.com", NULL, -1, 0 },
		{ "a@-b.com", NULL, -1, 0 },
		{ "a@b-.com", NULL, -1, 0 },
		{ "a@b..com", NULL, -1, 0 },
		{ "a@b_c.com", NULL, -1, 0 },
		{ "a@b@c.com", NULL, -1, -1 },
		{ "@b.com", NULL, -1, -1 },
		{ "a@", NULL, -1, -1 },
		{ "abc", NULL, -1, -1 },
		{ "", NULL, -1, -1 },
		{ "x\xc3\xa9@b.com", NULL, -1, 0 },
	};
	char	 out[VALID_EMAIL_MAX + 1], big[300];
	size_t	 i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		CU_ASSERT_EQUAL(valid_email(c[i].in, 1, out), c[i].strict);
		if (valid_email(c[i].in, 1, out) != c[i].strict)
			fprintf(stderr, "email case %zu (%s)\n", i, c[i].in);
		CU_ASSERT_EQUAL(valid_email(c[i].in, 0, out), c[i].loose);
		if (c[i].out != NULL)
			CU_ASSERT_STRING_EQUAL(out, c[i].out);
	}
	memset(big, 'a', sizeof(big));
	memcpy(big + 250, "@b.com", 7);
	CU_ASSERT_EQUAL(valid_email(big, 0, out), -1);
	/* 65-character local part. */
	memset(big, 'a', 65);
	strcpy(big + 65, "@b.com");
	CU_ASSERT_EQUAL(valid_email(big, 1, out), -1);
	CU_ASSERT_EQUAL(valid_email(big, 0, out), 0);
}

static void
test_password_name(void)
{
	char	 pw[200], out[256];

	CU_ASSERT_EQUAL(valid_password("1234567"), -1);
	CU_ASSERT_EQUAL(valid_password("12345678"), 0);
	/* Eight code points of two bytes each. */
	CU_ASSERT_EQUAL(valid_password("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"), 0);
	memset(pw, 'x', 129);
	pw[129] = '\0';
	CU_ASSERT_EQUAL(valid_password(pw), -1);
	pw[128] = '\0';
	CU_ASSERT_EQUAL(valid_password(pw), 0);
	CU_ASSERT_EQUAL(valid_name("  Alice Doe ", out, sizeof(out)), 0);
	CU_ASSERT_STRING_EQUAL(out, "Alice Doe");
	CU_ASSERT_EQUAL(valid_name("   ", out, sizeof(out)), -1);
	memset(pw, 'n', 51);
	pw[51] = '\0';
	CU_ASSERT_EQUAL(valid_name(pw, out, sizeof(out)), -1);
	pw[50] = '\0';
	CU_ASSERT_EQUAL(valid_name(pw, out, sizeof(out)), 0);
}

static void
test_username(void)
{
	static const struct {
		const char	*in;
		int		 want;
	} c[] = {
		{ "alice", 0 }, { "Alice_1.x", 0 }, { "ab", -1 },
		{ "abcdefghijklmnopqrstuvwxyz0123", 0 },
		{ "abcdefghijklmnopqrstuvwxyz01234", -1 },
		{ ".abc", -1 }, { "abc.", -1 }, { "a..bc", -1 }, { "a-bc", -1 },
		{ "me", -1 }, { "profile", -1 }, { "Admin", -1 },
		{ "vybes", -1 }, { "api", -1 }, { "caf\xc3\xa9", -1 },
	};
	char	 out[VALID_USERNAME_MAX + 1];
	size_t	 i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		CU_ASSERT_EQUAL(valid_username(c[i].in, out), c[i].want);
		if (valid_username(c[i].in, out) != c[i].want)
			fprintf(stderr, "username case %zu (%s)\n", i, c[i].in);
	}
	CU_ASSERT_EQUAL(valid_username("Alice_1.x", out), 0);
	CU_ASSERT_STRING_EQUAL(out, "alice_1.x");
	CU_ASSERT_EQUAL(valid_username_lookup("@Alice", out), 0);
	CU_ASSERT_STRING_EQUAL(out, "alice");
	CU_ASSERT_EQUAL(valid_username_lookup("@@alice", out), -1);
}

static void
test_derive(void)
{
	static const struct {
		const char	*email, *want;
		int		 suffix;
	} c[] = {
		{ "john.doe+news@example.com", "john.doe", 0 },
		{ "..a...b..@x.io", "a.b", 0 },
		{ "j@x.io", "j", 1 },
		{ "+tag@x.io", "user", 0 },
		{ "me@x.io", "me", 1 },
		{ "admin@x.io", "admin", 1 },
		{ "o'brien-smith@x.io", "o_brien_smith", 0 },
		{ "abcdefghijklmnopqrstuvw.xyz@x.io", "abcdefghijklmnopqrstuvw", 0 },
		{ "abcdefghijklmnopqrstuvwxyz0123@x.io",
		    "abcdefghijklmnopqrstuvwx", 0 },
	};
	char	 out[25], chk[VALID_USERNAME_MAX + 1];
	size_t	 i;
	int	 r;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		r = valid_username_from_email(c[i].email, out);
		CU_ASSERT_EQUAL(r, c[i].suffix);
		CU_ASSERT_STRING_EQUAL(out, c[i].want);
		if (r != c[i].suffix || strcmp(out, c[i].want) != 0)
			fprintf(stderr, "derive case %zu: %s -> %s (%d)\n", i,
			    c[i].email, out, r);
		/* Unless a suffix is due, the result is a valid username. */
		if (!c[i].suffix)
			CU_ASSERT_EQUAL(valid_username(out, chk), 0);
	}
}

static void
test_url_bio(void)
{
	char	 big[2100];

	CU_ASSERT_EQUAL(valid_url(""), 0);
	CU_ASSERT_EQUAL(valid_url("https://media.example/a.jpg"), 0);
	CU_ASSERT_EQUAL(valid_url("HTTP://x"), 0);
	CU_ASSERT_EQUAL(valid_url("ftp://x/a"), -1);
	CU_ASSERT_EQUAL(valid_url("https://"), -1);
	CU_ASSERT_EQUAL(valid_url("https:///path"), -1);
	CU_ASSERT_EQUAL(valid_url("javascript:alert(1)"), -1);
	CU_ASSERT_EQUAL(valid_url("https://a b"), -1);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	memcpy(big, "https://", 8);
	CU_ASSERT_EQUAL(valid_url(big), -1);
	big[2048] = '\0';
	CU_ASSERT_EQUAL(valid_url(big), 0);
	memset(big, 'b', 301);
	big[301] = '\0';
	CU_ASSERT_EQUAL(valid_bio(big), -1);
	big[300] = '\0';
	CU_ASSERT_EQUAL(valid_bio(big), 0);
	CU_ASSERT_EQUAL(valid_bio(""), 0);
}

void
test_valid_suite(void)
{
	CU_pSuite	 s = CU_add_suite("valid", NULL, NULL);

	UNIT_ADD(s, "strict UTF-8", test_utf8);
	UNIT_ADD(s, "UTF-8 prefixes", test_utf8_prefix);
	UNIT_ADD(s, "emails", test_email);
	UNIT_ADD(s, "passwords and names", test_password_name);
	UNIT_ADD(s, "usernames", test_username);
	UNIT_ADD(s, "usernames from emails", test_derive);
	UNIT_ADD(s, "urls and bios", test_url_bio);
}
