/*
 * The outbox: events that could not be published yet, replayed in order
 * by vybes-worker once NATS is back.
 */
#ifndef DB_OUTBOX_H
#define DB_OUTBOX_H

#include <stddef.h>
#include <stdint.h>

struct db;
struct verr;

/* Keep the event `data' (JSON) for `subject' with message id `msgid'. */
int	db_outbox_insert(struct db *db, const char *subject, const char *msgid,
	    const char *data, struct verr *e);

/*
 * The oldest `limit' entries, oldest first: fn(subject, msgid,
 * created_ms, arg) for each.  Returns how many, or -1.
 */
int	db_outbox_list(struct db *db, size_t limit,
	    void (*fn)(const char *subject, const char *msgid,
	    int64_t created_ms, void *arg), void *arg, struct verr *e);

/*
 * Walk the oldest `limit' entries in order, giving each to fn(id,
 * subject, msgid, data, arg) until fn returns -1.  Returns how many
 * entries were read, or -1.
 */
int	db_outbox_replay(struct db *db, size_t limit,
	    int (*fn)(const char *id, const char *subject, const char *msgid,
	    const char *data, void *arg), void *arg, struct verr *e);

/* Remove entry id (its event reached the stream). */
int	db_outbox_delete(struct db *db, const char *id, struct verr *e);

#endif
