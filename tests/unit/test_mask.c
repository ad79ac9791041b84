/*
 * test_mask.c - display masking (src/registry/mask.c).
 *
 * The shapes the register shows: 110105********002X, 138****5678, 张*,
 * 欧阳**; characters, not bytes; and the two safety rules on purpose: a
 * value no longer than what would be shown is masked entirely (exactly
 * head + tail characters, one more, one less), and invalid UTF-8 becomes one
 * '*' per byte.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/utf8.h"
#include "registry/mask.h"

#include <string.h>

static struct arena a = ARENA_INIT;

static int teardown(void **state)
{
	(void)state;
	arena_release(&a);
	return 0;
}

#define S(lit) (lit), sizeof(lit) - 1

static void test_id_number(void **state)
{
	(void)state;
	assert_string_equal(mask_id_number(&a, S("11010519491231002X")), "110105********002X");
	assert_string_equal(mask_id_number(&a, S("110105491231002")), "110105*****1002");
	assert_string_equal(mask_id_number(&a, S("12345678901")), "123456*8901");
	assert_string_equal(mask_id_number(&a, S("1234567890")), "**********"); /* 6 + 4 */
	assert_string_equal(mask_id_number(&a, S("123456789")), "*********");
	assert_string_equal(mask_id_number(&a, S("")), "");
}

static void test_phone(void **state)
{
	(void)state;
	assert_string_equal(mask_phone(&a, S("13812345678")), "138****5678");
	assert_string_equal(mask_phone(&a, S("12345678")), "123*5678");
	assert_string_equal(mask_phone(&a, S("1234567")), "*******");
}

static void test_name(void **state)
{
	(void)state;
	assert_string_equal(mask_name(&a, S("张三")), "张*");
	assert_string_equal(mask_name(&a, S("王小明")), "王**");
	assert_string_equal(mask_name(&a, S("欧阳娜娜")), "欧阳**");
	assert_string_equal(mask_name(&a, S("欧阳锋")), "欧阳*");
	assert_string_equal(mask_name(&a, S("欧阳")), "欧*"); /* 欧 Yang, not 欧阳 */
	assert_string_equal(mask_name(&a, S("诸葛亮")), "诸葛*");
	assert_string_equal(mask_name(&a, S("张")), "*");      /* never the whole name */
	assert_string_equal(mask_name(&a, S("买买提·艾力")), "买*****");
	assert_string_equal(mask_name(&a, S("Li Lei")), "L*****");
	assert_string_equal(mask_name(&a, S("𠀋𠀌")), "𠀋*"); /* four-byte characters */
	assert_string_equal(mask_name(&a, S("")), "");
}

static void test_tail_and_middle(void **state)
{
	(void)state;
	assert_string_equal(mask_tail(&a, S("北京市朝阳区"), 2), "北京****");
	assert_string_equal(mask_tail(&a, S("北京"), 2), "**");
	assert_string_equal(mask_tail(&a, S("北京"), 0), "**");
	assert_string_equal(mask_tail(&a, S("abc"), 5), "***");
	assert_string_equal(mask_middle(&a, S("abcdef"), 2, 2), "ab**ef");
	assert_string_equal(mask_middle(&a, S("abcde"), 2, 2), "ab*de");
	assert_string_equal(mask_middle(&a, S("abcd"), 2, 2), "****");
	assert_string_equal(mask_middle(&a, S("abcdef"), 0, 0), "******");
	assert_string_equal(mask_middle(&a, S("abcdef"), (size_t)-1, 1), "******");
	assert_string_equal(mask_middle(&a, S("abcdef"), 1, (size_t)-1), "******");
}

static void test_invalid_utf8(void **state)
{
	(void)state;
	/* 张 in GBK: not UTF-8, so nothing of it is shown */
	char *m = mask_name(&a, S("\xd5\xc5\xc8\xfd"));
	assert_string_equal(m, "****");
	m = mask_id_number(&a, S("110105\xff" "1234567890"));
	assert_string_equal(m, "*****************");
	m = mask_phone(&a, S("138\x00" "12345678"));
	assert_string_equal(m, "138*****5678"); /* NUL is a character */
	assert_true(utf8_valid(m, strlen(m)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_id_number),
		cmocka_unit_test(test_phone),
		cmocka_unit_test(test_name),
		cmocka_unit_test(test_tail_and_middle),
		cmocka_unit_test(test_invalid_utf8),
	};
	return cmocka_run_group_tests(tests, NULL, teardown);
}
