/*
 * resident_io.h - importing the residents register from the committee's own
 * spreadsheets (CSV in UTF-8 or GB18030) and exporting it (CSV, XLSX),
 * issue 4 item 6.
 *
 * Import, in three passes over the file held in memory:
 *   1. the encoding: a UTF-8 byte order mark says UTF-8; else a file that is
 *      valid UTF-8, or that has more valid multi-byte UTF-8 sequences than
 *      invalid bytes, is UTF-8; anything else is GB18030 (what Excel and WPS
 *      write under a Chinese locale; GBK and GB2312 are subsets).  The CSV
 *      structure is read on the raw bytes (no GB18030 byte is a comma, quote,
 *      CR or LF), and each cell is converted on its own, so a byte sequence
 *      that is invalid in the file's encoding is an error of that row and
 *      column ("line 7: 姓名: not valid GB18030"), never garbage in the
 *      register, and never the end of the whole report.
 *   2. the header (line 1) is mapped to fields: common Chinese and English
 *      headings are recognised (姓名/name, 身份证号/公民身份号码/证件号码,
 *      手机/联系电话, 楼栋/楼号 + 单元 + 房号/室, or one 住址 column such as
 *      "3栋2单元1203", ...), an explicit map ("heading=field,...") comes
 *      first; columns that give no field are listed, not refused.  Every row
 *      is then converted (男/女, 户主/配偶/子女, 户籍/流动/租户, 是/否,
 *      dates as 1980-01-02, 1980/1/2, 19800102 or 1980年1月2日), its dwelling
 *      found among the community's (building by name or number, 3 = 3栋 =
 *      3号楼; unit; room), and checked with resident_check() (the rules of
 *      resident_add).  Two rows with the same ID number, or the same
 *      dwelling and name, are errors too.  Each bad row gives one report
 *      line "line N: field: reason", N the physical line where the row
 *      starts (the header is line 1).
 *   3. only when no row is bad and this is not a dry run: one transaction
 *      writes every row.  A row matching a resident of the community (the
 *      keyed hash of the ID number, else dwelling + name) updates it when a
 *      field differs and is counted unchanged when none does, so importing
 *      the same file twice changes nothing the second time.  The import is
 *      written to the audit log in the same transaction.
 *
 * Columns the file does not have keep what a matched resident holds; an
 * empty cell of a column it has clears that field.
 *
 * Export: every resident of a community, with the building, unit and room
 * of the dwelling, under the headings the import recognises (so an export
 * imports back), ID numbers and phones masked unless asked otherwise (the
 * caller decides who may, and audits it).
 */
#ifndef LINLI_REGISTRY_RESIDENT_IO_H
#define LINLI_REGISTRY_RESIDENT_IO_H

#include "core/err.h"
#include "core/strbuf.h"
#include "store/store.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	RIO_UPLOAD_MAX = 20 * 1024 * 1024, /* bytes of a file uploaded over HTTP */
	RIO_ROWS_MAX = 200000,             /* data rows of one file */
	RIO_PROGRESS_EVERY = 10000,        /* rows between progress calls */
};

enum rio_encoding { RIO_AUTO, RIO_UTF8, RIO_GB18030 };

enum rio_phase { RIO_VALIDATING, RIO_WRITING };

struct rio_options {
	enum rio_encoding encoding;
	const char *map; /* "heading=field,..." or NULL; field "ignore" drops a column */
	bool dry_run;
	/* Called every RIO_PROGRESS_EVERY rows of each phase and at its end;
	 * may be NULL.  total is the number of data rows. */
	void (*progress)(void *ctx, enum rio_phase phase, size_t done, size_t total);
	void *progress_ctx;
	/* Who imports, for the audit log (actor may be NULL). */
	int64_t actor_id;
	const char *actor, *ip;
};

struct rio_report {
	enum rio_encoding encoding; /* the one used */
	size_t rows;                /* data rows read */
	size_t bad;                 /* bad rows (one report line each) */
	size_t added, updated, unchanged;
	bool written;               /* the transaction committed */
	struct strbuf lines;        /* "line N: field: reason\n" for each bad row */
	struct strbuf unknown;      /* headings of ignored columns, each ended by '\n' */
};

/* Empties a report (report lines in a fresh strbuf). */
void rio_report_init(struct rio_report *r);
void rio_report_release(struct rio_report *r);

/*
 * Imports buf[0..len) (the file's bytes, borrowed) into community_id, as
 * described above, filling *rep (initialised by the caller).
 *
 * Returns 0 when the file was read to the end: then rep->bad says whether
 * any row was bad (and nothing was written), else rep->written says whether
 * it was written (false for a dry run).  Returns -1 with e set when the file
 * cannot be read at all: ERR_INVALID field "file" (UTF-16, no header, an
 * unclosed quote, more than RIO_ROWS_MAX rows), field "map" (a bad mapping:
 * an unknown field or a heading the file lacks), field "name" (no column
 * gives the name); ERR_UNAVAILABLE (no key file); a database error.  Nothing
 * is written on -1.
 */
int resident_io_import(struct store *db, struct rio_report *rep, int64_t community_id,
                       const char *buf, size_t len, const struct rio_options *o, struct err *e);

enum rio_format { RIO_CSV, RIO_XLSX };

/*
 * Appends the community's residents to out as a CSV file (UTF-8 with a byte
 * order mark, or GB18030 when gb18030; fields starting with = + - @ guarded)
 * or an XLSX workbook; ID numbers and phones masked unless unmask.  *count
 * (may be NULL) receives the number of residents.  Returns 0, or -1 with e
 * set (ERR_UNAVAILABLE without a key file; ERR_INVALID field "encoding" when
 * a value has no GB18030 form; a database or file error).
 */
int resident_io_export(struct store *db, struct strbuf *out, size_t *count, int64_t community_id,
                       enum rio_format format, bool gb18030, bool unmask, struct err *e);

/* Parses "auto", "utf-8"/"utf8", "gb18030"/"gbk"; false otherwise. */
bool rio_encoding_parse(const char *s, enum rio_encoding *out);

/*
 * The command line: `linli import residents FILE ...` (argv[0] "import") and
 * `linli export residents ...` (argv[0] "export").  open_db opens and
 * migrates the database named by --db (NULL: LINLI_DB or linli.db) and loads
 * the key file, returning NULL with e set.  Returns the exit code: 0 clean,
 * 1 bad rows or a failure, 2 a usage error.
 */
struct rio_cli_env {
	struct store *(*open_db)(const char *db, struct err *e);
	void (*close_db)(struct store *db);
};
int resident_io_cli(int argc, char **argv, const struct rio_cli_env *env);

struct route_table;
extern const struct route_table resident_io_routes;

#endif
