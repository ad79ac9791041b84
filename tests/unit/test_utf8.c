/*
 * test_utf8.c - UTF-8 validation and counting at the edge (src/core/utf8.c).
 *
 * Valid means RFC 3629.  Each rejection class gets its smallest example:
 * overlong forms (C0 80, E0 80 80, F0 80 80 80), surrogates (ED A0 80),
 * code points above U+10FFFF (F4 90 80 80), bytes that never occur (F5..FF),
 * stray continuation bytes and sequences cut short; and the boundaries just
 * inside each class (U+007F, U+0080, U+07FF, U+0800, U+D7FF, U+E000,
 * U+FFFF, U+10000, U+10FFFF) are accepted.  Lengths are explicit, so NUL
 * is an ordinary character and nothing past len is read.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/utf8.h"

#include <string.h>

#define VALID(lit) assert_true(utf8_valid((lit), sizeof(lit) - 1))
#define INVALID(lit) assert_false(utf8_valid((lit), sizeof(lit) - 1))

static void test_ascii_and_empty(void **state)
{
	(void)state;
	assert_true(utf8_valid("", 0));
	assert_true(utf8_valid(NULL, 0));
	VALID("hello, world");
	VALID("a\0b"); /* NUL is a character; len decides */
	VALID("\x7f");
}

static void test_boundaries_accepted(void **state)
{
	(void)state;
	VALID("\xc2\x80");         /* U+0080 */
	VALID("\xdf\xbf");         /* U+07FF */
	VALID("\xe0\xa0\x80");     /* U+0800 */
	VALID("\xed\x9f\xbf");     /* U+D7FF, just below the surrogates */
	VALID("\xee\x80\x80");     /* U+E000, just above */
	VALID("\xef\xbf\xbf");     /* U+FFFF */
	VALID("\xf0\x90\x80\x80"); /* U+10000 */
	VALID("\xf4\x8f\xbf\xbf"); /* U+10FFFF, the last code point */
	VALID("邻里 community 社区");
	VALID("😀");
}

static void test_overlong_refused(void **state)
{
	(void)state;
	INVALID("\xc0\x80");         /* NUL in two bytes */
	INVALID("\xc1\xbf");         /* U+007F in two bytes */
	INVALID("\xe0\x80\x80");     /* NUL in three */
	INVALID("\xe0\x9f\xbf");     /* U+07FF in three */
	INVALID("\xf0\x80\x80\x80"); /* NUL in four */
	INVALID("\xf0\x8f\xbf\xbf"); /* U+FFFF in four */
}

static void test_surrogates_refused(void **state)
{
	(void)state;
	INVALID("\xed\xa0\x80"); /* U+D800 */
	INVALID("\xed\xbf\xbf"); /* U+DFFF */
	INVALID("\xed\xa0\xbd\xed\xb8\x80"); /* CESU-8 pair for U+1F600 */
}

static void test_above_max_refused(void **state)
{
	(void)state;
	INVALID("\xf4\x90\x80\x80"); /* U+110000 */
	INVALID("\xf5\x80\x80\x80");
	INVALID("\xf7\xbf\xbf\xbf");
	INVALID("\xf8\x88\x80\x80\x80"); /* old five-byte form */
	INVALID("\xfe");
	INVALID("\xff");
}

static void test_truncated_and_stray(void **state)
{
	(void)state;
	INVALID("\x80");          /* continuation with no lead */
	INVALID("a\xbf");
	INVALID("\xc2");          /* lead at the very end */
	INVALID("\xe4\xb8");      /* 中 cut after two bytes */
	INVALID("\xf0\x9f\x98");  /* 😀 cut after three */
	INVALID("\xe4\xb8x");     /* a non-continuation where one is due */
	INVALID("\xc2\xc2\x80");
	/* the string is valid, but len cuts a character in half: nothing
	 * past len may be read */
	const char *zh = "中文";
	assert_true(utf8_valid(zh, 6));
	assert_false(utf8_valid(zh, 5));
	assert_false(utf8_valid(zh, 4));
	assert_true(utf8_valid(zh, 3));
	assert_false(utf8_valid(zh, 1));
}

static void test_count(void **state)
{
	(void)state;
	assert_int_equal(utf8_count("", 0), 0);
	assert_int_equal(utf8_count("abc", 3), 3);
	assert_int_equal(utf8_count("中文", strlen("中文")), 2);
	assert_int_equal(strlen("中文"), 6);
	assert_int_equal(utf8_count("中文abc", strlen("中文abc")), 5);
	assert_int_equal(utf8_count("居民委员会", strlen("居民委员会")), 5);
	assert_int_equal(utf8_count("é", strlen("é")), 1);
	assert_int_equal(utf8_count("😀x", strlen("😀x")), 2);
	assert_int_equal(utf8_count("a\0b", 3), 3);
	/* ten Chinese characters are 30 bytes but 10 characters */
	const char *ten = "一二三四五六七八九十";
	assert_int_equal(strlen(ten), 30);
	assert_int_equal(utf8_count(ten, strlen(ten)), 10);
}

static void test_has_control(void **state)
{
	(void)state;
	assert_false(utf8_has_control("", 0));
	assert_false(utf8_has_control("plain text 中文", strlen("plain text 中文")));
	assert_false(utf8_has_control("a\tb\r\nc", 6)); /* tab, CR and LF allowed */
	assert_true(utf8_has_control("a\0b", 3));
	assert_true(utf8_has_control("\x01", 1));
	assert_true(utf8_has_control("x\x1b[31m", 6));
	assert_true(utf8_has_control("\x1f", 1));
	assert_true(utf8_has_control("\x7f", 1));
	assert_false(utf8_has_control(" ", 1));
	assert_false(utf8_has_control("~", 1));
	/* only within len */
	assert_false(utf8_has_control("ab\x01", 2));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ascii_and_empty),
		cmocka_unit_test(test_boundaries_accepted),
		cmocka_unit_test(test_overlong_refused),
		cmocka_unit_test(test_surrogates_refused),
		cmocka_unit_test(test_above_max_refused),
		cmocka_unit_test(test_truncated_and_stray),
		cmocka_unit_test(test_count),
		cmocka_unit_test(test_has_control),
	};
	return cmocka_run_group_tests_name("core/utf8", tests, NULL, NULL);
}
