/*
 * GET /metrics: the node's scoreboard in the Prometheus text exposition
 * format, version 0.0.4.  Every child of a supervisor reads the same
 * shared counters, so any of them answers for the whole node; a
 * responder running alone (spawn-fcgi) answers with its own numbers.
 * Counters only grow while the supervisor lives: a restart of vybes-api
 * starts them at zero, which Prometheus's rate() treats as a reset.
 *
 * The page is built in a FILE from open_memstream(3); only non-zero
 * request series are written, so its size follows the routes in use,
 * not the 500 possible statuses of every route.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handlers.h"
#include "http.h"
#include "procmet.h"
#include "router.h"
#include "score.h"
#include "verr.h"
#include "xmem.h"

#define METRICS_CTYPE	"text/plain; version=0.0.4; charset=utf-8"

/* A label value: backslash, double quote and newline escaped. */
static void
metrics_label(FILE *f, const char *v)
{
	for (; *v != '\0'; v++) {
		if (*v == '\\' || *v == '"')
			fputc('\\', f);
		if (*v == '\n') {
			fputs("\\n", f);
			continue;
		}
		fputc(*v, f);
	}
}

static void
metrics_requests(FILE *f, const struct score *sb)
{
	const char	*method, *route;
	uint64_t	 n;
	size_t		 i, st;

	fputs("# HELP vybes_http_requests_total Requests answered, by route "
	    "and status.\n# TYPE vybes_http_requests_total counter\n", f);
	for (i = 0; i < sb->sc_nroutes; i++) {
		if (i < router_nroutes) {
			method = router_routes[i].method;
			route = router_routes[i].name;
		} else {
			method = "";
			route = "unmatched";
		}
		for (st = 0; st < SCORE_NSTATUS; st++) {
			n = __atomic_load_n(&sb->sc_req[i * SCORE_NSTATUS + st],
			    __ATOMIC_RELAXED);
			if (n == 0)
				continue;
			fputs("vybes_http_requests_total{method=\"", f);
			metrics_label(f, method);
			fputs("\",route=\"", f);
			metrics_label(f, route);
			fprintf(f, "\",status=\"%zu\"} %llu\n",
			    st + SCORE_STATUS_MIN, (unsigned long long)n);
		}
	}
}

static void
metrics_latency(FILE *f, const struct score *sb)
{
	uint64_t	 cum = 0, sum;
	size_t		 i;

	fputs("# HELP vybes_http_request_duration_seconds Time from the "
	    "request's parameters to its reply.\n"
	    "# TYPE vybes_http_request_duration_seconds histogram\n", f);
	/*
	 * The buckets are read one by one while children add to them, so
	 * _count is their total (never sc_count, which may differ by the
	 * requests in between): +Inf must equal _count.
	 */
	sum = __atomic_load_n(&sb->sc_sum_us, __ATOMIC_RELAXED);
	for (i = 0; i < SCORE_NBUCKETS - 1; i++) {
		cum += __atomic_load_n(&sb->sc_hist[i], __ATOMIC_RELAXED);
		fprintf(f, "vybes_http_request_duration_seconds_bucket"
		    "{le=\"%g\"} %llu\n", score_le_ms[i] / 1000.0,
		    (unsigned long long)cum);
	}
	cum += __atomic_load_n(&sb->sc_hist[i], __ATOMIC_RELAXED);
	fprintf(f, "vybes_http_request_duration_seconds_bucket{le=\"+Inf\"} "
	    "%llu\n", (unsigned long long)cum);
	fprintf(f, "vybes_http_request_duration_seconds_sum %.6f\n",
	    (double)sum / 1e6);
	fprintf(f, "vybes_http_request_duration_seconds_count %llu\n",
	    (unsigned long long)cum);
}

int
h_metrics(struct req *r, struct verr *e)
{
	const struct score	*sb;
	FILE			*f;
	char			*buf = NULL;
	size_t			 len = 0, total, busy, i;

	if ((sb = score_self()) == NULL)
		return verr_set(e, 503, "unavailable",
		    "Service temporarily unavailable");
	if ((f = open_memstream(&buf, &len)) == NULL)
		xnomem("open_memstream");
	metrics_requests(f, sb);
	metrics_latency(f, sb);
	score_workers(sb, &total, &busy);
	fprintf(f, "# HELP vybes_workers_busy Workers inside a request.\n"
	    "# TYPE vybes_workers_busy gauge\nvybes_workers_busy %zu\n", busy);
	fprintf(f, "# HELP vybes_workers_total Running workers.\n"
	    "# TYPE vybes_workers_total gauge\nvybes_workers_total %zu\n",
	    total);
	fputs("# HELP vybes_backend_errors_total Requests answered 503 "
	    "because a backend failed.\n"
	    "# TYPE vybes_backend_errors_total counter\n", f);
	for (i = 0; i < SCORE_BE__MAX; i++)
		fprintf(f, "vybes_backend_errors_total{backend=\"%s\"} %llu\n",
		    score_backends[i], (unsigned long long)__atomic_load_n(
		    &sb->sc_backend[i], __ATOMIC_RELAXED));
	procmet_write(f, "vybes-api");
	if (fclose(f) != 0 || buf == NULL)
		xnomem("open_memstream");
	http_text(r, 200, METRICS_CTYPE, buf, len);
	return 0;
}
