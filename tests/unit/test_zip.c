/* test_zip.c — replies gzipped from parts deflated once (zip.c, and its
 * use by cache_part and req_reply): whatever the spans, the reply inflates
 * to its body; a kept part's piece goes out as it was deflated. */
#include "unit.h"
#include "cache.h"
#include "html.h"
#include "zip.h"

#include <stdint.h>
#include <stdio.h>

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* Inflate a gzip member (z, n): malloc'd text, its length in *len; NULL when
 * it is not one whole, valid member (zlib checks the CRC and length). */
static char *gunzip(const char *z, size_t n, size_t *len)
{
	z_stream s = {0};
	if (inflateInit2(&s, 16 + MAX_WBITS) != Z_OK)
		return NULL;
	size_t cap = 1 << 16, got = 0;
	char *out = malloc(cap);
	s.next_in = (Bytef *)(uintptr_t)z;
	s.avail_in = (uInt)n;
	int rc;
	do {
		if (got == cap)
			out = realloc(out, cap *= 2);
		s.next_out = (Bytef *)out + got;
		s.avail_out = (uInt)(cap - got);
		rc = inflate(&s, Z_NO_FLUSH);
		got = cap - s.avail_out;
	} while (rc == Z_OK);
	int whole = rc == Z_STREAM_END && s.avail_in == 0;
	inflateEnd(&s);
	if (!whole) {
		free(out);
		return NULL;
	}
	*len = got;
	return out;
}

/* body as gzipped with spans: it must inflate to body exactly. */
static struct buf zipped(const char *body, size_t len, const struct zip_span *s, int n)
{
	struct buf out = {0};
	ck_assert_int_eq(zip_reply(body, len, s, n, &out), 0);
	size_t back = 0;
	char *text = gunzip(out.p ? out.p : "", out.len, &back);
	ck_assert_msg(text != NULL, "not a valid gzip member");
	ck_assert_uint_eq(back, len);
	ck_assert(memcmp(text, body, len) == 0);
	free(text);
	return out;
}

/* A span of body[from, from+len) deflated by zip_piece (in *keep). */
static struct zip_span piece_of(const char *body, size_t from, size_t len, struct buf *keep)
{
	unsigned long crc;
	ck_assert_int_eq(zip_piece(body + from, len, keep, &crc), 0);
	return (struct zip_span){ from, len, keep->p, keep->len, crc };
}

/* A text of n bytes: words (compressible) or noise (not), never NUL. */
static char *text_of(size_t n, int noise)
{
	char *t = malloc(n + 1);
	unsigned x = 12345;
	for (size_t i = 0; i < n; i++) {
		x = x * 1103515245u + 12345u;
		t[i] = noise ? (char)(1 + (x >> 16) % 255) : "<td>school </td>\n"[i % 17];
	}
	t[n] = '\0';
	return t;
}

START_TEST(joined_pieces_inflate_to_the_body)
{
	/* 200 KB of noise: pieces larger than the deflater's output chunk. */
	for (int noise = 0; noise < 2; noise++) {
		size_t n = 200000;
		char *body = text_of(n, noise);
		struct buf a = {0}, b = {0}, c = {0};
		struct buf out = zipped(body, n, NULL, 0);           /* no spans: all deflated here */
		buf_free(&out);
		struct zip_span s[3] = { piece_of(body, 100, 5000, &a), piece_of(body, 5100, 90000, &b),
		                         piece_of(body, n - 7, 7, &c) };
		out = zipped(body, n, s, 3);                          /* gaps around, between none */
		/* The pieces went out as they were made. */
		ck_assert_ptr_nonnull(memmem(out.p, out.len, a.p, a.len));
		ck_assert_ptr_nonnull(memmem(out.p, out.len, b.p, b.len));
		buf_free(&out);
		struct zip_span whole[1];
		struct buf w = {0};
		whole[0] = piece_of(body, 0, n, &w);
		out = zipped(body, n, whole, 1);
		buf_free(&out);
		buf_free(&a); buf_free(&b); buf_free(&c); buf_free(&w);
		free(body);
	}
	struct buf out = zipped("", 0, NULL, 0);                    /* an empty body too */
	buf_free(&out);
}
END_TEST

/* A piece made some other way (deflated at level 9, not zip_piece's 1)
 * goes out byte for byte where its checksum holds: the kept piece is what
 * is sent, never deflated again. */
START_TEST(a_kept_piece_is_sent_as_it_is)
{
	char *body = text_of(50000, 0);
	for (size_t i = 0; i < 50000; i += 7)
		body[i] = (char)('a' + i % 23);
	z_stream z = {0};
	ck_assert_int_eq(deflateInit2(&z, 9, Z_DEFLATED, -MAX_WBITS, 9, Z_DEFAULT_STRATEGY), Z_OK);
	size_t cap = deflateBound(&z, 30000) + 64;
	char *piece = malloc(cap);
	z.next_in = (Bytef *)body + 10000;
	z.avail_in = 30000;
	z.next_out = (Bytef *)piece;
	z.avail_out = (uInt)cap;
	ck_assert_int_eq(deflate(&z, Z_SYNC_FLUSH), Z_OK);
	ck_assert_uint_eq(z.avail_in, 0);
	size_t plen = cap - z.avail_out;
	deflateEnd(&z);
	struct zip_span s = { 10000, 30000, piece, plen, crc32(0L, (Bytef *)body + 10000, 30000) };
	struct buf mine = {0};
	unsigned long crc;
	ck_assert_int_eq(zip_piece(body + 10000, 30000, &mine, &crc), 0);
	ck_assert_uint_eq(crc, s.crc);
	ck_assert(mine.len != plen || memcmp(mine.p, piece, plen));    /* the two differ */
	struct buf out = zipped(body, 50000, &s, 1);
	ck_assert_ptr_nonnull(memmem(out.p, out.len, piece, plen));
	ck_assert_ptr_null(memmem(out.p, out.len, mine.p, mine.len));
	buf_free(&out);
	buf_free(&mine);
	free(piece);
	free(body);
}
END_TEST

/* A span whose text is not the body's there (a body emptied and written
 * again after a part was kept): deflated afresh, never sent as it was. */
START_TEST(a_wrong_span_costs_time_never_content)
{
	const char *body = "<p>the map of the region as this reader may see it</p>";
	const char *other = "<p>a map of another reader's region, never to be sent</p>";
	size_t n = strlen(body);
	struct buf z = {0};
	struct zip_span s = piece_of(other, 0, 20, &z);
	s.from = 3;
	struct buf out = zipped(body, n, &s, 1);
	ck_assert_ptr_null(memmem(out.p, out.len, z.p, z.len));
	buf_free(&out);
	/* Out of order, overlapping or past the end: refused, out untouched. */
	struct zip_span bad[2] = { s, s };
	bad[1].from = 5;
	struct buf o2 = {0};
	buf_puts(&o2, "kept");
	ck_assert_int_eq(zip_reply(body, n, bad, 2, &o2), -1);
	bad[0].from = n - 2;
	ck_assert_int_eq(zip_reply(body, n, bad, 1, &o2), -1);
	bad[0].from = n + 5;            /* starts past the end */
	bad[0].len = 3;
	ck_assert_int_eq(zip_reply(body, n, bad, 1, &o2), -1);
	ck_assert_str_eq(buf_str(&o2), "kept");
	buf_free(&o2);
	buf_free(&z);
}
END_TEST

START_TEST(accept_encoding_read_as_rfc_9110_says)
{
	static const struct { const char *h; int ok; } cases[] = {
		{ "gzip", 1 }, { "gzip, deflate, br, zstd", 1 }, { "GZIP", 1 }, { "x-gzip", 1 },
		{ "br;q=1.0, gzip;q=0.8, *;q=0.1", 1 }, { "gzip;q=0.001", 1 }, { "gzip ; q=1", 1 },
		{ "*", 1 }, { "identity, *;q=0.5", 1 },
		{ "gzip;q=0", 0 }, { "gzip;q=0.000", 0 }, { "gzip; Q=0.0", 0 }, { "*;q=0", 0 },
		{ "*, gzip;q=0", 0 }, { "deflate, br", 0 }, { "identity", 0 }, { "gzipx", 0 },
		{ "", 0 }, { NULL, 0 }, { ",,;;q=", 0 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		ck_assert_msg(zip_accepted(cases[i].h) == cases[i].ok, "Accept-Encoding: %s", cases[i].h ? cases[i].h : "(none)");
}
END_TEST

static void big_part(struct req *r, void *arg)
{
	(void)arg;
	for (int i = 0; i < 400; i++)
		html(r, "<tr><td>School %d</td><td>Minnesota</td></tr>\n", i);
}

/* The reply's headers and body, split. */
static const char *reply_body(struct buf *out, const char **headers)
{
	char *end = strstr(out->p, "\r\n\r\n");
	ck_assert_ptr_nonnull(end);
	*end = '\0';
	*headers = out->p;
	return end + 4;
}

/* Through cache_part and req_reply: a kept part, made then served from the
 * cache, goes gzipped to a client that takes gzip (Vary said), plainly to
 * one that does not and to an error. */
START_TEST(a_kept_part_goes_out_gzipped)
{
	cache_clear();
	struct req *r = test_req_new();
	r->session_id = 7;
	strcpy(r->nonce, "n0nce");      /* a part holding the reply's nonce is not kept */
	for (int round = 0; round < 3; round++) {
		int gz = round != 1;
		buf_reset(&r->body);
		r->nspans = 0;
		r->status = 200;
		r->gzip_ok = gz;
		html(r, "<h1>Round %d</h1>\n", round);
		cache_part(r, "zip-test", big_part, NULL);
		html(r, "<p>after</p>\n");
		struct buf out = {0};
		req_reply(r, &out);
		const char *headers, *body = reply_body(&out, &headers);
		size_t blen = out.len - (size_t)(body - out.p);
		if (gz) {
			ck_assert_ptr_nonnull(strstr(headers, "Vary: Accept-Encoding"));
			ck_assert_ptr_nonnull(strstr(headers, "Content-Encoding: gzip"));
			char want[32];
			snprintf(want, sizeof want, "Content-Length: %zu\r", blen);
			ck_assert_ptr_nonnull(strstr(headers, want));
			size_t n = 0;
			char *text = gunzip(body, blen, &n);
			ck_assert_ptr_nonnull(text);
			ck_assert_uint_eq(n, r->body.len);
			ck_assert(memcmp(text, r->body.p, n) == 0);
			ck_assert_uint_lt(blen, n / 4);
			free(text);
		} else {
			ck_assert_ptr_null(strstr(headers, "Content-Encoding"));
			ck_assert_uint_eq(blen, r->body.len);
		}
		buf_free(&out);
	}
	/* HEAD: the gzipped reply's headers, no body. */
	r->is_head = 1;
	struct buf head = {0};
	req_reply(r, &head);
	ck_assert_ptr_nonnull(strstr(head.p, "Content-Encoding: gzip\r\n"));
	ck_assert_ptr_null(strstr(head.p, "Content-Length: 0\r"));
	ck_assert(head.len >= 4 && !memcmp(head.p + head.len - 4, "\r\n\r\n", 4));
	buf_free(&head);
	r->is_head = 0;
	/* An error page replaces the body: its reply is plain. */
	req_body_reset(r);
	ck_assert_int_eq(r->nspans, 0);
	r->status = 500;
	html(r, "<p>failed</p>");
	struct buf out = {0};
	req_reply(r, &out);
	ck_assert_ptr_null(strstr(out.p, "Content-Encoding"));
	buf_free(&out);
	test_req_free(r);
	cache_clear();
}
END_TEST

Suite *zip_suite(void)
{
	Suite *s = suite_create("zip");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, joined_pieces_inflate_to_the_body);
	tcase_add_test(tc, a_kept_piece_is_sent_as_it_is);
	tcase_add_test(tc, a_wrong_span_costs_time_never_content);
	tcase_add_test(tc, accept_encoding_read_as_rfc_9110_says);
	tcase_add_test(tc, a_kept_part_goes_out_gzipped);
	suite_add_tcase(s, tc);
	return s;
}
