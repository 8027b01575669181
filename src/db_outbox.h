/*
 * The outbox: events that could not be published yet, replayed in order
 * by vybes-worker once NATS is back.
 */
#ifndef DB_OUTBOX_H
#define DB_OUTBOX_H

struct db;
struct verr;

/* Keep the event `data' (JSON) for `subject' with message id `msgid'. */
int	db_outbox_insert(struct db *db, const char *subject, const char *msgid,
	    const char *data, struct verr *e);

#endif
