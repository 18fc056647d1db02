/* writeq.c — a FIFO queue for the write lock across processes (see
 * include/writeq.h).
 *
 * Layout of the shared file: two counters and a ring of slots.
 *   next     the next ticket to hand out (fetch-and-add)
 *   serving  the ticket whose turn it is
 *   slot[t % WQ_SLOTS].owner  t << 32 | WQ_PUB | pid  (pid 0: given up)
 *   slot[t % WQ_SLOTS].wake   futex word, bumped when serving reaches t
 * A slot whose owner names another ticket is not yet published: its owner
 * has taken the ticket and is about to write its pid there.
 *
 * Memory order: every access is sequentially consistent.  A waiter giving
 * up stores its owner word and then reads serving; the holder releasing
 * stores serving and then reads the owner word; so at least one of the two
 * sees the other and passes the given-up ticket on.
 */
#include "writeq.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define WQ_MAGIC 0x51576c69u            /* "ilWQ" */
#define WQ_SLOTS 256                    /* more than processes that write */
#define WQ_PUB 0x80000000u              /* the owner word is written */
#define WQ_PID 0x7fffffffu
#define WQ_NEXT_IN_LINE_MS 2            /* how often the next waiter looks at the holder */
#define WQ_BEHIND_MS 20                 /* how often the others do */
#define WQ_ZOMBIE_AFTER_MS 100          /* look for an unreaped holder after this */
#define WQ_UNPUBLISHED_MS 500           /* a ticket taken and never claimed */

struct wq_slot {
	_Atomic uint64_t owner;
	_Atomic uint32_t wake;
	uint32_t pad;
};

struct wq_shared {
	_Atomic uint32_t magic;
	_Atomic uint32_t next;
	_Atomic uint32_t serving;
	uint32_t pad;
	struct wq_slot slot[WQ_SLOTS];
};

_Static_assert(sizeof(_Atomic uint32_t) == sizeof(uint32_t), "futex words are plain 32-bit words");

static struct wq_shared *q;
static uint32_t my_ticket;
static pid_t held_by;                   /* the pid that holds my_ticket, or 0 */

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void futex_wait(_Atomic uint32_t *word, uint32_t seen, long long ms)
{
	if (ms < 1)
		ms = 1;
	struct timespec ts = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000L };
	/* Not FUTEX_PRIVATE: the word is shared between processes. */
	syscall(SYS_futex, (uint32_t *)word, FUTEX_WAIT, seen, &ts, NULL, 0);
}

static void futex_wake(_Atomic uint32_t *word)
{
	syscall(SYS_futex, (uint32_t *)word, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
}

/* 0 when pid has ended.  A zombie (ended, not yet reaped by its parent)
 * still answers kill(); with deep set, /proc tells it apart.  Unsure means
 * alive: passing over a live holder costs fairness, so be sure. */
static int pid_alive(pid_t pid, int deep)
{
	if (kill(pid, 0) != 0 && errno == ESRCH)
		return 0;
	if (!deep)
		return 1;
	char path[64], stat[512];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 1;
	ssize_t n = read(fd, stat, sizeof stat - 1);
	close(fd);
	if (n <= 0)
		return 1;
	stat[n] = '\0';
	const char *p = strrchr(stat, ')');    /* the name may hold spaces and parens */
	return !(p && p[1] == ' ' && (p[2] == 'Z' || p[2] == 'X'));
}

/* Move serving from s to s + 1 and wake the owner of s + 1, if that ticket
 * is out (one taken later sees its turn before it would sleep).  0 when
 * someone else moved it first. */
static int advance(uint32_t s)
{
	if (!atomic_compare_exchange_strong(&q->serving, &s, s + 1))
		return 0;
	if (atomic_load(&q->next) == s + 1)
		return 1;
	struct wq_slot *sl = &q->slot[(s + 1) % WQ_SLOTS];
	atomic_fetch_add(&sl->wake, 1);
	futex_wake(&sl->wake);
	return 1;
}

/* While the turn belongs to a ticket whose owner gave up or died, pass it
 * on.  stuck_ms: how long the caller has seen the turn stay where it is
 * (an unpublished ticket is passed over only after WQ_UNPUBLISHED_MS). */
static void pass_dead(long long stuck_ms)
{
	pid_t me = getpid();
	for (;;) {
		uint32_t s = atomic_load(&q->serving);
		if (s == atomic_load(&q->next))
			return;                         /* nobody holds or waits */
		uint64_t o = atomic_load(&q->slot[s % WQ_SLOTS].owner);
		pid_t pid = (pid_t)((uint32_t)o & WQ_PID);
		if ((uint32_t)(o >> 32) != s || !(o & WQ_PUB)) {
			if (stuck_ms < WQ_UNPUBLISHED_MS)
				return;
			stuck_ms = 0;               /* judge the next one afresh */
		} else if (pid == me || (pid && pid_alive(pid, stuck_ms >= WQ_ZOMBIE_AFTER_MS))) {
			return;
		}
		advance(s);
	}
}

int writeq_open(const char *path, int fresh)
{
	writeq_close();
	/* A fresh queue is a new file: processes still using an old one (an
	 * earlier supervisor's, say) keep theirs, and are never confused. */
	if (fresh && unlink(path) != 0 && errno != ENOENT)
		return -1;
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	struct stat st;
	if (fstat(fd, &st) != 0 ||
	    (st.st_size < (off_t)sizeof *q && ftruncate(fd, sizeof *q) != 0)) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	void *m = mmap(NULL, sizeof *q, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	int e = errno;
	close(fd);
	if (m == MAP_FAILED) {
		errno = e;
		return -1;
	}
	struct wq_shared *w = m;
	uint32_t zero = 0;
	if (!atomic_compare_exchange_strong(&w->magic, &zero, WQ_MAGIC) && zero != WQ_MAGIC) {
		munmap(m, sizeof *q);
		errno = EINVAL;             /* some other file */
		return -1;
	}
	q = w;
	return 0;
}

void writeq_close(void)
{
	if (!q)
		return;
	writeq_release();
	munmap(q, sizeof *q);
	q = NULL;
}

int writeq_on(void)
{
	return q != NULL;
}

int writeq_held(void)
{
	return q && held_by && held_by == getpid();
}

/* Give up ticket t (timed out): mark it, and pass the turn on if it came
 * meanwhile. */
static void give_up(uint32_t t)
{
	atomic_store(&q->slot[t % WQ_SLOTS].owner, (uint64_t)t << 32 | WQ_PUB);
	pass_dead(0);
}

enum writeq_result writeq_acquire(long wait_ms)
{
	if (!q)
		return WRITEQ_OFF;
	pid_t me = getpid();
	if (held_by == me)
		return WRITEQ_HELD;
	held_by = 0;                        /* a copy inherited over fork() */
	long long deadline = now_ms() + (wait_ms > 0 ? wait_ms : 0);
	for (;;) {
		if (atomic_load(&q->next) - atomic_load(&q->serving) >= WQ_SLOTS - 1)
			return WRITEQ_OFF;          /* never with sane process counts */
		uint32_t t = atomic_fetch_add(&q->next, 1);
		struct wq_slot *sl = &q->slot[t % WQ_SLOTS];
		atomic_store(&sl->owner, (uint64_t)t << 32 | WQ_PUB | (uint32_t)me);
		uint32_t last = atomic_load(&q->serving);
		long long since = now_ms(), looked = since;
		for (;;) {
			uint32_t w = atomic_load(&sl->wake);
			uint32_t s = atomic_load(&q->serving);
			if (s == t) {
				my_ticket = t;
				held_by = me;
				return WRITEQ_HELD;
			}
			if ((int32_t)(s - t) > 0)
				break;              /* passed over while slow: queue again */
			long long now = now_ms();
			if (s != last) {
				last = s;
				since = now;
			}
			if (now >= deadline) {
				give_up(t);
				return WRITEQ_TIMEOUT;
			}
			long long step = t - s == 1 ? WQ_NEXT_IN_LINE_MS : WQ_BEHIND_MS;
			if (now - looked >= step) {
				looked = now;
				pass_dead(now - since);
				continue;
			}
			long long sleep = step - (now - looked);
			futex_wait(&sl->wake, w, sleep < deadline - now ? sleep : deadline - now);
		}
	}
}

void writeq_release(void)
{
	if (!writeq_held())
		return;
	held_by = 0;
	advance(my_ticket);
	pass_dead(0);
}

void writeq_forget(pid_t pid)
{
	if (!q || pid <= 0)
		return;
	for (int i = 0; i < WQ_SLOTS; i++) {
		uint64_t o = atomic_load(&q->slot[i].owner);
		if ((o & WQ_PUB) && (pid_t)((uint32_t)o & WQ_PID) == pid)
			atomic_compare_exchange_strong(&q->slot[i].owner, &o, o & ~(uint64_t)WQ_PID);
	}
	pass_dead(0);
}

unsigned writeq_depth(void)
{
	return q ? atomic_load(&q->next) - atomic_load(&q->serving) : 0;
}
