/*
 * Pagination of list endpoints (API.md 1.6): limit, page and opaque
 * cursors that encode the last item's sort key and id, signed so that a
 * tampered or foreign cursor is refused.
 */
#ifndef PAGE_H
#define PAGE_H

#include <stddef.h>
#include <stdint.h>

struct db_page;
struct req;
struct verr;

struct page {
	size_t	 limit;		/* items to return */
	size_t	 skip;		/* from page=N, when no cursor */
	int	 after;		/* a cursor was given: start after it */
	int64_t	 after_key;	/* sort key of the cursor's item */
	char	 after_id[25];	/* id of the cursor's item */
};

/*
 * Read limit (default def, clamped to max), cursor and page from r's
 * query for the list named `scope' (cursors of another scope are
 * refused).  400 validation_failed naming the parameter.
 */
int	page_parse(struct req *r, const char *scope, size_t def, size_t max,
	    struct page *pg, struct verr *e);

/*
 * The database position of pg, asking for one item more than the page
 * holds so that the caller learns whether a next page exists.
 */
void	page_to_db(const struct page *pg, struct db_page *dp);

/*
 * Announce the next page, after the item (key, id), with X-Next-Cursor
 * and Link headers (the same path and query, page removed).
 */
void	page_next(struct req *r, const char *scope, int64_t key,
	    const char *id);

#endif
