/*
 * Configuration: one table of directives read from /etc/vybes/vybes.conf
 * (`key = value'), then overridden by environment variables (the names the
 * Go service used), then by command-line flags.  Secrets may come from
 * files through KEY_FILE variables or `key_file' directives.
 */
#ifndef CFG_H
#define CFG_H

#include <stddef.h>

#define CFG_ERRLEN	2048	/* every error of one load, one per line */
#define CFG_WHERELEN	256	/* "file:line", "environment NAME", ... */

/* The rate limits of API.md section 4, in the order of cfg->rl[]. */
enum rl_id {
	RL_LOGIN_IP, RL_LOGIN_EMAIL, RL_REGISTER_IP, RL_REFRESH_IP,
	RL_OTP_EMAIL, RL_OTP_IP, RL_RESET_IP, RL_UNLOCK_USER, RL_EXPORT_USER,
	RL_SEND_TX_USER, RL_POST_USER, RL_STORY_USER, RL_COMMENT_USER,
	RL_VIEW_IP, RL_VIEW_DEDUP, RL_REPORT_USER, RL__MAX
};

/* "N/W": at most n requests in any window of `window' seconds. */
struct cfg_rate {
	int	 n;
	int	 window;
};

struct cfg {
	/* process */
	char	*listen;		/* unix:PATH or HOST:PORT */
	int	 port;			/* PORT: listen default 127.0.0.1:PORT */
	int	 workers;		/* started first */
	int	 min_workers;		/* scaling bounds; 0 in the table: */
	int	 max_workers;		/* = workers after cfg_load() */
	int	 max_requests;		/* 0: never recycle */
	int	 socket_mode;		/* octal, for unix sockets */
	char	*user;
	char	*group;
	char	*pidfile;
	char	*log_level;
	size_t	 body_max;		/* JSON body limit, bytes */
	int	 params_timeout_ms;	/* FastCGI: begin + params read */
	int	 body_timeout_ms;	/* FastCGI: each body read */
	/* database */
	char	*mongo_uri;
	char	*db_name;
	int	 mongo_timeout_ms;	/* server selection */
	char	*mongo_write_concern;	/* "", "majority" or a count */
	/* tokens and keys */
	char	*jwt_secret;
	int	 access_token_ttl;
	int	 refresh_token_ttl;
	char	*wallet_encryption_key;
	unsigned char wallet_key[32];	/* decoded wallet_encryption_key */
	/* redis */
	char	*redis_addr;
	char	*redis_password;
	int	 redis_db;
	int	 redis_connect_ms;
	int	 redis_command_ms;
	/* nats */
	char	*nats_url;
	int	 nats_replicas;
	char	*nats_stream;
	/* object storage */
	char	*r2_endpoint;
	char	*r2_account_id;
	char	*r2_access_key_id;
	char	*r2_secret_access_key;
	char	*r2_region;
	char	*r2_bucket_name;
	char	*r2_posts_bucket;
	char	*r2_stories_bucket;
	char	*media_public_base_url;
	char	*posts_public_base_url;
	char	*stories_public_base_url;
	int	 storage_timeout_ms;
	int	 story_ttl;		/* story lifetime, seconds */
	int	 upload_ttl;		/* presigned upload URL lifetime, s */
	int	 thumbnail_size;	/* longest side of thumbnails, px */
	/* feeds */
	int	 timeline_size;		/* entries kept per home timeline */
	int	 fanout_max_followers;	/* above: posts merged at read time */
	/* accounts */
	int	 deletion_grace;	/* seconds before a deleted one is purged */
	/* mail */
	char	*sender_email;
	char	*smtp_url;
	char	*resend_api_key;
	char	*resend_url;		/* Resend API base URL */
	/* ethereum */
	char	*eth_rpc_url;
	char	*eth_chain_id;
	/* vybes-worker */
	char	*worker_consumer;	/* durable JetStream consumer */
	int	 worker_max_deliver;
	/* passwords */
	int	 argon2_memory_kib;
	int	 argon2_passes;
	int	 argon2_lanes;
	/* http */
	char	*trusted_proxies;
	char	*rate_limits;		/* "on" or "off" */
	struct cfg_rate rl[RL__MAX];
};

/* One directive of the table: exported for vybesctl and the unit tests. */
enum cfg_type {
	CFG_STR, CFG_SECRET, CFG_INT, CFG_OCTAL, CFG_SIZE, CFG_BOOL, CFG_RATE
};

struct cfg_key {
	const char	*name;		/* file key, lower case */
	const char	*env;		/* environment variable */
	enum cfg_type	 type;
	long long	 min, max;	/* bounds of numbers */
	const char	*def;		/* default as text, NULL for none */
	size_t		 off;		/* offset in struct cfg */
	int		 required;
};

extern const struct cfg_key cfg_keys[];
extern const size_t cfg_nkeys;

/*
 * Fill c with defaults, then the file `path' (missing file is fine when
 * `optional'), then the environment `envp' (NULL: environ), then the
 * `nset' overrides "key=value" in `set'.  Validates everything.  On
 * failure returns -1 with every error found in err (size CFG_ERRLEN),
 * one per line, each starting with where the value came from:
 * "file:line", "environment NAME", "credential key", "command line
 * (key)", or "default"; a missing required setting starts with its
 * variable name.  In the file, a `#' at the start of a value or after a
 * blank begins a comment unless the value is double-quoted, and a key
 * set twice is an error.  c then still needs cfg_free().
 */
int	cfg_load(struct cfg *c, const char *path, int optional,
	    char *const *envp, char *const *set, size_t nset, char *err);

/*
 * Report the errors of cfg_load(): each line on standard error after
 * "prog: ", or with prog NULL, to the log after "configuration: ".
 */
void	cfg_perror(const char *prog, const char *err);

/* Release every string of c; c may be zeroed or partly loaded. */
void	cfg_free(struct cfg *c);

/* Find the directive named by file key or environment name, or NULL. */
const struct cfg_key *cfg_find(const char *name);

/*
 * Decode a WALLET_ENCRYPTION_KEY (64 hex, base64 std/url of 32 bytes, or
 * raw 32 bytes, tried in that order) into out.  -1 if none fits.
 */
int	cfg_wallet_key(const char *s, unsigned char out[32]);

/* The bucket and public base URL of posts and stories, with fallbacks. */
const char *cfg_posts_bucket(const struct cfg *c);
const char *cfg_stories_bucket(const struct cfg *c);
const char *cfg_posts_base_url(const struct cfg *c);
const char *cfg_stories_base_url(const struct cfg *c);

#endif
