/*
 * JSON-RPC 2.0 over HTTP with libcurl.  One request per call, bounded to
 * 10 s in all (2 s to connect), answers bounded to 1 MiB.  The node's own
 * error message is passed to the client (API.md 422 chain_rejected);
 * transport failures are 503 and their detail goes to the log only,
 * since the URL may hold an API key.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <json-c/json.h>

#include "cfg.h"
#include "eth.h"
#include "json.h"
#include "verr.h"

#define ETH_MAX_ANSWER	(1 << 20)

struct eth_buf {
	char	*b;
	size_t	 n;
	int	 over;
};

static size_t
eth_write(char *p, size_t size, size_t nmemb, void *arg)
{
	struct eth_buf	*b = arg;
	size_t		 len = size * nmemb;

	if (b->n + len > ETH_MAX_ANSWER) {
		b->over = 1;
		return 0;
	}
	if ((b->b = realloc(b->b, b->n + len + 1)) == NULL)
		abort();
	memcpy(b->b + b->n, p, len);
	b->n += len;
	b->b[b->n] = '\0';
	return len;
}

int
eth_call(const struct cfg *c, const char *method, struct json_object *params,
    struct json_object **result, struct verr *e)
{
	struct json_object	*req, *ans = NULL, *v, *m;
	struct curl_slist	*h = NULL;
	struct eth_buf		 b = { NULL, 0, 0 };
	struct verr		 pe;
	CURL			*cu;
	CURLcode		 cc;
	long			 status = 0;
	int			 rc = -1;

	*result = NULL;
	if (c->eth_rpc_url == NULL || c->eth_rpc_url[0] == '\0')
		return verr_backend(e, "eth", "ETH_RPC_URL is not set");
	if ((cu = curl_easy_init()) == NULL)
		abort();
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
	curl_easy_setopt(cu, CURLOPT_WRITEFUNCTION, eth_write);
	curl_easy_setopt(cu, CURLOPT_WRITEDATA, &b);
	if ((cc = curl_easy_perform(cu)) != CURLE_OK) {
		verr_backend(e, "eth", curl_easy_strerror(cc));
		goto out;
	}
	curl_easy_getinfo(cu, CURLINFO_RESPONSE_CODE, &status);
	verr_init(&pe);
	if (b.n == 0 || json_parse_object(b.b, b.n, &ans, &pe) == -1) {
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
	free(b.b);
	return rc;
}
