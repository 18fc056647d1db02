/* test_route.c — matching, 404 vs 405, ids, and the table check. */
#include "unit.h"
#include "route.h"

#include <string.h>

static void h(struct req *r) { (void)r; }

static const struct route table[] = {
	{ "GET",  "/",                  h, ROLE_SIGNED_IN, 0 },
	{ "GET",  "/login",             h, ROLE_PUBLIC, 0 },
	{ "POST", "/login",             h, ROLE_PUBLIC, 0 },
	{ "GET",  "/grants/{id}",       h, ROLE_STAFF, 0 },
	{ "GET",  "/grants/{id}/payments/{id}", h, ROLE_STAFF, 0 },
	{ "POST", "/grants/{id}",       h, ROLE_STAFF, 0 },
};
#define N ((int)(sizeof table / sizeof table[0]))

static enum route_result find(const char *m, const char *p, const struct route **rt,
                              long long *ids, int *n, char *allow)
{
	return route_find(table, N, m, p, rt, ids, n, allow, 64);
}

START_TEST(matches_and_ids)
{
	const struct route *rt;
	long long ids[REQ_MAX_IDS];
	int n;
	char allow[64];
	ck_assert_int_eq(find("GET", "/login", &rt, ids, &n, allow), ROUTE_FOUND);
	ck_assert_ptr_eq(rt, &table[1]);
	ck_assert_int_eq(find("HEAD", "/login", &rt, ids, &n, allow), ROUTE_FOUND);
	ck_assert_int_eq(find("GET", "/grants/42", &rt, ids, &n, allow), ROUTE_FOUND);
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(ids[0], 42);
	ck_assert_int_eq(find("GET", "/grants/7/payments/900000000000001", &rt, ids, &n, allow), ROUTE_FOUND);
	ck_assert_int_eq(n, 2);
	ck_assert_int_eq(ids[1], 900000000000001LL);
	ck_assert_int_eq(find("POST", "/grants/3", &rt, ids, &n, allow), ROUTE_FOUND);
	ck_assert_ptr_eq(rt, &table[5]);
}
END_TEST

START_TEST(ids_are_strict)
{
	const struct route *rt;
	long long ids[REQ_MAX_IDS];
	int n;
	char allow[64];
	const char *bad[] = { "/grants/0", "/grants/-1", "/grants/007", "/grants/1a", "/grants/",
	                      "/grants/1234567890123456", "/grants/+1", "/grants/1/", "/login/", "//login",
	                      "/LOGIN", NULL };
	for (int i = 0; bad[i]; i++)
		ck_assert_msg(find("GET", bad[i], &rt, ids, &n, allow) == ROUTE_NOT_FOUND, "%s matched", bad[i]);
}
END_TEST

START_TEST(method_not_allowed_lists_allow)
{
	const struct route *rt;
	long long ids[REQ_MAX_IDS];
	int n;
	char allow[64];
	ck_assert_int_eq(find("DELETE", "/login", &rt, ids, &n, allow), ROUTE_BAD_METHOD);
	ck_assert_str_eq(allow, "GET, HEAD, POST");
	ck_assert_int_eq(find("POST", "/", &rt, ids, &n, allow), ROUTE_BAD_METHOD);
	ck_assert_str_eq(allow, "GET, HEAD");
	ck_assert_int_eq(find("PUT", "/nowhere", &rt, ids, &n, allow), ROUTE_NOT_FOUND);
}
END_TEST

START_TEST(table_check_refuses_undeclared_roles)
{
	char err[128];
	ck_assert_int_eq(route_table_check(table, N, err, sizeof err), 0);
	const struct route no_role[] = { { "GET", "/x", h, 0, 0 } };
	ck_assert_int_eq(route_table_check(no_role, 1, err, sizeof err), -1);
	ck_assert(strstr(err, "/x"));
	const struct route bogus_role[] = { { "GET", "/x", h, 1u << 20, 0 } };
	ck_assert_int_eq(route_table_check(bogus_role, 1, err, sizeof err), -1);
	const struct route twice[] = { { "GET", "/x", h, ROLE_PUBLIC, 0 }, { "GET", "/x", h, ROLE_PUBLIC, 0 } };
	ck_assert_int_eq(route_table_check(twice, 2, err, sizeof err), -1);
	const struct route put[] = { { "PUT", "/x", h, ROLE_PUBLIC, 0 } };
	ck_assert_int_eq(route_table_check(put, 1, err, sizeof err), -1);
	/* And the application's own table passes. */
	ck_assert_msg(route_table_check(app_routes, app_nroutes, err, sizeof err) == 0, "%s", err);
}
END_TEST

Suite *route_suite(void)
{
	Suite *s = suite_create("route");
	TCase *t = tcase_create("route");
	tcase_add_test(t, matches_and_ids);
	tcase_add_test(t, ids_are_strict);
	tcase_add_test(t, method_not_allowed_lists_allow);
	tcase_add_test(t, table_check_refuses_undeclared_roles);
	suite_add_tcase(s, t);
	return s;
}
