/* mail.h — the outbox and its sender.
 *
 * Handlers never talk SMTP: mail_queue() adds a message to the outbox in
 * the request's transaction, so a rolled-back request sends nothing.  The
 * sender process (the mailer, main.c) delivers due messages with libcurl SMTP to
 * ILNET_SMTP_URL, retrying with exponential backoff.
 */
#ifndef ILNET_MAIL_H
#define ILNET_MAIL_H

#include <sqlite3.h>

struct buf;
struct req;

/* A message is tried this many times, backing off, then given up. */
#define MAIL_MAX_ATTEMPTS 8

/* Queue a plain-text message.  to must be a single validated address. */
void mail_queue(struct req *r, const char *to, const char *subject, const char *body);

/* Queue a message that the sender renders as it sends it: the subject and
 * lead (what happened, in a sentence or two) now, and the rest (the
 * record's details, its iCalendar invitation) from record ref of kind as
 * it is then, by the mail_render_fn given to mail_send_due.  seq is the
 * record's SEQUENCE now.  Composing and storing each message inside the
 * writer's transaction cost a booking half its time. */
void mail_queue_render(struct req *r, const char *to, const char *subject, const char *lead,
                       const char *kind, long long ref, long long seq);

/* What a renderer makes of a queued message: body, and ics with its
 * method (both NULL for plain text), in r's arena. */
struct mail_parts {
	const char *body, *ics, *method;
};

/* Render the message queued to `to` as (kind, ref, seq, lead) into *out,
 * reading the database through r (a request of the sender's own, which
 * req_fail()s on a database error: the message is then tried again
 * later).  1 when rendered; 0 when it is no longer true and must not go
 * (it is marked superseded: a later message says what changed). */
typedef int (*mail_render_fn)(struct req *r, const char *kind, long long ref, long long seq, const char *to,
                              const char *lead, struct mail_parts *out);

/* The whole RFC 5322 message as the sender delivers it, appended to m:
 * Date, From, To, Subject, Message-ID and MIME-Version headers, then body
 * as 8-bit text/plain when ics or method is NULL, or else a multipart/alternative of
 * body (quoted-printable) and ics (base64, text/calendar; method=method).
 * Lines end in CRLF; the lines of both parts of the calendar form stay
 * within 76 octets, whatever the body holds. */
void mail_compose(struct buf *m, const char *from, const char *to, const char *subject,
                  const char *body, const char *ics, const char *method);

/* 1 when s looks like a deliverable address (one @, no spaces or line
 * breaks, a dot in the domain, 254 characters at most). */
int mail_address_ok(const char *s);

/* The site's base URL for links in mail (ILNET_BASE_URL). */
const char *mail_base_url(void);

/* Try every due message once, rendering those queued by
 * mail_queue_render with render; returns how many were sent. */
int mail_send_due(sqlite3 *db, mail_render_fn render);

#endif
