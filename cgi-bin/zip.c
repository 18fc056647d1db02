/* zip.c — a reply gzipped from parts deflated once (see include/zip.h). */
#include "zip.h"
#include "buf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#define ZIP_LEVEL 1

/* Take out back to its length was (NUL-terminated, as a buf is). */
static void cut(struct buf *out, size_t was)
{
	out->len = was;
	if (out->p)
		out->p[was] = '\0';
}

/* One deflate state per worker, reset between pieces: making one costs
 * more than deflating a page's header. */
static z_stream zs;
static int zs_ready;

int zip_piece(const char *p, size_t n, struct buf *out, unsigned long *crc)
{
	*crc = crc32(0L, (const Bytef *)p, (uInt)n);
	if (!n)
		return 0;
	if (n > 0x7fffffffu)
		return -1;
	if (!zs_ready) {
		if (deflateInit2(&zs, ZIP_LEVEL, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
			return -1;
		zs_ready = 1;
	} else if (deflateReset(&zs) != Z_OK) {
		return -1;
	}
	size_t was = out->len;
	zs.next_in = (Bytef *)(uintptr_t)p;
	zs.avail_in = (uInt)n;
	do {
		unsigned char tmp[16384];
		zs.next_out = tmp;
		zs.avail_out = sizeof tmp;
		if (deflate(&zs, Z_SYNC_FLUSH) == Z_STREAM_ERROR) {
			cut(out, was);
			return -1;
		}
		buf_add(out, (const char *)tmp, sizeof tmp - zs.avail_out);
	} while (zs.avail_out == 0);
	if (zs.avail_in) {
		cut(out, was);
		return -1;
	}
	return 0;
}

static void put_le32(struct buf *out, unsigned long v)
{
	char b[4] = { (char)(v & 0xff), (char)((v >> 8) & 0xff), (char)((v >> 16) & 0xff),
	              (char)((v >> 24) & 0xff) };
	buf_add(out, b, 4);
}

/* The run body[from..from+len): the span's piece where its checksum holds,
 * else deflated here; *crc folds it in. */
static int run(const char *body, size_t from, size_t len, const struct zip_span *s, struct buf *out,
               unsigned long *crc)
{
	unsigned long c;
	if (s && s->from == from && s->len == len &&
	    (c = crc32(0L, (const Bytef *)body + from, (uInt)len)) == s->crc) {
		buf_add(out, s->z, s->zlen);
	} else if (zip_piece(body + from, len, out, &c) != 0) {
		return -1;
	}
	*crc = crc32_combine(*crc, c, (z_off_t)len);
	return 0;
}

int zip_reply(const char *body, size_t len, const struct zip_span *spans, int nspans, struct buf *out)
{
	static const char head[10] = { 0x1f, (char)0x8b, 8, 0, 0, 0, 0, 0, 0, 3 };
	static const char last[2] = { 3, 0 };       /* an empty final block (fixed codes) */
	if (len > 0x7fffffffu)
		return -1;
	size_t was = out->len, at = 0;
	unsigned long crc = crc32(0L, Z_NULL, 0);
	buf_add(out, head, sizeof head);
	for (int i = 0; i < nspans; i++) {
		const struct zip_span *s = &spans[i];
		if (s->from < at || s->from > len || s->len > len - s->from || run(body, at, s->from - at, NULL, out, &crc) ||
		    run(body, s->from, s->len, s, out, &crc))
			goto fail;
		at = s->from + s->len;
	}
	if (run(body, at, len - at, NULL, out, &crc))
		goto fail;
	buf_add(out, last, sizeof last);
	put_le32(out, crc);
	put_le32(out, (unsigned long)len);
	return 0;
fail:
	cut(out, was);
	return -1;
}

/* Whether a q value (after "q=") is zero: 0, 0., 0.0, 0.00, 0.000. */
static int q_zero(const char *q, size_t n)
{
	if (!n || q[0] != '0')
		return 0;
	for (size_t i = 1; i < n; i++)
		if (!(i == 1 ? q[i] == '.' : q[i] == '0'))
			return 0;
	return 1;
}

int zip_accepted(const char *ae)
{
	int gzip = -1, star = -1;       /* -1 unnamed, 0 refused, 1 accepted */
	for (const char *p = ae; p && *p;) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		const char *name = p;
		while (*p && *p != ',' && *p != ';' && *p != ' ' && *p != '\t')
			p++;
		size_t nlen = (size_t)(p - name);
		int ok = 1;
		while (*p && *p != ',') {       /* parameters: only q matters */
			while (*p == ' ' || *p == '\t' || *p == ';')
				p++;
			if ((p[0] == 'q' || p[0] == 'Q') && p[1] == '=') {
				const char *v = p + 2;
				size_t vlen = strcspn(v, " \t;,");
				ok = !q_zero(v, vlen);
				p = v + vlen;
			} else {
				p += strcspn(p, ";,");
			}
		}
		if ((nlen == 4 && !strncasecmp(name, "gzip", 4)) || (nlen == 6 && !strncasecmp(name, "x-gzip", 6)))
			gzip = ok;
		else if (nlen == 1 && *name == '*')
			star = ok;
	}
	return gzip >= 0 ? gzip : star == 1;
}
