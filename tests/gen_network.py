#!/usr/bin/python3
"""gen_network.py — fill an ilnet database with a synthetic national network.

    build/ilnet migrate                         # with ILNET_DB=DB
    /usr/bin/python3 tests/gen_network.py DB [--schools N] [--leaders N] [--seed S]

What it makes (deterministic for a seed, and for the day it runs: active
grants and visits are dated around today):

  * schools (100,000 by default) across MN, ND and SD in real towns, a mix
    of types; tribal schools always belong to one of the 23 nations, and a
    few other schools do too.  A nation's school starts private (the
    database's trigger); its steward has raised some to foundation or
    network, as stewards do;
  * leaders (about 3,000), each answering for a block of schools in one
    state, named "Scale respondent N" (so lists sort them naturally);
  * the 2018 cycle (closed) with a submitted response per school, answered
    with the demo's plausible mix (cgi-bin/demo.c), and this year's cycle
    (open);
  * twelve intermediary organizations, each with an active grant serving a
    roster of schools, payments and reports, closed and proposed grants,
    and a term of coaching visits;
  * accounts with the password given by --password (default
    ilnet-demo-2026): scale-admin@example.org (admin), scale-staff@example.org
    (staff), scale-coach@example.org (intermediary of the first
    organization), scale-steward@example.org (steward of the first nation).

The database must be freshly migrated (no schools yet).  It takes well under
a minute on one core for the defaults.
"""
import argparse
import ctypes
import ctypes.util
import datetime
import random
import sqlite3
import sys
import time

STATES = [("MN", 0.58), ("ND", 0.18), ("SD", 0.24)]
TYPES = [("district_urban", 0.10), ("district_suburban", 0.16), ("small_rural", 0.42),
         ("tribal", 0.05), ("independent", 0.12), ("charter", 0.15)]
# Towns with a plausible location and time zone, by state.
TOWNS = {
    "MN": [("Minneapolis", 44.98, -93.27), ("St. Paul", 44.95, -93.09), ("Duluth", 46.79, -92.10),
           ("Rochester", 44.02, -92.47), ("Bemidji", 47.47, -94.88), ("Moorhead", 46.87, -96.77),
           ("St. Cloud", 45.56, -94.16), ("Mankato", 44.16, -94.00), ("Winona", 44.05, -91.64),
           ("Brainerd", 46.36, -94.20), ("Grand Rapids", 47.24, -93.53), ("Cass Lake", 47.38, -94.60),
           ("Red Lake", 47.88, -95.02), ("Willmar", 45.12, -95.04), ("Marshall", 44.45, -95.79),
           ("Hibbing", 47.43, -92.94), ("Thief River Falls", 48.12, -96.18), ("Austin", 43.67, -92.97),
           ("Fergus Falls", 46.28, -96.08), ("Ely", 47.90, -91.87)],
    "ND": [("Fargo", 46.88, -96.79), ("Bismarck", 46.81, -100.78), ("Grand Forks", 47.93, -97.03),
           ("Minot", 48.23, -101.30), ("Williston", 48.15, -103.62), ("Dickinson", 46.88, -102.79),
           ("Jamestown", 46.91, -98.71), ("Belcourt", 48.84, -99.75), ("Fort Yates", 46.09, -100.63),
           ("New Town", 47.98, -102.49), ("Fort Totten", 47.98, -98.99), ("Devils Lake", 48.11, -98.86),
           ("Valley City", 46.92, -98.00), ("Wahpeton", 46.27, -96.61)],
    "SD": [("Sioux Falls", 43.54, -96.73), ("Rapid City", 44.08, -103.23), ("Aberdeen", 45.46, -98.49),
           ("Pierre", 44.37, -100.35), ("Pine Ridge", 43.03, -102.56), ("Mission", 43.31, -100.66),
           ("Eagle Butte", 45.00, -101.23), ("Sisseton", 45.66, -97.05), ("Brookings", 44.31, -96.80),
           ("Watertown", 44.90, -97.12), ("Spearfish", 44.49, -103.86), ("Mitchell", 43.71, -98.03),
           ("Yankton", 42.87, -97.40), ("Kyle", 43.42, -102.18), ("Lower Brule", 44.07, -99.58),
           ("Fort Thompson", 44.07, -99.43)],
}
# West of this longitude a Dakota town keeps Mountain time (roughly).
MOUNTAIN_WEST_OF = {"ND": -101.0, "SD": -101.0}
FIRST = ["Prairie", "River", "Lake", "North", "Pine", "Cedar", "Maple", "Sunrise", "Buffalo", "Eagle",
         "Red", "Willow", "Oak", "Bluff", "Valley", "Meadow", "Stone", "Birch", "Aspen", "Sky",
         "Wolf", "Bear", "Elk", "Hawk", "Heron", "Sage", "Juniper", "Cottonwood", "Spruce", "Linden"]
SECOND = ["Ridge", "Creek", "View", "Hills", "Bend", "Crossing", "Point", "Springs", "Trail", "Heights",
          "Park", "Grove", "Hollow", "Falls", "Harbor", "Landing", "Woods", "Fields", "Gate", "Commons"]
KIND = {"district_urban": ["Elementary", "Middle School", "High School", "Community School"],
        "district_suburban": ["Elementary", "Middle School", "High School", "Academy"],
        "small_rural": ["Public School", "School", "Area School", "K-12 School"],
        "tribal": ["Tribal School", "Community School", "Language Immersion School"],
        "independent": ["Academy", "Learning Center", "Montessori School"],
        "charter": ["Charter School", "Arts Academy", "STEM Academy", "Online Academy"]}
GIVEN = ["Alex", "Jordan", "Sam", "Pat", "Casey", "Riley", "Morgan", "Dana", "Jamie", "Taylor", "Avery",
         "Quinn", "Robin", "Lee", "Kerry", "Shawn", "Terry", "Jesse", "Cameron", "Drew"]
FAMILY = ["Olson", "Johnson", "Anderson", "Larson", "Nelson", "Peterson", "Two Bulls", "Whitehorse",
          "Lone Wolf", "Iron Cloud", "Schmidt", "Berg", "Lindqvist", "Hanson", "Martin", "Yellow Bird",
          "Many Horses", "Swenson", "Nguyen", "Ali"]
ORGS = ["Prairie Learning Collaborative", "North Star Leadership Institute", "Arrowhead Teaching Network",
        "Missouri Slope Education Partners", "Big Sioux School Design Studio",
        "Black Hills and Plains Learning Alliance", "Red River Redesign Group", "Lakes Country Coaching",
        "Dakota Horizons Learning", "Headwaters School Partners", "Badlands Educator Network",
        "Iron Range Learning Lab"]

# Answers as cgi-bin/demo.c gives them (db/instruments/regional-scan-v1.json).
STAGES = (["not_yet", "exploring", "planning", "some_classrooms", "schoolwide"], [0.06, 0.14, 0.14, 0.42, 0.24])
CULT = (["community_curriculum", "native_language", "elders_families", "identity_celebrations",
         "culturally_responsive_training"], [0.3, 0.12, 0.18, 0.35, 0.25])
INST = (["learning_plans", "competency_based", "student_choice", "flexible_pacing", "project_based",
         "realtime_data"], [0.55, 0.35, 0.6, 0.5, 0.45, 0.5])
CAR = (["internships", "career_exploration", "mentors", "postsecondary_plans", "credentials"],
       [0.35, 0.6, 0.35, 0.55, 0.4])
PL = (["plc", "district_pd", "outside_orgs", "conferences", "book_studies", "observing"],
      [0.75, 0.6, 0.45, 0.5, 0.35, 0.3])
SUP = (["howto", "observe", "community", "assessments", "roles", "autonomy"], [0.7, 0.6, 0.45, 0.5, 0.35, 0.42])
CHAL = (["requirements", "time", "funding", "turnover", "understanding", "assessment", "technology"],
        [0.55, 0.7, 0.5, 0.3, 0.35, 0.4, 0.2])
ROLES = ["principal", "principal", "principal", "assistant", "district", "teacher_leader"]
YN = ["yes", "maybe", "no"]


def weighted(rng, pairs):
    u, acc = rng.random(), 0.0
    for v, p in pairs:
        acc += p
        if u < acc:
            return v
    return pairs[-1][0]


def pick_many(rng, opts, boost=1.0, at_least_one=False):
    names, p = opts
    chosen = [n for n, q in zip(names, p) if rng.random() < q * boost]
    if not chosen and at_least_one:
        chosen = [rng.choice(names)]
    return "\n".join(chosen) if chosen else None


def answers_for(rng):
    """One response's answers, as (question, value) pairs."""
    u, acc, sg = rng.random(), 0.0, 4
    for i, p in enumerate(STAGES[1]):
        acc += p
        if u < acc:
            sg = i
            break
    implementing = sg >= 3
    a = [("role", rng.choice(ROLES)), ("years", str(1 + rng.randrange(15))),
         ("fam_individualized", str(3 + rng.randrange(3))), ("fam_personalized", str(3 + rng.randrange(3))),
         ("fam_student_centered", str(2 + rng.randrange(4))), ("stage", STAGES[0][sg])]
    if implementing:
        a.append(("since", str(2008 + rng.randrange(11))))
        a.append(("reach", ["few", "some", "most", "all"][2 + rng.randrange(2) if sg == 4 else rng.randrange(3)]))
    boost = 1.0 if implementing else 0.6
    a.append(("cultural_practices", pick_many(rng, CULT, boost)))
    a.append(("cultural_agree", str(2 + rng.randrange(3))))
    a.append(("instructional_practices", pick_many(rng, INST, boost)))
    a.append(("instructional_agree", str(3 + rng.randrange(3))))
    a.append(("career_practices", pick_many(rng, CAR, boost)))
    a.append(("career_agree", str(3 + rng.randrange(2) + (1 if rng.random() < 0.3 else 0))))
    a.append(("pl_used", pick_many(rng, PL, 1.0, True)))
    needs = pick_many(rng, SUP, 1.0, True)
    a.append(("supports_needed", needs))
    a.append(("support_top", needs.split("\n")[0]))
    a.append(("challenges", pick_many(rng, CHAL, 1.0, True)))
    a.append(("want_cohort", YN[rng.randrange(3)]))
    a.append(("want_convening", YN[rng.randrange(2)]))
    a.append(("connect_host", YN[rng.randrange(2) if implementing else 1 + rng.randrange(2)]))
    a.append(("connect_visit", YN[rng.randrange(2)]))
    return [(q, v) for q, v in a if v is not None]


def password_hash(pw):
    """Argon2id as ilnet stores it (libsodium's crypto_pwhash_str, the
    parameters of cgi-bin/auth.c), through libsodium itself."""
    lib = ctypes.CDLL(ctypes.util.find_library("sodium") or "libsodium.so.23")
    if lib.sodium_init() < 0:
        sys.exit("gen_network: libsodium did not start")
    out = ctypes.create_string_buffer(128)
    data = pw.encode()
    lib.crypto_pwhash_str_alg.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulonglong,
                                          ctypes.c_ulonglong, ctypes.c_size_t, ctypes.c_int]
    if lib.crypto_pwhash_str_alg(out, data, len(data), 3, 64 * 1024 * 1024, 2) != 0:
        sys.exit("gen_network: could not hash the password")
    return out.value.decode()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("db")
    ap.add_argument("--schools", type=int, default=100000)
    ap.add_argument("--leaders", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=2018)
    ap.add_argument("--password", default="ilnet-demo-2026")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    t0 = time.time()
    db = sqlite3.connect(args.db, isolation_level=None)
    db.execute("PRAGMA synchronous = OFF")
    db.execute("PRAGMA foreign_keys = ON")
    if db.execute("SELECT count(*) FROM schools").fetchone()[0]:
        sys.exit("gen_network: the database already has schools; give it a freshly migrated one")
    inst = db.execute("SELECT id FROM instruments WHERE version = 'regional-scan-v1'").fetchone()
    if not inst:
        sys.exit("gen_network: no instrument regional-scan-v1: run `ilnet migrate` first")
    inst = inst[0]
    nations = [r[0] for r in db.execute("SELECT id FROM nations ORDER BY id")]
    nation_state = {}
    for nid, st in db.execute("SELECT nation_id, state_code FROM nation_states ORDER BY nation_id, state_code"):
        nation_state.setdefault(nid, []).append(st)
    today = datetime.date.today()
    db.execute("BEGIN")

    # ---- organizations and schools ---------------------------------------
    for i, name in enumerate(ORGS):
        st = ["ND", "MN", "MN", "ND", "SD", "SD"][i % 6]
        db.execute("INSERT INTO organizations (id, name, state_code, city, focus) VALUES (?, ?, ?, ?, ?)",
                   (i + 1, name, st, TOWNS[st][i % len(TOWNS[st])][0], "school redesign and planning"))
    seen = set()
    rows = []
    for i in range(args.schools):
        typ = weighted(rng, TYPES)
        nation = None
        if typ == "tribal" or rng.random() < 0.02:
            nation = rng.choice(nations)
            st = rng.choice(nation_state.get(nation, ["SD"]))
        else:
            st = weighted(rng, STATES)
        town, lat, lon = rng.choice(TOWNS[st])
        name = "%s %s %s" % (rng.choice(FIRST), rng.choice(SECOND), rng.choice(KIND[typ]))
        if (name, st, town) in seen:
            name = "%s %d" % (name, i + 1)
        seen.add((name, st, town))
        lo = rng.choice([-1, 0, 0, 0, 6, 9])
        hi = {-1: 5, 0: rng.choice([5, 8, 12, 12]), 6: 8, 9: 12}[lo]
        tz = "America/Denver" if lon < MOUNTAIN_WEST_OF.get(st, -200) else "America/Chicago"
        enrol = {"district_urban": 600, "district_suburban": 500, "small_rural": 180, "tribal": 220,
                 "independent": 150, "charter": 250}[typ]
        rows.append((name, st, town, round(lat + rng.uniform(-0.15, 0.15), 4),
                     round(lon + rng.uniform(-0.15, 0.15), 4), tz, typ, lo, hi,
                     max(5, int(rng.gauss(enrol, enrol / 3))), nation))
    db.executemany("INSERT INTO schools (name, state_code, city, lat, lon, tz, type, grade_low, grade_high,"
                   " enrollment, nation_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    school_ids = [r[0] for r in db.execute("SELECT id FROM schools ORDER BY state_code, city, id")]
    # Stewards raise some of their schools: about 35% foundation, 25% network.
    nation_schools = [r[0] for r in db.execute("SELECT id FROM schools WHERE nation_id IS NOT NULL ORDER BY id")]
    raise_to = []
    for sid in nation_schools:
        u = rng.random()
        if u < 0.35:
            raise_to.append(("foundation", sid))
        elif u < 0.60:
            raise_to.append(("network", sid))
    db.executemany("UPDATE schools SET sharing = ? WHERE id = ?", raise_to)
    # Some steward consent: a few nations let intermediaries see private schools.
    db.executemany("INSERT INTO school_consent (school_id, use_name, value) VALUES (?, 'intermediary_profile', 'allowed')",
                   [(sid,) for sid in nation_schools if sid % 5 == 0])

    # ---- accounts ----------------------------------------------------------
    pw = password_hash(args.password)
    db.execute("INSERT INTO users (email, name, role, pw_hash, pw_changed_at) VALUES"
               " ('scale-admin@example.org', 'Scale Admin', 'admin', ?, unixepoch()),"
               " ('scale-staff@example.org', 'Scale Staff', 'staff', ?, unixepoch())", (pw, pw))
    db.execute("INSERT INTO users (email, name, role, pw_hash, org_id, pw_changed_at) VALUES"
               " ('scale-coach@example.org', 'Scale Coach', 'intermediary', ?, 1, unixepoch())", (pw,))
    db.execute("INSERT INTO users (email, name, role, pw_hash, nation_id, pw_changed_at) VALUES"
               " ('scale-steward@example.org', 'Scale Steward', 'steward', ?, ?, unixepoch())", (pw, nations[0]))
    staff = db.execute("SELECT id FROM users WHERE email = 'scale-staff@example.org'").fetchone()[0]
    for k in range(1, 24):
        db.execute("INSERT INTO users (email, name, role, org_id) VALUES (?, ?, 'intermediary', ?)",
                   ("coach%d@scale.example.org" % k, "%s %s" % (rng.choice(GIVEN), rng.choice(FAMILY)),
                    1 + k % len(ORGS)))
    # Leaders, each for a block of schools (in state and town order).
    per = max(1, len(school_ids) // args.leaders)
    leader_of = {}
    links = []
    for k in range(args.leaders):
        cur = db.execute("INSERT INTO users (email, name, role, active) VALUES (?, ?, 'leader', 1)",
                         ("leader%d@scale.example.org" % (k + 1), "Scale respondent %d" % (k + 1)))
        uid = cur.lastrowid
        block = school_ids[k * per:(k + 1) * per] if k < args.leaders - 1 else school_ids[k * per:]
        for sid in block:
            leader_of[sid] = uid
            links.append((uid, sid))
    db.executemany("INSERT INTO user_schools (user_id, school_id) VALUES (?, ?)", links)

    # ---- the 2018 scan: a submitted response per school ----------------------
    db.execute("INSERT INTO scan_cycles (year, instrument_id, status, opened_at, closed_at)"
               " VALUES (2018, ?, 'closed', 1520000000, 1530000000)", (inst,))
    db.execute("INSERT INTO scan_cycles (year, instrument_id, status, opened_at) VALUES (?, ?, 'open', unixepoch())",
               (today.year, inst))
    cycle = db.execute("SELECT id FROM scan_cycles WHERE year = 2018").fetchone()[0]
    resp = []
    for sid in school_ids:
        at = 1522000000 + rng.randrange(5000000)
        lid = leader_of.get(sid)
        resp.append((cycle, sid, lid, at - 86400, at, at, lid))
    db.executemany("INSERT INTO responses (cycle_id, school_id, status, section, started_by, started_at, updated_at,"
                   " submitted_at, submitted_by) VALUES (?, ?, 'submitted', 'network', ?, ?, ?, ?, ?)", resp)
    rids = db.execute("SELECT id, submitted_by, submitted_at FROM responses WHERE cycle_id = ? ORDER BY id",
                      (cycle,)).fetchall()
    batch = []
    for rid, _, _ in rids:
        for q, v in answers_for(rng):
            batch.append((rid, q, v))
        if len(batch) > 200000:
            db.executemany("INSERT INTO answers (response_id, question, value) VALUES (?, ?, ?)", batch)
            batch = []
    db.executemany("INSERT INTO answers (response_id, question, value) VALUES (?, ?, ?)", batch)
    db.executemany("INSERT INTO response_events (response_id, at, user_id, action, detail)"
                   " VALUES (?, ?, ?, 'submitted', 'synthetic')", [(rid, at, uid) for rid, uid, at in rids])

    # ---- Equip: grants, rosters, payments, reports, visits ----------------------
    start = (today - datetime.timedelta(days=200)).isoformat()
    end = (today + datetime.timedelta(days=530)).isoformat()
    acts = ["redesign\nleadership", "engagement\nstaff_pd", "leadership\nstaff_pd", "redesign\nengagement"]
    visits = []
    for o in range(1, len(ORGS) + 1):
        cur = db.execute("INSERT INTO grants (org_id, title, purpose, activities, stage, amount_cents, start_date,"
                         " end_date) VALUES (?, ?, 'Coaching schools in individualized learning', ?, 'active', ?, ?, ?)",
                         (o, "Equip %d: individualized learning" % today.year, acts[o % 4],
                          rng.randrange(150, 600) * 100000, start, end))
        g = cur.lastrowid
        roster = rng.sample(school_ids, 150)
        db.executemany("INSERT INTO grant_schools (grant_id, school_id, from_date) VALUES (?, ?, ?)",
                       [(g, sid, start) for sid in roster])
        amount = db.execute("SELECT amount_cents FROM grants WHERE id = ?", (g,)).fetchone()[0]
        part = amount // 4
        for k in range(4):
            due = (today + datetime.timedelta(days=-180 + 120 * k)).isoformat()
            paid = due < today.isoformat()
            db.execute("INSERT INTO grant_payments (grant_id, due_date, amount_cents, status, paid_on)"
                       " VALUES (?, ?, ?, ?, ?)", (g, due, part, "paid" if paid else "scheduled",
                                                   due if paid else None))
        for k in range(3):
            ps = (today + datetime.timedelta(days=-200 + 180 * k)).isoformat()
            pe = (today + datetime.timedelta(days=-21 + 180 * k)).isoformat()
            db.execute("INSERT INTO grant_reports (grant_id, title, period_start, period_end, due_date, is_final)"
                       " VALUES (?, ?, ?, ?, ?, ?)", (g, "Report %d" % (k + 1), ps, pe, pe, int(k == 2)))
        db.execute("INSERT INTO grant_events (grant_id, user_id, action, detail) VALUES (?, ?, 'created', 'synthetic')",
                   (g, staff))
        for y in range(2019, 2019 + rng.randrange(3, 7)):
            db.execute("INSERT INTO grants (org_id, title, stage, amount_cents, start_date, end_date)"
                       " VALUES (?, ?, 'closed', ?, ?, ?)", (o, "Equip %d" % y, rng.randrange(100, 400) * 100000,
                                                            "%d-07-01" % y, "%d-06-30" % (y + 1)))
        db.execute("INSERT INTO grants (org_id, title, stage, amount_cents, start_date, end_date)"
                   " VALUES (?, ?, 'proposed', ?, ?, ?)", (o, "Equip %d renewal" % (today.year + 1),
                                                          rng.randrange(100, 400) * 100000,
                                                          "%d-07-01" % (today.year + 1), "%d-06-30" % (today.year + 2)))
        # A term of visits: about 400 per organization.
        for _ in range(400):
            sid = rng.choice(roster)
            day = today - datetime.timedelta(days=1 + rng.randrange(190))
            hour = 8 + rng.randrange(8)
            starts = int(datetime.datetime(day.year, day.month, day.day, hour + 6,
                                           tzinfo=datetime.timezone.utc).timestamp())
            visits.append((o, sid, starts, day.isoformat(), rng.choice([45, 60, 90, 120, 180]),
                           rng.choice(["onsite", "remote"]),
                           rng.choice(["redesign", "engagement", "leadership", "staff_pd"]),
                           rng.choice(["cultural", "instructional", "career", "instructional\ncareer"]),
                           "teachers=%d\nleaders=1" % (2 + rng.randrange(8)), "Synthetic visit notes.",
                           "Synthetic next steps." if rng.random() < 0.5 else ""))
    db.executemany("INSERT INTO visits (org_id, school_id, starts_at, local_date, minutes, mode, activity, dimensions,"
                   " participants, notes, next_steps) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", visits)
    db.execute("COMMIT")
    db.execute("ANALYZE")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    n = lambda sql: db.execute(sql).fetchone()[0]
    print("gen_network: %d schools (%d private), %d leaders, %d responses, %d answers, %d grants, %d visits"
          " in %.1f s" % (n("SELECT count(*) FROM schools"), n("SELECT count(*) FROM schools WHERE sharing = 'private'"),
                          n("SELECT count(*) FROM users WHERE role = 'leader'"), n("SELECT count(*) FROM responses"),
                          n("SELECT count(*) FROM answers"), n("SELECT count(*) FROM grants"),
                          n("SELECT count(*) FROM visits"), time.time() - t0))
    db.close()


if __name__ == "__main__":
    main()
