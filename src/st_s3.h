/*
 * S3-compatible object storage (Cloudflare R2) over libcurl with AWS
 * SigV4 signing (sigv4.c): path-style URLs, region cfg->r2_region, and
 * always an x-amz-content-sha256 header.  Every call is bounded in time.
 * Also makes the presigned PUT URLs of direct uploads (API.md 6.5).
 */
#ifndef ST_S3_H
#define ST_S3_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <sys/types.h>

struct cfg;
struct verr;
struct st;

/* A handle on cfg->r2_endpoint with the configured keys.  Never fails. */
struct st *st_new(const struct cfg *c);
void	 st_free(struct st *s);

/*
 * Store `len' bytes read from fd (from its current offset) as
 * bucket/key with Content-Type `ctype'.  503 on any storage failure.
 */
int	 st_put_fd(struct st *s, const char *bucket, const char *key, int fd,
	    off_t len, const char *ctype, struct verr *e);
/* Store a memory buffer as bucket/key. */
int	 st_put(struct st *s, const char *bucket, const char *key,
	    const void *buf, size_t len, const char *ctype, struct verr *e);
/*
 * Read bucket/key into a malloc'd buffer of at most `max' bytes, given to
 * the caller in *buf (free()) with its size in *len.  404 not_found when
 * absent, 503 otherwise.
 */
int	 st_get(struct st *s, const char *bucket, const char *key,
	    size_t max, void **buf, size_t *len, struct verr *e);
/*
 * GET the first n bytes of bucket/key (a Range request) into a malloc'd
 * buffer given in *buf (free()) with its size, at most n, in *len.
 * 404 not_found when absent, 500 when the server ignored the range and
 * sent more, 503 otherwise.
 */
int	 st_get_head(struct st *s, const char *bucket, const char *key,
	    size_t n, void **buf, size_t *len, struct verr *e);
/*
 * GET bucket/key and write it to fd (from its current offset), at most
 * max bytes (more is 503), its size in *len.  404 not_found, 503.
 */
int	 st_get_fd(struct st *s, const char *bucket, const char *key, int fd,
	    uint64_t max, uint64_t *len, struct verr *e);
/* HEAD bucket/key: 0 and *len when present, 404 not_found, 503. */
int	 st_head(struct st *s, const char *bucket, const char *key,
	    off_t *len, struct verr *e);
/* DELETE bucket/key; deleting an absent object succeeds. */
int	 st_delete(struct st *s, const char *bucket, const char *key,
	    struct verr *e);
/* HEAD bucket within about 1 s: 0 when it answers 2xx, else 503. */
int	 st_bucket_ok(struct st *s, const char *bucket, struct verr *e);

/*
 * A presigned URL (SigV4, query authentication) to PUT exactly len bytes
 * as bucket/key, valid ttl seconds from now; a malloc'd string, NULL
 * when the key is too long.  The signed headers are host (the URL's)
 * and content-length: the client must send Content-Length: len.
 */
char	*st_presign_put(struct st *s, const char *bucket, const char *key,
	    uint64_t len, time_t now, long ttl);

#endif
