/*
 * A struct http_io over memory, for the unit tests and the fuzz targets:
 * request parameters from a NULL-terminated name, value, ... array and a
 * body read in chunks.
 */
#ifndef MEMIO_H
#define MEMIO_H

#include <stddef.h>

struct mem {
	const char	**params;	/* name, value, ..., NULL */
	const char	 *body;
	size_t		  len, off;
	size_t		  chunk;	/* bytes per read, to split reads */
};

/* The http_io callbacks; ctx is a struct mem. */
const char	*mem_getparam(void *ctx, const char *name);
long		 mem_read(void *ctx, char *buf, size_t n);

#endif
