/*
 * test_phone.c - mainland mobile numbers (src/registry/phone.c).
 *
 * The forms people write (bare, +86, 0086, 86, spaces, hyphens, full-width
 * digits) all give the same 11 digits; boundaries: 10, 11 and 12 digits, the
 * second digit 2 (no) and 3 and 9 (yes), a bare 86 prefix only at 13 digits,
 * another country's code, a landline.  Every refusal names the field phone.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/utf8.h"
#include "registry/phone.h"

#include <string.h>

static void ok(const char *s, const char *want)
{
	char out[PHONE_LEN + 1];
	struct err e = ERR_INIT;
	int rc = phone_normalize(out, s, strlen(s), &e);
	if (rc != 0)
		print_error("%s: %s\n", s, e.message);
	assert_int_equal(rc, 0);
	assert_string_equal(out, want);
}

static void bad(const char *s, size_t len, const char *needle)
{
	char out[PHONE_LEN + 1] = "untouched";
	struct err e = ERR_INIT;
	assert_int_equal(phone_normalize(out, s, len, &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
	assert_string_equal(e.field, "phone");
	assert_true(utf8_valid(e.message, strlen(e.message)));
	if (!strstr(e.message, needle))
		print_error("message \"%s\" lacks \"%s\"\n", e.message, needle);
	assert_non_null(strstr(e.message, needle));
	assert_string_equal(out, "untouched");
}

#define BAD(lit, needle) bad((lit), sizeof(lit) - 1, (needle))

static void test_forms(void **state)
{
	(void)state;
	ok("13812345678", "13812345678");
	ok("+8613812345678", "13812345678");
	ok("+86 138 1234 5678", "13812345678");
	ok("+86-138-1234-5678", "13812345678");
	ok("008613812345678", "13812345678");
	ok("0086 138 1234 5678", "13812345678");
	ok("8613812345678", "13812345678");
	ok("86 138-1234-5678", "13812345678");
	ok("138 1234 5678", "13812345678");
	ok("138-1234-5678", "13812345678");
	ok("  13812345678\t", "13812345678");
	ok("１３８１２３４５６７８", "13812345678"); /* full-width */
}

static void test_second_digit(void **state)
{
	(void)state;
	ok("13000000000", "13000000000");
	ok("19999999999", "19999999999");
	BAD("12812345678", "starts with 12");
	BAD("11812345678", "starts with 11");
	BAD("10812345678", "starts with 10");
}

static void test_length(void **state)
{
	(void)state;
	BAD("", "empty");
	BAD(" \t ", "empty");
	BAD("1381234567", "not 10");
	BAD("138123456789", "not 12");
	BAD("+86", "not 0");
	BAD("+861381234567", "not 10");
	BAD("- -", "not 0");
	/* a bare 86 is a country code only when 13 digits follow from it: these
	 * 11 digits are a number that does not start with 1 */
	BAD("86123456789", "starts with 1, not 8");
}

static void test_refused(void **state)
{
	(void)state;
	BAD("+85291234567", "only mainland China");
	BAD("+1 415 555 0100", "only mainland China");
	BAD("00852 9123 4567", "only mainland China");
	BAD("0755-12345678", "not 12");
	BAD("01012345678", "starts with 1, not 0");
	BAD("(010)12345678", "character 1 ('(')");
	BAD("138.1234.5678", "character 4 ('.')");
	BAD("138+12345678", "character 4 ('+')");
	BAD("电话13812345678", "character 1 is not allowed");
	BAD("138\x00" "12345678", "character 4 is not allowed");
	BAD("13812345678 转 8", "character 13 is not allowed");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forms),
		cmocka_unit_test(test_second_digit),
		cmocka_unit_test(test_length),
		cmocka_unit_test(test_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
