/* grant.h — the rules of Equip grants, without the pages: which stage may
 * follow which, which report decisions are possible, the vocabulary of
 * activities, and the report drafted from the work already logged. */
#ifndef ILNET_GRANT_H
#define ILNET_GRANT_H

struct req;
struct buf;

/* Value/label pairs ending with NULL. */
extern const char *const grant_stages[];
extern const char *const grant_activities[];     /* the four kinds of coaching */
extern const char *const grant_dimensions[];     /* the three of relevance */
extern const char *const visit_modes[];
extern const char *const visit_roles[];          /* who took part (roles only) */

/* 1 when a grant in stage `from` may move to `to`:
 *   proposed -> awarded | declined | withdrawn
 *   awarded  -> active | withdrawn
 *   active   -> closed | withdrawn
 * closed, declined and withdrawn are final.  Closing also needs the final
 * report approved (grant_may_close). */
int grant_transition_ok(const char *from, const char *to);

/* 1 when report status `from` may become `to`, by staff (approve, return)
 * or by the grantee (submit):  due|returned -> submitted;
 * submitted -> approved | returned. */
int grant_report_transition_ok(const char *from, const char *to, int by_staff);

/* 1 when the grant has a final report and it is approved. */
int grant_may_close(struct req *r, long long grant_id);

/* The text of a report drafted from what ilnet holds for the grant over
 * [from, to] (dates): schools served, visits and hours by activity and by
 * dimension, schools not visited.  An arena string. */
char *grant_report_draft(struct req *r, long long grant_id, const char *from, const char *to);

#endif
