/* test_connect.c — Connect through nginx: a host publishes a site visit (a
 * time the spring change skips is refused, the input kept); a leader in
 * another time zone finds it and asks for seats; the host confirms, moves
 * the visit, the visitor cancels; every mail carries an invitation for its
 * reader alone that python3-icalendar parses back (tests/ical_check.py),
 * with SEQUENCE rising; reminders never go for a cancelled booking; a
 * private calendar feed.  Then 50 leaders at once for the last seat, again
 * and again: exactly one booking each time; and workers killed during a
 * burst of bookings leave no half-booking behind.  On a stack of its own. */
#include "harness.h"

#include <curl/curl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long value_int(const char *sql)
{
	char *v = db_value(sql);
	ck_assert_msg(v != NULL, "no value for %s", sql);
	long long n = atoll(v);
	free(v);
	return n;
}

static long long location_id(const struct resp *r, const char *prefix)
{
	char *loc = resp_header(r, "Location");
	long long id = loc && strstr(loc, prefix) ? atoll(strstr(loc, prefix) + strlen(prefix)) : 0;
	free(loc);
	return id;
}

/* Today plus days, in Central time (the region's day). */
static void day_plus(int days, char out[11])
{
	time_t t = time(NULL) + (time_t)days * 86400 - 6 * 3600;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

/* The second Sunday of March next year: 02:30 does not exist that night. */
static void spring_forward(char out[11])
{
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	struct tm m = { .tm_year = tm.tm_year + 1, .tm_mon = 2, .tm_mday = 1, .tm_hour = 12 };
	time_t t = timegm(&m);
	gmtime_r(&t, &m);
	int first_sunday = 1 + (7 - m.tm_wday) % 7;
	m.tm_mday = first_sunday + 7;
	strftime(out, 11, "%Y-%m-%d", &m);
}

/* tests/ical_check.py over text (a whole message or a calendar): its JSON
 * report; the check fails the test when the parser refuses the text. */
static char *ical_json(const char *text)
{
	char path[300], cmd[700];
	snprintf(path, sizeof path, "%s/check.ics", S.dir);
	FILE *f = fopen(path, "wb");
	ck_assert(f != NULL);
	fputs(text, f);
	fclose(f);
	const char *root = getenv("ILNET_ROOT");
	snprintf(cmd, sizeof cmd, "/usr/bin/python3 %s/tests/ical_check.py %s 2>&1", root ? root : ".", path);
	FILE *p = popen(cmd, "r");
	ck_assert(p != NULL);
	size_t cap = 1 << 16, n = 0;
	char *out = malloc(cap);
	size_t got;
	while ((got = fread(out + n, 1, cap - 1 - n, p)) > 0)
		n += got;
	out[n] = '\0';
	int st = pclose(p);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "ical_check refused it: %s", out);
	return out;
}

/* Wait for a mail to `to` whose text holds part; check its calendar and
 * that it is for that reader alone; return the checker's JSON. */
static char *invitation(const char *to, const char *part)
{
	char *mail = mail_wait_for(to, part, 10000);
	ck_assert_msg(mail != NULL, "no mail \"%s\" to %s", part, to);
	char *json = ical_json(mail);
	free(mail);
	char want[300];
	snprintf(want, sizeof want, "\"address\": \"%s\"", to);
	int attendees = 0;
	for (const char *p = json; (p = strstr(p, "\"address\": ")); p++)
		attendees++;
	ck_assert_msg(strstr(json, want) != NULL && attendees == 1, "not addressed to %s alone: %s", to, json);
	return json;
}

/* Take one mail to `to` that arrives within a moment: 1, or 0 for none. */
static int drain(const char *to)
{
	char *m = mail_wait_for(to, NULL, 1500);
	int got = m != NULL;
	free(m);
	return got;
}

static void has(const char *json, const char *text)
{
	ck_assert_msg(strstr(json, text) != NULL, "\"%s\" not in %s", text, json);
}

START_TEST(host_publishes_visitor_books)
{
	long long host_school = value_int("SELECT min(us.school_id) FROM user_schools us JOIN users u ON u.id = us.user_id"
	                                  " JOIN schools s ON s.id = us.school_id"
	                                  " WHERE u.email = 'host@example.org' AND s.tz = 'America/Denver'");
	long long mine = value_int("SELECT min(us.school_id) FROM user_schools us JOIN users u ON u.id = us.user_id"
	                           " WHERE u.email = 'leader@example.org'");
	long long mine2 = value_int("SELECT max(us.school_id) FROM user_schools us JOIN users u ON u.id = us.user_id"
	                            " WHERE u.email = 'leader@example.org'");
	struct client *host = client_new(), *lead = client_new();
	ck_assert_int_eq(login(host, "host@example.org", DEMO_PW), 303);
	ck_assert_int_eq(login(lead, "leader@example.org", DEMO_PW), 303);
	/* The demo's own requests were mailed at start: out of the way. */
	while (drain("leader@example.org") || drain("host@example.org"))
		;

	/* A time the clocks skip is refused, with the input kept. */
	char skipped[11], form[1024];
	spring_forward(skipped);
	snprintf(form, sizeof form, "school=%lld&date=%s&time=02%%3A30&minutes=120&seats=3&dimensions=instructional"
	         "&practices=learning_plans&confirm=host&answer_hours=48&expect=Advisory+%%26+labs", host_school, skipped);
	struct resp *r = post_form(host, "/connect/host", "/connect/host", form);
	ck_assert_int_eq(r->status, 422);
	ck_assert(resp_has(r, "does not exist"));
	ck_assert(resp_has(r, skipped));
	ck_assert(resp_has(r, "Advisory &amp; labs"));
	resp_free(r);
	ck_assert_int_eq(value_int("SELECT count(*) FROM opportunities WHERE local_date = '2000-01-01' OR local_time = '02:30'"), 0);

	char day[11], later[11];
	day_plus(20, day);
	day_plus(22, later);
	snprintf(form, sizeof form, "school=%lld&date=%s&time=10%%3A00&minutes=120&seats=3&dimensions=instructional"
	         "&practices=learning_plans&confirm=host&answer_hours=48&expect=Advisory+%%26+labs", host_school, day);
	r = post_form(host, "/connect/host", "/connect/host", form);
	ck_assert_int_eq(r->status, 303);
	long long opp = location_id(r, "/connect/opportunities/");
	resp_free(r);
	ck_assert(opp > 0);
	char path[128], rpath[128];
	snprintf(path, sizeof path, "/connect/opportunities/%lld", opp);

	/* The leader, in Central time, finds it with the host's time and theirs. */
	r = http_get(lead, "/connect?dimension=instructional");
	ck_assert_int_eq(r->status, 200);
	ck_assert(resp_has(r, path));
	resp_free(r);
	r = http_get(lead, path);
	ck_assert_int_eq(r->status, 200);
	ck_assert(resp_has(r, "MST") || resp_has(r, "MDT"));
	ck_assert(resp_has(r, "your time"));
	ck_assert(resp_has(r, "Ask for seats"));
	resp_free(r);

	/* Names must match the party: refused, kept, nothing stored. */
	char ask[160];
	snprintf(ask, sizeof ask, "%s/request", path);
	snprintf(form, sizeof form, "school=%lld&party=2&names=Ana+Lund&note=We+teach+grades+3-5", mine);
	r = post_form(lead, path, ask, form);
	ck_assert_int_eq(r->status, 422);
	ck_assert(resp_has(r, "Write 2 names"));
	ck_assert(resp_has(r, "We teach grades 3-5"));
	resp_free(r);
	char q0[128];
	snprintf(q0, sizeof q0, "SELECT count(*) FROM bookings WHERE opportunity_id = %lld", opp);
	ck_assert_int_eq(value_int(q0), 0);

	snprintf(form, sizeof form, "school=%lld&party=2&names=Ana+Lund%%0D%%0ABo+Ek&note=We+teach+grades+3-5", mine);
	r = post_form(lead, path, ask, form);
	ck_assert_int_eq(r->status, 303);
	long long b = location_id(r, "/connect/requests/");
	resp_free(r);
	ck_assert(b > 0);
	snprintf(rpath, sizeof rpath, "/connect/requests/%lld", b);
	char q[256];
	snprintf(q, sizeof q, "SELECT status || ' ' || (SELECT held FROM opportunities WHERE id = %lld) FROM bookings"
	         " WHERE id = %lld", opp, b);
	char *v = db_value(q);
	ck_assert_str_eq(v, "pending 2");                    /* held while the host answers */
	free(v);
	char *json = invitation("leader@example.org", "was received");
	has(json, "\"method\": \"REQUEST\"");
	has(json, "\"status\": \"TENTATIVE\"");
	has(json, "\"sequence\": 0");
	has(json, "\"tzid\": \"America/Denver\"");
	free(json);
	json = invitation("host@example.org", "awaits your answer");
	free(json);

	/* A feed of one's own confirmed visits, at a private address. */
	r = post_form(lead, "/account", "/account/calendar", "action=new");
	ck_assert_int_eq(r->status, 200);
	const char *at = r->body ? strstr(r->body, "/calendar/") : NULL;
	ck_assert(at != NULL);
	char feed[128];
	snprintf(feed, sizeof feed, "%.*s", (int)(strstr(at, ".ics") + 4 - at), at);
	resp_free(r);
	ck_assert_int_eq(value_int("SELECT count(*) FROM calendar_feeds WHERE length(token_hash) = 32"), 1);

	/* The host confirms, with a message. */
	r = post_form(host, rpath, rpath, "action=confirm&reply=Park+by+the+gym");
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	json = invitation("leader@example.org", "is confirmed");
	has(json, "\"status\": \"CONFIRMED\"");
	has(json, "\"sequence\": 1");
	has(json, "\"partstat\": \"ACCEPTED\"");
	free(json);
	snprintf(q, sizeof q, "SELECT count(*) FROM booking_reminders WHERE booking_id = %lld AND sent_at IS NULL", b);
	ck_assert_int_eq(value_int(q), 2);                   /* a week and a day before */

	struct client *anon = client_new();
	r = http_get(anon, feed);
	ck_assert_int_eq(r->status, 200);
	char *ct = resp_header(r, "Content-Type");
	ck_assert(ct && strstr(ct, "text/calendar"));
	free(ct);
	json = ical_json(r->body);
	has(json, "\"method\": null");
	char uid[64];
	snprintf(uid, sizeof uid, "\"uid\": \"booking-%lld@ilnet\"", b);
	has(json, uid);
	free(json);
	resp_free(r);

	/* The host moves the visit: the booking moves, the visitor is told. */
	snprintf(form, sizeof form, "action=move&date=%s&time=11%%3A00", later);
	r = post_form(host, path, path, form);
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	json = invitation("leader@example.org", "has moved");
	has(json, "\"sequence\": 2");
	has(json, "T11:00:00-0");
	free(json);

	/* Another of the leader's schools asks; the host declines (asked first). */
	snprintf(form, sizeof form, "school=%lld&party=1&names=Cy+Berg", mine2);
	r = post_form(lead, path, ask, form);
	ck_assert_int_eq(r->status, 303);
	long long b2 = location_id(r, "/connect/requests/");
	resp_free(r);
	char r2[64];
	snprintf(r2, sizeof r2, "/connect/requests/%lld", b2);
	free(invitation("leader@example.org", "was received"));
	r = post_form(host, r2, r2, "action=decline&reply=Full+that+day");
	ck_assert_int_eq(r->status, 200);
	ck_assert(resp_has(r, "Decline this request?"));
	resp_free(r);
	r = post_form(host, r2, r2, "action=decline&sure=1&reply=Full+that+day");
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	json = invitation("leader@example.org", "was declined");
	has(json, "\"method\": \"CANCEL\"");
	has(json, "\"status\": \"CANCELLED\"");
	free(json);

	/* The visitor cancels their own seats only. */
	r = post_form(lead, rpath, rpath, "action=cancel");
	ck_assert_int_eq(r->status, 200);
	ck_assert(resp_has(r, "Cancel your request?"));
	resp_free(r);
	r = post_form(lead, rpath, rpath, "action=cancel&sure=1");
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	json = invitation("leader@example.org", "is cancelled");
	has(json, "\"method\": \"CANCEL\"");
	has(json, "\"sequence\": 3");
	free(json);
	free(invitation("host@example.org", "A visitor cancelled"));
	snprintf(q, sizeof q, "SELECT held || ' ' || status FROM opportunities WHERE id = %lld", opp);
	v = db_value(q);
	ck_assert_str_eq(v, "0 open");
	free(v);

	/* Its reminders fall due: checked again as they go, never sent. */
	snprintf(q, sizeof q, "UPDATE booking_reminders SET due_at = unixepoch() - 1 WHERE booking_id = %lld", b);
	ck_assert_int_eq(db_run(q), 0);
	snprintf(q, sizeof q, "SELECT count(*) FROM booking_reminders WHERE booking_id = %lld AND sent_at IS NULL", b);
	for (int i = 0; i < 100 && value_int(q) > 0; i++)
		usleep(50 * 1000);
	ck_assert_int_eq(value_int(q), 0);
	char *mail = mail_wait_for("leader@example.org", "week away", 1000);
	ck_assert_msg(mail == NULL, "a reminder went for a cancelled booking");

	/* The feed, turned off, is gone. */
	r = post_form(lead, "/account", "/account/calendar", "action=off");
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	r = http_get(anon, feed);
	ck_assert_int_eq(r->status, 404);
	resp_free(r);
	client_free(anon);
	client_free(host);
	client_free(lead);
}
END_TEST

START_TEST(after_the_visit)
{
	long long host_school = value_int("SELECT min(us.school_id) FROM user_schools us JOIN users u ON u.id = us.user_id"
	                                  " WHERE u.email = 'host@example.org'");
	long long mine = value_int("SELECT max(us.school_id) FROM user_schools us JOIN users u ON u.id = us.user_id"
	                           " WHERE u.email = 'leader@example.org'");
	char sql[600], path[128], ask[160], form[256];
	snprintf(sql, sizeof sql, "INSERT INTO opportunities (school_id, created_by, local_date, local_time, tz, starts_at,"
	         " minutes, seats, dimensions, confirm) SELECT %lld, u.id, date('now', '+3 days'), '09:00',"
	         " 'America/Chicago', unixepoch() + 3 * 86400, 60, 4, 'career\ncultural', 'auto' FROM users u"
	         " WHERE u.email = 'host@example.org'", host_school);
	ck_assert_int_eq(db_run(sql), 0);
	long long opp = value_int("SELECT max(id) FROM opportunities");
	struct client *host = client_new(), *lead = client_new(), *st = client_new();
	ck_assert_int_eq(login(host, "host@example.org", DEMO_PW), 303);
	ck_assert_int_eq(login(lead, "leader@example.org", DEMO_PW), 303);
	ck_assert_int_eq(login(st, "staff@example.org", DEMO_PW), 303);
	snprintf(path, sizeof path, "/connect/opportunities/%lld", opp);
	snprintf(ask, sizeof ask, "%s/request", path);
	snprintf(form, sizeof form, "school=%lld&party=1&names=Di+Moe", mine);
	struct resp *r = post_form(lead, path, ask, form);
	ck_assert_int_eq(r->status, 303);
	long long b = location_id(r, "/connect/requests/");
	resp_free(r);
	char rpath[64];
	snprintf(rpath, sizeof rpath, "/connect/requests/%lld", b);
	/* Not before it happens. */
	r = post_form(lead, rpath, rpath, "action=reflect&saw=x");
	ck_assert_int_eq(r->status, 409);
	resp_free(r);
	snprintf(sql, sizeof sql, "UPDATE opportunities SET starts_at = unixepoch() - 3600 WHERE id = %lld", opp);
	ck_assert_int_eq(db_run(sql), 0);
	r = post_form(lead, rpath, rpath, "action=reflect&dimensions=career&saw=Students+running+a+bakery"
	              "&will_try=Mentor+hours");
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	r = post_form(host, rpath, rpath, "action=notes&host_notes=Good+questions");
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	r = http_get(host, rpath);
	ck_assert(resp_has(r, "Students running a bakery"));
	resp_free(r);
	r = http_get(lead, rpath);
	ck_assert(resp_has(r, "Good questions"));
	resp_free(r);
	/* The tie, on both schools' profiles, for a reader who sees both. */
	char *visitor_name = NULL, *host_name = NULL;
	snprintf(sql, sizeof sql, "SELECT name FROM schools WHERE id = %lld", mine);
	visitor_name = db_value(sql);
	snprintf(sql, sizeof sql, "SELECT name FROM schools WHERE id = %lld", host_school);
	host_name = db_value(sql);
	snprintf(path, sizeof path, "/schools/%lld", host_school);
	r = http_get(st, path);
	ck_assert(resp_has(r, "hosted visitors from"));
	ck_assert(resp_has(r, visitor_name));
	ck_assert(resp_has(r, "Career relevance"));
	resp_free(r);
	snprintf(path, sizeof path, "/schools/%lld", mine);
	r = http_get(st, path);
	ck_assert(resp_has(r, "visited"));
	ck_assert(resp_has(r, host_name));
	resp_free(r);
	/* The foundation's view: the visit counted, its host the busiest. */
	r = http_get(st, "/connect/report");
	ck_assert_int_eq(r->status, 200);
	ck_assert(resp_has(r, "Busiest hosts"));
	ck_assert(resp_has(r, host_name));
	resp_free(r);
	r = http_get(st, "/connect/visits.csv");
	ck_assert_int_eq(r->status, 200);
	ck_assert(resp_has(r, "booking_id,opportunity_id,date"));
	ck_assert(resp_has(r, visitor_name));
	ck_assert(resp_has(r, ",confirmed,"));
	resp_free(r);
	r = http_get(lead, "/connect/report");
	ck_assert_int_eq(r->status, 403);
	resp_free(r);
	free(visitor_name);
	free(host_name);
	client_free(host);
	client_free(lead);
	client_free(st);
}
END_TEST

START_TEST(a_named_colleague_hosts)
{
	/* The demo leader names the demo host (a leader elsewhere) to host for
	 * one of the leader's schools: the host may then publish for it and
	 * hears of its requests; removed, they may not. */
	long long school = value_int("SELECT min(us.school_id) FROM user_schools us JOIN users u ON u.id = us.user_id"
	                             " WHERE u.email = 'leader@example.org'");
	struct client *lead = client_new(), *host = client_new();
	ck_assert_int_eq(login(lead, "leader@example.org", DEMO_PW), 303);
	ck_assert_int_eq(login(host, "host@example.org", DEMO_PW), 303);
	char form[256], sql[256];
	snprintf(form, sizeof form, "action=add&school=%lld&email=nobody%%40example.org", school);
	struct resp *r = post_form(lead, "/connect/host", "/connect/host/people", form);
	ck_assert_int_eq(r->status, 422);
	ck_assert(resp_has(r, "No school leader in ilnet has that address"));
	ck_assert(resp_has(r, "nobody@example.org"));
	resp_free(r);
	snprintf(form, sizeof form, "action=add&school=%lld&email=host%%40example.org", school);
	r = post_form(lead, "/connect/host", "/connect/host/people", form);
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	r = http_get(host, "/connect/host");
	char opt[64];
	snprintf(opt, sizeof opt, "<option value=\"%lld\"", school);
	ck_assert(resp_has(r, opt));
	resp_free(r);
	char day[11];
	day_plus(12, day);
	snprintf(form, sizeof form, "school=%lld&date=%s&time=09%%3A00&minutes=90&seats=2&dimensions=career&confirm=host"
	         "&answer_hours=24", school, day);
	r = post_form(host, "/connect/host", "/connect/host", form);
	ck_assert_int_eq(r->status, 303);
	long long opp = location_id(r, "/connect/opportunities/");
	resp_free(r);
	snprintf(sql, sizeof sql, "SELECT school_id = %lld AND created_by = (SELECT id FROM users WHERE email ="
	         " 'host@example.org') FROM opportunities WHERE id = %lld", school, opp);
	ck_assert_int_eq(value_int(sql), 1);
	/* Another school may not name itself into it; the host's own leaders
	 * see its requests. */
	snprintf(form, sizeof form, "action=add&school=%lld&email=leader%%40example.org", school);
	r = post_form(host, "/connect/host", "/connect/host/people", form);
	ck_assert_int_eq(r->status, 403);
	resp_free(r);
	/* Removed: the page of the visit is no longer theirs to run. */
	snprintf(form, sizeof form, "action=remove&school=%lld&user=%lld", school,
	         value_int("SELECT id FROM users WHERE email = 'host@example.org'"));
	r = post_form(lead, "/connect/host", "/connect/host/people", form);
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	char path[64];
	snprintf(path, sizeof path, "/connect/opportunities/%lld", opp);
	r = post_form(host, path, path, "action=cancel&sure=1");
	ck_assert_int_eq(r->status, 404);
	resp_free(r);
	client_free(lead);
	client_free(host);
}
END_TEST

#define RIVALS 50

/* RIVALS leaders, each of a school of their own; their user ids (the
 * schools' ids are the same offset). */
static long long rivals_base(void)
{
	long long base = value_int("SELECT coalesce(min(id), 0) FROM users WHERE email LIKE 'rival%'");
	if (base)
		return base;
	ck_assert_int_eq(db_run("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50)"
	                        " INSERT INTO schools (name, state_code, city, tz, type, grade_low, grade_high, enrollment)"
	                        " SELECT 'Rival school ' || i, 'ND', 'Minot', 'America/Chicago', 'small_rural', 0, 12, 90"
	                        " FROM n"), 0);
	ck_assert_int_eq(db_run("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50)"
	                        " INSERT INTO users (email, name, role) SELECT 'rival' || i || '@example.org',"
	                        " 'Rival ' || i, 'leader' FROM n"), 0);
	ck_assert_int_eq(db_run("INSERT INTO user_schools (user_id, school_id) SELECT u.id, s.id FROM users u"
	                        " JOIN schools s ON s.name = 'Rival school ' || substr(u.name, 7)"
	                        " WHERE u.email LIKE 'rival%'"), 0);
	base = value_int("SELECT min(id) FROM users WHERE email LIKE 'rival%'");
	return base;
}

static long long new_opportunity(int seats)
{
	long long school = value_int("SELECT min(us.school_id) FROM user_schools us JOIN users u ON u.id = us.user_id"
	                             " WHERE u.email = 'host@example.org'");
	char sql[600];
	snprintf(sql, sizeof sql, "INSERT INTO opportunities (school_id, created_by, local_date, local_time, tz, starts_at,"
	         " minutes, seats, dimensions, confirm) SELECT %lld, u.id, date('now', '+30 days'), '09:00',"
	         " 'America/Chicago', unixepoch() + 30 * 86400, 60, %d, 'career', 'auto' FROM users u"
	         " WHERE u.email = 'host@example.org'", school, seats);
	ck_assert_int_eq(db_run(sql), 0);
	return value_int("SELECT max(id) FROM opportunities");
}

/* Each rival's form for opportunity opp (its CSRF token and one-time key),
 * read first, then all sent at once. */
static void race(long long opp, struct client **cs, long *status, int party, pid_t (*during)(void))
{
	long long base = rivals_base();
	char path[128], action[160];
	snprintf(path, sizeof path, "/connect/opportunities/%lld", opp);
	snprintf(action, sizeof action, "%s/request", path);
	char *forms[RIVALS];
	for (int i = 0; i < RIVALS; i++) {
		struct resp *g = http_get(cs[i], path);
		for (int k = 0; k < 100 && g->status != 200; k++) {     /* workers coming back */
			resp_free(g);
			usleep(100 * 1000);
			g = http_get(cs[i], path);
		}
		ck_assert_int_eq(g->status, 200);
		char *tok = csrf_of(g), *key = field_of(g, "_key");
		ck_assert(tok && key);
		resp_free(g);
		long long school = value_int("SELECT min(id) FROM schools WHERE name LIKE 'Rival school %'") + i;
		forms[i] = malloc(512);
		snprintf(forms[i], 512, "_csrf=%s&_key=%s&school=%lld&party=%d&names=%s", tok, key, school, party,
		         party == 1 ? "One" : "One%0ATwo");
		free(tok);
		free(key);
		(void)base;
	}
	pid_t helper = during ? during() : 0;
	http_post_parallel(cs, RIVALS, action, forms, status);
	if (helper > 0)
		waitpid(helper, NULL, 0);
	for (int i = 0; i < RIVALS; i++)
		free(forms[i]);
}

START_TEST(fifty_for_the_last_seat)
{
	long long base = rivals_base();
	struct client *cs[RIVALS];
	for (int i = 0; i < RIVALS; i++)
		cs[i] = client_signed_in(base + i);
	for (int round = 0; round < 6; round++) {
		long long opp = new_opportunity(1);
		long status[RIVALS];
		race(opp, cs, status, 1, NULL);
		int booked = 0, refused = 0;
		for (int i = 0; i < RIVALS; i++) {
			booked += status[i] == 303;
			refused += status[i] == 409;
		}
		ck_assert_msg(booked == 1 && refused == RIVALS - 1, "round %d: %d booked, %d refused", round, booked, refused);
		char q[200];
		snprintf(q, sizeof q, "SELECT count(*) FROM bookings WHERE opportunity_id = %lld", opp);
		ck_assert_int_eq(value_int(q), 1);
		snprintf(q, sizeof q, "SELECT held FROM opportunities WHERE id = %lld", opp);
		ck_assert_int_eq(value_int(q), 1);
	}
	for (int i = 0; i < RIVALS; i++)
		client_free(cs[i]);
}
END_TEST


/* A process that kills every worker a few times in the next moments:
 * while the bookings it is started beside run. */
static pid_t killer(void)
{
	pid_t pid = fork();
	if (pid)
		return pid;
	for (int k = 0; k < 4; k++) {
		usleep((useconds_t)(3000 + 12000 * k));
		int pids[32];
		int n = stack_children(pids, 32);
		for (int i = 0; i < n; i++)
			kill(pids[i], SIGKILL);
	}
	_exit(0);
}

START_TEST(killed_workers_leave_no_half_booking)
{
	long long base = rivals_base();
	struct client *cs[RIVALS];
	for (int i = 0; i < RIVALS; i++)
		cs[i] = client_signed_in(base + i);
	for (int round = 0; round < 4; round++) {
		long long opp = new_opportunity(30);
		long status[RIVALS];
		race(opp, cs, status, 2, killer);
		int cut = 0;
		for (int i = 0; i < RIVALS; i++) {
			ck_assert_msg(status[i] == 303 || status[i] == 409 || status[i] == 502 || status[i] == 503 ||
			              status[i] == 0, "round %d: status %ld", round, status[i]);
			cut += status[i] != 303 && status[i] != 409;
		}
		fprintf(stderr, "connect: round %d, %d of %d requests cut short by killed workers\n", round, cut, RIVALS);
		/* Whatever was cut short: the seats held are exactly the seats of
		 * the bookings that hold them, each booking has its history and its
		 * mail, and none is more than the seats. */
		char q[600];
		snprintf(q, sizeof q, "SELECT held = (SELECT coalesce(sum(party), 0) FROM bookings WHERE opportunity_id = o.id"
		         " AND status IN ('pending', 'confirmed', 'offered')) AND held <= seats FROM opportunities o"
		         " WHERE id = %lld", opp);
		ck_assert_int_eq(value_int(q), 1);
		snprintf(q, sizeof q, "SELECT count(*) FROM bookings b WHERE opportunity_id = %lld AND (NOT EXISTS (SELECT 1"
		         " FROM booking_events e WHERE e.booking_id = b.id AND e.action = 'requested') OR NOT EXISTS"
		         " (SELECT 1 FROM booking_reminders m WHERE m.booking_id = b.id))", opp);
		ck_assert_int_eq(value_int(q), 0);
		snprintf(q, sizeof q, "SELECT count(*) FROM bookings WHERE opportunity_id = %lld", opp);
		long long made = value_int(q);
		ck_assert_int_le(made, 15);                      /* 30 seats, parties of 2 */
		/* Every worker is back. */
		int pids[32];
		for (int i = 0; i < 100 && stack_children(pids, 32) < 3; i++)
			usleep(100 * 1000);
	}
	for (int i = 0; i < RIVALS; i++)
		client_free(cs[i]);
}
END_TEST

/* Suggestions rank every open visit in the weeks they cover: a visit
 * that suits best is not cut for the hundreds that come sooner.  A leader
 * (whose school has no scan yet: nearness and seats rank) and a host at
 * the same place, a corner of the region over 300 km from any demo
 * school; 501 visits at the host with one seat each, then a later one
 * with four, which ranks first. */
START_TEST(the_best_suggestion_comes_late)
{
	ck_assert_int_eq(db_run("INSERT INTO schools (name, state_code, city, tz, type, grade_low, grade_high, enrollment,"
	                        " sharing, lat, lon) VALUES ('Faraway visitor school', 'ND', 'Minot', 'America/Chicago',"
	                        " 'small_rural', 0, 12, 90, 'network', 40.0, -105.0), ('Faraway host school', 'ND', 'Minot',"
	                        " 'America/Chicago', 'small_rural', 0, 12, 90, 'network', 40.0, -105.0)"), 0);
	ck_assert_int_eq(db_run("INSERT INTO users (email, name, role) VALUES ('faraway@example.org', 'Far Away', 'leader')"),
	                 0);
	ck_assert_int_eq(db_run("INSERT INTO user_schools (user_id, school_id) SELECT u.id, s.id FROM users u, schools s"
	                        " WHERE u.email = 'faraway@example.org' AND s.name = 'Faraway visitor school'"), 0);
	ck_assert_int_eq(db_run("WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 501)"
	                        " INSERT INTO opportunities (school_id, created_by, local_date, local_time, tz, starts_at,"
	                        " minutes, seats, dimensions, confirm) SELECT s.id, u.id, date('now', '+' || (2 + i / 10)"
	                        " || ' days'), '09:00', 'America/Chicago', unixepoch() + 86400 * (2 + i / 10) + i,"
	                        " 60, iif(i = 501, 4, 1), 'career', 'auto' FROM n, schools s, users u"
	                        " WHERE s.name = 'Faraway host school' AND u.email = 'faraway@example.org'"), 0);
	long long best = value_int("SELECT max(o.id) FROM opportunities o JOIN schools s ON s.id = o.school_id"
	                           " WHERE s.name = 'Faraway host school'");
	long long uid = value_int("SELECT id FROM users WHERE email = 'faraway@example.org'");
	long long school = value_int("SELECT id FROM schools WHERE name = 'Faraway visitor school'");
	ck_assert_int_eq(value_int("SELECT seats FROM opportunities WHERE id = (SELECT max(id) FROM opportunities)"), 4);
	struct client *c = client_signed_in(uid);
	struct resp *r = http_get(c, "/connect");
	ck_assert_int_eq(r->status, 200);
	char want[128];
	snprintf(want, sizeof want, "<ol class=\"suggestions\">\n<li><a href=\"/connect/opportunities/%lld?school=%lld\">",
	         best, school);
	ck_assert_msg(resp_has(r, want), "the latest, best visit is not the first suggestion");
	resp_free(r);
	client_free(c);
	ck_assert_int_eq(db_run("DELETE FROM opportunities WHERE school_id IN (SELECT id FROM schools WHERE name ="
	                        " 'Faraway host school')"), 0);
}
END_TEST

void add_connect_cases(Suite *s);
void add_connect_cases(Suite *s)
{
	TCase *t = tcase_create("connect");
	tcase_add_unchecked_fixture(t, stack_up, stack_down);
	tcase_set_timeout(t, 120);
	tcase_add_test(t, host_publishes_visitor_books);
	tcase_add_test(t, after_the_visit);
	tcase_add_test(t, a_named_colleague_hosts);
	tcase_add_test(t, fifty_for_the_last_seat);
	tcase_add_test(t, killed_workers_leave_no_half_booking);
	tcase_add_test(t, the_best_suggestion_comes_late);
	suite_add_tcase(s, t);
}
