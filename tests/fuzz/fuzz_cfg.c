/*
 * The configuration file parser: the input is vybes.conf (through a
 * memfd), loaded with an empty environment and no overrides.  The
 * runner gives the fuzzer /dev/null as stdin, since a *_file key may
 * name any file to read.
 */
#include <sys/mman.h>

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cfg.h"

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	static char *const	 envp[] = { NULL };
	struct cfg		 c;
	char			 path[64], err[CFG_ERRLEN];
	int			 fd;

	if ((fd = memfd_create("vybes.conf", 0)) == -1)
		return 0;
	if (write(fd, d, n) == (ssize_t)n) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		memset(&c, 0, sizeof(c));
		(void)cfg_load(&c, path, 0, envp, NULL, 0, err);
		cfg_free(&c);
	}
	close(fd);
	return 0;
}
