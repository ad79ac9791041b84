/*
 * test_idcard.c - PRC resident ID numbers (src/registry/idcard.c).
 *
 * "Today" is 2024-06-15 throughout.  Boundaries on purpose: the check
 * character right and one off (digits and X, lower-case x), the leap days
 * 1900-02-29 (no), 2000-02-29 (yes), 1999-02-29 (no), birth on 1900-01-01
 * and 1899-12-31, today and tomorrow; 15 and 18 characters and one either
 * side; the first-generation example 110105491231002 → 11010519491231002X;
 * region codes at the edges of the province table.  Every refusal names the
 * field id_number and says what is wrong.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/utf8.h"
#include "registry/idcard.h"

#include <string.h>

enum { TODAY = 20240615 };

/* Normalises s and checks the result is want. */
static void ok(const char *s, const char *want)
{
	char out[IDCARD_LEN + 1];
	struct err e = ERR_INIT;
	int rc = idcard_normalize(out, s, strlen(s), TODAY, &e);
	if (rc != 0)
		print_error("%s: %s\n", s, e.message);
	assert_int_equal(rc, 0);
	assert_false(err_is_set(&e));
	assert_string_equal(out, want);
}

/* Refuses s with a message holding needle. */
static void bad(const char *s, size_t len, const char *needle)
{
	char out[IDCARD_LEN + 1] = "untouched";
	struct err e = ERR_INIT;
	assert_int_equal(idcard_normalize(out, s, len, TODAY, &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
	assert_string_equal(e.field, "id_number");
	assert_true(utf8_valid(e.message, strlen(e.message)));
	if (!strstr(e.message, needle))
		print_error("message \"%s\" lacks \"%s\"\n", e.message, needle);
	assert_non_null(strstr(e.message, needle));
	assert_string_equal(out, "untouched");
}

#define BAD(lit, needle) bad((lit), sizeof(lit) - 1, (needle))

static void test_check_character(void **state)
{
	(void)state;
	ok("110105199003078035", "110105199003078035");
	ok("11010519000101001X", "11010519000101001X");
	ok("11010519000101001x", "11010519000101001X"); /* lower-case x */
	ok("440306202406151231", "440306202406151231");
	/* every wrong check character is refused */
	const char *digits = "0123456789X";
	for (size_t i = 0; i < 11; i++) {
		char id[19];
		memcpy(id, "11010519900307803", 17);
		id[17] = digits[i];
		id[18] = '\0';
		if (digits[i] == '5')
			continue;
		bad(id, 18, "check character");
	}
	BAD("110105199003078036", "check character 6");
	BAD("110105194912310020", "check character"); /* X expected, 0 given */
	/* one digit mistyped in the body */
	BAD("110105199003078135", "mistyped");
	/* x anywhere but last */
	BAD("1101051990030780x5", "character 17 ('x') must be a digit");
	assert_int_equal(idcard_check_char("11010519491231002"), 'X');
	assert_int_equal(idcard_check_char("11010519900307803"), '5');
}

static void test_leap_days(void **state)
{
	(void)state;
	ok("110105200002290013", "110105200002290013"); /* 2000 is a leap year */
	BAD("110105190002290017", "19000229 is not a date"); /* 1900 is not */
	BAD("110105199902290013", "month 02 of 1999 has 28 days");
	BAD("110105199004310011", "month 04 of 1990 has 30 days");
	BAD("110105199013010011", "no month 13");
	BAD("110105199000010011", "no month 00");
	BAD("110105199001000011", "has 31 days"); /* day 00 */
}

static void test_birth_range(void **state)
{
	(void)state;
	ok("11010519000101001X", "11010519000101001X");     /* the first day allowed */
	BAD("110105189912310015", "before 1900");
	ok("440306202406151231", "440306202406151231");     /* born today */
	BAD("110105202406160011", "in the future");         /* tomorrow */
	char out[IDCARD_LEN + 1];
	struct err e = ERR_INIT;
	assert_int_equal(idcard_normalize(out, "110105202406160011", 18, 20240616, &e), 0);
}

static void test_legacy_15(void **state)
{
	(void)state;
	ok("110105491231002", "11010519491231002X");
	ok(" 110105491231002\t", "11010519491231002X");
	BAD("110105490229002", "19490229 is not a date");
	BAD("11010549123100X", "character 15 ('X') must be a digit");
	BAD("990105491231002", "region code 990105");
	/* 00 is 1900, the earliest a 15-digit number can be */
	ok("110105000101001", "11010519000101001X");
}

static void test_length_and_characters(void **state)
{
	(void)state;
	BAD("", "empty");
	BAD("   ", "empty");
	BAD("11010519900307803", "not 17");     /* one short of 18 */
	BAD("1101051990030780351", "not 19");   /* one over */
	BAD("11010549123100", "not 14");        /* one short of 15 */
	BAD("1101054912310020", "not 16");      /* between the two */
	BAD("11010519900307a035", "character 15 ('a') must be a digit");
	BAD("110105199003078 35", "character 16 (byte 0x20) must be a digit");
	BAD("11010519900307803Y", "character 18 ('Y') must be a digit or X");
	BAD("1101051990030780\x00" "5", "character 17 (byte 0x00) must be a digit");
	BAD("11010519900307803中", "character 18 must be a digit or X");
	BAD("身份证110105199003078", "character 1 must be a digit");
	BAD("1.10105E+17", "spreadsheet");
	/* a character cut short at the end is one character, not a crash */
	BAD("11010519900307803\xe4\xb8", "character 18 must be");
	BAD("\xff\xfe", "not 2");
}

static void test_full_width(void **state)
{
	(void)state;
	/* what a Chinese input method types: ０-９ and ｘ */
	ok("１１０１０５１９４９１２３１００２ｘ", "11010519491231002X");
	ok("１１０１０５１９４９１２３１００２Ｘ", "11010519491231002X");
	ok("110105１９９００３０７８０３５", "110105199003078035");
}

static void test_region(void **state)
{
	(void)state;
	ok("810000198001010014", "810000198001010014"); /* Hong Kong residence permit */
	ok("830000198001010026", "830000198001010026"); /* Taiwan residence permit */
	BAD("010105199003078035", "region code 010105");
	BAD("910105199003078035", "region code 910105");
	BAD("190105199003078035", "19 is no province");
	BAD("840000198001010014", "84 is no province");
}

static void test_birth_and_gender(void **state)
{
	(void)state;
	assert_int_equal(idcard_birth("11010519491231002X"), 19491231);
	assert_int_equal(idcard_gender("11010519491231002X"), IDCARD_FEMALE);
	assert_int_equal(idcard_gender("110105199003078035"), IDCARD_MALE);
	assert_int_equal(idcard_birth("110105200002290013"), 20000229);
}

static void test_utc_date(void **state)
{
	(void)state;
	assert_int_equal(idcard_utc_date(0), 19700101);
	assert_int_equal(idcard_utc_date(-1), 19691231);
	assert_int_equal(idcard_utc_date(951782400), 20000229); /* 2000-02-29 00:00 */
	assert_int_equal(idcard_utc_date(951868799), 20000229); /* 23:59:59 */
	assert_int_equal(idcard_utc_date(951868800), 20000301);
	assert_int_equal(idcard_utc_date(1718409600), 20240615);
	assert_int_equal(idcard_utc_date(-2208988800), 19000101);
	assert_int_equal(idcard_utc_date(4102444800), 21000101);
}

static void test_first_error_kept(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	char out[IDCARD_LEN + 1];
	err_set(&e, ERR_INVALID, "name", "first");
	assert_int_equal(idcard_normalize(out, "x", 1, TODAY, &e), -1);
	assert_string_equal(e.field, "name");
	assert_string_equal(e.message, "first");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_character),
		cmocka_unit_test(test_leap_days),
		cmocka_unit_test(test_birth_range),
		cmocka_unit_test(test_legacy_15),
		cmocka_unit_test(test_length_and_characters),
		cmocka_unit_test(test_full_width),
		cmocka_unit_test(test_region),
		cmocka_unit_test(test_birth_and_gender),
		cmocka_unit_test(test_utc_date),
		cmocka_unit_test(test_first_error_kept),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
