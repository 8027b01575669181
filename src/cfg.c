/*
 * Configuration.  Every directive is described once, in cfg_keys[]: its
 * file key, its environment name (the Go service's names, so existing
 * deployments carry over), its type, bounds and default.  The loader,
 * the validator, vybesctl and vybes.conf(5) all follow that table.
 *
 * Precedence, lowest first: built-in default, the file, the environment
 * (a secret's KEY_FILE variable or systemd credential counts as the
 * environment), then command-line overrides.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "cfg.h"
#include "enc.h"
#include "log.h"
#include "xmem.h"

extern char **environ;

#define CFG_OFF(f)	offsetof(struct cfg, f)
#define REQ		1

const struct cfg_key cfg_keys[] = {
	/* name			env			type	min	max	default	offset	required */
	{ "listen", "VYBES_LISTEN", CFG_STR, 0, 0, NULL, CFG_OFF(listen), 0 },
	{ "port", "PORT", CFG_INT, 1, 65535, "8080", CFG_OFF(port), 0 },
	{ "workers", "VYBES_WORKERS", CFG_INT, 1, 512, "4", CFG_OFF(workers), 0 },
	/* No default: both follow workers, so scaling is off unless set. */
	{ "min_workers", "VYBES_MIN_WORKERS", CFG_INT, 1, 512, NULL,
	    CFG_OFF(min_workers), 0 },
	{ "max_workers", "VYBES_MAX_WORKERS", CFG_INT, 1, 512, NULL,
	    CFG_OFF(max_workers), 0 },
	{ "max_requests", "VYBES_MAX_REQUESTS", CFG_INT, 0, INT_MAX, "10000",
	    CFG_OFF(max_requests), 0 },
	{ "socket_mode", "VYBES_SOCKET_MODE", CFG_OCTAL, 0, 0777, "0660",
	    CFG_OFF(socket_mode), 0 },
	{ "user", "VYBES_USER", CFG_STR, 0, 0, NULL, CFG_OFF(user), 0 },
	{ "group", "VYBES_GROUP", CFG_STR, 0, 0, NULL, CFG_OFF(group), 0 },
	{ "pidfile", "VYBES_PIDFILE", CFG_STR, 0, 0, NULL, CFG_OFF(pidfile), 0 },
	{ "log_level", "VYBES_LOG_LEVEL", CFG_STR, 0, 0, "info",
	    CFG_OFF(log_level), 0 },
	{ "body_max", "VYBES_BODY_MAX", CFG_SIZE, 1024, 64 << 20, "1m",
	    CFG_OFF(body_max), 0 },
	{ "params_timeout_ms", "VYBES_PARAMS_TIMEOUT_MS", CFG_INT, 100,
	    600000, "5000", CFG_OFF(params_timeout_ms), 0 },
	{ "body_timeout_ms", "VYBES_BODY_TIMEOUT_MS", CFG_INT, 100, 3600000,
	    "60000", CFG_OFF(body_timeout_ms), 0 },
	{ "mongo_uri", "MONGO_URI", CFG_SECRET, 0, 0, NULL,
	    CFG_OFF(mongo_uri), REQ },
	{ "db_name", "DB_NAME", CFG_STR, 0, 0, NULL, CFG_OFF(db_name), REQ },
	{ "mongo_timeout_ms", "VYBES_MONGO_TIMEOUT_MS", CFG_INT, 100, 60000,
	    "2000", CFG_OFF(mongo_timeout_ms), 0 },
	{ "mongo_write_concern", "VYBES_MONGO_WRITE_CONCERN", CFG_STR, 0, 0,
	    NULL, CFG_OFF(mongo_write_concern), 0 },
	{ "jwt_secret", "JWT_SECRET", CFG_SECRET, 0, 0, NULL,
	    CFG_OFF(jwt_secret), REQ },
	{ "access_token_ttl", "ACCESS_TOKEN_TTL", CFG_INT, 60, 86400, "3600",
	    CFG_OFF(access_token_ttl), 0 },
	{ "refresh_token_ttl", "REFRESH_TOKEN_TTL", CFG_INT, 60, 31536000,
	    "604800", CFG_OFF(refresh_token_ttl), 0 },
	{ "wallet_encryption_key", "WALLET_ENCRYPTION_KEY", CFG_SECRET, 0, 0,
	    NULL, CFG_OFF(wallet_encryption_key), REQ },
	{ "redis_addr", "REDIS_ADDR", CFG_STR, 0, 0, NULL,
	    CFG_OFF(redis_addr), REQ },
	{ "redis_password", "REDIS_PASSWORD", CFG_SECRET, 0, 0, NULL,
	    CFG_OFF(redis_password), 0 },
	{ "redis_db", "REDIS_DB", CFG_INT, 0, 15, "0", CFG_OFF(redis_db), 0 },
	{ "redis_connect_ms", "VYBES_REDIS_CONNECT_MS", CFG_INT, 10, 10000,
	    "200", CFG_OFF(redis_connect_ms), 0 },
	{ "redis_command_ms", "VYBES_REDIS_COMMAND_MS", CFG_INT, 10, 10000,
	    "500", CFG_OFF(redis_command_ms), 0 },
	{ "nats_url", "NATS_URL", CFG_SECRET, 0, 0, NULL, CFG_OFF(nats_url),
	    REQ },
	{ "nats_replicas", "VYBES_NATS_REPLICAS", CFG_INT, 1, 5, "1",
	    CFG_OFF(nats_replicas), 0 },
	{ "nats_stream", "VYBES_NATS_STREAM", CFG_STR, 0, 0, "VYBES_EVENTS",
	    CFG_OFF(nats_stream), 0 },
	{ "r2_endpoint", "R2_ENDPOINT", CFG_STR, 0, 0, NULL,
	    CFG_OFF(r2_endpoint), 0 },
	{ "r2_account_id", "R2_ACCOUNT_ID", CFG_STR, 0, 0, NULL,
	    CFG_OFF(r2_account_id), 0 },
	{ "r2_access_key_id", "R2_ACCESS_KEY_ID", CFG_SECRET, 0, 0, NULL,
	    CFG_OFF(r2_access_key_id), 0 },
	{ "r2_secret_access_key", "R2_SECRET_ACCESS_KEY", CFG_SECRET, 0, 0,
	    NULL, CFG_OFF(r2_secret_access_key), 0 },
	{ "r2_region", "R2_REGION", CFG_STR, 0, 0, "auto",
	    CFG_OFF(r2_region), 0 },
	{ "r2_bucket_name", "R2_BUCKET_NAME", CFG_STR, 0, 0, NULL,
	    CFG_OFF(r2_bucket_name), 0 },
	{ "r2_posts_bucket", "R2_POSTS_BUCKET", CFG_STR, 0, 0, NULL,
	    CFG_OFF(r2_posts_bucket), 0 },
	{ "r2_stories_bucket", "R2_STORIES_BUCKET", CFG_STR, 0, 0, NULL,
	    CFG_OFF(r2_stories_bucket), 0 },
	{ "media_public_base_url", "MEDIA_PUBLIC_BASE_URL", CFG_STR, 0, 0,
	    NULL, CFG_OFF(media_public_base_url), REQ },
	{ "posts_public_base_url", "POSTS_PUBLIC_BASE_URL", CFG_STR, 0, 0,
	    NULL, CFG_OFF(posts_public_base_url), 0 },
	{ "stories_public_base_url", "STORIES_PUBLIC_BASE_URL", CFG_STR, 0, 0,
	    NULL, CFG_OFF(stories_public_base_url), 0 },
	{ "storage_timeout_ms", "VYBES_STORAGE_TIMEOUT_MS", CFG_INT, 100,
	    600000, "30000", CFG_OFF(storage_timeout_ms), 0 },
	{ "story_ttl", "VYBES_STORY_TTL", CFG_INT, 1, 604800, "86400",
	    CFG_OFF(story_ttl), 0 },
	{ "upload_ttl", "VYBES_UPLOAD_TTL", CFG_INT, 1, 604800, "900",
	    CFG_OFF(upload_ttl), 0 },
	{ "thumbnail_size", "THUMBNAIL_SIZE", CFG_INT, 64, 2048, "640",
	    CFG_OFF(thumbnail_size), 0 },
	{ "timeline_size", "VYBES_TIMELINE_SIZE", CFG_INT, 20, 100000, "800",
	    CFG_OFF(timeline_size), 0 },
	{ "fanout_max_followers", "VYBES_FANOUT_MAX_FOLLOWERS", CFG_INT, 0,
	    100000000, "10000", CFG_OFF(fanout_max_followers), 0 },
	{ "deletion_grace", "DELETION_GRACE", CFG_INT, 0, 31536000, "0",
	    CFG_OFF(deletion_grace), 0 },
	{ "sender_email", "SENDER_EMAIL", CFG_STR, 0, 0, NULL,
	    CFG_OFF(sender_email), 0 },
	{ "smtp_url", "SMTP_URL", CFG_SECRET, 0, 0, NULL, CFG_OFF(smtp_url), 0 },
	{ "resend_api_key", "RESEND_API_KEY", CFG_SECRET, 0, 0, NULL,
	    CFG_OFF(resend_api_key), 0 },
	{ "resend_url", "VYBES_RESEND_URL", CFG_STR, 0, 0,
	    "https://api.resend.com", CFG_OFF(resend_url), 0 },
	{ "eth_rpc_url", "ETH_RPC_URL", CFG_SECRET, 0, 0, NULL,
	    CFG_OFF(eth_rpc_url), 0 },
	{ "eth_chain_id", "ETH_CHAIN_ID", CFG_STR, 0, 0, NULL,
	    CFG_OFF(eth_chain_id), 0 },
	{ "trusted_proxies", "TRUSTED_PROXIES", CFG_STR, 0, 0, NULL,
	    CFG_OFF(trusted_proxies), 0 },
	{ "rate_limits", "RATE_LIMITS", CFG_BOOL, 0, 0, "on",
	    CFG_OFF(rate_limits), 0 },
	{ "worker_consumer", "VYBES_WORKER_CONSUMER", CFG_STR, 0, 0,
	    "vybes-notify", CFG_OFF(worker_consumer), 0 },
	{ "worker_max_deliver", "VYBES_WORKER_MAX_DELIVER", CFG_INT, 1, 100,
	    "8", CFG_OFF(worker_max_deliver), 0 },
	{ "argon2_memory_kib", "ARGON2_MEMORY_KIB", CFG_INT, 8192, 4194304,
	    "19456", CFG_OFF(argon2_memory_kib), 0 },
	{ "argon2_passes", "ARGON2_PASSES", CFG_INT, 1, 16, "2",
	    CFG_OFF(argon2_passes), 0 },
	{ "argon2_lanes", "ARGON2_LANES", CFG_INT, 1, 16, "1",
	    CFG_OFF(argon2_lanes), 0 },
	/* Rate limits (API.md section 4): count/seconds. */
	{ "rl_login_ip", "RL_LOGIN_IP", CFG_RATE, 0, 0, "30/300",
	    CFG_OFF(rl[RL_LOGIN_IP]), 0 },
	{ "rl_login_email", "RL_LOGIN_EMAIL", CFG_RATE, 0, 0, "10/900",
	    CFG_OFF(rl[RL_LOGIN_EMAIL]), 0 },
	{ "rl_register_ip", "RL_REGISTER_IP", CFG_RATE, 0, 0, "10/3600",
	    CFG_OFF(rl[RL_REGISTER_IP]), 0 },
	{ "rl_refresh_ip", "RL_REFRESH_IP", CFG_RATE, 0, 0, "60/300",
	    CFG_OFF(rl[RL_REFRESH_IP]), 0 },
	{ "rl_otp_email", "RL_OTP_EMAIL", CFG_RATE, 0, 0, "3/900",
	    CFG_OFF(rl[RL_OTP_EMAIL]), 0 },
	{ "rl_otp_ip", "RL_OTP_IP", CFG_RATE, 0, 0, "10/3600",
	    CFG_OFF(rl[RL_OTP_IP]), 0 },
	{ "rl_reset_ip", "RL_RESET_IP", CFG_RATE, 0, 0, "10/900",
	    CFG_OFF(rl[RL_RESET_IP]), 0 },
	{ "rl_unlock_user", "RL_UNLOCK_USER", CFG_RATE, 0, 0, "5/900",
	    CFG_OFF(rl[RL_UNLOCK_USER]), 0 },
	{ "rl_export_user", "RL_EXPORT_USER", CFG_RATE, 0, 0, "3/3600",
	    CFG_OFF(rl[RL_EXPORT_USER]), 0 },
	{ "rl_send_tx_user", "RL_SEND_TX_USER", CFG_RATE, 0, 0, "10/60",
	    CFG_OFF(rl[RL_SEND_TX_USER]), 0 },
	{ "rl_post_user", "RL_POST_USER", CFG_RATE, 0, 0, "30/3600",
	    CFG_OFF(rl[RL_POST_USER]), 0 },
	{ "rl_story_user", "RL_STORY_USER", CFG_RATE, 0, 0, "30/3600",
	    CFG_OFF(rl[RL_STORY_USER]), 0 },
	{ "rl_comment_user", "RL_COMMENT_USER", CFG_RATE, 0, 0, "30/60",
	    CFG_OFF(rl[RL_COMMENT_USER]), 0 },
	{ "rl_view_ip", "RL_VIEW_IP", CFG_RATE, 0, 0, "300/60",
	    CFG_OFF(rl[RL_VIEW_IP]), 0 },
	{ "rl_view_dedup", "RL_VIEW_DEDUP", CFG_RATE, 0, 0, "1/300",
	    CFG_OFF(rl[RL_VIEW_DEDUP]), 0 },
	{ "rl_report_user", "RL_REPORT_USER", CFG_RATE, 0, 0, "20/3600",
	    CFG_OFF(rl[RL_REPORT_USER]), 0 },
};
const size_t cfg_nkeys = sizeof(cfg_keys) / sizeof(cfg_keys[0]);

/*
 * One load: the struct being filled, where each directive's value came
 * from (for the messages of checks made after the layers are merged),
 * the line of the file that set it (for duplicates), and the errors so
 * far, one per line in err.
 */
struct cfg_ld {
	struct cfg	*c;
	char		(*where)[CFG_WHERELEN];
	int		*fileline;
	char		*err;
	size_t		 errlen;
	int		 nerr;
};

/* Append one error line; returns -1 for the caller to pass on. */
static int
cfg_err(struct cfg_ld *ld, const char *fmt, ...)
{
	va_list	 ap;

	ld->nerr++;
	if (ld->errlen + 2 >= CFG_ERRLEN)
		return -1;
	if (ld->errlen > 0)
		ld->err[ld->errlen++] = '\n';
	va_start(ap, fmt);
	vsnprintf(ld->err + ld->errlen, CFG_ERRLEN - ld->errlen, fmt, ap);
	va_end(ap);
	ld->errlen += strlen(ld->err + ld->errlen);
	return -1;
}

const struct cfg_key *
cfg_find(const char *name)
{
	size_t	 i;

	for (i = 0; i < cfg_nkeys; i++)
		if (strcmp(cfg_keys[i].name, name) == 0 ||
		    strcmp(cfg_keys[i].env, name) == 0)
			return &cfg_keys[i];
	return NULL;
}

static int
cfg_parse_num(const struct cfg_key *k, const char *v, long long *out)
{
	char		*end;
	long long	 n, mul = 1;
	int		 base = k->type == CFG_OCTAL ? 8 : 10;

	/* PORT accepts both "8080" and the reference's ":8080". */
	if (k->type == CFG_INT && *v == ':' && strcmp(k->name, "port") == 0)
		v++;
	if (*v == '\0' || isspace((unsigned char)*v) || *v == '-')
		return -1;
	errno = 0;
	n = strtoll(v, &end, base);
	if (errno != 0 || end == v)
		return -1;
	if (k->type == CFG_SIZE && *end != '\0') {
		switch (tolower((unsigned char)*end)) {
		case 'k':
			mul = 1024;
			break;
		case 'm':
			mul = 1024 * 1024;
			break;
		default:
			return -1;
		}
		end++;
	}
	if (*end != '\0' || n > LLONG_MAX / mul)
		return -1;
	*out = n * mul;
	return 0;
}

/* Parse "N/W" with sane bounds into r. */
static int
cfg_parse_rate(const char *v, struct cfg_rate *r)
{
	char	*end;
	long	 n, w;

	if (!isdigit((unsigned char)*v))
		return -1;
	n = strtol(v, &end, 10);
	if (*end != '/' || !isdigit((unsigned char)end[1]))
		return -1;
	w = strtol(end + 1, &end, 10);
	if (*end != '\0' || n < 1 || n > 1000000 || w < 1 || w > 86400)
		return -1;
	r->n = (int)n;
	r->window = (int)w;
	return 0;
}

/*
 * Store `v' as the value of directive k; `where' prefixes errors and is
 * remembered as the value's origin.
 */
static int
cfg_assign(struct cfg_ld *ld, const struct cfg_key *k, const char *v,
    const char *where)
{
	void		*p = (char *)ld->c + k->off;
	long long	 n;
	char		*s;

	switch (k->type) {
	case CFG_STR:
	case CFG_SECRET:
		if ((s = strdup(v)) == NULL)
			return cfg_err(ld, "%s: out of memory", where);
		free(*(char **)p);
		*(char **)p = s;
		break;
	case CFG_BOOL:
		if (strcmp(v, "on") && strcmp(v, "off") && strcmp(v, "true") &&
		    strcmp(v, "false") && strcmp(v, "1") && strcmp(v, "0"))
			return cfg_err(ld, "%s: %s must be on or off, not "
			    "\"%s\"", where, k->name, v);
		if ((s = strdup(strcmp(v, "on") == 0 || strcmp(v, "true") == 0
		    || strcmp(v, "1") == 0 ? "on" : "off")) == NULL)
			return cfg_err(ld, "%s: out of memory", where);
		free(*(char **)p);
		*(char **)p = s;
		break;
	case CFG_RATE:
		if (cfg_parse_rate(v, (struct cfg_rate *)p) == -1)
			return cfg_err(ld, "%s: %s: expected count/seconds "
			    "(1..1000000 / 1..86400), not \"%s\"", where,
			    k->name, v);
		break;
	case CFG_INT:
	case CFG_OCTAL:
	case CFG_SIZE:
		if (cfg_parse_num(k, v, &n) == -1)
			return cfg_err(ld, "%s: %s: not a valid number: \"%s\"",
			    where, k->name, v);
		if (n < k->min || n > k->max)
			return cfg_err(ld, "%s: %s: %s out of range %lld..%lld",
			    where, k->name, v, k->min, k->max);
		if (k->type == CFG_SIZE)
			*(size_t *)p = (size_t)n;
		else
			*(int *)p = (int)n;
		break;
	default:
		abort();
	}
	if (ld->where != NULL)
		snprintf(ld->where[k - cfg_keys], CFG_WHERELEN, "%s", where);
	return 0;
}

/* Read a secret from `path', without its trailing newline. */
static int
cfg_read_secret(struct cfg_ld *ld, const char *path, char **out,
    const char *where)
{
	FILE	*f;
	char	 buf[4096];
	size_t	 n;

	if ((f = fopen(path, "r")) == NULL)
		return cfg_err(ld, "%s: %s: %s", where, path, strerror(errno));
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	if ((*out = strdup(buf)) == NULL)
		return cfg_err(ld, "%s: out of memory", where);
	return 0;
}

/*
 * The directive a "key" or "key_file" name sets (environment names when
 * `is_env'), with *is_file set for the second form; NULL when unknown.
 */
static const struct cfg_key *
cfg_named(const char *name, int is_env, int *is_file)
{
	const struct cfg_key	*k;
	char			 base[64];
	size_t			 len = strlen(name);

	*is_file = 0;
	if ((k = cfg_find(name)) != NULL &&
	    (is_env ? strcmp(k->env, name) : strcmp(k->name, name)) == 0)
		return k;
	if (len <= 5 || len - 5 >= sizeof(base) ||
	    strcasecmp(name + len - 5, "_file") != 0)
		return NULL;
	memcpy(base, name, len - 5);
	base[len - 5] = '\0';
	if ((k = cfg_find(base)) == NULL || k->type != CFG_SECRET ||
	    (is_env ? strcmp(k->env, base) : strcmp(k->name, base)) != 0)
		return NULL;
	*is_file = 1;
	return k;
}

/* Assign v to k, or the contents of the file v names when `is_file'. */
static int
cfg_set_key(struct cfg_ld *ld, const struct cfg_key *k, int is_file,
    const char *v, const char *where)
{
	char	*secret = NULL;
	int	 rc;

	if (!is_file)
		return cfg_assign(ld, k, v, where);
	if (cfg_read_secret(ld, v, &secret, where) == -1)
		return -1;
	rc = cfg_assign(ld, k, secret, where);
	explicit_bzero(secret, strlen(secret));
	free(secret);
	return rc;
}

static char *
cfg_trim(char *s)
{
	char	*e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/*
 * The value of a "key = value" line, in place: a double-quoted value is
 * taken as written (blanks and `#' included); otherwise a `#' at the
 * start or after a blank begins a comment.  NULL when a quote is not
 * closed or text follows it.
 */
static char *
cfg_value(char *v)
{
	char	*p, *rest;

	v = cfg_trim(v);
	if (*v == '"') {
		if ((p = strchr(v + 1, '"')) == NULL)
			return NULL;
		*p = '\0';
		rest = cfg_trim(p + 1);
		if (*rest != '\0' && *rest != '#')
			return NULL;
		return v + 1;
	}
	for (p = v; *p != '\0'; p++)
		if (*p == '#' && (p == v || isspace((unsigned char)p[-1]))) {
			*p = '\0';
			break;
		}
	return cfg_trim(v);
}

/* One line of the file; errors are recorded, never fatal to the rest. */
static void
cfg_file_line(struct cfg_ld *ld, char *line, const char *where, int lineno)
{
	const struct cfg_key	*k;
	char			*key, *val, *eq;
	int			 is_file;
	size_t			 i;

	key = cfg_trim(line);
	if (*key == '\0' || *key == '#')
		return;
	if ((eq = strchr(key, '=')) == NULL) {
		cfg_err(ld, "%s: expected \"key = value\"", where);
		return;
	}
	*eq = '\0';
	key = cfg_trim(key);
	if ((val = cfg_value(eq + 1)) == NULL) {
		cfg_err(ld, "%s: %s: unterminated quote, or text after the "
		    "closing quote", where, key);
		return;
	}
	if ((k = cfg_named(key, 0, &is_file)) == NULL) {
		cfg_err(ld, "%s: unknown key \"%s\"", where, key);
		return;
	}
	i = (size_t)(k - cfg_keys);
	if (ld->fileline[i] != 0) {
		cfg_err(ld, "%s: %s: duplicate key, already set at line %d",
		    where, key, ld->fileline[i]);
		return;
	}
	ld->fileline[i] = lineno;
	(void)cfg_set_key(ld, k, is_file, val, where);
}

static void
cfg_load_file(struct cfg_ld *ld, const char *path, int optional)
{
	FILE	*f;
	char	*line = NULL, where[CFG_WHERELEN];
	size_t	 cap = 0;
	int	 lineno = 0;

	if ((f = fopen(path, "r")) == NULL) {
		if (!optional || errno != ENOENT)
			cfg_err(ld, "%s: %s", path, strerror(errno));
		return;
	}
	while (getline(&line, &cap, f) != -1) {
		lineno++;
		snprintf(where, sizeof(where), "%s:%d", path, lineno);
		cfg_file_line(ld, line, where, lineno);
	}
	if (line != NULL)
		explicit_bzero(line, cap);
	free(line);
	fclose(f);
}

static void
cfg_load_env(struct cfg_ld *ld, char *const *envp)
{
	const struct cfg_key	*k;
	char			 name[128], where[CFG_WHERELEN];
	char			 path[PATH_MAX];
	const char		*eq, *cred = NULL;
	size_t			 i, len;
	int			 is_file;

	/* systemd credentials (LoadCredential=jwt_secret:...) come first. */
	for (i = 0; envp[i] != NULL; i++)
		if (strncmp(envp[i], "CREDENTIALS_DIRECTORY=", 22) == 0)
			cred = envp[i] + 22;
	for (i = 0; cred != NULL && i < cfg_nkeys; i++) {
		if (cfg_keys[i].type != CFG_SECRET)
			continue;
		snprintf(path, sizeof(path), "%s/%s", cred, cfg_keys[i].name);
		if (access(path, R_OK) != 0)
			continue;
		snprintf(where, sizeof(where), "credential %s",
		    cfg_keys[i].name);
		(void)cfg_set_key(ld, &cfg_keys[i], 1, path, where);
	}
	for (i = 0; envp[i] != NULL; i++) {
		if ((eq = strchr(envp[i], '=')) == NULL)
			continue;
		len = (size_t)(eq - envp[i]);
		if (len == 0 || len >= sizeof(name))
			continue;
		memcpy(name, envp[i], len);
		name[len] = '\0';
		if ((k = cfg_named(name, 1, &is_file)) == NULL)
			continue;
		snprintf(where, sizeof(where), "environment %s", name);
		(void)cfg_set_key(ld, k, is_file, eq + 1, where);
	}
}

static void
cfg_load_set(struct cfg_ld *ld, char *const *set, size_t nset)
{
	const struct cfg_key	*k;
	char			 name[128], where[CFG_WHERELEN];
	const char		*eq;
	size_t			 i, len;
	int			 is_file;

	for (i = 0; i < nset; i++) {
		if ((eq = strchr(set[i], '=')) == NULL ||
		    (len = (size_t)(eq - set[i])) == 0 || len >= sizeof(name)) {
			cfg_err(ld, "command line: --set %s: expected "
			    "key=value", set[i]);
			continue;
		}
		memcpy(name, set[i], len);
		name[len] = '\0';
		if ((k = cfg_named(name, 0, &is_file)) == NULL) {
			cfg_err(ld, "command line: unknown key \"%s\"", name);
			continue;
		}
		snprintf(where, sizeof(where), "command line (%s)", name);
		(void)cfg_set_key(ld, k, is_file, eq + 1, where);
	}
}

int
cfg_wallet_key(const char *s, unsigned char out[32])
{
	unsigned char	 buf[64];
	char		 b64[64];
	size_t		 len = strlen(s), i;
	int		 n;

	if (enc_unhex(s, out, 32) == 0)
		return 0;
	/* base64, standard or URL-safe, padded or not: 43 or 44 chars. */
	if (len == 43 || len == 44) {
		for (i = 0; i < len; i++)
			b64[i] = s[i] == '-' ? '+' : s[i] == '_' ? '/' : s[i];
		while (i < 44)
			b64[i++] = '=';
		b64[i] = '\0';
		n = EVP_DecodeBlock(buf, (const unsigned char *)b64, 44);
		if (n == 33 && b64[43] == '=' && b64[42] != '=') {
			memcpy(out, buf, 32);
			explicit_bzero(buf, sizeof(buf));
			return 0;
		}
		explicit_bzero(buf, sizeof(buf));
	}
	if (len == 32) {
		memcpy(out, s, 32);
		return 0;
	}
	return -1;
}

/*
 * An invalid merged value: the message names where the value came from
 * and both names of the directive (never the value: it may be secret).
 */
static int
cfg_bad(struct cfg_ld *ld, const char *name, const char *fmt, ...)
{
	const struct cfg_key	*k = cfg_find(name);
	const char		*where;
	char			 msg[CFG_ERRLEN / 2];
	va_list			 ap;

	if (k == NULL)
		abort();
	where = ld->where[k - cfg_keys];
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return cfg_err(ld, "%s: %s (%s): %s", *where != '\0' ? where :
	    "default", k->name, k->env, msg);
}

/* Cross-field checks once every layer is applied; every one is made. */
static void
cfg_validate(struct cfg_ld *ld)
{
	struct cfg	*c = ld->c;
	size_t		 i;
	char		*v;
	int		 missing = 0;

	for (i = 0; i < cfg_nkeys; i++) {
		if (!cfg_keys[i].required)
			continue;
		v = *(char **)((char *)c + cfg_keys[i].off);
		if (v == NULL || *v == '\0') {
			cfg_err(ld, "%s: required setting is missing "
			    "(file key %s)", cfg_keys[i].env, cfg_keys[i].name);
			missing = 1;
		}
	}
	if (c->jwt_secret != NULL && *c->jwt_secret != '\0' &&
	    strlen(c->jwt_secret) < 32)
		cfg_bad(ld, "jwt_secret", "must be at least 32 bytes");
	if (c->wallet_encryption_key != NULL &&
	    *c->wallet_encryption_key != '\0' &&
	    cfg_wallet_key(c->wallet_encryption_key, c->wallet_key) == -1)
		cfg_bad(ld, "wallet_encryption_key", "not 64 hex digits, "
		    "base64 of 32 bytes, or 32 raw bytes");
	if (c->min_workers == 0)
		c->min_workers = c->workers;
	if (c->max_workers == 0)
		c->max_workers = c->workers;
	if (c->min_workers > c->workers)
		cfg_bad(ld, "min_workers", "%d is more than workers (%d)",
		    c->min_workers, c->workers);
	if (c->max_workers < c->workers)
		cfg_bad(ld, "max_workers", "%d is less than workers (%d)",
		    c->max_workers, c->workers);
	if (log_level_parse(c->log_level) == -1)
		cfg_bad(ld, "log_level", "must be err, warn, info or debug");
	if (c->listen != NULL && *c->listen != '\0' &&
	    strncmp(c->listen, "unix:", 5) != 0 && strchr(c->listen, ':') == NULL)
		cfg_bad(ld, "listen", "expected unix:PATH or HOST:PORT, not "
		    "\"%s\"", c->listen);
	if (c->mongo_write_concern != NULL && *c->mongo_write_concern != '\0' &&
	    strcmp(c->mongo_write_concern, "majority") != 0 &&
	    (atoi(c->mongo_write_concern) < 1 ||
	    strspn(c->mongo_write_concern, "0123456789") !=
	    strlen(c->mongo_write_concern)))
		cfg_bad(ld, "mongo_write_concern", "must be majority or a "
		    "number of members");
	if (missing)
		return;
	if ((c->r2_endpoint == NULL || *c->r2_endpoint == '\0') &&
	    (c->r2_account_id == NULL || *c->r2_account_id == '\0'))
		cfg_err(ld, "R2_ENDPOINT: required when R2_ACCOUNT_ID is not "
		    "set (file keys r2_endpoint, r2_account_id)");
	if (cfg_posts_bucket(c) == NULL || cfg_stories_bucket(c) == NULL)
		cfg_err(ld, "R2_POSTS_BUCKET: required (or R2_BUCKET_NAME); "
		    "likewise R2_STORIES_BUCKET");
}

int
cfg_load(struct cfg *c, const char *path, int optional, char *const *envp,
    char *const *set, size_t nset, char *err)
{
	struct cfg_ld	 ld;
	size_t		 i;

	memset(c, 0, sizeof(*c));
	memset(&ld, 0, sizeof(ld));
	err[0] = '\0';
	ld.c = c;
	ld.err = err;
	for (i = 0; i < cfg_nkeys; i++)
		if (cfg_keys[i].def != NULL && cfg_assign(&ld, &cfg_keys[i],
		    cfg_keys[i].def, "default") == -1)
			abort();
	ld.where = xcalloc(cfg_nkeys, sizeof(*ld.where));
	ld.fileline = xcalloc(cfg_nkeys, sizeof(*ld.fileline));
	if (path != NULL)
		cfg_load_file(&ld, path, optional);
	cfg_load_env(&ld, envp != NULL ? envp : environ);
	cfg_load_set(&ld, set, nset);
	cfg_validate(&ld);
	free(ld.where);
	free(ld.fileline);
	return ld.nerr > 0 ? -1 : 0;
}

void
cfg_perror(const char *prog, const char *err)
{
	const char	*p, *nl;

	for (p = err; *p != '\0'; p = *nl != '\0' ? nl + 1 : nl) {
		nl = p + strcspn(p, "\n");
		if (prog != NULL)
			fprintf(stderr, "%s%s: %.*s\n",
			    log_prefix(LOG_LVL_ERR), prog, (int)(nl - p), p);
		else
			log_err("configuration: %.*s", (int)(nl - p), p);
	}
}

void
cfg_free(struct cfg *c)
{
	size_t	 i;
	char	**p;

	if (c == NULL)
		return;
	for (i = 0; i < cfg_nkeys; i++) {
		if (cfg_keys[i].type != CFG_STR &&
		    cfg_keys[i].type != CFG_SECRET &&
		    cfg_keys[i].type != CFG_BOOL)
			continue;
		p = (char **)((char *)c + cfg_keys[i].off);
		if (*p != NULL && cfg_keys[i].type == CFG_SECRET)
			explicit_bzero(*p, strlen(*p));
		free(*p);
		*p = NULL;
	}
	explicit_bzero(c->wallet_key, sizeof(c->wallet_key));
}

static const char *
cfg_nonempty(const char *a, const char *b)
{
	if (a != NULL && *a != '\0')
		return a;
	if (b != NULL && *b != '\0')
		return b;
	return NULL;
}

const char *
cfg_posts_bucket(const struct cfg *c)
{
	return cfg_nonempty(c->r2_posts_bucket, c->r2_bucket_name);
}

const char *
cfg_stories_bucket(const struct cfg *c)
{
	return cfg_nonempty(c->r2_stories_bucket, c->r2_bucket_name);
}

const char *
cfg_posts_base_url(const struct cfg *c)
{
	return cfg_nonempty(c->posts_public_base_url, c->media_public_base_url);
}

const char *
cfg_stories_base_url(const struct cfg *c)
{
	return cfg_nonempty(c->stories_public_base_url,
	    c->media_public_base_url);
}
