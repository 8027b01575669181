/*
 * The notifications store (collection notifications, API.md 2.8 and
 * 3.6): one document per notification, written by the event worker and
 * read and marked read by the API.  Two sparse unique indexes make
 * creation safe under concurrency and redelivery: dedupeKey, held only
 * while a de-duplicated notification is unread, and eventId, the domain
 * event the notification came from.
 */
#ifndef DB_NOTIFICATIONS_H
#define DB_NOTIFICATIONS_H

#include <stddef.h>
#include <stdint.h>

#include "db_mongo.h"

struct db;
struct verr;

struct notif {
	char	 id[25];
	char	 user_id[25];		/* recipient */
	char	 actor_id[25];		/* who caused it */
	char	 type[8];		/* like, comment, follow, repost */
	char	 post_id[25];		/* "" for follow */
	char	 comment_id[25];	/* comment only, else "" */
	char	 dedupe[128];		/* "" when not de-duplicated */
	char	 event_id[64];		/* "" when not from an event */
	int	 read;
	int64_t	 created_ms;		/* 0: now */
};

/*
 * Insert n (its id when set, else a new one; dedupeKey only while
 * unread).  *created is 1 when stored, 0 when a unique index refused it:
 * an unread notification with the same dedupe key exists, or event_id
 * was already turned into one.  Ids that are not 24 hex digits fail with
 * 404 not_found; driver failures with 503 unavailable or 500 internal.
 */
int	db_notif_create(struct db *db, const struct notif *n, int *created,
	    struct verr *e);

/*
 * The notifications of `user', newest first (createdAt, then id), one
 * page of pg; each goes to fn.  Returns how many, or -1 (503/500).
 */
int	db_notif_list(struct db *db, const char *user, const struct db_page *pg,
	    void (*fn)(const struct notif *, void *), void *arg,
	    struct verr *e);

/*
 * The number of unread notifications of `user' into *count, leaving out
 * those whose actor is one of the nexcept ids of except.
 */
int	db_notif_unread(struct db *db, const char *user,
	    const char *const *except, size_t nexcept, int64_t *count,
	    struct verr *e);

/*
 * The recipients of the unread notifications whose actor is `actor':
 * fn(user id) for each notification, in no order.
 */
int	db_notif_unread_of(struct db *db, const char *actor,
	    void (*fn)(const char *uid, void *), void *arg, struct verr *e);

/*
 * Mark read the unread notifications of `user' that are among the n ids
 * (every one with `all'), releasing their dedupe keys.  Ids that are not
 * 24 hex digits are ignored.  *modified gets how many changed from unread
 * to read.
 */
int	db_notif_mark_read(struct db *db, const char *user,
	    const char *const *ids, size_t n, int all, int64_t *modified,
	    struct verr *e);

#endif
