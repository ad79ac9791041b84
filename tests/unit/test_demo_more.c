/*
 * test_demo_more.c - the demo's visits and organisations
 * (src/registry/demo_more.c), on the whole demo (demo_build).
 *
 * Most dwellings of the first two compounds are visited, by "worker" and
 * "grid", in the last two months and never in the future; every outcome a
 * committee meets occurs; a vacant visit is of a dwelling nobody lives in;
 * nobody_home carries a follow-up date, an opened door never does; some
 * doors were visited twice; the third compound's buildings have plans, one
 * done; a dozen organisations with contacts, offers of each kind, 共建
 * agreements and interactions; "who can provide" finds a venue.  Without the
 * demo accounts it refuses, naming worker.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/timeutil.h"
#include "demo.h"
#include "registry/demo_more.h"
#include "registry/org.h"
#include "registry/resident.h"
#include "registry/structure.h"
#include "routes.h"

#include "testutil.h"

#include <stdio.h>
#include <string.h>

static struct {
	char *dir;
	struct store *db;
	struct seal_keyring *kr;
	int64_t community;
} fx;

static int group_setup(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	char p[4200], k[4200];
	size_t n = 0;
	const struct migration *m = all_migrations(&n);

	if (!(fx.dir = tmpdir_make()))
		return -1;
	tmpdir_path(p, sizeof(p), fx.dir, "demo.sqlite");
	tmpdir_path(k, sizeof(k), fx.dir, "demo.key");
	if (seal_keyring_create(&fx.kr, k, &e) < 0 || store_open(&fx.db, p, NULL, &e) < 0 ||
	    store_migrate(fx.db, m, n, NULL, &e) < 0)
		goto fail;
	resident_set_keyring(fx.kr);
	/* demo_build prints the accounts (with the password given) */
	if (demo_build(fx.db, "demo-password-1", &e) < 0)
		goto fail;
	fx.community = 1;
	return 0;
fail:
	fprintf(stderr, "setup: %s (%s)\n", e.message, e.field);
	return -1;
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

/* The first column of the first row of a static query bound with the
 * community id (as often as it has placeholders, up to 2). */
static int64_t one(const char *sql, int binds)
{
	struct err e = ERR_INIT;
	struct stmt *st = store_prepare(fx.db, sql, &e);
	int64_t v = -1;
	if (!st)
		fail_msg("%s: %s", sql, e.message);
	for (int i = 1; i <= binds; i++)
		stmt_bind_int(st, i, fx.community);
	if (stmt_step(st, &e) == STORE_ROW)
		v = stmt_int(st, 0);
	stmt_done(st);
	return v;
}

static const char sql_dwellings2[] =
    "SELECT COUNT(*) FROM dwellings d JOIN buildings b ON b.id = d.building_id"
    " WHERE d.community_id = ? AND b.compound_id IN"
    " (SELECT id FROM compounds WHERE community_id = ? ORDER BY id LIMIT 2)";
static const char sql_visited[] =
    "SELECT COUNT(DISTINCT dwelling_id) FROM visits WHERE community_id = ?";
static const char sql_visits[] = "SELECT COUNT(*) FROM visits WHERE community_id = ?";
static const char sql_outcomes[] =
    "SELECT COUNT(DISTINCT outcome) FROM visits WHERE community_id = ?"
    " AND outcome IN ('opened', 'nobody_home', 'refused', 'vacant', 'new_arrival')";
static const char sql_bad_vacant[] =
    "SELECT COUNT(*) FROM visits v WHERE v.community_id = ? AND v.outcome = 'vacant'"
    " AND EXISTS (SELECT 1 FROM residents r WHERE r.dwelling_id = v.dwelling_id)";
static const char sql_nobody_no_fu[] =
    "SELECT COUNT(*) FROM visits WHERE community_id = ? AND outcome = 'nobody_home'"
    " AND follow_up IS NULL";
static const char sql_opened_fu[] = "SELECT COUNT(*) FROM visits WHERE community_id = ?"
                                    " AND outcome = 'opened' AND follow_up IS NOT NULL";
static const char sql_twice[] =
    "SELECT COUNT(*) FROM (SELECT dwelling_id FROM visits WHERE community_id = ?"
    " GROUP BY dwelling_id HAVING COUNT(*) > 1) x";
static const char sql_oldest[] = "SELECT MIN(visited_at) FROM visits WHERE community_id = ?";
static const char sql_newest[] = "SELECT MAX(visited_at) FROM visits WHERE community_id = ?";
static const char sql_visitors[] =
    "SELECT COUNT(DISTINCT v.user_id) FROM visits v JOIN users u ON u.id = v.user_id"
    " WHERE v.community_id = ? AND u.username IN ('worker', 'grid')"
    " AND v.user_name = u.display_name";
static const char sql_third_visits[] =
    "SELECT COUNT(*) FROM visits v JOIN buildings b ON b.id = v.building_id"
    " WHERE v.community_id = ? AND b.compound_id NOT IN"
    " (SELECT id FROM compounds WHERE community_id = ? ORDER BY id LIMIT 2)";
static const char sql_plans[] = "SELECT COUNT(*) FROM visit_plans WHERE community_id = ?";
static const char sql_plans_done[] =
    "SELECT COUNT(*) FROM visit_plans WHERE community_id = ? AND done_at IS NOT NULL";

static void test_visits(void **state)
{
	(void)state;
	int64_t dw = one(sql_dwellings2, 2), visited = one(sql_visited, 1), now = time_now();
	assert_true(dw > 400);
	/* most, not all */
	assert_true(visited * 100 >= dw * 80);
	assert_true(visited < dw);
	assert_true(one(sql_visits, 1) > visited);
	assert_int_equal(one(sql_outcomes, 1), 5);
	assert_int_equal(one(sql_bad_vacant, 1), 0);
	assert_int_equal(one(sql_nobody_no_fu, 1), 0);
	assert_int_equal(one(sql_opened_fu, 1), 0);
	assert_true(one(sql_twice, 1) >= 20);
	assert_true(one(sql_oldest, 1) >= now - 61 * 86400);
	assert_true(one(sql_newest, 1) <= now);
	assert_int_equal(one(sql_visitors, 1), 2);
	assert_int_equal(one(sql_third_visits, 2), 0);
	assert_int_equal(one(sql_plans, 1), 4);
	assert_int_equal(one(sql_plans_done, 1), 1);
}

static const char sql_orgs[] = "SELECT COUNT(*) FROM orgs WHERE community_id = ?";
static const char sql_kinds[] =
    "SELECT COUNT(DISTINCT kind) FROM org_offers WHERE community_id = ?"
    " AND kind IN ('venue', 'goods', 'skilled_people', 'money')";
static const char sql_no_offer[] =
    "SELECT COUNT(*) FROM orgs o WHERE o.community_id = ?"
    " AND NOT EXISTS (SELECT 1 FROM org_offers f WHERE f.org_id = o.id)";
static const char sql_no_contact[] =
    "SELECT COUNT(*) FROM orgs o WHERE o.community_id = ?"
    " AND NOT EXISTS (SELECT 1 FROM org_contacts c WHERE c.org_id = o.id)";
static const char sql_agreements[] = "SELECT COUNT(*) FROM org_agreements WHERE community_id = ?";
static const char sql_interactions[] =
    "SELECT COUNT(*) FROM org_interactions WHERE community_id = ?";
static const char sql_types[] = "SELECT COUNT(DISTINCT type) FROM orgs WHERE community_id = ?";

static void test_orgs(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	char today[ORG_DATE_LEN + 1];
	json_t *out;
	int64_t n = one(sql_orgs, 1);
	assert_true(n >= 8 && n <= 12);
	assert_int_equal(one(sql_kinds, 1), 4);
	assert_int_equal(one(sql_no_offer, 1), 0);
	assert_int_equal(one(sql_no_contact, 1), 0);
	assert_true(one(sql_agreements, 1) >= 2);
	assert_true(one(sql_interactions, 1) >= 10);
	assert_true(one(sql_types, 1) >= 5);
	org_today(today);
	assert_int_equal(org_offer_search(fx.db, &out, fx.community, "操场", "venue", today, &e), 0);
	assert_int_equal(json_array_size(json_object_get(out, "offers")), 1);
	json_decref(out);
}

static void test_needs_the_accounts(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	char p[4200];
	size_t n = 0;
	const struct migration *m = all_migrations(&n);
	struct store *db;
	int64_t street, c;
	tmpdir_path(p, sizeof(p), fx.dir, "bare.sqlite");
	assert_int_equal(store_open(&db, p, NULL, &e), 0);
	assert_int_equal(store_migrate(db, m, n, NULL, &e), 0);
	assert_int_equal(structure_street_add(db, &street, "空街道", &e), 0);
	assert_int_equal(structure_community_add(db, &c, street, "空社区", &e), 0);
	assert_int_equal(demo_more(db, c, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	assert_string_equal(e.field, "worker");
	store_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_visits),
	    cmocka_unit_test(test_orgs),
	    cmocka_unit_test(test_needs_the_accounts),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
