/* writeq.h — a first-come, first-served queue for the database's one write
 * lock, shared by every process that maps the same small file.
 *
 * SQLite lets one writer in at a time and makes the others wait in its busy
 * handler, which sleeps and retries: whoever polls at the right moment wins,
 * so an unlucky writer can sleep again and again.  This queue hands the turn
 * over in arrival order instead: a ticket lock (an atomic fetch-and-add on a
 * counter in a MAP_SHARED mapping), each waiter sleeping on a futex word of
 * its own slot, woken by the writer before it.
 *
 * The queue decides only who goes next; SQLite's own lock still guards the
 * data, so a queue that is absent or confused can cost fairness, never
 * correctness.
 *
 * A process that dies holding its turn (or waiting for it) is passed over:
 * each ticket records its owner's pid, and whoever waits behind a dead owner
 * (kill(pid, 0) fails, or the process is a zombie) moves the queue on; the
 * supervisor may also call writeq_forget() for a child it has reaped.
 *
 * The state of a process (the mapping, the ticket it holds) is one set of
 * statics: a process holds at most one turn at a time.  Not thread-safe.
 */
#ifndef ILNET_WRITEQ_H
#define ILNET_WRITEQ_H

#include <sys/types.h>

/* Map the queue file at path (created if missing; when fresh is set, a new
 * empty file replaces it, which only the process that starts the others
 * should ask for).  The mapping is inherited by children forked afterwards.
 * Replaces an earlier mapping.  0, or -1 with errno set (the queue is then
 * off). */
int writeq_open(const char *path, int fresh);

/* Unmap (giving up a turn still held). */
void writeq_close(void);

/* Whether a queue is mapped. */
int writeq_on(void);

enum writeq_result {
	WRITEQ_HELD = 0,        /* this process's turn, until writeq_release() */
	WRITEQ_OFF = 1,         /* no queue mapped: go ahead unqueued */
	WRITEQ_TIMEOUT = -1,    /* not our turn within wait_ms; nothing held */
};

/* Take a ticket and wait (at most wait_ms milliseconds) for its turn.
 * Returns at once with WRITEQ_HELD when the turn is already held. */
enum writeq_result writeq_acquire(long wait_ms);

/* Give the turn to the next ticket.  Does nothing when none is held. */
void writeq_release(void);

/* 1 while this process holds the turn. */
int writeq_held(void);

/* Pass over every ticket of pid (a process known to be dead). */
void writeq_forget(pid_t pid);

/* Tickets taken and not yet done: the holder plus those waiting (for tests
 * and diagnostics).  0 when no queue is mapped. */
unsigned writeq_depth(void);

#endif
