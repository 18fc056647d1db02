/* main.c — the ilnet program: a supervisor of preforked FastCGI workers
 * (and of the mail sender), plus the set-up commands.
 *
 *   ilnet serve     migrate, open the socket, fork workers, keep them alive
 *   ilnet migrate   apply the migrations in db/migrations
 *   ilnet demo      load the demo region and demo accounts (never run by
 *                   serve: demo data exists only where asked for)
 *   ilnet add-admin EMAIL NAME   a new deployment's first administrator
 *
 * Configuration is by environment (see README.md): ILNET_DB, ILNET_SOCKET,
 * ILNET_WORKERS, ILNET_RUNDIR, ILNET_SMTP_URL, ILNET_BASE_URL, ...
 */
#include "app.h"
#include "db.h"
#include "demo.h"
#include "mail.h"
#include "req.h"
#include "route.h"
#include "survey.h"
#include "writeq.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcgiapp.h>
#include <malloc.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

/* Open the database and bring its schema up to date. */
static sqlite3 *open_migrated(void)
{
	char err[512];
	sqlite3 *db;
	if (db_open(db_path(), &db, err, sizeof err) != SQLITE_OK) {
		fprintf(stderr, "ilnet: %s\n", err);
		return NULL;
	}
	if (db_migrate(db, conf("ILNET_MIGRATIONS", ILNET_ROOT "/db/migrations"),
	               err, sizeof err) != 0) {
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
	return db;
}

/* ---- workers ---------------------------------------------------------- */

static volatile sig_atomic_t worker_busy, worker_stop;

static void worker_on_term(int sig)
{
	(void)sig;
	if (!worker_busy)
		_exit(0);               /* idle in accept(): nothing to finish */
	worker_stop = 1;
}

/* Read the whole body (libfcgi's lingering close is off, so it must be
 * read to its end even when it is refused).  Returns the bytes kept. */
static size_t read_body(FCGX_Request *fr, struct buf *body, int *too_large)
{
	char chunk[16384];
	int n;
	*too_large = 0;
	while ((n = FCGX_GetStr(chunk, sizeof chunk, fr->in)) > 0) {
		if (body->len + (size_t)n > REQ_MAX_BODY)
			*too_large = 1;
		if (!*too_large)
			buf_add(body, chunk, (size_t)n);
	}
	return body->len;
}

static int worker_main(int sock)
{
	/* Keep the heap a worker has grown: by default glibc gives its top back
	 * whenever 128 KiB are free there, and SQLite's temporary b-trees free
	 * that much in nearly every write, so each request paid for a brk()
	 * shrink and regrow (and the TLB shootdowns that go with it), which
	 * took a quarter of a save's time on a 2-core VM. */
	mallopt(M_TRIM_THRESHOLD, 64 * 1024 * 1024);
	mallopt(M_MMAP_THRESHOLD, 4 * 1024 * 1024);
	signal(SIGPIPE, SIG_IGN);
	struct sigaction sa = {0};
	sa.sa_handler = worker_on_term;
	sigaction(SIGTERM, &sa, NULL);   /* no SA_RESTART: accept() returns */
	signal(SIGINT, SIG_IGN);

	char err[512];
	sqlite3 *db;
	if (db_open(db_path(), &db, err, sizeof err) != SQLITE_OK) {
		fprintf(stderr, "ilnet worker: %s\n", err);
		return 1;
	}
	struct req r;
	req_init(&r, db);
	struct buf body = {0}, out = {0};
	FCGX_Request fr;
	FCGX_InitRequest(&fr, sock, FCGI_FAIL_ACCEPT_ON_INTR);
	while (!worker_stop) {
		if (FCGX_Accept_r(&fr) < 0) {
			if (worker_stop || errno == EINTR)
				continue;
			fprintf(stderr, "ilnet worker: accept failed: %s\n", strerror(errno));
			break;
		}
		worker_busy = 1;
		int too_large;
		read_body(&fr, &body, &too_large);
		int status = req_begin(&r, fr.envp, body.p, too_large ? REQ_MAX_BODY + 1 : body.len);
		app_handle(&r, status);
		req_reply(&r, &out);
		FCGX_PutStr(out.p, (int)out.len, fr.out);
		FCGX_Finish_r(&fr);
		app_log(&r);
		req_end(&r);
		buf_reset(&body);
		buf_reset(&out);
		worker_busy = 0;
	}
	buf_free(&body);
	buf_free(&out);
	arena_free(&r.arena);
	buf_free(&r.body);
	db_close(db);
	return 0;
}

/* ---- mail sender ------------------------------------------------------ */

static volatile int mailer_stop;

static void mailer_on_term(int sig)
{
	(void)sig;
	mailer_stop = 1;
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
	mail_run(db, &mailer_stop);
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

static pid_t spawn(int sock, int is_mailer)
{
	pid_t pid = fork();
	if (pid == 0) {
		struct sigaction sa = {0};
		sa.sa_handler = SIG_DFL;
		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGCHLD, &sa, NULL);
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		_exit(is_mailer ? mailer_main() : worker_main(sock));
	}
	return pid;
}

static void on_chld(int sig) { (void)sig; }

static int serve(void)
{
	char err[512];
	if (route_table_check(app_routes, app_nroutes, err, sizeof err) != 0) {
		fprintf(stderr, "ilnet: %s\n", err);
		return 1;
	}
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
	/* The write queue (db_begin): made empty here, inherited by every
	 * child.  Without it writers still work, in SQLite's own order. */
	char qpath[4096];
	snprintf(qpath, sizeof qpath, "%s/write.queue", rundir);
	if (writeq_open(qpath, 1) != 0)
		fprintf(stderr, "ilnet: no write queue at %s (%s); writers wait unqueued\n",
		        qpath, strerror(errno));
	const char *path = conf("ILNET_SOCKET", ILNET_ROOT "/var/ilnet.sock");
	int nworkers = atoi(conf("ILNET_WORKERS", "4"));
	if (nworkers < 1 || nworkers > MAX_WORKERS) {
		fprintf(stderr, "ilnet: ILNET_WORKERS must be 1 to %d\n", MAX_WORKERS);
		return 1;
	}
	FCGX_Init();
	unlink(path);
	int sock = FCGX_OpenSocket(path, 1024);
	if (sock < 0) {
		fprintf(stderr, "ilnet: cannot listen on %s\n", path);
		return 1;
	}
	chmod(path, 0666);          /* nginx's workers run as another user */

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

	pid_t pids[MAX_WORKERS + 1] = {0};
	time_t started[MAX_WORKERS + 1] = {0};
	int nchildren = nworkers + (getenv("ILNET_SMTP_URL") ? 1 : 0);
	for (int i = 0; i < nchildren; i++) {
		pids[i] = spawn(sock, i == nworkers);
		started[i] = time(NULL);
	}
	fprintf(stderr, "ilnet: serving on %s with %d workers (pid %d)\n",
	        path, nworkers, (int)getpid());

	while (!sup_stop) {
		sigsuspend(&old);
		int status;
		pid_t dead;
		while ((dead = waitpid(-1, &status, WNOHANG)) > 0) {
			for (int i = 0; i < nchildren; i++) {
				if (pids[i] != dead)
					continue;
				pids[i] = 0;
				writeq_forget(dead);    /* its turn, if it held one */
				if (sup_stop)
					break;
				if (WIFSIGNALED(status) || (WIFEXITED(status) && WEXITSTATUS(status)))
					fprintf(stderr, "ilnet: %s %d ended (%s %d); replacing it\n",
					        i == nworkers ? "mailer" : "worker", (int)dead,
					        WIFSIGNALED(status) ? "signal" : "exit",
					        WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
				if (time(NULL) - started[i] < 1)
					sleep(1);   /* a crash loop must not spin */
				pids[i] = spawn(sock, i == nworkers);
				started[i] = time(NULL);
			}
		}
	}

	/* Drain: workers finish the request in hand, then exit. */
	for (int i = 0; i < nchildren; i++)
		if (pids[i] > 0)
			kill(pids[i], SIGTERM);
	time_t deadline = time(NULL) + 10;
	int left = 0;
	do {
		left = 0;
		for (int i = 0; i < nchildren; i++) {
			if (pids[i] <= 0)
				continue;
			if (waitpid(pids[i], NULL, WNOHANG) == pids[i])
				pids[i] = 0;
			else
				left++;
		}
		if (left) {
			struct timespec ts = {0, 20 * 1000 * 1000};
			nanosleep(&ts, NULL);
		}
	} while (left && time(NULL) < deadline);
	for (int i = 0; i < nchildren; i++)
		if (pids[i] > 0) {
			kill(pids[i], SIGKILL);
			waitpid(pids[i], NULL, 0);
		}
	unlink(path);
	fprintf(stderr, "ilnet: stopped\n");
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: ilnet serve | migrate | demo | add-admin EMAIL \"FULL NAME\"\n");
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
