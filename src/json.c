/*
 * json-c helpers.  json-c accepts things the contract forbids (trailing
 * garbage after a complete value, invalid UTF-8 in strings, a bare
 * scalar at top level), so parsing here tightens it: the tokener must
 * consume the whole body, validate UTF-8, and yield an object.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "json.h"
#include "verr.h"

/*
 * json-c, even in strict mode, takes 'single-quoted' strings, which are
 * not JSON: a quote outside a double-quoted string rejects the body.
 */
static int
json_has_single_quote(const char *buf, size_t len)
{
	size_t	 i;
	int	 in_str = 0;

	for (i = 0; i < len; i++) {
		if (in_str) {
			if (buf[i] == '\\')
				i++;
			else if (buf[i] == '"')
				in_str = 0;
		} else if (buf[i] == '"')
			in_str = 1;
		else if (buf[i] == '\'')
			return 1;
	}
	return 0;
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
	if (json_has_single_quote(buf, len))
		return verr_set(e, 400, "bad_request",
		    "Request body is not valid JSON");
	if ((tok = json_tokener_new()) == NULL)
		abort();
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
		abort();
	json_object_object_add(o, "error", json_object_new_string(
	    e->msg[0] != '\0' ? e->msg : verr_reason(e->status)));
	json_object_object_add(o, "code", json_object_new_string(
	    e->code[0] != '\0' ? e->code : "internal"));
	if (e->field[0] != '\0')
		json_object_object_add(o, "field",
		    json_object_new_string(e->field));
	if ((s = strdup(json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE))) == NULL)
		abort();
	json_object_put(o);
	return s;
}
