/* bare.c — the bench's ceiling: the least a FastCGI responder can do behind
 * the same nginx, with as many preforked workers as ilnet.
 *
 *   bare SOCKET DATABASE WORKERS
 *
 * A path ending in /insert does one INSERT into DATABASE (WAL,
 * synchronous=FULL, like an acknowledged save in ilnet) and answers
 * "saved"; any other path answers "hello".  Writers wait for SQLite's lock
 * in a busy handler that polls every 100 µs (for up to 10 s), which is the
 * most throughput one lock and one fsync per insert allow, fair or not.
 * SIGTERM stops the workers and the responder.  Not part of ilnet.
 */
#include <fcgiapp.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_WORKERS 64

static int busy_poll(void *arg, int count)
{
	(void)arg;
	if (count >= 100000)
		return 0;
	struct timespec ts = { 0, 100 * 1000L };
	nanosleep(&ts, NULL);
	return 1;
}

static sqlite3 *open_db(const char *path)
{
	sqlite3 *db = NULL;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	                    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK ||
	    sqlite3_busy_handler(db, busy_poll, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
	                     "CREATE TABLE IF NOT EXISTS saves (id INTEGER PRIMARY KEY,"
	                     " at INTEGER NOT NULL, body TEXT NOT NULL)",
	                 NULL, NULL, NULL) != SQLITE_OK) {
		fprintf(stderr, "bare: %s: %s\n", path, db ? sqlite3_errmsg(db) : "out of memory");
		sqlite3_close(db);
		return NULL;
	}
	return db;
}

static int ends_with(const char *s, const char *tail)
{
	size_t n = s ? strlen(s) : 0, k = strlen(tail);
	return n >= k && !strcmp(s + n - k, tail);
}

static int worker(int sock, const char *dbpath)
{
	sqlite3 *db = open_db(dbpath);
	if (!db)
		return 1;
	sqlite3_stmt *ins;
	if (sqlite3_prepare_v2(db, "INSERT INTO saves (at, body) VALUES (?, ?)", -1, &ins, NULL) != SQLITE_OK)
		return 1;
	FCGX_Request fr;
	FCGX_InitRequest(&fr, sock, 0);
	char body[16384], chunk[16384];
	while (FCGX_Accept_r(&fr) >= 0) {
		/* The whole body, as ilnet reads it (no lingering close); the
		 * first 16 KiB kept. */
		int n, len = 0;
		while ((n = FCGX_GetStr(chunk, (int)sizeof chunk, fr.in)) > 0)
			if (len + n < (int)sizeof body) {
				memcpy(body + len, chunk, (size_t)n);
				len += n;
			}
		body[len] = '\0';
		const char *uri = FCGX_GetParam("DOCUMENT_URI", fr.envp);
		if (ends_with(uri, "/insert")) {
			sqlite3_bind_int64(ins, 1, (sqlite3_int64)time(NULL));
			sqlite3_bind_text(ins, 2, body, len, SQLITE_STATIC);
			int rc = sqlite3_step(ins);
			sqlite3_reset(ins);
			if (rc == SQLITE_DONE)
				FCGX_PutS("Status: 200 OK\r\nContent-Type: text/plain\r\n\r\nsaved\n", fr.out);
			else
				FCGX_FPrintF(fr.out, "Status: 500 Internal Server Error\r\n"
				             "Content-Type: text/plain\r\n\r\n%s\n", sqlite3_errmsg(db));
		} else {
			FCGX_PutS("Status: 200 OK\r\nContent-Type: text/plain\r\n\r\nhello\n", fr.out);
		}
		FCGX_Finish_r(&fr);
	}
	sqlite3_finalize(ins);
	sqlite3_close(db);
	return 0;
}

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

int main(int argc, char **argv)
{
	int n = argc == 4 ? atoi(argv[3]) : 0;
	if (n < 1 || n > MAX_WORKERS) {
		fprintf(stderr, "usage: bare SOCKET DATABASE WORKERS (1-%d)\n", MAX_WORKERS);
		return 2;
	}
	sqlite3 *db = open_db(argv[2]);     /* WAL mode and the table, once */
	if (!db)
		return 1;
	sqlite3_close(db);
	setenv("LIBFCGI_OS_CLOSE_POLL_TIMEOUT", "0", 0);
	FCGX_Init();
	unlink(argv[1]);
	int sock = FCGX_OpenSocket(argv[1], 1024);
	if (sock < 0) {
		fprintf(stderr, "bare: cannot listen on %s\n", argv[1]);
		return 1;
	}
	chmod(argv[1], 0666);
	struct sigaction sa = {0};
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	sigset_t block, old;
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &old);
	pid_t kids[MAX_WORKERS];
	for (int i = 0; i < n; i++) {
		kids[i] = fork();
		if (kids[i] == 0) {
			signal(SIGTERM, SIG_DFL);
			signal(SIGINT, SIG_DFL);
			sigprocmask(SIG_SETMASK, &old, NULL);
			_exit(worker(sock, argv[2]));
		}
	}
	while (!stop)
		sigsuspend(&old);
	for (int i = 0; i < n; i++)
		if (kids[i] > 0)
			kill(kids[i], SIGTERM);
	for (int i = 0; i < n; i++)
		if (kids[i] > 0)
			waitpid(kids[i], NULL, 0);
	unlink(argv[1]);
	return 0;
}
