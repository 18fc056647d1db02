/* scan.c — /scan: a school leader answers the regional scan for each of
 * their schools, one school and one section at a time.  Every section is
 * saved on the server as the leader moves on; a later visit, on any device,
 * resumes where they were.  A save made from another window since this one
 * was opened is never silently overwritten. */
#include "db.h"
#include "handlers.h"
#include "html.h"
#include "layout.h"
#include "csv.h"
#include "req.h"
#include "season.h"
#include "summary.h"
#include "survey.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct cycle {
	long long id, instrument_id;
	int year;
	const char *status;
};

/* The cycle of a year, or 404. */
static struct cycle *cycle_of(struct req *r, long long year)
{
	sqlite3_stmt *st = db_q(r, "SELECT id, instrument_id, year, status FROM scan_cycles"
	                           " WHERE year = ? AND status <> 'draft'", "I", year);
	if (!db_step(r, st))
		req_fail(r, 404, "no such scan cycle");
	struct cycle *c = arena_alloc(&r->arena, sizeof *c);
	c->id = db_col_int(st, 0);
	c->instrument_id = db_col_int(st, 1);
	c->year = (int)db_col_int(st, 2);
	c->status = db_col_text(r, st, 3);
	sqlite3_reset(st);
	return c;
}

/* The school's name when the signed-in leader leads it; 404 otherwise (the
 * same answer as for a school that does not exist). */
static const char *led_school(struct req *r, long long school_id)
{
	char *name = db_text(r, "SELECT s.name FROM schools s JOIN user_schools us"
	                        " ON us.school_id = s.id WHERE s.id = ? AND us.user_id = ?",
	                     "II", school_id, r->user->id);
	if (!name)
		req_fail(r, 404, "not one of the leader's schools");
	return name;
}

struct response {
	long long id;
	const char *status, *section;
	long long revision;
};

/* The response of a school in a cycle; id 0 when not started. */
static struct response response_of(struct req *r, long long cycle_id, long long school_id)
{
	struct response x = { 0, "not_started", "", 0 };
	sqlite3_stmt *st = db_q(r, "SELECT id, status, section, revision FROM responses"
	                           " WHERE cycle_id = ? AND school_id = ?", "II", cycle_id, school_id);
	if (db_step(r, st)) {
		x.id = db_col_int(st, 0);
		x.status = db_col_text(r, st, 1);
		x.section = db_col_text(r, st, 2);
		x.revision = db_col_int(st, 3);
		sqlite3_reset(st);
	}
	return x;
}

static void event(struct req *r, long long response_id, const char *action, const char *detail)
{
	db_exec(r, "INSERT INTO response_events (response_id, user_id, action, detail)"
	           " VALUES (?, ?, ?, ?)", "IItt", response_id, r->user->id, action, detail);
}

/* Inside the transaction: the cycle is still open (it may have closed
 * since the page was read). */
static void still_open(struct req *r, struct cycle *c)
{
	if (!db_int(r, 0, "SELECT count(*) FROM scan_cycles WHERE id = ? AND status = 'open'", "I", c->id))
		req_fail(r, 409, "the scan is closed");
}

static const char *status_label(const char *status)
{
	if (!strcmp(status, "submitted")) return "Submitted";
	if (!strcmp(status, "in_progress")) return "In progress";
	return "Not started";
}

static const char *base_path(struct req *r, int year, long long school)
{
	return arena_printf(&r->arena, "/scan/%d/schools/%lld", year, school);
}

/* ---- the list of schools ---------------------------------------------------- */

void scan_page(struct req *r)
{
	page_begin(r, "Regional scan");
	const char *msg = req_query(r, "msg");
	if (msg && !strcmp(msg, "submitted"))
		page_notice(r, "Submitted. Thank you: the foundation can now see this school's answers.");
	sqlite3_stmt *cy = db_q(r, "SELECT year FROM scan_cycles WHERE status = 'open' ORDER BY year DESC", "");
	int open = 0;
	while (db_step(r, cy)) {
		open++;
		int year = (int)db_col_int(cy, 0);
		struct cycle *c = cycle_of(r, year);
		const struct instrument *in = survey_get(r, c->instrument_id);
		html(r, "<h2>The %d scan</h2>\n<p>%s</p>\n", year, in->intro ? in->intro : "");
		html_raw(r, "<p class=\"hint\">Until you submit a school's answers they are yours alone: the"
		            " foundation sees only how far you are (sections saved, last activity), never the answers."
		            " Once you submit, foundation staff can read them, as far as the school's nation allows.</p>\n");
		season_leader_scan_deadline(r, c->id);
		table_begin(r, NULL, arena_printf(&r->arena, "Your schools in the %d scan", year));
		html(r, "<thead><tr>"
		        "<th scope=\"col\">School</th><th scope=\"col\">Status</th>"
		        "<th scope=\"col\">Where you are</th><th scope=\"col\"><span class=\"visually-hidden\">Action</span></th>"
		        "</tr></thead>\n<tbody>\n");
		sqlite3_stmt *st = db_q(r,
		    "SELECT s.id, s.name, s.city, coalesce(x.status, 'not_started'), coalesce(x.section, '')"
		    "  FROM user_schools us JOIN schools s ON s.id = us.school_id"
		    "  LEFT JOIN responses x ON x.school_id = s.id AND x.cycle_id = ?"
		    " WHERE us.user_id = ? ORDER BY s.name", "II", c->id, r->user->id);
		int started_any = 0, not_started = 0;
		while (db_step(r, st)) {
			long long sid = db_col_int(st, 0);
			const char *status = db_col_text(r, st, 3), *sec = db_col_text(r, st, 4);
			int si = survey_section_index(in, sec);
			started_any |= strcmp(status, "not_started") != 0;
			not_started += !strcmp(status, "not_started");
			html(r, "<tr><td>%s <span class=\"muted\">(%s)</span></td><td><span class=\"status %s\">%s</span></td><td>",
			     db_col_text(r, st, 1), db_col_text(r, st, 2), status, status_label(status));
			if (!strcmp(status, "in_progress") && si >= 0)
				html(r, "Section %d of %d: %s", si + 1, in->nsections, in->sections[si].title);
			html(r, "</td><td><a href=\"%s\">%s<span class=\"visually-hidden\"> %s</span></a></td></tr>\n",
			     base_path(r, year, sid),
			     !strcmp(status, "submitted") ? "View answers" :
			     !strcmp(status, "in_progress") ? "Continue" : "Start",
			     db_col_text(r, st, 1));
		}
		html(r, "</tbody>\n");
		table_end(r);
		if (started_any && not_started) {
			/* Start a school from the answers given for another. */
			html(r, "<h3>Start from your answers for another school</h3>\n"
			        "<p>Copies your answers as a draft for the school you choose, except those about"
			        " that school alone, such as your years there and who it serves (the page after copying"
			        " lists them). Nothing is submitted: you then review and change what"
			        " differs, and submit yourself.</p>\n");
			form_begin(r, arena_printf(&r->arena, "/scan/%d/copy", year));
			const char **from = form_options(r, db_q(r,
			    "SELECT s.id, s.name FROM user_schools us JOIN schools s ON s.id = us.school_id"
			    " JOIN responses x ON x.school_id = s.id AND x.cycle_id = ? WHERE us.user_id = ?"
			    " ORDER BY s.name", "II", c->id, r->user->id), "— choose —");
			const char **to = form_options(r, db_q(r,
			    "SELECT s.id, s.name FROM user_schools us JOIN schools s ON s.id = us.school_id"
			    " WHERE us.user_id = ? AND NOT EXISTS (SELECT 1 FROM responses x WHERE x.school_id = s.id"
			    " AND x.cycle_id = ?) ORDER BY s.name", "II", r->user->id, c->id), "— choose —");
			form_select(r, NULL, "from", "Copy the answers of", from, NULL, NULL);
			form_select(r, NULL, "to", "Into", to, NULL, NULL);
			html(r, "<button type=\"submit\">Copy as a draft</button>\n");
			form_end(r);
		}
	}
	if (!open)
		html(r, "<p>No scan is open right now. The foundation opens one each year and"
		        " will write to you when it does.</p>\n");
	season_leader_past(r);
	page_end(r);
}

/* ---- answering a section ---------------------------------------------------- */

/* The leader's answers for another school in this cycle, to offer for
 * shared questions; *from gets that school's name. */
static struct answers *other_school_answers(struct req *r, long long cycle_id, long long school_id,
                                            const char **from)
{
	sqlite3_stmt *st = db_q(r,
	    "SELECT x.id, s.name FROM responses x JOIN schools s ON s.id = x.school_id"
	    "  JOIN user_schools us ON us.school_id = x.school_id AND us.user_id = ?"
	    " WHERE x.cycle_id = ? AND x.school_id <> ? ORDER BY x.updated_at DESC LIMIT 1",
	    "III", r->user->id, cycle_id, school_id);
	if (!db_step(r, st))
		return NULL;
	long long rid = db_col_int(st, 0);
	*from = db_col_text(r, st, 1);
	sqlite3_reset(st);
	struct answers *a = arena_zalloc(&r->arena, sizeof *a);
	survey_load_answers(r, rid, a);
	return a;
}

static void progress(struct req *r, const struct instrument *in, int s)
{
	html(r, "<ol class=\"steps\" aria-label=\"Sections\">\n");
	for (int i = 0; i < in->nsections; i++) {
		html(r, "<li");
		if (i == s)
			html_raw(r, " aria-current=\"step\"");
		html(r, ">%s</li>\n", in->sections[i].title);
	}
	html(r, "</ol>\n");
}

/* Question labels for a list of ids separated by spaces, as <li>s. */
static int question_items(struct req *r, const struct instrument *in, const char *ids)
{
	int n = 0;
	for (const char *p = ids; p && *p;) {
		size_t len = strcspn(p, " ");
		const struct question *q = survey_question(in, arena_strndup(&r->arena, p, len));
		if (q) {
			html(r, "<li>%s</li>", q->label);
			n++;
		}
		p += len;
		while (*p == ' ')
			p++;
	}
	return n;
}

/* What "Copy from another school" copied into this school's draft (its
 * last "copied" event): shown on the page the copy leads to. */
static void copied_notice(struct req *r, const struct instrument *in, long long cycle, long long school)
{
	char *d = db_text(r, "SELECT e.detail FROM response_events e JOIN responses x ON x.id = e.response_id"
	                     " WHERE x.cycle_id = ? AND x.school_id = ? AND e.action = 'copied' AND e.user_id = ?"
	                     " ORDER BY e.id DESC LIMIT 1", "III", cycle, school, r->user->id);
	char *copied = d ? strstr(d, ";\ncopied: ") : NULL;
	char *left = copied ? strstr(copied, ";\nleft alone: ") : NULL;
	long long from = 0;
	int at = 0;
	if (!left || sscanf(d, "from school %lld%n", &from, &at) != 1 || d + at != copied)
		return;                 /* an older copy, recorded without its lists */
	*copied = '\0';
	copied += strlen(";\ncopied: ");
	*left = '\0';
	left += strlen(";\nleft alone: ");
	/* Named now, and only while the viewer leads it (as when they copied). */
	const char *name = db_text(r, "SELECT s.name FROM schools s JOIN user_schools us ON us.school_id = s.id"
	                              " WHERE s.id = ? AND us.user_id = ?", "II", from, r->user->id);
	html(r, "<div class=\"notice\" role=\"status\" id=\"copied\">\n<h2>Copied from %s, as a draft</h2>\n"
	        "<p>Nothing is submitted: check each section, change what differs for this school, answer"
	        " what is left, then review and submit.</p>\n<details><summary>Answers copied</summary><ul>",
	     name ? name : "another of your schools");
	if (!question_items(r, in, copied))
		html(r, "<li>None: that school had no answers to copy yet.</li>");
	html(r, "</ul></details>\n<p>Left for you to answer here, because they are about this school"
	        " alone:</p>\n<ul>");
	question_items(r, in, left);
	html(r, "</ul>\n</div>\n");
}

static void section_form(struct req *r, struct cycle *c, long long school, const char *school_name,
                         const struct instrument *in, int s, const struct answers *a,
                         const struct form_errors *e, long long revision, const char *conflict)
{
	const char *base = base_path(r, c->year, school);
	page_begin(r, arena_printf(&r->arena, "%s — %d scan", school_name, c->year));
	const char *msg = req_query(r, "msg");
	if (msg && !strcmp(msg, "saved") && (!e || !e->n))
		page_notice(r, "Saved. You can close this page and continue later, on any device.");
	if (msg && !strcmp(msg, "copied") && (!e || !e->n))
		copied_notice(r, in, c->id, school);
	if (conflict)
		html(r, "<div class=\"error-summary\" role=\"alert\" tabindex=\"-1\" id=\"errors\">\n"
		        "<h2>This section was saved from another window</h2>\n<p>%s</p>\n"
		        "<p>Below is what you typed here. Save again to keep it, or"
		        " <a href=\"%s?section=%s\">load the saved answers</a>.</p>\n</div>\n",
		     conflict, base, in->sections[s].id);
	else
		form_error_summary(r, e);
	progress(r, in, s);
	html(r, "<h2>Section %d of %d: %s</h2>\n", s + 1, in->nsections, in->sections[s].title);
	/* Offer another school's answers only for a section never saved here:
	 * an answer left empty on purpose stays empty. */
	const char *from = NULL;
	struct answers *pre = answers_get(a, arena_printf(&r->arena, "_saved.%s", in->sections[s].id)) ? NULL
	                    : other_school_answers(r, c->id, school, &from);
	form_begin(r, base);
	html(r, "<input type=\"hidden\" data-autosave>\n");
	html(r, "<input type=\"hidden\" name=\"section\" value=\"%s\">\n"
	        "<input type=\"hidden\" name=\"revision\" value=\"%lld\">\n", in->sections[s].id, revision);
	survey_render_section(r, in, s, a, e, pre, from);
	/* The first submit button is the one Enter presses: moving on. */
	html(r, "<div class=\"actions\">\n");
	if (s + 1 < in->nsections)
		html(r, "<button type=\"submit\" name=\"go\" value=\"next\">Save and continue</button>\n");
	else
		html(r, "<button type=\"submit\" name=\"go\" value=\"review\">Save and review</button>\n");
	html(r, "<button type=\"submit\" name=\"go\" value=\"save\" class=\"secondary\">Save and finish later</button>\n");
	if (s > 0)
		html(r, "<button type=\"submit\" name=\"go\" value=\"back\" class=\"secondary\">Save and go back</button>\n");
	html(r, "</div>\n<p class=\"autosave\" role=\"status\" aria-live=\"polite\"></p>\n");
	form_end(r);
	html(r, "<p><a href=\"/scan\">Back to your schools</a></p>\n");
	page_end(r);
}

void scan_school_page(struct req *r)
{
	struct cycle *c = cycle_of(r, r->ids[0]);
	long long school = r->ids[1];
	const char *name = led_school(r, school);
	const struct instrument *in = survey_get(r, c->instrument_id);
	struct response x = response_of(r, c->id, school);
	struct answers a = {0};
	if (x.id)
		survey_load_answers(r, x.id, &a);
	if (!strcmp(x.status, "submitted") || strcmp(c->status, "open")) {
		page_begin(r, arena_printf(&r->arena, "%s — %d scan", name, c->year));
		if (strcmp(c->status, "open"))
			html(r, "<p>This scan is closed: %s.</p>\n", !strcmp(x.status, "submitted") ? "these answers were"
			     " submitted and can no longer be changed" : "these answers were never submitted and are not counted");
		else
			html(r, "<p>Submitted. To change an answer, ask foundation staff to reopen it.</p>\n");
		html(r, "<p><a href=\"%s/answers.csv\">Download the answers (CSV)</a> · print this page for a paper copy.</p>\n",
		     base_path(r, c->year, school));
		survey_render_answers(r, in, &a, NULL);
		page_end(r);
		return;
	}
	const char *want = req_query(r, "section");
	int s = survey_section_index(in, want && *want ? want : x.section);
	if (s < 0)
		s = 0;
	/* Sent back from submitting: mark what is still missing here. */
	struct form_errors e = {0};
	if (req_query(r, "check")) {
		for (int i = in->sections[s].first; i < in->sections[s].first + in->sections[s].count; i++) {
			const struct question *q = &in->q[i];
			const char *v = answers_get(&a, q->id);
			if (q->required && survey_visible(in, q, &a) && (!v || !*v))
				form_error_about(&e, arena_printf(&r->arena, "q_%s", q->id), q->label,
				                 "Answer this question before submitting.");
		}
	}
	section_form(r, c, school, name, in, s, &a, &e, x.revision, NULL);
}

static int same_answer(const char *x, const char *y)
{
	return x ? y && !strcmp(x, y) : !y;
}

/* Save the answers of section s (replacing the section's old ones, was:
 * an answer that did not change is left as it is, so that a save as the
 * leader types writes only what they typed, in the write lock all wait
 * for). */
static void save_section(struct req *r, long long rid, const struct instrument *in, int s,
                         const struct answers *a, const struct answers *was)
{
	const struct section *sec = &in->sections[s];
	for (int i = sec->first; i < sec->first + sec->count; i++) {
		const char *id = in->q[i].id;
		const char *ok = arena_printf(&r->arena, "%s.other", id);
		const char *v = answers_get(a, id), *o = answers_get(a, ok);
		if (same_answer(v, answers_get(was, id)) && same_answer(o, answers_get(was, ok)))
			continue;
		db_exec(r, "DELETE FROM answers WHERE response_id = ? AND question IN (?, ?)", "Itt", rid, id, ok);
		if (v)
			db_exec(r, "INSERT INTO answers (response_id, question, value) VALUES (?, ?, ?)", "Itt", rid, id, v);
		if (o)
			db_exec(r, "INSERT INTO answers (response_id, question, value) VALUES (?, ?, ?)", "Itt", rid, ok, o);
	}
	/* Remember the section was saved (see section_form's prefill). */
	const char *mark = arena_printf(&r->arena, "_saved.%s", sec->id);
	if (!same_answer(answers_get(was, mark), "1"))
		db_exec(r, "INSERT OR REPLACE INTO answers (response_id, question, value) VALUES (?, ?, '1')", "It", rid,
		        mark);
	/* A later section's answers that an earlier change made irrelevant go. */
	struct answers all = {0};
	survey_load_answers(r, rid, &all);
	for (int i = 0; i < in->nq; i++)
		if (!survey_visible(in, &in->q[i], &all) && answers_get(&all, in->q[i].id))
			db_exec(r, "DELETE FROM answers WHERE response_id = ? AND question IN (?, ?)", "Itt", rid,
			        in->q[i].id, arena_printf(&r->arena, "%s.other", in->q[i].id));
}

void scan_school_submit(struct req *r)
{
	struct cycle *c = cycle_of(r, r->ids[0]);
	long long school = r->ids[1];
	const char *name = led_school(r, school);
	const struct instrument *in = survey_get(r, c->instrument_id);
	if (strcmp(c->status, "open"))
		req_fail(r, 409, "the scan is closed");
	int s = survey_section_index(in, req_form(r, "section"));
	const char *go = req_form(r, "go");
	if (s < 0 || !go)
		req_fail(r, 400, "no section");
	const char *rev = req_form(r, "revision");
	long long posted_rev = rev ? atoll(rev) : -1;

	db_begin(r);
	still_open(r, c);
	struct response x = response_of(r, c->id, school);
	if (!strcmp(x.status, "submitted"))
		req_fail(r, 409, "already submitted");
	struct answers a = {0};
	if (x.id)
		survey_load_answers(r, x.id, &a);
	struct answers saved = a;          /* shallow: the saved values, before reading */
	saved.a = arena_alloc(&r->arena, sizeof *a.a * (size_t)(a.n ? a.n : 1));
	if (a.n)
		memcpy(saved.a, a.a, sizeof *a.a * (size_t)a.n);
	struct form_errors e = {0};
	int strict = !strcmp(go, "next") || !strcmp(go, "review");
	int autosave = !strcmp(go, "autosave");
	survey_read_section(r, in, s, &a, &e, strict, c->year);

	if (posted_rev != x.revision) {
		/* Saved elsewhere since this page was opened: show, do not overwrite. */
		struct buf diff = BUF_IN(&r->arena);
		for (int i = in->sections[s].first; i < in->sections[s].first + in->sections[s].count; i++) {
			const struct question *q = &in->q[i];
			const char *was = survey_answer_text(r, in, q, &saved), *now = survey_answer_text(r, in, q, &a);
			if (strcmp(was, now))
				buf_printf(&diff, "%s%s — saved \u201c%s\u201d", diff.len ? "; " : "", q->label,
				           *was ? was : "no answer");
		}
		r->status = 409;
		const char *why = diff.len ? arena_strdup(&r->arena, diff.p)
		                           : "Nothing in this section differs, but save again to be sure.";
		buf_free(&diff);
		section_form(r, c, school, name, in, s, &a, &e, x.revision, why);
		return;
	}
	if (e.n) {
		r->status = 422;
		section_form(r, c, school, name, in, s, &a, &e, x.revision, NULL);
		return;
	}
	if (!x.id) {
		db_exec(r, "INSERT INTO responses (cycle_id, school_id, started_by) VALUES (?, ?, ?)",
		        "III", c->id, school, r->user->id);
		x.id = db_last_id(r);
		event(r, x.id, "started", "");
	}
	save_section(r, x.id, in, s, &a, &saved);
	if (autosave) {
		/* A script saving as the leader types: no page, just the revision. */
		db_exec(r, "UPDATE responses SET revision = revision + 1, updated_at = unixepoch()"
		           " WHERE id = ?", "I", x.id);
		req_header(r, "X-Revision", arena_printf(&r->arena, "%lld", x.revision + 1));
		db_commit(r);
		r->status = 204;
		return;
	}
	int to = s;
	if (!strcmp(go, "next") && s + 1 < in->nsections)
		to = s + 1;
	else if (!strcmp(go, "back") && s > 0)
		to = s - 1;
	db_exec(r, "UPDATE responses SET revision = revision + 1, section = ?, updated_at = unixepoch()"
	           " WHERE id = ?", "tI", in->sections[to].id, x.id);
	event(r, x.id, "saved", in->sections[s].title);
	db_commit(r);
	const char *base = base_path(r, c->year, school);
	if (!strcmp(go, "review"))
		req_redirect(r, arena_printf(&r->arena, "%s/review", base));
	else if (!strcmp(go, "save"))
		req_redirect(r, arena_printf(&r->arena, "%s?section=%s&msg=saved", base, in->sections[s].id));
	else
		req_redirect(r, arena_printf(&r->arena, "%s?section=%s", base, in->sections[to].id));
}

/* ---- review and submit ------------------------------------------------------- */

void scan_review_page(struct req *r)
{
	struct cycle *c = cycle_of(r, r->ids[0]);
	long long school = r->ids[1];
	const char *name = led_school(r, school);
	const struct instrument *in = survey_get(r, c->instrument_id);
	struct response x = response_of(r, c->id, school);
	if (!x.id || strcmp(x.status, "in_progress") || strcmp(c->status, "open")) {
		req_redirect(r, base_path(r, c->year, school));
		return;
	}
	struct answers a = {0};
	survey_load_answers(r, x.id, &a);
	page_begin(r, arena_printf(&r->arena, "Review: %s — %d scan", name, c->year));
	int missing = survey_check(in, &a);
	if (missing >= 0) {
		/* Each question still to answer, by name, linked to its field. */
		html(r, "<div class=\"error-summary\" role=\"alert\" tabindex=\"-1\" id=\"errors\"><h2>Not yet complete</h2>"
		        "<p>Answer these before submitting:</p>\n<ul>\n");
		for (int i = 0; i < in->nq; i++) {
			const struct question *q = &in->q[i];
			const char *v = answers_get(&a, q->id);
			if (q->required && survey_visible(in, q, &a) && (!v || !*v))
				html(r, "<li><a href=\"%s?section=%s&amp;check=1#f-q_%s\">%s</a> <span class=\"muted\">(%s)</span></li>\n",
				     base_path(r, c->year, school), in->sections[q->section].id, q->id, q->label,
				     in->sections[q->section].title);
		}
		html(r, "</ul></div>\n");
	} else
		html(r, "<p>Check the answers below, then submit. After submitting, foundation staff can"
		        " reopen the response if something needs changing.</p>\n");
	survey_render_answers(r, in, &a, base_path(r, c->year, school));
	if (missing < 0) {
		form_begin(r, arena_printf(&r->arena, "%s/submit", base_path(r, c->year, school)));
		html(r, "<button type=\"submit\">Submit the %d scan for %s</button>\n", c->year, name);
		form_end(r);
	}
	page_end(r);
}

void scan_submit(struct req *r)
{
	struct cycle *c = cycle_of(r, r->ids[0]);
	long long school = r->ids[1];
	led_school(r, school);
	const struct instrument *in = survey_get(r, c->instrument_id);
	if (strcmp(c->status, "open"))
		req_fail(r, 409, "the scan is closed");
	db_begin(r);
	still_open(r, c);
	struct response x = response_of(r, c->id, school);
	if (!x.id || strcmp(x.status, "in_progress"))
		req_fail(r, 409, "nothing to submit");
	struct answers a = {0};
	survey_load_answers(r, x.id, &a);
	int missing = survey_check(in, &a);
	if (missing >= 0) {
		db_commit(r);
		req_redirect(r, arena_printf(&r->arena, "%s?section=%s&check=1", base_path(r, c->year, school),
		                             in->sections[missing].id));
		return;
	}
	db_exec(r, "UPDATE responses SET status = 'submitted', submitted_at = unixepoch(),"
	           " submitted_by = ?, revision = revision + 1, updated_at = unixepoch() WHERE id = ?",
	        "II", r->user->id, x.id);
	summary_store(r, x.id, in, &a);     /* its figures, in the same transaction */
	event(r, x.id, "submitted", "");
	season_receipt(r, x.id, in, &a);    /* and its receipt by mail */
	db_commit(r);
	req_redirect(r, "/scan?msg=submitted");
}

/* ---- start from another school's answers ------------------------------------ */

void scan_copy_submit(struct req *r)
{
	struct cycle *c = cycle_of(r, r->ids[0]);
	if (strcmp(c->status, "open"))
		req_fail(r, 409, "the scan is closed");
	long long from = atoll(req_form(r, "from") ? req_form(r, "from") : "0");
	long long to = atoll(req_form(r, "to") ? req_form(r, "to") : "0");
	if (!from || !to) {
		r->status = 422;
		page_begin(r, "Choose two schools");
		html(r, "<p>Choose the school to copy from and the school to copy into.</p>"
		        "<p><a href=\"/scan\">Back to your schools</a></p>\n");
		page_end(r);
		return;
	}
	led_school(r, from);
	led_school(r, to);
	db_begin(r);
	still_open(r, c);
	struct response src = response_of(r, c->id, from), dst = response_of(r, c->id, to);
	if (!src.id || dst.id)
		req_fail(r, 409, "copy needs a started school and one not started");
	/* Answers about a school may not become visible to more people by being
	 * copied to a school its nation shares more widely. */
	if (db_int(r, 0, "SELECT (SELECT CASE sharing WHEN 'private' THEN 0 WHEN 'foundation' THEN 1 ELSE 2 END"
	                 "   FROM schools WHERE id = ?) < (SELECT CASE sharing WHEN 'private' THEN 0"
	                 "   WHEN 'foundation' THEN 1 ELSE 2 END FROM schools WHERE id = ?)", "II", from, to)) {
		r->status = 422;
		page_begin(r, "Copy not possible");
		html(r, "<p>The school you chose to copy from shares its data with fewer people than the school"
		        " you chose to copy into, so its answers cannot be copied there. Answer that school directly,"
		        " or copy from another school.</p><p><a href=\"/scan\">Back to your schools</a></p>\n");
		page_end(r);
		return;
	}
	/* A draft, never submitted: answers about the school copied from
	 * (years there, who it serves, its story...) stay unanswered here. */
	const struct instrument *in = survey_get(r, c->instrument_id);
	db_exec(r, "INSERT INTO responses (cycle_id, school_id, started_by, section) VALUES (?, ?, ?, ?)",
	        "IIIt", c->id, to, r->user->id, in->sections[0].id);
	long long rid = db_last_id(r);
	struct answers a = {0};
	survey_load_answers(r, src.id, &a);
	struct buf copied = BUF_IN(&r->arena), left = BUF_IN(&r->arena);
	for (int i = 0; i < in->nq; i++) {
		const struct question *q = &in->q[i];
		const char *ok = arena_printf(&r->arena, "%s.other", q->id);
		const char *v = answers_get(&a, q->id), *o = answers_get(&a, ok);
		if (survey_school_specific(q)) {
			buf_printf(&left, "%s%s", left.len ? " " : "", q->id);
			continue;
		}
		if (!v)
			continue;
		db_exec(r, "INSERT INTO answers (response_id, question, value) VALUES (?, ?, ?)", "Itt", rid, q->id, v);
		if (o)
			db_exec(r, "INSERT INTO answers (response_id, question, value) VALUES (?, ?, ?)", "Itt", rid, ok, o);
		buf_printf(&copied, "%s%s", copied.len ? " " : "", q->id);
	}
	/* What was copied, for the page that follows and the history: the
	 * school copied from (by its id: the history names it at read time,
	 * as the policy then lets its reader see it), the questions copied,
	 * those left alone. */
	event(r, rid, "copied", arena_printf(&r->arena, "from school %lld;\ncopied: %s;\nleft alone: %s", from,
	                                     buf_str(&copied), buf_str(&left)));
	buf_free(&copied);
	buf_free(&left);
	db_commit(r);
	req_redirect(r, arena_printf(&r->arena, "%s?section=%s&msg=copied", base_path(r, c->year, to),
	                             in->sections[0].id));
}

/* ---- a leader's copy of the answers ------------------------------------------ */

/* /scan/{year}/schools/{id}/answers.csv: a school's answers in a cycle, as
 * its leader may read them (open or closed, draft or submitted): one row a
 * shown question, in the instrument's order. */
void scan_answers_csv(struct req *r)
{
	struct cycle *c = cycle_of(r, r->ids[0]);
	long long school = r->ids[1];
	const char *name = led_school(r, school);
	const struct instrument *in = survey_get(r, c->instrument_id);
	struct response x = response_of(r, c->id, school);
	struct answers a = {0};
	if (x.id)
		survey_load_answers(r, x.id, &a);
	static const char *const cols[] = { "year", "school", "status", "section", "question_id", "question", "answer", NULL };
	csv_start(r, arena_printf(&r->arena, "scan-%d-school-%lld.csv", c->year, school), cols);
	for (int s = 0; s < in->nsections; s++)
		for (int i = in->sections[s].first; i < in->sections[s].first + in->sections[s].count; i++) {
			const struct question *q = &in->q[i];
			if (!survey_visible(in, q, &a))
				continue;
			csv_field(&r->body, arena_printf(&r->arena, "%d", c->year), 1);
			csv_field(&r->body, name, 0);
			csv_field(&r->body, status_label(x.status), 0);
			csv_field(&r->body, in->sections[s].title, 0);
			csv_field(&r->body, q->id, 0);
			csv_field(&r->body, q->label, 0);
			csv_field(&r->body, survey_answer_text(r, in, q, &a), 0);
			csv_end(&r->body);
		}
}
