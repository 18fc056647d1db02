/* seats.c — Connect's seat ledger, its mail and its clock (see include/seats.h). */
#include "seats.h"
#include "buf.h"
#include "db.h"
#include "ical.h"
#include "mail.h"
#include "money.h"
#include "req.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define OPP_COLUMNS \
	"o.id, o.school_id, o.starts_at, o.local_date, o.local_time, o.tz, o.minutes, o.seats, o.held," \
	" o.answer_hours, o.sequence, o.status, o.confirm, o.dimensions, o.practices, o.grades, o.expect," \
	" o.arrive, o.access, s.name, s.city, s.state_code"

static void opp_read(struct req *r, sqlite3_stmt *st, struct opp *o)
{
	o->id = db_col_int(st, 0);
	o->school_id = db_col_int(st, 1);
	o->starts_at = db_col_int(st, 2);
	o->date = db_col_text(r, st, 3);
	o->time = db_col_text(r, st, 4);
	o->tz = db_col_text(r, st, 5);
	o->minutes = (int)db_col_int(st, 6);
	o->seats = (int)db_col_int(st, 7);
	o->held = (int)db_col_int(st, 8);
	o->answer_hours = (int)db_col_int(st, 9);
	o->sequence = (int)db_col_int(st, 10);
	o->status = db_col_text(r, st, 11);
	o->confirm = db_col_text(r, st, 12);
	o->dimensions = db_col_text(r, st, 13);
	o->practices = db_col_text(r, st, 14);
	o->grades = db_col_text(r, st, 15);
	o->expect = db_col_text(r, st, 16);
	o->arrive = db_col_text(r, st, 17);
	o->access = db_col_text(r, st, 18);
	o->school = db_col_text(r, st, 19);
	o->city = db_col_text(r, st, 20);
	o->state = db_col_text(r, st, 21);
}

int seats_opp(struct req *r, long long id, struct opp *o)
{
	sqlite3_stmt *st = db_q(r, "SELECT " OPP_COLUMNS " FROM opportunities o JOIN schools s ON s.id = o.school_id"
	                           " WHERE o.id = ?", "I", id);
	if (!db_step(r, st))
		return 0;
	opp_read(r, st, o);
	sqlite3_reset(st);
	return 1;
}

int seats_booking(struct req *r, long long id, struct booking *b)
{
	sqlite3_stmt *st = db_q(r, "SELECT id, opportunity_id, school_id, requested_by, coalesce(hold_until, 0), party,"
	                           " sequence, status, names, note, reply FROM bookings WHERE id = ?", "I", id);
	if (!db_step(r, st))
		return 0;
	b->id = db_col_int(st, 0);
	b->opp_id = db_col_int(st, 1);
	b->school_id = db_col_int(st, 2);
	b->requested_by = db_col_int(st, 3);
	b->hold_until = db_col_int(st, 4);
	b->party = (int)db_col_int(st, 5);
	b->sequence = (int)db_col_int(st, 6);
	b->status = db_col_text(r, st, 7);
	b->names = db_col_text(r, st, 8);
	b->note = db_col_text(r, st, 9);
	b->reply = db_col_text(r, st, 10);
	sqlite3_reset(st);
	return 1;
}

int seats_holds(const char *s)
{
	return !strcmp(s, "pending") || !strcmp(s, "confirmed") || !strcmp(s, "offered");
}

int seats_live(const char *s)
{
	return seats_holds(s) || !strcmp(s, "waitlisted");
}

const char *seats_status_label(const char *s)
{
	static const char *const labels[] = {
		"pending", "Waiting for the host's answer", "confirmed", "Confirmed",
		"waitlisted", "On the waitlist", "offered", "A seat is offered to you",
		"declined", "Declined by the host", "lapsed", "Lapsed: the host did not answer in time",
		"cancelled", "Cancelled", "expired", "Offer not taken in time", NULL,
	};
	for (int i = 0; labels[i]; i += 2)
		if (!strcmp(labels[i], s))
			return labels[i + 1];
	return s;
}

/* ---- times ------------------------------------------------------------ */

const char *seats_viewer_tz(struct req *r)
{
	char *tz = r->user ? db_text(r, "SELECT s.tz FROM user_schools us JOIN schools s ON s.id = us.school_id"
	                                " WHERE us.user_id = ? ORDER BY s.id LIMIT 1", "I", r->user->id) : NULL;
	return tz ? tz : "America/Chicago";
}

/* "Tue 8 Dec 2026, 09:30 CST" for t in tz. */
static const char *when_in(struct req *r, long long t, const char *tz, int with_date)
{
	char local[40];
	utc_to_local(t, tz, local, sizeof local);           /* "YYYY-MM-DD HH:MM ZZZ" */
	if (!with_date) {
		char *hm = arena_strdup(&r->arena, local + 11), *sp = strchr(hm, ' ');
		return sp ? arena_printf(&r->arena, "%.*s\u00a0%s", (int)(sp - hm), hm, sp + 1) : hm;
	}
	static const char *const wd[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const mo[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep",
	                                  "Oct", "Nov", "Dec" };
	int y = atoi(local), m = atoi(local + 5), d = atoi(local + 8);
	/* Day of the week of a civil date (Sakamoto's method). */
	static const int k[] = { 0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4 };
	int yy = m < 3 ? y - 1 : y;
	int w = (yy + yy / 4 - yy / 100 + yy / 400 + k[m - 1] + d) % 7;
	/* No-break spaces: a date, or a time and its zone, never wraps inside.
	 * Formatted once into text (arena_printf formats twice: a list page
	 * shows a time on every row). */
	char hm[48], text[128];
	snprintf(hm, sizeof hm, "%s", local + 11);
	char *sp = strchr(hm, ' ');
	if (sp)
		*sp = '\0';
	snprintf(text, sizeof text, "%s\u00a0%d\u00a0%s\u00a0%d, %s\u00a0%s", wd[w], d, mo[m - 1], y, hm, sp ? sp + 1 : "");
	return arena_strdup(&r->arena, text);
}

const char *seats_when(struct req *r, long long starts_at, const char *tz, const char *viewer_tz)
{
	const char *host = when_in(r, starts_at, tz, 1);
	if (!viewer_tz || !strcmp(viewer_tz, tz))
		return host;
	return arena_printf(&r->arena, "%s (%s your time)", host, when_in(r, starts_at, viewer_tz, 0));
}

/* ---- mail ------------------------------------------------------------- */

struct person {
	const char *email, *name;
};

/* Every row (email, name) of st, read before anything is written: all of
 * them, however many (a school's leaders are told, not the first 16). */
static int people_read(struct req *r, sqlite3_stmt *st, struct person **out)
{
	int n = 0, cap = 0;
	struct person *v = NULL;
	while (db_step(r, st)) {
		v = arena_grow(&r->arena, v, n, &cap, sizeof *v);
		v[n].email = db_col_text(r, st, 0);
		v[n].name = db_col_text(r, st, 1);
		n++;
	}
	*out = v;
	return n;
}

static int person_of(struct req *r, long long uid, struct person *p)
{
	sqlite3_stmt *st = db_q(r, "SELECT email, name FROM users WHERE id = ? AND active = 1", "I", uid);
	if (!db_step(r, st))
		return 0;
	p->email = db_col_text(r, st, 0);
	p->name = db_col_text(r, st, 1);
	sqlite3_reset(st);
	return 1;
}

static const char *visit_text(struct req *r, const struct opp *o)
{
	struct buf b = BUF_IN(&r->arena);
	buf_printf(&b, "Site visit to observe practice at %s (%s, %s).\n", o->school, o->city, o->state);
	if (*o->expect)
		buf_printf(&b, "\nWhat to expect:\n%s\n", o->expect);
	if (*o->arrive)
		buf_printf(&b, "\nHow to arrive:\n%s\n", o->arrive);
	if (*o->access)
		buf_printf(&b, "\nAccessibility:\n%s\n", o->access);
	char *s = arena_strdup(&r->arena, b.p ? b.p : "");
	buf_free(&b);
	return s;
}

/* The first active leader of the host school: the ORGANIZER. */
static int host_of(struct req *r, const struct opp *o, struct person *p)
{
	long long uid = db_int(r, 0, "SELECT u.id FROM user_schools us JOIN users u ON u.id = us.user_id"
	                             " WHERE us.school_id = ? AND u.active = 1 AND u.role = 'leader' ORDER BY u.id LIMIT 1",
	                       "I", o->school_id);
	return uid && person_of(r, uid, p);
}

void seats_booking_event(struct req *r, const struct opp *o, const struct booking *b, struct ical_event *e)
{
	struct person to = { "", "" }, host;
	person_of(r, b->requested_by, &to);
	int has_host = host_of(r, o, &host);
	memset(e, 0, sizeof *e);
	e->uid = arena_printf(&r->arena, "booking-%lld@ilnet", b->id);
	e->dtstamp = (long long)time(NULL);
	e->sequence = b->sequence;
	int ended = !seats_live(b->status) || !strcmp(o->status, "cancelled");
	e->status = ended ? "CANCELLED" : !strcmp(b->status, "confirmed") ? "CONFIRMED" : "TENTATIVE";
	e->tzid = o->tz;
	e->date = o->date;
	e->time = o->time;
	e->minutes = o->minutes;
	e->summary = arena_printf(&r->arena, "Site visit: %s", o->school);
	e->description = visit_text(r, o);
	e->location = arena_printf(&r->arena, "%s, %s, %s", o->school, o->city, o->state);
	e->url = arena_printf(&r->arena, "%s/connect/requests/%lld", mail_base_url(), b->id);
	const char *from = getenv("ILNET_MAIL_FROM");
	e->organizer_name = has_host ? host.name : "ilnet";
	e->organizer_email = has_host ? host.email : from && *from ? from : "ilnet@localhost";
	e->attendee_name = to.name;
	e->attendee_email = to.email;
	e->partstat = !strcmp(b->status, "confirmed") ? "ACCEPTED" : ended ? "DECLINED" : "NEEDS-ACTION";
}

void seats_host_event(struct req *r, const struct opp *o, const char *name, const char *email, struct ical_event *e)
{
	memset(e, 0, sizeof *e);
	e->uid = arena_printf(&r->arena, "opportunity-%lld@ilnet", o->id);
	e->dtstamp = (long long)time(NULL);
	e->sequence = o->sequence;
	e->status = strcmp(o->status, "cancelled") ? "CONFIRMED" : "CANCELLED";
	e->tzid = o->tz;
	e->date = o->date;
	e->time = o->time;
	e->minutes = o->minutes;
	e->summary = arena_printf(&r->arena, "Hosting a site visit (%d of %d seats taken)", o->held, o->seats);
	e->description = visit_text(r, o);
	e->location = arena_printf(&r->arena, "%s, %s, %s", o->school, o->city, o->state);
	e->url = arena_printf(&r->arena, "%s/connect/opportunities/%lld", mail_base_url(), o->id);
	e->organizer_name = name;
	e->organizer_email = email;
	e->attendee_name = name;
	e->attendee_email = email;
	e->partstat = "ACCEPTED";
}

void seats_ical(struct req *r, const struct opp *o, const struct booking *b, struct buf *out)
{
	struct ical_event e;
	seats_booking_event(r, o, b, &e);
	ical_message(out, strcmp(e.status, "CANCELLED") ? "REQUEST" : "CANCEL", &e);
}

/* Tell the requester of booking id what just happened (subject, lead):
 * queued as the event, rendered as it is sent (seats_render). */
static void tell_visitor(struct req *r, long long id, const char *subject, const char *lead)
{
	struct booking b;
	struct person to;
	if (!seats_booking(r, id, &b) || !person_of(r, b.requested_by, &to))
		return;
	mail_queue_render(r, to.email, subject, lead, "visit", id, b.sequence);
}

/* Users u who host a visit at school ?1: its active leaders, and the
 * people it named to host (while it is not private). */
#define HOSTS_SQL \
	"u.active = 1 AND u.id IN (SELECT user_id FROM user_schools WHERE school_id = ?1 UNION SELECT h.user_id" \
	" FROM school_hosts h JOIN schools s ON s.id = h.school_id WHERE h.school_id = ?1 AND s.sharing <> 'private')"

/* Tell each active leader of the host school, each with the opportunity as
 * an event of their own (rendered as it is sent). */
static void tell_hosts(struct req *r, const struct opp *o, const char *subject, const char *lead)
{
	sqlite3_stmt *st = db_q(r, "SELECT u.email, u.name FROM users u WHERE " HOSTS_SQL " ORDER BY u.id", "I",
	                        o->school_id);
	struct person *list;
	int n = people_read(r, st, &list);
	for (int i = 0; i < n; i++)
		mail_queue_render(r, list[i].email, subject, lead, "hosting", o->id, o->sequence);
}

/* A visitor's notice: the booking as it is now, unless it has changed
 * since the notice was queued (a later notice tells that). */
static int render_visit(struct req *r, long long id, long long seq, const char *lead, struct mail_parts *out)
{
	struct booking b;
	struct opp o;
	struct person to;
	if (!seats_booking(r, id, &b) || b.sequence != seq || !seats_opp(r, b.opp_id, &o) ||
	    !person_of(r, b.requested_by, &to))
		return 0;
	struct buf ics = BUF_IN(&r->arena);
	seats_ical(r, &o, &b, &ics);
	out->ics = buf_str(&ics);
	out->method = strstr(out->ics, "METHOD:CANCEL") ? "CANCEL" : "REQUEST";
	out->body = arena_printf(&r->arena,
	    "Hello %s,\n\n%s\n\nWhen: %s (%d minutes)\nWhere: %s, %s, %s\nParty: %d\nStatus: %s\n%s%s%s\n"
	    "See or change your request:\n%s/connect/requests/%lld\n",
	    to.name, lead, seats_when(r, o.starts_at, o.tz, NULL), o.minutes, o.school, o.city, o.state, b.party,
	    seats_status_label(b.status), *b.reply ? "\nThe host says:\n" : "", b.reply, *b.reply ? "\n" : "",
	    mail_base_url(), b.id);
	return 1;
}

/* A host's notice: the site visit as it is now, for the host it goes to. */
static int render_hosting(struct req *r, long long id, const char *to, const char *lead, struct mail_parts *out)
{
	struct opp o;
	if (!seats_opp(r, id, &o))
		return 0;
	const char *name = db_text(r, "SELECT u.name FROM users u WHERE u.email = ?2 AND " HOSTS_SQL, "It",
	                           o.school_id, to);
	if (!name)
		return 0;                       /* no longer one of its hosts */
	struct ical_event e;
	seats_host_event(r, &o, name, to, &e);
	struct buf ics = BUF_IN(&r->arena);
	out->method = strcmp(e.status, "CANCELLED") ? "REQUEST" : "CANCEL";
	ical_message(&ics, out->method, &e);
	out->ics = buf_str(&ics);
	out->body = arena_printf(&r->arena, "Hello %s,\n\n%s\n\nWhen: %s\nSeats taken: %d of %d\n\n"
	                         "See the requests and answer them:\n%s/connect/opportunities/%lld\n",
	                         name, lead, seats_when(r, o.starts_at, o.tz, NULL), o.held, o.seats, mail_base_url(),
	                         o.id);
	return 1;
}

int seats_render(struct req *r, const char *kind, long long ref, long long seq, const char *to, const char *lead,
                 struct mail_parts *out)
{
	if (!strcmp(kind, "visit"))
		return render_visit(r, ref, seq, lead, out);
	if (!strcmp(kind, "hosting"))
		return render_hosting(r, ref, to, lead, out);
	return -1;
}

/* ---- the ledger --------------------------------------------------------- */

static void event(struct req *r, long long booking, const char *action, const char *detail)
{
	db_exec(r, "INSERT INTO booking_events (booking_id, user_id, action, detail) VALUES (?, ?, ?, ?)", "IItt",
	        booking, r->user ? r->user->id : 0, action, detail ? detail : "");
}

/* Reminders a week and a day before, for a confirmed booking: only those
 * still ahead.  Moving a visit sets them again. */
static void remind_at(struct req *r, long long booking, long long starts_at)
{
	long long now = (long long)time(NULL);
	db_exec(r, "DELETE FROM booking_reminders WHERE booking_id = ?", "I", booking);
	static const struct { const char *kind; long long before; } when[] = {
		{ "week", 7 * 86400LL }, { "day", 86400LL },
	};
	for (int i = 0; i < 2; i++)
		if (starts_at - when[i].before > now)
			db_exec(r, "INSERT INTO booking_reminders (booking_id, kind, due_at) VALUES (?, ?, ?)", "ItI",
			        booking, when[i].kind, starts_at - when[i].before);
}

/* Set a booking's status; SEQUENCE rises with it. */
static void set_status(struct req *r, long long id, const char *to, long long hold_until, const char *reply)
{
	db_exec(r, "UPDATE bookings SET status = ?, hold_until = nullif(?, 0), sequence = sequence + 1,"
	           " reply = coalesce(?, reply), updated_at = unixepoch() WHERE id = ?",
	        "tItI", to, hold_until, reply, id);
}

/* Offer freed seats at opportunity opp to the waitlist, first come first,
 * skipping a party too large for what is free. */
static int promote(struct req *r, long long opp, long long now)
{
	struct opp o;
	if (!seats_opp(r, opp, &o) || strcmp(o.status, "open") || o.starts_at <= now)
		return 0;
	int done = 0, free_seats = o.seats - o.held;
	while (free_seats > 0) {
		sqlite3_stmt *st = db_q(r, "SELECT id, party FROM bookings WHERE opportunity_id = ? AND status = 'waitlisted'"
		                           " AND party <= ? ORDER BY id LIMIT 1", "Ii", opp, free_seats);
		if (!db_step(r, st))
			break;
		long long id = db_col_int(st, 0);
		int party = (int)db_col_int(st, 1);
		sqlite3_reset(st);
		long long until = now + SEATS_OFFER_HOURS * 3600LL;
		if (until > o.starts_at)
			until = o.starts_at;
		set_status(r, id, "offered", until, NULL);
		event(r, id, "offered", "");
		free_seats -= party;
		done++;
		tell_visitor(r, id, "A seat is free for your site visit",
		             arena_printf(&r->arena, "Seats have opened up for the site visit you were waitlisted for. They"
		                          " are held for you until %s; take them on your request's page.",
		                          seats_when(r, until, o.tz, NULL)));
	}
	return done;
}

enum seats_outcome seats_request(struct req *r, const struct opp *o, long long school, int party,
                                 const char *names, const char *note, int waitlist, long long *id)
{
	long long now = (long long)time(NULL);
	seats_clock(r, o->id, now);
	struct opp cur;
	if (!seats_opp(r, o->id, &cur) || strcmp(cur.status, "open") || cur.starts_at <= now)
		return SEATS_CLOSED;
	if (db_int(r, 0, "SELECT 1 FROM bookings WHERE opportunity_id = ? AND school_id = ? AND status IN"
	                 " ('pending', 'confirmed', 'waitlisted', 'offered')", "II", cur.id, school))
		return SEATS_TWICE;
	/* Nobody jumps the queue: free seats a waiting party fits are theirs
	 * (the clock or the next change offers them); the rest go to whoever
	 * fits, as they would by the waitlist's own rule. */
	int free_seats = cur.seats - cur.held;
	int queue = (int)db_int(r, 0, "SELECT count(*) FROM bookings WHERE opportunity_id = ?"
	                              " AND status = 'waitlisted' AND party <= ?", "Ii", cur.id, free_seats);
	int fits = !queue && party <= free_seats;
	if (!fits && !waitlist)
		return SEATS_FULL;
	const char *status = !fits ? "waitlisted" : !strcmp(cur.confirm, "auto") ? "confirmed" : "pending";
	long long until = 0;
	if (!strcmp(status, "pending")) {
		until = now + cur.answer_hours * 3600LL;
		if (until > cur.starts_at)
			until = cur.starts_at;
	}
	int rc = db_try(r, "INSERT INTO bookings (opportunity_id, school_id, requested_by, party, names, note, status,"
	                   " hold_until) VALUES (?, ?, ?, ?, ?, ?, ?, nullif(?, 0))",
	                "IIIitttI", cur.id, school, r->user->id, party, names, note, status, until);
	if (rc == SQLITE_CONSTRAINT)
		return fits ? SEATS_FULL : SEATS_TWICE;   /* the database's word is final */
	if (rc != SQLITE_DONE)
		req_fail(r, db_error_status(rc), "booking insert failed");
	*id = db_last_id(r);
	event(r, *id, "requested", arena_printf(&r->arena, "%d seat%s", party, party == 1 ? "" : "s"));
	seats_opp(r, cur.id, &cur);
	if (!strcmp(status, "confirmed")) {
		remind_at(r, *id, cur.starts_at);
		tell_visitor(r, *id, "Your site visit is confirmed", "Your seats at this site visit are confirmed.");
		tell_hosts(r, &cur, "A visit was booked", "Visitors booked seats at your site visit (confirmed"
		           " automatically, as you chose).");
	} else if (!strcmp(status, "pending")) {
		tell_visitor(r, *id, "Your site visit request was received",
		             arena_printf(&r->arena, "Your seats are held while the host answers, until %s. If the host"
		                          " has not answered by then, the request lapses and the seats are freed.",
		                          seats_when(r, until, cur.tz, NULL)));
		tell_hosts(r, &cur, "A visit request awaits your answer",
		           arena_printf(&r->arena, "A school asks for %d seat%s at your site visit. Please confirm or decline"
		                        " by %s; after that the request lapses.", party, party == 1 ? "" : "s",
		                        seats_when(r, until, cur.tz, NULL)));
	} else {
		tell_visitor(r, *id, "You are on the waitlist for a site visit",
		             "The site visit is full, so you are on its waitlist. If seats free up, they are offered to"
		             " the first on the list whose party fits, for a limited time.");
	}
	return !strcmp(status, "waitlisted") ? SEATS_WAITLISTED : SEATS_BOOKED;
}

int seats_change(struct req *r, long long id, const char *to, const char *reply)
{
	struct booking b;
	struct opp o;
	long long now = (long long)time(NULL);
	if (!seats_booking(r, id, &b) || !seats_opp(r, b.opp_id, &o))
		return 0;
	const char *from = b.status;
	int ok = (!strcmp(to, "confirmed") && (!strcmp(from, "pending") || !strcmp(from, "offered"))) ||
	         (!strcmp(to, "pending") && !strcmp(from, "offered")) ||
	         (!strcmp(to, "declined") && (!strcmp(from, "pending") || !strcmp(from, "waitlisted"))) ||
	         (!strcmp(to, "cancelled") && seats_live(from));
	if (!ok || strcmp(o.status, "open") || (strcmp(to, "cancelled") && o.starts_at <= now))
		return 0;
	long long until = 0;
	if (!strcmp(to, "pending")) {
		until = now + o.answer_hours * 3600LL;
		if (until > o.starts_at)
			until = o.starts_at;
	}
	set_status(r, id, to, until, reply);
	event(r, id, to, reply);
	seats_opp(r, o.id, &o);
	if (!strcmp(to, "confirmed")) {
		remind_at(r, id, o.starts_at);
		tell_visitor(r, id, "Your site visit is confirmed", "Your seats at this site visit are confirmed.");
		if (!strcmp(from, "offered"))
			tell_hosts(r, &o, "A waitlisted visitor took freed seats", "A school on the waitlist took the seats"
			           " that were freed.");
	} else if (!strcmp(to, "pending")) {
		tell_visitor(r, id, "Your site visit request was received", "You took the freed seats; they are held"
		             " while the host answers.");
		tell_hosts(r, &o, "A visit request awaits your answer", "A school from the waitlist took freed seats"
		           " at your site visit and waits for your answer.");
	} else if (!strcmp(to, "declined")) {
		tell_visitor(r, id, "Your site visit request was declined", "The host could not take your request.");
	} else {
		tell_visitor(r, id, "Your site visit is cancelled", "Your request for this site visit is cancelled, as"
		             " you asked.");
		if (!strcmp(from, "confirmed") || !strcmp(from, "pending"))
			tell_hosts(r, &o, "A visitor cancelled", "A visiting school cancelled its seats at your site visit.");
	}
	promote(r, o.id, now);
	return 1;
}

void seats_move(struct req *r, const struct opp *o, const char *date, const char *time_s, long long starts_at)
{
	db_exec(r, "UPDATE opportunities SET local_date = ?, local_time = ?, starts_at = ?, sequence = sequence + 1"
	           " WHERE id = ?", "ttII", date, time_s, starts_at, o->id);
	sqlite3_stmt *st = db_q(r, "SELECT id, status FROM bookings WHERE opportunity_id = ? AND status IN"
	                           " ('pending', 'confirmed', 'waitlisted', 'offered') ORDER BY id", "I", o->id);
	long long ids[512];
	int conf[512], n = 0;
	while (db_step(r, st))
		if (n < 512) {
			ids[n] = db_col_int(st, 0);
			conf[n++] = !strcmp(db_col_view(st, 1), "confirmed");
		}
	struct opp moved;
	seats_opp(r, o->id, &moved);
	for (int i = 0; i < n; i++) {
		db_exec(r, "UPDATE bookings SET sequence = sequence + 1, updated_at = unixepoch() WHERE id = ?", "I", ids[i]);
		event(r, ids[i], "moved", seats_when(r, starts_at, o->tz, NULL));
		if (conf[i])
			remind_at(r, ids[i], starts_at);
		tell_visitor(r, ids[i], "Your site visit has moved",
		             arena_printf(&r->arena, "The host moved this site visit from %s. Your request moves with it;"
		                          " if the new time does not suit you, cancel it on its page.",
		                          seats_when(r, o->starts_at, o->tz, NULL)));
	}
	tell_hosts(r, &moved, "Your site visit has moved", "You moved this site visit; every visitor has been told.");
}

void seats_cancel_opportunity(struct req *r, const struct opp *o, const char *message)
{
	db_exec(r, "UPDATE opportunities SET status = 'cancelled', sequence = sequence + 1 WHERE id = ?", "I", o->id);
	sqlite3_stmt *st = db_q(r, "SELECT id FROM bookings WHERE opportunity_id = ? AND status IN"
	                           " ('pending', 'confirmed', 'waitlisted', 'offered') ORDER BY id", "I", o->id);
	long long ids[512];
	int n = 0;
	while (db_step(r, st))
		if (n < 512)
			ids[n++] = db_col_int(st, 0);
	for (int i = 0; i < n; i++) {
		set_status(r, ids[i], "cancelled", 0, message && *message ? message : NULL);
		event(r, ids[i], "cancelled by host", message);
		tell_visitor(r, ids[i], "A site visit was cancelled", "The host cancelled this site visit.");
	}
	struct opp gone;
	seats_opp(r, o->id, &gone);
	tell_hosts(r, &gone, "Your site visit is cancelled", "You cancelled this site visit; every visitor has been told.");
}

/* ---- the clock ---------------------------------------------------------- */

static int lapse_due(struct req *r, long long opp, long long now)
{
	/* Through an index either way: one visit's bookings, or the held ones
	 * (a scan of every booking ran inside each booking's write lock). */
	sqlite3_stmt *st = opp
	    ? db_q(r, "SELECT id, opportunity_id, status FROM bookings WHERE opportunity_id = ?2"
	              " AND status IN ('pending', 'offered') AND hold_until <= ?1 ORDER BY id LIMIT 200", "II", now, opp)
	    : db_q(r, "SELECT id, opportunity_id, status FROM bookings INDEXED BY bookings_due"
	              " WHERE status IN ('pending', 'offered') AND hold_until <= ? ORDER BY id LIMIT 200", "I", now);
	struct { long long id, opp; int pending; } due[200];
	int n = 0;
	while (db_step(r, st))
		if (n < 200) {
			due[n].id = db_col_int(st, 0);
			due[n].opp = db_col_int(st, 1);
			due[n].pending = !strcmp(db_col_view(st, 2), "pending");
			n++;
		}
	for (int i = 0; i < n; i++) {
		set_status(r, due[i].id, due[i].pending ? "lapsed" : "expired", 0, NULL);
		event(r, due[i].id, due[i].pending ? "lapsed" : "expired", "");
		tell_visitor(r, due[i].id, due[i].pending ? "Your site visit request lapsed" : "The offered seats have passed on",
		             due[i].pending ? "The host did not answer your request in time, so it lapsed and its seats were"
		                              " freed. You may ask again, or find another visit."
		                            : "The seats offered to you were not taken in time, so they passed to the next"
		                              " school on the waitlist.");
	}
	for (int i = 0; i < n; i++)
		promote(r, due[i].opp, now);
	return n;
}

static int remind_due(struct req *r, long long now)
{
	sqlite3_stmt *st = db_q(r, "SELECT m.booking_id, m.kind, b.status = 'confirmed' AND o.status = 'open'"
	                           " AND o.starts_at > ? FROM booking_reminders m JOIN bookings b ON b.id = m.booking_id"
	                           " JOIN opportunities o ON o.id = b.opportunity_id"
	                           " WHERE m.sent_at IS NULL AND m.due_at <= ? ORDER BY m.due_at LIMIT 200", "II", now, now);
	struct { long long id; int week, live; } due[200];
	int n = 0;
	while (db_step(r, st))
		if (n < 200) {
			due[n].id = db_col_int(st, 0);
			due[n].week = !strcmp(db_col_view(st, 1), "week");
			due[n].live = (int)db_col_int(st, 2);
			n++;
		}
	for (int i = 0; i < n; i++) {
		/* Checked again as it is sent: a cancelled booking is never reminded. */
		db_exec(r, "UPDATE booking_reminders SET sent_at = ? WHERE booking_id = ? AND kind = ?", "IIt", now,
		        due[i].id, due[i].week ? "week" : "day");
		if (due[i].live)
			tell_visitor(r, due[i].id, due[i].week ? "Your site visit is a week away" : "Your site visit is tomorrow",
			             "A reminder of your confirmed site visit.");
	}
	return n;
}

/* Schools whose latest submitted scan says they would host, and that have
 * not been invited: one mail to their leaders, never twice.  Only scans
 * submitted since the last look are read (a watermark in settings). */
#define INVITE_BATCH 5000

static long long invites_through(struct req *r)
{
	const char *v = db_setting(r, "connect_invites_through");
	return v ? atoll(v) : 0;
}

static int invite_hosts(struct req *r)
{
	sqlite3_stmt *st = db_q(r, "SELECT school_id, max(submitted_at) FROM responses WHERE status = 'submitted'"
	                           " AND submitted_at > ? GROUP BY school_id ORDER BY 2 LIMIT ?", "Ii",
	                        invites_through(r), INVITE_BATCH);
	long long *ids = arena_alloc(&r->arena, sizeof *ids * INVITE_BATCH);
	long long lo = 0, hi = 0;
	int n = 0, sent = 0;
	while (db_step(r, st)) {
		ids[n++] = db_col_int(st, 0);
		hi = db_col_int(st, 1);
		if (!lo)
			lo = hi;
	}
	for (int i = 0; i < n; i++) {
		char *answer = db_text(r, "SELECT a.value FROM responses p JOIN scan_cycles c ON c.id = p.cycle_id"
		                          " JOIN answers a ON a.response_id = p.id AND a.question = 'connect_host'"
		                          " WHERE p.school_id = ? AND p.status = 'submitted' ORDER BY c.year DESC LIMIT 1",
		                       "I", ids[i]);
		if (!answer || strcmp(answer, "yes") ||
		    db_try(r, "INSERT INTO host_invitations (school_id) VALUES (?)", "I", ids[i]) != SQLITE_DONE)
			continue;           /* not a host, or invited already */
		char *name = db_text(r, "SELECT name FROM schools WHERE id = ?", "I", ids[i]);
		sqlite3_stmt *u = db_q(r, "SELECT u.email, u.name FROM user_schools us JOIN users u ON u.id = us.user_id"
		                          " WHERE us.school_id = ? AND u.active = 1 AND u.role = 'leader' ORDER BY u.id",
		                       "I", ids[i]);
		struct person *to;
		int k = people_read(r, u, &to);
		for (int j = 0; j < k; j++)
			mail_queue(r, to[j].email, "Would you open your doors to visitors?",
			           arena_printf(&r->arena, "Hello %s,\n\nIn the regional scan you said %s would host a site"
			                        " visit so that other schools can observe its practice. Thank you! You can"
			                        " publish dates, seats and what visitors will see here:\n%s/connect/host\n",
			                        to[j].name, name ? name : "your school", mail_base_url()));
		sent++;
	}
	/* A full batch may have stopped inside a second: look at that second again. */
	if (n)
		db_exec(r, "INSERT INTO settings (key, value) VALUES ('connect_invites_through', ?)"
		           " ON CONFLICT (key) DO UPDATE SET value = excluded.value", "t",
		        arena_printf(&r->arena, "%lld", n == INVITE_BATCH && hi > lo ? hi - 1 : hi));
	return sent;
}

int seats_due(struct req *r, long long now)
{
	return (int)db_int(r, 0, "SELECT EXISTS (SELECT 1 FROM bookings WHERE status IN ('pending', 'offered')"
	                         " AND hold_until <= ?1) OR EXISTS (SELECT 1 FROM booking_reminders"
	                         " WHERE sent_at IS NULL AND due_at <= ?1) OR EXISTS (SELECT 1 FROM responses"
	                         " WHERE status = 'submitted' AND submitted_at > ?2)", "II", now, invites_through(r));
}

int seats_clock(struct req *r, long long opp, long long now)
{
	int n = lapse_due(r, opp, now);
	if (!opp) {
		n += remind_due(r, now);
		n += invite_hosts(r);
	}
	return n;
}

/* ---- matching ----------------------------------------------------------- */

double seats_match_score(int shows_need, int host_score, int lacking_shown, double km, int open_seats)
{
	/* Showing the dimension the visitor needs counts most; then practices
	 * it lacks on show (three are plenty), then the host's strength there
	 * (unknown counts as middling, so a score the viewer may not read
	 * neither lifts nor sinks a host), nearness (a day's drive, 500 km, is
	 * the horizon) and open seats (a few are enough). */
	double strength = host_score < 0 ? 0.5 : host_score / 100.0;
	double lacking = lacking_shown >= 3 ? 1 : lacking_shown / 3.0;
	double near = km < 0 ? 0.3 : km >= 500 ? 0 : 1 - km / 500;
	double seats = open_seats <= 0 ? 0 : open_seats >= 4 ? 1 : open_seats / 4.0;
	return 35 * (shows_need ? 1 : 0) + 20 * lacking + 15 * (shows_need ? strength : 0) + 20 * near + 10 * seats;
}
