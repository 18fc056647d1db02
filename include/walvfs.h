/* walvfs.h — SQLite's default VFS, with the writes of a transaction's WAL
 * frames gathered into one.
 *
 * SQLite writes each WAL frame as two writes (its 24-byte header, then the
 * page), so a transaction touching a dozen pages made two dozen write
 * calls, each a system call at a few microseconds on a virtual machine:
 * as much as the rest of a booking's database work.  This VFS passes every
 * file through to the default one, except that the WAL's appended writes
 * are kept in memory and made as one when the transaction's commit frame
 * is complete, before SQLite tells any reader that the frames exist; any
 * other use of the file (a read, a sync, a truncation, a lock, a file
 * control) writes what is kept first, and a frame read back and rewritten
 * (SQLite mending checksums in place) goes straight through.  What
 * reaches the file, and in what order, is what SQLite wrote; a process
 * that dies with writes kept loses only frames no transaction had
 * committed.
 */
#ifndef ILNET_WALVFS_H
#define ILNET_WALVFS_H

/* Register it as the default VFS (once; later calls do nothing).  A
 * SQLite result code. */
int walvfs_register(void);

#endif
