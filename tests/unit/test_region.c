/* test_region.c — grades, labels, the region's reference data. */
#include "unit.h"
#include "db.h"
#include "region.h"

START_TEST(grades)
{
	ck_assert_int_eq(region_grade_parse("PK"), -1);
	ck_assert_int_eq(region_grade_parse("K"), 0);
	ck_assert_int_eq(region_grade_parse("0"), 0);
	ck_assert_int_eq(region_grade_parse("12"), 12);
	ck_assert_int_eq(region_grade_parse("13"), -2);
	ck_assert_int_eq(region_grade_parse("07"), -2);
	ck_assert_int_eq(region_grade_parse(""), -2);
	ck_assert_int_eq(region_grade_parse("5th"), -2);
	ck_assert_str_eq(region_grade_label(-1), "PK");
	ck_assert_str_eq(region_grade_label(0), "K");
	ck_assert_str_eq(region_grade_label(9), "9");
}
END_TEST

START_TEST(labels)
{
	ck_assert_str_eq(region_label(region_school_types, "small_rural"), "Small rural");
	ck_assert_str_eq(region_label(region_school_types, "nope"), "");
	ck_assert(region_valid(region_time_zones, "America/Denver"));
	ck_assert(!region_valid(region_time_zones, "America/New_York"));
	ck_assert(!region_valid(region_states, NULL));
}
END_TEST

static void counts(struct req *r)
{
	ck_assert_int_eq(db_int(r, 0, "SELECT count(*) FROM nations", ""), 23);
	ck_assert_int_eq(db_int(r, 0, "SELECT count(*) FROM states", ""), 3);
	/* Standing Rock and Sisseton-Wahpeton span two states. */
	ck_assert_int_eq(db_int(r, 0, "SELECT count(*) FROM (SELECT nation_id FROM nation_states"
	                              " GROUP BY nation_id HAVING count(*) = 2)", ""), 2);
	/* A nation's school starts private whatever the insert says. */
	db_exec(r, "INSERT INTO schools (name, state_code, city, tz, type, grade_low, grade_high,"
	           " enrollment, nation_id, sharing) VALUES ('T', 'SD', 'Kyle', 'America/Denver',"
	           " 'tribal', 0, 12, 100, 21, 'network')", "");
	ck_assert_str_eq(db_text(r, "SELECT sharing FROM schools WHERE name = 'T'", ""), "private");
	db_exec(r, "INSERT INTO schools (name, state_code, city, tz, type, grade_low, grade_high,"
	           " enrollment) VALUES ('U', 'MN', 'Ely', 'America/Chicago', 'small_rural', 0, 12, 90)", "");
	ck_assert_str_eq(db_text(r, "SELECT sharing FROM schools WHERE name = 'U'", ""), "network");
	db_exec(r, "UPDATE schools SET nation_id = 1 WHERE name = 'U'", "");
	ck_assert_str_eq(db_text(r, "SELECT sharing FROM schools WHERE name = 'U'", ""), "private");
	/* The schema refuses what the forms refuse. */
	ck_assert_int_ne(db_try(r, "INSERT INTO schools (name, state_code, city, tz, type, grade_low,"
	                          " grade_high, enrollment) VALUES ('V', 'MN', 'Ely', 'America/Chicago',"
	                          " 'rural', 0, 12, 90)", ""), SQLITE_DONE);
	ck_assert_int_ne(db_try(r, "INSERT INTO schools (name, state_code, city, tz, type, grade_low,"
	                          " grade_high, enrollment) VALUES ('W', 'MN', 'Ely', 'America/Chicago',"
	                          " 'charter', 5, 2, 90)", ""), SQLITE_DONE);
}

/* The import takes what ilnet shows as well as its codes. */
START_TEST(typed_values)
{
	ck_assert_str_eq(region_value(region_states, " minnesota "), "MN");
	ck_assert_str_eq(region_value(region_states, "sd"), "SD");
	ck_assert_str_eq(region_value(region_school_types, "Small rural"), "small_rural");
	ck_assert_str_eq(region_value(region_school_types, "PUBLIC DISTRICT, URBAN"), "district_urban");
	ck_assert_ptr_null(region_value(region_school_types, "rural"));
	ck_assert_str_eq(region_tz_value("Central"), "America/Chicago");
	ck_assert_str_eq(region_tz_value("Mountain (America/Denver)"), "America/Denver");
	ck_assert_str_eq(region_tz_value("mdt"), "America/Denver");
	ck_assert_str_eq(region_tz_value("America/Chicago"), "America/Chicago");
	ck_assert_ptr_null(region_tz_value("America/New_York"));
	int lo = 9, hi = 9;
	ck_assert_int_eq(region_grades_parse("K-12", &lo, &hi), 0);
	ck_assert_int_eq(lo, 0);
	ck_assert_int_eq(hi, 12);
	ck_assert_int_eq(region_grades_parse("PK\xe2\x80\x93" "5", &lo, &hi), 0);
	ck_assert_int_eq(lo, -1);
	ck_assert_int_eq(hi, 5);
	ck_assert_int_eq(region_grades_parse("Pre-K-8", &lo, &hi), 0);
	ck_assert_int_eq(lo, -1);
	ck_assert_int_eq(hi, 8);
	ck_assert_int_eq(region_grades_parse("9 to 12", &lo, &hi), 0);
	ck_assert_int_eq(lo, 9);
	ck_assert_int_eq(region_grades_parse("kindergarten", &lo, &hi), 0);
	ck_assert_int_eq(hi, 0);
	ck_assert_int_eq(region_grades_parse("12-9", &lo, &hi), -1);
	ck_assert_int_eq(region_grades_parse("K-13", &lo, &hi), -1);
	ck_assert_int_eq(region_grades_parse("", &lo, &hi), -1);
}
END_TEST

START_TEST(reference_data_and_triggers)
{
	struct req *r = test_req_new();
	ck_assert_int_eq(test_run(r, counts), 0);
	test_req_free(r);
}
END_TEST

Suite *region_suite(void)
{
	Suite *s = suite_create("region");
	TCase *t = tcase_create("region");
	tcase_add_test(t, grades);
	tcase_add_test(t, labels);
	tcase_add_test(t, typed_values);
	tcase_add_test(t, reference_data_and_triggers);
	suite_add_tcase(s, t);
	return s;
}
