/* main.c — the unit test runner. */
#include "unit.h"
#include "db.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct req *test_req_new(void)
{
	sqlite3 *db;
	char err[256];
	ck_assert_int_eq(db_open(":memory:", &db, err, sizeof err), SQLITE_OK);
	const char *dir = getenv("ILNET_MIGRATIONS");
	ck_assert_msg(db_migrate(db, dir ? dir : "db/migrations", err, sizeof err) == 0, "%s", err);
	struct req *r = calloc(1, sizeof *r);
	req_init(r, db);
	r->remote_addr = "127.0.0.1";
	r->method = "GET";
	r->path = "/";
	return r;
}

void test_req_free(struct req *r)
{
	db_close(r->db);
	arena_free(&r->arena);
	buf_free(&r->body);
	free(r);
}

int test_run(struct req *r, void (*fn)(struct req *))
{
	jmp_buf jb;
	r->fail_jmp = &jb;
	r->status = 0;
	if (setjmp(jb)) {
		r->fail_jmp = NULL;
		db_request_done(r->db);
		return r->status;
	}
	fn(r);
	r->fail_jmp = NULL;
	return 0;
}

static long long render_id;
static mail_render_fn render_with;
static struct mail_parts *render_out;
static int render_rc;

static void render_row(struct req *r)
{
	sqlite3_stmt *st = db_q(r, "SELECT render, render_ref, render_seq, to_addr, body FROM outbox WHERE id = ?", "I",
	                        render_id);
	ck_assert(db_step(r, st));
	char *kind = db_col_text(r, st, 0), *to = db_col_text(r, st, 3), *lead = db_col_text(r, st, 4);
	long long ref = db_col_int(st, 1), seq = db_col_int(st, 2);
	sqlite3_reset(st);
	memset(render_out, 0, sizeof *render_out);
	render_rc = render_with(r, kind, ref, seq, to, lead, render_out);
}

int test_render(struct req *r, long long id, mail_render_fn render, struct mail_parts *out)
{
	render_id = id;
	render_with = render;
	render_out = out;
	ck_assert_int_eq(test_run(r, render_row), 0);
	return render_rc;
}

long test_scan_steps(struct req *r, int reset)
{
	long n = 0;
	for (sqlite3_stmt *st = sqlite3_next_stmt(r->db, NULL); st; st = sqlite3_next_stmt(r->db, st))
		n += sqlite3_stmt_status(st, SQLITE_STMTSTATUS_FULLSCAN_STEP, reset);
	return n;
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	Suite *(*suites[])(void) = {
		arena_suite, decode_suite, html_suite, route_suite, csv_suite,
		region_suite, policy_suite, db_suite, auth_suite, survey_suite, money_suite, grant_suite,
		steward_suite,
		writeq_suite,
		supervise_suite, backup_suite, seats_suite,
		ical_suite, summary_suite, geo_suite, season_suite, convening_suite, cohorts_suite,
		boundary_suite, zip_suite,
	};
	SRunner *sr = srunner_create(NULL);
	for (size_t i = 0; i < sizeof suites / sizeof suites[0]; i++)
		srunner_add_suite(sr, suites[i]());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
