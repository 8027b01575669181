/*
 * Media uploads.  The body streams through the multipart parser into an
 * unlinked temporary file (never whole in memory); the type comes from
 * the first bytes only; the metadata of API.md 6.4 is filtered into a
 * second temporary file (strip.c), which the object is uploaded from.
 * A body announced larger than the whole-request limit is refused
 * before any byte is read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "be.h"
#include "cfg.h"
#include "direct.h"
#include "http.h"
#include "log.h"
#include "rnd.h"
#include "st_s3.h"
#include "strip.h"
#include "upload.h"
#include "verr.h"

#define UPLOAD_BODY_MAX		(51UL << 20)

static long
upload_read_cb(void *ctx, char *buf, size_t n)
{
	struct req	*r = ctx;

	return r->io.read(r->io.ctx, buf, n);
}

/* Replace u's media file by its copy without metadata (API.md 6.4). */
static int
upload_strip(struct upload *u, struct verr *e)
{
	uint64_t	 len;
	int		 fd;

	if ((fd = mp_tmpfile(e)) == -1)
		return -1;
	if (strip_fd(&u->type, u->form.fd, fd, &len, e) == -1) {
		close(fd);
		return -1;
	}
	close(u->form.fd);
	u->form.fd = fd;
	u->form.media_len = (size_t)len;
	return 0;
}

int
upload_read(struct req *r, struct upload *u, int media_only, struct verr *e)
{
	struct mp_limits	 lim;
	const char		*ct = http_getparam(r, "CONTENT_TYPE");
	unsigned long long	 cl;
	int			 hascl;

	memset(u, 0, sizeof(*u));
	u->form.fd = -1;
	if (direct_is(r)) {
		if (direct_read(r, u, media_only, e) == -1)
			return -1;
		return upload_strip(u, e);
	}
	if ((hascl = http_content_length(r, &cl, e)) == -1)
		return -1;
	if (hascl && cl > UPLOAD_BODY_MAX)
		return verr_set(e, 413, "payload_too_large", "Request body "
		    "larger than 51 MiB");
	memset(&lim, 0, sizeof(lim));
	lim.media_max = UPLOAD_MEDIA_MAX;
	lim.body_max = UPLOAD_BODY_MAX;
	lim.media_only = media_only;
	if (mp_form_read(&u->form, ct != NULL ? ct : "", upload_read_cb, r,
	    &lim, e) == -1)
		return -1;
	if (media_detect(u->form.head, u->form.head_len, &u->type) == -1)
		return upload_refuse_type(e);
	return upload_strip(u, e);
}

int
upload_refuse_type(struct verr *e)
{
	return verr_set(e, 415, "unsupported_media_type", "Media must be a "
	    "JPEG, PNG, GIF or WebP image, or an MP4 or QuickTime video");
}

void
upload_uuid(char out[37])
{
	unsigned char	 b[16];

	rnd_bytes(b, sizeof(b));
	b[6] = (b[6] & 0x0f) | 0x40;
	b[8] = (b[8] & 0x3f) | 0x80;
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2], b[3], b[4], b[5],
	    b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

int
upload_store(struct req *r, struct upload *u, const char *bucket,
    const char *prefix, const char *base, struct verr *e)
{
	char	 uuid[37];
	size_t	 blen = strlen(base);

	upload_uuid(uuid);
	snprintf(u->key, sizeof(u->key), "%s%s.%s", prefix, uuid,
	    u->type.ext);
	while (blen > 0 && base[blen - 1] == '/')
		blen--;
	snprintf(u->url, sizeof(u->url), "%.*s/%s", (int)blen, base, u->key);
	if (st_put_fd(r->be->st, bucket, u->key, u->form.fd,
	    (off_t)u->form.media_len, u->type.mime, e) == -1)
		return -1;
	u->stored = 1;
	return 0;
}

void
upload_done(struct req *r, struct upload *u, const char *bucket, int keep)
{
	struct verr	 e;

	if (u->stored && !keep) {
		verr_init(&e);
		if (st_delete(r->be->st, bucket, u->key, &e) == -1)
			log_err("rid=%s orphaned object %s/%s: %s", r->rid,
			    bucket, u->key, e.detail);
	}
	direct_done(r, u, keep);
	if (u->form.fd != -1)
		mp_form_free(&u->form);
}
