/* test_onboarding.c — a region onboarded from its spreadsheet: the school
 * import takes the words ilnet shows, reports every problem at once row by
 * row, shows what it will do before storing anything, and importing the
 * same roster again changes nothing; people come the same way, one
 * invitation each. */
#include "harness.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IMPORT "/admin/schools/import"

/* A roster as the labels a program officer copies from ilnet. */
#define ROSTER_HEAD "csv=Key%2CName%2CState%2CCity%2CType%2CGrades%2CStudents%2CTime+zone%2CNation%0D%0A"
#define ROSTER_ROWS \
	"MN-77001%2COnboard+Lake+School%2CMinnesota%2CEly%2CSmall+rural%2CK-12%2C180%2CCentral%2C%0D%0A" \
	"SD-77002%2COnboard+Butte+School%2Csouth+dakota%2CSturgis%2CCharter%2CPK%E2%80%935%2C95%2CMountain%2C%0D%0A" \
	"SD-77003%2COnboard+Creek+Tribal+School%2CSD%2CMission%2CTribal%2C9+to+12%2C140%2CAmerica%2FChicago%2Crosebud+sioux+tribe%0D%0A"

START_TEST(school_import_takes_labels_previews_and_is_idempotent)
{
	struct client *c = client_new();
	ck_assert_int_eq(login(c, "admin@example.org", DEMO_PW), 303);
	char *before = db_value("SELECT count(*) FROM schools");

	/* Checking stores nothing and says what importing would do. */
	struct resp *r = post_form(c, IMPORT, IMPORT, ROSTER_HEAD ROSTER_ROWS "&go=preview");
	ck_assert_int_eq(r->status, 200);
	ck_assert(resp_has(r, "Nothing is stored yet. Importing this file adds 2, updates 0 and leaves 0 unchanged."));
	ck_assert(resp_has(r, "1 school is of a nation that keeps its data private"));
	ck_assert(resp_has(r, "<th scope=\"row\">Onboard Lake School</th><td class=\"num\">2</td><td>MN-77001</td>"
	                      "<td>Ely, MN</td><td>Small rural</td><td class=\"nowrap\">K–12</td><td>New school</td>"));
	ck_assert(resp_has(r, "name=\"go\" value=\"import\">Import 3 schools</button>"));
	resp_free(r);
	char *after = db_value("SELECT count(*) FROM schools");
	ck_assert_str_eq(before, after);
	free(after);

	/* Imported: the labels stored as codes, the nation linked. */
	r = post_form(c, IMPORT, IMPORT, ROSTER_HEAD ROSTER_ROWS "&go=import");
	ck_assert_int_eq(r->status, 303);
	char *loc = resp_header(r, "Location");
	ck_assert_ptr_nonnull(strstr(loc, "added=2&updated=0&same=0&nation=1"));
	free(loc);
	resp_free(r);
	char *v = db_value("SELECT state_code || ' ' || type || ' ' || grade_low || '-' || grade_high || ' ' || tz"
	                   " FROM schools WHERE school_key = 'SD-77002'");
	ck_assert_str_eq(v, "SD charter -1-5 America/Denver");
	free(v);
	v = db_value("SELECT n.name || ' ' || s.sharing FROM schools s JOIN nations n ON n.id = s.nation_id"
	             " WHERE s.school_key = 'SD-77003'");
	ck_assert_str_eq(v, "Rosebud Sioux Tribe private");
	free(v);

	/* The same roster again: nothing changes. */
	r = post_form(c, IMPORT, IMPORT, ROSTER_HEAD ROSTER_ROWS "&go=preview");
	ck_assert(resp_has(r, "adds 0, updates 0 and leaves 2 unchanged"));
	ck_assert(resp_has(r, "<td>For its nation</td>"));
	resp_free(r);
	r = post_form(c, IMPORT, IMPORT, ROSTER_HEAD ROSTER_ROWS "&go=import");
	loc = resp_header(r, "Location");
	ck_assert_ptr_nonnull(strstr(loc, "added=0&updated=0&same=2&nation=1"));
	free(loc);
	resp_free(r);
	/* The nation's school, private, is still there once. */
	v = db_value("SELECT count(*) FROM schools WHERE school_key = 'SD-77003'");
	ck_assert_str_eq(v, "1");
	free(v);
	/* So it is from a roster without keys. */
	r = post_form(c, IMPORT, IMPORT, "csv=name%2Cstate%2Ccity%2Ctype%2Cgrades%2Cenrollment%2Ctime_zone%2Cnation%0D%0A"
	              "Onboard+Creek+Tribal+School%2CSD%2CMission%2CTribal%2C9-12%2C140%2CCentral%2CRosebud+Sioux+Tribe%0D%0A"
	              "&go=import");
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	v = db_value("SELECT count(*) FROM schools WHERE name = 'Onboard Creek Tribal School'");
	ck_assert_str_eq(v, "1");
	free(v);

	/* Renamed on the roster: found by its key, renamed in ilnet. */
	r = post_form(c, IMPORT, IMPORT, ROSTER_HEAD
	              "MN-77001%2COnboard+Lakeside+School%2CMN%2CEly%2Csmall_rural%2CK-12%2C181%2CCentral%2C%0D%0A"
	              "&go=import");
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	v = db_value("SELECT name || ' ' || enrollment || ' ' || (SELECT count(*) FROM schools WHERE school_key = 'MN-77001')"
	             " FROM schools WHERE school_key = 'MN-77001'");
	ck_assert_str_eq(v, "Onboard Lakeside School 181 1");
	free(v);
	free(before);
	client_free(c);
}
END_TEST

START_TEST(school_import_reports_every_problem_at_once)
{
	struct client *c = client_new();
	ck_assert_int_eq(login(c, "admin@example.org", DEMO_PW), 303);
	/* Every missing column in one message. */
	struct resp *r = post_form(c, IMPORT, IMPORT, "csv=name%2Ccolour%0D%0AX%2Cblue%0D%0A&go=preview");
	ck_assert_int_eq(r->status, 422);
	ck_assert(resp_has(r, "missing: state, city, type, enrollment, time_zone, grades (or grade_low and grade_high)."
	                      " Not understood: &quot;colour&quot;"));
	resp_free(r);
	/* Every problem of every row, counted by row. */
	r = post_form(c, IMPORT, IMPORT, ROSTER_HEAD
	              "A-1%2CGood+Row+School%2CMN%2CEly%2CCharter%2CK-8%2C100%2CCentral%2C%0D%0A"
	              "A-2%2CBad+Row+One%2CIowa%2CEly%2CRural%2CK-8%2C100%2CEastern%2C%0D%0A"
	              "A-3%2CBad+Row+Two%2CMN%2CEly%2CCharter%2C12-K%2Cmany%2CCentral%2C%0D%0A"
	              "A-1%2CBad+Row+Three%2CMN%2CEly%2CTribal%2CK-8%2C100%2CCentral%2C%0D%0A"
	              "&go=preview");
	ck_assert_int_eq(r->status, 422);
	ck_assert(resp_has(r, "3 of 4 rows need fixing"));
	ck_assert(resp_has(r, "<td class=\"num\">3</td><td>state</td>"));
	ck_assert(resp_has(r, "<td class=\"num\">3</td><td>type</td>"));
	ck_assert(resp_has(r, "<td class=\"num\">3</td><td>time_zone</td>"));
	ck_assert(resp_has(r, "<td class=\"num\">4</td><td>grades</td>"));
	ck_assert(resp_has(r, "<td class=\"num\">4</td><td>enrollment</td>"));
	ck_assert(resp_has(r, "<td class=\"num\">5</td><td>key</td><td>Line 2 has the same key.</td>"));
	ck_assert(resp_has(r, "<td class=\"num\">5</td><td>nation</td>"));
	ck_assert(resp_has(r, "Good Row School,MN,Ely"));            /* the roster kept to correct */
	resp_free(r);
	char *n = db_value("SELECT count(*) FROM schools WHERE name = 'Good Row School'");
	ck_assert_str_eq(n, "0");
	free(n);
	/* The template names every column and reads back as a valid roster. */
	r = http_get(c, "/admin/schools/import/template.csv");
	ck_assert_int_eq(r->status, 200);
	ck_assert(resp_has(r, "key,name,state,city,type,grades,enrollment,time_zone,latitude,longitude,nation\r\n"));
	ck_assert(resp_has(r, "Small rural"));
	resp_free(r);
	client_free(c);
}
END_TEST

#define PEOPLE "/admin/people/import"
#define PEOPLE_HEAD "csv=name%2Cemail%2Crole%2Cschools%2Corganization%0D%0A"

START_TEST(people_import_previews_invites_once_and_reports_every_problem)
{
	struct client *c = client_new();
	ck_assert_int_eq(login(c, "admin@example.org", DEMO_PW), 303);
	/* Two schools the administrator may link: one by its key, one by name. */
	ck_assert_int_eq(db_run("UPDATE schools SET school_key = 'PPL-1' WHERE id = (SELECT min(id) FROM schools"
	                        " WHERE nation_id IS NULL)"), 0);
	char *second = db_value("SELECT replace(name, ' ', '+') FROM schools WHERE nation_id IS NULL"
	                        " ORDER BY id LIMIT 1 OFFSET 1");
	/* And one private to its nation: never linkable, and never said to exist. */
	ck_assert_int_eq(db_run("UPDATE schools SET school_key = 'PPL-HIDDEN' WHERE id = (SELECT min(id) FROM schools"
	                        " WHERE sharing = 'private')"), 0);
	char form[2048];
	snprintf(form, sizeof form, "%s"
	         "Ada+Onboard%%2Cada.onboard%%40example.org%%2CSchool+leader%%2CPPL-1%%3B+%s%%2C%%0D%%0A"
	         "Cy+Onboard%%2Ccy.onboard%%40example.org%%2Cintermediary%%2C%%2Cprairie+learning+collaborative%%0D%%0A"
	         "Morgan+Again%%2Cadmin%%40example.org%%2CAdministrator%%2C%%2C%%0D%%0A&go=preview", PEOPLE_HEAD, second);
	struct resp *r = post_form(c, PEOPLE, PEOPLE, form);
	ck_assert_int_eq(r->status, 200);
	ck_assert(resp_has(r, "Importing this file invites 2 and leaves 1 already in ilnet as they are."));
	ck_assert(resp_has(r, "<th scope=\"row\">Ada Onboard</th><td>ada.onboard@example.org</td><td>School leader</td>"
	                      "<td class=\"num\">2</td><td>Invitation sent</td>"));
	ck_assert(resp_has(r, "name=\"go\" value=\"import\">Invite 2</button>"));
	resp_free(r);
	char *n = db_value("SELECT count(*) FROM users WHERE email LIKE '%.onboard@example.org'");
	ck_assert_str_eq(n, "0");
	free(n);

	/* Every problem of every row at once; a hidden school is "no school you may link". */
	r = post_form(c, PEOPLE, PEOPLE, PEOPLE_HEAD
	              "Bad+Mail%2Cnot-an-address%2CSchool+leader%2CPPL-1%2C%0D%0A"
	              "No+Role%2Cnorole%40example.org%2CPrincipal%2C%2C%0D%0A"
	              "Hidden+Link%2Chidden%40example.org%2Cleader%2CPPL-HIDDEN%2C%0D%0A"
	              "No+Org%2Cnoorg%40example.org%2CIntermediary+staff%2C%2CNowhere+Inc%0D%0A"
	              "Fine%2Cfine.onboard%40example.org%2CFoundation+staff%2C%2C%0D%0A&go=preview");
	ck_assert_int_eq(r->status, 422);
	ck_assert(resp_has(r, "4 of 5 rows need fixing"));
	ck_assert(resp_has(r, "<td class=\"num\">2</td><td>email</td>"));
	ck_assert(resp_has(r, "<td class=\"num\">3</td><td>role</td>"));
	ck_assert(resp_has(r, "<td class=\"num\">4</td><td>schools</td><td>No school you may link has the key or name"
	                      " &quot;PPL-HIDDEN&quot;.</td>"));
	ck_assert(resp_has(r, "<td class=\"num\">5</td><td>organization</td>"));
	resp_free(r);

	/* Imported: one invitation each, the leader linked to both schools. */
	form[strlen(form) - strlen("preview")] = '\0';
	strcat(form, "import");
	r = post_form(c, PEOPLE, PEOPLE, form);
	ck_assert_int_eq(r->status, 303);
	char *loc = resp_header(r, "Location");
	ck_assert_ptr_nonnull(strstr(loc, "msg=imported&invited=2"));
	free(loc);
	resp_free(r);
	n = db_value("SELECT count(*) FROM user_schools us JOIN users u ON u.id = us.user_id"
	             " WHERE u.email = 'ada.onboard@example.org'");
	ck_assert_str_eq(n, "2");
	free(n);
	n = db_value("SELECT o.name FROM users u JOIN organizations o ON o.id = u.org_id"
	             " WHERE u.email = 'cy.onboard@example.org'");
	ck_assert_str_eq(n, "Prairie Learning Collaborative");
	free(n);
	char *mail = mail_wait("ada.onboard@example.org", 10000);
	ck_assert_ptr_nonnull(mail);
	free(mail);
	/* The same file again invites nobody. */
	r = post_form(c, PEOPLE, PEOPLE, form);
	loc = resp_header(r, "Location");
	ck_assert_ptr_nonnull(strstr(loc, "invited=0"));
	free(loc);
	resp_free(r);
	n = db_value("SELECT count(*) FROM users WHERE email LIKE '%.onboard@example.org'");
	ck_assert_str_eq(n, "2");
	free(n);
	n = db_value("SELECT count(*) FROM outbox WHERE to_addr = 'ada.onboard@example.org'");
	ck_assert_str_eq(n, "1");
	free(n);
	free(second);
	client_free(c);
}
END_TEST

/* Linking a leader to schools without scripts: the search above the
 * invitation narrows the list the server offers, and keeps what was chosen. */
START_TEST(school_picker_narrows_without_javascript)
{
	struct client *c = client_new();
	ck_assert_int_eq(login(c, "staff@example.org", DEMO_PW), 303);
	struct resp *r = http_get(c, "/admin/people");
	ck_assert(resp_has(r, "<label for=\"q-find\">Schools to offer (name or town)</label>"));
	ck_assert(resp_has(r, "data-narrow"));
	resp_free(r);
	char *id = db_value("SELECT id FROM schools WHERE nation_id IS NULL ORDER BY id LIMIT 1");
	char *city = db_value("SELECT replace(city, ' ', '+') FROM schools WHERE nation_id IS NULL ORDER BY id LIMIT 1");
	char *other = db_value("SELECT s.name FROM schools s, schools f WHERE f.id = (SELECT min(id) FROM schools"
	                       " WHERE nation_id IS NULL) AND s.nation_id IS NULL AND s.city <> f.city"
	                       " AND instr(s.name, f.city) = 0 ORDER BY s.id LIMIT 1");
	char path[256], want[64];
	snprintf(path, sizeof path, "/admin/people?find=%s", city);
	r = http_get(c, path);
	ck_assert_int_eq(r->status, 200);
	snprintf(want, sizeof want, "<option value=\"%s\">", id);
	ck_assert(resp_has(r, want));
	ck_assert(!resp_has(r, other));
	ck_assert(resp_has(r, "search above for others"));
	resp_free(r);
	free(id);
	free(city);
	free(other);
	client_free(c);
}
END_TEST

void add_onboarding_cases(Suite *s);
void add_onboarding_cases(Suite *s)
{
	TCase *t = tcase_create("onboarding");
	tcase_add_unchecked_fixture(t, stack_up, stack_down);
	tcase_set_timeout(t, 120);
	tcase_add_test(t, school_import_takes_labels_previews_and_is_idempotent);
	tcase_add_test(t, school_import_reports_every_problem_at_once);
	tcase_add_test(t, people_import_previews_invites_once_and_reports_every_problem);
	tcase_add_test(t, school_picker_narrows_without_javascript);
	suite_add_tcase(s, t);
}
