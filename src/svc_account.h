/*
 * Account states (API.md 6.2, 6.3): suspension by an operator, deletion
 * by the user and the purge that follows.
 */
#ifndef SVC_ACCOUNT_H
#define SVC_ACCOUNT_H

struct be;
struct verr;

/*
 * Suspend (on=1) or unsuspend user uid.  Suspending revokes every
 * session at once and hides the user and their content from everyone
 * from the next read on; unsuspending shows them again (the sessions
 * stay revoked).  rid names the caller in logs.
 */
int	svc_account_suspend(struct be *be, const char *rid, const char *uid,
	    int on, struct verr *e);

/*
 * Mark user uid deleted: sessions revoked and everything hidden at once,
 * as for a suspension; vybes-worker purges it (svc_account_purge()).
 */
int	svc_account_delete(struct be *be, const char *rid, const char *uid,
	    struct verr *e);

/*
 * Purge every deleted user whose DELETION_GRACE has passed.  A purge
 * interrupted by a crash is resumed by the next call; *n gets how many
 * users were purged.
 */
int	svc_account_purge_due(struct be *be, int *n, struct verr *e);

#endif
