/* test_summary.c — response summaries: the figures kept on write are the
 * figures decoded from the answers, the results built from them are the
 * results built by decoding, and a reopened response leaves them at once. */
#include "unit.h"
#include "db.h"
#include "handlers.h"
#include "region.h"
#include "summary.h"
#include "survey.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned long long seed = 88172645463325252ULL;

/* xorshift: the same answers on every run. */
static unsigned pick(unsigned n)
{
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return (unsigned)(seed % n);
}

/* Answers to every choice and scale of the instrument, some left empty (a
 * dimension unscored), some with an "other" practice. */
static void answer_at_random(struct req *r, const struct instrument *in, long long rid)
{
	for (int i = 0; i < in->nq; i++) {
		const struct question *q = &in->q[i];
		char v[1024] = "";
		if (pick(8) == 0)
			continue;
		if (q->type == Q_SINGLE && q->noptions) {
			snprintf(v, sizeof v, "%s", q->options[pick((unsigned)q->noptions)].value);
		} else if (q->type == Q_MULTI) {
			for (int k = 0; k < q->noptions; k++)
				if (pick(5) < 2)
					snprintf(v + strlen(v), sizeof v - strlen(v), "%s%s", *v ? "\n" : "", q->options[k].value);
			if (q->other && pick(4) == 0) {
				snprintf(v + strlen(v), sizeof v - strlen(v), "%s%s", *v ? "\n" : "", SURVEY_OTHER);
				db_exec(r, "INSERT INTO answers (response_id, question, value) VALUES (?, ?, 'ours')", "It", rid,
				        arena_printf(&r->arena, "%s.other", q->id));
			}
		} else if (q->type == Q_SCALE) {
			snprintf(v, sizeof v, "%u", 1 + pick((unsigned)q->nscale));
		}
		if (*v)
			db_exec(r, "INSERT INTO answers (response_id, question, value) VALUES (?, ?, ?)", "Itt", rid, q->id, v);
	}
}

static struct user staff = { 900, "staff@example.org", "Staff", ROLE_STAFF, 0, 0 };
static const struct instrument *IN;

/* The demo region with a cycle answered at random: most schools submitted,
 * some in progress, some not started; two thirds of the schools without a
 * nation made private and nearly all of those submitted, so that hidden
 * schools count where their atom holds enough of them. */
static void region_answered(struct req *r)
{
	char err[512];
	const char *dir = getenv("ILNET_INSTRUMENTS");
	ck_assert_msg(survey_sync(r->db, dir ? dir : "db/instruments", err, sizeof err) == 0, "%s", err);
	ck_assert_msg(db_exec_file(r->db, ILNET_ROOT "/db/demo/region.sql", err, sizeof err) == 0, "%s", err);
	db_exec(r, "UPDATE schools SET sharing = 'private' WHERE nation_id IS NULL AND id % 3 <> 0", "");
	db_exec(r, "INSERT INTO users (id, email, name, role) VALUES (900, 'staff@example.org', 'Staff', 'staff')", "");
	for (int k = 0; k < 40; k++)
		db_exec(r, "INSERT INTO users (id, email, name, role) VALUES (?, ?, 'Leader', 'leader')", "It",
		        (long long)(1000 + k), arena_printf(&r->arena, "leader%d@example.org", k));
	long long instrument = db_int(r, 0, "SELECT max(id) FROM instruments", "");
	db_exec(r, "INSERT INTO scan_cycles (id, year, instrument_id, status) VALUES (7, 2030, ?, 'open')", "I",
	        instrument);
	IN = survey_get(r, instrument);
	ck_assert_ptr_nonnull(IN);
	sqlite3_stmt *st = db_q(r, "SELECT id, sharing = 'private' FROM schools ORDER BY id", "");
	long long schools[1000];
	int n = 0, private[1000];
	while (db_step(r, st) && n < 1000) {
		private[n] = (int)db_col_int(st, 1);
		schools[n++] = db_col_int(st, 0);
	}
	ck_assert_int_gt(n, 200);
	for (int i = 0; i < n; i++) {
		unsigned what = private[i] ? 1 + (pick(15) != 0) : pick(10);
		if (what == 0)
			continue;           /* not started */
		long long leader = 1000 + pick(40);
		db_exec(r, "INSERT INTO responses (cycle_id, school_id, status, started_by, submitted_at, submitted_by)"
		           " VALUES (7, ?, ?, ?, CASE WHEN ? THEN unixepoch() END, CASE WHEN ? THEN ? END)", "ItIiiI",
		        schools[i], what == 1 ? "in_progress" : "submitted", leader, what != 1, what != 1, leader);
		answer_at_random(r, IN, db_last_id(r));
	}
}

/* The summary JSON of the cycle for a selection (query text). */
static const char *figures(struct req *r, const char *state, const char *type)
{
	r->query.n = 0;
	if (state)
		params_add(&r->arena, &r->query, "state", state, strlen(state));
	if (type)
		params_add(&r->arena, &r->query, "type", type, strlen(type));
	r->ids[0] = 2030;
	r->body.len = 0;
	ck_assert_int_eq(test_run(r, results_json), 0);
	return arena_strndup(&r->arena, r->body.p, r->body.len);
}

/* Forget what the worker's cache holds (as any change of a figure does). */
static void figures_changed(struct req *r)
{
	db_exec(r, "UPDATE revisions SET n = n + 1 WHERE name = 'figures'", "");
}

static void store_summary(struct req *r, long long rid)
{
	struct answers a = {0};
	survey_load_answers(r, rid, &a);
	summary_store(r, rid, IN, &a);
}

START_TEST(summaries_are_the_decoded_figures)
{
	struct req *r = test_req_new();
	region_answered(r);
	r->user = &staff;
	static const char *sel[][2] = { { NULL, NULL }, { "ND", NULL }, { NULL, "tribal" }, { "MN", "small_rural" } };
	const char *decoded[4];
	for (int k = 0; k < 4; k++)             /* no summaries yet: every response decoded */
		decoded[k] = figures(r, sel[k][0], sel[k][1]);
	ck_assert(strstr(decoded[0], "\"schools_responding\":") != NULL);
	ck_assert(strstr(decoded[0], "\"responses_not_listed\":0,") == NULL);    /* hidden schools count */

	/* Half stored as a submission stores them, the rest by the fill. */
	sqlite3_stmt *st = db_q(r, "SELECT id FROM responses WHERE status = 'submitted' AND id % 2 = 0", "");
	long long ids[1000];
	int n = 0;
	while (db_step(r, st) && n < 1000)
		ids[n++] = db_col_int(st, 0);
	for (int i = 0; i < n; i++)
		store_summary(r, ids[i]);
	char err[256];
	ck_assert_int_gt(summary_fill(r->db, err, sizeof err), 0);
	ck_assert_int_eq(summary_fill(r->db, err, sizeof err), 0);            /* nothing left */
	ck_assert_int_eq(db_int(r, -1, "SELECT count(*) FROM responses x WHERE status = 'submitted'"
	                               " AND NOT EXISTS (SELECT 1 FROM response_summary WHERE response_id = x.id)", ""), 0);
	ck_assert_int_eq(db_int(r, -1, "SELECT count(*) FROM response_summary rs JOIN responses x ON x.id = rs.response_id"
	                               " WHERE x.status <> 'submitted'", ""), 0);
	/* Each carries its response's cycle and school (the results walk them so). */
	ck_assert_int_eq(db_int(r, -1, "SELECT count(*) FROM response_summary rs JOIN responses x ON x.id = rs.response_id"
	                               " WHERE rs.cycle_id IS NOT x.cycle_id OR rs.school_id IS NOT x.school_id", ""), 0);

	/* Each stored summary is its response decoded. */
	st = db_q(r, "SELECT response_id, implementing, stage, supports, learning, challenges,"
	             " coalesce(cultural_num, 0), coalesce(cultural_den, 0), coalesce(instructional_num, 0),"
	             " coalesce(instructional_den, 0), coalesce(career_num, 0), coalesce(career_den, 0)"
	             " FROM response_summary", "");
	int rows = 0, scored = 0, unscored = 0;
	while (db_step(r, st)) {
		struct summary_figures f;
		summary_decode(r, db_col_int(st, 0), IN, &f);
		ck_assert_int_eq(db_col_int(st, 1), f.implementing);
		for (int c = 0; c < SUMMARY_NCHOICES; c++)
			ck_assert_int_eq(db_col_int(st, 2 + c), f.chosen[c]);
		for (int d = 0; d < 3; d++) {
			ck_assert_int_eq(db_col_int(st, 6 + 2 * d), f.score[d].num);
			ck_assert_int_eq(db_col_int(st, 7 + 2 * d), f.score[d].den);
			scored += f.score[d].den > 0;
			unscored += f.score[d].den == 0;
		}
		rows++;
	}
	ck_assert_int_gt(rows, 150);
	ck_assert_int_gt(scored, 0);
	ck_assert_int_gt(unscored, 0);

	/* The results from summaries are the results from decoding. */
	figures_changed(r);
	for (int k = 0; k < 4; k++)
		ck_assert_str_eq(figures(r, sel[k][0], sel[k][1]), decoded[k]);
	test_req_free(r);
}
END_TEST

static long json_num(const char *body, const char *key)
{
	char pat[64];
	snprintf(pat, sizeof pat, "\"%s\":", key);
	const char *p = strstr(body, pat);
	return p ? atol(p + strlen(pat)) : -1;
}

START_TEST(reopened_or_changed_leaves_the_figures_at_once)
{
	struct req *r = test_req_new();
	region_answered(r);
	r->user = &staff;
	char err[256];
	ck_assert_int_gt(summary_fill(r->db, err, sizeof err), 0);
	const char *before = figures(r, NULL, NULL);
	long long rid = db_int(r, 0, "SELECT x.id FROM responses x JOIN schools s ON s.id = x.school_id"
	                             " WHERE x.status = 'submitted' AND s.sharing <> 'private' ORDER BY x.id LIMIT 1", "");
	/* Reopened as /scans/{year}/responses/{id}/reopen does: the summary goes
	 * in the same statement, the figures count one response fewer. */
	db_exec(r, "UPDATE responses SET status = 'in_progress', submitted_at = NULL, submitted_by = NULL,"
	           " revision = revision + 1 WHERE id = ? AND status = 'submitted'", "I", rid);
	ck_assert_int_eq(db_int(r, -1, "SELECT count(*) FROM response_summary WHERE response_id = ?", "I", rid), 0);
	const char *after = figures(r, NULL, NULL);
	ck_assert_int_eq(json_num(after, "schools_responding"), json_num(before, "schools_responding") - 1);
	/* Submitted again with other answers: decoded until stored, and the
	 * same once stored. */
	db_exec(r, "DELETE FROM answers WHERE response_id = ?", "I", rid);
	db_exec(r, "INSERT INTO answers (response_id, question, value) VALUES (?, 'stage', 'schoolwide')", "I", rid);
	db_exec(r, "UPDATE responses SET status = 'submitted', submitted_by = 1000 WHERE id = ?", "I", rid);
	const char *decoded = figures(r, NULL, NULL);
	ck_assert_int_eq(json_num(decoded, "schools_responding"), json_num(before, "schools_responding"));
	store_summary(r, rid);
	figures_changed(r);
	ck_assert_str_eq(figures(r, NULL, NULL), decoded);
	/* An answer of a submitted response changed behind ilnet's back: its
	 * summary goes with the change. */
	db_exec(r, "UPDATE answers SET value = 'not_yet' WHERE response_id = ? AND question = 'stage'", "I", rid);
	ck_assert_int_eq(db_int(r, -1, "SELECT count(*) FROM response_summary WHERE response_id = ?", "I", rid), 0);
	ck_assert_str_ne(figures(r, NULL, NULL), decoded);
	/* A submitted response moved to another school behind ilnet's back:
	 * its summary goes (it carries its school), the figures decode it. */
	store_summary(r, rid);
	ck_assert_int_eq(db_int(r, -1, "SELECT count(*) FROM response_summary WHERE response_id = ?", "I", rid), 1);
	long long other = db_int(r, 0, "SELECT s.id FROM schools s WHERE NOT EXISTS (SELECT 1 FROM responses x"
	                               " WHERE x.school_id = s.id AND x.cycle_id = (SELECT cycle_id FROM responses"
	                               " WHERE id = ?)) LIMIT 1", "I", rid);
	ck_assert_int_gt(other, 0);
	db_exec(r, "UPDATE responses SET school_id = ? WHERE id = ?", "II", other, rid);
	ck_assert_int_eq(db_int(r, -1, "SELECT count(*) FROM response_summary WHERE response_id = ?", "I", rid), 0);
	const char *moved = figures(r, NULL, NULL);
	store_summary(r, rid);
	figures_changed(r);
	ck_assert_str_eq(figures(r, NULL, NULL), moved);
	test_req_free(r);
}
END_TEST

/* A cycle of three schools of one state and type, submitted with the
 * given cultural answers (practices, agreement; NULL or "" for none) by
 * the given leaders, the schools' stages as given. */
static void three_schools(struct req *r, const char *const practices[3], const char *const agree[3],
                          const long long leader[3], const char *const stage[3])
{
	char err[512];
	const char *dir = getenv("ILNET_INSTRUMENTS");
	ck_assert_msg(survey_sync(r->db, dir ? dir : "db/instruments", err, sizeof err) == 0, "%s", err);
	db_exec(r, "INSERT INTO users (id, email, name, role) VALUES (900, 'staff@example.org', 'Staff', 'staff')", "");
	long long instrument = db_int(r, 0, "SELECT max(id) FROM instruments", "");
	db_exec(r, "INSERT INTO scan_cycles (id, year, instrument_id, status) VALUES (7, 2030, ?, 'open')", "I",
	        instrument);
	IN = survey_get(r, instrument);
	for (int i = 0; i < 3; i++) {
		long long school = 100 + i;
		db_exec(r, "INSERT OR IGNORE INTO users (id, email, name, role) VALUES (?, ?, 'Leader', 'leader')", "It",
		        leader[i], arena_printf(&r->arena, "leader%lld@example.org", leader[i]));
		db_exec(r, "INSERT INTO schools (id, name, state_code, city, tz, type, grade_low, grade_high, enrollment)"
		           " VALUES (?, ?, 'MN', 'Ely', 'America/Chicago', 'small_rural', 0, 12, 100)", "It",
		        school, arena_printf(&r->arena, "School %d", i));
		db_exec(r, "INSERT INTO responses (cycle_id, school_id, status, started_by, submitted_at, submitted_by)"
		           " VALUES (7, ?, 'submitted', ?, unixepoch(), ?)", "III", school, leader[i], leader[i]);
		long long rid = db_last_id(r);
		const char *const q[3] = { "cultural_practices", "cultural_agree", "stage" };
		const char *const v[3] = { practices[i], agree[i], stage[i] };
		for (int k = 0; k < 3; k++)
			if (v[k] && *v[k])
				db_exec(r, "INSERT INTO answers (response_id, question, value) VALUES (?, ?, ?)", "Itt",
				        rid, q[k], v[k]);
	}
}

/* The number after "key": in the JSON object that follows "within": (the
 * body itself when within is NULL). */
static long json_num_in(const char *body, const char *within, const char *key)
{
	if (within) {
		body = strstr(body, within);
		if (!body)
			return -1;
	}
	char pat[64];
	snprintf(pat, sizeof pat, "\"%s\":", key);
	const char *p = strstr(body, pat);
	return p ? atol(p + strlen(pat)) : -1;
}

/* Cultural scores (real instrument: 5 practices, a 5-point scale) of
 * 12.5, 12.5 and 0: shown alone 13, 13 and 0.  Averaging those gave
 * 26 / 3 = 8.67, shown 9; the exact mean is 25 / 3 = 8.33, shown 8. */
START_TEST(group_scores_are_rounded_once)
{
	struct req *r = test_req_new();
	const char *const practices[3] = { NULL, NULL, NULL };
	const char *const agree[3] = { "2", "2", "1" };
	const long long leader[3] = { 1000, 1001, 1002 };
	const char *const stage[3] = { "not_yet", "not_yet", "not_yet" };
	three_schools(r, practices, agree, leader, stage);
	r->user = &staff;
	struct answers a = {0};
	survey_load_answers(r, db_int(r, 0, "SELECT min(id) FROM responses", ""), &a);
	ck_assert_int_eq(survey_score(IN, &a, "cultural"), 13);        /* a school alone: as before */
	for (int stored = 0; stored < 2; stored++) {
		if (stored) {           /* decoded first, then from the summaries */
			char err[256];
			ck_assert_int_eq(summary_fill(r->db, err, sizeof err), 3);
			figures_changed(r);
		}
		const char *j = figures(r, NULL, NULL);
		ck_assert_int_eq(json_num_in(j, "\"dimensions\":", "cultural"), 8);
		ck_assert_int_eq(json_num_in(j, "\"group\":\"MN\"", "cultural"), 8);
		ck_assert_int_eq(json_num_in(j, "\"group\":\"small_rural\"", "cultural"), 8);
		/* Practices and agreement unanswered elsewhere: unscored. */
		ck_assert_int_eq(json_num_in(j, "\"dimensions\":", "career"), -1);
	}
	test_req_free(r);
}
END_TEST

/* Leaders counted once each, implementing when one of their schools does;
 * a response without a submitter counts no leader. */
START_TEST(leaders_implementing_in_one_of_their_schools)
{
	struct results_leader l[] = { { 5, 0 }, { 7, 1 }, { 5, 1 }, { 0, 1 }, { 9, 0 }, { 7, 0 }, { 9, 0 } };
	int leaders = -1, implementing = -1;
	results_leaders(l, 7, &leaders, &implementing);
	ck_assert_int_eq(leaders, 3);
	ck_assert_int_eq(implementing, 2);
	results_leaders(l, 0, &leaders, &implementing);
	ck_assert_int_eq(leaders, 0);
	ck_assert_int_eq(implementing, 0);
}
END_TEST

/* Leader 1000 answered for schools 100 (not yet) and 101 (schoolwide),
 * leader 1001 for 102 (not yet): a third of the schools, half the leaders.
 * A private school alone in its atom does not count, and neither does
 * its leader through it. */
START_TEST(leader_figure_follows_the_policy)
{
	struct req *r = test_req_new();
	const char *const practices[3] = { NULL, NULL, NULL };
	const char *const agree[3] = { "3", "3", "3" };
	const long long leader[3] = { 1000, 1000, 1001 };
	const char *const stage[3] = { "not_yet", "schoolwide", "not_yet" };
	three_schools(r, practices, agree, leader, stage);
	r->user = &staff;
	const char *j = figures(r, NULL, NULL);
	ck_assert_int_eq(json_num_in(j, NULL, "implementing_share"), 33);
	ck_assert_int_eq(json_num_in(j, NULL, "leaders_responding"), 2);
	ck_assert_int_eq(json_num_in(j, "\"leaders_implementing\":", "leaders"), 1);
	ck_assert_int_eq(json_num_in(j, "\"leaders_implementing\":", "of"), 2);
	ck_assert_int_eq(json_num_in(j, "\"leaders_implementing\":", "share"), 50);
	ck_assert(strstr(j, "\"label\":\"School leaders who answered and implement") != NULL);
	/* Leader 1000's implementing school private: they count through 100
	 * only, and implement nowhere counted. */
	db_exec(r, "UPDATE schools SET sharing = 'private' WHERE id = 101", "");
	figures_changed(r);
	j = figures(r, NULL, NULL);
	ck_assert_int_eq(json_num_in(j, NULL, "schools_responding"), 2);
	ck_assert_int_eq(json_num_in(j, "\"leaders_implementing\":", "leaders"), 0);
	ck_assert_int_eq(json_num_in(j, "\"leaders_implementing\":", "of"), 2);
	/* Leader 1001's only school private: they are not counted at all. */
	db_exec(r, "UPDATE schools SET sharing = CASE id WHEN 102 THEN 'private' ELSE 'network' END", "");
	figures_changed(r);
	j = figures(r, NULL, NULL);
	ck_assert_int_eq(json_num_in(j, NULL, "leaders_responding"), 1);
	ck_assert_int_eq(json_num_in(j, "\"leaders_implementing\":", "leaders"), 1);
	ck_assert_int_eq(json_num_in(j, "\"leaders_implementing\":", "share"), 100);
	test_req_free(r);
}
END_TEST

/* A choice's options are bits of one integer: an instrument offering more
 * is refused rather than summarised wrong. */
START_TEST(choices_fit_in_a_summary)
{
	char json[8192], err[256];
	int len = snprintf(json, sizeof json, "{\"version\":\"x\",\"title\":\"T\",\"sections\":[{\"id\":\"a\","
	                   "\"title\":\"A\",\"questions\":[{\"id\":\"q\",\"type\":\"multi\",\"label\":\"Q\",\"options\":[");
	for (int k = 0; k < SURVEY_MAX_OPTIONS + 1; k++)
		len += snprintf(json + len, sizeof json - (size_t)len, "%s{\"value\":\"v%d\",\"label\":\"V\"}", k ? "," : "", k);
	snprintf(json + len, sizeof json - (size_t)len, "]}]}]}");
	ck_assert_ptr_null(survey_parse(json, err, sizeof err));
	ck_assert(strstr(err, "at most") != NULL);
}
END_TEST

/* ---- the figures kept on write (*_figures.sql) ------------------------------- */

/* Each kept table's rows (zeros left out) against the same sums made
 * afresh from what is stored, as the migration fills them. */
static const char *const kept_vs_fresh[][2] = {
	{ "SELECT state_code, type, nation_id, shown, schools FROM figure_schools WHERE schools <> 0",
	  "SELECT state_code, type, nation_id, shown, count(*) FROM figure_school GROUP BY 1, 2, 3, 4" },
	{ "SELECT cycle_id, state_code, type, nation_id, shown, in_progress, submitted, summarised, implementing"
	  "  FROM figure_cycles WHERE in_progress <> 0 OR submitted <> 0 OR summarised <> 0 OR implementing <> 0",
	  "SELECT x.cycle_id, g.state_code, g.type, g.nation_id, g.shown, sum(x.status = 'in_progress'),"
	  "       sum(x.status = 'submitted'), sum(EXISTS (SELECT 1 FROM response_summary rs WHERE rs.response_id = x.id)),"
	  "       coalesce(sum((SELECT rs.implementing FROM response_summary rs WHERE rs.response_id = x.id)), 0)"
	  "  FROM figure_school g JOIN responses x ON x.school_id = g.school_id GROUP BY 1, 2, 3, 4, 5" },
	{ "SELECT cycle_id, state_code, type, nation_id, shown, choice, bit, n FROM figure_choices WHERE n <> 0",
	  "SELECT rs.cycle_id, g.state_code, g.type, g.nation_id, g.shown, b.choice, b.bit, count(*)"
	  "  FROM figure_school g JOIN response_summary rs ON rs.school_id = g.school_id JOIN figure_bits b"
	  "    ON ((CASE b.choice WHEN 0 THEN rs.stage WHEN 1 THEN rs.supports WHEN 2 THEN rs.learning"
	  "         ELSE rs.challenges END) >> b.bit) & 1 GROUP BY 1, 2, 3, 4, 5, 6, 7" },
	{ "SELECT cycle_id, state_code, type, nation_id, shown, dim, den, num, n FROM figure_scores WHERE n <> 0 OR num <> 0",
	  "SELECT cycle_id, state_code, type, nation_id, shown, dim, den, sum(num), count(*) FROM ("
	  "  SELECT rs.cycle_id, g.state_code, g.type, g.nation_id, g.shown, 0 AS dim, rs.cultural_den AS den,"
	  "         rs.cultural_num AS num FROM figure_school g JOIN response_summary rs ON rs.school_id = g.school_id"
	  "  UNION ALL SELECT rs.cycle_id, g.state_code, g.type, g.nation_id, g.shown, 1, rs.instructional_den,"
	  "         rs.instructional_num FROM figure_school g JOIN response_summary rs ON rs.school_id = g.school_id"
	  "  UNION ALL SELECT rs.cycle_id, g.state_code, g.type, g.nation_id, g.shown, 2, rs.career_den, rs.career_num"
	  "    FROM figure_school g JOIN response_summary rs ON rs.school_id = g.school_id)"
	  " WHERE den IS NOT NULL GROUP BY 1, 2, 3, 4, 5, 6, 7" },
	{ "SELECT cycle_id, state_code, type, nation_id, shown, leader, responses, implementing FROM figure_leaders"
	  " WHERE responses <> 0 OR implementing <> 0",
	  "SELECT rs.cycle_id, g.state_code, g.type, g.nation_id, g.shown, rs.submitted_by, count(*), sum(rs.implementing)"
	  "  FROM figure_school g JOIN response_summary rs ON rs.school_id = g.school_id GROUP BY 1, 2, 3, 4, 5, 6" },
	{ "SELECT cycle_id, state_code, type, nation_id, shown, question, value, n FROM figure_answers WHERE n <> 0",
	  "SELECT x.cycle_id, g.state_code, g.type, g.nation_id, g.shown, a.question, a.value, count(*)"
	  "  FROM figure_school g JOIN responses x ON x.school_id = g.school_id AND x.status = 'submitted'"
	  "  JOIN answers a ON a.response_id = x.id GROUP BY 1, 2, 3, 4, 5, 6, 7" },
};

static void sums_exact(struct req *r, const char *after)
{
	for (size_t i = 0; i < sizeof kept_vs_fresh / sizeof *kept_vs_fresh; i++) {
		const char *kept = kept_vs_fresh[i][0], *fresh = kept_vs_fresh[i][1];
		long long off = db_int(r, -1, arena_printf(&r->arena, "SELECT (SELECT count(*) FROM (%s EXCEPT %s))"
		                                           " + (SELECT count(*) FROM (%s EXCEPT %s))", kept, fresh, fresh,
		                                           kept), "");
		ck_assert_msg(off == 0, "after %s: %lld rows of %s differ from the stored answers", after, off, kept);
	}
	/* Every submitted response has the one leader its summary names. */
	ck_assert_int_eq(db_int(r, -1, "SELECT count(*) FROM response_summary rs JOIN responses x ON x.id = rs.response_id"
	                               " WHERE rs.submitted_by <> coalesce(x.submitted_by, 0)", ""), 0);
}

/* The summary JSON of the cycle for a selection, from the kept sums and
 * by walking every school: the same, byte for byte. */
static const char *figures_both(struct req *r, const char *state, const char *type, const char *nation)
{
	const char *out[2];
	for (int walk = 0; walk < 2; walk++) {
		if (walk)
			setenv("ILNET_FIGURES_WALK", "1", 1);
		r->query.n = 0;
		if (state)
			params_add(&r->arena, &r->query, "state", state, strlen(state));
		if (type)
			params_add(&r->arena, &r->query, "type", type, strlen(type));
		if (nation)
			params_add(&r->arena, &r->query, "nation", nation, strlen(nation));
		r->ids[0] = 2030;
		r->body.len = 0;
		figures_changed(r);     /* not from the worker's cache */
		ck_assert_int_eq(test_run(r, results_json), 0);
		out[walk] = arena_strndup(&r->arena, r->body.p, r->body.len);
		unsetenv("ILNET_FIGURES_WALK");
	}
	ck_assert_str_eq(out[0], out[1]);
	return out[0];
}

/* Every selection the page offers: each state, type and nation, and
 * some of their combinations. */
static void every_selection_alike(struct req *r)
{
	figures_both(r, NULL, NULL, NULL);
	for (int j = 0; region_school_types[j]; j += 2)
		figures_both(r, NULL, region_school_types[j], NULL);
	for (int i = 0; region_states[i]; i += 2) {
		figures_both(r, region_states[i], NULL, NULL);
		for (int j = 0; region_school_types[j]; j += 2)
			figures_both(r, region_states[i], region_school_types[j], NULL);
	}
	sqlite3_stmt *st = db_q(r, "SELECT id FROM nations ORDER BY id", "");
	char ids[64][24];
	int n = 0;
	while (db_step(r, st) && n < 64)
		snprintf(ids[n++], sizeof ids[0], "%lld", db_col_int(st, 0));
	for (int k = 0; k < n; k++) {
		figures_both(r, NULL, NULL, ids[k]);
		figures_both(r, NULL, "tribal", ids[k]);
	}
}

START_TEST(kept_sums_give_the_walked_figures)
{
	struct req *r = test_req_new();
	region_answered(r);
	r->user = &staff;
	char err[256];
	sums_exact(r, "answering");
	ck_assert_int_gt(summary_fill(r->db, err, sizeof err), 0);
	sums_exact(r, "the fill");
	/* Hidden atoms of every fate: some counted, some left out. */
	ck_assert_int_gt(db_int(r, 0, "SELECT count(*) FROM figure_schools WHERE shown = 0", ""), 3);
	every_selection_alike(r);
	/* An admin reads as staff does. */
	struct user admin = staff;
	admin.role = ROLE_ADMIN;
	r->user = &admin;
	figures_both(r, NULL, NULL, NULL);
	test_req_free(r);
}
END_TEST

START_TEST(kept_sums_follow_every_change_at_once)
{
	struct req *r = test_req_new();
	region_answered(r);
	r->user = &staff;
	char err[256];
	ck_assert_int_gt(summary_fill(r->db, err, sizeof err), 0);
	const char *before = figures_both(r, NULL, NULL, NULL);
	long long rid = db_int(r, 0, "SELECT x.id FROM responses x JOIN schools s ON s.id = x.school_id"
	                             " WHERE x.status = 'submitted' AND s.sharing <> 'private' ORDER BY x.id LIMIT 1", "");
	long long school = db_int(r, 0, "SELECT school_id FROM responses WHERE id = ?", "I", rid);
	long long submitted = db_int(r, 0, "SELECT sum(submitted) FROM figure_cycles WHERE cycle_id = 7", "");

	/* Reopened as /scans/{year}/responses/{id}/reopen does it: one fewer
	 * at once, in the kept sums and in the figures. */
	db_exec(r, "UPDATE responses SET status = 'in_progress', submitted_at = NULL, submitted_by = NULL,"
	           " revision = revision + 1 WHERE id = ? AND status = 'submitted'", "I", rid);
	sums_exact(r, "a reopen");
	ck_assert_int_eq(db_int(r, 0, "SELECT sum(submitted) FROM figure_cycles WHERE cycle_id = 7", ""), submitted - 1);
	const char *reopened = figures_both(r, NULL, NULL, NULL);
	ck_assert_int_eq(json_num(reopened, "schools_responding"), json_num(before, "schools_responding") - 1);

	/* Submitted as scan_submit does it (status, then the summary in the
	 * same transaction): counted again at once. */
	db_begin(r);
	db_exec(r, "UPDATE responses SET status = 'submitted', submitted_at = unixepoch(), submitted_by = 1003,"
	           " revision = revision + 1 WHERE id = ?", "I", rid);
	store_summary(r, rid);
	db_commit(r);
	sums_exact(r, "a submit");
	ck_assert_int_eq(db_int(r, 0, "SELECT sum(submitted) FROM figure_cycles WHERE cycle_id = 7", ""), submitted);
	ck_assert_int_eq(db_int(r, 0, "SELECT count(*) FROM figure_cycles WHERE cycle_id = 7 AND summarised <> submitted",
	                        ""), 0);
	ck_assert_int_eq(json_num(figures_both(r, NULL, NULL, NULL), "schools_responding"),
	                 json_num(before, "schools_responding"));
	store_summary(r, rid);  /* stored twice (INSERT OR REPLACE): counted once */
	sums_exact(r, "a summary stored again");

	/* Answers of a submitted response changed behind ilnet's back. */
	db_exec(r, "UPDATE answers SET value = 'not_yet' WHERE response_id = ? AND question = 'stage'", "I", rid);
	sums_exact(r, "an answer changed");
	db_exec(r, "INSERT OR REPLACE INTO answers (response_id, question, value) VALUES (?, 'stage', 'schoolwide')",
	        "I", rid);
	sums_exact(r, "an answer replaced");
	db_exec(r, "DELETE FROM answers WHERE response_id = ? AND question = 'challenges'", "I", rid);
	sums_exact(r, "an answer deleted");
	figures_both(r, NULL, NULL, NULL);      /* read by walking: a response without a summary */
	store_summary(r, rid);
	sums_exact(r, "the summary stored");
	figures_both(r, NULL, NULL, NULL);

	/* Another leader named as submitting it. */
	db_exec(r, "UPDATE responses SET submitted_by = 1004 WHERE id = ?", "I", rid);
	sums_exact(r, "another leader");
	store_summary(r, rid);

	/* The school moved to another state and type, made private, and back. */
	db_exec(r, "UPDATE schools SET state_code = 'SD', type = 'charter' WHERE id = ?", "I", school);
	sums_exact(r, "a school moved");
	db_exec(r, "UPDATE schools SET sharing = 'private' WHERE id = ?", "I", school);
	sums_exact(r, "a school made private");
	every_selection_alike(r);
	db_exec(r, "UPDATE schools SET sharing = 'network', nation_id = (SELECT min(id) FROM nations) WHERE id = ?",
	        "I", school);
	sums_exact(r, "a school given a nation");

	/* A steward's consent to aggregates: refused, allowed, refused by
	 * upsert, forgotten. */
	long long hidden = db_int(r, 0, "SELECT x.school_id FROM responses x JOIN schools s ON s.id = x.school_id"
	                                " WHERE s.sharing = 'private' AND x.status = 'submitted' ORDER BY x.id LIMIT 1", "");
	db_exec(r, "INSERT INTO school_consent (school_id, use_name, value) VALUES (?, 'aggregate', 'refused')", "I", hidden);
	sums_exact(r, "consent refused");
	db_exec(r, "UPDATE school_consent SET value = 'allowed' WHERE school_id = ? AND use_name = 'aggregate'", "I",
	        hidden);
	sums_exact(r, "consent allowed");
	db_exec(r, "INSERT INTO school_consent (school_id, use_name, value) VALUES (?, 'aggregate', 'refused')"
	           " ON CONFLICT (school_id, use_name) DO UPDATE SET value = excluded.value", "I", hidden);
	sums_exact(r, "consent refused by upsert");
	every_selection_alike(r);
	db_exec(r, "DELETE FROM school_consent WHERE school_id = ? AND use_name = 'aggregate'", "I", hidden);
	sums_exact(r, "consent forgotten");
	db_exec(r, "INSERT INTO school_consent (school_id, use_name, value) VALUES (?, 'map', 'none')", "I", hidden);
	sums_exact(r, "another consent");

	/* A response moved to another school, one deleted, a school added
	 * and deleted. */
	long long other = db_int(r, 0, "SELECT s.id FROM schools s WHERE NOT EXISTS (SELECT 1 FROM responses x"
	                               " WHERE x.school_id = s.id AND x.cycle_id = 7) LIMIT 1", "");
	db_exec(r, "UPDATE responses SET school_id = ? WHERE id = ?", "II", other, rid);
	sums_exact(r, "a response moved");
	db_exec(r, "DELETE FROM responses WHERE id = ?", "I", rid);
	sums_exact(r, "a response deleted");
	db_exec(r, "INSERT INTO schools (id, name, state_code, city, tz, type, grade_low, grade_high, enrollment,"
	           " sharing) VALUES (99999, 'New', 'ND', 'Fargo', 'America/Chicago', 'charter', 0, 5, 10, 'private')", "");
	sums_exact(r, "a school added");
	db_exec(r, "INSERT INTO school_consent (school_id, use_name, value) VALUES (99999, 'aggregate', 'refused')", "");
	db_exec(r, "DELETE FROM schools WHERE id = 99999", "");
	sums_exact(r, "a school deleted");
	ck_assert_int_eq(summary_fill(r->db, err, sizeof err), 0);
	every_selection_alike(r);
	test_req_free(r);
}
END_TEST

Suite *summary_suite(void)
{
	Suite *s = suite_create("summary");
	TCase *t = tcase_create("core");
	tcase_set_timeout(t, 60);
	tcase_add_test(t, summaries_are_the_decoded_figures);
	tcase_add_test(t, reopened_or_changed_leaves_the_figures_at_once);
	tcase_add_test(t, choices_fit_in_a_summary);
	tcase_add_test(t, group_scores_are_rounded_once);
	tcase_add_test(t, leaders_implementing_in_one_of_their_schools);
	tcase_add_test(t, leader_figure_follows_the_policy);
	tcase_add_test(t, kept_sums_give_the_walked_figures);
	tcase_add_test(t, kept_sums_follow_every_change_at_once);
	suite_add_tcase(s, t);
	return s;
}
