/*
 * test_structure.c - the community structure (src/registry/structure.c).
 *
 * One temporary database, migrated with all_migrations() (auth, then the
 * registry), holds two streets and three communities:
 *
 *   street 东湖 ─ community 幸福 (c1) ─ grid g1, compound p1 ─ building b1
 *              └ community 和平 (c2) ─ grid g2, compound p2 ─ building b2
 *   street 西湖 ─ community 长安 (c3)
 *
 * so that every rule can be tried against a node of the same community and
 * of another one: names unique among siblings (ERR_CONFLICT naming
 * "name"), a grid or compound of another community is ERR_NOT_FOUND
 * naming its field, a building is laid out once and the failed second
 * layout creates nothing.  Layouts are checked by counting what was
 * created and by reading the room names back; paging by walking the pages.
 * Each layout test adds a building of its own, so tests stay independent.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "registry/structure.h"
#include "routes.h"

#include "testutil.h"

#include <stdio.h>
#include <string.h>

static struct {
	char *dir;
	struct store *db;
	int64_t s1, s2, c1, c2, c3, g1, g2, p1, p2, b1, b2;
	int seq;
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
	tmpdir_path(p, sizeof(p), fx.dir, "structure.sqlite");
	if (store_open(&fx.db, p, NULL, &e) < 0 || store_migrate(fx.db, m, n, NULL, &e) < 0 ||
	    structure_street_add(fx.db, &fx.s1, "东湖街道", &e) < 0 ||
	    structure_street_add(fx.db, &fx.s2, "西湖街道", &e) < 0 ||
	    structure_community_add(fx.db, &fx.c1, fx.s1, "幸福社区", &e) < 0 ||
	    structure_community_add(fx.db, &fx.c2, fx.s1, "和平社区", &e) < 0 ||
	    structure_community_add(fx.db, &fx.c3, fx.s2, "长安社区", &e) < 0 ||
	    structure_grid_add(fx.db, &fx.g1, fx.c1, "第一网格", &e) < 0 ||
	    structure_grid_add(fx.db, &fx.g2, fx.c2, "第一网格", &e) < 0 ||
	    structure_compound_add(fx.db, &fx.p1, fx.c1, "幸福小区", fx.g1, "幸福路1号", &e) < 0 ||
	    structure_compound_add(fx.db, &fx.p2, fx.c2, "和平小区", 0, NULL, &e) < 0 ||
	    structure_building_add(fx.db, &fx.b1, fx.c1, fx.p1, "1号楼", fx.g1, &e) < 0 ||
	    structure_building_add(fx.db, &fx.b2, fx.c2, fx.p2, "1号楼", 0, &e) < 0) {
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

/* A new building in compound p1 of community c1, for one test. */
static int64_t new_building(void)
{
	struct err e = ERR_INIT;
	char name[32];
	int64_t id = 0;
	snprintf(name, sizeof(name), "测试楼%d", ++fx.seq);
	assert_int_equal(structure_building_add(fx.db, &id, fx.c1, fx.p1, name, 0, &e), 0);
	assert_true(id > 0);
	return id;
}

static json_t *building(int64_t community, int64_t id)
{
	struct err e = ERR_INIT;
	json_t *b = NULL;
	if (structure_building_get(fx.db, &b, community, id, &e) < 0)
		fail_msg("building %lld: %s", (long long)id, e.message);
	return b;
}

/* Every dwelling of a building as "floor:room:area" lines, in the order
 * building_get gives them, and the number of dwellings. */
static size_t dwellings_of(json_t *b, char *out, size_t n)
{
	size_t count = 0, i, j;
	json_t *u, *d;
	out[0] = '\0';
	json_array_foreach(json_object_get(b, "units"), i, u) {
		json_array_foreach(json_object_get(u, "dwellings"), j, d) {
			size_t len = strlen(out);
			snprintf(out + len, n - len, "%lld:%s:%lld\n",
				 (long long)json_integer_value(json_object_get(d, "floor")),
				 json_string_value(json_object_get(d, "room")),
				 (long long)json_integer_value(json_object_get(d, "area")));
			count++;
		}
	}
	return count;
}

static int64_t jint(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	if (!json_is_integer(v))
		fail_msg("%s is not an integer", key);
	return json_integer_value(v);
}

/* ---- adding nodes ---- */

static void test_setup_ids(void **state)
{
	(void)state;
	int64_t ids[] = { fx.s1, fx.s2, fx.c1, fx.c2, fx.c3, fx.g1, fx.g2, fx.p1, fx.p2, fx.b1, fx.b2 };
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		assert_true(ids[i] > 0);
	assert_int_not_equal(fx.c1, fx.c2);
	assert_int_not_equal(fx.b1, fx.b2);
}

static void test_duplicate_names_conflict(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	int64_t id = -1;

	assert_int_equal(structure_street_add(fx.db, &id, "东湖街道", &e), -1);
	assert_int_equal(e.code, ERR_CONFLICT);
	assert_string_equal(e.field, "name");

	err_clear(&e);
	assert_int_equal(structure_community_add(fx.db, &id, fx.s1, "幸福社区", &e), -1);
	assert_int_equal(e.code, ERR_CONFLICT);
	assert_string_equal(e.field, "name");

	err_clear(&e);
	assert_int_equal(structure_grid_add(fx.db, &id, fx.c1, "第一网格", &e), -1);
	assert_int_equal(e.code, ERR_CONFLICT);
	assert_string_equal(e.field, "name");

	err_clear(&e);
	assert_int_equal(structure_compound_add(fx.db, &id, fx.c1, "幸福小区", 0, NULL, &e), -1);
	assert_int_equal(e.code, ERR_CONFLICT);
	assert_string_equal(e.field, "name");

	err_clear(&e);
	assert_int_equal(structure_building_add(fx.db, &id, fx.c1, fx.p1, "1号楼", 0, &e), -1);
	assert_int_equal(e.code, ERR_CONFLICT);
	assert_string_equal(e.field, "name");
	assert_int_equal(id, -1);
}

static void test_same_name_elsewhere_is_fine(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	int64_t id = 0;
	/* the same community name in another street */
	assert_int_equal(structure_community_add(fx.db, &id, fx.s2, "幸福社区", &e), 0);
	assert_true(id > fx.c3);
	/* grids of two communities were both called 第一网格 in setup; the
	 * same compound name in another community */
	assert_int_equal(structure_compound_add(fx.db, &id, fx.c2, "幸福小区", 0, NULL, &e), 0);
	/* the same building name in another compound (b2 is 1号楼 too) */
	int64_t compound = id;
	assert_int_equal(structure_building_add(fx.db, &id, fx.c2, compound, "1号楼", 0, &e), 0);
	assert_int_not_equal(id, fx.b2);
	assert_int_equal(e.code, ERR_NONE);
}

static void test_community_of_unknown_street(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	int64_t id = -1;
	assert_int_equal(structure_community_add(fx.db, &id, 999999, "无处社区", &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	assert_string_equal(e.field, "street_id");
	assert_int_equal(id, -1);
	err_clear(&e);
	assert_int_equal(structure_street_exists(fx.db, fx.s2, &e), 0);
	assert_int_equal(structure_street_exists(fx.db, 0, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
}

static void test_compound_with_grid_of_other_community(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	int64_t id = -1;
	assert_int_equal(structure_compound_add(fx.db, &id, fx.c1, "越界小区", fx.g2, NULL, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	assert_string_equal(e.field, "grid_id");
	assert_int_equal(id, -1);
	/* and nothing was added: the name is still free */
	err_clear(&e);
	assert_int_equal(structure_compound_add(fx.db, &id, fx.c1, "越界小区", fx.g1, NULL, &e), 0);
	/* a grid that does not exist at all */
	err_clear(&e);
	assert_int_equal(structure_compound_add(fx.db, &id, fx.c1, "无网格小区", 999999, NULL, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	assert_string_equal(e.field, "grid_id");
}

static void test_building_refusals(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	int64_t id = -1;
	/* a compound of another community */
	assert_int_equal(structure_building_add(fx.db, &id, fx.c1, fx.p2, "越界楼", 0, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	assert_string_equal(e.field, "compound_id");
	/* a grid of another community */
	err_clear(&e);
	assert_int_equal(structure_building_add(fx.db, &id, fx.c1, fx.p1, "越界楼", fx.g2, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	assert_string_equal(e.field, "grid_id");
	assert_int_equal(id, -1);
}

static void test_community_get(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	struct err e = ERR_INIT;
	struct community c;
	assert_int_equal(structure_community_get(fx.db, &c, fx.c1, &a, &e), 0);
	assert_int_equal(c.id, fx.c1);
	assert_int_equal(c.street_id, fx.s1);
	assert_string_equal(c.name, "幸福社区");
	assert_string_equal(c.street_name, "东湖街道");
	assert_int_equal(structure_community_get(fx.db, &c, 999999, &a, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	arena_release(&a);
}

/* ---- room names and layouts ---- */

static void test_room_names(void **state)
{
	(void)state;
	static const struct {
		int64_t floor, room;
		const char *want;
	} cases[] = {
		{ 12, 3, "1203" }, { 1, 1, "101" },   { 1, 20, "120" },   { 9, 9, "909" },
		{ 10, 1, "1001" }, { 99, 20, "9920" }, { -1, 1, "B101" }, { -5, 20, "B520" },
		{ -2, 12, "B212" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char out[16];
		memset(out, 'x', sizeof(out));
		structure_room_name(out, cases[i].floor, cases[i].room);
		assert_string_equal(out, cases[i].want);
	}
}

static void test_layout_counts_and_names(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	int64_t b = new_building(), units = -1, dwellings = -1;
	struct layout l = { .units = 2, .floors = 3, .rooms_per_floor = 4, .area = 8950,
			    .first_floor = 1 };
	char list[4096];

	assert_int_equal(structure_layout(fx.db, fx.c1, b, &l, &units, &dwellings, &e), 0);
	assert_int_equal(units, 2);
	assert_int_equal(dwellings, 2 * 3 * 4);
	assert_false(store_in_tx(fx.db));

	json_t *o = building(fx.c1, b);
	assert_int_equal(jint(o, "top_floor"), 3);
	assert_int_equal(jint(o, "bottom_floor"), 1);
	assert_int_equal(jint(o, "floors"), 3);
	json_t *us = json_object_get(o, "units");
	assert_int_equal(json_array_size(us), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(us, 0), "name")), "1单元");
	assert_string_equal(json_string_value(json_object_get(json_array_get(us, 1), "name")), "2单元");
	assert_int_equal(dwellings_of(o, list, sizeof(list)), 24);
	/* each unit from the top floor down, rooms in order */
	const char *unit =
		"3:301:8950\n3:302:8950\n3:303:8950\n3:304:8950\n"
		"2:201:8950\n2:202:8950\n2:203:8950\n2:204:8950\n"
		"1:101:8950\n1:102:8950\n1:103:8950\n1:104:8950\n";
	char want[4096];
	snprintf(want, sizeof(want), "%s%s", unit, unit);
	assert_string_equal(list, want);
	json_decref(o);
}

static void test_layout_basement_skips_floor_zero(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	int64_t b = new_building(), units, dwellings;
	struct layout l = { .units = 1, .floors = 3, .rooms_per_floor = 2, .area = 5000,
			    .first_floor = -1 };
	char list[1024];

	assert_int_equal(structure_layout(fx.db, fx.c1, b, &l, &units, &dwellings, &e), 0);
	assert_int_equal(dwellings, 6);
	json_t *o = building(fx.c1, b);
	assert_int_equal(dwellings_of(o, list, sizeof(list)), 6);
	assert_string_equal(list, "2:201:5000\n2:202:5000\n1:101:5000\n1:102:5000\n"
				  "-1:B101:5000\n-1:B102:5000\n");
	assert_int_equal(jint(o, "top_floor"), 2);
	assert_int_equal(jint(o, "bottom_floor"), -1);
	assert_int_equal(jint(o, "floors"), 3); /* -1, 1, 2: no floor 0 */
	json_decref(o);
}

static void test_layout_room_areas(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	int64_t b = new_building(), units, dwellings;
	const int64_t areas[] = { 6000, 12000 };
	struct layout l = { .units = 1, .floors = 2, .rooms_per_floor = 2, .area = 1,
			    .first_floor = 5, .room_areas = areas };
	char list[1024];
	assert_int_equal(structure_layout(fx.db, fx.c1, b, &l, &units, &dwellings, &e), 0);
	json_t *o = building(fx.c1, b);
	dwellings_of(o, list, sizeof(list));
	assert_string_equal(list, "6:601:6000\n6:602:12000\n5:501:6000\n5:502:12000\n");
	json_decref(o);
}

static void test_layout_twice_conflicts_and_adds_nothing(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	int64_t b = new_building(), units, dwellings;
	struct layout l = { .units = 1, .floors = 2, .rooms_per_floor = 2, .area = 7000,
			    .first_floor = 1 };
	char before[1024], after[1024];

	assert_int_equal(structure_layout(fx.db, fx.c1, b, &l, &units, &dwellings, &e), 0);
	json_t *o = building(fx.c1, b);
	assert_int_equal(dwellings_of(o, before, sizeof(before)), 4);
	json_decref(o);

	/* a different layout the second time: still refused */
	struct layout again = { .units = 3, .floors = 5, .rooms_per_floor = 1, .area = 7000,
				.first_floor = -2 };
	units = dwellings = -1;
	assert_int_equal(structure_layout(fx.db, fx.c1, b, &again, &units, &dwellings, &e), -1);
	assert_int_equal(e.code, ERR_CONFLICT);
	assert_int_equal(units, 0);
	assert_int_equal(dwellings, 0);
	assert_false(store_in_tx(fx.db));

	o = building(fx.c1, b);
	assert_int_equal(dwellings_of(o, after, sizeof(after)), 4);
	assert_int_equal(json_array_size(json_object_get(o, "units")), 1);
	assert_string_equal(after, before);
	json_decref(o);
}

static void test_layout_other_community_building(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	int64_t units = -1, dwellings = -1;
	struct layout l = { .units = 1, .floors = 1, .rooms_per_floor = 1, .area = 100,
			    .first_floor = 1 };
	/* b2 belongs to c2 */
	assert_int_equal(structure_layout(fx.db, fx.c1, fx.b2, &l, &units, &dwellings, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	assert_int_equal(units, 0);
	json_t *o = building(fx.c2, fx.b2);
	assert_int_equal(json_array_size(json_object_get(o, "units")), 0);
	assert_int_equal(jint(o, "floors"), 0);
	json_decref(o);
}

static void check_layout(struct layout l, const char *field)
{
	struct err e = ERR_INIT;
	int rc = structure_layout_check(&l, &e);
	if (!field) {
		if (rc != 0)
			fail_msg("refused %lld×%lld×%lld area %lld from %lld: %s", (long long)l.units,
				 (long long)l.floors, (long long)l.rooms_per_floor, (long long)l.area,
				 (long long)l.first_floor, e.message);
		return;
	}
	if (rc != -1)
		fail_msg("accepted, wanted %s refused", field);
	assert_int_equal(e.code, ERR_INVALID);
	assert_string_equal(e.field, field);
}

static void test_layout_check_bounds(void **state)
{
	(void)state;
	const struct layout ok = { .units = 1, .floors = 1, .rooms_per_floor = 1, .area = 1,
				   .first_floor = 1 };
	struct layout l;
	check_layout(ok, NULL);

	l = ok, l.units = 0, check_layout(l, "units");
	l = ok, l.units = 20, check_layout(l, NULL);
	l = ok, l.units = 21, check_layout(l, "units");
	l = ok, l.floors = 0, check_layout(l, "floors");
	l = ok, l.floors = 99, check_layout(l, NULL);
	l = ok, l.floors = 100, check_layout(l, "floors");
	l = ok, l.rooms_per_floor = 0, check_layout(l, "rooms_per_floor");
	l = ok, l.rooms_per_floor = 20, check_layout(l, NULL);
	l = ok, l.rooms_per_floor = 21, check_layout(l, "rooms_per_floor");
	l = ok, l.area = 0, check_layout(l, "area");
	l = ok, l.area = STRUCTURE_AREA_MAX, check_layout(l, NULL);
	l = ok, l.area = STRUCTURE_AREA_MAX + 1, check_layout(l, "area");
	l = ok, l.first_floor = -6, check_layout(l, "first_floor");
	l = ok, l.first_floor = -5, check_layout(l, NULL);
	l = ok, l.first_floor = 0, check_layout(l, NULL);
	l = ok, l.first_floor = 99, check_layout(l, NULL);
	l = ok, l.first_floor = 100, check_layout(l, "first_floor");
	l = ok, l.units = INT64_MIN, check_layout(l, "units");
	l = ok, l.floors = INT64_MAX, check_layout(l, "floors");

	/* dwellings: exactly 5000 passes; 5001 cannot be written as
	 * units×floors×rooms within the bounds, and 5005 (5×77×13) is the
	 * smallest product above 5000 that can */
	l = ok, l.units = 10, l.floors = 25, l.rooms_per_floor = 20, check_layout(l, NULL);
	l = ok, l.units = 5, l.floors = 50, l.rooms_per_floor = 20, check_layout(l, NULL);
	l = ok, l.units = 5, l.floors = 77, l.rooms_per_floor = 13, check_layout(l, "floors");
	l = ok, l.units = 20, l.floors = 99, l.rooms_per_floor = 20, check_layout(l, "floors");
}

static void test_layout_refused_before_writing(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	int64_t b = new_building(), units = -1, dwellings = -1;
	struct layout l = { .units = 21, .floors = 1, .rooms_per_floor = 1, .area = 1,
			    .first_floor = 1 };
	assert_int_equal(structure_layout(fx.db, fx.c1, b, &l, &units, &dwellings, &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
	assert_string_equal(e.field, "units");
	assert_int_equal(units, 0);
	json_t *o = building(fx.c1, b);
	assert_int_equal(json_array_size(json_object_get(o, "units")), 0);
	json_decref(o);
}

/*
 * layout_check allows first_floor up to 99 and up to 99 floors, so a
 * building can reach floor 197; structure_room_name() assumes floors
 * within -5..99 and takes floor % 100, so floor 100's first room is named
 * "001" (and floor 105's "501").  Either the layout is refused, or each
 * room is named after its floor: floor 100, room 1 is "10001".
 */
static void test_layout_high_floors_named_after_their_floor(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	int64_t b = new_building(), units, dwellings;
	struct layout l = { .units = 1, .floors = 99, .rooms_per_floor = 1, .area = 100,
			    .first_floor = 2 };
	if (structure_layout(fx.db, fx.c1, b, &l, &units, &dwellings, &e) < 0) {
		assert_int_equal(e.code, ERR_INVALID); /* refusing is one fix */
		return;
	}
	json_t *o = building(fx.c1, b), *u = json_array_get(json_object_get(o, "units"), 0), *d;
	size_t i;
	assert_int_equal(jint(o, "top_floor"), 100);
	json_array_foreach(json_object_get(u, "dwellings"), i, d) {
		char want[32];
		int64_t floor = jint(d, "floor");
		snprintf(want, sizeof(want), "%lld01", (long long)floor);
		char room[32];
		snprintf(room, sizeof(room), "%s", json_string_value(json_object_get(d, "room")));
		if (strcmp(room, want)) {
			json_decref(o);
			fail_msg("floor %lld: room \"%s\", want \"%s\"", (long long)floor, room, want);
		}
	}
	json_decref(o);
}

/* ---- reading ---- */

static void test_building_get(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	json_t *o = building(fx.c1, fx.b1);
	assert_int_equal(jint(o, "id"), fx.b1);
	assert_string_equal(json_string_value(json_object_get(o, "name")), "1号楼");
	assert_int_equal(jint(o, "compound_id"), fx.p1);
	assert_string_equal(json_string_value(json_object_get(o, "compound_name")), "幸福小区");
	assert_int_equal(jint(o, "grid_id"), fx.g1);
	json_decref(o);
	o = building(fx.c2, fx.b2);
	assert_true(json_is_null(json_object_get(o, "grid_id")));
	json_decref(o);

	/* another community's building, and one that does not exist */
	o = NULL;
	assert_int_equal(structure_building_get(fx.db, &o, fx.c1, fx.b2, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	assert_null(o);
	err_clear(&e);
	assert_int_equal(structure_building_get(fx.db, &o, fx.c2, fx.b1, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	err_clear(&e);
	assert_int_equal(structure_building_get(fx.db, &o, fx.c1, 999999, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	assert_null(o);
}

/* One page of structure_dwellings, parsed. */
static json_t *page(int64_t community, int64_t building_id, int64_t after, int64_t limit)
{
	struct jsonw w = JSONW_INIT;
	struct err e = ERR_INIT;
	json_error_t je;
	if (structure_dwellings(fx.db, &w, community, building_id, after, limit, &e) < 0)
		fail_msg("dwellings: %s", e.message);
	json_t *o = json_loadb(w.sb.buf, w.sb.len, 0, &je);
	if (!o)
		fail_msg("not JSON (%s): %s", je.text, w.sb.buf);
	jw_release(&w);
	return o;
}

static void test_dwellings_paging(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	int64_t b = new_building(), units, dwellings, ids[5];
	struct layout l = { .units = 1, .floors = 1, .rooms_per_floor = 5, .area = 4200,
			    .first_floor = 1 };
	assert_int_equal(structure_layout(fx.db, fx.c1, b, &l, &units, &dwellings, &e), 0);

	/* all five in one page: ids ascending, next null */
	json_t *o = page(fx.c1, b, 0, 5), *list = json_object_get(o, "dwellings"), *d;
	size_t i;
	assert_int_equal(json_array_size(list), 5);
	assert_true(json_is_null(json_object_get(o, "next")));
	json_array_foreach(list, i, d) {
		ids[i] = jint(d, "id");
		if (i)
			assert_true(ids[i] > ids[i - 1]);
		assert_int_equal(jint(d, "building_id"), b);
		assert_int_equal(jint(d, "floor"), 1);
		assert_int_equal(jint(d, "area"), 4200);
		assert_string_equal(json_string_value(json_object_get(d, "unit")), "1单元");
		char room[32];
		snprintf(room, sizeof(room), "10%zu", i + 1);
		assert_string_equal(json_string_value(json_object_get(d, "room")), room);
	}
	json_decref(o);

	/* pages of two: 2, 2, 1 */
	o = page(fx.c1, b, 0, 2);
	list = json_object_get(o, "dwellings");
	assert_int_equal(json_array_size(list), 2);
	assert_int_equal(jint(json_array_get(list, 0), "id"), ids[0]);
	assert_int_equal(jint(o, "next"), ids[1]);
	json_decref(o);
	o = page(fx.c1, b, ids[1], 2);
	list = json_object_get(o, "dwellings");
	assert_int_equal(json_array_size(list), 2);
	assert_int_equal(jint(json_array_get(list, 0), "id"), ids[2]);
	assert_int_equal(jint(o, "next"), ids[3]);
	json_decref(o);
	o = page(fx.c1, b, ids[3], 2);
	list = json_object_get(o, "dwellings");
	assert_int_equal(json_array_size(list), 1);
	assert_int_equal(jint(json_array_get(list, 0), "id"), ids[4]);
	assert_true(json_is_null(json_object_get(o, "next")));
	json_decref(o);
	/* past the end */
	o = page(fx.c1, b, ids[4], 2);
	assert_int_equal(json_array_size(json_object_get(o, "dwellings")), 0);
	assert_true(json_is_null(json_object_get(o, "next")));
	json_decref(o);

	/* exactly limit rows left: no next page */
	o = page(fx.c1, b, ids[0], 4);
	assert_int_equal(json_array_size(json_object_get(o, "dwellings")), 4);
	assert_true(json_is_null(json_object_get(o, "next")));
	json_decref(o);

	/* another community sees none of them, even naming the building */
	o = page(fx.c2, b, 0, 50);
	assert_int_equal(json_array_size(json_object_get(o, "dwellings")), 0);
	json_decref(o);
	/* building 0 lists the whole community, which includes them */
	o = page(fx.c1, 0, ids[0] - 1, 200);
	list = json_object_get(o, "dwellings");
	assert_true(json_array_size(list) >= 5);
	json_array_foreach(list, i, d) {
		int64_t bid = jint(d, "building_id");
		json_t *bo = NULL;
		assert_int_equal(structure_building_get(fx.db, &bo, fx.c1, bid, &e), 0);
		json_decref(bo);
	}
	json_decref(o);
}

static void test_dwelling_update(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	int64_t b = new_building(), units, dwellings;
	struct layout l = { .units = 1, .floors = 1, .rooms_per_floor = 2, .area = 4200,
			    .first_floor = 1 };
	assert_int_equal(structure_layout(fx.db, fx.c1, b, &l, &units, &dwellings, &e), 0);
	json_t *o = page(fx.c1, b, 0, 2), *list = json_object_get(o, "dwellings");
	int64_t d1 = jint(json_array_get(list, 0), "id");
	json_decref(o);

	json_t *d = NULL;
	assert_int_equal(structure_dwelling_update(fx.db, &d, fx.c1, d1, 9999, "101A", &e), 0);
	assert_int_equal(jint(d, "area"), 9999);
	assert_string_equal(json_string_value(json_object_get(d, "room")), "101A");
	json_decref(d);
	/* unchanged when area is negative and room NULL */
	assert_int_equal(structure_dwelling_update(fx.db, &d, fx.c1, d1, -1, NULL, &e), 0);
	assert_int_equal(jint(d, "area"), 9999);
	json_decref(d);
	/* the other room's number */
	d = NULL;
	assert_int_equal(structure_dwelling_update(fx.db, &d, fx.c1, d1, -1, "102", &e), -1);
	assert_int_equal(e.code, ERR_CONFLICT);
	assert_string_equal(e.field, "room");
	assert_null(d);
	/* from another community: not found, and not changed */
	err_clear(&e);
	assert_int_equal(structure_dwelling_update(fx.db, &d, fx.c2, d1, 1, NULL, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	assert_false(store_in_tx(fx.db));
	o = page(fx.c1, b, 0, 1);
	assert_int_equal(jint(json_array_get(json_object_get(o, "dwellings"), 0), "area"), 9999);
	json_decref(o);
}

static void test_locate(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	int64_t c = -1, s = -1;
	assert_int_equal(structure_locate(fx.db, "street", fx.s2, &c, &s, &e), 0);
	assert_int_equal(c, 0);
	assert_int_equal(s, fx.s2);
	assert_int_equal(structure_locate(fx.db, "community", fx.c3, &c, &s, &e), 0);
	assert_int_equal(c, fx.c3);
	assert_int_equal(s, fx.s2);
	assert_int_equal(structure_locate(fx.db, "grid", fx.g2, &c, &s, &e), 0);
	assert_int_equal(c, fx.c2);
	assert_int_equal(s, fx.s1);
	assert_int_equal(structure_locate(fx.db, "building", fx.b1, &c, &s, &e), 0);
	assert_int_equal(c, fx.c1);
	assert_int_equal(s, fx.s1);
	assert_int_equal(e.code, ERR_NONE);

	c = s = -1;
	assert_int_equal(structure_locate(fx.db, "building", 999999, &c, &s, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	assert_string_equal(e.field, "scope_id");
	assert_int_equal(c, -1);
	err_clear(&e);
	assert_int_equal(structure_locate(fx.db, "compound", fx.p1, &c, &s, &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
	assert_string_equal(e.field, "scope");
	err_clear(&e);
	assert_int_equal(structure_locate(fx.db, "platform", 0, &c, &s, &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
}

static void test_lists_and_tree(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	struct err e = ERR_INIT;
	json_t *streets = NULL, *comms = NULL, *tree = NULL, *v;
	size_t i;

	assert_int_equal(structure_streets(fx.db, &streets, &e), 0);
	assert_true(json_array_size(streets) >= 2);
	json_array_foreach(streets, i, v) {
		if (jint(v, "id") == fx.s1)
			assert_int_equal(jint(v, "communities"), 2);
	}
	json_decref(streets);

	assert_int_equal(structure_communities(fx.db, &comms, &e), 0);
	bool seen = false;
	json_array_foreach(comms, i, v) {
		if (jint(v, "id") != fx.c3)
			continue;
		seen = true;
		assert_string_equal(json_string_value(json_object_get(v, "street_name")), "西湖街道");
		assert_int_equal(jint(v, "buildings"), 0);
		assert_int_equal(jint(v, "dwellings"), 0);
	}
	assert_true(seen);
	json_decref(comms);

	/* c2's tree: one grid; compound p2 (test_same_name_elsewhere_is_fine
	 * may have added another) with building b2 under it */
	struct community c;
	assert_int_equal(structure_community_get(fx.db, &c, fx.c2, &a, &e), 0);
	assert_int_equal(structure_tree(fx.db, &c, &tree, &e), 0);
	assert_int_equal(jint(tree, "id"), fx.c2);
	assert_string_equal(json_string_value(json_object_get(tree, "street_name")), "东湖街道");
	json_t *counts = json_object_get(tree, "counts");
	assert_int_equal(jint(counts, "grids"), 1);
	assert_int_equal(jint(counts, "units"), 0);
	json_t *p2 = NULL;
	json_array_foreach(json_object_get(tree, "compounds"), i, v) {
		if (jint(v, "id") == fx.p2)
			p2 = v;
	}
	assert_non_null(p2);
	assert_true(json_is_null(json_object_get(p2, "grid_id")));
	json_t *bs = json_object_get(p2, "buildings");
	assert_int_equal(json_array_size(bs), 1);
	assert_int_equal(jint(json_array_get(bs, 0), "id"), fx.b2);
	json_decref(tree);
	arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_setup_ids),
		cmocka_unit_test(test_duplicate_names_conflict),
		cmocka_unit_test(test_same_name_elsewhere_is_fine),
		cmocka_unit_test(test_community_of_unknown_street),
		cmocka_unit_test(test_compound_with_grid_of_other_community),
		cmocka_unit_test(test_building_refusals),
		cmocka_unit_test(test_community_get),
		cmocka_unit_test(test_room_names),
		cmocka_unit_test(test_layout_counts_and_names),
		cmocka_unit_test(test_layout_basement_skips_floor_zero),
		cmocka_unit_test(test_layout_room_areas),
		cmocka_unit_test(test_layout_twice_conflicts_and_adds_nothing),
		cmocka_unit_test(test_layout_other_community_building),
		cmocka_unit_test(test_layout_check_bounds),
		cmocka_unit_test(test_layout_refused_before_writing),
		cmocka_unit_test(test_layout_high_floors_named_after_their_floor),
		cmocka_unit_test(test_building_get),
		cmocka_unit_test(test_dwellings_paging),
		cmocka_unit_test(test_dwelling_update),
		cmocka_unit_test(test_locate),
		cmocka_unit_test(test_lists_and_tree),
	};
	return cmocka_run_group_tests_name("registry/structure", tests, group_setup, group_teardown);
}
