/*
 * Randomness from the CSPRNG (OpenSSL's RAND_bytes) for tokens, ids and
 * codes.  A CSPRNG that cannot deliver is a broken system, not a request
 * error: both functions log and abort then.
 */
#ifndef RND_H
#define RND_H

#include <stddef.h>
#include <stdint.h>

/* Fill buf with n random bytes. */
void		rnd_bytes(void *buf, size_t n);

/* A uniform integer in [0, n), n > 0, by rejection sampling. */
uint32_t	rnd_uniform(uint32_t n);

#endif
