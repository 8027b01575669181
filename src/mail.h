/*
 * Outgoing mail: one plain-text UTF-8 message at a time, over SMTP
 * (cfg->smtp_url, through libcurl) or else the Resend HTTP API
 * (cfg->resend_api_key), from cfg->sender_email.  Every send is bounded:
 * 2 s to connect, 10 s in all.
 *
 * Messages for Resend are POSTed to <cfg->resend_url>/emails; the
 * setting exists so tests can point Resend at a local server.
 *
 * libcurl must be set up first (be_open() does).
 */
#ifndef MAIL_H
#define MAIL_H

struct cfg;
struct verr;

/* Is a transport (SMTP_URL or RESEND_API_KEY) and SENDER_EMAIL set? */
int	mail_configured(const struct cfg *c);

/*
 * Send `body' (UTF-8, "\n" or "\r\n" line ends) with `subject' to the
 * single address `to'; SMTP_URL wins over Resend.  Fails with 500
 * internal when `to' or `subject' holds a CR or LF or the message is too
 * large, 503 unavailable when no transport is configured or it fails
 * (the log-only detail says why, never a credential).
 */
int	mail_send(const struct cfg *c, const char *to, const char *subject,
	    const char *body, struct verr *e);

#endif
