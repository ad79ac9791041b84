/*
 * pb.c - reading and writing Pabulib .pb files (see pb.h).
 *
 * Two passes.  The first splits the bytes into records (the CSV dialect of
 * Python's csv module with ';' as delimiter, which is what Pabulib files are
 * written with) and records into the three sections, keeping every cell.
 * The second reads the typed view out of the tables, so every refusal can
 * name the line of the row and the column at fault.
 *
 * Every string lives in the caller's arena; the only heap memory is the
 * growing row vectors of the first pass, freed before returning.
 */
#include "voice/pb.h"

#include "core/utf8.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const section_name[PB_NSECTIONS] = { "META", "PROJECTS", "VOTES" };

/* ---- small helpers ---- */

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* s[0..*len) without leading and trailing blanks. */
static const char *trim(const char *s, size_t *len)
{
	while (*len && is_space(*s)) {
		s++;
		(*len)--;
	}
	while (*len && is_space(s[*len - 1]))
		(*len)--;
	return s;
}

static const char *trim_dup(struct arena *a, const char *s)
{
	size_t n = strlen(s);
	s = trim(s, &n);
	return arena_strndup(a, s, n);
}

/* At most max bytes of s, cut on a character boundary, for messages. */
static int quote_len(const char *s, int max)
{
	int n = 0;
	while (s[n] && n < max)
		n++;
	while (n > 0 && s[n] && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return n;
}

/*
 * A non-negative whole number of at most PB_MONEY_MAX, allowing a decimal
 * point followed only by zeros ("100000.00"), as some exports write money.
 */
static bool parse_money(int64_t *out, const char *s)
{
	size_t n = strlen(s);
	s = trim(s, &n);
	size_t i = 0;
	int64_t v = 0;
	if (n == 0)
		return false;
	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
		v = v * 10 + (s[i] - '0');
		if (v > PB_MONEY_MAX)
			return false;
	}
	if (i == 0)
		return false;
	if (i < n && s[i] == '.') {
		for (i++; i < n && s[i] == '0'; i++)
			;
	}
	if (i != n)
		return false;
	*out = v;
	return true;
}

/* ---- pass 1: records and sections ---- */

struct vec {
	void **item;
	size_t n, alloc;
};

static void vec_push(struct vec *v, void *p)
{
	if (v->n == v->alloc) {
		v->alloc = v->alloc ? 2 * v->alloc : 64;
		v->item = xrealloc(v->item, v->alloc * sizeof(*v->item));
	}
	v->item[v->n++] = p;
}

struct lexer {
	const char *buf;
	size_t len, pos;
	size_t line;         /* line of pos */
	struct strbuf field; /* the field being read */
	struct vec fields;   /* char * in the arena */
};

/*
 * Reads one record into lx->fields.  Returns 1 for a record (its first line
 * in *line), 0 at the end of the input, -1 on a malformed quote.
 */
static int read_record(struct lexer *lx, struct arena *a, size_t *line, struct err *e)
{
	lx->fields.n = 0;
	if (lx->pos >= lx->len)
		return 0;
	*line = lx->line;
	for (;;) {
		strbuf_reset(&lx->field);
		if (lx->pos < lx->len && lx->buf[lx->pos] == '"') {
			size_t start = lx->line;
			lx->pos++;
			for (;;) {
				if (lx->pos >= lx->len)
					return err_set(e, ERR_INVALID, "",
						       "line %zu: a quoted field is not closed",
						       start);
				char c = lx->buf[lx->pos];
				if (c == '"') {
					if (lx->pos + 1 < lx->len && lx->buf[lx->pos + 1] == '"') {
						strbuf_addch(&lx->field, '"');
						lx->pos += 2;
						continue;
					}
					lx->pos++;
					break;
				}
				if (c == '\n')
					lx->line++;
				strbuf_addch(&lx->field, c);
				lx->pos++;
			}
			if (lx->pos < lx->len && lx->buf[lx->pos] != ';' &&
			    lx->buf[lx->pos] != '\n' && lx->buf[lx->pos] != '\r')
				return err_set(e, ERR_INVALID, "",
					       "line %zu: text after the closing quote of a field",
					       lx->line);
		} else {
			size_t start = lx->pos;
			while (lx->pos < lx->len && lx->buf[lx->pos] != ';' &&
			       lx->buf[lx->pos] != '\n' && lx->buf[lx->pos] != '\r')
				lx->pos++;
			strbuf_add(&lx->field, lx->buf + start, lx->pos - start);
		}
		vec_push(&lx->fields, arena_strndup(a, lx->field.buf, lx->field.len));
		if (lx->pos < lx->len && lx->buf[lx->pos] == ';') {
			lx->pos++;
			continue;
		}
		if (lx->pos < lx->len && lx->buf[lx->pos] == '\r')
			lx->pos++;
		if (lx->pos < lx->len && lx->buf[lx->pos] == '\n')
			lx->pos++;
		lx->line++;
		return 1;
	}
}

static bool blank_record(const struct vec *f)
{
	if (f->n != 1)
		return false;
	size_t n = strlen(f->item[0]);
	trim(f->item[0], &n);
	return n == 0;
}

/* The section a record names, or -1 when it is not a section line. */
static int section_of(const struct vec *f)
{
	size_t n = strlen(f->item[0]);
	const char *s = trim(f->item[0], &n);
	for (size_t i = 1; i < f->n; i++)
		if (*(const char *)f->item[i])
			return -1;
	for (int k = 0; k < PB_NSECTIONS; k++)
		if (n == strlen(section_name[k]) && !strncasecmp(s, section_name[k], n))
			return k;
	return -1;
}

struct section_build {
	bool seen, has_header;
	size_t start_line;
	struct vec rows;  /* const char ** */
	struct vec lines; /* size_t line, stored as uintptr_t */
};

/* Finds the first line holding invalid UTF-8 or a NUL byte; 0 when none. */
static size_t bad_text_line(const char *buf, size_t len)
{
	size_t line = 1, start = 0;
	for (size_t i = 0; i <= len; i++) {
		if (i == len || buf[i] == '\n') {
			if (memchr(buf + start, '\0', i - start) ||
			    !utf8_valid(buf + start, i - start))
				return line;
			line++;
			start = i + 1;
		}
	}
	return 0;
}

static int split_sections(struct pb_instance *out, const char *buf, size_t len, struct arena *a,
			  struct err *e)
{
	struct lexer lx = { buf, len, 0, 1, STRBUF_INIT, { NULL, 0, 0 } };
	struct section_build sb[PB_NSECTIONS] = { 0 };
	int cur = -1, rc = -1, r;
	size_t line = 0;

	if (len >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3))
		lx.pos = 3;
	if (memchr(buf, '\0', len) || !utf8_valid(buf, len)) {
		err_set(e, ERR_INVALID, "", "line %zu: not valid UTF-8 text",
			bad_text_line(buf, len));
		goto out;
	}
	while ((r = read_record(&lx, a, &line, e)) == 1) {
		struct vec *f = &lx.fields;
		if (blank_record(f))
			continue;
		int k = section_of(f);
		if (k >= 0) {
			if (sb[k].seen) {
				err_set(e, ERR_INVALID, "", "line %zu: a second %s section", line,
					section_name[k]);
				goto out;
			}
			sb[k].seen = true;
			sb[k].start_line = line;
			cur = k;
			continue;
		}
		if (cur < 0) {
			err_set(e, ERR_INVALID, "", "line %zu: expected META, PROJECTS or VOTES",
				line);
			goto out;
		}
		struct pb_table *t = &out->table[cur];
		if (!sb[cur].has_header) {
			t->ncols = f->n;
			t->col = arena_alloc(a, f->n * sizeof(*t->col));
			for (size_t i = 0; i < f->n; i++) {
				t->col[i] = trim_dup(a, f->item[i]);
				if (!*t->col[i]) {
					err_set(e, ERR_INVALID, "",
						"line %zu: column %zu of the %s header is empty",
						line, i + 1, section_name[cur]);
					goto out;
				}
				for (size_t j = 0; j < i; j++)
					if (!strcmp(t->col[i], t->col[j])) {
						err_set(e, ERR_INVALID, "",
							"line %zu: column %.40s appears twice in "
							"the %s header",
							line, t->col[i], section_name[cur]);
						goto out;
					}
			}
			sb[cur].has_header = true;
			continue;
		}
		if (f->n > t->ncols) {
			err_set(e, ERR_INVALID, "",
				"line %zu: %zu fields, but the %s header has %zu", line, f->n,
				section_name[cur], t->ncols);
			goto out;
		}
		const char **row = arena_alloc(a, t->ncols * sizeof(*row));
		for (size_t i = 0; i < t->ncols; i++)
			row[i] = i < f->n ? f->item[i] : "";
		vec_push(&sb[cur].rows, (void *)row);
		vec_push(&sb[cur].lines, (void *)(uintptr_t)line);
	}
	if (r < 0)
		goto out;
	for (int k = 0; k < PB_NSECTIONS; k++) {
		struct pb_table *t = &out->table[k];
		if (!sb[k].seen) {
			err_set(e, ERR_INVALID, "", "the file has no %s section", section_name[k]);
			goto out;
		}
		if (!sb[k].has_header) {
			err_set(e, ERR_INVALID, "", "line %zu: the %s section has no header row",
				sb[k].start_line, section_name[k]);
			goto out;
		}
		t->nrows = sb[k].rows.n;
		t->cell = arena_alloc(a, (t->nrows ? t->nrows : 1) * sizeof(*t->cell));
		size_t *lines = arena_alloc(a, (t->nrows ? t->nrows : 1) * sizeof(*lines));
		for (size_t i = 0; i < t->nrows; i++) {
			t->cell[i] = sb[k].rows.item[i];
			lines[i] = (size_t)(uintptr_t)sb[k].lines.item[i];
		}
		t->line = lines;
	}
	rc = 0;
out:
	strbuf_release(&lx.field);
	free(lx.fields.item);
	for (int k = 0; k < PB_NSECTIONS; k++) {
		free(sb[k].rows.item);
		free(sb[k].lines.item);
	}
	return rc;
}

/* ---- pass 2: the typed view ---- */

static long column(const struct pb_table *t, const char *name)
{
	for (size_t i = 0; i < t->ncols; i++)
		if (!strcmp(t->col[i], name))
			return (long)i;
	return -1;
}

static int need_column(long *out, const struct pb_table *t, enum pb_section s, const char *name,
		       struct err *e)
{
	*out = column(t, name);
	if (*out < 0)
		return err_set(e, ERR_INVALID, name, "the %s header has no %s column",
			       section_name[s], name);
	return 0;
}

static int money_field(int64_t *out, const char *s, size_t line, const char *field, struct err *e)
{
	if (parse_money(out, s))
		return 0;
	return err_set(e, ERR_INVALID, field,
		       "line %zu: %s \"%.*s\" is not a whole number from 0 to 10^%d", line, field,
		       quote_len(s, 32), s, PB_MONEY_MAX_DIGITS);
}

/* A trimmed id: non-empty, no control characters, no comma when no_comma. */
static int id_field(const char **out, const char *s, size_t line, const char *field, bool no_comma,
		    struct arena *a, struct err *e)
{
	size_t n = strlen(s);
	const char *t = trim(s, &n);
	if (n == 0)
		return err_set(e, ERR_INVALID, field, "line %zu: %s is empty", line, field);
	if (utf8_has_control(t, n) || memchr(t, '\n', n) || memchr(t, '\r', n) ||
	    memchr(t, '\t', n))
		return err_set(e, ERR_INVALID, field, "line %zu: %s holds a control character",
			       line, field);
	if (no_comma && memchr(t, ',', n))
		return err_set(e, ERR_INVALID, field, "line %zu: %s \"%.*s\" holds a comma", line,
			       field, quote_len(t, 32), t);
	*out = arena_strndup(a, t, n);
	return 0;
}

static int read_meta(struct pb_instance *in, struct arena *a, struct err *e)
{
	const struct pb_table *t = &in->table[PB_META];
	long kc, vc;
	bool have_budget = false;
	if (need_column(&kc, t, PB_META, "key", e) || need_column(&vc, t, PB_META, "value", e))
		return -1;
	in->vote_type = "approval";
	for (size_t r = 0; r < t->nrows; r++) {
		const char *key = trim_dup(a, t->cell[r][kc]), *val = t->cell[r][vc];
		for (size_t q = 0; q < r; q++) {
			size_t n = strlen(t->cell[q][kc]);
			const char *k2 = trim(t->cell[q][kc], &n);
			if (n == strlen(key) && !memcmp(k2, key, n))
				return err_set(e, ERR_INVALID, key,
					       "line %zu: META key %.40s repeats line %zu",
					       t->line[r], key, t->line[q]);
		}
		if (!strcmp(key, "budget")) {
			if (money_field(&in->budget, val, t->line[r], "budget", e))
				return -1;
			have_budget = true;
		} else if (!strcmp(key, "rule")) {
			in->rule = trim_dup(a, val);
		} else if (!strcmp(key, "vote_type")) {
			in->vote_type = trim_dup(a, val);
			if (strcmp(in->vote_type, "approval") &&
			    strcmp(in->vote_type, "cumulative") &&
			    strcmp(in->vote_type, "scoring") && strcmp(in->vote_type, "ordinal"))
				return err_set(e, ERR_INVALID, "vote_type",
					       "line %zu: vote_type \"%.*s\" is not approval, "
					       "cumulative, scoring or ordinal",
					       t->line[r], quote_len(in->vote_type, 32),
					       in->vote_type);
		}
	}
	if (!have_budget)
		return err_set(e, ERR_INVALID, "budget", "META has no budget");
	return 0;
}

struct id_ref {
	const char *id;
	uint32_t index;
};

static int cmp_id_ref(const void *x, const void *y)
{
	const struct id_ref *a = x, *b = y;
	int c = strcmp(a->id, b->id);
	return c ? c : (a->index > b->index) - (a->index < b->index);
}

/* Sorts refs by id and refuses a repeated id, naming both lines. */
static int unique_ids(struct id_ref *refs, size_t n, const size_t *lines, const char *field,
		      struct err *e)
{
	qsort(refs, n, sizeof(*refs), cmp_id_ref);
	for (size_t i = 1; i < n; i++)
		if (!strcmp(refs[i - 1].id, refs[i].id))
			return err_set(e, ERR_INVALID, field, "line %zu: %s %.*s repeats line %zu",
				       lines[refs[i].index], field, quote_len(refs[i].id, 32),
				       refs[i].id, lines[refs[i - 1].index]);
	return 0;
}

static int read_projects(struct pb_instance *in, struct arena *a, struct err *e)
{
	const struct pb_table *t = &in->table[PB_PROJECTS];
	long idc, costc, selc = column(t, "selected");
	if (need_column(&idc, t, PB_PROJECTS, "project_id", e) ||
	    need_column(&costc, t, PB_PROJECTS, "cost", e))
		return -1;
	if (t->nrows > PB_MAX_PROJECTS)
		return err_set(e, ERR_INVALID, "", "more than %d projects", PB_MAX_PROJECTS);
	in->nprojects = t->nrows;
	in->project = arena_zalloc(a, (t->nrows ? t->nrows : 1) * sizeof(*in->project));
	struct id_ref *refs = arena_alloc(a, (t->nrows ? t->nrows : 1) * sizeof(*refs));
	for (size_t r = 0; r < t->nrows; r++) {
		struct pb_project *p = &in->project[r];
		size_t line = t->line[r];
		if (id_field(&p->id, t->cell[r][idc], line, "project_id", true, a, e) ||
		    money_field(&p->cost, t->cell[r][costc], line, "cost", e))
			return -1;
		p->selected = -1;
		if (selc >= 0) {
			size_t n = strlen(t->cell[r][selc]);
			const char *s = trim(t->cell[r][selc], &n);
			if (n == 1 && (*s == '0' || *s == '1'))
				p->selected = *s - '0';
			else if (n != 0)
				return err_set(e, ERR_INVALID, "selected",
					       "line %zu: selected \"%.*s\" is not 0 or 1", line,
					       quote_len(s, 32), s);
		}
		refs[r] = (struct id_ref){ p->id, (uint32_t)r };
	}
	if (unique_ids(refs, t->nrows, t->line, "project_id", e))
		return -1;
	uint32_t *by_id = arena_alloc(a, (t->nrows ? t->nrows : 1) * sizeof(*by_id));
	for (size_t r = 0; r < t->nrows; r++)
		by_id[r] = refs[r].index;
	in->by_id = by_id;
	return 0;
}

/* Splits s on commas into trimmed pieces (an empty s gives none). */
static size_t split_list(const char ***out, const char *s, struct arena *a)
{
	size_t n = strlen(s), count = 1, k = 0;
	s = trim(s, &n);
	if (n == 0) {
		*out = NULL;
		return 0;
	}
	for (size_t i = 0; i < n; i++)
		count += s[i] == ',';
	const char **piece = arena_alloc(a, count * sizeof(*piece));
	size_t start = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i == n || s[i] == ',') {
			size_t len = i - start;
			const char *p = trim(s + start, &len);
			piece[k++] = arena_strndup(a, p, len);
			start = i + 1;
		}
	}
	*out = piece;
	return count;
}

static int read_votes(struct pb_instance *in, struct arena *a, struct err *e)
{
	const struct pb_table *t = &in->table[PB_VOTES];
	long idc, votec, pointc = column(t, "points");
	int rc = -1;
	uint64_t *seen = NULL; /* per project: 1 + the last row that listed it */
	if (need_column(&idc, t, PB_VOTES, "voter_id", e) ||
	    need_column(&votec, t, PB_VOTES, "vote", e))
		return -1;
	if (pointc < 0 &&
	    (!strcmp(in->vote_type, "cumulative") || !strcmp(in->vote_type, "scoring")))
		return err_set(e, ERR_INVALID, "points",
			       "vote_type %s needs a points column in VOTES", in->vote_type);
	in->has_points = pointc >= 0;
	in->nvoters = t->nrows;
	in->voter = arena_zalloc(a, (t->nrows ? t->nrows : 1) * sizeof(*in->voter));
	struct id_ref *refs = arena_alloc(a, (t->nrows ? t->nrows : 1) * sizeof(*refs));
	seen = xcalloc(in->nprojects ? in->nprojects : 1, sizeof(*seen));
	for (size_t r = 0; r < t->nrows; r++) {
		struct pb_voter *v = &in->voter[r];
		size_t line = t->line[r];
		const char **ids, **pts = NULL;
		if (id_field(&v->id, t->cell[r][idc], line, "voter_id", false, a, e))
			goto out;
		v->n = split_list(&ids, t->cell[r][votec], a);
		uint32_t *item = arena_alloc(a, (v->n ? v->n : 1) * sizeof(*item));
		for (size_t i = 0; i < v->n; i++) {
			size_t p;
			if (!*ids[i]) {
				err_set(e, ERR_INVALID, "vote",
					"line %zu: vote has an empty project id", line);
				goto out;
			}
			if (!pb_project_find(&p, in, ids[i])) {
				err_set(e, ERR_INVALID, "vote",
					"line %zu: vote names project %.*s, which is not in "
					"PROJECTS",
					line, quote_len(ids[i], 32), ids[i]);
				goto out;
			}
			if (seen[p] == r + 1) {
				err_set(e, ERR_INVALID, "vote",
					"line %zu: vote lists project %.*s twice", line,
					quote_len(ids[i], 32), ids[i]);
				goto out;
			}
			seen[p] = r + 1;
			item[i] = (uint32_t)p;
		}
		v->item = item;
		if (pointc >= 0) {
			size_t np = split_list(&pts, t->cell[r][pointc], a);
			if (np != v->n) {
				err_set(e, ERR_INVALID, "points",
					"line %zu: %zu points for %zu projects in the vote", line,
					np, v->n);
				goto out;
			}
			int64_t *points = arena_alloc(a, (np ? np : 1) * sizeof(*points));
			for (size_t i = 0; i < np; i++)
				if (money_field(&points[i], pts[i], line, "points", e))
					goto out;
			v->points = points;
		}
		refs[r] = (struct id_ref){ v->id, (uint32_t)r };
	}
	if (unique_ids(refs, t->nrows, t->line, "voter_id", e))
		goto out;
	rc = 0;
out:
	free(seen);
	return rc;
}

int pb_parse(struct pb_instance *out, const char *buf, size_t len, struct arena *a, struct err *e)
{
	memset(out, 0, sizeof(*out));
	if (split_sections(out, buf, len, a, e) || read_meta(out, a, e) ||
	    read_projects(out, a, e) || read_votes(out, a, e))
		return -1;
	return 0;
}

int pb_read_file(struct pb_instance *out, const char *path, struct arena *a, struct err *e)
{
	FILE *f = NULL;
	char *buf = NULL;
	size_t len = 0, cap = 0;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	f = fopen(path, "rb");
	if (!f) {
		err_set(e, ERR_NOT_FOUND, "file", "cannot open %.100s: %s", path, strerror(errno));
		goto out;
	}
	for (;;) {
		if (len == cap) {
			if (cap >= PB_FILE_MAX) {
				err_set(e, ERR_INVALID, "file", "%.100s is larger than %d bytes",
					path, PB_FILE_MAX);
				goto out;
			}
			cap = cap ? 2 * cap : 1 << 16;
			buf = xrealloc(buf, cap);
		}
		size_t n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		err_set(e, ERR_NOT_FOUND, "file", "cannot read %.100s: %s", path, strerror(errno));
		goto out;
	}
	rc = pb_parse(out, buf, len, a, e);
out:
	if (f)
		fclose(f);
	free(buf);
	return rc;
}

bool pb_project_find(size_t *out, const struct pb_instance *in, const char *id)
{
	if (!in->by_id) {
		for (size_t i = 0; i < in->nprojects; i++)
			if (!strcmp(in->project[i].id, id)) {
				*out = i;
				return true;
			}
		return false;
	}
	size_t lo = 0, hi = in->nprojects;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(in->project[in->by_id[mid]].id, id);
		if (c == 0) {
			*out = in->by_id[mid];
			return true;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

const char *pb_meta(const struct pb_instance *in, const char *key)
{
	const struct pb_table *t = &in->table[PB_META];
	long kc = column(t, "key"), vc = column(t, "value");
	if (kc < 0 || vc < 0)
		return NULL;
	for (size_t r = 0; r < t->nrows; r++) {
		size_t n = strlen(t->cell[r][kc]);
		const char *k = trim(t->cell[r][kc], &n);
		if (n == strlen(key) && !memcmp(k, key, n))
			return t->cell[r][vc];
	}
	return NULL;
}

/* ---- writing ---- */

static void put_field(struct strbuf *sb, const char *s, bool first)
{
	if (!first)
		strbuf_addch(sb, ';');
	if (!strpbrk(s, ";\"\r\n")) {
		strbuf_addstr(sb, s);
		return;
	}
	strbuf_addch(sb, '"');
	for (; *s; s++) {
		if (*s == '"')
			strbuf_addch(sb, '"');
		strbuf_addch(sb, *s);
	}
	strbuf_addch(sb, '"');
}

static void put_money(struct strbuf *sb, int64_t v, bool first)
{
	if (!first)
		strbuf_addch(sb, ';');
	strbuf_addf(sb, "%" PRId64, v);
}

static void put_meta(struct strbuf *sb, const char *key, const char *value)
{
	put_field(sb, key, true);
	put_field(sb, value, false);
	strbuf_addch(sb, '\n');
}

static void write_meta(struct strbuf *sb, const struct pb_instance *in)
{
	const struct pb_table *t = &in->table[PB_META];
	long kc = column(t, "key"), vc = column(t, "value");
	bool wrote_budget = false, wrote_type = false, wrote_rule = false;
	char budget[32];
	snprintf(budget, sizeof(budget), "%" PRId64, in->budget);
	strbuf_addstr(sb, "META\n");
	if (kc < 0 || vc < 0) {
		strbuf_addstr(sb, "key;value\n");
		put_meta(sb, "budget", budget);
		put_meta(sb, "vote_type", in->vote_type ? in->vote_type : "approval");
		if (in->rule)
			put_meta(sb, "rule", in->rule);
		strbuf_addf(sb, "num_projects;%zu\nnum_votes;%zu\n", in->nprojects, in->nvoters);
		return;
	}
	for (size_t c = 0; c < t->ncols; c++)
		put_field(sb, t->col[c], c == 0);
	strbuf_addch(sb, '\n');
	for (size_t r = 0; r < t->nrows; r++) {
		size_t n = strlen(t->cell[r][kc]);
		const char *k = trim(t->cell[r][kc], &n);
		for (size_t c = 0; c < t->ncols; c++) {
			const char *v = t->cell[r][c];
			if ((long)c == vc && n == 6 && !memcmp(k, "budget", 6)) {
				v = budget;
				wrote_budget = true;
			} else if ((long)c == vc && n == 9 && !memcmp(k, "vote_type", 9) &&
				   in->vote_type) {
				v = in->vote_type;
				wrote_type = true;
			} else if ((long)c == vc && n == 4 && !memcmp(k, "rule", 4) && in->rule) {
				v = in->rule;
				wrote_rule = true;
			}
			put_field(sb, v, c == 0);
		}
		strbuf_addch(sb, '\n');
	}
	/* keys the tables lack come from the typed view (kept in key;value order) */
	if (!wrote_budget)
		put_meta(sb, "budget", budget);
	if (!wrote_type && in->vote_type && strcmp(in->vote_type, "approval"))
		put_meta(sb, "vote_type", in->vote_type);
	if (!wrote_rule && in->rule)
		put_meta(sb, "rule", in->rule);
}

static void write_projects(struct strbuf *sb, const struct pb_instance *in)
{
	const struct pb_table *t = &in->table[PB_PROJECTS];
	bool any_selected = false;
	strbuf_addstr(sb, "PROJECTS\n");
	if (t->ncols == 0) {
		for (size_t i = 0; i < in->nprojects; i++)
			any_selected |= in->project[i].selected >= 0;
		strbuf_addstr(sb,
			      any_selected ? "project_id;cost;selected\n" : "project_id;cost\n");
		for (size_t i = 0; i < in->nprojects; i++) {
			const struct pb_project *p = &in->project[i];
			put_field(sb, p->id, true);
			put_money(sb, p->cost, false);
			if (any_selected)
				strbuf_addstr(sb, p->selected == 1   ? ";1"
						  : p->selected == 0 ? ";0"
								     : ";");
			strbuf_addch(sb, '\n');
		}
		return;
	}
	long idc = column(t, "project_id"), costc = column(t, "cost"), selc = column(t, "selected");
	for (size_t c = 0; c < t->ncols; c++)
		put_field(sb, t->col[c], c == 0);
	strbuf_addch(sb, '\n');
	for (size_t i = 0; i < in->nprojects && i < t->nrows; i++) {
		const struct pb_project *p = &in->project[i];
		for (size_t c = 0; c < t->ncols; c++) {
			if ((long)c == idc)
				put_field(sb, p->id, c == 0);
			else if ((long)c == costc)
				put_money(sb, p->cost, c == 0);
			else if ((long)c == selc)
				put_field(sb,
					  p->selected == 1   ? "1"
					  : p->selected == 0 ? "0"
							     : "",
					  c == 0);
			else
				put_field(sb, t->cell[i][c], c == 0);
		}
		strbuf_addch(sb, '\n');
	}
}

static void put_ballot(struct strbuf *sb, const struct pb_instance *in, const struct pb_voter *v,
		       bool points, bool first)
{
	struct strbuf list = STRBUF_INIT;
	for (size_t i = 0; i < v->n; i++) {
		if (i)
			strbuf_addch(&list, ',');
		if (points)
			strbuf_addf(&list, "%" PRId64, v->points[i]);
		else
			strbuf_addstr(&list, in->project[v->item[i]].id);
	}
	put_field(sb, list.buf, first);
	strbuf_release(&list);
}

static void write_votes(struct strbuf *sb, const struct pb_instance *in)
{
	const struct pb_table *t = &in->table[PB_VOTES];
	strbuf_addstr(sb, "VOTES\n");
	if (t->ncols == 0) {
		strbuf_addstr(sb, in->has_points ? "voter_id;vote;points\n" : "voter_id;vote\n");
		for (size_t i = 0; i < in->nvoters; i++) {
			const struct pb_voter *v = &in->voter[i];
			put_field(sb, v->id, true);
			put_ballot(sb, in, v, false, false);
			if (in->has_points)
				put_ballot(sb, in, v, true, false);
			strbuf_addch(sb, '\n');
		}
		return;
	}
	long idc = column(t, "voter_id"), votec = column(t, "vote"), pointc = column(t, "points");
	for (size_t c = 0; c < t->ncols; c++)
		put_field(sb, t->col[c], c == 0);
	strbuf_addch(sb, '\n');
	for (size_t i = 0; i < in->nvoters && i < t->nrows; i++) {
		const struct pb_voter *v = &in->voter[i];
		for (size_t c = 0; c < t->ncols; c++) {
			if ((long)c == idc)
				put_field(sb, v->id, c == 0);
			else if ((long)c == votec)
				put_ballot(sb, in, v, false, c == 0);
			else if ((long)c == pointc && v->points)
				put_ballot(sb, in, v, true, c == 0);
			else
				put_field(sb, t->cell[i][c], c == 0);
		}
		strbuf_addch(sb, '\n');
	}
}

void pb_write(struct strbuf *sb, const struct pb_instance *in)
{
	write_meta(sb, in);
	write_projects(sb, in);
	write_votes(sb, in);
}
