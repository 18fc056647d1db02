/* harness.c — see harness.h. */
#include "harness.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <dirent.h>
#include <netinet/in.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct stack S;

struct client {
	CURL *c;
};

int free_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = 0 };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t len = sizeof a;
	if (bind(fd, (struct sockaddr *)&a, sizeof a) || getsockname(fd, (struct sockaddr *)&a, &len)) {
		perror("free_port");
		exit(1);
	}
	close(fd);
	return ntohs(a.sin_port);
}

static void sh(const char *cmd)
{
	if (system(cmd) != 0) {
		fprintf(stderr, "harness: failed: %s\n", cmd);
		exit(1);
	}
}

/* Start the stack in S.dir (made already). */
static void stack_start(void)
{
	chmod(S.dir, 0755);         /* nginx's workers reach the socket in it */
	S.port = free_port();
	S.smtp_port = free_port();
	snprintf(S.base, sizeof S.base, "http://127.0.0.1:%d", S.port);
	char cmd[1024];
	snprintf(cmd, sizeof cmd, "%s/tests/stack start %s %d %d", getenv("ILNET_ROOT"),
	         S.dir, S.port, S.smtp_port);
	sh(cmd);
}

void stack_up(void)
{
	snprintf(S.dir, sizeof S.dir, "/tmp/ilnet-it-XXXXXX");
	if (!mkdtemp(S.dir)) {
		perror("mkdtemp");
		exit(1);
	}
	S.mounted = 0;
	stack_start();
}

void stack_up_on_small_disk(void)
{
	snprintf(S.dir, sizeof S.dir, "/tmp/ilnet-it-XXXXXX");
	if (!mkdtemp(S.dir)) {
		perror("mkdtemp");
		exit(1);
	}
	char cmd[512];
	snprintf(cmd, sizeof cmd, "mount -t tmpfs -o size=%dm tmpfs %s", SMALL_DISK_MB, S.dir);
	sh(cmd);
	S.mounted = 1;
	stack_start();
}

void stack_up_without_sink(void)
{
	setenv("ILNET_TEST_NO_SINK", "1", 1);
	stack_up();
	unsetenv("ILNET_TEST_NO_SINK");
}

void sink_up(void)
{
	char cmd[1024];
	snprintf(cmd, sizeof cmd, "%s/tests/stack sink %s %d", getenv("ILNET_ROOT"), S.dir, S.smtp_port);
	sh(cmd);
}

int stack_sh(const char *script)
{
	char cmd[4096];
	snprintf(cmd, sizeof cmd, "sh -c '%s' - %s", script, S.dir);
	int rc = system(cmd);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

void stack_down_dir(const char *dir)
{
	char cmd[1024];
	snprintf(cmd, sizeof cmd, "%s/tests/stack stop %s", getenv("ILNET_ROOT"), dir);
	sh(cmd);
	/* A worker that crashed (the supervisor logs its signal; the tests
	 * themselves only ever send SIGKILL) or a sanitizer report in the log
	 * fails the run. */
	snprintf(cmd, sizeof cmd, "grep -sE 'ERROR: AddressSanitizer|runtime error:|LeakSanitizer|"
	         "ended \\(signal (4|6|7|8|11)\\)' %s/ilnet.log >&2", dir);
	if (system(cmd) == 0) {
		fprintf(stderr, "harness: sanitizer reports in %s/ilnet.log\n", dir);
		exit(1);
	}
	/* A small disk of its own: unmounted once the last process of the
	 * stack has let go of it (lazily if one lingers). */
	if (S.mounted && !strcmp(dir, S.dir)) {
		snprintf(cmd, sizeof cmd, "for i in $(seq 50); do umount %s 2>/dev/null && exit 0; sleep 0.1; done;"
		         " umount -l %s", dir, dir);
		if (system(cmd) != 0)
			fprintf(stderr, "harness: could not unmount %s\n", dir);
		S.mounted = 0;
	}
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "harness: could not remove %s\n", dir);
}

void stack_down(void)
{
	stack_down_dir(S.dir);
}

struct client *client_new(void)
{
	struct client *c = calloc(1, sizeof *c);
	c->c = curl_easy_init();
	curl_easy_setopt(c->c, CURLOPT_COOKIEFILE, "");   /* in-memory cookie jar */
	curl_easy_setopt(c->c, CURLOPT_TIMEOUT, 30L);
	return c;
}

struct client *client_signed_in(long long uid)
{
	unsigned char raw[32], h[32];
	char tok[44], hex[65], sql[512], cookie[128];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2base64(tok, sizeof tok, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	crypto_hash_sha256(h, (const unsigned char *)tok, strlen(tok));
	sodium_bin2hex(hex, sizeof hex, h, sizeof h);
	snprintf(sql, sizeof sql, "INSERT INTO sessions (token_hash, user_id, created_at, last_seen, addr)"
	         " VALUES (X'%s', %lld, unixepoch(), unixepoch(), '127.0.0.1')", hex, uid);
	ck_assert_int_eq(db_run(sql), SQLITE_OK);
	struct client *c = client_new();
	snprintf(cookie, sizeof cookie, "ilnet_session=%s", tok);
	curl_easy_setopt(c->c, CURLOPT_COOKIE, cookie);
	return c;
}

struct client *client_from(const char *addr)
{
	struct client *c = client_new();
	char iface[64];
	snprintf(iface, sizeof iface, "host!%s", addr);
	curl_easy_setopt(c->c, CURLOPT_INTERFACE, iface);
	return c;
}

void client_free(struct client *c)
{
	curl_easy_cleanup(c->c);
	free(c);
}

struct sink {
	char *p;
	size_t n;
};

static size_t sink_cb(char *d, size_t sz, size_t nm, void *u)
{
	struct sink *s = u;
	size_t n = sz * nm;
	s->p = realloc(s->p, s->n + n + 1);
	memcpy(s->p + s->n, d, n);
	s->n += n;
	s->p[s->n] = '\0';
	return n;
}

struct resp *http_req(struct client *c, const char *method, const char *path,
                      const char *body, size_t body_len, const char *const *headers)
{
	char url[2048];
	snprintf(url, sizeof url, "%s%s", S.base, path);
	struct sink b = {0}, h = {0};
	CURL *k = c->c;
	curl_easy_setopt(k, CURLOPT_URL, url);
	curl_easy_setopt(k, CURLOPT_WRITEFUNCTION, sink_cb);
	curl_easy_setopt(k, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(k, CURLOPT_HEADERFUNCTION, sink_cb);
	curl_easy_setopt(k, CURLOPT_HEADERDATA, &h);
	curl_easy_setopt(k, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(k, CURLOPT_NOBODY, 0L);
	if (body) {
		curl_easy_setopt(k, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(k, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
	} else {
		curl_easy_setopt(k, CURLOPT_HTTPGET, 1L);
	}
	curl_easy_setopt(k, CURLOPT_CUSTOMREQUEST, method);
	struct curl_slist *hl = NULL;
	for (int i = 0; headers && headers[i]; i++)
		hl = curl_slist_append(hl, headers[i]);
	curl_easy_setopt(k, CURLOPT_HTTPHEADER, hl);
	CURLcode rc = curl_easy_perform(k);
	curl_slist_free_all(hl);
	curl_easy_setopt(k, CURLOPT_HTTPHEADER, NULL);
	curl_easy_setopt(k, CURLOPT_CUSTOMREQUEST, NULL);
	curl_easy_setopt(k, CURLOPT_POSTFIELDS, NULL);
	struct resp *r = calloc(1, sizeof *r);
	if (rc != CURLE_OK) {
		r->status = -1;
		fprintf(stderr, "http %s %s: %s\n", method, path, curl_easy_strerror(rc));
	} else {
		curl_easy_getinfo(k, CURLINFO_RESPONSE_CODE, &r->status);
	}
	r->headers = h.p ? h.p : strdup("");
	r->body = b.p ? b.p : strdup("");
	r->body_len = b.n;
	return r;
}

struct resp *http_get(struct client *c, const char *path)
{
	return http_req(c, "GET", path, NULL, 0, NULL);
}

struct resp *http_post(struct client *c, const char *path, const char *form)
{
	return http_req(c, "POST", path, form, strlen(form), NULL);
}

void resp_free(struct resp *r)
{
	if (!r)
		return;
	free(r->headers);
	free(r->body);
	free(r);
}

char *resp_header(const struct resp *r, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = r->headers; p && *p;) {
		const char *eol = strstr(p, "\r\n");
		if (!eol)
			break;
		if (!strncasecmp(p, name, n) && p[n] == ':') {
			const char *v = p + n + 1;
			while (*v == ' ')
				v++;
			return strndup(v, (size_t)(eol - v));
		}
		p = eol + 2;
	}
	return NULL;
}

int resp_header_count(const struct resp *r, const char *name)
{
	size_t n = strlen(name);
	int k = 0;
	for (const char *p = r->headers; p && *p;) {
		const char *eol = strstr(p, "\r\n");
		if (!eol)
			break;
		if (!strncasecmp(p, name, n) && p[n] == ':')
			k++;
		p = eol + 2;
	}
	return k;
}

struct resp *http_raw(const char *request, size_t len)
{
	struct resp *r = calloc(1, sizeof *r);
	r->status = -1;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)S.port) };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	struct timeval tv = { 5, 0 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	struct sink got = {0};
	if (fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof a) == 0) {
		for (size_t off = 0; off < len;) {
			ssize_t w = send(fd, request + off, len - off, MSG_NOSIGNAL);
			if (w <= 0)
				break;          /* the server may answer and close early */
			off += (size_t)w;
		}
		char buf[16384];
		ssize_t n;
		while ((n = recv(fd, buf, sizeof buf, 0)) > 0)
			sink_cb(buf, 1, (size_t)n, &got);
	}
	if (fd >= 0)
		close(fd);
	const char *text = got.p ? got.p : "";
	const char *end = strstr(text, "\r\n\r\n");
	const char *sp = strchr(text, ' ');
	if (!strncmp(text, "HTTP/1.", 7) && sp && end) {
		r->status = atol(sp + 1);
		const char *h = strstr(text, "\r\n") + 2;
		r->headers = strndup(h, (size_t)(end + 2 - h));
		r->body = strdup(end + 4);
		r->body_len = strlen(r->body);
	}
	if (!r->headers)
		r->headers = strdup("");
	if (!r->body)
		r->body = strdup("");
	free(got.p);
	return r;
}

void http_post_parallel(struct client **cs, int n, const char *path,
                        char **forms, long *status)
{
	char url[2048];
	snprintf(url, sizeof url, "%s%s", S.base, path);
	CURLM *m = curl_multi_init();
	struct sink *bodies = calloc((size_t)n, sizeof *bodies);
	for (int i = 0; i < n; i++) {
		CURL *k = cs[i]->c;
		curl_easy_setopt(k, CURLOPT_URL, url);
		curl_easy_setopt(k, CURLOPT_WRITEFUNCTION, sink_cb);
		curl_easy_setopt(k, CURLOPT_WRITEDATA, &bodies[i]);
		curl_easy_setopt(k, CURLOPT_HEADERFUNCTION, NULL);
		curl_easy_setopt(k, CURLOPT_HEADERDATA, NULL);
		curl_easy_setopt(k, CURLOPT_FOLLOWLOCATION, 0L);
		curl_easy_setopt(k, CURLOPT_POSTFIELDS, forms[i]);
		curl_easy_setopt(k, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(forms[i]));
		curl_easy_setopt(k, CURLOPT_FORBID_REUSE, 1L);   /* one connection each */
		curl_multi_add_handle(m, k);
	}
	int running = n;
	while (running) {
		curl_multi_perform(m, &running);
		if (running)
			curl_multi_poll(m, NULL, 0, 1000, NULL);
	}
	for (int i = 0; i < n; i++) {
		status[i] = -1;
		curl_easy_getinfo(cs[i]->c, CURLINFO_RESPONSE_CODE, &status[i]);
		curl_multi_remove_handle(m, cs[i]->c);
		curl_easy_setopt(cs[i]->c, CURLOPT_POSTFIELDS, NULL);
		curl_easy_setopt(cs[i]->c, CURLOPT_FORBID_REUSE, 0L);
		free(bodies[i].p);
	}
	free(bodies);
	curl_multi_cleanup(m);
}

int resp_has(const struct resp *r, const char *text)
{
	return r && r->body && strstr(r->body, text) != NULL;
}

char *field_of(const struct resp *r, const char *name)
{
	char pat[128];
	snprintf(pat, sizeof pat, "name=\"%s\" value=\"", name);
	const char *p = r && r->body ? strstr(r->body, pat) : NULL;
	if (!p)
		return NULL;
	p += strlen(pat);
	const char *e = strchr(p, '"');
	return e ? strndup(p, (size_t)(e - p)) : NULL;
}

char *csrf_of(const struct resp *r)
{
	const char *p = strstr(r->body, "name=\"_csrf\" value=\"");
	if (!p)
		return NULL;
	p += strlen("name=\"_csrf\" value=\"");
	const char *q = strchr(p, '"');
	return q ? strndup(p, (size_t)(q - p)) : NULL;
}

struct resp *post_form(struct client *c, const char *page, const char *action,
                       const char *form)
{
	struct resp *g = http_get(c, page);
	char *tok = csrf_of(g);
	resp_free(g);
	if (!tok)
		return NULL;
	size_t n = strlen(form) + strlen(tok) + 16;
	char *body = malloc(n);
	snprintf(body, n, "_csrf=%s%s%s", tok, *form ? "&" : "", form);
	struct resp *r = http_post(c, action, body);
	free(body);
	free(tok);
	return r;
}

long login(struct client *c, const char *email, const char *password)
{
	char *e = curl_easy_escape(NULL, email, 0), *p = curl_easy_escape(NULL, password, 0);
	char form[512];
	snprintf(form, sizeof form, "email=%s&password=%s", e, p);
	curl_free(e);
	curl_free(p);
	struct resp *r = post_form(c, "/login", "/login", form);
	long s = r ? r->status : -1;
	resp_free(r);
	return s;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *s = malloc((size_t)n + 1);
	size_t got = fread(s, 1, (size_t)n, f);
	s[got] = '\0';
	fclose(f);
	return s;
}

char *mail_wait(const char *to, int timeout_ms)
{
	return mail_wait_for(to, NULL, timeout_ms);
}

char *mail_wait_for(const char *to, const char *part, int timeout_ms)
{
	char dir[300], want[300];
	snprintf(dir, sizeof dir, "%s/mail", S.dir);
	snprintf(want, sizeof want, "X-Rcpt: %s\r\n", to);
	for (int waited = 0; waited <= timeout_ms; waited += 50) {
		DIR *d = opendir(dir);
		struct dirent *e;
		char *found = NULL;
		while (d && (e = readdir(d))) {
			size_t n = strlen(e->d_name);
			if (n < 5 || strcmp(e->d_name + n - 4, ".eml"))
				continue;
			char path[700];
			snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
			char *text = slurp(path);
			if (text && !strncmp(text, want, strlen(want)) && (!part || strstr(text, part))) {
				/* Take it, so the next wait sees only newer mail. */
				unlink(path);
				found = text;
				break;
			}
			free(text);
		}
		if (d)
			closedir(d);
		if (found)
			return found;
		struct timespec ts = {0, 50 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	return NULL;
}

char *url_in(const char *text, const char *part)
{
	for (const char *p = strstr(text, "http"); p; p = strstr(p + 4, "http")) {
		size_t n = strcspn(p, " \r\n\"<>");
		char *u = strndup(p, n);
		if (strstr(u, part))
			return u;
		free(u);
	}
	return NULL;
}

char *db_value(const char *sql)
{
	char path[300];
	snprintf(path, sizeof path, "%s/ilnet.db", S.dir);
	sqlite3 *db;
	char *out = NULL;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK) {
		sqlite3_busy_timeout(db, 5000);
		sqlite3_stmt *st;
		if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
			if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
				out = strdup((const char *)sqlite3_column_text(st, 0));
			sqlite3_finalize(st);
		}
	}
	sqlite3_close(db);
	return out;
}

int db_run(const char *sql)
{
	char path[300];
	snprintf(path, sizeof path, "%s/ilnet.db", S.dir);
	sqlite3 *db;
	int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_busy_timeout(db, 5000);
		rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	}
	sqlite3_close(db);
	return rc;
}

/* Every cookie in the client's jar, Netscape format, one per node. */
void client_cookies(struct client *c, struct curl_slist **out);
void client_cookies(struct client *c, struct curl_slist **out)
{
	curl_easy_getinfo(c->c, CURLINFO_COOKIELIST, out);
}

int stack_children(int *out, int max)
{
	char path[300], cmd[400];
	snprintf(path, sizeof path, "%s/ilnet.pid", S.dir);
	FILE *f = fopen(path, "r");
	int sup = 0;
	if (!f)
		return 0;
	if (fscanf(f, "%d", &sup) != 1)
		sup = 0;
	fclose(f);
	if (!sup)
		return 0;
	snprintf(cmd, sizeof cmd, "pgrep -P %d", sup);
	FILE *p = popen(cmd, "r");
	int n = 0;
	while (p && n < max && fscanf(p, "%d", &out[n]) == 1)
		n++;
	if (p)
		pclose(p);
	return n;
}
