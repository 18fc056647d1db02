/* csv.h — CSV per RFC 4180: a strict reader for imports and a writer for
 * exports that guards against spreadsheet formulas. */
#ifndef ILNET_CSV_H
#define ILNET_CSV_H

#include <stddef.h>

struct arena;
struct buf;

struct csv_row {
	int line;                   /* line where the record starts (1-based) */
	int n;
	char **f;                   /* fields, NUL-terminated */
};

struct csv {
	int n;
	struct csv_row *rows;
};

/* Parse s[0..len) (CRLF or LF line ends; a final line end optional; empty
 * lines skipped).  0 on success; -1 with a message naming the line on
 * malformed quoting, invalid UTF-8 or more than max_rows records. */
int csv_parse(struct arena *a, const char *s, size_t len, int max_rows,
              struct csv *out, char *err, size_t errlen);

/* Append one field, quoted when needed; a field that a spreadsheet would
 * take for a formula (= + - @ tab CR at the start) is prefixed with '. */
void csv_field(struct buf *b, const char *s, int first);
/* End the record with CRLF. */
void csv_end(struct buf *b);

/* Make r's reply a CSV download named file, its first record the column
 * names cols (NULL-ended). */
struct req;
void csv_start(struct req *r, const char *file, const char *const *cols);

#endif
