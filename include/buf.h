/* buf.h — a growable byte buffer, on the heap or in an arena.
 *
 * Heap buffers are for reply bodies, which may grow past what an arena
 * block holds and are reused from request to request: buf_reset() keeps
 * the capacity.  Buffers a handler builds live in the request's arena
 * (BUF_IN): buf_free() is then a no-op and an error path leaks nothing.
 * Allocation failure aborts the worker.
 */
#ifndef ILNET_BUF_H
#define ILNET_BUF_H

#include <stddef.h>

struct arena;

struct buf {
	char *p;        /* NUL-terminated contents, or NULL when never used */
	size_t len;
	size_t cap;
	struct arena *arena;    /* when set, memory comes from this arena */
};

/* A buffer whose memory belongs to an arena (a request's): nothing to free,
 * on any path, so a handler that fails half-way leaks nothing.  Use it for
 * every buffer a handler builds. */
#define BUF_IN(a) ((struct buf){ NULL, 0, 0, (a) })

void buf_add(struct buf *b, const char *s, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* v with decimals (0..6) digits after the point, exactly as printf's
 * "%.*f" writes it (the double's exact value rounded, ties to even; the
 * sign kept on a zero), without printf: for the many coordinates of a
 * map.  Into out; its length.  NaN, infinities and values past 10^15
 * go to printf. */
int fmt_fixed(char out[40], double v, int decimals);
void buf_fixed(struct buf *b, double v, int decimals);
/* v in decimal, as printf's "%lld". */
void buf_int(struct buf *b, long long v);
/* s as a JSON string, escaped as cJSON escapes it: quote, backslash and
 * the control characters; every other byte (UTF-8) as it is. */
void buf_json_str(struct buf *b, const char *s);
/* JSON text written as it is (a key and its colon, say), then s as a
 * JSON string or n in decimal: a member of an object written by hand. */
void buf_json_key_str(struct buf *b, const char *key, const char *s);
void buf_json_key_int(struct buf *b, const char *key, long long n);
/* Empty the buffer, keeping its memory (shrunk if it grew past 1 MiB). */
void buf_reset(struct buf *b);
void buf_free(struct buf *b);
/* The whole file at path as a malloc'd, NUL-terminated string (the caller
 * frees it), or NULL when it cannot be read. */
char *buf_read_file(const char *path);

/* Contents as a string; "" for an unused buffer. */
const char *buf_str(const struct buf *b);

#endif
