/*
 * Metadata removal at upload, API.md 6.4: location and other
 * EXIF/XMP/IPTC metadata leave JPEG, PNG, WebP, GIF and MP4/QuickTime
 * files while their pixels stay byte for byte.  The file streams from a
 * source to a sink in bounded memory.
 */
#ifndef STRIP_H
#define STRIP_H

#include <stddef.h>
#include <stdint.h>

struct media_type;
struct verr;

/* Where the file comes from. */
struct strip_src {
	/*
	 * Read up to n bytes into p: the count read (short reads are fine),
	 * 0 at the end of the file, -1 on error (recorded in e).
	 */
	long	(*read)(void *ctx, void *p, size_t n, struct verr *e);
	void	 *ctx;
};

/* Where the cleaned file goes. */
struct strip_sink {
	/* Append n bytes: 0, or -1 on error (recorded in e). */
	int	(*write)(void *ctx, const void *p, size_t n, struct verr *e);
	/*
	 * Overwrite n bytes already appended, at offset off: 0, or -1 on
	 * error (recorded in e).
	 */
	int	(*patch)(void *ctx, uint64_t off, const void *p, size_t n,
		    struct verr *e);
	void	 *ctx;
};

/*
 * Copy the file of type t (detected by media_detect()) from src to sink
 * without its metadata, as API.md 6.4 lists per format, and store the
 * count of bytes written in *outlen.  Nothing after the end of the image
 * (JPEG EOI, PNG IEND, GIF trailer, RIFF end) is kept.  Returns 0, or -1
 * with 415 unsupported_media_type when the file's structure cannot be
 * parsed (truncated unit, bad length), or the source's or sink's error.
 * On failure the sink holds a partial file.
 */
int	strip_media(const struct media_type *t, const struct strip_src *src,
	    const struct strip_sink *sink, uint64_t *outlen, struct verr *e);

/*
 * strip_media() from the whole of file descriptor in to the empty file
 * descriptor out, both used with pread(2) and pwrite(2) only: their
 * offsets do not move.
 */
int	strip_fd(const struct media_type *t, int in, int out,
	    uint64_t *outlen, struct verr *e);

#endif
