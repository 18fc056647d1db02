/* test_supervise.c — the crash-loop backoff and the run lock. */
#include "unit.h"
#include "supervise.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

START_TEST(first_end_is_replaced_at_once)
{
	struct slot s = {0};
	ck_assert_int_eq(slot_ended(&s, 1000000), 0);
	ck_assert_int_eq(s.restart_at, 1000000);
	ck_assert_int_eq(s.nends, 1);
}
END_TEST

START_TEST(a_crash_loop_backs_off_to_the_cap)
{
	struct slot s = {0};
	long long t = 5000000, want[] = { 0, 500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000 };
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		long long d = slot_ended(&s, t);
		ck_assert_msg(d == want[i], "end %zu: delay %lld, want %lld", i, d, want[i]);
		ck_assert_int_eq(s.restart_at, t + d);
		t += d + 10;               /* it crashes 10 ms after each start */
	}
	/* Stays capped however long it goes on: the window holds enough ends. */
	for (int i = 0; i < 100; i++) {
		long long d = slot_ended(&s, t);
		ck_assert_int_eq(d, SLOT_BACKOFF_MAX_MS);
		t += d + 10;
	}
	ck_assert_int_le(s.nends, SLOT_MEMORY);
}
END_TEST

START_TEST(ends_far_apart_cost_nothing)
{
	struct slot s = {0};
	long long t = 0;
	for (int i = 0; i < 5; i++) {
		ck_assert_int_eq(slot_ended(&s, t), 0);
		t += SLOT_WINDOW_MS + 1;
	}
	ck_assert_int_eq(s.nends, 1);
	/* Two close together: the second waits; after a quiet window, none. */
	ck_assert_int_eq(slot_ended(&s, t), 0);
	ck_assert_int_eq(slot_ended(&s, t + 100), SLOT_BACKOFF_MS);
	ck_assert_int_eq(slot_ended(&s, t + 100 + SLOT_WINDOW_MS), 0);
	ck_assert_int_eq(s.nends, 1);
}
END_TEST

START_TEST(slots_are_independent)
{
	struct slot a = {0}, b = {0};
	for (int i = 0; i < 6; i++)
		slot_ended(&a, 1000 + i);
	ck_assert_int_gt(a.restart_at, 1000 + 5);
	ck_assert_int_eq(slot_ended(&b, 1006), 0);
	ck_assert_int_eq(b.restart_at, 1006);
}
END_TEST

START_TEST(run_lock_is_shared_with_children)
{
	char dir[] = "/tmp/ilnet-ut-lock-XXXXXX", path[128], err[256];
	ck_assert(mkdtemp(dir) != NULL);
	snprintf(path, sizeof path, "%s/ilnet.sock.lock", dir);
	int fd = supervise_lock(path, 0, err, sizeof err);
	ck_assert_int_ge(fd, 0);
	/* A child forked now holds it too, after the parent lets go. */
	int go[2];
	ck_assert_int_eq(pipe(go), 0);
	pid_t child = fork();
	if (child == 0) {
		char c;
		close(go[1]);
		(void)!read(go[0], &c, 1);   /* until the parent says */
		_exit(0);
	}
	close(go[0]);
	close(fd);
	ck_assert_int_eq(supervise_lock(path, 100, err, sizeof err), -2);
	ck_assert(strstr(err, "locked") != NULL);
	/* Once the last holder has gone, the lock is free. */
	ck_assert_int_eq(write(go[1], "x", 1), 1);
	close(go[1]);
	waitpid(child, NULL, 0);
	fd = supervise_lock(path, 1000, err, sizeof err);
	ck_assert_int_ge(fd, 0);
	close(fd);
	/* No folder: an error restore can tell apart (nothing serves there). */
	snprintf(path, sizeof path, "%s/gone/ilnet.sock.lock", dir);
	ck_assert_int_eq(supervise_lock(path, 0, err, sizeof err), -1);
	ck_assert_int_eq(errno, ENOENT);
	snprintf(path, sizeof path, "%s/ilnet.sock.lock", dir);
	unlink(path);
	rmdir(dir);
}
END_TEST

Suite *supervise_suite(void)
{
	Suite *s = suite_create("supervise");
	TCase *t = tcase_create("backoff");
	tcase_add_test(t, first_end_is_replaced_at_once);
	tcase_add_test(t, a_crash_loop_backs_off_to_the_cap);
	tcase_add_test(t, ends_far_apart_cost_nothing);
	tcase_add_test(t, slots_are_independent);
	tcase_add_test(t, run_lock_is_shared_with_children);
	suite_add_tcase(s, t);
	return s;
}
