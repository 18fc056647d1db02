/* grants.c — /grants and /grants/{id}: Equip grants to intermediary
 * organizations.  Foundation staff create grants and move them through
 * their stages, schedule and record payments, set reporting requirements,
 * keep the roster of schools served, and approve or return reports.
 * Intermediary staff see their own organization's grants and file the
 * reports, drafted for them from the visits they logged.  Every change is
 * kept in the grant's history. */
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

#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *money(struct req *r, long long cents)
{
	char *s = arena_alloc(&r->arena, 40);
	money_format(cents, s, 40);
	return s;
}

static int is_staff(struct req *r)
{
	return r->user->role == ROLE_ADMIN || r->user->role == ROLE_STAFF;
}

/* Record a change to a grant.  An event about a school names it by id
 * (school, or 0), never in the text: the history names it at read time,
 * through the policy. */
static void school_event(struct req *r, long long grant, long long school, const char *action, const char *detail)
{
	db_exec(r, "INSERT INTO grant_events (grant_id, user_id, action, detail, school_id)"
	           " VALUES (?, ?, ?, ?, nullif(?, 0))", "IIttI", grant, r->user->id, action, detail, school);
	db_exec(r, "UPDATE grants SET updated_at = unixepoch() WHERE id = ?", "I", grant);
}

static void event(struct req *r, long long grant, const char *action, const char *detail)
{
	school_event(r, grant, 0, action, detail);
}

struct grant {
	long long id, org_id, amount;
	const char *org, *title, *purpose, *activities, *stage, *start, *end;
	long long scheduled, paid;
};

/* Money moves, reports are required and the roster changes only while a
 * grant is awarded or active: the forms are offered, and the actions
 * accepted, by this one rule. */
static int grant_open(const struct grant *g)
{
	return !strcmp(g->stage, "awarded") || !strcmp(g->stage, "active");
}

/* The grant, if the viewer may see it: staff any, intermediaries their
 * organization's; 404 otherwise (as for a grant that does not exist). */
static struct grant *grant_load(struct req *r, long long id)
{
	sqlite3_stmt *st = db_q(r,
	    "SELECT g.id, g.org_id, o.name, g.title, g.purpose, g.activities, g.stage, g.amount_cents,"
	    "       g.start_date, g.end_date,"
	    "       (SELECT coalesce(sum(amount_cents), 0) FROM grant_payments p WHERE p.grant_id = g.id),"
	    "       (SELECT coalesce(sum(amount_cents), 0) FROM grant_payments p WHERE p.grant_id = g.id"
	    "         AND p.status = 'paid')"
	    "  FROM grants g JOIN organizations o ON o.id = g.org_id WHERE g.id = ?", "I", id);
	if (!db_step(r, st))
		req_fail(r, 404, "no such grant");
	struct grant *g = arena_zalloc(&r->arena, sizeof *g);
	g->id = db_col_int(st, 0);
	g->org_id = db_col_int(st, 1);
	g->org = db_col_text(r, st, 2);
	g->title = db_col_text(r, st, 3);
	g->purpose = db_col_text(r, st, 4);
	g->activities = db_col_text(r, st, 5);
	g->stage = db_col_text(r, st, 6);
	g->amount = db_col_int(st, 7);
	g->start = db_col_text(r, st, 8);
	g->end = db_col_text(r, st, 9);
	g->scheduled = db_col_int(st, 10);
	g->paid = db_col_int(st, 11);
	sqlite3_reset(st);
	if (!is_staff(r) && !(r->user->role == ROLE_INTERMEDIARY && r->user->org_id == g->org_id))
		req_fail(r, 404, "grant not visible");
	return g;
}

static const char *activities_text(struct req *r, const char *v)
{
	struct buf b = BUF_IN(&r->arena);
	for (int i = 0; grant_activities[i]; i += 2) {
		size_t n = strlen(grant_activities[i]);
		for (const char *p = v; p && *p;) {
			const char *e = strchr(p, '\n');
			size_t len = e ? (size_t)(e - p) : strlen(p);
			if (len == n && !strncmp(p, grant_activities[i], n))
				buf_printf(&b, "%s%s", b.len ? "; " : "", grant_activities[i + 1]);
			p = e ? e + 1 : NULL;
		}
	}
	char *s = arena_strdup(&r->arena, b.len ? b.p : "—");
	buf_free(&b);
	return s;
}

/* Activity checkboxes (a fieldset), checked from the newline list v. */
static void activity_boxes(struct req *r, const struct form_errors *e, const char *v)
{
	const char *err = form_error_for(e, "activities");
	html(r, "<fieldset class=\"field%s\"", err ? " has-error" : "");
	if (err)
		html_raw(r, " aria-describedby=\"e-activities\"");
	html(r, "><legend>Activities funded</legend>\n");
	if (err)
		html(r, "<p class=\"error\" id=\"e-activities\">%s</p>\n", err);
	for (int i = 0; grant_activities[i]; i += 2) {
		int on = 0;
		for (int k = 0; k < r->form.n; k++)
			on |= !strcmp(r->form.v[k].name, "activities") && !strcmp(r->form.v[k].value, grant_activities[i]);
		if (!r->form.n && v)
			for (const char *p = v; p && *p;) {
				const char *x = strchr(p, '\n');
				size_t len = x ? (size_t)(x - p) : strlen(p);
				on |= len == strlen(grant_activities[i]) && !strncmp(p, grant_activities[i], len);
				p = x ? x + 1 : NULL;
			}
		html(r, "<div class=\"choice\"><input type=\"checkbox\" id=\"f-activities%s\" name=\"activities\""
		        " value=\"%s\"%s><label for=\"f-activities%s\">%s</label></div>\n",
		     i ? arena_printf(&r->arena, "-%d", i / 2) : "", grant_activities[i], on ? " checked" : "",
		     i ? arena_printf(&r->arena, "-%d", i / 2) : "", grant_activities[i + 1]);
	}
	html(r, "</fieldset>\n");
}

static const char *posted_activities(struct req *r, struct form_errors *e)
{
	struct buf b = BUF_IN(&r->arena);
	int n = params_count(&r->form, "activities");
	for (int i = 0; i < n; i++) {
		const char *a = params_nth(&r->form, "activities", i);
		if (!region_valid(grant_activities, a)) {
			form_error(e, "activities", "Choose from the four activities.");
			continue;
		}
		if (b.len)
			buf_putc(&b, '\n');
		buf_puts(&b, a);
	}
	char *s = arena_strdup(&r->arena, buf_str(&b));
	buf_free(&b);
	return s;
}

/* ---- the list -------------------------------------------------------------- */

static void grants_view(struct req *r, const struct form_errors *e)
{
	page_begin(r, "Grants");
	const char *msg = req_query(r, "msg");
	if (msg && !strcmp(msg, "created") && (!e || !e->n))
		page_notice(r, "Grant created as proposed.");
	const char *stage = req_query(r, "stage"), *org = req_query(r, "org");
	if (stage && !region_valid(grant_stages, stage))
		stage = NULL;
	const char **orgs = form_options(r, db_q(r, "SELECT id, name FROM organizations ORDER BY name", ""), NULL);
	long long org_id = is_staff(r) ? (org ? atoll(org) : 0) : r->user->org_id;
	if (is_staff(r)) {
		filter_begin(r, "/grants");
		filter_select(r, "org", "Organization", "All organizations", orgs, org);
		filter_select(r, "stage", "Stage", "All stages", grant_stages, stage);
		filter_end(r);
	}
	struct pager pg;
	pager_init(r, &pg);
	pager_total(&pg, db_int(r, 0, "SELECT count(*) FROM grants g WHERE (?1 = 0 OR g.org_id = ?1)"
	                              " AND (?2 IS NULL OR g.stage = ?2)", "It", org_id, stage));
	sqlite3_stmt *st = db_q(r,
	    "SELECT g.id, g.title, o.name, g.stage, g.amount_cents, g.start_date, g.end_date,"
	    "       (SELECT coalesce(sum(amount_cents), 0) FROM grant_payments p WHERE p.grant_id = g.id),"
	    "       (SELECT coalesce(sum(amount_cents), 0) FROM grant_payments p WHERE p.grant_id = g.id AND p.status = 'paid')"
	    "  FROM grants g JOIN organizations o ON o.id = g.org_id"
	    " WHERE (?1 = 0 OR g.org_id = ?1) AND (?2 IS NULL OR g.stage = ?2)"
	    " ORDER BY g.stage = 'active' DESC, g.start_date DESC, g.id DESC LIMIT ?3 OFFSET ?4", "ItII",
	    org_id, stage, pager_limit(&pg), pager_offset(&pg));
	table_begin(r, NULL, "Grants");
	html(r, "<thead><tr><th scope=\"col\">Grant</th>"
	        "<th scope=\"col\">Organization</th><th scope=\"col\">Stage</th><th scope=\"col\">Award</th>"
	        "<th scope=\"col\">Paid</th><th scope=\"col\">Unscheduled</th><th scope=\"col\">Runs</th></tr></thead>\n<tbody>\n");
	int n = 0;
	while (db_step(r, st)) {
		n++;
		long long amount = db_col_int(st, 4);
		html(r, "<tr><td><a href=\"/grants/%lld\">%s</a></td><td>%s</td><td>%s</td><td class=\"num\">%s</td>"
		        "<td class=\"num\">%s</td><td class=\"num\">%s</td><td><span class=\"nowrap\">%s</span> to <span class=\"nowrap\">%s</span></td></tr>\n",
		     db_col_int(st, 0), db_col_text(r, st, 1), db_col_text(r, st, 2),
		     region_label(grant_stages, db_col_text(r, st, 3)), money(r, amount), money(r, db_col_int(st, 8)),
		     money(r, amount - db_col_int(st, 7)), db_col_text(r, st, 5), db_col_text(r, st, 6));
	}
	if (!n)
		html(r, "<tr><td colspan=\"7\">No grants match.</td></tr>\n");
	html(r, "</tbody>\n");
	table_end(r);
	static const char *const keep[] = { "org", "stage", NULL };
	pager_nav(r, &pg, "/grants", keep, "Pages of grants", "grants");
	if (is_staff(r)) {
		html(r, "<h2>New grant</h2>\n");
		form_error_summary(r, e);
		form_begin_create(r, "/grants");
		const char **with_none = form_options(r, db_q(r, "SELECT id, name FROM organizations WHERE active = 1"
		                                               " ORDER BY name", ""), "— choose —");
		form_select(r, e, "org", "Organization", with_none, req_form(r, "org"), NULL);
		form_input(r, e, "title", "Title", "text", req_form(r, "title"), "off", NULL, 1, LEN_TITLE);
		form_input(r, e, "amount", "Award", "text", req_form(r, "amount"), "off", "In dollars, like 150,000.00.", 1, 0);
		form_input(r, e, "start", "Starts", "date", req_form(r, "start"), "off", NULL, 1, 0);
		form_input(r, e, "end", "Ends", "date", req_form(r, "end"), "off", NULL, 1, 0);
		activity_boxes(r, e, NULL);
		html(r, "<div class=\"field\"><label for=\"f-purpose\">Purpose</label><textarea id=\"f-purpose\""
		        " name=\"purpose\" rows=\"3\">%s</textarea></div>\n", req_form(r, "purpose") ? req_form(r, "purpose") : "");
		html(r, "<button type=\"submit\">Create grant</button>\n");
		form_end(r);
	}
	page_end(r);
}

void grants_page(struct req *r)
{
	grants_view(r, NULL);
}

/* Shared checks of amount and dates. */
static void check_terms(struct req *r, struct form_errors *e, long long *cents)
{
	if (!money_parse(req_form(r, "amount"), cents))
		form_error(e, "amount", "Enter the award in dollars and cents, like 150,000.00.");
	const char *start = req_form(r, "start"), *end = req_form(r, "end");
	if (!date_valid(start))
		form_error(e, "start", "Enter the start date as YYYY-MM-DD.");
	if (!date_valid(end))
		form_error(e, "end", "Enter the end date as YYYY-MM-DD.");
	else if (date_valid(start) && date_diff(start, end) < 0)
		form_error(e, "end", "The grant cannot end before it starts.");
}

void grants_create_submit(struct req *r)
{
	struct form_errors e = {0};
	long long org = atoll(req_form(r, "org") ? req_form(r, "org") : "0"), cents = 0;
	if (!db_int(r, 0, "SELECT id FROM organizations WHERE id = ? AND active = 1", "I", org))
		form_error(&e, "org", "Choose the organization the grant goes to.");
	const char *title = req_form(r, "title");
	size_t tl = utf8_chars(title);
	if (!tl || tl > LEN_TITLE)
		form_error(&e, "title", tl ? "Use at most 200 characters." : "Give the grant a title.");
	check_terms(r, &e, &cents);
	const char *acts = posted_activities(r, &e);
	if (e.n) {
		r->status = 422;
		grants_view(r, &e);
		return;
	}
	db_begin(r);
	db_exec(r, "INSERT INTO grants (org_id, title, purpose, activities, amount_cents, start_date, end_date)"
	           " VALUES (?, ?, ?, ?, ?, ?, ?)", "ItttItt", org, title,
	        req_form(r, "purpose") ? req_form(r, "purpose") : "", acts, cents, req_form(r, "start"), req_form(r, "end"));
	long long id = db_last_id(r);
	event(r, id, "created", arena_printf(&r->arena, "proposed, %s", money(r, cents)));
	db_commit(r);
	req_redirect(r, arena_printf(&r->arena, "/grants/%lld?msg=created", id));
}

/* ---- one grant ------------------------------------------------------------- */

static void grant_view(struct req *r, struct grant *g, const struct form_errors *e)
{
	page_begin(r, g->title);
	const char *msg = req_query(r, "msg");
	if (msg && (!e || !e->n))
		page_notice(r, !strcmp(msg, "created") ? "Grant created as proposed." : "Saved.");
	form_error_summary(r, e);
	int staff = is_staff(r);
	const char *self = arena_printf(&r->arena, "/grants/%lld", g->id);
	html(r, "<dl class=\"facts\"><dt>Organization</dt><dd>%s</dd><dt>Stage</dt><dd><strong>%s</strong></dd>"
	        "<dt>Award</dt><dd>%s</dd><dt>Runs</dt><dd>%s to %s</dd><dt>Activities</dt><dd>%s</dd>"
	        "<dt>Purpose</dt><dd>%s</dd></dl>\n", g->org, region_label(grant_stages, g->stage),
	     money(r, g->amount), g->start, g->end, activities_text(r, g->activities), *g->purpose ? g->purpose : "—");

	if (staff) {
		/* The stages this grant may move to. */
		const char *next[16];
		int k = 0;
		for (int i = 0; grant_stages[i]; i += 2)
			if (grant_transition_ok(g->stage, grant_stages[i])) {
				next[k++] = grant_stages[i];
				next[k++] = grant_stages[i + 1];
			}
		next[k] = NULL;
		if (k) {
			form_begin(r, self);
			html(r, "<input type=\"hidden\" name=\"action\" value=\"stage\">\n");
			form_select(r, e, "stage", "Move to stage", next, NULL,
			            !strcmp(g->stage, "active") ? "A grant closes only when its final report is approved." : NULL);
			html(r, "<button type=\"submit\">Change stage</button>\n");
			form_end(r);
		}
	}

	/* Payments. */
	html(r, "<h2>Payments</h2>\n<ul class=\"figures\"><li><strong>%s</strong> scheduled</li>"
	        "<li><strong>%s</strong> paid</li><li><strong>%s</strong> not yet scheduled</li></ul>\n",
	     money(r, g->scheduled), money(r, g->paid), money(r, g->amount - g->scheduled));
	sqlite3_stmt *st = db_q(r, "SELECT id, due_date, amount_cents, status, coalesce(paid_on, ''), note"
	                           " FROM grant_payments WHERE grant_id = ? ORDER BY due_date, id", "I", g->id);
	table_begin(r, NULL, "Payment schedule");
	html(r, "<thead><tr><th scope=\"col\">Due</th>"
	        "<th scope=\"col\">Amount</th><th scope=\"col\">Status</th><th scope=\"col\">Note</th>");
	if (staff)
		html(r, "<th scope=\"col\"><span class=\"visually-hidden\">Action</span></th>");
	html(r, "</tr></thead>\n<tbody>\n");
	int n = 0;
	while (db_step(r, st)) {
		n++;
		const char *status = db_col_text(r, st, 3);
		html(r, "<tr><td class=\"date\">%s</td><td class=\"num\">%s</td><td>%s</td><td>%s</td>", db_col_text(r, st, 1),
		     money(r, db_col_int(st, 2)), !strcmp(status, "paid") ? arena_printf(&r->arena, "Paid %s", db_col_text(r, st, 4))
		                                                          : "Scheduled", db_col_text(r, st, 5));
		if (staff) {
			html(r, "<td>");
			if (strcmp(status, "paid") && grant_open(g)) {
				form_begin(r, self);
				html(r, "<input type=\"hidden\" name=\"action\" value=\"paid\"><input type=\"hidden\" name=\"payment\""
				        " value=\"%lld\"><button type=\"submit\" class=\"secondary\">Record as paid today"
				        "<span class=\"visually-hidden\"> (%s)</span></button>\n", db_col_int(st, 0), db_col_text(r, st, 1));
				form_end(r);
			}
			html(r, "</td>");
		}
		html(r, "</tr>\n");
	}
	if (!n)
		html(r, "<tr><td colspan=\"%d\">No payments scheduled.</td></tr>\n", staff ? 5 : 4);
	html(r, "</tbody>\n");
	table_end(r);
	if (staff && grant_open(g)) {
		html(r, "<h3>Schedule a payment</h3>\n");
		form_begin_create(r, self);
		html(r, "<input type=\"hidden\" name=\"action\" value=\"payment\">\n");
		form_input(r, e, "pay_due", "Due", "date", req_form(r, "pay_due"), "off", NULL, 1, 0);
		form_input(r, e, "pay_amount", "Amount", "text", req_form(r, "pay_amount"), "off",
		           arena_printf(&r->arena, "At most %s, the unscheduled balance.", money(r, g->amount - g->scheduled)), 1, 0);
		form_input(r, e, "pay_note", "Note", "text", req_form(r, "pay_note"), "off", NULL, 0, LEN_TITLE);
		html(r, "<button type=\"submit\">Schedule payment</button>\n");
		form_end(r);
	}

	/* Reports. */
	html(r, "<h2>Reports</h2>\n");
	st = db_q(r, "SELECT id, title, period_start, period_end, due_date, status, is_final FROM grant_reports"
	             " WHERE grant_id = ? ORDER BY due_date, id", "I", g->id);
	char today[11];
	date_today_local(today);
	table_begin(r, NULL, "Reporting requirements");
	html(r, "<thead><tr><th scope=\"col\">Report</th>"
	        "<th scope=\"col\">Period</th><th scope=\"col\">Due</th><th scope=\"col\">Status</th></tr></thead>\n<tbody>\n");
	n = 0;
	while (db_step(r, st)) {
		n++;
		const char *status = db_col_text(r, st, 5), *due = db_col_text(r, st, 4);
		int overdue = (!strcmp(status, "due") || !strcmp(status, "returned")) && strcmp(due, today) < 0;
		html(r, "<tr><td><a href=\"%s/reports/%lld\">%s</a>%s</td><td><span class=\"nowrap\">%s</span> to <span class=\"nowrap\">%s</span></td><td class=\"date\">%s</td><td>%s%s</td></tr>\n",
		     self, db_col_int(st, 0), db_col_text(r, st, 1), db_col_int(st, 6) ? " (final)" : "",
		     db_col_text(r, st, 2), db_col_text(r, st, 3), due,
		     !strcmp(status, "due") ? "Due" : !strcmp(status, "submitted") ? "Submitted" :
		     !strcmp(status, "approved") ? "Approved" : "Returned with comments", overdue ? " — overdue" : "");
	}
	if (!n)
		html(r, "<tr><td colspan=\"4\">No reports required yet.</td></tr>\n");
	html(r, "</tbody>\n");
	table_end(r);
	if (staff && grant_open(g)) {
		html(r, "<h3>Require a report</h3>\n");
		form_begin_create(r, self);
		html(r, "<input type=\"hidden\" name=\"action\" value=\"report\">\n");
		form_input(r, e, "rep_title", "Title", "text", req_form(r, "rep_title"), "off", NULL, 1, LEN_TITLE);
		form_input(r, e, "rep_from", "Period from", "date", req_form(r, "rep_from"), "off", NULL, 1, 0);
		form_input(r, e, "rep_to", "Period to", "date", req_form(r, "rep_to"), "off", NULL, 1, 0);
		form_input(r, e, "rep_due", "Due", "date", req_form(r, "rep_due"), "off", NULL, 1, 0);
		html(r, "<div class=\"choice\"><input type=\"checkbox\" id=\"f-rep_final\" name=\"rep_final\" value=\"1\"%s>"
		        "<label for=\"f-rep_final\">This is the final report (the grant closes once it is approved)</label></div>\n",
		     req_form(r, "rep_final") ? " checked" : "");
		html(r, "<button type=\"submit\">Add report</button>\n");
		form_end(r);
	}

	/* Roster. */
	html(r, "<h2>Schools served</h2>\n");
	st = db_q(r, "SELECT gs.id, s.id, s.name, s.city, s.state_code, gs.from_date, coalesce(gs.to_date, ''), "
	             POLICY_COLUMNS
	             "  FROM grant_schools gs JOIN schools s ON s.id = gs.school_id WHERE gs.grant_id = ?"
	             " ORDER BY gs.to_date IS NOT NULL, s.name", "III", r->user->id, r->user->org_id, g->id);
	table_begin(r, NULL, "Roster, with the dates each school joined and left");
	html(r, "<thead><tr>"
	        "<th scope=\"col\">School</th><th scope=\"col\">From</th><th scope=\"col\">To</th>");
	if (staff)
		html(r, "<th scope=\"col\"><span class=\"visually-hidden\">Action</span></th>");
	html(r, "</tr></thead>\n<tbody>\n");
	n = 0;
	struct usage_tally used = {0};
	while (db_step(r, st)) {
		/* Not named, and not counted: a count of a few would single them out. */
		enum vis v = policy_row(r, st, 7);
		if (v == VIS_HIDDEN)
			continue;
		usage_count_school(r, &used, db_col_int(st, 1), db_col_int(st, 7), v);
		n++;
		const char *to = db_col_text(r, st, 6);
		html(r, "<tr><td><a href=\"/schools/%lld\">%s</a> <span class=\"muted\">(%s, %s)</span></td><td>%s</td><td>%s</td>",
		     db_col_int(st, 1), db_col_text(r, st, 2), db_col_text(r, st, 3), db_col_text(r, st, 4),
		     db_col_text(r, st, 5), *to ? to : "—");
		if (staff) {
			html(r, "<td>");
			if (!*to && grant_open(g)) {
				form_begin(r, self);
				html(r, "<input type=\"hidden\" name=\"action\" value=\"leave\"><input type=\"hidden\" name=\"roster\""
				        " value=\"%lld\"><button type=\"submit\" class=\"secondary\">Ends today<span class=\"visually-hidden\">"
				        " for %s</span></button>\n", db_col_int(st, 0), db_col_text(r, st, 2));
				form_end(r);
			}
			html(r, "</td>");
		}
		html(r, "</tr>\n");
	}
	if (!n)
		html(r, "<tr><td colspan=\"%d\">No schools on the roster.</td></tr>\n", staff ? 4 : 3);
	html(r, "</tbody>\n");
	table_end(r);
	usage_flush(r, &used, "grant roster");
	if (staff && grant_open(g)) {
		html(r, "<h3>Add a school</h3>\n");
		form_begin_create(r, self);
		html(r, "<input type=\"hidden\" name=\"action\" value=\"join\">\n");
		size_t cap = 64, k = 0;
		const char **opts = arena_alloc(&r->arena, sizeof *opts * cap);
		opts[k++] = "";
		opts[k++] = "— choose —";
		st = db_q(r, "SELECT s.id, s.name || ' (' || s.city || ', ' || s.state_code || ')', " POLICY_COLUMNS
		             " FROM schools s ORDER BY s.state_code, s.name", "II", r->user->id, r->user->org_id);
		while (db_step(r, st)) {
			if (policy_row(r, st, 2) == VIS_HIDDEN)
				continue;
			if (k + 3 > cap) {
				const char **more = arena_alloc(&r->arena, sizeof *more * cap * 2);
				memcpy(more, opts, sizeof *opts * k);
				opts = more;
				cap *= 2;
			}
			opts[k++] = db_col_text(r, st, 0);
			opts[k++] = db_col_text(r, st, 1);
		}
		opts[k] = NULL;
		form_select(r, e, "school", "School", opts, req_form(r, "school"), NULL);
		form_input(r, e, "join_from", "Served from", "date", req_form(r, "join_from") ? req_form(r, "join_from") : today,
		           "off", NULL, 1, 0);
		html(r, "<button type=\"submit\">Add to roster</button>\n");
		form_end(r);
	}

	/* History. */
	html(r, "<h2>History</h2>\n<ol class=\"history\">\n");
	/* Events about a school the viewer may not see are left out, as its
	 * roster row is: named or counted, they would point at it. */
	st = db_q(r, "SELECT e.at, coalesce(u.name, 'ilnet'), e.action, e.detail, coalesce(s.name, ''),"
	             "       e.school_id IS NOT NULL, " POLICY_COLUMNS
	             "  FROM grant_events e LEFT JOIN users u ON u.id = e.user_id LEFT JOIN schools s ON s.id = e.school_id"
	             " WHERE e.grant_id = ?3 ORDER BY e.id DESC LIMIT 200", "III", r->user->id, r->user->org_id, g->id);
	while (db_step(r, st)) {
		if (db_col_int(st, 5) && policy_row(r, st, 6) == VIS_HIDDEN)
			continue;
		time_t t = (time_t)db_col_int(st, 0);
		struct tm tm;
		char when[32];
		gmtime_r(&t, &tm);
		strftime(when, sizeof when, "%Y-%m-%d %H:%M UTC", &tm);
		const char *d = db_col_text(r, st, 3), *school = db_col_text(r, st, 4);
		html(r, "<li>%s — %s: %s%s%s%s%s</li>\n", when, db_col_text(r, st, 1), db_col_text(r, st, 2),
		     *school ? ", " : "", school, *d ? ", " : "", d);
	}
	html(r, "</ol>\n<p><a href=\"/grants\">All grants</a></p>\n");
	page_end(r);
}

void grant_page(struct req *r)
{
	grant_view(r, grant_load(r, r->ids[0]), NULL);
}

void grant_submit(struct req *r)
{
	if (!is_staff(r))
		req_fail(r, 403, "only foundation staff change grants");
	db_begin(r);
	struct grant *g = grant_load(r, r->ids[0]);
	const char *action = req_form(r, "action");
	struct form_errors e = {0};
	const char *back = arena_printf(&r->arena, "/grants/%lld?msg=saved", g->id);
	if (!action)
		req_fail(r, 400, "no action");
	if (!grant_open(g) && (!strcmp(action, "payment") || !strcmp(action, "paid") || !strcmp(action, "join") ||
	                       !strcmp(action, "report") || !strcmp(action, "leave")))
		form_error(&e, NULL, arena_printf(&r->arena, "A %s grant takes no payments, reports or schools:"
		                                  " award it first, or it is already over.", g->stage));
	else if (!strcmp(action, "stage")) {
		const char *to = req_form(r, "stage");
		if (!grant_transition_ok(g->stage, to))
			form_error(&e, "stage", arena_printf(&r->arena, "A %s grant cannot become %s.", g->stage, to ? to : "that"));
		else if (!strcmp(to, "closed") && !grant_may_close(r, g->id))
			form_error(&e, "stage", "The grant closes only once its final report is approved.");
		else if (!strcmp(to, "declined") && g->paid)
			form_error(&e, "stage", "A grant with payments made cannot be declined; withdraw it instead.");
		if (!e.n) {
			db_exec(r, "UPDATE grants SET stage = ? WHERE id = ?", "tI", to, g->id);
			event(r, g->id, "stage", arena_printf(&r->arena, "%s to %s", g->stage, to));
		}
	} else if (!strcmp(action, "payment")) {
		long long cents = 0;
		const char *due = req_form(r, "pay_due"), *note = req_form(r, "pay_note");
		if (!date_valid(due))
			form_error(&e, "pay_due", "Enter the due date as YYYY-MM-DD.");
		if (!money_parse(req_form(r, "pay_amount"), &cents) || cents <= 0)
			form_error(&e, "pay_amount", "Enter the amount in dollars and cents, like 25,000.00.");
		else if (cents > g->amount - g->scheduled)
			form_error(&e, "pay_amount", arena_printf(&r->arena, "That is more than the unscheduled balance, %s.",
			                                      money(r, g->amount - g->scheduled)));
		if (utf8_chars(note) > LEN_TITLE)
			form_error(&e, "pay_note", "Keep the note to 200 characters.");
		if (!e.n) {
			db_exec(r, "INSERT INTO grant_payments (grant_id, due_date, amount_cents, note) VALUES (?, ?, ?, ?)",
			        "ItIt", g->id, due, cents, note ? note : "");
			event(r, g->id, "payment scheduled", arena_printf(&r->arena, "%s due %s", money(r, cents), due));
		}
	} else if (!strcmp(action, "paid")) {
		long long pid = atoll(req_form(r, "payment") ? req_form(r, "payment") : "0");
		char today[11];
		date_today_local(today);
		if (!db_exec(r, "UPDATE grant_payments SET status = 'paid', paid_on = ? WHERE id = ? AND grant_id = ?"
		                " AND status = 'scheduled'", "tII", today, pid, g->id))
			req_fail(r, 409, "no such scheduled payment");
		char *amt = db_text(r, "SELECT amount_cents FROM grant_payments WHERE id = ?", "I", pid);
		event(r, g->id, "payment made", arena_printf(&r->arena, "%s on %s", money(r, atoll(amt)), today));
	} else if (!strcmp(action, "report")) {
		const char *t = req_form(r, "rep_title"), *from = req_form(r, "rep_from"), *to = req_form(r, "rep_to");
		const char *due = req_form(r, "rep_due");
		if (!t || !*t || utf8_chars(t) > LEN_TITLE)
			form_error(&e, "rep_title", "Give the report a title of at most 200 characters.");
		if (!date_valid(from))
			form_error(&e, "rep_from", "Enter the period's first day as YYYY-MM-DD.");
		if (!date_valid(to))
			form_error(&e, "rep_to", "Enter the period's last day as YYYY-MM-DD.");
		else if (date_valid(from) && date_diff(from, to) < 0)
			form_error(&e, "rep_to", "The period cannot end before it starts.");
		if (!date_valid(due))
			form_error(&e, "rep_due", "Enter the due date as YYYY-MM-DD.");
		int final = req_form(r, "rep_final") != NULL;
		if (final && db_int(r, 0, "SELECT count(*) FROM grant_reports WHERE grant_id = ? AND is_final = 1", "I", g->id))
			form_error(&e, "rep_final", "This grant already has a final report.");
		if (!e.n) {
			db_exec(r, "INSERT INTO grant_reports (grant_id, title, period_start, period_end, due_date, is_final)"
			           " VALUES (?, ?, ?, ?, ?, ?)", "Itttti", g->id, t, from, to, due, final);
			event(r, g->id, "report required", arena_printf(&r->arena, "%s, due %s", t, due));
		}
	} else if (!strcmp(action, "join")) {
		long long sid = atoll(req_form(r, "school") ? req_form(r, "school") : "0");
		const char *from = req_form(r, "join_from");
		if (policy_school(r, sid) == VIS_HIDDEN)
			form_error(&e, "school", "Choose a school.");
		if (!date_valid(from))
			form_error(&e, "join_from", "Enter the date as YYYY-MM-DD.");
		else if (strcmp(from, g->start) < 0 || strcmp(from, g->end) > 0)
			form_error(&e, "join_from", arena_printf(&r->arena, "Choose a date within the grant, %s to %s.",
			                                         g->start, g->end));
		else if (!e.n && db_int(r, 0, "SELECT count(*) FROM grant_schools WHERE grant_id = ? AND school_id = ?"
		                              " AND (to_date IS NULL OR to_date >= ?)", "IIt", g->id, sid, from))
			form_error(&e, "school", "This school is already on the roster for that date.");
		if (!e.n) {
			db_exec(r, "INSERT INTO grant_schools (grant_id, school_id, from_date) VALUES (?, ?, ?)", "IIt", g->id, sid, from);
			school_event(r, g->id, sid, "school joined", arena_printf(&r->arena, "from %s", from));
		}
	} else if (!strcmp(action, "leave")) {
		long long rid = atoll(req_form(r, "roster") ? req_form(r, "roster") : "0");
		char today[11];
		date_today_local(today);
		long long sid = db_int(r, 0, "SELECT school_id FROM grant_schools WHERE id = ? AND grant_id = ?"
		                             " AND to_date IS NULL", "II", rid, g->id);
		if (!sid || policy_school(r, sid) == VIS_HIDDEN)
			req_fail(r, 409, "not on the roster");
		db_exec(r, "UPDATE grant_schools SET to_date = max(from_date, ?) WHERE id = ?", "tI", today, rid);
		school_event(r, g->id, sid, "school left", arena_printf(&r->arena, "on %s", today));
	} else {
		req_fail(r, 400, "unknown action");
	}
	if (e.n) {
		r->status = 422;
		grant_view(r, g, &e);
		return;
	}
	db_commit(r);
	req_redirect(r, back);
}

/* ---- reports ------------------------------------------------------------- */

struct report {
	long long id;
	const char *title, *from, *to, *due, *status, *body, *comments;
	int final;
};

static struct report *report_load(struct req *r, struct grant *g, long long id)
{
	sqlite3_stmt *st = db_q(r, "SELECT id, title, period_start, period_end, due_date, status, body, comments, is_final"
	                           " FROM grant_reports WHERE id = ? AND grant_id = ?", "II", id, g->id);
	if (!db_step(r, st))
		req_fail(r, 404, "no such report");
	struct report *x = arena_zalloc(&r->arena, sizeof *x);
	x->id = db_col_int(st, 0);
	x->title = db_col_text(r, st, 1);
	x->from = db_col_text(r, st, 2);
	x->to = db_col_text(r, st, 3);
	x->due = db_col_text(r, st, 4);
	x->status = db_col_text(r, st, 5);
	x->body = db_col_text(r, st, 6);
	x->comments = db_col_text(r, st, 7);
	x->final = (int)db_col_int(st, 8);
	sqlite3_reset(st);
	return x;
}

static void report_view(struct req *r, struct grant *g, struct report *x, const struct form_errors *e)
{
	page_begin(r, arena_printf(&r->arena, "%s — %s", x->title, g->title));
	const char *msg = req_query(r, "msg");
	if (msg && (!e || !e->n))
		page_notice(r, !strcmp(msg, "submitted") ? "Report submitted. The foundation will approve it or"
		                                           " return it with comments." : "Saved.");
	form_error_summary(r, e);
	const char *self = arena_printf(&r->arena, "/grants/%lld/reports/%lld", g->id, x->id);
	html(r, "<dl class=\"facts\"><dt>Grant</dt><dd><a href=\"/grants/%lld\">%s</a> (%s)</dd><dt>Period</dt><dd>%s to %s</dd>"
	        "<dt>Due</dt><dd>%s</dd><dt>Status</dt><dd><strong>%s</strong></dd></dl>\n", g->id, g->title, g->org,
	     x->from, x->to, x->due,
	     !strcmp(x->status, "due") ? "Due" : !strcmp(x->status, "submitted") ? "Submitted, waiting for the foundation" :
	     !strcmp(x->status, "approved") ? "Approved" : "Returned with comments");
	if (*x->comments)
		html(r, "<div class=\"notice\"><h2>Comments from the foundation</h2><p class=\"pre\">%s</p></div>\n", x->comments);
	int grantee = r->user->role == ROLE_INTERMEDIARY;
	int editable = grantee && (!strcmp(x->status, "due") || !strcmp(x->status, "returned"));
	if (editable) {
		/* Start from a draft of what ilnet already holds for the period. */
		const char *body = req_form(r, "body");
		if (!body)
			body = *x->body ? x->body : grant_report_draft(r, g->id, x->from, x->to);
		html(r, "<p>%s</p>\n", *x->body ? "Your saved report." :
		     "Drafted for you from the visits your organization logged in this period: schools served,"
		     " visits and hours by activity and dimension, and schools not visited. Edit it, then submit.");
		form_begin(r, self);
		const char *err = form_error_for(e, "body");
		html(r, "<div class=\"field%s\"><label for=\"f-body\">Report</label>\n", err ? " has-error" : "");
		if (err)
			html(r, "<p class=\"error\" id=\"e-body\">%s</p>\n", err);
		html(r, "<textarea id=\"f-body\" name=\"body\" rows=\"24\"");
		if (err)
			html_raw(r, " aria-describedby=\"e-body\" aria-invalid=\"true\"");
		html(r, ">%s</textarea></div>\n", body);
		html(r, "<div class=\"actions\"><button type=\"submit\" name=\"action\" value=\"submit\">Submit report</button>"
		        "<button type=\"submit\" name=\"action\" value=\"save\" class=\"secondary\">Save draft</button></div>\n");
		form_end(r);
	} else if (grantee || !strcmp(x->status, "submitted") || !strcmp(x->status, "approved")) {
		html(r, "<h2>The report</h2>\n<div class=\"report pre\">%s</div>\n", *x->body ? x->body : "Not written yet.");
	} else {
		/* A draft stays with the grantee until they submit it. */
		html(r, "<p>Not submitted yet.</p>\n");
	}
	if (is_staff(r) && !strcmp(x->status, "submitted")) {
		html(r, "<h2>Decide</h2>\n");
		form_begin(r, self);
		const char *cerr = form_error_for(e, "comments");
		html(r, "<div class=\"field%s\"><label for=\"f-comments\">Comments for the grantee</label>"
		        "<p class=\"hint\" id=\"h-comments\">Needed when returning the report.</p>\n", cerr ? " has-error" : "");
		if (cerr)
			html(r, "<p class=\"error\" id=\"e-comments\">%s</p>\n", cerr);
		html(r, "<textarea id=\"f-comments\" name=\"comments\" rows=\"4\"");
		if (cerr)
			html_raw(r, " aria-describedby=\"h-comments e-comments\" aria-invalid=\"true\"");
		else
			html_raw(r, " aria-describedby=\"h-comments\"");
		html(r, ">%s</textarea></div>\n", req_form(r, "comments") ? req_form(r, "comments") : "");
		html(r, "<div class=\"actions\"><button type=\"submit\" name=\"action\" value=\"approve\">Approve</button>"
		        "<button type=\"submit\" name=\"action\" value=\"return\" class=\"secondary\">Return with comments</button></div>\n");
		form_end(r);
	}
	page_end(r);
}

void grant_report_page(struct req *r)
{
	struct grant *g = grant_load(r, r->ids[0]);
	report_view(r, g, report_load(r, g, r->ids[1]), NULL);
}

void grant_report_submit(struct req *r)
{
	db_begin(r);
	struct grant *g = grant_load(r, r->ids[0]);
	struct report *x = report_load(r, g, r->ids[1]);
	const char *action = req_form(r, "action");
	const char *self = arena_printf(&r->arena, "/grants/%lld/reports/%lld", g->id, x->id);
	struct form_errors e = {0};
	if (!action)
		req_fail(r, 400, "no action");
	int staff = is_staff(r);
	if (!staff && (!strcmp(action, "save") || !strcmp(action, "submit"))) {
		const char *body = req_form(r, "body");
		if (!grant_report_transition_ok(x->status, "submitted", 0))
			req_fail(r, 409, "this report cannot be changed now");
		if (!body || !*body)
			form_error(&e, "body", "Write the report before submitting it.");
		else if (strlen(body) > 100000)
			form_error(&e, "body", "Shorten the report to 100,000 characters or fewer.");
		if (e.n) {
			r->status = 422;
			report_view(r, g, x, &e);
			return;
		}
		int submit = !strcmp(action, "submit");
		db_exec(r, "UPDATE grant_reports SET body = ?, status = CASE WHEN ? THEN 'submitted' ELSE status END,"
		           " submitted_at = CASE WHEN ? THEN unixepoch() ELSE submitted_at END,"
		           " submitted_by = CASE WHEN ? THEN ? ELSE submitted_by END WHERE id = ?",
		        "tiiiII", body, submit, submit, submit, r->user->id, x->id);
		event(r, g->id, submit ? "report submitted" : "report draft saved", x->title);
		db_commit(r);
		req_redirect(r, arena_printf(&r->arena, "%s?msg=%s", self, submit ? "submitted" : "saved"));
		return;
	}
	if (staff && (!strcmp(action, "approve") || !strcmp(action, "return"))) {
		const char *to = !strcmp(action, "approve") ? "approved" : "returned";
		const char *comments = req_form(r, "comments");
		if (!grant_report_transition_ok(x->status, to, 1))
			req_fail(r, 409, "this report is not waiting for a decision");
		if (!strcmp(to, "returned") && (!comments || !*comments)) {
			form_error(&e, "comments", "Say what needs changing when returning a report.");
			r->status = 422;
			report_view(r, g, x, &e);
			return;
		}
		/* Earlier comments stay unless new ones replace them; all go in the history. */
		db_exec(r, "UPDATE grant_reports SET status = ?, comments = CASE WHEN ? = '' THEN comments ELSE ? END,"
		           " decided_at = unixepoch(), decided_by = ? WHERE id = ?", "tttII", to,
		        comments ? comments : "", comments ? comments : "", r->user->id, x->id);
		event(r, g->id, arena_printf(&r->arena, "report %s", to), comments && *comments ?
		      arena_printf(&r->arena, "%s: %s", x->title, comments) : x->title);
		db_commit(r);
		req_redirect(r, arena_printf(&r->arena, "%s?msg=saved", self));
		return;
	}
	req_fail(r, 403, "not an action for this role");
}
