-- Response summaries: what a submitted response adds to the scan's
-- figures, decoded once when it is submitted (include/summary.h), so that
-- the results add rows up instead of decoding every answer on every
-- request.  A row exists only for a submitted response and only while it
-- holds: the triggers below delete it, in the same transaction, the moment
-- the response is reopened or moved, one of its answers changes, or its
-- cycle's instrument changes.  The results decode a submitted response
-- that has no row from its answers, as they always did; ilnet fills the
-- missing rows at every start (summary_fill: ilnet serve, migrate, demo),
-- which is also how responses stored before this migration get theirs.
-- Nothing here depends on this file's number.
CREATE TABLE IF NOT EXISTS response_summary (
  response_id   INTEGER PRIMARY KEY REFERENCES responses(id) ON DELETE CASCADE,
  implementing  INTEGER NOT NULL,   -- 1: stage some_classrooms or schoolwide
  stage         INTEGER NOT NULL,   -- bit k: option k of the question chosen
  supports      INTEGER NOT NULL,   --   (supports_needed)
  learning      INTEGER NOT NULL,   --   (pl_used)
  challenges    INTEGER NOT NULL,
  cultural      INTEGER,            -- survey_score, 0..100; NULL: not scored
  instructional INTEGER,
  career        INTEGER
);

CREATE TRIGGER IF NOT EXISTS response_summary_reopened AFTER UPDATE OF status, cycle_id ON responses
  WHEN NEW.status <> 'submitted' OR NEW.cycle_id IS NOT OLD.cycle_id
BEGIN DELETE FROM response_summary WHERE response_id = NEW.id; END;
CREATE TRIGGER IF NOT EXISTS response_summary_answer_new AFTER INSERT ON answers
BEGIN DELETE FROM response_summary WHERE response_id = NEW.response_id; END;
CREATE TRIGGER IF NOT EXISTS response_summary_answer_changed AFTER UPDATE ON answers
BEGIN
  DELETE FROM response_summary WHERE response_id = OLD.response_id;
  DELETE FROM response_summary WHERE response_id = NEW.response_id;
END;
CREATE TRIGGER IF NOT EXISTS response_summary_answer_gone AFTER DELETE ON answers
BEGIN DELETE FROM response_summary WHERE response_id = OLD.response_id; END;
CREATE TRIGGER IF NOT EXISTS response_summary_instrument AFTER UPDATE OF instrument_id ON scan_cycles
  WHEN NEW.instrument_id IS NOT OLD.instrument_id
BEGIN DELETE FROM response_summary WHERE response_id IN (SELECT id FROM responses WHERE cycle_id = NEW.id); END;

-- The figures walk a cycle's responses in school order (results.c,
-- scans.c): this index holds every column they read, so the walk never
-- reaches into the table.
CREATE INDEX IF NOT EXISTS responses_cycle ON responses(cycle_id, school_id, status, submitted_by);
