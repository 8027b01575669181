/* A struct http_io over memory (memio.h). */
#include <string.h>

#include "memio.h"

const char *
mem_getparam(void *ctx, const char *name)
{
	struct mem	*m = ctx;
	size_t		 i;

	for (i = 0; m->params[i] != NULL; i += 2)
		if (strcmp(m->params[i], name) == 0)
			return m->params[i + 1];
	return NULL;
}

long
mem_read(void *ctx, char *buf, size_t n)
{
	struct mem	*m = ctx;

	if (n > m->len - m->off)
		n = m->len - m->off;
	if (m->chunk > 0 && n > m->chunk)
		n = m->chunk;
	memcpy(buf, m->body + m->off, n);
	m->off += n;
	return (long)n;
}
