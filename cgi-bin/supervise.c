/* supervise.c — crash-loop backoff and the run lock (see include/supervise.h). */
#include "supervise.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

long long slot_ended(struct slot *s, long long now_ms)
{
	/* Keep the ends still inside the window, then add this one first. */
	int kept = 0;
	for (int i = 0; i < s->nends && kept < SLOT_MEMORY - 1; i++)
		if (now_ms - s->ends[i] < SLOT_WINDOW_MS)
			s->ends[kept++] = s->ends[i];
	memmove(s->ends + 1, s->ends, (size_t)kept * sizeof s->ends[0]);
	s->ends[0] = now_ms;
	s->nends = kept + 1;

	long long delay = 0;
	if (s->nends > 1) {
		delay = SLOT_BACKOFF_MS;
		for (int i = 2; i < s->nends && delay < SLOT_BACKOFF_MAX_MS; i++)
			delay *= 2;
		if (delay > SLOT_BACKOFF_MAX_MS)
			delay = SLOT_BACKOFF_MAX_MS;
	}
	s->restart_at = now_ms + delay;
	return delay;
}

long long supervise_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int supervise_lock(const char *path, int wait_ms, char *err, size_t errlen)
{
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		int e = errno;
		snprintf(err, errlen, "cannot open the lock file %s: %s", path, strerror(e));
		errno = e;
		return -1;
	}
	long long deadline = supervise_now_ms() + wait_ms;
	for (;;) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return fd;
		if (errno != EWOULDBLOCK && errno != EINTR) {
			snprintf(err, errlen, "cannot lock %s: %s", path, strerror(errno));
			close(fd);
			return -1;
		}
		if (supervise_now_ms() >= deadline)
			break;
		struct timespec ts = {0, 50 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	snprintf(err, errlen, "%s is locked by another process", path);
	close(fd);
	return -2;
}
