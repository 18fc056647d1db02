#!/usr/bin/python3
"""writers.py — school leaders for the bench's concurrent saves.

    writers.py DB BASE_URL YEAR OUT COUNT...

Adds sum(COUNT) leaders to the bench's own database (the demo leader's
password hash, a session each, one school each whose YEAR scan has not
started), opens each one's first section through BASE_URL to read its CSRF
token and revision, and writes OUT.1, OUT.2, ... with COUNT lines each:
"session-token csrf-token path revision" (the input of save.lua).

The sessions are written straight into the database instead of signing in
(the bench measures saves, not argon2id).  Only for the bench's scratch copy.
"""
import hashlib
import re
import secrets
import sqlite3
import sys
import time
import urllib.request


def main():
    db_path, base, year, out = sys.argv[1:5]
    counts = [int(c) for c in sys.argv[5:]]
    total = sum(counts)
    db = sqlite3.connect(db_path, timeout=30)
    (pw_hash,) = db.execute(
        "SELECT pw_hash FROM users WHERE email = 'leader@example.org'").fetchone()
    (cycle,) = db.execute("SELECT id FROM scan_cycles WHERE year = ?", (year,)).fetchone()
    schools = [r[0] for r in db.execute(
        "SELECT id FROM schools WHERE id NOT IN"
        " (SELECT school_id FROM responses WHERE cycle_id = ?) ORDER BY id LIMIT ?",
        (cycle, total))]
    if len(schools) < total:
        sys.exit(f"writers.py: only {len(schools)} schools have not started the {year} scan")
    now = int(time.time())
    writers = []
    with db:
        for i, school in enumerate(schools):
            uid = db.execute(
                "INSERT INTO users (email, name, role, pw_hash) VALUES (?, ?, 'leader', ?)",
                (f"bench-leader-{i}@example.org", f"Bench leader {i}", pw_hash)).lastrowid
            db.execute("INSERT INTO user_schools (user_id, school_id) VALUES (?, ?)", (uid, school))
            token = secrets.token_urlsafe(32)
            db.execute(
                "INSERT INTO sessions (token_hash, user_id, created_at, last_seen, addr)"
                " VALUES (?, ?, ?, ?, '127.0.0.1')",
                (hashlib.sha256(token.encode()).digest(), uid, now, now))
            writers.append((token, f"/scan/{year}/schools/{school}"))
    db.close()
    lines = []
    for token, path in writers:
        req = urllib.request.Request(base + path + "?section=about",
                                     headers={"Cookie": "ilnet_session=" + token})
        with urllib.request.urlopen(req, timeout=30) as r:
            page = r.read().decode()
        csrf = re.search(r'name="_csrf" value="([^"]*)"', page)
        rev = re.search(r'name="revision" value="([0-9]*)"', page)
        if not csrf or not rev:
            sys.exit(f"writers.py: no _csrf or revision on {path}")
        lines.append(f"{token} {csrf.group(1)} {path} {rev.group(1)}\n")
    at = 0
    for k, n in enumerate(counts, 1):
        with open(f"{out}.{k}", "w") as f:
            f.writelines(lines[at:at + n])
        at += n


if __name__ == "__main__":
    main()
