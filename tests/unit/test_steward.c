/* test_steward.c — what a steward has, the pure parts and their storage:
 * consent values and defaults (the C and the SQL agree), Local Contexts
 * codes (only known ones, in a fixed order), and the use log (recorded per
 * nation and precision, never failing the request). */
#include "unit.h"
#include "db.h"
#include "policy.h"
#include "usage.h"

#include <string.h>

START_TEST(consent_values)
{
	ck_assert(policy_use_valid("aggregate") && policy_use_valid("map") && policy_use_valid("connect_host") &&
	          policy_use_valid("intermediary_profile"));
	ck_assert(!policy_use_valid("labels") && !policy_use_valid("") && !policy_use_valid(NULL));
	ck_assert(policy_consent_valid("aggregate", "allowed") && policy_consent_valid("connect_host", "refused"));
	ck_assert(!policy_consent_valid("aggregate", "exact") && !policy_consent_valid("aggregate", "Allowed"));
	ck_assert(policy_consent_valid("map", "none") && policy_consent_valid("map", "community") &&
	          policy_consent_valid("map", "exact"));
	ck_assert(!policy_consent_valid("map", "allowed") && !policy_consent_valid("nope", "allowed"));
	ck_assert(!policy_consent_valid("map", NULL));
	/* The defaults: a nation's school gives only its aggregate count. */
	ck_assert_str_eq(policy_consent_default("aggregate", 7), "allowed");
	ck_assert_str_eq(policy_consent_default("map", 7), "none");
	ck_assert_str_eq(policy_consent_default("connect_host", 7), "refused");
	ck_assert_str_eq(policy_consent_default("intermediary_profile", 7), "refused");
	/* A school without a nation has no steward to ask. */
	ck_assert_str_eq(policy_consent_default("map", 0), "exact");
	ck_assert_str_eq(policy_consent_default("connect_host", 0), "allowed");
	ck_assert_str_eq(policy_consent_default("intermediary_profile", 0), "allowed");
	ck_assert_str_eq(policy_consent_default("whatever", 0), "refused");
}
END_TEST

START_TEST(label_codes)
{
	ck_assert(policy_label_find("TK CO") != NULL);
	ck_assert_str_eq(policy_label_find("TK CO")->name, "TK Community Use Only");
	ck_assert(policy_label_find("BC P") && policy_label_find("TK A") && policy_label_find("TK NC"));
	ck_assert(policy_label_find("TK Notice") && policy_label_find("BC Notice") &&
	          policy_label_find("Attribution Incomplete"));
	ck_assert(policy_label_find("tk co") == NULL);       /* published codes, exactly */
	ck_assert(policy_label_find("TK XX") == NULL);
	ck_assert(policy_label_find("") == NULL && policy_label_find(NULL) == NULL);
	for (int i = 0; policy_label_list[i].code; i++)
		ck_assert_msg(*policy_label_list[i].name && *policy_label_list[i].meaning, "%s", policy_label_list[i].code);

	struct arena a = {0};
	const struct policy_label *l[8];
	const char *bad = NULL;
	ck_assert_int_eq(policy_labels_parse(&a, " TK CO ;TK NC,  BC P ", l, 8, &bad), 3);
	ck_assert_str_eq(l[0]->code, "TK CO");
	ck_assert_str_eq(l[2]->code, "BC P");
	ck_assert_int_eq(policy_labels_parse(&a, "TK CO; TK CO;;", l, 8, &bad), 1);   /* once each */
	ck_assert_int_eq(policy_labels_parse(&a, "", l, 8, &bad), 0);
	ck_assert_int_eq(policy_labels_parse(&a, " ; ", l, 8, &bad), 0);
	ck_assert_int_eq(policy_labels_parse(&a, NULL, l, 8, &bad), 0);
	ck_assert_int_eq(policy_labels_parse(&a, "TK CO; TK Sacred", l, 8, &bad), -1);
	ck_assert_str_eq(bad, "TK Sacred");
	ck_assert_int_eq(policy_labels_parse(&a, "TKCO", l, 8, &bad), -1);
	ck_assert_str_eq(bad, "TKCO");
	arena_free(&a);
}
END_TEST

static void stored(struct req *r)
{
	db_exec(r, "INSERT INTO schools (id, name, state_code, city, tz, type, grade_low, grade_high, enrollment,"
	           " nation_id) VALUES (10, 'Tribal', 'SD', 'Kyle', 'America/Denver', 'tribal', 0, 12, 100, 21),"
	           " (11, 'Town', 'SD', 'Pierre', 'America/Chicago', 'small_rural', 0, 12, 100, NULL)", "");
	/* The SQL defaults are the C defaults, school by school, use by use. */
	for (long long id = 10; id <= 11; id++)
		for (int u = 0; u < POLICY_NUSES; u++)
			ck_assert_str_eq(policy_consent(r, id, policy_uses[u]),
			                 policy_consent_default(policy_uses[u], id == 10 ? 21 : 0));
	ck_assert_int_eq(db_int(r, -1, "SELECT " POLICY_AGGREGATE_OK " FROM schools s WHERE id = 10", ""), 1);
	ck_assert_int_eq(db_int(r, -1, "SELECT " POLICY_CONNECT_HOST_OK " FROM schools s WHERE id = 10", ""), 0);
	ck_assert_int_eq(db_int(r, -1, "SELECT " POLICY_CONNECT_HOST_OK " FROM schools s WHERE id = 11", ""), 1);
	ck_assert_str_eq(db_text(r, "SELECT " POLICY_MAP_PRECISION " FROM schools s WHERE id = 10", ""), "none");
	ck_assert_str_eq(db_text(r, "SELECT " POLICY_MAP_PRECISION " FROM schools s WHERE id = 11", ""), "exact");
	ck_assert(policy_consents(r, 10, "aggregate") && !policy_consents(r, 10, "map") &&
	          !policy_consents(r, 10, "connect_host") && !policy_consents(r, 10, "intermediary_profile"));
	/* A steward's choice wins, in C and in SQL alike. */
	db_exec(r, "INSERT INTO school_consent (school_id, use_name, value) VALUES (10, 'aggregate', 'refused'),"
	           " (10, 'map', 'community'), (10, 'connect_host', 'allowed')", "");
	ck_assert(!policy_consents(r, 10, "aggregate") && policy_consents(r, 10, "map") &&
	          policy_consents(r, 10, "connect_host"));
	ck_assert_int_eq(db_int(r, -1, "SELECT " POLICY_AGGREGATE_OK " FROM schools s WHERE id = 10", ""), 0);
	ck_assert_int_eq(db_int(r, -1, "SELECT " POLICY_CONNECT_HOST_OK " FROM schools s WHERE id = 10", ""), 1);
	ck_assert_str_eq(db_text(r, "SELECT " POLICY_MAP_PRECISION " FROM schools s WHERE id = 10", ""), "community");
	/* POLICY_MAP_PRECISION is the correlated POLICY_CONSENT_SQL, value by
	 * value, with and without a nation. */
	static const char *const map_values[] = { "none", "community", "exact", NULL };
	for (int k = 0; k <= 3; k++) {
		for (long long id = 10; id <= 11; id++) {
			if (k < 3)
				db_exec(r, "INSERT OR REPLACE INTO school_consent (school_id, use_name, value) VALUES (?, 'map', ?)",
				        "It", id, map_values[k]);
			else
				db_exec(r, "DELETE FROM school_consent WHERE school_id = ? AND use_name = 'map'", "I", id);
			ck_assert_str_eq(db_text(r, "SELECT " POLICY_MAP_PRECISION " FROM schools s WHERE id = ?", "I", id),
			                 db_text(r, "SELECT " POLICY_CONSENT_SQL("map", "none", "exact") " FROM schools s"
			                            " WHERE id = ?", "I", id));
			ck_assert_str_eq(db_text(r, "SELECT " POLICY_MAP_PRECISION " FROM schools s WHERE id = ?", "I", id),
			                 k < 3 ? map_values[k] : id == 10 ? "none" : "exact");
		}
	}
	db_exec(r, "INSERT INTO school_consent (school_id, use_name, value) VALUES (10, 'map', 'community')", "");
	ck_assert_str_eq(policy_consent(r, 999, "map"), "none");       /* no such school: nothing */
	ck_assert_int_eq(policy_consents(r, 999, "aggregate"), 0);
	/* The table refuses a value the use cannot take. */
	ck_assert_int_ne(db_try(r, "INSERT INTO school_consent (school_id, use_name, value)"
	                           " VALUES (11, 'map', 'allowed')", ""), SQLITE_DONE);

	/* Labels come back in the list's order, whatever the order stored. */
	ck_assert_str_eq(policy_labels(r, 10), "");
	db_exec(r, "INSERT INTO school_labels (school_id, code) VALUES (10, 'BC P'), (10, 'TK NC'), (10, 'TK CO')", "");
	ck_assert_str_eq(policy_labels(r, 10), "TK CO; TK NC; BC P");
	/* Moving to another nation starts over: consents and labels were the
	 * former nation's to give. */
	db_exec(r, "UPDATE schools SET nation_id = 22 WHERE id = 10", "");
	ck_assert_str_eq(policy_labels(r, 10), "");
	ck_assert_str_eq(policy_consent(r, 10, "aggregate"), "allowed");
	ck_assert_str_eq(policy_consent(r, 10, "map"), "none");
}

START_TEST(consent_and_labels_stored)
{
	struct req *r = test_req_new();
	ck_assert_int_eq(test_run(r, stored), 0);
	test_req_free(r);
}
END_TEST

static void logged(struct req *r)
{
	db_exec(r, "INSERT INTO users (id, email, name, role) VALUES (5, 's@example.org', 'S', 'staff')", "");
	struct user u = { .id = 5, .email = "s@example.org", .name = "S", .role = ROLE_STAFF };
	r->user = &u;
	r->path = "/visits.csv";
	usage_record(r, 12, "visits.csv", 3, "full");
	usage_record(r, 0, "visits.csv", 3, "full");          /* no nation */
	usage_record(r, 12, "visits.csv", 0, "full");         /* no school */
	usage_record(r, 12, "visits.csv", 1, "exactish");     /* no such precision */
	ck_assert_int_eq(db_int(r, 0, "SELECT count(*) FROM usage_log", ""), 1);
	ck_assert_str_eq(db_text(r, "SELECT role || ' ' || what || ' ' || address || ' ' || nschools || ' ' || precision"
	                            " FROM usage_log", ""), "staff visits.csv /visits.csv 3 full");
	/* A read across nations: one row per nation and precision. */
	struct usage_tally t = {0};
	usage_count(&t, 12, VIS_FULL);
	usage_count(&t, 12, VIS_FULL);
	usage_count(&t, 12, VIS_COARSE);
	usage_count(&t, 13, VIS_HIDDEN);
	usage_count(&t, 0, VIS_FULL);                         /* not a nation's school */
	usage_flush(r, &t, "schools list");
	ck_assert_int_eq(t.n, 0);
	ck_assert_str_eq(db_text(r, "SELECT group_concat(nation_id || ':' || nschools || ':' || precision, ' ')"
	                            " FROM (SELECT * FROM usage_log WHERE what = 'schools list' ORDER BY nation_id, precision)",
	                         ""), "12:1:coarse 12:2:full 13:1:aggregate");
	/* A list that names a school twice (two visits) counts it once. */
	usage_count_school(r, &t, 40, 12, VIS_COARSE);
	usage_count_school(r, &t, 40, 12, VIS_COARSE);
	usage_count_school(r, &t, 41, 12, VIS_COARSE);
	usage_count_school(r, &t, 42, 0, VIS_COARSE);
	usage_flush(r, &t, "visits");
	ck_assert_str_eq(db_text(r, "SELECT nschools || ' ' || precision FROM usage_log WHERE what = 'visits'", ""),
	                 "2 coarse");
	ck_assert_str_eq(usage_precision(VIS_HIDDEN), "aggregate");
	ck_assert_str_eq(usage_precision(VIS_COARSE), "coarse");
	ck_assert_str_eq(usage_precision(VIS_FULL), "full");
	/* A write that fails (here: the nation does not exist) is swallowed:
	 * the request goes on. */
	usage_record(r, 9999, "visits.csv", 1, "full");
	ck_assert_int_eq(db_int(r, 0, "SELECT count(*) FROM usage_log WHERE nation_id = 9999", ""), 0);
	ck_assert_int_eq(db_exec_soft(r, "INSERT INTO no_such_table VALUES (1)", ""), SQLITE_ERROR);
	r->user = NULL;
	usage_record(r, 12, "visits.csv", 1, "full");         /* nobody signed in: nothing */
	ck_assert_int_eq(db_int(r, 0, "SELECT count(*) FROM usage_log WHERE what = 'visits.csv'", ""), 1);
}

START_TEST(uses_logged)
{
	struct req *r = test_req_new();
	ck_assert_int_eq(test_run(r, logged), 0);
	test_req_free(r);
}
END_TEST

Suite *steward_suite(void)
{
	Suite *s = suite_create("steward");
	TCase *t = tcase_create("steward");
	tcase_add_test(t, consent_values);
	tcase_add_test(t, label_codes);
	tcase_add_test(t, consent_and_labels_stored);
	tcase_add_test(t, uses_logged);
	suite_add_tcase(s, t);
	return s;
}
