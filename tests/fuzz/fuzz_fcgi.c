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
#include <setjmp.h>
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

/*
 * libfcgi 2.4.2 (Debian 2.4.2-2+deb12u1) allocates nameLen + valueLen
 * + 2 as an int before reading a parameter, trusting the 31-bit
 * lengths: two near 2^30 (claimed, never sent) overflow it and its
 * Malloc() assertion aborts the process (found by this target;
 * reachable only by a peer that can write to the FastCGI socket, i.e.
 * the web server), and smaller claims make it allocate up to 2 GiB.
 * The fuzz build links a copy of Debian's libfcgi.a whose allocation
 * calls come here (tests/fuzz/fuzz.mk).  A request for more than an
 * input can carry (FZ_MAX bytes), or for 0 bytes (the overflow wrapped
 * round; no other libfcgi allocation asks for it), can only come from
 * such a claim, so the input is abandoned: back in
 * LLVMFuzzerTestOneInput, what libfcgi still holds of it (known from
 * fz_live) is freed and its connection closed.  Everything else is
 * fuzzed as before, leaks of libfcgi included.
 */
#define FZ_MAX		 65536
static jmp_buf	 fz_overflow;
static int	 fz_guard;	/* in libfcgi on behalf of an input */
static void	**fz_live;	/* what libfcgi allocated meanwhile */
static size_t	 fz_nlive, fz_maxlive;

void	*fz_fcgi_malloc(size_t);
void	*fz_fcgi_calloc(size_t, size_t);
void	*fz_fcgi_realloc(void *, size_t);
void	 fz_fcgi_free(void *);

static void
fz_forget(void *p)
{
	size_t	 i;

	for (i = 0; i < fz_nlive; i++)
		if (fz_live[i] == p) {
			fz_live[i] = fz_live[--fz_nlive];
			return;
		}
}

static void *
fz_keep(void *p)
{
	if (p == NULL || !fz_guard)
		return p;
	if (fz_nlive == fz_maxlive) {
		fz_maxlive = fz_maxlive ? 2 * fz_maxlive : 64;
		if ((fz_live = realloc(fz_live,
		    fz_maxlive * sizeof(*fz_live))) == NULL)
			abort();
	}
	fz_live[fz_nlive++] = p;
	return p;
}

void *
fz_fcgi_malloc(size_t n)
{
	if (fz_guard && (n == 0 || n > FZ_MAX + 2))
		longjmp(fz_overflow, 1);
	return fz_keep(malloc(n));
}

void *
fz_fcgi_calloc(size_t n, size_t size)
{
	return fz_keep(calloc(n, size));
}

void *
fz_fcgi_realloc(void *p, size_t n)
{
	fz_forget(p);
	return fz_keep(realloc(p, n));
}

void
fz_fcgi_free(void *p)
{
	fz_forget(p);
	free(p);
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
	volatile int	 inited = 0;

	if (n > FZ_MAX)
		return 0;
	if ((s = socket(AF_UNIX, SOCK_STREAM, 0)) == -1)
		abort();
	memset(&c, 0, sizeof(c));
	c.body_max = 4096;
	if (connect(s, (struct sockaddr *)&fz_addr, fz_addrlen) == -1 ||
	    write(s, d, n) != (ssize_t)n || shutdown(s, SHUT_WR) == -1)
		abort();
	fz_guard = 1;
	fz_nlive = 0;
	if (setjmp(fz_overflow) == 0) {
		if (FCGX_Accept_r(&fz_req) == 0) {
			http_req_init(&r, &io, &c, NULL);
			inited = 1;
			(void)router_match(router_routes, router_nroutes,
			    r.method, r.path, &r.rm);
			while (fz_read(&fz_req, buf, sizeof(buf)) > 0)
				continue;
			fz_req.keepConnection = 0;	/* as fcgi_one() */
			http_empty(&r, 204);
			head = http_head(&r);
			FCGX_PutStr(head, (int)strlen(head), fz_req.out);
			free(head);
			FCGX_Finish_r(&fz_req);
		}
	} else {
		while (fz_nlive > 0)
			free(fz_live[--fz_nlive]);
		fz_req.in = fz_req.out = fz_req.err = NULL;
		fz_req.paramsPtr = NULL;
		close(fz_req.ipcFd);
		fz_req.ipcFd = -1;
	}
	fz_guard = 0;
	if (inited)
		http_req_free(&r);
	close(s);
	return 0;
}
