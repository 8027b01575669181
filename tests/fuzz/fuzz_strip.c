/*
 * Metadata removal (strip.c), every parser: the first byte picks the
 * format, the second seeds the sizes of the reads (1 to 300 bytes, at
 * random), the rest is the file.  Oracle: the verdict and the output do
 * not depend on how the reads are cut (compared with one whole read);
 * a refusal is 415 or nothing; an accepted file grows by at most the
 * minimal Exif segment; and stripping the output again changes nothing.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "media.h"
#include "memstrip.h"
#include "verr.h"

/* The start of a file of each type, for media_detect(). */
static const struct {
	const char	*b;
	size_t		 n;
} magic[] = {
	{ "\xff\xd8\xff", 3 },
	{ "\x89PNG\r\n\x1a\n", 8 },
	{ "GIF89a", 6 },
	{ "RIFF\0\0\0\0WEBP", 12 },
	{ "\0\0\0\0ftypqt  ", 12 },
	{ "\0\0\0\0ftypisom", 12 },
};

/* Strip n bytes at d into m: 0, or the failure's status (415 only). */
static int
fz_strip(const struct media_type *t, struct memstrip *m, const void *d,
    size_t n)
{
	struct verr	 e;

	verr_init(&e);
	if (memstrip_run(m, t, d, n, &e) == 0)
		return 0;
	if (e.status != 415)
		abort();
	return e.status;
}

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct media_type	 t;
	struct memstrip		 a, b, c;
	size_t			 k;
	int			 ra, rb;

	if (n < 2)
		return 0;
	k = d[0] % (sizeof(magic) / sizeof(magic[0]));
	if (media_detect((const unsigned char *)magic[k].b, magic[k].n,
	    &t) == -1)
		abort();
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	memset(&c, 0, sizeof(c));
	a.rnd = d[1] | 0x100;
	ra = fz_strip(&t, &a, d + 2, n - 2);
	rb = fz_strip(&t, &b, d + 2, n - 2);
	if (ra != rb || (ra == 0 && (a.olen != b.olen ||
	    (a.olen > 0 && memcmp(a.out, b.out, a.olen) != 0))))
		abort();
	if (ra == 0) {
		if (a.olen > n - 2 + 36)
			abort();
		c.rnd = d[1] | 0x200;
		if (fz_strip(&t, &c, a.out, a.olen) != 0 || c.olen != a.olen ||
		    (c.olen > 0 && memcmp(c.out, a.out, c.olen) != 0))
			abort();
	}
	free(a.out);
	free(b.out);
	free(c.out);
	return 0;
}
