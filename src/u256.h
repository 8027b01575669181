/*
 * Unsigned 256-bit integers, as Ethereum quantities are: 32 bytes,
 * big-endian, so that a value is also its RLP and ABI byte string and
 * two values compare with memcmp().  Only what the wallet needs.
 */
#ifndef U256_H
#define U256_H

#include <stddef.h>
#include <stdint.h>

#define U256_LEN	32
#define U256_QHEX_LEN	67	/* "0x", up to 64 digits, NUL */

/*
 * Parse len characters of hex digits (no "0x") into v.  Leading zeros
 * are allowed.  0, -1 when s is empty or has a non-hex character, -2
 * when more than 64 digits remain after the leading zeros (checked
 * first); v is then unspecified.
 */
int	u256_from_hex(const char *s, size_t len, unsigned char v[U256_LEN]);

/*
 * Parse len decimal digits into v, leading zeros allowed.  0, -1 when s
 * is empty or has a non-digit, -2 when the value exceeds 2^256 - 1;
 * whichever the digits show first.  v is then unspecified.
 */
int	u256_from_dec(const char *s, size_t len, unsigned char v[U256_LEN]);

/* Set v to n. */
void	u256_from_u64(uint64_t n, unsigned char v[U256_LEN]);

/* *n = v (n may be NULL); -1 when v is 2^64 or more. */
int	u256_to_u64(const unsigned char v[U256_LEN], uint64_t *n);

/*
 * Write v as a JSON-RPC quantity: "0x" and the hex digits without
 * leading zeros, "0x0" for zero.
 */
void	u256_to_qhex(const unsigned char v[U256_LEN], char out[U256_QHEX_LEN]);

/* Is v zero? */
int	u256_is_zero(const unsigned char v[U256_LEN]);

/* <0, 0 or >0 as a is below, equal to or above b. */
int	u256_cmp(const unsigned char a[U256_LEN],
	    const unsigned char b[U256_LEN]);

/*
 * out = a + b modulo 2^256; out may be a or b.  0, -1 when the sum
 * overflowed (the carry out of the top bit).
 */
int	u256_add(const unsigned char a[U256_LEN],
	    const unsigned char b[U256_LEN], unsigned char out[U256_LEN]);

/*
 * out = a - b modulo 2^256 (two's complement when b > a); out may be a
 * or b.  0, -1 when it borrowed (b > a).
 */
int	u256_sub(const unsigned char a[U256_LEN],
	    const unsigned char b[U256_LEN], unsigned char out[U256_LEN]);

#endif
