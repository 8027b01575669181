/*
 * User lookups and lists shared by several resources: resolving a
 * `:username' (or "me"), and rendering UserListItem arrays (API.md 2.4)
 * with relationship fields in a fixed number of queries.
 */
#ifndef SVC_USER_H
#define SVC_USER_H

#include <stddef.h>
#include <stdint.h>

struct be;
struct json_object;
struct user;
struct user_sum;
struct verr;

/*
 * 404 not_found when u blocks caller (for the blocked, the blocker does
 * not exist: API.md 6.1), or is suspended or being deleted (6.2, 6.3).
 */
int	svc_user_seen(struct be *be, const char *caller, const struct user *u,
	    struct verr *e);

/*
 * Load the user named `name' (lower-cased, one leading '@' dropped;
 * "me" is `caller') into u.  404 not_found when none, when the name
 * cannot be a username, or as svc_user_seen().
 */
int	svc_user_named(struct be *be, const char *caller, const char *name,
	    struct user *u, struct verr *e);

/* Who reads a list of users: svc_user_hide()'s argument. */
struct svc_reader {
	struct be	*be;
	const char	*caller;
};

/*
 * page_ids_fill()'s hide for lists of users read by reader arg: out[i]
 * for those who block the caller, and the gone (as svc_user_list()).
 */
int	svc_user_hide(void *arg, const char *const *ids, size_t n, int *out,
	    struct verr *e);

/*
 * The n users of ids, in that order, as UserListItem objects (public
 * view and friendshipStatus relative to caller); with `mutual' not NULL
 * each also gets mutualCount.  Users that no longer exist, those who
 * block the caller, and the suspended are skipped.
 * NULL on error.
 */
struct json_object *svc_user_list(struct be *be, const char *caller,
	    const char *const *ids, size_t n, const int64_t *mutual,
	    struct verr *e);

/* UserSummaries (API.md 2.2) loaded for a page of objects. */
struct sums {
	struct user_sum	*u;
	size_t		 n;
};

/*
 * Load the summaries of the n user ids (repeats allowed) into s in one
 * query; s needs svc_sums_free() whether or not this succeeds.
 */
int	svc_sums_load(struct be *be, const char *const *ids, size_t n,
	    struct sums *s, struct verr *e);
void	svc_sums_free(struct sums *s);

/* The UserSummary of id from s, or just {id} for a user who is gone. */
struct json_object *svc_sum_json(const struct sums *s, const char *id);

#endif
