/*
 * POST /uploads (API.md 6.5): record a direct upload (owner, purpose,
 * key uploads/<uuid> in the purpose's bucket, announced size, expiry)
 * and answer a presigned SigV4 PUT URL for exactly that many bytes:
 * Content-Length is signed, so the client sends the headers answered
 * (Content-Length) and storage refuses any other size.  The URL comes
 * from st_s3.c, which signs its own requests with the same code
 * (sigv4.c).  The purpose's rate limit is counted here; the
 * finalization (direct.c) counts nothing.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "be.h"
#include "cfg.h"
#include "db_uploads.h"
#include "direct.h"
#include "handlers.h"
#include "http.h"
#include "json.h"
#include "rl.h"
#include "st_s3.h"
#include "upload.h"
#include "verr.h"

int
h_uploads_create(struct req *r, struct verr *e)
{
	struct json_object	*o = NULL, *res, *hdrs;
	struct upload_rec	 u;
	const char		*purpose;
	char			 uuid[37], when[32], clen[24], *url = NULL;
	int64_t			 size;
	time_t			 now;
	int			 rc = -1;

	if (http_json_body(r, &o, e) == -1 ||
	    json_get_str(o, "purpose", 1, &purpose, e) == -1 ||
	    json_get_int(o, "size", 1, &size, e) == -1)
		goto out;
	if (strcmp(purpose, "post") != 0 && strcmp(purpose, "story") != 0) {
		verr_field(e, "purpose", "purpose must be post or story");
		goto out;
	}
	if (size > (int64_t)UPLOAD_MEDIA_MAX) {
		verr_set(e, 413, "payload_too_large", "Media larger than "
		    "50 MiB");
		goto out;
	}
	if (size < 1) {
		verr_field(e, "size", "size must be 1 to %lu bytes",
		    (unsigned long)UPLOAD_MEDIA_MAX);
		goto out;
	}
	if (rl_check(r, strcmp(purpose, "story") == 0 ? RL_STORY_USER :
	    RL_POST_USER, r->uid, 1, e) == -1)
		goto out;

	memset(&u, 0, sizeof(u));
	memcpy(u.user_id, r->uid, sizeof(u.user_id));
	snprintf(u.purpose, sizeof(u.purpose), "%s", purpose);
	upload_uuid(uuid);
	snprintf(u.key, sizeof(u.key), "uploads/%s", uuid);
	u.size = size;
	now = time(NULL);
	u.expires_ms = ((int64_t)now + r->cfg->upload_ttl) * 1000;
	if ((url = st_presign_put(r->be->st, direct_bucket(r->cfg, purpose),
	    u.key, (uint64_t)size, now, r->cfg->upload_ttl)) == NULL) {
		verr_internal(e, "uploads: presign %s: key too long", u.key);
		goto out;
	}
	if (db_upload_insert(r->be->db, &u, e) == -1)
		goto out;

	res = json_object_new_object();
	json_object_object_add(res, "uploadId", json_object_new_string(u.id));
	json_object_object_add(res, "method", json_object_new_string("PUT"));
	json_object_object_add(res, "url", json_object_new_string(url));
	snprintf(clen, sizeof(clen), "%lld", (long long)size);
	hdrs = json_object_new_object();
	json_object_object_add(hdrs, "Content-Length",
	    json_object_new_string(clen));
	json_object_object_add(res, "headers", hdrs);
	json_time(when, u.expires_ms);
	json_object_object_add(res, "expiresAt", json_object_new_string(when));
	http_json(r, 201, res);
	rc = 0;
out:
	json_object_put(o);
	free(url);
	return rc;
}
