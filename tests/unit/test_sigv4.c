/*
 * The SigV4 signer against published vectors: the AWS SigV4 test suite
 * (service "service", 2015-08-30) for header authentication, the S3
 * documentation's GET/PUT object examples, and its presigned URL
 * example (examplebucket/test.txt, 2013-05-24), whose X-Amz-Signature
 * is known.
 */
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "buf.h"
#include "sigv4.h"
#include "unit.h"

#define EMPTY_SHA \
	"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define SUITE_T		1440938160	/* 2015-08-30T12:36:00Z */
#define S3DOC_T		1369353600	/* 2013-05-24T00:00:00Z */

static const struct sigv4_key suite = { "AKIDEXAMPLE",
	"wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "us-east-1", "service" };
static const struct sigv4_key s3doc = { "AKIAIOSFODNN7EXAMPLE",
	"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "us-east-1", "s3" };

/* Sign a test suite request and compare the Authorization header. */
static void
check_suite(const char *method, const char *path, const struct sigv4_kv *q,
    size_t nq, const struct sigv4_kv *h, size_t nh, const char *payload,
    const char *signed_, const char *sig)
{
	struct sigv4_req	 r;
	char			*got, want[512];

	memset(&r, 0, sizeof(r));
	r.method = method;
	r.path = path;
	r.query = q;
	r.nquery = nq;
	r.hdrs = h;
	r.nhdrs = nh;
	r.payload = payload;
	r.when = SUITE_T;
	snprintf(want, sizeof(want), "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"
	    "20150830/us-east-1/service/aws4_request, SignedHeaders=%s, "
	    "Signature=%s", signed_, sig);
	got = sigv4_authorization(&suite, &r);
	CU_ASSERT_STRING_EQUAL(got, want);
	free(got);
}

static const struct sigv4_kv vanilla[] = {
	{ "Host", "example.amazonaws.com" },
	{ "X-Amz-Date", "20150830T123600Z" },
};

static void
test_get_vanilla(void)
{
	check_suite("GET", "/", NULL, 0, vanilla, 2, EMPTY_SHA,
	    "host;x-amz-date", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260"
	    "956d9b8aae1d763fbf31");
}

static void
test_post_vanilla(void)
{
	check_suite("POST", "/", NULL, 0, vanilla, 2, EMPTY_SHA,
	    "host;x-amz-date", "5da7c1a2acd57cee7505fc6676e4e544621c30862966"
	    "e37dddb68e92efbe5d6b");
}

static void
test_query_order(void)
{
	static const struct sigv4_kv	 keycase[] = {
		{ "Param2", "value2" }, { "Param1", "value1" } };
	static const struct sigv4_kv	 key[] = {
		{ "Param1", "value2" }, { "Param1", "Value1" } };

	/* get-vanilla-query-order-key-case */
	check_suite("GET", "/", keycase, 2, vanilla, 2, EMPTY_SHA,
	    "host;x-amz-date", "b97d918cfa904a5beff61c982a1b6f458b799221646e"
	    "fd99d3219ec94cdf2500");
	/* get-vanilla-query-order-key: same name, sorted by value */
	check_suite("GET", "/", key, 2, vanilla, 2, EMPTY_SHA,
	    "host;x-amz-date", "eedbc4e291e521cf13422ffca22be7d2eb8146eecf65"
	    "3089df300a15b2382bd1");
}

static void
test_path_encoding(void)
{
	/* get-utf8: U+1234 as its UTF-8 bytes */
	check_suite("GET", "/\xe1\x88\xb4", NULL, 0, vanilla, 2, EMPTY_SHA,
	    "host;x-amz-date", "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f"
	    "255a891fd03141be5d85");
	/* get-space */
	check_suite("GET", "/example space/", NULL, 0, vanilla, 2, EMPTY_SHA,
	    "host;x-amz-date", "652487583200325589f1fba4c7e578f72c47cb61beec"
	    "a81406b39ddec1366741");
}

static void
test_post_form(void)
{
	static const struct sigv4_kv	 h[] = {
		{ "Content-Type", "application/x-www-form-urlencoded" },
		{ "Host", "example.amazonaws.com" },
		{ "X-Amz-Date", "20150830T123600Z" },
	};

	/* post-x-www-form-urlencoded, body "Param1=value1" */
	check_suite("POST", "/", NULL, 0, h, 3, "9095672bbd1f56dfc5b65f3e153a"
	    "dc8731a4a654192329106275f4c7b24d0b6e", "content-type;host;"
	    "x-amz-date", "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b"
	    "9d196a0fe09473a");
}

/* The S3 documentation's header examples: a ranged GET and a PUT. */
static void
test_s3_headers(void)
{
	static const struct sigv4_kv	 get[] = {
		{ "Host", "examplebucket.s3.amazonaws.com" },
		{ "Range", "bytes=0-9" },
		{ "x-amz-content-sha256", EMPTY_SHA },
		{ "x-amz-date", "20130524T000000Z" },
	};
	static const struct sigv4_kv	 put[] = {
		{ "Host", "examplebucket.s3.amazonaws.com" },
		{ "Date", "Fri, 24 May 2013 00:00:00 GMT" },
		{ "x-amz-date", "20130524T000000Z" },
		{ "x-amz-storage-class", "REDUCED_REDUNDANCY" },
		{ "x-amz-content-sha256", "44ce7dd67c959e0d3524ffac1771dfbba87d"
		    "2b6b4b4e99e42034a8b803f8b072" },
	};
	struct sigv4_req	 r;
	char			*got;

	memset(&r, 0, sizeof(r));
	r.method = "GET";
	r.path = "/test.txt";
	r.hdrs = get;
	r.nhdrs = 4;
	r.payload = EMPTY_SHA;
	r.when = S3DOC_T;
	got = sigv4_authorization(&s3doc, &r);
	CU_ASSERT_STRING_EQUAL(got, "AWS4-HMAC-SHA256 Credential="
	    "AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
	    "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
	    "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd9103"
	    "9c6036bdb41");
	free(got);

	r.method = "PUT";
	r.path = "/test$file.text";
	r.hdrs = put;
	r.nhdrs = 5;
	r.payload = put[4].value;
	got = sigv4_authorization(&s3doc, &r);
	CU_ASSERT_STRING_EQUAL(got, "AWS4-HMAC-SHA256 Credential="
	    "AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
	    "SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;"
	    "x-amz-storage-class, Signature=98ad721746da40c64f1a55b78f14c238"
	    "d841ea1380cd77a1b5971af0ece108bd");
	free(got);
}

/* The S3 documentation's presigned URL: GET test.txt for 86400 s. */
static void
test_presign(void)
{
	static const struct sigv4_kv	 h[] = {
		{ "host", "examplebucket.s3.amazonaws.com" } };
	struct sigv4_req	 r;
	char			*got;

	memset(&r, 0, sizeof(r));
	r.method = "GET";
	r.path = "/test.txt";
	r.hdrs = h;
	r.nhdrs = 1;
	r.payload = "UNSIGNED-PAYLOAD";
	r.when = S3DOC_T;
	got = sigv4_presign(&s3doc, &r, 86400);
	CU_ASSERT_STRING_EQUAL(got, "X-Amz-Algorithm=AWS4-HMAC-SHA256&"
	    "X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2F"
	    "s3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&"
	    "X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109"
	    "b86d86835f995330da4c265957d157751f604d404");
	free(got);
}

static void
test_encode_date(void)
{
	struct buf	 b;
	char		 d[SIGV4_DATELEN];

	buf_init(&b, 256);
	sigv4_encode(&b, "a b/c~d+e$\xc3\xa9", 1);
	CU_ASSERT_STRING_EQUAL(buf_str(&b), "a%20b/c~d%2Be%24%C3%A9");
	buf_free(&b);
	sigv4_encode(&b, "a/b=c&", 0);
	CU_ASSERT_STRING_EQUAL(buf_str(&b), "a%2Fb%3Dc%26");
	buf_free(&b);
	sigv4_amzdate(SUITE_T, d);
	CU_ASSERT_STRING_EQUAL(d, "20150830T123600Z");
}

void
test_sigv4_suite(void)
{
	CU_pSuite	 s;

	s = CU_add_suite("sigv4", NULL, NULL);
	CU_add_test(s, "get-vanilla", test_get_vanilla);
	CU_add_test(s, "post-vanilla", test_post_vanilla);
	CU_add_test(s, "query order", test_query_order);
	CU_add_test(s, "path encoding", test_path_encoding);
	CU_add_test(s, "post form", test_post_form);
	CU_add_test(s, "s3 header examples", test_s3_headers);
	CU_add_test(s, "s3 presigned url", test_presign);
	CU_add_test(s, "encoding and date", test_encode_date);
}
