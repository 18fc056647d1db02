/* test_disk.c — ilnet on a full disk, through nginx: reads still work,
 * saves answer 503 saying nothing was saved (and showing what was sent),
 * /healthz says the database is not writable, and all recovers without a
 * restart once space returns.  The stack's folder is a small tmpfs of its
 * own (tests need root for the mount, as CI has). */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <time.h>

static void day_ago(int days, char out[11])
{
	time_t t = time(NULL) - (time_t)days * 86400;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

static long log_visit(struct client *c, const char *school, const char *note, struct resp **out)
{
	char day[11], form[512];
	day_ago(2, day);
	snprintf(form, sizeof form, "school=%s&date=%s&time=10:00&minutes=60&mode=onsite&activity=leadership"
	         "&dimensions=cultural&who_teachers=3&notes=%s&next_steps=", school, day, note);
	struct resp *r = post_form(c, "/visits", "/visits", form);
	long status = r->status;
	if (out)
		*out = r;
	else
		resp_free(r);
	return status;
}

START_TEST(full_disk_degrades_gracefully)
{
	struct client *coach = client_new(), *staff = client_new();
	ck_assert_int_eq(login(coach, "coach@example.org", DEMO_PW), 303);
	ck_assert_int_eq(login(staff, "staff@example.org", DEMO_PW), 303);
	char *school = db_value("SELECT gs.school_id FROM grant_schools gs JOIN grants g ON g.id = gs.grant_id"
	                        " JOIN users u ON u.org_id = g.org_id JOIN schools s ON s.id = gs.school_id"
	                        " WHERE u.email = 'coach@example.org' AND g.stage = 'active' AND gs.to_date IS NULL"
	                        " AND s.sharing <> 'private' ORDER BY gs.school_id LIMIT 1");
	ck_assert_ptr_nonnull(school);
	ck_assert_int_eq(log_visit(coach, school, "Before+the+disk+filled", NULL), 303);

	/* Sessions last seen long ago: the next page wants to note the time. */
	ck_assert_int_eq(db_run("UPDATE sessions SET last_seen = last_seen - 600"), 0);
	/* An empty WAL, then a disk with no room left. */
	int empty = 0;
	for (int i = 0; i < 50 && !empty; i++) {          /* until no reader holds it back */
		ck_assert_int_eq(db_run("PRAGMA wal_checkpoint(TRUNCATE)"), 0);
		empty = stack_sh("test ! -s \"$1/ilnet.db-wal\"") == 0;
	}
	ck_assert(empty);
	ck_assert_int_eq(stack_sh("dd if=/dev/zero of=\"$1/fill\" bs=64k 2>/dev/null;"
	                          " dd if=/dev/zero of=\"$1/fill2\" bs=4k 2>/dev/null; true"), 0);
	char *before = db_value("SELECT count(*) FROM visits");

	/* Reads still work: the last-seen note is skipped, not fatal. */
	struct resp *r = http_get(staff, "/portfolio");
	ck_assert_int_eq(r->status, 200);
	resp_free(r);
	r = http_get(coach, "/visits");
	ck_assert_int_eq(r->status, 200);
	resp_free(r);
	/* A save answers 503, says nothing was saved, and shows what was sent. */
	ck_assert_int_eq(log_visit(coach, school, "Typed+while+the+disk+was+full", &r), 503);
	ck_assert(resp_has(r, "nothing was saved"));
	ck_assert(resp_has(r, "Typed while the disk was full"));
	resp_free(r);
	char *after = db_value("SELECT count(*) FROM visits");
	ck_assert_str_eq(before, after);
	free(after);
	r = http_get(staff, "/healthz");
	ck_assert_int_eq(r->status, 503);
	ck_assert(resp_has(r, "\"db_writable\":false"));
	resp_free(r);

	/* Space returns: everything works again, without a restart. */
	ck_assert_int_eq(stack_sh("rm -f \"$1/fill\" \"$1/fill2\""), 0);
	r = http_get(staff, "/healthz");
	ck_assert_int_eq(r->status, 200);
	ck_assert(resp_has(r, "\"db_writable\":true"));
	resp_free(r);
	ck_assert_int_eq(log_visit(coach, school, "After+space+returned", NULL), 303);
	after = db_value("SELECT count(*) FROM visits");
	ck_assert_int_eq(atol(after), atol(before) + 1);
	free(after);
	free(before);
	free(school);
	client_free(staff);
	client_free(coach);
}
END_TEST

/* ---- a form sent twice ------------------------------------------------------ */

struct sender {
	struct client *c;
	char body[512];
	long status;
	pthread_barrier_t *go;
};

static void *send_once(void *arg)
{
	struct sender *s = arg;
	pthread_barrier_wait(s->go);
	struct resp *r = http_post(s->c, "/admin/orgs", s->body);
	s->status = r->status;
	resp_free(r);
	return NULL;
}

/* A retry after a lost reply, or a double click, makes one record: the
 * form's one-time key answers the second time with what the first made. */
START_TEST(form_sent_twice_makes_one_record)
{
	struct client *c = client_new();
	ck_assert_int_eq(login(c, "staff@example.org", DEMO_PW), 303);
	struct resp *g = http_get(c, "/admin/orgs");
	char *tok = csrf_of(g), *key = field_of(g, "_key");
	resp_free(g);
	ck_assert_ptr_nonnull(key);
	ck_assert_int_eq((int)strlen(key), 32);
	char body[512];
	snprintf(body, sizeof body, "_csrf=%s&_key=%s&name=Retry+Collaborative&city=Fargo&state=ND"
	         "&focus=leadership+coaching", tok, key);
	struct resp *a = http_post(c, "/admin/orgs", body);
	ck_assert_int_eq(a->status, 303);
	char *loc_a = resp_header(a, "Location");
	struct resp *b = http_post(c, "/admin/orgs", body);
	ck_assert_int_eq(b->status, 303);
	char *loc_b = resp_header(b, "Location");
	ck_assert_str_eq(loc_a, loc_b);             /* the same answer, where the record shows */
	char *n = db_value("SELECT count(*) FROM organizations WHERE name = 'Retry Collaborative'");
	ck_assert_str_eq(n, "1");
	free(n);
	free(loc_a);
	free(loc_b);
	resp_free(a);
	resp_free(b);
	free(key);
	free(tok);

	/* Eight copies at once, from eight sessions of the same person. */
	enum { K = 8 };
	struct sender s[K];
	pthread_t th[K];
	pthread_barrier_t go;
	pthread_barrier_init(&go, NULL, K);
	g = http_get(c, "/admin/orgs");
	key = field_of(g, "_key");
	resp_free(g);
	for (int i = 0; i < K; i++) {
		s[i].c = client_new();
		ck_assert_int_eq(login(s[i].c, "staff@example.org", DEMO_PW), 303);
		struct resp *p = http_get(s[i].c, "/admin/orgs");
		char *t = csrf_of(p);
		resp_free(p);
		snprintf(s[i].body, sizeof s[i].body, "_csrf=%s&_key=%s&name=Racing+Collaborative&city=Pierre"
		         "&state=SD&focus=leadership+coaching", t, key);
		free(t);
		s[i].go = &go;
	}
	for (int i = 0; i < K; i++)
		pthread_create(&th[i], NULL, send_once, &s[i]);
	for (int i = 0; i < K; i++) {
		pthread_join(th[i], NULL);
		ck_assert_msg(s[i].status == 303 || s[i].status == 409, "copy %d: %ld", i, s[i].status);
		client_free(s[i].c);
	}
	pthread_barrier_destroy(&go);
	n = db_value("SELECT count(*) FROM organizations WHERE name = 'Racing Collaborative'");
	ck_assert_str_eq(n, "1");
	free(n);
	/* A key that is not one of ours is refused. */
	g = http_get(c, "/admin/orgs");
	tok = csrf_of(g);
	resp_free(g);
	snprintf(body, sizeof body, "_csrf=%s&_key=not-a-key&name=Odd&state=ND&focus=leadership+coaching", tok);
	a = http_post(c, "/admin/orgs", body);
	ck_assert_int_eq(a->status, 400);
	resp_free(a);
	free(tok);
	free(key);
	client_free(c);
}
END_TEST

void add_retry_tests(TCase *t);
void add_retry_tests(TCase *t)
{
	tcase_add_test(t, form_sent_twice_makes_one_record);
}

void add_disk_cases(Suite *s);
void add_disk_cases(Suite *s)
{
	TCase *t = tcase_create("full disk");
	tcase_add_unchecked_fixture(t, stack_up_on_small_disk, stack_down);
	tcase_set_timeout(t, 60);
	tcase_add_test(t, full_disk_degrades_gracefully);
	suite_add_tcase(s, t);
}
