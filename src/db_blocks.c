/*
 * Blocks and mutes.  The unique index on (userId, targetId) decides which
 * of two concurrent requests creates the relation, as for follows.
 */
#include <stdint.h>

#include "db_blocks.h"
#include "db_internal.h"
#include "verr.h"

static const char *const restrict_colls[] = { "blocks", "mutes" };

/* Index: {userId: 1, targetId: 1} unique (the delete). */
int
db_restrict_set(struct db *db, enum db_restrict k, const char *a,
    const char *b, int on, int *changed, struct verr *e)
{
	bson_t	 doc = BSON_INITIALIZER;
	int	 rc = -1;

	*changed = 0;
	if (db_q_oid(&doc, "userId", a, e) == 0 &&
	    db_q_oid(&doc, "targetId", b, e) == 0)
		rc = db_relation_set(db, restrict_colls[k], &doc, on, changed,
		    e);
	bson_destroy(&doc);
	return rc;
}

/*
 * Index: {userId: 1, targetId: 1} unique (by=0), blocks {targetId: 1,
 *     userId: 1} (by=1).
 */
int
db_restrict_ids(struct db *db, enum db_restrict k, const char *user, int by,
    void (*fn)(const char *, void *), void *arg, struct verr *e)
{
	bson_t	 q = BSON_INITIALIZER;
	int	 rc = -1;

	if (db_q_oid(&q, by ? "targetId" : "userId", user, e) == 0)
		rc = db_each_id(db, restrict_colls[k], &q, by ? "userId" :
		    "targetId", fn, arg, e);
	bson_destroy(&q);
	return rc < 0 ? -1 : 0;
}

struct db_rl {
	void	(*fn)(const char *, int64_t, const char *, void *);
	void	*arg;
};

static void
db_rl_each(const bson_t *doc, void *arg)
{
	struct db_rl	*l = arg;
	char		 uid[25], rid[25];

	db_oidstr(doc, "targetId", uid);
	db_oidstr(doc, "_id", rid);
	l->fn(uid, db_get_int(doc, "createdAt"), rid, l->arg);
}

/* Index: {userId: 1, createdAt: -1, _id: -1}. */
int
db_restrict_list(struct db *db, enum db_restrict k, const char *user,
    const struct db_page *pg,
    void (*fn)(const char *, int64_t, const char *, void *), void *arg,
    struct verr *e)
{
	struct db_rl	 l = { fn, arg };

	return db_each_page(db, restrict_colls[k], "userId", user, pg,
	    db_rl_each, &l, e);
}

static void
db_count_each(const bson_t *doc, void *arg)
{
	(void)doc;
	++*(int *)arg;
}

/* Index: blocks {userId: 1, targetId: 1} unique (two points). */
int
db_blocked_either(struct db *db, const char *a, const char *b,
    struct verr *e)
{
	bson_t	 q = BSON_INITIALIZER, d0 = BSON_INITIALIZER;
	bson_t	 d1 = BSON_INITIALIZER, or;
	int	 n = 0, rc = -1;

	if (db_q_oid(&d0, "userId", a, e) == 0 &&
	    db_q_oid(&d0, "targetId", b, e) == 0 &&
	    db_q_oid(&d1, "userId", b, e) == 0 &&
	    db_q_oid(&d1, "targetId", a, e) == 0) {
		BSON_APPEND_ARRAY_BEGIN(&q, "$or", &or);
		BSON_APPEND_DOCUMENT(&or, "0", &d0);
		BSON_APPEND_DOCUMENT(&or, "1", &d1);
		bson_append_array_end(&q, &or);
		if (db_each(db, "blocks", &q, NULL, db_count_each, &n, e) >= 0)
			rc = n > 0;
	}
	bson_destroy(&q);
	bson_destroy(&d0);
	bson_destroy(&d1);
	return rc;
}
