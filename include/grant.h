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

/* ---- records people correct ------------------------------------------- */

/* How long the coach who logged a visit may correct or delete it. */
#define VISIT_EDIT_DAYS 14

/* 1 while a visit logged at `created` (Unix time) may still be corrected
 * by its author at `now`: for VISIT_EDIT_DAYS days. */
int visit_editable(long long created, long long now);

/* 1 when date d lies in a roster entry [from, to]; to NULL or "" is open. */
int grant_roster_covers(const char *from, const char *to, const char *d);

/* 1 when a payment due on `due` falls within the grant's period
 * [start, end]; outside it needs a stated reason (an override). */
int grant_due_in_period(const char *due, const char *start, const char *end);

/* 1 when `paid` is a date a payment can have been made on: a valid date
 * not after `today`. */
int grant_paid_on_ok(const char *paid, const char *today);

/* The balance still to schedule, as shown: only an awarded or active
 * grant has one (a proposed grant is not awarded yet; a closed, declined or
 * withdrawn one will never be paid more). */
long long grant_unscheduled(const char *stage, long long amount, long long scheduled);

/* A grant's award counts as "awarded" money once it was awarded: awarded,
 * active and closed grants, and withdrawn ones that had been awarded (the
 * history says so).  Proposed and declined grants never were.  g is the
 * grants table's alias. */
#define GRANT_AWARDED_SQL(g) \
	"(" g ".stage IN ('awarded', 'active', 'closed') OR (" g ".stage = 'withdrawn' AND EXISTS" \
	" (SELECT 1 FROM grant_events ae WHERE ae.grant_id = " g ".id AND ae.action = 'stage'" \
	"  AND ae.detail LIKE '% to awarded')))"

/* A report's window opens on the last day of its period, or REPORT_WINDOW_DAYS
 * before it is due if that comes first; before then it is not yet due. */
#define REPORT_WINDOW_DAYS 30

/* The state of a report as people read it, from its status, whether a
 * draft is saved, its period's last day, its due date and today:
 * "Not yet due", "Due", "Draft saved", "Overdue", "Draft saved — overdue",
 * "Submitted", "Approved", "Returned with comments" (— overdue). */
const char *grant_report_label(const char *status, int has_draft, const char *period_end, const char *due,
                               const char *today);

/* 1 when a not yet submitted report is within its window (or late). */
int grant_report_open(const char *period_end, const char *due, const char *today);

/* The longest free texts, in characters: a report, comments on one, a
 * grant's purpose, a reason given for a payment change. */
#define REPORT_BODY_MAX 20000
#define REPORT_COMMENTS_MAX 4000
#define GRANT_PURPOSE_MAX 2000
#define REASON_MAX 500

#endif
