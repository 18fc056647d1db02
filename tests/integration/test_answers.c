/* test_answers.c — answers that are true, and figures of every one of them,
 * through nginx: the scan's rules refuse with a message naming the
 * question and keep what was typed; text typed into "Other" is kept by
 * ticking Other; "which matters most" on the first pass; copying from
 * another school leaves that school's own answers alone and submits
 * nothing; every question is counted, a small private group never; the
 * lists staff invite from follow the visibility policy. */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int year_now(void)
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	return tm.tm_year + 1900;
}

static long long attr_num(const struct resp *r, const char *name)
{
	char pat[64];
	snprintf(pat, sizeof pat, "name=\"%s\" value=\"", name);
	const char *p = strstr(r->body, pat);
	return p ? atoll(p + strlen(pat)) : -1;
}

/* Post section `section` of the school page path with fields, as the form
 * would (token and revision from the page). */
static struct resp *answer(struct client *c, const char *path, const char *section, const char *go,
                           const char *fields)
{
	char page[256];
	snprintf(page, sizeof page, "%s?section=%s", path, section);
	struct resp *g = http_get(c, page);
	ck_assert_int_eq(g->status, 200);
	char *tok = csrf_of(g);
	long long rev = attr_num(g, "revision");
	resp_free(g);
	char form[4096];
	snprintf(form, sizeof form, "_csrf=%s&section=%s&revision=%lld&go=%s&%s", tok, section, rev, go, fields);
	free(tok);
	return http_post(c, path, form);
}

static char *value_of(const char *school, const char *question)
{
	char q[512];
	snprintf(q, sizeof q, "SELECT a.value FROM answers a JOIN responses x ON x.id = a.response_id"
	                      " WHERE x.school_id = %s AND x.cycle_id = (SELECT id FROM scan_cycles WHERE status = 'open')"
	                      " AND a.question = '%s'", school, question);
	return db_value(q);
}

/* The leader's n-th school (by name, as /scan lists them). */
static char *leader_school(int n)
{
	char q[256];
	snprintf(q, sizeof q, "SELECT s.id FROM schools s JOIN user_schools us ON us.school_id = s.id JOIN users u"
	                      " ON u.id = us.user_id WHERE u.email = 'leader@example.org' ORDER BY s.name LIMIT 1 OFFSET %d", n);
	return db_value(q);
}

START_TEST(rules_keep_answers_true)
{
	struct client *c = client_new();
	ck_assert_int_eq(login(c, "leader@example.org", DEMO_PW), 303);
	int year = year_now();
	char *school = leader_school(0), path[128], msg[256];
	snprintf(path, sizeof path, "/scan/%d/schools/%s", year, school);

	/* The first pass through "Supports", without scripts: "which matters
	 * most" already offers every support, never "none". */
	char page[192];
	snprintf(page, sizeof page, "%s?section=supports", path);
	struct resp *g = http_get(c, page);
	ck_assert(resp_has(g, "name=\"q_support_top\" value=\"autonomy\""));
	ck_assert(resp_has(g, "name=\"q_support_top\" value=\"howto\""));
	ck_assert(!resp_has(g, "name=\"q_support_top\" value=\"none\""));
	ck_assert(resp_has(g, "name=\"q_supports_needed\" value=\"none\""));
	ck_assert(resp_has(g, "Typing here ticks Other."));
	resp_free(g);

	/* "None" with another support: refused, named, linked, kept; nothing stored. */
	struct resp *r = answer(c, path, "supports", "next", "q_supports_needed=howto&q_supports_needed=none");
	ck_assert_int_eq(r->status, 422);
	ck_assert(resp_has(r, "<a href=\"#f-q_supports_needed\">Which supports would most help educators at this"
	                      " school individualize learning?: \u201cNone: educators here need no further support for"
	                      " this\u201d goes alone"));
	ck_assert(resp_has(r, "value=\"howto\" checked"));
	ck_assert(resp_has(r, "value=\"none\" checked"));
	resp_free(r);
	char q[256];
	char *before = value_of(school, "supports_needed");
	ck_assert_msg(before == NULL, "the demo answered supports for this school: %s", before);

	/* The most important one not among those ticked: refused, not dropped. */
	r = answer(c, path, "supports", "next", "q_supports_needed=howto&q_support_top=observe");
	ck_assert_int_eq(r->status, 422);
	ck_assert(resp_has(r, "Of those, which one matters most?: Choose one of the answers you ticked"));
	ck_assert(resp_has(r, "name=\"q_support_top\" value=\"observe\" checked"));
	resp_free(r);
	/* On the first pass, both at once. */
	r = answer(c, path, "supports", "next", "q_supports_needed=howto&q_supports_needed=observe&q_support_top=observe");
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	char *top = value_of(school, "support_top");
	ck_assert_str_eq(top, "observe");
	free(top);
	/* "None" alone is an answer; "which matters most" then has none. */
	r = answer(c, path, "supports", "next", "q_supports_needed=none&q_support_top=observe");
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	char *sup = value_of(school, "supports_needed");
	ck_assert_str_eq(sup, "none");
	free(sup);
	ck_assert_ptr_null(value_of(school, "support_top"));

	/* A start year after the scan's year: refused, named, kept. */
	snprintf(q, sizeof q, "q_stage=schoolwide&q_since=%d&q_reach=all", year + 1);
	r = answer(c, path, "implementation", "next", q);
	ck_assert_int_eq(r->status, 422);
	snprintf(msg, sizeof msg, "Since what year?: Enter a year no later than %d, the year of this scan.", year);
	ck_assert(resp_has(r, msg));
	ck_assert(resp_has(r, "<a href=\"#f-q_since\">"));
	snprintf(msg, sizeof msg, "value=\"%d\"", year + 1);
	ck_assert(resp_has(r, msg));
	resp_free(r);
	snprintf(q, sizeof q, "q_stage=schoolwide&q_since=%d&q_reach=all", year);
	r = answer(c, path, "implementation", "next", q);
	ck_assert_int_eq(r->status, 303);
	resp_free(r);

	/* Text in "Other (say what)" without ticking Other: kept, Other ticked. */
	r = answer(c, path, "about", "next", "q_role_other=Dean+of+students&q_years=3");
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	char *role = value_of(school, "role"), *other = value_of(school, "role.other");
	ck_assert_str_eq(role, "_other");
	ck_assert_str_eq(other, "Dean of students");
	free(role);
	free(other);
	r = answer(c, path, "learning", "next", "q_pl_used=plc&q_pl_used_other=Coaching+cycles");
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	char *pl = value_of(school, "pl_used");
	ck_assert_str_eq(pl, "plc\n_other");
	free(pl);
	/* A single choice with another option chosen: refused, both kept. */
	r = answer(c, path, "about", "next", "q_role=principal&q_role_other=Dean&q_years=3");
	ck_assert_int_eq(r->status, 422);
	ck_assert(resp_has(r, "What is your role?: You chose \u201cPrincipal or head of school\u201d and typed an other answer"));
	ck_assert(resp_has(r, "value=\"principal\" checked"));
	ck_assert(resp_has(r, "value=\"Dean\""));
	resp_free(r);
	role = value_of(school, "role");
	ck_assert_str_eq(role, "_other");                /* the saved answer is unchanged */
	free(role);
	/* Missing answers sent back from submitting name their questions too. */
	snprintf(page, sizeof page, "%s?section=familiarity&check=1", path);
	g = http_get(c, page);
	ck_assert(resp_has(g, "<a href=\"#f-q_fam_individualized\">Individualized learning: Answer this question"));
	resp_free(g);
	free(school);
	client_free(c);
}
END_TEST

START_TEST(copy_fills_a_draft_and_leaves_the_school_alone)
{
	struct client *c = client_new();
	ck_assert_int_eq(login(c, "leader@example.org", DEMO_PW), 303);
	int year = year_now();
	char *from = leader_school(1), *to = leader_school(2), path[128], q[512];
	snprintf(path, sizeof path, "/scan/%d/schools/%s", year, from);
	const char *fill[][2] = {
		{ "about", "q_role=principal&q_years=6&q_community=Ranch+families" },
		{ "implementation", "q_stage=schoolwide&q_since=2015&q_reach=all&q_story=Advisory" },
		{ "network", "q_want_cohort=yes&q_want_convening=maybe&q_connect_host=yes&q_connect_visit=yes" },
	};
	for (int i = 0; i < 3; i++) {
		struct resp *r = answer(c, path, fill[i][0], "next", fill[i][1]);
		ck_assert_int_eq(r->status, 303);
		resp_free(r);
	}
	snprintf(q, sizeof q, "from=%s&to=%s", from, to);
	char action[64];
	snprintf(action, sizeof action, "/scan/%d/copy", year);
	struct resp *r = post_form(c, "/scan", action, q);
	ck_assert_int_eq(r->status, 303);
	char *loc = resp_header(r, "Location");
	ck_assert(strstr(loc, "msg=copied") != NULL);
	resp_free(r);
	/* It says what it copied, and what it left. */
	snprintf(q, sizeof q, "SELECT name FROM schools WHERE id = %s", from);
	char *name = db_value(q);
	r = http_get(c, strstr(loc, "/scan/"));
	ck_assert_int_eq(r->status, 200);
	char want[256];
	snprintf(want, sizeof want, "Copied from %s, as a draft", name);
	ck_assert(resp_has(r, want));
	ck_assert(resp_has(r, "Nothing is submitted"));
	ck_assert(resp_has(r, "<li>Would you take part in an Inspire cohort learning experience?</li>"));
	ck_assert(resp_has(r, "<li>How many years have you led at this school?</li>"));
	ck_assert(resp_has(r, "<li>In a few words, who are the students and families this school serves?</li>"));
	resp_free(r);
	free(loc);
	/* Staff read the copy in the draft's history, the school copied from
	 * named as the policy lets them see it when they read: once its
	 * nation makes it private, no longer named. */
	snprintf(q, sizeof q, "SELECT sharing FROM schools WHERE id = %s", to);
	char *sharing = db_value(q);
	ck_assert_str_ne(sharing, "private");
	free(sharing);
	snprintf(q, sizeof q, "SELECT sharing FROM schools WHERE id = %s", from);
	char *was = db_value(q);
	snprintf(q, sizeof q, "SELECT id FROM responses WHERE school_id = %s AND cycle_id ="
	                      " (SELECT id FROM scan_cycles WHERE status = 'open')", to);
	char *rid = db_value(q);
	ck_assert(rid != NULL);
	struct client *staff = client_new();
	ck_assert_int_eq(login(staff, "staff@example.org", DEMO_PW), 303);
	char hist[128];
	snprintf(hist, sizeof hist, "/scans/%d/responses/%s", year, rid);
	r = http_get(staff, hist);
	ck_assert_int_eq(r->status, 200);
	ck_assert(resp_has(r, "copied from "));
	ck_assert(resp_has(r, name));
	resp_free(r);
	snprintf(q, sizeof q, "UPDATE schools SET sharing = 'private' WHERE id = %s", from);
	ck_assert_int_eq(db_run(q), 0);
	r = http_get(staff, hist);
	ck_assert_int_eq(r->status, 200);
	ck_assert_msg(!resp_has(r, name), "a private school named in a copy's history");
	ck_assert(resp_has(r, "copied from another of the leader"));  /* ... leader's schools, escaped */
	resp_free(r);
	snprintf(q, sizeof q, "UPDATE schools SET sharing = '%s' WHERE id = %s", was, from);
	ck_assert_int_eq(db_run(q), 0);
	client_free(staff);
	free(rid);
	free(was);
	free(name);
	/* School-specific answers stayed behind; the rest came; nothing submitted. */
	const char *left[] = { "years", "community", "since", "story", "connect_host" };
	for (int i = 0; i < 5; i++)
		ck_assert_msg(value_of(to, left[i]) == NULL, "%s copied", left[i]);
	const char *came[][2] = { { "role", "principal" }, { "stage", "schoolwide" }, { "want_cohort", "yes" },
	                          { "connect_visit", "yes" } };
	for (int i = 0; i < 4; i++) {
		char *v = value_of(to, came[i][0]);
		ck_assert_msg(v && !strcmp(v, came[i][1]), "%s", came[i][0]);
		free(v);
	}
	snprintf(q, sizeof q, "SELECT status || '|' || coalesce(submitted_at, 'none') FROM responses WHERE school_id = %s"
	                      " AND cycle_id = (SELECT id FROM scan_cycles WHERE status = 'open')", to);
	char *st = db_value(q);
	ck_assert_str_eq(st, "in_progress|none");
	free(st);
	/* Sent again: refused, nothing doubled. */
	snprintf(q, sizeof q, "from=%s&to=%s", from, to);
	r = post_form(c, "/scan", action, q);
	ck_assert_int_eq(r->status, 409);
	resp_free(r);
	/* The copied draft still has to be completed: its own answers are asked. */
	snprintf(path, sizeof path, "/scan/%d/schools/%s/submit", year, to);
	char rev[128];
	snprintf(rev, sizeof rev, "/scan/%d/schools/%s?section=about", year, to);
	r = post_form(c, rev, path, "");
	ck_assert_int_eq(r->status, 303);
	loc = resp_header(r, "Location");
	ck_assert(strstr(loc, "check=1") != NULL);      /* sent back: "since" is missing */
	free(loc);
	resp_free(r);
	snprintf(q, sizeof q, "SELECT status FROM responses WHERE school_id = %s"
	                      " AND cycle_id = (SELECT id FROM scan_cycles WHERE status = 'open')", to);
	st = db_value(q);
	ck_assert_str_eq(st, "in_progress");
	free(st);
	free(from);
	free(to);
	client_free(c);
}
END_TEST

/* A closed cycle of the current instrument, 2032, with responses made here. */
static void cycle_2032(void)
{
	ck_assert_int_eq(db_run("INSERT INTO scan_cycles (year, instrument_id, status)"
	                        " SELECT 2032, id, 'closed' FROM instruments WHERE version = 'regional-scan-v2'"), 0);
}

static void submitted(const char *school, const char *leader_email, const char *answers)
{
	char sql[2048];
	snprintf(sql, sizeof sql,
	    "INSERT INTO responses (cycle_id, school_id, status, submitted_at, submitted_by)"
	    " SELECT (SELECT id FROM scan_cycles WHERE year = 2032), %s, 'submitted', unixepoch(),"
	    "  (SELECT id FROM users WHERE email = '%s');"
	    " INSERT INTO answers (response_id, question, value) SELECT x.id, j.key, j.value"
	    "  FROM responses x, json_each('%s') j WHERE x.school_id = %s"
	    "  AND x.cycle_id = (SELECT id FROM scan_cycles WHERE year = 2032)",
	    school, leader_email, answers, school);
	ck_assert_int_eq(db_run(sql), 0);
}

static void drop_2032(void)
{
	ck_assert_int_eq(db_run("DELETE FROM answers WHERE response_id IN (SELECT id FROM responses WHERE cycle_id ="
	                        "   (SELECT id FROM scan_cycles WHERE year = 2032));"
	                        " DELETE FROM response_summary WHERE response_id IN (SELECT id FROM responses WHERE"
	                        "   cycle_id = (SELECT id FROM scan_cycles WHERE year = 2032));"
	                        " DELETE FROM responses WHERE cycle_id = (SELECT id FROM scan_cycles WHERE year = 2032);"
	                        " DELETE FROM scan_cycles WHERE year = 2032"), 0);
}

/* "answered" of question id in the JSON summary. */
static long answered(const char *body, const char *id)
{
	char pat[96];
	snprintf(pat, sizeof pat, "{\"id\":\"%s\",", id);
	const char *p = strstr(body, pat);
	ck_assert_msg(p != NULL, "no question %s", id);
	p = strstr(p, "\"answered\":");
	return p ? atol(p + strlen("\"answered\":")) : -1;
}

START_TEST(every_question_counted_small_groups_never)
{
	struct client *c = client_new();
	ck_assert_int_eq(login(c, "staff@example.org", DEMO_PW), 303);
	cycle_2032();
	char *open = db_value("SELECT id FROM schools WHERE sharing = 'network' AND nation_id IS NULL ORDER BY id LIMIT 1");
	submitted(open, "leader@example.org", "{\"want_cohort\":\"no\",\"supports_needed\":\"none\","
	                                      "\"years\":\"4\",\"connect_host\":\"yes\"}");
	/* Six private schools of one nation in one atom, five responding: the
	 * one not responding would be alone in its class, so none counts. */
	char *nation = db_value("SELECT id FROM nations ORDER BY id LIMIT 1");
	char sql[1024];
	snprintf(sql, sizeof sql,
	    "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 6)"
	    " INSERT INTO schools (name, state_code, city, tz, type, grade_low, grade_high, enrollment, nation_id, sharing)"
	    " SELECT 'Answers atom ' || i, 'ND', 'Answerville', 'America/Chicago', 'tribal', 0, 12, 100, %s, 'private'"
	    " FROM k", nation);
	ck_assert_int_eq(db_run(sql), 0);
	for (int i = 1; i <= 5; i++) {
		char q[128];
		snprintf(q, sizeof q, "SELECT id FROM schools WHERE name = 'Answers atom %d'", i);
		char *id = db_value(q);
		submitted(id, "host@example.org", "{\"want_cohort\":\"yes\",\"supports_needed\":\"howto\"}");
		free(id);
	}
	struct resp *j = http_get(c, "/api/v1/scans/2032/summary");
	ck_assert_int_eq(j->status, 200);
	ck_assert_int_eq(answered(j->body, "want_cohort"), 1);
	ck_assert_int_eq(answered(j->body, "supports_needed"), 1);
	ck_assert_int_eq(answered(j->body, "years"), 1);
	ck_assert(strstr(j->body, "{\"value\":\"none\",\"label\":\"None: educators here need no further support for"
	                          " this\",\"schools\":1,\"share\":100}") != NULL);
	resp_free(j);
	struct resp *p = http_get(c, "/scans/2032/results");
	ck_assert(resp_has(p, "Every question, as answered"));
	ck_assert(resp_has(p, "Would you take part in an Inspire cohort learning experience? (for all their schools)"
	                      " \u2014 answered for 1 of 1 schools"));
	ck_assert(resp_has(p, "<a href=\"/scans/2032/wants?list=cohort\">"));
	resp_free(p);
	struct resp *csv = http_get(c, "/scans/2032/questions.csv");
	ck_assert_int_eq(csv->status, 200);
	ck_assert(resp_has(csv, "network,want_cohort,Would you take part in an Inspire cohort learning experience?,yes,Yes,0,1,0,1"));
	ck_assert(resp_has(csv, "about,years,How many years have you led at this school?,,,1,1,,1"));
	resp_free(csv);
	/* The sixth responds: the atom is big enough in every class, and counts. */
	char *six = db_value("SELECT id FROM schools WHERE name = 'Answers atom 6'");
	submitted(six, "host@example.org", "{\"want_cohort\":\"yes\"}");
	j = http_get(c, "/api/v1/scans/2032/summary");
	ck_assert_int_eq(answered(j->body, "want_cohort"), 7);
	resp_free(j);
	csv = http_get(c, "/scans/2032/questions.csv");
	ck_assert(resp_has(csv, "network,want_cohort,Would you take part in an Inspire cohort learning experience?,yes,Yes,6,7,86,7"));
	resp_free(csv);
	/* Counted, yet never listed: the private schools' leader is on no list. */
	struct resp *w = http_get(c, "/scans/2032/wants?list=cohort");
	ck_assert_int_eq(w->status, 200);
	ck_assert(!resp_has(w, "host@example.org"));
	ck_assert(!resp_has(w, "Answers atom"));
	resp_free(w);
	/* Only staff read them. */
	struct client *l = client_new();
	ck_assert_int_eq(login(l, "leader@example.org", DEMO_PW), 303);
	struct resp *x = http_get(l, "/scans/2032/questions.csv");
	ck_assert_int_eq(x->status, 403);
	resp_free(x);
	client_free(l);
	free(six);
	drop_2032();
	ck_assert_int_eq(db_run("DELETE FROM schools WHERE city = 'Answerville'"), 0);
	free(open);
	free(nation);
	client_free(c);
}
END_TEST

START_TEST(want_lists_follow_the_policy)
{
	struct client *staff = client_new();
	ck_assert_int_eq(login(staff, "staff@example.org", DEMO_PW), 303);
	cycle_2032();
	char *nation = db_value("SELECT id FROM nations ORDER BY id LIMIT 1");
	char sql[1024];
	snprintf(sql, sizeof sql,
	    "INSERT INTO schools (name, state_code, city, tz, type, grade_low, grade_high, enrollment, nation_id, sharing)"
	    " VALUES ('Wants private school', 'SD', 'Wantsville', 'America/Chicago', 'tribal', 0, 12, 80, %s, 'private')",
	    nation);
	ck_assert_int_eq(db_run(sql), 0);
	char *priv = db_value("SELECT id FROM schools WHERE name = 'Wants private school'");
	char *shared = db_value("SELECT s.id FROM schools s JOIN user_schools us ON us.school_id = s.id JOIN users u"
	                        " ON u.id = us.user_id WHERE u.email = 'leader@example.org' ORDER BY s.id LIMIT 1");
	submitted(priv, "host@example.org", "{\"want_convening\":\"yes\",\"connect_host\":\"yes\",\"want_cohort\":\"yes\"}");
	submitted(shared, "leader@example.org", "{\"want_convening\":\"yes\",\"connect_host\":\"maybe\",\"want_cohort\":\"yes\"}");

	/* Staff see the shared school's leader, never the private school's. */
	const char *pages[] = { "/scans/2032/wants?list=convening", "/scans/2032/wants.csv?list=convening",
	                        "/scans/2032/wants?list=cohort", "/scans/2032/wants.csv?list=cohort&answer=any" };
	for (int i = 0; i < 4; i++) {
		struct resp *r = http_get(staff, pages[i]);
		ck_assert_int_eq(r->status, 200);
		ck_assert_msg(resp_has(r, "leader@example.org"), "%s", pages[i]);
		ck_assert_msg(!resp_has(r, "host@example.org"), "%s", pages[i]);
		ck_assert_msg(!resp_has(r, "Wants private school"), "%s", pages[i]);
		resp_free(r);
	}
	struct resp *r = http_get(staff, "/scans/2032/wants?list=convening");
	/* No convening in 2032 yet: plan it first, then invite from it. */
	ck_assert(resp_has(r, "href=\"/convening\">Plan the 2032 convening"));
	resp_free(r);
	r = http_get(staff, "/scans/2032/wants?list=cohort");
	ck_assert(resp_has(r, "href=\"/cohorts\""));
	resp_free(r);
	/* Yes by default; maybe on asking. */
	r = http_get(staff, "/scans/2032/wants?list=host");
	ck_assert(!resp_has(r, "leader@example.org"));
	resp_free(r);
	r = http_get(staff, "/scans/2032/wants.csv?list=host&answer=maybe");
	ck_assert(resp_has(r, "leader@example.org"));
	resp_free(r);

	/* The steward raises the school to the foundation: staff now see it
	 * on the convening list; as a host only once the steward allows it. */
	snprintf(sql, sizeof sql, "UPDATE schools SET sharing = 'foundation' WHERE id = %s", priv);
	ck_assert_int_eq(db_run(sql), 0);
	r = http_get(staff, "/scans/2032/wants.csv?list=convening");
	ck_assert(resp_has(r, "host@example.org"));
	ck_assert(resp_has(r, "Wants private school"));
	resp_free(r);
	r = http_get(staff, "/scans/2032/wants?list=host");
	ck_assert(!resp_has(r, "Wants private school"));
	resp_free(r);
	snprintf(sql, sizeof sql, "INSERT INTO school_consent (school_id, use_name, value) VALUES (%s, 'connect_host',"
	                          " 'allowed')", priv);
	ck_assert_int_eq(db_run(sql), 0);
	r = http_get(staff, "/scans/2032/wants?list=host");
	ck_assert(resp_has(r, "Wants private school"));
	resp_free(r);

	/* No one but staff reads the lists; an unknown list is not found. */
	const char *others[] = { "leader@example.org", "coach@example.org", "steward@example.org" };
	for (int i = 0; i < 3; i++) {
		struct client *o = client_new();
		ck_assert_int_eq(login(o, others[i], DEMO_PW), 303);
		struct resp *x = http_get(o, "/scans/2032/wants.csv?list=convening");
		ck_assert_int_eq(x->status, 403);
		resp_free(x);
		client_free(o);
	}
	/* The index of lists counts what each holds, as the lists do. */
	r = http_get(staff, "/scans/2032/wants");
	ck_assert_int_eq(r->status, 200);
	ck_assert(resp_has(r, "Leaders who would attend the regional convening</a> <span class=\"muted\">(2 leaders)"));
	ck_assert(resp_has(r, "Schools that would host a Connect site visit</a> <span class=\"muted\">(1 school)"));
	resp_free(r);
	r = http_get(staff, "/scans/2032/wants.csv");
	ck_assert_int_eq(r->status, 404);
	resp_free(r);
	r = http_get(staff, "/scans/2032/wants?list=everyone");
	ck_assert_int_eq(r->status, 404);
	resp_free(r);
	r = http_get(staff, "/scans/1999/wants?list=cohort");
	ck_assert_int_eq(r->status, 404);
	resp_free(r);

	drop_2032();
	snprintf(sql, sizeof sql, "DELETE FROM school_consent WHERE school_id = %s; DELETE FROM schools WHERE id = %s",
	         priv, priv);
	ck_assert_int_eq(db_run(sql), 0);
	free(priv);
	free(shared);
	free(nation);
	client_free(staff);
}
END_TEST

void add_answers_cases(Suite *s);
void add_answers_cases(Suite *s)
{
	TCase *t = tcase_create("answers");
	tcase_add_unchecked_fixture(t, stack_up, stack_down);
	tcase_set_timeout(t, 120);
	tcase_add_test(t, rules_keep_answers_true);
	tcase_add_test(t, copy_fills_a_draft_and_leaves_the_school_alone);
	tcase_add_test(t, every_question_counted_small_groups_never);
	tcase_add_test(t, want_lists_follow_the_policy);
	suite_add_tcase(s, t);
}
