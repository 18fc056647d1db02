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
static int grant_open_stage(const char *stage)
{
	return !strcmp(stage, "awarded") || !strcmp(stage, "active");
}

static int grant_open(const struct grant *g)
{
	return grant_open_stage(g->stage);
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
static void activity_boxes(struct req *r, const struct form_errors *e, const char *v, int from_form)
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
		for (int k = 0; from_form && k < r->form.n; k++)
			on |= !strcmp(r->form.v[k].name, "activities") && !strcmp(r->form.v[k].value, grant_activities[i]);
		if (!from_form && v)
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
		     grant_open_stage(db_col_text(r, st, 3)) ? money(r, grant_unscheduled(db_col_text(r, st, 3), amount,
		                                                                          db_col_int(st, 7))) : "—",
		     db_col_text(r, st, 5), db_col_text(r, st, 6));
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
		activity_boxes(r, e, NULL, 1);
		form_textarea(r, e, "purpose", "Purpose", req_form(r, "purpose"), 3, GRANT_PURPOSE_MAX,
		              "Up to 2,000 characters.");
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
	size_t pl = utf8_chars(req_form(r, "purpose"));
	if (pl > GRANT_PURPOSE_MAX)
		form_error(e, "purpose", arena_printf(&r->arena, "Shorten the purpose to 2,000 characters (it has %s).",
		                                      count_text(r, (long long)pl)));
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

/* A grant's terms may be corrected until it is over. */
static int grant_editable(const struct grant *g)
{
	return !strcmp(g->stage, "proposed") || grant_open(g);
}

/* Staff correct the title, award, dates, purpose and activities; the
 * form opens with the grant's terms, or as sent when they were refused. */
static void terms_form(struct req *r, struct grant *g, const struct form_errors *e)
{
	int posted = req_form(r, "action") && !strcmp(req_form(r, "action"), "terms");
	html(r, "<details class=\"terms\"%s><summary>Correct the title, award, dates, purpose or activities</summary>\n",
	     posted ? " open" : "");
	form_begin(r, arena_printf(&r->arena, "/grants/%lld", g->id));
	html(r, "<input type=\"hidden\" name=\"action\" value=\"terms\">\n");
	form_input(r, e, "title", "Title", "text", posted ? req_form(r, "title") : g->title, "off", NULL, 1, LEN_TITLE);
	form_input(r, e, "amount", "Award", "text", posted ? req_form(r, "amount") : money(r, g->amount), "off",
	           arena_printf(&r->arena, "In dollars; not less than the %s scheduled.", money(r, g->scheduled)), 1, 0);
	form_input(r, e, "start", "Starts", "date", posted ? req_form(r, "start") : g->start, "off", NULL, 1, 0);
	form_input(r, e, "end", "Ends", "date", posted ? req_form(r, "end") : g->end, "off", NULL, 1, 0);
	activity_boxes(r, e, g->activities, posted);
	form_textarea(r, e, "purpose", "Purpose", posted ? req_form(r, "purpose") : g->purpose, 3, GRANT_PURPOSE_MAX,
	              "Up to 2,000 characters.");
	html(r, "<button type=\"submit\">Save the terms</button>\n");
	form_end(r);
	html(r, "</details>\n");
}

/* What moving g to stage `to` does, said before it is done. */
static const char *stage_effect(struct req *r, const struct grant *g, const char *to)
{
	if (!strcmp(to, "awarded"))
		return arena_printf(&r->arena, "The grant of %s to %s becomes awarded: payments can be scheduled, reports"
		                    " required and schools added to its roster, and its award counts as awarded in the"
		                    " portfolio.", money(r, g->amount), g->org);
	if (!strcmp(to, "active"))
		return arena_printf(&r->arena, "The grant becomes active: %s's coaches can log visits to the schools on its"
		                    " roster, and its reports are drafted from those visits.", g->org);
	if (!strcmp(to, "closed"))
		return arena_printf(&r->arena, "The grant closes: no more payments, reports or roster changes, and the %s not"
		                    " yet scheduled will not be paid. This cannot be undone.",
		                    money(r, grant_unscheduled(g->stage, g->amount, g->scheduled)));
	if (!strcmp(to, "declined"))
		return arena_printf(&r->arena, "The proposal from %s is declined: it never becomes a grant, and it leaves the"
		                    " proposed figures. This cannot be undone.", g->org);
	return arena_printf(&r->arena, "The grant is withdrawn: no more payments, reports or roster changes. Payments"
	                    " still scheduled (%s) will not be paid. This cannot be undone.",
	                    money(r, g->scheduled - g->paid));
}

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
			            !strcmp(g->stage, "active") ? "A grant closes only when its final report is approved."
			                                        " The next page says what the change does and asks you to confirm."
			                                        : "The next page says what the change does and asks you to confirm.");
			html(r, "<button type=\"submit\">Change stage…</button>\n");
			form_end(r);
		}
		if (grant_editable(g))
			terms_form(r, g, e);
	}

	/* Payments: only an awarded or active grant has a balance to schedule. */
	html(r, "<h2>Payments</h2>\n<ul class=\"figures\"><li><strong>%s</strong> scheduled</li>"
	        "<li><strong>%s</strong> paid</li>", money(r, g->scheduled), money(r, g->paid));
	if (grant_open(g))
		html(r, "<li><strong>%s</strong> not yet scheduled</li>", money(r, grant_unscheduled(g->stage, g->amount, g->scheduled)));
	html(r, "</ul>\n");
	sqlite3_stmt *st = db_q(r, "SELECT id, due_date, amount_cents, status, coalesce(paid_on, ''), note, paid_ref, due_override"
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
		const char *ref = db_col_text(r, st, 6), *over = db_col_text(r, st, 7);
		html(r, "<tr><td class=\"date\">%s</td><td class=\"num\">%s</td><td>%s</td><td>%s%s%s</td>", db_col_text(r, st, 1),
		     money(r, db_col_int(st, 2)),
		     !strcmp(status, "paid") ? arena_printf(&r->arena, "Paid %s%s%s", db_col_text(r, st, 4), *ref ? ", ref. " : "", ref)
		                             : "Scheduled", db_col_text(r, st, 5),
		     *over ? (*db_col_text(r, st, 5) ? "; due outside the grant's period: " : "Due outside the grant's period: ") : "",
		     over);
		if (staff) {
			html(r, "<td>");
			if (grant_open(g))
				html(r, "<a href=\"%s/payments/%lld\">%s<span class=\"visually-hidden\"> the payment due %s</span></a>",
				     self, db_col_int(st, 0), !strcmp(status, "paid") ? "Reverse" : "Pay, change or cancel",
				     db_col_text(r, st, 1));
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
		form_input(r, e, "pay_due", "Due", "date", req_form(r, "pay_due"), "off",
		           arena_printf(&r->arena, "Within the grant's period, %s to %s.", g->start, g->end), 1, 0);
		form_input(r, e, "pay_amount", "Amount", "text", req_form(r, "pay_amount"), "off",
		           arena_printf(&r->arena, "At most %s, the unscheduled balance.", money(r, g->amount - g->scheduled)), 1, 0);
		form_input(r, e, "pay_note", "Note", "text", req_form(r, "pay_note"), "off", "Up to 200 characters.", 0, LEN_TITLE);
		form_input(r, e, "pay_override", "Reason for a due date outside the grant's period", "text",
		           req_form(r, "pay_override"), "off", "Only when it falls outside on purpose: say why (up to 500"
		           " characters).", 0, REASON_MAX);
		html(r, "<button type=\"submit\">Schedule payment</button>\n");
		form_end(r);
	}

	/* Reports. */
	html(r, "<h2>Reports</h2>\n");
	st = db_q(r, "SELECT id, title, period_start, period_end, due_date, status, is_final, body <> '' FROM grant_reports"
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
		html(r, "<tr><td><a href=\"%s/reports/%lld\">%s</a>%s</td><td><span class=\"nowrap\">%s</span> to <span class=\"nowrap\">%s</span></td><td class=\"date\">%s</td><td>%s</td></tr>\n",
		     self, db_col_int(st, 0), db_col_text(r, st, 1), db_col_int(st, 6) ? " (final)" : "",
		     db_col_text(r, st, 2), db_col_text(r, st, 3), due,
		     grant_report_label(status, !strcmp(status, "due") && db_col_int(st, 7), db_col_text(r, st, 3), due, today));
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
				/* Ends on a chosen day: the last day the school is served. */
				long long rid = db_col_int(st, 0);
				int mine = req_form(r, "roster") && atoll(req_form(r, "roster")) == rid;
				form_begin(r, self);
				html(r, "<input type=\"hidden\" name=\"action\" value=\"leave\"><input type=\"hidden\" name=\"roster\""
				        " value=\"%lld\"><label for=\"leave-%lld\">Last day<span class=\"visually-hidden\"> for %s</span></label>"
				        " <input type=\"date\" id=\"leave-%lld\" name=\"leave_on\" value=\"%s\" required>"
				        " <button type=\"submit\" class=\"secondary\">End<span class=\"visually-hidden\"> %s's place on the"
				        " roster</span></button>\n", rid, rid, db_col_text(r, st, 2), rid,
				     mine && req_form(r, "leave_on") ? req_form(r, "leave_on") : today, db_col_text(r, st, 2));
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
	             " WHERE e.grant_id = ?3 AND (e.school_id IS NULL OR " POLICY_VISIBLE_SQL("?4", "?1", "?2", "?5") ")"
	             " ORDER BY e.id DESC LIMIT 201", "IIItI", r->user->id, r->user->org_id, g->id,
	             role_name(r->user->role), r->user->nation_id);
	int shown = 0;
	while (db_step(r, st)) {
		if (db_col_int(st, 5) && policy_row(r, st, 6) == VIS_HIDDEN)
			continue;
		if (++shown > 200) {
			html(r, "<li>Older events are not listed here.</li>\n");
			break;
		}
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

/* Correct a grant's terms (inside the caller's transaction); every change
 * goes in the history, old and new.  The award never drops below what is
 * scheduled (the database refuses it too), and the dates keep the
 * payments due within them unless a reason was given for one outside. */
static void terms_submit(struct req *r, struct grant *g, struct form_errors *e)
{
	long long cents = 0;
	const char *title = req_form(r, "title");
	size_t tl = utf8_chars(title);
	if (!tl || tl > LEN_TITLE)
		form_error(e, "title", tl ? "Use at most 200 characters." : "Give the grant a title.");
	check_terms(r, e, &cents);
	const char *acts = posted_activities(r, e);
	const char *start = req_form(r, "start"), *end = req_form(r, "end");
	const char *purpose = req_form(r, "purpose") ? req_form(r, "purpose") : "";
	if (!form_error_for(e, "amount") && cents < g->scheduled)
		form_error(e, "amount", arena_printf(&r->arena, "The award cannot be less than the payments already scheduled,"
		                                     " %s: cancel or change payments first.", money(r, g->scheduled)));
	if (!form_error_for(e, "start") && !form_error_for(e, "end")) {
		long long outside = db_int(r, 0, "SELECT count(*) FROM grant_payments WHERE grant_id = ? AND due_override = ''"
		                                 " AND (due_date < ? OR due_date > ?)", "Itt", g->id, start, end);
		if (outside)
			form_error(e, "end", arena_printf(&r->arena, "%lld payment%s would fall due outside those dates: reschedule"
			                                  " %s first, or give %s a reason.", outside, outside == 1 ? "" : "s",
			                                  outside == 1 ? "it" : "them", outside == 1 ? "it" : "each"));
		else if (db_int(r, 0, "SELECT count(*) FROM grant_schools WHERE grant_id = ? AND from_date < ?", "It", g->id, start))
			form_error(e, "start", "A school on the roster joined before that date: the grant must start by then.");
	}
	if (e->n)
		return;
	struct buf d = BUF_IN(&r->arena);
	if (strcmp(title, g->title))
		buf_printf(&d, "%stitle %s → %s", d.len ? "; " : "", g->title, title);
	if (cents != g->amount)
		buf_printf(&d, "%saward %s → %s", d.len ? "; " : "", money(r, g->amount), money(r, cents));
	if (strcmp(start, g->start) || strcmp(end, g->end))
		buf_printf(&d, "%sruns %s to %s → %s to %s", d.len ? "; " : "", g->start, g->end, start, end);
	if (strcmp(acts, g->activities))
		buf_printf(&d, "%sactivities %s → %s", d.len ? "; " : "", activities_text(r, g->activities), activities_text(r, acts));
	if (strcmp(purpose, g->purpose))
		buf_printf(&d, "%spurpose changed", d.len ? "; " : "");
	if (d.len) {
		db_exec(r, "UPDATE grants SET title = ?, amount_cents = ?, start_date = ?, end_date = ?, activities = ?,"
		           " purpose = ? WHERE id = ?", "tIttttI", title, cents, start, end, acts, purpose, g->id);
		event(r, g->id, "terms changed", buf_str(&d));
	}
	buf_free(&d);
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
	const char *self = arena_printf(&r->arena, "/grants/%lld", g->id);
	if (!action)
		req_fail(r, 400, "no action");
	if (!strcmp(action, "terms") && !grant_editable(g))
		form_error(&e, NULL, arena_printf(&r->arena, "A %s grant's terms can no longer be changed.", g->stage));
	else if (!grant_open(g) && (!strcmp(action, "payment") || !strcmp(action, "join") ||
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
		if (!e.n && !req_form(r, "sure")) {
			static const char *const keep[] = { "action", "stage", NULL };
			page_confirm(r, arena_printf(&r->arena, "Move this grant to %s?", region_label(grant_stages, to)),
			             stage_effect(r, g, to), self, keep,
			             arena_printf(&r->arena, "Move it to %s", region_label(grant_stages, to)), self);
			return;
		}
		if (!e.n) {
			db_exec(r, "UPDATE grants SET stage = ? WHERE id = ?", "tI", to, g->id);
			event(r, g->id, "stage", arena_printf(&r->arena, "%s to %s", g->stage, to));
		}
	} else if (!strcmp(action, "payment")) {
		long long cents = 0;
		const char *due = req_form(r, "pay_due"), *note = req_form(r, "pay_note");
		const char *over = req_form(r, "pay_override") ? req_form(r, "pay_override") : "";
		if (!date_valid(due))
			form_error(&e, "pay_due", "Enter the due date as YYYY-MM-DD.");
		else if (grant_due_in_period(due, g->start, g->end))
			over = "";          /* a reason is for a date outside only */
		else if (!*over)
			form_error(&e, "pay_due", arena_printf(&r->arena, "Choose a date within the grant's period, %s to %s, or give"
			                                       " the reason for a date outside it.", g->start, g->end));
		if (utf8_chars(over) > REASON_MAX)
			form_error(&e, "pay_override", "Keep the reason to 500 characters.");
		if (!money_parse(req_form(r, "pay_amount"), &cents) || cents <= 0)
			form_error(&e, "pay_amount", "Enter the amount in dollars and cents, like 25,000.00.");
		else if (cents > g->amount - g->scheduled)
			form_error(&e, "pay_amount", arena_printf(&r->arena, "That is more than the unscheduled balance, %s.",
			                                      money(r, g->amount - g->scheduled)));
		if (utf8_chars(note) > LEN_TITLE)
			form_error(&e, "pay_note", "Keep the note to 200 characters.");
		if (!e.n) {
			db_exec(r, "INSERT INTO grant_payments (grant_id, due_date, amount_cents, note, due_override)"
			           " VALUES (?, ?, ?, ?, ?)", "ItItt", g->id, due, cents, note ? note : "", over);
			event(r, g->id, "payment scheduled", arena_printf(&r->arena, "%s due %s%s%s", money(r, cents), due,
			                                                  *over ? ", outside the grant's period: " : "", over));
		}
	} else if (!strcmp(action, "terms")) {
		terms_submit(r, g, &e);	} else if (!strcmp(action, "report")) {
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
		const char *on = req_form(r, "leave_on");
		long long sid = db_int(r, 0, "SELECT school_id FROM grant_schools WHERE id = ? AND grant_id = ?"
		                             " AND to_date IS NULL", "II", rid, g->id);
		if (!sid || policy_school(r, sid) == VIS_HIDDEN)
			req_fail(r, 409, "not on the roster");
		char *from = db_text(r, "SELECT from_date FROM grant_schools WHERE id = ?", "I", rid);
		if (!date_valid(on))
			form_error(&e, NULL, "Enter the school's last day on the roster as YYYY-MM-DD.");
		else if (strcmp(on, from) < 0 || strcmp(on, g->end) > 0)
			form_error(&e, NULL, arena_printf(&r->arena, "Choose a last day from the day the school joined, %s, to the"
			                                  " grant's end, %s.", from, g->end));
		else {
			db_exec(r, "UPDATE grant_schools SET to_date = ? WHERE id = ?", "tI", on, rid);
			school_event(r, g->id, sid, "school left", arena_printf(&r->arena, "last day %s", on));
		}
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
	char today[11];
	date_today_local(today);
	const char *msg = req_query(r, "msg");
	if (msg && (!e || !e->n))
		page_notice(r, !strcmp(msg, "submitted") ? "Report submitted. The foundation will approve it or"
		                                           " return it with comments." : "Saved.");
	form_error_summary(r, e);
	const char *self = arena_printf(&r->arena, "/grants/%lld/reports/%lld", g->id, x->id);
	html(r, "<dl class=\"facts\"><dt>Grant</dt><dd><a href=\"/grants/%lld\">%s</a> (%s)</dd><dt>Period</dt><dd>%s to %s</dd>"
	        "<dt>Due</dt><dd>%s</dd><dt>Status</dt><dd><strong>%s</strong></dd></dl>\n", g->id, g->title, g->org,
	     x->from, x->to, x->due,
	     !strcmp(x->status, "submitted") ? "Submitted, waiting for the foundation" :
	     grant_report_label(x->status, !strcmp(x->status, "due") && *x->body, x->to, x->due, today));
	if (*x->comments)
		html(r, "<div class=\"notice\"><h2>Comments from the foundation</h2><p class=\"pre\">%s</p></div>\n", x->comments);
	int grantee = r->user->role == ROLE_INTERMEDIARY;
	int editable = grantee && (!strcmp(x->status, "due") || !strcmp(x->status, "returned"));
	if (editable) {
		/* Start from a draft of what ilnet already holds for the period. */
		/* A saved draft stays as written; ?fresh=1 drafts again from the
		 * visits as they are now (corrections included), saved only when
		 * the grantee saves or submits. */
		const char *body = req_form(r, "body");
		int fresh = req_query(r, "fresh") != NULL;
		if (!body)
			body = *x->body && !fresh ? x->body : grant_report_draft(r, g->id, x->from, x->to);
		if (*x->body && !fresh)
			html(r, "<p>Your saved draft. Visits logged or corrected since it was saved do not change it:"
			        " <a href=\"%s?fresh=1\">draft it again from the visits as they are now</a> (your saved draft stays"
			        " until you save).</p>\n", self);
		else
			html(r, "<p>Drafted for you from the visits your organization logged in this period: schools served,"
			        " visits and hours by activity and dimension, and schools not visited. Edit it, then submit.</p>\n");
		form_begin(r, self);
		form_textarea(r, e, "body", "Report", body, 24, REPORT_BODY_MAX, "Up to 20,000 characters.");
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
		form_textarea(r, e, "comments", "Comments for the grantee", req_form(r, "comments"), 4, REPORT_COMMENTS_MAX,
		              "Needed when returning the report. Up to 4,000 characters.");
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
		else if (utf8_chars(body) > REPORT_BODY_MAX)
			form_error(&e, "body", arena_printf(&r->arena, "Shorten the report to 20,000 characters: it has %s."
			                                    " Nothing was saved.", count_text(r, (long long)utf8_chars(body))));
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
		if (utf8_chars(comments) > REPORT_COMMENTS_MAX) {
			form_error(&e, "comments", arena_printf(&r->arena, "Shorten the comments to 4,000 characters: they have %s.",
			                                        count_text(r, (long long)utf8_chars(comments))));
			r->status = 422;
			report_view(r, g, x, &e);
			return;
		}
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

/* ---- one payment: /grants/{id}/payments/{id} -------------------------------- */

struct payment {
	long long id, amount;
	const char *due, *status, *paid_on, *ref, *note, *over;
};

static struct payment *payment_load(struct req *r, struct grant *g, long long id)
{
	sqlite3_stmt *st = db_q(r, "SELECT id, amount_cents, due_date, status, coalesce(paid_on, ''), paid_ref, note,"
	                           " due_override FROM grant_payments WHERE id = ? AND grant_id = ?", "II", id, g->id);
	if (!db_step(r, st))
		req_fail(r, 404, "no such payment");
	struct payment *p = arena_zalloc(&r->arena, sizeof *p);
	p->id = db_col_int(st, 0);
	p->amount = db_col_int(st, 1);
	p->due = db_col_text(r, st, 2);
	p->status = db_col_text(r, st, 3);
	p->paid_on = db_col_text(r, st, 4);
	p->ref = db_col_text(r, st, 5);
	p->note = db_col_text(r, st, 6);
	p->over = db_col_text(r, st, 7);
	sqlite3_reset(st);
	return p;
}

static void payment_view(struct req *r, struct grant *g, struct payment *p, const struct form_errors *e)
{
	page_begin(r, arena_printf(&r->arena, "Payment of %s due %s", money(r, p->amount), p->due));
	const char *self = arena_printf(&r->arena, "/grants/%lld/payments/%lld", g->id, p->id);
	const char *act = req_form(r, "action") ? req_form(r, "action") : "";
	int paid = !strcmp(p->status, "paid");
	form_error_summary(r, e);
	html(r, "<dl class=\"facts\"><dt>Grant</dt><dd><a href=\"/grants/%lld\">%s</a> (%s)</dd><dt>Amount</dt><dd>%s</dd>"
	        "<dt>Due</dt><dd>%s</dd><dt>Status</dt><dd><strong>%s</strong></dd>", g->id, g->title, g->org,
	     money(r, p->amount), p->due, paid ? arena_printf(&r->arena, "Paid %s", p->paid_on) : "Scheduled");
	if (paid)
		html(r, "<dt>Reference</dt><dd>%s</dd>", *p->ref ? p->ref : "—");
	html(r, "<dt>Note</dt><dd>%s</dd>", *p->note ? p->note : "—");
	if (*p->over)
		html(r, "<dt>Due outside the grant's period because</dt><dd>%s</dd>", p->over);
	html(r, "</dl>\n");
	char today[11];
	date_today_local(today);
	if (!grant_open(g)) {
		html(r, "<p>A %s grant's payments no longer change.</p>\n", g->stage);
	} else if (!paid) {
		html(r, "<h2>Record as paid</h2>\n");
		form_begin_create(r, self);
		html(r, "<input type=\"hidden\" name=\"action\" value=\"paid\">\n");
		form_input(r, e, "paid_on", "Paid on", "date", !strcmp(act, "paid") ? req_form(r, "paid_on") : today, "off",
		           "The day the money went out; not in the future.", 1, 0);
		form_input(r, e, "paid_ref", "Reference", "text", !strcmp(act, "paid") ? req_form(r, "paid_ref") : "", "off",
		           "The transfer's or check's reference, up to 200 characters.", 1, LEN_TITLE);
		html(r, "<button type=\"submit\">Record as paid</button>\n");
		form_end(r);

		int ed = !strcmp(act, "edit");
		html(r, "<h2>Change or reschedule</h2>\n");
		form_begin(r, self);
		html(r, "<input type=\"hidden\" name=\"action\" value=\"edit\">\n");
		form_input(r, e, "due", "Due", "date", ed ? req_form(r, "due") : p->due, "off",
		           arena_printf(&r->arena, "Within the grant's period, %s to %s.", g->start, g->end), 1, 0);
		form_input(r, e, "amount", "Amount", "text", ed ? req_form(r, "amount") : money(r, p->amount), "off",
		           arena_printf(&r->arena, "At most %s (this payment and the unscheduled balance).",
		                        money(r, g->amount - g->scheduled + p->amount)), 1, 0);
		form_input(r, e, "note", "Note", "text", ed ? req_form(r, "note") : p->note, "off", "Up to 200 characters.", 0,
		           LEN_TITLE);
		form_input(r, e, "override", "Reason for a due date outside the grant's period", "text",
		           ed ? req_form(r, "override") : p->over, "off",
		           "Only when it falls outside on purpose: say why (up to 500 characters).", 0, REASON_MAX);
		html(r, "<button type=\"submit\">Save the changes</button>\n");
		form_end(r);

		html(r, "<h2>Cancel</h2>\n");
		form_begin(r, self);
		html(r, "<input type=\"hidden\" name=\"action\" value=\"cancel\">\n");
		form_input(r, e, "cancel_reason", "Why (optional)", "text", !strcmp(act, "cancel") ? req_form(r, "cancel_reason") : "",
		           "off", "Kept in the grant's history. Up to 500 characters.", 0, REASON_MAX);
		html(r, "<button type=\"submit\" class=\"secondary\">Cancel this payment…</button>\n");
		form_end(r);
	} else {
		html(r, "<h2>Reverse</h2>\n<p>When the money came back or never arrived: the payment returns to the schedule,"
		        " due %s, and the reversal stays in the grant's history.</p>\n", p->due);
		form_begin(r, self);
		html(r, "<input type=\"hidden\" name=\"action\" value=\"reverse\">\n");
		form_input(r, e, "reverse_reason", "Reason", "text", !strcmp(act, "reverse") ? req_form(r, "reverse_reason") : "",
		           "off", "Up to 500 characters.", 1, REASON_MAX);
		html(r, "<button type=\"submit\" class=\"secondary\">Reverse this payment…</button>\n");
		form_end(r);
	}
	html(r, "<p><a href=\"/grants/%lld\">Back to the grant</a></p>\n", g->id);
	page_end(r);
}

void grant_payment_page(struct req *r)
{
	struct grant *g = grant_load(r, r->ids[0]);
	payment_view(r, g, payment_load(r, g, r->ids[1]), NULL);
}

/* Check a reason: given when required, never longer than REASON_MAX. */
static const char *reason_of(struct req *r, struct form_errors *e, const char *field, int required)
{
	const char *v = req_form(r, field) ? req_form(r, field) : "";
	if (required && !*v)
		form_error(e, field, "Give the reason: it is kept in the grant's history.");
	else if (utf8_chars(v) > REASON_MAX)
		form_error(e, field, arena_printf(&r->arena, "Shorten the reason to 500 characters (it has %zu).", utf8_chars(v)));
	return v;
}

void grant_payment_submit(struct req *r)
{
	db_begin(r);
	struct grant *g = grant_load(r, r->ids[0]);
	struct payment *p = payment_load(r, g, r->ids[1]);
	const char *action = req_form(r, "action") ? req_form(r, "action") : "";
	const char *self = arena_printf(&r->arena, "/grants/%lld/payments/%lld", g->id, p->id);
	const char *back = arena_printf(&r->arena, "/grants/%lld?msg=saved", g->id);
	int paid = !strcmp(p->status, "paid");
	struct form_errors e = {0};
	char today[11];
	date_today_local(today);
	if (!grant_open(g)) {
		form_error(&e, NULL, arena_printf(&r->arena, "A %s grant's payments no longer change.", g->stage));
	} else if (!strcmp(action, "paid")) {
		const char *on = req_form(r, "paid_on"), *ref = req_form(r, "paid_ref") ? req_form(r, "paid_ref") : "";
		if (paid)
			form_error(&e, NULL, "This payment is already recorded as paid.");
		else if (!date_valid(on))
			form_error(&e, "paid_on", "Enter the day it was paid as YYYY-MM-DD.");
		else if (!grant_paid_on_ok(on, today))
			form_error(&e, "paid_on", "A payment is recorded once it is made: that day is still to come.");
		if (!*ref)
			form_error(&e, "paid_ref", "Enter the transfer's or check's reference.");
		else if (utf8_chars(ref) > LEN_TITLE)
			form_error(&e, "paid_ref", "Keep the reference to 200 characters.");
		if (!e.n) {
			db_exec(r, "UPDATE grant_payments SET status = 'paid', paid_on = ?, paid_ref = ? WHERE id = ?", "ttI", on, ref,
			        p->id);
			event(r, g->id, "payment made", arena_printf(&r->arena, "%s on %s, ref. %s", money(r, p->amount), on, ref));
		}
	} else if (!strcmp(action, "edit")) {
		long long cents = 0;
		const char *due = req_form(r, "due"), *note = req_form(r, "note") ? req_form(r, "note") : "";
		const char *over = reason_of(r, &e, "override", 0);
		long long most = g->amount - g->scheduled + p->amount;
		if (paid)
			form_error(&e, NULL, "A payment made is not changed: reverse it first.");
		if (!date_valid(due))
			form_error(&e, "due", "Enter the due date as YYYY-MM-DD.");
		else if (grant_due_in_period(due, g->start, g->end))
			over = "";
		else if (!*over)
			form_error(&e, "due", arena_printf(&r->arena, "Choose a date within the grant's period, %s to %s, or give the"
			                                   " reason for a date outside it.", g->start, g->end));
		if (!money_parse(req_form(r, "amount"), &cents) || cents <= 0)
			form_error(&e, "amount", "Enter the amount in dollars and cents, like 25,000.00.");
		else if (cents > most)
			form_error(&e, "amount", arena_printf(&r->arena, "That is more than the award allows: at most %s.", money(r, most)));
		if (utf8_chars(note) > LEN_TITLE)
			form_error(&e, "note", "Keep the note to 200 characters.");
		if (!e.n) {
			struct buf d = BUF_IN(&r->arena);
			if (strcmp(due, p->due))
				buf_printf(&d, "due %s → %s", p->due, due);
			if (cents != p->amount)
				buf_printf(&d, "%s%s → %s", d.len ? "; " : "", money(r, p->amount), money(r, cents));
			if (strcmp(note, p->note))
				buf_printf(&d, "%snote changed", d.len ? "; " : "");
			if (strcmp(over, p->over))
				buf_printf(&d, "%s%s%s", d.len ? "; " : "", *over ? "outside the grant's period: " : "back within the"
				           " grant's period", over);
			if (d.len) {
				db_exec(r, "UPDATE grant_payments SET due_date = ?, amount_cents = ?, note = ?, due_override = ? WHERE id = ?",
				        "tIttI", due, cents, note, over, p->id);
				int moved_only = strcmp(due, p->due) && cents == p->amount && !strcmp(note, p->note);
				event(r, g->id, moved_only ? "payment rescheduled" : "payment changed",
				      arena_printf(&r->arena, "%s due %s: %s", money(r, p->amount), p->due, buf_str(&d)));
			}
			buf_free(&d);
		}
	} else if (!strcmp(action, "cancel")) {
		const char *why = reason_of(r, &e, "cancel_reason", 0);
		if (paid)
			form_error(&e, NULL, "A payment made is not cancelled: reverse it.");
		if (!e.n && !req_form(r, "sure")) {
			static const char *const keep[] = { "action", "cancel_reason", NULL };
			page_confirm(r, "Cancel this payment?",
			             arena_printf(&r->arena, "The payment of %s due %s to %s is taken off the schedule, and the amount"
			                          " goes back to the grant's unscheduled balance. The grant's history keeps it. This"
			                          " cannot be undone; schedule a new payment if it is needed again.",
			                          money(r, p->amount), p->due, g->org), self, keep, "Cancel the payment", self);
			return;
		}
		if (!e.n) {
			db_exec(r, "DELETE FROM grant_payments WHERE id = ?", "I", p->id);
			event(r, g->id, "payment cancelled", arena_printf(&r->arena, "%s due %s%s%s", money(r, p->amount), p->due,
			                                                  *why ? ": " : "", why));
		}
	} else if (!strcmp(action, "reverse")) {
		const char *why = reason_of(r, &e, "reverse_reason", 1);
		if (!paid)
			form_error(&e, NULL, "Only a payment made can be reversed.");
		if (!e.n && !req_form(r, "sure")) {
			static const char *const keep[] = { "action", "reverse_reason", NULL };
			page_confirm(r, "Reverse this payment?",
			             arena_printf(&r->arena, "The payment of %s recorded as paid on %s (ref. %s) is marked not paid and"
			                          " returns to the schedule, due %s; the paid total drops by %s. The reason, \u201c%s\u201d,"
			                          " stays in the grant's history.", money(r, p->amount), p->paid_on,
			                          *p->ref ? p->ref : "none", p->due, money(r, p->amount), why),
			             self, keep, "Reverse the payment", self);
			return;
		}
		if (!e.n) {
			/* The amount stays scheduled, so the award's guard still counts it. */
			db_exec(r, "UPDATE grant_payments SET status = 'scheduled', paid_on = NULL, paid_ref = '' WHERE id = ?", "I",
			        p->id);
			event(r, g->id, "payment reversed", arena_printf(&r->arena, "%s paid %s%s%s: %s; back on the schedule, due %s",
			                                                 money(r, p->amount), p->paid_on, *p->ref ? ", ref. " : "",
			                                                 p->ref, why, p->due));
		}
	} else {
		req_fail(r, 400, "unknown action");
	}
	if (e.n) {
		r->status = 422;
		payment_view(r, g, p, &e);
		return;
	}
	db_commit(r);
	req_redirect(r, back);
}
