-- Uniqueness that reveals nothing.  Two schools of the same name in the
-- same town used to be refused by the database, so that editing or
-- importing a school answered "another school in this city already has
-- this name" even when that school was private to the editor — confirming
-- that it exists.  Names are now checked in the application, against the
-- schools the editor may see; the table is rebuilt without the constraint
-- (foreign keys are off while a migration runs, and checked before it
-- commits).  Ids, rows, indexes and triggers stay as they were.
CREATE TABLE schools_new (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  state_code  TEXT NOT NULL REFERENCES states(code),
  city        TEXT NOT NULL CHECK (length(city) BETWEEN 1 AND 100),
  lat         REAL CHECK (lat IS NULL OR lat BETWEEN 40 AND 50),
  lon         REAL CHECK (lon IS NULL OR lon BETWEEN -105 AND -89),
  tz          TEXT NOT NULL CHECK (tz IN ('America/Chicago', 'America/Denver')),
  type        TEXT NOT NULL CHECK (type IN ('district_urban', 'district_suburban',
                'small_rural', 'tribal', 'independent', 'charter')),
  grade_low   INTEGER NOT NULL CHECK (grade_low BETWEEN -1 AND 12),
  grade_high  INTEGER NOT NULL CHECK (grade_high BETWEEN -1 AND 12 AND grade_high >= grade_low),
  enrollment  INTEGER NOT NULL CHECK (enrollment BETWEEN 0 AND 100000),
  nation_id   INTEGER REFERENCES nations(id),
  sharing     TEXT NOT NULL DEFAULT 'network'
                CHECK (sharing IN ('private', 'foundation', 'network')),
  created_at  INTEGER NOT NULL DEFAULT (unixepoch()),
  updated_at  INTEGER NOT NULL DEFAULT (unixepoch())
);
INSERT INTO schools_new (id, name, state_code, city, lat, lon, tz, type, grade_low, grade_high,
                         enrollment, nation_id, sharing, created_at, updated_at)
  SELECT id, name, state_code, city, lat, lon, tz, type, grade_low, grade_high,
         enrollment, nation_id, sharing, created_at, updated_at FROM schools;
DROP TABLE schools;
ALTER TABLE schools_new RENAME TO schools;

CREATE INDEX schools_state ON schools(state_code);
CREATE INDEX schools_nation ON schools(nation_id);
CREATE INDEX schools_place ON schools(state_code, city, name);

CREATE TRIGGER schools_nation_default AFTER INSERT ON schools
  WHEN NEW.nation_id IS NOT NULL
BEGIN
  UPDATE schools SET sharing = 'private' WHERE id = NEW.id;
END;
CREATE TRIGGER schools_nation_moved AFTER UPDATE OF nation_id ON schools
  WHEN NEW.nation_id IS NOT NULL AND NEW.nation_id IS NOT OLD.nation_id
BEGIN
  UPDATE schools SET sharing = 'private' WHERE id = NEW.id;
END;
CREATE TRIGGER schools_nation_moved_consent AFTER UPDATE OF nation_id ON schools
  WHEN NEW.nation_id IS NOT OLD.nation_id
BEGIN
  DELETE FROM school_consent WHERE school_id = NEW.id;
  DELETE FROM school_labels WHERE school_id = NEW.id;
END;
CREATE TRIGGER figures_school_new AFTER INSERT ON schools
BEGIN UPDATE revisions SET n = n + 1 WHERE name = 'figures'; END;
CREATE TRIGGER figures_school_changed AFTER UPDATE ON schools
BEGIN UPDATE revisions SET n = n + 1 WHERE name = 'figures'; END;
CREATE TRIGGER figures_school_gone AFTER DELETE ON schools
BEGIN UPDATE revisions SET n = n + 1 WHERE name = 'figures'; END;
