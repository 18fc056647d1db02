/* test_csv.c — RFC 4180 reading and guarded writing. */
#include "unit.h"
#include "csv.h"

#include <string.h>

START_TEST(reads_quotes_and_line_ends)
{
	struct arena a;
	arena_init(&a);
	struct csv c;
	char err[128];
	const char *s = "\xEF\xBB\xBFname,city\r\n\"Oak, Elm\",\"Say \"\"hi\"\"\"\r\n\r\n"
	                "\"two\nlines\",x\nlast,\n";
	ck_assert_int_eq(csv_parse(&a, s, strlen(s), 100, &c, err, sizeof err), 0);
	ck_assert_int_eq(c.n, 4);
	ck_assert_str_eq(c.rows[0].f[0], "name");
	ck_assert_str_eq(c.rows[1].f[0], "Oak, Elm");
	ck_assert_str_eq(c.rows[1].f[1], "Say \"hi\"");
	ck_assert_int_eq(c.rows[2].line, 4);
	ck_assert_str_eq(c.rows[2].f[0], "two\nlines");
	ck_assert_int_eq(c.rows[3].line, 6);
	ck_assert_int_eq(c.rows[3].n, 2);
	ck_assert_str_eq(c.rows[3].f[1], "");
	arena_free(&a);
}
END_TEST

START_TEST(refuses_malformed)
{
	struct arena a;
	arena_init(&a);
	struct csv c;
	char err[128];
	ck_assert_int_eq(csv_parse(&a, "a,\"open", 7, 100, &c, err, sizeof err), -1);
	ck_assert(strstr(err, "not closed"));
	ck_assert_int_eq(csv_parse(&a, "a,\"x\"y", 6, 100, &c, err, sizeof err), -1);
	ck_assert_int_eq(csv_parse(&a, "a,b\"c", 5, 100, &c, err, sizeof err), -1);
	ck_assert_int_eq(csv_parse(&a, "\xFF\xFE", 2, 100, &c, err, sizeof err), -1);
	ck_assert(strstr(err, "UTF-8"));
	ck_assert_int_eq(csv_parse(&a, "1\n2\n3\n", 6, 2, &c, err, sizeof err), -1);
	arena_free(&a);
}
END_TEST

START_TEST(writes_guarded)
{
	struct buf b = {0};
	csv_field(&b, "plain", 1);
	csv_field(&b, "a,b", 0);
	csv_field(&b, "say \"x\"", 0);
	csv_field(&b, "=HYPERLINK(\"http://evil\")", 0);
	csv_field(&b, "+1", 0);
	csv_field(&b, "-12.5", 0);
	csv_field(&b, "@SUM(A1)", 0);
	csv_field(&b, NULL, 0);
	csv_end(&b);
	ck_assert_str_eq(buf_str(&b), "plain,\"a,b\",\"say \"\"x\"\"\",\"'=HYPERLINK(\"\"http://evil\"\")\","
	                              "+1,-12.5,\"'@SUM(A1)\",\r\n");
	buf_free(&b);
}
END_TEST

Suite *csv_suite(void)
{
	Suite *s = suite_create("csv");
	TCase *t = tcase_create("csv");
	tcase_add_test(t, reads_quotes_and_line_ends);
	tcase_add_test(t, refuses_malformed);
	tcase_add_test(t, writes_guarded);
	suite_add_tcase(s, t);
	return s;
}
