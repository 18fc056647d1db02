/* visits.c — /visits: coaching visits.  Intermediary staff log a visit to
 * a school their organization's active grants serve, in the school's own
 * time zone; the form shows the next steps written at the previous visit.
 * Notes and next steps stay with the organization: foundation staff see
 * when, where, how long, the activity and the dimensions, never the notes. */
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

#define SERVED_SQL \
	" SELECT DISTINCT gs.school_id FROM grant_schools gs JOIN grants g ON g.id = gs.grant_id" \
	" WHERE g.org_id = ? AND g.stage = 'active' AND gs.from_date <= date('now')" \
	"   AND (gs.to_date IS NULL OR gs.to_date >= date('now'))"

static int is_staff(struct req *r)
{
	return r->user->role == ROLE_ADMIN || r->user->role == ROLE_STAFF;
}

static void log_form(struct req *r, const struct form_errors *e)
{
	const char *school = req_param(r, "school");
	long long sid = school ? atoll(school) : 0;
	/* The schools served that the policy lets this coach see: a private
	 * school whose steward has not allowed its intermediaries to see it is
	 * not named, here either. */
	sqlite3_stmt *ss = db_q(r,
	    "SELECT s.id, s.name || ' (' || s.city || ', ' || s.state_code || ', '"
	    "       || CASE s.tz WHEN 'America/Denver' THEN 'Mountain' ELSE 'Central' END || ' time)', "
	    POLICY_COLUMNS " FROM schools s WHERE s.id IN (" SERVED_SQL ") ORDER BY s.name",
	    "III", r->user->id, r->user->org_id, r->user->org_id);
	struct pairs list = {0};
	pairs_add(r, &list, "", "— choose —");
	while (db_step(r, ss))
		if (policy_row(r, ss, 2) != VIS_HIDDEN)
			pairs_add(r, &list, db_col_text(r, ss, 0), db_col_text(r, ss, 1));
	const char **opts = pairs_end(r, &list);
	html(r, "<h2 id=\"log\">Log a visit</h2>\n");
	if (!opts[2]) {
		html(r, "<p>Your organization has no active grant serving a school today, so there is nothing to"
		        " log a visit against.</p>\n");
		return;
	}
	/* Choosing the school first shows its time zone and the last next steps. */
	html(r, "<form method=\"get\" action=\"/visits#log\" class=\"filters\">\n<div class=\"field\">"
	        "<label for=\"choose-school\">School</label><select id=\"choose-school\" name=\"school\">\n");
	for (int i = 0; opts[i]; i += 2)
		html(r, "<option value=\"%s\"%s>%s</option>\n", opts[i], school && !strcmp(school, opts[i]) ? " selected" : "",
		     opts[i + 1]);
	html(r, "</select></div>\n<button type=\"submit\" class=\"secondary\">Show this school's last next steps"
	        "</button>\n</form>\n");
	char *tz = sid ? db_text(r, "SELECT tz FROM schools WHERE id = ? AND id IN (" SERVED_SQL ")", "II", sid,
	                         r->user->org_id) : NULL;
	if (tz) {
		sqlite3_stmt *st = db_q(r, "SELECT local_date, next_steps FROM visits WHERE school_id = ? AND org_id = ?"
		                           " AND next_steps <> '' ORDER BY starts_at DESC LIMIT 1", "II", sid, r->user->org_id);
		if (db_step(r, st)) {
			html(r, "<div class=\"notice\"><h3>Next steps from the visit on %s</h3><p class=\"pre\">%s</p></div>\n",
			     db_col_text(r, st, 0), db_col_text(r, st, 1));
			sqlite3_reset(st);
		}
	}
	form_error_summary(r, e);
	form_begin_create(r, "/visits");
	form_select(r, e, "school", "School visited", opts, school, NULL);
	form_input(r, e, "date", "Date", "date", req_form(r, "date"), "off",
	           tz ? arena_printf(&r->arena, "In the school's time zone: %s.", region_label(region_time_zones, tz))
	              : "In the school's own time zone.", 1, 0);
	form_input(r, e, "time", "Start time", "time", req_form(r, "time"), "off", "24-hour, like 09:30.", 1, 0);
	form_input(r, e, "minutes", "Length in minutes", "text", req_form(r, "minutes"), "off", NULL, 1, 0);
	form_choices(r, e, "mode", "Where", visit_modes, "radio", NULL);
	form_choices(r, e, "activity", "Activity", grant_activities, "radio", NULL);
	form_choices(r, e, "dimensions", "Dimensions of relevance it focused on", grant_dimensions, "checkbox",
	        "Choose any that apply.");
	html(r, "<fieldset class=\"field\" aria-describedby=\"h-who\"><legend>Who took part</legend>\n<p class=\"hint\" id=\"h-who\">Roles and"
	        " counts only. Never write students' names, here or in the notes.</p>\n");
	for (int i = 0; visit_roles[i]; i += 2) {
		const char *n = arena_printf(&r->arena, "who_%s", visit_roles[i]);
		form_input(r, e, n, visit_roles[i + 1], "text", req_form(r, n), "off", NULL, 0, 0);
	}
	html(r, "</fieldset>\n");
	html(r, "<div class=\"field%s\"><label for=\"f-notes\">Notes</label>\n<p class=\"hint\" id=\"h-notes\">Seen by"
	        " your organization only; the foundation sees the visit, not the notes. No students' names.</p>\n",
	     form_error_for(e, "notes") ? " has-error" : "");
	if (form_error_for(e, "notes"))
		html(r, "<p class=\"error\" id=\"e-notes\">%s</p>\n", form_error_for(e, "notes"));
	html(r, "<textarea id=\"f-notes\" name=\"notes\" rows=\"5\" maxlength=\"4000\" aria-describedby=\"h-notes%s\">%s</textarea></div>\n",
	     form_error_for(e, "notes") ? " e-notes" : "", req_form(r, "notes") ? req_form(r, "notes") : "");
	html(r, "<div class=\"field%s\"><label for=\"f-next_steps\">Next steps</label>\n<p class=\"hint\" id=\"h-next\">"
	        "Shown on the form for this school's next visit.</p>\n", form_error_for(e, "next_steps") ? " has-error" : "");
	if (form_error_for(e, "next_steps"))
		html(r, "<p class=\"error\" id=\"e-next_steps\">%s</p>\n", form_error_for(e, "next_steps"));
	html(r, "<textarea id=\"f-next_steps\" name=\"next_steps\" rows=\"3\" maxlength=\"2000\" aria-describedby=\"h-next%s\">%s</textarea></div>\n",
	     form_error_for(e, "next_steps") ? " e-next_steps" : "",
	     req_form(r, "next_steps") ? req_form(r, "next_steps") : "");
	html(r, "<button type=\"submit\">Log visit</button>\n");
	form_end(r);
}

static void visits_view(struct req *r, const struct form_errors *e)
{
	int staff = is_staff(r);
	page_begin(r, "Coaching visits");
	const char *msg = req_query(r, "msg");
	if (msg && !strcmp(msg, "logged") && (!e || !e->n))
		page_notice(r, "Visit logged.");
	if (!staff)
		log_form(r, e);
	long long org = staff ? (req_query(r, "org") ? atoll(req_query(r, "org")) : 0) : r->user->org_id;
	if (staff) {
		filter_begin(r, "/visits");
		filter_select(r, "org", "Organization", "All organizations",
		              form_options(r, db_q(r, "SELECT id, name FROM organizations ORDER BY name", ""), NULL),
		              req_query(r, "org"));
		filter_end(r);
	}
	/* Paged and totalled in SQL over the visits to schools the viewer may
	 * see (POLICY_VISIBLE_SQL): a private school's visits, listed or
	 * counted, would point at it.  policy_row() still decides every row
	 * shown. */
	const char *role = role_name(r->user->role);
	struct pager pg;
	pager_init(r, &pg);
	long long all = 0, mins = 0;
	sqlite3_stmt *st = db_q(r,
	    "SELECT count(*), coalesce(sum(v.minutes), 0) FROM visits v JOIN schools s ON s.id = v.school_id"
	    " WHERE (?1 = 0 OR v.org_id = ?1) AND " POLICY_VISIBLE_SQL("?2", "?3", "?4", "?5"),
	    "ItIII", org, role, r->user->id, r->user->org_id, r->user->nation_id);
	if (db_step(r, st)) {
		all = db_col_int(st, 0);
		mins = db_col_int(st, 1);
		sqlite3_reset(st);
	}
	pager_total(&pg, all);
	st = db_q(r,
	    "SELECT v.starts_at, s.tz, s.name, o.name, v.activity, v.mode, v.minutes, v.dimensions, v.participants,"
	    "       v.notes, v.next_steps, s.id, " POLICY_COLUMNS
	    "  FROM visits v JOIN schools s ON s.id = v.school_id JOIN organizations o ON o.id = v.org_id"
	    " WHERE (?3 = 0 OR v.org_id = ?3) AND " POLICY_VISIBLE_SQL("?4", "?1", "?2", "?5")
	    " ORDER BY v.starts_at DESC, v.id DESC LIMIT ?6 OFFSET ?7",
	    "IIItIII", r->user->id, r->user->org_id, org, role, r->user->nation_id,
	    pager_limit(&pg), pager_offset(&pg));
	html(r, "<h2>%s</h2>\n", staff ? "All visits" : "Your organization's visits");
	table_begin(r, NULL, "Visits, most recent first (times where they happened)");
	html(r, "<thead><tr><th scope=\"col\">When</th><th scope=\"col\">School</th>");
	if (staff)
		html(r, "<th scope=\"col\">Organization</th>");
	html(r, "<th scope=\"col\">Activity</th><th scope=\"col\">Where</th><th scope=\"col\">Minutes</th>"
	        "<th scope=\"col\">Dimensions</th>");
	if (!staff)
		html(r, "<th scope=\"col\">Notes and next steps</th>");
	html(r, "</tr></thead>\n<tbody>\n");
	int n = 0;
	struct usage_tally used = {0};
	while (db_step(r, st)) {
		/* A private school's visits, listed or counted, would point at it. */
		enum vis v = policy_row(r, st, 12);
		if (v == VIS_HIDDEN)
			continue;
		usage_count_school(r, &used, db_col_int(st, 11), db_col_int(st, 12), v);
		n++;
		char when[40];
		utc_to_local(db_col_int(st, 0), db_col_text(r, st, 1), when, sizeof when);
		html(r, "<tr><td class=\"date\">%s</td><td>%s</td>", when, db_col_text(r, st, 2));
		if (staff)
			html(r, "<td>%s</td>", db_col_text(r, st, 3));
		html(r, "<td>%s</td><td>%s</td><td class=\"num\">%lld</td><td>%s</td>",
		     region_label(grant_activities, db_col_text(r, st, 4)), region_label(visit_modes, db_col_text(r, st, 5)),
		     db_col_int(st, 6), region_labels(&r->arena, grant_dimensions, db_col_text(r, st, 7)));
		if (!staff)
			html(r, "<td class=\"pre\">%s%s%s</td>", db_col_text(r, st, 9), *db_col_text(r, st, 10) ? "\nNext: " : "",
			     db_col_text(r, st, 10));
		html(r, "</tr>\n");
	}
	if (!n)
		html(r, "<tr><td colspan=\"7\">No visits logged yet.</td></tr>\n");
	html(r, "</tbody>\n");
	table_end(r);
	usage_flush(r, &used, "visits");
	static const char *const keep[] = { "org", NULL };
	pager_nav(r, &pg, "/visits", keep, "Pages of visits", "visits");
	char hours[16];
	hours_text(mins, hours, sizeof hours);
	html(r, "<p>In all: %lld visit%s, %s hours.</p>\n", all, all == 1 ? "" : "s", hours);
	page_end(r);
}

void visits_page(struct req *r)
{
	visits_view(r, NULL);
}

void visits_submit(struct req *r)
{
	struct form_errors e = {0};
	long long sid = atoll(req_form(r, "school") ? req_form(r, "school") : "0");
	char *tz = db_text(r, "SELECT tz FROM schools WHERE id = ? AND id IN (" SERVED_SQL ")", "II", sid,
	                   r->user->org_id);
	if (tz && policy_school(r, sid) == VIS_HIDDEN)
		tz = NULL;              /* the same answer as for a school not served */
	if (!tz)
		form_error(&e, "school", "Choose a school your organization's active grants serve.");
	const char *date = req_form(r, "date"), *time_s = req_form(r, "time");
	long long at = 0;
	if (!date_valid(date))
		form_error(&e, "date", "Enter the date as YYYY-MM-DD.");
	else if (!time_s || !*time_s)
		form_error(&e, "time", "Enter the start time, like 09:30.");
	else if (tz && !local_to_utc(date, time_s, tz, &at))
		form_error(&e, "time", "Enter a start time that exists there, as HH:MM (clocks skip an hour in spring).");
	if (at > (long long)time(NULL))
		form_error(&e, "date", "A visit is logged once it has happened: that time is still to come.");
	const char *mins = req_form(r, "minutes");
	char *end = NULL;
	long minutes = mins ? strtol(mins, &end, 10) : 0;
	if (!mins || !*mins || *end || minutes < 5 || minutes > 1440)
		form_error(&e, "minutes", "Enter the length in whole minutes, from 5 to 1440.");
	const char *mode = req_form(r, "mode"), *activity = req_form(r, "activity");
	if (!region_valid(visit_modes, mode))
		form_error(&e, "mode", "Choose on site or remote.");
	if (!region_valid(grant_activities, activity))
		form_error(&e, "activity", "Choose the activity.");
	struct buf dims = BUF_IN(&r->arena), who = BUF_IN(&r->arena);
	for (int i = 0; grant_dimensions[i]; i += 2)
		for (int k = 0; k < r->form.n; k++)
			if (!strcmp(r->form.v[k].name, "dimensions") && !strcmp(r->form.v[k].value, grant_dimensions[i])) {
				buf_printf(&dims, "%s%s", dims.len ? "\n" : "", grant_dimensions[i]);
				break;
			}
	for (int i = 0; visit_roles[i]; i += 2) {
		const char *n = arena_printf(&r->arena, "who_%s", visit_roles[i]);
		const char *v = req_form(r, n);
		if (!v || !*v)
			continue;
		char *x = NULL;
		long c = strtol(v, &x, 10);
		if (*x || c < 0 || c > 10000)
			form_error(&e, n, "Enter a count, a whole number.");
		else if (c)
			buf_printf(&who, "%s%s=%ld", who.len ? "\n" : "", visit_roles[i], c);
	}
	const char *notes = req_form(r, "notes"), *next = req_form(r, "next_steps");
	if (utf8_chars(notes) > 4000)
		form_error(&e, "notes", arena_printf(&r->arena, "Shorten the notes to 4000 characters (they have %zu).", utf8_chars(notes)));
	if (utf8_chars(next) > 2000)
		form_error(&e, "next_steps", arena_printf(&r->arena, "Shorten the next steps to 2000 characters (they have %zu).",
		                                          utf8_chars(next)));
	if (e.n) {
		buf_free(&dims);
		buf_free(&who);
		r->status = 422;
		visits_view(r, &e);
		return;
	}
	db_begin(r);
	db_exec(r, "INSERT INTO visits (org_id, school_id, starts_at, local_date, minutes, mode, activity, dimensions,"
	           " participants, notes, next_steps, logged_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	        "IIItittttttI", r->user->org_id, sid, at, date, (int)minutes, mode, activity, buf_str(&dims),
	        buf_str(&who), notes ? notes : "", next ? next : "", r->user->id);
	db_commit(r);
	buf_free(&dims);
	buf_free(&who);
	req_redirect(r, arena_printf(&r->arena, "/visits?msg=logged&school=%lld", sid));
}
