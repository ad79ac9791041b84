/* jsonw.c - see jsonw.h. */
#include "core/jsonw.h"

#include <string.h>

/* Places the comma before a key or a value, unless it follows its key. */
static void item(struct jsonw *w)
{
	uint64_t bit = 1ull << w->depth;
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->has_items & bit)
		strbuf_addch(&w->sb, ',');
	w->has_items |= bit;
}

static void open_(struct jsonw *w, char c)
{
	item(w);
	strbuf_addch(&w->sb, c);
	if (w->depth < 63)
		w->depth++;
	w->has_items &= ~(1ull << w->depth);
}

static void close_(struct jsonw *w, char c)
{
	strbuf_addch(&w->sb, c);
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

void jw_key(struct jsonw *w, const char *key)
{
	item(w);
	strbuf_addch(&w->sb, '"');
	strbuf_addstr(&w->sb, key);
	strbuf_add(&w->sb, "\":", 2);
	w->after_key = true;
}

void jw_str(struct jsonw *w, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	item(w);
	strbuf_grow(&w->sb, len + 2);
	strbuf_addch(&w->sb, '"');
	size_t start = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		strbuf_add(&w->sb, s + start, i - start);
		start = i + 1;
		switch (c) {
		case '"': strbuf_add(&w->sb, "\\\"", 2); break;
		case '\\': strbuf_add(&w->sb, "\\\\", 2); break;
		case '\n': strbuf_add(&w->sb, "\\n", 2); break;
		case '\r': strbuf_add(&w->sb, "\\r", 2); break;
		case '\t': strbuf_add(&w->sb, "\\t", 2); break;
		default: {
			char u[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
			strbuf_add(&w->sb, u, 6);
		}
		}
	}
	strbuf_add(&w->sb, s + start, len - start);
	strbuf_addch(&w->sb, '"');
}

void jw_cstr(struct jsonw *w, const char *s)
{
	jw_str(w, s, strlen(s));
}

void jw_int(struct jsonw *w, int64_t v)
{
	char buf[24], *p = buf + sizeof(buf);
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	item(w);
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--p = '-';
	strbuf_add(&w->sb, p, (size_t)(buf + sizeof(buf) - p));
}

void jw_null(struct jsonw *w)
{
	item(w);
	strbuf_add(&w->sb, "null", 4);
}

void jw_bool(struct jsonw *w, bool v)
{
	item(w);
	strbuf_addstr(&w->sb, v ? "true" : "false");
}

void jw_release(struct jsonw *w)
{
	strbuf_release(&w->sb);
	w->has_items = 0;
	w->depth = 0;
	w->after_key = false;
}
