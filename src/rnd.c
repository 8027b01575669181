/*
 * The CSPRNG.  rnd_uniform() rejects the top of the 32-bit range that
 * does not divide evenly by n: v % n alone would favour small values
 * (a one-time code of 000000-067295 would be likelier than the rest).
 */
#include <stdlib.h>

#include <openssl/rand.h>

#include "log.h"
#include "rnd.h"

void
rnd_bytes(void *buf, size_t n)
{
	if (RAND_bytes(buf, (int)n) != 1) {
		log_err("RAND_bytes: the random generator failed");
		abort();
	}
}

uint32_t
rnd_uniform(uint32_t n)
{
	uint32_t	 v, lim = UINT32_MAX - UINT32_MAX % n;

	do
		rnd_bytes(&v, sizeof(v));
	while (v >= lim);
	return v % n;
}
