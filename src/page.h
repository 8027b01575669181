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

/* A position in a list: an item's sort key and id. */
struct page_pos {
	int64_t	 key;
	char	 id[25];
};

/*
 * A list whose items are filtered after they are read (blocks, mutes,
 * the gone).  read(arg, dp, last, e) reads the items at dp, dp->limit
 * at most, in list order, appends those the reader may see to the
 * caller's list, sets *last to the position of the last item read, and
 * answers how many it read (-1 on error); kept(arg) is the number of
 * items the list holds; pos(arg, i, p) the position of its item i.
 */
struct page_src {
	int	(*read)(void *, const struct db_page *, struct page_pos *,
		    struct verr *);
	size_t	(*kept)(void *);
	void	(*pos)(void *, size_t, struct page_pos *);
};

/*
 * Fill pg's page from src: read, and read again after the last item
 * read (in growing batches, PAGE_ROUNDS reads at most) until the list
 * holds more than the page or the source is exhausted, so that a page
 * is short only at the end (API.md 1.6).  The page is the first items
 * of the list, at most pg->limit; the answer is their number, -1 on
 * error.  *more says whether a next page may follow, and *next where
 * it starts after: the page's last item, or the last item read when
 * the reads ran out first (a short page that is not the last).
 */
int	page_fill(const struct page *pg, const struct page_src *src,
	    void *arg, int *more, struct page_pos *next, struct verr *e);

/*
 * A list of ids whose store calls back fn(id, sort key, position id)
 * for each item: the ids (also as ptr, for functions taking const char
 * *const *) with their positions.
 */
struct page_ids {
	char		(*ids)[25];
	const char	**ptr;
	int64_t		 *at;
	char		(*pos)[25];
	size_t		  n, cap;
};

/* The store's callback: append the item to the page_ids arg. */
void	page_ids_add(const char *id, int64_t at, const char *pos, void *arg);
void	page_ids_free(struct page_ids *l);

/*
 * Fill l with pg's page of ids as page_fill() does: list(larg, dp, l,
 * e) asks the store for the items at dp (through page_ids_add()), and
 * hide(harg, ids, n, out, e) sets out[i] for the ids to leave out.  The
 * page is l's first l->n ids; the next one is announced as by
 * page_next().  0, or -1 on error.
 */
int	page_ids_fill(struct req *r, const char *scope, const struct page *pg,
	    int (*list)(void *, const struct db_page *, struct page_ids *,
	    struct verr *), void *larg,
	    int (*hide)(void *, const char *const *, size_t, int *,
	    struct verr *), void *harg, struct page_ids *l, struct verr *e);

/*
 * A list read through page_fill() whose items are kept by value, each
 * `size' bytes with its sort key (int64_t) at key_off and its id at
 * id_off.  list(arg, dp, v, e) asks the store for the items at dp, which
 * it appends with page_vals_add(); keep(arg, items, n, e) moves up, in
 * order, those of the n items the reader may see and answers how many
 * (-1 on error).
 */
struct page_vals {
	char	*items;
	size_t	 n, cap, size, key_off, id_off;
	int	(*list)(void *, const struct db_page *, struct page_vals *,
		    struct verr *);
	int	(*keep)(void *, void *, size_t, struct verr *);
	void	*arg;
};

void	page_vals_add(struct page_vals *v, const void *item);

/* page_fill() of v: the page is v's first items (the answer, or -1). */
int	page_vals_fill(const struct page *pg, struct page_vals *v, int *more,
	    struct page_pos *next, struct verr *e);

#endif
