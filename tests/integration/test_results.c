/* test_results.c — the 2018 baseline's results through nginx: the page,
 * the JSON summary and the CSV exports agree; small groups are suppressed;
 * only staff may read them. */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static long json_num(const char *body, const char *key)
{
	char pat[64];
	snprintf(pat, sizeof pat, "\"%s\":", key);
	const char *p = strstr(body, pat);
	return p ? atol(p + strlen(pat)) : -1;
}

static int lines(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

START_TEST(results_page_json_and_csv_agree)
{
	struct client *c = client_new();
	ck_assert_int_eq(login(c, "staff@example.org", DEMO_PW), 303);
	struct resp *page = http_get(c, "/scans/2018/results");
	ck_assert_int_eq(page->status, 200);
	struct resp *json = http_get(c, "/api/v1/scans/2018/summary");
	ck_assert_int_eq(json->status, 200);
	char *ct = resp_header(json, "Content-Type");
	ck_assert_str_eq(ct, "application/json");
	free(ct);
	long n = json_num(json->body, "schools_responding");
	char *db_n = db_value("SELECT count(*) FROM responses WHERE cycle_id = (SELECT id FROM scan_cycles"
	                      " WHERE year = 2018) AND status = 'submitted'");
	ck_assert_int_eq(n, atol(db_n));
	free(db_n);
	char want[128];
	snprintf(want, sizeof want, "<strong>%ld</strong> schools responded", n);
	ck_assert(resp_has(page, want));
	snprintf(want, sizeof want, "<strong>%ld%%</strong> of schools implement", json_num(json->body, "implementing_share"));
	ck_assert(resp_has(page, want));
	snprintf(want, sizeof want, "<strong>%ld</strong> school leaders answered", json_num(json->body, "leaders_responding"));
	ck_assert(resp_has(page, want));
	/* The seed's finding holds in the demo baseline: cultural relevance is weakest. */
	ck_assert(resp_has(page, "Weakest in this selection: <strong>Cultural relevance</strong>"));
	ck_assert(resp_has(page, "<svg role=\"img\""));
	ck_assert(resp_has(page, "<caption>Supports that would most help educators: the figures</caption>"));

	/* The CSV: a row per school staff may see in full, plus the private ones = the JSON count. */
	struct resp *csv = http_get(c, "/scans/2018/responses.csv");
	ck_assert_int_eq(csv->status, 200);
	char *disp = resp_header(csv, "Content-Disposition");
	ck_assert(strstr(disp, "ilnet-scan-2018-responses.csv") != NULL);
	free(disp);
	ck_assert(strncmp(csv->body, "school_id,school,state,city,type,nation,submitted_at,role,role_other,", 69) == 0);
	char *hidden = db_value("SELECT count(*) FROM responses x JOIN schools s ON s.id = x.school_id WHERE"
	                        " x.cycle_id = (SELECT id FROM scan_cycles WHERE year = 2018) AND x.status = 'submitted'"
	                        " AND s.sharing = 'private'");
	ck_assert_int_gt(atol(hidden), 0);
	ck_assert_int_eq(lines(csv->body) - 1 + atol(hidden), n);
	free(hidden);
	/* RFC 4180 line ends. */
	ck_assert(strstr(csv->body, "\r\n") != NULL);
	struct resp *book = http_get(c, "/scans/2018/codebook.csv");
	ck_assert(resp_has(book, "supports_needed,Supports and challenges"));
	ck_assert(resp_has(book, "observe=Opportunities to observe practice"));
	resp_free(book);

	/* A filter narrows all three the same way. */
	struct resp *nd = http_get(c, "/api/v1/scans/2018/summary?state=ND");
	long nnd = json_num(nd->body, "schools_responding");
	ck_assert(nnd > 0 && nnd < n);
	resp_free(nd);
	resp_free(csv);
	resp_free(json);
	resp_free(page);
	client_free(c);
}
END_TEST

START_TEST(small_selections_are_suppressed)
{
	struct client *c = client_new();
	ck_assert_int_eq(login(c, "staff@example.org", DEMO_PW), 303);
	char *nation = db_value("SELECT nation_id FROM schools WHERE nation_id IS NOT NULL GROUP BY nation_id"
	                        " HAVING count(*) < 5 LIMIT 1");
	char path[128];
	snprintf(path, sizeof path, "/scans/2018/results?nation=%s", nation);
	struct resp *r = http_get(c, path);
	ck_assert(resp_has(r, "so no figures are shown"));
	ck_assert(!resp_has(r, "class=\"figures\""));
	ck_assert(!resp_has(r, "<svg"));
	resp_free(r);
	snprintf(path, sizeof path, "/api/v1/scans/2018/summary?nation=%s", nation);
	r = http_get(c, path);
	ck_assert(resp_has(r, "\"suppressed\":true"));
	ck_assert(!resp_has(r, "schools_responding"));
	resp_free(r);
	r = http_get(c, "/scans/2018/results");
	ck_assert(resp_has(r, "Not shown (too few schools"));
	resp_free(r);
	/* Never one suppressed group alone: it would be the total minus the rest. */
	const char *sels[] = { "", "?state=ND", "?state=SD", "?state=MN", "?type=small_rural", NULL };
	for (int i = 0; sels[i]; i++) {
		char p[128];
		snprintf(p, sizeof p, "/api/v1/scans/2018/summary%s", sels[i]);
		r = http_get(c, p);
		const char *parts[] = { "\"by_state\"", "\"by_type\"", "\"by_nation\"", NULL };
		for (int k = 0; parts[k]; k++) {
			const char *from = strstr(r->body, parts[k]);
			const char *to = parts[k + 1] ? strstr(r->body, parts[k + 1]) : r->body + strlen(r->body);
			int hidden = 0;
			for (const char *q = from; q && q < to && (q = strstr(q, "\"suppressed\":true")) && q < to; q++)
				hidden++;
			ck_assert_msg(hidden != 1, "%s%s: one group suppressed alone", parts[k], sels[i]);
		}
		resp_free(r);
	}
	/* Two selections that differ by four schools: the smaller is refused. */
	char *all = db_value("SELECT count(*) FROM responses x JOIN schools s ON s.id = x.school_id WHERE"
	                     " x.cycle_id = (SELECT id FROM scan_cycles WHERE year = 2018) AND x.status = 'submitted'"
	                     " AND s.type = 'independent'");
	char *mn = db_value("SELECT count(*) FROM responses x JOIN schools s ON s.id = x.school_id WHERE"
	                    " x.cycle_id = (SELECT id FROM scan_cycles WHERE year = 2018) AND x.status = 'submitted'"
	                    " AND s.type = 'independent' AND s.state_code = 'MN'");
	long diff = atol(all) - atol(mn);
	r = http_get(c, "/api/v1/scans/2018/summary?type=independent&state=MN");
	if (diff > 0 && diff < 5)
		ck_assert(resp_has(r, "\"suppressed\":true"));
	else
		ck_assert(!resp_has(r, "\"suppressed\":true,"));
	ck_assert(!resp_has(r, "schools_in_selection\":") || !resp_has(r, "\"suppressed\":true"));
	resp_free(r);
	free(all);
	free(mn);
	r = http_get(c, "/scans/1999/results");
	ck_assert_int_eq(r->status, 404);
	resp_free(r);
	free(nation);
	client_free(c);
}
END_TEST

START_TEST(only_staff_read_results)
{
	const char *paths[] = { "/scans/2018/results", "/scans/2018/responses.csv", "/scans/2018/codebook.csv",
	                        "/api/v1/scans/2018/summary", NULL };
	const char *who[] = { "leader@example.org", "steward@example.org", "coach@example.org", NULL };
	const char *pw[] = { DEMO_PW, DEMO_PW, "new coach password" };     /* (reset earlier) */
	for (int w = 0; who[w]; w++) {
		struct client *c = client_new();
		ck_assert_int_eq(login(c, who[w], pw[w]), 303);
		for (int i = 0; paths[i]; i++) {
			struct resp *r = http_get(c, paths[i]);
			ck_assert_msg(r->status == 403, "%s got %ld at %s", who[w], r->status, paths[i]);
			resp_free(r);
		}
		client_free(c);
	}
	/* The API answers an anonymous caller in JSON, not with a sign-in page. */
	struct client *anon = client_new();
	struct resp *r = http_get(anon, "/api/v1/scans/2018/summary");
	ck_assert_int_eq(r->status, 401);
	ck_assert(resp_has(r, "\"error\""));
	resp_free(r);
	client_free(anon);
}
END_TEST

void add_results_tests(TCase *t);
void add_results_tests(TCase *t)
{
	tcase_add_test(t, results_page_json_and_csv_agree);
	tcase_add_test(t, small_selections_are_suppressed);
	tcase_add_test(t, only_staff_read_results);
}
