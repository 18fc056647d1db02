#!/usr/bin/python3
"""bookers.py — school leaders for the bench's site-visit bookings.

    bookers.py DB BASE_URL OUT COUNT VISITS

Adds COUNT leaders to the bench's own database (a session each, one school
each, not a host's), and VISITS site visits at the demo host's first school
with 100 seats each, confirmed at once; reads each leader's CSRF token
through BASE_URL, and writes OUT with a first line "first-visit-id VISITS"
and then COUNT lines "session-token csrf-token school-id" (the input of
book.lua).  Sessions are written straight into the database (the bench
measures bookings, not argon2id).  Only for the bench's scratch copy.
"""
import hashlib
import re
import secrets
import sqlite3
import sys
import time
import urllib.request


def main():
    db_path, base, out, count, visits = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
    db = sqlite3.connect(db_path, timeout=30)
    host = db.execute("SELECT u.id, min(us.school_id) FROM users u JOIN user_schools us ON us.user_id = u.id"
                      " WHERE u.email = 'host@example.org'").fetchone()
    if not host or host[1] is None:
        sys.exit("bookers.py: no demo host")
    schools = [r[0] for r in db.execute(
        "SELECT id FROM schools WHERE nation_id IS NULL AND sharing = 'network'"
        " AND id NOT IN (SELECT school_id FROM user_schools us JOIN users u ON u.id = us.user_id"
        " WHERE u.active = 1) ORDER BY id LIMIT ?", (count,))]
    if len(schools) < count:
        sys.exit(f"bookers.py: only {len(schools)} schools free to book for")
    now = int(time.time())
    tokens = []
    with db:
        first = None
        for k in range(visits):
            at = now + (20 + k % 60) * 86400
            cur = db.execute(
                "INSERT INTO opportunities (school_id, created_by, local_date, local_time, tz, starts_at, minutes,"
                " seats, dimensions, confirm) VALUES (?, ?, date(?, 'unixepoch'), '09:00', 'America/Chicago', ?,"
                " 60, 100, 'instructional', 'auto')", (host[1], host[0], at, at))
            first = first or cur.lastrowid
        for i, school in enumerate(schools):
            uid = db.execute("INSERT INTO users (email, name, role) VALUES (?, ?, 'leader')",
                             (f"bench-booker-{i}@example.org", f"Bench booker {i}")).lastrowid
            db.execute("INSERT INTO user_schools (user_id, school_id) VALUES (?, ?)", (uid, school))
            token = secrets.token_urlsafe(32)
            db.execute("INSERT INTO sessions (token_hash, user_id, created_at, last_seen, addr)"
                       " VALUES (?, ?, ?, ?, '127.0.0.1')", (hashlib.sha256(token.encode()).digest(), uid, now, now))
            tokens.append((token, school))
    db.close()
    lines = [f"{first} {visits}\n"]
    for token, school in tokens:
        req = urllib.request.Request(base + "/account", headers={"Cookie": "ilnet_session=" + token})
        with urllib.request.urlopen(req, timeout=30) as r:
            page = r.read().decode()
        csrf = re.search(r'name="_csrf" value="([^"]*)"', page)
        if not csrf:
            sys.exit("bookers.py: no _csrf on /account")
        lines.append(f"{token} {csrf.group(1)} {school}\n")
    with open(out, "w") as f:
        f.writelines(lines)


if __name__ == "__main__":
    main()
