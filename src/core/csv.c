/*
 * csv.c - see csv.h.
 *
 * The reader copies each record's fields, one after another and each ended
 * by a NUL, into one strbuf that is reused from record to record; a field's
 * pointer is computed only when the record is complete, since the strbuf may
 * move while it grows.  Runs of ordinary bytes are found with memchr/strpbrk
 * style loops and copied in one piece, so a large file costs little more
 * than a copy.  Line breaks: CR LF, LF and a lone CR each end one line, in a
 * quoted field as between records, so the line numbers agree with what a
 * text editor shows.
 */
#include "core/csv.h"

#include "core/arena.h"
#include "core/utf8.h"

#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>

static const char FIELD[] = "file";
static const char BOM[] = "\xef\xbb\xbf";

/* ---- decoding ---- */

/* The line (from 1) that holds byte off of buf[0..len), and where that line
 * starts.  CR LF, LF and a lone CR each end a line, as in the reader. */
static size_t line_of(const char *buf, size_t len, size_t off, size_t *start)
{
	size_t line = 1;
	*start = 0;
	for (size_t i = 0; i < off; i++) {
		if (buf[i] == '\n' || (buf[i] == '\r' && (i + 1 >= len || buf[i + 1] != '\n'))) {
			line++;
			*start = i + 1;
		}
	}
	return line;
}

/* The first line of buf[0..len) that is not valid UTF-8 (there is one).  CR
 * and LF are never part of a multi-byte character, so the pieces between
 * them can be checked alone. */
static size_t first_bad_utf8_line(const char *buf, size_t len)
{
	size_t start = 0, end = 0, line_start;
	while (start < len) {
		end = start;
		while (end < len && buf[end] != '\n' && buf[end] != '\r')
			end++;
		if (!utf8_valid(buf + start, end - start))
			break;
		start = end + 1;
	}
	return line_of(buf, len, start, &line_start);
}

int csv_decode(struct strbuf *out, enum csv_encoding *enc, const char *buf, size_t len,
	       struct err *e)
{
	const unsigned char *u = (const unsigned char *)buf;
	size_t old = out->len;
	iconv_t cd = (iconv_t)-1;
	char *in;
	size_t inleft;
	int rc = -1;

	if (len >= 2 && ((u[0] == 0xff && u[1] == 0xfe) || (u[0] == 0xfe && u[1] == 0xff))) {
		err_set(e, ERR_INVALID, FIELD,
			"the file is UTF-16 (Unicode text); save it as CSV instead");
		goto out;
	}
	if (utf8_valid(buf, len)) {
		strbuf_add(out, buf, len);
		if (enc)
			*enc = CSV_UTF8;
		rc = 0;
		goto out;
	}
	if (len >= 3 && memcmp(buf, BOM, 3) == 0) {
		err_set(e, ERR_INVALID, FIELD,
			"line %zu is not valid UTF-8, though the file starts with a UTF-8 byte "
			"order mark",
			first_bad_utf8_line(buf, len));
		goto out;
	}

	cd = iconv_open("UTF-8", "GB18030");
	if (cd == (iconv_t)-1) {
		err_set(e, ERR_INTERNAL, NULL, "iconv cannot convert GB18030 on this system");
		goto out;
	}
	in = (char *)buf;
	inleft = len;
	while (inleft > 0) {
		/* GB18030 to UTF-8 at most doubles (one byte stays one; two become
		 * at most three; four stay four); the loop copes if not */
		strbuf_grow(out, inleft * 2 + 16);
		char *o = out->buf + out->len;
		size_t oleft = out->alloc - out->len - 1;
		size_t r = iconv(cd, &in, &inleft, &o, &oleft);
		out->len = (size_t)(o - out->buf);
		out->buf[out->len] = '\0';
		if (r == (size_t)-1 && errno != E2BIG) {
			size_t off = (size_t)(in - buf), line_start;
			size_t line = line_of(buf, len, off, &line_start);
			err_set(e, ERR_INVALID, FIELD,
				"line %zu is neither UTF-8 nor GB18030 (byte 0x%02X, byte %zu "
				"of the line); save the file as CSV UTF-8",
				line, (unsigned)u[off], off - line_start + 1);
			goto out;
		}
	}
	if (enc)
		*enc = CSV_GB18030;
	rc = 0;
out:
	if (cd != (iconv_t)-1)
		iconv_close(cd);
	if (rc < 0 && out->len > old) {
		out->len = old;
		out->buf[old] = '\0';
	}
	return rc;
}

/* ---- reading ---- */

void csv_reader_init(struct csv_reader *r, const char *buf, size_t len)
{
	r->buf = buf;
	r->len = len;
	r->pos = len >= 3 && memcmp(buf, BOM, 3) == 0 ? 3 : 0;
	r->line = 1;
	r->failed = false;
	strbuf_init(&r->text);
	r->fields = NULL;
}

void csv_reader_release(struct csv_reader *r)
{
	strbuf_release(&r->text);
	free(r->fields);
	r->fields = NULL;
}

/* Consumes the line break at r->pos (CR LF, LF or CR). */
static void take_break(struct csv_reader *r)
{
	if (r->buf[r->pos] == '\r' && r->pos + 1 < r->len && r->buf[r->pos + 1] == '\n')
		r->pos++;
	r->pos++;
	r->line++;
}

static bool is_break(char c)
{
	return c == '\n' || c == '\r';
}

/* The length of the run at buf[pos..len) before the first stop byte, CR or
 * LF.  NUL is ordinary data. */
static size_t span(const char *buf, size_t pos, size_t len, char stop)
{
	size_t i = pos;
	while (i < len && buf[i] != stop && !is_break(buf[i]))
		i++;
	return i - pos;
}

static int too_long(size_t line, size_t col, struct err *e)
{
	return err_set(e, ERR_INVALID, FIELD,
		       "line %zu, column %zu: a field is longer than %d bytes", line, col,
		       CSV_FIELD_MAX);
}

/* Reads a quoted field; r->pos is at the opening quote. */
static int quoted(struct csv_reader *r, size_t col, size_t start, struct err *e)
{
	size_t open_line = r->line;
	r->pos++;
	for (;;) {
		size_t n = span(r->buf, r->pos, r->len, '"');
		strbuf_add(&r->text, r->buf + r->pos, n);
		r->pos += n;
		if (r->text.len - start > CSV_FIELD_MAX)
			return too_long(open_line, col, e);
		if (r->pos >= r->len)
			return err_set(e, ERR_INVALID, FIELD,
				       "line %zu, column %zu: a quoted field is never closed",
				       open_line, col);
		char c = r->buf[r->pos];
		if (c == '"') {
			if (r->pos + 1 < r->len && r->buf[r->pos + 1] == '"') {
				strbuf_addch(&r->text, '"');
				r->pos += 2;
				continue;
			}
			r->pos++;
			break;
		}
		/* a line break inside the field: keep it as it is written */
		size_t at = r->pos;
		take_break(r);
		strbuf_add(&r->text, r->buf + at, r->pos - at);
	}
	if (r->pos < r->len && r->buf[r->pos] != ',' && !is_break(r->buf[r->pos])) {
		return err_set(e, ERR_INVALID, FIELD,
			       "line %zu, column %zu: after a closing quote comes a comma or the "
			       "end of the line",
			       r->line, col);
	}
	if (r->text.len - start > CSV_FIELD_MAX)
		return too_long(open_line, col, e);
	return 0;
}

int csv_next(struct csv_reader *r, struct csv_record *out, struct err *e)
{
	size_t count = 0, line;
	int rc = -1;

	if (r->failed) {
		err_set(e, ERR_INVALID, FIELD, "the file could not be read past line %zu", r->line);
		return -1;
	}
	while (r->pos < r->len && is_break(r->buf[r->pos]))
		take_break(r); /* empty lines */
	if (r->pos >= r->len)
		return 0;
	if (!r->fields)
		r->fields = xmalloc(CSV_COLUMNS_MAX * sizeof(*r->fields));
	strbuf_reset(&r->text);
	line = r->line;

	for (;;) {
		size_t start = r->text.len, col = count + 1;
		if (count == CSV_COLUMNS_MAX) {
			err_set(e, ERR_INVALID, FIELD, "line %zu has more than %d columns", line,
				CSV_COLUMNS_MAX);
			goto out;
		}
		if (r->pos < r->len && r->buf[r->pos] == '"') {
			if (quoted(r, col, start, e) < 0)
				goto out;
		} else {
			size_t n = span(r->buf, r->pos, r->len, ',');
			if (n > CSV_FIELD_MAX) {
				too_long(r->line, col, e);
				goto out;
			}
			strbuf_add(&r->text, r->buf + r->pos, n);
			r->pos += n;
		}
		r->fields[count].len = r->text.len - start;
		strbuf_addch(&r->text, '\0');
		count++;
		if (r->pos >= r->len)
			break;
		if (r->buf[r->pos] != ',') {
			take_break(r);
			break;
		}
		r->pos++;
	}

	/* the fields lie one after another, each followed by its NUL */
	for (size_t i = 0, off = 0; i < count; i++) {
		r->fields[i].ptr = r->text.buf + off;
		off += r->fields[i].len + 1;
	}
	out->line = line;
	out->count = count;
	out->fields = r->fields;
	rc = 1;
out:
	if (rc < 0)
		r->failed = true;
	return rc;
}

/* ---- writing ---- */

void csv_writer_init(struct csv_writer *w, struct strbuf *out, unsigned flags)
{
	w->out = out;
	w->flags = flags;
	w->col = 0;
	if (flags & CSV_WRITE_BOM)
		strbuf_add(out, BOM, 3);
	w->rec_start = out->len;
}

/* What a spreadsheet may take for the start of a formula (OWASP: CSV
 * injection). */
static bool starts_formula(char c)
{
	return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

static bool needs_quotes(const char *s, size_t len)
{
	if (len >= 3 && memcmp(s, BOM, 3) == 0)
		return true;
	for (size_t i = 0; i < len; i++)
		if (s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n')
			return true;
	return false;
}

void csv_write_field(struct csv_writer *w, const char *s, size_t len)
{
	bool guard = (w->flags & CSV_WRITE_GUARD) && len > 0 && starts_formula(s[0]);

	if (w->col > 0)
		strbuf_addch(w->out, ',');
	w->col++;
	if (!guard && !needs_quotes(s, len)) {
		strbuf_add(w->out, s, len);
		return;
	}
	strbuf_addch(w->out, '"');
	if (guard)
		strbuf_addch(w->out, '\'');
	for (;;) {
		const char *q = memchr(s, '"', len);
		size_t n = q ? (size_t)(q - s) + 1 : len;
		strbuf_add(w->out, s, n);
		if (!q)
			break;
		strbuf_addch(w->out, '"'); /* the quote doubled */
		s += n;
		len -= n;
	}
	strbuf_addch(w->out, '"');
}

void csv_write_str(struct csv_writer *w, const char *s)
{
	csv_write_field(w, s, strlen(s));
}

void csv_write_end(struct csv_writer *w)
{
	if (w->col == 1 && w->out->len == w->rec_start)
		strbuf_add(w->out, "\"\"", 2);
	strbuf_add(w->out, "\r\n", 2);
	w->col = 0;
	w->rec_start = w->out->len;
}
