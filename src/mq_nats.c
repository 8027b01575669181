/*
 * NATS with JetStream over cnats.  One connection per worker process,
 * opened on first use with "retry on failed connect": the first attempt
 * is bounded by the 1 s connect timeout, and when it fails cnats keeps
 * the connection object and goes on connecting in its own thread every
 * 500 ms, forever, as it does after losing an established connection.
 * Requests therefore never wait for NATS: a publish while disconnected
 * fails at once with 503 and the caller writes the event to the outbox.
 * Only when cnats refuses to create a connection at all (a bad URL) do we
 * retry ourselves, at most every MQ_RETRY_MS.  URLs may hold credentials
 * (nats://user:pass@host), so only a redacted copy is ever logged.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <nats/nats.h>

#include "cfg.h"
#include "log.h"
#include "mq_nats.h"
#include "verr.h"
#include "xmem.h"

#define MQ_TIMEOUT_MS	1000	/* connect, JetStream API, pub ack */
#define MQ_RETRY_MS	2000	/* between our own connect attempts */
/* Nats-Msg-Id de-duplication window (ns), long enough for outbox replays. */
#define MQ_DUP_WINDOW	(10LL * 60 * 1000000000)

struct mq {
	natsConnection	*mq_nc;
	jsCtx		*mq_js;
	char		*mq_url;	/* may hold credentials */
	char		 mq_safeurl[256];	/* for logs */
	char		*mq_stream;
	int		 mq_replicas;
	long long	 mq_last;	/* ms of the last connect attempt */
	natsSubscription *mq_sub;	/* mq_fetch(): the pull consumer */
	char		*mq_durable;
	int		 mq_max_deliver;
};

static long long
mq_now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static char *
mq_xstrdup(const char *s)
{
	char	*p;

	p = xstrdup(s);
	return p;
}

/* Append len bytes of s to out (size outsz, length *n), truncating. */
static void
mq_cat(char *out, size_t outsz, size_t *n, const char *s, size_t len)
{
	if (len > outsz - 1 - *n)
		len = outsz - 1 - *n;
	memcpy(out + *n, s, len);
	*n += len;
	out[*n] = '\0';
}

/*
 * Copy the comma-separated URL list `url' into out with the credentials
 * of each ("user:pass@", "token@") replaced by "***@".
 */
static void
mq_redact(const char *url, char *out, size_t outsz)
{
	const char	*p, *q, *at, *end, *sch;
	size_t		 n = 0;

	out[0] = '\0';
	for (p = url; ; p = end + 1) {
		end = p + strcspn(p, ",");
		/* The last '@': a password may hold an unescaped one. */
		for (at = NULL, q = p; q < end; q++)
			if (*q == '@')
				at = q;
		if (at != NULL) {
			sch = strstr(p, "://");
			if (sch != NULL && sch < at)
				mq_cat(out, outsz, &n, p, sch + 3 - p);
			mq_cat(out, outsz, &n, "***", 3);
			p = at;
		}
		mq_cat(out, outsz, &n, p, end - p);
		if (*end == '\0')
			break;
		mq_cat(out, outsz, &n, ",", 1);
	}
}

struct mq *
mq_new(const struct cfg *c)
{
	struct mq	*m;

	m = xcalloc(1, sizeof(*m));
	m->mq_url = mq_xstrdup(c->nats_url != NULL && c->nats_url[0] != '\0' ?
	    c->nats_url : "nats://127.0.0.1:4222");
	mq_redact(m->mq_url, m->mq_safeurl, sizeof(m->mq_safeurl));
	m->mq_stream = mq_xstrdup(c->nats_stream != NULL &&
	    c->nats_stream[0] != '\0' ? c->nats_stream : "VYBES_EVENTS");
	m->mq_replicas = c->nats_replicas > 0 ? c->nats_replicas : 1;
	m->mq_last = mq_now_ms() - MQ_RETRY_MS;
	return m;
}

void
mq_free(struct mq *m)
{
	if (m == NULL)
		return;
	natsSubscription_Destroy(m->mq_sub);
	free(m->mq_durable);
	jsCtx_Destroy(m->mq_js);
	if (m->mq_nc != NULL) {
		natsConnection_Close(m->mq_nc);
		natsConnection_Destroy(m->mq_nc);
	}
	if (m->mq_url != NULL) {
		explicit_bzero(m->mq_url, strlen(m->mq_url));
		free(m->mq_url);
	}
	free(m->mq_stream);
	free(m);
}

/*
 * Present so that natsConnection_Connect() returns NATS_NOT_YET_CONNECTED
 * instead of blocking until a server answers; runs in a cnats thread.
 */
static void
mq_connected_cb(natsConnection *nc, void *arg)
{
	(void)nc;
	(void)arg;
}

/*
 * Create the connection object and the JetStream context.  Returns 0
 * once cnats owns a connection, connected or still trying in background.
 */
/*
 * Give o the servers of `url': one URL, or a comma-separated list of a
 * cluster's servers, which cnats wants as an array (a list passed as one
 * URL connects to none of them).
 */
static natsStatus
mq_servers(natsOptions *o, const char *url)
{
	char		*copy, *p, *save = NULL;
	const char	*list[16];
	int		 n = 0;
	natsStatus	 s;

	if (strchr(url, ',') == NULL)
		return natsOptions_SetURL(o, url);
	copy = mq_xstrdup(url);
	for (p = strtok_r(copy, ", ", &save); p != NULL && n < 16;
	    p = strtok_r(NULL, ", ", &save))
		list[n++] = p;
	s = natsOptions_SetServers(o, list, n);
	explicit_bzero(copy, strlen(url));
	free(copy);
	return s;
}

static int
mq_open(struct mq *m)
{
	natsOptions	*o = NULL;
	natsStatus	 s;
	jsOptions	 jo;
	int		 rc = -1;

	m->mq_last = mq_now_ms();
	if ((s = natsOptions_Create(&o)) != NATS_OK)
		goto out;
	if ((s = mq_servers(o, m->mq_url)) != NATS_OK ||
	    (s = natsOptions_SetName(o, "vybes")) != NATS_OK ||
	    (s = natsOptions_SetTimeout(o, MQ_TIMEOUT_MS)) != NATS_OK ||
	    (s = natsOptions_SetAllowReconnect(o, true)) != NATS_OK ||
	    (s = natsOptions_SetMaxReconnect(o, -1)) != NATS_OK ||
	    (s = natsOptions_SetReconnectWait(o, 500)) != NATS_OK ||
	    (s = natsOptions_SetReconnectJitter(o, 100, 1000)) != NATS_OK ||
	    /* Publishes fail fast while down: nothing to buffer. */
	    (s = natsOptions_SetReconnectBufSize(o, 1 << 20)) != NATS_OK ||
	    /* Notice a silently dead server within about 10 s. */
	    (s = natsOptions_SetPingInterval(o, 5000)) != NATS_OK ||
	    (s = natsOptions_SetMaxPingsOut(o, 2)) != NATS_OK ||
	    (s = natsOptions_SetRetryOnFailedConnect(o, true,
	    mq_connected_cb, NULL)) != NATS_OK)
		goto out;
	s = natsConnection_Connect(&m->mq_nc, o);
	if (s != NATS_OK && s != NATS_NOT_YET_CONNECTED) {
		m->mq_nc = NULL;
		goto out;
	}
	jsOptions_Init(&jo);
	jo.Wait = MQ_TIMEOUT_MS;
	if ((s = natsConnection_JetStream(&m->mq_js, m->mq_nc, &jo)) !=
	    NATS_OK) {
		natsConnection_Destroy(m->mq_nc);
		m->mq_nc = NULL;
		m->mq_js = NULL;
		goto out;
	}
	rc = 0;
out:
	if (rc == -1)
		log_warnx("nats: connect %s: %s", m->mq_safeurl,
		    natsStatus_GetText(s));
	natsOptions_Destroy(o);
	return rc;
}

int
mq_connected(struct mq *m)
{
	if (m->mq_nc == NULL) {
		if (mq_now_ms() - m->mq_last < MQ_RETRY_MS)
			return 0;
		if (mq_open(m) == -1)
			return 0;
	}
	return natsConnection_Status(m->mq_nc) == NATS_CONN_STATUS_CONNECTED;
}

/*
 * Record a failed call: 500 internal when `internal' (a JetStream API
 * refusal of our configuration), else 503.  Always returns -1.
 */
static int
mq_fail(struct mq *m, const char *what, natsStatus s, jsErrCode jerr,
    int internal, struct verr *e)
{
	char		 why[600], jbuf[48];
	const char	*last;

	last = nats_GetLastError(NULL);
	jbuf[0] = '\0';
	if (jerr != 0)
		snprintf(jbuf, sizeof(jbuf), " (JetStream error %d)",
		    (int)jerr);
	snprintf(why, sizeof(why), "%s: %s: %s%s%s%s", what, m->mq_safeurl,
	    natsStatus_GetText(s), last != NULL && *last != '\0' ? ": " : "",
	    last != NULL ? last : "", jbuf);
	if (internal) {
		verr_internal(e, "nats: %s", why);
		return -1;
	}
	return verr_backend(e, "nats", why);
}

int
mq_ping(struct mq *m, struct verr *e)
{
	jsAccountInfo	*ai = NULL;
	jsErrCode	 jerr = 0;
	natsStatus	 s;

	if (!mq_connected(m))
		return mq_fail(m, "ping", NATS_NOT_YET_CONNECTED, 0, 0, e);
	s = js_GetAccountInfo(&ai, m->mq_js, NULL, &jerr);
	jsAccountInfo_Destroy(ai);
	if (s != NATS_OK)
		return mq_fail(m, "JetStream account info", s, jerr, 0, e);
	return 0;
}

int
mq_ensure_stream(struct mq *m, struct verr *e)
{
	jsStreamConfig	 sc;
	jsStreamInfo	*si = NULL;
	jsErrCode	 jerr = 0;
	natsStatus	 s;
	const char	*subjects[] = { "vybes.>" };

	if (!mq_connected(m))
		return mq_fail(m, "ensure stream", NATS_NOT_YET_CONNECTED, 0, 0,
		    e);
	jsStreamConfig_Init(&sc);
	sc.Name = m->mq_stream;
	sc.Subjects = subjects;
	sc.SubjectsLen = 1;
	sc.Storage = js_FileStorage;
	sc.Replicas = m->mq_replicas;
	sc.Duplicates = MQ_DUP_WINDOW;
	s = js_AddStream(&si, m->mq_js, &sc, NULL, &jerr);
	if (s != NATS_OK && jerr == JSStreamNameExistErr) {
		/* Exists with another configuration: bring it to ours. */
		jerr = 0;
		s = js_UpdateStream(&si, m->mq_js, &sc, NULL, &jerr);
	}
	jsStreamInfo_Destroy(si);
	if (s != NATS_OK)
		return mq_fail(m, "ensure stream", s, jerr, jerr != 0, e);
	return 0;
}

int
mq_publish(struct mq *m, const char *subject, const char *msgid,
    const void *data, size_t len, struct verr *e)
{
	jsPubOptions	 po;
	jsErrCode	 jerr = 0;
	natsStatus	 s;

	if (!mq_connected(m))
		return mq_fail(m, "publish", NATS_NOT_YET_CONNECTED, 0, 0, e);
	if (len > INT32_MAX) {
		verr_internal(e, "nats: publish %s: %zu bytes", subject, len);
		return -1;
	}
	jsPubOptions_Init(&po);
	po.MsgId = msgid;
	po.MaxWait = MQ_TIMEOUT_MS;
	s = js_Publish(NULL, m->mq_js, subject, data, (int)len, &po, &jerr);
	/*
	 * Even a JetStream error is 503 here: during a stream leader
	 * election, or before migrate made the stream, the event must go
	 * to the outbox and be published later.
	 */
	if (s != NATS_OK)
		return mq_fail(m, "publish", s, jerr, 0, e);
	return 0;
}

/* Nak delay after `n' deliveries: 1 s doubling to a minute. */
static int64_t
mq_backoff_ms(uint64_t n)
{
	int64_t	 ms = 1000;

	while (n-- > 1 && ms < 60000)
		ms *= 2;
	return ms > 60000 ? 60000 : ms;
}

/* Bind (creating it if needed) the durable pull consumer of m. */
static int
mq_bind(struct mq *m, struct verr *e)
{
	jsOptions	 jo;
	jsSubOptions	 so;
	jsErrCode	 jerr = 0;
	natsStatus	 s;

	if (m->mq_sub != NULL)
		return 0;
	if (!mq_connected(m))
		return mq_fail(m, "subscribe", NATS_NOT_YET_CONNECTED, 0, 0, e);
	jsOptions_Init(&jo);
	jo.Wait = MQ_TIMEOUT_MS;
	jsSubOptions_Init(&so);
	so.Stream = m->mq_stream;
	so.Config.Durable = m->mq_durable;
	so.Config.AckPolicy = js_AckExplicit;
	so.Config.AckWait = 30LL * 1000000000;
	so.Config.MaxDeliver = m->mq_max_deliver;
	so.Config.DeliverPolicy = js_DeliverAll;
	s = js_PullSubscribe(&m->mq_sub, m->mq_js, "vybes.>", m->mq_durable,
	    &jo, &so, &jerr);
	if (s != NATS_OK) {
		m->mq_sub = NULL;
		return mq_fail(m, "subscribe", s, jerr, jerr != 0, e);
	}
	return 0;
}

int
mq_consumer(struct mq *m, const char *durable, int max_deliver,
    struct verr *e)
{
	free(m->mq_durable);
	m->mq_durable = mq_xstrdup(durable);
	m->mq_max_deliver = max_deliver;
	natsSubscription_Destroy(m->mq_sub);
	m->mq_sub = NULL;
	return mq_bind(m, e);
}

int
mq_consumer_pending(struct mq *m, uint64_t *pending, uint64_t *acking,
    struct verr *e)
{
	jsConsumerInfo	*ci = NULL;
	jsOptions	 jo;
	jsErrCode	 jerr = 0;
	natsStatus	 s;

	if (mq_bind(m, e) == -1)
		return -1;
	jsOptions_Init(&jo);
	jo.Wait = MQ_TIMEOUT_MS;
	s = natsSubscription_GetConsumerInfo(&ci, m->mq_sub, &jo, &jerr);
	if (s != NATS_OK)
		return mq_fail(m, "consumer info", s, jerr, jerr != 0, e);
	*pending = ci->NumPending;
	*acking = (uint64_t)ci->NumAckPending;
	jsConsumerInfo_Destroy(ci);
	return 0;
}

int
mq_fetch(struct mq *m, int batch, int timeout_ms,
    enum mq_verdict (*fn)(const struct mq_msg *, void *), void *arg,
    volatile sig_atomic_t *stop, struct verr *e)
{
	natsMsgList	 list = { 0 };
	jsFetchRequest	 fr;
	jsMsgMetaData	*md;
	jsErrCode	 jerr = 0;
	struct mq_msg	 mm;
	natsStatus	 s;
	enum mq_verdict	 v;
	int		 i, done = 0;

	if (mq_bind(m, e) == -1)
		return -1;
	/*
	 * A fetch of `batch' waits until that many arrive or it expires, so
	 * a lone event would wait out the window.  Take what is there at
	 * once instead; only when nothing is, wait for the next one.
	 */
	jsFetchRequest_Init(&fr);
	fr.Batch = batch;
	fr.NoWait = true;
	fr.Expires = (int64_t)timeout_ms * 1000000;
	s = natsSubscription_FetchRequest(&list, m->mq_sub, &fr);
	if (s == NATS_NOT_FOUND || s == NATS_TIMEOUT ||
	    (s == NATS_OK && list.Count == 0)) {
		natsMsgList_Destroy(&list);
		jsFetchRequest_Init(&fr);
		fr.Batch = 1;
		fr.Expires = (int64_t)timeout_ms * 1000000;
		s = natsSubscription_FetchRequest(&list, m->mq_sub, &fr);
	}
	if (s == NATS_TIMEOUT)
		return 0;
	if (s != NATS_OK) {
		/* The consumer may be gone (stream re-created): bind anew. */
		natsSubscription_Destroy(m->mq_sub);
		m->mq_sub = NULL;
		return mq_fail(m, "fetch", s, jerr, 0, e);
	}
	for (i = 0; i < list.Count; i++) {
		natsMsg	*msg = list.Msgs[i];

		/* Stopping: hand the rest back at once for another worker. */
		if (stop != NULL && *stop) {
			natsMsg_Nak(msg, NULL);
			continue;
		}
		memset(&mm, 0, sizeof(mm));
		mm.subject = natsMsg_GetSubject(msg);
		mm.data = natsMsg_GetData(msg);
		mm.len = (size_t)natsMsg_GetDataLength(msg);
		mm.deliveries = 1;
		md = NULL;
		if (natsMsg_GetMetaData(&md, msg) == NATS_OK) {
			mm.deliveries = (int)md->NumDelivered;
			jsMsgMetaData_Destroy(md);
		}
		v = fn(&mm, arg);
		switch (v) {
		case MQ_ACK:
			/* Synchronous: the message is settled before the next. */
			if (natsMsg_AckSync(msg, NULL, &jerr) != NATS_OK)
				log_warnx("nats: ack of %s failed; it will be "
				    "redelivered", mm.subject);
			done++;
			break;
		case MQ_RETRY:
			natsMsg_NakWithDelay(msg, mq_backoff_ms(
			    (uint64_t)mm.deliveries), NULL);
			break;
		case MQ_PARK:
			natsMsg_Term(msg, NULL);
			break;
		}
	}
	natsMsgList_Destroy(&list);
	return done;
}
