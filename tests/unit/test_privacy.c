/*
 * test_privacy.c - PIPL (src/registry/privacy.c, keyrotate.c).
 *
 * On one temporary SQLite database with two communities and a key file:
 * ages at the birthday boundary; consent rules (notice version, purpose,
 * method, separate consent for a sensitive purpose, a guardian under 14);
 * withdrawal keeping the record; retention at its exact boundary (one second
 * before: kept; at it: deleted) in dry and real runs; the export holding
 * every column of the person's rows; erasure leaving no trace of the person
 * in any table but the audit log, which holds no name, hash or phone; and
 * re-sealing under a new key, then retiring the old one.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/timeutil.h"
#include "registry/keyrotate.h"
#include "registry/person.h"
#include "registry/privacy.h"
#include "registry/resident.h"
#include "registry/structure.h"
#include "registry/visit.h"
#include "routes.h"

#include "testutil.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define DAY 86400

static struct {
	char *dir;
	char path[4200], key[4200];
	struct store *db;
	struct seal_keyring *kr;
	int64_t s1, c1, c2;
} fx;

static const struct privacy_actor who = {0, "tester", "127.0.0.1"};

static int group_setup(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	size_t n = 0;
	int64_t v;
	const struct migration *m = all_migrations(&n);

	if (!(fx.dir = tmpdir_make()))
		return -1;
	tmpdir_path(fx.path, sizeof(fx.path), fx.dir, "p.sqlite");
	tmpdir_path(fx.key, sizeof(fx.key), fx.dir, "p.key");
	if (seal_keyring_create(&fx.kr, fx.key, &e) < 0 ||
	    store_open(&fx.db, fx.path, NULL, &e) < 0 || store_migrate(fx.db, m, n, NULL, &e) < 0 ||
	    structure_street_add(fx.db, &fx.s1, "东湖街道", &e) < 0 ||
	    structure_community_add(fx.db, &fx.c1, fx.s1, "幸福社区", &e) < 0 ||
	    structure_community_add(fx.db, &fx.c2, fx.s1, "和平社区", &e) < 0 ||
	    privacy_notice_add(fx.db, &v, fx.c1, "告知书\n第一版", "2026-01-01", &who, &e) < 0) {
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
                   const char *birth)
{
	struct resident_input in = {.name = name,
	                            .id_number = id,
	                            .phone = phone,
	                            .gender = id ? NULL : "male",
	                            .birth_date = birth,
	                            .volunteer_willing = -1};
	struct err e = ERR_INIT;
	int64_t out = 0;
	if (resident_add(fx.db, &out, community, &in, &e) < 0)
		fail_msg("add %s: %s (%s)", name, e.message, e.field);
	return out;
}

/* The date n years before today, in China, minus or plus one day. */
static void birth_years_ago(char out[11], int years, int shift_days)
{
	time_t t = (time_t)(time_now() + 8 * 3600 + (int64_t)shift_days * DAY);
	struct tm tm;
	char buf[48];
	gmtime_r(&t, &tm);
	snprintf(buf, sizeof(buf), "%04d-%02d-%02d", tm.tm_year + 1900 - years, tm.tm_mon + 1,
	         tm.tm_mday);
	memcpy(out, buf, 10);
	out[10] = '\0';
}

/* A valid ID number from its first 17 digits (GB 11643 check character). */
static const char *idcard(char out[19], const char *d17)
{
	static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
	int sum = 0;
	for (int i = 0; i < 17; i++)
		sum += (d17[i] - '0') * w[i];
	memcpy(out, d17, 17);
	out[17] = "10X98765432"[sum % 11];
	out[18] = '\0';
	return out;
}

static void test_age(void **state)
{
	(void)state;
	assert_int_equal(privacy_age_on("2012-06-01", "2026-05-31"), 13);
	assert_int_equal(privacy_age_on("2012-06-01", "2026-06-01"), 14);
	assert_int_equal(privacy_age_on("2012-02-29", "2026-02-28"), 13);
	assert_int_equal(privacy_age_on("2012-02-29", "2026-03-01"), 14);
	assert_int_equal(privacy_age_on("", "2026-03-01"), -1);
	assert_int_equal(privacy_age_on("2027-01-01", "2026-03-01"), -1);
}

static void expect_err(int rc, struct err *e, enum err_code code, const char *field)
{
	assert_int_equal(rc, -1);
	assert_int_equal(e->code, code);
	assert_string_equal(e->field, field);
	err_clear(e);
}

static void test_consent_rules(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	int64_t adult = add(fx.c1, "成年人", NULL, "13800001111", "1980-05-05"), id, id2;
	char b[11];
	int64_t child, child14;
	struct consent_input in = {.purpose = "registry", .notice_version = 1, .method = "paper"};
	json_t *o;

	in.notice_version = 2;
	expect_err(privacy_consent_add(fx.db, &id, fx.c1, adult, &in, &who, &e), &e, ERR_INVALID,
	           "notice_version");
	in.notice_version = 1;
	in.purpose = "spying";
	expect_err(privacy_consent_add(fx.db, &id, fx.c1, adult, &in, &who, &e), &e, ERR_INVALID,
	           "purpose");
	in.purpose = "registry";
	in.method = "telepathy";
	expect_err(privacy_consent_add(fx.db, &id, fx.c1, adult, &in, &who, &e), &e, ERR_INVALID,
	           "method");
	in.method = "in_person";
	in.given_at = time_now() + 3600;
	expect_err(privacy_consent_add(fx.db, &id, fx.c1, adult, &in, &who, &e), &e, ERR_INVALID,
	           "given_at");
	in.given_at = 0;
	/* another community's resident */
	assert_int_equal(privacy_consent_add(fx.db, &id, fx.c2, adult, &in, &who, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	err_clear(&e);
	assert_int_equal(privacy_consent_add(fx.db, &id, fx.c1, adult, &in, &who, &e), 0);

	/* a sensitive purpose needs its own acknowledgement */
	in.purpose = "care_services";
	expect_err(privacy_consent_add(fx.db, &id2, fx.c1, adult, &in, &who, &e), &e, ERR_INVALID,
	           "sensitive_notice");
	in.sensitive_notice = true;
	assert_int_equal(privacy_consent_add(fx.db, &id2, fx.c1, adult, &in, &who, &e), 0);
	in.sensitive_notice = false;

	/* a child one day short of 14 needs a guardian; on the 14th birthday not */
	birth_years_ago(b, 14, 1);
	child = add(fx.c1, "小孩", NULL, NULL, b);
	birth_years_ago(b, 14, 0);
	child14 = add(fx.c1, "少年", NULL, NULL, b);
	in.purpose = "registry";
	expect_err(privacy_consent_add(fx.db, &id, fx.c1, child, &in, &who, &e), &e, ERR_INVALID,
	           "guardian");
	assert_int_equal(privacy_consent_add(fx.db, &id, fx.c1, child14, &in, &who, &e), 0);
	in.guardian_resident_id = child;
	expect_err(privacy_consent_add(fx.db, &id, fx.c1, child, &in, &who, &e), &e, ERR_INVALID,
	           "guardian");
	in.guardian_resident_id = 0;
	in.guardian_name = "王妈妈";
	expect_err(privacy_consent_add(fx.db, &id, fx.c1, child, &in, &who, &e), &e, ERR_INVALID,
	           "guardian");
	in.guardian_relation = "母亲";
	assert_int_equal(privacy_consent_add(fx.db, &id, fx.c1, child, &in, &who, &e), 0);
	in.guardian_name = in.guardian_relation = NULL;
	in.guardian_resident_id = adult;
	assert_int_equal(privacy_consent_add(fx.db, &id, fx.c1, child, &in, &who, &e), 0);

	/* withdrawal keeps the record and changes the state */
	assert_int_equal(privacy_consents(fx.db, &o, fx.c1, adult, &e), 0);
	assert_string_equal(
	    json_string_value(json_object_get(
	        json_object_get(json_object_get(o, "state"), "care_services"), "state")),
	    "given");
	assert_string_equal(
	    json_string_value(json_object_get(
	        json_object_get(json_object_get(o, "state"), "volunteer"), "state")),
	    "none");
	json_decref(o);
	expect_err(privacy_consent_withdraw(fx.db, fx.c1, adult, id2, "fax", NULL, &who, &e), &e,
	           ERR_INVALID, "method");
	assert_int_equal(
	    privacy_consent_withdraw(fx.db, fx.c1, adult, id2, "phone", "来电", &who, &e), 0);
	expect_err(privacy_consent_withdraw(fx.db, fx.c1, adult, id2, "phone", NULL, &who, &e), &e,
	           ERR_CONFLICT, "consent");
	assert_int_equal(
	    privacy_consent_withdraw(fx.db, fx.c2, adult, id2, "phone", NULL, &who, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	err_clear(&e);
	assert_int_equal(privacy_consents(fx.db, &o, fx.c1, adult, &e), 0);
	assert_int_equal(json_array_size(json_object_get(o, "consents")), 2);
	assert_string_equal(
	    json_string_value(json_object_get(
	        json_object_get(json_object_get(o, "state"), "care_services"), "state")),
	    "withdrawn");
	json_decref(o);
}

static void test_category_settings(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	struct privacy_category c = {"contact", "consent", -1, "moved_out", NULL};
	expect_err(privacy_category_set(fx.db, fx.c2, &c, &e), &e, ERR_INVALID, "reason");
	c.category = "dreams";
	expect_err(privacy_category_set(fx.db, fx.c2, &c, &e), &e, ERR_INVALID, "category");
	c.category = "contact";
	c.lawful_basis = "whim";
	expect_err(privacy_category_set(fx.db, fx.c2, &c, &e), &e, ERR_INVALID, "lawful_basis");
	c.lawful_basis = "consent";
	c.retention_days = 0;
	expect_err(privacy_category_set(fx.db, fx.c2, &c, &e), &e, ERR_INVALID, "retention_days");
	c.retention_days = 30;
	assert_int_equal(privacy_category_set(fx.db, fx.c2, &c, &e), 0);
	assert_int_equal(privacy_category_default("contact")->retention_days, 180);
	expect_err(privacy_purpose_add(fx.db, fx.c2, "registry", "登记", false, &e), &e,
	           ERR_CONFLICT, "code");
	expect_err(privacy_purpose_add(fx.db, fx.c2, "Bad-Code", "x", false, &e), &e, ERR_INVALID,
	           "code");
	assert_int_equal(privacy_purpose_add(fx.db, fx.c2, "elder_meals", "老年助餐", true, &e), 0);
	expect_err(privacy_purpose_add(fx.db, fx.c2, "elder_meals", "老年助餐", true, &e), &e,
	           ERR_CONFLICT, "code");
}

static void test_retention_boundary(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	struct retention_counts c;
	struct consent_input in = {.purpose = "registry", .notice_version = 1, .method = "paper"};
	int64_t r = add(fx.c1, "搬走的人", NULL, "13700002222", "1970-01-01"), r2, cid, t0, n_id;
	int64_t day_id = 1095 * (int64_t)DAY, day_ph = 180 * (int64_t)DAY;
	json_t *o;

	assert_int_equal(privacy_consent_add(fx.db, &cid, fx.c1, r, &in, &who, &e), 0);
	t0 = time_now() - 10;
	assert_int_equal(privacy_moved_out(fx.db, fx.c1, r, t0, &who, &e), 0);
	/* the contact category (180 days): one second before, nothing */
	assert_int_equal(privacy_retention_run(fx.db, &c, t0 + day_ph - 1, true, NULL, &e), 0);
	assert_int_equal(c.phones_cleared, 0);
	assert_int_equal(c.residents_deleted, 0);
	assert_int_equal(privacy_retention_run(fx.db, &c, t0 + day_ph, true, NULL, &e), 0);
	assert_int_equal(c.phones_cleared, 1);
	assert_int_equal(c.residents_deleted, 0);
	/* a dry run changed nothing */
	assert_int_equal(resident_get(fx.db, &o, fx.c1, r, true, &e), 0);
	assert_string_equal(json_string_value(json_object_get(o, "phone")), "13700002222");
	json_decref(o);
	assert_int_equal(privacy_retention_run(fx.db, &c, t0 + day_ph, false, NULL, &e), 0);
	assert_int_equal(c.phones_cleared, 1);
	assert_int_equal(resident_get(fx.db, &o, fx.c1, r, true, &e), 0);
	assert_true(json_is_null(json_object_get(o, "phone")));
	json_decref(o);
	/* identity (1095 days): kept one second before, deleted at the boundary */
	assert_int_equal(privacy_retention_run(fx.db, &c, t0 + day_id - 1, false, NULL, &e), 0);
	assert_int_equal(c.residents_deleted, 0);
	/* someone whose phone and identity expire in the same run is deleted,
	 * not first cleared: the dry run counts as the real one acts */
	r2 = add(fx.c1, "同时到期", NULL, "13700003333", "1971-01-01");
	assert_int_equal(privacy_moved_out(fx.db, fx.c1, r2, t0, &who, &e), 0);
	assert_int_equal(privacy_retention_run(fx.db, &c, t0 + day_id, true, NULL, &e), 0);
	n_id = c.residents_deleted;
	assert_int_equal(n_id, 2);
	assert_int_equal(c.phones_cleared, 0);
	assert_int_equal(privacy_retention_run(fx.db, &c, t0 + day_id, false, NULL, &e), 0);
	assert_int_equal(c.residents_deleted, 2);
	assert_int_equal(c.phones_cleared, 0);
	assert_int_equal(resident_get(fx.db, &o, fx.c1, r, false, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	err_clear(&e);
	assert_int_equal(privacy_consents(fx.db, &o, fx.c1, r, &e), -1);
	err_clear(&e);
	/* and a second run finds nothing */
	assert_int_equal(privacy_retention_run(fx.db, &c, t0 + day_id, false, NULL, &e), 0);
	assert_int_equal(c.residents_deleted, 0);
}

static void test_retention_visits(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	struct retention_counts c;
	struct layout l = {
	    .units = 1, .floors = 1, .rooms_per_floor = 1, .area = 5000, .first_floor = 1};
	int64_t comp, bld, units, dwellings, dw = 0, vid, at;
	struct visit v = {.outcome = VISIT_OPENED,
	                  .notes = "老人独居，腿脚不便",
	                  .user_id = 1,
	                  .user_name = "网格员"};
	json_t *o;
	sqlite3 *s;
	sqlite3_stmt *st;

	assert_int_equal(structure_compound_add(fx.db, &comp, fx.c2, "小区", 0, NULL, &e), 0);
	assert_int_equal(structure_building_add(fx.db, &bld, fx.c2, comp, "1号楼", 0, &e), 0);
	assert_int_equal(structure_layout(fx.db, fx.c2, bld, &l, &units, &dwellings, &e), 0);
	assert_int_equal(sqlite3_open(fx.path, &s), SQLITE_OK);
	assert_int_equal(
	    sqlite3_prepare_v2(s, "SELECT id FROM dwellings WHERE building_id = ?", -1, &st, NULL),
	    SQLITE_OK);
	sqlite3_bind_int64(st, 1, bld);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	dw = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(s);
	v.dwelling_id = dw;
	at = time_now() - 100;
	v.at = at;
	assert_int_equal(visit_record(fx.db, &vid, fx.c2, &v, &e), 0);
	/* 730 days after the visit, not a second before */
	assert_int_equal(
	    privacy_retention_run(fx.db, &c, at + 730 * (int64_t)DAY - 1, false, NULL, &e), 0);
	assert_int_equal(c.visits_anonymised, 0);
	assert_int_equal(privacy_retention_run(fx.db, &c, at + 730 * (int64_t)DAY, true, NULL, &e),
	                 0);
	assert_int_equal(c.visits_anonymised, 1);
	assert_int_equal(privacy_retention_run(fx.db, &c, at + 730 * (int64_t)DAY, false, NULL, &e),
	                 0);
	assert_int_equal(c.visits_anonymised, 1);
	assert_int_equal(visit_history(fx.db, &o, fx.c2, dw, &e), 0);
	assert_string_equal(json_string_value(json_object_get(
	                        json_array_get(json_object_get(o, "visits"), 0), "notes")),
	                    "");
	assert_string_equal(json_string_value(json_object_get(
	                        json_array_get(json_object_get(o, "visits"), 0), "outcome")),
	                    "opened");
	json_decref(o);
	assert_int_equal(privacy_retention_run(fx.db, &c, at + 730 * (int64_t)DAY, false, NULL, &e),
	                 0);
	assert_int_equal(c.visits_anonymised, 0);
}

/* The names of a table's columns, comma-joined with commas around. */
static void columns_of(sqlite3 *s, const char *table, char *out, size_t n)
{
	char sql[256];
	sqlite3_stmt *st;
	size_t k = 0;
	snprintf(sql, sizeof(sql), "PRAGMA table_info(%s)", table);
	assert_int_equal(sqlite3_prepare_v2(s, sql, -1, &st, NULL), SQLITE_OK);
	out[k++] = ',';
	while (sqlite3_step(st) == SQLITE_ROW)
		k += (size_t)snprintf(out + k, n - k, "%s,",
		                      (const char *)sqlite3_column_text(st, 1));
	out[k] = '\0';
	sqlite3_finalize(st);
}

static void test_export_complete(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	struct consent_input in = {
	    .purpose = "contact", .notice_version = 1, .method = "online", .evidence = "扫码确认"};
	int64_t r = add(fx.c1, "导出人", "11010519491231002X", "13600003333", NULL), cid;
	json_t *o, *parts, *res, *cons;
	sqlite3 *s;
	char cols[1024], *p, *save;
	const char *skip_res = ",community_id,id_hash,phone_tail,";
	const char *skip_con = ",community_id,resident_id,guardian_resident_id,guardian_name,"
	                       "guardian_relation,";

	assert_int_equal(privacy_consent_add(fx.db, &cid, fx.c1, r, &in, &who, &e), 0);
	assert_int_equal(
	    privacy_consent_withdraw(fx.db, fx.c1, r, cid, "online", "不再需要", &who, &e), 0);
	assert_int_equal(privacy_export(fx.db, &o, fx.c1, r, &who, &e), 0);
	parts = json_object_get(o, "parts");
	assert_int_equal(json_object_size(parts), all_person_exports_n);
	res = json_object_get(parts, "resident");
	assert_string_equal(json_string_value(json_object_get(res, "id_number")),
	                    "11010519491231002X");
	assert_string_equal(json_string_value(json_object_get(res, "phone")), "13600003333");
	cons = json_object_get(parts, "consents");
	assert_int_equal(json_array_size(cons), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(cons, 0), "evidence")),
	                    "扫码确认");
	/* the export itself is in the audit part */
	assert_true(json_array_size(json_object_get(parts, "audit")) >= 3);

	/* every column of the person's rows is there (derived ones aside) */
	assert_int_equal(sqlite3_open(fx.path, &s), SQLITE_OK);
	columns_of(s, "residents", cols, sizeof(cols));
	for (p = strtok_r(cols, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
		char k[80];
		snprintf(k, sizeof(k), ",%s,", p);
		if (!strstr(skip_res, k) && !json_object_get(res, p))
			fail_msg("export lacks residents.%s", p);
	}
	columns_of(s, "consents", cols, sizeof(cols));
	for (p = strtok_r(cols, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
		char k[80];
		snprintf(k, sizeof(k), ",%s,", p);
		if (!strstr(skip_con, k) && !json_object_get(json_array_get(cons, 0), p))
			fail_msg("export lacks consents.%s", p);
	}
	sqlite3_close(s);
	json_decref(o);
}

/* How many rows of every table except audit_log and schema_migrations match
 * the person: an id column naming residents, or any text column holding the
 * name, equal to the hash or to the phone tail. */
static int64_t traces(int64_t id, const char *name, const char *hash, const char *tail,
                      bool audit_only, bool report)
{
	sqlite3 *s;
	sqlite3_stmt *t, *c, *q;
	int64_t hits = 0;
	char sql[1024];
	assert_int_equal(sqlite3_open(fx.path, &s), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(s,
	                                    "SELECT name FROM sqlite_master WHERE type = 'table'",
	                                    -1, &t, NULL),
	                 SQLITE_OK);
	while (sqlite3_step(t) == SQLITE_ROW) {
		const char *table = (const char *)sqlite3_column_text(t, 0);
		bool is_audit = !strcmp(table, "audit_log");
		if (!strcmp(table, "schema_migrations") || !strncmp(table, "sqlite_", 7) ||
		    is_audit != audit_only)
			continue;
		snprintf(sql, sizeof(sql), "PRAGMA table_info(%s)", table);
		assert_int_equal(sqlite3_prepare_v2(s, sql, -1, &c, NULL), SQLITE_OK);
		while (sqlite3_step(c) == SQLITE_ROW) {
			const char *col = (const char *)sqlite3_column_text(c, 1);
			bool idcol = !strcmp(table, "residents")
			                 ? !strcmp(col, "id")
			                 : strstr(col, "resident_id") != NULL;
			snprintf(sql, sizeof(sql),
			         "SELECT COUNT(*) FROM %s WHERE (? AND %s = ?)"
			         " OR instr(CAST(%s AS TEXT), ?) > 0 OR CAST(%s AS TEXT) = ?"
			         " OR CAST(%s AS TEXT) = ?",
			         table, col, col, col, col);
			assert_int_equal(sqlite3_prepare_v2(s, sql, -1, &q, NULL), SQLITE_OK);
			sqlite3_bind_int(q, 1, idcol && !is_audit);
			sqlite3_bind_int64(q, 2, id);
			sqlite3_bind_text(q, 3, name, -1, SQLITE_STATIC);
			sqlite3_bind_text(q, 4, hash, -1, SQLITE_STATIC);
			sqlite3_bind_text(q, 5, tail, -1, SQLITE_STATIC);
			assert_int_equal(sqlite3_step(q), SQLITE_ROW);
			if (report && sqlite3_column_int64(q, 0))
				fprintf(stderr, "trace in %s.%s\n", table, col);
			hits += sqlite3_column_int64(q, 0);
			sqlite3_finalize(q);
		}
		sqlite3_finalize(c);
	}
	sqlite3_finalize(t);
	sqlite3_close(s);
	return hits;
}

static void test_erase_leaves_nothing(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	const char *name = "独一无二的名字";
	char idn[19], b[11], hash[SEAL_HASH_CHARS + 1];
	int64_t r = add(fx.c1, name, idcard(idn, "44030419900101123"), "13512349173", NULL), kid,
	        cid;
	struct consent_input in = {.purpose = "registry", .notice_version = 1, .method = "paper"};
	json_t *o;

	(void)o;
	seal_hash(hash, fx.kr, idn, 18);
	birth_years_ago(b, 5, 0);
	kid = add(fx.c1, "孩子", NULL, NULL, b);
	in.guardian_resident_id = r; /* the person is a guardian too */
	assert_int_equal(privacy_consent_add(fx.db, &cid, fx.c1, kid, &in, &who, &e), 0);
	in.guardian_resident_id = 0;
	assert_int_equal(privacy_consent_add(fx.db, &cid, fx.c1, r, &in, &who, &e), 0);
	assert_int_equal(privacy_moved_out(fx.db, fx.c1, r, time_now() - 5, &who, &e), 0);
	assert_true(traces(r, name, hash, "9173", false, false) > 0);
	/* another community cannot erase them */
	assert_int_equal(privacy_erase(fx.db, fx.c2, r, &who, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	err_clear(&e);
	assert_int_equal(privacy_erase(fx.db, fx.c1, r, &who, &e), 0);
	assert_int_equal(traces(r, name, hash, "9173", false, true), 0);
	/* the audit log keeps the entries, and none holds the name, hash or tail */
	assert_int_equal(traces(0, name, hash, "9173", true, true), 0);
	/* the child's consent outlives the guardian, without naming them */
	assert_int_equal(privacy_consents(fx.db, &o, fx.c1, kid, &e), 0);
	assert_true(json_is_null(
	    json_object_get(json_array_get(json_object_get(o, "consents"), 0), "guardian")));
	json_decref(o);
	assert_int_equal(privacy_erase(fx.db, fx.c1, r, &who, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	err_clear(&e);
}

static void test_explain(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	int64_t r = add(fx.c1, "解释", NULL, "13411112222", "1960-03-03");
	json_t *o, *cats;
	size_t i;
	json_t *x;
	bool contact = false;
	assert_int_equal(privacy_moved_out(fx.db, fx.c1, r, time_now() - 100, &who, &e), 0);
	assert_int_equal(privacy_explain(fx.db, &o, fx.c1, r, time_now(), &e), 0);
	cats = json_object_get(o, "categories");
	json_array_foreach(cats, i, x)
	{
		if (!strcmp(json_string_value(json_object_get(x, "category")), "contact")) {
			contact = true;
			assert_int_equal(json_integer_value(json_object_get(x, "retention_days")),
			                 180);
			assert_true(json_integer_value(json_object_get(x, "ends_at")) > time_now());
			assert_non_null(
			    strstr(json_string_value(json_object_get(x, "text_zh")), "180"));
		}
		assert_string_not_equal(json_string_value(json_object_get(x, "category")),
		                        "household");
	}
	assert_true(contact);
	json_decref(o);
}

static void test_key_rotation(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	int64_t counts[256], done;
	json_t *o;
	char idn[19];
	int64_t r = add(fx.c1, "轮换", idcard(idn, "31010119800101001"), "13900009999", NULL);
	(void)r;
	assert_int_equal(keyrotate_status(fx.db, counts, &e), 0);
	assert_true(counts[1] > 0);
	assert_int_equal(seal_rotate(fx.kr, &e), 0);
	assert_int_equal(seal_current_key(fx.kr), 2);
	/* key 1 still in use: retiring it is refused */
	assert_int_equal(keyrotate_retire(fx.db, fx.key, 1, &e), -1);
	assert_int_equal(e.code, ERR_CONFLICT);
	err_clear(&e);
	assert_int_equal(keyrotate_reseal(fx.db, fx.kr, NULL, &done, &e), 0);
	assert_int_equal(done, counts[1]);
	assert_int_equal(keyrotate_status(fx.db, counts, &e), 0);
	assert_int_equal(counts[1], 0);
	assert_true(counts[2] > 0);
	/* a second run has nothing left to do */
	assert_int_equal(keyrotate_reseal(fx.db, fx.kr, NULL, &done, &e), 0);
	assert_int_equal(done, 0);
	assert_int_equal(keyrotate_retire(fx.db, fx.key, 2, &e), -1); /* current */
	assert_int_equal(e.code, ERR_CONFLICT);
	err_clear(&e);
	assert_int_equal(keyrotate_retire(fx.db, fx.key, 1, &e), 0);
	assert_int_equal(keyrotate_retire(fx.db, fx.key, 1, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	err_clear(&e);
	/* the file without key 1 still opens every value */
	{
		struct seal_keyring *k2;
		assert_int_equal(seal_keyring_load(&k2, fx.key, &e), 0);
		resident_set_keyring(k2);
		assert_int_equal(resident_get(fx.db, &o, fx.c1, r, true, &e), 0);
		assert_string_equal(json_string_value(json_object_get(o, "phone")), "13900009999");
		json_decref(o);
		resident_set_keyring(fx.kr);
		seal_keyring_free(k2);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_age),
	    cmocka_unit_test(test_consent_rules),
	    cmocka_unit_test(test_category_settings),
	    cmocka_unit_test(test_retention_boundary),
	    cmocka_unit_test(test_retention_visits),
	    cmocka_unit_test(test_export_complete),
	    cmocka_unit_test(test_erase_leaves_nothing),
	    cmocka_unit_test(test_explain),
	    cmocka_unit_test(test_key_rotation),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
