/*
 * The Ethereum JSON-RPC client (ETH_RPC_URL) used by send-transaction.
 */
#ifndef ETH_H
#define ETH_H

struct cfg;
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

#endif
