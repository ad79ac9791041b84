/*
 * copy.c - store_copy(): every row of one linli database into another, for
 * `linli migrate-data` (SQLite to PostgreSQL; any pair of backends works).
 *
 * Both databases must be at the same schema (the same applied migration
 * versions), so the target's tables are the source's.  The tables are
 * found in the source's catalog and copied in creation order, which is the
 * order of the migrations, so a table comes after the tables its foreign
 * keys point at; rows go in id order when the table has an id, so a row
 * referring to an earlier row of its own table finds it.  Each column is
 * copied by name with the kind of value it holds (integer, text, blob,
 * NULL; floating point, which linli never stores, as text).
 *
 * All or nothing: the target is written in one transaction, and the source
 * is read in one read transaction (one snapshot).  Before committing, each
 * table is read back on both sides and compared by row count and by a
 * checksum; any difference rolls everything back.  The checksum of a table
 * is order-independent: each row's canonical form (kind and value of each
 * column) is hashed with BLAKE2b-256 and the hashes are added as four
 * 64-bit lanes.  So collation differences in ordering cannot cause false
 * alarms, and with --merge the rows added to a non-empty target are checked
 * exactly: target after = target before + source, lane by lane.
 */
#include "store/backend.h"

#include "core/arena.h"
#include "core/log.h"
#include "core/strbuf.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sum {
	int64_t rows;
	uint64_t lane[4];
};

struct table {
	char *name;
	char **cols;
	size_t ncols;
	bool has_id;
	struct sum before; /* of the target, before copying */
};

static void free_list(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* Runs a static catalog query (bound with arg unless NULL) and collects
 * its first column into a heap list. */
static int list(struct store *s, const char *sql, const char *arg, char ***out, size_t *n,
		struct err *e)
{
	struct stmt *st = store_prepare(s, sql, e);
	int rc;

	*out = NULL;
	*n = 0;
	if (!st)
		return -1;
	if (arg)
		stmt_bind_text(st, 1, arg, SIZE_MAX);
	while ((rc = stmt_step(st, e)) == STORE_ROW) {
		*out = xrealloc(*out, (*n + 1) * sizeof(**out));
		(*out)[(*n)++] = xstrdup(stmt_text(st, 0));
	}
	stmt_done(st);
	return rc < 0 ? -1 : 0;
}

static bool has_name(char **v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i], name))
			return true;
	return false;
}

/* The column list `"a", "b", ...` of t. */
static void add_columns(struct strbuf *sb, const struct table *t)
{
	for (size_t i = 0; i < t->ncols; i++) {
		if (i)
			strbuf_addstr(sb, ", ");
		store_quote_ident(sb, t->cols[i]);
	}
}

static void select_sql(struct strbuf *sb, const struct table *t)
{
	strbuf_addstr(sb, "SELECT ");
	add_columns(sb, t);
	strbuf_addstr(sb, " FROM ");
	store_quote_ident(sb, t->name);
	if (t->has_id)
		strbuf_addstr(sb, " ORDER BY \"id\"");
}

/* Adds the canonical form of the current row to the sum. */
static void sum_row(struct sum *sum, struct stmt *st, size_t ncols)
{
	crypto_generichash_state h;
	unsigned char digest[32];
	char head[64];

	crypto_generichash_init(&h, NULL, 0, sizeof(digest));
	for (int c = 0; c < (int)ncols; c++) {
		enum store_type t = stmt_type(st, c);
		size_t len = 0;
		const void *body = NULL;
		switch (t) {
		case STORE_T_NULL:
			snprintf(head, sizeof(head), "N;");
			break;
		case STORE_T_INT:
			snprintf(head, sizeof(head), "I%" PRId64 ";", stmt_int(st, c));
			break;
		case STORE_T_FLOAT: /* the precision SQLite's text keeps */
			snprintf(head, sizeof(head), "F%.15g;", strtod(stmt_text(st, c), NULL));
			break;
		case STORE_T_TEXT:
		case STORE_T_BLOB:
			len = stmt_len(st, c);
			body = t == STORE_T_TEXT ? (const void *)stmt_text(st, c)
						 : stmt_blob(st, c);
			snprintf(head, sizeof(head), "%c%zu:", t == STORE_T_TEXT ? 'T' : 'B', len);
			break;
		}
		crypto_generichash_update(&h, (const unsigned char *)head, strlen(head));
		if (len)
			crypto_generichash_update(&h, body, len);
	}
	crypto_generichash_final(&h, digest, sizeof(digest));
	for (int i = 0; i < 4; i++) {
		uint64_t v = 0;
		for (int b = 7; b >= 0; b--)
			v = v << 8 | digest[i * 8 + b];
		sum->lane[i] += v;
	}
	sum->rows++;
}

/* Reads every row of t in s into *out. */
static int table_sum(struct store *s, const struct table *t, struct sum *out, struct err *e)
{
	struct strbuf sql = STRBUF_INIT;
	struct stmt *st;
	int rc;

	memset(out, 0, sizeof(*out));
	select_sql(&sql, t);
	st = store_prepare_uncached(s, sql.buf, e);
	strbuf_release(&sql);
	if (!st)
		return -1;
	while ((rc = stmt_step(st, e)) == STORE_ROW)
		sum_row(out, st, t->ncols);
	stmt_finalize(st);
	return rc < 0 ? -1 : 0;
}

/* The printable checksum: 16 hex digits of BLAKE2b over the sum. */
static void sum_hex(char out[17], const struct sum *s)
{
	unsigned char digest[8];
	crypto_generichash(digest, sizeof(digest), (const unsigned char *)s, sizeof(*s), NULL, 0);
	sodium_bin2hex(out, 17, digest, sizeof(digest));
}

static bool sum_equal(const struct sum *a, const struct sum *b)
{
	return a->rows == b->rows && !memcmp(a->lane, b->lane, sizeof(a->lane));
}

/* after - before, lane by lane: what the copy added. */
static struct sum sum_diff(const struct sum *after, const struct sum *before)
{
	struct sum d = { after->rows - before->rows, { 0 } };
	for (int i = 0; i < 4; i++)
		d.lane[i] = after->lane[i] - before->lane[i];
	return d;
}

/* Copies every row of t from one store to the other. */
static int copy_rows(struct store *from, struct store *to, const struct table *t, struct err *e)
{
	struct strbuf sql = STRBUF_INIT;
	struct stmt *src = NULL, *dst = NULL;
	int rc = -1, step;

	select_sql(&sql, t);
	if (!(src = store_prepare_uncached(from, sql.buf, e)))
		goto out;
	strbuf_reset(&sql);
	strbuf_addstr(&sql, "INSERT INTO ");
	store_quote_ident(&sql, t->name);
	strbuf_addstr(&sql, " (");
	add_columns(&sql, t);
	strbuf_addstr(&sql, ") VALUES (");
	for (size_t i = 0; i < t->ncols; i++)
		strbuf_addstr(&sql, i ? ", ?" : "?");
	strbuf_addch(&sql, ')');
	if (!(dst = store_prepare_uncached(to, sql.buf, e)))
		goto out;
	while ((step = stmt_step(src, e)) == STORE_ROW) {
		for (int c = 0; c < (int)t->ncols; c++) {
			switch (stmt_type(src, c)) {
			case STORE_T_NULL:
				stmt_bind_null(dst, c + 1);
				break;
			case STORE_T_INT:
				stmt_bind_int(dst, c + 1, stmt_int(src, c));
				break;
			case STORE_T_FLOAT:
			case STORE_T_TEXT:
				stmt_bind_text(dst, c + 1, stmt_text(src, c), stmt_len(src, c));
				break;
			case STORE_T_BLOB:
				stmt_bind_blob(dst, c + 1, stmt_blob(src, c), stmt_len(src, c));
				break;
			}
		}
		if (stmt_exec(dst, e) < 0)
			goto out;
	}
	if (step < 0)
		goto out;
	rc = 0;
out:
	stmt_finalize(src);
	stmt_finalize(dst);
	strbuf_release(&sql);
	return rc;
}

/* Fails unless both databases have applied the same migrations. */
static int same_schema(struct store *from, struct store *to, struct err *e)
{
	int *a = NULL, *b = NULL, rc = 0;
	size_t na = 0, nb = 0;

	if (store_applied_versions(from, &a, &na, e) < 0 ||
	    store_applied_versions(to, &b, &nb, e) < 0)
		rc = -1;
	else if (na != nb || (na && memcmp(a, b, na * sizeof(*a))))
		rc = err_set(e, ERR_INVALID, "to",
			     "the databases are at different schema versions (%d and %d);"
			     " migrate both with this linli first",
			     na ? a[na - 1] : 0, nb ? b[nb - 1] : 0);
	else if (!na)
		rc = err_set(e, ERR_INVALID, "from", "the source is not a linli database");
	free(a);
	free(b);
	return rc;
}

/* Reads the tables of the source and checks them against the target. */
static int plan(struct store *from, struct store *to, bool merge, struct table **out,
		size_t *n, struct err *e)
{
	char **names = NULL, **tcols = NULL;
	size_t nnames = 0, ntcols = 0;

	*out = NULL;
	*n = 0;
	if (list(from, from->ops->sql_tables, NULL, &names, &nnames, e) < 0)
		goto fail;
	*out = xcalloc(nnames ? nnames : 1, sizeof(**out));
	for (size_t i = 0; i < nnames; i++) {
		struct table *t = &(*out)[(*n)++];
		t->name = names[i];
		names[i] = NULL;
		if (list(from, from->ops->sql_columns, t->name, &t->cols, &t->ncols, e) < 0 ||
		    list(to, to->ops->sql_columns, t->name, &tcols, &ntcols, e) < 0)
			goto fail;
		bool same = ntcols == t->ncols && t->ncols > 0;
		for (size_t c = 0; c < t->ncols && same; c++)
			same = has_name(tcols, ntcols, t->cols[c]);
		free_list(tcols, ntcols);
		tcols = NULL;
		if (!same) {
			err_set(e, ERR_INVALID, "to", "table %s is not the same in both databases",
				t->name);
			goto fail;
		}
		t->has_id = has_name(t->cols, t->ncols, "id");
		if (table_sum(to, t, &t->before, e) < 0)
			goto fail;
		if (t->before.rows && !merge) {
			err_set(e, ERR_CONFLICT, "to",
				"the target already holds data (%s: %" PRId64
				" rows); use --merge to add to it",
				t->name, t->before.rows);
			goto fail;
		}
	}
	free_list(names, nnames);
	return 0;
fail:
	free_list(names, nnames);
	return -1;
}

int store_copy(struct store *from, struct store *to, bool merge, FILE *progress, struct err *e)
{
	struct table *tables = NULL;
	size_t n = 0;
	int rc = -1;

	if (same_schema(from, to, e) < 0)
		return -1;
	if (store_read_begin(from, e) < 0)
		return -1;
	if (store_begin(to, e) < 0)
		goto out;
	if (plan(from, to, merge, &tables, &n, e) < 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		struct err inner = ERR_INIT;
		if (copy_rows(from, to, &tables[i], &inner) < 0 ||
		    (to->ops->reset_ids && to->ops->reset_ids(to, tables[i].name, &inner) < 0)) {
			err_set(e, inner.code, inner.field[0] ? inner.field : NULL,
				"copying %s: %s", tables[i].name, inner.message);
			goto out;
		}
	}
	for (size_t i = 0; i < n; i++) {
		struct sum src, dst, added;
		char hex[17], got[17];
		if (table_sum(from, &tables[i], &src, e) < 0 ||
		    table_sum(to, &tables[i], &dst, e) < 0)
			goto out;
		added = sum_diff(&dst, &tables[i].before);
		sum_hex(hex, &src);
		if (!sum_equal(&src, &added)) {
			sum_hex(got, &added);
			if (progress)
				fprintf(progress,
					"%s %" PRId64 " %s MISMATCH: copied %" PRId64 " %s\n",
					tables[i].name, src.rows, hex, added.rows, got);
			err_set(e, ERR_INTERNAL, NULL,
				"table %s differs after copying; nothing was copied",
				tables[i].name);
			goto out;
		}
		if (progress)
			fprintf(progress, "%s %" PRId64 " %s ok\n", tables[i].name, src.rows, hex);
	}
	if (store_commit(to, e) < 0)
		goto out;
	rc = 0;
out:
	if (rc < 0 && store_in_tx(to))
		store_rollback(to);
	store_read_end(from);
	for (size_t i = 0; i < n; i++) {
		free(tables[i].name);
		free_list(tables[i].cols, tables[i].ncols);
	}
	free(tables);
	return rc;
}
