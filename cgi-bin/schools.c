/* schools.c — /admin/schools (list, search, edit), /admin/schools/import
 * (roster CSV) and /my/schools.  Every school shown passes the visibility
 * policy; hidden schools are only counted. */
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
	size_t n = strlen(in->name);
	if (!n || n > LEN_TITLE)
		form_error(e, "name", n ? "Use at most 200 characters for the name." : "Enter the school's name.");
	if (!region_valid(region_states, in->state))
		form_error(e, "state", "Choose MN, ND or SD.");
	n = strlen(in->city);
	if (!n || n > LEN_CITY)
		form_error(e, "city", n ? "Use at most 100 characters for the city." : "Enter the city or town.");
	if (!region_valid(region_school_types, in->type))
		form_error(e, "type", "Choose a type: district_urban, district_suburban, small_rural,"
		                      " tribal, independent or charter.");
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
		form_error(e, "tz", "Choose America/Chicago (Central) or America/Denver (Mountain).");
	ok->has_loc = *in->lat || *in->lon;
	if (ok->has_loc) {
		if (!parse_deg(in->lat, 40, 50, &ok->lat))
			form_error(e, "lat", "Enter a latitude between 40 and 50, like 46.87.");
		if (!parse_deg(in->lon, -105, -89, &ok->lon))
			form_error(e, "lon", "Enter a longitude between -105 and -89, like -96.79.");
	}
	ok->nation_id = 0;
	if (*in->nation) {
		ok->nation_id = db_int(r, 0, "SELECT id FROM nations WHERE id = ? OR name = ?",
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

static const char *const import_columns[] = {
	"name", "state", "city", "type", "grade_low", "grade_high", "enrollment",
	"time_zone", "latitude", "longitude", "nation",
};
#define NCOLS ((int)(sizeof import_columns / sizeof import_columns[0]))

struct import_err {
	int line;
	const char *column, *msg;
};

static void import_form(struct req *r, const char *csv, const char *problem,
                        const struct import_err *errs, int nerrs, int nrows)
{
	page_begin(r, "Import a school roster");
	const char *msg = req_query(r, "msg");
	if (msg && !problem && !nerrs) {
		const char *added = req_query(r, "added"), *updated = req_query(r, "updated");
		page_notice(r, arena_printf(&r->arena, "Imported: %s added, %s updated.",
		                        added ? added : "0", updated ? updated : "0"));
	}
	if (problem || nerrs) {
		html(r, "<div class=\"error-summary\" role=\"alert\" tabindex=\"-1\" id=\"errors\">\n"
		        "<h2>Nothing was imported</h2>\n");
		if (problem)
			html(r, "<p>%s</p>\n", problem);
		else
			html(r, "<p>%d of %d rows need fixing. Correct them and import again;"
			        " the whole file is imported at once or not at all.</p>\n",
			     nerrs > 0 ? nerrs : 0, nrows);
		html(r, "</div>\n");
	}
	if (nerrs) {
		table_begin(r, NULL, "Rows to fix");
		html(r, "<thead><tr><th scope=\"col\">Line</th>"
		        "<th scope=\"col\">Column</th><th scope=\"col\">Problem</th></tr></thead>\n<tbody>\n");
		for (int i = 0; i < nerrs; i++)
			html(r, "<tr><td class=\"num\">%d</td><td>%s</td><td>%s</td></tr>\n",
			     errs[i].line, errs[i].column, errs[i].msg);
		html(r, "</tbody>\n");
		table_end(r);
	}
	html(r, "<p>The first line names the columns: <code>");
	for (int i = 0; i < NCOLS; i++)
		html(r, "%s%s", i ? "," : "", import_columns[i]);
	html(r, "</code>. <code>latitude</code>, <code>longitude</code> and <code>nation</code>"
	        " may be empty (an empty cell keeps what ilnet has). A row whose name, state and city match a school already in ilnet"
	        " updates it; any other row adds a school.</p>\n");
	form_begin_upload(r, "/admin/schools/import");
	html(r, "<div class=\"field\"><label for=\"f-file\">Roster file (CSV, UTF-8)</label>\n"
	        "<input id=\"f-file\" name=\"file\" type=\"file\" accept=\".csv,text/csv\"></div>\n"
	        "<div class=\"field\"><label for=\"f-csv\">Or paste the roster</label>\n"
	        "<p class=\"hint\" id=\"h-csv\">When a file is chosen, it is used instead."
	        " After a problem, the rows sent are here to correct.</p>\n"
	        "<textarea id=\"f-csv\" name=\"csv\" rows=\"14\" aria-describedby=\"h-csv\">%s</textarea>"
	        "</div>\n", csv ? csv : "");
	html(r, "<button type=\"submit\">Import</button>\n");
	form_end(r);
	page_end(r);
}

void schools_import_page(struct req *r)
{
	import_form(r, NULL, NULL, NULL, 0, 0);
}

static const char *field_column(const char *field)
{
	static const struct { const char *field, *column; } map[] = {
		{ "name", "name" }, { "state", "state" }, { "city", "city" }, { "type", "type" },
		{ "grade_low", "grade_low" }, { "grade_high", "grade_high" },
		{ "enrollment", "enrollment" }, { "tz", "time_zone" }, { "lat", "latitude" },
		{ "lon", "longitude" }, { "nation", "nation" },
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (!strcmp(map[i].field, field))
			return map[i].column;
	return field;
}

void schools_import_submit(struct req *r)
{
	const char *text = req_form(r, "csv");
	for (int i = 0; i < r->files.n; i++)
		if (!strcmp(r->files.v[i].field, "file") && r->files.v[i].len) {
			if (strlen(r->files.v[i].data) != r->files.v[i].len) {
				r->status = 422;
				import_form(r, NULL, "The file is not a CSV text file.", NULL, 0, 0);
				return;
			}
			text = r->files.v[i].data;
		}
	if (!text || !*text) {
		r->status = 422;
		import_form(r, text, "Paste the roster, or choose a CSV file.", NULL, 0, 0);
		return;
	}
	struct csv csv;
	char err[256];
	if (csv_parse(&r->arena, text, strlen(text), IMPORT_MAX_ROWS + 1, &csv, err, sizeof err)) {
		r->status = 422;
		import_form(r, text, err, NULL, 0, 0);
		return;
	}
	/* The header names the columns, in any order. */
	int col[NCOLS];
	for (int c = 0; c < NCOLS; c++)
		col[c] = -1;
	if (csv.n)
		for (int i = 0; i < csv.rows[0].n; i++) {
			const char *h = trimmed(r, csv.rows[0].f[i]);
			for (int c = 0; c < NCOLS; c++)
				if (!strcmp(h, import_columns[c]))
					col[c] = i;
		}
	for (int c = 0; c < 8; c++) {
		if (col[c] < 0) {
			r->status = 422;
			import_form(r, text, arena_printf(&r->arena, "The first line must name the columns; \"%s\" is"
			                              " missing.", import_columns[c]), NULL, 0, 0);
			return;
		}
	}
	if (csv.n < 2) {
		r->status = 422;
		import_form(r, text, "The file has a header line but no schools.", NULL, 0, 0);
		return;
	}

	int nrows = csv.n - 1, nerrs = 0;
	if (nrows > IMPORT_MAX_ROWS) {
		r->status = 422;
		import_form(r, text, arena_printf(&r->arena, "At most %d schools at a time: split the file.",
		                              IMPORT_MAX_ROWS), NULL, 0, 0);
		return;
	}
	struct import_err *errs = arena_alloc(&r->arena, sizeof *errs * 200);
	struct school_in *ins = arena_alloc(&r->arena, sizeof *ins * (size_t)nrows);
	struct school_ok *oks = arena_alloc(&r->arena, sizeof *oks * (size_t)nrows);
	for (int i = 0; i < nrows; i++) {
		struct csv_row *row = &csv.rows[i + 1];
		const char *v[NCOLS];
		for (int c = 0; c < NCOLS; c++)
			v[c] = col[c] >= 0 && col[c] < row->n ? trimmed(r, row->f[col[c]]) : "";
		struct school_in in = { v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10] };
		/* Accept the state's name as well as its code. */
		for (int k = 0; region_states[k]; k += 2)
			if (!strcasecmp(in.state, region_states[k + 1]) || !strcasecmp(in.state, region_states[k]))
				in.state = region_states[k];
		struct form_errors e = {0};
		if (row->n != csv.rows[0].n)
			form_error(&e, NULL, arena_printf(&r->arena, "This row has %d fields; the header has %d.",
			                              row->n, csv.rows[0].n));
		school_check(r, &in, &oks[i], &e);
		/* A tribal school is always governed by its nation: without one
		 * (given here, or kept from the school already in ilnet) it is a
		 * row problem, never imported silently. */
		long long same = !strcmp(in.type, "tribal") && !*in.nation ?
		                 same_place(r, in.name, in.state, in.city, 0) : 0;
		if (!strcmp(in.type, "tribal") && !*in.nation &&
		    !db_int(r, 0, "SELECT 1 FROM schools WHERE id = ? AND nation_id IS NOT NULL", "I", same))
			form_error(&e, "nation", "A tribal school must belong to a nation: give the nation's name in the"
			                         " nation column, so that its data steward governs the school's data.");
		for (int k = i - 1; k >= 0 && !e.n; k--)
			if (!strcmp(ins[k].name, in.name) && !strcmp(ins[k].state, in.state) &&
			    !strcmp(ins[k].city, in.city))
				form_error(&e, "name", "The same school appears twice in the file.");
		ins[i] = in;
		for (int k = 0; k < e.n && nerrs < 200; k++) {
			errs[nerrs].line = row->line;
			errs[nerrs].column = e.v[k].field ? field_column(e.v[k].field) : "(row)";
			errs[nerrs].msg = e.v[k].msg;
			nerrs++;
		}
	}
	if (nerrs) {
		r->status = 422;
		import_form(r, text, NULL, errs, nerrs, nrows);
		return;
	}
	db_begin(r);
	int added = 0, updated = 0;
	for (int i = 0; i < nrows; i++) {
		struct school_in *in = &ins[i];
		struct school_ok *ok = &oks[i];
		long long existing = same_place(r, in->name, in->state, in->city, 0);
		if (existing) {
			/* Empty cells keep what is there: a roster without a nation
			 * column never detaches a school from its nation. */
			db_exec(r, "UPDATE schools SET type = ?, grade_low = ?, grade_high = ?,"
			           " enrollment = ?, tz = ?, lat = CASE WHEN ? THEN ? ELSE lat END,"
			           " lon = CASE WHEN ? THEN ? ELSE lon END,"
			           " nation_id = CASE WHEN ? THEN ? ELSE nation_id END,"
			           " updated_at = unixepoch() WHERE id = ?", "tiiitididiII",
			        in->type, ok->grade_low, ok->grade_high, ok->enrollment, in->tz,
			        ok->has_loc, ok->lat, ok->has_loc, ok->lon, ok->nation_id != 0,
			        ok->nation_id, existing);
			updated++;
		} else {
			db_exec(r, "INSERT INTO schools (name, state_code, city, type, grade_low,"
			           " grade_high, enrollment, tz, lat, lon, nation_id) VALUES (?, ?, ?, ?,"
			           " ?, ?, ?, ?, CASE WHEN ? THEN ? END, CASE WHEN ? THEN ? END,"
			           " nullif(?, 0))", "ttttiiitididI",
			        in->name, in->state, in->city, in->type, ok->grade_low, ok->grade_high,
			        ok->enrollment, in->tz, ok->has_loc, ok->lat, ok->has_loc, ok->lon,
			        ok->nation_id);
			added++;
		}
	}
	db_exec(r, "INSERT INTO audit (user_id, action, detail) VALUES (?, 'school-import', ?)",
	        "It", r->user->id, arena_printf(&r->arena, "%d added, %d updated", added, updated));
	db_commit(r);
	req_redirect(r, arena_printf(&r->arena, "/admin/schools/import?msg=done&added=%d&updated=%d",
	                             added, updated));
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
