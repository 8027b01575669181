/*
 * BlurHash: deterministic images made here, compared with the hashes
 * the Python port of the reference algorithm (PyPI `blurhash' 1.1.5,
 * blurhash.encode(image, x, y)) printed for the same pixels, at 4x3,
 * 1x1 and 9x9 components.  The reference's own test image (pic1.png)
 * is not in the tree.
 */
#include <stdio.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "blurhash.h"
#include "unit.h"
#include "xmem.h"

enum { IMG_A, IMG_B, IMG_C };

/* Pixel (x, y) of test image `which'. */
static void
pixel(int which, int x, int y, unsigned char *px)
{
	switch (which) {
	case IMG_A:
		px[0] = (x * 7 + y * 3) % 256;
		px[1] = (x * y * 5) % 256;
		px[2] = (255 - x * 8 + 256) % 256;
		break;
	case IMG_B:
		px[0] = (x / 3 + y / 3) % 2 ? 255 : 0;
		px[1] = 128;
		px[2] = (x * 15) % 256;
		break;
	default:
		px[0] = 200;
		px[1] = 100;
		px[2] = 50;
		break;
	}
}

/* The hash of image `which' (w x h, rows padded to show stride use). */
static int
hash(int which, int w, int h, int nx, int ny, char *out)
{
	size_t		 stride = (size_t)w * 3 + 5;
	unsigned char	*b = xcalloc(h, stride);
	int		 x, y, n;

	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++)
			pixel(which, x, y, b + y * stride + x * 3);
	n = blurhash_encode(b, w, h, stride, nx, ny, out);
	free(b);
	return n;
}

static void
test_reference(void)
{
	static const struct {
		int		 which, w, h, nx, ny;
		const char	*want;
	} c[] = {
		{ IMG_A, 32, 24, 4, 3, "L.Hn,DAhV~sFWFR.r]S4RmnkWWo1" },
		{ IMG_A, 32, 24, 1, 1, "00Hn,D" },
		{ IMG_A, 32, 24, 9, 9, "|.Hn,DAhV~sFR:r_R:sEWZWFR.r]S4sCWXn+bH"
		    "bHRmnkWWo1bGkAkAWWodn,a$f8j[bHoLW;oLW;aNazj@bZj@bGkAazjan,"
		    "a~bHj[a}j[a#f8jbagfQj@bGj@azf7jaagnma$baj[bHjbahfkf8agfjj@"
		    "a|jaazjaf7fj" },
		{ IMG_B, 17, 9, 4, 3, "LtLVIToUWtkB$+j;fRj@SMN]SMJl" },
		{ IMG_B, 17, 9, 1, 1, "00LVIT" },
		{ IMG_C, 1, 1, 4, 3, "L~M|T9}=}=}=}=}=}=}=}=}=}=}=" },
	};
	char	 out[BLURHASH_MAX];
	size_t	 i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		CU_ASSERT_EQUAL(hash(c[i].which, c[i].w, c[i].h, c[i].nx,
		    c[i].ny, out), (int)strlen(c[i].want));
		CU_ASSERT_STRING_EQUAL(out, c[i].want);
	}
}

static void
test_bounds(void)
{
	unsigned char	 px[3] = { 1, 2, 3 };
	char		 out[BLURHASH_MAX];

	CU_ASSERT_EQUAL(blurhash_encode(px, 1, 1, 3, 0, 3, out), -1);
	CU_ASSERT_EQUAL(blurhash_encode(px, 1, 1, 3, 4, 10, out), -1);
	CU_ASSERT_EQUAL(blurhash_encode(px, 0, 1, 3, 4, 3, out), -1);
	CU_ASSERT_EQUAL(blurhash_encode(px, 1, 1, 3, 4, 3, out), 28);
}

void
test_blurhash_suite(void)
{
	CU_pSuite	 s;

	if ((s = CU_add_suite("blurhash", NULL, NULL)) == NULL)
		abort();
	UNIT_ADD(s, "reference values", test_reference);
	UNIT_ADD(s, "component and size bounds", test_bounds);
}
