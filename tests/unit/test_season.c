/* test_season.c — the scan season's schedule: dates, the reminder days
 * staff type, which reminder is due at a given time (each once, none after
 * the deadline, never two at once), and the clock over a database: a
 * scheduled reminder goes once, only to leaders with a school not yet
 * submitted. */
#include "unit.h"
#include "db.h"
#include "season.h"

#include <string.h>

START_TEST(dates)
{
	ck_assert_int_eq(season_date("2026-05-15"), 1778803200LL);
	ck_assert_int_eq(season_date("2024-02-29") > 0, 1);
	ck_assert_int_eq(season_date("2026-02-30"), -1);
	ck_assert_int_eq(season_date("2026-13-01"), -1);
	ck_assert_int_eq(season_date("2026-5-15"), -1);
	ck_assert_int_eq(season_date("2026-05-15x"), -1);
	ck_assert_int_eq(season_date(""), -1);
	ck_assert_int_eq(season_date(NULL), -1);
	ck_assert_int_eq(season_date("1999-12-31"), -1);
}
END_TEST

START_TEST(schedule_as_typed)
{
	int d[SEASON_MAX_REMINDERS];
	const char *why = NULL;
	ck_assert_int_eq(season_days_parse("14, 3", d, SEASON_MAX_REMINDERS, &why), 2);
	ck_assert_int_eq(d[0], 14);
	ck_assert_int_eq(d[1], 3);
	ck_assert_int_eq(season_days_parse("3,14 0", d, SEASON_MAX_REMINDERS, &why), 3);
	ck_assert(d[0] == 14 && d[1] == 3 && d[2] == 0);
	ck_assert_int_eq(season_days_parse("", d, SEASON_MAX_REMINDERS, &why), 0);
	ck_assert_int_eq(season_days_parse(NULL, d, SEASON_MAX_REMINDERS, &why), 0);
	ck_assert_int_eq(season_days_parse(" , ", d, SEASON_MAX_REMINDERS, &why), 0);
	why = NULL;
	ck_assert_int_eq(season_days_parse("14, 14", d, SEASON_MAX_REMINDERS, &why), -1);
	ck_assert_ptr_nonnull(why);
	ck_assert_int_eq(season_days_parse("14, x", d, SEASON_MAX_REMINDERS, &why), -1);
	ck_assert_int_eq(season_days_parse("-3", d, SEASON_MAX_REMINDERS, &why), -1);
	ck_assert_int_eq(season_days_parse("121", d, SEASON_MAX_REMINDERS, &why), -1);
	ck_assert_int_eq(season_days_parse("99999999999999999999", d, SEASON_MAX_REMINDERS, &why), -1);
	ck_assert_int_eq(season_days_parse("120", d, SEASON_MAX_REMINDERS, &why), 1);
	ck_assert_int_eq(season_days_parse("1,2,3,4,5,6,7", d, SEASON_MAX_REMINDERS, &why), -1);
	struct req *r = test_req_new();
	ck_assert_int_eq(season_days_parse("3, 14, 7", d, SEASON_MAX_REMINDERS, &why), 3);
	ck_assert_str_eq(season_days_text(r, d, 3), "14,7,3");
	ck_assert_str_eq(season_days_text(r, d, 0), "");
	ck_assert_str_eq(season_date_label(r, "2026-05-15"), "Friday 15 May 2026");
	ck_assert_str_eq(season_days_left(r, "2026-05-15", season_date("2026-05-12") + 3600), "3 days left");
	ck_assert_str_eq(season_days_left(r, "2026-05-15", season_date("2026-05-15") + 80000), "due today");
	ck_assert_str_eq(season_days_left(r, "2026-05-15", season_date("2026-05-17")), "passed 2 days ago");
	test_req_free(r);
}
END_TEST

/* Which reminder is due at a given time. */
START_TEST(which_reminder_is_due)
{
	int d[] = { 14, 3 };
	int none[2] = { 0, 0 }, first[2] = { 1, 0 }, both[2] = { 1, 1 };
	long long dl = season_date("2026-05-15");
	long long at14 = season_reminder_at(dl, 14), at3 = season_reminder_at(dl, 3);
	ck_assert_int_eq(at14, dl - 14 * 86400 + SEASON_REMIND_HOUR * 3600);
	ck_assert_int_eq(season_reminder_due(d, 2, dl, at14 - 1, none), -1);
	ck_assert_int_eq(season_reminder_due(d, 2, dl, at14, none), 0);
	ck_assert_int_eq(season_reminder_due(d, 2, dl, at14 + 86400, first), -1);   /* sent: not again */
	ck_assert_int_eq(season_reminder_due(d, 2, dl, at3, first), 1);
	ck_assert_int_eq(season_reminder_due(d, 2, dl, at3 + 3600, both), -1);
	/* The clock was stopped through the first: only the later one goes. */
	ck_assert_int_eq(season_reminder_due(d, 2, dl, at3 + 60, none), 1);
	/* Past the deadline's end nothing goes, even what never went. */
	ck_assert_int_eq(season_reminder_due(d, 2, dl, season_deadline_end(dl), first), -1);
	ck_assert_int_eq(season_reminder_due(d, 2, dl, season_deadline_end(dl) - 1, first), 1);
	/* No deadline, no schedule. */
	ck_assert_int_eq(season_reminder_due(d, 2, -1, at3, none), -1);
	ck_assert_int_eq(season_reminder_due(d, 0, dl, at3, none), -1);
	/* The day itself (0 days before). */
	int z[] = { 0 }, zd[1] = { 0 };
	ck_assert_int_eq(season_reminder_due(z, 1, dl, dl + SEASON_REMIND_HOUR * 3600, zd), 0);
}
END_TEST

/* A clock ticking every ten minutes through a season sends each reminder
 * once, in order, on its day. */
START_TEST(each_once_over_a_season)
{
	int d[] = { 14, 7, 3 };
	int done[3] = { 0, 0, 0 }, sent = 0, order[3];
	long long dl = season_date("2026-05-15");
	for (long long now = dl - 30 * 86400; now < dl + 5 * 86400; now += 600) {
		int i = season_reminder_due(d, 3, dl, now, done);
		if (i < 0)
			continue;
		ck_assert_int_lt(sent, 3);
		ck_assert_int_eq(now - season_reminder_at(dl, d[i]) < 600, 1);     /* on time */
		order[sent++] = i;
		done[i] = 1;
	}
	ck_assert_int_eq(sent, 3);
	ck_assert(order[0] == 0 && order[1] == 1 && order[2] == 2);
}
END_TEST

static void season_db(struct req *r)
{
	db_exec(r, "INSERT INTO instruments (id, version, title, definition) VALUES (1, 't', 'T', '{}')", "");
	db_exec(r, "INSERT INTO scan_cycles (id, year, instrument_id, status, deadline, reminder_days)"
	           " VALUES (1, 2026, 1, 'open', '2026-05-15', '14,3')", "");
	for (int i = 1; i <= 3; i++)
		db_exec(r, "INSERT INTO schools (id, name, state_code, city, tz, type, grade_low, grade_high, enrollment)"
		           " VALUES (?, ?, 'MN', 'Ely', 'America/Chicago', 'small_rural', 0, 12, 100)", "it", i,
		        i == 1 ? "One" : i == 2 ? "Two" : "Three");
	db_exec(r, "INSERT INTO users (id, email, name, role, pw_hash) VALUES (1, 'a@example.org', 'A', 'leader', 'x'),"
	           " (2, 'b@example.org', 'B', 'leader', 'x'), (3, 'c@example.org', 'C', 'leader', NULL)", "");
	db_exec(r, "INSERT INTO user_schools (user_id, school_id) VALUES (1, 1), (2, 2), (3, 3)", "");
	/* B's school is submitted; C never signed in. */
	db_exec(r, "INSERT INTO responses (cycle_id, school_id, status) VALUES (1, 2, 'submitted')", "");
	long long dl = season_date("2026-05-15");
	long long now = season_reminder_at(dl, 14) + 60;
	ck_assert_int_eq(season_due(r, now), 1);
	db_begin(r);
	ck_assert_int_eq(season_clock(r, now), 1);          /* A alone */
	db_commit(r);
	ck_assert_int_eq(db_int(r, 0, "SELECT count(*) FROM outbox WHERE to_addr = 'a@example.org'", ""), 1);
	ck_assert_int_eq(db_int(r, 0, "SELECT count(*) FROM outbox WHERE to_addr <> 'a@example.org'", ""), 0);
	/* The next tick: nothing due, nothing sent. */
	ck_assert_int_eq(season_due(r, now + 60), 0);
	db_begin(r);
	ck_assert_int_eq(season_clock(r, now + 60), 0);
	db_commit(r);
	/* Reminded by hand the day before the 3-day reminder: that one still
	 * goes as a round, but to no one reminded within the gap. */
	long long at3 = season_reminder_at(dl, 3);
	db_exec(r, "UPDATE scan_mailings SET at = ?", "I", at3 - 3600);
	db_begin(r);
	ck_assert_int_eq(season_clock(r, at3), 0);
	db_commit(r);
	ck_assert_int_eq(db_int(r, 0, "SELECT count(*) FROM scan_reminder_rounds WHERE days_before = 3", ""), 1);
	ck_assert_int_eq(season_due(r, at3 + 60), 0);
	ck_assert_int_eq(db_int(r, 0, "SELECT count(*) FROM outbox", ""), 1);
	/* A moved deadline schedules its reminders anew. */
	db_exec(r, "UPDATE scan_cycles SET deadline = '2026-05-29'", "");
	ck_assert_int_eq(season_due(r, season_reminder_at(season_date("2026-05-29"), 14)), 1);
	/* A draft cycle opens on its day (another is open: not yet). */
	db_exec(r, "INSERT INTO scan_cycles (id, year, instrument_id, status, opens_on) VALUES (2, 2027, 1, 'draft',"
	           " '2027-03-01')", "");
	ck_assert_int_eq(season_due(r, season_date("2027-03-01") + 60), 0);
	db_exec(r, "UPDATE scan_cycles SET status = 'closed' WHERE id = 1", "");
	ck_assert_int_eq(season_due(r, season_date("2027-02-28")), 0);
	ck_assert_int_eq(season_due(r, season_date("2027-03-01") + 60), 1);
	db_begin(r);
	ck_assert_int_eq(season_clock(r, season_date("2027-03-01") + 60), 2);    /* A and B invited */
	db_commit(r);
	ck_assert_int_eq(db_int(r, 0, "SELECT count(*) FROM scan_cycles WHERE id = 2 AND status = 'open'", ""), 1);
	ck_assert_int_eq(season_due(r, season_date("2027-03-01") + 120), 0);
}

START_TEST(the_clock_over_a_database)
{
	struct req *r = test_req_new();
	int st = test_run(r, season_db);
	ck_assert_msg(st == 0, "failed %d: %s", st, r->fail_msg ? r->fail_msg : "");
	test_req_free(r);
}
END_TEST

Suite *season_suite(void)
{
	Suite *s = suite_create("season");
	TCase *t = tcase_create("schedule");
	tcase_add_test(t, dates);
	tcase_add_test(t, schedule_as_typed);
	tcase_add_test(t, which_reminder_is_due);
	tcase_add_test(t, each_once_over_a_season);
	tcase_add_test(t, the_clock_over_a_database);
	suite_add_tcase(s, t);
	return s;
}
