/*
 * test_resident_demo.c - the demo's residents (src/registry/resident_demo.c).
 *
 * Two communities with the same 200 dwellings: every generated ID number
 * passes the register's own check (region, date, GB 11643 check character)
 * and agrees with the stored gender and birth date; households have one
 * householder and at most 5 people; the counts are those of an old compound;
 * the same seed and day give the same residents in the second community, and
 * another seed does not; a bad "today" or a missing keyring writes nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "registry/idcard.h"
#include "registry/resident.h"
#include "registry/resident_demo.h"
#include "registry/structure.h"
#include "routes.h"

#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct {
	char *dir;
	struct store *db;
	struct seal_keyring *kr;
	int64_t c[3];
} fx;

static const char TODAY[] = "2026-06-15";

static int group_setup(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	char p[4200], k[4200];
	size_t n = 0;
	int64_t street;
	const struct migration *m = all_migrations(&n);

	if (!(fx.dir = tmpdir_make()))
		return -1;
	tmpdir_path(p, sizeof(p), fx.dir, "demo.sqlite");
	tmpdir_path(k, sizeof(k), fx.dir, "demo.key");
	if (seal_keyring_create(&fx.kr, k, &e) < 0 || store_open(&fx.db, p, NULL, &e) < 0 ||
	    store_migrate(fx.db, m, n, NULL, &e) < 0 ||
	    structure_street_add(fx.db, &street, "梅园街道", &e) < 0)
		goto fail;
	for (int i = 0; i < 3; i++) {
		char name[32];
		int64_t compound, building, nu, nd;
		struct layout l = {.units = 4, .floors = 10, .rooms_per_floor = 5, .area = 8000,
		                   .first_floor = 1};
		snprintf(name, sizeof(name), "社区%d", i);
		if (structure_community_add(fx.db, &fx.c[i], street, name, &e) < 0 ||
		    structure_compound_add(fx.db, &compound, fx.c[i], "小区", 0, NULL, &e) < 0 ||
		    structure_building_add(fx.db, &building, fx.c[i], compound, "1号楼", 0, &e) < 0 ||
		    structure_layout(fx.db, fx.c[i], building, &l, &nu, &nd, &e) < 0)
			goto fail;
	}
	resident_set_keyring(fx.kr);
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

/* Every resident of community c, in full (unmasked), by id. */
static json_t *everyone(int64_t c)
{
	json_t *all = json_array();
	struct err e = ERR_INIT;
	struct resident_filter f = {.age_min = -1, .age_max = -1, .limit = 200, .today = TODAY};
	for (;;) {
		json_t *page, *r;
		size_t i;
		if (resident_list(fx.db, &page, c, &f, &e) < 0)
			fail_msg("list: %s", e.message);
		json_array_foreach(json_object_get(page, "residents"), i, r)
		{
			json_t *full;
			if (resident_get(fx.db, &full, c, json_integer_value(json_object_get(r, "id")),
			                 true, &e) < 0)
				fail_msg("get: %s", e.message);
			json_array_append_new(all, full);
		}
		json_t *next = json_object_get(page, "next");
		f.after = json_is_integer(next) ? json_integer_value(next) : 0;
		json_decref(page);
		if (!f.after)
			break;
	}
	return all;
}

static const char *str(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	return json_is_string(v) ? json_string_value(v) : "";
}

static void test_households_and_ids(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	struct resident_demo_stats st;
	json_t *all, *r;
	size_t i;
	int size[200] = {0}, heads[200] = {0};
	int64_t over60 = 0, first_dwelling = INT64_MAX;

	assert_int_equal(resident_demo_at(fx.db, fx.c[0], 7, TODAY, &st, &e), 0);
	assert_int_equal(st.dwellings, 200);
	assert_in_range(st.occupied, 160, 195); /* about 88 % */
	assert_in_range(st.residents, st.occupied, 5 * st.occupied);
	all = everyone(fx.c[0]);
	assert_int_equal((int64_t)json_array_size(all), st.residents);
	json_array_foreach(all, i, r)
	{
		char id[IDCARD_LEN + 1], bd[16];
		const char *given = str(r, "id_number");
		int32_t b;
		int64_t d = json_integer_value(json_object_get(r, "dwelling_id"));
		assert_true(d > 0);
		if (d < first_dwelling)
			first_dwelling = d;
		/* the register's own check: region, date (not after today), check character */
		assert_int_equal(idcard_normalize(id, given, strlen(given), 20260615, &e), 0);
		assert_string_equal(id, given);
		assert_true(!strncmp(id, "31", 2) || !strncmp(id, "34", 2) || !strncmp(id, "32", 2) ||
		            !strncmp(id, "41", 2) || !strncmp(id, "51", 2) || !strncmp(id, "36", 2));
		b = idcard_birth(id);
		snprintf(bd, sizeof(bd), "%04d-%02d-%02d", (int)(b / 10000), (int)(b / 100 % 100),
		         (int)(b % 100));
		assert_string_equal(bd, str(r, "birth_date"));
		assert_string_equal(idcard_gender(id) == IDCARD_MALE ? "male" : "female",
		                    str(r, "gender"));
		assert_true(b >= 19260101 && b <= 20260615);
		if (b <= 19660615)
			over60++;
		if (*str(r, "phone"))
			assert_int_equal(strlen(str(r, "phone")), 11);
		/* a name of 2 to 4 characters (3 bytes each) */
		assert_in_range(strlen(str(r, "name")), 6, 12);
		assert_true(resident_relation_ok(str(r, "relation")));
		assert_true(resident_residency_ok(str(r, "residency")));
	}
	/* per household (the dwellings of the layout have consecutive ids) */
	json_array_foreach(all, i, r)
	{
		int64_t d = json_integer_value(json_object_get(r, "dwelling_id")) - first_dwelling;
		assert_in_range(d, 0, 199);
		size[d]++;
		heads[d] += !strcmp(str(r, "relation"), "householder");
	}
	for (int d = 0; d < 200; d++) {
		assert_in_range(size[d], 0, 5);
		assert_int_equal(heads[d], size[d] ? 1 : 0);
	}
	assert_int_equal(over60, st.over60);
	/* an old compound: about a fifth over 60 (wide bounds for 200 dwellings) */
	assert_in_range(over60 * 100 / st.residents, 12, 35);
	assert_true(st.skilled > 0 && st.willing > 0);
	json_decref(all);
}

/* The fields that must repeat for the same seed (ids differ). */
static char *fingerprint(json_t *all)
{
	static const char *const keys[] = {"name",     "gender",    "birth_date", "id_number",
	                                   "phone",    "relation",  "residency",  "skills"};
	size_t n = 1, i;
	json_t *r;
	char *s = calloc(1, 1 << 20);
	assert_non_null(s);
	json_array_foreach(all, i, r)
	{
		for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
			n += (size_t)snprintf(s + n - 1, (1 << 20) - n, "%s|", str(r, keys[k]));
		n += (size_t)snprintf(s + n - 1, (1 << 20) - n, "%d\n",
		                      json_is_true(json_object_get(r, "volunteer_willing")));
		assert_true(n < (1 << 20) - 4096);
	}
	return s;
}

static void test_deterministic(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	json_t *a, *b;
	char *fa, *fb;

	/* c[0] was filled with seed 7 by the test before */
	assert_int_equal(resident_demo_at(fx.db, fx.c[1], 7, TODAY, NULL, &e), 0);
	a = everyone(fx.c[0]);
	b = everyone(fx.c[1]);
	assert_int_equal(json_array_size(a), json_array_size(b));
	fa = fingerprint(a);
	fb = fingerprint(b);
	assert_string_equal(fa, fb);
	free(fb);
	json_decref(b);

	assert_int_equal(resident_demo_at(fx.db, fx.c[2], 8, TODAY, NULL, &e), 0);
	b = everyone(fx.c[2]);
	fb = fingerprint(b);
	assert_string_not_equal(fa, fb);
	free(fa);
	free(fb);
	json_decref(a);
	json_decref(b);
}

static void test_refusals_write_nothing(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	int64_t c = fx.c[2];
	json_t *before = everyone(c), *after;

	assert_int_equal(resident_demo_at(fx.db, c, 9, "15/06/2026", NULL, &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
	assert_string_equal(e.field, "today");
	err_clear(&e);
	resident_set_keyring(NULL);
	assert_int_equal(resident_demo_at(fx.db, c, 9, TODAY, NULL, &e), -1);
	assert_int_equal(e.code, ERR_UNAVAILABLE);
	resident_set_keyring(fx.kr);
	after = everyone(c);
	assert_int_equal(json_array_size(before), json_array_size(after));
	assert_false(store_in_tx(fx.db));
	json_decref(before);
	json_decref(after);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_households_and_ids),
	    cmocka_unit_test(test_deterministic),
	    cmocka_unit_test(test_refusals_write_nothing),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
