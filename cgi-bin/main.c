/* main.c — the ilnet program: a supervisor of preforked FastCGI workers
 * (and of the mail sender), plus the set-up commands.
 *
 *   ilnet serve     migrate, open the socket, fork workers, keep them alive
 *   ilnet migrate   apply the migrations in db/migrations
 *   ilnet demo      load the demo region and demo accounts (never run by
 *                   serve: demo data exists only where asked for)
 *   ilnet add-admin EMAIL NAME   a new deployment's first administrator
 *   ilnet backup FILE   a consistent copy of the database, while it runs
 *   ilnet restore FILE  put a copy back (only while no ilnet serves)
 *
 * Configuration is by environment (see README.md): ILNET_DB, ILNET_SOCKET,
 * ILNET_SOCKET_GROUP, ILNET_WORKERS, ILNET_RUNDIR, ILNET_REQUEST_TIMEOUT,
 * ILNET_SMTP_URL, ILNET_BASE_URL, ...
 *
 * One ilnet per socket: serve holds an flock() on ILNET_SOCKET.lock that
 * its workers inherit, so the socket is never taken over while any process
 * of an earlier ilnet (even orphaned workers) may still be serving it.
 */
#include "app.h"
#include "backup.h"
#include "db.h"
#include "demo.h"
#include "mail.h"
#include "convening.h"
#include "seats.h"
#include "season.h"
#include "req.h"
#include "route.h"
#include "summary.h"
#include "supervise.h"
#include "survey.h"
#include "writeq.h"

#include <curl/curl.h>
#include <errno.h>
#include <fastcgi.h>
#include <fcgiapp.h>
#include <grp.h>
#include <malloc.h>
#include <pwd.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef ILNET_ROOT
#define ILNET_ROOT "."
#endif

#define MAX_WORKERS 64

static const char *conf(const char *name, const char *dflt)
{
	const char *v = getenv(name);
	return v && *v ? v : dflt;
}

static const char *db_path(void) { return conf("ILNET_DB", ILNET_ROOT "/db/ilnet.db"); }
static const char *socket_path(void) { return conf("ILNET_SOCKET", ILNET_ROOT "/var/ilnet.sock"); }
static const char *migrations_dir(void) { return conf("ILNET_MIGRATIONS", ILNET_ROOT "/db/migrations"); }

/* The run lock's file: beside the socket it guards. */
static void lock_path(char *out, size_t n)
{
	snprintf(out, n, "%s.lock", socket_path());
}

/* Open the database and bring its schema up to date. */
static sqlite3 *open_migrated(void)
{
	char err[512];
	sqlite3 *db;
	if (db_open(db_path(), &db, err, sizeof err) != SQLITE_OK) {
		fprintf(stderr, "ilnet: %s\n", err);
		return NULL;
	}
	if (db_migrate(db, migrations_dir(), err, sizeof err) != 0) {
		fprintf(stderr, "ilnet: migration failed: %s\n", err);
		db_close(db);
		return NULL;
	}
	if (survey_sync(db, conf("ILNET_INSTRUMENTS", ILNET_ROOT "/db/instruments"),
	                err, sizeof err) != 0) {
		fprintf(stderr, "ilnet: instrument: %s\n", err);
		db_close(db);
		return NULL;
	}
	/* Submitted responses without a summary (stored before summaries
	 * existed, or by a script) get one; until then the results decode
	 * them, so a failure here slows them down but changes no figure. */
	long long filled = summary_fill(db, err, sizeof err);
	if (filled < 0)
		fprintf(stderr, "ilnet: response summaries not filled: %s\n", err);
	else if (filled > 0)
		fprintf(stderr, "ilnet: %lld response summaries filled\n", filled);
	return db;
}

/* ---- workers ---------------------------------------------------------- */

static volatile sig_atomic_t worker_busy, worker_stop, worker_timed_out;

static void worker_on_term(int sig)
{
	(void)sig;
	if (!worker_busy)
		_exit(0);               /* idle in accept(): nothing to finish */
	worker_stop = 1;
}

static void worker_on_alarm(int sig)
{
	(void)sig;
	worker_timed_out = 1;       /* and the blocked read fails with EINTR */
}

/* Arm the request timer for seconds (0: disarm).  Past the deadline it
 * goes on firing every 100 ms: libfcgi takes a failed read of the
 * parameters for their end and may read again, and each read that
 * blocks must fail too. */
static void request_timer(int seconds)
{
	struct itimerval it = {0};
	it.it_value.tv_sec = seconds;
	if (seconds)
		it.it_interval.tv_usec = 100 * 1000;
	setitimer(ITIMER_REAL, &it, NULL);
}

/* Read the whole body (libfcgi's lingering close is off, so it must be
 * read to its end even when it is refused).  Returns the bytes kept. */
static size_t read_body(FCGX_Request *fr, struct buf *body, int *too_large)
{
	char chunk[16384];
	int n;
	*too_large = 0;
	while (!worker_timed_out && (n = FCGX_GetStr(chunk, sizeof chunk, fr->in)) > 0) {
		if (body->len + (size_t)n > REQ_MAX_BODY)
			*too_large = 1;
		if (!*too_large)
			buf_add(body, chunk, (size_t)n);
	}
	return body->len;
}

/* Accept the next connection; -1 when the worker should go back to the
 * top of its loop, -2 when the listening socket is broken. */
static int worker_accept(int sock)
{
	int fd = accept4(sock, NULL, NULL, SOCK_CLOEXEC);
	if (fd >= 0)
		return fd;
	switch (errno) {
	case EINTR: case ECONNABORTED: case EPROTO: case EAGAIN:
		return -1;
	case EMFILE: case ENFILE: case ENOBUFS: case ENOMEM: {
		fprintf(stderr, "ilnet worker: accept: %s\n", strerror(errno));
		struct timespec ts = {0, 100 * 1000 * 1000};
		nanosleep(&ts, NULL);
		return -1;
	}
	}
	fprintf(stderr, "ilnet worker: accept failed: %s\n", strerror(errno));
	return -2;
}

/* The reply as FastCGI STDOUT records in one writev: libfcgi's stream
 * sends 8 KB records, a write (and a wake-up of nginx) each, and a 75 KB
 * page took ten.  FCGX_Finish_r then ends the stream and the request as
 * before.  Records are at most 65,528 bytes (a multiple of 8, no padding);
 * a reply of more than 64 of them goes through libfcgi. */
#define REPLY_RECORD 65528
#define REPLY_RECORDS 64

static void reply_send(FCGX_Request *fr, const char *p, size_t len)
{
	if (fr->ipcFd < 0 || len > (size_t)REPLY_RECORD * REPLY_RECORDS) {
		FCGX_PutStr(p, (int)len, fr->out);
		return;
	}
	unsigned char head[REPLY_RECORDS][8];
	struct iovec iov[2 * REPLY_RECORDS];
	int n = 0;
	for (size_t off = 0, k = 0; off < len; off += REPLY_RECORD, k++) {
		size_t c = len - off < REPLY_RECORD ? len - off : REPLY_RECORD;
		unsigned char *h = head[k];
		h[0] = FCGI_VERSION_1;
		h[1] = FCGI_STDOUT;
		h[2] = (unsigned char)(fr->requestId >> 8);
		h[3] = (unsigned char)fr->requestId;
		h[4] = (unsigned char)(c >> 8);
		h[5] = (unsigned char)c;
		h[6] = h[7] = 0;
		iov[n++] = (struct iovec){ h, 8 };
		iov[n++] = (struct iovec){ (char *)p + off, c };
	}
	struct iovec *v = iov;
	while (n > 0) {
		ssize_t w = writev(fr->ipcFd, v, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;             /* nginx has gone: FCGX_Finish_r finds out too */
		while (n > 0 && (size_t)w >= v->iov_len) {
			w -= (ssize_t)v->iov_len;
			v++;
			n--;
		}
		if (n > 0) {
			v->iov_base = (char *)v->iov_base + w;
			v->iov_len -= (size_t)w;
		}
	}
}

/* Read the request on fd: its parameters (FCGX_Accept_r) and its body,
 * within timeout seconds of the connection (0: no limit).  1 when the
 * request is complete; 0 when the connection was dropped (it sent no
 * complete request in time, or not FastCGI), and then fd is closed. */
static int worker_read_request(FCGX_Request *fr, int fd, int timeout,
                               struct buf *body, int *too_large)
{
	worker_timed_out = 0;
	request_timer(timeout);
	/* The worker accepts by itself, so that the timer starts at the
	 * connection: libfcgi is handed the connection as if kept from an
	 * earlier request (keepConnection, so FCGX_Accept_r's opening
	 * FCGX_Finish_r does not close it) and has no listening socket of
	 * its own (-1), so a connection it drops is never followed by an
	 * untimed accept inside libfcgi. */
	fr->ipcFd = fd;
	fr->keepConnection = 1;
	int ok = FCGX_Accept_r(fr) == 0;
	*too_large = 0;
	/* A read error ends the parameters as if they were complete; it
	 * stays on the stream. */
	if (ok)
		ok = !worker_timed_out && FCGX_GetError(fr->in) == 0;
	if (ok) {
		read_body(fr, body, too_large);
		ok = !worker_timed_out && FCGX_GetError(fr->in) == 0;
	}
	request_timer(0);
	if (!ok) {
		/* Streams, parameters and the connection, writing nothing (on a
		 * failed FCGX_Accept_r libfcgi has freed them already). */
		if (fr->ipcFd >= 0)
			FCGX_Free(fr, 1);
		if (worker_timed_out)
			fprintf(stderr, "ilnet worker: dropped a connection: no complete request"
			        " within %d s (ILNET_REQUEST_TIMEOUT)\n", timeout);
		else
			fprintf(stderr, "ilnet worker: dropped a connection: not a complete FastCGI request\n");
	}
	return ok;
}

static int worker_main(int sock)
{
	/* Keep the heap a worker has grown: by default glibc gives its top back
	 * whenever 128 KiB are free there, and SQLite's temporary b-trees free
	 * that much in nearly every write, so each request paid for a brk()
	 * shrink and regrow (and the TLB shootdowns that go with it), which
	 * took a quarter of a save's time on a 2-core VM.  Blocks up to 32 MiB
	 * (glibc's most) come from that heap too: the results at 100,000
	 * schools take one arena block of 13 MB, which as a fresh mapping was
	 * page-faulted in on every request (a quarter of their time). */
	mallopt(M_TRIM_THRESHOLD, 64 * 1024 * 1024);
	mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
	signal(SIGPIPE, SIG_IGN);
	struct sigaction sa = {0};
	sa.sa_handler = worker_on_term;
	sa.sa_flags = SA_RESTART;        /* a request being read goes on being read */
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGINT, SIG_IGN);
	struct sigaction al = {0};
	al.sa_handler = worker_on_alarm; /* no SA_RESTART: the blocked read fails */
	sigaction(SIGALRM, &al, NULL);
	int timeout = atoi(conf("ILNET_REQUEST_TIMEOUT", "10"));
	if (timeout < 0)
		timeout = 0;

	char err[512] = "";
	sqlite3 *db;
	if (db_open(db_path(), &db, err, sizeof err) != SQLITE_OK || db_group_commit(db) != SQLITE_OK) {
		fprintf(stderr, "ilnet worker: %s\n", *err ? err : sqlite3_errmsg(db));
		return 1;
	}
	struct req r;
	req_init(&r, db);
	struct buf body = {0}, out = {0};
	FCGX_Request fr;
	FCGX_InitRequest(&fr, -1, 0);
	int rc = 0;
	while (!worker_stop) {
		int fd = worker_accept(sock);
		if (fd == -2) {
			rc = 1;
			break;
		}
		if (fd < 0)
			continue;
		worker_busy = 1;
		int too_large;
		if (worker_read_request(&fr, fd, timeout, &body, &too_large)) {
			int status = req_begin(&r, fr.envp, body.p, too_large ? REQ_MAX_BODY + 1 : body.len);
			app_handle(&r, status);
			req_reply(&r, &out);
			reply_send(&fr, out.p, out.len);
			FCGX_Finish_r(&fr);
			if (fr.ipcFd >= 0)          /* the client asked to keep it: we do not */
				FCGX_Free(&fr, 1);
			app_log(&r);
			req_end(&r);
			if (db_sync_failed()) {
				fprintf(stderr, "ilnet worker: the disk failed a sync; leaving for a fresh worker\n");
				rc = 1;
				break;
			}
		}
		buf_reset(&body);
		buf_reset(&out);
		worker_busy = 0;
	}
	buf_free(&body);
	buf_free(&out);
	arena_free(&r.arena);
	buf_free(&r.body);
	db_close(db);
	return rc;
}

/* ---- mail sender ------------------------------------------------------ */

static volatile int mailer_stop;

static void mailer_on_term(int sig)
{
	(void)sig;
	mailer_stop = 1;
}

/* One tick of the clock (Connect's ledger, the scan's season) in a request of its own: the ledger's
 * code, checks and mail are the handlers' own.  Writes only when something
 * is due. */
static void clock_tick(sqlite3 *db)
{
	struct req r;
	req_init(&r, db);
	jmp_buf jb;
	r.fail_jmp = &jb;
	if (setjmp(jb)) {
		fprintf(stderr, "ilnet clock: %s\n", r.fail_msg ? r.fail_msg : "failed");
	} else {
		long long now = (long long)time(NULL);
		int seats = seats_due(&r, now), convening = convening_due(&r, now);
		if (seats || convening) {
			db_begin(&r);
			if (seats)
				seats_clock(&r, 0, now);
			if (convening)
				convening_clock(&r, 0, now);
			db_commit(&r);
		}
		/* The scan's season: a cycle opens on its day, reminders go on
		 * their schedule. */
		if (season_due(&r, now)) {
			db_begin(&r);
			season_clock(&r, now);
			db_commit(&r);
		}
	}
	db_request_done(db);
	arena_free(&r.arena);
	buf_free(&r.body);
}

/* The sender's renderer (mail_queue_render): each kind is one module's. */
static int render_mail(struct req *r, const char *kind, long long ref, long long seq, const char *to,
                       const char *lead, struct mail_parts *out)
{
	int rc = seats_render(r, kind, ref, seq, to, lead, out);
	return rc >= 0 ? rc : convening_render(r, kind, ref, seq, to, lead, out);
}

static int mailer_main(void)
{
	signal(SIGPIPE, SIG_IGN);
	signal(SIGINT, SIG_IGN);
	struct sigaction sa = {0};
	sa.sa_handler = mailer_on_term;
	sigaction(SIGTERM, &sa, NULL);
	char err[512];
	sqlite3 *db;
	if (db_open(db_path(), &db, err, sizeof err) != SQLITE_OK) {
		fprintf(stderr, "ilnet mailer: %s\n", err);
		return 1;
	}
	/* The sender's own writes (a message marked sent, a hold lapsed) need
	 * not wait for the disk: in WAL, synchronous=NORMAL loses them only to
	 * a power failure, after which a message goes out again or the clock
	 * does its work again.  Saves that people make stay FULL. */
	sqlite3_exec(db, "PRAGMA synchronous=NORMAL", NULL, NULL, NULL);
	/* Mail goes out, and Connect's clock ticks (holds lapse, freed seats
	 * pass on, reminders fall due, schools that said they would host are
	 * invited), every poll. */
	long poll_ms = getenv("ILNET_MAIL_POLL_MS") ? atol(getenv("ILNET_MAIL_POLL_MS")) : 1000;
	if (poll_ms < 10)
		poll_ms = 10;
	while (!mailer_stop) {
		clock_tick(db);
		mail_send_due(db, render_mail);
		for (long waited = 0; waited < poll_ms && !mailer_stop; waited += 10) {
			struct timespec ts = {0, 10 * 1000 * 1000};
			nanosleep(&ts, NULL);
		}
	}
	db_close(db);
	return 0;
}

/* ---- supervisor ------------------------------------------------------- */

static volatile sig_atomic_t sup_stop;

static void sup_on_term(int sig)
{
	(void)sig;
	sup_stop = 1;
}

/* Fork a worker (or the mail sender).  The child ends with the
 * supervisor: on its death the kernel sends SIGTERM (PR_SET_PDEATHSIG),
 * so a worker finishes the request in hand and exits instead of living
 * on as an orphan nobody replaces.  The child keeps the run lock's
 * descriptor, so a new supervisor waits until the last one has gone. */
static pid_t spawn(int sock, int is_mailer)
{
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid == 0) {
		struct sigaction sa = {0};
		sa.sa_handler = SIG_DFL;
		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGCHLD, &sa, NULL);
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() != parent)        /* it died before prctl() */
			_exit(0);
		_exit(is_mailer ? mailer_main() : worker_main(sock));
	}
	return pid;
}

static void on_chld(int sig) { (void)sig; }

/* The group the socket is given: ILNET_SOCKET_GROUP (a name or a
 * number), else that of nginx's usual worker user (www-data on Debian,
 * nginx elsewhere), else our own.  *named is set when it was asked for.
 * Returns 0, or -1 when ILNET_SOCKET_GROUP names no group. */
static int socket_group(gid_t *gid, int *named)
{
	const char *want = getenv("ILNET_SOCKET_GROUP");
	*named = want && *want;
	if (*named) {
		struct group *g = getgrnam(want);
		char *end;
		long n = strtol(want, &end, 10);
		if (g)
			*gid = g->gr_gid;
		else if (!*end && n >= 0)
			*gid = (gid_t)n;
		else
			return -1;
		return 0;
	}
	const char *users[] = { "www-data", "nginx" };
	for (size_t i = 0; i < sizeof users / sizeof users[0]; i++) {
		struct passwd *pw = getpwnam(users[i]);
		if (pw) {
			*gid = pw->pw_gid;
			return 0;
		}
	}
	*gid = getegid();
	return 0;
}

/* Listen on path, a socket only its owner and group may use (0660): any
 * local user able to connect could bypass nginx and set any FastCGI
 * parameter (HTTPS, REMOTE_ADDR...).  The socket or -1. */
static int open_socket(const char *path)
{
	gid_t gid;
	int named;
	if (socket_group(&gid, &named) != 0) {
		fprintf(stderr, "ilnet: ILNET_SOCKET_GROUP=%s is not a group\n", getenv("ILNET_SOCKET_GROUP"));
		return -1;
	}
	unlink(path);
	mode_t old = umask(0117);       /* never more than 0660, even for a moment */
	int sock = FCGX_OpenSocket(path, 1024);
	umask(old);
	if (sock < 0) {
		fprintf(stderr, "ilnet: cannot listen on %s\n", path);
		return -1;
	}
	if (chown(path, (uid_t)-1, gid) != 0) {
		if (named) {
			fprintf(stderr, "ilnet: cannot give %s to group %s: %s\n", path,
			        getenv("ILNET_SOCKET_GROUP"), strerror(errno));
			close(sock);
			unlink(path);
			return -1;
		}
		fprintf(stderr, "ilnet: warning: cannot give %s to group %d (%s); it keeps group %d."
		        " Add ilnet's user to nginx's group or set ILNET_SOCKET_GROUP.\n",
		        path, (int)gid, strerror(errno), (int)getegid());
	}
	chmod(path, 0660);
	return sock;
}

/* Take the run lock for serve, waiting up to ILNET_LOCK_WAIT seconds
 * (default 10) for the processes of an earlier ilnet to finish.  The
 * descriptor (kept open for the life of serve and its children) or -1. */
static int take_run_lock(void)
{
	char path[4200], err[4400];
	lock_path(path, sizeof path);
	int fd = supervise_lock(path, 0, err, sizeof err);
	if (fd == -2) {
		int wait_s = atoi(conf("ILNET_LOCK_WAIT", "10"));
		fprintf(stderr, "ilnet: %s is still served by an earlier ilnet (or its workers);"
		        " waiting up to %d s for it to finish\n", socket_path(), wait_s);
		fd = supervise_lock(path, wait_s * 1000, err, sizeof err);
		if (fd == -2) {
			fprintf(stderr, "ilnet: not starting: another ilnet still serves %s (a process"
			        " holds the lock on %s). Stop it first (SIGTERM to its supervisor, or"
			        " to its remaining workers), then start again.\n", socket_path(), path);
			return -1;
		}
	}
	if (fd < 0)
		fprintf(stderr, "ilnet: %s\n", err);
	return fd;
}

/* Reap ended children; an unexpected end is logged and its slot backs off. */
static void reap(struct slot *slots, int nchildren, int nworkers)
{
	int status;
	pid_t dead;
	while ((dead = waitpid(-1, &status, WNOHANG)) > 0) {
		for (int i = 0; i < nchildren; i++) {
			if (slots[i].pid != dead)
				continue;
			slots[i].pid = 0;
			writeq_forget(dead);    /* its turn, if it held one */
			if (sup_stop)
				break;
			long long delay = slot_ended(&slots[i], supervise_now_ms());
			char when[64] = "";
			if (delay)
				snprintf(when, sizeof when, " in %.1f s (%d ends in 5 minutes)",
				         (double)delay / 1000, slots[i].nends);
			fprintf(stderr, "ilnet: %s %d ended (%s %d); replacing it%s\n",
			        i == nworkers ? "mailer" : "worker", (int)dead,
			        WIFSIGNALED(status) ? "signal" : "exit",
			        WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status), when);
		}
	}
}

static int serve(void)
{
	char err[512];
	if (route_table_check(app_routes, app_nroutes, err, sizeof err) != 0) {
		fprintf(stderr, "ilnet: %s\n", err);
		return 1;
	}
	int nworkers = atoi(conf("ILNET_WORKERS", "4"));
	if (nworkers < 1 || nworkers > MAX_WORKERS) {
		fprintf(stderr, "ilnet: ILNET_WORKERS must be 1 to %d\n", MAX_WORKERS);
		return 1;
	}
	int lock = take_run_lock();
	if (lock < 0)
		return 1;
	sqlite3 *db = open_migrated();
	if (!db)
		return 1;
	db_close(db);

	/* libfcgi's lingering close costs more than half the throughput; the
	 * workers read every body to its end instead (see read_body). */
	setenv("LIBFCGI_OS_CLOSE_POLL_TIMEOUT", "0", 0);
	const char *rundir = conf("ILNET_RUNDIR", ILNET_ROOT "/var");
	setenv("ILNET_RUNDIR", rundir, 1);
	mkdir(rundir, 0755);
	const char *path = socket_path();
	FCGX_Init();
	int sock = open_socket(path);
	if (sock < 0)
		return 1;
	/* The write queue (db_begin): made here, once this supervisor holds the
	 * socket, and inherited by every child.  Without it writers still work,
	 * in SQLite's own order. */
	char qpath[4096];
	snprintf(qpath, sizeof qpath, "%s/write.queue", rundir);
	if (writeq_open(qpath, 1) != 0)
		fprintf(stderr, "ilnet: no write queue at %s (%s); writers wait unqueued\n",
		        qpath, strerror(errno));

	struct sigaction sa = {0};
	sa.sa_handler = sup_on_term;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = on_chld;
	sigaction(SIGCHLD, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	sigset_t block, old;
	sigemptyset(&block);
	sigaddset(&block, SIGCHLD);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &old);

	struct slot slots[MAX_WORKERS + 1];
	memset(slots, 0, sizeof slots);
	int nchildren = nworkers + (getenv("ILNET_SMTP_URL") ? 1 : 0);
	fprintf(stderr, "ilnet: serving on %s with %d workers (pid %d)\n",
	        path, nworkers, (int)getpid());

	/* Start what is due, wait for a child's end, a signal or the next
	 * slot's backoff to expire; one slot's wait never holds up another. */
	while (!sup_stop) {
		long long now = supervise_now_ms(), next = -1;
		for (int i = 0; i < nchildren; i++) {
			if (slots[i].pid > 0)
				continue;
			if (slots[i].restart_at <= now) {
				pid_t pid = spawn(sock, i == nworkers);
				if (pid > 0) {
					slots[i].pid = pid;
					continue;
				}
				fprintf(stderr, "ilnet: fork failed: %s\n", strerror(errno));
				slot_ended(&slots[i], now);
			}
			if (next < 0 || slots[i].restart_at < next)
				next = slots[i].restart_at;
		}
		struct timespec ts, *tp = NULL;
		if (next >= 0) {
			long long ms = next > now ? next - now : 0;
			ts.tv_sec = (time_t)(ms / 1000);
			ts.tv_nsec = (long)(ms % 1000) * 1000000;
			tp = &ts;
		}
		pselect(0, NULL, NULL, NULL, tp, &old);
		reap(slots, nchildren, nworkers);
	}

	/* Drain: workers finish the request in hand, then exit. */
	for (int i = 0; i < nchildren; i++)
		if (slots[i].pid > 0)
			kill(slots[i].pid, SIGTERM);
	time_t deadline = time(NULL) + 10;
	int left = 0;
	do {
		left = 0;
		for (int i = 0; i < nchildren; i++) {
			if (slots[i].pid <= 0)
				continue;
			if (waitpid(slots[i].pid, NULL, WNOHANG) == slots[i].pid)
				slots[i].pid = 0;
			else
				left++;
		}
		if (left) {
			struct timespec pause = {0, 20 * 1000 * 1000};
			nanosleep(&pause, NULL);
		}
	} while (left && time(NULL) < deadline);
	for (int i = 0; i < nchildren; i++)
		if (slots[i].pid > 0) {
			kill(slots[i].pid, SIGKILL);
			waitpid(slots[i].pid, NULL, 0);
		}
	unlink(path);
	close(lock);
	fprintf(stderr, "ilnet: stopped\n");
	return 0;
}

/* ilnet backup FILE */
static int backup(const char *file)
{
	char err[8500];
	if (backup_db(db_path(), file, err, sizeof err) != 0) {
		fprintf(stderr, "ilnet: backup failed: %s\n", err);
		return 1;
	}
	fprintf(stderr, "ilnet: backed up %s to %s\n", db_path(), file);
	return 0;
}

/* ilnet restore FILE: only while nothing serves this socket (the run
 * lock is held for the whole restore, so no serve starts meanwhile). */
static int restore(const char *file)
{
	char path[4200], err[8500];
	lock_path(path, sizeof path);
	int lock = supervise_lock(path, 0, err, sizeof err);
	if (lock == -2) {
		fprintf(stderr, "ilnet: not restoring: ilnet is running on %s. Stop it first"
		        " (SIGTERM to its supervisor), then restore and start it again.\n", socket_path());
		return 1;
	}
	/* No folder for the socket (a stopped service's runtime folder is
	 * removed): nothing can be serving it. */
	if (lock < 0 && errno != ENOENT) {
		fprintf(stderr, "ilnet: %s\n", err);
		return 1;
	}
	int latest = db_latest_migration(migrations_dir());
	int rc = 0;
	if (latest < 0) {
		fprintf(stderr, "ilnet: cannot read the migrations in %s\n", migrations_dir());
		rc = 1;
	} else if (restore_db(file, db_path(), latest, err, sizeof err) != 0) {
		fprintf(stderr, "ilnet: restore failed: %s\n", err);
		rc = 1;
	} else {
		fprintf(stderr, "ilnet: restored %s from %s\n", db_path(), file);
	}
	if (lock >= 0)
		close(lock);
	return rc;
}

static int usage(void)
{
	fprintf(stderr, "usage: ilnet serve | migrate | demo | add-admin EMAIL \"FULL NAME\""
	        " | backup FILE | restore FILE\n");
	return 2;
}

int main(int argc, char **argv)
{
	if (sodium_init() < 0) {
		fprintf(stderr, "ilnet: libsodium failed to start\n");
		return 1;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	setvbuf(stderr, NULL, _IOLBF, 0);
	if (argc == 4 && !strcmp(argv[1], "add-admin")) {
		sqlite3 *db = open_migrated();
		if (!db)
			return 1;
		int rc = demo_add_admin(db, argv[2], argv[3]);
		db_close(db);
		return rc;
	}
	if (argc == 3 && !strcmp(argv[1], "backup"))
		return backup(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "restore"))
		return restore(argv[2]);
	if (argc != 2)
		return usage();
	if (!strcmp(argv[1], "serve"))
		return serve();
	if (!strcmp(argv[1], "migrate")) {
		sqlite3 *db = open_migrated();
		if (!db)
			return 1;
		db_close(db);
		return 0;
	}
	if (!strcmp(argv[1], "demo")) {
		sqlite3 *db = open_migrated();
		if (!db)
			return 1;
		int rc = demo_seed(db, conf("ILNET_DEMO_DATA", ILNET_ROOT "/db/demo/region.sql"),
		                   conf("ILNET_DEMO_PASSWORD", DEMO_PASSWORD_DEFAULT));
		db_close(db);
		return rc;
	}
	return usage();
}
