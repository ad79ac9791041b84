/*
 * tally_cli.c - the `linli tally` command (see tally_cli.h).
 *
 * Reads the whole sheet (at most TALLY_FILE_MAX bytes), decodes it to UTF-8,
 * turns each row into a struct tally_entry and remembers its line, so that
 * whatever the engine refuses is reported as "line N: field: reason" on the
 * line a person can find on the paper.  Fields are trimmed of spaces (a
 * spreadsheet keeps them as data).
 */
#include "voice/tally_cli.h"

#include "core/arena.h"
#include "core/csv.h"
#include "core/err.h"
#include "core/strbuf.h"
#include "voice/tally.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { TALLY_FILE_MAX = 256 * 1024 * 1024 };

static const char usage[] =
	"usage: linli tally --rule RULE [options] FILE.csv\n"
	"\n"
	"Tallies a sheet of paper ballots exactly (integers, never floating point) and\n"
	"prints the four figures, each threshold, and PASSED or FAILED on the last line.\n"
	"FILE.csv (UTF-8 or GB18030) has the columns dwelling,owner,area,vote: area in m²\n"
	"with up to two decimals; vote yes, no, abstain, or empty for not voted.  One\n"
	"owner of several dwellings counts once (same owner on each row); give all the\n"
	"developer's unsold dwellings one owner, e.g. developer.\n"
	"\n"
	"  --rule art278-general  Civil Code art. 278: area and owners each 2/3 以上 take\n"
	"                         part; more than half (过半数) of both approve\n"
	"  --rule art278-major    art. 278 items 6-8 (maintenance funds, rebuilding,\n"
	"                         change of use): same participation; 3/4 以上 of both\n"
	"  --rule majority        residents' meeting (居民会议): more than half present,\n"
	"                         more than half of those present approve; heads only\n"
	"  --rule custom          thresholds from the options below (both required):\n"
	"    --participation P/Q       at least P/Q (以上) of area and owners take part\n"
	"    --participation-over P/Q  more than P/Q take part\n"
	"    --approval P/Q            at least P/Q of those taking part approve\n"
	"    --approval-over P/Q       more than P/Q approve (1/2: 过半数)\n"
	"    --heads-only              count owners only, not area\n"
	"  --abstain participates|absent\n"
	"                         whether an abstention counts as taking part (default\n"
	"                         participates: it then weighs like a no)\n"
	"  --scope PREFIX         count only the rows whose dwelling starts with PREFIX\n"
	"                         (e.g. 3-2- for building 3, unit 2: a vote of the owners\n"
	"                         of one building's or unit's parts, such as its elevator)\n"
	"  --json                 print the result as one JSON object before the last line\n"
	"\n"
	"Exit status: 0 PASSED, 1 FAILED, 2 bad input (line N: field: reason on stderr).\n";

struct sheet {
	struct tally_entry *entry;
	size_t *line;
	size_t n, cap;
};

static int read_all(struct strbuf *out, const char *path, struct err *e)
{
	FILE *f = fopen(path, "rb");
	char chunk[65536];
	int rc = -1;

	if (!f)
		return err_set(e, ERR_NOT_FOUND, "file", "cannot open %.100s: %s", path,
			       strerror(errno));
	for (;;) {
		size_t got = fread(chunk, 1, sizeof(chunk), f);
		if (got == 0)
			break;
		if (out->len + got > TALLY_FILE_MAX) {
			err_set(e, ERR_INVALID, "file", "%.100s is larger than %d bytes", path,
				TALLY_FILE_MAX);
			goto out;
		}
		strbuf_add(out, chunk, got);
	}
	if (ferror(f)) {
		err_set(e, ERR_NOT_FOUND, "file", "cannot read %.100s: %s", path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	fclose(f);
	return rc;
}

/* The field trimmed of spaces and tabs at both ends, as (ptr, len). */
static const char *trimmed(const struct csv_field *f, size_t *len)
{
	const char *s = f->ptr;
	size_t n = f->len;
	while (n && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	*len = n;
	return s;
}

enum { COL_DWELLING, COL_OWNER, COL_AREA, COL_VOTE, COLS };

static const char *const col_names[COLS][2] = {
	{ "dwelling", "房号" },
	{ "owner", "业主" },
	{ "area", "面积" },
	{ "vote", "表决" },
};

/* Reads the sheet into s; on failure *line is the line to blame (0: none). */
static int read_sheet(struct sheet *s, const char *text, size_t len, bool need_area,
		      const char *scope, struct arena *a, size_t *line, struct err *e)
{
	struct csv_reader r;
	struct csv_record rec;
	int col[COLS] = { -1, -1, -1, -1 };
	int got, rc = -1;

	csv_reader_init(&r, text, len);
	*line = 0;
	got = csv_next(&r, &rec, e);
	if (got < 0)
		goto out;
	if (got == 0) {
		err_set(e, ERR_INVALID, "file", "the sheet is empty");
		goto out;
	}
	*line = rec.line;
	for (size_t i = 0; i < rec.count; i++) {
		size_t n;
		const char *h = trimmed(&rec.fields[i], &n);
		for (int c = 0; c < COLS; c++) {
			bool match = (strlen(col_names[c][0]) == n &&
				      !strncasecmp(h, col_names[c][0], n)) ||
				     (strlen(col_names[c][1]) == n && !memcmp(h, col_names[c][1], n));
			if (match && col[c] < 0)
				col[c] = (int)i;
			else if (match) {
				err_set(e, ERR_INVALID, "header", "column %s appears twice",
					col_names[c][0]);
				goto out;
			}
		}
	}
	for (int c = 0; c < COLS; c++) {
		if (col[c] < 0) {
			err_set(e, ERR_INVALID, "header",
				"no column %s (the header is dwelling,owner,area,vote)",
				col_names[c][0]);
			goto out;
		}
	}
	while ((got = csv_next(&r, &rec, e)) == 1) {
		const char *v[COLS];
		size_t vl[COLS];
		struct tally_entry en;
		*line = rec.line;
		for (int c = 0; c < COLS; c++) {
			if ((size_t)col[c] < rec.count) {
				v[c] = trimmed(&rec.fields[col[c]], &vl[c]);
			} else {
				v[c] = "";
				vl[c] = 0;
			}
		}
		if (!vl[COL_DWELLING]) {
			err_set(e, ERR_INVALID, "dwelling", "the dwelling is empty");
			goto out;
		}
		if (scope && (vl[COL_DWELLING] < strlen(scope) ||
			      memcmp(v[COL_DWELLING], scope, strlen(scope))))
			continue; /* outside the building or unit voting */
		if (!vl[COL_OWNER]) {
			err_set(e, ERR_INVALID, "owner", "the owner is empty");
			goto out;
		}
		en.area = 0;
		if ((vl[COL_AREA] || need_area) &&
		    !tally_area_parse(&en.area, v[COL_AREA], vl[COL_AREA])) {
			err_set(e, ERR_INVALID, "area", "%s",
				vl[COL_AREA] ? "not an area in m² with up to two decimals "
					       "(0 to 1000000)"
					     : "the area is empty");
			goto out;
		}
		if (!tally_choice_parse(&en.choice, v[COL_VOTE], vl[COL_VOTE])) {
			err_set(e, ERR_INVALID, "vote", "must be yes, no, abstain or empty");
			goto out;
		}
		if (s->n >= TALLY_ENTRIES_MAX) {
			err_set(e, ERR_INVALID, "file", "more than %d rows", TALLY_ENTRIES_MAX);
			goto out;
		}
		if (s->n == s->cap) {
			s->cap = s->cap ? 2 * s->cap : 1024;
			s->entry = xrealloc(s->entry, s->cap * sizeof(*s->entry));
			s->line = xrealloc(s->line, s->cap * sizeof(*s->line));
		}
		en.dwelling = arena_strndup(a, v[COL_DWELLING], vl[COL_DWELLING]);
		en.owner = arena_strndup(a, v[COL_OWNER], vl[COL_OWNER]);
		s->entry[s->n] = en;
		s->line[s->n] = rec.line;
		s->n++;
	}
	if (got < 0) {
		*line = 0; /* the reader's message names the line */
		goto out;
	}
	if (s->n == 0) {
		err_set(e, ERR_INVALID, scope ? "scope" : "file",
			scope ? "no dwelling starts with the --scope prefix"
			      : "the sheet has a header and no rows");
		goto out;
	}
	rc = 0;
out:
	csv_reader_release(&r);
	return rc;
}

static void describe_need(struct strbuf *sb, const struct tally_threshold *t)
{
	if (t->inclusive)
		strbuf_addf(sb, "at least %" PRId64 "/%" PRId64 " (以上)", t->num, t->den);
	else if (t->num * 2 == t->den)
		strbuf_addstr(sb, "more than 1/2 (过半数)");
	else
		strbuf_addf(sb, "more than %" PRId64 "/%" PRId64 " (超过)", t->num, t->den);
}

static void figure(struct strbuf *sb, const char *label, const struct tally_test *t, bool area)
{
	size_t start = sb->len;
	strbuf_addstr(sb, label);
	if (!t->applies) {
		strbuf_addstr(sb, "  not counted (heads only)\n");
		return;
	}
	if (area) {
		tally_area_format(sb, t->part);
		strbuf_addstr(sb, " / ");
		tally_area_format(sb, t->whole);
		strbuf_addstr(sb, " m²");
	} else {
		strbuf_addf(sb, "%" PRId64 " / %" PRId64, t->part, t->whole);
	}
	/* pad to a column (the label and figures are ASCII but for "m²") */
	size_t width = sb->len - start - (area ? 1 : 0);
	for (; width < 66; width++)
		strbuf_addch(sb, ' ');
	strbuf_addstr(sb, "  needs ");
	describe_need(sb, &t->need);
	strbuf_addstr(sb, t->passed ? "  ✓\n" : "  ✗\n");
}

static bool fraction_arg(struct tally_threshold *t, bool *set, const char *opt, const char *val,
			 bool inclusive)
{
	if (!val || !tally_fraction_parse(t, val)) {
		fprintf(stderr, "linli tally: %s takes a fraction P/Q from 0 to 1%s%s\n\n%s", opt,
			val ? ", not " : "", val ? val : "", usage);
		return false;
	}
	t->inclusive = inclusive;
	*set = true;
	return true;
}

int tally_cli_main(int argc, char **argv)
{
	struct arena a = ARENA_INIT;
	struct err e = ERR_INIT;
	struct strbuf raw = STRBUF_INIT, text = STRBUF_INIT, sb = STRBUF_INIT;
	struct sheet s = { NULL, NULL, 0, 0 };
	struct tally_rule rule;
	struct tally_result res;
	const char *path = NULL, *rule_name = NULL, *abstain = NULL, *scope = NULL;
	bool part_set = false, appr_set = false, heads_only = false, json = false;
	struct tally_threshold part = { 0, 1, true }, appr = { 1, 2, false };
	size_t line = 0, bad = 0;
	int rc = 2;

	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		const char *next = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
			fputs(usage, stdout);
			rc = 0;
			goto out;
		} else if (!strcmp(arg, "--rule")) {
			rule_name = next;
			i++;
			if (!rule_name) {
				fprintf(stderr, "linli tally: --rule takes a rule\n\n%s", usage);
				goto out;
			}
		} else if (!strcmp(arg, "--participation") ||
			   !strcmp(arg, "--participation-over")) {
			if (!fraction_arg(&part, &part_set, arg, next, !strchr(arg + 2, '-')))
				goto out;
			i++;
		} else if (!strcmp(arg, "--approval") || !strcmp(arg, "--approval-over")) {
			if (!fraction_arg(&appr, &appr_set, arg, next, !strchr(arg + 2, '-')))
				goto out;
			if (appr.num == 0) {
				fprintf(stderr, "linli tally: %s must be above 0\n\n%s", arg, usage);
				goto out;
			}
			i++;
		} else if (!strcmp(arg, "--heads-only")) {
			heads_only = true;
		} else if (!strcmp(arg, "--scope")) {
			scope = next;
			i++;
			if (!scope || !scope[0]) {
				fprintf(stderr, "linli tally: --scope takes a dwelling prefix\n\n%s",
					usage);
				goto out;
			}
		} else if (!strcmp(arg, "--json")) {
			json = true;
		} else if (!strcmp(arg, "--abstain")) {
			abstain = next;
			i++;
			if (!abstain || (strcmp(abstain, "participates") && strcmp(abstain, "absent"))) {
				fprintf(stderr,
					"linli tally: --abstain takes participates or absent\n\n%s",
					usage);
				goto out;
			}
		} else if (arg[0] == '-' && arg[1]) {
			fprintf(stderr, "linli tally: unknown option %s\n\n%s", arg, usage);
			goto out;
		} else if (path) {
			fprintf(stderr, "linli tally: one file at a time (%s and %s)\n\n%s", path,
				arg, usage);
			goto out;
		} else {
			path = arg;
		}
	}
	if (!rule_name) {
		fprintf(stderr, "linli tally: which rule? (--rule)\n\n%s", usage);
		goto out;
	}
	if (!strcmp(rule_name, "custom")) {
		if (!part_set || !appr_set) {
			fprintf(stderr,
				"linli tally: --rule custom needs --participation[-over] and "
				"--approval[-over]\n\n%s",
				usage);
			goto out;
		}
		rule = (struct tally_rule){ "custom", part, appr, !heads_only, true };
	} else if (tally_rule_named(&rule, rule_name)) {
		if (part_set || appr_set || heads_only) {
			fprintf(stderr,
				"linli tally: thresholds and --heads-only go with --rule custom\n\n%s",
				usage);
			goto out;
		}
	} else {
		fprintf(stderr,
			"linli tally: --rule takes art278-general, art278-major, majority or "
			"custom, not %s\n\n%s",
			rule_name, usage);
		goto out;
	}
	if (abstain)
		rule.abstain_participates = !strcmp(abstain, "participates");
	if (!path) {
		fprintf(stderr, "linli tally: which .csv file?\n\n%s", usage);
		goto out;
	}

	if (read_all(&raw, path, &e) || csv_decode(&text, NULL, raw.buf, raw.len, &e) ||
	    read_sheet(&s, text.buf, text.len, rule.count_area, scope, &a, &line, &e))
		goto bad_input;
	if (tally_count(&res, s.entry, s.n, &rule, &bad, &e)) {
		line = bad < s.n ? s.line[bad] : 0;
		goto bad_input;
	}

	strbuf_addf(&sb, "rule: %s", rule.name);
	if (!strcmp(rule.name, "art278-general"))
		strbuf_addstr(&sb, " (民法典第二百七十八条 一般事项)");
	else if (!strcmp(rule.name, "art278-major"))
		strbuf_addstr(&sb, " (民法典第二百七十八条 第六至八项)");
	else if (!strcmp(rule.name, "majority"))
		strbuf_addstr(&sb, " (居民会议: heads only)");
	else if (!rule.count_area)
		strbuf_addstr(&sb, " (heads only)");
	if (scope)
		strbuf_addf(&sb, "\nscope: dwellings starting with %s", scope);
	strbuf_addf(&sb, "\nabstentions: %s\n",
		    rule.abstain_participates
			    ? "count as taking part (--abstain participates; the default)"
			    : "do not count as taking part (--abstain absent)");
	strbuf_addf(&sb, "electorate: %zu dwellings, %" PRId64 " owners, ", res.dwellings,
		    res.owners);
	tally_area_format(&sb, res.area);
	strbuf_addf(&sb, " m²\nvotes: %" PRId64 " yes, %" PRId64 " no, %" PRId64
			 " abstain, %" PRId64 " not voted (owners)\n",
		    res.yes_owners, res.no_owners, res.abstain_owners,
		    res.owners - res.yes_owners - res.no_owners - res.abstain_owners);
	figure(&sb, "participating area / total area:           ", &res.test[TALLY_PART_AREA],
	       true);
	figure(&sb, "participating owners / total owners:       ", &res.test[TALLY_PART_OWNERS],
	       false);
	figure(&sb, "approving area / participating area:       ", &res.test[TALLY_YES_AREA],
	       true);
	figure(&sb, "approving owners / participating owners:   ", &res.test[TALLY_YES_OWNERS],
	       false);
	strbuf_addf(&sb, "reason: %s / %s\n", tally_reason(&res, "zh"), tally_reason(&res, "en"));
	if (json) {
		tally_result_json(&sb, &res, &rule);
		strbuf_addch(&sb, '\n');
	}
	strbuf_addstr(&sb, res.passed ? "PASSED\n" : "FAILED\n");
	if (fwrite(sb.buf, 1, sb.len, stdout) != sb.len || fflush(stdout)) {
		fprintf(stderr, "linli tally: cannot write the output\n");
		goto out;
	}
	rc = res.passed ? 0 : 1;
	goto out;

bad_input:
	if (line)
		fprintf(stderr, "line %zu: %s: %s\n", line, e.field[0] ? e.field : "file",
			e.message);
	else
		fprintf(stderr, "linli tally: %s: %s: %s\n", path, e.field[0] ? e.field : "file",
			e.message);
	rc = 2;
out:
	free(s.entry);
	free(s.line);
	strbuf_release(&raw);
	strbuf_release(&text);
	strbuf_release(&sb);
	arena_release(&a);
	return rc;
}
