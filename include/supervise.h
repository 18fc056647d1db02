/* supervise.h — the supervisor's rules that stand alone: when a worker
 * slot whose process ended may start a new one (crash-loop backoff), and
 * the lock that keeps one ilnet, with its workers, per socket.
 */
#ifndef ILNET_SUPERVISE_H
#define ILNET_SUPERVISE_H

#include <stddef.h>
#include <sys/types.h>

#define SLOT_MEMORY         16                /* recent ends a slot remembers */
#define SLOT_WINDOW_MS      (5 * 60 * 1000)   /* ends older than this are forgotten */
#define SLOT_BACKOFF_MS     500               /* the delay after a second recent end */
#define SLOT_BACKOFF_MAX_MS (30 * 1000)

/* One worker (or the mail sender) the supervisor keeps running. */
struct slot {
	pid_t pid;                      /* 0: not running */
	long long restart_at;           /* monotonic ms when it may start again */
	long long ends[SLOT_MEMORY];    /* its recent unexpected ends, newest first */
	int nends;
};

/* Record that the slot's process ended unexpectedly at now_ms (a
 * monotonic clock) and set s->restart_at.  The first end within
 * SLOT_WINDOW_MS is replaced at once; each further one waits twice as
 * long as the one before, from SLOT_BACKOFF_MS up to SLOT_BACKOFF_MAX_MS,
 * so a crash loop cannot spin while one odd crash costs nothing.  Only
 * this slot waits.  Returns the delay in ms (0: start now). */
long long slot_ended(struct slot *s, long long now_ms);

/* Take the exclusive flock() on path (created 0600 if missing), trying
 * for up to wait_ms while another process holds it.  Returns the open
 * descriptor, to be kept open for as long as the lock should last (a
 * child forked afterwards shares it: the lock is free only once every
 * holder has exited); -2 when it is still held; -1 on another error,
 * with a message in err (and errno ENOENT when path's folder is missing). */
int supervise_lock(const char *path, int wait_ms, char *err, size_t errlen);

/* A monotonic clock in ms. */
long long supervise_now_ms(void);

#endif
