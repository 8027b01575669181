/*
 * Wallet keys.  Keys come from OpenSSL's private CSPRNG and are checked
 * against the curve order with libsecp256k1; rejecting and redrawing out
 * of range values keeps the distribution uniform (spec section 1.9, the
 * chance of a redraw is about 2^-128).  Public keys use one libsecp256k1
 * context per process, created on first use and randomized against side
 * channels; as the seed must not be shared between the workers of the
 * prefork supervisor, a context inherited across fork() is randomized
 * again.  The sealed format is the Go reference's: base64.StdEncoding of
 * nonce || ciphertext || tag from cipher.NewGCM's Seal(nonce, nonce,
 * hex(priv), nil), so keys it stored stay readable.  Error messages never
 * carry key material, and every buffer that held a key or its hex form is
 * wiped before return.
 */
#include <sys/types.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <secp256k1.h>

#include "eth_key.h"
#include "keccak.h"
#include "verr.h"
#include "xmem.h"

#define ETH_KEY_NONCE	12
#define ETH_KEY_TAG	16
#define ETH_KEY_HEX	64	/* the plaintext: the key in lowercase hex */
#define ETH_KEY_SEALED	(ETH_KEY_NONCE + ETH_KEY_HEX + ETH_KEY_TAG)
#define ETH_KEY_TRIES	64	/* redraws before blaming the generator */

/* 0.2.0 deprecates the SIGN flag; every context can sign there. */
#ifdef SECP256K1_CONTEXT_NONE
#define ETH_KEY_CTX_FLAGS	SECP256K1_CONTEXT_NONE
#else
#define ETH_KEY_CTX_FLAGS	SECP256K1_CONTEXT_SIGN
#endif

static secp256k1_context	*eth_key_ctx;
static pid_t			 eth_key_pid;	/* who randomized eth_key_ctx */

static const char eth_key_digits[] = "0123456789abcdef";

static int
eth_key_internal(struct verr *e, const char *why)
{
	verr_internal(e, "wallet key: %s", why);
	return -1;
}

secp256k1_context *
eth_key_context(struct verr *e)
{
	unsigned char	 seed[32];
	pid_t		 pid = getpid();
	int		 ok;

	if (eth_key_ctx != NULL && eth_key_pid == pid)
		return eth_key_ctx;
	if (eth_key_ctx == NULL &&
	    (eth_key_ctx = secp256k1_context_create(ETH_KEY_CTX_FLAGS)) ==
	    NULL) {
		eth_key_internal(e, "secp256k1_context_create failed");
		return NULL;
	}
	ok = RAND_priv_bytes(seed, sizeof(seed)) == 1 &&
	    secp256k1_context_randomize(eth_key_ctx, seed) == 1;
	OPENSSL_cleanse(seed, sizeof(seed));
	if (!ok) {
		eth_key_internal(e, "cannot randomize secp256k1 context");
		return NULL;
	}
	eth_key_pid = pid;
	return eth_key_ctx;
}

int
eth_key_generate(unsigned char priv[32], struct verr *e)
{
	secp256k1_context	*ctx;
	int			 i;

	if ((ctx = eth_key_context(e)) == NULL)
		return -1;
	for (i = 0; i < ETH_KEY_TRIES; i++) {
		if (RAND_priv_bytes(priv, 32) != 1)
			break;
		if (secp256k1_ec_seckey_verify(ctx, priv) == 1)
			return 0;
	}
	OPENSSL_cleanse(priv, 32);
	return eth_key_internal(e, "random generator failed");
}

void
eth_key_eip55(const unsigned char a[20], char out[ETH_KEY_ADDR_LEN])
{
	unsigned char	 h[KECCAK256_LEN];
	char		*hex = out + 2;
	unsigned int	 nib;
	size_t		 i;

	out[0] = '0';
	out[1] = 'x';
	for (i = 0; i < 20; i++) {
		hex[2 * i] = eth_key_digits[a[i] >> 4];
		hex[2 * i + 1] = eth_key_digits[a[i] & 0xf];
	}
	hex[40] = '\0';
	/* EIP-55: upper-case letter i when nibble i of the hash is >= 8 */
	keccak256(hex, 40, h);
	for (i = 0; i < 40; i++) {
		nib = i % 2 == 0 ? h[i / 2] >> 4 : h[i / 2] & 0xf;
		if (nib >= 8 && hex[i] >= 'a' && hex[i] <= 'f')
			hex[i] = hex[i] - 'a' + 'A';
	}
}

int
eth_key_address(const unsigned char priv[32], char addr[ETH_KEY_ADDR_LEN],
    struct verr *e)
{
	secp256k1_context	*ctx;
	secp256k1_pubkey	 pub;
	unsigned char		 ser[65], h[KECCAK256_LEN];
	size_t			 len = sizeof(ser);

	if ((ctx = eth_key_context(e)) == NULL)
		return -1;
	if (secp256k1_ec_pubkey_create(ctx, &pub, priv) != 1)
		return eth_key_internal(e, "invalid private key");
	secp256k1_ec_pubkey_serialize(ctx, ser, &len, &pub,
	    SECP256K1_EC_UNCOMPRESSED);
	/* ser[0] is the 0x04 prefix, not hashed */
	keccak256(ser + 1, 64, h);
	eth_key_eip55(h + 12, addr);
	return 0;
}

int
eth_key_seal(const unsigned char key[32], const unsigned char priv[32],
    char **out, struct verr *e)
{
	EVP_CIPHER_CTX	*c = NULL;
	unsigned char	 buf[ETH_KEY_SEALED], hex[ETH_KEY_HEX];
	char		*b64 = NULL;
	int		 n, fin, rc = -1;
	size_t		 i;

	*out = NULL;
	for (i = 0; i < 32; i++) {
		hex[2 * i] = eth_key_digits[priv[i] >> 4];
		hex[2 * i + 1] = eth_key_digits[priv[i] & 0xf];
	}
	if (RAND_bytes(buf, ETH_KEY_NONCE) != 1) {
		eth_key_internal(e, "random generator failed");
		goto out;
	}
	/* a GCM context defaults to the 12-byte nonce Go's NewGCM uses */
	if ((c = EVP_CIPHER_CTX_new()) == NULL ||
	    EVP_EncryptInit_ex(c, EVP_aes_256_gcm(), NULL, key, buf) != 1 ||
	    EVP_EncryptUpdate(c, buf + ETH_KEY_NONCE, &n, hex,
	    ETH_KEY_HEX) != 1 ||
	    n != ETH_KEY_HEX ||
	    EVP_EncryptFinal_ex(c, buf + ETH_KEY_NONCE + n, &fin) != 1 ||
	    fin != 0 ||
	    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, ETH_KEY_TAG,
	    buf + ETH_KEY_NONCE + ETH_KEY_HEX) != 1) {
		eth_key_internal(e, "AES-256-GCM encryption failed");
		goto out;
	}
	b64 = xmalloc(4 * ((ETH_KEY_SEALED + 2) / 3) + 1);
	/* standard alphabet, '=' padding, no line breaks */
	EVP_EncodeBlock((unsigned char *)b64, buf, ETH_KEY_SEALED);
	*out = b64;
	rc = 0;
out:
	EVP_CIPHER_CTX_free(c);
	OPENSSL_cleanse(hex, sizeof(hex));
	return rc;
}

static int
eth_key_unhex(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/*
 * Decode strict standard base64 with padding, as Go's StdEncoding writes
 * it, into out (outsz bytes); -1 when malformed or too long.
 * EVP_DecodeBlock() alone would also take white space and count the
 * padding as zero bytes.
 */
static ssize_t
eth_key_unbase64(const char *s, unsigned char *out, size_t outsz)
{
	static const char	 alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t			 len = strlen(s), pad = 0, i, n;
	int			 got;

	if (len == 0 || len % 4 != 0)
		return -1;
	if (s[len - 1] == '=')
		pad = s[len - 2] == '=' ? 2 : 1;
	n = len / 4 * 3 - pad;
	if (len / 4 * 3 > outsz)
		return -1;
	for (i = 0; i < len - pad; i++)
		if (strchr(alpha, s[i]) == NULL)
			return -1;
	got = EVP_DecodeBlock(out, (const unsigned char *)s, (int)len);
	if (got < 0 || (size_t)got != len / 4 * 3)
		return -1;
	return (ssize_t)n;
}

int
eth_key_open(const unsigned char key[32], const char *sealed,
    unsigned char priv[32], struct verr *e)
{
	secp256k1_context	*ctx;
	EVP_CIPHER_CTX		*c = NULL;
	unsigned char		 buf[ETH_KEY_SEALED + 3], pt[ETH_KEY_SEALED];
	unsigned char		*tag, *hex;
	ssize_t			 len;
	int			 n, fin, hi, lo, ptlen, rc = -1;
	size_t			 i;

	memset(priv, 0, 32);
	if ((ctx = eth_key_context(e)) == NULL)
		goto out;
	len = eth_key_unbase64(sealed, buf, sizeof(buf));
	if (len < ETH_KEY_NONCE + ETH_KEY_TAG + 1 || len > ETH_KEY_SEALED) {
		eth_key_internal(e, "sealed key malformed");
		goto out;
	}
	tag = buf + len - ETH_KEY_TAG;
	ptlen = (int)len - ETH_KEY_NONCE - ETH_KEY_TAG;
	if ((c = EVP_CIPHER_CTX_new()) == NULL ||
	    EVP_DecryptInit_ex(c, EVP_aes_256_gcm(), NULL, key, buf) != 1 ||
	    EVP_DecryptUpdate(c, pt, &n, buf + ETH_KEY_NONCE, ptlen) != 1 ||
	    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, ETH_KEY_TAG,
	    tag) != 1) {
		eth_key_internal(e, "AES-256-GCM decryption failed");
		goto out;
	}
	/* the tag decides: a wrong key and tampering look the same */
	if (EVP_DecryptFinal_ex(c, pt + n, &fin) != 1) {
		eth_key_internal(e, "sealed key fails authentication");
		goto out;
	}
	n += fin;
	/* the spec's form is 64 hex digits; tolerate 0x and upper case */
	hex = pt;
	if (n == ETH_KEY_HEX + 2 && hex[0] == '0' &&
	    (hex[1] == 'x' || hex[1] == 'X')) {
		hex += 2;
		n -= 2;
	}
	if (n != ETH_KEY_HEX) {
		eth_key_internal(e, "sealed key has a bad length");
		goto out;
	}
	for (i = 0; i < 32; i++) {
		if ((hi = eth_key_unhex(hex[2 * i])) == -1 ||
		    (lo = eth_key_unhex(hex[2 * i + 1])) == -1) {
			eth_key_internal(e, "sealed key is not hex");
			goto out;
		}
		priv[i] = (unsigned char)(hi << 4 | lo);
	}
	if (secp256k1_ec_seckey_verify(ctx, priv) != 1) {
		eth_key_internal(e, "sealed key out of range");
		goto out;
	}
	rc = 0;
out:
	if (rc == -1)
		OPENSSL_cleanse(priv, 32);
	EVP_CIPHER_CTX_free(c);
	OPENSSL_cleanse(pt, sizeof(pt));
	OPENSSL_cleanse(buf, sizeof(buf));
	return rc;
}
