/*
 * fuzz_csv.c - libFuzzer driver for csv_decode() and the CSV reader and
 * writer (src/core/csv.c): the path every uploaded register takes.
 *
 * The input is copied into a buffer of exactly its size, then:
 *   - decoded: a refusal is ERR_INVALID, field "file", with a non-empty
 *     UTF-8 message, and leaves the output as it was; a success is valid
 *     UTF-8, and when the input was UTF-8 already it is the input, byte for
 *     byte;
 *   - read (the raw bytes, so that the reader sees everything, and then the
 *     decoded text): every record has 1..CSV_COLUMNS_MAX fields of at most
 *     CSV_FIELD_MAX bytes, each NUL-terminated; line numbers never go down
 *     and never pass the number of lines; a refusal is ERR_INVALID, field
 *     "file", UTF-8, and every later call is refused too;
 *   - written back, record by record, and read again: the same fields.
 */
#include "core/csv.h"
#include "core/utf8.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_refusal(const struct err *e)
{
	if (e->code != ERR_INVALID || !e->message[0] || strcmp(e->field, "file") != 0)
		abort();
	if (!utf8_valid(e->message, strlen(e->message)))
		abort();
}

/* Writes rec and reads it back: one record, the same fields. */
static void round_trip(const struct csv_record *rec)
{
	struct strbuf sb = STRBUF_INIT;
	struct csv_writer w;
	struct csv_reader r;
	struct csv_record back;
	struct err e = ERR_INIT;

	csv_writer_init(&w, &sb, (rec->line & 1) ? CSV_WRITE_BOM : 0);
	for (size_t i = 0; i < rec->count; i++)
		csv_write_field(&w, rec->fields[i].ptr, rec->fields[i].len);
	csv_write_end(&w);

	csv_reader_init(&r, sb.buf, sb.len);
	if (csv_next(&r, &back, &e) != 1 || back.line != 1 || back.count != rec->count)
		abort();
	for (size_t i = 0; i < rec->count; i++)
		if (back.fields[i].len != rec->fields[i].len ||
		    memcmp(back.fields[i].ptr, rec->fields[i].ptr, rec->fields[i].len) != 0)
			abort();
	if (csv_next(&r, &back, &e) != 0)
		abort();
	csv_reader_release(&r);
	strbuf_release(&sb);
}

static void read_all(const char *buf, size_t len)
{
	struct csv_reader r;
	struct csv_record rec;
	struct err e = ERR_INIT;
	size_t lines = 1, last = 0;
	int rc;

	for (size_t i = 0; i < len; i++)
		if (buf[i] == '\n' || buf[i] == '\r')
			lines++;
	csv_reader_init(&r, buf, len);
	while ((rc = csv_next(&r, &rec, &e)) == 1) {
		if (rec.line < 1 || rec.line <= last || rec.line > lines)
			abort();
		last = rec.line;
		if (rec.count < 1 || rec.count > CSV_COLUMNS_MAX)
			abort();
		for (size_t i = 0; i < rec.count; i++) {
			const struct csv_field *f = &rec.fields[i];
			if (f->len > CSV_FIELD_MAX || f->ptr[f->len] != '\0')
				abort();
		}
		round_trip(&rec);
	}
	if (rc < 0) {
		check_refusal(&e);
		err_clear(&e);
		if (csv_next(&r, &rec, &e) != -1)
			abort();
		check_refusal(&e);
	} else if (rc != 0 || err_is_set(&e)) {
		abort();
	}
	csv_reader_release(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strbuf sb = STRBUF_INIT;
	struct err e = ERR_INIT;
	enum csv_encoding enc;

	char *buf = malloc(size ? size : 1);
	if (!buf)
		abort();
	memcpy(buf, data, size);

	read_all(buf, size);

	strbuf_addstr(&sb, "x");
	if (csv_decode(&sb, &enc, buf, size, &e) < 0) {
		check_refusal(&e);
		if (sb.len != 1 || strcmp(sb.buf, "x") != 0)
			abort();
	} else {
		if (err_is_set(&e) || !utf8_valid(sb.buf + 1, sb.len - 1))
			abort();
		if (utf8_valid(buf, size) != (enc == CSV_UTF8))
			abort();
		if (enc == CSV_UTF8 && (sb.len - 1 != size || memcmp(sb.buf + 1, buf, size) != 0))
			abort();
		read_all(sb.buf + 1, sb.len - 1);
	}
	strbuf_release(&sb);
	free(buf);
	return 0;
}
