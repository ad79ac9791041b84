/*
 * test_arena.c - the request arena (src/core/arena.c).
 *
 * What matters to callers: every pointer is aligned for any type, a request
 * that allocates far more than the first block still gets usable memory
 * (blocks grow, and an oversized allocation gets a block of its own), copies
 * keep embedded NULs and are always terminated, and release leaves an arena
 * that can be used again.  ASan watches every byte written here, so writing
 * the whole of each allocation is itself part of the test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/arena.h"

#include <stdalign.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool aligned(const void *p)
{
	return ((uintptr_t)p % alignof(max_align_t)) == 0;
}

static void test_init_is_empty(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	assert_null(a.head);
	assert_int_equal(a.used, 0);
	arena_init(&a);
	assert_null(a.head);
	arena_release(&a); /* releasing an empty arena is fine */
	assert_null(a.head);
	assert_int_equal(a.used, 0);
}

static void test_alignment_of_odd_sizes(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	char *prev = NULL;
	for (size_t n = 1; n <= 67; n += 3) {
		char *p = arena_alloc(&a, n);
		assert_non_null(p);
		assert_true(aligned(p));
		memset(p, 0xab, n);
		if (prev)
			assert_ptr_not_equal(p, prev);
		prev = p;
	}
	/* used counts rounded sizes, so it is a multiple of the alignment */
	assert_int_equal(a.used % alignof(max_align_t), 0);
	arena_release(&a);
}

static void test_zero_size_allocation(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	void *p = arena_alloc(&a, 0);
	assert_non_null(p);
	assert_true(aligned(p));
	char *q = arena_alloc(&a, 1);
	*q = 'x';
	assert_true(aligned(q));
	arena_release(&a);
}

static void test_zalloc_zeroes(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	/* dirty the first block, release, and allocate again: zalloc must
	 * clear whatever malloc hands back */
	unsigned char *d = arena_alloc(&a, 512);
	memset(d, 0xff, 512);
	unsigned char *z = arena_zalloc(&a, 1000);
	for (size_t i = 0; i < 1000; i++)
		assert_int_equal(z[i], 0);
	arena_release(&a);
}

static void test_large_allocations(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	char *small = arena_alloc(&a, 16);
	memset(small, 's', 16);
	/* far larger than the first block (2 KiB): a block of its own */
	size_t big = 1 << 20;
	char *p = arena_alloc(&a, big);
	assert_true(aligned(p));
	memset(p, 'b', big);
	assert_int_equal(p[0], 'b');
	assert_int_equal(p[big - 1], 'b');
	/* the earlier allocation is untouched */
	for (size_t i = 0; i < 16; i++)
		assert_int_equal(small[i], 's');
	/* many allocations that together exceed several blocks */
	char *ptrs[200];
	for (int i = 0; i < 200; i++) {
		ptrs[i] = arena_alloc(&a, 300);
		memset(ptrs[i], i, 300);
	}
	for (int i = 0; i < 200; i++) {
		assert_int_equal((unsigned char)ptrs[i][0], (unsigned char)i);
		assert_int_equal((unsigned char)ptrs[i][299], (unsigned char)i);
	}
	assert_true(a.used >= big + 16 + 200 * 300);
	arena_release(&a);
	assert_null(a.head);
	assert_int_equal(a.used, 0);
}

static void test_exactly_first_block(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	/* exactly the first block's size, then one more byte */
	char *p = arena_alloc(&a, 2048);
	memset(p, 1, 2048);
	char *q = arena_alloc(&a, 1);
	*q = 2;
	assert_int_equal(p[2047], 1);
	assert_int_equal(*q, 2);
	arena_release(&a);
}

static void test_strndup_keeps_nuls(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	const char src[] = { 'a', '\0', 'b', '\0', 'c' };
	char *p = arena_strndup(&a, src, sizeof(src));
	assert_memory_equal(p, src, sizeof(src));
	assert_int_equal(p[sizeof(src)], '\0');
	/* a prefix: stops at len, terminated */
	char *q = arena_strndup(&a, "hello", 3);
	assert_string_equal(q, "hel");
	/* empty */
	char *r = arena_strndup(&a, "", 0);
	assert_string_equal(r, "");
	/* UTF-8 copied byte for byte */
	char *t = arena_strndup(&a, "邻里", strlen("邻里"));
	assert_string_equal(t, "邻里");
	arena_release(&a);
}

static void test_strdup(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	assert_null(arena_strdup(&a, NULL));
	char *p = arena_strdup(&a, "居委会");
	assert_string_equal(p, "居委会");
	arena_release(&a);
}

static void test_printf(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	char *p = arena_printf(&a, "%d-%s-%lld", 42, "x", (long long)INT64_MIN);
	assert_string_equal(p, "42-x--9223372036854775808");
	char *empty = arena_printf(&a, "%s", "");
	assert_string_equal(empty, "");
	/* longer than the first block */
	char *long_text = arena_printf(&a, "%5000s|", "end");
	assert_int_equal(strlen(long_text), 5001);
	assert_string_equal(long_text + 4997, "end|");
	assert_int_equal(long_text[0], ' ');
	arena_release(&a);
}

static void test_reuse_after_release(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	for (int round = 0; round < 3; round++) {
		char *p = arena_printf(&a, "round %d", round);
		char want[32];
		snprintf(want, sizeof(want), "round %d", round);
		assert_string_equal(p, want);
		arena_alloc(&a, 10000);
		arena_release(&a);
		assert_null(a.head);
	}
}

static void test_x_helpers(void **state)
{
	(void)state;
	char *p = xmalloc(0); /* never NULL, even for 0 */
	assert_non_null(p);
	free(p);
	int *z = xcalloc(8, sizeof(int));
	for (int i = 0; i < 8; i++)
		assert_int_equal(z[i], 0);
	z = xrealloc(z, 64 * sizeof(int));
	z[63] = 7;
	assert_int_equal(z[0], 0);
	free(z);
	char *s = xstrdup("社区");
	assert_string_equal(s, "社区");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_is_empty),
		cmocka_unit_test(test_alignment_of_odd_sizes),
		cmocka_unit_test(test_zero_size_allocation),
		cmocka_unit_test(test_zalloc_zeroes),
		cmocka_unit_test(test_large_allocations),
		cmocka_unit_test(test_exactly_first_block),
		cmocka_unit_test(test_strndup_keeps_nuls),
		cmocka_unit_test(test_strdup),
		cmocka_unit_test(test_printf),
		cmocka_unit_test(test_reuse_after_release),
		cmocka_unit_test(test_x_helpers),
	};
	return cmocka_run_group_tests_name("core/arena", tests, NULL, NULL);
}
