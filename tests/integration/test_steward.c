/* test_steward.c — what a nation's data steward has, through nginx: the
 * log of every use of the nation's schools (a staff profile view and a
 * visits.csv download show up on /steward/usage and in its CSV, filters
 * work, another nation's steward and other roles see nothing), consent
 * that applies at once (an intermediary serving a private school loses and
 * gains its profile) and is logged, Local Contexts labels on the profile
 * and in visits.csv, and tribal schools that always have a nation. */
#include "harness.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define COACH_PW "new coach password"       /* set by password_reset_by_mail */

static void day(int offset, char out[11])
{
	time_t t = time(NULL) + (time_t)offset * 86400;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

/* Write to the stack's database directly: data an older ilnet left. */
static void db_write(const char *sql)
{
	char path[300];
	snprintf(path, sizeof path, "%s/ilnet.db", S.dir);
	sqlite3 *db;
	ck_assert_int_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	char *err = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &err);
	ck_assert_msg(rc == SQLITE_OK, "%s: %s", sql, err ? err : "");
	sqlite3_close(db);
}

/* The line of body that contains text (malloc'd), or NULL. */
static char *line_with(const char *body, const char *text)
{
	const char *p = strstr(body, text);
	if (!p)
		return NULL;
	const char *b = p;
	while (b > body && b[-1] != '\n')
		b--;
	const char *e = strstr(p, "\r\n");
	return strndup(b, e ? (size_t)(e - b) : strlen(b));
}

static long get_status(struct client *c, const char *path)
{
	struct resp *r = http_get(c, path);
	long s = r->status;
	resp_free(r);
	return s;
}

/* A school of the demo steward's nation on no roster yet. */
static char *steward_school(void)
{
	return db_value("SELECT id FROM schools WHERE nation_id = (SELECT nation_id FROM users WHERE"
	                " email = 'steward@example.org') AND id NOT IN (SELECT school_id FROM grant_schools)"
	                " ORDER BY id LIMIT 1");
}

START_TEST(steward_sees_every_use)
{
	struct client *stw = client_new(), *st = client_new(), *co = client_new();
	ck_assert_int_eq(login(stw, "steward@example.org", DEMO_PW), 303);
	ck_assert_int_eq(login(st, "staff@example.org", DEMO_PW), 303);
	ck_assert_int_eq(login(co, "coach@example.org", COACH_PW), 303);
	char *a = steward_school();
	char q[512], form[512], path[128];
	snprintf(q, sizeof q, "SELECT name FROM schools WHERE id = %s", a);
	char *name = db_value(q);
	char *staff_name = db_value("SELECT name FROM users WHERE email = 'staff@example.org'");

	/* Private: staff cannot see it, and a refused view is not a use. */
	snprintf(path, sizeof path, "/schools/%s", a);
	ck_assert_int_eq(get_status(st, path), 404);
	/* The steward shares it with the foundation and labels it. */
	snprintf(form, sizeof form, "level_%s=foundation&labels_%s=TK+NC%%3B+TK+CO", a, a);
	struct resp *r = post_form(stw, "/steward", "/steward", form);
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	snprintf(q, sizeof q, "SELECT group_concat(code, ',') FROM (SELECT code FROM school_labels WHERE school_id = %s"
	         " ORDER BY code)", a);
	char *codes = db_value(q);
	ck_assert_str_eq(codes, "TK CO,TK NC");
	free(codes);

	/* Staff view the profile: the labels are on it, and the view is a use. */
	r = http_get(st, path);
	ck_assert_int_eq(r->status, 200);
	ck_assert(resp_has(r, name));
	ck_assert(resp_has(r, "TK CO"));
	ck_assert(resp_has(r, "TK Community Use Only"));
	ck_assert(resp_has(r, "TK Non-Commercial"));
	resp_free(r);

	/* On the coach's roster, with a visit logged. */
	char *g = db_value("SELECT id FROM grants WHERE org_id = (SELECT org_id FROM users WHERE"
	                   " email = 'coach@example.org') AND stage = 'active' ORDER BY id LIMIT 1");
	char today[11], before[11], gp[64];
	day(0, today);
	day(-2, before);
	snprintf(gp, sizeof gp, "/grants/%s", g);
	/* Joined before the visit: a visit counts only from the day a school joins. */
	snprintf(form, sizeof form, "action=join&school=%s&join_from=%s", a, before);
	r = post_form(st, gp, gp, form);
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	snprintf(form, sizeof form, "school=%s&date=%s&time=10:00&minutes=45&mode=onsite&activity=leadership", a, before);
	r = post_form(co, "/visits", "/visits", form);
	ck_assert_int_eq(r->status, 303);
	resp_free(r);

	/* Staff download the visits: the school's rows carry its labels. */
	r = http_get(st, "/visits.csv");
	ck_assert_int_eq(r->status, 200);
	char *row = line_with(r->body, name);
	ck_assert_msg(row != NULL, "no row for %s", name);
	size_t n = strlen(row), k = strlen(",TK CO; TK NC");
	ck_assert_msg(n > k && !strcmp(row + n - k, ",TK CO; TK NC"), "row: %s", row);
	free(row);
	/* A school without labels: an empty labels field. */
	char *other = db_value("SELECT s.name FROM visits v JOIN schools s ON s.id = v.school_id WHERE"
	                       " s.sharing <> 'private' AND s.id NOT IN (SELECT school_id FROM school_labels)"
	                       " ORDER BY v.id LIMIT 1");
	row = line_with(r->body, other);
	ck_assert(row && row[strlen(row) - 1] == ',');
	free(row);
	free(other);
	resp_free(r);

	/* The steward sees both uses. */
	r = http_get(stw, "/steward/usage");
	ck_assert_int_eq(r->status, 200);
	ck_assert(resp_has(r, "<td>school profile</td>"));
	ck_assert(resp_has(r, "<td>visits.csv</td>"));
	ck_assert(resp_has(r, staff_name));
	snprintf(q, sizeof q, "<code>/schools/%s</code>", a);
	ck_assert(resp_has(r, q));
	resp_free(r);
	snprintf(q, sizeof q, "SELECT role || ' ' || nschools || ' ' || precision FROM usage_log WHERE what = 'school profile'"
	         " AND address = '/schools/%s' AND user_id = (SELECT id FROM users WHERE email = 'staff@example.org')", a);
	char *use = db_value(q);
	ck_assert_str_eq(use, "staff 1 full");
	free(use);
	use = db_value("SELECT role || ' ' || precision FROM usage_log WHERE what = 'visits.csv' ORDER BY id DESC LIMIT 1");
	ck_assert_str_eq(use, "staff full");
	free(use);

	/* Filters, kept in the URL. */
	r = http_get(stw, "/steward/usage?role=staff&what=visits.csv");
	ck_assert(resp_has(r, "<td>visits.csv</td>"));
	ck_assert(!resp_has(r, "<td>school profile</td>"));
	ck_assert(resp_has(r, "<option value=\"staff\" selected>"));
	ck_assert(resp_has(r, "href=\"/steward/usage.csv?role=staff&amp;what=visits.csv\""));
	resp_free(r);
	r = http_get(stw, "/steward/usage?role=leader");
	ck_assert(resp_has(r, "No use matches."));
	resp_free(r);
	char url[128];
	snprintf(url, sizeof url, "/steward/usage?from=%s&to=%s", today, today);
	r = http_get(stw, url);
	ck_assert(resp_has(r, "<td>school profile</td>"));
	resp_free(r);
	r = http_get(stw, "/steward/usage?from=2001-01-01&to=2001-12-31");
	ck_assert(resp_has(r, "No use matches."));
	resp_free(r);
	r = http_get(stw, "/steward/usage?from=2026-13-45");
	ck_assert_int_eq(r->status, 422);
	ck_assert(resp_has(r, "Enter the first day as YYYY-MM-DD"));
	ck_assert(resp_has(r, "value=\"2026-13-45\""));             /* input kept */
	resp_free(r);

	/* The CSV, filtered the same way. */
	r = http_get(stw, "/steward/usage.csv");
	ck_assert_int_eq(r->status, 200);
	ck_assert(resp_has(r, "at_utc,user_id,user,role,what,address,schools,precision\r\n"));
	ck_assert(resp_has(r, ",staff,visits.csv,/visits.csv,"));
	snprintf(q, sizeof q, ",staff,school profile,/schools/%s,1,full\r\n", a);
	ck_assert(resp_has(r, q));
	resp_free(r);
	r = http_get(stw, "/steward/usage.csv?what=school+profile");
	ck_assert(!resp_has(r, ",visits.csv,"));
	ck_assert(resp_has(r, ",school profile,"));
	resp_free(r);

	/* Only stewards. */
	struct client *ad = client_new(), *le = client_new();
	ck_assert_int_eq(login(ad, "admin@example.org", DEMO_PW), 303);
	ck_assert_int_eq(login(le, "leader@example.org", DEMO_PW), 303);
	struct client *others[] = { st, co, ad, le };
	for (int i = 0; i < 4; i++) {
		ck_assert_int_eq(get_status(others[i], "/steward/usage"), 403);
		ck_assert_int_eq(get_status(others[i], "/steward/usage.csv"), 403);
	}

	/* A code that is not a Local Contexts code: said so, input kept,
	 * nothing stored (the level sent with it neither). */
	snprintf(form, sizeof form, "level_%s=network&labels_%s=TK+CO%%3B+TK+XX", a, a);
	r = post_form(stw, "/steward", "/steward", form);
	ck_assert_int_eq(r->status, 422);
	ck_assert(resp_has(r, "“TK XX”"));
	ck_assert(resp_has(r, "is not a Local Contexts code"));
	ck_assert(resp_has(r, "value=\"TK CO; TK XX\""));
	resp_free(r);
	snprintf(q, sizeof q, "SELECT sharing || ' ' || (SELECT count(*) FROM school_labels WHERE school_id = %s)"
	         " FROM schools WHERE id = %s", a, a);
	char *still = db_value(q);
	ck_assert_str_eq(still, "foundation 2");
	free(still);

	client_free(ad);
	client_free(le);
	free(g);
	free(staff_name);
	free(name);
	free(a);
	client_free(stw);
	client_free(st);
	client_free(co);
}
END_TEST

START_TEST(consent_applies_at_once)
{
	struct client *stw = client_new(), *co = client_new(), *ad = client_new();
	ck_assert_int_eq(login(stw, "steward@example.org", DEMO_PW), 303);
	ck_assert_int_eq(login(co, "coach@example.org", COACH_PW), 303);
	ck_assert_int_eq(login(ad, "admin@example.org", DEMO_PW), 303);
	/* The school the test above put on the coach's roster. */
	char *a = db_value("SELECT gs.school_id FROM grant_schools gs JOIN grants g ON g.id = gs.grant_id"
	                   " JOIN schools s ON s.id = gs.school_id WHERE g.org_id = (SELECT org_id FROM users WHERE"
	                   " email = 'coach@example.org') AND s.nation_id = (SELECT nation_id FROM users WHERE"
	                   " email = 'steward@example.org') ORDER BY gs.id DESC LIMIT 1");
	ck_assert(a != NULL);
	char q[512], form[256], path[64];
	snprintf(q, sizeof q, "SELECT name FROM schools WHERE id = %s", a);
	char *name = db_value(q);
	snprintf(path, sizeof path, "/schools/%s", a);
	ck_assert_int_eq(get_status(co, path), 200);               /* foundation: the coach sees it in full */

	/* Private again: the intermediary serving it loses it (consent refused until given). */
	snprintf(form, sizeof form, "level_%s=private", a);
	struct resp *r = post_form(stw, "/steward", "/steward", form);
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	ck_assert_int_eq(get_status(co, path), 404);
	r = http_get(co, "/my/schools");
	ck_assert(!resp_has(r, name));
	resp_free(r);

	/* The steward allows its profile to its intermediaries: at once. */
	r = http_get(stw, "/steward");
	snprintf(q, sizeof q, "<select id=\"f-intermediary_profile_%s\"", a);
	ck_assert(resp_has(r, q));
	resp_free(r);
	snprintf(form, sizeof form, "intermediary_profile_%s=allowed", a);
	r = post_form(stw, "/steward", "/steward", form);
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	r = http_get(co, path);
	ck_assert_int_eq(r->status, 200);
	ck_assert(resp_has(r, name));
	ck_assert(!resp_has(r, "<dt>Students</dt>"));               /* coarsely */
	resp_free(r);
	snprintf(q, sizeof q, "SELECT from_value || '>' || to_value || ' ' || (SELECT email FROM users WHERE id = changed_by)"
	         " FROM consent_changes WHERE school_id = %s AND use_name = 'intermediary_profile' ORDER BY id DESC", a);
	char *change = db_value(q);
	ck_assert_str_eq(change, "refused>allowed steward@example.org");
	free(change);
	/* The steward sees both kinds of change in one history. */
	r = http_get(stw, "/steward");
	ck_assert(resp_has(r, "<td>Profile shown to intermediaries serving it while private</td>"));
	ck_assert(resp_has(r, "<td>refused</td><td>allowed</td>"));
	ck_assert(resp_has(r, "<td>Sharing level</td>"));
	ck_assert(resp_has(r, "<td>foundation</td><td>private</td>"));
	ck_assert(resp_has(r, "<td>Local Contexts labels</td>"));
	resp_free(r);
	/* An unknown value is refused, nothing stored. */
	snprintf(form, sizeof form, "intermediary_profile_%s=sometimes", a);
	r = post_form(stw, "/steward", "/steward", form);
	ck_assert_int_eq(r->status, 422);
	resp_free(r);
	/* Refused again: gone again. */
	snprintf(form, sizeof form, "intermediary_profile_%s=refused", a);
	r = post_form(stw, "/steward", "/steward", form);
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	ck_assert_int_eq(get_status(co, path), 404);

	/* Another nation's steward sees none of these uses, and changes none
	 * of these schools. */
	char *sid = db_value("SELECT id FROM users WHERE email = 'steward@example.org'");
	char *orig = db_value("SELECT nation_id FROM users WHERE email = 'steward@example.org'");
	char *nation2 = db_value("SELECT min(nation_id) FROM schools WHERE nation_id <> (SELECT nation_id FROM users"
	                         " WHERE email = 'steward@example.org')");
	char page[64];
	snprintf(page, sizeof page, "/admin/people/%s", sid);
	snprintf(form, sizeof form, "action=role&role=steward&nation=%s", nation2);
	r = post_form(ad, page, page, form);
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	struct client *other = client_new();
	ck_assert_int_eq(login(other, "steward@example.org", DEMO_PW), 303);
	r = http_get(other, "/steward/usage");
	ck_assert_int_eq(r->status, 200);
	snprintf(q, sizeof q, "/schools/%s", a);
	ck_assert(!resp_has(r, q));
	ck_assert(!resp_has(r, "<td>visits.csv</td>"));
	resp_free(r);
	r = http_get(other, "/steward/usage.csv");
	ck_assert(!resp_has(r, q));
	resp_free(r);
	snprintf(form, sizeof form, "intermediary_profile_%s=allowed", a);
	r = post_form(other, "/steward", "/steward", form);
	ck_assert_int_eq(r->status, 403);
	resp_free(r);
	client_free(other);
	snprintf(form, sizeof form, "action=role&role=steward&nation=%s", orig);
	r = post_form(ad, page, page, form);
	ck_assert_int_eq(r->status, 303);
	resp_free(r);

	free(sid);
	free(orig);
	free(nation2);
	free(name);
	free(a);
	client_free(stw);
	client_free(co);
	client_free(ad);
}
END_TEST

START_TEST(tribal_school_needs_a_nation)
{
	struct client *ad = client_new();
	ck_assert_int_eq(login(ad, "admin@example.org", DEMO_PW), 303);
	char *before = db_value("SELECT count(*) FROM schools");
	const char *no_nation =
	    "csv=name%2Cstate%2Ccity%2Ctype%2Cgrade_low%2Cgrade_high%2Cenrollment%2Ctime_zone%2Cnation%0D%0A"
	    "Prairie+Wind+School%2CND%2CMinot%2Csmall_rural%2CK%2C8%2C120%2CAmerica%2FChicago%2C%0D%0A"
	    "Red+Willow+Tribal+School%2CSD%2CMission%2Ctribal%2CK%2C8%2C150%2CAmerica%2FChicago%2C%0D%0A";
	struct resp *r = post_form(ad, "/admin/schools/import", "/admin/schools/import", no_nation);
	ck_assert_int_eq(r->status, 422);
	ck_assert(resp_has(r, "Nothing was imported"));
	ck_assert(resp_has(r, "<td class=\"num\">3</td><td>nation</td><td>A tribal school must belong to a nation"));
	ck_assert(resp_has(r, "Red Willow Tribal School,SD,Mission,tribal"));          /* input kept */
	resp_free(r);
	char *after = db_value("SELECT count(*) FROM schools");
	ck_assert_str_eq(before, after);
	free(after);
	/* With its nation: imported, and private. */
	const char *with_nation =
	    "csv=name%2Cstate%2Ccity%2Ctype%2Cgrade_low%2Cgrade_high%2Cenrollment%2Ctime_zone%2Cnation%0D%0A"
	    "Red+Willow+Tribal+School%2CSD%2CMission%2Ctribal%2CK%2C8%2C150%2CAmerica%2FChicago%2CRosebud+Sioux+Tribe%0D%0A&go=import";
	r = post_form(ad, "/admin/schools/import", "/admin/schools/import", with_nation);
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	char *v = db_value("SELECT sharing FROM schools WHERE name = 'Red Willow Tribal School'");
	ck_assert_str_eq(v, "private");
	free(v);

	/* One an older roster left without a nation is flagged. */
	db_write("INSERT INTO schools (name, state_code, city, tz, type, grade_low, grade_high, enrollment)"
	         " VALUES ('Old Roster Tribal School', 'ND', 'Belcourt', 'America/Chicago', 'tribal', 0, 8, 90)");
	r = http_get(ad, "/admin/schools?q=Old+Roster");
	ck_assert_int_eq(r->status, 200);
	ck_assert(resp_has(r, "Old Roster Tribal School"));
	ck_assert(resp_has(r, "No nation: a tribal school must have one"));
	ck_assert(resp_has(r, "1 tribal school has no nation."));
	resp_free(r);
	/* Saving it still without a nation is refused, with the reason. */
	char *id = db_value("SELECT id FROM schools WHERE name = 'Old Roster Tribal School'");
	char page[64];
	snprintf(page, sizeof page, "/admin/schools/%s", id);
	r = post_form(ad, page, page, "name=Old+Roster+Tribal+School&city=Belcourt&state=ND&type=tribal&grade_low=K"
	                              "&grade_high=8&enrollment=91&tz=America%2FChicago&nation=");
	ck_assert_int_eq(r->status, 422);
	ck_assert(resp_has(r, "A tribal school must belong to a nation"));
	resp_free(r);
	r = post_form(ad, page, page, "name=Old+Roster+Tribal+School&city=Belcourt&state=ND&type=tribal&grade_low=K"
	                              "&grade_high=8&enrollment=91&tz=America%2FChicago&nation=14");
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	r = http_get(ad, "/admin/schools?q=Old+Roster");
	ck_assert(!resp_has(r, "No nation: a tribal school must have one"));
	resp_free(r);
	free(id);
	free(before);
	client_free(ad);
}
END_TEST

/* Only the nation's steward links leaders to its schools (the steward's
 * consent); staff and admins cannot. */
START_TEST(steward_links_leaders)
{
	struct client *sw = client_new(), *l = client_new(), *staff = client_new();
	ck_assert_int_eq(login(sw, "steward@example.org", DEMO_PW), 303);
	ck_assert_int_eq(login(l, "leader@example.org", DEMO_PW), 303);
	ck_assert_int_eq(login(staff, "staff@example.org", DEMO_PW), 303);
	char *school = db_value("SELECT s.id FROM schools s WHERE s.sharing = 'private' AND s.nation_id ="
	                        " (SELECT nation_id FROM users WHERE email = 'steward@example.org')"
	                        " AND s.id NOT IN (SELECT school_id FROM user_schools WHERE user_id ="
	                        " (SELECT id FROM users WHERE email = 'leader@example.org')) ORDER BY s.id LIMIT 1");
	char *other = db_value("SELECT id FROM schools WHERE nation_id IS NOT NULL AND nation_id <>"
	                       " (SELECT nation_id FROM users WHERE email = 'steward@example.org') ORDER BY id LIMIT 1");
	ck_assert_ptr_nonnull(school);
	char path[64], form[256];
	snprintf(path, sizeof path, "/schools/%s", school);
	struct resp *r = http_get(l, path);
	ck_assert_int_eq(r->status, 404);
	resp_free(r);
	r = http_get(staff, "/steward/leaders");
	ck_assert_int_eq(r->status, 403);
	resp_free(r);
	/* A leader already in ilnet: linked at once. */
	snprintf(form, sizeof form, "action=link&school=%s&name=Casey+Leader&email=leader%%40example.org", school);
	r = post_form(sw, "/steward/leaders", "/steward/leaders", form);
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	r = http_get(l, path);
	ck_assert_int_eq(r->status, 200);
	resp_free(r);
	/* Someone new: an account and an invitation. */
	snprintf(form, sizeof form, "action=link&school=%s&name=New+Principal&email=new.principal%%40example.org", school);
	r = post_form(sw, "/steward/leaders", "/steward/leaders", form);
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	char *n = db_value("SELECT count(*) FROM users u JOIN user_schools us ON us.user_id = u.id"
	                   " WHERE u.email = 'new.principal@example.org' AND u.role = 'leader'");
	ck_assert_str_eq(n, "1");
	free(n);
	n = db_value("SELECT count(*) FROM outbox WHERE to_addr = 'new.principal@example.org'");
	ck_assert_str_eq(n, "1");
	free(n);
	/* Another nation's school, or an account that is not a leader's: refused, input kept. */
	snprintf(form, sizeof form, "action=link&school=%s&name=X&email=x%%40example.org", other);
	r = post_form(sw, "/steward/leaders", "/steward/leaders", form);
	ck_assert_int_eq(r->status, 422);
	ck_assert(resp_has(r, "Choose one of your nation&#39;s schools."));
	resp_free(r);
	snprintf(form, sizeof form, "action=link&school=%s&name=Staff&email=staff%%40example.org", school);
	r = post_form(sw, "/steward/leaders", "/steward/leaders", form);
	ck_assert_int_eq(r->status, 422);
	ck_assert(resp_has(r, "not a school leader"));
	ck_assert(resp_has(r, "value=\"staff@example.org\""));
	resp_free(r);
	/* Unlinked: the leader no longer sees it. */
	char *lid = db_value("SELECT id FROM users WHERE email = 'leader@example.org'");
	snprintf(form, sizeof form, "action=unlink&user=%s&school=%s", lid, school);
	r = post_form(sw, "/steward/leaders", "/steward/leaders", form);
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	r = http_get(l, path);
	ck_assert_int_eq(r->status, 404);
	resp_free(r);
	n = db_value("SELECT count(*) FROM audit WHERE action IN ('steward-link', 'steward-unlink')");
	ck_assert_str_eq(n, "3");
	free(n);
	free(lid);
	free(other);
	free(school);
	client_free(staff);
	client_free(l);
	client_free(sw);
}
END_TEST

void add_steward_tests(TCase *t);
void add_steward_tests(TCase *t)
{
	tcase_add_test(t, steward_sees_every_use);
	tcase_add_test(t, consent_applies_at_once);
	tcase_add_test(t, tribal_school_needs_a_nation);
	tcase_add_test(t, steward_links_leaders);
}
