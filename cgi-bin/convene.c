/* convene.c — the convening's ledger of places, its waitlist, check-in,
 * mail and clock (see include/convening.h).  The pages are convening.c. */
#include "convening.h"
#include "buf.h"
#include "db.h"
#include "ical.h"
#include "mail.h"
#include "money.h"
#include "policy.h"
#include "req.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CONVENING_COLUMNS \
	"id, created_by, year, capacity, held, offer_hours, sequence, title, place, address, tz, first_day," \
	" last_day, day_start, day_end, opens_on, closes_on, about"

static int convening_read(struct req *r, sqlite3_stmt *st, struct convening *c)
{
	if (!db_step(r, st))
		return 0;
	c->id = db_col_int(st, 0);
	c->created_by = db_col_int(st, 1);
	c->year = (int)db_col_int(st, 2);
	c->capacity = (int)db_col_int(st, 3);
	c->held = (int)db_col_int(st, 4);
	c->offer_hours = (int)db_col_int(st, 5);
	c->sequence = (int)db_col_int(st, 6);
	const char **text[] = { &c->title, &c->place, &c->address, &c->tz, &c->first_day, &c->last_day,
	                        &c->day_start, &c->day_end, &c->opens_on, &c->closes_on, &c->about };
	for (int i = 0; i < 11; i++)
		*text[i] = db_col_text(r, st, 7 + i);
	sqlite3_reset(st);
	return 1;
}

int convening_load(struct req *r, int year, struct convening *c)
{
	return convening_read(r, db_q(r, "SELECT " CONVENING_COLUMNS " FROM convenings WHERE year = ?", "i", year), c);
}

static int convening_by_id(struct req *r, long long id, struct convening *c)
{
	return convening_read(r, db_q(r, "SELECT " CONVENING_COLUMNS " FROM convenings WHERE id = ?", "I", id), c);
}

int convening_party(struct req *r, long long id, struct party *p)
{
	sqlite3_stmt *st = db_q(r, "SELECT id, convening_id, registered_by, coalesce(school_id, 0), coalesce(offer_until, 0),"
	                           " size, sequence, status, ended, note FROM parties WHERE id = ?", "I", id);
	if (!db_step(r, st))
		return 0;
	p->id = db_col_int(st, 0);
	p->convening_id = db_col_int(st, 1);
	p->registered_by = db_col_int(st, 2);
	p->school_id = db_col_int(st, 3);
	p->offer_until = db_col_int(st, 4);
	p->size = (int)db_col_int(st, 5);
	p->sequence = (int)db_col_int(st, 6);
	p->status = db_col_text(r, st, 7);
	p->ended = db_col_text(r, st, 8);
	p->note = db_col_text(r, st, 9);
	sqlite3_reset(st);
	return 1;
}

int convening_open_on(const struct convening *c, const char *today)
{
	return strcmp(today, c->opens_on) >= 0 && strcmp(today, c->closes_on) <= 0 && strcmp(today, c->last_day) <= 0;
}

void convening_today(const struct convening *c, char out[11])
{
	char s[40];
	utc_to_local((long long)time(NULL), c->tz, s, sizeof s);
	snprintf(out, 11, "%.10s", s);
}

const char *convening_status_label(const char *s)
{
	static const char *const labels[] = {
		"registered", "Registered", "waitlisted", "On the waitlist", "offered", "Offered a place: take it in time",
		"cancelled", "Cancelled", "attended", "Attended", NULL,
	};
	for (int i = 0; labels[i]; i += 2)
		if (!strcmp(labels[i], s))
			return labels[i + 1];
	return s;
}

int convening_move_ok(const char *from, const char *to)
{
	if (!strcmp(to, "registered"))
		return !strcmp(from, "offered") || !strcmp(from, "attended");
	if (!strcmp(to, "cancelled"))
		return !strcmp(from, "registered") || !strcmp(from, "waitlisted") || !strcmp(from, "offered");
	if (!strcmp(to, "attended"))
		return !strcmp(from, "registered");
	return 0;
}

int convening_span(const struct convening *c, long long *start, long long *end)
{
	return local_to_utc(c->first_day, c->day_start, c->tz, start) &&
	       local_to_utc(c->last_day, c->day_end, c->tz, end) && *end > *start;
}

/* ---- mail ------------------------------------------------------------- */

struct person {
	const char *email, *name;
};

static int person_of(struct req *r, long long uid, struct person *p, int active_only)
{
	sqlite3_stmt *st = db_q(r, "SELECT email, name FROM users WHERE id = ? AND (active = 1 OR ? = 0)", "Ii", uid,
	                        active_only);
	if (!db_step(r, st))
		return 0;
	p->email = db_col_text(r, st, 0);
	p->name = db_col_text(r, st, 1);
	sqlite3_reset(st);
	return 1;
}

/* "Thu 8 Oct 2026" for a date. */
static const char *day_text(struct req *r, const char *date)
{
	static const char *const wd[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const mo[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep",
	                                  "Oct", "Nov", "Dec" };
	int y = atoi(date), m = atoi(date + 5), d = atoi(date + 8);
	if (m < 1 || m > 12)
		return date;
	static const int k[] = { 0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4 };
	int yy = m < 3 ? y - 1 : y;
	int w = (yy + yy / 4 - yy / 100 + yy / 400 + k[m - 1] + d) % 7;
	return arena_printf(&r->arena, "%s\u00a0%d\u00a0%s\u00a0%d", wd[w], d, mo[m - 1], y);
}

const char *convening_when(struct req *r, const struct convening *c)
{
	long long start = 0, end = 0;
	char z[40] = "";
	if (convening_span(c, &start, &end))
		utc_to_local(start, c->tz, z, sizeof z);
	const char *zone = strlen(z) > 17 ? z + 17 : "";
	const char *days = strcmp(c->first_day, c->last_day)
	                       ? arena_printf(&r->arena, "%s – %s", day_text(r, c->first_day), day_text(r, c->last_day))
	                       : day_text(r, c->first_day);
	return arena_printf(&r->arena, "%s, %s–%s\u00a0%s", days, c->day_start, c->day_end, zone);
}

static void party_event(struct req *r, const struct convening *c, const struct party *p, struct ical_event *e)
{
	struct person to = { "", "" }, org = { "", "" };
	person_of(r, p->registered_by, &to, 0);
	person_of(r, c->created_by, &org, 0);
	long long start = 0, end = 0;
	convening_span(c, &start, &end);
	memset(e, 0, sizeof *e);
	e->uid = arena_printf(&r->arena, "convening-party-%lld@ilnet", p->id);
	e->dtstamp = (long long)time(NULL);
	e->sequence = p->sequence + c->sequence;       /* both only rise */
	int ended = !strcmp(p->status, "cancelled");
	int held = !strcmp(p->status, "registered") || !strcmp(p->status, "attended");
	e->status = ended ? "CANCELLED" : held ? "CONFIRMED" : "TENTATIVE";
	e->tzid = c->tz;
	e->date = c->first_day;
	e->time = c->day_start;
	e->minutes = (int)((end - start) / 60);
	e->summary = c->title;
	e->description = arena_printf(&r->arena, "%s\n\nYour party: %d %s. Status: %s.", c->about, p->size,
	                              p->size == 1 ? "person" : "people", convening_status_label(p->status));
	e->location = *c->address ? arena_printf(&r->arena, "%s, %s", c->place, c->address) : c->place;
	e->url = arena_printf(&r->arena, "%s/convening/%d/parties/%lld", mail_base_url(), c->year, p->id);
	const char *from = getenv("ILNET_MAIL_FROM");
	e->organizer_name = *org.email ? org.name : "ilnet";
	e->organizer_email = *org.email ? org.email : from && *from ? from : "ilnet@example.org";
	e->attendee_name = to.name;
	e->attendee_email = to.email;
	e->partstat = held ? "ACCEPTED" : ended ? "DECLINED" : "NEEDS-ACTION";
}

void convening_ical(struct req *r, const struct convening *c, const struct party *p, struct buf *out)
{
	struct ical_event e;
	party_event(r, c, p, &e);
	ical_message(out, strcmp(e.status, "CANCELLED") ? "REQUEST" : "CANCEL", &e);
}

/* The people of a party, one a line, for a mail. */
static const char *people_text(struct req *r, long long party)
{
	struct buf b = BUF_IN(&r->arena);
	sqlite3_stmt *st = db_q(r, "SELECT name, role FROM party_people WHERE party_id = ? ORDER BY position", "I", party);
	while (db_step(r, st)) {
		const char *role = db_col_view(st, 1);
		buf_printf(&b, "  %s%s%s\n", db_col_view(st, 0), *role ? ", " : "", role);
	}
	char *s = arena_strdup(&r->arena, b.p ? b.p : "");
	buf_free(&b);
	return s;
}

static const char *sessions_text(struct req *r, long long party)
{
	struct buf b = BUF_IN(&r->arena);
	sqlite3_stmt *st = db_q(r, "SELECT s.title, s.day, s.starts FROM party_sessions ps JOIN convening_sessions s"
	                           " ON s.id = ps.session_id WHERE ps.party_id = ? ORDER BY s.day, s.starts, s.id", "I", party);
	while (db_step(r, st))
		buf_printf(&b, "  %s (%s %s)\n", db_col_view(st, 0), db_col_view(st, 1), db_col_view(st, 2));
	char *s = arena_strdup(&r->arena, b.p ? b.p : "  none chosen\n");
	buf_free(&b);
	return s;
}

/* Tell the registrant of party id what just happened (subject, lead):
 * queued as the event, rendered as it is sent (convening_render). */
static void tell(struct req *r, long long id, const char *subject, const char *lead)
{
	struct party p;
	struct convening c;
	struct person to;
	if (!convening_party(r, id, &p) || !convening_by_id(r, p.convening_id, &c) ||
	    !person_of(r, p.registered_by, &to, 1))
		return;
	mail_queue_render(r, to.email, subject, lead, "party", id, p.sequence);
}

int convening_render(struct req *r, const char *kind, long long ref, long long seq, const char *to_addr,
                     const char *lead, struct mail_parts *out)
{
	(void)to_addr;
	if (strcmp(kind, "party"))
		return -1;
	struct party p;
	struct convening c;
	struct person to;
	/* The party changed since: a later notice says so.  (The event's own
	 * changes are told to live parties alone; a notice queued before one
	 * goes, with the event as it is now.) */
	if (!convening_party(r, ref, &p) || !convening_by_id(r, p.convening_id, &c) || p.sequence != seq ||
	    !person_of(r, p.registered_by, &to, 1))
		return 0;
	struct buf ics = BUF_IN(&r->arena);
	convening_ical(r, &c, &p, &ics);
	out->ics = buf_str(&ics);
	out->method = strstr(out->ics, "METHOD:CANCEL") ? "CANCEL" : "REQUEST";
	out->body = arena_printf(&r->arena,
	    "Hello %s,\n\n%s\n\n%s\nWhen: %s\nWhere: %s%s%s\nStatus: %s\n\nYour party (%d):\n%s\nSessions:\n%s\n"
	    "See your registration, or cancel it:\n%s/convening/%d/parties/%lld\n",
	    to.name, lead, c.title, convening_when(r, &c), c.place, *c.address ? ", " : "", c.address,
	    convening_status_label(p.status), p.size, people_text(r, p.id), sessions_text(r, p.id), mail_base_url(),
	    c.year, p.id);
	return 1;
}

/* ---- the ledger --------------------------------------------------------- */

static void log_event(struct req *r, long long party, const char *action, const char *detail)
{
	db_exec(r, "INSERT INTO party_events (party_id, user_id, action, detail) VALUES (?, nullif(?, 0), ?, ?)", "IItt",
	        party, r->user ? r->user->id : 0, action, detail ? detail : "");
}

static void set_status(struct req *r, long long id, const char *to, long long offer_until, const char *ended)
{
	db_exec(r, "UPDATE parties SET status = ?, offer_until = nullif(?, 0), ended = ?, sequence = sequence + 1,"
	           " updated_at = unixepoch() WHERE id = ?", "tItI", to, offer_until, ended ? ended : "", id);
}

/* The first waiting party of convening conv that fits the free places of
 * the event (free) and of every session it chose; 0 for none. */
static long long first_fitting(struct req *r, long long conv, int free_places)
{
	return db_int(r, 0, "SELECT p.id FROM parties p WHERE p.convening_id = ? AND p.status = 'waitlisted'"
	                    " AND p.size <= ? AND NOT EXISTS (SELECT 1 FROM party_sessions ps JOIN convening_sessions s"
	                    " ON s.id = ps.session_id WHERE ps.party_id = p.id AND s.capacity - s.held < p.size)"
	                    " ORDER BY p.id LIMIT 1", "Ii", conv, free_places);
}

/* Offer freed places to the waitlist, first come first, skipping a party
 * that does not fit; each offer held for offer_hours (never past the
 * start).  Returns how many were offered. */
static int promote(struct req *r, long long conv, long long now)
{
	struct convening c;
	long long start, end;
	if (!convening_by_id(r, conv, &c) || !convening_span(&c, &start, &end) || start <= now)
		return 0;
	int done = 0;
	for (;;) {
		convening_by_id(r, conv, &c);
		long long id = first_fitting(r, conv, c.capacity - c.held);
		if (!id)
			break;
		long long until = now + c.offer_hours * 3600LL;
		if (until > start)
			until = start;
		set_status(r, id, "offered", until, NULL);
		log_event(r, id, "offered", "");
		char local[40];
		utc_to_local(until, c.tz, local, sizeof local);
		tell(r, id, "A place is free for you at the convening",
		     arena_printf(&r->arena, "Places have opened up at the convening you were waitlisted for. They are held"
		                  " for your party until %s; take them on your registration's page, or they pass to the"
		                  " next on the waitlist.", local));
		done++;
	}
	return done;
}

enum convening_outcome convening_register(struct req *r, const struct convening *cv, long long school,
                                          const struct party_person *people, int n, const long long *sessions,
                                          int nsessions, const char *note, int waitlist, long long *id)
{
	long long now = (long long)time(NULL);
	convening_clock(r, cv->id, now);
	struct convening c;
	char today[11];
	if (!convening_by_id(r, cv->id, &c))
		return CONVENING_CLOSED;
	convening_today(&c, today);
	if (!convening_open_on(&c, today) || n < 1 || n > CONVENING_PARTY_MAX)
		return CONVENING_CLOSED;
	if (db_int(r, 0, "SELECT 1 FROM parties WHERE convening_id = ? AND registered_by = ? AND status <> 'cancelled'",
	           "II", c.id, r->user->id))
		return CONVENING_TWICE;
	/* Nobody jumps the queue: while a waiting party fits what is free,
	 * the places are theirs (the next change or the clock offers them). */
	int fits = n <= c.capacity - c.held && !first_fitting(r, c.id, c.capacity - c.held);
	for (int i = 0; fits && i < nsessions; i++)
		fits = db_int(r, 0, "SELECT capacity - held FROM convening_sessions WHERE id = ? AND convening_id = ?", "II",
		              sessions[i], c.id) >= n;
	if (!fits && !waitlist)
		return CONVENING_FULL;
	const char *status = fits ? "registered" : "waitlisted";
	int rc = db_try(r, "INSERT INTO parties (convening_id, registered_by, school_id, size, status, note)"
	                   " VALUES (?, ?, nullif(?, 0), ?, ?, ?)", "IIIitt", c.id, r->user->id, school, n, status,
	                note ? note : "");
	if (rc == SQLITE_CONSTRAINT)
		return fits ? CONVENING_FULL : CONVENING_TWICE;   /* the database's word is final */
	if (rc != SQLITE_DONE)
		req_fail(r, db_error_status(rc), "party insert failed");
	*id = db_last_id(r);
	for (int i = 0; i < n; i++)
		db_exec(r, "INSERT INTO party_people (party_id, position, name, role, access, diet) VALUES (?, ?, ?, ?, ?, ?)",
		        "Iitttt", *id, i + 1, people[i].name, people[i].role ? people[i].role : "",
		        people[i].access ? people[i].access : "", people[i].diet ? people[i].diet : "");
	for (int i = 0; i < nsessions; i++) {
		rc = db_try(r, "INSERT OR IGNORE INTO party_sessions (party_id, session_id) SELECT ?, id FROM convening_sessions"
		               " WHERE id = ? AND convening_id = ?", "III", *id, sessions[i], c.id);
		if (rc != SQLITE_DONE)      /* checked above in this transaction: cannot be full now */
			req_fail(r, 409, "a session filled while registering");
	}
	log_event(r, *id, "registered", arena_printf(&r->arena, "%d %s%s", n, n == 1 ? "person" : "people",
	                                              fits ? "" : ", waitlisted"));
	if (fits)
		tell(r, *id, "You are registered for the convening",
		     "Your party's places at the regional convening are confirmed. The invitation is attached for your"
		     " calendar.");
	else
		tell(r, *id, "You are on the waitlist for the convening",
		     arena_printf(&r->arena, "The convening (or a session you chose) is full, so your party is on the"
		                  " waitlist. When places free up, they are offered to the first party on the list that"
		                  " fits, for %d hours.", c.offer_hours));
	return fits ? CONVENING_REGISTERED : CONVENING_WAITLISTED;
}

int convening_change(struct req *r, long long id, const char *to, const char *ended)
{
	struct party p;
	struct convening c;
	long long now = (long long)time(NULL), start, end;
	if (!convening_party(r, id, &p) || !convening_by_id(r, p.convening_id, &c) || !convening_span(&c, &start, &end))
		return 0;
	if (strcmp(to, "registered") && strcmp(to, "cancelled"))
		return 0;
	if (!convening_move_ok(p.status, to) || !strcmp(p.status, "attended"))
		return 0;
	if (!strcmp(to, "registered") && p.offer_until <= now)
		return 0;           /* the offer passed on (the clock will say so) */
	if (end <= now)
		return 0;
	int rc = db_try(r, "UPDATE parties SET status = ?, offer_until = NULL, ended = ?, sequence = sequence + 1,"
	                   " updated_at = unixepoch() WHERE id = ?", "ttI", to, !strcmp(to, "cancelled") && ended ? ended : "",
	                id);
	if (rc != SQLITE_DONE)
		return 0;
	log_event(r, id, !strcmp(to, "registered") ? "took the offered places" : "cancelled", ended);
	if (!strcmp(to, "registered"))
		tell(r, id, "You are registered for the convening", "You took the places offered to your party: they are"
		     " confirmed.");
	else
		tell(r, id, "Your convening registration is cancelled", !strcmp(ended ? ended : "", "staff")
		     ? "Foundation staff cancelled your party's registration." : "Your party's registration is cancelled,"
		     " as you asked. Its places pass to the waitlist.");
	promote(r, c.id, now);
	return 1;
}

int convening_checkin(struct req *r, long long person, int in)
{
	long long party = db_int(r, 0, "SELECT pp.party_id FROM party_people pp JOIN parties p ON p.id = pp.party_id"
	                               " WHERE pp.id = ? AND p.status IN ('registered', 'attended')", "I", person);
	if (!party)
		return 0;
	db_exec(r, "UPDATE party_people SET checked_in_at = CASE WHEN ?1 THEN coalesce(checked_in_at, unixepoch()) END,"
	           " checked_in_by = CASE WHEN ?1 THEN coalesce(checked_in_by, ?2) END WHERE id = ?3", "iII", in,
	        r->user ? r->user->id : 0, person);
	db_exec(r, "UPDATE parties SET status = CASE WHEN EXISTS (SELECT 1 FROM party_people WHERE party_id = ?1"
	           " AND checked_in_at IS NOT NULL) THEN 'attended' ELSE 'registered' END, updated_at = unixepoch()"
	           " WHERE id = ?1", "I", party);
	log_event(r, party, in ? "checked in" : "check-in undone",
	          db_text(r, "SELECT name FROM party_people WHERE id = ?", "I", person));
	return 1;
}

void convening_changed(struct req *r, const struct convening *c)
{
	sqlite3_stmt *st = db_q(r, "SELECT id FROM parties WHERE convening_id = ? AND status IN ('registered', 'waitlisted',"
	                           " 'offered', 'attended') ORDER BY id", "I", c->id);
	int cap = 0, n = 0;
	long long *ids = NULL;
	while (db_step(r, st)) {
		ids = arena_grow(&r->arena, ids, n, &cap, sizeof *ids);
		ids[n++] = db_col_int(st, 0);
	}
	for (int i = 0; i < n; i++) {
		log_event(r, ids[i], "event changed", convening_when(r, c));
		tell(r, ids[i], "The convening has changed", "Foundation staff changed the convening's time or place. Your"
		     " registration stays as it was; the updated invitation is attached.");
	}
	promote(r, c->id, (long long)time(NULL));
}

int convening_invite(struct req *r, const struct convening *c)
{
	sqlite3_stmt *st = db_q(r,
	    "SELECT DISTINCT u.id, u.email, u.name FROM users u JOIN user_schools us ON us.user_id = u.id"
	    " WHERE u.active = 1 AND u.role = 'leader' AND us.school_id IN ("
	    "   SELECT p.school_id FROM responses p JOIN scan_cycles y ON y.id = p.cycle_id"
	    "   JOIN answers a ON a.response_id = p.id AND a.question = 'want_convening' AND a.value = 'yes'"
	    "   WHERE p.status = 'submitted' AND y.year = (SELECT max(y2.year) FROM responses p2"
	    "     JOIN scan_cycles y2 ON y2.id = p2.cycle_id WHERE p2.school_id = p.school_id AND p2.status = 'submitted'))"
	    " AND u.id NOT IN (SELECT user_id FROM convening_invitations WHERE convening_id = ?1)"
	    " AND u.id NOT IN (SELECT registered_by FROM parties WHERE convening_id = ?1 AND status <> 'cancelled')"
	    " ORDER BY u.id", "I", c->id);
	int cap = 0, n = 0;
	struct { long long id; const char *email, *name; } *to = NULL;
	while (db_step(r, st)) {
		to = arena_grow(&r->arena, to, n, &cap, sizeof *to);
		to[n].id = db_col_int(st, 0);
		to[n].email = db_col_text(r, st, 1);
		to[n].name = db_col_text(r, st, 2);
		n++;
	}
	int sent = 0;
	for (int i = 0; i < n; i++) {
		if (db_try(r, "INSERT INTO convening_invitations (convening_id, user_id) VALUES (?, ?)", "II", c->id,
		           to[i].id) != SQLITE_DONE)
			continue;
		mail_queue(r, to[i].email, arena_printf(&r->arena, "You are invited: %s", c->title),
		           arena_printf(&r->arena, "Hello %s,\n\nIn the regional scan you said you would like to attend the"
		                        " annual regional convening. It is on:\n\n%s\nWhen: %s\nWhere: %s%s%s\n\n"
		                        "Registration is open from %s to %s. Register your party (names, roles, any"
		                        " accessibility or dietary needs) here:\n%s/convening/%d\n",
		                        to[i].name, c->title, convening_when(r, c), c->place, *c->address ? ", " : "",
		                        c->address, c->opens_on, c->closes_on, mail_base_url(), c->year));
		sent++;
	}
	return sent;
}

/* ---- the clock ---------------------------------------------------------- */

int convening_due(struct req *r, long long now)
{
	return (int)db_int(r, 0, "SELECT EXISTS (SELECT 1 FROM parties WHERE status = 'offered' AND offer_until <= ?)",
	                   "I", now);
}

int convening_clock(struct req *r, long long conv, long long now)
{
	/* Through an index either way (as seats.c's lapse_due). */
	sqlite3_stmt *st = conv
	    ? db_q(r, "SELECT id, convening_id FROM parties WHERE convening_id = ?2 AND status = 'offered'"
	              " AND offer_until <= ?1 ORDER BY id LIMIT 200", "II", now, conv)
	    : db_q(r, "SELECT id, convening_id FROM parties INDEXED BY parties_due WHERE status = 'offered'"
	              " AND offer_until <= ? ORDER BY id LIMIT 200", "I", now);
	struct { long long id, conv; } due[200];
	int n = 0;
	while (db_step(r, st))
		if (n < 200) {
			due[n].id = db_col_int(st, 0);
			due[n].conv = db_col_int(st, 1);
			n++;
		}
	for (int i = 0; i < n; i++) {
		set_status(r, due[i].id, "cancelled", 0, "offer not taken");
		log_event(r, due[i].id, "offer passed on", "not taken in time");
		tell(r, due[i].id, "The offered places have passed on", "The places offered to your party were not taken in"
		     " time, so they passed to the next party on the waitlist. You may register again while registration"
		     " is open.");
	}
	int done = n;
	for (int i = 0; i < n; i++)
		done += promote(r, due[i].conv, now);
	/* One convening asked for: places freed some other way (a capacity
	 * raised) go to the waitlist too, before anyone new registers. */
	if (conv)
		done += promote(r, conv, now);
	return done;
}

/* ---- the profile's timeline --------------------------------------------- */

int convening_participation(struct req *r, long long school_id, struct convening_year *out, int max)
{
	if (policy_school(r, school_id) == VIS_HIDDEN)
		return 0;
	sqlite3_stmt *st = db_q(r, "SELECT c.year, max(p.status = 'attended'), c.first_day FROM parties p JOIN convenings c"
	                           " ON c.id = p.convening_id WHERE p.school_id = ? AND p.status IN ('registered', 'attended')"
	                           " GROUP BY c.year ORDER BY c.year", "I", school_id);
	int n = 0;
	while (db_step(r, st))
		if (n < max) {
			out[n].year = (int)db_col_int(st, 0);
			out[n].status = db_col_int(st, 1) ? "attended" : "registered";
			out[n].day = db_col_text(r, st, 2);
			n++;
		}
	return n;
}
