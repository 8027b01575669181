/*
 * Pagination.  A cursor is base64url of the item's 8-byte sort key, its
 * 12-byte id and the first 8 bytes of an HMAC-SHA256 over scope and both,
 * keyed with the JWT secret: clients cannot forge or move a cursor, and a
 * cursor of one list is refused by another.  Cursors carry no expiry, so
 * they stay valid for as long as the secret does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "cfg.h"
#include "db_mongo.h"
#include "enc.h"
#include "http.h"
#include "page.h"
#include "verr.h"
#include "xmem.h"

#define CUR_RAW		28	/* key 8, id 12, mac 8 */
#define PAGE_ROUNDS	4	/* reads of a filtered page: 1, 2, 4, 8 pages */

static void
page_mac(const struct req *r, const char *scope, const unsigned char *msg,
    unsigned char mac[8])
{
	unsigned char	 full[32], buf[64 + 20];
	unsigned int	 n = sizeof(full);
	size_t		 slen = strlen(scope);

	if (slen > 64)
		slen = 64;
	memcpy(buf, scope, slen);
	memcpy(buf + slen, msg, 20);
	HMAC(EVP_sha256(), r->cfg->jwt_secret, (int)strlen(r->cfg->jwt_secret),
	    buf, slen + 20, full, &n);
	memcpy(mac, full, 8);
}

static int
page_int(struct req *r, const char *name, size_t *out, struct verr *e)
{
	char		 buf[32], *end;
	long long	 v;
	int		 rc;

	if ((rc = http_query(r, name, buf, sizeof(buf), e)) != 1)
		return rc;
	v = strtoll(buf, &end, 10);
	if (buf[0] == '\0' || *end != '\0' || buf[0] == '+' || v < 1)
		return verr_field(e, name, "%s must be a positive integer",
		    name);
	*out = v > 1000000 ? 1000000 : (size_t)v;
	return 1;
}

int
page_parse(struct req *r, const char *scope, size_t def, size_t max,
    struct page *pg, struct verr *e)
{
	unsigned char	 raw[CUR_RAW + 1], mac[8];
	char		 cur[128];
	size_t		 n, pageno = 1, i;
	int		 rc;

	memset(pg, 0, sizeof(*pg));
	pg->limit = def;
	if (page_int(r, "limit", &pg->limit, e) == -1)
		return -1;
	if (pg->limit > max)
		pg->limit = max;
	if ((rc = http_query(r, "cursor", cur, sizeof(cur), e)) == -1) {
		verr_init(e);
		return verr_field(e, "cursor", "cursor is invalid");
	}
	if (rc == 1) {
		if (enc_unb64url(cur, strlen(cur), raw, sizeof(raw), &n) == -1 ||
		    n != CUR_RAW)
			return verr_field(e, "cursor", "cursor is invalid");
		page_mac(r, scope, raw, mac);
		if (CRYPTO_memcmp(mac, raw + 20, 8) != 0)
			return verr_field(e, "cursor", "cursor is invalid");
		pg->after = 1;
		for (i = 0; i < 8; i++)
			pg->after_key = (int64_t)((uint64_t)pg->after_key << 8 |
			    raw[i]);
		enc_hex(raw + 8, 12, pg->after_id);
		return 0;
	}
	if (page_int(r, "page", &pageno, e) == -1)
		return -1;
	pg->skip = (pageno - 1) * pg->limit;
	return 0;
}

void
page_next(struct req *r, const char *scope, int64_t key, const char *id)
{
	unsigned char	 raw[CUR_RAW];
	char		 cur[ENC_B64URL_LEN(CUR_RAW) + 1], q[2048];
	const char	*p, *amp;
	size_t		 i, len = 0, klen;

	for (i = 0; i < 8; i++)
		raw[i] = (unsigned char)((uint64_t)key >> (56 - 8 * i));
	if (enc_unhex(id, raw + 8, 12) == -1)
		abort();
	page_mac(r, scope, raw, raw + 20);
	enc_b64url(raw, sizeof(raw), cur);
	http_header(r, "X-Next-Cursor", "%s", cur);
	/* Keep every query parameter but page and cursor. */
	q[0] = '\0';
	for (p = r->query; *p != '\0'; p = *amp == '&' ? amp + 1 : amp) {
		amp = p + strcspn(p, "&");
		klen = strcspn(p, "=&");
		if (amp == p || (klen == 4 && strncmp(p, "page", 4) == 0) ||
		    (klen == 6 && strncmp(p, "cursor", 6) == 0) ||
		    len + (size_t)(amp - p) + 2 >= sizeof(q))
			continue;
		len += (size_t)snprintf(q + len, sizeof(q) - len, "%.*s&",
		    (int)(amp - p), p);
	}
	http_header(r, "Link", "<%s?%scursor=%s>; rel=\"next\"", r->path, q,
	    cur);
}

void
page_to_db(const struct page *pg, struct db_page *dp)
{
	memset(dp, 0, sizeof(*dp));
	dp->after = pg->after;
	dp->after_key = pg->after_key;
	memcpy(dp->after_id, pg->after_id, sizeof(dp->after_id));
	dp->skip = pg->skip;
	dp->limit = pg->limit + 1;
}

void
page_ids_add(const char *id, int64_t at, const char *pos, void *arg)
{
	struct page_ids	*l = arg;

	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 32;
		l->ids = xreallocarray(l->ids, l->cap, sizeof(*l->ids));
		l->ptr = xreallocarray(l->ptr, l->cap, sizeof(*l->ptr));
		l->at = xreallocarray(l->at, l->cap, sizeof(*l->at));
		l->pos = xreallocarray(l->pos, l->cap, sizeof(*l->pos));
	}
	memcpy(l->ids[l->n], id, 25);
	memcpy(l->pos[l->n], pos, 25);
	l->at[l->n++] = at;
}

void
page_ids_free(struct page_ids *l)
{
	free(l->ids);
	free(l->ptr);
	free(l->at);
	free(l->pos);
}

/* page_ids_fill()'s source for page_fill(). */
struct page_idsrc {
	int	(*list)(void *, const struct db_page *, struct page_ids *,
		    struct verr *);
	int	(*hide)(void *, const char *const *, size_t, int *,
		    struct verr *);
	void		*larg, *harg;
	struct page_ids	*l;
};

static int
page_ids_read(void *arg, const struct db_page *dp, struct page_pos *last,
    struct verr *e)
{
	struct page_idsrc	*s = arg;
	struct page_ids		*l = s->l;
	size_t			 from = l->n, i, k;
	int			*out, rc = -1;

	if (s->list(s->larg, dp, l, e) == -1)
		return -1;
	if (l->n > from) {
		last->key = l->at[l->n - 1];
		memcpy(last->id, l->pos[l->n - 1], sizeof(last->id));
	}
	for (i = 0; i < l->n; i++)
		l->ptr[i] = l->ids[i];
	out = xcalloc(l->n - from + 1, sizeof(*out));
	if (s->hide(s->harg, l->ptr + from, l->n - from, out, e) == -1)
		goto out;
	rc = (int)(l->n - from);
	for (i = k = from; i < l->n; i++)
		if (!out[i - from]) {
			memmove(l->ids[k], l->ids[i], 25);
			memmove(l->pos[k], l->pos[i], 25);
			l->at[k++] = l->at[i];
		}
	l->n = k;
	for (i = 0; i < l->n; i++)
		l->ptr[i] = l->ids[i];
out:
	free(out);
	return rc;
}

static size_t
page_ids_kept(void *arg)
{
	return ((struct page_idsrc *)arg)->l->n;
}

static void
page_ids_pos(void *arg, size_t i, struct page_pos *p)
{
	struct page_ids	*l = ((struct page_idsrc *)arg)->l;

	p->key = l->at[i];
	memcpy(p->id, l->pos[i], sizeof(p->id));
}

static const struct page_src page_ids_src = { page_ids_read, page_ids_kept,
    page_ids_pos };

int
page_ids_fill(struct req *r, const char *scope, const struct page *pg,
    int (*list)(void *, const struct db_page *, struct page_ids *,
    struct verr *), void *larg,
    int (*hide)(void *, const char *const *, size_t, int *, struct verr *),
    void *harg, struct page_ids *l, struct verr *e)
{
	struct page_idsrc	 s = { list, hide, larg, harg, l };
	struct page_pos		 next;
	int			 n, more;

	memset(l, 0, sizeof(*l));
	if ((n = page_fill(pg, &page_ids_src, &s, &more, &next, e)) == -1)
		return -1;
	l->n = (size_t)n;
	if (more)
		page_next(r, scope, next.key, next.id);
	return 0;
}

int
page_fill(const struct page *pg, const struct page_src *src, void *arg,
    int *more, struct page_pos *next, struct verr *e)
{
	struct db_page	 dp;
	struct page_pos	 last;
	size_t		 round, kept = 0;
	int		 got;

	*more = 0;
	page_to_db(pg, &dp);
	for (round = 0; round < PAGE_ROUNDS; round++) {
		if ((got = src->read(arg, &dp, &last, e)) == -1)
			return -1;
		if ((kept = src->kept(arg)) > pg->limit) {
			*more = 1;
			src->pos(arg, pg->limit - 1, next);
			return (int)pg->limit;
		}
		if ((size_t)got < dp.limit)
			return (int)kept;
		/* Items were left out: read on after the last one read. */
		dp.after = 1;
		dp.after_key = last.key;
		memcpy(dp.after_id, last.id, sizeof(dp.after_id));
		dp.skip = 0;
		dp.limit *= 2;
	}
	*more = 1;
	*next = last;
	return (int)kept;
}

void
page_vals_add(struct page_vals *v, const void *item)
{
	if (v->n == v->cap) {
		v->cap = v->cap ? 2 * v->cap : 16;
		v->items = xreallocarray(v->items, v->cap, v->size);
	}
	memcpy(v->items + v->n++ * v->size, item, v->size);
}

static void
page_vals_pos(void *arg, size_t i, struct page_pos *p)
{
	struct page_vals	*v = arg;
	const char		*it = v->items + i * v->size;

	memcpy(&p->key, it + v->key_off, sizeof(p->key));
	memcpy(p->id, it + v->id_off, sizeof(p->id));
}

static int
page_vals_read(void *arg, const struct db_page *dp, struct page_pos *last,
    struct verr *e)
{
	struct page_vals	*v = arg;
	size_t			 from = v->n, nread;
	int			 k;

	if (v->list(v->arg, dp, v, e) == -1)
		return -1;
	if ((nread = v->n - from) == 0)
		return 0;
	page_vals_pos(v, v->n - 1, last);
	if ((k = v->keep(v->arg, v->items + from * v->size, nread, e)) == -1)
		return -1;
	v->n = from + (size_t)k;
	return (int)nread;
}

static size_t
page_vals_kept(void *arg)
{
	return ((struct page_vals *)arg)->n;
}

static const struct page_src page_vals_src = { page_vals_read,
    page_vals_kept, page_vals_pos };

int
page_vals_fill(const struct page *pg, struct page_vals *v, int *more,
    struct page_pos *next, struct verr *e)
{
	return page_fill(pg, &page_vals_src, v, more, next, e);
}
