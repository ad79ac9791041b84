/*
 * router.h - matching a path against the route tables, and the small
 * parsers for what arrives in URLs and cookies.  Pure functions over
 * (buf, len), fuzzed by tests/fuzz/.
 */
#ifndef LINLI_HTTP_ROUTER_H
#define LINLI_HTTP_ROUTER_H

#include "http/http.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct router {
	const struct route **routes; /* flattened, owned */
	size_t n;
};

/* Flattens the tables into r (which the caller releases). */
void router_init(struct router *r, const struct route_table *const *t, size_t n);
void router_release(struct router *r);

enum router_result { ROUTER_FOUND, ROUTER_NO_PATH, ROUTER_NO_METHOD };

/*
 * Finds the route for method and path[0..len).  On ROUTER_FOUND *out is the
 * route and params[0..*nparams) its ids.  ROUTER_NO_METHOD: the path exists
 * with another method.  A parameter segment must be a positive decimal
 * 64-bit integer without leading zeros or signs.
 */
enum router_result router_match(const struct router *r, const char *method,
				const char *path, size_t len,
				const struct route **out, int64_t *params,
				int *nparams);

/* Parses a positive decimal id (1 .. INT64_MAX) of exactly len bytes. */
bool parse_id(const char *s, size_t len, int64_t *out);

/* Parses a decimal integer, optional leading '-', of exactly len bytes. */
bool parse_int64(const char *s, size_t len, int64_t *out);

/*
 * Finds cookie name in a Cookie header value; on success val and vlen point
 * into header (borrowed).  Malformed pairs are skipped.
 */
bool cookie_find(const char *header, size_t len, const char *name,
		 const char **val, size_t *vlen);

/* True when the route pattern's {name} segments count is at most
 * HTTP_MAX_PARAMS and every segment is well-formed. */
bool route_pattern_ok(const char *pattern);

#endif
