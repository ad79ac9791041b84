/*
 * test_json.c - strict JSON input (src/core/json.c).
 *
 * json_parse_object() is the edge: a body that is empty, not an object,
 * malformed, not UTF-8, carries duplicate keys or trailing bytes is
 * refused with ERR_INVALID.  json_take() is the field table: every refusal
 * names the field to blame in err.field, string bounds count characters
 * (so ten Chinese characters are 10, not 30), integer bounds are inclusive
 * (exactly min and max pass, one beyond fails), control characters are
 * refused, out pointers of absent fields are left alone, and present
 * flags tell absent (or null) from given.
 *
 * Error values travel to http_reply_err(), which sends them as JSON
 * strings; so the message and field of every error must themselves be
 * valid UTF-8, whatever the client sent (test_error_text_is_utf8).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/json.h"
#include "core/utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Parses a literal; the caller decrefs. */
static json_t *parse(const char *s, struct err *e)
{
	return json_parse_object(s, strlen(s), e);
}

static void assert_refused(const char *body, const char *needle)
{
	struct err e = ERR_INIT;
	json_t *v = parse(body, &e);
	if (v)
		fail_msg("accepted: %s", body);
	assert_int_equal(e.code, ERR_INVALID);
	assert_true(e.message[0] != '\0');
	if (needle && !strstr(e.message, needle))
		fail_msg("message \"%s\" lacks \"%s\" for %s", e.message, needle, body);
}

static void test_parse_accepts_objects(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	json_t *v = parse("{}", &e);
	assert_non_null(v);
	assert_true(json_is_object(v));
	assert_int_equal(json_object_size(v), 0);
	json_decref(v);

	v = parse(" \n{\"name\": \"邻里\", \"n\": 3}\n ", &e);
	assert_non_null(v);
	assert_string_equal(json_string_value(json_object_get(v, "name")), "邻里");
	assert_int_equal(json_integer_value(json_object_get(v, "n")), 3);
	json_decref(v);
	assert_int_equal(e.code, ERR_NONE);

	/* only len bytes are read: what follows is not trailing garbage */
	const char *buf = "{\"a\":1}GARBAGE";
	v = json_parse_object(buf, 7, &e);
	assert_non_null(v);
	json_decref(v);
}

static void test_parse_refuses_empty(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	assert_null(json_parse_object("", 0, &e));
	assert_int_equal(e.code, ERR_INVALID);
	assert_string_equal(e.field, "");
	assert_non_null(strstr(e.message, "empty"));
	assert_refused("   ", "malformed");
}

static void test_parse_refuses_non_objects(void **state)
{
	(void)state;
	assert_refused("[]", "expected a JSON object");
	assert_refused("[{}]", "expected a JSON object");
	assert_refused("\"text\"", NULL);
	assert_refused("42", NULL);
	assert_refused("null", NULL);
	assert_refused("true", NULL);
}

static void test_parse_refuses_malformed(void **state)
{
	(void)state;
	assert_refused("{", "malformed");
	assert_refused("{\"a\":}", "malformed");
	assert_refused("{'a':1}", "malformed");
	assert_refused("{\"a\":1,}", "malformed");
	assert_refused("{\"a\":01}", "malformed");
	assert_refused("{\"a\":NaN}", "malformed");
	assert_refused("{\"a\":\"\\ud800\"}", NULL); /* lone surrogate escape */
}

static void test_parse_refuses_duplicate_keys(void **state)
{
	(void)state;
	assert_refused("{\"a\":1,\"a\":2}", "duplicate key");
	assert_refused("{\"a\":1,\"b\":{},\"a\":1}", "duplicate key");
	/* the duplicate is named as the field to blame */
	struct err dup = ERR_INIT;
	assert_null(parse("{\"name\":\"x\",\"age\":1,\"name\":\"y\"}", &dup));
	assert_string_equal(dup.field, "name");
	err_clear(&dup);
	assert_null(parse("{\"楼栋\":1,\"楼栋\":2}", &dup));
	assert_string_equal(dup.field, "楼栋");
	/* the same key in two different objects is fine */
	struct err e = ERR_INIT;
	json_t *v = parse("{\"a\":{\"a\":1}}", &e);
	assert_non_null(v);
	json_decref(v);
}

/*
 * jansson quotes the key ("duplicate object key near '\"name\"'") only for
 * tokens shorter than about 20 bytes; a longer duplicate key must still be
 * reported as a duplicate and named, not as "malformed JSON" with no field.
 */
static void test_parse_duplicate_long_key_named(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	assert_null(parse("{\"emergency_contact_phone\":\"1\",\"emergency_contact_phone\":\"2\"}", &e));
	assert_int_equal(e.code, ERR_INVALID);
	if (!strstr(e.message, "duplicate key"))
		fail_msg("message: %s", e.message);
	assert_string_equal(e.field, "emergency_contact_phone");
}

static void test_parse_refuses_invalid_utf8(void **state)
{
	(void)state;
	assert_refused("{\"a\":\"\xff\"}", "UTF-8");
	assert_refused("{\"a\":\"\xc0\x80\"}", "UTF-8");
	assert_refused("{\"a\":\"\xed\xa0\x80\"}", "UTF-8");
	assert_refused("{\"\xe4\xb8\":1}", "UTF-8");
}

static void test_parse_refuses_trailing_garbage(void **state)
{
	(void)state;
	assert_refused("{} x", "malformed");
	assert_refused("{}{}", "malformed");
	assert_refused("{}]", "malformed");
	struct err e = ERR_INIT;
	/* a NUL byte inside len, after the object */
	assert_null(json_parse_object("{}\0", 3, &e));
	assert_int_equal(e.code, ERR_INVALID);
}

/* ---- json_take ---- */

struct person {
	const char *name;
	int64_t age;
	bool active;
	bool has_name, has_age, has_active;
};

static int take(const char *body, struct person *p, struct arena *a, struct err *e)
{
	const struct jfield fields[] = {
		{ "name", JF_STRING, true, 1, 10, &p->name, &p->has_name },
		{ "age", JF_INT, false, -5, 150, &p->age, &p->has_age },
		{ "active", JF_BOOL, false, 0, 0, &p->active, &p->has_active },
	};
	json_t *v = parse(body, e);
	if (!v)
		fail_msg("does not parse: %s", body);
	int rc = json_take(v, fields, sizeof(fields) / sizeof(fields[0]), a, e);
	json_decref(v);
	return rc;
}

static void expect_take_fails(const char *body, const char *field, const char *needle)
{
	struct arena a = ARENA_INIT;
	struct err e = ERR_INIT;
	struct person p = { 0 };
	if (take(body, &p, &a, &e) == 0)
		fail_msg("accepted: %s", body);
	assert_int_equal(e.code, ERR_INVALID);
	assert_string_equal(e.field, field);
	assert_true(e.message[0] != '\0');
	if (needle && !strstr(e.message, needle))
		fail_msg("message \"%s\" lacks \"%s\" for %s", e.message, needle, body);
	arena_release(&a);
}

static void test_take_all_fields(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	struct err e = ERR_INIT;
	struct person p = { 0 };
	assert_int_equal(take("{\"name\":\"王芳\",\"age\":42,\"active\":true}", &p, &a, &e), 0);
	assert_int_equal(e.code, ERR_NONE);
	assert_string_equal(p.name, "王芳");
	assert_int_equal(p.age, 42);
	assert_true(p.active);
	assert_true(p.has_name && p.has_age && p.has_active);
	arena_release(&a);
}

static void test_take_absent_leaves_out_and_clears_present(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	struct err e = ERR_INIT;
	struct person p = { .age = 777, .active = true, .has_age = true, .has_active = true };
	assert_int_equal(take("{\"name\":\"x\"}", &p, &a, &e), 0);
	assert_int_equal(p.age, 777);
	assert_true(p.active);
	assert_false(p.has_age);
	assert_false(p.has_active);
	assert_true(p.has_name);
	/* null is the same as absent */
	p.age = 555;
	p.has_age = true;
	assert_int_equal(take("{\"name\":\"x\",\"age\":null}", &p, &a, &e), 0);
	assert_int_equal(p.age, 555);
	assert_false(p.has_age);
	/* false is a value, and present */
	assert_int_equal(take("{\"name\":\"x\",\"active\":false}", &p, &a, &e), 0);
	assert_false(p.active);
	assert_true(p.has_active);
	arena_release(&a);
}

static void test_take_string_is_arena_copy(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	struct err e = ERR_INIT;
	struct person p = { 0 };
	const struct jfield fields[] = {
		{ "name", JF_STRING, true, 1, 10, &p.name, NULL },
	};
	json_t *v = parse("{\"name\":\"abc\"}", &e);
	assert_int_equal(json_take(v, fields, 1, &a, &e), 0);
	json_decref(v); /* the copy outlives the JSON value */
	assert_string_equal(p.name, "abc");
	arena_release(&a);
}

static void test_take_unknown_field_named(void **state)
{
	(void)state;
	expect_take_fails("{\"name\":\"x\",\"agee\":1}", "agee", "unknown field");
	expect_take_fails("{\"name\":\"x\",\"邮编\":1}", "邮编", "邮编");
	expect_take_fails("{\"NAME\":\"x\"}", "NAME", "unknown field");
}

static void test_take_missing_required(void **state)
{
	(void)state;
	expect_take_fails("{}", "name", "required");
	expect_take_fails("{\"age\":3}", "name", "required");
	expect_take_fails("{\"name\":null}", "name", "required");
}

static void test_take_wrong_types(void **state)
{
	(void)state;
	expect_take_fails("{\"name\":5}", "name", "string");
	expect_take_fails("{\"name\":[\"x\"]}", "name", "string");
	expect_take_fails("{\"name\":\"x\",\"age\":\"5\"}", "age", "integer");
	expect_take_fails("{\"name\":\"x\",\"age\":1.5}", "age", "integer");
	expect_take_fails("{\"name\":\"x\",\"age\":1.0}", "age", "integer");
	expect_take_fails("{\"name\":\"x\",\"age\":true}", "age", "integer");
	expect_take_fails("{\"name\":\"x\",\"active\":1}", "active", "true or false");
	expect_take_fails("{\"name\":\"x\",\"active\":\"true\"}", "active", "true or false");
}

static void test_take_string_length_in_characters(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	struct err e = ERR_INIT;
	struct person p = { 0 };
	/* 10 Chinese characters = 30 bytes: exactly the maximum of 10 */
	assert_int_equal(take("{\"name\":\"一二三四五六七八九十\"}", &p, &a, &e), 0);
	assert_string_equal(p.name, "一二三四五六七八九十");
	/* one character (3 bytes) is at least the minimum of 1 */
	assert_int_equal(take("{\"name\":\"王\"}", &p, &a, &e), 0);
	/* escapes count as the characters they stand for */
	assert_int_equal(take("{\"name\":\"\\u4e00\\u4e8c\\u4e09\\u56db\\u4e94abcde\"}", &p, &a, &e), 0);
	assert_int_equal(utf8_count(p.name, strlen(p.name)), 10);
	/* a four-byte character counts once */
	assert_int_equal(take("{\"name\":\"😀😀😀😀😀😀😀😀😀😀\"}", &p, &a, &e), 0);
	arena_release(&a);
	expect_take_fails("{\"name\":\"一二三四五六七八九十一\"}", "name", "at most 10");
	expect_take_fails("{\"name\":\"abcdefghijk\"}", "name", "at most 10");
	expect_take_fails("{\"name\":\"\"}", "name", "at least 1");
}

static void test_take_int_bounds_inclusive(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	struct err e = ERR_INIT;
	struct person p = { 0 };
	assert_int_equal(take("{\"name\":\"x\",\"age\":-5}", &p, &a, &e), 0);
	assert_int_equal(p.age, -5);
	assert_int_equal(take("{\"name\":\"x\",\"age\":150}", &p, &a, &e), 0);
	assert_int_equal(p.age, 150);
	assert_int_equal(take("{\"name\":\"x\",\"age\":0}", &p, &a, &e), 0);
	assert_int_equal(p.age, 0);
	arena_release(&a);
	expect_take_fails("{\"name\":\"x\",\"age\":-6}", "age", "between -5 and 150");
	expect_take_fails("{\"name\":\"x\",\"age\":151}", "age", "between -5 and 150");
}

static void test_take_int_extremes(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	struct err e = ERR_INIT;
	int64_t v = 0;
	const struct jfield f[] = { { "v", JF_INT, true, INT64_MIN, INT64_MAX, &v, NULL } };
	json_t *o = parse("{\"v\":9223372036854775807}", &e);
	assert_int_equal(json_take(o, f, 1, &a, &e), 0);
	assert_true(v == INT64_MAX);
	json_decref(o);
	o = parse("{\"v\":-9223372036854775808}", &e);
	assert_int_equal(json_take(o, f, 1, &a, &e), 0);
	assert_true(v == INT64_MIN);
	json_decref(o);
	/* beyond 64 bits is not a number jansson accepts */
	assert_refused("{\"v\":9223372036854775808}", NULL);
	/* [1, INT64_MAX] refuses 0 and accepts the top */
	const struct jfield pos[] = { { "v", JF_INT, true, 1, INT64_MAX, &v, NULL } };
	o = parse("{\"v\":0}", &e);
	assert_int_equal(json_take(o, pos, 1, &a, &e), -1);
	assert_string_equal(e.field, "v");
	json_decref(o);
	arena_release(&a);
}

static void test_take_refuses_control_characters(void **state)
{
	(void)state;
	expect_take_fails("{\"name\":\"a\\u0001b\"}", "name", "control");
	expect_take_fails("{\"name\":\"a\\u0000b\"}", "name", "control");
	expect_take_fails("{\"name\":\"\\u001b[31m\"}", "name", "control");
	expect_take_fails("{\"name\":\"a\\u007f\"}", "name", "control");
}

static void test_take_stops_at_first_failure(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	struct err e = ERR_INIT;
	struct person p = { .active = true };
	/* age fails; active comes after it and must not be stored */
	assert_int_equal(take("{\"name\":\"x\",\"age\":999,\"active\":false}", &p, &a, &e), -1);
	assert_string_equal(e.field, "age");
	assert_true(p.active);
	arena_release(&a);
}

static void test_take_refuses_non_object(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	struct err e = ERR_INIT;
	json_t *arr = json_array();
	const struct jfield f[] = { { "v", JF_INT, false, 0, 1, NULL, NULL } };
	assert_int_equal(json_take(arr, f, 1, &a, &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
	json_decref(arr);
	arena_release(&a);
}

static void test_take_first_error_wins(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	struct err e = ERR_INIT;
	struct person p = { 0 };
	err_set(&e, ERR_NOT_FOUND, "earlier", "an earlier error");
	assert_int_equal(take("{}", &p, &a, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	assert_string_equal(e.field, "earlier");
	arena_release(&a);
}

/*
 * An unknown key is echoed in err.field (64 bytes) and err.message (160
 * bytes).  A long key of Chinese characters must not be cut inside a
 * character, or the error cannot be encoded as JSON: http_reply_err()'s
 * json_pack() then returns NULL and json_encode() aborts the server
 * ("linli: out of memory") - reachable without a session through
 * POST /api/session.
 */
/* {"a用用…用":1} with 60 three-byte characters: the key is 181 bytes. */
static void long_key_body(char *out, size_t n, bool twice)
{
	char key[256] = "a";
	for (int i = 0; i < 60; i++)
		strcat(key, "用");
	if (twice)
		snprintf(out, n, "{\"%s\":1,\"%s\":2}", key, key);
	else
		snprintf(out, n, "{\"%s\":1}", key);
}

static void test_error_text_is_utf8_unknown_key(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	struct err e = ERR_INIT;
	struct person p = { 0 };
	char body[600];
	long_key_body(body, sizeof(body), false);
	assert_int_equal(take(body, &p, &a, &e), -1);
	arena_release(&a);
	assert_int_equal(e.code, ERR_INVALID);
	assert_true(utf8_valid(e.field, strlen(e.field)));
	assert_true(utf8_valid(e.message, strlen(e.message)));
	/* what http_reply_err() builds from it */
	json_t *inner = json_pack("{s:s, s:s}", "message", e.message, "field", e.field);
	assert_non_null(inner);
	json_decref(inner);
}

static void test_error_text_is_utf8_duplicate_key(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	char body[600];
	long_key_body(body, sizeof(body), true);
	assert_null(parse(body, &e));
	assert_int_equal(e.code, ERR_INVALID);
	assert_true(utf8_valid(e.field, strlen(e.field)));
	assert_true(utf8_valid(e.message, strlen(e.message)));
	json_t *inner = json_pack("{s:s, s:s}", "message", e.message, "field", e.field);
	assert_non_null(inner);
	json_decref(inner);
}

static void test_encode(void **state)
{
	(void)state;
	size_t len = 0;
	json_t *v = json_pack("{s:s, s:I}", "name", "邻里", "n", (json_int_t)7);
	char *s = json_encode(v, &len);
	assert_string_equal(s, "{\"name\":\"邻里\",\"n\":7}");
	assert_int_equal(len, strlen(s));
	free(s);
	json_decref(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_accepts_objects),
		cmocka_unit_test(test_parse_refuses_empty),
		cmocka_unit_test(test_parse_refuses_non_objects),
		cmocka_unit_test(test_parse_refuses_malformed),
		cmocka_unit_test(test_parse_refuses_duplicate_keys),
		cmocka_unit_test(test_parse_duplicate_long_key_named),
		cmocka_unit_test(test_parse_refuses_invalid_utf8),
		cmocka_unit_test(test_parse_refuses_trailing_garbage),
		cmocka_unit_test(test_take_all_fields),
		cmocka_unit_test(test_take_absent_leaves_out_and_clears_present),
		cmocka_unit_test(test_take_string_is_arena_copy),
		cmocka_unit_test(test_take_unknown_field_named),
		cmocka_unit_test(test_take_missing_required),
		cmocka_unit_test(test_take_wrong_types),
		cmocka_unit_test(test_take_string_length_in_characters),
		cmocka_unit_test(test_take_int_bounds_inclusive),
		cmocka_unit_test(test_take_int_extremes),
		cmocka_unit_test(test_take_refuses_control_characters),
		cmocka_unit_test(test_take_stops_at_first_failure),
		cmocka_unit_test(test_take_refuses_non_object),
		cmocka_unit_test(test_take_first_error_wins),
		cmocka_unit_test(test_error_text_is_utf8_unknown_key),
		cmocka_unit_test(test_error_text_is_utf8_duplicate_key),
		cmocka_unit_test(test_encode),
	};
	return cmocka_run_group_tests_name("core/json", tests, NULL, NULL);
}
