/*
 * test_care.c - care needs (src/registry/care.c) and the tag and room
 * filters of the residents list.
 *
 * On one temporary database with three communities, a key file, two
 * buildings (one in a grid) and users granted as grid worker and volunteer:
 * the catalogue (defaults read before any write, seeded on the first write,
 * rename, retire, delete refused while used), detail rules, sealing at rest
 * and hiding of sensitive tags, one primary caretaker, the care list's order
 * and filters, the residents list by tag and room, the export, the cascade
 * on deleting a resident, and the demo.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "auth/auth.h"
#include "registry/care.h"
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
	int64_t s1, c1, c2, c3, g1, b1, b2, b3;
	int64_t grid_user, vol_user, other_user;
} fx;

static const struct care_actor WHO = {0, "tester", "测试员", "127.0.0.1"};

static int64_t building(int64_t community, const char *name, int64_t grid)
{
	struct err e = ERR_INIT;
	int64_t cp, b, nu, nd;
	struct layout l = {.units = 1, .floors = 3, .rooms_per_floor = 2, .area = 5000,
	                   .first_floor = 1};
	char cname[64];
	snprintf(cname, sizeof(cname), "%s小区", name);
	if (structure_compound_add(fx.db, &cp, community, cname, grid, NULL, &e) < 0 ||
	    structure_building_add(fx.db, &b, community, cp, name, 0, &e) < 0 ||
	    structure_layout(fx.db, community, b, &l, &nu, &nd, &e) < 0)
		return -1;
	return b;
}

static int64_t user(const char *name, enum role role, enum scope scope, int64_t scope_id,
                    int64_t community)
{
	struct err e = ERR_INIT;
	int64_t id = 0;
	struct grant g = {role, scope, scope_id, community, fx.s1};
	if (auth_user_find(fx.db, &id, name, &e) < 0) {
		err_clear(&e);
		if (auth_user_add(fx.db, &id, name, name, "password-123", NULL, &e) < 0)
			return -1;
	}
	if (auth_grant(fx.db, id, &g, NULL, &e) < 0)
		return -1;
	return id;
}

static int group_setup(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	char p[4200], k[4200];
	size_t n = 0;
	const struct migration *m = all_migrations(&n);

	if (!(fx.dir = tmpdir_make()))
		return -1;
	tmpdir_path(p, sizeof(p), fx.dir, "care.sqlite");
	tmpdir_path(k, sizeof(k), fx.dir, "care.key");
	if (seal_keyring_create(&fx.kr, k, &e) < 0 || store_open(&fx.db, p, NULL, &e) < 0 ||
	    store_migrate(fx.db, m, n, NULL, &e) < 0 ||
	    structure_street_add(fx.db, &fx.s1, "东湖街道", &e) < 0 ||
	    structure_community_add(fx.db, &fx.c1, fx.s1, "幸福社区", &e) < 0 ||
	    structure_community_add(fx.db, &fx.c2, fx.s1, "和平社区", &e) < 0 ||
	    structure_community_add(fx.db, &fx.c3, fx.s1, "演示社区", &e) < 0 ||
	    structure_grid_add(fx.db, &fx.g1, fx.c1, "第一网格", &e) < 0) {
		fprintf(stderr, "setup: %s (%s)\n", e.message, e.field);
		return -1;
	}
	resident_set_keyring(fx.kr);
	fx.b1 = building(fx.c1, "1号楼", fx.g1);
	fx.b2 = building(fx.c1, "2号楼", 0);
	fx.b3 = building(fx.c3, "3号楼", 0);
	fx.grid_user = user("grid", ROLE_GRID, SCOPE_GRID, fx.g1, fx.c1);
	fx.vol_user = user("volunteer", ROLE_VOLUNTEER, SCOPE_COMMUNITY, fx.c1, fx.c1);
	fx.other_user = user("elsewhere", ROLE_VOLUNTEER, SCOPE_COMMUNITY, fx.c2, fx.c2);
	if (fx.b1 < 0 || fx.b2 < 0 || fx.b3 < 0 || fx.grid_user < 0 || fx.vol_user < 0 ||
	    fx.other_user < 0 ||
	    user("grid", ROLE_VOLUNTEER, SCOPE_COMMUNITY, fx.c3, fx.c3) < 0 ||
	    user("volunteer", ROLE_VOLUNTEER, SCOPE_COMMUNITY, fx.c3, fx.c3) < 0) {
		fprintf(stderr, "setup: buildings or users\n");
		return -1;
	}
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

/* The dwelling `room` of building b. */
static int64_t dwelling(int64_t b, const char *room)
{
	struct err e = ERR_INIT;
	static const char sql[] = "SELECT id FROM dwellings WHERE building_id = ? AND room = ?";
	struct stmt *st = store_prepare(fx.db, sql, &e);
	int64_t id = 0;
	assert_non_null(st);
	stmt_bind_int(st, 1, b);
	stmt_bind_text(st, 2, room, SIZE_MAX);
	if (stmt_step(st, &e) == STORE_ROW)
		id = stmt_int(st, 0);
	stmt_done(st);
	assert_true(id > 0);
	return id;
}

static int64_t resident(int64_t community, const char *name, const char *birth, int64_t dw)
{
	struct resident_input in = {.name = name, .gender = "female", .birth_date = birth,
	                            .dwelling_id = dw, .volunteer_willing = -1};
	struct err e = ERR_INIT;
	int64_t out = 0;
	if (resident_add(fx.db, &out, community, &in, &e) < 0)
		fail_msg("add %s: %s (%s)", name, e.message, e.field);
	return out;
}

static int64_t tag(int64_t community, int64_t r, const char *code, const char *detail_json,
                   const char *note)
{
	struct err e = ERR_INIT;
	json_t *d = detail_json ? json_loads(detail_json, JSON_DECODE_ANY, NULL) : NULL;
	struct care_tag_input in = {.tag = code, .detail = d, .note = note};
	int64_t id = 0;
	int rc = care_tag_add(fx.db, &id, community, r, &in, &WHO, &e);
	json_decref(d);
	if (rc < 0)
		fail_msg("tag %s: %s (%s)", code, e.message, e.field);
	return id;
}

/* The error field of a failing care_tag_add. */
static const char *tag_fails(int64_t community, int64_t r, const char *code,
                             const char *detail_json, const char *since, enum err_code code_want)
{
	static struct err e;
	json_t *d = detail_json ? json_loads(detail_json, JSON_DECODE_ANY, NULL) : NULL;
	struct care_tag_input in = {.tag = code, .detail = d, .since = since};
	int64_t id;
	int rc;
	err_clear(&e);
	rc = care_tag_add(fx.db, &id, community, r, &in, &WHO, &e);
	json_decref(d);
	assert_int_equal(rc, -1);
	assert_int_equal(e.code, code_want);
	return e.field;
}

static json_t *find_code(json_t *arr, const char *code)
{
	size_t i;
	json_t *t;
	json_array_foreach(arr, i, t) if (!strcmp(json_string_value(json_object_get(t, "code")), code))
	    return t;
	return NULL;
}

static void test_catalogue(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	json_t *o, *t;
	struct care_tag put = {.code = "living_alone", .name_zh = "独居", .sensitive = -1,
	                       .retired = -1};
	struct care_tag bad = {.code = "Bad-Code", .name_zh = "x", .name_en = "x",
	                       .sensitive = -1, .retired = -1};
	struct stmt *st;
	static const char sql[] = "SELECT COUNT(*) FROM care_tags WHERE community_id = ?";

	/* before any write: the defaults, and nothing stored */
	assert_int_equal(care_tags_list(fx.db, &o, fx.c2, &e), 0);
	assert_int_equal(json_array_size(json_object_get(o, "tags")), 12);
	t = json_array_get(json_object_get(o, "tags"), 0);
	assert_string_equal(json_string_value(json_object_get(t, "code")), "disabled");
	assert_int_equal(json_integer_value(json_object_get(t, "priority")), 95);
	assert_true(json_is_true(json_object_get(t, "sensitive")));
	t = find_code(json_object_get(o, "tags"), "disability");
	assert_string_equal(json_string_value(json_object_get(t, "detail")), "disability");
	assert_true(json_is_false(json_object_get(find_code(json_object_get(o, "tags"),
	                                                    "living_alone"),
	                                          "sensitive")));
	json_decref(o);
	st = store_prepare(fx.db, sql, &e);
	stmt_bind_int(st, 1, fx.c2);
	assert_int_equal(stmt_step(st, &e), STORE_ROW);
	assert_int_equal(stmt_int(st, 0), 0);
	stmt_done(st);

	/* a rename seeds the rest */
	assert_int_equal(care_tag_put(fx.db, fx.c1, &put, &WHO, &e), 0);
	assert_int_equal(care_tags_list(fx.db, &o, fx.c1, &e), 0);
	assert_int_equal(json_array_size(json_object_get(o, "tags")), 12);
	t = find_code(json_object_get(o, "tags"), "living_alone");
	assert_string_equal(json_string_value(json_object_get(t, "name_zh")), "独居");
	assert_string_equal(json_string_value(json_object_get(t, "name_en")),
	                    "Elderly living alone");
	assert_int_equal(json_integer_value(json_object_get(t, "priority")), 90);
	json_decref(o);

	/* a new tag; bad fields name themselves */
	put = (struct care_tag){.code = "dementia", .name_zh = "认知障碍", .name_en = "Dementia",
	                        .sensitive = 1, .priority = 88, .detail = "text", .retired = -1};
	assert_int_equal(care_tag_put(fx.db, fx.c1, &put, &WHO, &e), 0);
	assert_int_equal(care_tag_put(fx.db, fx.c1, &bad, &WHO, &e), -1);
	assert_string_equal(e.field, "code");
	err_clear(&e);
	bad.code = "fine";
	bad.priority = 101;
	assert_int_equal(care_tag_put(fx.db, fx.c1, &bad, &WHO, &e), -1);
	assert_string_equal(e.field, "priority");
	err_clear(&e);
	bad.priority = 0;
	bad.detail = "photo";
	assert_int_equal(care_tag_put(fx.db, fx.c1, &bad, &WHO, &e), -1);
	assert_string_equal(e.field, "detail");
	err_clear(&e);
	bad.detail = NULL;
	bad.name_en = NULL;
	assert_int_equal(care_tag_put(fx.db, fx.c1, &bad, &WHO, &e), -1);
	assert_string_equal(e.field, "name_en");
	err_clear(&e);
	bad.name_en = "x";
	bad.name_zh = "这个名字超过了二十个字符的限制所以应该被拒绝掉吧";
	assert_int_equal(care_tag_put(fx.db, fx.c1, &bad, &WHO, &e), -1);
	assert_string_equal(e.field, "name_zh");
	err_clear(&e);

	/* delete: unused yes, used no (retire instead), unknown 404 */
	assert_int_equal(care_tag_delete(fx.db, fx.c1, "dementia", &WHO, &e), 0);
	assert_int_equal(care_tag_delete(fx.db, fx.c1, "dementia", &WHO, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	err_clear(&e);
}

static void test_detail_rules_and_retire(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	int64_t r = resident(fx.c1, "规则", "1950-01-01", 0);
	int64_t other = resident(fx.c2, "外区", "1950-01-01", 0);
	struct care_tag retire = {.code = "youfu", .sensitive = -1, .retired = 1};
	json_t *o;

	assert_string_equal(tag_fails(fx.c1, r, "disability", NULL, NULL, ERR_INVALID), "detail");
	assert_string_equal(
	    tag_fails(fx.c1, r, "disability", "{\"category\":\"x\",\"grade\":1}", NULL, ERR_INVALID),
	    "detail.category");
	assert_string_equal(tag_fails(fx.c1, r, "disability",
	                              "{\"category\":\"vision\",\"grade\":5}", NULL, ERR_INVALID),
	                    "detail.grade");
	assert_string_equal(tag_fails(fx.c1, r, "disability",
	                              "{\"category\":\"vision\",\"grade\":0}", NULL, ERR_INVALID),
	                    "detail.grade");
	assert_string_equal(
	    tag_fails(fx.c1, r, "disability",
	              "{\"category\":\"vision\",\"grade\":1,\"x\":1}", NULL, ERR_INVALID),
	    "detail");
	assert_string_equal(tag_fails(fx.c1, r, "dibao", "\"x\"", NULL, ERR_INVALID), "detail");
	assert_string_equal(tag_fails(fx.c1, r, "chronic", "3", NULL, ERR_INVALID), "detail");
	assert_string_equal(tag_fails(fx.c1, r, "nosuch", NULL, NULL, ERR_INVALID), "tag");
	assert_string_equal(tag_fails(fx.c1, r, "dibao", NULL, "2999-01-01", ERR_INVALID), "since");
	assert_string_equal(tag_fails(fx.c1, r, "dibao", NULL, "2024-02-30", ERR_INVALID), "since");
	tag_fails(fx.c1, other, "dibao", NULL, NULL, ERR_NOT_FOUND);
	/* the boundary: grade 4, every category name */
	tag(fx.c1, r, "disability", "{\"category\":\"multiple\",\"grade\":4}", NULL);
	assert_string_equal(tag_fails(fx.c1, r, "disability",
	                              "{\"category\":\"vision\",\"grade\":1}", NULL, ERR_CONFLICT),
	                    "tag");
	/* a retired tag takes no new residents; one in use cannot be deleted */
	tag(fx.c1, r, "youfu", NULL, NULL);
	assert_int_equal(care_tag_put(fx.db, fx.c1, &retire, &WHO, &e), 0);
	assert_string_equal(tag_fails(fx.c1, resident(fx.c1, "新人", NULL, 0), "youfu", NULL, NULL,
	                              ERR_INVALID),
	                    "tag");
	assert_int_equal(care_tag_delete(fx.db, fx.c1, "youfu", &WHO, &e), -1);
	assert_int_equal(e.code, ERR_CONFLICT);
	assert_string_equal(e.field, "code");
	err_clear(&e);
	/* the kind of detail cannot change under residents */
	retire = (struct care_tag){.code = "disability", .detail = "text", .sensitive = -1,
	                           .retired = -1};
	assert_int_equal(care_tag_put(fx.db, fx.c1, &retire, &WHO, &e), -1);
	assert_int_equal(e.code, ERR_CONFLICT);
	assert_string_equal(e.field, "detail");
	err_clear(&e);
	assert_int_equal(care_resident_get(fx.db, &o, fx.c1, r, true, &e), 0);
	assert_int_equal(json_array_size(json_object_get(o, "tags")), 2);
	json_decref(o);
}

static void test_sealed_and_hidden(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	int64_t r = resident(fx.c1, "王秀兰", "1941-03-05", 0);
	int64_t t1 = tag(fx.c1, r, "chronic", "\"高血压\"", "每周量两次血压");
	json_t *o, *t, *d;
	struct stmt *st;
	static const char sql[] = "SELECT detail, note FROM care_resident_tags WHERE id = ?";
	struct care_tag_input up = {.note = ""};

	tag(fx.c1, r, "aged_80", NULL, NULL);
	tag(fx.c1, r, "disability", "{\"category\":\"physical\",\"grade\":2}", NULL);
	st = store_prepare(fx.db, sql, &e);
	stmt_bind_int(st, 1, t1);
	assert_int_equal(stmt_step(st, &e), STORE_ROW);
	assert_null(strstr(stmt_text(st, 0), "高血压"));
	assert_true(stmt_len(st, 0) > 40);
	assert_null(strstr(stmt_text(st, 1), "血压"));
	stmt_done(st);

	assert_int_equal(care_resident_get(fx.db, &o, fx.c1, r, true, &e), 0);
	assert_int_equal(json_array_size(json_object_get(o, "tags")), 3);
	t = json_array_get(json_object_get(o, "tags"), 0); /* disability 80 first */
	assert_string_equal(json_string_value(json_object_get(t, "code")), "disability");
	d = json_object_get(t, "detail");
	assert_string_equal(json_string_value(json_object_get(d, "category")), "physical");
	assert_int_equal(json_integer_value(json_object_get(d, "grade")), 2);
	t = find_code(json_object_get(o, "tags"), "chronic");
	assert_string_equal(json_string_value(json_object_get(t, "detail")), "高血压");
	assert_string_equal(json_string_value(json_object_get(t, "note")), "每周量两次血压");
	assert_string_equal(json_string_value(json_object_get(t, "recorded_by_name")), "测试员");
	assert_true(json_is_false(json_object_get(o, "hidden")));
	json_decref(o);

	/* without full: only the tag that is not sensitive */
	assert_int_equal(care_resident_get(fx.db, &o, fx.c1, r, false, &e), 0);
	assert_int_equal(json_array_size(json_object_get(o, "tags")), 1);
	assert_string_equal(json_string_value(json_object_get(
	                        json_array_get(json_object_get(o, "tags"), 0), "code")),
	                    "aged_80");
	assert_true(json_is_true(json_object_get(o, "hidden")));
	json_decref(o);
	/* someone with sensitive tags only is not found without full */
	{
		int64_t only = resident(fx.c1, "仅低保", "1960-01-01", 0);
		tag(fx.c1, only, "dibao", NULL, NULL);
		assert_int_equal(care_resident_get(fx.db, &o, fx.c1, only, false, &e), -1);
		assert_int_equal(e.code, ERR_NOT_FOUND);
		err_clear(&e);
		assert_int_equal(care_resident_get(fx.db, &o, fx.c1, only, true, &e), 0);
		json_decref(o);
	}

	/* an update clears the note and keeps the detail */
	assert_int_equal(care_tag_update(fx.db, fx.c1, r, t1, &up, &WHO, &e), 0);
	assert_int_equal(care_resident_get(fx.db, &o, fx.c1, r, true, &e), 0);
	t = find_code(json_object_get(o, "tags"), "chronic");
	assert_true(json_is_null(json_object_get(t, "note")));
	assert_string_equal(json_string_value(json_object_get(t, "detail")), "高血压");
	json_decref(o);
	/* another community, another resident: not found */
	assert_int_equal(care_tag_update(fx.db, fx.c2, r, t1, &up, &WHO, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	err_clear(&e);
	assert_int_equal(care_tag_remove(fx.db, fx.c1, r + 1000, t1, &WHO, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	err_clear(&e);
	assert_int_equal(care_tag_remove(fx.db, fx.c1, r, t1, &WHO, &e), 0);
	assert_int_equal(care_resident_get(fx.db, &o, fx.c1, r, true, &e), 0);
	assert_int_equal(json_array_size(json_object_get(o, "tags")), 2);
	json_decref(o);
}

static void test_caretakers(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	int64_t r = resident(fx.c1, "李桂英", "1938-07-01", 0);
	int64_t son = resident(fx.c1, "李强", "1965-01-01", 0);
	int64_t far = resident(fx.c2, "远方", "1965-01-01", 0);
	int64_t id;
	struct care_caretaker_input in = {.user_id = fx.grid_user, .role = "primary"};
	json_t *o, *c;

	assert_int_equal(care_caretaker_add(fx.db, &id, fx.c1, r, &in, &WHO, &e), 0);
	in = (struct care_caretaker_input){.user_id = fx.vol_user, .role = "primary"};
	assert_int_equal(care_caretaker_add(fx.db, &id, fx.c1, r, &in, &WHO, &e), -1);
	assert_int_equal(e.code, ERR_CONFLICT);
	assert_string_equal(e.field, "role");
	err_clear(&e);
	in.role = "backup";
	assert_int_equal(care_caretaker_add(fx.db, &id, fx.c1, r, &in, &WHO, &e), 0);
	assert_int_equal(care_caretaker_add(fx.db, &id, fx.c1, r, &in, &WHO, &e), -1);
	assert_string_equal(e.field, "user_id");
	err_clear(&e);
	in = (struct care_caretaker_input){.resident_id = son, .role = "backup",
	                                   .relation = "儿子", .since = "2020-05-01"};
	assert_int_equal(care_caretaker_add(fx.db, &id, fx.c1, r, &in, &WHO, &e), 0);
	in.resident_id = r;
	assert_int_equal(care_caretaker_add(fx.db, &id, fx.c1, r, &in, &WHO, &e), -1);
	assert_string_equal(e.field, "resident_id");
	err_clear(&e);
	in.resident_id = far;
	assert_int_equal(care_caretaker_add(fx.db, &id, fx.c1, r, &in, &WHO, &e), -1);
	assert_string_equal(e.field, "resident_id");
	err_clear(&e);
	in = (struct care_caretaker_input){.user_id = fx.other_user, .role = "backup"};
	assert_int_equal(care_caretaker_add(fx.db, &id, fx.c1, r, &in, &WHO, &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
	assert_string_equal(e.field, "user_id");
	err_clear(&e);
	in = (struct care_caretaker_input){.user_id = fx.grid_user, .resident_id = son,
	                                   .role = "backup"};
	assert_int_equal(care_caretaker_add(fx.db, &id, fx.c1, r, &in, &WHO, &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
	err_clear(&e);
	in = (struct care_caretaker_input){.user_id = fx.grid_user, .role = "boss"};
	assert_int_equal(care_caretaker_add(fx.db, &id, fx.c1, r, &in, &WHO, &e), -1);
	assert_string_equal(e.field, "role");
	err_clear(&e);

	assert_int_equal(care_resident_get(fx.db, &o, fx.c1, r, true, &e), 0);
	assert_int_equal(json_array_size(json_object_get(o, "caretakers")), 3);
	c = json_array_get(json_object_get(o, "caretakers"), 0);
	assert_string_equal(json_string_value(json_object_get(c, "role")), "primary");
	assert_string_equal(json_string_value(json_object_get(c, "kind")), "user");
	assert_string_equal(json_string_value(json_object_get(c, "name")), "grid");
	c = json_array_get(json_object_get(o, "caretakers"), 2);
	assert_string_equal(json_string_value(json_object_get(c, "name")), "李强");
	assert_int_equal(json_integer_value(json_object_get(c, "resident_id")), son);
	assert_string_equal(json_string_value(json_object_get(c, "relation")), "儿子");
	json_decref(o);

	/* the candidates: members of c1 who may look after someone */
	assert_int_equal(care_candidates(fx.db, &o, fx.c1, &e), 0);
	assert_int_equal(json_array_size(json_object_get(o, "users")), 2);
	json_decref(o);
}

static int64_t count_rows(const char *sql, int64_t id)
{
	struct err e = ERR_INIT;
	struct stmt *st = store_prepare(fx.db, sql, &e);
	int64_t n = -1;
	assert_non_null(st);
	stmt_bind_int(st, 1, id);
	if (stmt_step(st, &e) == STORE_ROW)
		n = stmt_int(st, 0);
	stmt_done(st);
	return n;
}

static void test_list_and_search(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	/* a community of its own for clean counts: c2 */
	int64_t a, b, c, d, id;
	struct care_filter f = {.today = "2026-06-01"};
	struct resident_filter rf = {.age_min = -1, .age_max = -1};
	json_t *o, *rows, *x;
	int64_t gb = building(fx.c2, "甲楼", 0);
	struct care_caretaker_input in = {.user_id = fx.other_user, .role = "primary"};

	a = resident(fx.c2, "甲", "1950-01-01", dwelling(gb, "101")); /* dibao 50 */
	b = resident(fx.c2, "乙", "1930-06-02", dwelling(gb, "102")); /* aged_80 60; 95 on 06-01 */
	c = resident(fx.c2, "丙", "1940-01-01", dwelling(gb, "201")); /* living_alone 90 */
	d = resident(fx.c2, "丁", NULL, 0);                            /* living_alone 90 */
	resident(fx.c2, "戊", "1935-01-01", dwelling(gb, "201"));     /* no tag */
	tag(fx.c2, a, "dibao", NULL, NULL);
	tag(fx.c2, b, "aged_80", NULL, NULL);
	tag(fx.c2, c, "living_alone", NULL, NULL);
	tag(fx.c2, c, "chronic", NULL, NULL);
	tag(fx.c2, d, "living_alone", NULL, NULL);
	assert_int_equal(care_caretaker_add(fx.db, &id, fx.c2, c, &in, &WHO, &e), 0);

	assert_int_equal(care_list(fx.db, &o, fx.c2, &f, true, &e), 0);
	rows = json_object_get(o, "residents");
	assert_int_equal(json_array_size(rows), 4);
	assert_int_equal(json_integer_value(json_object_get(o, "total")), 4);
	/* 90 (丙 born 1940, then 丁 unknown), 60 (乙), 50 (甲) */
	assert_int_equal(json_integer_value(json_object_get(json_array_get(rows, 0), "id")), c);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(rows, 1), "id")), d);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(rows, 2), "id")), b);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(rows, 3), "id")), a);
	x = json_array_get(rows, 0);
	assert_int_equal(json_integer_value(json_object_get(x, "age")), 86);
	assert_int_equal(json_integer_value(json_object_get(x, "priority")), 90);
	assert_true(json_is_false(json_object_get(x, "unassigned")));
	assert_string_equal(json_string_value(json_object_get(json_object_get(x, "primary"), "name")),
	                    "elsewhere");
	assert_string_equal(json_string_value(json_object_get(json_object_get(x, "dwelling"), "room")),
	                    "201");
	assert_int_equal(json_array_size(json_object_get(x, "tags")), 2);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(rows, 2), "age")), 95);
	assert_true(json_is_true(json_object_get(json_array_get(rows, 1), "unassigned")));
	assert_true(json_is_null(json_object_get(json_array_get(rows, 1), "dwelling")));
	json_decref(o);

	/* not full: 甲 (only 低保) is not listed, 丙 shows one tag */
	assert_int_equal(care_list(fx.db, &o, fx.c2, &f, false, &e), 0);
	rows = json_object_get(o, "residents");
	assert_int_equal(json_array_size(rows), 3);
	assert_int_equal(json_array_size(json_object_get(json_array_get(rows, 0), "tags")), 1);
	json_decref(o);
	f.tag = "dibao";
	assert_int_equal(care_list(fx.db, &o, fx.c2, &f, false, &e), 0);
	assert_int_equal(json_array_size(json_object_get(o, "residents")), 0);
	json_decref(o);
	assert_int_equal(care_list(fx.db, &o, fx.c2, &f, true, &e), 0);
	assert_int_equal(json_array_size(json_object_get(o, "residents")), 1);
	json_decref(o);
	f.tag = NULL;
	f.building = gb;
	assert_int_equal(care_list(fx.db, &o, fx.c2, &f, true, &e), 0);
	assert_int_equal(json_array_size(json_object_get(o, "residents")), 3); /* not 丁 */
	json_decref(o);
	f.building = 0;
	f.limit = 2;
	f.offset = 2;
	assert_int_equal(care_list(fx.db, &o, fx.c2, &f, true, &e), 0);
	assert_int_equal(json_array_size(json_object_get(o, "residents")), 2);
	assert_true(json_is_null(json_object_get(o, "next_offset")));
	json_decref(o);
	f.offset = 0;
	assert_int_equal(care_list(fx.db, &o, fx.c2, &f, true, &e), 0);
	assert_int_equal(json_integer_value(json_object_get(o, "next_offset")), 2);
	json_decref(o);

	/* the grid filter on c1: building b1 is in grid g1 through its compound */
	{
		int64_t g = resident(fx.c1, "网格内", "1930-01-01", dwelling(fx.b1, "301"));
		int64_t n = resident(fx.c1, "网格外", "1930-01-01", dwelling(fx.b2, "301"));
		struct care_filter gf = {.grid = fx.g1};
		tag(fx.c1, g, "aged_80", NULL, NULL);
		tag(fx.c1, n, "aged_80", NULL, NULL);
		assert_int_equal(care_list(fx.db, &o, fx.c1, &gf, true, &e), 0);
		rows = json_object_get(o, "residents");
		assert_int_equal(json_array_size(rows), 1);
		assert_int_equal(json_integer_value(json_object_get(json_array_get(rows, 0), "id")), g);
		assert_int_equal(json_integer_value(json_object_get(
		                     json_object_get(json_array_get(rows, 0), "dwelling"), "grid_id")),
		                 fx.g1);
		json_decref(o);
		/* the residents list by room, by room and building, by tag */
		rf.room = "301";
		assert_int_equal(resident_list(fx.db, &o, fx.c1, &rf, &e), 0);
		assert_int_equal(json_array_size(json_object_get(o, "residents")), 2);
		json_decref(o);
		rf.building = fx.b2;
		assert_int_equal(resident_list(fx.db, &o, fx.c1, &rf, &e), 0);
		assert_int_equal(json_array_size(json_object_get(o, "residents")), 1);
		assert_int_equal(json_integer_value(json_object_get(
		                     json_array_get(json_object_get(o, "residents"), 0), "id")),
		                 n);
		json_decref(o);
		rf.room = NULL; /* the building alone */
		assert_int_equal(resident_list(fx.db, &o, fx.c1, &rf, &e), 0);
		assert_int_equal(json_array_size(json_object_get(o, "residents")), 1);
		json_decref(o);
		rf.building = 0;
		rf.room = "9999";
		assert_int_equal(resident_list(fx.db, &o, fx.c1, &rf, &e), 0);
		assert_int_equal(json_array_size(json_object_get(o, "residents")), 0);
		json_decref(o);
	}
	rf = (struct resident_filter){.age_min = -1, .age_max = -1, .tag = "living_alone"};
	assert_int_equal(resident_list(fx.db, &o, fx.c2, &rf, &e), 0);
	assert_int_equal(json_array_size(json_object_get(o, "residents")), 2);
	json_decref(o);
	rf.tag = "living_alone";
	assert_int_equal(resident_list(fx.db, &o, fx.c1, &rf, &e), 0); /* c1's has none */
	assert_int_equal(json_array_size(json_object_get(o, "residents")), 0);
	json_decref(o);
}

static void test_export_and_cascade(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	int64_t mum = resident(fx.c1, "周奶奶", "1936-02-02", 0);
	int64_t kid = resident(fx.c1, "周女儿", "1966-02-02", 0);
	int64_t id;
	struct care_caretaker_input in = {.resident_id = kid, .role = "primary", .relation = "女儿"};
	json_t *o = json_object(), *care, *t;

	tag(fx.c1, mum, "disability", "{\"category\":\"hearing\",\"grade\":3}", "助听器");
	tag(fx.c1, mum, "living_alone", NULL, NULL);
	assert_int_equal(care_caretaker_add(fx.db, &id, fx.c1, mum, &in, &WHO, &e), 0);

	assert_int_equal(care_person_export(fx.db, o, fx.c1, mum, &e), 0);
	care = json_object_get(o, "care");
	assert_non_null(care);
	assert_int_equal(json_array_size(json_object_get(care, "tags")), 2);
	t = find_code(json_object_get(care, "tags"), "disability");
	assert_string_equal(json_string_value(json_object_get(t, "note")), "助听器");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(t, "detail"), "grade")),
	                 3);
	assert_int_equal(json_array_size(json_object_get(care, "caretakers")), 1);
	assert_int_equal(json_array_size(json_object_get(care, "cares_for")), 0);
	json_decref(o);
	o = json_object();
	assert_int_equal(care_person_export(fx.db, o, fx.c1, kid, &e), 0);
	care = json_object_get(o, "care");
	assert_int_equal(json_array_size(json_object_get(care, "tags")), 0);
	assert_int_equal(json_array_size(json_object_get(care, "cares_for")), 1);
	assert_int_equal(json_integer_value(json_object_get(
	                     json_array_get(json_object_get(care, "cares_for"), 0), "resident_id")),
	                 mum);
	json_decref(o);
	/* another community's export is empty */
	o = json_object();
	assert_int_equal(care_person_export(fx.db, o, fx.c2, mum, &e), 0);
	assert_int_equal(json_array_size(json_object_get(json_object_get(o, "care"), "tags")), 0);
	json_decref(o);

	/* deleting the caretaker drops the assignment; deleting the resident her tags */
	assert_int_equal(resident_delete(fx.db, fx.c1, kid, 0, NULL, NULL, &e), 0);
	assert_int_equal(
	    count_rows("SELECT COUNT(*) FROM care_caretakers WHERE resident_id = ?", mum), 0);
	assert_int_equal(resident_delete(fx.db, fx.c1, mum, 0, NULL, NULL, &e), 0);
	assert_int_equal(
	    count_rows("SELECT COUNT(*) FROM care_resident_tags WHERE resident_id = ?", mum), 0);
}

static void test_demo(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	int64_t lonely[3];
	json_t *o, *rows, *x;
	char name[32];
	int64_t before;
	static const char sql[] =
	    "SELECT COUNT(DISTINCT resident_id) FROM care_resident_tags WHERE community_id = ?";

	/* 50 residents: three over 80 alone, two over 80 together, the rest younger */
	lonely[0] = resident(fx.c3, "独一", "1931-01-01", dwelling(fx.b3, "101"));
	lonely[1] = resident(fx.c3, "独二", "1940-01-01", dwelling(fx.b3, "102"));
	lonely[2] = resident(fx.c3, "独三", "1944-01-01", dwelling(fx.b3, "201"));
	resident(fx.c3, "老甲", "1935-01-01", dwelling(fx.b3, "202"));
	resident(fx.c3, "老乙", "1936-01-01", dwelling(fx.b3, "202"));
	for (int i = 0; i < 45; i++) {
		snprintf(name, sizeof(name), "居民%d", i);
		resident(fx.c3, name, i % 3 ? "1980-05-05" : "1960-05-05",
		         dwelling(fx.b3, i % 2 ? "301" : "302"));
	}
	assert_int_equal(care_demo(fx.db, fx.c3, &e), 0);
	before = count_rows(sql, fx.c3);
	assert_int_equal(before, 4); /* 8 % of 50, rounded up */
	assert_int_equal(care_list(fx.db, &o, fx.c3, &(struct care_filter){0}, true, &e), 0);
	rows = json_object_get(o, "residents");
	for (int i = 0; i < 3; i++) {
		x = json_array_get(rows, (size_t)i);
		assert_int_equal(json_integer_value(json_object_get(x, "id")), lonely[i]);
		assert_int_equal(json_integer_value(json_object_get(x, "priority")), 90);
		assert_string_equal(
		    json_string_value(json_object_get(json_object_get(x, "primary"), "name")), "grid");
		assert_int_equal(json_array_size(json_object_get(x, "backups")), 1);
	}
	x = json_array_get(rows, 3);
	assert_string_equal(json_string_value(json_object_get(x, "name")), "老甲");
	json_decref(o);
	/* a second run adds nothing */
	assert_int_equal(care_demo(fx.db, fx.c3, &e), 0);
	assert_int_equal(count_rows(sql, fx.c3), before);
	/* a community with nobody: nothing, no error */
	{
		int64_t empty;
		assert_int_equal(structure_community_add(fx.db, &empty, fx.s1, "空社区", &e), 0);
		assert_int_equal(care_demo(fx.db, empty, &e), 0);
		assert_int_equal(count_rows(sql, empty), 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_catalogue),
	    cmocka_unit_test(test_detail_rules_and_retire),
	    cmocka_unit_test(test_sealed_and_hidden),
	    cmocka_unit_test(test_caretakers),
	    cmocka_unit_test(test_list_and_search),
	    cmocka_unit_test(test_export_and_cascade),
	    cmocka_unit_test(test_demo),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
