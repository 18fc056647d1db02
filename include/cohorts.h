/* cohorts.h — Inspire cohorts: the rules the pages (cgi-bin/cohorts.c)
 * rest on, and each school's participation timeline on its profile.
 *
 * A cohort has members (a school, a person taking part for a school they
 * lead, or a person on their own) and sessions, each at a wall time in the
 * zone of its place.  What a viewer reads of a member goes through the
 * visibility policy: a member whose school the viewer may not see is
 * neither listed nor counted for that viewer (pages, CSV, JSON, mail).
 */
#ifndef ILNET_COHORTS_H
#define ILNET_COHORTS_H

#include "policy.h"

struct req;

/* A session's start: the wall date and time in tz as a UTC instant.
 * COHORT_TIME_OK with *utc set; otherwise what is wrong. */
enum cohort_time {
	COHORT_TIME_OK,
	COHORT_TIME_BAD_DATE,       /* not an existing YYYY-MM-DD */
	COHORT_TIME_BAD_TIME,       /* not HH:MM */
	COHORT_TIME_SKIPPED,        /* clocks skip it that night (spring) */
	COHORT_TIME_BAD_ZONE,       /* not one of the region's zones */
};
enum cohort_time cohort_session_time(const char *date, const char *time, const char *tz, long long *utc);

/* Attendance opens this long before a session starts (people arrive). */
#define COHORT_ATTENDANCE_EARLY (60 * 60)

/* Set the attendance of session to exactly present[0..n) among the
 * members listed in shown[0..nshown) (those the person taking it may see:
 * the marks of any other member are left as they are).  Inside the
 * caller's transaction.  Returns how many of the shown members are now
 * present, or -1 when a present id is not among those shown (nothing is
 * changed then). */
int cohort_attendance_set(struct req *r, long long session, const long long *shown, int nshown,
                          const long long *present, int n);

/* Members of one cohort at most: adding or joining refuses more. */
#define COHORT_MEMBERS_MAX 2000

enum cohort_add {
	COHORT_ADD_OK,
	COHORT_ADD_ALREADY,         /* the same school and person are a member */
	COHORT_ADD_FULL,            /* COHORT_MEMBERS_MAX members already */
};

/* Add school and/or user (0 for none) to cohort, added by by_user, unless
 * the cohort is full or they are a member already.  Inside the caller's
 * transaction, which holds the write lock (db_begin): the cap is counted
 * where the row is written, so writers adding at once never pass it. */
enum cohort_add cohort_member_add(struct req *r, long long cohort, long long school, long long user,
                                  long long by_user);

/* 1 when r->user may read the members of cohort (an id; 0 for a cohort
 * that does not exist): staff, its facilitator, a member person, or a
 * leader of a member school — the rule of the cohort's own page.  Even
 * then only the members whose school the policy lets them see. */
int cohort_sees_members(struct req *r, long long cohort);

/* ---- the participation timeline on a school's profile ------------------- */

/* One entry: a day (YYYY-MM-DD where it happened) and a line of markup
 * built with html_fmt() (escaped). */
struct timeline_entry {
	const char *date;
	const char *kind;           /* "cohort", "session", "coaching", "visit", "convening" */
	const char *markup;
};

struct timeline {
	struct timeline_entry *v;
	int n, cap;
};

/* Add an entry (arena memory). */
void timeline_add(struct req *r, struct timeline *t, const char *date, const char *kind, const char *markup);

/* The school's cohorts and its participation timeline on its profile, as
 * the viewer sees the school at v (never VIS_HIDDEN):
 *   VIS_FULL   cohorts, sessions attended, coaching visits counted by month
 *              (an intermediary counts only its own organization's), site
 *              visits hosted and made, the convening;
 *   VIS_COARSE cohorts joined, site visits, the convening — no attendance
 *              and no coaching figures.
 * Other schools in it are named only as the policy lets the viewer see them. */
void cohorts_profile(struct req *r, long long school, enum vis v);

#endif
