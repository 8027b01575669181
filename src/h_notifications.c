/*
 * The caller's notifications (API.md 3.6): the list, the unread count
 * and marking read.  Notifications are created by the event worker, not
 * here.  A page renders its actors from one summaries query; an actor
 * whose account is gone keeps just its id.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "be.h"
#include "db_notifications.h"
#include "db_users.h"
#include "handlers.h"
#include "http.h"
#include "json.h"
#include "page.h"
#include "svc_cache.h"
#include "svc_rel.h"
#include "svc_user.h"
#include "verr.h"
#include "xmem.h"

#define NOTIF_SCOPE	"notifications"
#define NOTIF_LIMIT	30	/* default page size, as in the reference */
#define NOTIF_MAX_PAGE	100
#define NOTIF_MAX_IDS	500	/* notificationIds per PATCH */

/* page_vals_fill() of the caller's notifications. */
static void
notif_add(const struct notif *n, void *arg)
{
	page_vals_add(arg, n);
}

static int
notif_list(void *arg, const struct db_page *dp, struct page_vals *v,
    struct verr *e)
{
	struct req	*r = arg;

	return db_notif_list(r->be->db, r->uid, dp, notif_add, v, e);
}

/* Actors across a block, muted or gone are left out (API.md 6.1). */
static int
notif_keep(void *arg, void *items, size_t n, struct verr *e)
{
	struct req	*r = arg;

	return svc_rel_keep(r->be, r->uid, items, n, sizeof(struct notif),
	    offsetof(struct notif, actor_id), REL_HIDDEN | REL_MUTING, e);
}

/* Notification (2.8). */
static struct json_object *
notif_json(const struct notif *n, const struct sums *s)
{
	struct json_object	*o = json_object_new_object();
	char			 ts[32];

	json_object_object_add(o, "id", json_object_new_string(n->id));
	json_object_object_add(o, "userId", json_object_new_string(n->user_id));
	json_object_object_add(o, "actorId",
	    json_object_new_string(n->actor_id));
	json_object_object_add(o, "type", json_object_new_string(n->type));
	if (n->post_id[0] != '\0' && strcmp(n->type, "follow") != 0)
		json_object_object_add(o, "postId",
		    json_object_new_string(n->post_id));
	if (n->comment_id[0] != '\0' && strcmp(n->type, "comment") == 0)
		json_object_object_add(o, "commentId",
		    json_object_new_string(n->comment_id));
	json_object_object_add(o, "read", json_object_new_boolean(n->read));
	json_time(ts, n->created_ms);
	json_object_object_add(o, "createdAt", json_object_new_string(ts));
	json_object_object_add(o, "actor", svc_sum_json(s, n->actor_id));
	return o;
}

int
h_notifications_list(struct req *r, struct verr *e)
{
	struct page		 pg;
	struct page_pos		 next;
	struct page_vals	 v = { NULL, 0, 0, sizeof(struct notif),
	    offsetof(struct notif, created_ms), offsetof(struct notif, id),
	    notif_list, notif_keep, r };
	struct notif		*items;
	struct sums		 s = { NULL, 0 };
	struct json_object	*arr;
	const char		**ids = NULL;
	size_t			 i;
	int			 n, more, rc = -1;

	if (page_parse(r, NOTIF_SCOPE, NOTIF_LIMIT, NOTIF_MAX_PAGE, &pg,
	    e) == -1 ||
	    (n = page_vals_fill(&pg, &v, &more, &next, e)) == -1)
		goto out;
	items = (struct notif *)(void *)v.items;
	ids = xcalloc((size_t)n + 1, sizeof(*ids));
	for (i = 0; i < (size_t)n; i++)
		ids[i] = items[i].actor_id;
	if (svc_sums_load(r->be, ids, (size_t)n, &s, e) == -1)
		goto out;
	arr = json_object_new_array();
	for (i = 0; i < (size_t)n; i++)
		json_object_array_add(arr, notif_json(&items[i], &s));
	http_json(r, 200, arr);
	http_header(r, "Cache-Control", "no-store");
	if (more)
		page_next(r, NOTIF_SCOPE, next.key, next.id);
	rc = 0;
out:
	free(ids);
	svc_sums_free(&s);
	free(v.items);
	return rc;
}

int
h_notifications_unread(struct req *r, struct verr *e)
{
	struct json_object	*o;
	int64_t			 n;

	if (svc_unread_get(r->be, r->uid, &n, e) == -1)
		return -1;
	o = json_object_new_object();
	json_object_object_add(o, "unreadCount", json_object_new_int64(n));
	http_json(r, 200, o);
	http_header(r, "Cache-Control", "no-store");
	return 0;
}

/*
 * The notificationIds of body b, borrowed from it, into a malloc'd
 * *ids (*n of them); *ids stays NULL when the field is absent or null.
 * 400 validation_failed when it is not an array of at most
 * NOTIF_MAX_IDS strings.
 */
static int
notif_ids(struct json_object *b, const char ***ids, size_t *n,
    struct verr *e)
{
	struct json_object	*a, *v;
	size_t			 i, len;

	*ids = NULL;
	*n = 0;
	if (!json_object_object_get_ex(b, "notificationIds", &a) || a == NULL)
		return 0;
	if (!json_object_is_type(a, json_type_array))
		return verr_field(e, "notificationIds",
		    "notificationIds must be an array of strings");
	if ((len = json_object_array_length(a)) > NOTIF_MAX_IDS)
		return verr_field(e, "notificationIds",
		    "notificationIds may hold at most %d ids", NOTIF_MAX_IDS);
	*ids = xcalloc(len + 1, sizeof(**ids));
	for (i = 0; i < len; i++) {
		v = json_object_array_get_idx(a, i);
		if (!json_object_is_type(v, json_type_string)) {
			free(*ids);
			*ids = NULL;
			return verr_field(e, "notificationIds",
			    "notificationIds must be an array of strings");
		}
		(*ids)[i] = json_object_get_string(v);
	}
	*n = len;
	return 0;
}

int
h_notifications_mark_read(struct req *r, struct verr *e)
{
	struct json_object	*b = NULL, *o;
	const char		**ids = NULL;
	size_t			 n = 0;
	int64_t			 modified;
	int			 all = 0, rc = -1;

	if (http_json_body(r, &b, e) == -1 ||
	    json_get_bool(b, "all", 0, &all, e) == -1 ||
	    notif_ids(b, &ids, &n, e) == -1)
		goto out;
	/* An empty array is a valid request that changes nothing. */
	if (!all && ids == NULL) {
		verr_field(e, "notificationIds", "give notificationIds or "
		    "\"all\": true");
		goto out;
	}
	if (db_notif_mark_read(r->be->db, r->uid, ids, n, all, &modified,
	    e) == -1)
		goto out;
	svc_unread_changed(r->be, r->uid);
	o = json_object_new_object();
	json_object_object_add(o, "modifiedCount",
	    json_object_new_int64(modified));
	json_object_object_add(o, "updated", json_object_new_int64(modified));
	http_json(r, 200, o);
	http_header(r, "Cache-Control", "no-store");
	rc = 0;
out:
	free(ids);
	json_object_put(b);
	return rc;
}
