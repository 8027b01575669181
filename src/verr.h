/*
 * The one error type of the Vybes API.  Deep code records a failure in a
 * struct verr and returns -1; only fcgi.c turns it into a response body
 * and a log line.
 */
#ifndef VERR_H
#define VERR_H

struct verr {
	int	 status;	/* HTTP status to send; 0 while nothing failed */
	char	 code[32];	/* stable code from spec/API.md section 1.4 */
	char	 msg[160];	/* shown to the client */
	char	 field[64];	/* validation_failed only: the offending field */
	char	 detail[256];	/* log only: library message, errno text */
	int	 retry_after;	/* seconds for Retry-After, 0 for none */
};

/* Clear e so that it records nothing. */
void	verr_init(struct verr *e);

/*
 * Record a failure unless one is already recorded; the message is printf
 * formatted and shown to the client.  Always returns -1.
 */
int	verr_set(struct verr *e, int status, const char *code,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Record 400 validation_failed naming `field'.  Always returns -1. */
int	verr_field(struct verr *e, const char *field, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/*
 * Record 503 unavailable with Retry-After: 1 for `backend'; `why' goes to
 * the log-only detail, never to the client.  Always returns -1.
 */
int	verr_backend(struct verr *e, const char *backend, const char *why);

/*
 * Record 500 internal, "Internal server error" to the client; the printf
 * formatted `fmt' says what failed, in the log-only detail.  Always -1.
 */
int	verr_internal(struct verr *e, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/* Record a log-only detail for an already recorded failure. */
void	verr_detail(struct verr *e, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/* The reason phrase of an HTTP status ("Not Found"), "Unknown" if none. */
const char *verr_reason(int status);

#endif
