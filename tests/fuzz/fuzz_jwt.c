/*
 * Access token verification.  The first byte picks the mode: the rest
 * of the input as a token, or as "header\npayload" JSON that is encoded
 * and signed here with the verifier's key, so the fuzzer reaches the
 * claim checks behind a valid signature.  Oracle: a token that verifies
 * has lower-case 24-hex-digit ids.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "enc.h"
#include "jwt.h"

#define KEY	"fuzz-key-fuzz-key-fuzz-key-fuzz-key"
#define NOW	1750000000

static size_t
b64(const void *in, size_t n, char *out)
{
	enc_b64url(in, n, out);
	return strlen(out);
}

/* "b64(header).b64(payload).b64(hmac)" of the two halves of d. */
static char *
signed_token(const uint8_t *d, size_t n)
{
	const uint8_t	*nl = memchr(d, '\n', n);
	unsigned char	 mac[32];
	unsigned int	 maclen = sizeof(mac);
	char		*tok;
	size_t		 hl, o;

	if (nl == NULL)
		return NULL;
	hl = (size_t)(nl - d);
	if ((tok = malloc(ENC_B64URL_LEN(n) + ENC_B64URL_LEN(32) + 8)) ==
	    NULL)
		abort();
	o = b64(d, hl, tok);
	tok[o++] = '.';
	o += b64(nl + 1, n - hl - 1, tok + o);
	HMAC(EVP_sha256(), KEY, sizeof(KEY) - 1, (unsigned char *)tok, o,
	    mac, &maclen);
	tok[o++] = '.';
	b64(mac, maclen, tok + o);
	return tok;
}

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct jwt_claims	 c;
	char			*tok;
	size_t			 i;

	if (n < 1)
		return 0;
	if (d[0] & 1)
		tok = signed_token(d + 1, n - 1);
	else {
		if ((tok = malloc(n)) == NULL)
			abort();
		memcpy(tok, d + 1, n - 1);
		tok[n - 1] = '\0';
	}
	if (tok == NULL)
		return 0;
	if (jwt_verify(KEY, sizeof(KEY) - 1, tok, NOW, &c) == 0)
		for (i = 0; i < 24; i++)
			if (!isxdigit((unsigned char)c.sub[i]) ||
			    isupper((unsigned char)c.sub[i]) ||
			    !isxdigit((unsigned char)c.sid[i]) ||
			    isupper((unsigned char)c.sid[i]))
				abort();
	free(tok);
	return 0;
}
