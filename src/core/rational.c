/*
 * rational.c - exact fractions on int64 and naturals of a few thousand bits
 * (see rational.h).
 *
 * Every rational operation forms its exact result in 128 bits (products of
 * two values below 2^63 stay below 2^126, and their sum below 2^127), reduces
 * it by the greatest common divisor, and only then narrows it; so a result
 * is refused only when its reduced form really does not fit.
 *
 * Bignat limbs are 64-bit with 128-bit intermediate products.  A few helpers
 * work on raw limb arrays one or two limbs wider than a bignat, so that
 * comparisons of products never fail.
 */
#include "core/rational.h"

#include <assert.h>
#include <inttypes.h>
#include <string.h>

typedef unsigned __int128 u128;
typedef __int128 i128;

/* ---- rationals ---- */

static u128 gcd128(u128 a, u128 b)
{
	while (b) {
		u128 t = a % b;
		a = b;
		b = t;
	}
	return a;
}

/* Normalises n/d (d != 0) and narrows it into *out. */
static int narrow(struct rational *out, i128 n, i128 d, struct err *e)
{
	assert(d != 0);
	if (d < 0) {
		n = -n;
		d = -d;
	}
	u128 mag = n < 0 ? -(u128)n : (u128)n;
	u128 g = gcd128(mag, (u128)d);
	if (g > 1) {
		mag /= g;
		d = (i128)((u128)d / g);
	}
	if (mag > INT64_MAX || d > INT64_MAX)
		return err_set(e, ERR_INVALID, NULL,
			       "exact arithmetic overflow (a fraction past 63 bits)");
	out->num = n < 0 ? -(int64_t)mag : (int64_t)mag;
	out->den = (int64_t)d;
	return 0;
}

struct rational rational_int(int64_t v)
{
	assert(v != INT64_MIN);
	return (struct rational){ v, 1 };
}

int rational_make(struct rational *out, int64_t num, int64_t den, struct err *e)
{
	if (den == 0)
		return err_set(e, ERR_INVALID, NULL, "division by zero");
	return narrow(out, num, den, e);
}

bool rational_is_normal(struct rational r)
{
	if (r.num == INT64_MIN || r.den < 1)
		return false;
	u128 mag = r.num < 0 ? -(u128)(i128)r.num : (u128)r.num;
	return gcd128(mag, (u128)r.den) == 1 || (r.num == 0 && r.den == 1);
}

int rational_add(struct rational *out, struct rational a, struct rational b, struct err *e)
{
	assert(rational_is_normal(a) && rational_is_normal(b));
	i128 x = (i128)a.num * b.den, y = (i128)b.num * a.den, n;
	/* |x|, |y| < 2^126, so the sum cannot overflow; checked all the same */
	if (__builtin_add_overflow(x, y, &n))
		return err_set(e, ERR_INVALID, NULL, "exact arithmetic overflow");
	return narrow(out, n, (i128)a.den * b.den, e);
}

int rational_sub(struct rational *out, struct rational a, struct rational b, struct err *e)
{
	assert(rational_is_normal(a) && rational_is_normal(b));
	i128 x = (i128)a.num * b.den, y = (i128)b.num * a.den, n;
	if (__builtin_sub_overflow(x, y, &n))
		return err_set(e, ERR_INVALID, NULL, "exact arithmetic overflow");
	return narrow(out, n, (i128)a.den * b.den, e);
}

int rational_mul(struct rational *out, struct rational a, struct rational b, struct err *e)
{
	assert(rational_is_normal(a) && rational_is_normal(b));
	return narrow(out, (i128)a.num * b.num, (i128)a.den * b.den, e);
}

int rational_div(struct rational *out, struct rational a, struct rational b, struct err *e)
{
	assert(rational_is_normal(a) && rational_is_normal(b));
	if (b.num == 0)
		return err_set(e, ERR_INVALID, NULL, "division by zero");
	return narrow(out, (i128)a.num * b.den, (i128)a.den * b.num, e);
}

int rational_cmp(struct rational a, struct rational b)
{
	i128 x = (i128)a.num * b.den, y = (i128)b.num * a.den;
	return x < y ? -1 : x > y;
}

int64_t rational_floor(struct rational r)
{
	int64_t q = r.num / r.den, m = r.num % r.den;
	return m < 0 ? q - 1 : q;
}

void rational_format(struct strbuf *sb, struct rational r)
{
	if (r.den == 1)
		strbuf_addf(sb, "%" PRId64, r.num);
	else
		strbuf_addf(sb, "%" PRId64 "/%" PRId64, r.num, r.den);
}

/* ---- naturals ---- */

/* Scratch arrays hold a bignat times a 128-bit factor, or shifted 64 bits. */
enum { WIDE = BIGNAT_LIMBS + 3 };

static uint32_t trim(const uint64_t *l, uint32_t n)
{
	while (n && l[n - 1] == 0)
		n--;
	return n;
}

static int raw_cmp(const uint64_t *a, uint32_t an, const uint64_t *b, uint32_t bn)
{
	an = trim(a, an);
	bn = trim(b, bn);
	if (an != bn)
		return an < bn ? -1 : 1;
	for (uint32_t i = an; i-- > 0;)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return 0;
}

/* out[0..an+2) = a * x; returns the trimmed length. */
static uint32_t raw_mul128(uint64_t *out, const uint64_t *a, uint32_t an, u128 x)
{
	uint64_t lo = (uint64_t)x, hi = (uint64_t)(x >> 64);
	u128 carry = 0;
	for (uint32_t i = 0; i < an; i++) {
		u128 t = (u128)a[i] * lo + carry;
		out[i] = (uint64_t)t;
		carry = t >> 64;
	}
	out[an] = (uint64_t)carry;
	out[an + 1] = 0;
	if (hi) {
		carry = 0;
		for (uint32_t i = 0; i < an; i++) {
			u128 t = (u128)a[i] * hi + out[i + 1] + carry;
			out[i + 1] = (uint64_t)t;
			carry = t >> 64;
		}
		out[an + 1] = (uint64_t)carry;
	}
	return trim(out, an + 2);
}

/* Bits in a[0..an), trimmed. */
static unsigned raw_bits(const uint64_t *a, uint32_t an)
{
	return an ? 64 * (an - 1) + (64 - (unsigned)__builtin_clzll(a[an - 1])) : 0;
}

static unsigned bits128(u128 x)
{
	uint64_t hi = (uint64_t)(x >> 64), lo = (uint64_t)x;
	return hi   ? 128 - (unsigned)__builtin_clzll(hi)
	       : lo ? 64 - (unsigned)__builtin_clzll(lo)
		    : 0;
}

/* r[0..rn) -= s[0..sn), where r >= s. */
static void raw_sub(uint64_t *r, uint32_t rn, const uint64_t *s, uint32_t sn)
{
	uint64_t borrow = 0;
	for (uint32_t i = 0; i < rn; i++) {
		uint64_t si = i < sn ? s[i] : 0, d;
		uint64_t b1 = __builtin_sub_overflow(r[i], si, &d);
		uint64_t b2 = __builtin_sub_overflow(d, borrow, &r[i]);
		borrow = b1 | b2;
	}
	assert(!borrow);
}

/* out = a << bits (bits < 64 * 2); returns the trimmed length. */
static uint32_t raw_shl(uint64_t *out, const uint64_t *a, uint32_t an, unsigned bits)
{
	unsigned limbs = bits / 64, sh = bits % 64;
	memset(out, 0, (an + limbs + 1) * sizeof(*out));
	for (uint32_t i = 0; i < an; i++) {
		out[i + limbs] |= a[i] << sh;
		if (sh)
			out[i + limbs + 1] |= a[i] >> (64 - sh);
	}
	return trim(out, an + limbs + 1);
}

static int too_big(struct err *e)
{
	return err_set(e, ERR_INVALID, NULL, "exact arithmetic needs more than %d bits",
		       BIGNAT_BITS);
}

void bignat_set_u64(struct bignat *out, uint64_t v)
{
	out->limb[0] = v;
	out->len = v != 0;
}

int bignat_cmp(const struct bignat *a, const struct bignat *b)
{
	/* both are trimmed, so the longer is the larger */
	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	for (uint32_t i = a->len; i-- > 0;)
		if (a->limb[i] != b->limb[i])
			return a->limb[i] < b->limb[i] ? -1 : 1;
	return 0;
}

int bignat_cmp_mul(const struct bignat *a, u128 x, const struct bignat *b, u128 y)
{
	uint64_t pa[WIDE], pb[WIDE];
	/* a product of numbers of i and j bits has i + j - 1 or i + j bits, so a
	 * difference of two bits or more decides without multiplying */
	unsigned ba = raw_bits(a->limb, a->len), bb = raw_bits(b->limb, b->len);
	unsigned bx = bits128(x), by = bits128(y);
	if (!ba || !bx || !bb || !by)
		return (ba && bx) - (bb && by);
	if (ba + bx > bb + by + 1)
		return 1;
	if (bb + by > ba + bx + 1)
		return -1;
	uint32_t na = raw_mul128(pa, a->limb, a->len, x);
	uint32_t nb = raw_mul128(pb, b->limb, b->len, y);
	return raw_cmp(pa, na, pb, nb);
}

int bignat_add(struct bignat *out, const struct bignat *a, const struct bignat *b, struct err *e)
{
	uint32_t n = a->len > b->len ? a->len : b->len;
	uint64_t carry = 0;
	for (uint32_t i = 0; i < n; i++) {
		uint64_t x = i < a->len ? a->limb[i] : 0, y = i < b->len ? b->limb[i] : 0, s;
		uint64_t c1 = __builtin_add_overflow(x, y, &s);
		uint64_t c2 = __builtin_add_overflow(s, carry, &out->limb[i]);
		carry = c1 | c2;
	}
	if (carry) {
		if (n == BIGNAT_LIMBS)
			return too_big(e);
		out->limb[n++] = 1;
	}
	out->len = n;
	return 0;
}

void bignat_sub(struct bignat *out, const struct bignat *a, const struct bignat *b)
{
	assert(bignat_cmp(a, b) >= 0);
	uint64_t borrow = 0;
	for (uint32_t i = 0; i < a->len; i++) {
		uint64_t y = i < b->len ? b->limb[i] : 0, d;
		uint64_t b1 = __builtin_sub_overflow(a->limb[i], y, &d);
		uint64_t b2 = __builtin_sub_overflow(d, borrow, &out->limb[i]);
		borrow = b1 | b2;
	}
	out->len = trim(out->limb, a->len);
}

int bignat_mul_u64(struct bignat *out, const struct bignat *a, uint64_t m, struct err *e)
{
	if (m == 0 || a->len == 0) {
		out->len = 0;
		return 0;
	}
	u128 carry = 0;
	uint32_t n = a->len;
	for (uint32_t i = 0; i < n; i++) {
		u128 t = (u128)a->limb[i] * m + carry;
		out->limb[i] = (uint64_t)t;
		carry = t >> 64;
	}
	if (carry) {
		if (n == BIGNAT_LIMBS)
			return too_big(e);
		out->limb[n++] = (uint64_t)carry;
	}
	out->len = n;
	return 0;
}

int bignat_addmul_u64(struct bignat *acc, const struct bignat *a, uint64_t m, struct err *e)
{
	assert(acc != a);
	if (m == 0 || a->len == 0)
		return 0;
	u128 carry = 0;
	uint32_t i;
	for (i = 0; i < a->len || carry; i++) {
		if (i == BIGNAT_LIMBS)
			return too_big(e);
		uint64_t x = i < acc->len ? acc->limb[i] : 0;
		uint64_t y = i < a->len ? a->limb[i] : 0;
		u128 t = (u128)y * m + x + carry;
		acc->limb[i] = (uint64_t)t;
		carry = t >> 64;
	}
	if (i > acc->len)
		acc->len = i;
	return 0;
}

uint64_t bignat_divmod_u64(struct bignat *q, const struct bignat *a, uint64_t d)
{
	assert(d != 0);
	u128 rem = 0;
	uint32_t n = a->len;
	for (uint32_t i = n; i-- > 0;) {
		u128 cur = (rem << 64) | a->limb[i];
		if (q)
			q->limb[i] = (uint64_t)(cur / d);
		rem = cur % d;
	}
	if (q)
		q->len = trim(q->limb, n);
	return (uint64_t)rem;
}

int bignat_div_u64(uint64_t *q, bool *exact, const struct bignat *a, const struct bignat *b,
		   struct err *e)
{
	if (bignat_is_zero(b))
		return err_set(e, ERR_INVALID, NULL, "division by zero");
	uint64_t rem[WIDE], sh[WIDE];
	uint32_t rn = a->len;
	memcpy(rem, a->limb, rn * sizeof(*rem));
	/* the quotient fits in 64 bits exactly when a < b * 2^64 */
	uint32_t sn = raw_shl(sh, b->limb, b->len, 64);
	if (raw_cmp(rem, rn, sh, sn) >= 0)
		return err_set(e, ERR_INVALID, NULL, "amount too large to show");
	uint64_t quot = 0;
	for (int bit = 63; bit >= 0; bit--) {
		sn = raw_shl(sh, b->limb, b->len, (unsigned)bit);
		if (raw_cmp(rem, rn, sh, sn) >= 0) {
			raw_sub(rem, rn, sh, sn);
			rn = trim(rem, rn);
			quot |= (uint64_t)1 << bit;
		}
	}
	*q = quot;
	*exact = rn == 0;
	return 0;
}

void bignat_format(struct strbuf *sb, const struct bignat *a)
{
	/* 10^19 is the largest power of ten below 2^64; BIGNAT_BITS / 63 chunks */
	enum { CHUNKS = BIGNAT_BITS / 63 + 1 };
	static const uint64_t ten19 = 10000000000000000000ull;
	uint64_t chunk[CHUNKS];
	int n = 0;
	struct bignat t = *a;
	do {
		chunk[n++] = bignat_divmod_u64(&t, &t, ten19);
	} while (!bignat_is_zero(&t));
	strbuf_addf(sb, "%" PRIu64, chunk[--n]);
	while (n-- > 0)
		strbuf_addf(sb, "%019" PRIu64, chunk[n]);
}
