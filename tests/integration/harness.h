/* harness.h — drive a real ilnet (nginx + workers + SMTP sink) over HTTP.
 * The stack is started once per test case (tests/stack) on a free
 * loopback port, and stopped at the end. */
#ifndef ILNET_TEST_HARNESS_H
#define ILNET_TEST_HARNESS_H

#include <check.h>
#include <stddef.h>

struct stack {
	char dir[256];
	int mounted;                /* dir is a small tmpfs of its own */
	int port, smtp_port;
	char base[64];
};
extern struct stack S;

#define DEMO_PW "ilnet-demo-2026"

void stack_up(void);
void stack_down(void);
/* A stack whose folder is a tmpfs of SMALL_DISK_MB (root only): for
 * filling the disk. */
#define SMALL_DISK_MB 24
void stack_up_on_small_disk(void);
/* Stop the stack in dir (if running), check its log, remove the folder. */
void stack_down_dir(const char *dir);
/* A free TCP port on 127.0.0.1. */
int free_port(void);
/* A stack whose SMTP sink is down until sink_up() starts it. */
void stack_up_without_sink(void);
void sink_up(void);
/* The pids of the stack's supervisor's children (its workers and the mail
 * sender), up to max: how many. */
int stack_children(int *out, int max);
/* Run a shell command with the stack's folder as $1; its exit status. */
int stack_sh(const char *script);

struct resp {
	long status;
	char *headers;              /* raw header block, lower-cased names kept as sent */
	char *body;
	size_t body_len;
};

struct client;

struct client *client_new(void);
/* A client whose connections come from another loopback address (any of
 * 127.0.0.0/8), so that nginx sees it as another address. */
struct client *client_from(const char *addr);
void client_free(struct client *c);
/* A client signed in as user uid, by a session made in the database (no
 * password, no sign-in throttle): for tests with many people at once. */
struct client *client_signed_in(long long uid);

/* Extra request headers ("Name: value"), NULL-terminated, may be NULL. */
struct resp *http_get(struct client *c, const char *path);
struct resp *http_post(struct client *c, const char *path, const char *form);
struct resp *http_req(struct client *c, const char *method, const char *path,
                      const char *body, size_t body_len, const char *const *headers);
void resp_free(struct resp *r);

/* Send bytes as they are (a malformed request, say) on a new connection and
 * read the reply until the server closes it (or 5 s pass). */
struct resp *http_raw(const char *request, size_t len);

/* POST each form[i] (urlencoded, sent as is) to path from cs[i], all at
 * once (curl's multi interface); status[i] gets each reply's status. */
void http_post_parallel(struct client **cs, int n, const char *path,
                        char **forms, long *status);

/* Value of a response header (case-insensitive name), malloc'd, or NULL. */
char *resp_header(const struct resp *r, const char *name);
int resp_has(const struct resp *r, const char *text);
/* How many times the reply carries a header (case-insensitive name). */
int resp_header_count(const struct resp *r, const char *name);

/* The _csrf value in the body, malloc'd, or NULL. */
char *csrf_of(const struct resp *r);

/* GET the page, then POST form (urlencoded, without _csrf) with its token. */
struct resp *post_form(struct client *c, const char *page, const char *action,
                       const char *form);

/* Sign in; returns the status of the POST (303 on success). */
long login(struct client *c, const char *email, const char *password);

/* Wait up to timeout_ms for a message to `to`; malloc'd text or NULL. */
char *mail_wait(const char *to, int timeout_ms);

/* The same, for a message whose text also holds part (NULL: any). */
char *mail_wait_for(const char *to, const char *part, int timeout_ms);

/* The value of the hidden or other input named name in the body, malloc'd. */
char *field_of(const struct resp *r, const char *name);

/* The first http(s)://... URL in text that contains part; malloc'd. */
char *url_in(const char *text, const char *part);

/* Run a SQL query on the stack's database; first column as a string. */
char *db_value(const char *sql);
/* Run SQL that changes the stack's database (test set-up); SQLITE_OK or an error. */
int db_run(const char *sql);

#endif
