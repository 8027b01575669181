/*
 * Passwords.  New hashes are Argon2id in the PHC string format, with the
 * cost parameters of the configuration and a 16-byte salt from the CSPRNG;
 * libargon2 compares digests in constant time.  The Go reference stored
 * bcrypt (golang.org/x/crypto/bcrypt, "$2a$", cost 14); those still verify
 * through libxcrypt's crypt_rn(), which knows $2a$, $2b$ and $2y$ (they
 * differ only for the 8-bit bug of old crypt_blowfish, which Go never
 * had), and are flagged so the caller replaces them after a successful
 * login.  bcrypt reads at most 72 bytes of a password; that limit belongs
 * to the stored hash and goes away with it.  A stored value in any other
 * format, or a corrupt one, is answered like a wrong password, after the
 * same work, so that it reveals nothing.  Nothing here logs: passwords
 * never reach a log, and buffers that held derived secrets are wiped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <argon2.h>
#include <crypt.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "cfg.h"
#include "pwhash.h"
#include "verr.h"

#define PW_SALT		16
#define PW_HASHLEN	32

static int
pw_internal(struct verr *e, const char *why)
{
	verr_internal(e, "password hash: %s", why);
	return -1;
}

int
pw_hash(const char *pw, size_t len, const struct pw_params *p,
    char *out, size_t outsz, struct verr *e)
{
	unsigned char	 salt[PW_SALT];
	int		 r;

	if (len > UINT32_MAX)
		return pw_internal(e, "password too long");
	if (argon2_encodedlen(p->t_cost, p->m_kib, p->lanes, PW_SALT,
	    PW_HASHLEN, Argon2_id) > outsz)
		return pw_internal(e, "output buffer too small");
	if (RAND_bytes(salt, sizeof(salt)) != 1)
		return pw_internal(e, "random generator failed");
	r = argon2id_hash_encoded(p->t_cost, p->m_kib, p->lanes, pw, len,
	    salt, sizeof(salt), PW_HASHLEN, out, outsz);
	if (r != ARGON2_OK)
		return pw_internal(e, argon2_error_message(r));
	return 0;
}

/*
 * Whether an Argon2id string was made with other parameters than p (or
 * another version); the digest itself is checked by argon2id_verify().
 */
static int
pw_argon2_outdated(const char *stored, const struct pw_params *p)
{
	unsigned int	 v, m, t, l;

	if (sscanf(stored, "$argon2id$v=%u$m=%u,t=%u,p=%u$", &v, &m, &t,
	    &l) != 4)
		return 1;
	return v != ARGON2_VERSION_NUMBER || m != p->m_kib ||
	    t != p->t_cost || l != p->lanes;
}

/* 1 on a match, 0 otherwise, -1 when out of memory. */
static int
pw_bcrypt(const char *stored, const char *pw, size_t len, struct verr *e)
{
	struct crypt_data	*cd = NULL;
	char			*key = NULL;
	const char		*h;
	size_t			 slen = strlen(stored);
	int			 rc = 0;

	/*
	 * crypt() takes a C string: a password holding a NUL would be
	 * cut short there, so it cannot be the one that was hashed.
	 */
	if (memchr(pw, '\0', len) != NULL)
		goto out;
	if ((cd = calloc(1, sizeof(*cd))) == NULL ||
	    (key = malloc(len + 1)) == NULL) {
		rc = pw_internal(e, "out of memory");
		goto out;
	}
	memcpy(key, pw, len);
	key[len] = '\0';
	h = crypt_rn(key, stored, cd, sizeof(*cd));
	if (h != NULL && strlen(h) == slen && CRYPTO_memcmp(h, stored,
	    slen) == 0)
		rc = 1;
out:
	if (key != NULL) {
		OPENSSL_cleanse(key, len + 1);
		free(key);
	}
	if (cd != NULL) {
		OPENSSL_cleanse(cd, sizeof(*cd));
		free(cd);
	}
	return rc;
}

int
pw_verify(const char *stored, const char *pw, size_t len,
    const struct pw_params *p, int *rehash, struct verr *e)
{
	int	 r;

	*rehash = 0;
	if (strncmp(stored, "$argon2id$", 10) == 0 && len <= UINT32_MAX) {
		r = argon2id_verify(stored, pw, len);
		if (r == ARGON2_MEMORY_ALLOCATION_ERROR)
			return pw_internal(e, argon2_error_message(r));
		if (r != ARGON2_OK)
			return 0;
		*rehash = pw_argon2_outdated(stored, p);
		return 1;
	}
	if (strncmp(stored, "$2a$", 4) == 0 ||
	    strncmp(stored, "$2b$", 4) == 0 ||
	    strncmp(stored, "$2y$", 4) == 0) {
		if ((r = pw_bcrypt(stored, pw, len, e)) == 1)
			*rehash = 1;
		return r;
	}
	return pw_dummy_verify(pw, len, p);
}

/*
 * argon2id_verify() decodes the string, recomputes the digest with its
 * parameters and compares; recomputing with p is the same work, so no
 * stored dummy string has to follow the configuration.
 */
int
pw_dummy_verify(const char *pw, size_t len, const struct pw_params *p)
{
	static const unsigned char	 salt[PW_SALT + 1] = "vybes-dummy-salt";
	unsigned char			 out[PW_HASHLEN];

	if (len <= UINT32_MAX)
		argon2id_hash_raw(p->t_cost, p->m_kib, p->lanes, pw, len,
		    salt, sizeof(salt), out, sizeof(out));
	OPENSSL_cleanse(out, sizeof(out));
	return 0;
}

void
pw_params_cfg(const struct cfg *c, struct pw_params *p)
{
	p->m_kib = (uint32_t)c->argon2_memory_kib;
	p->t_cost = (uint32_t)c->argon2_passes;
	p->lanes = (uint32_t)c->argon2_lanes;
}
