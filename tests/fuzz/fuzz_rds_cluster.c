/*
 * What Redis Cluster nodes answer, read by hiredis's own reply reader
 * as on the wire: the first line is a MOVED/ASK error text for
 * rds_cluster_redirect(), the rest a RESP reply for
 * rds_cluster_parse_slots() (CLUSTER SLOTS).  Oracle: every slot maps to
 * a known node or to none.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>

#include "rds_cluster.h"

static struct rds_slotmap	 map;

/*
 * Does the reply announce an aggregate of more than 99999 elements?
 * hiredis 0.14 callocs the announced count before it reads any (found
 * here as an out-of-memory); a Redis node is trusted not to, so such
 * inputs are left out.
 */
static int
fuzz_huge(const uint8_t *p, size_t n)
{
	size_t	 i, k;

	for (i = 0; i < n; i++) {
		if (p[i] != '*' && p[i] != '%' && p[i] != '~' && p[i] != '>')
			continue;
		for (k = i + 1; k < n && p[k] >= '0' && p[k] <= '9'; k++)
			continue;
		if (k - i - 1 > 5)
			return 1;
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct rds_addr	 to;
	redisReader	*rd;
	void		*rep = NULL;
	char		 line[512];
	const uint8_t	*nl;
	unsigned	 slot;
	size_t		 i;
	int		 ask;

	if ((nl = memchr(d, '\n', n)) == NULL ||
	    (size_t)(nl - d) >= sizeof(line) || fuzz_huge(d, n))
		return 0;
	memcpy(line, d, (size_t)(nl - d));
	line[nl - d] = '\0';
	(void)rds_cluster_redirect(line, &ask, &slot, &to);
	if ((rd = redisReaderCreate()) == NULL)
		abort();
	if (redisReaderFeed(rd, (const char *)nl + 1, n - (size_t)(nl - d) -
	    1) == REDIS_OK && redisReaderGetReply(rd, &rep) == REDIS_OK &&
	    rep != NULL) {
		(void)rds_cluster_parse_slots(&map, rep, "10.0.0.1");
		for (i = 0; i < RDS_CLUSTER_SLOTS; i++)
			if (map.sm_slot[i] != RDS_CLUSTER_NONE &&
			    map.sm_slot[i] >= map.sm_nnode)
				abort();
		freeReplyObject(rep);
	}
	redisReaderFree(rd);
	return 0;
}
