/*
 * Custodial wallet keys (spec/API.md section 3.8.1): generation, the EIP-55
 * address of a key, and the reference's sealed storage format.  Private
 * keys are 32 raw bytes; callers wipe them with explicit_bzero() when done.
 * One secp256k1 context serves the process: call from one thread only.
 */
#ifndef ETH_KEY_H
#define ETH_KEY_H

struct verr;

#define ETH_KEY_ADDR_LEN	43	/* "0x", 40 hex digits, NUL */

/*
 * Draw priv uniformly from [1, n-1] of secp256k1 with the CSPRNG.
 * Fails only with 500 internal (no randomness).
 */
int	eth_key_generate(unsigned char priv[32], struct verr *e);

/*
 * Write the EIP-55 checksummed address of priv ("0x" + 40) into addr.
 * Fails with 500 internal when priv is not a valid secp256k1 key.
 */
int	eth_key_address(const unsigned char priv[32],
	    char addr[ETH_KEY_ADDR_LEN], struct verr *e);

/* Write the 20-byte address a as "0x" + 40 EIP-55 mixed-case digits. */
void	eth_key_eip55(const unsigned char a[20], char out[ETH_KEY_ADDR_LEN]);

/*
 * Encrypt priv under the 32-byte key (AES-256-GCM, fresh nonce) into the
 * storage string *out, malloc'd for the caller.  Fails with 500 internal.
 */
int	eth_key_seal(const unsigned char key[32], const unsigned char priv[32],
	    char **out, struct verr *e);

/*
 * Decrypt a string of eth_key_seal() or the Go reference into priv.  A wrong
 * key, tampered or malformed data fails with 500 internal; priv is zeroed.
 */
int	eth_key_open(const unsigned char key[32], const char *sealed,
	    unsigned char priv[32], struct verr *e);

/*
 * The process's secp256k1 context, created on first use and randomized
 * again in each new process after fork(); borrowed, never destroyed.
 * NULL with 500 internal in e when it cannot be set up.
 */
struct secp256k1_context_struct *eth_key_context(struct verr *e);

#endif
