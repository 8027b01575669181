/*
 * The transaction object of POST /wallet/sign-transaction and
 * send-transaction: strict JSON, eth_tx_parse(), then the RLP encoding
 * and signing hash of what parsed.
 */
#include <stdint.h>
#include <string.h>

#include <json-c/json.h>

#include "eth_sig.h"
#include "eth_tx.h"
#include "json.h"
#include "verr.h"

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct json_object	*o;
	struct eth_tx_req		 t;
	struct verr		 e;
	unsigned char		 hash[32];

	verr_init(&e);
	if (json_parse_object((const char *)d, n, &o, &e) == -1)
		return 0;
	memset(&t, 0, sizeof(t));
	if (eth_tx_parse(o, &t, &e) == 0) {
		verr_init(&e);
		(void)eth_sig_tx_hash(&t.tx, hash, &e);
	}
	eth_tx_clear(&t.tx);
	json_object_put(o);
	return 0;
}
