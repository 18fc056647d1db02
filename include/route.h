/* route.h — the route table: method, path pattern, handler, roles, flags.
 *
 * A pattern is a literal path in which a segment "{id}" matches a positive
 * integer (no sign, no leading zero, at most 15 digits); the integers land
 * in r->ids in order; a segment "{token}" matches 1 to 64 URL-safe base64
 * characters, which its handler reads from the path itself.  A route whose roles are 0 is refused by
 * route_table_check() at start-up and by the dispatcher at run time, so a
 * route cannot be added without saying who may use it.  HEAD is served by
 * GET routes.
 */
#ifndef ILNET_ROUTE_H
#define ILNET_ROUTE_H

#include <stddef.h>

struct req;

typedef void (*handler_fn)(struct req *r);

enum route_flag {
	RF_JSON = 1 << 0,           /* errors answered as JSON, not a page */
};

struct route {
	const char *method;
	const char *pattern;
	handler_fn handler;
	unsigned roles;             /* enum role bits; 0 is refused */
	unsigned flags;
};

enum route_result {
	ROUTE_FOUND,
	ROUTE_NOT_FOUND,            /* 404: no pattern matches the path */
	ROUTE_BAD_METHOD,           /* 405: the path matches, the method not */
};

/* The application's routes (cgi-bin/routes.c). */
extern const struct route app_routes[];
extern const int app_nroutes;

/* Find the route for method and path in table[0..n).  On ROUTE_FOUND sets
 * *out and the ids; on ROUTE_BAD_METHOD writes the allowed methods
 * ("GET, POST") into allow. */
enum route_result route_find(const struct route *table, int n,
                             const char *method, const char *path,
                             const struct route **out, long long *ids,
                             int *nids, char *allow, size_t allowlen);

/* 0 when every route declares roles and a well-formed pattern, else -1
 * with the first problem in err. */
int route_table_check(const struct route *table, int n, char *err, size_t errlen);

#endif
