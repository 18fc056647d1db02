/* home.c — / (each role's starting page) and /healthz. */
#include "cache.h"
#include "db.h"
#include "handlers.h"
#include "html.h"
#include "layout.h"
#include "policy.h"
#include "req.h"
#include "season.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <time.h>

/* Less room than this on the database's disk: not writable (a save may
 * need several pages of log and index). */
#define HEALTH_MIN_FREE (1024 * 1024)

/* Staff: what needs doing — reports to decide, payments falling due, the
 * open scan's response rate (counted as the rates are: through the
 * policy's aggregate rule). */
static void home_staff_todo(struct req *r)
{
	html(r, "<h2>What needs doing</h2>\n<ul class=\"todo\">\n");
	long long awaiting = db_int(r, 0, "SELECT count(*) FROM grant_reports WHERE status = 'submitted'", "");
	html(r, "<li><a href=\"/portfolio\"><strong>%lld</strong> grant report%s awaiting your approval</a></li>\n",
	     awaiting, awaiting == 1 ? "" : "s");
	sqlite3_stmt *st = db_q(r, "SELECT count(*), coalesce(sum(due_date < date('now')), 0) FROM grant_payments p"
	                           " JOIN grants g ON g.id = p.grant_id WHERE p.status = 'scheduled'"
	                           " AND g.stage IN ('awarded', 'active') AND p.due_date <= date('now', '+30 days')", "");
	if (db_step(r, st)) {
		long long due = db_col_int(st, 0), late = db_col_int(st, 1);
		sqlite3_reset(st);
		html(r, "<li><a href=\"/portfolio\"><strong>%lld</strong> payment%s due in the next 30 days</a>%s</li>\n",
		     due, due == 1 ? "" : "s", late ? arena_printf(&r->arena, " (%lld overdue)", late) : "");
	}
	st = db_q(r, "SELECT id, year, coalesce(deadline, '') FROM scan_cycles WHERE status = 'open'"
	             " ORDER BY year DESC LIMIT 1", "");
	if (db_step(r, st)) {
		long long id = db_col_int(st, 0), year = db_col_int(st, 1);
		const char *deadline = db_col_text(r, st, 2);
		sqlite3_reset(st);
		long long sub, prog, schools;
		scan_cycle_rate(r, id, &sub, &prog, &schools);
		html(r, "<li><a href=\"/scans/%lld\">The %lld scan: <strong>%lld%%</strong> response rate</a>"
		        " (%lld of %lld schools submitted, %lld in progress)%s</li>\n", year, year,
		     schools ? (sub * 100 + schools / 2) / schools : 0, sub, schools, prog,
		     *deadline ? arena_printf(&r->arena, "; deadline %s, %s", season_date_label(r, deadline),
		                              season_days_left(r, deadline, (long long)time(NULL))) : "; no deadline set");
	} else {
		html(r, "<li>No scan is open. <a href=\"/scans\">Scan cycles</a></li>\n");
	}
	html(r, "</ul>\n");
}

static void home_staff(struct req *r)
{
	home_staff_todo(r);
	long long people = db_int(r, 0, "SELECT count(*) FROM users WHERE active = 1", "");
	long long pending = db_int(r, 0, "SELECT count(*) FROM users WHERE active = 1"
	                                 " AND pw_hash IS NULL", "");
	long long orgs = db_int(r, 0, "SELECT count(*) FROM organizations WHERE active = 1", "");
	/* Count what this viewer may see, through the policy; staff and admins
	 * see by role alone, so the count is kept until a school changes. */
	int shown = 0;
	const char *key = arena_printf(&r->arena, "home|schools|%d", (int)r->user->role);
	long long rev = cache_revision(r);
	size_t len;
	const char *hit = cache_get(key, rev, &len);
	if (hit) {
		shown = atoi(hit);
	} else {
		sqlite3_stmt *st = db_q(r, "SELECT " POLICY_COLUMNS " FROM schools s", "II",
		                        r->user->id, r->user->org_id);
		while (db_step(r, st))
			shown += policy_row(r, st, 0) != VIS_HIDDEN;
		const char *v = arena_printf(&r->arena, "%d", shown);
		cache_put(key, rev, v, strlen(v));
	}
	html(r, "<ul class=\"tiles\">\n"
	        "<li><a href=\"/admin/schools\"><strong>%d</strong> schools</a>"
	        "<span>you may see (others are kept private by their nations)</span>", shown);
	html(r, "</li>\n<li><a href=\"/admin/people\"><strong>%lld</strong> people</a>"
	        "<span>%lld invited, not yet signed in</span></li>\n"
	        "<li><a href=\"/admin/orgs\"><strong>%lld</strong> organizations</a></li>\n"
	        "</ul>\n", people, pending, orgs);
	if (r->user->role == ROLE_ADMIN) {
		long long queued = db_int(r, 0, "SELECT count(*) FROM outbox WHERE sent_at IS NULL", "");
		html(r, "<p>Mail waiting to be sent: %lld.</p>\n", queued);
	}
}

static void home_leader(struct req *r)
{
	/* What needs doing first: the open scan, its deadline, each school's progress. */
	season_leader_scan(r, 1, 2);
	sqlite3_stmt *st = db_q(r,
	    "SELECT s.id, s.name, s.city, s.state_code FROM schools s"
	    " JOIN user_schools us ON us.school_id = s.id WHERE us.user_id = ?"
	    " ORDER BY s.name", "I", r->user->id);
	html(r, "<h2>Your schools</h2>\n<ul>\n");
	int n = 0;
	while (db_step(r, st)) {
		n++;
		html(r, "<li>%s — %s, %s</li>\n", db_col_text(r, st, 1), db_col_text(r, st, 2),
		     db_col_text(r, st, 3));
	}
	html(r, "</ul>\n");
	if (!n)
		html(r, "<p>No schools are linked to your account yet. Ask the foundation"
		        " to add them.</p>\n");
	html(r, "<p><a href=\"/my/schools\">See your schools</a></p>\n");
	/* Connect: what waits for this leader, as host and as visitor. */
	st = db_q(r,
	    "SELECT (SELECT count(*) FROM bookings b JOIN opportunities o ON o.id = b.opportunity_id"
	    "         WHERE b.status = 'pending' AND o.school_id IN (SELECT school_id FROM user_schools WHERE user_id = ?1"
	    "           UNION SELECT h.school_id FROM school_hosts h JOIN schools hs ON hs.id = h.school_id"
	    "           WHERE h.user_id = ?1 AND hs.sharing <> 'private')),"
	    "       (SELECT count(*) FROM bookings WHERE status = 'offered' AND requested_by = ?1),"
	    "       (SELECT count(*) FROM bookings b JOIN opportunities o ON o.id = b.opportunity_id"
	    "         WHERE b.status = 'confirmed' AND b.requested_by = ?1 AND o.starts_at > unixepoch())", "I", r->user->id);
	if (db_step(r, st)) {
		long long answer = db_col_int(st, 0), offered = db_col_int(st, 1), coming = db_col_int(st, 2);
		sqlite3_reset(st);
		html(r, "<h2>Site visits</h2>\n<ul>\n");
		if (answer)
			html(r, "<li><a href=\"/connect/host\">%lld request%s for your site visits wait%s for your answer</a></li>\n",
			     answer, answer == 1 ? "" : "s", answer == 1 ? "s" : "");
		if (offered)
			html(r, "<li><a href=\"/connect\">Seats are offered to you from a waitlist: take them before they pass"
			        " on</a></li>\n");
		html(r, "<li>%lld confirmed visit%s to come. <a href=\"/connect\">Find a school to visit</a></li>\n</ul>\n",
		     coming, coming == 1 ? "" : "s");
	}
}

static void home_intermediary(struct req *r)
{
	char *org = db_text(r, "SELECT name FROM organizations WHERE id = ?", "I",
	                    r->user->org_id);
	long long n = db_int(r, 0, "SELECT count(DISTINCT gs.school_id) FROM grant_schools gs JOIN grants g"
	                           " ON g.id = gs.grant_id WHERE g.org_id = ? AND g.stage = 'active'"
	                           " AND gs.from_date <= date('now') AND (gs.to_date IS NULL OR gs.to_date >= date('now'))",
	                     "I", r->user->org_id);
	if (org)
		html(r, "<p>You work with <strong>%s</strong>, whose active grants serve %lld school%s.</p>\n",
		     org, n, n == 1 ? "" : "s");
	else
		html(r, "<p>Your account is not linked to an organization yet.</p>\n");
	html(r, "<p><a href=\"/my/schools\">See the schools you serve</a></p>\n");
	if (!org)
		return;
	/* What needs doing: this week's coaching visits (Monday to Sunday; a
	 * school only as far as the policy lets this viewer see it) and the
	 * reports falling due. */
	sqlite3_stmt *st = db_q(r,
	    "SELECT v.local_date, s.name, " POLICY_COLUMNS " FROM visits v JOIN schools s ON s.id = v.school_id"
	    " WHERE v.org_id = ? AND v.local_date BETWEEN date('now', 'weekday 0', '-6 days') AND date('now', 'weekday 0')"
	    " ORDER BY v.local_date, v.id", "III", r->user->id, r->user->org_id, r->user->org_id);
	struct buf rows = BUF_IN(&r->arena);
	int visits = 0;
	while (db_step(r, st)) {
		if (policy_row(r, st, 2) == VIS_HIDDEN)
			continue;
		visits++;
		buf_puts(&rows, "<li>");
		html_escape(&rows, db_col_view(st, 0));
		buf_puts(&rows, " — ");
		html_escape(&rows, db_col_view(st, 1));
		buf_printf(&rows, "</li>\n");
	}
	html(r, "<h2>What needs doing</h2>\n<ul class=\"todo\">\n<li><a href=\"/visits\"><strong>%d</strong>"
	        " coaching visit%s this week</a>", visits, visits == 1 ? "" : "s");
	if (visits) {
		html(r, "\n<ul>\n");
		html_raw(r, rows.p);
		html(r, "</ul>\n");
	}
	buf_free(&rows);
	html(r, "</li>\n");
	st = db_q(r, "SELECT count(*), coalesce(sum(x.due_date < date('now')), 0) FROM grant_reports x"
	             " JOIN grants g ON g.id = x.grant_id WHERE g.org_id = ? AND x.status IN ('due', 'returned')"
	             " AND x.due_date <= date('now', '+30 days')", "I", r->user->org_id);
	if (db_step(r, st)) {
		long long due = db_col_int(st, 0), late = db_col_int(st, 1);
		sqlite3_reset(st);
		html(r, "<li><a href=\"/grants\"><strong>%lld</strong> grant report%s due in the next 30 days</a>%s</li>\n",
		     due, due == 1 ? "" : "s", late ? arena_printf(&r->arena, " (%lld overdue)", late) : "");
	}
	html(r, "</ul>\n");
}

static void home_steward(struct req *r)
{
	char *nation = db_text(r, "SELECT name FROM nations WHERE id = ?", "I",
	                       r->user->nation_id);
	if (!nation) {
		html(r, "<p>Your account is not linked to a nation yet.</p>\n");
		return;
	}
	html(r, "<p>You decide what data about the schools of <strong>%s</strong> others"
	        " may see.</p>\n<ul>\n", nation);
	sqlite3_stmt *st = db_q(r, "SELECT sharing, count(*) FROM schools WHERE nation_id = ?"
	                           " GROUP BY sharing ORDER BY sharing", "I", r->user->nation_id);
	while (db_step(r, st))
		html(r, "<li>%lld at level %s</li>\n", db_col_int(st, 1), db_col_text(r, st, 0));
	html(r, "</ul>\n<p><a href=\"/steward\">Review data sharing</a></p>\n");
}

void home_page(struct req *r)
{
	page_begin(r, "Home");
	html(r, "<p class=\"lead\">Welcome, %s.</p>\n", r->user->name);
	switch (r->user->role) {
	case ROLE_ADMIN:
	case ROLE_STAFF: home_staff(r); break;
	case ROLE_LEADER: home_leader(r); break;
	case ROLE_INTERMEDIARY: home_intermediary(r); break;
	case ROLE_STEWARD: home_steward(r); break;
	default: break;
	}
	page_end(r);
}

/* /healthz: the schema version, and whether the database takes a write
 * now: one row written and committed, and room left on its disk (a write
 * that fits in space SQLite already holds says little about the next one).
 * Not writable answers 503, so a load balancer or monitor sees it. */
void health_page(struct req *r)
{
	r->content_type = "application/json";
	long long v = db_int(r, -1, "PRAGMA user_version", "");
	int rc = db_exec_soft(r, "INSERT INTO health_checks (id, at) VALUES (1, unixepoch())"
	                         " ON CONFLICT (id) DO UPDATE SET at = excluded.at", "");
	long long free_bytes = -1;
	const char *file = sqlite3_db_filename(r->db, "main");
	char dir[4096];
	snprintf(dir, sizeof dir, "%s", file && *file ? file : ".");
	char *slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	struct statvfs fs;
	if (statvfs(slash ? (*dir ? dir : "/") : ".", &fs) == 0)
		free_bytes = (long long)fs.f_bavail * (long long)fs.f_frsize;
	int writable = rc == SQLITE_DONE && (free_bytes < 0 || free_bytes >= HEALTH_MIN_FREE);
	if (!writable)
		r->status = 503;
	buf_printf(&r->body, "{\"ok\":%s,\"schema\":%lld,\"db_writable\":%s,\"disk_free_bytes\":%lld}\n",
	           writable ? "true" : "false", v, writable ? "true" : "false", free_bytes);
}
