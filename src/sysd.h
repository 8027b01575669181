/*
 * The service manager's notification protocol (sd_notify(3)): readiness,
 * reloads and stops, so that `systemctl start' returns once the service
 * serves and `systemctl reload' once it has reloaded.  Without systemd
 * (no NOTIFY_SOCKET) every call does nothing.
 */
#ifndef SYSD_H
#define SYSD_H

/* Send `state' ("READY=1", "RELOADING=1", "STOPPING=1", ...). */
void	sysd_notify(const char *state);

#endif
