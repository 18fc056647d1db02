/* walvfs.c — the default VFS, with a WAL frame's writes gathered (see
 * include/walvfs.h). */
#include "walvfs.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

/* At most this is kept (a large transaction writes in pieces of it): the
 * unix VFS writes at most 128 KiB - 1 in one call, and reports a longer
 * write as a full disk. */
#define GATHER_MAX (120 * 1024)

struct walfile {
	sqlite3_file base;
	sqlite3_file *real;     /* the real WAL file, just after this struct */
	char *buf;              /* writes not yet made: buf[0..len) at offset at */
	size_t len, cap;
	sqlite3_int64 at;
	int commit_next;        /* the last write was a commit frame's header */
	sqlite3_int64 read_at;  /* the last call was a read, here (else -1) */
};

static sqlite3_vfs vfs, *real_vfs;
static sqlite3_io_methods wal_methods;

static int flush(struct walfile *w)
{
	if (!w->len)
		return SQLITE_OK;
	int rc = w->real->pMethods->xWrite(w->real, w->buf, (int)w->len, w->at);
	w->len = 0;
	return rc;
}

/* A frame's header is 24 bytes; bytes 4..7 are nonzero in the last frame
 * of a transaction (the database's size in pages after it commits). */
static int commit_header(const void *p, int n)
{
	const unsigned char *h = p;
	return n == 24 && (h[4] | h[5] | h[6] | h[7]);
}

static int wal_write(sqlite3_file *f, const void *p, int n, sqlite3_int64 off)
{
	struct walfile *w = (struct walfile *)f;
	int rewrite = off == w->read_at, commit = w->commit_next, rc;
	w->read_at = -1;
	w->commit_next = commit_header(p, n);
	/* Written at once, after what is kept: a frame read back and
	 * rewritten (SQLite mending checksums, after the commit frame), and
	 * what would not fit. */
	int through = rewrite || n > GATHER_MAX;
	if ((through || (w->len && off != w->at + (sqlite3_int64)w->len) || w->len + (size_t)n > GATHER_MAX) &&
	    (rc = flush(w)) != SQLITE_OK)
		return rc;
	if (through)
		return w->real->pMethods->xWrite(w->real, p, n, off);
	if (w->len + (size_t)n > w->cap) {
		size_t cap = w->cap ? w->cap : 64 * 1024;
		while (cap < w->len + (size_t)n)
			cap *= 2;
		char *b = realloc(w->buf, cap);
		if (!b) {
			if ((rc = flush(w)) != SQLITE_OK)
				return rc;
			return w->real->pMethods->xWrite(w->real, p, n, off);
		}
		w->buf = b;
		w->cap = cap;
	}
	if (!w->len)
		w->at = off;
	memcpy(w->buf + w->len, p, (size_t)n);
	w->len += (size_t)n;
	/* The commit frame's page completes the transaction: written before
	 * SQLite publishes it to readers, who read frames from the file. */
	return commit ? flush(w) : SQLITE_OK;
}

static int wal_read(sqlite3_file *f, void *p, int n, sqlite3_int64 off)
{
	struct walfile *w = (struct walfile *)f;
	int rc = flush(w);
	w->read_at = off;
	return rc != SQLITE_OK ? rc : w->real->pMethods->xRead(w->real, p, n, off);
}

static int wal_close(sqlite3_file *f)
{
	struct walfile *w = (struct walfile *)f;
	int rc = flush(w);
	int rc2 = w->real->pMethods->xClose(w->real);
	free(w->buf);
	w->buf = NULL;
	w->cap = 0;
	return rc != SQLITE_OK ? rc : rc2;
}

/* Every other call sees the file as written: pending writes go first. */
#define FLUSHED(call) \
	struct walfile *w = (struct walfile *)f; \
	int rc = flush(w); \
	w->read_at = -1; \
	w->commit_next = 0; \
	return rc != SQLITE_OK ? rc : w->real->pMethods->call

static int wal_truncate(sqlite3_file *f, sqlite3_int64 size) { FLUSHED(xTruncate(w->real, size)); }
static int wal_sync(sqlite3_file *f, int flags) { FLUSHED(xSync(w->real, flags)); }
static int wal_size(sqlite3_file *f, sqlite3_int64 *size) { FLUSHED(xFileSize(w->real, size)); }
static int wal_lock(sqlite3_file *f, int l) { FLUSHED(xLock(w->real, l)); }
static int wal_unlock(sqlite3_file *f, int l) { FLUSHED(xUnlock(w->real, l)); }
static int wal_reserved(sqlite3_file *f, int *out) { FLUSHED(xCheckReservedLock(w->real, out)); }
static int wal_control(sqlite3_file *f, int op, void *arg) { FLUSHED(xFileControl(w->real, op, arg)); }

static int wal_sector(sqlite3_file *f)
{
	struct walfile *w = (struct walfile *)f;
	return w->real->pMethods->xSectorSize(w->real);
}

static int wal_device(sqlite3_file *f)
{
	struct walfile *w = (struct walfile *)f;
	return w->real->pMethods->xDeviceCharacteristics(w->real);
}

static int open_file(sqlite3_vfs *v, sqlite3_filename name, sqlite3_file *f, int flags, int *out)
{
	(void)v;
	if (!(flags & SQLITE_OPEN_WAL))
		return real_vfs->xOpen(real_vfs, name, f, flags, out);
	struct walfile *w = (struct walfile *)f;
	memset(w, 0, sizeof *w);
	w->read_at = -1;
	w->real = (sqlite3_file *)(w + 1);
	int rc = real_vfs->xOpen(real_vfs, name, w->real, flags, out);
	w->base.pMethods = rc == SQLITE_OK && w->real->pMethods ? &wal_methods : NULL;
	return rc;
}

int walvfs_register(void)
{
	if (real_vfs)
		return SQLITE_OK;
	sqlite3_vfs *d = sqlite3_vfs_find(NULL);
	if (!d)
		return SQLITE_ERROR;
	vfs = *d;
	vfs.zName = "ilnet-wal";
	vfs.szOsFile = (int)sizeof(struct walfile) + d->szOsFile;
	vfs.xOpen = open_file;
	wal_methods = (sqlite3_io_methods){
		.iVersion = 1,
		.xClose = wal_close, .xRead = wal_read, .xWrite = wal_write, .xTruncate = wal_truncate,
		.xSync = wal_sync, .xFileSize = wal_size, .xLock = wal_lock, .xUnlock = wal_unlock,
		.xCheckReservedLock = wal_reserved, .xFileControl = wal_control, .xSectorSize = wal_sector,
		.xDeviceCharacteristics = wal_device,
	};
	real_vfs = d;
	int rc = sqlite3_vfs_register(&vfs, 1);
	if (rc != SQLITE_OK)
		real_vfs = NULL;
	return rc;
}
