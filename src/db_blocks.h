/*
 * Blocks and mutes (API.md 6.1): collections blocks and mutes, each
 * {userId, targetId, createdAt}, "userId blocks (mutes) targetId".
 */
#ifndef DB_BLOCKS_H
#define DB_BLOCKS_H

#include <stdint.h>

#include "db_mongo.h"

struct db;
struct verr;

enum db_restrict { DB_BLOCK, DB_MUTE };

/*
 * Make `a' block or mute (on=1), or stop blocking or muting (on=0), `b'.
 * *changed tells whether this call created or removed the relation.
 */
int	db_restrict_set(struct db *db, enum db_restrict k, const char *a,
	    const char *b, int on, int *changed, struct verr *e);

/*
 * Every user `user' blocks or mutes (by=0), or who blocks or mutes
 * `user' (by=1): fn(id) for each, in no order.
 */
int	db_restrict_ids(struct db *db, enum db_restrict k, const char *user,
	    int by, void (*fn)(const char *id, void *), void *arg,
	    struct verr *e);

/*
 * The users `user' blocks or mutes, most recent first: fn(user id,
 * time, relation id) for each.
 */
int	db_restrict_list(struct db *db, enum db_restrict k, const char *user,
	    const struct db_page *pg,
	    void (*fn)(const char *uid, int64_t at, const char *rid, void *),
	    void *arg, struct verr *e);

/* 1 when a blocks b or b blocks a, 0 when neither, -1 on error. */
int	db_blocked_either(struct db *db, const char *a, const char *b,
	    struct verr *e);

#endif
