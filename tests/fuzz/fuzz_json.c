/*
 * JSON request bodies as handlers see them: the strict body parser
 * (json_parse_object), then every typed getter and field rule on every
 * member.  Oracle besides the sanitizers: a string a getter hands out is
 * strict UTF-8 without NUL.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "json.h"
#include "valid.h"
#include "verr.h"

static void
fuzz_field(struct json_object *o, const char *k)
{
	struct verr	 e;
	const char	*s;
	char		 out[2048];
	int64_t		 n;
	int		 b;

	verr_init(&e);
	if (json_get_str(o, k, 0, &s, &e) == 1) {
		if (valid_utf8_str(s) == -1)
			abort();
		(void)valid_email(s, 1, out);
		(void)valid_email(s, 0, out);
		(void)valid_password(s);
		(void)valid_name(s, out, sizeof(out));
		if (strlen(s) < sizeof(out)) {
			(void)valid_username(s, out);
			(void)valid_username_lookup(s, out);
			(void)valid_username_from_email(s, out);
		}
		(void)valid_url(s);
		(void)valid_bio(s);
	}
	verr_init(&e);
	(void)json_get_int(o, k, 1, &n, &e);
	verr_init(&e);
	(void)json_get_bool(o, k, 1, &b, &e);
	free(json_error_body(&e));
}

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct json_object	*o;
	struct verr		 e;

	verr_init(&e);
	if (json_parse_object((const char *)d, n, &o, &e) == -1) {
		if (e.status != 400 && e.status != 413)
			abort();
		free(json_error_body(&e));
		return 0;
	}
	json_object_object_foreach(o, k, v) {
		(void)v;
		fuzz_field(o, k);
	}
	json_object_put(o);
	return 0;
}
