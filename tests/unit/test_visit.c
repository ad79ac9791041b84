/*
 * test_visit.c - door-to-door visits (src/registry/visit.c).
 *
 * One temporary database, migrated with all_migrations(), holds two
 * communities of one street, each with a compound; every test lays out a
 * building of its own (so tests stay independent) and reads its dwelling
 * ids back through structure_building_get().  A user is made for the
 * visitor and the plans' assignee.  What is tried: the outcome names and
 * dates at their boundaries, recording and the history's order, the last
 * outcome (later time wins, a tie goes to the later id), the unreached set
 * page by page, coverage counts, plan progress, and another community's
 * dwelling, building and plan not found.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "auth/auth.h"
#include "core/timeutil.h"
#include "registry/structure.h"
#include "registry/visit.h"
#include "routes.h"

#include "testutil.h"

#include <stdio.h>
#include <string.h>

static struct {
	char *dir;
	struct store *db;
	int64_t s1, c1, c2, p1, p2, user;
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
	tmpdir_path(p, sizeof(p), fx.dir, "visit.sqlite");
	if (store_open(&fx.db, p, NULL, &e) < 0 || store_migrate(fx.db, m, n, NULL, &e) < 0 ||
	    structure_street_add(fx.db, &fx.s1, "东湖街道", &e) < 0 ||
	    structure_community_add(fx.db, &fx.c1, fx.s1, "幸福社区", &e) < 0 ||
	    structure_community_add(fx.db, &fx.c2, fx.s1, "和平社区", &e) < 0 ||
	    structure_compound_add(fx.db, &fx.p1, fx.c1, "幸福小区", 0, NULL, &e) < 0 ||
	    structure_compound_add(fx.db, &fx.p2, fx.c2, "和平小区", 0, NULL, &e) < 0 ||
	    auth_user_add(fx.db, &fx.user, "visitor", "走访员", "visitor-pass-1", "test", &e) < 0) {
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

/* Lays out a new building (1 unit, floors × rooms) in the community's
 * compound; fills ids[] with its dwellings (top floor first) and returns
 * the building id. */
static int64_t new_building(int64_t community, int64_t compound, int64_t floors, int64_t rooms,
                            int64_t *ids)
{
	struct err e = ERR_INIT;
	struct layout l = {
	    .units = 1, .floors = floors, .rooms_per_floor = rooms, .area = 8000, .first_floor = 1};
	char name[32];
	int64_t b, nu, nd;
	json_t *g, *dw;
	size_t i;

	snprintf(name, sizeof(name), "%d号楼", ++fx.seq);
	assert_int_equal(structure_building_add(fx.db, &b, community, compound, name, 0, &e), 0);
	assert_int_equal(structure_layout(fx.db, community, b, &l, &nu, &nd, &e), 0);
	assert_int_equal(structure_building_get(fx.db, &g, community, b, &e), 0);
	json_array_foreach(
	    json_object_get(json_array_get(json_object_get(g, "units"), 0), "dwellings"), i, dw)
	    ids[i] = json_integer_value(json_object_get(dw, "id"));
	json_decref(g);
	return b;
}

static int64_t record(int64_t community, int64_t dwelling, enum visit_outcome o, int64_t at,
                      struct err *e)
{
	struct visit v = {.dwelling_id = dwelling,
	                  .outcome = o,
	                  .user_id = fx.user,
	                  .user_name = "走访员",
	                  .at = at};
	int64_t id = 0;
	if (visit_record(fx.db, &id, community, &v, e) < 0)
		return -1;
	return id;
}

static void test_outcomes_and_dates(void **state)
{
	(void)state;
	for (int i = 0; i < VISIT_OUTCOME_COUNT; i++)
		assert_int_equal(visit_outcome_parse(visit_outcome_name((enum visit_outcome)i)), i);
	assert_int_equal(visit_outcome_parse("open"), -1);
	assert_int_equal(visit_outcome_parse(""), -1);
	assert_int_equal(visit_outcome_parse(NULL), -1);
	assert_true(visit_outcome_reaches(VISIT_OPENED));
	assert_true(visit_outcome_reaches(VISIT_VACANT));
	assert_true(visit_outcome_reaches(VISIT_MOVED_OUT));
	assert_true(visit_outcome_reaches(VISIT_NEW_ARRIVAL));
	assert_false(visit_outcome_reaches(VISIT_NOBODY_HOME));
	assert_false(visit_outcome_reaches(VISIT_REFUSED));

	assert_true(visit_date_valid("2024-02-29"));
	assert_true(visit_date_valid("2000-02-29"));
	assert_true(visit_date_valid("2026-12-31"));
	assert_true(visit_date_valid("2026-01-01"));
	assert_false(visit_date_valid("2023-02-29"));
	assert_false(visit_date_valid("1900-02-29"));
	assert_false(visit_date_valid("2026-13-01"));
	assert_false(visit_date_valid("2026-00-10"));
	assert_false(visit_date_valid("2026-04-31"));
	assert_false(visit_date_valid("2026-4-30"));
	assert_false(visit_date_valid("2026-04-300"));
	assert_false(visit_date_valid("2026/04/30"));
	assert_false(visit_date_valid("２０２６-04-30"));
	assert_false(visit_date_valid(""));
}

static void test_check_names_the_field(void **state)
{
	(void)state;
	int64_t now = 1800000000;
	char notes[3 * VISIT_NOTES_MAX + 4];
	struct visit v = {.outcome = VISIT_NOBODY_HOME};
	struct err e = ERR_INIT;

	assert_int_equal(visit_check(&v, now, &e), 0);
	v.at = now + VISIT_FUTURE_SLACK;
	assert_int_equal(visit_check(&v, now, &e), 0);
	v.at = now + VISIT_FUTURE_SLACK + 1;
	assert_int_equal(visit_check(&v, now, &e), -1);
	assert_string_equal(e.field, "at");
	err_clear(&e);
	v.at = VISIT_EARLIEST - 1;
	assert_int_equal(visit_check(&v, now, &e), -1);
	assert_string_equal(e.field, "at");
	err_clear(&e);
	v.at = 0;

	v.follow_up = "2026-02-30";
	assert_int_equal(visit_check(&v, now, &e), -1);
	assert_string_equal(e.field, "follow_up");
	err_clear(&e);
	v.follow_up = "2026-03-01";
	assert_int_equal(visit_check(&v, now, &e), 0);
	v.outcome = VISIT_OPENED;
	assert_int_equal(visit_check(&v, now, &e), -1);
	assert_string_equal(e.field, "follow_up");
	err_clear(&e);
	v.follow_up = NULL;

	/* 500 characters of three bytes each pass; 501 do not */
	notes[0] = 0;
	for (int i = 0; i < VISIT_NOTES_MAX; i++)
		strcat(notes, "门");
	v.notes = notes;
	assert_int_equal(visit_check(&v, now, &e), 0);
	strcat(notes, "a");
	assert_int_equal(visit_check(&v, now, &e), -1);
	assert_string_equal(e.field, "notes");
	err_clear(&e);
	v.outcome = (enum visit_outcome)VISIT_OUTCOME_COUNT;
	v.notes = NULL;
	assert_int_equal(visit_check(&v, now, &e), -1);
	assert_string_equal(e.field, "outcome");
}

static void test_record_and_history(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	int64_t d[4], t = time_now() - 3600;
	json_t *h, *vs;

	new_building(fx.c1, fx.p1, 2, 2, d);
	assert_true(record(fx.c1, d[0], VISIT_NOBODY_HOME, t - 100, &e) > 0);
	struct visit v = {.dwelling_id = d[0],
	                  .outcome = VISIT_REFUSED,
	                  .user_id = fx.user,
	                  .user_name = "走访员",
	                  .notes = "说下周再来",
	                  .follow_up = "2026-12-01"};
	int64_t id;
	assert_int_equal(visit_record(fx.db, &id, fx.c1, &v, &e), 0);
	assert_true(record(fx.c1, d[0], VISIT_OPENED, t - 200, &e) > 0);

	assert_int_equal(visit_history(fx.db, &h, fx.c1, d[0], &e), 0);
	vs = json_object_get(h, "visits");
	assert_int_equal(json_array_size(vs), 3);
	/* newest first: the one recorded now, then t - 100, then t - 200 */
	assert_int_equal(json_integer_value(json_object_get(json_array_get(vs, 0), "id")), id);
	assert_string_equal(json_string_value(json_object_get(json_array_get(vs, 0), "notes")),
	                    "说下周再来");
	assert_string_equal(json_string_value(json_object_get(json_array_get(vs, 0), "follow_up")),
	                    "2026-12-01");
	assert_string_equal(json_string_value(json_object_get(json_array_get(vs, 0), "user_name")),
	                    "走访员");
	assert_string_equal(json_string_value(json_object_get(json_array_get(vs, 1), "outcome")),
	                    "nobody_home");
	assert_true(json_is_null(json_object_get(json_array_get(vs, 1), "follow_up")));
	assert_string_equal(json_string_value(json_object_get(json_array_get(vs, 2), "outcome")),
	                    "opened");
	json_decref(h);

	/* a dwelling never visited has an empty history */
	assert_int_equal(visit_history(fx.db, &h, fx.c1, d[3], &e), 0);
	assert_int_equal(json_array_size(json_object_get(h, "visits")), 0);
	json_decref(h);
}

static void test_last_outcome(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	int64_t d[2], t = time_now() - 7200, at = 0;
	enum visit_outcome o = VISIT_OPENED;
	bool found = true;

	new_building(fx.c1, fx.p1, 1, 2, d);
	assert_int_equal(visit_last(fx.db, &found, &o, &at, fx.c1, d[0], &e), 0);
	assert_false(found);

	/* recorded later but dated earlier: not the last */
	assert_true(record(fx.c1, d[0], VISIT_REFUSED, t + 10, &e) > 0);
	assert_true(record(fx.c1, d[0], VISIT_OPENED, t, &e) > 0);
	assert_int_equal(visit_last(fx.db, &found, &o, &at, fx.c1, d[0], &e), 0);
	assert_true(found);
	assert_int_equal(o, VISIT_REFUSED);
	assert_int_equal(at, t + 10);

	/* the same second: the later id wins */
	assert_true(record(fx.c1, d[0], VISIT_VACANT, t + 10, &e) > 0);
	assert_int_equal(visit_last(fx.db, &found, &o, &at, fx.c1, d[0], &e), 0);
	assert_int_equal(o, VISIT_VACANT);

	/* the other dwelling is untouched */
	assert_int_equal(visit_last(fx.db, &found, &o, &at, fx.c1, d[1], &e), 0);
	assert_false(found);
	/* and the same dwelling asked through another community is not there */
	assert_int_equal(visit_last(fx.db, &found, &o, &at, fx.c2, d[0], &e), 0);
	assert_false(found);
}

/* Parses a jsonw page and returns it (caller decrefs). */
static json_t *page(int64_t community, int64_t after, int64_t limit)
{
	struct jsonw w = JSONW_INIT;
	struct err e = ERR_INIT;
	json_error_t je;
	json_t *v;
	assert_int_equal(visit_unreached(fx.db, &w, community, after, limit, &e), 0);
	v = json_loads(w.sb.buf, 0, &je);
	assert_non_null(v);
	jw_release(&w);
	return v;
}

static void test_unreached_and_coverage(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	int64_t d[6], b, t = time_now() - 600, other[1];
	json_t *p, *cov, *bs, *bc, *dws;
	size_t i;

	/* a community of its own, so the set is exactly this building's */
	int64_t c, comp;
	assert_int_equal(structure_community_add(fx.db, &c, fx.s1, "覆盖社区", &e), 0);
	assert_int_equal(structure_compound_add(fx.db, &comp, c, "覆盖小区", 0, NULL, &e), 0);
	b = new_building(c, comp, 3, 2, d);
	new_building(fx.c2, fx.p2, 1, 1, other);

	/* d0 opened; d1 refused only; d2 nobody_home then moved_out;
	 * d3 moved_out then nobody_home (reached, last outcome nobody_home);
	 * d4, d5 never visited */
	assert_true(record(c, d[0], VISIT_OPENED, t, &e) > 0);
	assert_true(record(c, d[1], VISIT_REFUSED, t, &e) > 0);
	assert_true(record(c, d[2], VISIT_NOBODY_HOME, t, &e) > 0);
	assert_true(record(c, d[2], VISIT_MOVED_OUT, t + 1, &e) > 0);
	assert_true(record(c, d[3], VISIT_MOVED_OUT, t, &e) > 0);
	assert_true(record(c, d[3], VISIT_NOBODY_HOME, t + 1, &e) > 0);
	assert_int_equal(record(c, other[0], VISIT_OPENED, 0, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	err_clear(&e);

	/* the unreached, one per page in id order: d1, d4 and d5 */
	int64_t want[3] = {d[1], d[4], d[5]}, after = 0;
	for (i = 0; i < 3; i++) {
		p = page(c, after, 1);
		dws = json_object_get(p, "dwellings");
		assert_int_equal(json_array_size(dws), 1);
		after = json_integer_value(json_object_get(json_array_get(dws, 0), "id"));
		assert_true(after == want[0] || after == want[1] || after == want[2]);
		if (i < 2)
			assert_int_equal(json_integer_value(json_object_get(p, "next")), after);
		else
			assert_true(json_is_null(json_object_get(p, "next")));
		if (after == d[1])
			assert_string_equal(json_string_value(json_object_get(
			                        json_array_get(dws, 0), "last_outcome")),
			                    "refused");
		json_decref(p);
	}
	p = page(c, 0, 200);
	assert_int_equal(json_array_size(json_object_get(p, "dwellings")), 3);
	json_decref(p);
	/* the same pages asked through another community are empty */
	p = page(fx.c2, 0, 200);
	dws = json_object_get(p, "dwellings");
	json_array_foreach(dws, i, bc)
	{
		int64_t id = json_integer_value(json_object_get(bc, "id"));
		for (int k = 0; k < 6; k++)
			assert_int_not_equal(id, d[k]);
	}
	json_decref(p);

	/* community coverage */
	assert_int_equal(visit_coverage(fx.db, &cov, c, &e), 0);
	bs = json_object_get(cov, "buildings");
	assert_int_equal(json_array_size(bs), 1);
	bc = json_array_get(bs, 0);
	assert_int_equal(json_integer_value(json_object_get(bc, "id")), b);
	assert_int_equal(json_integer_value(json_object_get(bc, "dwellings")), 6);
	assert_int_equal(json_integer_value(json_object_get(bc, "reached")), 3);
	assert_int_equal(json_integer_value(json_object_get(bc, "unreached")), 3);
	assert_int_equal(json_integer_value(json_object_get(bc, "unvisited")), 2);
	json_t *oc = json_object_get(bc, "outcomes");
	assert_int_equal(json_integer_value(json_object_get(oc, "opened")), 1);
	assert_int_equal(json_integer_value(json_object_get(oc, "refused")), 1);
	assert_int_equal(json_integer_value(json_object_get(oc, "moved_out")), 1);
	assert_int_equal(json_integer_value(json_object_get(oc, "nobody_home")), 1);
	assert_int_equal(json_integer_value(json_object_get(oc, "vacant")), 0);
	assert_int_equal(
	    json_integer_value(json_object_get(json_object_get(cov, "totals"), "reached")), 3);
	/* no grids: the building counts in the grid of id null */
	json_t *gs = json_object_get(cov, "grids");
	assert_int_equal(json_array_size(gs), 1);
	assert_true(json_is_null(json_object_get(json_array_get(gs, 0), "id")));
	assert_int_equal(json_integer_value(json_object_get(json_array_get(gs, 0), "dwellings")),
	                 6);
	json_decref(cov);

	/* building coverage: every dwelling carries its last outcome */
	assert_int_equal(visit_building_coverage(fx.db, &cov, c, b, &e), 0);
	dws = json_object_get(json_array_get(json_object_get(cov, "units"), 0), "dwellings");
	assert_int_equal(json_array_size(dws), 6);
	json_array_foreach(dws, i, bc)
	{
		int64_t id = json_integer_value(json_object_get(bc, "id"));
		json_t *lo = json_object_get(bc, "last_outcome");
		if (id == d[3]) {
			assert_string_equal(json_string_value(lo), "nobody_home");
			assert_true(json_is_true(json_object_get(bc, "reached")));
		} else if (id == d[4] || id == d[5]) {
			assert_true(json_is_null(lo));
			assert_true(json_is_false(json_object_get(bc, "reached")));
		} else if (id == d[1]) {
			assert_false(json_is_true(json_object_get(bc, "reached")));
		}
	}
	assert_int_equal(
	    json_integer_value(json_object_get(json_object_get(cov, "coverage"), "reached")), 3);
	json_decref(cov);
	assert_int_equal(visit_building_coverage(fx.db, &cov, fx.c2, b, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
}

static void test_plan_progress(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	int64_t d[4], b, plan, other[1], ob;
	json_t *plans, *p = NULL;
	size_t i;

	b = new_building(fx.c1, fx.p1, 2, 2, d);
	ob = new_building(fx.c2, fx.p2, 1, 1, other);
	/* a visit before the plan does not count towards it */
	assert_true(record(fx.c1, d[0], VISIT_OPENED, time_now() - 86400, &e) > 0);
	assert_int_equal(visit_plan_add(fx.db, &plan, fx.c1, b, fx.user, "2026-12-31", fx.user, &e),
	                 0);
	assert_true(record(fx.c1, d[1], VISIT_NOBODY_HOME, 0, &e) > 0);
	assert_true(record(fx.c1, d[1], VISIT_OPENED, 0, &e) > 0);
	assert_true(record(fx.c1, d[2], VISIT_REFUSED, 0, &e) > 0);

	assert_int_equal(visit_plans(fx.db, &plans, fx.c1, &e), 0);
	json_array_foreach(plans, i,
	                   p) if (json_integer_value(json_object_get(p, "id")) == plan) break;
	assert_non_null(p);
	assert_int_equal(json_integer_value(json_object_get(p, "dwellings")), 4);
	assert_int_equal(json_integer_value(json_object_get(p, "visited")), 2);
	assert_false(json_is_true(json_object_get(p, "done")));
	assert_string_equal(json_string_value(json_object_get(p, "due")), "2026-12-31");
	json_decref(plans);

	assert_int_equal(visit_plan_done(fx.db, &p, fx.c1, plan, true, &e), 0);
	assert_true(json_is_true(json_object_get(p, "done")));
	assert_true(json_is_integer(json_object_get(p, "done_at")));
	json_decref(p);
	assert_int_equal(visit_plan_done(fx.db, &p, fx.c1, plan, false, &e), 0);
	assert_false(json_is_true(json_object_get(p, "done")));
	json_decref(p);

	/* refusals name their field */
	int64_t x;
	assert_int_equal(visit_plan_add(fx.db, &x, fx.c1, b, fx.user, "2026-02-30", fx.user, &e),
	                 -1);
	assert_int_equal(e.code, ERR_INVALID);
	assert_string_equal(e.field, "due");
	err_clear(&e);
	assert_int_equal(visit_plan_add(fx.db, &x, fx.c1, ob, fx.user, "2026-12-31", fx.user, &e),
	                 -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	assert_string_equal(e.field, "building_id");
	err_clear(&e);
	assert_int_equal(
	    visit_plan_add(fx.db, &x, fx.c1, b, fx.user + 999, "2026-12-31", fx.user, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	assert_string_equal(e.field, "assignee");
	err_clear(&e);
	/* another community's plan */
	assert_int_equal(visit_plan_done(fx.db, &p, fx.c2, plan, true, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	err_clear(&e);
	assert_int_equal(visit_plans(fx.db, &plans, fx.c2, &e), 0);
	json_array_foreach(plans, i, p)
	    assert_int_not_equal(json_integer_value(json_object_get(p, "id")), plan);
	json_decref(plans);
}

static void test_other_community_dwelling_not_found(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	int64_t d[1], id;
	json_t *h;

	new_building(fx.c2, fx.p2, 1, 1, d);
	assert_int_equal(record(fx.c1, d[0], VISIT_OPENED, 0, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	err_clear(&e);
	assert_int_equal(visit_history(fx.db, &h, fx.c1, d[0], &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	err_clear(&e);
	/* nothing was written: its own community sees no visit */
	assert_int_equal(visit_history(fx.db, &h, fx.c2, d[0], &e), 0);
	assert_int_equal(json_array_size(json_object_get(h, "visits")), 0);
	json_decref(h);
	/* a dwelling that does not exist at all */
	struct visit v = {.dwelling_id = INT64_MAX, .outcome = VISIT_OPENED, .user_id = fx.user};
	assert_int_equal(visit_record(fx.db, &id, fx.c1, &v, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_outcomes_and_dates),
	    cmocka_unit_test(test_check_names_the_field),
	    cmocka_unit_test(test_record_and_history),
	    cmocka_unit_test(test_last_outcome),
	    cmocka_unit_test(test_unreached_and_coverage),
	    cmocka_unit_test(test_plan_progress),
	    cmocka_unit_test(test_other_community_dwelling_not_found),
	};
	return cmocka_run_group_tests_name("registry/visit", tests, group_setup, group_teardown);
}
