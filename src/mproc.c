/*
 * The sandbox of media decoding.  Decoders parse hostile input and are
 * large; a bug in one must cost one job, not the worker.  So each job
 * runs in a process of its own, a fresh exec (not a fork that keeps the
 * worker's threads, connections and heap), with
 *
 *   - RLIMIT_AS: a pixel bomb fails its allocation (or dies) in the
 *     child instead of swapping the machine;
 *   - RLIMIT_CPU and a wall clock kept by the parent (poll, then
 *     SIGKILL): a decoder stuck in a loop or a read is killed;
 *   - no descriptor but stdin (the object, a file), stdout (the answer)
 *     and stderr (its log lines), so it cannot reach the databases;
 *   - a bounded answer: more than out_max bytes kill it.
 *
 * The answer is a header line then the thumbnail:
 *
 *	vybes-media 1 <width> <height> <durationMs|-1> <blurhash> <jpeg bytes>\n
 *	<jpeg bytes of JPEG>
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "mproc.h"
#include "xmem.h"

#define MPROC_MAGIC	"vybes-media 1 "

/*
 * AddressSanitizer reserves terabytes of address space for its shadow,
 * so RLIMIT_AS would stop a sanitizer build's child at once (tests/san).
 * There the child gets ASan's own limits instead, the largest RSS and
 * allocation, and its reports go to its stderr: a crash is one of its
 * expected ends, and tests/san/run fails on any report file.
 */
#if defined(__SANITIZE_ADDRESS__)
#define MPROC_ASAN	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MPROC_ASAN	1
#endif
#endif

extern char	**environ;

static int64_t
mproc_now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * The child's environment: ours, but for ASAN_OPTIONS in a sanitizer
 * build (above).  Made before fork(): the child only execs.
 */
static char **
mproc_env(const struct mproc_lim *lim, char *asan, size_t asansz)
{
	char	**env;
	size_t	 n, i, k = 0;

	for (n = 0; environ[n] != NULL; n++)
		;
	env = xcalloc(n + 2, sizeof(*env));
	for (i = 0; i < n; i++)
#ifdef MPROC_ASAN
		if (strncmp(environ[i], "ASAN_OPTIONS=", 13) != 0)
#endif
			env[k++] = environ[i];
#ifdef MPROC_ASAN
	snprintf(asan, asansz, "ASAN_OPTIONS=detect_leaks=0:"
	    "allocator_may_return_null=1:hard_rss_limit_mb=%llu:"
	    "max_allocation_size_mb=%llu:log_path=stderr",
	    (unsigned long long)(lim->mem >> 20),
	    (unsigned long long)(lim->mem >> 20));
	env[k++] = asan;
#else
	(void)lim;
	(void)asan;
	(void)asansz;
#endif
	return env;
}

/* In the child: limits, descriptors, exec.  Never returns. */
static void
mproc_child(char *const argv[], char *const env[], int in_fd, int out_fd,
    const struct mproc_lim *lim)
{
	struct rlimit	 r;

	if (dup2(in_fd, 0) == -1 || dup2(out_fd, 1) == -1)
		_exit(126);
	/* A file is read from its start (the parent wrote it). */
	(void)lseek(0, 0, SEEK_SET);
	closefrom(3);
#ifndef MPROC_ASAN
	r.rlim_cur = r.rlim_max = lim->mem;
	if (setrlimit(RLIMIT_AS, &r) == -1)
		_exit(126);
#endif
	r.rlim_cur = r.rlim_max = lim->secs;
	if (setrlimit(RLIMIT_CPU, &r) == -1)
		_exit(126);
	signal(SIGPIPE, SIG_DFL);
	execve(argv[0], argv, env);
	_exit(127);
}

int
mproc_run(char *const argv[], int in_fd, const struct mproc_lim *lim,
    struct buf *out, char *why, size_t whysz)
{
	struct pollfd	 pfd;
	char		 chunk[65536], asan[256], **env;
	int64_t		 end;
	struct timespec	 nap = { 0, 10 * 1000000 };
	pid_t		 pid, r;
	ssize_t		 n;
	int		 p[2], st, rc = 1, left;

	*why = '\0';
	if (pipe2(p, O_CLOEXEC) == -1) {
		snprintf(why, whysz, "pipe: %s", strerror(errno));
		return -1;
	}
	env = mproc_env(lim, asan, sizeof(asan));
	if ((pid = fork()) == -1) {
		snprintf(why, whysz, "fork: %s", strerror(errno));
		free(env);
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0)
		mproc_child(argv, env, in_fd, p[1], lim);
	free(env);
	close(p[1]);
	end = mproc_now_ms() + (int64_t)lim->secs * 1000;
	pfd.fd = p[0];
	pfd.events = POLLIN;
	for (;;) {
		if ((left = (int)(end - mproc_now_ms())) <= 0) {
			snprintf(why, whysz, "killed after %d s", lim->secs);
			kill(pid, SIGKILL);
			break;
		}
		if (poll(&pfd, 1, left) == -1 && errno != EINTR) {
			snprintf(why, whysz, "poll: %s", strerror(errno));
			kill(pid, SIGKILL);
			break;
		}
		if (pfd.revents == 0)
			continue;
		if ((n = read(p[0], chunk, sizeof(chunk))) == -1) {
			if (errno == EINTR)
				continue;
			snprintf(why, whysz, "read: %s", strerror(errno));
			kill(pid, SIGKILL);
			break;
		}
		if (n == 0) {
			rc = 0;
			break;
		}
		if ((size_t)n > lim->out_max - out->b_len ||
		    buf_add(out, chunk, n) == -1) {
			snprintf(why, whysz, "answer over %zu bytes",
			    lim->out_max);
			kill(pid, SIGKILL);
			break;
		}
	}
	close(p[0]);
	/* A child that closed stdout but does not exit is still timed. */
	for (;;) {
		r = waitpid(pid, &st, rc == 0 ? WNOHANG : 0);
		if (r == -1 && errno == EINTR)
			continue;
		if (r != 0)
			break;
		if (mproc_now_ms() >= end) {
			snprintf(why, whysz, "killed after %d s", lim->secs);
			kill(pid, SIGKILL);
			rc = 1;
		} else
			nanosleep(&nap, NULL);
	}
	if (r == -1) {
		snprintf(why, whysz, "waitpid: %s", strerror(errno));
		kill(pid, SIGKILL);
		return 1;
	}
	if (rc != 0)
		return 1;
	if (WIFSIGNALED(st)) {
		snprintf(why, whysz, "killed by signal %d", WTERMSIG(st));
		return 1;
	}
	if (WEXITSTATUS(st) == 126 || WEXITSTATUS(st) == 127) {
		snprintf(why, whysz, "cannot start %s (status %d)", argv[0],
		    WEXITSTATUS(st));
		return -1;
	}
	if (WEXITSTATUS(st) != 0) {
		snprintf(why, whysz, "exit status %d", WEXITSTATUS(st));
		return 1;
	}
	return 0;
}

int
mproc_answer(const struct mproc_res *r)
{
	if (printf(MPROC_MAGIC "%d %d %" PRId64 " %s %zu\n", r->width,
	    r->height, r->duration_ms, r->blurhash, r->jpeg_len) < 0 ||
	    fwrite(r->jpeg, 1, r->jpeg_len, stdout) != r->jpeg_len ||
	    fflush(stdout) == EOF)
		return -1;
	return 0;
}

int
mproc_parse(const char *data, size_t len, struct mproc_res *r)
{
	const char	*nl;
	char		 line[256], bh[BLURHASH_MAX];
	long long	 dur;
	size_t		 jl;
	int		 w, h, end = 0;

	memset(r, 0, sizeof(*r));
	if ((nl = memchr(data, '\n', len)) == NULL ||
	    (size_t)(nl - data) >= sizeof(line))
		return -1;
	memcpy(line, data, nl - data);
	line[nl - data] = '\0';
	if (strncmp(line, MPROC_MAGIC, strlen(MPROC_MAGIC)) != 0 ||
	    sscanf(line + strlen(MPROC_MAGIC), "%d %d %lld %166s %zu%n", &w,
	    &h, &dur, bh, &jl, &end) != 5 ||
	    line[strlen(MPROC_MAGIC) + end] != '\0' ||
	    w < 1 || h < 1 || dur < -1 || strlen(bh) < 6 ||
	    jl != len - (size_t)(nl + 1 - data) || jl == 0)
		return -1;
	r->width = w;
	r->height = h;
	r->duration_ms = dur;
	memcpy(r->blurhash, bh, sizeof(bh));
	r->jpeg = (const unsigned char *)nl + 1;
	r->jpeg_len = jl;
	return 0;
}

void
mproc_dims(int w, int h, int orient, int max, int *ow, int *oh, int *tw,
    int *th)
{
	int	 t;

	if (orient >= 5 && orient <= 8) {
		t = w;
		w = h;
		h = t;
	}
	*ow = w;
	*oh = h;
	if (w <= max && h <= max) {
		*tw = w;
		*th = h;
	} else if (w >= h) {
		*tw = max;
		*th = (int)(((int64_t)h * max + w / 2) / w);
	} else {
		*th = max;
		*tw = (int)(((int64_t)w * max + h / 2) / h);
	}
	if (*tw < 1)
		*tw = 1;
	if (*th < 1)
		*th = 1;
}
