/*
 * Follows, follower lists, search and suggestions (API.md 3.2.3-3.2.8).
 */
#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "be.h"
#include "db_follows.h"
#include "db_users.h"
#include "ev.h"
#include "handlers.h"
#include "http.h"
#include "json.h"
#include "log.h"
#include "page.h"
#include "svc_rel.h"
#include "svc_timeline.h"
#include "svc_user.h"
#include "valid.h"
#include "verr.h"
#include "xmem.h"

#define SUGGEST_FOLLOWEES	500	/* most recent followees looked at */
#define SUGGEST_CANDIDATES	1000
#define SUGGEST_ROUNDS		3	/* reads of the most followed */
#define SEARCH_MAX_SKIP		1000	/* deepest search page served */
#define SEARCH_ROUNDS		3	/* searches of a page, hidden hits */

/*
 * After the follow of b by the caller was stored: a block between them
 * written meanwhile (its check above read a cache) may have removed the
 * follows before this one was stored.  So ask MongoDB again: the block
 * is either seen here, and the follow is undone, or written after the
 * follow, and its removal of the follows takes this one too (API.md
 * 6.1).  0 when no block, else -1 with the answer of a blocked follow.
 */
static int
follow_raced(struct req *r, const char *b, struct verr *e)
{
	int	 bl, changed, rel;

	if ((bl = db_blocked_either(r->be->db, r->uid, b, e)) <= 0)
		return bl;
	if (db_follow_set(r->be->db, r->uid, b, 0, &changed, e) == -1 ||
	    db_relations(r->be->db, r->uid, &b, 1, &rel, e) == -1)
		return -1;
	if (changed)
		svc_rel_changed(r->be, r->uid, b);
	if (rel & REL_BLOCKING)
		return verr_set(e, 403, "forbidden",
		    "You have blocked this user");
	return verr_set(e, 404, "not_found", "User not found");
}

/* Follow (on=1) or unfollow the :username of the route. */
static int
follow_set(struct req *r, int on, struct verr *e)
{
	struct json_object	*o, *d;
	struct user		*u;
	struct verr		 ee;
	const char		*id;
	int			 changed, rel, rc = -1;

	u = xmalloc(sizeof(*u));
	id = u->id;
	if (svc_user_named(r->be, r->uid, router_param(&r->rm, "username"), u,
	    e) == -1)
		goto out;
	if (strcmp(u->id, r->uid) == 0) {
		verr_set(e, 400, "bad_request", "You cannot follow yourself");
		goto out;
	}
	if (on && svc_rel_get(r->be, r->uid, &id, 1, &rel, e) == -1)
		goto out;
	if (on && (rel & REL_BLOCKING)) {
		verr_set(e, 403, "forbidden", "You have blocked this user");
		goto out;
	}
	if (db_follow_set(r->be->db, r->uid, u->id, on, &changed, e) == -1)
		goto out;
	if (on && changed && follow_raced(r, u->id, e) == -1)
		goto out;
	if (changed) {
		svc_rel_changed(r->be, r->uid, u->id);
		if (on)
			svc_tl_followed(r->be, r->uid, u->id);
	}
	if (svc_rel_get(r->be, r->uid, &id, 1, &rel, e) == -1)
		goto out;
	if (on && changed) {
		d = json_object_new_object();
		json_object_object_add(d, "followingId",
		    json_object_new_string(u->id));
		verr_init(&ee);
		if (ev_emit(r->be, r->uid, r->rid, "follow", d, &ee) == -1)
			log_err("rid=%s follow event lost: %s", r->rid,
			    ee.detail);
		json_object_put(d);
	}
	o = json_object_new_object();
	json_object_object_add(o, "message", json_object_new_string(on ?
	    "Successfully followed user" : "Successfully unfollowed user"));
	json_object_object_add(o, "friendshipStatus",
	    json_object_new_string(db_rel_name(rel)));
	http_json(r, 200, o);
	rc = 0;
out:
	free(u);
	return rc;
}

int
h_social_follow(struct req *r, struct verr *e)
{
	return follow_set(r, 1, e);
}

int
h_social_unfollow(struct req *r, struct verr *e)
{
	return follow_set(r, 0, e);
}

/* The followers (or followees) of uid: page_ids_fill()'s list. */
struct flist {
	struct db	*db;
	const char	*uid;
	int		 followers;
};

static int
flist_read(void *arg, const struct db_page *dp, struct page_ids *l,
    struct verr *e)
{
	struct flist	*f = arg;

	return db_follow_list(f->db, f->uid, f->followers, dp, page_ids_add, l,
	    e) == -1 ? -1 : 0;
}

static int
follow_list(struct req *r, int followers, struct verr *e)
{
	struct json_object	*arr;
	struct user		*u;
	struct page		 pg;
	struct page_ids		 l;
	struct flist		 f = { r->be->db, NULL, followers };
	struct svc_reader	 rd = { r->be, r->uid };
	char			 scope[48];
	int			 rc = -1;

	memset(&l, 0, sizeof(l));
	u = xmalloc(sizeof(*u));
	if (svc_user_named(r->be, r->uid, router_param(&r->rm, "username"), u,
	    e) == -1)
		goto out;
	snprintf(scope, sizeof(scope), "%s:%s", followers ? "followers" :
	    "following", u->id);
	f.uid = u->id;
	if (page_parse(r, scope, 20, 100, &pg, e) == -1 ||
	    page_ids_fill(r, scope, &pg, flist_read, &f, svc_user_hide, &rd,
	    &l, e) == -1 ||
	    (arr = svc_user_list(r->be, r->uid, l.ptr, l.n, NULL, e)) == NULL)
		goto out;
	http_json(r, 200, arr);
	rc = 0;
out:
	page_ids_free(&l);
	free(u);
	return rc;
}

int
h_social_followers(struct req *r, struct verr *e)
{
	return follow_list(r, 1, e);
}

int
h_social_following(struct req *r, struct verr *e)
{
	return follow_list(r, 0, e);
}

/* Search results in the order of API.md 3.2.7, without repeats. */
struct hit {
	char	 id[25];
	char	 username[32];
	int	 group;		/* 0 exact username, 1 username, 2 name */
};

struct srch {
	const char	*q;
	struct hit	*h;
	size_t		 n, cap;
};

static void
srch_add(const char *uid, const char *username, int group, void *arg)
{
	struct srch	*s = arg;
	size_t		 i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->h[i].id, uid) == 0)
			return;
	if (s->n == s->cap)
		return;
	memcpy(s->h[s->n].id, uid, 25);
	snprintf(s->h[s->n].username, sizeof(s->h[0].username), "%s",
	    username);
	s->h[s->n++].group = group == 1 && strcmp(username, s->q) == 0 ? 0 :
	    group;
}

static int
hit_cmp(const void *a, const void *b)
{
	const struct hit	*x = a, *y = b;

	if (x->group != y->group)
		return x->group - y->group;
	return strcmp(x->username, y->username);
}

int
h_social_search(struct req *r, struct verr *e)
{
	struct json_object	*arr;
	struct srch		 s;
	struct page		 pg;
	struct svc_reader	 rd = { r->be, r->uid };
	const char		**ids = NULL, **all = NULL;
	int			*hid = NULL;
	char			 raw[256], q[256], *p, *end;
	size_t			 i, k, skip, want, max, nraw, round;
	int			 rc = -1, t;

	memset(&s, 0, sizeof(s));
	if ((t = http_query(r, "q", raw, sizeof(raw), e)) == -1)
		return -1;
	if (t == 0)
		return verr_field(e, "q", "q is required");
	for (p = raw; isspace((unsigned char)*p); p++)
		;
	end = p + strlen(p);
	while (end > p && isspace((unsigned char)end[-1]))
		*--end = '\0';
	if (*p == '@')
		p++;
	if (valid_utf8_str(p) < 1 || valid_utf8_str(p) > 50)
		return verr_field(e, "q", "q must be 1 to 50 characters");
	for (i = 0; p[i] != '\0'; i++)
		q[i] = (char)tolower((unsigned char)p[i]);
	q[i] = '\0';
	if (page_parse(r, "search", 20, 20, &pg, e) == -1)
		return -1;
	/* The cursor's key is the position after the last item served. */
	skip = pg.after ? (size_t)pg.after_key : pg.skip;
	if (skip > SEARCH_MAX_SKIP)
		skip = SEARCH_MAX_SKIP;
	want = skip + pg.limit + 1;
	s.q = q;
	ids = xcalloc(pg.limit + 1, sizeof(*ids));
	/*
	 * Those hidden from the caller are no hits; while they leave fewer
	 * than `want', ask again for more (pages stay full, API.md 1.6).
	 */
	for (max = want, round = 0; round < SEARCH_ROUNDS; round++, max *= 4) {
		free(s.h);
		free(all);
		free(hid);
		s.n = 0;
		s.cap = 2 * max;
		s.h = xcalloc(s.cap, sizeof(*s.h));
		all = xcalloc(s.cap + 1, sizeof(*all));
		hid = xcalloc(s.cap + 1, sizeof(*hid));
		if (db_user_search(r->be->db, q, max, srch_add, &s, e) == -1)
			goto out;
		qsort(s.h, s.n, sizeof(*s.h), hit_cmp);
		for (i = 0; i < s.n; i++)
			all[i] = s.h[i].id;
		if (svc_user_hide(&rd, all, s.n, hid, e) == -1)
			goto out;
		nraw = s.n;
		for (i = k = 0; i < s.n; i++)
			if (!hid[i])
				s.h[k++] = s.h[i];
		s.n = k;
		if (s.n >= want || nraw < max)
			break;
	}
	for (k = 0, i = skip; i < s.n && k < pg.limit; i++)
		ids[k++] = s.h[i].id;
	if ((arr = svc_user_list(r->be, r->uid, ids, k, NULL, e)) == NULL)
		goto out;
	http_json(r, 200, arr);
	if (skip + k < s.n && k > 0)
		page_next(r, "search", (int64_t)(skip + k), ids[k - 1]);
	rc = 0;
out:
	free(s.h);
	free(ids);
	free(all);
	free(hid);
	return rc;
}

/* Suggestion candidates with the counts they are ranked by. */
struct cand {
	char		 id[25];
	int64_t		 mutual;
	int64_t		 followers;
};

struct cands {
	struct cand	*c;
	size_t		 n, cap;
};

static void
cands_add(const char *uid, int64_t n, void *arg)
{
	struct cands	*cs = arg;

	if (cs->n == cs->cap)
		return;
	memcpy(cs->c[cs->n].id, uid, 25);
	cs->c[cs->n++].mutual = n;
}

static void
cands_user(const struct user *u, void *arg)
{
	struct cands	*cs = arg;
	size_t		 i;

	for (i = 0; i < cs->n; i++)
		if (strcmp(cs->c[i].id, u->id) == 0)
			cs->c[i].followers = u->follower_count;
}

static int
cand_cmp(const void *a, const void *b)
{
	const struct cand	*x = a, *y = b;

	if (x->mutual != y->mutual)
		return x->mutual > y->mutual ? -1 : 1;
	if (x->followers != y->followers)
		return x->followers > y->followers ? -1 : 1;
	return strcmp(x->id, y->id);
}

/* Leave out of cs, in order, whoever is across a block (API.md 6.1). */
static int
cands_visible(struct req *r, struct cands *cs, struct verr *e)
{
	int	 k;

	if ((k = svc_rel_keep(r->be, r->uid, cs->c, cs->n, sizeof(*cs->c),
	    offsetof(struct cand, id), REL_HIDDEN, e)) == -1)
		return -1;
	cs->n = (size_t)k;
	return 0;
}

int
h_social_suggestions(struct req *r, struct verr *e)
{
	struct json_object	*arr;
	struct cands		 cs;
	char			(*fe)[25] = NULL;
	const char		**fids = NULL, **ids = NULL;
	int64_t			*mutual = NULL;
	size_t			 nf = 0, i, limit, max, got, round;
	int			 rc = -1;
	struct page		 pg;

	memset(&cs, 0, sizeof(cs));
	if (page_parse(r, "suggestions", 20, 20, &pg, e) == -1)
		return -1;
	limit = pg.limit;
	/*
	 * Bounded work for large graphs: the 500 most recent followees, and
	 * the 1000 best friends-of-friends counted by one aggregation.
	 */
	if (db_followees(r->be->db, r->uid, SUGGEST_FOLLOWEES, &fe, &nf,
	    e) == -1)
		goto out;
	cs.cap = SUGGEST_CANDIDATES;
	cs.c = xcalloc(cs.cap, sizeof(*cs.c));
	fids = xcalloc(nf + 1, sizeof(*fids));
	for (i = 0; i < nf; i++)
		fids[i] = fe[i];
	if (db_follow_candidates(r->be->db, r->uid, fids, nf, cs.cap,
	    cands_add, &cs, e) == -1)
		goto out;
	if (cs.n == 0) {
		/*
		 * Fallback: the most-followed users not yet followed, asked
		 * for again (more of them) while those hidden leave fewer
		 * than limit.
		 */
		for (max = limit, round = 1; ; max *= 4, round++) {
			cs.n = 0;
			if (db_user_most_followed(r->be->db, r->uid, fids, nf,
			    max, cands_add, &cs, e) == -1)
				goto out;
			got = cs.n;
			if (cands_visible(r, &cs, e) == -1)
				goto out;
			if (cs.n >= limit || got < max ||
			    round == SUGGEST_ROUNDS || 4 * max > cs.cap)
				break;
		}
	} else {
		ids = xcalloc(cs.n, sizeof(*ids));
		for (i = 0; i < cs.n; i++)
			ids[i] = cs.c[i].id;
		if (db_user_get_many(r->be->db, ids, cs.n, cands_user, &cs,
		    e) == -1)
			goto out;
		qsort(cs.c, cs.n, sizeof(*cs.c), cand_cmp);
		free(ids);
		ids = NULL;
		if (cands_visible(r, &cs, e) == -1)
			goto out;
	}
	if (cs.n > limit)
		cs.n = limit;
	ids = xcalloc(cs.n + 1, sizeof(*ids));
	mutual = xcalloc(cs.n + 1, sizeof(*mutual));
	for (i = 0; i < cs.n; i++) {
		ids[i] = cs.c[i].id;
		mutual[i] = cs.c[i].mutual;
	}
	if ((arr = svc_user_list(r->be, r->uid, ids, cs.n, mutual, e)) == NULL)
		goto out;
	http_json(r, 200, arr);
	rc = 0;
out:
	free(cs.c);
	free(fe);
	free(fids);
	free(ids);
	free(mutual);
	return rc;
}
