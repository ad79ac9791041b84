/*
 * test_org.c - local organisations (src/registry/org.c).
 *
 * The pure parts (date checks at their boundaries, the closed lists,
 * contacts taken from JSON naming the item at fault) and, on one temporary
 * database with two communities, the rules: names unique per community,
 * phones masked in lists and full on request, the search (case, literal %
 * and _, kind, current first), and another community's ids not found.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "registry/org.h"
#include "registry/structure.h"
#include "routes.h"

#include "testutil.h"

#include <stdio.h>
#include <string.h>

static struct {
	char *dir;
	struct store *db;
	int64_t s1, c1, c2;
} fx;

static int group_setup(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	char p[4200];
	size_t n = 0;
	const struct migration *m = all_migrations(&n);

	if (!(fx.dir = tmpdir_make()))
		return -1;
	tmpdir_path(p, sizeof(p), fx.dir, "org.sqlite");
	if (store_open(&fx.db, p, NULL, &e) < 0 || store_migrate(fx.db, m, n, NULL, &e) < 0 ||
	    structure_street_add(fx.db, &fx.s1, "东湖街道", &e) < 0 ||
	    structure_community_add(fx.db, &fx.c1, fx.s1, "幸福社区", &e) < 0 ||
	    structure_community_add(fx.db, &fx.c2, fx.s1, "和平社区", &e) < 0) {
		fprintf(stderr, "setup: %s (%s)\n", e.message, e.field);
		return -1;
	}
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	store_close(fx.db);
	tmpdir_remove(fx.dir);
	return 0;
}

static void date_ok(const char *s)
{
	struct err e = ERR_INIT;
	if (org_date_check(s, "d", &e) != 0)
		fail_msg("%s refused: %s", s, e.message);
}

static void date_bad(const char *s)
{
	struct err e = ERR_INIT;
	assert_int_equal(org_date_check(s, "valid_until", &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
	assert_string_equal(e.field, "valid_until");
}

static void test_dates(void **state)
{
	(void)state;
	date_ok("2026-01-01");
	date_ok("2026-02-28");
	date_ok("2024-02-29"); /* leap year */
	date_ok("2000-02-29"); /* divisible by 400 */
	date_ok("2026-12-31");
	date_ok("1900-01-01");
	date_ok("2999-12-31");
	date_bad("2026-02-29");
	date_bad("2026-02-30");
	date_bad("1900-02-29"); /* divisible by 100 only */
	date_bad("2026-04-31");
	date_bad("2026-13-01");
	date_bad("2026-00-10");
	date_bad("2026-01-00");
	date_bad("2026-1-01");
	date_bad("2026/01/01");
	date_bad("2026-01-01T");
	date_bad("1899-12-31");
	date_bad("3000-01-01");
	date_bad("");
	date_bad(NULL);
	date_bad("２０２６-01-01");
}

static void test_lists(void **state)
{
	(void)state;
	assert_true(org_type_ok("school"));
	assert_true(org_type_ok("social_org"));
	assert_false(org_type_ok("School"));
	assert_false(org_type_ok(""));
	assert_false(org_type_ok(NULL));
	assert_true(org_offer_kind_ok("skilled_people"));
	assert_false(org_offer_kind_ok("land"));
	assert_true(org_interaction_kind_ok("donation"));
	assert_false(org_interaction_kind_ok("visit "));
}

static void test_contacts_take(void **state)
{
	(void)state;
	struct arena a;
	struct err e = ERR_INIT;
	struct org_contact *c = NULL;
	size_t n = 99;
	json_t *j;

	arena_init(&a);
	j = json_loads("[{\"name\":\"王老师\",\"role\":\"主任\",\"phone\":\"+86 138-1234-5678\"},"
	               "{\"name\":\"李\"}]",
	               0, NULL);
	assert_int_equal(org_contacts_take(j, &a, &c, &n, &e), 0);
	assert_int_equal(n, 2);
	assert_string_equal(c[0].phone, "13812345678");
	assert_string_equal(c[0].role, "主任");
	assert_null(c[1].phone);
	json_decref(j);

	j = json_loads("[{\"name\":\"a\"},{\"name\":\"b\",\"phone\":\"12345\"}]", 0, NULL);
	assert_int_equal(org_contacts_take(j, &a, &c, &n, &e), -1);
	assert_string_equal(e.field, "contacts[1].phone");
	json_decref(j);

	err_clear(&e);
	j = json_loads("[{\"role\":\"x\"}]", 0, NULL);
	assert_int_equal(org_contacts_take(j, &a, &c, &n, &e), -1);
	assert_string_equal(e.field, "contacts[0].name");
	json_decref(j);

	err_clear(&e);
	j = json_loads("[{\"name\":\"x\",\"age\":3}]", 0, NULL);
	assert_int_equal(org_contacts_take(j, &a, &c, &n, &e), -1);
	assert_string_equal(e.field, "contacts[0].age");
	json_decref(j);

	err_clear(&e);
	j = json_loads("[1]", 0, NULL);
	assert_int_equal(org_contacts_take(j, &a, &c, &n, &e), -1);
	assert_string_equal(e.field, "contacts");
	json_decref(j);

	/* the maximum, and one more */
	err_clear(&e);
	j = json_array();
	for (int i = 0; i < ORG_CONTACTS_MAX; i++)
		json_array_append_new(j, json_pack("{s:s}", "name", "x"));
	assert_int_equal(org_contacts_take(j, &a, &c, &n, &e), 0);
	assert_int_equal(n, ORG_CONTACTS_MAX);
	json_array_append_new(j, json_pack("{s:s}", "name", "x"));
	assert_int_equal(org_contacts_take(j, &a, &c, &n, &e), -1);
	assert_string_equal(e.field, "contacts");
	json_decref(j);

	/* empty is fine */
	err_clear(&e);
	j = json_array();
	assert_int_equal(org_contacts_take(j, &a, &c, &n, &e), 0);
	assert_int_equal(n, 0);
	json_decref(j);
	arena_release(&a);
}

static json_t *find_id(json_t *arr, int64_t id)
{
	size_t i;
	json_t *o;
	json_array_foreach(arr, i, o)
	{
		if (json_integer_value(json_object_get(o, "id")) == id)
			return o;
	}
	return NULL;
}

static void test_orgs_and_masking(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	struct arena a;
	struct org_contact c[] = {{"王老师", "主任", "13812345678"}};
	struct org_input in = {.name = "实验小学", .type = "school", .contacts = c, .ncontacts = 1};
	int64_t id, id2;
	json_t *out, *o;

	arena_init(&a);
	assert_int_equal(org_add(fx.db, &id, fx.c1, &in, &e), 0);
	/* the same name in the same community conflicts; in another it does not */
	assert_int_equal(org_add(fx.db, &id2, fx.c1, &in, &e), -1);
	assert_int_equal(e.code, ERR_CONFLICT);
	assert_string_equal(e.field, "name");
	err_clear(&e);
	assert_int_equal(org_add(fx.db, &id2, fx.c2, &in, &e), 0);

	in.type = "bank";
	assert_int_equal(org_add(fx.db, &id2, fx.c1, &in, &e), -1);
	assert_string_equal(e.field, "type");
	err_clear(&e);

	assert_int_equal(org_list(fx.db, &out, fx.c1, &e), 0);
	o = find_id(json_object_get(out, "orgs"), id);
	assert_non_null(o);
	assert_string_equal(json_string_value(json_object_get(
	                        json_array_get(json_object_get(o, "contacts"), 0), "phone")),
	                    "138****5678");
	assert_null(find_id(json_object_get(out, "orgs"), id2));
	json_decref(out);

	assert_int_equal(org_get(fx.db, &out, fx.c1, id, true, &a, &e), 0);
	assert_string_equal(json_string_value(json_object_get(
	                        json_array_get(json_object_get(out, "contacts"), 0), "phone")),
	                    "13812345678");
	json_decref(out);
	assert_int_equal(org_get(fx.db, &out, fx.c1, id, false, &a, &e), 0);
	assert_string_equal(json_string_value(json_object_get(
	                        json_array_get(json_object_get(out, "contacts"), 0), "phone")),
	                    "138****5678");
	json_decref(out);

	/* another community's organisation is not found */
	assert_int_equal(org_get(fx.db, &out, fx.c1, id2, true, &a, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	err_clear(&e);
	struct org_input ch = {.notes = "x"};
	assert_int_equal(org_update(fx.db, fx.c1, id2, &ch, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	arena_release(&a);
}

static size_t search_n(const char *q, const char *kind)
{
	struct err e = ERR_INIT;
	json_t *out;
	size_t n;
	assert_int_equal(org_offer_search(fx.db, &out, fx.c1, q, kind, "2026-06-01", &e), 0);
	n = json_array_size(json_object_get(out, "offers"));
	json_decref(out);
	return n;
}

static void test_offers_and_search(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	struct org_input in = {.name = "便民超市", .type = "shop"};
	int64_t org, other_org, a, b, c;
	json_t *out;

	assert_int_equal(org_add(fx.db, &org, fx.c1, &in, &e), 0);
	assert_int_equal(org_add(fx.db, &other_org, fx.c2, &in, &e), 0);
	struct org_offer o1 = {"goods", "Water 100% 矿泉水", 10, "箱", NULL, "2026-05-31"};
	struct org_offer o2 = {"goods", "矿泉水_面包", -1, NULL, NULL, NULL};
	struct org_offer o3 = {"venue", "会议室 WATER view", 1, "间", "周末", "2026-06-01"};
	assert_int_equal(org_offer_add(fx.db, &a, fx.c1, org, &o1, &e), 0);
	assert_int_equal(org_offer_add(fx.db, &b, fx.c1, org, &o2, &e), 0);
	assert_int_equal(org_offer_add(fx.db, &c, fx.c2, other_org, &o2, &e), 0);
	/* an offer for another community's organisation */
	assert_int_equal(org_offer_add(fx.db, &c, fx.c1, other_org, &o2, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	err_clear(&e);
	assert_int_equal(org_offer_add(fx.db, &c, fx.c1, org, &o3, &e), 0);

	assert_int_equal(search_n("矿泉水", NULL), 2);
	assert_int_equal(search_n("water", NULL), 2);
	assert_int_equal(search_n("WaTeR", "venue"), 1);
	assert_int_equal(search_n("%", NULL), 1);
	assert_int_equal(search_n("_", NULL), 1);
	assert_int_equal(search_n("!", NULL), 0);
	assert_int_equal(search_n("", NULL), 3);
	assert_int_equal(search_n(NULL, NULL), 3);
	assert_int_equal(search_n("不存在", NULL), 0);

	/* current first: valid_until on "today" is current, the day before not */
	assert_int_equal(org_offer_search(fx.db, &out, fx.c1, "water", NULL, "2026-06-01", &e), 0);
	json_t *list = json_object_get(out, "offers");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(list, 0), "id")), c);
	assert_true(json_is_true(json_object_get(json_array_get(list, 0), "current")));
	assert_true(json_is_false(json_object_get(json_array_get(list, 1), "current")));
	json_decref(out);

	assert_int_equal(org_offer_search(fx.db, &out, fx.c1, NULL, "land", "2026-06-01", &e), -1);
	assert_string_equal(e.field, "kind");
	err_clear(&e);

	/* update: clear the date, change the quantity */
	struct org_offer ch = {NULL, NULL, 20, NULL, NULL, ""};
	assert_int_equal(org_offer_update(fx.db, &out, fx.c1, org, a, &ch, &e), 0);
	assert_int_equal(json_integer_value(json_object_get(out, "quantity")), 20);
	assert_true(json_is_null(json_object_get(out, "valid_until")));
	assert_string_equal(json_string_value(json_object_get(out, "unit")), "箱");
	json_decref(out);
	struct org_offer bad = {NULL, NULL, -1, NULL, NULL, "2026-02-30"};
	assert_int_equal(org_offer_update(fx.db, &out, fx.c1, org, a, &bad, &e), -1);
	assert_string_equal(e.field, "valid_until");
	err_clear(&e);

	/* delete: once, and not through another organisation */
	assert_int_equal(org_offer_delete(fx.db, fx.c1, other_org, b, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	err_clear(&e);
	assert_int_equal(org_offer_delete(fx.db, fx.c1, org, b, &e), 0);
	assert_int_equal(org_offer_delete(fx.db, fx.c1, org, b, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
}

static void test_agreements_and_interactions(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	struct org_input in = {.name = "社区医院", .type = "hospital"};
	int64_t org, id;
	json_t *out, *list;

	assert_int_equal(org_add(fx.db, &org, fx.c1, &in, &e), 0);
	assert_int_equal(
	    org_agreement_add(fx.db, &id, fx.c1, org, "共建", "2026-01-01", "2026-01-01", NULL, &e),
	    0);
	assert_int_equal(
	    org_agreement_add(fx.db, &id, fx.c1, org, "共建", "2026-01-02", "2026-01-01", NULL, &e),
	    -1);
	assert_string_equal(e.field, "end_date");
	err_clear(&e);
	assert_int_equal(org_agreements(fx.db, &out, fx.c1, org, &e), 0);
	assert_int_equal(json_array_size(json_object_get(out, "agreements")), 1);
	json_decref(out);
	assert_int_equal(org_agreements(fx.db, &out, fx.c2, org, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	err_clear(&e);

	assert_int_equal(org_interaction_add(fx.db, &id, fx.c1, org, "2026-03-01", "visit", "走访",
	                                     7, "张三", &e),
	                 0);
	assert_int_equal(
	    org_interaction_add(fx.db, &id, fx.c1, org, "2026-05-01", "call", NULL, 7, "张三", &e),
	    0);
	assert_int_equal(
	    org_interaction_add(fx.db, &id, fx.c1, org, "2026-05-01", "party", NULL, 7, "张三", &e),
	    -1);
	assert_string_equal(e.field, "kind");
	err_clear(&e);
	assert_int_equal(org_interactions(fx.db, &out, fx.c1, org, &e), 0);
	list = json_object_get(out, "interactions");
	assert_int_equal(json_array_size(list), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(list, 0), "date")),
	                    "2026-05-01");
	assert_string_equal(
	    json_string_value(json_object_get(json_array_get(list, 0), "recorded_by_name")),
	    "张三");
	json_decref(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_dates),
	    cmocka_unit_test(test_lists),
	    cmocka_unit_test(test_contacts_take),
	    cmocka_unit_test(test_orgs_and_masking),
	    cmocka_unit_test(test_offers_and_search),
	    cmocka_unit_test(test_agreements_and_interactions),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
