/* demo.h — the demo region, loaded only by `ilnet demo` (make run). */
#ifndef ILNET_DEMO_H
#define ILNET_DEMO_H

#include <sqlite3.h>

#define DEMO_PASSWORD_DEFAULT "ilnet-demo-2026"

/* Load the demo schools and organizations from region_sql (once: skipped
 * when schools exist) and create the demo accounts that are missing, each
 * with password.  Safe to run again.  0 on success. */
int demo_seed(sqlite3 *db, const char *region_sql, const char *password);

#endif
