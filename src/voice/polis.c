/*
 * polis.c - reading and writing Pol.is open-data conversations (see
 * polis.h).
 *
 * One small RFC 4180 reader serves all three files.  It walks the buffer
 * once, unquoting into a scratch strbuf; a record is a list of (offset,
 * length) pairs into that strbuf, so a field may hold commas, quotes and
 * line breaks and no field is copied twice.  Every syntax problem (a quote
 * inside an unquoted field, text after a closing quote, a quoted field that
 * never ends, a NUL byte, invalid UTF-8, a wrong number of fields) is an
 * error with the file name, the line where the field starts and the field
 * number.  Values are then checked by column: integers are strict (no
 * spaces, no overflow), votes are -1, 0 or 1.
 *
 * Writing quotes a field only when it must (a comma, a quote or a line
 * break in it), which is what the Pol.is exporter does, so a conversation
 * read from the open data is written back byte for byte.
 */
#include "voice/polis.h"

#include "core/strbuf.h"
#include "core/utf8.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the CSV reader ---- */

struct csv {
	const char *buf;
	size_t len, pos;
	size_t line;            /* line of pos, 1-based */
	const char *name;       /* file name, for messages */
	struct strbuf text;     /* the current record's unquoted fields */
	size_t *start, *flen;   /* n fields of the record: offsets into text */
	size_t n, cap;
	size_t record_line;     /* line where the current record starts */
	const char **header;    /* names of the columns, from the first record */
	size_t n_header;
};

static void csv_init(struct csv *c, const char *buf, size_t len, const char *name)
{
	memset(c, 0, sizeof(*c));
	c->buf = buf;
	c->len = len;
	c->line = 1;
	c->name = name;
	strbuf_init(&c->text);
	/* a UTF-8 byte order mark is not part of the first header */
	if (len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3))
		c->pos = 3;
}

static void csv_release(struct csv *c)
{
	strbuf_release(&c->text);
	free(c->start);
	free(c->flen);
	if (c->header)
		for (size_t i = 0; i < c->n_header; i++)
			free((char *)c->header[i]);
	free(c->header);
}

static const char *csv_field(const struct csv *c, size_t i)
{
	return c->text.buf + c->start[i];
}

/* The header name of column i (0-based), or "" past the header. */
static const char *col_name(const struct csv *c, size_t i)
{
	return i < c->n_header ? c->header[i] : "";
}

static int csv_error(const struct csv *c, struct err *e, size_t line, size_t col,
		     const char *what)
{
	if (col)
		return err_set(e, ERR_INVALID, "csv", "%s line %zu, column %zu: %s", c->name, line,
			       col, what);
	return err_set(e, ERR_INVALID, "csv", "%s line %zu: %s", c->name, line, what);
}

static void push_field(struct csv *c, size_t start)
{
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 16;
		c->start = xrealloc(c->start, c->cap * sizeof(*c->start));
		c->flen = xrealloc(c->flen, c->cap * sizeof(*c->flen));
	}
	c->start[c->n] = start;
	c->flen[c->n] = c->text.len - start;
	c->n++;
	strbuf_addch(&c->text, '\0'); /* each field is a C string too */
}

/* Consumes a line end at pos, if there is one; returns whether it did. */
static bool eat_eol(struct csv *c)
{
	if (c->pos < c->len && c->buf[c->pos] == '\r') {
		c->pos++;
		if (c->pos < c->len && c->buf[c->pos] == '\n')
			c->pos++;
		c->line++;
		return true;
	}
	if (c->pos < c->len && c->buf[c->pos] == '\n') {
		c->pos++;
		c->line++;
		return true;
	}
	return false;
}

/* Reads the next record.  Returns 1, 0 at the end, -1 on error.  Blank
 * lines are skipped. */
static int csv_next(struct csv *c, struct err *e)
{
	strbuf_reset(&c->text);
	c->n = 0;
	while (c->pos < c->len && eat_eol(c))
		; /* blank lines */
	if (c->pos >= c->len)
		return 0;
	c->record_line = c->line;
	for (;;) {
		size_t start = c->text.len, field_line = c->line, col = c->n + 1;
		if (c->pos < c->len && c->buf[c->pos] == '"') {
			c->pos++;
			for (;;) {
				if (c->pos >= c->len)
					return csv_error(c, e, field_line, col,
							 "a quoted field is not closed");
				char ch = c->buf[c->pos];
				if (ch == '"') {
					if (c->pos + 1 < c->len && c->buf[c->pos + 1] == '"') {
						strbuf_addch(&c->text, '"');
						c->pos += 2;
						continue;
					}
					c->pos++;
					break;
				}
				if (ch == '\0')
					return csv_error(c, e, c->line, col, "a NUL byte");
				if (ch == '\n' || (ch == '\r' && !(c->pos + 1 < c->len &&
								   c->buf[c->pos + 1] == '\n')))
					c->line++;
				strbuf_addch(&c->text, ch);
				c->pos++;
			}
			if (c->pos < c->len && c->buf[c->pos] != ',' && c->buf[c->pos] != '\r' &&
			    c->buf[c->pos] != '\n')
				return csv_error(c, e, c->line, col,
						 "text after the closing quote of a field");
		} else {
			size_t from = c->pos;
			while (c->pos < c->len && c->buf[c->pos] != ',' && c->buf[c->pos] != '\r' &&
			       c->buf[c->pos] != '\n') {
				if (c->buf[c->pos] == '"')
					return csv_error(c, e, c->line, col,
							 "a quote inside an unquoted field");
				if (c->buf[c->pos] == '\0')
					return csv_error(c, e, c->line, col, "a NUL byte");
				c->pos++;
			}
			strbuf_add(&c->text, c->buf + from, c->pos - from);
		}
		if (!utf8_valid(c->text.buf + start, c->text.len - start))
			return csv_error(c, e, field_line, col, "invalid UTF-8");
		push_field(c, start);
		if (c->pos < c->len && c->buf[c->pos] == ',') {
			c->pos++;
			continue;
		}
		eat_eol(c);
		return 1;
	}
}

/* Reads the header record; a file without one is an error. */
static int csv_header(struct csv *c, struct err *e)
{
	int r = csv_next(c, e);
	if (r < 0)
		return -1;
	if (r == 0)
		return err_set(e, ERR_INVALID, "csv", "%s: empty file, expected a header line",
			       c->name);
	c->n_header = c->n;
	c->header = xcalloc(c->n, sizeof(*c->header));
	for (size_t i = 0; i < c->n; i++)
		c->header[i] = xstrdup(csv_field(c, i));
	return 0;
}

/* The column named name, or -1; -1 and an error when required. */
static int find_col(const struct csv *c, const char *name, bool required, struct err *e)
{
	for (size_t i = 0; i < c->n_header; i++)
		if (!strcmp(c->header[i], name))
			return (int)i;
	if (required)
		err_set(e, ERR_INVALID, name, "%s line 1: no column \"%s\"", c->name, name);
	return -1;
}

/* Checks the field count of the current record. */
static int check_width(const struct csv *c, struct err *e)
{
	if (c->n == c->n_header)
		return 0;
	return err_set(e, ERR_INVALID, "csv", "%s line %zu: %zu fields, the header has %zu",
		       c->name, c->record_line, c->n, c->n_header);
}

static int value_error(const struct csv *c, struct err *e, size_t col, const char *what)
{
	char shown[40];
	const char *v = csv_field(c, col);
	size_t len = strlen(v);

	/* show at most 32 bytes of the value, cut on a character boundary */
	if (len > 32) {
		len = 32;
		while (len > 0 && ((unsigned char)v[len] & 0xc0) == 0x80)
			len--;
	}
	snprintf(shown, sizeof(shown), "%.*s%s", (int)len, v, strlen(v) > len ? "..." : "");
	return err_set(e, ERR_INVALID, col_name(c, col), "%s line %zu, column %zu (%s): \"%s\" %s",
		       c->name, c->record_line, col + 1, col_name(c, col), shown, what);
}

/* A strict decimal integer: optional '-', digits, nothing else. */
static bool parse_i64(const char *s, size_t len, int64_t *out)
{
	bool neg = false;
	uint64_t v = 0, limit = (uint64_t)INT64_MAX;
	size_t i = 0;

	if (len && s[0] == '-') {
		neg = true;
		limit++;
		i++;
	}
	if (i == len)
		return false;
	for (; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		unsigned d = (unsigned)(s[i] - '0');
		if (v > (limit - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return true;
}

static int get_i64(const struct csv *c, int col, int64_t *out, struct err *e)
{
	if (col < 0) {
		*out = 0;
		return 0;
	}
	if (!parse_i64(csv_field(c, (size_t)col), c->flen[col], out))
		return value_error(c, e, (size_t)col, "is not an integer");
	return 0;
}

static int get_vote(const struct csv *c, int col, int8_t *out, struct err *e)
{
	int64_t v;
	if (!parse_i64(csv_field(c, (size_t)col), c->flen[col], &v) || v < -1 || v > 1)
		return value_error(c, e, (size_t)col, "is not -1, 0 or 1");
	*out = (int8_t)v;
	return 0;
}

static const char *get_text(struct polis_conversation *conv, const struct csv *c, int col)
{
	if (col < 0)
		return "";
	return arena_strndup(&conv->arena, csv_field(c, (size_t)col), c->flen[col]);
}

static int cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* An id and the line it was read from, to name a repeated one. */
struct id_line {
	int64_t id;
	size_t line;
};

static int cmp_id_line(const void *a, const void *b)
{
	const struct id_line *x = a, *y = b;
	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return (x->line > y->line) - (x->line < y->line);
}

/* ---- the three files ---- */

int polis_parse_comments(struct polis_conversation *conv, const char *buf, size_t len,
			 const char *name, struct err *e)
{
	struct csv c;
	struct polis_comment *rows = NULL;
	struct id_line *seen = NULL;
	size_t n = 0, cap = 0;
	int r, rc = -1;

	csv_init(&c, buf, len, name);
	if (csv_header(&c, e) < 0)
		goto out;
	int c_time = find_col(&c, "timestamp", false, e);
	int c_dt = find_col(&c, "datetime", false, e);
	int c_id = find_col(&c, "comment-id", true, e);
	int c_author = find_col(&c, "author-id", false, e);
	int c_agrees = find_col(&c, "agrees", false, e);
	int c_disagrees = find_col(&c, "disagrees", false, e);
	int c_mod = find_col(&c, "moderated", false, e);
	int c_body = find_col(&c, "comment-body", false, e);
	if (c_id < 0)
		goto out;
	while ((r = csv_next(&c, e)) > 0) {
		struct polis_comment pc = { 0 };
		int64_t mod = 0;
		if (check_width(&c, e) < 0 || get_i64(&c, c_time, &pc.timestamp, e) < 0 ||
		    get_i64(&c, c_id, &pc.id, e) < 0 || get_i64(&c, c_author, &pc.author, e) < 0 ||
		    get_i64(&c, c_agrees, &pc.agrees, e) < 0 ||
		    get_i64(&c, c_disagrees, &pc.disagrees, e) < 0 ||
		    get_i64(&c, c_mod, &mod, e) < 0)
			goto out;
		if (mod < -1 || mod > 1) {
			value_error(&c, e, (size_t)c_mod, "is not -1, 0 or 1");
			goto out;
		}
		pc.moderated = (int)mod;
		pc.datetime = get_text(conv, &c, c_dt);
		pc.body = get_text(conv, &c, c_body);
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			rows = xrealloc(rows, cap * sizeof(*rows));
			seen = xrealloc(seen, cap * sizeof(*seen));
		}
		seen[n] = (struct id_line){ pc.id, c.record_line };
		rows[n++] = pc;
	}
	if (r < 0)
		goto out;
	if (n > 1)
		qsort(seen, n, sizeof(*seen), cmp_id_line);
	for (size_t i = 1; i < n; i++)
		if (seen[i].id == seen[i - 1].id) {
			err_set(e, ERR_INVALID, "comment-id",
				"%s line %zu, column %d (comment-id): %" PRId64
				" repeats the comment on line %zu",
				name, seen[i].line, c_id + 1, seen[i].id, seen[i - 1].line);
			goto out;
		}
	free(conv->comments);
	conv->comments = rows;
	conv->n_comments = n;
	rows = NULL;
	rc = 0;
out:
	free(rows);
	free(seen);
	csv_release(&c);
	return rc;
}

int polis_parse_votes(struct polis_conversation *conv, const char *buf, size_t len,
		      const char *name, struct err *e)
{
	struct csv c;
	struct polis_vote *rows = NULL;
	size_t n = 0, cap = 0;
	int r, rc = -1;

	csv_init(&c, buf, len, name);
	if (csv_header(&c, e) < 0)
		goto out;
	int c_time = find_col(&c, "timestamp", true, e);
	int c_dt = find_col(&c, "datetime", false, e);
	int c_id = find_col(&c, "comment-id", true, e);
	int c_voter = find_col(&c, "voter-id", true, e);
	int c_vote = find_col(&c, "vote", true, e);
	if (c_time < 0 || c_id < 0 || c_voter < 0 || c_vote < 0)
		goto out;
	while ((r = csv_next(&c, e)) > 0) {
		struct polis_vote v = { 0 };
		if (check_width(&c, e) < 0 || get_i64(&c, c_time, &v.timestamp, e) < 0 ||
		    get_i64(&c, c_id, &v.comment, e) < 0 || get_i64(&c, c_voter, &v.voter, e) < 0 ||
		    get_vote(&c, c_vote, &v.vote, e) < 0)
			goto out;
		v.datetime = get_text(conv, &c, c_dt);
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			rows = xrealloc(rows, cap * sizeof(*rows));
		}
		rows[n++] = v;
	}
	if (r < 0)
		goto out;
	free(conv->votes);
	conv->votes = rows;
	conv->n_votes = n;
	rows = NULL;
	rc = 0;
out:
	free(rows);
	csv_release(&c);
	return rc;
}

/* The fixed leading columns of participants-votes.csv, in Pol.is order. */
static const char *const participant_cols[] = {
	"participant", "group-id", "n-comments", "n-votes", "n-agree", "n-disagree",
};
enum { N_PARTICIPANT_COLS = 6 };

int polis_parse_participants(struct polis_conversation *conv, const char *buf, size_t len,
			     const char *name, struct err *e)
{
	struct csv c;
	struct polis_participant *rows = NULL;
	int64_t *columns = NULL;
	int *vote_col = NULL;
	size_t n = 0, cap = 0, n_columns = 0;
	int fixed[N_PARTICIPANT_COLS];
	int r, rc = -1;

	csv_init(&c, buf, len, name);
	if (csv_header(&c, e) < 0)
		goto out;
	for (int i = 0; i < N_PARTICIPANT_COLS; i++) {
		fixed[i] = find_col(&c, participant_cols[i], i < 2, e);
		if (i < 2 && fixed[i] < 0)
			goto out;
	}
	/* every column named by an integer is a statement */
	columns = xmalloc((c.n_header ? c.n_header : 1) * sizeof(*columns));
	vote_col = xmalloc((c.n_header ? c.n_header : 1) * sizeof(*vote_col));
	for (size_t i = 0; i < c.n_header; i++) {
		int64_t id;
		if (!parse_i64(c.header[i], strlen(c.header[i]), &id))
			continue;
		for (size_t j = 0; j < n_columns; j++)
			if (columns[j] == id) {
				err_set(e, ERR_INVALID, c.header[i],
					"%s line 1, column %zu: statement %s appears twice", name,
					i + 1, c.header[i]);
				goto out;
			}
		columns[n_columns] = id;
		vote_col[n_columns++] = (int)i;
	}
	while ((r = csv_next(&c, e)) > 0) {
		struct polis_participant p = { 0 };
		if (check_width(&c, e) < 0 || get_i64(&c, fixed[0], &p.id, e) < 0 ||
		    get_i64(&c, fixed[2], &p.n_comments, e) < 0 ||
		    get_i64(&c, fixed[3], &p.n_votes, e) < 0 ||
		    get_i64(&c, fixed[4], &p.n_agree, e) < 0 ||
		    get_i64(&c, fixed[5], &p.n_disagree, e) < 0)
			goto out;
		p.group = -1;
		if (c.flen[fixed[1]]) {
			int64_t g;
			if (get_i64(&c, fixed[1], &g, e) < 0)
				goto out;
			if (g < 0 || g > 1000) {
				value_error(&c, e, (size_t)fixed[1], "is not a group number");
				goto out;
			}
			p.group = (int)g;
		}
		p.votes = arena_alloc(&conv->arena, n_columns ? n_columns : 1);
		for (size_t j = 0; j < n_columns; j++) {
			p.votes[j] = OPINION_MISSING;
			if (c.flen[vote_col[j]] && get_vote(&c, vote_col[j], &p.votes[j], e) < 0)
				goto out;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			rows = xrealloc(rows, cap * sizeof(*rows));
		}
		rows[n++] = p;
	}
	if (r < 0)
		goto out;
	free(conv->participants);
	free(conv->columns);
	conv->participants = rows;
	conv->n_participants = n;
	conv->columns = columns;
	conv->n_columns = n_columns;
	conv->has_participants = true;
	rows = NULL;
	columns = NULL;
	rc = 0;
out:
	free(rows);
	free(columns);
	free(vote_col);
	csv_release(&c);
	return rc;
}

void polis_release(struct polis_conversation *c)
{
	if (!c)
		return;
	arena_release(&c->arena);
	free(c->comments);
	free(c->votes);
	free(c->columns);
	free(c->participants);
	*c = (struct polis_conversation)POLIS_CONVERSATION_INIT;
}

/* ---- files ---- */

/* Reads dir/name whole into *out (caller frees).  Returns 1, 0 when the
 * file does not exist and missing_ok, -1 with e set. */
static int read_file(const char *dir, const char *name, bool missing_ok, char **out,
		     size_t *len, struct err *e)
{
	struct strbuf path = STRBUF_INIT;
	FILE *f = NULL;
	char *buf = NULL;
	size_t n = 0, cap = 0;
	int rc = -1;

	strbuf_addf(&path, "%s/%s", dir, name);
	f = fopen(path.buf, "rb");
	if (!f) {
		if (errno == ENOENT && missing_ok)
			rc = 0;
		else if (errno == ENOENT)
			err_set(e, ERR_NOT_FOUND, name, "%s: no such file", path.buf);
		else
			err_set(e, ERR_INTERNAL, name, "%s: %s", path.buf, strerror(errno));
		goto out;
	}
	for (;;) {
		if (cap - n < 65536) {
			cap = cap ? cap * 2 : 1 << 20;
			buf = xrealloc(buf, cap);
		}
		size_t got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (n > POLIS_FILE_MAX) {
			err_set(e, ERR_TOO_LARGE, name, "%s: larger than %d bytes", path.buf,
				POLIS_FILE_MAX);
			goto out;
		}
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		err_set(e, ERR_INTERNAL, name, "%s: read error", path.buf);
		goto out;
	}
	*out = buf;
	*len = n;
	buf = NULL;
	rc = 1;
out:
	if (f)
		fclose(f);
	free(buf);
	strbuf_release(&path);
	return rc;
}

int polis_read_dir(struct polis_conversation *c, const char *dir, struct err *e)
{
	static const char *const names[] = { "comments.csv", "votes.csv",
					     "participants-votes.csv" };
	char *buf = NULL;
	size_t len = 0;
	int rc = -1;

	for (int i = 0; i < 3; i++) {
		int got = read_file(dir, names[i], i == 2, &buf, &len, e);
		if (got < 0)
			goto out;
		if (got == 0)
			continue;
		int ok = i == 0   ? polis_parse_comments(c, buf, len, names[i], e)
			 : i == 1 ? polis_parse_votes(c, buf, len, names[i], e)
				  : polis_parse_participants(c, buf, len, names[i], e);
		free(buf);
		buf = NULL;
		if (ok < 0)
			goto out;
	}
	rc = 0;
out:
	free(buf);
	if (rc < 0)
		polis_release(c);
	return rc;
}

/* Adds s as one CSV field, quoted only when it must be. */
static void add_field(struct strbuf *sb, const char *s)
{
	if (!s[strcspn(s, ",\"\r\n")]) {
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

static int write_file(const char *dir, const char *name, const struct strbuf *sb, struct err *e)
{
	struct strbuf path = STRBUF_INIT;
	FILE *f;
	int rc = -1;

	strbuf_addf(&path, "%s/%s", dir, name);
	f = fopen(path.buf, "wb");
	if (!f) {
		err_set(e, ERR_INTERNAL, name, "%s: %s", path.buf, strerror(errno));
		goto out;
	}
	bool ok = fwrite(sb->buf, 1, sb->len, f) == sb->len;
	if (fclose(f) != 0 || !ok) {
		err_set(e, ERR_INTERNAL, name, "%s: write error", path.buf);
		goto out;
	}
	rc = 0;
out:
	strbuf_release(&path);
	return rc;
}

int polis_write_dir(const struct polis_conversation *c, const char *dir, struct err *e)
{
	struct strbuf sb = STRBUF_INIT;
	int rc = -1;

	strbuf_addstr(&sb, "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,"
			   "comment-body\n");
	for (size_t i = 0; i < c->n_comments; i++) {
		const struct polis_comment *pc = &c->comments[i];
		strbuf_addf(&sb, "%" PRId64 ",", pc->timestamp);
		add_field(&sb, pc->datetime);
		strbuf_addf(&sb, ",%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64 ",%d,", pc->id,
			    pc->author, pc->agrees, pc->disagrees, pc->moderated);
		add_field(&sb, pc->body);
		strbuf_addch(&sb, '\n');
	}
	if (write_file(dir, "comments.csv", &sb, e) < 0)
		goto out;

	strbuf_reset(&sb);
	strbuf_addstr(&sb, "timestamp,datetime,comment-id,voter-id,vote\n");
	for (size_t i = 0; i < c->n_votes; i++) {
		const struct polis_vote *v = &c->votes[i];
		strbuf_addf(&sb, "%" PRId64 ",", v->timestamp);
		add_field(&sb, v->datetime);
		strbuf_addf(&sb, ",%" PRId64 ",%" PRId64 ",%d\n", v->comment, v->voter, v->vote);
	}
	if (write_file(dir, "votes.csv", &sb, e) < 0)
		goto out;

	if (c->has_participants) {
		strbuf_reset(&sb);
		for (int i = 0; i < N_PARTICIPANT_COLS; i++)
			strbuf_addf(&sb, "%s%s", i ? "," : "", participant_cols[i]);
		for (size_t j = 0; j < c->n_columns; j++)
			strbuf_addf(&sb, ",%" PRId64, c->columns[j]);
		strbuf_addch(&sb, '\n');
		for (size_t i = 0; i < c->n_participants; i++) {
			const struct polis_participant *p = &c->participants[i];
			strbuf_addf(&sb, "%" PRId64 ",", p->id);
			if (p->group >= 0)
				strbuf_addf(&sb, "%d", p->group);
			strbuf_addf(&sb, ",%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64,
				    p->n_comments, p->n_votes, p->n_agree, p->n_disagree);
			for (size_t j = 0; j < c->n_columns; j++) {
				strbuf_addch(&sb, ',');
				if (p->votes[j] != OPINION_MISSING)
					strbuf_addf(&sb, "%d", p->votes[j]);
			}
			strbuf_addch(&sb, '\n');
		}
		if (write_file(dir, "participants-votes.csv", &sb, e) < 0)
			goto out;
	}
	rc = 0;
out:
	strbuf_release(&sb);
	return rc;
}

/* ---- to the opinion map ---- */

static bool contains(const int64_t *sorted, size_t n, int64_t id)
{
	const int64_t *p = bsearch(&id, sorted, n, sizeof(*sorted), cmp_id);
	return p != NULL;
}

int polis_matrix(struct opinion_matrix *out, const struct polis_conversation *c,
		 struct err *e)
{
	int64_t *out_ids = xmalloc((c->n_comments ? c->n_comments : 1) * sizeof(*out_ids));
	struct opinion_vote *v = xmalloc((c->n_votes ? c->n_votes : 1) * sizeof(*v));
	size_t n_out = 0, n = 0;
	int rc;

	for (size_t i = 0; i < c->n_comments; i++)
		if (c->comments[i].moderated == POLIS_MODERATED_OUT)
			out_ids[n_out++] = c->comments[i].id;
	qsort(out_ids, n_out, sizeof(*out_ids), cmp_id);
	for (size_t i = 0; i < c->n_votes; i++) {
		if (contains(out_ids, n_out, c->votes[i].comment))
			continue;
		v[n++] = (struct opinion_vote){ c->votes[i].voter, c->votes[i].comment,
						c->votes[i].timestamp, c->votes[i].vote };
	}
	rc = opinion_matrix_build(out, v, n, e);
	free(out_ids);
	free(v);
	return rc;
}

size_t polis_zeroed_statements(const struct polis_conversation *c)
{
	int64_t *voted = xmalloc((c->n_votes ? c->n_votes : 1) * sizeof(*voted));
	size_t n = 0;

	for (size_t i = 0; i < c->n_votes; i++)
		voted[i] = c->votes[i].comment;
	qsort(voted, c->n_votes, sizeof(*voted), cmp_id);
	for (size_t i = 0; i < c->n_comments; i++)
		if (c->comments[i].moderated == POLIS_MODERATED_OUT &&
		    contains(voted, c->n_votes, c->comments[i].id))
			n++;
	free(voted);
	return n;
}

int polis_participants_build(struct polis_conversation *c, const int64_t *ids, const int *group,
			     size_t n, struct err *e)
{
	struct opinion_vote *v = xmalloc((c->n_votes ? c->n_votes : 1) * sizeof(*v));
	struct opinion_matrix m = OPINION_MATRIX_INIT;
	int64_t *columns = NULL, *authors = NULL;
	struct polis_participant *rows = NULL;
	size_t *order = NULL, n_columns = 0;
	bool *first = NULL;
	int rc = -1;

	for (size_t i = 0; i < c->n_votes; i++)
		v[i] = (struct opinion_vote){ c->votes[i].voter, c->votes[i].comment,
					      c->votes[i].timestamp, c->votes[i].vote };
	if (opinion_matrix_build(&m, v, c->n_votes, e) < 0)
		goto out;
	first = xcalloc(m.n_participants ? m.n_participants : 1, sizeof(*first));

	/* the columns: every comment id, and any statement voted on without one */
	columns = xmalloc((c->n_comments + m.n_statements + 1) * sizeof(*columns));
	for (size_t i = 0; i < c->n_comments; i++)
		columns[n_columns++] = c->comments[i].id;
	for (size_t j = 0; j < m.n_statements; j++)
		columns[n_columns++] = m.statement_ids[j];
	qsort(columns, n_columns, sizeof(*columns), cmp_id);
	size_t w = 0;
	for (size_t j = 0; j < n_columns; j++)
		if (!w || columns[w - 1] != columns[j])
			columns[w++] = columns[j];
	n_columns = w;

	authors = xmalloc((c->n_comments ? c->n_comments : 1) * sizeof(*authors));
	for (size_t i = 0; i < c->n_comments; i++)
		authors[i] = c->comments[i].author;
	qsort(authors, c->n_comments, sizeof(*authors), cmp_id);

	/* rows in the order voters first appear in votes.csv, as Pol.is has them */
	order = xmalloc((m.n_participants ? m.n_participants : 1) * sizeof(*order));
	for (size_t i = 0, r = 0; i < c->n_votes; i++) {
		const int64_t *hit = bsearch(&c->votes[i].voter, m.participant_ids,
					     m.n_participants, sizeof(int64_t), cmp_id);
		size_t row = (size_t)(hit - m.participant_ids);
		if (!first[row])
			order[r++] = row;
		first[row] = true;
	}
	rows = xcalloc(m.n_participants ? m.n_participants : 1, sizeof(*rows));
	for (size_t out_row = 0; out_row < m.n_participants; out_row++) {
		size_t i = order[out_row];
		struct polis_participant *p = &rows[out_row];
		int64_t id = m.participant_ids[i];
		const int64_t *hit = ids ? bsearch(&id, ids, n, sizeof(*ids), cmp_id) : NULL;
		p->id = id;
		p->group = hit ? group[hit - ids] : -1;
		const int64_t *a = bsearch(&id, authors, c->n_comments, sizeof(*authors), cmp_id);
		if (a) {
			while (a > authors && a[-1] == id)
				a--;
			while (a < authors + c->n_comments && *a == id) {
				p->n_comments++;
				a++;
			}
		}
		p->votes = arena_alloc(&c->arena, n_columns ? n_columns : 1);
		memset(p->votes, (unsigned char)OPINION_MISSING, n_columns);
		size_t col = 0;
		for (size_t t = m.row_start[i]; t < m.row_start[i + 1]; t++) {
			int64_t sid = m.statement_ids[m.col[t]];
			while (columns[col] != sid)
				col++; /* both ascending, every sid is a column */
			p->votes[col] = m.value[t];
			p->n_votes++;
			p->n_agree += m.value[t] == OPINION_AGREE;
			p->n_disagree += m.value[t] == OPINION_DISAGREE;
		}
	}
	free(c->participants);
	free(c->columns);
	c->participants = rows;
	c->n_participants = m.n_participants;
	c->columns = columns;
	c->n_columns = n_columns;
	c->has_participants = true;
	rows = NULL;
	columns = NULL;
	rc = 0;
out:
	free(v);
	free(rows);
	free(columns);
	free(authors);
	free(order);
	free(first);
	opinion_matrix_release(&m);
	return rc;
}
