/* zip.h — a reply gzipped from parts deflated once.
 *
 * nginx gzips a reply afresh for every request: the network map (75 KB)
 * cost more to compress than to make, as the worker keeps it (cache_part).
 * A kept part is deflated once, beside its text; a reply is then a gzip
 * member joined from those pieces and the reply's own bytes around them,
 * deflated here at nginx's level (1).  Each piece starts from an empty
 * dictionary and ends on a byte boundary (a sync flush), which is what
 * lets deflate streams be joined (RFC 1951: a stream is any run of blocks
 * whose last has BFINAL set).
 *
 * Safe by construction: a piece is used only where the reply's bytes have
 * its checksum (CRC-32, computed anyway for the gzip trailer); any other
 * span is deflated afresh, so a wrong or stale span costs time, never the
 * reply's content.
 */
#ifndef ILNET_ZIP_H
#define ILNET_ZIP_H

#include <stddef.h>

struct buf;

/* A run of a reply's body, already deflated (zip_piece). */
struct zip_span {
	size_t from, len;           /* where in the body */
	const char *z;              /* the piece */
	size_t zlen;
	unsigned long crc;          /* CRC-32 of the text it was made from */
};

/* Deflate p[0..n) (raw deflate, empty dictionary, sync flush, not final),
 * appended to out; *crc set to its CRC-32.  Returns 0, or -1 (zlib failed:
 * out is as it was). */
int zip_piece(const char *p, size_t n, struct buf *out, unsigned long *crc);

/* body[0..len) as one gzip member in out, the spans (in order, not
 * overlapping) taken as they are where their checksums hold.  Returns 0,
 * or -1 (zlib failed, or spans out of order: out is as it was). */
int zip_reply(const char *body, size_t len, const struct zip_span *spans, int nspans, struct buf *out);

/* Whether an Accept-Encoding header accepts gzip (RFC 9110 12.5.3: by
 * name or by *, and not with q=0).  NULL accepts nothing. */
int zip_accepted(const char *accept_encoding);

#endif
