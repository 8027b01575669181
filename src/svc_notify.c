/*
 * Notifications from events.  Each notification records the id of the
 * event that caused it under a unique index, so a redelivered or replayed
 * event finds its notification already there; likes, follows and reposts
 * also carry a de-duplication key that stays unique while they are
 * unread, so like, unlike, like leaves one unread notification.  Events
 * about a post, comment or repost deleted in the meantime create nothing.
 * A "post" event (a post or repost created) creates no notification: it
 * is fanned out to the followers' home timelines (svc_timeline.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "be.h"
#include "db_notifications.h"
#include "db_posts.h"
#include "enc.h"
#include "json.h"
#include "svc_cache.h"
#include "svc_notify.h"
#include "svc_rel.h"
#include "svc_timeline.h"
#include "verr.h"
#include "xmem.h"

/* String member `k' of o, or "" when absent. */
static const char *
svc_str(struct json_object *o, const char *k)
{
	struct json_object	*v;

	if (o != NULL && json_object_object_get_ex(o, k, &v) &&
	    json_object_is_type(v, json_type_string))
		return json_object_get_string(v);
	return "";
}

/*
 * Does what the event is about still exist (the post, and the comment or
 * repost the event names)?  1 yes, 0 gone, -1 backend error.
 */
static int
svc_exists(struct be *be, const char *type, const char *post,
    const char *comment, const char *repost, struct verr *e)
{
	struct post	*p;
	struct comment	*c;
	struct verr	 fe;
	int		 rc;

	p = xmalloc(sizeof(*p));
	c = xmalloc(sizeof(*c));
	verr_init(&fe);
	if (db_post_get(be->db, post, p, &fe) == -1)
		rc = fe.status == 404 ? 0 : -1;
	else if (strcmp(type, "comment") == 0) {
		rc = db_comment_get(be->db, comment, c, &fe) == 0 ? 1 :
		    fe.status == 404 ? 0 : -1;
	} else if (strcmp(type, "repost") == 0 && *repost != '\0') {
		rc = db_post_get(be->db, repost, p, &fe) == 0 ? 1 :
		    fe.status == 404 ? 0 : -1;
	} else
		rc = 1;
	if (rc == -1)
		*e = fe;
	free(p);
	free(c);
	return rc;
}

int
svc_notify_event(struct be *be, const char *data, size_t len,
    struct verr *e)
{
	struct json_object	*env = NULL, *d = NULL;
	struct notif		 n;
	const char		*type, *actor, *rcpt, *post = "", *comment = "";
	const char		*repost = "";
	int			 rc = -1, created, ex;

	if (json_parse_object(data, len, &env, e) == -1)
		return -1;
	json_object_object_get_ex(env, "data", &d);
	type = svc_str(env, "type");
	actor = svc_str(env, "actorId");
	memset(&n, 0, sizeof(n));
	if (strcmp(type, "post") == 0) {
		/* A new post or repost: the followers' timelines. */
		post = svc_str(d, "postId");
		if (!enc_is_oid(post)) {
			verr_set(e, 400, "bad_request", "malformed post event");
			goto out;
		}
		rc = svc_tl_fanout(be, post, e);
		goto out;
	}
	if (strcmp(type, "follow") == 0)
		rcpt = svc_str(d, "followingId");
	else if (strcmp(type, "like") == 0 || strcmp(type, "comment") == 0 ||
	    strcmp(type, "repost") == 0) {
		rcpt = svc_str(d, "postAuthorId");
		post = svc_str(d, "postId");
		if (strcmp(type, "comment") == 0)
			comment = svc_str(d, "commentId");
		if (strcmp(type, "repost") == 0)
			repost = svc_str(d, "repostId");
	} else {
		/* Other events ("story": media only) create none. */
		rc = 0;
		goto out;
	}
	if (!enc_is_oid(actor) || !enc_is_oid(rcpt) ||
	    (*post != '\0' && !enc_is_oid(post)) ||
	    (strcmp(type, "comment") == 0 && !enc_is_oid(comment)) ||
	    (strcmp(type, "follow") != 0 && *post == '\0') ||
	    strlen(svc_str(env, "id")) == 0 ||
	    strlen(svc_str(env, "id")) >= sizeof(n.event_id)) {
		verr_set(e, 400, "bad_request", "malformed %s event", type);
		goto out;
	}
	/*
	 * Never for self-actions, nor between a blocked pair (6.1), asked
	 * of the recipient's cached block sets (svc_rel.c).
	 */
	if (strcmp(actor, rcpt) == 0 ||
	    (ex = svc_rel_blocked(be, rcpt, actor, e)) == 1) {
		rc = 0;
		goto out;
	}
	if (ex == -1)
		goto out;
	if (*post != '\0') {
		if ((ex = svc_exists(be, type, post, comment, repost,
		    e)) == -1)
			goto out;
		if (ex == 0) {
			rc = 0;
			goto out;
		}
	}
	snprintf(n.user_id, sizeof(n.user_id), "%s", rcpt);
	snprintf(n.actor_id, sizeof(n.actor_id), "%s", actor);
	snprintf(n.type, sizeof(n.type), "%s", type);
	snprintf(n.post_id, sizeof(n.post_id), "%s", post);
	snprintf(n.comment_id, sizeof(n.comment_id), "%s", comment);
	snprintf(n.event_id, sizeof(n.event_id), "%s", svc_str(env, "id"));
	/* Comments notify every time; the others once while unread. */
	if (strcmp(type, "comment") != 0)
		snprintf(n.dedupe, sizeof(n.dedupe), "%s:%s:%s", type, actor,
		    *post != '\0' ? post : rcpt);
	n.created_ms = json_now_ms();
	if ((rc = db_notif_create(be->db, &n, &created, e)) == 0 && created)
		svc_unread_changed(be, rcpt);
out:
	json_object_put(env);
	return rc;
}
