/*
 * Field rules of API.md 3.1.1 and 3.2.2: pure functions, no I/O.  Each
 * validator that normalizes writes the normalized value to `out'.
 */
#ifndef VALID_H
#define VALID_H

#include <stddef.h>

#define VALID_EMAIL_MAX		254
#define VALID_USERNAME_MAX	30

/*
 * The one UTF-8 check of input text: the number of code points of the
 * len bytes at buf, or -1 unless they are strict UTF-8 (RFC 3629: no
 * overlong form, no surrogate, nothing above U+10FFFF) without NUL.
 */
long	valid_utf8(const void *buf, size_t len);
/* valid_utf8() of the string s. */
long	valid_utf8_str(const char *s);
/*
 * The length of the longest prefix of the UTF-8 string s, at most max
 * bytes, that does not end inside a character: where to cut client text
 * (or a string snprintf() already cut) so that it stays UTF-8.
 */
size_t	valid_utf8_prefix(const char *s, size_t max);

/*
 * Trim and lower-case `in' into out (VALID_EMAIL_MAX + 1 bytes).  With
 * `strict', the full registration rules apply; otherwise the looser check
 * of login/request-otp/reset-password (one '@', something on each side).
 * Returns 0 or -1.
 */
int	valid_email(const char *in, int strict, char *out);

/* A new password: 8..128 characters.  0 or -1. */
int	valid_password(const char *pw);

/* Trim `in' into out (size outsz): 1..50 characters.  0 or -1. */
int	valid_name(const char *in, char *out, size_t outsz);

/*
 * Lower-case `in' into out (VALID_USERNAME_MAX + 1 bytes) and check the
 * username rules, reserved names included.  0 or -1.
 */
int	valid_username(const char *in, char *out);

/*
 * The lookup form of a username: one leading '@' dropped, lower-cased.
 * Returns -1 when it cannot be a username (the caller answers 404).
 */
int	valid_username_lookup(const char *in, char *out);

/*
 * Steps 1-4 of the username derived from a normalized email (API.md
 * 3.1.1) into out (25 bytes).  Returns 1 when the result must get a
 * random suffix (shorter than 3 or reserved), else 0.
 */
int	valid_username_from_email(const char *email, char *out);

/* A profile URL: "" or absolute http(s) of at most 2048 characters. */
int	valid_url(const char *s);

/* A bio: at most 300 characters. */
int	valid_bio(const char *s);

/* Is `name' one of the reserved usernames? */
int	valid_reserved(const char *name);

#endif
