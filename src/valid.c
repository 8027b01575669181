/*
 * Field rules of API.md 3.1.1.  Lengths are counted in Unicode code
 * points, and text that is not strict UTF-8 fails every rule.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "valid.h"

static const char *const reserved[] = {
	"me", "profile", "register", "login", "logout", "refresh", "admin",
	"api", "vybes",
};

long
valid_utf8(const void *buf, size_t len)
{
	const unsigned char	*s = buf;
	size_t			 i = 0, k, need;
	unsigned long		 cp, min;
	long			 n = 0;

	while (i < len) {
		cp = s[i];
		if (cp == 0)
			return -1;
		if (cp < 0x80) {
			need = 0;
			min = 0;
		} else if ((cp & 0xe0) == 0xc0) {
			need = 1;
			min = 0x80;
			cp &= 0x1f;
		} else if ((cp & 0xf0) == 0xe0) {
			need = 2;
			min = 0x800;
			cp &= 0x0f;
		} else if ((cp & 0xf8) == 0xf0) {
			need = 3;
			min = 0x10000;
			cp &= 0x07;
		} else
			return -1;
		if (need > len - i - 1)
			return -1;
		for (k = 1; k <= need; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return -1;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return -1;
		i += need + 1;
		n++;
	}
	return n;
}

long
valid_utf8_str(const char *s)
{
	return valid_utf8(s, strlen(s));
}

size_t
valid_utf8_prefix(const char *s, size_t max)
{
	size_t		 n = strnlen(s, max), i, len;
	unsigned char	 c;

	if (n == 0)
		return 0;
	/* back over continuation bytes to the last character's lead byte */
	i = n - 1;
	while (i > 0 && n - i < 4 && ((unsigned char)s[i] & 0xc0) == 0x80)
		i--;
	c = (unsigned char)s[i];
	len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
	return i + len > n ? i : n;
}

/* Copy `in' without leading and trailing ASCII whitespace into out. */
static int
valid_trim(const char *in, char *out, size_t outsz)
{
	const char	*e;
	size_t		 len;

	while (*in != '\0' && isspace((unsigned char)*in))
		in++;
	e = in + strlen(in);
	while (e > in && isspace((unsigned char)e[-1]))
		e--;
	len = (size_t)(e - in);
	if (len >= outsz)
		return -1;
	memcpy(out, in, len);
	out[len] = '\0';
	return 0;
}

static int
valid_label(const char *s, size_t len)
{
	size_t	 i;

	if (len < 1 || len > 63 || s[0] == '-' || s[len - 1] == '-')
		return -1;
	for (i = 0; i < len; i++)
		if (!islower((unsigned char)s[i]) &&
		    !isdigit((unsigned char)s[i]) && s[i] != '-')
			return -1;
	return 0;
}

static int
valid_email_strict(const char *e)
{
	const char	*at = strchr(e, '@'), *p, *dot, *last = NULL;
	size_t		 llen, i;

	llen = (size_t)(at - e);
	if (llen < 1 || llen > 64 || e[0] == '.' || at[-1] == '.')
		return -1;
	for (i = 0; i < llen; i++) {
		if (e[i] <= 0x20 || e[i] >= 0x7f ||
		    strchr("\"(),:;<>[\\]", e[i]) != NULL)
			return -1;
		if (e[i] == '.' && e[i + 1] == '.')
			return -1;
	}
	for (p = at + 1, i = 0;; p = dot + 1, i++) {
		dot = strchr(p, '.');
		if (valid_label(p, dot != NULL ? (size_t)(dot - p) :
		    strlen(p)) == -1)
			return -1;
		last = p;
		if (dot == NULL)
			break;
	}
	if (i < 1 || strlen(last) < 2)
		return -1;
	for (p = last; *p != '\0'; p++)
		if (!islower((unsigned char)*p))
			return -1;
	return 0;
}

int
valid_email(const char *in, int strict, char *out)
{
	const char	*at;
	char		*p;

	if (valid_trim(in, out, VALID_EMAIL_MAX + 1) == -1)
		return -1;
	for (p = out; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	if ((at = strchr(out, '@')) == NULL || strchr(at + 1, '@') != NULL ||
	    at == out || at[1] == '\0')
		return -1;
	return strict ? valid_email_strict(out) : 0;
}

int
valid_password(const char *pw)
{
	long	 n = valid_utf8_str(pw);

	return n >= 8 && n <= 128 ? 0 : -1;
}

int
valid_name(const char *in, char *out, size_t outsz)
{
	long	 n;

	if (valid_trim(in, out, outsz) == -1)
		return -1;
	n = valid_utf8_str(out);
	return n >= 1 && n <= 50 ? 0 : -1;
}

int
valid_reserved(const char *name)
{
	size_t	 i;

	for (i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++)
		if (strcmp(name, reserved[i]) == 0)
			return 1;
	return 0;
}

static int
valid_uchar(int c)
{
	return islower(c) || isdigit(c) || c == '_' || c == '.';
}

int
valid_username(const char *in, char *out)
{
	size_t	 len = strlen(in), i;

	if (len < 3 || len > VALID_USERNAME_MAX)
		return -1;
	for (i = 0; i <= len; i++)
		out[i] = (char)tolower((unsigned char)in[i]);
	for (i = 0; i < len; i++)
		if (!valid_uchar((unsigned char)out[i]) ||
		    (out[i] == '.' && out[i + 1] == '.'))
			return -1;
	if (out[0] == '.' || out[len - 1] == '.' || valid_reserved(out))
		return -1;
	return 0;
}

int
valid_username_lookup(const char *in, char *out)
{
	if (*in == '@')
		in++;
	return valid_username(in, out);
}

int
valid_username_from_email(const char *email, char *out)
{
	const char	*at = strchr(email, '@');
	size_t		 i, o = 0, len;
	char		 c;

	len = at != NULL ? (size_t)(at - email) : strlen(email);
	for (i = 0; i < len && email[i] != '+'; i++) {
		c = (char)tolower((unsigned char)email[i]);
		if (!valid_uchar((unsigned char)c))
			c = '_';
		/* Runs of dots collapse, leading dots go. */
		if (c == '.' && (o == 0 || out[o - 1] == '.'))
			continue;
		if (o < 24)
			out[o++] = c;
	}
	while (o > 0 && out[o - 1] == '.')
		o--;
	out[o] = '\0';
	if (o == 0) {
		strcpy(out, "user");
		o = 4;
	}
	return o < 3 || valid_reserved(out);
}

int
valid_url(const char *s)
{
	size_t	 i, n = strlen(s);

	if (n == 0)
		return 0;
	if (n > 2048)
		return -1;
	if (strncasecmp(s, "http://", 7) != 0 &&
	    strncasecmp(s, "https://", 8) != 0)
		return -1;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] <= 0x20 || s[i] == 0x7f)
			return -1;
	/* A host must follow the scheme. */
	s = strstr(s, "//") + 2;
	return *s != '\0' && *s != '/' ? 0 : -1;
}

int
valid_bio(const char *s)
{
	long	 n = valid_utf8_str(s);

	return n >= 0 && n <= 300 ? 0 : -1;
}
