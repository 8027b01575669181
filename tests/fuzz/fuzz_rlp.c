/*
 * The RLP encoder driven by the input as a program: each byte is an
 * operation (string, integer, raw, list begin/end) taking its operands
 * from the bytes that follow, under a small output ceiling, so the
 * ceiling, depth and length-prefix paths are all reached.
 */
#include <stdint.h>
#include <stdlib.h>

#include "eth_rlp.h"

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct eth_rlp	 r;
	unsigned char	*out;
	size_t		 i = 0, k, len;
	uint64_t	 v;

	if (n < 2)
		return 0;
	eth_rlp_init(&r, (size_t)d[0] << 4);
	for (i = 1; i < n; i++) {
		k = d[i] >> 3;
		len = k > n - i - 1 ? n - i - 1 : k;
		switch (d[i] & 7) {
		case 0:
			(void)eth_rlp_bytes(&r, d + i + 1, len);
			i += len;
			break;
		case 1:
			(void)eth_rlp_uint(&r, d + i + 1, len > 32 ? 32 : len);
			i += len > 32 ? 32 : len;
			break;
		case 2:
			for (v = 0, k = 0; k < 8 && i + 1 < n; k++)
				v = v << 8 | d[++i];
			(void)eth_rlp_uint64(&r, v);
			break;
		case 3:
			(void)eth_rlp_raw(&r, d + i + 1, len);
			i += len;
			break;
		case 4:
		case 5:
			(void)eth_rlp_list_begin(&r);
			break;
		default:
			(void)eth_rlp_list_end(&r);
			break;
		}
	}
	/* Releases r whether it succeeds or not. */
	if (eth_rlp_finish(&r, &out, &len) == 0)
		free(out);
	return 0;
}
