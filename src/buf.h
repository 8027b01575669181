/*
 * A growable byte buffer with a ceiling, as curl's dynbuf takes one at
 * init: the request body, a mail message, an S3 response.  The bytes are
 * always NUL-terminated so a text body can be read as a string.
 */
#ifndef BUF_H
#define BUF_H

#include <stddef.h>

struct buf {
	char	*b_data;	/* NULL until the first byte */
	size_t	 b_len;
	size_t	 b_cap;		/* allocated, less the NUL */
	size_t	 b_max;		/* b_len never passes it */
	int	 b_full;	/* something did not fit: later appends fail */
};

/* Start an empty buffer that holds at most max bytes. */
void	buf_init(struct buf *b, size_t max);

/*
 * Append the n bytes at p.  If they do not fit under the ceiling, or an
 * earlier append did not, append nothing, set b_full and return -1.
 * Allocation failure aborts (xmem.h).
 */
int	buf_add(struct buf *b, const void *p, size_t n);

/* buf_add() of the string s. */
int	buf_puts(struct buf *b, const char *s);

/* Append what fits of the n bytes at p; set b_full if any were dropped. */
void	buf_add_cut(struct buf *b, const void *p, size_t n);

/* The contents as a string: "" while empty; b keeps it. */
const char *buf_str(const struct buf *b);

/*
 * Hand the contents to the caller, who free()s them (never NULL, NUL
 * terminated); *len gets their length.  b is empty afterwards.
 */
char	*buf_take(struct buf *b, size_t *len);

/* Release the contents; b is empty afterwards. */
void	buf_free(struct buf *b);

/*
 * Write callbacks of libcurl (CURLOPT_WRITEFUNCTION, with the struct buf
 * as CURLOPT_WRITEDATA).  buf_curl_all keeps the whole body and stops the
 * transfer when it passes the ceiling (b_full then says why);
 * buf_curl_start keeps what fits and drops the rest, for a body only
 * logged.
 */
size_t	buf_curl_all(char *p, size_t size, size_t nmemb, void *b);
size_t	buf_curl_start(char *p, size_t size, size_t nmemb, void *b);

#endif
