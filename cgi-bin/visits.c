/* visits.c — /visits and /visits/{id}: coaching visits.  Intermediary
 * staff log a visit to a school their organization's active grants serve,
 * in the school's own time zone, on a day the school was on the grant's
 * roster; the form shows the next steps written at the previous visit.
 * The coach who logged a visit may correct or delete it for
 * VISIT_EDIT_DAYS days; every correction is kept in the visit's history
 * (who, when, old and new), which staff and the organization read, and the
 * counts and drafted reports follow the corrected visits.  Notes and next
 * steps stay with the organization: foundation staff see when, where, how
 * long, the activity and the dimensions, never the notes (nor their old
 * versions: the history says only that they changed). */
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

static const char *form_or(struct req *r, const char *name, const char *dflt)
{
	const char *v = req_form(r, name);
	return v ? v : dflt;
}

#define NOTES_MAX 4000
#define NEXT_STEPS_MAX 2000

/* The fields of a visit after its school, as the form sent them (a
 * visit being corrected puts its stored values in the form first); tz is
 * the school's time zone or NULL. */
static void visit_fields(struct req *r, const struct form_errors *e, const char *tz)
{
	form_input(r, e, "date", "Date", "date", req_form(r, "date"), "off",
	           tz ? arena_printf(&r->arena, "In the school's time zone: %s. A day the school was on your grant's"
	                             " roster, not in the future.", region_label(region_time_zones, tz))
	              : "In the school's own time zone, on a day it was on your grant's roster.", 1, 0);
	form_input(r, e, "time", "Start time", "time", req_form(r, "time"), "off", "24-hour, like 09:30.", 1, 0);
	form_input(r, e, "minutes", "Length in minutes", "text", req_form(r, "minutes"), "off", "From 5 to 1440.", 1, 0);
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
	form_textarea(r, e, "notes", "Notes", req_form(r, "notes"), 5, NOTES_MAX,
	              "Seen by your organization only; the foundation sees the visit, not the notes. No students' names."
	              " Up to 4,000 characters.");
	form_textarea(r, e, "next_steps", "Next steps", req_form(r, "next_steps"), 3, NEXT_STEPS_MAX,
	              "Shown on the form for this school's next visit. Up to 2,000 characters.");
}

/* A visit as the form sent it, checked. */
struct visit_in {
	const char *date, *time, *mode, *activity, *dims, *who, *notes, *next;
	long long at;
	long minutes;
};

/* Read and check the visit fields for school sid (time zone tz, NULL when
 * the school is not one the viewer may log against); errors go in e. The
 * date must be one the school was on a roster of the organization's
 * grants, not in the future. */
static void visit_read(struct req *r, struct form_errors *e, long long sid, const char *tz, struct visit_in *v)
{
	memset(v, 0, sizeof *v);
	v->date = req_form(r, "date");
	v->time = req_form(r, "time");
	if (!date_valid(v->date))
		form_error(e, "date", "Enter the date as YYYY-MM-DD.");
	else if (!v->time || !*v->time)
		form_error(e, "time", "Enter the start time, like 09:30.");
	else if (tz && !local_to_utc(v->date, v->time, tz, &v->at))
		form_error(e, "time", "Enter a start time that exists there, as HH:MM (clocks skip an hour in spring).");
	else if (v->at > (long long)time(NULL))
		form_error(e, "date", "A visit is logged once it has happened: that time is still to come.");
	else if (tz && !db_int(r, 0, "SELECT count(*) FROM grant_schools gs JOIN grants g ON g.id = gs.grant_id"
	                             " WHERE g.org_id = ? AND gs.school_id = ? AND g.stage IN ('awarded', 'active', 'closed')"
	                             "   AND ? BETWEEN gs.from_date AND coalesce(gs.to_date, '9999-12-31')",
	                       "IIt", r->user->org_id, sid, v->date)) {
		char *first = db_text(r, "SELECT min(gs.from_date) FROM grant_schools gs JOIN grants g ON g.id = gs.grant_id"
		                         " WHERE g.org_id = ? AND gs.school_id = ? AND g.stage IN ('awarded', 'active', 'closed')",
		                      "II", r->user->org_id, sid);
		if (first && strcmp(v->date, first) < 0)
			form_error(e, "date", arena_printf(&r->arena, "The school joined your grant's roster on %s: choose a date"
			                                   " from then on.", first));
		else
			form_error(e, "date", "The school was not on your grant's roster that day: choose a day it was.");
	}
	const char *mins = req_form(r, "minutes");
	char *end = NULL;
	v->minutes = mins ? strtol(mins, &end, 10) : 0;
	if (!mins || !*mins || *end || v->minutes < 5 || v->minutes > 1440)
		form_error(e, "minutes", "Enter the length in whole minutes, from 5 to 1440.");
	v->mode = req_form(r, "mode");
	v->activity = req_form(r, "activity");
	if (!region_valid(visit_modes, v->mode))
		form_error(e, "mode", "Choose on site or remote.");
	if (!region_valid(grant_activities, v->activity))
		form_error(e, "activity", "Choose the activity.");
	struct buf dims = BUF_IN(&r->arena), who = BUF_IN(&r->arena);
	for (int i = 0; grant_dimensions[i]; i += 2)
		for (int k = 0; k < r->form.n; k++)
			if (!strcmp(r->form.v[k].name, "dimensions") && !strcmp(r->form.v[k].value, grant_dimensions[i])) {
				buf_printf(&dims, "%s%s", dims.len ? "\n" : "", grant_dimensions[i]);
				break;
			}
	for (int i = 0; visit_roles[i]; i += 2) {
		const char *n = arena_printf(&r->arena, "who_%s", visit_roles[i]);
		const char *c = req_form(r, n);
		if (!c || !*c)
			continue;
		char *x = NULL;
		long k = strtol(c, &x, 10);
		if (*x || k < 0 || k > 10000)
			form_error(e, n, "Enter a count, a whole number.");
		else if (k)
			buf_printf(&who, "%s%s=%ld", who.len ? "\n" : "", visit_roles[i], k);
	}
	v->dims = arena_strdup(&r->arena, buf_str(&dims));
	v->who = arena_strdup(&r->arena, buf_str(&who));
	buf_free(&dims);
	buf_free(&who);
	v->notes = form_or(r, "notes", "");
	v->next = form_or(r, "next_steps", "");
	if (utf8_chars(v->notes) > NOTES_MAX)
		form_error(e, "notes", arena_printf(&r->arena, "Shorten the notes to 4,000 characters (they have %zu).",
		                                    utf8_chars(v->notes)));
	if (utf8_chars(v->next) > NEXT_STEPS_MAX)
		form_error(e, "next_steps", arena_printf(&r->arena, "Shorten the next steps to 2,000 characters (they have %zu).",
		                                         utf8_chars(v->next)));
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
	visit_fields(r, e, tz);
	html(r, "<button type=\"submit\">Log visit</button>\n");
	form_end(r);
}

/* The latest visits deleted (of organization org, 0: all), each linking to
 * its history; a school the viewer may not see is left out. */
static void deleted_list(struct req *r, long long org)
{
	sqlite3_stmt *st = db_q(r,
	    "SELECT c.visit_id, c.at, c.old_value, coalesce(u.name, 'ilnet'), s.name, " POLICY_COLUMNS
	    "  FROM visit_changes c JOIN schools s ON s.id = c.school_id LEFT JOIN users u ON u.id = c.user_id"
	    " WHERE c.action = 'deleted' AND (?3 = 0 OR c.org_id = ?3) AND " POLICY_VISIBLE_SQL("?4", "?1", "?2", "?5")
	    " ORDER BY c.id DESC LIMIT 21", "IIItI", r->user->id, r->user->org_id, org, role_name(r->user->role),
	    r->user->nation_id);
	int n = 0;
	while (db_step(r, st)) {
		if (policy_row(r, st, 5) == VIS_HIDDEN)
			continue;
		if (n == 20) {
			html(r, "<li>Only the 20 most recent are listed; each stays in its visit's history.</li>\n");
			break;
		}
		if (!n++)
			html(r, "<h2>Recently deleted visits</h2>\n<ul>\n");
		time_t t = (time_t)db_col_int(st, 1);
		struct tm tm;
		char when[32];
		gmtime_r(&t, &tm);
		strftime(when, sizeof when, "%Y-%m-%d", &tm);
		html(r, "<li><a href=\"/visits/%lld\">%s, %s</a> — deleted %s by %s</li>\n", db_col_int(st, 0),
		     db_col_text(r, st, 4), db_col_text(r, st, 2), when, db_col_text(r, st, 3));
	}
	if (n)
		html(r, "</ul>\n");
}

static void visits_view(struct req *r, const struct form_errors *e)
{
	int staff = is_staff(r);
	page_begin(r, "Coaching visits");
	const char *msg = req_query(r, "msg");
	if (msg && !strcmp(msg, "logged") && (!e || !e->n))
		page_notice(r, "Visit logged. You can correct or delete it from its page for 14 days.");
	else if (msg && !strcmp(msg, "deleted") && (!e || !e->n))
		page_notice(r, "Visit deleted. Its history keeps who deleted it and when.");
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
	    "       v.notes, v.next_steps, s.id, v.id,"
	    "       EXISTS (SELECT 1 FROM visit_changes c WHERE c.visit_id = v.id), " POLICY_COLUMNS
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
		enum vis v = policy_row(r, st, 14);
		if (v == VIS_HIDDEN)
			continue;
		usage_count_school(r, &used, db_col_int(st, 11), db_col_int(st, 14), v);
		n++;
		char when[40];
		utc_to_local(db_col_int(st, 0), db_col_text(r, st, 1), when, sizeof when);
		html(r, "<tr><td class=\"date\"><a href=\"/visits/%lld\">%s</a>", db_col_int(st, 12), when);
		if (db_col_int(st, 13))
			html(r, " <span class=\"muted\">(corrected)</span>");
		html(r, "</td><td>%s</td>", db_col_text(r, st, 2));
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
	deleted_list(r, org);
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
	struct visit_in v;
	visit_read(r, &e, sid, tz, &v);
	if (e.n) {
		r->status = 422;
		visits_view(r, &e);
		return;
	}
	db_begin(r);
	db_exec(r, "INSERT INTO visits (org_id, school_id, starts_at, local_date, minutes, mode, activity, dimensions,"
	           " participants, notes, next_steps, logged_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	        "IIItittttttI", r->user->org_id, sid, v.at, v.date, (int)v.minutes, v.mode, v.activity, v.dims,
	        v.who, v.notes, v.next, r->user->id);
	db_commit(r);
	req_redirect(r, arena_printf(&r->arena, "/visits?msg=logged&school=%lld", sid));
}

/* ---- one visit: /visits/{id} ------------------------------------------------ */

struct visit {
	long long id, org_id, school_id, at, created, by;
	const char *school, *tz, *org, *date, *mode, *activity, *dims, *who, *notes, *next, *by_name;
	int minutes;
};

/* The visit, if the viewer may see it: staff any (its school through the
 * policy), intermediaries their organization's; NULL when it was deleted
 * (or never was).  404 for one the viewer may not see. */
static struct visit *visit_load(struct req *r, long long id)
{
	sqlite3_stmt *st = db_q(r,
	    "SELECT v.id, v.org_id, v.school_id, v.starts_at, v.created_at, coalesce(v.logged_by, 0), s.name, s.tz, o.name,"
	    "       v.local_date, v.mode, v.activity, v.dimensions, v.participants, v.notes, v.next_steps,"
	    "       coalesce(u.name, ''), v.minutes"
	    "  FROM visits v JOIN schools s ON s.id = v.school_id JOIN organizations o ON o.id = v.org_id"
	    "  LEFT JOIN users u ON u.id = v.logged_by WHERE v.id = ?", "I", id);
	if (!db_step(r, st))
		return NULL;
	struct visit *v = arena_zalloc(&r->arena, sizeof *v);
	v->id = db_col_int(st, 0);
	v->org_id = db_col_int(st, 1);
	v->school_id = db_col_int(st, 2);
	v->at = db_col_int(st, 3);
	v->created = db_col_int(st, 4);
	v->by = db_col_int(st, 5);
	v->school = db_col_text(r, st, 6);
	v->tz = db_col_text(r, st, 7);
	v->org = db_col_text(r, st, 8);
	v->date = db_col_text(r, st, 9);
	v->mode = db_col_text(r, st, 10);
	v->activity = db_col_text(r, st, 11);
	v->dims = db_col_text(r, st, 12);
	v->who = db_col_text(r, st, 13);
	v->notes = db_col_text(r, st, 14);
	v->next = db_col_text(r, st, 15);
	v->by_name = db_col_text(r, st, 16);
	v->minutes = (int)db_col_int(st, 17);
	sqlite3_reset(st);
	if (!is_staff(r) && v->org_id != r->user->org_id)
		req_fail(r, 404, "no such visit");
	if (policy_school(r, v->school_id) == VIS_HIDDEN)
		req_fail(r, 404, "no such visit");
	return v;
}

static const char *visit_when(struct req *r, long long at, const char *tz)
{
	char *s = arena_alloc(&r->arena, 40);
	utc_to_local(at, tz, s, 40);
	return s;
}

/* Participants "teachers=5\nleaders=1" as "Teachers 5, School leaders 1". */
static const char *who_text(struct req *r, const char *who)
{
	struct buf b = BUF_IN(&r->arena);
	for (const char *p = who; p && *p;) {
		const char *nl = strchr(p, '\n'), *eq = strchr(p, '=');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (eq && eq < p + len) {
			char *role = arena_strndup(&r->arena, p, (size_t)(eq - p));
			buf_printf(&b, "%s%s %.*s", b.len ? ", " : "", region_label(visit_roles, role),
			           (int)(len - (size_t)(eq - p) - 1), eq + 1);
		}
		p = nl ? nl + 1 : NULL;
	}
	char *s = arena_strdup(&r->arena, b.len ? b.p : "—");
	buf_free(&b);
	return s;
}

/* Put a stored visit in the form, so that the fields show it. */
static void visit_to_form(struct req *r, const struct visit *v)
{
	char when[40];
	utc_to_local(v->at, v->tz, when, sizeof when);
	const char *time_s = arena_strndup(&r->arena, when + 11, 5);
	const char *mins = arena_printf(&r->arena, "%d", v->minutes);
	params_add(&r->arena, &r->form, "date", v->date, strlen(v->date));
	params_add(&r->arena, &r->form, "time", time_s, strlen(time_s));
	params_add(&r->arena, &r->form, "minutes", mins, strlen(mins));
	params_add(&r->arena, &r->form, "mode", v->mode, strlen(v->mode));
	params_add(&r->arena, &r->form, "activity", v->activity, strlen(v->activity));
	for (const char *p = v->dims; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		params_add(&r->arena, &r->form, "dimensions", p, len);
		p = nl ? nl + 1 : NULL;
	}
	for (const char *p = v->who; p && *p;) {
		const char *nl = strchr(p, '\n'), *eq = strchr(p, '=');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (eq && eq < p + len) {
			const char *name = arena_printf(&r->arena, "who_%.*s", (int)(eq - p), p);
			params_add(&r->arena, &r->form, name, eq + 1, len - (size_t)(eq - p) - 1);
		}
		p = nl ? nl + 1 : NULL;
	}
	params_add(&r->arena, &r->form, "notes", v->notes, strlen(v->notes));
	params_add(&r->arena, &r->form, "next_steps", v->next, strlen(v->next));
}

/* The corrections of visit id, newest first.  Notes, next steps and who
 * took part are the organization's: others read that they changed. */
static void visit_history(struct req *r, long long id, int own)
{
	html(r, "<h2>History</h2>\n<ol class=\"history\">\n");
	sqlite3_stmt *st = db_q(r,
	    "SELECT c.at, coalesce(u.name, 'ilnet'), c.action, c.field, c.old_value, c.new_value FROM visit_changes c"
	    "  LEFT JOIN users u ON u.id = c.user_id WHERE c.visit_id = ? ORDER BY c.id DESC LIMIT 501", "I", id);
	int n = 0;
	while (db_step(r, st)) {
		if (n == 500) {
			html(r, "<li>Older corrections are not listed here.</li>\n");
			break;
		}
		n++;
		time_t t = (time_t)db_col_int(st, 0);
		struct tm tm;
		char when[32];
		gmtime_r(&t, &tm);
		strftime(when, sizeof when, "%Y-%m-%d %H:%M UTC", &tm);
		const char *action = db_col_text(r, st, 2), *field = db_col_text(r, st, 3);
		if (!strcmp(action, "deleted")) {
			html(r, "<li>%s — %s: deleted the visit (%s)</li>\n", when, db_col_text(r, st, 1), db_col_text(r, st, 4));
			continue;
		}
		int private_field = !strcmp(field, "notes") || !strcmp(field, "next steps") || !strcmp(field, "who took part");
		if (private_field && !own)
			html(r, "<li>%s — %s: changed the %s</li>\n", when, db_col_text(r, st, 1), field);
		else if (!strcmp(field, "notes") || !strcmp(field, "next steps"))
			html(r, "<li>%s — %s: changed the %s</li>\n", when, db_col_text(r, st, 1), field);
		else
			html(r, "<li>%s — %s: %s %s → %s</li>\n", when, db_col_text(r, st, 1), field,
			     *db_col_text(r, st, 4) ? db_col_text(r, st, 4) : "—", *db_col_text(r, st, 5) ? db_col_text(r, st, 5) : "—");
	}
	if (!n)
		html(r, "<li>No corrections.</li>\n");
	html(r, "</ol>\n");
}

static void visit_view(struct req *r, long long id, struct visit *v, const struct form_errors *e, const char *refusal)
{
	if (!v) {
		/* Deleted: its history stays, for those who could see it. */
		sqlite3_stmt *st = db_q(r, "SELECT org_id, school_id FROM visit_changes WHERE visit_id = ? AND action = 'deleted'",
		                        "I", id);
		if (!db_step(r, st))
			req_fail(r, 404, "no such visit");
		long long org = db_col_int(st, 0), sid = db_col_int(st, 1);
		sqlite3_reset(st);
		if ((!is_staff(r) && org != r->user->org_id) || policy_school(r, sid) == VIS_HIDDEN)
			req_fail(r, 404, "no such visit");
		page_begin(r, "A deleted visit");
		html(r, "<p>This visit was deleted. Its history stays: who logged and corrected it, and who deleted it.</p>\n");
		visit_history(r, id, org == r->user->org_id);
		html(r, "<p><a href=\"/visits\">All visits</a></p>\n");
		page_end(r);
		return;
	}
	int own = !is_staff(r) && v->org_id == r->user->org_id;
	int author = own && v->by == r->user->id;
	long long now = (long long)time(NULL);
	int editable = author && visit_editable(v->created, now);
	page_begin(r, arena_printf(&r->arena, "Visit to %s on %s", v->school, v->date));
	const char *msg = req_query(r, "msg");
	if (msg && !strcmp(msg, "saved") && (!e || !e->n) && !refusal)
		page_notice(r, "Visit corrected. The change is in its history below.");
	if (refusal)
		html(r, "<div class=\"error-summary\" role=\"alert\" tabindex=\"-1\"><h2>This visit cannot be changed</h2>"
		        "<p>%s</p></div>\n", refusal);
	html(r, "<dl class=\"facts\"><dt>When</dt><dd>%s</dd><dt>School</dt><dd><a href=\"/schools/%lld\">%s</a></dd>"
	        "<dt>Organization</dt><dd>%s</dd><dt>Activity</dt><dd>%s</dd><dt>Where</dt><dd>%s</dd>"
	        "<dt>Minutes</dt><dd>%d</dd><dt>Dimensions</dt><dd>%s</dd>",
	     visit_when(r, v->at, v->tz), v->school_id, v->school, v->org, region_label(grant_activities, v->activity),
	     region_label(visit_modes, v->mode), v->minutes, *v->dims ? region_labels(&r->arena, grant_dimensions, v->dims) : "—");
	if (own)
		html(r, "<dt>Who took part</dt><dd>%s</dd><dt>Notes</dt><dd class=\"pre\">%s</dd><dt>Next steps</dt>"
		        "<dd class=\"pre\">%s</dd>", who_text(r, v->who), *v->notes ? v->notes : "—", *v->next ? v->next : "—");
	time_t t = (time_t)v->created;
	struct tm tm;
	char logged[32];
	gmtime_r(&t, &tm);
	strftime(logged, sizeof logged, "%Y-%m-%d %H:%M UTC", &tm);
	html(r, "<dt>Logged</dt><dd>%s%s%s</dd></dl>\n", logged, *v->by_name ? " by " : "", v->by_name);
	char until[32];
	t = (time_t)(v->created + (long long)VISIT_EDIT_DAYS * 86400);
	gmtime_r(&t, &tm);
	strftime(until, sizeof until, "%Y-%m-%d %H:%M UTC", &tm);
	const char *self = arena_printf(&r->arena, "/visits/%lld", v->id);
	if (editable) {
		html(r, "<h2 id=\"correct\">Correct this visit</h2>\n<p>You logged this visit, so you can correct or delete it"
		        " until %s (%d days after logging it). Every change is kept in its history.</p>\n", until, VISIT_EDIT_DAYS);
		if (!e || !e->n)
			visit_to_form(r, v);
		form_error_summary(r, e);
		form_begin(r, self);
		html(r, "<input type=\"hidden\" name=\"action\" value=\"save\">\n");
		visit_fields(r, e, v->tz);
		html(r, "<div class=\"actions\"><button type=\"submit\">Save the correction</button></div>\n");
		form_end(r);
		form_begin(r, self);
		html(r, "<input type=\"hidden\" name=\"action\" value=\"delete\">\n"
		        "<button type=\"submit\" class=\"secondary\">Delete this visit…</button>\n");
		form_end(r);
	} else if (author) {
		html(r, "<p>Visits can be corrected for %d days after they are logged; this one could be until %s. Ask foundation"
		        " staff if it needs changing now.</p>\n", VISIT_EDIT_DAYS, until);
	} else if (own) {
		html(r, "<p>Only the person who logged a visit corrects it, for %d days after logging it.</p>\n", VISIT_EDIT_DAYS);
	}
	visit_history(r, v->id, own);
	html(r, "<p><a href=\"/visits\">All visits</a></p>\n");
	page_end(r);
}

void visit_page(struct req *r)
{
	long long id = r->ids[0];
	visit_view(r, id, visit_load(r, id), NULL, NULL);
}

/* One field's change in the history (nothing when it did not change). */
static void visit_change(struct req *r, const struct visit *v, const char *field, const char *was, const char *now)
{
	if (!strcmp(was, now))
		return;
	int quiet = !strcmp(field, "notes") || !strcmp(field, "next steps");
	db_exec(r, "INSERT INTO visit_changes (visit_id, org_id, school_id, user_id, action, field, old_value, new_value)"
	           " VALUES (?, ?, ?, ?, 'edited', ?, ?, ?)", "IIIIttt", v->id, v->org_id, v->school_id, r->user->id, field,
	        quiet ? "" : was, quiet ? "" : now);
}

void visit_submit(struct req *r)
{
	long long id = r->ids[0];
	db_begin(r);
	struct visit *v = visit_load(r, id);
	if (!v)
		req_fail(r, 404, "no such visit");
	if (v->org_id != r->user->org_id)
		req_fail(r, 404, "no such visit");
	const char *action = form_or(r, "action", "");
	const char *self = arena_printf(&r->arena, "/visits/%lld", v->id);
	if (v->by != r->user->id) {
		r->status = 403;
		visit_view(r, id, v, NULL, "Only the person who logged a visit can correct or delete it.");
		return;
	}
	if (!visit_editable(v->created, (long long)time(NULL))) {
		r->status = 409;
		visit_view(r, id, v, NULL, arena_printf(&r->arena, "It was logged more than %d days ago, so it can no longer be"
		                                        " corrected or deleted. Ask foundation staff if it needs changing.",
		                                        VISIT_EDIT_DAYS));
		return;
	}
	const char *summary = arena_printf(&r->arena, "%s, %d minutes, %s", visit_when(r, v->at, v->tz), v->minutes,
	                                   region_label(grant_activities, v->activity));
	if (!strcmp(action, "delete")) {
		if (!req_form(r, "sure")) {
			static const char *const keep[] = { "action", NULL };
			page_confirm(r, "Delete this visit?",
			             arena_printf(&r->arena, "The visit to %s on %s is removed from the visits, the counts and the"
			                          " reports drafted from them. Its history keeps that you deleted it. This cannot be"
			                          " undone.", v->school, summary), self, keep, "Delete the visit", self);
			return;
		}
		db_exec(r, "INSERT INTO visit_changes (visit_id, org_id, school_id, user_id, action, old_value)"
		           " VALUES (?, ?, ?, ?, 'deleted', ?)", "IIIIt", v->id, v->org_id, v->school_id, r->user->id, summary);
		db_exec(r, "DELETE FROM visits WHERE id = ?", "I", v->id);
		db_commit(r);
		req_redirect(r, "/visits?msg=deleted");
		return;
	}
	if (strcmp(action, "save"))
		req_fail(r, 400, "unknown action");
	struct form_errors e = {0};
	struct visit_in in;
	visit_read(r, &e, v->school_id, v->tz, &in);
	if (e.n) {
		r->status = 422;
		visit_view(r, id, v, &e, NULL);
		return;
	}
	visit_change(r, v, "when", visit_when(r, v->at, v->tz), visit_when(r, in.at, v->tz));
	visit_change(r, v, "minutes", arena_printf(&r->arena, "%d", v->minutes), arena_printf(&r->arena, "%ld", in.minutes));
	visit_change(r, v, "where", region_label(visit_modes, v->mode), region_label(visit_modes, in.mode));
	visit_change(r, v, "activity", region_label(grant_activities, v->activity), region_label(grant_activities, in.activity));
	visit_change(r, v, "dimensions", region_labels(&r->arena, grant_dimensions, v->dims),
	             region_labels(&r->arena, grant_dimensions, in.dims));
	visit_change(r, v, "who took part", who_text(r, v->who), who_text(r, in.who));
	visit_change(r, v, "notes", v->notes, in.notes);
	visit_change(r, v, "next steps", v->next, in.next);
	db_exec(r, "UPDATE visits SET starts_at = ?, local_date = ?, minutes = ?, mode = ?, activity = ?, dimensions = ?,"
	           " participants = ?, notes = ?, next_steps = ? WHERE id = ?", 
	        "ItittttttI", in.at, in.date, (int)in.minutes, in.mode, in.activity, in.dims, in.who, in.notes, in.next, v->id);
	db_commit(r);
	req_redirect(r, arena_printf(&r->arena, "%s?msg=saved", self));
}
