/*
 * AWS Signature Version 4 (HMAC-SHA256), the one implementation used
 * both to sign the storage client's requests (an Authorization header)
 * and to presign the URLs clients upload to (the signature in the
 * query).  Names and values are given raw; the signer encodes them as
 * SigV4 wants (RFC 3986 unreserved characters kept, path '/' kept, no
 * double encoding: the S3 rule).
 */
#ifndef SIGV4_H
#define SIGV4_H

#include <stddef.h>
#include <time.h>

/* Who signs, and the scope: region and service ("s3"). */
struct sigv4_key {
	const char	*access;
	const char	*secret;
	const char	*region;
	const char	*service;
};

/* A query parameter or a header, raw (value NULL: a name alone). */
struct sigv4_kv {
	const char	*name;
	const char	*value;
};

/* The request to sign. */
struct sigv4_req {
	const char		*method;
	const char		*path;		/* raw, starts with '/' */
	const struct sigv4_kv	*query;		/* raw; any order */
	size_t			 nquery;
	const struct sigv4_kv	*hdrs;		/* signed headers, host too */
	size_t			 nhdrs;
	const char		*payload;	/* hex SHA-256, UNSIGNED-PAYLOAD */
	time_t			 when;
};

#define SIGV4_DATELEN	17	/* "20150830T123600Z" and NUL */

/* The ISO 8601 basic time of t in UTC, as X-Amz-Date wants it. */
void	sigv4_amzdate(time_t t, char out[SIGV4_DATELEN]);

/*
 * The Authorization header value of r.  r's headers must include host
 * and x-amz-date (sigv4_amzdate(r->when)) as they are sent.  Returns a
 * malloc'd string.
 */
char	*sigv4_authorization(const struct sigv4_key *k,
	    const struct sigv4_req *r);

/*
 * The query string of a presigned URL for r valid `expires' seconds
 * from r->when (1..604800): r's own parameters and the X-Amz-Algorithm,
 * -Credential, -Date, -Expires, -SignedHeaders and -Signature ones,
 * encoded, sorted, without the leading '?'.  The payload is normally
 * UNSIGNED-PAYLOAD.  Returns a malloc'd string.
 */
char	*sigv4_presign(const struct sigv4_key *k, const struct sigv4_req *r,
	    long expires);

/*
 * Append s to out percent-encoded as SigV4 wants: everything but
 * A-Z a-z 0-9 - . _ ~ (and '/' when keep_slash) as %XX, upper case.
 */
struct buf;
void	sigv4_encode(struct buf *out, const char *s, int keep_slash);

#endif
