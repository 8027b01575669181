/*
 * FastCGI records and parameters as a worker reads them: the input is
 * what the web server sends on one connection (BEGIN_REQUEST, PARAMS,
 * STDIN, or anything else).  libfcgi accepts and parses it exactly as in
 * fcgi_serve() (non-blocking listening socket), then the request is set
 * up, its body read and its path routed, and the reply finished.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "cfg.h"
#include "http.h"
#include "router.h"

static struct sockaddr_un	 fz_addr;	/* abstract: no file */
static socklen_t		 fz_addrlen;
static FCGX_Request		 fz_req;

static const char *
fz_getparam(void *ctx, const char *name)
{
	return FCGX_GetParam(name, ((FCGX_Request *)ctx)->envp);
}

static long
fz_read(void *ctx, char *buf, size_t n)
{
	FCGX_Request	*fr = ctx;

	return FCGX_GetStr(buf, n > 65536 ? 65536 : (int)n, fr->in);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	int	 fd, n;

	fz_addr.sun_family = AF_UNIX;
	n = snprintf(fz_addr.sun_path + 1, sizeof(fz_addr.sun_path) - 1,
	    "vybes-fuzz-fcgi-%d", (int)getpid());
	fz_addrlen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 +
	    (size_t)n);
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1 ||
	    bind(fd, (struct sockaddr *)&fz_addr, fz_addrlen) == -1 ||
	    listen(fd, 8) == -1 ||
	    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) == -1)
		abort();
	if (FCGX_Init() != 0 || FCGX_InitRequest(&fz_req, fd, 0) != 0)
		abort();
	return 0;
}

/* A name or value length of a PARAMS stream at p (end e), or -1. */
static long
fz_len(const uint8_t **p, const uint8_t *e)
{
	const uint8_t	*q = *p;

	if (q >= e)
		return -1;
	if (*q < 0x80) {
		*p = q + 1;
		return *q;
	}
	if (e - q < 4)
		return -1;
	*p = q + 4;
	return (long)(q[0] & 0x7f) << 24 | (long)q[1] << 16 | q[2] << 8 | q[3];
}

/* Do the name-value pairs of the len bytes at p claim only those? */
static int
fz_pairs_fit(const uint8_t *p, size_t len)
{
	const uint8_t	*e = p + len;
	long		 a, b;

	while (p < e) {
		a = fz_len(&p, e);
		b = fz_len(&p, e);
		if (a < 0 || b < 0 || a + b > e - p)
			return 0;
		p += a + b;
	}
	return 1;
}

/*
 * Would every name and value length of the PARAMS stream and of each
 * FCGI_GET_VALUES record fit in the bytes sent?  libfcgi 2.4.2 (Debian
 * 2.4.2-2+deb12u1) allocates nameLen + valueLen + 2 as an int before
 * reading them: two lengths near 2^30 overflow it and its Malloc()
 * assertion aborts the worker (found by this target).  Web servers only
 * send lengths of what they send, so inputs that claim more are left out
 * here; see the issue 12 notes.
 */
static int
fz_params_fit(const uint8_t *d, size_t n)
{
	uint8_t		*pb;
	size_t		 i, len, pn = 0;
	int		 ok = 1;

	if ((pb = malloc(n + 1)) == NULL)
		abort();
	for (i = 0; i + 8 <= n && ok; i += 8 + len + d[i + 6]) {
		len = (size_t)d[i + 4] << 8 | d[i + 5];
		len = len > n - i - 8 ? n - i - 8 : len;
		if (d[i + 1] == 4) {
			memcpy(pb + pn, d + i + 8, len);
			pn += len;
		} else if (d[i + 1] == 9)
			ok = fz_pairs_fit(d + i + 8, len);
	}
	ok = ok && fz_pairs_fit(pb, pn);
	free(pb);
	return ok;
}

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct http_io	 io = { fz_getparam, fz_read, &fz_req };
	struct cfg	 c;
	struct req	 r;
	char		 buf[4096];
	char		*head;
	int		 s;

	if (n > 65536 || !fz_params_fit(d, n))
		return 0;
	if ((s = socket(AF_UNIX, SOCK_STREAM, 0)) == -1)
		abort();
	memset(&c, 0, sizeof(c));
	c.body_max = 4096;
	if (connect(s, (struct sockaddr *)&fz_addr, fz_addrlen) == -1 ||
	    write(s, d, n) != (ssize_t)n || shutdown(s, SHUT_WR) == -1)
		abort();
	if (FCGX_Accept_r(&fz_req) == 0) {
		http_req_init(&r, &io, &c, NULL);
		(void)router_match(router_routes, router_nroutes, r.method,
		    r.path, &r.rm);
		while (fz_read(&fz_req, buf, sizeof(buf)) > 0)
			continue;
		http_empty(&r, 204);
		head = http_head(&r);
		FCGX_PutStr(head, (int)strlen(head), fz_req.out);
		free(head);
		http_req_free(&r);
		FCGX_Finish_r(&fz_req);
	}
	close(s);
	return 0;
}
