/* walvfs.h — SQLite's default VFS, with the writes of a transaction's WAL
 * frames gathered into one.
 *
 * SQLite writes each WAL frame as two writes (its 24-byte header, then the
 * page), so a transaction touching a dozen pages made two dozen write
 * calls, each a system call at a few microseconds on a virtual machine:
 * as much as the rest of a booking's database work.  This VFS passes every
 * file through to the default one, except that a connection's appended
 * WAL writes are kept in memory and made as one:
 *   - when the transaction's commit frame is complete;
 *   - at the latest on the barrier between the two copies of the WAL
 *     index's header, through which SQLite tells readers that frames
 *     exist (a reader takes the header only when both copies agree);
 *   - before any other use of the WAL (a read, a sync, a truncation, a
 *     lock, a file control), or past 120 KiB.
 * A frame read back and rewritten (SQLite mending checksums in place)
 * goes straight through.  Frames still kept when the connection gives up
 * the write lock belong to a transaction rolled back and are dropped.
 * What reaches the file, and in what order, is what SQLite wrote; a
 * process that dies with writes kept loses only frames no transaction had
 * committed.
 */
#ifndef ILNET_WALVFS_H
#define ILNET_WALVFS_H

/* Register it as the default VFS (once; later calls do nothing).  A
 * SQLite result code. */
int walvfs_register(void);

#endif
