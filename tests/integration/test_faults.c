/* test_faults.c — the core under faults, on a stack of its own: a
 * private socket and silent connections dropped in time; one ilnet per
 * socket; workers that die with a killed supervisor, and a new one that
 * takes over. */
#include "harness.h"

#include <curl/curl.h>
#include <dirent.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
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
	/* A connection that stalls inside its first record is dropped too. */
	int partial = connect_raw();
	ck_assert_int_eq(write(partial, "\x01\x01\x00\x01", 4), 4);
	ck_assert_int_ge(wait_closed(partial, (REQUEST_TIMEOUT + 4) * 1000), 0);
	close(partial);
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
}
