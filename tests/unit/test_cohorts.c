/* test_cohorts.c — Inspire's rules: a session's wall time in the zone of
 * its place across the daylight-saving changes (a skipped time refused, a
 * repeated one the earlier instant, Central and Mountain apart), and
 * attendance over a real schema: set exactly to what was checked, again
 * and again the same, marks of members the taker may not see left alone,
 * a member of another cohort refused (by the code, and by the database). */
#include "unit.h"
#include "cohorts.h"
#include "db.h"

#include <string.h>

START_TEST(session_times_in_the_place_zone)
{
	long long t;
	/* Summer and winter in Central time; the same wall time in Mountain. */
	ck_assert_int_eq(cohort_session_time("2026-07-14", "09:00", "America/Chicago", &t), COHORT_TIME_OK);
	ck_assert_int_eq(t, 1784037600);                 /* 14:00Z, CDT */
	ck_assert_int_eq(cohort_session_time("2026-12-14", "09:00", "America/Chicago", &t), COHORT_TIME_OK);
	ck_assert_int_eq(t, 1797260400);                 /* 15:00Z, CST */
	ck_assert_int_eq(cohort_session_time("2026-12-14", "09:00", "America/Denver", &t), COHORT_TIME_OK);
	ck_assert_int_eq(t, 1797264000);                 /* 16:00Z, MST */
	/* Spring forward, 8 March 2026: 02:30 never happens, in either zone. */
	ck_assert_int_eq(cohort_session_time("2026-03-08", "02:30", "America/Chicago", &t), COHORT_TIME_SKIPPED);
	ck_assert_int_eq(cohort_session_time("2026-03-08", "02:30", "America/Denver", &t), COHORT_TIME_SKIPPED);
	ck_assert_int_eq(cohort_session_time("2026-03-08", "03:00", "America/Chicago", &t), COHORT_TIME_OK);
	ck_assert_int_eq(t, 1772956800);                 /* 08:00Z, CDT */
	/* Fall back, 1 November 2026: 01:30 happens twice; the first. */
	ck_assert_int_eq(cohort_session_time("2026-11-01", "01:30", "America/Chicago", &t), COHORT_TIME_OK);
	ck_assert_int_eq(t, 1793514600);                 /* 06:30Z, CDT */
	/* A session across the change: the day before and after differ by 25 h. */
	long long before, after;
	ck_assert_int_eq(cohort_session_time("2026-10-31", "18:00", "America/Denver", &before), COHORT_TIME_OK);
	ck_assert_int_eq(cohort_session_time("2026-11-01", "18:00", "America/Denver", &after), COHORT_TIME_OK);
	ck_assert_int_eq(after - before, 25 * 3600);
	/* What is refused, and why. */
	ck_assert_int_eq(cohort_session_time("2026-02-30", "09:00", "America/Chicago", &t), COHORT_TIME_BAD_DATE);
	ck_assert_int_eq(cohort_session_time("2026-02-03", "9:30", "America/Chicago", &t), COHORT_TIME_BAD_TIME);
	ck_assert_int_eq(cohort_session_time("2026-02-03", "24:00", "America/Chicago", &t), COHORT_TIME_BAD_TIME);
	ck_assert_int_eq(cohort_session_time("2026-02-03", "12:60", "America/Chicago", &t), COHORT_TIME_BAD_TIME);
	ck_assert_int_eq(cohort_session_time("2026-02-03", NULL, "America/Chicago", &t), COHORT_TIME_BAD_TIME);
	ck_assert_int_eq(cohort_session_time("2026-02-03", "09:00", "Europe/Paris", &t), COHORT_TIME_BAD_ZONE);
	ck_assert_int_eq(cohort_session_time("2026-02-03", "09:00", NULL, &t), COHORT_TIME_BAD_ZONE);
}
END_TEST

static struct req *R;
static struct user taker = { .id = 1, .email = "staff@example.org", .name = "Staff", .role = ROLE_STAFF };

/* Cohort 1 with members 1..3 and sessions 1, 2; cohort 2 with member 4
 * and session 3. */
static void fixture(struct req *r)
{
	db_begin(r);
	db_exec(r, "INSERT INTO users (id, email, name, role) VALUES (1, 'staff@example.org', 'Staff', 'staff')", "");
	for (int i = 1; i <= 4; i++)
		db_exec(r, "INSERT INTO schools (id, name, state_code, city, tz, type, grade_low, grade_high, enrollment)"
		           " VALUES (?, ?, 'MN', 'Town', 'America/Chicago', 'small_rural', 0, 12, 100)", "it", i,
		        arena_printf(&r->arena, "School %d", i));
	db_exec(r, "INSERT INTO cohorts (id, name, year) VALUES (1, 'One', 2026), (2, 'Two', 2026)", "");
	db_exec(r, "INSERT INTO cohort_members (id, cohort_id, school_id) VALUES (1, 1, 1), (2, 1, 2), (3, 1, 3), (4, 2, 4)", "");
	db_exec(r, "INSERT INTO cohort_sessions (id, cohort_id, local_date, local_time, tz, starts_at, minutes, place) VALUES"
	           " (1, 1, '2026-10-01', '09:00', 'America/Chicago', 1790863200, 60, 'Here'),"
	           " (2, 1, '2026-10-08', '09:00', 'America/Chicago', 1791468000, 60, 'Here'),"
	           " (3, 2, '2026-10-08', '09:00', 'America/Chicago', 1791468000, 60, 'There')", "");
	db_commit(r);
}

static void setup(void)
{
	R = test_req_new();
	ck_assert_int_eq(test_run(R, fixture), 0);
	R->user = &taker;
}

static void teardown(void)
{
	test_req_free(R);
}

static int present(long long session)
{
	return (int)db_int(R, -1, "SELECT count(*) FROM cohort_attendance WHERE session_id = ?", "I", session);
}

static int marked(long long session, long long member)
{
	return (int)db_int(R, 0, "SELECT 1 FROM cohort_attendance WHERE session_id = ? AND member_id = ?", "II", session,
	                   member);
}

static long long session_;
static const long long *shown_, *present_;
static int nshown_, npresent_, result_;
static void set_fn(struct req *r)
{
	db_begin(r);
	result_ = cohort_attendance_set(r, session_, shown_, nshown_, present_, npresent_);
	db_commit(r);
}
static int set(long long session, const long long *shown, int nshown, const long long *p, int n)
{
	session_ = session;
	shown_ = shown;
	nshown_ = nshown;
	present_ = p;
	npresent_ = n;
	ck_assert_int_eq(test_run(R, set_fn), 0);
	return result_;
}

START_TEST(attendance_is_what_was_checked)
{
	const long long all[] = { 1, 2, 3 }, two[] = { 1, 2 }, one[] = { 2 };
	ck_assert_int_eq(set(1, all, 3, two, 2), 2);
	ck_assert_int_eq(present(1), 2);
	ck_assert(marked(1, 1) && marked(1, 2) && !marked(1, 3));
	/* The same save again (a retried POST) changes nothing. */
	ck_assert_int_eq(set(1, all, 3, two, 2), 2);
	ck_assert_int_eq(present(1), 2);
	/* Unchecking takes a mark away; another session is its own. */
	ck_assert_int_eq(set(1, all, 3, one, 1), 1);
	ck_assert(!marked(1, 1) && marked(1, 2));
	ck_assert_int_eq(present(2), 0);
	ck_assert_int_eq(set(2, all, 3, all, 3), 3);
	ck_assert_int_eq(present(1), 1);
	ck_assert_int_eq(present(2), 3);
	/* Nobody here: every mark of the session goes. */
	ck_assert_int_eq(set(2, all, 3, NULL, 0), 0);
	ck_assert_int_eq(present(2), 0);
}
END_TEST

START_TEST(marks_of_members_not_shown_are_kept)
{
	const long long all[] = { 1, 2, 3 }, seen[] = { 1, 2 }, three[] = { 3 }, none[] = { 0 };
	ck_assert_int_eq(set(1, all, 3, three, 1), 1);
	/* A taker who may not see member 3 saves with nobody checked. */
	ck_assert_int_eq(set(1, seen, 2, none, 0), 0);
	ck_assert(marked(1, 3));
	ck_assert_int_eq(present(1), 1);
}
END_TEST

START_TEST(other_cohorts_members_refused)
{
	const long long all[] = { 1, 2, 3 }, stranger[] = { 1, 4 };
	/* Member 4 is of cohort 2: nothing is changed. */
	ck_assert_int_eq(set(1, all, 3, stranger, 2), -1);
	ck_assert_int_eq(present(1), 0);
	/* And the database refuses it whatever the code does. */
	ck_assert_int_ne(db_try(R, "INSERT INTO cohort_attendance (session_id, member_id) VALUES (1, 4)", ""), SQLITE_DONE);
	ck_assert_int_eq(db_try(R, "INSERT INTO cohort_attendance (session_id, member_id) VALUES (3, 4)", ""), SQLITE_DONE);
	/* A session needs a place or a link; a member a school or a person. */
	ck_assert_int_ne(db_try(R, "INSERT INTO cohort_sessions (cohort_id, local_date, local_time, tz, starts_at, minutes)"
	                           " VALUES (1, '2026-10-01', '09:00', 'America/Chicago', 0, 60)", ""), SQLITE_DONE);
	ck_assert_int_ne(db_try(R, "INSERT INTO cohort_members (cohort_id) VALUES (1)", ""), SQLITE_DONE);
	/* A member once per cohort, a school alone included. */
	ck_assert_int_ne(db_try(R, "INSERT INTO cohort_members (cohort_id, school_id) VALUES (1, 1)", ""), SQLITE_DONE);
}
END_TEST

/* Cohort 1 filled to one short of the cap: schools 5 .. COHORT_MEMBERS_MAX + 4. */
static void fill(struct req *r)
{
	db_begin(r);
	db_exec(r, "WITH RECURSIVE n(i) AS (SELECT 5 UNION ALL SELECT i + 1 FROM n WHERE i < ?)"
	           " INSERT INTO schools (id, name, state_code, city, tz, type, grade_low, grade_high, enrollment)"
	           " SELECT i, 'School ' || i, 'MN', 'Town', 'America/Chicago', 'small_rural', 0, 12, 100 FROM n",
	        "i", COHORT_MEMBERS_MAX + 4);
	db_exec(r, "INSERT INTO cohort_members (cohort_id, school_id) SELECT 1, id FROM schools WHERE id BETWEEN 5 AND ?",
	        "i", COHORT_MEMBERS_MAX);    /* 1,996 more beside members 1..3: one short */
	db_commit(r);
}

static long long add_school_, add_user_;
static enum cohort_add add_out_;
static void add_fn(struct req *r)
{
	db_begin(r);
	add_out_ = cohort_member_add(r, 1, add_school_, add_user_, 1);
	db_commit(r);
}
static enum cohort_add add(long long school, long long user)
{
	add_school_ = school;
	add_user_ = user;
	ck_assert_int_eq(test_run(R, add_fn), 0);
	return add_out_;
}

START_TEST(member_cap_counted_where_written)
{
	ck_assert_int_eq(test_run(R, fill), 0);
	ck_assert_int_eq(db_int(R, 0, "SELECT count(*) FROM cohort_members WHERE cohort_id = 1", ""), COHORT_MEMBERS_MAX - 1);
	ck_assert_int_eq(add(1, 0), COHORT_ADD_ALREADY);             /* a school alone, once */
	ck_assert_int_eq(add(4, 1), COHORT_ADD_OK);                  /* the last place */
	ck_assert_int_eq(add(COHORT_MEMBERS_MAX + 4, 0), COHORT_ADD_FULL);
	ck_assert_int_eq(add(0, 1), COHORT_ADD_FULL);
	ck_assert_int_eq(db_int(R, 0, "SELECT count(*) FROM cohort_members WHERE cohort_id = 1", ""), COHORT_MEMBERS_MAX);
	/* Another cohort has its own count. */
	ck_assert_int_eq(db_int(R, 0, "SELECT count(*) FROM cohort_members WHERE cohort_id = 2", ""), 1);
}
END_TEST

START_TEST(timeline_entries_newest_first_kept)
{
	struct timeline t = {0};
	for (int i = 0; i < 70; i++)
		timeline_add(R, &t, arena_printf(&R->arena, "2026-01-%02d", i % 28 + 1), "visit", "x");
	ck_assert_int_eq(t.n, 70);
	ck_assert_int_ge(t.cap, 70);
	ck_assert_str_eq(t.v[69].date, "2026-01-14");
}
END_TEST

Suite *cohorts_suite(void)
{
	Suite *s = suite_create("cohorts");
	TCase *t = tcase_create("times");
	tcase_add_test(t, session_times_in_the_place_zone);
	suite_add_tcase(s, t);
	t = tcase_create("attendance");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, attendance_is_what_was_checked);
	tcase_add_test(t, marks_of_members_not_shown_are_kept);
	tcase_add_test(t, other_cohorts_members_refused);
	tcase_add_test(t, timeline_entries_newest_first_kept);
	tcase_add_test(t, member_cap_counted_where_written);
	suite_add_tcase(s, t);
	return s;
}
