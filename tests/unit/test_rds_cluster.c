/*
 * Redis Cluster routing: the CRC16 test vector and hash tag examples of
 * the Redis Cluster specification (slots checked against `redis-cli
 * cluster keyslot' on Redis 7.0), addresses, CLUSTER SLOTS replies fed
 * through hiredis' own parser, and MOVED/ASK errors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <hiredis/hiredis.h>

#include "rds_cluster.h"
#include "unit.h"

static void
test_crc16(void)
{
	CU_ASSERT_EQUAL(rds_cluster_crc16("123456789", 9), 0x31c3);
	CU_ASSERT_EQUAL(rds_cluster_crc16("", 0), 0);
}

static void
test_keyslot(void)
{
	static const struct { const char *key; unsigned slot; } c[] = {
		{ "foo", 12182 },
		{ "bar", 5061 },
		{ "123456789", 12739 },
		{ "", 0 },
		{ "{user1000}.following", 3443 },
		{ "{user1000}.followers", 3443 },
		{ "foo{}{bar}", 8363 },		/* empty tag: whole key */
		{ "foo{{bar}}zap", 4015 },	/* hashes "{bar" */
		{ "{bar", 4015 },
		{ "foo{bar}{zap}", 5061 },	/* hashes "bar" */
		{ "foo{bar", 15278 },		/* no `}': whole key */
		{ "views:{v}:dirty", 7761 },
		{ "views:{v}:65f0c2a1b3c4d5e6f7a8b9c0", 7761 },
		{ "v", 7761 },
	};
	size_t	 i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		CU_ASSERT_EQUAL(rds_cluster_keyslot(c[i].key,
		    strlen(c[i].key)), c[i].slot);
}

static void
test_addr(void)
{
	static const struct {
		const char	*s, *host;
		int		 port;
	} c[] = {
		{ "127.0.0.1:27001", "127.0.0.1", 27001 },
		{ " redis-a:6380 ", "redis-a", 6380 },
		{ "redis-b", "redis-b", 6379 },
		{ "[::1]:7000", "::1", 7000 },
		{ "::1", "::1", 6379 },
		{ "/run/redis.sock", "/run/redis.sock", 0 },
		{ ":7001", "", 7001 },
		{ "host:0", "host", 6379 },
	};
	struct rds_addr	 a;
	size_t		 i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		rds_cluster_addr(c[i].s, strlen(c[i].s), &a);
		CU_ASSERT_STRING_EQUAL(a.ra_host, c[i].host);
		CU_ASSERT_EQUAL(a.ra_port, c[i].port);
	}
	/* Only len bytes count: the rest of a comma list is not read. */
	rds_cluster_addr("h1:1,h2:2", 4, &a);
	CU_ASSERT_STRING_EQUAL(a.ra_host, "h1");
	CU_ASSERT_EQUAL(a.ra_port, 1);
}

/* Parse RESP text into a reply, as hiredis does off the wire. */
static redisReply *
resp(const char *text)
{
	redisReader	*rd;
	void		*rep = NULL;

	if ((rd = redisReaderCreate()) == NULL)
		abort();
	if (redisReaderFeed(rd, text, strlen(text)) != REDIS_OK ||
	    redisReaderGetReply(rd, &rep) != REDIS_OK || rep == NULL)
		abort();
	redisReaderFree(rd);
	return rep;
}

/*
 * Three masters, one with a replica and Redis 7's extra metadata map
 * element, one announced with an empty host (the node asked).
 */
static const char slots_reply[] =
    "*3\r\n"
    "*4\r\n:0\r\n:5460\r\n"
    "*3\r\n$9\r\n127.0.0.1\r\n:27001\r\n$40\r\n"
    "e855e17d5603531b61445ef1c0b2a066eef514da\r\n"
    "*4\r\n$9\r\n127.0.0.1\r\n:27004\r\n$40\r\n"
    "f855e17d5603531b61445ef1c0b2a066eef514da\r\n*0\r\n"
    "*3\r\n:5461\r\n:10922\r\n"
    "*3\r\n$0\r\n\r\n:27002\r\n$40\r\n"
    "41ed2b90d01e3f09c4ccdfe05aa3dfd1be5ed189\r\n"
    "*3\r\n:10923\r\n:16383\r\n"
    "*3\r\n$9\r\n127.0.0.1\r\n:27003\r\n$40\r\n"
    "b8ad349f3b89e1b5a62585d5d549b38a959b5dd0\r\n";

static void
test_parse_slots(void)
{
	struct rds_slotmap	*m;
	redisReply		*rep;

	if ((m = calloc(1, sizeof(*m))) == NULL)
		abort();
	rep = resp(slots_reply);
	CU_ASSERT_EQUAL(rds_cluster_parse_slots(m, rep, "10.0.0.2"), 16384);
	CU_ASSERT_EQUAL(m->sm_nnode, 3);
	CU_ASSERT_STRING_EQUAL(m->sm_node[m->sm_slot[0]].ra_host, "127.0.0.1");
	CU_ASSERT_EQUAL(m->sm_node[m->sm_slot[0]].ra_port, 27001);
	CU_ASSERT_EQUAL(m->sm_node[m->sm_slot[5460]].ra_port, 27001);
	CU_ASSERT_STRING_EQUAL(m->sm_node[m->sm_slot[5461]].ra_host,
	    "10.0.0.2");
	CU_ASSERT_EQUAL(m->sm_node[m->sm_slot[10922]].ra_port, 27002);
	CU_ASSERT_EQUAL(m->sm_node[m->sm_slot[12182]].ra_port, 27003);
	CU_ASSERT_EQUAL(m->sm_node[m->sm_slot[16383]].ra_port, 27003);
	freeReplyObject(rep);

	/* A cluster missing a range: those slots stay unassigned. */
	rep = resp("*1\r\n*3\r\n:100\r\n:199\r\n"
	    "*2\r\n$4\r\nhost\r\n:7000\r\n");
	CU_ASSERT_EQUAL(rds_cluster_parse_slots(m, rep, NULL), 100);
	CU_ASSERT_EQUAL(m->sm_slot[99], RDS_CLUSTER_NONE);
	CU_ASSERT_EQUAL(m->sm_slot[100], 0);
	CU_ASSERT_EQUAL(m->sm_slot[200], RDS_CLUSTER_NONE);
	freeReplyObject(rep);

	/* Malformed: wrong types, slot out of range, an error reply. */
	rep = resp("*1\r\n*3\r\n:0\r\n:16384\r\n*2\r\n$1\r\nh\r\n:1\r\n");
	CU_ASSERT_EQUAL(rds_cluster_parse_slots(m, rep, NULL), -1);
	freeReplyObject(rep);
	rep = resp("*1\r\n*3\r\n$1\r\n0\r\n:1\r\n*2\r\n$1\r\nh\r\n:1\r\n");
	CU_ASSERT_EQUAL(rds_cluster_parse_slots(m, rep, NULL), -1);
	freeReplyObject(rep);
	rep = resp("-ERR This instance has cluster support disabled\r\n");
	CU_ASSERT_EQUAL(rds_cluster_parse_slots(m, rep, NULL), -1);
	freeReplyObject(rep);
	rep = resp("*0\r\n");
	CU_ASSERT_EQUAL(rds_cluster_parse_slots(m, rep, NULL), 0);
	freeReplyObject(rep);
	free(m);
}

static void
test_nodes(void)
{
	struct rds_slotmap	*m;
	char			 host[16];
	int			 i;

	if ((m = calloc(1, sizeof(*m))) == NULL)
		abort();
	rds_cluster_clear(m);
	CU_ASSERT_EQUAL(rds_cluster_node(m, "a", 1), 0);
	CU_ASSERT_EQUAL(rds_cluster_node(m, "b", 1), 1);
	CU_ASSERT_EQUAL(rds_cluster_node(m, "a", 2), 2);
	CU_ASSERT_EQUAL(rds_cluster_node(m, "a", 1), 0);
	for (i = 3; i < RDS_CLUSTER_MAXNODES; i++) {
		snprintf(host, sizeof(host), "n%d", i);
		CU_ASSERT_EQUAL(rds_cluster_node(m, host, 1), i);
	}
	CU_ASSERT_EQUAL(rds_cluster_node(m, "full", 1), -1);
	CU_ASSERT_EQUAL(rds_cluster_node(m, "b", 1), 1);
	free(m);
}

static void
test_redirect(void)
{
	static const struct {
		const char	*s;
		int		 want, ask;
		unsigned	 slot;
		const char	*host;
		int		 port;
	} c[] = {
		{ "MOVED 3999 127.0.0.1:6381", 1, 0, 3999, "127.0.0.1", 6381 },
		{ "ASK 3999 127.0.0.1:6381", 1, 1, 3999, "127.0.0.1", 6381 },
		{ "MOVED 16383 redis-c.local:7002", 1, 0, 16383,
		    "redis-c.local", 7002 },
		{ "MOVED 1 2001:db8::7:6379", 1, 0, 1, "2001:db8::7", 6379 },
		{ "MOVED 12182 :27003", 1, 0, 12182, "", 27003 },
		{ "MOVED 16384 h:1", 0, 0, 0, NULL, 0 },
		{ "MOVED x h:1", 0, 0, 0, NULL, 0 },
		{ "MOVED 5 h", 0, 0, 0, NULL, 0 },
		{ "MOVED 5 h:0", 0, 0, 0, NULL, 0 },
		{ "ERR wrong number of arguments", 0, 0, 0, NULL, 0 },
		{ "CLUSTERDOWN The cluster is down", 0, 0, 0, NULL, 0 },
		{ "TRYAGAIN Multiple keys request during rehashing", 0, 0, 0,
		    NULL, 0 },
	};
	struct rds_addr	 to;
	unsigned	 slot;
	size_t		 i;
	int		 ask;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		CU_ASSERT_EQUAL(rds_cluster_redirect(c[i].s, &ask, &slot,
		    &to), c[i].want);
		if (c[i].want != 1)
			continue;
		CU_ASSERT_EQUAL(ask, c[i].ask);
		CU_ASSERT_EQUAL(slot, c[i].slot);
		CU_ASSERT_STRING_EQUAL(to.ra_host, c[i].host);
		CU_ASSERT_EQUAL(to.ra_port, c[i].port);
	}
}

void
test_rds_cluster_suite(void)
{
	CU_pSuite	 s = CU_add_suite("rds_cluster", NULL, NULL);

	UNIT_ADD(s, "CRC16 test vector", test_crc16);
	UNIT_ADD(s, "key slots and hash tags", test_keyslot);
	UNIT_ADD(s, "node addresses", test_addr);
	UNIT_ADD(s, "CLUSTER SLOTS replies", test_parse_slots);
	UNIT_ADD(s, "node table", test_nodes);
	UNIT_ADD(s, "MOVED and ASK errors", test_redirect);
}
