/*
 * The wallet routes (API.md 3.8): each parses its body, calls
 * svc_wallet.c, which holds the wallet's logic, and renders the answer.
 * Validation (400) comes before the lock check (403 wallet_locked); the
 * rate limits of unlock, export and send are counted here, since they
 * belong to the request.  Every answer is private to its caller.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/crypto.h>

#include "enc.h"
#include "eth_tx.h"
#include "handlers.h"
#include "http.h"
#include "json.h"
#include "rl.h"
#include "svc_wallet.h"
#include "verr.h"
#include "xmem.h"

#define PSIGN_MAX	65536

/* Answer 200 with o, never cached. */
static void
wallet_reply(struct req *r, struct json_object *o)
{
	http_json(r, 200, o);
	http_header(r, "Cache-Control", "no-store");
}

/* Answer {name: s}. */
static void
wallet_reply_str(struct req *r, const char *name, const char *s)
{
	struct json_object	*o = json_object_new_object();

	json_object_object_add(o, name, json_object_new_string(s));
	wallet_reply(r, o);
}

int
h_wallet_status(struct req *r, struct verr *e)
{
	struct json_object	*o;
	char			 addr[SVC_WALLET_ADDR_LEN], ts[32];
	int64_t			 until;
	int			 un;

	if (svc_wallet_status(r->be, r->uid, r->sid, addr, &un, &until,
	    e) == -1)
		return -1;
	o = json_object_new_object();
	json_object_object_add(o, "walletAddress",
	    json_object_new_string(addr));
	json_object_object_add(o, "unlocked", json_object_new_boolean(un));
	if (un) {
		json_time(ts, until);
		json_object_object_add(o, "unlockedUntil",
		    json_object_new_string(ts));
	}
	wallet_reply(r, o);
	return 0;
}

int
h_wallet_unlock(struct req *r, struct verr *e)
{
	struct json_object	*b = NULL, *o;
	const char		*pw;
	char			 ts[32];
	int64_t			 until;
	int			 rc = -1;

	/* Wrong passwords only count; over the limit every try is 429. */
	if (rl_check(r, RL_UNLOCK_USER, r->uid, 0, e) == -1 ||
	    http_json_body(r, &b, e) == -1 ||
	    json_get_str(b, "password", 1, &pw, e) == -1)
		goto out;
	if (svc_wallet_unlock(r->be, r->uid, r->sid, pw, &until, e) == -1) {
		if (e->status == 401)
			rl_count(r, RL_UNLOCK_USER, r->uid);
		goto out;
	}
	json_time(ts, until);
	o = json_object_new_object();
	json_object_object_add(o, "message",
	    json_object_new_string("Wallet unlocked successfully"));
	json_object_object_add(o, "unlockedUntil", json_object_new_string(ts));
	wallet_reply(r, o);
	rc = 0;
out:
	json_object_put(b);
	return rc;
}

int
h_wallet_lock(struct req *r, struct verr *e)
{
	if (svc_wallet_lock(r->be, r->sid, e) == -1)
		return -1;
	wallet_reply_str(r, "message", "Wallet locked successfully");
	return 0;
}

int
h_wallet_export(struct req *r, struct verr *e)
{
	struct json_object	*b = NULL;
	const char		*pw;
	char			 key[SVC_WALLET_HEX32_LEN];
	int			 rc = -1;

	/* Every attempt counts, right or wrong (3 an hour). */
	if (rl_check(r, RL_EXPORT_USER, r->uid, 1, e) == -1 ||
	    http_json_body(r, &b, e) == -1 ||
	    json_get_str(b, "password", 1, &pw, e) == -1 ||
	    svc_wallet_export(r->be, r->uid, pw, key, e) == -1)
		goto out;
	wallet_reply_str(r, "privateKey", key);
	rc = 0;
out:
	OPENSSL_cleanse(key, sizeof(key));
	json_object_put(b);
	return rc;
}

/* The message of personal-sign: its bytes, hex-decoded when asked. */
static int
wallet_message(struct json_object *b, unsigned char **bytes,
    const char **msg, size_t *len, struct verr *e)
{
	const char	*enc = NULL;

	*bytes = NULL;
	if (json_get_str(b, "message", 1, msg, e) == -1 ||
	    json_get_str(b, "encoding", 0, &enc, e) == -1)
		return -1;
	if (enc != NULL && strcmp(enc, "utf8") != 0 && strcmp(enc, "hex") != 0)
		return verr_field(e, "encoding", "encoding must be utf8 or "
		    "hex");
	*len = strlen(*msg);
	if (enc == NULL || strcmp(enc, "hex") != 0) {
		if (*len < 1 || *len > PSIGN_MAX)
			return verr_field(e, "message", "message must be 1 to "
			    "65536 bytes");
		return 0;
	}
	if (*len < 4 || (*msg)[0] != '0' || ((*msg)[1] != 'x' &&
	    (*msg)[1] != 'X') || *len % 2 != 0 || *len / 2 - 1 > PSIGN_MAX)
		return verr_field(e, "message", "message must be 0x and an "
		    "even number of hex digits, 1 to 65536 bytes");
	*len = *len / 2 - 1;
	*bytes = xmalloc(*len);
	if (enc_unhex(*msg + 2, *bytes, *len) == -1)
		return verr_field(e, "message", "message must be hex digits");
	*msg = (const char *)*bytes;
	return 0;
}

int
h_wallet_personal_sign(struct req *r, struct verr *e)
{
	struct json_object	*b = NULL;
	const char		*msg;
	unsigned char		*bytes = NULL;
	char			 sig[SVC_WALLET_SIG_LEN];
	size_t			 len = 0;
	int			 rc = -1;

	if (http_json_body(r, &b, e) == -1 ||
	    wallet_message(b, &bytes, &msg, &len, e) == -1 ||
	    svc_wallet_personal_sign(r->be, r->uid, r->sid, msg, len, sig,
	    e) == -1)
		goto out;
	wallet_reply_str(r, "signature", sig);
	rc = 0;
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
	char			 sig[SVC_WALLET_SIG_LEN];
	int			 rc = -1;

	if (http_json_body(r, &b, e) == -1 ||
	    json_get_str(b, "hash", 1, &hash, e) == -1)
		goto out;
	if (strlen(hash) != 66 || hash[0] != '0' || (hash[1] != 'x' &&
	    hash[1] != 'X') || enc_unhex(hash + 2, digest, 32) == -1) {
		verr_field(e, "hash", "hash must be 0x and 64 hex digits");
		goto out;
	}
	if (svc_wallet_sign_hash(r->be, r->uid, r->sid, digest, sig, e) == -1)
		goto out;
	wallet_reply_str(r, "signature", sig);
	rc = 0;
out:
	json_object_put(b);
	return rc;
}

int
h_wallet_sign_typed_data(struct req *r, struct verr *e)
{
	struct json_object	*b = NULL, *td = NULL, *parsed = NULL;
	char			 sig[SVC_WALLET_SIG_LEN];
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
			verr_field(e, "typedData", "typedData must be an "
			    "object or a JSON string of one");
			goto out;
		}
		td = parsed;
	} else if (!json_object_is_type(td, json_type_object)) {
		verr_field(e, "typedData", "typedData must be an object");
		goto out;
	}
	if (svc_wallet_sign_typed(r->be, r->uid, r->sid, td, sig, e) == -1)
		goto out;
	wallet_reply_str(r, "signature", sig);
	rc = 0;
out:
	json_object_put(parsed);
	json_object_put(b);
	return rc;
}

/* The "transaction" member of the body, parsed into t. */
static int
wallet_tx_body(struct req *r, struct json_object **b, struct eth_tx_req *t,
    struct verr *e)
{
	struct json_object	*o = NULL;

	if (http_json_body(r, b, e) == -1)
		return -1;
	if (!json_object_object_get_ex(*b, "transaction", &o) || o == NULL)
		return verr_field(e, "transaction", "transaction is required");
	return eth_tx_parse(o, t, e);
}

int
h_wallet_sign_transaction(struct req *r, struct verr *e)
{
	struct json_object	*b = NULL, *o;
	struct eth_tx_req	 t;
	char			*raw = NULL, hash[SVC_WALLET_HEX32_LEN];
	int			 rc = -1;

	memset(&t, 0, sizeof(t));
	if (wallet_tx_body(r, &b, &t, e) == -1 ||
	    svc_wallet_sign_tx(r->be, r->uid, r->sid, &t, &raw, hash,
	    e) == -1)
		goto out;
	o = json_object_new_object();
	json_object_object_add(o, "signedTx", json_object_new_string(raw));
	json_object_object_add(o, "hash", json_object_new_string(hash));
	wallet_reply(r, o);
	rc = 0;
out:
	eth_tx_clear(&t.tx);
	free(raw);
	json_object_put(b);
	return rc;
}

int
h_wallet_send_transaction(struct req *r, struct verr *e)
{
	struct json_object	*b = NULL;
	struct eth_tx_req	 t;
	char			*hash = NULL;
	int			 rc = -1;

	memset(&t, 0, sizeof(t));
	if (rl_check(r, RL_SEND_TX_USER, r->uid, 1, e) == -1 ||
	    wallet_tx_body(r, &b, &t, e) == -1 ||
	    svc_wallet_send_tx(r->be, r->uid, r->sid, &t, &hash, e) == -1)
		goto out;
	wallet_reply_str(r, "transactionHash", hash);
	rc = 0;
out:
	eth_tx_clear(&t.tx);
	free(hash);
	json_object_put(b);
	return rc;
}
