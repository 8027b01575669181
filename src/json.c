/*
 * json-c helpers.  json-c accepts things the contract forbids (trailing
 * garbage after a complete value, overlong or surrogate UTF-8, NaN,
 * raw control characters in strings, a bare scalar at top level), so
 * parsing here tightens it: one pass over the body refuses what json-c
 * would let through, then the tokener must consume the whole body and
 * yield an object.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "enc.h"
#include "json.h"
#include "valid.h"
#include "verr.h"
#include "xmem.h"

/* A word outside strings: a literal or a number's exponent mark. */
static int
json_word_ok(const char *w, size_t n)
{
	static const char *const ok[] = { "true", "false", "null", "e", "E" };
	size_t		 i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (strlen(ok[i]) == n && memcmp(ok[i], w, n) == 0)
			return 1;
	return 0;
}

/* The value of the 4 hex digits at s, or -1. */
static long
json_hex4(const char *s, const char *end)
{
	long	 v = 0;
	int	 i, d;

	if (end - s < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		if ((d = enc_hexval((unsigned char)s[i])) < 0)
			return -1;
		v = v << 4 | d;
	}
	return v;
}

/*
 * Is the \u escape at s (pointing at the 'u') a valid code point or a
 * valid surrogate pair?  *adv gets the bytes after s it covers.
 */
static int
json_uescape_ok(const char *s, const char *end, size_t *adv)
{
	long	 hi, lo;

	*adv = 4;
	if ((hi = json_hex4(s + 1, end)) < 0)
		return 0;
	if (hi >= 0xdc00 && hi <= 0xdfff)
		return 0;
	if (hi < 0xd800 || hi > 0xdbff)
		return 1;
	if (end - s < 11 || s[5] != '\\' || s[6] != 'u' ||
	    (lo = json_hex4(s + 7, end)) < 0xdc00 || lo > 0xdfff)
		return 0;
	*adv = 10;
	return 1;
}

/*
 * What json-c takes even in strict mode but API.md 1.2 refuses, found in
 * one pass over the body: text that is not strict UTF-8, raw control
 * characters and lone surrogate escapes in strings, 'single-quoted'
 * strings, and words other than true, false and null (NaN, Infinity).
 */
static int
json_text_ok(const char *buf, size_t len)
{
	const char	*p = buf, *end = buf + len, *w;
	size_t		 adv;
	int		 in_str = 0;

	if (valid_utf8(buf, len) == -1)
		return 0;
	for (; p < end; p++) {
		if (in_str) {
			if ((unsigned char)*p < 0x20)
				return 0;
			if (*p == '"')
				in_str = 0;
			else if (*p == '\\' && ++p < end && *p == 'u') {
				if (!json_uescape_ok(p, end, &adv))
					return 0;
				p += adv;
			}
		} else if (*p == '"')
			in_str = 1;
		else if (*p == '\'')
			return 0;
		else if (isalpha((unsigned char)*p)) {
			for (w = p; p + 1 < end && isalpha((unsigned char)p[1]);
			    p++)
				continue;
			if (!json_word_ok(w, (size_t)(p + 1 - w)))
				return 0;
		}
	}
	return 1;
}

int
json_parse_object(const char *buf, size_t len, struct json_object **out,
    struct verr *e)
{
	struct json_tokener	*tok;
	struct json_object	*obj = NULL;
	size_t			 end;

	*out = NULL;
	if (len == 0)
		return verr_set(e, 400, "bad_request", "Request body is empty");
	if (len > INT32_MAX)
		return verr_set(e, 413, "payload_too_large",
		    "Request body too large");
	if (!json_text_ok(buf, len))
		return verr_set(e, 400, "bad_request",
		    "Request body is not valid JSON");
	if ((tok = json_tokener_new()) == NULL)
		xnomem("json_tokener_new");
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
	    JSON_TOKENER_VALIDATE_UTF8);
	obj = json_tokener_parse_ex(tok, buf, (int)len);
	if (obj == NULL || json_tokener_get_error(tok) != json_tokener_success) {
		json_tokener_free(tok);
		json_object_put(obj);
		return verr_set(e, 400, "bad_request",
		    "Request body is not valid JSON");
	}
	for (end = json_tokener_get_parse_end(tok); end < len; end++)
		if (strchr(" \t\r\n", buf[end]) == NULL ||
		    buf[end] == '\0')
			break;
	json_tokener_free(tok);
	if (end != len) {
		json_object_put(obj);
		return verr_set(e, 400, "bad_request",
		    "Request body has data after the JSON value");
	}
	if (!json_object_is_type(obj, json_type_object)) {
		json_object_put(obj);
		return verr_set(e, 400, "bad_request",
		    "Request body must be a JSON object");
	}
	*out = obj;
	return 0;
}

/* Look up `field'; 0 when absent or null, 1 when *v is set. */
static int
json_lookup(struct json_object *obj, const char *field, int required,
    struct json_object **v, struct verr *e)
{
	if (!json_object_object_get_ex(obj, field, v) || *v == NULL) {
		if (required)
			return verr_field(e, field, "%s is required", field);
		return 0;
	}
	return 1;
}

int
json_get_str(struct json_object *obj, const char *field, int required,
    const char **out, struct verr *e)
{
	struct json_object	*v;
	int			 r;

	if ((r = json_lookup(obj, field, required, &v, e)) != 1)
		return r;
	if (!json_object_is_type(v, json_type_string))
		return verr_field(e, field, "%s must be a string", field);
	*out = json_object_get_string(v);
	/* "\u0000" would cut the value short for every C consumer. */
	if (strlen(*out) != (size_t)json_object_get_string_len(v))
		return verr_field(e, field, "%s must not contain NUL", field);
	return 1;
}

int
json_get_int(struct json_object *obj, const char *field, int required,
    int64_t *out, struct verr *e)
{
	struct json_object	*v;
	double			 d;
	int			 r;

	if ((r = json_lookup(obj, field, required, &v, e)) != 1)
		return r;
	if (json_object_is_type(v, json_type_int)) {
		*out = json_object_get_int64(v);
		return 1;
	}
	/* 20.0 is integral; 20.5 and 1e300 are not acceptable integers. */
	if (json_object_is_type(v, json_type_double)) {
		d = json_object_get_double(v);
		if (d == floor(d) && fabs(d) < 9007199254740992.0) {
			*out = (int64_t)d;
			return 1;
		}
	}
	return verr_field(e, field, "%s must be an integer", field);
}

int
json_get_bool(struct json_object *obj, const char *field, int required,
    int *out, struct verr *e)
{
	struct json_object	*v;
	int			 r;

	if ((r = json_lookup(obj, field, required, &v, e)) != 1)
		return r;
	if (!json_object_is_type(v, json_type_boolean))
		return verr_field(e, field, "%s must be a boolean", field);
	*out = json_object_get_boolean(v);
	return 1;
}

void
json_time(char buf[32], int64_t ms)
{
	struct tm	 tm;
	time_t		 t = (time_t)(ms / 1000);
	int		 frac = (int)(ms % 1000);

	if (frac < 0) {
		frac += 1000;
		t--;
	}
	gmtime_r(&t, &tm);
	snprintf(buf, 32, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
	    (tm.tm_year + 1900) % 10000, (tm.tm_mon + 1) % 100,
	    tm.tm_mday % 100, tm.tm_hour % 100, tm.tm_min % 100,
	    tm.tm_sec % 100, frac % 1000);
}

int64_t
json_now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

char *
json_error_body(const struct verr *e)
{
	struct json_object	*o;
	char			*s;

	if ((o = json_object_new_object()) == NULL)
		xnomem("json_object_new_object");
	json_object_object_add(o, "error", json_object_new_string(
	    e->msg[0] != '\0' ? e->msg : verr_reason(e->status)));
	json_object_object_add(o, "code", json_object_new_string(
	    e->code[0] != '\0' ? e->code : "internal"));
	if (e->field[0] != '\0')
		json_object_object_add(o, "field",
		    json_object_new_string(e->field));
	s = xstrdup(json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return s;
}
