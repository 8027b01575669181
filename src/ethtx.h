/*
 * The transaction object of sign-transaction and send-transaction
 * (API.md 3.8.10): parsing and validating its JSON into a struct eth_tx,
 * remembering which members were given so that send-transaction can fill
 * the others from the node.
 */
#ifndef ETHTX_H
#define ETHTX_H

#include "ethsig.h"

struct json_object;
struct verr;

enum ethtx_member {
	ETX_TYPE, ETX_CHAIN_ID, ETX_NONCE, ETX_GAS, ETX_GAS_PRICE,
	ETX_MAX_FEE, ETX_MAX_PRIORITY, ETX__MAX
};

struct ethtx {
	struct eth_tx	 tx;
	int		 given[ETX__MAX];	/* members present in the JSON */
	int		 has_from;
	unsigned char	 from[20];
};

/*
 * Parse the JSON transaction o into t (t->tx owns its buffers until
 * ethsig_tx_clear()).  Checks every member's form and the rules that do
 * not need a node: fee members against the given type, priority fee not
 * above the max fee, data/input and gas/gasLimit agreement, contract
 * creation with data.  The type is inferred from the fee members when
 * absent and they decide it; t->given[ETX_TYPE] says whether it was
 * given or inferred.  400 validation_failed naming "transaction.<member>".
 */
int	ethtx_parse(struct json_object *o, struct ethtx *t, struct verr *e);

/*
 * Parse a quantity (0x-hex, decimal string, or non-negative JSON integer
 * up to 2^53 - 1) into 32 big-endian bytes.  -1 when it is not one.
 */
int	ethtx_quantity(struct json_object *v, unsigned char out[32]);

/* Parse an address (EIP-55 checked when mixed case) into 20 bytes. */
int	ethtx_address(const char *s, unsigned char out[20]);

/* Is the 32-byte big-endian value zero? */
int	ethtx_is_zero(const unsigned char v[32]);

#endif
