/*
 * The direct uploads store (collection uploads, API.md 6.5): one record
 * per presigned URL handed out, claimed once by the POST /posts or POST
 * /stories that turns its object into a post or story.
 */
#ifndef DB_UPLOADS_H
#define DB_UPLOADS_H

#include <stdint.h>

struct db;
struct verr;

struct upload_rec {
	char	 id[25];
	char	 user_id[25];
	char	 purpose[8];		/* "post" or "story" */
	char	 key[160];		/* object key, purpose's bucket */
	int64_t	 size;			/* bytes announced */
	int64_t	 expires_ms;		/* the URL's end */
	int	 used;
};

/* Insert u (unused); u->id receives the new id. */
int	db_upload_insert(struct db *db, struct upload_rec *u, struct verr *e);

/*
 * Mark upload id used, atomically, if it belongs to user, is for
 * `purpose', is unused and expires after now_ms, and load it into u.
 * 1 when this call claimed it; 0 when it is unknown (or malformed),
 * another user's, for the other purpose, expired or already used; -1.
 */
int	db_upload_claim(struct db *db, const char *id, const char *user,
	    const char *purpose, int64_t now_ms, struct upload_rec *u,
	    struct verr *e);

/* Give back a claim of upload id (its finalization failed). */
int	db_upload_unclaim(struct db *db, const char *id, struct verr *e);

/*
 * Uploads whose URL expired at or before before_ms, used or not, at
 * most `limit', each to fn (borrowed for the call).  Returns how many,
 * or -1.
 */
int	db_upload_expired(struct db *db, int64_t before_ms, size_t limit,
	    void (*fn)(const struct upload_rec *, void *), void *arg,
	    struct verr *e);

/* Delete upload id: 1 when it went, 0 when it was already gone, -1. */
int	db_upload_delete(struct db *db, const char *id, struct verr *e);

#endif
