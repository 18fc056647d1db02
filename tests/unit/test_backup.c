/* test_backup.c — backup and restore of a database file. */
#include "unit.h"
#include "backup.h"
#include "db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[64];

static void tmp_setup(void)
{
	snprintf(dir, sizeof dir, "/tmp/ilnet-ut-backup-XXXXXX");
	ck_assert(mkdtemp(dir) != NULL);
}

static void tmp_teardown(void)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static const char *migrations(void)
{
	const char *d = getenv("ILNET_MIGRATIONS");
	return d ? d : "db/migrations";
}

/* A migrated database at path with one marked setting. */
static void make_db(const char *path, const char *mark)
{
	sqlite3 *db;
	char err[256], sql[256];
	ck_assert_int_eq(db_open(path, &db, err, sizeof err), SQLITE_OK);
	ck_assert_msg(db_migrate(db, migrations(), err, sizeof err) == 0, "%s", err);
	snprintf(sql, sizeof sql, "INSERT OR REPLACE INTO settings(key, value) VALUES ('mark', '%s')", mark);
	ck_assert_int_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	db_close(db);
}

static char *mark_of(const char *path)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	char *out = NULL;
	ck_assert_int_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	if (sqlite3_prepare_v2(db, "SELECT value FROM settings WHERE key = 'mark'", -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			out = strdup((const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
	return out;
}

static int latest(void)
{
	int n = db_latest_migration(migrations());
	ck_assert_int_gt(n, 0);
	return n;
}

START_TEST(backup_then_restore)
{
	char live[128], copy[128], err[512], p[160];
	snprintf(live, sizeof live, "%s/ilnet.db", dir);
	snprintf(copy, sizeof copy, "%s/backup.db", dir);
	make_db(live, "before");
	ck_assert_msg(backup_db(live, copy, err, sizeof err) == 0, "%s", err);
	struct stat sb;
	ck_assert_int_eq(stat(copy, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 0777, 0600);
	snprintf(p, sizeof p, "%s.tmp", copy);
	ck_assert_int_ne(access(p, F_OK), 0);
	snprintf(p, sizeof p, "%s-wal", copy);
	ck_assert_int_ne(access(p, F_OK), 0);          /* one self-contained file */
	ck_assert_int_eq(backup_check(copy, latest(), err, sizeof err), 0);

	/* The live database moves on, leaving a WAL behind; restore brings
	 * back the copy, and the old WAL is not replayed onto it. */
	make_db(live, "after");
	sqlite3 *hold;
	ck_assert_int_eq(db_open(live, &hold, err, sizeof err), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(hold, "PRAGMA wal_autocheckpoint=0;"
	                              "UPDATE settings SET value = 'in the wal' WHERE key = 'mark'",
	                              NULL, NULL, NULL), SQLITE_OK);
	snprintf(p, sizeof p, "%s-wal", live);
	ck_assert_int_eq(access(p, F_OK), 0);
	char *m = mark_of(live);
	ck_assert_str_eq(m, "in the wal");
	free(m);
	/* Leave the WAL on disk as a crash would (no checkpoint at close). */
	sqlite3_db_config(hold, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
	db_close(hold);
	ck_assert_msg(restore_db(copy, live, latest(), err, sizeof err) == 0, "%s", err);
	ck_assert_int_ne(access(p, F_OK), 0);
	m = mark_of(live);
	ck_assert_str_eq(m, "before");
	free(m);
}
END_TEST

START_TEST(restore_refuses_what_is_not_ours)
{
	char live[128], bad[128], err[512];
	snprintf(live, sizeof live, "%s/ilnet.db", dir);
	make_db(live, "live");
	/* Not a database at all. */
	snprintf(bad, sizeof bad, "%s/notes.txt", dir);
	FILE *f = fopen(bad, "w");
	fputs("these are not the pages you are looking for\n", f);
	fclose(f);
	ck_assert_int_eq(restore_db(bad, live, latest(), err, sizeof err), -1);
	ck_assert_msg(strstr(err, "not") != NULL, "%s", err);
	/* Missing. */
	snprintf(bad, sizeof bad, "%s/missing.db", dir);
	ck_assert_int_eq(restore_db(bad, live, latest(), err, sizeof err), -1);
	ck_assert(strstr(err, "no such file") != NULL);
	/* A SQLite database of something else. */
	snprintf(bad, sizeof bad, "%s/other.db", dir);
	sqlite3 *db;
	ck_assert_int_eq(sqlite3_open(bad, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "CREATE TABLE t(x); PRAGMA user_version=3", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	ck_assert_int_eq(restore_db(bad, live, latest(), err, sizeof err), -1);
	ck_assert_msg(strstr(err, "not an ilnet database") != NULL, "%s", err);
	/* An ilnet database from a newer build. */
	snprintf(bad, sizeof bad, "%s/newer.db", dir);
	make_db(bad, "newer");
	ck_assert_int_eq(sqlite3_open(bad, &db), SQLITE_OK);
	char sql[64];
	snprintf(sql, sizeof sql, "PRAGMA user_version=%d", latest() + 1);
	ck_assert_int_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	ck_assert_int_eq(restore_db(bad, live, latest(), err, sizeof err), -1);
	ck_assert_msg(strstr(err, "newer than this build") != NULL, "%s", err);
	/* A damaged copy fails the integrity check. */
	snprintf(bad, sizeof bad, "%s/damaged.db", dir);
	ck_assert_int_eq(backup_db(live, bad, err, sizeof err), 0);
	f = fopen(bad, "r+b");
	fseek(f, 0, SEEK_END);
	long size = ftell(f);
	for (long off = 4096 + 100; off < size; off += 4096) {
		fseek(f, off, SEEK_SET);
		fputs("garbage garbage garbage garbage garbage garbage", f);
	}
	fclose(f);
	ck_assert_int_eq(restore_db(bad, live, latest(), err, sizeof err), -1);
	/* Nothing was touched. */
	char *m = mark_of(live);
	ck_assert_str_eq(m, "live");
	free(m);
}
END_TEST

Suite *backup_suite(void)
{
	Suite *s = suite_create("backup");
	TCase *t = tcase_create("files");
	tcase_add_checked_fixture(t, tmp_setup, tmp_teardown);
	tcase_add_test(t, backup_then_restore);
	tcase_add_test(t, restore_refuses_what_is_not_ours);
	suite_add_tcase(s, t);
	return s;
}
