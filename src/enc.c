/*
 * Byte encodings.  Decoders are strict (canonical input only) because
 * their input is a client's token or cursor: two spellings of the same
 * bytes would let a tampered value pass a comparison made on the text.
 */
#include <string.h>

#include "enc.h"

static const char b64url[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

void
enc_b64url(const void *in, size_t n, char *out)
{
	const unsigned char	*p = in;
	size_t			 i, o = 0;
	unsigned long		 v;

	for (i = 0; i + 2 < n; i += 3) {
		v = (unsigned long)p[i] << 16 | (unsigned long)p[i + 1] << 8 |
		    p[i + 2];
		out[o++] = b64url[v >> 18 & 63];
		out[o++] = b64url[v >> 12 & 63];
		out[o++] = b64url[v >> 6 & 63];
		out[o++] = b64url[v & 63];
	}
	if (n - i == 1) {
		v = (unsigned long)p[i] << 16;
		out[o++] = b64url[v >> 18 & 63];
		out[o++] = b64url[v >> 12 & 63];
	} else if (n - i == 2) {
		v = (unsigned long)p[i] << 16 | (unsigned long)p[i + 1] << 8;
		out[o++] = b64url[v >> 18 & 63];
		out[o++] = b64url[v >> 12 & 63];
		out[o++] = b64url[v >> 6 & 63];
	}
	out[o] = '\0';
}

static int
enc_b64val(int c)
{
	const char	*p;

	if (c == '\0' || (p = strchr(b64url, c)) == NULL)
		return -1;
	return (int)(p - b64url);
}

int
enc_unb64url(const char *in, size_t len, unsigned char *out, size_t outsz,
    size_t *n)
{
	unsigned long	 v = 0;
	size_t		 i, o = 0, bits = 0;
	int		 d;

	if (len % 4 == 1)
		return -1;
	for (i = 0; i < len; i++) {
		if ((d = enc_b64val((unsigned char)in[i])) == -1)
			return -1;
		v = (v << 6 | (unsigned long)d) & 0xffffff;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o == outsz)
				return -1;
			out[o++] = (unsigned char)(v >> bits);
		}
	}
	/* Leftover bits must be zero, or the text is not canonical. */
	if ((v & ((1UL << bits) - 1)) != 0)
		return -1;
	*n = o;
	return 0;
}

void
enc_hex(const void *in, size_t n, char *out)
{
	static const char	 hex[] = "0123456789abcdef";
	const unsigned char	*p = in;
	size_t			 i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hex[p[i] >> 4];
		out[2 * i + 1] = hex[p[i] & 15];
	}
	out[2 * n] = '\0';
}

int
enc_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
enc_unhex(const char *in, unsigned char *out, size_t n)
{
	size_t	 i;
	int	 hi, lo;

	if (strlen(in) != 2 * n)
		return -1;
	for (i = 0; i < n; i++) {
		if ((hi = enc_hexval((unsigned char)in[2 * i])) == -1 ||
		    (lo = enc_hexval((unsigned char)in[2 * i + 1])) == -1)
			return -1;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

int
enc_is_oid(const char *s)
{
	unsigned char	 b[12];

	return s != NULL && enc_unhex(s, b, sizeof(b)) == 0;
}
