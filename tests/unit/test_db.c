/* test_db.c — migrations, bindings, the fail path and rollback. */
#include "unit.h"
#include "db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void bindings(struct req *r)
{
	db_exec(r, "CREATE TABLE t (i INTEGER, big INTEGER, d REAL, s TEXT, b BLOB, n)", "");
	db_exec(r, "INSERT INTO t VALUES (?, ?, ?, ?, ?, ?)", "iIdtbn", 7, 9007199254740993LL, 2.5,
	        "O'Brien; DROP TABLE t", "\x01\x00\x02", 3);
	ck_assert_int_eq(db_int(r, 0, "SELECT i FROM t", ""), 7);
	ck_assert_int_eq(db_int(r, 0, "SELECT big FROM t", ""), 9007199254740993LL);
	ck_assert_str_eq(db_text(r, "SELECT s FROM t", ""), "O'Brien; DROP TABLE t");
	ck_assert_int_eq(db_int(r, 0, "SELECT length(b) FROM t", ""), 3);
	ck_assert_int_eq(db_int(r, -1, "SELECT n FROM t", ""), -1);
	ck_assert_ptr_null(db_text(r, "SELECT s FROM t WHERE i = ?", "i", 8));
	/* The same statement again, with other values: cached, rebound. */
	for (int k = 0; k < 3; k++)
		ck_assert_int_eq(db_int(r, 0, "SELECT ? + 1", "i", k), k + 1);
}

START_TEST(binding_types)
{
	struct req *r = test_req_new();
	ck_assert_int_eq(test_run(r, bindings), 0);
	test_req_free(r);
}
END_TEST

static void wrong_count(struct req *r)
{
	db_exec(r, "SELECT ?, ?", "i", 1);
}

static void bad_sql(struct req *r)
{
	db_exec(r, "SELECT * FROM no_such_table", "");
}

static void half_written(struct req *r)
{
	db_begin(r);
	db_exec(r, "INSERT INTO organizations (name) VALUES ('kept?')", "");
	db_exec(r, "INSERT INTO organizations (name) VALUES (NULL)", "");   /* NOT NULL: fails */
	db_commit(r);
}

START_TEST(failures_take_the_fail_path_and_roll_back)
{
	struct req *r = test_req_new();
	ck_assert_int_eq(test_run(r, wrong_count), 500);
	ck_assert(strstr(r->fail_msg, "binding count"));
	ck_assert_int_eq(test_run(r, bad_sql), 500);
	ck_assert_int_eq(test_run(r, half_written), 500);
	ck_assert(sqlite3_get_autocommit(r->db));
	sqlite3_stmt *st;
	sqlite3_prepare_v2(r->db, "SELECT count(*) FROM organizations", -1, &st, NULL);
	sqlite3_step(st);
	ck_assert_int_eq(sqlite3_column_int(st, 0), 0);       /* nothing stored half-way */
	sqlite3_finalize(st);
	test_req_free(r);
}
END_TEST

static void constraint(struct req *r)
{
	db_exec(r, "INSERT INTO organizations (name) VALUES ('One')", "");
	ck_assert_int_eq(db_try(r, "INSERT INTO organizations (name) VALUES (?)", "t", "One") & 0xff,
	                 SQLITE_CONSTRAINT);
	ck_assert_int_eq(db_try(r, "INSERT INTO organizations (name) VALUES (?)", "t", "Two"), SQLITE_DONE);
}

START_TEST(expected_constraint_errors)
{
	struct req *r = test_req_new();
	ck_assert_int_eq(test_run(r, constraint), 0);
	test_req_free(r);
}
END_TEST

START_TEST(migrations_are_idempotent)
{
	struct req *r = test_req_new();
	char err[256];
	const char *dir = getenv("ILNET_MIGRATIONS");
	ck_assert_int_eq(db_migrate(r->db, dir ? dir : "db/migrations", err, sizeof err), 0);
	sqlite3_stmt *st;
	sqlite3_prepare_v2(r->db, "PRAGMA user_version", -1, &st, NULL);
	sqlite3_step(st);
	ck_assert_int_ge(sqlite3_column_int(st, 0), 1);
	sqlite3_finalize(st);
	sqlite3_prepare_v2(r->db, "PRAGMA foreign_keys", -1, &st, NULL);
	sqlite3_step(st);
	ck_assert_int_eq(sqlite3_column_int(st, 0), 1);
	sqlite3_finalize(st);
	ck_assert_int_eq(db_migrate(r->db, "/nonexistent", err, sizeof err), -1);
	test_req_free(r);
}
END_TEST

START_TEST(natural_order)
{
	static const char *const in_order[] = { "", "2018 respondent 2", "2018 respondent 10", "2018 respondent 100",
	                                        "a", "B", "b", "respondent 02", "respondent 2", "respondent 3",
	                                        "respondent 10", "respondent 10a", "respondent 10b", NULL };
	for (int i = 0; in_order[i]; i++)
		for (int j = 0; in_order[j]; j++) {
			int c = db_natural_cmp(in_order[i], (int)strlen(in_order[i]), in_order[j], (int)strlen(in_order[j]));
			ck_assert_msg(i < j ? c < 0 : i > j ? c > 0 : c == 0, "%s vs %s: %d", in_order[i], in_order[j], c);
		}
	/* And in SQL, on every connection. */
	char err[256];
	sqlite3 *db;
	ck_assert_int_eq(db_open(":memory:", &db, err, sizeof err), SQLITE_OK);
	sqlite3_stmt *st;
	ck_assert_msg(sqlite3_prepare_v2(db, "SELECT group_concat(v, ',') FROM (SELECT v FROM (SELECT 'r 10' AS v"
	                                        " UNION ALL SELECT 'r 9' UNION ALL SELECT 'r 1') ORDER BY v COLLATE natural_sort)",
	                                    -1, &st, NULL) == SQLITE_OK, "%s", sqlite3_errmsg(db));
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	ck_assert_str_eq((const char *)sqlite3_column_text(st, 0), "r 1,r 9,r 10");
	sqlite3_finalize(st);
	db_close(db);
}
END_TEST

/* ---- group commit ---------------------------------------------------------
 * A shim over the default VFS that counts the syncs of WAL files and asks,
 * at each, whether another connection could take the write lock then. */
static sqlite3_vfs shim_vfs, *real_vfs;
static sqlite3_io_methods wal_methods;
static const sqlite3_io_methods *real_wal_methods;
static sqlite3 *probe;
static int wal_syncs, wal_syncs_unlocked, fail_syncs;

static int shim_sync(sqlite3_file *f, int flags)
{
	if (fail_syncs)
		return SQLITE_IOERR_FSYNC;
	wal_syncs++;
	if (probe && sqlite3_exec(probe, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK) {
		wal_syncs_unlocked++;
		sqlite3_exec(probe, "ROLLBACK", NULL, NULL, NULL);
	}
	return real_wal_methods->xSync(f, flags);
}

static int shim_open(sqlite3_vfs *v, const char *name, sqlite3_file *f, int flags, int *out)
{
	(void)v;
	int rc = real_vfs->xOpen(real_vfs, name, f, flags, out);
	if (rc == SQLITE_OK && (flags & SQLITE_OPEN_WAL) && f->pMethods) {
		real_wal_methods = f->pMethods;
		wal_methods = *f->pMethods;
		wal_methods.xSync = shim_sync;
		f->pMethods = &wal_methods;
	}
	return rc;
}

static void insert_in_turn(struct req *r)
{
	db_begin(r);
	db_exec(r, "INSERT INTO t VALUES ('in turn')", "");
	db_commit(r);
}

START_TEST(group_commit_syncs_once_the_lock_is_free)
{
	char dir[] = "/tmp/ilnet-ut-group-XXXXXX", path[64], err[256];
	ck_assert(mkdtemp(dir) != NULL);
	snprintf(path, sizeof path, "%s/g.db", dir);
	real_vfs = sqlite3_vfs_find(NULL);
	shim_vfs = *real_vfs;
	shim_vfs.zName = "ilnet-count-syncs";
	shim_vfs.xOpen = shim_open;
	ck_assert_int_eq(sqlite3_vfs_register(&shim_vfs, 1), SQLITE_OK);

	sqlite3 *db;
	ck_assert_int_eq(db_open(path, &db, err, sizeof err), SQLITE_OK);
	ck_assert_int_eq(db_group_commit(db), SQLITE_OK);
	struct req *r = calloc(1, sizeof *r);
	req_init(r, db);
	db_exec(r, "CREATE TABLE t (x TEXT)", "");
	ck_assert_int_eq(db_sync(db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_open_v2(path, &probe, SQLITE_OPEN_READWRITE, real_vfs->zName), SQLITE_OK);
	wal_syncs = wal_syncs_unlocked = 0;

	/* A transaction: synced once, by db_commit, when others can write. */
	ck_assert_int_eq(test_run(r, insert_in_turn), 0);
	ck_assert_int_eq(wal_syncs, 1);
	ck_assert_int_eq(wal_syncs_unlocked, 1);
	ck_assert_int_eq(db_sync(db), SQLITE_OK);           /* nothing owed now */
	ck_assert_int_eq(wal_syncs, 1);

	/* Bookkeeping owes nothing; any other write is owed until db_sync. */
	db_relaxed(r, 1);
	db_exec(r, "INSERT INTO t VALUES ('relaxed')", "");
	db_relaxed(r, 0);
	ck_assert_int_eq(db_sync(db), SQLITE_OK);
	ck_assert_int_eq(wal_syncs, 1);
	db_exec(r, "INSERT INTO t VALUES ('outside a transaction')", "");
	ck_assert_int_eq(wal_syncs, 1);
	ck_assert_int_eq(db_sync(db), SQLITE_OK);
	ck_assert_int_eq(wal_syncs, 2);

	/* A read owes nothing. */
	ck_assert_int_eq(db_int(r, 0, "SELECT count(*) FROM t", ""), 3);
	ck_assert_int_eq(db_sync(db), SQLITE_OK);
	ck_assert_int_eq(wal_syncs, 2);

	/* After another connection emptied the WAL, the sync still reaches
	 * the file the commit went to.  (SQLite syncs the new WAL's header
	 * itself when it starts the log over, inside the lock.) */
	ck_assert_int_eq(sqlite3_exec(probe, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL), SQLITE_OK);
	int unlocked = wal_syncs_unlocked;
	ck_assert_int_eq(test_run(r, insert_in_turn), 0);
	ck_assert_int_eq(wal_syncs_unlocked, unlocked + 1);

	/* A sync that fails fails the request (503), and every sync after it:
	 * the disk may have dropped what it was given. */
	fail_syncs = 1;
	ck_assert_int_eq(test_run(r, insert_in_turn), 503);
	fail_syncs = 0;
	ck_assert(db_sync_failed());
	db_exec(r, "INSERT INTO t VALUES ('after the failure')", "");
	ck_assert_int_ne(db_sync(db), SQLITE_OK);

	/* Not grouped (a tool, the mailer): SQLite syncs inside COMMIT, while
	 * the lock is held, and db_sync has nothing to do. */
	sqlite3 *plain;
	ck_assert_int_eq(db_open(path, &plain, err, sizeof err), SQLITE_OK);
	struct req *p = calloc(1, sizeof *p);
	req_init(p, plain);
	unlocked = wal_syncs_unlocked;
	int before = wal_syncs;
	ck_assert_int_eq(test_run(p, insert_in_turn), 0);
	ck_assert_int_eq(wal_syncs, before + 1);
	ck_assert_int_eq(wal_syncs_unlocked, unlocked);
	ck_assert_int_eq(db_int(p, 0, "SELECT count(*) FROM t", ""), 7);

	db_close(plain);
	arena_free(&p->arena);
	buf_free(&p->body);
	free(p);
	sqlite3_close(probe);
	probe = NULL;
	db_close(db);
	arena_free(&r->arena);
	buf_free(&r->body);
	free(r);
	sqlite3_vfs_unregister(&shim_vfs);
	char cmd[96];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

/* A form that creates a record: its transaction stays open after
 * db_commit until db_finish records where the record is, or a failure in
 * between takes all of it back. */
static void create_and_answer(struct req *r)
{
	db_begin(r);
	db_exec(r, "INSERT INTO organizations (name) VALUES ('made once')", "");
	db_commit(r);
	ck_assert(!sqlite3_get_autocommit(r->db));          /* held */
	db_begin(r);                                         /* goes on in it */
	db_exec(r, "INSERT INTO organizations (name) VALUES ('made with it')", "");
	db_commit(r);
	req_redirect(r, "/admin/orgs?msg=made");
	db_finish(r, "/admin/orgs?msg=made");
	ck_assert(sqlite3_get_autocommit(r->db));
}

static void create_then_fail(struct req *r)
{
	db_begin(r);
	db_exec(r, "INSERT INTO organizations (name) VALUES ('never')", "");
	db_commit(r);
	req_fail(r, 500, "the page after it failed");
}

START_TEST(a_created_record_and_its_key_commit_together)
{
	struct req *r = test_req_new();
	db_exec(r, "INSERT INTO users (id, email, name, role) VALUES (1, 'a@example.org', 'A', 'admin')", "");
	struct user u = { .id = 1, .email = "a@example.org", .name = "A", .role = ROLE_ADMIN };
	r->user = &u;
	r->path = "/admin/orgs";
	r->form_key = "0123456789abcdef0123456789abcdef";
	ck_assert_int_eq(test_run(r, create_and_answer), 0);
	ck_assert_int_eq(db_int(r, 0, "SELECT count(*) FROM organizations WHERE name LIKE 'made%'", ""), 2);
	ck_assert_str_eq(db_form_key_seen(r, r->form_key), "/admin/orgs?msg=made");

	r->form_key = "fedcba9876543210fedcba9876543210";
	r->form_key_stored = 0;
	ck_assert_int_eq(test_run(r, create_then_fail), 500);
	ck_assert(sqlite3_get_autocommit(r->db));
	ck_assert_int_eq(db_int(r, 0, "SELECT count(*) FROM organizations WHERE name = 'never'", ""), 0);
	ck_assert_ptr_null(db_form_key_seen(r, r->form_key));
	r->user = NULL;
	test_req_free(r);
}
END_TEST

/* Write system calls this process has made (the kernel counts them). */
static long writes_made(void)
{
	FILE *f = fopen("/proc/self/io", "r");
	char line[128];
	long n = -1;
	while (f && fgets(line, sizeof line, f))
		if (!strncmp(line, "syscw: ", 7))
			n = atol(line + 7);
	if (f)
		fclose(f);
	return n;
}

static long long blob_sum(sqlite3 *db)
{
	sqlite3_stmt *st;
	ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT count(*) * 1000000000 + sum(length(x)) FROM t", -1, &st, NULL),
	                 SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	long long v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* walvfs: a transaction's WAL frames (two writes each, as SQLite makes
 * them) reach the file in one write, before anyone can read them; a
 * transaction too large to keep goes in pieces; what another connection
 * reads through the plain unix VFS is what was committed. */
START_TEST(wal_frames_are_written_at_once)
{
	char dir[] = "/tmp/ilnet-ut-walvfs-XXXXXX", path[64], err[256];
	ck_assert(mkdtemp(dir) != NULL);
	snprintf(path, sizeof path, "%s/w.db", dir);
	sqlite3 *db, *plain;
	ck_assert_int_eq(db_open(path, &db, err, sizeof err), SQLITE_OK);
	ck_assert_int_eq(db_group_commit(db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "CREATE TABLE t (x BLOB)", NULL, NULL, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_open_v2(path, &plain, SQLITE_OPEN_READONLY, "unix"), SQLITE_OK);

	/* (No assertion in between: Check writes one down its pipe.) */
	long before = writes_made();
	int rc = sqlite3_exec(db, "BEGIN; WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 12)"
	                          " INSERT INTO t SELECT randomblob(3000) FROM n; COMMIT", NULL, NULL, NULL);
	long made = writes_made() - before;
	ck_assert_int_eq(rc, SQLITE_OK);
	ck_assert_int_ge(before, 0);
	ck_assert_msg(made == 1, "a 12-page transaction took %ld writes", made);
	ck_assert_int_eq(blob_sum(plain), 12 * 1000000000LL + 12 * 3000);

	/* 300 pages: more than is kept at once, and still all there. */
	ck_assert_int_eq(sqlite3_exec(db, "BEGIN; WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)"
	                                  " INSERT INTO t SELECT randomblob(3000) FROM n; COMMIT", NULL, NULL, NULL), SQLITE_OK);
	ck_assert_int_eq(blob_sum(plain), 312 * 1000000000LL + 312 * 3000);
	/* A transaction that spilled pages into the WAL and rolled back leaves
	 * nothing kept: another writer's frames then take those places, and
	 * this connection's next read or write must not overwrite them. */
	sqlite3 *other;
	ck_assert_int_eq(sqlite3_open_v2(path, &other, SQLITE_OPEN_READWRITE, "unix"), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "PRAGMA cache_size = 10; BEGIN; WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL"
	                                  " SELECT i + 1 FROM n WHERE i < 30) INSERT INTO t SELECT randomblob(3000) FROM n;"
	                                  " ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(other, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 60)"
	                                     " INSERT INTO t SELECT randomblob(2000) FROM n", NULL, NULL, NULL), SQLITE_OK);
	ck_assert_int_eq(blob_sum(db), 372 * 1000000000LL + 312 * 3000 + 60 * 2000);
	ck_assert_int_eq(sqlite3_exec(db, "INSERT INTO t VALUES (randomblob(10))", NULL, NULL, NULL), SQLITE_OK);
	ck_assert_int_eq(blob_sum(plain), 373 * 1000000000LL + 312 * 3000 + 60 * 2000 + 10);
	sqlite3_close(other);
	sqlite3_stmt *ok;
	ck_assert_int_eq(sqlite3_prepare_v2(plain, "PRAGMA integrity_check", -1, &ok, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(ok), SQLITE_ROW);
	ck_assert_str_eq((const char *)sqlite3_column_text(ok, 0), "ok");
	sqlite3_finalize(ok);

	sqlite3_close(plain);
	db_close(db);
	char cmd[96];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

Suite *db_suite(void)
{
	Suite *s = suite_create("db");
	TCase *t = tcase_create("db");
	tcase_add_test(t, binding_types);
	tcase_add_test(t, failures_take_the_fail_path_and_roll_back);
	tcase_add_test(t, expected_constraint_errors);
	tcase_add_test(t, migrations_are_idempotent);
	tcase_add_test(t, natural_order);
	tcase_add_test(t, group_commit_syncs_once_the_lock_is_free);
	tcase_add_test(t, a_created_record_and_its_key_commit_together);
	tcase_add_test(t, wal_frames_are_written_at_once);
	suite_add_tcase(s, t);
	return s;
}
