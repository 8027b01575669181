/*
 * Logging: to stderr in the foreground (and under systemd, which collects
 * it), to syslog otherwise.  Messages read "what failed: context: reason".
 */
#ifndef LOG_H
#define LOG_H

#include <stdarg.h>
#include <stddef.h>

enum log_level { LOG_LVL_ERR, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG };

/* Start logging as `ident'; to stderr when `foreground', else syslog. */
void	log_open(const char *ident, int foreground);
/*
 * "<3>" ... "<7>" for a line of level lvl written to standard error when
 * that is systemd's journal (see log_open()), otherwise "".
 */
const char *log_prefix(enum log_level lvl);
/* Drop messages less severe than `lvl'. */
void	log_setlevel(enum log_level lvl);
/* Parse "err", "warn", "info" or "debug"; -1 when unknown. */
int	log_level_parse(const char *s);

void	log_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Write one preformatted JSON access line (no trailing newline) at info
 * level, bypassing the level filter's formatting.
 */
void	log_access_line(const char *json);

/*
 * Copy `in' into out (size outsz, always terminated), escaping every
 * byte outside printable ASCII as \xHH so client bytes cannot forge lines.
 */
void	log_escape(char *out, size_t outsz, const char *in);

#endif
