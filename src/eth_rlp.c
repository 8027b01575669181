/*
 * RLP encoding for signed Ethereum transactions.  A byte string is
 * itself when it is one byte below 0x80, else 0x80 + length followed by
 * the bytes when shorter than 56, else 0xb7 + the length of the
 * big-endian length, the length and the bytes; lists use 0xc0 and 0xf7
 * the same way over the concatenated encodings of their items.  The
 * length of a list is known only at its end, so eth_rlp_list_begin() records
 * where the payload starts and eth_rlp_list_end() moves the payload up by
 * the size of the header it then writes in front: a few memmove()s over
 * buffers of kilobytes beat a second, measuring pass.  The buffer grows
 * by doubling up to the ceiling the caller gives.
 */
#include <stdlib.h>
#include <string.h>

#include "eth_rlp.h"
#include "xmem.h"

void
eth_rlp_init(struct eth_rlp *r, size_t max)
{
	memset(r, 0, sizeof(*r));
	r->r_max = max;
}

void
eth_rlp_free(struct eth_rlp *r)
{
	if (r == NULL)
		return;
	free(r->r_buf);
	r->r_buf = NULL;
	r->r_len = r->r_cap = 0;
}

static int
eth_rlp_fail(struct eth_rlp *r)
{
	r->r_err = 1;
	return -1;
}

/* Make room for n more bytes. */
static int
eth_rlp_reserve(struct eth_rlp *r, size_t n)
{
	size_t		 cap;

	if (r->r_err)
		return -1;
	if (n > r->r_max || r->r_len > r->r_max - n)
		return eth_rlp_fail(r);
	if (r->r_len + n <= r->r_cap)
		return 0;
	cap = r->r_cap == 0 ? 64 : r->r_cap;
	while (cap < r->r_len + n)
		cap = cap > r->r_max / 2 ? r->r_max : cap * 2;
	r->r_buf = xreallocarray(r->r_buf, cap, 1);
	r->r_cap = cap;
	return 0;
}

/* Bytes of the minimal big-endian form of len. */
static size_t
eth_rlp_lenlen(size_t len)
{
	size_t	 n = 0;

	while (len > 0) {
		n++;
		len >>= 8;
	}
	return n;
}

/*
 * Write the header of an item of len payload bytes into h (at most 9
 * bytes) for the short form base 0x80 (strings) or 0xc0 (lists); returns
 * its size.
 */
static size_t
eth_rlp_header(unsigned char *h, unsigned char base, size_t len)
{
	size_t	 n, i;

	if (len < 56) {
		h[0] = (unsigned char)(base + len);
		return 1;
	}
	n = eth_rlp_lenlen(len);
	h[0] = (unsigned char)(base + 55 + n);
	for (i = 0; i < n; i++)
		h[n - i] = (unsigned char)(len >> (8 * i));
	return n + 1;
}

int
eth_rlp_bytes(struct eth_rlp *r, const void *p, size_t len)
{
	unsigned char	 h[9];
	size_t		 hl;

	if (len == 1 && *(const unsigned char *)p < 0x80)
		return eth_rlp_raw(r, p, 1);
	hl = eth_rlp_header(h, 0x80, len);
	if (eth_rlp_reserve(r, hl + len) == -1)
		return -1;
	memcpy(r->r_buf + r->r_len, h, hl);
	if (len > 0)
		memcpy(r->r_buf + r->r_len + hl, p, len);
	r->r_len += hl + len;
	return 0;
}

int
eth_rlp_uint(struct eth_rlp *r, const unsigned char *be, size_t n)
{
	while (n > 0 && *be == 0) {
		be++;
		n--;
	}
	return eth_rlp_bytes(r, be, n);
}

int
eth_rlp_uint64(struct eth_rlp *r, uint64_t v)
{
	unsigned char	 be[8];
	size_t		 i;

	for (i = 0; i < 8; i++)
		be[7 - i] = (unsigned char)(v >> (8 * i));
	return eth_rlp_uint(r, be, sizeof(be));
}

int
eth_rlp_raw(struct eth_rlp *r, const void *p, size_t len)
{
	if (eth_rlp_reserve(r, len) == -1)
		return -1;
	if (len > 0)
		memcpy(r->r_buf + r->r_len, p, len);
	r->r_len += len;
	return 0;
}

int
eth_rlp_list_begin(struct eth_rlp *r)
{
	if (r->r_err)
		return -1;
	if (r->r_depth == ETH_RLP_DEPTH)
		return eth_rlp_fail(r);
	r->r_open[r->r_depth++] = r->r_len;
	return 0;
}

int
eth_rlp_list_end(struct eth_rlp *r)
{
	unsigned char	 h[9];
	size_t		 off, len, hl;

	if (r->r_err)
		return -1;
	if (r->r_depth == 0)
		return eth_rlp_fail(r);
	off = r->r_open[--r->r_depth];
	len = r->r_len - off;
	hl = eth_rlp_header(h, 0xc0, len);
	if (eth_rlp_reserve(r, hl) == -1)
		return -1;
	if (len > 0)
		memmove(r->r_buf + off + hl, r->r_buf + off, len);
	memcpy(r->r_buf + off, h, hl);
	r->r_len += hl;
	return 0;
}

int
eth_rlp_finish(struct eth_rlp *r, unsigned char **out, size_t *len)
{
	*out = NULL;
	*len = 0;
	if (r->r_err || r->r_depth != 0) {
		eth_rlp_free(r);
		return -1;
	}
	/* an empty encoding still hands out a buffer the caller frees */
	if (r->r_buf == NULL)
		r->r_buf = xmalloc(1);
	*out = r->r_buf;
	*len = r->r_len;
	r->r_buf = NULL;
	r->r_len = r->r_cap = 0;
	return 0;
}
