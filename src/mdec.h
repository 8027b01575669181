/*
 * Media decoding, the body of the sandboxed child (mproc.h) that
 * vybes-worker runs as `vybes-worker --media-child image|video SIZE':
 * libvips for images, libavformat/libavcodec/libswscale for videos.
 * Only vybes-worker links this module and those libraries.
 */
#ifndef MDEC_H
#define MDEC_H

/* The option that turns vybes-worker into the child. */
#define MDEC_OPTION	"--media-child"

/*
 * The child's main: decode the object on stdin (a file) as `kind'
 * ("image" or "video") and write mproc_answer() with a thumbnail whose
 * longest side is at most `size'.  Returns the exit status: 0, or 1
 * after a line on stderr saying why the file does not decode.
 */
int	mdec_main(const char *argv0, const char *kind, int size);

#endif
