/*
 * Between-request jobs.  Today: flushing buffered view counts, so that a
 * counted view reaches viewCount within the 60 s API.md 1.8 allows while
 * the stack has any traffic at all.
 */
#include <time.h>

#include "jobs.h"
#include "log.h"
#include "svc_views.h"

#define JOBS_VIEWS_EVERY	5	/* seconds */

void
jobs_tick(struct be *be)
{
	static time_t	 last_views;
	time_t		 now = time(NULL);

	if (now - last_views < JOBS_VIEWS_EVERY)
		return;
	last_views = now;
	if (svc_views_flush(be) == -1)
		log_warnx("views: flush failed, will retry");
}
