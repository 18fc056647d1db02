/* test_policy.c — the visibility policy, cell by cell. */
#include "unit.h"
#include "db.h"
#include "policy.h"

#include <stdlib.h>

static struct user U(enum role role, long long nation, long long org)
{
	struct user u = { .id = 1, .email = "u@example.org", .name = "U", .role = role,
	                  .org_id = org, .nation_id = nation };
	return u;
}

static enum vis see_c(struct user u, const char *level, long long nation, int leads, int serves, int consent)
{
	struct school_facts f = { nation, level, leads, serves, consent };
	return policy_decide(&u, &f);
}

/* Without the nation's consent to show its profile to intermediaries. */
static enum vis see(struct user u, const char *level, long long nation, int leads, int serves)
{
	return see_c(u, level, nation, leads, serves, 0);
}

START_TEST(matrix)
{
	const char *lv[3] = { "private", "foundation", "network" };
	/* Expected, per level: own leader, steward of nation, admin, staff,
	 * serving intermediary, other leader, other intermediary, other steward. */
	const enum vis want[3][8] = {
		{ VIS_FULL, VIS_FULL, VIS_FULL, VIS_HIDDEN, VIS_HIDDEN, VIS_HIDDEN, VIS_HIDDEN, VIS_HIDDEN },
		{ VIS_FULL, VIS_FULL, VIS_FULL, VIS_FULL, VIS_FULL, VIS_HIDDEN, VIS_HIDDEN, VIS_HIDDEN },
		{ VIS_FULL, VIS_FULL, VIS_FULL, VIS_FULL, VIS_FULL, VIS_COARSE, VIS_COARSE, VIS_COARSE },
	};
	for (int i = 0; i < 3; i++) {
		enum vis got[8] = {
			see(U(ROLE_LEADER, 0, 0), lv[i], 7, 1, 0),
			see(U(ROLE_STEWARD, 7, 0), lv[i], 7, 0, 0),
			see(U(ROLE_ADMIN, 0, 0), lv[i], 7, 0, 0),
			see(U(ROLE_STAFF, 0, 0), lv[i], 7, 0, 0),
			see(U(ROLE_INTERMEDIARY, 0, 3), lv[i], 7, 0, 1),
			see(U(ROLE_LEADER, 0, 0), lv[i], 7, 0, 0),
			see(U(ROLE_INTERMEDIARY, 0, 4), lv[i], 7, 0, 0),
			see(U(ROLE_STEWARD, 8, 0), lv[i], 7, 0, 0),
		};
		for (int k = 0; k < 8; k++)
			ck_assert_msg(got[k] == want[i][k], "level %s viewer %d: got %d want %d",
			              lv[i], k, got[k], want[i][k]);
	}
}
END_TEST

/* The consent to "intermediary_profile" changes one cell only: a private
 * school seen by the intermediaries serving it, coarsely.  It never
 * widens anything else. */
START_TEST(intermediary_profile_consent)
{
	const char *lv[3] = { "private", "foundation", "network" };
	const enum vis want[3][8] = {
		{ VIS_FULL, VIS_FULL, VIS_FULL, VIS_HIDDEN, VIS_COARSE, VIS_HIDDEN, VIS_HIDDEN, VIS_HIDDEN },
		{ VIS_FULL, VIS_FULL, VIS_FULL, VIS_FULL, VIS_FULL, VIS_HIDDEN, VIS_HIDDEN, VIS_HIDDEN },
		{ VIS_FULL, VIS_FULL, VIS_FULL, VIS_FULL, VIS_FULL, VIS_COARSE, VIS_COARSE, VIS_COARSE },
	};
	for (int i = 0; i < 3; i++) {
		enum vis got[8] = {
			see_c(U(ROLE_LEADER, 0, 0), lv[i], 7, 1, 0, 1),
			see_c(U(ROLE_STEWARD, 7, 0), lv[i], 7, 0, 0, 1),
			see_c(U(ROLE_ADMIN, 0, 0), lv[i], 7, 0, 0, 1),
			see_c(U(ROLE_STAFF, 0, 0), lv[i], 7, 0, 0, 1),
			see_c(U(ROLE_INTERMEDIARY, 0, 3), lv[i], 7, 0, 1, 1),
			see_c(U(ROLE_LEADER, 0, 0), lv[i], 7, 0, 0, 1),
			see_c(U(ROLE_INTERMEDIARY, 0, 4), lv[i], 7, 0, 0, 1),
			see_c(U(ROLE_STEWARD, 8, 0), lv[i], 7, 0, 0, 1),
		};
		for (int k = 0; k < 8; k++)
			ck_assert_msg(got[k] == want[i][k], "level %s viewer %d with consent: got %d want %d",
			              lv[i], k, got[k], want[i][k]);
	}
	/* Refused: the serving intermediary loses the private school, and
	 * only that one. */
	ck_assert_int_eq(see_c(U(ROLE_INTERMEDIARY, 0, 3), "private", 7, 0, 1, 0), VIS_HIDDEN);
	ck_assert_int_eq(see_c(U(ROLE_INTERMEDIARY, 0, 3), "foundation", 7, 0, 1, 0), VIS_FULL);
	ck_assert_int_eq(see_c(U(ROLE_INTERMEDIARY, 0, 3), "network", 7, 0, 1, 0), VIS_FULL);
}
END_TEST

START_TEST(unknown_is_most_restrictive)
{
	ck_assert_int_eq(see(U(ROLE_STAFF, 0, 0), "garbage", 7, 0, 0), VIS_HIDDEN);
	ck_assert_int_eq(see(U(ROLE_LEADER, 0, 0), NULL, 0, 0, 0), VIS_HIDDEN);
	struct school_facts f = { 0, "network", 0, 0, 0 };
	ck_assert_int_eq(policy_decide(NULL, &f), VIS_HIDDEN);
	/* A leftover leader link gives nothing to someone who is no longer a leader. */
	ck_assert_int_eq(see(U(ROLE_STAFF, 0, 0), "private", 7, 1, 0), VIS_HIDDEN);
	ck_assert_int_eq(see(U(ROLE_INTERMEDIARY, 0, 3), "private", 7, 1, 0), VIS_HIDDEN);
}
END_TEST

static void through_database(struct req *r)
{
	db_exec(r, "INSERT INTO organizations (id, name) VALUES (3, 'Org')", "");
	db_exec(r, "INSERT INTO schools (id, name, state_code, city, tz, type, grade_low, grade_high,"
	           " enrollment, nation_id) VALUES (10, 'Tribal', 'SD', 'Kyle', 'America/Denver',"
	           " 'tribal', 0, 12, 100, 21)", "");
	db_exec(r, "INSERT INTO users (id, email, name, role, org_id) VALUES (5, 'c@example.org', 'C',"
	           " 'intermediary', 3)", "");
	struct user u = U(ROLE_INTERMEDIARY, 0, 3);
	u.id = 5;
	r->user = &u;
	ck_assert_int_eq(policy_school(r, 10), VIS_HIDDEN);
	/* On the roster of a grant not yet active: still not served. */
	db_exec(r, "INSERT INTO grants (id, org_id, title, amount_cents, start_date, end_date, stage)"
	           " VALUES (1, 3, 'G', 100, '2020-01-01', '2099-12-31', 'awarded')", "");
	db_exec(r, "INSERT INTO grant_schools (grant_id, school_id, from_date) VALUES (1, 10, '2020-01-01')", "");
	ck_assert_int_eq(policy_school(r, 10), VIS_HIDDEN);
	db_exec(r, "UPDATE grants SET stage = 'active'", "");
	/* Served, but private without the nation's consent: nothing. */
	ck_assert_int_eq(policy_school(r, 10), VIS_HIDDEN);
	db_exec(r, "INSERT INTO school_consent (school_id, use_name, value)"
	           " VALUES (10, 'intermediary_profile', 'allowed')", "");
	ck_assert_int_eq(policy_school(r, 10), VIS_COARSE);
	/* Left the roster: no longer served. */
	db_exec(r, "UPDATE grant_schools SET to_date = '2021-01-01'", "");
	ck_assert_int_eq(policy_school(r, 10), VIS_HIDDEN);
	db_exec(r, "UPDATE grant_schools SET to_date = NULL", "");
	ck_assert_int_eq(policy_school(r, 10), VIS_COARSE);
	/* Refused again: at once. */
	db_exec(r, "UPDATE school_consent SET value = 'refused' WHERE school_id = 10", "");
	ck_assert_int_eq(policy_school(r, 10), VIS_HIDDEN);
	db_exec(r, "UPDATE schools SET sharing = 'foundation' WHERE id = 10", "");
	ck_assert_int_eq(policy_school(r, 10), VIS_FULL);
	ck_assert_int_eq(policy_school(r, 999), VIS_HIDDEN);
	r->user = NULL;
	ck_assert_int_eq(policy_school(r, 10), VIS_HIDDEN);
}

START_TEST(facts_from_the_database)
{
	struct req *r = test_req_new();
	ck_assert_int_eq(test_run(r, through_database), 0);
	test_req_free(r);
}
END_TEST

START_TEST(small_cells_suppressed)
{
	ck_assert(!policy_cell_shown(0));
	ck_assert(!policy_cell_shown(1));
	ck_assert(!policy_cell_shown(POLICY_MIN_CELL - 1));
	ck_assert(policy_cell_shown(POLICY_MIN_CELL));
	ck_assert(policy_cell_shown(300));
}
END_TEST

START_TEST(complementary_suppression)
{
	int hide[8];
	/* Nothing small: nothing hidden. */
	long long a[] = { 129, 51, 65 };
	ck_assert_int_eq(policy_suppress(a, 3, hide), 0);
	/* One small group would be total minus the rest: the next smallest goes too. */
	long long b[] = { 21, 2, 18, 9 };
	ck_assert_int_eq(policy_suppress(b, 4, hide), 2);
	ck_assert(hide[1] && hide[3] && !hide[0] && !hide[2]);
	/* Two small groups that together are still small: a third. */
	long long c[] = { 1, 2, 40, 30, 7 };
	ck_assert_int_eq(policy_suppress(c, 5, hide), 3);
	ck_assert(hide[0] && hide[1] && hide[4] && !hide[2] && !hide[3]);
	/* Empty groups count as small. */
	long long d[] = { 0, 0, 12 };
	ck_assert_int_eq(policy_suppress(d, 3, hide), 3);
	/* Two small groups together at the threshold: enough. */
	long long e[] = { 3, 2, 50 };
	ck_assert_int_eq(policy_suppress(e, 3, hide), 2);
	ck_assert(!hide[2]);
}
END_TEST

START_TEST(coarse_rounding)
{
	ck_assert(policy_coarse(46.8772) > 46.89 && policy_coarse(46.8772) < 46.91);
	ck_assert(policy_coarse(-96.7898) < -96.79 && policy_coarse(-96.7898) > -96.81);
}
END_TEST

Suite *policy_suite(void)
{
	Suite *s = suite_create("policy");
	TCase *t = tcase_create("policy");
	tcase_add_test(t, matrix);
	tcase_add_test(t, intermediary_profile_consent);
	tcase_add_test(t, unknown_is_most_restrictive);
	tcase_add_test(t, facts_from_the_database);
	tcase_add_test(t, small_cells_suppressed);
	tcase_add_test(t, complementary_suppression);
	tcase_add_test(t, coarse_rounding);
	suite_add_tcase(s, t);
	return s;
}
