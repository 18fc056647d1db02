/* portfolio.c — /portfolio: the Equip portfolio for foundation staff, and
 * the data behind it for other systems: /grants.csv, /payments.csv,
 * /reports.csv, /visits.csv and /api/v1/grants.  Schools appear by name
 * only where the visibility policy allows; notes and report texts never
 * leave the grantee's pages. */
#include "cache.h"
#include "chart.h"
#include "csv.h"
#include "db.h"
#include "grant.h"
#include "handlers.h"
#include "html.h"
#include "layout.h"
#include "money.h"
#include "policy.h"
#include "region.h"
#include "req.h"
#include "usage.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *money(struct req *r, long long cents)
{
	char *s = arena_alloc(&r->arena, 40);
	money_format(cents, s, 40);
	return s;
}

/* Plain decimal dollars for CSV ("100000.10"). */
static const char *dollars(struct req *r, long long cents)
{
	return arena_printf(&r->arena, "%s%lld.%02lld", cents < 0 ? "-" : "", llabs(cents) / 100, llabs(cents) % 100);
}

/* The portfolio's filters, from the query: organization, state, stage. */
struct pf {
	long long org;
	const char *state, *stage;
};

static struct pf filters(struct req *r)
{
	struct pf f = { 0, req_query(r, "state"), req_query(r, "stage") };
	f.org = req_query(r, "org") ? atoll(req_query(r, "org")) : 0;
	if (f.state && !region_valid(region_states, f.state))
		f.state = NULL;
	if (f.stage && !region_valid(grant_stages, f.stage))
		f.stage = NULL;
	return f;
}

#define GRANT_FILTER " (?1 = 0 OR g.org_id = ?1) AND (?2 IS NULL OR o.state_code = ?2)" \
                     " AND (?3 IS NULL OR g.stage = ?3)"

static void totals_table(struct req *r, const struct pf *f, const char *caption, const char *group_sql,
                         const char *const *labels)
{
	table_begin(r, NULL, caption);
	html(r, "<thead><tr><th scope=\"col\">Group</th><th scope=\"col\">Grants</th>"
	        "<th scope=\"col\">Awarded</th><th scope=\"col\">Proposed</th><th scope=\"col\">Scheduled</th>"
	        "<th scope=\"col\">Paid</th></tr></thead>\n<tbody>\n");
	sqlite3_stmt *st = db_q(r, group_sql, "Itt", f->org, f->state, f->stage);
	int n = 0;
	while (db_step(r, st)) {
		n++;
		const char *g = db_col_text(r, st, 0);
		const char *l = labels ? region_label(labels, g) : g;
		html(r, "<tr><th scope=\"row\">%s</th><td class=\"num\">%lld</td><td class=\"num\">%s</td>"
		        "<td class=\"num\">%s</td><td class=\"num\">%s</td><td class=\"num\">%s</td></tr>\n", *l ? l : g,
		     db_col_int(st, 1), money(r, db_col_int(st, 2)), money(r, db_col_int(st, 5)), money(r, db_col_int(st, 3)),
		     money(r, db_col_int(st, 4)));
	}
	if (!n)
		html(r, "<tr><td colspan=\"6\">No grants match.</td></tr>\n");
	html(r, "</tbody>\n");
	table_end(r);
}

/* Awarded money is what was awarded (GRANT_AWARDED_SQL); proposals are
 * shown apart, declined ones in neither. */
#define TOTALS(group) \
	"SELECT " group ", count(*), sum(CASE WHEN " GRANT_AWARDED_SQL("g") " THEN g.amount_cents ELSE 0 END)," \
	"       sum((SELECT coalesce(sum(p.amount_cents), 0) FROM grant_payments p WHERE p.grant_id = g.id))," \
	"       sum((SELECT coalesce(sum(p.amount_cents), 0) FROM grant_payments p WHERE p.grant_id = g.id" \
	"            AND p.status = 'paid'))," \
	"       sum(CASE WHEN g.stage = 'proposed' THEN g.amount_cents ELSE 0 END)" \
	"  FROM grants g JOIN organizations o ON o.id = g.org_id WHERE" GRANT_FILTER \
	" GROUP BY 1 ORDER BY 1"

/* The page's content for the filters f as of today (the region's date),
 * with the uses of nations' schools it makes counted in used. */
static void portfolio_body(struct req *r, const struct pf f, const char *today, struct usage_tally *used_out)
{
	char in30[11], ago60[11];
	date_add(today, 30, in30);
	date_add(today, -60, ago60);
	filter_begin(r, "/portfolio");
	filter_select(r, "org", "Organization", "All organizations",
	              form_options(r, db_q(r, "SELECT id, name FROM organizations ORDER BY name", ""), NULL),
	              req_query(r, "org"));
	filter_select(r, "state", "State", "All states", region_states, f.state);
	filter_select(r, "stage", "Stage", "All stages", grant_stages, f.stage);
	filter_end(r);
	html(r, "<p class=\"exports\">Share this view by its address. Download (CSV): <a href=\"/grants.csv\">grants</a>,"
	        " <a href=\"/payments.csv\">payments</a>, <a href=\"/reports.csv\">reports</a>,"
	        " <a href=\"/visits.csv\">visits</a>; JSON: <a href=\"/api/v1/grants\">grants</a>.</p>\n");

	html(r, "<h2>Totals</h2>\n");
	totals_table(r, &f, "By organization", TOTALS("o.name"), NULL);
	totals_table(r, &f, "By state (where the organization is based)", TOTALS("coalesce(o.state_code, '—')"), region_states);
	totals_table(r, &f, "By stage", TOTALS("g.stage"), grant_stages);

	html(r, "<h2>Payments due in the next 30 days</h2>\n");
	sqlite3_stmt *st = db_q(r,
	    "SELECT p.due_date, p.amount_cents, g.id, g.title, o.name FROM grant_payments p JOIN grants g ON g.id = p.grant_id"
	    "  JOIN organizations o ON o.id = g.org_id WHERE p.status = 'scheduled' AND p.due_date BETWEEN ?4 AND ?5"
	    "   AND" GRANT_FILTER " ORDER BY p.due_date", "Itttt", f.org, f.state, f.stage, today, in30);
	table_begin(r, NULL, arena_printf(&r->arena, "Scheduled payments falling due by %s", in30));
	html(r, "<thead><tr><th scope=\"col\">Due</th>"
	        "<th scope=\"col\">Amount</th><th scope=\"col\">Grant</th><th scope=\"col\">Organization</th></tr></thead>\n<tbody>\n");
	int n = 0;
	long long sum = 0;
	while (db_step(r, st)) {
		n++;
		sum += db_col_int(st, 1);
		html(r, "<tr><td class=\"date\">%s</td><td class=\"num\">%s</td><td><a href=\"/grants/%lld\">%s</a></td><td>%s</td></tr>\n",
		     db_col_text(r, st, 0), money(r, db_col_int(st, 1)), db_col_int(st, 2), db_col_text(r, st, 3),
		     db_col_text(r, st, 4));
	}
	if (!n)
		html(r, "<tr><td colspan=\"4\">None.</td></tr>\n");
	html(r, "</tbody>\n");
	table_end(r);
	html(r, "<p>%d payment%s, %s in all.</p>\n", n, n == 1 ? "" : "s", money(r, sum));

	html(r, "<h2>Reports due and overdue</h2>\n");
	st = db_q(r,
	    "SELECT x.due_date, x.title, x.status, g.id, g.title, o.name, x.id, x.due_date < ?4, x.body <> '', x.period_end"
	    "  FROM grant_reports x"
	    "  JOIN grants g ON g.id = x.grant_id JOIN organizations o ON o.id = g.org_id"
	    " WHERE x.status IN ('due', 'returned') AND x.due_date <= ?5 AND" GRANT_FILTER
	    " ORDER BY x.due_date", "Itttt", f.org, f.state, f.stage, today, in30);
	table_begin(r, NULL, arena_printf(&r->arena, "Reports not yet submitted, due by %s", in30));
	html(r, "<thead><tr><th scope=\"col\">Due</th>"
	        "<th scope=\"col\">Report</th><th scope=\"col\">Grant</th><th scope=\"col\">Organization</th>"
	        "<th scope=\"col\">State</th></tr></thead>\n<tbody>\n");
	n = 0;
	int overdue = 0;
	while (db_step(r, st)) {
		n++;
		int late = (int)db_col_int(st, 7);
		overdue += late;
		const char *status = db_col_text(r, st, 2);
		html(r, "<tr><td class=\"date\">%s</td><td><a href=\"/grants/%lld/reports/%lld\">%s</a></td><td>%s</td><td>%s</td>"
		        "<td>%s</td></tr>\n", db_col_text(r, st, 0), db_col_int(st, 3), db_col_int(st, 6), db_col_text(r, st, 1),
		     db_col_text(r, st, 4), db_col_text(r, st, 5),
		     grant_report_label(status, !strcmp(status, "due") && db_col_int(st, 8), db_col_text(r, st, 9),
		                        db_col_text(r, st, 0), today));
	}
	if (!n)
		html(r, "<tr><td colspan=\"5\">None.</td></tr>\n");
	html(r, "</tbody>\n");
	table_end(r);
	html(r, "<p>%d report%s, %d overdue.</p>\n", n, n == 1 ? "" : "s", overdue);

	html(r, "<h2>Schools in a grant with no visit in the last 60 days</h2>\n");
	st = db_q(r,
	    "SELECT DISTINCT s.id, s.name, s.city, s.state_code, o.name,"
	    "       (SELECT max(v.local_date) FROM visits v WHERE v.school_id = s.id AND v.org_id = g.org_id), "
	    POLICY_COLUMNS
	    "  FROM grant_schools gs JOIN grants g ON g.id = gs.grant_id JOIN organizations o ON o.id = g.org_id"
	    "  JOIN schools s ON s.id = gs.school_id"
	    " WHERE g.stage = 'active' AND gs.from_date <= ?6 AND (gs.to_date IS NULL OR gs.to_date >= ?6)"
	    "   AND NOT EXISTS (SELECT 1 FROM visits v WHERE v.school_id = s.id AND v.org_id = g.org_id"
	    "                   AND v.local_date >= ?7) AND" GRANT_FILTER " ORDER BY o.name, s.name",
	    "IttIItt", f.org, f.state, f.stage, r->user->id, r->user->org_id, today, ago60);
	table_begin(r, NULL, arena_printf(&r->arena, "No visit since %s", ago60));
	html(r, "<thead><tr><th scope=\"col\">School</th>"
	        "<th scope=\"col\">Organization</th><th scope=\"col\">Last visit</th></tr></thead>\n<tbody>\n");
	n = 0;
	struct usage_tally used = {0};
	while (db_step(r, st)) {
		enum vis v = policy_row(r, st, 6);
		if (v == VIS_HIDDEN)
			continue;
		usage_count_school(r, &used, db_col_int(st, 0), db_col_int(st, 6), v);
		n++;
		const char *last = db_col_null(st, 5) ? "never" : db_col_text(r, st, 5);
		html(r, "<tr><td><a href=\"/schools/%lld\">%s</a> <span class=\"muted\">(%s, %s)</span></td><td>%s</td>"
		        "<td class=\"date\">%s</td></tr>\n", db_col_int(st, 0), db_col_text(r, st, 1), db_col_text(r, st, 2),
		     db_col_text(r, st, 3), db_col_text(r, st, 4), last);
	}
	if (!n)
		html(r, "<tr><td colspan=\"3\">None: every school you may see was visited.</td></tr>\n");
	html(r, "</tbody>\n");
	table_end(r);
	*used_out = used;

	/* Visits over the last twelve months. */
	html(r, "<h2>Visits over time</h2>\n");
	/* Counted through the policy, school by school and month by month: a
	 * visit to a school the viewer may not see is not counted (the list
	 * beside it hides it too). */
	struct bar bars[12];
	char first[12][11];
	long long count[12] = {0}, mins[12] = {0};
	for (int m = 11; m >= 0; m--) {
		/* The first day of the month m months back. */
		char *d = db_text(r, "SELECT date(?1, 'start of month', ?2)", "tt",
		                  today, arena_printf(&r->arena, "-%d months", m));
		snprintf(first[11 - m], sizeof first[0], "%s", d ? d : "");
	}
	sqlite3_stmt *vs = db_q(r,
	    "SELECT m.month, m.n, m.mins, " POLICY_COLUMNS
	    "  FROM (SELECT v.school_id AS sid, substr(v.local_date, 1, 7) AS month, count(*) AS n,"
	    "               sum(v.minutes) AS mins"
	    "          FROM visits v JOIN organizations o ON o.id = v.org_id"
	    "         WHERE v.local_date >= ?3 AND v.local_date < date(?4, 'start of month', '+1 month')"
	    "           AND (?5 = 0 OR v.org_id = ?5) AND (?6 IS NULL OR o.state_code = ?6)"
	    "         GROUP BY 1, 2) m JOIN schools s ON s.id = m.sid",
	    "IIttIt", r->user->id, r->user->org_id, first[0], today, f.org, f.state);
	while (db_step(r, vs)) {
		if (policy_row(r, vs, 3) == VIS_HIDDEN)
			continue;
		const char *month = db_col_text(r, vs, 0);
		for (int i = 0; i < 12; i++)
			if (!strncmp(month, first[i], 7)) {
				count[i] += db_col_int(vs, 1);
				mins[i] += db_col_int(vs, 2);
				break;
			}
	}
	for (int i = 0; i < 12; i++) {
		char hours[16];
		hours_text(mins[i], hours, sizeof hours);
		bars[i] = (struct bar){ arena_strndup(&r->arena, first[i], 7), (double)count[i],
		                        arena_printf(&r->arena, "(%s hours)", hours), 0 };
	}
	double max = 1;
	for (int i = 0; i < 12; i++)
		if (bars[i].value > max)
			max = bars[i].value;
	chart_bars(r, "visits", "Coaching visits by month", "Month", "Visits", bars, 12, max, "");
}

/* The portfolio reads every grant, payment, report and visit: its content
 * is kept in the worker's cache until one of them, or a school, changes,
 * or the day does (keyed by both revisions and today's date), and is the
 * same for every reader of a role.  The uses it makes of nations' schools
 * are kept with it, so the steward's log sees every view. */
void portfolio_page(struct req *r)
{
	struct pf f = filters(r);
	char today[11];
	date_today_local(today);
	page_begin(r, "Equip portfolio");
	const char *key = arena_printf(&r->arena, "portfolio|%d|%s|%lld|%s|%s|%lld", (int)r->user->role, today,
	                               f.org, f.state ? f.state : "", f.stage ? f.stage : "", cache_revision_of(r, "equip"));
	const char *ukey = arena_printf(&r->arena, "usage|%s", key);
	long long rev = cache_revision(r);
	size_t ulen;
	const char *uses = cache_get(ukey, rev, &ulen);
	struct usage_tally used = {0};
	if (uses && cache_body(r, key, rev)) {
		usage_tally_parse(&used, uses);
	} else {
		size_t from = r->body.len;
		portfolio_body(r, f, today, &used);
		cache_keep_body(r, key, rev, from);
		const char *u = usage_tally_text(r, &used);
		cache_put(ukey, rev, u, strlen(u));
	}
	usage_flush(r, &used, "portfolio");
	page_end(r);
}

/* ---- exports ------------------------------------------------------------------ */

void grants_csv(struct req *r)
{
	static const char *const cols[] = { "grant_id", "organization", "title", "stage", "amount", "scheduled", "paid",
	                                    "unscheduled", "start_date", "end_date", "activities", NULL };
	csv_start(r, "ilnet-grants.csv", cols);
	sqlite3_stmt *st = db_q(r,
	    "SELECT g.id, o.name, g.title, g.stage, g.amount_cents,"
	    "       (SELECT coalesce(sum(amount_cents), 0) FROM grant_payments p WHERE p.grant_id = g.id),"
	    "       (SELECT coalesce(sum(amount_cents), 0) FROM grant_payments p WHERE p.grant_id = g.id AND p.status = 'paid'),"
	    "       g.start_date, g.end_date, replace(g.activities, char(10), ';')"
	    "  FROM grants g JOIN organizations o ON o.id = g.org_id ORDER BY g.id", "");
	while (db_step(r, st)) {
		long long amount = db_col_int(st, 4), sched = db_col_int(st, 5);
		const char *v[] = { db_col_text(r, st, 0), db_col_text(r, st, 1), db_col_text(r, st, 2), db_col_text(r, st, 3),
		                    dollars(r, amount), dollars(r, sched), dollars(r, db_col_int(st, 6)),
		                    dollars(r, grant_unscheduled(db_col_text(r, st, 3), amount, sched)), db_col_text(r, st, 7), db_col_text(r, st, 8),
		                    db_col_text(r, st, 9) };
		for (int i = 0; i < 11; i++)
			csv_field(&r->body, v[i], i == 0);
		csv_end(&r->body);
	}
}

void payments_csv(struct req *r)
{
	static const char *const cols[] = { "payment_id", "grant_id", "grant", "organization", "due_date", "amount",
	                                    "status", "paid_on", "note", "reference", "due_outside_period_because", NULL };
	csv_start(r, "ilnet-payments.csv", cols);
	sqlite3_stmt *st = db_q(r,
	    "SELECT p.id, g.id, g.title, o.name, p.due_date, p.amount_cents, p.status, coalesce(p.paid_on, ''), p.note,"
	    "       p.paid_ref, p.due_override"
	    "  FROM grant_payments p JOIN grants g ON g.id = p.grant_id JOIN organizations o ON o.id = g.org_id"
	    " ORDER BY p.due_date, p.id", "");
	while (db_step(r, st)) {
		const char *v[] = { db_col_text(r, st, 0), db_col_text(r, st, 1), db_col_text(r, st, 2), db_col_text(r, st, 3),
		                    db_col_text(r, st, 4), dollars(r, db_col_int(st, 5)), db_col_text(r, st, 6),
		                    db_col_text(r, st, 7), db_col_text(r, st, 8), db_col_text(r, st, 9), db_col_text(r, st, 10) };
		for (int i = 0; i < 11; i++)
			csv_field(&r->body, v[i], i == 0);
		csv_end(&r->body);
	}
}

void reports_csv(struct req *r)
{
	static const char *const cols[] = { "report_id", "grant_id", "grant", "organization", "title", "final",
	                                    "period_start", "period_end", "due_date", "status", NULL };
	csv_start(r, "ilnet-reports.csv", cols);
	sqlite3_stmt *st = db_q(r,
	    "SELECT x.id, g.id, g.title, o.name, x.title, CASE x.is_final WHEN 1 THEN 'yes' ELSE 'no' END,"
	    "       x.period_start, x.period_end, x.due_date, x.status"
	    "  FROM grant_reports x JOIN grants g ON g.id = x.grant_id JOIN organizations o ON o.id = g.org_id"
	    " ORDER BY x.due_date, x.id", "");
	while (db_step(r, st)) {
		for (int i = 0; i < 10; i++)
			csv_field(&r->body, db_col_text(r, st, i), i == 0);
		csv_end(&r->body);
	}
}

void visits_csv(struct req *r)
{
	int staff = r->user->role == ROLE_ADMIN || r->user->role == ROLE_STAFF;
	/* labels: the school's Local Contexts codes travel with each row. */
	static const char *const staff_cols[] = { "visit_id", "local_start", "organization", "school_id", "school",
	                                          "activity", "mode", "minutes", "dimensions", "labels", NULL };
	static const char *const org_cols[] = { "visit_id", "local_start", "organization", "school_id", "school",
	                                        "activity", "mode", "minutes", "dimensions", "participants", "notes",
	                                        "next_steps", "labels", NULL };
	csv_start(r, "ilnet-visits.csv", staff ? staff_cols : org_cols);
	sqlite3_stmt *st = db_q(r,
	    "SELECT v.id, v.starts_at, s.tz, o.name, s.id, s.name, v.activity, v.mode, v.minutes,"
	    "       replace(v.dimensions, char(10), ';'), replace(v.participants, char(10), ';'), v.notes, v.next_steps, "
	    POLICY_COLUMNS
	    "  FROM visits v JOIN schools s ON s.id = v.school_id JOIN organizations o ON o.id = v.org_id"
	    " WHERE ?3 = 0 OR v.org_id = ?3 ORDER BY v.starts_at", "III", r->user->id, r->user->org_id,
	    staff ? 0 : r->user->org_id);
	struct usage_tally used = {0};
	while (db_step(r, st)) {
		char when[40];
		utc_to_local(db_col_int(st, 1), db_col_text(r, st, 2), when, sizeof when);
		/* A private school's visits, row by row, would point at it: left out. */
		enum vis vis = policy_row(r, st, 13);
		if (vis == VIS_HIDDEN)
			continue;
		long long sid = db_col_int(st, 4);
		usage_count_school(r, &used, sid, db_col_int(st, 13), vis);
		const char *v[] = { db_col_text(r, st, 0), when, db_col_text(r, st, 3), db_col_text(r, st, 4),
		                    db_col_text(r, st, 5), db_col_text(r, st, 6),
		                    db_col_text(r, st, 7), db_col_text(r, st, 8), db_col_text(r, st, 9),
		                    db_col_text(r, st, 10), db_col_text(r, st, 11), db_col_text(r, st, 12) };
		int ncols = staff ? 9 : 12;
		for (int i = 0; i < ncols; i++)
			csv_field(&r->body, v[i], i == 0);
		csv_field(&r->body, policy_labels(r, sid), 0);
		csv_end(&r->body);
	}
	usage_flush(r, &used, "visits.csv");
}

/* A grant's current roster as the viewer may see it, as the grant page
 * lists it: returns how many schools, counts each in the usage tally (once
 * across the file) at the precision shown, and puts the codes of their
 * labels in the labels array.  A school the viewer may not see is neither
 * counted nor named: a count of them beside the page would single them
 * out. */
static int grant_schools_counted(struct req *r, long long grant, struct usage_tally *t, cJSON *labels)
{
	sqlite3_stmt *st = db_q(r,
	    "SELECT DISTINCT s.id, " POLICY_COLUMNS
	    "  FROM grant_schools gs JOIN schools s ON s.id = gs.school_id"
	    " WHERE gs.grant_id = ?3 AND gs.to_date IS NULL", "III", r->user->id, r->user->org_id, grant);
	long long ids[256];
	int n = 0;
	int seen = 0;
	while (db_step(r, st)) {
		enum vis v = policy_row(r, st, 1);
		if (v == VIS_HIDDEN)
			continue;
		seen++;
		long long sid = db_col_int(st, 0);
		if (n < 256)
			ids[n++] = sid;
		usage_count_school(r, t, sid, db_col_int(st, 1), v);
	}
	int have[64] = {0};
	for (int i = 0; i < n; i++) {
		const struct policy_label *l[64];
		int k = policy_labels_of(r, ids[i], l, 64);
		for (int j = 0; j < k; j++)
			if (l[j] - policy_label_list < 64)
				have[l[j] - policy_label_list] = 1;
	}
	for (int i = 0; policy_label_list[i].code && i < 64; i++)
		if (have[i])
			cJSON_AddItemToArray(labels, cJSON_CreateString(policy_label_list[i].code));
	return seen;
}

void grants_json(struct req *r)
{
	struct usage_tally used = {0};
	cJSON *out = cJSON_CreateObject();
	cJSON *list = cJSON_AddArrayToObject(out, "grants");
	sqlite3_stmt *st = db_q(r,
	    "SELECT g.id, g.org_id, o.name, g.title, g.stage, g.amount_cents, g.start_date, g.end_date, g.activities,"
	    "       (SELECT coalesce(sum(amount_cents), 0) FROM grant_payments p WHERE p.grant_id = g.id),"
	    "       (SELECT coalesce(sum(amount_cents), 0) FROM grant_payments p WHERE p.grant_id = g.id AND p.status = 'paid'),"
	    "       (SELECT count(*) FROM grant_reports x WHERE x.grant_id = g.id AND x.status IN ('due', 'returned')),"
	    "       (SELECT count(*) FROM grant_reports x WHERE x.grant_id = g.id AND x.status = 'approved')"
	    "  FROM grants g JOIN organizations o ON o.id = g.org_id ORDER BY g.id", "");
	while (db_step(r, st)) {
		cJSON *g = cJSON_CreateObject();
		cJSON_AddNumberToObject(g, "id", (double)db_col_int(st, 0));
		cJSON *o = cJSON_AddObjectToObject(g, "organization");
		cJSON_AddNumberToObject(o, "id", (double)db_col_int(st, 1));
		cJSON_AddStringToObject(o, "name", db_col_text(r, st, 2));
		cJSON_AddStringToObject(g, "title", db_col_text(r, st, 3));
		cJSON_AddStringToObject(g, "stage", db_col_text(r, st, 4));
		cJSON_AddNumberToObject(g, "amount_cents", (double)db_col_int(st, 5));
		cJSON_AddNumberToObject(g, "scheduled_cents", (double)db_col_int(st, 9));
		cJSON_AddNumberToObject(g, "paid_cents", (double)db_col_int(st, 10));
		cJSON_AddNumberToObject(g, "unscheduled_cents",
		                        (double)grant_unscheduled(db_col_text(r, st, 4), db_col_int(st, 5), db_col_int(st, 9)));
		cJSON_AddStringToObject(g, "start_date", db_col_text(r, st, 6));
		cJSON_AddStringToObject(g, "end_date", db_col_text(r, st, 7));
		cJSON *acts = cJSON_AddArrayToObject(g, "activities");
		const char *a = db_col_text(r, st, 8);
		for (const char *p = a; p && *p;) {
			const char *e = strchr(p, '\n');
			char *one = arena_strndup(&r->arena, p, e ? (size_t)(e - p) : strlen(p));
			cJSON_AddItemToArray(acts, cJSON_CreateString(one));
			p = e ? e + 1 : NULL;
		}
		cJSON *labels = cJSON_CreateArray();
		int served = grant_schools_counted(r, db_col_int(st, 0), &used, labels);
		cJSON_AddNumberToObject(g, "schools_served", served);
		cJSON_AddItemToObject(g, "labels", labels);
		cJSON_AddNumberToObject(g, "reports_outstanding", (double)db_col_int(st, 11));
		cJSON_AddNumberToObject(g, "reports_approved", (double)db_col_int(st, 12));
		cJSON_AddItemToArray(list, g);
	}
	usage_flush(r, &used, "/api/v1/grants");
	char *text = cJSON_PrintUnformatted(out);
	r->content_type = "application/json";
	buf_puts(&r->body, text);
	buf_putc(&r->body, '\n');
	cJSON_free(text);
	cJSON_Delete(out);
}
