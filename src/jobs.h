/*
 * Periodic work that vybes-api workers do between requests until
 * vybes-worker takes it over: each job runs at most once per interval
 * per process, and its own lease keeps it to one process at a time.
 */
#ifndef JOBS_H
#define JOBS_H

struct be;

/* Run the jobs that are due; cheap (a clock read) when none is. */
void	jobs_tick(struct be *be);

#endif
