/* db.c — SQLite access with cached statements (see include/db.h). */
#include "db.h"
#include "req.h"
#include "walvfs.h"
#include "writeq.h"

#include <dirent.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CACHE_SIZE 1024

/* Prepared statements, per process, keyed by connection and SQL address. */
static struct {
	sqlite3 *db;
	const char *sql;
	sqlite3_stmt *st;
} cache[CACHE_SIZE];

/* How long a writer waits for its turn, and anyone for a SQLite lock
 * (ILNET_WRITE_WAIT_MS, read at db_open). */
static long wait_ms = DB_WRITE_WAIT_MS;
static long long busy_since_us;

/* The connection whose request reads share one snapshot (db_reads_begin). */
static sqlite3 *reading;

/* Group commit (db_group_commit): the connection whose commits this
 * process makes durable itself, whether one of them still has to be, and
 * whether commits now are bookkeeping that need not be (db_relaxed). */
static sqlite3 *grouped;
static int unsynced, relaxed_now, sync_failed;

static long long mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* SQLite's busy handler: poll in short steps until wait_ms has passed.
 * (sqlite3_busy_timeout sleeps ever longer, up to 100 ms at a time, so a
 * writer that keeps losing the race sleeps through many free moments.)
 * Writers queue in writeq first; this is for the rest: the mail sender,
 * a session touched outside a transaction, a checkpoint, another tool. */
static int busy_wait(void *arg, int count)
{
	(void)arg;
	long long now = mono_us();
	if (count == 0)
		busy_since_us = now;
	if (now - busy_since_us >= wait_ms * 1000LL)
		return 0;
	struct timespec ts = { 0, count < 20 ? 100 * 1000L : 1000 * 1000L };
	nanosleep(&ts, NULL);
	return 1;
}

static int ascii_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

int db_natural_cmp(const char *va, int na, const char *vb, int nb)
{
	const unsigned char *a = (const unsigned char *)va, *b = (const unsigned char *)vb;
	int i = 0, j = 0;
	while (i < na && j < nb) {
		if (is_digit(a[i]) && is_digit(b[j])) {
			/* Two runs of digits compare as numbers: by length once
			 * leading zeros are gone, then digit by digit. */
			int si = i, sj = j;
			while (si < na && a[si] == '0')
				si++;
			while (sj < nb && b[sj] == '0')
				sj++;
			int ei = si, ej = sj;
			while (ei < na && is_digit(a[ei]))
				ei++;
			while (ej < nb && is_digit(b[ej]))
				ej++;
			if (ei - si != ej - sj)
				return ei - si < ej - sj ? -1 : 1;
			int c = memcmp(a + si, b + sj, (size_t)(ei - si));
			if (c)
				return c < 0 ? -1 : 1;
			i = ei;
			j = ej;
			continue;
		}
		int ca = ascii_lower(a[i]), cb = ascii_lower(b[j]);
		if (ca != cb)
			return ca < cb ? -1 : 1;
		i++;
		j++;
	}
	if (i < na || j < nb)
		return i < na ? 1 : -1;
	/* Equal but for case or leading zeros: the bytes decide, so that the
	 * order is total. */
	int c = memcmp(a, b, (size_t)(na < nb ? na : nb));
	if (c)
		return c < 0 ? -1 : 1;
	return na < nb ? -1 : na > nb;
}

static int natural_collation(void *unused, int na, const void *a, int nb, const void *b)
{
	(void)unused;
	return db_natural_cmp(a, na, b, nb);
}

/* ILNET_SQL_PROFILE=1: each statement's time and full-scan steps on
 * stderr (the worker's log), to find what a request spends its time on. */
static int sql_profile(unsigned kind, void *unused, void *p, void *x)
{
	(void)unused;
	if (kind == SQLITE_TRACE_PROFILE) {
		sqlite3_stmt *st = p;
		/* The statement's text, never its values (addresses, answers). */
		fprintf(stderr, "sql %lld ns, %d scan steps, %d sort: %s\n", *(long long *)x,
		        sqlite3_stmt_status(st, SQLITE_STMTSTATUS_FULLSCAN_STEP, 0),
		        sqlite3_stmt_status(st, SQLITE_STMTSTATUS_SORT, 0), sqlite3_sql(st));
	}
	return 0;
}

/* Every write transaction of the grouped connection passes here before it
 * commits (read-only ones do not). */
static int on_commit(void *unused)
{
	(void)unused;
	if (!relaxed_now)
		unsynced = 1;
	return 0;
}

int db_group_commit(sqlite3 *db)
{
	int rc = sqlite3_exec(db, "PRAGMA synchronous=NORMAL", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return rc;
	sqlite3_commit_hook(db, on_commit, NULL);
	grouped = db;
	unsynced = relaxed_now = sync_failed = 0;
	return SQLITE_OK;
}

int db_sync(sqlite3 *db)
{
	if (db != grouped || !unsynced)
		return SQLITE_OK;
	if (sync_failed)
		return SQLITE_IOERR_FSYNC;
	unsynced = 0;
	/* The connection's own handle on the WAL: the file its commits went
	 * to, whoever else has restarted or truncated it since. */
	sqlite3_file *wal = NULL;
	int rc = sqlite3_file_control(db, "main", SQLITE_FCNTL_JOURNAL_POINTER, &wal);
	if (rc == SQLITE_OK)
		rc = wal && wal->pMethods ? wal->pMethods->xSync(wal, SQLITE_SYNC_NORMAL) : SQLITE_IOERR_FSYNC;
	/* A failed sync may have lost what it was to write, and the next one
	 * may succeed without it: this connection trusts no later sync. */
	sync_failed |= rc != SQLITE_OK;
	return rc;
}

int db_sync_failed(void)
{
	return sync_failed;
}

int db_open(const char *path, sqlite3 **out, char *err, size_t errlen)
{
	sqlite3 *db = NULL;
	int rc = walvfs_register();
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", path, sqlite3_errstr(rc));
		return rc;
	}
	rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE |
	                         SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	/* The busy handler first: workers starting together race to
	 * rebuild the WAL index, and the losers would fail at once. */
	const char *w = getenv("ILNET_WRITE_WAIT_MS");
	wait_ms = w && atol(w) > 0 ? atol(w) : DB_WRITE_WAIT_MS;
	if (rc == SQLITE_OK)
		rc = sqlite3_busy_handler(db, busy_wait, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db,
		    "PRAGMA journal_mode=WAL;"
		    "PRAGMA foreign_keys=ON;"
		    "PRAGMA synchronous=FULL;"
		    /* No mmap_size: SQLite unmaps the whole file whenever another
		     * process has written, so with writers every request paid an
		     * munmap (a TLB shootdown on every core) and a page fault per
		     * page it touched again; a booking ran at half the rate. */
		    "PRAGMA trusted_schema=OFF;", NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_create_collation_v2(db, "natural_sort", SQLITE_UTF8, NULL, natural_collation, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", path, db ? sqlite3_errmsg(db) : "out of memory");
		sqlite3_close(db);
		return rc;
	}
	sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	if (getenv("ILNET_SQL_PROFILE"))
		sqlite3_trace_v2(db, SQLITE_TRACE_PROFILE, sql_profile, NULL);
	*out = db;
	return SQLITE_OK;
}

void db_close(sqlite3 *db)
{
	if (!db)
		return;
	if (reading == db)
		reading = NULL;
	if (grouped == db)
		grouped = NULL;
	for (int i = 0; i < CACHE_SIZE; i++) {
		if (cache[i].db == db) {
			sqlite3_finalize(cache[i].st);
			cache[i].db = NULL;
			cache[i].sql = NULL;
			cache[i].st = NULL;
		}
	}
	sqlite3_close(db);
}

static int name_is_migration(const char *n)
{
	size_t len = strlen(n);
	return len > 8 && n[0] >= '0' && n[0] <= '9' && n[1] >= '0' && n[1] <= '9' &&
	       n[2] >= '0' && n[2] <= '9' && n[3] == '_' &&
	       strcmp(n + len - 4, ".sql") == 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int fk_violations(void *n, int ncol, char **v, char **names)
{
	(void)ncol; (void)v; (void)names;
	++*(int *)n;
	return 0;
}

/* Run sql in one transaction, setting user_version when version > 0.
 * Foreign keys are off while it runs, so that a migration can rebuild a
 * table others refer to (SQLite's documented procedure), and checked in
 * full before it commits: a migration that breaks one rolls back. */
static int apply(sqlite3 *db, const char *sql, int version, const char *what,
                 char *err, size_t errlen)
{
	char *msg = NULL;
	int broken = 0;
	sqlite3_exec(db, "PRAGMA foreign_keys=OFF", NULL, NULL, NULL);
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, &msg) != SQLITE_OK ||
	    sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK ||
	    sqlite3_exec(db, "PRAGMA foreign_key_check", fk_violations, &broken, &msg) != SQLITE_OK || broken) {
		snprintf(err, errlen, "%s: %s", what, msg ? msg : broken ? "breaks a foreign key" : "failed");
		sqlite3_free(msg);
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		sqlite3_exec(db, "PRAGMA foreign_keys=ON", NULL, NULL, NULL);
		return -1;
	}
	if (version > 0) {
		char pragma[64];
		snprintf(pragma, sizeof pragma, "PRAGMA user_version=%d", version);
		sqlite3_exec(db, pragma, NULL, NULL, NULL);
	}
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", what, msg ? msg : "commit failed");
		sqlite3_free(msg);
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		sqlite3_exec(db, "PRAGMA foreign_keys=ON", NULL, NULL, NULL);
		return -1;
	}
	sqlite3_exec(db, "PRAGMA foreign_keys=ON", NULL, NULL, NULL);
	return 0;
}

int db_migrate(sqlite3 *db, const char *dir, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int have = 0;
	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			have = sqlite3_column_int(st, 0);
		sqlite3_finalize(st);
	}
	DIR *d = opendir(dir);
	if (!d) {
		snprintf(err, errlen, "cannot open migrations folder %s", dir);
		return -1;
	}
	char *names[1000];
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) && n < 1000)
		if (name_is_migration(e->d_name))
			names[n++] = strdup(e->d_name);
	closedir(d);
	qsort(names, (size_t)n, sizeof names[0], cmp_str);
	int rc = 0;
	for (int i = 0; i < n; i++) {
		int version = atoi(names[i]);
		if (rc || version <= have)
			continue;
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		char *sql = buf_read_file(path);
		if (!sql) {
			snprintf(err, errlen, "cannot read %s", path);
			rc = -1;
			continue;
		}
		rc = apply(db, sql, version, names[i], err, errlen);
		free(sql);
	}
	for (int i = 0; i < n; i++)
		free(names[i]);
	return rc;
}

int db_latest_migration(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return -1;
	int latest = 0;
	struct dirent *e;
	while ((e = readdir(d)))
		if (name_is_migration(e->d_name) && atoi(e->d_name) > latest)
			latest = atoi(e->d_name);
	closedir(d);
	return latest;
}

int db_exec_file(sqlite3 *db, const char *path, char *err, size_t errlen)
{
	char *sql = buf_read_file(path);
	if (!sql) {
		snprintf(err, errlen, "cannot read %s", path);
		return -1;
	}
	int rc = apply(db, sql, 0, path, err, errlen);
	free(sql);
	return rc;
}

/* The status a failed statement answers with: 503 when the storage cannot
 * take a write now (disk full, I/O error, read-only, locked for too long):
 * nothing was stored and trying again later may work; 500 otherwise. */
int db_error_status(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_FULL: case SQLITE_IOERR: case SQLITE_READONLY: case SQLITE_BUSY:
	case SQLITE_LOCKED: case SQLITE_CANTOPEN: case SQLITE_PROTOCOL:
		return 503;
	}
	return 500;
}

static void fail_db(struct req *r, const char *what)
{
	const char *m = arena_printf(&r->arena, "%s: %s", what, sqlite3_errmsg(r->db));
	req_fail(r, db_error_status(sqlite3_extended_errcode(r->db)), m);
}

static sqlite3_stmt *cached(sqlite3 *db, const char *sql);

/* BEGIN, COMMIT, ROLLBACK, a PRAGMA: run from the statement cache.  Every
 * request runs two or more of them, and parsing one afresh (a parser
 * allocated each time) cost about a third of a small page. */
static int run(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = cached(db, sql);
	if (!st)
		return sqlite3_exec(db, sql, NULL, NULL, NULL);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? SQLITE_OK : rc;
}

/* End the request's shared snapshot, if db has one, before a write. */
static void reads_end(sqlite3 *db)
{
	if (!reading || reading != db)
		return;
	reading = NULL;
	if (!sqlite3_get_autocommit(db))
		run(db, "COMMIT");
}

void db_reads_begin(struct req *r)
{
	if (reading || !sqlite3_get_autocommit(r->db))
		return;
	if (run(r->db, "BEGIN") == SQLITE_OK)
		reading = r->db;
}

void db_reads_end(struct req *r)
{
	reads_end(r->db);
}

/* The cached statement for sql on db, prepared the first time; NULL when
 * it cannot be prepared or the cache is full. */
static sqlite3_stmt *cached(sqlite3 *db, const char *sql)
{
	uintptr_t h = ((uintptr_t)sql >> 3) ^ ((uintptr_t)db >> 5);
	for (int k = 0; k < CACHE_SIZE; k++) {
		int i = (int)((h + (uintptr_t)k) % CACHE_SIZE);
		if (cache[i].sql == sql && cache[i].db == db)
			return cache[i].st;
		if (!cache[i].sql) {
			sqlite3_stmt *st;
			if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK)
				return NULL;
			cache[i].db = db;
			cache[i].sql = sql;
			cache[i].st = st;
			return st;
		}
	}
	return NULL;
}

/* The cached statement for sql; NULL when soft and it cannot be prepared
 * (a soft caller never fails the request). */
static sqlite3_stmt *prepare(struct req *r, const char *sql, int soft)
{
	sqlite3_stmt *st = cached(r->db, sql);
	if (!st && !soft)
		fail_db(r, "prepare");
	return st;
}

/* Prepare and bind; on any problem fail the request, or return NULL when
 * soft. */
static sqlite3_stmt *vbind_how(struct req *r, const char *sql, const char *types, va_list ap,
                               int soft)
{
	sqlite3_stmt *st = prepare(r, sql, soft);
	if (!st)
		return NULL;
	if (reading && !sqlite3_stmt_readonly(st))
		reads_end(r->db);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	int n = (int)strlen(types);
	if (n != sqlite3_bind_parameter_count(st)) {
		if (soft)
			return NULL;
		req_fail(r, 500, arena_printf(&r->arena, "binding count mismatch: %s", sql));
	}
	for (int i = 0; i < n; i++) {
		int rc = SQLITE_OK;
		switch (types[i]) {
		case 'i': rc = sqlite3_bind_int(st, i + 1, va_arg(ap, int)); break;
		case 'I': rc = sqlite3_bind_int64(st, i + 1, va_arg(ap, long long)); break;
		case 'd': rc = sqlite3_bind_double(st, i + 1, va_arg(ap, double)); break;
		case 't': {
			const char *s = va_arg(ap, const char *);
			rc = s ? sqlite3_bind_text(st, i + 1, s, -1, SQLITE_TRANSIENT)
			       : sqlite3_bind_null(st, i + 1);
			break;
		}
		case 'b': {
			const void *p = va_arg(ap, const void *);
			int len = va_arg(ap, int);
			rc = sqlite3_bind_blob(st, i + 1, p, len, SQLITE_TRANSIENT);
			break;
		}
		case 'n': rc = sqlite3_bind_null(st, i + 1); break;
		default:
			if (soft)
				return NULL;
			req_fail(r, 500, "bad binding type");
		}
		if (rc != SQLITE_OK) {
			if (soft)
				return NULL;
			fail_db(r, "bind");
		}
	}
	return st;
}

static sqlite3_stmt *vbind(struct req *r, const char *sql, const char *types, va_list ap)
{
	return vbind_how(r, sql, types, ap, 0);
}

sqlite3_stmt *db_q(struct req *r, const char *sql, const char *types, ...)
{
	va_list ap;
	va_start(ap, types);
	sqlite3_stmt *st = vbind(r, sql, types, ap);
	va_end(ap);
	return st;
}

int db_step(struct req *r, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		return 1;
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		fail_db(r, "step");
	return 0;
}

int db_exec(struct req *r, const char *sql, const char *types, ...)
{
	va_list ap;
	va_start(ap, types);
	sqlite3_stmt *st = vbind(r, sql, types, ap);
	va_end(ap);
	while (db_step(r, st))
		;
	return sqlite3_changes(r->db);
}

int db_try(struct req *r, const char *sql, const char *types, ...)
{
	va_list ap;
	va_start(ap, types);
	sqlite3_stmt *st = vbind(r, sql, types, ap);
	va_end(ap);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		;
	sqlite3_reset(st);
	if (rc != SQLITE_DONE && (rc & 0xff) != SQLITE_CONSTRAINT)
		fail_db(r, "step");
	return rc;
}

int db_exec_soft(struct req *r, const char *sql, const char *types, ...)
{
	va_list ap;
	va_start(ap, types);
	sqlite3_stmt *st = vbind_how(r, sql, types, ap, 1);
	va_end(ap);
	if (!st)
		return SQLITE_ERROR;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		;
	sqlite3_reset(st);
	return rc;
}

void db_relaxed(struct req *r, int on)
{
	reads_end(r->db);
	if (!sqlite3_get_autocommit(r->db))
		return;
	if (r->db == grouped)
		relaxed_now = on;
	else
		run(r->db, on ? "PRAGMA synchronous=NORMAL" : "PRAGMA synchronous=FULL");
}

long long db_int(struct req *r, long long dflt, const char *sql, const char *types, ...)
{
	va_list ap;
	va_start(ap, types);
	sqlite3_stmt *st = vbind(r, sql, types, ap);
	va_end(ap);
	long long v = dflt;
	if (db_step(r, st)) {
		if (sqlite3_column_type(st, 0) != SQLITE_NULL)
			v = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
	}
	return v;
}

char *db_text(struct req *r, const char *sql, const char *types, ...)
{
	va_list ap;
	va_start(ap, types);
	sqlite3_stmt *st = vbind(r, sql, types, ap);
	va_end(ap);
	char *v = NULL;
	if (db_step(r, st)) {
		if (sqlite3_column_type(st, 0) != SQLITE_NULL)
			v = db_col_text(r, st, 0);
		sqlite3_reset(st);
	}
	return v;
}

long long db_last_id(struct req *r)
{
	return sqlite3_last_insert_rowid(r->db);
}

long long db_col_int(sqlite3_stmt *st, int i)
{
	return sqlite3_column_int64(st, i);
}

int db_col_null(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL;
}

char *db_col_text(struct req *r, sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);
	int n = sqlite3_column_bytes(st, i);
	return arena_strndup(&r->arena, s ? (const char *)s : "", s ? (size_t)n : 0);
}

const char *db_col_view(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);
	return s ? (const char *)s : "";
}

char *db_form_key_seen(struct req *r, const char *key)
{
	return r->user && key ? db_text(r, "SELECT coalesce(location, path) FROM form_keys WHERE user_id = ? AND key = ?",
	                                "It", r->user->id, key) : NULL;
}

/* 1 when db_commit left the form's transaction open (taking it back
 * from r); a held transaction that has ended unseen fails the request. */
static int take_held(struct req *r)
{
	int held = r->commit_held;
	r->commit_held = 0;
	if (held && sqlite3_get_autocommit(r->db))
		req_fail(r, 500, "the form's transaction ended before it was committed");
	return held;
}

void db_begin(struct req *r)
{
	if (take_held(r))               /* still the form's one transaction */
		return;
	reads_end(r->db);
	if (writeq_acquire(wait_ms) == WRITEQ_TIMEOUT)
		req_fail(r, 503, arena_printf(&r->arena, "begin: no turn to write within %ld ms", wait_ms));
	if (run(r->db, "BEGIN IMMEDIATE") != SQLITE_OK)
		fail_db(r, "begin");
	/* A form's one-time key is claimed first thing in the transaction that
	 * makes its record (the write lock orders copies sent at once): a copy
	 * that finds it claimed makes nothing and answers as the first did. */
	if (r->form_key && !r->form_key_stored && r->user) {
		int rc = db_try(r, "INSERT INTO form_keys (user_id, key, path) VALUES (?, ?, ?)", "Itt",
		                r->user->id, r->form_key, r->path);
		if (rc != SQLITE_DONE) {
			char *to = db_form_key_seen(r, r->form_key);
			run(r->db, "ROLLBACK");
			req_redirect(r, to ? to : r->path);
			req_fail(r, 303, "form already sent");
		}
		r->form_key_stored = 1;
		db_exec(r, "DELETE FROM form_keys WHERE user_id = ? AND created_at < unixepoch() - 30 * 86400",
		        "I", r->user->id);
	}
}

static void commit(struct req *r)
{
	if (run(r->db, "COMMIT") != SQLITE_OK)
		fail_db(r, "commit");
	writeq_release();
	/* Grouped: the commit is on disk only now, after the turn has passed,
	 * so the next writer's work overlaps this wait for the disk. */
	int rc = db_sync(r->db);
	if (rc != SQLITE_OK)
		req_fail(r, db_error_status(rc), arena_printf(&r->arena, "commit: sync: %s", sqlite3_errstr(rc)));
}

void db_commit(struct req *r)
{
	if (r->form_key_stored && !sqlite3_get_autocommit(r->db))
		r->commit_held = 1;
	else
		commit(r);
}

void db_finish(struct req *r, const char *location)
{
	if (!take_held(r))
		return;
	if (location)
		db_exec(r, "UPDATE form_keys SET location = ? WHERE user_id = ? AND key = ?", "tIt", location,
		        r->user->id, r->form_key);
	commit(r);
}

int db_read_begin(struct req *r)
{
	if (!sqlite3_get_autocommit(r->db))
		return 0;
	if (run(r->db, "BEGIN") != SQLITE_OK)
		fail_db(r, "begin");
	return 1;
}

void db_read_end(struct req *r, int began)
{
	if (began && run(r->db, "COMMIT") != SQLITE_OK)
		fail_db(r, "commit");
}

void db_request_done(sqlite3 *db)
{
	if (!db)
		return;
	if (reading == db)
		reading = NULL;
	if (!sqlite3_get_autocommit(db))
		run(db, "ROLLBACK");
	writeq_release();
	for (sqlite3_stmt *st = sqlite3_next_stmt(db, NULL); st;
	     st = sqlite3_next_stmt(db, st))
		if (sqlite3_stmt_busy(st))
			sqlite3_reset(st);
}

char *db_setting(struct req *r, const char *key)
{
	return db_text(r, "SELECT value FROM settings WHERE key = ?", "t", key);
}

char *db_like(struct req *r, const char *q)
{
	if (!q || !*q)
		return NULL;
	char *out = arena_alloc(&r->arena, strlen(q) * 2 + 3), *d = out;
	*d++ = '%';
	for (; *q; q++) {
		if (*q == '%' || *q == '_' || *q == '\\')
			*d++ = '\\';
		*d++ = *q;
	}
	*d++ = '%';
	*d = '\0';
	return out;
}
