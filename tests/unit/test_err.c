/*
 * test_err.c - the error value (src/core/err.c).
 *
 * The first error set wins (so the root cause survives the trip up), a
 * NULL field is "", every code has a stable name and an HTTP status, and
 * unknown codes map to 500 "internal".  Messages and fields are cut to
 * their buffers; since they are sent as JSON strings, a cut must never
 * split a UTF-8 character (test_truncation_keeps_utf8).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/err.h"
#include "core/utf8.h"

#include <string.h>

static void test_init_is_none(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	assert_int_equal(e.code, ERR_NONE);
	assert_false(err_is_set(&e));
	assert_string_equal(e.message, "");
	assert_string_equal(e.field, "");
}

static void test_set_and_clear(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	assert_int_equal(err_set(&e, ERR_INVALID, "phone", "%s has %d digits", "phone", 10), -1);
	assert_true(err_is_set(&e));
	assert_int_equal(e.code, ERR_INVALID);
	assert_string_equal(e.field, "phone");
	assert_string_equal(e.message, "phone has 10 digits");
	err_clear(&e);
	assert_false(err_is_set(&e));
	assert_string_equal(e.message, "");
	assert_string_equal(e.field, "");
	assert_int_equal(err_set(&e, ERR_NOT_FOUND, NULL, "gone"), -1);
	assert_string_equal(e.field, "");
	/* NULL e is allowed and still returns -1 */
	assert_int_equal(err_set(NULL, ERR_INTERNAL, NULL, "x"), -1);
}

static void test_first_error_wins(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	err_set(&e, ERR_UNAVAILABLE, "db", "database busy");
	assert_int_equal(err_set(&e, ERR_INTERNAL, "other", "later"), -1);
	assert_int_equal(e.code, ERR_UNAVAILABLE);
	assert_string_equal(e.field, "db");
	assert_string_equal(e.message, "database busy");
}

static void test_codes(void **state)
{
	(void)state;
	static const struct {
		enum err_code code;
		int status;
		const char *name;
	} t[] = {
		{ ERR_NONE, 200, "none" },
		{ ERR_INVALID, 400, "invalid" },
		{ ERR_BAD_REQUEST, 400, "bad_request" },
		{ ERR_UNAUTHORIZED, 401, "unauthorized" },
		{ ERR_FORBIDDEN, 403, "forbidden" },
		{ ERR_NOT_FOUND, 404, "not_found" },
		{ ERR_METHOD, 405, "method_not_allowed" },
		{ ERR_CONFLICT, 409, "conflict" },
		{ ERR_TOO_LARGE, 413, "too_large" },
		{ ERR_MEDIA_TYPE, 415, "unsupported_media_type" },
		{ ERR_RATE_LIMITED, 429, "rate_limited" },
		{ ERR_INTERNAL, 500, "internal" },
		{ ERR_UNAVAILABLE, 503, "unavailable" },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_int_equal(err_http_status(t[i].code), t[i].status);
		assert_string_equal(err_code_name(t[i].code), t[i].name);
	}
	assert_int_equal(err_http_status((enum err_code)99), 500);
	assert_string_equal(err_code_name((enum err_code)99), "internal");
	assert_int_equal(err_http_status((enum err_code)-1), 500);
}

static void test_truncation(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	char long_field[200];
	memset(long_field, 'f', sizeof(long_field) - 1);
	long_field[sizeof(long_field) - 1] = '\0';
	err_set(&e, ERR_INVALID, long_field, "%0300d", 1);
	assert_int_equal(strlen(e.message), sizeof(e.message) - 1);
	assert_int_equal(strlen(e.field), sizeof(e.field) - 1);
	assert_int_equal(e.field[0], 'f');
}

/*
 * Fields and messages echo client input (an unknown JSON key is both the
 * field and part of the message).  Cut at a byte count, a Chinese name
 * loses half a character, and http_reply_err() cannot encode the error:
 * json_pack() refuses invalid UTF-8, returns NULL, and json_encode(NULL)
 * calls die_oom() - the server aborts.
 */
static void test_truncation_keeps_utf8(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	char name[400] = "a"; /* one byte, then three-byte characters */
	for (int i = 0; i < 100; i++)
		strcat(name, "楼");
	err_set(&e, ERR_INVALID, name, "unknown field: %s", name);
	assert_true(strlen(e.field) > 0);
	assert_true(utf8_valid(e.field, strlen(e.field)));
	assert_true(utf8_valid(e.message, strlen(e.message)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_is_none),
		cmocka_unit_test(test_set_and_clear),
		cmocka_unit_test(test_first_error_wins),
		cmocka_unit_test(test_codes),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_truncation_keeps_utf8),
	};
	return cmocka_run_group_tests_name("core/err", tests, NULL, NULL);
}
