/*
 * Metrics every Vybes program exposes, whatever else it counts: the build
 * and the process (CPU, memory, descriptors, start time), in the
 * Prometheus text format and with the names its client libraries use.
 */
#ifndef PROCMET_H
#define PROCMET_H

#include <stdio.h>

/*
 * Write vybes_build_info{program=prog,version=...} 1 and the process_*
 * metrics of the calling process to f.  Figures /proc cannot give are
 * left out, never written as zero.
 */
void	procmet_write(FILE *f, const char *prog);

#endif
