/*
 * Ethereum signing: the EIP-712 and EIP-155 specifications' published
 * vectors, and vectors generated with ethers 6.17.0 (an independent
 * implementation: Wallet.signTransaction, Wallet.signMessage,
 * SigningKey.sign) for EIP-1559 transactions, large chain ids, personal
 * messages and raw digests.  Keys are the published test keys
 * keccak256("cow") of the EIP-712 example and 0x46...46 of EIP-155.
 */
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "enc.h"
#include "eth_sig.h"
#include "eth_tx.h"
#include "keccak.h"
#include "unit.h"
#include "verr.h"

/* keccak256("cow"), address 0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826 */
#define COW_KEY \
	"c85ef7d79691fe79573b1a7064c19c1a9819ebdbd1faaab1a8ec92344438aaf4"

/* Decode 2n hex digits of hex (an optional 0x skipped) into out[n]. */
static void
th(const char *hex, unsigned char *out, size_t n)
{
	if (hex[0] == '0' && hex[1] == 'x')
		hex += 2;
	CU_ASSERT_FATAL(enc_unhex(hex, out, n) == 0);
}

/* Compare n bytes with the 0x-prefixed lowercase hex want. */
static void
thcmp(const unsigned char *got, size_t n, const char *want)
{
	char	*hex;

	if ((hex = malloc(2 * n + 1)) == NULL)
		abort();
	enc_hex(got, n, hex);
	CU_ASSERT_EQUAL(strlen(want), 2 * n + 2);
	CU_ASSERT_STRING_EQUAL(hex, want + 2);
	free(hex);
}

/* A 32-byte big-endian quantity from v. */
static void
q64(unsigned char q[32], unsigned long long v)
{
	int	 i;

	memset(q, 0, 32);
	for (i = 0; i < 8; i++)
		q[31 - i] = (unsigned char)(v >> (8 * i));
}

static void
test_sign_eip712(void)
{
	/* EIP-712 "Mail" example: digest and signature from the EIP */
	unsigned char	 priv[32], digest[32], sig[ETH_SIG_LEN], again[65];
	struct verr	 e;

	verr_init(&e);
	th(COW_KEY, priv, 32);
	th("be609aee343fb3c4b28e1df9e632fca64fcfaede20f02e86244efddf30957bd2",
	    digest, 32);
	CU_ASSERT_EQUAL_FATAL(eth_sig_sign(priv, digest, sig, &e), 0);
	thcmp(sig, 65, "0x"
	    "4355c47d63924e8a72e509b65029052eb6c299d53a04e167c5775fd466751c9d"
	    "07299936d304c153f6443dfa05f40ff007d72911b6f72307f996231605b91562"
	    "1c");
	CU_ASSERT_EQUAL(sig[64], 28);
	/* RFC 6979: the same input, the same signature */
	CU_ASSERT_EQUAL(eth_sig_sign(priv, digest, again, &e), 0);
	CU_ASSERT_EQUAL(memcmp(sig, again, sizeof(sig)), 0);
	CU_ASSERT_EQUAL(e.status, 0);
}

static void
test_sign_raw(void)
{
	/* ethers v6 SigningKey(cow).sign(digest).serialized */
	static const struct {
		const char	*digest;
		const char	*sig;
	} v[] = {
		/* keccak256("vybes") */
		{ "f096abbea36fb65fa6a568a855f5bcbf62276b161966f80ed47bbf4be77a393a",
		  "0xc4a08c304125bf8aec783d34b0705b9b7835b9d974f32c69990a47f902d2a1bf"
		  "5a89d80fb08ae9cfcc333c94268d032a773faf9bc7adbebe99dd7fc024402416"
		  "1c" },
		{ "0000000000000000000000000000000000000000000000000000000000000000",
		  "0x94c362afa48795a6013a65562069c0c1f23b500eac5fb9d6c7e730e4b67a5728"
		  "18fd735d0859d215e57120898307e2d5d275e2b6146f13c07c9e4e891c6854b8"
		  "1b" },
		{ "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
		  "0xaff3102b71e3c7d1ee3c340d312d61a5ed25ea70fef5b99d31c479ded5b4dad2"
		  "3142791074c43fb7b39b0e96484cc019b09d632dd978bfedce3fe835590f971e"
		  "1b" },
	};
	/* n / 2, the largest low s */
	static const char half[] =
	    "7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0";
	unsigned char	 priv[32], digest[32], sig[ETH_SIG_LEN], h[32];
	struct verr	 e;
	size_t		 i;

	verr_init(&e);
	th(COW_KEY, priv, 32);
	th(half, h, 32);
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		th(v[i].digest, digest, 32);
		CU_ASSERT_EQUAL(eth_sig_sign(priv, digest, sig, &e), 0);
		thcmp(sig, sizeof(sig), v[i].sig);
		CU_ASSERT(memcmp(sig + 32, h, 32) <= 0);
	}
	CU_ASSERT_EQUAL(e.status, 0);
}

static void
test_bad_key(void)
{
	/* zero and the group order n are no keys */
	unsigned char	 priv[32], digest[32], sig[ETH_SIG_LEN], zero[65];
	struct verr	 e;

	memset(digest, 0x11, sizeof(digest));
	memset(zero, 0, sizeof(zero));
	memset(priv, 0, sizeof(priv));
	verr_init(&e);
	CU_ASSERT_EQUAL(eth_sig_sign(priv, digest, sig, &e), -1);
	CU_ASSERT_EQUAL(e.status, 500);
	CU_ASSERT_STRING_EQUAL(e.code, "internal");
	CU_ASSERT_EQUAL(memcmp(sig, zero, sizeof(sig)), 0);
	th("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141",
	    priv, 32);
	verr_init(&e);
	CU_ASSERT_EQUAL(eth_sig_sign(priv, digest, sig, &e), -1);
	CU_ASSERT_EQUAL(e.status, 500);
}

static void
test_personal(void)
{
	/* ethers v6 hashMessage() and Wallet(cow).signMessage() */
	unsigned char	 priv[32], d[32], sig[ETH_SIG_LEN];
	struct verr	 e;

	verr_init(&e);
	th(COW_KEY, priv, 32);
	eth_sig_personal_digest("hello", 5, d);
	thcmp(d, 32, "0x"
	    "50b2c43fd39106bafbba0da34fc430e1f91e3c96ea2acee2bc34119f92b37750");
	CU_ASSERT_EQUAL(eth_sig_sign(priv, d, sig, &e), 0);
	thcmp(sig, sizeof(sig), "0x"
	    "2452a50a1b27db559e685e82ef59445ff08ca6843b5089aa1c32a70db206d47d"
	    "693e5ae94daffccbbf590c5d2a72ad5706994748d2c8d3a8b39355589e16e875"
	    "1c");

	/* signMessage(getBytes("0x00ff10")): bytes, not text */
	eth_sig_personal_digest("\x00\xff\x10", 3, d);
	thcmp(d, 32, "0x"
	    "b93c768307fa95858db698d43159b658a6fdcc7cc6d4f0558fc104f6b702a755");
	CU_ASSERT_EQUAL(eth_sig_sign(priv, d, sig, &e), 0);
	thcmp(sig, sizeof(sig), "0x"
	    "b9cc1da4bdae6e00704873bfbd0496a5ad615d8a552a6738f6400439d6949d1b"
	    "1166377157536879f29464686275d7c537feff903aa47b867fb417a7c2bbe99e"
	    "1c");
	CU_ASSERT_EQUAL(e.status, 0);
}

/* Sign tx with key and compare the raw transaction and its hash. */
static void
tx_check(const struct eth_tx *tx, const char *key, const char *sighash,
    const char *raw, const char *hash)
{
	unsigned char	 priv[32], h[32], *out = NULL;
	size_t		 len;
	struct verr	 e;

	verr_init(&e);
	th(key, priv, 32);
	CU_ASSERT_EQUAL(eth_sig_tx_hash(tx, h, &e), 0);
	thcmp(h, 32, sighash);
	CU_ASSERT_EQUAL_FATAL(eth_sig_tx_sign(tx, priv, &out, &len, h, &e), 0);
	thcmp(out, len, raw);
	if (hash != NULL)
		thcmp(h, 32, hash);
	keccak256(out, len, priv);
	CU_ASSERT_EQUAL(memcmp(priv, h, 32), 0);
	CU_ASSERT_EQUAL(e.status, 0);
	free(out);
}

static void
test_eip155(void)
{
	/* the example of EIP-155 itself */
	struct eth_tx	 tx;

	memset(&tx, 0, sizeof(tx));
	tx.tx_type = 0;
	q64(tx.tx_chain_id, 1);
	q64(tx.tx_nonce, 9);
	q64(tx.tx_gas_price, 20000000000ULL);
	q64(tx.tx_gas, 21000);
	q64(tx.tx_value, 1000000000000000000ULL);
	tx.tx_has_to = 1;
	memset(tx.tx_to, 0x35, 20);
	tx_check(&tx,
	    "4646464646464646464646464646464646464646464646464646464646464646",
	    "0xdaf5a779ae972f972197303d7b574746c7ef83eadac0f2791ad23db92e4c8e53",
	    "0xf86c098504a817c8008252089435353535353535353535353535353535353535"
	    "35880de0b6b3a76400008025a028ef61340bd939bc2195fe537567866003e1a1"
	    "5d3c71ff63e1590620aa636276a067cbe9d8997f761aecb703304b3800ccf555"
	    "c9f3dc64214b297fb1966a3b6d83", NULL);
}

static void
test_legacy_chain_ids(void)
{
	/*
	 * ethers v6 Wallet(cow).signTransaction({type: 0, chainId, nonce: 0,
	 * gasPrice: 1 gwei, gasLimit: 21000, to: 0x35..35, value: 1})
	 */
	struct eth_tx	 tx;

	memset(&tx, 0, sizeof(tx));
	q64(tx.tx_gas_price, 1000000000ULL);
	q64(tx.tx_gas, 21000);
	q64(tx.tx_value, 1);
	tx.tx_has_to = 1;
	memset(tx.tx_to, 0x35, 20);

	/* 1337: v = 2709 or 2710, two bytes */
	q64(tx.tx_chain_id, 1337);
	tx_check(&tx, COW_KEY,
	    "0x51e0b302276c464aa6b7af059609d1dd3a4228daa8530b518238586ee880726c",
	    "0xf86580843b9aca00825208943535353535353535353535353535353535353535"
	    "0180820a95a010f40ee425e5bce33247934b1a1d6708fd328c102824ccb435e2"
	    "d62f2fc689b4a0424c3f006422714a63bb1d017c08f0b309d923c5ed366cdedf"
	    "61237d5abe6f7b",
	    "0x1b930794a94fc69a3d4fb25446baec8d50f3b21d9515a90c77e7355dc8c349d0");

	/* 2^40: v = 2^41 + 35, six bytes */
	q64(tx.tx_chain_id, 1ULL << 40);
	tx_check(&tx, COW_KEY,
	    "0xc722a6d4c32de5a652a120cda3bd78b30ab8f742ede53502c1969769a6fab582",
	    "0xf86980843b9aca00825208943535353535353535353535353535353535353535"
	    "018086020000000023a08b02d700e5d72f5918956230b04b6d97e89674b3c5a8"
	    "186631cf32f2f26d42cda024dd3a53385366e0f47da6693d96bd8e23af6060d8"
	    "cf8a3afb89c4fcc367e64d",
	    "0x7a519829d13035c640b67dc8e8d9cbac2bec31728766897b0fbf793849d8a646");
}

static void
test_eip1559(void)
{
	/*
	 * ethers v6 Wallet(cow).signTransaction({type: 2, chainId: 1,
	 * nonce: 7, maxPriorityFeePerGas: 1.5 gwei, maxFeePerGas: 30 gwei,
	 * gasLimit: 60000, to: 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed,
	 * value: 123456789, data: 0xa9059cbb0000, accessList})
	 */
	unsigned char		 keys[2][32];
	struct eth_access	 al[2];
	struct eth_tx		 tx;

	memset(&tx, 0, sizeof(tx));
	tx.tx_type = 2;
	q64(tx.tx_chain_id, 1);
	q64(tx.tx_nonce, 7);
	q64(tx.tx_max_priority_fee, 1500000000ULL);
	q64(tx.tx_max_fee, 30000000000ULL);
	q64(tx.tx_gas, 60000);
	q64(tx.tx_value, 123456789);
	/* ignored by type 2 */
	q64(tx.tx_gas_price, 99);
	tx.tx_has_to = 1;
	th("5aaeb6053f3e94c9b9a09f33669435e7ef1beaed", tx.tx_to, 20);
	tx.tx_data = (unsigned char *)"\xa9\x05\x9c\xbb\x00\x00";
	tx.tx_datalen = 6;

	/* accessList: [] */
	tx_check(&tx, COW_KEY,
	    "0xf8c024e3e83395b45dfe3053b12df0ed6c18f77eb0720d509076f8024779c233",
	    "0x02f87501078459682f008506fc23ac0082ea60945aaeb6053f3e94c9b9a09f33"
	    "669435e7ef1beaed84075bcd1586a9059cbb0000c001a0766e22319b634c60b9"
	    "ff026c96f6bc28247a1646e86fe1d912f106e0db37701aa009d210126c6c2126"
	    "348f5afe5185ed0f04c11ea84bc6ae92e097cca7a6677b04",
	    "0x70b26ccc524e53556fa98c261bc4302a24035c5ee34d4292dbadb422e75646b6");

	/* two entries: two storage keys (3 and 7), none */
	memset(keys, 0, sizeof(keys));
	keys[0][31] = 3;
	keys[1][31] = 7;
	th("de0b295669a9fd93d5f28d9ec85e40f4cb697bae", al[0].ea_addr, 20);
	al[0].ea_keys = keys;
	al[0].ea_nkeys = 2;
	th("bb9bc244d798123fde783fcc1c72d3bb8c189413", al[1].ea_addr, 20);
	al[1].ea_keys = NULL;
	al[1].ea_nkeys = 0;
	tx.tx_access = al;
	tx.tx_naccess = 2;
	tx_check(&tx, COW_KEY,
	    "0x25260ddfd0caa1a98fb83c1421c5c4da48e027cc9418cadec4d2f58cd0790019",
	    "0x02f8e801078459682f008506fc23ac0082ea60945aaeb6053f3e94c9b9a09f33"
	    "669435e7ef1beaed84075bcd1586a9059cbb0000f872f85994de0b295669a9fd"
	    "93d5f28d9ec85e40f4cb697baef842a000000000000000000000000000000000"
	    "00000000000000000000000000000003a0000000000000000000000000000000"
	    "0000000000000000000000000000000007d694bb9bc244d798123fde783fcc1c"
	    "72d3bb8c189413c001a0112b6748660fce05be031c76d41ad1057baaf7fb2dce"
	    "a527de891fb787f18e12a01a6e54e834c66a7239dab275359e9961eec57531b1"
	    "54d2c196b574541b16da96",
	    "0x9204b96725c1c19455c64dd0ecb6c6ef8b3db5fae97ec992f7e4f0c932d2554d");
}

static void
test_create(void)
{
	/*
	 * ethers v6 Wallet(cow).signTransaction({type: 2, chainId: 11155111,
	 * nonce: 0, maxPriorityFeePerGas: 1 gwei, maxFeePerGas: 2 gwei,
	 * gasLimit: 100000, value: 0, data: 0x6080...5b50, accessList: []}),
	 * contract creation without `to'
	 */
	static const char	 code[] = "6080604052348015600f57600080fd5b50";
	unsigned char		 data[sizeof(code) / 2];
	struct eth_tx		 tx;

	memset(&tx, 0, sizeof(tx));
	tx.tx_type = 2;
	q64(tx.tx_chain_id, 11155111);
	q64(tx.tx_max_priority_fee, 1000000000ULL);
	q64(tx.tx_max_fee, 2000000000ULL);
	q64(tx.tx_gas, 100000);
	th(code, data, sizeof(data));
	tx.tx_data = data;
	tx.tx_datalen = sizeof(data);
	tx_check(&tx, COW_KEY,
	    "0xab0720cf2a5b7cd2be9479f1fd8d75ec36ecdfaec77cd12a02c62df105aaac3c",
	    "0x02f86b83aa36a780843b9aca008477359400830186a080809160806040523480"
	    "15600f57600080fd5b50c001a0147f520943dd8cd1743dc87ff4f08126589cef"
	    "fc5a1c61d7ac38572581ab82eea073c0f149e5803973aa9cf7141f52d0248b6f"
	    "a0957fc8aee137bb85cf3e2f2571",
	    "0xced8f9f52ed8ca5da4cbc6d23b900b4596ffbd753819773cf0420cfa16f5a4c9");
}

static void
test_tx_fails(void)
{
	unsigned char	 priv[32], h[32], *raw = (unsigned char *)"x";
	size_t		 len;
	struct eth_tx	 tx;
	struct verr	 e;

	th(COW_KEY, priv, 32);
	memset(&tx, 0, sizeof(tx));

	/* type 1 is not supported */
	tx.tx_type = 1;
	verr_init(&e);
	CU_ASSERT_EQUAL(eth_sig_tx_sign(&tx, priv, &raw, &len, h, &e), -1);
	CU_ASSERT_PTR_NULL(raw);
	CU_ASSERT_EQUAL(e.status, 500);

	/* data beyond the ceiling */
	tx.tx_type = 2;
	tx.tx_datalen = ETH_SIG_TX_MAX;
	if ((tx.tx_data = calloc(1, tx.tx_datalen)) == NULL)
		abort();
	verr_init(&e);
	CU_ASSERT_EQUAL(eth_sig_tx_sign(&tx, priv, &raw, &len, h, &e), -1);
	CU_ASSERT_PTR_NULL(raw);
	CU_ASSERT_EQUAL(e.status, 400);
	CU_ASSERT_STRING_EQUAL(e.code, "validation_failed");
	CU_ASSERT_STRING_EQUAL(e.field, "transaction");

	/* a bad key */
	tx.tx_datalen = 10;
	memset(priv, 0, sizeof(priv));
	verr_init(&e);
	CU_ASSERT_EQUAL(eth_sig_tx_sign(&tx, priv, &raw, &len, h, &e), -1);
	CU_ASSERT_PTR_NULL(raw);
	CU_ASSERT_EQUAL(e.status, 500);

	/* clear frees what the transaction owns */
	if ((tx.tx_access = calloc(1, sizeof(*tx.tx_access))) == NULL ||
	    (tx.tx_access[0].ea_keys = calloc(3, 32)) == NULL)
		abort();
	tx.tx_naccess = 1;
	tx.tx_access[0].ea_nkeys = 3;
	eth_tx_clear(&tx);
	CU_ASSERT_PTR_NULL(tx.tx_data);
	CU_ASSERT_PTR_NULL(tx.tx_access);
	CU_ASSERT_EQUAL(tx.tx_naccess, 0);
	eth_tx_clear(NULL);
}

void
test_eth_sig_suite(void)
{
	CU_pSuite	 s = CU_add_suite("eth_sig", NULL, NULL);

	UNIT_ADD(s, "EIP-712 example signature", test_sign_eip712);
	UNIT_ADD(s, "raw digests as ethers signs them", test_sign_raw);
	UNIT_ADD(s, "invalid keys", test_bad_key);
	UNIT_ADD(s, "personal_sign", test_personal);
	UNIT_ADD(s, "EIP-155 example", test_eip155);
	UNIT_ADD(s, "legacy, large chain ids", test_legacy_chain_ids);
	UNIT_ADD(s, "EIP-1559 with and without access list", test_eip1559);
	UNIT_ADD(s, "EIP-1559 contract creation", test_create);
	UNIT_ADD(s, "unsupported type, too large, bad key", test_tx_fails);
}
