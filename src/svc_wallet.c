/*
 * The custodial wallet's logic.  The private key is decrypted in this
 * process for the one operation that needs it and wiped right after;
 * nothing key-related is written to Redis, a log or an error.  Two
 * Redis keys belong to the wallet: "wul:<sid>" marks a session's unlock
 * and holds only its expiry (15 minutes), and the lease "tx:<address>"
 * serializes the sends of one wallet from the nonce lookup to the
 * broadcast, so that concurrent sends get distinct nonces.  The routes
 * that need or set an unlock fail closed (503) while Redis is down.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include "be.h"
#include "cfg.h"
#include "db_users.h"
#include "enc.h"
#include "eth.h"
#include "eth_712.h"
#include "eth_key.h"
#include "eth_sig.h"
#include "eth_tx.h"
#include "json.h"
#include "pwhash.h"
#include "rds_redis.h"
#include "rkey.h"
#include "svc_wallet.h"
#include "u256.h"
#include "verr.h"
#include "xmem.h"

#define UNLOCK_MS	(15 * 60 * 1000)
#define TXLOCK_TTL	30	/* seconds a send may hold its wallet lock */
#define TXLOCK_WAIT_MS	10000
#define PRIORITY_FEE	1000000000	/* 1 gwei, for nodes without a tip */

/* The name of the send lease of wallet address addr. */
static void
svc_wallet_lock_name(const char *addr, char name[64])
{
	snprintf(name, 64, "tx:%s", addr);
}

/* "0x" + the hex of n bytes of b into out (2 * n + 3 bytes). */
static void
svc_wallet_hex(const unsigned char *b, size_t n, char *out)
{
	memcpy(out, "0x", 2);
	enc_hex(b, n, out + 2);
}

/* User uid, malloc'd (the caller frees it); NULL on error. */
static struct user *
svc_wallet_user(struct be *be, const char *uid, struct verr *e)
{
	struct user	*u;

	u = xmalloc(sizeof(*u));
	if (db_user_by_id(be->db, uid, u, e) == -1) {
		free(u);
		return NULL;
	}
	return u;
}

/*
 * Session sid's unlock: 1 unlocked (until *until), 0 locked, -1 with 503
 * when Redis cannot say.
 */
static int
svc_wallet_unlocked(struct be *be, const char *sid, int64_t *until,
    struct verr *e)
{
	char		 key[RKEY_MAX], val[32];
	int		 got;

	if (rkey_unlock(key, sid, e) == -1)
		return -1;
	if ((got = rds_get(be->rds, key, val, sizeof(val), e)) == -1)
		return -1;
	if (got == 0)
		return 0;
	*until = strtoll(val, NULL, 10);
	return *until > json_now_ms();
}

/* 403 wallet_locked unless session sid is unlocked. */
static int
svc_wallet_need_unlock(struct be *be, const char *sid, struct verr *e)
{
	int64_t	 until;
	int	 u;

	if ((u = svc_wallet_unlocked(be, sid, &until, e)) == -1)
		return -1;
	if (u == 0)
		return verr_set(e, 403, "wallet_locked", "Wallet is locked");
	return 0;
}

/* 401 invalid_credentials unless pw is the password of u. */
static int
svc_wallet_password(struct be *be, const struct user *u, const char *pw,
    struct verr *e)
{
	struct pw_params	 pp;
	int			 ok, rehash;

	pw_params_cfg(be->cfg, &pp);
	if ((ok = pw_verify(u->password, pw, strlen(pw), &pp, &rehash,
	    e)) == -1)
		return -1;
	if (!ok)
		return verr_set(e, 401, "invalid_credentials",
		    "Invalid credentials");
	return 0;
}

/*
 * Decrypt the private key of uid into priv, when pw is its password
 * (pw NULL: no check).  The caller wipes priv, also on failure.
 */
static int
svc_wallet_priv(struct be *be, const char *uid, const char *pw,
    unsigned char priv[32], struct verr *e)
{
	struct user	*u;
	int		 rc = -1;

	if ((u = svc_wallet_user(be, uid, e)) == NULL)
		return -1;
	if (pw == NULL || svc_wallet_password(be, u, pw, e) == 0)
		rc = eth_key_open(be->cfg->wallet_key, u->enc_key, priv, e);
	free(u);
	return rc;
}

int
svc_wallet_status(struct be *be, const char *uid, const char *sid,
    char addr[SVC_WALLET_ADDR_LEN], int *unlocked, int64_t *until,
    struct verr *e)
{
	struct user	*u;
	struct verr	 re;

	if ((u = svc_wallet_user(be, uid, e)) == NULL)
		return -1;
	snprintf(addr, SVC_WALLET_ADDR_LEN, "%s", u->wallet_address);
	free(u);
	*until = 0;
	verr_init(&re);
	*unlocked = svc_wallet_unlocked(be, sid, until, &re) == 1;
	return 0;
}

int
svc_wallet_unlock(struct be *be, const char *uid, const char *sid,
    const char *pw, int64_t *until, struct verr *e)
{
	struct user	*u;
	char		 key[RKEY_MAX], val[32];
	int		 rc;

	if ((u = svc_wallet_user(be, uid, e)) == NULL)
		return -1;
	rc = svc_wallet_password(be, u, pw, e);
	free(u);
	if (rc == -1)
		return -1;
	*until = json_now_ms() + UNLOCK_MS;
	if (rkey_unlock(key, sid, e) == -1)
		return -1;
	snprintf(val, sizeof(val), "%lld", (long long)*until);
	return rds_set(be->rds, key, val, UNLOCK_MS / 1000, e);
}

int
svc_wallet_lock(struct be *be, const char *sid, struct verr *e)
{
	char	 key[RKEY_MAX];

	if (rkey_unlock(key, sid, e) == -1)
		return -1;
	return rds_del(be->rds, key, e);
}

int
svc_wallet_export(struct be *be, const char *uid, const char *pw,
    char key[SVC_WALLET_HEX32_LEN], struct verr *e)
{
	unsigned char	 priv[32];
	int		 rc;

	if ((rc = svc_wallet_priv(be, uid, pw, priv, e)) == 0)
		svc_wallet_hex(priv, sizeof(priv), key);
	OPENSSL_cleanse(priv, sizeof(priv));
	return rc;
}

int
svc_wallet_sign_hash(struct be *be, const char *uid, const char *sid,
    const unsigned char digest[32], char sig[SVC_WALLET_SIG_LEN],
    struct verr *e)
{
	unsigned char	 priv[32], rsv[ETH_SIG_LEN];
	int		 rc = -1;

	if (svc_wallet_need_unlock(be, sid, e) == -1)
		return -1;
	if (svc_wallet_priv(be, uid, NULL, priv, e) == 0 &&
	    eth_sig_sign(priv, digest, rsv, e) == 0) {
		svc_wallet_hex(rsv, sizeof(rsv), sig);
		rc = 0;
	}
	OPENSSL_cleanse(priv, sizeof(priv));
	return rc;
}

int
svc_wallet_personal_sign(struct be *be, const char *uid, const char *sid,
    const void *msg, size_t len, char sig[SVC_WALLET_SIG_LEN],
    struct verr *e)
{
	unsigned char	 digest[32];

	eth_sig_personal_digest(msg, len, digest);
	return svc_wallet_sign_hash(be, uid, sid, digest, sig, e);
}

int
svc_wallet_sign_typed(struct be *be, const char *uid, const char *sid,
    struct json_object *td, char sig[SVC_WALLET_SIG_LEN], struct verr *e)
{
	unsigned char	 digest[32];

	if (eth_712_digest(td, digest, NULL, NULL, e) == -1)
		return -1;
	return svc_wallet_sign_hash(be, uid, sid, digest, sig, e);
}

/* 400 unless t names no sender or the wallet of u. */
static int
svc_wallet_from_check(const struct eth_tx_req *t, const struct user *u,
    struct verr *e)
{
	unsigned char	 a[20];

	if (!t->has_from)
		return 0;
	if (eth_tx_address(u->wallet_address, a) == -1 ||
	    memcmp(a, t->from, 20) != 0)
		return verr_field(e, "transaction.from", "transaction.from "
		    "must be your wallet address");
	return 0;
}

/* Sign t with the key of u: the raw transaction and its hash, in hex. */
static int
svc_wallet_tx_sign(struct be *be, struct eth_tx_req *t, const struct user *u,
    char **rawhex, char hashhex[SVC_WALLET_HEX32_LEN], struct verr *e)
{
	unsigned char	 priv[32], hash[32], *raw = NULL;
	size_t		 rawlen;
	int		 rc = -1;

	*rawhex = NULL;
	if (eth_key_open(be->cfg->wallet_key, u->enc_key, priv, e) == -1 ||
	    svc_wallet_from_check(t, u, e) == -1 ||
	    eth_sig_tx_sign(&t->tx, priv, &raw, &rawlen, hash, e) == -1)
		goto out;
	*rawhex = xmalloc(2 * rawlen + 3);
	svc_wallet_hex(raw, rawlen, *rawhex);
	svc_wallet_hex(hash, sizeof(hash), hashhex);
	rc = 0;
out:
	OPENSSL_cleanse(priv, sizeof(priv));
	free(raw);
	return rc;
}

/* The first member sign-transaction needs that t lacks, or NULL. */
static const char *
svc_wallet_tx_missing(const struct eth_tx_req *t)
{
	if (!t->given[ETH_TX_NONCE])
		return "transaction.nonce";
	if (!t->given[ETH_TX_GAS])
		return "transaction.gas";
	if (t->tx.tx_type == 0 && !t->given[ETH_TX_GAS_PRICE])
		return "transaction.gasPrice";
	if (t->tx.tx_type == 2 && !t->given[ETH_TX_MAX_FEE])
		return "transaction.maxFeePerGas";
	if (t->tx.tx_type == 2 && !t->given[ETH_TX_MAX_PRIORITY])
		return "transaction.maxPriorityFeePerGas";
	return NULL;
}

int
svc_wallet_sign_tx(struct be *be, const char *uid, const char *sid,
    struct eth_tx_req *t, char **raw, char hash[SVC_WALLET_HEX32_LEN],
    struct verr *e)
{
	struct user	*u;
	const char	*missing;
	int		 rc;

	*raw = NULL;
	/* Without one, the chain id of the configuration (eth_chain_id). */
	if (!t->given[ETH_TX_CHAIN_ID] && (be->cfg->eth_chain_id == NULL ||
	    eth_tx_quantity_str(be->cfg->eth_chain_id,
	    t->tx.tx_chain_id) == -1 || u256_is_zero(t->tx.tx_chain_id)))
		return verr_field(e, "transaction.chainId", "transaction."
		    "chainId is required");
	if (t->tx.tx_type == -1)
		return verr_field(e, "transaction.gasPrice", "give gasPrice "
		    "(type 0) or maxFeePerGas and maxPriorityFeePerGas "
		    "(type 2)");
	if ((missing = svc_wallet_tx_missing(t)) != NULL)
		return verr_field(e, missing, "a member is missing");
	if (svc_wallet_need_unlock(be, sid, e) == -1 ||
	    (u = svc_wallet_user(be, uid, e)) == NULL)
		return -1;
	rc = svc_wallet_tx_sign(be, t, u, raw, hash, e);
	free(u);
	return rc;
}

/* The fees of a type 2 transaction that t leaves out (API.md 3.8.12). */
static int
svc_wallet_fees_1559(const struct cfg *c, struct eth_tx_req *t,
    const unsigned char base[32], struct verr *e)
{
	struct eth_tx	*tx = &t->tx;
	struct verr	 pe;

	if (!t->given[ETH_TX_MAX_PRIORITY]) {
		/* A node without the method: 1 gwei. */
		verr_init(&pe);
		if (eth_max_priority_fee(c, tx->tx_max_priority_fee,
		    &pe) == -1) {
			if (pe.status == 503) {
				*e = pe;
				return -1;
			}
			u256_from_u64(PRIORITY_FEE, tx->tx_max_priority_fee);
		}
		if (t->given[ETH_TX_MAX_FEE] && u256_cmp(
		    tx->tx_max_priority_fee, tx->tx_max_fee) > 0)
			memcpy(tx->tx_max_priority_fee, tx->tx_max_fee, 32);
	}
	/* maxFeePerGas = 2 * baseFee + maxPriorityFeePerGas */
	if (!t->given[ETH_TX_MAX_FEE] &&
	    (u256_add(base, base, tx->tx_max_fee) == -1 ||
	    u256_add(tx->tx_max_fee, tx->tx_max_priority_fee,
	    tx->tx_max_fee) == -1))
		return verr_field(e, "transaction.maxFeePerGas",
		    "maxFeePerGas overflows");
	return 0;
}

/* Fill what t leaves out from the node, for sending from address from. */
static int
svc_wallet_tx_fill(const struct cfg *c, struct eth_tx_req *t,
    const char *from, struct verr *e)
{
	struct eth_tx	*tx = &t->tx;
	unsigned char	 chain[32], base[32];
	int		 hb;

	if (eth_chain_id(c, chain, e) == -1)
		return -1;
	if (t->given[ETH_TX_CHAIN_ID] && u256_cmp(chain, tx->tx_chain_id) != 0)
		return verr_field(e, "transaction.chainId", "transaction."
		    "chainId differs from the node's chain");
	memcpy(tx->tx_chain_id, chain, 32);
	if (!t->given[ETH_TX_NONCE] && eth_nonce(c, from, tx->tx_nonce,
	    e) == -1)
		return -1;
	memset(base, 0, sizeof(base));
	if ((hb = eth_base_fee(c, base, e)) == -1)
		return -1;
	if (tx->tx_type == -1)
		tx->tx_type = hb ? 2 : 0;
	if (tx->tx_type == 0 && !t->given[ETH_TX_GAS_PRICE] &&
	    eth_gas_price(c, tx->tx_gas_price, e) == -1)
		return -1;
	if (tx->tx_type == 2 && svc_wallet_fees_1559(c, t, base, e) == -1)
		return -1;
	if (!t->given[ETH_TX_GAS] && eth_estimate_gas(c, tx, from, tx->tx_gas,
	    e) == -1)
		return -1;
	return 0;
}

/* Hold the send lease of wallet addr; 503 after TXLOCK_WAIT_MS. */
static int
svc_wallet_txlock(struct be *be, const char *addr, struct verr *e)
{
	struct timespec	 nap = { 0, 50 * 1000000 };
	char		 name[64];
	int64_t		 deadline = json_now_ms() + TXLOCK_WAIT_MS;
	int		 got;

	svc_wallet_lock_name(addr, name);
	while ((got = rds_lease(be->rds, name, TXLOCK_TTL, e)) == 0) {
		if (json_now_ms() > deadline)
			return verr_backend(e, "redis",
			    "wallet send lock busy");
		nanosleep(&nap, NULL);
	}
	return got == 1 ? 0 : -1;
}

int
svc_wallet_send_tx(struct be *be, const char *uid, const char *sid,
    struct eth_tx_req *t, char **hash, struct verr *e)
{
	const struct cfg	*c = be->cfg;
	struct user		*u = NULL;
	char			*raw = NULL, ours[SVC_WALLET_HEX32_LEN];
	char			 lock[64];
	int			 rc = -1, locked = 0;

	*hash = NULL;
	if (svc_wallet_need_unlock(be, sid, e) == -1)
		return -1;
	if (c->eth_rpc_url == NULL || c->eth_rpc_url[0] == '\0')
		return verr_backend(e, "eth", "ETH_RPC_URL is not set");
	if ((u = svc_wallet_user(be, uid, e)) == NULL ||
	    svc_wallet_from_check(t, u, e) == -1 ||
	    svc_wallet_txlock(be, u->wallet_address, e) == -1)
		goto out;
	locked = 1;
	if (svc_wallet_tx_fill(c, t, u->wallet_address, e) == -1 ||
	    svc_wallet_tx_sign(be, t, u, &raw, ours, e) == -1 ||
	    eth_send_raw(c, raw, hash, e) == -1)
		goto out;
	/* A node that answers no hash: the one computed here. */
	if (*hash == NULL)
		*hash = xstrdup(ours);
	rc = 0;
out:
	if (locked) {
		svc_wallet_lock_name(u->wallet_address, lock);
		rds_unlease(be->rds, lock);
	}
	free(raw);
	free(u);
	return rc;
}
