/*
 * JSON-RPC 2.0 over HTTP with libcurl.  One request per call, bounded to
 * 10 s in all (2 s to connect), answers bounded to 1 MiB.  The node's own
 * error message is passed to the client (API.md 422 chain_rejected);
 * transport failures are 503 and their detail goes to the log only,
 * since the URL may hold an API key.  The named calls build their
 * method's parameters and read its answer, so that nothing else in the
 * tree speaks JSON-RPC.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <json-c/json.h>

#include "buf.h"
#include "cfg.h"
#include "enc.h"
#include "eth.h"
#include "eth_tx.h"
#include "json.h"
#include "u256.h"
#include "verr.h"
#include "xmem.h"

#define ETH_MAX_ANSWER	(1 << 20)

int
eth_call(const struct cfg *c, const char *method, struct json_object *params,
    struct json_object **result, struct verr *e)
{
	struct json_object	*req, *ans = NULL, *v, *m;
	struct curl_slist	*h = NULL;
	struct buf		 b;
	struct verr		 pe;
	CURL			*cu;
	CURLcode		 cc;
	long			 status = 0;
	int			 rc = -1;

	*result = NULL;
	buf_init(&b, ETH_MAX_ANSWER);
	if (c->eth_rpc_url == NULL || c->eth_rpc_url[0] == '\0')
		return verr_backend(e, "eth", "ETH_RPC_URL is not set");
	if ((cu = curl_easy_init()) == NULL)
		xnomem("curl_easy_init");
	req = json_object_new_object();
	json_object_object_add(req, "jsonrpc", json_object_new_string("2.0"));
	json_object_object_add(req, "id", json_object_new_int(1));
	json_object_object_add(req, "method", json_object_new_string(method));
	json_object_object_add(req, "params", json_object_get(params));
	h = curl_slist_append(h, "Content-Type: application/json");
	curl_easy_setopt(cu, CURLOPT_URL, c->eth_rpc_url);
	curl_easy_setopt(cu, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(cu, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(cu, CURLOPT_CONNECTTIMEOUT_MS, 2000L);
	curl_easy_setopt(cu, CURLOPT_TIMEOUT_MS, 10000L);
	curl_easy_setopt(cu, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(cu, CURLOPT_POSTFIELDS,
	    json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN));
	curl_easy_setopt(cu, CURLOPT_WRITEFUNCTION, buf_curl_all);
	curl_easy_setopt(cu, CURLOPT_WRITEDATA, &b);
	if ((cc = curl_easy_perform(cu)) != CURLE_OK) {
		verr_backend(e, "eth", curl_easy_strerror(cc));
		goto out;
	}
	curl_easy_getinfo(cu, CURLINFO_RESPONSE_CODE, &status);
	verr_init(&pe);
	if (b.b_len == 0 ||
	    json_parse_object(buf_str(&b), b.b_len, &ans, &pe) == -1) {
		verr_backend(e, "eth", status >= 400 ? "HTTP error from the "
		    "node" : "the node's answer is not JSON-RPC");
		goto out;
	}
	if (json_object_object_get_ex(ans, "error", &v) && v != NULL) {
		m = NULL;
		json_object_object_get_ex(v, "message", &m);
		verr_set(e, 422, "chain_rejected", "%s",
		    m != NULL && json_object_is_type(m, json_type_string) ?
		    json_object_get_string(m) : "the node rejected the call");
		goto out;
	}
	if (!json_object_object_get_ex(ans, "result", &v)) {
		verr_backend(e, "eth", "the node's answer has no result");
		goto out;
	}
	*result = json_object_get(v);
	rc = 0;
out:
	json_object_put(req);
	json_object_put(ans);
	curl_slist_free_all(h);
	curl_easy_cleanup(cu);
	buf_free(&b);
	return rc;
}

/* Call method with params (taken: released here); a quantity to out. */
static int
eth_call_quantity(const struct cfg *c, const char *method,
    struct json_object *params, unsigned char out[32], struct verr *e)
{
	struct json_object	*res = NULL;
	int			 rc;

	rc = eth_call(c, method, params, &res, e);
	json_object_put(params);
	if (rc == -1)
		return -1;
	rc = eth_tx_quantity(res, out);
	json_object_put(res);
	if (rc == -1)
		return verr_backend(e, "eth", "the node answered no quantity");
	return 0;
}

int
eth_chain_id(const struct cfg *c, unsigned char id[32], struct verr *e)
{
	return eth_call_quantity(c, "eth_chainId", json_object_new_array(), id,
	    e);
}

int
eth_nonce(const struct cfg *c, const char *addr, unsigned char nonce[32],
    struct verr *e)
{
	struct json_object	*p = json_object_new_array();

	json_object_array_add(p, json_object_new_string(addr));
	json_object_array_add(p, json_object_new_string("pending"));
	return eth_call_quantity(c, "eth_getTransactionCount", p, nonce, e);
}

int
eth_base_fee(const struct cfg *c, unsigned char fee[32], struct verr *e)
{
	struct json_object	*p = json_object_new_array(), *blk = NULL, *v;
	int			 rc;

	json_object_array_add(p, json_object_new_string("latest"));
	json_object_array_add(p, json_object_new_boolean(0));
	rc = eth_call(c, "eth_getBlockByNumber", p, &blk, e);
	json_object_put(p);
	if (rc == -1)
		return -1;
	rc = blk != NULL && json_object_object_get_ex(blk, "baseFeePerGas",
	    &v) && v != NULL && eth_tx_quantity(v, fee) == 0;
	json_object_put(blk);
	return rc;
}

int
eth_gas_price(const struct cfg *c, unsigned char price[32], struct verr *e)
{
	return eth_call_quantity(c, "eth_gasPrice", json_object_new_array(),
	    price, e);
}

int
eth_max_priority_fee(const struct cfg *c, unsigned char fee[32],
    struct verr *e)
{
	return eth_call_quantity(c, "eth_maxPriorityFeePerGas",
	    json_object_new_array(), fee, e);
}

/* "0x" + the hex of n bytes of b, as a new JSON string. */
static struct json_object *
eth_hex_string(const unsigned char *b, size_t n)
{
	struct json_object	*o;
	char			*s;

	s = xmalloc(2 * n + 3);
	memcpy(s, "0x", 2);
	enc_hex(b, n, s + 2);
	o = json_object_new_string(s);
	free(s);
	return o;
}

int
eth_estimate_gas(const struct cfg *c, const struct eth_tx *tx,
    const char *from, unsigned char gas[32], struct verr *e)
{
	struct json_object	*call, *p;
	char			 q[U256_QHEX_LEN];

	call = json_object_new_object();
	json_object_object_add(call, "from", json_object_new_string(from));
	if (tx->tx_has_to)
		json_object_object_add(call, "to",
		    eth_hex_string(tx->tx_to, sizeof(tx->tx_to)));
	u256_to_qhex(tx->tx_value, q);
	json_object_object_add(call, "value", json_object_new_string(q));
	if (tx->tx_datalen > 0)
		json_object_object_add(call, "data",
		    eth_hex_string(tx->tx_data, tx->tx_datalen));
	p = json_object_new_array();
	json_object_array_add(p, call);
	return eth_call_quantity(c, "eth_estimateGas", p, gas, e);
}

int
eth_send_raw(const struct cfg *c, const char *raw, char **hash,
    struct verr *e)
{
	struct json_object	*p = json_object_new_array(), *res = NULL;
	int			 rc;

	*hash = NULL;
	json_object_array_add(p, json_object_new_string(raw));
	rc = eth_call(c, "eth_sendRawTransaction", p, &res, e);
	json_object_put(p);
	if (rc == -1)
		return -1;
	if (res != NULL && json_object_is_type(res, json_type_string))
		*hash = xstrdup(json_object_get_string(res));
	json_object_put(res);
	return 0;
}
