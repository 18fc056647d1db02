/* cache.h — a worker's cache of computed output, valid while the data it
 * was computed from is unchanged.
 *
 * Figures about schools (the scan's results and rates) take every response
 * of a cycle to compute; they change only when a response is started,
 * submitted or reopened, or a school, nation or cycle changes.  Triggers
 * count those changes in the database (revisions, see migration 007), and
 * an entry is served only while the count it was made at still holds: a
 * figure is never stale, and a leader saving a draft does not empty the
 * cache.  Entries are per worker, bounded in number and bytes; the oldest
 * goes first.
 */
#ifndef ILNET_CACHE_H
#define ILNET_CACHE_H

#include <stddef.h>

struct req;

/* The current count of changes to what figures are made from. */
long long cache_revision(struct req *r);
/* The count of another kind of change: "equip" counts changes to grants,
 * payments, reports, rosters, visits and organizations. */
long long cache_revision_of(struct req *r, const char *name);

/* The part of a reply that render(r, arg) writes, kept per worker under
 * name and a key naming the state of the whole database as this request
 * reads it (what other processes have committed, and every change this
 * worker has made), the minute (a visit starts on a minute, and "now"
 * decides which have happened), the reader (session, role, organization,
 * nation) and the request's address: served from the cache while all of
 * that holds, else rendered and kept, unless the render set r->uncacheable (a form's
 * one-time key; a use of a nation's schools, which must be logged at every
 * view) or wrote the reply's own nonce.  Nothing after it on the page may
 * number tables or give out ids (a kept part's own are not counted again). */
void cache_part(struct req *r, const char *name, void (*render)(struct req *r, void *arg), void *arg);

/* The entry for key made at revision rev, or NULL.  *len is its length. */
const char *cache_get(const char *key, long long rev, size_t *len);

/* Keep data under key for revision rev (copied). */
void cache_put(const char *key, long long rev, const char *data, size_t len);

/* The same for a run of the reply's body: cache_body() appends the entry
 * for key made at rev and returns 1 (0 when there is none);
 * cache_keep_body() keeps the body from offset from on.  A reply made of
 * kept runs goes out gzipped from pieces deflated once (zip.h). */
int cache_body(struct req *r, const char *key, long long rev);
void cache_keep_body(struct req *r, const char *key, long long rev, size_t from);

/* Forget everything (at exit, and in tests). */
void cache_clear(void);

#endif
