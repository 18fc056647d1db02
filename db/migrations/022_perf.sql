-- 022: the figures at national scale (make scale: 100,000 schools).
--
-- The results and the rates walk every school (results.c load_rows,
-- scans.c cycle_tally) in id order, reading its groups, sharing level and
-- nation.  This index holds exactly those columns in that order, so the
-- walk reads a narrow index instead of every school's whole row.
CREATE INDEX IF NOT EXISTS schools_figures ON schools(id, state_code, type, nation_id, sharing);

-- The results then walk a cycle's responses and their summaries in school
-- order.  Looking each response's summary up by its id took half of that
-- walk, so a summary now also carries its response's cycle and school, and
-- an index in that order holds every figure: the summaries are read in one
-- plain walk beside the responses (responses_cycle) and matched in C.
--
-- The table is rebuilt empty, as migration 015 did: summaries are a cache
-- of the answers, and ilnet refills every missing one at start
-- (summary_fill), decoding the responses in between as it always did.  A
-- summary is deleted, as before, the moment its response is reopened or
-- moved to another cycle (the triggers of migration 012, which stand on
-- other tables and so go on working), and now also when it is moved to
-- another school, so its cycle and school are always its response's.
-- Nothing here depends on this file's number.
DROP TABLE IF EXISTS response_summary;
CREATE TABLE response_summary (
  response_id       INTEGER PRIMARY KEY REFERENCES responses(id) ON DELETE CASCADE,
  cycle_id          INTEGER NOT NULL,   -- its response's, kept so by the triggers
  school_id         INTEGER NOT NULL,
  implementing      INTEGER NOT NULL,   -- 1: stage some_classrooms or schoolwide
  stage             INTEGER NOT NULL,   -- bit k: option k of the question chosen
  supports          INTEGER NOT NULL,   --   (supports_needed)
  learning          INTEGER NOT NULL,   --   (pl_used)
  challenges        INTEGER NOT NULL,
  cultural_num      INTEGER,            -- score = 100 * num / den, exactly;
  cultural_den      INTEGER CHECK (cultural_den > 0),   -- NULL: not scored
  instructional_num INTEGER,
  instructional_den INTEGER CHECK (instructional_den > 0),
  career_num        INTEGER,
  career_den        INTEGER CHECK (career_den > 0),
  CHECK ((cultural_num IS NULL) = (cultural_den IS NULL)
     AND (instructional_num IS NULL) = (instructional_den IS NULL)
     AND (career_num IS NULL) = (career_den IS NULL))
);
CREATE INDEX response_summary_cycle ON response_summary(cycle_id, school_id, response_id, implementing,
  stage, supports, learning, challenges, cultural_num, cultural_den, instructional_num, instructional_den,
  career_num, career_den);

CREATE TRIGGER IF NOT EXISTS response_summary_school_moved AFTER UPDATE OF school_id ON responses
  WHEN NEW.school_id IS NOT OLD.school_id
BEGIN DELETE FROM response_summary WHERE response_id = NEW.id; END;
