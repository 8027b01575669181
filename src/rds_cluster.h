/*
 * The pure parts of Redis Cluster routing, kept apart from the sockets in
 * rds_redis.c so that unit tests can check them: key slots (CRC16 mod
 * 16384 with {hash tags}), node addresses, the slot map read from
 * CLUSTER SLOTS and the MOVED/ASK redirections.
 */
#ifndef RDS_CLUSTER_H
#define RDS_CLUSTER_H

#include <stddef.h>
#include <stdint.h>

struct redisReply;

#define RDS_CLUSTER_SLOTS	16384
#define RDS_CLUSTER_MAXNODES	64	/* masters in one map */
#define RDS_CLUSTER_NONE	0xffff	/* slot served by no known node */

struct rds_addr {
	char	 ra_host[256];	/* host name, address, or socket path */
	int	 ra_port;	/* 0 for a unix socket */
};

/* Which master serves each slot, as last learnt from the cluster. */
struct rds_slotmap {
	uint16_t	 sm_slot[RDS_CLUSTER_SLOTS];	/* node index or NONE */
	struct rds_addr	 sm_node[RDS_CLUSTER_MAXNODES];
	size_t		 sm_nnode;
};

/* CRC16-CCITT (XMODEM) as Redis Cluster uses it: "123456789" is 0x31c3. */
uint16_t rds_cluster_crc16(const void *buf, size_t len);

/*
 * The slot of a key of len bytes: only the part between the first `{'
 * and the next `}' is hashed when that part is not empty, so keys used
 * together by one command can be made to share a slot.
 */
unsigned rds_cluster_keyslot(const char *key, size_t len);

/*
 * Parse one address of len bytes ("host:port", "[v6]:port", "host", a
 * bare IPv6 address, or "/path/to/socket") into a; the port defaults to
 * 6379 and an empty host is left empty.  Never fails: whatever is not
 * understood ends up in ra_host and fails later at connect time.
 */
void	 rds_cluster_addr(const char *s, size_t len, struct rds_addr *a);

/* Empty m: no nodes, every slot NONE. */
void	 rds_cluster_clear(struct rds_slotmap *m);

/* The index of node host:port in m, added if new; -1 when m is full. */
int	 rds_cluster_node(struct rds_slotmap *m, const char *host, int port);

/*
 * Fill m (cleared first) from a CLUSTER SLOTS reply; only the master of
 * each range is kept.  A master announced with an empty host lives at
 * `asked', the host the command was sent to.  Returns the number of slots
 * covered, or -1 when the reply is malformed (m is then partial).
 */
int	 rds_cluster_parse_slots(struct rds_slotmap *m,
	    const struct redisReply *rep, const char *asked);

/*
 * Read a "MOVED <slot> <host>:<port>" or "ASK <slot> <host>:<port>" error
 * text: 1 with *ask, *slot and *to set (an empty host means the node that
 * answered), 0 when str is any other error.
 */
int	 rds_cluster_redirect(const char *str, int *ask, unsigned *slot,
	    struct rds_addr *to);

#endif
