/*
 * sd_notify(3) from Debian's libsystemd; a build configured
 * --without-libsystemd sends nothing (its units must use Type=exec).
 */
#ifdef HAVE_LIBSYSTEMD
#include <systemd/sd-daemon.h>
#endif

#include "sysd.h"

void
sysd_notify(const char *state)
{
#ifdef HAVE_LIBSYSTEMD
	(void)sd_notify(0, state);
#else
	(void)state;
#endif
}
