/* cache.c — a worker's cache of computed output (see include/cache.h). */
#include "cache.h"
#include "db.h"
#include "req.h"
#include "usage.h"
#include "zip.h"

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
	char *z;                    /* data deflated (zip.h), once a reply wanted it */
	size_t zlen;
	unsigned long crc;
	unsigned long long used;    /* when last served, for eviction */
};

/* Figures (cache_get/cache_put) and pages' parts (cache_part) in pools of
 * their own: parts missed under writers never push the figures out. */
struct pool {
	struct entry e[CACHE_ENTRIES];
	size_t bytes;
};

static struct pool figures, parts;
static unsigned long long clock_;

long long cache_revision_of(struct req *r, const char *name)
{
	return db_int(r, -1, "SELECT n FROM revisions WHERE name = ?", "t", name);
}

long long cache_revision(struct req *r)
{
	return cache_revision_of(r, "figures");
}

/* The key of cache_part() (see include/cache.h). */
static const char *db_key(struct req *r)
{
	/* data_version moves when another connection commits (read in the
	 * request's snapshot); total_changes counts this connection's own.
	 * Who reads is part of it too: r->user was read before the request's
	 * snapshot, so a role or organization changed in between must not
	 * find a part made for the new data under the old ones. */
	long long other = db_int(r, -1, "PRAGMA data_version", "");
	const struct user *u = r->user;
	return arena_printf(&r->arena, "%lld.%lld|%lld|%lld.%d.%lld.%lld|%s", other,
	                    (long long)sqlite3_total_changes64(r->db), (long long)time(NULL) / 60,
	                    r->session_id, u ? (int)u->role : 0, u ? u->org_id : 0, u ? u->nation_id : 0,
	                    usage_address(r));
}

static struct entry *get_in(struct pool *p, const char *key, long long rev);
static struct entry *put_in(struct pool *p, const char *key, long long rev, const char *data, size_t len);

/* The entry's text, at the body's offset from, is a span the reply may
 * send as the entry's deflated piece (made now, if no reply wanted it
 * before).  The piece is copied: a later put may drop the entry. */
static void span(struct req *r, struct pool *p, struct entry *e, size_t from)
{
	if (!r->gzip_ok || r->nspans == REQ_MAX_SPANS || e->len < 512)
		return;
	if (!e->z) {
		struct buf z = BUF_IN(&r->arena);
		unsigned long crc;
		if (zip_piece(e->data, e->len, &z, &crc) != 0 || !(e->z = malloc(z.len ? z.len : 1)))
			return;
		memcpy(e->z, z.p, z.len);
		e->zlen = z.len;
		e->crc = crc;
		p->bytes += z.len;
	}
	char *copy = arena_alloc(&r->arena, e->zlen);
	memcpy(copy, e->z, e->zlen);
	r->spans[r->nspans++] = (struct zip_span){ from, e->len, copy, e->zlen, e->crc };
}

void cache_part(struct req *r, const char *name, void (*render)(struct req *r, void *arg), void *arg)
{
	const char *key = arena_printf(&r->arena, "%s|%s", name, db_key(r));
	size_t from = r->body.len;
	struct entry *hit = get_in(&parts, key, 0);
	if (hit) {
		buf_add(&r->body, hit->data, hit->len);
		span(r, &parts, hit, from);
		return;
	}
	int before = r->uncacheable;
	r->uncacheable = 0;
	render(r, arg);
	size_t n = r->body.len - from;
	const char *part = n ? r->body.p + from : "";
	struct entry *kept = NULL;
	if (!r->uncacheable && r->session_id && !memmem(part, n, r->nonce, strlen(r->nonce)))
		kept = put_in(&parts, key, 0, part, n);
	if (kept)
		span(r, &parts, kept, from);
	r->uncacheable |= before;
}

static void drop(struct pool *p, struct entry *e)
{
	p->bytes -= e->len + e->zlen;
	free(e->key);
	free(e->data);
	free(e->z);
	memset(e, 0, sizeof *e);
}

static struct entry *get_in(struct pool *p, const char *key, long long rev)
{
	for (int i = 0; i < CACHE_ENTRIES; i++) {
		struct entry *e = &p->e[i];
		if (!e->key || strcmp(e->key, key))
			continue;
		if (e->rev != rev) {
			drop(p, e);
			return NULL;
		}
		e->used = ++clock_;
		return e;
	}
	return NULL;
}

static struct entry *put_in(struct pool *p, const char *key, long long rev, const char *data, size_t len)
{
	if (rev < 0 || len > CACHE_BYTES / 4)
		return NULL;
	struct entry *slot = NULL;
	for (int i = 0; i < CACHE_ENTRIES; i++)
		if (p->e[i].key && !strcmp(p->e[i].key, key))
			drop(p, &p->e[i]);
	/* Room in bytes and in entries: the least recently served go first. */
	for (;;) {
		struct entry *oldest = NULL, *empty = NULL;
		for (int i = 0; i < CACHE_ENTRIES; i++) {
			if (!p->e[i].key)
				empty = empty ? empty : &p->e[i];
			else if (!oldest || p->e[i].used < oldest->used)
				oldest = &p->e[i];
		}
		if (empty && p->bytes + len <= CACHE_BYTES) {
			slot = empty;
			break;
		}
		if (!oldest)
			return NULL;
		drop(p, oldest);
	}
	slot->key = strdup(key);
	slot->data = malloc(len + 1);
	if (!slot->key || !slot->data) {
		free(slot->key);
		free(slot->data);
		memset(slot, 0, sizeof *slot);
		return NULL;
	}
	memcpy(slot->data, data, len);
	slot->data[len] = '\0';
	slot->len = len;
	slot->rev = rev;
	slot->used = ++clock_;
	p->bytes += len;
	return slot;
}

const char *cache_get(const char *key, long long rev, size_t *len)
{
	struct entry *e = get_in(&figures, key, rev);
	if (!e)
		return NULL;
	*len = e->len;
	return e->data;
}

void cache_put(const char *key, long long rev, const char *data, size_t len)
{
	put_in(&figures, key, rev, data, len);
}

int cache_body(struct req *r, const char *key, long long rev)
{
	struct entry *e = get_in(&figures, key, rev);
	if (!e)
		return 0;
	size_t from = r->body.len;
	buf_add(&r->body, e->data, e->len);
	span(r, &figures, e, from);
	return 1;
}

void cache_keep_body(struct req *r, const char *key, long long rev, size_t from)
{
	struct entry *e = put_in(&figures, key, rev, r->body.p ? r->body.p + from : "", r->body.len - from);
	if (e)
		span(r, &figures, e, from);
}

void cache_clear(void)
{
	struct pool *pools[] = { &figures, &parts };
	for (int k = 0; k < 2; k++)
		for (int i = 0; i < CACHE_ENTRIES; i++)
			if (pools[k]->e[i].key)
				drop(pools[k], &pools[k]->e[i]);
}
