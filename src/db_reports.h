/*
 * Reports of abuse (API.md 6.2): collection reports.  While a report is
 * open it holds openKey "<reporter>:<type>:<target>" under a unique
 * index, so one caller has at most one open report per target.
 */
#ifndef DB_REPORTS_H
#define DB_REPORTS_H

#include <stddef.h>
#include <stdint.h>

struct db;
struct verr;

struct report {
	char	 id[25];
	char	 reporter[25];
	char	 type[8];		/* post, comment or user */
	char	 target[25];
	char	 target_user[25];	/* the target's author, or the user */
	char	 reason[12];
	char	 details[4001];
	char	 status[12];		/* open, dismissed or removed */
	int64_t	 created_ms;
};

/*
 * Insert rp as an open report (rp->id gets its id), or, when the same
 * reporter has an open report on the same target, load that one into rp
 * instead: *created tells which.
 */
int	db_report_insert(struct db *db, struct report *rp, int *created,
	    struct verr *e);

/* Load report id; 404 not_found. */
int	db_report_get(struct db *db, const char *id, struct report *rp,
	    struct verr *e);

/* The open reports, oldest first, at most max: fn(report) for each. */
int	db_report_list_open(struct db *db, size_t max,
	    void (*fn)(const struct report *, void *), void *arg,
	    struct verr *e);

/*
 * Close open report rp as `status' (dismissed or removed); with
 * `target', every open report on rp's target.  *n gets how many closed.
 */
int	db_report_close(struct db *db, const struct report *rp,
	    const char *status, int target, int64_t *n, struct verr *e);

#endif
