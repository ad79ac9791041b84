/*
 * rational.h - exact arithmetic for decisions about money and votes.
 *
 * No floating point decides a vote or a budget (DESIGN.md §3).  Two types:
 *
 * struct rational is a fraction of two int64_t, always normalised: the
 * denominator is positive, the sign sits in the numerator, and the two share
 * no factor, so equal values have equal representations.  INT64_MIN never
 * appears (its negation does not exist), so both parts lie in
 * [-INT64_MAX, INT64_MAX].  Products and sums are formed in 128 bits and
 * reduced before they are narrowed; a result that still does not fit is an
 * error, never a wrapped value.  Comparison cross-multiplies in 128 bits and
 * cannot overflow.
 *
 * struct bignat is a natural number of up to BIGNAT_BITS bits.  It exists for
 * the Method of Equal Shares: after each purchase the voters' remaining money
 * has a new denominator (the number of supporters who shared the cost), and in
 * an electorate of tens of thousands these denominators multiply past 128 bits
 * within a few rounds.  budget.c therefore keeps every amount as a bignat
 * count of 1/D units over one shared denominator D, and needs only addition,
 * subtraction, comparison, and multiplication and division by a 64-bit word.
 * Running past BIGNAT_BITS is reported, never truncated.
 *
 * Functions that can fail return 0, or -1 with e filled (ERR_INVALID: the
 * input was too large to compute with exactly).  Nothing here allocates.
 */
#ifndef LINLI_CORE_RATIONAL_H
#define LINLI_CORE_RATIONAL_H

#include "core/err.h"
#include "core/strbuf.h"

#include <stdbool.h>
#include <stdint.h>

/* ---- rationals on int64 ---- */

struct rational {
	int64_t num; /* sign of the value; |num| <= INT64_MAX */
	int64_t den; /* 1 <= den <= INT64_MAX, gcd(|num|, den) == 1 */
};

/* The integer v as a rational; v must not be INT64_MIN (asserted). */
struct rational rational_int(int64_t v);

/*
 * Sets *out to num/den, normalised.  Fails when den is 0 or when either part
 * is INT64_MIN and the reduced value does not fit (e.g. INT64_MIN/1).
 */
int rational_make(struct rational *out, int64_t num, int64_t den, struct err *e);

/* *out = a + b, a - b, a * b, a / b.  Fail when the exact, reduced result does
 * not fit in the representation; rational_div also when b is 0.  out may
 * alias a or b.  a and b must be normalised (see rational_is_normal). */
int rational_add(struct rational *out, struct rational a, struct rational b, struct err *e);
int rational_sub(struct rational *out, struct rational a, struct rational b, struct err *e);
int rational_mul(struct rational *out, struct rational a, struct rational b, struct err *e);
int rational_div(struct rational *out, struct rational a, struct rational b, struct err *e);

/* -1, 0 or 1 as a <, ==, > b.  Exact for every normalised pair. */
int rational_cmp(struct rational a, struct rational b);

/* True when r satisfies the invariants above. */
bool rational_is_normal(struct rational r);

/* The largest integer <= r. */
int64_t rational_floor(struct rational r);

/* Appends "n" for an integer, else "n/d" (e.g. "-7/3"). */
void rational_format(struct strbuf *sb, struct rational r);

/* ---- naturals of up to BIGNAT_BITS bits ---- */

enum { BIGNAT_LIMBS = 48, BIGNAT_BITS = BIGNAT_LIMBS * 64 };

struct bignat {
	uint32_t len;                /* limbs in use; limb[len - 1] != 0; 0 is len 0 */
	uint64_t limb[BIGNAT_LIMBS]; /* least significant first; limb[len..] unspecified */
};

/* *out = v. */
void bignat_set_u64(struct bignat *out, uint64_t v);

static inline bool bignat_is_zero(const struct bignat *a)
{
	return a->len == 0;
}

/* -1, 0 or 1 as a <, ==, > b. */
int bignat_cmp(const struct bignat *a, const struct bignat *b);

/*
 * -1, 0 or 1 as a*x <, ==, > b*y, exactly, for any x and y (the products are
 * formed in scratch space wider than a bignat, so this never fails).
 */
int bignat_cmp_mul(const struct bignat *a, unsigned __int128 x, const struct bignat *b,
		   unsigned __int128 y);

/* *out = a + b; fails past BIGNAT_BITS.  out may alias a or b. */
int bignat_add(struct bignat *out, const struct bignat *a, const struct bignat *b, struct err *e);

/* *out = a - b, where a >= b (asserted).  out may alias a or b. */
void bignat_sub(struct bignat *out, const struct bignat *a, const struct bignat *b);

/* *out = a * m; fails past BIGNAT_BITS.  out may alias a. */
int bignat_mul_u64(struct bignat *out, const struct bignat *a, uint64_t m, struct err *e);

/* *acc += a * m; fails past BIGNAT_BITS (acc is then unspecified).
 * acc must not alias a. */
int bignat_addmul_u64(struct bignat *acc, const struct bignat *a, uint64_t m, struct err *e);

/* Sets *q (when q is not NULL; it may alias a) to a / d rounded down and
 * returns a mod d.  d must not be 0 (asserted). */
uint64_t bignat_divmod_u64(struct bignat *q, const struct bignat *a, uint64_t d);

/*
 * Sets *q to floor(a / b) when that fits in 64 bits, and *exact to whether
 * the division left no remainder.  Fails (ERR_INVALID) when b is 0 or the
 * quotient needs more than 64 bits.  For showing amounts to people.
 */
int bignat_div_u64(uint64_t *q, bool *exact, const struct bignat *a, const struct bignat *b,
		   struct err *e);

/* Appends a in decimal. */
void bignat_format(struct strbuf *sb, const struct bignat *a);

#endif
