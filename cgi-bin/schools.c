/* schools.c — /admin/schools (list, search, edit), /admin/schools/import
 * (roster CSV) and /my/schools.  Every school shown passes the visibility
 * policy; hidden schools are only counted. */
#include "buf.h"
#include "csv.h"
#include "db.h"
#include "handlers.h"
#include "html.h"
#include "layout.h"
#include "policy.h"
#include "region.h"
#include "req.h"
#include "usage.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define IMPORT_MAX_ROWS 5000

/* A school as typed into a form or a CSV row. */
struct school_in {
	const char *name, *state, *city, *type, *grade_low, *grade_high;
	const char *enrollment, *tz, *lat, *lon, *nation;
};

/* ... and as checked. */
struct school_ok {
	int grade_low, grade_high, enrollment, has_loc;
	double lat, lon;
	long long nation_id;
};

static int parse_int(const char *s, long min, long max, int *out)
{
	if (!s || !*s)
		return 0;
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return 0;
	*out = (int)v;
	return 1;
}

static int parse_deg(const char *s, double min, double max, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || *end || end == s || !isfinite(v) || v < min || v > max)
		return 0;
	*out = v;
	return 1;
}

static const char *trimmed(struct req *r, const char *s)
{
	if (!s)
		return "";
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return arena_strndup(&r->arena, s, n);
}

/* Check every field; errors are keyed by field name. */
static void school_check(struct req *r, const struct school_in *in, struct school_ok *ok,
                         struct form_errors *e)
{
	size_t n = utf8_chars(in->name);
	if (!n || n > LEN_TITLE)
		form_error(e, "name", n ? "Use at most 200 characters for the name." : "Enter the school's name.");
	if (!region_valid(region_states, in->state))
		form_error(e, "state", "Choose MN, ND or SD.");
	n = utf8_chars(in->city);
	if (!n || n > LEN_CITY)
		form_error(e, "city", n ? "Use at most 100 characters for the city." : "Enter the city or town.");
	if (!region_valid(region_school_types, in->type))
		form_error(e, "type", "Choose a type: Public district, urban; Public district, suburban;"
		                      " Small rural; Tribal; Independent; or Charter.");
	ok->grade_low = region_grade_parse(in->grade_low);
	ok->grade_high = region_grade_parse(in->grade_high);
	if (ok->grade_low < -1)
		form_error(e, "grade_low", "Enter the lowest grade: PK, K or 1 to 12.");
	if (ok->grade_high < -1)
		form_error(e, "grade_high", "Enter the highest grade: PK, K or 1 to 12.");
	else if (ok->grade_low >= -1 && ok->grade_high < ok->grade_low)
		form_error(e, "grade_high", "The highest grade cannot be below the lowest.");
	if (!parse_int(in->enrollment, 0, 100000, &ok->enrollment))
		form_error(e, "enrollment", "Enter the number of students, a whole number from 0 to 100000.");
	if (!region_valid(region_time_zones, in->tz))
		form_error(e, "tz", "Choose Central (America/Chicago) or Mountain (America/Denver).");
	ok->has_loc = *in->lat || *in->lon;
	if (ok->has_loc) {
		if (!parse_deg(in->lat, 40, 50, &ok->lat))
			form_error(e, "lat", "Enter a latitude between 40 and 50, like 46.87.");
		if (!parse_deg(in->lon, -105, -89, &ok->lon))
			form_error(e, "lon", "Enter a longitude between -105 and -89, like -96.79.");
	}
	ok->nation_id = 0;
	if (*in->nation) {
		ok->nation_id = db_int(r, 0, "SELECT id FROM nations WHERE id = ? OR name = ? COLLATE NOCASE",
		                       "tt", in->nation, in->nation);
		if (!ok->nation_id)
			form_error(e, "nation", "Choose one of the 23 nations, by its name as ilnet lists it.");
	}
}

/* ---- list --------------------------------------------------------------- */

void schools_page(struct req *r)
{
	const char *q = req_query(r, "q"), *state = req_query(r, "state");
	const char *type = req_query(r, "type");
	page_begin(r, "Schools");
	filter_begin(r, "/admin/schools");
	filter_search(r, "q", "Name or city", q);
	filter_select(r, "state", "State", "All states", region_states, state);
	filter_select(r, "type", "Type", "All types", region_school_types, type);
	filter_end(r);
	if (r->user->role == ROLE_ADMIN)
		html(r, "<p><a href=\"/admin/schools/import\">Import a roster (CSV)</a></p>\n");
	/* A tribal school without a nation has no steward governing its data. */
	long long ungoverned = db_int(r, 0, "SELECT count(*) FROM schools WHERE type = 'tribal' AND nation_id IS NULL", "");
	if (ungoverned)
		html(r, "<div class=\"flag-summary\" role=\"note\"><p><strong>%lld tribal school%s %s no nation.</strong>"
		        " A tribal school's data is governed by its nation's data steward: an administrator should open"
		        " each one flagged below and choose its nation.</p></div>\n", ungoverned, ungoverned == 1 ? "" : "s",
		     ungoverned == 1 ? "has" : "have");

	/* Paged in SQL over the schools the viewer may see (POLICY_VISIBLE_SQL,
	 * the policy as a predicate): the total counts no hidden school, and a
	 * late page costs an index walk, not a policy decision per school of
	 * the network.  policy_row() still decides every row shown. */
	const char *like = db_like(r, q), *role = role_name(r->user->role);
	struct pager pg;
	pager_init(r, &pg);
	pager_total(&pg, db_int(r, 0,
	    "SELECT count(*) FROM schools s"
	    " WHERE (?1 IS NULL OR s.name LIKE ?1 ESCAPE '\\' OR s.city LIKE ?1 ESCAPE '\\')"
	    "   AND (?2 IS NULL OR ?2 = '' OR s.state_code = ?2)"
	    "   AND (?3 IS NULL OR ?3 = '' OR s.type = ?3)"
	    "   AND " POLICY_VISIBLE_SQL("?4", "?5", "?6", "?7"), "ttttIII",
	    like, state, type, role, r->user->id, r->user->org_id, r->user->nation_id));
	sqlite3_stmt *st = db_q(r,
	    "SELECT s.id, s.name, s.city, s.state_code, s.type, s.grade_low, s.grade_high,"
	    "       s.enrollment, coalesce(n.name, ''), " POLICY_COLUMNS
	    "  FROM schools s LEFT JOIN nations n ON n.id = s.nation_id"
	    " WHERE (?3 IS NULL OR s.name LIKE ?3 ESCAPE '\\' OR s.city LIKE ?3 ESCAPE '\\')"
	    "   AND (?4 IS NULL OR ?4 = '' OR s.state_code = ?4)"
	    "   AND (?5 IS NULL OR ?5 = '' OR s.type = ?5)"
	    "   AND " POLICY_VISIBLE_SQL("?6", "?1", "?2", "?7")
	    " ORDER BY s.state_code, s.name, s.id LIMIT ?8 OFFSET ?9", "IIttttIII",
	    r->user->id, r->user->org_id, like, state, type, role, r->user->nation_id,
	    pager_limit(&pg), pager_offset(&pg));
	int shown = 0;
	struct usage_tally used = {0};
	table_begin(r, NULL, "Schools");
	html(r, "<thead><tr><th scope=\"col\">School</th>"
	        "<th scope=\"col\">City</th><th scope=\"col\">State</th><th scope=\"col\">Type</th>"
	        "<th scope=\"col\">Grades</th><th scope=\"col\">Students</th>"
	        "<th scope=\"col\">Nation</th><th scope=\"col\">Sharing</th></tr></thead>\n<tbody>\n");
	while (db_step(r, st)) {
		enum vis v = policy_row(r, st, 9);
		if (v == VIS_HIDDEN)
			continue;
		usage_count(&used, db_col_int(st, 9), v);
		shown++;
		long long id = db_col_int(st, 0);
		html(r, "<tr><td><a href=\"/schools/%lld\">%s</a>", id, db_col_text(r, st, 1));
		if (v == VIS_FULL)
			html(r, " <a href=\"/admin/schools/%lld\" class=\"small\">Edit<span class=\"visually-hidden\">"
			        " %s</span></a>", id, db_col_text(r, st, 1));
		html(r, "</td>");
		html(r, "<td>%s</td><td>%s</td><td>%s</td><td>%s–%s</td>",
		     db_col_text(r, st, 2), db_col_text(r, st, 3),
		     region_label(region_school_types, db_col_text(r, st, 4)),
		     region_grade_label((int)db_col_int(st, 5)), region_grade_label((int)db_col_int(st, 6)));
		if (v == VIS_FULL)
			html(r, "<td class=\"num\">%lld</td>", db_col_int(st, 7));
		else
			html(r, "<td>—</td>");
		if (!*db_col_text(r, st, 8) && !strcmp(db_col_text(r, st, 4), "tribal"))
			html(r, "<td><strong class=\"flag\">No nation: a tribal school must have one</strong></td>");
		else
			html(r, "<td>%s</td>", db_col_text(r, st, 8));
		html(r, "<td>%s</td></tr>\n", db_col_text(r, st, 10));
	}
	if (!shown)
		html(r, "<tr><td colspan=\"8\">No school matches.</td></tr>\n");
	html(r, "</tbody>\n");
	table_end(r);
	usage_flush(r, &used, "schools list");
	static const char *const keep[] = { "q", "state", "type", NULL };
	pager_nav(r, &pg, "/admin/schools", keep, "Pages of schools", "schools");
	/* Hidden schools are neither listed nor counted: a count, filtered or
	 * set beside the results' counts, would answer "is there a private
	 * school called ... in ...?". */
	html(r, "<p>Schools whose nations keep their data private are not listed or counted here.</p>\n");
	page_end(r);
}

/* A school the viewer may see in full with this name in this town (other
 * than except), or 0.  Only those count: refusing a name because a
 * school the viewer may not see has it would confirm that school exists,
 * so a private school's name never blocks an edit or an import (the
 * database allows two schools of one name in a town). */
static long long same_place(struct req *r, const char *name, const char *state, const char *city,
                            long long except)
{
	sqlite3_stmt *st = db_q(r, "SELECT s.id, " POLICY_COLUMNS " FROM schools s WHERE s.name = ?3"
	                           " AND s.state_code = ?4 AND s.city = ?5 AND s.id <> ?6 ORDER BY s.id",
	                        "IItttI", r->user->id, r->user->org_id, name, state, city, except);
	long long found = 0;
	while (db_step(r, st))
		if (!found && policy_row(r, st, 1) == VIS_FULL)
			found = db_col_int(st, 0);
	return found;
}

/* ---- edit --------------------------------------------------------------- */

static void school_form(struct req *r, const struct school_in *in, long long nation_id,
                        const struct form_errors *e)
{
	long long id = r->ids[0];
	page_begin(r, in->name[0] ? in->name : "School");
	const char *msg = req_query(r, "msg");
	if (msg && !strcmp(msg, "saved") && (!e || !e->n))
		page_notice(r, "Saved.");
	form_error_summary(r, e);
	form_begin(r, arena_printf(&r->arena, "/admin/schools/%lld", id));
	form_input(r, e, "name", "Name", "text", in->name, "off", NULL, 1, LEN_TITLE);
	form_input(r, e, "city", "City or town", "text", in->city, "off", NULL, 1, LEN_CITY);
	form_select(r, e, "state", "State", region_states, in->state, NULL);
	form_select(r, e, "type", "Type", region_school_types, in->type, NULL);
	form_select(r, e, "grade_low", "Lowest grade", region_grades, in->grade_low, NULL);
	form_select(r, e, "grade_high", "Highest grade", region_grades, in->grade_high, NULL);
	form_input(r, e, "enrollment", "Students enrolled", "text", in->enrollment, "off", NULL, 1, 0);
	form_select(r, e, "tz", "Time zone", region_time_zones, in->tz,
	            "The Dakotas span Central and Mountain time.");
	form_input(r, e, "lat", "Latitude", "text", in->lat, "off", "Decimal degrees, like 46.877.", 0, 0);
	form_input(r, e, "lon", "Longitude", "text", in->lon, "off", "Decimal degrees, like -96.789.", 0, 0);
	if (r->user->role == ROLE_ADMIN) {
		html(r, "<div class=\"field\"><label for=\"f-nation\">Nation</label>\n"
		        "<p class=\"hint\" id=\"h-nation\">A school that belongs to a nation becomes private"
		        " until the nation's data steward says otherwise.</p>\n"
		        "<select id=\"f-nation\" name=\"nation\" aria-describedby=\"h-nation\">"
		        "<option value=\"\">None</option>\n");
		sqlite3_stmt *st = db_q(r, "SELECT id, name FROM nations ORDER BY name", "");
		while (db_step(r, st)) {
			long long nid = db_col_int(st, 0);
			html(r, "<option value=\"%lld\"%s>%s</option>\n", nid,
			     nid == nation_id ? " selected" : "", db_col_text(r, st, 1));
		}
		html(r, "</select></div>\n");
	}
	html(r, "<button type=\"submit\">Save</button>\n");
	form_end(r);
	html(r, "<p><a href=\"/admin/schools\">Back to schools</a></p>\n");
	page_end(r);
}

void school_edit_page(struct req *r)
{
	long long id = r->ids[0];
	if (policy_school(r, id) != VIS_FULL)
		req_fail(r, 404, "school not visible");
	sqlite3_stmt *st = db_q(r,
	    "SELECT name, state_code, city, type, grade_low, grade_high, enrollment, tz,"
	    "       coalesce(printf('%.4f', lat), ''), coalesce(printf('%.4f', lon), ''),"
	    "       coalesce(nation_id, 0)"
	    "  FROM schools WHERE id = ?", "I", id);
	if (!db_step(r, st))
		req_fail(r, 404, "no such school");
	struct school_in in = {
		db_col_text(r, st, 0), db_col_text(r, st, 1), db_col_text(r, st, 2),
		db_col_text(r, st, 3), db_col_text(r, st, 4), db_col_text(r, st, 5),
		db_col_text(r, st, 6), db_col_text(r, st, 7), db_col_text(r, st, 8),
		db_col_text(r, st, 9), "",
	};
	long long nation = db_col_int(st, 10);
	sqlite3_reset(st);
	school_form(r, &in, nation, NULL);
}

void school_edit_submit(struct req *r)
{
	long long id = r->ids[0];
	/* Check and write in one transaction: nothing changes in between.  A
	 * form with problems is answered inside it and rolled back. */
	db_begin(r);
	if (policy_school(r, id) != VIS_FULL)
		req_fail(r, 404, "school not visible");
	long long cur_nation = db_int(r, 0, "SELECT coalesce(nation_id, 0) FROM schools WHERE id = ?",
	                              "I", id);
	char *cur_type = db_text(r, "SELECT type FROM schools WHERE id = ?", "I", id);
	struct school_in in = {
		trimmed(r, req_form(r, "name")), trimmed(r, req_form(r, "state")),
		trimmed(r, req_form(r, "city")), trimmed(r, req_form(r, "type")),
		trimmed(r, req_form(r, "grade_low")), trimmed(r, req_form(r, "grade_high")),
		trimmed(r, req_form(r, "enrollment")), trimmed(r, req_form(r, "tz")),
		trimmed(r, req_form(r, "lat")), trimmed(r, req_form(r, "lon")),
		/* Only an admin moves a school into or out of a nation. */
		r->user->role == ROLE_ADMIN ? trimmed(r, req_form(r, "nation"))
		    : (cur_nation ? arena_printf(&r->arena, "%lld", cur_nation) : ""),
	};
	struct school_ok ok;
	struct form_errors e = {0};
	school_check(r, &in, &ok, &e);
	/* A tribal school always belongs to a nation (only an administrator
	 * sets one; staff may still edit a school an earlier roster left
	 * without it, which the list flags). */
	if (!e.n && !strcmp(in.type, "tribal") && !ok.nation_id) {
		if (r->user->role == ROLE_ADMIN)
			form_error(&e, "nation", "A tribal school must belong to a nation: choose its nation, so that the"
			                         " nation's data steward governs its data.");
		else if (!cur_type || strcmp(cur_type, "tribal"))
			form_error(&e, "type", "Only an administrator can make a school tribal, with its nation.");
	}
	if (!e.n && same_place(r, in.name, in.state, in.city, id))
		form_error(&e, "name", "Another school in this city already has this name.");
	if (e.n) {
		r->status = 422;
		school_form(r, &in, ok.nation_id, &e);
		return;
	}
	db_exec(r, "UPDATE schools SET name = ?, state_code = ?, city = ?, type = ?, grade_low = ?,"
	           " grade_high = ?, enrollment = ?, tz = ?, lat = CASE WHEN ? THEN ? END,"
	           " lon = CASE WHEN ? THEN ? END, nation_id = nullif(?, 0),"
	           " updated_at = unixepoch() WHERE id = ?", "ttttiiitidid" "II",
	        in.name, in.state, in.city, in.type, ok.grade_low, ok.grade_high, ok.enrollment,
	        in.tz, ok.has_loc, ok.lat, ok.has_loc, ok.lon, ok.nation_id, id);
	db_exec(r, "INSERT INTO audit (user_id, action, detail) VALUES (?, 'school-edit', ?)",
	        "It", r->user->id, arena_printf(&r->arena, "school %lld", id));
	db_commit(r);
	req_redirect(r, arena_printf(&r->arena, "/admin/schools/%lld?msg=saved", id));
}

/* ---- import ------------------------------------------------------------- */

/* The columns of a roster.  The first line names them, in any order and
 * any case ("Time zone" is time_zone); key, grades (or grade_low and
 * grade_high), latitude, longitude and nation may be left out. */
enum { C_KEY, C_NAME, C_STATE, C_CITY, C_TYPE, C_GRADES, C_LOW, C_HIGH, C_ENROLL, C_TZ,
       C_LAT, C_LON, C_NATION, NCOLS };
static const char *const import_columns[NCOLS] = {
	"key", "name", "state", "city", "type", "grades", "grade_low", "grade_high", "enrollment",
	"time_zone", "latitude", "longitude", "nation",
};
#define IMPORT_MAX_ERRORS 500
#define KEY_MAX 40

struct import_err {
	int line;
	const char *column, *msg;
};

/* A row of the roster, checked, and what importing it does. */
enum import_action { ROW_ADD, ROW_UPDATE, ROW_SAME, ROW_NATION };
struct import_row {
	int line;
	const char *key;            /* "" when the roster has none */
	struct school_in in;
	struct school_ok ok;
	long long existing;         /* the school it updates, or 0 */
	enum import_action action;
};

struct import {
	const char *text;           /* the roster as sent */
	const char *problem;        /* a problem with the whole file, or NULL */
	struct import_err *errs;
	int nerrs, bad_rows, nrows;
	struct import_row *rows;    /* checked rows, when there are no problems */
	int added, updated, same, nation;
};

static const char *action_label(enum import_action a)
{
	return a == ROW_ADD ? "New school" : a == ROW_UPDATE ? "Updates the school" :
	       a == ROW_SAME ? "Unchanged" : "For its nation";
}

/* What the roster may say, as ilnet shows it. */
static void import_help(struct req *r)
{
	html(r, "<h2>What a roster holds</h2>\n<p>The first line names the columns, in any order. Each column"
	        " takes the codes or the words ilnet shows:</p>\n<dl class=\"facts\">\n"
	        "<dt><code>key</code></dt><dd>Your id for the school (a state or NCES id), up to %d characters."
	        " Importing again finds the school by it, even after a change of name. Optional.</dd>\n"
	        "<dt><code>name</code>, <code>city</code></dt><dd>Without a key, a row whose name, state and"
	        " city match a school already in ilnet updates it.</dd>\n<dt><code>state</code></dt><dd>",
	     KEY_MAX);
	for (int i = 0; region_states[i]; i += 2)
		html(r, "%s%s or %s", i ? "; " : "", region_states[i + 1], region_states[i]);
	html(r, "</dd>\n<dt><code>type</code></dt><dd>");
	for (int i = 0; region_school_types[i]; i += 2)
		html(r, "%s%s", i ? "; " : "", region_school_types[i + 1]);
	html(r, "</dd>\n<dt><code>grades</code></dt><dd>A range like K-12, PK-5 or 9-12 (or the columns"
	        " <code>grade_low</code> and <code>grade_high</code>).</dd>\n"
	        "<dt><code>enrollment</code></dt><dd>Students enrolled, a whole number.</dd>\n"
	        "<dt><code>time_zone</code></dt><dd>Central or Mountain (or America/Chicago,"
	        " America/Denver).</dd>\n"
	        "<dt><code>latitude</code>, <code>longitude</code></dt><dd>Decimal degrees; may be empty.</dd>\n"
	        "<dt><code>nation</code></dt><dd>The nation's name as ilnet lists it. A tribal school needs"
	        " one: its nation's data steward governs its data, and it stays private until the steward"
	        " says otherwise.</dd>\n</dl>\n"
	        "<p>Empty cells keep what ilnet has. Nothing is stored until you import, and then the whole"
	        " file at once or nothing.</p>\n");
}

static void import_form(struct req *r, const struct import *im, int preview)
{
	page_begin(r, "Import a school roster");
	const char *msg = req_query(r, "msg");
	if (msg && !im) {
		const char *added = req_query(r, "added"), *updated = req_query(r, "updated"),
		           *same = req_query(r, "same"), *nation = req_query(r, "nation");
		page_notice(r, arena_printf(&r->arena, "Imported: %s added, %s updated, %s unchanged; %s for"
		                            " their nations.", added ? added : "0", updated ? updated : "0",
		                            same ? same : "0", nation ? nation : "0"));
	}
	if (im && (im->problem || im->nerrs)) {
		html(r, "<div class=\"error-summary\" role=\"alert\" tabindex=\"-1\" id=\"errors\">\n"
		        "<h2>Nothing was imported</h2>\n");
		if (im->problem)
			html(r, "<p>%s</p>\n", im->problem);
		else
			html(r, "<p>%s of %s %s need%s fixing; every problem is listed below. Correct them"
			        " and check again: the whole file is imported at once or not at all.</p>\n",
			     count_text(r, im->bad_rows), count_text(r, im->nrows), im->nrows == 1 ? "row" : "rows",
			     im->bad_rows == 1 ? "s" : "");
		html(r, "</div>\n");
	}
	if (im && im->nerrs) {
		table_begin(r, NULL, "Problems, row by row");
		html(r, "<thead><tr><th scope=\"col\">Line</th>"
		        "<th scope=\"col\">Column</th><th scope=\"col\">Problem</th></tr></thead>\n<tbody>\n");
		for (int i = 0; i < im->nerrs; i++)
			html(r, "<tr><td class=\"num\">%d</td><td>%s</td><td>%s</td></tr>\n",
			     im->errs[i].line, im->errs[i].column, im->errs[i].msg);
		html(r, "</tbody>\n");
		table_end(r);
		if (im->nerrs == IMPORT_MAX_ERRORS)
			html(r, "<p>The first %d problems are shown.</p>\n", IMPORT_MAX_ERRORS);
	}
	if (preview && im && im->rows) {
		html(r, "<div class=\"notice\" role=\"status\"><p>Nothing is stored yet. Importing this file"
		        " adds %s, updates %s and leaves %s unchanged.</p>\n",
		     count_text(r, im->added), count_text(r, im->updated), count_text(r, im->same));
		if (im->nation)
			html(r, "<p>%s %s of a nation that keeps %s data private: each is added once and"
			        " then left as its nation's data steward keeps it.</p>\n",
			     count_text(r, im->nation), im->nation == 1 ? "school is" : "schools are",
			     im->nation == 1 ? "its" : "their");
		html(r, "</div>\n");
		table_begin(r, NULL, "What importing does, row by row");
		html(r, "<thead><tr><th scope=\"col\">School</th><th scope=\"col\">Line</th>"
		        "<th scope=\"col\">Key</th><th scope=\"col\">Place</th><th scope=\"col\">Type</th>"
		        "<th scope=\"col\">Grades</th><th scope=\"col\">Does</th></tr></thead>\n<tbody>\n");
		for (int i = 0; i < im->nrows; i++) {
			const struct import_row *w = &im->rows[i];
			html(r, "<tr><th scope=\"row\">%s</th><td class=\"num\">%d</td><td>%s</td><td>%s, %s</td>"
			        "<td>%s</td><td class=\"nowrap\">%s–%s</td><td>%s</td></tr>\n",
			     w->in.name, w->line, w->key, w->in.city, w->in.state,
			     region_label(region_school_types, w->in.type), region_grade_label(w->ok.grade_low),
			     region_grade_label(w->ok.grade_high), action_label(w->action));
		}
		html(r, "</tbody>\n");
		table_end(r);
	}
	html(r, "<p><a href=\"/admin/schools/import/template.csv\">Download a template (CSV)</a> with every"
	        " column and two example rows.</p>\n");
	form_begin_upload(r, "/admin/schools/import");
	html(r, "<div class=\"field\"><label for=\"f-file\">Roster file (CSV, UTF-8)</label>\n"
	        "<input id=\"f-file\" name=\"file\" type=\"file\" accept=\".csv,text/csv\"></div>\n"
	        "<div class=\"field\"><label for=\"f-csv\">Or paste the roster</label>\n"
	        "<p class=\"hint\" id=\"h-csv\">When a file is chosen, it is used instead."
	        " After a check, the rows sent are here to correct or import.</p>\n"
	        "<textarea id=\"f-csv\" name=\"csv\" rows=\"14\" aria-describedby=\"h-csv\">%s</textarea>"
	        "</div>\n<div class=\"actions\">", im && im->text ? im->text : "");
	if (preview && im && im->rows)
		html(r, "<button type=\"submit\" name=\"go\" value=\"import\">Import %s schools</button>\n"
		        "<button type=\"submit\" name=\"go\" value=\"preview\" class=\"secondary\">Check again</button>\n",
		     count_text(r, im->nrows));
	else
		html(r, "<button type=\"submit\" name=\"go\" value=\"preview\">Check the roster</button>\n");
	html(r, "</div>\n");
	form_end(r);
	import_help(r);
	page_end(r);
}

void schools_import_page(struct req *r)
{
	import_form(r, NULL, 0);
}

/* Two example rows, in the words ilnet shows. */
void schools_import_template(struct req *r)
{
	r->content_type = "text/csv; charset=utf-8";
	req_header(r, "Content-Disposition", "attachment; filename=\"ilnet-schools-template.csv\"");
	struct buf *b = &r->body;
	static const char *const head[] = { "key", "name", "state", "city", "type", "grades", "enrollment",
	                                    "time_zone", "latitude", "longitude", "nation" };
	for (size_t i = 0; i < sizeof head / sizeof head[0]; i++)
		csv_field(b, head[i], i == 0);
	csv_end(b);
	const char *nation = db_text(r, "SELECT name FROM nations ORDER BY name LIMIT 1", "");
	const char *const rows[2][11] = {
		{ "MN-000123", "Example Lake Elementary", "Minnesota", "Ely", "Small rural", "K-6", "140",
		  "Central", "47.90", "-91.87", "" },
		{ "SD-000456", "Example Tribal School", "South Dakota", "Pine Ridge", "Tribal", "K-12", "310",
		  "Mountain", "43.03", "-102.56", nation ? nation : "" },
	};
	for (int k = 0; k < 2; k++) {
		for (int i = 0; i < 11; i++)
			csv_field(b, rows[k][i], i == 0);
		csv_end(b);
	}
}

static const char *field_column(const char *field)
{
	static const struct { const char *field; int column; } map[] = {
		{ "name", C_NAME }, { "state", C_STATE }, { "city", C_CITY }, { "type", C_TYPE },
		{ "grade_low", C_LOW }, { "grade_high", C_HIGH }, { "enrollment", C_ENROLL },
		{ "tz", C_TZ }, { "lat", C_LAT }, { "lon", C_LON }, { "nation", C_NATION },
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (!strcmp(map[i].field, field))
			return import_columns[map[i].column];
	return field;
}

/* A header cell as a column: any case, spaces or hyphens for underscores,
 * and the names people give them ("Time zone", "NCES id", "Students"). */
static int header_column(struct req *r, const char *cell)
{
	static const struct { const char *name; int column; } alias[] = {
		{ "school_key", C_KEY }, { "nces_id", C_KEY }, { "state_id", C_KEY }, { "school_id", C_KEY },
		{ "school", C_NAME }, { "school_name", C_NAME }, { "town", C_CITY },
		{ "grade_range", C_GRADES }, { "students", C_ENROLL }, { "tz", C_TZ }, { "timezone", C_TZ },
		{ "lat", C_LAT }, { "lon", C_LON }, { "lng", C_LON }, { "tribal_nation", C_NATION },
	};
	char *h = arena_strdup(&r->arena, trimmed(r, cell));
	for (char *p = h; *p; p++)
		*p = *p == ' ' || *p == '-' ? '_' : (*p >= 'A' && *p <= 'Z') ? (char)(*p - 'A' + 'a') : *p;
	for (int c = 0; c < NCOLS; c++)
		if (!strcmp(h, import_columns[c]))
			return c;
	for (size_t i = 0; i < sizeof alias / sizeof alias[0]; i++)
		if (!strcmp(h, alias[i].name))
			return alias[i].column;
	return -1;
}

/* The school a key names, among those the importer sees in full. */
static long long same_key(struct req *r, const char *key)
{
	sqlite3_stmt *st = db_q(r, "SELECT s.id, " POLICY_COLUMNS " FROM schools s WHERE s.school_key = ?3"
	                           " ORDER BY s.id", "IIt", r->user->id, r->user->org_id, key);
	long long found = 0;
	while (db_step(r, st))
		if (!found && policy_row(r, st, 1) == VIS_FULL)
			found = db_col_int(st, 0);
	return found;
}

/* Whether the school already holds what the row says (empty cells keep). */
static int row_unchanged(struct req *r, const struct import_row *w)
{
	return db_int(r, 0, "SELECT 1 FROM schools WHERE id = ? AND name = ? AND state_code = ? AND city = ?"
	                    " AND type = ? AND grade_low = ? AND grade_high = ? AND enrollment = ? AND tz = ?"
	                    " AND (NOT ? OR (lat = ? AND lon = ?)) AND (? = 0 OR nation_id = ?)"
	                    " AND (? = '' OR school_key IS ?)",
	              "IttttiiitiddIItt", w->existing, w->in.name, w->in.state, w->in.city, w->in.type,
	              w->ok.grade_low, w->ok.grade_high, w->ok.enrollment, w->in.tz, w->ok.has_loc,
	              w->ok.lat, w->ok.lon, w->ok.nation_id, w->ok.nation_id, w->key, w->key);
}

static void import_error(struct import *im, int line, const char *column, const char *msg)
{
	if (im->nerrs < IMPORT_MAX_ERRORS) {
		im->errs[im->nerrs].line = line;
		im->errs[im->nerrs].column = column;
		im->errs[im->nerrs].msg = msg;
		im->nerrs++;
	}
}

/* Read and check the whole roster: every problem of every row, or the
 * rows and what importing each does.  Stores nothing. */
static void import_check(struct req *r, struct import *im)
{
	struct csv csv;
	char err[256];
	if (csv_parse(&r->arena, im->text, strlen(im->text), IMPORT_MAX_ROWS + 1, &csv, err, sizeof err)) {
		im->problem = arena_strdup(&r->arena, err);
		return;
	}
	int col[NCOLS];
	for (int c = 0; c < NCOLS; c++)
		col[c] = -1;
	struct buf unknown = BUF_IN(&r->arena);
	for (int i = 0; csv.n && i < csv.rows[0].n; i++) {
		int c = header_column(r, csv.rows[0].f[i]);
		if (c >= 0 && col[c] < 0)
			col[c] = i;
		else if (c < 0 && *trimmed(r, csv.rows[0].f[i]))
			buf_printf(&unknown, "%s\"%s\"", unknown.len ? ", " : "", trimmed(r, csv.rows[0].f[i]));
	}
	/* Every missing column at once. */
	struct buf missing = BUF_IN(&r->arena);
	static const int needed[] = { C_NAME, C_STATE, C_CITY, C_TYPE, C_ENROLL, C_TZ };
	for (size_t i = 0; i < sizeof needed / sizeof needed[0]; i++)
		if (col[needed[i]] < 0)
			buf_printf(&missing, "%s%s", missing.len ? ", " : "", import_columns[needed[i]]);
	if (col[C_GRADES] < 0 && (col[C_LOW] < 0 || col[C_HIGH] < 0))
		buf_printf(&missing, "%sgrades (or grade_low and grade_high)", missing.len ? ", " : "");
	if (missing.len) {
		im->problem = arena_printf(&r->arena, "The first line must name the columns; missing: %s.%s%s",
		                           buf_str(&missing), unknown.len ? " Not understood: " : "",
		                           unknown.len ? buf_str(&unknown) : "");
		return;
	}
	if (csv.n < 2) {
		im->problem = "The file has a header line but no schools.";
		return;
	}
	im->nrows = csv.n - 1;
	if (im->nrows > IMPORT_MAX_ROWS) {
		im->problem = arena_printf(&r->arena, "At most %d schools at a time: split the file.", IMPORT_MAX_ROWS);
		return;
	}
	im->errs = arena_alloc(&r->arena, sizeof *im->errs * IMPORT_MAX_ERRORS);
	struct import_row *rows = arena_alloc(&r->arena, sizeof *rows * (size_t)im->nrows);
	for (int i = 0; i < im->nrows; i++) {
		struct csv_row *row = &csv.rows[i + 1];
		struct import_row *w = &rows[i];
		const char *v[NCOLS];
		for (int c = 0; c < NCOLS; c++)
			v[c] = col[c] >= 0 && col[c] < row->n ? trimmed(r, row->f[col[c]]) : "";
		w->line = row->line;
		w->key = v[C_KEY];
		w->in = (struct school_in){ v[C_NAME], v[C_STATE], v[C_CITY], v[C_TYPE], v[C_LOW], v[C_HIGH],
		                            v[C_ENROLL], v[C_TZ], v[C_LAT], v[C_LON], v[C_NATION] };
		/* The words ilnet shows are as good as its codes. */
		const char *x;
		if ((x = region_value(region_states, w->in.state)))
			w->in.state = x;
		if ((x = region_value(region_school_types, w->in.type)))
			w->in.type = x;
		if ((x = region_tz_value(w->in.tz)))
			w->in.tz = x;
		int lo, hi, before = im->nerrs;
		struct form_errors e = {0};
		if (*v[C_GRADES]) {
			if (region_grades_parse(v[C_GRADES], &lo, &hi) == 0) {
				w->in.grade_low = region_grade_label(lo);
				w->in.grade_high = region_grade_label(hi);
			} else {
				import_error(im, w->line, "grades", "Write the grades as a range, like K-12, PK-5 or 9-12.");
				w->in.grade_low = w->in.grade_high = "K";
			}
		} else {
			int g;
			if (region_grades_parse(w->in.grade_low, &g, &hi) == 0)
				w->in.grade_low = region_grade_label(g);
			if (region_grades_parse(w->in.grade_high, &lo, &g) == 0)
				w->in.grade_high = region_grade_label(g);
		}
		if (row->n != csv.rows[0].n)
			form_error(&e, NULL, arena_printf(&r->arena, "This row has %d fields; the header has %d.",
			                                  row->n, csv.rows[0].n));
		if (strlen(w->key) > KEY_MAX)
			import_error(im, w->line, "key", arena_printf(&r->arena, "Use at most %d characters for the key.",
			                                             KEY_MAX));
		school_check(r, &w->in, &w->ok, &e);
		w->existing = *w->key ? same_key(r, w->key) : 0;
		if (!w->existing && !e.n)
			w->existing = same_place(r, w->in.name, w->in.state, w->in.city, 0);
		/* A tribal school is always governed by its nation: without one
		 * (given here, or kept from the school already in ilnet) it is a
		 * row problem, never imported silently. */
		if (!strcmp(w->in.type, "tribal") && !*w->in.nation &&
		    !db_int(r, 0, "SELECT 1 FROM schools WHERE id = ? AND nation_id IS NOT NULL", "I", w->existing))
			form_error(&e, "nation", "A tribal school must belong to a nation: give the nation's name in the"
			                         " nation column, so that its data steward governs the school's data.");
		for (int k = i - 1; k >= 0; k--) {
			if (*w->key && !strcmp(rows[k].key, w->key)) {
				import_error(im, w->line, "key", arena_printf(&r->arena, "Line %d has the same key.",
				                                             rows[k].line));
				break;
			}
			if (!strcmp(rows[k].in.name, w->in.name) && !strcmp(rows[k].in.state, w->in.state) &&
			    !strcmp(rows[k].in.city, w->in.city)) {
				form_error(&e, "name", arena_printf(&r->arena, "The same school is on line %d.",
				                                    rows[k].line));
				break;
			}
		}
		for (int k = 0; k < e.n; k++)
			import_error(im, w->line, e.v[k].field ? field_column(e.v[k].field) : "(row)", e.v[k].msg);
		if (im->nerrs > before || e.n) {
			im->bad_rows++;
			continue;
		}
		/* A school of a nation the importer may not see is the nation's
		 * to govern: whether the roster's key already names one is never
		 * said (a private school's existence is the steward's to tell), it
		 * is added once and never changed by an import. */
		if (!w->existing && w->ok.nation_id) {
			w->action = ROW_NATION;
			w->existing = db_int(r, 0, "SELECT id FROM schools WHERE nation_id = ?1 AND"
			                           " (school_key = ?2 OR (?2 = '' AND name = ?3 AND state_code = ?4 AND city = ?5))"
			                           " ORDER BY id", "Itttt", w->ok.nation_id, w->key, w->in.name,
			                     w->in.state, w->in.city);
			im->nation++;
			continue;
		}
		w->action = !w->existing ? ROW_ADD : row_unchanged(r, w) ? ROW_SAME : ROW_UPDATE;
		if (w->action == ROW_ADD)
			im->added++;
		else if (w->action == ROW_UPDATE)
			im->updated++;
		else
			im->same++;
	}
	if (!im->bad_rows)
		im->rows = rows;
}

void schools_import_submit(struct req *r)
{
	struct import im = { .text = req_form(r, "csv") };
	for (int i = 0; i < r->files.n; i++)
		if (!strcmp(r->files.v[i].field, "file") && r->files.v[i].len) {
			if (strlen(r->files.v[i].data) != r->files.v[i].len) {
				r->status = 422;
				im.problem = "The file is not a CSV text file.";
				import_form(r, &im, 0);
				return;
			}
			im.text = r->files.v[i].data;
		}
	if (!im.text || !*im.text) {
		r->status = 422;
		im.problem = "Paste the roster, or choose a CSV file.";
		import_form(r, &im, 0);
		return;
	}
	import_check(r, &im);
	if (im.problem || im.nerrs) {
		r->status = 422;
		import_form(r, &im, 0);
		return;
	}
	const char *go = req_form(r, "go");
	if (!go || strcmp(go, "import")) {
		import_form(r, &im, 1);
		return;
	}
	db_begin(r);
	for (int i = 0; i < im.nrows; i++) {
		struct import_row *w = &im.rows[i];
		struct school_in *in = &w->in;
		struct school_ok *ok = &w->ok;
		if (w->action == ROW_SAME || (w->action == ROW_NATION && w->existing))
			continue;
		if (w->existing) {
			/* Empty cells keep what is there: a roster without a nation
			 * column never detaches a school from its nation.  With a
			 * key, the name and place may change too. */
			db_exec(r, "UPDATE schools SET name = ?, state_code = ?, city = ?, type = ?, grade_low = ?,"
			           " grade_high = ?, enrollment = ?, tz = ?, lat = CASE WHEN ? THEN ? ELSE lat END,"
			           " lon = CASE WHEN ? THEN ? ELSE lon END,"
			           " nation_id = CASE WHEN ? THEN ? ELSE nation_id END,"
			           " school_key = coalesce(nullif(?, ''), school_key),"
			           " updated_at = unixepoch() WHERE id = ?", "ttttiiitididiItI",
			        in->name, in->state, in->city, in->type, ok->grade_low, ok->grade_high,
			        ok->enrollment, in->tz, ok->has_loc, ok->lat, ok->has_loc, ok->lon,
			        ok->nation_id != 0, ok->nation_id, w->key, w->existing);
		} else {
			db_exec(r, "INSERT INTO schools (name, state_code, city, type, grade_low,"
			           " grade_high, enrollment, tz, lat, lon, nation_id, school_key) VALUES (?, ?, ?, ?,"
			           " ?, ?, ?, ?, CASE WHEN ? THEN ? END, CASE WHEN ? THEN ? END,"
			           " nullif(?, 0), nullif(?, ''))", "ttttiiitididIt",
			        in->name, in->state, in->city, in->type, ok->grade_low, ok->grade_high,
			        ok->enrollment, in->tz, ok->has_loc, ok->lat, ok->has_loc, ok->lon,
			        ok->nation_id, w->key);
		}
	}
	db_exec(r, "INSERT INTO audit (user_id, action, detail) VALUES (?, 'school-import', ?)",
	        "It", r->user->id, arena_printf(&r->arena, "%d added, %d updated, %d unchanged, %d for nations",
	                                        im.added, im.updated, im.same, im.nation));
	db_commit(r);
	req_redirect(r, arena_printf(&r->arena, "/admin/schools/import?msg=done&added=%d&updated=%d&same=%d"
	                             "&nation=%d", im.added, im.updated, im.same, im.nation));
}

/* ---- a leader's or an intermediary's own schools ------------------------ */

void my_schools_page(struct req *r)
{
	int leader = r->user->role == ROLE_LEADER;
	page_begin(r, leader ? "My schools" : "Schools we serve");
	sqlite3_stmt *st = db_q(r,
	    "SELECT s.id, s.name, s.city, s.state_code, s.type, s.grade_low, s.grade_high,"
	    "       s.enrollment, s.tz, coalesce(n.name, ''), " POLICY_COLUMNS
	    "  FROM schools s LEFT JOIN nations n ON n.id = s.nation_id"
	    " WHERE s.id IN (SELECT school_id FROM user_schools WHERE user_id = ?1)"
	    "    OR s.id IN (SELECT gs.school_id FROM grant_schools gs JOIN grants g ON g.id = gs.grant_id"
	    "                WHERE g.org_id = ?2 AND ?2 > 0 AND g.stage = 'active' AND gs.from_date <= date('now')"
	    "                  AND (gs.to_date IS NULL OR gs.to_date >= date('now')))"
	    " ORDER BY s.name", "II", r->user->id, r->user->org_id);
	table_begin(r, NULL, leader ? "Schools you lead" : "Schools your organization serves");
	html(r, "<thead><tr><th scope=\"col\">School</th>"
	        "<th scope=\"col\">City</th><th scope=\"col\">Type</th><th scope=\"col\">Grades</th>"
	        "<th scope=\"col\">Students</th><th scope=\"col\">Time zone</th>"
	        "<th scope=\"col\">Nation</th></tr></thead>\n<tbody>\n");
	int n = 0;
	struct usage_tally used = {0};
	while (db_step(r, st)) {
		enum vis v = policy_row(r, st, 10);
		if (v == VIS_HIDDEN)
			continue;
		usage_count(&used, db_col_int(st, 10), v);
		n++;
		html(r, "<tr><td><a href=\"/schools/%lld\">%s</a></td><td>%s, %s</td><td>%s</td><td>%s–%s</td>",
		     db_col_int(st, 0), db_col_text(r, st, 1), db_col_text(r, st, 2), db_col_text(r, st, 3),
		     region_label(region_school_types, db_col_text(r, st, 4)),
		     region_grade_label((int)db_col_int(st, 5)), region_grade_label((int)db_col_int(st, 6)));
		if (v == VIS_FULL)
			html(r, "<td class=\"num\">%lld</td>", db_col_int(st, 7));
		else
			html(r, "<td>—</td>");
		html(r, "<td>%s</td><td>%s</td></tr>\n",
		     region_label(region_time_zones, db_col_text(r, st, 8)), db_col_text(r, st, 9));
	}
	if (!n)
		html(r, "<tr><td colspan=\"7\">No schools are linked to your account yet.</td></tr>\n");
	html(r, "</tbody>\n");
	table_end(r);
	usage_flush(r, &used, "my schools");
	if (!leader)
		html(r, "<p>Schools of a nation that keeps its data private show without enrollment.</p>\n");
	page_end(r);
}
