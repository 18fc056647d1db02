/* backup.h — a consistent copy of the database while ilnet runs, and
 * putting one back.
 *
 * Both copy with SQLite's online backup API, into a temporary file next
 * to the target that is fsync'ed and renamed into place, so the target is
 * at every moment either the old file or the complete new one.
 */
#ifndef ILNET_BACKUP_H
#define ILNET_BACKUP_H

#include <stddef.h>

/* Copy the database at db_path to file (mode 0600) while other processes
 * read and write it.  The copy is a snapshot taken at some moment after
 * the call began: every transaction committed before the call is in it.
 * Pages are copied in chunks with short pauses; when writers keep
 * restarting the copy, the rest is taken in one read snapshot (in WAL
 * mode that never blocks a writer).  Returns 0, or -1 with err. */
int backup_db(const char *db_path, const char *file, char *err, size_t errlen);

/* 0 when file is an intact ilnet database whose schema version is at
 * most latest (the newest migration of this build); -1 with err. */
int backup_check(const char *file, int latest, char *err, size_t errlen);

/* Replace the database at db_path with the copy in file, after
 * backup_check(file, latest).  Removes db_path's stale -wal and -shm;
 * the new file keeps the old one's owner and mode (new: 0600).
 * Nothing may have db_path open (the caller holds the run lock).
 * Returns 0, or -1 with err. */
int restore_db(const char *file, const char *db_path, int latest, char *err, size_t errlen);

#endif
