/* db.h — SQLite access.  SQL text is always a literal; values are bound.
 *
 * Statements are prepared once per connection and cached by the address of
 * their SQL literal.  Bindings are given by a type string, one letter per
 * '?' in order:
 *   i int   I long long   d double   t const char * (NULL binds NULL)
 *   b const void *, int length (blob)   n NULL (no argument)
 * Any unexpected SQLite error calls req_fail(r, 500, ...) (503 for a lock
 * not had in time), so callers stay short; db_try() is for the errors a
 * caller expects (constraints).
 * One statement is in use at a time: do not run the same SQL literal again
 * while stepping through it.
 */
#ifndef ILNET_DB_H
#define ILNET_DB_H

#include <sqlite3.h>
#include <stddef.h>

struct req;

/* How long a writer waits for its turn (and anyone for a lock) before the
 * request answers 503 with nothing saved; ILNET_WRITE_WAIT_MS overrides. */
#define DB_WRITE_WAIT_MS 10000

/* Open (creating if needed) with WAL, foreign keys, synchronous=FULL and a
 * busy handler that polls in short steps (see db_begin).  Returns SQLITE_OK
 * or an error, with a message in err. */
int db_open(const char *path, sqlite3 **out, char *err, size_t errlen);

/* Group commit, for a worker's connection.  db_open's connection commits
 * with synchronous=FULL: SQLite fsyncs the WAL inside COMMIT, holding the
 * write lock, so writers take turns at the disk one fsync each.  A grouped
 * connection commits with synchronous=NORMAL (the WAL is written, not yet
 * synced) and the process syncs the WAL itself afterwards: db_commit does
 * it once the write turn has passed on, and the dispatcher (db_sync) for
 * any other commit, before anything is answered.  A reply never
 * acknowledges a write that is not on disk, as with FULL; meanwhile the
 * next writer works, and writers waiting on the disk at once share one
 * flush of the device.  The WAL is appended in commit order and restarted
 * only once checkpointed and synced, so a synced commit makes every
 * earlier one durable too.  (What another request may read in that
 * fraction of a millisecond is committed but not yet synced: after a power
 * cut it may be gone, as if its writer had failed, and its writer was
 * never told it was saved.)  One connection per process. */
int db_group_commit(sqlite3 *db);

/* Sync the WAL if a commit on db since the last sync still needs it
 * (a grouped connection; otherwise, and when nothing is owed, SQLITE_OK
 * at once).  The SQLite result of the sync. */
int db_sync(sqlite3 *db);

/* 1 once a sync has failed: every later db_sync fails too (after a failed
 * fsync the kernel may have dropped the writes, and a later one succeed
 * without them), and the worker ends after its reply, to be replaced by
 * one with a fresh connection. */
int db_sync_failed(void);

/* The "natural_sort" collation every connection has (ORDER BY x COLLATE
 * natural_sort): runs of digits compare as numbers ("respondent 2" before
 * "respondent 10"), letters without regard to ASCII case; ties broken by
 * the bytes, so the order is total.  <0, 0 or >0 like strcmp. */
int db_natural_cmp(const char *a, int alen, const char *b, int blen);

/* Finalize cached statements and close. */
void db_close(sqlite3 *db);

/* Apply the migrations NNN_name.sql from dir that are newer than the
 * schema version (PRAGMA user_version), each in its own transaction.
 * Returns 0, or -1 with a message in err. */
int db_migrate(sqlite3 *db, const char *dir, char *err, size_t errlen);

/* The highest migration number in dir (the schema version this build
 * brings a database to), 0 when there is none, -1 when dir cannot be read. */
int db_latest_migration(const char *dir);

/* Run a file of SQL (demo data) in one transaction.  0 or -1 with err. */
int db_exec_file(sqlite3 *db, const char *path, char *err, size_t errlen);

/* A cached statement with bindings applied, ready to step. */
sqlite3_stmt *db_q(struct req *r, const char *sql, const char *types, ...);

/* Step: 1 for a row, 0 when done (the statement is then reset). */
int db_step(struct req *r, sqlite3_stmt *st);

/* Run a statement to its end; returns sqlite3_changes(). */
int db_exec(struct req *r, const char *sql, const char *types, ...);

/* 503 for errors that mean the storage cannot take a write now (full,
 * I/O, read-only, busy), 500 for the rest. */
int db_error_status(int rc);

/* Like db_exec but returns the SQLite result code (SQLITE_DONE on success,
 * or a constraint error) instead of failing on constraint errors. */
int db_try(struct req *r, const char *sql, const char *types, ...);

/* Like db_exec for a write that must never fail the request (a best-effort
 * log): every error, SQLITE_BUSY and SQLITE_FULL included, is returned as
 * the SQLite result code (SQLITE_DONE on success) and nothing else happens. */
int db_exec_soft(struct req *r, const char *sql, const char *types, ...);

/* Bookkeeping writes (a use logged, a session touched) need not wait for
 * the disk: between db_relaxed(r, 1) and db_relaxed(r, 0), outside a
 * transaction, commits skip the fsync (synchronous=NORMAL in WAL: safe
 * against a crash, and lost on power failure only until the next save's
 * fsync).  Inside a transaction it does nothing.  On a grouped connection
 * (db_group_commit) such commits leave nothing for db_sync to do. */
void db_relaxed(struct req *r, int on);

/* First column of the first row as an integer, or dflt when no row. */
long long db_int(struct req *r, long long dflt, const char *sql,
                 const char *types, ...);

/* First column of the first row as an arena string, or NULL. */
char *db_text(struct req *r, const char *sql, const char *types, ...);

long long db_last_id(struct req *r);

/* Column values of the current row: integers, and text copied into the
 * arena ("" for NULL). */
long long db_col_int(sqlite3_stmt *st, int i);
char *db_col_text(struct req *r, sqlite3_stmt *st, int i);
int db_col_null(sqlite3_stmt *st, int i);
/* The text of a column without a copy ("" for NULL): valid only until the
 * statement steps again or is reset.  For a caller that copies what it
 * keeps (a pass over millions of rows). */
const char *db_col_view(sqlite3_stmt *st, int i);

/* Where the record made by the form with one-time key key (form_begin_create)
 * can be seen, when r's user already sent it; NULL otherwise.  db_begin()
 * claims r->form_key inside the transaction that makes the record. */
char *db_form_key_seen(struct req *r, const char *key);

/* BEGIN IMMEDIATE / COMMIT.  The dispatcher rolls back whatever is still
 * open when a request ends or fails.
 * db_begin first waits for this process's turn in the write queue (writeq.h,
 * when the supervisor set one up), so writers take SQLite's write lock in
 * the order they asked for it; db_commit and db_request_done pass the turn
 * on.  No turn, or no lock, within DB_WRITE_WAIT_MS: req_fail(503). */
void db_begin(struct req *r);
void db_commit(struct req *r);

/* A transaction that claimed a form's one-time key (r->form_key_stored)
 * is not committed by db_commit: it stays open, with the write turn, until
 * the handler has answered, and db_finish() (the dispatcher) records in it
 * where the form's record can be seen (location, the answer's redirect, or
 * NULL) and commits, all in one transaction and one wait for the disk.
 * A db_begin in between goes on in the same transaction; a failure in
 * between rolls it all back, so an error page never sits beside a saved
 * record.  Does nothing when nothing is held. */
void db_finish(struct req *r, const char *location);

/* Several reads from one snapshot of the database: db_read_begin returns
 * what db_read_end wants back (0, nothing to end, inside a transaction). */
int db_read_begin(struct req *r);
void db_read_end(struct req *r, int began);

/* The reads of a whole request in one snapshot (app.c): SQLite takes and drops
 * a WAL read lock for every statement outside a transaction, two fcntl
 * calls each, which cost more than a page's queries.  The snapshot ends by
 * itself before anything writes (a statement that is not read-only,
 * db_begin, db_relaxed): writes never run in it, so they see the database
 * as it is and fail for no stale snapshot. */
void db_reads_begin(struct req *r);
void db_reads_end(struct req *r);

/* Roll back an open transaction, give up the write turn and reset every
 * cached statement of db; called after each request. */
void db_request_done(sqlite3 *db);

/* A LIKE pattern matching q anywhere ("%q%"), with q's own % _ and \
 * escaped; use it with ESCAPE '\'.  NULL when q is NULL or empty. */
char *db_like(struct req *r, const char *q);

/* A settings value (arena string) or NULL. */
char *db_setting(struct req *r, const char *key);

#endif
