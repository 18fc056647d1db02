/* convening.h — Inspire's annual regional convening: its ledger of places,
 * the waitlist that moves by itself, check-in, and the mail.
 *
 * A convening (one a year) has a capacity and sessions with capacities of
 * their own.  A party asks for `size` places for all its people, in the
 * event and in each session it chose.  registered, offered (freed places
 * held for a waiting party, for offer_hours) and attended hold places;
 * waitlisted waits; cancelled is ended.  The places held are kept by
 * triggers (db/migrations/016_convening.sql) and CHECKs keep them within
 * every capacity, so the database refuses an overfill even if this code
 * were wrong.  Every function here runs inside the caller's write
 * transaction (db_begin) and queues the mail a person should get, each
 * with an iCalendar invitation for that person alone.
 */
#ifndef ILNET_CONVENING_H
#define ILNET_CONVENING_H

struct req;
struct buf;
struct ical_event;

/* Places held by a party in these statuses (SQL list). */
#define CONVENING_HOLDS "('registered', 'offered', 'attended')"

/* People in one party, at most. */
#define CONVENING_PARTY_MAX 20

struct convening {
	long long id, created_by;
	int year, capacity, held, offer_hours, sequence;
	const char *title, *place, *address, *tz, *first_day, *last_day, *day_start, *day_end;
	const char *opens_on, *closes_on, *about;
};

struct party {
	long long id, convening_id, registered_by, school_id, offer_until;
	int size, sequence;
	const char *status, *ended, *note;
};

struct party_person {
	const char *name, *role, *access, *diet;
};

/* Load this year's convening / a party; 0 when there is none. */
int convening_load(struct req *r, int year, struct convening *c);
int convening_party(struct req *r, long long id, struct party *p);

/* Registration is open on day `today` (YYYY-MM-DD in the event's zone):
 * between opens_on and closes_on, both included, and not after the last
 * day.  Pure. */
int convening_open_on(const struct convening *c, const char *today);
/* Today in the event's zone (11 bytes). */
void convening_today(const struct convening *c, char out[11]);

/* A status as people read it ("Registered", "On the waitlist", ...). */
const char *convening_status_label(const char *status);
/* 1 when a party in status `from` may move to `to` by a person's hand
 * (offered→registered: the offer taken; any live status→cancelled;
 * registered↔attended by check-in).  Pure. */
int convening_move_ok(const char *from, const char *to);

enum convening_outcome {
	CONVENING_REGISTERED,   /* places held */
	CONVENING_WAITLISTED,   /* full: on the waitlist, as asked */
	CONVENING_FULL,         /* full, and the waitlist was not asked for */
	CONVENING_TWICE,        /* the person already has a live party */
	CONVENING_CLOSED,       /* registration is not open */
};

/* Register a party of n people (n = its size) for c, for school (0: none),
 * with sessions[0..nsessions) chosen (each of c).  Nobody jumps the
 * waitlist.  *id gets the party's id. */
enum convening_outcome convening_register(struct req *r, const struct convening *c, long long school,
                                          const struct party_person *people, int n, const long long *sessions,
                                          int nsessions, const char *note, int waitlist, long long *id);

/* Move party id to `to` ("registered" from offered, or "cancelled");
 * tell its registrant, and offer freed places to the waitlist.  ended says
 * why a cancellation happened ("you", "staff").  0 when the move is not
 * one the party can make now. */
int convening_change(struct req *r, long long id, const char *to, const char *ended);

/* Mark person in (in = 1) or not (0); the party is attended while any of
 * its people is in.  0 when the person's party holds no places. */
int convening_checkin(struct req *r, long long person, int in);

/* The event's time or place changed (already stored, sequence raised):
 * tell every live party, with an updated invitation. */
void convening_changed(struct req *r, const struct convening *c);

/* Invite, once each, the active leaders whose schools' latest submitted
 * scan said they want to come (want_convening = yes) and who have no live
 * party: returns how many were invited now (0 when sent before). */
int convening_invite(struct req *r, const struct convening *c);

/* The clock: untaken offers due by now pass on (cancelled, "offer not
 * taken") and freed places are offered to the next who fits.
 * convening 0: all; one convening: its free places are offered as well
 * (after its capacity was raised, and before anyone registers).  How many
 * things it did. */
int convening_clock(struct req *r, long long convening, long long now);
/* 1 when an offer is due by now (a read). */
int convening_due(struct req *r, long long now);

/* A registrant's notice (mail_queue_render kind "party"), rendered as the
 * sender sends it: a mail_render_fn (mail.h).  Superseded (0) when the
 * party has changed since it was queued; -1 for a kind that is not this
 * module's. */
struct mail_parts;
int convening_render(struct req *r, const char *kind, long long ref, long long seq, const char *to,
                     const char *lead, struct mail_parts *out);

/* The invitation of party p at c for its registrant (method REQUEST, or
 * CANCEL once cancelled), appended to out: the text the mail carries. */
void convening_ical(struct req *r, const struct convening *c, const struct party *p, struct buf *out);

/* The event's first and last minute as UTC: 0 when they do not exist. */
int convening_span(const struct convening *c, long long *start, long long *end);

/* "Thu 8 Oct 2026 – Fri 9 Oct 2026, 09:00–16:00 CDT": the days and hours
 * in the zone of the place (an arena string). */
const char *convening_when(struct req *r, const struct convening *c);

/* ---- for the school profile's participation timeline ------------------

 * A school's convenings, one per year, oldest first: the year and
 * "attended" (any of its parties was checked in) or "registered" (a party
 * holds places).  Nothing for a school the viewer may not see (the
 * visibility policy) or for parties waitlisted, offered or cancelled.
 * Fills out[0..max) and returns how many. */
struct convening_year {
	int year;
	const char *day;           /* its first day, YYYY-MM-DD */
	const char *status;
};
int convening_participation(struct req *r, long long school_id, struct convening_year *out, int max);

#endif
