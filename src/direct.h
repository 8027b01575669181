/*
 * Direct uploads (API.md 6.5): the client PUTs its media straight to
 * storage with a presigned URL, then names the upload in a JSON POST
 * /posts or POST /stories, which reads the object back from storage
 * instead of from the request.  upload.c calls these for a JSON body;
 * everything after the media file is the multipart path's.
 */
#ifndef DIRECT_H
#define DIRECT_H

struct cfg;
struct req;
struct upload;
struct verr;

/* 1 when r's body is JSON, i.e. it finalizes a direct upload. */
int	direct_is(struct req *r);

/* The bucket of uploads for `purpose' ("post" or "story"). */
const char *direct_bucket(const struct cfg *c, const char *purpose);

/*
 * Read r's JSON body ({"uploadId"} and for posts "caption" and
 * "visibility", as the multipart form's fields) into u, claim the
 * upload, check its object's size (HEAD: 413 above 50 MiB) and type
 * (ranged GET of the first bytes: 415), and copy the object into u's
 * media file.  An upload that is unknown, expired, another user's, for
 * the other purpose, used, or never uploaded is 400 validation_failed
 * on uploadId.
 */
int	direct_read(struct req *r, struct upload *u, int media_only,
	    struct verr *e);

/*
 * After a direct_read(): when `keep' (the post or story exists) delete
 * the upload's object, else give the claim back so the upload can be
 * finalized again.
 */
void	direct_done(struct req *r, struct upload *u, int keep);

#endif
