/* test_cohorts.c — Inspire cohorts through nginx: staff start a cohort (a
 * retried form makes one), add a session (a time the spring change skips
 * is refused, the input kept) and members, take attendance (the page, the
 * attendance CSV and the members CSV agree), invite a leader who asked for
 * a cohort (one mail; the second time nothing is sent and the page says
 * so).  A leader of another cohort reads none of its members; a private
 * school in it is never named to a reader the policy hides it from — on
 * the page, in the CSV, in the JSON; wrong roles and a missing CSRF token
 * are refused.  The member school's profile shows the cohort and the
 * session attended.  On a stack of its own. */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static long long value_int(const char *sql)
{
	char *v = db_value(sql);
	ck_assert_msg(v != NULL, "no value for %s", sql);
	long long n = atoll(v);
	free(v);
	return n;
}

static char *value_text(const char *sql)
{
	char *v = db_value(sql);
	ck_assert_msg(v != NULL, "no value for %s", sql);
	return v;
}

static long long location_id(const struct resp *r, const char *prefix)
{
	char *loc = resp_header(r, "Location");
	long long id = loc && strstr(loc, prefix) ? atoll(strstr(loc, prefix) + strlen(prefix)) : 0;
	free(loc);
	return id;
}

static int location_has(const struct resp *r, const char *part)
{
	char *loc = resp_header(r, "Location");
	int yes = loc && strstr(loc, part);
	free(loc);
	return yes;
}

/* Today plus days, in Central time. */
static void day_plus(int days, char out[11])
{
	time_t t = time(NULL) + (time_t)days * 86400 - 6 * 3600;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

/* Lines of a CSV body that contain text. */
static int csv_lines_with(const struct resp *r, const char *text)
{
	int n = 0;
	for (const char *p = r->body; p && *p;) {
		const char *e = strstr(p, "\r\n");
		size_t len = e ? (size_t)(e - p) : strlen(p);
		char *line = strndup(p, len);
		n += strstr(line, text) != NULL;
		free(line);
		p = e ? e + 2 : NULL;
	}
	return n;
}

START_TEST(staff_run_a_cohort)
{
	struct client *staff = client_new(), *lead = client_new(), *host = client_new(), *coach = client_new();
	ck_assert_int_eq(login(staff, "staff@example.org", DEMO_PW), 303);
	ck_assert_int_eq(login(lead, "leader@example.org", DEMO_PW), 303);
	ck_assert_int_eq(login(host, "host@example.org", DEMO_PW), 303);
	ck_assert_int_eq(login(coach, "coach@example.org", DEMO_PW), 303);
	long long coach_id = value_int("SELECT id FROM users WHERE email = 'coach@example.org'");
	long long lead_id = value_int("SELECT id FROM users WHERE email = 'leader@example.org'");
	long long lead_school = value_int("SELECT min(school_id) FROM user_schools WHERE user_id ="
	                                  " (SELECT id FROM users WHERE email = 'leader@example.org')");

	/* Bad input: the problem named, the input kept, nothing stored. */
	long long before = value_int("SELECT count(*) FROM cohorts");
	struct resp *r = post_form(staff, "/cohorts", "/cohorts", "name=Reading+the+land&year=2026");
	ck_assert_int_eq(r->status, 422);
	ck_assert(resp_has(r, "Choose at least one dimension"));
	ck_assert(resp_has(r, "value=\"Reading the land\""));
	resp_free(r);
	ck_assert_int_eq(value_int("SELECT count(*) FROM cohorts"), before);

	/* Started once, however often the form is sent. */
	struct resp *g = http_get(staff, "/cohorts");
	char *key = field_of(g, "_key"), *tok = csrf_of(g);
	resp_free(g);
	char form[1024];
	snprintf(form, sizeof form, "_csrf=%s&_key=%s&name=Reading+the+land&year=2026&theme=Place-based+learning"
	         "&dimensions=cultural&dimensions=career&facilitator=%lld", tok, key, coach_id);
	r = http_post(staff, "/cohorts", form);
	ck_assert_int_eq(r->status, 303);
	long long cid = location_id(r, "/cohorts/");
	ck_assert_int_gt(cid, 0);
	resp_free(r);
	r = http_post(staff, "/cohorts", form);
	ck_assert_int_eq(r->status, 303);
	ck_assert_int_eq(location_id(r, "/cohorts/"), cid);
	resp_free(r);
	free(key);
	free(tok);
	ck_assert_int_eq(value_int("SELECT count(*) FROM cohorts"), before + 1);

	char path[128], mpath[160], sql[512];
	snprintf(path, sizeof path, "/cohorts/%lld", cid);
	snprintf(mpath, sizeof mpath, "/cohorts/%lld/manage", cid);
	/* A session at a time the spring change skips: refused, kept. */
	r = post_form(staff, mpath, path, "action=add_session&date=2027-03-14&time=02:30&tz=America/Chicago&minutes=90"
	              "&place=Cass+Lake");
	ck_assert_int_eq(r->status, 422);
	ck_assert(resp_has(r, "clocks skip"));
	ck_assert(resp_has(r, "value=\"Cass Lake\""));
	resp_free(r);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM cohort_sessions WHERE cohort_id = %lld", cid);
	ck_assert_int_eq(value_int(sql), 0);
	/* Yesterday morning, in Mountain time. */
	char day[11];
	day_plus(-1, day);
	snprintf(form, sizeof form, "action=add_session&date=%s&time=09:00&tz=America/Denver&minutes=120&place=Cass+Lake"
	         "&agenda=Walk+the+river", day);
	r = post_form(staff, mpath, path, form);
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	long long sid = value_int(sql) ? value_int("SELECT max(id) FROM cohort_sessions") : 0;
	ck_assert_int_gt(sid, 0);
	char *tz = value_text("SELECT tz || ' ' || local_time FROM cohort_sessions WHERE id = (SELECT max(id) FROM cohort_sessions)");
	ck_assert_str_eq(tz, "America/Denver 09:00");
	free(tz);

	/* Members: a school of the network, the demo leader for their school,
	 * and (as if its leader had joined) a school its nation keeps private. */
	long long open_school = value_int("SELECT min(id) FROM schools WHERE sharing = 'network' AND state_code = 'SD'"
	                                  " AND id NOT IN (SELECT school_id FROM cohort_members WHERE school_id IS NOT NULL)"
	                                  " AND id NOT IN (SELECT school_id FROM user_schools us JOIN users u ON u.id ="
	                                  " us.user_id WHERE u.active = 1)");
	snprintf(form, sizeof form, "action=add_member&school=%lld", open_school);
	r = post_form(staff, mpath, path, form);
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	r = post_form(staff, mpath, path, form);          /* twice: refused, said */
	ck_assert_int_eq(r->status, 422);
	ck_assert(resp_has(r, "Already a member"));
	resp_free(r);
	snprintf(form, sizeof form, "action=add_member&school=%lld&person=%lld", open_school, lead_id);
	r = post_form(staff, mpath, path, form);          /* not their school */
	ck_assert_int_eq(r->status, 422);
	ck_assert(resp_has(r, "does not lead"));
	resp_free(r);
	snprintf(form, sizeof form, "action=add_member&school=%lld&person=%lld", lead_school, lead_id);
	r = post_form(staff, mpath, path, form);
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	long long private_school = value_int("SELECT min(id) FROM schools WHERE sharing = 'private'");
	snprintf(sql, sizeof sql, "INSERT INTO cohort_members (cohort_id, school_id) VALUES (%lld, %lld)", cid, private_school);
	ck_assert_int_eq(db_run(sql), 0);
	snprintf(sql, sizeof sql, "SELECT name FROM schools WHERE id = %lld", private_school);
	char *private_name = value_text(sql);
	snprintf(sql, sizeof sql, "SELECT name FROM schools WHERE id = %lld", open_school);
	char *open_name = value_text(sql);
	/* Staff may not add the private school themselves. */
	snprintf(form, sizeof form, "action=add_member&school=%lld", private_school);
	r = post_form(staff, mpath, path, form);
	ck_assert_int_eq(r->status, 422);
	ck_assert(!resp_has(r, private_name));
	resp_free(r);

	/* Attendance, taken by staff: two present. */
	snprintf(sql, sizeof sql, "SELECT id FROM cohort_members WHERE cohort_id = %lld AND school_id = %lld", cid, open_school);
	long long m_open = value_int(sql);
	snprintf(sql, sizeof sql, "SELECT id FROM cohort_members WHERE cohort_id = %lld AND user_id = %lld", cid, lead_id);
	long long m_lead = value_int(sql);
	snprintf(sql, sizeof sql, "SELECT id FROM cohort_members WHERE cohort_id = %lld AND school_id = %lld", cid,
	         private_school);
	long long m_private = value_int(sql);
	char spath[160];
	snprintf(spath, sizeof spath, "/cohorts/%lld/sessions/%lld", cid, sid);
	r = http_get(staff, spath);
	ck_assert_int_eq(r->status, 200);
	ck_assert(resp_has(r, open_name));
	ck_assert(!resp_has(r, private_name));
	snprintf(form, sizeof form, "id=\"present-%lld\"", m_private);
	ck_assert(!resp_has(r, form));
	resp_free(r);
	snprintf(form, sizeof form, "present=%lld&present=%lld", m_open, m_lead);
	r = post_form(staff, spath, spath, form);
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	r = post_form(staff, spath, spath, form);        /* a retried save: the same */
	ck_assert_int_eq(r->status, 303);
	ck_assert(location_has(r, "n=2"));
	resp_free(r);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM cohort_attendance WHERE session_id = %lld", sid);
	ck_assert_int_eq(value_int(sql), 2);
	/* A member of another cohort: refused, nothing changed. */
	long long other = value_int("SELECT min(id) FROM cohort_members WHERE cohort_id = 1");
	snprintf(form, sizeof form, "present=%lld&present=%lld", m_open, other);
	r = post_form(staff, spath, spath, form);
	ck_assert_int_eq(r->status, 422);
	resp_free(r);
	ck_assert_int_eq(value_int(sql), 2);

	/* The page, the members CSV and the attendance CSV agree. */
	r = http_get(staff, path);
	ck_assert(resp_has(r, "2 present"));
	ck_assert(resp_has(r, "2 members"));          /* the private school neither listed nor counted */
	ck_assert(resp_has(r, open_name));
	ck_assert(!resp_has(r, private_name));
	resp_free(r);
	snprintf(path, sizeof path, "/cohorts/%lld/attendance.csv", cid);
	r = http_get(staff, path);
	ck_assert_int_eq(r->status, 200);
	ck_assert_int_eq(csv_lines_with(r, ",yes"), 2);
	ck_assert_int_eq(csv_lines_with(r, ",no"), 0);
	ck_assert(!strstr(r->body, private_name));
	resp_free(r);
	snprintf(path, sizeof path, "/cohorts/%lld/members.csv", cid);
	r = http_get(staff, path);
	ck_assert_int_eq(r->status, 200);
	ck_assert_int_eq(csv_lines_with(r, ""), 3);      /* the header and two members */
	ck_assert_int_eq(csv_lines_with(r, ",1,"), 2);   /* one session each */
	ck_assert(strstr(r->body, open_name) != NULL);
	ck_assert(!strstr(r->body, private_name));
	resp_free(r);
	/* Changing the session keeps its attendance; a skipped time is refused. */
	snprintf(path, sizeof path, "/cohorts/%lld", cid);
	snprintf(form, sizeof form, "action=add_session&session=%lld&date=2027-03-14&time=02:15&tz=America/Denver"
	         "&minutes=120&place=Cass+Lake", sid);
	r = post_form(staff, mpath, path, form);
	ck_assert_int_eq(r->status, 422);
	ck_assert(resp_has(r, "clocks skip"));
	resp_free(r);
	snprintf(form, sizeof form, "action=add_session&session=%lld&date=%s&time=10:30&tz=America/Denver&minutes=120"
	         "&place=Cass+Lake", sid, day);
	r = post_form(staff, mpath, path, form);
	ck_assert_int_eq(r->status, 303);
	ck_assert(location_has(r, "session_changed"));
	resp_free(r);
	snprintf(sql, sizeof sql, "SELECT local_time || ' ' || (SELECT count(*) FROM cohort_attendance WHERE session_id = %lld)"
	         " || ' ' || (SELECT count(*) FROM cohort_sessions WHERE cohort_id = %lld) FROM cohort_sessions WHERE id = %lld",
	         sid, cid, sid);
	char *changed = value_text(sql);
	ck_assert_str_eq(changed, "10:30 2 1");
	free(changed);
	snprintf(path, sizeof path, "/cohorts/%lld/members.csv", cid);
	/* The facilitator exports too; a leader does not. */
	r = http_get(coach, path);
	ck_assert_int_eq(r->status, 200);
	ck_assert(!strstr(r->body, private_name));
	resp_free(r);
	r = http_get(lead, path);
	ck_assert_int_eq(r->status, 403);
	resp_free(r);
	r = http_get(staff, "/api/v1/cohorts");
	ck_assert_int_eq(r->status, 200);
	ck_assert(resp_has(r, open_name));
	ck_assert(!resp_has(r, private_name));
	resp_free(r);

	/* A leader of another cohort reads none of its members. */
	snprintf(path, sizeof path, "/cohorts/%lld", cid);
	r = http_get(host, path);
	ck_assert_int_eq(r->status, 200);
	ck_assert(resp_has(r, "Reading the land"));
	ck_assert(!resp_has(r, open_name));
	ck_assert(!resp_has(r, private_name));
	ck_assert(!resp_has(r, "Pat Olson"));
	resp_free(r);
	r = http_get(host, "/api/v1/cohorts");
	ck_assert(!resp_has(r, open_name));
	ck_assert(!resp_has(r, private_name));
	ck_assert(!resp_has(r, "Pat Olson"));
	resp_free(r);
	r = http_get(host, spath);
	ck_assert_int_eq(r->status, 403);
	resp_free(r);
	/* The member leader sees the open school, never the private one. */
	r = http_get(lead, path);
	ck_assert(resp_has(r, open_name));
	ck_assert(!resp_has(r, private_name));
	resp_free(r);

	/* Roles and CSRF: only staff manage. */
	r = http_get(lead, mpath);
	ck_assert_int_eq(r->status, 403);
	resp_free(r);
	r = http_get(coach, mpath);
	ck_assert_int_eq(r->status, 403);
	resp_free(r);
	r = post_form(lead, path, path, "action=edit&name=Mine&year=2026&dimensions=career");
	ck_assert_int_eq(r->status, 403);
	resp_free(r);
	r = post_form(coach, spath, path, "action=edit&name=Mine&year=2026&dimensions=career");
	ck_assert_int_ge(r->status, 403);
	ck_assert_int_le(r->status, 405);
	resp_free(r);
	r = http_post(staff, path, "action=edit&name=Mine&year=2026&dimensions=career");
	ck_assert_int_eq(r->status, 403);
	resp_free(r);
	snprintf(form, sizeof form, "present=%lld", m_open);
	r = http_post(staff, spath, form);
	ck_assert_int_eq(r->status, 403);
	resp_free(r);
	snprintf(sql, sizeof sql, "SELECT name FROM cohorts WHERE id = %lld", cid);
	char *name = value_text(sql);
	ck_assert_str_eq(name, "Reading the land");
	free(name);

	/* The invitation: one mail, and the second time nothing, said. */
	long long host_id = value_int("SELECT id FROM users WHERE email = 'host@example.org'");
	ck_assert_int_gt(value_int("SELECT count(*) FROM answers WHERE question = 'want_cohort'"), 0);
	r = http_get(staff, path);
	ck_assert(resp_has(r, "Invite leaders who asked for a cohort"));
	resp_free(r);
	r = http_get(staff, mpath);
	ck_assert_int_eq(r->status, 200);
	ck_assert(resp_has(r, "Leaders who asked for a cohort"));
	ck_assert(resp_has(r, "Pat Olson"));
	resp_free(r);
	snprintf(form, sizeof form, "action=invite&user=%lld", host_id);
	r = post_form(staff, mpath, path, form);
	ck_assert_int_eq(r->status, 303);
	ck_assert(location_has(r, "msg=invited"));
	resp_free(r);
	char *mail = mail_wait_for("host@example.org", "Reading the land", 10000);
	ck_assert_msg(mail != NULL, "no invitation mail");
	ck_assert(strstr(mail, "Inspire cohort") != NULL);
	ck_assert(!strstr(mail, open_name));          /* the members are not in it */
	free(mail);
	r = post_form(staff, mpath, path, form);
	ck_assert_int_eq(r->status, 303);
	ck_assert(location_has(r, "msg=already"));
	resp_free(r);
	snprintf(spath, sizeof spath, "/cohorts/%lld/manage?msg=already", cid);
	r = http_get(staff, spath);
	ck_assert(resp_has(r, "nothing was sent again"));
	resp_free(r);
	ck_assert_int_eq(value_int("SELECT count(*) FROM outbox WHERE subject LIKE '%Reading the land%'"), 1);
	/* The invited leader joins for a school they lead. */
	long long host_school = value_int("SELECT min(school_id) FROM user_schools WHERE user_id ="
	                                  " (SELECT id FROM users WHERE email = 'host@example.org')");
	snprintf(form, sizeof form, "action=join&school=%lld", host_school);
	r = post_form(host, path, path, form);
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	r = http_get(host, path);
	ck_assert(resp_has(r, open_name));            /* now a member: named as the policy allows */
	ck_assert(!resp_has(r, private_name));
	resp_free(r);
	/* ... and a leader not invited cannot join. */
	snprintf(form, sizeof form, "action=join&school=%lld", lead_school);
	r = post_form(lead, "/cohorts/2", "/cohorts/2", form);
	ck_assert_int_eq(r->status, 403);
	resp_free(r);

	/* The member school's profile: the cohort and the session attended. */
	snprintf(path, sizeof path, "/schools/%lld", lead_school);
	r = http_get(lead, path);
	ck_assert(resp_has(r, "Inspire cohorts"));
	ck_assert(resp_has(r, "Attended a session of"));
	ck_assert(resp_has(r, "Reading the land"));
	resp_free(r);

	free(private_name);
	free(open_name);
	client_free(staff);
	client_free(lead);
	client_free(host);
	client_free(coach);
}
END_TEST

/* The 2,000-member cap holds when staff add members at the same moment:
 * counted inside the transaction that writes the row.  A cohort that full
 * still shows every member (no fixed-size list). */
START_TEST(cap_holds_under_concurrent_adds)
{
	ck_assert_int_eq(db_run("INSERT INTO cohorts (name, year) VALUES ('Full house', 2026)"), 0);
	long long cid = value_int("SELECT id FROM cohorts WHERE name = 'Full house'");
	char sql[512], path[64];
	snprintf(sql, sizeof sql, "INSERT INTO cohort_members (cohort_id, school_id, user_id) SELECT %lld, s.id, u.id"
	         " FROM schools s, users u WHERE s.sharing <> 'private' ORDER BY s.id, u.id LIMIT 1998", cid);
	ck_assert_int_eq(db_run(sql), 0);
	snprintf(path, sizeof path, "/cohorts/%lld", cid);
	enum { N = 8 };
	long long staff_id = value_int("SELECT id FROM users WHERE email = 'staff@example.org'");
	struct client *cs[N];
	char *forms[N];
	long status[N];
	for (int i = 0; i < N; i++) {
		cs[i] = client_signed_in(staff_id);
		char mpath[96];
		snprintf(mpath, sizeof mpath, "%s/manage", path);
		struct resp *g = http_get(cs[i], mpath);
		char *tok = csrf_of(g);
		ck_assert(tok != NULL);
		resp_free(g);
		/* A school on its own: none of the 1,998 rows (each with a person). */
		snprintf(sql, sizeof sql, "SELECT id FROM schools WHERE sharing <> 'private' ORDER BY id LIMIT 1 OFFSET %d", i);
		forms[i] = malloc(256);
		snprintf(forms[i], 256, "_csrf=%s&action=add_member&school=%lld", tok, value_int(sql));
		free(tok);
	}
	http_post_parallel(cs, N, path, forms, status);
	int added = 0, refused = 0;
	for (int i = 0; i < N; i++) {
		added += status[i] == 303;
		refused += status[i] == 422;
		free(forms[i]);
		client_free(cs[i]);
	}
	ck_assert_int_eq(added, 2);
	ck_assert_int_eq(refused, N - 2);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM cohort_members WHERE cohort_id = %lld", cid);
	ck_assert_int_eq(value_int(sql), 2000);
	/* Full: refused with the reason, nothing stored. */
	struct client *staff = client_signed_in(staff_id);
	char form[128], mpath[96];
	snprintf(mpath, sizeof mpath, "%s/manage", path);
	snprintf(form, sizeof form, "action=add_member&school=%lld",
	         value_int("SELECT id FROM schools WHERE sharing <> 'private' ORDER BY id LIMIT 1 OFFSET 20"));
	struct resp *r = post_form(staff, mpath, path, form);
	ck_assert_int_eq(r->status, 422);
	ck_assert(resp_has(r, "The cohort is full"));
	resp_free(r);
	ck_assert_int_eq(value_int(sql), 2000);
	/* Every member listed and counted. */
	r = http_get(staff, path);
	ck_assert_int_eq(r->status, 200);
	ck_assert(resp_has(r, "2000 members"));
	resp_free(r);
	client_free(staff);
}
END_TEST

/* Lists past one page are paged, not cut: 501 more cohorts on /cohorts
 * and in /api/v1/cohorts (the old lists stopped at 500 without a word). */
START_TEST(cohort_lists_are_paged)
{
	ck_assert_int_eq(db_run("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 501)"
	                        " INSERT INTO cohorts (name, year) SELECT printf('Paged cohort %03d', i), 2001 FROM n"), 0);
	long long total = value_int("SELECT count(*) FROM cohorts");
	long long last = (total + 49) / 50;
	struct client *lead = client_new();
	ck_assert_int_eq(login(lead, "leader@example.org", DEMO_PW), 303);
	struct resp *r = http_get(lead, "/cohorts");
	char text[128], path[64];
	snprintf(text, sizeof text, "Showing 1–50 of %lld cohorts", total);
	ck_assert(resp_has(r, text));
	ck_assert(resp_has(r, "rel=\"next\""));
	ck_assert(!resp_has(r, "Paged cohort 501"));
	resp_free(r);
	snprintf(path, sizeof path, "/cohorts?page=%lld", last);
	r = http_get(lead, path);
	ck_assert(resp_has(r, "Paged cohort 501"));
	ck_assert(!resp_has(r, "rel=\"next\""));
	resp_free(r);
	/* The JSON: a total and pages of 50. */
	r = http_get(lead, "/api/v1/cohorts");
	snprintf(text, sizeof text, "\"total\":%lld", total);
	ck_assert(resp_has(r, text));
	ck_assert(resp_has(r, "\"per_page\":50"));
	resp_free(r);
	snprintf(path, sizeof path, "/api/v1/cohorts?page=%lld", last);
	r = http_get(lead, path);
	ck_assert_int_eq(r->status, 200);
	ck_assert(resp_has(r, "Paged cohort 501"));
	resp_free(r);
	r = http_get(lead, "/api/v1/cohorts?year=2001&page=11");
	ck_assert(resp_has(r, "\"total\":501"));
	ck_assert(resp_has(r, "Paged cohort 501"));
	ck_assert(!resp_has(r, "Paged cohort 500\""));
	resp_free(r);
	client_free(lead);
}
END_TEST

/* The leaders who asked for a cohort: those whose school the reader may
 * not see are filtered out before the list is cut into pages and counted.
 * 510 leaders of a school its nation keeps private, named to sort first,
 * hid every visible leader behind the old 500-row cut. */
/* 1 when text is in the body between the first from and the next to. */
static int section_has(const struct resp *r, const char *from, const char *to, const char *text)
{
	const char *a = r->body ? strstr(r->body, from) : NULL;
	const char *b = a ? strstr(a, to) : NULL;
	const char *t = a ? strstr(a, text) : NULL;
	return t && (!b || t < b);
}

START_TEST(want_list_filters_before_paging)
{
	ck_assert_int_eq(db_run("INSERT INTO schools (name, state_code, city, tz, type, grade_low, grade_high, enrollment,"
	                        " nation_id) VALUES ('Hidden Want School', 'MN', 'Nett Lake', 'America/Chicago', 'tribal',"
	                        " 0, 12, 90, (SELECT min(id) FROM nations))"), 0);
	long long hid = value_int("SELECT id FROM schools WHERE name = 'Hidden Want School'");
	char *sharing = value_text("SELECT sharing FROM schools WHERE name = 'Hidden Want School'");
	ck_assert_str_eq(sharing, "private");
	free(sharing);
	char sql[1024];
	snprintf(sql, sizeof sql, "INSERT INTO responses (cycle_id, school_id, status) VALUES"
	         " ((SELECT id FROM scan_cycles ORDER BY year DESC LIMIT 1), %lld, 'submitted')", hid);
	ck_assert_int_eq(db_run(sql), 0);
	snprintf(sql, sizeof sql, "INSERT INTO answers (response_id, question, value) SELECT id, 'want_cohort', 'yes'"
	         " FROM responses WHERE school_id = %lld", hid);
	ck_assert_int_eq(db_run(sql), 0);
	ck_assert_int_eq(db_run("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 510)"
	                        " INSERT INTO users (email, name, role) SELECT printf('hidden%03d@example.org', i),"
	                        " printf('Aaa Hidden %03d', i), 'leader' FROM n"), 0);
	snprintf(sql, sizeof sql, "INSERT INTO user_schools (user_id, school_id) SELECT id, %lld FROM users"
	         " WHERE email LIKE 'hidden%%@example.org'", hid);
	ck_assert_int_eq(db_run(sql), 0);
	struct client *staff = client_new();
	ck_assert_int_eq(login(staff, "staff@example.org", DEMO_PW), 303);
	struct resp *r = http_get(staff, "/cohorts/1/manage");
	ck_assert_int_eq(r->status, 200);
	ck_assert(section_has(r, "id=\"want\"", "id=\"edit\"", "Pat Olson"));   /* a leader staff may see */
	ck_assert(!section_has(r, "id=\"want\"", "id=\"edit\"", "Aaa Hidden"));
	ck_assert(!resp_has(r, "Hidden Want School"));
	ck_assert(!resp_has(r, "rel=\"next\""));           /* the hidden ones not counted */
	resp_free(r);
	r = http_get(staff, "/cohorts/1/manage?page=12");   /* past the last: the last */
	ck_assert_int_eq(r->status, 200);
	ck_assert(section_has(r, "id=\"want\"", "id=\"edit\"", "Pat Olson"));
	resp_free(r);
	client_free(staff);
}
END_TEST

/* A school's participation timeline names every site visit with a school
 * the reader may see: 210 newer visits to a school its nation keeps
 * private (hidden from staff) no longer push an older, visible one out
 * (the list was cut at 200 before the policy was asked). */
START_TEST(timeline_visits_filtered_before_any_cut)
{
	long long v = value_int("SELECT min(id) FROM schools WHERE sharing = 'network'");
	long long n2 = value_int("SELECT max(id) FROM schools WHERE sharing = 'network'");
	long long p = value_int("SELECT min(id) FROM schools WHERE sharing = 'private'");
	long long uid = value_int("SELECT id FROM users WHERE email = 'staff@example.org'");
	char sql[1024];
	snprintf(sql, sizeof sql, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 211)"
	         " INSERT INTO opportunities (school_id, created_by, local_date, local_time, tz, starts_at, minutes, seats,"
	         " dimensions, confirm, grades) SELECT CASE WHEN i = 211 THEN %lld ELSE %lld END, %lld,"
	         " date('now', printf('-%%d days', CASE WHEN i = 211 THEN 400 ELSE i END)), '09:00', 'America/Chicago',"
	         " unixepoch() - 86400 * CASE WHEN i = 211 THEN 400 ELSE i END, 60, 10, 'career', 'auto', 'timeline test'"
	         " FROM n", n2, p, uid);
	ck_assert_int_eq(db_run(sql), 0);
	snprintf(sql, sizeof sql, "INSERT INTO bookings (opportunity_id, school_id, requested_by, party, names, status)"
	         " SELECT id, %lld, %lld, 1, 'A teacher', 'confirmed' FROM opportunities WHERE grades = 'timeline test'",
	         v, uid);
	ck_assert_int_eq(db_run(sql), 0);
	struct client *staff = client_new();
	ck_assert_int_eq(login(staff, "staff@example.org", DEMO_PW), 303);
	char path[64], link[64];
	snprintf(path, sizeof path, "/schools/%lld", v);
	struct resp *r = http_get(staff, path);
	ck_assert_int_eq(r->status, 200);
	snprintf(link, sizeof link, "visited <a href=\"/schools/%lld\">", n2);
	ck_assert_msg(section_has(r, "id=\"timeline\"", "</ul>", link), "the visible visit is on the timeline");
	snprintf(link, sizeof link, "/schools/%lld\"", p);
	ck_assert(!section_has(r, "id=\"timeline\"", "</ul>", link));
	resp_free(r);
	client_free(staff);
}
END_TEST

void add_cohorts_cases(Suite *s);
void add_cohorts_cases(Suite *s)
{
	TCase *t = tcase_create("cohorts");
	tcase_add_unchecked_fixture(t, stack_up, stack_down);
	tcase_set_timeout(t, 120);
	tcase_add_test(t, staff_run_a_cohort);
	suite_add_tcase(s, t);
	t = tcase_create("cohort limits");
	tcase_add_unchecked_fixture(t, stack_up, stack_down);
	tcase_set_timeout(t, 120);
	tcase_add_test(t, cap_holds_under_concurrent_adds);
	tcase_add_test(t, cohort_lists_are_paged);
	tcase_add_test(t, want_list_filters_before_paging);
	tcase_add_test(t, timeline_visits_filtered_before_any_cut);
	suite_add_tcase(s, t);
}
