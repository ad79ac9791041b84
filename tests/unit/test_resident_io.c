/*
 * test_resident_io.c - importing and exporting residents
 * (src/registry/resident_io.c).
 *
 * One temporary database: community c1 with two compounds (东区: 1号楼 and
 * 2号楼, 西区: another 1号楼), each building 2 units x 3 floors x 2 rooms;
 * community c2 with a building of its own.  Files are built in the tests
 * (UTF-8, UTF-8 with a byte order mark, GB18030 with and without bad bytes).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "registry/idcard.h"
#include "registry/resident.h"
#include "registry/resident_io.h"
#include "registry/structure.h"
#include "routes.h"

#include "testutil.h"

#include <iconv.h>
#include <stdio.h>
#include <string.h>

static struct {
	char *dir;
	struct store *db;
	struct seal_keyring *kr;
	int64_t c1, c2;
} fx;

static int lay(int64_t community, int64_t compound, const char *name, struct err *e)
{
	struct layout l = {.units = 2, .floors = 3, .rooms_per_floor = 2, .area = 8000,
	                   .first_floor = 1};
	int64_t b, nu, nd;
	return structure_building_add(fx.db, &b, community, compound, name, 0, e) < 0 ||
	               structure_layout(fx.db, community, b, &l, &nu, &nd, e) < 0
	           ? -1
	           : 0;
}

static int group_setup(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	char p[4200], k[4200];
	size_t n = 0;
	int64_t s1, east, west, other;
	const struct migration *m = all_migrations(&n);

	if (!(fx.dir = tmpdir_make()))
		return -1;
	tmpdir_path(p, sizeof(p), fx.dir, "io.sqlite");
	tmpdir_path(k, sizeof(k), fx.dir, "io.key");
	if (seal_keyring_create(&fx.kr, k, &e) < 0 || store_open(&fx.db, p, NULL, &e) < 0 ||
	    store_migrate(fx.db, m, n, NULL, &e) < 0 ||
	    structure_street_add(fx.db, &s1, "东湖街道", &e) < 0 ||
	    structure_community_add(fx.db, &fx.c1, s1, "幸福社区", &e) < 0 ||
	    structure_community_add(fx.db, &fx.c2, s1, "和平社区", &e) < 0 ||
	    structure_compound_add(fx.db, &east, fx.c1, "东区", 0, NULL, &e) < 0 ||
	    structure_compound_add(fx.db, &west, fx.c1, "西区", 0, NULL, &e) < 0 ||
	    structure_compound_add(fx.db, &other, fx.c2, "南苑", 0, NULL, &e) < 0 ||
	    lay(fx.c1, east, "1号楼", &e) < 0 || lay(fx.c1, east, "2号楼", &e) < 0 ||
	    lay(fx.c1, west, "1号楼", &e) < 0 || lay(fx.c2, other, "9号楼", &e) < 0) {
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

/* Empties the register between tests. */
static int empty_register(void **state)
{
	struct err e = ERR_INIT;
	(void)state;
	return store_exec(fx.db, "DELETE FROM residents", &e);
}

/* A valid ID number born on birth (yyyymmdd) with sequence seq (odd: man). */
static const char *mkid(char out[IDCARD_LEN + 1], const char *birth, int seq)
{
	snprintf(out, IDCARD_LEN + 1, "110105%s%03d", birth, seq);
	out[17] = idcard_check_char(out);
	out[18] = '\0';
	return out;
}

static int64_t count(int64_t community)
{
	static const char sql[] = "SELECT COUNT(*) FROM residents WHERE community_id = ?";
	struct err e = ERR_INIT;
	struct stmt *st = store_prepare(fx.db, sql, &e);
	int64_t n;
	assert_non_null(st);
	stmt_bind_int(st, 1, community);
	assert_int_equal(stmt_step(st, &e), STORE_ROW);
	n = stmt_int(st, 0);
	stmt_done(st);
	return n;
}

/* Imports text into c1; returns resident_io_import's result. */
static int import(struct rio_report *rep, const char *text, size_t len, const char *map,
                  bool dry, struct err *e)
{
	struct rio_options o = {.map = map, .dry_run = dry, .actor = "test"};
	rio_report_init(rep);
	return resident_io_import(fx.db, rep, fx.c1, text, len, &o, e);
}

static char *to_gb(const char *utf8, size_t *len)
{
	static char out[8192];
	iconv_t cd = iconv_open("GB18030", "UTF-8");
	char *in = (char *)utf8, *o = out;
	size_t il = strlen(utf8), ol = sizeof(out);
	assert_true(cd != (iconv_t)-1);
	assert_true(iconv(cd, &in, &il, &o, &ol) != (size_t)-1);
	iconv_close(cd);
	*len = (size_t)(o - out);
	return out;
}

static void test_mapping(void **state)
{
	(void)state;
	struct rio_report rep;
	struct err e = ERR_INIT;
	char id[19], text[1024];

	/* Chinese headings, an unknown column, a one-column address */
	snprintf(text, sizeof(text),
	         "姓名,公民身份号码,联系电话,住址,备注\n"
	         "张三,%s,13812345678,东区1号楼2单元301,好人\n",
	         mkid(id, "19800102", 11));
	assert_int_equal(import(&rep, text, strlen(text), NULL, false, &e), 0);
	assert_string_equal(rep.lines.buf, "");
	assert_string_equal(rep.unknown.buf, "备注\n");
	assert_int_equal(rep.added, 1);
	assert_true(rep.written);
	rio_report_release(&rep);

	/* English headings, case and a required-marker star ignored */
	snprintf(text, sizeof(text), "Name*,GENDER,Compound,Building,Unit,Room\n李四,female,东区,2,1,101\n");
	assert_int_equal(import(&rep, text, strlen(text), NULL, false, &e), 0);
	assert_string_equal(rep.lines.buf, "");
	assert_int_equal(rep.added, 1);
	rio_report_release(&rep);
	assert_int_equal(count(fx.c1), 2);

	/* a heading nobody knows, named by the map; another column ignored */
	snprintf(text, sizeof(text), "户主姓名,性别,性别2\n王五,男,女\n");
	assert_int_equal(import(&rep, text, strlen(text), "户主姓名=name, 性别2=ignore", true, &e),
	                 0);
	assert_string_equal(rep.lines.buf, "");
	assert_string_equal(rep.unknown.buf, "");
	assert_int_equal(rep.rows, 1);
	rio_report_release(&rep);

	/* no name column; a map naming no such field or column */
	assert_int_equal(import(&rep, "性别\n男\n", 10, NULL, true, &e), -1);
	assert_string_equal(e.field, "name");
	rio_report_release(&rep);
	err_clear(&e);
	assert_int_equal(import(&rep, text, strlen(text), "户主姓名=nom", true, &e), -1);
	assert_string_equal(e.field, "map");
	rio_report_release(&rep);
	err_clear(&e);
	assert_int_equal(import(&rep, text, strlen(text), "户主=name", true, &e), -1);
	assert_string_equal(e.field, "map");
	rio_report_release(&rep);
}

static void test_values_and_rules(void **state)
{
	(void)state;
	struct rio_report rep;
	struct err e = ERR_INIT;
	char id[19], text[2048];

	snprintf(text, sizeof(text),
	         "姓名,性别,出生日期,身份证号,手机,与户主关系,户籍类型,志愿者\n"
	         "甲,男,1980年1月2日,,,户主,户籍,是\n"         /* 2 good */
	         "乙,女,%s,%s,,配偶,流动,否\n"                 /* 3 ID says male */
	         "丙,不详,,,,,,\n"                            /* 4 gender */
	         "丁,男,,,12345,,,\n"                         /* 5 phone */
	         "戊,男,,,,表哥,,\n"                          /* 6 relation */
	         "己,,,,,,,\n"                                /* 7 gender required */
	         ",,,,,,,\n"                                  /* an empty row: skipped */
	         "庚,女,1990/2/30,,,,,\n"                     /* 9 date */
	         "辛,女,,,,,,也许\n",                          /* 10 volunteer */
	         "1980-01-02", mkid(id, "19800102", 11));
	assert_int_equal(import(&rep, text, strlen(text), NULL, false, &e), 0);
	assert_int_equal(rep.rows, 8);
	assert_int_equal(rep.bad, 7);
	assert_false(rep.written);
	assert_non_null(strstr(rep.lines.buf, "line 3: gender: gender does not match the ID number\n"));
	assert_non_null(strstr(rep.lines.buf, "line 4: gender: "));
	assert_non_null(strstr(rep.lines.buf, "line 5: phone: "));
	assert_non_null(strstr(rep.lines.buf, "line 6: relation: "));
	assert_non_null(strstr(rep.lines.buf, "line 7: gender: gender is required"));
	assert_non_null(strstr(rep.lines.buf, "line 9: birth_date: "));
	assert_non_null(strstr(rep.lines.buf, "line 10: volunteer_willing: "));
	assert_null(strstr(rep.lines.buf, "line 2:"));
	assert_null(strstr(rep.lines.buf, "line 8:"));
	/* all or nothing: the good row was not written either */
	assert_int_equal(count(fx.c1), 0);
	rio_report_release(&rep);
}

static void test_encodings(void **state)
{
	(void)state;
	struct rio_report rep;
	struct err e = ERR_INIT;
	char text[2048], bad[2048];
	const char *gb;
	size_t len;
	static const char rows[] = "姓名,性别,楼栋,单元,房号,小区\n"
	                           "欧阳娜娜,女,1号楼,1单元,101,东区\n"
	                           "张伟,男,1,2,302,东区\n"
	                           "李静,女,2栋,1,202,东区\n";

	/* GB18030 (as Excel writes it), detected */
	gb = to_gb(rows, &len);
	assert_int_equal(import(&rep, gb, len, NULL, false, &e), 0);
	assert_int_equal(rep.encoding, RIO_GB18030);
	assert_string_equal(rep.lines.buf, "");
	assert_int_equal(rep.added, 3);
	rio_report_release(&rep);

	/* the same with bad bytes in one name: that row and column only */
	memcpy(bad, gb, len);
	{
		char *p = memchr(bad, '\n', len); /* end of the header */
		p = memchr(p + 1, '\n', len);     /* end of line 2 */
		p[1] = (char)0x81;                /* line 3 starts with a lead byte ... */
		p[2] = (char)0x20;                /* ... and no valid trail byte */
	}
	assert_int_equal(import(&rep, bad, len, NULL, false, &e), 0);
	assert_int_equal(rep.encoding, RIO_GB18030);
	assert_string_equal(rep.lines.buf, "line 3: 姓名: not valid GB18030\n");
	assert_false(rep.written);
	rio_report_release(&rep);

	/* UTF-8 with a byte order mark: re-importing the same people changes
	 * nothing, whatever the encoding was */
	snprintf(text, sizeof(text), "\xef\xbb\xbf%s", rows);
	assert_int_equal(import(&rep, text, strlen(text), NULL, false, &e), 0);
	assert_int_equal(rep.encoding, RIO_UTF8);
	assert_int_equal(rep.unchanged, 3);
	assert_int_equal(rep.added, 0);
	rio_report_release(&rep);

	/* UTF-8 with one broken byte: still UTF-8, the row is reported */
	snprintf(text, sizeof(text), "%s王五,男,1号楼,1单元,102,东区\n", rows);
	*strstr(text, "王五") = (char)0xff;
	assert_int_equal(import(&rep, text, strlen(text), NULL, false, &e), 0);
	assert_int_equal(rep.encoding, RIO_UTF8);
	assert_string_equal(rep.lines.buf, "line 5: 姓名: not valid UTF-8\n");
	rio_report_release(&rep);
	assert_int_equal(count(fx.c1), 3);

	/* UTF-16 is refused as a whole */
	assert_int_equal(import(&rep, "\xff\xfex\0", 4, NULL, false, &e), -1);
	assert_string_equal(e.field, "file");
	rio_report_release(&rep);
}

static void test_dwellings(void **state)
{
	(void)state;
	struct rio_report rep;
	struct err e = ERR_INIT;
	static const char text[] = "姓名,性别,小区,楼栋,单元,房号,住址\n"
	                           "甲,男,东区,1号楼,1单元,101,\n"     /* good */
	                           "乙,男,东区,1栋,1,102室,\n"         /* good */
	                           "丙,男,,2号楼,2,301,\n"             /* good: one 2号楼 */
	                           "丁,男,,1号楼,1,101,\n"             /* 5 two 1号楼 */
	                           "戊,男,东区,9号楼,1,101,\n"         /* 6 c2's building */
	                           "己,男,东区,1号楼,1,909,\n"         /* 7 no room */
	                           "庚,男,,,,,西区1号楼2单元201\n"     /* good */
	                           "辛,男,,,,,1号楼的某处\n"           /* 9 address */
	                           "壬,男,北区,1号楼,1,101,\n"         /* 10 compound */
	                           "癸,男,东区,1号楼,,101,\n"          /* 11 room in two units */
	                           "子,男,,,,,\n";                     /* good: no dwelling */
	assert_int_equal(import(&rep, text, strlen(text), NULL, true, &e), 0);
	assert_string_equal(rep.lines.buf,
	                    "line 5: compound: more than one compound has a building 1号楼: give "
	                    "the compound (小区)\n"
	                    "line 6: building: no building 东区 9号楼 in this community\n"
	                    "line 7: room: no room 909 in unit 1 of building 1号楼\n"
	                    "line 9: address: cannot read building, unit and room from "
	                    "\"1号楼的某处\" (write it as 3栋2单元1203)\n"
	                    "line 10: compound: no compound 北区 in this community\n"
	                    "line 11: unit: room 101 of building 1号楼 is in more than one unit: "
	                    "give the unit\n");
	assert_int_equal(rep.rows, 11);
	rio_report_release(&rep);
}

static void test_duplicates_in_file(void **state)
{
	(void)state;
	struct rio_report rep;
	struct err e = ERR_INIT;
	char a[19], b[19], text[1024];
	snprintf(text, sizeof(text),
	         "姓名,性别,身份证号,小区,楼栋,单元,房号\n"
	         "甲,,%s,东区,1号楼,1,101\n"
	         "乙,,%s,东区,1号楼,1,102\n"
	         "甲,,%s,东区,1号楼,1,201\n"  /* 4: the same ID as line 2 */
	         "乙,女,,东区,1号楼,1,102\n",  /* 5: the same door and name as line 3 */
	         mkid(a, "19800102", 11), mkid(b, "19810203", 22), a);
	assert_int_equal(import(&rep, text, strlen(text), NULL, false, &e), 0);
	assert_string_equal(rep.lines.buf,
	                    "line 4: id_number: the same ID number as line 2\n"
	                    "line 5: name: the same person at the same dwelling as line 3\n");
	assert_false(rep.written);
	assert_int_equal(count(fx.c1), 0);
	rio_report_release(&rep);
}

static void test_idempotent(void **state)
{
	(void)state;
	struct rio_report rep;
	struct err e = ERR_INIT;
	char a[19], b[19], text[1024];
	mkid(a, "19800102", 11);
	mkid(b, "19810203", 22);
	snprintf(text, sizeof(text),
	         "姓名,身份证号,手机,小区,楼栋,单元,房号,技能\n"
	         "甲,%s,%s,东区,1号楼,1,101,电工\n"
	         "乙,%s,,东区,1号楼,1,102,\n"
	         "丙,,,东区,1号楼,1,102,\n",
	         a, "13812345678", b);
	/* 丙 has no ID number and no gender: fix by adding the gender column */
	assert_int_equal(import(&rep, text, strlen(text), NULL, false, &e), 0);
	assert_string_equal(rep.lines.buf, "line 4: gender: gender is required when there is no ID number\n");
	rio_report_release(&rep);

	snprintf(text, sizeof(text),
	         "姓名,性别,身份证号,手机,小区,楼栋,单元,房号,技能\n"
	         "甲,,%s,13812345678,东区,1号楼,1,101,电工\n"
	         "乙,,%s,,东区,1号楼,1,102,\n"
	         "丙,男,,,东区,1号楼,1,102,\n",
	         a, b);
	assert_int_equal(import(&rep, text, strlen(text), NULL, false, &e), 0);
	assert_int_equal(rep.added, 3);
	rio_report_release(&rep);
	assert_int_equal(import(&rep, text, strlen(text), NULL, false, &e), 0);
	assert_int_equal(rep.added, 0);
	assert_int_equal(rep.updated, 0);
	assert_int_equal(rep.unchanged, 3);
	rio_report_release(&rep);

	/* a new phone for 甲 (matched by the ID hash) and a move for 丙
	 * (matched by dwelling + name, so 丙 at another door is someone new) */
	snprintf(text, sizeof(text),
	         "姓名,性别,身份证号,手机,小区,楼栋,单元,房号\n"
	         "甲,,%s,13900000000,东区,1号楼,2,101\n"
	         "丙,男,,,东区,1号楼,1,201\n",
	         a);
	assert_int_equal(import(&rep, text, strlen(text), NULL, false, &e), 0);
	assert_int_equal(rep.updated, 1);
	assert_int_equal(rep.added, 1);
	rio_report_release(&rep);
	assert_int_equal(count(fx.c1), 4);

	/* columns the file lacks keep what is stored: 甲's skills survive */
	{
		struct strbuf out = STRBUF_INIT;
		assert_int_equal(resident_io_export(fx.db, &out, NULL, fx.c1, RIO_CSV, false, true, &e),
		                 0);
		assert_non_null(strstr(out.buf, "13900000000"));
		assert_non_null(strstr(out.buf, "电工"));
		strbuf_release(&out);
	}
}

static void test_export(void **state)
{
	(void)state;
	struct rio_report rep;
	struct err e = ERR_INIT;
	struct strbuf out = STRBUF_INIT;
	char a[19], text[512], masked[19];
	size_t n = 0;
	snprintf(text, sizeof(text), "姓名,身份证号,手机,住址\n=SUM(A1),%s,13812345678,东区2号楼1单元101\n",
	         mkid(a, "19800102", 11));
	assert_int_equal(import(&rep, text, strlen(text), NULL, false, &e), 0);
	assert_int_equal(rep.added, 1);
	rio_report_release(&rep);

	assert_int_equal(resident_io_export(fx.db, &out, &n, fx.c1, RIO_CSV, false, false, &e), 0);
	assert_int_equal(n, 1);
	assert_memory_equal(out.buf, "\xef\xbb\xbf姓名,", 10);
	snprintf(masked, sizeof(masked), "110105********%.4s", a + 14);
	assert_non_null(strstr(out.buf, masked));
	assert_null(strstr(out.buf, a));
	assert_non_null(strstr(out.buf, "138****5678"));
	assert_non_null(strstr(out.buf, "'=SUM(A1)")); /* formula guarded */
	assert_non_null(strstr(out.buf, "东区,2号楼,1单元,101"));
	strbuf_reset(&out);

	assert_int_equal(resident_io_export(fx.db, &out, &n, fx.c1, RIO_CSV, true, true, &e), 0);
	assert_non_null(strstr(out.buf, a));
	assert_non_null(strstr(out.buf, "13812345678"));
	assert_null(strstr(out.buf, "东区")); /* GB18030 bytes, not UTF-8 */
	strbuf_reset(&out);

	assert_int_equal(resident_io_export(fx.db, &out, &n, fx.c1, RIO_XLSX, false, false, &e), 0);
	assert_memory_equal(out.buf, "PK\x03\x04", 4); /* a zip, as XLSX is */
	strbuf_reset(&out);

	/* the other community's register is empty */
	assert_int_equal(resident_io_export(fx.db, &out, &n, fx.c2, RIO_CSV, false, false, &e), 0);
	assert_int_equal(n, 0);
	strbuf_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_mapping, empty_register),
	    cmocka_unit_test_setup(test_values_and_rules, empty_register),
	    cmocka_unit_test_setup(test_encodings, empty_register),
	    cmocka_unit_test_setup(test_dwellings, empty_register),
	    cmocka_unit_test_setup(test_duplicates_in_file, empty_register),
	    cmocka_unit_test_setup(test_idempotent, empty_register),
	    cmocka_unit_test_setup(test_export, empty_register),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
