/*
 * Media processing in a sandboxed child: the child process runner with
 * its limits, the child's answer format, and the thumbnail geometry.
 * Decoding itself (libvips, FFmpeg) lives in mdec.c, in vybes-worker
 * only; this module links no media library.
 */
#ifndef MPROC_H
#define MPROC_H

#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>

#include "blurhash.h"

struct buf;

/* What a child may use. */
struct mproc_lim {
	int	 secs;		/* wall time, then SIGKILL */
	rlim_t	 mem;		/* RLIMIT_AS, bytes */
	size_t	 out_max;	/* most bytes it may write to stdout */
};

/*
 * Run argv (argv[0] a path) in a child process with stdin from in_fd
 * (read from its start), stdout collected into out, stderr shared with
 * ours, every other descriptor closed, RLIMIT_AS lim->mem (in an
 * AddressSanitizer build, ASan's RSS and allocation limits instead: see
 * mproc.c) and RLIMIT_CPU lim->secs; the child is killed once
 * lim->secs seconds of wall time pass.  Returns 0 when it exited with status 0; 1 when it
 * failed (exit status, signal, time or output limit), with the reason
 * in why; -1 when no child could be started or set up (fork failed, or
 * it exited 126 or 127 before or at exec), why saying so.
 */
int	mproc_run(char *const argv[], int in_fd, const struct mproc_lim *lim,
	    struct buf *out, char *why, size_t whysz);

/* What the child found (the format is in mproc.c). */
struct mproc_res {
	int		 width, height;		/* orientation applied */
	int64_t		 duration_ms;		/* -1 for an image */
	char		 blurhash[BLURHASH_MAX];
	const unsigned char *jpeg;		/* the thumbnail, in the */
	size_t		 jpeg_len;		/* parsed buffer */
};

/* Write r's header line to stdout, then r->jpeg; 0 or -1. */
int	mproc_answer(const struct mproc_res *r);

/* Parse a child's answer into r (pointing into data); 0 or -1. */
int	mproc_parse(const char *data, size_t len, struct mproc_res *r);

/*
 * Geometry: the w x h pixels stored with Exif orientation `orient'
 * (1..8; 5..8 turn the picture a quarter) are shown as *ow x *oh; its
 * thumbnail, longest side at most `max', never upscaled, rounded to
 * nearest and at least 1, is *tw x *th.
 */
void	mproc_dims(int w, int h, int orient, int max, int *ow, int *oh,
	    int *tw, int *th);

#endif
