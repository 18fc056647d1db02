/* test_records.c — records people correct, through nginx: a coach corrects
 * and deletes a visit within its window (and not after), staff read the
 * history, the drafted report follows; staff record a payment as paid on
 * the day it was, reverse it, change, reschedule and cancel payments
 * while the award stays guarded; grant terms, rosters and organizations
 * change with history; changes that cannot be undone are confirmed on a
 * page of their own; a 70,000-character report is refused, not cut. */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void day(int days, char out[11])
{
	time_t t = time(NULL) + (time_t)days * 86400;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

static long long num(const char *sql)
{
	char *v = db_value(sql);
	long long n = v ? atoll(v) : -1;
	free(v);
	return n;
}

/* The line of a drafted report that starts with prefix, malloc'd. */
static char *line_of(const struct resp *r, const char *prefix)
{
	const char *p = strstr(r->body, prefix);
	if (!p)
		return strdup("");
	const char *e = strchr(p, '\n');
	return strndup(p, e ? (size_t)(e - p) : strlen(p));
}

/* The coach's organization, its demo grant, a school it serves (not
 * private) and the report whose period ended yesterday. */
struct fixture {
	long long org, grant, school, report, coach;
	char gp[64], rp[96];
};

static void fixture(struct fixture *f)
{
	f->coach = num("SELECT id FROM users WHERE email = 'coach@example.org'");
	f->org = num("SELECT org_id FROM users WHERE email = 'coach@example.org'");
	char q[512];
	snprintf(q, sizeof q, "SELECT id FROM grants WHERE org_id = %lld AND stage = 'active' ORDER BY id LIMIT 1", f->org);
	f->grant = num(q);
	snprintf(q, sizeof q, "SELECT gs.school_id FROM grant_schools gs JOIN schools s ON s.id = gs.school_id"
	         " WHERE gs.grant_id = %lld AND gs.to_date IS NULL AND s.sharing = 'network' ORDER BY gs.school_id LIMIT 1",
	         f->grant);
	f->school = num(q);
	snprintf(q, sizeof q, "SELECT id FROM grant_reports WHERE grant_id = %lld AND title = 'Second progress report'",
	         f->grant);
	f->report = num(q);
	ck_assert(f->org > 0 && f->grant > 0 && f->school > 0 && f->report > 0);
	snprintf(f->gp, sizeof f->gp, "/grants/%lld", f->grant);
	snprintf(f->rp, sizeof f->rp, "/grants/%lld/reports/%lld", f->grant, f->report);
}

#define VISIT_FORM "date=%s&time=10:00&minutes=%d&mode=onsite&activity=%s&dimensions=cultural&who_teachers=4" \
                   "&notes=%s&next_steps=Plan+a+unit"

START_TEST(a_visit_corrected_within_its_window)
{
	struct fixture f;
	fixture(&f);
	struct client *co = client_new(), *st = client_new();
	ck_assert_int_eq(login(co, "coach@example.org", DEMO_PW), 303);
	ck_assert_int_eq(login(st, "staff@example.org", DEMO_PW), 303);
	char two_ago[11], long_ago[11], form[1024], q[512];
	day(-2, two_ago);
	day(-300, long_ago);                      /* the demo roster starts 200 days back */

	/* Not before the school joined the roster; not in the future. */
	snprintf(form, sizeof form, "school=%lld&" VISIT_FORM, f.school, long_ago, 60, "leadership", "Secret+note");
	struct resp *r = post_form(co, "/visits", "/visits", form);
	ck_assert_int_eq(r->status, 422);
	ck_assert(resp_has(r, "joined your grant&#39;s roster on") || resp_has(r, "joined your grant's roster on"));
	ck_assert(resp_has(r, long_ago));                          /* input kept */
	resp_free(r);

	/* Logged two days ago: the drafted report counts it. */
	r = http_get(co, f.rp);
	char *lead0 = line_of(r, "- Leadership coaching:"), *pd0 = line_of(r, "- Staff professional development:");
	resp_free(r);
	snprintf(form, sizeof form, "school=%lld&" VISIT_FORM, f.school, two_ago, 60, "leadership", "Secret+note");
	r = post_form(co, "/visits", "/visits", form);
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	snprintf(q, sizeof q, "SELECT max(id) FROM visits WHERE logged_by = %lld", f.coach);
	long long v = num(q);
	char vp[64];
	snprintf(vp, sizeof vp, "/visits/%lld", v);
	r = http_get(co, f.rp);
	char *lead1 = line_of(r, "- Leadership coaching:");
	resp_free(r);
	ck_assert_str_ne(lead0, lead1);

	/* The author corrects it: another activity, twice as long, a new note. */
	r = http_get(co, vp);
	ck_assert_int_eq(r->status, 200);
	ck_assert(resp_has(r, "Correct this visit"));
	ck_assert(resp_has(r, "value=\"60\""));                    /* the form opens with the visit */
	resp_free(r);
	snprintf(form, sizeof form, "action=save&" VISIT_FORM, two_ago, 120, "staff_pd", "Corrected+note");
	r = post_form(co, vp, vp, form);
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	snprintf(q, sizeof q, "SELECT minutes || ' ' || activity FROM visits WHERE id = %lld", v);
	char *now = db_value(q);
	ck_assert_str_eq(now, "120 staff_pd");
	free(now);
	snprintf(q, sizeof q, "SELECT group_concat(field, ',') FROM (SELECT field FROM visit_changes WHERE visit_id = %lld"
	         " ORDER BY id)", v);
	char *fields = db_value(q);
	ck_assert_str_eq(fields, "minutes,activity,notes");
	free(fields);
	/* The same correction sent again adds nothing to the history. */
	r = post_form(co, vp, vp, form);
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	snprintf(q, sizeof q, "SELECT count(*) FROM visit_changes WHERE visit_id = %lld", v);
	ck_assert_int_eq(num(q), 3);

	/* The drafted report follows the correction. */
	r = http_get(co, f.rp);
	char *lead2 = line_of(r, "- Leadership coaching:"), *pd2 = line_of(r, "- Staff professional development:");
	resp_free(r);
	ck_assert_str_eq(lead2, lead0);
	ck_assert_str_ne(pd2, pd0);

	/* Staff read the history: who, old and new — never the notes. */
	r = http_get(st, vp);
	ck_assert_int_eq(r->status, 200);
	ck_assert(resp_has(r, "activity Leadership coaching → Staff professional development"));
	ck_assert(resp_has(r, "minutes 60 → 120"));
	ck_assert(resp_has(r, "Sam Whitehorse"));
	ck_assert(resp_has(r, "changed the notes"));
	ck_assert(!resp_has(r, "Secret note") && !resp_has(r, "Corrected note"));
	ck_assert(!resp_has(r, "Correct this visit"));
	resp_free(r);
	r = http_get(st, "/visits");
	ck_assert(resp_has(r, "(corrected)"));
	resp_free(r);
	r = post_form(st, vp, vp, "action=save");
	ck_assert_int_eq(r->status, 403);                          /* staff read, never edit */
	resp_free(r);

	/* A correction to a day before the school joined is refused, nothing kept. */
	snprintf(form, sizeof form, "action=save&" VISIT_FORM, long_ago, 90, "staff_pd", "x");
	r = post_form(co, vp, vp, form);
	ck_assert_int_eq(r->status, 422);
	ck_assert(resp_has(r, "roster on"));
	resp_free(r);
	snprintf(q, sizeof q, "SELECT minutes FROM visits WHERE id = %lld", v);
	ck_assert_int_eq(num(q), 120);

	/* Another organization's coach reaches neither the visit nor its form. */
	ck_assert_int_eq(db_run("INSERT INTO organizations (name, state_code, focus) VALUES ('Other Org', 'MN',"
	                        " 'leadership coaching'); INSERT INTO users (email, name, role, org_id, active)"
	                        " VALUES ('other-coach@example.org', 'Other Coach', 'intermediary',"
	                        " (SELECT id FROM organizations WHERE name = 'Other Org'), 1)"), 0);
	struct client *other = client_signed_in(num("SELECT id FROM users WHERE email = 'other-coach@example.org'"));
	r = http_get(other, vp);
	ck_assert_int_eq(r->status, 404);
	resp_free(r);
	r = post_form(other, "/visits", vp, form);
	ck_assert_int_eq(r->status, 404);
	resp_free(r);

	/* After the window: the author reads it, and cannot change it. */
	snprintf(q, sizeof q, "UPDATE visits SET created_at = unixepoch() - 15 * 86400 WHERE id = %lld", v);
	ck_assert_int_eq(db_run(q), 0);
	r = http_get(co, vp);
	ck_assert(!resp_has(r, "Correct this visit"));
	ck_assert(resp_has(r, "can be corrected for 14 days"));
	resp_free(r);
	snprintf(form, sizeof form, "action=save&" VISIT_FORM, two_ago, 30, "staff_pd", "Late");
	r = post_form(co, "/visits", vp, form);
	ck_assert_int_eq(r->status, 409);
	ck_assert(resp_has(r, "more than 14 days ago"));
	resp_free(r);
	r = post_form(co, "/visits", vp, "action=delete&sure=1");
	ck_assert_int_eq(r->status, 409);
	resp_free(r);
	snprintf(q, sizeof q, "SELECT minutes FROM visits WHERE id = %lld", v);
	ck_assert_int_eq(num(q), 120);

	/* Deleting asks first, on a page of its own; then the history keeps it. */
	snprintf(form, sizeof form, "school=%lld&" VISIT_FORM, f.school, two_ago, 45, "redesign", "Wrong+school");
	r = post_form(co, "/visits", "/visits", form);
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	snprintf(q, sizeof q, "SELECT max(id) FROM visits WHERE logged_by = %lld", f.coach);
	long long w = num(q);
	char wp[64];
	snprintf(wp, sizeof wp, "/visits/%lld", w);
	r = post_form(co, wp, wp, "action=delete");
	ck_assert_int_eq(r->status, 200);
	ck_assert(resp_has(r, "Delete this visit?"));
	ck_assert(resp_has(r, "name=\"sure\""));
	resp_free(r);
	snprintf(q, sizeof q, "SELECT count(*) FROM visits WHERE id = %lld", w);
	ck_assert_int_eq(num(q), 1);
	r = post_form(co, wp, wp, "action=delete&sure=1");
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	ck_assert_int_eq(num(q), 0);
	r = http_get(st, wp);
	ck_assert_int_eq(r->status, 200);
	ck_assert(resp_has(r, "deleted the visit"));
	resp_free(r);
	r = http_get(st, "/visits");
	char link[80];
	snprintf(link, sizeof link, "<a href=\"%s\">", wp);
	ck_assert(resp_has(r, "Recently deleted visits") && resp_has(r, link));
	resp_free(r);
	r = http_get(other, wp);
	ck_assert_int_eq(r->status, 404);
	resp_free(r);
	/* A visit to a school whose nation keeps its data private: staff
	 * reach neither it nor its history (named, it would point at it). */
	ck_assert_int_eq(db_run("INSERT INTO visits (org_id, school_id, starts_at, local_date, minutes, mode, activity,"
	                        " logged_by) SELECT u.org_id, (SELECT min(id) FROM schools WHERE sharing = 'private'),"
	                        " unixepoch() - 86400, date('now', '-1 day'), 30, 'onsite', 'leadership', u.id"
	                        " FROM users u WHERE u.email = 'coach@example.org'"), 0);
	long long hidden = num("SELECT max(id) FROM visits");
	ck_assert_int_eq(db_run("INSERT INTO visit_changes (visit_id, org_id, school_id, action, field, old_value,"
	                        " new_value) SELECT id, org_id, school_id, 'edited', 'minutes', '20', '30' FROM visits"
	                        " WHERE id = (SELECT max(id) FROM visits)"), 0);
	char hp[64];
	snprintf(hp, sizeof hp, "/visits/%lld", hidden);
	r = http_get(st, hp);
	ck_assert_int_eq(r->status, 404);
	resp_free(r);

	free(lead0);
	free(lead1);
	free(lead2);
	free(pd0);
	free(pd2);
	client_free(other);
	client_free(co);
	client_free(st);
}
END_TEST

START_TEST(payments_recorded_reversed_and_guarded)
{
	struct fixture f;
	fixture(&f);
	struct client *st = client_new();
	ck_assert_int_eq(login(st, "staff@example.org", DEMO_PW), 303);
	char q[512], form[512], pp[96], future[11], paid[11];
	day(3, future);
	day(-3, paid);
	snprintf(q, sizeof q, "SELECT min(id) FROM grant_payments WHERE grant_id = %lld AND status = 'scheduled'", f.grant);
	long long p = num(q);
	snprintf(pp, sizeof pp, "%s/payments/%lld", f.gp, p);

	/* Paid on the day it was, with a reference; not a day still to come. */
	snprintf(form, sizeof form, "action=paid&paid_on=%s&paid_ref=ACH-7", future);
	struct resp *r = post_form(st, pp, pp, form);
	ck_assert_int_eq(r->status, 422);
	ck_assert(resp_has(r, "still to come"));
	resp_free(r);
	snprintf(form, sizeof form, "action=paid&paid_on=%s&paid_ref=", paid);
	r = post_form(st, pp, pp, form);
	ck_assert_int_eq(r->status, 422);
	ck_assert(resp_has(r, "reference"));
	resp_free(r);
	snprintf(form, sizeof form, "action=paid&paid_on=%s&paid_ref=ACH-7", paid);
	r = post_form(st, pp, pp, form);
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	snprintf(q, sizeof q, "SELECT status || ' ' || paid_on || ' ' || paid_ref FROM grant_payments WHERE id = %lld", p);
	char *v = db_value(q);
	char want[64];
	snprintf(want, sizeof want, "paid %s ACH-7", paid);
	ck_assert_str_eq(v, want);
	free(v);

	/* Reversed: a reason, a page that says what happens, then the history. */
	r = post_form(st, pp, pp, "action=reverse&reverse_reason=");
	ck_assert_int_eq(r->status, 422);
	resp_free(r);
	r = post_form(st, pp, pp, "action=reverse&reverse_reason=Bank+returned+it");
	ck_assert_int_eq(r->status, 200);
	ck_assert(resp_has(r, "Reverse this payment?"));
	ck_assert(resp_has(r, "Bank returned it"));
	resp_free(r);
	snprintf(q, sizeof q, "SELECT status FROM grant_payments WHERE id = %lld", p);
	v = db_value(q);
	ck_assert_str_eq(v, "paid");
	free(v);
	r = post_form(st, pp, pp, "action=reverse&reverse_reason=Bank+returned+it&sure=1");
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	v = db_value(q);
	ck_assert_str_eq(v, "scheduled");
	free(v);
	snprintf(q, sizeof q, "SELECT detail FROM grant_events WHERE grant_id = %lld AND action = 'payment reversed'", f.grant);
	v = db_value(q);
	ck_assert(v && strstr(v, "Bank returned it") && strstr(v, "ACH-7"));
	free(v);

	/* The award is still guarded: the form refuses more than the balance,
	 * and so does the database, to a cent. */
	snprintf(q, sizeof q, "SELECT amount_cents - (SELECT sum(amount_cents) FROM grant_payments WHERE grant_id = g.id)"
	         " FROM grants g WHERE id = %lld", f.grant);
	long long left = num(q);
	ck_assert(left > 0);
	char inside[11];
	day(20, inside);
	snprintf(form, sizeof form, "action=payment&pay_due=%s&pay_amount=%lld.%02lld", inside, (left + 1) / 100, (left + 1) % 100);
	r = post_form(st, f.gp, f.gp, form);
	ck_assert_int_eq(r->status, 422);
	ck_assert(resp_has(r, "more than the unscheduled balance"));
	resp_free(r);
	snprintf(q, sizeof q, "INSERT INTO grant_payments (grant_id, due_date, amount_cents) VALUES (%lld, '%s', %lld)",
	         f.grant, inside, left + 1);
	ck_assert_int_ne(db_run(q), 0);
	snprintf(q, sizeof q, "UPDATE grant_payments SET amount_cents = amount_cents + %lld WHERE id = %lld", left + 1, p);
	ck_assert_int_ne(db_run(q), 0);

	/* No edit pushes the schedule over the award. */
	snprintf(q, sizeof q, "SELECT amount_cents FROM grant_payments WHERE id = %lld", p);
	long long amt = num(q);
	snprintf(q, sizeof q, "SELECT due_date FROM grant_payments WHERE id = %lld", p);
	char *due = db_value(q);
	snprintf(form, sizeof form, "action=edit&due=%s&amount=%lld.%02lld&note=&override=", due, (amt + left + 1) / 100,
	         (amt + left + 1) % 100);
	r = post_form(st, pp, pp, form);
	ck_assert_int_eq(r->status, 422);
	ck_assert(resp_has(r, "more than the award allows"));
	resp_free(r);
	snprintf(q, sizeof q, "SELECT amount_cents FROM grant_payments WHERE id = %lld", p);
	ck_assert_int_eq(num(q), amt);
	snprintf(form, sizeof form, "action=edit&due=%s&amount=%lld.%02lld&note=&override=", due, (amt + left) / 100,
	         (amt + left) % 100);
	r = post_form(st, pp, pp, form);
	ck_assert_int_eq(r->status, 303);                          /* exactly the award: allowed */
	resp_free(r);
	ck_assert_int_eq(num(q), amt + left);
	free(due);

	/* Due dates within the grant's period, or a reason for one outside. */
	snprintf(form, sizeof form, "action=edit&due=2099-01-01&amount=%lld.%02lld&note=&override=", (amt + left) / 100,
	         (amt + left) % 100);
	r = post_form(st, pp, pp, form);
	ck_assert_int_eq(r->status, 422);
	ck_assert(resp_has(r, "within the grant"));
	resp_free(r);
	snprintf(form, sizeof form, "action=edit&due=2099-01-01&amount=%lld.%02lld&note=&override=Held+until+the+audit",
	         (amt + left) / 100, (amt + left) % 100);
	r = post_form(st, pp, pp, form);
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	snprintf(form, sizeof form, "action=edit&due=%s&amount=%lld.%02lld&note=&override=", inside, (amt + left) / 100,
	         (amt + left) % 100);
	r = post_form(st, pp, pp, form);
	ck_assert_int_eq(r->status, 303);                          /* rescheduled back inside */
	resp_free(r);
	snprintf(q, sizeof q, "SELECT due_date || '|' || due_override FROM grant_payments WHERE id = %lld", p);
	v = db_value(q);
	snprintf(want, sizeof want, "%s|", inside);
	ck_assert_str_eq(v, want);
	free(v);
	snprintf(q, sizeof q, "SELECT count(*) FROM grant_events WHERE grant_id = %lld AND action = 'payment rescheduled'",
	         f.grant);
	ck_assert_int_eq(num(q), 2);

	/* Cancelled after a page that says so; the history keeps it. */
	r = post_form(st, pp, pp, "action=cancel&cancel_reason=Replaced");
	ck_assert_int_eq(r->status, 200);
	ck_assert(resp_has(r, "Cancel this payment?"));
	char *key = field_of(r, "_key");
	ck_assert_ptr_nonnull(key);
	resp_free(r);
	/* Confirmed twice (a retry after a lost reply): cancelled once, and the
	 * second answer is the first's. */
	snprintf(form, sizeof form, "action=cancel&cancel_reason=Replaced&sure=1&_key=%s", key);
	for (int i = 0; i < 2; i++) {
		r = post_form(st, f.gp, pp, form);
		ck_assert_int_eq(r->status, 303);
		char *loc = resp_header(r, "Location");
		ck_assert(loc && strstr(loc, f.gp));
		free(loc);
		resp_free(r);
	}
	free(key);
	snprintf(q, sizeof q, "SELECT count(*) FROM grant_payments WHERE id = %lld", p);
	ck_assert_int_eq(num(q), 0);
	snprintf(q, sizeof q, "SELECT count(*) FROM grant_events WHERE grant_id = %lld AND action = 'payment cancelled'"
	         " AND detail LIKE '%%Replaced'", f.grant);
	ck_assert_int_eq(num(q), 1);
	r = http_get(st, pp);
	ck_assert_int_eq(r->status, 404);
	resp_free(r);
	client_free(st);
}
END_TEST

START_TEST(grants_and_organizations_change_with_history)
{
	struct fixture f;
	fixture(&f);
	struct client *st = client_new(), *co = client_new();
	ck_assert_int_eq(login(st, "staff@example.org", DEMO_PW), 303);
	ck_assert_int_eq(login(co, "coach@example.org", DEMO_PW), 303);
	char q[1024], form[1024], gp[64];

	/* A stage change is confirmed on a page of its own that says what it does. */
	long long prop = num("SELECT id FROM grants WHERE stage = 'proposed' ORDER BY id LIMIT 1");
	snprintf(gp, sizeof gp, "/grants/%lld", prop);
	struct resp *r = post_form(st, gp, gp, "action=stage&stage=awarded");
	ck_assert_int_eq(r->status, 200);
	ck_assert(resp_has(r, "Move this grant to Awarded?"));
	ck_assert(resp_has(r, "payments can be scheduled"));
	ck_assert(resp_has(r, "name=\"sure\" value=\"1\""));
	resp_free(r);
	snprintf(q, sizeof q, "SELECT stage FROM grants WHERE id = %lld", prop);
	char *v = db_value(q);
	ck_assert_str_eq(v, "proposed");
	free(v);
	r = post_form(st, gp, gp, "action=stage&stage=active&sure=1");   /* confirmed or not, no skipping */
	ck_assert_int_eq(r->status, 422);
	resp_free(r);
	/* The portfolio shows the proposal apart from the money awarded. */
	r = http_get(st, "/portfolio?stage=proposed");
	ck_assert(resp_has(r, "<th scope=\"row\">Proposed</th><td class=\"num\">1</td><td class=\"num\">$0.00</td>"
	                      "<td class=\"num\">$80,000.00</td>"));
	resp_free(r);
	r = post_form(st, gp, gp, "action=stage&stage=awarded&sure=1");
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	v = db_value(q);
	ck_assert_str_eq(v, "awarded");
	free(v);

	/* A closed grant has nothing "not yet scheduled". */
	long long closed = num("SELECT id FROM grants WHERE stage = 'closed' ORDER BY id LIMIT 1");
	snprintf(gp, sizeof gp, "/grants/%lld", closed);
	r = http_get(st, gp);
	ck_assert(!resp_has(r, "not yet scheduled"));
	resp_free(r);

	/* Terms: never below what is scheduled; changes in the history. */
	snprintf(q, sizeof q, "SELECT start_date || '|' || end_date || '|' || title FROM grants WHERE id = %lld", f.grant);
	char *terms = db_value(q);
	char *start = strtok(terms, "|"), *end = strtok(NULL, "|"), *title = strtok(NULL, "|");
	char *t_enc = strdup(title);
	for (char *c = t_enc; *c; c++)
		if (*c == ' ')
			*c = '+';
	char later[32];
	snprintf(later, sizeof later, "%.4d%.6s", atoi(end) % 10000 + 1, end + 4);
	snprintf(form, sizeof form, "action=terms&title=%s&amount=1.00&start=%s&end=%s&activities=leadership&purpose=P",
	         t_enc, start, later);
	r = post_form(st, f.gp, f.gp, form);
	ck_assert_int_eq(r->status, 422);
	ck_assert(resp_has(r, "cannot be less than the payments already scheduled"));
	resp_free(r);
	snprintf(q, sizeof q, "SELECT amount_cents FROM grants WHERE id = %lld", f.grant);
	long long amount = num(q);
	snprintf(form, sizeof form, "action=terms&title=%s&amount=%lld.%02lld&start=%s&end=%s&activities=leadership"
	         "&purpose=Sharper+purpose", t_enc, (amount + 500000) / 100, (amount + 500000) % 100, start, later);
	r = post_form(st, f.gp, f.gp, form);
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	snprintf(q, sizeof q, "SELECT detail FROM grant_events WHERE grant_id = %lld AND action = 'terms changed'", f.grant);
	v = db_value(q);
	ck_assert(v && strstr(v, "award ") && strstr(v, later) && strstr(v, "purpose changed"));
	free(v);
	free(t_enc);
	free(terms);

	/* A roster entry ends on the day chosen, not only today. */
	snprintf(q, sizeof q, "SELECT id FROM grant_schools WHERE grant_id = %lld AND to_date IS NULL ORDER BY id DESC LIMIT 1",
	         f.grant);
	long long rid = num(q);
	snprintf(form, sizeof form, "action=leave&roster=%lld&leave_on=1999-01-01", rid);
	r = post_form(st, f.gp, f.gp, form);
	ck_assert_int_eq(r->status, 422);
	ck_assert(resp_has(r, "Choose a last day from the day the school joined"));
	resp_free(r);
	char last[11];
	day(-5, last);
	snprintf(form, sizeof form, "action=leave&roster=%lld&leave_on=%s", rid, last);
	r = post_form(st, f.gp, f.gp, form);
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	snprintf(q, sizeof q, "SELECT to_date FROM grant_schools WHERE id = %lld", rid);
	v = db_value(q);
	ck_assert_str_eq(v, last);
	free(v);

	/* A 70,000-character report is refused with a message, kept in the
	 * form, and not saved; the form says its limit. */
	r = http_get(co, f.rp);
	ck_assert(resp_has(r, "maxlength=\"20000\""));
	ck_assert(resp_has(r, "Up to 20,000 characters."));
	resp_free(r);
	size_t big = 70000;
	char *body = malloc(big + 64);
	strcpy(body, "action=save&body=");
	memset(body + strlen(body), 'w', big);
	body[17 + big] = '\0';
	r = post_form(co, f.rp, f.rp, body);
	ck_assert_int_eq(r->status, 422);
	ck_assert(resp_has(r, "Shorten the report to 20,000 characters: it has 70,000."));
	ck_assert(r->body_len > big);                               /* what was typed is still there */
	resp_free(r);
	free(body);
	snprintf(q, sizeof q, "SELECT length(body) FROM grant_reports WHERE id = %lld", f.report);
	ck_assert_int_eq(num(q), 0);
	/* A saved draft is said so, in the grant's list and the portfolio. */
	r = post_form(co, f.rp, f.rp, "action=save&body=A+first+draft.");
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	r = http_get(st, f.gp);
	ck_assert(resp_has(r, "Draft saved"));
	resp_free(r);

	/* An organization is corrected, and deactivated after a page of its own. */
	char op[64];
	snprintf(op, sizeof op, "/admin/orgs/%lld", f.org);
	r = post_form(st, op, op, "action=save&name=Prairie+Learning+Collaborative+Inc.&city=Fargo&state=ND"
	                          "&focus=leadership+coaching");
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	r = post_form(st, op, op, "action=save&name=&city=Fargo&state=ND&focus=leadership+coaching");
	ck_assert_int_eq(r->status, 422);
	ck_assert(resp_has(r, "value=\"Fargo\""));
	resp_free(r);
	r = post_form(st, op, op, "action=deactivate");
	ck_assert_int_eq(r->status, 200);
	ck_assert(resp_has(r, "Deactivate Prairie Learning Collaborative Inc.?"));
	resp_free(r);
	snprintf(q, sizeof q, "SELECT active FROM organizations WHERE id = %lld", f.org);
	ck_assert_int_eq(num(q), 1);
	r = post_form(st, op, op, "action=deactivate&sure=1");
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	ck_assert_int_eq(num(q), 0);
	/* It gets no new grants. */
	snprintf(form, sizeof form, "org=%lld&title=After+the+end&amount=100&start=2026-01-01&end=2026-12-31"
	         "&activities=leadership", f.org);
	r = post_form(st, "/grants", "/grants", form);
	ck_assert_int_eq(r->status, 422);
	ck_assert(resp_has(r, "Choose the organization the grant goes to."));
	resp_free(r);
	r = post_form(co, "/visits", op, "action=activate");
	ck_assert_int_eq(r->status, 403);                          /* staff only */
	resp_free(r);
	client_free(st);
	client_free(co);
}
END_TEST

void add_records_cases(Suite *s);
void add_records_cases(Suite *s)
{
	TCase *t = tcase_create("records");
	tcase_add_unchecked_fixture(t, stack_up, stack_down);
	tcase_set_timeout(t, 120);
	tcase_add_test(t, a_visit_corrected_within_its_window);
	tcase_add_test(t, payments_recorded_reversed_and_guarded);
	tcase_add_test(t, grants_and_organizations_change_with_history);
	suite_add_tcase(s, t);
}
