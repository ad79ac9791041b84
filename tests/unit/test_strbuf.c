/*
 * test_strbuf.c - the string builder (src/core/strbuf.c).
 *
 * The invariants callers lean on: buf is never NULL and always
 * NUL-terminated, an empty strbuf shares one "" that nobody may write to,
 * data may hold NULs (len, not strlen, is the length), and detach hands the
 * caller a heap string (even for an empty builder) while leaving the
 * strbuf empty and reusable.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/strbuf.h"

#include <stdlib.h>
#include <string.h>

static void test_init_points_at_shared_empty(void **state)
{
	(void)state;
	struct strbuf a = STRBUF_INIT, b;
	strbuf_init(&b);
	assert_non_null(a.buf);
	assert_ptr_equal(a.buf, strbuf_empty);
	assert_ptr_equal(b.buf, strbuf_empty);
	assert_string_equal(a.buf, "");
	assert_int_equal(a.len, 0);
	assert_int_equal(a.alloc, 0);
	/* reset and release of an unallocated strbuf touch nothing shared */
	strbuf_reset(&a);
	strbuf_release(&a);
	assert_ptr_equal(a.buf, strbuf_empty);
	assert_int_equal(strbuf_empty[0], '\0');
}

static void test_add_and_terminate(void **state)
{
	(void)state;
	struct strbuf sb = STRBUF_INIT;
	strbuf_addstr(&sb, "邻");
	strbuf_addch(&sb, '-');
	strbuf_add(&sb, "里xyz", strlen("里"));
	assert_string_equal(sb.buf, "邻-里");
	assert_int_equal(sb.len, strlen("邻-里"));
	assert_true(sb.alloc > sb.len);
	assert_int_equal(sb.buf[sb.len], '\0');
	/* adding nothing keeps it terminated */
	strbuf_add(&sb, "", 0);
	assert_string_equal(sb.buf, "邻-里");
	strbuf_release(&sb);
	assert_ptr_equal(sb.buf, strbuf_empty);
	assert_int_equal(sb.len, 0);
}

static void test_embedded_nul(void **state)
{
	(void)state;
	struct strbuf sb = STRBUF_INIT;
	strbuf_add(&sb, "a\0b", 3);
	strbuf_addch(&sb, '\0');
	assert_int_equal(sb.len, 4);
	assert_memory_equal(sb.buf, "a\0b\0", 5);
	strbuf_release(&sb);
}

static void test_growth_keeps_contents(void **state)
{
	(void)state;
	struct strbuf sb = STRBUF_INIT;
	for (int i = 0; i < 10000; i++)
		strbuf_addch(&sb, (char)('a' + i % 26));
	assert_int_equal(sb.len, 10000);
	assert_int_equal(strlen(sb.buf), 10000);
	for (int i = 0; i < 10000; i++)
		assert_int_equal(sb.buf[i], 'a' + i % 26);
	assert_true(sb.alloc >= 10001);
	strbuf_release(&sb);
}

static void test_grow_reserves(void **state)
{
	(void)state;
	struct strbuf sb = STRBUF_INIT;
	strbuf_grow(&sb, 100);
	assert_true(sb.alloc >= 101);
	assert_int_equal(sb.len, 0);
	assert_string_equal(sb.buf, "");
	assert_ptr_not_equal(sb.buf, strbuf_empty);
	char *before = sb.buf;
	strbuf_add(&sb, "0123456789", 10); /* fits: no move */
	assert_ptr_equal(sb.buf, before);
	strbuf_release(&sb);
}

static void test_addf(void **state)
{
	(void)state;
	struct strbuf sb = STRBUF_INIT;
	strbuf_addf(&sb, "%s=%lld", "id", (long long)INT64_MAX);
	assert_string_equal(sb.buf, "id=9223372036854775807");
	strbuf_addf(&sb, "%s", ""); /* nothing added, still a string */
	assert_string_equal(sb.buf, "id=9223372036854775807");
	/* formatted output longer than the first allocation */
	strbuf_addf(&sb, "|%300d|", 7);
	assert_int_equal(sb.len, 22 + 302);
	assert_int_equal(sb.buf[sb.len - 2], '7');
	assert_int_equal(sb.buf[sb.len - 1], '|');
	assert_int_equal(sb.buf[sb.len], '\0');
	strbuf_release(&sb);
}

static void test_addf_on_empty(void **state)
{
	(void)state;
	struct strbuf sb = STRBUF_INIT;
	strbuf_addf(&sb, "%s", "");
	assert_string_equal(sb.buf, "");
	assert_int_equal(sb.len, 0);
	strbuf_release(&sb);
	assert_int_equal(strbuf_empty[0], '\0');
}

static void test_reset(void **state)
{
	(void)state;
	struct strbuf sb = STRBUF_INIT;
	strbuf_addstr(&sb, "hello");
	size_t alloc = sb.alloc;
	strbuf_reset(&sb);
	assert_int_equal(sb.len, 0);
	assert_string_equal(sb.buf, "");
	assert_int_equal(sb.alloc, alloc); /* keeps its memory */
	strbuf_addstr(&sb, "again");
	assert_string_equal(sb.buf, "again");
	strbuf_release(&sb);
}

static void test_detach(void **state)
{
	(void)state;
	struct strbuf sb = STRBUF_INIT;
	size_t len = 99;
	strbuf_addstr(&sb, "街道");
	char *s = strbuf_detach(&sb, &len);
	assert_string_equal(s, "街道");
	assert_int_equal(len, strlen("街道"));
	assert_ptr_equal(sb.buf, strbuf_empty);
	assert_int_equal(sb.len, 0);
	assert_int_equal(sb.alloc, 0);
	free(s);
	/* the strbuf is reusable after detach */
	strbuf_addstr(&sb, "x");
	assert_string_equal(sb.buf, "x");
	strbuf_release(&sb);
}

static void test_detach_empty_gives_heap_string(void **state)
{
	(void)state;
	struct strbuf sb = STRBUF_INIT;
	size_t len = 99;
	char *s = strbuf_detach(&sb, &len);
	assert_non_null(s);
	assert_ptr_not_equal(s, strbuf_empty); /* the caller frees it */
	assert_string_equal(s, "");
	assert_int_equal(len, 0);
	free(s);
	/* len may be NULL */
	strbuf_addstr(&sb, "abc");
	s = strbuf_detach(&sb, NULL);
	assert_string_equal(s, "abc");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_points_at_shared_empty),
		cmocka_unit_test(test_add_and_terminate),
		cmocka_unit_test(test_embedded_nul),
		cmocka_unit_test(test_growth_keeps_contents),
		cmocka_unit_test(test_grow_reserves),
		cmocka_unit_test(test_addf),
		cmocka_unit_test(test_addf_on_empty),
		cmocka_unit_test(test_reset),
		cmocka_unit_test(test_detach),
		cmocka_unit_test(test_detach_empty_gives_heap_string),
	};
	return cmocka_run_group_tests_name("core/strbuf", tests, NULL, NULL);
}
