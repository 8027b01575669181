/*
 * The backends of one worker process.  Each is created after fork() and
 * connects lazily on first use; a failed call leaves it able to reconnect
 * on the next request.  Handlers reach backends only through the db_,
 * rds_, mq_ and st_ functions, never through a library header.
 */
#ifndef BE_H
#define BE_H

struct cfg;
struct db;
struct rds;
struct mq;
struct st;

struct be {
	const struct cfg	*cfg;
	struct db		*db;
	struct rds		*rds;
	struct mq		*mq;
	struct st		*st;
};

/*
 * Set up the client libraries (libcurl, libmongoc) and create every
 * backend handle of this process (no connection yet).  Once per process.
 */
void	be_open(struct be *b, const struct cfg *c);
/* Close every backend of b (fields may be NULL), then the libraries. */
void	be_close(struct be *b);

#endif
