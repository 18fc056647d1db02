#!/usr/bin/python3
"""registrants.py — school leaders for the bench's convening registrations.

    registrants.py DB BASE_URL OUT CONNS PER_CONN EVENTS

Adds CONNS * PER_CONN leaders to the bench's own database (a session each,
each leading one network school; schools are shared when there are fewer),
and EVENTS convenings open for registration today with 5000 places each
(the most a convening may hold) and no sessions, in the last free years up
to 2100 (a convening is one a year; the demo's is left alone).  Each event
gets at most CONNS * PER_CONN parties of one (every leader registers once
an event), so every registration fits.  Reads each leader's CSRF token
through BASE_URL and writes OUT: a first line "first-year EVENTS PER_CONN",
then CONNS * PER_CONN lines "session-token csrf-token school-id", the
leaders of connection 1 first (the input of register.lua).  Sessions are
written straight into the database (the bench measures registrations, not
argon2id).  Only for the bench's scratch copy.
"""
import concurrent.futures
import datetime
import hashlib
import re
import secrets
import sqlite3
import sys
import time
import urllib.request


def csrf_of(base, token):
    req = urllib.request.Request(base + "/account", headers={"Cookie": "ilnet_session=" + token})
    with urllib.request.urlopen(req, timeout=30) as r:
        page = r.read().decode()
    m = re.search(r'name="_csrf" value="([^"]*)"', page)
    if not m:
        sys.exit("registrants.py: no _csrf on /account")
    return m.group(1)


def main():
    db_path, base, out = sys.argv[1:4]
    conns, per_conn, events = int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
    count = conns * per_conn
    if count > 5000:
        sys.exit("registrants.py: more leaders than an event's 5000 places")
    db = sqlite3.connect(db_path, timeout=30)
    staff = db.execute("SELECT id FROM users WHERE email = 'staff@example.org'").fetchone()
    if not staff:
        sys.exit("registrants.py: no demo staff member")
    last_taken = db.execute("SELECT coalesce(max(year), 0) FROM convenings").fetchone()[0]
    first_year = 2100 - events + 1
    if first_year <= last_taken:
        sys.exit(f"registrants.py: {events} events do not fit between {last_taken} and 2100")
    schools = [r[0] for r in db.execute(
        "SELECT id FROM schools WHERE nation_id IS NULL AND sharing = 'network' ORDER BY id")]
    if not schools:
        sys.exit("registrants.py: no network school to register for")
    # Open today in the place's zone whatever the hour: from two days ago,
    # the event itself two months on.
    today = datetime.datetime.now(datetime.timezone.utc).date()
    opens = (today - datetime.timedelta(days=2)).isoformat()
    day = (today + datetime.timedelta(days=60)).isoformat()
    closes = (today + datetime.timedelta(days=59)).isoformat()
    now = int(time.time())
    tokens = []
    with db:
        for k in range(events):
            db.execute("INSERT INTO convenings (year, title, place, tz, first_day, last_day, day_start, day_end,"
                       " capacity, opens_on, closes_on, created_by) VALUES (?, ?, 'Bench hall', 'America/Chicago',"
                       " ?, ?, '09:00', '16:00', 5000, ?, ?, ?)",
                       (first_year + k, f"Bench convening {k + 1}", day, day, opens, closes, staff[0]))
        for i in range(count):
            school = schools[i % len(schools)]
            uid = db.execute("INSERT INTO users (email, name, role) VALUES (?, ?, 'leader')",
                             (f"bench-registrant-{i}@example.org", f"Bench registrant {i}")).lastrowid
            db.execute("INSERT INTO user_schools (user_id, school_id) VALUES (?, ?)", (uid, school))
            token = secrets.token_urlsafe(32)
            db.execute("INSERT INTO sessions (token_hash, user_id, created_at, last_seen, addr)"
                       " VALUES (?, ?, ?, ?, '127.0.0.1')", (hashlib.sha256(token.encode()).digest(), uid, now, now))
            tokens.append((token, school))
    db.close()
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        csrfs = list(pool.map(lambda t: csrf_of(base, t[0]), tokens))
    lines = [f"{first_year} {events} {per_conn}\n"]
    lines += [f"{token} {csrf} {school}\n" for (token, school), csrf in zip(tokens, csrfs)]
    with open(out, "w") as f:
        f.writelines(lines)


if __name__ == "__main__":
    main()
