/* route.c — matching a request to the route table (see include/route.h). */
#include "route.h"
#include "req.h"

#include <stdio.h>
#include <string.h>

/* Match path against pattern; collect ids.  1 on a match. */
static int match(const char *pat, const char *path, long long *ids, int *nids)
{
	int n = 0;
	while (*pat && *path) {
		if (strncmp(pat, "{id}", 4) == 0) {
			if (*path < '1' || *path > '9')
				return 0;
			long long v = 0;
			int digits = 0;
			while (*path >= '0' && *path <= '9') {
				if (++digits > 15)
					return 0;
				v = v * 10 + (*path - '0');
				path++;
			}
			if (n == REQ_MAX_IDS)
				return 0;
			ids[n++] = v;
			pat += 4;
			continue;
		}
		if (strncmp(pat, "{token}", 7) == 0) {
			/* A secret in the path (a feed's token): URL-safe base64,
			 * checked by its handler, not collected. */
			int len = 0;
			while ((*path >= 'a' && *path <= 'z') || (*path >= 'A' && *path <= 'Z') ||
			       (*path >= '0' && *path <= '9') || *path == '-' || *path == '_') {
				if (++len > 64)
					return 0;
				path++;
			}
			if (!len)
				return 0;
			pat += 7;
			continue;
		}
		if (*pat != *path)
			return 0;
		pat++;
		path++;
	}
	if (*pat || *path)
		return 0;
	*nids = n;
	return 1;
}

enum route_result route_find(const struct route *table, int n,
                             const char *method, const char *path,
                             const struct route **out, long long *ids,
                             int *nids, char *allow, size_t allowlen)
{
	const char *m = strcmp(method, "HEAD") == 0 ? "GET" : method;
	int path_seen = 0;
	size_t used = 0;
	if (allowlen)
		allow[0] = '\0';
	for (int i = 0; i < n; i++) {
		long long tmp[REQ_MAX_IDS];
		int k = 0;
		if (!match(table[i].pattern, path, tmp, &k))
			continue;
		if (strcmp(table[i].method, m) == 0) {
			*out = &table[i];
			memcpy(ids, tmp, sizeof tmp);
			*nids = k;
			return ROUTE_FOUND;
		}
		path_seen = 1;
		if (used < allowlen) {
			int w = snprintf(allow + used, allowlen - used, "%s%s",
			                 used ? ", " : "", table[i].method);
			if (w > 0)
				used += (size_t)w;
			if (strcmp(table[i].method, "GET") == 0 && used < allowlen) {
				w = snprintf(allow + used, allowlen - used, ", HEAD");
				if (w > 0)
					used += (size_t)w;
			}
		}
	}
	return path_seen ? ROUTE_BAD_METHOD : ROUTE_NOT_FOUND;
}

int route_table_check(const struct route *table, int n, char *err, size_t errlen)
{
	for (int i = 0; i < n; i++) {
		const struct route *rt = &table[i];
		if (!rt->roles || (rt->roles & ~(unsigned)(ROLE_PUBLIC | ROLE_SIGNED_IN))) {
			snprintf(err, errlen, "route %s %s declares no valid roles",
			         rt->method, rt->pattern);
			return -1;
		}
		if (!rt->handler || !rt->pattern || rt->pattern[0] != '/') {
			snprintf(err, errlen, "route %d is malformed", i);
			return -1;
		}
		if (strcmp(rt->method, "GET") && strcmp(rt->method, "POST")) {
			snprintf(err, errlen, "route %s %s: only GET and POST are served",
			         rt->method, rt->pattern);
			return -1;
		}
		for (int j = 0; j < i; j++)
			if (!strcmp(table[j].pattern, rt->pattern) &&
			    !strcmp(table[j].method, rt->method)) {
				snprintf(err, errlen, "route %s %s is declared twice",
				         rt->method, rt->pattern);
				return -1;
			}
	}
	return 0;
}
