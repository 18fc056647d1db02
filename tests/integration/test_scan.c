/* test_scan.c — a leader of three schools answers the scan through nginx:
 * section by section, leaves, resumes on another device, copies answers to
 * another school, submits; and cannot reach a school that is not theirs. */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *sections[][2] = {
	{ "about", "q_role=principal&q_years=6&q_community=Farm+families+and+a+growing+Somali+community" },
	{ "familiarity", "q_fam_individualized=4&q_fam_personalized=5&q_fam_student_centered=3" },
	{ "implementation", "q_stage=some_classrooms&q_since=2019&q_reach=some&q_story=Advisory+and+projects" },
	{ "practices", "q_cultural_practices=community_curriculum&q_cultural_agree=3"
	               "&q_instructional_practices=learning_plans&q_instructional_practices=student_choice"
	               "&q_instructional_agree=4&q_career_practices=internships&q_career_agree=4" },
	{ "learning", "q_pl_used=plc&q_pl_used=observing" },
	{ "supports", "q_supports_needed=howto&q_supports_needed=observe&q_support_top=observe"
	              "&q_challenges=requirements&q_challenges=time" },
	{ "network", "q_want_cohort=yes&q_want_convening=maybe&q_connect_host=no&q_connect_visit=yes" },
};
#define NSECTIONS 7
/* The cycle these tests answer (the demo also holds the 2018 baseline). */
#define CUR "(SELECT id FROM scan_cycles WHERE status = 'open')"


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

/* Post one section as a leader would: load the page, send the fields. */
static struct resp *answer(struct client *c, const char *school_path, int s, const char *go)
{
	char page[256];
	snprintf(page, sizeof page, "%s?section=%s", school_path, sections[s][0]);
	struct resp *g = http_get(c, page);
	ck_assert_int_eq(g->status, 200);
	char *tok = csrf_of(g);
	long long rev = attr_num(g, "revision");
	resp_free(g);
	char form[2048];
	snprintf(form, sizeof form, "_csrf=%s&section=%s&revision=%lld&go=%s&%s", tok, sections[s][0],
	         rev, go, sections[s][1]);
	free(tok);
	return http_post(c, school_path, form);
}

static char *leader_school(int nth)
{
	char q[256];
	snprintf(q, sizeof q, "SELECT school_id FROM user_schools WHERE user_id = (SELECT id FROM users"
	         " WHERE email = 'leader@example.org') ORDER BY school_id LIMIT 1 OFFSET %d", nth);
	return db_value(q);
}

START_TEST(leader_answers_resumes_copies_submits)
{
	int year = year_now();
	char *a = leader_school(0), *b = leader_school(1), *c3 = leader_school(2);
	char pa[64], pb[64], pc[64];
	snprintf(pa, sizeof pa, "/scan/%d/schools/%s", year, a);
	snprintf(pb, sizeof pb, "/scan/%d/schools/%s", year, b);
	snprintf(pc, sizeof pc, "/scan/%d/schools/%s", year, c3);

	struct client *c = client_new();
	ck_assert_int_eq(login(c, "leader@example.org", DEMO_PW), 303);
	struct resp *r = http_get(c, "/scan");
	ck_assert_int_eq(r->status, 200);
	ck_assert(resp_has(r, "Not started"));
	resp_free(r);

	/* Three sections, then leave. */
	for (int s = 0; s < 3; s++) {
		r = answer(c, pa, s, "next");
		ck_assert_msg(r->status == 303, "section %d gave %ld", s, r->status);
		resp_free(r);
	}
	client_free(c);

	/* Another device: the list says where they were, and the page resumes there. */
	c = client_new();
	ck_assert_int_eq(login(c, "leader@example.org", DEMO_PW), 303);
	r = http_get(c, "/scan");
	ck_assert(resp_has(r, "In progress"));
	ck_assert(resp_has(r, "Section 4 of 7: Practices in the three dimensions"));
	resp_free(r);
	r = http_get(c, pa);
	ck_assert(resp_has(r, "Section 4 of 7"));
	resp_free(r);
	/* Earlier answers are there when going back. */
	char back[128];
	snprintf(back, sizeof back, "%s?section=implementation", pa);
	r = http_get(c, back);
	ck_assert(resp_has(r, "value=\"some_classrooms\" checked"));
	ck_assert(resp_has(r, "value=\"2019\""));
	resp_free(r);

	for (int s = 3; s < NSECTIONS; s++) {
		r = answer(c, pa, s, s + 1 < NSECTIONS ? "next" : "review");
		ck_assert_msg(r->status == 303, "section %d gave %ld", s, r->status);
		resp_free(r);
	}
	char review[128], submit[128];
	snprintf(review, sizeof review, "%s/review", pa);
	snprintf(submit, sizeof submit, "%s/submit", pa);
	r = http_get(c, review);
	ck_assert(resp_has(r, "Opportunities to observe practice"));
	ck_assert(resp_has(r, "State and federal requirements built for a traditional model"));
	resp_free(r);
	r = post_form(c, review, submit, "");
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	char q[256];
	snprintf(q, sizeof q, "SELECT status FROM responses WHERE cycle_id = " CUR " AND school_id = %s", a);
	char *st = db_value(q);
	ck_assert_str_eq(st, "submitted");
	free(st);
	/* Its figures were summarised in the same transaction (summary.h):
	 * implementing, in some classrooms (the stage's fourth option). */
	snprintf(q, sizeof q, "SELECT rs.implementing || ' ' || rs.stage || ' ' || (rs.cultural_num IS NOT NULL)"
	                      "  FROM response_summary rs JOIN responses x ON x.id = rs.response_id"
	                      " WHERE x.cycle_id = " CUR " AND x.school_id = %s", a);
	st = db_value(q);
	ck_assert_ptr_nonnull(st);
	ck_assert_str_eq(st, "1 8 1");
	free(st);
	/* Submitted: read-only, and a stale form cannot change it. */
	r = http_get(c, pa);
	ck_assert(resp_has(r, "ask foundation staff to reopen"));
	resp_free(r);
	r = answer(c, pb, 0, "next");                /* b starts normally */
	ck_assert_int_eq(r->status, 303);
	resp_free(r);

	/* Shared questions are offered from another school's answers. */
	r = http_get(c, pc);
	ck_assert(resp_has(r, "Filled in from your answer for"));
	resp_free(r);

	/* "Start from my answers for another school": c3 becomes a draft copy of a. */
	char form[128];
	snprintf(form, sizeof form, "from=%s&to=%s", a, c3);
	r = post_form(c, "/scan", "/scan/0/copy", form);
	ck_assert_int_eq(r->status, 404);            /* no cycle 0 */
	resp_free(r);
	char copy[64];
	snprintf(copy, sizeof copy, "/scan/%d/copy", year);
	r = post_form(c, "/scan", copy, form);
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	snprintf(q, sizeof q, "SELECT status || ' ' || (SELECT count(*) FROM answers WHERE response_id = x.id)"
	         " FROM responses x WHERE x.cycle_id = " CUR " AND school_id = %s", c3);
	st = db_value(q);
	/* Every answer but those about the school alone (survey_school_specific)
	 * and the sections' saved markers; a draft, never submitted. */
	char q2[512];
	snprintf(q2, sizeof q2, "SELECT 'in_progress ' || count(*) FROM answers WHERE response_id ="
	         " (SELECT id FROM responses WHERE cycle_id = " CUR " AND school_id = %s)"
	         " AND question NOT LIKE '\\_saved.%%' ESCAPE '\\' AND question NOT IN ('years', 'community',"
	         " 'since', 'story', 'connect_host', 'challenges_story')", a);
	char *want = db_value(q2);
	ck_assert_str_eq(st, want);
	free(st);
	free(want);
	client_free(c);
	free(a);
	free(b);
	free(c3);
}
END_TEST

START_TEST(skip_logic_and_validation_on_the_server)
{
	int year = year_now();
	char *b = leader_school(1);
	char pb[64];
	snprintf(pb, sizeof pb, "/scan/%d/schools/%s", year, b);
	struct client *c = client_new();
	ck_assert_int_eq(login(c, "leader@example.org", DEMO_PW), 303);
	char page[128];
	snprintf(page, sizeof page, "%s?section=implementation", pb);
	struct resp *g = http_get(c, page);
	char *tok = csrf_of(g);
	long long rev = attr_num(g, "revision");
	resp_free(g);
	char form[512];
	/* A year out of range: the page comes back with the input and a linked message. */
	snprintf(form, sizeof form, "_csrf=%s&section=implementation&revision=%lld&go=next&q_stage=schoolwide"
	         "&q_since=1850&q_reach=all", tok, rev);
	struct resp *r = http_post(c, pb, form);
	ck_assert_int_eq(r->status, 422);
	ck_assert(resp_has(r, "href=\"#f-q_since\""));
	ck_assert(resp_has(r, "value=\"1850\""));
	resp_free(r);
	/* "Not yet": the follow-up questions are dropped even when sent. */
	snprintf(form, sizeof form, "_csrf=%s&section=implementation&revision=%lld&go=next&q_stage=not_yet"
	         "&q_since=2015&q_reach=all", tok, rev);
	r = http_post(c, pb, form);
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	char q[256];
	snprintf(q, sizeof q, "SELECT group_concat(question) FROM answers WHERE response_id ="
	         " (SELECT id FROM responses WHERE cycle_id = " CUR " AND school_id = %s) AND question IN ('stage', 'since', 'reach')", b);
	char *v = db_value(q);
	ck_assert_str_eq(v, "stage");
	free(v);
	/* The same form again, now stale: refused with what differs. */
	snprintf(form, sizeof form, "_csrf=%s&section=implementation&revision=%lld&go=next&q_stage=exploring",
	         tok, rev);
	r = http_post(c, pb, form);
	ck_assert_int_eq(r->status, 409);
	ck_assert(resp_has(r, "This section was saved from another window"));
	ck_assert(resp_has(r, "saved \xe2\x80\x9cNot yet\xe2\x80\x9d"));
	ck_assert(resp_has(r, "value=\"exploring\" checked"));     /* what they typed, kept */
	resp_free(r);
	free(tok);
	client_free(c);
	free(b);
}
END_TEST

START_TEST(no_reach_into_other_schools)
{
	int year = year_now();
	struct client *c = client_new();
	ck_assert_int_eq(login(c, "leader@example.org", DEMO_PW), 303);
	char *mine = leader_school(0);
	char *other = db_value("SELECT id FROM schools WHERE id NOT IN (SELECT school_id FROM user_schools"
	                       " WHERE user_id = (SELECT id FROM users WHERE email = 'leader@example.org'))"
	                       " ORDER BY id LIMIT 1");
	const char *suffixes[] = { "", "/review", NULL };
	for (int i = 0; suffixes[i]; i++) {
		char p[128];
		snprintf(p, sizeof p, "/scan/%d/schools/%s%s", year, other, suffixes[i]);
		struct resp *r = http_get(c, p);
		ck_assert_msg(r->status == 404, "GET %s gave %ld", p, r->status);
		resp_free(r);
	}
	char mine_page[128], p[128], form[256];
	snprintf(mine_page, sizeof mine_page, "/scan/%d/schools/%s", year, mine);
	snprintf(p, sizeof p, "/scan/%d/schools/%s", year, other);
	struct resp *r = post_form(c, mine_page, p, "section=about&revision=0&go=next&q_role=principal");
	ck_assert_int_eq(r->status, 404);
	resp_free(r);
	snprintf(p, sizeof p, "/scan/%d/schools/%s/submit", year, other);
	r = post_form(c, mine_page, p, "");
	ck_assert_int_eq(r->status, 404);
	resp_free(r);
	snprintf(p, sizeof p, "/scan/%d/copy", year);
	snprintf(form, sizeof form, "from=%s&to=%s", mine, other);
	r = post_form(c, "/scan", p, form);
	ck_assert_int_eq(r->status, 404);
	resp_free(r);
	snprintf(form, sizeof form, "from=%s&to=%s", other, mine);
	r = post_form(c, "/scan", p, form);
	ck_assert_int_eq(r->status, 404);
	resp_free(r);
	char q[256];
	snprintf(q, sizeof q, "SELECT count(*) FROM responses WHERE cycle_id = " CUR " AND school_id = %s", other);
	char *n = db_value(q);
	ck_assert_str_eq(n, "0");
	free(n);
	/* The closed baseline cannot be written. */
	snprintf(p, sizeof p, "/scan/2018/schools/%s", mine);
	r = post_form(c, mine_page, p, "section=about&revision=0&go=next&q_role=principal");
	ck_assert_int_eq(r->status, 409);
	resp_free(r);
	/* Other roles do not answer. */
	struct client *s = client_new();
	ck_assert_int_eq(login(s, "staff@example.org", DEMO_PW), 303);
	r = http_get(s, mine_page);
	ck_assert_int_eq(r->status, 403);
	resp_free(r);
	client_free(s);
	free(mine);
	free(other);
	client_free(c);
}
END_TEST

START_TEST(autosave_reports_its_revision_and_conflicts)
{
	int year = year_now();
	char *c3 = leader_school(2);
	char path[64], page[128];
	snprintf(path, sizeof path, "/scan/%d/schools/%s", year, c3);
	snprintf(page, sizeof page, "%s?section=learning", path);
	struct client *c = client_new();
	ck_assert_int_eq(login(c, "leader@example.org", DEMO_PW), 303);
	struct resp *g = http_get(c, page);
	char *tok = csrf_of(g);
	long long rev = attr_num(g, "revision");
	resp_free(g);
	char form[512];
	snprintf(form, sizeof form, "_csrf=%s&section=learning&revision=%lld&go=autosave&q_pl_used=plc", tok, rev);
	struct resp *r = http_post(c, path, form);
	ck_assert_int_eq(r->status, 204);
	char *x = resp_header(r, "X-Revision");
	ck_assert_int_eq(atoll(x), rev + 1);
	free(x);
	resp_free(r);
	/* A second window still holding the old revision is told, not obeyed. */
	snprintf(form, sizeof form, "_csrf=%s&section=learning&revision=%lld&go=autosave&q_pl_used=book_studies",
	         tok, rev);
	r = http_post(c, path, form);
	ck_assert_int_eq(r->status, 409);
	resp_free(r);
	char q[256];
	snprintf(q, sizeof q, "SELECT value FROM answers WHERE question = 'pl_used' AND response_id ="
	         " (SELECT id FROM responses WHERE cycle_id = " CUR " AND school_id = %s)", c3);
	char *v = db_value(q);
	ck_assert_str_eq(v, "plc");
	free(v);
	free(tok);
	free(c3);
	client_free(c);
}
END_TEST

START_TEST(staff_run_the_cycle)
{
	int year = year_now();
	struct client *c = client_new();
	ck_assert_int_eq(login(c, "staff@example.org", DEMO_PW), 303);
	struct resp *r = http_get(c, "/scans");
	ck_assert(resp_has(r, "/scans/2018/results\">results</a></td><td>Closed"));
	resp_free(r);
	/* A new cycle starts as a draft; two cannot be open at once. */
	char *inst = db_value("SELECT id FROM instruments ORDER BY id LIMIT 1");
	char form[128];
	snprintf(form, sizeof form, "year=%d&instrument=%s", year + 1, inst);
	r = post_form(c, "/scans", "/scans", form);
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	r = post_form(c, "/scans", "/scans", form);
	ck_assert_int_eq(r->status, 422);
	ck_assert(resp_has(r, "There is already a cycle for that year."));
	resp_free(r);
	char next[32];
	snprintf(next, sizeof next, "/scans/%d", year + 1);
	r = post_form(c, next, next, "action=open");
	ck_assert_int_eq(r->status, 409);
	/* Said on the cycle's page, naming the one that is open. */
	char said[96];
	snprintf(said, sizeof said, "The %d scan is open: close it before opening this one", year);
	ck_assert(resp_has(r, said));
	ck_assert(resp_has(r, "class=\"error-summary\""));
	resp_free(r);
	/* Leaders never see a draft. */
	struct client *l = client_new();
	ck_assert_int_eq(login(l, "leader@example.org", DEMO_PW), 303);
	char *school = db_value("SELECT school_id FROM user_schools WHERE user_id = (SELECT id FROM users"
	                        " WHERE email = 'leader@example.org') ORDER BY school_id LIMIT 1");
	char p[128];
	snprintf(p, sizeof p, "/scan/%d/schools/%s", year + 1, school);
	r = http_get(l, p);
	ck_assert_int_eq(r->status, 404);
	resp_free(r);
	/* Rates are shown, with the rule that keeps private schools from being singled out. */
	char cur[32];
	snprintf(cur, sizeof cur, "/scans/%d", year);
	r = http_get(c, cur);
	ck_assert(resp_has(r, "By state"));
	ck_assert(resp_has(r, "count\n here only where at least 5") || resp_has(r, "here only where at least 5"));
	resp_free(r);
	free(school);
	free(inst);
	client_free(l);
	client_free(c);
}
END_TEST

START_TEST(invitations_once_and_reminders_only_to_those_not_submitted)
{
	int year = year_now();
	/* Riley (invited earlier) leads one school, already submitted above. */
	char *riley_open = db_value("SELECT count(*) FROM user_schools us LEFT JOIN responses x ON x.school_id ="
	                            " us.school_id AND x.status = 'submitted' AND x.cycle_id = " CUR " WHERE us.user_id = (SELECT id"
	                            " FROM users WHERE email = 'riley@example.org') AND x.id IS NULL");
	ck_assert_str_eq(riley_open, "0");
	free(riley_open);
	struct client *c = client_new();
	ck_assert_int_eq(login(c, "staff@example.org", DEMO_PW), 303);
	char cur[32];
	snprintf(cur, sizeof cur, "/scans/%d", year);
	struct resp *r = post_form(c, cur, cur, "action=invite");
	ck_assert_int_eq(r->status, 303);
	char *loc = resp_header(r, "Location");
	ck_assert(strstr(loc, "msg=invited&n=3") != NULL);   /* Pat, Riley and the demo's host */
	free(loc);
	resp_free(r);
	char *m = mail_wait_for("leader@example.org", "regional scan is open", 10000);
	ck_assert(m && strstr(m, "regional scan is open"));
	free(m);
	m = mail_wait_for("riley@example.org", "regional scan is open", 10000);
	ck_assert(m != NULL);
	free(m);
	r = post_form(c, cur, cur, "action=invite");
	loc = resp_header(r, "Location");
	ck_assert(strstr(loc, "n=0") != NULL);             /* never twice */
	free(loc);
	resp_free(r);
	r = post_form(c, cur, cur, "action=remind");
	loc = resp_header(r, "Location");
	ck_assert(strstr(loc, "msg=reminded&n=2") != NULL);  /* Pat and the host */
	free(loc);
	resp_free(r);
	m = mail_wait_for("leader@example.org", "Subject: Reminder", 10000);
	ck_assert(m && strstr(m, "Subject: Reminder"));
	/* The reminder lists only the schools still waiting. */
	char *done = db_value("SELECT s.name FROM responses x JOIN schools s ON s.id = x.school_id"
	                      " WHERE x.status = 'submitted' AND x.cycle_id = " CUR " ORDER BY x.id LIMIT 1");
	ck_assert(strstr(m, done) == NULL);
	free(done);
	free(m);
	ck_assert(mail_wait_for("riley@example.org", "Subject: Reminder", 1000) == NULL);
	client_free(c);
}
END_TEST

START_TEST(staff_reopen_a_submitted_response)
{
	int year = year_now();
	char *id = db_value("SELECT id FROM responses WHERE status = 'submitted' AND cycle_id = " CUR " ORDER BY id LIMIT 1");
	char *school = db_value("SELECT school_id FROM responses WHERE status = 'submitted' AND cycle_id = " CUR " ORDER BY id LIMIT 1");
	struct client *c = client_new();
	ck_assert_int_eq(login(c, "staff@example.org", DEMO_PW), 303);
	char page[64], action[96];
	snprintf(page, sizeof page, "/scans/%d", year);
	snprintf(action, sizeof action, "/scans/%d/responses/%s/reopen", year, id);
	struct resp *r = post_form(c, page, action, "sure=1");
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	snprintf(page, sizeof page, "/scans/%d/responses/%s", year, id);
	r = http_get(c, page);
	ck_assert(resp_has(r, "Jordan Rivera: reopened"));
	ck_assert(resp_has(r, "submitted"));
	/* Reopened, it is a draft again: its progress shows, never its answers. */
	ck_assert(!resp_has(r, "Opportunities to observe practice"));
	ck_assert(resp_has(r, "sections saved; last activity"));
	resp_free(r);
	/* The leader can change it again. */
	struct client *l = client_new();
	ck_assert_int_eq(login(l, "leader@example.org", DEMO_PW), 303);
	snprintf(page, sizeof page, "/scan/%d/schools/%s", year, school);
	r = http_get(l, page);
	ck_assert(resp_has(r, "Save and finish later"));
	resp_free(r);
	/* Leaders cannot reopen, nor see staff pages. */
	r = post_form(l, "/scan", action, "");
	ck_assert_int_eq(r->status, 403);
	resp_free(r);
	client_free(l);
	free(id);
	free(school);
	client_free(c);
}
END_TEST

START_TEST(profiles_follow_the_policy_and_show_change)
{
	int year = year_now();
	/* One of the leader's schools that answered the 2018 baseline. */
	char *sid = db_value("SELECT us.school_id FROM user_schools us JOIN responses x ON x.school_id = us.school_id"
	                     " AND x.cycle_id = (SELECT id FROM scan_cycles WHERE year = 2018)"
	                     " WHERE us.user_id = (SELECT id FROM users WHERE email = 'leader@example.org')"
	                     " ORDER BY us.school_id LIMIT 1");
	ck_assert_ptr_nonnull(sid);
	char path[64], profile[64];
	snprintf(path, sizeof path, "/scan/%d/schools/%s", year, sid);
	snprintf(profile, sizeof profile, "/schools/%s", sid);
	struct client *c = client_new();
	ck_assert_int_eq(login(c, "leader@example.org", DEMO_PW), 303);
	struct resp *r;
	for (int s = 0; s < NSECTIONS; s++) {
		r = answer(c, path, s, s + 1 < NSECTIONS ? "next" : "review");
		ck_assert_int_eq(r->status, 303);
		resp_free(r);
	}
	char review[96], submit[96];
	snprintf(review, sizeof review, "%s/review", path);
	snprintf(submit, sizeof submit, "%s/submit", path);
	r = post_form(c, review, submit, "");
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	r = http_get(c, profile);
	ck_assert_int_eq(r->status, 200);
	char want[64];
	snprintf(want, sizeof want, "From the %d scan", year);
	ck_assert(resp_has(r, want));
	ck_assert(resp_has(r, "Change since the 2018 scan"));
	ck_assert(resp_has(r, " since 2018)"));
	ck_assert(resp_has(r, "How a score is made"));
	ck_assert(resp_has(r, "<dt>Students</dt>"));
	resp_free(r);
	/* Another school at network level: seen coarsely. */
	char *net = db_value("SELECT x.school_id FROM responses x JOIN schools s ON s.id = x.school_id WHERE"
	                     " s.sharing = 'network' AND x.status = 'submitted' AND x.school_id NOT IN"
	                     " (SELECT school_id FROM user_schools WHERE user_id = (SELECT id FROM users WHERE"
	                     " email = 'leader@example.org')) ORDER BY x.school_id LIMIT 1");
	snprintf(path, sizeof path, "/schools/%s", net);
	r = http_get(c, path);
	ck_assert_int_eq(r->status, 200);
	ck_assert(resp_has(r, "<dt>Type</dt>"));
	ck_assert(resp_has(r, "shares its scan answers only with"));
	ck_assert(!resp_has(r, "Implementation"));           /* scan data: full visibility only */
	ck_assert(!resp_has(r, "<dt>Students</dt>"));
	ck_assert(!resp_has(r, "How a score is made"));
	resp_free(r);
	/* A private school: not there for the leader or staff; there for its steward. */
	char *priv = db_value("SELECT id FROM schools WHERE sharing = 'private' AND nation_id = (SELECT nation_id"
	                      " FROM users WHERE email = 'steward@example.org') ORDER BY id LIMIT 1");
	snprintf(path, sizeof path, "/schools/%s", priv);
	r = http_get(c, path);
	ck_assert_int_eq(r->status, 404);
	resp_free(r);
	struct client *st = client_new(), *sw = client_new();
	ck_assert_int_eq(login(st, "staff@example.org", DEMO_PW), 303);
	ck_assert_int_eq(login(sw, "steward@example.org", DEMO_PW), 303);
	r = http_get(st, path);
	ck_assert_int_eq(r->status, 404);
	resp_free(r);
	r = http_get(sw, path);
	ck_assert_int_eq(r->status, 200);
	resp_free(r);
	r = http_get(st, "/schools/999999");
	ck_assert_int_eq(r->status, 404);
	resp_free(r);
	free(priv);
	free(net);
	free(sid);
	client_free(st);
	client_free(sw);
	client_free(c);
}
END_TEST

START_TEST(review_guards_hold)
{
	int year = year_now();
	/* A leader cannot copy a private school's answers into a school shared more widely. */
	char *lp = db_value("SELECT id FROM schools WHERE sharing = 'private' ORDER BY id LIMIT 1");
	char *lid = db_value("SELECT id FROM users WHERE email = 'leader@example.org'");
	struct client *admin = client_new(), *l = client_new();
	ck_assert_int_eq(login(admin, "admin@example.org", DEMO_PW), 303);
	ck_assert_int_eq(login(l, "leader@example.org", DEMO_PW), 303);
	char *mine = db_value("SELECT group_concat(school_id, '&schools=') FROM user_schools WHERE user_id ="
	                      " (SELECT id FROM users WHERE email = 'leader@example.org')");
	char page[64], form[512];
	snprintf(page, sizeof page, "/admin/people/%s", lid);
	/* (Linked as a nation's steward would: no admin may link a private school.) */
	char sh[256];
	snprintf(sh, sizeof sh, "INSERT INTO user_schools (user_id, school_id) VALUES (%s, %s)",
	         lid, lp);
	ck_assert_int_eq(db_run(sh), 0);
	struct resp *r;
	char sp[64];
	snprintf(sp, sizeof sp, "/scan/%d/schools/%s", year, lp);
	struct resp *g = http_get(l, sp);
	char *tok = csrf_of(g);
	resp_free(g);
	snprintf(form, sizeof form, "_csrf=%s&section=about&revision=0&go=save&q_role=principal"
	         "&q_community=Private+community+words", tok);
	r = http_post(l, sp, form);
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	/* Into a not-yet-started network school of theirs: refused. */
	char *open_net = db_value("SELECT us.school_id FROM user_schools us JOIN schools s ON s.id = us.school_id"
	                          " WHERE us.user_id = (SELECT id FROM users WHERE email = 'leader@example.org')"
	                          " AND s.sharing = 'network' AND NOT EXISTS (SELECT 1 FROM responses x WHERE"
	                          " x.school_id = s.id AND x.cycle_id = " CUR ") LIMIT 1");
	if (open_net) {
		char copy[64];
		snprintf(copy, sizeof copy, "/scan/%d/copy", year);
		snprintf(form, sizeof form, "from=%s&to=%s", lp, open_net);
		r = post_form(l, "/scan", copy, form);
		ck_assert_int_eq(r->status, 422);
		ck_assert(resp_has(r, "cannot be copied there"));
		resp_free(r);
		free(open_net);
	}
	/* A deliberately empty shared answer is not filled in again. */
	char *mine1 = db_value("SELECT us.school_id FROM user_schools us JOIN responses x ON x.school_id ="
	                       " us.school_id AND x.cycle_id = " CUR " AND x.status = 'in_progress' WHERE us.user_id ="
	                       " (SELECT id FROM users WHERE email = 'leader@example.org') ORDER BY us.school_id LIMIT 1");
	ck_assert_ptr_nonnull(mine1);
	snprintf(sp, sizeof sp, "/scan/%d/schools/%s", year, mine1);
	char lpage[96];
	snprintf(lpage, sizeof lpage, "%s?section=learning", sp);
	g = http_get(l, lpage);
	long long rev = -1;
	const char *rp = strstr(g->body, "name=\"revision\" value=\"");
	if (rp)
		rev = atoll(rp + strlen("name=\"revision\" value=\""));
	resp_free(g);
	snprintf(form, sizeof form, "_csrf=%s&section=learning&revision=%lld&go=save", tok, rev);
	r = http_post(l, sp, form);
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	g = http_get(l, lpage);
	ck_assert(!resp_has(g, "Filled in from your answer for"));
	ck_assert(!resp_has(g, "name=\"q_pl_used\" value=\"plc\" checked"));
	resp_free(g);
	/* Put the leader's schools back. */
	snprintf(sh, sizeof sh, "DELETE FROM user_schools WHERE user_id = %s AND school_id = %s",
	         lid, lp);
	ck_assert_int_eq(db_run(sh), 0);
	free(mine1);
	free(tok);
	free(mine);
	free(lid);
	free(lp);
	client_free(admin);
	client_free(l);
}
END_TEST

void add_scan_tests(TCase *t);
void add_scan_tests(TCase *t)
{
	tcase_add_test(t, leader_answers_resumes_copies_submits);
	tcase_add_test(t, skip_logic_and_validation_on_the_server);
	tcase_add_test(t, no_reach_into_other_schools);
	tcase_add_test(t, autosave_reports_its_revision_and_conflicts);
	tcase_add_test(t, staff_run_the_cycle);
	tcase_add_test(t, invitations_once_and_reminders_only_to_those_not_submitted);
	tcase_add_test(t, staff_reopen_a_submitted_response);
	tcase_add_test(t, profiles_follow_the_policy_and_show_change);
	tcase_add_test(t, review_guards_hold);
}
