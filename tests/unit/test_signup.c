/*
 * test_signup.c - the sign-up rules (src/scene/signup.c), each on its own
 * and in their fixed order when two apply; the cancellation window at its
 * boundary; the no-show threshold and the talk that lifts it; swaps.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "volunteer_fixture.h"

static int group_setup(void **state)
{
	(void)state;
	return fx_setup();
}

static int group_teardown(void **state)
{
	(void)state;
	fx_teardown();
	return 0;
}

static void expect_rule(int64_t shift, int64_t vol, int64_t now, const char *want)
{
	const char *rule = NULL;
	int64_t id = fx_sign(shift, vol, now, &rule);
	if (!want) {
		assert_true(id > 0);
		assert_null(rule);
	} else {
		assert_int_equal(id, -1);
		assert_non_null(rule);
		assert_string_equal(rule, want);
	}
}

static void test_each_rule(void **state)
{
	(void)state;
	int64_t a = fx_volunteer("", 0), b = fx_volunteer("first_aid", 0);
	int64_t s1 = fx_shift(fx.post, 100, 4, 1);
	/* signs up, then already_signed_up */
	expect_rule(s1, a, T0, NULL);
	expect_rule(s1, a, T0, "already_signed_up");
	/* shift_full: headcount 1 */
	expect_rule(s1, b, T0, "shift_full");
	/* shift_over: at the end exactly */
	int64_t s2 = fx_shift(fx.post, 200, 4, 3);
	expect_rule(s2, b, T0 + 204 * H, "shift_over");
	expect_rule(s2, b, T0 + 204 * H - 1, NULL); /* still on: a late helper may join */
	/* skill_missing: a lacks first_aid, b has it */
	int64_t s3 = fx_shift(fx.post_skill, 120, 4, 3);
	expect_rule(s3, a, T0, "skill_missing");
	expect_rule(s3, b, T0, NULL);
	/* insurance_missing: insured until 2026-12-31; a shift on 2027-01-01 */
	int64_t s4 = fx_shift_at(fx.post_ins, T0 + 5 * H, T0 + 9 * H, 2);
	expect_rule(s4, a, T0, NULL);
	/* insurance is checked before too_far_ahead, so a shift next year shows it */
	int64_t late = fx_shift_at(fx.post_ins, 1798761600 + 2 * H, 1798761600 + 4 * H, 2);
	expect_rule(late, b, T0, "insurance_missing");
	/* overlap: s1 is 100-104 h; another post 102-106 */
	int64_t s5 = fx_shift(fx.post_b, 102, 4, 3);
	expect_rule(s5, a, T0, "overlap");
	/* rest: 8 h between shifts; 104 + 7 = 111 is too soon, 112 is fine */
	int64_t s6 = fx_shift(fx.post_b, 111, 2, 3);
	expect_rule(s6, a, T0, "rest");
	int64_t s7 = fx_shift(fx.post_b, 112, 2, 3);
	expect_rule(s7, a, T0, NULL);
	/* too_far_ahead: 14 days; exactly 14 days is allowed, one second more not */
	int64_t s8 = fx_shift_at(fx.post, T0 + 14 * 86400, T0 + 14 * 86400 + 2 * H, 3);
	int64_t s9 = fx_shift_at(fx.post, T0 + 14 * 86400 + 1, T0 + 14 * 86400 + 2 * H, 3);
	int64_t c = fx_volunteer("", 0);
	expect_rule(s9, c, T0, "too_far_ahead");
	expect_rule(s8, c, T0, NULL);
}

static void test_first_rule_wins(void **state)
{
	(void)state;
	int64_t a = fx_volunteer("", 0), b = fx_volunteer("", 0);
	/* full and skill missing: shift_full comes first */
	int64_t s = fx_shift(fx.post_skill, 30, 2, 1);
	int64_t x = fx_volunteer("first_aid", 0);
	expect_rule(s, x, T0, NULL);
	expect_rule(s, a, T0, "shift_full");
	/* over and full: shift_over comes first */
	expect_rule(s, a, T0 + 40 * H, "shift_over");
	/* already signed up and over: already_signed_up first */
	expect_rule(s, x, T0 + 40 * H, "already_signed_up");
	/* overlap and too far ahead: overlap first */
	int64_t f1 = fx_shift(fx.post, 20 * 24, 4, 2);
	int64_t f2 = fx_shift(fx.post_b, 20 * 24 + 1, 4, 2);
	expect_rule(f1, b, T0 + 10 * 86400, NULL);
	expect_rule(f2, b, T0, "overlap");
	/* skill missing and overlap: skill_missing first */
	int64_t f3 = fx_shift(fx.post_skill, 20 * 24 + 2, 1, 2);
	expect_rule(f3, b, T0 + 10 * 86400, "skill_missing");
}

static void test_cancellation_window(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	const char *rule = NULL;
	int64_t v = fx_volunteer("", 0);
	int64_t s = fx_shift(fx.post, 60, 2, 5);
	int64_t id1 = fx_sign(s, v, T0, NULL);
	assert_true(id1 > 0);
	/* 24 h before the start exactly: still allowed */
	assert_int_equal(signup_cancel(fx.db, &rule, fx.c1, id1, false, T0 + 36 * H, &WHO, &e), 0);
	int64_t id2 = fx_sign(s, v, T0, NULL);
	assert_true(id2 > 0);
	/* one second later: refused, rule cancellation_window */
	assert_int_equal(signup_cancel(fx.db, &rule, fx.c1, id2, false, T0 + 36 * H + 1, &WHO, &e),
			 -1);
	assert_non_null(rule);
	assert_string_equal(rule, "cancellation_window");
	assert_int_equal(e.code, ERR_CONFLICT);
	/* a coordinator may */
	err_clear(&e);
	assert_int_equal(signup_cancel(fx.db, &rule, fx.c1, id2, true, T0 + 59 * H, &WHO, &e), 0);
	/* cancelled twice: conflict, no rule */
	assert_int_equal(signup_cancel(fx.db, &rule, fx.c1, id2, true, T0 + 59 * H, &WHO, &e), -1);
	assert_null(rule);
	/* another community's sign-up is not found */
	err_clear(&e);
	assert_int_equal(signup_cancel(fx.db, &rule, fx.c2, id1, true, T0, &WHO, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
}

static void test_no_show_threshold(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	int64_t v = fx_volunteer("", 0), ns = 0;
	int64_t s1 = fx_shift(fx.post, 300, 2, 5), s2 = fx_shift(fx.post, 320, 2, 5);
	int64_t s3 = fx_shift(fx.post, 340, 2, 5);
	int64_t a = fx_sign(s1, v, T0 + 290 * H, NULL), b = fx_sign(s2, v, T0 + 290 * H, NULL);
	assert_true(a > 0 && b > 0);
	/* not before the shift ends */
	assert_int_equal(signup_no_show(fx.db, fx.c1, a, T0 + 301 * H, &WHO, &e), -1);
	assert_int_equal(e.code, ERR_CONFLICT);
	err_clear(&e);
	assert_int_equal(signup_no_show(fx.db, fx.c1, a, T0 + 302 * H, &WHO, &e), 0);
	/* one no-show: below the limit of 2 */
	expect_rule(s3, v, T0 + 303 * H, NULL);
	const char *rule = NULL;
	int64_t s3id = 0;
	{
		/* take it back to try again after the second no-show */
		struct stmt *st = store_prepare(
		    fx.db, "SELECT id FROM signups WHERE shift_id = ? AND volunteer_id = ?", &e);
		stmt_bind_int(st, 1, s3);
		stmt_bind_int(st, 2, v);
		assert_int_equal(stmt_step(st, &e), STORE_ROW);
		s3id = stmt_int(st, 0);
		stmt_done(st);
	}
	assert_int_equal(signup_cancel(fx.db, &rule, fx.c1, s3id, true, T0 + 303 * H, &WHO, &e), 0);
	assert_int_equal(signup_no_show(fx.db, fx.c1, b, T0 + 322 * H, &WHO, &e), 0);
	assert_int_equal(volunteer_no_shows(fx.db, &ns, fx.c1, v, &e), 0);
	assert_int_equal(ns, 2);
	expect_rule(s3, v, T0 + 323 * H, "talk_required");
	/* a talk lifts the block */
	assert_int_equal(volunteer_talk(fx.db, fx.c1, v, "谈过了", T0 + 323 * H, 1, "tester", NULL, &e),
			 0);
	assert_int_equal(volunteer_no_shows(fx.db, &ns, fx.c1, v, &e), 0);
	assert_int_equal(ns, 0);
	expect_rule(s3, v, T0 + 323 * H, NULL);
	/* a talk needs a note */
	assert_int_equal(volunteer_talk(fx.db, fx.c1, v, "", T0, 1, "tester", NULL, &e), -1);
	assert_string_equal(e.field, "note");
}

static void test_inactive_and_swap(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	const char *rule = NULL;
	int64_t a = fx_volunteer("", 0), b = fx_volunteer("", 0), c = fx_volunteer("", 0);
	int64_t s = fx_shift(fx.post, 400, 3, 1);
	struct vol_input ch = {0};
	ch.status = "paused";
	assert_int_equal(volunteer_update(fx.db, fx.c1, c, &ch, T0, 1, "t", NULL, &e), 0);
	expect_rule(s, c, T0 + 390 * H, "inactive");
	int64_t id = fx_sign(s, a, T0 + 390 * H, NULL), taken = 0;
	assert_true(id > 0);
	/* not offered yet */
	assert_int_equal(signup_take(fx.db, &taken, &rule, fx.c1, id, b, T0 + 390 * H, &WHO, &e), -1);
	assert_string_equal(rule, "not_offered");
	err_clear(&e);
	assert_int_equal(signup_offer(fx.db, fx.c1, id, true, T0 + 390 * H, &e), 0);
	/* one's own */
	assert_int_equal(signup_take(fx.db, &taken, &rule, fx.c1, id, a, T0 + 390 * H, &WHO, &e), -1);
	assert_string_equal(rule, "own_signup");
	err_clear(&e);
	/* the rules apply to the taker: c is paused */
	assert_int_equal(signup_take(fx.db, &taken, &rule, fx.c1, id, c, T0 + 390 * H, &WHO, &e), -1);
	assert_string_equal(rule, "inactive");
	err_clear(&e);
	/* the full shift does not stop b: a's place is handed over */
	assert_int_equal(signup_take(fx.db, &taken, &rule, fx.c1, id, b, T0 + 390 * H, &WHO, &e), 0);
	assert_true(taken > id);
	expect_rule(s, a, T0 + 390 * H, "shift_full");
	int64_t owner = 0;
	assert_int_equal(signup_owner(fx.db, &owner, NULL, fx.c1, taken, &e), 0);
	assert_int_equal(owner, b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_each_rule),
	    cmocka_unit_test(test_first_rule_wins),
	    cmocka_unit_test(test_cancellation_window),
	    cmocka_unit_test(test_no_show_threshold),
	    cmocka_unit_test(test_inactive_and_swap),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
