/* ical.h — iCalendar (RFC 5545) for site visits: invitations and
 * cancellations sent by mail (iTIP/iMIP, RFC 5546 and 6047) and
 * subscription feeds.
 *
 * Output is always well formed: CRLF line ends, content lines folded at 75
 * octets without splitting a UTF-8 character, TEXT values escaped, control
 * characters dropped and invalid UTF-8 replaced with U+FFFD, so no input
 * can break a line or inject a property.
 *
 * Only the region's two zones are known, America/Chicago and
 * America/Denver, each written as a VTIMEZONE with the US rules in force
 * since 2007 (daylight time from the second Sunday of March at 02:00 to the
 * first Sunday of November at 02:00).  An event in another zone, or before
 * 2007 (the rules would describe it wrongly), is refused: see
 * ical_event_ok().
 */
#ifndef ILNET_ICAL_H
#define ILNET_ICAL_H

struct buf;

struct ical_event {
	const char *uid;          /* stable per booking, e.g. "booking-42@ilnet" */
	long long dtstamp;        /* Unix time, written as UTC (…Z) */
	int sequence;             /* raised by the caller on every change of time or status */
	const char *status;       /* "CONFIRMED", "TENTATIVE" or "CANCELLED" */
	const char *tzid;         /* IANA zone of the host school: "America/Chicago" or "America/Denver" */
	const char *date;         /* local wall date "YYYY-MM-DD" in tzid */
	const char *time;         /* local wall time "HH:MM" in tzid */
	int minutes;              /* duration */
	const char *summary, *description, *location, *url;   /* any may be NULL/"" */
	const char *organizer_name, *organizer_email;
	const char *attendee_name, *attendee_email;          /* one attendee only; NULL for none */
	const char *partstat;     /* attendee PARTSTAT, e.g. "ACCEPTED" / "NEEDS-ACTION"; NULL = omit */
};

/* Longest event accepted, in minutes (a week). */
#define ICAL_MAX_MINUTES (7 * 24 * 60)

/* 1 when e can be written: a UID; a known STATUS; a known tzid; a date
 * (2007 to 2100) and time that exist in that zone (not the hour skipped
 * when clocks go forward); 0 <= minutes <= ICAL_MAX_MINUTES; sequence >= 0;
 * any address given deliverable (mail_address_ok).  0 otherwise.  A
 * partstat that is not one of RFC 5545's is left out, not refused. */
int ical_event_ok(const struct ical_event *e);

/* 1 when tzid is a zone this module can describe. */
int ical_zone_known(const char *tzid);

/* One VCALENDAR with METHOD:method ("REQUEST" or "CANCEL"; for CANCEL the
 * event's STATUS must be CANCELLED) holding one VEVENT and the VTIMEZONE
 * for its TZID. Appends to out.
 * Appends nothing when the message would be invalid: another method, a
 * CANCEL whose status is not CANCELLED, no organizer_email (RFC 5546
 * requires ORGANIZER) or !ical_event_ok(e).  The sender refuses an empty
 * calendar (mail_send_due): such a message waits, its error saying why. */
void ical_message(struct buf *out, const char *method, const struct ical_event *e);

/* A subscription feed: one VCALENDAR without METHOD (X-WR-CALNAME = name),
 * n events, one VTIMEZONE per distinct TZID used.
 * Events that fail ical_event_ok() are skipped. */
void ical_feed(struct buf *out, const char *name, const struct ical_event *ev, int n);

#endif
