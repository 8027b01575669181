/*
 * json-c helpers: strict body parsing and typed field getters that name
 * the offending field, as spec/API.md section 1.2 requires.
 */
#ifndef JSON_H
#define JSON_H

#include <stddef.h>
#include <stdint.h>

struct json_object;
struct verr;

/*
 * Parse `len' bytes as one UTF-8 JSON object (trailing whitespace only).
 * On success *out owns a new reference (json_object_put()).  Fails with
 * 400 bad_request for an empty body, invalid JSON or UTF-8, trailing
 * data, or a top-level value that is not an object.
 */
int	json_parse_object(const char *buf, size_t len, struct json_object **out,
	    struct verr *e);

/*
 * Typed getters.  Absent and null mean "absent": with `required' that is
 * 400 validation_failed naming the field, otherwise 0 with *out left
 * untouched.  Returns 1 when a value was stored, 0 when absent, -1 on a
 * wrong type or a string holding NUL (400 validation_failed naming the
 * field).  Strings are borrowed from obj.
 */
int	json_get_str(struct json_object *obj, const char *field, int required,
	    const char **out, struct verr *e);
int	json_get_int(struct json_object *obj, const char *field, int required,
	    int64_t *out, struct verr *e);
int	json_get_bool(struct json_object *obj, const char *field, int required,
	    int *out, struct verr *e);

/*
 * Format `ms' milliseconds since the epoch as RFC 3339 UTC with three
 * fractional digits ("2025-07-16T05:57:48.123Z") into buf.
 */
void	json_time(char buf[32], int64_t ms);

/* Milliseconds since the epoch, now. */
int64_t	json_now_ms(void);

/*
 * The error envelope of e: {"error": msg, "code": code[, "field": f]}.
 * The string is malloc'd and owned by the caller.
 */
char	*json_error_body(const struct verr *e);

#endif
