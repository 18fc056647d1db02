-- 018: records people can correct, with their history.
--
-- A coaching visit's corrections and deletion: who, when, and each field's
-- old and new value (a note's text is never copied here: the foundation
-- reads this history, and notes stay with the organization).  The rows
-- outlive a deleted visit, so they carry its organization and school.
CREATE TABLE visit_changes (
  id        INTEGER PRIMARY KEY,
  visit_id  INTEGER NOT NULL,               -- no reference: kept after a deletion
  org_id    INTEGER NOT NULL REFERENCES organizations(id),
  school_id INTEGER NOT NULL REFERENCES schools(id),
  at        INTEGER NOT NULL DEFAULT (unixepoch()),
  user_id   INTEGER REFERENCES users(id),
  action    TEXT NOT NULL CHECK (action IN ('edited', 'deleted')),
  field     TEXT NOT NULL DEFAULT '',       -- '' for a deletion
  old_value TEXT NOT NULL DEFAULT '',
  new_value TEXT NOT NULL DEFAULT ''
);
CREATE INDEX visit_changes_visit ON visit_changes(visit_id);
CREATE INDEX visit_changes_org ON visit_changes(org_id, at);

-- A payment: the reference of the transfer that paid it, and the reason
-- when it falls due outside the grant's period (a deliberate override).
ALTER TABLE grant_payments ADD COLUMN paid_ref TEXT NOT NULL DEFAULT '';
ALTER TABLE grant_payments ADD COLUMN due_override TEXT NOT NULL DEFAULT '';

-- A report's draft lives in body while status is 'due'; the portfolio
-- tells a draft from a blank one by it.  Organizations: when deactivated.
ALTER TABLE organizations ADD COLUMN deactivated_at INTEGER;

-- Corrections change the Equip figures and the drafted reports.
CREATE TRIGGER equip_visit_changes_new AFTER INSERT ON visit_changes
BEGIN UPDATE revisions SET n = n + 1 WHERE name = 'equip'; END;
