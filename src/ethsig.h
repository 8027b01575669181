/*
 * Ethereum signatures with the custodial key (spec/API.md sections 3.8.1,
 * 3.8.6, 3.8.7, 3.8.10): recoverable ECDSA over a 32-byte digest, the
 * EIP-191 personal-message digest, and signed legacy (EIP-155) and
 * EIP-1559 transactions.  Private keys are 32 raw bytes that the caller
 * owns and wipes; these functions wipe their own copies.  One secp256k1
 * context serves the process: call from one thread only.
 */
#ifndef ETHSIG_H
#define ETHSIG_H

#include <stddef.h>

struct verr;

#define ETHSIG_LEN	65		/* r || s || v */
#define ETHSIG_TX_MAX	(1 << 20)	/* ceiling of a raw transaction */

/* One access list entry: an address and its storage keys. */
struct eth_access {
	unsigned char	  ea_addr[20];
	unsigned char	(*ea_keys)[32];	/* ea_nkeys keys, malloc'd */
	size_t		  ea_nkeys;
};

/*
 * A transaction to sign.  Quantities are 32-byte big-endian; fields that
 * do not belong to tx_type are ignored.  The caller validates values
 * (spec section 3.8.10) and owns the pointers; ethsig_tx_clear() frees
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

/*
 * Sign the 32-byte digest with priv: sig is r || s || v, v = 27 +
 * recovery id, with an RFC 6979 nonce and low s, so the same input gives
 * the same signature.  Fails with 500 internal for an invalid key.
 */
int	ethsig_sign(const unsigned char priv[32],
	    const unsigned char digest[32], unsigned char sig[ETHSIG_LEN],
	    struct verr *e);

/*
 * The EIP-191 version 0x45 digest of len bytes of msg:
 * keccak256("\x19Ethereum Signed Message:\n" || decimal len || msg).
 */
void	ethsig_personal_digest(const void *msg, size_t len,
	    unsigned char out[32]);

/*
 * The signing hash of tx: keccak256(rlp([nonce, gasPrice, gas, to, value,
 * data, chainId, 0, 0])) for type 0, keccak256(0x02 || rlp([chainId, ...,
 * accessList])) for type 2.  Fails with 400 validation_failed (field
 * "transaction") when the encoding exceeds ETHSIG_TX_MAX, 500 internal
 * for another type.
 */
int	ethsig_tx_hash(const struct eth_tx *tx, unsigned char hash[32],
	    struct verr *e);

/*
 * Sign tx with priv: *raw (malloc'd, the caller frees it) gets the raw
 * transaction for eth_sendRawTransaction, *rawlen its size and hash the
 * transaction hash, keccak256(*raw).  Fails like ethsig_tx_hash() and
 * ethsig_sign(); *raw is NULL then.
 */
int	ethsig_tx_sign(const struct eth_tx *tx, const unsigned char priv[32],
	    unsigned char **raw, size_t *rawlen, unsigned char hash[32],
	    struct verr *e);

/* Free what tx points to and zero it; tx may be NULL. */
void	ethsig_tx_clear(struct eth_tx *tx);

#endif
