-- 006: what a nation's data steward should have besides sharing levels —
-- a log of every use of the nation's schools' data, consent to named uses
-- school by school (with the history of every change), and Local Contexts
-- Notices and Labels that travel with the data.  Times are Unix seconds (UTC).

-- Every read or export that included schools of a nation: one row per
-- nation and precision.  Written best effort (a failure never fails the
-- read); read by the nation's steward at /steward/usage.
CREATE TABLE usage_log (
  id         INTEGER PRIMARY KEY,
  at         INTEGER NOT NULL DEFAULT (unixepoch()),
  nation_id  INTEGER NOT NULL REFERENCES nations(id),
  user_id    INTEGER REFERENCES users(id),
  role       TEXT NOT NULL,               -- the viewer's role at the time
  what       TEXT NOT NULL,               -- the read or export, e.g. 'school profile', 'visits.csv'
  address    TEXT NOT NULL,               -- path and query string: the route and its filters
  nschools   INTEGER NOT NULL CHECK (nschools >= 0),
  precision  TEXT NOT NULL CHECK (precision IN ('aggregate', 'coarse', 'full'))
);
CREATE INDEX usage_log_nation ON usage_log(nation_id, at);

-- Consent to named uses, per school.  A missing row means the default,
-- which lives in the code (policy_consent_default, POLICY_CONSENT_SQL):
--   aggregate             counted in aggregate results        allowed
--   map                   on the network map, at a precision  none (a nation's school)
--   connect_host          suggested as a Connect host          refused (a nation's school)
--   intermediary_profile  profile, coarsely, to the           refused (a nation's school)
--                         intermediaries serving it while private
-- A school without a nation has no steward to ask: every use is allowed
-- and the map shows it as the visibility policy lets each viewer see it.
CREATE TABLE school_consent (
  school_id INTEGER NOT NULL REFERENCES schools(id) ON DELETE CASCADE,
  use_name  TEXT NOT NULL CHECK (use_name IN ('aggregate', 'map', 'connect_host', 'intermediary_profile')),
  value     TEXT NOT NULL CHECK (CASE use_name WHEN 'map' THEN value IN ('none', 'community', 'exact')
                                 ELSE value IN ('allowed', 'refused') END),
  PRIMARY KEY (school_id, use_name)
) WITHOUT ROWID;

-- Local Contexts Notices and Labels attached to a school by its nation's
-- steward, by published code (the list of valid codes is in policy.c).
CREATE TABLE school_labels (
  school_id INTEGER NOT NULL REFERENCES schools(id) ON DELETE CASCADE,
  code      TEXT NOT NULL CHECK (length(code) BETWEEN 1 AND 40),
  added_by  INTEGER REFERENCES users(id),
  added_at  INTEGER NOT NULL DEFAULT (unixepoch()),
  PRIMARY KEY (school_id, code)
) WITHOUT ROWID;

-- Every change of a consent or of a school's labels: who, when, from what
-- to what (changes of the sharing level stay in sharing_changes, the same
-- shape; the steward's page shows both as one history).
CREATE TABLE consent_changes (
  id         INTEGER PRIMARY KEY,
  school_id  INTEGER NOT NULL REFERENCES schools(id),
  changed_by INTEGER NOT NULL REFERENCES users(id),
  changed_at INTEGER NOT NULL DEFAULT (unixepoch()),
  use_name   TEXT NOT NULL,               -- a use above, or 'labels'
  from_value TEXT NOT NULL,
  to_value   TEXT NOT NULL
);
CREATE INDEX consent_changes_school ON consent_changes(school_id);

-- A school that moves to another nation (or leaves one) starts over: its
-- consents and labels were the former nation's to give.
CREATE TRIGGER schools_nation_moved_consent AFTER UPDATE OF nation_id ON schools
  WHEN NEW.nation_id IS NOT OLD.nation_id
BEGIN
  DELETE FROM school_consent WHERE school_id = NEW.id;
  DELETE FROM school_labels WHERE school_id = NEW.id;
END;
