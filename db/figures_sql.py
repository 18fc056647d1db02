#!/usr/bin/env python3
"""db/figures_sql.py — writes db/migrations/NNN_figures.sql, the figures of
the scan kept on write (results.c reads them; see the migration's header).

The triggers are many and alike: each adds (sign 1) or takes away (sign -1)
what one row adds to the figures, as an upsert per figure.  They are written
out here from two lists and four scopes, so that one change is made in
one place:

  FIGURES   what a school, a response, a summary or an answer adds: the
            table, the SELECT list (with {s} for the sign), the columns the
            upsert adds up, and any join or condition the row needs
  *_scope   how a trigger finds the rows it adds or takes away: a whole
            school (school_scope: every response, summary and answer of
            it), or one response, summary or answer given as OLD or NEW
  TRIGGERS  the triggers: name, event, WHEN, and (scope, sign) parts

Answers are counted whatever the question (figure_answers).  A choice
question or a score dimension is a column of response_summary (summary.c):
one added or changed is named in SUMMARY_COLUMNS and BITS or SCORES, and in
HEAD (the SQL above the triggers: the tables, figure_bits and the fill from
what is stored).  A new figure is a table in HEAD and TABLES and a line in
FIGURES.  Then regenerate and commit both:

    python3 db/figures_sql.py --write

`make lint` runs `python3 db/figures_sql.py --check`, which fails when the
committed migration is not what this script writes.  The migration is the
one file db/migrations/NNN_figures.sql, whatever its number (renumbered by
renaming it and writing it again: its first line names the number).  A migration already
applied is not run again: a change after release goes in a new migration
(written by pointing this script's output there).
"""
import os
import sys

MIGRATIONS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "migrations")

HEAD = """\
-- {number}: the scan's figures kept on write (the results at national scale).
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
"""

G = "g.state_code, g.type, g.nation_id, g.shown"
KEY = "state_code, type, nation_id, shown"
BITS = ("((CASE b.choice WHEN 0 THEN rs.stage WHEN 1 THEN rs.supports WHEN 2 THEN rs.learning"
        " ELSE rs.challenges END) >> b.bit) & 1")

# The figure tables: their columns and the key their upsert meets.
TABLES = {
    "figure_schools": (KEY + ", schools", KEY),
    "figure_cycles": ("cycle_id, " + KEY + ", in_progress, submitted, summarised, implementing", "cycle_id, " + KEY),
    "figure_choices": ("cycle_id, " + KEY + ", choice, bit, n", "cycle_id, " + KEY + ", choice, bit"),
    "figure_scores": ("cycle_id, " + KEY + ", dim, den, num, n", "cycle_id, " + KEY + ", dim, den"),
    "figure_leaders": ("cycle_id, " + KEY + ", leader, responses, implementing", "cycle_id, " + KEY + ", leader"),
    "figure_answers": ("cycle_id, " + KEY + ", question, value, n", "cycle_id, " + KEY + ", question, value"),
}

# What a row adds, in the order the triggers write it: (the row's kind
# (school, response, summary or answer of a submitted response), table,
# SELECT list with {s} for the sign, columns added up, join, condition).
SCORES = ["cultural", "instructional", "career"]
FIGURES = (
    [("school", "figure_schools", G + ", {s}", ["schools"], "", ""),
     ("response", "figure_cycles",
      "x.cycle_id, " + G + ", {s} * (x.status = 'in_progress'), {s} * (x.status = 'submitted'), 0, 0",
      ["in_progress", "submitted"], "", ""),
     ("summary", "figure_cycles", "rs.cycle_id, " + G + ", 0, 0, {s}, {s} * rs.implementing",
      ["summarised", "implementing"], "", ""),
     ("summary", "figure_choices", "rs.cycle_id, " + G + ", b.choice, b.bit, {s}", ["n"], ", figure_bits b", BITS)] +
    [("summary", "figure_scores", "rs.cycle_id, " + G + ", %d, rs.%s_den, {s} * rs.%s_num, {s}" % (d, dim, dim),
      ["num", "n"], "", "rs.%s_den IS NOT NULL" % dim) for d, dim in enumerate(SCORES)] +
    [("summary", "figure_leaders", "rs.cycle_id, " + G + ", rs.submitted_by, {s}, {s} * rs.implementing",
      ["responses", "implementing"], "", ""),
     ("answer", "figure_answers", "x.cycle_id, " + G + ", a.question, a.value, {s}", ["n"], "", "")])

SUMMARY_COLUMNS = ("response_id cycle_id school_id implementing stage supports learning challenges cultural_num"
                   " cultural_den instructional_num instructional_den career_num career_den submitted_by").split()


def row(rec, columns, alias):
    """OLD or NEW as a one-row table."""
    return "(SELECT %s) %s" % (", ".join("%s.%s AS %s" % (rec, c, c) for c in columns), alias)


def old_group():
    """The school's group before an UPDATE, as figure_school would give it."""
    return ("(SELECT OLD.id AS school_id, OLD.state_code AS state_code, OLD.type AS type,"
            " coalesce(OLD.nation_id, 0) AS nation_id, OLD.sharing IN ('foundation', 'network') AS shown"
            " WHERE coalesce((SELECT c.value = 'allowed' FROM school_consent c WHERE c.school_id = OLD.id"
            " AND c.use_name = 'aggregate'), 1))")


def school_scope(groups, school):
    """A whole school's figures: groups is a view of schools with their group
    (or a one-row subquery), school the school's id."""
    def source(kind, join, cond):
        if kind == "school":
            g = groups if groups.startswith("(") else \
                "(SELECT * FROM %s g WHERE g.school_id = %s)" % (groups, school)
            return "%s g WHERE true" % g
        where = "g.school_id = %s" % school
        if kind == "summary":
            rows = "scan_cycles c JOIN response_summary rs ON rs.cycle_id = c.id AND rs.school_id = g.school_id"
        else:
            rows = "scan_cycles c JOIN responses x ON x.cycle_id = c.id AND x.school_id = g.school_id"
        if kind == "answer":
            join += ", answers a"
            where += " AND a.response_id = x.id AND x.status = 'submitted'"
        if cond:
            where += " AND " + cond
        return "%s g, %s%s WHERE %s" % (groups, rows, join, where)
    return ("school", "response", "summary", "answer"), source


def response_scope(rec):
    """One response (OLD or NEW) and its answers when submitted."""
    x = row(rec, ["id", "cycle_id", "school_id", "status"], "x")

    def source(kind, join, cond):
        if kind == "answer":
            return ("figure_school g, %s, answers a WHERE g.school_id = x.school_id AND a.response_id = x.id"
                    " AND x.status = 'submitted'" % x)
        return "figure_school g, %s WHERE g.school_id = x.school_id" % x
    return ("response", "answer"), source


def summary_scope(rec):
    """One summary (OLD or NEW)."""
    rs = row(rec, SUMMARY_COLUMNS, "rs")

    def source(kind, join, cond):
        return "figure_school g, %s%s WHERE g.school_id = rs.school_id%s" % (rs, join, " AND " + cond if cond else "")
    return ("summary",), source


def answer_scope(rec):
    """One answer (OLD or NEW) of a submitted response."""
    a = row(rec, ["response_id", "question", "value"], "a")

    def source(kind, join, cond):
        return ("figure_school g, responses x, %s WHERE x.id = a.response_id AND g.school_id = x.school_id"
                " AND x.status = 'submitted'" % a)
    return ("answer",), source


def statements(scope, sign):
    kinds, source = scope
    out = []
    for kind, table, select, sums, join, cond in FIGURES:
        if kind not in kinds:
            continue
        columns, key = TABLES[table]
        out.append("  INSERT INTO %s (%s)\n    SELECT %s FROM %s\n    ON CONFLICT (%s) DO UPDATE SET %s;\n" % (
            table, columns, select.format(s=sign), source(kind, join, cond), key,
            ", ".join("%s = %s + excluded.%s" % (c, c, c) for c in sums)))
    return "".join(out)


def consent(name, event, rec, before, after):
    """A steward's consent to aggregates taking a school out of the figures
    or putting it in: before and after say when the school was and is
    counted, None when no row (which counts it) is there to say."""
    school = rec + ".school_id"
    use = "%s.use_name = 'aggregate'" % rec
    out = []
    if after:       # counted before, no longer
        out.append(("figure_sums_consent_%s_out" % name, event,
                    " AND ".join(c for c in (use, before, "NOT (%s)" % after) if c),
                    [(school_scope("figure_school_all", school), "-1")]))
    if before:      # not counted before, now
        out.append(("figure_sums_consent_%s_in" % name, event,
                    " AND ".join(c for c in (use, after, "NOT (%s)" % before) if c),
                    [(school_scope("figure_school_all", school), "1")]))
    return out


SUBMITTED = "(SELECT status FROM responses WHERE id = %s.response_id) = 'submitted'"

# (name, event, WHEN or "", [(scope, sign)] or a literal body)
TRIGGERS = (
    [("figure_sums_school_new", "AFTER INSERT ON schools", "", [(school_scope("figure_school", "NEW.id"), "1")]),
     ("figure_sums_school_gone", "BEFORE DELETE ON schools", "", [(school_scope("figure_school", "OLD.id"), "-1")]),
     ("figure_sums_school_moved", "AFTER UPDATE OF state_code, type, nation_id, sharing ON schools",
      "NEW.state_code IS NOT OLD.state_code OR NEW.type IS NOT OLD.type OR NEW.nation_id IS NOT OLD.nation_id"
      " OR NEW.sharing IS NOT OLD.sharing",
      [(school_scope(old_group(), "OLD.id"), "-1"), (school_scope("figure_school", "NEW.id"), "1")])] +
    consent("new", "AFTER INSERT ON school_consent", "NEW", None, "NEW.value = 'allowed'") +
    consent("changed", "AFTER UPDATE OF value ON school_consent", "NEW", "OLD.value = 'allowed'",
            "NEW.value = 'allowed'") +
    consent("gone", "AFTER DELETE ON school_consent", "OLD", "OLD.value = 'allowed'", None) +
    [("figure_sums_response_new", "AFTER INSERT ON responses", "", [(response_scope("NEW"), "1")]),
     ("figure_sums_response_gone", "BEFORE DELETE ON responses", "", [(response_scope("OLD"), "-1")]),
     ("figure_sums_response_changed", "AFTER UPDATE OF status, cycle_id, school_id ON responses",
      "NEW.status IS NOT OLD.status OR NEW.cycle_id IS NOT OLD.cycle_id OR NEW.school_id IS NOT OLD.school_id",
      [(response_scope("OLD"), "-1"), (response_scope("NEW"), "1")]),
     ("figure_sums_summary_replaced", "BEFORE INSERT ON response_summary", "",
      "  DELETE FROM response_summary WHERE response_id = NEW.response_id;\n"),
     ("figure_sums_summary_new", "AFTER INSERT ON response_summary", "", [(summary_scope("NEW"), "1")]),
     ("figure_sums_summary_gone", "AFTER DELETE ON response_summary", "", [(summary_scope("OLD"), "-1")]),
     ("figure_sums_summary_changed", "AFTER UPDATE ON response_summary", "",
      [(summary_scope("OLD"), "-1"), (summary_scope("NEW"), "1")]),
     ("figure_sums_answer_replaced", "BEFORE INSERT ON answers", SUBMITTED % "NEW",
      "  DELETE FROM answers WHERE response_id = NEW.response_id AND question = NEW.question;\n"),
     ("figure_sums_answer_new", "AFTER INSERT ON answers", SUBMITTED % "NEW", [(answer_scope("NEW"), "1")]),
     ("figure_sums_answer_gone", "AFTER DELETE ON answers", SUBMITTED % "OLD", [(answer_scope("OLD"), "-1")]),
     ("figure_sums_answer_changed", "AFTER UPDATE ON answers", "",
      [(answer_scope("OLD"), "-1"), (answer_scope("NEW"), "1")])])


def migration_file():
    """The one migrations/NNN_figures.sql."""
    found = sorted(f for f in os.listdir(MIGRATIONS) if f[:3].isdigit() and f[3:] == "_figures.sql")
    if len(found) != 1:
        sys.exit("db/figures_sql.py: %d files NNN_figures.sql in %s, not one" % (len(found), MIGRATIONS))
    return os.path.join(MIGRATIONS, found[0])


def migration(number):
    out = [HEAD.replace("{number}", number, 1)]
    for name, event, when, body in TRIGGERS:
        out.append("CREATE TRIGGER %s %s\n" % (name, event))
        if when:
            out.append("  WHEN %s\n" % when)
        out.append("BEGIN\n")
        out.append(body if isinstance(body, str) else "".join(statements(scope, sign) for scope, sign in body))
        out.append("END;\n\n")
    return "".join(out)


def main():
    path = migration_file()
    sql = migration(os.path.basename(path)[:3])
    if sys.argv[1:] == ["--check"]:
        with open(path, encoding="utf-8") as f:
            if f.read() != sql:
                sys.exit("db/figures_sql.py: %s is not what this script writes; run\n"
                         "  python3 db/figures_sql.py --write" % path)
    elif sys.argv[1:] == ["--write"]:
        with open(path, "w", encoding="utf-8") as f:
            f.write(sql)
    elif not sys.argv[1:]:
        sys.stdout.write(sql)
    else:
        sys.exit("usage: db/figures_sql.py [--check | --write]")


if __name__ == "__main__":
    main()
