/*
 * The custodial wallet (API.md 3.8): the unlock of a session, password
 * checks, exporting the key, signing digests, messages, typed data and
 * transactions, and sending transactions through the node.  Callers
 * give the user and session ids the request authenticated; the answers
 * are "0x" hex strings ready to render.  Failures that the node or
 * Redis cause are 503 unavailable unless said otherwise.
 */
#ifndef SVC_WALLET_H
#define SVC_WALLET_H

#include <stddef.h>
#include <stdint.h>

struct be;
struct eth_tx_req;
struct json_object;
struct verr;

#define SVC_WALLET_ADDR_LEN	43	/* "0x", 40 digits, NUL */
#define SVC_WALLET_HEX32_LEN	67	/* "0x", 64 digits, NUL: keys, hashes */
#define SVC_WALLET_SIG_LEN	133	/* "0x", 130 digits, NUL */

/*
 * The wallet of user uid as seen from session sid: its address, and
 * whether the session has it unlocked and until when (ms since the
 * epoch).  With Redis down the wallet reads as locked.  Fails with 404
 * not_found for no such user.
 */
int	svc_wallet_status(struct be *be, const char *uid, const char *sid,
	    char addr[SVC_WALLET_ADDR_LEN], int *unlocked, int64_t *until,
	    struct verr *e);

/*
 * Check password pw of uid and unlock the wallet for session sid for 15
 * minutes, until *until.  401 invalid_credentials when pw is wrong (the
 * only 401), 503 when Redis cannot record it.
 */
int	svc_wallet_unlock(struct be *be, const char *uid, const char *sid,
	    const char *pw, int64_t *until, struct verr *e);

/* Lock the wallet for session sid; 503 when Redis cannot. */
int	svc_wallet_lock(struct be *be, const char *sid, struct verr *e);

/*
 * Check password pw of uid and write its private key into key; the
 * caller wipes key with OPENSSL_cleanse().  401 invalid_credentials when
 * pw is wrong.
 */
int	svc_wallet_export(struct be *be, const char *uid, const char *pw,
	    char key[SVC_WALLET_HEX32_LEN], struct verr *e);

/*
 * Sign the 32-byte digest with the key of uid into sig (r || s || v).
 * 403 wallet_locked unless session sid has the wallet unlocked.
 */
int	svc_wallet_sign_hash(struct be *be, const char *uid, const char *sid,
	    const unsigned char digest[32], char sig[SVC_WALLET_SIG_LEN],
	    struct verr *e);

/* Sign the EIP-191 digest of len bytes of msg, like sign_hash. */
int	svc_wallet_personal_sign(struct be *be, const char *uid,
	    const char *sid, const void *msg, size_t len,
	    char sig[SVC_WALLET_SIG_LEN], struct verr *e);

/*
 * Sign the EIP-712 digest of typedData td (borrowed), like sign_hash;
 * 400 validation_failed from eth_712_digest() comes before 403.
 */
int	svc_wallet_sign_typed(struct be *be, const char *uid, const char *sid,
	    struct json_object *td, char sig[SVC_WALLET_SIG_LEN],
	    struct verr *e);

/*
 * Sign the transaction t as it is, asking no node: the chain id may come
 * from the configuration (eth_chain_id), every other member needed by
 * its type must be given (400 validation_failed naming it).  *raw
 * (malloc'd, the caller frees it) gets the signed transaction, hash its
 * hash.  Then 403 wallet_locked, 400 when t's from is not the wallet.
 */
int	svc_wallet_sign_tx(struct be *be, const char *uid, const char *sid,
	    struct eth_tx_req *t, char **raw, char hash[SVC_WALLET_HEX32_LEN],
	    struct verr *e);

/*
 * Fill what t leaves out from the node (API.md 3.8.12), sign and
 * broadcast it; *hash (malloc'd, the caller frees it) gets the node's
 * transaction hash.  Sends of one wallet are serialized from the nonce
 * to the broadcast.  403 wallet_locked, 400 for t's from or a chain id
 * other than the node's, 422 chain_rejected from the node, 503 when
 * ETH_RPC_URL is unset, the node or Redis fails, or the send lock stays
 * busy for 10 s.
 */
int	svc_wallet_send_tx(struct be *be, const char *uid, const char *sid,
	    struct eth_tx_req *t, char **hash, struct verr *e);

#endif
