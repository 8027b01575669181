/*
 * Byte encodings used on the wire: base64url without padding (tokens,
 * cursors, JWT parts) and lowercase hexadecimal (ids, hashes).
 */
#ifndef ENC_H
#define ENC_H

#include <stddef.h>

/* Length of the base64url text of n bytes, without the terminating NUL. */
#define ENC_B64URL_LEN(n)	(((n) * 4 + 2) / 3)

/* Encode n bytes as base64url without padding into out (terminated). */
void	enc_b64url(const void *in, size_t n, char *out);

/*
 * Decode base64url without padding (`len' chars of in) into out, at most
 * outsz bytes; *n gets the decoded size.  -1 on a character outside the
 * alphabet, an impossible length, non-zero trailing bits or overflow.
 */
int	enc_unb64url(const char *in, size_t len, unsigned char *out,
	    size_t outsz, size_t *n);

/* Encode n bytes as lowercase hex into out (2n + 1 bytes). */
void	enc_hex(const void *in, size_t n, char *out);

/* Value 0-15 of the hex digit c (either case); -1 when c is not one. */
int	enc_hexval(int c);

/*
 * Decode exactly 2n hex digits (either case) of in into out[n]; -1 when
 * `in' has another length or a non-hex character.
 */
int	enc_unhex(const char *in, unsigned char *out, size_t n);

/* Is s exactly 24 hex digits (an ObjectId), in either case? */
int	enc_is_oid(const char *s);

#endif
