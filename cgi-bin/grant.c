/* grant.c — Equip's rules and the drafted report (see include/grant.h). */
#include "grant.h"
#include "buf.h"
#include "db.h"
#include "money.h"
#include "policy.h"
#include "req.h"

#include <string.h>

const char *const grant_stages[] = {
	"proposed", "Proposed", "awarded", "Awarded", "active", "Active",
	"closed", "Closed", "declined", "Declined", "withdrawn", "Withdrawn", NULL,
};

const char *const grant_activities[] = {
	"redesign", "School redesign and planning",
	"engagement", "School community engagement",
	"leadership", "Leadership coaching",
	"staff_pd", "Staff professional development",
	NULL,
};

const char *const grant_dimensions[] = {
	"cultural", "Cultural relevance", "instructional", "Instructional relevance",
	"career", "Career relevance", NULL,
};

const char *const visit_modes[] = { "onsite", "On site", "remote", "Remote", NULL };

const char *const visit_roles[] = {
	"teachers", "Teachers", "leaders", "School leaders", "staff", "Other staff",
	"families", "Family or community members", "students", "Students", NULL,
};

int grant_transition_ok(const char *from, const char *to)
{
	static const struct { const char *from, *to; } ok[] = {
		{ "proposed", "awarded" }, { "proposed", "declined" }, { "proposed", "withdrawn" },
		{ "awarded", "active" }, { "awarded", "withdrawn" },
		{ "active", "closed" }, { "active", "withdrawn" },
	};
	for (size_t i = 0; from && to && i < sizeof ok / sizeof ok[0]; i++)
		if (!strcmp(ok[i].from, from) && !strcmp(ok[i].to, to))
			return 1;
	return 0;
}

int grant_report_transition_ok(const char *from, const char *to, int by_staff)
{
	if (!from || !to)
		return 0;
	if (by_staff)
		return !strcmp(from, "submitted") && (!strcmp(to, "approved") || !strcmp(to, "returned"));
	return (!strcmp(from, "due") || !strcmp(from, "returned")) && !strcmp(to, "submitted");
}

int grant_may_close(struct req *r, long long grant_id)
{
	return db_int(r, 0, "SELECT count(*) FROM grant_reports WHERE grant_id = ? AND is_final = 1"
	                    " AND status = 'approved'", "I", grant_id) > 0;
}

/* A visit counts for the grant when its school was on the roster that day
 * and its nation does not keep its data private (reports go to the
 * foundation, which may not see those schools). */
#define IN_GRANT \
	" FROM visits v JOIN grants g ON g.org_id = v.org_id JOIN schools s ON s.id = v.school_id" \
	" WHERE g.id = ?1 AND v.local_date BETWEEN ?2 AND ?3 AND s.sharing <> 'private'" \
	"   AND EXISTS (SELECT 1 FROM grant_schools gs WHERE gs.grant_id = g.id AND gs.school_id = v.school_id" \
	"               AND v.local_date BETWEEN gs.from_date AND coalesce(gs.to_date, '9999-12-31'))"

char *grant_report_draft(struct req *r, long long grant_id, const char *from, const char *to)
{
	struct buf b = BUF_IN(&r->arena);
	char hours[16];
	/* Visits fall in the period by their date where they happened (each
	 * school's own time zone), stored with them as local_date. */
	buf_printf(&b, "Report for %s to %s, drafted by ilnet from the visits logged. Edit it as you need.\n\n", from, to);

	/* The report goes to the foundation, which may not see schools whose
	 * nations keep their data private: they are neither named nor counted
	 * (a count of them, set beside the roster, would single them out). */
	sqlite3_stmt *st = db_q(r,
	    "SELECT s.name, s.city, s.state_code, s.sharing = 'private',"
	    "       (SELECT count(DISTINCT v.id) FROM visits v WHERE v.school_id = s.id AND v.org_id = g.org_id"
	    "         AND v.local_date BETWEEN ?2 AND ?3 AND v.local_date BETWEEN gs.from_date"
	    "         AND coalesce(gs.to_date, '9999-12-31')),"
	    "       (SELECT coalesce(sum(v.minutes), 0) FROM visits v WHERE v.school_id = s.id AND v.org_id = g.org_id"
	    "         AND v.local_date BETWEEN ?2 AND ?3 AND v.local_date BETWEEN gs.from_date"
	    "         AND coalesce(gs.to_date, '9999-12-31'))"
	    "  FROM grants g JOIN grant_schools gs ON gs.grant_id = g.id JOIN schools s ON s.id = gs.school_id"
	    " WHERE g.id = ?1 AND gs.from_date <= ?3 AND (gs.to_date IS NULL OR gs.to_date >= ?2)"
	    " GROUP BY s.id ORDER BY s.name", "Itt", grant_id, from, to);
	struct buf unvisited = BUF_IN(&r->arena);
	int schools = 0, visited = 0;
	buf_puts(&b, "SCHOOLS SERVED\n");
	while (db_step(r, st)) {
		long long n = db_col_int(st, 4), mins = db_col_int(st, 5);
		if (db_col_int(st, 3))
			continue;
		schools++;
		if (n)
			visited++;
		else
			buf_printf(&unvisited, "- %s (%s, %s)\n", db_col_text(r, st, 0), db_col_text(r, st, 1),
			           db_col_text(r, st, 2));
		hours_text(mins, hours, sizeof hours);
		buf_printf(&b, "- %s (%s, %s): %lld visit%s, %s hours\n", db_col_text(r, st, 0),
		           db_col_text(r, st, 1), db_col_text(r, st, 2), n, n == 1 ? "" : "s", hours);
	}
	if (!schools)
		buf_puts(&b, "- none on the roster in this period\n");

	buf_puts(&b, "\nVISITS AND HOURS BY ACTIVITY\n");
	for (int i = 0; grant_activities[i]; i += 2) {
		st = db_q(r, "SELECT count(DISTINCT v.id), coalesce(sum(v.minutes), 0) FROM (SELECT DISTINCT v.id, v.minutes"
		             IN_GRANT " AND v.activity = ?4) v", "Ittt", grant_id, from, to, grant_activities[i]);
		db_step(r, st);
		long long n = db_col_int(st, 0), mins = db_col_int(st, 1);
		sqlite3_reset(st);
		hours_text(mins, hours, sizeof hours);
		buf_printf(&b, "- %s: %lld visit%s, %s hours\n", grant_activities[i + 1], n, n == 1 ? "" : "s", hours);
	}
	buf_puts(&b, "\nVISITS BY DIMENSION OF RELEVANCE\n");
	for (int i = 0; grant_dimensions[i]; i += 2) {
		long long n = db_int(r, 0, "SELECT count(DISTINCT v.id)" IN_GRANT
		    " AND (char(10) || v.dimensions || char(10)) LIKE ('%' || char(10) || ?4 || char(10) || '%')",
		    "Ittt", grant_id, from, to, grant_dimensions[i]);
		buf_printf(&b, "- %s: %lld visit%s\n", grant_dimensions[i + 1], n, n == 1 ? "" : "s");
	}
	buf_printf(&b, "\nSCHOOLS NOT VISITED IN THE PERIOD (%d of %d)\n%s", schools - visited, schools,
	           unvisited.len ? unvisited.p : schools - visited ? "" : "- none: every school was visited\n");
	buf_puts(&b, "\nWHAT WE LEARNED AND WHAT COMES NEXT\n(write here)\n");
	char *s = arena_strdup(&r->arena, buf_str(&b));
	buf_free(&b);
	buf_free(&unvisited);
	return s;
}

int visit_editable(long long created, long long now)
{
	return now >= created && now - created < (long long)VISIT_EDIT_DAYS * 86400;
}

int grant_roster_covers(const char *from, const char *to, const char *d)
{
	if (!date_valid(d) || !date_valid(from) || strcmp(d, from) < 0)
		return 0;
	return !to || !*to || strcmp(d, to) <= 0;
}

int grant_due_in_period(const char *due, const char *start, const char *end)
{
	return date_valid(due) && strcmp(due, start) >= 0 && strcmp(due, end) <= 0;
}

int grant_paid_on_ok(const char *paid, const char *today)
{
	return date_valid(paid) && strcmp(paid, today) <= 0;
}

long long grant_unscheduled(const char *stage, long long amount, long long scheduled)
{
	if (!stage || (strcmp(stage, "awarded") && strcmp(stage, "active")) || amount < scheduled)
		return 0;
	return amount - scheduled;
}

int grant_report_open(const char *period_end, const char *due, const char *today)
{
	char opens[11];
	date_add(due, -REPORT_WINDOW_DAYS, opens);
	if (*opens && strcmp(period_end, opens) < 0)
		return strcmp(today, period_end) >= 0;
	return strcmp(today, *opens ? opens : period_end) >= 0;
}

const char *grant_report_label(const char *status, int has_draft, const char *period_end, const char *due,
                               const char *today)
{
	if (!strcmp(status, "submitted"))
		return "Submitted";
	if (!strcmp(status, "approved"))
		return "Approved";
	int late = strcmp(today, due) > 0;
	if (!strcmp(status, "returned"))
		return late ? "Returned with comments — overdue" : "Returned with comments";
	if (has_draft)
		return late ? "Draft saved — overdue" : "Draft saved";
	if (late)
		return "Overdue";
	return grant_report_open(period_end, due, today) ? "Due" : "Not yet due";
}
