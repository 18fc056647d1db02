/* test_db.c — migrations, bindings, the fail path and rollback. */
#include "unit.h"
#include "db.h"

#include <stdlib.h>
#include <string.h>

static void bindings(struct req *r)
{
	db_exec(r, "CREATE TABLE t (i INTEGER, big INTEGER, d REAL, s TEXT, b BLOB, n)", "");
	db_exec(r, "INSERT INTO t VALUES (?, ?, ?, ?, ?, ?)", "iIdtbn", 7, 9007199254740993LL, 2.5,
	        "O'Brien; DROP TABLE t", "\x01\x00\x02", 3);
	ck_assert_int_eq(db_int(r, 0, "SELECT i FROM t", ""), 7);
	ck_assert_int_eq(db_int(r, 0, "SELECT big FROM t", ""), 9007199254740993LL);
	ck_assert_str_eq(db_text(r, "SELECT s FROM t", ""), "O'Brien; DROP TABLE t");
	ck_assert_int_eq(db_int(r, 0, "SELECT length(b) FROM t", ""), 3);
	ck_assert_int_eq(db_int(r, -1, "SELECT n FROM t", ""), -1);
	ck_assert_ptr_null(db_text(r, "SELECT s FROM t WHERE i = ?", "i", 8));
	/* The same statement again, with other values: cached, rebound. */
	for (int k = 0; k < 3; k++)
		ck_assert_int_eq(db_int(r, 0, "SELECT ? + 1", "i", k), k + 1);
}

START_TEST(binding_types)
{
	struct req *r = test_req_new();
	ck_assert_int_eq(test_run(r, bindings), 0);
	test_req_free(r);
}
END_TEST

static void wrong_count(struct req *r)
{
	db_exec(r, "SELECT ?, ?", "i", 1);
}

static void bad_sql(struct req *r)
{
	db_exec(r, "SELECT * FROM no_such_table", "");
}

static void half_written(struct req *r)
{
	db_begin(r);
	db_exec(r, "INSERT INTO organizations (name) VALUES ('kept?')", "");
	db_exec(r, "INSERT INTO organizations (name) VALUES (NULL)", "");   /* NOT NULL: fails */
	db_commit(r);
}

START_TEST(failures_take_the_fail_path_and_roll_back)
{
	struct req *r = test_req_new();
	ck_assert_int_eq(test_run(r, wrong_count), 500);
	ck_assert(strstr(r->fail_msg, "binding count"));
	ck_assert_int_eq(test_run(r, bad_sql), 500);
	ck_assert_int_eq(test_run(r, half_written), 500);
	ck_assert(sqlite3_get_autocommit(r->db));
	sqlite3_stmt *st;
	sqlite3_prepare_v2(r->db, "SELECT count(*) FROM organizations", -1, &st, NULL);
	sqlite3_step(st);
	ck_assert_int_eq(sqlite3_column_int(st, 0), 0);       /* nothing stored half-way */
	sqlite3_finalize(st);
	test_req_free(r);
}
END_TEST

static void constraint(struct req *r)
{
	db_exec(r, "INSERT INTO organizations (name) VALUES ('One')", "");
	ck_assert_int_eq(db_try(r, "INSERT INTO organizations (name) VALUES (?)", "t", "One") & 0xff,
	                 SQLITE_CONSTRAINT);
	ck_assert_int_eq(db_try(r, "INSERT INTO organizations (name) VALUES (?)", "t", "Two"), SQLITE_DONE);
}

START_TEST(expected_constraint_errors)
{
	struct req *r = test_req_new();
	ck_assert_int_eq(test_run(r, constraint), 0);
	test_req_free(r);
}
END_TEST

START_TEST(migrations_are_idempotent)
{
	struct req *r = test_req_new();
	char err[256];
	const char *dir = getenv("ILNET_MIGRATIONS");
	ck_assert_int_eq(db_migrate(r->db, dir ? dir : "db/migrations", err, sizeof err), 0);
	sqlite3_stmt *st;
	sqlite3_prepare_v2(r->db, "PRAGMA user_version", -1, &st, NULL);
	sqlite3_step(st);
	ck_assert_int_ge(sqlite3_column_int(st, 0), 1);
	sqlite3_finalize(st);
	sqlite3_prepare_v2(r->db, "PRAGMA foreign_keys", -1, &st, NULL);
	sqlite3_step(st);
	ck_assert_int_eq(sqlite3_column_int(st, 0), 1);
	sqlite3_finalize(st);
	ck_assert_int_eq(db_migrate(r->db, "/nonexistent", err, sizeof err), -1);
	test_req_free(r);
}
END_TEST

START_TEST(natural_order)
{
	static const char *const in_order[] = { "", "2018 respondent 2", "2018 respondent 10", "2018 respondent 100",
	                                        "a", "B", "b", "respondent 02", "respondent 2", "respondent 3",
	                                        "respondent 10", "respondent 10a", "respondent 10b", NULL };
	for (int i = 0; in_order[i]; i++)
		for (int j = 0; in_order[j]; j++) {
			int c = db_natural_cmp(in_order[i], (int)strlen(in_order[i]), in_order[j], (int)strlen(in_order[j]));
			ck_assert_msg(i < j ? c < 0 : i > j ? c > 0 : c == 0, "%s vs %s: %d", in_order[i], in_order[j], c);
		}
	/* And in SQL, on every connection. */
	char err[256];
	sqlite3 *db;
	ck_assert_int_eq(db_open(":memory:", &db, err, sizeof err), SQLITE_OK);
	sqlite3_stmt *st;
	ck_assert_msg(sqlite3_prepare_v2(db, "SELECT group_concat(v, ',') FROM (SELECT v FROM (SELECT 'r 10' AS v"
	                                        " UNION ALL SELECT 'r 9' UNION ALL SELECT 'r 1') ORDER BY v COLLATE natural_sort)",
	                                    -1, &st, NULL) == SQLITE_OK, "%s", sqlite3_errmsg(db));
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	ck_assert_str_eq((const char *)sqlite3_column_text(st, 0), "r 1,r 9,r 10");
	sqlite3_finalize(st);
	db_close(db);
}
END_TEST

Suite *db_suite(void)
{
	Suite *s = suite_create("db");
	TCase *t = tcase_create("db");
	tcase_add_test(t, binding_types);
	tcase_add_test(t, failures_take_the_fail_path_and_roll_back);
	tcase_add_test(t, expected_constraint_errors);
	tcase_add_test(t, migrations_are_idempotent);
	tcase_add_test(t, natural_order);
	suite_add_tcase(s, t);
	return s;
}
