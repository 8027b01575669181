/*
 * The transaction object of sign-transaction and send-transaction
 * (API.md 3.8.10): struct eth_tx, which eth_sig.h encodes and signs, and
 * parsing and validating its JSON into one, remembering which members
 * were given so that send-transaction can fill the others from the node.
 */
#ifndef ETH_TX_H
#define ETH_TX_H

#include <stddef.h>

struct json_object;
struct verr;

/* One access list entry: an address and its storage keys. */
struct eth_access {
	unsigned char	  ea_addr[20];
	unsigned char	(*ea_keys)[32];	/* ea_nkeys keys, malloc'd */
	size_t		  ea_nkeys;
};

/*
 * A transaction to sign.  Quantities are u256.h values; fields that
 * do not belong to tx_type are ignored.  The caller validates values
 * (spec section 3.8.10) and owns the pointers; eth_tx_clear() frees
 * them.
 */
struct eth_tx {
	int			 tx_type;	/* 0 (EIP-155), 2 (EIP-1559) */
	unsigned char		 tx_chain_id[32];
	unsigned char		 tx_nonce[32];
	unsigned char		 tx_gas_price[32];		/* type 0 */
	unsigned char		 tx_max_priority_fee[32];	/* type 2 */
	unsigned char		 tx_max_fee[32];		/* type 2 */
	unsigned char		 tx_gas[32];
	unsigned char		 tx_value[32];
	int			 tx_has_to;	/* 0: contract creation */
	unsigned char		 tx_to[20];
	unsigned char		*tx_data;	/* malloc'd, may be NULL */
	size_t			 tx_datalen;
	struct eth_access	*tx_access;	/* malloc'd, type 2 only */
	size_t			 tx_naccess;
};

/* The members whose absence send-transaction fills in. */
enum eth_tx_member {
	ETH_TX_TYPE, ETH_TX_CHAIN_ID, ETH_TX_NONCE, ETH_TX_GAS,
	ETH_TX_GAS_PRICE, ETH_TX_MAX_FEE, ETH_TX_MAX_PRIORITY, ETH_TX__MAX
};

/* A request's transaction: what it gave, and whether it named a sender. */
struct eth_tx_req {
	struct eth_tx	 tx;
	int		 given[ETH_TX__MAX];	/* members in the JSON */
	int		 has_from;
	unsigned char	 from[20];
};

/*
 * Parse the JSON transaction o into t (t->tx owns its buffers until
 * eth_tx_clear()).  Checks every member's form and the rules that do
 * not need a node: fee members against the given type, priority fee not
 * above the max fee, data/input and gas/gasLimit agreement, contract
 * creation with data.  The type is inferred from the fee members when
 * absent and they decide it; t->given[ETH_TX_TYPE] says whether it was
 * given or inferred.  400 validation_failed naming "transaction.<member>".
 */
int	eth_tx_parse(struct json_object *o, struct eth_tx_req *t,
	    struct verr *e);

/*
 * Parse a quantity (0x-hex, decimal string, or non-negative JSON integer
 * up to 2^53 - 1) into 32 big-endian bytes.  -1 when it is not one.
 */
int	eth_tx_quantity(struct json_object *v, unsigned char out[32]);

/* Parse a quantity string (0x-hex or decimal) like eth_tx_quantity(). */
int	eth_tx_quantity_str(const char *s, unsigned char out[32]);

/* Parse an address (EIP-55 checked when mixed case) into 20 bytes. */
int	eth_tx_address(const char *s, unsigned char out[20]);

/* Free what tx points to and zero it; tx may be NULL. */
void	eth_tx_clear(struct eth_tx *tx);

#endif
