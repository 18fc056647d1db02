-- 003: mail sent for a scan cycle (invitations once per leader; reminders
-- as often as staff send them), so an invitation is never sent twice.
CREATE TABLE scan_mailings (
  id       INTEGER PRIMARY KEY,
  cycle_id INTEGER NOT NULL REFERENCES scan_cycles(id),
  user_id  INTEGER NOT NULL REFERENCES users(id),
  kind     TEXT NOT NULL CHECK (kind IN ('invitation', 'reminder')),
  sent_by  INTEGER REFERENCES users(id),
  at       INTEGER NOT NULL DEFAULT (unixepoch())
);
CREATE INDEX scan_mailings_cycle ON scan_mailings(cycle_id, user_id, kind);
