/* test_convening.c — the convening through nginx: 50 leaders at once for
 * the last places, round after round, never one person too many; a
 * cancellation (asked on a page of its own) offers the places to the next
 * party that fits, whose mail arrives on the SMTP sink with an invitation
 * python3-icalendar parses back (tests/ical_check.py); check-in by staff;
 * the wrong role, a missing CSRF token and another's party refused; a
 * private nation's school never named to staff (page, CSV), and the JSON
 * names nobody; leaders who want to come invited once.  On a stack of its
 * own. */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

static long long value_int(const char *sql)
{
	char *v = db_value(sql);
	ck_assert_msg(v != NULL, "no value for %s", sql);
	long long n = atoll(v);
	free(v);
	return n;
}

/* A convening for year with capacity places, registration open today and
 * the event a month ahead; a session of session_cap places (0: none). */
static void new_convening(int year, int capacity, int session_cap)
{
	char sql[1200];
	snprintf(sql, sizeof sql, "INSERT INTO convenings (year, title, place, tz, first_day, last_day, day_start, day_end,"
	         " capacity, opens_on, closes_on, offer_hours, created_by) SELECT %d, 'Convening %d', 'Hall',"
	         " 'America/Chicago', date('now', '+30 days'), date('now', '+30 days'), '09:00', '16:00', %d,"
	         " date('now', '-2 days'), date('now', '+20 days'), 48, id FROM users WHERE email = 'staff@example.org'",
	         year, year, capacity);
	ck_assert_int_eq(db_run(sql), 0);
	if (session_cap) {
		snprintf(sql, sizeof sql, "INSERT INTO convening_sessions (convening_id, title, day, starts, minutes, capacity)"
		         " SELECT id, 'Breakout', first_day, '10:00', 60, %d FROM convenings WHERE year = %d", session_cap, year);
		ck_assert_int_eq(db_run(sql), 0);
	}
}

#define RIVALS 50

/* RIVALS leaders, each of a school of their own: the first user id. */
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
	return value_int("SELECT min(id) FROM users WHERE email LIKE 'rival%'");
}

START_TEST(fifty_for_the_last_places)
{
	long long base = rivals_base();
	long long school0 = value_int("SELECT min(id) FROM schools WHERE name LIKE 'Rival school %'");
	struct client *cs[RIVALS];
	for (int i = 0; i < RIVALS; i++)
		cs[i] = client_signed_in(base + i);
	time_t t0 = time(NULL);
	for (int round = 0; round < 5; round++) {
		int year = 2080 + round, capacity = 5 + round;    /* parties of 2: the last place is one too few */
		new_convening(year, capacity, round % 2 ? 4 : 0);
		char path[64], action[96];
		snprintf(path, sizeof path, "/convening/%d?people=2", year);
		snprintf(action, sizeof action, "/convening/%d/register", year);
		char *forms[RIVALS];
		for (int i = 0; i < RIVALS; i++) {
			struct resp *g = http_get(cs[i], path);
			ck_assert_int_eq(g->status, 200);
			char *tok = csrf_of(g), *key = field_of(g, "_key");
			ck_assert(tok && key);
			resp_free(g);
			char session[64] = "";
			if (round % 2)
				snprintf(session, sizeof session, "&session=%lld",
				         value_int("SELECT max(id) FROM convening_sessions"));
			forms[i] = malloc(700);
			/* Every third asks for the waitlist. */
			snprintf(forms[i], 700, "_csrf=%s&_key=%s&people=2&school=%lld&name1=A+%d&role1=Principal&name2=B+%d"
			         "&diet2=Vegan%s%s", tok, key, school0 + i, i, i, session, i % 3 == 0 ? "&waitlist=1" : "");
			free(tok);
			free(key);
		}
		long status[RIVALS];
		http_post_parallel(cs, RIVALS, action, forms, status);
		int ok = 0, refused = 0;
		for (int i = 0; i < RIVALS; i++) {
			ok += status[i] == 303;
			refused += status[i] == 409;
			free(forms[i]);
		}
		ck_assert_msg(ok + refused == RIVALS, "round %d: %d in, %d refused", round, ok, refused);
		char q[600];
		/* The places held are exactly those of the parties holding them,
		 * within every capacity; as many parties of two as fit got in. */
		snprintf(q, sizeof q, "SELECT held = (SELECT coalesce(sum(size), 0) FROM parties p WHERE p.convening_id = c.id"
		         " AND p.status IN ('registered', 'offered', 'attended')) AND held <= capacity FROM convenings c"
		         " WHERE year = %d", year);
		ck_assert_int_eq(value_int(q), 1);
		int room = round % 2 ? 4 : capacity;
		snprintf(q, sizeof q, "SELECT count(*) FROM parties p JOIN convenings c ON c.id = p.convening_id"
		         " WHERE c.year = %d AND p.status = 'registered'", year);
		ck_assert_int_eq(value_int(q), room / 2);
		snprintf(q, sizeof q, "SELECT count(*) FROM convening_sessions s JOIN convenings c ON c.id = s.convening_id"
		         " WHERE c.year = %d AND s.held > s.capacity", year);
		ck_assert_int_eq(value_int(q), 0);
		snprintf(q, sizeof q, "SELECT count(*) FROM parties p JOIN convenings c ON c.id = p.convening_id"
		         " WHERE c.year = %d", year);
		ck_assert_int_eq(value_int(q), ok);                      /* every 303 made one party, nothing else did */
		snprintf(q, sizeof q, "SELECT count(*) FROM party_people pp JOIN parties p ON p.id = pp.party_id"
		         " JOIN convenings c ON c.id = p.convening_id WHERE c.year = %d", year);
		ck_assert_int_eq(value_int(q), 2 * ok);
		ck_assert_msg(time(NULL) - t0 < 90, "too slow: %ld s", (long)(time(NULL) - t0));
	}
	for (int i = 0; i < RIVALS; i++)
		client_free(cs[i]);
}
END_TEST

/* tests/ical_check.py over a whole message: its JSON report; the test
 * fails when the parser refuses it. */
static char *ical_json(const char *text)
{
	char path[300], cmd[700];
	snprintf(path, sizeof path, "%s/convening.eml", S.dir);
	FILE *f = fopen(path, "wb");
	ck_assert(f != NULL);
	fputs(text, f);
	fclose(f);
	const char *root = getenv("ILNET_ROOT");
	snprintf(cmd, sizeof cmd, "/usr/bin/python3 %s/tests/ical_check.py %s 2>&1", root ? root : ".", path);
	FILE *p = popen(cmd, "r");
	ck_assert(p != NULL);
	size_t cap = 1 << 16, n = 0, got;
	char *out = malloc(cap);
	while ((got = fread(out + n, 1, cap - 1 - n, p)) > 0)
		n += got;
	out[n] = '\0';
	int st = pclose(p);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "ical_check refused it: %s", out);
	return out;
}

static void has(const char *text, const char *part)
{
	ck_assert_msg(strstr(text, part) != NULL, "\"%s\" not in %s", part, text);
}

/* The party id in a redirect to /convening/{year}/parties/{id}. */
static long long party_of(const struct resp *r)
{
	char *loc = resp_header(r, "Location");
	const char *p = loc ? strstr(loc, "/parties/") : NULL;
	long long id = p ? atoll(p + 9) : 0;
	free(loc);
	return id;
}

START_TEST(cancellation_offers_the_next)
{
	new_convening(2091, 2, 0);
	struct client *lead = client_new(), *host = client_new(), *staff = client_new();
	ck_assert_int_eq(login(lead, "leader@example.org", DEMO_PW), 303);
	ck_assert_int_eq(login(host, "host@example.org", DEMO_PW), 303);
	ck_assert_int_eq(login(staff, "staff@example.org", DEMO_PW), 303);
	long long mine = value_int("SELECT min(us.school_id) FROM user_schools us JOIN users u ON u.id = us.user_id"
	                           " WHERE u.email = 'leader@example.org'");
	long long hosts = value_int("SELECT min(us.school_id) FROM user_schools us JOIN users u ON u.id = us.user_id"
	                            " WHERE u.email = 'host@example.org'");
	char form[600];
	/* A name left out: refused on the same page, what was typed kept. */
	snprintf(form, sizeof form, "people=2&school=%lld&name1=Pat+Olson&role1=Principal&name2=&diet1=Halal", mine);
	struct resp *r = post_form(lead, "/convening/2091?people=2", "/convening/2091/register", form);
	ck_assert_int_eq(r->status, 422);
	ck_assert(resp_has(r, "Enter the name of person 2"));
	ck_assert(resp_has(r, "Halal"));
	resp_free(r);
	ck_assert_int_eq(value_int("SELECT count(*) FROM parties p JOIN convenings c ON c.id = p.convening_id"
	                           " WHERE c.year = 2091"), 0);
	snprintf(form, sizeof form, "people=2&school=%lld&name1=Pat+Olson&role1=Principal&name2=Ana+Lund&diet1=Halal", mine);
	r = post_form(lead, "/convening/2091?people=2", "/convening/2091/register", form);
	ck_assert_int_eq(r->status, 303);
	long long a = party_of(r);
	resp_free(r);
	char *mail = mail_wait_for("leader@example.org", "Convening 2091", 10000);
	ck_assert_msg(mail != NULL, "no confirmation");
	char *json = ical_json(mail);
	has(json, "\"status\": \"CONFIRMED\"");
	has(json, "\"address\": \"leader@example.org\"");
	free(json);
	free(mail);
	/* The school's participation timeline on its profile says so. */
	char prof[64];
	snprintf(prof, sizeof prof, "/schools/%lld", mine);
	r = http_get(lead, prof);
	ck_assert_int_eq(r->status, 200);
	ck_assert_msg(resp_has(r, "Regional convening 2091</a>: registered"), "convening not on the profile timeline");
	resp_free(r);

	/* Full: the host's party waits. */
	snprintf(form, sizeof form, "people=2&school=%lld&name1=Casey+Lindqvist&name2=Rae+Dahl", hosts);
	r = post_form(host, "/convening/2091?people=2", "/convening/2091/register", form);
	ck_assert_int_eq(r->status, 409);
	ck_assert(resp_has(r, "Tick the box to join the waitlist"));
	resp_free(r);
	snprintf(form, sizeof form, "people=2&school=%lld&name1=Casey+Lindqvist&name2=Rae+Dahl&waitlist=1", hosts);
	r = post_form(host, "/convening/2091?people=2", "/convening/2091/register", form);
	ck_assert_int_eq(r->status, 303);
	long long b = party_of(r);
	resp_free(r);
	char q[200];
	snprintf(q, sizeof q, "SELECT status FROM parties WHERE id = %lld", b);
	char *st = db_value(q);
	ck_assert_str_eq(st, "waitlisted");
	free(st);

	/* Another's party is not the leader's to see or change. */
	char path[96];
	snprintf(path, sizeof path, "/convening/2091/parties/%lld", b);
	r = http_get(lead, path);
	ck_assert_int_eq(r->status, 404);
	resp_free(r);

	/* Cancelling asks first, on a page of its own; nothing changes yet. */
	snprintf(path, sizeof path, "/convening/2091/parties/%lld", a);
	r = post_form(lead, path, path, "action=cancel");
	ck_assert_int_eq(r->status, 200);
	ck_assert(resp_has(r, "Cancel this registration?"));
	ck_assert(resp_has(r, "name=\"sure\""));
	resp_free(r);
	snprintf(q, sizeof q, "SELECT status FROM parties WHERE id = %lld", a);
	st = db_value(q);
	ck_assert_str_eq(st, "registered");
	free(st);
	r = post_form(lead, path, path, "action=cancel&sure=1");
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	/* Sent again (a retry, a double click): answered as the first was,
	 * nothing changed twice. */
	r = post_form(lead, path, path, "action=cancel&sure=1");
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	snprintf(q, sizeof q, "SELECT count(*) FROM party_events WHERE party_id = %lld AND action = 'cancelled'", a);
	ck_assert_int_eq(value_int(q), 1);

	/* The freed places are offered to the host's party, by mail with an
	 * invitation for the host alone. */
	snprintf(q, sizeof q, "SELECT status FROM parties WHERE id = %lld", b);
	st = db_value(q);
	ck_assert_str_eq(st, "offered");
	free(st);
	mail = mail_wait_for("host@example.org", "A place is free", 10000);
	ck_assert_msg(mail != NULL, "no offer mail");
	json = ical_json(mail);
	has(json, "\"method\": \"REQUEST\"");
	has(json, "\"status\": \"TENTATIVE\"");
	has(json, "\"address\": \"host@example.org\"");
	ck_assert(strstr(json, "leader@example.org") == NULL);
	has(json, "\"organizer\": \"staff@example.org\"");
	free(json);
	free(mail);
	mail = mail_wait_for("leader@example.org", "Convening 2091", 10000);
	ck_assert_msg(mail != NULL, "no cancellation mail");
	json = ical_json(mail);
	has(json, "\"method\": \"CANCEL\"");
	free(json);
	free(mail);

	/* The host takes the places; staff check one of them in. */
	snprintf(path, sizeof path, "/convening/2091/parties/%lld", b);
	r = post_form(host, path, path, "action=accept");
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	r = post_form(host, path, path, "action=accept");      /* twice: the same answer */
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	r = http_get(staff, "/convening/2091/checkin?q=rae");
	ck_assert_int_eq(r->status, 200);
	ck_assert(resp_has(r, "Rae Dahl"));
	ck_assert(!resp_has(r, "Casey Lindqvist"));
	resp_free(r);
	snprintf(q, sizeof q, "SELECT id FROM party_people WHERE party_id = %lld AND name = 'Rae Dahl'", b);
	snprintf(form, sizeof form, "person=%lld&x=in&q=rae", value_int(q));
	r = post_form(staff, "/convening/2091/checkin", "/convening/2091/checkin", form);
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	snprintf(q, sizeof q, "SELECT status FROM parties WHERE id = %lld", b);
	st = db_value(q);
	ck_assert_str_eq(st, "attended");
	free(st);
	r = http_get(staff, "/convening/2091/attendance.csv");
	ck_assert_int_eq(r->status, 200);
	ck_assert(resp_has(r, "Rae Dahl"));
	resp_free(r);
	client_free(lead);
	client_free(host);
	client_free(staff);
}
END_TEST

START_TEST(refused_and_private)
{
	new_convening(2092, 10, 0);
	struct client *lead = client_new(), *steward = client_new(), *staff = client_new(), *coach = client_new();
	ck_assert_int_eq(login(lead, "leader@example.org", DEMO_PW), 303);
	ck_assert_int_eq(login(steward, "steward@example.org", DEMO_PW), 303);
	ck_assert_int_eq(login(staff, "staff@example.org", DEMO_PW), 303);
	ck_assert_int_eq(login(coach, "coach@example.org", DEMO_PW), 303);
	/* The wrong role. */
	struct resp *r = post_form(steward, "/convening/2092", "/convening/2092/register", "people=1&name1=X");
	ck_assert_int_eq(r->status, 403);
	resp_free(r);
	static const char *const staff_only[] = { "/convening/2092/checkin", "/convening/2092/registrations",
	                                          "/convening/2092/registrations.csv", "/convening/2092/badges",
	                                          "/convening/2092/edit", NULL };
	for (int i = 0; staff_only[i]; i++) {
		r = http_get(lead, staff_only[i]);
		ck_assert_msg(r->status == 403, "%s: %ld", staff_only[i], r->status);
		resp_free(r);
	}
	r = post_form(lead, "/convening/2092", "/convening/2092/invite", "");
	ck_assert_int_eq(r->status, 403);
	resp_free(r);
	/* No CSRF token: refused, nothing stored. */
	r = http_post(coach, "/convening/2092/register", "people=1&name1=Sam+Whitehorse");
	ck_assert_int_eq(r->status, 403);
	resp_free(r);
	ck_assert_int_eq(value_int("SELECT count(*) FROM parties p JOIN convenings c ON c.id = p.convening_id"
	                           " WHERE c.year = 2092"), 0);

	/* A leader of a nation's school, private: staff see the party, never
	 * the school's name, on the page or in the CSV. */
	ck_assert_int_eq(db_run("INSERT INTO schools (name, state_code, city, tz, type, grade_low, grade_high, enrollment,"
	                        " nation_id) VALUES ('Hidden Butte School', 'SD', 'Kyle', 'America/Denver', 'tribal', 0, 12,"
	                        " 80, (SELECT min(id) FROM nations))"), 0);
	ck_assert_int_eq(db_run("INSERT INTO users (email, name, role) VALUES ('hidden@example.org', 'Hidden Leader',"
	                        " 'leader')"), 0);
	ck_assert_int_eq(db_run("INSERT INTO user_schools SELECT u.id, s.id FROM users u, schools s WHERE u.email ="
	                        " 'hidden@example.org' AND s.name = 'Hidden Butte School'"), 0);
	struct client *hidden = client_signed_in(value_int("SELECT id FROM users WHERE email = 'hidden@example.org'"));
	char form[300];
	snprintf(form, sizeof form, "people=1&school=%lld&name1=Hidden+Leader",
	         value_int("SELECT id FROM schools WHERE name = 'Hidden Butte School'"));
	/* Sent twice (a lost reply, a double click): one party, the same page. */
	struct resp *g = http_get(hidden, "/convening/2092");
	char *tok = csrf_of(g), *key = field_of(g, "_key");
	ck_assert(tok && key);
	resp_free(g);
	char sent[600];
	snprintf(sent, sizeof sent, "_csrf=%s&_key=%s&%s", tok, key, form);
	free(tok);
	free(key);
	r = http_post(hidden, "/convening/2092/register", sent);
	ck_assert_int_eq(r->status, 303);
	char *first = resp_header(r, "Location");
	resp_free(r);
	r = http_post(hidden, "/convening/2092/register", sent);
	ck_assert_int_eq(r->status, 303);
	char *again = resp_header(r, "Location");
	resp_free(r);
	ck_assert(first && again);
	ck_assert_str_eq(first, again);
	free(first);
	free(again);
	ck_assert_int_eq(value_int("SELECT count(*) FROM parties p JOIN convenings c ON c.id = p.convening_id"
	                           " WHERE c.year = 2092"), 1);
	r = http_get(staff, "/convening/2092/registrations");
	ck_assert_int_eq(r->status, 200);
	ck_assert(resp_has(r, "Hidden Leader"));
	ck_assert(!resp_has(r, "Hidden Butte"));
	ck_assert(resp_has(r, "keeps its name private"));
	resp_free(r);
	static const char *const views[] = { "/convening/2092/registrations.csv", "/convening/2092/attendance.csv",
	                                     "/convening/2092/badges", "/convening/2092/sign-in-sheet",
	                                     "/convening/2092/checkin?q=hidden", "/convening/2092/attendance", NULL };
	for (int i = 0; views[i]; i++) {
		r = http_get(staff, views[i]);
		ck_assert_int_eq(r->status, 200);
		ck_assert_msg(resp_has(r, "Hidden Leader") && !resp_has(r, "Hidden Butte"), "%s names the school", views[i]);
		resp_free(r);
	}
	/* The JSON is public-safe: places left, no people. */
	r = http_get(lead, "/api/v1/convening/2092");
	ck_assert_int_eq(r->status, 200);
	ck_assert(resp_has(r, "\"places_left\":9"));
	ck_assert(!resp_has(r, "Hidden"));
	resp_free(r);
	r = http_get(lead, "/api/v1/convening/2093");
	ck_assert_int_eq(r->status, 404);
	resp_free(r);
	client_free(lead);
	client_free(steward);
	client_free(staff);
	client_free(coach);
	client_free(hidden);
}
END_TEST

START_TEST(leaders_who_want_to_come_invited_once)
{
	new_convening(2094, 50, 0);
	/* This year's scan: the demo leader's first school says yes. */
	ck_assert_int_eq(db_run("INSERT OR IGNORE INTO scan_cycles (year, instrument_id, status) SELECT 2095, min(id),"
	                        " 'open' FROM instruments"), 0);
	ck_assert_int_eq(db_run("INSERT INTO responses (cycle_id, school_id, status, submitted_at) SELECT"
	                        " (SELECT id FROM scan_cycles WHERE year = 2095), min(us.school_id), 'submitted', unixepoch()"
	                        " FROM user_schools us JOIN users u ON u.id = us.user_id WHERE u.email = 'leader@example.org'"), 0);
	ck_assert_int_eq(db_run("INSERT INTO answers (response_id, question, value) SELECT max(id), 'want_convening', 'yes'"
	                        " FROM responses"), 0);
	struct client *staff = client_new();
	ck_assert_int_eq(login(staff, "staff@example.org", DEMO_PW), 303);
	struct resp *r = post_form(staff, "/convening/2094/registrations", "/convening/2094/invite", "");
	ck_assert_int_eq(r->status, 303);
	char *loc = resp_header(r, "Location");
	ck_assert(loc && !strstr(loc, "invited=0"));
	free(loc);
	resp_free(r);
	char *mail = mail_wait_for("leader@example.org", "attend the annual regional convening", 10000);
	ck_assert_msg(mail != NULL, "no invitation");
	free(mail);
	long long sent = value_int("SELECT count(*) FROM outbox WHERE subject = 'You are invited: Convening 2094'");
	ck_assert_int_ge(sent, 1);
	/* Sent twice: nobody is invited again, and the page says so. */
	r = post_form(staff, "/convening/2094/registrations", "/convening/2094/invite", "");
	ck_assert_int_eq(r->status, 303);
	loc = resp_header(r, "Location");
	ck_assert(loc && strstr(loc, "invited=0"));
	free(loc);
	resp_free(r);
	r = http_get(staff, "/convening/2094/registrations?invited=0");
	ck_assert(resp_has(r, "Nobody new to invite"));
	resp_free(r);
	ck_assert_int_eq(value_int("SELECT count(*) FROM outbox WHERE subject = 'You are invited: Convening 2094'"), sent);
	client_free(staff);
}
END_TEST

void add_convening_cases(Suite *s);
void add_convening_cases(Suite *s)
{
	TCase *t = tcase_create("convening");
	tcase_add_unchecked_fixture(t, stack_up, stack_down);
	tcase_set_timeout(t, 120);
	tcase_add_test(t, fifty_for_the_last_places);
	tcase_add_test(t, cancellation_offers_the_next);
	tcase_add_test(t, refused_and_private);
	tcase_add_test(t, leaders_who_want_to_come_invited_once);
	suite_add_tcase(s, t);
}
