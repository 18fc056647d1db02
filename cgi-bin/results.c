/* results.c — what a scan found: /scans/{year}/results (the page),
 * /api/v1/scans/{year}/summary (the same figures as JSON),
 * /scans/{year}/responses.csv and /scans/{year}/codebook.csv.
 *
 * Figures are computed once (summarize) from the submitted responses of
 * the selection as policy_aggregate() counts them: schools the viewer may
 * not see count only in whole atoms (state, type, nation) of at least
 * POLICY_MIN_CELL such schools, so no figure, and no difference of
 * figures, singles one out; nothing needs suppressing after that.  The CSV,
 * one row per school, holds only the schools the viewer may see in full,
 * and says how many counted responses it leaves out. */
#include "auth.h"
#include "cache.h"
#include "chart.h"
#include "csv.h"
#include "db.h"
#include "handlers.h"
#include "html.h"
#include "layout.h"
#include "policy.h"
#include "region.h"
#include "req.h"
#include "summary.h"
#include "survey.h"
#include "usage.h"

#include <cjson/cJSON.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const *dims = summary_dimensions;
static const char *const dim_labels[3] = { "Cultural relevance", "Instructional relevance", "Career relevance" };

/* A school of the selection: its groups (the index of its state in
 * region_states and of its type in region_school_types, -1 for none; its
 * nation's id, 0 for none) and, when it submitted a response, the response,
 * who submitted it and its figures (when summarised is 0, decoded from its
 * answers once it counts). */
struct row {
	long long school, nation, id, leader;
	int state, type, summarised;
	struct summary_figures f;
};

struct count {
	const char *value, *label;
	int n;
};

struct group {
	long long id;               /* the index or nation id rows are matched by */
	const char *key, *label;
	int n, implementing;
	struct score_mean score[3]; /* exact: rounded only when shown */
};

/* Every question's answers counted over the counted responses: for a
 * choice, each option (and "Other"); for a scale, each point; for a number
 * or a text, only how many answered (texts are read in the responses
 * file, where the policy lets a viewer see the school). */
struct qcount {
	const struct question *q;
	int answered;               /* counted schools that answered it */
	int nopts;
	const char **values, **labels;
	int *n;                     /* per option: schools that chose it */
};

struct summary {
	int year;
	long long cycle;
	const struct instrument *in;
	const char *state, *type;
	long long nation;
	int schools, n, leaders, implementing;
	int leaders_implementing;   /* leaders implementing in at least one counted school */
	int unlisted;               /* counted responses the viewer may not see row by row */
	const char *usage;          /* "nation count ..." of the nations' schools counted */
	struct count *stages, *supports, *learning, *challenges;
	int nstages, nsupports, nlearning, nchallenges;
	struct score_mean score[3]; /* exact: rounded only when shown */
	struct group *by_state, *by_type, *by_nation;
	int nby_state, nby_type, nby_nation;
	struct qcount *qs;          /* one per question of the instrument */
	int chosen[SUMMARY_NCHOICES][SURVEY_MAX_OPTIONS];  /* counted schools choosing option k */
};

/* Counts of each option of choice question c (SUMMARY_STAGE...), most
 * chosen first (stable) when sort. */
static struct count *option_counts(struct req *r, const struct summary *s, int c, int *out_n, int sort)
{
	const struct question *q = survey_question(s->in, summary_choice_questions[c]);
	*out_n = q ? q->noptions : 0;
	struct count *cs = arena_zalloc(&r->arena, sizeof *cs * (size_t)(*out_n + 1));
	for (int k = 0; k < *out_n; k++) {
		cs[k].value = q->options[k].value;
		cs[k].label = q->options[k].label;
		cs[k].n = k < SURVEY_MAX_OPTIONS ? s->chosen[c][k] : 0;
	}
	for (int i = 1; sort && i < *out_n; i++)          /* insertion sort: few options */
		for (int j = i; j > 0 && cs[j].n > cs[j - 1].n; j--) {
			struct count t = cs[j];
			cs[j] = cs[j - 1];
			cs[j - 1] = t;
		}
	return cs;
}

/* Add a school's score to a mean (see score_mean_add: an overflow needs
 * sums far beyond any region, but is refused rather than shown wrong). */
static void scores_add(struct req *r, struct score_mean *m, struct score s)
{
	if (score_mean_add(m, s) < 0)
		req_fail(r, 500, "dimension scores overflow");
}

/* Groups over a whole domain (every state, type or nation, responding or
 * not, so that a row's presence says nothing); none counted yet. */
static struct group *group_by(struct req *r, int which, int *out_n)
{
	const char *const *keys = which == 0 ? region_states : which == 1 ? region_school_types
	    : form_options(r, db_q(r, "SELECT id, name FROM nations ORDER BY name", ""), NULL);
	int k = 0;
	while (keys[2 * k])
		k++;
	struct group *g = arena_zalloc(&r->arena, sizeof *g * (size_t)(k + 1));
	for (int j = 0; j < k; j++) {
		g[j].id = which == 2 ? atoll(keys[2 * j]) : j;
		g[j].key = which == 2 ? keys[2 * j + 1] : keys[2 * j];
		g[j].label = which == 2 ? g[j].key : keys[2 * j + 1];
	}
	*out_n = k;
	return g;
}

/* Count n responses of group id (implementing of them) in g[0..k), and
 * their scores' means when score. */
static void group_add(struct req *r, struct group *g, int k, long long id, int n, int implementing,
                      const struct score_mean *score)
{
	int j = 0;
	while (j < k && g[j].id != id)
		j++;
	if (j == k)
		return;
	g[j].n += n;
	g[j].implementing += implementing;
	for (int d = 0; score && d < 3; d++)
		if (score_mean_merge(&g[j].score[d], &score[d]) < 0)
			req_fail(r, 500, "dimension scores overflow");
}

/* The class policy_aggregate() tells a school apart by in scan figures:
 * its response's status in the cycle.  The rates on /scans use the same
 * classes, so both pages count the same schools. */
int results_class(const char *status)
{
	return !status ? 0 : !strcmp(status, "submitted") ? 2 : !strcmp(status, "in_progress") ? 1 : 0;
}

/* A copy of the n elements of size at p, in an arena array of cap. */
static void *grown(struct req *r, const void *p, int n, int cap, size_t size)
{
	void *q = arena_alloc(&r->arena, size * (size_t)cap);
	memcpy(q, p, size * (size_t)n);
	return q;
}

/* The counts of every question (struct qcount) over the counted responses
 * ids[0..n), sorted: one walk over the cycle's submitted answers. */
static int id_cmp(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;
	return (x > y) - (x < y);
}

static void questions_begin(struct req *r, struct summary *s)
{
	const struct instrument *in = s->in;
	s->qs = arena_zalloc(&r->arena, sizeof *s->qs * (size_t)(in->nq + 1));
	for (int i = 0; i < in->nq; i++) {
		struct qcount *c = &s->qs[i];
		const struct question *q = c->q = &in->q[i];
		const struct question *src = q->options_from ? survey_question(in, q->options_from) : q;
		int k = q->type == Q_SCALE ? q->nscale : q->type == Q_SINGLE || q->type == Q_MULTI
		        ? src->noptions + (q->other ? 1 : 0) : 0;
		c->values = arena_zalloc(&r->arena, sizeof *c->values * (size_t)(k + 1));
		c->labels = arena_zalloc(&r->arena, sizeof *c->labels * (size_t)(k + 1));
		c->n = arena_zalloc(&r->arena, sizeof *c->n * (size_t)(k + 1));
		for (int j = 0; j < k; j++) {
			if (q->type == Q_SCALE) {
				c->values[j] = arena_printf(&r->arena, "%d", j + 1);
				c->labels[j] = q->scale[j];
			} else if (j < src->noptions) {
				c->values[j] = src->options[j].value;
				c->labels[j] = src->options[j].label;
			} else {
				c->values[j] = SURVEY_OTHER;
				c->labels[j] = "Other";
			}
		}
		c->nopts = k;
	}
}

/* Count n counted responses answering question qid with v. */
static void question_add(struct summary *s, const char *qid, const char *v, int n)
{
	const struct instrument *in = s->in;
	int i = 0;
	while (i < in->nq && strcmp(in->q[i].id, qid))
		i++;
	if (i == in->nq || !v || !*v)
		return;                 /* an "other" text, a marker, or a question of no instrument */
	struct qcount *c = &s->qs[i];
	c->answered += n;
	for (const char *p = v; p;) {
		const char *end = strchr(p, '\n');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		for (int j = 0; j < c->nopts; j++)
			if (strlen(c->values[j]) == len && !strncmp(c->values[j], p, len)) {
				c->n[j] += n;
				break;
			}
		p = end ? end + 1 : NULL;
	}
}

static void question_counts(struct req *r, struct summary *s, const struct row *rows, int n)
{
	questions_begin(r, s);
	long long *ids = arena_alloc(&r->arena, sizeof *ids * (size_t)(n + 1));
	for (int i = 0; i < n; i++)
		ids[i] = rows[i].id;
	qsort(ids, (size_t)n, sizeof *ids, id_cmp);
	sqlite3_stmt *st = db_q(r,
	    "SELECT a.response_id, a.question, a.value FROM answers a JOIN responses x ON x.id = a.response_id"
	    " WHERE x.cycle_id = ? AND x.status = 'submitted' ORDER BY a.response_id", "I", s->cycle);
	while (db_step(r, st)) {
		long long id = db_col_int(st, 0);
		if (!n || !bsearch(&id, ids, (size_t)n, sizeof *ids, id_cmp))
			continue;           /* not counted for this viewer */
		question_add(s, db_col_view(st, 1), db_col_view(st, 2), 1);
	}
}

/* The schools of a selection and their responses, as this viewer may count
 * them (policy_aggregate), with each counted response's figures.  Returns
 * the submitted responses counted; *schools is how many schools count,
 * *unlisted how many of the counted responses come from schools the viewer
 * may not see.
 *
 * Schools and the cycle's responses are read in two plain walks in school
 * order and matched here: looking each school's response up in turn took
 * longer than everything else together at 100,000 schools. */
static struct row *load_rows(struct req *r, struct summary *s, int *out_n, int *schools, int *unlisted,
                             const char **usage)
{
	/* Both walks in one snapshot: a save in between must not make the
	 * figures count a school one way and its response another. */
	int began = db_read_begin(r);
	/* Sized for every school; grown should one be added meanwhile. */
	int n = 0, cap = (int)db_int(r, 0, "SELECT count(*) FROM schools", "") + 1;
	struct policy_member *m = arena_alloc(&r->arena, sizeof *m * (size_t)cap);
	struct row *x = arena_alloc(&r->arena, sizeof *x * (size_t)cap);
	/* Staff and admins (the readers of results) see a school by its
	 * sharing level alone (policy_decide): their ties to schools need not
	 * be looked up, nor an atom made for a school they see in full.  The
	 * same columns, so the same decisions (a unit test holds this). */
	sqlite3_stmt *st = db_q(r, policy_staff_view(r->user)
	    ? "SELECT s.id, s.state_code, s.type, coalesce(s.nation_id, 0), " POLICY_STAFF_MEMBER_COLUMNS
	      "  FROM schools s"
	      " WHERE (?3 IS NULL OR s.state_code = ?3) AND (?4 IS NULL OR s.type = ?4) AND (?5 = 0 OR s.nation_id = ?5)"
	      " ORDER BY s.id"
	    : "SELECT s.id, s.state_code, s.type, coalesce(s.nation_id, 0), " POLICY_MEMBER_COLUMNS
	      "  FROM schools s"
	      " WHERE (?3 IS NULL OR s.state_code = ?3) AND (?4 IS NULL OR s.type = ?4) AND (?5 = 0 OR s.nation_id = ?5)"
	      " ORDER BY s.id", "IIttI", r->user->id, r->user->org_id, s->state, s->type, s->nation);
	while (db_step(r, st)) {
		struct policy_member one;
		if (!policy_member_read(r, st, 4, &one))
			continue;           /* its nation's steward keeps it out of aggregates */
		if (n == cap) {
			cap *= 2;
			m = grown(r, m, n, cap, sizeof *m);
			x = grown(r, x, n, cap, sizeof *x);
		}
		m[n] = one;
		m[n].cls = 0;
		struct row *w = &x[n++];
		memset(w, 0, sizeof *w);
		w->school = db_col_int(st, 0);
		w->state = region_index(region_states, db_col_view(st, 1));
		w->type = region_index(region_school_types, db_col_view(st, 2));
		w->nation = db_col_int(st, 3);
	}
	/* Each school's response: its class, and when submitted, who
	 * submitted it. */
	int at = 0;
	st = db_q(r, "SELECT x.school_id, x.status, x.id, coalesce(x.submitted_by, 0) FROM responses x"
	             " WHERE x.cycle_id = ? ORDER BY x.school_id", "I", s->cycle);
	while (db_step(r, st)) {
		long long school = db_col_int(st, 0);
		while (at < n && x[at].school < school)
			at++;
		if (at == n || x[at].school != school)
			continue;           /* not in the selection */
		m[at].cls = results_class(db_col_view(st, 1));
		if (m[at].cls != 2)
			continue;
		x[at].id = db_col_int(st, 2);
		x[at].leader = db_col_int(st, 3);
	}
	/* The submitted responses' figures, walked beside them in the same
	 * order (response_summary_cycle holds every column): a response
	 * without a summary is decoded below when it counts. */
	at = 0;
	st = db_q(r, "SELECT rs.school_id, rs.response_id, rs.implementing, rs.stage, rs.supports, rs.learning,"
	             "       rs.challenges, coalesce(rs.cultural_num, 0), coalesce(rs.cultural_den, 0),"
	             "       coalesce(rs.instructional_num, 0), coalesce(rs.instructional_den, 0),"
	             "       coalesce(rs.career_num, 0), coalesce(rs.career_den, 0)"
	             "  FROM response_summary rs WHERE rs.cycle_id = ? ORDER BY rs.school_id", "I", s->cycle);
	while (db_step(r, st)) {
		long long school = db_col_int(st, 0);
		while (at < n && x[at].school < school)
			at++;
		if (at == n || x[at].school != school || m[at].cls != 2 || x[at].id != db_col_int(st, 1))
			continue;           /* not in the selection, or not its response */
		struct row *w = &x[at];
		w->summarised = 1;
		w->f.implementing = (int)db_col_int(st, 2);
		for (int c = 0; c < SUMMARY_NCHOICES; c++)
			w->f.chosen[c] = db_col_int(st, 3 + c);
		for (int d = 0; d < 3; d++)
			w->f.score[d] = (struct score){ db_col_int(st, 7 + 2 * d), db_col_int(st, 8 + 2 * d) };
	}
	policy_aggregate(m, n);
	int k = 0;
	*schools = *unlisted = 0;
	struct usage_tally t = {0};
	for (int i = 0; i < n; i++) {
		if (!m[i].keep)
			continue;
		usage_count(&t, x[i].nation, VIS_HIDDEN);
		++*schools;
		if (m[i].cls != 2)
			continue;
		*unlisted += m[i].hidden;
		struct row *w = &x[k++];
		*w = x[i];              /* k - 1 <= i */
		if (!w->summarised)
			summary_decode(r, w->id, s->in, &w->f);
	}
	question_counts(r, s, x, k);
	db_read_end(r, began);
	*out_n = k;
	*usage = usage_tally_text(r, &t);
	return x;
}

/* Record, for each nation's steward, how many of its schools figures
 * counted (kept with the figures, so a cached page is logged too). */
static void record_usage(struct req *r, const char *usage, const char *what)
{
	struct usage_tally t = {0};
	usage_tally_parse(&t, usage);
	usage_flush(r, &t, what);
}

/* The cycle of year and the selection asked for (state, type, nation):
 * cheap, no figures yet. */
static struct summary *selection(struct req *r, long long year)
{
	struct summary *s = arena_zalloc(&r->arena, sizeof *s);
	sqlite3_stmt *st = db_q(r, "SELECT id, instrument_id FROM scan_cycles WHERE year = ? AND status <> 'draft'",
	                        "I", year);
	if (!db_step(r, st))
		req_fail(r, 404, "no such cycle");
	s->year = (int)year;
	s->cycle = db_col_int(st, 0);
	s->in = survey_get(r, db_col_int(st, 1));
	sqlite3_reset(st);
	s->state = req_query(r, "state");
	s->type = req_query(r, "type");
	const char *nat = req_query(r, "nation");
	s->nation = nat ? atoll(nat) : 0;
	if (s->state && !region_valid(region_states, s->state)) s->state = NULL;
	if (s->type && !region_valid(region_school_types, s->type)) s->type = NULL;
	return s;
}

/* The key figures of a selection are cached under: the same for every
 * reader of the same role (the policy decides by role for the staff who
 * read results). */
static const char *figures_key(struct req *r, const char *what, const struct summary *s)
{
	return arena_printf(&r->arena, "%s|%d|%s|%s|%lld|%d", what, s->year, s->state ? s->state : "",
	                    s->type ? s->type : "", s->nation, (int)r->user->role);
}

static int by_leader(const void *a, const void *b)
{
	long long x = ((const struct results_leader *)a)->id, y = ((const struct results_leader *)b)->id;
	return x < y ? -1 : x > y;
}

void results_leaders(struct results_leader *l, int n, int *leaders, int *implementing)
{
	qsort(l, (size_t)n, sizeof *l, by_leader);
	*leaders = *implementing = 0;
	for (int i = 0, j; i < n; i = j) {
		int any = 0;
		for (j = i; j < n && l[j].id == l[i].id; j++)
			any |= l[j].implementing;
		if (l[i].id) {
			++*leaders;
			*implementing += any;
		}
	}
}

/* ---- the figures kept on write --------------------------------------------

 * The figures migration (db/figures_sql.py) keeps a cycle's figures
 * added up per group of schools: a state, a type and a nation (an atom)
 * and whether staff see its schools in full.  For staff and admins, who
 * see a school by its sharing level alone, policy_aggregate's rule needs
 * nothing finer: a group they see always counts, a hidden one counts when
 * its atom's counts pass policy_atom_counts.  So the figures are a few
 * hundred rows added up, where load_rows walks every school and response. */

struct kept {
	const char *state, *type;
	long long nation;
	int shown, keep;
};

/* The selection over the columns of a figure_* table (bind ?2 state, ?3
 * type, ?4 nation). */
#define SELECTED(p) " (?2 IS NULL OR " p "state_code = ?2) AND (?3 IS NULL OR " p "type = ?3)" \
	" AND (?4 = 0 OR " p "nation_id = ?4)"
#define GROUP_ORDER " ORDER BY state_code, type, nation_id, shown"

/* Group k against the group of a row whose key is at columns col.. (the
 * order of GROUP_ORDER). */
static int kept_cmp(const struct kept *k, sqlite3_stmt *st, int col)
{
	int c = strcmp(k->state, db_col_view(st, col));
	if (!c)
		c = strcmp(k->type, db_col_view(st, col + 1));
	if (!c) {
		long long n = db_col_int(st, col + 2);
		c = (k->nation > n) - (k->nation < n);
	}
	if (!c) {
		long long v = db_col_int(st, col + 3);
		c = (k->shown > v) - (k->shown < v);
	}
	return c;
}

/* The group of a row (key at column 0), when it counts: rows come in
 * GROUP_ORDER, as g[0..n) does, so *at only moves on. */
static const struct kept *kept_find(const struct kept *g, int n, int *at, sqlite3_stmt *st)
{
	while (*at < n && kept_cmp(&g[*at], st, 0) < 0)
		++*at;
	return *at < n && !kept_cmp(&g[*at], st, 0) && g[*at].keep ? &g[*at] : NULL;
}

/* Add a score mean of dimension d to the selection's and to its group's
 * by state, type and nation. */
static void kept_score(struct req *r, struct summary *s, const struct kept *k, int d, const struct score_mean *x)
{
	struct score_mean sc[3] = {{0}};
	sc[d] = *x;
	if (score_mean_merge(&s->score[d], x) < 0)
		req_fail(r, 500, "dimension scores overflow");
	group_add(r, s->by_state, s->nby_state, region_index(region_states, k->state), 0, 0, sc);
	group_add(r, s->by_type, s->nby_type, region_index(region_school_types, k->type), 0, 0, sc);
	group_add(r, s->by_nation, s->nby_nation, k->nation, 0, 0, sc);
}

/* Every figure of the selection from the kept sums.  0, having counted
 * nothing, when the viewer is not staff or an admin, or when a submitted
 * response of the selection has no summary yet (summary_fill stores it
 * at the next start): then the schools are walked.  ILNET_FIGURES_WALK
 * in the environment walks always (to compare the two). */
static int figures_kept(struct req *r, struct summary *s)
{
	if (!policy_staff_view(r->user) || getenv("ILNET_FIGURES_WALK"))
		return 0;
	int began = db_read_begin(r);
	int n = 0, cap = (int)db_int(r, 0, "SELECT count(*) FROM figure_schools", "") + 1;
	struct kept *g = arena_alloc(&r->arena, sizeof *g * (size_t)cap);
	int (*cnt)[4] = arena_alloc(&r->arena, sizeof *cnt * (size_t)cap);   /* schools, in progress, submitted, implementing */
	sqlite3_stmt *st = db_q(r,
	    "SELECT f.state_code, f.type, f.nation_id, f.shown, f.schools, coalesce(c.in_progress, 0),"
	    "       coalesce(c.submitted, 0), coalesce(c.summarised, 0), coalesce(c.implementing, 0)"
	    "  FROM figure_schools f LEFT JOIN figure_cycles c ON c.cycle_id = ?1 AND c.state_code = f.state_code"
	    "   AND c.type = f.type AND c.nation_id = f.nation_id AND c.shown = f.shown"
	    " WHERE f.schools > 0 AND" SELECTED("f.") " ORDER BY f.state_code, f.type, f.nation_id, f.shown",
	    "IttI", s->cycle, s->state, s->type, s->nation);
	while (n < cap && db_step(r, st)) {
		if (db_col_int(st, 7) != db_col_int(st, 6)) {
			sqlite3_reset(st);
			db_read_end(r, began);
			return 0;           /* a response not summarised yet */
		}
		g[n] = (struct kept){ db_col_text(r, st, 0), db_col_text(r, st, 1), db_col_int(st, 2),
		                      (int)db_col_int(st, 3), 0 };
		for (int k = 0; k < 4; k++)
			cnt[n][k] = (int)db_col_int(st, k == 3 ? 8 : 4 + k);
		int per[POLICY_CLASSES] = { cnt[n][0] - cnt[n][1] - cnt[n][2], cnt[n][1], cnt[n][2], 0 };
		g[n].keep = g[n].shown || policy_atom_counts(cnt[n][0], per);
		n++;
	}
	sqlite3_reset(st);
	s->by_state = group_by(r, 0, &s->nby_state);
	s->by_type = group_by(r, 1, &s->nby_type);
	s->by_nation = group_by(r, 2, &s->nby_nation);
	struct usage_tally t = {0};
	for (int i = 0; i < n; i++) {
		if (!g[i].keep)
			continue;
		s->schools += cnt[i][0];
		s->n += cnt[i][2];
		s->unlisted += g[i].shown ? 0 : cnt[i][2];
		s->implementing += cnt[i][3];
		usage_count_many(&t, g[i].nation, VIS_HIDDEN, cnt[i][0]);
		group_add(r, s->by_state, s->nby_state, region_index(region_states, g[i].state), cnt[i][2], cnt[i][3], NULL);
		group_add(r, s->by_type, s->nby_type, region_index(region_school_types, g[i].type), cnt[i][2], cnt[i][3],
		          NULL);
		group_add(r, s->by_nation, s->nby_nation, g[i].nation, cnt[i][2], cnt[i][3], NULL);
	}
	s->usage = usage_tally_text(r, &t);
	int at = 0;
	st = db_q(r, "SELECT state_code, type, nation_id, shown, choice, bit, n FROM figure_choices"
	             " WHERE cycle_id = ?1 AND n > 0 AND" SELECTED("") GROUP_ORDER,
	          "IttI", s->cycle, s->state, s->type, s->nation);
	while (db_step(r, st)) {
		long long c = db_col_int(st, 4), k = db_col_int(st, 5);
		if (kept_find(g, n, &at, st) && c >= 0 && c < SUMMARY_NCHOICES && k >= 0 && k < SURVEY_MAX_OPTIONS)
			s->chosen[c][k] += (int)db_col_int(st, 6);
	}
	at = 0;
	st = db_q(r, "SELECT state_code, type, nation_id, shown, dim, den, num, n FROM figure_scores"
	             " WHERE cycle_id = ?1 AND n > 0 AND" SELECTED("") GROUP_ORDER,
	          "IttI", s->cycle, s->state, s->type, s->nation);
	while (db_step(r, st)) {
		const struct kept *k = kept_find(g, n, &at, st);
		long long d = db_col_int(st, 4);
		struct score_mean x = { db_col_int(st, 6), db_col_int(st, 5), (int)db_col_int(st, 7) };
		if (k && d >= 0 && d < 3)
			kept_score(r, s, k, (int)d, &x);
	}
	/* Leaders: one entry per leader and group, implementing when any of
	 * its responses does (results_leaders counts each leader once). */
	int nl = 0, lcap = 64;
	struct results_leader *lead = arena_alloc(&r->arena, sizeof *lead * (size_t)lcap);
	at = 0;
	st = db_q(r, "SELECT state_code, type, nation_id, shown, leader, implementing FROM figure_leaders"
	             " WHERE cycle_id = ?1 AND responses > 0 AND" SELECTED("") GROUP_ORDER,
	          "IttI", s->cycle, s->state, s->type, s->nation);
	while (db_step(r, st)) {
		if (!kept_find(g, n, &at, st))
			continue;
		if (nl == lcap) {
			lcap *= 2;
			lead = grown(r, lead, nl, lcap, sizeof *lead);
		}
		lead[nl++] = (struct results_leader){ db_col_int(st, 4), db_col_int(st, 5) > 0 };
	}
	results_leaders(lead, nl, &s->leaders, &s->leaders_implementing);
	questions_begin(r, s);
	at = 0;
	st = db_q(r, "SELECT state_code, type, nation_id, shown, question, value, n FROM figure_answers"
	             " WHERE cycle_id = ?1 AND n > 0 AND" SELECTED("") GROUP_ORDER,
	          "IttI", s->cycle, s->state, s->type, s->nation);
	while (db_step(r, st))
		if (kept_find(g, n, &at, st))
			question_add(s, db_col_view(st, 4), db_col_view(st, 5), (int)db_col_int(st, 6));
	db_read_end(r, began);
	return 1;
}

/* Every figure of the selection: from the kept sums, else by walking
 * every school and response (load_rows). */
static void summarize(struct req *r, struct summary *s)
{
	if (!figures_kept(r, s)) {
		int n = 0;
		struct row *rows = load_rows(r, s, &n, &s->schools, &s->unlisted, &s->usage);
		s->n = n;
		struct results_leader *lead = arena_alloc(&r->arena, sizeof *lead * (size_t)(n + 1));
		for (int i = 0; i < n; i++)
			lead[i] = (struct results_leader){ rows[i].leader, rows[i].f.implementing };
		results_leaders(lead, n, &s->leaders, &s->leaders_implementing);
		s->by_state = group_by(r, 0, &s->nby_state);
		s->by_type = group_by(r, 1, &s->nby_type);
		s->by_nation = group_by(r, 2, &s->nby_nation);
		for (int i = 0; i < n; i++) {
			const struct row *w = &rows[i];
			struct score_mean sc[3] = {{0}};
			s->implementing += w->f.implementing;
			for (int d = 0; d < 3; d++) {
				scores_add(r, &s->score[d], w->f.score[d]);
				scores_add(r, &sc[d], w->f.score[d]);
			}
			for (int c = 0; c < SUMMARY_NCHOICES; c++)
				for (long long bits = w->f.chosen[c]; bits; bits &= bits - 1)
					s->chosen[c][__builtin_ctzll((unsigned long long)bits)]++;
			group_add(r, s->by_state, s->nby_state, w->state, 1, w->f.implementing, sc);
			group_add(r, s->by_type, s->nby_type, w->type, 1, w->f.implementing, sc);
			group_add(r, s->by_nation, s->nby_nation, w->nation, 1, w->f.implementing, sc);
		}
	}
	s->stages = option_counts(r, s, SUMMARY_STAGE, &s->nstages, 0);
	s->supports = option_counts(r, s, SUMMARY_SUPPORTS, &s->nsupports, 1);
	s->learning = option_counts(r, s, SUMMARY_LEARNING, &s->nlearning, 1);
	s->challenges = option_counts(r, s, SUMMARY_CHALLENGES, &s->nchallenges, 1);
}

static double pct(int part, int whole)
{
	return whole ? 100.0 * part / whole : 0;
}

/* ---- the page ------------------------------------------------------------- */

static void counts_chart(struct req *r, const char *id, const char *caption, const struct count *c, int n, int total)
{
	struct bar *bars = arena_zalloc(&r->arena, sizeof *bars * (size_t)(n + 1));
	for (int i = 0; i < n; i++) {
		bars[i].label = c[i].label;
		bars[i].value = pct(c[i].n, total);
		bars[i].note = arena_printf(&r->arena, "(%d of %d)", c[i].n, total);
	}
	chart_bars(r, id, caption, "Answer", "Share of schools", bars, n, 100, "%");
}

static void group_table(struct req *r, const char *caption, const struct group *g, int n)
{
	table_begin(r, NULL, caption);
	html(r, "<thead><tr><th scope=\"col\">Group</th><th scope=\"col\">Schools"
	        " responding</th><th scope=\"col\">Implementing</th>");
	for (int d = 0; d < 3; d++)
		html(r, "<th scope=\"col\">%s</th>", dim_labels[d]);
	html(r, "</tr></thead>\n<tbody>\n");
	for (int i = 0; i < n; i++) {
		if (!g[i].n) {
			html(r, "<tr><th scope=\"row\">%s</th><td class=\"num\">0</td><td colspan=\"4\">No responses"
			        " counted</td></tr>\n", g[i].label);
			continue;
		}
		html(r, "<tr><th scope=\"row\">%s</th><td class=\"num\">%d</td><td class=\"num\">%d%%</td>",
		     g[i].label, g[i].n, (int)(pct(g[i].implementing, g[i].n) + 0.5));
		for (int d = 0; d < 3; d++)
			if (g[i].score[d].n)
				html(r, "<td class=\"num\">%d</td>", score_mean_rounded(&g[i].score[d]));
			else
				html(r, "<td class=\"num\">—</td>");
		html(r, "</tr>\n");
	}
	if (!n)
		html(r, "<tr><td colspan=\"6\">No responses in this selection.</td></tr>\n");
	html(r, "</tbody>\n");
	table_end(r);
}

static const char *selection_query(struct req *r, const struct summary *s);

/* Every question the scan asks, section by section, counted as the
 * figures above are; the questions staff act on link to their lists. */
static void every_question(struct req *r, const struct summary *s)
{
	const char *q = selection_query(r, s);
	html(r, "<h2 id=\"questions\">Every question, as answered</h2>\n"
	        "<p class=\"hint\">The same schools as every figure above, protected the same way. Shares are"
	        " of the schools that answered each question; where several answers could be chosen they add"
	        " up to more than 100%%. Questions a leader answers once for all their schools (marked"
	        " \u201cfor all their schools\u201d) count once for each school. Written answers are read in the"
	        " responses file. <a href=\"/scans/%d/questions.csv?%s\">Download these counts (CSV)</a>.</p>\n",
	     s->year, q);
	const struct instrument *in = s->in;
	for (int sec = 0; sec < in->nsections; sec++) {
		html(r, "<h3>%s</h3>\n", in->sections[sec].title);
		for (int i = in->sections[sec].first; i < in->sections[sec].first + in->sections[sec].count; i++) {
			const struct qcount *c = &s->qs[i];
			const char *list = wants_list_of(c->q->id);
			const char *who = c->q->shared ? " (for all their schools)" : "";
			if (!c->nopts) {
				html(r, "<p><strong>%s</strong>%s: answered for %d of %d schools.</p>\n", c->q->label, who,
				     c->answered, s->n);
				continue;
			}
			table_begin(r, NULL, arena_printf(&r->arena, "%s%s \u2014 answered for %d of %d schools",
			                                  c->q->label, who, c->answered, s->n));
			html(r, "<thead><tr><th scope=\"col\">Answer</th><th scope=\"col\">Schools</th>"
			        "<th scope=\"col\">Share</th></tr></thead>\n<tbody>\n");
			for (int j = 0; j < c->nopts; j++)
				html(r, "<tr><th scope=\"row\">%s</th><td class=\"num\">%d</td><td class=\"num\">%d%%</td></tr>\n",
				     c->labels[j], c->n[j], (int)(pct(c->n[j], c->answered) + 0.5));
			html(r, "</tbody>\n");
			table_end(r);
			if (list)
				html(r, "<p><a href=\"/scans/%d/wants?list=%s\">Who said yes or maybe<span"
				        " class=\"visually-hidden\">: %s</span></a></p>\n", s->year, list, c->q->label);
		}
	}
}

static const char *selection_query(struct req *r, const struct summary *s)
{
	return arena_printf(&r->arena, "state=%s&type=%s&nation=%lld", url_enc(r, s->state ? s->state : ""),
	                    url_enc(r, s->type ? s->type : ""), s->nation);
}

/* The page's content, from the filters to the last table: the same for
 * every reader of a role, so it is cached (page_begin and page_end, which
 * carry the reader's own name and tokens, are not). */
static void results_body(struct req *r, struct summary *s)
{
	filter_begin(r, arena_printf(&r->arena, "/scans/%d/results", s->year));
	filter_select(r, "state", "State", "All states", region_states, s->state);
	filter_select(r, "type", "School type", "All types", region_school_types, s->type);
	const char **nations = form_options(r, db_q(r, "SELECT id, name FROM nations ORDER BY name", ""), NULL);
	filter_select(r, "nation", "Nation", "All schools", nations,
	              s->nation ? arena_printf(&r->arena, "%lld", s->nation) : NULL);
	filter_end(r);
	const char *q = selection_query(r, s);
	html(r, "<p class=\"exports\">Share this view by its address. Download: "
	        "<a href=\"/scans/%d/responses.csv?%s\">responses (CSV)</a>, "
	        "<a href=\"/scans/%d/codebook.csv\">codebook (CSV)</a>, "
	        "<a href=\"/api/v1/scans/%d/summary?%s\">these figures (JSON)</a>.</p>\n"
	        "<p><a href=\"#questions\">Every question, as answered</a> · <a href=\"/scans/%d/wants\">Who wants"
	        " a cohort, the convening, to host or to visit: lists to invite from</a></p>\n",
	     s->year, q, s->year, s->year, q, s->year);
	html(r, "<p class=\"hint\" id=\"rule\">How these figures protect schools: schools whose nations keep"
	        " their data private count only where at least %d of them share a state, a school type and a"
	        " nation, with none or at least %d of them in each response status (not started, in progress,"
	        " submitted). Elsewhere they are left out of every figure, on every page and in every export,"
	        " so no figure, and no difference between figures, can single one of them out. A school whose"
	        " nation's data steward keeps it out of aggregate results is not counted at all.</p>\n",
	     POLICY_MIN_CELL, POLICY_MIN_CELL);
	if (s->unlisted)
		html(r, "<p>%d responses from schools whose nations keep them private are counted in the figures"
		        " below but not listed in the responses file.</p>\n", s->unlisted);
	if (!s->n) {
		html(r, "<p>No responses are counted in this selection.</p>\n");
		return;
	}
	html(r, "<ul class=\"figures\">\n"
	        "<li><strong>%d</strong> schools responded <span class=\"muted\">of %d (%d%%)</span></li>\n"
	        "<li><strong>%d</strong> school leaders answered</li>\n"
	        "<li><strong>%d%%</strong> of schools implement individualized learning"
	        " <span class=\"muted\">in some classrooms or schoolwide</span></li>\n"
	        "<li><strong>%d%%</strong> of the school leaders who answered implement it in at least one"
	        " of their schools <span class=\"muted\">(%d of %d leaders)</span></li>\n</ul>\n",
	     s->n, s->schools, (int)(pct(s->n, s->schools) + 0.5), s->leaders,
	     (int)(pct(s->implementing, s->n) + 0.5), (int)(pct(s->leaders_implementing, s->leaders) + 0.5),
	     s->leaders_implementing, s->leaders);
	html(r, "<p class=\"hint\">A leader counts once however many schools they answered for, and counts as"
	        " implementing when at least one of those schools implements in some classrooms or schoolwide;"
	        " only the schools these figures count are looked at. The responses file carries a key for each"
	        " leader (the same in every download, never their name or account) so that this figure can be"
	        " reproduced.</p>\n");

	html(r, "<h2>How far schools implement</h2>\n");
	counts_chart(r, "stages", "Implementation stage", s->stages, s->nstages, s->n);

	html(r, "<h2>The three dimensions compared</h2>\n");
	struct bar db[3];
	int weakest = 0;
	for (int d = 0; d < 3; d++) {
		db[d] = (struct bar){ dim_labels[d], score_mean_rounded(&s->score[d]), NULL, !s->score[d].n };
		if (score_mean_cmp(&s->score[d], &s->score[weakest]) < 0)
			weakest = d;
	}
	chart_bars(r, "dims", "Average score by dimension (0 to 100)", "Dimension", "Average score", db, 3, 100, "");
	html(r, "<p>Weakest in this selection: <strong>%s</strong>.</p>\n"
	        "<p class=\"hint\">How a school's score is made: half from the share of the dimension's practices"
	        " the school reports (an \"other\" practice counts as one), half from its leader's agreement that"
	        " learning is relevant in that way (Strongly disagree = 0 to Strongly agree = 1); times 100. A group's"
	        " score is the average of its schools' exact scores, rounded once to a whole number (halves up).</p>\n",
	     dim_labels[weakest]);

	html(r, "<h2>Supports needed, most wanted first</h2>\n");
	counts_chart(r, "supports", "Supports that would most help educators", s->supports, s->nsupports, s->n);
	html(r, "<h2>Professional learning used</h2>\n");
	counts_chart(r, "learning", "Professional learning used in the past year", s->learning, s->nlearning, s->n);
	html(r, "<h2>Challenges</h2>\n");
	counts_chart(r, "challenges", "What gets in the way", s->challenges, s->nchallenges, s->n);

	html(r, "<h2>By state, school type and nation</h2>\n");
	group_table(r, "By state", s->by_state, s->nby_state);
	group_table(r, "By school type", s->by_type, s->nby_type);
	group_table(r, "By nation (schools belonging to a Native nation)", s->by_nation, s->nby_nation);
	every_question(r, s);
}

void results_page(struct req *r)
{
	struct summary *s = selection(r, r->ids[0]);
	page_begin(r, arena_printf(&r->arena, "Results of the %d scan", s->year));
	const char *key = figures_key(r, "page", s);
	long long rev = cache_revision(r);
	size_t len, from = r->body.len;
	const char *ukey = arena_printf(&r->arena, "usage|%s", key), *usage = cache_get(ukey, rev, &len);
	if (!usage || !cache_body(r, key, rev)) {
		summarize(r, s);
		results_body(r, s);
		cache_keep_body(r, key, rev, from);
		cache_put(ukey, rev, s->usage, strlen(s->usage));
		usage = s->usage;
	}
	record_usage(r, usage, "scan results");
	page_end(r);
}

/* ---- JSON ------------------------------------------------------------------ */

static cJSON *counts_json(const struct count *c, int n, int total)
{
	cJSON *a = cJSON_CreateArray();
	for (int i = 0; i < n; i++) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "value", c[i].value);
		cJSON_AddStringToObject(o, "label", c[i].label);
		cJSON_AddNumberToObject(o, "schools", c[i].n);
		cJSON_AddNumberToObject(o, "share", (int)(pct(c[i].n, total) + 0.5));
		cJSON_AddItemToArray(a, o);
	}
	return a;
}

static cJSON *groups_json(const struct group *g, int n)
{
	cJSON *a = cJSON_CreateArray();
	for (int i = 0; i < n; i++) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "group", g[i].key);
		cJSON_AddStringToObject(o, "label", g[i].label);
		cJSON_AddNumberToObject(o, "schools", g[i].n);
		if (g[i].n)
			cJSON_AddNumberToObject(o, "implementing_share", (int)(pct(g[i].implementing, g[i].n) + 0.5));
		for (int d = 0; d < 3; d++)
			if (g[i].score[d].n)
				cJSON_AddNumberToObject(o, dims[d], score_mean_rounded(&g[i].score[d]));
		cJSON_AddItemToArray(a, o);
	}
	return a;
}

/* Every question's counts (struct qcount), as the page shows them. */
static cJSON *questions_json(const struct summary *s)
{
	static const char *const types[] = { "single", "multi", "scale", "number", "text", "longtext" };
	cJSON *a = cJSON_CreateArray();
	for (int i = 0; i < s->in->nq; i++) {
		const struct qcount *c = &s->qs[i];
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "id", c->q->id);
		cJSON_AddStringToObject(o, "section", s->in->sections[c->q->section].id);
		cJSON_AddStringToObject(o, "label", c->q->label);
		cJSON_AddStringToObject(o, "type", types[c->q->type]);
		cJSON_AddBoolToObject(o, "for_all_their_schools", c->q->shared);
		cJSON_AddNumberToObject(o, "answered", c->answered);
		if (c->nopts) {
			cJSON *opts = cJSON_AddArrayToObject(o, "answers");
			for (int j = 0; j < c->nopts; j++) {
				cJSON *x = cJSON_CreateObject();
				cJSON_AddStringToObject(x, "value", c->values[j]);
				cJSON_AddStringToObject(x, "label", c->labels[j]);
				cJSON_AddNumberToObject(x, "schools", c->n[j]);
				cJSON_AddNumberToObject(x, "share", (int)(pct(c->n[j], c->answered) + 0.5));
				cJSON_AddItemToArray(opts, x);
			}
		}
		cJSON_AddItemToArray(a, o);
	}
	return a;
}

void results_json(struct req *r)
{
	struct summary *s = selection(r, r->ids[0]);
	r->content_type = "application/json";
	const char *key = figures_key(r, "json", s);
	long long rev = cache_revision(r);
	size_t len;
	const char *ukey = arena_printf(&r->arena, "usage|%s", key), *usage = cache_get(ukey, rev, &len);
	if (usage && cache_body(r, key, rev)) {
		record_usage(r, usage, "scan results (JSON)");
		return;
	}
	summarize(r, s);
	record_usage(r, s->usage, "scan results (JSON)");
	cache_put(ukey, rev, s->usage, strlen(s->usage));
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "year", s->year);
	cJSON *f = cJSON_AddObjectToObject(o, "selection");
	if (s->state) cJSON_AddStringToObject(f, "state", s->state);
	if (s->type) cJSON_AddStringToObject(f, "type", s->type);
	if (s->nation) cJSON_AddNumberToObject(f, "nation", (double)s->nation);
	cJSON_AddNumberToObject(o, "schools_in_selection", s->schools);
	cJSON_AddNumberToObject(o, "schools_responding", s->n);
	cJSON_AddNumberToObject(o, "response_rate", (int)(pct(s->n, s->schools) + 0.5));
	cJSON_AddNumberToObject(o, "leaders_responding", s->leaders);
	cJSON_AddNumberToObject(o, "responses_not_listed", s->unlisted);
	cJSON_AddNumberToObject(o, "implementing_share", (int)(pct(s->implementing, s->n) + 0.5));
	cJSON *lf = cJSON_AddObjectToObject(o, "leaders_implementing");
	cJSON_AddStringToObject(lf, "label", "School leaders who answered and implement individualized learning"
	                        " (in some classrooms or schoolwide) in at least one of their schools");
	cJSON_AddNumberToObject(lf, "leaders", s->leaders_implementing);
	cJSON_AddNumberToObject(lf, "of", s->leaders);
	cJSON_AddNumberToObject(lf, "share", (int)(pct(s->leaders_implementing, s->leaders) + 0.5));
	cJSON_AddItemToObject(o, "stages", counts_json(s->stages, s->nstages, s->n));
	cJSON *d = cJSON_AddObjectToObject(o, "dimensions");
	for (int k = 0; k < 3; k++)
		if (s->score[k].n)
			cJSON_AddNumberToObject(d, dims[k], score_mean_rounded(&s->score[k]));
	cJSON_AddItemToObject(o, "supports_needed", counts_json(s->supports, s->nsupports, s->n));
	cJSON_AddItemToObject(o, "professional_learning", counts_json(s->learning, s->nlearning, s->n));
	cJSON_AddItemToObject(o, "challenges", counts_json(s->challenges, s->nchallenges, s->n));
	cJSON_AddItemToObject(o, "by_state", groups_json(s->by_state, s->nby_state));
	cJSON_AddItemToObject(o, "by_type", groups_json(s->by_type, s->nby_type));
	cJSON_AddItemToObject(o, "by_nation", groups_json(s->by_nation, s->nby_nation));
	cJSON_AddItemToObject(o, "questions", questions_json(s));
	char *text = cJSON_PrintUnformatted(o);
	buf_puts(&r->body, text);
	buf_putc(&r->body, '\n');
	cJSON_free(text);
	cJSON_Delete(o);
	cache_keep_body(r, key, rev, 0);
}

/* ---- CSV ------------------------------------------------------------------- */

static void csv_download(struct req *r, const char *filename)
{
	r->content_type = "text/csv; charset=utf-8";
	req_header(r, "Content-Disposition", arena_printf(&r->arena, "attachment; filename=\"%s\"", filename));
}

/* A leader's pseudonymous key in the responses file: HMAC-SHA-256 of
 * "leader:<user id>" under the key kept in settings as "leader_key"
 * (auth_setting_key), its first 16 bytes in hex.  The same leader has the
 * same key in every download, two leaders (all but certainly) differ, and
 * neither the id nor the email can be read back without the key, which
 * never leaves the database.  "" when no one is recorded as submitting. */
static const char *leader_key(struct req *r, const unsigned char key[32], long long user)
{
	if (!user)
		return "";
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	char hex[33];
	const char *msg = arena_printf(&r->arena, "leader:%lld", user);
	crypto_auth_hmacsha256(mac, (const unsigned char *)msg, strlen(msg), key);
	sodium_bin2hex(hex, sizeof hex, mac, 16);
	return arena_strdup(&r->arena, hex);
}

void results_csv(struct req *r)
{
	struct summary *s = selection(r, r->ids[0]);
	const struct instrument *in = s->in;
	csv_download(r, arena_printf(&r->arena, "ilnet-scan-%d-responses.csv", s->year));
	struct buf *b = &r->body;
	const char *head[] = { "school_id", "school", "state", "city", "type", "nation", "submitted_at", "leader_key" };
	for (int i = 0; i < 8; i++)
		csv_field(b, head[i], i == 0);
	for (int i = 0; i < in->nq; i++) {
		csv_field(b, in->q[i].id, 0);
		if (in->q[i].other)
			csv_field(b, arena_printf(&r->arena, "%s_other", in->q[i].id), 0);
	}
	csv_field(b, "labels", 0);          /* Local Contexts codes its nation attached */
	csv_end(b);
	struct usage_tally used = {0};
	unsigned char key[32];
	auth_setting_key(r, "leader_key", key);
	sqlite3_stmt *st = db_q(r,
	    "SELECT x.id, s.id, s.name, s.state_code, s.city, s.type, coalesce(n.name, ''), x.submitted_at,"
	    "       coalesce(x.submitted_by, 0), " POLICY_COLUMNS
	    "  FROM responses x JOIN schools s ON s.id = x.school_id LEFT JOIN nations n ON n.id = s.nation_id"
	    " WHERE x.cycle_id = ?3 AND x.status = 'submitted'"
	    "   AND (?4 IS NULL OR s.state_code = ?4) AND (?5 IS NULL OR s.type = ?5) AND (?6 = 0 OR s.nation_id = ?6)"
	    " ORDER BY s.state_code, s.name", "IIIttI", r->user->id, r->user->org_id, s->cycle, s->state, s->type,
	    s->nation);
	while (db_step(r, st)) {
		if (policy_row(r, st, 9) != VIS_FULL)
			continue;
		usage_count_school(r, &used, db_col_int(st, 1), db_col_int(st, 9), VIS_FULL);
		struct answers a = {0};
		long long rid = db_col_int(st, 0);
		time_t t = (time_t)db_col_int(st, 7);
		struct tm tm;
		char when[32];
		gmtime_r(&t, &tm);
		strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
		const char *cols[] = { db_col_text(r, st, 1), db_col_text(r, st, 2), db_col_text(r, st, 3),
		                       db_col_text(r, st, 4), db_col_text(r, st, 5), db_col_text(r, st, 6), when,
		                       leader_key(r, key, db_col_int(st, 8)) };
		for (int i = 0; i < 8; i++)
			csv_field(b, cols[i], i == 0);
		sqlite3_stmt *as = db_q(r, "SELECT question, value FROM answers WHERE response_id = ?", "I", rid);
		while (db_step(r, as))
			answers_set(r, &a, db_col_text(r, as, 0), db_col_text(r, as, 1));
		for (int i = 0; i < in->nq; i++) {
			const char *v = answers_get(&a, in->q[i].id);
			/* Multiple choices: values separated by ";" (see the codebook). */
			char *joined = v ? arena_strdup(&r->arena, v) : NULL;
			for (char *p = joined; p && *p; p++)
				if (*p == '\n')
					*p = ';';
			csv_field(b, joined, 0);
			if (in->q[i].other)
				csv_field(b, answers_get(&a, arena_printf(&r->arena, "%s.other", in->q[i].id)), 0);
		}
		csv_field(b, policy_labels(r, db_col_int(st, 1)), 0);
		csv_end(b);
	}
	usage_flush(r, &used, "scan responses (CSV)");
}

/* /scans/{year}/questions.csv: every question's counts, one row per
 * answer (a number or text question: one row, its count answered), for
 * the selection and the viewer exactly as the page counts them. */
void questions_csv(struct req *r)
{
	struct summary *s = selection(r, r->ids[0]);
	summarize(r, s);
	record_usage(r, s->usage, "scan question counts (CSV)");
	const char *head[] = { "section", "question", "label", "answer", "answer_label", "schools", "answered",
	                       "share", "schools_responding", NULL };
	csv_start(r, arena_printf(&r->arena, "ilnet-scan-%d-questions.csv", s->year), head);
	struct buf *b = &r->body;
	for (int i = 0; i < s->in->nq; i++) {
		const struct qcount *c = &s->qs[i];
		const char *answered = arena_printf(&r->arena, "%d", c->answered);
		const char *of = arena_printf(&r->arena, "%d", s->n);
		for (int j = 0; j < (c->nopts ? c->nopts : 1); j++) {
			const char *cols[] = { s->in->sections[c->q->section].id, c->q->id, c->q->label,
			                       c->nopts ? c->values[j] : "", c->nopts ? c->labels[j] : "",
			                       c->nopts ? arena_printf(&r->arena, "%d", c->n[j]) : answered, answered,
			                       c->nopts ? arena_printf(&r->arena, "%d", (int)(pct(c->n[j], c->answered) + 0.5))
			                                : "", of };
			for (int k = 0; k < 9; k++)
				csv_field(b, cols[k], k == 0);
			csv_end(b);
		}
	}
}

void codebook_csv(struct req *r)
{
	struct summary *s = selection(r, r->ids[0]);
	const struct instrument *in = s->in;
	csv_download(r, arena_printf(&r->arena, "ilnet-scan-%d-codebook.csv", s->year));
	struct buf *b = &r->body;
	const char *head[] = { "column", "section", "question", "type", "required", "values" };
	for (int i = 0; i < 6; i++)
		csv_field(b, head[i], i == 0);
	csv_end(b);
	static const char *const types[] = { "single choice", "multiple choice (values separated by ;)",
	                                     "scale", "whole number", "short text", "long text" };
	/* The one column of the responses file that is not an answer and
	 * needs saying. */
	const char *key[] = { "leader_key", "", "The leader who submitted the response, as a key: the same leader has"
	                      " the same key in every download, and no key reveals who it is", "pseudonymous key", "no",
	                      "32 hexadecimal digits; empty when no one is recorded" };
	for (int i = 0; i < 6; i++)
		csv_field(b, key[i], i == 0);
	csv_end(b);
	for (int i = 0; i < in->nq; i++) {
		const struct question *q = &in->q[i];
		struct buf v = BUF_IN(&r->arena);
		for (int k = 0; k < q->noptions; k++)
			buf_printf(&v, "%s%s=%s", k ? "; " : "", q->options[k].value, q->options[k].label);
		for (int k = 0; k < q->nscale; k++)
			buf_printf(&v, "%s%d=%s", k ? "; " : "", k + 1, q->scale[k]);
		if (q->options_from)
			buf_printf(&v, "one of the values chosen in %s", q->options_from);
		if (q->other)
			buf_printf(&v, "; %s=Other (text in %s_other)", SURVEY_OTHER, q->id);
		if (q->type == Q_NUMBER)
			buf_printf(&v, "%ld to %ld", q->min, q->max);
		csv_field(b, q->id, 1);
		csv_field(b, in->sections[q->section].title, 0);
		csv_field(b, q->label, 0);
		csv_field(b, types[q->type], 0);
		csv_field(b, q->required ? "yes" : "no", 0);
		csv_field(b, buf_str(&v), 0);
		csv_end(b);
		buf_free(&v);
	}
}
