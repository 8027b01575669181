/*
 * The listening socket: opened from --listen, or inherited from systemd
 * (LISTEN_FDS) or spawn-fcgi (fd 0).
 */
#ifndef SOCK_H
#define SOCK_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Bind and listen on "unix:PATH" (mode `mode', owner uid/gid unless -1;
 * a stale socket file is replaced, a live one is an error) or
 * "HOST:PORT" ("[v6]:PORT" for IPv6).  Returns the fd, or -1 with a
 * message in err.
 */
int	sock_listen(const char *addr, int mode, uid_t uid, gid_t gid,
	    char *err, size_t errsz);

/*
 * The inherited listening socket: fd 3 when LISTEN_FDS=1 and LISTEN_PID
 * is this process (the variables are then removed from the environment),
 * else fd 0 when it is a listening socket, else -1.
 */
int	sock_inherited(void);

#endif
