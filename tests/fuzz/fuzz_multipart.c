/*
 * Multipart bodies as POST /posts and /stories read them: the first
 * line is the Content-Type, the rest the body, streamed in chunks whose
 * sizes follow a generator seeded from the body, so one input covers
 * many splits of the same bytes.  A parsed form's media head goes
 * through media type detection.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "media.h"
#include "multipart.h"
#include "verr.h"

struct feed {
	const char	*p;
	size_t		 len, off;
	uint32_t	 seed;
};

static long
feed_read(void *ctx, char *buf, size_t n)
{
	struct feed	*f = ctx;
	size_t		 k;

	f->seed = f->seed * 1103515245 + 12345;
	k = 1 + (f->seed >> 16) % 97;
	if (k > n)
		k = n;
	if (k > f->len - f->off)
		k = f->len - f->off;
	memcpy(buf, f->p + f->off, k);
	f->off += k;
	return (long)k;
}

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct mp_limits	 lim;
	struct mp_form		 form;
	struct media_type	 mt;
	struct feed		 f;
	struct verr		 e;
	char			 ctype[256];
	const char		*nl;
	size_t			 i;

	if ((nl = memchr(d, '\n', n)) == NULL ||
	    (size_t)(nl - (const char *)d) >= sizeof(ctype))
		return 0;
	memcpy(ctype, d, (size_t)(nl - (const char *)d));
	ctype[nl - (const char *)d] = '\0';
	memset(&f, 0, sizeof(f));
	f.p = nl + 1;
	f.len = n - (size_t)(f.p - (const char *)d);
	for (i = 0; i < f.len && i < 16; i++)
		f.seed = f.seed * 31 + (unsigned char)f.p[i];
	memset(&lim, 0, sizeof(lim));
	lim.media_max = 64 << 10;
	lim.body_max = 128 << 10;
	lim.media_only = f.seed & 1;
	verr_init(&e);
	if (mp_form_read(&form, ctype, feed_read, &f, &lim, &e) == 0) {
		if (form.fd == -1)
			abort();
		(void)media_detect(form.head, form.head_len, &mt);
	} else if (e.status < 400 || e.status > 500)
		abort();
	mp_form_free(&form);
	return 0;
}
