/*
 * test_volunteer.c - volunteers (src/scene/volunteer.c), check-in at the
 * post (checkin.c) and service hours (hours.c).
 *
 * Registration rules (consent, a guardian under 18, sealed phone), local
 * time in Asia/Shanghai, availability with exceptions, the post token, the
 * one-time check-in nonce (its own shift only, no replay, expiry, the
 * window), hours from check-in to check-out rounded down, confirmation,
 * totals and numbered certificates.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "volunteer_fixture.h"
#include "registry/account.h"

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

static void test_local_time(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	char d[11];
	int minute = -1;
	/* 00:00 UTC is 08:00 in Shanghai, the same day */
	assert_string_equal(vol_local(&a, T0), "2026-03-02 08:00");
	/* 16:00 UTC is midnight in Shanghai: the next day already */
	assert_string_equal(vol_local(&a, T0 + 16 * H), "2026-03-03 00:00");
	assert_string_equal(vol_local(&a, T0 + 16 * H - 60), "2026-03-02 23:59");
	vol_local_date(d, T0 - 8 * H - 1);
	assert_string_equal(d, "2026-03-01");
	assert_int_equal(vol_local_weekday(T0, &minute), 1); /* Monday */
	assert_int_equal(minute, 8 * 60);
	assert_int_equal(vol_local_weekday(T0 + 16 * H, NULL), 2);
	assert_int_equal(vol_local_weekday(T0 - 8 * H - 1, NULL), 7); /* Sunday */
	assert_int_equal(vol_date_start("2026-03-02"), T0 - 8 * H);
	assert_int_equal(vol_date_start("2026-02-30"), -1);
	assert_int_equal(vol_age("2008-03-02", "2026-03-02"), 18);
	assert_int_equal(vol_age("2008-03-03", "2026-03-02"), 17);
	assert_int_equal(vol_age("", "2026-03-02"), -1);
	arena_release(&a);
}

static int64_t add(struct vol_input *in, struct err *e)
{
	int64_t id = 0;
	return volunteer_add(fx.db, &id, fx.c1, in, T0, 1, "tester", "127.0.0.1", e) < 0 ? -1 : id;
}

static void test_registration(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	json_t *o = NULL;
	struct vol_input in = {.name = "李小明", .birth_date = "2010-06-01", .phone = "13812345678",
			       .skills = "first_aid, driving"};
	/* consent is required */
	assert_int_equal(add(&in, &e), -1);
	assert_string_equal(e.field, "consent_date");
	err_clear(&e);
	in.consent_date = "2026-03-01";
	in.consent_method = "paper";
	in.consent_version = "2026版";
	/* 15 years old: a guardian's consent is required, all of it */
	assert_int_equal(add(&in, &e), -1);
	assert_string_equal(e.field, "guardian_name");
	err_clear(&e);
	in.guardian_name = "李大明";
	in.guardian_relation = "父亲";
	in.guardian_date = "2026-03-01";
	assert_int_equal(add(&in, &e), -1);
	assert_string_equal(e.field, "guardian_evidence");
	err_clear(&e);
	in.guardian_evidence = "纸质同意书，存社区档案柜";
	in.availability = "1 08:00-12:00; 6 09:00-17:00";
	in.exceptions = "2026-03-09 unavailable; 2026-03-10 available 14:00-18:00";
	int64_t id = add(&in, &e);
	assert_true(id > 0);
	/* the phone is sealed at rest */
	struct stmt *st = store_prepare(fx.db, "SELECT phone FROM volunteers WHERE id = ?", &e);
	stmt_bind_int(st, 1, id);
	assert_int_equal(stmt_step(st, &e), STORE_ROW);
	assert_null(strstr(stmt_text(st, 0), "13812345678"));
	assert_null(strstr(stmt_text(st, 0), "5678"));
	stmt_done(st);
	assert_int_equal(volunteer_get(fx.db, &o, fx.c1, id, T0, &e), 0);
	assert_string_equal(json_string_value(json_object_get(o, "phone")), "138****5678");
	assert_int_equal(json_integer_value(json_object_get(o, "age")), 15);
	assert_true(json_is_true(json_object_get(o, "young")));
	assert_true(json_is_true(json_object_get(o, "minor")));
	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(o, "guardian"), "relation")), "父亲");
	json_decref(o);
	/* another community's id is not found */
	assert_int_equal(volunteer_get(fx.db, &o, fx.c2, id, T0, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	err_clear(&e);
	/* bad availability names the field */
	struct vol_input bad = in;
	bad.name = "王五";
	bad.availability = "8 08:00-12:00";
	assert_int_equal(add(&bad, &e), -1);
	assert_string_equal(e.field, "availability");
	err_clear(&e);
	bad.availability = "";
	bad.exceptions = "2026-02-30 unavailable";
	assert_int_equal(add(&bad, &e), -1);
	assert_string_equal(e.field, "exceptions");
	err_clear(&e);
	/* an adult of 36 is not young */
	struct vol_input adult = {.name = "赵六", .birth_date = "1990-03-01",
				  .consent_date = "2026-03-01", .consent_method = "online",
				  .consent_version = "v1"};
	int64_t ad = add(&adult, &e);
	assert_true(ad > 0);
	assert_int_equal(volunteer_get(fx.db, &o, fx.c1, ad, T0, &e), 0);
	assert_int_equal(json_integer_value(json_object_get(o, "age")), 36);
	assert_true(json_is_false(json_object_get(o, "young")));
	json_decref(o);
	/* born before 1970 (negative days since the epoch): a past date too */
	adult.name = "钱七";
	adult.birth_date = "1950-03-01";
	assert_true(add(&adult, &e) > 0);

	/* availability: Monday 08:00-12:00 local; the 9th is blocked, the 10th
	 * (a Tuesday) opened 14:00-18:00 */
	bool ok = false;
	assert_int_equal(volunteer_is_available(fx.db, &ok, fx.c1, id, T0, T0 + 4 * H, &e), 0);
	assert_true(ok);
	assert_int_equal(volunteer_is_available(fx.db, &ok, fx.c1, id, T0, T0 + 5 * H, &e), 0);
	assert_false(ok);
	assert_int_equal(
	    volunteer_is_available(fx.db, &ok, fx.c1, id, T0 + 7 * 86400, T0 + 7 * 86400 + H, &e), 0);
	assert_false(ok);
	assert_int_equal(volunteer_is_available(fx.db, &ok, fx.c1, id, T0 + 8 * 86400 + 6 * H,
						T0 + 8 * 86400 + 8 * H, &e),
			 0);
	assert_true(ok);
	assert_true(vol_skills_cover("first_aid, driving", "driving"));
	assert_true(vol_skills_cover("first_aid", ""));
	assert_false(vol_skills_cover("first_aid", "first"));
}

static void test_post_token(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	char tok[CHECKIN_TOKEN_MAX], other[CHECKIN_TOKEN_MAX];
	int64_t post = 0, comm = 0;
	assert_int_equal(checkin_post_token(tok, fx.post, &e), 0);
	assert_int_equal(checkin_post_of_token(&post, tok, &e), 0);
	assert_int_equal(post, fx.post);
	assert_int_equal(checkin_post_community(fx.db, &comm, post, &e), 0);
	assert_int_equal(comm, fx.c1);
	/* another post's id with this post's code does not pass */
	assert_int_equal(checkin_post_token(other, fx.post_b, &e), 0);
	char forged[CHECKIN_TOKEN_MAX];
	snprintf(forged, sizeof(forged), "%lld%s", (long long)fx.post_b, strchr(tok, '-'));
	assert_int_equal(checkin_post_of_token(&post, forged, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	err_clear(&e);
	assert_int_equal(checkin_post_of_token(&post, "12", &e), -1);
	err_clear(&e);
}

/* Starts a check-in at post at now; returns the nonce (static) or NULL. */
static const char *start(int64_t post, int64_t vol, int64_t now, int64_t *signup,
			 const char **action, const char **rule)
{
	static char nonce[80];
	struct err e = ERR_INIT;
	json_t *o = NULL;
	*rule = NULL;
	if (checkin_start(fx.db, &o, rule, fx.c1, post, vol, now, &e) < 0)
		return NULL;
	snprintf(nonce, sizeof(nonce), "%s", json_string_value(json_object_get(o, "nonce")));
	*signup = json_integer_value(json_object_get(o, "signup_id"));
	*action = strcmp(json_string_value(json_object_get(o, "action")), "in") ? "out" : "in";
	json_decref(o);
	return nonce;
}

static void test_checkin_nonce(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	const char *rule = NULL, *action = NULL, *n;
	json_t *o = NULL;
	int64_t v = fx_volunteer("", fx.user_vol), w = fx_volunteer("", fx.user_vol2);
	int64_t s = fx_shift(fx.post, 500, 4, 2), s2 = fx_shift(fx.post_b, 500, 4, 2);
	int64_t start_at = T0 + 500 * H, su = 0, su_w = 0;
	int64_t mine = fx_sign(s, v, T0 + 490 * H, NULL), theirs = fx_sign(s2, w, T0 + 490 * H, NULL);
	assert_true(mine > 0 && theirs > 0);
	/* 30 min and one second before the start: no shift now */
	assert_null(start(fx.post, v, start_at - 1801, &su, &action, &rule));
	assert_string_equal(rule, "no_shift_now");
	/* at another post: none either */
	assert_null(start(fx.post_b, v, start_at, &su, &action, &rule));
	assert_string_equal(rule, "no_shift_now");
	/* 30 min before: a nonce for my sign-up, action in */
	n = start(fx.post, v, start_at - 1800, &su, &action, &rule);
	assert_non_null(n);
	assert_int_equal(su, mine);
	assert_string_equal(action, "in");
	char nonce[80];
	snprintf(nonce, sizeof(nonce), "%s", n);
	/* it works only for its own sign-up: w's sign-up refuses it (w would
	 * need their own) and mine, presented by w, is not w's */
	assert_int_equal(checkin_confirm(fx.db, &o, &rule, fx.c1, theirs, w, nonce, start_at, &e), -1);
	assert_string_equal(rule, "wrong_shift");
	err_clear(&e);
	assert_int_equal(checkin_confirm(fx.db, &o, &rule, fx.c1, mine, w, nonce, start_at, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	err_clear(&e);
	/* a made-up nonce */
	assert_int_equal(checkin_confirm(fx.db, &o, &rule, fx.c1, mine, v, "abc", start_at, &e), -1);
	assert_string_equal(rule, "invalid_token");
	err_clear(&e);
	/* used once: checked in */
	assert_int_equal(checkin_confirm(fx.db, &o, &rule, fx.c1, mine, v, nonce, start_at - 1700, &e),
			 0);
	assert_string_equal(json_string_value(json_object_get(o, "action")), "in");
	assert_string_equal(json_string_value(json_object_get(o, "at")), "2026-03-23 03:31");
	json_decref(o);
	/* replayed: refused */
	assert_int_equal(checkin_confirm(fx.db, &o, &rule, fx.c1, mine, v, nonce, start_at, &e), -1);
	assert_string_equal(rule, "replayed");
	err_clear(&e);
	/* scanning again gives an "out" nonce; an expired one is refused */
	n = start(fx.post, v, start_at + H, &su, &action, &rule);
	assert_non_null(n);
	assert_string_equal(action, "out");
	snprintf(nonce, sizeof(nonce), "%s", n);
	assert_int_equal(checkin_confirm(fx.db, &o, &rule, fx.c1, mine, v, nonce,
					 start_at + H + CHECKIN_NONCE_TTL + 1, &e),
			 -1);
	assert_string_equal(rule, "expired");
	err_clear(&e);
	/* the other volunteer scans a minute before the end and confirms at the
	 * end: outside the window, though the nonce is fresh */
	n = start(fx.post_b, w, start_at + 4 * H - 60, &su_w, &action, &rule);
	assert_non_null(n);
	snprintf(nonce, sizeof(nonce), "%s", n);
	assert_int_equal(checkin_confirm(fx.db, &o, &rule, fx.c1, theirs, w, nonce, start_at + 4 * H,
					 &e),
			 -1);
	assert_string_equal(rule, "outside_window");
	err_clear(&e);
	/* check out: 95 minutes and 59 seconds count as 95 */
	n = start(fx.post, v, start_at + 2 * H, &su, &action, &rule);
	assert_non_null(n);
	snprintf(nonce, sizeof(nonce), "%s", n);
	int64_t out_at = start_at - 1700 + 95 * 60 + 59;
	assert_int_equal(checkin_confirm(fx.db, &o, &rule, fx.c1, mine, v, nonce, out_at, &e), 0);
	assert_int_equal(json_integer_value(json_object_get(o, "minutes")), 95);
	json_decref(o);
	/* after check-out, the post has nothing more for me */
	assert_null(start(fx.post, v, start_at + 2 * H + 60, &su, &action, &rule));
	assert_string_equal(rule, "no_shift_now");

	/* hours count once confirmed */
	json_t *h = NULL;
	assert_int_equal(hours_summary(fx.db, &h, fx.c1, v, 2026, &e), 0);
	assert_int_equal(json_integer_value(json_object_get(h, "minutes")), 0);
	assert_int_equal(json_integer_value(json_object_get(h, "unconfirmed_minutes")), 95);
	json_decref(h);
	int64_t cert = 0;
	assert_int_equal(hours_certificate_issue(fx.db, &cert, fx.c1, v, 2026, T0 + 600 * H, &WHO, &e),
			 -1);
	assert_string_equal(e.field, "year");
	err_clear(&e);
	assert_int_equal(hours_confirm(fx.db, fx.c1, mine, T0 + 600 * H, &WHO, &e), 0);
	assert_int_equal(hours_confirm(fx.db, fx.c1, mine, T0 + 600 * H, &WHO, &e), -1);
	assert_int_equal(e.code, ERR_CONFLICT);
	err_clear(&e);
	/* not checked out: cannot be confirmed */
	assert_int_equal(hours_confirm(fx.db, fx.c1, theirs, T0 + 600 * H, &WHO, &e), -1);
	assert_int_equal(e.code, ERR_CONFLICT);
	err_clear(&e);
	assert_int_equal(hours_summary(fx.db, &h, fx.c1, v, 2026, &e), 0);
	assert_int_equal(json_integer_value(json_object_get(h, "minutes")), 95);
	assert_string_equal(json_string_value(json_object_get(h, "hours")), "1.58");
	assert_int_equal(json_integer_value(json_array_get(json_object_get(h, "months"), 2)), 95);
	json_decref(h);
	/* certificates: numbered per community and year of issue */
	int64_t c2 = 0;
	assert_int_equal(hours_certificate_issue(fx.db, &cert, fx.c1, v, 2026, T0 + 600 * H, &WHO, &e),
			 0);
	assert_int_equal(hours_certificate_issue(fx.db, &c2, fx.c1, v, 2026, T0 + 601 * H, &WHO, &e),
			 0);
	assert_int_equal(hours_certificate_get(fx.db, &o, fx.c1, cert, &e), 0);
	assert_string_equal(json_string_value(json_object_get(o, "number")), "LL-2026-0001");
	assert_string_equal(json_string_value(json_object_get(o, "hours")), "1.58");
	assert_string_equal(json_string_value(json_object_get(o, "organisation")), "幸福社区");
	assert_string_equal(json_string_value(json_object_get(o, "period_start")), "2026-03-23");
	assert_string_equal(
	    json_string_value(json_array_get(json_object_get(o, "service_content"), 0)),
	    "小区门岗·北门岗");
	json_decref(o);
	assert_int_equal(hours_certificate_get(fx.db, &o, fx.c1, c2, &e), 0);
	assert_string_equal(json_string_value(json_object_get(o, "number")), "LL-2026-0002");
	json_decref(o);
	assert_int_equal(hours_certificate_get(fx.db, &o, fx.c2, c2, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	err_clear(&e);
	/* the export: one row, masked ID column, hours */
	struct strbuf sb = STRBUF_INIT;
	assert_int_equal(hours_export(fx.db, &sb, fx.c1, 2026, false, &e), 0);
	assert_non_null(strstr(sb.buf, "服务时长(小时)"));
	assert_non_null(strstr(sb.buf, ",2026-03-23,03:31,05:07,1.58,小区门岗·北门岗,幸福社区"));
	strbuf_release(&sb);
}

static void test_manual_and_correct(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	int64_t v = fx_volunteer("", 0), s = fx_shift(fx.post_b, 700, 2, 1);
	int64_t id = fx_sign(s, v, T0 + 690 * H, NULL), st = T0 + 700 * H;
	assert_true(id > 0);
	/* not in the future, not before the window */
	assert_int_equal(checkin_manual(fx.db, fx.c1, id, "in", st + 60, st, &WHO, &e), -1);
	assert_string_equal(e.field, "at");
	err_clear(&e);
	assert_int_equal(checkin_manual(fx.db, fx.c1, id, "in", st - 1801, st, &WHO, &e), -1);
	err_clear(&e);
	assert_int_equal(checkin_manual(fx.db, fx.c1, id, "out", 0, st, &WHO, &e), -1);
	err_clear(&e);
	assert_int_equal(checkin_manual(fx.db, fx.c1, id, "in", st - 600, st, &WHO, &e), 0);
	assert_int_equal(checkin_manual(fx.db, fx.c1, id, "in", 0, st, &WHO, &e), -1);
	err_clear(&e);
	assert_int_equal(checkin_manual(fx.db, fx.c1, id, "out", 0, st + H, &WHO, &e), 0);
	/* a correction needs a reason and a sane order */
	assert_int_equal(checkin_correct(fx.db, fx.c1, id, st, st + 2 * H, "", &WHO, &e), -1);
	assert_string_equal(e.field, "reason");
	err_clear(&e);
	assert_int_equal(checkin_correct(fx.db, fx.c1, id, st, st, "忘记签退", &WHO, &e), -1);
	assert_string_equal(e.field, "checkout_at");
	err_clear(&e);
	assert_int_equal(checkin_correct(fx.db, fx.c1, id, st, st + 2 * H, "忘记签退", &WHO, &e), 0);
	json_t *v_view = NULL;
	assert_int_equal(signup_shift_view(fx.db, &v_view, fx.c1, s, &e), 0);
	assert_int_equal(
	    json_integer_value(json_object_get(
		json_array_get(json_object_get(v_view, "signups"), 0), "minutes")),
	    120);
	json_decref(v_view);
	/* the leader of a post */
	bool lead = true;
	assert_int_equal(hours_is_leader(fx.db, &lead, fx.c1, id, fx.user_lead, &e), 0);
	assert_false(lead);
	assert_int_equal(hours_post_requirements(fx.db, fx.c1, fx.post_b, false, fx.user_lead, &e), 0);
	assert_int_equal(hours_is_leader(fx.db, &lead, fx.c1, id, fx.user_lead, &e), 0);
	assert_true(lead);
	/* a leader must belong to the community */
	assert_int_equal(hours_post_requirements(fx.db, fx.c1, fx.post_b, false, 999999, &e), -1);
	assert_string_equal(e.field, "leader_user_id");
	err_clear(&e);
	/* the roster of that week shows the shift on Tuesday 2026-03-31 (12:00 local) */
	json_t *r = NULL;
	assert_int_equal(signup_roster(fx.db, &r, fx.c1, "2026-04-01", &e), 0);
	assert_string_equal(json_string_value(json_object_get(r, "week_start")), "2026-03-30");
	json_t *posts = json_object_get(r, "posts");
	bool found = false;
	size_t i;
	json_t *p;
	json_array_foreach(posts, i, p) {
		json_t *cell = json_array_get(json_object_get(p, "days"), 1);
		if (json_array_size(cell) &&
		    json_integer_value(json_object_get(json_array_get(cell, 0), "shift_id")) == s) {
			found = true;
			assert_string_equal(
			    json_string_value(json_object_get(json_array_get(cell, 0), "start")),
			    "12:00");
		}
	}
	assert_true(found);
	json_decref(r);
	assert_int_equal(signup_roster(fx.db, &r, fx.c1, "2026-13-01", &e), -1);
	assert_string_equal(e.field, "week");
}

/* A resident of the register as a volunteer: name and birth date from the
 * register, found through nothing but the resident id; the PIPL export. */
static void test_resident_volunteer(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	struct resident_input ri = {.name = "孙八", .gender = "female", .birth_date = "1985-07-07",
				    .volunteer_willing = 1};
	int64_t res = 0, vid = 0, none = 0;
	assert_int_equal(resident_add(fx.db, &res, fx.c1, &ri, &e), 0);
	assert_int_equal(resident_add(fx.db, &none, fx.c1,
				      &(struct resident_input){.name = "周九", .gender = "male",
							       .volunteer_willing = -1},
				      &e),
			 0);
	struct vol_input in = {.resident_id = res, .phone = "13700001111", .consent_date = "2026-03-01",
			       .consent_method = "paper", .consent_version = "v1"};
	assert_int_equal(volunteer_add(fx.db, &vid, fx.c1, &in, T0, 1, "t", NULL, &e), 0);
	/* twice: conflict naming resident_id; another community's resident: 404 */
	int64_t again = 0;
	assert_int_equal(volunteer_add(fx.db, &again, fx.c1, &in, T0, 1, "t", NULL, &e), -1);
	assert_string_equal(e.field, "resident_id");
	err_clear(&e);
	assert_int_equal(volunteer_add(fx.db, &again, fx.c2, &in, T0, 1, "t", NULL, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	err_clear(&e);
	json_t *o = NULL;
	assert_int_equal(volunteer_get(fx.db, &o, fx.c1, vid, T0, &e), 0);
	assert_string_equal(json_string_value(json_object_get(o, "name")), "孙八");
	assert_string_equal(json_string_value(json_object_get(o, "birth_date")), "1985-07-07");
	json_decref(o);
	/* a resident's name does not change here */
	struct vol_input ch = {.name = "别名"};
	assert_int_equal(volunteer_update(fx.db, fx.c1, vid, &ch, T0, 1, "t", NULL, &e), -1);
	assert_string_equal(e.field, "name");
	err_clear(&e);
	json_t *out = json_object();
	assert_int_equal(volunteer_person_export(fx.db, out, fx.c1, res, &e), 0);
	json_t *v = json_object_get(out, "volunteer");
	assert_string_equal(json_string_value(json_object_get(v, "phone")), "13700001111");
	assert_string_equal(json_string_value(json_object_get(json_object_get(v, "consent"), "method")),
			    "paper");
	assert_int_equal(json_array_size(json_object_get(v, "signups")), 0);
	assert_int_equal(volunteer_person_export(fx.db, out, fx.c1, none, &e), 0);
	assert_true(json_is_null(json_object_get(out, "volunteer")));
	json_decref(out);
	/* a resident account finds its volunteer through the register's link */
	int64_t uid = fx_user("sunba", ROLE_RESIDENT, fx.c1), found = 0;
	assert_true(uid > 0);
	assert_int_equal(volunteer_of_user(fx.db, &found, fx.c1, uid, &e), -1);
	assert_string_equal(e.field, "volunteer");
	err_clear(&e);
	assert_int_equal(store_begin(fx.db, &e), 0);
	assert_int_equal(account_link(fx.db, uid, res, fx.c1, T0, &e), 0);
	assert_int_equal(store_commit(fx.db, &e), 0);
	assert_int_equal(volunteer_of_user(fx.db, &found, fx.c1, uid, &e), 0);
	assert_int_equal(found, vid);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_local_time),
	    cmocka_unit_test(test_registration),
	    cmocka_unit_test(test_post_token),
	    cmocka_unit_test(test_checkin_nonce),
	    cmocka_unit_test(test_manual_and_correct),
	    cmocka_unit_test(test_resident_volunteer),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
