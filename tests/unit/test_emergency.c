/*
 * test_emergency.c - door cards and activations (src/field/doorcard.c,
 * emergency.c).
 *
 * On one temporary database with two communities and a key file: a token is
 * 43 base64url characters and never stored; it finds only its own
 * dwelling; it works only while an open activation covers that dwelling
 * (not before, not for a building outside the scope, not after closing); a
 * revoked token is dead and a reissued one works; random tokens are never
 * found and unknown tokens are throttled per address; a lead limited to
 * some buildings cannot mark others; another community's ids are not found;
 * the boundaries of a mark (note of exactly 200 characters); the report's
 * counts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "auth/auth.h"
#include "core/seal.h"
#include "field/doorcard.h"
#include "field/emergency.h"
#include "registry/keyrotate.h"
#include "registry/resident.h"
#include "registry/structure.h"
#include "routes.h"

#include "testutil.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct {
	char *dir;
	struct store *db;
	struct seal_keyring *kr;
	int64_t s1, c1, c2, a, b, other; /* buildings a, b in c1; other in c2 */
	int64_t da[4], dbw[4];           /* dwellings of a and b */
} fx;

static const struct doorcard_actor card_who = {0, "test", "127.0.0.1"};
static const struct emergency_actor em_who = {0, "test", "测试", "127.0.0.1"};

static void dwellings_of(int64_t building, int64_t out[4])
{
	static const char sql[] = "SELECT id FROM dwellings WHERE building_id = ? ORDER BY id";
	struct err e = ERR_INIT;
	struct stmt *st = store_prepare(fx.db, sql, &e);
	int i = 0;
	assert_non_null(st);
	stmt_bind_int(st, 1, building);
	while (i < 4 && stmt_step(st, &e) == STORE_ROW)
		out[i++] = stmt_int(st, 0);
	stmt_done(st);
	assert_int_equal(i, 4);
}

static void add_resident(int64_t community, const char *name, int64_t dwelling)
{
	struct resident_input in = {
	    .name = name, .gender = "male", .volunteer_willing = -1, .dwelling_id = dwelling};
	struct err e = ERR_INIT;
	int64_t out = 0;
	if (resident_add(fx.db, &out, community, &in, &e) < 0)
		fail_msg("add %s: %s (%s)", name, e.message, e.field);
}

static int group_setup(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	char p[4200], k[4200];
	size_t n = 0;
	const struct migration *m = all_migrations(&n);
	struct layout l = {
	    .units = 1, .floors = 2, .rooms_per_floor = 2, .area = 8000, .first_floor = 1};
	int64_t compound, compound2, units, dwellings;

	if (!(fx.dir = tmpdir_make()))
		return -1;
	tmpdir_path(p, sizeof(p), fx.dir, "em.sqlite");
	tmpdir_path(k, sizeof(k), fx.dir, "em.key");
	if (seal_keyring_create(&fx.kr, k, &e) < 0 || store_open(&fx.db, p, NULL, &e) < 0 ||
	    store_migrate(fx.db, m, n, NULL, &e) < 0 ||
	    structure_street_add(fx.db, &fx.s1, "东湖街道", &e) < 0 ||
	    structure_community_add(fx.db, &fx.c1, fx.s1, "幸福社区", &e) < 0 ||
	    structure_community_add(fx.db, &fx.c2, fx.s1, "和平社区", &e) < 0 ||
	    structure_compound_add(fx.db, &compound, fx.c1, "一小区", 0, NULL, &e) < 0 ||
	    structure_compound_add(fx.db, &compound2, fx.c2, "二小区", 0, NULL, &e) < 0 ||
	    structure_building_add(fx.db, &fx.a, fx.c1, compound, "1号楼", 0, &e) < 0 ||
	    structure_building_add(fx.db, &fx.b, fx.c1, compound, "2号楼", 0, &e) < 0 ||
	    structure_building_add(fx.db, &fx.other, fx.c2, compound2, "9号楼", 0, &e) < 0 ||
	    structure_layout(fx.db, fx.c1, fx.a, &l, &units, &dwellings, &e) < 0 ||
	    structure_layout(fx.db, fx.c1, fx.b, &l, &units, &dwellings, &e) < 0 ||
	    structure_layout(fx.db, fx.c2, fx.other, &l, &units, &dwellings, &e) < 0) {
		fprintf(stderr, "setup: %s (%s)\n", e.message, e.field);
		return -1;
	}
	resident_set_keyring(fx.kr);
	dwellings_of(fx.a, fx.da);
	dwellings_of(fx.b, fx.dbw);
	/* three occupied dwellings in a, one in b; da[3] is empty in the register */
	add_resident(fx.c1, "张三", fx.da[0]);
	add_resident(fx.c1, "李四", fx.da[1]);
	add_resident(fx.c1, "王五", fx.da[2]);
	add_resident(fx.c1, "赵六", fx.dbw[0]);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	resident_set_keyring(NULL);
	seal_keyring_free(fx.kr);
	store_close(fx.db);
	tmpdir_remove(fx.dir);
	return 0;
}

/* The live token of a dwelling's card. */
static void token_of(char out[DOORCARD_TOKEN_LEN + 1], int64_t dwelling)
{
	struct err e = ERR_INIT;
	if (doorcard_token_of(fx.db, out, fx.c1, dwelling, &e) < 0)
		fail_msg("token_of: %s", e.message);
}

static int find_code(const char *token, struct doorcard *card, struct arena *a)
{
	struct err e = ERR_INIT;
	if (doorcard_find(fx.db, card, token, a, &e) == 0)
		return 0;
	return e.code;
}

static int64_t declare(bool community, int64_t building)
{
	struct emergency_new n = {.hazard = "fire",
	                          .title = "火情",
	                          .community = community,
	                          .buildings = &building,
	                          .nbuildings = community ? 0 : 1};
	struct err e = ERR_INIT;
	int64_t id = 0;
	if (emergency_declare(fx.db, &id, fx.c1, &n, &em_who, &e) < 0)
		fail_msg("declare: %s (%s)", e.message, e.field);
	return id;
}

/* The live view as a jansson tree (the caller decrefs). */
static json_t *live_json(int64_t act, const struct emergency_only *only)
{
	struct jsonw w = JSONW_INIT;
	struct err e = ERR_INIT;
	json_error_t je;
	json_t *out;
	jw_obj(&w);
	if (emergency_live(fx.db, &w, fx.c1, act, only, 0, &e) < 0)
		fail_msg("live: %s", e.message);
	jw_obj_end(&w);
	out = json_loadb(w.sb.buf, w.sb.len, JSON_REJECT_DUPLICATES, &je);
	if (!out)
		fail_msg("live is not JSON: %s", je.text);
	jw_release(&w);
	return out;
}

static const char *status_in_live(int64_t act, int64_t dwelling)
{
	static char out[32];
	json_t *live = NULL, *b, *f, *d;
	size_t i, j, k;
	out[0] = '\0';
	live = live_json(act, NULL);
	json_array_foreach(json_object_get(live, "buildings"), i,
	                   b) json_array_foreach(json_object_get(b, "floors"), j, f)
	    json_array_foreach(json_object_get(f, "dwellings"), k,
	                       d) if (json_integer_value(json_object_get(d, "id")) == dwelling)
	        snprintf(out, sizeof(out), "%s", json_string_value(json_object_get(d, "status")));
	json_decref(live);
	return out;
}

static void test_cards_issue_and_never_stored(void **state)
{
	(void)state;
	static const char sql[] =
	    "SELECT COUNT(*) FROM emergency_cards WHERE nonce = ? OR token_hash = ?";
	struct err e = ERR_INIT;
	int64_t issued = -1;
	json_t *sheet = NULL, *c;
	size_t i;

	assert_int_equal(doorcard_issue_building(fx.db, &issued, fx.c1, fx.a, &card_who, &e), 0);
	assert_int_equal(issued, 4);
	assert_int_equal(doorcard_issue_building(fx.db, &issued, fx.c1, fx.a, &card_who, &e), 0);
	assert_int_equal(issued, 0);
	assert_int_equal(doorcard_issue_building(fx.db, &issued, fx.c1, fx.b, &card_who, &e), 0);
	assert_int_equal(issued, 4);
	/* another community's building */
	assert_int_equal(doorcard_issue_building(fx.db, &issued, fx.c2, fx.a, &card_who, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	err_clear(&e);
	assert_int_equal(doorcard_sheet(fx.db, &sheet, fx.c1, fx.a, &e), 0);
	assert_int_equal(json_array_size(json_object_get(sheet, "cards")), 4);
	json_array_foreach(json_object_get(sheet, "cards"), i, c)
	{
		const char *t = json_string_value(json_object_get(c, "token"));
		struct stmt *st;
		assert_non_null(t);
		assert_int_equal(strlen(t), DOORCARD_TOKEN_LEN);
		assert_true(doorcard_token_shape(t));
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(
			    t, json_string_value(json_object_get(
			           json_array_get(json_object_get(sheet, "cards"), j), "token")));
		/* the database holds neither the token nor anything equal to it */
		st = store_prepare(fx.db, sql, &e);
		stmt_bind_text(st, 1, t, SIZE_MAX);
		stmt_bind_text(st, 2, t, SIZE_MAX);
		assert_int_equal(stmt_step(st, &e), STORE_ROW);
		assert_int_equal(stmt_int(st, 0), 0);
		stmt_done(st);
	}
	json_decref(sheet);
	assert_false(doorcard_token_shape("short"));
	assert_false(
	    doorcard_token_shape("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+")); /* 43, bad char */
	assert_true(doorcard_token_shape("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA_"));
}

static void test_token_bound_and_covered(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	struct err e = ERR_INIT;
	struct emergency_cover cv;
	struct doorcard card, card_b;
	char t0[DOORCARD_TOKEN_LEN + 1], tb[DOORCARD_TOKEN_LEN + 1];
	struct emergency_mark safe = {.status = EM_SAFE};

	token_of(t0, fx.da[0]);
	token_of(tb, fx.dbw[0]);
	assert_int_equal(find_code(t0, &card, &a), 0);
	assert_int_equal(card.dwelling_id, fx.da[0]);
	assert_int_equal(card.building_id, fx.a);
	assert_int_equal(card.community_id, fx.c1);
	/* before any activation: dead */
	assert_int_equal(emergency_cover(fx.db, &cv, &card, &a, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	err_clear(&e);
	int64_t act = declare(false, fx.a);
	assert_int_equal(emergency_cover(fx.db, &cv, &card, &a, &e), 0);
	assert_int_equal(cv.activation_id, act);
	assert_string_equal(cv.status, "unknown");
	/* the card marks its own household and no other */
	assert_int_equal(emergency_checkin(fx.db, &cv, &card, &safe, &a, &e), 0);
	assert_string_equal(status_in_live(act, fx.da[0]), "safe");
	assert_string_equal(status_in_live(act, fx.da[1]), "unknown");
	/* a card of building b, outside the activation: dead */
	assert_int_equal(find_code(tb, &card_b, &a), 0);
	assert_int_equal(emergency_checkin(fx.db, &cv, &card_b, &safe, &a, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	err_clear(&e);
	/* an overlapping activation is refused */
	{
		struct emergency_new n = {.hazard = "flood", .title = "x", .community = true};
		int64_t id;
		assert_int_equal(emergency_declare(fx.db, &id, fx.c1, &n, &em_who, &e), -1);
		assert_int_equal(e.code, ERR_CONFLICT);
		assert_string_equal(e.field, "scope");
		err_clear(&e);
	}
	/* closed: dead again, and marks are refused */
	assert_int_equal(emergency_close(fx.db, fx.c1, act, &em_who, &e), 0);
	assert_int_equal(emergency_cover(fx.db, &cv, &card, &a, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	err_clear(&e);
	assert_int_equal(emergency_mark(fx.db, fx.c1, act, fx.da[1], NULL, &safe, &e), -1);
	assert_int_equal(e.code, ERR_CONFLICT);
	err_clear(&e);
	assert_int_equal(emergency_close(fx.db, fx.c1, act, &em_who, &e), -1);
	assert_int_equal(e.code, ERR_CONFLICT);
	arena_release(&a);
}

static void test_revoke_and_reissue(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	struct err e = ERR_INIT;
	struct doorcard card;
	char old[DOORCARD_TOKEN_LEN + 1], fresh[DOORCARD_TOKEN_LEN + 1];

	token_of(old, fx.da[1]);
	assert_int_equal(find_code(old, &card, &a), 0);
	assert_int_equal(doorcard_reissue(fx.db, fx.c1, fx.da[1], &card_who, &e), 0);
	assert_int_equal(find_code(old, &card, &a), ERR_NOT_FOUND);
	token_of(fresh, fx.da[1]);
	assert_string_not_equal(old, fresh);
	assert_int_equal(find_code(fresh, &card, &a), 0);
	assert_int_equal(card.dwelling_id, fx.da[1]);
	assert_int_equal(doorcard_revoke(fx.db, fx.c1, fx.da[1], &card_who, &e), 0);
	assert_int_equal(find_code(fresh, &card, &a), ERR_NOT_FOUND);
	assert_int_equal(doorcard_revoke(fx.db, fx.c1, fx.da[1], &card_who, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	err_clear(&e);
	/* another community cannot reissue ours */
	assert_int_equal(doorcard_reissue(fx.db, fx.c2, fx.da[1], &card_who, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	err_clear(&e);
	assert_int_equal(doorcard_reissue(fx.db, fx.c1, fx.da[1], &card_who, &e), 0);
	arena_release(&a);
}

static void test_guessing(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	struct doorcard card;
	const int64_t now = 1800000000;

	for (int i = 0; i < 1000; i++) {
		unsigned char raw[32];
		char guess[64];
		randombytes_buf(raw, sizeof(raw));
		sodium_bin2base64(guess, sizeof(guess), raw, sizeof(raw),
		                  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
		assert_int_equal(strlen(guess), DOORCARD_TOKEN_LEN);
		assert_int_equal(find_code(guess, &card, &a), ERR_NOT_FOUND);
	}
	/* misses are throttled per address: 10 per window, then refused */
	doorcard_limit_reset();
	for (int i = 0; i < DOORCARD_MISSES; i++) {
		assert_true(doorcard_limit_ok(DOORCARD_LIMIT_MISS, "10.0.0.1", now));
		doorcard_limit_count(DOORCARD_LIMIT_MISS, "10.0.0.1", now);
	}
	assert_false(doorcard_limit_ok(DOORCARD_LIMIT_MISS, "10.0.0.1", now));
	assert_true(doorcard_limit_ok(DOORCARD_LIMIT_MISS, "10.0.0.2", now));
	/* the next window starts afresh */
	int64_t next = now - now % DOORCARD_WINDOW + DOORCARD_WINDOW;
	assert_false(doorcard_limit_ok(DOORCARD_LIMIT_MISS, "10.0.0.1", next - 1));
	assert_true(doorcard_limit_ok(DOORCARD_LIMIT_MISS, "10.0.0.1", next));
	/* per card */
	for (int i = 0; i < DOORCARD_PER_TOKEN; i++)
		doorcard_limit_count(DOORCARD_LIMIT_TOKEN, "42", next);
	assert_false(doorcard_limit_ok(DOORCARD_LIMIT_TOKEN, "42", next));
	assert_true(doorcard_limit_ok(DOORCARD_LIMIT_TOKEN, "43", next));
	/* per address, and off */
	doorcard_limit_set_address(2);
	doorcard_limit_count(DOORCARD_LIMIT_ADDRESS, "10.0.0.3", next);
	assert_true(doorcard_limit_ok(DOORCARD_LIMIT_ADDRESS, "10.0.0.3", next));
	doorcard_limit_count(DOORCARD_LIMIT_ADDRESS, "10.0.0.3", next);
	assert_false(doorcard_limit_ok(DOORCARD_LIMIT_ADDRESS, "10.0.0.3", next));
	doorcard_limit_set_address(0);
	assert_true(doorcard_limit_ok(DOORCARD_LIMIT_ADDRESS, "10.0.0.3", next));
	doorcard_limit_set_address(DOORCARD_PER_ADDRESS);
	doorcard_limit_reset();
	arena_release(&a);
}

static void test_marks_scope_and_report(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	struct arena a = ARENA_INIT;
	char note[4 * 201 + 1];
	int64_t only_b = fx.b;
	struct emergency_only lead_b = {&only_b, 1};
	struct emergency_mark m = {.status = EM_SAFE, .channel = EM_PHONE};
	json_t *rep = NULL;
	int64_t act = declare(true, 0);

	/* a dwelling empty in the register is in the grid but not a household */
	{
		json_t *live = NULL;
		live = live_json(act, NULL);
		assert_int_equal(json_integer_value(json_object_get(json_object_get(live, "totals"),
		                                                    "households")),
		                 4);
		assert_int_equal(json_array_size(json_object_get(live, "buildings")), 2);
		json_decref(live);
		live = live_json(act, &lead_b);
		assert_int_equal(json_array_size(json_object_get(live, "buildings")), 1);
		assert_int_equal(json_integer_value(json_object_get(json_object_get(live, "totals"),
		                                                    "households")),
		                 1);
		json_decref(live);
	}
	/* a lead of b cannot mark a household of a */
	assert_int_equal(emergency_mark(fx.db, fx.c1, act, fx.da[0], &lead_b, &m, &e), -1);
	assert_int_equal(e.code, ERR_FORBIDDEN);
	err_clear(&e);
	assert_int_equal(emergency_mark(fx.db, fx.c1, act, fx.dbw[0], &lead_b, &m, &e), 0);
	/* another community */
	assert_int_equal(emergency_mark(fx.db, fx.c2, act, fx.dbw[0], NULL, &m, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	err_clear(&e);
	/* boundaries of a mark */
	memset(note, 0, sizeof(note));
	for (int i = 0; i < 200; i++)
		memcpy(note + 3 * i, "安", 3);
	m = (struct emergency_mark){
	    .status = EM_NEEDS_HELP, .needs = 1u << 1, .note = note, .channel = EM_PHONE};
	assert_int_equal(emergency_mark(fx.db, fx.c1, act, fx.da[1], NULL, &m, &e), 0);
	memcpy(note + 600, "安", 3);
	assert_int_equal(emergency_mark_check(&m, &e), -1);
	assert_string_equal(e.field, "note");
	err_clear(&e);
	m = (struct emergency_mark){.status = EM_NEEDS_HELP, .channel = EM_PHONE};
	assert_int_equal(emergency_mark_check(&m, &e), -1);
	assert_string_equal(e.field, "needs");
	err_clear(&e);
	m = (struct emergency_mark){.status = EM_AWAY, .needs = 1, .channel = EM_PHONE};
	assert_int_equal(emergency_mark_check(&m, &e), -1);
	assert_string_equal(e.field, "needs");
	err_clear(&e);
	m = (struct emergency_mark){.status = EM_UNKNOWN, .channel = EM_PHONE};
	assert_int_equal(emergency_mark_check(&m, &e), -1);
	assert_string_equal(e.field, "status");
	err_clear(&e);
	/* no_answer does not reach */
	m = (struct emergency_mark){.status = EM_NO_ANSWER, .channel = EM_PHONE};
	assert_int_equal(emergency_mark(fx.db, fx.c1, act, fx.da[2], NULL, &m, &e), 0);
	/* the door card of a dwelling empty in the register makes it a household */
	{
		char t3[DOORCARD_TOKEN_LEN + 1];
		struct doorcard card;
		struct emergency_cover cv;
		struct emergency_mark away = {.status = EM_AWAY};
		token_of(t3, fx.da[3]);
		assert_int_equal(find_code(t3, &card, &a), 0);
		assert_int_equal(emergency_checkin(fx.db, &cv, &card, &away, &a, &e), 0);
	}
	assert_int_equal(emergency_report(fx.db, &rep, fx.c1, act, &e), 0);
	assert_int_equal(json_integer_value(json_object_get(rep, "households")), 5);
	assert_int_equal(json_integer_value(json_object_get(rep, "reached")), 3);
	json_t *by = json_object_get(rep, "by_channel");
	assert_int_equal(json_integer_value(json_object_get(by, "phone")), 2);
	assert_int_equal(json_integer_value(json_object_get(by, "door_card")), 1);
	json_t *st = json_object_get(rep, "by_status");
	assert_int_equal(json_integer_value(json_object_get(st, "unknown")), 1);
	assert_int_equal(json_integer_value(json_object_get(st, "no_answer")), 1);
	assert_int_equal(json_integer_value(json_object_get(st, "needs_help")), 1);
	assert_int_equal(
	    json_integer_value(json_object_get(json_object_get(rep, "requests"), "open")), 1);
	assert_int_equal(json_array_size(json_object_get(rep, "rows")), 5);
	json_decref(rep);
	{
		struct strbuf sb;
		strbuf_init(&sb);
		assert_int_equal(emergency_report_csv(fx.db, &sb, fx.c1, act, &e), 0);
		int lines = 0;
		for (size_t i = 0; i < sb.len; i++)
			lines += sb.buf[i] == '\n';
		assert_int_equal(lines, 6);
		strbuf_release(&sb);
	}
	assert_int_equal(emergency_report(fx.db, &rep, fx.c2, act, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	err_clear(&e);
	/* the sealed notes follow a key rotation: re-sealed under key 2, and
	 * the history still opens them */
	{
		int64_t counts[256], done = 0;
		json_t *hist = NULL;
		assert_int_equal(seal_rotate(fx.kr, &e), 0);
		assert_int_equal(keyrotate_reseal(fx.db, fx.kr, NULL, &done, &e), 0);
		assert_true(done >= 2); /* the event's note and the request's */
		assert_int_equal(keyrotate_status(fx.db, counts, &e), 0);
		assert_int_equal(counts[1], 0);
		assert_int_equal(emergency_household(fx.db, &hist, fx.c1, act, fx.da[1], NULL, &e),
		                 0);
		json_t *ev = json_array_get(json_object_get(hist, "events"), 0);
		note[600] = '\0'; /* the 200 characters recorded */
		assert_string_equal(json_string_value(json_object_get(ev, "note")), note);
		json_decref(hist);
	}
	assert_int_equal(emergency_close(fx.db, fx.c1, act, &em_who, &e), 0);
	arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cards_issue_and_never_stored),
	    cmocka_unit_test(test_token_bound_and_covered),
	    cmocka_unit_test(test_revoke_and_reissue),
	    cmocka_unit_test(test_guessing),
	    cmocka_unit_test(test_marks_scope_and_report),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
