/* test_summary.c — response summaries: the figures kept on write are the
 * figures decoded from the answers, the results built from them are the
 * results built by decoding, and a reopened response leaves them at once. */
#include "unit.h"
#include "db.h"
#include "handlers.h"
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
	suite_add_tcase(s, t);
	return s;
}
