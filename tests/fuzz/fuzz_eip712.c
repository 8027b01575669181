/*
 * EIP-712 typed data of POST /wallet/sign-typed-data: the body's JSON
 * through the strict parser, then the digest and the primary type's
 * encodeType.
 */
#include <stdint.h>
#include <stdlib.h>

#include <json-c/json.h>

#include "eth_712.h"
#include "json.h"
#include "verr.h"

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct json_object	*o, *pt;
	struct verr		 e;
	unsigned char		 dig[32], dom[32], msg[32];
	char			*s;

	verr_init(&e);
	if (json_parse_object((const char *)d, n, &o, &e) == -1)
		return 0;
	(void)eth_712_digest(o, dig, dom, msg, &e);
	verr_init(&e);
	if (json_object_object_get_ex(o, "primaryType", &pt) &&
	    json_object_is_type(pt, json_type_string) &&
	    eth_712_encode_type(o, json_object_get_string(pt), &s, &e) == 0)
		free(s);
	json_object_put(o);
	return 0;
}
