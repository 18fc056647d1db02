-- 024: the scan's figures kept on write (the results at national scale).
--
-- Written by db/figures_sql.py: change that script, then
--   python3 db/figures_sql.py --write
-- (make lint fails while the two differ).
--
-- The results (results.c) walked every school and every response of a
-- cycle on each request: about 300 ms at 100,000 schools.  The tables below
-- hold the same figures added up per cycle and per group of schools, where
-- a group is what the results filter and break down by and what the
-- policy's suppression weighs for staff and admins (the only readers of the
-- results): a school's state, type and nation (its atom, POLICY_ATOM) and
-- whether staff see it in full ("shown": sharing foundation or network).
-- Only schools counted in aggregates (consent "aggregate", as
-- POLICY_AGGREGATE_OK) are in any group.  policy_aggregate's rule is still
-- applied at read time, to whole atoms (policy_atom_counts), so nothing
-- about who may see what is decided here.
--
--   figure_schools  schools per group (every cycle)
--   figure_cycles   per cycle and group: responses in progress and
--                   submitted; submitted ones summarised (response_summary)
--                   and implementing
--   figure_choices  per cycle, group, choice question (SUMMARY_STAGE ...)
--                   and option bit: summarised responses that chose it
--   figure_scores   per cycle, group, dimension and denominator: the sum of
--                   numerators and how many (exact: summed in C with
--                   score_mean_merge)
--   figure_leaders  per cycle, group and leader (submitted_by, 0 for none):
--                   summarised responses, and how many implement
--   figure_answers  per cycle, group, question and whole answer value:
--                   submitted responses with that answer
--
-- Triggers keep every row exact in the transaction that changes what it
-- counts: a response submitted, reopened or moved, a summary stored or
-- deleted, an answer of a submitted response changed, a school's groups or
-- sharing level changed, a steward's consent to aggregates changed.  Each
-- adds or takes away only what its own row adds (a school's whole
-- contribution when the school changes group), so triggers that fire
-- others (an answer deleting a summary) count nothing twice.  Rows that
-- fall to zero stay, and are read as nothing.  A submitted response without
-- a summary counts in figure_cycles.submitted but not in summarised: the
-- results then read that cycle the old way, walking every school
-- (summaries are filled at every start).  REPLACE would delete a row
-- without firing delete triggers: the "_replaced" triggers delete the row
-- first (summaries, answers of a submitted response); consent is only ever
-- written by INSERT or upsert.  So a plain INSERT (or INSERT OR IGNORE, or
-- an upsert) of a summary, or of an answer of a submitted response, whose
-- key is already there now replaces the row instead of failing (or being
-- ignored, or updated); an answer of a response in progress fails as
-- before.  Nothing relies on the failure: summary.c writes OR REPLACE,
-- scan.c deletes a section's answers before inserting them, and answers
-- are otherwise only inserted for a new response.
--
-- A summary now also carries who submitted its response, kept so (deleted
-- when that changes), so the leaders' figure is kept with it.
--
-- The tables are filled from what is stored when this runs, with the same
-- groups; a unit test holds the triggers to that fill after every kind of
-- change.  Nothing here depends on this file's number.
ALTER TABLE response_summary ADD COLUMN submitted_by INTEGER NOT NULL DEFAULT 0;
UPDATE response_summary SET submitted_by = coalesce((SELECT x.submitted_by FROM responses x
  WHERE x.id = response_summary.response_id), 0);
CREATE TRIGGER IF NOT EXISTS response_summary_leader AFTER UPDATE OF submitted_by ON responses
  WHEN NEW.submitted_by IS NOT OLD.submitted_by
BEGIN DELETE FROM response_summary WHERE response_id = NEW.id; END;

-- Every school with its group, and those counted in aggregates.
CREATE VIEW figure_school_all AS
  SELECT s.id AS school_id, s.state_code, s.type, coalesce(s.nation_id, 0) AS nation_id,
         s.sharing IN ('foundation', 'network') AS shown
    FROM schools s;
CREATE VIEW figure_school AS
  SELECT g.* FROM figure_school_all g
   WHERE coalesce((SELECT c.value = 'allowed' FROM school_consent c
                    WHERE c.school_id = g.school_id AND c.use_name = 'aggregate'), 1);

CREATE TABLE figure_schools (
  state_code TEXT NOT NULL, type TEXT NOT NULL, nation_id INTEGER NOT NULL, shown INTEGER NOT NULL,
  schools INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (state_code, type, nation_id, shown)
) WITHOUT ROWID;
CREATE TABLE figure_cycles (
  cycle_id INTEGER NOT NULL, state_code TEXT NOT NULL, type TEXT NOT NULL, nation_id INTEGER NOT NULL,
  shown INTEGER NOT NULL,
  in_progress INTEGER NOT NULL DEFAULT 0, submitted INTEGER NOT NULL DEFAULT 0,
  summarised INTEGER NOT NULL DEFAULT 0, implementing INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (cycle_id, state_code, type, nation_id, shown)
) WITHOUT ROWID;
CREATE TABLE figure_choices (
  cycle_id INTEGER NOT NULL, state_code TEXT NOT NULL, type TEXT NOT NULL, nation_id INTEGER NOT NULL,
  shown INTEGER NOT NULL, choice INTEGER NOT NULL, bit INTEGER NOT NULL, n INTEGER NOT NULL,
  PRIMARY KEY (cycle_id, state_code, type, nation_id, shown, choice, bit)
) WITHOUT ROWID;
CREATE TABLE figure_scores (
  cycle_id INTEGER NOT NULL, state_code TEXT NOT NULL, type TEXT NOT NULL, nation_id INTEGER NOT NULL,
  shown INTEGER NOT NULL, dim INTEGER NOT NULL, den INTEGER NOT NULL, num INTEGER NOT NULL, n INTEGER NOT NULL,
  PRIMARY KEY (cycle_id, state_code, type, nation_id, shown, dim, den)
) WITHOUT ROWID;
CREATE TABLE figure_leaders (
  cycle_id INTEGER NOT NULL, state_code TEXT NOT NULL, type TEXT NOT NULL, nation_id INTEGER NOT NULL,
  shown INTEGER NOT NULL, leader INTEGER NOT NULL, responses INTEGER NOT NULL, implementing INTEGER NOT NULL,
  PRIMARY KEY (cycle_id, state_code, type, nation_id, shown, leader)
) WITHOUT ROWID;
CREATE TABLE figure_answers (
  cycle_id INTEGER NOT NULL, state_code TEXT NOT NULL, type TEXT NOT NULL, nation_id INTEGER NOT NULL,
  shown INTEGER NOT NULL, question TEXT NOT NULL, value TEXT NOT NULL, n INTEGER NOT NULL,
  PRIMARY KEY (cycle_id, state_code, type, nation_id, shown, question, value)
) WITHOUT ROWID;
-- Choice c's option k is bit k of its summary column (SURVEY_MAX_OPTIONS 63).
CREATE TABLE figure_bits (choice INTEGER NOT NULL, bit INTEGER NOT NULL, PRIMARY KEY (choice, bit)) WITHOUT ROWID;
INSERT INTO figure_bits (choice, bit)
  WITH RECURSIVE k(v) AS (SELECT 0 UNION ALL SELECT v + 1 FROM k WHERE v < 62),
                 c(v) AS (SELECT 0 UNION ALL SELECT v + 1 FROM c WHERE v < 3)
  SELECT c.v, k.v FROM c, k;

-- The figures of what is stored now.
INSERT INTO figure_schools (state_code, type, nation_id, shown, schools)
  SELECT state_code, type, nation_id, shown, count(*) FROM figure_school GROUP BY 1, 2, 3, 4;
INSERT INTO figure_cycles (cycle_id, state_code, type, nation_id, shown, in_progress, submitted, summarised, implementing)
  SELECT x.cycle_id, g.state_code, g.type, g.nation_id, g.shown, sum(x.status = 'in_progress'),
         sum(x.status = 'submitted'),
         sum(EXISTS (SELECT 1 FROM response_summary rs WHERE rs.response_id = x.id)),
         coalesce(sum((SELECT rs.implementing FROM response_summary rs WHERE rs.response_id = x.id)), 0)
    FROM figure_school g JOIN responses x ON x.school_id = g.school_id GROUP BY 1, 2, 3, 4, 5;
INSERT INTO figure_choices (cycle_id, state_code, type, nation_id, shown, choice, bit, n)
  SELECT rs.cycle_id, g.state_code, g.type, g.nation_id, g.shown, b.choice, b.bit, count(*)
    FROM figure_school g JOIN response_summary rs ON rs.school_id = g.school_id JOIN figure_bits b
      ON ((CASE b.choice WHEN 0 THEN rs.stage WHEN 1 THEN rs.supports WHEN 2 THEN rs.learning
           ELSE rs.challenges END) >> b.bit) & 1
   GROUP BY 1, 2, 3, 4, 5, 6, 7;
INSERT INTO figure_scores (cycle_id, state_code, type, nation_id, shown, dim, den, num, n)
  SELECT cycle_id, state_code, type, nation_id, shown, dim, den, sum(num), count(*) FROM (
    SELECT rs.cycle_id, g.state_code, g.type, g.nation_id, g.shown, 0 AS dim, rs.cultural_den AS den,
           rs.cultural_num AS num FROM figure_school g JOIN response_summary rs ON rs.school_id = g.school_id
    UNION ALL
    SELECT rs.cycle_id, g.state_code, g.type, g.nation_id, g.shown, 1, rs.instructional_den, rs.instructional_num
      FROM figure_school g JOIN response_summary rs ON rs.school_id = g.school_id
    UNION ALL
    SELECT rs.cycle_id, g.state_code, g.type, g.nation_id, g.shown, 2, rs.career_den, rs.career_num
      FROM figure_school g JOIN response_summary rs ON rs.school_id = g.school_id)
   WHERE den IS NOT NULL GROUP BY 1, 2, 3, 4, 5, 6, 7;
INSERT INTO figure_leaders (cycle_id, state_code, type, nation_id, shown, leader, responses, implementing)
  SELECT rs.cycle_id, g.state_code, g.type, g.nation_id, g.shown, rs.submitted_by, count(*), sum(rs.implementing)
    FROM figure_school g JOIN response_summary rs ON rs.school_id = g.school_id GROUP BY 1, 2, 3, 4, 5, 6;
INSERT INTO figure_answers (cycle_id, state_code, type, nation_id, shown, question, value, n)
  SELECT x.cycle_id, g.state_code, g.type, g.nation_id, g.shown, a.question, a.value, count(*)
    FROM figure_school g JOIN responses x ON x.school_id = g.school_id AND x.status = 'submitted'
    JOIN answers a ON a.response_id = x.id GROUP BY 1, 2, 3, 4, 5, 6, 7;

-- The triggers (db/figures_sql.py's TRIGGERS, each statement one of its
-- FIGURES: an upsert adding what a row adds, with sign -1 to take it away).
CREATE TRIGGER figure_sums_school_new AFTER INSERT ON schools
BEGIN
  INSERT INTO figure_schools (state_code, type, nation_id, shown, schools)
    SELECT g.state_code, g.type, g.nation_id, g.shown, 1 FROM (SELECT * FROM figure_school g WHERE g.school_id = NEW.id) g WHERE true
    ON CONFLICT (state_code, type, nation_id, shown) DO UPDATE SET schools = schools + excluded.schools;
  INSERT INTO figure_cycles (cycle_id, state_code, type, nation_id, shown, in_progress, submitted, summarised, implementing)
    SELECT x.cycle_id, g.state_code, g.type, g.nation_id, g.shown, 1 * (x.status = 'in_progress'), 1 * (x.status = 'submitted'), 0, 0 FROM figure_school g, scan_cycles c JOIN responses x ON x.cycle_id = c.id AND x.school_id = g.school_id WHERE g.school_id = NEW.id
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown) DO UPDATE SET in_progress = in_progress + excluded.in_progress, submitted = submitted + excluded.submitted;
  INSERT INTO figure_cycles (cycle_id, state_code, type, nation_id, shown, in_progress, submitted, summarised, implementing)
    SELECT rs.cycle_id, g.state_code, g.type, g.nation_id, g.shown, 0, 0, 1, 1 * rs.implementing FROM figure_school g, scan_cycles c JOIN response_summary rs ON rs.cycle_id = c.id AND rs.school_id = g.school_id WHERE g.school_id = NEW.id
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown) DO UPDATE SET summarised = summarised + excluded.summarised, implementing = implementing + excluded.implementing;
  INSERT INTO figure_choices (cycle_id, state_code, type, nation_id, shown, choice, bit, n)
    SELECT rs.cycle_id, g.state_code, g.type, g.nation_id, g.shown, b.choice, b.bit, 1 FROM figure_school g, scan_cycles c JOIN response_summary rs ON rs.cycle_id = c.id AND rs.school_id = g.school_id, figure_bits b WHERE g.school_id = NEW.id AND ((CASE b.choice WHEN 0 THEN rs.stage WHEN 1 THEN rs.supports WHEN 2 THEN rs.learning ELSE rs.challenges END) >> b.bit) & 1
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown, choice, bit) DO UPDATE SET n = n + excluded.n;
  INSERT INTO figure_scores (cycle_id, state_code, type, nation_id, shown, dim, den, num, n)
    SELECT rs.cycle_id, g.state_code, g.type, g.nation_id, g.shown, 0, rs.cultural_den, 1 * rs.cultural_num, 1 FROM figure_school g, scan_cycles c JOIN response_summary rs ON rs.cycle_id = c.id AND rs.school_id = g.school_id WHERE g.school_id = NEW.id AND rs.cultural_den IS NOT NULL
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown, dim, den) DO UPDATE SET num = num + excluded.num, n = n + excluded.n;
  INSERT INTO figure_scores (cycle_id, state_code, type, nation_id, shown, dim, den, num, n)
    SELECT rs.cycle_id, g.state_code, g.type, g.nation_id, g.shown, 1, rs.instructional_den, 1 * rs.instructional_num, 1 FROM figure_school g, scan_cycles c JOIN response_summary rs ON rs.cycle_id = c.id AND rs.school_id = g.school_id WHERE g.school_id = NEW.id AND rs.instructional_den IS NOT NULL
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown, dim, den) DO UPDATE SET num = num + excluded.num, n = n + excluded.n;
  INSERT INTO figure_scores (cycle_id, state_code, type, nation_id, shown, dim, den, num, n)
    SELECT rs.cycle_id, g.state_code, g.type, g.nation_id, g.shown, 2, rs.career_den, 1 * rs.career_num, 1 FROM figure_school g, scan_cycles c JOIN response_summary rs ON rs.cycle_id = c.id AND rs.school_id = g.school_id WHERE g.school_id = NEW.id AND rs.career_den IS NOT NULL
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown, dim, den) DO UPDATE SET num = num + excluded.num, n = n + excluded.n;
  INSERT INTO figure_leaders (cycle_id, state_code, type, nation_id, shown, leader, responses, implementing)
    SELECT rs.cycle_id, g.state_code, g.type, g.nation_id, g.shown, rs.submitted_by, 1, 1 * rs.implementing FROM figure_school g, scan_cycles c JOIN response_summary rs ON rs.cycle_id = c.id AND rs.school_id = g.school_id WHERE g.school_id = NEW.id
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown, leader) DO UPDATE SET responses = responses + excluded.responses, implementing = implementing + excluded.implementing;
  INSERT INTO figure_answers (cycle_id, state_code, type, nation_id, shown, question, value, n)
    SELECT x.cycle_id, g.state_code, g.type, g.nation_id, g.shown, a.question, a.value, 1 FROM figure_school g, scan_cycles c JOIN responses x ON x.cycle_id = c.id AND x.school_id = g.school_id, answers a WHERE g.school_id = NEW.id AND a.response_id = x.id AND x.status = 'submitted'
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown, question, value) DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER figure_sums_school_gone BEFORE DELETE ON schools
BEGIN
  INSERT INTO figure_schools (state_code, type, nation_id, shown, schools)
    SELECT g.state_code, g.type, g.nation_id, g.shown, -1 FROM (SELECT * FROM figure_school g WHERE g.school_id = OLD.id) g WHERE true
    ON CONFLICT (state_code, type, nation_id, shown) DO UPDATE SET schools = schools + excluded.schools;
  INSERT INTO figure_cycles (cycle_id, state_code, type, nation_id, shown, in_progress, submitted, summarised, implementing)
    SELECT x.cycle_id, g.state_code, g.type, g.nation_id, g.shown, -1 * (x.status = 'in_progress'), -1 * (x.status = 'submitted'), 0, 0 FROM figure_school g, scan_cycles c JOIN responses x ON x.cycle_id = c.id AND x.school_id = g.school_id WHERE g.school_id = OLD.id
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown) DO UPDATE SET in_progress = in_progress + excluded.in_progress, submitted = submitted + excluded.submitted;
  INSERT INTO figure_cycles (cycle_id, state_code, type, nation_id, shown, in_progress, submitted, summarised, implementing)
    SELECT rs.cycle_id, g.state_code, g.type, g.nation_id, g.shown, 0, 0, -1, -1 * rs.implementing FROM figure_school g, scan_cycles c JOIN response_summary rs ON rs.cycle_id = c.id AND rs.school_id = g.school_id WHERE g.school_id = OLD.id
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown) DO UPDATE SET summarised = summarised + excluded.summarised, implementing = implementing + excluded.implementing;
  INSERT INTO figure_choices (cycle_id, state_code, type, nation_id, shown, choice, bit, n)
    SELECT rs.cycle_id, g.state_code, g.type, g.nation_id, g.shown, b.choice, b.bit, -1 FROM figure_school g, scan_cycles c JOIN response_summary rs ON rs.cycle_id = c.id AND rs.school_id = g.school_id, figure_bits b WHERE g.school_id = OLD.id AND ((CASE b.choice WHEN 0 THEN rs.stage WHEN 1 THEN rs.supports WHEN 2 THEN rs.learning ELSE rs.challenges END) >> b.bit) & 1
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown, choice, bit) DO UPDATE SET n = n + excluded.n;
  INSERT INTO figure_scores (cycle_id, state_code, type, nation_id, shown, dim, den, num, n)
    SELECT rs.cycle_id, g.state_code, g.type, g.nation_id, g.shown, 0, rs.cultural_den, -1 * rs.cultural_num, -1 FROM figure_school g, scan_cycles c JOIN response_summary rs ON rs.cycle_id = c.id AND rs.school_id = g.school_id WHERE g.school_id = OLD.id AND rs.cultural_den IS NOT NULL
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown, dim, den) DO UPDATE SET num = num + excluded.num, n = n + excluded.n;
  INSERT INTO figure_scores (cycle_id, state_code, type, nation_id, shown, dim, den, num, n)
    SELECT rs.cycle_id, g.state_code, g.type, g.nation_id, g.shown, 1, rs.instructional_den, -1 * rs.instructional_num, -1 FROM figure_school g, scan_cycles c JOIN response_summary rs ON rs.cycle_id = c.id AND rs.school_id = g.school_id WHERE g.school_id = OLD.id AND rs.instructional_den IS NOT NULL
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown, dim, den) DO UPDATE SET num = num + excluded.num, n = n + excluded.n;
  INSERT INTO figure_scores (cycle_id, state_code, type, nation_id, shown, dim, den, num, n)
    SELECT rs.cycle_id, g.state_code, g.type, g.nation_id, g.shown, 2, rs.career_den, -1 * rs.career_num, -1 FROM figure_school g, scan_cycles c JOIN response_summary rs ON rs.cycle_id = c.id AND rs.school_id = g.school_id WHERE g.school_id = OLD.id AND rs.career_den IS NOT NULL
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown, dim, den) DO UPDATE SET num = num + excluded.num, n = n + excluded.n;
  INSERT INTO figure_leaders (cycle_id, state_code, type, nation_id, shown, leader, responses, implementing)
    SELECT rs.cycle_id, g.state_code, g.type, g.nation_id, g.shown, rs.submitted_by, -1, -1 * rs.implementing FROM figure_school g, scan_cycles c JOIN response_summary rs ON rs.cycle_id = c.id AND rs.school_id = g.school_id WHERE g.school_id = OLD.id
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown, leader) DO UPDATE SET responses = responses + excluded.responses, implementing = implementing + excluded.implementing;
  INSERT INTO figure_answers (cycle_id, state_code, type, nation_id, shown, question, value, n)
    SELECT x.cycle_id, g.state_code, g.type, g.nation_id, g.shown, a.question, a.value, -1 FROM figure_school g, scan_cycles c JOIN responses x ON x.cycle_id = c.id AND x.school_id = g.school_id, answers a WHERE g.school_id = OLD.id AND a.response_id = x.id AND x.status = 'submitted'
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown, question, value) DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER figure_sums_school_moved AFTER UPDATE OF state_code, type, nation_id, sharing ON schools
  WHEN NEW.state_code IS NOT OLD.state_code OR NEW.type IS NOT OLD.type OR NEW.nation_id IS NOT OLD.nation_id OR NEW.sharing IS NOT OLD.sharing
BEGIN
  INSERT INTO figure_schools (state_code, type, nation_id, shown, schools)
    SELECT g.state_code, g.type, g.nation_id, g.shown, -1 FROM (SELECT OLD.id AS school_id, OLD.state_code AS state_code, OLD.type AS type, coalesce(OLD.nation_id, 0) AS nation_id, OLD.sharing IN ('foundation', 'network') AS shown WHERE coalesce((SELECT c.value = 'allowed' FROM school_consent c WHERE c.school_id = OLD.id AND c.use_name = 'aggregate'), 1)) g WHERE true
    ON CONFLICT (state_code, type, nation_id, shown) DO UPDATE SET schools = schools + excluded.schools;
  INSERT INTO figure_cycles (cycle_id, state_code, type, nation_id, shown, in_progress, submitted, summarised, implementing)
    SELECT x.cycle_id, g.state_code, g.type, g.nation_id, g.shown, -1 * (x.status = 'in_progress'), -1 * (x.status = 'submitted'), 0, 0 FROM (SELECT OLD.id AS school_id, OLD.state_code AS state_code, OLD.type AS type, coalesce(OLD.nation_id, 0) AS nation_id, OLD.sharing IN ('foundation', 'network') AS shown WHERE coalesce((SELECT c.value = 'allowed' FROM school_consent c WHERE c.school_id = OLD.id AND c.use_name = 'aggregate'), 1)) g, scan_cycles c JOIN responses x ON x.cycle_id = c.id AND x.school_id = g.school_id WHERE g.school_id = OLD.id
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown) DO UPDATE SET in_progress = in_progress + excluded.in_progress, submitted = submitted + excluded.submitted;
  INSERT INTO figure_cycles (cycle_id, state_code, type, nation_id, shown, in_progress, submitted, summarised, implementing)
    SELECT rs.cycle_id, g.state_code, g.type, g.nation_id, g.shown, 0, 0, -1, -1 * rs.implementing FROM (SELECT OLD.id AS school_id, OLD.state_code AS state_code, OLD.type AS type, coalesce(OLD.nation_id, 0) AS nation_id, OLD.sharing IN ('foundation', 'network') AS shown WHERE coalesce((SELECT c.value = 'allowed' FROM school_consent c WHERE c.school_id = OLD.id AND c.use_name = 'aggregate'), 1)) g, scan_cycles c JOIN response_summary rs ON rs.cycle_id = c.id AND rs.school_id = g.school_id WHERE g.school_id = OLD.id
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown) DO UPDATE SET summarised = summarised + excluded.summarised, implementing = implementing + excluded.implementing;
  INSERT INTO figure_choices (cycle_id, state_code, type, nation_id, shown, choice, bit, n)
    SELECT rs.cycle_id, g.state_code, g.type, g.nation_id, g.shown, b.choice, b.bit, -1 FROM (SELECT OLD.id AS school_id, OLD.state_code AS state_code, OLD.type AS type, coalesce(OLD.nation_id, 0) AS nation_id, OLD.sharing IN ('foundation', 'network') AS shown WHERE coalesce((SELECT c.value = 'allowed' FROM school_consent c WHERE c.school_id = OLD.id AND c.use_name = 'aggregate'), 1)) g, scan_cycles c JOIN response_summary rs ON rs.cycle_id = c.id AND rs.school_id = g.school_id, figure_bits b WHERE g.school_id = OLD.id AND ((CASE b.choice WHEN 0 THEN rs.stage WHEN 1 THEN rs.supports WHEN 2 THEN rs.learning ELSE rs.challenges END) >> b.bit) & 1
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown, choice, bit) DO UPDATE SET n = n + excluded.n;
  INSERT INTO figure_scores (cycle_id, state_code, type, nation_id, shown, dim, den, num, n)
    SELECT rs.cycle_id, g.state_code, g.type, g.nation_id, g.shown, 0, rs.cultural_den, -1 * rs.cultural_num, -1 FROM (SELECT OLD.id AS school_id, OLD.state_code AS state_code, OLD.type AS type, coalesce(OLD.nation_id, 0) AS nation_id, OLD.sharing IN ('foundation', 'network') AS shown WHERE coalesce((SELECT c.value = 'allowed' FROM school_consent c WHERE c.school_id = OLD.id AND c.use_name = 'aggregate'), 1)) g, scan_cycles c JOIN response_summary rs ON rs.cycle_id = c.id AND rs.school_id = g.school_id WHERE g.school_id = OLD.id AND rs.cultural_den IS NOT NULL
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown, dim, den) DO UPDATE SET num = num + excluded.num, n = n + excluded.n;
  INSERT INTO figure_scores (cycle_id, state_code, type, nation_id, shown, dim, den, num, n)
    SELECT rs.cycle_id, g.state_code, g.type, g.nation_id, g.shown, 1, rs.instructional_den, -1 * rs.instructional_num, -1 FROM (SELECT OLD.id AS school_id, OLD.state_code AS state_code, OLD.type AS type, coalesce(OLD.nation_id, 0) AS nation_id, OLD.sharing IN ('foundation', 'network') AS shown WHERE coalesce((SELECT c.value = 'allowed' FROM school_consent c WHERE c.school_id = OLD.id AND c.use_name = 'aggregate'), 1)) g, scan_cycles c JOIN response_summary rs ON rs.cycle_id = c.id AND rs.school_id = g.school_id WHERE g.school_id = OLD.id AND rs.instructional_den IS NOT NULL
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown, dim, den) DO UPDATE SET num = num + excluded.num, n = n + excluded.n;
  INSERT INTO figure_scores (cycle_id, state_code, type, nation_id, shown, dim, den, num, n)
    SELECT rs.cycle_id, g.state_code, g.type, g.nation_id, g.shown, 2, rs.career_den, -1 * rs.career_num, -1 FROM (SELECT OLD.id AS school_id, OLD.state_code AS state_code, OLD.type AS type, coalesce(OLD.nation_id, 0) AS nation_id, OLD.sharing IN ('foundation', 'network') AS shown WHERE coalesce((SELECT c.value = 'allowed' FROM school_consent c WHERE c.school_id = OLD.id AND c.use_name = 'aggregate'), 1)) g, scan_cycles c JOIN response_summary rs ON rs.cycle_id = c.id AND rs.school_id = g.school_id WHERE g.school_id = OLD.id AND rs.career_den IS NOT NULL
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown, dim, den) DO UPDATE SET num = num + excluded.num, n = n + excluded.n;
  INSERT INTO figure_leaders (cycle_id, state_code, type, nation_id, shown, leader, responses, implementing)
    SELECT rs.cycle_id, g.state_code, g.type, g.nation_id, g.shown, rs.submitted_by, -1, -1 * rs.implementing FROM (SELECT OLD.id AS school_id, OLD.state_code AS state_code, OLD.type AS type, coalesce(OLD.nation_id, 0) AS nation_id, OLD.sharing IN ('foundation', 'network') AS shown WHERE coalesce((SELECT c.value = 'allowed' FROM school_consent c WHERE c.school_id = OLD.id AND c.use_name = 'aggregate'), 1)) g, scan_cycles c JOIN response_summary rs ON rs.cycle_id = c.id AND rs.school_id = g.school_id WHERE g.school_id = OLD.id
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown, leader) DO UPDATE SET responses = responses + excluded.responses, implementing = implementing + excluded.implementing;
  INSERT INTO figure_answers (cycle_id, state_code, type, nation_id, shown, question, value, n)
    SELECT x.cycle_id, g.state_code, g.type, g.nation_id, g.shown, a.question, a.value, -1 FROM (SELECT OLD.id AS school_id, OLD.state_code AS state_code, OLD.type AS type, coalesce(OLD.nation_id, 0) AS nation_id, OLD.sharing IN ('foundation', 'network') AS shown WHERE coalesce((SELECT c.value = 'allowed' FROM school_consent c WHERE c.school_id = OLD.id AND c.use_name = 'aggregate'), 1)) g, scan_cycles c JOIN responses x ON x.cycle_id = c.id AND x.school_id = g.school_id, answers a WHERE g.school_id = OLD.id AND a.response_id = x.id AND x.status = 'submitted'
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown, question, value) DO UPDATE SET n = n + excluded.n;
  INSERT INTO figure_schools (state_code, type, nation_id, shown, schools)
    SELECT g.state_code, g.type, g.nation_id, g.shown, 1 FROM (SELECT * FROM figure_school g WHERE g.school_id = NEW.id) g WHERE true
    ON CONFLICT (state_code, type, nation_id, shown) DO UPDATE SET schools = schools + excluded.schools;
  INSERT INTO figure_cycles (cycle_id, state_code, type, nation_id, shown, in_progress, submitted, summarised, implementing)
    SELECT x.cycle_id, g.state_code, g.type, g.nation_id, g.shown, 1 * (x.status = 'in_progress'), 1 * (x.status = 'submitted'), 0, 0 FROM figure_school g, scan_cycles c JOIN responses x ON x.cycle_id = c.id AND x.school_id = g.school_id WHERE g.school_id = NEW.id
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown) DO UPDATE SET in_progress = in_progress + excluded.in_progress, submitted = submitted + excluded.submitted;
  INSERT INTO figure_cycles (cycle_id, state_code, type, nation_id, shown, in_progress, submitted, summarised, implementing)
    SELECT rs.cycle_id, g.state_code, g.type, g.nation_id, g.shown, 0, 0, 1, 1 * rs.implementing FROM figure_school g, scan_cycles c JOIN response_summary rs ON rs.cycle_id = c.id AND rs.school_id = g.school_id WHERE g.school_id = NEW.id
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown) DO UPDATE SET summarised = summarised + excluded.summarised, implementing = implementing + excluded.implementing;
  INSERT INTO figure_choices (cycle_id, state_code, type, nation_id, shown, choice, bit, n)
    SELECT rs.cycle_id, g.state_code, g.type, g.nation_id, g.shown, b.choice, b.bit, 1 FROM figure_school g, scan_cycles c JOIN response_summary rs ON rs.cycle_id = c.id AND rs.school_id = g.school_id, figure_bits b WHERE g.school_id = NEW.id AND ((CASE b.choice WHEN 0 THEN rs.stage WHEN 1 THEN rs.supports WHEN 2 THEN rs.learning ELSE rs.challenges END) >> b.bit) & 1
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown, choice, bit) DO UPDATE SET n = n + excluded.n;
  INSERT INTO figure_scores (cycle_id, state_code, type, nation_id, shown, dim, den, num, n)
    SELECT rs.cycle_id, g.state_code, g.type, g.nation_id, g.shown, 0, rs.cultural_den, 1 * rs.cultural_num, 1 FROM figure_school g, scan_cycles c JOIN response_summary rs ON rs.cycle_id = c.id AND rs.school_id = g.school_id WHERE g.school_id = NEW.id AND rs.cultural_den IS NOT NULL
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown, dim, den) DO UPDATE SET num = num + excluded.num, n = n + excluded.n;
  INSERT INTO figure_scores (cycle_id, state_code, type, nation_id, shown, dim, den, num, n)
    SELECT rs.cycle_id, g.state_code, g.type, g.nation_id, g.shown, 1, rs.instructional_den, 1 * rs.instructional_num, 1 FROM figure_school g, scan_cycles c JOIN response_summary rs ON rs.cycle_id = c.id AND rs.school_id = g.school_id WHERE g.school_id = NEW.id AND rs.instructional_den IS NOT NULL
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown, dim, den) DO UPDATE SET num = num + excluded.num, n = n + excluded.n;
  INSERT INTO figure_scores (cycle_id, state_code, type, nation_id, shown, dim, den, num, n)
    SELECT rs.cycle_id, g.state_code, g.type, g.nation_id, g.shown, 2, rs.career_den, 1 * rs.career_num, 1 FROM figure_school g, scan_cycles c JOIN response_summary rs ON rs.cycle_id = c.id AND rs.school_id = g.school_id WHERE g.school_id = NEW.id AND rs.career_den IS NOT NULL
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown, dim, den) DO UPDATE SET num = num + excluded.num, n = n + excluded.n;
  INSERT INTO figure_leaders (cycle_id, state_code, type, nation_id, shown, leader, responses, implementing)
    SELECT rs.cycle_id, g.state_code, g.type, g.nation_id, g.shown, rs.submitted_by, 1, 1 * rs.implementing FROM figure_school g, scan_cycles c JOIN response_summary rs ON rs.cycle_id = c.id AND rs.school_id = g.school_id WHERE g.school_id = NEW.id
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown, leader) DO UPDATE SET responses = responses + excluded.responses, implementing = implementing + excluded.implementing;
  INSERT INTO figure_answers (cycle_id, state_code, type, nation_id, shown, question, value, n)
    SELECT x.cycle_id, g.state_code, g.type, g.nation_id, g.shown, a.question, a.value, 1 FROM figure_school g, scan_cycles c JOIN responses x ON x.cycle_id = c.id AND x.school_id = g.school_id, answers a WHERE g.school_id = NEW.id AND a.response_id = x.id AND x.status = 'submitted'
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown, question, value) DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER figure_sums_consent_new_out AFTER INSERT ON school_consent
  WHEN NEW.use_name = 'aggregate' AND NOT (NEW.value = 'allowed')
BEGIN
  INSERT INTO figure_schools (state_code, type, nation_id, shown, schools)
    SELECT g.state_code, g.type, g.nation_id, g.shown, -1 FROM (SELECT * FROM figure_school_all g WHERE g.school_id = NEW.school_id) g WHERE true
    ON CONFLICT (state_code, type, nation_id, shown) DO UPDATE SET schools = schools + excluded.schools;
  INSERT INTO figure_cycles (cycle_id, state_code, type, nation_id, shown, in_progress, submitted, summarised, implementing)
    SELECT x.cycle_id, g.state_code, g.type, g.nation_id, g.shown, -1 * (x.status = 'in_progress'), -1 * (x.status = 'submitted'), 0, 0 FROM figure_school_all g, scan_cycles c JOIN responses x ON x.cycle_id = c.id AND x.school_id = g.school_id WHERE g.school_id = NEW.school_id
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown) DO UPDATE SET in_progress = in_progress + excluded.in_progress, submitted = submitted + excluded.submitted;
  INSERT INTO figure_cycles (cycle_id, state_code, type, nation_id, shown, in_progress, submitted, summarised, implementing)
    SELECT rs.cycle_id, g.state_code, g.type, g.nation_id, g.shown, 0, 0, -1, -1 * rs.implementing FROM figure_school_all g, scan_cycles c JOIN response_summary rs ON rs.cycle_id = c.id AND rs.school_id = g.school_id WHERE g.school_id = NEW.school_id
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown) DO UPDATE SET summarised = summarised + excluded.summarised, implementing = implementing + excluded.implementing;
  INSERT INTO figure_choices (cycle_id, state_code, type, nation_id, shown, choice, bit, n)
    SELECT rs.cycle_id, g.state_code, g.type, g.nation_id, g.shown, b.choice, b.bit, -1 FROM figure_school_all g, scan_cycles c JOIN response_summary rs ON rs.cycle_id = c.id AND rs.school_id = g.school_id, figure_bits b WHERE g.school_id = NEW.school_id AND ((CASE b.choice WHEN 0 THEN rs.stage WHEN 1 THEN rs.supports WHEN 2 THEN rs.learning ELSE rs.challenges END) >> b.bit) & 1
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown, choice, bit) DO UPDATE SET n = n + excluded.n;
  INSERT INTO figure_scores (cycle_id, state_code, type, nation_id, shown, dim, den, num, n)
    SELECT rs.cycle_id, g.state_code, g.type, g.nation_id, g.shown, 0, rs.cultural_den, -1 * rs.cultural_num, -1 FROM figure_school_all g, scan_cycles c JOIN response_summary rs ON rs.cycle_id = c.id AND rs.school_id = g.school_id WHERE g.school_id = NEW.school_id AND rs.cultural_den IS NOT NULL
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown, dim, den) DO UPDATE SET num = num + excluded.num, n = n + excluded.n;
  INSERT INTO figure_scores (cycle_id, state_code, type, nation_id, shown, dim, den, num, n)
    SELECT rs.cycle_id, g.state_code, g.type, g.nation_id, g.shown, 1, rs.instructional_den, -1 * rs.instructional_num, -1 FROM figure_school_all g, scan_cycles c JOIN response_summary rs ON rs.cycle_id = c.id AND rs.school_id = g.school_id WHERE g.school_id = NEW.school_id AND rs.instructional_den IS NOT NULL
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown, dim, den) DO UPDATE SET num = num + excluded.num, n = n + excluded.n;
  INSERT INTO figure_scores (cycle_id, state_code, type, nation_id, shown, dim, den, num, n)
    SELECT rs.cycle_id, g.state_code, g.type, g.nation_id, g.shown, 2, rs.career_den, -1 * rs.career_num, -1 FROM figure_school_all g, scan_cycles c JOIN response_summary rs ON rs.cycle_id = c.id AND rs.school_id = g.school_id WHERE g.school_id = NEW.school_id AND rs.career_den IS NOT NULL
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown, dim, den) DO UPDATE SET num = num + excluded.num, n = n + excluded.n;
  INSERT INTO figure_leaders (cycle_id, state_code, type, nation_id, shown, leader, responses, implementing)
    SELECT rs.cycle_id, g.state_code, g.type, g.nation_id, g.shown, rs.submitted_by, -1, -1 * rs.implementing FROM figure_school_all g, scan_cycles c JOIN response_summary rs ON rs.cycle_id = c.id AND rs.school_id = g.school_id WHERE g.school_id = NEW.school_id
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown, leader) DO UPDATE SET responses = responses + excluded.responses, implementing = implementing + excluded.implementing;
  INSERT INTO figure_answers (cycle_id, state_code, type, nation_id, shown, question, value, n)
    SELECT x.cycle_id, g.state_code, g.type, g.nation_id, g.shown, a.question, a.value, -1 FROM figure_school_all g, scan_cycles c JOIN responses x ON x.cycle_id = c.id AND x.school_id = g.school_id, answers a WHERE g.school_id = NEW.school_id AND a.response_id = x.id AND x.status = 'submitted'
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown, question, value) DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER figure_sums_consent_changed_out AFTER UPDATE OF value ON school_consent
  WHEN NEW.use_name = 'aggregate' AND OLD.value = 'allowed' AND NOT (NEW.value = 'allowed')
BEGIN
  INSERT INTO figure_schools (state_code, type, nation_id, shown, schools)
    SELECT g.state_code, g.type, g.nation_id, g.shown, -1 FROM (SELECT * FROM figure_school_all g WHERE g.school_id = NEW.school_id) g WHERE true
    ON CONFLICT (state_code, type, nation_id, shown) DO UPDATE SET schools = schools + excluded.schools;
  INSERT INTO figure_cycles (cycle_id, state_code, type, nation_id, shown, in_progress, submitted, summarised, implementing)
    SELECT x.cycle_id, g.state_code, g.type, g.nation_id, g.shown, -1 * (x.status = 'in_progress'), -1 * (x.status = 'submitted'), 0, 0 FROM figure_school_all g, scan_cycles c JOIN responses x ON x.cycle_id = c.id AND x.school_id = g.school_id WHERE g.school_id = NEW.school_id
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown) DO UPDATE SET in_progress = in_progress + excluded.in_progress, submitted = submitted + excluded.submitted;
  INSERT INTO figure_cycles (cycle_id, state_code, type, nation_id, shown, in_progress, submitted, summarised, implementing)
    SELECT rs.cycle_id, g.state_code, g.type, g.nation_id, g.shown, 0, 0, -1, -1 * rs.implementing FROM figure_school_all g, scan_cycles c JOIN response_summary rs ON rs.cycle_id = c.id AND rs.school_id = g.school_id WHERE g.school_id = NEW.school_id
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown) DO UPDATE SET summarised = summarised + excluded.summarised, implementing = implementing + excluded.implementing;
  INSERT INTO figure_choices (cycle_id, state_code, type, nation_id, shown, choice, bit, n)
    SELECT rs.cycle_id, g.state_code, g.type, g.nation_id, g.shown, b.choice, b.bit, -1 FROM figure_school_all g, scan_cycles c JOIN response_summary rs ON rs.cycle_id = c.id AND rs.school_id = g.school_id, figure_bits b WHERE g.school_id = NEW.school_id AND ((CASE b.choice WHEN 0 THEN rs.stage WHEN 1 THEN rs.supports WHEN 2 THEN rs.learning ELSE rs.challenges END) >> b.bit) & 1
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown, choice, bit) DO UPDATE SET n = n + excluded.n;
  INSERT INTO figure_scores (cycle_id, state_code, type, nation_id, shown, dim, den, num, n)
    SELECT rs.cycle_id, g.state_code, g.type, g.nation_id, g.shown, 0, rs.cultural_den, -1 * rs.cultural_num, -1 FROM figure_school_all g, scan_cycles c JOIN response_summary rs ON rs.cycle_id = c.id AND rs.school_id = g.school_id WHERE g.school_id = NEW.school_id AND rs.cultural_den IS NOT NULL
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown, dim, den) DO UPDATE SET num = num + excluded.num, n = n + excluded.n;
  INSERT INTO figure_scores (cycle_id, state_code, type, nation_id, shown, dim, den, num, n)
    SELECT rs.cycle_id, g.state_code, g.type, g.nation_id, g.shown, 1, rs.instructional_den, -1 * rs.instructional_num, -1 FROM figure_school_all g, scan_cycles c JOIN response_summary rs ON rs.cycle_id = c.id AND rs.school_id = g.school_id WHERE g.school_id = NEW.school_id AND rs.instructional_den IS NOT NULL
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown, dim, den) DO UPDATE SET num = num + excluded.num, n = n + excluded.n;
  INSERT INTO figure_scores (cycle_id, state_code, type, nation_id, shown, dim, den, num, n)
    SELECT rs.cycle_id, g.state_code, g.type, g.nation_id, g.shown, 2, rs.career_den, -1 * rs.career_num, -1 FROM figure_school_all g, scan_cycles c JOIN response_summary rs ON rs.cycle_id = c.id AND rs.school_id = g.school_id WHERE g.school_id = NEW.school_id AND rs.career_den IS NOT NULL
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown, dim, den) DO UPDATE SET num = num + excluded.num, n = n + excluded.n;
  INSERT INTO figure_leaders (cycle_id, state_code, type, nation_id, shown, leader, responses, implementing)
    SELECT rs.cycle_id, g.state_code, g.type, g.nation_id, g.shown, rs.submitted_by, -1, -1 * rs.implementing FROM figure_school_all g, scan_cycles c JOIN response_summary rs ON rs.cycle_id = c.id AND rs.school_id = g.school_id WHERE g.school_id = NEW.school_id
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown, leader) DO UPDATE SET responses = responses + excluded.responses, implementing = implementing + excluded.implementing;
  INSERT INTO figure_answers (cycle_id, state_code, type, nation_id, shown, question, value, n)
    SELECT x.cycle_id, g.state_code, g.type, g.nation_id, g.shown, a.question, a.value, -1 FROM figure_school_all g, scan_cycles c JOIN responses x ON x.cycle_id = c.id AND x.school_id = g.school_id, answers a WHERE g.school_id = NEW.school_id AND a.response_id = x.id AND x.status = 'submitted'
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown, question, value) DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER figure_sums_consent_changed_in AFTER UPDATE OF value ON school_consent
  WHEN NEW.use_name = 'aggregate' AND NEW.value = 'allowed' AND NOT (OLD.value = 'allowed')
BEGIN
  INSERT INTO figure_schools (state_code, type, nation_id, shown, schools)
    SELECT g.state_code, g.type, g.nation_id, g.shown, 1 FROM (SELECT * FROM figure_school_all g WHERE g.school_id = NEW.school_id) g WHERE true
    ON CONFLICT (state_code, type, nation_id, shown) DO UPDATE SET schools = schools + excluded.schools;
  INSERT INTO figure_cycles (cycle_id, state_code, type, nation_id, shown, in_progress, submitted, summarised, implementing)
    SELECT x.cycle_id, g.state_code, g.type, g.nation_id, g.shown, 1 * (x.status = 'in_progress'), 1 * (x.status = 'submitted'), 0, 0 FROM figure_school_all g, scan_cycles c JOIN responses x ON x.cycle_id = c.id AND x.school_id = g.school_id WHERE g.school_id = NEW.school_id
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown) DO UPDATE SET in_progress = in_progress + excluded.in_progress, submitted = submitted + excluded.submitted;
  INSERT INTO figure_cycles (cycle_id, state_code, type, nation_id, shown, in_progress, submitted, summarised, implementing)
    SELECT rs.cycle_id, g.state_code, g.type, g.nation_id, g.shown, 0, 0, 1, 1 * rs.implementing FROM figure_school_all g, scan_cycles c JOIN response_summary rs ON rs.cycle_id = c.id AND rs.school_id = g.school_id WHERE g.school_id = NEW.school_id
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown) DO UPDATE SET summarised = summarised + excluded.summarised, implementing = implementing + excluded.implementing;
  INSERT INTO figure_choices (cycle_id, state_code, type, nation_id, shown, choice, bit, n)
    SELECT rs.cycle_id, g.state_code, g.type, g.nation_id, g.shown, b.choice, b.bit, 1 FROM figure_school_all g, scan_cycles c JOIN response_summary rs ON rs.cycle_id = c.id AND rs.school_id = g.school_id, figure_bits b WHERE g.school_id = NEW.school_id AND ((CASE b.choice WHEN 0 THEN rs.stage WHEN 1 THEN rs.supports WHEN 2 THEN rs.learning ELSE rs.challenges END) >> b.bit) & 1
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown, choice, bit) DO UPDATE SET n = n + excluded.n;
  INSERT INTO figure_scores (cycle_id, state_code, type, nation_id, shown, dim, den, num, n)
    SELECT rs.cycle_id, g.state_code, g.type, g.nation_id, g.shown, 0, rs.cultural_den, 1 * rs.cultural_num, 1 FROM figure_school_all g, scan_cycles c JOIN response_summary rs ON rs.cycle_id = c.id AND rs.school_id = g.school_id WHERE g.school_id = NEW.school_id AND rs.cultural_den IS NOT NULL
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown, dim, den) DO UPDATE SET num = num + excluded.num, n = n + excluded.n;
  INSERT INTO figure_scores (cycle_id, state_code, type, nation_id, shown, dim, den, num, n)
    SELECT rs.cycle_id, g.state_code, g.type, g.nation_id, g.shown, 1, rs.instructional_den, 1 * rs.instructional_num, 1 FROM figure_school_all g, scan_cycles c JOIN response_summary rs ON rs.cycle_id = c.id AND rs.school_id = g.school_id WHERE g.school_id = NEW.school_id AND rs.instructional_den IS NOT NULL
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown, dim, den) DO UPDATE SET num = num + excluded.num, n = n + excluded.n;
  INSERT INTO figure_scores (cycle_id, state_code, type, nation_id, shown, dim, den, num, n)
    SELECT rs.cycle_id, g.state_code, g.type, g.nation_id, g.shown, 2, rs.career_den, 1 * rs.career_num, 1 FROM figure_school_all g, scan_cycles c JOIN response_summary rs ON rs.cycle_id = c.id AND rs.school_id = g.school_id WHERE g.school_id = NEW.school_id AND rs.career_den IS NOT NULL
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown, dim, den) DO UPDATE SET num = num + excluded.num, n = n + excluded.n;
  INSERT INTO figure_leaders (cycle_id, state_code, type, nation_id, shown, leader, responses, implementing)
    SELECT rs.cycle_id, g.state_code, g.type, g.nation_id, g.shown, rs.submitted_by, 1, 1 * rs.implementing FROM figure_school_all g, scan_cycles c JOIN response_summary rs ON rs.cycle_id = c.id AND rs.school_id = g.school_id WHERE g.school_id = NEW.school_id
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown, leader) DO UPDATE SET responses = responses + excluded.responses, implementing = implementing + excluded.implementing;
  INSERT INTO figure_answers (cycle_id, state_code, type, nation_id, shown, question, value, n)
    SELECT x.cycle_id, g.state_code, g.type, g.nation_id, g.shown, a.question, a.value, 1 FROM figure_school_all g, scan_cycles c JOIN responses x ON x.cycle_id = c.id AND x.school_id = g.school_id, answers a WHERE g.school_id = NEW.school_id AND a.response_id = x.id AND x.status = 'submitted'
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown, question, value) DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER figure_sums_consent_gone_in AFTER DELETE ON school_consent
  WHEN OLD.use_name = 'aggregate' AND NOT (OLD.value = 'allowed')
BEGIN
  INSERT INTO figure_schools (state_code, type, nation_id, shown, schools)
    SELECT g.state_code, g.type, g.nation_id, g.shown, 1 FROM (SELECT * FROM figure_school_all g WHERE g.school_id = OLD.school_id) g WHERE true
    ON CONFLICT (state_code, type, nation_id, shown) DO UPDATE SET schools = schools + excluded.schools;
  INSERT INTO figure_cycles (cycle_id, state_code, type, nation_id, shown, in_progress, submitted, summarised, implementing)
    SELECT x.cycle_id, g.state_code, g.type, g.nation_id, g.shown, 1 * (x.status = 'in_progress'), 1 * (x.status = 'submitted'), 0, 0 FROM figure_school_all g, scan_cycles c JOIN responses x ON x.cycle_id = c.id AND x.school_id = g.school_id WHERE g.school_id = OLD.school_id
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown) DO UPDATE SET in_progress = in_progress + excluded.in_progress, submitted = submitted + excluded.submitted;
  INSERT INTO figure_cycles (cycle_id, state_code, type, nation_id, shown, in_progress, submitted, summarised, implementing)
    SELECT rs.cycle_id, g.state_code, g.type, g.nation_id, g.shown, 0, 0, 1, 1 * rs.implementing FROM figure_school_all g, scan_cycles c JOIN response_summary rs ON rs.cycle_id = c.id AND rs.school_id = g.school_id WHERE g.school_id = OLD.school_id
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown) DO UPDATE SET summarised = summarised + excluded.summarised, implementing = implementing + excluded.implementing;
  INSERT INTO figure_choices (cycle_id, state_code, type, nation_id, shown, choice, bit, n)
    SELECT rs.cycle_id, g.state_code, g.type, g.nation_id, g.shown, b.choice, b.bit, 1 FROM figure_school_all g, scan_cycles c JOIN response_summary rs ON rs.cycle_id = c.id AND rs.school_id = g.school_id, figure_bits b WHERE g.school_id = OLD.school_id AND ((CASE b.choice WHEN 0 THEN rs.stage WHEN 1 THEN rs.supports WHEN 2 THEN rs.learning ELSE rs.challenges END) >> b.bit) & 1
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown, choice, bit) DO UPDATE SET n = n + excluded.n;
  INSERT INTO figure_scores (cycle_id, state_code, type, nation_id, shown, dim, den, num, n)
    SELECT rs.cycle_id, g.state_code, g.type, g.nation_id, g.shown, 0, rs.cultural_den, 1 * rs.cultural_num, 1 FROM figure_school_all g, scan_cycles c JOIN response_summary rs ON rs.cycle_id = c.id AND rs.school_id = g.school_id WHERE g.school_id = OLD.school_id AND rs.cultural_den IS NOT NULL
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown, dim, den) DO UPDATE SET num = num + excluded.num, n = n + excluded.n;
  INSERT INTO figure_scores (cycle_id, state_code, type, nation_id, shown, dim, den, num, n)
    SELECT rs.cycle_id, g.state_code, g.type, g.nation_id, g.shown, 1, rs.instructional_den, 1 * rs.instructional_num, 1 FROM figure_school_all g, scan_cycles c JOIN response_summary rs ON rs.cycle_id = c.id AND rs.school_id = g.school_id WHERE g.school_id = OLD.school_id AND rs.instructional_den IS NOT NULL
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown, dim, den) DO UPDATE SET num = num + excluded.num, n = n + excluded.n;
  INSERT INTO figure_scores (cycle_id, state_code, type, nation_id, shown, dim, den, num, n)
    SELECT rs.cycle_id, g.state_code, g.type, g.nation_id, g.shown, 2, rs.career_den, 1 * rs.career_num, 1 FROM figure_school_all g, scan_cycles c JOIN response_summary rs ON rs.cycle_id = c.id AND rs.school_id = g.school_id WHERE g.school_id = OLD.school_id AND rs.career_den IS NOT NULL
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown, dim, den) DO UPDATE SET num = num + excluded.num, n = n + excluded.n;
  INSERT INTO figure_leaders (cycle_id, state_code, type, nation_id, shown, leader, responses, implementing)
    SELECT rs.cycle_id, g.state_code, g.type, g.nation_id, g.shown, rs.submitted_by, 1, 1 * rs.implementing FROM figure_school_all g, scan_cycles c JOIN response_summary rs ON rs.cycle_id = c.id AND rs.school_id = g.school_id WHERE g.school_id = OLD.school_id
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown, leader) DO UPDATE SET responses = responses + excluded.responses, implementing = implementing + excluded.implementing;
  INSERT INTO figure_answers (cycle_id, state_code, type, nation_id, shown, question, value, n)
    SELECT x.cycle_id, g.state_code, g.type, g.nation_id, g.shown, a.question, a.value, 1 FROM figure_school_all g, scan_cycles c JOIN responses x ON x.cycle_id = c.id AND x.school_id = g.school_id, answers a WHERE g.school_id = OLD.school_id AND a.response_id = x.id AND x.status = 'submitted'
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown, question, value) DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER figure_sums_response_new AFTER INSERT ON responses
BEGIN
  INSERT INTO figure_cycles (cycle_id, state_code, type, nation_id, shown, in_progress, submitted, summarised, implementing)
    SELECT x.cycle_id, g.state_code, g.type, g.nation_id, g.shown, 1 * (x.status = 'in_progress'), 1 * (x.status = 'submitted'), 0, 0 FROM figure_school g, (SELECT NEW.id AS id, NEW.cycle_id AS cycle_id, NEW.school_id AS school_id, NEW.status AS status) x WHERE g.school_id = x.school_id
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown) DO UPDATE SET in_progress = in_progress + excluded.in_progress, submitted = submitted + excluded.submitted;
  INSERT INTO figure_answers (cycle_id, state_code, type, nation_id, shown, question, value, n)
    SELECT x.cycle_id, g.state_code, g.type, g.nation_id, g.shown, a.question, a.value, 1 FROM figure_school g, (SELECT NEW.id AS id, NEW.cycle_id AS cycle_id, NEW.school_id AS school_id, NEW.status AS status) x, answers a WHERE g.school_id = x.school_id AND a.response_id = x.id AND x.status = 'submitted'
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown, question, value) DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER figure_sums_response_gone BEFORE DELETE ON responses
BEGIN
  INSERT INTO figure_cycles (cycle_id, state_code, type, nation_id, shown, in_progress, submitted, summarised, implementing)
    SELECT x.cycle_id, g.state_code, g.type, g.nation_id, g.shown, -1 * (x.status = 'in_progress'), -1 * (x.status = 'submitted'), 0, 0 FROM figure_school g, (SELECT OLD.id AS id, OLD.cycle_id AS cycle_id, OLD.school_id AS school_id, OLD.status AS status) x WHERE g.school_id = x.school_id
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown) DO UPDATE SET in_progress = in_progress + excluded.in_progress, submitted = submitted + excluded.submitted;
  INSERT INTO figure_answers (cycle_id, state_code, type, nation_id, shown, question, value, n)
    SELECT x.cycle_id, g.state_code, g.type, g.nation_id, g.shown, a.question, a.value, -1 FROM figure_school g, (SELECT OLD.id AS id, OLD.cycle_id AS cycle_id, OLD.school_id AS school_id, OLD.status AS status) x, answers a WHERE g.school_id = x.school_id AND a.response_id = x.id AND x.status = 'submitted'
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown, question, value) DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER figure_sums_response_changed AFTER UPDATE OF status, cycle_id, school_id ON responses
  WHEN NEW.status IS NOT OLD.status OR NEW.cycle_id IS NOT OLD.cycle_id OR NEW.school_id IS NOT OLD.school_id
BEGIN
  INSERT INTO figure_cycles (cycle_id, state_code, type, nation_id, shown, in_progress, submitted, summarised, implementing)
    SELECT x.cycle_id, g.state_code, g.type, g.nation_id, g.shown, -1 * (x.status = 'in_progress'), -1 * (x.status = 'submitted'), 0, 0 FROM figure_school g, (SELECT OLD.id AS id, OLD.cycle_id AS cycle_id, OLD.school_id AS school_id, OLD.status AS status) x WHERE g.school_id = x.school_id
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown) DO UPDATE SET in_progress = in_progress + excluded.in_progress, submitted = submitted + excluded.submitted;
  INSERT INTO figure_answers (cycle_id, state_code, type, nation_id, shown, question, value, n)
    SELECT x.cycle_id, g.state_code, g.type, g.nation_id, g.shown, a.question, a.value, -1 FROM figure_school g, (SELECT OLD.id AS id, OLD.cycle_id AS cycle_id, OLD.school_id AS school_id, OLD.status AS status) x, answers a WHERE g.school_id = x.school_id AND a.response_id = x.id AND x.status = 'submitted'
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown, question, value) DO UPDATE SET n = n + excluded.n;
  INSERT INTO figure_cycles (cycle_id, state_code, type, nation_id, shown, in_progress, submitted, summarised, implementing)
    SELECT x.cycle_id, g.state_code, g.type, g.nation_id, g.shown, 1 * (x.status = 'in_progress'), 1 * (x.status = 'submitted'), 0, 0 FROM figure_school g, (SELECT NEW.id AS id, NEW.cycle_id AS cycle_id, NEW.school_id AS school_id, NEW.status AS status) x WHERE g.school_id = x.school_id
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown) DO UPDATE SET in_progress = in_progress + excluded.in_progress, submitted = submitted + excluded.submitted;
  INSERT INTO figure_answers (cycle_id, state_code, type, nation_id, shown, question, value, n)
    SELECT x.cycle_id, g.state_code, g.type, g.nation_id, g.shown, a.question, a.value, 1 FROM figure_school g, (SELECT NEW.id AS id, NEW.cycle_id AS cycle_id, NEW.school_id AS school_id, NEW.status AS status) x, answers a WHERE g.school_id = x.school_id AND a.response_id = x.id AND x.status = 'submitted'
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown, question, value) DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER figure_sums_summary_replaced BEFORE INSERT ON response_summary
BEGIN
  DELETE FROM response_summary WHERE response_id = NEW.response_id;
END;

CREATE TRIGGER figure_sums_summary_new AFTER INSERT ON response_summary
BEGIN
  INSERT INTO figure_cycles (cycle_id, state_code, type, nation_id, shown, in_progress, submitted, summarised, implementing)
    SELECT rs.cycle_id, g.state_code, g.type, g.nation_id, g.shown, 0, 0, 1, 1 * rs.implementing FROM figure_school g, (SELECT NEW.response_id AS response_id, NEW.cycle_id AS cycle_id, NEW.school_id AS school_id, NEW.implementing AS implementing, NEW.stage AS stage, NEW.supports AS supports, NEW.learning AS learning, NEW.challenges AS challenges, NEW.cultural_num AS cultural_num, NEW.cultural_den AS cultural_den, NEW.instructional_num AS instructional_num, NEW.instructional_den AS instructional_den, NEW.career_num AS career_num, NEW.career_den AS career_den, NEW.submitted_by AS submitted_by) rs WHERE g.school_id = rs.school_id
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown) DO UPDATE SET summarised = summarised + excluded.summarised, implementing = implementing + excluded.implementing;
  INSERT INTO figure_choices (cycle_id, state_code, type, nation_id, shown, choice, bit, n)
    SELECT rs.cycle_id, g.state_code, g.type, g.nation_id, g.shown, b.choice, b.bit, 1 FROM figure_school g, (SELECT NEW.response_id AS response_id, NEW.cycle_id AS cycle_id, NEW.school_id AS school_id, NEW.implementing AS implementing, NEW.stage AS stage, NEW.supports AS supports, NEW.learning AS learning, NEW.challenges AS challenges, NEW.cultural_num AS cultural_num, NEW.cultural_den AS cultural_den, NEW.instructional_num AS instructional_num, NEW.instructional_den AS instructional_den, NEW.career_num AS career_num, NEW.career_den AS career_den, NEW.submitted_by AS submitted_by) rs, figure_bits b WHERE g.school_id = rs.school_id AND ((CASE b.choice WHEN 0 THEN rs.stage WHEN 1 THEN rs.supports WHEN 2 THEN rs.learning ELSE rs.challenges END) >> b.bit) & 1
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown, choice, bit) DO UPDATE SET n = n + excluded.n;
  INSERT INTO figure_scores (cycle_id, state_code, type, nation_id, shown, dim, den, num, n)
    SELECT rs.cycle_id, g.state_code, g.type, g.nation_id, g.shown, 0, rs.cultural_den, 1 * rs.cultural_num, 1 FROM figure_school g, (SELECT NEW.response_id AS response_id, NEW.cycle_id AS cycle_id, NEW.school_id AS school_id, NEW.implementing AS implementing, NEW.stage AS stage, NEW.supports AS supports, NEW.learning AS learning, NEW.challenges AS challenges, NEW.cultural_num AS cultural_num, NEW.cultural_den AS cultural_den, NEW.instructional_num AS instructional_num, NEW.instructional_den AS instructional_den, NEW.career_num AS career_num, NEW.career_den AS career_den, NEW.submitted_by AS submitted_by) rs WHERE g.school_id = rs.school_id AND rs.cultural_den IS NOT NULL
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown, dim, den) DO UPDATE SET num = num + excluded.num, n = n + excluded.n;
  INSERT INTO figure_scores (cycle_id, state_code, type, nation_id, shown, dim, den, num, n)
    SELECT rs.cycle_id, g.state_code, g.type, g.nation_id, g.shown, 1, rs.instructional_den, 1 * rs.instructional_num, 1 FROM figure_school g, (SELECT NEW.response_id AS response_id, NEW.cycle_id AS cycle_id, NEW.school_id AS school_id, NEW.implementing AS implementing, NEW.stage AS stage, NEW.supports AS supports, NEW.learning AS learning, NEW.challenges AS challenges, NEW.cultural_num AS cultural_num, NEW.cultural_den AS cultural_den, NEW.instructional_num AS instructional_num, NEW.instructional_den AS instructional_den, NEW.career_num AS career_num, NEW.career_den AS career_den, NEW.submitted_by AS submitted_by) rs WHERE g.school_id = rs.school_id AND rs.instructional_den IS NOT NULL
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown, dim, den) DO UPDATE SET num = num + excluded.num, n = n + excluded.n;
  INSERT INTO figure_scores (cycle_id, state_code, type, nation_id, shown, dim, den, num, n)
    SELECT rs.cycle_id, g.state_code, g.type, g.nation_id, g.shown, 2, rs.career_den, 1 * rs.career_num, 1 FROM figure_school g, (SELECT NEW.response_id AS response_id, NEW.cycle_id AS cycle_id, NEW.school_id AS school_id, NEW.implementing AS implementing, NEW.stage AS stage, NEW.supports AS supports, NEW.learning AS learning, NEW.challenges AS challenges, NEW.cultural_num AS cultural_num, NEW.cultural_den AS cultural_den, NEW.instructional_num AS instructional_num, NEW.instructional_den AS instructional_den, NEW.career_num AS career_num, NEW.career_den AS career_den, NEW.submitted_by AS submitted_by) rs WHERE g.school_id = rs.school_id AND rs.career_den IS NOT NULL
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown, dim, den) DO UPDATE SET num = num + excluded.num, n = n + excluded.n;
  INSERT INTO figure_leaders (cycle_id, state_code, type, nation_id, shown, leader, responses, implementing)
    SELECT rs.cycle_id, g.state_code, g.type, g.nation_id, g.shown, rs.submitted_by, 1, 1 * rs.implementing FROM figure_school g, (SELECT NEW.response_id AS response_id, NEW.cycle_id AS cycle_id, NEW.school_id AS school_id, NEW.implementing AS implementing, NEW.stage AS stage, NEW.supports AS supports, NEW.learning AS learning, NEW.challenges AS challenges, NEW.cultural_num AS cultural_num, NEW.cultural_den AS cultural_den, NEW.instructional_num AS instructional_num, NEW.instructional_den AS instructional_den, NEW.career_num AS career_num, NEW.career_den AS career_den, NEW.submitted_by AS submitted_by) rs WHERE g.school_id = rs.school_id
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown, leader) DO UPDATE SET responses = responses + excluded.responses, implementing = implementing + excluded.implementing;
END;

CREATE TRIGGER figure_sums_summary_gone AFTER DELETE ON response_summary
BEGIN
  INSERT INTO figure_cycles (cycle_id, state_code, type, nation_id, shown, in_progress, submitted, summarised, implementing)
    SELECT rs.cycle_id, g.state_code, g.type, g.nation_id, g.shown, 0, 0, -1, -1 * rs.implementing FROM figure_school g, (SELECT OLD.response_id AS response_id, OLD.cycle_id AS cycle_id, OLD.school_id AS school_id, OLD.implementing AS implementing, OLD.stage AS stage, OLD.supports AS supports, OLD.learning AS learning, OLD.challenges AS challenges, OLD.cultural_num AS cultural_num, OLD.cultural_den AS cultural_den, OLD.instructional_num AS instructional_num, OLD.instructional_den AS instructional_den, OLD.career_num AS career_num, OLD.career_den AS career_den, OLD.submitted_by AS submitted_by) rs WHERE g.school_id = rs.school_id
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown) DO UPDATE SET summarised = summarised + excluded.summarised, implementing = implementing + excluded.implementing;
  INSERT INTO figure_choices (cycle_id, state_code, type, nation_id, shown, choice, bit, n)
    SELECT rs.cycle_id, g.state_code, g.type, g.nation_id, g.shown, b.choice, b.bit, -1 FROM figure_school g, (SELECT OLD.response_id AS response_id, OLD.cycle_id AS cycle_id, OLD.school_id AS school_id, OLD.implementing AS implementing, OLD.stage AS stage, OLD.supports AS supports, OLD.learning AS learning, OLD.challenges AS challenges, OLD.cultural_num AS cultural_num, OLD.cultural_den AS cultural_den, OLD.instructional_num AS instructional_num, OLD.instructional_den AS instructional_den, OLD.career_num AS career_num, OLD.career_den AS career_den, OLD.submitted_by AS submitted_by) rs, figure_bits b WHERE g.school_id = rs.school_id AND ((CASE b.choice WHEN 0 THEN rs.stage WHEN 1 THEN rs.supports WHEN 2 THEN rs.learning ELSE rs.challenges END) >> b.bit) & 1
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown, choice, bit) DO UPDATE SET n = n + excluded.n;
  INSERT INTO figure_scores (cycle_id, state_code, type, nation_id, shown, dim, den, num, n)
    SELECT rs.cycle_id, g.state_code, g.type, g.nation_id, g.shown, 0, rs.cultural_den, -1 * rs.cultural_num, -1 FROM figure_school g, (SELECT OLD.response_id AS response_id, OLD.cycle_id AS cycle_id, OLD.school_id AS school_id, OLD.implementing AS implementing, OLD.stage AS stage, OLD.supports AS supports, OLD.learning AS learning, OLD.challenges AS challenges, OLD.cultural_num AS cultural_num, OLD.cultural_den AS cultural_den, OLD.instructional_num AS instructional_num, OLD.instructional_den AS instructional_den, OLD.career_num AS career_num, OLD.career_den AS career_den, OLD.submitted_by AS submitted_by) rs WHERE g.school_id = rs.school_id AND rs.cultural_den IS NOT NULL
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown, dim, den) DO UPDATE SET num = num + excluded.num, n = n + excluded.n;
  INSERT INTO figure_scores (cycle_id, state_code, type, nation_id, shown, dim, den, num, n)
    SELECT rs.cycle_id, g.state_code, g.type, g.nation_id, g.shown, 1, rs.instructional_den, -1 * rs.instructional_num, -1 FROM figure_school g, (SELECT OLD.response_id AS response_id, OLD.cycle_id AS cycle_id, OLD.school_id AS school_id, OLD.implementing AS implementing, OLD.stage AS stage, OLD.supports AS supports, OLD.learning AS learning, OLD.challenges AS challenges, OLD.cultural_num AS cultural_num, OLD.cultural_den AS cultural_den, OLD.instructional_num AS instructional_num, OLD.instructional_den AS instructional_den, OLD.career_num AS career_num, OLD.career_den AS career_den, OLD.submitted_by AS submitted_by) rs WHERE g.school_id = rs.school_id AND rs.instructional_den IS NOT NULL
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown, dim, den) DO UPDATE SET num = num + excluded.num, n = n + excluded.n;
  INSERT INTO figure_scores (cycle_id, state_code, type, nation_id, shown, dim, den, num, n)
    SELECT rs.cycle_id, g.state_code, g.type, g.nation_id, g.shown, 2, rs.career_den, -1 * rs.career_num, -1 FROM figure_school g, (SELECT OLD.response_id AS response_id, OLD.cycle_id AS cycle_id, OLD.school_id AS school_id, OLD.implementing AS implementing, OLD.stage AS stage, OLD.supports AS supports, OLD.learning AS learning, OLD.challenges AS challenges, OLD.cultural_num AS cultural_num, OLD.cultural_den AS cultural_den, OLD.instructional_num AS instructional_num, OLD.instructional_den AS instructional_den, OLD.career_num AS career_num, OLD.career_den AS career_den, OLD.submitted_by AS submitted_by) rs WHERE g.school_id = rs.school_id AND rs.career_den IS NOT NULL
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown, dim, den) DO UPDATE SET num = num + excluded.num, n = n + excluded.n;
  INSERT INTO figure_leaders (cycle_id, state_code, type, nation_id, shown, leader, responses, implementing)
    SELECT rs.cycle_id, g.state_code, g.type, g.nation_id, g.shown, rs.submitted_by, -1, -1 * rs.implementing FROM figure_school g, (SELECT OLD.response_id AS response_id, OLD.cycle_id AS cycle_id, OLD.school_id AS school_id, OLD.implementing AS implementing, OLD.stage AS stage, OLD.supports AS supports, OLD.learning AS learning, OLD.challenges AS challenges, OLD.cultural_num AS cultural_num, OLD.cultural_den AS cultural_den, OLD.instructional_num AS instructional_num, OLD.instructional_den AS instructional_den, OLD.career_num AS career_num, OLD.career_den AS career_den, OLD.submitted_by AS submitted_by) rs WHERE g.school_id = rs.school_id
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown, leader) DO UPDATE SET responses = responses + excluded.responses, implementing = implementing + excluded.implementing;
END;

CREATE TRIGGER figure_sums_summary_changed AFTER UPDATE ON response_summary
BEGIN
  INSERT INTO figure_cycles (cycle_id, state_code, type, nation_id, shown, in_progress, submitted, summarised, implementing)
    SELECT rs.cycle_id, g.state_code, g.type, g.nation_id, g.shown, 0, 0, -1, -1 * rs.implementing FROM figure_school g, (SELECT OLD.response_id AS response_id, OLD.cycle_id AS cycle_id, OLD.school_id AS school_id, OLD.implementing AS implementing, OLD.stage AS stage, OLD.supports AS supports, OLD.learning AS learning, OLD.challenges AS challenges, OLD.cultural_num AS cultural_num, OLD.cultural_den AS cultural_den, OLD.instructional_num AS instructional_num, OLD.instructional_den AS instructional_den, OLD.career_num AS career_num, OLD.career_den AS career_den, OLD.submitted_by AS submitted_by) rs WHERE g.school_id = rs.school_id
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown) DO UPDATE SET summarised = summarised + excluded.summarised, implementing = implementing + excluded.implementing;
  INSERT INTO figure_choices (cycle_id, state_code, type, nation_id, shown, choice, bit, n)
    SELECT rs.cycle_id, g.state_code, g.type, g.nation_id, g.shown, b.choice, b.bit, -1 FROM figure_school g, (SELECT OLD.response_id AS response_id, OLD.cycle_id AS cycle_id, OLD.school_id AS school_id, OLD.implementing AS implementing, OLD.stage AS stage, OLD.supports AS supports, OLD.learning AS learning, OLD.challenges AS challenges, OLD.cultural_num AS cultural_num, OLD.cultural_den AS cultural_den, OLD.instructional_num AS instructional_num, OLD.instructional_den AS instructional_den, OLD.career_num AS career_num, OLD.career_den AS career_den, OLD.submitted_by AS submitted_by) rs, figure_bits b WHERE g.school_id = rs.school_id AND ((CASE b.choice WHEN 0 THEN rs.stage WHEN 1 THEN rs.supports WHEN 2 THEN rs.learning ELSE rs.challenges END) >> b.bit) & 1
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown, choice, bit) DO UPDATE SET n = n + excluded.n;
  INSERT INTO figure_scores (cycle_id, state_code, type, nation_id, shown, dim, den, num, n)
    SELECT rs.cycle_id, g.state_code, g.type, g.nation_id, g.shown, 0, rs.cultural_den, -1 * rs.cultural_num, -1 FROM figure_school g, (SELECT OLD.response_id AS response_id, OLD.cycle_id AS cycle_id, OLD.school_id AS school_id, OLD.implementing AS implementing, OLD.stage AS stage, OLD.supports AS supports, OLD.learning AS learning, OLD.challenges AS challenges, OLD.cultural_num AS cultural_num, OLD.cultural_den AS cultural_den, OLD.instructional_num AS instructional_num, OLD.instructional_den AS instructional_den, OLD.career_num AS career_num, OLD.career_den AS career_den, OLD.submitted_by AS submitted_by) rs WHERE g.school_id = rs.school_id AND rs.cultural_den IS NOT NULL
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown, dim, den) DO UPDATE SET num = num + excluded.num, n = n + excluded.n;
  INSERT INTO figure_scores (cycle_id, state_code, type, nation_id, shown, dim, den, num, n)
    SELECT rs.cycle_id, g.state_code, g.type, g.nation_id, g.shown, 1, rs.instructional_den, -1 * rs.instructional_num, -1 FROM figure_school g, (SELECT OLD.response_id AS response_id, OLD.cycle_id AS cycle_id, OLD.school_id AS school_id, OLD.implementing AS implementing, OLD.stage AS stage, OLD.supports AS supports, OLD.learning AS learning, OLD.challenges AS challenges, OLD.cultural_num AS cultural_num, OLD.cultural_den AS cultural_den, OLD.instructional_num AS instructional_num, OLD.instructional_den AS instructional_den, OLD.career_num AS career_num, OLD.career_den AS career_den, OLD.submitted_by AS submitted_by) rs WHERE g.school_id = rs.school_id AND rs.instructional_den IS NOT NULL
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown, dim, den) DO UPDATE SET num = num + excluded.num, n = n + excluded.n;
  INSERT INTO figure_scores (cycle_id, state_code, type, nation_id, shown, dim, den, num, n)
    SELECT rs.cycle_id, g.state_code, g.type, g.nation_id, g.shown, 2, rs.career_den, -1 * rs.career_num, -1 FROM figure_school g, (SELECT OLD.response_id AS response_id, OLD.cycle_id AS cycle_id, OLD.school_id AS school_id, OLD.implementing AS implementing, OLD.stage AS stage, OLD.supports AS supports, OLD.learning AS learning, OLD.challenges AS challenges, OLD.cultural_num AS cultural_num, OLD.cultural_den AS cultural_den, OLD.instructional_num AS instructional_num, OLD.instructional_den AS instructional_den, OLD.career_num AS career_num, OLD.career_den AS career_den, OLD.submitted_by AS submitted_by) rs WHERE g.school_id = rs.school_id AND rs.career_den IS NOT NULL
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown, dim, den) DO UPDATE SET num = num + excluded.num, n = n + excluded.n;
  INSERT INTO figure_leaders (cycle_id, state_code, type, nation_id, shown, leader, responses, implementing)
    SELECT rs.cycle_id, g.state_code, g.type, g.nation_id, g.shown, rs.submitted_by, -1, -1 * rs.implementing FROM figure_school g, (SELECT OLD.response_id AS response_id, OLD.cycle_id AS cycle_id, OLD.school_id AS school_id, OLD.implementing AS implementing, OLD.stage AS stage, OLD.supports AS supports, OLD.learning AS learning, OLD.challenges AS challenges, OLD.cultural_num AS cultural_num, OLD.cultural_den AS cultural_den, OLD.instructional_num AS instructional_num, OLD.instructional_den AS instructional_den, OLD.career_num AS career_num, OLD.career_den AS career_den, OLD.submitted_by AS submitted_by) rs WHERE g.school_id = rs.school_id
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown, leader) DO UPDATE SET responses = responses + excluded.responses, implementing = implementing + excluded.implementing;
  INSERT INTO figure_cycles (cycle_id, state_code, type, nation_id, shown, in_progress, submitted, summarised, implementing)
    SELECT rs.cycle_id, g.state_code, g.type, g.nation_id, g.shown, 0, 0, 1, 1 * rs.implementing FROM figure_school g, (SELECT NEW.response_id AS response_id, NEW.cycle_id AS cycle_id, NEW.school_id AS school_id, NEW.implementing AS implementing, NEW.stage AS stage, NEW.supports AS supports, NEW.learning AS learning, NEW.challenges AS challenges, NEW.cultural_num AS cultural_num, NEW.cultural_den AS cultural_den, NEW.instructional_num AS instructional_num, NEW.instructional_den AS instructional_den, NEW.career_num AS career_num, NEW.career_den AS career_den, NEW.submitted_by AS submitted_by) rs WHERE g.school_id = rs.school_id
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown) DO UPDATE SET summarised = summarised + excluded.summarised, implementing = implementing + excluded.implementing;
  INSERT INTO figure_choices (cycle_id, state_code, type, nation_id, shown, choice, bit, n)
    SELECT rs.cycle_id, g.state_code, g.type, g.nation_id, g.shown, b.choice, b.bit, 1 FROM figure_school g, (SELECT NEW.response_id AS response_id, NEW.cycle_id AS cycle_id, NEW.school_id AS school_id, NEW.implementing AS implementing, NEW.stage AS stage, NEW.supports AS supports, NEW.learning AS learning, NEW.challenges AS challenges, NEW.cultural_num AS cultural_num, NEW.cultural_den AS cultural_den, NEW.instructional_num AS instructional_num, NEW.instructional_den AS instructional_den, NEW.career_num AS career_num, NEW.career_den AS career_den, NEW.submitted_by AS submitted_by) rs, figure_bits b WHERE g.school_id = rs.school_id AND ((CASE b.choice WHEN 0 THEN rs.stage WHEN 1 THEN rs.supports WHEN 2 THEN rs.learning ELSE rs.challenges END) >> b.bit) & 1
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown, choice, bit) DO UPDATE SET n = n + excluded.n;
  INSERT INTO figure_scores (cycle_id, state_code, type, nation_id, shown, dim, den, num, n)
    SELECT rs.cycle_id, g.state_code, g.type, g.nation_id, g.shown, 0, rs.cultural_den, 1 * rs.cultural_num, 1 FROM figure_school g, (SELECT NEW.response_id AS response_id, NEW.cycle_id AS cycle_id, NEW.school_id AS school_id, NEW.implementing AS implementing, NEW.stage AS stage, NEW.supports AS supports, NEW.learning AS learning, NEW.challenges AS challenges, NEW.cultural_num AS cultural_num, NEW.cultural_den AS cultural_den, NEW.instructional_num AS instructional_num, NEW.instructional_den AS instructional_den, NEW.career_num AS career_num, NEW.career_den AS career_den, NEW.submitted_by AS submitted_by) rs WHERE g.school_id = rs.school_id AND rs.cultural_den IS NOT NULL
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown, dim, den) DO UPDATE SET num = num + excluded.num, n = n + excluded.n;
  INSERT INTO figure_scores (cycle_id, state_code, type, nation_id, shown, dim, den, num, n)
    SELECT rs.cycle_id, g.state_code, g.type, g.nation_id, g.shown, 1, rs.instructional_den, 1 * rs.instructional_num, 1 FROM figure_school g, (SELECT NEW.response_id AS response_id, NEW.cycle_id AS cycle_id, NEW.school_id AS school_id, NEW.implementing AS implementing, NEW.stage AS stage, NEW.supports AS supports, NEW.learning AS learning, NEW.challenges AS challenges, NEW.cultural_num AS cultural_num, NEW.cultural_den AS cultural_den, NEW.instructional_num AS instructional_num, NEW.instructional_den AS instructional_den, NEW.career_num AS career_num, NEW.career_den AS career_den, NEW.submitted_by AS submitted_by) rs WHERE g.school_id = rs.school_id AND rs.instructional_den IS NOT NULL
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown, dim, den) DO UPDATE SET num = num + excluded.num, n = n + excluded.n;
  INSERT INTO figure_scores (cycle_id, state_code, type, nation_id, shown, dim, den, num, n)
    SELECT rs.cycle_id, g.state_code, g.type, g.nation_id, g.shown, 2, rs.career_den, 1 * rs.career_num, 1 FROM figure_school g, (SELECT NEW.response_id AS response_id, NEW.cycle_id AS cycle_id, NEW.school_id AS school_id, NEW.implementing AS implementing, NEW.stage AS stage, NEW.supports AS supports, NEW.learning AS learning, NEW.challenges AS challenges, NEW.cultural_num AS cultural_num, NEW.cultural_den AS cultural_den, NEW.instructional_num AS instructional_num, NEW.instructional_den AS instructional_den, NEW.career_num AS career_num, NEW.career_den AS career_den, NEW.submitted_by AS submitted_by) rs WHERE g.school_id = rs.school_id AND rs.career_den IS NOT NULL
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown, dim, den) DO UPDATE SET num = num + excluded.num, n = n + excluded.n;
  INSERT INTO figure_leaders (cycle_id, state_code, type, nation_id, shown, leader, responses, implementing)
    SELECT rs.cycle_id, g.state_code, g.type, g.nation_id, g.shown, rs.submitted_by, 1, 1 * rs.implementing FROM figure_school g, (SELECT NEW.response_id AS response_id, NEW.cycle_id AS cycle_id, NEW.school_id AS school_id, NEW.implementing AS implementing, NEW.stage AS stage, NEW.supports AS supports, NEW.learning AS learning, NEW.challenges AS challenges, NEW.cultural_num AS cultural_num, NEW.cultural_den AS cultural_den, NEW.instructional_num AS instructional_num, NEW.instructional_den AS instructional_den, NEW.career_num AS career_num, NEW.career_den AS career_den, NEW.submitted_by AS submitted_by) rs WHERE g.school_id = rs.school_id
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown, leader) DO UPDATE SET responses = responses + excluded.responses, implementing = implementing + excluded.implementing;
END;

CREATE TRIGGER figure_sums_answer_replaced BEFORE INSERT ON answers
  WHEN (SELECT status FROM responses WHERE id = NEW.response_id) = 'submitted'
BEGIN
  DELETE FROM answers WHERE response_id = NEW.response_id AND question = NEW.question;
END;

CREATE TRIGGER figure_sums_answer_new AFTER INSERT ON answers
  WHEN (SELECT status FROM responses WHERE id = NEW.response_id) = 'submitted'
BEGIN
  INSERT INTO figure_answers (cycle_id, state_code, type, nation_id, shown, question, value, n)
    SELECT x.cycle_id, g.state_code, g.type, g.nation_id, g.shown, a.question, a.value, 1 FROM figure_school g, responses x, (SELECT NEW.response_id AS response_id, NEW.question AS question, NEW.value AS value) a WHERE x.id = a.response_id AND g.school_id = x.school_id AND x.status = 'submitted'
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown, question, value) DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER figure_sums_answer_gone AFTER DELETE ON answers
  WHEN (SELECT status FROM responses WHERE id = OLD.response_id) = 'submitted'
BEGIN
  INSERT INTO figure_answers (cycle_id, state_code, type, nation_id, shown, question, value, n)
    SELECT x.cycle_id, g.state_code, g.type, g.nation_id, g.shown, a.question, a.value, -1 FROM figure_school g, responses x, (SELECT OLD.response_id AS response_id, OLD.question AS question, OLD.value AS value) a WHERE x.id = a.response_id AND g.school_id = x.school_id AND x.status = 'submitted'
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown, question, value) DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER figure_sums_answer_changed AFTER UPDATE ON answers
BEGIN
  INSERT INTO figure_answers (cycle_id, state_code, type, nation_id, shown, question, value, n)
    SELECT x.cycle_id, g.state_code, g.type, g.nation_id, g.shown, a.question, a.value, -1 FROM figure_school g, responses x, (SELECT OLD.response_id AS response_id, OLD.question AS question, OLD.value AS value) a WHERE x.id = a.response_id AND g.school_id = x.school_id AND x.status = 'submitted'
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown, question, value) DO UPDATE SET n = n + excluded.n;
  INSERT INTO figure_answers (cycle_id, state_code, type, nation_id, shown, question, value, n)
    SELECT x.cycle_id, g.state_code, g.type, g.nation_id, g.shown, a.question, a.value, 1 FROM figure_school g, responses x, (SELECT NEW.response_id AS response_id, NEW.question AS question, NEW.value AS value) a WHERE x.id = a.response_id AND g.school_id = x.school_id AND x.status = 'submitted'
    ON CONFLICT (cycle_id, state_code, type, nation_id, shown, question, value) DO UPDATE SET n = n + excluded.n;
END;

