/* test_guards.c — the guards a review found missing: who may name a
 * steward or link a leader to a nation's school, what counts of hidden
 * schools reveal, redirects after sign-in, tokens at rest, password
 * guessing on the account page, lockouts lifted by a reset, links kept
 * when staff save a person, nations kept by an import. */
#include "harness.h"

#include <curl/curl.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

START_TEST(only_admins_name_stewards_or_link_nation_schools)
{
	struct client *c = client_new();
	ck_assert_int_eq(login(c, "staff@example.org", DEMO_PW), 303);
	struct resp *r = post_form(c, "/admin/people", "/admin/people/invite",
	                           "name=Alt&email=alt%40example.org&role=steward&nation=4");
	ck_assert_int_eq(r->status, 422);
	ck_assert(resp_has(r, "Only an administrator can make someone a nation&#39;s data steward."));
	resp_free(r);
	/* A nation's school raised to 'network' by its steward is visible to
	 * staff, but staff still cannot make someone its leader. */
	char *nid = db_value("SELECT id FROM schools WHERE nation_id = (SELECT nation_id FROM users"
	                     " WHERE role = 'steward') ORDER BY id LIMIT 1");
	char *st = db_value("SELECT id FROM users WHERE role = 'steward'");
	struct client *steward = client_new(), *admin = client_new();
	ck_assert_int_eq(login(steward, "steward@example.org", DEMO_PW), 303);
	ck_assert_int_eq(login(admin, "admin@example.org", DEMO_PW), 303);
	char form[256];
	snprintf(form, sizeof form, "level_%s=network", nid);
	r = post_form(steward, "/steward", "/steward", form);
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	char path[64];
	snprintf(path, sizeof path, "/admin/schools/%s", nid);
	r = http_get(c, path);
	ck_assert_int_eq(r->status, 200);                 /* staff see it now */
	resp_free(r);
	snprintf(form, sizeof form, "name=Alt&email=alt%%40example.org&role=leader&schools=%s", nid);
	r = post_form(c, "/admin/people", "/admin/people/invite", form);
	ck_assert_int_eq(r->status, 422);
	ck_assert(resp_has(r, "One of the chosen schools is not available."));
	resp_free(r);
	snprintf(form, sizeof form, "level_%s=private", nid);
	r = post_form(steward, "/steward", "/steward", form);
	resp_free(r);
	client_free(steward);
	char *n = db_value("SELECT count(*) FROM users WHERE email = 'alt@example.org'");
	ck_assert_str_eq(n, "0");
	free(n);
	/* Staff cannot change a steward either. */
	char page[64];
	snprintf(page, sizeof page, "/admin/people/%s", st);
	r = post_form(admin, page, page, "action=role&role=steward&nation=4");
	ck_assert_int_eq(r->status, 303);                 /* an admin can */
	resp_free(r);
	r = post_form(c, "/admin/people", page, "action=role&role=staff");
	ck_assert_int_eq(r->status, 403);
	resp_free(r);
	/* Put the steward back on their nation. */
	char *orig = db_value("SELECT nation_id FROM schools WHERE nation_id IS NOT NULL"
	                      " GROUP BY nation_id ORDER BY count(*) DESC, nation_id LIMIT 1");
	snprintf(form, sizeof form, "action=role&role=steward&nation=%s", orig);
	r = post_form(admin, page, page, form);
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	free(orig);
	free(st);
	free(nid);
	client_free(admin);
	client_free(c);
}
END_TEST

/* Staff cannot make an account that sees more than they do: an
 * intermediary reads visit notes and the schools its grants serve. */
START_TEST(staff_cannot_make_intermediaries)
{
	struct client *c = client_new(), *admin = client_new();
	ck_assert_int_eq(login(c, "staff@example.org", DEMO_PW), 303);
	ck_assert_int_eq(login(admin, "admin@example.org", DEMO_PW), 303);
	char *org = db_value("SELECT id FROM organizations WHERE active = 1 ORDER BY id LIMIT 1");
	char form[256];
	snprintf(form, sizeof form, "name=Mole&email=mole%%40example.org&role=intermediary&org=%s", org);
	struct resp *r = post_form(c, "/admin/people", "/admin/people/invite", form);
	ck_assert_int_eq(r->status, 422);
	ck_assert(resp_has(r, "Only an administrator can give someone intermediary access"));
	ck_assert(resp_has(r, "value=\"mole@example.org\""));             /* input kept */
	resp_free(r);
	char *n = db_value("SELECT count(*) FROM users WHERE email = 'mole@example.org'");
	ck_assert_str_eq(n, "0");
	free(n);
	/* Nor turn a leader into one, nor touch an intermediary's account. */
	char *leader = db_value("SELECT id FROM users WHERE email = 'leader@example.org'");
	char page[64];
	snprintf(page, sizeof page, "/admin/people/%s", leader);
	snprintf(form, sizeof form, "action=role&role=intermediary&org=%s", org);
	r = post_form(c, page, page, form);
	ck_assert_int_eq(r->status, 422);
	resp_free(r);
	char *coach = db_value("SELECT id FROM users WHERE email = 'coach@example.org'");
	snprintf(page, sizeof page, "/admin/people/%s", coach);
	r = post_form(c, "/admin/people", page, "action=role&role=staff");
	ck_assert_int_eq(r->status, 403);
	resp_free(r);
	r = post_form(c, "/admin/people", page, "action=deactivate");
	ck_assert_int_eq(r->status, 403);
	resp_free(r);
	/* An administrator can, and it is logged. */
	snprintf(form, sizeof form, "name=Mole&email=mole%%40example.org&role=intermediary&org=%s", org);
	r = post_form(admin, "/admin/people", "/admin/people/invite", form);
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	n = db_value("SELECT count(*) FROM audit WHERE action = 'invite' AND detail LIKE '%as intermediary'");
	ck_assert_str_eq(n, "1");
	free(n);
	free(coach);
	free(leader);
	free(org);
	client_free(admin);
	client_free(c);
}
END_TEST

/* A private school's name never blocks an edit: refusing it would confirm
 * that the school exists.  A visible school's still does. */
START_TEST(uniqueness_reveals_no_hidden_school)
{
	struct client *c = client_new();
	ck_assert_int_eq(login(c, "staff@example.org", DEMO_PW), 303);
	char *pname = db_value("SELECT name FROM schools WHERE sharing = 'private' ORDER BY id LIMIT 1");
	char *pstate = db_value("SELECT state_code FROM schools WHERE sharing = 'private' ORDER BY id LIMIT 1");
	char *pcity = db_value("SELECT city FROM schools WHERE sharing = 'private' ORDER BY id LIMIT 1");
	char *tz = db_value("SELECT tz FROM schools WHERE sharing = 'private' ORDER BY id LIMIT 1");
	ck_assert_int_eq(db_run("INSERT INTO schools (name, state_code, city, tz, type, grade_low, grade_high,"
	                        " enrollment) VALUES ('Uniqueness Test School', 'MN', 'Ada', 'America/Chicago',"
	                        " 'small_rural', 0, 12, 50)"), 0);
	char *mine = db_value("SELECT id FROM schools WHERE name = 'Uniqueness Test School'");
	char *other = db_value("SELECT name || '|' || state_code || '|' || city FROM schools WHERE sharing = 'network'"
	                       " ORDER BY id LIMIT 1");
	char page[64], form[1024];
	snprintf(page, sizeof page, "/admin/schools/%s", mine);
	char *en = curl_escape(pname, 0), *ec = curl_escape(pcity, 0), *et = curl_escape(tz, 0);
	snprintf(form, sizeof form, "name=%s&city=%s&state=%s&type=small_rural&grade_low=0&grade_high=12"
	         "&enrollment=100&tz=%s&lat=&lon=", en, ec, pstate, et);
	struct resp *r = post_form(c, page, page, form);
	ck_assert_msg(r->status == 303, "%ld", r->status);
	ck_assert(!resp_has(r, "already has this name"));
	resp_free(r);
	/* The name of a school the editor can see is still refused. */
	char *on = strtok(other, "|"), *os = strtok(NULL, "|"), *oc = strtok(NULL, "|");
	char *eon = curl_escape(on, 0), *eoc = curl_escape(oc, 0);
	snprintf(form, sizeof form, "name=%s&city=%s&state=%s&type=small_rural&grade_low=0&grade_high=12"
	         "&enrollment=100&tz=%s&lat=&lon=", eon, eoc, os, et);
	r = post_form(c, page, page, form);
	ck_assert_int_eq(r->status, 422);
	ck_assert(resp_has(r, "Another school in this city already has this name."));
	resp_free(r);
	curl_free(en); curl_free(ec); curl_free(et); curl_free(eon); curl_free(eoc);
	char del[128];
	snprintf(del, sizeof del, "DELETE FROM schools WHERE id = %s", mine);
	ck_assert_int_eq(db_run(del), 0);
	free(other); free(mine); free(tz); free(pcity); free(pstate); free(pname);
	client_free(c);
}
END_TEST

START_TEST(hidden_counts_reveal_nothing)
{
	struct client *c = client_new();
	ck_assert_int_eq(login(c, "staff@example.org", DEMO_PW), 303);
	char *name = db_value("SELECT name FROM schools WHERE sharing = 'private' ORDER BY id LIMIT 1");
	char *q = malloc(strlen(name) * 3 + 64);
	char *p = q + sprintf(q, "/admin/schools?q=");
	for (const char *s = name; *s; s++)
		p += *s == ' ' ? sprintf(p, "+") : sprintf(p, "%c", *s);
	struct resp *r = http_get(c, q);
	ck_assert_int_eq(r->status, 200);
	ck_assert(resp_has(r, "No school matches."));     /* (the search box echoes the name) */
	ck_assert(!resp_has(r, "kept private"));
	resp_free(r);
	/* A wildcard is a character, not a pattern. */
	r = http_get(c, "/admin/schools?q=%25");
	ck_assert(resp_has(r, "No school matches."));
	resp_free(r);
	r = http_get(c, "/admin/schools?q=_");
	ck_assert(resp_has(r, "No school matches."));
	resp_free(r);
	/* Unfiltered, hidden schools are not counted either (a region-wide
	 * count set beside the results' counts would subtract). */
	r = http_get(c, "/admin/schools");
	ck_assert(resp_has(r, "not listed or counted here"));
	ck_assert(!resp_has(r, "more are kept private"));
	resp_free(r);
	free(q);
	free(name);
	client_free(c);
}
END_TEST

START_TEST(next_cannot_leave_the_site)
{
	const char *tries[] = { "%2F%09%2Fevil.example", "%2F%2Fevil.example", "%2F%5Cevil.example",
	                        "https%3A%2F%2Fevil.example", "%2F%0D%0ASet-Cookie%3A+x%3D1", NULL };
	for (int i = 0; tries[i]; i++) {
		struct client *c = client_new();
		char form[256];
		snprintf(form, sizeof form, "email=staff%%40example.org&password=" DEMO_PW "&next=%s", tries[i]);
		struct resp *r = post_form(c, "/login", "/login", form);
		ck_assert_int_eq(r->status, 303);
		char *loc = resp_header(r, "Location");
		ck_assert_msg(!strcmp(loc, "/"), "next=%s went to %s", tries[i], loc);
		free(loc);
		resp_free(r);
		client_free(c);
	}
}
END_TEST

START_TEST(sent_mail_keeps_no_token)
{
	struct client *c = client_new();
	struct resp *r = post_form(c, "/password/forgot", "/password/forgot", "email=staff%40example.org");
	resp_free(r);
	char *mail = mail_wait("staff@example.org", 10000);
	ck_assert(mail != NULL);
	char *body = NULL;
	for (int i = 0; i < 100; i++) {
		free(body);
		body = db_value("SELECT body FROM outbox WHERE to_addr = 'staff@example.org'"
		                " AND sent_at IS NOT NULL ORDER BY id DESC LIMIT 1");
		if (body)
			break;
		usleep(50 * 1000);
	}
	ck_assert_str_eq(body, "");
	free(body);
	free(mail);
	client_free(c);
}
END_TEST

START_TEST(account_password_guessing_throttled)
{
	struct client *c = client_new();
	ck_assert_int_eq(login(c, "steward@example.org", DEMO_PW), 303);
	long last = 0;
	for (int i = 0; i < 6; i++) {
		struct resp *r = post_form(c, "/account", "/account/password",
		                           "current=guess+number+x&password=a+new+long+one&confirm=a+new+long+one");
		last = r->status;
		resp_free(r);
	}
	ck_assert_int_eq(last, 429);
	/* A password reset by mail lifts the lockout. */
	struct client *d = client_new();
	struct resp *r = post_form(d, "/password/forgot", "/password/forgot", "email=steward%40example.org");
	resp_free(r);
	char *mail = mail_wait("steward@example.org", 10000);
	ck_assert(mail != NULL);
	char *link = url_in(mail, "/password/reset?t=");
	r = http_get(d, strstr(link, "/password/reset"));
	char *tok = csrf_of(r);
	resp_free(r);
	char form[512];
	snprintf(form, sizeof form, "_csrf=%s&t=%s&password=" DEMO_PW "&confirm=" DEMO_PW, tok,
	         strstr(link, "t=") + 2);
	r = http_post(d, "/password/reset", form);
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	ck_assert_int_eq(login(d, "steward@example.org", DEMO_PW), 303);
	free(tok);
	free(link);
	free(mail);
	client_free(d);
	client_free(c);
}
END_TEST

START_TEST(staff_save_keeps_links_they_cannot_see)
{
	struct client *admin = client_new(), *staff = client_new();
	ck_assert_int_eq(login(admin, "admin@example.org", DEMO_PW), 303);
	ck_assert_int_eq(login(staff, "staff@example.org", DEMO_PW), 303);
	char *uid = db_value("SELECT id FROM users WHERE email = 'leader@example.org'");
	char *priv = db_value("SELECT id FROM schools WHERE sharing = 'private' ORDER BY id DESC LIMIT 1");
	char *mine = db_value("SELECT group_concat(school_id, '&schools=') FROM user_schools WHERE user_id ="
	                      " (SELECT id FROM users WHERE email = 'leader@example.org')");
	char page[64], form[512];
	snprintf(page, sizeof page, "/admin/people/%s", uid);
	snprintf(form, sizeof form, "action=role&role=leader&schools=%s&schools=%s", mine, priv);
	/* Not even an administrator links a leader to a school kept private:
	 * the leader would read what the admin may not (the steward links). */
	struct resp *r = post_form(admin, page, page, form);
	ck_assert_int_eq(r->status, 422);
	ck_assert(resp_has(r, "One of the chosen schools is not available."));
	resp_free(r);
	char sh[256];
	snprintf(sh, sizeof sh, "INSERT INTO user_schools (user_id, school_id) VALUES (%s, %s)",
	         uid, priv);
	ck_assert_int_eq(db_run(sh), 0);
	/* Staff save the person with the schools they can see. */
	snprintf(form, sizeof form, "action=role&role=leader&schools=%s", mine);
	r = post_form(staff, page, page, form);
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	char q[256];
	snprintf(q, sizeof q, "SELECT count(*) FROM user_schools WHERE user_id = %s AND school_id = %s", uid, priv);
	char *n = db_value(q);
	ck_assert_str_eq(n, "1");
	free(n);
	/* An admin's save keeps it too: admins see private schools no more than staff. */
	snprintf(form, sizeof form, "action=role&role=leader&schools=%s", mine);
	r = post_form(admin, page, page, form);
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	n = db_value(q);
	ck_assert_str_eq(n, "1");
	free(n);
	/* Put it back as it was. */
	snprintf(sh, sizeof sh, "DELETE FROM user_schools WHERE user_id = %s AND school_id = %s",
	         uid, priv);
	ck_assert_int_eq(db_run(sh), 0);
	n = db_value(q);
	ck_assert_str_eq(n, "0");
	free(n);
	free(uid);
	free(priv);
	free(mine);
	client_free(admin);
	client_free(staff);
}
END_TEST

START_TEST(import_keeps_a_schools_nation)
{
	struct client *c = client_new();
	ck_assert_int_eq(login(c, "admin@example.org", DEMO_PW), 303);
	char *id = db_value("SELECT id FROM schools WHERE nation_id IS NOT NULL ORDER BY id LIMIT 1");
	char q[512];
	/* Its steward shares it with the foundation (a private school is
	 * neither found nor changed by an administrator's import). */
	snprintf(q, sizeof q, "UPDATE schools SET sharing = 'foundation' WHERE id = %s", id);
	ck_assert_int_eq(db_run(q), 0);
	snprintf(q, sizeof q, "SELECT replace(name, ' ', '+') || '%%2C' || state_code || '%%2C' ||"
	         " replace(city, ' ', '+') FROM schools WHERE id = %s", id);
	char *row = db_value(q);
	char form[1024];
	snprintf(form, sizeof form, "csv=name%%2Cstate%%2Ccity%%2Ctype%%2Cgrade_low%%2Cgrade_high%%2Cenrollment"
	         "%%2Ctime_zone%%0D%%0A%s%%2Ctribal%%2CK%%2C12%%2C123%%2CAmerica%%2FChicago%%0D%%0A&go=import", row);
	struct resp *r = post_form(c, "/admin/schools/import", "/admin/schools/import", form);
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	snprintf(q, sizeof q, "SELECT (nation_id IS NOT NULL) || ' ' || enrollment FROM schools WHERE id = %s", id);
	char *v = db_value(q);
	ck_assert_str_eq(v, "1 123");
	free(v);
	free(row);
	/* A private school's row: no match, so a tribal school without a
	 * nation, refused as any would be; the school is untouched. */
	snprintf(q, sizeof q, "UPDATE schools SET sharing = 'private' WHERE id = %s", id);
	ck_assert_int_eq(db_run(q), 0);
	snprintf(q, sizeof q, "SELECT replace(name, ' ', '+') || '%%2C' || state_code || '%%2C' ||"
	         " replace(city, ' ', '+') FROM schools WHERE id = %s", id);
	row = db_value(q);
	snprintf(form, sizeof form, "csv=name%%2Cstate%%2Ccity%%2Ctype%%2Cgrade_low%%2Cgrade_high%%2Cenrollment"
	         "%%2Ctime_zone%%0D%%0A%s%%2Ctribal%%2CK%%2C12%%2C456%%2CAmerica%%2FChicago%%0D%%0A&go=import", row);
	r = post_form(c, "/admin/schools/import", "/admin/schools/import", form);
	ck_assert_int_eq(r->status, 422);
	ck_assert(resp_has(r, "A tribal school must belong to a nation"));
	resp_free(r);
	snprintf(q, sizeof q, "SELECT (nation_id IS NOT NULL) || ' ' || enrollment FROM schools WHERE id = %s", id);
	v = db_value(q);
	ck_assert_str_eq(v, "1 123");
	free(v);
	free(row);
	free(id);
	client_free(c);
}
END_TEST

void add_guard_tests(TCase *t);
void add_guard_tests(TCase *t)
{
	tcase_add_test(t, only_admins_name_stewards_or_link_nation_schools);
	tcase_add_test(t, staff_cannot_make_intermediaries);
	tcase_add_test(t, hidden_counts_reveal_nothing);
	tcase_add_test(t, uniqueness_reveals_no_hidden_school);
	tcase_add_test(t, next_cannot_leave_the_site);
	tcase_add_test(t, sent_mail_keeps_no_token);
	tcase_add_test(t, account_password_guessing_throttled);
	tcase_add_test(t, staff_save_keeps_links_they_cannot_see);
	tcase_add_test(t, import_keeps_a_schools_nation);
}
