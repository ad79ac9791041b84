/*
 * test_tally.c - the exact tally of owners' decisions (src/voice/tally.c).
 *
 * Every boundary the law draws is tested on purpose: exactly 2/3 taking part
 * (以上: passes) and a hair less; exactly 3/4 approving (passes) and a hair
 * less; exactly half approving (过半数: fails) and a hair more; a residents'
 * meeting with exactly half present.  Then the counting rules: one owner of
 * three dwellings counts once with all their area, the developer's unsold
 * dwellings count as one owner, abstentions both ways, and the refusals.
 * Last, a property test: random small electorates tallied again by a naive
 * implementation (quadratic grouping, core/rational.h fractions) must give
 * the same verdict on every test.  Areas are in 0.01 m^2.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/rational.h"
#include "voice/tally.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { Y = TALLY_YES, N = TALLY_NO, A = TALLY_ABSTAIN, O = TALLY_NONE };

/* Names for generated entries, in a static pool. */
static char names[2][4096][24];

/* n dwellings; owner[i] is an owner number, area[i], choice[i]. */
static void build(struct tally_entry *out, size_t n, const int *owner, const int64_t *area,
		  const int *choice)
{
	for (size_t i = 0; i < n; i++) {
		snprintf(names[0][i], sizeof(names[0][i]), "d%zu", i);
		if (owner[i] < 0)
			snprintf(names[1][i], sizeof(names[1][i]), "%s", TALLY_DEVELOPER);
		else
			snprintf(names[1][i], sizeof(names[1][i]), "o%d", owner[i]);
		out[i].dwelling = names[0][i];
		out[i].owner = names[1][i];
		out[i].area = area[i];
		out[i].choice = (enum tally_choice)choice[i];
	}
}

static struct tally_result tally_ok(const struct tally_entry *en, size_t n, const char *rule_name,
				    bool abstain_participates)
{
	struct tally_rule rule;
	struct tally_result r;
	struct err e = ERR_INIT;
	size_t bad = 99;
	assert_true(tally_rule_named(&rule, rule_name));
	rule.abstain_participates = abstain_participates;
	int rc = tally_count(&r, en, n, &rule, &bad, &e);
	if (rc)
		fprintf(stderr, "unexpected: %s (field %s)\n", e.message, e.field);
	assert_int_equal(rc, 0);
	return r;
}

/* ---- participation: exactly 2/3 ---- */

static void test_participation_exactly_two_thirds(void **state)
{
	(void)state;
	struct tally_entry en[3];
	int owner[] = { 1, 2, 3 };
	int64_t area[] = { 10000, 10000, 10000 };
	int vote[] = { Y, Y, O };
	build(en, 3, owner, area, vote);
	struct tally_result r = tally_ok(en, 3, "art278-general", true);
	assert_int_equal(r.owners, 3);
	assert_int_equal(r.part_owners, 2);
	assert_int_equal(r.area, 30000);
	assert_int_equal(r.part_area, 20000);
	assert_true(r.test[TALLY_PART_AREA].passed);   /* 200/300 = 2/3: 以上 includes it */
	assert_true(r.test[TALLY_PART_OWNERS].passed); /* 2/3 */
	assert_true(r.passed);

	/* one hundredth of a square metre less of the area: 199.99/300 < 2/3 */
	area[1] = 9999;
	build(en, 3, owner, area, vote);
	r = tally_ok(en, 3, "art278-general", true);
	assert_false(r.test[TALLY_PART_AREA].passed);
	assert_true(r.test[TALLY_PART_OWNERS].passed);
	assert_false(r.passed);
	assert_int_equal(r.failed, TALLY_PART_AREA);
	assert_string_equal(tally_reason(&r, "en"), "too little of the area took part");

	/* the area is there but the heads are not: 6 owners, 3 large ones vote */
	struct tally_entry en6[6];
	int owner6[] = { 1, 2, 3, 4, 5, 6 };
	int64_t area6[] = { 50000, 50000, 50000, 100, 100, 100 };
	int vote6[] = { Y, Y, Y, O, O, O };
	build(en6, 6, owner6, area6, vote6);
	r = tally_ok(en6, 6, "art278-general", true);
	assert_true(r.test[TALLY_PART_AREA].passed);
	assert_false(r.test[TALLY_PART_OWNERS].passed); /* 3/6 < 2/3 */
	assert_int_equal(r.failed, TALLY_PART_OWNERS);
	/* four of six heads: exactly 2/3 */
	vote6[3] = N;
	build(en6, 6, owner6, area6, vote6);
	r = tally_ok(en6, 6, "art278-general", true);
	assert_true(r.test[TALLY_PART_OWNERS].passed);
	assert_true(r.passed);
}

/* ---- approval: exactly 3/4 for items 6-8, exactly half fails 过半数 ---- */

static void test_approval_exactly_three_quarters(void **state)
{
	(void)state;
	struct tally_entry en[4];
	int owner[] = { 1, 2, 3, 4 };
	int64_t area[] = { 8000, 8000, 8000, 8000 };
	int vote[] = { Y, Y, Y, N };
	build(en, 4, owner, area, vote);
	struct tally_result r = tally_ok(en, 4, "art278-major", true);
	assert_true(r.test[TALLY_YES_AREA].passed);   /* 3/4 以上 */
	assert_true(r.test[TALLY_YES_OWNERS].passed); /* 3/4 */
	assert_true(r.passed);

	area[3] = 8001; /* 240.00 / 320.01 < 3/4 */
	build(en, 4, owner, area, vote);
	r = tally_ok(en, 4, "art278-major", true);
	assert_false(r.test[TALLY_YES_AREA].passed);
	assert_true(r.test[TALLY_YES_OWNERS].passed);
	assert_int_equal(r.failed, TALLY_YES_AREA);
	assert_false(r.passed);
	/* the same sheet is a general matter that passes easily */
	r = tally_ok(en, 4, "art278-general", true);
	assert_true(r.passed);
}

static void test_approval_exactly_half_fails(void **state)
{
	(void)state;
	struct tally_entry en[4];
	int owner[] = { 1, 2, 3, 4 };
	int64_t area[] = { 9000, 9000, 9000, 9000 };
	int vote[] = { Y, Y, N, N };
	build(en, 4, owner, area, vote);
	struct tally_result r = tally_ok(en, 4, "art278-general", true);
	assert_true(r.test[TALLY_PART_AREA].passed);
	assert_false(r.test[TALLY_YES_AREA].passed);   /* exactly 1/2: 过半数 excludes it */
	assert_false(r.test[TALLY_YES_OWNERS].passed); /* 2 of 4 */
	assert_false(r.passed);

	/* 0.01 m^2 more on a yes: the area passes, the heads still do not */
	area[0] = 9001;
	build(en, 4, owner, area, vote);
	r = tally_ok(en, 4, "art278-general", true);
	assert_true(r.test[TALLY_YES_AREA].passed);
	assert_false(r.test[TALLY_YES_OWNERS].passed);
	assert_int_equal(r.failed, TALLY_YES_OWNERS);
	assert_false(r.passed);
}

/* ---- counting owners ---- */

static void test_one_owner_of_three_dwellings(void **state)
{
	(void)state;
	/* owner 1 holds three dwellings and votes once (on one row); owners 2
	 * and 3 vote no.  Heads: 1 yes of 3; area: 300 yes of 500. */
	struct tally_entry en[5];
	int owner[] = { 1, 1, 1, 2, 3 };
	int64_t area[] = { 10000, 10000, 10000, 10000, 10000 };
	int vote[] = { Y, O, Y, N, N };
	build(en, 5, owner, area, vote);
	struct tally_result r = tally_ok(en, 5, "art278-general", true);
	assert_int_equal(r.dwellings, 5);
	assert_int_equal(r.owners, 3);
	assert_int_equal(r.part_owners, 3);
	assert_int_equal(r.yes_owners, 1);
	assert_int_equal(r.yes_area, 30000);
	assert_int_equal(r.no_area, 20000);
	assert_true(r.test[TALLY_YES_AREA].passed);
	assert_false(r.test[TALLY_YES_OWNERS].passed);
	assert_false(r.passed);

	/* two different votes by one owner: refused, naming the later entry */
	vote[1] = N;
	build(en, 5, owner, area, vote);
	struct tally_rule rule;
	struct err e = ERR_INIT;
	size_t bad = 99;
	assert_true(tally_rule_named(&rule, "art278-general"));
	assert_int_equal(tally_count(&r, en, 5, &rule, &bad, &e), -1);
	assert_int_equal(bad, 1);
	assert_string_equal(e.field, "vote");
	assert_non_null(strstr(e.message, "o1"));
}

static void test_developer_unsold_count_as_one(void **state)
{
	(void)state;
	/* 6 dwellings: 4 unsold (developer, who votes no), 2 sold owners vote
	 * yes.  Owners: 3.  Heads 2/3 yes; area 200 of 600: no. */
	struct tally_entry en[6];
	int owner[] = { -1, -1, 1, -1, 2, -1 };
	int64_t area[] = { 10000, 10000, 10000, 10000, 10000, 10000 };
	int vote[] = { N, O, Y, N, Y, O };
	build(en, 6, owner, area, vote);
	struct tally_result r = tally_ok(en, 6, "art278-general", true);
	assert_int_equal(r.owners, 3);
	assert_int_equal(r.part_owners, 3);
	assert_int_equal(r.part_area, 60000);
	assert_int_equal(r.yes_owners, 2);
	assert_int_equal(r.no_area, 40000);
	assert_true(r.test[TALLY_YES_OWNERS].passed);
	assert_false(r.test[TALLY_YES_AREA].passed);
	assert_false(r.passed);
}

/* ---- abstentions both ways ---- */

static void test_abstentions_both_ways(void **state)
{
	(void)state;
	/* 6 equal owners: 3 yes, 1 no, 1 abstain, 1 absent. */
	struct tally_entry en[6];
	int owner[] = { 1, 2, 3, 4, 5, 6 };
	int64_t area[] = { 10000, 10000, 10000, 10000, 10000, 10000 };
	int vote[] = { Y, Y, Y, N, A, O };
	build(en, 6, owner, area, vote);

	/* abstention takes part: 5/6 took part (>= 2/3), 3/5 approve (> 1/2),
	 * but 3/5 < 3/4 for a major matter */
	struct tally_result r = tally_ok(en, 6, "art278-general", true);
	assert_true(r.abstain_participates);
	assert_int_equal(r.part_owners, 5);
	assert_int_equal(r.abstain_owners, 1);
	assert_true(r.passed);
	r = tally_ok(en, 6, "art278-major", true);
	assert_false(r.passed);
	assert_int_equal(r.failed, TALLY_YES_AREA);

	/* abstention is absence: 4/6 = 2/3 took part (passes, 以上), 3/4 approve:
	 * the major matter now passes exactly at 3/4 */
	r = tally_ok(en, 6, "art278-major", false);
	assert_false(r.abstain_participates);
	assert_int_equal(r.part_owners, 4);
	assert_int_equal(r.part_area, 40000);
	assert_int_equal(r.abstain_owners, 1);
	assert_true(r.test[TALLY_PART_OWNERS].passed);
	assert_true(r.test[TALLY_YES_OWNERS].passed);
	assert_true(r.passed);

	/* a second abstention: absent, participation drops to 3/6 and fails */
	vote[3] = A;
	build(en, 6, owner, area, vote);
	r = tally_ok(en, 6, "art278-general", false);
	assert_int_equal(r.failed, TALLY_PART_AREA);
	/* but taking part, 5/6 took part and 3/5 approve */
	r = tally_ok(en, 6, "art278-general", true);
	assert_true(r.passed);
}

/* ---- residents' meeting ---- */

static void test_majority_heads_only(void **state)
{
	(void)state;
	struct tally_entry en[4];
	int owner[] = { 1, 2, 3, 4 };
	int64_t area[] = { 0, 0, 0, 0 }; /* area is not counted: zero is fine */
	int vote[] = { Y, Y, O, O };
	build(en, 4, owner, area, vote);
	struct tally_result r = tally_ok(en, 4, "majority", true);
	assert_false(r.test[TALLY_PART_AREA].applies);
	assert_false(r.test[TALLY_YES_AREA].applies);
	assert_false(r.test[TALLY_PART_OWNERS].passed); /* exactly half present: not more */
	assert_false(r.passed);
	vote[2] = N;
	build(en, 4, owner, area, vote);
	r = tally_ok(en, 4, "majority", true);
	assert_true(r.test[TALLY_PART_OWNERS].passed); /* 3 of 4 present */
	assert_true(r.test[TALLY_YES_OWNERS].passed);  /* 2 of 3 */
	assert_true(r.passed);
	vote[3] = N; /* 2 of 4: exactly half of those present */
	build(en, 4, owner, area, vote);
	r = tally_ok(en, 4, "majority", true);
	assert_false(r.passed);
	assert_int_equal(r.failed, TALLY_YES_OWNERS);
}

/* ---- custom thresholds and nobody taking part ---- */

static void test_custom_and_empty_participation(void **state)
{
	(void)state;
	struct tally_entry en[3];
	int owner[] = { 1, 2, 3 };
	int64_t area[] = { 100, 100, 100 };
	int vote[] = { O, O, O };
	build(en, 3, owner, area, vote);
	/* no quorum at all, and nobody voted: the approval test has nothing to
	 * count and fails rather than passing 0 >= 0 */
	struct tally_rule rule = { "custom", { 0, 1, true }, { 1, 2, false }, true, true };
	struct tally_result r;
	struct err e = ERR_INIT;
	assert_int_equal(tally_count(&r, en, 3, &rule, NULL, &e), 0);
	assert_true(r.test[TALLY_PART_AREA].passed);
	assert_false(r.test[TALLY_YES_AREA].passed);
	assert_false(r.passed);
	/* more than 1/3 (exclusive), at least 1/1 */
	rule = (struct tally_rule){ "custom", { 1, 3, false }, { 1, 1, true }, true, true };
	vote[0] = Y;
	build(en, 3, owner, area, vote);
	assert_int_equal(tally_count(&r, en, 3, &rule, NULL, &e), 0);
	assert_false(r.test[TALLY_PART_OWNERS].passed); /* exactly 1/3 is not more */
	vote[1] = Y;
	build(en, 3, owner, area, vote);
	assert_int_equal(tally_count(&r, en, 3, &rule, NULL, &e), 0);
	assert_true(r.passed); /* 2/3 > 1/3, 2/2 >= 1 */
	vote[2] = N;
	build(en, 3, owner, area, vote);
	assert_int_equal(tally_count(&r, en, 3, &rule, NULL, &e), 0);
	assert_false(r.passed); /* unanimity of those present fails */
}

/* ---- refusals ---- */

static void expect_refusal(const struct tally_entry *en, size_t n, const struct tally_rule *rule,
			   const char *field, size_t want_bad)
{
	struct tally_result r;
	struct err e = ERR_INIT;
	size_t bad = 12345;
	assert_int_equal(tally_count(&r, en, n, rule, &bad, &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
	assert_string_equal(e.field, field);
	assert_int_equal(bad, want_bad);
}

static void test_refusals(void **state)
{
	(void)state;
	struct tally_rule rule;
	assert_true(tally_rule_named(&rule, "art278-general"));
	assert_false(tally_rule_named(&rule, "custom"));
	assert_false(tally_rule_named(&rule, ""));
	assert_true(tally_rule_named(&rule, "art278-general"));

	struct tally_entry en[3] = {
		{ "1-101", "a", 100, TALLY_YES },
		{ "1-102", "b", 100, TALLY_NO },
		{ "1-101", "c", 100, TALLY_NO },
	};
	expect_refusal(en, 3, &rule, "dwelling", 2);
	expect_refusal(en, 0, &rule, "rule", 0);
	en[2].dwelling = "1-103";
	en[1].owner = "";
	expect_refusal(en, 3, &rule, "owner", 1);
	en[1].owner = "b";
	en[1].dwelling = "";
	expect_refusal(en, 3, &rule, "dwelling", 1);
	en[1].dwelling = "1-102";
	en[2].area = -1;
	expect_refusal(en, 3, &rule, "area", 2);
	en[2].area = TALLY_AREA_MAX + 1;
	expect_refusal(en, 3, &rule, "area", 2);
	en[2].area = TALLY_AREA_MAX;
	struct tally_result r;
	struct err e = ERR_INIT;
	assert_int_equal(tally_count(&r, en, 3, &rule, NULL, &e), 0);
	/* zero area under a rule that counts it */
	en[0].area = en[1].area = en[2].area = 0;
	expect_refusal(en, 3, &rule, "rule", 3);
	/* thresholds out of range */
	en[0].area = 1;
	struct tally_rule bad_rule = rule;
	bad_rule.participation = (struct tally_threshold){ 4, 3, true };
	expect_refusal(en, 3, &bad_rule, "rule", 3);
	bad_rule = rule;
	bad_rule.approval = (struct tally_threshold){ 0, 2, true };
	expect_refusal(en, 3, &bad_rule, "rule", 3);
	bad_rule.approval = (struct tally_threshold){ 1, 0, true };
	expect_refusal(en, 3, &bad_rule, "rule", 3);
}

/* ---- parsing and formatting ---- */

static void test_area_and_fraction_text(void **state)
{
	(void)state;
	int64_t v = -1;
	assert_true(tally_area_parse(&v, "85", 2));
	assert_int_equal(v, 8500);
	assert_true(tally_area_parse(&v, "85.5", 4));
	assert_int_equal(v, 8550);
	assert_true(tally_area_parse(&v, "0.07", 4));
	assert_int_equal(v, 7);
	assert_true(tally_area_parse(&v, "1000000", 7));
	assert_int_equal(v, TALLY_AREA_MAX);
	const char *bad[] = { "",     "-1",   "1.",     "1.234", ".5",	  "1e3",
			      " 1",   "1 ",   "1,5",    "abc",   "1000000.01", "99999999",
			      "0x10", "+1.0", "1.2.3" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (tally_area_parse(&v, bad[i], strlen(bad[i])))
			fail_msg("accepted area \"%s\"", bad[i]);
	}
	struct strbuf sb = STRBUF_INIT;
	tally_area_format(&sb, 123456);
	strbuf_addch(&sb, ' ');
	tally_area_format(&sb, 7);
	strbuf_addch(&sb, ' ');
	tally_area_format(&sb, 0);
	assert_string_equal(sb.buf, "1234.56 0.07 0.00");
	strbuf_release(&sb);

	struct tally_threshold t = { 0, 0, true };
	assert_true(tally_fraction_parse(&t, "2/3"));
	assert_int_equal(t.num, 2);
	assert_int_equal(t.den, 3);
	assert_true(tally_fraction_parse(&t, "1"));
	assert_int_equal(t.num, 1);
	assert_int_equal(t.den, 1);
	assert_true(tally_fraction_parse(&t, "0"));
	assert_true(t.inclusive); /* left alone */
	const char *badf[] = { "", "4/3", "1/0", "2", "0.5", "-1/2", "1/", "/2", "1/2x", "1/2000001" };
	for (size_t i = 0; i < sizeof(badf) / sizeof(badf[0]); i++) {
		if (tally_fraction_parse(&t, badf[i]))
			fail_msg("accepted fraction \"%s\"", badf[i]);
	}

	enum tally_choice c;
	assert_true(tally_choice_parse(&c, "YES", 3));
	assert_int_equal(c, TALLY_YES);
	assert_true(tally_choice_parse(&c, "弃权", strlen("弃权")));
	assert_int_equal(c, TALLY_ABSTAIN);
	assert_true(tally_choice_parse(&c, "", 0));
	assert_int_equal(c, TALLY_NONE);
	assert_false(tally_choice_parse(&c, "maybe", 5));
}

static void test_json(void **state)
{
	(void)state;
	struct tally_entry en[3];
	int owner[] = { 1, 1, 2 };
	int64_t area[] = { 12345, 1, 10000 };
	int vote[] = { Y, O, N };
	build(en, 3, owner, area, vote);
	struct tally_rule rule;
	assert_true(tally_rule_named(&rule, "art278-general"));
	struct tally_result r = tally_ok(en, 3, "art278-general", true);
	struct strbuf sb = STRBUF_INIT;
	tally_result_json(&sb, &r, &rule);
	assert_non_null(strstr(sb.buf, "\"rule\":\"art278-general\",\"passed\":false"));
	assert_non_null(strstr(sb.buf, "\"area\":\"223.46\""));
	assert_non_null(strstr(sb.buf, "\"yes_area\":\"123.46\""));
	assert_non_null(strstr(sb.buf, "{\"test\":\"approval_owners\",\"applies\":true,"
				       "\"part\":\"1\",\"whole\":\"2\",\"threshold\":\"1/2\","
				       "\"inclusive\":false,\"passed\":false}"));
	assert_non_null(strstr(sb.buf, "\"abstain_participates\":true"));
	strbuf_release(&sb);
}

/* ---- property test against a naive tally with rational.h ---- */

static uint64_t rng_state = 0x1234567;

static uint64_t rnd(uint64_t n)
{
	uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return (z ^ (z >> 31)) % n;
}

/* part/whole against the threshold, with rationals; whole 0 fails. */
static bool naive_meets(int64_t part, int64_t whole, struct tally_threshold t)
{
	struct rational p, need;
	struct err e = ERR_INIT;
	if (whole == 0)
		return false;
	assert_int_equal(rational_make(&p, part, whole, &e), 0);
	assert_int_equal(rational_make(&need, t.num, t.den, &e), 0);
	int c = rational_cmp(p, need);
	return t.inclusive ? c >= 0 : c > 0;
}

static void test_property_against_naive(void **state)
{
	(void)state;
	static const struct tally_threshold fractions[] = {
		{ 1, 2, false }, { 1, 2, true }, { 2, 3, true }, { 2, 3, false },
		{ 3, 4, true },  { 0, 1, true }, { 1, 1, true }, { 3, 5, false },
	};
	enum { NF = sizeof(fractions) / sizeof(fractions[0]) };
	struct tally_entry en[12];
	int owner[12], vote[12];
	int64_t area[12];
	for (int round = 0; round < 20000; round++) {
		size_t n = 1 + rnd(12);
		size_t owners = 1 + rnd(n);
		for (size_t i = 0; i < n; i++) {
			owner[i] = (int)rnd(owners) - (rnd(8) == 0); /* -1: developer */
			area[i] = (int64_t)rnd(4) * 2500 + (int64_t)rnd(3);
			vote[i] = (int)rnd(4);
		}
		/* one owner, one choice: copy the first recorded choice of each
		 * owner to their other voted rows */
		for (size_t i = 0; i < n; i++)
			for (size_t j = 0; j < i; j++)
				if (owner[j] == owner[i] && vote[j] != O && vote[i] != O)
					vote[i] = vote[j];
		build(en, n, owner, area, vote);
		struct tally_rule rule = { "custom", fractions[rnd(NF)], fractions[rnd(NF)],
					   rnd(2) == 0, rnd(2) == 0 };
		if (rule.approval.num == 0)
			rule.approval = (struct tally_threshold){ 1, 2, false };
		int64_t total_area = 0;
		for (size_t i = 0; i < n; i++)
			total_area += area[i];
		struct tally_result r;
		struct err e = ERR_INIT;
		int rc = tally_count(&r, en, n, &rule, NULL, &e);
		if (rule.count_area && total_area == 0) {
			assert_int_equal(rc, -1);
			continue;
		}
		assert_int_equal(rc, 0);

		/* naive: group owners by scanning back */
		int64_t tot_o = 0, part_o = 0, yes_o = 0, tot_a = 0, part_a = 0, yes_a = 0;
		for (size_t i = 0; i < n; i++) {
			bool first = true;
			for (size_t j = 0; j < i; j++)
				if (owner[j] == owner[i])
					first = false;
			if (!first)
				continue;
			int64_t a = 0;
			int c = O;
			for (size_t j = i; j < n; j++) {
				if (owner[j] != owner[i])
					continue;
				a += area[j];
				if (vote[j] != O)
					c = vote[j];
			}
			tot_o++;
			tot_a += a;
			bool takes_part = c == Y || c == N || (c == A && rule.abstain_participates);
			if (takes_part) {
				part_o++;
				part_a += a;
			}
			if (c == Y) {
				yes_o++;
				yes_a += a;
			}
		}
		assert_int_equal(r.owners, tot_o);
		assert_int_equal(r.area, tot_a);
		assert_int_equal(r.part_owners, part_o);
		assert_int_equal(r.part_area, part_a);
		assert_int_equal(r.yes_owners, yes_o);
		assert_int_equal(r.yes_area, yes_a);
		bool t0 = naive_meets(part_a, tot_a, rule.participation);
		bool t1 = naive_meets(part_o, tot_o, rule.participation);
		bool t2 = naive_meets(yes_a, part_a, rule.approval);
		bool t3 = naive_meets(yes_o, part_o, rule.approval);
		if (rule.count_area) {
			assert_int_equal(r.test[TALLY_PART_AREA].passed, t0);
			assert_int_equal(r.test[TALLY_YES_AREA].passed, t2);
		}
		assert_int_equal(r.test[TALLY_PART_OWNERS].passed, t1);
		assert_int_equal(r.test[TALLY_YES_OWNERS].passed, t3);
		bool want = t1 && t3 && (!rule.count_area || (t0 && t2));
		assert_int_equal(r.passed, want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_participation_exactly_two_thirds),
		cmocka_unit_test(test_approval_exactly_three_quarters),
		cmocka_unit_test(test_approval_exactly_half_fails),
		cmocka_unit_test(test_one_owner_of_three_dwellings),
		cmocka_unit_test(test_developer_unsold_count_as_one),
		cmocka_unit_test(test_abstentions_both_ways),
		cmocka_unit_test(test_majority_heads_only),
		cmocka_unit_test(test_custom_and_empty_participation),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_area_and_fraction_text),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_property_against_naive),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
