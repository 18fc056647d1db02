-- History that follows consent: a grant event about a school names it by
-- id, and the page names it at read time through the visibility policy,
-- so a school whose nation later makes it private drops out of the
-- history at once.  Earlier events named the school in their text: move
-- the name out of the text into school_id.
ALTER TABLE grant_events ADD COLUMN school_id INTEGER REFERENCES schools(id);

UPDATE grant_events SET school_id = (
    SELECT gs.school_id FROM grant_schools gs JOIN schools s ON s.id = gs.school_id
     WHERE gs.grant_id = grant_events.grant_id
       AND grant_events.detail IN (s.name || ', from ' || gs.from_date,
                                   'a school kept private by its nation, from ' || gs.from_date)
     ORDER BY gs.id LIMIT 1)
 WHERE action = 'school joined';
UPDATE grant_events SET detail = substr(detail, instr(detail, ', from ') + 2)
 WHERE action = 'school joined' AND school_id IS NOT NULL;
-- Events about a school that could not be matched keep no name at all.
UPDATE grant_events SET detail = '' WHERE action = 'school joined' AND school_id IS NULL;

UPDATE grant_events SET school_id = (
    SELECT gs.school_id FROM grant_schools gs
     WHERE gs.grant_id = grant_events.grant_id
       AND grant_events.detail LIKE 'roster entry ' || gs.id || ' on %')
 WHERE action = 'school left';
UPDATE grant_events SET detail = substr(detail, instr(detail, ' on ') + 1)
 WHERE action = 'school left' AND school_id IS NOT NULL;

-- /healthz proves the database takes a write by updating this one row.
CREATE TABLE health_checks (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  at INTEGER NOT NULL
);

-- One-time keys of forms that create records (form_begin_create): stored
-- in the transaction that made the record, so a form sent again (a retry
-- after a lost reply) answers with what was made instead of a second one.
CREATE TABLE form_keys (
  user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  key        TEXT NOT NULL CHECK (length(key) = 32),
  path       TEXT NOT NULL,
  location   TEXT,
  created_at INTEGER NOT NULL DEFAULT (unixepoch()),
  PRIMARY KEY (user_id, key)
) WITHOUT ROWID;
CREATE INDEX form_keys_created ON form_keys(created_at);

-- A count of changes to what the scan's figures are made from, so that a
-- worker may keep figures it computed until they change (cache.c): a
-- response started, submitted, reopened or moved; an answer of a submitted
-- response; any change to a school, a nation or a cycle.  Draft saves do
-- not count: the figures hold while leaders save.
CREATE TABLE revisions (
  name TEXT PRIMARY KEY,
  n    INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
INSERT INTO revisions (name, n) VALUES ('figures', 0);

CREATE TRIGGER figures_response_new AFTER INSERT ON responses
BEGIN UPDATE revisions SET n = n + 1 WHERE name = 'figures'; END;
CREATE TRIGGER figures_response_gone AFTER DELETE ON responses
BEGIN UPDATE revisions SET n = n + 1 WHERE name = 'figures'; END;
CREATE TRIGGER figures_response_status AFTER UPDATE OF status, cycle_id, school_id, submitted_by ON responses
BEGIN UPDATE revisions SET n = n + 1 WHERE name = 'figures'; END;
CREATE TRIGGER figures_answer_new AFTER INSERT ON answers
  WHEN (SELECT status FROM responses WHERE id = NEW.response_id) = 'submitted'
BEGIN UPDATE revisions SET n = n + 1 WHERE name = 'figures'; END;
CREATE TRIGGER figures_answer_changed AFTER UPDATE ON answers
  WHEN (SELECT status FROM responses WHERE id = NEW.response_id) = 'submitted'
BEGIN UPDATE revisions SET n = n + 1 WHERE name = 'figures'; END;
CREATE TRIGGER figures_answer_gone AFTER DELETE ON answers
  WHEN (SELECT status FROM responses WHERE id = OLD.response_id) = 'submitted'
BEGIN UPDATE revisions SET n = n + 1 WHERE name = 'figures'; END;
CREATE TRIGGER figures_school_new AFTER INSERT ON schools
BEGIN UPDATE revisions SET n = n + 1 WHERE name = 'figures'; END;
CREATE TRIGGER figures_school_changed AFTER UPDATE ON schools
BEGIN UPDATE revisions SET n = n + 1 WHERE name = 'figures'; END;
CREATE TRIGGER figures_school_gone AFTER DELETE ON schools
BEGIN UPDATE revisions SET n = n + 1 WHERE name = 'figures'; END;
CREATE TRIGGER figures_nation_new AFTER INSERT ON nations
BEGIN UPDATE revisions SET n = n + 1 WHERE name = 'figures'; END;
CREATE TRIGGER figures_nation_changed AFTER UPDATE ON nations
BEGIN UPDATE revisions SET n = n + 1 WHERE name = 'figures'; END;
CREATE TRIGGER figures_nation_gone AFTER DELETE ON nations
BEGIN UPDATE revisions SET n = n + 1 WHERE name = 'figures'; END;
CREATE TRIGGER figures_cycle_new AFTER INSERT ON scan_cycles
BEGIN UPDATE revisions SET n = n + 1 WHERE name = 'figures'; END;
CREATE TRIGGER figures_cycle_changed AFTER UPDATE ON scan_cycles
BEGIN UPDATE revisions SET n = n + 1 WHERE name = 'figures'; END;
CREATE TRIGGER figures_consent_new AFTER INSERT ON school_consent
BEGIN UPDATE revisions SET n = n + 1 WHERE name = 'figures'; END;
CREATE TRIGGER figures_consent_changed AFTER UPDATE ON school_consent
BEGIN UPDATE revisions SET n = n + 1 WHERE name = 'figures'; END;
CREATE TRIGGER figures_consent_gone AFTER DELETE ON school_consent
BEGIN UPDATE revisions SET n = n + 1 WHERE name = 'figures'; END;

-- The same for what the Equip portfolio is made of: grants, payments,
-- reports, rosters, visits and organizations.
INSERT INTO revisions (name, n) VALUES ('equip', 0);
CREATE TRIGGER equip_grants_new AFTER INSERT ON grants
BEGIN UPDATE revisions SET n = n + 1 WHERE name = 'equip'; END;
CREATE TRIGGER equip_grants_changed AFTER UPDATE ON grants
BEGIN UPDATE revisions SET n = n + 1 WHERE name = 'equip'; END;
CREATE TRIGGER equip_grants_gone AFTER DELETE ON grants
BEGIN UPDATE revisions SET n = n + 1 WHERE name = 'equip'; END;
CREATE TRIGGER equip_grant_payments_new AFTER INSERT ON grant_payments
BEGIN UPDATE revisions SET n = n + 1 WHERE name = 'equip'; END;
CREATE TRIGGER equip_grant_payments_changed AFTER UPDATE ON grant_payments
BEGIN UPDATE revisions SET n = n + 1 WHERE name = 'equip'; END;
CREATE TRIGGER equip_grant_payments_gone AFTER DELETE ON grant_payments
BEGIN UPDATE revisions SET n = n + 1 WHERE name = 'equip'; END;
CREATE TRIGGER equip_grant_reports_new AFTER INSERT ON grant_reports
BEGIN UPDATE revisions SET n = n + 1 WHERE name = 'equip'; END;
CREATE TRIGGER equip_grant_reports_changed AFTER UPDATE ON grant_reports
BEGIN UPDATE revisions SET n = n + 1 WHERE name = 'equip'; END;
CREATE TRIGGER equip_grant_reports_gone AFTER DELETE ON grant_reports
BEGIN UPDATE revisions SET n = n + 1 WHERE name = 'equip'; END;
CREATE TRIGGER equip_grant_schools_new AFTER INSERT ON grant_schools
BEGIN UPDATE revisions SET n = n + 1 WHERE name = 'equip'; END;
CREATE TRIGGER equip_grant_schools_changed AFTER UPDATE ON grant_schools
BEGIN UPDATE revisions SET n = n + 1 WHERE name = 'equip'; END;
CREATE TRIGGER equip_grant_schools_gone AFTER DELETE ON grant_schools
BEGIN UPDATE revisions SET n = n + 1 WHERE name = 'equip'; END;
CREATE TRIGGER equip_visits_new AFTER INSERT ON visits
BEGIN UPDATE revisions SET n = n + 1 WHERE name = 'equip'; END;
CREATE TRIGGER equip_visits_changed AFTER UPDATE ON visits
BEGIN UPDATE revisions SET n = n + 1 WHERE name = 'equip'; END;
CREATE TRIGGER equip_visits_gone AFTER DELETE ON visits
BEGIN UPDATE revisions SET n = n + 1 WHERE name = 'equip'; END;
CREATE TRIGGER equip_organizations_new AFTER INSERT ON organizations
BEGIN UPDATE revisions SET n = n + 1 WHERE name = 'equip'; END;
CREATE TRIGGER equip_organizations_changed AFTER UPDATE ON organizations
BEGIN UPDATE revisions SET n = n + 1 WHERE name = 'equip'; END;
CREATE TRIGGER equip_organizations_gone AFTER DELETE ON organizations
BEGIN UPDATE revisions SET n = n + 1 WHERE name = 'equip'; END;
