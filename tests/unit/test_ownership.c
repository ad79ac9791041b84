/*
 * test_ownership.c - ownership and the electorate (src/registry/ownership.c).
 *
 * One temporary database with two communities of one street and a key file
 * (residents need it).  Every test lays out a building of its own and makes
 * its own residents, so tests stay independent.  What is tried: the
 * effective area (register beats survey beats contract, clearing falls
 * back), bad input naming the field, owners and voters (first owner votes,
 * a second time is 409, the voter cannot leave co-owners, an explicit
 * change), the developer's exclusivity, another community's ids, the
 * electorate per arts. 8-9 (one owner of three dwellings counts once, five
 * unsold dwellings count as one, co-owners once) with exact area sums, a
 * deleted resident's cascade, the person export and the demo filler.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "registry/ownership.h"
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
	int64_t s1, c1, c2, p1, p2;
	int seq;
} fx;

static const struct ownership_actor WHO = {0, "tester", "127.0.0.1"};

static int group_setup(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	char p[4200], k[4200];
	size_t n = 0;
	const struct migration *m = all_migrations(&n);

	if (!(fx.dir = tmpdir_make()))
		return -1;
	tmpdir_path(p, sizeof(p), fx.dir, "own.sqlite");
	tmpdir_path(k, sizeof(k), fx.dir, "own.key");
	if (seal_keyring_create(&fx.kr, k, &e) < 0 || store_open(&fx.db, p, NULL, &e) < 0 ||
	    store_migrate(fx.db, m, n, NULL, &e) < 0 ||
	    structure_street_add(fx.db, &fx.s1, "东湖街道", &e) < 0 ||
	    structure_community_add(fx.db, &fx.c1, fx.s1, "幸福社区", &e) < 0 ||
	    structure_community_add(fx.db, &fx.c2, fx.s1, "和平社区", &e) < 0 ||
	    structure_compound_add(fx.db, &fx.p1, fx.c1, "幸福小区", 0, NULL, &e) < 0 ||
	    structure_compound_add(fx.db, &fx.p2, fx.c2, "和平小区", 0, NULL, &e) < 0) {
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

/* Lays out a building (units × floors × rooms, each 80.00 m² in the layout)
 * in the compound; fills ids[] with its dwellings in id order and returns
 * the building id. */
static int64_t new_building(int64_t community, int64_t compound, int64_t units, int64_t floors,
                            int64_t rooms, int64_t *ids)
{
	struct err e = ERR_INIT;
	struct layout l = {.units = units,
	                   .floors = floors,
	                   .rooms_per_floor = rooms,
	                   .area = 8000,
	                   .first_floor = 1};
	char name[32];
	int64_t b, nu, nd;
	struct jsonw w = JSONW_INIT;
	snprintf(name, sizeof(name), "%d号楼", ++fx.seq);
	if (structure_building_add(fx.db, &b, community, compound, name, 0, &e) < 0 ||
	    structure_layout(fx.db, community, b, &l, &nu, &nd, &e) < 0 ||
	    structure_dwellings(fx.db, &w, community, b, 0, 200, &e) < 0)
		fail_msg("building: %s", e.message);
	json_error_t je;
	json_t *doc = json_loadb(w.sb.buf, w.sb.len, 0, &je), *d;
	size_t i;
	assert_non_null(doc);
	json_array_foreach(json_object_get(doc, "dwellings"), i, d)
	{
		ids[i] = json_integer_value(json_object_get(d, "id"));
	}
	assert_int_equal(i, units * floors * rooms);
	json_decref(doc);
	jw_release(&w);
	return b;
}

static int64_t person(int64_t community, const char *name, int64_t dwelling, const char *relation)
{
	struct resident_input in = {.name = name,
	                            .gender = "female",
	                            .relation = relation,
	                            .dwelling_id = dwelling,
	                            .volunteer_willing = -1};
	struct err e = ERR_INIT;
	int64_t out = 0;
	if (resident_add(fx.db, &out, community, &in, &e) < 0)
		fail_msg("resident %s: %s (%s)", name, e.message, e.field);
	return out;
}

static int64_t own(int64_t dwelling, int64_t resident, bool developer, const char *share)
{
	struct err e = ERR_INIT;
	int64_t id = 0;
	if (ownership_owner_add(fx.db, &id, fx.c1, dwelling, resident, developer, share, &WHO, &e) <
	    0)
		fail_msg("owner of %lld: %s (%s)", (long long)dwelling, e.message, e.field);
	return id;
}

static void set_area(int64_t dwelling, const char *source, int64_t area)
{
	struct err e = ERR_INIT;
	if (ownership_area_set(fx.db, fx.c1, dwelling, source, area, "证", &WHO, &e) < 0)
		fail_msg("area %s of %lld: %s (%s)", source, (long long)dwelling, e.message,
		         e.field);
}

/* The dwelling's read model's "effective_area" (-1 for null) and source. */
static int64_t eff(int64_t dwelling, char source[16])
{
	struct err e = ERR_INIT;
	json_t *o = NULL, *a;
	int64_t v;
	assert_int_equal(ownership_dwelling(fx.db, &o, fx.c1, dwelling, &e), 0);
	a = json_object_get(o, "effective_area");
	v = json_is_integer(a) ? json_integer_value(a) : -1;
	snprintf(source, 16, "%s",
	         json_is_string(json_object_get(o, "area_source"))
	             ? json_string_value(json_object_get(o, "area_source"))
	             : "");
	json_decref(o);
	return v;
}

static void test_names_and_text(void **state)
{
	(void)state;
	char t[32];
	assert_int_equal(ownership_source_parse("register"), AREA_REGISTER);
	assert_int_equal(ownership_source_parse("survey"), AREA_SURVEY);
	assert_int_equal(ownership_source_parse("contract"), AREA_CONTRACT);
	assert_int_equal(ownership_source_parse("Register"), -1);
	assert_int_equal(ownership_source_parse(NULL), -1);
	assert_string_equal(ownership_source_name(AREA_SURVEY), "survey");
	ownership_area_text(t, 0);
	assert_string_equal(t, "0.00");
	ownership_area_text(t, 5);
	assert_string_equal(t, "0.05");
	ownership_area_text(t, 123456);
	assert_string_equal(t, "1234.56");
	ownership_area_text(t, 1000000000000LL);
	assert_string_equal(t, "10000000000.00");
}

static void test_effective_area(void **state)
{
	(void)state;
	int64_t d[2], other[1];
	struct err e = ERR_INIT;
	char src[16];

	new_building(fx.c1, fx.p1, 1, 1, 2, d);
	new_building(fx.c2, fx.p2, 1, 1, 1, other);
	/* the layout's 80.00 m² is not a source */
	assert_int_equal(eff(d[0], src), -1);
	set_area(d[0], "contract", 9001);
	assert_int_equal(eff(d[0], src), 9001);
	assert_string_equal(src, "contract");
	set_area(d[0], "survey", 8950);
	assert_int_equal(eff(d[0], src), 8950);
	assert_string_equal(src, "survey");
	set_area(d[0], "register", 8888);
	assert_int_equal(eff(d[0], src), 8888);
	assert_string_equal(src, "register");
	set_area(d[0], "register", 8899); /* replaced, still one per source */
	assert_int_equal(eff(d[0], src), 8899);
	assert_int_equal(ownership_area_clear(fx.db, fx.c1, d[0], "register", &WHO, &e), 0);
	assert_int_equal(eff(d[0], src), 8950);
	assert_string_equal(src, "survey");
	assert_int_equal(ownership_area_clear(fx.db, fx.c1, d[0], "register", &WHO, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	assert_string_equal(e.field, "source");

	/* bad input names the field; nothing is written */
	const struct {
		const char *source;
		int64_t area;
		const char *note, *field;
	} bad[] = {
	    {"deed", 100, NULL, "source"},
	    {NULL, 100, NULL, "source"},
	    {"survey", 0, NULL, "area"},
	    {"survey", -5, NULL, "area"},
	    {"survey", STRUCTURE_AREA_MAX + 1, NULL, "area"},
	    {"survey", 100, "\x01", "note"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err_clear(&e);
		assert_int_equal(ownership_area_set(fx.db, fx.c1, d[1], bad[i].source, bad[i].area,
		                                    bad[i].note, &WHO, &e),
		                 -1);
		assert_int_equal(e.code, ERR_INVALID);
		assert_string_equal(e.field, bad[i].field);
	}
	char note[OWNERSHIP_NOTE_MAX * 3 + 4] = "";
	for (int i = 0; i <= OWNERSHIP_NOTE_MAX; i++)
		strcat(note, "证");
	err_clear(&e);
	assert_int_equal(ownership_area_set(fx.db, fx.c1, d[1], "survey", 100, note, &WHO, &e), -1);
	assert_string_equal(e.field, "note");
	note[strlen(note) - 3] = '\0'; /* exactly the maximum in characters */
	err_clear(&e);
	assert_int_equal(
	    ownership_area_set(fx.db, fx.c1, d[1], "survey", STRUCTURE_AREA_MAX, note, &WHO, &e),
	    0);
	assert_int_equal(eff(d[1], src), STRUCTURE_AREA_MAX);

	/* another community's dwelling */
	err_clear(&e);
	assert_int_equal(ownership_area_set(fx.db, fx.c1, other[0], "survey", 100, NULL, &WHO, &e),
	                 -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
}

/* The owners of a dwelling as "name*" (voter starred) joined by ",". */
static void owners_text(char *out, size_t n, int64_t dwelling)
{
	struct err e = ERR_INIT;
	json_t *o = NULL, *w;
	size_t i;
	out[0] = '\0';
	assert_int_equal(ownership_dwelling(fx.db, &o, fx.c1, dwelling, &e), 0);
	json_array_foreach(json_object_get(o, "owners"), i, w)
	{
		size_t k = strlen(out);
		snprintf(out + k, n - k, "%s%s%s", i ? "," : "",
		         json_string_value(json_object_get(w, "name")),
		         json_is_true(json_object_get(w, "voter")) ? "*" : "");
	}
	json_decref(o);
}

static void test_owners_and_voter(void **state)
{
	(void)state;
	int64_t d[2], other[1], id = 0;
	struct err e = ERR_INIT;
	char t[256];

	new_building(fx.c1, fx.p1, 1, 1, 2, d);
	new_building(fx.c2, fx.p2, 1, 1, 1, other);
	int64_t wang = person(fx.c1, "王芳", d[0], "householder");
	int64_t li = person(fx.c1, "李强", d[0], "spouse");
	int64_t zhao = person(fx.c1, "赵敏", 0, "other");
	int64_t outsider = person(fx.c2, "外区人", 0, "other");

	int64_t o_wang = own(d[0], wang, false, "1/2");
	int64_t o_li = own(d[0], li, false, "1/2");
	owners_text(t, sizeof(t), d[0]);
	assert_string_equal(t, "王芳*,李强"); /* the first owner votes */

	/* the same owner twice */
	assert_int_equal(ownership_owner_add(fx.db, &id, fx.c1, d[0], wang, false, NULL, &WHO, &e),
	                 -1);
	assert_int_equal(e.code, ERR_CONFLICT);
	assert_string_equal(e.field, "resident_id");
	/* neither or both */
	err_clear(&e);
	assert_int_equal(ownership_owner_add(fx.db, &id, fx.c1, d[0], 0, false, NULL, &WHO, &e),
	                 -1);
	assert_string_equal(e.field, "resident_id");
	err_clear(&e);
	assert_int_equal(ownership_owner_add(fx.db, &id, fx.c1, d[0], zhao, true, NULL, &WHO, &e),
	                 -1);
	assert_int_equal(e.code, ERR_INVALID);
	/* a share too long */
	err_clear(&e);
	assert_int_equal(ownership_owner_add(fx.db, &id, fx.c1, d[0], zhao, false,
	                                     "123456789012345678901", &WHO, &e),
	                 -1);
	assert_string_equal(e.field, "share");
	/* another community's resident, and dwelling */
	err_clear(&e);
	assert_int_equal(
	    ownership_owner_add(fx.db, &id, fx.c1, d[0], outsider, false, NULL, &WHO, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	assert_string_equal(e.field, "resident_id");
	err_clear(&e);
	assert_int_equal(
	    ownership_owner_add(fx.db, &id, fx.c1, other[0], zhao, false, NULL, &WHO, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);

	/* the voter cannot leave co-owners behind */
	err_clear(&e);
	assert_int_equal(ownership_owner_remove(fx.db, fx.c1, d[0], o_wang, &WHO, &e), -1);
	assert_int_equal(e.code, ERR_CONFLICT);
	assert_string_equal(e.field, "voter");
	/* an owner id of another dwelling is not found there */
	err_clear(&e);
	assert_int_equal(ownership_owner_remove(fx.db, fx.c1, d[1], o_li, &WHO, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	/* changing the voter is explicit; then the old voter may go */
	err_clear(&e);
	assert_int_equal(ownership_owner_update(fx.db, fx.c1, d[0], o_li, true, NULL, &WHO, &e), 0);
	owners_text(t, sizeof(t), d[0]);
	assert_string_equal(t, "王芳,李强*");
	assert_int_equal(ownership_owner_update(fx.db, fx.c1, d[0], o_li, false, "", &WHO, &e), 0);
	assert_int_equal(ownership_owner_remove(fx.db, fx.c1, d[0], o_wang, &WHO, &e), 0);
	owners_text(t, sizeof(t), d[0]);
	assert_string_equal(t, "李强*");
	/* the last owner may go */
	assert_int_equal(ownership_owner_remove(fx.db, fx.c1, d[0], o_li, &WHO, &e), 0);
	owners_text(t, sizeof(t), d[0]);
	assert_string_equal(t, "");

	/* the developer owns alone */
	int64_t o_dev = own(d[1], 0, true, NULL);
	assert_int_equal(ownership_owner_add(fx.db, &id, fx.c1, d[1], zhao, false, NULL, &WHO, &e),
	                 -1);
	assert_int_equal(e.code, ERR_CONFLICT);
	assert_string_equal(e.field, "resident_id");
	err_clear(&e);
	assert_int_equal(ownership_owner_add(fx.db, &id, fx.c1, d[1], 0, true, NULL, &WHO, &e), -1);
	assert_int_equal(e.code, ERR_CONFLICT);
	assert_string_equal(e.field, "developer");
	err_clear(&e);
	owners_text(t, sizeof(t), d[1]);
	assert_string_equal(t, "建设单位*");
	assert_int_equal(ownership_developer_set(fx.db, fx.c1, "幸福置业有限公司", &WHO, &e), 0);
	owners_text(t, sizeof(t), d[1]);
	assert_string_equal(t, "幸福置业有限公司*");
	assert_int_equal(ownership_developer_set(fx.db, fx.c1, "", &WHO, &e), -1);
	assert_string_equal(e.field, "name");
	err_clear(&e);
	/* sold: the developer leaves, a resident comes */
	assert_int_equal(ownership_owner_remove(fx.db, fx.c1, d[1], o_dev, &WHO, &e), 0);
	own(d[1], zhao, false, NULL);
	assert_int_equal(ownership_owner_add(fx.db, &id, fx.c1, d[1], 0, true, NULL, &WHO, &e), -1);
	assert_string_equal(e.field, "developer");
}

static int64_t electorate(const char *scope, int64_t id, struct elector_unit **u, size_t *n,
                          struct arena *a)
{
	struct err e = ERR_INIT;
	if (ownership_electorate(fx.db, a, fx.c1, scope, id, u, n, &e) < 0)
		fail_msg("electorate %s %lld: %s (%s)", scope, (long long)id, e.message, e.field);
	return ownership_headcount(*u, *n);
}

static void test_electorate(void **state)
{
	(void)state;
	int64_t d[12], solo[1], other[1];
	struct arena a = ARENA_INIT;
	struct elector_unit *u = NULL;
	struct err e = ERR_INIT;
	size_t n = 0;
	json_t *f = NULL;

	/* 2 units × 3 floors × 2 rooms = 12 dwellings */
	int64_t b = new_building(fx.c1, fx.p1, 2, 3, 2, d);
	new_building(fx.c2, fx.p2, 1, 1, 1, other);
	int64_t zhou = person(fx.c1, "周先生", d[0], "householder");
	int64_t wu = person(fx.c1, "吴女士", d[8], "householder");
	int64_t zheng = person(fx.c1, "郑先生", d[8], "spouse");
	/* one owner of three dwellings */
	own(d[0], zhou, false, NULL);
	own(d[1], zhou, false, NULL);
	own(d[2], zhou, false, NULL);
	/* five unsold dwellings of the developer */
	for (int i = 3; i < 8; i++)
		own(d[i], 0, true, NULL);
	/* co-owners of one dwelling */
	own(d[8], wu, false, "1/2");
	own(d[8], zheng, false, "1/2");
	/* d[9..11] have no owner; d[7] will have no area */

	/* register beats survey beats contract */
	set_area(d[0], "register", 8912);
	set_area(d[0], "survey", 9999);
	set_area(d[0], "contract", 7777);
	set_area(d[1], "survey", 10001);
	set_area(d[1], "contract", 5);
	set_area(d[2], "contract", 12345);
	for (int i = 3; i < 7; i++)
		set_area(d[i], "register", 6000 + i);
	set_area(d[8], "register", 11111);
	set_area(d[9], "register", 100000); /* unowned: not counted */

	assert_int_equal(electorate("building", b, &u, &n, &a), 3); /* 周, the developer, 吴 */
	assert_int_equal(n, 9);
	assert_int_equal(u[0].dwelling_id, d[0]);
	assert_int_equal(u[0].voter_resident_id, zhou);
	assert_int_equal(u[0].area, 8912);
	assert_string_equal(u[0].area_source, "register");
	assert_int_equal(u[1].area, 10001);
	assert_string_equal(u[1].area_source, "survey");
	assert_int_equal(u[2].area, 12345);
	assert_string_equal(u[2].area_source, "contract");
	assert_int_equal(u[3].voter_resident_id, 0);
	assert_int_equal(u[7].dwelling_id, d[7]);
	assert_int_equal(u[7].area, 0);
	assert_null(u[7].area_source);
	assert_int_equal(u[8].voter_resident_id, wu);
	for (size_t i = 1; i < n; i++)
		assert_true(u[i - 1].dwelling_id < u[i].dwelling_id);

	/* the figures: exact sums */
	assert_int_equal(ownership_electorate_figures(fx.db, &f, fx.c1, "building", b, &e), 0);
	assert_int_equal(json_integer_value(json_object_get(f, "dwellings")), 12);
	assert_int_equal(json_integer_value(json_object_get(f, "owned")), 9);
	assert_int_equal(json_integer_value(json_object_get(f, "unowned")), 3);
	assert_int_equal(json_integer_value(json_object_get(f, "owners")), 3);
	assert_int_equal(json_integer_value(json_object_get(f, "developer_dwellings")), 5);
	assert_int_equal(json_integer_value(json_object_get(f, "without_area")), 1);
	assert_int_equal(
	    json_integer_value(json_array_get(json_object_get(f, "without_area_ids"), 0)), d[7]);
	/* 8912 + 10001 + 12345 + (6003 + 6004 + 6005 + 6006) + 11111 = 66387 */
	assert_int_equal(json_integer_value(json_object_get(f, "area_hundredths")), 66387);
	assert_string_equal(json_string_value(json_object_get(f, "area")), "663.87");
	json_t *by = json_object_get(f, "by_source");
	assert_int_equal(
	    json_integer_value(json_object_get(json_object_get(by, "register"), "dwellings")), 6);
	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(by, "register"), "area")), "440.41");
	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(by, "survey"), "area")), "100.01");
	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(by, "contract"), "area")), "123.45");
	json_decref(f);

	/* a unit: the first unit holds d[0..5] (ids are laid out unit by unit) */
	json_t *bj = NULL;
	assert_int_equal(structure_building_get(fx.db, &bj, fx.c1, b, &e), 0);
	int64_t unit1 = json_integer_value(
	    json_object_get(json_array_get(json_object_get(bj, "units"), 0), "id"));
	json_decref(bj);
	assert_int_equal(electorate("unit", unit1, &u, &n, &a), 2); /* 周 and the developer */
	assert_int_equal(n, 6);

	/* a compound and the community hold more buildings; the headcount of
	 * the community is at least this building's */
	int64_t before = electorate("community", 0, &u, &n, &a);
	assert_true(before >= 3);
	/* 周 owns one more, in another building: still one owner */
	new_building(fx.c1, fx.p1, 1, 1, 1, solo);
	own(solo[0], zhou, false, NULL);
	assert_int_equal(electorate("community", fx.c1, &u, &n, &a), before);
	assert_int_equal(electorate("compound", fx.p1, &u, &n, &a), before);

	/* scopes and ids outside the community */
	assert_int_equal(ownership_electorate(fx.db, &a, fx.c1, "building", other[0], &u, &n, &e),
	                 -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	assert_string_equal(e.field, "id");
	err_clear(&e);
	assert_int_equal(ownership_electorate(fx.db, &a, fx.c1, "compound", fx.p2, &u, &n, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	err_clear(&e);
	assert_int_equal(ownership_electorate(fx.db, &a, fx.c1, "community", fx.c2, &u, &n, &e),
	                 -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	err_clear(&e);
	assert_int_equal(ownership_electorate(fx.db, &a, fx.c1, "street", 1, &u, &n, &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
	assert_string_equal(e.field, "scope");

	/* a deleted voter: the co-owner stands in, the count holds */
	err_clear(&e);
	assert_int_equal(resident_delete(fx.db, fx.c1, wu, 0, "tester", NULL, &e), 0);
	assert_int_equal(electorate("building", b, &u, &n, &a), 3);
	assert_int_equal(u[8].voter_resident_id, zheng);
	arena_release(&a);
}

static void test_headcount_edges(void **state)
{
	(void)state;
	struct elector_unit u[4] = {{1, 7, 100, "register"},
	                            {2, 0, 100, "register"},
	                            {3, 7, 0, NULL},
	                            {4, 0, 50, "survey"}};
	assert_int_equal(ownership_headcount(NULL, 0), 0);
	assert_int_equal(ownership_headcount(u, 1), 1);
	assert_int_equal(ownership_headcount(u + 1, 1), 1);
	assert_int_equal(ownership_headcount(u, 4), 2);
	u[2].voter_resident_id = 8;
	assert_int_equal(ownership_headcount(u, 4), 3);
}

static void test_person_export(void **state)
{
	(void)state;
	int64_t d[2];
	struct err e = ERR_INIT;
	json_t *out = json_object(), *owned, *x;

	new_building(fx.c1, fx.p1, 1, 1, 2, d);
	int64_t qian = person(fx.c1, "钱女士", d[0], "householder");
	int64_t sun = person(fx.c1, "孙先生", d[0], "spouse");
	own(d[0], sun, false, "1/2");
	own(d[0], qian, false, "1/2");
	own(d[1], qian, false, NULL);
	set_area(d[1], "survey", 7050);
	assert_int_equal(ownership_person_export(fx.db, out, fx.c1, qian, &e), 0);
	owned = json_object_get(json_object_get(out, "ownership"), "owned");
	assert_int_equal(json_array_size(owned), 2);
	x = json_array_get(owned, 0);
	assert_int_equal(json_integer_value(json_object_get(x, "dwelling_id")), d[0]);
	assert_string_equal(json_string_value(json_object_get(x, "share")), "1/2");
	assert_false(json_is_true(json_object_get(x, "voter")));
	x = json_array_get(owned, 1);
	assert_true(json_is_true(json_object_get(x, "voter")));
	assert_int_equal(json_integer_value(json_object_get(x, "effective_area")), 7050);
	assert_string_equal(json_string_value(json_object_get(x, "area_source")), "survey");
	assert_string_equal(json_string_value(json_object_get(x, "room")), "102");
	/* another community: not found, nothing added */
	json_t *none = json_object();
	assert_int_equal(ownership_person_export(fx.db, none, fx.c2, qian, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	assert_int_equal(json_object_size(none), 0);
	json_decref(none);
	json_decref(out);
}

static void test_demo(void **state)
{
	(void)state;
	int64_t c3, p3, d[66], b;
	struct err e = ERR_INIT;
	struct arena a = ARENA_INIT;
	struct elector_unit *u = NULL;
	size_t n = 0, developer = 0, second = 0;
	json_t *f = NULL;

	assert_int_equal(structure_community_add(fx.db, &c3, fx.s1, "演示社区", &e), 0);
	assert_int_equal(structure_compound_add(fx.db, &p3, c3, "演示小区", 0, NULL, &e), 0);
	/* 66 dwellings of 80.00 m²; residents in the first 40, a spouse in each
	 * even one */
	struct layout l = {
	    .units = 2, .floors = 11, .rooms_per_floor = 3, .area = 8000, .first_floor = 1};
	int64_t nu, nd;
	char name[32];
	assert_int_equal(structure_building_add(fx.db, &b, c3, p3, "演示楼", 0, &e), 0);
	assert_int_equal(structure_layout(fx.db, c3, b, &l, &nu, &nd, &e), 0);
	assert_int_equal(nd, 66);
	assert_int_equal(ownership_electorate(fx.db, &a, c3, "building", b, &u, &n, &e), 0);
	assert_int_equal(n, 0);
	struct jsonw w = JSONW_INIT;
	assert_int_equal(structure_dwellings(fx.db, &w, c3, b, 0, 200, &e), 0);
	json_error_t je;
	json_t *doc = json_loadb(w.sb.buf, w.sb.len, 0, &je), *x;
	size_t i;
	json_array_foreach(json_object_get(doc, "dwellings"), i, x)
	{
		d[i] = json_integer_value(json_object_get(x, "id"));
	}
	json_decref(doc);
	jw_release(&w);
	for (int k = 0; k < 40; k++) {
		struct resident_input in = {.name = name,
		                            .gender = "male",
		                            .relation = "householder",
		                            .dwelling_id = d[k],
		                            .volunteer_willing = -1};
		int64_t id;
		snprintf(name, sizeof(name), "户主%d", k);
		assert_int_equal(resident_add(fx.db, &id, c3, &in, &e), 0);
		if (k % 2 == 0) {
			snprintf(name, sizeof(name), "配偶%d", k);
			in.relation = "spouse";
			in.gender = "female";
			assert_int_equal(resident_add(fx.db, &id, c3, &in, &e), 0);
		}
	}
	assert_int_equal(ownership_demo(fx.db, c3, &e), 0);
	assert_int_equal(ownership_electorate(fx.db, &a, c3, "building", b, &u, &n, &e), 0);
	for (size_t k = 0; k < n; k++) {
		assert_int_equal(u[k].area, 8000); /* the dwelling's own area, from the register */
		assert_string_equal(u[k].area_source, "register");
		developer += u[k].voter_resident_id == 0;
		second += u[k].dwelling_id > d[39] && u[k].voter_resident_id != 0;
	}
	assert_int_equal(developer, 2); /* the 33rd and the 66th */
	assert_true(second >= 1 && second <= 2);
	/* every dwelling lived in is owned (but the developer's one, d[32]) */
	assert_int_equal(n, 40 + 1 + second);
	/* 39 householders, the developer */
	assert_int_equal(ownership_headcount(u, n), 39 + 1);
	assert_int_equal(ownership_electorate_figures(fx.db, &f, c3, "building", b, &e), 0);
	assert_int_equal(json_integer_value(json_object_get(f, "without_area")), 0);
	assert_int_equal(json_integer_value(json_object_get(f, "area_hundredths")),
	                 (int64_t)n * 8000);
	json_decref(f);
	/* a second run leaves everything alone */
	assert_int_equal(ownership_demo(fx.db, c3, &e), 0);
	size_t again = 0;
	assert_int_equal(ownership_electorate(fx.db, &a, c3, "building", b, &u, &again, &e), 0);
	assert_int_equal(again, n);
	/* some co-owned dwellings exist: a spouse owns without voting */
	json_t *bo = NULL, *unit, *dw;
	size_t j, coowned = 0;
	assert_int_equal(ownership_building(fx.db, &bo, c3, b, &e), 0);
	json_array_foreach(json_object_get(bo, "units"), i, unit)
	{
		json_array_foreach(json_object_get(unit, "dwellings"), j, dw)
		{
			coowned += json_array_size(json_object_get(dw, "owners")) == 2;
		}
	}
	assert_true(coowned >= 5);
	json_decref(bo);
	arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_names_and_text),
	    cmocka_unit_test(test_effective_area),
	    cmocka_unit_test(test_owners_and_voter),
	    cmocka_unit_test(test_electorate),
	    cmocka_unit_test(test_headcount_edges),
	    cmocka_unit_test(test_person_export),
	    cmocka_unit_test(test_demo),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
