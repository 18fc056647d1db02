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

struct dbfile;

struct walfile {
	sqlite3_file base;
	sqlite3_file *real;     /* the real WAL file, just after this struct */
	struct dbfile *db;      /* its database (NULL: nothing is kept) */
	char *buf;              /* writes not yet made: buf[0..len) at offset at */
	size_t len, cap;
	sqlite3_int64 at;
	int commit_next;        /* the last write was a commit frame's header */
	sqlite3_int64 read_at;  /* the last call was a read, here (else -1) */
};

/* A connection's database file: SQLite publishes new frames to readers,
 * and gives up the write lock, through its shared memory. */
struct dbfile {
	sqlite3_file base;
	sqlite3_file *real;
	const char *name;       /* as SQLite named it (its WAL's name leads here) */
	struct walfile *wal;    /* the connection's WAL, while open */
	struct dbfile *next;    /* the process's open database files */
};

static sqlite3_vfs vfs, *real_vfs;
static sqlite3_io_methods wal_methods, db_methods;
static struct dbfile *dbfiles;

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
	if (through || !w->db)
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
	if (w->db)
		w->db->wal = NULL;
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

/* ---- the database file: everything passes through, but for two calls -- */

#define DB(f) (((struct dbfile *)(f))->real)
#define PASS(call) return DB(f)->pMethods->call

static int db_close(sqlite3_file *f)
{
	struct dbfile *d = (struct dbfile *)f;
	for (struct dbfile **p = &dbfiles; *p; p = &(*p)->next)
		if (*p == d) {
			*p = d->next;
			break;
		}
	if (d->wal)
		d->wal->db = NULL;
	PASS(xClose(DB(f)));
}

static int db_read(sqlite3_file *f, void *p, int n, sqlite3_int64 off) { PASS(xRead(DB(f), p, n, off)); }
static int db_write(sqlite3_file *f, const void *p, int n, sqlite3_int64 off) { PASS(xWrite(DB(f), p, n, off)); }
static int db_truncate(sqlite3_file *f, sqlite3_int64 size) { PASS(xTruncate(DB(f), size)); }
static int db_sync(sqlite3_file *f, int flags) { PASS(xSync(DB(f), flags)); }
static int db_size(sqlite3_file *f, sqlite3_int64 *size) { PASS(xFileSize(DB(f), size)); }
static int db_lock(sqlite3_file *f, int l) { PASS(xLock(DB(f), l)); }
static int db_unlock(sqlite3_file *f, int l) { PASS(xUnlock(DB(f), l)); }
static int db_reserved(sqlite3_file *f, int *out) { PASS(xCheckReservedLock(DB(f), out)); }
static int db_control(sqlite3_file *f, int op, void *arg) { PASS(xFileControl(DB(f), op, arg)); }
static int db_sector(sqlite3_file *f) { PASS(xSectorSize(DB(f))); }
static int db_device(sqlite3_file *f) { PASS(xDeviceCharacteristics(DB(f))); }
static int db_shm_map(sqlite3_file *f, int i, int size, int extend, void volatile **p)
{
	PASS(xShmMap(DB(f), i, size, extend, p));
}
static int db_shm_unmap(sqlite3_file *f, int del) { PASS(xShmUnmap(DB(f), del)); }
static int db_fetch(sqlite3_file *f, sqlite3_int64 off, int n, void **p) { PASS(xFetch(DB(f), off, n, p)); }
static int db_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p) { PASS(xUnfetch(DB(f), off, p)); }

/* SQLite publishes frames by writing the WAL index's header twice with
 * this barrier between (a reader takes the header only when both copies
 * agree): what is kept is written here, before the second copy.  Nothing
 * can report a failure from here, and a published frame that is not in
 * the file would be read as the page: the process stops instead. */
static void db_shm_barrier(sqlite3_file *f)
{
	struct dbfile *d = (struct dbfile *)f;
	if (d->wal && d->wal->len && flush(d->wal) != SQLITE_OK)
		abort();
	DB(f)->pMethods->xShmBarrier(DB(f));
}

/* The write lock (slot 0) given up with frames still kept: frames of a
 * transaction rolled back (pages it spilled), never published (a commit
 * is published before its lock is given up).  Dropped: written later,
 * they would land on frames the next writer commits. */
static int db_shm_lock(sqlite3_file *f, int ofst, int n, int flags)
{
	struct dbfile *d = (struct dbfile *)f;
	if ((flags & SQLITE_SHM_UNLOCK) && ofst == 0 && n >= 1 && d->wal)
		d->wal->len = 0;
	PASS(xShmLock(DB(f), ofst, n, flags));
}

static int open_file(sqlite3_vfs *v, sqlite3_filename name, sqlite3_file *f, int flags, int *out)
{
	(void)v;
	if (flags & SQLITE_OPEN_MAIN_DB) {
		struct dbfile *d = (struct dbfile *)f;
		memset(d, 0, sizeof *d);
		d->real = (sqlite3_file *)((char *)f + vfs.szOsFile - real_vfs->szOsFile);
		int rc = real_vfs->xOpen(real_vfs, name, d->real, flags, out);
		if (rc != SQLITE_OK || !d->real->pMethods)
			return rc;
		if (d->real->pMethods->iVersion < 3) {  /* not the unix VFS */
			d->real->pMethods->xClose(d->real);
			return SQLITE_CANTOPEN;
		}
		d->base.pMethods = &db_methods;
		d->name = name;
		d->next = dbfiles;
		dbfiles = d;
		return rc;
	}
	if (!(flags & SQLITE_OPEN_WAL))
		return real_vfs->xOpen(real_vfs, name, f, flags, out);
	struct walfile *w = (struct walfile *)f;
	memset(w, 0, sizeof *w);
	w->read_at = -1;
	w->real = (sqlite3_file *)((char *)f + vfs.szOsFile - real_vfs->szOsFile);
	int rc = real_vfs->xOpen(real_vfs, name, w->real, flags, out);
	w->base.pMethods = rc == SQLITE_OK && w->real->pMethods ? &wal_methods : NULL;
	/* Kept only with its database's shared memory in view. */
	const char *db = name ? sqlite3_filename_database(name) : NULL;
	for (struct dbfile *d = dbfiles; d && w->base.pMethods; d = d->next)
		if (d->name == db && !d->wal) {
			d->wal = w;
			w->db = d;
			break;
		}
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
	size_t ours = sizeof(struct walfile) > sizeof(struct dbfile) ? sizeof(struct walfile) : sizeof(struct dbfile);
	vfs.szOsFile = (int)((ours + 15) / 16 * 16) + d->szOsFile;
	vfs.xOpen = open_file;
	wal_methods = (sqlite3_io_methods){
		.iVersion = 1,
		.xClose = wal_close, .xRead = wal_read, .xWrite = wal_write, .xTruncate = wal_truncate,
		.xSync = wal_sync, .xFileSize = wal_size, .xLock = wal_lock, .xUnlock = wal_unlock,
		.xCheckReservedLock = wal_reserved, .xFileControl = wal_control, .xSectorSize = wal_sector,
		.xDeviceCharacteristics = wal_device,
	};
	db_methods = (sqlite3_io_methods){
		.iVersion = 3,
		.xClose = db_close, .xRead = db_read, .xWrite = db_write, .xTruncate = db_truncate,
		.xSync = db_sync, .xFileSize = db_size, .xLock = db_lock, .xUnlock = db_unlock,
		.xCheckReservedLock = db_reserved, .xFileControl = db_control, .xSectorSize = db_sector,
		.xDeviceCharacteristics = db_device, .xShmMap = db_shm_map, .xShmLock = db_shm_lock,
		.xShmBarrier = db_shm_barrier, .xShmUnmap = db_shm_unmap, .xFetch = db_fetch, .xUnfetch = db_unfetch,
	};
	real_vfs = d;
	int rc = sqlite3_vfs_register(&vfs, 1);
	if (rc != SQLITE_OK)
		real_vfs = NULL;
	return rc;
}
