/*
 * BlurHash encoder, after the reference C encoder of woltapp/blurhash
 * (encode.c) with double precision throughout as in its other ports.
 * The cosines are tabled per axis and the sRGB to linear conversion per
 * byte value, so an image costs nx * ny multiply-adds a pixel.
 */
#include <math.h>
#include <stdlib.h>

#include "blurhash.h"
#include "xmem.h"

static const char bh_digits[] =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    "#$%*+,-.:;=?@[]^_{|}~";

static double
bh_to_linear(int v)
{
	double	 f = v / 255.0;

	return f <= 0.04045 ? f / 12.92 : pow((f + 0.055) / 1.055, 2.4);
}

static int
bh_to_srgb(double v)
{
	v = fmax(0, fmin(1, v));
	if (v <= 0.0031308)
		return (int)(v * 12.92 * 255 + 0.5);
	return (int)((1.055 * pow(v, 1 / 2.4) - 0.055) * 255 + 0.5);
}

/* Write `len' base 83 digits of v at p; returns the end. */
static char *
bh_base83(int v, int len, char *p)
{
	int	 div = 1, i;

	for (i = 1; i < len; i++)
		div *= 83;
	for (i = 0; i < len; i++) {
		*p++ = bh_digits[(v / div) % 83];
		div /= 83;
	}
	return p;
}

static int
bh_quant_ac(double v, double max)
{
	double	 s = v / max;

	s = copysign(pow(fabs(s), 0.5), s);
	return (int)fmax(0, fmin(18, floor(s * 9 + 9.5)));
}

int
blurhash_encode(const unsigned char *rgb, int w, int h, size_t stride,
    int nx, int ny, char out[BLURHASH_MAX])
{
	double		 lin[256], f[81][3], *cx, *cy, max, norm, b, acmax = 0;
	const unsigned char *px;
	char		*p = out;
	int		 i, j, x, y, k, q;

	if (nx < 1 || nx > 9 || ny < 1 || ny > 9 || w < 1 || h < 1)
		return -1;
	for (i = 0; i < 256; i++)
		lin[i] = bh_to_linear(i);
	cx = xcalloc((size_t)w * nx, sizeof(*cx));
	cy = xcalloc((size_t)h * ny, sizeof(*cy));
	for (i = 0; i < nx; i++)
		for (x = 0; x < w; x++)
			cx[i * w + x] = cos(M_PI * i * x / w);
	for (j = 0; j < ny; j++)
		for (y = 0; y < h; y++)
			cy[j * h + y] = cos(M_PI * j * y / h);
	for (j = 0; j < ny; j++)
		for (i = 0; i < nx; i++) {
			k = j * nx + i;
			f[k][0] = f[k][1] = f[k][2] = 0;
			for (y = 0; y < h; y++) {
				px = rgb + (size_t)y * stride;
				for (x = 0; x < w; x++, px += 3) {
					b = cx[i * w + x] * cy[j * h + y];
					f[k][0] += b * lin[px[0]];
					f[k][1] += b * lin[px[1]];
					f[k][2] += b * lin[px[2]];
				}
			}
			norm = (k == 0 ? 1.0 : 2.0) / ((double)w * h);
			for (q = 0; q < 3; q++) {
				f[k][q] *= norm;
				if (k > 0)
					acmax = fmax(acmax, fabs(f[k][q]));
			}
		}
	free(cx);
	free(cy);
	p = bh_base83((nx - 1) + (ny - 1) * 9, 1, p);
	if (nx * ny > 1) {
		q = (int)fmax(0, fmin(82, floor(acmax * 166 - 0.5)));
		max = (q + 1) / 166.0;
	} else {
		q = 0;
		max = 1;
	}
	p = bh_base83(q, 1, p);
	p = bh_base83((bh_to_srgb(f[0][0]) << 16) +
	    (bh_to_srgb(f[0][1]) << 8) + bh_to_srgb(f[0][2]), 4, p);
	for (k = 1; k < nx * ny; k++)
		p = bh_base83(bh_quant_ac(f[k][0], max) * 19 * 19 +
		    bh_quant_ac(f[k][1], max) * 19 +
		    bh_quant_ac(f[k][2], max), 2, p);
	*p = '\0';
	return (int)(p - out);
}
