/*
 * test_jsonw.c - the streaming JSON writer (src/core/jsonw.c).
 *
 * The writer places commas itself, so the tests build documents of every
 * shape (empty containers, keys followed by containers, arrays of
 * objects, nesting down to the documented 63 levels) and compare the text
 * byte for byte; then they parse it with jansson to be sure it is JSON
 * and that strings come back as they went in (quotes, backslashes,
 * control characters, UTF-8).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/jsonw.h"

#include <jansson.h>
#include <string.h>

static void test_scalars_and_commas(void **state)
{
	(void)state;
	struct jsonw w = JSONW_INIT;
	jw_obj(&w);
	jw_key(&w, "id");
	jw_int(&w, 42);
	jw_key(&w, "name");
	jw_cstr(&w, "幸福社区");
	jw_key(&w, "next");
	jw_null(&w);
	jw_key(&w, "ok");
	jw_bool(&w, true);
	jw_key(&w, "no");
	jw_bool(&w, false);
	jw_obj_end(&w);
	assert_string_equal(w.sb.buf,
			    "{\"id\":42,\"name\":\"幸福社区\",\"next\":null,\"ok\":true,\"no\":false}");
	jw_release(&w);
	assert_int_equal(w.sb.len, 0);
	assert_int_equal(w.depth, 0);
}

static void test_empty_and_nested(void **state)
{
	(void)state;
	struct jsonw w = JSONW_INIT;
	jw_obj(&w);
	jw_key(&w, "a");
	jw_arr(&w);
	jw_arr_end(&w);
	jw_key(&w, "o");
	jw_obj(&w);
	jw_obj_end(&w);
	jw_key(&w, "list");
	jw_arr(&w);
	for (int i = 0; i < 3; i++) {
		jw_obj(&w);
		jw_key(&w, "i");
		jw_int(&w, i);
		jw_key(&w, "xs");
		jw_arr(&w);
		jw_int(&w, i);
		jw_int(&w, -i);
		jw_arr_end(&w);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_key(&w, "after");
	jw_int(&w, 1);
	jw_obj_end(&w);
	assert_string_equal(w.sb.buf, "{\"a\":[],\"o\":{},\"list\":[{\"i\":0,\"xs\":[0,0]},"
				      "{\"i\":1,\"xs\":[1,-1]},{\"i\":2,\"xs\":[2,-2]}],\"after\":1}");
	jw_release(&w);
}

static void test_integers(void **state)
{
	(void)state;
	struct jsonw w = JSONW_INIT;
	jw_arr(&w);
	jw_int(&w, 0);
	jw_int(&w, -1);
	jw_int(&w, INT64_MAX);
	jw_int(&w, INT64_MIN);
	jw_arr_end(&w);
	assert_string_equal(w.sb.buf, "[0,-1,9223372036854775807,-9223372036854775808]");
	jw_release(&w);
}

static void test_string_escapes_round_trip(void **state)
{
	(void)state;
	static const char s[] = "q\"b\\s/\n\r\t\x01\x1f\x7f 邻里😀";
	struct jsonw w = JSONW_INIT;
	json_error_t je;
	jw_obj(&w);
	jw_key(&w, "s");
	jw_str(&w, s, sizeof(s) - 1);
	jw_key(&w, "nul");
	jw_str(&w, "a\0b", 3);
	jw_key(&w, "cut");
	jw_str(&w, "abcdef", 3);
	jw_key(&w, "empty");
	jw_str(&w, "", 0);
	jw_obj_end(&w);
	assert_non_null(strstr(w.sb.buf, "\\u0001"));
	assert_non_null(strstr(w.sb.buf, "\\u001f"));
	assert_non_null(strstr(w.sb.buf, "\\u0000"));
	json_t *v = json_loadb(w.sb.buf, w.sb.len, JSON_ALLOW_NUL, &je);
	if (!v)
		fail_msg("not JSON (%s): %s", je.text, w.sb.buf);
	json_t *got = json_object_get(v, "s");
	assert_int_equal(json_string_length(got), sizeof(s) - 1);
	assert_memory_equal(json_string_value(got), s, sizeof(s) - 1);
	got = json_object_get(v, "nul");
	assert_int_equal(json_string_length(got), 3);
	assert_memory_equal(json_string_value(got), "a\0b", 3);
	assert_string_equal(json_string_value(json_object_get(v, "cut")), "abc");
	assert_string_equal(json_string_value(json_object_get(v, "empty")), "");
	json_decref(v);
	jw_release(&w);
}

static void test_deep_nesting(void **state)
{
	(void)state;
	/* 63 nested arrays, two items at every level: [1,[1,[...],2],2] */
	enum { DEPTH = 63 };
	struct jsonw w = JSONW_INIT;
	json_error_t je;
	for (int d = 0; d < DEPTH; d++) {
		jw_arr(&w);
		jw_int(&w, d);
	}
	for (int d = DEPTH - 1; d >= 0; d--) {
		jw_int(&w, -d);
		jw_arr_end(&w);
	}
	json_t *v = json_loadb(w.sb.buf, w.sb.len, 0, &je);
	if (!v)
		fail_msg("not JSON (%s): %.200s", je.text, w.sb.buf);
	json_t *cur = v;
	for (int d = 0; d < DEPTH; d++) {
		assert_true(json_is_array(cur));
		size_t n = json_array_size(cur);
		assert_int_equal(n, d == DEPTH - 1 ? 2 : 3);
		assert_int_equal(json_integer_value(json_array_get(cur, 0)), d);
		assert_int_equal(json_integer_value(json_array_get(cur, n - 1)), -d);
		cur = json_array_get(cur, 1);
	}
	json_decref(v);
	jw_release(&w);
}

static void test_reuse_after_release(void **state)
{
	(void)state;
	struct jsonw w = JSONW_INIT;
	jw_arr(&w);
	jw_int(&w, 1);
	jw_release(&w); /* abandoned halfway */
	jw_arr(&w);
	jw_int(&w, 2);
	jw_arr_end(&w);
	assert_string_equal(w.sb.buf, "[2]");
	jw_release(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scalars_and_commas),
		cmocka_unit_test(test_empty_and_nested),
		cmocka_unit_test(test_integers),
		cmocka_unit_test(test_string_escapes_round_trip),
		cmocka_unit_test(test_deep_nesting),
		cmocka_unit_test(test_reuse_after_release),
	};
	return cmocka_run_group_tests_name("core/jsonw", tests, NULL, NULL);
}
