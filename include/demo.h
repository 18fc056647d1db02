/* demo.h — set-up commands: the demo region, loaded only by `ilnet demo`
 * (make run), and a deployment's first administrator. */
#ifndef ILNET_DEMO_H
#define ILNET_DEMO_H

#include <sqlite3.h>

#define DEMO_PASSWORD_DEFAULT "ilnet-demo-2026"

/* Load the demo schools and organizations from region_sql (once: skipped
 * when schools exist) and create the demo accounts that are missing, each
 * with password.  Safe to run again.  0 on success. */
int demo_seed(sqlite3 *db, const char *region_sql, const char *password);

/* `ilnet add-admin EMAIL NAME`: a new deployment's first administrator,
 * who sets a password through the one-time link printed.  0 on success. */
int demo_add_admin(sqlite3 *db, const char *email, const char *name);

#endif
