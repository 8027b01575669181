/*
 * The error type: records the first failure of a request with its HTTP
 * status, the stable code clients switch on, a client-safe message and a
 * log-only detail.  Later failures never overwrite the first one, so the
 * root cause is what the client and the log see (curl's Curl_failf idea).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "valid.h"
#include "verr.h"

void
verr_init(struct verr *e)
{
	memset(e, 0, sizeof(*e));
}

static int
verr_vset(struct verr *e, int status, const char *code, const char *fmt,
    va_list ap)
{
	if (e == NULL || e->status != 0)
		return -1;
	e->status = status;
	snprintf(e->code, sizeof(e->code), "%s", code);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	/* a message naming client text stays UTF-8 when cut */
	e->msg[valid_utf8_prefix(e->msg, sizeof(e->msg))] = '\0';
	return -1;
}

int
verr_set(struct verr *e, int status, const char *code, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	verr_vset(e, status, code, fmt, ap);
	va_end(ap);
	return -1;
}

int
verr_field(struct verr *e, const char *field, const char *fmt, ...)
{
	va_list	 ap;

	if (e == NULL || e->status != 0)
		return -1;
	va_start(ap, fmt);
	verr_vset(e, 400, "validation_failed", fmt, ap);
	va_end(ap);
	snprintf(e->field, sizeof(e->field), "%s", field);
	e->field[valid_utf8_prefix(e->field, sizeof(e->field))] = '\0';
	return -1;
}

int
verr_backend(struct verr *e, const char *backend, const char *why)
{
	if (e == NULL || e->status != 0)
		return -1;
	verr_set(e, 503, "unavailable", "Service temporarily unavailable");
	e->retry_after = 1;
	snprintf(e->detail, sizeof(e->detail), "%s: %s", backend,
	    why != NULL ? why : "unknown error");
	return -1;
}

int
verr_internal(struct verr *e, const char *fmt, ...)
{
	va_list	 ap;

	if (e == NULL || e->status != 0)
		return -1;
	verr_set(e, 500, "internal", "Internal server error");
	va_start(ap, fmt);
	vsnprintf(e->detail, sizeof(e->detail), fmt, ap);
	va_end(ap);
	return -1;
}

void
verr_detail(struct verr *e, const char *fmt, ...)
{
	va_list	 ap;

	if (e == NULL || e->detail[0] != '\0')
		return;
	va_start(ap, fmt);
	vsnprintf(e->detail, sizeof(e->detail), fmt, ap);
	va_end(ap);
}

const char *
verr_reason(int status)
{
	static const struct {
		int		 status;
		const char	*reason;
	} t[] = {
		{ 200, "OK" },
		{ 201, "Created" },
		{ 204, "No Content" },
		{ 400, "Bad Request" },
		{ 401, "Unauthorized" },
		{ 403, "Forbidden" },
		{ 404, "Not Found" },
		{ 405, "Method Not Allowed" },
		{ 409, "Conflict" },
		{ 413, "Payload Too Large" },
		{ 415, "Unsupported Media Type" },
		{ 422, "Unprocessable Entity" },
		{ 429, "Too Many Requests" },
		{ 500, "Internal Server Error" },
		{ 503, "Service Unavailable" },
	};
	size_t	 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (t[i].status == status)
			return t[i].reason;
	return "Unknown";
}
