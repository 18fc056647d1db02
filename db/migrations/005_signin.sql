-- 005: sign-in throttling that slows guessing down without locking anyone
-- out, and known devices.
--
-- Password checks that failed, counted per (account, address) pair and per
-- address (email = ''), with the time of the last one counted.  A check is
-- counted before the password is hashed (and taken back when it was
-- right), inside one write transaction, so parallel guesses cannot pass
-- the limit.  After a few failures the next check waits, twice as long
-- with each further failure up to a cap; nothing ever refuses a check for
-- good.  A count is forgotten after a day without failures.
CREATE TABLE signin_failures (
  email   TEXT NOT NULL,          -- lower-cased as typed; '' for the address's count
  addr    TEXT NOT NULL,          -- the client's address (IPv6: its /64)
  fails   INTEGER NOT NULL,
  last_at INTEGER NOT NULL,
  PRIMARY KEY (email, addr)
) WITHOUT ROWID;
CREATE INDEX signin_failures_last ON signin_failures(last_at);

-- Browsers a person has signed in on: a long-lived cookie holds a random
-- token, only its SHA-256 is stored.  A sign-in from a known device of the
-- account counts on the device alone (its own small budget), never on the
-- counts strangers build up for the account or the address.
CREATE TABLE known_devices (
  id           INTEGER PRIMARY KEY,
  token_hash   BLOB NOT NULL UNIQUE,
  user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at   INTEGER NOT NULL,
  last_used    INTEGER NOT NULL,
  fails        INTEGER NOT NULL DEFAULT 0,
  last_fail_at INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX known_devices_user ON known_devices(user_id);

-- The old per-account and per-address rows: login_failures now keeps only
-- password-reset requests ('r:<email>').
DELETE FROM login_failures WHERE key NOT LIKE 'r:%';
