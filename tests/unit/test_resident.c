/*
 * test_resident.c - the residents register (src/registry/resident.c).
 *
 * On one temporary database with two communities and a key file: sealing
 * (the stored ID number and phone are neither plain nor equal to the plain
 * value, and open back), the keyed hash refusing a second registration in the
 * same community, masking, search by name, phone tail and age, another
 * community's resident not found, updates all or nothing, deletion.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

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
	int64_t s1, c1, c2;
} fx;

static const char ID_F[] = "11010519491231002X";

static int group_setup(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	char p[4200], k[4200];
	size_t n = 0;
	const struct migration *m = all_migrations(&n);

	if (!(fx.dir = tmpdir_make()))
		return -1;
	tmpdir_path(p, sizeof(p), fx.dir, "res.sqlite");
	tmpdir_path(k, sizeof(k), fx.dir, "res.key");
	if (seal_keyring_create(&fx.kr, k, &e) < 0 || store_open(&fx.db, p, NULL, &e) < 0 ||
	    store_migrate(fx.db, m, n, NULL, &e) < 0 ||
	    structure_street_add(fx.db, &fx.s1, "东湖街道", &e) < 0 ||
	    structure_community_add(fx.db, &fx.c1, fx.s1, "幸福社区", &e) < 0 ||
	    structure_community_add(fx.db, &fx.c2, fx.s1, "和平社区", &e) < 0) {
		fprintf(stderr, "setup: %s (%s)\n", e.message, e.field);
		return -1;
	}
	resident_set_keyring(fx.kr);
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

static int64_t add(int64_t community, const char *name, const char *id, const char *phone,
                   const char *gender, const char *birth)
{
	struct resident_input in = {.name = name,
	                            .id_number = id,
	                            .phone = phone,
	                            .gender = gender,
	                            .birth_date = birth,
	                            .volunteer_willing = -1};
	struct err e = ERR_INIT;
	int64_t out = 0;
	if (resident_add(fx.db, &out, community, &in, &e) < 0)
		fail_msg("add %s: %s (%s)", name, e.message, e.field);
	return out;
}

static void test_sealed_and_masked(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	json_t *o;
	struct stmt *st;
	static const char sql[] =
	    "SELECT id_number, id_hash, phone, phone_tail FROM residents WHERE id = ?";
	int64_t id = add(fx.c1, "张丽", "11010519491231002x", "+86 138-1234-5678", NULL, NULL);

	st = store_prepare(fx.db, sql, &e);
	assert_non_null(st);
	stmt_bind_int(st, 1, id);
	assert_int_equal(stmt_step(st, &e), STORE_ROW);
	assert_null(strstr(stmt_text(st, 0), "110105"));
	assert_int_equal(stmt_len(st, 1), SEAL_HASH_CHARS);
	assert_null(strstr(stmt_text(st, 2), "1381234"));
	assert_string_equal(stmt_text(st, 3), "5678");
	stmt_done(st);

	assert_int_equal(resident_get(fx.db, &o, fx.c1, id, false, &e), 0);
	assert_string_equal(json_string_value(json_object_get(o, "id_number")),
	                    "110105********002X");
	assert_string_equal(json_string_value(json_object_get(o, "phone")), "138****5678");
	assert_string_equal(json_string_value(json_object_get(o, "gender")), "female");
	assert_string_equal(json_string_value(json_object_get(o, "birth_date")), "1949-12-31");
	json_decref(o);
	assert_int_equal(resident_get(fx.db, &o, fx.c1, id, true, &e), 0);
	assert_string_equal(json_string_value(json_object_get(o, "id_number")), ID_F);
	assert_string_equal(json_string_value(json_object_get(o, "phone")), "13812345678");
	json_decref(o);
}

static void test_duplicate_and_scope(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	struct resident_input in = {.name = "又一个", .id_number = ID_F, .volunteer_willing = -1};
	int64_t id, other;
	json_t *o;
	assert_int_equal(resident_add(fx.db, &id, fx.c1, &in, &e), -1);
	assert_int_equal(e.code, ERR_CONFLICT);
	assert_string_equal(e.field, "id_number");
	other = add(fx.c2, "张丽", ID_F, NULL, NULL, NULL); /* another community may */
	err_clear(&e);
	assert_int_equal(resident_get(fx.db, &o, fx.c1, other, false, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	err_clear(&e);
	assert_int_equal(resident_delete(fx.db, fx.c1, other, 0, NULL, NULL, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	err_clear(&e);
	in.id_number = "110105194912310021"; /* bad check character */
	assert_int_equal(resident_add(fx.db, &id, fx.c1, &in, &e), -1);
	assert_string_equal(e.field, "id_number");
	err_clear(&e);
	in.id_number = NULL;
	in.gender = "male";
	in.phone = "12345";
	assert_int_equal(resident_add(fx.db, &id, fx.c1, &in, &e), -1);
	assert_string_equal(e.field, "phone");
}

static size_t count(const struct resident_filter *f)
{
	struct err e = ERR_INIT;
	json_t *o;
	size_t n;
	if (resident_list(fx.db, &o, fx.c1, f, &e) < 0)
		fail_msg("list: %s", e.message);
	n = json_array_size(json_object_get(o, "residents"));
	json_decref(o);
	return n;
}

static void test_search(void **state)
{
	(void)state;
	struct resident_filter f = {.age_min = -1, .age_max = -1, .today = "2026-06-01"};
	add(fx.c1, "李四", NULL, "13900001111", "male", "2008-06-02"); /* 17 on 2026-06-01 */
	add(fx.c1, "王五", NULL, NULL, "male", "2008-06-01");          /* 18 that day */
	assert_int_equal(count(&f), 3);
	f.q = "张丽";
	assert_int_equal(count(&f), 1);
	f.q = "%";
	assert_int_equal(count(&f), 0);
	f.q = NULL;
	f.phone_tail = "1111";
	assert_int_equal(count(&f), 1);
	f.phone_tail = NULL;
	f.age_min = 18;
	assert_int_equal(count(&f), 2); /* 王五 and 张丽 */
	f.age_min = -1;
	f.age_max = 17;
	assert_int_equal(count(&f), 1); /* 李四 */
	f.age_min = 18;
	f.age_max = 18;
	assert_int_equal(count(&f), 1); /* 王五 */
}

static void test_update_all_or_nothing(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	int64_t id = add(fx.c1, "赵六", NULL, "13700002222", "female", NULL);
	struct resident_input in = {.skills = "木工", .phone = "bad", .volunteer_willing = -1};
	json_t *o;
	assert_int_equal(resident_update(fx.db, fx.c1, id, &in, &e), -1);
	assert_string_equal(e.field, "phone");
	err_clear(&e);
	assert_int_equal(resident_get(fx.db, &o, fx.c1, id, true, &e), 0);
	assert_true(json_is_null(json_object_get(o, "skills")));
	assert_string_equal(json_string_value(json_object_get(o, "phone")), "13700002222");
	json_decref(o);
	in.phone = NULL;
	in.volunteer_willing = 1;
	assert_int_equal(resident_update(fx.db, fx.c1, id, &in, &e), 0);
	assert_int_equal(resident_get(fx.db, &o, fx.c1, id, true, &e), 0);
	assert_string_equal(json_string_value(json_object_get(o, "skills")), "木工");
	assert_true(json_is_true(json_object_get(o, "volunteer_willing")));
	assert_string_equal(json_string_value(json_object_get(o, "phone")), "13700002222");
	json_decref(o);
	in = (struct resident_input){.id_number = ID_F, .volunteer_willing = -1};
	assert_int_equal(resident_update(fx.db, fx.c1, id, &in, &e), -1);
	assert_int_equal(e.code, ERR_CONFLICT);
	err_clear(&e);
	assert_int_equal(resident_delete(fx.db, fx.c1, id, 0, NULL, NULL, &e), 0);
	assert_int_equal(resident_get(fx.db, &o, fx.c1, id, false, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
}

static void test_no_keyring(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	json_t *o;
	struct resident_filter f = {.age_min = -1, .age_max = -1};
	resident_set_keyring(NULL);
	assert_int_equal(resident_list(fx.db, &o, fx.c1, &f, &e), -1);
	assert_int_equal(e.code, ERR_UNAVAILABLE);
	resident_set_keyring(fx.kr);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sealed_and_masked),
	    cmocka_unit_test(test_duplicate_and_scope),
	    cmocka_unit_test(test_search),
	    cmocka_unit_test(test_update_all_or_nothing),
	    cmocka_unit_test(test_no_keyring),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
