/* csv.c — RFC 4180 reading and writing (see include/csv.h). */
#include "csv.h"
#include "arena.h"
#include "buf.h"
#include "decode.h"
#include "req.h"

#include <stdio.h>
#include <string.h>

int csv_parse(struct arena *a, const char *s, size_t len, int max_rows,
              struct csv *out, char *err, size_t errlen)
{
	if (!utf8_valid(s, len)) {
		snprintf(err, errlen, "The file is not UTF-8 text. Save it as \"CSV UTF-8\" and try again.");
		return -1;
	}
	size_t i = 0;
	int line = 1;
	if (len >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3))
		i = 3;                  /* a byte-order mark from a spreadsheet */
	int cap = 0;
	out->n = 0;
	out->rows = NULL;
	struct buf field = {0};
	while (i < len) {
		if (s[i] == '\n' || (s[i] == '\r' && i + 1 < len && s[i + 1] == '\n')) {
			i += s[i] == '\r' ? 2 : 1;     /* an empty line */
			line++;
			continue;
		}
		if (out->n == max_rows) {
			snprintf(err, errlen, "More than %d rows: split the file.", max_rows);
			buf_free(&field);
			return -1;
		}
		struct csv_row row = { .line = line, .n = 0, .f = NULL };
		int fcap = 0;
		for (;;) {
			buf_reset(&field);
			buf_add(&field, "", 0);
			if (i < len && s[i] == '"') {
				int start = line;
				i++;
				for (;;) {
					if (i >= len) {
						snprintf(err, errlen, "Line %d: a quoted field is not closed.", start);
						buf_free(&field);
						return -1;
					}
					if (s[i] == '"') {
						if (i + 1 < len && s[i + 1] == '"') {
							buf_putc(&field, '"');
							i += 2;
							continue;
						}
						i++;
						break;
					}
					if (s[i] == '\n')
						line++;
					buf_putc(&field, s[i++]);
				}
				if (i < len && s[i] != ',' && s[i] != '\n' && s[i] != '\r') {
					snprintf(err, errlen, "Line %d: text after a closing quote.", line);
					buf_free(&field);
					return -1;
				}
			} else {
				while (i < len && s[i] != ',' && s[i] != '\n' && s[i] != '\r') {
					if (s[i] == '"') {
						snprintf(err, errlen, "Line %d: a quote inside an unquoted field.", line);
						buf_free(&field);
						return -1;
					}
					buf_putc(&field, s[i++]);
				}
			}
			if (row.n == fcap) {
				fcap = fcap ? fcap * 2 : 16;
				char **f = arena_alloc(a, sizeof *f * (size_t)fcap);
				if (row.n)
					memcpy(f, row.f, sizeof *f * (size_t)row.n);
				row.f = f;
			}
			row.f[row.n++] = arena_strndup(a, field.p, field.len);
			if (i < len && s[i] == ',') {
				i++;
				continue;
			}
			break;
		}
		if (i < len && s[i] == '\r')
			i++;
		if (i < len && s[i] == '\n')
			i++;
		line++;
		if (out->n == cap) {
			cap = cap ? cap * 2 : 64;
			struct csv_row *rows = arena_alloc(a, sizeof *rows * (size_t)cap);
			if (out->n)
				memcpy(rows, out->rows, sizeof *rows * (size_t)out->n);
			out->rows = rows;
		}
		out->rows[out->n++] = row;
	}
	buf_free(&field);
	return 0;
}

/* A plain number such as -12 or -3.5 is data, not a formula. */
static int is_number(const char *s)
{
	if (*s == '-' || *s == '+')
		s++;
	if (*s < '0' || *s > '9')
		return 0;
	while (*s >= '0' && *s <= '9')
		s++;
	if (*s == '.') {
		s++;
		if (*s < '0' || *s > '9')
			return 0;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	return *s == '\0';
}

void csv_field(struct buf *b, const char *s, int first)
{
	if (!first)
		buf_putc(b, ',');
	if (!s)
		s = "";
	int formula = s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' ||
	              s[0] == '\t' || s[0] == '\r';
	if (formula && is_number(s))
		formula = 0;
	int quote = formula || strpbrk(s, ",\"\r\n") != NULL;
	if (quote)
		buf_putc(b, '"');
	if (formula)
		buf_putc(b, '\'');
	for (; *s; s++) {
		if (*s == '"')
			buf_putc(b, '"');
		buf_putc(b, *s);
	}
	if (quote)
		buf_putc(b, '"');
}

void csv_end(struct buf *b)
{
	buf_puts(b, "\r\n");
}

void csv_start(struct req *r, const char *file, const char *const *cols)
{
	r->content_type = "text/csv; charset=utf-8";
	req_header(r, "Content-Disposition", arena_printf(&r->arena, "attachment; filename=\"%s\"", file));
	for (int i = 0; cols[i]; i++)
		csv_field(&r->body, cols[i], i == 0);
	csv_end(&r->body);
}
