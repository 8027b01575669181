/*
 * HS256 JWTs.  Verification decides on the header before touching the
 * signature so that no other algorithm (none, HS384, RS256 with the HMAC
 * key as a "public key") can ever be accepted, and compares MACs in
 * constant time.  Decoded parts are bounded: a token longer than a few
 * kilobytes is rejected before any work.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "enc.h"
#include "jwt.h"
#include "rnd.h"
#include "xmem.h"

#define JWT_MAXPART	2048

static const char jwt_header[] = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";

static void
jwt_mac(const void *key, size_t klen, const char *data, size_t len,
    unsigned char mac[32])
{
	unsigned int	 n = 32;

	if (HMAC(EVP_sha256(), key, (int)klen, (const unsigned char *)data,
	    len, mac, &n) == NULL)
		abort();
}

char *
jwt_sign(const void *key, size_t klen, const struct jwt_claims *c)
{
	char		 payload[256], *tok;
	char		 h64[ENC_B64URL_LEN(sizeof(jwt_header)) + 1];
	char		 p64[ENC_B64URL_LEN(sizeof(payload)) + 1];
	char		 s64[ENC_B64URL_LEN(32) + 1];
	unsigned char	 mac[32], rnd[9];
	char		 jti[ENC_B64URL_LEN(9) + 1];
	size_t		 len;
	int		 n;

	/* A random jti makes every token unique, even within a second. */
	rnd_bytes(rnd, sizeof(rnd));
	enc_b64url(rnd, sizeof(rnd), jti);
	n = snprintf(payload, sizeof(payload),
	    "{\"sub\":\"%s\",\"sid\":\"%s\",\"iat\":%lld,\"exp\":%lld,"
	    "\"jti\":\"%s\"}", c->sub, c->sid, (long long)c->iat,
	    (long long)c->exp, jti);
	if (n < 0 || (size_t)n >= sizeof(payload))
		abort();
	enc_b64url(jwt_header, sizeof(jwt_header) - 1, h64);
	enc_b64url(payload, (size_t)n, p64);
	len = strlen(h64) + 1 + strlen(p64);
	tok = xmalloc(len + 1 + sizeof(s64));
	snprintf(tok, len + 1, "%s.%s", h64, p64);
	jwt_mac(key, klen, tok, len, mac);
	enc_b64url(mac, sizeof(mac), s64);
	tok[len] = '.';
	memcpy(tok + len + 1, s64, strlen(s64) + 1);
	return tok;
}

/* Decode one base64url part holding a JSON object; NULL if it is not. */
static struct json_object *
jwt_part(const char *p, size_t len)
{
	unsigned char		 buf[JWT_MAXPART];
	struct json_object	*o;
	struct json_tokener	*tok;
	size_t			 n;

	if (enc_unb64url(p, len, buf, sizeof(buf), &n) == -1)
		return NULL;
	if ((tok = json_tokener_new()) == NULL)
		xnomem("json_tokener_new");
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
	    JSON_TOKENER_VALIDATE_UTF8);
	o = json_tokener_parse_ex(tok, (const char *)buf, (int)n);
	if (o != NULL && (json_tokener_get_parse_end(tok) != n ||
	    !json_object_is_type(o, json_type_object))) {
		json_object_put(o);
		o = NULL;
	}
	json_tokener_free(tok);
	return o;
}

static int
jwt_get_id(struct json_object *o, const char *name, char out[25])
{
	struct json_object	*v;
	const char		*s;
	size_t			 i;

	if (!json_object_object_get_ex(o, name, &v) ||
	    !json_object_is_type(v, json_type_string))
		return -1;
	s = json_object_get_string(v);
	if (!enc_is_oid(s))
		return -1;
	for (i = 0; i < 24; i++)
		out[i] = (char)tolower((unsigned char)s[i]);
	out[24] = '\0';
	return 0;
}

static int
jwt_get_time(struct json_object *o, const char *name, int required,
    int64_t *out)
{
	struct json_object	*v;

	*out = 0;
	if (!json_object_object_get_ex(o, name, &v))
		return required ? -1 : 0;
	if (!json_object_is_type(v, json_type_int))
		return -1;
	*out = json_object_get_int64(v);
	return 0;
}

int
jwt_verify(const void *key, size_t klen, const char *tok, int64_t now,
    struct jwt_claims *c)
{
	struct json_object	*hdr = NULL, *pl = NULL, *alg;
	const char		*d1, *d2;
	unsigned char		 mac[32], got[33];
	size_t			 n;
	int			 rc = -1;

	memset(c, 0, sizeof(c[0]));
	if (strlen(tok) > 3 * JWT_MAXPART ||
	    (d1 = strchr(tok, '.')) == NULL ||
	    (d2 = strchr(d1 + 1, '.')) == NULL || strchr(d2 + 1, '.') != NULL)
		return -1;
	if ((hdr = jwt_part(tok, (size_t)(d1 - tok))) == NULL ||
	    !json_object_object_get_ex(hdr, "alg", &alg) ||
	    !json_object_is_type(alg, json_type_string) ||
	    strcmp(json_object_get_string(alg), "HS256") != 0)
		goto out;
	if (enc_unb64url(d2 + 1, strlen(d2 + 1), got, sizeof(got), &n) == -1 ||
	    n != sizeof(mac))
		goto out;
	jwt_mac(key, klen, tok, (size_t)(d2 - tok), mac);
	if (CRYPTO_memcmp(mac, got, sizeof(mac)) != 0)
		goto out;
	if ((pl = jwt_part(d1 + 1, (size_t)(d2 - d1 - 1))) == NULL ||
	    jwt_get_time(pl, "exp", 1, &c->exp) == -1 ||
	    jwt_get_time(pl, "iat", 0, &c->iat) == -1 ||
	    jwt_get_id(pl, "sub", c->sub) == -1 ||
	    jwt_get_id(pl, "sid", c->sid) == -1)
		goto out;
	if (c->exp <= now - JWT_LEEWAY || c->iat > now + JWT_LEEWAY)
		goto out;
	rc = 0;
out:
	json_object_put(hdr);
	json_object_put(pl);
	return rc;
}
