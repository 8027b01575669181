/*
 * 256-bit unsigned arithmetic on 32 big-endian bytes, a byte at a time
 * from the low end with the carry in an unsigned int: values here are
 * parsed or added a few times per request, so clarity beats speed.
 * Decimal text is read by multiplying by ten and adding each digit, the
 * overflow showing as a carry out of the top byte.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "enc.h"
#include "u256.h"

int
u256_from_hex(const char *s, size_t len, unsigned char v[U256_LEN])
{
	size_t	 i, n;
	int	 d;

	memset(v, 0, U256_LEN);
	if (len == 0)
		return -1;
	while (len > 1 && *s == '0') {
		s++;
		len--;
	}
	if (len > 2 * U256_LEN)
		return -2;
	/* right-align the digits, a half byte at a time */
	for (i = 0, n = 2 * U256_LEN - len; i < len; i++, n++) {
		if ((d = enc_hexval((unsigned char)s[i])) == -1)
			return -1;
		v[n / 2] |= (unsigned char)(n % 2 ? d : d << 4);
	}
	return 0;
}

int
u256_from_dec(const char *s, size_t len, unsigned char v[U256_LEN])
{
	unsigned int	 c;
	size_t		 i;
	int		 j;

	memset(v, 0, U256_LEN);
	if (len == 0)
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		/* v = v * 10 + digit */
		c = (unsigned int)(s[i] - '0');
		for (j = U256_LEN - 1; j >= 0; j--) {
			c += v[j] * 10U;
			v[j] = (unsigned char)c;
			c >>= 8;
		}
		if (c != 0)
			return -2;
	}
	return 0;
}

void
u256_from_u64(uint64_t n, unsigned char v[U256_LEN])
{
	int	 i;

	memset(v, 0, U256_LEN);
	for (i = 0; i < 8; i++)
		v[U256_LEN - 1 - i] = (unsigned char)(n >> (8 * i));
}

int
u256_to_u64(const unsigned char v[U256_LEN], uint64_t *n)
{
	uint64_t	 x = 0;
	size_t		 i;

	for (i = 0; i < U256_LEN - 8; i++)
		if (v[i] != 0)
			return -1;
	for (; i < U256_LEN; i++)
		x = x << 8 | v[i];
	if (n != NULL)
		*n = x;
	return 0;
}

void
u256_to_qhex(const unsigned char v[U256_LEN], char out[U256_QHEX_LEN])
{
	char	 full[2 * U256_LEN + 1];
	size_t	 i;

	enc_hex(v, U256_LEN, full);
	for (i = 0; i < 2 * U256_LEN - 1 && full[i] == '0'; i++)
		continue;
	snprintf(out, U256_QHEX_LEN, "0x%s", full + i);
}

int
u256_is_zero(const unsigned char v[U256_LEN])
{
	size_t	 i;

	for (i = 0; i < U256_LEN; i++)
		if (v[i] != 0)
			return 0;
	return 1;
}

int
u256_cmp(const unsigned char a[U256_LEN], const unsigned char b[U256_LEN])
{
	return memcmp(a, b, U256_LEN);
}

int
u256_add(const unsigned char a[U256_LEN], const unsigned char b[U256_LEN],
    unsigned char out[U256_LEN])
{
	unsigned int	 c = 0;
	int		 i;

	for (i = U256_LEN - 1; i >= 0; i--) {
		c += (unsigned int)a[i] + b[i];
		out[i] = (unsigned char)c;
		c >>= 8;
	}
	return c != 0 ? -1 : 0;
}

int
u256_sub(const unsigned char a[U256_LEN], const unsigned char b[U256_LEN],
    unsigned char out[U256_LEN])
{
	unsigned int	 borrow = 0, x;
	int		 i;

	for (i = U256_LEN - 1; i >= 0; i--) {
		x = (unsigned int)a[i] - b[i] - borrow;
		out[i] = (unsigned char)x;
		borrow = (x >> 8) & 1;
	}
	return borrow != 0 ? -1 : 0;
}
