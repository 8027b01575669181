/*
 * Pages read through a filter (page_fill(), page_vals): only the last
 * page is short, the next page starts after the page's last item or,
 * when the reads ran out, after the last item read.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "db_mongo.h"
#include "page.h"
#include "unit.h"
#include "verr.h"

#define NITEMS	128

struct item {
	int64_t	 key;
	char	 id[25];
	int	 hidden;
};

/* The store: items by key descending (key i is NITEMS - i). */
static struct item	 store[NITEMS];
static size_t		 nstore, nreads;

static void
store_init(size_t n, const char *hidden)
{
	size_t	 i;

	memset(store, 0, sizeof(store));
	for (i = 0; i < n; i++) {
		store[i].key = NITEMS - (int64_t)i;
		snprintf(store[i].id, sizeof(store[i].id), "%024zx", i);
		store[i].hidden = hidden != NULL && hidden[i] == 'x';
	}
	nstore = n;
	nreads = 0;
}

static int
store_list(void *arg, const struct db_page *dp, struct page_vals *v,
    struct verr *e)
{
	size_t	 i = 0, n = 0;

	(void)arg;
	(void)e;
	nreads++;
	if (dp->after)
		while (i < nstore && store[i].key >= dp->after_key)
			i++;
	else
		i = dp->skip;
	for (; i < nstore && n < dp->limit; i++, n++)
		page_vals_add(v, &store[i]);
	return 0;
}

static int
store_keep(void *arg, void *items, size_t n, struct verr *e)
{
	struct item	*it = items;
	size_t		 i, k;

	(void)arg;
	(void)e;
	for (i = k = 0; i < n; i++)
		if (!it[i].hidden)
			it[k++] = it[i];
	return (int)k;
}

/* Fill a page of limit (skip items first), expecting the ids `want'. */
static void
check(size_t limit, size_t skip, const char *want, int more_want,
    size_t next_want)
{
	struct page_vals	 v = { NULL, 0, 0, sizeof(struct item),
	    offsetof(struct item, key), offsetof(struct item, id),
	    store_list, store_keep, NULL };
	struct page		 pg;
	struct page_pos		 next;
	struct verr		 e;
	struct item		*it;
	char			 got[NITEMS * 4 + 1];
	size_t			 i, len = 0;
	int			 n, more;

	memset(&pg, 0, sizeof(pg));
	pg.limit = limit;
	pg.skip = skip;
	verr_init(&e);
	n = page_vals_fill(&pg, &v, &more, &next, &e);
	CU_ASSERT_FATAL(n >= 0);
	it = (struct item *)(void *)v.items;
	got[0] = '\0';
	for (i = 0; i < (size_t)n; i++)
		len += (size_t)snprintf(got + len, sizeof(got) - len, "%s%d",
		    i ? "," : "", (int)(NITEMS - it[i].key));
	CU_ASSERT_STRING_EQUAL(got, want);
	CU_ASSERT_EQUAL(more, more_want);
	if (more && more_want)
		CU_ASSERT_EQUAL(next.key, NITEMS - (int64_t)next_want);
	if (strcmp(got, want) != 0 || more != more_want)
		fprintf(stderr, "page: got %s more %d, want %s more %d\n", got,
		    more, want, more_want);
	free(v.items);
}

static void
test_unfiltered(void)
{
	store_init(5, NULL);
	check(2, 0, "0,1", 1, 1);
	CU_ASSERT_EQUAL(nreads, 1);
	check(2, 2, "2,3", 1, 3);
	check(2, 4, "4", 0, 0);
	check(5, 0, "0,1,2,3,4", 0, 0);
}

static void
test_refilled(void)
{
	/* Six hidden between the first and the last two: one full page. */
	store_init(9, ".xxxxxx..");
	check(2, 0, "0,7", 1, 7);
	CU_ASSERT_EQUAL(nreads, 2);
	check(3, 0, "0,7,8", 0, 0);
	/* Hidden at the end: the page is the last one. */
	store_init(6, "..xxxx");
	check(2, 0, "0,1", 0, 0);
}

static void
test_rounds_bound(void)
{
	/* One visible, then more hidden than the reads reach. */
	store_init(100, ".xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.");
	/* Reads of 3, 6, 12, 24: short, next after the 45th item read. */
	check(2, 0, "0", 1, 44);
	CU_ASSERT_EQUAL(nreads, 4);
}

void
test_page_suite(void)
{
	CU_pSuite	 s;

	if ((s = CU_add_suite("page", NULL, NULL)) == NULL)
		abort();
	UNIT_ADD(s, "pages without a filter", test_unfiltered);
	UNIT_ADD(s, "pages refilled", test_refilled);
	UNIT_ADD(s, "reads bounded", test_rounds_bound);
}
