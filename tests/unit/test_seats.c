/* test_seats.c — Connect's seat ledger over a real schema: holds, the
 * waitlist and who it offers freed seats to, lapsing holds, reminders only
 * for bookings still confirmed, the database's own refusal to overbook,
 * and the host-matching score. */
#include "unit.h"
#include "db.h"
#include "mail.h"
#include "seats.h"

#include <string.h>
#include <time.h>

static struct req *R;
static struct user visitor = { .id = 2, .email = "v@example.org", .name = "Visitor", .role = ROLE_LEADER };
static long long opp_id;

/* A host school (1), four visiting schools (2..5), a leader for each. */
static void fixture(struct req *r)
{
	db_begin(r);
	for (int i = 1; i <= 5; i++) {
		db_exec(r, "INSERT INTO schools (id, name, state_code, city, tz, type, grade_low, grade_high, enrollment)"
		           " VALUES (?, ?, 'MN', 'Town', 'America/Chicago', 'small_rural', 0, 12, 100)", "it",
		        i, arena_printf(&r->arena, "School %d", i));
		db_exec(r, "INSERT INTO users (id, email, name, role) VALUES (?, ?, ?, 'leader')", "itt", i,
		        arena_printf(&r->arena, "l%d@example.org", i), arena_printf(&r->arena, "Leader %d", i));
		db_exec(r, "INSERT INTO user_schools (user_id, school_id) VALUES (?, ?)", "ii", i, i);
	}
	long long at = (long long)time(NULL) + 30 * 86400;
	db_exec(r, "INSERT INTO opportunities (school_id, created_by, local_date, local_time, tz, starts_at, minutes, seats,"
	           " dimensions, confirm, answer_hours) VALUES (1, 1, '2030-01-01', '09:00', 'America/Chicago', ?, 120, 3,"
	           " 'instructional', 'host', 72)", "I", at);
	opp_id = db_last_id(r);
	db_commit(r);
}

static struct req *setup(void)
{
	struct req *r = test_req_new();
	ck_assert_int_eq(test_run(r, fixture), 0);
	r->user = &visitor;
	return r;
}

static int held(struct req *r)
{
	return (int)db_int(r, -1, "SELECT held FROM opportunities WHERE id = ?", "I", opp_id);
}

static const char *status_of(struct req *r, long long b)
{
	return db_text(r, "SELECT status FROM bookings WHERE id = ?", "I", b);
}

static enum seats_outcome ask(struct req *r, long long school, int party, int waitlist, long long *id)
{
	struct opp o;
	ck_assert(seats_opp(r, opp_id, &o));
	visitor.id = school;       /* each school's own leader asks */
	db_begin(r);
	enum seats_outcome out = seats_request(r, &o, school, party, "A\nB", "", waitlist, id);
	db_commit(r);
	return out;
}

static enum seats_outcome out_;
static long long id_, school_;
static int party_, waitlist_;
static void ask_fn(struct req *r) { out_ = ask(r, school_, party_, waitlist_, &id_); }
static enum seats_outcome ask_run(long long school, int party, int waitlist, long long *id)
{
	school_ = school;
	party_ = party;
	waitlist_ = waitlist;
	id_ = 0;
	ck_assert_int_eq(test_run(R, ask_fn), 0);
	*id = id_;
	return out_;
}

static long long change_id_;
static const char *change_to_;
static int change_ok_;
static void change_fn(struct req *r)
{
	db_begin(r);
	change_ok_ = seats_change(r, change_id_, change_to_, NULL);
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
	seats_clock(r, 0, clock_at_);
	db_commit(r);
}
static void tick(long long at)
{
	clock_at_ = at;
	ck_assert_int_eq(test_run(R, clock_fn), 0);
}

START_TEST(holds_and_full)
{
	R = setup();
	long long a, b, c;
	ck_assert_int_eq(ask_run(2, 2, 0, &a), SEATS_BOOKED);
	ck_assert_str_eq(status_of(R, a), "pending");          /* the host confirms */
	ck_assert_int_eq(held(R), 2);                          /* a pending request holds its seats */
	ck_assert_int_eq(ask_run(3, 2, 0, &b), SEATS_FULL);    /* 1 left: no room for 2 */
	ck_assert_int_eq(held(R), 2);
	ck_assert_int_eq(ask_run(3, 2, 1, &b), SEATS_WAITLISTED);
	ck_assert_int_eq(held(R), 2);                          /* waiting holds nothing */
	ck_assert_int_eq(ask_run(2, 1, 1, &c), SEATS_TWICE);   /* one live request a school */
	/* The waiting party of 2 does not fit the seat left; a party of 1
	 * does, as it would by the waitlist's rule (the first who fits). */
	ck_assert_int_eq(ask_run(4, 1, 1, &c), SEATS_BOOKED);
	ck_assert_int_eq(held(R), 3);
	/* Confirming keeps the hold; the visitor's cancel frees it and offers
	 * it to the first waiting party that fits. */
	ck_assert(change(a, "confirmed"));
	ck_assert_int_eq(held(R), 3);
	ck_assert(!change(a, "confirmed"));                    /* not twice */
	ck_assert(change(a, "cancelled"));
	ck_assert_str_eq(status_of(R, b), "offered");
	ck_assert_str_eq(status_of(R, c), "pending");          /* untouched */
	ck_assert_int_eq(held(R), 3);
	long long d;
	ck_assert_int_eq(ask_run(5, 1, 1, &d), SEATS_WAITLISTED);   /* full again */
	ck_assert(change(b, "pending"));                       /* taken: now the host's to answer */
	ck_assert_int_eq(held(R), 3);
	ck_assert(change(c, "declined"));                      /* the host's decline frees a seat */
	ck_assert_str_eq(status_of(R, d), "offered");
	/* Mail went to the people concerned, each with a calendar. */
	ck_assert_int_ge(db_int(R, 0, "SELECT count(*) FROM outbox", ""), 6);
	test_req_free(R);
}
END_TEST

START_TEST(database_refuses_overbooking)
{
	R = setup();
	long long a;
	ck_assert_int_eq(ask_run(2, 3, 0, &a), SEATS_BOOKED);
	ck_assert_int_eq(held(R), 3);
	/* Whatever the code did, the CHECK keeps held within seats. */
	sqlite3 *db = R->db;
	char *err = NULL;
	ck_assert_int_ne(sqlite3_exec(db, "INSERT INTO bookings (opportunity_id, school_id, requested_by, party, names,"
	                                  " status) VALUES (1, 3, 3, 1, 'X', 'confirmed')", NULL, NULL, &err), SQLITE_OK);
	sqlite3_free(err);
	ck_assert_int_ne(sqlite3_exec(db, "UPDATE bookings SET party = 4", NULL, NULL, &err), SQLITE_OK);
	sqlite3_free(err);
	/* ... and one school is never booked twice. */
	ck_assert_int_ne(sqlite3_exec(db, "UPDATE opportunities SET seats = 10; INSERT INTO bookings (opportunity_id,"
	                                  " school_id, requested_by, party, names, status) VALUES (1, 2, 2, 1, 'X',"
	                                  " 'pending')", NULL, NULL, &err), SQLITE_OK);
	sqlite3_free(err);
	ck_assert_int_eq(held(R), 3);
	test_req_free(R);
}
END_TEST

START_TEST(lapse_and_offers_pass_on)
{
	R = setup();
	long long a, b, c, d;
	ck_assert_int_eq(ask_run(2, 3, 0, &a), SEATS_BOOKED);
	ck_assert_int_eq(ask_run(3, 3, 1, &b), SEATS_WAITLISTED);
	ck_assert_int_eq(ask_run(4, 2, 1, &c), SEATS_WAITLISTED);
	ck_assert_int_eq(ask_run(5, 1, 1, &d), SEATS_WAITLISTED);
	long long now = (long long)time(NULL);
	tick(now);                                             /* nothing due yet */
	ck_assert_str_eq(status_of(R, a), "pending");
	/* The host does not answer within 72 hours: the request lapses, its
	 * seats go to the first on the list. */
	tick(now + 72 * 3600 + 1);
	ck_assert_str_eq(status_of(R, a), "lapsed");
	ck_assert_str_eq(status_of(R, b), "offered");
	ck_assert_str_eq(status_of(R, c), "waitlisted");
	ck_assert_int_eq(held(R), 3);
	/* The offer is not taken in time: it passes on to the next who fit
	 * (2, then 1). */
	tick(now + 72 * 3600 + SEATS_OFFER_HOURS * 3600 + 2);
	ck_assert_str_eq(status_of(R, b), "expired");
	ck_assert_str_eq(status_of(R, c), "offered");
	ck_assert_str_eq(status_of(R, d), "offered");
	ck_assert_int_eq(held(R), 3);
	ck_assert(!change(b, "confirmed"));                    /* an expired offer cannot be taken */
	test_req_free(R);
}
END_TEST

/* A booking's write lock is held for as long as it works: nothing it does
 * may read every booking (the lapse sweep did, until it used an index). */
static void many_bookings(struct req *r)
{
	db_begin(r);
	db_exec(r, "INSERT INTO opportunities (school_id, created_by, local_date, local_time, tz, starts_at, minutes,"
	           " seats, dimensions, confirm) SELECT 1, 1, '2030-01-02', '09:00', 'America/Chicago', starts_at + 86400,"
	           " 60, 100, 'instructional', 'auto' FROM opportunities WHERE id = ?", "I", opp_id);
	db_exec(r, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)"
	           " INSERT INTO bookings (opportunity_id, school_id, requested_by, party, names, status)"
	           " SELECT ?, 2 + i % 4, 2, 1, 'A', CASE WHEN i % 2 THEN 'declined' ELSE 'cancelled' END FROM n",
	        "I", db_last_id(r));
	db_commit(r);
}

START_TEST(a_booking_reads_no_table_through)
{
	R = setup();
	ck_assert_int_eq(test_run(R, many_bookings), 0);
	test_scan_steps(R, 1);
	long long a;
	ck_assert_int_eq(ask_run(2, 1, 0, &a), SEATS_BOOKED);
	ck_assert_int_lt(test_scan_steps(R, 0), 100);          /* the five schools and people, no more */
	test_req_free(R);
}
END_TEST

/* Every leader of the host school hears of a request: 20 of them (the
 * list stopped at 16, saying nothing). */
static void twenty_hosts(struct req *r)
{
	db_begin(r);
	for (int i = 0; i < 19; i++) {
		db_exec(r, "INSERT INTO users (email, name, role) VALUES (?, 'Host leader', 'leader')", "t",
		        arena_printf(&r->arena, "h%d@example.org", i));
		db_exec(r, "INSERT INTO user_schools (user_id, school_id) VALUES (?, 1)", "I", db_last_id(r));
	}
	db_commit(r);
}

START_TEST(every_host_leader_told)
{
	R = setup();
	ck_assert_int_eq(test_run(R, twenty_hosts), 0);
	long long a;
	ck_assert_int_eq(ask_run(2, 1, 0, &a), SEATS_BOOKED);
	ck_assert_int_eq(db_int(R, -1, "SELECT count(*) FROM outbox WHERE subject = 'A visit request awaits your answer'", ""),
	                 20);
	test_req_free(R);
}
END_TEST

START_TEST(a_freed_seat_goes_to_the_first_who_fits)
{
	R = setup();
	long long a, b, c, d;
	ck_assert_int_eq(ask_run(2, 2, 0, &a), SEATS_BOOKED);
	ck_assert_int_eq(ask_run(3, 1, 0, &b), SEATS_BOOKED);
	ck_assert_int_eq(ask_run(4, 3, 1, &c), SEATS_WAITLISTED);
	ck_assert_int_eq(ask_run(5, 1, 1, &d), SEATS_WAITLISTED);
	ck_assert(change(b, "cancelled"));                     /* 1 seat free: 3 do not fit, 1 does */
	ck_assert_str_eq(status_of(R, c), "waitlisted");
	ck_assert_str_eq(status_of(R, d), "offered");
	test_req_free(R);
}
END_TEST

START_TEST(reminders_only_for_confirmed)
{
	R = setup();
	db_exec(R, "UPDATE opportunities SET confirm = 'auto'", "");
	long long a, b;
	ck_assert_int_eq(ask_run(2, 1, 0, &a), SEATS_BOOKED);
	ck_assert_int_eq(ask_run(3, 1, 0, &b), SEATS_BOOKED);
	ck_assert_str_eq(status_of(R, a), "confirmed");
	ck_assert_int_eq(db_int(R, 0, "SELECT count(*) FROM booking_reminders", ""), 4);   /* week and day, each */
	ck_assert(change(b, "cancelled"));
	long long mails = db_int(R, 0, "SELECT count(*) FROM outbox", "");
	long long start = db_int(R, 0, "SELECT starts_at FROM opportunities", "");
	tick(start - 7 * 86400 + 1);                           /* the week reminders fall due */
	ck_assert_int_eq(db_int(R, 0, "SELECT count(*) FROM outbox", ""), mails + 1);   /* a's only */
	ck_assert_int_eq(db_int(R, 0, "SELECT count(*) FROM outbox WHERE subject LIKE '%week away%'", ""), 1);
	ck_assert_str_eq(db_text(R, "SELECT to_addr FROM outbox ORDER BY id DESC LIMIT 1", ""), "l2@example.org");
	tick(start - 7 * 86400 + 2);                           /* sent once */
	ck_assert_int_eq(db_int(R, 0, "SELECT count(*) FROM outbox", ""), mails + 1);
	test_req_free(R);
}
END_TEST

/* A school that said in its latest scan that it would host: its leader is
 * invited to publish, once, whatever the clock sees later. */
static void host_said_yes(struct req *r)
{
	static int year = 2025;
	db_begin(r);
	if (!db_int(r, 0, "SELECT count(*) FROM instruments", ""))
		db_exec(r, "INSERT INTO instruments (version, title, definition) VALUES ('t', 't', '{}')", "");
	db_exec(r, "INSERT INTO scan_cycles (year, instrument_id, status) VALUES (?, 1, 'open')", "i", ++year);
	db_exec(r, "INSERT INTO responses (cycle_id, school_id, status, submitted_at) VALUES (last_insert_rowid(), 1,"
	           " 'submitted', unixepoch())", "");
	db_exec(r, "INSERT INTO answers (response_id, question, value) VALUES (last_insert_rowid(), 'connect_host', 'yes')", "");
	db_commit(r);
}

START_TEST(hosts_invited_once)
{
	R = setup();
	long long now = (long long)time(NULL);
	ck_assert(!seats_due(R, now));
	ck_assert_int_eq(test_run(R, host_said_yes), 0);
	ck_assert(seats_due(R, now));                          /* a scan came in */
	tick(now);
	ck_assert_int_eq(db_int(R, 0, "SELECT count(*) FROM outbox WHERE to_addr = 'l1@example.org'"
	                              " AND subject LIKE 'Would you open%'", ""), 1);
	ck_assert(!seats_due(R, now));                         /* looked at: nothing more to do */
	ck_assert_int_eq(test_run(R, host_said_yes), 0);       /* next year's scan says yes again */
	db_exec(R, "UPDATE responses SET submitted_at = submitted_at + 1", "");
	tick(now);
	ck_assert_int_eq(db_int(R, 0, "SELECT count(*) FROM outbox WHERE subject LIKE 'Would you open%'", ""), 1);
	test_req_free(R);
}
END_TEST

/* A notice is queued as what happened and rendered as it is sent: the
 * booking as it is then, with its invitation; a visitor's notice for a
 * booking that has changed since is not sent (the later one is). */
static struct mail_parts render_out_;
static int render_row(long long id)
{
	return test_render(R, id, seats_render, &render_out_);
}

START_TEST(notices_render_as_they_are_sent)
{
	R = setup();
	long long a;
	ck_assert_int_eq(ask_run(2, 2, 0, &a), SEATS_BOOKED);
	/* Queued small: the event and the record, no text composed yet. */
	long long asked = db_int(R, 0, "SELECT id FROM outbox WHERE to_addr = 'l2@example.org' AND render = 'visit'"
	                               " AND render_ref = ? AND calendar IS NULL", "I", a);
	long long host = db_int(R, 0, "SELECT id FROM outbox WHERE to_addr = 'l1@example.org' AND render = 'hosting'"
	                              " AND render_ref = ?", "I", opp_id);
	ck_assert_int_gt(asked, 0);
	ck_assert_int_gt(host, 0);
	ck_assert_int_lt(db_int(R, 0, "SELECT length(body) FROM outbox WHERE id = ?", "I", asked), 400);

	ck_assert_int_eq(render_row(asked), 1);
	ck_assert(strstr(render_out_.body, "Hello Leader 2,\n\nYour seats are held while the host answers"));
	ck_assert(strstr(render_out_.body, "Status: Waiting for the host"));
	ck_assert_str_eq(render_out_.method, "REQUEST");
	ck_assert(strstr(render_out_.ics, "STATUS:TENTATIVE"));
	ck_assert(strstr(render_out_.ics, "ATTENDEE;CN=Leader 2"));
	ck_assert_int_eq(render_row(host), 1);
	ck_assert(strstr(render_out_.body, "Hello Leader 1,\n\nA school asks for 2 seats"));
	ck_assert(strstr(render_out_.body, "Seats taken: 2 of 3"));
	ck_assert(strstr(render_out_.ics, "UID:opportunity-"));

	/* The host confirms before the first notice went: it is superseded,
	 * and the confirmation renders the booking as it now is. */
	ck_assert(change(a, "confirmed"));
	ck_assert_int_eq(render_row(asked), 0);
	long long confirmed = db_int(R, 0, "SELECT max(id) FROM outbox WHERE to_addr = 'l2@example.org'", "");
	ck_assert_int_eq(render_row(confirmed), 1);
	ck_assert(strstr(render_out_.body, "Your seats at this site visit are confirmed."));
	ck_assert(strstr(render_out_.body, "Status: Confirmed"));
	ck_assert(strstr(render_out_.ics, "STATUS:CONFIRMED"));
	ck_assert(strstr(render_out_.ics, "SEQUENCE:1"));
	/* A host's notice is never superseded: it shows the visit as it is. */
	ck_assert_int_eq(render_row(host), 1);

	/* Cancelled: the notice carries the cancellation; a host who has left
	 * gets nothing. */
	ck_assert(change(a, "cancelled"));
	long long gone = db_int(R, 0, "SELECT max(id) FROM outbox WHERE to_addr = 'l2@example.org'", "");
	ck_assert_int_eq(render_row(gone), 1);
	ck_assert_str_eq(render_out_.method, "CANCEL");
	ck_assert(strstr(render_out_.ics, "METHOD:CANCEL"));
	db_exec(R, "UPDATE users SET active = 0 WHERE id = 1", "");
	ck_assert_int_eq(render_row(host), 0);
	ck_assert_int_eq(seats_render(R, "nothing", 1, 0, "l1@example.org", "", &render_out_), -1);
	test_req_free(R);
}
END_TEST

START_TEST(match_score)
{
	/* Showing what the visitor needs counts most, even farther away. */
	ck_assert(seats_match_score(1, -1, 0, 300, 4) > seats_match_score(0, -1, 0, 10, 4));
	ck_assert(seats_match_score(1, -1, 2, 100, 4) > seats_match_score(1, -1, 0, 100, 4));
	ck_assert(seats_match_score(1, 90, 0, 100, 4) > seats_match_score(1, 40, 0, 100, 4));
	ck_assert(seats_match_score(1, -1, 0, 20, 4) > seats_match_score(1, -1, 0, 400, 4));
	ck_assert(seats_match_score(1, -1, 0, 100, 4) > seats_match_score(1, -1, 0, 100, 1));
	/* A score the viewer may not read neither lifts nor sinks a host:
	 * it ranks as a middling one. */
	ck_assert(seats_match_score(1, -1, 0, 100, 4) == seats_match_score(1, 50, 0, 100, 4));
	/* A host's score does not count where it does not show the need. */
	ck_assert(seats_match_score(0, 100, 0, 100, 4) == seats_match_score(0, 0, 0, 100, 4));
	ck_assert(seats_match_score(1, 100, 9, 0, 10) <= 100.0);
	ck_assert(seats_match_score(0, 0, 0, 1000, 0) >= 0.0);
}
END_TEST

Suite *seats_suite(void)
{
	Suite *s = suite_create("seats");
	TCase *t = tcase_create("ledger");
	tcase_add_test(t, holds_and_full);
	tcase_add_test(t, database_refuses_overbooking);
	tcase_add_test(t, lapse_and_offers_pass_on);
	tcase_add_test(t, a_freed_seat_goes_to_the_first_who_fits);
	tcase_add_test(t, a_booking_reads_no_table_through);
	tcase_add_test(t, every_host_leader_told);
	tcase_add_test(t, reminders_only_for_confirmed);
	tcase_add_test(t, hosts_invited_once);
	tcase_add_test(t, match_score);
	tcase_add_test(t, notices_render_as_they_are_sent);
	suite_add_tcase(s, t);
	return s;
}
