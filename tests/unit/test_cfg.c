/*
 * Configuration: precedence (default < file < environment < flags), each
 * kind of error with its file:line or variable name, secrets from files,
 * and the three accepted forms of the wallet key.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "cfg.h"
#include "unit.h"

#define KEYHEX "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
#define SECRET "0123456789abcdef0123456789abcdef"

/* The minimal valid environment. */
static char *base_env[] = {
	"MONGO_URI=mongodb://127.0.0.1:1/", "DB_NAME=vybes",
	"JWT_SECRET=" SECRET, "WALLET_ENCRYPTION_KEY=" KEYHEX,
	"REDIS_ADDR=127.0.0.1:1", "NATS_URL=nats://127.0.0.1:1",
	"R2_ENDPOINT=http://127.0.0.1:1", "R2_BUCKET_NAME=media",
	"MEDIA_PUBLIC_BASE_URL=http://media.test", NULL
};

static char tmpl[64];

/* Write `text' to a fresh temporary file; its name is in tmpl. */
static const char *
write_tmp(const char *text)
{
	FILE	*f;
	int	 fd;

	snprintf(tmpl, sizeof(tmpl), "/tmp/vybes-cfg-XXXXXX");
	if ((fd = mkstemp(tmpl)) == -1 || (f = fdopen(fd, "w")) == NULL)
		abort();
	fputs(text, f);
	fclose(f);
	return tmpl;
}

/* base_env plus `extra' (NULL-terminated) in a static array. */
static char **
env_with(char **extra)
{
	static char	*env[64];
	size_t		 n = 0, i;

	for (i = 0; base_env[i] != NULL; i++)
		env[n++] = base_env[i];
	for (i = 0; extra != NULL && extra[i] != NULL; i++)
		env[n++] = extra[i];
	env[n] = NULL;
	return env;
}

static void
test_defaults(void)
{
	struct cfg	 c;
	char		 err[CFG_ERRLEN];

	CU_ASSERT_EQUAL(cfg_load(&c, NULL, 1, env_with(NULL), NULL, 0, err), 0);
	CU_ASSERT_EQUAL(c.workers, 4);
	CU_ASSERT_EQUAL(c.port, 8080);
	CU_ASSERT_EQUAL(c.body_max, 1048576);
	CU_ASSERT_EQUAL(c.socket_mode, 0660);
	CU_ASSERT_EQUAL(c.access_token_ttl, 3600);
	CU_ASSERT_STRING_EQUAL(c.rate_limits, "on");
	CU_ASSERT_STRING_EQUAL(c.r2_region, "auto");
	CU_ASSERT_STRING_EQUAL(cfg_posts_bucket(&c), "media");
	CU_ASSERT_STRING_EQUAL(cfg_stories_base_url(&c), "http://media.test");
	CU_ASSERT_EQUAL(c.wallet_key[31], 0x1f);
	cfg_free(&c);
}

/* THUMBNAIL_SIZE (API.md 6.6): 640 by default, 64..2048. */
static void
test_thumbnail_size(void)
{
	struct cfg	 c;
	char		 err[CFG_ERRLEN];
	char		*lo[] = { "THUMBNAIL_SIZE=64", NULL };
	char		*hi[] = { "THUMBNAIL_SIZE=2048", NULL };
	char		*under[] = { "THUMBNAIL_SIZE=63", NULL };
	char		*over[] = { "THUMBNAIL_SIZE=2049", NULL };

	CU_ASSERT_EQUAL(cfg_load(&c, NULL, 1, env_with(NULL), NULL, 0, err), 0);
	CU_ASSERT_EQUAL(c.thumbnail_size, 640);
	cfg_free(&c);
	CU_ASSERT_EQUAL(cfg_load(&c, NULL, 1, env_with(lo), NULL, 0, err), 0);
	CU_ASSERT_EQUAL(c.thumbnail_size, 64);
	cfg_free(&c);
	CU_ASSERT_EQUAL(cfg_load(&c, NULL, 1, env_with(hi), NULL, 0, err), 0);
	CU_ASSERT_EQUAL(c.thumbnail_size, 2048);
	cfg_free(&c);
	CU_ASSERT_EQUAL(cfg_load(&c, NULL, 1, env_with(under), NULL, 0, err),
	    -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "THUMBNAIL_SIZE"));
	cfg_free(&c);
	CU_ASSERT_EQUAL(cfg_load(&c, NULL, 1, env_with(over), NULL, 0, err),
	    -1);
	cfg_free(&c);
}

static void
test_precedence(void)
{
	struct cfg	 c;
	char		 err[CFG_ERRLEN];
	char		*env[] = { "VYBES_WORKERS=7", "PORT=:9090", NULL };
	char		*set[] = { "workers=9" };
	const char	*path;

	path = write_tmp("# comment\nworkers = 5\nmax_requests = 12\n"
	    "r2_posts_bucket = \" posts \"\n\nlog_level = debug\n");
	CU_ASSERT_EQUAL(cfg_load(&c, path, 0, env_with(NULL), NULL, 0, err), 0);
	CU_ASSERT_EQUAL(c.workers, 5);
	CU_ASSERT_EQUAL(c.max_requests, 12);
	CU_ASSERT_STRING_EQUAL(cfg_posts_bucket(&c), " posts ");
	CU_ASSERT_STRING_EQUAL(cfg_stories_bucket(&c), "media");
	cfg_free(&c);
	CU_ASSERT_EQUAL(cfg_load(&c, path, 0, env_with(env), NULL, 0, err), 0);
	CU_ASSERT_EQUAL(c.workers, 7);
	CU_ASSERT_EQUAL(c.port, 9090);
	cfg_free(&c);
	CU_ASSERT_EQUAL(cfg_load(&c, path, 0, env_with(env), set, 1, err), 0);
	CU_ASSERT_EQUAL(c.workers, 9);
	cfg_free(&c);
	unlink(path);
}

static void
test_file_errors(void)
{
	static const struct {
		const char	*text, *want;
	} t[] = {
		{ "workers = 4\nbogus = 1\n", ":2: unknown key \"bogus\"" },
		{ "\n\nworkers\n", ":3: expected \"key = value\"" },
		{ "workers = 0\n", ":1: workers: 0 out of range 1..512" },
		{ "workers = four\n", ":1: workers: not a valid number" },
		{ "body_max = 2x\n", ":1: body_max: not a valid number" },
		{ "rate_limits = maybe\n", ":1: rate_limits must be on or off" },
		{ "MONGO_URI = x\n", ":1: unknown key \"MONGO_URI\"" },
	};
	struct cfg	 c;
	char		 err[CFG_ERRLEN];
	const char	*path;
	size_t		 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		path = write_tmp(t[i].text);
		CU_ASSERT_EQUAL(cfg_load(&c, path, 0, env_with(NULL), NULL, 0,
		    err), -1);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, t[i].want));
		CU_ASSERT_EQUAL(strncmp(err, path, strlen(path)), 0);
		if (strstr(err, t[i].want) == NULL)
			fprintf(stderr, "case %zu: got \"%s\"\n", i, err);
		cfg_free(&c);
		unlink(path);
	}
	CU_ASSERT_EQUAL(cfg_load(&c, "/nonexistent/vybes.conf", 0,
	    env_with(NULL), NULL, 0, err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "No such file"));
	cfg_free(&c);
	CU_ASSERT_EQUAL(cfg_load(&c, "/nonexistent/vybes.conf", 1,
	    env_with(NULL), NULL, 0, err), 0);
	cfg_free(&c);
}

static void
test_required(void)
{
	static char	*partial[] = { "DB_NAME=x", NULL };
	static char	*shortjwt[] = { "JWT_SECRET=short", NULL };
	static char	*badkey[] = { "WALLET_ENCRYPTION_KEY=nothex", NULL };
	static char	*badlisten[] = { "VYBES_LISTEN=nowhere", NULL };
	static char	*badmin[] = { "VYBES_WORKERS=2", "VYBES_MIN_WORKERS=3",
	    NULL };
	static char	*badmax[] = { "VYBES_WORKERS=4", "VYBES_MAX_WORKERS=3",
	    NULL };
	static char	*badwc[] = { "VYBES_MONGO_WRITE_CONCERN=most", NULL };
	struct cfg	 c;
	char		 err[CFG_ERRLEN];

	CU_ASSERT_EQUAL(cfg_load(&c, NULL, 1, partial, NULL, 0, err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "MONGO_URI: required"));
	cfg_free(&c);
	CU_ASSERT_EQUAL(cfg_load(&c, NULL, 1, env_with(shortjwt), NULL, 0,
	    err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "JWT_SECRET"));
	cfg_free(&c);
	CU_ASSERT_EQUAL(cfg_load(&c, NULL, 1, env_with(badkey), NULL, 0, err),
	    -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "WALLET_ENCRYPTION_KEY"));
	cfg_free(&c);
	CU_ASSERT_EQUAL(cfg_load(&c, NULL, 1, env_with(badlisten), NULL, 0,
	    err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "VYBES_LISTEN"));
	cfg_free(&c);
	CU_ASSERT_EQUAL(cfg_load(&c, NULL, 1, env_with(badmin), NULL, 0, err),
	    -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "VYBES_MIN_WORKERS"));
	cfg_free(&c);
	CU_ASSERT_EQUAL(cfg_load(&c, NULL, 1, env_with(badmax), NULL, 0, err),
	    -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "VYBES_MAX_WORKERS"));
	cfg_free(&c);
	CU_ASSERT_EQUAL(cfg_load(&c, NULL, 1, env_with(badwc), NULL, 0, err),
	    -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "VYBES_MONGO_WRITE_CONCERN"));
	cfg_free(&c);
}

static void
test_secret_file(void)
{
	struct cfg	 c;
	char		 err[CFG_ERRLEN], var[128];
	char		*env[] = { var, NULL };
	char		*set[] = { "bogus=1" };
	const char	*path;

	path = write_tmp("ffffffffffffffffffffffffffffffffffffffff\n");
	snprintf(var, sizeof(var), "JWT_SECRET_FILE=%s", path);
	CU_ASSERT_EQUAL(cfg_load(&c, NULL, 1, env_with(env), NULL, 0, err), 0);
	CU_ASSERT_STRING_EQUAL(c.jwt_secret,
	    "ffffffffffffffffffffffffffffffffffffffff");
	cfg_free(&c);
	unlink(path);
	CU_ASSERT_EQUAL(cfg_load(&c, NULL, 1, env_with(env), NULL, 0, err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "JWT_SECRET_FILE"));
	cfg_free(&c);
	CU_ASSERT_EQUAL(cfg_load(&c, NULL, 1, env_with(NULL), set, 1, err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "unknown key \"bogus\""));
	cfg_free(&c);
}

static void
test_wallet_key(void)
{
	unsigned char	 k[32];

	CU_ASSERT_EQUAL(cfg_wallet_key(KEYHEX, k), 0);
	CU_ASSERT_EQUAL(k[0], 0x00);
	CU_ASSERT_EQUAL(k[16], 0x10);
	/* base64 of the same 32 bytes, standard and URL-safe, no padding. */
	CU_ASSERT_EQUAL(cfg_wallet_key(
	    "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", k), 0);
	CU_ASSERT_EQUAL(k[31], 0x1f);
	memset(k, 0, sizeof(k));
	CU_ASSERT_EQUAL(cfg_wallet_key(
	    "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8", k), 0);
	CU_ASSERT_EQUAL(k[31], 0x1f);
	CU_ASSERT_EQUAL(cfg_wallet_key(
	    "_-_-AwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8", k), 0);
	CU_ASSERT_EQUAL(k[0], 0xff);
	/* Legacy: 32 raw bytes. */
	CU_ASSERT_EQUAL(cfg_wallet_key("abcdefghijklmnopqrstuvwxyz012345", k),
	    0);
	CU_ASSERT_EQUAL(k[0], 'a');
	CU_ASSERT_EQUAL(cfg_wallet_key("too short", k), -1);
	CU_ASSERT_EQUAL(cfg_wallet_key("", k), -1);
	/* base64 of 31 bytes is not a key. */
	CU_ASSERT_EQUAL(cfg_wallet_key(
	    "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHg==", k), -1);
}

/* One run reports every error, each line with its own origin. */
static void
test_all_errors(void)
{
	static char	*env[] = { "VYBES_WORKERS=0", "JWT_SECRET=short",
	    NULL };
	char		*set[] = { "max_requests=x", "nosuch=1" };
	struct cfg	 c;
	char		 err[CFG_ERRLEN], want[256];
	const char	*path;

	path = write_tmp("workers = 2\nbogus = 1\nbody_max = 2x\n"
	    "min_workers = 3\n");
	CU_ASSERT_EQUAL(cfg_load(&c, path, 0, env_with(env), set, 2, err), -1);
	snprintf(want, sizeof(want), "%s:2: unknown key \"bogus\"", path);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, want));
	snprintf(want, sizeof(want), "%s:3: body_max: not a valid number",
	    path);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, want));
	CU_ASSERT_PTR_NOT_NULL(strstr(err,
	    "environment VYBES_WORKERS: workers: 0 out of range"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err,
	    "command line (max_requests): max_requests: not a valid number"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err,
	    "command line: unknown key \"nosuch\""));
	/* Checked after merging, yet named by the layer that set it. */
	CU_ASSERT_PTR_NOT_NULL(strstr(err,
	    "environment JWT_SECRET: jwt_secret (JWT_SECRET): must be at "
	    "least 32 bytes"));
	snprintf(want, sizeof(want), "%s:4: min_workers (VYBES_MIN_WORKERS): "
	    "3 is more than workers (2)", path);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, want));
	if (strstr(err, want) == NULL)
		fprintf(stderr, "got:\n%s\n", err);
	cfg_free(&c);
	unlink(path);
}

/* A value from the file is named by its file and line. */
static void
test_origin_file(void)
{
	static char	*noenv[] = { NULL };
	static char	*env[] = { "JWT_SECRET=" SECRET, NULL };
	struct cfg	 c;
	char		 err[CFG_ERRLEN], want[256];
	const char	*path;

	path = write_tmp("jwt_secret = tooshort\nlog_level = loud\n");
	/* base_env sets JWT_SECRET, which would override the file. */
	CU_ASSERT_EQUAL(cfg_load(&c, path, 0, noenv, NULL, 0, err), -1);
	snprintf(want, sizeof(want), "%s:1: jwt_secret (JWT_SECRET): must be "
	    "at least 32 bytes", path);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, want));
	snprintf(want, sizeof(want), "%s:2: log_level (VYBES_LOG_LEVEL): "
	    "must be", path);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, want));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "MONGO_URI: required"));
	/* The secret's value is never shown. */
	CU_ASSERT_PTR_NULL(strstr(err, "tooshort"));
	cfg_free(&c);
	/* The environment wins, and only the log level is left. */
	CU_ASSERT_EQUAL(cfg_load(&c, path, 0, env_with(env), NULL, 0, err),
	    -1);
	CU_ASSERT_PTR_NULL(strstr(err, "jwt_secret"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "log_level"));
	cfg_free(&c);
	unlink(path);
}

/* `#' after a blank ends the value unless it is quoted. */
static void
test_comments(void)
{
	struct cfg	 c;
	char		 err[CFG_ERRLEN];
	const char	*path;

	path = write_tmp("workers = 3 # three\n"
	    "pidfile = /run/x#y\n"
	    "user = \"a # b\"  # quoted\n"
	    "group = # empty\n");
	CU_ASSERT_EQUAL(cfg_load(&c, path, 0, env_with(NULL), NULL, 0, err),
	    0);
	CU_ASSERT_EQUAL(c.workers, 3);
	CU_ASSERT_STRING_EQUAL(c.pidfile, "/run/x#y");
	CU_ASSERT_STRING_EQUAL(c.user, "a # b");
	CU_ASSERT_STRING_EQUAL(c.group, "");
	cfg_free(&c);
	unlink(path);
	path = write_tmp("user = \"open\n");
	CU_ASSERT_EQUAL(cfg_load(&c, path, 0, env_with(NULL), NULL, 0, err),
	    -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, ":1: user: unterminated quote"));
	cfg_free(&c);
	unlink(path);
}

/* A key set twice in the file (also as key and key_file) is an error. */
static void
test_duplicates(void)
{
	struct cfg	 c;
	char		 err[CFG_ERRLEN];
	const char	*path;

	path = write_tmp("workers = 2\n\nworkers = 3\n"
	    "jwt_secret = " SECRET "\njwt_secret_file = /dev/null\n");
	CU_ASSERT_EQUAL(cfg_load(&c, path, 0, env_with(NULL), NULL, 0, err),
	    -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err,
	    ":3: workers: duplicate key, already set at line 1"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err,
	    ":5: jwt_secret_file: duplicate key, already set at line 4"));
	cfg_free(&c);
	unlink(path);
}

/*
 * Every variable of the table is listed in the ENVIRONMENT section of
 * vybes-api(8) (make check sets top_srcdir).
 */
static void
test_man_environment(void)
{
	const char	*top = getenv("top_srcdir");
	char		 path[1024], *text, *env, *end;
	FILE		*f;
	long		 n;
	size_t		 i, len;
	int		 found;

	snprintf(path, sizeof(path), "%s/man/vybes-api.8.in",
	    top != NULL ? top : ".");
	if ((f = fopen(path, "r")) == NULL) {
		CU_FAIL("man/vybes-api.8.in not found");
		return;
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	if ((text = calloc(1, (size_t)n + 1)) == NULL ||
	    fread(text, 1, (size_t)n, f) != (size_t)n)
		abort();
	fclose(f);
	env = strstr(text, "\n.Sh ENVIRONMENT");
	end = env != NULL ? strstr(env + 1, "\n.Sh ") : NULL;
	CU_ASSERT_PTR_NOT_NULL_FATAL(end);
	*end = '\0';
	for (i = 0; i < cfg_nkeys; i++) {
		len = strlen(cfg_keys[i].env);
		found = 0;
		for (end = env; !found && (end = strstr(end,
		    cfg_keys[i].env)) != NULL; end += len)
			found = (end[-1] == ' ' || end[-1] == '\n') &&
			    (end[len] == ' ' || end[len] == '\n' ||
			    end[len] == ',');
		if (!found)
			fprintf(stderr, "vybes-api(8) ENVIRONMENT lacks %s\n",
			    cfg_keys[i].env);
		CU_ASSERT_TRUE(found);
	}
	free(text);
}

void
test_cfg_suite(void)
{
	CU_pSuite	 s = CU_add_suite("cfg", NULL, NULL);

	UNIT_ADD(s, "defaults", test_defaults);
	UNIT_ADD(s, "THUMBNAIL_SIZE bounds", test_thumbnail_size);
	UNIT_ADD(s, "precedence", test_precedence);
	UNIT_ADD(s, "file errors name file:line", test_file_errors);
	UNIT_ADD(s, "required and invalid settings", test_required);
	UNIT_ADD(s, "secrets from files", test_secret_file);
	UNIT_ADD(s, "wallet key forms", test_wallet_key);
	UNIT_ADD(s, "every error in one run", test_all_errors);
	UNIT_ADD(s, "errors name the file line", test_origin_file);
	UNIT_ADD(s, "comments after values", test_comments);
	UNIT_ADD(s, "duplicate keys", test_duplicates);
	UNIT_ADD(s, "every variable in vybes-api(8)", test_man_environment);
}
