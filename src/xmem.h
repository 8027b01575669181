/*
 * Allocation that cannot fail: on exhaustion the wrappers log what ran out
 * and abort, as lighttpd's ck_calloc() does; the supervisor then starts a
 * fresh worker.  Everything they return is released with free().
 */
#ifndef XMEM_H
#define XMEM_H

#include <stddef.h>

/* malloc(3), calloc(3), reallocarray(3), strdup(3) and strndup(3). */
void	*xmalloc(size_t size);
void	*xcalloc(size_t nmemb, size_t size);
void	*xreallocarray(void *p, size_t nmemb, size_t size);
char	*xstrdup(const char *s);
char	*xstrndup(const char *s, size_t n);

/* asprintf(3); returns the length. */
int	 xasprintf(char **out, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/*
 * A library allocation (json-c, curl, libbson, OpenSSL) returned NULL:
 * log `what' and abort.  Never returns.
 */
void	 xnomem(const char *what) __attribute__((noreturn));

#endif
