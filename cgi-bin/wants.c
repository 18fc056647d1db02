/* wants.c — /scans/{year}/wants and /scans/{year}/wants.csv: the leaders
 * and schools who told the scan they want something staff can act on — an
 * Inspire cohort, the regional convening, hosting or making a Connect site
 * visit — listed so staff can invite them, each list linked to where that
 * is done.
 *
 * Only submitted responses count (a draft is its leader's alone), and a
 * row reaches the viewer only through the visibility policy: a school the
 * viewer may not see in full is not listed, nor is its leader through it
 * (a leader of a private school and of a shared one appears through the
 * shared one only).  The host list also leaves out schools whose nation's
 * steward has not allowed them to be suggested as Connect hosts. */
#include "csv.h"
#include "db.h"
#include "handlers.h"
#include "html.h"
#include "layout.h"
#include "policy.h"
#include "req.h"
#include "survey.h"
#include "usage.h"

#include <stdlib.h>
#include <string.h>

struct wants_list {
	const char *key, *question, *title, *noun, *one;
	int by_leader;              /* a leader's answer for all their schools */
};

static const struct wants_list lists[] = {
	{ "cohort", "want_cohort", "Leaders who would take part in an Inspire cohort", "leaders", "leader", 1 },
	{ "convening", "want_convening", "Leaders who would attend the regional convening", "leaders", "leader", 1 },
	{ "host", "connect_host", "Schools that would host a Connect site visit", "schools", "school", 0 },
	{ "visit", "connect_visit", "Schools whose educators would visit another school", "schools", "school", 0 },
};
#define NLISTS (int)(sizeof lists / sizeof lists[0])

const char *wants_list_of(const char *question)
{
	for (int i = 0; question && i < NLISTS; i++)
		if (!strcmp(lists[i].question, question))
			return lists[i].key;
	return NULL;
}

/* The list asked for; NULL when none is (the index of lists). */
static const struct wants_list *list_asked(struct req *r)
{
	const char *k = req_query(r, "list");
	if (!k || !*k)
		return NULL;
	for (int i = 0; k && i < NLISTS; i++)
		if (!strcmp(lists[i].key, k))
			return &lists[i];
	req_fail(r, 404, "no such list");
	return NULL;
}

/* The answers asked for: "yes" (the default), "maybe", or "any" (both). */
static const char *answer_asked(struct req *r)
{
	const char *a = req_query(r, "answer");
	return a && (!strcmp(a, "maybe") || !strcmp(a, "any")) ? a : "yes";
}

/* The filter's choices beside its first, "Yes" (the default, sent empty). */
static const char *const answers[] = { "maybe", "Maybe", "any", "Yes or maybe", NULL };

/* One row: a school that gave the answer, and who submitted its response. */
struct want {
	long long school, nation, leader;
	const char *name, *state, *city, *leader_name, *email, *answer;
	int open_visits;            /* the school's Connect visits still to come */
};

/* The rows of list l for cycle year, answer a, that the viewer may see in
 * full, in the list's order (by leader, or by state and school); counted
 * for each nation's steward in used.  Returns how many. */
static int want_rows(struct req *r, long long cycle, const struct wants_list *l, const char *a,
                     struct want **out, struct usage_tally *used)
{
	sqlite3_stmt *st = db_q(r,
	    "SELECT s.id, s.name, s.state_code, s.city, coalesce(u.id, 0), coalesce(u.name, ''), coalesce(u.email, ''),"
	    "       v.value, (SELECT count(*) FROM opportunities o WHERE o.school_id = s.id"
	    "                 AND o.starts_at > unixepoch() AND o.status = 'open'),"
	    "       " POLICY_CONNECT_HOST_OK ", " POLICY_COLUMNS
	    "  FROM responses x JOIN schools s ON s.id = x.school_id"
	    "  JOIN answers v ON v.response_id = x.id AND v.question = ?3"
	    "  LEFT JOIN users u ON u.id = x.submitted_by"
	    " WHERE x.cycle_id = ?4 AND x.status = 'submitted'"
	    "   AND (v.value = ?5 OR (?5 = 'any' AND v.value IN ('yes', 'maybe')))"
	    " ORDER BY CASE WHEN ?6 THEN u.name ELSE s.state_code END, CASE WHEN ?6 THEN u.id END, s.name, s.id",
	    "IItIti", r->user->id, r->user->org_id, l->question, cycle, a, l->by_leader);
	int n = 0, cap = 16;
	struct want *w = arena_alloc(&r->arena, sizeof *w * (size_t)cap);
	while (db_step(r, st)) {
		if (policy_row(r, st, 10) != VIS_FULL)
			continue;
		if (!strcmp(l->key, "host") && !db_col_int(st, 9))
			continue;           /* its steward has not allowed it as a host */
		if (n == cap) {
			struct want *more = arena_alloc(&r->arena, sizeof *w * (size_t)cap * 2);
			memcpy(more, w, sizeof *w * (size_t)n);
			w = more;
			cap *= 2;
		}
		w[n] = (struct want){
			.school = db_col_int(st, 0), .name = db_col_text(r, st, 1), .state = db_col_text(r, st, 2),
			.city = db_col_text(r, st, 3), .leader = db_col_int(st, 4), .leader_name = db_col_text(r, st, 5),
			.email = db_col_text(r, st, 6), .answer = db_col_text(r, st, 7),
			.open_visits = (int)db_col_int(st, 8), .nation = db_col_int(st, 10),
		};
		usage_count_school(r, used, w[n].school, w[n].nation, VIS_FULL);
		n++;
	}
	*out = w;
	return n;
}

static const char *answer_label(const char *v)
{
	return !strcmp(v, "yes") ? "Yes" : !strcmp(v, "maybe") ? "Maybe" : v;
}

/* Where staff act on list l. */
static void act_links(struct req *r, const struct wants_list *l, int year)
{
	if (!strcmp(l->key, "cohort"))
		html(r, "<p><a class=\"button secondary\" href=\"/cohorts\">Inspire cohorts: invite these leaders</a></p>\n");
	else if (!strcmp(l->key, "convening") && db_int(r, 0, "SELECT 1 FROM convenings WHERE year = ?", "i", year))
		/* Where the invitation is sent from: the registrations page. */
		html(r, "<p><a class=\"button secondary\" href=\"/convening/%d/registrations#invite\">The %d convening:"
		        " invite these leaders</a></p>\n", year, year);
	else if (!strcmp(l->key, "convening"))
		html(r, "<p><a class=\"button secondary\" href=\"/convening\">Plan the %d convening, then invite these"
		        " leaders</a></p>\n", year);
	else
		html(r, "<p><a class=\"button secondary\" href=\"/connect\">Connect: site visits open now</a>"
		        " <a href=\"/connect/report\">How the network visits</a></p>\n");
}

/* /scans/{year}/wants: the four lists, with how many each holds. */
static void wants_index(struct req *r, int year, long long cycle)
{
	struct usage_tally used = {0};
	page_begin(r, arena_printf(&r->arena, "Who wants what — %d scan", year));
	html(r, "<p class=\"lead\">Leaders and schools who answered yes to the scan's Inspire and Connect"
	        " questions, to invite from. Only schools whose data you may see are listed.</p>\n<ul>\n");
	for (int i = 0; i < NLISTS; i++) {
		struct want *w;
		int n = want_rows(r, cycle, &lists[i], "yes", &w, &used), people = 0;
		for (int k = 0; k < n; k++)
			people += !lists[i].by_leader || k == 0 || w[k].leader != w[k - 1].leader;
		html(r, "<li><a href=\"/scans/%d/wants?list=%s\">%s</a> <span class=\"muted\">(%d %s)</span></li>\n",
		     year, lists[i].key, lists[i].title, people, people == 1 ? lists[i].one : lists[i].noun);
	}
	html(r, "</ul>\n<p><a href=\"/scans/%d/results#questions\">Every question's counts</a></p>\n", year);
	usage_flush(r, &used, "scan want lists");
	page_end(r);
}

void wants_page(struct req *r)
{
	int year = (int)r->ids[0];
	long long cycle = db_int(r, 0, "SELECT id FROM scan_cycles WHERE year = ? AND status <> 'draft'", "i", year);
	if (!cycle)
		req_fail(r, 404, "no such cycle");
	const struct wants_list *l = list_asked(r);
	if (!l) {
		wants_index(r, year, cycle);
		return;
	}
	const char *a = answer_asked(r);
	struct usage_tally used = {0};
	struct want *w;
	int n = want_rows(r, cycle, l, a, &w, &used);
	usage_flush(r, &used, "scan want list");
	page_begin(r, arena_printf(&r->arena, "%s — %d scan", l->title, year));
	const struct instrument *in = survey_get(r, db_int(r, 0, "SELECT instrument_id FROM scan_cycles WHERE id = ?",
	                                                   "I", cycle));
	const struct question *q = in ? survey_question(in, l->question) : NULL;
	html(r, "<p class=\"lead\">From the submitted answers to \u201c%s\u201d.</p>\n"
	        "<p class=\"hint\">Only schools whose data you may see are listed, and a leader appears only"
	        " through those schools.%s</p>\n", q ? q->label : l->question, !strcmp(l->key, "host")
	        ? " Schools whose nation's data steward has not allowed suggesting them as hosts are left out." : "");
	filter_begin(r, arena_printf(&r->arena, "/scans/%d/wants", year));
	html(r, "<input type=\"hidden\" name=\"list\" value=\"%s\">\n", l->key);
	filter_select(r, "answer", "Answer", "Yes", answers, a);
	filter_end(r);
	act_links(r, l, year);
	html(r, "<p class=\"exports\"><a href=\"/scans/%d/wants.csv?list=%s&amp;answer=%s\">Download this list"
	        " (CSV)</a> · <a href=\"/scans/%d/wants\">Every list</a> · <a href=\"/scans/%d/results#questions\">Every"
	        " question's counts</a></p>\n", year, l->key, a, year, year);
	/* A leader's rows come together (ordered so): one line per leader. */
	int people = 0;
	for (int i = 0; i < n; i++)
		people += !l->by_leader || i == 0 || w[i].leader != w[i - 1].leader;
	html(r, "<p><strong>%d</strong> %s.</p>\n", people, people == 1 ? l->one : l->noun);
	if (!n) {
		html(r, "<p>No one in this list yet.</p>\n");
		html(r, "<p><a href=\"/scans/%d/results\">Back to the results</a></p>\n", year);
		page_end(r);
		return;
	}
	table_begin(r, NULL, l->title);
	if (l->by_leader)
		html(r, "<thead><tr><th scope=\"col\">Leader</th><th scope=\"col\">Email</th>"
		        "<th scope=\"col\">Answer</th><th scope=\"col\">Their schools</th></tr></thead>\n<tbody>\n");
	else
		html(r, "<thead><tr><th scope=\"col\">School</th><th scope=\"col\">State</th><th scope=\"col\">Leader</th>"
		        "<th scope=\"col\">Email</th><th scope=\"col\">Answer</th><th scope=\"col\">Visits open</th>"
		        "</tr></thead>\n<tbody>\n");
	for (int i = 0; i < n; i++) {
		if (l->by_leader) {
			if (i && w[i].leader == w[i - 1].leader)
				continue;
			html(r, "<tr><th scope=\"row\">%s</th><td><a href=\"mailto:%s\">%s</a></td><td>%s</td><td>",
			     *w[i].leader_name ? w[i].leader_name : "(no one recorded)", w[i].email, w[i].email,
			     answer_label(w[i].answer));
			for (int j = i; j < n && w[j].leader == w[i].leader; j++)
				html(r, "%s<a href=\"/schools/%lld\">%s</a>", j > i ? "; " : "", w[j].school, w[j].name);
			html(r, "</td></tr>\n");
		} else {
			html(r, "<tr><th scope=\"row\"><a href=\"/schools/%lld\">%s</a> <span class=\"muted\">(%s)</span></th>"
			        "<td>%s</td><td>%s</td><td><a href=\"mailto:%s\">%s</a></td><td>%s</td><td class=\"num\">%d</td></tr>\n",
			     w[i].school, w[i].name, w[i].city, w[i].state, w[i].leader_name, w[i].email, w[i].email,
			     answer_label(w[i].answer), w[i].open_visits);
		}
	}
	html(r, "</tbody>\n");
	table_end(r);
	html(r, "<p><a href=\"/scans/%d/results\">Back to the results</a></p>\n", year);
	page_end(r);
}

void wants_csv(struct req *r)
{
	int year = (int)r->ids[0];
	long long cycle = db_int(r, 0, "SELECT id FROM scan_cycles WHERE year = ? AND status <> 'draft'", "i", year);
	if (!cycle)
		req_fail(r, 404, "no such cycle");
	const struct wants_list *l = list_asked(r);
	if (!l)
		req_fail(r, 404, "name a list");
	const char *a = answer_asked(r);
	struct usage_tally used = {0};
	struct want *w;
	int n = want_rows(r, cycle, l, a, &w, &used);
	usage_flush(r, &used, "scan want list (CSV)");
	const char *head[] = { "school_id", "school", "state", "city", "leader", "leader_email", "answer",
	                       "open_visits", "labels", NULL };
	csv_start(r, arena_printf(&r->arena, "ilnet-scan-%d-%s-%s.csv", year, l->key, a), head);
	struct buf *b = &r->body;
	for (int i = 0; i < n; i++) {
		const char *cols[] = { arena_printf(&r->arena, "%lld", w[i].school), w[i].name, w[i].state, w[i].city,
		                       w[i].leader_name, w[i].email, w[i].answer,
		                       arena_printf(&r->arena, "%d", w[i].open_visits), policy_labels(r, w[i].school) };
		for (int k = 0; k < 9; k++)
			csv_field(b, cols[k], k == 0);
		csv_end(b);
	}
}
