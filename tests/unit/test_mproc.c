/*
 * The media child sandbox (mproc.c): a child that answers, one that
 * crashes, one that hangs past its wall time (also after closing its
 * stdout), one that allocates past
 * its memory limit, one that writes too much, and one that cannot
 * start; the answer format both ways; the thumbnail geometry with the
 * orientations that turn the picture.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "buf.h"
#include "mproc.h"
#include "unit.h"

/* Run `sh -c script' with stdin "hello", limits as given. */
static int
run(const char *script, int secs, rlim_t mem, size_t out_max,
    struct buf *out, char *why, size_t whysz)
{
	char *const	 argv[] = { "/bin/sh", "-c", (char *)script, NULL };
	struct mproc_lim lim = { secs, mem, out_max };
	FILE		*in = tmpfile();
	int		 rc;

	CU_ASSERT_PTR_NOT_NULL_FATAL(in);
	fputs("hello", in);
	fflush(in);
	buf_init(out, 1 << 20);
	rc = mproc_run(argv, fileno(in), &lim, out, why, whysz);
	fclose(in);
	return rc;
}

static void
test_sandbox(void)
{
	struct buf	 out;
	char		 why[128];
	time_t		 t0;

	/* stdin is the file from its start; stdout comes back. */
	CU_ASSERT_EQUAL(run("cat; echo ' world'", 5, 256 << 20, 1000, &out,
	    why, sizeof(why)), 0);
	CU_ASSERT_STRING_EQUAL(buf_str(&out), "hello world\n");
	buf_free(&out);
	/* No descriptor of ours but 0, 1 and 2 reaches the child. */
	CU_ASSERT_EQUAL(run("test -e /proc/self/fd/3 && echo leak; :", 5,
	    256 << 20, 1000, &out, why, sizeof(why)), 0);
	CU_ASSERT_STRING_EQUAL(buf_str(&out), "");
	buf_free(&out);
	CU_ASSERT_EQUAL(run("exit 3", 5, 256 << 20, 1000, &out, why,
	    sizeof(why)), 1);
	CU_ASSERT_STRING_EQUAL(why, "exit status 3");
	buf_free(&out);
	CU_ASSERT_EQUAL(run("kill -SEGV $$", 5, 256 << 20, 1000, &out, why,
	    sizeof(why)), 1);
	CU_ASSERT_STRING_EQUAL(why, "killed by signal 11");
	buf_free(&out);
	/* A hang is killed at its wall time, not waited for. */
	t0 = time(NULL);
	CU_ASSERT_EQUAL(run("exec sleep 30", 1, 256 << 20, 1000, &out, why,
	    sizeof(why)), 1);
	CU_ASSERT(time(NULL) - t0 <= 3);
	CU_ASSERT_STRING_EQUAL(why, "killed after 1 s");
	buf_free(&out);
	/* Also one that closed its stdout first. */
	t0 = time(NULL);
	CU_ASSERT_EQUAL(run("exec >&-; exec sleep 30", 1, 256 << 20, 1000,
	    &out, why, sizeof(why)), 1);
	CU_ASSERT(time(NULL) - t0 <= 3);
	CU_ASSERT_STRING_EQUAL(why, "killed after 1 s");
	buf_free(&out);
#ifndef __SANITIZE_ADDRESS__
	/* An allocation over RLIMIT_AS fails in the child only. */
	CU_ASSERT_EQUAL(run("exec awk 'BEGIN { s = \"x\"; "
	    "while (1) s = s s }'", 10, 64 << 20, 1000, &out, why,
	    sizeof(why)), 1);
	buf_free(&out);
#endif
	CU_ASSERT_EQUAL(run("exec yes", 5, 256 << 20, 100000, &out, why,
	    sizeof(why)), 1);
	CU_ASSERT_STRING_EQUAL(why, "answer over 100000 bytes");
	buf_free(&out);
}

static void
test_nostart(void)
{
	char *const	 argv[] = { "/nonexistent/child", NULL };
	struct mproc_lim lim = { 5, 256 << 20, 100 };
	struct buf	 out;
	char		 why[128];

	buf_init(&out, 100);
	CU_ASSERT_EQUAL(mproc_run(argv, 0, &lim, &out, why, sizeof(why)), -1);
	CU_ASSERT_STRING_EQUAL(why, "cannot start /nonexistent/child "
	    "(status 127)");
	buf_free(&out);
}

static void
test_parse(void)
{
	struct mproc_res r;
	static const char ok[] = "vybes-media 1 640 480 -1 "
	    "LEHV6nWB2yk8pyo0adR*.7kCMdnj 4\nJPEG";
	static const char *const bad[] = {
		"vybes-media 1 640 480 -1 LEHV6nWB2yk8pyo0adR*.7kCMdnj 5\nJPEG",
		"vybes-media 1 640 480 -1 LEHV6nWB2yk8pyo0adR*.7kCMdnj 3\nJPEG",
		"vybes-media 1 0 480 -1 LEHV6nWB2yk8pyo0adR*.7kCMdnj 4\nJPEG",
		"vybes-media 1 640 480 -2 LEHV6nWB2yk8pyo0adR*.7kCMdnj 4\nJPEG",
		"vybes-media 2 640 480 -1 LEHV6nWB2yk8pyo0adR*.7kCMdnj 4\nJPEG",
		"vybes-media 1 640 480 -1 LEHV6nWB2yk8pyo0adR*.7kCMdnj 4 x\n"
		    "JPEG",
		"vybes-media 1 640 480 -1 LEHV6nWB2yk8pyo0adR*.7kCMdnj 0\n",
		"vybes-media 1 640 480 -1 LEHV6nWB2yk8pyo0adR*.7kCMdnj 4",
		"",
	};
	size_t	 i;

	CU_ASSERT_EQUAL_FATAL(mproc_parse(ok, sizeof(ok) - 1, &r), 0);
	CU_ASSERT_EQUAL(r.width, 640);
	CU_ASSERT_EQUAL(r.height, 480);
	CU_ASSERT_EQUAL(r.duration_ms, -1);
	CU_ASSERT_STRING_EQUAL(r.blurhash, "LEHV6nWB2yk8pyo0adR*.7kCMdnj");
	CU_ASSERT_EQUAL(r.jpeg_len, 4);
	CU_ASSERT_NSTRING_EQUAL(r.jpeg, "JPEG", 4);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CU_ASSERT_EQUAL(mproc_parse(bad[i], strlen(bad[i]), &r), -1);
}

static void
test_dims(void)
{
	static const struct {
		int	 w, h, orient, max, ow, oh, tw, th;
	} c[] = {
		{ 4000, 3000, 1, 640, 4000, 3000, 640, 480 },
		{ 4000, 3000, 6, 640, 3000, 4000, 480, 640 },
		{ 4000, 3000, 8, 640, 3000, 4000, 480, 640 },
		{ 4000, 3000, 3, 640, 4000, 3000, 640, 480 },
		{ 4000, 3000, 5, 640, 3000, 4000, 480, 640 },
		{ 320, 200, 1, 640, 320, 200, 320, 200 },	/* no upscale */
		{ 640, 640, 1, 640, 640, 640, 640, 640 },
		{ 1920, 1080, 1, 640, 1920, 1080, 640, 360 },
		{ 1081, 1920, 1, 64, 1081, 1920, 36, 64 },	/* rounded */
		{ 10000, 1, 1, 64, 10000, 1, 64, 1 },		/* at least 1 */
		{ 3, 2, 6, 2048, 2, 3, 2, 3 },
	};
	size_t	 i;
	int	 ow, oh, tw, th;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		mproc_dims(c[i].w, c[i].h, c[i].orient, c[i].max, &ow, &oh,
		    &tw, &th);
		CU_ASSERT_EQUAL(ow, c[i].ow);
		CU_ASSERT_EQUAL(oh, c[i].oh);
		CU_ASSERT_EQUAL(tw, c[i].tw);
		CU_ASSERT_EQUAL(th, c[i].th);
	}
}

void
test_mproc_suite(void)
{
	CU_pSuite	 s;

	if ((s = CU_add_suite("mproc", NULL, NULL)) == NULL)
		abort();
	UNIT_ADD(s, "child sandbox limits", test_sandbox);
	UNIT_ADD(s, "child that cannot start", test_nostart);
	UNIT_ADD(s, "answer format", test_parse);
	UNIT_ADD(s, "thumbnail geometry", test_dims);
}
