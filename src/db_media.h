/*
 * The media fields of posts and stories (API.md 6.4): mediaStatus,
 * width, height, durationMs, thumbnailUrl with its object key, and
 * blurhash, written by vybes-worker after it decoded the media; and
 * mediaPending, the date after which a document still `processing' is
 * due for the backstop job, present only while processing.  A document
 * from before processing existed has none of them (see svc_media.c).
 */
#ifndef DB_MEDIA_H
#define DB_MEDIA_H

#include <stddef.h>
#include <stdint.h>

struct db;
struct verr;

/* The collections that carry media. */
#define DB_MEDIA_POSTS		"posts"
#define DB_MEDIA_STORIES	"stories"

/*
 * How long after its creation a document still processing is left to
 * the event path before the backstop job takes it (svc_media.c).
 */
#define DB_MEDIA_GRACE_MS	20000

struct media_info {
	char	 status[12];	/* processing, ready, failed, or "" */
	int64_t	 width, height;		/* 0 until ready */
	int64_t	 duration_ms;		/* videos, when ready */
	char	 thumb_url[2100];
	char	 thumb_key[160];	/* same bucket as the media */
	char	 blurhash[168];
};

/*
 * Mark document id of coll taken by this worker until until_ms: only
 * while it is processing and, with `due', only if its mediaPending has
 * passed now_ms.  1 taken, 0 not (done, gone, or not due), -1.
 */
int	db_media_claim(struct db *db, const char *coll, const char *id,
	    int64_t now_ms, int64_t until_ms, int due, struct verr *e);

/*
 * Store the outcome m (status ready with its fields, or failed) on
 * document id of coll if it is still processing, and end its pending
 * state.  1 stored, 0 not processing any more (or gone), -1.
 */
int	db_media_set(struct db *db, const char *coll, const char *id,
	    const struct media_info *m, struct verr *e);

/*
 * The ids of the documents of coll still processing whose mediaPending
 * is at or before now_ms, at most `limit', each to fn.  Returns how
 * many, or -1.
 */
int	db_media_due(struct db *db, const char *coll, int64_t now_ms,
	    size_t limit, void (*fn)(const char *id, void *), void *arg,
	    struct verr *e);

#endif
