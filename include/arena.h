/* arena.h — a per-request bump allocator.
 *
 * Everything a request allocates comes from its arena and is released at
 * once by arena_reset() when the request ends, so a long-lived worker cannot
 * leak through a forgotten free().  Allocation never fails: out of memory
 * aborts the worker and the supervisor replaces it.
 */
#ifndef ILNET_ARENA_H
#define ILNET_ARENA_H

#include <stddef.h>

struct arena_block;

struct arena {
	struct arena_block *head;   /* current block; older ones chained after */
	size_t used;                /* bytes used in head */
	size_t total;               /* bytes handed out since the last reset */
};

/* Prepare an empty arena.  No memory is taken until the first allocation. */
void arena_init(struct arena *a);

/* n bytes aligned for any type, uninitialised.  n may be 0. */
void *arena_alloc(struct arena *a, size_t n);

/* n zeroed bytes. */
void *arena_zalloc(struct arena *a, size_t n);

/* Copies of s (NUL-terminated) and of n bytes of s (plus a NUL). NULL in,
 * NULL out. */
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);

/* Room for one more element in v, an array of the arena holding n of
 * *cap elements of size bytes each: v itself while n < *cap, else a copy
 * twice as large (16 at first) with *cap updated. */
void *arena_grow(struct arena *a, void *v, int n, int *cap, size_t size);

/* printf into the arena. */
char *arena_printf(struct arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Forget every allocation.  The first block is kept (and poisoned under
 * AddressSanitizer) for the next request; larger ones are freed. */
void arena_reset(struct arena *a);

/* Release everything, leaving an empty arena. */
void arena_free(struct arena *a);

#endif
