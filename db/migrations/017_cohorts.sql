-- 017: Inspire cohorts — cohort learning experiences: a cohort of a year,
-- its members (schools, and people taking part for them or on their own),
-- its sessions (a wall time in the zone of the place, kept with its UTC
-- instant), attendance per session, and the invitations sent to leaders who
-- said in the scan they want a cohort (once per leader per cohort).

CREATE TABLE cohorts (
  id             INTEGER PRIMARY KEY,
  name           TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  year           INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
  theme          TEXT NOT NULL DEFAULT '' CHECK (length(theme) <= 2000),
  dimensions     TEXT NOT NULL DEFAULT '',    -- '\n'-joined: cultural, instructional, career
  facilitator_id INTEGER REFERENCES users(id),  -- foundation or intermediary staff
  created_by     INTEGER REFERENCES users(id),
  created_at     INTEGER NOT NULL DEFAULT (unixepoch()),
  updated_at     INTEGER NOT NULL DEFAULT (unixepoch()),
  UNIQUE (year, name)
);

-- A member is a school (someone from it takes part), a person taking part
-- for a school they lead, or a person on their own (a coach, staff).
CREATE TABLE cohort_members (
  id        INTEGER PRIMARY KEY,
  cohort_id INTEGER NOT NULL REFERENCES cohorts(id) ON DELETE CASCADE,
  school_id INTEGER REFERENCES schools(id),
  user_id   INTEGER REFERENCES users(id),
  added_by  INTEGER REFERENCES users(id),
  added_at  INTEGER NOT NULL DEFAULT (unixepoch()),
  CHECK (school_id IS NOT NULL OR user_id IS NOT NULL)
);
CREATE UNIQUE INDEX cohort_members_once ON cohort_members(cohort_id, coalesce(school_id, 0), coalesce(user_id, 0));
CREATE INDEX cohort_members_school ON cohort_members(school_id);
CREATE INDEX cohort_members_user ON cohort_members(user_id);

CREATE TABLE cohort_sessions (
  id         INTEGER PRIMARY KEY,
  cohort_id  INTEGER NOT NULL REFERENCES cohorts(id) ON DELETE CASCADE,
  local_date TEXT NOT NULL,                  -- the wall time where it happens
  local_time TEXT NOT NULL,
  tz         TEXT NOT NULL CHECK (tz IN ('America/Chicago', 'America/Denver')),
  starts_at  INTEGER NOT NULL,               -- the same instant, UTC
  minutes    INTEGER NOT NULL CHECK (minutes BETWEEN 15 AND 720),
  place      TEXT NOT NULL DEFAULT '' CHECK (length(place) <= 200),
  online_url TEXT NOT NULL DEFAULT '' CHECK (length(online_url) <= 500),
  agenda     TEXT NOT NULL DEFAULT '' CHECK (length(agenda) <= 4000),
  CHECK (place <> '' OR online_url <> '')
);
CREATE INDEX cohort_sessions_cohort ON cohort_sessions(cohort_id, starts_at);

CREATE TABLE cohort_attendance (
  session_id INTEGER NOT NULL REFERENCES cohort_sessions(id) ON DELETE CASCADE,
  member_id  INTEGER NOT NULL REFERENCES cohort_members(id) ON DELETE CASCADE,
  marked_by  INTEGER REFERENCES users(id),
  marked_at  INTEGER NOT NULL DEFAULT (unixepoch()),
  PRIMARY KEY (session_id, member_id)
) WITHOUT ROWID;
CREATE INDEX cohort_attendance_member ON cohort_attendance(member_id);

-- Attendance is of a member of the session's own cohort, whatever the code.
CREATE TRIGGER cohort_attendance_same_cohort BEFORE INSERT ON cohort_attendance
  WHEN (SELECT cohort_id FROM cohort_sessions WHERE id = NEW.session_id)
       IS NOT (SELECT cohort_id FROM cohort_members WHERE id = NEW.member_id)
BEGIN
  SELECT RAISE(ABORT, 'attendance of a member of another cohort');
END;

CREATE TABLE cohort_invitations (
  cohort_id INTEGER NOT NULL REFERENCES cohorts(id) ON DELETE CASCADE,
  user_id   INTEGER NOT NULL REFERENCES users(id),
  sent_by   INTEGER REFERENCES users(id),
  sent_at   INTEGER NOT NULL DEFAULT (unixepoch()),
  PRIMARY KEY (cohort_id, user_id)
) WITHOUT ROWID;
