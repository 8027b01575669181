/*
 * Logging, switched in one place between stderr (foreground, systemd's
 * journal) and syslog, as OpenBSD httpd's log.c does.  Access lines are
 * JSON objects built by fcgi.c; other messages are plain text.
 */
#include <sys/stat.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static int		 log_fg = 1;
static int		 log_journal;
static enum log_level	 log_lvl = LOG_LVL_INFO;
static const char	*log_ident = "vybes";

static const char *const log_names[] = { "err", "warn", "info", "debug" };
static const int log_prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };

/*
 * Whether stderr is systemd's journal stream: JOURNAL_STREAM names its
 * "device:inode" (systemd.exec(5)), which a redirected stderr no longer
 * matches.
 */
static int
log_to_journal(void)
{
	struct stat	 st;
	const char	*js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;

	if (js == NULL || sscanf(js, "%llu:%llu", &dev, &ino) != 2 ||
	    fstat(STDERR_FILENO, &st) == -1)
		return 0;
	return (unsigned long long)st.st_dev == dev &&
	    (unsigned long long)st.st_ino == ino;
}

void
log_open(const char *ident, int foreground)
{
	log_ident = ident;
	log_fg = foreground;
	log_journal = foreground && log_to_journal();
	if (!foreground)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

const char *
log_prefix(enum log_level lvl)
{
	static const char *const prefix[] = { "<3>", "<4>", "<6>", "<7>" };

	return log_journal ? prefix[lvl] : "";
}

void
log_setlevel(enum log_level lvl)
{
	log_lvl = lvl;
}

int
log_level_parse(const char *s)
{
	size_t	 i;

	for (i = 0; i < sizeof(log_names) / sizeof(log_names[0]); i++)
		if (strcmp(s, log_names[i]) == 0)
			return (int)i;
	return -1;
}

/* Write the n bytes of line (size sz), cut to a whole line if too long. */
static void
log_put(char *line, int n, size_t sz)
{
	if (n < 0)
		return;
	if ((size_t)n >= sz) {
		n = (int)sz - 1;
		line[n - 1] = '\n';
	}
	(void)write(STDERR_FILENO, line, (size_t)n);
}

/*
 * One line per write(2) so that the lines of concurrent workers sharing
 * stderr never interleave.
 */
static void
log_write(enum log_level lvl, const char *msg)
{
	char		 line[4096];
	struct timespec	 ts;
	struct tm	 tm;
	int		 n;

	if (!log_fg) {
		syslog(log_prio[lvl], "%s", msg);
		return;
	}
	/* The journal stamps and names the line; it reads the priority. */
	if (log_journal) {
		n = snprintf(line, sizeof(line), "%s%s: %s\n", log_prefix(lvl),
		    log_names[lvl], msg);
		log_put(line, n, sizeof(line));
		return;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = snprintf(line, sizeof(line),
	    "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ %s[%d]: %s: %s\n",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000, log_ident,
	    (int)getpid(), log_names[lvl], msg);
	log_put(line, n, sizeof(line));
}

/*
 * Values in messages (backend errors, client input they echo) may hold
 * any byte: the whole message is escaped, so none can forge a line.
 */
static void
log_vlog(enum log_level lvl, const char *fmt, va_list ap)
{
	char	 msg[2048], esc[2048];

	if (lvl > log_lvl)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	log_escape(esc, sizeof(esc), msg);
	log_write(lvl, esc);
}

#define LOG_FN(name, lvl)				\
void							\
name(const char *fmt, ...)				\
{							\
	va_list	 ap;					\
							\
	va_start(ap, fmt);				\
	log_vlog(lvl, fmt, ap);				\
	va_end(ap);					\
}

LOG_FN(log_err, LOG_LVL_ERR)
LOG_FN(log_warnx, LOG_LVL_WARN)
LOG_FN(log_info, LOG_LVL_INFO)
LOG_FN(log_debug, LOG_LVL_DEBUG)

void
log_access_line(const char *json)
{
	char	 line[4096];
	int	 n;

	if (log_lvl < LOG_LVL_INFO)
		return;
	if (!log_fg) {
		syslog(LOG_INFO, "%s", json);
		return;
	}
	n = snprintf(line, sizeof(line), "%s%s\n", log_prefix(LOG_LVL_INFO),
	    json);
	if (n > 0 && (size_t)n < sizeof(line))
		(void)write(STDERR_FILENO, line, (size_t)n);
}

void
log_escape(char *out, size_t outsz, const char *in)
{
	static const char hex[] = "0123456789abcdef";
	size_t		 o = 0;
	unsigned char	 ch;

	if (outsz == 0)
		return;
	for (; *in != '\0'; in++) {
		ch = (unsigned char)*in;
		if (ch >= 0x20 && ch < 0x7f && ch != '\\') {
			if (o + 1 >= outsz)
				break;
			out[o++] = (char)ch;
		} else {
			if (o + 4 >= outsz)
				break;
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[ch >> 4];
			out[o++] = hex[ch & 0xf];
		}
	}
	out[o] = '\0';
}
