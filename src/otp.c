/*
 * One-time codes.  Six digits alone are easy to invert from their plain
 * hash (a million tries), so the stored hash is keyed with a server
 * secret; comparing in constant time keeps the time of a wrong guess
 * from telling how much of it matched.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "enc.h"
#include "otp.h"
#include "rnd.h"

void
otp_new(char code[7])
{
	snprintf(code, 7, "%06u", rnd_uniform(1000000));
}

void
otp_hash(const char *key, const char *uid, const char *code,
    char out[OTP_HASHLEN + 1])
{
	unsigned char	 mac[32];
	unsigned int	 n = sizeof(mac);
	char		 msg[64];

	snprintf(msg, sizeof(msg), "otp:%s:%s", uid, code);
	HMAC(EVP_sha256(), key, (int)strlen(key), (unsigned char *)msg,
	    strlen(msg), mac, &n);
	enc_hex(mac, sizeof(mac), out);
	OPENSSL_cleanse(msg, sizeof(msg));
}

int
otp_equal(const char *a, const char *b)
{
	return CRYPTO_memcmp(a, b, OTP_HASHLEN) == 0;
}
