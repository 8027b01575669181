/*
 * NATS with JetStream: durable domain events.  One connection per process
 * with automatic reconnect; this header hides cnats.
 */
#ifndef MQ_NATS_H
#define MQ_NATS_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

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

/* One message handed to an mq_fetch() callback; borrowed. */
struct mq_msg {
	const char	*subject;
	const char	*data;
	size_t		 len;
	int		 deliveries;	/* 1 the first time */
};

enum mq_verdict {
	MQ_ACK,		/* its effect is stored: done */
	MQ_RETRY,	/* failed: redeliver after a growing delay */
	MQ_PARK,	/* give up on it (the caller logged why) */
};

/*
 * Use the durable pull consumer `durable' of the stream (created with
 * explicit acknowledgement and at most max_deliver deliveries when it
 * does not exist).  Several processes using the same name share its
 * messages.  503 when NATS is down.
 */
int	 mq_consumer(struct mq *m, const char *durable, int max_deliver,
	    struct verr *e);

/*
 * The bound consumer's backlog: messages of the stream not yet delivered
 * to it (*pending) and delivered but not yet acknowledged (*acking).
 * 503 when NATS is down.
 */
int	 mq_consumer_pending(struct mq *m, uint64_t *pending,
	    uint64_t *acking, struct verr *e);

/*
 * Fetch up to `batch' messages, waiting at most timeout_ms, and settle
 * each as fn decides: acknowledged, retried with back-off, or parked.
 * Once *stop is set, the messages not yet handled go back unprocessed.
 * Returns how many were acknowledged (0 on a quiet timeout), -1 with
 * 503 when NATS fails.
 */
int	 mq_fetch(struct mq *m, int batch, int timeout_ms,
	    enum mq_verdict (*fn)(const struct mq_msg *, void *), void *arg,
	    volatile sig_atomic_t *stop, struct verr *e);

#endif
