/* seats.h — Connect's seat ledger: requests for seats at a site visit,
 * the holds they take, the waitlist, and the clock that lapses holds,
 * passes freed seats on and sends reminders.
 *
 * An opportunity offers seats; a booking asks for `party` of them for one
 * visiting school.  pending (waiting for the host), confirmed and offered
 * (a freed seat offered to the waitlist) hold seats; waitlisted waits;
 * declined, lapsed, cancelled and expired are ended.  The seats held are
 * kept by triggers (db/migrations/011_connect.sql) and a CHECK keeps them
 * within the seats offered, so the database refuses an overbooking even if
 * this code were wrong.  Every function here runs inside the caller's
 * write transaction (db_begin), so a request is all done or not at all.
 *
 * Every change that a person should hear of queues mail in the same
 * transaction (mail_queue_render: what happened, and which record), each
 * message rendered as it is sent with an iCalendar invitation made for
 * that person alone (seats_render).
 */
#ifndef ILNET_SEATS_H
#define ILNET_SEATS_H

struct req;
struct buf;

/* A site visit that happened, for a booking aliased b on its opportunity
 * o: a tie between two schools (profiles, the map, the report). */
#define SEATS_VISITED_SQL "b.status = 'confirmed' AND o.status = 'open' AND o.starts_at <= unixepoch()"

/* How long a freed seat offered to the waitlist waits to be taken. */
#define SEATS_OFFER_HOURS 24

struct opp {
	long long id, school_id, starts_at;
	const char *date, *time, *tz;           /* the wall time and its zone */
	int minutes, seats, held, answer_hours, sequence;
	const char *status, *confirm;           /* open|cancelled, auto|host */
	const char *dimensions, *practices, *grades, *expect, *arrive, *access;
	const char *school, *city, *state;      /* the host school */
};

struct booking {
	long long id, opp_id, school_id, requested_by, hold_until;
	int party, sequence;
	const char *status, *names, *note, *reply;
};

/* Load an opportunity / a booking; 0 when there is none. */
int seats_opp(struct req *r, long long id, struct opp *o);
int seats_booking(struct req *r, long long id, struct booking *b);

/* 1 for a status that holds seats, and for one that is still live (holds
 * or waits). */
int seats_holds(const char *status);
int seats_live(const char *status);

/* A status as a visitor reads it ("Waiting for the host", ...). */
const char *seats_status_label(const char *status);

enum seats_outcome {
	SEATS_BOOKED,       /* confirmed, or pending for the host: seats held */
	SEATS_WAITLISTED,   /* full: on the waitlist */
	SEATS_FULL,         /* full, and the visitor did not ask for the waitlist */
	SEATS_TWICE,        /* the school already has a live booking here */
	SEATS_CLOSED,       /* cancelled, or already begun */
};

/* Ask for party seats at o for school.  Lapsed holds are released first;
 * a request never jumps the waitlist.  *id gets the booking's id. */
enum seats_outcome seats_request(struct req *r, const struct opp *o, long long school, int party,
                                 const char *names, const char *note, int waitlist, long long *id);

/* Move a booking to status `to` (confirmed, declined, cancelled, or
 * confirmed/pending from offered when the visitor takes a freed seat),
 * with the host's message (may be NULL); raise its SEQUENCE, record it,
 * tell the people concerned, and pass freed seats to the waitlist.
 * 0 when the change is not one the booking can make now. */
int seats_change(struct req *r, long long booking, const char *to, const char *reply);

/* Move an opportunity to a new wall time (already checked to exist);
 * every live booking moves with it and its visitors are told. */
void seats_move(struct req *r, const struct opp *o, const char *date, const char *time,
                long long starts_at);

/* Cancel an opportunity and every live booking on it, telling each. */
void seats_cancel_opportunity(struct req *r, const struct opp *o, const char *message);

/* The clock (the mail sender runs it every few seconds; booking runs it
 * for its opportunity first): lapse unanswered requests and untaken offers
 * due by now, offer freed seats, send due reminders for bookings still
 * confirmed, invite schools that said they would host.  opp 0: all.
 * Returns how many things it did. */
int seats_clock(struct req *r, long long opp, long long now);
/* 1 when a hold or a reminder is due by now, or a scan was submitted
 * since the clock last looked for hosts to invite (a read: the clock
 * writes only then). */
int seats_due(struct req *r, long long now);

/* Booking b as an event for its requester alone (ORGANIZER the host's
 * first leader), and opportunity o as an event for one of its hosts. */
struct ical_event;
void seats_booking_event(struct req *r, const struct opp *o, const struct booking *b, struct ical_event *e);
void seats_host_event(struct req *r, const struct opp *o, const char *name, const char *email,
                      struct ical_event *e);

/* A notice queued by this module (mail_queue_render kinds "visit" and
 * "hosting"), rendered as the sender sends it: a mail_render_fn (mail.h).
 * A visitor's notice whose booking has changed since is superseded (0);
 * -1 for a kind that is not this module's. */
struct mail_parts;
int seats_render(struct req *r, const char *kind, long long ref, long long seq, const char *to, const char *lead,
                 struct mail_parts *out);

/* The iCalendar of booking b for its requester (method REQUEST or CANCEL
 * by its status), appended to out: the same text the mail carries. */
void seats_ical(struct req *r, const struct opp *o, const struct booking *b, struct buf *out);

/* A time at o as the viewer reads it: the host's wall time and zone, and
 * the same instant in viewer_tz beside it when that zone differs. */
const char *seats_when(struct req *r, long long starts_at, const char *tz, const char *viewer_tz);

/* The zone the viewer lives in: that of the first school they lead,
 * else Central. */
const char *seats_viewer_tz(struct req *r);

/* How well a visit meets a visiting school's need (0..100, higher is
 * better): whether it shows the visitor's weakest dimension, the host's
 * score there (0..100; -1 when unknown or not the viewer's to read), how
 * many practices it shows there that the visitor lacks, the distance in
 * km (-1 unknown) and its open seats.  Pure. */
double seats_match_score(int shows_need, int host_score, int lacking_shown, double km, int open_seats);

#endif
