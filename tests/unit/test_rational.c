/*
 * test_rational.c - exact arithmetic (src/core/rational.c).
 *
 * Boundaries on purpose: INT64_MAX and the INT64_MIN that must never
 * appear, results that only fit after reduction, comparisons of values that
 * differ by less than 2^-120, carries and borrows across limbs, and the
 * BIGNAT_BITS ceiling, which must be reported and never wrap.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/rational.h"

#include <stdio.h>
#include <string.h>

static struct rational R(int64_t n, int64_t d)
{
	struct rational r;
	struct err e = ERR_INIT;
	assert_int_equal(rational_make(&r, n, d, &e), 0);
	return r;
}

static void assert_rat(struct rational r, int64_t n, int64_t d)
{
	assert_true(rational_is_normal(r));
	assert_int_equal(r.num, n);
	assert_int_equal(r.den, d);
}

static void test_make_normalises(void **state)
{
	(void)state;
	struct rational r;
	struct err e = ERR_INIT;
	assert_rat(R(6, -4), -3, 2);
	assert_rat(R(-6, -4), 3, 2);
	assert_rat(R(0, -5), 0, 1);
	assert_rat(R(INT64_MAX, INT64_MAX), 1, 1);
	/* INT64_MIN is accepted as input when the reduced value fits */
	assert_rat(R(INT64_MIN, 2), -(INT64_C(1) << 62), 1);
	assert_rat(R(INT64_MIN, INT64_MIN), 1, 1);
	assert_int_equal(rational_make(&r, INT64_MIN, 1, &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
	err_clear(&e);
	assert_int_equal(rational_make(&r, 1, 0, &e), -1);
	assert_non_null(strstr(e.message, "division by zero"));
}

static void test_make_min_denominator(void **state)
{
	(void)state;
	struct rational r;
	struct err e = ERR_INIT;
	/* 1 / INT64_MIN = -1 / 2^63: the denominator does not fit */
	assert_int_equal(rational_make(&r, 1, INT64_MIN, &e), -1);
	err_clear(&e);
	/* 2 / INT64_MIN = -1 / 2^62 fits */
	assert_int_equal(rational_make(&r, 2, INT64_MIN, &e), 0);
	assert_rat(r, -1, INT64_C(1) << 62);
}

static void test_add_sub(void **state)
{
	(void)state;
	struct rational r;
	struct err e = ERR_INIT;
	assert_int_equal(rational_add(&r, R(1, 2), R(1, 3), &e), 0);
	assert_rat(r, 5, 6);
	assert_int_equal(rational_add(&r, R(1, 2), R(1, 2), &e), 0);
	assert_rat(r, 1, 1);
	assert_int_equal(rational_sub(&r, R(1, 3), R(1, 3), &e), 0);
	assert_rat(r, 0, 1);
	assert_int_equal(rational_sub(&r, R(-INT64_MAX, 1), R(-INT64_MAX, 1), &e), 0);
	assert_rat(r, 0, 1);
	/* INT64_MAX/2 + INT64_MAX/2: the intermediate needs 128 bits, the result fits */
	assert_int_equal(rational_add(&r, R(INT64_MAX, 2), R(INT64_MAX, 2), &e), 0);
	assert_rat(r, INT64_MAX, 1);
	/* out may alias an operand */
	r = R(1, 4);
	assert_int_equal(rational_add(&r, r, r, &e), 0);
	assert_rat(r, 1, 2);
}

static void test_add_overflow(void **state)
{
	(void)state;
	struct rational r = R(7, 1);
	struct err e = ERR_INIT;
	assert_int_equal(rational_add(&r, R(INT64_MAX, 1), R(1, 1), &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
	assert_non_null(strstr(e.message, "overflow"));
	/* the sum INT64_MAX - 1 + 1 is the largest that fits */
	err_clear(&e);
	assert_int_equal(rational_add(&r, R(INT64_MAX - 1, 1), R(1, 1), &e), 0);
	assert_rat(r, INT64_MAX, 1);
	/* -INT64_MAX - 1 would be INT64_MIN, which never appears */
	assert_int_equal(rational_sub(&r, R(-INT64_MAX, 1), R(1, 1), &e), -1);
	err_clear(&e);
	/* coprime denominators whose product passes 63 bits */
	assert_int_equal(rational_add(&r, R(1, INT64_MAX), R(1, INT64_MAX - 1), &e), -1);
	err_clear(&e);
	/* the first error is kept */
	err_set(&e, ERR_INVALID, "x", "first");
	assert_int_equal(rational_add(&r, R(INT64_MAX, 1), R(INT64_MAX, 1), &e), -1);
	assert_string_equal(e.message, "first");
}

static void test_mul_div(void **state)
{
	(void)state;
	struct rational r;
	struct err e = ERR_INIT;
	assert_int_equal(rational_mul(&r, R(INT64_MAX, 2), R(2, INT64_MAX), &e), 0);
	assert_rat(r, 1, 1);
	assert_int_equal(rational_mul(&r, R(-2, 3), R(3, 4), &e), 0);
	assert_rat(r, -1, 2);
	assert_int_equal(rational_mul(&r, R(INT64_MAX, 1), R(2, 1), &e), -1);
	err_clear(&e);
	assert_int_equal(rational_div(&r, R(1, 3), R(1, 3), &e), 0);
	assert_rat(r, 1, 1);
	assert_int_equal(rational_div(&r, R(1, 3), R(-2, 1), &e), 0);
	assert_rat(r, -1, 6);
	assert_int_equal(rational_div(&r, R(1, 3), R(0, 1), &e), -1);
	assert_non_null(strstr(e.message, "division by zero"));
}

static void test_cmp_exact(void **state)
{
	(void)state;
	const int64_t n = INT64_MAX;
	/* n/(n-1) = 1 + 1/(n-1) < (n-1)/(n-2) = 1 + 1/(n-2): differ by ~2^-126 */
	assert_int_equal(rational_cmp(R(n, n - 1), R(n - 1, n - 2)), -1);
	assert_int_equal(rational_cmp(R(n - 1, n - 2), R(n, n - 1)), 1);
	assert_int_equal(rational_cmp(R(-1, n), R(0, 1)), -1);
	assert_int_equal(rational_cmp(R(2, 3), R(4, 6)), 0);
	/* exactly 2/3, and just below and above it */
	assert_int_equal(rational_cmp(R(666666, 1000000), R(2, 3)), -1);
	assert_int_equal(rational_cmp(R(666667, 1000000), R(2, 3)), 1);
	assert_int_equal(rational_cmp(R(-n, 1), R(n, 1)), -1);
}

static void test_floor_and_format(void **state)
{
	(void)state;
	struct strbuf sb = STRBUF_INIT;
	assert_int_equal(rational_floor(R(7, 2)), 3);
	assert_int_equal(rational_floor(R(-7, 2)), -4);
	assert_int_equal(rational_floor(R(-4, 1)), -4);
	assert_int_equal(rational_floor(R(-INT64_MAX, 1)), -INT64_MAX);
	assert_int_equal(rational_floor(R(1, INT64_MAX)), 0);
	rational_format(&sb, R(-7, 3));
	strbuf_addch(&sb, ' ');
	rational_format(&sb, R(42, 1));
	strbuf_addch(&sb, ' ');
	rational_format(&sb, R(0, 9));
	assert_string_equal(sb.buf, "-7/3 42 0");
	strbuf_release(&sb);
}

/* ---- bignat ---- */

static void fmt(char *out, size_t n, const struct bignat *a)
{
	struct strbuf sb = STRBUF_INIT;
	bignat_format(&sb, a);
	snprintf(out, n, "%s", sb.buf);
	strbuf_release(&sb);
}

/* *out = 2^k */
static void pow2(struct bignat *out, unsigned k)
{
	memset(out, 0, sizeof(*out));
	out->limb[k / 64] = (uint64_t)1 << (k % 64);
	out->len = k / 64 + 1;
}

static void test_bignat_carry_borrow(void **state)
{
	(void)state;
	struct bignat a, b, c;
	struct err e = ERR_INIT;
	char s[1024];
	bignat_set_u64(&a, UINT64_MAX);
	bignat_set_u64(&b, 1);
	assert_int_equal(bignat_add(&c, &a, &b, &e), 0);
	assert_int_equal(c.len, 2);
	fmt(s, sizeof(s), &c);
	assert_string_equal(s, "18446744073709551616");
	bignat_sub(&c, &c, &b);
	assert_int_equal(c.len, 1);
	assert_int_equal(bignat_cmp(&c, &a), 0);
	bignat_sub(&c, &c, &a);
	assert_true(bignat_is_zero(&c));
	fmt(s, sizeof(s), &c);
	assert_string_equal(s, "0");
	/* 2^128 - 1 */
	pow2(&a, 128);
	bignat_sub(&a, &a, &b);
	assert_int_equal(a.len, 2);
	fmt(s, sizeof(s), &a);
	assert_string_equal(s, "340282366920938463463374607431768211455");
	/* chunks of 19 digits keep their leading zeros */
	bignat_set_u64(&a, UINT64_C(10000000000000000000));
	assert_int_equal(bignat_mul_u64(&a, &a, 10, &e), 0);
	fmt(s, sizeof(s), &a);
	assert_string_equal(s, "100000000000000000000");
}

static void test_bignat_mul_div(void **state)
{
	(void)state;
	struct bignat a, q;
	struct err e = ERR_INIT;
	char s[1024];
	/* 3^80 by repeated multiplication, then back down */
	bignat_set_u64(&a, 1);
	for (int i = 0; i < 80; i++)
		assert_int_equal(bignat_mul_u64(&a, &a, 3, &e), 0);
	fmt(s, sizeof(s), &a);
	assert_string_equal(s, "147808829414345923316083210206383297601");
	assert_int_equal(bignat_divmod_u64(NULL, &a, 3), 0);
	assert_int_equal(bignat_divmod_u64(NULL, &a, 2), 1);
	for (int i = 0; i < 80; i++)
		assert_int_equal(bignat_divmod_u64(&a, &a, 3), 0);
	assert_int_equal(a.len, 1);
	assert_int_equal(a.limb[0], 1);
	/* multiplying by 0 gives zero */
	assert_int_equal(bignat_mul_u64(&q, &a, 0, &e), 0);
	assert_true(bignat_is_zero(&q));
	/* addmul carries into a longer accumulator */
	pow2(&q, 64);
	bignat_sub(&q, &q, &a); /* 2^64 - 1 */
	struct bignat acc;
	bignat_set_u64(&acc, 1);
	assert_int_equal(bignat_addmul_u64(&acc, &q, 1, &e), 0);
	fmt(s, sizeof(s), &acc);
	assert_string_equal(s, "18446744073709551616");
	assert_int_equal(bignat_addmul_u64(&acc, &q, UINT64_MAX, &e), 0);
	/* 2^64 + (2^64-1)^2 = 2^128 - 2^64 + 1 */
	fmt(s, sizeof(s), &acc);
	assert_string_equal(s, "340282366920938463444927863358058659841");
}

static void test_bignat_cmp_mul(void **state)
{
	(void)state;
	struct bignat a, b;
	/* a*x == b*y with products past 64 and 128 bits */
	bignat_set_u64(&a, UINT64_MAX);
	bignat_set_u64(&b, 1);
	unsigned __int128 big = (unsigned __int128)UINT64_MAX * UINT64_MAX;
	assert_int_equal(bignat_cmp_mul(&a, UINT64_MAX, &b, big), 0);
	assert_int_equal(bignat_cmp_mul(&a, UINT64_MAX, &b, big + 1), -1);
	assert_int_equal(bignat_cmp_mul(&a, UINT64_MAX, &b, big - 1), 1);
	/* the largest bignat times the largest factor does not fail */
	memset(&a, 0xff, sizeof(a));
	a.len = BIGNAT_LIMBS;
	b = a;
	unsigned __int128 max = ~(unsigned __int128)0;
	assert_int_equal(bignat_cmp_mul(&a, max, &b, max), 0);
	assert_int_equal(bignat_cmp_mul(&a, max - 1, &b, max), -1);
	/* zero */
	bignat_set_u64(&b, 0);
	assert_int_equal(bignat_cmp_mul(&b, max, &a, 1), -1);
	assert_int_equal(bignat_cmp_mul(&b, 5, &b, 7), 0);
}

static void test_bignat_ceiling(void **state)
{
	(void)state;
	struct bignat a, b, c;
	struct err e = ERR_INIT;
	pow2(&a, BIGNAT_BITS - 1);
	assert_int_equal(bignat_mul_u64(&c, &a, 1, &e), 0);
	assert_int_equal(bignat_mul_u64(&c, &a, 2, &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
	assert_non_null(strstr(e.message, "3072 bits"));
	err_clear(&e);
	assert_int_equal(bignat_add(&c, &a, &a, &e), -1);
	err_clear(&e);
	/* the largest value plus 0 is fine, plus 1 is not */
	memset(&b, 0xff, sizeof(b));
	b.len = BIGNAT_LIMBS;
	bignat_set_u64(&c, 0);
	assert_int_equal(bignat_add(&c, &b, &c, &e), 0);
	bignat_set_u64(&c, 1);
	assert_int_equal(bignat_add(&c, &b, &c, &e), -1);
	err_clear(&e);
	bignat_set_u64(&c, 1);
	assert_int_equal(bignat_addmul_u64(&c, &b, 1, &e), -1);
}

static void test_bignat_div_u64(void **state)
{
	(void)state;
	struct bignat a, b;
	struct err e = ERR_INIT;
	uint64_t q;
	bool exact;
	/* 2^200 / 2^140 = 2^60 exactly */
	pow2(&a, 200);
	pow2(&b, 140);
	assert_int_equal(bignat_div_u64(&q, &exact, &a, &b, &e), 0);
	assert_true(exact);
	assert_int_equal(q, UINT64_C(1) << 60);
	/* the largest quotient that fits: (2^64 - 1) * b + (b - 1) */
	struct bignat t;
	assert_int_equal(bignat_mul_u64(&t, &b, UINT64_MAX, &e), 0);
	struct bignat one;
	bignat_set_u64(&one, 1);
	struct bignat bm1;
	bignat_sub(&bm1, &b, &one);
	assert_int_equal(bignat_add(&t, &t, &bm1, &e), 0);
	assert_int_equal(bignat_div_u64(&q, &exact, &t, &b, &e), 0);
	assert_false(exact);
	assert_int_equal(q, UINT64_MAX);
	/* one more needs 65 bits */
	assert_int_equal(bignat_add(&t, &t, &one, &e), 0);
	assert_int_equal(bignat_div_u64(&q, &exact, &t, &b, &e), -1);
	err_clear(&e);
	/* 7 / 2 */
	bignat_set_u64(&a, 7);
	bignat_set_u64(&b, 2);
	assert_int_equal(bignat_div_u64(&q, &exact, &a, &b, &e), 0);
	assert_int_equal(q, 3);
	assert_false(exact);
	bignat_set_u64(&b, 0);
	assert_int_equal(bignat_div_u64(&q, &exact, &a, &b, &e), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_make_normalises),
		cmocka_unit_test(test_make_min_denominator),
		cmocka_unit_test(test_add_sub),
		cmocka_unit_test(test_add_overflow),
		cmocka_unit_test(test_mul_div),
		cmocka_unit_test(test_cmp_exact),
		cmocka_unit_test(test_floor_and_format),
		cmocka_unit_test(test_bignat_carry_borrow),
		cmocka_unit_test(test_bignat_mul_div),
		cmocka_unit_test(test_bignat_cmp_mul),
		cmocka_unit_test(test_bignat_ceiling),
		cmocka_unit_test(test_bignat_div_u64),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
