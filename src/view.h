/*
 * JSON views of resources (API.md section 2).  Each returns a new object
 * owned by the caller.
 */
#ifndef VIEW_H
#define VIEW_H

struct json_object;
struct media_info;
struct session;
struct user;

/* User (2.1): the self view (with email) when `self', else public. */
struct json_object *view_user(const struct user *u, int self);

/* UserProfile (2.3): the User plus counts and friendshipStatus. */
struct json_object *view_profile(const struct user *u, int self,
	    const char *friendship);

/* Session (2.9); `current' marks the session of the request. */
struct json_object *view_session(const struct session *s, int current);

/*
 * Add the media fields of a Post (2.5) or Story (2.7) to o (API.md
 * 6.4): mediaStatus always, the others once known.
 */
void	view_media(struct json_object *o, const struct media_info *m);

#endif
