/*
 * Recursive Length Prefix encoding (Ethereum yellow paper, appendix B),
 * written into a growable buffer with a ceiling.  Items are appended in
 * order; lists are opened and closed around their items.  Failures are
 * sticky: after one, every call returns -1 and eth_rlp_finish() reports it.
 */
#ifndef ETH_RLP_H
#define ETH_RLP_H

#include <stddef.h>
#include <stdint.h>

#define ETH_RLP_DEPTH	16	/* lists open at once */

struct eth_rlp {
	unsigned char	*r_buf;
	size_t		 r_len;
	size_t		 r_cap;
	size_t		 r_max;			/* ceiling on r_len */
	size_t		 r_open[ETH_RLP_DEPTH];	/* payload offsets */
	int		 r_depth;		/* lists open */
	int		 r_err;			/* a call failed */
};

/* Start an empty encoding of at most `max' bytes; cannot fail. */
void	eth_rlp_init(struct eth_rlp *r, size_t max);

/* Append the byte string of len bytes.  -1 beyond the ceiling. */
int	eth_rlp_bytes(struct eth_rlp *r, const void *p, size_t len);

/*
 * Append the integer held big-endian in n bytes of be, as its minimal
 * byte string (no leading zeros; zero is the empty string).
 */
int	eth_rlp_uint(struct eth_rlp *r, const unsigned char *be, size_t n);

/* Append an integer given as a uint64_t, like eth_rlp_uint(). */
int	eth_rlp_uint64(struct eth_rlp *r, uint64_t v);

/*
 * Append len bytes that already are one or more RLP items, unchanged,
 * e.g. an item encoded by another struct eth_rlp.
 */
int	eth_rlp_raw(struct eth_rlp *r, const void *p, size_t len);

/*
 * Open a list; the items appended until the matching eth_rlp_list_end()
 * are its members.  -1 when ETH_RLP_DEPTH lists are already open.
 */
int	eth_rlp_list_begin(struct eth_rlp *r);

/* Close the innermost open list.  -1 when none is open. */
int	eth_rlp_list_end(struct eth_rlp *r);

/*
 * Hand the encoding to the caller: *out (malloc'd, never NULL on
 * success, the caller frees it) and *len.  -1 when any call failed or a
 * list is still open; r is released either way and *out is NULL on
 * failure.
 */
int	eth_rlp_finish(struct eth_rlp *r, unsigned char **out, size_t *len);

/* Release the buffer of an encoding that is abandoned; r may be NULL. */
void	eth_rlp_free(struct eth_rlp *r);

#endif
