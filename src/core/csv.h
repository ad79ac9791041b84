/*
 * csv.h - reading and writing CSV files (RFC 4180) as spreadsheets make them.
 *
 * Residents' registers arrive as CSV saved by Excel or WPS.  In China those
 * files are usually GB18030 (Excel's "CSV" under a Chinese locale writes the
 * ANSI code page, GBK, of which GB18030 is a superset), sometimes UTF-8 with a
 * byte order mark ("CSV UTF-8"), sometimes plain UTF-8.  Reading is therefore
 * two steps:
 *
 *   1. csv_decode() turns the file's bytes into UTF-8: valid UTF-8 is copied
 *      as it is; anything else is read as GB18030 with iconv.  Bytes that are
 *      not GB18030 either are an error naming their line, never replaced: a
 *      resident's name must not turn into question marks on the way in.  A
 *      file that starts with a UTF-8 byte order mark declares itself UTF-8,
 *      so an invalid byte in it is an error too, not a hint to try GB18030.
 *   2. struct csv_reader streams records out of the UTF-8 text: fields
 *      separated by commas, records by CR LF, LF or a lone CR; a field in
 *      double quotes may hold commas, line breaks and doubled quotes ("");
 *      a UTF-8 byte order mark at the start is skipped; empty lines are
 *      skipped.  Each record carries the line it starts on (1-based, counting
 *      the line breaks inside quoted fields), so that an import can say
 *      "line 12: phone ...".
 *
 * The reader is a pure function of (buf, len): it never reads past len, keeps
 * NULs and other bytes as data, and refuses what it cannot read (a quote that
 * is never closed, a character after a closing quote, a field over
 * CSV_FIELD_MAX bytes, a record over CSV_COLUMNS_MAX fields) with ERR_INVALID,
 * field "file", and the line.  A quote inside an unquoted field (3"B) is kept
 * as data, as spreadsheets read it.  Leading and trailing spaces are data;
 * trimming is the caller's business.
 *
 * The writer quotes a field only when it must (a comma, quote, CR or LF, or a
 * leading byte order mark), ends records with CR LF, and can start the file
 * with a byte order mark so that Excel opens UTF-8 correctly.  It can also
 * guard against formula injection: a field starting with = + - @ tab or CR is
 * written with a leading apostrophe, so that a spreadsheet shows it as text
 * instead of running it.
 */
#ifndef LINLI_CORE_CSV_H
#define LINLI_CORE_CSV_H

#include "core/err.h"
#include "core/strbuf.h"

#include <stdbool.h>
#include <stddef.h>

enum {
	CSV_FIELD_MAX = 64 * 1024, /* bytes of one field, after unquoting */
	CSV_COLUMNS_MAX = 256,     /* fields of one record */
};

/* ---- decoding ---- */

enum csv_encoding {
	CSV_UTF8,    /* the bytes were UTF-8 (with or without a BOM) */
	CSV_GB18030, /* the bytes were converted from GB18030 (GBK, GB2312) */
};

/*
 * Appends the text of buf[0..len) as UTF-8 to out, and sets *enc (which may
 * be NULL) to the encoding found.  A byte order mark is copied through (the
 * reader skips it).
 *
 * Returns 0, or -1 with e set and out as it was:
 *   ERR_INVALID, field "file": the bytes are neither UTF-8 nor GB18030 (the
 *     message names the line and the first bad byte), the file starts with a
 *     UTF-8 byte order mark and is not UTF-8 (the line), or the file is
 *     UTF-16 (Excel's "Unicode text");
 *   ERR_INTERNAL: iconv has no GB18030 converter on this system.
 */
int csv_decode(struct strbuf *out, enum csv_encoding *enc, const char *buf, size_t len,
	       struct err *e);

/* ---- reading ---- */

struct csv_field {
	const char *ptr; /* the bytes, NUL-terminated (a field may hold NULs) */
	size_t len;
};

struct csv_record {
	size_t line;                    /* line the record starts on, from 1 */
	size_t count;                   /* fields, 1..CSV_COLUMNS_MAX */
	const struct csv_field *fields; /* owned by the reader, see csv_next */
};

struct csv_reader {
	const char *buf; /* borrowed; see csv_reader_init */
	size_t len;
	size_t pos;
	size_t line;              /* the line at pos, from 1 */
	bool failed;              /* an error was reported; csv_next keeps failing */
	struct strbuf text;       /* the current record's fields, each NUL-ended */
	struct csv_field *fields; /* CSV_COLUMNS_MAX, allocated on first use */
};

/*
 * Prepares r to read buf[0..len), which is borrowed and must outlive r and
 * stay unchanged.  buf should be UTF-8 (see csv_decode); the reader itself
 * passes any bytes through.  Allocates nothing.
 */
void csv_reader_init(struct csv_reader *r, const char *buf, size_t len);

/*
 * Reads the next record into *out.  Returns 1 when a record was read, 0 at
 * the end of the input, or -1 with e set (ERR_INVALID, field "file", a
 * message naming the line and column).  After -1 every later call returns -1
 * (with e set again) and the input is not read further.
 *
 * out->fields and the bytes they point to belong to the reader and stay
 * valid until the next csv_next or csv_reader_release on r.
 */
int csv_next(struct csv_reader *r, struct csv_record *out, struct err *e);

/* Frees what the reader allocated; r may be read again after csv_reader_init. */
void csv_reader_release(struct csv_reader *r);

/* ---- writing ---- */

enum {
	CSV_WRITE_BOM = 1 << 0,   /* start with a UTF-8 byte order mark (for Excel) */
	CSV_WRITE_GUARD = 1 << 1, /* prefix ' to fields starting with = + - @ tab CR */
};

struct csv_writer {
	struct strbuf *out; /* borrowed: records are appended to it */
	unsigned flags;
	size_t col;         /* fields written in the current record */
	size_t rec_start;   /* out->len when the current record began */
};

/* Prepares w to append to out (borrowed, must outlive w), and writes the byte
 * order mark when flags hold CSV_WRITE_BOM. */
void csv_writer_init(struct csv_writer *w, struct strbuf *out, unsigned flags);

/* Appends the field s[0..len) to the current record, quoted when needed. */
void csv_write_field(struct csv_writer *w, const char *s, size_t len);

/* Like csv_write_field, for a NUL-terminated s. */
void csv_write_str(struct csv_writer *w, const char *s);

/*
 * Ends the current record with CR LF.  A record of one empty field is written
 * as "" so that it is not read back as an empty line (which readers skip); a
 * record with no fields at all is an empty line.
 */
void csv_write_end(struct csv_writer *w);

#endif
