-- 004: Equip — grants to intermediary organizations, their payments,
-- reporting requirements, rosters of schools served over time, history,
-- and the coaching visits intermediaries log.  Money in integer cents;
-- calendar dates as 'YYYY-MM-DD'; instants as Unix seconds (UTC).

CREATE TABLE grants (
  id           INTEGER PRIMARY KEY,
  org_id       INTEGER NOT NULL REFERENCES organizations(id),
  title        TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  purpose      TEXT NOT NULL DEFAULT '',
  activities   TEXT NOT NULL DEFAULT '',   -- activity values, newline-separated
  stage        TEXT NOT NULL DEFAULT 'proposed' CHECK (stage IN
                 ('proposed', 'awarded', 'active', 'closed', 'declined', 'withdrawn')),
  amount_cents INTEGER NOT NULL CHECK (amount_cents BETWEEN 0 AND 100000000000),
  start_date   TEXT NOT NULL CHECK (start_date GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
  end_date     TEXT NOT NULL CHECK (end_date GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'
                                    AND end_date >= start_date),
  created_at   INTEGER NOT NULL DEFAULT (unixepoch()),
  updated_at   INTEGER NOT NULL DEFAULT (unixepoch())
);
CREATE INDEX grants_org ON grants(org_id);

-- The schools a grant serves, with the dates each joined and left.
CREATE TABLE grant_schools (
  id        INTEGER PRIMARY KEY,
  grant_id  INTEGER NOT NULL REFERENCES grants(id) ON DELETE CASCADE,
  school_id INTEGER NOT NULL REFERENCES schools(id),
  from_date TEXT NOT NULL,
  to_date   TEXT CHECK (to_date IS NULL OR to_date >= from_date)
);
CREATE INDEX grant_schools_grant ON grant_schools(grant_id);
CREATE INDEX grant_schools_school ON grant_schools(school_id);

CREATE TABLE grant_payments (
  id           INTEGER PRIMARY KEY,
  grant_id     INTEGER NOT NULL REFERENCES grants(id) ON DELETE CASCADE,
  due_date     TEXT NOT NULL,
  amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
  status       TEXT NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'paid')),
  paid_on      TEXT,
  note         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX grant_payments_grant ON grant_payments(grant_id);

-- The total scheduled never exceeds the award: a second guard behind the forms.
CREATE TRIGGER grant_payments_within_award_insert BEFORE INSERT ON grant_payments
WHEN (SELECT coalesce(sum(amount_cents), 0) FROM grant_payments WHERE grant_id = NEW.grant_id)
     + NEW.amount_cents > (SELECT amount_cents FROM grants WHERE id = NEW.grant_id)
BEGIN
  SELECT RAISE(ABORT, 'payments would exceed the award');
END;

CREATE TRIGGER grant_payments_within_award_update BEFORE UPDATE OF amount_cents ON grant_payments
WHEN (SELECT coalesce(sum(amount_cents), 0) FROM grant_payments WHERE grant_id = NEW.grant_id
      AND id <> NEW.id) + NEW.amount_cents > (SELECT amount_cents FROM grants WHERE id = NEW.grant_id)
BEGIN
  SELECT RAISE(ABORT, 'payments would exceed the award');
END;

CREATE TRIGGER grants_award_covers_payments BEFORE UPDATE OF amount_cents ON grants
WHEN (SELECT coalesce(sum(amount_cents), 0) FROM grant_payments WHERE grant_id = NEW.id) > NEW.amount_cents
BEGIN
  SELECT RAISE(ABORT, 'the award would be below the payments scheduled');
END;

CREATE TABLE grant_reports (
  id           INTEGER PRIMARY KEY,
  grant_id     INTEGER NOT NULL REFERENCES grants(id) ON DELETE CASCADE,
  title        TEXT NOT NULL,
  period_start TEXT NOT NULL,
  period_end   TEXT NOT NULL CHECK (period_end >= period_start),
  due_date     TEXT NOT NULL,
  is_final     INTEGER NOT NULL DEFAULT 0 CHECK (is_final IN (0, 1)),
  status       TEXT NOT NULL DEFAULT 'due' CHECK (status IN ('due', 'submitted', 'approved', 'returned')),
  body         TEXT NOT NULL DEFAULT '',
  comments     TEXT NOT NULL DEFAULT '',
  submitted_at INTEGER,
  submitted_by INTEGER REFERENCES users(id),
  decided_at   INTEGER,
  decided_by   INTEGER REFERENCES users(id)
);
CREATE INDEX grant_reports_grant ON grant_reports(grant_id);

-- Every change to a grant: who, when, what.
CREATE TABLE grant_events (
  id       INTEGER PRIMARY KEY,
  grant_id INTEGER NOT NULL REFERENCES grants(id) ON DELETE CASCADE,
  at       INTEGER NOT NULL DEFAULT (unixepoch()),
  user_id  INTEGER REFERENCES users(id),
  action   TEXT NOT NULL,
  detail   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX grant_events_grant ON grant_events(grant_id);

-- A coaching visit.  starts_at is UTC; it was entered in the school's time
-- zone.  Participants are roles and counts, never names.
CREATE TABLE visits (
  id           INTEGER PRIMARY KEY,
  org_id       INTEGER NOT NULL REFERENCES organizations(id),
  school_id    INTEGER NOT NULL REFERENCES schools(id),
  starts_at    INTEGER NOT NULL,
  local_date   TEXT NOT NULL,               -- the date in the school's time zone
  minutes      INTEGER NOT NULL CHECK (minutes BETWEEN 5 AND 1440),
  mode         TEXT NOT NULL CHECK (mode IN ('onsite', 'remote')),
  activity     TEXT NOT NULL CHECK (activity IN ('redesign', 'engagement', 'leadership', 'staff_pd')),
  dimensions   TEXT NOT NULL DEFAULT '',   -- cultural/instructional/career, newline-separated
  participants TEXT NOT NULL DEFAULT '',   -- "teachers=5\nleaders=1"
  notes        TEXT NOT NULL DEFAULT '',
  next_steps   TEXT NOT NULL DEFAULT '',
  logged_by    INTEGER REFERENCES users(id),
  created_at   INTEGER NOT NULL DEFAULT (unixepoch())
);
CREATE INDEX visits_school ON visits(school_id, local_date);
CREATE INDEX visits_org ON visits(org_id, local_date);
