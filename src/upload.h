/*
 * Media uploads shared by POST /posts and POST /stories: read the
 * multipart body, decide the type from the content (API.md Appendix A),
 * and store the object under a fresh UUID key.
 */
#ifndef UPLOAD_H
#define UPLOAD_H

#include "db_uploads.h"
#include "media.h"
#include "multipart.h"

#define UPLOAD_MEDIA_MAX	(50UL << 20)

struct req;
struct verr;

struct upload {
	struct mp_form		 form;
	struct media_type	 type;
	char			 key[160];	/* object key */
	char			 url[2100];	/* public URL */
	int			 stored;	/* the object exists */
	int			 direct;	/* a claimed direct upload */
	struct upload_rec	 rec;		/* that upload */
};

/*
 * Read r's multipart body into u (media_only for stories), or with a
 * JSON body the direct upload it names (direct.c, API.md 6.5), detect
 * the media type and remove its metadata (API.md 6.4).  400, 413
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
 * request failed after the upload: no orphans).  A direct upload's
 * object goes when `keep', else its claim is given back.
 */
void	upload_done(struct req *r, struct upload *u, const char *bucket,
	    int keep);

/* A random version-4 UUID, lower-case hex and dashes. */
void	upload_uuid(char out[37]);

/* Record 415 unsupported_media_type for an undetected type; -1. */
int	upload_refuse_type(struct verr *e);

#endif
