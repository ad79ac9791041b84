/*
 * internal.h - pieces of src/http/ that only server.c uses: metrics, the
 * per-address rate limit and the static file set.
 */
#ifndef LINLI_HTTP_INTERNAL_H
#define LINLI_HTTP_INTERNAL_H

#include "core/err.h"
#include "core/strbuf.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- metrics.c: counters kept with relaxed atomics, no locks ---- */

/* Sets up counters for nroutes named routes plus "static" and "unmatched".
 * names[i] is borrowed for the life of the process. */
void metrics_init(const char *const *names, size_t nroutes);
void metrics_free(void);
/* Index of the pseudo-routes. */
size_t metrics_static_index(void);
size_t metrics_unmatched_index(void);
void metrics_record(size_t route, int status, int64_t duration_ns);
void metrics_inflight(int delta);
int64_t metrics_inflight_now(void);
/* Appends the Prometheus text exposition to sb. */
void metrics_render(struct strbuf *sb, int64_t uptime_s);

/* ---- ratelimit.c: a token bucket per client address ---- */

/* rate per second, burst = 2 * rate; 0 disables. */
void ratelimit_init(unsigned rate);
/* True when the address may make one more request now. */
bool ratelimit_take(const char *addr, int64_t now_ns);

/* ---- static.c: the web/ folder, read into memory at start ---- */

struct static_file {
	const char *path;  /* "/app.js" */
	const char *type;  /* "text/javascript; charset=utf-8" */
	const char *data;
	size_t len;
	char etag[24];     /* "\"<16 hex>\"" */
};

/* Loads every regular file below dir (no links followed, at most 16 MiB in
 * all).  Returns 0 or -1 with e filled. */
int static_load(const char *dir, struct err *e);
void static_free(void);
/* The file for a decoded request path, or NULL.  Paths with "..", "//",
 * backslashes or NULs never match.  "/" and extension-less paths outside
 * /api/ give index.html (the app routes by hash). */
const struct static_file *static_find(const char *path);

#endif
