-- 002: the regional scan — instruments (versioned, kept as data), yearly
-- cycles, one response per school per cycle, answers, and each response's
-- history.

-- An instrument's definition is its JSON (db/instruments/*.json), stored
-- once under its version and never changed: a new version is a new row.
CREATE TABLE instruments (
  id         INTEGER PRIMARY KEY,
  version    TEXT NOT NULL UNIQUE,
  title      TEXT NOT NULL,
  definition TEXT NOT NULL,
  created_at INTEGER NOT NULL DEFAULT (unixepoch())
);

CREATE TRIGGER instruments_frozen BEFORE UPDATE OF definition, version ON instruments
BEGIN
  SELECT RAISE(ABORT, 'a published instrument never changes');
END;

CREATE TABLE scan_cycles (
  id            INTEGER PRIMARY KEY,
  year          INTEGER NOT NULL UNIQUE CHECK (year BETWEEN 2000 AND 2100),
  instrument_id INTEGER NOT NULL REFERENCES instruments(id),
  status        TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'open', 'closed')),
  opened_at     INTEGER,
  closed_at     INTEGER
);

CREATE TABLE responses (
  id           INTEGER PRIMARY KEY,
  cycle_id     INTEGER NOT NULL REFERENCES scan_cycles(id),
  school_id    INTEGER NOT NULL REFERENCES schools(id),
  status       TEXT NOT NULL DEFAULT 'in_progress'
                 CHECK (status IN ('in_progress', 'submitted')),
  section      TEXT NOT NULL DEFAULT '',    -- where the leader is
  revision     INTEGER NOT NULL DEFAULT 0,  -- bumped by every save
  started_by   INTEGER REFERENCES users(id),
  started_at   INTEGER NOT NULL DEFAULT (unixepoch()),
  updated_at   INTEGER NOT NULL DEFAULT (unixepoch()),
  submitted_at INTEGER,
  submitted_by INTEGER REFERENCES users(id),
  UNIQUE (cycle_id, school_id)
);
CREATE INDEX responses_school ON responses(school_id);

-- Answers as text: a choice's value, a multiple choice's values joined by
-- newlines, "<question>.other" for an "other" text.
CREATE TABLE answers (
  response_id INTEGER NOT NULL REFERENCES responses(id) ON DELETE CASCADE,
  question    TEXT NOT NULL,
  value       TEXT NOT NULL,
  PRIMARY KEY (response_id, question)
) WITHOUT ROWID;

-- Who did what to a response, and when.
CREATE TABLE response_events (
  id          INTEGER PRIMARY KEY,
  response_id INTEGER NOT NULL REFERENCES responses(id) ON DELETE CASCADE,
  at          INTEGER NOT NULL DEFAULT (unixepoch()),
  user_id     INTEGER REFERENCES users(id),
  action      TEXT NOT NULL,
  detail      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX response_events_response ON response_events(response_id);
