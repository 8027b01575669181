/*
 * multipart/form-data (RFC 7578 over RFC 2046) without holding a file in
 * memory: a push parser that hands part data to callbacks as it streams,
 * and on top of it the collector of POST /posts and POST /stories, which
 * spools the `media' part to an unlinked temporary file.
 */
#ifndef MULTIPART_H
#define MULTIPART_H

#include <stddef.h>

struct verr;

#define MP_BOUNDARY_MAX		70		/* RFC 2046 5.1.1 */
#define MP_HDR_MAX		8192		/* a part's header block */
#define MP_PARTS_MAX		32
#define MP_MEDIA_MAX		52428800	/* 50 MiB, API.md 1.2 */
#define MP_BODY_MAX		53477376	/* 51 MiB, API.md 1.2 */
#define MP_HEAD_MAX		4096		/* media bytes for media.c */
#define MP_CAPTION_CHARS	2200		/* API.md 3.3.1 */
#define MP_CAPTION_MAX		(MP_CAPTION_CHARS * 4)	/* bytes */
#define MP_VISIBILITY_MAX	15

/* Limits; a NULL struct or a zero member means the MP_*_MAX default. */
struct mp_limits {
	size_t	 hdr_max;	/* bytes of one part's header block */
	size_t	 parts_max;	/* parts in the body */
	/* mp_form_read() only: */
	size_t	 media_max;	/* bytes of the media part */
	size_t	 body_max;	/* bytes of the whole body */
	int	 media_only;	/* ignore caption, visibility */
};

/*
 * Part callbacks, each optional.  The strings passed to begin live until
 * it returns; filename and ctype (the declared media type, parameters
 * dropped) are NULL when absent.  A callback returns 0, or -1 having
 * recorded why in e to stop the parser.  After a failure the open part
 * gets no end call.
 */
struct mp_handler {
	int	(*begin)(void *arg, const char *name, const char *filename,
		    const char *ctype, struct verr *e);
	int	(*data)(void *arg, const char *buf, size_t len,
		    struct verr *e);
	int	(*end)(void *arg, struct verr *e);
};

struct mp;

/*
 * Extract the boundary of a Content-Type value into out (outsz bytes,
 * at least MP_BOUNDARY_MAX + 1).  Fails with 415 unsupported_media_type
 * when the type is not multipart/form-data, 400 bad_request when the
 * boundary is missing, malformed or not 1..70 characters.
 */
int	 mp_boundary(const char *content_type, char *out, size_t outsz,
	    struct verr *e);

/*
 * A parser for a body delimited by `boundary' (as from mp_boundary),
 * calling h with arg.  The parser copies boundary and lim; h and arg must
 * outlive it.  Returns NULL only for a boundary that is empty, too long
 * or holds a control character; aborts when memory runs out.
 */
struct mp *mp_new(const char *boundary, const struct mp_limits *lim,
	    const struct mp_handler *h, void *arg);

/*
 * Parse the next len bytes of the body, split anywhere.  Fails with 400
 * bad_request on malformed input or a limit, or with the callback's
 * error; once it failed every later call fails the same way.
 */
int	 mp_feed(struct mp *, const char *buf, size_t len, struct verr *e);

/*
 * The body ended: fails with 400 bad_request unless the close delimiter
 * was seen (no opening delimiter, or a truncated body).
 */
int	 mp_finish(struct mp *, struct verr *e);

/* Free a parser; NULL is allowed. */
void	 mp_free(struct mp *);

/* What mp_form_read collected.  Only the first part of each name counts. */
struct mp_form {
	int		 fd;		/* unlinked media file, or -1 */
	size_t		 media_len;	/* bytes in fd */
	unsigned char	 head[MP_HEAD_MAX];	/* first media bytes */
	size_t		 head_len;
	int		 has_caption;
	char		 caption[MP_CAPTION_MAX + 1];	/* terminated */
	size_t		 caption_len;	/* bytes */
	int		 has_visibility;
	char		 visibility[MP_VISIBILITY_MAX + 1]; /* as sent */
};

/*
 * Read a whole multipart body through read (bytes, 0 at the end, -1 on
 * error) into f, which need not be initialized.  On success f->fd is a
 * non-empty media file at offset 0, owned by f until mp_form_free();
 * on failure f holds no file.  Fails with 415 unsupported_media_type
 * (not multipart), 400 bad_request (malformed, unreadable), 413
 * payload_too_large (media or body over lim), 400 validation_failed for
 * media (missing, empty), caption (over 2200 characters, not UTF-8) or
 * visibility (too long), 500 internal when the temporary file fails.
 */
int	 mp_form_read(struct mp_form *f, const char *content_type,
	    long (*read)(void *ctx, char *buf, size_t n), void *ctx,
	    const struct mp_limits *lim, struct verr *e);

/*
 * 0 when the len bytes at s are a valid caption (UTF-8, at most
 * MP_CAPTION_CHARS characters), else -1 with 400 validation_failed.
 */
int	 mp_caption_check(const char *s, size_t len, struct verr *e);

/*
 * A new empty temporary file, already unlinked and close-on-exec, in
 * $TMPDIR (else /tmp): its descriptor, or -1 with 500 internal.
 */
int	 mp_tmpfile(struct verr *e);

/* Close the media file of an f filled by mp_form_read(), failed or not. */
void	 mp_form_free(struct mp_form *f);

#endif
