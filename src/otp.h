/*
 * One-time password-reset codes (API.md 3.1.6, 3.1.7): six digits, kept
 * only as a keyed hash so that a database leak does not reveal them.
 */
#ifndef OTP_H
#define OTP_H

#define OTP_HASHLEN	64	/* hex characters of a hash */

/* A fresh code of six uniform decimal digits into code. */
void	otp_new(char code[7]);

/*
 * The hash of `code' for user uid under `key' (the JWT secret), as hex
 * into out: HMAC-SHA256 of "otp:<uid>:<code>".
 */
void	otp_hash(const char *key, const char *uid, const char *code,
	    char out[OTP_HASHLEN + 1]);

/* 1 when the two hashes are equal, compared in constant time, else 0. */
int	otp_equal(const char *a, const char *b);

#endif
