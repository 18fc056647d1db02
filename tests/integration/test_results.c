/* test_results.c — the 2018 baseline's results through nginx: the page,
 * the JSON summary and the CSV exports agree; no combination of published
 * figures isolates fewer than five hidden schools; only staff may read them. */
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
	/* The demo's private schools sit in atoms of one to three: none counts. */
	char *db_n = db_value("SELECT count(*) FROM responses x JOIN schools s ON s.id = x.school_id WHERE cycle_id ="
	                      " (SELECT id FROM scan_cycles WHERE year = 2018) AND status = 'submitted'"
	                      " AND s.sharing <> 'private'");
	ck_assert_int_eq(n, atol(db_n));
	free(db_n);
	ck_assert_int_eq(json_num(json->body, "responses_not_listed"), 0);
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
	ck_assert(resp_has(page, ">Supports that would most help educators: the figures</caption>"));
	ck_assert(resp_has(page, "How these figures protect schools"));

	/* The CSV: a row per school staff may see in full = the JSON count. */
	struct resp *csv = http_get(c, "/scans/2018/responses.csv");
	ck_assert_int_eq(csv->status, 200);
	char *disp = resp_header(csv, "Content-Disposition");
	ck_assert(strstr(disp, "ilnet-scan-2018-responses.csv") != NULL);
	free(disp);
	ck_assert(strncmp(csv->body, "school_id,school,state,city,type,nation,submitted_at,leader_key,role,role_other,",
	                  80) == 0);
	ck_assert_int_eq(lines(csv->body) - 1, n);
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

/* ---- the differencing attack ---------------------------------------------- */

/* Visible rows of the responses CSV in a selection (state, type, nation
 * name; NULL or "" for any, "-" for no nation). */
static long csv_rows(const char *csv, const char *state, const char *type, const char *nation)
{
	long n = 0;
	const char *p = strstr(csv, "\r\n");
	while (p && p[2]) {
		p += 2;
		/* school_id,school,state,city,type,nation,... : names may be quoted. */
		char f[6][160];
		const char *q = p;
		for (int i = 0; i < 6; i++) {
			size_t k = 0;
			if (*q == '"') {
				q++;
				while (*q && !(*q == '"' && q[1] != '"')) {
					if (*q == '"')
						q++;
					if (k < sizeof f[i] - 1)
						f[i][k++] = *q;
					q++;
				}
				q++;
			} else {
				while (*q && *q != ',' && *q != '\r')
					if (k < sizeof f[i] - 1)
						f[i][k++] = *q++;
					else
						q++;
			}
			f[i][k] = 0;
			if (*q == ',')
				q++;
		}
		if ((!state || !strcmp(state, f[2])) && (!type || !strcmp(type, f[4])) &&
		    (!nation || (!strcmp(nation, "-") ? !*f[5] : !strcmp(nation, f[5]))))
			n++;
		p = strstr(p, "\r\n");
	}
	return n;
}

/* Every selection the product offers (state x type x nation, each "any"
 * or one value) is fetched; for each, the attacker subtracts the rows they
 * may read anyway (the CSV) from the published count, leaving the hidden
 * schools it counts.  Every selection is a union of atoms (state, type,
 * nation), and the finest sets an attacker can solve for by adding and
 * subtracting selections are atoms (the ones with a nation are selections
 * themselves; the ones without are a state-type selection minus its
 * nations).  So: if no selection and no atom reveals 1 to 4 hidden
 * schools, no linear combination of published counts can. */
static void attack(struct client *c, int *kept_seen)
{
	static const char *states[] = { NULL, "MN", "ND", "SD" };
	static const char *types[] = { NULL, "district_urban", "district_suburban", "small_rural", "tribal",
	                               "independent", "charter" };
	struct resp *csv = http_get(c, "/scans/2018/responses.csv");
	ck_assert_int_eq(csv->status, 200);
	char *nn = db_value("SELECT count(*) FROM nations");
	int nations = atoi(nn);
	free(nn);
	ck_assert(nations > 0 && nations < 64);
	char *nid_of[64] = {0}, *name_of[64] = {0};
	for (int k = 1; k <= nations; k++) {
		char q[96];
		snprintf(q, sizeof q, "SELECT id FROM nations ORDER BY id LIMIT 1 OFFSET %d", k - 1);
		nid_of[k] = db_value(q);
		snprintf(q, sizeof q, "SELECT name FROM nations ORDER BY id LIMIT 1 OFFSET %d", k - 1);
		name_of[k] = db_value(q);
	}
	for (int si = 0; si < 4; si++)
		for (int ti = 0; ti < 7; ti++) {
			long sum_nations = 0;
			for (int k = 0; k <= nations; k++) {
				char path[200];
				const char *nname = name_of[k], *nid = nid_of[k];
				snprintf(path, sizeof path, "/api/v1/scans/2018/summary?state=%s&type=%s&nation=%s",
				         states[si] ? states[si] : "", types[ti] ? types[ti] : "", nid ? nid : "0");
				struct resp *j = http_get(c, path);
				ck_assert_int_eq(j->status, 200);
				long pub = json_num(j->body, "schools_responding");
				long unlisted = json_num(j->body, "responses_not_listed");
				long hidden = pub - csv_rows(csv->body, states[si], types[ti], nname);
				ck_assert_msg(hidden == unlisted, "%s: page says %ld not listed, attacker finds %ld",
				              path, unlisted, hidden);
				ck_assert_msg(hidden == 0 || hidden >= 5, "%s: %ld hidden schools isolated", path, hidden);
				if (!k) {
					sum_nations = -hidden;
				} else {
					sum_nations += hidden;
				}
				if (k && hidden)
					++*kept_seen;
				resp_free(j);
			}
			/* The atom without a nation: the selection minus its nations. */
			long rest = -sum_nations;
			ck_assert_msg(rest == 0 || rest >= 5, "state %s type %s: %ld hidden schools without a nation",
			              states[si] ? states[si] : "*", types[ti] ? types[ti] : "*", rest);
		}
	for (int k = 1; k <= nations; k++) {
		free(nid_of[k]);
		free(name_of[k]);
	}
	resp_free(csv);
}

START_TEST(differencing_recovers_no_hidden_school)
{
	struct client *c = client_new();
	ck_assert_int_eq(login(c, "staff@example.org", DEMO_PW), 303);
	int kept = 0;
	attack(c, &kept);                       /* the demo: every private atom is small */
	ck_assert_int_eq(kept, 0);
	/* The attack: ND small rural minus its tribal part minus the
	 * rows staff read gives nothing about the two private schools. */
	struct resp *a = http_get(c, "/api/v1/scans/2018/summary?state=ND&type=small_rural");
	long nd_sr = json_num(a->body, "schools_responding");
	resp_free(a);
	struct resp *csv = http_get(c, "/scans/2018/responses.csv");
	ck_assert_int_eq(nd_sr, csv_rows(csv->body, "ND", "small_rural", NULL));
	resp_free(csv);

	/* Now a nation with enough private schools in one atom: six tribal
	 * schools in North Dakota, five responded and one not: the one alone
	 * in its class would be singled out, so the atom still does not
	 * count... */
	char *nation = db_value("SELECT id FROM nations ORDER BY id LIMIT 1");
	char sh[2048];
	snprintf(sh, sizeof sh,
	    "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 6)"
	    " INSERT INTO schools (name, state_code, city, tz, type, grade_low, grade_high, enrollment, nation_id)"
	    " SELECT 'Atom test school ' || i, 'ND', 'Atomville', 'America/Chicago', 'tribal', 0, 12, 100, %s FROM k;"
	    " INSERT INTO responses (cycle_id, school_id, status, submitted_at)"
	    " SELECT (SELECT id FROM scan_cycles WHERE year = 2018), id, 'submitted', unixepoch() FROM schools"
	    " WHERE city = 'Atomville' AND name <> 'Atom test school 6';", nation);
	ck_assert_int_eq(db_run(sh), 0);
	kept = 0;
	attack(c, &kept);
	ck_assert_int_eq(kept, 0);
	/* ...and with the sixth responding too, it does: counted, never listed. */
	ck_assert_int_eq(db_run("INSERT INTO responses (cycle_id, school_id, status, submitted_at)"
	                        " SELECT (SELECT id FROM scan_cycles WHERE year = 2018), id, 'submitted', unixepoch()"
	                        " FROM schools WHERE name = 'Atom test school 6'"), 0);
	kept = 0;
	attack(c, &kept);
	ck_assert_int_gt(kept, 0);
	char path[96];
	snprintf(path, sizeof path, "/scans/2018/results?state=ND&type=tribal&nation=%s", nation);
	struct resp *p = http_get(c, path);
	ck_assert(resp_has(p, "6 responses from schools whose nations keep them private are counted"));
	resp_free(p);
	/* Put the region back. */
	ck_assert_int_eq(db_run("DELETE FROM responses WHERE school_id IN (SELECT id FROM schools WHERE city ="
	                        " 'Atomville'); DELETE FROM schools WHERE city = 'Atomville'"), 0);
	free(nation);
	struct resp *r = http_get(c, "/scans/1999/results");
	ck_assert_int_eq(r->status, 404);
	resp_free(r);
	client_free(c);
}
END_TEST

/* Figures are cached per worker, yet never stale: a response reopened
 * leaves the figures at once, on every worker; a draft saved does not
 * empty the cache (the revision counts only what figures are made of). */
START_TEST(cached_figures_are_never_stale)
{
	struct client *c = client_new();
	ck_assert_int_eq(login(c, "staff@example.org", DEMO_PW), 303);
	char *year = db_value("SELECT year FROM scan_cycles WHERE status = 'open'");
	char *id = db_value("SELECT x.id FROM responses x JOIN schools s ON s.id = x.school_id WHERE x.status = 'submitted'"
	                    " AND x.cycle_id = (SELECT id FROM scan_cycles WHERE status = 'open') AND s.sharing <> 'private'"
	                    " ORDER BY x.id DESC LIMIT 1");
	ck_assert_ptr_nonnull(id);
	char path[96], page[64], action[96];
	snprintf(path, sizeof path, "/api/v1/scans/%s/summary", year);
	long before = -1;
	for (int i = 0; i < 8; i++) {       /* every worker computes and keeps it */
		struct resp *r = http_get(c, path);
		long n = json_num(r->body, "schools_responding");
		ck_assert(before < 0 || n == before);
		before = n;
		resp_free(r);
	}
	char *rev0 = db_value("SELECT n FROM revisions WHERE name = 'figures'");
	ck_assert_int_eq(db_run("UPDATE responses SET revision = revision + 1, section = 'learning'"
	                        " WHERE status = 'in_progress'"), 0);           /* drafts saved */
	char *rev1 = db_value("SELECT n FROM revisions WHERE name = 'figures'");
	ck_assert_str_eq(rev0, rev1);
	snprintf(page, sizeof page, "/scans/%s", year);
	snprintf(action, sizeof action, "/scans/%s/responses/%s/reopen", year, id);
	char q[128];
	snprintf(q, sizeof q, "SELECT count(*) FROM response_summary WHERE response_id = %s", id);
	char *had = db_value(q);
	struct resp *r = post_form(c, page, action, "sure=1");
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	/* Its summary went in the same transaction. */
	char *has = db_value(q);
	ck_assert_str_eq(had, "1");
	ck_assert_str_eq(has, "0");
	free(had);
	free(has);
	for (int i = 0; i < 8; i++) {
		r = http_get(c, path);
		ck_assert_int_eq(json_num(r->body, "schools_responding"), before - 1);
		resp_free(r);
	}
	snprintf(path, sizeof path, "/scans/%s/results", year);
	r = http_get(c, path);
	char want[96];
	if (before - 1)
		snprintf(want, sizeof want, "<strong>%ld</strong> schools responded", before - 1);
	else
		snprintf(want, sizeof want, "No responses are counted in this selection.");
	ck_assert(resp_has(r, want));
	resp_free(r);
	free(rev0);
	free(rev1);
	free(id);
	free(year);
	client_free(c);
}
END_TEST

START_TEST(admin_reads_as_staff)
{
	/* Administering accounts is no licence to read a nation's data. */
	struct client *c = client_new();
	ck_assert_int_eq(login(c, "admin@example.org", DEMO_PW), 303);
	char *priv = db_value("SELECT id FROM schools WHERE sharing = 'private' ORDER BY id LIMIT 1");
	char *name = db_value("SELECT name FROM schools WHERE sharing = 'private' ORDER BY id LIMIT 1");
	char path[64];
	snprintf(path, sizeof path, "/schools/%s", priv);
	struct resp *r = http_get(c, path);
	ck_assert_int_eq(r->status, 404);
	resp_free(r);
	snprintf(path, sizeof path, "/admin/schools/%s", priv);
	r = http_get(c, path);
	ck_assert_int_eq(r->status, 404);
	resp_free(r);
	r = http_get(c, "/scans/2018/responses.csv");
	char *visible = db_value("SELECT count(*) FROM responses x JOIN schools s ON s.id = x.school_id WHERE cycle_id ="
	                         " (SELECT id FROM scan_cycles WHERE year = 2018) AND status = 'submitted'"
	                         " AND s.sharing <> 'private'");
	ck_assert_int_eq(lines(r->body) - 1, atol(visible));
	ck_assert(strstr(r->body, name) == NULL);
	resp_free(r);
	r = http_get(c, "/admin/schools");
	ck_assert(strstr(r->body, name) == NULL);
	resp_free(r);
	free(visible);
	free(name);
	free(priv);
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

/* ---- the leader-level figure ---------------------------------------------- */

/* Field k of the CSV row starting at p (quoted or not), into out. */
static void csv_field_at(const char *p, int k, char *out, size_t len)
{
	for (int i = 0; i <= k; i++) {
		size_t n = 0;
		if (*p == '"') {
			for (p++; *p && !(*p == '"' && p[1] != '"'); p++) {
				if (*p == '"')
					p++;
				if (n < len - 1)
					out[n++] = *p;
			}
			p++;
		} else {
			for (; *p && *p != ',' && *p != '\r'; p++)
				if (n < len - 1)
					out[n++] = *p;
		}
		out[n] = 0;
		if (*p == ',')
			p++;
	}
}

/* The leader_key (column 8) of school_id's row in a responses CSV, or "". */
static void csv_leader_key(const char *csv, const char *school, char out[64])
{
	*out = 0;
	for (const char *p = strstr(csv, "\r\n"); p && p[2]; p = strstr(p + 2, "\r\n")) {
		char id[32];
		csv_field_at(p + 2, 0, id, sizeof id);
		if (!strcmp(id, school)) {
			csv_field_at(p + 2, 7, out, 64);
			return;
		}
	}
}

/* A cycle of three schools: leader@ answered for two (one not yet
 * implementing, one schoolwide), host@ for one (not yet).  A third of the
 * schools implement; half the leaders do, in at least one of their schools.
 * The responses file keys each leader the same way in every download. */
START_TEST(leader_figure_and_keys)
{
	struct client *c = client_new();
	ck_assert_int_eq(login(c, "staff@example.org", DEMO_PW), 303);
	char *school[3];
	for (int i = 0; i < 3; i++) {
		char q[256];
		snprintf(q, sizeof q, "SELECT id FROM schools WHERE sharing = 'network' AND nation_id IS NULL"
		                      " ORDER BY id LIMIT 1 OFFSET %d", i);
		school[i] = db_value(q);
		ck_assert_ptr_nonnull(school[i]);
	}
	char *l1 = db_value("SELECT id FROM users WHERE email = 'leader@example.org'");
	char *l2 = db_value("SELECT id FROM users WHERE email = 'host@example.org'");
	const char *lead[3] = { l1, l1, l2 }, *stage[3] = { "not_yet", "schoolwide", "exploring" };
	ck_assert_int_eq(db_run("INSERT INTO scan_cycles (year, instrument_id, status)"
	                        " SELECT 2031, max(id), 'closed' FROM instruments"), 0);
	for (int i = 0; i < 3; i++) {
		char sql[1024];
		snprintf(sql, sizeof sql,
		    "INSERT INTO responses (cycle_id, school_id, status, started_by, submitted_at, submitted_by)"
		    " SELECT id, %s, 'submitted', %s, unixepoch(), %s FROM scan_cycles WHERE year = 2031;"
		    " INSERT INTO answers (response_id, question, value) VALUES (last_insert_rowid(), 'stage', '%s')",
		    school[i], lead[i], lead[i], stage[i]);
		ck_assert_int_eq(db_run(sql), 0);
	}
	struct resp *j = http_get(c, "/api/v1/scans/2031/summary");
	ck_assert_int_eq(j->status, 200);
	ck_assert_int_eq(json_num(j->body, "schools_responding"), 3);
	ck_assert_int_eq(json_num(j->body, "implementing_share"), 33);
	ck_assert_int_eq(json_num(j->body, "leaders_responding"), 2);
	const char *lf = strstr(j->body, "\"leaders_implementing\":{");
	ck_assert_ptr_nonnull(lf);
	ck_assert_int_eq(json_num(lf, "leaders"), 1);
	ck_assert_int_eq(json_num(lf, "of"), 2);
	ck_assert_int_eq(json_num(lf, "share"), 50);
	ck_assert(strstr(lf, "\"label\":\"School leaders who answered and implement") != NULL);
	resp_free(j);
	struct resp *page = http_get(c, "/scans/2031/results");
	ck_assert(resp_has(page, "<strong>50%</strong> of the school leaders who answered implement it in at least"
	                         " one of their schools <span class=\"muted\">(1 of 2 leaders)</span>"));
	ck_assert(resp_has(page, "<strong>33%</strong> of schools implement"));
	resp_free(page);

	/* The keys: one per leader, the same in two downloads, not the id. */
	struct resp *e1 = http_get(c, "/scans/2031/responses.csv"), *e2 = http_get(c, "/scans/2031/responses.csv");
	ck_assert_int_eq(e1->status, 200);
	ck_assert_int_eq(lines(e1->body) - 1, 3);
	char k[3][64], again[64];
	for (int i = 0; i < 3; i++) {
		csv_leader_key(e1->body, school[i], k[i]);
		ck_assert_int_eq((int)strlen(k[i]), 32);
		ck_assert_int_eq((int)strspn(k[i], "0123456789abcdef"), 32);
		csv_leader_key(e2->body, school[i], again);
		ck_assert_str_eq(k[i], again);
		ck_assert_str_ne(k[i], lead[i]);
		ck_assert(strstr(e1->body, "leader@example.org") == NULL);
	}
	ck_assert_str_eq(k[0], k[1]);
	ck_assert_str_ne(k[0], k[2]);
	/* In the 2018 baseline the same leader has the same key. */
	struct resp *base = http_get(c, "/scans/2018/responses.csv");
	char q[256];
	snprintf(q, sizeof q, "SELECT x.school_id FROM responses x JOIN schools s ON s.id = x.school_id"
	                      " WHERE x.submitted_by = %s AND s.sharing <> 'private' AND x.cycle_id ="
	                      " (SELECT id FROM scan_cycles WHERE year = 2018) LIMIT 1", l1);
	char *old = db_value(q);
	if (old) {
		csv_leader_key(base->body, old, again);
		ck_assert_str_eq(again, k[0]);
		free(old);
	}
	resp_free(base);
	resp_free(e1);
	resp_free(e2);

	/* leader@'s implementing school made private, alone in its class: it
	 * is not counted, and leader@ counts only through the other. */
	char sql[1024];
	snprintf(sql, sizeof sql, "UPDATE schools SET sharing = 'private' WHERE id = %s", school[1]);
	ck_assert_int_eq(db_run(sql), 0);
	j = http_get(c, "/api/v1/scans/2031/summary");
	ck_assert_int_eq(json_num(j->body, "schools_responding"), 2);
	lf = strstr(j->body, "\"leaders_implementing\":{");
	ck_assert_int_eq(json_num(lf, "leaders"), 0);
	ck_assert_int_eq(json_num(lf, "of"), 2);
	resp_free(j);

	/* Put the region back. */
	snprintf(sql, sizeof sql, "UPDATE schools SET sharing = 'network' WHERE id = %s;"
	         " DELETE FROM answers WHERE response_id IN (SELECT id FROM responses WHERE cycle_id ="
	         "   (SELECT id FROM scan_cycles WHERE year = 2031));"
	         " DELETE FROM response_summary WHERE response_id IN (SELECT id FROM responses WHERE cycle_id ="
	         "   (SELECT id FROM scan_cycles WHERE year = 2031));"
	         " DELETE FROM responses WHERE cycle_id = (SELECT id FROM scan_cycles WHERE year = 2031);"
	         " DELETE FROM scan_cycles WHERE year = 2031", school[1]);
	ck_assert_int_eq(db_run(sql), 0);
	for (int i = 0; i < 3; i++)
		free(school[i]);
	free(l1);
	free(l2);
	client_free(c);
}
END_TEST

void add_results_tests(TCase *t);
void add_results_tests(TCase *t)
{
	tcase_add_test(t, results_page_json_and_csv_agree);
	tcase_add_test(t, differencing_recovers_no_hidden_school);
	tcase_add_test(t, admin_reads_as_staff);
	tcase_add_test(t, cached_figures_are_never_stale);
	tcase_add_test(t, only_staff_read_results);
	tcase_add_test(t, leader_figure_and_keys);
}
