/*
 * test_resident_list.c - the residents list's statements and the name
 * index (src/registry/resident.c resident_list, resident_grams.c).
 *
 * On a community of a few thousand residents (the demo's generator) plus a
 * few awkward names (Latin letters, repeated characters, LIKE's own
 * characters), many random combinations of filters give exactly the same
 * page through the statement resident_list chooses as through the walk
 * (the generic statement, f.walk); paging a name search to its end gives
 * the walk's rows.  The grams follow adding, renaming, deleting and the CSV
 * import, and migration 570 fills them for residents already registered.
 * Languages: checked (length, control characters), stored, cleared.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "registry/care.h"
#include "registry/resident.h"
#include "registry/resident_demo.h"
#include "registry/resident_grams.h"
#include "registry/resident_io.h"
#include "registry/structure.h"
#include "routes.h"

#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char TODAY[] = "2026-06-15";

static struct {
	char *dir;
	struct store *db;
	struct seal_keyring *kr;
	int64_t street, c1, c2;
	int64_t buildings[3];
	/* what to search for, taken from the data */
	char names[64][64];
	char tails[32][8];
	int64_t dwellings[32];
	int64_t ids[64];
	int nnames, ntails, ndw, nids;
} fx;

static int64_t add_named(int64_t community, const char *name, const char *phone)
{
	struct resident_input in = {
	    .name = name, .gender = "female", .phone = phone, .volunteer_willing = -1};
	struct err e = ERR_INIT;
	int64_t out = 0;
	if (resident_add(fx.db, &out, community, &in, &e) < 0)
		fail_msg("add %s: %s (%s)", name, e.message, e.field);
	return out;
}

/* Collects names, phone tails, dwellings and ids from the walk's pages. */
static void sample(void)
{
	struct resident_filter f = {.age_min = -1, .age_max = -1, .limit = 200, .walk = true};
	struct err e = ERR_INIT;
	int page = 0;
	for (;;) {
		json_t *out, *arr, *r;
		size_t i;
		assert_int_equal(resident_list(fx.db, &out, fx.c1, &f, &e), 0);
		arr = json_object_get(out, "residents");
		json_array_foreach(arr, i, r)
		{
			const char *name = json_string_value(json_object_get(r, "name"));
			json_t *ph = json_object_get(r, "phone"), *dw = json_object_get(r, "dwelling_id");
			if (i % 37 == 5 && fx.nnames < 64)
				snprintf(fx.names[fx.nnames++], sizeof(fx.names[0]), "%s", name);
			if (json_is_string(ph) && i % 41 == 3 && fx.ntails < 32)
				snprintf(fx.tails[fx.ntails++], sizeof(fx.tails[0]), "%s",
				         json_string_value(ph) + strlen(json_string_value(ph)) - 4);
			if (json_is_integer(dw) && i % 43 == 7 && fx.ndw < 32)
				fx.dwellings[fx.ndw++] = json_integer_value(dw);
			if (i % 53 == 11 && fx.nids < 64)
				fx.ids[fx.nids++] = json_integer_value(json_object_get(r, "id"));
		}
		page++;
		if (json_is_null(json_object_get(out, "next"))) {
			json_decref(out);
			break;
		}
		f.after = json_integer_value(json_object_get(out, "next"));
		json_decref(out);
	}
	assert_true(page > 5);
	assert_true(fx.nnames > 20 && fx.ntails > 10 && fx.ndw > 10 && fx.nids > 20);
}

static int group_setup(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	char p[4200], k[4200];
	size_t n = 0;
	const struct migration *m = all_migrations(&n);
	int64_t compound, nu, nd, tagged;
	struct care_actor who = {.username = "test"};

	if (!(fx.dir = tmpdir_make()))
		return -1;
	tmpdir_path(p, sizeof(p), fx.dir, "list.sqlite");
	tmpdir_path(k, sizeof(k), fx.dir, "list.key");
	if (seal_keyring_create(&fx.kr, k, &e) < 0 || store_open(&fx.db, p, NULL, &e) < 0 ||
	    store_migrate(fx.db, m, n, NULL, &e) < 0 ||
	    structure_street_add(fx.db, &fx.street, "东湖街道", &e) < 0 ||
	    structure_community_add(fx.db, &fx.c1, fx.street, "幸福社区", &e) < 0 ||
	    structure_community_add(fx.db, &fx.c2, fx.street, "和平社区", &e) < 0 ||
	    structure_compound_add(fx.db, &compound, fx.c1, "阳光花园", 0, "阳光路 1 号", &e) < 0)
		goto fail;
	resident_set_keyring(fx.kr);
	for (int b = 0; b < 3; b++) {
		struct layout l = {.units = 4, .floors = 15, .rooms_per_floor = 4, .area = 8000,
		                   .first_floor = 1};
		char name[32];
		snprintf(name, sizeof(name), "%d号楼", b + 1);
		if (structure_building_add(fx.db, &fx.buildings[b], fx.c1, compound, name, 0, &e) < 0 ||
		    structure_layout(fx.db, fx.c1, fx.buildings[b], &l, &nu, &nd, &e) < 0)
			goto fail;
	}
	if (resident_demo_at(fx.db, fx.c1, 77, TODAY, NULL, &e) < 0)
		goto fail;
	/* awkward names, and the same names in the other community */
	{
		static const char *const odd[] = {"Tom Li", "tom", "TOMMY", "王王王", "100%_张!",
		                                  "欧阳娜娜", "王芳芳", "a王b芳"};
		for (size_t i = 0; i < sizeof(odd) / sizeof(odd[0]); i++) {
			add_named(fx.c1, odd[i], NULL);
			add_named(fx.c2, odd[i], NULL);
		}
		add_named(fx.c2, "王芳", "13800001111");
	}
	/* a care tag on a few */
	for (int64_t id = 1; id < 400; id += 17) {
		struct care_tag_input ti = {.tag = "living_alone"};
		if (care_tag_add(fx.db, &tagged, fx.c1, id, &ti, &who, &e) < 0) {
			if (e.code == ERR_NOT_FOUND) { /* a vacant id (of c2) */
				err_clear(&e);
				continue;
			}
			goto fail;
		}
	}
	sample();
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

/* The page through the chosen statement and through the walk are equal. */
static void same_page(const struct resident_filter *f, size_t *rows)
{
	struct resident_filter w = *f;
	struct err e = ERR_INIT;
	json_t *a, *b;
	w.walk = true;
	assert_int_equal(resident_list(fx.db, &a, fx.c1, f, &e), 0);
	assert_int_equal(resident_list(fx.db, &b, fx.c1, &w, &e), 0);
	if (!json_equal(a, b)) {
		char *x = json_dumps(a, JSON_COMPACT), *y = json_dumps(b, JSON_COMPACT);
		fail_msg("q=%s tail=%s dw=%lld age=%d-%d room=%s building=%lld tag=%s after=%lld "
		         "limit=%d\nchosen %.300s\nwalk   %.300s",
		         f->q ? f->q : "-", f->phone_tail ? f->phone_tail : "-",
		         (long long)f->dwelling, f->age_min, f->age_max, f->room ? f->room : "-",
		         (long long)f->building, f->tag ? f->tag : "-", (long long)f->after, f->limit,
		         x, y);
	}
	*rows += json_array_size(json_object_get(a, "residents"));
	json_decref(a);
	json_decref(b);
}

/* A substring of name of k characters from character i (or all of it). */
static void substring(char *out, size_t cap, const char *name, size_t i, size_t k)
{
	const unsigned char *p = (const unsigned char *)name, *s;
	size_t n = 0;
	for (; *p && i; i--)
		p += (*p < 0x80) ? 1 : (*p < 0xe0) ? 2 : (*p < 0xf0) ? 3 : 4;
	s = p;
	for (; *p && k; k--)
		p += (*p < 0x80) ? 1 : (*p < 0xe0) ? 2 : (*p < 0xf0) ? 3 : 4;
	n = (size_t)(p - s);
	if (n >= cap)
		n = cap - 1;
	memcpy(out, s, n);
	out[n] = '\0';
}

static void test_random_filters_agree(void **state)
{
	(void)state;
	static const char *const fixed_q[] = {"无此", "王", "芳", "Tom", "om", "TOM", "王王",
	                                      "%_", "!", "100%", "娜娜", "a王", "王b", "欧阳娜娜"};
	static const char *const rooms[] = {"101", "1203", "402", "9999"};
	char q[64];
	size_t rows = 0;
	srand(12345);
	for (int t = 0; t < 3000; t++) {
		struct resident_filter f = {.age_min = -1, .age_max = -1, .today = TODAY};
		int pick = rand() % 10;
		f.limit = rand() % 3 ? 50 : 1 + rand() % 200;
		if (pick < 4) {
			const char *nm = fx.names[rand() % fx.nnames];
			substring(q, sizeof(q), nm, (size_t)(rand() % 2), (size_t)(1 + rand() % 3));
			f.q = q;
		} else if (pick < 6) {
			f.q = fixed_q[rand() % (int)(sizeof(fixed_q) / sizeof(fixed_q[0]))];
		}
		if (rand() % 4 == 0)
			f.phone_tail = rand() % 5 ? fx.tails[rand() % fx.ntails] : "0000";
		if (rand() % 4 == 0)
			f.dwelling = rand() % 6 ? fx.dwellings[rand() % fx.ndw] : 999999;
		if (rand() % 5 == 0)
			f.age_min = rand() % 90;
		if (rand() % 5 == 0)
			f.age_max = rand() % 100;
		if (rand() % 8 == 0)
			f.tag = rand() % 3 ? "living_alone" : "disability";
		if (rand() % 8 == 0)
			f.room = rooms[rand() % 4];
		if (rand() % 8 == 0)
			f.building = fx.buildings[rand() % 3];
		if (rand() % 3 == 0)
			f.after = fx.ids[rand() % fx.nids];
		same_page(&f, &rows);
	}
	assert_true(rows > 10000); /* the pages are not all empty */
}

/* Paging a name search to its end gives the walk's rows, page by page. */
static void test_paging_agrees(void **state)
{
	(void)state;
	for (int i = 0; i < fx.nnames; i += 3) {
		char q[64];
		struct resident_filter f = {.age_min = -1, .age_max = -1, .limit = 3, .q = q};
		size_t rows = 0;
		int pages = 0;
		substring(q, sizeof(q), fx.names[i], 0, 2);
		for (;;) {
			struct err e = ERR_INIT;
			json_t *out;
			same_page(&f, &rows);
			assert_int_equal(resident_list(fx.db, &out, fx.c1, &f, &e), 0);
			pages++;
			if (json_is_null(json_object_get(out, "next"))) {
				json_decref(out);
				break;
			}
			f.after = json_integer_value(json_object_get(out, "next"));
			json_decref(out);
		}
		assert_true(rows >= 1); /* the name it came from */
		assert_true(pages >= 1);
	}
}

static const char sql_grams_of[] =
    "SELECT gram FROM resident_name_grams WHERE resident_id = ? ORDER BY gram";

/* The grams of resident id, joined with '|'. */
static void grams_of(char *out, size_t cap, int64_t id)
{
	struct err e = ERR_INIT;
	struct stmt *st = store_prepare(fx.db, sql_grams_of, &e);
	size_t k = 0;
	int s;
	assert_non_null(st);
	stmt_bind_int(st, 1, id);
	out[0] = '\0';
	while ((s = stmt_step(st, &e)) == STORE_ROW)
		k += (size_t)snprintf(out + k, cap - k, "%s%s", k ? "|" : "", stmt_text(st, 0));
	stmt_done(st);
	assert_int_equal(s, STORE_DONE);
}

static size_t found(int64_t community, const char *q)
{
	struct resident_filter f = {.age_min = -1, .age_max = -1, .limit = 200, .q = q};
	struct err e = ERR_INIT;
	json_t *out;
	size_t n;
	assert_int_equal(resident_list(fx.db, &out, community, &f, &e), 0);
	n = json_array_size(json_object_get(out, "residents"));
	json_decref(out);
	return n;
}

static void test_grams_follow_the_name(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	struct resident_input in = {.volunteer_willing = -1};
	char g[256];
	int64_t id = add_named(fx.c1, "司马相如如", NULL);
	grams_of(g, sizeof(g), id);
	assert_string_equal(g, "司马|如如|相如|马相"); /* distinct, in gram order */
	assert_int_equal(found(fx.c1, "马相如"), 1);
	assert_int_equal(found(fx.c2, "马相如"), 0);

	/* a rename replaces them; another change keeps them */
	in.name = "诸葛亮";
	assert_int_equal(resident_update(fx.db, fx.c1, id, &in, &e), 0);
	grams_of(g, sizeof(g), id);
	assert_string_equal(g, "葛亮|诸葛");
	assert_int_equal(found(fx.c1, "马相如"), 0);
	assert_int_equal(found(fx.c1, "诸葛亮"), 1);
	in.name = NULL;
	in.skills = "书法";
	assert_int_equal(resident_update(fx.db, fx.c1, id, &in, &e), 0);
	grams_of(g, sizeof(g), id);
	assert_string_equal(g, "葛亮|诸葛");

	/* a failed rename changes nothing */
	in = (struct resident_input){.name = "诸葛孔明", .gender = "neither", .volunteer_willing = -1};
	assert_int_equal(resident_update(fx.db, fx.c1, id, &in, &e), -1);
	err_clear(&e);
	grams_of(g, sizeof(g), id);
	assert_string_equal(g, "葛亮|诸葛");

	/* one character: no grams, found by the walk */
	{
		int64_t one = add_named(fx.c1, "翀", NULL);
		grams_of(g, sizeof(g), one);
		assert_string_equal(g, "");
		assert_true(found(fx.c1, "翀") >= 1);
		assert_int_equal(resident_delete(fx.db, fx.c1, one, 0, "test", NULL, &e), 0);
	}

	/* deleting the resident deletes them */
	assert_int_equal(resident_delete(fx.db, fx.c1, id, 0, "test", NULL, &e), 0);
	grams_of(g, sizeof(g), id);
	assert_string_equal(g, "");
	assert_int_equal(found(fx.c1, "诸葛亮"), 0);
}

static const char sql_id_of[] =
    "SELECT id FROM residents WHERE community_id = ? AND name = ? ORDER BY id DESC LIMIT 1";

static int64_t id_of(int64_t community, const char *name)
{
	struct err e = ERR_INIT;
	struct stmt *st = store_prepare(fx.db, sql_id_of, &e);
	int64_t id = 0;
	assert_non_null(st);
	stmt_bind_int(st, 1, community);
	stmt_bind_text(st, 2, name, SIZE_MAX);
	if (stmt_step(st, &e) == STORE_ROW)
		id = stmt_int(st, 0);
	stmt_done(st);
	return id;
}

static void test_grams_follow_the_import(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	struct rio_report rep;
	struct rio_options o = {.actor = "test"};
	char g[256];
	static const char first[] = "姓名,性别,身份证号,语言/方言\n"
	                            "上官婉儿,女,110105198511110228,普通话、上海话\n"
	                            "独孤求败,男,,\n";
	static const char renamed[] = "姓名,性别,身份证号,方言\n"
	                              "上官飞燕,女,110105198511110228,粤语\n";
	int64_t a, b;

	rio_report_init(&rep);
	assert_int_equal(resident_io_import(fx.db, &rep, fx.c2, first, strlen(first), &o, &e), 0);
	assert_true(rep.written);
	assert_int_equal(rep.added, 2);
	rio_report_release(&rep);
	a = id_of(fx.c2, "上官婉儿");
	b = id_of(fx.c2, "独孤求败");
	assert_true(a > 0 && b > 0);
	grams_of(g, sizeof(g), a);
	assert_string_equal(g, "上官|婉儿|官婉");
	grams_of(g, sizeof(g), b);
	assert_string_equal(g, "孤求|求败|独孤");
	assert_int_equal(found(fx.c2, "官婉"), 1);
	{
		json_t *r;
		assert_int_equal(resident_get(fx.db, &r, fx.c2, a, false, &e), 0);
		assert_string_equal(json_string_value(json_object_get(r, "languages")),
		                    "普通话、上海话");
		json_decref(r);
	}

	/* the same ID number with another name: updated, grams too */
	rio_report_init(&rep);
	assert_int_equal(
	    resident_io_import(fx.db, &rep, fx.c2, renamed, strlen(renamed), &o, &e), 0);
	assert_true(rep.written);
	assert_int_equal(rep.updated, 1);
	rio_report_release(&rep);
	grams_of(g, sizeof(g), a);
	assert_string_equal(g, "上官|官飞|飞燕");
	assert_int_equal(found(fx.c2, "官婉"), 0);
	assert_int_equal(found(fx.c2, "官飞燕"), 1);
	{
		json_t *r;
		assert_int_equal(resident_get(fx.db, &r, fx.c2, a, false, &e), 0);
		assert_string_equal(json_string_value(json_object_get(r, "languages")), "粤语");
		json_decref(r);
	}

	/* a dry run writes no grams */
	{
		static const char dry[] = "姓名,性别\n慕容复,男\n";
		struct rio_options od = {.actor = "test", .dry_run = true};
		rio_report_init(&rep);
		assert_int_equal(resident_io_import(fx.db, &rep, fx.c2, dry, strlen(dry), &od, &e),
		                 0);
		rio_report_release(&rep);
		assert_int_equal(found(fx.c2, "慕容"), 0);
	}
}

static void test_languages(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	struct resident_input in = {
	    .name = "林语堂", .gender = "male", .languages = "普通话, 闽南话", .volunteer_willing = -1};
	char long_text[4 * 101 + 1] = "";
	int64_t id;
	json_t *r;

	assert_int_equal(resident_add(fx.db, &id, fx.c1, &in, &e), 0);
	assert_int_equal(resident_get(fx.db, &r, fx.c1, id, false, &e), 0);
	assert_string_equal(json_string_value(json_object_get(r, "languages")), "普通话, 闽南话");
	json_decref(r);

	/* 100 characters are fine, 101 are not, nor a control character */
	for (int i = 0; i < 100; i++)
		strcat(long_text, "话");
	in = (struct resident_input){.languages = long_text, .volunteer_willing = -1};
	assert_int_equal(resident_update(fx.db, fx.c1, id, &in, &e), 0);
	strcat(long_text, "话");
	assert_int_equal(resident_update(fx.db, fx.c1, id, &in, &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
	assert_string_equal(e.field, "languages");
	err_clear(&e);
	in.languages = "普通话\x01";
	assert_int_equal(resident_update(fx.db, fx.c1, id, &in, &e), -1);
	assert_string_equal(e.field, "languages");
	err_clear(&e);
	in = (struct resident_input){
	    .name = "林二", .gender = "male", .languages = "普通话\x01", .volunteer_willing = -1};
	assert_int_equal(resident_add(fx.db, &id, fx.c1, &in, &e), -1);
	assert_string_equal(e.field, "languages");
	err_clear(&e);

	/* "" clears; the list carries it */
	id = id_of(fx.c1, "林语堂");
	in = (struct resident_input){.languages = "", .volunteer_willing = -1};
	assert_int_equal(resident_update(fx.db, fx.c1, id, &in, &e), 0);
	assert_int_equal(resident_get(fx.db, &r, fx.c1, id, false, &e), 0);
	assert_true(json_is_null(json_object_get(r, "languages")));
	json_decref(r);
	{
		struct resident_filter f = {.age_min = -1, .age_max = -1, .limit = 5, .q = "林语堂"};
		json_t *out, *first;
		assert_int_equal(resident_list(fx.db, &out, fx.c1, &f, &e), 0);
		first = json_array_get(json_object_get(out, "residents"), 0);
		assert_non_null(first);
		assert_non_null(json_object_get(first, "languages"));
		json_decref(out);
	}
}

/* Migration 570 fills the grams of the residents registered before it. */
static const char sql_old_add[] =
    "INSERT INTO residents (community_id, name, gender, relation, residency, created_at,"
    " updated_at) VALUES (?, ?, 'male', 'other', 'huji', 0, 0)";

static void test_migration_backfills(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	char p[4200];
	size_t n = 0, k = 0;
	const struct migration *m = all_migrations(&n);
	struct migration *before = calloc(n, sizeof(*before));
	struct store *db;
	int64_t street, c;
	static const char *const names[] = {"王芳", "欧阳娜娜", "王王王", "李", "Tom Li"};
	static const char sql_grams[] = "SELECT r.name, g.gram FROM resident_name_grams g"
	                                " JOIN residents r ON r.id = g.resident_id"
	                                " ORDER BY r.id, g.gram";
	char got[512] = "";
	size_t len = 0;
	struct stmt *st;
	int s;

	for (size_t i = 0; i < n; i++)
		if (m[i].version < 570)
			before[k++] = m[i];
	tmpdir_path(p, sizeof(p), fx.dir, "old.sqlite");
	assert_int_equal(store_open(&db, p, NULL, &e), 0);
	assert_int_equal(store_migrate(db, before, k, NULL, &e), 0);
	assert_int_equal(structure_street_add(db, &street, "旧街道", &e), 0);
	assert_int_equal(structure_community_add(db, &c, street, "旧社区", &e), 0);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		st = store_prepare(db, sql_old_add, &e);
		stmt_bind_int(st, 1, c);
		stmt_bind_text(st, 2, names[i], SIZE_MAX);
		assert_int_equal(stmt_exec(st, &e), 0);
	}
	assert_int_equal(store_migrate(db, m, n, NULL, &e), 0);
	st = store_prepare(db, sql_grams, &e);
	assert_non_null(st);
	while ((s = stmt_step(st, &e)) == STORE_ROW)
		len += (size_t)snprintf(got + len, sizeof(got) - len, "%s:%s;", stmt_text(st, 0),
		                        stmt_text(st, 1));
	stmt_done(st);
	assert_string_equal(got, "王芳:王芳;欧阳娜娜:娜娜;欧阳娜娜:欧阳;欧阳娜娜:阳娜;王王王:王王;"
	                         "Tom Li: L;Tom Li:Li;Tom Li:To;Tom Li:m ;Tom Li:om;");
	store_close(db);
	free(before);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_random_filters_agree),
	    cmocka_unit_test(test_paging_agrees),
	    cmocka_unit_test(test_grams_follow_the_name),
	    cmocka_unit_test(test_grams_follow_the_import),
	    cmocka_unit_test(test_languages),
	    cmocka_unit_test(test_migration_backfills),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
