/* demo.c — demo region and accounts (see include/demo.h). */
#include "demo.h"
#include "auth.h"
#include "db.h"
#include "mail.h"
#include "req.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static const struct {
	const char *email, *name, *role;
} demo_users[] = {
	{ "admin@example.org", "Morgan Lee", "admin" },
	{ "staff@example.org", "Jordan Rivera", "staff" },
	{ "coach@example.org", "Sam Whitehorse", "intermediary" },
	{ "leader@example.org", "Pat Olson", "leader" },
	{ "steward@example.org", "Dana Two Bulls", "steward" },
};

static int seed(struct req *r, const char *password)
{
	const char *problem = auth_password_problem(password);
	if (problem) {
		fprintf(stderr, "ilnet demo: ILNET_DEMO_PASSWORD: %s\n", problem);
		return 1;
	}
	char hash[AUTH_HASH_MAX];
	int hashed = 0;
	db_begin(r);
	for (size_t i = 0; i < sizeof demo_users / sizeof demo_users[0]; i++) {
		if (db_int(r, 0, "SELECT id FROM users WHERE email = ?", "t", demo_users[i].email))
			continue;
		if (!hashed) {
			if (auth_hash_password(password, hash) != 0) {
				fprintf(stderr, "ilnet demo: could not hash the password\n");
				return 1;
			}
			hashed = 1;
		}
		const char *role = demo_users[i].role;
		/* The coach works for the first organization; the steward for the
		 * nation with the most schools in the demo region. */
		long long org = !strcmp(role, "intermediary") ?
		    db_int(r, 0, "SELECT min(id) FROM organizations", "") : 0;
		long long nation = !strcmp(role, "steward") ?
		    db_int(r, 0, "SELECT nation_id FROM schools WHERE nation_id IS NOT NULL"
		                 " GROUP BY nation_id ORDER BY count(*) DESC, nation_id LIMIT 1", "") : 0;
		db_exec(r, "INSERT INTO users (email, name, role, pw_hash, org_id, nation_id,"
		           " pw_changed_at) VALUES (?, ?, ?, ?, nullif(?, 0), nullif(?, 0), unixepoch())",
		        "ttttII", demo_users[i].email, demo_users[i].name, role, hash, org, nation);
		long long uid = db_last_id(r);
		if (!strcmp(role, "leader"))
			/* Three small rural schools in one Minnesota town or nearby. */
			db_exec(r, "INSERT INTO user_schools (user_id, school_id)"
			           " SELECT ?, id FROM schools WHERE state_code = 'MN'"
			           " AND type = 'small_rural' AND nation_id IS NULL"
			           " ORDER BY city, id LIMIT 3", "I", uid);
	}
	/* The 2018 baseline (closed) and this year's scan (open). */
	long long inst = db_int(r, 0, "SELECT id FROM instruments WHERE version = 'regional-scan-v1'", "");
	if (inst) {
		time_t now = time(NULL);
		struct tm tm;
		gmtime_r(&now, &tm);
		db_exec(r, "INSERT OR IGNORE INTO scan_cycles (year, instrument_id, status, opened_at, closed_at)"
		           " VALUES (2018, ?, 'closed', 1520000000, 1530000000)", "I", inst);
		db_exec(r, "INSERT OR IGNORE INTO scan_cycles (year, instrument_id, status, opened_at)"
		           " VALUES (?, ?, 'open', unixepoch())", "iI", tm.tm_year + 1900, inst);
	}
	db_commit(r);
	return 0;
}

int demo_seed(sqlite3 *db, const char *region_sql, const char *password)
{
	char err[512];
	sqlite3_stmt *st;
	int have = 0;
	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM schools", -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			have = sqlite3_column_int(st, 0);
		sqlite3_finalize(st);
	}
	if (!have && db_exec_file(db, region_sql, err, sizeof err) != 0) {
		fprintf(stderr, "ilnet demo: %s\n", err);
		return 1;
	}
	struct req r;
	req_init(&r, db);
	jmp_buf jb;
	r.fail_jmp = &jb;
	int rc;
	if (setjmp(jb)) {
		fprintf(stderr, "ilnet demo: %s\n", r.fail_msg);
		rc = 1;
	} else {
		rc = seed(&r, password);
	}
	db_request_done(db);
	arena_free(&r.arena);
	buf_free(&r.body);
	return rc;
}

/* Create an administrator who sets a password through a one-time link,
 * printed on standard output (and mailed when ILNET_SMTP_URL is set and
 * the sender runs).  For a new deployment's first account. */
static const char *g_email, *g_name;
static const char *g_link;

static void add_admin(struct req *r)
{
	db_begin(r);
	if (db_int(r, 0, "SELECT id FROM users WHERE email = ?", "t", g_email))
		req_fail(r, 409, "someone with this email address is already in ilnet");
	db_exec(r, "INSERT INTO users (email, name, role) VALUES (?, ?, 'admin')", "tt",
	        g_email, g_name);
	long long uid = db_last_id(r);
	const char *tok = auth_token_issue(r, uid, "invite", 7 * 24 * 3600, 0);
	g_link = arena_printf(&r->arena, "%s/invite?t=%s", mail_base_url(), tok);
	mail_queue(r, g_email, "You are invited to ilnet",
	           arena_printf(&r->arena, "Hello %s,\n\nChoose your ilnet password here (the link"
	                        " works for seven days):\n%s\n", g_name, g_link));
	db_exec(r, "INSERT INTO audit (action, detail) VALUES ('admin-created', ?)", "t", g_email);
	db_commit(r);
}

int demo_add_admin(sqlite3 *db, const char *email, const char *name)
{
	if (!mail_address_ok(email) || !name || !*name || strlen(name) > 120) {
		fprintf(stderr, "ilnet: usage: ilnet add-admin EMAIL \"FULL NAME\"\n");
		return 2;
	}
	struct req r;
	req_init(&r, db);
	jmp_buf jb;
	r.fail_jmp = &jb;
	g_email = email;
	g_name = name;
	int rc = 0;
	if (setjmp(jb)) {
		fprintf(stderr, "ilnet add-admin: %s\n", r.fail_msg);
		rc = 1;
	} else {
		add_admin(&r);
		printf("Administrator %s added. They choose a password here:\n%s\n", email, g_link);
	}
	db_request_done(db);
	arena_free(&r.arena);
	buf_free(&r.body);
	return rc;
}
