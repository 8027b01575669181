/*
 * Keccak-256, the hash Ethereum uses for addresses, EIP-55 checksums,
 * EIP-712 and transaction hashes.  It is the Keccak[c=512] sponge of the
 * SHA-3 competition with its original multi-rate padding (first pad byte
 * 0x01); FIPS 202 later changed that byte to 0x06, so SHA3-256 gives
 * different digests and OpenSSL 3.0's EVP cannot stand in.  The state is
 * kept as 25 little-endian 64-bit lanes and bytes are XORed in one at a
 * time, which is endian-neutral and fast enough for the short inputs the
 * service hashes.  The permutation follows the Keccak reference
 * (keccak.team, "Keccak-f[1600]"): theta, rho and pi combined, chi, iota.
 */
#include <string.h>

#include "keccak.h"

#define KECCAK_RATE	136	/* (1600 - 2 * 256) / 8 bytes per block */
#define KECCAK_ROUNDS	24
#define ROTL64(x, n)	(((x) << (n)) | ((x) >> (64 - (n))))

static const uint64_t keccak_rc[KECCAK_ROUNDS] = {
	0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808aULL,
	0x8000000080008000ULL, 0x000000000000808bULL, 0x0000000080000001ULL,
	0x8000000080008081ULL, 0x8000000000008009ULL, 0x000000000000008aULL,
	0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000aULL,
	0x000000008000808bULL, 0x800000000000008bULL, 0x8000000000008089ULL,
	0x8000000000008003ULL, 0x8000000000008002ULL, 0x8000000000000080ULL,
	0x000000000000800aULL, 0x800000008000000aULL, 0x8000000080008081ULL,
	0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL,
};

/* rho offsets and pi destinations, walked along pi's single cycle */
static const unsigned int keccak_rotc[24] = {
	1, 3, 6, 10, 15, 21, 28, 36, 45, 55, 2, 14,
	27, 41, 56, 8, 25, 43, 62, 18, 39, 61, 20, 44,
};
static const unsigned int keccak_piln[24] = {
	10, 7, 11, 17, 18, 3, 5, 16, 8, 21, 24, 4,
	15, 23, 19, 13, 12, 2, 20, 14, 22, 9, 6, 1,
};

static void
keccak_f1600(uint64_t st[25])
{
	uint64_t	 bc[5], t;
	unsigned int	 r, i, j;

	for (r = 0; r < KECCAK_ROUNDS; r++) {
		/* theta */
		for (i = 0; i < 5; i++)
			bc[i] = st[i] ^ st[i + 5] ^ st[i + 10] ^
			    st[i + 15] ^ st[i + 20];
		for (i = 0; i < 5; i++) {
			t = bc[(i + 4) % 5] ^ ROTL64(bc[(i + 1) % 5], 1);
			for (j = 0; j < 25; j += 5)
				st[j + i] ^= t;
		}
		/* rho and pi */
		t = st[1];
		for (i = 0; i < 24; i++) {
			j = keccak_piln[i];
			bc[0] = st[j];
			st[j] = ROTL64(t, keccak_rotc[i]);
			t = bc[0];
		}
		/* chi */
		for (j = 0; j < 25; j += 5) {
			for (i = 0; i < 5; i++)
				bc[i] = st[j + i];
			for (i = 0; i < 5; i++)
				st[j + i] ^= ~bc[(i + 1) % 5] & bc[(i + 2) % 5];
		}
		/* iota */
		st[0] ^= keccak_rc[r];
	}
}

static void
keccak_xorbyte(struct keccak_ctx *ctx, size_t i, unsigned char b)
{
	ctx->kc_st[i / 8] ^= (uint64_t)b << (8 * (i % 8));
}

void
keccak_init(struct keccak_ctx *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
}

void
keccak_update(struct keccak_ctx *ctx, const void *data, size_t len)
{
	const unsigned char	*p = data;
	size_t			 i;

	for (i = 0; i < len; i++) {
		keccak_xorbyte(ctx, ctx->kc_pos++, p[i]);
		if (ctx->kc_pos == KECCAK_RATE) {
			keccak_f1600(ctx->kc_st);
			ctx->kc_pos = 0;
		}
	}
}

void
keccak_final(struct keccak_ctx *ctx, unsigned char out[32])
{
	size_t	 i;

	/* pad10*1; both bits land in one byte when kc_pos is RATE - 1 */
	keccak_xorbyte(ctx, ctx->kc_pos, 0x01);
	keccak_xorbyte(ctx, KECCAK_RATE - 1, 0x80);
	keccak_f1600(ctx->kc_st);
	for (i = 0; i < KECCAK256_LEN; i++)
		out[i] = (unsigned char)(ctx->kc_st[i / 8] >> (8 * (i % 8)));
	/* the input may have been secret; leave nothing of it behind */
	explicit_bzero(ctx, sizeof(*ctx));
}

void
keccak256(const void *data, size_t len, unsigned char out[32])
{
	struct keccak_ctx	 ctx;

	keccak_init(&ctx);
	keccak_update(&ctx, data, len);
	keccak_final(&ctx, out);
}
