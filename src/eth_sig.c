/*
 * Ethereum signing.  libsecp256k1's recoverable ECDSA gives what
 * Ethereum wants in one call: its default nonce function is RFC 6979
 * (HMAC-SHA256), so signatures are deterministic, it only ever produces
 * s in the lower half of the order (checked here all the same, since a
 * high s would be refused by nodes after EIP-2), and it returns the
 * recovery id that becomes v.  Every signature is recovered and compared
 * with the key's public key before it leaves, so a fault during signing
 * cannot hand out a signature that leaks the key or does not verify.
 * Transactions are RLP-encoded in the two forms of spec section 3.8.10;
 * the legacy v = chainId * 2 + 35 + recovery id is computed as a 33-byte
 * integer because chainId may be any 256-bit value.  The context is this
 * file's own, handled as eth_key.c handles its one: created on first use,
 * randomized, and randomized again in a child after fork().
 */
#include <sys/types.h>

#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <secp256k1.h>
#include <secp256k1_recovery.h>

#include "eth_key.h"
#include "eth_rlp.h"
#include "eth_sig.h"
#include "eth_tx.h"
#include "keccak.h"
#include "u256.h"
#include "verr.h"

static int
eth_sig_internal(struct verr *e, const char *why)
{
	verr_internal(e, "ethereum signature: %s", why);
	return -1;
}


/*
 * Sign digest into the 64 bytes r || s of rs and the recovery id *recid,
 * checking low s and that the signature recovers to priv's public key.
 */
static int
eth_sig_sign_raw(const unsigned char priv[32], const unsigned char digest[32],
    unsigned char rs[64], int *recid, struct verr *e)
{
	secp256k1_context			*ctx;
	secp256k1_ecdsa_recoverable_signature	 rsig;
	secp256k1_ecdsa_signature		 sig;
	secp256k1_pubkey			 pub, rec;

	if ((ctx = eth_key_context(e)) == NULL)
		return -1;
	/* NULL nonce function: secp256k1_nonce_function_rfc6979 */
	if (secp256k1_ecdsa_sign_recoverable(ctx, &rsig, digest, priv,
	    NULL, NULL) != 1 ||
	    secp256k1_ec_pubkey_create(ctx, &pub, priv) != 1)
		return eth_sig_internal(e, "invalid private key");
	secp256k1_ecdsa_recoverable_signature_convert(ctx, &sig, &rsig);
	if (secp256k1_ecdsa_signature_normalize(ctx, NULL, &sig) != 0)
		return eth_sig_internal(e, "signature has a high s");
	if (secp256k1_ecdsa_recover(ctx, &rec, &rsig, digest) != 1 ||
	    secp256k1_ec_pubkey_cmp(ctx, &pub, &rec) != 0)
		return eth_sig_internal(e, "signature does not verify");
	secp256k1_ecdsa_recoverable_signature_serialize_compact(ctx, rs,
	    recid, &rsig);
	return 0;
}

int
eth_sig_sign(const unsigned char priv[32], const unsigned char digest[32],
    unsigned char sig[ETH_SIG_LEN], struct verr *e)
{
	int	 recid;

	if (eth_sig_sign_raw(priv, digest, sig, &recid, e) == -1) {
		memset(sig, 0, ETH_SIG_LEN);
		return -1;
	}
	sig[64] = (unsigned char)(27 + recid);
	return 0;
}

void
eth_sig_personal_digest(const void *msg, size_t len, unsigned char out[32])
{
	static const char	 prefix[] = "\x19" "Ethereum Signed Message:\n";
	struct keccak_ctx	 k;
	char			 dec[24];
	int			 n;

	n = snprintf(dec, sizeof(dec), "%zu", len);
	keccak_init(&k);
	keccak_update(&k, prefix, sizeof(prefix) - 1);
	keccak_update(&k, dec, (size_t)n);
	keccak_update(&k, msg, len);
	keccak_final(&k, out);
}

/*
 * v = chainId * 2 + 35 + recid as 33 bytes big-endian: the low 256 bits
 * and, in v[0], the carries out of them.
 */
static void
eth_sig_legacy_v(const unsigned char chain[32], int recid,
    unsigned char v[33])
{
	unsigned char	 add[U256_LEN];

	v[0] = u256_add(chain, chain, v + 1) == -1;
	u256_from_u64(35 + (uint64_t)recid, add);
	v[0] += u256_add(v + 1, add, v + 1) == -1;
}

/*
 * RLP of tx: the signing payload when rs is NULL, else the signed
 * transaction with r || s = rs and recovery id recid.  Type 2 carries
 * its 0x02 prefix.
 */
static int
eth_sig_tx_encode(const struct eth_tx *tx, const unsigned char *rs,
    int recid, unsigned char **out, size_t *len, struct verr *e)
{
	struct eth_rlp	 r;
	unsigned char	 v[33];
	size_t		 i, k;

	*out = NULL;
	if (tx->tx_type != 0 && tx->tx_type != 2)
		return eth_sig_internal(e, "unsupported transaction type");
	eth_rlp_init(&r, ETH_SIG_TX_MAX);
	if (tx->tx_type == 2) {
		eth_rlp_raw(&r, "\x02", 1);
		eth_rlp_list_begin(&r);
		eth_rlp_uint(&r, tx->tx_chain_id, 32);
		eth_rlp_uint(&r, tx->tx_nonce, 32);
		eth_rlp_uint(&r, tx->tx_max_priority_fee, 32);
		eth_rlp_uint(&r, tx->tx_max_fee, 32);
	} else {
		eth_rlp_list_begin(&r);
		eth_rlp_uint(&r, tx->tx_nonce, 32);
		eth_rlp_uint(&r, tx->tx_gas_price, 32);
	}
	eth_rlp_uint(&r, tx->tx_gas, 32);
	eth_rlp_bytes(&r, tx->tx_to, tx->tx_has_to ? 20 : 0);
	eth_rlp_uint(&r, tx->tx_value, 32);
	eth_rlp_bytes(&r, tx->tx_data, tx->tx_datalen);
	if (tx->tx_type == 2) {
		eth_rlp_list_begin(&r);
		for (i = 0; i < tx->tx_naccess; i++) {
			eth_rlp_list_begin(&r);
			eth_rlp_bytes(&r, tx->tx_access[i].ea_addr, 20);
			eth_rlp_list_begin(&r);
			for (k = 0; k < tx->tx_access[i].ea_nkeys; k++)
				eth_rlp_bytes(&r,
				    tx->tx_access[i].ea_keys[k], 32);
			eth_rlp_list_end(&r);
			eth_rlp_list_end(&r);
		}
		eth_rlp_list_end(&r);
		if (rs != NULL)
			eth_rlp_uint64(&r, (uint64_t)recid);
	} else if (rs == NULL) {
		/* EIP-155: chainId, 0, 0 in place of v, r, s */
		eth_rlp_uint(&r, tx->tx_chain_id, 32);
		eth_rlp_uint64(&r, 0);
		eth_rlp_uint64(&r, 0);
	} else {
		eth_sig_legacy_v(tx->tx_chain_id, recid, v);
		eth_rlp_uint(&r, v, sizeof(v));
	}
	if (rs != NULL) {
		/* r and s are integers: minimal, not 32 fixed bytes */
		eth_rlp_uint(&r, rs, 32);
		eth_rlp_uint(&r, rs + 32, 32);
	}
	eth_rlp_list_end(&r);
	if (eth_rlp_finish(&r, out, len) == -1)
		return verr_field(e, "transaction", "transaction is too large");
	return 0;
}

int
eth_sig_tx_hash(const struct eth_tx *tx, unsigned char hash[32],
    struct verr *e)
{
	unsigned char	*buf;
	size_t		 len;

	if (eth_sig_tx_encode(tx, NULL, 0, &buf, &len, e) == -1)
		return -1;
	keccak256(buf, len, hash);
	free(buf);
	return 0;
}

int
eth_sig_tx_sign(const struct eth_tx *tx, const unsigned char priv[32],
    unsigned char **raw, size_t *rawlen, unsigned char hash[32],
    struct verr *e)
{
	unsigned char	 sighash[32], rs[64];
	int		 recid;

	*raw = NULL;
	*rawlen = 0;
	if (eth_sig_tx_hash(tx, sighash, e) == -1 ||
	    eth_sig_sign_raw(priv, sighash, rs, &recid, e) == -1 ||
	    eth_sig_tx_encode(tx, rs, recid, raw, rawlen, e) == -1)
		return -1;
	keccak256(*raw, *rawlen, hash);
	return 0;
}
