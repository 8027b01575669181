/*
 * JSON views.  Field names and casing are the reference's; optional
 * strings are omitted when empty, and nothing secret (password hash,
 * codes, keys, refresh tokens) has a field here to leak through.
 */
#include <json-c/json.h>

#include "db_media.h"
#include "db_sessions.h"
#include "db_users.h"
#include "json.h"
#include "view.h"

static void
view_opt(struct json_object *o, const char *k, const char *v)
{
	if (v[0] != '\0')
		json_object_object_add(o, k, json_object_new_string(v));
}

struct json_object *
view_user(const struct user *u, int self)
{
	struct json_object	*o = json_object_new_object();

	json_object_object_add(o, "id", json_object_new_string(u->id));
	json_object_object_add(o, "vid", json_object_new_int64(u->vid));
	json_object_object_add(o, "name", json_object_new_string(u->name));
	if (self)
		json_object_object_add(o, "email",
		    json_object_new_string(u->email));
	json_object_object_add(o, "username",
	    json_object_new_string(u->username));
	view_opt(o, "pfpUrl", u->pfp_url);
	view_opt(o, "bannerUrl", u->banner_url);
	view_opt(o, "bio", u->bio);
	json_object_object_add(o, "walletAddress",
	    json_object_new_string(u->wallet_address));
	json_object_object_add(o, "totalLikeCount",
	    json_object_new_int64(u->total_like_count < 0 ? 0 :
	    u->total_like_count));
	json_object_object_add(o, "postCount",
	    json_object_new_int64(u->post_count < 0 ? 0 : u->post_count));
	return o;
}

struct json_object *
view_profile(const struct user *u, int self, const char *friendship)
{
	struct json_object	*o = view_user(u, self);

	json_object_object_add(o, "followerCount", json_object_new_int64(
	    u->follower_count < 0 ? 0 : u->follower_count));
	json_object_object_add(o, "followingCount", json_object_new_int64(
	    u->following_count < 0 ? 0 : u->following_count));
	json_object_object_add(o, "friendshipStatus",
	    json_object_new_string(friendship));
	return o;
}

struct json_object *
view_session(const struct session *s, int current)
{
	struct json_object	*o = json_object_new_object();
	char			 ts[32];

	json_object_object_add(o, "id", json_object_new_string(s->id));
	json_object_object_add(o, "user_id",
	    json_object_new_string(s->user_id));
	json_object_object_add(o, "user_agent",
	    json_object_new_string(s->user_agent));
	json_object_object_add(o, "client_ip",
	    json_object_new_string(s->client_ip));
	json_object_object_add(o, "is_blocked",
	    json_object_new_boolean(s->is_blocked));
	json_time(ts, s->expires_ms);
	json_object_object_add(o, "expires_at", json_object_new_string(ts));
	json_time(ts, s->created_ms);
	json_object_object_add(o, "created_at", json_object_new_string(ts));
	json_object_object_add(o, "current", json_object_new_boolean(current));
	return o;
}

void
view_media(struct json_object *o, const struct media_info *m)
{
	/* Documents from before processing existed: see svc_media.c. */
	json_object_object_add(o, "mediaStatus", json_object_new_string(
	    m->status[0] != '\0' ? m->status : "ready"));
	if (m->width > 0 && m->height > 0) {
		json_object_object_add(o, "width",
		    json_object_new_int64(m->width));
		json_object_object_add(o, "height",
		    json_object_new_int64(m->height));
	}
	if (m->duration_ms > 0)
		json_object_object_add(o, "durationMs",
		    json_object_new_int64(m->duration_ms));
	view_opt(o, "thumbnailUrl", m->thumb_url);
	view_opt(o, "blurhash", m->blurhash);
}
