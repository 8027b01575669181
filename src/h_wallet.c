/*
 * The custodial wallet (API.md 3.8).  The private key is decrypted in
 * this process for the one operation that needs it and wiped right
 * after; nothing key-related is written to Redis, a log or an error.
 * Unlocking marks the session ("wul:<sid>" in Redis, holding only its
 * expiry) for 15 minutes.  Validation (400) comes before the lock check
 * (403 wallet_locked); the routes that need or set an unlock fail closed
 * (503) while Redis is down.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/crypto.h>

#include "auth.h"
#include "be.h"
#include "cfg.h"
#include "db_users.h"
#include "enc.h"
#include "eth.h"
#include "eth_712.h"
#include "eth_key.h"
#include "eth_sig.h"
#include "eth_tx.h"
#include "handlers.h"
#include "http.h"
#include "json.h"
#include "log.h"
#include "pwhash.h"
#include "rds_redis.h"
#include "rl.h"
#include "verr.h"

#define UNLOCK_MS	(15 * 60 * 1000)
#define PSIGN_MAX	65536
#define TXLOCK_TTL	30	/* seconds a send may hold its wallet lock */
#define TXLOCK_WAIT_MS	10000

/* Every wallet answer is private to its caller. */
static void
h_wallet_json(struct req *r, struct json_object *o)
{
	http_json(r, 200, o);
	http_header(r, "Cache-Control", "no-store");
}

/*
 * The caller's unlock: 1 unlocked (until *until), 0 locked, -1 with 503
 * when Redis cannot say.
 */
static int
h_unlocked(struct req *r, int64_t *until, struct verr *e)
{
	char		 key[40], val[32];
	int		 got;

	snprintf(key, sizeof(key), "%s%s", AUTH_UNLOCK_PREFIX, r->sid);
	if ((got = rds_get(r->be->rds, key, val, sizeof(val), e)) == -1)
		return -1;
	if (got == 0)
		return 0;
	*until = strtoll(val, NULL, 10);
	return *until > json_now_ms();
}

/* 403 wallet_locked unless the caller's session is unlocked. */
static int
h_need_unlock(struct req *r, struct verr *e)
{
	int64_t	 until;
	int	 u;

	if ((u = h_unlocked(r, &until, e)) == -1)
		return -1;
	if (u == 0)
		return verr_set(e, 403, "wallet_locked", "Wallet is locked");
	return 0;
}

/* Decrypt the caller's key into priv; wipe it with OPENSSL_cleanse. */
static int
h_key(struct req *r, unsigned char priv[32], struct user *u, struct verr *e)
{
	if (db_user_by_id(r->be->db, r->uid, u, e) == -1)
		return -1;
	return eth_key_open(r->cfg->wallet_key, u->enc_key, priv, e);
}

/* Check the caller's password from body field "password". */
static int
h_password(struct req *r, struct json_object *b, struct user *u, int *ok,
    struct verr *e)
{
	struct pw_params	 pp;
	const char		*pw;
	int			 rehash;

	if (json_get_str(b, "password", 1, &pw, e) == -1)
		return -1;
	if (db_user_by_id(r->be->db, r->uid, u, e) == -1)
		return -1;
	pw_params_cfg(r->cfg, &pp);
	if ((*ok = pw_verify(u->password, pw, strlen(pw), &pp, &rehash,
	    e)) == -1)
		return -1;
	return 0;
}

int
h_wallet_status(struct req *r, struct verr *e)
{
	struct json_object	*o;
	struct user		*u;
	struct verr		 re;
	int64_t			 until = 0;
	char			 ts[32];
	int			 un;

	if ((u = malloc(sizeof(*u))) == NULL)
		abort();
	if (db_user_by_id(r->be->db, r->uid, u, e) == -1) {
		free(u);
		return -1;
	}
	/* With Redis down the wallet simply reads as locked. */
	verr_init(&re);
	un = h_unlocked(r, &until, &re) == 1;
	o = json_object_new_object();
	json_object_object_add(o, "walletAddress",
	    json_object_new_string(u->wallet_address));
	json_object_object_add(o, "unlocked", json_object_new_boolean(un));
	if (un) {
		json_time(ts, until);
		json_object_object_add(o, "unlockedUntil",
		    json_object_new_string(ts));
	}
	h_wallet_json(r, o);
	free(u);
	return 0;
}

int
h_wallet_unlock(struct req *r, struct verr *e)
{
	struct json_object	*b = NULL, *o;
	struct user		*u;
	char			 key[40], val[32], ts[32];
	int64_t			 until;
	int			 ok, rc = -1;

	if ((u = malloc(sizeof(*u))) == NULL)
		abort();
	/* Wrong passwords only count; over the limit every try is 429. */
	if (rl_check(r, RL_UNLOCK_USER, r->uid, 0, e) == -1 ||
	    http_json_body(r, &b, e) == -1 ||
	    h_password(r, b, u, &ok, e) == -1)
		goto out;
	if (!ok) {
		rl_count(r, RL_UNLOCK_USER, r->uid);
		verr_set(e, 401, "invalid_credentials", "Invalid credentials");
		goto out;
	}
	until = json_now_ms() + UNLOCK_MS;
	snprintf(key, sizeof(key), "%s%s", AUTH_UNLOCK_PREFIX, r->sid);
	snprintf(val, sizeof(val), "%lld", (long long)until);
	if (rds_set(r->be->rds, key, val, UNLOCK_MS / 1000, e) == -1)
		goto out;
	json_time(ts, until);
	o = json_object_new_object();
	json_object_object_add(o, "message",
	    json_object_new_string("Wallet unlocked successfully"));
	json_object_object_add(o, "unlockedUntil", json_object_new_string(ts));
	h_wallet_json(r, o);
	rc = 0;
out:
	json_object_put(b);
	free(u);
	return rc;
}

int
h_wallet_lock(struct req *r, struct verr *e)
{
	struct json_object	*o;
	char			 key[40];

	snprintf(key, sizeof(key), "%s%s", AUTH_UNLOCK_PREFIX, r->sid);
	if (rds_del(r->be->rds, key, e) == -1)
		return -1;
	o = json_object_new_object();
	json_object_object_add(o, "message",
	    json_object_new_string("Wallet locked successfully"));
	h_wallet_json(r, o);
	return 0;
}

int
h_wallet_export(struct req *r, struct verr *e)
{
	struct json_object	*b = NULL, *o;
	struct user		*u;
	unsigned char		 priv[32];
	char			 hex[67];
	int			 ok, rc = -1;

	if ((u = malloc(sizeof(*u))) == NULL)
		abort();
	/* Every attempt counts, right or wrong (3 an hour). */
	if (rl_check(r, RL_EXPORT_USER, r->uid, 1, e) == -1 ||
	    http_json_body(r, &b, e) == -1 ||
	    h_password(r, b, u, &ok, e) == -1)
		goto out;
	if (!ok) {
		verr_set(e, 401, "invalid_credentials", "Invalid credentials");
		goto out;
	}
	if (eth_key_open(r->cfg->wallet_key, u->enc_key, priv, e) == -1)
		goto out;
	hex[0] = '0';
	hex[1] = 'x';
	enc_hex(priv, sizeof(priv), hex + 2);
	o = json_object_new_object();
	json_object_object_add(o, "privateKey", json_object_new_string(hex));
	h_wallet_json(r, o);
	rc = 0;
out:
	OPENSSL_cleanse(priv, sizeof(priv));
	OPENSSL_cleanse(hex, sizeof(hex));
	json_object_put(b);
	free(u);
	return rc;
}

/* Sign digest with the caller's key and answer {"signature": "0x..."}. */
static int
h_sign_digest(struct req *r, const unsigned char digest[32], struct verr *e)
{
	struct json_object	*o;
	struct user		*u;
	unsigned char		 priv[32], sig[65];
	char			 hex[133];
	int			 rc = -1;

	if ((u = malloc(sizeof(*u))) == NULL)
		abort();
	if (h_need_unlock(r, e) == -1 || h_key(r, priv, u, e) == -1)
		goto out;
	if (eth_sig_sign(priv, digest, sig, e) == -1)
		goto out;
	hex[0] = '0';
	hex[1] = 'x';
	enc_hex(sig, sizeof(sig), hex + 2);
	o = json_object_new_object();
	json_object_object_add(o, "signature", json_object_new_string(hex));
	h_wallet_json(r, o);
	rc = 0;
out:
	OPENSSL_cleanse(priv, sizeof(priv));
	free(u);
	return rc;
}

int
h_wallet_personal_sign(struct req *r, struct verr *e)
{
	struct json_object	*b = NULL;
	const char		*msg, *enc = NULL;
	unsigned char		*bytes = NULL, digest[32];
	size_t			 len;
	int			 rc = -1;

	if (http_json_body(r, &b, e) == -1 ||
	    json_get_str(b, "message", 1, &msg, e) == -1 ||
	    json_get_str(b, "encoding", 0, &enc, e) == -1)
		goto out;
	if (enc != NULL && strcmp(enc, "utf8") != 0 && strcmp(enc, "hex") != 0) {
		verr_field(e, "encoding", "encoding must be utf8 or hex");
		goto out;
	}
	if (enc != NULL && strcmp(enc, "hex") == 0) {
		len = strlen(msg);
		if (len < 4 || msg[0] != '0' || (msg[1] != 'x' && msg[1] != 'X') ||
		    len % 2 != 0 || len / 2 - 1 > PSIGN_MAX) {
			verr_field(e, "message", "message must be 0x and an even "
			    "number of hex digits, 1 to 65536 bytes");
			goto out;
		}
		if ((bytes = malloc(len / 2 - 1)) == NULL)
			abort();
		if (enc_unhex(msg + 2, bytes, len / 2 - 1) == -1) {
			verr_field(e, "message", "message must be hex digits");
			goto out;
		}
		eth_sig_personal_digest(bytes, len / 2 - 1, digest);
	} else {
		len = strlen(msg);
		if (len < 1 || len > PSIGN_MAX) {
			verr_field(e, "message", "message must be 1 to 65536 "
			    "bytes");
			goto out;
		}
		eth_sig_personal_digest(msg, len, digest);
	}
	rc = h_sign_digest(r, digest, e);
out:
	free(bytes);
	json_object_put(b);
	return rc;
}

int
h_wallet_secp256k1_sign(struct req *r, struct verr *e)
{
	struct json_object	*b = NULL;
	const char		*hash;
	unsigned char		 digest[32];
	int			 rc = -1;

	if (http_json_body(r, &b, e) == -1 ||
	    json_get_str(b, "hash", 1, &hash, e) == -1)
		goto out;
	if (strlen(hash) != 66 || hash[0] != '0' || (hash[1] != 'x' &&
	    hash[1] != 'X') || enc_unhex(hash + 2, digest, 32) == -1) {
		verr_field(e, "hash", "hash must be 0x and 64 hex digits");
		goto out;
	}
	rc = h_sign_digest(r, digest, e);
out:
	json_object_put(b);
	return rc;
}

int
h_wallet_sign_typed_data(struct req *r, struct verr *e)
{
	struct json_object	*b = NULL, *td = NULL, *parsed = NULL;
	unsigned char		 digest[32];
	struct verr		 pe;
	int			 rc = -1;

	if (http_json_body(r, &b, e) == -1)
		goto out;
	if (!json_object_object_get_ex(b, "typedData", &td) || td == NULL) {
		verr_field(e, "typedData", "typedData is required");
		goto out;
	}
	/* An object, or (addition) a string holding it as JSON. */
	if (json_object_is_type(td, json_type_string)) {
		verr_init(&pe);
		if (json_parse_object(json_object_get_string(td),
		    strlen(json_object_get_string(td)), &parsed, &pe) == -1) {
			verr_field(e, "typedData", "typedData must be an object "
			    "or a JSON string of one");
			goto out;
		}
		td = parsed;
	} else if (!json_object_is_type(td, json_type_object)) {
		verr_field(e, "typedData", "typedData must be an object");
		goto out;
	}
	if (eth_712_digest(td, digest, NULL, NULL, e) == -1)
		goto out;
	rc = h_sign_digest(r, digest, e);
out:
	json_object_put(parsed);
	json_object_put(b);
	return rc;
}

/* The "transaction" member of the body, parsed. */
static int
h_tx_body(struct req *r, struct json_object **b, struct eth_tx_req *t,
    struct verr *e)
{
	struct json_object	*o = NULL;

	if (http_json_body(r, b, e) == -1)
		return -1;
	if (!json_object_object_get_ex(*b, "transaction", &o) || o == NULL)
		return verr_field(e, "transaction", "transaction is required");
	return eth_tx_parse(o, t, e);
}

/* The caller's address as 20 bytes (for `from' checks and nonces). */
static int
h_from_check(const struct eth_tx_req *t, const struct user *u, struct verr *e)
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

/* Sign t with the caller's key: the raw transaction and its hash. */
static int
h_tx_sign(struct req *r, struct eth_tx_req *t, struct user *u, char **rawhex,
    char hashhex[67], struct verr *e)
{
	unsigned char	 priv[32], hash[32], *raw = NULL;
	size_t		 rawlen;
	int		 rc = -1;

	*rawhex = NULL;
	if (h_key(r, priv, u, e) == -1 || h_from_check(t, u, e) == -1 ||
	    eth_sig_tx_sign(&t->tx, priv, &raw, &rawlen, hash, e) == -1)
		goto out;
	if ((*rawhex = malloc(2 * rawlen + 3)) == NULL)
		abort();
	memcpy(*rawhex, "0x", 2);
	enc_hex(raw, rawlen, *rawhex + 2);
	memcpy(hashhex, "0x", 2);
	enc_hex(hash, sizeof(hash), hashhex + 2);
	rc = 0;
out:
	OPENSSL_cleanse(priv, sizeof(priv));
	free(raw);
	return rc;
}

int
h_wallet_sign_transaction(struct req *r, struct verr *e)
{
	struct json_object	*b = NULL, *o;
	struct eth_tx_req		 t;
	struct user		*u;
	char			*raw = NULL, hash[67];
	int			 rc = -1;

	if ((u = malloc(sizeof(*u))) == NULL)
		abort();
	memset(&t, 0, sizeof(t));
	if (h_tx_body(r, &b, &t, e) == -1)
		goto out;
	/* Everything must be given: nothing is asked of a node here. */
	if (!t.given[ETH_TX_CHAIN_ID]) {
		o = json_object_new_string(r->cfg->eth_chain_id != NULL ?
		    r->cfg->eth_chain_id : "");
		if (r->cfg->eth_chain_id == NULL ||
		    eth_tx_quantity(o, t.tx.tx_chain_id) == -1 ||
		    eth_tx_is_zero(t.tx.tx_chain_id)) {
			json_object_put(o);
			verr_field(e, "transaction.chainId", "transaction.chainId "
			    "is required");
			goto out;
		}
		json_object_put(o);
	}
	if (t.tx.tx_type == -1) {
		verr_field(e, "transaction.gasPrice", "give gasPrice (type 0) "
		    "or maxFeePerGas and maxPriorityFeePerGas (type 2)");
		goto out;
	}
	if (!t.given[ETH_TX_NONCE] || !t.given[ETH_TX_GAS] ||
	    (t.tx.tx_type == 0 && !t.given[ETH_TX_GAS_PRICE]) ||
	    (t.tx.tx_type == 2 && (!t.given[ETH_TX_MAX_FEE] ||
	    !t.given[ETH_TX_MAX_PRIORITY]))) {
		verr_field(e, !t.given[ETH_TX_NONCE] ? "transaction.nonce" :
		    !t.given[ETH_TX_GAS] ? "transaction.gas" :
		    t.tx.tx_type == 0 ? "transaction.gasPrice" :
		    !t.given[ETH_TX_MAX_FEE] ? "transaction.maxFeePerGas" :
		    "transaction.maxPriorityFeePerGas", "a member is missing");
		goto out;
	}
	if (h_need_unlock(r, e) == -1 ||
	    h_tx_sign(r, &t, u, &raw, hash, e) == -1)
		goto out;
	o = json_object_new_object();
	json_object_object_add(o, "signedTx", json_object_new_string(raw));
	json_object_object_add(o, "hash", json_object_new_string(hash));
	h_wallet_json(r, o);
	rc = 0;
out:
	eth_tx_clear(&t.tx);
	free(raw);
	json_object_put(b);
	free(u);
	return rc;
}

/* "0x" + the minimal hex of a 32-byte big-endian quantity. */
static void
h_qhex(const unsigned char v[32], char out[67])
{
	char	 full[65];
	size_t	 i;

	enc_hex(v, 32, full);
	for (i = 0; i < 63 && full[i] == '0'; i++)
		;
	snprintf(out, 67, "0x%s", full + i);
}

/* out = a + b on 32-byte big-endian values; -1 on overflow. */
static int
h_add256(const unsigned char a[32], const unsigned char b[32],
    unsigned char out[32])
{
	unsigned int	 c = 0, x;
	int		 i;

	for (i = 31; i >= 0; i--) {
		x = (unsigned int)a[i] + b[i] + c;
		out[i] = (unsigned char)x;
		c = x >> 8;
	}
	return c ? -1 : 0;
}

/* Call the node; a quantity result goes to out (32 bytes). */
static int
h_rpc_q(struct req *r, const char *method, struct json_object *params,
    unsigned char out[32], struct verr *e)
{
	struct json_object	*res = NULL;
	int			 rc;

	rc = eth_call(r->cfg, method, params, &res, e);
	json_object_put(params);
	if (rc == -1)
		return -1;
	if (eth_tx_quantity(res, out) == -1) {
		json_object_put(res);
		return verr_backend(e, "eth", "the node answered no quantity");
	}
	json_object_put(res);
	return 0;
}

/* The latest block's baseFeePerGas: 1 when it has one, 0 when not. */
static int
h_base_fee(struct req *r, unsigned char fee[32], struct verr *e)
{
	struct json_object	*p = json_object_new_array(), *blk = NULL, *v;
	int			 rc;

	json_object_array_add(p, json_object_new_string("latest"));
	json_object_array_add(p, json_object_new_boolean(0));
	rc = eth_call(r->cfg, "eth_getBlockByNumber", p, &blk, e);
	json_object_put(p);
	if (rc == -1)
		return -1;
	rc = blk != NULL && json_object_object_get_ex(blk, "baseFeePerGas",
	    &v) && v != NULL && eth_tx_quantity(v, fee) == 0;
	json_object_put(blk);
	return rc;
}

/* Fill what the caller left out from the node (API.md 3.8.12). */
static int
h_tx_fill(struct req *r, struct eth_tx_req *t, const char *from, struct verr *e)
{
	struct json_object	*p, *call;
	unsigned char		 chain[32], base[32], two_base[32];
	char			 q[67];
	int			 hb;

	if (h_rpc_q(r, "eth_chainId", json_object_new_array(), chain, e) == -1)
		return -1;
	if (t->given[ETH_TX_CHAIN_ID] && memcmp(chain, t->tx.tx_chain_id, 32) != 0)
		return verr_field(e, "transaction.chainId", "transaction.chainId "
		    "differs from the node's chain");
	memcpy(t->tx.tx_chain_id, chain, 32);
	if (!t->given[ETH_TX_NONCE]) {
		p = json_object_new_array();
		json_object_array_add(p, json_object_new_string(from));
		json_object_array_add(p, json_object_new_string("pending"));
		if (h_rpc_q(r, "eth_getTransactionCount", p, t->tx.tx_nonce,
		    e) == -1)
			return -1;
	}
	memset(base, 0, sizeof(base));
	if ((hb = h_base_fee(r, base, e)) == -1)
		return -1;
	if (t->tx.tx_type == -1)
		t->tx.tx_type = hb ? 2 : 0;
	if (t->tx.tx_type == 0 && !t->given[ETH_TX_GAS_PRICE] &&
	    h_rpc_q(r, "eth_gasPrice", json_object_new_array(),
	    t->tx.tx_gas_price, e) == -1)
		return -1;
	if (t->tx.tx_type == 2) {
		if (!t->given[ETH_TX_MAX_PRIORITY]) {
			struct verr	 pe;

			/* Nodes without it: 1 gwei. */
			verr_init(&pe);
			if (h_rpc_q(r, "eth_maxPriorityFeePerGas",
			    json_object_new_array(), t->tx.tx_max_priority_fee,
			    &pe) == -1) {
				if (pe.status == 503) {
					*e = pe;
					return -1;
				}
				memset(t->tx.tx_max_priority_fee, 0, 32);
				t->tx.tx_max_priority_fee[28] = 0x3b;
				t->tx.tx_max_priority_fee[29] = 0x9a;
				t->tx.tx_max_priority_fee[30] = 0xca;
			}
			if (t->given[ETH_TX_MAX_FEE] && memcmp(
			    t->tx.tx_max_priority_fee, t->tx.tx_max_fee, 32) > 0)
				memcpy(t->tx.tx_max_priority_fee,
				    t->tx.tx_max_fee, 32);
		}
		if (!t->given[ETH_TX_MAX_FEE] &&
		    (h_add256(base, base, two_base) == -1 ||
		    h_add256(two_base, t->tx.tx_max_priority_fee,
		    t->tx.tx_max_fee) == -1))
			return verr_field(e, "transaction.maxFeePerGas",
			    "maxFeePerGas overflows");
	}
	if (!t->given[ETH_TX_GAS]) {
		call = json_object_new_object();
		json_object_object_add(call, "from",
		    json_object_new_string(from));
		if (t->tx.tx_has_to) {
			char	 to[43];

			to[0] = '0';
			to[1] = 'x';
			enc_hex(t->tx.tx_to, 20, to + 2);
			json_object_object_add(call, "to",
			    json_object_new_string(to));
		}
		h_qhex(t->tx.tx_value, q);
		json_object_object_add(call, "value", json_object_new_string(q));
		if (t->tx.tx_datalen > 0) {
			char	*d;

			if ((d = malloc(2 * t->tx.tx_datalen + 3)) == NULL)
				abort();
			memcpy(d, "0x", 2);
			enc_hex(t->tx.tx_data, t->tx.tx_datalen, d + 2);
			json_object_object_add(call, "data",
			    json_object_new_string(d));
			free(d);
		}
		p = json_object_new_array();
		json_object_array_add(p, call);
		if (h_rpc_q(r, "eth_estimateGas", p, t->tx.tx_gas, e) == -1)
			return -1;
	}
	return 0;
}

/*
 * Hold the send lock of wallet addr: sends from one wallet are serialized
 * from the nonce lookup to the broadcast, so concurrent calls get
 * distinct nonces.  503 when it cannot be had within TXLOCK_WAIT_MS.
 */
static int
h_txlock(struct req *r, const char *addr, struct verr *e)
{
	struct timespec	 nap = { 0, 50 * 1000000 };
	char		 name[64];
	int64_t		 deadline = json_now_ms() + TXLOCK_WAIT_MS;
	int		 got;

	snprintf(name, sizeof(name), "tx:%s", addr);
	while ((got = rds_lease(r->be->rds, name, TXLOCK_TTL, e)) == 0) {
		if (json_now_ms() > deadline)
			return verr_backend(e, "redis", "wallet send lock busy");
		nanosleep(&nap, NULL);
	}
	return got == 1 ? 0 : -1;
}

int
h_wallet_send_transaction(struct req *r, struct verr *e)
{
	struct json_object	*b = NULL, *o, *p, *res = NULL;
	struct eth_tx_req		 t;
	struct user		*u;
	char			*raw = NULL, hash[67], lock[64];
	int			 rc = -1, locked = 0;

	if ((u = malloc(sizeof(*u))) == NULL)
		abort();
	memset(&t, 0, sizeof(t));
	if (rl_check(r, RL_SEND_TX_USER, r->uid, 1, e) == -1 ||
	    h_tx_body(r, &b, &t, e) == -1 || h_need_unlock(r, e) == -1)
		goto out;
	if (r->cfg->eth_rpc_url == NULL || r->cfg->eth_rpc_url[0] == '\0') {
		verr_backend(e, "eth", "ETH_RPC_URL is not set");
		goto out;
	}
	if (db_user_by_id(r->be->db, r->uid, u, e) == -1 ||
	    h_from_check(&t, u, e) == -1 ||
	    h_txlock(r, u->wallet_address, e) == -1)
		goto out;
	locked = 1;
	if (h_tx_fill(r, &t, u->wallet_address, e) == -1 ||
	    h_tx_sign(r, &t, u, &raw, hash, e) == -1)
		goto out;
	p = json_object_new_array();
	json_object_array_add(p, json_object_new_string(raw));
	rc = eth_call(r->cfg, "eth_sendRawTransaction", p, &res, e);
	json_object_put(p);
	if (rc == -1)
		goto out;
	rc = -1;
	o = json_object_new_object();
	json_object_object_add(o, "transactionHash", json_object_new_string(
	    res != NULL && json_object_is_type(res, json_type_string) ?
	    json_object_get_string(res) : hash));
	h_wallet_json(r, o);
	rc = 0;
out:
	if (locked) {
		snprintf(lock, sizeof(lock), "tx:%s", u->wallet_address);
		rds_unlease(r->be->rds, lock);
	}
	json_object_put(res);
	eth_tx_clear(&t.tx);
	free(raw);
	json_object_put(b);
	free(u);
	return rc;
}
