/*
 * strip_media() over memory: see memstrip.h.
 */
#include <stdlib.h>
#include <string.h>

#include "memstrip.h"
#include "strip.h"
#include "verr.h"

static long
memstrip_read(void *ctx, void *p, size_t n, struct verr *e)
{
	struct memstrip	*m = ctx;
	size_t		 most;

	(void)e;
	if (m->chunk != 0 && n > m->chunk)
		n = m->chunk;
	if (m->rnd != 0) {
		m->rnd = m->rnd * 1103515245U + 12345U;
		most = 1 + (m->rnd >> 16) % 300;
		if (n > most)
			n = most;
	}
	if (n > m->len - m->off)
		n = m->len - m->off;
	if (n == 0)
		return 0;
	memcpy(p, m->in + m->off, n);
	m->off += n;
	return (long)n;
}

static int
memstrip_write(void *ctx, const void *p, size_t n, struct verr *e)
{
	struct memstrip	*m = ctx;

	(void)e;
	if (m->olen + n > m->ocap) {
		m->ocap = (m->olen + n) * 2;
		if ((m->out = realloc(m->out, m->ocap)) == NULL)
			abort();
	}
	memcpy(m->out + m->olen, p, n);
	m->olen += n;
	return 0;
}

static int
memstrip_patch(void *ctx, uint64_t off, const void *p, size_t n,
    struct verr *e)
{
	struct memstrip	*m = ctx;

	(void)e;
	if (off > m->olen || n > m->olen - off)
		abort();
	memcpy(m->out + off, p, n);
	return 0;
}

int
memstrip_run(struct memstrip *m, const struct media_type *t, const void *in,
    size_t n, struct verr *e)
{
	struct strip_src	 src = { memstrip_read, m };
	struct strip_sink	 sink = { memstrip_write, memstrip_patch, m };
	uint64_t		 len;
	int			 rc;

	m->in = in;
	m->len = n;
	m->off = 0;
	m->out = NULL;
	m->olen = m->ocap = 0;
	rc = strip_media(t, &src, &sink, &len, e);
	if (rc == 0 && len != m->olen)
		abort();
	return rc;
}
