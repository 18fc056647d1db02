/* test_ical.c — iCalendar for site visits, and the mail that carries it.
 *
 * Besides exact checks of the text, every calendar and message is read back
 * by tests/ical_check.py (Debian's python3-icalendar and Python's email
 * package), a parser that shares no code with ours. */
#include "unit.h"
#include "buf.h"
#include "db.h"
#include "decode.h"
#include "ical.h"
#include "mail.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A confirmed 90-minute visit in Central time; tests change what they need. */
static struct ical_event visit(void)
{
	return (struct ical_event){
		.uid = "booking-42@ilnet", .dtstamp = 1796112000LL,   /* 2026-12-01 08:00:00Z */
		.sequence = 3, .status = "CONFIRMED", .tzid = "America/Chicago",
		.date = "2026-12-03", .time = "09:30", .minutes = 90,
		.summary = "Site visit: Prairie View School",
		.description = "Observe advisory and project time.\nPark in the east lot.",
		.location = "Prairie View School, 12 Main St, Pierre SD",
		.url = "https://ilnet.example.org/connect/bookings/42",
		.organizer_name = "Pat Host", .organizer_email = "host@example.org",
		.attendee_name = "Riley Guest", .attendee_email = "guest@example.org",
		.partstat = "ACCEPTED",
	};
}

/* ics with its folded lines joined again (RFC 5545 3.1), malloc'd. */
static char *unfold(const char *ics)
{
	struct buf b = {0};
	buf_puts(&b, "");
	for (const char *p = ics; *p; p++) {
		if (p[0] == '\r' && p[1] == '\n' && p[2] == ' ') {
			p += 2;
			continue;
		}
		buf_putc(&b, *p);
	}
	return b.p;
}

/* The unfolded content line that starts with prefix, or NULL (malloc'd). */
static char *line_of(const char *ics, const char *prefix)
{
	char *all = unfold(ics), *out = NULL;
	for (const char *p = all; *p; ) {
		const char *end = strstr(p, "\r\n");
		size_t n = end ? (size_t)(end - p) : strlen(p);
		if (!out && !strncmp(p, prefix, strlen(prefix)))
			out = strndup(p, n);
		p = end ? end + 2 : p + n;
	}
	free(all);
	return out;
}

static int count(const char *s, const char *needle)
{
	int n = 0;
	for (const char *p = strstr(s, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

/* Every line ends in CRLF and holds at most max octets, no control
 * characters but tab; a continuation starts with one space and no line
 * starts or ends inside a UTF-8 character. */
static void assert_lines(const char *s, size_t max)
{
	ck_assert_msg(*s, "empty");
	size_t len = strlen(s);
	ck_assert_msg(len >= 2 && !strcmp(s + len - 2, "\r\n"), "no final CRLF");
	for (const char *p = s; *p; ) {
		const char *end = strstr(p, "\r\n");
		ck_assert(end);
		size_t n = (size_t)(end - p);
		ck_assert_msg(n <= max, "line of %zu octets: %.*s", n, (int)n, p);
		for (size_t i = 0; i < n; i++)
			ck_assert_msg((unsigned char)p[i] >= 0x20 || p[i] == '\t',
			              "control character in %.*s", (int)n, p);
		ck_assert_msg(utf8_valid(p, n), "a character split: %.*s", (int)n, p);
		p = end + 2;
	}
}

START_TEST(folds_at_75_octets)
{
	struct ical_event e = visit();
	char s[200];
	/* "SUMMARY:" is 8 octets: 67 more fill the line exactly. */
	memset(s, 'a', 67);
	s[67] = '\0';
	e.summary = s;
	struct buf b = {0};
	ical_message(&b, "REQUEST", &e);
	const char *at = strstr(buf_str(&b), "\r\nSUMMARY:");
	ck_assert(at);
	ck_assert(!strncmp(at + 2 + 75, "\r\nDESCRIPTION", 13));   /* not folded */
	buf_reset(&b);

	/* One more octet folds: 75, then a space and the rest. */
	strcat(s, "b");
	ical_message(&b, "REQUEST", &e);
	at = strstr(buf_str(&b), "\r\nSUMMARY:");
	ck_assert(!strncmp(at + 2 + 75, "\r\n b\r\n", 6));
	buf_reset(&b);

	/* A 3-octet character that would straddle octet 75 moves whole to the
	 * next line: 66 a's end at octet 74, the euro sign would take 75-77. */
	memset(s, 'a', 66);
	strcpy(s + 66, "\xE2\x82\xAC" "after");
	ical_message(&b, "REQUEST", &e);
	at = strstr(buf_str(&b), "\r\nSUMMARY:");
	ck_assert(!strncmp(at + 2 + 74, "\r\n \xE2\x82\xAC" "after\r\n", 12));
	char *line = line_of(buf_str(&b), "SUMMARY:");
	ck_assert_str_eq(line + 8, s);
	free(line);
	buf_reset(&b);

	/* Ending exactly at 75 with a 2-octet character: no fold needed. */
	memset(s, 'a', 65);
	strcpy(s + 65, "\xC3\xA9");
	ical_message(&b, "REQUEST", &e);
	at = strstr(buf_str(&b), "\r\nSUMMARY:");
	ck_assert(!strncmp(at + 2 + 73, "\xC3\xA9\r\nDESCRIPTION", 15));
	buf_free(&b);
}
END_TEST

START_TEST(long_values_fold_on_characters)
{
	/* Long text of 1-, 2-, 3- and 4-octet characters: every line stays
	 * within 75 octets and unfolds to the value. */
	struct buf s = {0};
	for (int i = 0; i < 60; i++)
		buf_puts(&s, "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80 ");
	struct ical_event e = visit();
	e.description = buf_str(&s);
	e.location = buf_str(&s);
	e.organizer_name = buf_str(&s);
	struct buf b = {0};
	ical_message(&b, "REQUEST", &e);
	assert_lines(buf_str(&b), 75);
	char *line = line_of(buf_str(&b), "DESCRIPTION:");
	ck_assert_str_eq(line + 12, buf_str(&s));
	free(line);
	buf_free(&b);
	buf_free(&s);
}
END_TEST

START_TEST(escapes_text)
{
	struct ical_event e = visit();
	e.summary = "a,b;c\\d\ne\r\nf\rg";
	e.location = "x\x01y\x7fz\x1b[0m\t!";
	e.description = "bad \xFF byte, cut \xE2\x82";
	struct buf b = {0};
	ical_message(&b, "REQUEST", &e);
	char *line = line_of(buf_str(&b), "SUMMARY:");
	ck_assert_str_eq(line, "SUMMARY:a\\,b\\;c\\\\d\\ne\\nfg");
	free(line);
	line = line_of(buf_str(&b), "LOCATION:");
	ck_assert_str_eq(line, "LOCATION:xyz[0m\t!");
	free(line);
	line = line_of(buf_str(&b), "DESCRIPTION:");
	ck_assert_str_eq(line, "DESCRIPTION:bad \xEF\xBF\xBD byte\\, cut \xEF\xBF\xBD\xEF\xBF\xBD");
	free(line);
	assert_lines(buf_str(&b), 75);
	buf_free(&b);
}
END_TEST

START_TEST(injection_stays_in_its_line)
{
	/* Line breaks in every field: no property of the caller's making. */
	struct ical_event e = visit();
	e.uid = "x\r\nMETHOD:PUBLISH";
	e.summary = "s\r\nATTENDEE:mailto:evil@example.org";
	e.url = "https://x\r\nATTENDEE:mailto:evil@example.org";
	e.organizer_name = "Pat\r\nATTENDEE:mailto:evil@example.org";
	e.attendee_name = "\"R\" \"G\"\n:x";
	e.partstat = "ACCEPTED;RSVP=TRUE";
	struct buf b = {0};
	ical_message(&b, "REQUEST", &e);
	const char *s = buf_str(&b);
	assert_lines(s, 75);
	ck_assert_int_eq(count(s, "\r\nATTENDEE"), 1);
	ck_assert_int_eq(count(s, "\r\nMETHOD:"), 1);
	ck_assert_int_eq(count(s, "RSVP"), 1);
	char *line = line_of(s, "ORGANIZER");
	ck_assert_str_eq(line, "ORGANIZER;CN=\"Pat ATTENDEE:mailto:evil@example.org\":mailto:host@example.org");
	free(line);
	line = line_of(s, "ATTENDEE");
	ck_assert_str_eq(line, "ATTENDEE;CN=\"R G :x\";ROLE=REQ-PARTICIPANT;RSVP=FALSE:mailto:guest@example.org");
	free(line);
	buf_free(&b);
}
END_TEST

START_TEST(request_has_what_rfc5546_wants)
{
	struct ical_event e = visit();
	struct buf b = {0};
	ical_message(&b, "REQUEST", &e);
	const char *s = buf_str(&b);
	ck_assert(!strncmp(s, "BEGIN:VCALENDAR\r\nPRODID:", 24));
	const char *want[] = {
		"\r\nVERSION:2.0\r\n", "\r\nCALSCALE:GREGORIAN\r\n", "\r\nMETHOD:REQUEST\r\n",
		"\r\nUID:booking-42@ilnet\r\n", "\r\nSEQUENCE:3\r\n", "\r\nSTATUS:CONFIRMED\r\n",
		"\r\nDTSTAMP:20261201T080000Z\r\n",
		"\r\nDTSTART;TZID=America/Chicago:20261203T093000\r\n",
		"\r\nDTEND;TZID=America/Chicago:20261203T110000\r\n",
		"\r\nORGANIZER;CN=Pat Host:mailto:host@example.org\r\n",
		"\r\nURL:https://ilnet.example.org/connect/bookings/42\r\n",
		"\r\nDESCRIPTION:Observe advisory and project time.\\nPark in the east lot.\r\n",
		"\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
		NULL
	};
	for (int i = 0; want[i]; i++)
		ck_assert_msg(strstr(s, want[i]), "missing %s", want[i]);
	char *line = line_of(s, "ATTENDEE");
	ck_assert_str_eq(line, "ATTENDEE;CN=Riley Guest;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;"
	                 "RSVP=FALSE:mailto:guest@example.org");
	free(line);
	/* One zone, with rules, before the event. */
	ck_assert_int_eq(count(s, "BEGIN:VTIMEZONE"), 1);
	ck_assert(strstr(s, "BEGIN:VTIMEZONE") < strstr(s, "BEGIN:VEVENT"));
	const char *tz[] = {
		"\r\nTZID:America/Chicago\r\n",
		"\r\nBEGIN:DAYLIGHT\r\nTZOFFSETFROM:-0600\r\nTZOFFSETTO:-0500\r\nTZNAME:CDT\r\n"
		"DTSTART:20070311T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU\r\nEND:DAYLIGHT\r\n",
		"\r\nBEGIN:STANDARD\r\nTZOFFSETFROM:-0500\r\nTZOFFSETTO:-0600\r\nTZNAME:CST\r\n"
		"DTSTART:20071104T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU\r\nEND:STANDARD\r\n",
		NULL
	};
	for (int i = 0; tz[i]; i++)
		ck_assert_msg(strstr(s, tz[i]), "missing %s", tz[i]);
	/* Only the one attendee's address, and the organizer's. */
	char *all = unfold(s);
	ck_assert_int_eq(count(all, "mailto:"), 2);
	ck_assert_int_eq(count(all, "@example.org"), 2);
	ck_assert_int_eq(count(all, "\r\nATTENDEE"), 1);
	free(all);
	assert_lines(s, 75);
	buf_reset(&b);

	/* No attendee, no partstat, no optional text. */
	e.attendee_email = NULL;
	e.partstat = NULL;
	e.description = e.location = e.url = "";
	e.summary = NULL;
	e.organizer_name = "Lee, Ann \"Annie\"";
	ical_message(&b, "REQUEST", &e);
	s = buf_str(&b);
	ck_assert(!strstr(s, "ATTENDEE"));
	ck_assert(!strstr(s, "DESCRIPTION") && !strstr(s, "LOCATION") && !strstr(s, "URL:"));
	ck_assert(strstr(s, "\r\nSUMMARY:\r\n"));
	ck_assert(strstr(s, "\r\nORGANIZER;CN=\"Lee, Ann Annie\":mailto:host@example.org\r\n"));
	buf_free(&b);
}
END_TEST

START_TEST(end_time_across_midnight_and_clocks)
{
	struct {
		const char *tz, *date, *time;
		int minutes;
		const char *end;
	} c[] = {
		{ "America/Chicago", "2026-12-03", "23:30", 90, "20261204T010000" },
		{ "America/Denver", "2026-12-31", "23:00", 120, "20270101T010000" },
		{ "America/Denver", "2028-02-28", "22:00", 24 * 60 + 180, "20280301T010000" },
		{ "America/Chicago", "2026-12-03", "10:00", 0, "20261203T100000" },
		/* 2026-03-08: clocks go forward at 02:00; the visit lasts an hour. */
		{ "America/Chicago", "2026-03-08", "01:30", 60, "20260308T033000" },
		/* 2026-11-01: clocks go back at 02:00. */
		{ "America/Denver", "2026-11-01", "00:30", 120, "20261101T013000" },
	};
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		struct ical_event e = visit();
		e.tzid = c[i].tz;
		e.date = c[i].date;
		e.time = c[i].time;
		e.minutes = c[i].minutes;
		struct buf b = {0};
		ical_message(&b, "REQUEST", &e);
		char want[80];
		snprintf(want, sizeof want, "\r\nDTEND;TZID=%s:%s\r\n", c[i].tz, c[i].end);
		ck_assert_msg(strstr(buf_str(&b), want), "case %zu: no %s", i, want);
		buf_free(&b);
	}
}
END_TEST

START_TEST(cancel_and_refusals)
{
	struct ical_event e = visit();
	e.status = "CANCELLED";
	e.sequence = 4;
	e.partstat = "DECLINED";
	struct buf b = {0};
	ical_message(&b, "CANCEL", &e);
	ck_assert(strstr(buf_str(&b), "\r\nMETHOD:CANCEL\r\n"));
	ck_assert(strstr(buf_str(&b), "\r\nSTATUS:CANCELLED\r\n"));
	ck_assert(strstr(buf_str(&b), "\r\nSEQUENCE:4\r\n"));
	ck_assert(strstr(buf_str(&b), ";PARTSTAT=DECLINED;"));
	buf_reset(&b);

	/* Nothing is written for what would be an invalid message. */
	struct ical_event bad[12];
	for (int i = 0; i < 12; i++)
		bad[i] = visit();
	bad[0].tzid = "America/New_York";
	bad[1].tzid = NULL;
	bad[2].date = "2026-02-30";
	bad[3].time = "9:30";
	bad[4].date = "2026-03-08";          /* 02:30 does not happen that day */
	bad[4].time = "02:30";
	bad[5].status = "DONE";
	bad[6].uid = "";
	bad[7].minutes = -1;
	bad[8].organizer_email = NULL;       /* RFC 5546 wants ORGANIZER */
	bad[9].attendee_email = "not an address";
	bad[10].date = "2006-06-01";         /* before the zone rules written */
	bad[11].sequence = -1;
	for (int i = 0; i < 12; i++) {
		ical_message(&b, "REQUEST", &bad[i]);
		ck_assert_msg(b.len == 0, "case %d written", i);
	}
	ical_message(&b, "CANCEL", &e);
	ck_assert(b.len > 0);
	buf_reset(&b);
	e.status = "CONFIRMED";               /* a CANCEL must cancel */
	ical_message(&b, "CANCEL", &e);
	ical_message(&b, "PUBLISH", &e);
	ical_message(&b, NULL, &e);
	ical_message(&b, "REQUEST", NULL);
	ck_assert_int_eq(b.len, 0);
	ck_assert(ical_zone_known("America/Denver") && !ical_zone_known("America/Phoenix"));
	buf_free(&b);
}
END_TEST

START_TEST(feed_has_a_zone_per_tzid)
{
	struct ical_event ev[4] = { visit(), visit(), visit(), visit() };
	ev[1].uid = "booking-43@ilnet";
	ev[1].tzid = "America/Denver";
	ev[1].attendee_email = NULL;
	ev[2].uid = "booking-44@ilnet";
	ev[2].status = "CANCELLED";
	ev[3].uid = "booking-45@ilnet";
	ev[3].tzid = "Europe/Paris";          /* not the region's: skipped */
	struct buf b = {0};
	ical_feed(&b, "Site visits, Prairie View; 2026", ev, 4);
	const char *s = buf_str(&b);
	assert_lines(s, 75);
	ck_assert(!strstr(s, "METHOD"));
	ck_assert(strstr(s, "\r\nX-WR-CALNAME:Site visits\\, Prairie View\\; 2026\r\n"));
	ck_assert_int_eq(count(s, "BEGIN:VTIMEZONE"), 2);
	ck_assert_int_eq(count(s, "\r\nTZID:America/Chicago\r\n"), 1);
	ck_assert_int_eq(count(s, "\r\nTZID:America/Denver\r\n"), 1);
	ck_assert(strstr(s, "TZNAME:MDT") && strstr(s, "TZNAME:MST") && strstr(s, "TZOFFSETTO:-0700"));
	ck_assert_int_eq(count(s, "BEGIN:VEVENT"), 3);
	ck_assert(!strstr(s, "booking-45"));
	ck_assert(strstr(s, "DTSTART;TZID=America/Denver:20261203T093000"));
	buf_reset(&b);

	/* One zone only: one VTIMEZONE; none at all: an empty calendar. */
	ical_feed(&b, "x", ev, 1);
	ck_assert_int_eq(count(buf_str(&b), "BEGIN:VTIMEZONE"), 1);
	buf_reset(&b);
	ical_feed(&b, NULL, NULL, 0);
	ck_assert_str_eq(buf_str(&b), "BEGIN:VCALENDAR\r\nPRODID:-//ilnet//Connect site visits//EN\r\n"
	                 "VERSION:2.0\r\nCALSCALE:GREGORIAN\r\nEND:VCALENDAR\r\n");
	buf_free(&b);
}
END_TEST

/* ---- the independent reader ---------------------------------------------- */

/* Run tests/ical_check.py on text; its JSON output parsed, or a failed
 * test with what it said. */
static cJSON *ical_check(const char *text)
{
	char path[] = "/tmp/ilnet-ical-XXXXXX";
	int fd = mkstemp(path);
	ck_assert(fd >= 0);
	size_t n = strlen(text);
	ck_assert(write(fd, text, n) == (ssize_t)n);
	close(fd);
	char cmd[600];
	snprintf(cmd, sizeof cmd, "/usr/bin/python3 %s/tests/ical_check.py %s 2>&1", ILNET_ROOT, path);
	FILE *f = popen(cmd, "r");
	ck_assert(f);
	struct buf out = {0};
	char chunk[4096];
	size_t got;
	while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_add(&out, chunk, got);
	int rc = pclose(f);
	unlink(path);
	ck_assert_msg(rc == 0, "ical_check.py (python3-icalendar from make deps): %s", buf_str(&out));
	cJSON *j = cJSON_Parse(buf_str(&out));
	ck_assert_msg(j, "not JSON: %s", buf_str(&out));
	buf_free(&out);
	return j;
}

static const char *jstr(const cJSON *o, const char *name)
{
	const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, name));
	return s ? s : "(null)";
}

static int jint(const cJSON *o, const char *name)
{
	return (int)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(o, name));
}

static const cJSON *event_of(const cJSON *j, int i)
{
	const cJSON *ev = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(j, "events"), i);
	ck_assert(ev);
	return ev;
}

START_TEST(python_icalendar_reads_request_and_cancel)
{
	struct ical_event e = visit();
	e.summary = "Visite: \xC3\xA9" "cole, \"Prairie\"; 2\xE2\x82\xAC\\ and more text to fold the line";
	e.organizer_name = "Lee, Ann";
	struct buf b = {0};
	ical_message(&b, "REQUEST", &e);
	cJSON *j = ical_check(buf_str(&b));
	ck_assert_str_eq(jstr(j, "method"), "REQUEST");
	const cJSON *ev = event_of(j, 0);
	ck_assert_str_eq(jstr(ev, "uid"), "booking-42@ilnet");
	ck_assert_int_eq(jint(ev, "sequence"), 3);
	ck_assert_str_eq(jstr(ev, "status"), "CONFIRMED");
	ck_assert_str_eq(jstr(ev, "summary"), e.summary);
	ck_assert_str_eq(jstr(ev, "description"), e.description);
	ck_assert_str_eq(jstr(ev, "dtstart"), "2026-12-03T09:30:00-06:00");
	ck_assert_str_eq(jstr(ev, "dtend"), "2026-12-03T11:00:00-06:00");
	ck_assert_int_eq(jint(ev, "minutes"), 90);
	ck_assert_str_eq(jstr(ev, "dtstamp"), "20261201T080000Z");
	ck_assert_str_eq(jstr(ev, "organizer"), "host@example.org");
	ck_assert_str_eq(jstr(ev, "organizer_cn"), "Lee, Ann");
	const cJSON *att = cJSON_GetObjectItemCaseSensitive(ev, "attendees");
	ck_assert_int_eq(cJSON_GetArraySize(att), 1);
	ck_assert_str_eq(jstr(cJSON_GetArrayItem(att, 0), "address"), "guest@example.org");
	ck_assert_str_eq(jstr(cJSON_GetArrayItem(att, 0), "partstat"), "ACCEPTED");
	ck_assert_str_eq(jstr(cJSON_GetArrayItem(att, 0), "cn"), "Riley Guest");
	cJSON_Delete(j);
	buf_reset(&b);

	/* Across the spring change of clocks, in Mountain time. */
	e.tzid = "America/Denver";
	e.date = "2027-03-14";
	e.time = "01:00";
	e.minutes = 120;
	ical_message(&b, "REQUEST", &e);
	j = ical_check(buf_str(&b));
	ev = event_of(j, 0);
	ck_assert_str_eq(jstr(ev, "dtstart"), "2027-03-14T01:00:00-07:00");
	ck_assert_str_eq(jstr(ev, "dtend"), "2027-03-14T04:00:00-06:00");
	ck_assert_int_eq(jint(ev, "minutes"), 120);
	cJSON_Delete(j);
	buf_reset(&b);

	e.status = "CANCELLED";
	e.sequence = 4;
	ical_message(&b, "CANCEL", &e);
	j = ical_check(buf_str(&b));
	ck_assert_str_eq(jstr(j, "method"), "CANCEL");
	ck_assert_str_eq(jstr(event_of(j, 0), "status"), "CANCELLED");
	ck_assert_int_eq(jint(event_of(j, 0), "sequence"), 4);
	cJSON_Delete(j);
	buf_free(&b);
}
END_TEST

START_TEST(python_icalendar_reads_feed)
{
	struct ical_event ev[3] = { visit(), visit(), visit() };
	ev[1].uid = "booking-43@ilnet";
	ev[1].tzid = "America/Denver";
	ev[1].date = "2026-07-04";
	ev[1].time = "23:15";
	ev[2].uid = "booking-44@ilnet";
	ev[2].attendee_email = ev[2].organizer_email = NULL;
	struct buf b = {0};
	ical_feed(&b, "Site visits", ev, 3);
	cJSON *j = ical_check(buf_str(&b));
	ck_assert(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(j, "method")));
	ck_assert_str_eq(jstr(j, "calname"), "Site visits");
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j, "timezones")), 2);
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j, "events")), 3);
	ck_assert_str_eq(jstr(event_of(j, 1), "dtstart"), "2026-07-04T23:15:00-06:00");
	ck_assert_str_eq(jstr(event_of(j, 1), "dtend"), "2026-07-05T00:45:00-06:00");
	cJSON_Delete(j);
	buf_free(&b);
}
END_TEST

/* ---- mail ------------------------------------------------------------------ */

START_TEST(plain_mail_as_before)
{
	struct buf m = {0};
	mail_compose(&m, "ilnet@example.org", "a@example.org", "Hello", "one\ntwo\r\nthree", NULL, NULL);
	const char *s = buf_str(&m);
	ck_assert(!strncmp(s, "Date: ", 6));
	ck_assert(strstr(s, "\r\nFrom: ilnet <ilnet@example.org>\r\nTo: <a@example.org>\r\n"
	                    "Subject: Hello\r\nMessage-ID: <"));
	ck_assert(strstr(s, "@example.org>\r\nMIME-Version: 1.0\r\n"
	                    "Content-Type: text/plain; charset=utf-8\r\n"
	                    "Content-Transfer-Encoding: 8bit\r\n\r\none\r\ntwo\r\nthree\r\n"));
	ck_assert(!strstr(s, "multipart"));
	buf_reset(&m);
	/* A calendar without its method is not sent as one. */
	mail_compose(&m, "ilnet@example.org", "a@example.org", "Hello", "x", "BEGIN:VCALENDAR\r\n", NULL);
	ck_assert(!strstr(buf_str(&m), "multipart") && !strstr(buf_str(&m), "VCALENDAR"));
	buf_free(&m);
}
END_TEST

START_TEST(calendar_mail_mime)
{
	struct ical_event e = visit();
	struct buf ics = {0}, body = {0}, m = {0};
	ical_message(&ics, "REQUEST", &e);
	/* A body no SMTP server should see raw: a long line, UTF-8, trailing
	 * space, a lone dot and an = sign. */
	buf_puts(&body, "Your visit to \xC3\x89" "cole Prairie is confirmed. \n.\nx = y \n");
	for (int i = 0; i < 300; i++)
		buf_puts(&body, "long line \xE2\x82\xAC ");
	mail_compose(&m, "ilnet@example.org", "guest@example.org", "Site visit: \xC3\x89" "cole",
	             buf_str(&body), buf_str(&ics), "REQUEST");
	const char *s = buf_str(&m);
	ck_assert(strstr(s, "\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=\"=_ilnet_"));
	ck_assert(strstr(s, "\r\nContent-Type: text/calendar; method=REQUEST; charset=UTF-8\r\n"
	                    "Content-Transfer-Encoding: base64\r\n\r\n"));
	ck_assert(strstr(s, "\r\nContent-Transfer-Encoding: quoted-printable\r\n"));
	/* 7-bit, and within 76 octets a line once past the headers. */
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		ck_assert_msg(*p < 0x80, "8-bit octet at %ld", (long)(p - (const unsigned char *)s));
	assert_lines(strstr(s, "\r\n\r\n") + 4, 76);
	cJSON *j = ical_check(s);
	ck_assert_str_eq(jstr(j, "method"), "REQUEST");
	const cJSON *mime = cJSON_GetObjectItemCaseSensitive(j, "mime");
	ck_assert_str_eq(jstr(mime, "content_type"), "multipart/alternative");
	ck_assert_str_eq(jstr(mime, "calendar_method"), "REQUEST");
	ck_assert_str_eq(jstr(mime, "subject"), "Site visit: \xC3\x89" "cole");
	ck_assert_str_eq(jstr(mime, "text"), buf_str(&body));
	ck_assert_str_eq(jstr(event_of(j, 0), "uid"), "booking-42@ilnet");
	cJSON_Delete(j);
	buf_reset(&m);
	buf_reset(&ics);

	e.status = "CANCELLED";
	ical_message(&ics, "CANCEL", &e);
	mail_compose(&m, "ilnet@example.org", "guest@example.org", "Cancelled",
	             "The visit is cancelled.", buf_str(&ics), "CANCEL");
	j = ical_check(buf_str(&m));
	ck_assert_str_eq(jstr(j, "method"), "CANCEL");
	ck_assert_str_eq(jstr(cJSON_GetObjectItemCaseSensitive(j, "mime"), "calendar_method"), "CANCEL");
	cJSON_Delete(j);
	buf_free(&m);
	buf_free(&ics);
	buf_free(&body);
}
END_TEST

/* The calendars a test renderer gives, by the message's record (ref): 0
 * the good one, then each a way to be wrong. */
static const char *good_ics;
static const char *bad_cal[][2] = {
	{ NULL, "CANCEL" }, { NULL, "request" }, { NULL, NULL }, { NULL, "X" }, { "", "REQUEST" },
	{ "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\xFF\r\n", "REQUEST" }, { NULL, "REQUEST" },
};

static int render_cal(struct req *r, const char *kind, long long ref, long long seq, const char *to,
                      const char *lead, struct mail_parts *out)
{
	(void)r; (void)kind; (void)seq; (void)to;
	out->body = lead;
	out->ics = ref ? bad_cal[ref - 1][0] : good_ics;
	out->method = ref ? bad_cal[ref - 1][1] : "REQUEST";
	return 1;
}


static void queue_rendered(struct req *r)
{
	for (long long ref = 0; ref <= (long long)(sizeof bad_cal / sizeof bad_cal[0]); ref++)
		mail_queue_render(r, "guest@example.org", "Site visit", "Confirmed.", "visit", ref, 1);
}

/* The sender renders a message's calendar as it sends it, and a calendar
 * whose METHOD is not the one said, or that is empty or not UTF-8, never
 * goes: the message waits, its error says why (the good one goes on to
 * SMTP, refused here: nothing listens). */
START_TEST(a_bad_calendar_is_never_sent)
{
	struct req *r = test_req_new();
	struct ical_event e = visit();
	struct buf ics = {0};
	ical_message(&ics, "REQUEST", &e);
	good_ics = buf_str(&ics);
	for (size_t i = 0; i < 4; i++)
		bad_cal[i][0] = good_ics;      /* the right calendar, the wrong method */
	ck_assert_int_eq(test_run(r, queue_rendered), 0);
	setenv("ILNET_SMTP_URL", "smtp://127.0.0.1:1", 1);
	ck_assert_int_eq(mail_send_due(r->db, render_cal), 0);
	unsetenv("ILNET_SMTP_URL");
	ck_assert_int_eq(db_int(r, -1, "SELECT count(*) FROM outbox WHERE render_ref > 0 AND sent_at IS NULL"
	                        " AND attempts = 1 AND last_error = 'render: the visit message had no text or a malformed calendar'", ""),
	                 (long long)(sizeof bad_cal / sizeof bad_cal[0]));
	ck_assert_int_eq(db_int(r, -1, "SELECT count(*) FROM outbox WHERE render_ref = 0 AND sent_at IS NULL"
	                        " AND attempts = 1 AND last_error NOT LIKE 'render:%'", ""), 1);
	buf_free(&ics);
	test_req_free(r);
}
END_TEST

/* A subject made of a name with a line break in it (a school's, imported
 * so) is queued on one line: neither a second header nor a failed request
 * (a leader's submission queues a receipt whose subject names the school). */
static void queue_broken_subjects(struct req *r)
{
	mail_queue(r, "lines@example.org", "Receipt for North\r\nStar\n\nSchool", "Text.");
	mail_queue_render(r, "lines@example.org", "Visit to A \r\nBcc: x@example.org", "Confirmed.", "visit", 1, 1);
}

START_TEST(subject_line_breaks_become_spaces)
{
	struct req *r = test_req_new();
	ck_assert_int_eq(test_run(r, queue_broken_subjects), 0);
	ck_assert_str_eq(db_text(r, "SELECT subject FROM outbox WHERE to_addr = 'lines@example.org' AND render IS NULL",
	                         ""), "Receipt for North Star School");
	ck_assert_str_eq(db_text(r, "SELECT subject FROM outbox WHERE to_addr = 'lines@example.org'"
	                         " AND render IS NOT NULL", ""), "Visit to A Bcc: x@example.org");
	test_req_free(r);
}
END_TEST

Suite *ical_suite(void)
{
	Suite *s = suite_create("ical");
	TCase *t = tcase_create("ical");
	tcase_set_timeout(t, 30);
	tcase_add_test(t, folds_at_75_octets);
	tcase_add_test(t, long_values_fold_on_characters);
	tcase_add_test(t, escapes_text);
	tcase_add_test(t, injection_stays_in_its_line);
	tcase_add_test(t, request_has_what_rfc5546_wants);
	tcase_add_test(t, end_time_across_midnight_and_clocks);
	tcase_add_test(t, cancel_and_refusals);
	tcase_add_test(t, feed_has_a_zone_per_tzid);
	tcase_add_test(t, python_icalendar_reads_request_and_cancel);
	tcase_add_test(t, python_icalendar_reads_feed);
	tcase_add_test(t, plain_mail_as_before);
	tcase_add_test(t, calendar_mail_mime);
	tcase_add_test(t, a_bad_calendar_is_never_sent);
	tcase_add_test(t, subject_line_breaks_become_spaces);
	suite_add_tcase(s, t);
	return s;
}
