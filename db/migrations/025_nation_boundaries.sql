-- 025_nation_boundaries.sql — a Native nation's boundary on the map, only
-- as the nation provides it and only while its data steward consents.
--
-- The map marks a nation at its government's town (021_map.sql) and never
-- invents a boundary.  An admin adds the boundary a nation provides (a
-- GeoJSON Polygon or MultiPolygon, checked by boundary.c and kept as a
-- MultiPolygon in longitude, latitude degrees); it is drawn only once the
-- nation's steward consents, and a boundary replaced needs consent again.
-- Withdrawn consent stops the drawing at once.  Every step is kept in
-- boundary_changes, which the steward and the admin both see.
CREATE TABLE nation_boundaries (
  nation_id   INTEGER PRIMARY KEY REFERENCES nations(id) ON DELETE CASCADE,
  geometry    TEXT NOT NULL CHECK (geometry LIKE '{"type":"MultiPolygon",%'),
  source      TEXT NOT NULL CHECK (length(source) BETWEEN 1 AND 200),  -- who provided it, as the admin wrote
  points      INTEGER NOT NULL CHECK (points >= 4),
  added_by    INTEGER NOT NULL REFERENCES users(id),
  added_at    INTEGER NOT NULL DEFAULT (unixepoch()),
  consent_by  INTEGER REFERENCES users(id),     -- the steward who consented; NULL: not drawn
  consent_at  INTEGER,
  CHECK ((consent_by IS NULL) = (consent_at IS NULL))
);

CREATE TABLE boundary_changes (
  id          INTEGER PRIMARY KEY,
  nation_id   INTEGER NOT NULL REFERENCES nations(id) ON DELETE CASCADE,
  changed_by  INTEGER NOT NULL REFERENCES users(id),
  what        TEXT NOT NULL CHECK (what IN ('added', 'replaced', 'deleted', 'consented', 'withdrawn')),
  changed_at  INTEGER NOT NULL DEFAULT (unixepoch())
);
CREATE INDEX boundary_changes_nation ON boundary_changes(nation_id, changed_at);
