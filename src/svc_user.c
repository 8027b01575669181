/*
 * Shared user lookups.  A list of n users costs three queries whatever n
 * is: the users, then the follows each way between them and the caller.
 */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "be.h"
#include "db_users.h"
#include "svc_cache.h"
#include "svc_rel.h"
#include "svc_user.h"
#include "valid.h"
#include "verr.h"
#include "view.h"
#include "xmem.h"

int
svc_user_seen(struct be *be, const char *caller, const struct user *u,
    struct verr *e)
{
	const char	*id = u->id;
	int		 rel;

	if (strcmp(caller, u->id) == 0)
		return 0;
	if (svc_rel_get(be, caller, &id, 1, &rel, e) == -1)
		return -1;
	if (rel & (REL_BLOCKED | REL_GONE))
		return verr_set(e, 404, "not_found", "User not found");
	return 0;
}

/* svc_user_named() before the block check. */
static int
user_named(struct be *be, const char *caller, const char *name,
    struct user *u, struct verr *e)
{
	struct verr	 fe;
	char		 un[VALID_USERNAME_MAX + 1], id[25];

	verr_init(&fe);

	if (strcmp(name, "me") == 0)
		return db_user_by_id(be->db, caller, u, e);
	if (valid_username_lookup(name, un) == -1)
		return verr_set(e, 404, "not_found", "User not found");
	/* The name's id from the cache, then the user by _id. */
	if (svc_username_id(be, un, id, e) == -1)
		return -1;
	if (db_user_by_id(be->db, id, u, &fe) == 0 &&
	    strcmp(u->username, un) == 0)
		return 0;
	if (fe.status != 0 && fe.status != 404) {
		*e = fe;
		return -1;
	}
	/* Renamed or gone since cached: ask by name. */
	svc_user_changed(be, id, un);
	return db_user_by_username(be->db, un, u, e);
}

int
svc_user_named(struct be *be, const char *caller, const char *name,
    struct user *u, struct verr *e)
{
	if (user_named(be, caller, name, u, e) == -1)
		return -1;
	return svc_user_seen(be, caller, u, e);
}

struct ulist {
	const char *const	*ids;
	size_t			 n;
	struct user		**found;	/* aligned with ids */
};

static void
ulist_add(const struct user *u, void *arg)
{
	struct ulist	*l = arg;
	size_t		 i;

	for (i = 0; i < l->n; i++)
		if (l->found[i] == NULL && strcmp(l->ids[i], u->id) == 0) {
			l->found[i] = xmalloc(sizeof(*u));
			*l->found[i] = *u;
		}
}

int
svc_user_hide(void *arg, const char *const *ids, size_t n, int *out,
    struct verr *e)
{
	struct svc_reader	*rd = arg;

	return svc_rel_any(rd->be, rd->caller, ids, n, REL_BLOCKED | REL_GONE,
	    out, e);
}

struct json_object *
svc_user_list(struct be *be, const char *caller, const char *const *ids,
    size_t n, const int64_t *mutual, struct verr *e)
{
	struct json_object	*arr = NULL, *o;
	struct ulist		 l = { ids, n, NULL };
	int			*rel = NULL;
	size_t			 i;

	l.found = xcalloc(n + 1, sizeof(*l.found));
	rel = xcalloc(n + 1, sizeof(*rel));
	if (db_user_get_many(be->db, ids, n, ulist_add, &l, e) == -1 ||
	    svc_rel_get(be, caller, ids, n, rel, e) == -1)
		goto out;
	arr = json_object_new_array();
	for (i = 0; i < n; i++) {
		/* Who blocks the caller, or is gone, is absent (6.1-6.3). */
		if (l.found[i] == NULL || (rel[i] & (REL_BLOCKED | REL_GONE)))
			continue;
		/* Lists use the public view, the caller included (2.4). */
		o = view_user(l.found[i], 0);
		json_object_object_add(o, "friendshipStatus",
		    json_object_new_string(strcmp(ids[i], caller) == 0 ?
		    "none" : db_rel_name(rel[i])));
		if (mutual != NULL)
			json_object_object_add(o, "mutualCount",
			    json_object_new_int64(mutual[i]));
		json_object_array_add(arr, o);
	}
out:
	for (i = 0; i < n; i++)
		free(l.found[i]);
	free(l.found);
	free(rel);
	return arr;
}

int
svc_sums_load(struct be *be, const char *const *ids, size_t n,
    struct sums *s, struct verr *e)
{
	struct user_sum	*all;
	const char	**uniq;
	int		*found;
	size_t		 i, j, nu = 0;
	int		 rc;

	s->n = 0;
	s->u = xcalloc(n + 1, sizeof(*s->u));
	all = xcalloc(n + 1, sizeof(*all));
	uniq = xcalloc(n + 1, sizeof(*uniq));
	found = xcalloc(n + 1, sizeof(*found));
	/* A page repeats its authors: each is looked up once. */
	for (i = 0; i < n; i++) {
		for (j = 0; j < nu && strcmp(uniq[j], ids[i]) != 0; j++)
			;
		if (j == nu)
			uniq[nu++] = ids[i];
	}
	if ((rc = svc_sums_get(be, uniq, nu, all, found, e)) == 0)
		for (i = 0; i < nu; i++)
			if (found[i])
				s->u[s->n++] = all[i];
	free(uniq);
	free(all);
	free(found);
	return rc;
}

void
svc_sums_free(struct sums *s)
{
	free(s->u);
	s->u = NULL;
	s->n = 0;
}

struct json_object *
svc_sum_json(const struct sums *s, const char *id)
{
	struct json_object	*a = json_object_new_object();
	size_t			 i;

	json_object_object_add(a, "id", json_object_new_string(id));
	for (i = 0; i < s->n; i++)
		if (strcmp(s->u[i].id, id) == 0) {
			json_object_object_add(a, "username",
			    json_object_new_string(s->u[i].username));
			json_object_object_add(a, "name",
			    json_object_new_string(s->u[i].name));
			if (s->u[i].pfp_url[0] != '\0')
				json_object_object_add(a, "pfpUrl",
				    json_object_new_string(s->u[i].pfp_url));
			break;
		}
	return a;
}
