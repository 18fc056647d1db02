/* test_paging.c — lists that grow with the network come 50 rows a page,
 * the filters and the page in the URL; a list of schools pages and counts
 * only what its reader may see (no hidden school on any page, nor in any
 * total); people sort naturally. */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* How many times needle occurs in hay. */
static int occurrences(const char *hay, const char *needle)
{
	int n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* The href of the link with rel (next or prev), malloc'd, or NULL. */
static char *rel_link(const struct resp *r, const char *rel)
{
	char pat[32];
	snprintf(pat, sizeof pat, "\" rel=\"%s\"", rel);
	const char *e = strstr(r->body, pat);
	if (!e)
		return NULL;
	const char *b = e;
	while (b > r->body && strncmp(b, "href=\"", 6))
		b--;
	b += 6;
	char *s = strndup(b, (size_t)(e - b));
	/* &amp; back to & for the next request. */
	for (char *p; (p = strstr(s, "&amp;"));)
		memmove(p + 1, p + 5, strlen(p + 5) + 1);
	return s;
}

/* 120 schools in one town named "Paging Test School NNN", every third of
 * a nation (so private: the trigger sees to it), interleaved in the
 * list's order: 80 visible to staff, 40 hidden among them. */
static void seed_schools(void)
{
	ck_assert_int_eq(db_run(
	    "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 120)"
	    " INSERT INTO schools (name, state_code, city, tz, type, grade_low, grade_high, enrollment, nation_id)"
	    " SELECT printf('Paging Test School %03d', i), 'ND', 'Pagetown', 'America/Chicago',"
	    "        CASE WHEN i % 3 = 0 THEN 'tribal' ELSE 'small_rural' END, 0, 12, 100 + i,"
	    "        CASE WHEN i % 3 = 0 THEN 1 END FROM k"), 0);
	char *n = db_value("SELECT count(*) FROM schools WHERE city = 'Pagetown' AND sharing = 'private'");
	ck_assert_str_eq(n, "40");
	free(n);
}

START_TEST(school_list_pages_only_what_staff_may_see)
{
	seed_schools();
	struct client *c = client_new();
	ck_assert_int_eq(login(c, "staff@example.org", DEMO_PW), 303);
	struct resp *r = http_get(c, "/admin/schools?q=Paging+Test&state=ND");
	ck_assert_int_eq(r->status, 200);
	ck_assert(resp_has(r, "<nav aria-label=\"Pages of schools\""));
	ck_assert(resp_has(r, "Showing 1–50 of 80 schools."));
	ck_assert_int_eq(occurrences(r->body, "<tr><td><a href=\"/schools/"), 50);
	ck_assert(!resp_has(r, "rel=\"prev\""));
	ck_assert(!resp_has(r, "of 120"));
	char *next = rel_link(r, "next");
	ck_assert_ptr_nonnull(next);
	/* Next keeps the filters. */
	ck_assert_str_eq(next, "/admin/schools?q=Paging%20Test&state=ND&page=2");
	/* No hidden school on page 1 ... */
	for (int i = 3; i <= 120; i += 3) {
		char name[64];
		snprintf(name, sizeof name, "Paging Test School %03d", i);
		ck_assert_msg(!resp_has(r, name), "%s listed", name);
	}
	resp_free(r);
	/* ... nor on page 2, which holds the next 30 the viewer may see. */
	r = http_get(c, next);
	ck_assert_int_eq(r->status, 200);
	ck_assert(resp_has(r, "Showing 51–80 of 80 schools."));
	ck_assert_int_eq(occurrences(r->body, "<tr><td><a href=\"/schools/"), 30);
	ck_assert(resp_has(r, "Paging Test School 119"));
	for (int i = 3; i <= 120; i += 3) {
		char name[64];
		snprintf(name, sizeof name, "Paging Test School %03d", i);
		ck_assert_msg(!resp_has(r, name), "%s listed", name);
	}
	ck_assert(!resp_has(r, "rel=\"next\""));
	char *prev = rel_link(r, "prev");
	ck_assert_str_eq(prev, "/admin/schools?q=Paging%20Test&state=ND");
	resp_free(r);
	/* A page past the end is the last page; a page that is no number, the first. */
	r = http_get(c, "/admin/schools?q=Paging+Test&page=9");
	ck_assert(resp_has(r, "Showing 51–80 of 80 schools."));
	resp_free(r);
	r = http_get(c, "/admin/schools?q=Paging+Test&page=x");
	ck_assert(resp_has(r, "Showing 1–50 of 80 schools."));
	resp_free(r);
	/* Unfiltered, the total is every school staff may see. */
	char *visible = db_value("SELECT count(*) FROM schools WHERE sharing <> 'private'");
	char line[96];
	long long v = atoll(visible);
	snprintf(line, sizeof line, "of %lld,%03lld schools.", v / 1000, v % 1000);
	if (v < 1000)
		snprintf(line, sizeof line, "of %lld schools.", v);
	r = http_get(c, "/admin/schools");
	ck_assert_msg(resp_has(r, line), "no \"%s\"", line);
	resp_free(r);
	free(visible);
	free(next);
	free(prev);
	client_free(c);
}
END_TEST

START_TEST(responses_and_visits_paged)
{
	struct client *c = client_new();
	ck_assert_int_eq(login(c, "staff@example.org", DEMO_PW), 303);
	char *visible = db_value("SELECT count(*) FROM responses x JOIN schools s ON s.id = x.school_id"
	                         " WHERE x.cycle_id = (SELECT id FROM scan_cycles WHERE year = 2018)"
	                         " AND s.sharing <> 'private'");
	ck_assert_int_gt(atoi(visible), 50);
	char line[96];
	snprintf(line, sizeof line, "Showing 1–50 of %s responses.", visible);
	struct resp *r = http_get(c, "/scans/2018");
	ck_assert_msg(resp_has(r, line), "no \"%s\"", line);
	ck_assert_int_eq(occurrences(r->body, "<tr><td><a href=\"/scans/2018/responses/"), 50);
	char *next = rel_link(r, "next");
	ck_assert_str_eq(next, "/scans/2018?page=2");
	resp_free(r);
	/* Every response the viewer may see, once, across the pages; none of a
	 * private school's. */
	int seen = 0;
	char path[64];
	for (int p = 1; p <= (atoi(visible) + 49) / 50; p++) {
		snprintf(path, sizeof path, "/scans/2018?page=%d", p);
		r = http_get(c, path);
		seen += occurrences(r->body, "<tr><td><a href=\"/scans/2018/responses/");
		char *priv = db_value("SELECT group_concat(x.id, ',') FROM responses x JOIN schools s ON s.id = x.school_id"
		                      " WHERE s.sharing = 'private' AND x.cycle_id = (SELECT id FROM scan_cycles WHERE year = 2018)");
		for (char *t = strtok(priv, ","); t; t = strtok(NULL, ",")) {
			char link[64];
			snprintf(link, sizeof link, "/scans/2018/responses/%s\"", t);
			ck_assert_msg(!resp_has(r, link), "response %s listed", t);
		}
		free(priv);
		resp_free(r);
	}
	ck_assert_int_eq(seen, atoi(visible));
	free(next);
	free(visible);
	/* Visits: a nav with the total (the demo term of visits). */
	r = http_get(c, "/visits");
	ck_assert_int_eq(r->status, 200);
	ck_assert(resp_has(r, "<nav aria-label=\"Pages of visits\""));
	ck_assert(resp_has(r, "Showing 1–"));
	resp_free(r);
	client_free(c);
}
END_TEST

START_TEST(people_paged_in_natural_order)
{
	ck_assert_int_eq(db_run(
	    "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 60)"
	    " INSERT INTO users (email, name, role) SELECT printf('sortcheck%d@example.org', i),"
	    " printf('Sortcheck respondent %d', i), 'leader' FROM k"), 0);
	struct client *c = client_new();
	ck_assert_int_eq(login(c, "admin@example.org", DEMO_PW), 303);
	struct resp *r = http_get(c, "/admin/people?q=Sortcheck&role=leader");
	ck_assert_int_eq(r->status, 200);
	ck_assert(resp_has(r, "Showing 1–50 of 60 people."));
	ck_assert(resp_has(r, "<nav aria-label=\"Pages of people\""));
	/* 2 before 10, 9 before 10, 10 before 11: as people count. */
	const char *p2 = strstr(r->body, "Sortcheck respondent 2<"), *p9 = strstr(r->body, "Sortcheck respondent 9<");
	const char *p10 = strstr(r->body, "Sortcheck respondent 10<"), *p11 = strstr(r->body, "Sortcheck respondent 11<");
	ck_assert(p2 && p9 && p10 && p11);
	ck_assert(p2 < p9 && p9 < p10 && p10 < p11);
	ck_assert(resp_has(r, "Sortcheck respondent 50<"));
	ck_assert(!resp_has(r, "Sortcheck respondent 51<"));
	char *next = rel_link(r, "next");
	ck_assert_str_eq(next, "/admin/people?q=Sortcheck&role=leader&page=2");
	resp_free(r);
	r = http_get(c, next);
	ck_assert(resp_has(r, "Showing 51–60 of 60 people."));
	ck_assert(resp_has(r, "Sortcheck respondent 51<"));
	ck_assert(resp_has(r, "Sortcheck respondent 60<"));
	resp_free(r);
	free(next);
	client_free(c);
}
END_TEST

START_TEST(grants_paged_with_filters)
{
	ck_assert_int_eq(db_run(
	    "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 55)"
	    " INSERT INTO grants (org_id, title, stage, amount_cents, start_date, end_date)"
	    " SELECT 2, printf('Paging grant %02d', i), 'proposed', 100000, printf('2031-01-%02d', 1 + i % 28),"
	    " '2032-12-31' FROM k"), 0);
	char *n = db_value("SELECT count(*) FROM grants WHERE org_id = 2 AND stage = 'proposed'");
	struct client *c = client_new();
	ck_assert_int_eq(login(c, "staff@example.org", DEMO_PW), 303);
	struct resp *r = http_get(c, "/grants?org=2&stage=proposed");
	char line[96];
	snprintf(line, sizeof line, "Showing 1–50 of %s grants.", n);
	ck_assert_msg(resp_has(r, line), "no \"%s\"", line);
	char *next = rel_link(r, "next");
	ck_assert_str_eq(next, "/grants?org=2&stage=proposed&page=2");
	resp_free(r);
	r = http_get(c, next);
	snprintf(line, sizeof line, "Showing 51–%s of %s grants.", n, n);
	ck_assert_msg(resp_has(r, line), "no \"%s\"", line);
	resp_free(r);
	free(next);
	free(n);
	client_free(c);
}
END_TEST

START_TEST(school_picker_bounded_on_a_large_network)
{
	ck_assert_int_eq(db_run(
	    "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 1100)"
	    " INSERT INTO schools (name, state_code, city, tz, type, grade_low, grade_high, enrollment)"
	    " SELECT printf('Picker Test School %04d', i), 'SD', 'Pickerton', 'America/Chicago', 'charter', 0, 12, 90"
	    " FROM k"), 0);
	/* A leader of the school last in the picker's order. */
	ck_assert_int_eq(db_run("INSERT INTO users (email, name, role) VALUES ('picked@example.org', 'Picked', 'leader');"
	                        " INSERT INTO user_schools (user_id, school_id) SELECT u.id, s.id FROM users u, schools s"
	                        " WHERE u.email = 'picked@example.org' AND s.name = 'Picker Test School 1100'"), 0);
	struct client *c = client_new();
	ck_assert_int_eq(login(c, "staff@example.org", DEMO_PW), 303);
	struct resp *r = http_get(c, "/admin/people");
	ck_assert_int_eq(r->status, 200);
	ck_assert(resp_has(r, "Schools to offer (name or town)"));
	ck_assert(resp_has(r, "Offered: the first 1,000 of"));
	ck_assert(!resp_has(r, "Picker Test School 1100"));
	resp_free(r);
	r = http_get(c, "/admin/people?find=School+1100");
	ck_assert(resp_has(r, "Picker Test School 1100 (Pickerton)"));
	ck_assert(!resp_has(r, "Offered: the first"));
	resp_free(r);
	/* The person's own school is offered, chosen, whatever its place. */
	char *uid = db_value("SELECT id FROM users WHERE email = 'picked@example.org'");
	char path[64];
	snprintf(path, sizeof path, "/admin/people/%s", uid);
	r = http_get(c, path);
	ck_assert(resp_has(r, "<optgroup label=\"Chosen\">"));
	ck_assert(resp_has(r, "selected>Picker Test School 1100 (Pickerton)"));
	resp_free(r);
	/* Saving keeps the link. */
	char *sid = db_value("SELECT id FROM schools WHERE name = 'Picker Test School 1100'");
	char form[128];
	snprintf(form, sizeof form, "action=role&role=leader&schools=%s", sid);
	r = post_form(c, path, path, form);
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	char sql[160];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM user_schools WHERE user_id = %s AND school_id = %s", uid, sid);
	char *n = db_value(sql);
	ck_assert_str_eq(n, "1");
	free(n);
	free(sid);
	free(uid);
	client_free(c);
}
END_TEST

/* A grant's history keeps its newest 200 events a reader may see: events
 * about a school hidden from them are left out before the cut (250 newer
 * ones about a private school once hid every older visible one), and the
 * page says that older ones are not listed. */
START_TEST(grant_history_cut_after_the_policy_and_said)
{
	ck_assert_int_eq(db_run(
	    "INSERT INTO grants (org_id, title, stage, amount_cents, start_date, end_date)"
	    " VALUES (2, 'History cut grant', 'proposed', 100000, '2031-01-01', '2032-12-31');"
	    "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 250)"
	    " INSERT INTO grant_events (grant_id, action, detail, school_id)"
	    " SELECT (SELECT id FROM grants WHERE title = 'History cut grant'), 'noted', printf('cut-visible-%03d', i),"
	    "        (SELECT id FROM schools WHERE sharing = 'network' ORDER BY id LIMIT 1) FROM k;"
	    "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 250)"
	    " INSERT INTO grant_events (grant_id, action, detail, school_id)"
	    " SELECT (SELECT id FROM grants WHERE title = 'History cut grant'), 'noted', printf('cut-hidden-%03d', i),"
	    "        (SELECT id FROM schools WHERE sharing = 'private' ORDER BY id LIMIT 1) FROM k"), 0);
	char *g = db_value("SELECT id FROM grants WHERE title = 'History cut grant'");
	char path[64];
	snprintf(path, sizeof path, "/grants/%s", g);
	struct client *c = client_new();
	ck_assert_int_eq(login(c, "staff@example.org", DEMO_PW), 303);
	struct resp *r = http_get(c, path);
	ck_assert_int_eq(r->status, 200);
	ck_assert_int_eq(occurrences(r->body, "cut-visible-"), 200);
	ck_assert(resp_has(r, "cut-visible-250"));
	ck_assert(!resp_has(r, "cut-visible-050"));
	ck_assert(!resp_has(r, "cut-hidden-"));
	ck_assert(resp_has(r, "Older events are not listed here."));
	resp_free(r);
	client_free(c);
	free(g);
}
END_TEST

void add_paging_cases(Suite *s);
void add_paging_cases(Suite *s)
{
	TCase *t = tcase_create("paging");
	tcase_add_unchecked_fixture(t, stack_up, stack_down);
	tcase_set_timeout(t, 120);
	tcase_add_test(t, school_list_pages_only_what_staff_may_see);
	tcase_add_test(t, responses_and_visits_paged);
	tcase_add_test(t, people_paged_in_natural_order);
	tcase_add_test(t, grants_paged_with_filters);
	tcase_add_test(t, school_picker_bounded_on_a_large_network);
	tcase_add_test(t, grant_history_cut_after_the_policy_and_said);
	suite_add_tcase(s, t);
}
