/* test_season.c — the scan's season through nginx: staff set a deadline
 * and a reminder schedule; reminders by hand go only to leaders with a
 * school not yet submitted, and a second round at once sends nothing; the
 * clock sends a scheduled reminder once (the test moves the deadline, as
 * the Connect tests move a booking's time); a submitted school's receipt
 * reaches the SMTP sink with its answers; reopening asks first and tells
 * the leader by mail; each role's home says what needs doing, through the
 * policy; closing asks first with the drafts it leaves out; after it,
 * leaders read and download their answers but change nothing.  On a stack
 * of its own. */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CUR "(SELECT id FROM scan_cycles WHERE status = 'open')"

static const char *sections[][2] = {
	{ "about", "q_role=principal&q_years=6&q_community=Farm+families" },
	{ "familiarity", "q_fam_individualized=4&q_fam_personalized=5&q_fam_student_centered=3" },
	{ "implementation", "q_stage=some_classrooms&q_since=2019&q_reach=some&q_story=Advisory+and+season+projects" },
	{ "practices", "q_cultural_practices=community_curriculum&q_cultural_agree=3"
	               "&q_instructional_practices=learning_plans&q_instructional_agree=4"
	               "&q_career_practices=internships&q_career_agree=4" },
	{ "learning", "q_pl_used=plc&q_pl_used=observing" },
	{ "supports", "q_supports_needed=howto&q_supports_needed=observe&q_support_top=observe"
	              "&q_challenges=requirements&q_challenges=time" },
	{ "network", "q_want_cohort=yes&q_want_convening=maybe&q_connect_host=no&q_connect_visit=yes" },
};
#define NSECTIONS 7

static int year_now(void)
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	return tm.tm_year + 1900;
}

static long long value_int(const char *sql)
{
	char *v = db_value(sql);
	ck_assert_msg(v != NULL, "no value for %s", sql);
	long long n = atoll(v);
	free(v);
	return n;
}

static long long attr_num(const struct resp *r, const char *name)
{
	char pat[64];
	snprintf(pat, sizeof pat, "name=\"%s\" value=\"", name);
	const char *p = strstr(r->body, pat);
	return p ? atoll(p + strlen(pat)) : -1;
}

/* A number of a JSON answer (the first "key": of it). */
static long json_num(const char *body, const char *key)
{
	char pat[64];
	snprintf(pat, sizeof pat, "\"%s\":", key);
	const char *p = strstr(body, pat);
	return p ? atol(p + strlen(pat)) : -1;
}

static struct client *signed_in(const char *email)
{
	struct client *c = client_new();
	ck_assert_int_eq(login(c, email, DEMO_PW), 303);
	return c;
}

/* Post one section as a leader would. */
static long answer(struct client *c, const char *school_path, int s, const char *go)
{
	char page[256];
	snprintf(page, sizeof page, "%s?section=%s", school_path, sections[s][0]);
	struct resp *g = http_get(c, page);
	ck_assert_int_eq(g->status, 200);
	char *tok = csrf_of(g);
	long long rev = attr_num(g, "revision");
	resp_free(g);
	char form[2048];
	snprintf(form, sizeof form, "_csrf=%s&section=%s&revision=%lld&go=%s&%s", tok, sections[s][0], rev, go,
	         sections[s][1]);
	free(tok);
	struct resp *r = http_post(c, school_path, form);
	long st = r->status;
	resp_free(r);
	return st;
}

/* A leader made for the test, with a password and one school of its own. */
static void make_leader(const char *email, const char *school_sql)
{
	char sql[1024];
	snprintf(sql, sizeof sql, "INSERT INTO users (email, name, role, active, pw_hash) VALUES ('%s', 'Test %s',"
	         " 'leader', 1, 'x')", email, email);
	ck_assert_int_eq(db_run(sql), 0);
	snprintf(sql, sizeof sql, "INSERT INTO user_schools (user_id, school_id) SELECT (SELECT id FROM users WHERE"
	         " email = '%s'), (%s)", email, school_sql);
	ck_assert_int_eq(db_run(sql), 0);
}

/* A network school no one leads yet (the n-th). */
#define FREE_SCHOOL(n) "SELECT id FROM schools WHERE sharing = 'network' AND id NOT IN (SELECT school_id" \
	" FROM user_schools) AND id NOT IN (SELECT school_id FROM responses) ORDER BY id LIMIT 1 OFFSET " #n

START_TEST(reminders_by_hand_once_and_only_unsubmitted)
{
	int year = year_now();
	make_leader("season-todo@example.org", FREE_SCHOOL(0));
	make_leader("season-done@example.org", FREE_SCHOOL(1));
	/* The second leader's school is submitted. */
	ck_assert_int_eq(db_run("INSERT INTO responses (cycle_id, school_id, status, submitted_at) SELECT " CUR ","
	                        " us.school_id, 'submitted', unixepoch() FROM user_schools us JOIN users u ON u.id ="
	                        " us.user_id WHERE u.email = 'season-done@example.org'"), 0);
	struct client *c = signed_in("staff@example.org");
	char cur[32];
	snprintf(cur, sizeof cur, "/scans/%d", year);
	struct resp *r = post_form(c, cur, cur, "action=remind");
	ck_assert_int_eq(r->status, 303);
	char *loc = resp_header(r, "Location");
	ck_assert(strstr(loc, "msg=reminded&n=") && !strstr(loc, "n=0"));
	long sent = atol(strstr(loc, "n=") + 2);
	free(loc);
	resp_free(r);
	char *m = mail_wait_for("season-todo@example.org", "Subject: Reminder", 10000);
	ck_assert(m != NULL);
	ck_assert(strstr(m, "The deadline is") != NULL);      /* the demo's cycle has one */
	free(m);
	ck_assert(mail_wait_for("season-done@example.org", "Reminder", 1500) == NULL);
	/* At once again: no one. */
	r = post_form(c, cur, cur, "action=remind");
	loc = resp_header(r, "Location");
	ck_assert(strstr(loc, "msg=reminded&n=0") != NULL);
	resp_free(r);
	char page[96];
	snprintf(page, sizeof page, "%s?msg=reminded&n=0", cur);
	r = http_get(c, page);
	ck_assert(resp_has(r, "No reminders sent"));
	/* The page says when the last reminders went and to how many. */
	char want[96];
	snprintf(want, sizeof want, "sent by Jordan Rivera, to %ld leader", sent);
	ck_assert_msg(resp_has(r, want), "no '%s'", want);
	resp_free(r);
	free(loc);
	ck_assert(mail_wait_for("season-todo@example.org", "Reminder", 1500) == NULL);
	ck_assert_int_eq(value_int("SELECT count(*) FROM scan_mailings m JOIN users u ON u.id = m.user_id"
	                           " WHERE u.email = 'season-todo@example.org' AND m.kind = 'reminder'"), 1);
	/* Not a leader's to send. */
	struct client *l = signed_in("leader@example.org");
	r = post_form(l, "/scan", cur, "action=remind");
	ck_assert_int_eq(r->status, 403);
	resp_free(r);
	client_free(l);
	client_free(c);
}
END_TEST

START_TEST(the_clock_sends_a_scheduled_reminder_once)
{
	int year = year_now();
	struct client *c = signed_in("staff@example.org");
	char cur[32];
	snprintf(cur, sizeof cur, "/scans/%d", year);
	/* A schedule that makes no sense is refused, the input kept. */
	struct resp *r = post_form(c, cur, cur, "action=schedule&opens_on=&deadline=2026-02-30&reminders=14%2C+x");
	ck_assert_int_eq(r->status, 422);
	ck_assert(resp_has(r, "Enter the deadline as a date"));
	ck_assert(resp_has(r, "Write whole numbers of days"));
	ck_assert(resp_has(r, "value=\"14, x\""));
	resp_free(r);
	/* The deadline two days off, a reminder three days before it: due
	 * since yesterday, so the clock sends it at its next tick. */
	time_t t = time(NULL) + 2 * 86400;
	struct tm tm;
	gmtime_r(&t, &tm);
	char dl[11], form[160];
	strftime(dl, sizeof dl, "%Y-%m-%d", &tm);
	/* Yesterday's reminders by hand do not hold this one back. */
	ck_assert_int_eq(db_run("UPDATE scan_mailings SET at = at - 86400 WHERE kind = 'reminder'"), 0);
	snprintf(form, sizeof form, "action=schedule&opens_on=&deadline=%s&reminders=3", dl);
	r = post_form(c, cur, cur, form);
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	char *m = mail_wait_for("season-todo@example.org", "Subject: Reminder", 15000);
	ck_assert_msg(m != NULL, "the clock sent no reminder");
	free(m);
	ck_assert(mail_wait_for("season-done@example.org", "Reminder", 500) == NULL);
	/* Once: the next ticks send nothing more. */
	usleep(1500 * 1000);
	ck_assert(mail_wait_for("season-todo@example.org", "Reminder", 1000) == NULL);
	ck_assert_int_eq(value_int("SELECT count(*) FROM scan_reminder_rounds WHERE cycle_id = " CUR
	                           " AND days_before = 3 AND sent_by IS NULL"), 1);
	r = http_get(c, cur);
	ck_assert(resp_has(r, "3 days before the deadline: sent"));
	ck_assert(resp_has(r, "by the schedule"));
	resp_free(r);
	client_free(c);
}
END_TEST

START_TEST(submit_sends_a_receipt_with_the_answers)
{
	int year = year_now();
	struct client *l = signed_in("leader@example.org");
	char *school = db_value("SELECT us.school_id FROM user_schools us JOIN users u ON u.id = us.user_id"
	                        " WHERE u.email = 'leader@example.org' AND us.school_id NOT IN (SELECT school_id"
	                        " FROM responses WHERE cycle_id = " CUR ") ORDER BY us.school_id LIMIT 1");
	ck_assert(school != NULL);
	char base[96], sub[128];
	snprintf(base, sizeof base, "/scan/%d/schools/%s", year, school);
	for (int s = 0; s < NSECTIONS; s++)
		ck_assert_int_eq(answer(l, base, s, s + 1 < NSECTIONS ? "next" : "review"), 303);
	snprintf(sub, sizeof sub, "%s/review", base);
	char action[128];
	snprintf(action, sizeof action, "%s/submit", base);
	/* The figures kept on write for the school's group (*_figures.sql),
	 * and the results staff read, before and just after. */
	char kept_q[512], json[64];
	snprintf(kept_q, sizeof kept_q, "SELECT coalesce(sum(c.submitted), 0) || ' ' || coalesce(sum(c.summarised), 0)"
	         " FROM figure_cycles c JOIN figure_school g ON g.state_code = c.state_code AND g.type = c.type"
	         " AND g.nation_id = c.nation_id AND g.shown = c.shown WHERE g.school_id = %s AND c.cycle_id = " CUR,
	         school);
	snprintf(json, sizeof json, "/api/v1/scans/%d/summary", year);
	struct client *st = signed_in("staff@example.org");
	struct resp *fr = http_get(st, json);
	long responding = fr->status == 200 ? json_num(fr->body, "schools_responding") : -1;
	resp_free(fr);
	char *kept0 = db_value(kept_q);
	long sub0 = 0, sum0 = 0, sub1 = 0, sum1 = 0;
	ck_assert_int_eq(sscanf(kept0, "%ld %ld", &sub0, &sum0), 2);
	struct resp *r = post_form(l, sub, action, "");
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	char *kept1 = db_value(kept_q);
	ck_assert_int_eq(sscanf(kept1, "%ld %ld", &sub1, &sum1), 2);
	ck_assert_int_eq(sub1, sub0 + 1);       /* at once, summary and all */
	ck_assert_int_eq(sum1, sum0 + 1);
	char shown_q[128];
	snprintf(shown_q, sizeof shown_q, "SELECT sharing <> 'private' FROM schools WHERE id = %s", school);
	char *shown = db_value(shown_q);
	if (responding >= 0 && !strcmp(shown, "1")) {
		fr = http_get(st, json);
		ck_assert_int_eq(json_num(fr->body, "schools_responding"), responding + 1);
		resp_free(fr);
	}
	free(shown);
	free(kept0);
	free(kept1);
	client_free(st);
	char q[160];
	snprintf(q, sizeof q, "SELECT name FROM schools WHERE id = %s", school);
	char *name = db_value(q);
	char *m = mail_wait_for("leader@example.org", "Subject: Receipt", 10000);
	ck_assert_msg(m != NULL, "no receipt");
	ck_assert(strstr(m, name) != NULL);
	ck_assert(strstr(m, "Advisory and season projects") != NULL);   /* a copy of the answers */
	ck_assert(strstr(m, "== Implementation") != NULL || strstr(m, "== ") != NULL);
	free(m);
	free(name);
	free(school);
	client_free(l);
}
END_TEST

/* A school's name with a line break in it (imported so) neither blocks
 * its leader's submission nor splits the receipt's Subject header, which
 * names the school: the break becomes a space there. */
START_TEST(a_name_with_a_line_break_still_submits)
{
	int year = year_now();
	make_leader("season-lines@example.org", FREE_SCHOOL(0));
	char *school = db_value("SELECT us.school_id FROM user_schools us JOIN users u ON u.id = us.user_id"
	                        " WHERE u.email = 'season-lines@example.org'");
	ck_assert(school != NULL);
	char sql[256], base[96], sub[128], action[128];
	snprintf(sql, sizeof sql, "UPDATE schools SET name = 'Line' || char(13, 10) || 'Break School' WHERE id = %s",
	         school);
	ck_assert_int_eq(db_run(sql), 0);
	struct client *l = client_signed_in(value_int("SELECT id FROM users WHERE email = 'season-lines@example.org'"));
	snprintf(base, sizeof base, "/scan/%d/schools/%s", year, school);
	for (int s = 0; s < NSECTIONS; s++)
		ck_assert_int_eq(answer(l, base, s, s + 1 < NSECTIONS ? "next" : "review"), 303);
	snprintf(sub, sizeof sub, "%s/review", base);
	snprintf(action, sizeof action, "%s/submit", base);
	struct resp *r = post_form(l, sub, action, "");
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	snprintf(sql, sizeof sql, "SELECT status FROM responses WHERE school_id = %s AND cycle_id = " CUR, school);
	char *st = db_value(sql);
	ck_assert_str_eq(st, "submitted");
	free(st);
	char *m = mail_wait_for("season-lines@example.org", "Subject: Receipt", 10000);
	ck_assert_msg(m != NULL, "no receipt");
	ck_assert(strstr(m, "Subject: Receipt: ") != NULL);
	ck_assert(strstr(m, "regional scan for Line Break School") != NULL);
	free(m);
	free(school);
	client_free(l);
}
END_TEST

START_TEST(reopen_asks_then_mails_the_leader)
{
	int year = year_now();
	char *id = db_value("SELECT x.id FROM responses x JOIN user_schools us ON us.school_id = x.school_id"
	                    " JOIN users u ON u.id = us.user_id WHERE u.email = 'leader@example.org'"
	                    " AND x.status = 'submitted' AND x.cycle_id = " CUR " ORDER BY x.id LIMIT 1");
	ck_assert(id != NULL);
	struct client *c = signed_in("staff@example.org");
	char page[128], q[160];
	snprintf(page, sizeof page, "/scans/%d/responses/%s/reopen", year, id);
	snprintf(q, sizeof q, "SELECT status FROM responses WHERE id = %s", id);
	struct resp *r = http_get(c, page);
	ck_assert_int_eq(r->status, 200);
	ck_assert(resp_has(r, "Pat Olson"));
	ck_assert(resp_has(r, "told by mail"));
	resp_free(r);
	/* Without the page's confirmation nothing changes: the page is shown. */
	r = post_form(c, page, page, "");
	ck_assert_int_eq(r->status, 200);
	ck_assert(resp_has(r, "Reopen and tell the leaders"));
	resp_free(r);
	char *st = db_value(q);
	ck_assert_str_eq(st, "submitted");
	free(st);
	/* A note too long is refused, the response untouched. */
	char *big = malloc(1200 * 3 + 64);
	strcpy(big, "sure=1&note=");
	for (int i = 0; i < 1100; i++)
		strcat(big, "a");
	r = post_form(c, page, page, big);
	free(big);
	ck_assert_int_eq(r->status, 422);
	ck_assert(resp_has(r, "longer than 1000 characters"));
	resp_free(r);
	st = db_value(q);
	ck_assert_str_eq(st, "submitted");
	free(st);
	/* A leader may not. */
	struct client *l = signed_in("leader@example.org");
	r = http_get(l, page);
	ck_assert_int_eq(r->status, 403);
	resp_free(r);
	client_free(l);
	r = post_form(c, page, page, "sure=1&note=Please+check+the+start+year.");
	ck_assert_int_eq(r->status, 303);
	char *loc = resp_header(r, "Location");
	ck_assert(strstr(loc, "msg=reopened&n=1") != NULL);
	free(loc);
	resp_free(r);
	st = db_value(q);
	ck_assert_str_eq(st, "in_progress");
	free(st);
	char *m = mail_wait_for("leader@example.org", "open again", 10000);
	ck_assert_msg(m != NULL, "the leader was not told");
	ck_assert(strstr(m, "Please check the start year.") != NULL);
	free(m);
	free(id);
	client_free(c);
}
END_TEST

START_TEST(home_says_what_needs_doing)
{
	/* A leader: the open scan, its deadline, each school's progress. */
	struct client *l = signed_in("leader@example.org");
	struct resp *r = http_get(l, "/");
	ck_assert(resp_has(r, "regional scan"));
	ck_assert(resp_has(r, "Deadline: <strong>"));
	ck_assert(resp_has(r, "of your schools submitted"));
	ck_assert(resp_has(r, "sections saved)"));          /* the reopened one */
	resp_free(r);
	client_free(l);
	/* Staff: reports to approve, payments due, the response rate. */
	struct client *s = signed_in("staff@example.org");
	r = http_get(s, "/");
	ck_assert(resp_has(r, "awaiting your approval"));
	ck_assert(resp_has(r, "due in the next 30 days"));
	ck_assert(resp_has(r, "response rate"));
	resp_free(r);
	client_free(s);
	/* A coach: this week's visits (only schools the policy shows them) and reports due. */
	struct client *c = signed_in("coach@example.org");
	r = http_get(c, "/");
	ck_assert(resp_has(r, "coaching visit"));
	ck_assert(resp_has(r, "grant report"));
	const char *p = strstr(r->body, "<a href=\"/visits\"><strong>");
	ck_assert(p != NULL);
	long before = atol(p + strlen("<a href=\"/visits\"><strong>"));
	resp_free(r);
	/* A visit this week at a private school the coach's organization does
	 * not serve (written straight to the database): never counted. */
	char *hidden = db_value("SELECT name FROM schools WHERE sharing = 'private' ORDER BY id LIMIT 1");
	ck_assert_int_eq(db_run("INSERT INTO visits (org_id, school_id, starts_at, local_date, minutes, mode, activity)"
	                        " SELECT (SELECT org_id FROM users WHERE email = 'coach@example.org'),"
	                        " (SELECT id FROM schools WHERE sharing = 'private' ORDER BY id LIMIT 1), unixepoch(),"
	                        " date('now'), 60, 'onsite', 'redesign'"), 0);
	r = http_get(c, "/");
	p = strstr(r->body, "<a href=\"/visits\"><strong>");
	ck_assert_int_eq(atol(p + strlen("<a href=\"/visits\"><strong>")), before);
	ck_assert(!resp_has(r, hidden));
	resp_free(r);
	/* One at a school it serves: counted and named. */
	ck_assert_int_eq(db_run("INSERT INTO visits (org_id, school_id, starts_at, local_date, minutes, mode, activity)"
	                        " SELECT g.org_id, gs.school_id, unixepoch(), date('now'), 60, 'onsite', 'redesign'"
	                        " FROM grant_schools gs JOIN grants g ON g.id = gs.grant_id JOIN schools s ON s.id ="
	                        " gs.school_id WHERE g.org_id = (SELECT org_id FROM users WHERE email ="
	                        " 'coach@example.org') AND g.stage = 'active' AND gs.to_date IS NULL"
	                        " AND s.sharing <> 'private' LIMIT 1"), 0);
	r = http_get(c, "/");
	p = strstr(r->body, "<a href=\"/visits\"><strong>");
	ck_assert_int_eq(atol(p + strlen("<a href=\"/visits\"><strong>")), before + 1);
	resp_free(r);
	free(hidden);
	client_free(c);
}
END_TEST

/* The "N drafts" and "N reopened" counts on the close page. */
static void left_out(const struct resp *r, long *drafts, long *reopened)
{
	const char *p = strstr(r->body, "id=\"left-out\"");
	ck_assert(p != NULL);
	p = strstr(p, "<strong>");
	ck_assert(p != NULL);
	*drafts = atol(p + 8);
	p = strstr(p + 8, "<strong>");
	ck_assert(p != NULL);
	*reopened = atol(p + 8);
}

START_TEST(close_asks_with_counts_then_answers_read_only)
{
	int year = year_now();
	struct client *c = signed_in("staff@example.org");
	char cur[32], close[48];
	snprintf(cur, sizeof cur, "/scans/%d", year);
	snprintf(close, sizeof close, "/scans/%d/close", year);
	struct resp *r = http_get(c, close);
	ck_assert_int_eq(r->status, 200);
	long d0, r0;
	left_out(r, &d0, &r0);
	ck_assert_int_ge(r0, 1);                      /* the one reopened above */
	resp_free(r);
	/* One more draft: the count follows. */
	struct client *l = signed_in("leader@example.org");
	char *school = db_value("SELECT us.school_id FROM user_schools us JOIN users u ON u.id = us.user_id"
	                        " JOIN schools s ON s.id = us.school_id WHERE u.email = 'leader@example.org'"
	                        " AND s.sharing <> 'private' AND us.school_id NOT IN (SELECT school_id FROM responses"
	                        " WHERE cycle_id = " CUR ") ORDER BY us.school_id LIMIT 1");
	char base[96];
	if (school) {
		snprintf(base, sizeof base, "/scan/%d/schools/%s", year, school);
		ck_assert_int_eq(answer(l, base, 0, "save"), 303);
		r = http_get(c, close);
		long d1, r1;
		left_out(r, &d1, &r1);
		ck_assert_int_eq(d1, d0 + 1);
		ck_assert_int_eq(r1, r0);
		resp_free(r);
		free(school);
	}
	/* The old button and a POST without the page's word do not close it. */
	r = post_form(c, cur, cur, "action=close");
	ck_assert_int_eq(r->status, 303);
	char *loc = resp_header(r, "Location");
	ck_assert(strstr(loc, "/close") != NULL);
	free(loc);
	resp_free(r);
	r = post_form(c, close, close, "");
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	char *st = db_value("SELECT status FROM scan_cycles WHERE year = strftime('%Y', 'now')");
	ck_assert_str_eq(st, "open");
	free(st);
	/* A leader may not. */
	r = post_form(l, "/scan", close, "sure=1");
	ck_assert_int_eq(r->status, 403);
	resp_free(r);
	r = post_form(c, close, close, "sure=1");
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	st = db_value("SELECT status FROM scan_cycles WHERE year = strftime('%Y', 'now')");
	ck_assert_str_eq(st, "closed");
	free(st);
	/* The leader reads, downloads, and changes nothing. */
	/* (The school submitted above, then reopened and never submitted again.) */
	char *sub = db_value("SELECT x.school_id FROM responses x JOIN answers a ON a.response_id = x.id"
	                     " AND a.question = 'story' AND a.value = 'Advisory and season projects'"
	                     " WHERE x.cycle_id = (SELECT id FROM scan_cycles WHERE year = strftime('%Y', 'now'))"
	                     " ORDER BY x.id LIMIT 1");
	ck_assert(sub != NULL);
	snprintf(base, sizeof base, "/scan/%d/schools/%s", year, sub);
	r = http_get(l, base);
	ck_assert_int_eq(r->status, 200);
	ck_assert(resp_has(r, "This scan is closed"));
	ck_assert(resp_has(r, "Advisory and season projects"));
	ck_assert(!resp_has(r, "Save and finish later"));
	resp_free(r);
	char form[256];
	snprintf(form, sizeof form, "section=about&revision=0&go=save&%s", sections[0][1]);
	r = post_form(l, base, base, form);
	ck_assert_int_eq(r->status, 409);
	resp_free(r);
	char csv[128];
	snprintf(csv, sizeof csv, "%s/answers.csv", base);
	r = http_get(l, csv);
	ck_assert_int_eq(r->status, 200);
	char *ct = resp_header(r, "Content-Type");
	ck_assert(ct && strstr(ct, "text/csv"));
	free(ct);
	ck_assert(resp_has(r, "question_id"));
	ck_assert(resp_has(r, "Advisory and season projects"));
	resp_free(r);
	r = http_get(l, "/scan");
	ck_assert(resp_has(r, "Closed scans"));
	ck_assert(resp_has(r, "answers.csv"));
	resp_free(r);
	/* Another leader's school: as if it did not exist. */
	struct client *h = signed_in("host@example.org");
	r = http_get(h, csv);
	ck_assert_int_eq(r->status, 404);
	resp_free(r);
	client_free(h);
	free(sub);
	client_free(l);
	client_free(c);
}
END_TEST

void add_season_cases(Suite *s);
void add_season_cases(Suite *s)
{
	TCase *t = tcase_create("season");
	tcase_add_unchecked_fixture(t, stack_up, stack_down);
	tcase_set_timeout(t, 120);
	tcase_add_test(t, reminders_by_hand_once_and_only_unsubmitted);
	tcase_add_test(t, the_clock_sends_a_scheduled_reminder_once);
	tcase_add_test(t, submit_sends_a_receipt_with_the_answers);
	tcase_add_test(t, a_name_with_a_line_break_still_submits);
	tcase_add_test(t, reopen_asks_then_mails_the_leader);
	tcase_add_test(t, home_says_what_needs_doing);
	tcase_add_test(t, close_asks_with_counts_then_answers_read_only);
	suite_add_tcase(s, t);
}
