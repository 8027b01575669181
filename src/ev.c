/*
 * Domain events.  An event is a JSON envelope {id, type, at, actorId,
 * rid, data}, rid being the request id of the request that caused it; its
 * id doubles as the Nats-Msg-Id, so the stream drops a second copy when
 * vybes-worker replays an outbox entry that did reach NATS before its
 * deletion.  Publishing waits for the stream's acknowledgement
 * (bounded by mq_nats.c); any failure sends the event to the outbox
 * instead, and the request goes on.
 */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/rand.h>

#include "be.h"
#include "db_outbox.h"
#include "enc.h"
#include "ev.h"
#include "json.h"
#include "log.h"
#include "mq_nats.h"
#include "verr.h"

int
ev_emit(struct be *be, const char *actor, const char *rid, const char *type,
    struct json_object *data, struct verr *e)
{
	struct json_object	*env;
	struct verr		 me;
	unsigned char		 rnd[12];
	char			 id[25], subject[64];
	const char		*s;
	int			 rc = 0;

	if (RAND_bytes(rnd, sizeof(rnd)) != 1)
		return verr_internal(e, "event id: RAND_bytes failed");
	enc_hex(rnd, sizeof(rnd), id);
	snprintf(subject, sizeof(subject), "vybes.%s", type);
	env = json_object_new_object();
	json_object_object_add(env, "id", json_object_new_string(id));
	json_object_object_add(env, "type", json_object_new_string(type));
	json_object_object_add(env, "at", json_object_new_int64(json_now_ms()));
	json_object_object_add(env, "actorId", json_object_new_string(actor));
	/* The request id follows the event into vybes-worker's log. */
	json_object_object_add(env, "rid", json_object_new_string(rid));
	json_object_object_add(env, "data", json_object_get(data));
	s = json_object_to_json_string_ext(env, JSON_C_TO_STRING_PLAIN);
	verr_init(&me);
	if (mq_publish(be->mq, subject, id, s, strlen(s), &me) == -1) {
		log_info("rid=%s event %s %s to the outbox: %s", rid, type,
		    id, me.detail);
		rc = db_outbox_insert(be->db, subject, id, s, e);
	}
	json_object_put(env);
	return rc;
}
