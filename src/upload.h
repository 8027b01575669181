/*
 * Media uploads shared by POST /posts and POST /stories: read the
 * multipart body, decide the type from the content (API.md Appendix A),
 * and store the object under a fresh UUID key.
 */
#ifndef UPLOAD_H
#define UPLOAD_H

#include "media.h"
#include "multipart.h"

struct req;
struct verr;

struct upload {
	struct mp_form		 form;
	struct media_type	 type;
	char			 key[160];	/* object key */
	char			 url[2100];	/* public URL */
	int			 stored;	/* the object exists */
};

/*
 * Read r's multipart body into u (media_only for stories), detect the
 * media type and remove its metadata (API.md 6.4).  400, 413
 * payload_too_large, 415 unsupported_media_type (also for metadata that
 * cannot be parsed).
 */
int	upload_read(struct req *r, struct upload *u, int media_only,
	    struct verr *e);

/*
 * Store the media in `bucket' under prefix + "<uuid>.<ext>" and build its
 * URL on `base'.  503 unavailable when storage fails.
 */
int	upload_store(struct req *r, struct upload *u, const char *bucket,
	    const char *prefix, const char *base, struct verr *e);

/*
 * Release u; when `keep' is 0 and the object was stored, delete it (the
 * request failed after the upload: no orphans).
 */
void	upload_done(struct req *r, struct upload *u, const char *bucket,
	    int keep);

#endif
