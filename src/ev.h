/*
 * Domain events (like, comment, repost, follow, ...): published to the
 * JetStream stream, or kept in the MongoDB outbox while NATS is down, so
 * that no event is lost (DESIGN.md section 4).
 */
#ifndef EV_H
#define EV_H

struct be;
struct json_object;
struct verr;

/*
 * Emit event `type' by user `actor' with `data' (borrowed) on subject
 * "vybes.<type>" with a fresh Nats-Msg-Id; `rid' is the request id that
 * caused it ("-" outside a request).  Fails only when neither NATS nor
 * the outbox takes it (503).
 */
int	ev_emit(struct be *be, const char *actor, const char *rid,
	    const char *type, struct json_object *data, struct verr *e);

#endif
