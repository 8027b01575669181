/*
 * BlurHash (https://blurha.sh, woltapp/blurhash): a short string that
 * clients draw as a blurred placeholder while the media loads.
 */
#ifndef BLURHASH_H
#define BLURHASH_H

#include <stddef.h>

/* Longest hash: 9x9 components. */
#define BLURHASH_MAX	(2 + 4 + 80 * 2 + 1)

/*
 * The BlurHash of the w x h sRGB image `rgb' (3 bytes a pixel, rows of
 * `stride' bytes) with nx x ny components (1..9 each) into out, NUL
 * terminated, exactly as the reference encoder computes it: sRGB to
 * linear, cosine basis, quantisation, base 83.  Returns the length
 * (4 + 2 * nx * ny), or -1 for components or dimensions out of range.
 */
int	blurhash_encode(const unsigned char *rgb, int w, int h, size_t stride,
	    int nx, int ny, char out[BLURHASH_MAX]);

#endif
