/* test_convening.c — the convening's ledger over a real schema: parties
 * counted person by person against the event and its sessions, the
 * database's own refusal to overfill, the waitlist's offers and their
 * expiry, status moves and check-in, invitations sent once, and the
 * profile's participation through the visibility policy. */
#include "unit.h"
#include "convening.h"
#include "db.h"
#include "mail.h"
#include "money.h"

#include <string.h>
#include <time.h>

static struct req *R;
static struct user who = { .id = 1, .email = "l1@example.org", .name = "Leader 1", .role = ROLE_LEADER };
static long long conv_id, session_small;

/* Six schools, a leader each (ids 1..6), staff (7); a convening of 5
 * places a month ahead, open for registration today, with a session of 3
 * places and one of 10. */
static void fixture(struct req *r)
{
	db_begin(r);
	for (int i = 1; i <= 6; i++) {
		db_exec(r, "INSERT INTO schools (id, name, state_code, city, tz, type, grade_low, grade_high, enrollment)"
		           " VALUES (?, ?, 'MN', 'Town', 'America/Chicago', 'small_rural', 0, 12, 100)", "it",
		        i, arena_printf(&r->arena, "School %d", i));
		db_exec(r, "INSERT INTO users (id, email, name, role) VALUES (?, ?, ?, 'leader')", "itt", i,
		        arena_printf(&r->arena, "l%d@example.org", i), arena_printf(&r->arena, "Leader %d", i));
		db_exec(r, "INSERT INTO user_schools (user_id, school_id) VALUES (?, ?)", "ii", i, i);
	}
	db_exec(r, "INSERT INTO users (id, email, name, role) VALUES (7, 'staff@example.org', 'Staff', 'staff')", "");
	char today[11], opens[11], closes[11], first[11];
	date_today_local(today);
	date_add(today, -1, opens);
	date_add(today, 20, closes);
	date_add(today, 30, first);
	db_exec(r, "INSERT INTO convenings (year, title, place, tz, first_day, last_day, day_start, day_end, capacity,"
	           " opens_on, closes_on, offer_hours, created_by) VALUES (2099, 'Convening', 'Hall', 'America/Chicago',"
	           " ?, ?, '09:00', '16:00', 5, ?, ?, 48, 7)", "tttt", first, first, opens, closes);
	conv_id = db_last_id(r);
	db_exec(r, "INSERT INTO convening_sessions (convening_id, title, day, starts, minutes, capacity)"
	           " VALUES (?, 'Small', ?, '10:00', 60, 3)", "It", conv_id, first);
	session_small = db_last_id(r);
	db_exec(r, "INSERT INTO convening_sessions (convening_id, title, day, starts, minutes, capacity)"
	           " VALUES (?, 'Large', ?, '10:00', 60, 10)", "It", conv_id, first);
	db_commit(r);
}

static struct req *setup(void)
{
	struct req *r = test_req_new();
	ck_assert_int_eq(test_run(r, fixture), 0);
	r->user = &who;
	return r;
}

static int held(void)
{
	return (int)db_int(R, -1, "SELECT held FROM convenings WHERE id = ?", "I", conv_id);
}

static int session_held(long long s)
{
	return (int)db_int(R, -1, "SELECT held FROM convening_sessions WHERE id = ?", "I", s);
}

static const char *status_of(long long p)
{
	return db_text(R, "SELECT status FROM parties WHERE id = ?", "I", p);
}

/* Leader `user` registers a party of size for their school, choosing the
 * small session when small is set. */
static long long user_, id_;
static int size_, waitlist_, small_;
static enum convening_outcome out_;
static void register_fn(struct req *r)
{
	struct convening c;
	ck_assert(convening_load(r, 2099, &c));
	struct party_person people[CONVENING_PARTY_MAX];
	for (int i = 0; i < size_; i++)
		people[i] = (struct party_person){ arena_printf(&r->arena, "Person %d", i + 1), "Teacher", "", "" };
	who.id = user_;
	db_begin(r);
	out_ = convening_register(r, &c, user_, people, size_, &session_small, small_, "", waitlist_, &id_);
	db_commit(r);
}
static enum convening_outcome reg(long long user, int size, int waitlist, int small, long long *id)
{
	user_ = user;
	size_ = size;
	waitlist_ = waitlist;
	small_ = small;
	id_ = 0;
	ck_assert_int_eq(test_run(R, register_fn), 0);
	*id = id_;
	return out_;
}

static long long change_id_;
static const char *change_to_;
static int change_ok_;
static void change_fn(struct req *r)
{
	db_begin(r);
	change_ok_ = convening_change(r, change_id_, change_to_, "you");
	db_commit(r);
}
static int change(long long id, const char *to)
{
	change_id_ = id;
	change_to_ = to;
	ck_assert_int_eq(test_run(R, change_fn), 0);
	return change_ok_;
}

static long long clock_at_;
static void clock_fn(struct req *r)
{
	db_begin(r);
	convening_clock(r, 0, clock_at_);
	db_commit(r);
}
static void tick(long long at)
{
	clock_at_ = at;
	ck_assert_int_eq(test_run(R, clock_fn), 0);
}

START_TEST(capacity_counts_every_person)
{
	R = setup();
	long long a, b, c, d;
	ck_assert_int_eq(reg(1, 3, 0, 0, &a), CONVENING_REGISTERED);
	ck_assert_int_eq(held(), 3);                                  /* a party of three is three places */
	ck_assert_int_eq(reg(2, 3, 0, 0, &b), CONVENING_FULL);        /* 2 left */
	ck_assert_int_eq(held(), 3);
	ck_assert_int_eq(db_int(R, 0, "SELECT count(*) FROM parties", ""), 1);   /* nothing stored */
	ck_assert_int_eq(reg(2, 3, 1, 0, &b), CONVENING_WAITLISTED);
	ck_assert_int_eq(held(), 3);                                  /* waiting holds nothing */
	ck_assert_int_eq(reg(1, 1, 1, 0, &c), CONVENING_TWICE);       /* one live party a person */
	/* The waiting three do not fit the two left; a pair does. */
	ck_assert_int_eq(reg(3, 2, 0, 0, &c), CONVENING_REGISTERED);
	ck_assert_int_eq(held(), 5);
	ck_assert_int_eq(reg(4, 1, 0, 0, &d), CONVENING_FULL);
	ck_assert_int_eq(db_int(R, 0, "SELECT count(*) FROM party_people WHERE party_id = ?", "I", a), 3);
	test_req_free(R);
}
END_TEST

START_TEST(a_session_has_its_own_capacity)
{
	R = setup();
	db_exec(R, "UPDATE convenings SET capacity = 20", "");
	long long a, b, c;
	ck_assert_int_eq(reg(1, 2, 0, 1, &a), CONVENING_REGISTERED);
	ck_assert_int_eq(session_held(session_small), 2);
	ck_assert_int_eq(reg(2, 2, 0, 1, &b), CONVENING_FULL);        /* the event has room, the session not */
	ck_assert_int_eq(reg(2, 2, 1, 1, &b), CONVENING_WAITLISTED);
	ck_assert_int_eq(reg(3, 2, 0, 0, &c), CONVENING_REGISTERED);  /* not choosing it: in */
	ck_assert_int_eq(session_held(session_small), 2);
	ck_assert_int_eq(held(), 4);
	/* The first party leaves: the session's places go to the waiting pair. */
	ck_assert(change(a, "cancelled"));
	ck_assert_str_eq(status_of(b), "offered");
	ck_assert_int_eq(session_held(session_small), 2);
	test_req_free(R);
}
END_TEST

START_TEST(database_refuses_overfilling)
{
	R = setup();
	long long a;
	ck_assert_int_eq(reg(1, 3, 0, 1, &a), CONVENING_REGISTERED);
	sqlite3 *db = R->db;
	char *err = NULL;
	/* Whatever the code did, the CHECKs keep the places within capacity:
	 * the event's ... */
	ck_assert_int_ne(sqlite3_exec(db, "INSERT INTO parties (convening_id, registered_by, size, status)"
	                                  " VALUES (1, 2, 3, 'registered')", NULL, NULL, &err), SQLITE_OK);
	sqlite3_free(err);
	ck_assert_int_ne(sqlite3_exec(db, "UPDATE parties SET size = 6", NULL, NULL, &err), SQLITE_OK);
	sqlite3_free(err);
	/* ... and a session's, when a party joins it or grows in it. */
	ck_assert_int_eq(sqlite3_exec(db, "INSERT INTO parties (convening_id, registered_by, size, status)"
	                                  " VALUES (1, 2, 1, 'registered')", NULL, NULL, &err), SQLITE_OK);
	ck_assert_int_ne(sqlite3_exec(db, "INSERT INTO party_sessions (party_id, session_id)"
	                                  " VALUES (last_insert_rowid(), 1)", NULL, NULL, &err), SQLITE_OK);
	sqlite3_free(err);
	ck_assert_int_eq(held(), 4);
	ck_assert_int_eq(session_held(session_small), 3);
	/* A capacity below the places taken is refused as well. */
	ck_assert_int_ne(sqlite3_exec(db, "UPDATE convenings SET capacity = 3", NULL, NULL, &err), SQLITE_OK);
	sqlite3_free(err);
	test_req_free(R);
}
END_TEST

START_TEST(offers_pass_on_when_not_taken)
{
	R = setup();
	long long a, b, c, d;
	ck_assert_int_eq(reg(1, 5, 0, 0, &a), CONVENING_REGISTERED);
	ck_assert_int_eq(reg(2, 4, 1, 0, &b), CONVENING_WAITLISTED);
	ck_assert_int_eq(reg(3, 3, 1, 0, &c), CONVENING_WAITLISTED);
	ck_assert_int_eq(reg(4, 1, 1, 0, &d), CONVENING_WAITLISTED);
	long long mails = db_int(R, 0, "SELECT count(*) FROM outbox", "");
	ck_assert(change(a, "cancelled"));
	ck_assert_str_eq(status_of(a), "cancelled");
	ck_assert_str_eq(status_of(b), "offered");                    /* the first who fits: 4 */
	ck_assert_str_eq(status_of(c), "waitlisted");                 /* 3 do not fit the 1 left ... */
	ck_assert_str_eq(status_of(d), "offered");                    /* ... 1 does */
	ck_assert_int_eq(held(), 5);                                  /* offers hold the places */
	ck_assert_int_eq(db_int(R, 0, "SELECT count(*) FROM outbox WHERE subject LIKE 'A place is free%'", ""), 2);
	ck_assert_int_gt(db_int(R, 0, "SELECT count(*) FROM outbox", ""), mails + 2);
	long long now = (long long)time(NULL);
	tick(now + 47 * 3600);                                        /* within 48 hours: nothing passes */
	ck_assert_str_eq(status_of(b), "offered");
	ck_assert(change(d, "registered"));                           /* taken in time */
	ck_assert_str_eq(status_of(d), "registered");
	/* b does not answer in 48 hours: its offer passes to the next who fits. */
	tick(now + 48 * 3600 + 5);
	ck_assert_str_eq(status_of(b), "cancelled");
	ck_assert_str_eq(db_text(R, "SELECT ended FROM parties WHERE id = ?", "I", b), "offer not taken");
	ck_assert_str_eq(status_of(c), "offered");
	ck_assert_int_eq(held(), 4);
	ck_assert(!change(b, "registered"));                          /* an offer that passed cannot be taken */
	ck_assert(db_int(R, 0, "SELECT offer_until FROM parties WHERE id = ?", "I", c) >= now + 96 * 3600);
	test_req_free(R);
}
END_TEST

START_TEST(status_moves_and_checkin)
{
	ck_assert(convening_move_ok("offered", "registered"));
	ck_assert(convening_move_ok("registered", "cancelled"));
	ck_assert(convening_move_ok("waitlisted", "cancelled"));
	ck_assert(convening_move_ok("offered", "cancelled"));
	ck_assert(convening_move_ok("registered", "attended"));
	ck_assert(!convening_move_ok("waitlisted", "registered"));    /* no jumping the queue */
	ck_assert(!convening_move_ok("cancelled", "registered"));
	ck_assert(!convening_move_ok("attended", "cancelled"));
	ck_assert(!convening_move_ok("waitlisted", "attended"));
	ck_assert_str_eq(convening_status_label("waitlisted"), "On the waitlist");

	R = setup();
	long long a, b;
	ck_assert_int_eq(reg(1, 5, 0, 0, &a), CONVENING_REGISTERED);
	ck_assert_int_eq(reg(2, 1, 1, 0, &b), CONVENING_WAITLISTED);
	long long p1 = db_int(R, 0, "SELECT min(id) FROM party_people WHERE party_id = ?", "I", a);
	long long w = db_int(R, 0, "SELECT min(id) FROM party_people WHERE party_id = ?", "I", b);
	db_begin(R);
	ck_assert(convening_checkin(R, p1, 1));
	ck_assert(!convening_checkin(R, w, 1));                       /* a waiting party is not in */
	db_commit(R);
	ck_assert_str_eq(status_of(a), "attended");
	ck_assert_int_eq(held(), 5);                                  /* attending still holds */
	ck_assert(!change(a, "cancelled"));                           /* someone came: it stays */
	db_begin(R);
	ck_assert(convening_checkin(R, p1, 0));                       /* undone */
	db_commit(R);
	ck_assert_str_eq(status_of(a), "registered");
	test_req_free(R);
}
END_TEST

START_TEST(open_window)
{
	struct convening c = { .opens_on = "2026-09-01", .closes_on = "2026-10-01", .last_day = "2026-10-02" };
	ck_assert(!convening_open_on(&c, "2026-08-31"));
	ck_assert(convening_open_on(&c, "2026-09-01"));
	ck_assert(convening_open_on(&c, "2026-10-01"));
	ck_assert(!convening_open_on(&c, "2026-10-02"));
}
END_TEST

/* Leaders 1 and 2 said yes in their latest scan, 3 said yes once but no
 * in the latest; leader 4 has already registered. */
static void scans(struct req *r)
{
	db_begin(r);
	db_exec(r, "INSERT INTO instruments (version, title, definition) VALUES ('t', 't', '{}')", "");
	db_exec(r, "INSERT INTO scan_cycles (id, year, instrument_id, status) VALUES (1, 2024, 1, 'closed'),"
	           " (2, 2025, 1, 'open')", "");
	static const struct { int cycle, school; const char *v; } a[] = {
		{ 2, 1, "yes" }, { 2, 2, "yes" }, { 1, 3, "yes" }, { 2, 3, "no" }, { 2, 4, "yes" }, { 2, 5, "maybe" },
	};
	for (size_t i = 0; i < sizeof a / sizeof a[0]; i++) {
		db_exec(r, "INSERT INTO responses (cycle_id, school_id, status, submitted_at) VALUES (?, ?, 'submitted',"
		           " unixepoch())", "ii", a[i].cycle, a[i].school);
		db_exec(r, "INSERT INTO answers (response_id, question, value) VALUES (last_insert_rowid(),"
		           " 'want_convening', ?)", "t", a[i].v);
	}
	db_commit(r);
}

static int invited_;
static void invite_fn(struct req *r)
{
	struct convening c;
	convening_load(r, 2099, &c);
	db_begin(r);
	invited_ = convening_invite(r, &c);
	db_commit(r);
}

START_TEST(invited_once)
{
	R = setup();
	long long a;
	ck_assert_int_eq(reg(4, 1, 0, 0, &a), CONVENING_REGISTERED);
	ck_assert_int_eq(test_run(R, scans), 0);
	ck_assert_int_eq(test_run(R, invite_fn), 0);
	ck_assert_int_eq(invited_, 2);
	ck_assert_int_eq(db_int(R, 0, "SELECT count(*) FROM outbox WHERE subject LIKE 'You are invited%'"
	                              " AND to_addr IN ('l1@example.org', 'l2@example.org')", ""), 2);
	ck_assert_int_eq(test_run(R, invite_fn), 0);                  /* again: nobody */
	ck_assert_int_eq(invited_, 0);
	ck_assert_int_eq(db_int(R, 0, "SELECT count(*) FROM outbox WHERE subject LIKE 'You are invited%'", ""), 2);
	test_req_free(R);
}
END_TEST

START_TEST(participation_through_the_policy)
{
	R = setup();
	long long a, b;
	ck_assert_int_eq(reg(1, 2, 0, 0, &a), CONVENING_REGISTERED);
	ck_assert_int_eq(reg(2, 1, 0, 0, &b), CONVENING_REGISTERED);
	db_begin(R);
	convening_checkin(R, db_int(R, 0, "SELECT min(id) FROM party_people WHERE party_id = ?", "I", b), 1);
	db_commit(R);
	struct user staff = { .id = 7, .email = "staff@example.org", .name = "Staff", .role = ROLE_STAFF };
	R->user = &staff;
	struct convening_year y[4];
	ck_assert_int_eq(convening_participation(R, 1, y, 4), 1);
	ck_assert_int_eq(y[0].year, 2099);
	ck_assert_str_eq(y[0].status, "registered");
	ck_assert_int_eq(convening_participation(R, 2, y, 4), 1);
	ck_assert_str_eq(y[0].status, "attended");
	ck_assert_int_eq(convening_participation(R, 3, y, 4), 0);     /* never registered */
	/* A nation's school, private: staff may not read it, so nothing. */
	db_exec(R, "UPDATE schools SET nation_id = (SELECT min(id) FROM nations) WHERE id = 2", "");
	ck_assert_str_eq(db_text(R, "SELECT sharing FROM schools WHERE id = 2", ""), "private");
	ck_assert_int_eq(convening_participation(R, 2, y, 4), 0);
	R->user = &who;
	who.id = 2;                                                  /* its own leader still sees it */
	ck_assert_int_eq(convening_participation(R, 2, y, 4), 1);
	test_req_free(R);
}
END_TEST

/* A registrant's notice is rendered as it is sent; one whose party has
 * changed since is superseded by the later notice. */
static struct mail_parts render_out_;
static int render_row(long long id)
{
	return test_render(R, id, convening_render, &render_out_);
}

START_TEST(notices_render_as_they_are_sent)
{
	R = setup();
	long long a;
	ck_assert_int_eq(reg(1, 2, 0, 0, &a), CONVENING_REGISTERED);
	long long first = db_int(R, 0, "SELECT id FROM outbox WHERE render = 'party' AND render_ref = ?"
	                               " AND calendar IS NULL", "I", a);
	ck_assert_int_gt(first, 0);
	ck_assert_int_eq(render_row(first), 1);
	ck_assert(strstr(render_out_.body, "Hello Leader 1,"));
	ck_assert(strstr(render_out_.body, "Your party (2):\n  Person 1, Teacher\n  Person 2, Teacher\n"));
	ck_assert_str_eq(render_out_.method, "REQUEST");
	ck_assert(strstr(render_out_.ics, "BEGIN:VCALENDAR"));
	ck_assert(change(a, "cancelled"));
	ck_assert_int_eq(render_row(first), 0);
	long long last = db_int(R, 0, "SELECT max(id) FROM outbox WHERE render = 'party' AND render_ref = ?", "I", a);
	ck_assert_int_eq(render_row(last), 1);
	ck_assert_str_eq(render_out_.method, "CANCEL");
	ck_assert_int_eq(convening_render(R, "visit", a, 0, "l1@example.org", "", &render_out_), -1);
	test_req_free(R);
}
END_TEST

Suite *convening_suite(void)
{
	Suite *s = suite_create("convening");
	TCase *t = tcase_create("ledger");
	tcase_add_test(t, capacity_counts_every_person);
	tcase_add_test(t, a_session_has_its_own_capacity);
	tcase_add_test(t, database_refuses_overfilling);
	tcase_add_test(t, offers_pass_on_when_not_taken);
	tcase_add_test(t, status_moves_and_checkin);
	tcase_add_test(t, open_window);
	tcase_add_test(t, invited_once);
	tcase_add_test(t, participation_through_the_policy);
	tcase_add_test(t, notices_render_as_they_are_sent);
	suite_add_tcase(s, t);
	return s;
}
