/*
 * The Ethereum JSON-RPC client (ETH_RPC_URL) used by send-transaction:
 * eth_call() for any method, and one named function per node call the
 * wallet makes.  Quantities are u256.h values.  Every call fails as
 * eth_call() does; a named call whose answer is not what the method
 * returns fails with 503 unavailable.
 */
#ifndef ETH_H
#define ETH_H

#include <stddef.h>

struct cfg;
struct eth_tx;
struct json_object;
struct verr;

/*
 * Call `method' with `params' (a JSON array, borrowed) and give the
 * result to the caller in *result (a new reference).  503 unavailable
 * when ETH_RPC_URL is unset or the node does not answer within 10 s;
 * 422 chain_rejected carrying the node's message when it answers a
 * JSON-RPC error.
 */
int	eth_call(const struct cfg *c, const char *method,
	    struct json_object *params, struct json_object **result,
	    struct verr *e);

/* eth_chainId: the node's chain id into id. */
int	eth_chain_id(const struct cfg *c, unsigned char id[32], struct verr *e);

/*
 * eth_getTransactionCount(addr, "pending"): the next nonce of address
 * addr ("0x" + 40 hex digits) counting the node's pending transactions.
 */
int	eth_nonce(const struct cfg *c, const char *addr,
	    unsigned char nonce[32], struct verr *e);

/*
 * eth_getBlockByNumber("latest"): the latest block's baseFeePerGas into
 * fee.  1 when it has one (EIP-1559 is active), 0 when not.
 */
int	eth_base_fee(const struct cfg *c, unsigned char fee[32],
	    struct verr *e);

/* eth_gasPrice: the node's legacy gas price into price. */
int	eth_gas_price(const struct cfg *c, unsigned char price[32],
	    struct verr *e);

/*
 * eth_maxPriorityFeePerGas: the node's suggested tip into fee.  Nodes
 * without the method answer 422 chain_rejected.
 */
int	eth_max_priority_fee(const struct cfg *c, unsigned char fee[32],
	    struct verr *e);

/*
 * eth_estimateGas of tx sent from address from (its to, value and data;
 * fees are left to the node) into gas.
 */
int	eth_estimate_gas(const struct cfg *c, const struct eth_tx *tx,
	    const char *from, unsigned char gas[32], struct verr *e);

/*
 * eth_sendRawTransaction of raw ("0x" + hex of the signed transaction).
 * *hash is the node's transaction hash (malloc'd, the caller frees it),
 * or NULL when the node answered something else than a string.
 */
int	eth_send_raw(const struct cfg *c, const char *raw, char **hash,
	    struct verr *e);

#endif
