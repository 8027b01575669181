/*
 * The visibility rules of posts (API.md 1.7) and feeds (3.4) as pure
 * functions of a post and the relationship between the reader and its
 * author (REL_* bits of db_users.h).
 */
#ifndef VIS_H
#define VIS_H

struct post;

/* May viewer (NULL: anonymous) see p, given rel with p's author? */
int	vis_post(const char *viewer, const struct post *p, int rel);

/* May uid's for-you (friends=0) or friends feed show p, given rel? */
int	vis_feed(const char *uid, int friends, const struct post *p, int rel);

/* Feed order for qsort() of struct post *: createdAt, then id, descending. */
int	vis_feed_cmp(const void *a, const void *b);

#endif
