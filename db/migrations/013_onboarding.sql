-- A school's key: the state or NCES id on a foundation's roster, so that
-- importing the same roster again finds each school by it, whatever became
-- of its name.  Not unique in the database: like names (008), keys are
-- matched only against the schools the importer may see, so that a key
-- never confirms that a school kept private exists.
ALTER TABLE schools ADD COLUMN school_key TEXT
  CHECK (school_key IS NULL OR length(school_key) BETWEEN 1 AND 40);
CREATE INDEX schools_key ON schools(school_key) WHERE school_key IS NOT NULL;
