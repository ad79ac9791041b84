/*
 * test_scene.c - scenes (src/scene/scene.c, template.c, incident.c).
 *
 * One temporary database, migrated with all_migrations(), holds two
 * communities.  What is tried: the templates are complete in both
 * languages; a scene from the gate template copies every point, post, band,
 * checklist item, piece of equipment and script (and "blank" copies
 * nothing, an unknown code is refused); dates and weekdays at their
 * boundaries; a band on a local day becomes the right UTC times (Beijing
 * midnight is 16:00 UTC the day before); expanding a schedule twice, and
 * over overlapping day ranges, creates each shift once; a checklist
 * reordered; the script review order (exact shares, ties, never-used last)
 * and the review through the store with the revision kept per incident;
 * and another community's scene not found.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "auth/auth.h"
#include "registry/structure.h"
#include "routes.h"
#include "scene/incident.h"
#include "scene/scene.h"
#include "scene/template.h"

#include "testutil.h"

#include <stdio.h>
#include <string.h>

static struct {
	char *dir;
	struct store *db;
	int64_t s1, c1, c2;
	struct arena a;
} fx;

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
	tmpdir_path(p, sizeof(p), fx.dir, "scene.sqlite");
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
	arena_release(&fx.a);
	return 0;
}

static int64_t count(const char *sql, int64_t id)
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

static int64_t gate_scene(int64_t community, const char *lang)
{
	struct err e = ERR_INIT;
	struct scene_new n = {.name = "北门", .template_code = "gate", .lang = lang};
	int64_t id = 0;
	assert_int_equal(scene_create(fx.db, &id, community, &n, &e), 0);
	return id;
}

static void test_templates_complete(void **state)
{
	(void)state;
	const struct scene_template *g = scene_template_find("gate");
	assert_int_equal(scene_templates_n, 5);
	assert_non_null(g);
	assert_null(scene_template_find("blank"));
	assert_null(scene_template_find(NULL));
	assert_true(g->nscripts >= 5);
	for (size_t i = 0; i < scene_templates_n; i++) {
		const struct scene_template *t = &scene_templates[i];
		assert_true(t->nposts >= 2);
		assert_true(t->nscripts >= 3);
		assert_true(t->nequipment >= 3);
		for (size_t j = 0; j < t->nscripts; j++) {
			const struct scene_tpl_script *s = &t->scripts[j];
			assert_true(*s->title.zh && *s->title.en && *s->situation.zh &&
				    *s->situation.en && *s->say.zh && *s->say.en && *s->avoid.zh &&
				    *s->avoid.en && *s->tags.zh && *s->tags.en);
		}
		for (size_t j = 0; j < t->nposts; j++) {
			assert_true(t->posts[j].nbands >= 1 && t->posts[j].nchecklist >= 3);
			for (size_t k = 0; k < t->posts[j].nbands; k++) {
				const struct scene_tpl_band *b = &t->posts[j].bands[k];
				assert_true(b->start_min >= 0 && b->end_min > b->start_min &&
					    b->end_min <= 1440 && b->headcount >= 1 && b->weekdays &&
					    b->weekdays <= 0x7f);
			}
		}
	}
	assert_string_equal(scene_text_in(&g->name, "en"), "Gate or entrance");
	assert_string_equal(scene_text_in(&g->name, "zh"), "小区出入口");
}

static void test_scene_from_template(void **state)
{
	(void)state;
	const struct scene_template *g = scene_template_find("gate");
	struct err e = ERR_INIT;
	struct scene_new bad = {.name = "x", .template_code = "castle"};
	struct scene_new blank = {.name = "空白", .template_code = "blank"};
	int64_t id = gate_scene(fx.c1, "zh"), blank_id, bands = 0, checks = 0;
	json_t *v;
	for (size_t i = 0; i < g->nposts; i++) {
		bands += (int64_t)g->posts[i].nbands;
		checks += (int64_t)g->posts[i].nchecklist;
	}
	assert_int_equal(count("SELECT COUNT(*) FROM scene_points WHERE scene_id = ?", id),
			 (int64_t)g->npoints);
	assert_int_equal(count("SELECT COUNT(*) FROM scene_posts WHERE scene_id = ?", id),
			 (int64_t)g->nposts);
	assert_int_equal(count("SELECT COUNT(*) FROM scene_post_bands b JOIN scene_posts p"
			       " ON p.id = b.post_id WHERE p.scene_id = ?", id),
			 bands);
	assert_int_equal(count("SELECT COUNT(*) FROM scene_checklist c JOIN scene_posts p"
			       " ON p.id = c.post_id WHERE p.scene_id = ?", id),
			 checks);
	assert_int_equal(count("SELECT COUNT(*) FROM scene_equipment WHERE scene_id = ?", id),
			 (int64_t)g->nequipment);
	assert_int_equal(count("SELECT COUNT(*) FROM scene_scripts WHERE scene_id = ?", id),
			 (int64_t)g->nscripts);
	assert_int_equal(scene_view(fx.db, &v, fx.c1, id, &e), 0);
	assert_string_equal(json_string_value(json_object_get(
				json_array_get(json_object_get(v, "scripts"), 0), "title")),
			    "居民拒绝登记");
	assert_string_equal(
	    json_string_value(json_object_get(
		json_array_get(json_object_get(json_array_get(json_object_get(v, "posts"), 0),
					       "checklist"),
			       0),
		"text")),
	    g->posts[0].checklist[0].zh);
	json_decref(v);

	assert_int_equal(scene_create(fx.db, &blank_id, fx.c1, &blank, &e), 0);
	assert_int_equal(count("SELECT COUNT(*) FROM scene_posts WHERE scene_id = ?", blank_id), 0);
	assert_int_equal(scene_create(fx.db, &blank_id, fx.c1, &bad, &e), -1);
	assert_string_equal(e.field, "template");
	err_clear(&e);
	/* the other community does not see it */
	assert_int_equal(scene_view(fx.db, &v, fx.c2, id, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
}

static void test_dates_and_bands(void **state)
{
	(void)state;
	int64_t d, s, t;
	struct scene_band morning = {SCENE_EVERY_DAY, 7 * 60, 9 * 60, 3};
	struct scene_band late = {SCENE_WORKDAYS, 22 * 60, 1440, 1};
	struct scene_band weekend = {SCENE_WEEKEND, 0, 60, 1};

	assert_true(scene_date_days("1970-01-01", &d) == false); /* before 2000 */
	assert_true(scene_date_days("2000-01-01", &d));
	assert_int_equal(d, 10957);
	assert_true(scene_date_days("2024-02-29", &d));
	assert_false(scene_date_days("2026-02-29", &d));
	assert_false(scene_date_days("2026-13-01", &d));
	assert_false(scene_date_days("2026-1-01x", &d));
	assert_false(scene_date_days("2100-01-01", &d));
	assert_true(scene_date_days("2026-03-02", &d));
	assert_int_equal(scene_weekday(d), 0); /* a Monday */
	assert_int_equal(scene_weekday(d + 6), 6);
	assert_int_equal(scene_weekday(0), 3); /* 1970-01-01, a Thursday */

	/* 07:00 in Beijing on 2026-03-02 is 23:00 UTC on 03-01 */
	assert_true(scene_band_on(&morning, d, &s, &t));
	assert_int_equal(s, 1772406000);
	assert_int_equal(t - s, 2 * 3600);
	/* 22:00-24:00 ends at Beijing midnight, 16:00 UTC the same day */
	assert_true(scene_band_on(&late, d, &s, &t));
	assert_int_equal(t, d * 86400 + 16 * 3600);
	assert_false(scene_band_on(&late, d + 5, &s, &t)); /* Saturday */
	assert_false(scene_band_on(&weekend, d + 4, &s, &t));
	assert_true(scene_band_on(&weekend, d + 6, &s, &t));
	/* 00:00 Beijing on Sunday is 16:00 UTC on Saturday */
	assert_int_equal(s, (d + 5) * 86400 + 16 * 3600);
}

static void test_expand_idempotent(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	int64_t scene, post, band, created, skipped, d;
	struct scene_new n = {.name = "测试", .template_code = "blank"};
	struct scene_band b1 = {SCENE_EVERY_DAY, 8 * 60, 12 * 60, 2};
	struct scene_band b2 = {SCENE_WEEKEND, 22 * 60, 1440, 1};
	struct arena a;
	struct shift_info si;

	assert_int_equal(scene_create(fx.db, &scene, fx.c1, &n, &e), 0);
	assert_int_equal(scene_post_add(fx.db, &post, fx.c1, scene, "岗", "", "", &e), 0);
	assert_int_equal(scene_band_add(fx.db, &band, fx.c1, post, &b1, &e), 0);
	assert_int_equal(scene_band_add(fx.db, &band, fx.c1, post, &b2, &e), 0);
	/* 2026-03-02 (Mon) .. 03-08 (Sun): 7 mornings, 2 weekend nights */
	assert_int_equal(scene_expand(fx.db, &created, &skipped, fx.c1, scene, "2026-03-02", 7, &e), 0);
	assert_int_equal(created, 9);
	assert_int_equal(skipped, 0);
	assert_int_equal(scene_expand(fx.db, &created, &skipped, fx.c1, scene, "2026-03-02", 7, &e), 0);
	assert_int_equal(created, 0);
	assert_int_equal(skipped, 9);
	/* overlapping: 03-08 (Sun) .. 03-10: 3 mornings + Sunday night; only
	 * 03-09 and 03-10 mornings are new */
	assert_int_equal(scene_expand(fx.db, &created, &skipped, fx.c1, scene, "2026-03-08", 3, &e), 0);
	assert_int_equal(created, 2);
	assert_int_equal(skipped, 2);
	assert_int_equal(count("SELECT COUNT(*) FROM shifts WHERE post_id = ?", post), 11);
	/* shift_add semantics: a shift at a start that exists is a conflict */
	assert_true(scene_date_days("2026-03-02", &d));
	assert_int_equal(shift_add(fx.db, &band, fx.c1, post, d * 86400 + 8 * 3600 - SCENE_TZ_OFFSET,
				   d * 86400 + 9 * 3600 - SCENE_TZ_OFFSET, 1, &e),
			 -1);
	assert_int_equal(e.code, ERR_CONFLICT);
	err_clear(&e);
	/* the first shift starts 08:00 Beijing = 00:00 UTC */
	assert_int_equal(count("SELECT MIN(starts_at) FROM shifts WHERE post_id = ?", post),
			 d * 86400);
	arena_init(&a);
	assert_int_equal(shift_get(fx.db, &si, fx.c1,
				   count("SELECT MIN(id) FROM shifts WHERE post_id = ?", post), &a, &e),
			 0);
	assert_int_equal(si.headcount, 2);
	assert_string_equal(si.post_name, "岗");
	arena_release(&a);
	/* bad input, and another community's scene */
	assert_int_equal(scene_expand(fx.db, &created, &skipped, fx.c1, scene, "2026-02-30", 1, &e), -1);
	assert_string_equal(e.field, "from");
	err_clear(&e);
	assert_int_equal(scene_expand(fx.db, &created, &skipped, fx.c1, scene, "2026-03-01",
				      SCENE_EXPAND_DAYS_MAX + 1, &e),
			 -1);
	assert_string_equal(e.field, "days");
	err_clear(&e);
	assert_int_equal(scene_expand(fx.db, &created, &skipped, fx.c2, scene, "2026-03-01", 1, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
}

static void test_checklist_order(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	int64_t scene = gate_scene(fx.c1, "en"), post, ids[3], bad[3];
	json_t *v;
	/* the third post (vehicles) has three items */
	post = count("SELECT MAX(id) FROM scene_posts WHERE scene_id = ?", scene);
	ids[0] = count("SELECT MAX(id) FROM scene_checklist WHERE post_id = ?", post);
	ids[1] = count("SELECT MIN(id) FROM scene_checklist WHERE post_id = ?", post);
	ids[2] = ids[1] + 1;
	assert_int_equal(scene_check_order(fx.db, fx.c1, post, ids, 3, &e), 0);
	assert_int_equal(scene_view(fx.db, &v, fx.c1, scene, &e), 0);
	assert_string_equal(
	    json_string_value(json_object_get(
		json_array_get(json_object_get(json_array_get(json_object_get(v, "posts"), 2),
					       "checklist"),
			       0),
		"text")),
	    "Keep the fire lane clear");
	json_decref(v);
	memcpy(bad, ids, sizeof(bad));
	bad[2] = ids[0];
	assert_int_equal(scene_check_order(fx.db, fx.c1, post, bad, 3, &e), -1);
	assert_string_equal(e.field, "ids");
	err_clear(&e);
	assert_int_equal(scene_check_order(fx.db, fx.c1, post, ids, 2, &e), -1);
	assert_string_equal(e.field, "ids");
	err_clear(&e);
	assert_int_equal(scene_check_order(fx.db, fx.c2, post, ids, 3, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
}

static void test_review_order(void **state)
{
	(void)state;
	struct script_stat s[] = {
	    {1, 0, 0, 0},  /* never used: last */
	    {2, 10, 8, 2}, /* 20 % */
	    {3, 3, 1, 2},  /* 66.7 % */
	    {4, 1, 0, 1},  /* 100 % */
	    {5, 6, 2, 4},  /* 66.7 %, more failures than 3 */
	    {6, 5, 5, 0},  /* 0 % */
	    {7, 9, 3, 6},  /* 66.7 %, more failures still */
	    {8, 4, 4, 0},  /* 0 %, less used than 6 */
	};
	const int64_t want[] = {4, 7, 5, 3, 2, 6, 8, 1};
	script_stat_sort(s, sizeof(s) / sizeof(s[0]));
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		assert_int_equal(s[i].id, want[i]);
}

static void test_review_through_store(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	int64_t scene = gate_scene(fx.c1, "zh"), s1, s2, id, rev;
	struct scene_script change = {.say = "新的说法。"};
	struct incident_new n = {.type = "refused_registration", .what = "不肯登记",
				 .outcome = "escalated"};
	json_t *list, *top, *figures;
	s1 = count("SELECT MIN(id) FROM scene_scripts WHERE scene_id = ?", scene);
	s2 = s1 + 1;
	n.script_id = s2;
	n.outcome = "resolved";
	assert_int_equal(incident_add(fx.db, &id, fx.c1, scene, &n, 0, &e), 0);
	n.script_id = s1;
	n.outcome = "escalated";
	assert_int_equal(incident_add(fx.db, &id, fx.c1, scene, &n, 0, &e), 0);
	assert_int_equal(scene_script_revise(fx.db, &rev, fx.c1, s1, &change, 0, &e), 0);
	assert_int_equal(rev, 2);
	n.outcome = "resolved";
	assert_int_equal(incident_add(fx.db, &id, fx.c1, scene, &n, 0, &e), 0);
	assert_int_equal(count("SELECT script_revision FROM scene_incidents WHERE id = ?", id), 2);
	assert_int_equal(count("SELECT script_revision FROM scene_incidents WHERE id = ?", id - 1), 1);
	assert_int_equal(script_review(fx.db, &list, fx.c1, scene, &e), 0);
	top = json_array_get(list, 0);
	assert_int_equal(json_integer_value(json_object_get(top, "id")), s1);
	assert_int_equal(json_integer_value(json_object_get(top, "used")), 2);
	assert_int_equal(json_integer_value(json_object_get(top, "failed_pct")), 50);
	assert_int_equal(json_array_size(json_object_get(top, "notes")), 2);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(list, 1), "id")), s2);
	json_decref(list);
	assert_int_equal(incident_figures(fx.db, &figures, fx.c1, scene, &e), 0);
	assert_int_equal(json_integer_value(json_object_get(figures, "total")), 3);
	assert_int_equal(
	    json_integer_value(json_object_get(json_object_get(figures, "by_outcome"), "resolved")),
	    2);
	json_decref(figures);
	/* a script of another scene is refused, naming the field */
	n.script_id = 999999;
	assert_int_equal(incident_add(fx.db, &id, fx.c1, scene, &n, 0, &e), -1);
	assert_string_equal(e.field, "script_id");
	err_clear(&e);
	assert_int_equal(script_review(fx.db, &list, fx.c2, scene, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_templates_complete),
	    cmocka_unit_test(test_scene_from_template),
	    cmocka_unit_test(test_dates_and_bands),
	    cmocka_unit_test(test_expand_idempotent),
	    cmocka_unit_test(test_checklist_order),
	    cmocka_unit_test(test_review_order),
	    cmocka_unit_test(test_review_through_store),
	};
	return cmocka_run_group_tests_name("scene", tests, group_setup, group_teardown);
}
