/* test_faults.c — the core under faults, on stacks of their own: a
 * private socket and silent connections dropped in time; one ilnet per
 * socket; workers that die with a killed supervisor, and a new one that
 * takes over; a backup taken while clients save, restored elsewhere. */
#include "harness.h"

#include <curl/curl.h>
#include <dirent.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define REQUEST_TIMEOUT 2           /* ILNET_REQUEST_TIMEOUT of the fault stack */
#define STACK_WORKERS   3           /* tests/stack's default */

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };
	nanosleep(&ts, NULL);
}

static int read_pid(const char *dir)
{
	char path[300];
	snprintf(path, sizeof path, "%s/ilnet.pid", dir);
	FILE *f = fopen(path, "r");
	int pid = 0;
	if (f) {
		if (fscanf(f, "%d", &pid) != 1)
			pid = 0;
		fclose(f);
	}
	return pid;
}

/* Every live process of the stack: running the ilnet binary with the
 * stack's socket in its environment (zombies have no exe and are not
 * counted).  Returns how many, their pids in out. */
static int stack_procs(int *out, int max)
{
	char exe[PATH_MAX], want[400];
	if (!realpath(getenv("ILNET_BIN"), exe))
		return -1;
	int wantlen = snprintf(want, sizeof want, "ILNET_SOCKET=%s/ilnet.sock", S.dir) + 1;
	DIR *d = opendir("/proc");
	struct dirent *e;
	int n = 0;
	static char env[1 << 16];
	while (d && (e = readdir(d))) {
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		char path[300], link[PATH_MAX];
		snprintf(path, sizeof path, "/proc/%s/exe", e->d_name);
		ssize_t len = readlink(path, link, sizeof link - 1);
		if (len <= 0)
			continue;
		link[len] = '\0';
		if (strcmp(link, exe))
			continue;
		snprintf(path, sizeof path, "/proc/%s/environ", e->d_name);
		FILE *f = fopen(path, "rb");
		if (!f)
			continue;
		size_t got = fread(env, 1, sizeof env, f);
		fclose(f);
		for (size_t i = 0; i < got; i += strlen(env + i) + 1) {
			if (got - i >= (size_t)wantlen && !memcmp(env + i, want, (size_t)wantlen)) {
				if (n < max)
					out[n] = atoi(e->d_name);
				n++;
				break;
			}
		}
	}
	if (d)
		closedir(d);
	return n;
}

/* CPU time a process has used (utime + stime, clock ticks), or -1. */
static long proc_cpu(int pid)
{
	char path[64], buf[1024];
	snprintf(path, sizeof path, "/proc/%d/stat", pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	size_t got = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[got] = '\0';
	char *p = strrchr(buf, ')');
	unsigned long ut = 0, st = 0;
	/* After the name: state, then fields 4..13, then utime and stime. */
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2)
		return -1;
	return (long)(ut + st);
}

static int connect_raw(void)
{
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	ck_assert(snprintf(a.sun_path, sizeof a.sun_path, "%s/ilnet.sock", S.dir) < (int)sizeof a.sun_path);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
	return fd;
}

/* Wait up to ms for the peer to close fd; the ms it took, or -1. */
static long long wait_closed(int fd, int ms)
{
	long long t0 = now_ms();
	struct pollfd p = { .fd = fd, .events = POLLIN };
	while (now_ms() - t0 < ms) {
		if (poll(&p, 1, 100) > 0) {
			char c;
			ssize_t n = read(fd, &c, 1);
			if (n <= 0)
				return now_ms() - t0;
		}
	}
	return -1;
}

static void faults_up(void)
{
	setenv("ILNET_REQUEST_TIMEOUT", "2", 1);
	stack_up();
	unsetenv("ILNET_REQUEST_TIMEOUT");
}

START_TEST(socket_is_private_and_silence_is_dropped)
{
	char path[300];
	snprintf(path, sizeof path, "%s/ilnet.sock", S.dir);
	struct stat sb;
	ck_assert_int_eq(stat(path, &sb), 0);
	ck_assert(S_ISSOCK(sb.st_mode));
	ck_assert_msg((sb.st_mode & 0777) == 0660, "socket mode %o", (unsigned)(sb.st_mode & 0777));

	/* A client that connects and sends nothing holds one worker; the
	 * others keep serving, and it is dropped after the timeout. */
	int silent = connect_raw();
	long long t0 = now_ms();
	struct client *c = client_new();
	for (int i = 0; i < 20; i++) {
		struct resp *r = http_get(c, "/login");
		ck_assert_int_eq(r->status, 200);
		resp_free(r);
	}
	ck_assert_int_lt(now_ms() - t0, REQUEST_TIMEOUT * 1000);
	long long took = wait_closed(silent, (REQUEST_TIMEOUT + 4) * 1000);
	close(silent);
	ck_assert_msg(took >= 0, "the silent connection was never dropped");
	ck_assert_int_ge(now_ms() - t0, REQUEST_TIMEOUT * 1000 - 300);

	/* Every worker held by silence: a request waits for the first one
	 * dropped, then is served by it. */
	int fds[STACK_WORKERS];
	for (int i = 0; i < STACK_WORKERS; i++)
		fds[i] = connect_raw();
	sleep_ms(200);
	t0 = now_ms();
	struct resp *r = http_get(c, "/login");
	ck_assert_int_eq(r->status, 200);
	resp_free(r);
	long long waited = now_ms() - t0;
	ck_assert_msg(waited >= 1000 && waited < (REQUEST_TIMEOUT + 4) * 1000,
	              "served after %lld ms", waited);
	/* So is one that stalls inside its first record, after its first
	 * record, after its parameters or inside its body. */
	static const char begin[] = "\x01\x01\x00\x01\x00\x08\x00\x00" "\x00\x01\x00\x00\x00\x00\x00\x00";
	static const char params_end[] = "\x01\x04\x00\x01\x00\x00\x00\x00";
	static const char stdin_part[] = "\x01\x05\x00\x01\x00\x04\x00\x00" "ab";
	struct { const char *a, *b, *c; size_t na, nb, nc; } stalls[] = {
		{ begin, NULL, NULL, 4, 0, 0 },
		{ begin, NULL, NULL, 16, 0, 0 },
		{ begin, params_end, NULL, 16, 8, 0 },
		{ begin, params_end, stdin_part, 16, 8, 10 },
	};
	for (size_t i = 0; i < sizeof stalls / sizeof stalls[0]; i++) {
		int fd = connect_raw();
		ck_assert_int_eq(write(fd, stalls[i].a, stalls[i].na), (ssize_t)stalls[i].na);
		if (stalls[i].b)
			ck_assert_int_eq(write(fd, stalls[i].b, stalls[i].nb), (ssize_t)stalls[i].nb);
		if (stalls[i].c)
			ck_assert_int_eq(write(fd, stalls[i].c, stalls[i].nc), (ssize_t)stalls[i].nc);
		long long ms = wait_closed(fd, (REQUEST_TIMEOUT + 4) * 1000);
		ck_assert_msg(ms >= 0, "stall %zu was never dropped", i);
		close(fd);
	}
	for (int i = 0; i < STACK_WORKERS; i++)
		close(fds[i]);
	for (int i = 0; i < 10; i++) {
		r = http_get(c, "/login");
		ck_assert_int_eq(r->status, 200);
		resp_free(r);
	}
	client_free(c);
	ck_assert_int_eq(stack_sh("grep -q \"dropped a connection: no complete request within 2 s\""
	                          " $1/ilnet.log"), 0);
}
END_TEST

START_TEST(one_ilnet_per_socket)
{
	/* A second serve on the same socket waits, then refuses; the first
	 * goes on serving. */
	long long t0 = now_ms();
	ck_assert_int_ne(stack_sh("ILNET_LOCK_WAIT=1 ILNET_DB=$1/ilnet.db ILNET_SOCKET=$1/ilnet.sock"
	                          " ILNET_RUNDIR=$1 \"$ILNET_BIN\" serve 2>$1/second.log"), 0);
	ck_assert_int_lt(now_ms() - t0, 5000);
	ck_assert_int_eq(stack_sh("grep -q \"not starting: another ilnet still serves\" $1/second.log"), 0);
	/* So does a restore. */
	ck_assert_int_ne(stack_sh("ILNET_DB=$1/ilnet.db ILNET_SOCKET=$1/ilnet.sock"
	                          " \"$ILNET_BIN\" restore $1/ilnet.db 2>$1/restore.log"), 0);
	ck_assert_int_eq(stack_sh("grep -q \"not restoring: ilnet is running\" $1/restore.log"), 0);
	struct client *c = client_new();
	struct resp *r = http_get(c, "/login");
	ck_assert_int_eq(r->status, 200);
	resp_free(r);
	client_free(c);
}
END_TEST

START_TEST(killed_supervisor_takes_its_workers)
{
	int sup = read_pid(S.dir), before[32];
	int n = stack_procs(before, 32);
	ck_assert_int_ge(n, STACK_WORKERS + 1);
	struct client *c = client_new();
	struct resp *g = http_get(c, "/login");
	char *tok = csrf_of(g);
	resp_free(g);
	char form[256];
	snprintf(form, sizeof form, "_csrf=%s&email=admin%%40example.org&password=" DEMO_PW, tok);
	free(tok);
	/* kill -9 the supervisor while a worker hashes a password (a tenth
	 * of a second of CPU into the request: argon2id takes longer). */
	long cpu0[32];
	for (int i = 0; i < n && i < 32; i++)
		cpu0[i] = proc_cpu(before[i]);
	pid_t killer = fork();
	if (killer == 0) {
		long tick = sysconf(_SC_CLK_TCK);
		for (long long t0 = now_ms(); now_ms() - t0 < 5000;) {
			int busy = 0;
			for (int i = 0; i < n && i < 32; i++)
				if (before[i] != sup && proc_cpu(before[i]) - cpu0[i] >= tick / 10)
					busy = 1;
			if (busy)
				break;
			sleep_ms(2);
		}
		_exit(kill(sup, SIGKILL) == 0 ? 0 : 1);
	}
	struct resp *r = http_post(c, "/login", form);
	int st;
	waitpid(killer, &st, 0);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	ck_assert_int_eq(r->status, 303);        /* the request in hand was finished */
	resp_free(r);
	/* Within a few seconds, nothing of that ilnet is left. */
	int left = -1, now[32];
	for (long long t0 = now_ms(); now_ms() - t0 < 5000; sleep_ms(50))
		if ((left = stack_procs(now, 32)) == 0)
			break;
	ck_assert_msg(left == 0, "%d processes of the killed ilnet remain", left);
	r = http_get(c, "/login");
	ck_assert_int_eq(r->status, 502);
	resp_free(r);
	/* A new supervisor takes the socket over and serves. */
	char cmd[128];
	snprintf(cmd, sizeof cmd, "\"$ILNET_ROOT/tests/stack\" serve $1 %d %d", S.port, S.smtp_port);
	ck_assert_int_eq(stack_sh(cmd), 0);
	ck_assert_int_ne(read_pid(S.dir), sup);
	r = http_get(c, "/");                    /* the session made as it died */
	ck_assert_int_eq(r->status, 200);
	resp_free(r);
	int m = stack_procs(now, 32);
	if (m < STACK_WORKERS + 1)
		stack_sh("grep -v ^time= $1/ilnet.log >&2");
	ck_assert_int_ge(m, STACK_WORKERS + 1);
	for (int i = 0; i < m && i < 32; i++)
		for (int k = 0; k < n && k < 32; k++)
			ck_assert_int_ne(now[i], before[k]);
	client_free(c);
}
END_TEST

/* ---- backup while saving, restored into a fresh stack ------------------ */

#define SAVERS      4
#define SAVE_MS     4000
#define BACKUPS     3

static void restored_dir(char *out, size_t n)
{
	snprintf(out, n, "%s-restored", S.dir);
}

static void backup_teardown(void)
{
	char dir[300];
	restored_dir(dir, sizeof dir);
	struct stat sb;
	if (stat(dir, &sb) == 0)
		stack_down_dir(dir);
	stack_down();
}

/* One client saving visits: it signs in, says so on ready, reads the
 * deadline from go, and saves until then; each save acknowledged (303)
 * is written to file as "NOTE ACK_MS". */
static int saver(int id, const char *school, const char *date, const char *file, int ready, int go)
{
	struct client *c = client_new();
	if (login(c, "coach@example.org", DEMO_PW) != 303)
		return 1;
	struct resp *g = http_get(c, "/visits");
	char *tok = csrf_of(g);
	resp_free(g);
	FILE *f = fopen(file, "w");
	long long deadline;
	if (!tok || !f || write(ready, "r", 1) != 1 || read(go, &deadline, sizeof deadline) != sizeof deadline)
		return 1;
	for (int i = 0; now_ms() < deadline; i++) {
		char form[512];
		snprintf(form, sizeof form, "_csrf=%s&school=%s&date=%s&time=10:00&minutes=60"
		         "&mode=onsite&activity=leadership&notes=bk-%d-%d", tok, school, date, id, i);
		struct resp *r = http_post(c, "/visits", form);
		long long ack = now_ms();
		if (r->status != 303) {
			fprintf(stderr, "saver %d: save %d answered %ld\n", id, i, r->status);
			return 1;
		}
		resp_free(r);
		fprintf(f, "bk-%d-%d %lld\n", id, i, ack);
		fflush(f);
	}
	fclose(f);
	free(tok);
	client_free(c);
	return 0;
}

struct ack {
	char note[32];
	long long at;
};

static int read_acks(const char *dir, struct ack *acks, int max)
{
	int n = 0;
	for (int id = 0; id < SAVERS; id++) {
		char path[400];
		snprintf(path, sizeof path, "%s/acks-%d.txt", dir, id);
		FILE *f = fopen(path, "r");
		ck_assert_msg(f != NULL, "%s missing", path);
		while (n < max && fscanf(f, "%31s %lld", acks[n].note, &acks[n].at) == 2)
			n++;
		fclose(f);
	}
	return n;
}

/* How many of the acks before `before` are missing from the visits of
 * the database at path. */
static int missing_in(const char *path, const struct ack *acks, int n, long long before, int *checked)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	ck_assert_int_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT count(*) FROM visits WHERE notes = ?", -1, &st, NULL),
	                 SQLITE_OK);
	int missing = 0;
	*checked = 0;
	for (int i = 0; i < n; i++) {
		if (acks[i].at >= before)
			continue;
		(*checked)++;
		sqlite3_bind_text(st, 1, acks[i].note, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_ROW || sqlite3_column_int(st, 0) != 1) {
			fprintf(stderr, "%s: %s (acknowledged %lld ms before) is missing\n", path,
			        acks[i].note, before - acks[i].at);
			missing++;
		}
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	return missing;
}

START_TEST(backup_while_saving_then_restore)
{
	char bdir[300], cmd[1200], date[11];
	restored_dir(bdir, sizeof bdir);
	ck_assert_int_eq(mkdir(bdir, 0755), 0);
	time_t t = time(NULL) - 2 * 86400;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(date, sizeof date, "%Y-%m-%d", &tm);
	char *school = db_value("SELECT gs.school_id FROM grant_schools gs JOIN grants g ON g.id = gs.grant_id"
	                        " WHERE g.org_id = (SELECT org_id FROM users WHERE email = 'coach@example.org')"
	                        " AND g.stage = 'active' AND gs.to_date IS NULL ORDER BY gs.school_id LIMIT 1");
	ck_assert(school != NULL);

	/* Clients save visits; meanwhile, backups. */
	int ready[2], go[2];
	ck_assert_int_eq(pipe(ready), 0);
	ck_assert_int_eq(pipe(go), 0);
	pid_t kids[SAVERS];
	for (int id = 0; id < SAVERS; id++) {
		kids[id] = fork();
		if (kids[id] == 0) {
			char file[400];
			snprintf(file, sizeof file, "%s/acks-%d.txt", bdir, id);
			_exit(saver(id, school, date, file, ready[1], go[0]));
		}
	}
	for (int id = 0; id < SAVERS; id++) {
		struct pollfd p = { .fd = ready[0], .events = POLLIN };
		char c;
		ck_assert_msg(poll(&p, 1, 20000) == 1 && read(ready[0], &c, 1) == 1, "a saver did not sign in");
	}
	long long deadline = now_ms() + SAVE_MS;
	for (int id = 0; id < SAVERS; id++)
		ck_assert_int_eq(write(go[1], &deadline, sizeof deadline), (int)sizeof deadline);
	long long started[BACKUPS];
	sleep_ms(SAVE_MS / 3);
	for (int k = 0; k < BACKUPS; k++) {
		started[k] = now_ms();
		snprintf(cmd, sizeof cmd, "ILNET_DB=%s/ilnet.db \"$ILNET_BIN\" backup %s/backup-%d.db"
		         " 2>>%s/backup.log", S.dir, bdir, k, bdir);
		ck_assert_int_eq(system(cmd), 0);
		sleep_ms(300);
	}
	for (int id = 0; id < SAVERS; id++) {
		int st;
		waitpid(kids[id], &st, 0);
		ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "saver %d failed", id);
	}
	close(ready[0]);
	close(ready[1]);
	close(go[0]);
	close(go[1]);
	static struct ack acks[100000];
	int n = read_acks(bdir, acks, 100000);
	ck_assert_int_gt(n, 0);

	/* Each backup holds every save acknowledged before it began. */
	for (int k = 0; k < BACKUPS; k++) {
		char path[400];
		int checked;
		snprintf(path, sizeof path, "%s/backup-%d.db", bdir, k);
		ck_assert_int_eq(missing_in(path, acks, n, started[k], &checked), 0);
		ck_assert_msg(checked > 0, "no save before backup %d", k);
	}
	/* The backups ran while saves went on (on a loaded machine, under the
	 * sanitizers, the last backup may start after the savers stopped). */
	int after_first = 0;
	for (int i = 0; i < n; i++)
		after_first += acks[i].at > started[0];
	ck_assert_msg(after_first > 0, "no save went on during the backups (%d saves)", n);

	/* Stop the stack; restore the last backup into a fresh stack folder. */
	snprintf(cmd, sizeof cmd, "\"$ILNET_ROOT/tests/stack\" stop %s", S.dir);
	ck_assert_int_eq(system(cmd), 0);
	ck_assert(snprintf(cmd, sizeof cmd, "ILNET_DB=%s/ilnet.db ILNET_SOCKET=%s/ilnet.sock \"$ILNET_BIN\""
	                   " restore %s/backup-%d.db 2>>%s/backup.log", bdir, bdir, bdir, BACKUPS - 1, bdir)
	          < (int)sizeof cmd);
	ck_assert_int_eq(system(cmd), 0);
	ck_assert(snprintf(S.dir, sizeof S.dir, "%s", bdir) < (int)sizeof S.dir);
	S.port = free_port();
	snprintf(S.base, sizeof S.base, "http://127.0.0.1:%d", S.port);
	snprintf(cmd, sizeof cmd, "ILNET_TEST_NO_DEMO=1 \"$ILNET_ROOT/tests/stack\" start %s %d", S.dir, S.port);
	ck_assert_int_eq(system(cmd), 0);

	/* It serves, and every save acknowledged before that backup is there. */
	struct client *c = client_new();
	ck_assert_int_eq(login(c, "coach@example.org", DEMO_PW), 303);
	char page[64];
	snprintf(page, sizeof page, "/visits?school=%s", school);
	struct resp *r = http_get(c, page);
	ck_assert_int_eq(r->status, 200);
	resp_free(r);
	client_free(c);
	char path[400];
	int checked;
	snprintf(path, sizeof path, "%s/ilnet.db", S.dir);
	ck_assert_int_eq(missing_in(path, acks, n, started[BACKUPS - 1], &checked), 0);
	ck_assert_int_gt(checked, 0);
	free(school);
}
END_TEST

void add_fault_cases(Suite *s);
void add_fault_cases(Suite *s)
{
	TCase *t = tcase_create("faults");
	tcase_add_unchecked_fixture(t, faults_up, stack_down);
	tcase_set_timeout(t, 60);
	tcase_add_test(t, socket_is_private_and_silence_is_dropped);
	tcase_add_test(t, one_ilnet_per_socket);
	tcase_add_test(t, killed_supervisor_takes_its_workers);
	suite_add_tcase(s, t);
	TCase *b = tcase_create("backup");
	tcase_add_unchecked_fixture(b, stack_up, backup_teardown);
	tcase_set_timeout(b, 90);
	tcase_add_test(b, backup_while_saving_then_restore);
	suite_add_tcase(s, b);
}
