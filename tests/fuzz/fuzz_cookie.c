/*
 * fuzz_cookie.c - libFuzzer driver for cookie_find() (src/http/router.c).
 *
 * The input is a Cookie header value, copied into a buffer of exactly its
 * size (no NUL after it, so any read past len is an ASan report).  It is
 * searched for a few names: the session cookie, a one-letter name, and a
 * name that is a prefix of the session cookie's.  Invariants when found:
 *   - the value lies within the header: header <= val <= val + vlen <=
 *     header + len;
 *   - it holds no ';', and unquoted it does not end in a space or tab;
 *   - it is preceded by "name=" (or "name=\"" when the quotes were
 *     stripped, in which case a '"' follows it), and "name" starts the
 *     header or follows a ';' and optional spaces or tabs: the name is
 *     the whole cookie name, never the tail of a longer one.
 * When not found, no pair of the header is exactly name=... (checked by
 * an independent scan).
 */
#include "http/router.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const names[] = { "linli_session", "a", "linli" };

/* Independent reference: does some ';'-separated pair, after leading spaces
 * and tabs, start with name followed by '='? */
static bool reference_has(const char *h, size_t len, const char *name)
{
	size_t nlen = strlen(name), i = 0;
	while (i <= len) {
		size_t end = i;
		while (end < len && h[end] != ';')
			end++;
		size_t p = i;
		while (p < end && (h[p] == ' ' || h[p] == '\t'))
			p++;
		if (end - p > nlen && !memcmp(h + p, name, nlen) && h[p + nlen] == '=')
			return true;
		i = end + 1;
	}
	return false;
}

static void check(const char *h, size_t len, const char *name)
{
	const char *v = NULL;
	size_t vlen = (size_t)-1, nlen = strlen(name);
	bool found = cookie_find(h, len, name, &v, &vlen);

	if (found != reference_has(h, len, name))
		abort();
	if (!found)
		return;
	if (!v || v < h || vlen > len || v + vlen > h + len)
		abort();
	if (memchr(v, ';', vlen))
		abort();
	/* what precedes the value: name=, or name=" with a closing quote */
	bool quoted = v > h && v[-1] == '"';
	const char *eq = quoted ? v - 2 : v - 1;
	if (eq < h || *eq != '=')
		abort();
	if (quoted && (v + vlen >= h + len || v[vlen] != '"'))
		abort();
	if (!quoted && vlen && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
		abort();
	const char *start = eq - nlen;
	if (start < h || memcmp(start, name, nlen))
		abort();
	const char *q = start;
	while (q > h && (q[-1] == ' ' || q[-1] == '\t'))
		q--;
	if (q != h && q[-1] != ';')
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *h = malloc(size ? size : 1);
	if (!h)
		abort();
	memcpy(h, data, size);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		check(h, size, names[i]);
	free(h);
	return 0;
}
