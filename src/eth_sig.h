/*
 * Ethereum signatures with the custodial key (spec/API.md sections 3.8.1,
 * 3.8.6, 3.8.7, 3.8.10): recoverable ECDSA over a 32-byte digest, the
 * EIP-191 personal-message digest, and signed legacy (EIP-155) and
 * EIP-1559 transactions.  Private keys are 32 raw bytes that the caller
 * owns and wipes; these functions wipe their own copies.  One secp256k1
 * context serves the process: call from one thread only.
 */
#ifndef ETH_SIG_H
#define ETH_SIG_H

#include <stddef.h>

struct eth_tx;
struct verr;

#define ETH_SIG_LEN	65		/* r || s || v */
#define ETH_SIG_TX_MAX	(1 << 20)	/* ceiling of a raw transaction */

/*
 * Sign the 32-byte digest with priv: sig is r || s || v, v = 27 +
 * recovery id, with an RFC 6979 nonce and low s, so the same input gives
 * the same signature.  Fails with 500 internal for an invalid key.
 */
int	eth_sig_sign(const unsigned char priv[32],
	    const unsigned char digest[32], unsigned char sig[ETH_SIG_LEN],
	    struct verr *e);

/*
 * The EIP-191 version 0x45 digest of len bytes of msg:
 * keccak256("\x19Ethereum Signed Message:\n" || decimal len || msg).
 */
void	eth_sig_personal_digest(const void *msg, size_t len,
	    unsigned char out[32]);

/*
 * The signing hash of tx: keccak256(rlp([nonce, gasPrice, gas, to, value,
 * data, chainId, 0, 0])) for type 0, keccak256(0x02 || rlp([chainId, ...,
 * accessList])) for type 2.  Fails with 400 validation_failed (field
 * "transaction") when the encoding exceeds ETH_SIG_TX_MAX, 500 internal
 * for another type.
 */
int	eth_sig_tx_hash(const struct eth_tx *tx, unsigned char hash[32],
	    struct verr *e);

/*
 * Sign tx with priv: *raw (malloc'd, the caller frees it) gets the raw
 * transaction for eth_sendRawTransaction, *rawlen its size and hash the
 * transaction hash, keccak256(*raw).  Fails like eth_sig_tx_hash() and
 * eth_sig_sign(); *raw is NULL then.
 */
int	eth_sig_tx_sign(const struct eth_tx *tx, const unsigned char priv[32],
	    unsigned char **raw, size_t *rawlen, unsigned char hash[32],
	    struct verr *e);

#endif
