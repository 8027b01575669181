/*
 * MongoDB: the source of truth.  One client per process, created after
 * fork(), with bounded timeouts; this header is all the rest of the
 * program sees of libmongoc.
 */
#ifndef DB_MONGO_H
#define DB_MONGO_H

#include <stddef.h>
#include <stdint.h>

struct cfg;
struct verr;
struct db;

/* A page position: after (key, id) in descending order, or skip. */
struct db_page {
	int	 after;
	int64_t	 after_key;
	char	 after_id[25];
	size_t	 skip;
	size_t	 limit;
};


/* Once per process before db_new() (be_open()); db_shutdown() at exit. */
void	 db_init(void);
void	 db_shutdown(void);

/*
 * A handle on cfg->mongo_uri / cfg->db_name; connects lazily.  Returns
 * NULL with 500 internal in e if the URI cannot be parsed.
 */
struct db *db_new(const struct cfg *c, struct verr *e);
void	 db_free(struct db *db);

/* Run {ping: 1} within about 1 s.  503 unavailable when unreachable. */
int	 db_ping(struct db *db, struct verr *e);

/*
 * Create the collections' indexes of DESIGN.md section 5; running it
 * again is harmless.  503 unavailable on a dead server, 500 internal on a
 * refused index.
 */
int	 db_migrate(struct db *db, struct verr *e);

#endif
