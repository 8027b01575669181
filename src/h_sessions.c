/*
 * The caller's sessions (API.md 3.7).  Another user's session answers
 * 404 exactly like a missing one, so session ids reveal nothing.
 */
#include <string.h>

#include <json-c/json.h>

#include "auth.h"
#include "be.h"
#include "db_sessions.h"
#include "enc.h"
#include "handlers.h"
#include "http.h"
#include "json.h"
#include "page.h"
#include "verr.h"
#include "view.h"

#define SESSIONS_SCOPE	"sessions"

struct slist {
	struct json_object	*arr;
	const char		*current;
	size_t			 limit, n;
	int64_t			 last_key;
	char			 last_id[25];
};

/* Render up to limit sessions; one more only says a next page exists. */
static void
sessions_add(const struct session *s, void *arg)
{
	struct slist	*l = arg;

	if (l->n++ >= l->limit)
		return;
	json_object_array_add(l->arr, view_session(s,
	    strcmp(s->id, l->current) == 0));
	l->last_key = s->created_ms;
	memcpy(l->last_id, s->id, sizeof(l->last_id));
}

int
h_sessions_list(struct req *r, struct verr *e)
{
	struct page	 pg;
	struct slist	 l;

	if (page_parse(r, SESSIONS_SCOPE, 20, 100, &pg, e) == -1)
		return -1;
	memset(&l, 0, sizeof(l));
	l.arr = json_object_new_array();
	l.current = r->sid;
	l.limit = pg.limit;
	if (db_session_list(r->be->db, r->uid, json_now_ms(), pg.after_key,
	    pg.after ? pg.after_id : NULL, pg.skip, pg.limit + 1,
	    sessions_add, &l, e) == -1) {
		json_object_put(l.arr);
		return -1;
	}
	http_json(r, 200, l.arr);
	http_header(r, "Cache-Control", "no-store");
	if (l.n > l.limit)
		page_next(r, SESSIONS_SCOPE, l.last_key, l.last_id);
	return 0;
}

/* The :id parameter, checked before any lookup (API.md 1.1). */
static const char *
session_id_param(struct req *r, struct verr *e)
{
	const char	*id = router_param(&r->rm, "id");

	if (!enc_is_oid(id)) {
		verr_field(e, "id", "id must be 24 hexadecimal characters");
		return NULL;
	}
	return id;
}

int
h_sessions_get(struct req *r, struct verr *e)
{
	struct session	 s;
	const char	*id;

	if ((id = session_id_param(r, e)) == NULL ||
	    db_session_get(r->be->db, id, &s, e) == -1)
		return -1;
	if (strcmp(s.user_id, r->uid) != 0)
		return verr_set(e, 404, "not_found", "Session not found");
	http_json(r, 200, view_session(&s, strcmp(s.id, r->sid) == 0));
	http_header(r, "Cache-Control", "no-store");
	return 0;
}

int
h_sessions_block(struct req *r, struct verr *e)
{
	struct json_object	*o;
	const char		*id;

	if ((id = session_id_param(r, e)) == NULL ||
	    db_session_block(r->be->db, id, r->uid, e) == -1)
		return -1;
	auth_forget(r, id);
	o = json_object_new_object();
	json_object_object_add(o, "message",
	    json_object_new_string("Session blocked successfully"));
	http_json(r, 200, o);
	http_header(r, "Cache-Control", "no-store");
	return 0;
}
