/*
 * The caller's sets.  In Redis (rds_cache.h), in the caller's slot:
 * "fe" the users they follow, "fr" their followers, "lk", "bm" and "rp"
 * the posts they liked, bookmarked and reposted, "bk" the users they
 * block, "bb" the users who block them, "mu" the users they mute; and
 * one set of everyone's, "gone", the users suspended or being deleted.
 * One script answers every membership question of a page about the
 * caller's sets, one more about "gone" (another cluster slot).  A set that is missing is read
 * whole from MongoDB, by an index on the user's id, and stored under the
 * generation rule, so a write that races the fill cannot be lost.  A
 * write drops the sets it changed (and moves their generation).
 *
 * Cost.  A read costs one Redis round trip, plus one MongoDB query per
 * missing set, whose size is what the user has (a user with thousands of
 * follows or likes loads thousands of ids once per SVC_SET_TTL).  A
 * write costs one script per set it changes, and the next read of that
 * set one MongoDB query.  A write whose drop of a set was lost to a Redis failure is seen once the set expires, at most
 * SVC_SET_TTL seconds later (as for svc_cache.c's entries).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "be.h"
#include "db_blocks.h"
#include "db_follows.h"
#include "db_users.h"
#include "log.h"
#include "rds_cache.h"
#include "svc_rel.h"
#include "verr.h"
#include "xmem.h"

#define SVC_SET_TTL	600	/* seconds a set is kept (bounds a lost update) */
#define SVC_NSETS	9
#define SVC_ALL		"*"	/* the owner of the sets of everyone */

enum svc_set { SET_FE, SET_FR, SET_LK, SET_BM, SET_RP, SET_BK, SET_BB,
	SET_MU, SET_GONE };

static const char *const set_names[SVC_NSETS] = {
	"fe", "fr", "lk", "bm", "rp", "bk", "bb", "mu", "gone"
};

/* A whole set as read from MongoDB. */
struct idset {
	char	(*ids)[25];
	size_t	  n, cap;
};

static void
idset_add(const char *id, void *arg)
{
	struct idset	*s = arg;

	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 64;
		s->ids = xreallocarray(s->ids, s->cap, sizeof(*s->ids));
	}
	memcpy(s->ids[s->n++], id, 25);
}

static int
idset_load(struct be *be, const char *uid, enum svc_set which,
    struct idset *s, struct verr *e)
{
	switch (which) {
	case SET_FE:
	case SET_FR:
		return db_follow_ids(be->db, uid, which == SET_FR, idset_add,
		    s, e);
	case SET_LK:
		return db_mark_ids(be->db, uid, MARK_LIKE, idset_add, s, e);
	case SET_BM:
		return db_mark_ids(be->db, uid, MARK_BOOKMARK, idset_add, s, e);
	case SET_RP:
		return db_mark_ids(be->db, uid, MARK_REPOST, idset_add, s, e);
	case SET_BK:
	case SET_BB:
		return db_restrict_ids(be->db, DB_BLOCK, uid, which == SET_BB,
		    idset_add, s, e);
	case SET_MU:
		return db_restrict_ids(be->db, DB_MUTE, uid, 0, idset_add, s,
		    e);
	default:
		return db_user_gone_ids(be->db, idset_add, s, e);
	}
}

/* out[i] = whether members[i] is in s. */
static void
idset_match(const struct idset *s, const char *const *members, size_t n,
    int *out)
{
	size_t	 i, j;

	for (i = 0; i < n; i++)
		for (j = 0, out[i] = 0; j < s->n && !out[i]; j++)
			out[i] = strcmp(members[i], s->ids[j]) == 0;
}

/*
 * Load set `which' of uid from MongoDB, answer the n members from it into
 * out, and store it in Redis if its generation is still gen.
 */
static int
svc_set_fill(struct be *be, const char *uid, enum svc_set which,
    const char *gen, const char *const *members, size_t n, int *out,
    struct verr *e)
{
	struct idset	 s = { NULL, 0, 0 };
	const char	**ptr;
	struct verr	 re;
	size_t		 j;
	int		 rc = -1;

	if (idset_load(be, uid, which, &s, e) == -1)
		goto out;
	idset_match(&s, members, n, out);
	ptr = xcalloc(s.n + 1, sizeof(*ptr));
	for (j = 0; j < s.n; j++)
		ptr[j] = s.ids[j];
	verr_init(&re);
	if (rds_uset_fill(be->rds, uid, set_names[which], gen, ptr, s.n,
	    SVC_SET_TTL, &re) == -1)
		log_warnx("set %s of %s not cached: %s", set_names[which],
		    uid, re.detail);
	free(ptr);
	rc = 0;
out:
	free(s.ids);
	return rc;
}

/*
 * Membership of the n members in the nsets sets `which' of uid:
 * out[k * n + i].  1 when answered, 0 when Redis could not be reached
 * (the caller then asks MongoDB its own way), -1 on a MongoDB error.
 */
static int
svc_sets_test(struct be *be, const char *uid, const enum svc_set *which,
    size_t nsets, const char *const *members, size_t n, int *out,
    struct verr *e)
{
	const char	*names[SVC_NSETS];
	char		 gens[SVC_NSETS][24];
	int		 loaded[SVC_NSETS];
	struct verr	 re;
	size_t		 k;

	for (k = 0; k < nsets; k++)
		names[k] = set_names[which[k]];
	verr_init(&re);
	if (rds_uset_test(be->rds, uid, names, nsets, members, n, out,
	    loaded, gens, &re) == -1)
		return 0;
	for (k = 0; k < nsets; k++)
		if (!loaded[k] && svc_set_fill(be, uid, which[k], gens[k],
		    members, n, out + k * n, e) == -1)
			return -1;
	return 1;
}

/*
 * REL_GONE for each of the n users, the only bit an anonymous viewer has
 * (API.md 6.2, 6.3 hide the gone from everyone): from the set "gone",
 * or from MongoDB when Redis cannot be reached.
 */
static int
svc_rel_gone(struct be *be, const char *const *ids, size_t n, int *rel,
    struct verr *e)
{
	static const enum svc_set gone = SET_GONE;
	struct idset	 s = { NULL, 0, 0 };
	size_t		 i;
	int		 rc;

	if ((rc = svc_sets_test(be, SVC_ALL, &gone, 1, ids, n, rel, e)) == 0) {
		rc = idset_load(be, SVC_ALL, SET_GONE, &s, e) == 0 ? 1 : -1;
		idset_match(&s, ids, n, rel);
		free(s.ids);
	}
	for (i = 0; i < n; i++)
		rel[i] = rel[i] ? REL_GONE : 0;
	return rc == 1 ? 0 : -1;
}

int
svc_rel_get(struct be *be, const char *viewer, const char *const *ids,
    size_t n, int *rel, struct verr *e)
{
	static const enum svc_set which[] = { SET_FE, SET_FR, SET_BK, SET_BB,
	    SET_MU };
	static const enum svc_set gone = SET_GONE;
	static const int bits[] = { REL_FOLLOWING, REL_FOLLOWED, REL_BLOCKING,
	    REL_BLOCKED, REL_MUTING, REL_GONE };
	int		*out;
	size_t		 i, k, nw = sizeof(which) / sizeof(which[0]);
	int		 rc;

	memset(rel, 0, n * sizeof(*rel));
	if (n == 0)
		return 0;
	if (viewer == NULL || viewer[0] == '\0')
		return svc_rel_gone(be, ids, n, rel, e);
	out = xcalloc((nw + 1) * n, sizeof(*out));
	/* The viewer's sets, then everyone's set of the gone (6.2, 6.3). */
	if ((rc = svc_sets_test(be, viewer, which, nw, ids, n, out, e)) == 1)
		rc = svc_sets_test(be, SVC_ALL, &gone, 1, ids, n, out + nw * n,
		    e);
	if (rc == 1)
		for (k = 0; k <= nw; k++)
			for (i = 0; i < n; i++)
				rel[i] |= out[k * n + i] ? bits[k] : 0;
	free(out);
	if (rc == 0)
		return db_relations(be->db, viewer, ids, n, rel, e);
	return rc == 1 ? 0 : -1;
}

int
svc_rel_any(struct be *be, const char *viewer, const char *const *ids,
    size_t n, int mask, int *out, struct verr *e)
{
	size_t	 i;

	if (svc_rel_get(be, viewer, ids, n, out, e) == -1)
		return -1;
	for (i = 0; i < n; i++)
		out[i] = (out[i] & mask) != 0 && (viewer == NULL ||
		    strcmp(ids[i], viewer) != 0);
	return 0;
}

int
svc_rel_keep(struct be *be, const char *viewer, void *base, size_t n,
    size_t size, size_t off, int mask, struct verr *e)
{
	const char	**ids;
	char		 *b = base;
	size_t		  i, k;
	int		 *out, rc = -1;

	ids = xcalloc(n + 1, sizeof(*ids));
	out = xcalloc(n + 1, sizeof(*out));
	for (i = 0; i < n; i++)
		ids[i] = b + i * size + off;
	if (svc_rel_any(be, viewer, ids, n, mask, out, e) == -1)
		goto out;
	for (i = k = 0; i < n; i++)
		if (!out[i]) {
			if (k != i)
				memcpy(b + k * size, b + i * size, size);
			k++;
		}
	rc = (int)k;
out:
	free(ids);
	free(out);
	return rc;
}

int
svc_rel_blocked(struct be *be, const char *a, const char *b, struct verr *e)
{
	static const enum svc_set which[] = { SET_BK, SET_BB };
	int		 out[2];
	int		 rc;

	if ((rc = svc_sets_test(be, a, which, 2, &b, 1, out, e)) == 0)
		return db_blocked_either(be->db, a, b, e);
	return rc == 1 ? out[0] || out[1] : -1;
}

int
svc_marks_get(struct be *be, const char *viewer, const char *const *ids,
    size_t n, int *liked, int *bookmarked, int *reposted, struct verr *e)
{
	static const enum svc_set which[] = { SET_LK, SET_BM, SET_RP };
	int		*out, *dst[3] = { liked, bookmarked, reposted };
	size_t		 k;
	int		 rc;

	for (k = 0; k < 3; k++)
		if (dst[k] != NULL)
			memset(dst[k], 0, n * sizeof(int));
	if (n == 0 || viewer == NULL || viewer[0] == '\0')
		return 0;
	out = xcalloc(3 * n, sizeof(*out));
	rc = svc_sets_test(be, viewer, which, 3, ids, n, out, e);
	for (k = 0; k < 3 && rc == 1; k++)
		if (dst[k] != NULL)
			memcpy(dst[k], out + k * n, n * sizeof(int));
	if (rc == 0) {
		for (k = 0; k < 3; k++)
			dst[k] = dst[k] != NULL ? dst[k] : out + k * n;
		rc = db_post_marks(be->db, viewer, ids, n, dst[0], dst[1],
		    dst[2], e) == 0 ? 1 : -1;
	}
	free(out);
	return rc == 1 ? 0 : -1;
}

int
svc_rel_gone_follows(struct be *be, const char *uid, int64_t *followers,
    int64_t *following, struct verr *e)
{
	static const enum svc_set which[] = { SET_FR, SET_FE };
	struct idset	 s = { NULL, 0, 0 };
	struct verr	 re;
	const char	**ptr = NULL;
	int		*in = NULL;
	size_t		 i;
	int		 rc = -1;

	*followers = *following = 0;
	verr_init(&re);
	if (rds_uset_members(be->rds, SVC_ALL, set_names[SET_GONE], idset_add,
	    &s, &re) != 1) {
		s.n = 0;
		if (idset_load(be, SVC_ALL, SET_GONE, &s, e) == -1)
			goto out;
	}
	ptr = xcalloc(s.n + 1, sizeof(*ptr));
	in = xcalloc(2 * s.n + 1, sizeof(*in));
	for (i = 0; i < s.n; i++)
		ptr[i] = s.ids[i];
	if (s.n > 0 && (rc = svc_sets_test(be, uid, which, 2, ptr, s.n, in,
	    e)) != 1) {
		if (rc == -1 ||
		    db_relations(be->db, uid, ptr, s.n, in, e) == -1)
			goto out;
		for (i = s.n; i-- > 0; ) {
			in[s.n + i] = (in[i] & REL_FOLLOWING) != 0;
			in[i] = (in[i] & REL_FOLLOWED) != 0;
		}
	}
	for (i = 0; i < s.n; i++) {
		*followers += in[i] != 0;
		*following += in[s.n + i] != 0;
	}
	rc = 0;
out:
	free(s.ids);
	free(ptr);
	free(in);
	return rc;
}

int
svc_rel_apart(struct be *be, const char *uid, char (**ids)[25], size_t *n,
    struct verr *e)
{
	struct idset	 s = { NULL, 0, 0 };

	*ids = NULL;
	*n = 0;
	if (db_restrict_ids(be->db, DB_BLOCK, uid, 0, idset_add, &s, e) == -1 ||
	    db_restrict_ids(be->db, DB_BLOCK, uid, 1, idset_add, &s, e) == -1 ||
	    db_restrict_ids(be->db, DB_MUTE, uid, 0, idset_add, &s, e) == -1 ||
	    db_user_gone_ids(be->db, idset_add, &s, e) == -1) {
		free(s.ids);
		return -1;
	}
	*ids = s.ids;
	*n = s.n;
	return 0;
}

static void
svc_set_change(struct be *be, const char *uid, enum svc_set which)
{
	struct verr	 e;

	verr_init(&e);
	if (rds_uset_drop(be->rds, uid, set_names[which], &e) == -1)
		log_warnx("set %s of %s not dropped: %s", set_names[which],
		    uid, e.detail);
}

void
svc_rel_changed(struct be *be, const char *a, const char *b)
{
	svc_set_change(be, a, SET_FE);
	svc_set_change(be, b, SET_FR);
}

void
svc_restrict_changed(struct be *be, const char *a, const char *b,
    enum db_restrict k)
{
	if (k == DB_MUTE) {
		svc_set_change(be, a, SET_MU);
		return;
	}
	svc_set_change(be, a, SET_BK);
	svc_set_change(be, b, SET_BB);
}

void
svc_gone_changed(struct be *be)
{
	svc_set_change(be, SVC_ALL, SET_GONE);
}

void
svc_mark_changed(struct be *be, const char *user, enum db_mark m)
{
	svc_set_change(be, user, m == MARK_LIKE ? SET_LK :
	    m == MARK_BOOKMARK ? SET_BM : SET_RP);
}
