/*
 * json.h - strict JSON input on top of jansson.
 *
 * Bodies are parsed with duplicate keys refused, and then taken field by
 * field against a table: each field names its type and bounds, and a key
 * that no row names is refused with its name.  So a handler validates its
 * whole input in one call, and every refusal names the field to blame.
 */
#ifndef LINLI_CORE_JSON_H
#define LINLI_CORE_JSON_H

#include "core/arena.h"
#include "core/err.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum jfield_type {
	JF_STRING, /* out: const char ** (arena copy), length in characters */
	JF_INT,    /* out: int64_t *, within [min, max] */
	JF_BOOL,   /* out: bool * */
	JF_INTS,   /* out: struct jints *; max is the most items, each item in
		      [item_min, item_max] */
};

/* An array of integers taken by JF_INTS; v is in the arena. */
struct jints {
	int64_t *v;
	size_t n;
};

struct jfield {
	const char *name;
	enum jfield_type type;
	bool required;
	int64_t min, max; /* JF_INT: value bounds; JF_STRING: length bounds;
			     JF_INTS: count bounds */
	void *out;        /* left untouched when the field is absent */
	bool *present;    /* optional: set to whether the field was given */
	int64_t item_min, item_max; /* JF_INTS: bounds of each item */
};

/*
 * Parses body[0..len) as one JSON object.  Refuses invalid UTF-8, duplicate
 * keys, trailing bytes and anything but an object.  Returns a new reference
 * the caller must json_decref(), or NULL with e filled (ERR_INVALID).
 */
json_t *json_parse_object(const char *body, size_t len, struct err *e);

/*
 * Checks obj against fields[0..n) and stores each present field through its
 * out pointer (strings copied into a).  Unknown keys, missing required
 * fields, wrong types and out-of-range values fill e and return -1;
 * nothing is stored through out pointers past the first failure.
 * Strings must be valid UTF-8 without control characters.
 */
int json_take(json_t *obj, const struct jfield *fields, size_t n,
	      struct arena *a, struct err *e);

/* Serialises v compactly into a NUL-terminated heap string; caller frees. */
char *json_encode(const json_t *v, size_t *len);

#endif
