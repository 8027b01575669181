/*
 * Build and process metrics, read from /proc/self as Prometheus's own
 * client libraries do (process_cpu_seconds_total from stat's utime and
 * stime, memory from its vsize and rss, descriptors from fd/).
 */
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "procmet.h"

/* Seconds since the epoch at which the system booted, or -1. */
static double
procmet_boot_time(void)
{
	FILE		*f;
	char		 line[256];
	double		 t = -1;

	if ((f = fopen("/proc/stat", "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "btime %lf", &t) == 1)
			break;
	fclose(f);
	return t;
}

/* Open descriptors of this process, or -1. */
static long
procmet_fds(void)
{
	DIR		*d;
	struct dirent	*de;
	long		 n = 0;

	if ((d = opendir("/proc/self/fd")) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	/* Not counting the descriptor opendir() itself holds. */
	return n - 1;
}

void
procmet_write(FILE *f, const char *prog)
{
	FILE			*st;
	char			 buf[1024], *p;
	unsigned long		 utime, stime, vsize;
	unsigned long long	 start;
	long			 rss, tck = sysconf(_SC_CLK_TCK);
	long			 page = sysconf(_SC_PAGESIZE), fds;
	double			 boot;
	int			 ok = 0;

	fprintf(f, "# HELP vybes_build_info The running build.\n"
	    "# TYPE vybes_build_info gauge\n"
	    "vybes_build_info{program=\"%s\",version=\"%s\"} 1\n", prog,
	    PACKAGE_VERSION);
	if ((st = fopen("/proc/self/stat", "r")) != NULL) {
		/* Fields after the command name, which may hold blanks. */
		if (fgets(buf, sizeof(buf), st) != NULL &&
		    (p = strrchr(buf, ')')) != NULL &&
		    sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u "
		    "%lu %lu %*d %*d %*d %*d %*d %*d %llu %lu %ld", &utime,
		    &stime, &start, &vsize, &rss) == 5)
			ok = tck > 0;
		fclose(st);
	}
	if (ok) {
		fprintf(f, "# HELP process_cpu_seconds_total User and system "
		    "CPU time spent, seconds.\n"
		    "# TYPE process_cpu_seconds_total counter\n"
		    "process_cpu_seconds_total %.2f\n",
		    (double)(utime + stime) / (double)tck);
		fprintf(f, "# HELP process_virtual_memory_bytes Virtual memory "
		    "size, bytes.\n# TYPE process_virtual_memory_bytes gauge\n"
		    "process_virtual_memory_bytes %lu\n", vsize);
		fprintf(f, "# HELP process_resident_memory_bytes Resident "
		    "memory size, bytes.\n"
		    "# TYPE process_resident_memory_bytes gauge\n"
		    "process_resident_memory_bytes %ld\n", rss * page);
		if ((boot = procmet_boot_time()) >= 0)
			fprintf(f, "# HELP process_start_time_seconds Start "
			    "time of the process since the epoch, seconds.\n"
			    "# TYPE process_start_time_seconds gauge\n"
			    "process_start_time_seconds %.2f\n",
			    boot + (double)start / (double)tck);
	}
	if ((fds = procmet_fds()) >= 0)
		fprintf(f, "# HELP process_open_fds Open file descriptors.\n"
		    "# TYPE process_open_fds gauge\nprocess_open_fds %ld\n", fds);
}
