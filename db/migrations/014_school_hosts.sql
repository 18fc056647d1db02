-- Connect: someone a school's leader names to host site visits for it (a
-- colleague with an ilnet account), besides its leaders.  Only for a school
-- that is not private: a nation's private school is hosted by its own
-- leaders alone.
CREATE TABLE school_hosts (
  school_id INTEGER NOT NULL REFERENCES schools(id),
  user_id   INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  named_by  INTEGER NOT NULL REFERENCES users(id),
  named_at  INTEGER NOT NULL DEFAULT (unixepoch()),
  PRIMARY KEY (school_id, user_id)
) WITHOUT ROWID;
CREATE INDEX school_hosts_user ON school_hosts(user_id);
