/*
 * The stories store (collection stories): short-lived media of a user,
 * readable by the author and the author's followers until expiresAt.
 */
#ifndef DB_STORIES_H
#define DB_STORIES_H

#include <stddef.h>
#include <stdint.h>

#include "db_media.h"

struct db;
struct verr;

struct story {
	char	 id[25];
	char	 user_id[25];
	char	 media_url[2100];
	char	 media_type[64];	/* detected MIME type */
	char	 media_key[160];	/* object key, stories bucket */
	int64_t	 created_ms;
	int64_t	 expires_ms;
	struct media_info media;
};

/* Insert s; s->id receives the new id. */
int	db_story_insert(struct db *db, struct story *s, struct verr *e);

/*
 * Load story id into s if it expires after now_ms.  404 not_found when
 * it is malformed, missing or expired.
 */
int	db_story_get(struct db *db, const char *id, int64_t now_ms,
	    struct story *s, struct verr *e);

/* Delete story id: 1 when it went, 0 when it was already gone, -1. */
int	db_story_delete(struct db *db, const char *id, struct verr *e);

/*
 * The stories expiring after now_ms of the n users in `authors', in one
 * query, newest first, at most `limit'; each goes to fn and is borrowed
 * for the call only.  Returns how many, or -1.
 */
int	db_story_feed(struct db *db, const char *const *authors, size_t n,
	    int64_t now_ms, size_t limit,
	    void (*fn)(const struct story *, void *), void *arg,
	    struct verr *e);

/*
 * Stories that expired at or before now_ms, at most `limit', each to fn
 * (borrowed for the call).  Returns how many, or -1.
 */
int	db_story_expired(struct db *db, int64_t now_ms, size_t limit,
	    void (*fn)(const struct story *, void *), void *arg,
	    struct verr *e);

#endif
