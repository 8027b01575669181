/*
 * The one place an allocation failure is handled: log the call that ran
 * out of memory, then abort().  A worker that cannot allocate cannot
 * answer either; the supervisor replaces it (STYLE.md section 3).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "xmem.h"

void
xnomem(const char *what)
{
	log_err("%s: out of memory", what);
	abort();
}

void *
xmalloc(size_t size)
{
	void	*p;

	if ((p = malloc(size == 0 ? 1 : size)) == NULL)
		xnomem("malloc");
	return p;
}

void *
xcalloc(size_t nmemb, size_t size)
{
	void	*p;

	if ((p = calloc(nmemb == 0 ? 1 : nmemb, size == 0 ? 1 : size)) ==
	    NULL)
		xnomem("calloc");
	return p;
}

void *
xreallocarray(void *p, size_t nmemb, size_t size)
{
	void	*n;

	if ((n = reallocarray(p, nmemb == 0 ? 1 : nmemb,
	    size == 0 ? 1 : size)) == NULL)
		xnomem("reallocarray");
	return n;
}

char *
xstrdup(const char *s)
{
	char	*p;

	if ((p = strdup(s)) == NULL)
		xnomem("strdup");
	return p;
}

char *
xstrndup(const char *s, size_t n)
{
	char	*p;

	if ((p = strndup(s, n)) == NULL)
		xnomem("strndup");
	return p;
}

int
xasprintf(char **out, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vasprintf(out, fmt, ap);
	va_end(ap);
	if (n == -1)
		xnomem("asprintf");
	return n;
}
