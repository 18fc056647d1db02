-- Inspire: the annual regional convening.
--
-- One event a year, with sessions (breakouts) of their own capacity.  A
-- person registers a party (its people named, with their roles and needs)
-- and picks sessions for it.  A party holds places while registered,
-- offered (freed places held for it from the waitlist) or attended; every
-- person in it counts.  The places held are kept by triggers, and a CHECK
-- keeps them within the capacity of the event and of each session: however
-- many register at once, the database refuses the one too many (the same
-- ledger as Connect's seats, 011_connect.sql).

CREATE TABLE convenings (
  id          INTEGER PRIMARY KEY,
  year        INTEGER NOT NULL UNIQUE CHECK (year BETWEEN 2000 AND 2100),
  title       TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  place       TEXT NOT NULL CHECK (length(place) BETWEEN 1 AND 200),
  address     TEXT NOT NULL DEFAULT '' CHECK (length(address) <= 500),
  tz          TEXT NOT NULL CHECK (tz IN ('America/Chicago', 'America/Denver')),
  first_day   TEXT NOT NULL CHECK (first_day GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
  last_day    TEXT NOT NULL CHECK (last_day GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
  day_start   TEXT NOT NULL CHECK (day_start GLOB '[0-2][0-9]:[0-5][0-9]'),   -- each day, in tz
  day_end     TEXT NOT NULL CHECK (day_end GLOB '[0-2][0-9]:[0-5][0-9]'),
  capacity    INTEGER NOT NULL CHECK (capacity BETWEEN 1 AND 5000),
  held        INTEGER NOT NULL DEFAULT 0,   -- kept by the parties triggers
  opens_on    TEXT NOT NULL CHECK (opens_on GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
  closes_on   TEXT NOT NULL CHECK (closes_on GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
  offer_hours INTEGER NOT NULL DEFAULT 48 CHECK (offer_hours BETWEEN 1 AND 336),
  about       TEXT NOT NULL DEFAULT '' CHECK (length(about) <= 4000),
  sequence    INTEGER NOT NULL DEFAULT 0,   -- raised on every change of time or place
  created_by  INTEGER NOT NULL REFERENCES users(id),   -- the ORGANIZER of its invitations
  created_at  INTEGER NOT NULL DEFAULT (unixepoch()),
  CHECK (last_day >= first_day AND closes_on >= opens_on AND day_end > day_start),
  CHECK (held BETWEEN 0 AND capacity)
);

CREATE TABLE convening_sessions (
  id           INTEGER PRIMARY KEY,
  convening_id INTEGER NOT NULL REFERENCES convenings(id),
  title        TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  day          TEXT NOT NULL CHECK (day GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
  starts       TEXT NOT NULL CHECK (starts GLOB '[0-2][0-9]:[0-5][0-9]'),
  minutes      INTEGER NOT NULL CHECK (minutes BETWEEN 15 AND 600),
  room         TEXT NOT NULL DEFAULT '' CHECK (length(room) <= 200),
  capacity     INTEGER NOT NULL CHECK (capacity BETWEEN 1 AND 5000),
  held         INTEGER NOT NULL DEFAULT 0,  -- kept by the triggers
  CHECK (held BETWEEN 0 AND capacity)
);
CREATE INDEX convening_sessions_convening ON convening_sessions(convening_id, day, starts);

-- A party: who registered it, for which school (a leader's; NULL for staff
-- and intermediaries), how many people.  registered, offered and attended
-- hold places; waitlisted waits for them; cancelled is ended (ended says
-- why: 'you', 'staff', 'offer not taken').
CREATE TABLE parties (
  id            INTEGER PRIMARY KEY,
  convening_id  INTEGER NOT NULL REFERENCES convenings(id),
  registered_by INTEGER NOT NULL REFERENCES users(id),
  school_id     INTEGER REFERENCES schools(id),
  size          INTEGER NOT NULL CHECK (size BETWEEN 1 AND 20),
  status        TEXT NOT NULL CHECK (status IN ('registered', 'waitlisted', 'offered', 'cancelled', 'attended')),
  offer_until   INTEGER,                    -- offered: when the offer passes on
  ended         TEXT NOT NULL DEFAULT '',
  note          TEXT NOT NULL DEFAULT '' CHECK (length(note) <= 2000),
  sequence      INTEGER NOT NULL DEFAULT 0,
  created_at    INTEGER NOT NULL DEFAULT (unixepoch()),
  updated_at    INTEGER NOT NULL DEFAULT (unixepoch())
);
-- One live party a person per convening.
CREATE UNIQUE INDEX parties_once ON parties(convening_id, registered_by) WHERE status <> 'cancelled';
CREATE INDEX parties_convening ON parties(convening_id, status, id);
CREATE INDEX parties_school ON parties(school_id);
CREATE INDEX parties_due ON parties(offer_until) WHERE status = 'offered';

CREATE TABLE party_people (
  id            INTEGER PRIMARY KEY,
  party_id      INTEGER NOT NULL REFERENCES parties(id),
  position      INTEGER NOT NULL,
  name          TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
  role          TEXT NOT NULL DEFAULT '' CHECK (length(role) <= 120),
  access        TEXT NOT NULL DEFAULT '' CHECK (length(access) <= 500),   -- accessibility needs
  diet          TEXT NOT NULL DEFAULT '' CHECK (length(diet) <= 500),     -- dietary needs
  checked_in_at INTEGER,
  checked_in_by INTEGER REFERENCES users(id),
  UNIQUE (party_id, position)
);
CREATE INDEX party_people_name ON party_people(name COLLATE NOCASE);

-- The sessions a party chose: each holds the party's size while the party
-- holds places.
CREATE TABLE party_sessions (
  party_id   INTEGER NOT NULL REFERENCES parties(id),
  session_id INTEGER NOT NULL REFERENCES convening_sessions(id),
  PRIMARY KEY (party_id, session_id)
) WITHOUT ROWID;
CREATE INDEX party_sessions_session ON party_sessions(session_id);

CREATE TRIGGER parties_hold_insert AFTER INSERT ON parties
  WHEN NEW.status IN ('registered', 'offered', 'attended')
BEGIN
  UPDATE convenings SET held = held + NEW.size WHERE id = NEW.convening_id;
END;

CREATE TRIGGER parties_hold_update AFTER UPDATE OF status, size ON parties
BEGIN
  UPDATE convenings SET held = held
      - CASE WHEN OLD.status IN ('registered', 'offered', 'attended') THEN OLD.size ELSE 0 END
      + CASE WHEN NEW.status IN ('registered', 'offered', 'attended') THEN NEW.size ELSE 0 END
    WHERE id = NEW.convening_id;
  UPDATE convening_sessions SET held = held
      - CASE WHEN OLD.status IN ('registered', 'offered', 'attended') THEN OLD.size ELSE 0 END
      + CASE WHEN NEW.status IN ('registered', 'offered', 'attended') THEN NEW.size ELSE 0 END
    WHERE id IN (SELECT session_id FROM party_sessions WHERE party_id = NEW.id);
END;

CREATE TRIGGER party_sessions_hold_insert AFTER INSERT ON party_sessions
BEGIN
  UPDATE convening_sessions SET held = held + (SELECT size FROM parties WHERE id = NEW.party_id
      AND status IN ('registered', 'offered', 'attended'))
    WHERE id = NEW.session_id AND EXISTS (SELECT 1 FROM parties WHERE id = NEW.party_id
      AND status IN ('registered', 'offered', 'attended'));
END;

CREATE TRIGGER party_sessions_hold_delete AFTER DELETE ON party_sessions
BEGIN
  UPDATE convening_sessions SET held = held - (SELECT size FROM parties WHERE id = OLD.party_id
      AND status IN ('registered', 'offered', 'attended'))
    WHERE id = OLD.session_id AND EXISTS (SELECT 1 FROM parties WHERE id = OLD.party_id
      AND status IN ('registered', 'offered', 'attended'));
END;

-- What happened to a party, for its page.
CREATE TABLE party_events (
  id        INTEGER PRIMARY KEY,
  party_id  INTEGER NOT NULL REFERENCES parties(id),
  at        INTEGER NOT NULL DEFAULT (unixepoch()),
  user_id   INTEGER REFERENCES users(id),     -- NULL: ilnet's own clock
  action    TEXT NOT NULL,
  detail    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX party_events_party ON party_events(party_id);

-- Leaders invited because the scan said they want to come: once each.
CREATE TABLE convening_invitations (
  convening_id INTEGER NOT NULL REFERENCES convenings(id),
  user_id      INTEGER NOT NULL REFERENCES users(id),
  sent_at      INTEGER NOT NULL DEFAULT (unixepoch()),
  PRIMARY KEY (convening_id, user_id)
) WITHOUT ROWID;
