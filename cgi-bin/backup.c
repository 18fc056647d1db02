/* backup.c — online backup and restore (see include/backup.h). */
#include "backup.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHUNK_PAGES   256   /* 1 MiB of 4 KiB pages per step */
#define PAUSE_MS      5     /* between steps: writers get the database */
#define MAX_RESTARTS  3     /* then copy the rest in one snapshot */
#define MAX_BUSY      2000  /* busy steps in a row (about 10 s) before giving up */

/* Copy main of src into main of dst.  0 or -1 with err. */
static int copy_pages(sqlite3 *src, sqlite3 *dst, char *err, size_t errlen)
{
	sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
	if (!b) {
		snprintf(err, errlen, "backup: %s", sqlite3_errmsg(dst));
		return -1;
	}
	int pages = CHUNK_PAGES, restarts = 0, busy = 0, rc;
	int last_left = -1;
	for (;;) {
		rc = sqlite3_backup_step(b, pages);
		if (rc == SQLITE_DONE)
			break;
		if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
			if (++busy > MAX_BUSY)
				break;
		} else if (rc != SQLITE_OK) {
			break;
		} else {
			busy = 0;
			/* More left than before: a writer changed the source and
			 * the copy started over. */
			int left = sqlite3_backup_remaining(b);
			if (last_left >= 0 && left > last_left && ++restarts >= MAX_RESTARTS)
				pages = -1;
			last_left = left;
		}
		sqlite3_sleep(PAUSE_MS);
	}
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		snprintf(err, errlen, "backup: %s", rc == SQLITE_BUSY || rc == SQLITE_LOCKED ?
		         "the database stayed busy" : sqlite3_errstr(rc));
		return -1;
	}
	return 0;
}

/* fsync the file at path, or its folder (dir != 0).  0 or -1. */
static int sync_path(const char *path, int dir)
{
	int fd = open(path, (dir ? O_RDONLY | O_DIRECTORY : O_RDWR) | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	close(fd);
	return rc;
}

static int sync_parent(const char *path)
{
	char *copy = strdup(path);
	if (!copy)
		return -1;
	int rc = sync_path(dirname(copy), 1);
	free(copy);
	return rc;
}

static void unlink_with_journals(const char *path)
{
	const char *suffix[] = { "", "-journal", "-wal", "-shm" };
	char p[4200];
	for (size_t i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
		snprintf(p, sizeof p, "%s%s", path, suffix[i]);
		unlink(p);
	}
}

/* Copy src (an open connection) into file through file.tmp: journal mode
 * DELETE (one self-contained file), mode 0600, fsync'ed, renamed,
 * folder fsync'ed.  Just before the rename, before_rename(file) runs
 * when given (restore removes the old -wal and -shm there).  0 or -1. */
static int copy_to(sqlite3 *src, const char *file, void (*before_rename)(const char *),
                   char *err, size_t errlen)
{
	char tmp[4200];
	if (snprintf(tmp, sizeof tmp, "%s.tmp", file) >= (int)sizeof tmp) {
		snprintf(err, errlen, "%s: path too long", file);
		return -1;
	}
	unlink_with_journals(tmp);
	sqlite3 *dst = NULL;
	mode_t old = umask(077);    /* it holds password hashes and contacts */
	int rc = sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	umask(old);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", tmp, dst ? sqlite3_errmsg(dst) : "out of memory");
		sqlite3_close(dst);
		unlink_with_journals(tmp);
		return -1;
	}
	if (copy_pages(src, dst, err, errlen) != 0 ||
	    sqlite3_exec(dst, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL) != SQLITE_OK) {
		if (!*err)
			snprintf(err, errlen, "%s: %s", tmp, sqlite3_errmsg(dst));
		sqlite3_close(dst);
		unlink_with_journals(tmp);
		return -1;
	}
	if (sqlite3_close(dst) != SQLITE_OK || sync_path(tmp, 0) != 0) {
		snprintf(err, errlen, "%s: cannot close or sync: %s", tmp, strerror(errno));
		unlink_with_journals(tmp);
		return -1;
	}
	if (before_rename)
		before_rename(file);
	if (rename(tmp, file) != 0) {
		snprintf(err, errlen, "cannot rename %s to %s: %s", tmp, file, strerror(errno));
		unlink_with_journals(tmp);
		return -1;
	}
	if (sync_parent(file) != 0) {
		snprintf(err, errlen, "cannot sync the folder of %s: %s", file, strerror(errno));
		return -1;
	}
	return 0;
}

int backup_db(const char *db_path, const char *file, char *err, size_t errlen)
{
	*err = '\0';
	sqlite3 *src = NULL;
	if (sqlite3_open_v2(db_path, &src, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", db_path, src ? sqlite3_errmsg(src) : "out of memory");
		sqlite3_close(src);
		return -1;
	}
	sqlite3_busy_timeout(src, 5000);
	int rc = copy_to(src, file, NULL, err, errlen);
	sqlite3_close(src);
	return rc;
}

/* First column of the first row of sql as an int, or dflt. */
static int query_int(sqlite3 *db, const char *sql, int dflt)
{
	sqlite3_stmt *st;
	int v = dflt;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return dflt;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* Open file read-only and check it (see backup_check).  The connection,
 * or NULL with err. */
static sqlite3 *open_checked(const char *file, int latest, char *err, size_t errlen)
{
	sqlite3 *db = NULL;
	struct stat sb;
	if (stat(file, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		snprintf(err, errlen, "%s: no such file", file);
		return NULL;
	}
	if (sqlite3_open_v2(file, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", file, db ? sqlite3_errmsg(db) : "out of memory");
		sqlite3_close(db);
		return NULL;
	}
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "%s is not a readable SQLite database: %s", file, sqlite3_errmsg(db));
		sqlite3_close(db);
		return NULL;
	}
	rc = sqlite3_step(st);
	const char *res = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL;
	if (!res || strcmp(res, "ok")) {
		snprintf(err, errlen, "%s failed the integrity check: %s", file,
		         res ? res : sqlite3_errmsg(db));
		sqlite3_finalize(st);
		sqlite3_close(db);
		return NULL;
	}
	sqlite3_finalize(st);
	int version = query_int(db, "PRAGMA user_version", 0);
	int tables = query_int(db, "SELECT count(*) FROM sqlite_schema WHERE type = 'table'"
	                       " AND name IN ('settings', 'users', 'schools', 'sessions')", 0);
	if (version < 1 || tables != 4) {
		snprintf(err, errlen, "%s is not an ilnet database", file);
		sqlite3_close(db);
		return NULL;
	}
	if (version > latest) {
		snprintf(err, errlen, "%s has schema version %d, newer than this build's migrations"
		         " (%d): restore it with the ilnet that made it", file, version, latest);
		sqlite3_close(db);
		return NULL;
	}
	return db;
}

int backup_check(const char *file, int latest, char *err, size_t errlen)
{
	sqlite3 *db = open_checked(file, latest, err, errlen);
	if (!db)
		return -1;
	sqlite3_close(db);
	return 0;
}

/* The old database's WAL must never be replayed onto the restored file. */
static void drop_wal(const char *db_path)
{
	char p[4200];
	snprintf(p, sizeof p, "%s-wal", db_path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", db_path);
	unlink(p);
	snprintf(p, sizeof p, "%s-journal", db_path);
	unlink(p);
}

int restore_db(const char *file, const char *db_path, int latest, char *err, size_t errlen)
{
	*err = '\0';
	sqlite3 *src = open_checked(file, latest, err, errlen);
	if (!src)
		return -1;
	struct stat old;
	int had = stat(db_path, &old) == 0;
	int rc = copy_to(src, db_path, drop_wal, err, errlen);
	sqlite3_close(src);
	/* The restored file belongs to whoever owned the one it replaces
	 * (restore run as root must not lock the service's user out). */
	if (rc == 0 && had) {
		if (chown(db_path, old.st_uid, old.st_gid) != 0 ||
		    chmod(db_path, old.st_mode & 07777) != 0)
			fprintf(stderr, "ilnet: warning: could not give %s its old owner and mode: %s\n",
			        db_path, strerror(errno));
	}
	return rc;
}
