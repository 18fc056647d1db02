/* outbox.c — /admin/outbox: the mail ilnet sends, as administrators need to
 * see it: to whom, what about, and whether it went (waiting, sent, failing
 * with the last error, given up, or replaced by a later message about the
 * same record), with its attempts.  Never a message's
 * text: an invitation or a reset carries a link that grants access. */
#include "db.h"
#include "handlers.h"
#include "html.h"
#include "layout.h"
#include "mail.h"
#include "money.h"
#include "region.h"
#include "req.h"

#include <stdlib.h>
#include <string.h>

/* A message's status, in SQL over the outbox row. */
#define STATUS_SQL \
	"CASE WHEN sent_at IS NOT NULL AND last_error = 'superseded' THEN 'superseded'" \
	" WHEN sent_at IS NOT NULL THEN 'sent' WHEN attempts >= ?1 THEN 'given_up'" \
	" WHEN attempts > 0 THEN 'failing' ELSE 'waiting' END"

static const char *const statuses[] = {
	"waiting", "Waiting to go", "failing", "Failing, tried again later", "given_up", "Given up",
	"sent", "Sent", "superseded", "Not sent: a later message replaced it", NULL,
};

void outbox_page(struct req *r)
{
	const char *status = req_query(r, "status");
	if (!status || !*status || !*region_label(statuses, status))
		status = "";
	page_begin(r, "Mail");
	const char *relay = getenv("ILNET_SMTP_URL");
	if (!relay || !*relay)
		page_notice(r, "No mail relay is set (ILNET_SMTP_URL), so messages wait here and none is sent.");
	html(r, "<p>Every message ilnet sends, newest first. Their text is not shown: an invitation or a password"
	        " reset carries a link that lets its reader in.</p>\n");
	sqlite3_stmt *st = db_q(r, "SELECT " STATUS_SQL ", count(*) FROM outbox GROUP BY 1", "i", MAIL_MAX_ATTEMPTS);
	long long counts[4] = {0};
	while (db_step(r, st))
		for (int i = 0; i < 4; i++)
			if (!strcmp(db_col_view(st, 0), statuses[2 * i]))
				counts[i] = db_col_int(st, 1);
	html(r, "<ul class=\"figures\">\n");
	for (int i = 0; i < 4; i++)
		html(r, "<li><strong>%s</strong> %s</li>\n", count_text(r, counts[i]), statuses[2 * i + 1]);
	html(r, "</ul>\n");
	filter_begin(r, "/admin/outbox");
	filter_select(r, "status", "Status", "Any status", statuses, status);
	filter_end(r);
	struct pager pg;
	pager_init(r, &pg);
	pager_total(&pg, db_int(r, 0, "SELECT count(*) FROM outbox WHERE ?2 = '' OR " STATUS_SQL " = ?2", "it",
	                        MAIL_MAX_ATTEMPTS, status));
	st = db_q(r, "SELECT created_at, to_addr, subject, " STATUS_SQL ", attempts, coalesce(last_error, ''),"
	             "       coalesce(sent_at, 0), next_attempt_at"
	             "  FROM outbox WHERE ?2 = '' OR " STATUS_SQL " = ?2 ORDER BY id DESC LIMIT ?3 OFFSET ?4",
	          "itII", MAIL_MAX_ATTEMPTS, status, pager_limit(&pg), pager_offset(&pg));
	/* The recipient first (the column kept in view when the table scrolls
	 * on a phone); wide enough to scroll in its box rather than squeeze. */
	table_begin(r, "outbox", "Messages, newest first (times in Central time)");
	html(r, "<thead><tr><th scope=\"col\">To</th><th scope=\"col\">Subject</th><th scope=\"col\">Status</th>"
	        "<th scope=\"col\">Attempts</th><th scope=\"col\">Queued</th><th scope=\"col\">Last error or sent</th>"
	        "</tr></thead>\n<tbody>\n");
	int n = 0;
	while (db_step(r, st)) {
		n++;
		char queued[40], sent[40];
		utc_to_local(db_col_int(st, 0), "America/Chicago", queued, sizeof queued);
		const char *s = db_col_text(r, st, 3), *detail = db_col_text(r, st, 5);
		if (!strcmp(s, "sent")) {
			utc_to_local(db_col_int(st, 6), "America/Chicago", sent, sizeof sent);
			detail = arena_printf(&r->arena, "Sent %s", sent);
		} else if (!strcmp(s, "superseded")) {
			detail = "A later message about the same record went instead";
		} else if (!strcmp(s, "failing")) {
			utc_to_local(db_col_int(st, 7), "America/Chicago", sent, sizeof sent);
			detail = arena_printf(&r->arena, "%s (next try %s)", detail, sent);
		}
		html(r, "<tr><td>%s</td><td>%s</td><td>%s</td><td class=\"num\">%lld</td><td class=\"date\">%s</td>"
		        "<td>%s</td></tr>\n", db_col_text(r, st, 1), db_col_text(r, st, 2), region_label(statuses, s),
		     db_col_int(st, 4), queued, detail);
	}
	if (!n)
		html(r, "<tr><td colspan=\"6\">No messages.</td></tr>\n");
	html(r, "</tbody>\n");
	table_end(r);
	static const char *const keep[] = { "status", NULL };
	pager_nav(r, &pg, "/admin/outbox", keep, "Pages of messages", "messages");
	page_end(r);
}
