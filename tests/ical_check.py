#!/usr/bin/python3
"""ical_check.py — read what ilnet writes with parsers it does not share code
with: Debian's python3-icalendar for iCalendar, Python's email package for
mail.

Usage: ical_check.py [FILE]   (standard input when FILE is absent or "-")

FILE is an iCalendar object (it starts with BEGIN:VCALENDAR) or a whole
RFC 5322 message as the outbox sends it, whose text/calendar part is then
checked as well: its method parameter must be the METHOD inside.

Checks: CRLF line ends, lines of at most 75 octets (998 in a message), no
control characters; VERSION 2.0 and PRODID; METHOD REQUEST or CANCEL when
present (a CANCEL's events CANCELLED); every VEVENT has UID, DTSTAMP in UTC,
SEQUENCE, STATUS, DTSTART and DTEND with a TZID that a VTIMEZONE of the
calendar describes; every VTIMEZONE has STANDARD and DAYLIGHT rules (RRULE)
that give the same UTC offsets as the IANA database at the events' start
and end and all through their years (2026 and 2027 at least).

Prints the parsed values as JSON on success; exits 1 with the reason on
standard error otherwise, 2 when python3-icalendar is missing (make deps
installs it)."""
import datetime
import email
import email.policy
import json
import re
import sys

try:
    import icalendar
    import pytz
except ImportError as e:
    sys.stderr.write("ical_check: %s (make deps installs python3-icalendar)\n" % e)
    sys.exit(2)


class Bad(Exception):
    pass


def check_lines(data, limit, what):
    if not data.endswith(b"\r\n"):
        raise Bad("%s does not end with CRLF" % what)
    for n, line in enumerate(data[:-2].split(b"\r\n"), 1):
        if b"\n" in line or b"\r" in line:
            raise Bad("%s line %d: a bare CR or LF" % (what, n))
        if len(line) > limit:
            raise Bad("%s line %d: %d octets (at most %d)" % (what, n, len(line), limit))
        if re.search(rb"[\x00-\x08\x0a-\x1f\x7f]", line):
            raise Bad("%s line %d: a control character" % (what, n))


def check_zone(tz, years):
    """The offsets tz (a VTIMEZONE) gives, against the IANA database's: at
    noon UTC every day of the given years, and every hour of March and
    November, when the clocks change."""
    tzid = str(tz["TZID"])
    try:
        iana = pytz.timezone(tzid)
    except pytz.UnknownTimeZoneError:
        raise Bad("VTIMEZONE %s: not an IANA zone" % tzid)
    ours = tz.to_tz()
    hour = datetime.timedelta(hours=1)
    for year in years:
        t = datetime.datetime(year, 1, 1, tzinfo=pytz.utc)
        while t.year == year:
            step = hour if t.month in (3, 11) else 24 * hour
            probe = t if step == hour else t + 12 * hour
            a, b = probe.astimezone(ours).utcoffset(), probe.astimezone(iana).utcoffset()
            if a != b:
                raise Bad("VTIMEZONE %s gives %s at %s, the IANA database %s" % (tzid, a, probe, b))
            t += step


def text(component, name):
    v = component.get(name)
    return None if v is None else str(v)


def address(v):
    s = str(v)
    if not s.lower().startswith("mailto:"):
        raise Bad("not a mailto address: %r" % s)
    return s[7:]


def check_event(ev, zones):
    for name in ("UID", "DTSTAMP", "SEQUENCE", "STATUS", "DTSTART", "DTEND"):
        if name not in ev:
            raise Bad("VEVENT without %s" % name)
    stamp = ev["DTSTAMP"].dt
    if stamp.tzinfo is None or stamp.utcoffset() != datetime.timedelta(0):
        raise Bad("DTSTAMP not in UTC")
    start, end = ev["DTSTART"], ev["DTEND"]
    tzid = start.params.get("TZID")
    if not tzid or end.params.get("TZID") != tzid:
        raise Bad("DTSTART and DTEND need the same TZID")
    if tzid not in zones:
        raise Bad("no VTIMEZONE for %s" % tzid)
    for prop in (start, end):
        if not isinstance(prop.dt, datetime.datetime) or prop.dt.tzinfo is None:
            raise Bad("DTSTART/DTEND not a zoned date-time")
    # The offsets our VTIMEZONE implies, against the IANA database's.
    ours, iana = zones[tzid].to_tz(), pytz.timezone(tzid)
    times = []
    for prop in (start, end):
        wall = prop.dt.replace(tzinfo=None)
        a = ours.localize(wall, is_dst=True).utcoffset()
        b = iana.localize(wall, is_dst=True).utcoffset()
        if a != b:
            raise Bad("VTIMEZONE %s gives %s at %s, the IANA database %s" % (tzid, a, wall, b))
        times.append(iana.localize(wall, is_dst=True))
    minutes = (times[1] - times[0]).total_seconds() / 60
    if minutes < 0:
        raise Bad("DTEND before DTSTART")
    attendees = ev.get("ATTENDEE", [])
    if not isinstance(attendees, list):
        attendees = [attendees]
    org = ev.get("ORGANIZER")
    return {
        "uid": text(ev, "UID"),
        "sequence": int(ev["SEQUENCE"]),
        "status": text(ev, "STATUS"),
        "dtstamp": stamp.strftime("%Y%m%dT%H%M%SZ"),
        "tzid": tzid,
        "dtstart": times[0].isoformat(),
        "dtend": times[1].isoformat(),
        "minutes": int(minutes),
        "summary": text(ev, "SUMMARY"),
        "description": text(ev, "DESCRIPTION"),
        "location": text(ev, "LOCATION"),
        "url": text(ev, "URL"),
        "organizer": address(org) if org is not None else None,
        "organizer_cn": org.params.get("CN") if org is not None else None,
        "attendees": [{
            "address": address(a),
            "cn": a.params.get("CN"),
            "role": a.params.get("ROLE"),
            "partstat": a.params.get("PARTSTAT"),
            "rsvp": a.params.get("RSVP"),
        } for a in attendees],
    }


def check_calendar(data):
    check_lines(data, 75, "iCalendar")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        raise Bad("iCalendar is not UTF-8")
    cal = icalendar.Calendar.from_ical(data)
    for c in cal.walk():
        if c.errors:
            raise Bad("%s: %s" % (c.name, c.errors))
    if text(cal, "VERSION") != "2.0" or not text(cal, "PRODID"):
        raise Bad("VERSION 2.0 and PRODID wanted")
    method = text(cal, "METHOD")
    if method not in (None, "REQUEST", "CANCEL"):
        raise Bad("METHOD %s" % method)
    zones = {}
    for tz in cal.walk("VTIMEZONE"):
        kinds = sorted(c.name for c in tz.subcomponents)
        if kinds != ["DAYLIGHT", "STANDARD"] or not all("RRULE" in c for c in tz.subcomponents):
            raise Bad("VTIMEZONE %s: want STANDARD and DAYLIGHT, each with an RRULE" % tz["TZID"])
        if str(tz["TZID"]) in zones:
            raise Bad("VTIMEZONE %s twice" % tz["TZID"])
        zones[str(tz["TZID"])] = tz
    events = [check_event(ev, zones) for ev in cal.walk("VEVENT")]
    years = {2026, 2027} | {int(e["dtstart"][:4]) for e in events}
    for tz in zones.values():
        check_zone(tz, sorted(years))
    if method and len(events) != 1:
        raise Bad("a METHOD calendar holds %d events, 1 wanted" % len(events))
    if method == "CANCEL" and events[0]["status"] != "CANCELLED":
        raise Bad("CANCEL with STATUS %s" % events[0]["status"])
    if method and not events[0]["organizer"]:
        raise Bad("%s without ORGANIZER" % method)
    return {
        "method": method,
        "calname": text(cal, "X-WR-CALNAME"),
        "timezones": sorted(zones),
        "events": events,
    }


def check_message(data):
    check_lines(data, 998, "message")
    msg = email.message_from_bytes(data, policy=email.policy.default)
    for h in ("Date", "From", "To", "Subject", "Message-ID", "MIME-Version"):
        if msg[h] is None:
            raise Bad("message without %s" % h)
    if not msg.is_multipart():
        raise Bad("message is %s, not multipart" % msg.get_content_type())
    plain = [p for p in msg.walk() if p.get_content_type() == "text/plain"]
    parts = [p for p in msg.walk() if p.get_content_type() == "text/calendar"]
    if len(plain) != 1 or len(parts) != 1:
        raise Bad("want one text/plain and one text/calendar part")
    part = parts[0]
    if part["Content-Transfer-Encoding"] not in ("base64", "quoted-printable", "7bit"):
        raise Bad("calendar part in %s" % part["Content-Transfer-Encoding"])
    out = check_calendar(part.get_payload(decode=True))
    param = part.get_param("method")
    if param is None or param.upper() != out["method"]:
        raise Bad("text/calendar method=%s but METHOD:%s" % (param, out["method"]))
    out["mime"] = {
        "content_type": msg.get_content_type(),
        "calendar_method": param,
        "calendar_charset": part.get_param("charset"),
        "subject": str(msg["Subject"]),
        "text": plain[0].get_content().replace("\r\n", "\n"),
    }
    return out


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "-"
    data = sys.stdin.buffer.read() if path == "-" else open(path, "rb").read()
    try:
        if data.startswith(b"BEGIN:VCALENDAR"):
            out = check_calendar(data)
        else:
            out = check_message(data)
    except Bad as e:
        sys.stderr.write("ical_check: %s\n" % e)
        return 1
    except Exception as e:      # a parser's own complaint
        sys.stderr.write("ical_check: %s: %s\n" % (type(e).__name__, e))
        return 1
    json.dump(out, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
