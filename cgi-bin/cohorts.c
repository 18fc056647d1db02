/* cohorts.c — Inspire: cohort learning experiences.
 *
 * Foundation staff make cohorts at /cohorts and run each at /cohorts/{id}:
 * its name, year, theme, the dimensions of relevance it works on, its
 * facilitator (foundation or intermediary staff), members and sessions.
 * Leaders who said in the scan they want a cohort are offered first, and
 * staff invite them (one mail per leader per cohort).  Staff or the
 * facilitator take attendance at /cohorts/{id}/sessions/{id} on a phone in
 * the room (checkboxes and one save); members, CSV and JSON go through the
 * visibility policy.  Each school's profile shows its cohorts and its
 * participation timeline (cohorts_profile).
 *
 * Who sees what of a cohort: every staff member, leader and intermediary
 * sees its name, theme, facilitator, sessions and how many members they may
 * see; its members are named to staff, its facilitator and its own members
 * (a member person, or a leader of a member school), and then only those
 * whose school the viewer may see: the others are neither listed nor
 * counted.
 */
#include "cohorts.h"
#include "cache.h"
#include "convening.h"
#include "csv.h"
#include "db.h"
#include "grant.h"
#include "handlers.h"
#include "html.h"
#include "layout.h"
#include "mail.h"
#include "money.h"
#include "policy.h"
#include "region.h"
#include "req.h"
#include "seats.h"
#include "usage.h"

#include <cJSON.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define THEME_MAX 2000
#define AGENDA_MAX 4000
#define PLACE_MAX 200
#define URL_MAX 500


static int is_staff(struct req *r)
{
	return r->user->role == ROLE_ADMIN || r->user->role == ROLE_STAFF;
}

static const char *form_or(struct req *r, const char *name, const char *dflt)
{
	const char *v = req_form(r, name);
	return v ? v : dflt;
}

/* ---- rules ---------------------------------------------------------------- */

enum cohort_time cohort_session_time(const char *date, const char *time_s, const char *tz, long long *utc)
{
	if (!region_valid(region_time_zones, tz))
		return COHORT_TIME_BAD_ZONE;
	if (!date_valid(date))
		return COHORT_TIME_BAD_DATE;
	if (!time_s || strlen(time_s) != 5 || time_s[2] != ':' || time_s[0] < '0' || time_s[0] > '2' ||
	    time_s[1] < '0' || time_s[1] > '9' || time_s[3] < '0' || time_s[3] > '5' || time_s[4] < '0' ||
	    time_s[4] > '9' || atoi(time_s) > 23)
		return COHORT_TIME_BAD_TIME;
	return local_to_utc(date, time_s, tz, utc) ? COHORT_TIME_OK : COHORT_TIME_SKIPPED;
}

static int in_ids(const long long *v, int n, long long id)
{
	for (int i = 0; i < n; i++)
		if (v[i] == id)
			return 1;
	return 0;
}

int cohort_attendance_set(struct req *r, long long session, const long long *shown, int nshown,
                          const long long *present, int n)
{
	for (int i = 0; i < n; i++)
		if (!in_ids(shown, nshown, present[i]))
			return -1;
	int count = 0;
	for (int i = 0; i < nshown; i++) {
		if (in_ids(present, n, shown[i])) {
			db_exec(r, "INSERT INTO cohort_attendance (session_id, member_id, marked_by) VALUES (?, ?, ?)"
			           " ON CONFLICT DO NOTHING", "III", session, shown[i], r->user ? r->user->id : 0);
			count++;
		} else {
			db_exec(r, "DELETE FROM cohort_attendance WHERE session_id = ? AND member_id = ?", "II", session,
			        shown[i]);
		}
	}
	return count;
}

enum cohort_add cohort_member_add(struct req *r, long long cohort, long long school, long long user,
                                  long long by_user)
{
	if (db_int(r, 0, "SELECT count(*) FROM cohort_members WHERE cohort_id = ?", "I", cohort) >= COHORT_MEMBERS_MAX)
		return COHORT_ADD_FULL;
	if (!db_exec(r, "INSERT INTO cohort_members (cohort_id, school_id, user_id, added_by) VALUES (?, nullif(?, 0),"
	                " nullif(?, 0), nullif(?, 0)) ON CONFLICT DO NOTHING", "IIII", cohort, school, user, by_user))
		return COHORT_ADD_ALREADY;
	return COHORT_ADD_OK;
}

/* ---- a cohort and the viewer's place in it --------------------------------- */

struct cohort {
	long long id, facilitator;
	int year;
	const char *name, *theme, *dims, *facilitator_name;
};

static int cohort_load(struct req *r, long long id, struct cohort *c)
{
	sqlite3_stmt *st = db_q(r,
	    "SELECT c.id, c.name, c.year, c.theme, c.dimensions, coalesce(c.facilitator_id, 0),"
	    "       coalesce(u.name || CASE u.role WHEN 'intermediary' THEN coalesce(' (' || o.name || ')', '')"
	    "         ELSE ' (foundation staff)' END, '')"
	    "  FROM cohorts c LEFT JOIN users u ON u.id = c.facilitator_id LEFT JOIN organizations o ON o.id = u.org_id"
	    " WHERE c.id = ?", "I", id);
	if (!db_step(r, st))
		return 0;
	c->id = db_col_int(st, 0);
	c->name = db_col_text(r, st, 1);
	c->year = (int)db_col_int(st, 2);
	c->theme = db_col_text(r, st, 3);
	c->dims = db_col_text(r, st, 4);
	c->facilitator = db_col_int(st, 5);
	c->facilitator_name = db_col_text(r, st, 6);
	sqlite3_reset(st);
	return 1;
}

/* The viewer may read the cohort's members: staff, its facilitator, a
 * member person, or a leader of a member school. */
static int members_rule(struct req *r, long long cohort, long long facilitator)
{
	return is_staff(r) || facilitator == r->user->id ||
	       db_int(r, 0, "SELECT 1 FROM cohort_members m WHERE m.cohort_id = ?1 AND (m.user_id = ?2 OR m.school_id IN"
	                    " (SELECT school_id FROM user_schools WHERE user_id = ?2))", "II", cohort, r->user->id);
}

static int sees_members(struct req *r, const struct cohort *c)
{
	return members_rule(r, c->id, c->facilitator);
}

int cohort_sees_members(struct req *r, long long cohort)
{
	long long facilitator = db_int(r, -1, "SELECT coalesce(facilitator_id, 0) FROM cohorts WHERE id = ?", "I", cohort);
	return facilitator >= 0 && members_rule(r, cohort, facilitator);
}

/* Staff, or the facilitator: takes attendance and exports. */
static int runs(struct req *r, const struct cohort *c)
{
	return is_staff(r) || (c->facilitator && c->facilitator == r->user->id);
}

/* A member as one viewer may see it. */
struct member {
	long long id, school, user, nation;
	int attended;
	enum vis v;
	const char *person, *role, *school_name, *city, *state, *org;
};

/* A member row: these columns over cohort_members m (users u,
 * organizations o, schools s joined), POLICY_COLUMNS from column 10 (they
 * take the viewer's user and organization ids first), in this order. */
#define MEMBER_COLUMNS \
	"m.id, coalesce(m.school_id, 0), coalesce(m.user_id, 0), coalesce(u.name, ''), coalesce(u.role, '')," \
	" coalesce(s.name, ''), coalesce(s.city, ''), coalesce(s.state_code, '')," \
	" (SELECT count(*) FROM cohort_attendance a WHERE a.member_id = m.id), coalesce(o.name, ''), " POLICY_COLUMNS
#define MEMBER_FROM \
	"  FROM cohort_members m LEFT JOIN users u ON u.id = m.user_id LEFT JOIN organizations o ON o.id = u.org_id" \
	"  LEFT JOIN schools s ON s.id = m.school_id"
#define MEMBER_ORDER "s.name IS NULL, s.name COLLATE natural_sort, u.name COLLATE natural_sort, m.id"

/* Read the member on st into *m: 0 when the policy hides its school from
 * the viewer (then it is neither listed nor counted). */
static int member_read(struct req *r, sqlite3_stmt *st, struct member *m)
{
	m->school = db_col_int(st, 1);
	m->v = m->school ? policy_row(r, st, 10) : VIS_FULL;
	if (m->v == VIS_HIDDEN)
		return 0;
	m->id = db_col_int(st, 0);
	m->user = db_col_int(st, 2);
	m->person = db_col_text(r, st, 3);
	m->role = db_col_text(r, st, 4);
	m->school_name = db_col_text(r, st, 5);
	m->city = db_col_text(r, st, 6);
	m->state = db_col_text(r, st, 7);
	m->attended = (int)db_col_int(st, 8);
	m->org = db_col_text(r, st, 9);
	m->nation = m->school ? db_col_int(st, 10) : 0;
	return 1;
}

/* The members of cohort the viewer may see (a member whose school the
 * policy hides from the viewer is left out: neither listed nor counted),
 * into *out (grown as needed); how many.  Each school shown is tallied in
 * used. */
static int members_shown(struct req *r, long long cohort, struct member **out, struct usage_tally *used)
{
	sqlite3_stmt *st = db_q(r, "SELECT " MEMBER_COLUMNS MEMBER_FROM " WHERE m.cohort_id = ? ORDER BY " MEMBER_ORDER,
	                        "III", r->user->id, r->user->org_id, cohort);
	struct member *v = NULL, m;
	int n = 0, cap = 0;
	while (db_step(r, st)) {
		if (!member_read(r, st, &m))
			continue;
		v = arena_grow(&r->arena, v, n, &cap, sizeof *v);
		v[n++] = m;
		if (m.school && used)
			usage_count_school(r, used, m.school, m.nation, m.v);
	}
	*out = v;
	return n;
}

static int cmp_id(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;
	return (x > y) - (x < y);
}

/* The attendance marks of a cohort as (session, member) pairs, sorted:
 * one query for a page, a CSV or a check-in list. */
struct marks {
	long long *v;               /* session, member, session, member, ... */
	int n;
};

static int cmp_mark(const void *a, const void *b)
{
	const long long *x = a, *y = b;
	return x[0] != y[0] ? (x[0] > y[0]) - (x[0] < y[0]) : (x[1] > y[1]) - (x[1] < y[1]);
}

static void marks_load(struct req *r, long long cohort, struct marks *k)
{
	int cap = 0;
	k->v = NULL;
	k->n = 0;
	sqlite3_stmt *st = db_q(r, "SELECT a.session_id, a.member_id FROM cohort_attendance a"
	                           "  JOIN cohort_sessions x ON x.id = a.session_id WHERE x.cohort_id = ?", "I", cohort);
	while (db_step(r, st)) {
		k->v = arena_grow(&r->arena, k->v, k->n, &cap, 2 * sizeof *k->v);   /* session, member */
		k->v[2 * k->n] = db_col_int(st, 0);
		k->v[2 * k->n + 1] = db_col_int(st, 1);
		k->n++;
	}
	if (k->n)
		qsort(k->v, (size_t)k->n, sizeof *k->v * 2, cmp_mark);
}

static int marked(const struct marks *k, long long session, long long member)
{
	long long key[2] = { session, member };
	return k->n && bsearch(key, k->v, (size_t)k->n, sizeof *k->v * 2, cmp_mark) != NULL;
}

/* What a person is, beside their name. */
static const char *person_role(const struct member *m)
{
	if (!strcmp(m->role, "intermediary"))
		return *m->org ? m->org : "Intermediary staff";
	if (!strcmp(m->role, "leader"))
		return "School leader";
	return role_label(role_from_name(m->role));
}

/* The member as one line of text. */
static const char *member_text(struct req *r, const struct member *m)
{
	if (m->school && m->user)
		return arena_printf(&r->arena, "%s — %s (%s, %s)", m->person, m->school_name, m->city, m->state);
	if (m->school)
		return arena_printf(&r->arena, "%s (%s, %s)", m->school_name, m->city, m->state);
	return arena_printf(&r->arena, "%s (%s)", m->person, person_role(m));
}

struct session {
	long long id, starts_at;
	int minutes, present;
	const char *date, *time, *tz, *place, *url, *agenda;
};

static int sessions_of(struct req *r, long long cohort, struct session **out)
{
	int n = (int)db_int(r, 0, "SELECT count(*) FROM cohort_sessions WHERE cohort_id = ?", "I", cohort);
	struct session *v = arena_alloc(&r->arena, sizeof *v * (size_t)(n + 1));
	sqlite3_stmt *st = db_q(r, "SELECT id, starts_at, minutes, local_date, local_time, tz, place, online_url, agenda"
	                           "  FROM cohort_sessions WHERE cohort_id = ? ORDER BY starts_at, id", "I", cohort);
	int k = 0;
	while (db_step(r, st))
		if (k < n) {
			v[k] = (struct session){ db_col_int(st, 0), db_col_int(st, 1), (int)db_col_int(st, 2), 0,
			                         db_col_text(r, st, 3), db_col_text(r, st, 4), db_col_text(r, st, 5),
			                         db_col_text(r, st, 6), db_col_text(r, st, 7), db_col_text(r, st, 8) };
			k++;
		}
	*out = v;
	return k;
}

/* Present counts of each session, over the members shown only. */
static void sessions_count(struct req *r, long long cohort, struct session *s, int ns, const struct member *m, int nm)
{
	long long *ids = arena_alloc(&r->arena, sizeof *ids * (size_t)(nm + 1));
	for (int i = 0; i < nm; i++)
		ids[i] = m[i].id;
	qsort(ids, (size_t)nm, sizeof *ids, cmp_id);
	struct marks k;
	marks_load(r, cohort, &k);
	for (int j = 0; j < ns; j++)
		s[j].present = 0;
	for (int i = 0, j = 0; i < k.n; i++) {
		if (!nm || !bsearch(&k.v[2 * i + 1], ids, (size_t)nm, sizeof *ids, cmp_id))
			continue;
		if (j >= ns || s[j].id != k.v[2 * i])       /* the marks come by session */
			for (j = 0; j < ns && s[j].id != k.v[2 * i]; j++)
				;
		if (j < ns)
			s[j].present++;
	}
}

static const char *session_where(struct req *r, const struct session *s)
{
	if (*s->place && *s->url)
		return arena_printf(&r->arena, "%s, or online", s->place);
	return *s->place ? s->place : "Online";
}

/* ---- /cohorts ------------------------------------------------------------------ */

static const char **facilitator_options(struct req *r)
{
	return form_options(r, db_q(r,
	    "SELECT u.id, u.name || ' (' || CASE u.role WHEN 'intermediary' THEN coalesce(o.name, 'intermediary staff')"
	    "   ELSE 'foundation staff' END || ')'"
	    "  FROM users u LEFT JOIN organizations o ON o.id = u.org_id"
	    " WHERE u.active = 1 AND u.role IN ('staff', 'admin', 'intermediary')"
	    " ORDER BY u.role = 'intermediary', u.name COLLATE natural_sort", ""), "— none yet —");
}

static int this_year(void)
{
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	return tm.tm_year + 1900;
}

/* The fields of a cohort, as sent or as stored. */
static void cohort_fields(struct req *r, const struct form_errors *e, const char *name, const char *year,
                          const char *theme, const char *facilitator)
{
	form_input(r, e, "name", "Name", "text", name, "off", NULL, 1, LEN_TITLE);
	form_input(r, e, "year", "Year", "number", year, "off", NULL, 1, 0);
	form_textarea(r, e, "theme", "Theme", theme, 3, THEME_MAX, "What the cohort works on together.");
	form_choices(r, e, "dimensions", "Dimensions of relevance it focuses on", grant_dimensions, "checkbox",
	             "Choose one or more.");
	form_select(r, e, "facilitator", "Facilitator", facilitator_options(r), facilitator,
	            "Foundation staff or an intermediary's coach; they take attendance.");
}

static void cohorts_view(struct req *r, const struct form_errors *e)
{
	page_begin(r, "Inspire cohorts");
	html(r, "<p class=\"lead\">Cohort learning experiences: schools work on one theme together over a year of"
	        " sessions.</p>\n");
	int staff = is_staff(r);
	/* Everyone sees every cohort (a page at a time); the members of one
	 * only as cohorts_page allows. */
	struct pager pg;
	pager_init(r, &pg);
	pager_total(&pg, db_int(r, 0, "SELECT count(*) FROM cohorts", ""));
	int mine = !staff && db_int(r, 0,
	    "SELECT EXISTS (SELECT 1 FROM cohort_members m WHERE m.user_id = ?1 OR m.school_id IN"
	    "   (SELECT school_id FROM user_schools WHERE user_id = ?1))"
	    " OR EXISTS (SELECT 1 FROM cohorts WHERE facilitator_id = ?1)", "I", r->user->id);
	sqlite3_stmt *st = db_q(r,
	    "SELECT c.id, c.name, c.year, c.dimensions, coalesce(u.name, ''),"
	    "       (SELECT count(*) FROM cohort_sessions x WHERE x.cohort_id = c.id),"
	    "       (SELECT min(x.starts_at) FROM cohort_sessions x WHERE x.cohort_id = c.id AND x.starts_at > unixepoch()),"
	    "       (SELECT x.tz FROM cohort_sessions x WHERE x.cohort_id = c.id AND x.starts_at > unixepoch()"
	    "          ORDER BY x.starts_at LIMIT 1),"
	    "       c.id IN (SELECT m.cohort_id FROM cohort_members m WHERE m.user_id = ?1 OR m.school_id IN"
	    "         (SELECT school_id FROM user_schools WHERE user_id = ?1)) OR c.facilitator_id = ?1,"
	    "       c.id IN (SELECT cohort_id FROM cohort_invitations WHERE user_id = ?1)"
	    "  FROM (SELECT id FROM cohorts ORDER BY year DESC, name COLLATE natural_sort, id LIMIT ?2 OFFSET ?3) p"
	    "  JOIN cohorts c ON c.id = p.id LEFT JOIN users u ON u.id = c.facilitator_id"
	    " ORDER BY c.year DESC, c.name COLLATE natural_sort, c.id", "III", r->user->id,     /* the page, then its facts */
	    pager_limit(&pg), pager_offset(&pg));
	const char *vtz = seats_viewer_tz(r);
	int n = 0;
	struct buf rows = BUF_IN(&r->arena);
	while (db_step(r, st)) {
		int involved = (int)db_col_int(st, 8), invited = (int)db_col_int(st, 9);
		const char *next = db_col_null(st, 6) ? "None planned"
		                                      : seats_when(r, db_col_int(st, 6), db_col_text(r, st, 7), vtz);
		n++;
		char *row = html_fmt(r, "<tr><td><a href=\"/cohorts/%lld\">%s</a>%s</td><td class=\"num\">%lld</td><td>%s</td>"
		                        "<td>%s</td><td class=\"num\">%lld</td><td class=\"date\">%s</td></tr>\n",
		                     db_col_int(st, 0), db_col_text(r, st, 1),
		                     staff ? "" : involved ? " (yours)" : invited ? " (you are invited)" : "",
		                     db_col_int(st, 2), region_labels(&r->arena, grant_dimensions, db_col_text(r, st, 3)),
		                     *db_col_text(r, st, 4) ? db_col_text(r, st, 4) : "Not yet named", db_col_int(st, 5), next);
		buf_puts(&rows, row);
	}
	if (!staff && !mine)
		html(r, "<p>You are not in a cohort yet. Foundation staff invite leaders who said in the regional scan that"
		        " they would like to take part.</p>\n");
	table_begin(r, NULL, "Cohorts, the latest year first");
	html(r, "<thead><tr><th scope=\"col\">Cohort</th><th scope=\"col\">Year</th><th scope=\"col\">Dimensions</th>"
	        "<th scope=\"col\">Facilitator</th><th scope=\"col\">Sessions</th><th scope=\"col\">Next session</th>"
	        "</tr></thead>\n<tbody>\n");
	html_raw(r, buf_str(&rows));
	if (!n)
		html(r, "<tr><td colspan=\"6\">No cohorts yet.</td></tr>\n");
	html(r, "</tbody>\n");
	table_end(r);
	if (n)
		pager_nav(r, &pg, "/cohorts", NULL, "Pages of cohorts", "cohorts");
	html(r, "<p><a href=\"/api/v1/cohorts\">Cohorts as JSON</a></p>\n");
	if (staff) {
		html(r, "<h2 id=\"new\">Start a cohort</h2>\n");
		form_error_summary(r, e);
		form_begin_create(r, "/cohorts");
		cohort_fields(r, e, req_form(r, "name"), form_or(r, "year", arena_printf(&r->arena, "%d", this_year())),
		              req_form(r, "theme"), req_form(r, "facilitator"));
		html(r, "<button type=\"submit\">Start the cohort</button>\n");
		form_end(r);
	}
	page_end(r);
}

void cohorts_page(struct req *r)
{
	cohorts_view(r, NULL);
}

/* Check the cohort's fields as sent; *year and *dims get their values. */
static void cohort_check(struct req *r, struct form_errors *e, long long id, int *year, const char **dims,
                         long long *facilitator)
{
	const char *name = form_or(r, "name", ""), *theme = form_or(r, "theme", "");
	if (!*name)
		form_error(e, "name", "Enter the cohort's name.");
	else if (utf8_chars(name) > LEN_TITLE)
		form_error(e, "name", arena_printf(&r->arena, "Shorten the name to %d characters (it has %zu).", LEN_TITLE,
		                                   utf8_chars(name)));
	char *end = NULL;
	const char *y = form_or(r, "year", "");
	long yv = strtol(y, &end, 10);
	*year = (int)yv;
	if (!*y || *end || yv < 2000 || yv > 2100)
		form_error(e, "year", "Enter the year, like 2026.");
	else if (*name && db_int(r, 0, "SELECT 1 FROM cohorts WHERE year = ? AND name = ? AND id <> ?", "itI", *year, name, id))
		form_error(e, "name", arena_printf(&r->arena, "There is already a cohort of that name in %d.", *year));
	if (utf8_chars(theme) > THEME_MAX)
		form_error(e, "theme", arena_printf(&r->arena, "Shorten the theme to %d characters (it has %zu).", THEME_MAX,
		                                    utf8_chars(theme)));
	struct buf b = BUF_IN(&r->arena);
	for (int i = 0; grant_dimensions[i]; i += 2)
		for (int k = 0; k < r->form.n; k++)
			if (!strcmp(r->form.v[k].name, "dimensions") && !strcmp(r->form.v[k].value, grant_dimensions[i])) {
				buf_printf(&b, "%s%s", b.len ? "\n" : "", grant_dimensions[i]);
				break;
			}
	*dims = arena_strdup(&r->arena, buf_str(&b));
	if (!b.len)
		form_error(e, "dimensions", "Choose at least one dimension of relevance.");
	const char *f = form_or(r, "facilitator", "");
	*facilitator = *f ? atoll(f) : 0;
	if (*f && !db_int(r, 0, "SELECT 1 FROM users WHERE id = ? AND active = 1 AND role IN ('staff', 'admin', 'intermediary')",
	                  "I", *facilitator))
		form_error(e, "facilitator", "Choose a facilitator from the list: foundation or intermediary staff.");
}

void cohorts_create_submit(struct req *r)
{
	struct form_errors e = {0};
	int year;
	const char *dims;
	long long facilitator;
	cohort_check(r, &e, 0, &year, &dims, &facilitator);
	if (e.n) {
		r->status = 422;
		cohorts_view(r, &e);
		return;
	}
	db_begin(r);
	db_exec(r, "INSERT INTO cohorts (name, year, theme, dimensions, facilitator_id, created_by)"
	           " VALUES (?, ?, ?, ?, nullif(?, 0), ?)", "titt" "II", req_form(r, "name"), year, form_or(r, "theme", ""),
	        dims, facilitator, r->user->id);
	long long id = db_last_id(r);
	db_exec(r, "INSERT INTO audit (user_id, action, detail) VALUES (?, 'cohort-created', ?)", "It", r->user->id,
	        arena_printf(&r->arena, "cohort %lld", id));
	db_commit(r);
	req_redirect(r, arena_printf(&r->arena, "/cohorts/%lld?msg=created", id));
}

/* ---- /cohorts/{id} ------------------------------------------------------------- */

/* Which page section a failed form belongs to. */
struct cohort_errors {
	const struct form_errors *edit, *session, *member;
};

static void cohort_facts(struct req *r, const struct cohort *c)
{
	html(r, "<dl class=\"facts\">\n<dt>Year</dt><dd>%d</dd>\n<dt>Dimensions</dt><dd>%s</dd>\n"
	        "<dt>Facilitator</dt><dd>%s</dd>\n", c->year, region_labels(&r->arena, grant_dimensions, c->dims),
	     *c->facilitator_name ? c->facilitator_name : "Not yet named");
	if (*c->theme)
		html(r, "<dt>Theme</dt><dd class=\"pre\">%s</dd>\n", c->theme);
	html(r, "</dl>\n");
}

static void sessions_section(struct req *r, const struct cohort *c, struct session *s, int ns, int counted)
{
	const char *vtz = seats_viewer_tz(r);
	long long now = (long long)time(NULL);
	html(r, "<h2 id=\"sessions\">Sessions</h2>\n");
	if (!ns) {
		html(r, "<p>No sessions planned yet.</p>\n");
		return;
	}
	html(r, "<ol class=\"sessions\">\n");
	for (int k = 0; k < ns; k++) {
		html(r, "<li><h3>Session %d: <span class=\"date\">%s</span></h3>\n<p>%d minutes. %s", k + 1,
		     seats_when(r, s[k].starts_at, s[k].tz, vtz), s[k].minutes, session_where(r, &s[k]));
		if (*s[k].url)
			html(r, " · <a href=\"%s\" rel=\"noopener\">Join online<span class=\"visually-hidden\"> (session %d)"
			        "</span></a>", s[k].url, k + 1);
		html(r, "</p>\n");
		if (*s[k].agenda)
			html(r, "<p class=\"pre\">%s</p>\n", s[k].agenda);
		if (counted && s[k].starts_at - COHORT_ATTENDANCE_EARLY <= now)
			html(r, "<p>%d present. <a href=\"/cohorts/%lld/sessions/%lld\">Take attendance<span"
			        " class=\"visually-hidden\"> for session %d</span></a></p>\n", s[k].present, c->id, s[k].id, k + 1);
		else if (counted)
			html(r, "<p class=\"hint\">Attendance opens an hour before it starts.</p>\n");
		if (is_staff(r))
			html(r, "<p><a href=\"/cohorts/%lld/manage?session=%lld#add-session\">Change session %d</a></p>\n", c->id,
			     s[k].id, k + 1);
		html(r, "</li>\n");
	}
	html(r, "</ol>\n");
}

static void members_section(struct req *r, const struct cohort *c, const struct member *m, int nm, int staff,
                            int counted)
{
	html(r, "<h2 id=\"members\">Members</h2>\n");
	if (!nm) {
		html(r, "<p>No members yet.</p>\n");
		return;
	}
	table_begin(r, NULL, arena_printf(&r->arena, "%d members", nm));
	html(r, "<thead><tr><th scope=\"col\">Member</th><th scope=\"col\">School</th>");
	if (counted)
		html(r, "<th scope=\"col\">Sessions attended</th>");
	if (staff)
		html(r, "<th scope=\"col\"><span class=\"visually-hidden\">Remove</span></th>");
	html(r, "</tr></thead>\n<tbody>\n");
	for (int i = 0; i < nm; i++) {
		html(r, "<tr><td>%s</td><td>", m[i].user ? m[i].person : "The school");
		if (m[i].school)
			html(r, "<a href=\"/schools/%lld\">%s</a> (%s, %s)", m[i].school, m[i].school_name, m[i].city, m[i].state);
		else
			html(r, "%s", person_role(&m[i]));
		html(r, "</td>");
		if (counted)
			html(r, "<td class=\"num\">%d</td>", m[i].attended);
		if (staff) {
			html(r, "<td>");
			form_begin(r, arena_printf(&r->arena, "/cohorts/%lld", c->id));
			html(r, "<input type=\"hidden\" name=\"action\" value=\"remove_member\">"
			        "<input type=\"hidden\" name=\"member\" value=\"%lld\">"
			        "<button type=\"submit\" class=\"link\">Remove<span class=\"visually-hidden\"> %s</span></button>\n",
			     m[i].id, member_text(r, &m[i]));
			form_end(r);
			html(r, "</td>");
		}
		html(r, "</tr>\n");
	}
	html(r, "</tbody>\n");
	table_end(r);
}

/* Leaders who said in their latest scan response (for any school they
 * lead) that they want a cohort: yes first, then maybe.  Only answers of a
 * response whose school the viewer may see are read: the policy as a
 * predicate (POLICY_VISIBLE_SQL) before the page is cut and counted, and
 * policy_row() for every row shown.  From each active leader to their
 * latest response with an answer (indexes all the way), not from every
 * answer of every scan. */
#define WANT_FROM(role, uid, org, nation) \
	"  FROM (SELECT u.id AS uid, (SELECT x.id FROM user_schools us JOIN responses x ON x.school_id = us.school_id" \
	"          JOIN scan_cycles c ON c.id = x.cycle_id" \
	"          JOIN answers a ON a.response_id = x.id AND a.question = 'want_cohort'" \
	"         WHERE us.user_id = u.id ORDER BY c.year DESC, x.updated_at DESC, x.id DESC LIMIT 1) AS rid" \
	"        FROM users u WHERE u.role = 'leader' AND u.active = 1) l" \
	"  JOIN users u ON u.id = l.uid JOIN responses x ON x.id = l.rid JOIN scan_cycles c ON c.id = x.cycle_id" \
	"  JOIN answers a ON a.response_id = x.id AND a.question = 'want_cohort' JOIN schools s ON s.id = x.school_id" \
	" WHERE a.value IN ('yes', 'maybe') AND " POLICY_VISIBLE_SQL(role, uid, org, nation)

static sqlite3_stmt *want_page(struct req *r, const struct cohort *c, const struct pager *pg)
{
	/* ?1 the cohort; POLICY_COLUMNS, after it, take ?2 and ?3. */
	return db_q(r,
	    "SELECT u.id, u.name, a.value, c.year, s.id, s.name, s.city, s.state_code,"
	    "       (SELECT sent_at FROM cohort_invitations i WHERE i.cohort_id = ?1 AND i.user_id = u.id),"
	    "       u.id IN (SELECT user_id FROM cohort_members WHERE cohort_id = ?1 AND user_id IS NOT NULL), "
	    POLICY_COLUMNS ", count(*) OVER ()" WANT_FROM("?4", "?2", "?3", "?5")
	    " ORDER BY a.value = 'yes' DESC, u.name COLLATE natural_sort, u.id LIMIT ?6 OFFSET ?7",
	    "IIItIII", c->id, r->user->id, r->user->org_id, role_name(r->user->role), r->user->nation_id,
	    pager_limit(pg), pager_offset(pg));
}

static void want_section(struct req *r, const struct cohort *c)
{
	html(r, "<h2 id=\"want\">Leaders who asked for a cohort</h2>\n<p class=\"hint\">From their latest regional scan"
	        " answer: those who said yes first, then maybe. Each is invited at most once to this cohort.</p>\n");
	const char *role = role_name(r->user->role);
	struct pager pg;
	pager_init(r, &pg);
	/* The page and, on each row, the total (one pass over the leaders);
	 * a page past the last is asked again as the last. */
	sqlite3_stmt *st = want_page(r, c, &pg);
	int row = db_step(r, st);
	if (!row && pg.page > 1) {
		pager_total(&pg, db_int(r, 0, "SELECT count(*)" WANT_FROM("?1", "?2", "?3", "?4"), "tIII", role,
		                        r->user->id, r->user->org_id, r->user->nation_id));
		st = want_page(r, c, &pg);
		row = db_step(r, st);
	}
	int n = 0;
	struct usage_tally used = {0};
	const char *action = arena_printf(&r->arena, "/cohorts/%lld", c->id);
	for (; row; row = db_step(r, st)) {
		pager_total(&pg, db_col_int(st, 15));
		enum vis v = policy_row(r, st, 10);
		if (v == VIS_HIDDEN)
			continue;
		usage_count_school(r, &used, db_col_int(st, 4), db_col_int(st, 10), v);
		if (!n++) {
			table_begin(r, NULL, "Leaders who would take part in a cohort");
			html(r, "<thead><tr><th scope=\"col\">Leader</th><th scope=\"col\">Answer</th><th scope=\"col\">School"
			        "</th><th scope=\"col\">Invitation</th></tr></thead>\n<tbody>\n");
		}
		long long uid = db_col_int(st, 0);
		const char *who = db_col_text(r, st, 1);
		html(r, "<tr><td>%s</td><td>%s (%lld scan)</td><td><a href=\"/schools/%lld\">%s</a> (%s, %s)</td><td>", who,
		     !strcmp(db_col_text(r, st, 2), "yes") ? "Yes" : "Maybe", db_col_int(st, 3), db_col_int(st, 4),
		     db_col_text(r, st, 5), db_col_text(r, st, 6), db_col_text(r, st, 7));
		if (db_col_int(st, 9))
			html(r, "A member");
		else if (!db_col_null(st, 8)) {
			char when[32];
			utc_to_local(db_col_int(st, 8), "America/Chicago", when, sizeof when);
			when[10] = '\0';
			html(r, "Invited on <span class=\"date\">%s</span>", when);
		} else {
			form_begin(r, action);
			html(r, "<input type=\"hidden\" name=\"action\" value=\"invite\"><input type=\"hidden\" name=\"user\""
			        " value=\"%lld\"><button type=\"submit\" class=\"secondary\">Invite<span class=\"visually-hidden\">"
			        " %s</span></button>\n", uid, who);
			form_end(r);
		}
		html(r, "</td></tr>\n");
	}
	if (n) {
		html(r, "</tbody>\n");
		table_end(r);
		pager_nav(r, &pg, arena_printf(&r->arena, "/cohorts/%lld/manage", c->id), NULL,
		          "Pages of leaders who asked for a cohort", "leaders");
	} else {
		html(r, "<p>No leader has said so in a scan answer you may read.</p>\n");
	}
	usage_flush(r, &used, "cohort: leaders who want a cohort");
}

/* The form that adds a session, or changes the one named by ?session=
 * (or, after an error, by the form's own session field). */
static void session_form(struct req *r, const struct cohort *c, const struct form_errors *e)
{
	const char *which = e ? req_form(r, "session") : req_query(r, "session");
	long long sid = which ? atoll(which) : 0;
	struct session x = {0};
	if (sid) {
		sqlite3_stmt *st = db_q(r, "SELECT starts_at, minutes, local_date, local_time, tz, place, online_url, agenda"
		                           "  FROM cohort_sessions WHERE id = ? AND cohort_id = ?", "II", sid, c->id);
		if (db_step(r, st)) {
			x = (struct session){ sid, db_col_int(st, 0), (int)db_col_int(st, 1), 0, db_col_text(r, st, 2),
			                      db_col_text(r, st, 3), db_col_text(r, st, 4), db_col_text(r, st, 5),
			                      db_col_text(r, st, 6), db_col_text(r, st, 7) };
			sqlite3_reset(st);
		} else {
			sid = 0;
		}
	}
	const char *action = arena_printf(&r->arena, "/cohorts/%lld", c->id);
	if (sid) {
		html(r, "<h2 id=\"add-session\">Change the session on %s</h2>\n", seats_when(r, x.starts_at, x.tz, NULL));
		form_error_summary(r, e);
		form_begin(r, action);
		html(r, "<input type=\"hidden\" name=\"session\" value=\"%lld\">\n", sid);
	} else {
		html(r, "<h2 id=\"add-session\">Add a session</h2>\n");
		form_error_summary(r, e);
		form_begin_create(r, action);
	}
	html(r, "<input type=\"hidden\" name=\"action\" value=\"add_session\">\n");
	form_input(r, e, "date", "Date", "date", e ? req_form(r, "date") : x.date, "off", NULL, 1, 0);
	form_input(r, e, "time", "Start time", "time", e ? req_form(r, "time") : x.time, "off",
	           "24-hour, like 09:30, in the time zone of the place.", 1, 0);
	form_select(r, e, "tz", "Time zone of the place", region_time_zones,
	            e ? form_or(r, "tz", "America/Chicago") : sid ? x.tz : "America/Chicago", NULL);
	form_input(r, e, "minutes", "Length in minutes", "text",
	           e ? req_form(r, "minutes") : sid ? arena_printf(&r->arena, "%d", x.minutes) : "120", "off", NULL, 1, 0);
	form_input(r, e, "place", "Place", "text", e ? req_form(r, "place") : x.place, "off",
	           "Where people meet; leave it empty for a session held only online.", 0, PLACE_MAX);
	form_input(r, e, "online_url", "Online link", "url", e ? req_form(r, "online_url") : x.url, "off",
	           "An https:// address, for a session held online or both.", 0, URL_MAX);
	form_textarea(r, e, "agenda", "Agenda", e ? req_form(r, "agenda") : x.agenda, 4, AGENDA_MAX, NULL);
	if (sid)
		html(r, "<div class=\"actions\"><button type=\"submit\">Save the session</button> <a href=\"/cohorts/%lld#sessions\">"
		        "Keep it as it is</a></div>\n", c->id);
	else
		html(r, "<button type=\"submit\">Add the session</button>\n");
	form_end(r);
}

/* The schools the viewer may add to a cohort (those the policy shows
 * them), as value/label pairs for form_select.  Staff and admins, who
 * alone add members, get it from the worker's cache while no school
 * changes: the figures revision counts every change to a school, and for
 * them policy_decide reads nothing but a school's sharing level.  Every
 * school in it went through policy_row() when it was made. */
static const char **school_options(struct req *r)
{
	int kept = is_staff(r);
	long long rev = kept ? cache_revision(r) : -1;
	const char *key = arena_printf(&r->arena, "cohort schools|%s", role_name(r->user->role));
	size_t len = 0;
	const char *hit = kept ? cache_get(key, rev, &len) : NULL;
	struct pairs schools = {0};
	pairs_add(r, &schools, "", "— no school —");
	if (hit) {              /* value NUL label NUL ..., copied: the entry may go */
		char *p = arena_alloc(&r->arena, len + 1), *end = p + len;
		memcpy(p, hit, len);
		*end = '\0';
		while (p < end) {
			const char *value = p;
			p += strlen(p) + 1;
			const char *label = p < end ? p : "";
			p += strlen(label) + 1;
			pairs_add(r, &schools, value, label);
		}
		return pairs_end(r, &schools);
	}
	sqlite3_stmt *st = db_q(r,
	    "SELECT s.id, s.name || ' (' || s.city || ', ' || s.state_code || ')', " POLICY_COLUMNS
	    "  FROM schools s WHERE " POLICY_VISIBLE_SQL("?3", "?1", "?2", "?4")
	    " ORDER BY s.name COLLATE natural_sort, s.id", "IItI", r->user->id, r->user->org_id,
	    role_name(r->user->role), r->user->nation_id);
	struct buf b = BUF_IN(&r->arena);
	while (db_step(r, st))
		if (policy_row(r, st, 2) != VIS_HIDDEN) {
			const char *value = db_col_text(r, st, 0), *label = db_col_text(r, st, 1);
			pairs_add(r, &schools, value, label);
			buf_add(&b, value, strlen(value) + 1);
			buf_add(&b, label, strlen(label) + 1);
		}
	if (kept && b.len)
		cache_put(key, rev, b.p, b.len);
	return pairs_end(r, &schools);
}

static void member_form(struct req *r, const struct cohort *c, const struct form_errors *e)
{
	html(r, "<h2 id=\"add-member\">Add a member</h2>\n<p class=\"hint\">A school, a leader taking part for a school"
	        " they lead, or a person on their own (a coach, foundation staff).</p>\n");
	form_error_summary(r, e);
	const char **schools = school_options(r);
	const char **people = form_options(r, db_q(r,
	    "SELECT u.id, u.name || ' (' || CASE u.role WHEN 'leader' THEN 'school leader' WHEN 'intermediary'"
	    "   THEN coalesce(o.name, 'intermediary staff') ELSE 'foundation staff' END || ')'"
	    "  FROM users u LEFT JOIN organizations o ON o.id = u.org_id"
	    " WHERE u.active = 1 AND u.role IN ('leader', 'intermediary', 'staff')"
	    " ORDER BY u.name COLLATE natural_sort, u.id", ""), "— no person —");
	form_begin_create(r, arena_printf(&r->arena, "/cohorts/%lld", c->id));
	html(r, "<input type=\"hidden\" name=\"action\" value=\"add_member\">\n");
	form_select(r, e, "school", "School", schools, e ? req_form(r, "school") : NULL, NULL);
	form_select(r, e, "person", "Person", people, e ? req_form(r, "person") : NULL,
	            "A leader takes part for the school chosen above, which they must lead.");
	html(r, "<button type=\"submit\">Add the member</button>\n");
	form_end(r);
}

static const char *const notices[] = {
	"created", "Cohort started. Add its sessions and members: see Manage the cohort, below.",
	"saved", "Changes saved.",
	"session", "Session added.",
	"session_removed", "Session removed.",
	"session_changed", "Session changed.",
	"member", "Member added.",
	"member_removed", "Member removed.",
	"invited", "Invitation sent.",
	"already", "This leader was invited to this cohort before: nothing was sent again.",
	"joined", "Welcome: you are a member of this cohort.",
	NULL,
};

static void notice(struct req *r)
{
	const char *msg = req_query(r, "msg");
	if (msg && *region_label(notices, msg))
		page_notice(r, region_label(notices, msg));
}

/* The cohort's page: what it is, its sessions and its members; staff
 * manage it on a page of its own (manage_view), which keeps this one, the
 * page everyone reads, light. */
static void cohort_view(struct req *r, const struct cohort *c)
{
	int staff = is_staff(r), members = sees_members(r, c), counted = runs(r, c);
	page_begin(r, c->name);
	notice(r);
	cohort_facts(r, c);
	struct usage_tally used = {0};
	struct member *m = NULL;
	int nm = members_shown(r, c->id, &m, members ? &used : NULL);
	struct session *s;
	int ns = sessions_of(r, c->id, &s);
	if (counted)
		sessions_count(r, c->id, s, ns, m, nm);
	sessions_section(r, c, s, ns, counted);
	if (members) {
		members_section(r, c, m, nm, staff, counted);
		usage_flush(r, &used, "cohort members");
	} else {
		html(r, "<h2 id=\"members\">Members</h2>\n<p>%d member%s. Members are named to the cohort's own members,"
		        " its facilitator and foundation staff.</p>\n", nm, nm == 1 ? "" : "s");
		/* A leader invited to it may join for a school they lead. */
		if (r->user->role == ROLE_LEADER &&
		    db_int(r, 0, "SELECT 1 FROM cohort_invitations WHERE cohort_id = ? AND user_id = ?", "II", c->id, r->user->id)) {
			const char **mine = form_options(r, db_q(r,
			    "SELECT s.id, s.name || ' (' || s.city || ', ' || s.state_code || ')' FROM user_schools us"
			    " JOIN schools s ON s.id = us.school_id WHERE us.user_id = ? ORDER BY s.name", "I", r->user->id), NULL);
			if (mine[0]) {
				html(r, "<h2 id=\"join\">Join this cohort</h2>\n<p>You were invited. Choose the school you take part"
				        " for.</p>\n");
				form_begin(r, arena_printf(&r->arena, "/cohorts/%lld", c->id));
				html(r, "<input type=\"hidden\" name=\"action\" value=\"join\">\n");
				form_select(r, NULL, "school", "School", mine, NULL, NULL);
				html(r, "<button type=\"submit\">Join the cohort</button>\n");
				form_end(r);
			}
		}
	}
	if (counted)
		html(r, "<p><a href=\"/cohorts/%lld/members.csv\">Members (CSV)</a> · <a href=\"/cohorts/%lld/attendance.csv\">"
		        "Attendance (CSV)</a></p>\n", c->id, c->id);
	if (staff)
		html(r, "<h2 id=\"manage\">Manage the cohort</h2>\n<ul>\n"
		        "<li><a href=\"/cohorts/%lld/manage#add-session\">Add a session</a></li>\n"
		        "<li><a href=\"/cohorts/%lld/manage#add-member\">Add a member</a></li>\n"
		        "<li><a href=\"/cohorts/%lld/manage#want\">Invite leaders who asked for a cohort</a></li>\n"
		        "<li><a href=\"/cohorts/%lld/manage#edit\">Edit the cohort</a></li>\n</ul>\n", c->id, c->id, c->id, c->id);
	page_end(r);
}

/* /cohorts/{id}/manage (staff): add, change and remove sessions, add
 * members, invite the leaders who asked for a cohort, edit it.  A form
 * sent with a problem comes back here, the problem in its section. */
static void manage_view(struct req *r, const struct cohort *c, const struct cohort_errors *err)
{
	page_begin(r, arena_printf(&r->arena, "Manage %s", c->name));
	if (!(err && (err->edit || err->session || err->member)))
		notice(r);
	html(r, "<p><a href=\"/cohorts/%lld\">Back to the cohort: its sessions and members</a></p>\n", c->id);
	struct session *s;
	int ns = sessions_of(r, c->id, &s);
	session_form(r, c, err ? err->session : NULL);
	if (ns) {
		html(r, "<h2 id=\"remove-session\">Remove a session</h2>\n");
		struct pairs opts = {0};
		for (int k = 0; k < ns; k++)
			pairs_add(r, &opts, arena_printf(&r->arena, "%lld", s[k].id),
			          arena_printf(&r->arena, "Session %d: %s", k + 1, seats_when(r, s[k].starts_at, s[k].tz, NULL)));
		form_begin(r, arena_printf(&r->arena, "/cohorts/%lld", c->id));
		html(r, "<input type=\"hidden\" name=\"action\" value=\"remove_session\">\n");
		form_select(r, NULL, "session", "Session", pairs_end(r, &opts), NULL, NULL);
		html(r, "<button type=\"submit\" class=\"secondary\">Remove the session…</button>\n");
		form_end(r);
	}
	member_form(r, c, err ? err->member : NULL);
	want_section(r, c);
	html(r, "<h2 id=\"edit\">Edit the cohort</h2>\n");
	const struct form_errors *e = err ? err->edit : NULL;
	form_error_summary(r, e);
	if (!e)         /* the stored dimensions, checked */
		for (const char *p = c->dims; *p;) {
			size_t len = strcspn(p, "\n");
			params_add(&r->arena, &r->form, "dimensions", p, len);
			p += len + (p[len] == '\n');
		}
	form_begin(r, arena_printf(&r->arena, "/cohorts/%lld", c->id));
	html(r, "<input type=\"hidden\" name=\"action\" value=\"edit\">\n");
	cohort_fields(r, e, e ? req_form(r, "name") : c->name,
	              e ? req_form(r, "year") : arena_printf(&r->arena, "%d", c->year), e ? req_form(r, "theme") : c->theme,
	              e ? req_form(r, "facilitator") : arena_printf(&r->arena, "%lld", c->facilitator));
	html(r, "<button type=\"submit\">Save changes</button>\n");
	form_end(r);
	page_end(r);
}

static void cohort_get(struct req *r, long long id, struct cohort *c)
{
	if (!cohort_load(r, id, c))
		req_fail(r, 404, "no such cohort");
}

void cohort_page(struct req *r)
{
	struct cohort c;
	cohort_get(r, r->ids[0], &c);
	cohort_view(r, &c);
}

void cohort_manage_page(struct req *r)
{
	struct cohort c;
	cohort_get(r, r->ids[0], &c);
	manage_view(r, &c, NULL);
}

static void confirm_page(struct req *r, const struct cohort *c, const char *title, const char *what,
                         const char *field, long long value, const char *verb)
{
	page_begin(r, title);
	html(r, "<p>%s</p>\n", what);
	form_begin(r, arena_printf(&r->arena, "/cohorts/%lld", c->id));
	html(r, "<input type=\"hidden\" name=\"action\" value=\"%s\"><input type=\"hidden\" name=\"%s\" value=\"%lld\">"
	        "<input type=\"hidden\" name=\"sure\" value=\"1\">\n", req_form(r, "action"), field, value);
	html(r, "<div class=\"actions\"><button type=\"submit\">%s</button> <a href=\"/cohorts/%lld\">Keep it and go back"
	        "</a></div>\n", verb, c->id);
	form_end(r);
	page_end(r);
}

/* Add a session, or change the one the form names (session). */
static void add_session(struct req *r, const struct cohort *c)
{
	struct form_errors e = {0};
	long long sid = atoll(form_or(r, "session", "0"));
	if (sid && !db_int(r, 0, "SELECT 1 FROM cohort_sessions WHERE id = ? AND cohort_id = ?", "II", sid, c->id))
		req_fail(r, 404, "no such session");
	const char *date = form_or(r, "date", ""), *time_s = form_or(r, "time", ""), *tz = form_or(r, "tz", "");
	long long at = 0;
	switch (cohort_session_time(date, time_s, tz, &at)) {
	case COHORT_TIME_OK: break;
	case COHORT_TIME_BAD_ZONE: form_error(&e, "tz", "Choose the time zone of the place."); break;
	case COHORT_TIME_BAD_DATE: form_error(&e, "date", "Enter the date as YYYY-MM-DD."); break;
	case COHORT_TIME_BAD_TIME: form_error(&e, "time", "Enter the start time as HH:MM, like 09:30."); break;
	case COHORT_TIME_SKIPPED:
		form_error(&e, "time", "That time does not exist there: clocks skip from 2:00 to 3:00 that night. Choose"
		                       " another time.");
		break;
	}
	char *end = NULL;
	const char *mins = form_or(r, "minutes", "");
	long minutes = strtol(mins, &end, 10);
	if (!*mins || *end || minutes < 15 || minutes > 720)
		form_error(&e, "minutes", "Enter the length in whole minutes, from 15 to 720.");
	const char *place = form_or(r, "place", ""), *url = form_or(r, "online_url", ""), *agenda = form_or(r, "agenda", "");
	if (utf8_chars(place) > PLACE_MAX)
		form_error(&e, "place", arena_printf(&r->arena, "Shorten the place to %d characters (it has %zu).", PLACE_MAX,
		                                     utf8_chars(place)));
	if (*url && (strncmp(url, "https://", 8) && strncmp(url, "http://", 7)))
		form_error(&e, "online_url", "Enter the online link as an address starting with https://.");
	else if (*url && (strlen(url) > URL_MAX || strpbrk(url, " \t\r\n\"<>")))
		form_error(&e, "online_url", arena_printf(&r->arena, "Enter one address without spaces, at most %d characters.",
		                                          URL_MAX));
	if (!*place && !*url)
		form_error(&e, "place", "Enter the place, or an online link below.");
	if (utf8_chars(agenda) > AGENDA_MAX)
		form_error(&e, "agenda", arena_printf(&r->arena, "Shorten the agenda to %d characters (it has %zu).", AGENDA_MAX,
		                                      utf8_chars(agenda)));
	if (e.n) {
		r->status = 422;
		manage_view(r, c, &(struct cohort_errors){ .session = &e });
		return;
	}
	db_begin(r);
	if (sid)        /* its attendance stays with it */
		db_exec(r, "UPDATE cohort_sessions SET local_date = ?, local_time = ?, tz = ?, starts_at = ?, minutes = ?,"
		           " place = ?, online_url = ?, agenda = ? WHERE id = ? AND cohort_id = ?", "tttIitttII", date, time_s,
		        tz, at, (int)minutes, place, url, agenda, sid, c->id);
	else
		db_exec(r, "INSERT INTO cohort_sessions (cohort_id, local_date, local_time, tz, starts_at, minutes, place,"
		           " online_url, agenda) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", "ItttIittt", c->id, date, time_s, tz, at,
		        (int)minutes, place, url, agenda);
	db_commit(r);
	req_redirect(r, arena_printf(&r->arena, "/cohorts/%lld?msg=%s#sessions", c->id, sid ? "session_changed" : "session"));
}

static void add_member(struct req *r, const struct cohort *c)
{
	struct form_errors e = {0};
	long long school = atoll(form_or(r, "school", "0")), person = atoll(form_or(r, "person", "0"));
	const char *role = person ? db_text(r, "SELECT role FROM users WHERE id = ? AND active = 1 AND role IN"
	                                       " ('leader', 'intermediary', 'staff')", "I", person) : NULL;
	if (school && policy_school(r, school) == VIS_HIDDEN)
		form_error(&e, "school", "Choose a school from the list.");
	else if (person && !role)
		form_error(&e, "person", "Choose a person from the list.");
	else if (!school && !person)
		form_error(&e, "school", "Choose a school, a person, or both.");
	else if (school && person && strcmp(role, "leader"))
		form_error(&e, "person", "Only a school's own leaders take part for it: add this person without a school.");
	else if (school && person && !db_int(r, 0, "SELECT 1 FROM user_schools WHERE user_id = ? AND school_id = ?", "II",
	                                     person, school))
		form_error(&e, "person", "This leader does not lead the school chosen: choose their school, or none.");
	if (!e.n) {
		/* The cap and the uniqueness, where the row is written. */
		db_begin(r);
		enum cohort_add out = cohort_member_add(r, c->id, school, person, r->user->id);
		if (out == COHORT_ADD_OK) {
			db_commit(r);
			req_redirect(r, arena_printf(&r->arena, "/cohorts/%lld?msg=member#members", c->id));
			return;
		}
		db_request_done(r->db);        /* nothing was stored */
		if (out == COHORT_ADD_FULL)
			form_error(&e, "school", arena_printf(&r->arena, "The cohort is full: a cohort has at most %d members."
			                                      " Nothing was added.", COHORT_MEMBERS_MAX));
		else
			form_error(&e, person ? "person" : "school", "Already a member of this cohort.");
	}
	r->status = 422;
	manage_view(r, c, &(struct cohort_errors){ .member = &e });
}

/* The invitation mail: the cohort and its sessions, never its members. */
static void invite(struct req *r, const struct cohort *c)
{
	long long uid = atoll(form_or(r, "user", "0"));
	sqlite3_stmt *st = db_q(r, "SELECT email, name FROM users WHERE id = ? AND role = 'leader' AND active = 1", "I", uid);
	if (!db_step(r, st))
		req_fail(r, 404, "no such leader");
	const char *email = db_col_text(r, st, 0), *name = db_col_text(r, st, 1);
	sqlite3_reset(st);
	db_begin(r);
	if (!db_exec(r, "INSERT INTO cohort_invitations (cohort_id, user_id, sent_by) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
	             "III", c->id, uid, r->user->id)) {
		db_commit(r);
		req_redirect(r, arena_printf(&r->arena, "/cohorts/%lld/manage?msg=already#want", c->id));
		return;
	}
	struct session *s;
	int ns = sessions_of(r, c->id, &s);
	struct buf when = BUF_IN(&r->arena);
	for (int k = 0; k < ns; k++)
		buf_printf(&when, "- %s, %d minutes, %s%s%s\n", seats_when(r, s[k].starts_at, s[k].tz, NULL), s[k].minutes,
		           session_where(r, &s[k]), *s[k].url ? ": " : "", s[k].url);
	mail_queue(r, email, arena_printf(&r->arena, "You are invited to the Inspire cohort %s (%d)", c->name, c->year),
	           arena_printf(&r->arena,
	                        "Hello %s,\n\nIn the regional scan you said you would take part in an Inspire cohort. The"
	                        " foundation invites you to %s (%d).\n\n%s%sDimensions of relevance: %s\n\nSessions:\n%s\n"
	                        "See the cohort and join it here:\n%s/cohorts/%lld\n",
	                        name, c->name, c->year, *c->theme ? c->theme : "", *c->theme ? "\n\n" : "",
	                        region_labels(&r->arena, grant_dimensions, c->dims), ns ? buf_str(&when) : "- to be announced\n",
	                        mail_base_url(), c->id));
	db_commit(r);
	req_redirect(r, arena_printf(&r->arena, "/cohorts/%lld/manage?msg=invited#want", c->id));
}

static void join(struct req *r, const struct cohort *c)
{
	long long school = atoll(form_or(r, "school", "0"));
	if (r->user->role != ROLE_LEADER ||
	    !db_int(r, 0, "SELECT 1 FROM cohort_invitations WHERE cohort_id = ? AND user_id = ?", "II", c->id, r->user->id))
		req_fail(r, 403, "not invited to this cohort");
	if (!db_int(r, 0, "SELECT 1 FROM user_schools WHERE user_id = ? AND school_id = ?", "II", r->user->id, school))
		req_fail(r, 422, "not a school you lead");
	db_begin(r);
	if (cohort_member_add(r, c->id, school, r->user->id, r->user->id) == COHORT_ADD_FULL) {
		db_request_done(r->db);        /* nothing was stored */
		req_fail(r, 409, "the cohort is full");
	}
	db_commit(r);
	req_redirect(r, arena_printf(&r->arena, "/cohorts/%lld?msg=joined#members", c->id));
}

void cohort_submit(struct req *r)
{
	struct cohort c;
	cohort_get(r, r->ids[0], &c);
	const char *action = form_or(r, "action", "");
	if (!strcmp(action, "join")) {
		join(r, &c);
		return;
	}
	if (!is_staff(r))
		req_fail(r, 403, "only foundation staff change a cohort");
	const char *back = arena_printf(&r->arena, "/cohorts/%lld", c.id);
	if (!strcmp(action, "edit")) {
		struct form_errors e = {0};
		int year;
		const char *dims;
		long long facilitator;
		cohort_check(r, &e, c.id, &year, &dims, &facilitator);
		if (e.n) {
			r->status = 422;
			manage_view(r, &c, &(struct cohort_errors){ .edit = &e });
			return;
		}
		db_begin(r);
		db_exec(r, "UPDATE cohorts SET name = ?, year = ?, theme = ?, dimensions = ?, facilitator_id = nullif(?, 0),"
		           " updated_at = unixepoch() WHERE id = ?", "titt" "II", req_form(r, "name"), year,
		        form_or(r, "theme", ""), dims, facilitator, c.id);
		db_commit(r);
		req_redirect(r, arena_printf(&r->arena, "%s?msg=saved", back));
	} else if (!strcmp(action, "add_session")) {
		add_session(r, &c);
	} else if (!strcmp(action, "add_member")) {
		add_member(r, &c);
	} else if (!strcmp(action, "invite")) {
		invite(r, &c);
	} else if (!strcmp(action, "remove_session")) {
		long long sid = atoll(form_or(r, "session", "0"));
		sqlite3_stmt *st = db_q(r, "SELECT starts_at, tz, (SELECT count(*) FROM cohort_attendance WHERE session_id = x.id)"
		                           " FROM cohort_sessions x WHERE id = ? AND cohort_id = ?", "II", sid, c.id);
		if (!db_step(r, st))
			req_fail(r, 404, "no such session");
		const char *when = seats_when(r, db_col_int(st, 0), db_col_text(r, st, 1), NULL);
		long long marked = db_col_int(st, 2);
		sqlite3_reset(st);
		if (!req_form(r, "sure")) {
			confirm_page(r, &c, "Remove this session?",
			             arena_printf(&r->arena, "The session on %s is removed with its attendance (%lld mark%s)."
			                          " This cannot be undone.", when, marked, marked == 1 ? "" : "s"),
			             "session", sid, "Remove the session");
			return;
		}
		db_begin(r);
		db_exec(r, "DELETE FROM cohort_sessions WHERE id = ? AND cohort_id = ?", "II", sid, c.id);
		db_commit(r);
		req_redirect(r, arena_printf(&r->arena, "%s?msg=session_removed#sessions", back));
	} else if (!strcmp(action, "remove_member")) {
		long long mid = atoll(form_or(r, "member", "0"));
		struct member *m;
		int nm = members_shown(r, c.id, &m, NULL), k = 0;
		while (k < nm && m[k].id != mid)
			k++;
		if (k == nm)
			req_fail(r, 404, "no such member");
		if (!req_form(r, "sure")) {
			confirm_page(r, &c, "Remove this member?",
			             arena_printf(&r->arena, "%s leaves the cohort, and their attendance (%d session%s) is removed"
			                          " with them. This cannot be undone.", member_text(r, &m[k]), m[k].attended,
			                          m[k].attended == 1 ? "" : "s"),
			             "member", mid, "Remove the member");
			return;
		}
		db_begin(r);
		db_exec(r, "DELETE FROM cohort_members WHERE id = ? AND cohort_id = ?", "II", mid, c.id);
		db_commit(r);
		req_redirect(r, arena_printf(&r->arena, "%s?msg=member_removed#members", back));
	} else {
		req_fail(r, 400, "unknown action");
	}
}

/* ---- /cohorts/{id}/sessions/{id}: attendance ------------------------------------- */

static void session_get(struct req *r, struct cohort *c, struct session *s)
{
	cohort_get(r, r->ids[0], c);
	if (!runs(r, c))
		req_fail(r, 403, "only foundation staff and the facilitator take attendance");
	sqlite3_stmt *st = db_q(r, "SELECT id, starts_at, minutes, local_date, local_time, tz, place, online_url, agenda"
	                           "  FROM cohort_sessions WHERE id = ? AND cohort_id = ?", "II", r->ids[1], c->id);
	if (!db_step(r, st))
		req_fail(r, 404, "no such session");
	*s = (struct session){ db_col_int(st, 0), db_col_int(st, 1), (int)db_col_int(st, 2), 0, db_col_text(r, st, 3),
	                       db_col_text(r, st, 4), db_col_text(r, st, 5), db_col_text(r, st, 6), db_col_text(r, st, 7),
	                       db_col_text(r, st, 8) };
	sqlite3_reset(st);
}

static void attendance_view(struct req *r, const struct cohort *c, const struct session *s, const char *problem)
{
	page_begin(r, "Attendance");
	html(r, "<p><a href=\"/cohorts/%lld\">%s</a>: <span class=\"date\">%s</span>, %s.</p>\n", c->id, c->name,
	     seats_when(r, s->starts_at, s->tz, NULL), session_where(r, s));
	if (problem)
		html(r, "<div class=\"error-summary\" role=\"alert\" tabindex=\"-1\" id=\"errors\"><h2>There is a problem</h2>"
		        "<p>%s</p></div>\n", problem);
	else if (req_query(r, "msg") && !strcmp(req_query(r, "msg"), "saved"))
		page_notice(r, arena_printf(&r->arena, "Attendance saved: %lld present.",
		                            req_query(r, "n") ? atoll(req_query(r, "n")) : 0LL));
	if (s->starts_at - COHORT_ATTENDANCE_EARLY > (long long)time(NULL)) {
		html(r, "<p>Attendance opens an hour before the session starts.</p>\n");
		page_end(r);
		return;
	}
	struct usage_tally used = {0};
	struct member *m;
	int nm = members_shown(r, c->id, &m, &used);
	if (!nm) {
		html(r, "<p>The cohort has no members yet.</p>\n");
		page_end(r);
		return;
	}
	form_begin(r, arena_printf(&r->arena, "/cohorts/%lld/sessions/%lld", c->id, s->id));
	html(r, "<fieldset class=\"field attendance\"><legend>Who is here</legend>\n");
	struct marks k;
	marks_load(r, c->id, &k);
	for (int i = 0; i < nm; i++) {
		int on = marked(&k, s->id, m[i].id);
		html(r, "<div class=\"choice\"><input type=\"checkbox\" id=\"present-%lld\" name=\"present\" value=\"%lld\"%s>"
		        "<label for=\"present-%lld\">%s</label></div>\n", m[i].id, m[i].id, on ? " checked" : "", m[i].id,
		     member_text(r, &m[i]));
	}
	html(r, "</fieldset>\n<button type=\"submit\">Save attendance</button>\n");
	form_end(r);
	usage_flush(r, &used, "cohort attendance");
	page_end(r);
}

void cohort_session_page(struct req *r)
{
	struct cohort c;
	struct session s;
	session_get(r, &c, &s);
	attendance_view(r, &c, &s, NULL);
}

void cohort_session_submit(struct req *r)
{
	struct cohort c;
	struct session s;
	session_get(r, &c, &s);
	if (s.starts_at - COHORT_ATTENDANCE_EARLY > (long long)time(NULL)) {
		r->status = 409;
		attendance_view(r, &c, &s, "Attendance opens an hour before the session starts: nothing was saved.");
		return;
	}
	struct member *m;
	int nm = members_shown(r, c.id, &m, NULL), np = 0;
	long long *shown = arena_alloc(&r->arena, sizeof *shown * (size_t)(nm + 1));
	long long *present = arena_alloc(&r->arena, sizeof *present * (size_t)(r->form.n + 1));
	for (int i = 0; i < nm; i++)
		shown[i] = m[i].id;
	for (int k = 0; k < r->form.n; k++)
		if (!strcmp(r->form.v[k].name, "present"))
			present[np++] = atoll(r->form.v[k].value);
	for (int k = 0; k < np; k++)
		if (!in_ids(shown, nm, present[k])) {
			r->status = 422;
			attendance_view(r, &c, &s, "Someone marked is not a member of this cohort any more: nothing was saved."
			                           " Check the list and save again.");
			return;
		}
	db_begin(r);
	int n = cohort_attendance_set(r, s.id, shown, nm, present, np);
	db_commit(r);
	req_redirect(r, arena_printf(&r->arena, "/cohorts/%lld/sessions/%lld?msg=saved&n=%d", c.id, s.id, n));
}

/* ---- CSV ------------------------------------------------------------------------------ */

static void csv_get(struct req *r, struct cohort *c)
{
	cohort_get(r, r->ids[0], c);
	if (!runs(r, c))
		req_fail(r, 403, "only foundation staff and the facilitator export a cohort");
}

void cohort_members_csv(struct req *r)
{
	struct cohort c;
	csv_get(r, &c);
	struct usage_tally used = {0};
	struct member *m;
	int nm = members_shown(r, c.id, &m, &used);
	static const char *const cols[] = { "cohort_id", "cohort", "year", "member_id", "person", "role", "school_id",
	                                    "school", "city", "state", "sessions_attended", "labels", NULL };
	csv_start(r, arena_printf(&r->arena, "ilnet-cohort-%lld-members.csv", c.id), cols);
	for (int i = 0; i < nm; i++) {
		const char *v[] = {
			arena_printf(&r->arena, "%lld", c.id), c.name, arena_printf(&r->arena, "%d", c.year),
			arena_printf(&r->arena, "%lld", m[i].id), m[i].person, m[i].user ? person_role(&m[i]) : "",
			m[i].school ? arena_printf(&r->arena, "%lld", m[i].school) : "", m[i].school_name, m[i].city, m[i].state,
			arena_printf(&r->arena, "%d", m[i].attended), m[i].school ? policy_labels(r, m[i].school) : "",
		};
		for (size_t k = 0; k < sizeof v / sizeof v[0]; k++)
			csv_field(&r->body, v[k], k == 0);
		csv_end(&r->body);
	}
	usage_flush(r, &used, "cohort members.csv");
}

void cohort_attendance_csv(struct req *r)
{
	struct cohort c;
	csv_get(r, &c);
	struct usage_tally used = {0};
	struct member *m;
	int nm = members_shown(r, c.id, &m, &used);
	struct session *s;
	int ns = sessions_of(r, c.id, &s);
	static const char *const cols[] = { "cohort_id", "session_id", "session", "date", "time", "time_zone", "member_id",
	                                    "person", "school_id", "school", "present", NULL };
	csv_start(r, arena_printf(&r->arena, "ilnet-cohort-%lld-attendance.csv", c.id), cols);
	struct marks marks;
	marks_load(r, c.id, &marks);
	for (int k = 0; k < ns; k++)
		for (int i = 0; i < nm; i++) {
			int on = marked(&marks, s[k].id, m[i].id);
			const char *v[] = {
				arena_printf(&r->arena, "%lld", c.id), arena_printf(&r->arena, "%lld", s[k].id),
				arena_printf(&r->arena, "%d", k + 1), s[k].date, s[k].time, s[k].tz,
				arena_printf(&r->arena, "%lld", m[i].id), m[i].person,
				m[i].school ? arena_printf(&r->arena, "%lld", m[i].school) : "", m[i].school_name, on ? "yes" : "no",
			};
			for (size_t j = 0; j < sizeof v / sizeof v[0]; j++)
				csv_field(&r->body, v[j], j == 0);
			csv_end(&r->body);
		}
	usage_flush(r, &used, "cohort attendance.csv");
}

/* ---- /api/v1/cohorts ---------------------------------------------------------------- */

/* A page of cohorts (?page=N, ?year=YYYY), with the total; the members
 * and sessions of the whole page are read in one query each. */
void cohorts_json(struct req *r)
{
	const char *y = req_query(r, "year");
	int year = y ? atoi(y) : 0, staff = is_staff(r);
	struct pager pg;
	pager_init(r, &pg);
	pager_total(&pg, db_int(r, 0, "SELECT count(*) FROM cohorts WHERE ?1 = 0 OR year = ?1", "i", year));
	/* The page's cohorts, as a subquery of ?1 year, ?2 limit, ?3 offset. */
#define PAGE_IDS "(SELECT id FROM cohorts WHERE ?1 = 0 OR year = ?1 ORDER BY year DESC, name, id LIMIT ?2 OFFSET ?3)"
	cJSON *out = cJSON_CreateObject();
	cJSON_AddNumberToObject(out, "total", (double)pg.total);
	cJSON_AddNumberToObject(out, "page", (double)pg.page);
	cJSON_AddNumberToObject(out, "per_page", PAGE_ROWS);
	cJSON *list = cJSON_AddArrayToObject(out, "cohorts");
	struct item { long long id; int named, count; cJSON *o, *sessions, *members; } v[PAGE_ROWS];
	int n = 0;
	sqlite3_stmt *st = db_q(r,
	    "SELECT c.id, c.name, c.year, c.theme, c.dimensions,"
	    "       coalesce(u.name || CASE u.role WHEN 'intermediary' THEN coalesce(' (' || o.name || ')', '')"
	    "         ELSE ' (foundation staff)' END, ''),"
	    "       ?5 OR c.facilitator_id = ?4 OR c.id IN (SELECT m.cohort_id FROM cohort_members m WHERE m.user_id = ?4"
	    "         OR m.school_id IN (SELECT school_id FROM user_schools WHERE user_id = ?4))"
	    "  FROM cohorts c LEFT JOIN users u ON u.id = c.facilitator_id LEFT JOIN organizations o ON o.id = u.org_id"
	    " WHERE c.id IN " PAGE_IDS " ORDER BY c.year DESC, c.name, c.id", "iIIIi", year, pager_limit(&pg),
	    pager_offset(&pg), r->user->id, staff);
	struct buf ids = BUF_IN(&r->arena);         /* the page's ids, as a JSON array for json_each() */
	while (db_step(r, st) && n < PAGE_ROWS) {
		struct item *it = &v[n++];
		it->id = db_col_int(st, 0);
		/* The members are named as on the cohort's page (members_rule). */
		it->named = staff || db_col_int(st, 6);
		it->count = 0;
		cJSON *o = it->o = cJSON_CreateObject();
		cJSON_AddItemToArray(list, o);
		cJSON_AddNumberToObject(o, "id", (double)it->id);
		cJSON_AddStringToObject(o, "name", db_col_text(r, st, 1));
		cJSON_AddNumberToObject(o, "year", (double)db_col_int(st, 2));
		cJSON_AddStringToObject(o, "theme", db_col_text(r, st, 3));
		cJSON *d = cJSON_AddArrayToObject(o, "dimensions");
		for (const char *p = db_col_text(r, st, 4); *p;) {
			size_t len = strcspn(p, "\n");
			cJSON_AddItemToArray(d, cJSON_CreateString(arena_strndup(&r->arena, p, len)));
			p += len + (p[len] == '\n');
		}
		if (*db_col_text(r, st, 5))
			cJSON_AddStringToObject(o, "facilitator", db_col_text(r, st, 5));
		else
			cJSON_AddNullToObject(o, "facilitator");
		cJSON_AddStringToObject(o, "url", arena_printf(&r->arena, "/cohorts/%lld", it->id));
		it->sessions = cJSON_AddArrayToObject(o, "sessions");
		it->members = NULL;
		buf_printf(&ids, "%c%lld", n == 1 ? '[' : ',', it->id);
	}
	buf_puts(&ids, n ? "]" : "[]");
#undef PAGE_IDS
	/* Sessions. */
	st = db_q(r, "SELECT cohort_id, id, starts_at, local_date, local_time, tz, minutes, place, online_url, agenda"
	             "  FROM cohort_sessions WHERE cohort_id IN (SELECT value FROM json_each(?))"
	             " ORDER BY cohort_id, starts_at, id", "t", buf_str(&ids));
	int k = 0;
	while (db_step(r, st)) {
		long long cid = db_col_int(st, 0);
		if (k >= n || v[k].id != cid)
			for (k = 0; k < n && v[k].id != cid; k++)
				;
		if (k == n)
			continue;
		cJSON *x = cJSON_CreateObject();
		cJSON_AddItemToArray(v[k].sessions, x);
		char utc[32];
		time_t t = (time_t)db_col_int(st, 2);
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(utc, sizeof utc, "%Y-%m-%dT%H:%M:%SZ", &tm);
		cJSON_AddNumberToObject(x, "id", (double)db_col_int(st, 1));
		cJSON_AddStringToObject(x, "starts_at", utc);
		cJSON_AddStringToObject(x, "local_date", db_col_text(r, st, 3));
		cJSON_AddStringToObject(x, "local_time", db_col_text(r, st, 4));
		cJSON_AddStringToObject(x, "time_zone", db_col_text(r, st, 5));
		cJSON_AddNumberToObject(x, "minutes", (double)db_col_int(st, 6));
		cJSON_AddStringToObject(x, "place", db_col_text(r, st, 7));
		cJSON_AddStringToObject(x, "online_url", db_col_text(r, st, 8));
		cJSON_AddStringToObject(x, "agenda", db_col_text(r, st, 9));
	}
	/* Members: counted where the policy lets the reader see them, named
	 * only to those the cohort's page names them to. */
	struct usage_tally used = {0};
	st = db_q(r, "SELECT " MEMBER_COLUMNS ", m.cohort_id" MEMBER_FROM
	             " WHERE m.cohort_id IN (SELECT value FROM json_each(?)) ORDER BY m.cohort_id, " MEMBER_ORDER,
	          "IIt", r->user->id, r->user->org_id, buf_str(&ids));
	k = 0;
	while (db_step(r, st)) {
		long long cid = db_col_int(st, 15);
		if (k >= n || v[k].id != cid)
			for (k = 0; k < n && v[k].id != cid; k++)
				;
		struct member m;
		if (k == n || !member_read(r, st, &m))
			continue;
		v[k].count++;
		if (!v[k].named)
			continue;
		if (m.school)
			usage_count_school(r, &used, m.school, m.nation, m.v);
		if (!v[k].members)
			v[k].members = cJSON_CreateArray();
		cJSON *x = cJSON_CreateObject();
		cJSON_AddItemToArray(v[k].members, x);
		cJSON_AddNumberToObject(x, "id", (double)m.id);
		if (m.user)
			cJSON_AddStringToObject(x, "person", m.person);
		if (m.school) {
			cJSON *sc = cJSON_AddObjectToObject(x, "school");
			cJSON_AddNumberToObject(sc, "id", (double)m.school);
			cJSON_AddStringToObject(sc, "name", m.school_name);
			cJSON_AddStringToObject(sc, "city", m.city);
			cJSON_AddStringToObject(sc, "state", m.state);
			cJSON_AddStringToObject(sc, "labels", policy_labels(r, m.school));
		}
	}
	for (int i = 0; i < n; i++) {
		cJSON_AddNumberToObject(v[i].o, "member_count", v[i].count);
		if (v[i].named)
			cJSON_AddItemToObject(v[i].o, "members", v[i].members ? v[i].members : cJSON_CreateArray());
	}
	usage_flush(r, &used, "/api/v1/cohorts");
	char *text = cJSON_PrintUnformatted(out);
	r->content_type = "application/json";
	buf_puts(&r->body, text);
	buf_putc(&r->body, '\n');
	cJSON_free(text);
	cJSON_Delete(out);
}

/* ---- the profile: cohorts and the participation timeline ----------------------------- */

void timeline_add(struct req *r, struct timeline *t, const char *date, const char *kind, const char *markup)
{
	t->v = arena_grow(&r->arena, t->v, t->n, &t->cap, sizeof *t->v);
	t->v[t->n++] = (struct timeline_entry){ date, kind, markup };
}

/* Newest first; within a day, joining a cohort comes before what followed. */
static int entry_newest_first(const void *a, const void *b)
{
	const struct timeline_entry *x = a, *y = b;
	int c = strcmp(y->date, x->date);
	if (c)
		return c;
	return !strcmp(x->kind, "cohort") - !strcmp(y->kind, "cohort");
}

#define TIMELINE_SHOWN 200

void cohorts_profile(struct req *r, long long school, enum vis v)
{
	if (v == VIS_HIDDEN)
		return;
	struct timeline t = {0};
	const char *tz = db_text(r, "SELECT tz FROM schools WHERE id = ?", "I", school);
	/* Its cohorts. */
	sqlite3_stmt *st = db_q(r,
	    "SELECT c.id, c.name, c.year, c.dimensions, min(m.added_at),"
	    "       (SELECT min(x.local_date) FROM cohort_sessions x WHERE x.cohort_id = c.id)"
	    "  FROM cohort_members m JOIN cohorts c ON c.id = m.cohort_id"
	    " WHERE m.school_id = ? GROUP BY c.id ORDER BY c.year DESC, c.name COLLATE natural_sort", "I", school);
	struct buf list = BUF_IN(&r->arena);
	while (db_step(r, st)) {
		long long id = db_col_int(st, 0);
		const char *name = db_col_text(r, st, 1);
		buf_puts(&list, html_fmt(r, "<li><a href=\"/cohorts/%lld\">%s</a> (%lld): %s</li>\n", id, name, db_col_int(st, 2),
		                         region_labels(&r->arena, grant_dimensions, db_col_text(r, st, 3))));
		char when[32];
		utc_to_local(db_col_int(st, 4), tz ? tz : "America/Chicago", when, sizeof when);
		when[10] = '\0';
		/* Joined when added, or at its first session if added later (a
		 * roster recorded after the start). */
		const char *first = db_col_text(r, st, 5);
		timeline_add(r, &t, arena_strdup(&r->arena, *first && strcmp(first, when) < 0 ? first : when), "cohort",
		             html_fmt(r, "Joined the Inspire cohort <a href=\"/cohorts/%lld\">%s</a>", id, name));
	}
	if (list.len) {
		html(r, "<h2>Inspire cohorts</h2>\n<ul class=\"cohorts\">\n");
		html_raw(r, buf_str(&list));
		html(r, "</ul>\n");
	}
	if (v == VIS_FULL) {
		/* Sessions attended, and how many of its people came. */
		st = db_q(r,
		    "SELECT x.local_date, c.id, c.name, count(*) FROM cohort_attendance a JOIN cohort_members m ON m.id = a.member_id"
		    "  JOIN cohort_sessions x ON x.id = a.session_id JOIN cohorts c ON c.id = x.cohort_id"
		    " WHERE m.school_id = ? GROUP BY x.id", "I", school);
		while (db_step(r, st)) {
			long long people = db_col_int(st, 3);
			timeline_add(r, &t, db_col_text(r, st, 0), "session",
			             html_fmt(r, "Attended a session of <a href=\"/cohorts/%lld\">%s</a> (%lld %s)", db_col_int(st, 1),
			                      db_col_text(r, st, 2), people, people == 1 ? "member" : "members"));
		}
		/* Coaching visits, counted by month and organization: an
		 * intermediary counts only its own organization's (visits.c). */
		long long org = r->user->role == ROLE_INTERMEDIARY ? r->user->org_id : 0;
		st = db_q(r,
		    "SELECT max(v.local_date), o.name, count(*) FROM visits v JOIN organizations o ON o.id = v.org_id"
		    " WHERE v.school_id = ?1 AND (?2 = 0 OR v.org_id = ?2) GROUP BY substr(v.local_date, 1, 7), o.id",
		    "II", school, r->user->role == ROLE_INTERMEDIARY ? (org ? org : -1) : 0);
		while (db_step(r, st)) {
			long long k = db_col_int(st, 2);
			timeline_add(r, &t, db_col_text(r, st, 0), "coaching",
			             html_fmt(r, "%lld coaching visit%s from %s that month", k, k == 1 ? "" : "s",
			                      db_col_text(r, st, 1)));
		}
	}
	/* Site visits hosted and made (Connect): the other school named only
	 * when the viewer may see it, else left out (the policy as a predicate
	 * in SQL, and policy_row() for each). */
	st = db_q(r,
	    "SELECT o.local_date, s.id, s.name || ' (' || s.city || ', ' || s.state_code || ')',"
	    "       coalesce(nullif(v.dimensions, ''), o.dimensions), " POLICY_COLUMNS ", o.school_id = ?3"
	    "  FROM bookings b JOIN opportunities o ON o.id = b.opportunity_id"
	    "  LEFT JOIN visit_reflections v ON v.booking_id = b.id"
	    "  JOIN schools s ON s.id = CASE WHEN o.school_id = ?3 THEN b.school_id ELSE o.school_id END"
	    " WHERE " SEATS_VISITED_SQL " AND (o.school_id = ?3 OR b.school_id = ?3)"
	    "   AND " POLICY_VISIBLE_SQL("?4", "?1", "?2", "?5")
	    " ORDER BY o.starts_at DESC", "IIItI", r->user->id, r->user->org_id, school, role_name(r->user->role),
	    r->user->nation_id);
	while (db_step(r, st)) {
		if (policy_row(r, st, 4) == VIS_HIDDEN)
			continue;
		timeline_add(r, &t, db_col_text(r, st, 0), "visit",
		             html_fmt(r, "Site visit: %s <a href=\"/schools/%lld\">%s</a> (%s)",
		                      db_col_int(st, 9) ? "hosted visitors from" : "visited", db_col_int(st, 1),
		                      db_col_text(r, st, 2), region_labels(&r->arena, grant_dimensions, db_col_text(r, st, 3))));
	}
	/* The annual convening: the years a party of the school came or is
	 * registered (convening_participation asks the policy itself). */
	int maxy = (int)db_int(r, 0, "SELECT count(*) FROM convenings", "") + 1;     /* every year: none left out */
	struct convening_year *cy = arena_alloc(&r->arena, sizeof *cy * (size_t)maxy);
	int ny = convening_participation(r, school, cy, maxy);
	int linked = r->user->role != ROLE_STEWARD;     /* stewards have no convening pages */
	for (int i = 0; i < ny; i++)
		timeline_add(r, &t, cy[i].day, "convening",
		             linked ? html_fmt(r, "<a href=\"/convening/%d\">Regional convening %d</a>: %s", cy[i].year,
		                               cy[i].year, cy[i].status)
		                    : html_fmt(r, "Regional convening %d: %s", cy[i].year, cy[i].status));
	if (!t.n && v != VIS_FULL)
		return;
	html(r, "<h2 id=\"timeline\">Participation</h2>\n");
	if (v != VIS_FULL)
		html(r, "<p class=\"hint\">Sessions attended and coaching visits are shown only to those who see this school"
		        " in full.</p>\n");
	if (!t.n) {
		html(r, "<p>No cohort sessions, coaching visits or site visits yet.</p>\n");
		return;
	}
	qsort(t.v, (size_t)t.n, sizeof *t.v, entry_newest_first);
	html(r, "<ul class=\"timeline\">\n");
	for (int i = 0; i < t.n && i < TIMELINE_SHOWN; i++) {
		html(r, "<li class=\"tl-%s\"><time class=\"date\" datetime=\"%s\">%s</time> ", t.v[i].kind, t.v[i].date,
		     t.v[i].date);
		html_raw(r, t.v[i].markup);
		html(r, "</li>\n");
	}
	html(r, "</ul>\n");
	if (t.n > TIMELINE_SHOWN)
		html(r, "<p>%d earlier entries are not shown here.</p>\n", t.n - TIMELINE_SHOWN);
}
