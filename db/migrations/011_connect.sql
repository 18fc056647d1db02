-- Connect: site visits to observe practice.
--
-- A host school publishes opportunities (a wall time in its own zone, and
-- seats); visiting schools book seats for a named party.  The seats an
-- opportunity holds are kept by triggers from its bookings, and a CHECK
-- keeps them between 0 and the seats offered: however many requests race
-- for the last seat, the database refuses the one too many.

CREATE TABLE opportunities (
  id           INTEGER PRIMARY KEY,
  school_id    INTEGER NOT NULL REFERENCES schools(id),
  created_by   INTEGER NOT NULL REFERENCES users(id),
  local_date   TEXT NOT NULL CHECK (local_date GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
  local_time   TEXT NOT NULL CHECK (local_time GLOB '[0-2][0-9]:[0-5][0-9]'),
  tz           TEXT NOT NULL CHECK (tz IN ('America/Chicago', 'America/Denver')),
  starts_at    INTEGER NOT NULL,            -- the wall time in tz, as UTC
  minutes      INTEGER NOT NULL CHECK (minutes BETWEEN 15 AND 600),
  seats        INTEGER NOT NULL CHECK (seats BETWEEN 1 AND 100),
  held         INTEGER NOT NULL DEFAULT 0,  -- kept by the bookings triggers
  dimensions   TEXT NOT NULL CHECK (dimensions <> ''),   -- '\n'-separated
  practices    TEXT NOT NULL DEFAULT '',    -- the scan's practice values
  grades       TEXT NOT NULL DEFAULT '' CHECK (length(grades) <= 100),
  expect       TEXT NOT NULL DEFAULT '' CHECK (length(expect) <= 2000),
  arrive       TEXT NOT NULL DEFAULT '' CHECK (length(arrive) <= 2000),
  access       TEXT NOT NULL DEFAULT '' CHECK (length(access) <= 2000),
  confirm      TEXT NOT NULL CHECK (confirm IN ('auto', 'host')),
  answer_hours INTEGER NOT NULL DEFAULT 72 CHECK (answer_hours BETWEEN 1 AND 336),
  status       TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'cancelled')),
  sequence     INTEGER NOT NULL DEFAULT 0,  -- raised on every change of time or status
  created_at   INTEGER NOT NULL DEFAULT (unixepoch()),
  CHECK (held BETWEEN 0 AND seats)
);
CREATE INDEX opportunities_start ON opportunities(starts_at);
CREATE INDEX opportunities_school ON opportunities(school_id, starts_at);
-- Counting open visits host by host reads this index alone.
CREATE INDEX opportunities_open ON opportunities(school_id, starts_at, dimensions) WHERE status = 'open';

-- A request for seats.  pending, confirmed and offered hold seats;
-- waitlisted waits for them; the rest are ended.
CREATE TABLE bookings (
  id             INTEGER PRIMARY KEY,
  opportunity_id INTEGER NOT NULL REFERENCES opportunities(id),
  school_id      INTEGER NOT NULL REFERENCES schools(id),    -- the visiting school
  requested_by   INTEGER NOT NULL REFERENCES users(id),
  party          INTEGER NOT NULL CHECK (party BETWEEN 1 AND 20),
  names          TEXT NOT NULL CHECK (length(names) BETWEEN 1 AND 2000),  -- one a line
  note           TEXT NOT NULL DEFAULT '' CHECK (length(note) <= 2000),
  status         TEXT NOT NULL CHECK (status IN ('pending', 'confirmed', 'waitlisted', 'offered',
                   'declined', 'lapsed', 'cancelled', 'expired')),
  hold_until     INTEGER,                   -- pending: the host's deadline; offered: the offer's
  reply          TEXT NOT NULL DEFAULT '' CHECK (length(reply) <= 2000),   -- the host's message
  sequence       INTEGER NOT NULL DEFAULT 0,
  created_at     INTEGER NOT NULL DEFAULT (unixepoch()),
  updated_at     INTEGER NOT NULL DEFAULT (unixepoch())
);
-- A school is never booked twice on one opportunity.
CREATE UNIQUE INDEX bookings_once ON bookings(opportunity_id, school_id)
  WHERE status IN ('pending', 'confirmed', 'waitlisted', 'offered');
CREATE INDEX bookings_opportunity ON bookings(opportunity_id, id);
CREATE INDEX bookings_school ON bookings(school_id);
CREATE INDEX bookings_requester ON bookings(requested_by);
CREATE INDEX bookings_due ON bookings(hold_until) WHERE status IN ('pending', 'offered');

CREATE TRIGGER bookings_hold_insert AFTER INSERT ON bookings
  WHEN NEW.status IN ('pending', 'confirmed', 'offered')
BEGIN
  UPDATE opportunities SET held = held + NEW.party WHERE id = NEW.opportunity_id;
END;

CREATE TRIGGER bookings_hold_update AFTER UPDATE OF status, party, opportunity_id ON bookings
BEGIN
  UPDATE opportunities SET held = held
      - CASE WHEN OLD.status IN ('pending', 'confirmed', 'offered') THEN OLD.party ELSE 0 END
    WHERE id = OLD.opportunity_id;
  UPDATE opportunities SET held = held
      + CASE WHEN NEW.status IN ('pending', 'confirmed', 'offered') THEN NEW.party ELSE 0 END
    WHERE id = NEW.opportunity_id;
END;

CREATE TRIGGER bookings_hold_delete AFTER DELETE ON bookings
  WHEN OLD.status IN ('pending', 'confirmed', 'offered')
BEGIN
  UPDATE opportunities SET held = held - OLD.party WHERE id = OLD.opportunity_id;
END;

-- What happened to a booking, for its page and the host's.
CREATE TABLE booking_events (
  id         INTEGER PRIMARY KEY,
  booking_id INTEGER NOT NULL REFERENCES bookings(id),
  at         INTEGER NOT NULL DEFAULT (unixepoch()),
  user_id    INTEGER REFERENCES users(id),     -- NULL: ilnet's own clock
  action     TEXT NOT NULL,
  detail     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX booking_events_booking ON booking_events(booking_id);

-- Reminders a week and a day before: sent once, and only for a booking
-- still confirmed when the reminder goes.
CREATE TABLE booking_reminders (
  booking_id INTEGER NOT NULL REFERENCES bookings(id),
  kind       TEXT NOT NULL CHECK (kind IN ('week', 'day')),
  due_at     INTEGER NOT NULL,
  sent_at    INTEGER,
  PRIMARY KEY (booking_id, kind)
) WITHOUT ROWID;
CREATE INDEX booking_reminders_due ON booking_reminders(due_at) WHERE sent_at IS NULL;

-- Schools invited to publish after saying in a scan they would host: once.
-- The clock reads only scans submitted since it last looked.
CREATE INDEX responses_submitted ON responses(submitted_at) WHERE status = 'submitted';
CREATE TABLE host_invitations (
  school_id INTEGER PRIMARY KEY REFERENCES schools(id),
  sent_at   INTEGER NOT NULL DEFAULT (unixepoch())
);

-- A person's private calendar feed: only the hash of its token is kept.
CREATE TABLE calendar_feeds (
  user_id    INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  token_hash BLOB NOT NULL UNIQUE,
  created_at INTEGER NOT NULL DEFAULT (unixepoch())
);

-- After the visit: what the visitors saw and will try, by dimension, and
-- the host's notes.  A tie between two schools for the profiles and the
-- network map, read through the visibility policy.
CREATE TABLE visit_reflections (
  booking_id  INTEGER PRIMARY KEY REFERENCES bookings(id),
  dimensions  TEXT NOT NULL DEFAULT '',     -- what the visitors observed, '\n'-separated
  saw         TEXT NOT NULL DEFAULT '' CHECK (length(saw) <= 4000),
  will_try    TEXT NOT NULL DEFAULT '' CHECK (length(will_try) <= 4000),
  visitor_by  INTEGER REFERENCES users(id),
  visitor_at  INTEGER,
  host_notes  TEXT NOT NULL DEFAULT '' CHECK (length(host_notes) <= 4000),
  host_by     INTEGER REFERENCES users(id),
  host_at     INTEGER
);
