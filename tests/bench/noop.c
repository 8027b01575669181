/*
 * The benchmark's baseline: a FastCGI responder that does nothing but
 * answer a constant JSON body the size of GET /health's, with the same
 * headers, so the web server + FastCGI + socket cost can be told apart
 * from vybes-api's own.  Preforks like vybes-api: it binds the unix
 * socket, forks N children that accept on it, and exits when they do.
 *
 *	noop SOCKET NCHILDREN
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fcgiapp.h>

static const char body[] =
    "{\"status\":\"healthy\",\"service\":\"vybes-api\","
    "\"timestamp\":\"2025-07-16T05:57:48.123Z\"}";

static int
serve(int fd)
{
	FCGX_Request	 r;
	unsigned long	 n = 0;
	char		 out[512];
	int		 len;

	if (FCGX_InitRequest(&r, fd, 0) != 0)
		return 1;
	while (FCGX_Accept_r(&r) >= 0) {
		/* libfcgi's own printf knows no %zu: format here. */
		len = snprintf(out, sizeof(out), "Status: 200 OK\r\n"
		    "Content-Type: application/json; charset=utf-8\r\n"
		    "X-Content-Type-Options: nosniff\r\n"
		    "X-Request-Id: %032lx\r\n"
		    "Content-Length: %zu\r\n\r\n%s",
		    n++, sizeof(body) - 1, body);
		FCGX_PutStr(out, len, r.out);
		FCGX_Finish_r(&r);
	}
	return 0;
}

int
main(int argc, char *argv[])
{
	int	 fd, i, n, status;

	if (argc != 3 || (n = atoi(argv[2])) < 1) {
		fprintf(stderr, "usage: noop socket nchildren\n");
		return 2;
	}
	unlink(argv[1]);
	if (FCGX_Init() != 0 || (fd = FCGX_OpenSocket(argv[1], 1024)) < 0) {
		fprintf(stderr, "noop: cannot listen on %s\n", argv[1]);
		return 1;
	}
	for (i = 0; i < n; i++) {
		switch (fork()) {
		case -1:
			perror("fork");
			return 1;
		case 0:
			return serve(fd);
		}
	}
	signal(SIGTERM, SIG_IGN);	/* the group gets it; wait for them */
	while (wait(&status) > 0)
		;
	unlink(argv[1]);
	return 0;
}
