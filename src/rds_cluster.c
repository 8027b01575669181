/*
 * Redis Cluster routing without sockets: which of the 16384 slots a key
 * falls in, which master serves a slot according to the last CLUSTER
 * SLOTS reply, and where a MOVED or ASK error sends a command.  The rules
 * are those of the Redis Cluster specification ("Keys distribution
 * model", "Hash tags", "Redirection and resharding"); rds_redis.c does
 * the talking.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>

#include "rds_cluster.h"

uint16_t
rds_cluster_crc16(const void *buf, size_t len)
{
	const unsigned char	*p = buf;
	uint16_t		 crc = 0;
	size_t			 i;
	int			 b;

	/* Polynomial 0x1021, initial value 0, no reflection, no final xor. */
	for (i = 0; i < len; i++) {
		crc ^= (uint16_t)p[i] << 8;
		for (b = 0; b < 8; b++)
			crc = crc & 0x8000 ? (uint16_t)(crc << 1) ^ 0x1021 :
			    (uint16_t)(crc << 1);
	}
	return crc;
}

unsigned
rds_cluster_keyslot(const char *key, size_t len)
{
	const char	*open, *close;

	/*
	 * The specification's examples: "foo{}{bar}" hashes whole (the first
	 * tag is empty), "foo{{bar}}zap" hashes "{bar", "foo{bar}{zap}"
	 * hashes "bar".
	 */
	if ((open = memchr(key, '{', len)) != NULL &&
	    (close = memchr(open + 1, '}', len - (open + 1 - key))) != NULL &&
	    close > open + 1)
		return rds_cluster_crc16(open + 1, close - open - 1) &
		    (RDS_CLUSTER_SLOTS - 1);
	return rds_cluster_crc16(key, len) & (RDS_CLUSTER_SLOTS - 1);
}

void
rds_cluster_addr(const char *s, size_t len, struct rds_addr *a)
{
	char	 buf[sizeof(a->ra_host)];
	char	*p, *colon;
	long	 port;

	while (len > 0 && *s == ' ') {
		s++;
		len--;
	}
	while (len > 0 && s[len - 1] == ' ')
		len--;
	if (len >= sizeof(buf))
		len = sizeof(buf) - 1;
	memcpy(buf, s, len);
	buf[len] = '\0';

	a->ra_port = 6379;
	if (buf[0] == '/') {
		snprintf(a->ra_host, sizeof(a->ra_host), "%s", buf);
		a->ra_port = 0;
		return;
	}
	p = buf;
	if (*p == '[' && (colon = strchr(p, ']')) != NULL) {
		*colon++ = '\0';
		p++;
		colon = *colon == ':' ? colon : NULL;
	} else if ((colon = strrchr(p, ':')) != NULL && strchr(p, ':') != colon)
		colon = NULL;	/* bare IPv6 address, no port */
	if (colon != NULL) {
		*colon++ = '\0';
		port = strtol(colon, NULL, 10);
		if (port > 0 && port < 65536)
			a->ra_port = (int)port;
	}
	snprintf(a->ra_host, sizeof(a->ra_host), "%s", p);
}

void
rds_cluster_clear(struct rds_slotmap *m)
{
	size_t	 i;

	for (i = 0; i < RDS_CLUSTER_SLOTS; i++)
		m->sm_slot[i] = RDS_CLUSTER_NONE;
	m->sm_nnode = 0;
}

int
rds_cluster_node(struct rds_slotmap *m, const char *host, int port)
{
	size_t	 i;

	for (i = 0; i < m->sm_nnode; i++)
		if (m->sm_node[i].ra_port == port &&
		    strcmp(m->sm_node[i].ra_host, host) == 0)
			return (int)i;
	if (m->sm_nnode == RDS_CLUSTER_MAXNODES)
		return -1;
	snprintf(m->sm_node[i].ra_host, sizeof(m->sm_node[i].ra_host), "%s",
	    host);
	m->sm_node[i].ra_port = port;
	m->sm_nnode++;
	return (int)i;
}

/*
 * Each element of the reply is [first, last, [host, port, id, ...],
 * replicas...]; Redis 7 adds hostnames and metadata after the id, which
 * are not needed here.
 */
int
rds_cluster_parse_slots(struct rds_slotmap *m, const struct redisReply *rep,
    const char *asked)
{
	const struct redisReply	*r, *n;
	const char		*host;
	long long		 lo, hi, s;
	size_t			 i;
	int			 idx, covered = 0;

	rds_cluster_clear(m);
	if (rep == NULL || rep->type != REDIS_REPLY_ARRAY)
		return -1;
	for (i = 0; i < rep->elements; i++) {
		r = rep->element[i];
		if (r->type != REDIS_REPLY_ARRAY || r->elements < 3 ||
		    r->element[0]->type != REDIS_REPLY_INTEGER ||
		    r->element[1]->type != REDIS_REPLY_INTEGER)
			return -1;
		lo = r->element[0]->integer;
		hi = r->element[1]->integer;
		n = r->element[2];
		if (lo < 0 || hi < lo || hi >= RDS_CLUSTER_SLOTS ||
		    n->type != REDIS_REPLY_ARRAY || n->elements < 2 ||
		    n->element[0]->type != REDIS_REPLY_STRING ||
		    n->element[1]->type != REDIS_REPLY_INTEGER ||
		    n->element[1]->integer <= 0 ||
		    n->element[1]->integer >= 65536)
			return -1;
		host = n->element[0]->str;
		/* "?" is Redis 7's unknown endpoint: no use to a client. */
		if (strcmp(host, "?") == 0)
			continue;
		if (host[0] == '\0')
			host = asked != NULL ? asked : "";
		if ((idx = rds_cluster_node(m, host,
		    (int)n->element[1]->integer)) == -1)
			return -1;
		for (s = lo; s <= hi; s++) {
			if (m->sm_slot[s] == RDS_CLUSTER_NONE)
				covered++;
			m->sm_slot[s] = (uint16_t)idx;
		}
	}
	return covered;
}

int
rds_cluster_redirect(const char *str, int *ask, unsigned *slot,
    struct rds_addr *to)
{
	const char	*p, *colon;
	char		*end;
	long		 s, port;

	if (strncmp(str, "MOVED ", 6) == 0) {
		*ask = 0;
		p = str + 6;
	} else if (strncmp(str, "ASK ", 4) == 0) {
		*ask = 1;
		p = str + 4;
	} else
		return 0;
	s = strtol(p, &end, 10);
	if (end == p || *end != ' ' || s < 0 || s >= RDS_CLUSTER_SLOTS)
		return 0;
	p = end + 1;
	/* Redis writes IPv6 hosts bare: the port follows the last colon. */
	if ((colon = strrchr(p, ':')) == NULL ||
	    (size_t)(colon - p) >= sizeof(to->ra_host))
		return 0;
	port = strtol(colon + 1, &end, 10);
	if (end == colon + 1 || *end != '\0' || port <= 0 || port >= 65536)
		return 0;
	memcpy(to->ra_host, p, colon - p);
	to->ra_host[colon - p] = '\0';
	to->ra_port = (int)port;
	*slot = (unsigned)s;
	return 1;
}
