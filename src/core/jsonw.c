/*
 * jsonw.c - see jsonw.h.
 *
 * The writer is on the hot path of list endpoints, so each call reserves
 * room once and then writes bytes directly, instead of going through the
 * strbuf's checked appends byte by byte.
 */
#include "core/jsonw.h"

#include <string.h>

/* Room for n more bytes (and the NUL the strbuf keeps). */
static inline char *reserve(struct jsonw *w, size_t n)
{
	if (w->sb.alloc - w->sb.len <= n || !w->sb.alloc)
		strbuf_grow(&w->sb, n < 4096 ? 4096 : n);
	return w->sb.buf + w->sb.len;
}

static inline void commit(struct jsonw *w, char *end)
{
	w->sb.len = (size_t)(end - w->sb.buf);
	*end = '\0';
}

/* Writes the comma before a key or a value, unless it follows its key. */
static inline char *item(struct jsonw *w, char *p)
{
	uint64_t bit = 1ull << w->depth;
	if (w->after_key) {
		w->after_key = false;
		return p;
	}
	if (w->has_items & bit)
		*p++ = ',';
	w->has_items |= bit;
	return p;
}

static void open_(struct jsonw *w, char c)
{
	char *p = item(w, reserve(w, 2));
	*p++ = c;
	commit(w, p);
	if (w->depth < 63)
		w->depth++;
	w->has_items &= ~(1ull << w->depth);
}

static void close_(struct jsonw *w, char c)
{
	char *p = reserve(w, 1);
	*p++ = c;
	commit(w, p);
	if (w->depth > 0)
		w->depth--;
}

void jw_obj(struct jsonw *w)
{
	open_(w, '{');
}

void jw_obj_end(struct jsonw *w)
{
	close_(w, '}');
}

void jw_arr(struct jsonw *w)
{
	open_(w, '[');
}

void jw_arr_end(struct jsonw *w)
{
	close_(w, ']');
}

void jw_keyn(struct jsonw *w, const char *key, size_t len)
{
	char *p = item(w, reserve(w, len + 4));
	*p++ = '"';
	memcpy(p, key, len);
	p += len;
	*p++ = '"';
	*p++ = ':';
	commit(w, p);
	w->after_key = true;
}

void jw_str(struct jsonw *w, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	/* at most 6 bytes per input byte (\u00XX), plus the quotes and a comma */
	char *p = item(w, reserve(w, len * 6 + 3));
	*p++ = '"';
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\') {
			*p++ = (char)c;
			continue;
		}
		*p++ = '\\';
		switch (c) {
		case '"': *p++ = '"'; break;
		case '\\': *p++ = '\\'; break;
		case '\n': *p++ = 'n'; break;
		case '\r': *p++ = 'r'; break;
		case '\t': *p++ = 't'; break;
		default:
			*p++ = 'u';
			*p++ = '0';
			*p++ = '0';
			*p++ = hex[c >> 4];
			*p++ = hex[c & 15];
		}
	}
	*p++ = '"';
	commit(w, p);
}

void jw_cstr(struct jsonw *w, const char *s)
{
	jw_str(w, s, strlen(s));
}

void jw_int(struct jsonw *w, int64_t v)
{
	char buf[24], *d = buf + sizeof(buf);
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	do {
		*--d = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--d = '-';
	size_t n = (size_t)(buf + sizeof(buf) - d);
	char *p = item(w, reserve(w, n + 1));
	memcpy(p, d, n);
	commit(w, p + n);
}

static void literal(struct jsonw *w, const char *s, size_t n)
{
	char *p = item(w, reserve(w, n + 1));
	memcpy(p, s, n);
	commit(w, p + n);
}

void jw_null(struct jsonw *w)
{
	literal(w, "null", 4);
}

void jw_bool(struct jsonw *w, bool v)
{
	if (v)
		literal(w, "true", 4);
	else
		literal(w, "false", 5);
}

void jw_release(struct jsonw *w)
{
	strbuf_release(&w->sb);
	w->has_items = 0;
	w->depth = 0;
	w->after_key = false;
}
