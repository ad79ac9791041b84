/*
 * fuzz_json.c - libFuzzer driver for json_parse_object() and json_take()
 * (src/core/json.c): the path every request body takes.
 *
 * The body is copied into a buffer of exactly its size, parsed, and taken
 * against a table like a handler's (required and optional strings with
 * character bounds, integers with bounds, a boolean), with an arena
 * released at the end of each run.  Invariants:
 *   - every refusal is ERR_INVALID with a non-empty message, and message
 *     and field are valid UTF-8 (they are sent back as JSON strings by
 *     http_reply_err(), which cannot encode anything else);
 *   - a json_take refusal names a field: either a row of the table or a
 *     key of the object (possibly cut to the size of err.field);
 *   - on success every value stored honours its row: strings valid UTF-8,
 *     within their bounds in characters, without control characters;
 *     integers within bounds; present flags agree with the object; and
 *     out pointers of absent fields are untouched.
 */
#include "core/json.h"
#include "core/utf8.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool text_ok(const char *s)
{
	return utf8_valid(s, strlen(s));
}

static void check_refusal(const struct err *e)
{
	if (e->code != ERR_INVALID || !e->message[0])
		abort();
	if (!text_ok(e->message) || !text_ok(e->field))
		abort();
}

/* Is field a table row, or a key of obj (or the first bytes of one)? */
static bool names_something(const char *field, json_t *obj, const struct jfield *f, size_t n)
{
	const char *key;
	json_t *v;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(field, f[i].name))
			return true;
	json_object_foreach(obj, key, v) {
		size_t flen = strlen(field);
		/* a key longer than err.field is named by its prefix, cut on a
		 * character boundary (so up to 3 bytes short of the buffer) */
		if (!strcmp(field, key) || (flen + 4 >= sizeof(((struct err *)0)->field) &&
					    !strncmp(field, key, flen)))
			return true;
	}
	return false;
}

static void check_string(const char *s, int64_t min, int64_t max)
{
	size_t len = strlen(s);
	if (!utf8_valid(s, len) || utf8_has_control(s, len))
		abort();
	int64_t chars = (int64_t)utf8_count(s, len);
	if (chars < min || chars > max)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena a = ARENA_INIT;
	struct err e = ERR_INIT;
	static const char untouched[] = "untouched";
	const char *name = untouched, *note = untouched;
	int64_t floor = -777, area = -777;
	bool active = false;
	bool has_name = true, has_note = true, has_floor = true, has_area = true, has_active = true;
	const struct jfield fields[] = {
		{ "name", JF_STRING, true, 1, 10, &name, &has_name },
		{ "note", JF_STRING, false, 0, 200, &note, &has_note },
		{ "floor", JF_INT, false, -5, 99, &floor, &has_floor },
		{ "area", JF_INT, false, 1, 10000000, &area, &has_area },
		{ "active", JF_BOOL, false, 0, 0, &active, &has_active },
	};
	const size_t n = sizeof(fields) / sizeof(fields[0]);

	char *body = malloc(size ? size : 1);
	if (!body)
		abort();
	memcpy(body, data, size);
	json_t *obj = json_parse_object(body, size, &e);
	free(body);
	if (!obj) {
		check_refusal(&e);
		return 0;
	}
	if (!json_is_object(obj) || err_is_set(&e))
		abort();

	if (json_take(obj, fields, n, &a, &e) < 0) {
		check_refusal(&e);
		if (!names_something(e.field, obj, fields, n))
			abort();
		goto out;
	}
	if (err_is_set(&e))
		abort();
	/* present flags agree with the object (null counts as absent) */
	const bool *present[] = { &has_name, &has_note, &has_floor, &has_area, &has_active };
	for (size_t i = 0; i < n; i++) {
		json_t *v = json_object_get(obj, fields[i].name);
		if (*present[i] != (v && !json_is_null(v)))
			abort();
	}
	if (!has_name)
		abort(); /* required */
	check_string(name, 1, 10);
	if (has_note)
		check_string(note, 0, 200);
	else if (note != untouched)
		abort();
	if (has_floor ? (floor < -5 || floor > 99) : floor != -777)
		abort();
	if (has_area ? (area < 1 || area > 10000000) : area != -777)
		abort();
	if (has_active && active != json_is_true(json_object_get(obj, "active")))
		abort();
out:
	json_decref(obj);
	arena_release(&a);
	return 0;
}
