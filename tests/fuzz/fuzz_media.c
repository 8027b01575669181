/*
 * Media type detection of uploads (JPEG, PNG, GIF, WebP, MP4,
 * QuickTime) on the first bytes of a file.  Oracle: a detected type has
 * its strings set.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "media.h"

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct media_type	 mt;

	memset(&mt, 0, sizeof(mt));
	if (media_detect(d, n, &mt) == 0 && mt.mime == NULL)
		abort();
	return 0;
}
