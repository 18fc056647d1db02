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

struct req;

/* Queue a plain-text message.  to must be a single validated address. */
void mail_queue(struct req *r, const char *to, const char *subject, const char *body);

/* 1 when s looks like a deliverable address (one @, no spaces or line
 * breaks, a dot in the domain, 254 characters at most). */
int mail_address_ok(const char *s);

/* The site's base URL for links in mail (ILNET_BASE_URL). */
const char *mail_base_url(void);

/* Try every due message once; returns how many were sent. */
int mail_send_due(sqlite3 *db);

#endif
