/* test_load.c — many writers at once through nginx: 48 school leaders
 * saving a scan section and 16 coach sessions logging visits, all at the
 * same time, again and again for a few seconds.  No answer may be a 5xx
 * (or anything but the save's 204 and the visit's 303), and every save
 * acknowledged is in the database.  Then a save that cannot get the write
 * lock in time: 503, a page saying nothing was saved, and nothing saved.
 * On a stack of its own, with ILNET_WRITE_WAIT_MS=1500. */
#include "harness.h"

#include <curl/curl.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#define LEADERS 48
#define COACHES 16
#define WRITERS (LEADERS + COACHES)
#define ROUNDS 12               /* requests per writer, at most */
#define RUN_MS 8000             /* and at most this long */

struct writer {
	CURL *h;
	struct curl_slist *headers;
	int visit;                  /* logs visits (else saves a section) */
	char cookie[96];
	char path[64];
	char csrf[64];
	long long school, rev;
	char body[512];
	char revision_seen[24];     /* X-Revision of the answer in progress */
	int done, saved, logged;
};

static long long ms_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A session for user uid with a token made here (as a sign-in would store
 * it: only the SHA-256); "ilnet_session=TOKEN" in cookie. */
static void session_for(long long uid, char *cookie, size_t len)
{
	unsigned char raw[32], h[32];
	char tok[44], hex[65];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2base64(tok, sizeof tok, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	crypto_hash_sha256(h, (const unsigned char *)tok, strlen(tok));
	sodium_bin2hex(hex, sizeof hex, h, sizeof h);
	char sql[512];
	snprintf(sql, sizeof sql, "INSERT INTO sessions (token_hash, user_id, created_at, last_seen, addr)"
	         " VALUES (X'%s', %lld, unixepoch(), unixepoch(), '127.0.0.1')", hex, uid);
	ck_assert_int_eq(db_run(sql), SQLITE_OK);
	snprintf(cookie, len, "ilnet_session=%s", tok);
}

static long long value_int(const char *sql)
{
	char *v = db_value(sql);
	ck_assert_msg(v != NULL, "no value for %s", sql);
	long long n = atoll(v);
	free(v);
	return n;
}

/* GET path with w's cookie; keeps the _csrf token (and the revision). */
static void read_form(struct writer *w, const char *path)
{
	struct client *c = client_new();
	const char *hdr[] = { NULL, NULL };
	char cookie[128];
	snprintf(cookie, sizeof cookie, "Cookie: %s", w->cookie);
	hdr[0] = cookie;
	struct resp *r = http_req(c, "GET", path, NULL, 0, hdr);
	ck_assert_msg(r->status == 200, "GET %s: %ld", path, r->status);
	char *tok = csrf_of(r);
	ck_assert_ptr_nonnull(tok);
	snprintf(w->csrf, sizeof w->csrf, "%s", tok);
	free(tok);
	if (!w->visit) {
		const char *p = strstr(r->body, "name=\"revision\" value=\"");
		ck_assert_ptr_nonnull(p);
		w->rev = atoll(p + strlen("name=\"revision\" value=\""));
	}
	if (w->visit && !w->school) {
		const char *p = strstr(r->body, "<option value=\"");
		for (; p && !w->school; p = strstr(p + 1, "<option value=\""))
			w->school = atoll(p + strlen("<option value=\""));
		ck_assert_msg(w->school > 0, "the coach has no school to visit");
	}
	resp_free(r);
	client_free(c);
}

static size_t discard(char *d, size_t sz, size_t n, void *u)
{
	(void)d;
	(void)u;
	return sz * n;
}

static size_t header_line(char *d, size_t sz, size_t n, void *u)
{
	struct writer *w = u;
	size_t len = sz * n;
	if (len > 12 && !strncasecmp(d, "X-Revision:", 11)) {
		size_t k = 11;
		while (k < len && d[k] == ' ')
			k++;
		size_t m = 0;
		while (k < len && d[k] >= '0' && d[k] <= '9' && m < sizeof w->revision_seen - 1)
			w->revision_seen[m++] = d[k++];
		w->revision_seen[m] = '\0';
	}
	return len;
}

static const char *visit_date(void)
{
	/* Three days ago: past in every zone of the region, on the roster. */
	static char d[11];
	time_t t = time(NULL) - 3 * 86400;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(d, sizeof d, "%Y-%m-%d", &tm);
	return d;
}

static void start(CURLM *m, struct writer *w)
{
	char url[256];
	if (w->visit) {
		snprintf(url, sizeof url, "%s/visits", S.base);
		snprintf(w->body, sizeof w->body, "_csrf=%s&school=%lld&date=%s&time=09:30&minutes=45"
		         "&mode=onsite&activity=leadership&notes=load+test", w->csrf, w->school, visit_date());
	} else {
		snprintf(url, sizeof url, "%s%s", S.base, w->path);
		snprintf(w->body, sizeof w->body, "_csrf=%s&section=about&go=autosave&revision=%lld"
		         "&q_role=principal&q_years=%d", w->csrf, w->rev, w->done % 40);
	}
	w->revision_seen[0] = '\0';
	curl_easy_setopt(w->h, CURLOPT_URL, url);
	curl_easy_setopt(w->h, CURLOPT_POSTFIELDS, w->body);
	curl_multi_add_handle(m, w->h);
}

static void writers_set_up(struct writer *ws)
{
	char *year = db_value("SELECT year FROM scan_cycles WHERE status = 'open'");
	ck_assert_ptr_nonnull(year);
	long long coach = value_int("SELECT id FROM users WHERE email = 'coach@example.org'");
	for (int i = 0; i < WRITERS; i++) {
		struct writer *w = &ws[i];
		memset(w, 0, sizeof *w);
		w->visit = i >= LEADERS;
		if (w->visit) {
			session_for(coach, w->cookie, sizeof w->cookie);
			read_form(w, "/visits");
			continue;
		}
		char sql[512];
		snprintf(sql, sizeof sql, "SELECT id FROM schools WHERE id NOT IN (SELECT school_id FROM responses"
		         " WHERE cycle_id = (SELECT id FROM scan_cycles WHERE status = 'open')) ORDER BY id"
		         " LIMIT 1 OFFSET %d", i);
		w->school = value_int(sql);
		snprintf(sql, sizeof sql, "INSERT INTO users (email, name, role) VALUES"
		         " ('load-%d@example.org', 'Load leader %d', 'leader');"
		         "INSERT INTO user_schools (user_id, school_id) VALUES (last_insert_rowid(), %lld)",
		         i, i, w->school);
		ck_assert_int_eq(db_run(sql), SQLITE_OK);
		snprintf(sql, sizeof sql, "SELECT id FROM users WHERE email = 'load-%d@example.org'", i);
		session_for(value_int(sql), w->cookie, sizeof w->cookie);
		snprintf(w->path, sizeof w->path, "/scan/%s/schools/%lld", year, w->school);
		char page[96];
		snprintf(page, sizeof page, "%s?section=about", w->path);
		read_form(w, page);
	}
	free(year);
	for (int i = 0; i < WRITERS; i++) {
		struct writer *w = &ws[i];
		w->h = curl_easy_init();
		char cookie[128];
		snprintf(cookie, sizeof cookie, "Cookie: %s", w->cookie);
		w->headers = curl_slist_append(NULL, cookie);
		w->headers = curl_slist_append(w->headers, "Content-Type: application/x-www-form-urlencoded");
		curl_easy_setopt(w->h, CURLOPT_HTTPHEADER, w->headers);
		curl_easy_setopt(w->h, CURLOPT_WRITEFUNCTION, discard);
		curl_easy_setopt(w->h, CURLOPT_HEADERFUNCTION, header_line);
		curl_easy_setopt(w->h, CURLOPT_HEADERDATA, w);
		curl_easy_setopt(w->h, CURLOPT_TIMEOUT, 20L);
		curl_easy_setopt(w->h, CURLOPT_PRIVATE, w);
	}
}

START_TEST(many_writers_at_once_never_5xx)
{
	static struct writer ws[WRITERS];
	writers_set_up(ws);
	CURLM *m = curl_multi_init();
	curl_multi_setopt(m, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)WRITERS);
	for (int i = 0; i < WRITERS; i++)
		start(m, &ws[i]);
	long long deadline = ms_now() + RUN_MS;
	int running = WRITERS, failures = 0, total = 0;
	long status_5xx = 0;
	while (running > 0) {
		curl_multi_perform(m, &running);
		CURLMsg *msg;
		int left;
		while ((msg = curl_multi_info_read(m, &left))) {
			if (msg->msg != CURLMSG_DONE)
				continue;
			struct writer *w;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&w);
			long status = 0;
			curl_easy_getinfo(w->h, CURLINFO_RESPONSE_CODE, &status);
			CURLcode rc = msg->data.result;
			curl_multi_remove_handle(m, w->h);
			total++;
			w->done++;
			if (rc != CURLE_OK || status != (w->visit ? 303 : 204)) {
				if (failures++ < 5)
					fprintf(stderr, "load: %s %s answered %ld (%s)\n", w->visit ? "visit" : "save",
					        w->visit ? "/visits" : w->path, status, curl_easy_strerror(rc));
				if (status >= 500)
					status_5xx = status;
				continue;           /* this writer stops */
			}
			if (w->visit) {
				w->logged++;
			} else {
				w->saved++;
				w->rev = atoll(w->revision_seen);
			}
			if (w->done < ROUNDS && ms_now() < deadline)
				start(m, w);
		}
		curl_multi_perform(m, &running);
		if (running)
			curl_multi_poll(m, NULL, 0, 100, NULL);
	}
	ck_assert_msg(status_5xx == 0, "a writer was answered %ld", status_5xx);
	ck_assert_msg(failures == 0, "%d writes failed", failures);
	ck_assert_int_ge(total, WRITERS * 2);    /* they overlapped, round after round */

	/* Every save acknowledged is there, and every visit. */
	int logged = 0;
	for (int i = 0; i < WRITERS; i++) {
		struct writer *w = &ws[i];
		logged += w->logged;
		if (w->visit)
			continue;
		char sql[256];
		snprintf(sql, sizeof sql, "SELECT revision FROM responses WHERE school_id = %lld AND cycle_id ="
		         " (SELECT id FROM scan_cycles WHERE status = 'open')", w->school);
		ck_assert_int_eq(value_int(sql), w->rev);
		ck_assert_int_eq(w->rev, w->saved);  /* from revision 0, one per save */
	}
	ck_assert_int_eq(value_int("SELECT count(*) FROM visits WHERE notes = 'load test'"), logged);

	/* A save that cannot get the write lock in time (another program holds
	 * it for longer than ILNET_WRITE_WAIT_MS): 503, nothing saved. */
	struct writer *w = &ws[0];
	char path[300];
	snprintf(path, sizeof path, "%s/ilnet.db", S.dir);
	sqlite3 *holder;
	ck_assert_int_eq(sqlite3_open(path, &holder), SQLITE_OK);
	sqlite3_busy_timeout(holder, 5000);
	ck_assert_int_eq(sqlite3_exec(holder, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
	struct client *c = client_new();
	char cookie[128], form[512];
	snprintf(cookie, sizeof cookie, "Cookie: %s", w->cookie);
	const char *hdr[] = { cookie, NULL };
	snprintf(form, sizeof form, "_csrf=%s&section=about&go=autosave&revision=%lld&q_role=principal",
	         w->csrf, w->rev);
	long long t0 = ms_now();
	struct resp *r = http_req(c, "POST", w->path, form, strlen(form), hdr);
	long long took = ms_now() - t0;
	sqlite3_exec(holder, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(holder);
	ck_assert_int_eq(r->status, 503);
	ck_assert_msg(took >= 1400, "answered after %lld ms", took);
	ck_assert(resp_has(r, "nothing was saved"));
	char *retry = resp_header(r, "Retry-After");
	ck_assert_ptr_nonnull(retry);
	free(retry);
	resp_free(r);
	char sql[256];
	snprintf(sql, sizeof sql, "SELECT revision FROM responses WHERE school_id = %lld AND cycle_id ="
	         " (SELECT id FROM scan_cycles WHERE status = 'open')", w->school);
	ck_assert_int_eq(value_int(sql), w->rev);
	/* The lock free again, the same save goes through. */
	r = http_req(c, "POST", w->path, form, strlen(form), hdr);
	ck_assert_int_eq(r->status, 204);
	resp_free(r);
	ck_assert_int_eq(value_int(sql), w->rev + 1);
	client_free(c);

	for (int i = 0; i < WRITERS; i++) {
		curl_easy_cleanup(ws[i].h);
		curl_slist_free_all(ws[i].headers);
	}
	curl_multi_cleanup(m);
}
END_TEST

static void load_stack_up(void)
{
	setenv("ILNET_WRITE_WAIT_MS", "1500", 1);
	stack_up();
	unsetenv("ILNET_WRITE_WAIT_MS");
}

void add_load_tests(Suite *s);
void add_load_tests(Suite *s)
{
	TCase *t = tcase_create("load");
	tcase_add_unchecked_fixture(t, load_stack_up, stack_down);
	tcase_set_timeout(t, 60);
	tcase_add_test(t, many_writers_at_once_never_5xx);
	suite_add_tcase(s, t);
}
