/*
 * Password hashing (spec/API.md section 1.9): new hashes are Argon2id PHC
 * strings; bcrypt hashes written by the Go reference still verify and are
 * flagged for replacement.
 */
#ifndef PWHASH_H
#define PWHASH_H

#include <stddef.h>
#include <stdint.h>

struct cfg;
struct verr;

struct pw_params {
	uint32_t	 m_kib;		/* Argon2 memory in KiB */
	uint32_t	 t_cost;	/* Argon2 passes */
	uint32_t	 lanes;		/* Argon2 parallelism */
};

/* The spec's floor, OWASP's first Argon2id choice: 19 MiB, 2 passes. */
#define PW_PARAMS_DEFAULT	{ 19456, 2, 1 }

/* Room for any PHC string pw_hash() writes, NUL included. */
#define PW_HASH_MAX		128

/*
 * Hash len bytes of pw with p and a fresh 16-byte salt into out as a
 * "$argon2id$v=19$m=...,t=...,p=...$salt$hash" string of at most outsz
 * bytes.  Fails with 500 internal (bad parameters, no memory or entropy).
 */
int	pw_hash(const char *pw, size_t len, const struct pw_params *p,
	    char *out, size_t outsz, struct verr *e);

/*
 * Check pw against a stored Argon2id or bcrypt ($2a$, $2b$, $2y$) hash:
 * 1 on a match, 0 on a mismatch or an unknown or corrupt stored hash, -1
 * with 500 internal when out of memory.  On a match *rehash is 1 when the
 * hash is bcrypt or Argon2id with parameters other than p, else 0.
 */
int	pw_verify(const char *stored, const char *pw, size_t len,
	    const struct pw_params *p, int *rehash, struct verr *e);

/*
 * Spend what pw_verify() spends on an Argon2id hash made with p, for a
 * login whose account does not exist.  Always returns 0, a mismatch.
 */
int	pw_dummy_verify(const char *pw, size_t len, const struct pw_params *p);

/* The Argon2id parameters of configuration c into p. */
void	pw_params_cfg(const struct cfg *c, struct pw_params *p);

#endif
