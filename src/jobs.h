/*
 * Periodic jobs.  Each runs under a Redis lease of its own, so that of
 * all the processes that tick, one at a time does the work; a lease
 * expires by itself if its holder dies.  vybes-api workers tick the view
 * flush between requests; vybes-worker ticks them all.
 */
#ifndef JOBS_H
#define JOBS_H

#include <stdio.h>

struct be;

/* vybes-api: flush buffered views when due (cheap when not). */
void	jobs_tick(struct be *be);

/*
 * vybes-worker: run every job that is due: replay the outbox, flush
 * views, delete expired stories and their media, recount on request,
 * purge deleted accounts.
 */
void	jobs_worker_tick(struct be *be);

/*
 * vybes-worker's media process: process the posts and stories whose
 * media event is overdue, when due.
 */
void	jobs_media_tick(struct be *be);

/*
 * Write the runs and failures of each periodic job in this process to f,
 * in the Prometheus text format (vybes_job_runs_total,
 * vybes_job_failures_total, labelled by job).
 */
void	jobs_metrics(FILE *f);

#endif
