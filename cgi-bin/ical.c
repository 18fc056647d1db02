/* ical.c — iCalendar for site visits (see include/ical.h). */
#include "ical.h"
#include "buf.h"
#include "decode.h"
#include "mail.h"
#include "money.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define ICAL_PRODID "-//ilnet//Connect site visits//EN"

/* The region's zones and the US rules in force since 2007.  Offsets are
 * minutes east of UTC. */
static const struct zone {
	const char *tzid;
	int std, dst;
	const char *std_name, *dst_name;
} zones[] = {
	{ "America/Chicago", -360, -300, "CST", "CDT" },
	{ "America/Denver", -420, -360, "MST", "MDT" },
};
#define NZONES ((int)(sizeof zones / sizeof zones[0]))

static const struct zone *zone_of(const char *tzid)
{
	for (int i = 0; tzid && i < NZONES; i++)
		if (!strcmp(zones[i].tzid, tzid))
			return &zones[i];
	return NULL;
}

int ical_zone_known(const char *tzid)
{
	return zone_of(tzid) != NULL;
}

static int empty(const char *s)
{
	return !s || !*s;
}

static int one_of(const char *s, const char *const *list)
{
	for (; s && *list; list++)
		if (!strcmp(s, *list))
			return 1;
	return 0;
}

static const char *const statuses[] = { "CONFIRMED", "TENTATIVE", "CANCELLED", NULL };
static const char *const partstats[] = {
	"NEEDS-ACTION", "ACCEPTED", "DECLINED", "TENTATIVE", "DELEGATED", NULL
};

int ical_event_ok(const struct ical_event *e)
{
	long long start;
	if (!e || empty(e->uid) || !one_of(e->status, statuses) || !zone_of(e->tzid))
		return 0;
	/* The VTIMEZONE rules start in 2007; local_to_utc() checks the rest of
	 * the date and refuses the hour that spring-forward skips. */
	if (!e->date || strncmp(e->date, "2007", 4) < 0 ||
	    !local_to_utc(e->date, e->time, e->tzid, &start))
		return 0;
	if (e->minutes < 0 || e->minutes > ICAL_MAX_MINUTES || e->sequence < 0)
		return 0;
	if (e->dtstamp < 0 || e->dtstamp > 253402300799LL)     /* 9999-12-31 */
		return 0;
	if (!empty(e->organizer_email) && !mail_address_ok(e->organizer_email))
		return 0;
	if (!empty(e->attendee_email) && !mail_address_ok(e->attendee_email))
		return 0;
	return 1;
}

/* ---- content lines ----------------------------------------------------- */

/* Length of the valid UTF-8 character at p (1 to 4), 0 when the bytes there
 * are not one. */
static size_t char_len(const char *p)
{
	unsigned char c = (unsigned char)*p;
	size_t n = c < 0x80 ? 1 : c >= 0xC2 && c <= 0xDF ? 2 :
	           c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
	if (n > 1 && (strnlen(p, n) < n || !utf8_valid(p, n)))
		return 0;
	return n;
}

enum value_kind {
	V_TEXT,         /* TEXT (RFC 5545 3.3.11): \ ; , and newline escaped */
	V_PARAM,        /* a parameter value: no DQUOTE, line breaks as spaces */
	V_PLAIN,        /* URI, CAL-ADDRESS: written as is, controls dropped */
};

/* Append s as a value of the given kind.  Whatever s holds, the result is
 * valid UTF-8 without control characters (a tab aside), so it can never
 * end a content line early. */
static void put_value(struct buf *b, const char *s, enum value_kind kind)
{
	for (const char *p = s ? s : ""; *p; ) {
		size_t n = char_len(p);
		if (n == 0) {
			buf_puts(b, "\xEF\xBF\xBD");        /* U+FFFD for a stray byte */
			p++;
			continue;
		}
		char c = *p;
		p += n;
		if (n > 1) {
			buf_add(b, p - n, n);
			continue;
		}
		if (c == '\n' && kind == V_TEXT)
			buf_puts(b, "\\n");
		else if (c == '\n' && kind == V_PARAM)
			buf_putc(b, ' ');
		else if ((unsigned char)c < 0x20 && c != '\t')
			continue;                      /* CR and other controls */
		else if (c == 0x7f || (c == '"' && kind == V_PARAM))
			continue;
		else if (kind == V_TEXT && (c == '\\' || c == ';' || c == ','))
			buf_printf(b, "\\%c", c);
		else
			buf_putc(b, c);
	}
}

/* Append s[0..n) to out as one content line: folded so that no line
 * passes 75 octets (a continuation starts with one space), never inside a
 * UTF-8 character, and ended with CRLF. */
static void fold(struct buf *out, const char *s, size_t n)
{
	size_t room = 75;
	while (n > room) {
		size_t cut = room;
		while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
			cut--;
		if (cut == 0)
			cut = room;     /* not UTF-8: put_value() never lets that happen */
		buf_add(out, s, cut);
		buf_puts(out, "\r\n ");
		s += cut;
		n -= cut;
		room = 74;
	}
	buf_add(out, s, n);
	buf_puts(out, "\r\n");
}

/* A content line is built whole in line, then folded onto out. */
struct writer {
	struct buf *out;
	struct buf line;
};

static void emit(struct writer *w)
{
	fold(w->out, w->line.p ? w->line.p : "", w->line.len);
	buf_reset(&w->line);
}

/* A line of fixed ASCII text. */
static void put_line(struct writer *w, const char *s)
{
	buf_puts(&w->line, s);
	emit(w);
}

/* NAME:value with a TEXT value. */
static void put_text(struct writer *w, const char *name, const char *value)
{
	buf_printf(&w->line, "%s:", name);
	put_value(&w->line, value, V_TEXT);
	emit(w);
}

/* ;CN=name, quoted when the name holds : ; or , (RFC 5545 3.2). */
static void put_cn(struct buf *b, const char *name)
{
	if (empty(name))
		return;
	int quote = strpbrk(name, ":;,") != NULL;
	buf_puts(b, quote ? ";CN=\"" : ";CN=");
	put_value(b, name, V_PARAM);
	if (quote)
		buf_putc(b, '"');
}

/* ---- components ---------------------------------------------------------- */

static void put_offset(struct buf *b, const char *name, int minutes)
{
	int a = minutes < 0 ? -minutes : minutes;
	buf_printf(b, "%s:%c%02d%02d", name, minutes < 0 ? '-' : '+', a / 60, a % 60);
}

static void put_vtimezone(struct writer *w, const struct zone *z)
{
	put_line(w, "BEGIN:VTIMEZONE");
	buf_printf(&w->line, "TZID:%s", z->tzid);
	emit(w);
	put_line(w, "BEGIN:DAYLIGHT");
	put_offset(&w->line, "TZOFFSETFROM", z->std);
	emit(w);
	put_offset(&w->line, "TZOFFSETTO", z->dst);
	emit(w);
	buf_printf(&w->line, "TZNAME:%s", z->dst_name);
	emit(w);
	put_line(w, "DTSTART:20070311T020000");
	put_line(w, "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU");
	put_line(w, "END:DAYLIGHT");
	put_line(w, "BEGIN:STANDARD");
	put_offset(&w->line, "TZOFFSETFROM", z->dst);
	emit(w);
	put_offset(&w->line, "TZOFFSETTO", z->std);
	emit(w);
	buf_printf(&w->line, "TZNAME:%s", z->std_name);
	emit(w);
	put_line(w, "DTSTART:20071104T020000");
	put_line(w, "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU");
	put_line(w, "END:STANDARD");
	put_line(w, "END:VTIMEZONE");
}

/* "YYYY-MM-DD" and "HH:MM" as a DATE-TIME without zone: YYYYMMDDTHHMM00. */
static void put_wall(struct buf *b, const char *date, const char *time_s)
{
	buf_printf(b, "%.4s%.2s%.2sT%.2s%.2s00", date, date + 5, date + 8, time_s, time_s + 3);
}

/* The event's end as local wall date and time: the instant minutes after
 * the start, read back in the zone, so that the end is right across
 * midnight and across a change of clocks. */
static void end_wall(const struct ical_event *e, char date[11], char time_s[6])
{
	long long start = 0;
	char s[32];
	local_to_utc(e->date, e->time, e->tzid, &start);   /* checked by ical_event_ok */
	utc_to_local(start + 60LL * e->minutes, e->tzid, s, sizeof s);
	snprintf(date, 11, "%.10s", s);
	snprintf(time_s, 6, "%.5s", s + 11);
}

static void put_event(struct writer *w, const struct ical_event *e)
{
	put_line(w, "BEGIN:VEVENT");
	put_text(w, "UID", e->uid);
	time_t t = (time_t)e->dtstamp;
	struct tm tm;
	gmtime_r(&t, &tm);
	buf_printf(&w->line, "DTSTAMP:%04d%02d%02dT%02d%02d%02dZ", tm.tm_year + 1900,
	           tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	emit(w);
	buf_printf(&w->line, "SEQUENCE:%d", e->sequence);
	emit(w);
	buf_printf(&w->line, "STATUS:%s", e->status);
	emit(w);
	buf_printf(&w->line, "DTSTART;TZID=%s:", e->tzid);
	put_wall(&w->line, e->date, e->time);
	emit(w);
	char end_date[11], end_time[6];
	end_wall(e, end_date, end_time);
	buf_printf(&w->line, "DTEND;TZID=%s:", e->tzid);
	put_wall(&w->line, end_date, end_time);
	emit(w);
	put_text(w, "SUMMARY", e->summary);
	if (!empty(e->description))
		put_text(w, "DESCRIPTION", e->description);
	if (!empty(e->location))
		put_text(w, "LOCATION", e->location);
	if (!empty(e->url)) {
		buf_puts(&w->line, "URL:");
		put_value(&w->line, e->url, V_PLAIN);
		emit(w);
	}
	if (!empty(e->organizer_email)) {
		buf_puts(&w->line, "ORGANIZER");
		put_cn(&w->line, e->organizer_name);
		buf_puts(&w->line, ":mailto:");
		put_value(&w->line, e->organizer_email, V_PLAIN);
		emit(w);
	}
	if (!empty(e->attendee_email)) {
		buf_puts(&w->line, "ATTENDEE");
		put_cn(&w->line, e->attendee_name);
		buf_puts(&w->line, ";ROLE=REQ-PARTICIPANT");
		if (one_of(e->partstat, partstats))
			buf_printf(&w->line, ";PARTSTAT=%s", e->partstat);
		buf_puts(&w->line, ";RSVP=FALSE:mailto:");
		put_value(&w->line, e->attendee_email, V_PLAIN);
		emit(w);
	}
	put_line(w, "END:VEVENT");
}

static void put_head(struct writer *w)
{
	put_line(w, "BEGIN:VCALENDAR");
	put_line(w, "PRODID:" ICAL_PRODID);
	put_line(w, "VERSION:2.0");
	put_line(w, "CALSCALE:GREGORIAN");
}

void ical_message(struct buf *out, const char *method, const struct ical_event *e)
{
	static const char *const methods[] = { "REQUEST", "CANCEL", NULL };
	if (!one_of(method, methods) || !ical_event_ok(e) || empty(e->organizer_email))
		return;
	if (!strcmp(method, "CANCEL") && strcmp(e->status, "CANCELLED"))
		return;
	struct writer w = { out, {0} };
	put_head(&w);
	buf_printf(&w.line, "METHOD:%s", method);
	emit(&w);
	put_vtimezone(&w, zone_of(e->tzid));
	put_event(&w, e);
	put_line(&w, "END:VCALENDAR");
	buf_free(&w.line);
}

void ical_feed(struct buf *out, const char *name, const struct ical_event *ev, int n)
{
	struct writer w = { out, {0} };
	put_head(&w);
	if (!empty(name))
		put_text(&w, "X-WR-CALNAME", name);
	unsigned used = 0;      /* a bit per zone */
	for (int i = 0; i < n; i++)
		if (ical_event_ok(&ev[i]))
			used |= 1u << (zone_of(ev[i].tzid) - zones);
	for (int z = 0; z < NZONES; z++)
		if (used & 1u << z)
			put_vtimezone(&w, &zones[z]);
	for (int i = 0; i < n; i++)
		if (ical_event_ok(&ev[i]))
			put_event(&w, &ev[i]);
	put_line(&w, "END:VCALENDAR");
	buf_free(&w.line);
}
