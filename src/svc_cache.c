/*
 * Cached objects.  Entries are JSON (json-c) under rds_cache.h's kinds:
 * "p" a post document, "us" a user summary, "un" a username's user id,
 * "nr" an unread count.  Lifetimes are short enough that an entry whose
 * invalidation was lost to a Redis outage at the moment of a write is
 * gone soon after; every write path invalidates explicitly, so within
 * that bound readers see every write at once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "be.h"
#include "db_notifications.h"
#include "db_posts.h"
#include "db_users.h"
#include "log.h"
#include "rds_cache.h"
#include "svc_cache.h"
#include "svc_rel.h"
#include "verr.h"
#include "xmem.h"

#define CACHE_POST_TTL		600
#define CACHE_USER_TTL		600
#define CACHE_UNREAD_TTL	600

/*
 * Look up n entries of kind; on a Redis error every entry is a miss that
 * is not to be stored (*nofill), since MongoDB answers anyway.
 */
static void
svc_lookup(struct be *be, const char *kind, const char *const *ids,
    size_t n, struct rds_hit *hits, int *nofill)
{
	struct verr	 e;

	verr_init(&e);
	*nofill = 0;
	if (rds_cache_get(be->rds, kind, ids, n, hits, &e) == -1) {
		memset(hits, 0, n * sizeof(*hits));
		*nofill = 1;
	}
}

static void
svc_store(struct be *be, const char *kind, const char *id, const char *gen,
    struct json_object *o, int ttl)
{
	struct verr	 e;

	verr_init(&e);
	if (rds_cache_put(be->rds, kind, id, gen,
	    json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN), ttl,
	    &e) == -1)
		log_warnx("cache %s:%s not stored: %s", kind, id, e.detail);
}

static void
svc_drop(struct be *be, const char *kind, const char *id)
{
	struct verr	 e;

	verr_init(&e);
	if (rds_cache_bump(be->rds, kind, id, &e) == -1)
		log_warnx("cache %s:%s not invalidated: %s", kind, id,
		    e.detail);
}

static void
jstr(struct json_object *o, const char *k, char *out, size_t sz)
{
	struct json_object	*v;

	out[0] = '\0';
	if (json_object_object_get_ex(o, k, &v) &&
	    json_object_is_type(v, json_type_string))
		snprintf(out, sz, "%s", json_object_get_string(v));
}

static int64_t
jint(struct json_object *o, const char *k)
{
	struct json_object	*v;

	return json_object_object_get_ex(o, k, &v) ?
	    json_object_get_int64(v) : 0;
}

static struct json_object *
post_enc(const void *arg)
{
	const struct post	*p = arg;
	struct json_object	*o = json_object_new_object();

	json_object_object_add(o, "i", json_object_new_string(p->id));
	json_object_object_add(o, "u", json_object_new_string(p->user_id));
	json_object_object_add(o, "o", json_object_new_string(p->original_id));
	json_object_object_add(o, "c", json_object_new_string(p->caption));
	json_object_object_add(o, "url",
	    json_object_new_string(p->content_url));
	json_object_object_add(o, "t", json_object_new_string(p->type));
	json_object_object_add(o, "k", json_object_new_string(p->media_key));
	json_object_object_add(o, "v", json_object_new_int(p->vis));
	json_object_object_add(o, "lc", json_object_new_int64(p->like_count));
	json_object_object_add(o, "cc",
	    json_object_new_int64(p->comment_count));
	json_object_object_add(o, "rc",
	    json_object_new_int64(p->repost_count));
	json_object_object_add(o, "vc", json_object_new_int64(p->view_count));
	json_object_object_add(o, "at", json_object_new_int64(p->created_ms));
	json_object_object_add(o, "ms",
	    json_object_new_string(p->media.status));
	json_object_object_add(o, "mw", json_object_new_int64(p->media.width));
	json_object_object_add(o, "mh", json_object_new_int64(p->media.height));
	json_object_object_add(o, "md",
	    json_object_new_int64(p->media.duration_ms));
	json_object_object_add(o, "mu",
	    json_object_new_string(p->media.thumb_url));
	json_object_object_add(o, "mk",
	    json_object_new_string(p->media.thumb_key));
	json_object_object_add(o, "mb",
	    json_object_new_string(p->media.blurhash));
	return o;
}

/* Decode a cached post; -1 when it is not one (then read MongoDB). */
static int
post_dec(const char *id, const char *s, void *out)
{
	struct post		*p = out;
	struct json_object	*o;
	int64_t			 v;

	if ((o = json_tokener_parse(s)) == NULL)
		return -1;
	memset(p, 0, sizeof(*p));
	jstr(o, "i", p->id, sizeof(p->id));
	jstr(o, "u", p->user_id, sizeof(p->user_id));
	jstr(o, "o", p->original_id, sizeof(p->original_id));
	jstr(o, "c", p->caption, sizeof(p->caption));
	jstr(o, "url", p->content_url, sizeof(p->content_url));
	jstr(o, "t", p->type, sizeof(p->type));
	jstr(o, "k", p->media_key, sizeof(p->media_key));
	v = jint(o, "v");
	p->vis = v >= 0 && v < VIS__MAX ? (enum post_vis)v : VIS_PRIVATE;
	p->like_count = jint(o, "lc");
	p->comment_count = jint(o, "cc");
	p->repost_count = jint(o, "rc");
	p->view_count = jint(o, "vc");
	p->created_ms = jint(o, "at");
	p->sort_key = p->created_ms;
	jstr(o, "ms", p->media.status, sizeof(p->media.status));
	p->media.width = jint(o, "mw");
	p->media.height = jint(o, "mh");
	p->media.duration_ms = jint(o, "md");
	jstr(o, "mu", p->media.thumb_url, sizeof(p->media.thumb_url));
	jstr(o, "mk", p->media.thumb_key, sizeof(p->media.thumb_key));
	jstr(o, "mb", p->media.blurhash, sizeof(p->media.blurhash));
	json_object_put(o);
	return strcmp(p->id, id) == 0 ? 0 : -1;
}

/* How one kind of object is cached. */
struct kind {
	const char	 *name;		/* rds_cache.h kind */
	int		  ttl;
	/* Decode a cached value into out; -1 when it is not one. */
	int		(*dec)(const char *id, const char *val, void *out);
	/* Read object id from MongoDB into out; 404 when none. */
	int		(*load)(struct be *, const char *id, void *out,
			    struct verr *);
	struct json_object *(*enc)(const void *);
};

/*
 * The n objects of kind k into out[i] (storage the caller provides);
 * found[i] = 0 for one that does not exist.  One Redis lookup for all,
 * then one MongoDB read by _id per miss, stored for the next reader.
 */
static int
svc_cached(struct be *be, const struct kind *k, const char *const *ids,
    size_t n, void *const *out, int *found, struct verr *e)
{
	struct rds_hit		*hits;
	struct json_object	*o;
	struct verr		 fe;
	size_t			 i;
	int			 nofill, rc = -1;

	hits = xcalloc(n + 1, sizeof(*hits));
	svc_lookup(be, k->name, ids, n, hits, &nofill);
	for (i = 0; i < n; i++) {
		found[i] = 1;
		if (hits[i].val != NULL && k->dec(ids[i], hits[i].val,
		    out[i]) == 0)
			continue;
		verr_init(&fe);
		if (k->load(be, ids[i], out[i], &fe) == -1) {
			found[i] = 0;
			if (fe.status == 404)
				continue;
			*e = fe;
			goto out;
		}
		if (!nofill) {
			o = k->enc(out[i]);
			svc_store(be, k->name, ids[i], hits[i].gen, o, k->ttl);
			json_object_put(o);
		}
	}
	rc = 0;
out:
	rds_hits_free(hits, n);
	free(hits);
	return rc;
}

static int
post_load(struct be *be, const char *id, void *out, struct verr *e)
{
	return db_post_get(be->db, id, out, e);
}

static const struct kind kind_post = {
	"p", CACHE_POST_TTL, post_dec, post_load, post_enc
};

int
svc_posts_get(struct be *be, const char *const *ids, size_t n,
    struct post **out, struct verr *e)
{
	int	*found;
	size_t	 i;
	int	 rc;

	found = xcalloc(n + 1, sizeof(*found));
	for (i = 0; i < n; i++)
		out[i] = xmalloc(sizeof(**out));
	rc = svc_cached(be, &kind_post, ids, n, (void *const *)out, found, e);
	for (i = 0; i < n; i++)
		if (rc == -1 || !found[i]) {
			free(out[i]);
			out[i] = NULL;
		}
	free(found);
	return rc;
}

int
svc_post_get(struct be *be, const char *id, struct post *p, struct verr *e)
{
	struct post	*one;

	if (svc_posts_get(be, &id, 1, &one, e) == -1)
		return -1;
	if (one == NULL)
		return verr_set(e, 404, "not_found", "Post not found");
	*p = *one;
	free(one);
	return 0;
}

void
svc_post_changed(struct be *be, const char *id)
{
	svc_drop(be, "p", id);
}

static struct json_object *
sum_enc(const void *arg)
{
	const struct user_sum	*s = arg;
	struct json_object	*o = json_object_new_object();

	json_object_object_add(o, "u", json_object_new_string(s->username));
	json_object_object_add(o, "n", json_object_new_string(s->name));
	json_object_object_add(o, "f", json_object_new_string(s->pfp_url));
	return o;
}

static int
sum_dec(const char *id, const char *s, void *out)
{
	struct user_sum		*u = out;
	struct json_object	*o;

	if ((o = json_tokener_parse(s)) == NULL)
		return -1;
	snprintf(u->id, sizeof(u->id), "%s", id);
	jstr(o, "u", u->username, sizeof(u->username));
	jstr(o, "n", u->name, sizeof(u->name));
	jstr(o, "f", u->pfp_url, sizeof(u->pfp_url));
	json_object_put(o);
	return 0;
}

static int
sum_load(struct be *be, const char *id, void *out, struct verr *e)
{
	struct user_sum	*s = out;
	struct user	*u;
	int		 rc;

	u = xmalloc(sizeof(*u));
	if ((rc = db_user_by_id(be->db, id, u, e)) == 0) {
		snprintf(s->id, sizeof(s->id), "%s", u->id);
		snprintf(s->username, sizeof(s->username), "%s", u->username);
		snprintf(s->name, sizeof(s->name), "%s", u->name);
		snprintf(s->pfp_url, sizeof(s->pfp_url), "%s", u->pfp_url);
	}
	free(u);
	return rc;
}

static const struct kind kind_sum = {
	"us", CACHE_USER_TTL, sum_dec, sum_load, sum_enc
};

int
svc_sums_get(struct be *be, const char *const *ids, size_t n,
    struct user_sum *out, int *found, struct verr *e)
{
	void	**slot;
	size_t	 i;
	int	 rc;

	slot = xcalloc(n + 1, sizeof(*slot));
	for (i = 0; i < n; i++) {
		memset(&out[i], 0, sizeof(out[i]));
		slot[i] = &out[i];
	}
	rc = svc_cached(be, &kind_sum, ids, n, slot, found, e);
	free(slot);
	return rc;
}

int
svc_username_id(struct be *be, const char *name, char id[25],
    struct verr *e)
{
	struct rds_hit		 hit;
	struct json_object	*o;
	struct user		*u;
	int			 nofill, rc;

	svc_lookup(be, "un", &name, 1, &hit, &nofill);
	if (hit.val != NULL && (o = json_tokener_parse(hit.val)) != NULL) {
		rc = json_object_is_type(o, json_type_string) &&
		    json_object_get_string_len(o) == 24;
		if (rc)
			memcpy(id, json_object_get_string(o), 25);
		json_object_put(o);
		if (rc) {
			rds_hits_free(&hit, 1);
			return 0;
		}
	}
	u = xmalloc(sizeof(*u));
	if ((rc = db_user_by_username(be->db, name, u, e)) == 0) {
		memcpy(id, u->id, 25);
		if (!nofill) {
			o = json_object_new_string(id);
			svc_store(be, "un", name, hit.gen, o, CACHE_USER_TTL);
			json_object_put(o);
		}
	}
	free(u);
	rds_hits_free(&hit, 1);
	return rc;
}

void
svc_user_changed(struct be *be, const char *id, const char *old)
{
	svc_drop(be, "us", id);
	if (old != NULL && old[0] != '\0')
		svc_drop(be, "un", old);
}

int
svc_unread_get(struct be *be, const char *user, int64_t *n, struct verr *e)
{
	struct rds_hit		 hit;
	struct json_object	*o;
	char			(*apart)[25];
	const char		**ex;
	size_t			 na, i;
	int			 nofill, rc;

	svc_lookup(be, "nr", &user, 1, &hit, &nofill);
	if (hit.val != NULL && (o = json_tokener_parse(hit.val)) != NULL) {
		*n = json_object_get_int64(o);
		json_object_put(o);
		rds_hits_free(&hit, 1);
		return 0;
	}
	rds_hits_free(&hit, 1);
	/* Notifications from across a block or from the muted: not counted. */
	if (svc_rel_apart(be, user, &apart, &na, e) == -1)
		return -1;
	ex = xcalloc(na + 1, sizeof(*ex));
	for (i = 0; i < na; i++)
		ex[i] = apart[i];
	rc = db_notif_unread(be->db, user, ex, na, n, e);
	free(ex);
	free(apart);
	if (rc == -1)
		return -1;
	if (!nofill) {
		o = json_object_new_int64(*n);
		svc_store(be, "nr", user, hit.gen, o, CACHE_UNREAD_TTL);
		json_object_put(o);
	}
	return 0;
}

void
svc_unread_changed(struct be *be, const char *user)
{
	svc_drop(be, "nr", user);
}
