/* test_grant.c — stage transitions, report decisions, the drafted report. */
#include "unit.h"
#include "db.h"
#include "grant.h"

#include <stdio.h>
#include <string.h>

START_TEST(stage_transitions)
{
	const char *stages[] = { "proposed", "awarded", "active", "closed", "declined", "withdrawn" };
	const char *allowed[] = { "proposed>awarded", "proposed>declined", "proposed>withdrawn",
	                          "awarded>active", "awarded>withdrawn", "active>closed", "active>withdrawn", NULL };
	for (int i = 0; i < 6; i++)
		for (int j = 0; j < 6; j++) {
			char pair[40];
			snprintf(pair, sizeof pair, "%s>%s", stages[i], stages[j]);
			int want = 0;
			for (int k = 0; allowed[k]; k++)
				want |= !strcmp(allowed[k], pair);
			ck_assert_msg(grant_transition_ok(stages[i], stages[j]) == want, "%s", pair);
		}
	ck_assert(!grant_transition_ok("proposed", "bogus"));
	ck_assert(!grant_transition_ok(NULL, "active"));
}
END_TEST

START_TEST(report_decisions)
{
	ck_assert(grant_report_transition_ok("due", "submitted", 0));
	ck_assert(grant_report_transition_ok("returned", "submitted", 0));
	ck_assert(!grant_report_transition_ok("submitted", "approved", 0));     /* grantees don't approve */
	ck_assert(!grant_report_transition_ok("approved", "submitted", 0));     /* approved is final */
	ck_assert(grant_report_transition_ok("submitted", "approved", 1));
	ck_assert(grant_report_transition_ok("submitted", "returned", 1));
	ck_assert(!grant_report_transition_ok("due", "approved", 1));
	ck_assert(!grant_report_transition_ok("approved", "returned", 1));
}
END_TEST

static void draft(struct req *r)
{
	db_exec(r, "INSERT INTO organizations (id, name) VALUES (1, 'Prairie Coaching')", "");
	const char *ins = "INSERT INTO schools (id, name, state_code, city, tz, type, grade_low, grade_high,"
	                  " enrollment) VALUES (?, ?, ?, ?, ?, 'small_rural', 0, 12, 100)";
	db_exec(r, ins, "itttt", 1, "Butte School", "SD", "Rapid City", "America/Denver");
	db_exec(r, ins, "itttt", 2, "Lake School", "MN", "Ely", "America/Chicago");
	db_exec(r, ins, "itttt", 3, "Quiet School", "MN", "Tower", "America/Chicago");
	db_exec(r, ins, "itttt", 4, "Former School", "MN", "Orr", "America/Chicago");
	db_exec(r, "INSERT INTO grants (id, org_id, title, amount_cents, start_date, end_date)"
	           " VALUES (1, 1, 'Coaching', 5000000, '2026-01-01', '2026-12-31')", "");
	db_exec(r, "INSERT INTO grant_schools (grant_id, school_id, from_date, to_date) VALUES"
	           " (1, 1, '2026-01-01', NULL), (1, 2, '2026-01-01', NULL), (1, 3, '2026-02-01', NULL),"
	           " (1, 4, '2026-01-01', '2026-01-31')", "");
	const char *v = "INSERT INTO visits (org_id, school_id, starts_at, local_date, minutes, mode, activity,"
	                " dimensions) VALUES (1, ?, 0, ?, ?, 'onsite', ?, ?)";
	db_exec(r, v, "ititt", 1, "2026-03-31", 90, "leadership", "cultural\ncareer");
	db_exec(r, v, "ititt", 1, "2026-03-02", 60, "staff_pd", "instructional");
	db_exec(r, v, "ititt", 2, "2026-03-15", 120, "leadership", "cultural");
	db_exec(r, v, "ititt", 2, "2026-04-01", 600, "redesign", "cultural");   /* after the period */
	db_exec(r, ins, "itttt", 5, "Hidden Tribal School", "SD", "Kyle", "America/Denver");
	db_exec(r, "UPDATE schools SET nation_id = 21 WHERE id = 5", "");      /* private from now on */
	db_exec(r, "INSERT INTO grant_schools (grant_id, school_id, from_date) VALUES (1, 5, '2026-01-01')", "");
	db_exec(r, v, "ititt", 5, "2026-03-10", 45, "engagement", "cultural");
	char *text = grant_report_draft(r, 1, "2026-03-01", "2026-03-31");
	ck_assert(!strstr(text, "Hidden Tribal School"));
	/* A private school is neither named nor counted, nor hinted at. */
	ck_assert(!strstr(text, "private"));
	ck_assert(!strstr(text, "Engagement"));
	ck_assert(!strstr(text, "0.8 hours"));
	/* A visit outside a school's time on the roster does not count. */
	db_exec(r, v, "ititt", 4, "2026-03-05", 60, "redesign", "career");
	ck_assert_msg(strstr(text, "- Butte School (Rapid City, SD): 2 visits, 2.5 hours"), "%s", text);
	ck_assert(strstr(text, "- Lake School (Ely, MN): 1 visit, 2.0 hours"));
	ck_assert(strstr(text, "- Leadership coaching: 2 visits, 3.5 hours"));
	ck_assert(strstr(text, "- School redesign and planning: 0 visits, 0.0 hours"));
	ck_assert(strstr(text, "- Cultural relevance: 2 visits"));
	ck_assert(strstr(text, "- Career relevance: 1 visit\n"));
	ck_assert(strstr(text, "SCHOOLS NOT VISITED IN THE PERIOD (1 of 3)\n- Quiet School (Tower, MN)"));
	text = grant_report_draft(r, 1, "2026-03-01", "2026-03-31");
	ck_assert(strstr(text, "- School redesign and planning: 0 visits, 0.0 hours"));   /* Former School left in Jan */
	/* Five private schools: still neither named nor counted (the
	 * foundation may not see them, and reports are kept by period). */
	for (int k = 6; k <= 9; k++) {
		db_exec(r, ins, "itttt", k, arena_printf(&r->arena, "Hidden %d", k), "SD", "Kyle", "America/Denver");
		db_exec(r, "UPDATE schools SET nation_id = 21 WHERE id = ?", "i", k);
		db_exec(r, "INSERT INTO grant_schools (grant_id, school_id, from_date) VALUES (1, ?, '2026-01-01')", "i", k);
	}
	text = grant_report_draft(r, 1, "2026-03-01", "2026-03-31");
	ck_assert_msg(!strstr(text, "private"), "%s", text);
	ck_assert(!strstr(text, "Hidden"));
	ck_assert(strstr(text, "- Cultural relevance: 2 visits"));
	ck_assert(!strstr(text, "Former School"));          /* left the roster before the period */
}

START_TEST(report_drafted_from_visits)
{
	struct req *r = test_req_new();
	int rc = test_run(r, draft);
	ck_assert_msg(rc == 0, "%s", r->fail_msg);
	test_req_free(r);
}
END_TEST

static void award_guard(struct req *r)
{
	db_exec(r, "INSERT INTO organizations (id, name) VALUES (1, 'O')", "");
	db_exec(r, "INSERT INTO grants (id, org_id, title, amount_cents, start_date, end_date)"
	           " VALUES (1, 1, 'G', 100000, '2026-01-01', '2026-12-31')", "");
	ck_assert_int_eq(db_try(r, "INSERT INTO grant_payments (grant_id, due_date, amount_cents)"
	                           " VALUES (1, '2026-02-01', 60000)", ""), SQLITE_DONE);
	ck_assert_int_ne(db_try(r, "INSERT INTO grant_payments (grant_id, due_date, amount_cents)"
	                           " VALUES (1, '2026-03-01', 40001)", ""), SQLITE_DONE);
	ck_assert_int_eq(db_try(r, "INSERT INTO grant_payments (grant_id, due_date, amount_cents)"
	                           " VALUES (1, '2026-03-01', 40000)", ""), SQLITE_DONE);
	ck_assert_int_ne(db_try(r, "UPDATE grants SET amount_cents = 99999 WHERE id = 1", ""), SQLITE_DONE);
}

START_TEST(payments_never_exceed_the_award)
{
	struct req *r = test_req_new();
	ck_assert_int_eq(test_run(r, award_guard), 0);
	test_req_free(r);
}
END_TEST

START_TEST(record_rules)
{
	/* A visit is the author's to correct for VISIT_EDIT_DAYS days. */
	long long t0 = 1760000000;
	ck_assert(visit_editable(t0, t0));
	ck_assert(visit_editable(t0, t0 + VISIT_EDIT_DAYS * 86400LL - 1));
	ck_assert(!visit_editable(t0, t0 + VISIT_EDIT_DAYS * 86400LL));
	ck_assert(!visit_editable(t0, t0 - 1));                  /* a clock gone back: not editable */
	/* A visit's date lies within the school's time on the roster. */
	ck_assert(grant_roster_covers("2026-02-01", NULL, "2026-02-01"));
	ck_assert(grant_roster_covers("2026-02-01", "", "2026-09-30"));
	ck_assert(!grant_roster_covers("2026-02-01", NULL, "2026-01-31"));   /* before it joined */
	ck_assert(grant_roster_covers("2026-02-01", "2026-03-31", "2026-03-31"));
	ck_assert(!grant_roster_covers("2026-02-01", "2026-03-31", "2026-04-01"));   /* after it left */
	ck_assert(!grant_roster_covers("2026-02-01", NULL, "1999-13-01"));
	/* Payments fall due within the grant's period; paid no later than today. */
	ck_assert(grant_due_in_period("2026-01-01", "2026-01-01", "2026-12-31"));
	ck_assert(grant_due_in_period("2026-12-31", "2026-01-01", "2026-12-31"));
	ck_assert(!grant_due_in_period("2025-12-31", "2026-01-01", "2026-12-31"));
	ck_assert(!grant_due_in_period("2027-01-01", "2026-01-01", "2026-12-31"));
	ck_assert(!grant_due_in_period("2026-02-30", "2026-01-01", "2026-12-31"));
	ck_assert(grant_paid_on_ok("2026-05-04", "2026-05-04"));
	ck_assert(grant_paid_on_ok("2026-04-27", "2026-05-04"));
	ck_assert(!grant_paid_on_ok("2026-05-05", "2026-05-04"));
	ck_assert(!grant_paid_on_ok("yesterday", "2026-05-04"));
	/* Only an awarded or active grant has money left to schedule. */
	ck_assert_int_eq(grant_unscheduled("active", 100000, 60000), 40000);
	ck_assert_int_eq(grant_unscheduled("awarded", 100000, 0), 100000);
	ck_assert_int_eq(grant_unscheduled("closed", 100000, 60000), 0);
	ck_assert_int_eq(grant_unscheduled("proposed", 100000, 0), 0);
	ck_assert_int_eq(grant_unscheduled("withdrawn", 100000, 10), 0);
	/* Reports: due only within the window, a draft said so. */
	const char *end = "2026-06-30", *due = "2026-07-31";
	ck_assert_str_eq(grant_report_label("due", 0, end, due, "2026-06-29"), "Not yet due");
	ck_assert_str_eq(grant_report_label("due", 0, end, due, "2026-06-30"), "Due");
	ck_assert_str_eq(grant_report_label("due", 0, end, due, "2026-07-31"), "Due");
	ck_assert_str_eq(grant_report_label("due", 0, end, due, "2026-08-01"), "Overdue");
	ck_assert_str_eq(grant_report_label("due", 1, end, due, "2026-07-01"), "Draft saved");
	ck_assert_str_eq(grant_report_label("due", 1, end, due, "2026-08-01"), "Draft saved — overdue");
	ck_assert_str_eq(grant_report_label("returned", 1, end, due, "2026-07-01"), "Returned with comments");
	ck_assert_str_eq(grant_report_label("submitted", 1, end, due, "2026-09-01"), "Submitted");
	ck_assert_str_eq(grant_report_label("approved", 1, end, due, "2026-09-01"), "Approved");
	/* A period ending long before its due date: due from the period's end. */
	ck_assert_str_eq(grant_report_label("due", 0, "2026-01-31", "2026-12-31", "2026-01-30"), "Not yet due");
	ck_assert_str_eq(grant_report_label("due", 0, "2026-01-31", "2026-12-31", "2026-02-01"), "Due");
	/* Due soon, the period not over yet: the window opens 30 days before the due date. */
	ck_assert_str_eq(grant_report_label("due", 0, "2026-12-31", "2027-01-15", "2026-12-16"), "Due");
	ck_assert(!grant_report_open("2026-12-31", "2027-06-30", "2026-12-30"));
}
END_TEST

Suite *grant_suite(void)
{
	Suite *s = suite_create("grant");
	TCase *t = tcase_create("grant");
	tcase_add_test(t, stage_transitions);
	tcase_add_test(t, report_decisions);
	tcase_add_test(t, report_drafted_from_visits);
	tcase_add_test(t, payments_never_exceed_the_award);
	tcase_add_test(t, record_rules);
	suite_add_tcase(s, t);
	return s;
}
