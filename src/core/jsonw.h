/*
 * jsonw.h - a streaming JSON writer into a strbuf.
 *
 * For hot read paths (lists of many rows) where building a jansson tree
 * would cost hundreds of small allocations per request: values are appended
 * as text directly.  Commas are placed by the writer; keys must be plain
 * ASCII literals (they are not escaped); string values are escaped.
 */
#ifndef LINLI_CORE_JSONW_H
#define LINLI_CORE_JSONW_H

#include "core/strbuf.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct jsonw {
	struct strbuf sb;
	uint64_t has_items; /* bit d: the container at depth d has an item */
	int depth;          /* at most 63 */
	bool after_key;     /* the next value belongs to a key just written */
};

#define JSONW_INIT { STRBUF_INIT, 0, 0, false }

void jw_obj(struct jsonw *w);
void jw_obj_end(struct jsonw *w);
void jw_arr(struct jsonw *w);
void jw_arr_end(struct jsonw *w);
/* An object key; the next call writes its value.  jw_key() takes a string
 * literal (its length is known at compile time); jw_keyn() any key. */
void jw_keyn(struct jsonw *w, const char *key, size_t len);
#define jw_key(w, key) jw_keyn((w), "" key "", sizeof(key) - 1)
void jw_str(struct jsonw *w, const char *s, size_t len);
void jw_cstr(struct jsonw *w, const char *s);
void jw_int(struct jsonw *w, int64_t v);
void jw_null(struct jsonw *w);
void jw_bool(struct jsonw *w, bool v);
/* Frees the buffer. */
void jw_release(struct jsonw *w);

#endif
