/*
 * test_plan.c - emergency preparedness (src/field/): plans from templates
 * and their versions, supply alerts at their boundaries, drill timings,
 * the contact tree's gaps and the care list ranked gaps first.
 *
 * One temporary database, migrated with all_migrations(), holds two
 * communities of one street: the first with a grid, a building in it and
 * a building with no grid.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "field/contact.h"
#include "field/drill.h"
#include "field/plan.h"
#include "field/supply.h"
#include "registry/structure.h"
#include "routes.h"

#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct {
	char *dir;
	struct store *db;
	int64_t s1, c1, c2, g1, p1, p2, b1, b2, bx;
	struct arena a;
} fx;

static const struct prep_actor who = {1, "李娟", "127.0.0.1"};

static int group_setup(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	char p[4200];
	size_t n = 0;
	const struct migration *m = all_migrations(&n);

	arena_init(&fx.a);
	if (!(fx.dir = tmpdir_make()))
		return -1;
	tmpdir_path(p, sizeof(p), fx.dir, "plan.sqlite");
	if (store_open(&fx.db, p, NULL, &e) < 0 || store_migrate(fx.db, m, n, NULL, &e) < 0 ||
	    structure_street_add(fx.db, &fx.s1, "东湖街道", &e) < 0 ||
	    structure_community_add(fx.db, &fx.c1, fx.s1, "幸福社区", &e) < 0 ||
	    structure_community_add(fx.db, &fx.c2, fx.s1, "和平社区", &e) < 0 ||
	    structure_grid_add(fx.db, &fx.g1, fx.c1, "第一网格", &e) < 0 ||
	    structure_compound_add(fx.db, &fx.p1, fx.c1, "幸福小区", fx.g1, NULL, &e) < 0 ||
	    structure_compound_add(fx.db, &fx.p2, fx.c1, "老街", 0, NULL, &e) < 0 ||
	    structure_building_add(fx.db, &fx.b1, fx.c1, fx.p1, "1号楼", 0, &e) < 0 ||
	    structure_building_add(fx.db, &fx.b2, fx.c1, fx.p2, "2号楼", 0, &e) < 0) {
		fprintf(stderr, "setup: %s (%s)\n", e.message, e.field);
		return -1;
	}
	int64_t px;
	if (structure_compound_add(fx.db, &px, fx.c2, "和平小区", 0, NULL, &e) < 0 ||
	    structure_building_add(fx.db, &fx.bx, fx.c2, px, "9号楼", 0, &e) < 0)
		return -1;
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	store_close(fx.db);
	tmpdir_remove(fx.dir);
	arena_release(&fx.a);
	return 0;
}

static void test_dates(void **state)
{
	(void)state;
	char today[11];
	assert_true(prep_date_valid("2024-02-29"));
	assert_false(prep_date_valid("2023-02-29"));
	assert_false(prep_date_valid("2026-13-01"));
	assert_false(prep_date_valid("2026-04-31"));
	assert_false(prep_date_valid("2026-4-1"));
	assert_int_equal(prep_day_number("1970-01-01"), 0);
	assert_int_equal(prep_day_number("2024-03-01") - prep_day_number("2024-02-28"), 2);
	assert_int_equal(prep_day_number("2026-01-01") - prep_day_number("2025-12-31"), 1);
	/* 2026-06-01 16:00 UTC is already 06-02 in China */
	prep_today(today, 1780272000 + 16 * 3600);
	assert_string_equal(today, "2026-06-02");
	prep_today(today, 1780272000 + 15 * 3600 + 3599);
	assert_string_equal(today, "2026-06-01");
}

static void check_field(const char *json, const char *field)
{
	struct err e = ERR_INIT;
	json_t *in = json_loads(json, 0, NULL), *out = NULL;
	assert_non_null(in);
	assert_int_equal(plan_body_check(&out, in, &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
	assert_string_equal(e.field, field);
	json_decref(in);
}

static void test_templates_and_body(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	for (int i = 0; i < PREP_HAZARDS; i++) {
		for (int l = 0; l < 2; l++) {
			json_t *t = plan_template(prep_hazards[i], l ? "en" : "zh"), *out = NULL;
			assert_non_null(t);
			assert_int_equal(plan_body_check(&out, t, &e), 0);
			assert_true(json_equal(t, out));
			json_t *roles = json_object_get(out, "roles");
			assert_int_equal(json_array_size(roles), 5);
			/* the commander carries the hazard's own task in each phase */
			json_t *cmd = json_array_get(roles, 0);
			assert_string_equal(json_string_value(json_object_get(cmd, "code")),
			                    "commander");
			assert_int_equal(json_array_size(json_object_get(
			                     json_object_get(cmd, "tasks"), "during")),
			                 2);
			assert_true(json_array_size(json_object_get(out, "phones")) >= 5);
			json_decref(t);
			json_decref(out);
		}
	}
	json_t *zh = plan_template("earthquake", "zh");
	assert_string_equal(json_string_value(json_object_get(zh, "title")), "地震应急预案");
	json_decref(zh);
	assert_null(plan_template("tsunami", "zh"));
	assert_null(plan_template("flood", "fr"));

	check_field("{\"title\":\"x\",\"colour\":1}", "colour");
	check_field("{\"summary\":\"x\"}", "title");
	check_field("{\"title\":\"x\",\"roles\":[{\"code\":\"a\",\"name_zh\":\"甲\"},"
	            "{\"code\":\"a\",\"name_zh\":\"乙\"}]}",
	            "roles[1].code");
	check_field("{\"title\":\"x\",\"roles\":[{\"code\":\"A\",\"name_zh\":\"甲\"}]}",
	            "roles[0].code");
	check_field("{\"title\":\"x\",\"roles\":[{\"code\":\"a\",\"name_zh\":\"甲\","
	            "\"tasks\":{\"during\":[\"\"]}}]}",
	            "roles[0].tasks.during[0]");
	check_field("{\"title\":\"x\",\"phones\":[{\"name\":\"火警\",\"number\":\"119a\"}]}",
	            "phones[0].number");
	check_field("{\"title\":\"x\",\"gathering_points\":[{\"name\":\"广场\",\"capacity\":-1}]}",
	            "gathering_points[0].capacity");
	/* a title of exactly 100 characters passes, 101 does not */
	char t[1024] = "{\"title\":\"";
	for (int i = 0; i < 100; i++)
		strcat(t, "预");
	strcat(t, "\"}");
	json_t *in = json_loads(t, 0, NULL), *out = NULL;
	assert_int_equal(plan_body_check(&out, in, &e), 0);
	assert_int_equal(json_array_size(json_object_get(out, "roles")), 0);
	json_decref(out);
	json_decref(in);
	t[strlen(t) - 2] = '\0';
	strcat(t, "预\"}");
	check_field(t, "title");
}

static const char *title_of(const json_t *body)
{
	return json_string_value(json_object_get(body, "title"));
}

static void test_plan_versions_and_roles(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	int64_t id = 0, id2 = 0, v = 0;
	json_t *p, *body, *old;

	assert_int_equal(plan_create(fx.db, &id, fx.c1, "flood", "zh", &who, &e), 0);
	assert_int_equal(plan_create(fx.db, &id2, fx.c1, "flood", "en", &who, &e), -1);
	assert_int_equal(e.code, ERR_CONFLICT);
	assert_string_equal(e.field, "hazard");
	err_clear(&e);
	assert_int_equal(plan_create(fx.db, &id2, fx.c1, "meteor", "zh", &who, &e), -1);
	assert_string_equal(e.field, "hazard");
	err_clear(&e);
	/* another community: not found */
	assert_int_equal(plan_get(fx.db, &p, fx.c2, id, true, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	err_clear(&e);

	/* nothing published yet: readers see no plan text, the draft is the template */
	assert_int_equal(plan_get(fx.db, &p, fx.c1, id, true, &e), 0);
	assert_true(json_is_null(json_object_get(p, "published")));
	assert_string_equal(title_of(json_object_get(p, "draft")), "洪涝应急预案");
	assert_int_equal(json_integer_value(json_object_get(p, "version")), 0);
	/* five roles, nobody assigned: five gaps, each missing a person */
	assert_int_equal(json_array_size(json_object_get(p, "gaps")), 5);
	json_decref(p);

	assert_int_equal(plan_publish(fx.db, &v, fx.c1, id, &who, &e), 0);
	assert_int_equal(v, 1);
	assert_int_equal(plan_publish(fx.db, &v, fx.c1, id, &who, &e), -1);
	assert_int_equal(e.code, ERR_CONFLICT);
	assert_string_equal(e.field, "draft");
	err_clear(&e);

	/* edit the draft: the published version stays */
	body = plan_template("flood", "zh");
	json_object_set_new(body, "title", json_string("阳光社区防汛预案"));
	assert_int_equal(plan_draft_put(fx.db, fx.c1, id, body, &who, &e), 0);
	json_decref(body);
	assert_int_equal(plan_get(fx.db, &p, fx.c1, id, false, &e), 0);
	assert_string_equal(title_of(json_object_get(p, "published")), "洪涝应急预案");
	assert_null(json_object_get(p, "draft"));
	assert_true(json_is_true(json_object_get(p, "draft_changed")));
	json_decref(p);
	assert_int_equal(plan_publish(fx.db, &v, fx.c1, id, &who, &e), 0);
	assert_int_equal(v, 2);
	assert_int_equal(plan_version_get(fx.db, &old, fx.c1, id, 1, &e), 0);
	assert_string_equal(title_of(old), "洪涝应急预案");
	json_decref(old);
	assert_int_equal(plan_version_get(fx.db, &old, fx.c2, id, 1, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	err_clear(&e);
	assert_int_equal(plan_get(fx.db, &p, fx.c1, id, false, &e), 0);
	assert_string_equal(title_of(json_object_get(p, "published")), "阳光社区防汛预案");
	assert_false(json_is_true(json_object_get(p, "draft_changed")));
	assert_int_equal(json_array_size(json_object_get(p, "versions")), 2);
	json_decref(p);

	/* roles */
	struct plan_assignment a = {"commander", 5, "王强", 5, "王强"};
	assert_int_equal(plan_assign(fx.db, fx.c1, id, &a, &who, &e), -1);
	assert_string_equal(e.field, "backup_user_id");
	err_clear(&e);
	a.role = "astronaut";
	a.backup_user_id = 0;
	assert_int_equal(plan_assign(fx.db, fx.c1, id, &a, &who, &e), -1);
	assert_string_equal(e.field, "role");
	err_clear(&e);
	a.role = "commander";
	assert_int_equal(plan_assign(fx.db, fx.c1, id, &a, &who, &e), 0);
	assert_int_equal(plan_assign(fx.db, fx.c2, id, &a, &who, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	err_clear(&e);
	assert_int_equal(plan_get(fx.db, &p, fx.c1, id, true, &e), 0);
	json_t *g = json_array_get(json_object_get(p, "gaps"), 0);
	assert_string_equal(json_string_value(json_object_get(g, "role")), "commander");
	assert_string_equal(json_string_value(json_object_get(g, "missing")), "backup");
	assert_int_equal(json_array_size(json_object_get(p, "gaps")), 5);
	json_decref(p);
	a.backup_user_id = 6;
	a.backup_name = "赵敏";
	assert_int_equal(plan_assign(fx.db, fx.c1, id, &a, &who, &e), 0);
	assert_int_equal(plan_list(fx.db, &p, fx.c1, &e), 0);
	json_t *row = json_array_get(json_object_get(p, "plans"), 0);
	assert_int_equal(json_array_size(json_object_get(row, "gaps")), 4);
	assert_string_equal(json_string_value(json_object_get(row, "title")), "阳光社区防汛预案");
	json_decref(p);
}

static void test_supply_alerts(void **state)
{
	(void)state;
	struct supply_alerts al;
	const char *today = "2026-06-01";

	supply_alerts_of(&al, 10, 10, "2026-07-01", today); /* exactly 30 days, at the minimum */
	assert_true(al.expiring);
	assert_false(al.expired);
	assert_false(al.low);
	assert_int_equal(al.days_left, 30);
	supply_alerts_of(&al, 9, 10, "2026-07-02", today); /* 31 days, one below */
	assert_false(al.expiring);
	assert_true(al.low);
	supply_alerts_of(&al, 0, 0, "2026-06-01", today); /* expires today */
	assert_true(al.expiring);
	assert_false(al.expired);
	assert_false(al.low);
	supply_alerts_of(&al, 1, 0, "2026-05-31", today);
	assert_true(al.expired);
	assert_false(al.expiring);
	assert_int_equal(al.days_left, -1);
	supply_alerts_of(&al, 1, 0, NULL, today);
	assert_false(al.expired || al.expiring || al.low);

	struct err e = ERR_INIT;
	int64_t w = 0, f = 0, q = 0;
	struct supply_input in = {"矿泉水", "water", "箱", "社区仓库", "2026-07-01", "", 20, 20};
	json_t *list, *one;
	assert_int_equal(supply_add(fx.db, &w, fx.c1, &in, &who, &e), 0);
	struct supply_input in2 = {"压缩饼干", "food", "箱", "", "2027-01-01", NULL, 5, 2};
	assert_int_equal(supply_add(fx.db, &f, fx.c1, &in2, &who, &e), 0);
	struct supply_input bad = in;
	bad.category = "snacks";
	assert_int_equal(supply_add(fx.db, &q, fx.c1, &bad, &who, &e), -1);
	assert_string_equal(e.field, "category");
	err_clear(&e);
	bad = in;
	bad.expiry = "2026-02-30";
	assert_int_equal(supply_add(fx.db, &q, fx.c1, &bad, &who, &e), -1);
	assert_string_equal(e.field, "expiry");
	err_clear(&e);

	assert_int_equal(supply_list(fx.db, &list, fx.c1, today, &e), 0);
	json_t *al_j = json_object_get(list, "alerts");
	assert_int_equal(json_integer_value(json_object_get(al_j, "expiring")), 1);
	assert_int_equal(json_integer_value(json_object_get(al_j, "low")), 1);
	assert_int_equal(json_integer_value(json_object_get(al_j, "total")), 2);
	/* water comes before food */
	assert_string_equal(json_string_value(json_object_get(
	                        json_array_get(json_object_get(list, "supplies"), 0), "category")),
	                    "water");
	json_decref(list);
	assert_int_equal(supply_list(fx.db, &list, fx.c1, "2026-05-31", &e), 0);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(list, "alerts"),
	                                                    "expiring")),
	                 0);
	json_decref(list);

	assert_int_equal(supply_adjust(fx.db, &q, fx.c1, w, 0, "盘点", &who, &e), -1);
	assert_string_equal(e.field, "delta");
	err_clear(&e);
	assert_int_equal(supply_adjust(fx.db, &q, fx.c1, w, -21, "发放", &who, &e), -1);
	assert_string_equal(e.field, "delta");
	err_clear(&e);
	assert_int_equal(supply_adjust(fx.db, &q, fx.c1, w, -1, "", &who, &e), -1);
	assert_string_equal(e.field, "reason");
	err_clear(&e);
	assert_int_equal(supply_adjust(fx.db, &q, fx.c2, w, -1, "发放", &who, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	err_clear(&e);
	assert_int_equal(supply_adjust(fx.db, &q, fx.c1, w, -1, "演练发放", &who, &e), 0);
	assert_int_equal(q, 19);
	assert_int_equal(supply_get(fx.db, &one, fx.c1, w, today, &e), 0);
	assert_true(json_is_true(json_object_get(json_object_get(one, "alerts"), "low")));
	json_t *log = json_object_get(one, "log");
	assert_int_equal(json_array_size(log), 2);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(log, 0), "delta")), -1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(log, 0), "quantity")),
	                 19);
	json_decref(one);

	/* a partial update keeps the rest; "" clears the expiry */
	struct supply_input up = {.minimum = -1, .expiry = ""};
	assert_int_equal(supply_update(fx.db, fx.c1, w, &up, &who, &e), 0);
	assert_int_equal(supply_get(fx.db, &one, fx.c1, w, today, &e), 0);
	assert_true(json_is_null(json_object_get(one, "expiry")));
	assert_string_equal(json_string_value(json_object_get(one, "name")), "矿泉水");
	assert_int_equal(json_integer_value(json_object_get(one, "minimum")), 20);
	json_decref(one);
}

static void test_drills(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	struct drill_milestone m = {"集合完毕", 15, -1};
	int64_t d = 99, plan = 0, plan2 = 0, id = 0, act = 0;
	json_t *v, *in;

	assert_false(drill_delta(&d, &m));
	assert_int_equal(d, 99);
	m.actual = 15;
	assert_true(drill_delta(&d, &m));
	assert_int_equal(d, 0);
	m.actual = 22;
	assert_true(drill_delta(&d, &m));
	assert_int_equal(d, 7);
	m.actual = 10;
	assert_true(drill_delta(&d, &m));
	assert_int_equal(d, -5);

	assert_int_equal(plan_create(fx.db, &plan, fx.c1, "fire", "zh", &who, &e), 0);
	assert_int_equal(plan_create(fx.db, &plan2, fx.c2, "fire", "zh", &who, &e), 0);
	struct drill_input di;
	in = json_loads("{\"plan_id\":1,\"date\":\"2026-06-01\",\"scenario\":\"3号楼厨房起火\","
	                "\"milestones\":[{\"name\":\"警报\",\"planned\":0,\"actual\":0},"
	                "{\"name\":\"集合\",\"planned\":15,\"actual\":1441}]}",
	                0, NULL);
	assert_int_equal(drill_input_take(&di, in, &e), -1);
	assert_string_equal(e.field, "milestones[1].actual");
	err_clear(&e);
	json_decref(in);
	in = json_pack("{s:I, s:s, s:s, s:i, s:s, s:[{s:s, s:i, s:i}, {s:s, s:i, s:i}, {s:s, "
	               "s:i}]}",
	               "plan_id", (json_int_t)plan2, "date", "2026-06-01", "scenario",
	               "3号楼厨房起火", "participants_count", 42, "participants", "楼栋长 5 人",
	               "milestones", "name", "警报发出", "planned", 0, "actual", 1, "name",
	               "集合完毕", "planned", 15, "actual", 22, "name", "清点人数", "planned",
	               20);
	assert_int_equal(drill_input_take(&di, in, &e), 0);
	/* the plan of another community */
	assert_int_equal(drill_add(fx.db, &id, fx.c1, &di, &who, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	assert_string_equal(e.field, "plan_id");
	err_clear(&e);
	di.plan_id = plan;
	assert_int_equal(drill_add(fx.db, &id, fx.c1, &di, &who, &e), 0);
	free(di.milestones);
	json_decref(in);

	assert_int_equal(drill_get(fx.db, &v, fx.c1, id, &e), 0);
	json_t *ms = json_object_get(v, "milestones");
	assert_int_equal(json_array_size(ms), 3);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(ms, 0), "delta")), 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(ms, 1), "delta")), 7);
	assert_true(json_is_null(json_object_get(json_array_get(ms, 2), "delta")));
	assert_true(json_is_null(json_object_get(json_object_get(v, "total"), "actual")));
	assert_string_equal(json_string_value(json_object_get(v, "hazard")), "fire");
	json_decref(v);
	assert_int_equal(drill_get(fx.db, &v, fx.c2, id, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	err_clear(&e);

	assert_int_equal(drill_review_put(fx.db, fx.c1, id, "通知及时", "集合慢了7分钟", &who, &e),
	                 0);
	assert_int_equal(drill_action_add(fx.db, &act, fx.c1, id, "增设集合指示牌", "王强",
	                                  "2026-06-30", &e),
	                 0);
	assert_int_equal(drill_action_add(fx.db, &act, fx.c1, id, "x", "王强", "2026-06-31", &e), -1);
	assert_string_equal(e.field, "due");
	err_clear(&e);
	assert_int_equal(drill_list(fx.db, &v, fx.c1, "fire", &e), 0);
	json_t *row = json_array_get(json_object_get(v, "drills"), 0);
	assert_int_equal(json_integer_value(json_object_get(row, "late")), 2);
	assert_int_equal(json_integer_value(json_object_get(row, "actions_open")), 1);
	assert_true(json_is_true(json_object_get(row, "reviewed")));
	json_decref(v);
	assert_int_equal(drill_action_done(fx.db, fx.c1, id, act, true, &e), 0);
	assert_int_equal(drill_action_done(fx.db, fx.c2, id, act, true, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	err_clear(&e);
	assert_int_equal(drill_list(fx.db, &v, fx.c1, "flood", &e), 0);
	assert_int_equal(json_array_size(json_object_get(v, "drills")), 0);
	json_decref(v);
	assert_int_equal(drill_get(fx.db, &v, fx.c1, id, &e), 0);
	assert_true(json_is_true(json_object_get(json_array_get(json_object_get(v, "actions"), 0),
	                                         "done")));
	json_decref(v);
}

static void test_tree_gaps(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	struct community c;
	json_t *t;
	assert_int_equal(structure_community_get(fx.db, &c, fx.c1, &fx.a, &e), 0);
	assert_int_equal(contact_tree(fx.db, &t, &c, &e), 0);
	/* community, grid, two buildings: four nodes with nobody */
	assert_int_equal(json_array_size(json_object_get(t, "gaps")), 4);
	json_t *grid = json_array_get(json_object_get(t, "grids"), 0);
	assert_int_equal(json_array_size(json_object_get(grid, "buildings")), 1);
	assert_int_equal(json_array_size(json_object_get(t, "no_grid")), 1);
	json_decref(t);

	struct contact_assignment a = {"building", fx.b1, 5, "王强", 0, NULL};
	assert_int_equal(contact_assign(fx.db, &c, &a, &who, &fx.a, &e), 0);
	a.node_id = fx.bx; /* another community's building */
	assert_int_equal(contact_assign(fx.db, &c, &a, &who, &fx.a, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	assert_string_equal(e.field, "node_id");
	err_clear(&e);
	a.kind = "grid";
	a.node_id = fx.b1; /* a building's id as a grid */
	a.backup_user_id = 6;
	assert_int_equal(contact_assign(fx.db, &c, &a, &who, &fx.a, &e), fx.b1 == fx.g1 ? 0 : -1);
	err_clear(&e);
	a.node_id = fx.g1;
	a.backup_user_id = 5;
	assert_int_equal(contact_assign(fx.db, &c, &a, &who, &fx.a, &e), -1);
	assert_string_equal(e.field, "backup_user_id");
	err_clear(&e);
	a.kind = "street";
	assert_int_equal(contact_assign(fx.db, &c, &a, &who, &fx.a, &e), -1);
	assert_string_equal(e.field, "kind");
	err_clear(&e);
	a.kind = "grid";
	a.backup_user_id = 6;
	a.backup_name = "赵敏";
	assert_int_equal(contact_assign(fx.db, &c, &a, &who, &fx.a, &e), 0);

	assert_int_equal(contact_tree(fx.db, &t, &c, &e), 0);
	json_t *gaps = json_object_get(t, "gaps");
	/* the community and building 2 have nobody (first), building 1 no backup (last) */
	assert_int_equal(json_array_size(gaps), 3);
	assert_string_equal(json_string_value(json_object_get(json_array_get(gaps, 0), "missing")),
	                    "person");
	assert_string_equal(json_string_value(json_object_get(json_array_get(gaps, 1), "kind")),
	                    "building");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(gaps, 1), "id")), fx.b2);
	json_t *last = json_array_get(gaps, 2);
	assert_string_equal(json_string_value(json_object_get(last, "missing")), "backup");
	assert_int_equal(json_integer_value(json_object_get(last, "id")), fx.b1);
	json_decref(t);
}

static void test_care_rank(void **state)
{
	(void)state;
	json_t *list = json_loads(
	    "{\"residents\":["
	    "{\"id\":1,\"primary\":{\"id\":9},\"backups\":[{\"id\":8}]},"
	    "{\"id\":2,\"primary\":{\"id\":9},\"backups\":[]},"
	    "{\"id\":3,\"primary\":null,\"backups\":[{\"id\":8}]},"
	    "{\"id\":4,\"primary\":null,\"backups\":[]},"
	    "{\"id\":5,\"primary\":{\"id\":7},\"backups\":[]}]}",
	    0, NULL);
	const int want[] = {3, 4, 2, 5, 1};
	contact_care_rank(list);
	json_t *rows = json_object_get(list, "residents");
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(json_integer_value(json_object_get(json_array_get(rows, i), "id")),
		                 want[i]);
	json_t *g = json_object_get(list, "gaps");
	assert_int_equal(json_integer_value(json_object_get(g, "no_primary")), 2);
	assert_int_equal(json_integer_value(json_object_get(g, "no_backup")), 2);
	json_decref(list);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_dates),
	    cmocka_unit_test(test_templates_and_body),
	    cmocka_unit_test(test_plan_versions_and_roles),
	    cmocka_unit_test(test_supply_alerts),
	    cmocka_unit_test(test_drills),
	    cmocka_unit_test(test_tree_gaps),
	    cmocka_unit_test(test_care_rank),
	};
	return cmocka_run_group_tests_name("field/plan", tests, group_setup, group_teardown);
}
