-- Exact dimension scores in response summaries.  Migration 012 kept each
-- response's dimension scores rounded to whole points, and the results
-- averaged those: a group's figure could be a point high (on a full region,
-- 7 of 30 group cells were).  A response now keeps each score as the exact
-- fraction survey_score_exact() gives, numerator over denominator (of the
-- way from 0 to 100; both NULL when the dimension was not answered), and
-- the results average the fractions and round once, when a figure is shown
-- (include/survey.h, struct score).
--
-- The table is rebuilt empty: summaries are a cache of the answers, and
-- ilnet refills every missing one at start (summary_fill), decoding the
-- responses in between as it always did.  The triggers of migration 012
-- that keep the table true stand on other tables and name this one only in
-- their bodies, so they go on working unchanged.
--
-- Nothing here depends on this file's number or on migrations other than
-- 012, and running it twice does no harm (the second run empties the table
-- again, to be refilled): it may be renumbered freely.
DROP TABLE IF EXISTS response_summary;
CREATE TABLE response_summary (
  response_id       INTEGER PRIMARY KEY REFERENCES responses(id) ON DELETE CASCADE,
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
