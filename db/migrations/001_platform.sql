-- 001: the platform — settings, the region model, people, sessions, tokens,
-- login throttling, the mail outbox and the audit trail.
-- Times are integer Unix seconds (UTC). Money, where it appears later, is
-- integer cents.

CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE states (
  code TEXT PRIMARY KEY CHECK (length(code) = 2),
  name TEXT NOT NULL UNIQUE
) WITHOUT ROWID;

-- A Native nation. Some nations span two states (nation_states).
CREATE TABLE nations (
  id   INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE
);

CREATE TABLE nation_states (
  nation_id  INTEGER NOT NULL REFERENCES nations(id),
  state_code TEXT    NOT NULL REFERENCES states(code),
  PRIMARY KEY (nation_id, state_code)
) WITHOUT ROWID;

-- Intermediary organizations (Equip grantees) and other partners.
CREATE TABLE organizations (
  id         INTEGER PRIMARY KEY,
  name       TEXT NOT NULL UNIQUE,
  state_code TEXT REFERENCES states(code),
  city       TEXT NOT NULL DEFAULT '',
  focus      TEXT NOT NULL DEFAULT '',
  active     INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  created_at INTEGER NOT NULL DEFAULT (unixepoch())
);

-- Sharing levels, most restrictive first:
--   private    the school's own leaders, its nation's steward and admins
--   foundation also foundation staff and intermediaries serving the school
--   network    also every signed-in member of the network (coarse location)
-- A nation's schools start at 'private' whatever the insert says (trigger
-- below); only the nation's data steward raises the level.
CREATE TABLE schools (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  state_code  TEXT NOT NULL REFERENCES states(code),
  city        TEXT NOT NULL CHECK (length(city) BETWEEN 1 AND 100),
  lat         REAL CHECK (lat IS NULL OR lat BETWEEN 40 AND 50),
  lon         REAL CHECK (lon IS NULL OR lon BETWEEN -105 AND -89),
  tz          TEXT NOT NULL CHECK (tz IN ('America/Chicago', 'America/Denver')),
  type        TEXT NOT NULL CHECK (type IN ('district_urban', 'district_suburban',
                'small_rural', 'tribal', 'independent', 'charter')),
  grade_low   INTEGER NOT NULL CHECK (grade_low BETWEEN -1 AND 12),
  grade_high  INTEGER NOT NULL CHECK (grade_high BETWEEN -1 AND 12 AND grade_high >= grade_low),
  enrollment  INTEGER NOT NULL CHECK (enrollment BETWEEN 0 AND 100000),
  nation_id   INTEGER REFERENCES nations(id),
  sharing     TEXT NOT NULL DEFAULT 'network'
                CHECK (sharing IN ('private', 'foundation', 'network')),
  created_at  INTEGER NOT NULL DEFAULT (unixepoch()),
  updated_at  INTEGER NOT NULL DEFAULT (unixepoch()),
  UNIQUE (name, state_code, city)
);
CREATE INDEX schools_state ON schools(state_code);
CREATE INDEX schools_nation ON schools(nation_id);

CREATE TRIGGER schools_nation_default AFTER INSERT ON schools
  WHEN NEW.nation_id IS NOT NULL
BEGIN
  UPDATE schools SET sharing = 'private' WHERE id = NEW.id;
END;

CREATE TRIGGER schools_nation_moved AFTER UPDATE OF nation_id ON schools
  WHEN NEW.nation_id IS NOT NULL AND NEW.nation_id IS NOT OLD.nation_id
BEGIN
  UPDATE schools SET sharing = 'private' WHERE id = NEW.id;
END;

-- Every change of a school's sharing level: who, when, from what to what.
CREATE TABLE sharing_changes (
  id         INTEGER PRIMARY KEY,
  school_id  INTEGER NOT NULL REFERENCES schools(id),
  changed_by INTEGER NOT NULL REFERENCES users(id),
  changed_at INTEGER NOT NULL DEFAULT (unixepoch()),
  from_level TEXT NOT NULL,
  to_level   TEXT NOT NULL
);
CREATE INDEX sharing_changes_school ON sharing_changes(school_id);

CREATE TABLE users (
  id          INTEGER PRIMARY KEY,
  email       TEXT NOT NULL UNIQUE COLLATE NOCASE
                CHECK (length(email) BETWEEN 3 AND 254 AND email LIKE '%_@_%'),
  name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
  role        TEXT NOT NULL CHECK (role IN ('admin', 'staff', 'intermediary',
                'leader', 'steward')),
  pw_hash     TEXT,                     -- NULL until an invitation is accepted
  active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  org_id      INTEGER REFERENCES organizations(id),   -- intermediary staff
  nation_id   INTEGER REFERENCES nations(id),         -- data stewards
  created_at  INTEGER NOT NULL DEFAULT (unixepoch()),
  pw_changed_at INTEGER
);

-- School leaders and the schools they answer for.
CREATE TABLE user_schools (
  user_id   INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  school_id INTEGER NOT NULL REFERENCES schools(id) ON DELETE CASCADE,
  PRIMARY KEY (user_id, school_id)
) WITHOUT ROWID;
CREATE INDEX user_schools_school ON user_schools(school_id);

-- Organizations and the schools they serve (grant rosters refine this later).
CREATE TABLE org_schools (
  org_id    INTEGER NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  school_id INTEGER NOT NULL REFERENCES schools(id) ON DELETE CASCADE,
  PRIMARY KEY (org_id, school_id)
) WITHOUT ROWID;

-- Only the SHA-256 of a session token is stored.
CREATE TABLE sessions (
  id         INTEGER PRIMARY KEY,
  token_hash BLOB NOT NULL UNIQUE,
  user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  last_seen  INTEGER NOT NULL,
  addr       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions(user_id);

-- One-time links: invitations and password resets. Only the hash is stored.
CREATE TABLE tokens (
  id         INTEGER PRIMARY KEY,
  token_hash BLOB NOT NULL UNIQUE,
  user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  purpose    TEXT NOT NULL CHECK (purpose IN ('invite', 'reset')),
  created_by INTEGER REFERENCES users(id),
  created_at INTEGER NOT NULL DEFAULT (unixepoch()),
  expires_at INTEGER NOT NULL,
  used_at    INTEGER
);

-- Failed sign-ins, keyed 'u:<email>' or 'a:<address>', for throttling.
CREATE TABLE login_failures (
  key TEXT NOT NULL,
  at  INTEGER NOT NULL
);
CREATE INDEX login_failures_key ON login_failures(key, at);

CREATE TABLE outbox (
  id              INTEGER PRIMARY KEY,
  to_addr         TEXT NOT NULL,
  subject         TEXT NOT NULL,
  body            TEXT NOT NULL,
  created_at      INTEGER NOT NULL DEFAULT (unixepoch()),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL DEFAULT (unixepoch()),
  sent_at         INTEGER,
  last_error      TEXT
);
CREATE INDEX outbox_due ON outbox(sent_at, next_attempt_at);

CREATE TABLE audit (
  id      INTEGER PRIMARY KEY,
  at      INTEGER NOT NULL DEFAULT (unixepoch()),
  user_id INTEGER REFERENCES users(id),
  action  TEXT NOT NULL,
  detail  TEXT NOT NULL DEFAULT ''
);

INSERT INTO states (code, name) VALUES
  ('MN', 'Minnesota'), ('ND', 'North Dakota'), ('SD', 'South Dakota');

-- The 23 Native nations that share the region.
INSERT INTO nations (id, name) VALUES
  (1, 'Bois Forte Band of Chippewa'),
  (2, 'Fond du Lac Band of Lake Superior Chippewa'),
  (3, 'Grand Portage Band of Lake Superior Chippewa'),
  (4, 'Leech Lake Band of Ojibwe'),
  (5, 'Mille Lacs Band of Ojibwe'),
  (6, 'Red Lake Nation'),
  (7, 'White Earth Nation'),
  (8, 'Lower Sioux Indian Community'),
  (9, 'Prairie Island Indian Community'),
  (10, 'Shakopee Mdewakanton Sioux Community'),
  (11, 'Upper Sioux Community'),
  (12, 'Mandan, Hidatsa and Arikara Nation'),
  (13, 'Spirit Lake Nation'),
  (14, 'Turtle Mountain Band of Chippewa Indians'),
  (15, 'Standing Rock Sioux Tribe'),
  (16, 'Sisseton-Wahpeton Oyate'),
  (17, 'Cheyenne River Sioux Tribe'),
  (18, 'Crow Creek Sioux Tribe'),
  (19, 'Flandreau Santee Sioux Tribe'),
  (20, 'Lower Brule Sioux Tribe'),
  (21, 'Oglala Sioux Tribe'),
  (22, 'Rosebud Sioux Tribe'),
  (23, 'Ihanktonwan Dakota Oyate (Yankton Sioux Tribe)');

INSERT INTO nation_states (nation_id, state_code) VALUES
  (1, 'MN'), (2, 'MN'), (3, 'MN'), (4, 'MN'), (5, 'MN'), (6, 'MN'), (7, 'MN'),
  (8, 'MN'), (9, 'MN'), (10, 'MN'), (11, 'MN'),
  (12, 'ND'), (13, 'ND'), (14, 'ND'),
  (15, 'ND'), (15, 'SD'),
  (16, 'SD'), (16, 'ND'),
  (17, 'SD'), (18, 'SD'), (19, 'SD'), (20, 'SD'), (21, 'SD'), (22, 'SD'),
  (23, 'SD');
