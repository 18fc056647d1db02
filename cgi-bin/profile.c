/* profile.c — /schools/{id}: a school's profile.  What a viewer sees
 * follows the visibility policy: in full (facts, the latest scan, scores
 * and the change since the previous scan), coarsely (who the school is,
 * where, how far it implements and whether it hosts visits), or nothing
 * (404, as for a school that does not exist). */
#include "cache.h"
#include "chart.h"
#include "cohorts.h"
#include "db.h"
#include "handlers.h"
#include "html.h"
#include "layout.h"
#include "map.h"
#include "policy.h"
#include "region.h"
#include "req.h"
#include "survey.h"
#include "usage.h"

#include <stdlib.h>
#include <string.h>

static const char *const dims[3] = { "cultural", "instructional", "career" };
static const char *const dim_labels[3] = { "Cultural relevance", "Instructional relevance", "Career relevance" };

struct scan_result {
	int year;
	const struct instrument *in;
	struct answers a;
	int score[3];
};

/* The school's latest submitted scans, newest first, into out[0..2) (at
 * most one a year): how many.  One statement for the two a profile shows. */
static int latest_scans(struct req *r, long long school, struct scan_result out[2])
{
	sqlite3_stmt *st = db_q(r,
	    "SELECT x.id, c.year, c.instrument_id FROM responses x JOIN scan_cycles c ON c.id = x.cycle_id"
	    " WHERE x.school_id = ? AND x.status = 'submitted' ORDER BY c.year DESC LIMIT 2", "I", school);
	long long rid[2], inst[2];
	int n = 0;
	while (n < 2 && db_step(r, st)) {
		rid[n] = db_col_int(st, 0);
		out[n].year = (int)db_col_int(st, 1);
		inst[n] = db_col_int(st, 2);
		n++;
	}
	sqlite3_reset(st);
	for (int i = 0; i < n; i++) {
		out[i].in = survey_get(r, inst[i]);
		out[i].a = (struct answers){0};
		survey_load_answers(r, rid[i], &out[i].a);
		for (int d = 0; d < 3; d++)
			out[i].score[d] = survey_score(out[i].in, &out[i].a, dims[d]);
	}
	return n;
}

static void answer_item(struct req *r, const struct scan_result *s, const char *qid, const char *label)
{
	const struct question *q = survey_question(s->in, qid);
	if (!q)
		return;
	const char *t = survey_answer_text(r, s->in, q, &s->a);
	html(r, "<dt>%s</dt><dd>%s</dd>\n", label ? label : q->label, *t ? t : "Not answered");
}

/* The Local Contexts Notices and Labels its nation attached: shown to
 * everyone who sees the school, as they travel with its data. */
static void profile_labels(struct req *r, long long id)
{
	const struct policy_label *l[64];
	int n = policy_labels_of(r, id, l, 64);
	if (!n)
		return;
	html(r, "<h2>Labels from the nation</h2>\n<p class=\"hint\">Local Contexts Notices and Labels: how the"
	        " nation asks that this school's data be used. They travel with every export.</p>\n"
	        "<dl class=\"labels\">\n");
	for (int i = 0; i < n; i++)
		html(r, "<dt><span class=\"label-code\">%s</span> %s</dt><dd>%s</dd>\n", l[i]->code, l[i]->name,
		     l[i]->meaning);
	html(r, "</dl>\n");
}

/* What a school's profile shows under its header (r->ids[0]), for a
 * viewer who sees it as v; the small map's uses of nations' schools are
 * counted in used (and such a part is not kept). */
struct profile_part {
	enum vis v;
	struct usage_tally *used;
};

static void profile_body(struct req *r, void *arg)
{
	const struct profile_part *pp = arg;
	long long id = r->ids[0];
	enum vis v = pp->v;
	sqlite3_stmt *st = db_q(r,
	    "SELECT s.name, s.city, s.state_code, s.type, s.grade_low, s.grade_high, s.enrollment, s.tz,"
	    "       coalesce(n.name, ''), s.sharing, s.lat, s.lon"
	    "  FROM schools s LEFT JOIN nations n ON n.id = s.nation_id WHERE s.id = ?", "I", id);
	if (!db_step(r, st))
		req_fail(r, 404, "no such school");
	const char *name = db_col_text(r, st, 0), *city = db_col_text(r, st, 1), *state = db_col_text(r, st, 2);
	const char *type = db_col_text(r, st, 3), *tz = db_col_text(r, st, 7), *nation = db_col_text(r, st, 8);
	const char *sharing = db_col_text(r, st, 9);
	int glo = (int)db_col_int(st, 4), ghi = (int)db_col_int(st, 5);
	long long enrollment = db_col_int(st, 6);
	int has_loc = !db_col_null(st, 10);
	double lat = sqlite3_column_double(st, 10), lon = sqlite3_column_double(st, 11);
	sqlite3_reset(st);
	html(r, "<dl class=\"facts\">\n<dt>Type</dt><dd>%s</dd>\n<dt>Place</dt><dd>%s, %s</dd>\n"
	        "<dt>Grades</dt><dd>%s to %s</dd>\n", region_label(region_school_types, type), city,
	     region_label(region_states, state), region_grade_label(glo), region_grade_label(ghi));
	if (*nation)
		html(r, "<dt>Nation</dt><dd>%s</dd>\n", nation);
	if (v == VIS_FULL) {
		html(r, "<dt>Students</dt><dd>%lld</dd>\n<dt>Time zone</dt><dd>%s</dd>\n", enrollment,
		     region_label(region_time_zones, tz));
		if (has_loc)
			html(r, "<dt>Location</dt><dd>%s</dd>\n", arena_printf(&r->arena, "%.3f, %.3f", lat, lon));
	}
	html(r, "</dl>\n");
	profile_labels(r, id);
	cohorts_profile(r, id, v);     /* cohorts, and the participation timeline (site visits included) */
	map_mini(r, id, pp->used);
	if (pp->used->n)
		r->uncacheable = 1;

	struct scan_result scan[2], *now = &scan[0], *before = &scan[1];
	int nscans = v == VIS_FULL ? latest_scans(r, id, scan) : 0;
	if (v == VIS_FULL && !nscans) {
		html(r, "<p>This school has not submitted a regional scan yet.</p>\n");
		return;
	}
	/* Scan answers are school data: only for those who see the school in full. */
	if (v != VIS_FULL) {
		html(r, "<p class=\"hint\">%s shares its scan answers only with %s.</p>\n", name,
		     !strcmp(sharing, "network") ? "foundation staff, its intermediaries and its own leaders"
		                                 : "its own leaders and its nation's data steward");
		return;
	}
	const char *stage = survey_answer_text(r, now->in, survey_question(now->in, "stage"), &now->a);
	html(r, "<h2>From the %d scan</h2>\n<dl class=\"facts\">\n<dt>Implementation</dt><dd>%s</dd>\n",
	     now->year, *stage ? stage : "Not answered");
	answer_item(r, now, "connect_host", "Hosts site visits");
	html(r, "</dl>\n");
	int have_before = nscans == 2;

	/* The three dimensions, with the change since the previous scan. */
	struct bar bars[3];
	for (int d = 0; d < 3; d++) {
		const char *note = NULL;
		if (have_before && before->score[d] >= 0 && now->score[d] >= 0)
			note = arena_printf(&r->arena, "(%s%d since %d)", now->score[d] >= before->score[d] ? "+" : "",
			                now->score[d] - before->score[d], before->year);
		bars[d] = (struct bar){ dim_labels[d], now->score[d] < 0 ? 0 : now->score[d], note, now->score[d] < 0 };
	}
	html(r, "<h3>The three dimensions of relevance</h3>\n");
	chart_bars(r, "dims", arena_printf(&r->arena, "Scores in the %d scan (0 to 100)", now->year), "Dimension", "Score",
	           bars, 3, 100, "");
	html(r, "<p class=\"hint\">How a score is made: half from the share of the dimension's practices the"
	        " school reports (an \"other\" practice counts as one), half from its leader's agreement that"
	        " learning is relevant in that way (Strongly disagree = 0 to Strongly agree = 1); times 100."
	        " The dimensions: cultural (who students are), instructional (how they learn), career (what"
	        " they aspire to do).</p>\n");
	if (have_before) {
		const char *was = survey_answer_text(r, before->in, survey_question(before->in, "stage"), &before->a);
		html(r, "<p>Change since the %d scan: implementation <strong>%s</strong> then, <strong>%s</strong> now.</p>\n",
		     before->year, *was ? was : "not answered", *stage ? stage : "not answered");
	}
	html(r, "<h3>Practices reported</h3>\n<dl class=\"answers\">\n");
	answer_item(r, now, "cultural_practices", NULL);
	answer_item(r, now, "instructional_practices", NULL);
	answer_item(r, now, "career_practices", NULL);
	html(r, "</dl>\n<h3>Supports and learning</h3>\n<dl class=\"answers\">\n");
	answer_item(r, now, "supports_needed", "Supports needed");
	answer_item(r, now, "support_top", "Matters most");
	answer_item(r, now, "pl_used", "Professional learning used");
	answer_item(r, now, "challenges", "Challenges");
	answer_item(r, now, "connect_visit", "Would visit another school");
	html(r, "</dl>\n");
}

/* The profile reads the school, its cohorts, timeline, small map and last
 * two scans: what it shows the reader is kept while nothing changes
 * (cache_part). */
void profile_page(struct req *r)
{
	long long id = r->ids[0];
	enum vis v = policy_school(r, id);
	if (v == VIS_HIDDEN)
		req_fail(r, 404, "school not visible");
	sqlite3_stmt *st = db_q(r, "SELECT name, coalesce(nation_id, 0) FROM schools WHERE id = ?", "I", id);
	if (!db_step(r, st))
		req_fail(r, 404, "no such school");
	const char *name = db_col_text(r, st, 0);
	long long nation_id = db_col_int(st, 1);
	sqlite3_reset(st);
	usage_record(r, nation_id, "school profile", 1, usage_precision(v));
	page_begin(r, name);
	struct usage_tally used = {0};
	struct profile_part pp = { v, &used };
	/* Kept under the reader's v too: it was decided before the part's key. */
	cache_part(r, v == VIS_FULL ? "profile|full" : "profile|coarse", profile_body, &pp);
	usage_flush(r, &used, "profile map");
	page_end(r);
}
