/*
 * strip_media() over memory, for the unit tests and the fuzz target:
 * the file read in chunks of a fixed or random size, the result
 * appended to a growing buffer.
 */
#ifndef MEMSTRIP_H
#define MEMSTRIP_H

#include <stddef.h>
#include <stdint.h>

struct media_type;
struct verr;

struct memstrip {
	const unsigned char	*in;
	size_t			 len, off;
	size_t			 chunk;	/* most bytes per read, 0: no limit */
	uint32_t		 rnd;	/* not 0: reads of 1..300 at random */
	unsigned char		*out;	/* malloc'ed, NULL while empty */
	size_t			 olen, ocap;
};

/*
 * Strip the n bytes at in, read as m says (chunk, rnd), into m->out,
 * which the caller frees.  strip_media()'s return; aborts when the
 * length it reports is not what was written.
 */
int	memstrip_run(struct memstrip *m, const struct media_type *t,
	    const void *in, size_t n, struct verr *e);

#endif
