/* db.c — SQLite access with cached statements (see include/db.h). */
#include "db.h"
#include "req.h"

#include <dirent.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CACHE_SIZE 1024

/* Prepared statements, per process, keyed by connection and SQL address. */
static struct {
	sqlite3 *db;
	const char *sql;
	sqlite3_stmt *st;
} cache[CACHE_SIZE];

int db_open(const char *path, sqlite3 **out, char *err, size_t errlen)
{
	sqlite3 *db = NULL;
	int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE |
	                         SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	/* The busy timeout first: workers starting together race to
	 * rebuild the WAL index, and the losers would fail at once. */
	if (rc == SQLITE_OK)
		rc = sqlite3_busy_timeout(db, 5000);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db,
		    "PRAGMA journal_mode=WAL;"
		    "PRAGMA foreign_keys=ON;"
		    "PRAGMA synchronous=FULL;"
		    "PRAGMA trusted_schema=OFF;", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", path, db ? sqlite3_errmsg(db) : "out of memory");
		sqlite3_close(db);
		return rc;
	}
	sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	*out = db;
	return SQLITE_OK;
}

void db_close(sqlite3 *db)
{
	if (!db)
		return;
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

/* Run sql in one transaction, setting user_version when version > 0. */
static int apply(sqlite3 *db, const char *sql, int version, const char *what,
                 char *err, size_t errlen)
{
	char *msg = NULL;
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, &msg) != SQLITE_OK ||
	    sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", what, msg ? msg : "failed");
		sqlite3_free(msg);
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
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
		return -1;
	}
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

static void fail_db(struct req *r, const char *what)
{
	const char *m = arena_printf(&r->arena, "%s: %s", what, sqlite3_errmsg(r->db));
	req_fail(r, 500, m);
}

static sqlite3_stmt *prepare(struct req *r, const char *sql)
{
	uintptr_t h = ((uintptr_t)sql >> 3) ^ ((uintptr_t)r->db >> 5);
	for (int k = 0; k < CACHE_SIZE; k++) {
		int i = (int)((h + (uintptr_t)k) % CACHE_SIZE);
		if (cache[i].sql == sql && cache[i].db == r->db)
			return cache[i].st;
		if (!cache[i].sql) {
			sqlite3_stmt *st;
			if (sqlite3_prepare_v3(r->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
			                       &st, NULL) != SQLITE_OK)
				fail_db(r, "prepare");
			cache[i].db = r->db;
			cache[i].sql = sql;
			cache[i].st = st;
			return st;
		}
	}
	req_fail(r, 500, "statement cache full");
}

static sqlite3_stmt *vbind(struct req *r, const char *sql, const char *types, va_list ap)
{
	sqlite3_stmt *st = prepare(r, sql);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	int n = (int)strlen(types);
	if (n != sqlite3_bind_parameter_count(st))
		req_fail(r, 500, arena_printf(&r->arena, "binding count mismatch: %s", sql));
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
		default: req_fail(r, 500, "bad binding type");
		}
		if (rc != SQLITE_OK)
			fail_db(r, "bind");
	}
	return st;
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

void db_begin(struct req *r)
{
	if (sqlite3_exec(r->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		fail_db(r, "begin");
}

void db_commit(struct req *r)
{
	if (sqlite3_exec(r->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		fail_db(r, "commit");
}

void db_request_done(sqlite3 *db)
{
	if (!db)
		return;
	if (!sqlite3_get_autocommit(db))
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
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
