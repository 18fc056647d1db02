-- 019: a scan cycle's season — the day it opens, its deadline, and the
-- reminders staff schedule before the deadline (days before it, "14,3").
-- Each round of reminders is recorded: by the clock (days_before, against
-- the deadline then in force, at most once each) or by hand (days_before
-- NULL), when, by whom and to how many leaders.
ALTER TABLE scan_cycles ADD COLUMN opens_on TEXT
  CHECK (opens_on IS NULL OR opens_on GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]');
ALTER TABLE scan_cycles ADD COLUMN deadline TEXT
  CHECK (deadline IS NULL OR deadline GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]');
ALTER TABLE scan_cycles ADD COLUMN reminder_days TEXT NOT NULL DEFAULT '';

CREATE TABLE scan_reminder_rounds (
  id          INTEGER PRIMARY KEY,
  cycle_id    INTEGER NOT NULL REFERENCES scan_cycles(id),
  days_before INTEGER,                 -- NULL: sent by hand
  deadline    TEXT,                    -- the deadline it was scheduled against
  at          INTEGER NOT NULL DEFAULT (unixepoch()),
  sent_by     INTEGER REFERENCES users(id),   -- NULL: the clock
  recipients  INTEGER NOT NULL CHECK (recipients >= 0)
);
CREATE INDEX scan_reminder_rounds_cycle ON scan_reminder_rounds(cycle_id, at);
-- A scheduled reminder goes once for a deadline (moving the deadline
-- schedules it anew).
CREATE UNIQUE INDEX scan_reminder_rounds_once ON scan_reminder_rounds(cycle_id, days_before, deadline)
  WHERE days_before IS NOT NULL;
-- Reminders sent to a leader lately (no leader is reminded twice within a day).
CREATE INDEX scan_mailings_user ON scan_mailings(user_id, kind, at);
