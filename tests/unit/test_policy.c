/* test_policy.c — the visibility policy, cell by cell. */
#include "unit.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include "db.h"
#include "layout.h"
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
		{ VIS_FULL, VIS_FULL, VIS_HIDDEN, VIS_HIDDEN, VIS_HIDDEN, VIS_HIDDEN, VIS_HIDDEN, VIS_HIDDEN },
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
		{ VIS_FULL, VIS_FULL, VIS_HIDDEN, VIS_HIDDEN, VIS_COARSE, VIS_HIDDEN, VIS_HIDDEN, VIS_HIDDEN },
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

START_TEST(map_placement)
{
	/* Never finer than the viewer's view or the steward's consent. */
	ck_assert_int_eq(policy_map_placement(VIS_FULL, "exact"), 2);
	ck_assert_int_eq(policy_map_placement(VIS_FULL, "community"), 1);
	ck_assert_int_eq(policy_map_placement(VIS_FULL, "none"), 0);
	ck_assert_int_eq(policy_map_placement(VIS_COARSE, "exact"), 1);
	ck_assert_int_eq(policy_map_placement(VIS_COARSE, "community"), 1);
	ck_assert_int_eq(policy_map_placement(VIS_COARSE, "none"), 0);
	ck_assert_int_eq(policy_map_placement(VIS_HIDDEN, "exact"), 0);
	ck_assert_int_eq(policy_map_placement(VIS_FULL, NULL), 0);
	ck_assert_int_eq(policy_map_placement(VIS_FULL, "Exact"), 0);     /* unknown: most restrictive */
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
	/* Nor does one to an administrator: admins read as staff do. */
	ck_assert_int_eq(see(U(ROLE_ADMIN, 0, 0), "private", 7, 1, 0), VIS_HIDDEN);
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

START_TEST(atoms_kept_whole)
{
	/* Atom A: 6 hidden (3 responded, 3 not): a class of 3 would be
	 * single-out-able, so A's hidden schools are left out.  Atom B: 5
	 * hidden, all responded: kept.  Atom C: 4 hidden: left out.  Visible
	 * schools always count. */
	struct policy_member m[] = {
		{ "A", 1, 1, 0 }, { "B", 1, 1, 0 }, { "A", 1, 1, 0 }, { "C", 1, 0, 0 }, { "A", 1, 1, 0 },
		{ "A", 1, 0, 0 }, { "B", 1, 1, 0 }, { "A", 1, 0, 0 }, { "B", 1, 1, 0 }, { "A", 1, 0, 0 },
		{ "B", 1, 1, 0 }, { "B", 1, 1, 0 }, { "C", 1, 0, 0 }, { "C", 1, 0, 0 }, { "C", 1, 0, 0 },
		{ "A", 0, 1, 0 }, { "C", 0, 0, 0 }, { "D", 0, 2, 0 },
	};
	int n = (int)(sizeof m / sizeof m[0]);
	policy_aggregate(m, n);
	for (int i = 0; i < n; i++) {
		int want = !m[i].hidden || !strcmp(m[i].atom, "B");
		ck_assert_msg(m[i].keep == want, "member %d (%s) keep %d", i, m[i].atom, m[i].keep);
	}
	/* Atom A again with 5 + 5: kept. */
	struct policy_member a[10];
	for (int i = 0; i < 10; i++)
		a[i] = (struct policy_member){ "A", 1, i % 2, 0 };
	policy_aggregate(a, 10);
	for (int i = 0; i < 10; i++)
		ck_assert(a[i].keep);
	policy_aggregate(a, 0);
}
END_TEST

/* The differencing attack on a synthetic region with many small groups:
 * the attacker sees, for every filter combination (state, type, nation,
 * each "any" or one value), how many hidden schools count, and solves by
 * Gaussian elimination for any single atom; every atom they can isolate
 * must hold no hidden school, or at least POLICY_MIN_CELL. */
#define NS 3
#define NT 3
#define NN 4
#define NATOMS (NS * NT * (NN + 1))
START_TEST(differencing_recovers_nothing_small)
{
	static char keys[NATOMS][16];
	static struct policy_member m[4000];
	unsigned seed = 12345;
	int n = 0;
	for (int a = 0; a < NATOMS; a++) {
		snprintf(keys[a], sizeof keys[a], "%d|%d|%d", a / (NT * (NN + 1)), a / (NN + 1) % NT, a % (NN + 1));
		seed = seed * 1103515245 + 12345;
		int hidden = a % (NN + 1) ? (int)(seed >> 16) % 9 : 0;  /* 0-8 hidden: many small atoms */
		int visible = (int)(seed >> 8) % 7;
		for (int i = 0; i < hidden + visible; i++)
			m[n++] = (struct policy_member){ keys[a], i < hidden, (int)((seed >> (i % 13)) & 1), 0 };
	}
	policy_aggregate(m, n);
	double kept[NATOMS] = {0};
	for (int i = 0; i < n; i++)
		if (m[i].hidden && m[i].keep) {
			int a = 0;
			while (strcmp(keys[a], m[i].atom))
				a++;
			kept[a]++;
		}
	/* Rows: every published selection as a 0/1 vector over atoms, with the
	 * hidden count it reveals in the last column. */
	static double rows[(NS + 1) * (NT + 1) * (NN + 2)][NATOMS + 1];
	int nr = 0;
	for (int s = -1; s < NS; s++)
		for (int t = -1; t < NT; t++)
			for (int k = -1; k <= NN; k++) {
				if (k == 0)
					continue;   /* "no nation" is not a filter of its own */
				double sum = 0;
				for (int a = 0; a < NATOMS; a++) {
					int in = (s < 0 || a / (NT * (NN + 1)) == s) && (t < 0 || a / (NN + 1) % NT == t)
					      && (k < 0 || a % (NN + 1) == k);
					rows[nr][a] = in;
					sum += in * kept[a];
				}
				rows[nr][NATOMS] = sum;
				ck_assert(sum == 0 || sum >= POLICY_MIN_CELL);
				nr++;
			}
	/* Reduced row echelon form; a row with a single 1 isolates an atom. */
	int lead = 0;
	for (int c = 0; c < NATOMS && lead < nr; c++) {
		int p = lead;
		while (p < nr && fabs(rows[p][c]) < 1e-9)
			p++;
		if (p == nr)
			continue;
		for (int j = 0; j <= NATOMS; j++) {
			double t = rows[p][j];
			rows[p][j] = rows[lead][j];
			rows[lead][j] = t;
		}
		double d = rows[lead][c];
		for (int j = 0; j <= NATOMS; j++)
			rows[lead][j] /= d;
		for (int i = 0; i < nr; i++)
			if (i != lead && fabs(rows[i][c]) > 1e-9) {
				double f = rows[i][c];
				for (int j = 0; j <= NATOMS; j++)
					rows[i][j] -= f * rows[lead][j];
			}
		lead++;
	}
	int isolated = 0;
	for (int i = 0; i < lead; i++) {
		int nz = 0, at = -1;
		for (int a = 0; a < NATOMS; a++)
			if (fabs(rows[i][a]) > 1e-9) {
				nz++;
				at = a;
			}
		if (nz != 1)
			continue;
		isolated++;
		double v = rows[i][NATOMS];
		ck_assert_msg(fabs(v - kept[at]) < 1e-6, "atom %s solved wrong", keys[at]);
		ck_assert_msg(v < 0.5 || v > POLICY_MIN_CELL - 0.5, "atom %s: %g hidden schools isolated", keys[at], v);
	}
	ck_assert_int_gt(isolated, 0);      /* the attack does isolate atoms: the rule is what keeps them safe */
}
END_TEST

/* What lets the results read staff's and admins' members without the
 * ties (POLICY_STAFF_MEMBER_COLUMNS): their decision is the same whatever
 * the ties are. */
START_TEST(staff_decide_by_level_alone)
{
	static const char *const levels[] = { "private", "foundation", "network", "bogus" };
	enum role roles[] = { ROLE_ADMIN, ROLE_STAFF };
	for (int k = 0; k < 2; k++)
		for (int l = 0; l < 4; l++)
			for (long long nation = 0; nation < 2; nation++) {
				struct user u = U(roles[k], nation, 1);
				enum vis plain = see_c(u, levels[l], nation, 0, 0, 0);
				for (int ties = 1; ties < 8; ties++)
					ck_assert_int_eq(see_c(u, levels[l], nation, ties & 1, !!(ties & 2), !!(ties & 4)), plain);
			}
}
END_TEST

START_TEST(coarse_rounding)
{
	ck_assert(policy_coarse(46.8772) > 46.89 && policy_coarse(46.8772) < 46.91);
	ck_assert(policy_coarse(-96.7898) < -96.79 && policy_coarse(-96.7898) > -96.81);
}
END_TEST

/* The demo region with every kind of tie a viewer can have: schools raised
 * to each level, an intermediary serving private schools with and without
 * the nation's consent and one on a finished roster, a leader of a private
 * school, a steward. */
static void prefilter_against_decide(struct req *r)
{
	char err[512];
	ck_assert_msg(db_exec_file(r->db, ILNET_ROOT "/db/demo/region.sql", err, sizeof err) == 0, "%s", err);
	db_exec(r, "UPDATE schools SET sharing = 'foundation' WHERE nation_id IS NOT NULL AND id % 3 = 0", "");
	db_exec(r, "UPDATE schools SET sharing = 'network' WHERE nation_id IS NOT NULL AND id % 3 = 1 AND id % 2 = 0", "");
	db_exec(r, "UPDATE schools SET sharing = 'foundation' WHERE nation_id IS NULL AND id % 7 = 0", "");
	db_exec(r, "UPDATE schools SET sharing = 'private' WHERE nation_id IS NULL AND id % 11 = 0", "");
	db_exec(r, "INSERT INTO grants (id, org_id, title, amount_cents, start_date, end_date, stage)"
	           " VALUES (1, 1, 'G', 100, '2020-01-01', '2099-12-31', 'active'),"
	           " (2, 2, 'H', 100, '2020-01-01', '2099-12-31', 'awarded')", "");
	db_exec(r, "INSERT INTO grant_schools (grant_id, school_id, from_date, to_date)"
	           " SELECT 1, id, '2020-01-01', CASE WHEN id % 5 = 0 THEN '2021-01-01' END FROM schools WHERE id % 4 = 0", "");
	db_exec(r, "INSERT INTO grant_schools (grant_id, school_id, from_date) SELECT 2, id, '2020-01-01' FROM schools"
	           " WHERE id % 4 = 1", "");
	db_exec(r, "INSERT INTO school_consent (school_id, use_name, value) SELECT id, 'intermediary_profile',"
	           " CASE WHEN id % 8 = 0 THEN 'allowed' ELSE 'refused' END FROM schools WHERE nation_id IS NOT NULL"
	           " AND id % 2 = 0", "");
	long long nation = db_int(r, 0, "SELECT nation_id FROM schools WHERE nation_id IS NOT NULL"
	                                " GROUP BY nation_id ORDER BY count(*) DESC LIMIT 1", "");
	struct user users[] = {
		{ 101, "a@example.org", "A", ROLE_ADMIN, 0, 0 },
		{ 102, "s@example.org", "S", ROLE_STAFF, 0, 0 },
		{ 103, "c@example.org", "C", ROLE_INTERMEDIARY, 1, 0 },
		{ 104, "d@example.org", "D", ROLE_INTERMEDIARY, 2, 0 },
		{ 105, "l@example.org", "L", ROLE_LEADER, 0, 0 },
		{ 106, "w@example.org", "W", ROLE_STEWARD, 0, nation },
		{ 107, "x@example.org", "X", ROLE_LEADER, 0, 0 },
	};
	for (size_t k = 0; k < sizeof users / sizeof users[0]; k++)
		db_exec(r, "INSERT INTO users (id, email, name, role, org_id, nation_id) VALUES (?, ?, ?, ?, nullif(?, 0),"
		           " nullif(?, 0))", "ItttII", users[k].id, users[k].email, users[k].name,
		        role_name(users[k].role), users[k].org_id, users[k].nation_id);
	db_exec(r, "INSERT INTO user_schools (user_id, school_id) SELECT 105, id FROM schools WHERE id % 9 = 0", "");
	int kinds[3] = {0};
	for (size_t k = 0; k < sizeof users / sizeof users[0]; k++) {
		r->user = &users[k];
		int shown = 0;
		/* The ties read once (the map's walk) decide as the columns do. */
		struct policy_ties ties;
		policy_ties_read(r, &ties);
		sqlite3_stmt *st = db_q(r, "SELECT s.id, " POLICY_COLUMNS ", " POLICY_VISIBLE_SQL("?3", "?1", "?2", "?4")
		                           " FROM schools s ORDER BY s.id", "IItI",
		                        users[k].id, users[k].org_id, role_name(users[k].role), users[k].nation_id);
		while (db_step(r, st)) {
			enum vis v = policy_row(r, st, 1);
			kinds[v]++;
			shown += v != VIS_HIDDEN;
			ck_assert_msg(db_col_int(st, 6) == (v != VIS_HIDDEN), "school %lld, role %s: SQL %lld, policy %d",
			              db_col_int(st, 0), role_name(users[k].role), db_col_int(st, 6), (int)v);
			enum vis t = policy_decide_tied(r->user, &ties, db_col_int(st, 0), db_col_int(st, 1), db_col_view(st, 2));
			ck_assert_msg(t == v, "school %lld, role %s: tied %d, policy %d", db_col_int(st, 0),
			              role_name(users[k].role), (int)t, (int)v);
			/* One school asked about alone (policy_school) decides alike. */
			enum vis one = policy_school(r, db_col_int(st, 0));
			ck_assert_msg(one == v, "school %lld, role %s: policy_school %d, policy %d", db_col_int(st, 0),
			              role_name(users[k].role), (int)one, (int)v);
		}
		ck_assert_int_gt(shown, 0);
	}
	/* Staff and admins read members through the short columns (the
	 * results and rates): the same members, hidden alike, in the same atoms. */
	db_exec(r, "INSERT INTO school_consent (school_id, use_name, value) SELECT id, 'aggregate',"
	           " CASE WHEN id % 6 = 0 THEN 'refused' ELSE 'allowed' END FROM schools WHERE id % 3 = 0", "");
	for (size_t k = 0; k < sizeof users / sizeof users[0]; k++) {
		r->user = &users[k];
		ck_assert_int_eq(policy_staff_view(r->user), users[k].role == ROLE_ADMIN || users[k].role == ROLE_STAFF);
		if (!policy_staff_view(r->user))
			continue;
		sqlite3_stmt *st = db_q(r, "SELECT " POLICY_MEMBER_COLUMNS ", " POLICY_STAFF_MEMBER_COLUMNS
		                           " FROM schools s ORDER BY s.id", "II", users[k].id, users[k].org_id);
		int members = 0, out = 0, hidden = 0;
		while (db_step(r, st)) {
			struct policy_member a, b;
			int in_a = policy_member_read(r, st, 0, &a), in_b = policy_member_read(r, st, 7, &b);
			ck_assert_int_eq(in_a, in_b);
			out += !in_a;
			if (!in_a)
				continue;
			members++;
			hidden += a.hidden;
			ck_assert_int_eq(a.hidden, b.hidden);
			ck_assert_str_eq(a.atom ? a.atom : "-", b.atom ? b.atom : "-");
		}
		ck_assert_int_gt(members, 0);
		ck_assert_int_gt(out, 0);
		ck_assert_int_gt(hidden, 0);
	}
	/* Every outcome met. */
	ck_assert_int_gt(kinds[VIS_HIDDEN], 0);
	ck_assert_int_gt(kinds[VIS_COARSE], 0);
	ck_assert_int_gt(kinds[VIS_FULL], 0);
	r->user = NULL;
}

START_TEST(sql_prefilter_agrees_with_policy)
{
	struct req *r = test_req_new();
	int rc = test_run(r, prefilter_against_decide);
	ck_assert_msg(rc == 0, "%d %s", rc, r->fail_msg ? r->fail_msg : "");
	test_req_free(r);
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
	tcase_add_test(t, atoms_kept_whole);
	tcase_add_test(t, differencing_recovers_nothing_small);
	tcase_add_test(t, coarse_rounding);
	tcase_add_test(t, staff_decide_by_level_alone);
	tcase_add_test(t, map_placement);
	tcase_add_test(t, sql_prefilter_agrees_with_policy);
	suite_add_tcase(s, t);
	return s;
}
