/*
 * test_csv.c - CSV decoding, reading and writing (src/core/csv.c).
 *
 * Decoding: UTF-8 passes through; GBK bytes (张三 is D5 C5 C8 FD) and a
 * four-byte GB18030 sequence are converted; a byte that is not GB18030 is
 * refused with its line, as is a character cut off at the end, invalid
 * UTF-8 after a UTF-8 byte order mark, and UTF-16.  Reading: quoted fields
 * with commas, doubled quotes and line breaks (the line numbers of the
 * records after them), CR LF / LF / CR, the byte order mark, empty lines,
 * empty fields; the limits exactly at and one over 64 KiB and 256 columns;
 * refusals name their line and stay refusals.  Writing: quoting only when
 * needed, the byte order mark, the formula guard, and a round trip.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/csv.h"

#include <stdlib.h>
#include <string.h>

#define S(lit) (lit), sizeof(lit) - 1

/* ---- decoding ---- */

static void decode_ok(const char *in, size_t len, const char *want, enum csv_encoding want_enc)
{
	struct strbuf sb = STRBUF_INIT;
	struct err e = ERR_INIT;
	enum csv_encoding enc = (enum csv_encoding)-1;
	int rc = csv_decode(&sb, &enc, in, len, &e);
	if (rc != 0)
		print_error("%s\n", e.message);
	assert_int_equal(rc, 0);
	assert_int_equal(enc, want_enc);
	assert_int_equal(sb.len, strlen(want));
	assert_memory_equal(sb.buf, want, sb.len);
	strbuf_release(&sb);
}

static void decode_bad(const char *in, size_t len, const char *needle)
{
	struct strbuf sb = STRBUF_INIT;
	struct err e = ERR_INIT;
	strbuf_addstr(&sb, "kept");
	assert_int_equal(csv_decode(&sb, NULL, in, len, &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
	assert_string_equal(e.field, "file");
	if (!strstr(e.message, needle))
		print_error("message \"%s\" lacks \"%s\"\n", e.message, needle);
	assert_non_null(strstr(e.message, needle));
	assert_string_equal(sb.buf, "kept"); /* out as it was */
	assert_int_equal(sb.len, 4);
	strbuf_release(&sb);
}

static void test_decode_utf8(void **state)
{
	(void)state;
	decode_ok(S(""), "", CSV_UTF8);
	decode_ok(S("name,phone\r\n张三,13812345678\r\n"), "name,phone\r\n张三,13812345678\r\n",
		  CSV_UTF8);
	decode_ok(S("\xef\xbb\xbf姓名\n"), "\xef\xbb\xbf姓名\n", CSV_UTF8);
}

static void test_decode_gbk(void **state)
{
	(void)state;
	decode_ok(S("\xd5\xc5\xc8\xfd"), "张三", CSV_GB18030);
	decode_ok(S("\xd0\xd5\xc3\xfb,\xca\xd6\xbb\xfa\r\n\xd5\xc5\xc8\xfd,13812345678\r\n"),
		  "姓名,手机\r\n张三,13812345678\r\n", CSV_GB18030);
	/* four-byte GB18030: U+20000 𠀀 is 95 32 82 36; € is A2 E3 */
	decode_ok(S("\x95\x32\x82\x36\xa2\xe3"), "𠀀€", CSV_GB18030);
	/* GB18030's own byte order mark becomes U+FEFF, which the reader skips */
	decode_ok(S("\x84\x31\x95\x33\xd5\xc5"), "\xef\xbb\xbf张", CSV_GB18030);
}

static void test_decode_refused(void **state)
{
	(void)state;
	/* FF is no GB18030 byte: line 3, byte 4 of the line */
	decode_bad(S("a,b\r\n\xd5\xc5,1\r\nxyz\xff\r\n"), "line 3 is neither UTF-8 nor GB18030");
	decode_bad(S("a,b\r\n\xd5\xc5,1\r\nxyz\xff\r\n"), "0xFF, byte 4 of the line");
	/* a lead byte whose trail is not GB18030 (81 20), on line 2 after a lone CR */
	decode_bad(S("\xd5\xc5\r\x81\x20"), "line 2");
	/* a two-byte character cut off at the end of the file */
	decode_bad(S("\xd5\xc5\n\xd5"), "line 2");
	/* a four-byte sequence cut after three */
	decode_bad(S("\x95\x32\x82"), "line 1");
	/* a UTF-8 byte order mark promises UTF-8: line 2 breaks the promise */
	decode_bad(S("\xef\xbb\xbf姓名\r\n\xd5\xc5\xc8\xfd\r\n"), "line 2 is not valid UTF-8");
	decode_bad(S("\xff\xfe" "a\0"), "UTF-16");
	decode_bad(S("\xfe\xff\0a"), "UTF-16");
}

/* ---- reading ---- */

struct rec {
	size_t line;
	size_t count;
	const char *f[8];
};

/* Reads all of in and compares with want[0..n). */
static void read_all(const char *in, size_t len, const struct rec *want, size_t n)
{
	struct csv_reader r;
	struct csv_record rec;
	struct err e = ERR_INIT;
	size_t i = 0;
	int rc;

	csv_reader_init(&r, in, len);
	while ((rc = csv_next(&r, &rec, &e)) == 1) {
		assert_true(i < n);
		assert_int_equal(rec.line, want[i].line);
		assert_int_equal(rec.count, want[i].count);
		for (size_t k = 0; k < rec.count; k++) {
			assert_string_equal(rec.fields[k].ptr, want[i].f[k]);
			assert_int_equal(rec.fields[k].len, strlen(want[i].f[k]));
		}
		i++;
	}
	if (rc < 0)
		print_error("%s\n", e.message);
	assert_int_equal(rc, 0);
	assert_int_equal(i, n);
	assert_int_equal(csv_next(&r, &rec, &e), 0); /* the end stays the end */
	csv_reader_release(&r);
}

/* Reads in until the refusal, which must hold needle; ok records come first. */
static void read_bad(const char *in, size_t len, size_t ok_records, const char *needle)
{
	struct csv_reader r;
	struct csv_record rec;
	struct err e = ERR_INIT;
	size_t i = 0;
	int rc;

	csv_reader_init(&r, in, len);
	while ((rc = csv_next(&r, &rec, &e)) == 1)
		i++;
	assert_int_equal(rc, -1);
	assert_int_equal(i, ok_records);
	assert_int_equal(e.code, ERR_INVALID);
	assert_string_equal(e.field, "file");
	if (!strstr(e.message, needle))
		print_error("message \"%s\" lacks \"%s\"\n", e.message, needle);
	assert_non_null(strstr(e.message, needle));
	err_clear(&e);
	assert_int_equal(csv_next(&r, &rec, &e), -1); /* and stays refused */
	assert_int_equal(e.code, ERR_INVALID);
	csv_reader_release(&r);
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void test_read_simple(void **state)
{
	(void)state;
	const struct rec want[] = {
		{ 1, 3, { "name", "phone", "id" } },
		{ 2, 3, { "张三", "13812345678", "" } },
		{ 3, 1, { "x" } },
	};
	read_all(S("name,phone,id\r\n张三,13812345678,\r\nx"), want, N(want));
	read_all(S("name,phone,id\n张三,13812345678,\nx\n"), want, N(want));
	read_all(S("name,phone,id\r张三,13812345678,\rx\r"), want, N(want)); /* lone CR */
	read_all(S("\xef\xbb\xbfname,phone,id\r\n张三,13812345678,\r\nx\r\n"), want, N(want));
	read_all(S(""), NULL, 0);
	read_all(S("\xef\xbb\xbf"), NULL, 0);
	read_all(S("\r\n\n\r"), NULL, 0);
}

static void test_read_empty_lines_and_fields(void **state)
{
	(void)state;
	const struct rec want[] = {
		{ 2, 1, { "a" } },
		{ 5, 3, { "", "", "" } },
		{ 6, 1, { "" } },   /* "" is a record of one empty field */
		{ 7, 2, { "", "" } },
		{ 8, 2, { " b ", "c " } }, /* spaces are data */
	};
	read_all(S("\na\r\n\r\n\n,,\n\"\"\n,\n b ,c "), want, N(want));
}

static void test_read_quoted(void **state)
{
	(void)state;
	const struct rec want[] = {
		{ 1, 3, { "3号楼, 2单元", "说\"你好\"", "" } },
		{ 2, 2, { "第一行\n第二行\r\n第三行", "end" } },
		{ 5, 2, { "\"", "a\rb" } },
		{ 7, 2, { "3\"B", "x\"\"y" } }, /* quotes inside unquoted fields are data */
	};
	read_all(S("\"3号楼, 2单元\",\"说\"\"你好\"\"\",\"\"\r\n"
		   "\"第一行\n第二行\r\n第三行\",end\n"
		   "\"\"\"\",\"a\rb\"\n"
		   "3\"B,x\"\"y"),
		 want, N(want));
}

static void test_read_nul(void **state)
{
	(void)state;
	static const char in[] = "a\0b,\"c\0d\"\n";
	struct csv_reader r;
	struct csv_record rec;
	struct err e = ERR_INIT;
	csv_reader_init(&r, in, sizeof(in) - 1);
	assert_int_equal(csv_next(&r, &rec, &e), 1);
	assert_int_equal(rec.count, 2);
	assert_int_equal(rec.fields[0].len, 3);
	assert_memory_equal(rec.fields[0].ptr, "a\0b", 4);
	assert_int_equal(rec.fields[1].len, 3);
	assert_memory_equal(rec.fields[1].ptr, "c\0d", 4);
	assert_int_equal(csv_next(&r, &rec, &e), 0);
	csv_reader_release(&r);
}

static void test_read_refused(void **state)
{
	(void)state;
	read_bad(S("a,b\n\"open,\nnever\nclosed"), 1,
		 "line 2, column 1: a quoted field is never closed");
	read_bad(S("a,b\nc,\"d\"e\n"), 1, "line 2, column 2: after a closing quote");
	read_bad(S("\"a\n\"x\n"), 0, "line 2, column 1: after a closing quote");
	read_bad(S("\""), 0, "never closed");
}

/* A record of n fields "f" separated by commas, NUL-terminated, heap. */
static char *columns(size_t n)
{
	char *s = malloc(2 * n + 1);
	for (size_t i = 0; i < n; i++) {
		s[2 * i] = 'f';
		s[2 * i + 1] = i + 1 < n ? ',' : '\n';
	}
	s[2 * n] = '\0';
	return s;
}

static void test_limits_columns(void **state)
{
	(void)state;
	struct csv_reader r;
	struct csv_record rec;
	struct err e = ERR_INIT;
	char *s = columns(CSV_COLUMNS_MAX);
	csv_reader_init(&r, s, strlen(s));
	assert_int_equal(csv_next(&r, &rec, &e), 1);
	assert_int_equal(rec.count, CSV_COLUMNS_MAX);
	assert_string_equal(rec.fields[CSV_COLUMNS_MAX - 1].ptr, "f");
	csv_reader_release(&r);
	free(s);

	s = columns(CSV_COLUMNS_MAX + 1);
	char *two = malloc(strlen(s) + 8);
	strcpy(two, "ok\n");
	strcat(two, s);
	read_bad(two, strlen(two), 1, "line 2 has more than 256 columns");
	free(two);
	free(s);
}

/* A file of one field of n bytes 'x', quoted or not, then "\nnext\n". */
static char *big_field(size_t n, bool quoted)
{
	char *s = malloc(n + 16), *p = s;
	if (quoted)
		*p++ = '"';
	memset(p, 'x', n);
	p += n;
	if (quoted)
		*p++ = '"';
	strcpy(p, "\nnext\n");
	return s;
}

static void test_limits_field(void **state)
{
	(void)state;
	for (int quoted = 0; quoted <= 1; quoted++) {
		struct csv_reader r;
		struct csv_record rec;
		struct err e = ERR_INIT;
		char *s = big_field(CSV_FIELD_MAX, quoted);
		csv_reader_init(&r, s, strlen(s));
		assert_int_equal(csv_next(&r, &rec, &e), 1);
		assert_int_equal(rec.fields[0].len, CSV_FIELD_MAX);
		assert_int_equal(csv_next(&r, &rec, &e), 1);
		assert_int_equal(rec.line, 2);
		assert_string_equal(rec.fields[0].ptr, "next");
		csv_reader_release(&r);
		free(s);

		s = big_field(CSV_FIELD_MAX + 1, quoted);
		read_bad(s, strlen(s), 0, "line 1, column 1: a field is longer than 65536 bytes");
		free(s);
	}
}

/* ---- writing ---- */

static void test_write(void **state)
{
	(void)state;
	struct strbuf sb = STRBUF_INIT;
	struct csv_writer w;

	csv_writer_init(&w, &sb, 0);
	csv_write_str(&w, "姓名");
	csv_write_str(&w, "a,b");
	csv_write_str(&w, "say \"hi\"");
	csv_write_str(&w, "");
	csv_write_str(&w, "two\nlines");
	csv_write_str(&w, "cr\r");
	csv_write_str(&w, " spaced ");
	csv_write_end(&w);
	csv_write_str(&w, "");
	csv_write_end(&w);
	csv_write_end(&w);
	csv_write_str(&w, "");
	csv_write_str(&w, "");
	csv_write_end(&w);
	csv_write_str(&w, "\xef\xbb\xbfx");
	csv_write_end(&w);
	assert_string_equal(sb.buf, "姓名,\"a,b\",\"say \"\"hi\"\"\",,"
				    "\"two\nlines\",\"cr\r\", spaced \r\n"
				    "\"\"\r\n"
				    "\r\n"
				    ",\r\n"
				    "\"\xef\xbb\xbfx\"\r\n");
	strbuf_release(&sb);

	csv_writer_init(&w, &sb, CSV_WRITE_BOM);
	csv_write_str(&w, "");
	csv_write_end(&w);
	assert_string_equal(sb.buf, "\xef\xbb\xbf\"\"\r\n");
	strbuf_release(&sb);
}

static void test_write_guard(void **state)
{
	(void)state;
	struct strbuf sb = STRBUF_INIT;
	struct csv_writer w;

	csv_writer_init(&w, &sb, CSV_WRITE_GUARD);
	csv_write_str(&w, "=HYPERLINK(\"http://x\")");
	csv_write_str(&w, "+86");
	csv_write_str(&w, "-1");
	csv_write_str(&w, "@SUM(A1)");
	csv_write_str(&w, "\tx");
	csv_write_str(&w, "a=b");
	csv_write_str(&w, "");
	csv_write_end(&w);
	assert_string_equal(sb.buf, "\"'=HYPERLINK(\"\"http://x\"\")\",\"'+86\",\"'-1\","
				    "\"'@SUM(A1)\",\"'\tx\",a=b,\r\n");
	strbuf_release(&sb);
}

static void test_round_trip(void **state)
{
	(void)state;
	static const char *const rows[][4] = {
		{ "姓名", "地址", "备注", "" },
		{ "", "", "", "" },
		{ "\"", "\r\n", "\r", "\n" },
		{ "a,\"b\"", "\xef\xbb\xbf", " ", "x\"" },
	};
	struct strbuf sb = STRBUF_INIT;
	struct csv_writer w;
	struct csv_reader r;
	struct csv_record rec;
	struct err e = ERR_INIT;

	for (int bom = 0; bom <= 1; bom++) {
		strbuf_reset(&sb);
		csv_writer_init(&w, &sb, bom ? CSV_WRITE_BOM : 0);
		for (size_t i = 0; i < N(rows); i++) {
			for (size_t k = 0; k < 4; k++)
				csv_write_str(&w, rows[i][k]);
			csv_write_end(&w);
		}
		/* a one-field record of "" and one starting with a BOM */
		csv_write_str(&w, "");
		csv_write_end(&w);
		csv_write_str(&w, "\xef\xbb\xbf");
		csv_write_end(&w);

		csv_reader_init(&r, sb.buf, sb.len);
		for (size_t i = 0; i < N(rows); i++) {
			assert_int_equal(csv_next(&r, &rec, &e), 1);
			assert_int_equal(rec.count, 4);
			for (size_t k = 0; k < 4; k++)
				assert_string_equal(rec.fields[k].ptr, rows[i][k]);
		}
		assert_int_equal(csv_next(&r, &rec, &e), 1);
		assert_int_equal(rec.count, 1);
		assert_string_equal(rec.fields[0].ptr, "");
		assert_int_equal(csv_next(&r, &rec, &e), 1);
		assert_int_equal(rec.count, 1);
		assert_string_equal(rec.fields[0].ptr, "\xef\xbb\xbf");
		assert_int_equal(csv_next(&r, &rec, &e), 0);
		csv_reader_release(&r);
	}
	strbuf_release(&sb);
}

/* GBK bytes in, records out: the import path end to end. */
static void test_decode_then_read(void **state)
{
	(void)state;
	static const char gbk[] = "\xd0\xd5\xc3\xfb,\xca\xd6\xbb\xfa\r\n"
				  "\"\xd5\xc5\xc8\xfd\",\"138 1234 5678\"\r\n";
	struct strbuf sb = STRBUF_INIT;
	struct err e = ERR_INIT;
	struct csv_reader r;
	struct csv_record rec;

	assert_int_equal(csv_decode(&sb, NULL, gbk, sizeof(gbk) - 1, &e), 0);
	csv_reader_init(&r, sb.buf, sb.len);
	assert_int_equal(csv_next(&r, &rec, &e), 1);
	assert_string_equal(rec.fields[0].ptr, "姓名");
	assert_string_equal(rec.fields[1].ptr, "手机");
	assert_int_equal(csv_next(&r, &rec, &e), 1);
	assert_int_equal(rec.line, 2);
	assert_string_equal(rec.fields[0].ptr, "张三");
	assert_string_equal(rec.fields[1].ptr, "138 1234 5678");
	assert_int_equal(csv_next(&r, &rec, &e), 0);
	csv_reader_release(&r);
	strbuf_release(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_utf8),
		cmocka_unit_test(test_decode_gbk),
		cmocka_unit_test(test_decode_refused),
		cmocka_unit_test(test_read_simple),
		cmocka_unit_test(test_read_empty_lines_and_fields),
		cmocka_unit_test(test_read_quoted),
		cmocka_unit_test(test_read_nul),
		cmocka_unit_test(test_read_refused),
		cmocka_unit_test(test_limits_columns),
		cmocka_unit_test(test_limits_field),
		cmocka_unit_test(test_write),
		cmocka_unit_test(test_write_guard),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_decode_then_read),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
