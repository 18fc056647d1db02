/* test_writeq.c — the write queue across processes: arrival order, holders
 * and waiters that die, waiters that give up; and db_begin's 503 when no
 * turn or no lock comes in time. */
#include "unit.h"
#include "db.h"
#include "writeq.h"

#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char qpath[64];

static void queue_up(void)
{
	snprintf(qpath, sizeof qpath, "/tmp/ilnet-writeq-XXXXXX");
	int fd = mkstemp(qpath);
	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(writeq_open(qpath, 1), 0);
}

static void queue_down(void)
{
	writeq_close();
	unlink(qpath);
}

static long long ms_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait (up to 5 s) until depth tickets are out. */
static void wait_depth(unsigned depth)
{
	for (int i = 0; i < 5000 && writeq_depth() != depth; i++)
		usleep(1000);
	ck_assert_uint_eq(writeq_depth(), depth);
}

static int exit_code(pid_t pid)
{
	int st;
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 100 + WTERMSIG(st);
}

START_TEST(off_without_a_file_and_reentrant)
{
	ck_assert(!writeq_on());
	ck_assert_int_eq(writeq_acquire(10), WRITEQ_OFF);
	writeq_release();                   /* nothing held: nothing happens */
	queue_up();
	ck_assert_int_eq(writeq_acquire(10), WRITEQ_HELD);
	ck_assert_int_eq(writeq_acquire(10), WRITEQ_HELD);   /* already ours */
	ck_assert_uint_eq(writeq_depth(), 1);
	writeq_release();
	ck_assert(!writeq_held());
	ck_assert_uint_eq(writeq_depth(), 0);
	/* Another file of the wrong kind is refused. */
	char other[64];
	snprintf(other, sizeof other, "/tmp/ilnet-writeq-XXXXXX");
	int fd = mkstemp(other);
	ck_assert_int_eq(write(fd, "not a queue", 11), 11);
	close(fd);
	ck_assert_int_eq(writeq_open(other, 0), -1);
	ck_assert(!writeq_on());
	unlink(other);
	queue_down();
}
END_TEST

START_TEST(turns_come_in_arrival_order)
{
	enum { K = 6 };
	queue_up();
	_Atomic int *shared = mmap(NULL, sizeof(int) * (K + 1), PROT_READ | PROT_WRITE,
	                           MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ck_assert_ptr_ne(shared, MAP_FAILED);
	ck_assert_int_eq(writeq_acquire(1000), WRITEQ_HELD);
	pid_t kids[K];
	for (int i = 0; i < K; i++) {
		kids[i] = fork();
		if (kids[i] == 0) {
			if (writeq_acquire(10000) != WRITEQ_HELD)
				_exit(1);
			int at = atomic_fetch_add(&shared[K], 1);
			atomic_store(&shared[at], i);
			usleep(2000);
			writeq_release();
			_exit(0);
		}
		wait_depth((unsigned)i + 2);    /* queued before the next one starts */
	}
	writeq_release();
	for (int i = 0; i < K; i++)
		ck_assert_int_eq(exit_code(kids[i]), 0);
	ck_assert_int_eq(atomic_load(&shared[K]), K);
	for (int i = 0; i < K; i++)
		ck_assert_int_eq(atomic_load(&shared[i]), i);
	ck_assert_uint_eq(writeq_depth(), 0);
	munmap(shared, sizeof(int) * (K + 1));
	queue_down();
}
END_TEST

START_TEST(a_holder_that_dies_is_passed_over)
{
	queue_up();
	/* Dies holding its turn, and is reaped. */
	pid_t kid = fork();
	if (kid == 0)
		_exit(writeq_acquire(1000) == WRITEQ_HELD ? 0 : 1);
	ck_assert_int_eq(exit_code(kid), 0);
	ck_assert_uint_eq(writeq_depth(), 1);
	long long t0 = ms_now();
	ck_assert_int_eq(writeq_acquire(5000), WRITEQ_HELD);
	ck_assert_int_lt(ms_now() - t0, 2000);
	writeq_release();

	/* Killed holding its turn, and not yet reaped (a zombie still answers
	 * kill(pid, 0)). */
	kid = fork();
	if (kid == 0) {
		if (writeq_acquire(1000) != WRITEQ_HELD)
			_exit(1);
		raise(SIGKILL);
	}
	wait_depth(1);
	for (int i = 0; i < 5000; i++) {    /* until it has died */
		char path[64], st[256] = "";
		snprintf(path, sizeof path, "/proc/%d/stat", (int)kid);
		FILE *f = fopen(path, "r");
		if (f) {
			if (!fgets(st, sizeof st, f))
				st[0] = '\0';
			fclose(f);
		}
		const char *p = strrchr(st, ')');
		if (!f || (p && p[2] == 'Z'))
			break;
		usleep(1000);
	}
	t0 = ms_now();
	ck_assert_int_eq(writeq_acquire(5000), WRITEQ_HELD);
	ck_assert_int_lt(ms_now() - t0, 2000);
	ck_assert_int_eq(exit_code(kid), 100 + SIGKILL);
	writeq_release();
	ck_assert_uint_eq(writeq_depth(), 0);
	queue_down();
}
END_TEST

START_TEST(a_waiter_that_dies_is_passed_over)
{
	queue_up();
	ck_assert_int_eq(writeq_acquire(1000), WRITEQ_HELD);
	pid_t dead = fork();
	if (dead == 0)
		_exit(writeq_acquire(10000) == WRITEQ_HELD ? 0 : 1);
	wait_depth(2);
	kill(dead, SIGKILL);
	ck_assert_int_eq(exit_code(dead), 100 + SIGKILL);
	pid_t next = fork();
	if (next == 0) {
		long long t = ms_now();
		if (writeq_acquire(10000) != WRITEQ_HELD)
			_exit(1);
		writeq_release();
		_exit(ms_now() - t < 3000 ? 0 : 2);
	}
	wait_depth(3);
	writeq_release();
	ck_assert_int_eq(exit_code(next), 0);
	ck_assert_uint_eq(writeq_depth(), 0);
	queue_down();
}
END_TEST

START_TEST(a_waiter_that_gives_up_leaves_the_queue)
{
	queue_up();
	ck_assert_int_eq(writeq_acquire(1000), WRITEQ_HELD);
	pid_t kid = fork();
	if (kid == 0) {
		long long t = ms_now();
		if (writeq_acquire(100) != WRITEQ_TIMEOUT)
			_exit(1);
		long long took = ms_now() - t;
		_exit(took >= 100 && took < 2000 ? 0 : 2);
	}
	ck_assert_int_eq(exit_code(kid), 0);
	ck_assert(writeq_held());
	writeq_release();
	/* Its ticket is passed over: the queue is empty, and free at once. */
	ck_assert_uint_eq(writeq_depth(), 0);
	long long t0 = ms_now();
	ck_assert_int_eq(writeq_acquire(1000), WRITEQ_HELD);
	ck_assert_int_lt(ms_now() - t0, 50);
	writeq_release();
	queue_down();
}
END_TEST

START_TEST(the_supervisor_forgets_a_dead_child)
{
	queue_up();
	pid_t kid = fork();
	if (kid == 0) {
		if (writeq_acquire(1000) != WRITEQ_HELD)
			_exit(1);
		pause();
		_exit(0);
	}
	wait_depth(1);
	/* Still alive (stopped, say); the supervisor knows better. */
	writeq_forget(kid);
	ck_assert_uint_eq(writeq_depth(), 0);
	long long t0 = ms_now();
	ck_assert_int_eq(writeq_acquire(1000), WRITEQ_HELD);
	ck_assert_int_lt(ms_now() - t0, 50);
	writeq_release();
	kill(kid, SIGKILL);
	exit_code(kid);
	queue_down();
}
END_TEST

START_TEST(a_fresh_queue_leaves_the_old_one_alone)
{
	queue_up();
	ck_assert_int_eq(writeq_acquire(1000), WRITEQ_HELD);
	/* A new supervisor starting over the same path gets a new, empty
	 * queue; the old one's holder still holds its own. */
	pid_t kid = fork();
	if (kid == 0) {
		if (writeq_open(qpath, 1) != 0 || writeq_depth() != 0)
			_exit(1);
		_exit(writeq_acquire(100) == WRITEQ_HELD ? 0 : 2);
	}
	ck_assert_int_eq(exit_code(kid), 0);
	ck_assert(writeq_held());
	ck_assert_uint_eq(writeq_depth(), 1);
	writeq_release();
	queue_down();
}
END_TEST

static void begin_commit(struct req *r)
{
	db_begin(r);
	db_exec(r, "INSERT INTO t VALUES (1)", "");
	db_commit(r);
}

/* A request over a database file (the queue and the lock need a file). */
static struct req *file_req(const char *path)
{
	sqlite3 *db;
	char err[256];
	ck_assert_int_eq(db_open(path, &db, err, sizeof err), SQLITE_OK);
	struct req *r = calloc(1, sizeof *r);
	req_init(r, db);
	return r;
}

START_TEST(no_turn_in_time_is_503_and_nothing_saved)
{
	char path[64];
	snprintf(path, sizeof path, "/tmp/ilnet-writeq-db-XXXXXX");
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	close(fd);
	setenv("ILNET_WRITE_WAIT_MS", "150", 1);
	struct req *r = file_req(path);
	sqlite3_exec(r->db, "CREATE TABLE t (i)", NULL, NULL, NULL);
	queue_up();

	/* Another process holds the turn. */
	pid_t kid = fork();
	if (kid == 0) {
		if (writeq_acquire(1000) != WRITEQ_HELD)
			_exit(1);
		pause();
		_exit(0);
	}
	wait_depth(1);
	long long t0 = ms_now();
	ck_assert_int_eq(test_run(r, begin_commit), 503);
	ck_assert_int_ge(ms_now() - t0, 150);
	ck_assert_ptr_nonnull(strstr(r->fail_msg, "no turn"));
	ck_assert(!writeq_held());
	kill(kid, SIGKILL);
	exit_code(kid);

	/* A lock held outside the queue (another program): the busy handler
	 * polls, then gives up with 503, not 500. */
	sqlite3 *other;
	ck_assert_int_eq(sqlite3_open(path, &other), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
	ck_assert_int_eq(test_run(r, begin_commit), 503);
	ck_assert_ptr_nonnull(strstr(r->fail_msg, "locked"));
	ck_assert(!writeq_held());          /* the turn was passed on */
	ck_assert_uint_eq(writeq_depth(), 0);
	sqlite3_exec(other, "COMMIT", NULL, NULL, NULL);

	/* Free again: the save goes through, and only it was saved. */
	ck_assert_int_eq(test_run(r, begin_commit), 0);
	ck_assert(!writeq_held());
	sqlite3_stmt *st;
	sqlite3_prepare_v2(other, "SELECT count(*) FROM t", -1, &st, NULL);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	ck_assert_int_eq(sqlite3_column_int(st, 0), 1);
	sqlite3_finalize(st);
	sqlite3_close(other);

	unsetenv("ILNET_WRITE_WAIT_MS");
	test_req_free(r);
	queue_down();
	char side[80];
	unlink(path);
	snprintf(side, sizeof side, "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof side, "%s-shm", path);
	unlink(side);
}
END_TEST

Suite *writeq_suite(void)
{
	Suite *s = suite_create("writeq");
	TCase *t = tcase_create("queue");
	tcase_set_timeout(t, 30);
	tcase_add_test(t, off_without_a_file_and_reentrant);
	tcase_add_test(t, turns_come_in_arrival_order);
	tcase_add_test(t, a_holder_that_dies_is_passed_over);
	tcase_add_test(t, a_waiter_that_dies_is_passed_over);
	tcase_add_test(t, a_waiter_that_gives_up_leaves_the_queue);
	tcase_add_test(t, the_supervisor_forgets_a_dead_child);
	tcase_add_test(t, a_fresh_queue_leaves_the_old_one_alone);
	tcase_add_test(t, no_turn_in_time_is_503_and_nothing_saved);
	suite_add_tcase(s, t);
	return s;
}
