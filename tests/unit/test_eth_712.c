/*
 * EIP-712 v4 hashing: the EIP's own "Mail" example with every published
 * intermediate value and its signature, a nested-array example and a
 * partial domain checked against ethers 6.17.0 (TypedDataEncoder,
 * Wallet.signTypedData), the v4 rules ethers does not implement
 * (EIP712Domain as primary type, an explicit empty domain type, null
 * structs) recomputed here from their definition, and the 400 errors
 * with their field paths.
 */
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <json-c/json.h>

#include "enc.h"
#include "eth_712.h"
#include "eth_sig.h"
#include "keccak.h"
#include "unit.h"
#include "verr.h"

/* The EIP-712 example (eips.ethereum.org/EIPS/eip-712, test vectors) */
#define MAIL_TYPES							\
	"\"types\": {"							\
	"\"EIP712Domain\": [{\"name\": \"name\", \"type\": \"string\"},"\
	" {\"name\": \"version\", \"type\": \"string\"},"		\
	" {\"name\": \"chainId\", \"type\": \"uint256\"},"		\
	" {\"name\": \"verifyingContract\", \"type\": \"address\"}],"	\
	"\"Person\": [{\"name\": \"name\", \"type\": \"string\"},"	\
	" {\"name\": \"wallet\", \"type\": \"address\"}],"		\
	"\"Mail\": [{\"name\": \"from\", \"type\": \"Person\"},"		\
	" {\"name\": \"to\", \"type\": \"Person\"},"			\
	" {\"name\": \"contents\", \"type\": \"string\"}]}"
#define MAIL_DOMAIN							\
	"\"domain\": {\"name\": \"Ether Mail\", \"version\": \"1\","	\
	" \"chainId\": 1, \"verifyingContract\":"			\
	" \"0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC\"}"
#define MAIL_FROM							\
	"\"from\": {\"name\": \"Cow\", \"wallet\":"			\
	" \"0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826\"}"
#define MAIL_TO								\
	"\"to\": {\"name\": \"Bob\", \"wallet\":"			\
	" \"0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB\"}"

static const char mail[] = "{" MAIL_TYPES ", \"primaryType\": \"Mail\", "
    MAIL_DOMAIN ", \"message\": {" MAIL_FROM ", " MAIL_TO ", "
    "\"contents\": \"Hello, Bob!\"}}";

/* keccak256("cow"), the EIP's signing key */
#define COW_KEY \
	"c85ef7d79691fe79573b1a7064c19c1a9819ebdbd1faaab1a8ec92344438aaf4"

/*
 * ethers 6.17.0: TypedDataEncoder.hash(ndomain, ntypes, nmsg) and
 * Wallet(cow).signTypedData(); the types do not define EIP712Domain,
 * so it is derived with all five members.
 */
static const char nested[] = "{\"types\": {"
    "\"Group\": [{\"name\": \"name\", \"type\": \"string\"},"
    " {\"name\": \"members\", \"type\": \"Person[]\"},"
    " {\"name\": \"matrix\", \"type\": \"uint256[2][]\"},"
    " {\"name\": \"flags\", \"type\": \"bool[]\"},"
    " {\"name\": \"tags\", \"type\": \"bytes32[]\"},"
    " {\"name\": \"owner\", \"type\": \"Person\"},"
    " {\"name\": \"data\", \"type\": \"bytes\"},"
    " {\"name\": \"small\", \"type\": \"int8\"},"
    " {\"name\": \"big\", \"type\": \"int256\"},"
    " {\"name\": \"id\", \"type\": \"bytes4\"},"
    " {\"name\": \"u\", \"type\": \"uint64\"}],"
    "\"Person\": [{\"name\": \"name\", \"type\": \"string\"},"
    " {\"name\": \"wallet\", \"type\": \"address\"},"
    " {\"name\": \"scores\", \"type\": \"uint16[3]\"}]},"
    "\"primaryType\": \"Group\","
    "\"domain\": {\"name\": \"Vybes\", \"version\": \"2\", \"chainId\": 137,"
    " \"verifyingContract\": \"0x1111111111111111111111111111111111111111\","
    " \"salt\": \"0x000000000000000000000000000000000000000000000000000000000000abcd\"},"
    "\"message\": {\"name\": \"Friends\","
    " \"members\": ["
    "  {\"name\": \"Ann\", \"wallet\": \"0x2222222222222222222222222222222222222222\", \"scores\": [1, 2, 3]},"
    "  {\"name\": \"Bo\", \"wallet\": \"0x3333333333333333333333333333333333333333\", \"scores\": [65535, 0, 7]}],"
    " \"matrix\": [[1, 2], [\"3\", \"0x04\"], [\"115792089237316195423570985008687907853269984665640564039457584007913129639935\", 0]],"
    " \"flags\": [true, false, true],"
    " \"tags\": [\"0x00000000000000000000000000000000000000000000000000000000000000ff\"],"
    " \"owner\": {\"name\": \"Cy\", \"wallet\": \"0x4444444444444444444444444444444444444444\", \"scores\": [9, 9, 9]},"
    " \"data\": \"0xdeadbeef\", \"small\": -128,"
    " \"big\": \"-57896044618658097711785492504343953926634992332820282019728792003956564819968\","
    " \"id\": \"0x01020304\", \"u\": \"18446744073709551615\"}}";

static struct json_object *
jparse(const char *s)
{
	struct json_object	*o;

	if ((o = json_tokener_parse(s)) == NULL)
		CU_FAIL_FATAL("test JSON does not parse");
	return o;
}

static void
thcmp(const unsigned char *got, size_t n, const char *want)
{
	char	 hex[2 * 65 + 1];

	CU_ASSERT_FATAL(n <= 65);
	enc_hex(got, n, hex);
	CU_ASSERT_STRING_EQUAL(hex, want + 2);
}

static void
test_mail(void)
{
	struct json_object	*td = jparse(mail);
	unsigned char		 d[32], ds[32], mh[32], th[32], priv[32];
	unsigned char		 sig[ETH_SIG_LEN];
	char			*text = NULL;
	struct verr		 e;

	verr_init(&e);
	CU_ASSERT_EQUAL_FATAL(eth_712_encode_type(td, "Mail", &text, &e), 0);
	CU_ASSERT_STRING_EQUAL(text, "Mail(Person from,Person to,string "
	    "contents)Person(string name,address wallet)");
	keccak256(text, strlen(text), th);
	thcmp(th, 32,
	    "0xa0cedeb2dc280ba39b857546d74f5549c3a1d7bdc2dd96bf881f76108e23dac2");
	free(text);

	CU_ASSERT_EQUAL_FATAL(eth_712_digest(td, d, ds, mh, &e), 0);
	thcmp(ds, 32,
	    "0xf2cee375fa42b42143804025fc449deafd50cc031ca257e0b194a650a912090f");
	thcmp(mh, 32,
	    "0xc52c0ee5d84264471806290a3f2c4cecfc5490626bf912d01f240d7a274b371e");
	thcmp(d, 32,
	    "0xbe609aee343fb3c4b28e1df9e632fca64fcfaede20f02e86244efddf30957bd2");

	/* the EIP's signature: v = 28, r, s */
	CU_ASSERT_EQUAL_FATAL(enc_unhex(COW_KEY, priv, 32), 0);
	CU_ASSERT_EQUAL(eth_sig_sign(priv, d, sig, &e), 0);
	thcmp(sig, sizeof(sig), "0x"
	    "4355c47d63924e8a72e509b65029052eb6c299d53a04e167c5775fd466751c9d"
	    "07299936d304c153f6443dfa05f40ff007d72911b6f72307f996231605b91562"
	    "1c");
	explicit_bzero(priv, sizeof(priv));
	CU_ASSERT_EQUAL(e.status, 0);
	json_object_put(td);
}

static void
test_mail_derived_domain(void)
{
	/* the same without EIP712Domain in types: derived, same digest */
	static const char s[] = "{\"types\": {"
	    "\"Person\": [{\"name\": \"name\", \"type\": \"string\"},"
	    " {\"name\": \"wallet\", \"type\": \"address\"}],"
	    "\"Mail\": [{\"name\": \"from\", \"type\": \"Person\"},"
	    " {\"name\": \"to\", \"type\": \"Person\"},"
	    " {\"name\": \"contents\", \"type\": \"string\"}]},"
	    "\"primaryType\": \"Mail\", " MAIL_DOMAIN ", \"message\": {"
	    MAIL_FROM ", " MAIL_TO ", \"contents\": \"Hello, Bob!\","
	    " \"extra\": 5}}";
	struct json_object	*td = jparse(s);
	unsigned char		 d[32];
	char			*text = NULL;
	struct verr		 e;

	verr_init(&e);
	CU_ASSERT_EQUAL(eth_712_digest(td, d, NULL, NULL, &e), 0);
	thcmp(d, 32,
	    "0xbe609aee343fb3c4b28e1df9e632fca64fcfaede20f02e86244efddf30957bd2");
	CU_ASSERT_EQUAL(eth_712_encode_type(td, "EIP712Domain", &text, &e), 0);
	CU_ASSERT_STRING_EQUAL(text, "EIP712Domain(string name,string version,"
	    "uint256 chainId,address verifyingContract)");
	free(text);
	CU_ASSERT_EQUAL(e.status, 0);
	json_object_put(td);
}

static void
test_nested(void)
{
	struct json_object	*td = jparse(nested);
	unsigned char		 d[32], ds[32], mh[32], priv[32];
	unsigned char		 sig[ETH_SIG_LEN];
	char			*text = NULL;
	struct verr		 e;

	verr_init(&e);
	CU_ASSERT_EQUAL_FATAL(eth_712_encode_type(td, "Group", &text, &e), 0);
	CU_ASSERT_STRING_EQUAL(text, "Group(string name,Person[] members,"
	    "uint256[2][] matrix,bool[] flags,bytes32[] tags,Person owner,"
	    "bytes data,int8 small,int256 big,bytes4 id,uint64 u)"
	    "Person(string name,address wallet,uint16[3] scores)");
	free(text);
	CU_ASSERT_EQUAL_FATAL(eth_712_digest(td, d, ds, mh, &e), 0);
	thcmp(ds, 32,
	    "0xeab544f152d2173f702be579e149e5be9248188e7529a40714802349dd7dacb0");
	thcmp(mh, 32,
	    "0x54ef2f8a159c3bdd8c5314de15e8241f9952a93a65ccf32e9384edd02692cb1c");
	thcmp(d, 32,
	    "0xe8413ad18249af188d91c95dcc3ddd4f1e756570f98106c251326e777d629c22");
	CU_ASSERT_EQUAL_FATAL(enc_unhex(COW_KEY, priv, 32), 0);
	CU_ASSERT_EQUAL(eth_sig_sign(priv, d, sig, &e), 0);
	thcmp(sig, sizeof(sig), "0x"
	    "9f37950a219550c68b15340852bab8197647adafc5fa2f533a1947d9ba97f390"
	    "5b9849f393e96a808ceb46d0787d1f3499038c06acad5385f67efbd3716f56c0"
	    "1c");
	explicit_bzero(priv, sizeof(priv));
	CU_ASSERT_EQUAL(e.status, 0);
	json_object_put(td);
}

static void
test_partial_domain(void)
{
	/* ethers: domain {name: "Only", chainId: 5}, Ping {uint8 n} = 255 */
	static const char s[] = "{\"types\": {\"Ping\": [{\"name\": \"n\","
	    " \"type\": \"uint8\"}]}, \"primaryType\": \"Ping\","
	    " \"domain\": {\"name\": \"Only\", \"chainId\": \"0x5\","
	    " \"version\": null, \"other\": \"ignored\"},"
	    " \"message\": {\"n\": 255}}";
	struct json_object	*td = jparse(s);
	unsigned char		 d[32], ds[32];
	struct verr		 e;

	verr_init(&e);
	CU_ASSERT_EQUAL(eth_712_digest(td, d, ds, NULL, &e), 0);
	thcmp(ds, 32,
	    "0xb4ab26f47cc1e5cb6e2b3d0554ab7e27e4b2051664d0c5b82070c5699823ae3d");
	thcmp(d, 32,
	    "0xdfc8aa14331795396f1c4925c027d8f112725864f3fa4dee899d5ea899aef55e");
	CU_ASSERT_EQUAL(e.status, 0);
	json_object_put(td);
}

static void
test_domain_primary(void)
{
	/* primaryType EIP712Domain: keccak256(0x19 0x01 || separator) */
	static const char s1[] = "{" MAIL_TYPES ", \"primaryType\": "
	    "\"EIP712Domain\", " MAIL_DOMAIN "}";
	/* "EIP712Domain": [] is hashed as given, MetaMask's way */
	static const char s2[] = "{\"types\": {\"EIP712Domain\": []},"
	    " \"primaryType\": \"EIP712Domain\", " MAIL_DOMAIN "}";
	struct json_object	*td = jparse(s1);
	unsigned char		 d[32], ds[32], mh[32], buf[66], zero[32];
	struct verr		 e;

	verr_init(&e);
	memset(zero, 0, sizeof(zero));
	CU_ASSERT_EQUAL(eth_712_digest(td, d, ds, mh, &e), 0);
	thcmp(ds, 32,
	    "0xf2cee375fa42b42143804025fc449deafd50cc031ca257e0b194a650a912090f");
	CU_ASSERT_EQUAL(memcmp(mh, zero, 32), 0);
	memcpy(buf, "\x19\x01", 2);
	memcpy(buf + 2, ds, 32);
	keccak256(buf, 34, ds);
	CU_ASSERT_EQUAL(memcmp(d, ds, 32), 0);
	json_object_put(td);

	td = jparse(s2);
	CU_ASSERT_EQUAL(eth_712_digest(td, d, ds, NULL, &e), 0);
	keccak256("EIP712Domain()", 14, buf);
	keccak256(buf, 32, buf);
	CU_ASSERT_EQUAL(memcmp(ds, buf, 32), 0);
	CU_ASSERT_EQUAL(e.status, 0);
	json_object_put(td);
}

static void
test_null_struct(void)
{
	/* v4: a missing or null struct member is 32 zero bytes */
	static const char s[] = "{" MAIL_TYPES ", \"primaryType\": \"Mail\", "
	    MAIL_DOMAIN ", \"message\": {" MAIL_FROM ", \"to\": null,"
	    " \"contents\": \"Hello, Bob!\"}}";
	static const char person[] = "Person(string name,address wallet)";
	static const char mailt[] = "Mail(Person from,Person to,string "
	    "contents)Person(string name,address wallet)";
	struct json_object	*td = jparse(s);
	unsigned char		 mh[32], d[32], buf[4 * 32];
	struct verr		 e;

	/* hashStruct(Person, from) */
	memset(buf, 0, sizeof(buf));
	keccak256(person, sizeof(person) - 1, buf);
	keccak256("Cow", 3, buf + 32);
	CU_ASSERT_EQUAL_FATAL(enc_unhex(
	    "cd2a3d9f938e13cd947ec05abc7fe734df8dd826", buf + 76, 20), 0);
	keccak256(buf, 96, buf + 32);
	/* hashStruct(Mail, {from, to: zero, contents}) */
	keccak256(mailt, sizeof(mailt) - 1, buf);
	memset(buf + 64, 0, 32);
	keccak256("Hello, Bob!", 11, buf + 96);
	keccak256(buf, 128, buf);

	verr_init(&e);
	CU_ASSERT_EQUAL(eth_712_digest(td, d, NULL, mh, &e), 0);
	CU_ASSERT_EQUAL(memcmp(mh, buf, 32), 0);
	json_object_put(td);

	/* left out altogether: the same */
	td = jparse("{" MAIL_TYPES ", \"primaryType\": \"Mail\", "
	    MAIL_DOMAIN ", \"message\": {" MAIL_FROM ", \"contents\": "
	    "\"Hello, Bob!\"}}");
	CU_ASSERT_EQUAL(eth_712_digest(td, d, NULL, mh, &e), 0);
	CU_ASSERT_EQUAL(memcmp(mh, buf, 32), 0);
	CU_ASSERT_EQUAL(e.status, 0);
	json_object_put(td);
}

/* Hash a one-member message {v: <val>} of type <type>; the result. */
static int
one(const char *type, const char *val, unsigned char mh[32], struct verr *e)
{
	struct json_object	*td;
	char			 s[1024];
	unsigned char		 d[32];
	int			 rc;

	snprintf(s, sizeof(s), "{\"types\": {\"T\": [{\"name\": \"v\", "
	    "\"type\": \"%s\"}]}, \"primaryType\": \"T\", \"domain\": {}, "
	    "\"message\": {\"v\": %s}}", type, val);
	td = jparse(s);
	verr_init(e);
	rc = eth_712_digest(td, d, NULL, mh, e);
	json_object_put(td);
	return rc;
}

/* The 32-byte encoding of a one-member message's value. */
static int
enc1(const char *type, const char *val, unsigned char out[32])
{
	struct verr	 e;
	unsigned char	 mh[32], buf[64];
	char		 t[128];

	if (one(type, val, mh, &e) == -1)
		return -1;
	snprintf(t, sizeof(t), "T(%s v)", type);
	keccak256(t, strlen(t), buf);
	/* try the candidate: the caller compares hashStruct */
	memcpy(buf + 32, out, 32);
	keccak256(buf, 64, buf);
	return memcmp(buf, mh, 32) == 0 ? 0 : 1;
}

static void
test_atoms(void)
{
	unsigned char	 w[32];

	/* the helper tells a wrong encoding from a right one */
	memset(w, 0, 32);
	CU_ASSERT_EQUAL(enc1("int8", "-1", w), 1);
	/* int8 -1 and -128: sign-extended to 256 bits */
	memset(w, 0xff, 32);
	CU_ASSERT_EQUAL(enc1("int8", "-1", w), 0);
	CU_ASSERT_EQUAL(enc1("int8", "\"-1\"", w), 0);
	w[31] = 0x80;
	CU_ASSERT_EQUAL(enc1("int8", "\"-128\"", w), 0);
	/* uint256 max as hex with leading zeros */
	memset(w, 0xff, 32);
	CU_ASSERT_EQUAL(enc1("uint256", "\"0x00ffffffffffffffffffffffffffff"
	    "ffffffffffffffffffffffffffffffffffff\"", w), 0);
	/* 2^53 - 1 as a JSON number */
	memset(w, 0, 32);
	memcpy(w + 25, "\x1f\xff\xff\xff\xff\xff\xff", 7);
	CU_ASSERT_EQUAL(enc1("uint64", "9007199254740991", w), 0);
	/* int256 min and max */
	memset(w, 0, 32);
	w[0] = 0x80;
	CU_ASSERT_EQUAL(enc1("int256", "\"-5789604461865809771178549250434395"
	    "3926634992332820282019728792003956564819968\"", w), 0);
	memset(w, 0xff, 32);
	w[0] = 0x7f;
	CU_ASSERT_EQUAL(enc1("int256", "\"5789604461865809771178549250434395"
	    "3926634992332820282019728792003956564819967\"", w), 0);
	/* bytesN right-padded, 1..N bytes */
	memset(w, 0, 32);
	w[0] = 0xab;
	CU_ASSERT_EQUAL(enc1("bytes4", "\"0xab\"", w), 0);
	CU_ASSERT_EQUAL(enc1("bytes32", "\"0xAB\"", w), 0);
	/* bool, address */
	memset(w, 0, 32);
	w[31] = 1;
	CU_ASSERT_EQUAL(enc1("bool", "true", w), 0);
	memset(w + 12, 0xab, 20);
	CU_ASSERT_EQUAL(enc1("address",
	    "\"0xabababababababababababababababababababab\"", w), 0);
	/* bytes and string: keccak256 of the content */
	keccak256("\xde\xad", 2, w);
	CU_ASSERT_EQUAL(enc1("bytes", "\"0xdead\"", w), 0);
	keccak256("", 0, w);
	CU_ASSERT_EQUAL(enc1("bytes", "\"0x\"", w), 0);
	CU_ASSERT_EQUAL(enc1("string", "\"\"", w), 0);
	/* an empty dynamic array: keccak256 of nothing */
	CU_ASSERT_EQUAL(enc1("uint8[]", "[]", w), 0);
}

/* Expect typedData s to fail with 400 naming field. */
static void
bad(const char *s, const char *field)
{
	struct json_object	*td = jparse(s);
	unsigned char		 d[32];
	struct verr		 e;

	verr_init(&e);
	CU_ASSERT_EQUAL(eth_712_digest(td, d, NULL, NULL, &e), -1);
	CU_ASSERT_EQUAL(e.status, 400);
	CU_ASSERT_STRING_EQUAL(e.code, "validation_failed");
	CU_ASSERT_STRING_EQUAL(e.field, field);
	json_object_put(td);
}

/* Expect a one-member message of type with val to fail at field. */
static void
bad1(const char *type, const char *val, const char *field)
{
	struct verr	 e;
	unsigned char	 mh[32];

	CU_ASSERT_EQUAL(one(type, val, mh, &e), -1);
	CU_ASSERT_EQUAL(e.status, 400);
	CU_ASSERT_STRING_EQUAL(e.field, field);
}

static void
test_bad_values(void)
{
	static const struct {
		const char	*type;
		const char	*val;
	} v[] = {
		{ "uint8", "256" },
		{ "uint8", "\"0x100\"" },
		{ "uint8", "-1" },
		{ "uint8", "\"-0\"" },
		{ "int8", "128" },
		{ "int8", "-129" },
		{ "int8", "\"0x80\"" },
		{ "int8", "\"-0x1\"" },
		{ "uint64", "9007199254740992" },
		{ "int64", "-9007199254740992" },
		{ "uint256", "1.5" },
		{ "uint256", "1e3" },
		{ "uint256", "\"\"" },
		{ "uint256", "\"0x\"" },
		{ "uint256", "\"12a\"" },
		{ "uint256", "\" 1\"" },
		{ "uint256", "\"-\"" },
		{ "uint256", "true" },
		{ "uint256", "\"115792089237316195423570985008687907853269984665640564039457584007913129639936\"" },
		{ "uint256", "\"0x1ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff\"" },
		{ "int256", "\"57896044618658097711785492504343953926634992332820282019728792003956564819968\"" },
		{ "int256", "\"-57896044618658097711785492504343953926634992332820282019728792003956564819969\"" },
		{ "address", "\"0x123\"" },
		{ "address", "\"cd2a3d9f938e13cd947ec05abc7fe734df8dd826\"" },
		{ "address", "\"0xzd2a3d9f938e13cd947ec05abc7fe734df8dd826\"" },
		{ "bool", "1" },
		{ "bool", "\"true\"" },
		{ "string", "5" },
		{ "bytes", "\"0xabc\"" },
		{ "bytes", "\"abcd\"" },
		{ "bytes4", "\"0x0102030405\"" },
		{ "bytes4", "\"0x\"" },
		{ "uint8[]", "5" },
		{ "uint8[2]", "[1]" },
		{ "uint8", "null" },
		{ "string", "null" },
		{ "uint8[]", "null" },
	};
	size_t	 i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		bad1(v[i].type, v[i].val, "typedData.message.v");
	bad1("uint8[]", "[1, 2, 256]", "typedData.message.v[2]");
	bad1("uint8[2][]", "[[1, 2], [3]]", "typedData.message.v[1]");
	bad1("uint8[2][]", "[[1, 2], [3, null]]", "typedData.message.v[1][1]");
}

static void
test_bad_mail(void)
{
	/* a wrong address deep in the message */
	bad("{" MAIL_TYPES ", \"primaryType\": \"Mail\", " MAIL_DOMAIN
	    ", \"message\": {" MAIL_FROM ", \"to\": {\"name\": \"Bob\"},"
	    " \"contents\": \"x\"}}", "typedData.message.to.wallet");
	bad("{" MAIL_TYPES ", \"primaryType\": \"Mail\", " MAIL_DOMAIN
	    ", \"message\": {" MAIL_FROM ", \"to\": {\"name\": \"Bob\","
	    " \"wallet\": \"0x12\"}, \"contents\": \"x\"}}",
	    "typedData.message.to.wallet");
	/* a struct value that is no object */
	bad("{" MAIL_TYPES ", \"primaryType\": \"Mail\", " MAIL_DOMAIN
	    ", \"message\": {" MAIL_FROM ", \"to\": \"Bob\","
	    " \"contents\": \"x\"}}", "typedData.message.to");
	/* message missing, null, no object */
	bad("{" MAIL_TYPES ", \"primaryType\": \"Mail\", " MAIL_DOMAIN "}",
	    "typedData.message");
	bad("{" MAIL_TYPES ", \"primaryType\": \"Mail\", " MAIL_DOMAIN
	    ", \"message\": null}", "typedData.message");
	bad("{" MAIL_TYPES ", \"primaryType\": \"Mail\", " MAIL_DOMAIN
	    ", \"message\": []}", "typedData.message");
	/* a domain value missing or of the wrong type, no domain */
	bad("{" MAIL_TYPES ", \"primaryType\": \"Mail\", \"domain\": "
	    "{\"chainId\": 1}, \"message\": {}}", "typedData.domain.name");
	bad("{\"types\": {\"T\": []}, \"primaryType\": \"T\", \"domain\": "
	    "{\"name\": \"x\", \"chainId\": \"one\"}, \"message\": {}}",
	    "typedData.domain.chainId");
	bad("{" MAIL_TYPES ", \"primaryType\": \"Mail\", \"message\": {}}",
	    "typedData.domain");
	/* primaryType missing, unknown */
	bad("{" MAIL_TYPES ", " MAIL_DOMAIN ", \"message\": {}}",
	    "typedData.primaryType");
	bad("{" MAIL_TYPES ", \"primaryType\": \"Letter\", " MAIL_DOMAIN
	    ", \"message\": {}}", "typedData.primaryType");
	/* typedData itself */
	bad("[]", "typedData");
	bad("{\"primaryType\": \"Mail\", " MAIL_DOMAIN ", \"message\": {}}",
	    "typedData.types");
}

static void
test_bad_types(void)
{
	/* unknown atomic type, undefined struct, malformed suffixes */
	static const char *const t[] = {
		"uint7", "uint", "uint264", "uint08", "int0", "bytes0",
		"bytes33", "Letter", "Person[", "Person[]x", "uint8[0]",
		"uint8[1025]", "uint8[-1]", "uint8[a]", "string ", "",
		"uint8[][][][][][][][][][][][][][][][][]",
	};
	char	 s[512];
	size_t	 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		snprintf(s, sizeof(s), "{\"types\": {\"T\": [{\"name\": "
		    "\"a\", \"type\": \"bool\"}, {\"name\": \"b\", \"type\": "
		    "\"%s\"}]}, \"primaryType\": \"T\", \"domain\": {}, "
		    "\"message\": {}}", t[i]);
		bad(s, "typedData.types.T[1].type");
	}
	/* an undefined struct fails even where the message has no value */
	bad("{\"types\": {\"T\": [{\"name\": \"a\", \"type\": \"bool\"}],"
	    " \"U\": [{\"name\": \"x\", \"type\": \"Nope[]\"}]},"
	    " \"primaryType\": \"T\", \"domain\": {}, \"message\":"
	    " {\"a\": true}}", "typedData.types.U[0].type");
	/* bad type names, members */
	bad("{\"types\": {\"uint8\": []}, \"primaryType\": \"uint8\","
	    " \"domain\": {}, \"message\": {}}", "typedData.types.uint8");
	bad("{\"types\": {\"A(B)\": []}, \"primaryType\": \"T\","
	    " \"domain\": {}, \"message\": {}}", "typedData.types.A(B)");
	bad("{\"types\": {\"T\": {}}, \"primaryType\": \"T\","
	    " \"domain\": {}, \"message\": {}}", "typedData.types.T");
	bad("{\"types\": {\"T\": [5]}, \"primaryType\": \"T\","
	    " \"domain\": {}, \"message\": {}}", "typedData.types.T[0]");
	bad("{\"types\": {\"T\": [{\"type\": \"bool\"}]}, \"primaryType\":"
	    " \"T\", \"domain\": {}, \"message\": {}}",
	    "typedData.types.T[0].name");
	bad("{\"types\": {\"T\": [{\"name\": \"a,b\", \"type\": \"bool\"}]},"
	    " \"primaryType\": \"T\", \"domain\": {}, \"message\": {}}",
	    "typedData.types.T[0].name");
	bad("{\"types\": {\"T\": [{\"name\": \"a\", \"type\": \"bool\"},"
	    " {\"name\": \"a\", \"type\": \"bool\"}]}, \"primaryType\":"
	    " \"T\", \"domain\": {}, \"message\": {}}",
	    "typedData.types.T[1].name");
	bad("{\"types\": {\"T\": [{\"name\": \"a\", \"type\": 5}]},"
	    " \"primaryType\": \"T\", \"domain\": {}, \"message\": {}}",
	    "typedData.types.T[0].type");
}

static void
test_limits(void)
{
	struct json_object	*td, *types, *arr, *m, *msg, *v;
	unsigned char		 d[32];
	char			 name[16];
	struct verr		 e;
	int			 i, depth;

	/* 64 types pass, 65 fail */
	td = jparse("{\"types\": {}, \"primaryType\": \"T0\", \"domain\": {},"
	    " \"message\": {}}");
	json_object_object_get_ex(td, "types", &types);
	for (i = 0; i < 65; i++) {
		snprintf(name, sizeof(name), "T%d", i);
		json_object_object_add(types, name, json_object_new_array());
		verr_init(&e);
		CU_ASSERT_EQUAL(eth_712_digest(td, d, NULL, NULL, &e),
		    i < 64 ? 0 : -1);
	}
	CU_ASSERT_STRING_EQUAL(e.field, "typedData.types");
	json_object_put(td);

	/* 64 members pass, 65 fail */
	td = jparse("{\"types\": {\"T\": []}, \"primaryType\": \"T\","
	    " \"domain\": {}, \"message\": {}}");
	json_object_object_get_ex(td, "types", &types);
	json_object_object_get_ex(types, "T", &arr);
	for (i = 0; i < 65; i++) {
		snprintf(name, sizeof(name), "m%d", i);
		m = json_object_new_object();
		json_object_object_add(m, "name", json_object_new_string(name));
		json_object_object_add(m, "type",
		    json_object_new_string("Missing"));
		json_object_array_add(arr, m);
	}
	bad(json_object_to_json_string(td), "typedData.types.T");
	json_object_array_del_idx(arr, 64, 1);
	verr_init(&e);
	CU_ASSERT_EQUAL(eth_712_digest(td, d, NULL, NULL, &e), -1);
	CU_ASSERT_STRING_EQUAL(e.field, "typedData.types.T[0].type");
	json_object_put(td);

	/* 1024 elements pass, 1025 fail */
	td = jparse("{\"types\": {\"T\": [{\"name\": \"v\", \"type\":"
	    " \"uint8[]\"}]}, \"primaryType\": \"T\", \"domain\": {},"
	    " \"message\": {\"v\": []}}");
	json_object_object_get_ex(td, "message", &msg);
	json_object_object_get_ex(msg, "v", &arr);
	for (i = 0; i < 1025; i++) {
		json_object_array_add(arr, json_object_new_int(i % 256));
		if (i == 1023) {
			verr_init(&e);
			CU_ASSERT_EQUAL(eth_712_digest(td, d, NULL, NULL, &e),
			    0);
		}
	}
	verr_init(&e);
	CU_ASSERT_EQUAL(eth_712_digest(td, d, NULL, NULL, &e), -1);
	CU_ASSERT_STRING_EQUAL(e.field, "typedData.message.v");
	json_object_put(td);

	/* a recursive type: 16 levels pass, 17 fail */
	for (depth = 16; depth <= 17; depth++) {
		td = jparse("{\"types\": {\"Node\": [{\"name\": \"n\","
		    " \"type\": \"Node\"}, {\"name\": \"v\", \"type\":"
		    " \"uint8\"}]}, \"primaryType\": \"Node\", \"domain\":"
		    " {}, \"message\": {\"v\": 1}}");
		json_object_object_get_ex(td, "message", &msg);
		for (i = 1; i < depth; i++) {
			v = json_object_new_object();
			json_object_object_add(v, "v", json_object_new_int(i));
			json_object_object_add(msg, "n", v);
			msg = v;
		}
		verr_init(&e);
		CU_ASSERT_EQUAL(eth_712_digest(td, d, NULL, NULL, &e),
		    depth <= ETH_712_DEPTH ? 0 : -1);
		if (depth > ETH_712_DEPTH)
			CU_ASSERT_STRING_EQUAL(e.field, "typedData.message.n.n"
			    ".n.n.n.n.n.n.n.n.n.n.n.n.n.n");
		json_object_put(td);
	}
}

void
test_eth_712_suite(void)
{
	CU_pSuite	 s = CU_add_suite("eth_712", NULL, NULL);

	UNIT_ADD(s, "EIP-712 Mail example", test_mail);
	UNIT_ADD(s, "Mail with a derived domain type", test_mail_derived_domain);
	UNIT_ADD(s, "nested arrays (ethers)", test_nested);
	UNIT_ADD(s, "partial domain (ethers)", test_partial_domain);
	UNIT_ADD(s, "EIP712Domain as primary type", test_domain_primary);
	UNIT_ADD(s, "null and missing structs", test_null_struct);
	UNIT_ADD(s, "atomic encodings", test_atoms);
	UNIT_ADD(s, "invalid values and their paths", test_bad_values);
	UNIT_ADD(s, "invalid Mail messages", test_bad_mail);
	UNIT_ADD(s, "invalid types", test_bad_types);
	UNIT_ADD(s, "limits", test_limits);
}
