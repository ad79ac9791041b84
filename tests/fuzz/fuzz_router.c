/*
 * fuzz_router.c - libFuzzer driver for router_match(), parse_id() and
 * parse_int64() (src/http/router.c).
 *
 * The input is "METHOD PATH": the bytes before the first space are the
 * method (NUL-terminated, as the server passes it), the rest the path as
 * (ptr, len), copied into a buffer of exactly that size so that ASan sees
 * any read past it.  The route table is a copy of the real API's shapes
 * with a no-op handler.  Invariants:
 *   - FOUND: the route's method is the one asked for; the number of params
 *     is the number of {name} segments; every param is > 0; and printing
 *     the pattern with the params gives back exactly the path (so ids have
 *     one spelling: no signs, no leading zeros).
 *   - NO_METHOD: some other method finds the path; NO_PATH: none does.
 *   - parse_int64 on the raw bytes agrees with a reference built on
 *     strtoll (the grammar -?(0|[1-9][0-9]*), "-0" refused, in range), and
 *     a parsed value prints back to the same bytes; parse_id accepts
 *     exactly the values parse_int64 accepts that are > 0.
 */
#include "http/router.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void noop(struct req *r)
{
	(void)r;
}

static const struct route routes[] = {
	{ "GET", "/healthz", noop, ROUTE_PUBLIC },
	{ "GET", "/metrics", noop, ROUTE_PUBLIC | ROUTE_LOOPBACK },
	{ "POST", "/api/session", noop, ROUTE_PUBLIC },
	{ "GET", "/api/session", noop, 0 },
	{ "DELETE", "/api/session", noop, 0 },
	{ "GET", "/api/streets", noop, 0 },
	{ "POST", "/api/streets", noop, 0 },
	{ "GET", "/api/communities", noop, 0 },
	{ "POST", "/api/communities", noop, 0 },
	{ "GET", "/api/communities/{id}", noop, 0 },
	{ "POST", "/api/communities/{id}/grids", noop, 0 },
	{ "POST", "/api/communities/{id}/compounds", noop, 0 },
	{ "POST", "/api/communities/{id}/buildings", noop, 0 },
	{ "GET", "/api/communities/{id}/buildings/{building}", noop, 0 },
	{ "POST", "/api/communities/{id}/buildings/{building}/layout", noop, 0 },
	{ "GET", "/api/communities/{id}/dwellings", noop, 0 },
	{ "PATCH", "/api/communities/{id}/dwellings/{dwelling}", noop, 0 },
	{ "GET", "/api/a/{a}/b/{b}/c/{c}/d/{d}", noop, 0 }, /* HTTP_MAX_PARAMS */
};
static const struct route_table table = { routes, sizeof(routes) / sizeof(routes[0]) };
static const struct route_table *const tables[] = { &table };
static const char *const methods[] = { "GET", "POST", "PUT", "PATCH", "DELETE" };

static struct router router;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	router_init(&router, tables, 1);
	for (size_t i = 0; i < router.n; i++)
		if (!route_pattern_ok(router.routes[i]->pattern))
			abort();
	return 0;
}

/* Prints the pattern with params substituted into out; returns its length. */
static size_t expand(char *out, size_t n, const char *pattern, const int64_t *params, int np)
{
	size_t len = 0;
	int k = 0;
	for (const char *p = pattern; *p;) {
		if (*p == '{') {
			if (k >= np)
				abort();
			len += (size_t)snprintf(out + len, n - len, "%" PRId64, params[k++]);
			p = strchr(p, '}') + 1;
		} else {
			if (len + 1 < n)
				out[len] = *p;
			len++;
			p++;
		}
		if (len >= n)
			abort();
	}
	out[len] = '\0';
	if (k != np)
		abort();
	return len;
}

static int count_params(const char *pattern)
{
	int n = 0;
	for (const char *p = pattern; (p = strchr(p, '{')); p++)
		n++;
	return n;
}

static void check_match(const char *method, const char *path, size_t len)
{
	const struct route *rt = NULL;
	int64_t params[HTTP_MAX_PARAMS];
	int np = -1;
	enum router_result res = router_match(&router, method, path, len, &rt, params, &np);

	if (res == ROUTER_FOUND) {
		if (!rt || rt < routes || rt >= routes + table.n || strcmp(rt->method, method))
			abort();
		if (np != count_params(rt->pattern) || np > HTTP_MAX_PARAMS)
			abort();
		for (int i = 0; i < np; i++)
			if (params[i] <= 0)
				abort();
		char back[HTTP_PATH_MAX + 256];
		size_t blen = expand(back, sizeof(back), rt->pattern, params, np);
		if (blen != len || memcmp(back, path, len))
			abort();
		return;
	}
	/* the same path under every method: found by another one iff NO_METHOD */
	bool other = false;
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
		if (!strcmp(methods[i], method))
			continue;
		const struct route *r2 = NULL;
		int n2 = 0;
		if (router_match(&router, methods[i], path, len, &r2, params, &n2) == ROUTER_FOUND)
			other = true;
	}
	if ((res == ROUTER_NO_METHOD) != other)
		abort();
}

/* The reference grammar for parse_int64. */
static bool reference_int64(const char *s, size_t len, int64_t *out)
{
	char buf[32];
	size_t i = 0;
	if (len == 0 || len > 20)
		return false;
	if (s[0] == '-')
		i = 1;
	if (i == len)
		return false;
	if (s[i] == '0' && len - i > 1)
		return false;
	for (size_t k = i; k < len; k++)
		if (s[k] < '0' || s[k] > '9')
			return false;
	if (i == 1 && len == 2 && s[1] == '0')
		return false; /* "-0" */
	memcpy(buf, s, len);
	buf[len] = '\0';
	errno = 0;
	long long v = strtoll(buf, NULL, 10);
	if (errno == ERANGE)
		return false;
	*out = (int64_t)v;
	return true;
}

static void check_numbers(const char *s, size_t len)
{
	int64_t v = 0, ref = 0, id = 0;
	bool ok = parse_int64(s, len, &v);
	if (ok != reference_int64(s, len, &ref) || (ok && v != ref))
		abort();
	if (ok) {
		char back[32];
		int n = snprintf(back, sizeof(back), "%" PRId64, v);
		if ((size_t)n != len || memcmp(back, s, len))
			abort();
	}
	bool idok = parse_id(s, len, &id);
	if (idok != (ok && v > 0) || (idok && id != v))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data;
	const char *sp = memchr(in, ' ', size);
	char method[16];
	size_t mlen = sp ? (size_t)(sp - in) : 0, start = 0;

	if (sp && mlen < sizeof(method) && !memchr(in, '\0', mlen)) {
		memcpy(method, in, mlen);
		method[mlen] = '\0';
		start = mlen + 1;
	} else {
		snprintf(method, sizeof(method), "GET");
	}
	size_t plen = size - start;
	char *path = malloc(plen ? plen : 1);
	if (!path)
		abort();
	memcpy(path, in + start, plen);
	check_match(method, path, plen);
	free(path);

	/* the raw bytes as a number, in a buffer of exactly their size */
	char *raw = malloc(size ? size : 1);
	if (!raw)
		abort();
	memcpy(raw, data, size);
	check_numbers(raw, size);
	free(raw);
	return 0;
}
