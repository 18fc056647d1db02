/* test_equip.c — Equip through nginx: staff create a grant with payments
 * and reports; the intermediary logs visits, gets a drafted report, submits;
 * staff return it, then approve; the grant closes.  Money is exact, and an
 * intermediary never reaches another organization's grants or schools. */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define COACH_PW "new coach password"       /* set by password_reset_by_mail */

static void today_plus(int days, char out[11])
{
	time_t t = time(NULL) + (time_t)days * 86400;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

static long long location_id(const struct resp *r, const char *prefix)
{
	char *loc = resp_header(r, "Location");
	long long id = loc && strstr(loc, prefix) ? atoll(strstr(loc, prefix) + strlen(prefix)) : 0;
	free(loc);
	return id;
}

START_TEST(grant_from_proposal_to_close)
{
	char start[11], end[11], soon[11], yesterday[11], today[11];
	today_plus(-30, start);
	today_plus(300, end);
	today_plus(20, soon);
	today_plus(-1, yesterday);
	today_plus(0, today);
	char *org = db_value("SELECT org_id FROM users WHERE email = 'coach@example.org'");
	char *school = db_value("SELECT id FROM schools WHERE sharing = 'network' AND id NOT IN"
	                        " (SELECT school_id FROM grant_schools) ORDER BY id LIMIT 1");
	struct client *st = client_new(), *co = client_new();
	ck_assert_int_eq(login(st, "staff@example.org", DEMO_PW), 303);
	ck_assert_int_eq(login(co, "coach@example.org", COACH_PW), 303);

	/* Create: $100,000.10 exactly. */
	char form[1024];
	snprintf(form, sizeof form, "org=%s&title=Equip+test+grant&amount=%%24100%%2C000.10&start=%s&end=%s"
	         "&activities=leadership&activities=staff_pd&purpose=Coaching", org, start, end);
	struct resp *r = post_form(st, "/grants", "/grants", form);
	ck_assert_int_eq(r->status, 303);
	long long g = location_id(r, "/grants/");
	resp_free(r);
	ck_assert(g > 0);
	char gp[64], q[256];
	snprintf(gp, sizeof gp, "/grants/%lld", g);
	snprintf(q, sizeof q, "SELECT amount_cents || ' ' || stage FROM grants WHERE id = %lld", g);
	char *v = db_value(q);
	ck_assert_str_eq(v, "10000010 proposed");
	free(v);

	/* Stages: no skipping; a proposed grant takes no money. */
	r = post_form(st, gp, gp, "action=payment&pay_due=2030-01-01&pay_amount=100");
	ck_assert_int_eq(r->status, 422);
	ck_assert(resp_has(r, "A proposed grant takes no payments"));
	resp_free(r);
	r = post_form(st, gp, gp, "action=stage&stage=active&sure=1");
	ck_assert_int_eq(r->status, 422);
	resp_free(r);
	r = post_form(st, gp, gp, "action=stage&stage=awarded&sure=1");
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	/* Payments: never more than the award, to the cent. */
	r = post_form(st, gp, gp, "action=payment&pay_due=2030-01-01&pay_amount=33%2C333.37&pay_override=Paid+after+the+term+by+agreement");
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	r = post_form(st, gp, gp, "action=payment&pay_due=2030-02-01&pay_amount=33333.37&pay_override=After+the+term");
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	r = post_form(st, gp, gp, "action=payment&pay_due=2030-03-01&pay_amount=33333.37&pay_override=After+the+term");
	ck_assert_int_eq(r->status, 422);
	ck_assert(resp_has(r, "more than the unscheduled balance, $33,333.36"));
	ck_assert(resp_has(r, "value=\"33333.37\""));             /* input kept */
	resp_free(r);
	r = post_form(st, gp, gp, "action=payment&pay_due=2030-03-01&pay_amount=33333.366&pay_override=After+the+term");
	ck_assert_int_eq(r->status, 422);                        /* no fractions of a cent */
	resp_free(r);
	r = post_form(st, gp, gp, "action=payment&pay_due=2030-03-01&pay_amount=33333.36&pay_override=After+the+term");
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	r = http_get(st, gp);
	ck_assert(resp_has(r, "<strong>$0.00</strong> not yet scheduled"));
	ck_assert(resp_has(r, "<strong>$100,000.10</strong> scheduled"));
	resp_free(r);

	r = post_form(st, gp, gp, "action=stage&stage=active&sure=1");
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	/* Roster and the final report. */
	snprintf(form, sizeof form, "action=join&school=%s&join_from=%s", school, start);
	r = post_form(st, gp, gp, form);
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	snprintf(form, sizeof form, "action=report&rep_title=Final+report&rep_from=%s&rep_to=%s&rep_due=%s&rep_final=1",
	         start, today, soon);
	r = post_form(st, gp, gp, form);
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	r = post_form(st, gp, gp, "action=stage&stage=closed&sure=1");
	ck_assert_int_eq(r->status, 422);
	ck_assert(resp_has(r, "closes only once its final report is approved"));
	resp_free(r);

	/* The intermediary logs two visits for the school. */
	for (int i = 0; i < 2; i++) {
		snprintf(form, sizeof form, "school=%s&date=%s&time=1%d:00&minutes=90&mode=onsite&activity=leadership"
		         "&dimensions=cultural&who_teachers=5&notes=Private+note+%d&next_steps=Step+%d",
		         school, yesterday, i, i, i);
		r = post_form(co, "/visits", "/visits", form);
		ck_assert_msg(r->status == 303, "visit %d: %ld", i, r->status);
		resp_free(r);
	}
	char vp[64];
	snprintf(vp, sizeof vp, "/visits?school=%s", school);
	r = http_get(co, vp);
	ck_assert(resp_has(r, "Next steps from the visit on"));
	ck_assert(resp_has(r, "Step 1"));
	resp_free(r);
	/* Staff see the visits, never the notes. */
	r = http_get(st, "/visits");
	ck_assert(!resp_has(r, "Private note"));
	resp_free(r);

	/* The report, drafted from those visits. */
	snprintf(q, sizeof q, "SELECT id FROM grant_reports WHERE grant_id = %lld AND is_final = 1", g);
	char *rid = db_value(q);
	char rp[96];
	snprintf(rp, sizeof rp, "%s/reports/%s", gp, rid);
	r = http_get(co, rp);
	ck_assert(resp_has(r, ": 2 visits, 3.0 hours"));
	ck_assert(resp_has(r, "- Leadership coaching: 2 visits, 3.0 hours"));
	resp_free(r);
	r = post_form(co, rp, rp, "action=submit&body=Two+leadership+visits.+We+learned+a+lot.");
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	/* Returned (comments needed), resubmitted, approved; then the grant closes. */
	r = post_form(st, rp, rp, "action=return&comments=");
	ck_assert_int_eq(r->status, 422);
	resp_free(r);
	r = post_form(st, rp, rp, "action=return&comments=Say+what+comes+next.");
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	r = http_get(co, rp);
	ck_assert(resp_has(r, "Say what comes next."));
	resp_free(r);
	r = post_form(co, rp, rp, "action=submit&body=Two+visits.+Next%3A+co-plan+a+unit.");
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	r = post_form(st, rp, rp, "action=approve&comments=Thank+you.");
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	r = post_form(st, gp, gp, "action=stage&stage=closed&sure=1");
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	snprintf(q, sizeof q, "SELECT stage || ' ' || (SELECT count(*) FROM grant_events WHERE grant_id = %lld)"
	         " FROM grants WHERE id = %lld", g, g);
	v = db_value(q);
	ck_assert(strncmp(v, "closed ", 7) == 0 && atoi(v + 7) >= 10);
	free(v);
	r = http_get(st, gp);
	ck_assert(resp_has(r, "report approved"));
	ck_assert(resp_has(r, "stage, active to closed"));
	resp_free(r);
	free(rid);
	free(org);
	free(school);
	client_free(st);
	client_free(co);
}
END_TEST

START_TEST(intermediaries_stay_in_their_organization)
{
	struct client *co = client_new();
	ck_assert_int_eq(login(co, "coach@example.org", COACH_PW), 303);
	char *other = db_value("SELECT id FROM grants WHERE org_id <> (SELECT org_id FROM users WHERE"
	                       " email = 'coach@example.org') ORDER BY id LIMIT 1");
	char *orep = db_value("SELECT r.id FROM grant_reports r JOIN grants g ON g.id = r.grant_id WHERE g.org_id <>"
	                      " (SELECT org_id FROM users WHERE email = 'coach@example.org') AND r.status = 'due'"
	                      " ORDER BY r.id LIMIT 1");
	char *orep_g = db_value("SELECT grant_id FROM grant_reports WHERE id = (SELECT r.id FROM grant_reports r"
	                        " JOIN grants g ON g.id = r.grant_id WHERE g.org_id <> (SELECT org_id FROM users"
	                        " WHERE email = 'coach@example.org') AND r.status = 'due' ORDER BY r.id LIMIT 1)");
	char *oschool = db_value("SELECT gs.school_id FROM grant_schools gs JOIN grants g ON g.id = gs.grant_id WHERE"
	                         " g.org_id <> (SELECT org_id FROM users WHERE email = 'coach@example.org') AND"
	                         " gs.school_id NOT IN (SELECT gs2.school_id FROM grant_schools gs2 JOIN grants g2 ON"
	                         " g2.id = gs2.grant_id WHERE g2.org_id = (SELECT org_id FROM users WHERE"
	                         " email = 'coach@example.org')) LIMIT 1");
	char p[128], form[256];
	snprintf(p, sizeof p, "/grants/%s", other);
	struct resp *r = http_get(co, p);
	ck_assert_int_eq(r->status, 404);
	resp_free(r);
	snprintf(p, sizeof p, "/grants/%s/reports/%s", orep_g, orep);
	r = http_get(co, p);
	ck_assert_int_eq(r->status, 404);
	resp_free(r);
	r = post_form(co, "/visits", p, "action=submit&body=Not+mine");
	ck_assert_int_eq(r->status, 404);
	resp_free(r);
	char q[256];
	snprintf(q, sizeof q, "SELECT status FROM grant_reports WHERE id = %s", orep);
	char *status = db_value(q);
	ck_assert_str_eq(status, "due");
	free(status);
	/* A visit to another organization's school is refused; nothing stored. */
	char *before = db_value("SELECT count(*) FROM visits");
	snprintf(form, sizeof form, "school=%s&date=2026-01-05&time=10:00&minutes=60&mode=onsite&activity=leadership",
	         oschool);
	r = post_form(co, "/visits", "/visits", form);
	ck_assert_int_eq(r->status, 422);
	resp_free(r);
	char *after = db_value("SELECT count(*) FROM visits");
	ck_assert_str_eq(before, after);
	/* Nor can an intermediary change a grant or log as staff would. */
	snprintf(p, sizeof p, "/grants/%s", other);
	r = post_form(co, "/visits", p, "action=stage&stage=withdrawn");
	ck_assert_int_eq(r->status, 403);
	resp_free(r);
	struct client *st = client_new();
	ck_assert_int_eq(login(st, "staff@example.org", DEMO_PW), 303);
	r = post_form(st, "/grants", "/visits", form);
	ck_assert_int_eq(r->status, 403);
	resp_free(r);
	/* Other roles see no grants at all. */
	struct client *l = client_new();
	ck_assert_int_eq(login(l, "leader@example.org", DEMO_PW), 303);
	r = http_get(l, "/grants");
	ck_assert_int_eq(r->status, 403);
	resp_free(r);
	client_free(l);
	client_free(st);
	free(before);
	free(after);
	free(other);
	free(orep);
	free(orep_g);
	free(oschool);
	client_free(co);
}
END_TEST

START_TEST(portfolio_and_exports)
{
	struct client *st = client_new(), *co = client_new(), *l = client_new();
	ck_assert_int_eq(login(st, "staff@example.org", DEMO_PW), 303);
	ck_assert_int_eq(login(co, "coach@example.org", COACH_PW), 303);
	ck_assert_int_eq(login(l, "leader@example.org", DEMO_PW), 303);
	struct resp *r = http_get(st, "/portfolio");
	ck_assert_int_eq(r->status, 200);
	ck_assert(resp_has(r, "Payments due in the next 30 days"));
	ck_assert(resp_has(r, "Reports due and overdue"));
	ck_assert(resp_has(r, "no visit in the last 60 days"));
	ck_assert(resp_has(r, "<svg role=\"img\""));
	ck_assert(resp_has(r, "Coaching visits by month: the figures"));
	/* The chart counts every visit the viewer may see, and no other. */
	long charted = 0;
	const char *t = strstr(r->body, "Coaching visits by month: the figures");
	for (const char *p = t; p && (p = strstr(p, "<tr><th scope=\"row\">")); p++) {
		const char *num = strstr(p, "<td class=\"num\">");
		if (!num || strstr(p, "</table>") < num)
			break;
		charted += atol(num + strlen("<td class=\"num\">"));
	}
	char *visible = db_value("SELECT count(*) FROM visits v JOIN schools s ON s.id = v.school_id"
	                         " WHERE s.sharing <> 'private'"
	                         " AND v.local_date >= date('now', '-6 hours', 'start of month', '-11 months')");
	ck_assert_int_eq(charted, atol(visible));
	free(visible);
	resp_free(r);
	/* Kept in each worker's cache, yet never stale: a visit logged shows at once. */
	for (int i = 0; i < 6; i++) {
		r = http_get(st, "/portfolio");
		resp_free(r);
	}
	ck_assert_int_eq(db_run("INSERT INTO visits (org_id, school_id, starts_at, local_date, minutes, mode, activity,"
	                        " dimensions) SELECT v.org_id, v.school_id, v.starts_at, v.local_date, 30, v.mode,"
	                        " v.activity, v.dimensions FROM visits v JOIN schools s ON s.id = v.school_id"
	                        " WHERE s.sharing <> 'private' ORDER BY v.id DESC LIMIT 1"), 0);
	for (int i = 0; i < 6; i++) {
		r = http_get(st, "/portfolio");
		long now_charted = 0;
		t = strstr(r->body, "Coaching visits by month: the figures");
		for (const char *p = t; p && (p = strstr(p, "<tr><th scope=\"row\">")); p++) {
			const char *num = strstr(p, "<td class=\"num\">");
			if (!num || strstr(p, "</table>") < num)
				break;
			now_charted += atol(num + strlen("<td class=\"num\">"));
		}
		ck_assert_int_eq(now_charted, charted + 1);
		resp_free(r);
	}
	/* Filters narrow the totals: the demo's closed grant and the one closed above. */
	r = http_get(st, "/portfolio?stage=closed");
	ck_assert(resp_has(r, "<th scope=\"row\">Closed</th><td class=\"num\">2</td>"));
	ck_assert(!resp_has(r, "<th scope=\"row\">Active</th>"));
	resp_free(r);
	/* Exports carry exact amounts. */
	r = http_get(st, "/grants.csv");
	ck_assert(resp_has(r, "grant_id,organization,title,stage,amount,scheduled,paid,unscheduled"));
	ck_assert(resp_has(r, ",Equip test grant,closed,100000.10,100000.10,0.00,0.00,"));
	resp_free(r);
	r = http_get(st, "/payments.csv");
	ck_assert(resp_has(r, ",33333.37,scheduled,"));
	ck_assert(resp_has(r, ",33333.36,scheduled,"));
	resp_free(r);
	r = http_get(st, "/api/v1/grants");
	ck_assert(resp_has(r, "\"title\":\"Equip test grant\",\"stage\":\"closed\",\"amount_cents\":10000010"));
	resp_free(r);
	/* A grant's schools_served counts what its page lists: never the
	 * private schools on its roster, however many (here five more). */
	char *gp_id = db_value("SELECT gs.grant_id FROM grant_schools gs JOIN grants g ON g.id = gs.grant_id"
	                       " WHERE gs.to_date IS NULL AND g.stage = 'active' ORDER BY gs.grant_id LIMIT 1");
	ck_assert_ptr_nonnull(gp_id);
	char q[1024], want_id[32];
	snprintf(q, sizeof q, "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 5)"
	         " INSERT INTO schools (name, state_code, city, tz, type, grade_low, grade_high, enrollment, nation_id)"
	         " SELECT 'Roster private ' || i, 'SD', 'Rosterville', 'America/Chicago', 'tribal', 0, 12, 80,"
	         " (SELECT min(id) FROM nations) FROM k; INSERT INTO grant_schools (grant_id, school_id, from_date)"
	         " SELECT %s, id, (SELECT start_date FROM grants WHERE id = %s) FROM schools WHERE city = 'Rosterville'",
	         gp_id, gp_id);
	ck_assert_int_eq(db_run(q), 0);
	r = http_get(st, "/api/v1/grants");
	snprintf(q, sizeof q, "SELECT count(DISTINCT gs.school_id) FROM grant_schools gs JOIN schools s ON s.id ="
	         " gs.school_id WHERE gs.grant_id = %s AND gs.to_date IS NULL AND s.sharing <> 'private'", gp_id);
	char *visible_roster = db_value(q);
	snprintf(want_id, sizeof want_id, "{\"id\":%s,", gp_id);
	const char *gj = strstr(r->body, want_id);
	ck_assert_ptr_nonnull(gj);
	const char *sv = strstr(gj, "\"schools_served\":");
	ck_assert_ptr_nonnull(sv);
	ck_assert_int_eq(atol(sv + strlen("\"schools_served\":")), atol(visible_roster));
	free(visible_roster);
	ck_assert(!resp_has(r, "Roster private"));
	resp_free(r);
	snprintf(q, sizeof q, "DELETE FROM grant_schools WHERE school_id IN (SELECT id FROM schools WHERE city ="
	         " 'Rosterville'); DELETE FROM schools WHERE city = 'Rosterville'");
	ck_assert_int_eq(db_run(q), 0);
	free(gp_id);
	/* Staff get visits without notes; private schools unnamed. */
	r = http_get(st, "/visits.csv");
	ck_assert(resp_has(r, "visit_id,local_start,organization,school_id,school,activity,mode,minutes,dimensions,labels\r\n"));
	ck_assert(!resp_has(r, "Private note"));
	ck_assert(!resp_has(r, "Observed advisory"));
	char *priv = db_value("SELECT s.name FROM visits v JOIN schools s ON s.id = v.school_id WHERE s.sharing = 'private'"
	                      " LIMIT 1");
	if (priv) {
		ck_assert(!resp_has(r, priv));
		free(priv);
	}
	/* One row per visit to a school staff may see, and none for the others. */
	char *shown = db_value("SELECT count(*) FROM visits v JOIN schools s ON s.id = v.school_id"
	                       " WHERE s.sharing <> 'private'");
	int rows = -1;
	for (const char *p = r->body; *p; p++)
		rows += *p == '\n';
	ck_assert_int_eq(rows, atoi(shown));
	free(shown);
	resp_free(r);
	/* The intermediary gets their own organization's visits, notes included. */
	r = http_get(co, "/visits.csv");
	ck_assert_int_eq(r->status, 200);
	ck_assert(resp_has(r, "Private note 1"));
	resp_free(r);
	const char *staff_only[] = { "/portfolio", "/grants.csv", "/payments.csv", "/reports.csv", "/api/v1/grants", NULL };
	for (int i = 0; staff_only[i]; i++) {
		r = http_get(co, staff_only[i]);
		ck_assert_msg(r->status == 403, "coach got %ld at %s", r->status, staff_only[i]);
		resp_free(r);
		r = http_get(l, staff_only[i]);
		ck_assert_msg(r->status == 403, "leader got %ld at %s", r->status, staff_only[i]);
		resp_free(r);
	}
	client_free(st);
	client_free(co);
	client_free(l);
}
END_TEST

START_TEST(equip_review_guards)
{
	struct client *st = client_new(), *co = client_new();
	ck_assert_int_eq(login(st, "staff@example.org", DEMO_PW), 303);
	ck_assert_int_eq(login(co, "coach@example.org", COACH_PW), 303);
	/* A draft stays with the grantee until submitted. */
	char *g = db_value("SELECT g.id FROM grants g WHERE g.org_id = (SELECT org_id FROM users WHERE"
	                   " email = 'coach@example.org') AND g.stage = 'active' ORDER BY g.id LIMIT 1");
	char *rid = db_value("SELECT x.id FROM grant_reports x JOIN grants g ON g.id = x.grant_id WHERE g.org_id ="
	                     " (SELECT org_id FROM users WHERE email = 'coach@example.org') AND g.stage = 'active'"
	                     " AND x.status = 'due' AND x.is_final = 0 ORDER BY x.id LIMIT 1");
	char rp[96];
	snprintf(rp, sizeof rp, "/grants/%s/reports/%s", g, rid);
	struct resp *r = post_form(co, rp, rp, "action=save&body=A+draft+not+for+the+foundation+yet");
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	r = http_get(st, rp);
	ck_assert(!resp_has(r, "A draft not for the foundation yet"));
	ck_assert(resp_has(r, "Not submitted yet."));
	resp_free(r);
	/* No visits in the future. */
	char *school = db_value("SELECT gs.school_id FROM grant_schools gs WHERE gs.grant_id = (SELECT g.id FROM grants g"
	                        " WHERE g.org_id = (SELECT org_id FROM users WHERE email = 'coach@example.org') AND"
	                        " g.stage = 'active' ORDER BY g.id LIMIT 1) AND gs.to_date IS NULL ORDER BY gs.school_id LIMIT 1");
	char form[512];
	snprintf(form, sizeof form, "school=%s&date=2099-01-05&time=10:00&minutes=60&mode=onsite&activity=leadership", school);
	r = post_form(co, "/visits", "/visits", form);
	ck_assert_int_eq(r->status, 422);
	ck_assert(resp_has(r, "that time is still to come"));
	resp_free(r);
	/* No second roster entry for the same dates; none outside the grant. */
	char gp[64];
	snprintf(gp, sizeof gp, "/grants/%s", g);
	char *gstart = db_value("SELECT start_date FROM grants WHERE id = (SELECT g.id FROM grants g WHERE g.org_id ="
	                        " (SELECT org_id FROM users WHERE email = 'coach@example.org') AND g.stage = 'active'"
	                        " ORDER BY g.id LIMIT 1)");
	snprintf(form, sizeof form, "action=join&school=%s&join_from=%s", school, gstart);
	r = post_form(st, gp, gp, form);
	ck_assert_int_eq(r->status, 422);
	resp_free(r);
	snprintf(form, sizeof form, "action=join&school=%s&join_from=1999-01-01", school);
	r = post_form(st, gp, gp, form);
	ck_assert_int_eq(r->status, 422);
	ck_assert(resp_has(r, "Choose a date within the grant"));
	resp_free(r);
	/* A closed grant takes no more money. */
	char *closed = db_value("SELECT id FROM grants WHERE stage = 'closed' ORDER BY id LIMIT 1");
	char cp[64];
	snprintf(cp, sizeof cp, "/grants/%s", closed);
	r = post_form(st, cp, cp, "action=payment&pay_due=2030-01-01&pay_amount=1");
	ck_assert_int_eq(r->status, 422);
	resp_free(r);
	/* Comments given on a return stay in the history. */
	char *ghist = db_value("SELECT detail FROM grant_events WHERE action = 'report returned' ORDER BY id DESC LIMIT 1");
	ck_assert(ghist && strstr(ghist, "Say what comes next."));
	free(ghist);
	free(closed);
	free(gstart);
	free(school);
	free(g);
	free(rid);
	client_free(st);
	client_free(co);
}
END_TEST

void add_equip_tests(TCase *t);
void add_equip_tests(TCase *t)
{
	tcase_add_test(t, grant_from_proposal_to_close);
	tcase_add_test(t, intermediaries_stay_in_their_organization);
	tcase_add_test(t, portfolio_and_exports);
	tcase_add_test(t, equip_review_guards);
}
