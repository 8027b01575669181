/*
 * The bounded growable buffer.  Capacity doubles from 1 KiB but never
 * past the ceiling (plus the NUL), so a buffer for a 1 MiB body limit
 * never allocates more than the limit however the bytes arrive.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "xmem.h"

#define BUF_FIRST	1024

void
buf_init(struct buf *b, size_t max)
{
	memset(b, 0, sizeof(*b));
	b->b_max = max;
}

int
buf_add(struct buf *b, const void *p, size_t n)
{
	size_t	 cap;

	if (b->b_full || n > b->b_max - b->b_len) {
		b->b_full = 1;
		return -1;
	}
	if (b->b_data == NULL || b->b_len + n > b->b_cap) {
		cap = b->b_cap != 0 ? b->b_cap : BUF_FIRST;
		while (cap < b->b_len + n)
			cap *= 2;
		if (cap > b->b_max)
			cap = b->b_max;
		b->b_data = xreallocarray(b->b_data, cap + 1, 1);
		b->b_cap = cap;
	}
	if (n > 0)
		memcpy(b->b_data + b->b_len, p, n);
	b->b_len += n;
	b->b_data[b->b_len] = '\0';
	return 0;
}

int
buf_puts(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

void
buf_add_cut(struct buf *b, const void *p, size_t n)
{
	size_t	 room = b->b_full ? 0 : b->b_max - b->b_len;

	if (n > room) {
		(void)buf_add(b, p, room);
		b->b_full = 1;
	} else
		(void)buf_add(b, p, n);
}

const char *
buf_str(const struct buf *b)
{
	return b->b_data != NULL ? b->b_data : "";
}

char *
buf_take(struct buf *b, size_t *len)
{
	char	*s;

	if (b->b_data == NULL)
		s = xstrdup("");
	else
		s = b->b_data;
	*len = b->b_len;
	b->b_data = NULL;
	b->b_len = b->b_cap = 0;
	b->b_full = 0;
	return s;
}

void
buf_free(struct buf *b)
{
	free(b->b_data);
	b->b_data = NULL;
	b->b_len = b->b_cap = 0;
	b->b_full = 0;
}

size_t
buf_curl_all(char *p, size_t size, size_t nmemb, void *b)
{
	/* Returning less than asked aborts the transfer. */
	return buf_add(b, p, size * nmemb) == 0 ? size * nmemb : 0;
}

size_t
buf_curl_start(char *p, size_t size, size_t nmemb, void *b)
{
	buf_add_cut(b, p, size * nmemb);
	return size * nmemb;
}
