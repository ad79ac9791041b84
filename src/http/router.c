/*
 * router.c - see router.h.
 *
 * The API has a few dozen routes, so matching is a linear scan segment by
 * segment: simple to read, and cheaper than a request's one SQL query by
 * orders of magnitude.
 */
#include "http/router.h"

#include <stdlib.h>
#include <string.h>

void router_init(struct router *r, const struct route_table *const *t, size_t n)
{
	size_t total = 0, k = 0;
	for (size_t i = 0; i < n; i++)
		total += t[i]->n;
	r->routes = xcalloc(total ? total : 1, sizeof(*r->routes));
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < t[i]->n; j++)
			r->routes[k++] = &t[i]->routes[j];
	r->n = total;
}

void router_release(struct router *r)
{
	free(r->routes);
	r->routes = NULL;
	r->n = 0;
}

bool parse_int64(const char *s, size_t len, int64_t *out)
{
	bool neg = false;
	uint64_t v = 0, limit;

	if (len && s[0] == '-') {
		neg = true;
		s++;
		len--;
	}
	if (len == 0 || len > 19)
		return false;
	if (len > 1 && s[0] == '0')
		return false;
	limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		unsigned d = (unsigned)(s[i] - '0');
		if (v > (limit - d) / 10)
			return false;
		v = v * 10 + d;
	}
	if (neg && v == 0)
		return false;
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return true;
}

bool parse_id(const char *s, size_t len, int64_t *out)
{
	int64_t v;
	if (len == 0 || s[0] == '-' || !parse_int64(s, len, &v) || v <= 0)
		return false;
	*out = v;
	return true;
}

/* Matches one pattern; returns true and fills params on a match. */
static bool match(const char *pat, const char *path, size_t len,
		  int64_t *params, int *nparams)
{
	const char *p = path, *end = path + len;
	int np = 0;

	while (*pat && p < end) {
		if (*pat != '/' || *p != '/')
			return false;
		pat++;
		p++;
		const char *pe = strchr(pat, '/');
		size_t plen = pe ? (size_t)(pe - pat) : strlen(pat);
		const char *se = memchr(p, '/', (size_t)(end - p));
		size_t slen = se ? (size_t)(se - p) : (size_t)(end - p);
		if (plen && pat[0] == '{') {
			if (np >= HTTP_MAX_PARAMS || !parse_id(p, slen, &params[np]))
				return false;
			np++;
		} else if (plen != slen || memcmp(pat, p, slen)) {
			return false;
		}
		pat += plen;
		p += slen;
	}
	if (*pat || p != end)
		return false;
	*nparams = np;
	return true;
}

enum router_result router_match(const struct router *r, const char *method,
				const char *path, size_t len,
				const struct route **out, int64_t *params,
				int *nparams)
{
	enum router_result res = ROUTER_NO_PATH;
	int64_t tmp[HTTP_MAX_PARAMS];
	int ntmp;

	for (size_t i = 0; i < r->n; i++) {
		const struct route *rt = r->routes[i];
		if (!match(rt->pattern, path, len, tmp, &ntmp))
			continue;
		if (strcmp(rt->method, method)) {
			res = ROUTER_NO_METHOD;
			continue;
		}
		*out = rt;
		memcpy(params, tmp, sizeof(tmp[0]) * (size_t)ntmp);
		*nparams = ntmp;
		return ROUTER_FOUND;
	}
	return res;
}

bool route_pattern_ok(const char *pattern)
{
	int np = 0;
	if (pattern[0] != '/')
		return false;
	for (const char *p = pattern; (p = strchr(p, '{')); p++)
		if (++np > HTTP_MAX_PARAMS || p[-1] != '/')
			return false;
	return true;
}

static const char *skip_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

bool cookie_find(const char *h, size_t len, const char *name,
		 const char **val, size_t *vlen)
{
	const char *p = h, *end = h + len;
	size_t nlen = strlen(name);

	while (p < end) {
		p = skip_ws(p, end);
		const char *semi = memchr(p, ';', (size_t)(end - p));
		const char *pe = semi ? semi : end;
		const char *eq = memchr(p, '=', (size_t)(pe - p));
		if (eq && (size_t)(eq - p) == nlen && !memcmp(p, name, nlen)) {
			const char *v = eq + 1, *ve = pe;
			while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
				ve--;
			if (ve - v >= 2 && v[0] == '"' && ve[-1] == '"') {
				v++;
				ve--;
			}
			*val = v;
			*vlen = (size_t)(ve - v);
			return true;
		}
		p = semi ? semi + 1 : end;
	}
	return false;
}
