/* mail.c — outbox and SMTP sender (see include/mail.h). */
#include "mail.h"
#include "buf.h"
#include "db.h"
#include "decode.h"
#include "req.h"

#include <curl/curl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>


/* A subject is one header line.  It is made of names people typed or
 * imported (a school's, a cohort's, a convening's): a line break in one
 * becomes a space, so it can neither split the header nor fail the
 * request that queues the mail (a leader's submission, say). */
static const char *one_line(struct req *r, const char *s)
{
	if (!s || !strpbrk(s, "\r\n"))
		return s;
	char *o = arena_alloc(&r->arena, strlen(s) + 1), *d = o;
	for (; *s; s++)
		if (*s != '\r' && *s != '\n')
			*d++ = *s;
		else if (d == o || d[-1] != ' ')
			*d++ = ' ';
	*d = '\0';
	return o;
}

void mail_queue(struct req *r, const char *to, const char *subject, const char *body)
{
	subject = one_line(r, subject);
	if (!mail_address_ok(to) || strpbrk(subject, "\r\n"))
		req_fail(r, 500, "refusing to queue a malformed message");
	db_exec(r, "INSERT INTO outbox (to_addr, subject, body) VALUES (?, ?, ?)",
	        "ttt", to, subject, body);
}

/* The iTIP methods (RFC 5546), as the outbox's CHECK allows them. */
static const char *const itip_methods[] = {
	"PUBLISH", "REQUEST", "REPLY", "ADD", "CANCEL", "REFRESH", "COUNTER",
	"DECLINECOUNTER", NULL
};

/* 1 when ics is one UTF-8 VCALENDAR whose METHOD property is method. */
static int calendar_ok(const char *ics, const char *method)
{
	int known = 0;
	for (const char *const *m = itip_methods; method && *m; m++)
		known |= !strcmp(*m, method);
	if (!known || !ics || strncmp(ics, "BEGIN:VCALENDAR\r\n", 17) ||
	    !utf8_valid(ics, strlen(ics)))
		return 0;
	/* A folded line starts with a space and TEXT values escape line
	 * breaks, so this finds only the property itself. */
	char want[40];
	snprintf(want, sizeof want, "\r\nMETHOD:%s\r\n", method);
	return strstr(ics, want) != NULL;
}

void mail_queue_render(struct req *r, const char *to, const char *subject, const char *lead,
                       const char *kind, long long ref, long long seq)
{
	subject = one_line(r, subject);
	if (!mail_address_ok(to) || strpbrk(subject, "\r\n") || !kind || !*kind)
		req_fail(r, 500, "refusing to queue a malformed message");
	db_exec(r, "INSERT INTO outbox (to_addr, subject, body, render, render_ref, render_seq) VALUES (?, ?, ?, ?, ?, ?)",
	        "ttttII", to, subject, lead, kind, ref, seq);
}

int mail_address_ok(const char *s)
{
	if (!s)
		return 0;
	size_t n = strlen(s);
	if (n < 3 || n > 254)
		return 0;
	const char *at = strchr(s, '@');
	if (!at || at == s || strchr(at + 1, '@') || !at[1])
		return 0;
	const char *dot = strrchr(at + 1, '.');
	if (!dot || dot == at + 1 || !dot[1])
		return 0;
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == '<' || *p == '>' || *p == ',' ||
		    *p == ';' || *p == '"' || *p == '\\' || (unsigned char)*p == 0x7f)
			return 0;
	return 1;
}

const char *mail_base_url(void)
{
	const char *u = getenv("ILNET_BASE_URL");
	return u && *u ? u : "http://127.0.0.1:8080";
}

struct payload {
	const char *data;
	size_t len, off;
};

static size_t read_cb(char *ptr, size_t size, size_t nmemb, void *userp)
{
	struct payload *p = userp;
	size_t room = size * nmemb, left = p->len - p->off;
	size_t n = left < room ? left : room;
	memcpy(ptr, p->data + p->off, n);
	p->off += n;
	return n;
}

/* Subject as an RFC 2047 encoded word when it is not plain ASCII. */
static void put_subject(struct buf *m, const char *subject)
{
	int ascii = 1;
	for (const unsigned char *p = (const unsigned char *)subject; *p; p++)
		if (*p >= 0x80)
			ascii = 0;
	if (ascii) {
		buf_printf(m, "Subject: %s\r\n", subject);
		return;
	}
	size_t n = strlen(subject);
	size_t cap = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
	char *b64 = malloc(cap);
	if (!b64)
		abort();
	sodium_bin2base64(b64, cap, (const unsigned char *)subject, n,
	                  sodium_base64_VARIANT_ORIGINAL);
	buf_printf(m, "Subject: =?UTF-8?B?%s?=\r\n", b64);
	free(b64);
}

/* body as quoted-printable (RFC 2045 6.7): LF or CRLF become CRLF, every
 * line stays within 76 octets and 7-bit, whatever the text holds. */
static void put_qp(struct buf *m, const char *body)
{
	size_t col = 0;
	for (const unsigned char *p = (const unsigned char *)body; *p; p++) {
		if (*p == '\r' && p[1] == '\n')
			continue;
		if (*p == '\n') {
			buf_puts(m, "\r\n");
			col = 0;
			continue;
		}
		int at_end = !p[1] || p[1] == '\n' || (p[1] == '\r' && p[2] == '\n');
		int plain = (*p >= 33 && *p <= 126 && *p != '=') ||
		            ((*p == ' ' || *p == '\t') && !at_end);
		size_t width = plain ? 1 : 3;
		if (col + width > 75) {
			buf_puts(m, "=\r\n");
			col = 0;
		}
		if (plain)
			buf_putc(m, (char)*p);
		else
			buf_printf(m, "=%02X", *p);
		col += width;
	}
}

/* s as base64 in lines of 76 characters (RFC 2045 6.8). */
static void put_base64(struct buf *m, const char *s)
{
	size_t n = strlen(s);
	size_t cap = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
	char *b64 = malloc(cap);
	if (!b64)
		abort();
	sodium_bin2base64(b64, cap, (const unsigned char *)s, n, sodium_base64_VARIANT_ORIGINAL);
	for (size_t off = 0, len = strlen(b64); off < len; off += 76) {
		buf_add(m, b64 + off, len - off < 76 ? len - off : 76);
		buf_puts(m, "\r\n");
	}
	free(b64);
}

static void random_hex(char out[33])
{
	unsigned char rnd[16];
	randombytes_buf(rnd, sizeof rnd);
	sodium_bin2hex(out, 33, rnd, sizeof rnd);
}

void mail_compose(struct buf *m, const char *from, const char *to, const char *subject,
                  const char *body, const char *ics, const char *method)
{
	char date[64], id[33];
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
	random_hex(id);
	const char *domain = strchr(from, '@');
	buf_printf(m, "Date: %s\r\nFrom: ilnet <%s>\r\nTo: <%s>\r\n", date, from, to);
	put_subject(m, subject);
	buf_printf(m, "Message-ID: <%s%s>\r\nMIME-Version: 1.0\r\n", id, domain ? domain : "@ilnet");
	if (!ics || !method) {
		buf_puts(m, "Content-Type: text/plain; charset=utf-8\r\n"
		         "Content-Transfer-Encoding: 8bit\r\n\r\n");
		for (const char *p = body; *p; p++) {
			if (*p == '\n' && (p == body || p[-1] != '\r'))
				buf_putc(m, '\r');
			buf_putc(m, *p);
		}
		buf_puts(m, "\r\n");
		return;
	}
	/* "=_" never occurs in quoted-printable or base64 text, so the boundary
	 * cannot appear inside a part. */
	char boundary[48];
	random_hex(id);
	snprintf(boundary, sizeof boundary, "=_ilnet_%s", id);
	buf_printf(m, "Content-Type: multipart/alternative; boundary=\"%s\"\r\n\r\n", boundary);
	buf_printf(m, "--%s\r\nContent-Type: text/plain; charset=utf-8\r\n"
	           "Content-Transfer-Encoding: quoted-printable\r\n\r\n", boundary);
	put_qp(m, body);
	buf_printf(m, "\r\n--%s\r\nContent-Type: text/calendar; method=%s; charset=UTF-8\r\n"
	           "Content-Transfer-Encoding: base64\r\n\r\n", boundary, method);
	put_base64(m, ics);
	buf_printf(m, "--%s--\r\n", boundary);
}

/* Send one message; 0 on success, else -1 with the error in err. */
static int smtp_send(const char *url, const char *from, const char *to,
                     const char *subject, const char *body, const char *ics,
                     const char *method, char *err, size_t errlen)
{
	struct buf m = {0};
	mail_compose(&m, from, to, subject, body, ics, method);

	CURL *c = curl_easy_init();
	if (!c) {
		buf_free(&m);
		snprintf(err, errlen, "curl init failed");
		return -1;
	}
	struct payload p = { m.p, m.len, 0 };
	struct curl_slist *rcpt = curl_slist_append(NULL, to);
	char from_angle[300];
	snprintf(from_angle, sizeof from_angle, "<%s>", from);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, from_angle);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(c, CURLOPT_READDATA, &p);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
	CURLcode rc = curl_easy_perform(c);
	if (rc != CURLE_OK)
		snprintf(err, errlen, "%s", curl_easy_strerror(rc));
	curl_slist_free_all(rcpt);
	curl_easy_cleanup(c);
	buf_free(&m);
	return rc == CURLE_OK ? 0 : -1;
}

struct due {
	long long id, ref, seq;
	int attempts;
	char *to, *subject, *body, *ics, *method, *kind;
};

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* A message queued by mail_queue_render, rendered now: 1 with its body
 * (the lead until now), calendar and method in place; 0 when it is
 * superseded; -1 when it could not be rendered (err says why). */
static int render_due(sqlite3 *db, mail_render_fn render, struct due *d, char *err, size_t errlen)
{
	struct req r;
	req_init(&r, db);
	jmp_buf jb;
	volatile int rc = -1;
	r.fail_jmp = &jb;
	if (setjmp(jb)) {
		snprintf(err, errlen, "render: %s", r.fail_msg ? r.fail_msg : "failed");
	} else {
		struct mail_parts p = {0};
		int began = db_read_begin(&r);  /* one snapshot of the record */
		int ok = render ? render(&r, d->kind, d->ref, d->seq, d->to, d->body, &p) : -1;
		db_read_end(&r, began);
		if (ok == 0) {
			rc = 0;
		} else if (ok == 1 && p.body && (p.ics ? calendar_ok(p.ics, p.method) : !p.method)) {
			char *body = strdup(p.body);        /* p.body may be the lead itself */
			free(d->body);
			d->body = body;
			d->ics = dup_or_null(p.ics);
			d->method = dup_or_null(p.method);
			rc = 1;
		} else if (ok == 1) {
			snprintf(err, errlen, "render: the %s message had no text or a malformed calendar", d->kind);
		} else {
			snprintf(err, errlen, "render: no message of kind %s", d->kind);
		}
	}
	db_request_done(db);
	arena_free(&r.arena);
	buf_free(&r.body);
	return rc;
}

int mail_send_due(sqlite3 *db, mail_render_fn render)
{
	const char *url = getenv("ILNET_SMTP_URL");
	const char *from = getenv("ILNET_MAIL_FROM");
	if (!url || !*url)
		return 0;
	if (!from || !*from)
		from = "ilnet@localhost";
	long base = getenv("ILNET_MAIL_BACKOFF") ? atol(getenv("ILNET_MAIL_BACKOFF")) : 30;
	if (base < 1)
		base = 1;
	sqlite3_stmt *pick = NULL, *done = NULL, *retry = NULL, *gone = NULL;
	int sent = 0;
	if (sqlite3_prepare_v2(db,
	        "SELECT id, to_addr, subject, body, attempts, calendar, calendar_method, render, render_ref,"
	        " render_seq FROM outbox"
	        " WHERE sent_at IS NULL AND attempts < ? AND next_attempt_at <= ?"
	        " ORDER BY id LIMIT 50", -1, &pick, NULL) != SQLITE_OK ||
	    /* A sent message's body (it may hold a one-time link) is not kept. */
	    sqlite3_prepare_v2(db, "UPDATE outbox SET sent_at = ?, attempts = attempts + 1,"
	        " last_error = NULL, body = '', calendar = NULL WHERE id = ?",
	        -1, &done, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "UPDATE outbox SET attempts = attempts + 1,"
	        " next_attempt_at = ?1, last_error = ?2,"
	        " body = CASE WHEN attempts + 1 >= ?3 THEN '' ELSE body END,"
	        " calendar = CASE WHEN attempts + 1 >= ?3 THEN NULL ELSE calendar END"
	        " WHERE id = ?4",
	        -1, &retry, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "UPDATE outbox SET sent_at = ?, last_error = 'superseded', body = '', calendar = NULL"
	        " WHERE id = ?", -1, &gone, NULL) != SQLITE_OK)
		goto out;
	long long now = (long long)time(NULL);
	sqlite3_bind_int(pick, 1, MAIL_MAX_ATTEMPTS);
	sqlite3_bind_int64(pick, 2, now);
	/* Collect first: the read must not hold the database while sending. */
	struct due due[50];
	int n = 0;
	while (n < 50 && sqlite3_step(pick) == SQLITE_ROW) {
		due[n].id = sqlite3_column_int64(pick, 0);
		due[n].to = strdup((const char *)sqlite3_column_text(pick, 1));
		due[n].subject = strdup((const char *)sqlite3_column_text(pick, 2));
		due[n].body = strdup((const char *)sqlite3_column_text(pick, 3));
		due[n].attempts = sqlite3_column_int(pick, 4);
		/* Plain messages have neither; a calendar needs both. */
		const char *ics = (const char *)sqlite3_column_text(pick, 5);
		const char *method = (const char *)sqlite3_column_text(pick, 6);
		due[n].ics = ics && method ? strdup(ics) : NULL;
		due[n].method = ics && method ? strdup(method) : NULL;
		due[n].kind = dup_or_null((const char *)sqlite3_column_text(pick, 7));
		due[n].ref = sqlite3_column_int64(pick, 8);
		due[n].seq = sqlite3_column_int64(pick, 9);
		n++;
	}
	sqlite3_reset(pick);
	for (int i = 0; i < n; i++) {
		char err[256] = "";
		int rendered = due[i].kind ? render_due(db, render, &due[i], err, sizeof err) : 1;
		if (rendered == 0) {
			sqlite3_bind_int64(gone, 1, (long long)time(NULL));
			sqlite3_bind_int64(gone, 2, due[i].id);
			sqlite3_step(gone);
			sqlite3_reset(gone);
		} else if (rendered == 1 && smtp_send(url, from, due[i].to, due[i].subject, due[i].body,
		              due[i].ics, due[i].method, err, sizeof err) == 0) {
			sqlite3_bind_int64(done, 1, (long long)time(NULL));
			sqlite3_bind_int64(done, 2, due[i].id);
			sqlite3_step(done);
			sqlite3_reset(done);
			sent++;
		} else {
			long long wait = base << (due[i].attempts < 7 ? due[i].attempts : 7);
			if (wait > 3600)
				wait = 3600;
			sqlite3_bind_int64(retry, 1, (long long)time(NULL) + wait);
			sqlite3_bind_text(retry, 2, err, -1, SQLITE_TRANSIENT);
			sqlite3_bind_int(retry, 3, MAIL_MAX_ATTEMPTS);
			sqlite3_bind_int64(retry, 4, due[i].id);
			sqlite3_step(retry);
			sqlite3_reset(retry);
			fprintf(stderr, "mail: message %lld to %s failed (attempt %d): %s\n",
			        due[i].id, due[i].to, due[i].attempts + 1, err);
		}
		free(due[i].to);
		free(due[i].subject);
		free(due[i].body);
		free(due[i].ics);
		free(due[i].method);
		free(due[i].kind);
	}
out:
	sqlite3_finalize(pick);
	sqlite3_finalize(done);
	sqlite3_finalize(retry);
	sqlite3_finalize(gone);
	return sent;
}
