/*
 * Blocks and mutes (API.md 6.1) and reports (6.2).  What blocks hide is
 * decided where each list or object is read (vis.c explains how and at
 * what cost); here they are made and undone, and listed.  Reports are
 * handled by operators with vybesctl(8).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "be.h"
#include "db_blocks.h"
#include "db_follows.h"
#include "db_posts.h"
#include "db_reports.h"
#include "db_users.h"
#include "handlers.h"
#include "enc.h"
#include "http.h"
#include "json.h"
#include "page.h"
#include "rl.h"
#include "svc_cache.h"
#include "svc_post.h"
#include "svc_rel.h"
#include "svc_user.h"
#include "valid.h"
#include "verr.h"
#include "xmem.h"

static const char *const restrict_names[] = { "blocked", "muted" };

/* Remove the follow of a to b, if any, as an unfollow would. */
static int
safety_unfollow(struct req *r, const char *a, const char *b, struct verr *e)
{
	int	 changed;

	if (db_follow_set(r->be->db, a, b, 0, &changed, e) == -1)
		return -1;
	if (changed)
		svc_rel_changed(r->be, a, b);
	return 0;
}

/* Block or mute (on=1), or undo it, for the :username of the route. */
static int
restrict_set(struct req *r, enum db_restrict k, int on, struct verr *e)
{
	struct json_object	*o;
	struct user		*u;
	char			 msg[32];
	int			 changed, rc = -1;

	u = xmalloc(sizeof(*u));
	if (svc_user_named(r->be, r->uid, router_param(&r->rm, "username"), u,
	    e) == -1)
		goto out;
	if (strcmp(u->id, r->uid) == 0) {
		verr_set(e, 400, "bad_request", "You cannot %s yourself",
		    k == DB_BLOCK ? "block" : "mute");
		goto out;
	}
	if (db_restrict_set(r->be->db, k, r->uid, u->id, on, &changed,
	    e) == -1)
		goto out;
	if (changed) {
		svc_restrict_changed(r->be, r->uid, u->id, k);
		svc_unread_changed(r->be, r->uid);
		if (k == DB_BLOCK)
			svc_unread_changed(r->be, u->id);
	}
	/*
	 * Follows both ways go with a block, counters included.  Done even
	 * when the block existed, so a follow that raced it goes too.
	 */
	if (k == DB_BLOCK && on && (safety_unfollow(r, r->uid, u->id,
	    e) == -1 || safety_unfollow(r, u->id, r->uid, e) == -1))
		goto out;
	snprintf(msg, sizeof(msg), "User %s%s", on ? "" : "un",
	    restrict_names[k]);
	o = json_object_new_object();
	json_object_object_add(o, "message", json_object_new_string(msg));
	json_object_object_add(o, restrict_names[k],
	    json_object_new_boolean(on));
	http_json(r, 200, o);
	rc = 0;
out:
	free(u);
	return rc;
}

int
h_safety_block(struct req *r, struct verr *e)
{
	return restrict_set(r, DB_BLOCK, 1, e);
}

int
h_safety_unblock(struct req *r, struct verr *e)
{
	return restrict_set(r, DB_BLOCK, 0, e);
}

int
h_safety_mute(struct req *r, struct verr *e)
{
	return restrict_set(r, DB_MUTE, 1, e);
}

int
h_safety_unmute(struct req *r, struct verr *e)
{
	return restrict_set(r, DB_MUTE, 0, e);
}

/* The caller's blocks or mutes: page_ids_fill()'s list. */
struct rlist {
	struct db		*db;
	enum db_restrict	 k;
	const char		*uid;
};

static int
rlist_read(void *arg, const struct db_page *dp, struct page_ids *l,
    struct verr *e)
{
	struct rlist	*rl = arg;

	return db_restrict_list(rl->db, rl->k, rl->uid, dp, page_ids_add, l,
	    e) == -1 ? -1 : 0;
}

/* GET /blocks or /mutes: the caller's, most recent first. */
static int
restrict_list(struct req *r, enum db_restrict k, struct verr *e)
{
	struct json_object	*arr;
	struct page		 pg;
	struct page_ids		 l;
	struct rlist		 rl = { r->be->db, k, r->uid };
	struct svc_reader	 rd = { r->be, r->uid };
	const char		*scope = k == DB_BLOCK ? "blocks" : "mutes";
	int			 rc = -1;

	memset(&l, 0, sizeof(l));
	if (page_parse(r, scope, 20, 100, &pg, e) == -1 ||
	    page_ids_fill(r, scope, &pg, rlist_read, &rl, svc_user_hide, &rd,
	    &l, e) == -1 ||
	    (arr = svc_user_list(r->be, r->uid, l.ptr, l.n, NULL, e)) == NULL)
		goto out;
	http_json(r, 200, arr);
	rc = 0;
out:
	page_ids_free(&l);
	return rc;
}

int
h_safety_blocks(struct req *r, struct verr *e)
{
	return restrict_list(r, DB_BLOCK, e);
}

int
h_safety_mutes(struct req *r, struct verr *e)
{
	return restrict_list(r, DB_MUTE, e);
}

static const char *const report_types[] = { "post", "comment", "user" };
static const char *const report_reasons[] = {
	"spam", "harassment", "nudity", "violence", "illegal", "other"
};

/* 1 when s is one of the n words of set. */
static int
report_word(const char *s, const char *const *set, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (strcmp(s, set[i]) == 0)
			return 1;
	return 0;
}

/*
 * The author of the report's target (rp->type, rp->target) into
 * rp->target_user: 404 not_found when the caller cannot see the target,
 * 400 bad_request when it is the caller or theirs.
 */
static int
report_target(struct req *r, struct report *rp, struct verr *e)
{
	struct post	*p;
	struct comment	*c;
	struct user	*u;
	const char	*who;
	int		 hid, rc = -1;

	p = xmalloc(sizeof(*p));
	c = xmalloc(sizeof(*c));
	u = xmalloc(sizeof(*u));
	if (strcmp(rp->type, "post") == 0) {
		if (svc_post_load(r->be, r->uid, rp->target, "targetId", p,
		    e) == -1)
			goto out;
		memcpy(rp->target_user, p->user_id, 25);
	} else if (strcmp(rp->type, "comment") == 0) {
		who = c->user_id;
		if (db_comment_get(r->be->db, rp->target, c, e) == -1 ||
		    svc_post_load(r->be, r->uid, c->post_id, "targetId", p,
		    e) == -1 || svc_rel_any(r->be, r->uid, &who, 1, REL_HIDDEN,
		    &hid, e) == -1)
			goto out;
		if (hid) {
			verr_set(e, 404, "not_found", "Comment not found");
			goto out;
		}
		memcpy(rp->target_user, c->user_id, 25);
	} else {
		if (db_user_by_id(r->be->db, rp->target, u, e) == -1 ||
		    svc_user_seen(r->be, r->uid, u, e) == -1)
			goto out;
		memcpy(rp->target_user, u->id, 25);
	}
	if (strcmp(rp->target_user, r->uid) == 0) {
		verr_set(e, 400, "bad_request", "You cannot report yourself or "
		    "your own content");
		goto out;
	}
	rc = 0;
out:
	free(p);
	free(c);
	free(u);
	return rc;
}

int
h_safety_report(struct req *r, struct verr *e)
{
	struct json_object	*b = NULL, *o;
	struct report		*rp;
	const char		*type, *target, *reason, *details = "";
	char			 ts[32];
	long			 n;
	int			 created, rc = -1;

	rp = xcalloc(1, sizeof(*rp));
	if (rl_check(r, RL_REPORT_USER, r->uid, 1, e) == -1 ||
	    http_json_body(r, &b, e) == -1 ||
	    json_get_str(b, "targetType", 1, &type, e) == -1 ||
	    json_get_str(b, "targetId", 1, &target, e) == -1 ||
	    json_get_str(b, "reason", 1, &reason, e) == -1 ||
	    json_get_str(b, "details", 0, &details, e) == -1)
		goto out;
	if (!report_word(type, report_types, 3)) {
		verr_field(e, "targetType", "targetType must be post, comment "
		    "or user");
		goto out;
	}
	if (!enc_is_oid(target)) {
		verr_field(e, "targetId", "targetId must be 24 hexadecimal "
		    "characters");
		goto out;
	}
	if (!report_word(reason, report_reasons, 6)) {
		verr_field(e, "reason", "reason must be spam, harassment, "
		    "nudity, violence, illegal or other");
		goto out;
	}
	if ((n = valid_utf8_str(details)) < 0 || n > 1000 ||
	    strlen(details) >= sizeof(rp->details)) {
		verr_field(e, "details", "details must be at most 1000 "
		    "characters");
		goto out;
	}
	memcpy(rp->reporter, r->uid, 25);
	snprintf(rp->type, sizeof(rp->type), "%s", type);
	snprintf(rp->target, sizeof(rp->target), "%s", target);
	snprintf(rp->reason, sizeof(rp->reason), "%s", reason);
	snprintf(rp->details, sizeof(rp->details), "%s", details);
	if (report_target(r, rp, e) == -1 ||
	    db_report_insert(r->be->db, rp, &created, e) == -1)
		goto out;
	o = json_object_new_object();
	json_object_object_add(o, "id", json_object_new_string(rp->id));
	json_object_object_add(o, "targetType",
	    json_object_new_string(rp->type));
	json_object_object_add(o, "targetId",
	    json_object_new_string(rp->target));
	json_object_object_add(o, "reason", json_object_new_string(rp->reason));
	json_object_object_add(o, "status", json_object_new_string(rp->status));
	json_time(ts, rp->created_ms);
	json_object_object_add(o, "createdAt", json_object_new_string(ts));
	http_json(r, created ? 201 : 200, o);
	rc = 0;
out:
	json_object_put(b);
	free(rp);
	return rc;
}
