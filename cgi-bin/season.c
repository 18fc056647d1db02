/* season.c — a scan cycle's season: its schedule, the clock that runs it,
 * and the scan's mail to leaders (see include/season.h). */
#include "season.h"
#include "buf.h"
#include "db.h"
#include "html.h"
#include "layout.h"
#include "mail.h"
#include "policy.h"
#include "req.h"
#include "survey.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- the schedule (pure) ------------------------------------------------------ */

long long season_date(const char *ymd)
{
	int y, m, d, used = 0;
	if (!ymd || strlen(ymd) != 10 || sscanf(ymd, "%4d-%2d-%2d%n", &y, &m, &d, &used) != 3 || used != 10 ||
	    ymd[4] != '-' || ymd[7] != '-' || y < 2000 || y > 2100 || m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	struct tm tm = { .tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d };
	time_t t = timegm(&tm);
	/* 2026-02-30 comes back as March: not a real date. */
	if (tm.tm_mon != m - 1 || tm.tm_mday != d)
		return -1;
	return (long long)t;
}

int season_days_parse(const char *text, int *days, int max, const char **why)
{
	int n = 0;
	const char *p = text ? text : "";
	for (;;) {
		while (*p == ' ' || *p == ',' || *p == '\t')
			p++;
		if (!*p)
			break;
		if (*p < '0' || *p > '9') {
			*why = "Write whole numbers of days before the deadline, separated by commas, like 14, 3.";
			return -1;
		}
		long v = 0;
		while (*p >= '0' && *p <= '9' && v <= SEASON_MAX_DAYS)
			v = v * 10 + (*p++ - '0');
		if (v > SEASON_MAX_DAYS || (*p >= '0' && *p <= '9')) {
			*why = "A reminder goes at most 120 days before the deadline.";
			return -1;
		}
		for (int i = 0; i < n; i++)
			if (days[i] == v) {
				*why = "Each day appears once.";
				return -1;
			}
		if (n == max) {
			*why = "At most 6 reminders.";
			return -1;
		}
		/* Insert, largest first. */
		int at = n;
		while (at > 0 && days[at - 1] < v) {
			days[at] = days[at - 1];
			at--;
		}
		days[at] = (int)v;
		n++;
	}
	return n;
}

const char *season_days_text(struct req *r, const int *days, int n)
{
	struct buf b = BUF_IN(&r->arena);
	for (int i = 0; i < n; i++)
		buf_printf(&b, "%s%d", i ? "," : "", days[i]);
	const char *s = arena_strdup(&r->arena, b.len ? b.p : "");
	buf_free(&b);
	return s;
}

long long season_reminder_at(long long deadline_day, int days)
{
	return deadline_day - (long long)days * 86400 + SEASON_REMIND_HOUR * 3600;
}

long long season_deadline_end(long long deadline_day)
{
	return deadline_day + 86400 + SEASON_END_HOUR * 3600;
}

int season_reminder_due(const int *days, int n, long long deadline_day, long long now, const int *done)
{
	if (deadline_day < 0 || now >= season_deadline_end(deadline_day))
		return -1;
	int latest = -1;
	for (int i = 0; i < n; i++)          /* largest first: due times ascend */
		if (season_reminder_at(deadline_day, days[i]) <= now)
			latest = i;
	return latest >= 0 && !done[latest] ? latest : -1;
}

/* ---- mail to leaders ---------------------------------------------------------- */

/* season_mail_leaders() at the time now (the clock's own). */
static int mail_leaders_at(struct req *r, long long cycle, int remind, long long by, int days, long long now)
{
	long long year = db_int(r, 0, "SELECT year FROM scan_cycles WHERE id = ?", "I", cycle);
	char *deadline = db_text(r, "SELECT deadline FROM scan_cycles WHERE id = ?", "I", cycle);
	sqlite3_stmt *st = db_q(r,
	    "SELECT u.id, u.email, u.name, group_concat(s.name, '\n')"
	    "  FROM users u JOIN user_schools us ON us.user_id = u.id JOIN schools s ON s.id = us.school_id"
	    "  LEFT JOIN responses x ON x.school_id = s.id AND x.cycle_id = ?1"
	    " WHERE u.role = 'leader' AND u.active = 1 AND u.pw_hash IS NOT NULL"
	    "   AND (?2 = 0 OR x.status IS NULL OR x.status <> 'submitted')"
	    "   AND (?2 = 1 OR NOT EXISTS (SELECT 1 FROM scan_mailings m WHERE m.cycle_id = ?1"
	    "        AND m.user_id = u.id AND m.kind = 'invitation'))"
	    "   AND (?2 = 0 OR NOT EXISTS (SELECT 1 FROM scan_mailings m WHERE m.cycle_id = ?1"
	    "        AND m.user_id = u.id AND m.kind = 'reminder' AND m.at > ?3))"
	    " GROUP BY u.id ORDER BY u.id", "IiI", cycle, remind, now - SEASON_REMIND_GAP);
	int cap = 32, n = 0;
	struct who { long long id; const char *email, *name, *schools; } *list =
	    arena_alloc(&r->arena, sizeof *list * (size_t)cap);
	while (db_step(r, st)) {
		if (n == cap) {
			struct who *more = arena_alloc(&r->arena, sizeof *more * (size_t)cap * 2);
			memcpy(more, list, sizeof *list * (size_t)n);
			list = more;
			cap *= 2;
		}
		list[n].id = db_col_int(st, 0);
		list[n].email = db_col_text(r, st, 1);
		list[n].name = db_col_text(r, st, 2);
		list[n].schools = db_col_text(r, st, 3);
		n++;
	}
	const char *by_when = deadline ? arena_printf(&r->arena, "\n\nThe deadline is %s.",
	                                              season_date_label(r, deadline)) : "";
	for (int i = 0; i < n; i++) {
		char *body = arena_printf(&r->arena,
		    "Hello %s,\n\n%s\n\n%s%s\n\nAnswer here, one school at a time (your answers are saved as you go):\n"
		    "%s/scan\n\nThank you: the scan is how the region learns what helps schools"
		    " individualize learning.\n",
		    list[i].name,
		    remind ? arena_printf(&r->arena, "A reminder: the %lld regional scan is still waiting for"
		                          " these schools of yours:", year)
		           : arena_printf(&r->arena, "The %lld regional scan is open. Please answer it for each"
		                          " of your schools:", year),
		    list[i].schools, by_when, mail_base_url());
		mail_queue(r, list[i].email, remind ? arena_printf(&r->arena, "Reminder: the %lld regional scan", year)
		                                    : arena_printf(&r->arena, "The %lld regional scan is open", year), body);
		db_exec(r, "INSERT INTO scan_mailings (cycle_id, user_id, kind, sent_by, at) VALUES (?, ?, ?, nullif(?, 0), ?)",
		        "IItII", cycle, list[i].id, remind ? "reminder" : "invitation", by, now);
	}
	if (remind)
		db_exec(r, "INSERT INTO scan_reminder_rounds (cycle_id, days_before, deadline, sent_by, recipients, at)"
		           " VALUES (?, nullif(?, -1), ?, nullif(?, 0), ?, ?)", "IitIiI", cycle, days, deadline, by, n, now);
	return n;
}

int season_mail_leaders(struct req *r, long long cycle, int remind, long long by, int days)
{
	return mail_leaders_at(r, cycle, remind, by, days, (long long)time(NULL));
}

/* ---- the clock ---------------------------------------------------------------- */

static const char *today(struct req *r, long long now)
{
	time_t t = (time_t)now;
	struct tm tm;
	gmtime_r(&t, &tm);
	char d[16];
	strftime(d, sizeof d, "%Y-%m-%d", &tm);
	return arena_strdup(&r->arena, d);
}

/* The open cycle's reminder due at now: its index in *days, or -1. */
static int reminder_due(struct req *r, long long now, long long *cycle, int *days, int *n, const char **deadline)
{
	*n = 0;
	sqlite3_stmt *st = db_q(r, "SELECT id, deadline, reminder_days FROM scan_cycles WHERE status = 'open'"
	                           " AND deadline IS NOT NULL AND reminder_days <> '' ORDER BY year DESC LIMIT 1", "");
	if (!db_step(r, st))
		return -1;
	*cycle = db_col_int(st, 0);
	*deadline = db_col_text(r, st, 1);
	const char *why;
	*n = season_days_parse(db_col_view(st, 2), days, SEASON_MAX_REMINDERS, &why);
	sqlite3_reset(st);
	if (*n <= 0)
		return -1;
	int done[SEASON_MAX_REMINDERS] = {0};
	st = db_q(r, "SELECT days_before FROM scan_reminder_rounds WHERE cycle_id = ? AND deadline = ?"
	             " AND days_before IS NOT NULL", "It", *cycle, *deadline);
	while (db_step(r, st))
		for (int i = 0; i < *n; i++)
			done[i] |= days[i] == db_col_int(st, 0);
	return season_reminder_due(days, *n, season_date(*deadline), now, done);
}

static long long cycle_to_open(struct req *r, long long now)
{
	return db_int(r, 0, "SELECT id FROM scan_cycles WHERE status = 'draft' AND opens_on <= ?"
	                    " AND NOT EXISTS (SELECT 1 FROM scan_cycles WHERE status = 'open')"
	                    " ORDER BY opens_on, year LIMIT 1", "t", today(r, now));
}

int season_due(struct req *r, long long now)
{
	long long cycle;
	int days[SEASON_MAX_REMINDERS], n;
	const char *deadline;
	return cycle_to_open(r, now) || reminder_due(r, now, &cycle, days, &n, &deadline) >= 0;
}

int season_clock(struct req *r, long long now)
{
	int sent = 0;
	long long open = cycle_to_open(r, now);
	if (open) {
		db_exec(r, "UPDATE scan_cycles SET status = 'open', opened_at = coalesce(opened_at, ?), closed_at = NULL"
		           " WHERE id = ?", "II", now, open);
		db_exec(r, "INSERT INTO audit (user_id, action, detail) VALUES (NULL, 'scan-open', 'opened on its day')", "");
		sent += mail_leaders_at(r, open, 0, 0, -1, now);
	}
	long long cycle;
	int days[SEASON_MAX_REMINDERS], n;
	const char *deadline;
	int due = reminder_due(r, now, &cycle, days, &n, &deadline);
	if (due >= 0)
		sent += mail_leaders_at(r, cycle, 1, 0, days[due], now);
	return sent;
}

/* ---- receipts and notices ----------------------------------------------------- */

const char *season_answers_text(struct req *r, const struct instrument *in, const struct answers *a)
{
	struct buf b = BUF_IN(&r->arena);
	for (int s = 0; s < in->nsections; s++) {
		buf_printf(&b, "== %s ==\n\n", in->sections[s].title);
		for (int i = in->sections[s].first; i < in->sections[s].first + in->sections[s].count; i++) {
			const struct question *q = &in->q[i];
			if (!survey_visible(in, q, a))
				continue;
			const char *v = survey_answer_text(r, in, q, a);
			buf_printf(&b, "%s\n  %s\n\n", q->label, *v ? v : "(no answer)");
		}
	}
	const char *s = arena_strdup(&r->arena, b.len ? b.p : "");
	buf_free(&b);
	return s;
}

void season_receipt(struct req *r, long long rid, const struct instrument *in, const struct answers *a)
{
	sqlite3_stmt *st = db_q(r, "SELECT c.year, s.name, s.id, c.id FROM responses x JOIN scan_cycles c ON c.id = x.cycle_id"
	                           " JOIN schools s ON s.id = x.school_id WHERE x.id = ?", "I", rid);
	if (!db_step(r, st))
		return;
	long long year = db_col_int(st, 0), school = db_col_int(st, 2), cycle = db_col_int(st, 3);
	const char *name = db_col_text(r, st, 1);
	sqlite3_reset(st);
	const char *link = arena_printf(&r->arena, "%s/scan/%lld/schools/%lld", mail_base_url(), year, school);
	char *body = arena_printf(&r->arena,
	    "Hello %s,\n\nThank you: the %lld regional scan for %s is submitted. The foundation can now read"
	    " its answers, as far as the school's nation allows.\n\nA copy of the answers follows. You can read"
	    " them at any time, and download them, here:\n%s\n\nIf something needs changing, ask foundation staff"
	    " to reopen it.\n\n%s",
	    r->user->name, year, name, link, season_answers_text(r, in, a));
	if (mail_address_ok(r->user->email))
		mail_queue(r, r->user->email, arena_printf(&r->arena, "Receipt: the %lld regional scan for %s", year, name),
		           body);
	/* A reminder still waiting in the outbox goes only to a leader who
	 * still has a school to submit. */
	db_exec(r, "DELETE FROM outbox WHERE sent_at IS NULL AND attempts = 0 AND subject = ?1"
	           "   AND to_addr IN (SELECT u.email FROM users u JOIN user_schools us ON us.user_id = u.id"
	           "     WHERE us.school_id = ?2 AND NOT EXISTS (SELECT 1 FROM user_schools o"
	           "       LEFT JOIN responses x ON x.school_id = o.school_id AND x.cycle_id = ?3"
	           "      WHERE o.user_id = u.id AND (x.status IS NULL OR x.status <> 'submitted')))",
	        "tII", arena_printf(&r->arena, "Reminder: the %lld regional scan", year), school, cycle);
}

int season_reopened_mail(struct req *r, long long rid, const char *note)
{
	sqlite3_stmt *st = db_q(r, "SELECT c.year, s.name, s.id FROM responses x JOIN scan_cycles c ON c.id = x.cycle_id"
	                           " JOIN schools s ON s.id = x.school_id WHERE x.id = ?", "I", rid);
	if (!db_step(r, st))
		return 0;
	long long year = db_col_int(st, 0), school = db_col_int(st, 2);
	const char *name = db_col_text(r, st, 1);
	sqlite3_reset(st);
	st = db_q(r, "SELECT u.email, u.name FROM users u JOIN user_schools us ON us.user_id = u.id"
	             " WHERE us.school_id = ? AND u.role = 'leader' AND u.active = 1 ORDER BY u.id", "I", school);
	int n = 0;
	while (db_step(r, st)) {
		const char *email = db_col_text(r, st, 0);
		if (!mail_address_ok(email))
			continue;
		char *body = arena_printf(&r->arena,
		    "Hello %s,\n\nFoundation staff reopened the %lld regional scan for %s, so its answers can be"
		    " changed again.%s%s\n\nYour answers are kept. Change what needs changing, then submit again"
		    " (until you do, the school's answers are not counted):\n%s/scan/%lld/schools/%lld\n",
		    db_col_text(r, st, 1), year, name, note && *note ? "\n\nTheir note:\n\n" : "",
		    note && *note ? note : "", mail_base_url(), year, school);
		mail_queue(r, email, arena_printf(&r->arena, "The %lld regional scan for %s is open again", year, name), body);
		n++;
	}
	return n;
}

/* ---- dates for people --------------------------------------------------------- */

const char *season_date_label(struct req *r, const char *ymd)
{
	long long t = season_date(ymd);
	if (t < 0)
		return ymd ? ymd : "";
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	char wd[16], mo[16];
	strftime(wd, sizeof wd, "%A", &tm);
	strftime(mo, sizeof mo, "%B", &tm);
	return arena_printf(&r->arena, "%s %d %s %d", wd, tm.tm_mday, mo, tm.tm_year + 1900);
}

const char *season_days_left(struct req *r, const char *deadline, long long now)
{
	long long d = season_date(deadline);
	if (d < 0)
		return "";
	long long t = season_date(today(r, now));
	long long left = (d - t) / 86400;
	if (left > 1) return arena_printf(&r->arena, "%lld days left", left);
	if (left == 1) return "1 day left";
	if (left == 0) return "due today";
	return arena_printf(&r->arena, "passed %lld day%s ago", -left, left == -1 ? "" : "s");
}

/* ---- what a leader sees ------------------------------------------------------- */

static const char *status_text(const char *status)
{
	if (!strcmp(status, "submitted")) return "Submitted";
	if (!strcmp(status, "in_progress")) return "In progress";
	return "Not started";
}

/* One open cycle for the signed-in leader (see season_leader_scan). */
static void leader_cycle(struct req *r, long long cycle, int per_school, int h)
{
	long long now = (long long)time(NULL);
	sqlite3_stmt *cy = db_q(r, "SELECT year, coalesce(deadline, ''), instrument_id FROM scan_cycles WHERE id = ?",
	                        "I", cycle);
	if (!db_step(r, cy))
		return;
	long long year = db_col_int(cy, 0), inst = db_col_int(cy, 2);
	const char *deadline = db_col_text(r, cy, 1);
	sqlite3_reset(cy);
	const struct instrument *in = survey_get(r, inst);
	if (per_school)
		html(r, "<h%d>The %lld regional scan</h%d>\n", h, year, h);
	sqlite3_stmt *st = db_q(r,
	    "SELECT s.id, s.name, coalesce(x.status, 'not_started'),"
	    "       (SELECT count(*) FROM answers a WHERE a.response_id = x.id AND a.question LIKE '\\_saved.%' ESCAPE '\\'), "
	    POLICY_COLUMNS
	    "  FROM user_schools us JOIN schools s ON s.id = us.school_id"
	    "  LEFT JOIN responses x ON x.school_id = s.id AND x.cycle_id = ?"
	    " WHERE us.user_id = ? ORDER BY s.name", "IIII", r->user->id, r->user->org_id, cycle, r->user->id);
	struct buf rows = BUF_IN(&r->arena);
	int n = 0, sub = 0;
	while (db_step(r, st)) {
		if (policy_row(r, st, 4) == VIS_HIDDEN)
			continue;
		const char *status = db_col_view(st, 2);
		n++;
		sub += !strcmp(status, "submitted");
		if (!per_school)
			continue;
		long long saved = db_col_int(st, 3);
		buf_printf(&rows, "<li><a href=\"/scan/%lld/schools/%lld\">", year, db_col_int(st, 0));
		html_escape(&rows, db_col_view(st, 1));
		buf_printf(&rows, "</a>: <span class=\"status %s\">%s</span>", status, status_text(status));
		if (!strcmp(status, "in_progress") && in)
			buf_printf(&rows, " (%lld of %d sections saved)", saved, in->nsections);
		buf_printf(&rows, "</li>\n");
	}
	if (*deadline)
		html(r, "<p class=\"deadline\">Deadline: <strong>%s</strong> (%s). %d of %d of your schools submitted.</p>\n",
		     season_date_label(r, deadline), season_days_left(r, deadline, now), sub, n);
	else
		html(r, "<p class=\"deadline\">No deadline is set yet. %d of %d of your schools submitted.</p>\n", sub, n);
	if (per_school && rows.len) {
		html(r, "<ul class=\"progress\">\n");
		html_raw(r, rows.p);
		html(r, "</ul>\n<p><a href=\"/scan\">Go to the scan</a></p>\n");
	}
	buf_free(&rows);
}

void season_leader_scan_deadline(struct req *r, long long cycle)
{
	leader_cycle(r, cycle, 0, 0);
}

int season_leader_scan(struct req *r, int per_school, int h)
{
	sqlite3_stmt *cy = db_q(r, "SELECT id FROM scan_cycles WHERE status = 'open' ORDER BY year DESC LIMIT 4", "");
	long long ids[4];
	int nc = 0;
	while (db_step(r, cy))
		if (nc < 4)
			ids[nc++] = db_col_int(cy, 0);
	for (int k = 0; k < nc; k++)
		leader_cycle(r, ids[k], per_school, h);
	return nc;
}

void season_leader_past(struct req *r)
{
	sqlite3_stmt *st = db_q(r,
	    "SELECT c.year, s.id, s.name, x.status, " POLICY_COLUMNS
	    "  FROM scan_cycles c JOIN responses x ON x.cycle_id = c.id JOIN schools s ON s.id = x.school_id"
	    "  JOIN user_schools us ON us.school_id = s.id AND us.user_id = ?"
	    " WHERE c.status = 'closed' ORDER BY c.year DESC, s.name", "III", r->user->id, r->user->org_id, r->user->id);
	int n = 0;
	while (db_step(r, st)) {
		if (policy_row(r, st, 4) == VIS_HIDDEN)
			continue;
		if (!n++) {
			html(r, "<h2>Closed scans</h2>\n<p>Your answers stay yours to read and download; they can no longer"
			        " be changed.</p>\n");
			table_begin(r, NULL, "Your answers in closed scans");
			html(r, "<thead><tr><th scope=\"col\">Year</th><th scope=\"col\">School</th><th scope=\"col\">Status</th>"
			        "<th scope=\"col\">Answers</th></tr></thead>\n<tbody>\n");
		}
		long long year = db_col_int(st, 0), school = db_col_int(st, 1);
		const char *name = db_col_text(r, st, 2), *status = db_col_view(st, 3);
		html(r, "<tr><td>%lld</td><td>%s</td><td>%s</td><td><a href=\"/scan/%lld/schools/%lld\">Read"
		        "<span class=\"visually-hidden\"> %lld answers for %s</span></a> · <a href=\"/scan/%lld/schools/%lld/answers.csv\">"
		        "CSV<span class=\"visually-hidden\"> of the %lld answers for %s</span></a></td></tr>\n",
		     year, name, !strcmp(status, "submitted") ? "Submitted" : "Not submitted (a draft)",
		     year, school, year, name, year, school, year, name);
	}
	if (n) {
		html(r, "</tbody>\n");
		table_end(r);
	}
}
