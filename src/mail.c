/*
 * Outgoing mail over SMTP or the Resend HTTP API, both through libcurl.
 *
 * SMTP: the message is built here as RFC 5322 text with CRLF line ends
 * (RFC 5322 section 2.1; a bare LF is not a line end on the wire) and a
 * Subject encoded per RFC 2047 when it is not plain ASCII.  curl itself
 * dot-stuffs the upload (a line starting with "." gains a second one,
 * RFC 5321 section 4.5.2) and appends the final CRLF.CRLF, so the text
 * is handed to it unescaped.  smtp:// upgrades with STARTTLS when the
 * server offers it (CURLUSESSL_TRY: the local mail catcher has no TLS);
 * smtps:// is TLS from the start.  Credentials in SMTP_URL go to curl
 * only: no error detail quotes the URL.
 *
 * Resend: one JSON POST to <base>/emails with a Bearer key; any 2xx is
 * success.  A handle is made per message: mail is rare, and a fresh
 * handle keeps one transport's options out of the other's.
 */
#include <sys/random.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <json-c/json.h>

#include "buf.h"
#include "cfg.h"
#include "log.h"
#include "mail.h"
#include "verr.h"
#include "xmem.h"

#define MAIL_CONNECT_MS	2000	/* connect, TLS, SMTP greeting */
#define MAIL_TOTAL_MS	10000	/* whole transfer */
#define MAIL_REPLY_S	4	/* one SMTP reply, QUIT's included */
#define MAIL_MAX	(256 * 1024)	/* built message with headers */
#define MAIL_SUBJ_MAX	512	/* subject bytes before encoding */
#define MAIL_ERRBODY	512	/* bytes of a Resend error body kept */
#define MAIL_EW_IN	39	/* input bytes of one encoded-word */

/* What the SMTP read callback still has to hand to curl. */
struct mail_src {
	const char	*p;
	size_t		 left;
};

static int
mail_set(const char *s)
{
	return s != NULL && s[0] != '\0';
}

int
mail_configured(const struct cfg *c)
{
	return mail_set(c->sender_email) &&
	    (mail_set(c->smtp_url) || mail_set(c->resend_api_key));
}

static int
mail_has_ctl(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

static struct curl_slist *
mail_slist(struct curl_slist *l, const char *s)
{
	struct curl_slist	*n;

	if ((n = curl_slist_append(l, s)) == NULL)
		xnomem("curl_slist_append");
	return n;
}

/*
 * The bare address of SENDER_EMAIL, which may read "Name <addr>", for
 * the SMTP envelope and the Message-ID domain.
 */
static void
mail_addr(const char *sender, char *out, size_t outsz)
{
	const char	*lt, *gt;

	if ((lt = strrchr(sender, '<')) != NULL &&
	    (gt = strchr(lt, '>')) != NULL)
		snprintf(out, outsz, "%.*s", (int)(gt - lt - 1), lt + 1);
	else
		snprintf(out, outsz, "%s", sender);
}

/* RFC 5322 section 3.3 date in UTC; strftime() would follow the locale. */
static void
mail_date(char *out, size_t outsz)
{
	static const char *const day[] = { "Sun", "Mon", "Tue", "Wed",
	    "Thu", "Fri", "Sat" };
	static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr",
	    "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm	 tm;
	time_t		 t;

	t = time(NULL);
	gmtime_r(&t, &tm);
	snprintf(out, outsz, "%s, %02d %s %04d %02d:%02d:%02d +0000",
	    day[tm.tm_wday], tm.tm_mday, mon[tm.tm_mon], tm.tm_year + 1900,
	    tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static void
mail_b64(struct buf *b, const unsigned char *in, size_t n)
{
	static const char	 a[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char			 q[4];
	unsigned long		 v;
	size_t			 i;

	for (i = 0; i < n; i += 3) {
		v = (unsigned long)in[i] << 16;
		if (i + 1 < n)
			v |= (unsigned long)in[i + 1] << 8;
		if (i + 2 < n)
			v |= in[i + 2];
		q[0] = a[(v >> 18) & 63];
		q[1] = a[(v >> 12) & 63];
		q[2] = i + 1 < n ? a[(v >> 6) & 63] : '=';
		q[3] = i + 2 < n ? a[v & 63] : '=';
		buf_add(b, q, 4);
	}
}

/*
 * The Subject field.  Text that is not printable ASCII, or could be
 * mistaken for an encoded-word, becomes RFC 2047 B encoded-words of at
 * most 39 input bytes (64 characters: with "Subject: " still under the
 * 76 a line may hold, section 2), split only between UTF-8 characters
 * (section 5: each word must decode on its own), one per folded line.
 */
static void
mail_subject(struct buf *b, const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 n, len, i;
	int			 plain = 1;

	len = strlen(s);
	for (i = 0; i < len; i++)
		if (p[i] < 0x20 || p[i] >= 0x7f)
			plain = 0;
	if (strstr(s, "=?") != NULL)
		plain = 0;
	buf_puts(b, "Subject:");
	if (plain) {
		buf_puts(b, " ");
		buf_add(b, s, len);
		buf_puts(b, "\r\n");
		return;
	}
	for (i = 0; i < len; i += n) {
		n = len - i < MAIL_EW_IN ? len - i : MAIL_EW_IN;
		/* Back off from a cut inside a character. */
		while (i + n < len && n > 1 && (p[i + n] & 0xc0) == 0x80)
			n--;
		buf_puts(b, i == 0 ? " =?UTF-8?B?" : "\r\n =?UTF-8?B?");
		mail_b64(b, p + i, n);
		buf_puts(b, "?=");
	}
	buf_puts(b, "\r\n");
}

/* The body with every "\n", "\r\n" or lone "\r" turned into CRLF. */
static void
mail_body(struct buf *b, const char *s)
{
	size_t	 n;

	while (*s != '\0') {
		n = strcspn(s, "\r\n");
		buf_add(b, s, n);
		s += n;
		if (*s == '\0') {
			if (n > 0)
				buf_puts(b, "\r\n");
			break;
		}
		if (s[0] == '\r' && s[1] == '\n')
			s++;
		s++;
		buf_puts(b, "\r\n");
	}
}

static int
mail_message(const struct cfg *c, const char *from_addr, const char *to,
    const char *subject, const char *body, struct buf *b, struct verr *e)
{
	unsigned char	 rnd[16];
	char		 hex[sizeof(rnd) * 2 + 1], date[64];
	const char	*dom;
	size_t		 i;

	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		return verr_internal(e, "mail: getrandom: %s",
		    strerror(errno));
	for (i = 0; i < sizeof(rnd); i++)
		snprintf(hex + i * 2, 3, "%02x", rnd[i]);
	dom = strrchr(from_addr, '@');
	dom = dom != NULL && dom[1] != '\0' ? dom + 1 : "localhost";
	mail_date(date, sizeof(date));

	buf_puts(b, "Date: ");
	buf_puts(b, date);
	buf_puts(b, "\r\nFrom: ");
	buf_puts(b, c->sender_email);
	buf_puts(b, "\r\nTo: ");
	buf_puts(b, to);
	buf_puts(b, "\r\n");
	mail_subject(b, subject);
	buf_puts(b, "Message-ID: <");
	buf_puts(b, hex);
	buf_puts(b, "@");
	buf_puts(b, dom);
	buf_puts(b, ">\r\n"
	    "MIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n"
	    "Content-Transfer-Encoding: 8bit\r\n"
	    "\r\n");
	mail_body(b, body);
	if (b->b_full) {
		verr_internal(e, "mail: message over %d bytes", MAIL_MAX);
		return -1;
	}
	return 0;
}

static size_t
mail_read_cb(char *out, size_t size, size_t nitems, void *arg)
{
	struct mail_src	*src = arg;
	size_t		 n;

	n = size * nitems;
	if (n > src->left)
		n = src->left;
	memcpy(out, src->p, n);
	src->p += n;
	src->left -= n;
	return n;
}

static int
mail_smtp(const struct cfg *c, const char *to, const char *subject,
    const char *body, struct verr *e)
{
	CURL			*h = NULL;
	struct curl_slist	*rcpt = NULL;
	struct buf		 msg;
	struct mail_src		 src;
	char			 addr[320], from[330], rc_to[330];
	char			 errbuf[CURL_ERROR_SIZE], why[256];
	CURLcode		 cc;
	long			 code = 0;
	int			 rc = -1;

	buf_init(&msg, MAIL_MAX);
	mail_addr(c->sender_email, addr, sizeof(addr));
	if (mail_message(c, addr, to, subject, body, &msg, e) == -1)
		goto out;
	snprintf(from, sizeof(from), "<%s>", addr);
	snprintf(rc_to, sizeof(rc_to), "<%s>", to);
	rcpt = mail_slist(NULL, rc_to);
	if ((h = curl_easy_init()) == NULL) {
		verr_backend(e, "mail", "smtp: curl_easy_init failed");
		goto out;
	}
	src.p = msg.b_data;
	src.left = msg.b_len;
	errbuf[0] = '\0';
	curl_easy_setopt(h, CURLOPT_URL, c->smtp_url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, (long)MAIL_CONNECT_MS);
	/*
	 * After a failure curl 7.88 sends QUIT and waits for its reply
	 * outside CURLOPT_TIMEOUT_MS, for up to the server response
	 * timeout (120 s by default): the two together make the bound.
	 */
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS,
	    (long)(MAIL_TOTAL_MS - MAIL_REPLY_S * 1000));
	curl_easy_setopt(h, CURLOPT_SERVER_RESPONSE_TIMEOUT,
	    (long)MAIL_REPLY_S);
	/* smtps:// ignores this: its TLS is implicit and required. */
	curl_easy_setopt(h, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
	curl_easy_setopt(h, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(h, CURLOPT_READFUNCTION, mail_read_cb);
	curl_easy_setopt(h, CURLOPT_READDATA, &src);
	curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)msg.b_len);

	if ((cc = curl_easy_perform(h)) != CURLE_OK) {
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
		if (code != 0)
			snprintf(why, sizeof(why), "smtp: %.200s (reply %ld)",
			    errbuf[0] != '\0' ? errbuf :
			    curl_easy_strerror(cc), code);
		else
			snprintf(why, sizeof(why), "smtp: %.200s",
			    errbuf[0] != '\0' ? errbuf :
			    curl_easy_strerror(cc));
		verr_backend(e, "mail", why);
		goto out;
	}
	rc = 0;
out:
	curl_easy_cleanup(h);
	curl_slist_free_all(rcpt);
	buf_free(&msg);
	return rc;
}

static int
mail_resend(const struct cfg *c, const char *to, const char *subject,
    const char *body, struct verr *e)
{
	CURL			*h = NULL;
	struct curl_slist	*hdrs = NULL;
	struct json_object	*o = NULL, *a;
	struct buf		 resp;
	const char		*base, *json;
	char			 url[512], auth[512], why[256], esc[160];
	char			 errbuf[CURL_ERROR_SIZE];
	CURLcode		 cc;
	long			 code = 0;
	size_t			 n;
	int			 rc = -1;

	buf_init(&resp, MAIL_ERRBODY);
	if (mail_has_ctl(c->resend_api_key) ||
	    strlen(c->resend_api_key) > sizeof(auth) - 32) {
		verr_backend(e, "mail", "resend: RESEND_API_KEY is malformed");
		goto out;
	}
	base = c->resend_url;
	for (n = strlen(base); n > 0 && base[n - 1] == '/'; n--)
		continue;
	if (n == 0 || n > sizeof(url) - sizeof("/emails")) {
		verr_backend(e, "mail", "resend: resend_url empty or too long");
		goto out;
	}
	snprintf(url, sizeof(url), "%.*s/emails", (int)n, base);

	if ((o = json_object_new_object()) == NULL ||
	    (a = json_object_new_array()) == NULL)
		xnomem("json_object_new_object");
	json_object_object_add(o, "from",
	    json_object_new_string(c->sender_email));
	json_object_array_add(a, json_object_new_string(to));
	json_object_object_add(o, "to", a);
	json_object_object_add(o, "subject", json_object_new_string(subject));
	json_object_object_add(o, "text", json_object_new_string(body));
	json = json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);

	snprintf(auth, sizeof(auth), "Authorization: Bearer %s",
	    c->resend_api_key);
	hdrs = mail_slist(hdrs, auth);
	explicit_bzero(auth, sizeof(auth));
	hdrs = mail_slist(hdrs, "Content-Type: application/json");
	/* No "Expect: 100-continue" wait on a body over 1 KiB. */
	hdrs = mail_slist(hdrs, "Expect:");

	if ((h = curl_easy_init()) == NULL) {
		verr_backend(e, "mail", "resend: curl_easy_init failed");
		goto out;
	}
	errbuf[0] = '\0';
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, (long)MAIL_CONNECT_MS);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)MAIL_TOTAL_MS);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "vybes-api");
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, json);
	curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
	    (curl_off_t)strlen(json));
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, buf_curl_start);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &resp);

	if ((cc = curl_easy_perform(h)) != CURLE_OK) {
		snprintf(why, sizeof(why), "resend: %.200s",
		    errbuf[0] != '\0' ? errbuf : curl_easy_strerror(cc));
		verr_backend(e, "mail", why);
		goto out;
	}
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	if (code < 200 || code > 299) {
		log_escape(esc, sizeof(esc), buf_str(&resp));
		snprintf(why, sizeof(why), "resend: HTTP %ld: %s", code, esc);
		verr_backend(e, "mail", why);
		goto out;
	}
	rc = 0;
out:
	curl_easy_cleanup(h);
	if (hdrs != NULL)
		explicit_bzero(hdrs->data, strlen(hdrs->data));
	curl_slist_free_all(hdrs);
	json_object_put(o);
	buf_free(&resp);
	return rc;
}

int
mail_send(const struct cfg *c, const char *to, const char *subject,
    const char *body, struct verr *e)
{
	if (!mail_configured(c))
		return verr_backend(e, "mail", "no transport configured "
		    "(SMTP_URL or RESEND_API_KEY, and SENDER_EMAIL)");
	/* A CR or LF would start a header line of the caller's choosing. */
	if (to[0] == '\0' || mail_has_ctl(to) ||
	    strpbrk(subject, "\r\n") != NULL ||
	    mail_has_ctl(c->sender_email)) {
		verr_internal(e, "mail: control character in an address or "
		    "the subject");
		return -1;
	}
	if (strlen(to) > 254 || strlen(subject) > MAIL_SUBJ_MAX) {
		verr_internal(e, "mail: recipient or subject too long");
		return -1;
	}
	if (mail_set(c->smtp_url))
		return mail_smtp(c, to, subject, body, e);
	return mail_resend(c, to, subject, body, e);
}
