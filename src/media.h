/*
 * Media type detection of API.md Appendix A: an upload's type is decided
 * from its first bytes only, never from its name or declared type.
 */
#ifndef MEDIA_H
#define MEDIA_H

#include <stddef.h>

struct media_type {
	const char	*mime;	/* "image/jpeg", "video/mp4", ... */
	const char	*ext;	/* key extension, no dot: "jpg" */
	const char	*kind;	/* "image" or "video" */
};

/*
 * Detect the type of a file from its first len bytes (pass at least the
 * first 4096 when the file is that long).  Returns 0 and fills out with
 * static strings for one of the six allowed types, else -1 and leaves
 * out alone; the caller answers 415 unsupported_media_type.
 */
int	 media_detect(const unsigned char *head, size_t len,
	    struct media_type *out);

#endif
