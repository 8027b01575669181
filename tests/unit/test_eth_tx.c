/*
 * The transaction object (API.md 3.8.10): eth_tx_parse() of valid legacy
 * and EIP-1559 objects into their fields, the field named by each
 * invalid member, the bounds of quantities (2^53 - 1 as a JSON number,
 * 2^64 - 1 for nonce and gas, 2^256 - 1 for the rest) and of the access
 * list, and the quantity forms of eth_tx_quantity().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <json-c/json.h>

#include "eth_tx.h"
#include "json.h"
#include "u256.h"
#include "unit.h"
#include "verr.h"

#define TO	"\"to\": \"0x3535353535353535353535353535353535353535\""
/* keccak256("cow")'s address, EIP-55 mixed case */
#define COW	"0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826"
#define COW_BAD	"0xcD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826"
#define KEY32	"\"0x00000000000000000000000000000000" \
		"00000000000000000000000000000007\""
#define U256MAX	"11579208923731619542357098500868790785326998466564056" \
		"4039457584007913129639935"

/* Parse the JSON text s as a transaction into t; e gets the failure. */
static int
tparse(const char *s, struct eth_tx_req *t, struct verr *e)
{
	struct json_object	*o;
	struct verr		 pe;
	int			 rc;

	verr_init(&pe);
	CU_ASSERT_FATAL(json_parse_object(s, strlen(s), &o, &pe) == 0);
	verr_init(e);
	rc = eth_tx_parse(o, t, e);
	json_object_put(o);
	return rc;
}

/* Does v print as the quantity want? */
static void
tqeq(const unsigned char v[32], const char *want)
{
	char	 got[U256_QHEX_LEN];

	u256_to_qhex(v, got);
	CU_ASSERT_STRING_EQUAL(got, want);
}

static void
test_legacy(void)
{
	struct eth_tx_req	 t;
	struct verr		 e;

	CU_ASSERT_EQUAL_FATAL(tparse("{\"nonce\": 9, \"gasPrice\": "
	    "\"20000000000\", \"gas\": \"0x5208\", " TO ", \"value\": "
	    "\"1000000000000000000\", \"chainId\": 1, \"data\": \"0x\"}",
	    &t, &e), 0);
	CU_ASSERT_EQUAL(t.tx.tx_type, 0);
	CU_ASSERT(!t.given[ETH_TX_TYPE]);
	CU_ASSERT(t.given[ETH_TX_NONCE] && t.given[ETH_TX_GAS] &&
	    t.given[ETH_TX_GAS_PRICE] && t.given[ETH_TX_CHAIN_ID]);
	CU_ASSERT(!t.given[ETH_TX_MAX_FEE] && !t.given[ETH_TX_MAX_PRIORITY]);
	tqeq(t.tx.tx_nonce, "0x9");
	tqeq(t.tx.tx_gas_price, "0x4a817c800");
	tqeq(t.tx.tx_gas, "0x5208");
	tqeq(t.tx.tx_value, "0xde0b6b3a7640000");
	tqeq(t.tx.tx_chain_id, "0x1");
	CU_ASSERT(t.tx.tx_has_to);
	CU_ASSERT_EQUAL(t.tx.tx_to[0], 0x35);
	CU_ASSERT_EQUAL(t.tx.tx_to[19], 0x35);
	CU_ASSERT_EQUAL(t.tx.tx_datalen, 0);
	CU_ASSERT(!t.has_from);
	eth_tx_clear(&t.tx);

	/* explicit type 0, gasLimit for gas, input for data, a sender */
	CU_ASSERT_EQUAL_FATAL(tparse("{\"type\": \"0x0\", \"gasPrice\": 1, "
	    "\"gasLimit\": 21000, " TO ", \"input\": \"0xa9059cbb\", "
	    "\"from\": \"" COW "\"}", &t, &e), 0);
	CU_ASSERT_EQUAL(t.tx.tx_type, 0);
	CU_ASSERT(t.given[ETH_TX_TYPE] && t.given[ETH_TX_GAS]);
	tqeq(t.tx.tx_gas, "0x5208");
	CU_ASSERT_EQUAL(t.tx.tx_datalen, 4);
	CU_ASSERT_EQUAL(t.tx.tx_data[0], 0xa9);
	CU_ASSERT(t.has_from);
	CU_ASSERT_EQUAL(t.from[0], 0xcd);
	CU_ASSERT(!t.given[ETH_TX_NONCE] && !t.given[ETH_TX_CHAIN_ID]);
	eth_tx_clear(&t.tx);
}

static void
test_1559(void)
{
	struct eth_tx_req	 t;
	struct verr		 e;

	CU_ASSERT_EQUAL_FATAL(tparse("{\"type\": 2, \"chainId\": \"0x539\", "
	    "\"nonce\": \"0\", \"maxFeePerGas\": \"0x77359400\", "
	    "\"maxPriorityFeePerGas\": \"1000000000\", \"gas\": 50000, "
	    TO ", \"value\": \"0x00\", \"data\": \"0x0102\", \"input\": "
	    "\"0x0102\", \"accessList\": [{\"address\": \"" COW "\", "
	    "\"storageKeys\": [" KEY32 ", " KEY32 "]}, {\"address\": "
	    "\"0x3535353535353535353535353535353535353535\"}]}", &t, &e), 0);
	CU_ASSERT_EQUAL(t.tx.tx_type, 2);
	CU_ASSERT(t.given[ETH_TX_TYPE] && t.given[ETH_TX_MAX_FEE] &&
	    t.given[ETH_TX_MAX_PRIORITY] && t.given[ETH_TX_NONCE]);
	CU_ASSERT(!t.given[ETH_TX_GAS_PRICE]);
	tqeq(t.tx.tx_chain_id, "0x539");
	tqeq(t.tx.tx_nonce, "0x0");
	tqeq(t.tx.tx_max_fee, "0x77359400");
	tqeq(t.tx.tx_max_priority_fee, "0x3b9aca00");
	tqeq(t.tx.tx_value, "0x0");
	CU_ASSERT_EQUAL(t.tx.tx_datalen, 2);
	CU_ASSERT_EQUAL_FATAL(t.tx.tx_naccess, 2);
	CU_ASSERT_EQUAL(t.tx.tx_access[0].ea_addr[0], 0xcd);
	CU_ASSERT_EQUAL_FATAL(t.tx.tx_access[0].ea_nkeys, 2);
	CU_ASSERT_EQUAL(t.tx.tx_access[0].ea_keys[1][31], 7);
	CU_ASSERT_EQUAL(t.tx.tx_access[1].ea_nkeys, 0);
	eth_tx_clear(&t.tx);

	/* the type follows from the fees; none leaves it to the node */
	CU_ASSERT_EQUAL(tparse("{\"maxPriorityFeePerGas\": 1, " TO "}", &t,
	    &e), 0);
	CU_ASSERT_EQUAL(t.tx.tx_type, 2);
	CU_ASSERT(!t.given[ETH_TX_TYPE]);
	eth_tx_clear(&t.tx);
	CU_ASSERT_EQUAL(tparse("{" TO "}", &t, &e), 0);
	CU_ASSERT_EQUAL(t.tx.tx_type, -1);
	eth_tx_clear(&t.tx);
	/* contract creation: to absent, null or "", with data */
	CU_ASSERT_EQUAL(tparse("{\"to\": null, \"data\": \"0x60\"}", &t,
	    &e), 0);
	CU_ASSERT(!t.tx.tx_has_to);
	eth_tx_clear(&t.tx);
	CU_ASSERT_EQUAL(tparse("{\"to\": \"\", \"data\": \"0x60\"}", &t,
	    &e), 0);
	CU_ASSERT(!t.tx.tx_has_to);
	eth_tx_clear(&t.tx);
}

/* Each invalid member fails with 400 naming its field. */
static void
test_invalid(void)
{
	static const struct {
		const char	*json, *field;
	} c[] = {
		{ "{" TO ", \"type\": 1}", "transaction.type" },
		{ "{" TO ", \"type\": 3}", "transaction.type" },
		{ "{" TO ", \"type\": \"0x102\"}", "transaction.type" },
		{ "{" TO ", \"type\": \"two\"}", "transaction.type" },
		{ "{" TO ", \"chainId\": 0}", "transaction.chainId" },
		{ "{" TO ", \"chainId\": \"0x\"}", "transaction.chainId" },
		{ "{" TO ", \"chainId\": -1}", "transaction.chainId" },
		{ "{" TO ", \"chainId\": 1.5}", "transaction.chainId" },
		{ "{" TO ", \"nonce\": \"\"}", "transaction.nonce" },
		{ "{" TO ", \"nonce\": \"0x10000000000000000\"}",
		    "transaction.nonce" },
		{ "{" TO ", \"nonce\": true}", "transaction.nonce" },
		{ "{" TO ", \"gas\": \"18446744073709551616\"}",
		    "transaction.gas" },
		{ "{" TO ", \"gas\": \"0xg\"}", "transaction.gas" },
		{ "{" TO ", \"gasLimit\": \"x\"}", "transaction.gasLimit" },
		{ "{" TO ", \"gas\": 21000, \"gasLimit\": 21001}",
		    "transaction.gasLimit" },
		{ "{" TO ", \"gasPrice\": []}", "transaction.gasPrice" },
		{ "{" TO ", \"maxFeePerGas\": \"1e9\"}",
		    "transaction.maxFeePerGas" },
		{ "{" TO ", \"maxPriorityFeePerGas\": \" 1\"}",
		    "transaction.maxPriorityFeePerGas" },
		{ "{" TO ", \"value\": \"" U256MAX "0\"}",
		    "transaction.value" },
		{ "{" TO ", \"value\": 9007199254740992}",
		    "transaction.value" },
		{ "{" TO ", \"gasPrice\": 1, \"maxFeePerGas\": 2}",
		    "transaction.gasPrice" },
		{ "{" TO ", \"gasPrice\": 1, \"maxPriorityFeePerGas\": 2}",
		    "transaction.gasPrice" },
		{ "{" TO ", \"type\": 0, \"maxFeePerGas\": 2}",
		    "transaction.maxFeePerGas" },
		{ "{" TO ", \"type\": 0, \"maxPriorityFeePerGas\": 2}",
		    "transaction.maxPriorityFeePerGas" },
		{ "{" TO ", \"type\": 2, \"gasPrice\": 2}",
		    "transaction.gasPrice" },
		{ "{" TO ", \"maxFeePerGas\": 1, \"maxPriorityFeePerGas\": 2}",
		    "transaction.maxPriorityFeePerGas" },
		{ "{\"to\": \"0x3535\"}", "transaction.to" },
		{ "{\"to\": \"3535353535353535353535353535353535353535\"}",
		    "transaction.to" },
		{ "{\"to\": \"" COW_BAD "\"}", "transaction.to" },
		{ "{\"to\": 5}", "transaction.to" },
		{ "{" TO ", \"from\": \"" COW_BAD "\"}", "transaction.from" },
		{ "{" TO ", \"data\": \"0x1\"}", "transaction.data" },
		{ "{" TO ", \"data\": \"0102\"}", "transaction.data" },
		{ "{" TO ", \"data\": \"0xzz\"}", "transaction.data" },
		{ "{" TO ", \"input\": 1}", "transaction.input" },
		{ "{" TO ", \"data\": \"0x01\", \"input\": \"0x02\"}",
		    "transaction.input" },
		{ "{" TO ", \"data\": \"0x01\", \"input\": \"0x\"}",
		    "transaction.input" },
		{ "{\"value\": 1}", "transaction.data" },
		{ "{\"to\": null, \"data\": \"0x\"}", "transaction.data" },
		{ "{" TO ", \"type\": 0, \"accessList\": []}",
		    "transaction.accessList" },
		{ "{" TO ", \"gasPrice\": 1, \"accessList\": []}",
		    "transaction.accessList" },
		{ "{" TO ", \"accessList\": {}}", "transaction.accessList" },
		{ "{" TO ", \"accessList\": [1]}", "transaction.accessList" },
		{ "{" TO ", \"accessList\": [{}]}", "transaction.accessList" },
		{ "{" TO ", \"accessList\": [{\"address\": \"" COW_BAD "\"}]}",
		    "transaction.accessList" },
		{ "{" TO ", \"accessList\": [{\"address\": \"" COW "\", "
		    "\"storageKeys\": \"0x\"}]}", "transaction.accessList" },
		{ "{" TO ", \"accessList\": [{\"address\": \"" COW "\", "
		    "\"storageKeys\": [\"0x07\"]}]}",
		    "transaction.accessList" },
		{ "{" TO ", \"accessList\": [{\"address\": \"" COW "\", "
		    "\"storageKeys\": [7]}]}", "transaction.accessList" },
	};
	struct eth_tx_req	 t;
	struct verr		 e;
	size_t			 i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		if (tparse(c[i].json, &t, &e) != -1) {
			fprintf(stderr, "accepted: %s\n", c[i].json);
			CU_FAIL("invalid transaction accepted");
		}
		CU_ASSERT_EQUAL(e.status, 400);
		CU_ASSERT_STRING_EQUAL(e.code, "validation_failed");
		if (strcmp(e.field, c[i].field) != 0)
			fprintf(stderr, "%s: field %s, want %s\n", c[i].json,
			    e.field, c[i].field);
		CU_ASSERT_STRING_EQUAL(e.field, c[i].field);
		eth_tx_clear(&t.tx);
	}
	/* not an object at all */
	verr_init(&e);
	CU_ASSERT_EQUAL(eth_tx_parse(NULL, &t, &e), -1);
	CU_ASSERT_STRING_EQUAL(e.field, "transaction");
}

/* The largest values each member takes, and one past them. */
static void
test_bounds(void)
{
	struct eth_tx_req	 t;
	struct verr		 e;

	CU_ASSERT_EQUAL(tparse("{" TO ", \"nonce\": \"18446744073709551615\", "
	    "\"gas\": \"0xffffffffffffffff\", \"value\": \"" U256MAX "\", "
	    "\"chainId\": \"0x000000000000000000000000000000000000000000000"
	    "0000000000000000000000001\", \"gasPrice\": 9007199254740991}",
	    &t, &e), 0);
	tqeq(t.tx.tx_nonce, "0xffffffffffffffff");
	tqeq(t.tx.tx_gas, "0xffffffffffffffff");
	tqeq(t.tx.tx_value, "0xffffffffffffffffffffffffffffffff"
	    "ffffffffffffffffffffffffffffffff");
	tqeq(t.tx.tx_chain_id, "0x1");
	tqeq(t.tx.tx_gas_price, "0x1fffffffffffff");
	eth_tx_clear(&t.tx);
	CU_ASSERT_EQUAL(tparse("{" TO ", \"gas\": \"0x10000000000000000\"}",
	    &t, &e), -1);
	eth_tx_clear(&t.tx);
}

/* An access list of n entries, or one entry of n storage keys. */
static char *
taccess(size_t n, int keys)
{
	static const char	 entry[] = "{\"address\": \"" COW "\"},";
	char			*s, *p;

	if ((s = malloc(n * (sizeof(entry) + 70) + 256)) == NULL)
		abort();
	p = s + sprintf(s, "{" TO ", \"accessList\": [%s", keys ?
	    "{\"address\": \"" COW "\", \"storageKeys\": [" : "");
	while (n-- > 0)
		p += sprintf(p, "%s", keys ? KEY32 "," : entry);
	sprintf(p - 1, "%s", keys ? "]}]}" : "]}");
	return s;
}

static void
test_access_bounds(void)
{
	static const struct {
		size_t	 n;
		int	 keys, rc;
	} c[] = {
		{ 1024, 0, 0 },
		{ 1025, 0, -1 },
		{ 1024, 1, 0 },
		{ 1025, 1, -1 },
	};
	struct eth_tx_req	 t;
	struct verr		 e;
	char			*s;
	size_t			 i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		s = taccess(c[i].n, c[i].keys);
		CU_ASSERT_EQUAL(tparse(s, &t, &e), c[i].rc);
		if (c[i].rc == -1) {
			CU_ASSERT_STRING_EQUAL(e.field,
			    "transaction.accessList");
		} else {
			CU_ASSERT_EQUAL(c[i].keys ?
			    t.tx.tx_access[0].ea_nkeys : t.tx.tx_naccess,
			    c[i].n);
		}
		eth_tx_clear(&t.tx);
		free(s);
	}
}

static void
test_quantity(void)
{
	static const struct {
		const char	*json;
		int		 rc;
		const char	*want;
	} c[] = {
		{ "0", 0, "0x0" },
		{ "9007199254740991", 0, "0x1fffffffffffff" },
		{ "9007199254740992", -1, NULL },
		{ "-1", -1, NULL },
		{ "1.0", -1, NULL },
		{ "null", -1, NULL },
		{ "\"0x\"", -1, NULL },
		{ "\"0X1F\"", 0, "0x1f" },
		{ "\"0x0000\"", 0, "0x0" },
		{ "\"\"", -1, NULL },
		{ "\"007\"", 0, "0x7" },
		{ "\"" U256MAX "\"", 0, "0xffffffffffffffffffffffffffffffff"
		    "ffffffffffffffffffffffffffffffff" },
		{ "\"-0\"", -1, NULL },
	};
	struct json_object	*o;
	unsigned char		 v[32];
	size_t			 i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		o = json_tokener_parse(c[i].json);
		CU_ASSERT_EQUAL(eth_tx_quantity(o, v), c[i].rc);
		if (c[i].rc == 0)
			tqeq(v, c[i].want);
		json_object_put(o);
	}
	CU_ASSERT_EQUAL(eth_tx_quantity(NULL, v), -1);
}

void
test_eth_tx_suite(void)
{
	CU_pSuite	 s = CU_add_suite("eth_tx", NULL, NULL);

	UNIT_ADD(s, "legacy transactions", test_legacy);
	UNIT_ADD(s, "EIP-1559 transactions and type inference", test_1559);
	UNIT_ADD(s, "each invalid member names its field", test_invalid);
	UNIT_ADD(s, "quantity bounds", test_bounds);
	UNIT_ADD(s, "access list bounds", test_access_bounds);
	UNIT_ADD(s, "quantity forms", test_quantity);
}
