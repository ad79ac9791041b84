/*
 * test_store.c - the storage interface (src/store/) on both backends.
 *
 * Every test that is not about one backend runs twice: on SQLite always,
 * and on PostgreSQL when LINLI_TEST_PG holds a postgres:// URL of a
 * scratch database (each test drops and recreates its `public` schema, so
 * never point it at data you keep); otherwise the PostgreSQL part is
 * skipped, and says so.  On SQLite each test opens a fresh database file in
 * one scratch directory (removed at the end).
 *
 * Covered: opening (and refusing bad options), migrations (each version
 * applied once, a second run a no-op, a failing step rolled back without
 * leaving a table, versions checked one by one), the statement cache
 * (keyed by the SQL text's address; hands out a reset statement without
 * bindings), placeholders (a `?` in a string, identifier or comment is not
 * one), error mapping (unique, not null, foreign key and check violations
 * -> ERR_CONFLICT), bindings and columns, aggregates, write and read
 * transactions, store_copy() (counts, checksums, ids continuing, refusal
 * of a non-empty target, all or nothing); SQLite's backup / restore with
 * their refusals; PostgreSQL's reconnection after its backend is
 * terminated (a statement in flight fails as unavailable and the next
 * succeeds; an idle connection is replaced before it fails anything; never
 * silently inside a transaction) and its stricter transactions.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "store/store.h"

#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <inttypes.h>
#include <pthread.h>

enum backend { SQLITE, PG };

static struct {
	char *dir;
	struct store *db;
	int seq;
	char path[4096]; /* the SQLite file, or the PostgreSQL URL */
	enum backend be;
	const char *pg_url; /* LINLI_TEST_PG */
} fx;

static int group_setup(void **state)
{
	(void)state;
	fx.dir = tmpdir_make();
	return fx.dir ? 0 : -1;
}

static int group_teardown(void **state)
{
	(void)state;
	tmpdir_remove(fx.dir);
	fx.dir = NULL;
	return 0;
}

/* Opens a new, empty database for the test: a new SQLite file, or the
 * PostgreSQL database with an empty public schema. */
static int db_setup(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	char name[32];
	if (fx.be == PG) {
		snprintf(fx.path, sizeof(fx.path), "%s", fx.pg_url);
	} else {
		snprintf(name, sizeof(name), "db%d.sqlite", ++fx.seq);
		tmpdir_path(fx.path, sizeof(fx.path), fx.dir, name);
	}
	if (store_open(&fx.db, fx.path, NULL, &e) < 0) {
		fprintf(stderr, "store_open: %s\n", e.message);
		return -1;
	}
	if (fx.be == PG &&
	    store_exec(fx.db, "DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public", &e) <
		    0) {
		fprintf(stderr, "resetting the schema: %s\n", e.message);
		return -1;
	}
	return 0;
}

static int db_teardown(void **state)
{
	(void)state;
	store_close(fx.db);
	fx.db = NULL;
	return 0;
}

/* ---- SQL, static as store_prepare() requires ---- */

/* PostgreSQL cannot guess the type of a bare `SELECT ?`; a CAST names it
 * (and SQLite accepts the same text). */
static const char sql_select_param[] = "SELECT CAST(? AS BIGINT)";
static const char sql_select_param_twin[] = "SELECT CAST(? AS BIGINT)";
static const char sql_select_one[] = "SELECT 1";
static const char sql_bad[] = "SELEC nonsense FROM";
static const char sql_t1_insert[] = "INSERT INTO t1 (v) VALUES (?) RETURNING id";
static const char sql_t1_count[] = "SELECT COUNT(*) FROM t1";
static const char sql_table_exists_sqlite[] =
	"SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?";
static const char sql_table_exists_pg[] =
	"SELECT COUNT(*) FROM information_schema.tables"
	" WHERE table_schema = current_schema() AND table_name = ?";
static const char sql_kv_insert[] = "INSERT INTO kv (k, v) VALUES (?, ?)";
static const char sql_kv_insert_t[] = "INSERT INTO kv (k, t) VALUES (?, ?)";
static const char sql_kv_insert_b[] = "INSERT INTO kv (k, b) VALUES (?, ?)";
static const char sql_kv_get[] = "SELECT v, t, b FROM kv WHERE k = ?";
static const char sql_kv_update[] = "UPDATE kv SET v = 0";
static const char sql_kv_count[] = "SELECT COUNT(*) FROM kv";
static const char sql_kv_sum[] =
	"SELECT SUM(v), COUNT(*), MAX(v), COALESCE(SUM(v), 0) + 1, COUNT(*) > 0, AVG(v) FROM kv"
	" WHERE k LIKE ?";
static const char sql_quoted[] =
	"SELECT '?' || CAST(? AS TEXT), 'it''s ?', \"q?\" /* ? */ FROM (SELECT 7 AS \"q?\") AS x"
	" -- is this ?\n WHERE CAST(? AS BIGINT) = 2";

static const struct migration base[] = {
	{ 1, "t1", "CREATE TABLE t1 (id @id, v TEXT NOT NULL UNIQUE)" },
	{ 2, "t2 and index", "CREATE TABLE t2 (x INTEGER); CREATE INDEX t2_x ON t2 (x)" },
};

static const char *sql_table_exists(void)
{
	return fx.be == PG ? sql_table_exists_pg : sql_table_exists_sqlite;
}

static int64_t count_in(struct store *db, const char *sql)
{
	struct err e = ERR_INIT;
	struct stmt *st = store_prepare(db, sql, &e);
	assert_non_null(st);
	assert_int_equal(stmt_step(st, &e), STORE_ROW);
	int64_t n = stmt_int(st, 0);
	stmt_done(st);
	return n;
}

static int64_t count(const char *sql)
{
	return count_in(fx.db, sql);
}

static bool table_exists(struct store *db, const char *name)
{
	struct err e = ERR_INIT;
	struct stmt *st = store_prepare(db, sql_table_exists(), &e);
	assert_non_null(st);
	stmt_bind_text(st, 1, name, SIZE_MAX);
	assert_int_equal(stmt_step(st, &e), STORE_ROW);
	bool yes = stmt_int(st, 0) > 0;
	stmt_done(st);
	return yes;
}

static int64_t t1_insert(struct store *db, const char *v, struct err *e)
{
	struct stmt *st = store_prepare(db, sql_t1_insert, e);
	if (!st)
		return -1; /* e filled: a lost connection fails here too */
	stmt_bind_text(st, 1, v, SIZE_MAX);
	int rc = stmt_step(st, e);
	int64_t id = rc == STORE_ROW ? stmt_int(st, 0) : -1;
	stmt_done(st);
	return id;
}

/* kv holds an integer v, a text t and a blob b per key k. */
static void make_kv(void)
{
	struct err e = ERR_INIT;
	assert_int_equal(store_exec(fx.db,
				    fx.be == PG ? "CREATE TABLE kv (k TEXT PRIMARY KEY, v BIGINT,"
						  " t TEXT, b BYTEA)"
						: "CREATE TABLE kv (k TEXT PRIMARY KEY, v BIGINT,"
						  " t TEXT, b BLOB)",
				    &e),
			 0);
}

/* ---- opening ---- */

static void test_open_fresh(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	assert_int_equal(store_ping(fx.db, &e), 0);
	assert_int_equal(store_version(fx.db, &e), 0);
	assert_int_equal(e.code, ERR_NONE);
	assert_false(store_in_tx(fx.db));
}

static void test_open_refusals(void **state)
{
	(void)state;
	struct store *s = (struct store *)&fx; /* must be reset to NULL */
	struct err e = ERR_INIT;
	char p[4200];

	struct store_options bad = { .synchronous = "sometimes" };
	tmpdir_path(p, sizeof(p), fx.dir, "sync.sqlite");
	assert_int_equal(store_open(&s, p, &bad, &e), -1);
	assert_null(s);
	assert_int_equal(e.code, ERR_INVALID);
	assert_string_equal(e.field, "synchronous");

	/* the same check for a PostgreSQL URL, before connecting */
	err_clear(&e);
	s = (struct store *)&fx;
	assert_int_equal(store_open(&s, "postgres://linli@127.0.0.1:1/linli", &bad, &e), -1);
	assert_null(s);
	assert_int_equal(e.code, ERR_INVALID);

	/* a PostgreSQL server that is not there */
	err_clear(&e);
	s = (struct store *)&fx;
	assert_int_equal(store_open(&s, "postgres://linli@127.0.0.1:1/linli", NULL, &e), -1);
	assert_null(s);
	assert_int_equal(e.code, ERR_UNAVAILABLE);
	err_clear(&e);
	assert_int_equal(store_open(&s, "postgresql://linli@127.0.0.1:1/linli", NULL, &e), -1);
	assert_int_equal(e.code, ERR_UNAVAILABLE);

	err_clear(&e);
	tmpdir_path(p, sizeof(p), fx.dir, "no/such/dir/x.sqlite");
	assert_int_equal(store_open(&s, p, NULL, &e), -1);
	assert_null(s);
	assert_int_equal(e.code, ERR_UNAVAILABLE);

	/* "normal" and "off" are accepted */
	struct store_options normal = { .synchronous = "normal" };
	err_clear(&e);
	tmpdir_path(p, sizeof(p), fx.dir, "normal.sqlite");
	assert_int_equal(store_open(&s, p, &normal, &e), 0);
	assert_int_equal(store_ping(s, &e), 0);
	store_close(s);
	store_close(NULL);
}

/* ---- migrations ---- */

static void test_migrate_once(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	int applied = -1;
	assert_int_equal(store_migrate(fx.db, base, 2, &applied, &e), 0);
	assert_int_equal(applied, 2);
	assert_int_equal(store_version(fx.db, &e), 2);
	assert_true(table_exists(fx.db, "t1"));
	assert_true(table_exists(fx.db, "t2"));
	assert_true(table_exists(fx.db, "schema_migrations"));

	/* again: nothing to do, and the tables are not recreated */
	assert_int_equal(t1_insert(fx.db, "kept", &e), 1);
	applied = -1;
	assert_int_equal(store_migrate(fx.db, base, 2, &applied, &e), 0);
	assert_int_equal(applied, 0);
	assert_int_equal(count(sql_t1_count), 1);
	assert_int_equal(e.code, ERR_NONE);

	/* @id is an auto-increment key */
	assert_int_equal(t1_insert(fx.db, "second", &e), 2);

	/* applied may be NULL */
	assert_int_equal(store_migrate(fx.db, base, 2, NULL, &e), 0);
}

static void test_migrate_new_step_only(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	int applied = 0;
	assert_int_equal(store_migrate(fx.db, base, 1, &applied, &e), 0);
	assert_int_equal(applied, 1);
	assert_false(table_exists(fx.db, "t2"));
	assert_int_equal(store_migrate(fx.db, base, 2, &applied, &e), 0);
	assert_int_equal(applied, 1);
	assert_true(table_exists(fx.db, "t2"));
	assert_int_equal(store_version(fx.db, &e), 2);
}

static void test_migrate_versions_checked_one_by_one(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	int applied = 0;
	const struct migration first[] = {
		base[0],
		{ 200, "module b", "CREATE TABLE b200 (x INTEGER)" },
	};
	const struct migration later[] = {
		base[0],
		{ 100, "module a, added later", "CREATE TABLE a100 (x INTEGER)" },
		{ 200, "module b", "CREATE TABLE b200 (x INTEGER)" },
	};
	assert_int_equal(store_migrate(fx.db, first, 2, &applied, &e), 0);
	assert_int_equal(applied, 2);
	/* 100 is older than the newest applied (200) and still runs */
	assert_int_equal(store_migrate(fx.db, later, 3, &applied, &e), 0);
	assert_int_equal(applied, 1);
	assert_true(table_exists(fx.db, "a100"));
	assert_int_equal(store_version(fx.db, &e), 200);
}

static void test_migrate_failure_rolls_back(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	const struct migration steps[] = {
		{ 10, "good", "CREATE TABLE good (x INTEGER)" },
		{ 11, "half good",
		  "CREATE TABLE half (x INTEGER); CREATE TABL broken (y INTEGER)" },
		{ 12, "never reached", "CREATE TABLE never (x INTEGER)" },
	};
	assert_int_equal(store_migrate(fx.db, steps, 3, NULL, &e), -1);
	assert_true(err_is_set(&e));
	assert_true(e.message[0] != '\0');
	assert_false(store_in_tx(fx.db));
	assert_true(table_exists(fx.db, "good"));
	assert_false(table_exists(fx.db, "half")); /* the step's first statement undone */
	assert_false(table_exists(fx.db, "never"));
	err_clear(&e);
	assert_int_equal(store_version(fx.db, &e), 10);

	/* fixed, it applies */
	const struct migration fixed[] = {
		steps[0],
		{ 11, "half good",
		  "CREATE TABLE half (x INTEGER); CREATE TABLE broken (y INTEGER)" },
	};
	int applied = 0;
	assert_int_equal(store_migrate(fx.db, fixed, 2, &applied, &e), 0);
	assert_int_equal(applied, 1);
	assert_true(table_exists(fx.db, "half"));
	assert_true(table_exists(fx.db, "broken"));
}

/* Two connections that both found version 1 missing: the second, holding
 * the same list, must not apply it again (it is checked inside the
 * migration's transaction). */
static void test_migrate_concurrent_list(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	struct store *other = NULL;
	int applied = -1;
	assert_int_equal(store_open(&other, fx.path, NULL, &e), 0);
	assert_int_equal(store_version(other, &e), 0);
	assert_int_equal(store_migrate(fx.db, base, 2, &applied, &e), 0);
	assert_int_equal(applied, 2);
	assert_int_equal(store_migrate(other, base, 2, &applied, &e), 0);
	assert_int_equal(applied, 0);
	assert_int_equal(e.code, ERR_NONE);
	store_close(other);
}

/* ---- the statement cache ---- */

static void test_cache_same_pointer_same_stmt(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	struct stmt *a = store_prepare(fx.db, sql_select_one, &e);
	assert_non_null(a);
	stmt_done(a);
	struct stmt *b = store_prepare(fx.db, sql_select_one, &e);
	assert_ptr_equal(a, b);
	stmt_done(b);
	/* equal text at another address is another statement */
	struct stmt *p = store_prepare(fx.db, sql_select_param, &e);
	struct stmt *q = store_prepare(fx.db, sql_select_param_twin, &e);
	assert_non_null(p);
	assert_non_null(q);
	assert_ptr_not_equal(p, q);
	assert_ptr_not_equal(p, a);
	stmt_done(p);
	stmt_done(q);
	assert_ptr_equal(store_prepare(fx.db, sql_select_param, &e), p);
	stmt_done(p);
	stmt_done(NULL); /* allowed */
}

static void test_cache_bad_sql(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	assert_null(store_prepare(fx.db, sql_bad, &e));
	assert_int_equal(e.code, ERR_INTERNAL);
	/* a failed prepare does not poison the slot for good statements */
	err_clear(&e);
	assert_non_null(store_prepare(fx.db, sql_select_one, &e));
	assert_null(store_prepare(fx.db, sql_bad, &e));
}

static void test_cache_statement_reused_after_done(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	for (int64_t i = 0; i < 5; i++) {
		struct stmt *st = store_prepare(fx.db, sql_select_param, &e);
		stmt_bind_int(st, 1, i * 1000);
		assert_int_equal(stmt_step(st, &e), STORE_ROW);
		assert_int_equal(stmt_int(st, 0), i * 1000);
		assert_int_equal(stmt_step(st, &e), STORE_DONE);
		stmt_done(st);
	}
	/* after stmt_done the bindings are gone: ? is NULL */
	struct stmt *st = store_prepare(fx.db, sql_select_param, &e);
	assert_int_equal(stmt_step(st, &e), STORE_ROW);
	assert_true(stmt_is_null(st, 0));
	stmt_done(st);
}

/*
 * store.h: store_prepare() "returns the cached prepared statement ...
 * reset and with no bindings", and a statement is borrowed only "until
 * stmt_done() or the next store_prepare() of the same sql".  So a caller
 * that prepares again without stmt_done() (an early return on some path)
 * must still get a fresh statement, not one mid-iteration with the old
 * bindings.
 */
static void test_cache_prepare_resets(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	struct stmt *st = store_prepare(fx.db, sql_select_param, &e);
	stmt_bind_int(st, 1, 41);
	assert_int_equal(stmt_step(st, &e), STORE_ROW);
	/* no stmt_done() */
	st = store_prepare(fx.db, sql_select_param, &e);
	assert_non_null(st);
	assert_int_equal(stmt_step(st, &e), STORE_ROW);
	assert_true(stmt_is_null(st, 0));
	stmt_done(st);
}

/* A `?` inside a string, a quoted identifier or a comment is not a
 * placeholder (PostgreSQL's backend rewrites only the real ones to $n). */
static void test_placeholders_in_quotes(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	struct stmt *st = store_prepare(fx.db, sql_quoted, &e);
	assert_non_null(st);
	stmt_bind_text(st, 1, "x", SIZE_MAX);
	stmt_bind_int(st, 2, 2);
	stmt_bind_int(st, 3, 99); /* out of range: ignored */
	assert_int_equal(stmt_step(st, &e), STORE_ROW);
	assert_string_equal(stmt_text(st, 0), "?x");
	assert_string_equal(stmt_text(st, 1), "it's ?");
	assert_int_equal(stmt_int(st, 2), 7);
	assert_int_equal(stmt_step(st, &e), STORE_DONE);
	stmt_done(st);
	/* the second placeholder really is the second parameter */
	st = store_prepare(fx.db, sql_quoted, &e);
	stmt_bind_text(st, 1, "x", SIZE_MAX);
	stmt_bind_int(st, 2, 3);
	assert_int_equal(stmt_step(st, &e), STORE_DONE);
	stmt_done(st);
	assert_int_equal(e.code, ERR_NONE);
}

/* ---- errors, bindings, columns ---- */

static void test_constraint_is_conflict(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	assert_int_equal(store_migrate(fx.db, base, 1, NULL, &e), 0);
	assert_int_equal(t1_insert(fx.db, "社区", &e), 1);
	assert_int_equal(t1_insert(fx.db, "社区", &e), -1);
	assert_int_equal(e.code, ERR_CONFLICT);
	/* NOT NULL is a constraint too */
	err_clear(&e);
	assert_int_equal(t1_insert(fx.db, NULL, &e), -1);
	assert_int_equal(e.code, ERR_CONFLICT);
	/* the statement is usable again afterwards */
	err_clear(&e);
	int64_t id = t1_insert(fx.db, "街道", &e);
	assert_true(id >= 2); /* PostgreSQL spends an identity value on a failed insert */
	assert_int_equal(count(sql_t1_count), 2);
	/* through store_exec as well */
	assert_int_equal(store_exec(fx.db, "INSERT INTO t1 (v) VALUES ('街道')", &e), -1);
	assert_int_equal(e.code, ERR_CONFLICT);
	/* a foreign key and a check */
	err_clear(&e);
	assert_int_equal(store_exec(fx.db,
				    "CREATE TABLE child (id INTEGER PRIMARY KEY,"
				    " t1_id BIGINT REFERENCES t1(id), n INTEGER CHECK (n > 0))",
				    &e),
			 0);
	assert_int_equal(store_exec(fx.db, "INSERT INTO child VALUES (1, 12345, 1)", &e), -1);
	assert_int_equal(e.code, ERR_CONFLICT);
	err_clear(&e);
	assert_int_equal(store_exec(fx.db, "INSERT INTO child VALUES (1, 1, 0)", &e), -1);
	assert_int_equal(e.code, ERR_CONFLICT);
	err_clear(&e);
	assert_int_equal(store_exec(fx.db, "INSERT INTO child VALUES (1, 1, 1)", &e), 0);
	assert_int_equal(store_exec(fx.db, "DELETE FROM t1 WHERE id = 1", &e), -1);
	assert_int_equal(e.code, ERR_CONFLICT);
	/* a syntax error is not a conflict */
	err_clear(&e);
	assert_int_equal(store_exec(fx.db, "INSERT INTO nowhere VALUES (1)", &e), -1);
	assert_int_equal(e.code, ERR_INTERNAL);
}

static void test_bind_and_columns(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	struct stmt *st;
	make_kv();

	const unsigned char blob[] = { 0, 1, 2, 0, 255, '\\', 'x' };
	struct {
		const char *k;
		/* 0 int, 1 text, 2 text with len, 3 blob, 4 null, 5 NULL text, 6 empty blob */
		int kind;
		int64_t i;
		const char *s;
	} rows[] = {
		{ "max", 0, INT64_MAX, NULL },   { "min", 0, INT64_MIN, NULL },
		{ "zh", 1, 0, "邻里中心" },       { "cut", 2, 0, "abcdef" },
		{ "blob", 3, 0, NULL },           { "null", 4, 0, NULL },
		{ "nulltext", 5, 0, NULL },       { "empty", 6, 0, NULL },
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		int kind = rows[i].kind;
		st = store_prepare(fx.db,
				   kind == 0 || kind == 4 ? sql_kv_insert
				   : kind == 3 || kind == 6 ? sql_kv_insert_b
							    : sql_kv_insert_t,
				   &e);
		stmt_bind_text(st, 1, rows[i].k, SIZE_MAX);
		switch (kind) {
		case 0: stmt_bind_int(st, 2, rows[i].i); break;
		case 1: stmt_bind_text(st, 2, rows[i].s, SIZE_MAX); break;
		case 2: stmt_bind_text(st, 2, rows[i].s, 3); break;
		case 3: stmt_bind_blob(st, 2, blob, sizeof(blob)); break;
		case 4: stmt_bind_null(st, 2); break;
		case 5: stmt_bind_text(st, 2, NULL, 0); break;
		case 6: stmt_bind_blob(st, 2, "", 0); break;
		}
		assert_int_equal(stmt_exec(st, &e), 0);
	}

	st = store_prepare(fx.db, sql_kv_get, &e);
	stmt_bind_text(st, 1, "max", SIZE_MAX);
	assert_int_equal(stmt_step(st, &e), STORE_ROW);
	assert_true(stmt_int(st, 0) == INT64_MAX);
	assert_string_equal(stmt_text(st, 0), "9223372036854775807");
	stmt_done(st);

	st = store_prepare(fx.db, sql_kv_get, &e);
	stmt_bind_text(st, 1, "min", SIZE_MAX);
	assert_int_equal(stmt_step(st, &e), STORE_ROW);
	assert_true(stmt_int(st, 0) == INT64_MIN);
	stmt_done(st);

	st = store_prepare(fx.db, sql_kv_get, &e);
	stmt_bind_text(st, 1, "zh", SIZE_MAX);
	assert_int_equal(stmt_step(st, &e), STORE_ROW);
	assert_string_equal(stmt_text(st, 1), "邻里中心");
	assert_int_equal(stmt_len(st, 1), strlen("邻里中心"));
	stmt_done(st);

	st = store_prepare(fx.db, sql_kv_get, &e);
	stmt_bind_text(st, 1, "cut", SIZE_MAX);
	assert_int_equal(stmt_step(st, &e), STORE_ROW);
	assert_string_equal(stmt_text(st, 1), "abc");
	stmt_done(st);

	st = store_prepare(fx.db, sql_kv_get, &e);
	stmt_bind_text(st, 1, "blob", SIZE_MAX);
	assert_int_equal(stmt_step(st, &e), STORE_ROW);
	assert_false(stmt_is_null(st, 2));
	assert_int_equal(stmt_len(st, 2), sizeof(blob));
	assert_memory_equal(stmt_blob(st, 2), blob, sizeof(blob));
	stmt_done(st);

	st = store_prepare(fx.db, sql_kv_get, &e);
	stmt_bind_text(st, 1, "empty", SIZE_MAX);
	assert_int_equal(stmt_step(st, &e), STORE_ROW);
	assert_int_equal(stmt_len(st, 2), 0);
	stmt_done(st);

	const char *nulls[] = { "null", "nulltext" };
	for (int i = 0; i < 2; i++) {
		st = store_prepare(fx.db, sql_kv_get, &e);
		stmt_bind_text(st, 1, nulls[i], SIZE_MAX);
		assert_int_equal(stmt_step(st, &e), STORE_ROW);
		for (int c = 0; c < 3; c++) {
			assert_true(stmt_is_null(st, c));
			assert_string_equal(stmt_text(st, c), "");
			assert_int_equal(stmt_int(st, c), 0);
			assert_int_equal(stmt_len(st, c), 0);
		}
		assert_null(stmt_blob(st, 2));
		stmt_done(st);
	}

	/* no row */
	st = store_prepare(fx.db, sql_kv_get, &e);
	stmt_bind_text(st, 1, "absent", SIZE_MAX);
	assert_int_equal(stmt_step(st, &e), STORE_DONE);
	stmt_done(st);

	/* store_changes counts the rows of the last write, and a read
	 * does not change it */
	st = store_prepare(fx.db, sql_kv_update, &e);
	assert_int_equal(stmt_exec(st, &e), 0);
	assert_int_equal(store_changes(fx.db), 8);
	assert_int_equal(count(sql_kv_count), 8);
	assert_int_equal(store_changes(fx.db), 8);
	assert_int_equal(e.code, ERR_NONE);
}

/* SUM of BIGINT is NUMERIC on PostgreSQL, a comparison is boolean, AVG
 * has decimals: stmt_int reads each as SQLite would. */
static void test_aggregates(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	const int64_t v[] = { 4000000000000000000, 3, 4 };
	make_kv();
	for (int i = 0; i < 3; i++) {
		char k[16];
		snprintf(k, sizeof(k), "a%d", i);
		struct stmt *st = store_prepare(fx.db, sql_kv_insert, &e);
		stmt_bind_text(st, 1, k, SIZE_MAX);
		stmt_bind_int(st, 2, v[i]);
		assert_int_equal(stmt_exec(st, &e), 0);
	}
	struct stmt *st = store_prepare(fx.db, sql_kv_sum, &e);
	stmt_bind_text(st, 1, "a%", SIZE_MAX);
	assert_int_equal(stmt_step(st, &e), STORE_ROW);
	assert_true(stmt_int(st, 0) == 4000000000000000007);
	assert_int_equal(stmt_int(st, 1), 3);
	assert_true(stmt_int(st, 2) == 4000000000000000000);
	assert_true(stmt_int(st, 3) == 4000000000000000008);
	assert_int_equal(stmt_int(st, 4), 1);
	/* about 1.33e18: truncated toward zero, not parsed up to the '.' */
	assert_true(stmt_int(st, 5) > 1333333333000000000 && stmt_int(st, 5) < 1333333334000000000);
	stmt_done(st);
	/* no rows: SUM is NULL, COALESCE fills in */
	st = store_prepare(fx.db, sql_kv_sum, &e);
	stmt_bind_text(st, 1, "none%", SIZE_MAX);
	assert_int_equal(stmt_step(st, &e), STORE_ROW);
	assert_true(stmt_is_null(st, 0));
	assert_int_equal(stmt_int(st, 1), 0);
	assert_int_equal(stmt_int(st, 3), 1);
	assert_int_equal(stmt_int(st, 4), 0);
	stmt_done(st);
	assert_int_equal(e.code, ERR_NONE);
}

/* ---- transactions ---- */

static void insert_kv_in(struct store *db, const char *k, struct err *e)
{
	struct stmt *st = store_prepare(db, sql_kv_insert, e);
	if (!st)
		return;
	stmt_bind_text(st, 1, k, SIZE_MAX);
	stmt_bind_int(st, 2, 1);
	stmt_exec(st, e);
}

static void insert_kv(const char *k)
{
	struct err e = ERR_INIT;
	insert_kv_in(fx.db, k, &e);
	assert_int_equal(e.code, ERR_NONE);
}

static void test_begin_commit_rollback(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	make_kv();

	assert_int_equal(store_begin(fx.db, &e), 0);
	assert_true(store_in_tx(fx.db));
	insert_kv("rolled back");
	assert_int_equal(count(sql_kv_count), 1); /* visible inside */
	store_rollback(fx.db);
	assert_false(store_in_tx(fx.db));
	assert_int_equal(count(sql_kv_count), 0);

	assert_int_equal(store_begin(fx.db, &e), 0);
	insert_kv("a");
	insert_kv("b");
	assert_int_equal(store_commit(fx.db, &e), 0);
	assert_false(store_in_tx(fx.db));
	assert_int_equal(count(sql_kv_count), 2);

	/* rollback with no transaction is harmless */
	store_rollback(fx.db);
	assert_int_equal(count(sql_kv_count), 2);

	/* a commit with no transaction fails and leaves no transaction */
	assert_int_equal(store_commit(fx.db, &e), -1);
	assert_true(err_is_set(&e));
	assert_false(store_in_tx(fx.db));
	err_clear(&e);

	/* committed data survives reopening */
	store_close(fx.db);
	assert_int_equal(store_open(&fx.db, fx.path, NULL, &e), 0);
	assert_int_equal(count(sql_kv_count), 2);
}

static void test_second_connection_sees_commits_only(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	struct store *other = NULL;
	make_kv();
	assert_int_equal(store_open(&other, fx.path, NULL, &e), 0);

	assert_int_equal(store_begin(fx.db, &e), 0);
	insert_kv("pending");
	assert_int_equal(count_in(other, sql_kv_count), 0); /* not committed yet */
	assert_int_equal(store_commit(fx.db, &e), 0);
	assert_int_equal(count_in(other, sql_kv_count), 1);

	/* the write lock is taken at begin: a second writer waits, then
	 * gives up as unavailable (short busy timeout here) */
	store_close(other);
	struct store_options quick = { .busy_timeout_ms = 50 };
	assert_int_equal(store_open(&other, fx.path, &quick, &e), 0);
	assert_int_equal(store_begin(fx.db, &e), 0);
	assert_int_equal(store_begin(other, &e), -1);
	assert_int_equal(e.code, ERR_UNAVAILABLE);
	assert_false(store_in_tx(other));
	store_rollback(fx.db);
	/* once the first writer is done, the second gets its turn */
	err_clear(&e);
	assert_int_equal(store_begin(other, &e), 0);
	insert_kv_in(other, "second writer", &e);
	assert_int_equal(store_commit(other, &e), 0);
	assert_int_equal(count(sql_kv_count), 2);
	store_close(other);
}

static void test_read_transaction(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	struct store *other = NULL;
	make_kv();
	assert_int_equal(store_read_begin(fx.db, &e), 0);
	assert_false(store_in_tx(fx.db)); /* not a write transaction */
	assert_int_equal(count(sql_kv_count), 0);
	/* one snapshot: another connection's commit is not seen until the end */
	assert_int_equal(store_open(&other, fx.path, NULL, &e), 0);
	insert_kv_in(other, "elsewhere", &e);
	assert_int_equal(e.code, ERR_NONE);
	assert_int_equal(count(sql_kv_count), 0);
	store_read_end(fx.db);
	assert_int_equal(count(sql_kv_count), 1);
	store_close(other);

	assert_int_equal(store_read_begin(fx.db, &e), 0);
	assert_int_equal(store_read_begin(fx.db, &e), 0); /* nested: a no-op */
	/* a write inside a read ends the read first */
	assert_int_equal(store_begin(fx.db, &e), 0);
	assert_true(store_in_tx(fx.db));
	insert_kv("x");
	assert_int_equal(store_commit(fx.db, &e), 0);
	store_read_end(fx.db); /* nothing open: harmless */
	assert_int_equal(count(sql_kv_count), 2);
	/* read_begin inside a write transaction is a no-op */
	assert_int_equal(store_begin(fx.db, &e), 0);
	assert_int_equal(store_read_begin(fx.db, &e), 0);
	insert_kv("y");
	store_read_end(fx.db);
	assert_true(store_in_tx(fx.db));
	assert_int_equal(store_commit(fx.db, &e), 0);
	assert_int_equal(count(sql_kv_count), 3);
	assert_int_equal(e.code, ERR_NONE);
}

/* ---- store_copy ---- */

/* The source's schema; the target gets the same versions (with BYTEA for
 * the blob column on PostgreSQL). */
#define COPY_PARENTS                                                                               \
	"CREATE TABLE parents (id @id, name TEXT NOT NULL UNIQUE, note TEXT, n BIGINT NOT NULL)"
#define COPY_CHILDREN                                                                              \
	"CREATE TABLE children (id @id, parent_id BIGINT NOT NULL REFERENCES parents(id),"         \
	" up BIGINT REFERENCES children(id), label TEXT, data "
#define COPY_PAIRS                                                                                 \
	"CREATE TABLE pairs (a BIGINT NOT NULL, b BIGINT NOT NULL, w INTEGER, PRIMARY KEY (a, b))"
static const struct migration copy_sqlite[] = {
	{ 1, "parents", COPY_PARENTS },
	{ 2, "children", COPY_CHILDREN "BLOB)" },
	{ 3, "pairs", COPY_PAIRS },
};
static const struct migration copy_pg[] = {
	{ 1, "parents", COPY_PARENTS },
	{ 2, "children", COPY_CHILDREN "BYTEA)" },
	{ 3, "pairs", COPY_PAIRS },
};

static const char sql_parent_add[] =
	"INSERT INTO parents (id, name, note, n) VALUES (?, ?, ?, ?)";
static const char sql_child_add[] =
	"INSERT INTO children (id, parent_id, up, label, data) VALUES (?, ?, ?, ?, ?)";
static const char sql_pair_add[] = "INSERT INTO pairs (a, b, w) VALUES (?, ?, ?)";
static const char sql_parent_new[] =
	"INSERT INTO parents (name, n) VALUES (?, 0) RETURNING id";
static const char sql_parents_count[] = "SELECT COUNT(*) FROM parents";
static const char sql_children_count[] = "SELECT COUNT(*) FROM children";
static const char sql_pairs_count[] = "SELECT COUNT(*) FROM pairs";
static const char sql_child_get[] = "SELECT up, label, data, parent_id FROM children WHERE id = ?";
static const char sql_parent_note[] = "SELECT note, n FROM parents WHERE id = ?";

static const struct migration *copy_target_schema(void)
{
	return fx.be == PG ? copy_pg : copy_sqlite;
}

/* A SQLite source with parents ids first..first+np-1, children and pairs. */
static struct store *copy_source(const char *name, int64_t first, int np, int nc)
{
	struct err e = ERR_INIT;
	struct store *src = NULL;
	char p[4200];
	tmpdir_path(p, sizeof(p), fx.dir, name);
	remove(p);
	assert_int_equal(store_open(&src, p, NULL, &e), 0);
	assert_int_equal(store_migrate(src, copy_sqlite, 3, NULL, &e), 0);
	assert_int_equal(store_begin(src, &e), 0);
	for (int i = 0; i < np; i++) {
		char nm[64];
		struct stmt *st = store_prepare(src, sql_parent_add, &e);
		snprintf(nm, sizeof(nm), "户 %" PRId64 " 'quoted' \"and\" ?", first + i);
		stmt_bind_int(st, 1, first + i);
		stmt_bind_text(st, 2, nm, SIZE_MAX);
		if (i % 3)
			stmt_bind_text(st, 3, i % 3 == 1 ? "" : "备注\n第二行", SIZE_MAX);
		stmt_bind_int(st, 4, i % 2 ? -(int64_t)i * 1000000007 : INT64_MAX - i);
		assert_int_equal(stmt_exec(st, &e), 0);
	}
	for (int i = 0; i < nc; i++) {
		unsigned char data[5] = { 0, (unsigned char)i, 0xff, '\\', 'x' };
		struct stmt *st = store_prepare(src, sql_child_add, &e);
		stmt_bind_int(st, 1, first + i);
		stmt_bind_int(st, 2, first + i % np);
		if (i > 0)
			stmt_bind_int(st, 3, first + i - 1); /* an earlier row of the same table */
		stmt_bind_text(st, 4, i % 4 ? "标签" : NULL, SIZE_MAX);
		if (i % 5)
			stmt_bind_blob(st, 5, data, sizeof(data));
		assert_int_equal(stmt_exec(st, &e), 0);
	}
	for (int i = 0; i < 40; i++) {
		struct stmt *st = store_prepare(src, sql_pair_add, &e);
		stmt_bind_int(st, 1, first + i / 8);
		stmt_bind_int(st, 2, i % 8);
		if (i % 2)
			stmt_bind_int(st, 3, i);
		assert_int_equal(stmt_exec(st, &e), 0);
	}
	assert_int_equal(store_commit(src, &e), 0);
	return src;
}

/* Copies with the progress lines captured into out (caller frees). */
static int copy_capture(struct store *src, bool merge, char **out, struct err *e)
{
	size_t len = 0;
	FILE *f = open_memstream(out, &len);
	assert_non_null(f);
	int rc = store_copy(src, fx.db, merge, f, e);
	fclose(f);
	return rc;
}

static void test_copy(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	struct store *src = copy_source("copy-src.sqlite", 1, 200, 500);
	char *out = NULL;

	assert_int_equal(store_migrate(fx.db, copy_target_schema(), 3, NULL, &e), 0);
	assert_int_equal(copy_capture(src, false, &out, &e), 0);
	assert_int_equal(e.code, ERR_NONE);
	/* one line per table, in creation order: name, rows, checksum, ok */
	char c1[17], c2[17], c3[17];
	assert_int_equal(sscanf(out,
				"parents 200 %16s ok\nchildren 500 %16s ok\npairs 40 %16s ok\n", c1,
				c2, c3),
			 3);
	assert_int_equal(strlen(c3), 16);
	free(out);
	assert_int_equal(count(sql_parents_count), 200);
	assert_int_equal(count(sql_children_count), 500);
	assert_int_equal(count(sql_pairs_count), 40);

	/* values arrive with their kinds: NULL, empty text, blobs, big ints */
	struct stmt *st = store_prepare(fx.db, sql_child_get, &e);
	stmt_bind_int(st, 1, 2);
	assert_int_equal(stmt_step(st, &e), STORE_ROW);
	assert_int_equal(stmt_int(st, 0), 1);
	assert_string_equal(stmt_text(st, 1), "标签");
	assert_int_equal(stmt_len(st, 2), 5);
	assert_memory_equal(stmt_blob(st, 2), "\0\001\377\\x", 5);
	assert_int_equal(stmt_int(st, 3), 2);
	stmt_done(st);
	st = store_prepare(fx.db, sql_child_get, &e);
	stmt_bind_int(st, 1, 1);
	assert_int_equal(stmt_step(st, &e), STORE_ROW);
	assert_true(stmt_is_null(st, 0));
	assert_true(stmt_is_null(st, 1));
	assert_true(stmt_is_null(st, 2));
	stmt_done(st);
	st = store_prepare(fx.db, sql_parent_note, &e);
	stmt_bind_int(st, 1, 2);
	assert_int_equal(stmt_step(st, &e), STORE_ROW);
	assert_false(stmt_is_null(st, 0));
	assert_string_equal(stmt_text(st, 0), "");
	assert_true(stmt_int(st, 1) == -1000000007);
	stmt_done(st);

	/* ids continue after the copied ones */
	st = store_prepare(fx.db, sql_parent_new, &e);
	stmt_bind_text(st, 1, "new", SIZE_MAX);
	assert_int_equal(stmt_step(st, &e), STORE_ROW);
	assert_int_equal(stmt_int(st, 0), 201);
	stmt_done(st);

	/* the same source again: the target is not empty now */
	assert_int_equal(copy_capture(src, false, &out, &e), -1);
	free(out);
	assert_int_equal(e.code, ERR_CONFLICT);
	assert_non_null(strstr(e.message, "--merge"));
	assert_int_equal(count(sql_parents_count), 201);
	assert_false(store_in_tx(fx.db));

	/* the source is unchanged */
	assert_int_equal(count_in(src, sql_children_count), 500);
	store_close(src);
}

/* Merging adds rows that do not collide; a collision anywhere undoes the
 * whole copy, including the tables copied before it. */
static void test_copy_merge_all_or_nothing(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	struct store *a = copy_source("merge-a.sqlite", 1, 10, 30);
	struct store *b = copy_source("merge-b.sqlite", 1000, 10, 30);
	char *out = NULL;

	assert_int_equal(store_migrate(fx.db, copy_target_schema(), 3, NULL, &e), 0);
	assert_int_equal(copy_capture(a, false, &out, &e), 0);
	free(out);
	assert_int_equal(copy_capture(b, true, &out, &e), 0);
	assert_non_null(strstr(out, "children 30 "));
	free(out);
	assert_int_equal(count(sql_parents_count), 20);
	assert_int_equal(count(sql_children_count), 60);
	assert_int_equal(count(sql_pairs_count), 80);

	/* b's parents would fit, but its children and pairs collide now */
	struct stmt *st = store_prepare(b, sql_parent_add, &e);
	stmt_bind_int(st, 1, 5000);
	stmt_bind_text(st, 2, "only in b", SIZE_MAX);
	stmt_bind_int(st, 4, 1);
	assert_int_equal(stmt_exec(st, &e), 0);
	assert_int_equal(store_exec(b, "DELETE FROM pairs; DELETE FROM children WHERE id > 1000;"
				       " DELETE FROM parents WHERE id < 5000 AND id > 1000",
				    &e),
			 0);
	/* now b holds parents 1000 and 5000 (1000 collides) */
	assert_int_equal(copy_capture(b, true, &out, &e), -1);
	free(out);
	assert_int_equal(e.code, ERR_CONFLICT);
	assert_non_null(strstr(e.message, "parents"));
	assert_int_equal(count(sql_parents_count), 20);
	assert_int_equal(count(sql_children_count), 60);
	assert_false(store_in_tx(fx.db));

	/* a clash in a later table undoes the earlier ones */
	err_clear(&e);
	assert_int_equal(store_exec(b, "DELETE FROM children; DELETE FROM parents WHERE id = 1000;"
				       " INSERT INTO pairs (a, b) VALUES (1, 1)",
				    &e),
			 0);
	assert_int_equal(copy_capture(b, true, &out, &e), -1);
	free(out);
	assert_int_equal(e.code, ERR_CONFLICT);
	assert_non_null(strstr(e.message, "pairs"));
	assert_int_equal(count(sql_parents_count), 20); /* 5000 was copied, then undone */
	store_close(a);
	store_close(b);
}

static void test_copy_needs_same_schema(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	struct store *src = copy_source("schema-src.sqlite", 1, 3, 3);
	assert_int_equal(store_migrate(fx.db, copy_target_schema(), 2, NULL, &e), 0);
	assert_int_equal(store_copy(src, fx.db, false, NULL, &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
	assert_false(table_exists(fx.db, "pairs"));
	assert_int_equal(count(sql_parents_count), 0);
	store_close(src);
}

/* ---- backup and restore (SQLite) ---- */

static void test_backup_and_restore(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	char bak[4200], other_path[4200];
	struct store *other = NULL;

	assert_int_equal(store_migrate(fx.db, base, 2, NULL, &e), 0);
	assert_int_equal(t1_insert(fx.db, "居委会", &e), 1);
	assert_int_equal(t1_insert(fx.db, "街道办", &e), 2);

	tmpdir_path(bak, sizeof(bak), fx.dir, "backup.linli");
	assert_int_equal(store_backup(fx.db, bak, &e), 0);
	assert_int_equal(access(bak, F_OK), 0);

	/* refuses an existing path, and leaves the file alone */
	assert_int_equal(store_backup(fx.db, bak, &e), -1);
	assert_int_equal(e.code, ERR_CONFLICT);
	assert_string_equal(e.field, "file");
	err_clear(&e);

	/* changes after the backup are not in it */
	assert_int_equal(t1_insert(fx.db, "after", &e), 3);

	/* restore into another, empty database */
	tmpdir_path(other_path, sizeof(other_path), fx.dir, "restored.sqlite");
	assert_int_equal(store_open(&other, other_path, NULL, &e), 0);
	assert_int_equal(store_restore(other, bak, &e), 0);
	assert_int_equal(e.code, ERR_NONE);
	assert_int_equal(store_version(other, &e), 2);
	assert_true(table_exists(other, "t2"));
	struct stmt *st = store_prepare(other, sql_t1_count, &e);
	assert_int_equal(stmt_step(st, &e), STORE_ROW);
	assert_int_equal(stmt_int(st, 0), 2);
	stmt_done(st);
	/* the restored database takes writes, and its ids continue */
	assert_int_equal(t1_insert(other, "new", &e), 3);
	store_close(other);

	/* reopened, the restore persisted */
	assert_int_equal(store_open(&other, other_path, NULL, &e), 0);
	st = store_prepare(other, sql_t1_count, &e);
	assert_int_equal(stmt_step(st, &e), STORE_ROW);
	assert_int_equal(stmt_int(st, 0), 3);
	stmt_done(st);
	store_close(other);
}

static void test_restore_refusals(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	char p[4200];
	struct store *plain = NULL;

	/* not a database at all */
	tmpdir_path(p, sizeof(p), fx.dir, "notes.txt");
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs("this is not a database, just some text that is long enough\n", f);
	fclose(f);
	assert_int_equal(store_restore(fx.db, p, &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
	assert_string_equal(e.field, "file");

	/* a sound SQLite database that linli never migrated */
	err_clear(&e);
	tmpdir_path(p, sizeof(p), fx.dir, "plain.sqlite");
	assert_int_equal(store_open(&plain, p, NULL, &e), 0);
	assert_int_equal(store_exec(plain, "CREATE TABLE foreign_data (x); INSERT INTO foreign_data VALUES (1)", &e), 0);
	store_close(plain);
	assert_int_equal(store_restore(fx.db, p, &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
	assert_non_null(strstr(e.message, "not a linli database"));

	/* a missing file */
	err_clear(&e);
	tmpdir_path(p, sizeof(p), fx.dir, "missing.linli");
	assert_int_equal(store_restore(fx.db, p, &e), -1);
	assert_int_equal(e.code, ERR_INVALID);

	/* the target was not touched by any of the refusals */
	assert_false(table_exists(fx.db, "foreign_data"));
	err_clear(&e);
	assert_int_equal(store_version(fx.db, &e), 0);
}

static void test_backup_to_missing_dir(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	char p[4200];
	tmpdir_path(p, sizeof(p), fx.dir, "no/such/dir/backup.linli");
	assert_int_equal(store_backup(fx.db, p, &e), -1);
	assert_int_equal(e.code, ERR_UNAVAILABLE);
	assert_string_equal(e.field, "file");
}

/* ---- PostgreSQL only ---- */

static const char sql_pid[] = "SELECT pg_backend_pid()";
static const char sql_kill[] = "SELECT pg_terminate_backend(CAST(? AS INTEGER))";
static const char sql_alive[] =
	"SELECT COUNT(*) FROM pg_stat_activity WHERE pid = CAST(? AS INTEGER)";

/* Terminates fx.db's server process from another connection and waits
 * until it is gone. */
static void kill_backend(void)
{
	struct err e = ERR_INIT;
	struct store *admin = NULL;
	int64_t pid = count(sql_pid);
	assert_int_equal(store_open(&admin, fx.path, NULL, &e), 0);
	struct stmt *st = store_prepare(admin, sql_kill, &e);
	stmt_bind_int(st, 1, pid);
	assert_int_equal(stmt_step(st, &e), STORE_ROW);
	assert_int_equal(stmt_int(st, 0), 1);
	stmt_done(st);
	for (int i = 0; i < 200; i++) {
		st = store_prepare(admin, sql_alive, &e);
		stmt_bind_int(st, 1, pid);
		assert_int_equal(stmt_step(st, &e), STORE_ROW);
		int64_t n = stmt_int(st, 0);
		stmt_done(st);
		if (!n)
			break;
		nanosleep(&(struct timespec){ 0, 10 * 1000 * 1000 }, NULL);
	}
	store_close(admin);
}

/* A connection cut while idle (a server restart between requests) is
 * replaced before the next statement, which succeeds; cached statements
 * are prepared again and the session settings applied again. */
static void test_pg_reconnect_idle(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	assert_int_equal(store_migrate(fx.db, base, 2, NULL, &e), 0);
	assert_int_equal(t1_insert(fx.db, "before", &e), 1);
	int64_t pid = count(sql_pid);

	kill_backend();
	assert_int_equal(store_ping(fx.db, &e), 0);
	assert_int_equal(e.code, ERR_NONE);
	assert_true(count(sql_pid) != pid);
	assert_int_equal(t1_insert(fx.db, "after", &e), 2);
	assert_int_equal(count(sql_t1_count), 2);

	/* the session settings came back too: a second writer still gives up */
	kill_backend();
	struct store *other = NULL;
	struct store_options quick = { .busy_timeout_ms = 50 };
	assert_int_equal(store_open(&other, fx.path, &quick, &e), 0);
	assert_int_equal(store_begin(fx.db, &e), 0);
	assert_int_equal(store_begin(other, &e), -1);
	assert_int_equal(e.code, ERR_UNAVAILABLE);
	store_rollback(fx.db);
	store_close(other);
}

static const char sql_sleep[] = "SELECT pg_sleep(5)";

static void *kill_soon(void *pid)
{
	struct err e = ERR_INIT;
	struct store *admin = NULL;
	nanosleep(&(struct timespec){ 0, 200 * 1000 * 1000 }, NULL);
	if (store_open(&admin, fx.path, NULL, &e) == 0) {
		struct stmt *st = store_prepare(admin, sql_kill, &e);
		stmt_bind_int(st, 1, *(int64_t *)pid);
		stmt_exec(st, &e);
		store_close(admin);
	}
	return NULL;
}

/* The statement in flight when the backend goes fails as unavailable (HTTP
 * 503), and is not sent again; the next call reconnects and succeeds. */
static void test_pg_reconnect_in_flight(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	int64_t pid = count(sql_pid);
	pthread_t killer;
	assert_int_equal(pthread_create(&killer, NULL, kill_soon, &pid), 0);
	struct stmt *st = store_prepare(fx.db, sql_sleep, &e);
	assert_non_null(st);
	assert_int_equal(stmt_step(st, &e), -1);
	assert_int_equal(e.code, ERR_UNAVAILABLE);
	stmt_done(st);
	pthread_join(killer, NULL);
	err_clear(&e);
	assert_int_equal(store_ping(fx.db, &e), 0);
	assert_true(count(sql_pid) != pid);
}

/* Inside a transaction the connection is not silently replaced: every call
 * fails until the caller rolls back. */
static void test_pg_reconnect_not_inside_transaction(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	assert_int_equal(store_migrate(fx.db, base, 1, NULL, &e), 0);
	assert_int_equal(store_begin(fx.db, &e), 0);
	assert_int_equal(t1_insert(fx.db, "lost with the transaction", &e), 1);
	kill_backend();
	assert_int_equal(t1_insert(fx.db, "fails", &e), -1);
	assert_int_equal(e.code, ERR_UNAVAILABLE);
	err_clear(&e);
	assert_int_equal(t1_insert(fx.db, "fails too", &e), -1);
	assert_int_equal(e.code, ERR_UNAVAILABLE);
	err_clear(&e);
	assert_int_equal(store_commit(fx.db, &e), -1);
	assert_int_equal(e.code, ERR_UNAVAILABLE);
	assert_false(store_in_tx(fx.db));
	err_clear(&e);
	assert_int_equal(count(sql_t1_count), 0);

	/* a read transaction likewise; store_read_end() closes it */
	assert_int_equal(store_read_begin(fx.db, &e), 0);
	kill_backend();
	assert_int_equal(store_ping(fx.db, &e), -1);
	err_clear(&e);
	assert_int_equal(store_ping(fx.db, &e), -1);
	err_clear(&e);
	store_read_end(fx.db);
	assert_int_equal(store_ping(fx.db, &e), 0);
}

/* A failed statement aborts a PostgreSQL transaction; commit then fails
 * rather than silently rolling back. */
static void test_pg_failed_transaction(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	assert_int_equal(store_migrate(fx.db, base, 1, NULL, &e), 0);
	assert_int_equal(t1_insert(fx.db, "taken", &e), 1);
	assert_int_equal(store_begin(fx.db, &e), 0);
	assert_true(t1_insert(fx.db, "fine", &e) > 0);
	assert_int_equal(t1_insert(fx.db, "taken", &e), -1);
	assert_int_equal(e.code, ERR_CONFLICT);
	err_clear(&e);
	assert_int_equal(store_commit(fx.db, &e), -1);
	assert_true(err_is_set(&e));
	assert_false(store_in_tx(fx.db));
	assert_int_equal(count(sql_t1_count), 1);
}

static const char sql_numeric[] =
	"SELECT CAST('4000000000000000007.75' AS NUMERIC), CAST('-2.5' AS NUMERIC),"
	" CAST('1e3' AS FLOAT8), CAST('NaN' AS FLOAT8), CAST('-Infinity' AS FLOAT8), 2 > 1";

static void test_pg_values(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	make_kv();
	/* text with a NUL byte cannot be a text parameter */
	struct stmt *st = store_prepare(fx.db, sql_kv_insert_t, &e);
	stmt_bind_text(st, 1, "nul", SIZE_MAX);
	stmt_bind_text(st, 2, "a\0b", 3);
	assert_int_equal(stmt_exec(st, &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
	/* nor can a number that does not fit its column */
	err_clear(&e);
	assert_int_equal(store_exec(fx.db, "CREATE TABLE small (n INTEGER)", &e), 0);
	assert_int_equal(store_exec(fx.db, "INSERT INTO small VALUES (4000000000)", &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
	/* NUMERIC and floating point read as integers by truncation */
	err_clear(&e);
	st = store_prepare(fx.db, sql_numeric, &e);
	assert_int_equal(stmt_step(st, &e), STORE_ROW);
	assert_true(stmt_int(st, 0) == 4000000000000000007);
	assert_int_equal(stmt_int(st, 1), -2);
	assert_int_equal(stmt_int(st, 2), 1000);
	assert_int_equal(stmt_int(st, 3), 0);
	assert_true(stmt_int(st, 4) == INT64_MIN);
	assert_int_equal(stmt_int(st, 5), 1);
	assert_string_equal(stmt_text(st, 0), "4000000000000000007.75");
	stmt_done(st);
	/* backup and restore are pg_dump's */
	err_clear(&e);
	assert_int_equal(store_backup(fx.db, "/tmp/never", &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
	assert_non_null(strstr(e.message, "pg_dump"));
	err_clear(&e);
	assert_int_equal(store_restore(fx.db, "/tmp/never", &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
	assert_non_null(strstr(e.message, "pg_restore"));
}

#define DB_TEST(f) cmocka_unit_test_setup_teardown(f, db_setup, db_teardown)

/* The tests every backend passes. */
#define COMMON_TESTS                                                                               \
	DB_TEST(test_open_fresh), DB_TEST(test_migrate_once), DB_TEST(test_migrate_new_step_only), \
		DB_TEST(test_migrate_versions_checked_one_by_one),                                 \
		DB_TEST(test_migrate_failure_rolls_back), DB_TEST(test_migrate_concurrent_list),   \
		DB_TEST(test_cache_same_pointer_same_stmt), DB_TEST(test_cache_bad_sql),           \
		DB_TEST(test_cache_statement_reused_after_done),                                   \
		DB_TEST(test_cache_prepare_resets), DB_TEST(test_placeholders_in_quotes),          \
		DB_TEST(test_constraint_is_conflict), DB_TEST(test_bind_and_columns),              \
		DB_TEST(test_aggregates), DB_TEST(test_begin_commit_rollback),                     \
		DB_TEST(test_second_connection_sees_commits_only),                                 \
		DB_TEST(test_read_transaction), DB_TEST(test_copy),                                \
		DB_TEST(test_copy_merge_all_or_nothing), DB_TEST(test_copy_needs_same_schema)

int main(void)
{
	const struct CMUnitTest sqlite_tests[] = {
		COMMON_TESTS,
		DB_TEST(test_open_refusals),
		DB_TEST(test_backup_and_restore),
		DB_TEST(test_restore_refusals),
		DB_TEST(test_backup_to_missing_dir),
	};
	const struct CMUnitTest pg_tests[] = {
		COMMON_TESTS,
		DB_TEST(test_pg_reconnect_idle),
		DB_TEST(test_pg_reconnect_in_flight),
		DB_TEST(test_pg_reconnect_not_inside_transaction),
		DB_TEST(test_pg_failed_transaction),
		DB_TEST(test_pg_values),
	};
	int failed;

	fx.be = SQLITE;
	failed = cmocka_run_group_tests_name("store/sqlite", sqlite_tests, group_setup,
					     group_teardown);
	fx.pg_url = getenv("LINLI_TEST_PG");
	if (!fx.pg_url || !*fx.pg_url) {
		printf("store/postgres: SKIPPED, set LINLI_TEST_PG to the postgres:// URL of a"
		       " scratch database to run it (its public schema is dropped)\n");
		return failed;
	}
	fx.be = PG;
	return failed + cmocka_run_group_tests_name("store/postgres", pg_tests, group_setup,
						    group_teardown);
}
