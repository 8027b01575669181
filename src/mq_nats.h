/*
 * NATS with JetStream: durable domain events.  One connection per process
 * with automatic reconnect; this header hides cnats.
 */
#ifndef MQ_NATS_H
#define MQ_NATS_H

#include <stddef.h>

struct cfg;
struct verr;
struct mq;

/* A handle on cfg->nats_url; connects lazily.  Never fails. */
struct mq *mq_new(const struct cfg *c);
void	 mq_free(struct mq *m);

/*
 * Return 1 if connected now, else try to connect (at most once every few
 * seconds, each try bounded to about 1 s) and return 1 or 0.
 */
int	 mq_connected(struct mq *m);

/*
 * Check that NATS is connected and JetStream answers (account info),
 * within about 1 s.  503 unavailable otherwise.
 */
int	 mq_ping(struct mq *m, struct verr *e);

/*
 * Create or update the stream cfg->nats_stream (subjects "vybes.>",
 * replicas cfg->nats_replicas).  Idempotent.  503 when unreachable.
 */
int	 mq_ensure_stream(struct mq *m, struct verr *e);

/*
 * Publish `data' on `subject' to JetStream with Nats-Msg-Id `msgid' and
 * wait for the stream's acknowledgement.  503 when NATS is down.
 */
int	 mq_publish(struct mq *m, const char *subject, const char *msgid,
	    const void *data, size_t len, struct verr *e);

#endif
