/*
 * The backends of one worker process, opened together after fork().  No
 * constructor here connects, so a backend that is down at start-up costs
 * nothing until a request needs it, and each reconnects by itself later.
 * Only MongoDB can fail to be created (an unparsable URI); its handle is
 * then left NULL, which the database calls' callers must treat as 503.
 *
 * The process-wide set-up of the client libraries happens here too, once,
 * before any handle exists: curl_global_init() is not thread-safe in curl
 * 7.88, and mongoc_init() (through db_init()) must precede every client.
 */
#include <stddef.h>

#include <curl/curl.h>

#include "be.h"
#include "cfg.h"
#include "db_mongo.h"
#include "log.h"
#include "mq_nats.h"
#include "rds_redis.h"
#include "st_s3.h"
#include "verr.h"

void
be_open(struct be *b, const struct cfg *c)
{
	struct verr	 e;

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		log_err("curl_global_init failed: storage and mail will fail");
	db_init();
	verr_init(&e);
	b->cfg = c;
	if ((b->db = db_new(c, &e)) == NULL)
		log_err("%s", e.detail);
	b->rds = rds_new(c);
	b->mq = mq_new(c);
	b->st = st_new(c);
}

void
be_close(struct be *b)
{
	st_free(b->st);
	mq_free(b->mq);
	rds_free(b->rds);
	db_free(b->db);
	b->st = NULL;
	b->mq = NULL;
	b->rds = NULL;
	b->db = NULL;
	db_shutdown();
	curl_global_cleanup();
}
