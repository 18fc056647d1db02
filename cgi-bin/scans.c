/* scans.c — /scans: foundation staff run the yearly scan: cycles opened and
 * closed, invitations and reminders, response rates, responses reopened.
 * Schools appear by name only where the visibility policy allows; counts
 * by nation below the small-cell threshold are not shown. */
#include "cache.h"
#include "db.h"
#include "handlers.h"
#include "html.h"
#include "layout.h"
#include "policy.h"
#include "region.h"
#include "req.h"
#include "season.h"
#include "survey.h"
#include "decode.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *cycle_status_label(const char *s)
{
	if (!strcmp(s, "open")) return "Open";
	if (!strcmp(s, "closed")) return "Closed";
	return "Not yet open";
}

/* Every school with its group keys (0 state, 1 type, 2 nation id) and its
 * response status in a cycle, counted as policy_aggregate() decides: the
 * same schools as the results count.  Returns how many; the kept ones have
 * m[i].keep set.  One pass serves every table of rates and the counts.
 * Schools and responses are read in two walks in school order and matched
 * here (as results.c does): a lookup per school took most of the time at
 * 100,000 schools. */
struct tally {
	long long school, key[3];   /* state and type as region_index, nation id (0: none) */
	int cls;
};
static int cycle_tally(struct req *r, long long cycle, struct tally **out, struct policy_member **mout)
{
	int began = db_read_begin(r);      /* both walks in one snapshot */
	/* Sized for every school; grown should one be added meanwhile. */
	int n = 0, cap = (int)db_int(r, 0, "SELECT count(*) FROM schools", "") + 1;
	struct tally *t = arena_alloc(&r->arena, sizeof *t * (size_t)cap);
	struct policy_member *m = arena_alloc(&r->arena, sizeof *m * (size_t)cap);
	sqlite3_stmt *st = db_q(r, policy_staff_view(r->user)
	    ? "SELECT s.id, s.state_code, s.type, coalesce(s.nation_id, 0), "
	      POLICY_STAFF_MEMBER_COLUMNS " FROM schools s ORDER BY s.id"
	    : "SELECT s.id, s.state_code, s.type, coalesce(s.nation_id, 0), "
	      POLICY_MEMBER_COLUMNS " FROM schools s ORDER BY s.id",
	    policy_staff_view(r->user) ? "" : "II", r->user->id, r->user->org_id);
	while (db_step(r, st)) {
		struct policy_member one;
		if (!policy_member_read(r, st, 4, &one))
			continue;           /* its nation's steward keeps it out of aggregates */
		if (n == cap) {
			struct tally *more = arena_alloc(&r->arena, sizeof *more * (size_t)cap * 2);
			struct policy_member *mm = arena_alloc(&r->arena, sizeof *mm * (size_t)cap * 2);
			memcpy(more, t, sizeof *t * (size_t)n);
			memcpy(mm, m, sizeof *m * (size_t)n);
			t = more;
			m = mm;
			cap *= 2;
		}
		t[n].school = db_col_int(st, 0);
		t[n].key[0] = region_index(region_states, db_col_view(st, 1));
		t[n].key[1] = region_index(region_school_types, db_col_view(st, 2));
		t[n].key[2] = db_col_int(st, 3);
		t[n].cls = 0;
		m[n] = one;
		n++;
	}
	st = db_q(r, "SELECT school_id, status FROM responses WHERE cycle_id = ? ORDER BY school_id", "I", cycle);
	for (int at = 0; db_step(r, st);) {
		long long school = db_col_int(st, 0);
		while (at < n && t[at].school < school)
			at++;
		if (at < n && t[at].school == school)
			t[at].cls = results_class(db_col_view(st, 1));
	}
	db_read_end(r, began);
	for (int i = 0; i < n; i++)
		m[i].cls = t[i].cls;
	policy_aggregate(m, n);
	*out = t;
	*mout = m;
	return n;
}

/* A cycle's counts as the viewer may see them (the same rule as the
 * rates), kept in the worker's cache until a response or school changes;
 * unlisted is how many counted responses come from hidden schools.  t and
 * m: the cycle's tally when the caller has it (else NULL). */
static void cycle_counts(struct req *r, long long cycle, long long *sub, long long *prog, long long *schools,
                         long long *unlisted, struct tally *t, struct policy_member *m, int n)
{
	const char *key = arena_printf(&r->arena, "counts|%lld|%d", cycle, (int)r->user->role);
	long long rev = cache_revision(r);
	size_t len;
	const char *hit = cache_get(key, rev, &len);
	if (hit && sscanf(hit, "%lld %lld %lld %lld", sub, prog, schools, unlisted) == 4)
		return;
	if (!t)
		n = cycle_tally(r, cycle, &t, &m);
	*sub = *prog = *schools = *unlisted = 0;
	for (int i = 0; i < n; i++)
		if (m[i].keep) {
			++*schools;
			*sub += t[i].cls == 2;
			*prog += t[i].cls == 1;
			*unlisted += m[i].hidden && t[i].cls;
		}
	const char *v = arena_printf(&r->arena, "%lld %lld %lld %lld", *sub, *prog, *schools, *unlisted);
	cache_put(key, rev, v, strlen(v));
}

static void scans_view(struct req *r, const struct form_errors *e)
{
	page_begin(r, "Regional scans");
	const char *msg = req_query(r, "msg");
	if (msg && (!e || !e->n)) {
		if (!strcmp(msg, "created")) page_notice(r, "Cycle created. Open it when the instrument is ready.");
		else if (!strcmp(msg, "open")) page_notice(r, "The cycle is open: leaders can answer now.");
		else if (!strcmp(msg, "closed")) page_notice(r, "The cycle is closed: answers are final.");
	}
	sqlite3_stmt *st = db_q(r,
	    "SELECT c.id, c.year, c.status, i.title, i.version"
	    "  FROM scan_cycles c JOIN instruments i ON i.id = c.instrument_id ORDER BY c.year DESC", "");
	table_begin(r, NULL, "Scan cycles");
	html(r, "<thead><tr><th scope=\"col\">Year</th>"
	        "<th scope=\"col\">Status</th><th scope=\"col\">Instrument</th>"
	        "<th scope=\"col\">Submitted</th><th scope=\"col\">In progress</th>"
	        "<th scope=\"col\">Response rate</th></tr></thead>\n<tbody>\n");
	struct { long long id, year; const char *status, *title, *version; } rows[64];
	int n = 0;
	while (db_step(r, st) && n < 64) {
		rows[n].id = db_col_int(st, 0);
		rows[n].year = db_col_int(st, 1);
		rows[n].status = db_col_text(r, st, 2);
		rows[n].title = db_col_text(r, st, 3);
		rows[n].version = db_col_text(r, st, 4);
		n++;
	}
	for (int i = 0; i < n; i++) {
		long long sub, prog, schools, unlisted;
		cycle_counts(r, rows[i].id, &sub, &prog, &schools, &unlisted, NULL, NULL, 0);
		html(r, "<tr><td><a href=\"/scans/%lld\">%lld</a> <a href=\"/scans/%lld/results\">results</a></td>"
		        "<td>%s</td><td>%s <span class=\"muted\">(%s)</span></td>"
		        "<td class=\"num\">%lld</td><td class=\"num\">%lld</td><td class=\"num\">%lld%%</td></tr>\n",
		     rows[i].year, rows[i].year, rows[i].year, cycle_status_label(rows[i].status),
		     rows[i].title, rows[i].version, sub, prog, schools ? (sub * 100 + schools / 2) / schools : 0);
	}
	if (!n)
		html(r, "<tr><td colspan=\"6\">No cycles yet.</td></tr>\n");
	html(r, "</tbody>\n");
	table_end(r);
	html(r, "<h2>Start a cycle</h2>\n");
	form_error_summary(r, e);
	form_begin_create(r, "/scans");
	form_input(r, e, "year", "Year", "text", req_form(r, "year"), "off", "One cycle a year.", 1, 0);
	const char **inst = form_options(r, db_q(r, "SELECT id, title || ' (' || version || ')' FROM instruments"
	                                          " ORDER BY id DESC", ""), NULL);
	form_select(r, e, "instrument", "Instrument", inst, req_form(r, "instrument"),
	            "A published instrument never changes; a new version is a new instrument.");
	html(r, "<button type=\"submit\">Create cycle</button>\n");
	form_end(r);
	page_end(r);
}

void scans_list_page(struct req *r)
{
	scans_view(r, NULL);
}

void scans_create_submit(struct req *r)
{
	const char *ys = req_form(r, "year"), *is = req_form(r, "instrument");
	struct form_errors e = {0};
	long year = ys ? strtol(ys, NULL, 10) : 0;
	if (!ys || year < 2000 || year > 2100 || strspn(ys, "0123456789") != strlen(ys))
		form_error(&e, "year", "Enter a year, like 2027.");
	else if (db_int(r, 0, "SELECT id FROM scan_cycles WHERE year = ?", "I", (long long)year))
		form_error(&e, "year", "There is already a cycle for that year.");
	long long inst = is ? atoll(is) : 0;
	if (!db_int(r, 0, "SELECT id FROM instruments WHERE id = ?", "I", inst))
		form_error(&e, "instrument", "Choose an instrument.");
	if (e.n) {
		r->status = 422;
		scans_view(r, &e);
		return;
	}
	db_begin(r);
	db_exec(r, "INSERT INTO scan_cycles (year, instrument_id) VALUES (?, ?)", "II", (long long)year, inst);
	db_commit(r);
	req_redirect(r, "/scans?msg=created");
}

/* ---- one cycle ---------------------------------------------------------------- */

struct cyc { long long id; int year; const char *status, *opens_on, *deadline, *reminder_days; };

static struct cyc cycle_by_year(struct req *r, long long year)
{
	struct cyc c = {0};
	sqlite3_stmt *st = db_q(r, "SELECT id, year, status, coalesce(opens_on, ''), coalesce(deadline, ''),"
	                           " reminder_days FROM scan_cycles WHERE year = ?", "I", year);
	if (!db_step(r, st))
		req_fail(r, 404, "no such cycle");
	c.id = db_col_int(st, 0);
	c.year = (int)db_col_int(st, 1);
	c.status = db_col_text(r, st, 2);
	c.opens_on = db_col_text(r, st, 3);
	c.deadline = db_col_text(r, st, 4);
	c.reminder_days = db_col_text(r, st, 5);
	sqlite3_reset(st);
	return c;
}

static const char *utc_time(struct req *r, long long at)
{
	time_t t = (time_t)at;
	struct tm tm;
	char when[32];
	gmtime_r(&t, &tm);
	strftime(when, sizeof when, "%Y-%m-%d %H:%M UTC", &tm);
	return arena_strdup(&r->arena, when);
}

/* The cycle's season: its dates, each scheduled reminder and what became
 * of it, the last reminders sent; and the form that sets them. */
static void season_section(struct req *r, const struct cyc *c, const struct form_errors *e)
{
	long long now = (long long)time(NULL);
	html(r, "<h2 id=\"season\">Season</h2>\n<dl class=\"facts\">\n<dt>Opens</dt><dd>%s</dd>\n"
	        "<dt>Deadline</dt><dd>%s%s%s%s</dd>\n</dl>\n",
	     *c->opens_on ? season_date_label(r, c->opens_on) : "Not set (staff open it by hand)",
	     *c->deadline ? season_date_label(r, c->deadline) : "Not set",
	     *c->deadline ? " (" : "", *c->deadline ? season_days_left(r, c->deadline, now) : "",
	     *c->deadline ? ")" : "");
	int days[SEASON_MAX_REMINDERS];
	const char *why;
	int n = season_days_parse(c->reminder_days, days, SEASON_MAX_REMINDERS, &why);
	long long dl = season_date(c->deadline);
	if (n > 0 && dl >= 0) {
		html(r, "<h3>Scheduled reminders</h3>\n<p class=\"hint\">Each goes once, at %d:00 UTC, only to"
		        " leaders with a school not yet submitted who were not reminded in the last %d hours.</p>\n<ul>\n",
		     SEASON_REMIND_HOUR, SEASON_REMIND_GAP / 3600);
		for (int i = 0; i < n; i++) {
			long long at = season_reminder_at(dl, days[i]);
			sqlite3_stmt *st = db_q(r, "SELECT at, recipients FROM scan_reminder_rounds WHERE cycle_id = ?"
			                           " AND days_before = ? AND deadline = ?", "Iit", c->id, days[i], c->deadline);
			const char *what;
			if (db_step(r, st)) {
				long long k = db_col_int(st, 1);
				what = arena_printf(&r->arena, "sent %s to %lld leader%s", utc_time(r, db_col_int(st, 0)), k,
				                    k == 1 ? "" : "s");
				sqlite3_reset(st);
			} else if (at > now) {
				what = arena_printf(&r->arena, "due %s", utc_time(r, at));
			} else {
				what = "passed over (the cycle was not open, or a later reminder was due)";
			}
			html(r, "<li>%d day%s before the deadline: %s</li>\n", days[i], days[i] == 1 ? "" : "s", what);
		}
		html(r, "</ul>\n");
	}
	sqlite3_stmt *st = db_q(r, "SELECT x.at, x.recipients, coalesce(u.name, ''), x.days_before IS NULL"
	                           " FROM scan_reminder_rounds x LEFT JOIN users u ON u.id = x.sent_by"
	                           " WHERE x.cycle_id = ? AND x.recipients > 0 ORDER BY x.at DESC, x.id DESC LIMIT 1", "I", c->id);
	if (db_step(r, st)) {
		long long k = db_col_int(st, 1);
		const char *who = db_col_text(r, st, 2);
		html(r, "<p id=\"last-reminders\">Last reminders: %s, %s, to %lld leader%s.</p>\n", utc_time(r, db_col_int(st, 0)),
		     db_col_int(st, 3) ? arena_printf(&r->arena, "sent by %s", *who ? who : "staff") : "by the schedule",
		     k, k == 1 ? "" : "s");
		sqlite3_reset(st);
	} else {
		html(r, "<p id=\"last-reminders\">No reminders sent yet.</p>\n");
	}
	if (!strcmp(c->status, "closed"))
		return;
	html(r, "<h3>Set the season</h3>\n");
	form_error_summary(r, e);
	form_begin(r, arena_printf(&r->arena, "/scans/%d", c->year));
	html(r, "<input type=\"hidden\" name=\"action\" value=\"schedule\">\n");
	form_input(r, e, "opens_on", "Opening date", "date", e && e->n ? req_form(r, "opens_on") : c->opens_on, "off",
	           "A cycle not yet open opens on this day by itself, and its leaders are invited.", 0, 0);
	form_input(r, e, "deadline", "Deadline", "date", e && e->n ? req_form(r, "deadline") : c->deadline, "off",
	           "The last day to submit; leaders see it on their home page and the scan.", 0, 0);
	form_input(r, e, "reminders", "Reminders (days before the deadline)", "text",
	           e && e->n ? req_form(r, "reminders") : (*c->reminder_days ? c->reminder_days : ""), "off",
	           "Whole days separated by commas, like 14, 3. Leave empty for none.", 0, 60);
	html(r, "<button type=\"submit\">Save the season</button>\n");
	form_end(r);
}

/* Response rates by state (which 0), school type (1) or nation (2),
 * counted through policy_aggregate(); every group is listed. */
static void rates_table(struct req *r, const struct tally *t, const struct policy_member *m, int n,
                        const char *caption, int which)
{
	const char *const *keys = which == 0 ? region_states : which == 1 ? region_school_types
	    : form_options(r, db_q(r, "SELECT CAST(id AS TEXT), name FROM nations ORDER BY name", ""), NULL);
	int k = 0;
	while (keys[2 * k])
		k++;
	struct { long long id, n, sub; } *g = arena_zalloc(&r->arena, sizeof *g * (size_t)(k + 1));
	for (int j = 0; j < k; j++)
		g[j].id = which == 2 ? atoll(keys[2 * j]) : j;
	for (int i = 0; i < n; i++) {
		if (!m[i].keep)
			continue;
		int j = 0;
		while (j < k && g[j].id != t[i].key[which])
			j++;
		if (j == k)
			continue;
		g[j].n++;
		g[j].sub += t[i].cls == 2;
	}
	table_begin(r, "rates", caption);
	html(r, "<thead><tr><th scope=\"col\">Group</th>"
	        "<th scope=\"col\">Schools</th><th scope=\"col\">Submitted</th>"
	        "<th scope=\"col\">Response rate</th></tr></thead>\n<tbody>\n");
	for (int j = 0; j < k; j++)
		html(r, "<tr><th scope=\"row\">%s</th><td class=\"num\">%lld</td><td class=\"num\">%lld</td>"
		        "<td class=\"num\">%s</td></tr>\n", keys[2 * j + 1], g[j].n, g[j].sub,
		     g[j].n ? arena_printf(&r->arena, "%lld%%", (g[j].sub * 100 + g[j].n / 2) / g[j].n) : "—");
	html(r, "</tbody>\n");
	table_end(r);
}

/* e: the season form's problems; problem: why an action above it was refused. */
static void cycle_view(struct req *r, struct cyc c, const struct form_errors *e, const char *problem)
{
	page_begin(r, arena_printf(&r->arena, "The %d scan", c.year));
	if (problem) {
		struct form_errors top = {0};
		form_error(&top, NULL, problem);
		form_error_summary(r, &top);
	}
	const char *msg = req_query(r, "msg"), *n = req_query(r, "n");
	int none = !n || !strcmp(n, "0");
	if (msg && (!e || !e->n)) {
		if (!strcmp(msg, "invited")) page_notice(r, arena_printf(&r->arena, "Invitations queued for %s leader(s).", n ? n : "0"));
		else if (!strcmp(msg, "reminded") && none)
			page_notice(r, arena_printf(&r->arena, "No reminders sent: every leader with a school not yet submitted"
			                            " was reminded in the last %d hours, or none is left.", SEASON_REMIND_GAP / 3600));
		else if (!strcmp(msg, "reminded")) page_notice(r, arena_printf(&r->arena, "Reminders queued for %s leader(s) with schools"
		                                                           " not yet submitted.", n));
		else if (!strcmp(msg, "reopened"))
			page_notice(r, arena_printf(&r->arena, "Reopened: the leader can change the answers again; %s leader(s)"
			                            " told by mail.", n ? n : "0"));
		else if (!strcmp(msg, "season")) page_notice(r, "The season is saved.");
	}
	html(r, "<p>Status: <strong>%s</strong>. <a href=\"/scans/%d/results\">Results</a></p>\n",
	     cycle_status_label(c.status), c.year);
	/* Open, close, invite, remind. */
	html(r, "<div class=\"actions\">\n");
	const char *self = arena_printf(&r->arena, "/scans/%d", c.year);
	if (strcmp(c.status, "open")) {
		form_begin(r, self);
		html(r, "<input type=\"hidden\" name=\"action\" value=\"open\"><button type=\"submit\">%s</button>\n",
		     !strcmp(c.status, "closed") ? "Reopen the cycle" : "Open the cycle");
		form_end(r);
	} else {
		form_begin(r, self);
		html(r, "<input type=\"hidden\" name=\"action\" value=\"invite\"><button type=\"submit\">Invite leaders"
		        " not yet invited</button>\n");
		form_end(r);
		form_begin(r, self);
		html(r, "<input type=\"hidden\" name=\"action\" value=\"remind\"><button type=\"submit\" class=\"secondary\">"
		        "Remind leaders who have not submitted</button>\n");
		form_end(r);
		html(r, "<a class=\"button secondary\" href=\"%s/close\">Close the cycle…</a>\n", self);
	}
	html(r, "</div>\n");
	season_section(r, &c, e);

	html(r, "<h2>Response rates</h2>\n<p class=\"hint\">Schools whose nations keep their data private count"
	        " here only where at least %d of them share a state, a school type and a nation, with none or at"
	        " least %d in each response status; the results count the same schools.</p>\n",
	     POLICY_MIN_CELL, POLICY_MIN_CELL);
	const char *key = arena_printf(&r->arena, "rates|%lld|%d", c.id, (int)r->user->role);
	long long rev = cache_revision(r);
	size_t from = r->body.len;
	struct tally *t = NULL;
	struct policy_member *m = NULL;
	int tn = 0;
	if (cache_body(r, key, rev)) {
		/* Its tables took the page's first caption ids when it was made:
		 * the tables after it number on from there. */
		for (const char *p = r->body.p + from; (p = strstr(p, "<caption id=\"cap-")); p++)
			r->tables++;
	} else {
		tn = cycle_tally(r, c.id, &t, &m);
		rates_table(r, t, m, tn, "By state", 0);
		rates_table(r, t, m, tn, "By school type", 1);
		rates_table(r, t, m, tn, "By nation (schools belonging to a Native nation)", 2);
		cache_keep_body(r, key, rev, from);
	}

	html(r, "<h2>Responses</h2>\n");
	/* Paged in SQL over the responses of schools the viewer may see
	 * (POLICY_VISIBLE_SQL; staff and admins, the only readers, see every
	 * school they may see in full); policy_row() still decides each row.
	 * In school-name order, which an index walks (a national cycle is
	 * too long to sort on every page), filtered by status; the page's ids
	 * first (from the index alone), then their rows. */
	const char *role = role_name(r->user->role), *status_q = req_query(r, "status");
	static const char *const statuses[] = { "submitted", "Submitted", "in_progress", "In progress", NULL };
	if (status_q && !region_valid(statuses, status_q))
		status_q = NULL;
	filter_begin(r, self);
	filter_select(r, "status", "Status", "Any status", statuses, status_q);
	filter_end(r);
	struct pager pg;
	pager_init(r, &pg);
	pager_total(&pg, db_int(r, 0,
	    /* CROSS JOIN: the cycle's responses first, from the covering index
	     * responses_cycle, each school by its id (a quarter of the time of
	     * the other way round at 100,000 schools). */
	    "SELECT count(*) FROM responses x CROSS JOIN schools s ON s.id = x.school_id"
	    " WHERE x.cycle_id = ?1 AND (?6 IS NULL OR x.status = ?6) AND " POLICY_VISIBLE_SQL("?2", "?3", "?4", "?5"),
	    "ItIIIt", c.id, role, r->user->id, r->user->org_id, r->user->nation_id, status_q));
	sqlite3_stmt *st = db_q(r,
	    "SELECT x.id, s.name, s.city, s.state_code, x.status, x.updated_at, coalesce(u.name, ''), "
	    POLICY_COLUMNS
	    /* CROSS JOIN: schools first, in name order from schools_by_name
	     * (from responses_cycle, a national cycle is sorted every page). */
	    "  FROM (SELECT s.id AS sid, x.id AS xid FROM schools s"
	    "         CROSS JOIN responses x ON x.school_id = s.id AND x.cycle_id = ?3"
	    "        WHERE (?8 IS NULL OR x.status = ?8) AND " POLICY_VISIBLE_SQL("?4", "?1", "?2", "?5")
	    "        ORDER BY s.name, s.id LIMIT ?6 OFFSET ?7) p"
	    "  JOIN schools s ON s.id = p.sid JOIN responses x ON x.id = p.xid"
	    "  LEFT JOIN users u ON u.id = x.submitted_by"
	    " ORDER BY s.name, s.id", "IIItIIIt",
	    r->user->id, r->user->org_id, c.id, role, r->user->nation_id, pager_limit(&pg), pager_offset(&pg),
	    status_q);
	table_begin(r, NULL, "Responses you may see");
	html(r, "<thead><tr><th scope=\"col\">School</th>"
	        "<th scope=\"col\">Status</th><th scope=\"col\">Last change (UTC)</th><th scope=\"col\">Submitted by</th>"
	        "<th scope=\"col\"><span class=\"visually-hidden\">Actions</span></th></tr></thead>\n<tbody>\n");
	int shown = 0;
	while (db_step(r, st)) {
		if (policy_row(r, st, 7) != VIS_FULL)
			continue;
		shown++;
		long long id = db_col_int(st, 0);
		const char *status = db_col_text(r, st, 4);
		time_t changed = (time_t)db_col_int(st, 5);
		struct tm tm;
		char when[32];
		gmtime_r(&changed, &tm);
		strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
		html(r, "<tr><td><a href=\"/scans/%d/responses/%lld\">%s</a> <span class=\"muted\">(%s, %s)</span></td>"
		        "<td>%s</td><td class=\"date\">%s</td><td>%s</td><td>", c.year, id, db_col_text(r, st, 1),
		     db_col_text(r, st, 2), db_col_text(r, st, 3),
		     !strcmp(status, "submitted") ? "Submitted" : "In progress", when, db_col_text(r, st, 6));
		if (!strcmp(status, "submitted") && !strcmp(c.status, "open")) {
			html(r, "<a href=\"/scans/%d/responses/%lld/reopen\">Reopen…<span class=\"visually-hidden\"> %s</span></a>",
			     c.year, id, db_col_text(r, st, 1));
		}
		html(r, "</td></tr>\n");
	}
	if (!shown)
		html(r, "<tr><td colspan=\"5\">No responses yet.</td></tr>\n");
	html(r, "</tbody>\n");
	table_end(r);
	static const char *const keep[] = { "status", NULL };
	pager_nav(r, &pg, self, keep, "Pages of responses", "responses");
	long long sub, prog, schools, unlisted;
	cycle_counts(r, c.id, &sub, &prog, &schools, &unlisted, t, m, tn);
	if (unlisted)
		html(r, "<p>%lld responses from schools whose nations keep them private are counted in the rates above"
		        " but not listed here.</p>\n", unlisted);
	page_end(r);
}

void scan_cycle_page(struct req *r)
{
	cycle_view(r, cycle_by_year(r, r->ids[0]), NULL, NULL);
}

/* Set the cycle's opening date, deadline and reminder schedule. */
static void season_submit(struct req *r, struct cyc c)
{
	const char *opens = req_form(r, "opens_on"), *deadline = req_form(r, "deadline"), *rem = req_form(r, "reminders");
	opens = opens ? opens : "";
	deadline = deadline ? deadline : "";
	struct form_errors e = {0};
	if (*opens && season_date(opens) < 0)
		form_error(&e, "opens_on", "Enter the opening date as a date, like 2027-03-01.");
	if (*deadline && season_date(deadline) < 0)
		form_error(&e, "deadline", "Enter the deadline as a date, like 2027-05-15.");
	else if (*deadline && *opens && season_date(opens) >= 0 && strcmp(deadline, opens) < 0)
		form_error(&e, "deadline", "The deadline comes after the opening date.");
	int days[SEASON_MAX_REMINDERS];
	const char *why = NULL;
	int n = season_days_parse(rem, days, SEASON_MAX_REMINDERS, &why);
	if (n < 0)
		form_error(&e, "reminders", why);
	else if (n > 0 && !*deadline)
		form_error(&e, "reminders", "Reminders count back from the deadline: set a deadline too.");
	if (e.n) {
		r->status = 422;
		cycle_view(r, c, &e, NULL);
		return;
	}
	db_begin(r);
	db_exec(r, "UPDATE scan_cycles SET opens_on = nullif(?, ''), deadline = nullif(?, ''), reminder_days = ?"
	           " WHERE id = ?", "tttI", opens, deadline, season_days_text(r, days, n > 0 ? n : 0), c.id);
	db_exec(r, "INSERT INTO audit (user_id, action, detail) VALUES (?, 'scan-season', ?)", "It", r->user->id,
	        arena_printf(&r->arena, "/scans/%d opens %s, deadline %s, reminders %s", c.year, *opens ? opens : "-",
	                     *deadline ? deadline : "-", n > 0 ? season_days_text(r, days, n) : "none"));
	db_commit(r);
	req_redirect(r, arena_printf(&r->arena, "/scans/%d?msg=season#season", c.year));
}

void scan_cycle_submit(struct req *r)
{
	struct cyc c = cycle_by_year(r, r->ids[0]);
	const char *action = req_form(r, "action");
	const char *self = arena_printf(&r->arena, "/scans/%d", c.year);
	if (!action)
		req_fail(r, 400, "no action");
	if (!strcmp(action, "schedule") && strcmp(c.status, "closed")) {
		season_submit(r, c);
		return;
	}
	db_begin(r);
	if (!strcmp(action, "open")) {
		long long other = db_int(r, 0, "SELECT year FROM scan_cycles WHERE status = 'open' AND id <> ?", "I", c.id);
		if (other) {
			db_request_done(r->db);
			r->status = 409;
			cycle_view(r, c, NULL, arena_printf(&r->arena, "The %lld scan is open: close it before opening this"
			                                    " one (one cycle is open at a time).", other));
			return;
		}
		db_exec(r, "UPDATE scan_cycles SET status = 'open', opened_at = coalesce(opened_at, unixepoch()),"
		           " closed_at = NULL WHERE id = ?", "I", c.id);
		db_exec(r, "INSERT INTO audit (user_id, action, detail) VALUES (?, 'scan-open', ?)", "It",
		        r->user->id, self);
		db_commit(r);
		req_redirect(r, "/scans?msg=open");
	} else if (!strcmp(action, "close") && !strcmp(c.status, "open")) {
		/* Closing asks first, on a page of its own. */
		db_commit(r);
		req_redirect(r, arena_printf(&r->arena, "%s/close", self));
	} else if ((!strcmp(action, "invite") || !strcmp(action, "remind")) && !strcmp(c.status, "open")) {
		int n = season_mail_leaders(r, c.id, !strcmp(action, "remind"), r->user->id, -1);
		db_commit(r);
		req_redirect(r, arena_printf(&r->arena, "%s?msg=%s&n=%d", self,
		                             !strcmp(action, "remind") ? "reminded" : "invited", n));
	} else {
		req_fail(r, 409, "that cannot be done to this cycle now");
	}
}

/* ---- one response ---------------------------------------------------------- */

static long long visible_response(struct req *r, struct cyc *c, long long id, long long *school)
{
	*school = db_int(r, 0, "SELECT school_id FROM responses WHERE id = ? AND cycle_id = ?", "II", id, c->id);
	if (!*school || policy_school(r, *school) != VIS_FULL)
		req_fail(r, 404, "response not visible");
	return id;
}

/* One response as staff see it: its history, and its answers once it is
 * submitted.  A draft is the leader's own: staff see how far it is (the
 * sections saved, the last activity), never an answer. */
/* A "copied" event names the school copied from by its id (scan.c): its
 * name as the viewer may read it now, else not named. */
static const char *event_detail(struct req *r, const char *action, const char *detail)
{
	long long from = 0;
	int at = 0;
	if (strcmp(action, "copied") || sscanf(detail, "from school %lld%n", &from, &at) != 1)
		return detail;
	const char *name = policy_school(r, from) == VIS_HIDDEN ? NULL
	                   : db_text(r, "SELECT name FROM schools WHERE id = ?", "I", from);
	return arena_printf(&r->arena, "from %s%s", name ? name : "another of the leader's schools", detail + at);
}

void scan_response_page(struct req *r)
{
	struct cyc c = cycle_by_year(r, r->ids[0]);
	long long school;
	long long id = visible_response(r, &c, r->ids[1], &school);
	char *name = db_text(r, "SELECT name FROM schools WHERE id = ?", "I", school);
	sqlite3_stmt *st = db_q(r, "SELECT status, updated_at FROM responses WHERE id = ?", "I", id);
	db_step(r, st);
	int submitted = !strcmp(db_col_text(r, st, 0), "submitted");
	time_t last = (time_t)db_col_int(st, 1);
	sqlite3_reset(st);
	page_begin(r, arena_printf(&r->arena, "%s — %d scan", name, c.year));
	html(r, "<p><a href=\"/schools/%lld\">School profile</a></p>\n<h2>History</h2>\n<ol class=\"history\">\n", school);
	st = db_q(r, "SELECT e.at, coalesce(u.name, 'ilnet'), e.action, e.detail FROM response_events e"
	             " LEFT JOIN users u ON u.id = e.user_id WHERE e.response_id = ? ORDER BY e.id", "I", id);
	while (db_step(r, st)) {
		time_t t = (time_t)db_col_int(st, 0);
		struct tm tm;
		char when[32];
		gmtime_r(&t, &tm);
		strftime(when, sizeof when, "%Y-%m-%d %H:%M UTC", &tm);
		const char *detail = event_detail(r, db_col_view(st, 2), db_col_text(r, st, 3));
		html(r, "<li>%s — %s: %s%s%s</li>\n", when, db_col_text(r, st, 1), db_col_text(r, st, 2),
		     *detail ? " " : "", detail);
	}
	html(r, "</ol>\n");
	long long inst = db_int(r, 0, "SELECT instrument_id FROM scan_cycles WHERE id = ?", "I", c.id);
	const struct instrument *in = survey_get(r, inst);
	struct answers a = {0};
	survey_load_answers(r, id, &a);
	if (submitted) {
		survey_render_answers(r, in, &a, NULL);
	} else {
		int saved = 0;
		html(r, "<h2>Progress</h2>\n<p>In progress: the answers stay the leader's own until they submit.</p>\n"
		        "<ul>\n");
		for (int i = 0; i < in->nsections; i++) {
			int done = answers_get(&a, arena_printf(&r->arena, "_saved.%s", in->sections[i].id)) != NULL;
			saved += done;
			html(r, "<li>%s: %s</li>\n", in->sections[i].title, done ? "saved" : "not yet saved");
		}
		struct tm tm;
		char when[32];
		gmtime_r(&last, &tm);
		strftime(when, sizeof when, "%Y-%m-%d %H:%M UTC", &tm);
		html(r, "</ul>\n<p>%d of %d sections saved; last activity %s.</p>\n", saved, in->nsections, when);
	}
	page_end(r);
}

static void reopen_view(struct req *r, const struct form_errors *e);

void scan_reopen_submit(struct req *r)
{
	struct cyc c = cycle_by_year(r, r->ids[0]);
	long long school;
	long long id = visible_response(r, &c, r->ids[1], &school);
	if (strcmp(c.status, "open"))
		req_fail(r, 409, "the cycle is closed");
	/* Reopening asks first, on a page of its own. */
	const char *note = req_form(r, "note");
	if (!req_form(r, "sure")) {
		reopen_view(r, NULL);
		return;
	}
	if (note && utf8_chars(note) > SEASON_NOTE_MAX) {
		struct form_errors e = {0};
		form_error(&e, "note", arena_printf(&r->arena, "The note is longer than %d characters: shorten it.",
		                                    SEASON_NOTE_MAX));
		r->status = 422;
		reopen_view(r, &e);
		return;
	}
	db_begin(r);
	if (!db_exec(r, "UPDATE responses SET status = 'in_progress', submitted_at = NULL, submitted_by = NULL,"
	                " revision = revision + 1,"
	                " updated_at = unixepoch() WHERE id = ? AND status = 'submitted'", "I", id))
		req_fail(r, 409, "not submitted");
	db_exec(r, "INSERT INTO response_events (response_id, user_id, action, detail) VALUES (?, ?, 'reopened', ?)",
	        "IIt", id, r->user->id, note && *note ? arena_printf(&r->arena, "(note: %s)", note) : "");
	int told = season_reopened_mail(r, id, note);
	db_commit(r);
	req_redirect(r, arena_printf(&r->arena, "/scans/%d?msg=reopened&n=%d", c.year, told));
}

/* ---- closing a cycle ---------------------------------------------------------- */

/* The cycle's unsubmitted responses the viewer's figures count (the rule
 * of the rates: policy_aggregate): *drafts never submitted, *reopened
 * reopened and not yet submitted again. */
static void open_drafts(struct req *r, long long cycle, long long *drafts, long long *reopened)
{
	struct tally *t;
	struct policy_member *m;
	int n = cycle_tally(r, cycle, &t, &m);
	*drafts = *reopened = 0;
	sqlite3_stmt *st = db_q(r, "SELECT x.school_id FROM responses x WHERE x.cycle_id = ? AND x.status = 'in_progress'"
	                           " AND EXISTS (SELECT 1 FROM response_events e WHERE e.response_id = x.id"
	                           "   AND e.action = 'reopened') ORDER BY x.school_id", "I", cycle);
	int more = db_step(r, st);
	for (int i = 0; i < n; i++) {
		int was = 0;
		while (more && db_col_int(st, 0) < t[i].school)
			more = db_step(r, st);
		if (more && db_col_int(st, 0) == t[i].school)
			was = 1;
		if (!m[i].keep || t[i].cls != 1)
			continue;
		if (was)
			++*reopened;
		else
			++*drafts;
	}
	if (more)
		sqlite3_reset(st);
}

void scan_close_page(struct req *r)
{
	struct cyc c = cycle_by_year(r, r->ids[0]);
	const char *self = arena_printf(&r->arena, "/scans/%d", c.year);
	if (strcmp(c.status, "open")) {
		req_redirect(r, self);
		return;
	}
	long long drafts, reopened, sub, prog, schools, unlisted;
	open_drafts(r, c.id, &drafts, &reopened);
	cycle_counts(r, c.id, &sub, &prog, &schools, &unlisted, NULL, NULL, 0);
	page_begin(r, arena_printf(&r->arena, "Close the %d scan?", c.year));
	html(r, "<p>Closing ends the %d scan: leaders can no longer change or submit answers, and the results"
	        " count the %lld submitted school%s.</p>\n<ul id=\"left-out\">\n", c.year, sub, sub == 1 ? "" : "s");
	html(r, "<li><strong>%lld draft%s</strong> (started, never submitted) will be left out.</li>\n",
	     drafts, drafts == 1 ? "" : "s");
	html(r, "<li><strong>%lld reopened response%s</strong> not yet submitted again will be left out.</li>\n",
	     reopened, reopened == 1 ? "" : "s");
	html(r, "<li>%lld school%s never started.</li>\n</ul>\n", schools - sub - prog, schools - sub - prog == 1 ? "" : "s");
	html(r, "<p class=\"hint\">Counted as the response rates are: schools whose nations keep their data private count"
	        " only where they cannot be singled out. Leaders keep reading their answers, and can download them."
	        " The cycle can be opened again later.</p>\n");
	if (drafts || reopened)
		html(r, "<p>Consider a reminder first: <a href=\"%s#season\">the last reminders</a>.</p>\n", self);
	form_begin(r, arena_printf(&r->arena, "%s/close", self));
	html(r, "<input type=\"hidden\" name=\"sure\" value=\"1\">\n<div class=\"actions\"><button type=\"submit\">"
	        "Close the %d scan</button> <a href=\"%s\">Keep it open and go back</a></div>\n", c.year, self);
	form_end(r);
	page_end(r);
}

void scan_close_submit(struct req *r)
{
	struct cyc c = cycle_by_year(r, r->ids[0]);
	const char *self = arena_printf(&r->arena, "/scans/%d", c.year);
	if (!req_form(r, "sure")) {
		req_redirect(r, arena_printf(&r->arena, "%s/close", self));
		return;
	}
	db_begin(r);
	long long left = db_int(r, 0, "SELECT count(*) FROM responses WHERE cycle_id = ? AND status = 'in_progress'", "I", c.id);
	if (!db_exec(r, "UPDATE scan_cycles SET status = 'closed', closed_at = unixepoch() WHERE id = ? AND status = 'open'",
	             "I", c.id))
		req_fail(r, 409, "the cycle is not open");
	db_exec(r, "INSERT INTO audit (user_id, action, detail) VALUES (?, 'scan-close', ?)", "It", r->user->id,
	        arena_printf(&r->arena, "%s (%lld not submitted)", self, left));
	db_commit(r);
	req_redirect(r, "/scans?msg=closed");
}

/* ---- reopening a response ----------------------------------------------------- */

static void reopen_view(struct req *r, const struct form_errors *e)
{
	struct cyc c = cycle_by_year(r, r->ids[0]);
	long long school;
	long long id = visible_response(r, &c, r->ids[1], &school);
	const char *self = arena_printf(&r->arena, "/scans/%d", c.year);
	if (strcmp(c.status, "open") ||
	    !db_int(r, 0, "SELECT count(*) FROM responses WHERE id = ? AND status = 'submitted'", "I", id)) {
		req_redirect(r, self);
		return;
	}
	char *name = db_text(r, "SELECT name FROM schools WHERE id = ?", "I", school);
	page_begin(r, arena_printf(&r->arena, "Reopen the %d scan for %s?", c.year, name));
	form_error_summary(r, e);
	html(r, "<p>Its leaders can change the answers again, and must submit again. Until they do, the school's"
	        " answers leave the results.</p>\n<p>These leaders are told by mail:</p>\n<ul>\n");
	sqlite3_stmt *st = db_q(r, "SELECT u.name FROM users u JOIN user_schools us ON us.user_id = u.id"
	                           " WHERE us.school_id = ? AND u.role = 'leader' AND u.active = 1 ORDER BY u.name", "I", school);
	int n = 0;
	while (db_step(r, st)) {
		html(r, "<li>%s</li>\n", db_col_text(r, st, 0));
		n++;
	}
	if (!n)
		html(r, "<li>No active leader: no one is told.</li>\n");
	html(r, "</ul>\n");
	form_begin(r, arena_printf(&r->arena, "%s/responses/%lld/reopen", self, id));
	html(r, "<input type=\"hidden\" name=\"sure\" value=\"1\">\n");
	form_textarea(r, e, "note", "A note to the leaders (optional)", req_form(r, "note"), 4, SEASON_NOTE_MAX,
	              "Say what needs changing; it is sent with the notice.");
	html(r, "<div class=\"actions\"><button type=\"submit\">Reopen and tell the leaders</button>"
	        " <a href=\"%s\">Keep it submitted and go back</a></div>\n", self);
	form_end(r);
	page_end(r);
}

void scan_reopen_page(struct req *r)
{
	reopen_view(r, NULL);
}

/* ---- for the home page -------------------------------------------------------- */

void scan_cycle_rate(struct req *r, long long cycle, long long *submitted, long long *in_progress, long long *schools)
{
	long long unlisted;
	cycle_counts(r, cycle, submitted, in_progress, schools, &unlisted, NULL, NULL, 0);
}
