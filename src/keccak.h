/*
 * Keccak-256 as Ethereum uses it: the original Keccak submission's padding
 * (0x01 ... 0x80), not the 0x06 of FIPS 202 SHA3-256, which OpenSSL 3.0
 * offers instead.
 */
#ifndef KECCAK_H
#define KECCAK_H

#include <stddef.h>
#include <stdint.h>

#define KECCAK256_LEN	32

struct keccak_ctx {
	uint64_t	 kc_st[25];	/* the 1600-bit state, lanes */
	size_t		 kc_pos;	/* bytes absorbed into this block */
};

/* Start a Keccak-256 computation in ctx; cannot fail. */
void	keccak_init(struct keccak_ctx *ctx);

/* Absorb len bytes of data; may be called any number of times. */
void	keccak_update(struct keccak_ctx *ctx, const void *data, size_t len);

/*
 * Write the 32-byte digest to out and wipe ctx, which needs keccak_init()
 * before it is used again.
 */
void	keccak_final(struct keccak_ctx *ctx, unsigned char out[32]);

/* Write the Keccak-256 digest of len bytes of data to out. */
void	keccak256(const void *data, size_t len, unsigned char out[32]);

#endif
