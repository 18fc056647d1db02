/* cache.c — a worker's cache of computed output (see include/cache.h). */
#include "cache.h"
#include "db.h"
#include "req.h"
#include "usage.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CACHE_ENTRIES 64
#define CACHE_BYTES (16u << 20)

struct entry {
	char *key;
	long long rev;
	char *data;
	size_t len;
	unsigned long long used;    /* when last served, for eviction */
};

static struct entry cache[CACHE_ENTRIES];
static size_t cache_bytes;
static unsigned long long clock_;

long long cache_revision_of(struct req *r, const char *name)
{
	return db_int(r, -1, "SELECT n FROM revisions WHERE name = ?", "t", name);
}

long long cache_revision(struct req *r)
{
	return cache_revision_of(r, "figures");
}

const char *cache_db_key(struct req *r)
{
	/* data_version moves when another connection commits (read in the
	 * request's snapshot); total_changes counts this connection's own. */
	long long other = db_int(r, -1, "PRAGMA data_version", "");
	return arena_printf(&r->arena, "%lld.%lld|%lld|%s", other, (long long)sqlite3_total_changes64(r->db),
	                    (long long)time(NULL) / 60, usage_address(r));
}

void cache_part(struct req *r, const char *name, struct usage_tally *used,
                void (*render)(struct req *r, void *arg, struct usage_tally *used), void *arg)
{
	const char *key = arena_printf(&r->arena, "%s|%lld|%s", name, r->session_id, cache_db_key(r));
	const char *ukey = arena_printf(&r->arena, "usage|%s", key);
	size_t len, ulen;
	const char *hit = cache_get(key, 0, &len), *uses = cache_get(ukey, 0, &ulen);
	if (hit && uses) {
		buf_add(&r->body, hit, len);
		usage_tally_parse(used, uses);
		return;
	}
	size_t from = r->body.len;
	int before = r->uncacheable;
	r->uncacheable = 0;
	render(r, arg, used);
	size_t n = r->body.len - from;
	const char *part = n ? r->body.p + from : "";
	if (!r->uncacheable && r->session_id && !memmem(part, n, r->nonce, strlen(r->nonce))) {
		cache_put(key, 0, part, n);
		const char *u = usage_tally_text(r, used);
		cache_put(ukey, 0, u, strlen(u));
	}
	r->uncacheable |= before;
}

static void drop(struct entry *e)
{
	cache_bytes -= e->len;
	free(e->key);
	free(e->data);
	memset(e, 0, sizeof *e);
}

const char *cache_get(const char *key, long long rev, size_t *len)
{
	for (int i = 0; i < CACHE_ENTRIES; i++) {
		struct entry *e = &cache[i];
		if (!e->key || strcmp(e->key, key))
			continue;
		if (e->rev != rev) {
			drop(e);
			return NULL;
		}
		e->used = ++clock_;
		*len = e->len;
		return e->data;
	}
	return NULL;
}

void cache_put(const char *key, long long rev, const char *data, size_t len)
{
	if (rev < 0 || len > CACHE_BYTES / 4)
		return;
	struct entry *slot = NULL;
	for (int i = 0; i < CACHE_ENTRIES; i++)
		if (cache[i].key && !strcmp(cache[i].key, key))
			drop(&cache[i]);
	/* Room in bytes and in entries: the least recently served go first. */
	for (;;) {
		struct entry *oldest = NULL, *empty = NULL;
		for (int i = 0; i < CACHE_ENTRIES; i++) {
			if (!cache[i].key)
				empty = empty ? empty : &cache[i];
			else if (!oldest || cache[i].used < oldest->used)
				oldest = &cache[i];
		}
		if (empty && cache_bytes + len <= CACHE_BYTES) {
			slot = empty;
			break;
		}
		if (!oldest)
			return;
		drop(oldest);
	}
	slot->key = strdup(key);
	slot->data = malloc(len + 1);
	if (!slot->key || !slot->data) {
		free(slot->key);
		free(slot->data);
		memset(slot, 0, sizeof *slot);
		return;
	}
	memcpy(slot->data, data, len);
	slot->data[len] = '\0';
	slot->len = len;
	slot->rev = rev;
	slot->used = ++clock_;
	cache_bytes += len;
}

void cache_clear(void)
{
	for (int i = 0; i < CACHE_ENTRIES; i++)
		if (cache[i].key)
			drop(&cache[i]);
}
