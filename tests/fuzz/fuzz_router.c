/*
 * The router: method and path (first line: method, rest: path) against
 * the routes of vybes-api.  Oracles: a match binds every parameter, ids
 * come out lower-case, and nothing decoded holds NUL or '/'.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "router.h"

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct route_match	 rm;
	char			 buf[4096], *path;
	size_t			 i;
	const char		*v;

	if (n >= sizeof(buf))
		return 0;
	memcpy(buf, d, n);
	buf[n] = '\0';
	if ((path = strchr(buf, '\n')) == NULL)
		return 0;
	*path++ = '\0';
	if (router_match(router_routes, router_nroutes, buf, path, &rm) != 0) {
		(void)router_no_store(rm.pattern);
		return 0;
	}
	(void)router_no_store(rm.pattern);
	for (i = 0; i < rm.nparams; i++) {
		v = router_param(&rm, rm.params[i].name);
		if (v == NULL || *v == '\0' || strchr(v, '/') != NULL)
			abort();
		if (strcmp(rm.params[i].name, "id") == 0 ||
		    strstr(rm.params[i].name, "ID") != NULL)
			for (; *v != '\0'; v++)
				if (isupper((unsigned char)*v))
					abort();
	}
	return 0;
}
