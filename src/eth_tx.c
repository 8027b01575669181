/*
 * Transaction objects.  Quantities are kept as 32-byte big-endian
 * integers (u256.h), since gas prices and values exceed 64 bits.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "enc.h"
#include "eth_key.h"
#include "eth_tx.h"
#include "u256.h"
#include "verr.h"
#include "xmem.h"

int
eth_tx_quantity_str(const char *s, unsigned char out[32])
{
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		return u256_from_hex(s + 2, strlen(s + 2), out) == 0 ? 0 : -1;
	return u256_from_dec(s, strlen(s), out) == 0 ? 0 : -1;
}

int
eth_tx_quantity(struct json_object *v, unsigned char out[32])
{
	int64_t		 iv;

	memset(out, 0, 32);
	if (v == NULL)
		return -1;
	if (json_object_is_type(v, json_type_int)) {
		iv = json_object_get_int64(v);
		if (iv < 0 || iv > 9007199254740991LL)
			return -1;
		u256_from_u64((uint64_t)iv, out);
		return 0;
	}
	if (!json_object_is_type(v, json_type_string))
		return -1;
	return eth_tx_quantity_str(json_object_get_string(v), out);
}

int
eth_tx_address(const char *s, unsigned char out[20])
{
	char	 want[ETH_KEY_ADDR_LEN];
	int	 lower = 0, upper = 0;
	size_t	 i;

	if (strlen(s) != 42 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X') ||
	    enc_unhex(s + 2, out, 20) == -1)
		return -1;
	for (i = 2; i < 42; i++) {
		lower |= islower((unsigned char)s[i]) != 0;
		upper |= isupper((unsigned char)s[i]) != 0;
	}
	/* Mixed case is a checksum, and a typo guard: it must be right. */
	if (lower && upper) {
		eth_key_eip55(out, want);
		if (strcmp(want + 2, s + 2) != 0)
			return -1;
	}
	return 0;
}

/* Hex bytes "0x..." (even length, "0x" empty) into a malloc'd buffer. */
static int
eth_tx_bytes(const char *s, unsigned char **out, size_t *len)
{
	size_t	 n;

	*out = NULL;
	*len = 0;
	if (s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
		return -1;
	n = strlen(s + 2);
	if (n % 2 != 0)
		return -1;
	if (n == 0)
		return 0;
	*out = xmalloc(n / 2);
	if (enc_unhex(s + 2, *out, n / 2) == -1) {
		free(*out);
		*out = NULL;
		return -1;
	}
	*len = n / 2;
	return 0;
}

/* Member `k' of o that is present and not null, else NULL. */
static struct json_object *
eth_tx_get(struct json_object *o, const char *k)
{
	struct json_object	*v;

	return json_object_object_get_ex(o, k, &v) ? v : NULL;
}

static int
eth_tx_bad(struct verr *e, const char *member, const char *what)
{
	char	 f[64];

	snprintf(f, sizeof(f), "transaction.%s", member);
	return verr_field(e, f, "transaction.%s %s", member, what);
}

/*
 * The quantity of member k (and its alias, which must agree) into out;
 * 0 absent, 1 given, -1 invalid.
 */
static int
eth_tx_qmember(struct json_object *o, const char *k, const char *alias,
    unsigned char out[32], struct verr *e)
{
	struct json_object	*v = eth_tx_get(o, k), *a;
	unsigned char		 other[32];

	a = alias != NULL ? eth_tx_get(o, alias) : NULL;
	if (v == NULL && a == NULL)
		return 0;
	if (v != NULL && eth_tx_quantity(v, out) == -1)
		return eth_tx_bad(e, k, "must be a quantity");
	if (a != NULL) {
		if (eth_tx_quantity(a, other) == -1)
			return eth_tx_bad(e, alias, "must be a quantity");
		if (v == NULL)
			memcpy(out, other, 32);
		else if (u256_cmp(out, other) != 0)
			return eth_tx_bad(e, alias, "must equal the other "
			    "spelling of the member");
	}
	return 1;
}

/* accessList: [{address, storageKeys: [32-byte hex...]}, ...]. */
static int
eth_tx_access(struct json_object *v, struct eth_tx *tx, struct verr *e)
{
	struct json_object	*it, *a, *keys, *k;
	unsigned char		*b;
	size_t			 i, j, n, len, klen;

	if (!json_object_is_type(v, json_type_array))
		return eth_tx_bad(e, "accessList", "must be an array");
	n = json_object_array_length(v);
	if (n > 1024)
		return eth_tx_bad(e, "accessList", "has too many entries");
	if (n > 0)
		tx->tx_access = xcalloc(n, sizeof(*tx->tx_access));
	for (i = 0; i < n; i++) {
		it = json_object_array_get_idx(v, i);
		if (!json_object_is_type(it, json_type_object) ||
		    (a = eth_tx_get(it, "address")) == NULL ||
		    !json_object_is_type(a, json_type_string) ||
		    eth_tx_address(json_object_get_string(a),
		    tx->tx_access[i].ea_addr) == -1)
			return eth_tx_bad(e, "accessList", "entries need a "
			    "valid address");
		tx->tx_naccess = i + 1;
		if ((keys = eth_tx_get(it, "storageKeys")) == NULL)
			continue;
		if (!json_object_is_type(keys, json_type_array) ||
		    json_object_array_length(keys) > 1024)
			return eth_tx_bad(e, "accessList", "storageKeys "
			    "must be an array");
		len = json_object_array_length(keys);
		if (len > 0)
			tx->tx_access[i].ea_keys = xcalloc(len, 32);
		for (j = 0; j < len; j++) {
			k = json_object_array_get_idx(keys, j);
			b = NULL;
			if (!json_object_is_type(k, json_type_string) ||
			    eth_tx_bytes(json_object_get_string(k), &b,
			    &klen) == -1 || klen != 32) {
				free(b);
				return eth_tx_bad(e, "accessList", "storage "
				    "keys must be 32 bytes of hex");
			}
			memcpy(tx->tx_access[i].ea_keys[j], b, 32);
			free(b);
			tx->tx_access[i].ea_nkeys = j + 1;
		}
	}
	return 0;
}

int
eth_tx_parse(struct json_object *o, struct eth_tx_req *t, struct verr *e)
{
	struct eth_tx		*tx = &t->tx;
	struct json_object	*v, *d, *in;
	unsigned char		 type[32], *other;
	size_t			 olen;
	int			 r;

	memset(t, 0, sizeof(*t));
	if (o == NULL || !json_object_is_type(o, json_type_object))
		return verr_field(e, "transaction", "transaction must be an "
		    "object");
	if ((r = eth_tx_qmember(o, "type", NULL, type, e)) == -1)
		return -1;
	if (r == 1) {
		/* 0 or 2: all bits clear but bit 1 of the last byte. */
		tx->tx_type = type[31];
		type[31] &= (unsigned char)~2;
		if (!u256_is_zero(type))
			return eth_tx_bad(e, "type", "must be 0 or 2");
		t->given[ETH_TX_TYPE] = 1;
	}
	if ((t->given[ETH_TX_CHAIN_ID] = eth_tx_qmember(o, "chainId", NULL,
	    tx->tx_chain_id, e)) == -1 ||
	    (t->given[ETH_TX_NONCE] = eth_tx_qmember(o, "nonce", NULL,
	    tx->tx_nonce, e)) == -1 ||
	    (t->given[ETH_TX_GAS] = eth_tx_qmember(o, "gas", "gasLimit",
	    tx->tx_gas, e)) == -1 ||
	    (t->given[ETH_TX_GAS_PRICE] = eth_tx_qmember(o, "gasPrice", NULL,
	    tx->tx_gas_price, e)) == -1 ||
	    (t->given[ETH_TX_MAX_FEE] = eth_tx_qmember(o, "maxFeePerGas", NULL,
	    tx->tx_max_fee, e)) == -1 ||
	    (t->given[ETH_TX_MAX_PRIORITY] = eth_tx_qmember(o,
	    "maxPriorityFeePerGas", NULL, tx->tx_max_priority_fee, e)) == -1 ||
	    eth_tx_qmember(o, "value", NULL, tx->tx_value, e) == -1)
		return -1;
	if (t->given[ETH_TX_CHAIN_ID] && u256_is_zero(tx->tx_chain_id))
		return eth_tx_bad(e, "chainId", "must be at least 1");
	/* nonce and gas are 64-bit quantities. */
	if (t->given[ETH_TX_NONCE] && u256_to_u64(tx->tx_nonce, NULL) == -1)
		return eth_tx_bad(e, "nonce", "must be below 2^64");
	if (t->given[ETH_TX_GAS] && u256_to_u64(tx->tx_gas, NULL) == -1)
		return eth_tx_bad(e, "gas", "must be below 2^64");
	/* The type: given, or inferred from the fee members. */
	if (t->given[ETH_TX_GAS_PRICE] && (t->given[ETH_TX_MAX_FEE] ||
	    t->given[ETH_TX_MAX_PRIORITY]))
		return eth_tx_bad(e, "gasPrice", "cannot be mixed with "
		    "EIP-1559 fees");
	if (!t->given[ETH_TX_TYPE]) {
		if (t->given[ETH_TX_MAX_FEE] || t->given[ETH_TX_MAX_PRIORITY])
			tx->tx_type = 2;
		else if (t->given[ETH_TX_GAS_PRICE])
			tx->tx_type = 0;
		else
			tx->tx_type = -1;	/* send asks the node */
	} else if (tx->tx_type == 0 && (t->given[ETH_TX_MAX_FEE] ||
	    t->given[ETH_TX_MAX_PRIORITY]))
		return eth_tx_bad(e, t->given[ETH_TX_MAX_FEE] ? "maxFeePerGas" :
		    "maxPriorityFeePerGas", "is for type 2 only");
	else if (tx->tx_type == 2 && t->given[ETH_TX_GAS_PRICE])
		return eth_tx_bad(e, "gasPrice", "is for type 0 only");
	if (t->given[ETH_TX_MAX_FEE] && t->given[ETH_TX_MAX_PRIORITY] &&
	    u256_cmp(tx->tx_max_priority_fee, tx->tx_max_fee) > 0)
		return eth_tx_bad(e, "maxPriorityFeePerGas", "must not exceed "
		    "maxFeePerGas");
	/* to: absent, null or "" is contract creation. */
	if ((v = eth_tx_get(o, "to")) != NULL &&
	    !(json_object_is_type(v, json_type_string) &&
	    json_object_get_string(v)[0] == '\0')) {
		if (!json_object_is_type(v, json_type_string) ||
		    eth_tx_address(json_object_get_string(v), tx->tx_to) == -1)
			return eth_tx_bad(e, "to", "must be an address");
		tx->tx_has_to = 1;
	}
	if ((v = eth_tx_get(o, "from")) != NULL) {
		if (!json_object_is_type(v, json_type_string) ||
		    eth_tx_address(json_object_get_string(v), t->from) == -1)
			return eth_tx_bad(e, "from", "must be an address");
		t->has_from = 1;
	}
	d = eth_tx_get(o, "data");
	in = eth_tx_get(o, "input");
	if (d != NULL && (!json_object_is_type(d, json_type_string) ||
	    eth_tx_bytes(json_object_get_string(d), &tx->tx_data,
	    &tx->tx_datalen) == -1))
		return eth_tx_bad(e, "data", "must be hex bytes");
	if (in != NULL) {
		if (!json_object_is_type(in, json_type_string) ||
		    eth_tx_bytes(json_object_get_string(in), &other,
		    &olen) == -1)
			return eth_tx_bad(e, "input", "must be hex bytes");
		if (d == NULL) {
			tx->tx_data = other;
			tx->tx_datalen = olen;
		} else {
			r = olen != tx->tx_datalen || (olen > 0 &&
			    memcmp(other, tx->tx_data, olen) != 0);
			free(other);
			if (r)
				return eth_tx_bad(e, "input",
				    "must equal data");
		}
	}
	if (!tx->tx_has_to && tx->tx_datalen == 0)
		return eth_tx_bad(e, "data", "is required to create a "
		    "contract");
	if ((v = eth_tx_get(o, "accessList")) != NULL) {
		if (tx->tx_type == 0)
			return eth_tx_bad(e, "accessList",
			    "is for type 2 only");
		if (eth_tx_access(v, tx, e) == -1)
			return -1;
	}
	return 0;
}

void
eth_tx_clear(struct eth_tx *tx)
{
	size_t	 i;

	if (tx == NULL)
		return;
	for (i = 0; i < tx->tx_naccess; i++)
		free(tx->tx_access[i].ea_keys);
	free(tx->tx_access);
	free(tx->tx_data);
	memset(tx, 0, sizeof(*tx));
}
