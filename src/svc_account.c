/*
 * Suspension and deletion hide a user at once from everyone: the state
 * goes to MongoDB, the set "gone" of svc_rel.c is dropped so that the
 * next read of any list or object sees it, every session is revoked (its
 * cached validity with it, so the 60 s session cache keeps no one in),
 * and the unread counts that counted the user's notifications are
 * dropped.
 *
 * The purge (db_purge.h) runs in vybes-worker in four idempotent steps:
 * the journal of the counters it will move, the media objects, the
 * documents, the counters; then the user document goes last, so a purge
 * cut short is found again by the next run and finished.
 */
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "be.h"
#include "cfg.h"
#include "db_notifications.h"
#include "db_purge.h"
#include "db_users.h"
#include "json.h"
#include "log.h"
#include "svc_account.h"
#include "svc_cache.h"
#include "svc_media.h"
#include "svc_rel.h"
#include "verr.h"
#include "xmem.h"

static void
account_unread(const char *uid, void *arg)
{
	svc_unread_changed(arg, uid);
}

/* Hide uid from everyone now that its state is set. */
static int
account_hide(struct be *be, const char *rid, const char *uid,
    struct verr *e)
{
	svc_gone_changed(be);
	if (auth_revoke_all(be, rid, uid, e) == -1)
		return -1;
	return db_notif_unread_of(be->db, uid, account_unread, be, e);
}

int
svc_account_suspend(struct be *be, const char *rid, const char *uid, int on,
    struct verr *e)
{
	if (db_user_set_state(be->db, uid, on ? "suspended" : "", e) == -1)
		return -1;
	if (!on) {
		svc_gone_changed(be);
		return db_notif_unread_of(be->db, uid, account_unread, be, e);
	}
	return account_hide(be, rid, uid, e);
}

int
svc_account_delete(struct be *be, const char *rid, const char *uid,
    struct verr *e)
{
	if (db_user_set_state(be->db, uid, "deleted", e) == -1)
		return -1;
	return account_hide(be, rid, uid, e);
}

struct media {
	struct be	*be;
	const char	*bucket;
	int		 failed;
};

static void
account_object(const char *key, void *arg)
{
	struct media	*m = arg;
	struct verr	 e;

	verr_init(&e);
	if (svc_media_delete(m->be, m->bucket, key, &e) == -1) {
		log_warnx("purge: object %s not deleted: %s", key, e.detail);
		m->failed = 1;
	}
}

/* Purge user uid (deleted); 0 when done. */
static int
account_purge(struct be *be, const char *uid, struct verr *e)
{
	struct purge	 p;
	struct media	 m = { be, NULL, 0 };
	struct user	*u;
	int64_t		 n;
	size_t		 i;
	int		 rc = -1;

	u = xmalloc(sizeof(*u));
	memset(&p, 0, sizeof(p));
	if (db_user_by_id(be->db, uid, u, e) == -1 ||
	    db_purge_journal(be->db, uid, &p, e) == -1)
		goto out;
	/* The objects first: a post left without its object is retried. */
	m.bucket = cfg_posts_bucket(be->cfg);
	if (db_purge_media(be->db, uid, 0, account_object, &m, e) == -1)
		goto out;
	m.bucket = cfg_stories_bucket(be->cfg);
	if (db_purge_media(be->db, uid, 1, account_object, &m, e) == -1)
		goto out;
	if (m.failed) {
		verr_backend(e, "storage", "media objects not deleted");
		goto out;
	}
	if (db_purge_remove(be->db, uid, &n, e) == -1 ||
	    db_purge_recount(be->db, &p, e) == -1)
		goto out;
	/* Caches of what moved, then the user: the purge is complete. */
	for (i = 0; i < p.nposts; i++)
		svc_post_changed(be, p.posts[i]);
	for (i = 0; i < p.nusers; i++)
		svc_rel_changed(be, p.users[i], p.users[i]);
	if (db_purge_finish(be->db, uid, e) == -1)
		goto out;
	svc_user_changed(be, uid, u->username);
	svc_gone_changed(be);
	log_info("purge: user %s purged, %lld documents deleted", uid,
	    (long long)n);
	rc = 0;
out:
	db_purge_clear(&p);
	free(u);
	return rc;
}

struct due {
	char	(*ids)[25];
	size_t	  n, cap;
};

static void
account_due(const char *id, void *arg)
{
	struct due	*d = arg;

	if (d->n == d->cap) {
		d->cap = d->cap ? 2 * d->cap : 8;
		d->ids = xreallocarray(d->ids, d->cap, sizeof(*d->ids));
	}
	memcpy(d->ids[d->n++], id, 25);
}

int
svc_account_purge_due(struct be *be, int *n, struct verr *e)
{
	struct due	 d = { NULL, 0, 0 };
	size_t		 i;
	int		 rc = 0;

	*n = 0;
	if (db_purge_due(be->db, json_now_ms() -
	    (int64_t)be->cfg->deletion_grace * 1000, account_due, &d, e) == -1) {
		free(d.ids);
		return -1;
	}
	for (i = 0; i < d.n && rc == 0; i++)
		if ((rc = account_purge(be, d.ids[i], e)) == 0)
			++*n;
	free(d.ids);
	return rc;
}
