/*
 * Access tokens: JWT (RFC 7519) signed with HS256 only, claims sub, sid,
 * iat and exp (API.md 1.5).
 */
#ifndef JWT_H
#define JWT_H

#include <stddef.h>
#include <stdint.h>

#define JWT_LEEWAY	30	/* seconds of clock skew accepted */

struct jwt_claims {
	char	 sub[25];	/* user id, 24 lowercase hex */
	char	 sid[25];	/* session id, 24 lowercase hex */
	int64_t	 iat;		/* 0 when the token had none */
	int64_t	 exp;
};

/*
 * Sign c with key (klen bytes) into a malloc'd token given to the caller.
 */
char	*jwt_sign(const void *key, size_t klen, const struct jwt_claims *c);

/*
 * Verify `tok' at time `now' (seconds): three parts, header alg exactly
 * HS256, a valid signature, exp present and later than now - leeway, iat
 * (when present) not later than now + leeway, sub and sid 24 hex digits
 * (stored lower-cased in c).  Returns 0, or -1 for any invalid token.
 */
int	 jwt_verify(const void *key, size_t klen, const char *tok, int64_t now,
	    struct jwt_claims *c);

#endif
