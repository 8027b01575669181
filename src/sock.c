/*
 * Listening sockets.  systemd passes sockets from fd 3 (sd_listen_fds(3)
 * protocol, reimplemented here in a few lines rather than linking
 * libsystemd); spawn-fcgi passes one on fd 0, as the FastCGI
 * specification section 2.2 describes for web-server-started
 * applications.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <netinet/in.h>

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sock.h"

#define SOCK_BACKLOG	1024

static int
sock_unix(const char *path, int mode, uid_t uid, gid_t gid, char *err,
    size_t errsz)
{
	struct sockaddr_un	 sun;
	struct stat		 st;
	int			 fd, probe;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		snprintf(err, errsz, "%s: socket path too long", path);
		return -1;
	}
	strcpy(sun.sun_path, path);
	/* Replace a socket left by a dead server, never a live one. */
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			snprintf(err, errsz, "%s: exists and is not a socket",
			    path);
			return -1;
		}
		if ((probe = socket(AF_UNIX, SOCK_STREAM, 0)) == -1) {
			snprintf(err, errsz, "socket: %s", strerror(errno));
			return -1;
		}
		if (connect(probe, (struct sockaddr *)&sun, sizeof(sun)) == 0) {
			close(probe);
			snprintf(err, errsz, "%s: another server is listening",
			    path);
			return -1;
		}
		close(probe);
		unlink(path);
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
		snprintf(err, errsz, "socket: %s", strerror(errno));
		return -1;
	}
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1 ||
	    chmod(path, (mode_t)mode) == -1 ||
	    ((uid != (uid_t)-1 || gid != (gid_t)-1) &&
	    chown(path, uid, gid) == -1) ||
	    listen(fd, SOCK_BACKLOG) == -1) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static int
sock_tcp(const char *addr, char *err, size_t errsz)
{
	struct addrinfo	 hints, *res = NULL;
	char		 host[256];
	const char	*colon, *port, *h = addr;
	size_t		 hlen;
	int		 fd = -1, on = 1, gai;

	if ((colon = strrchr(addr, ':')) == NULL) {
		snprintf(err, errsz, "%s: expected HOST:PORT", addr);
		return -1;
	}
	port = colon + 1;
	hlen = (size_t)(colon - addr);
	if (hlen >= 2 && addr[0] == '[' && addr[hlen - 1] == ']') {
		h++;
		hlen -= 2;
	}
	if (hlen >= sizeof(host)) {
		snprintf(err, errsz, "%s: host name too long", addr);
		return -1;
	}
	memcpy(host, h, hlen);
	host[hlen] = '\0';
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if ((gai = getaddrinfo(hlen > 0 ? host : NULL, port, &hints,
	    &res)) != 0) {
		snprintf(err, errsz, "%s: %s", addr, gai_strerror(gai));
		return -1;
	}
	if ((fd = socket(res->ai_family, res->ai_socktype | SOCK_CLOEXEC,
	    res->ai_protocol)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) == -1 ||
	    bind(fd, res->ai_addr, res->ai_addrlen) == -1 ||
	    listen(fd, SOCK_BACKLOG) == -1) {
		snprintf(err, errsz, "%s: %s", addr, strerror(errno));
		if (fd != -1)
			close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	return fd;
}

int
sock_listen(const char *addr, int mode, uid_t uid, gid_t gid, char *err,
    size_t errsz)
{
	if (strncmp(addr, "unix:", 5) == 0)
		return sock_unix(addr + 5, mode, uid, gid, err, errsz);
	return sock_tcp(addr, err, errsz);
}

int
sock_inherited(void)
{
	const char	*fds = getenv("LISTEN_FDS");
	const char	*pid = getenv("LISTEN_PID");
	int		 type;
	socklen_t	 len = sizeof(type);

	if (fds != NULL && pid != NULL && atoi(fds) >= 1 &&
	    (pid_t)atol(pid) == getpid()) {
		unsetenv("LISTEN_FDS");
		unsetenv("LISTEN_PID");
		unsetenv("LISTEN_FDNAMES");
		return 3;
	}
	if (getsockopt(0, SOL_SOCKET, SO_TYPE, &type, &len) == 0 &&
	    type == SOCK_STREAM)
		return 0;
	return -1;
}
