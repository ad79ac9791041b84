/*
 * resident_io_cli.c - `linli import residents` and `linli export residents`
 * (see resident_io.h).
 *
 * stdout carries only the report ("line N: field: reason", one per bad row)
 * or nothing, so scripts can read it; counts, notes and progress go to
 * stderr.  Exit codes: 0 clean, 1 bad rows (nothing written) or a failure,
 * 2 a usage error.
 */
#include "registry/resident_io.h"

#include "auth/auth.h"
#include "core/timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage_import[] =
    "usage: linli import residents FILE --community ID [--dry-run] [--map 'heading=field,...']\n"
    "                              [--encoding auto|utf-8|gb18030] [--db PATH]\n"
    "\n"
    "Reads a residents' register saved as CSV (UTF-8, with or without a byte order\n"
    "mark, or GB18030/GBK as Excel writes it in China), maps its headings (姓名,\n"
    "性别, 出生日期, 身份证号, 手机, 楼栋, 单元, 房号 or 住址, 与户主关系, 户籍类型,\n"
    "技能, 志愿者, and English names) to fields, and checks every row.  Each bad row\n"
    "is printed on stdout as `line N: field: reason` and nothing is written (exit 1).\n"
    "Otherwise every row is written in one transaction: a resident already\n"
    "registered (same ID number, else same dwelling and name) is updated when\n"
    "something differs, so importing the same file again changes nothing.\n"
    "--dry-run checks only.  --map names fields for headings it does not know\n"
    "(fields: name gender birth_date id_number phone building unit room address\n"
    "relation residency skills volunteer_willing, or ignore).  Progress goes to\n"
    "stderr every 10,000 rows.\n";

static const char usage_export[] =
    "usage: linli export residents --community ID --format csv|xlsx -o FILE\n"
    "                              [--encoding utf-8|gb18030] [--unmasked] [--db PATH]\n"
    "\n"
    "Writes the community's residents to FILE, under the headings the import reads.\n"
    "ID numbers and phones are masked (110105********002X, 138****5678) unless\n"
    "--unmasked is given, which is recorded in the audit log.  CSV is UTF-8 with a\n"
    "byte order mark (Excel opens it), or GB18030 with --encoding gb18030.\n";

struct cli {
	const char *db, *community, *map, *encoding, *format, *out;
	bool dry_run, unmasked;
	const char *pos[4];
	int npos;
};

/* 1: --help; -1: a bad option (message printed); 0: parsed. */
static int parse(struct cli *c, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *next = i + 1 < argc ? argv[i + 1] : NULL;
		const char **slot = !strcmp(a, "--db")          ? &c->db
		                    : !strcmp(a, "--community") ? &c->community
		                    : !strcmp(a, "--map")       ? &c->map
		                    : !strcmp(a, "--encoding")  ? &c->encoding
		                    : !strcmp(a, "--format")    ? &c->format
		                    : !strcmp(a, "-o") || !strcmp(a, "--output") ? &c->out
		                                                                 : NULL;
		if (slot) {
			if (!next) {
				fprintf(stderr, "linli: %s needs a value\n", a);
				return -1;
			}
			*slot = next;
			i++;
		} else if (!strcmp(a, "--dry-run")) {
			c->dry_run = true;
		} else if (!strcmp(a, "--unmasked")) {
			c->unmasked = true;
		} else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			return 1;
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "linli: unknown option %s (see --help)\n", a);
			return -1;
		} else if (c->npos < 4) {
			c->pos[c->npos++] = a;
		} else {
			fprintf(stderr, "linli: too many arguments (see --help)\n");
			return -1;
		}
	}
	return 0;
}

static int64_t community_of(const char *s)
{
	char *end;
	long long v;
	if (!s)
		return 0;
	v = strtoll(s, &end, 10);
	return *end || v <= 0 ? 0 : v;
}

static void on_progress(void *ctx, enum rio_phase ph, size_t done, size_t total)
{
	(void)ctx;
	fprintf(stderr, "%s %zu/%zu rows\n", ph == RIO_VALIDATING ? "checked" : "written", done,
	        total);
}

static int read_all(struct strbuf *out, const char *path, struct err *e)
{
	FILE *f = !strcmp(path, "-") ? stdin : fopen(path, "rb");
	char b[65536];
	size_t n;
	if (!f)
		return err_set(e, ERR_INVALID, "file", "cannot open %s", path);
	while ((n = fread(b, 1, sizeof(b), f)) > 0) {
		strbuf_add(out, b, n);
		if (out->len > 512u * 1024 * 1024) {
			if (f != stdin)
				fclose(f);
			return err_set(e, ERR_INVALID, "file", "%s is over 512 MiB", path);
		}
	}
	if (f != stdin)
		fclose(f);
	return 0;
}

static int fail(const struct err *e)
{
	fprintf(stderr, "linli: %s%s%s\n", e->message, e->field[0] ? " — " : "", e->field);
	return 1;
}

static int do_import(const struct cli *c, const struct rio_cli_env *env)
{
	struct err e = ERR_INIT;
	struct strbuf file = STRBUF_INIT;
	struct rio_report rep;
	struct rio_options o = {.dry_run = c->dry_run, .map = c->map, .progress = on_progress,
	                        .actor = "command line"};
	struct store *db = NULL;
	int64_t community = community_of(c->community), t0 = time_mono_ns();
	int rc = 1;

	if (c->npos != 2 || strcmp(c->pos[0], "residents") || !community ||
	    (c->encoding && !rio_encoding_parse(c->encoding, &o.encoding))) {
		fputs(usage_import, stderr);
		return 2;
	}
	rio_report_init(&rep);
	if (read_all(&file, c->pos[1], &e) < 0 || !(db = env->open_db(c->db, &e)) ||
	    resident_io_import(db, &rep, community, file.buf, file.len, &o, &e) < 0) {
		rc = fail(&e);
		goto out;
	}
	for (const char *p = rep.unknown.buf; *p;) {
		const char *nl = strchr(p, '\n');
		fprintf(stderr, "note: column %.*s is not imported\n", (int)(nl - p), p);
		p = nl + 1;
	}
	fputs(rep.lines.buf, stdout);
	if (rep.bad) {
		fprintf(stderr, "%zu of %zu rows are bad; nothing was written\n", rep.bad, rep.rows);
		goto out;
	}
	if (c->dry_run)
		fprintf(stderr, "%zu rows, all good (%s); dry run, nothing written\n", rep.rows,
		        rep.encoding == RIO_UTF8 ? "UTF-8" : "GB18030");
	else
		fprintf(stderr,
		        "%zu rows (%s): %zu added, %zu updated, %zu unchanged, in %.2f s\n",
		        rep.rows, rep.encoding == RIO_UTF8 ? "UTF-8" : "GB18030", rep.added,
		        rep.updated, rep.unchanged, (double)(time_mono_ns() - t0) / 1e9);
	rc = 0;
out:
	rio_report_release(&rep);
	strbuf_release(&file);
	if (db)
		env->close_db(db);
	return rc;
}

static int do_export(const struct cli *c, const struct rio_cli_env *env)
{
	struct err e = ERR_INIT;
	struct strbuf out = STRBUF_INIT;
	struct store *db = NULL;
	int64_t community = community_of(c->community);
	enum rio_encoding enc = RIO_UTF8;
	enum rio_format fmt;
	size_t n = 0;
	FILE *f = NULL;
	int rc = 1;

	if (c->npos != 1 || strcmp(c->pos[0], "residents") || !community || !c->out ||
	    !c->format || (strcmp(c->format, "csv") && strcmp(c->format, "xlsx")) ||
	    (c->encoding && (!rio_encoding_parse(c->encoding, &enc) || enc == RIO_AUTO))) {
		fputs(usage_export, stderr);
		return 2;
	}
	fmt = !strcmp(c->format, "csv") ? RIO_CSV : RIO_XLSX;
	if (!(db = env->open_db(c->db, &e)))
		goto fail;
	if (c->unmasked) {
		/* recorded before the file exists: an export that fails later
		 * still says someone asked */
		if (store_begin(db, &e) < 0 ||
		    audit_append(db, 0, "command line", "resident.export.unmasked", "residents",
		                 community, NULL, c->format, &e) < 0 ||
		    store_commit(db, &e) < 0) {
			store_rollback(db);
			goto fail;
		}
	}
	if (resident_io_export(db, &out, &n, community, fmt, enc == RIO_GB18030, c->unmasked,
	                       &e) < 0)
		goto fail;
	if (!(f = fopen(c->out, "wb")) || fwrite(out.buf, 1, out.len, f) != out.len) {
		err_set(&e, ERR_INTERNAL, "-o", "cannot write %s", c->out);
		goto fail;
	}
	fprintf(stderr, "exported %zu residents to %s (%s)\n", n, c->out,
	        c->unmasked ? "unmasked" : "masked");
	rc = 0;
	goto out;
fail:
	rc = fail(&e);
out:
	if (f && fclose(f) != 0 && rc == 0)
		rc = 1;
	strbuf_release(&out);
	if (db)
		env->close_db(db);
	return rc;
}

int resident_io_cli(int argc, char **argv, const struct rio_cli_env *env)
{
	struct cli c = {0};
	bool import = !strcmp(argv[0], "import");
	int h = parse(&c, argc, argv);
	if (h) {
		fputs(import ? usage_import : usage_export, h > 0 ? stdout : stderr);
		return h > 0 ? 0 : 2;
	}
	return import ? do_import(&c, env) : do_export(&c, env);
}
