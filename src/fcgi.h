/*
 * The worker loop: accept one FastCGI request at a time, route it, write
 * the one response and the one access line.
 */
#ifndef FCGI_H
#define FCGI_H

#include <stddef.h>

struct cfg;
struct score;

/*
 * Serve requests on the listening socket `fd' with configuration c until
 * SIGTERM/SIGINT (after the request in hand) or, when max_requests > 0,
 * after that many requests.  Writes one byte to ready_fd (unless -1) once
 * it accepts, then closes it.  Marks itself busy or idle and counts its
 * requests in slot `slot' of the supervisor's scoreboard sb, or, with sb
 * NULL, in a scoreboard of its own.  Returns the process exit status: 0
 * on a clean stop, 1 when the socket or the scoreboard fails.
 */
int	fcgi_serve(int fd, const struct cfg *c, int max_requests,
	    int ready_fd, struct score *sb, size_t slot);

#endif
