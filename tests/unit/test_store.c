/*
 * test_store.c - the storage interface on its SQLite backend
 * (src/store/store_sqlite.c).
 *
 * Each test opens a fresh database file in one scratch directory (removed
 * at the end), so tests do not see each other's tables.  Covered: opening
 * (and refusing bad options), migrations (each version applied once, a
 * second run a no-op, a failing step rolled back without leaving a table,
 * versions checked one by one), the statement cache (keyed by the SQL
 * text's address; hands out a reset statement without bindings), error
 * mapping (constraint -> ERR_CONFLICT), bindings and columns, write and
 * read transactions, and backup / restore with their refusals.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "store/store.h"

#include "testutil.h"

#include <stdio.h>
#include <string.h>

static struct {
	char *dir;
	struct store *db;
	int seq;
	char path[4096];
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

/* Opens a new database file for the test. */
static int db_setup(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	char name[32];
	snprintf(name, sizeof(name), "db%d.sqlite", ++fx.seq);
	tmpdir_path(fx.path, sizeof(fx.path), fx.dir, name);
	if (store_open(&fx.db, fx.path, NULL, &e) < 0) {
		fprintf(stderr, "store_open: %s\n", e.message);
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

static const char sql_select_param[] = "SELECT ?";
static const char sql_select_param_twin[] = "SELECT ?";
static const char sql_select_one[] = "SELECT 1";
static const char sql_bad[] = "SELEC nonsense FROM";
static const char sql_t1_insert[] = "INSERT INTO t1 (v) VALUES (?) RETURNING id";
static const char sql_t1_count[] = "SELECT COUNT(*) FROM t1";
static const char sql_table_exists[] =
	"SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?";
static const char sql_kv_insert[] = "INSERT INTO kv (k, v) VALUES (?, ?)";
static const char sql_kv_get[] = "SELECT v, typeof(v) FROM kv WHERE k = ?";
static const char sql_kv_update[] = "UPDATE kv SET v = 0";
static const char sql_kv_count[] = "SELECT COUNT(*) FROM kv";

static const struct migration base[] = {
	{ 1, "t1", "CREATE TABLE t1 (id @id, v TEXT NOT NULL UNIQUE)" },
	{ 2, "t2 and index", "CREATE TABLE t2 (x INTEGER); CREATE INDEX t2_x ON t2 (x)" },
};

static int64_t count(const char *sql)
{
	struct err e = ERR_INIT;
	struct stmt *st = store_prepare(fx.db, sql, &e);
	assert_non_null(st);
	assert_int_equal(stmt_step(st, &e), STORE_ROW);
	int64_t n = stmt_int(st, 0);
	stmt_done(st);
	return n;
}

static bool table_exists(struct store *db, const char *name)
{
	struct err e = ERR_INIT;
	struct stmt *st = store_prepare(db, sql_table_exists, &e);
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
	assert_non_null(st);
	stmt_bind_text(st, 1, v, SIZE_MAX);
	int rc = stmt_step(st, e);
	int64_t id = rc == STORE_ROW ? stmt_int(st, 0) : -1;
	stmt_done(st);
	return id;
}

static void make_kv(void)
{
	struct err e = ERR_INIT;
	assert_int_equal(store_exec(fx.db, "CREATE TABLE kv (k TEXT PRIMARY KEY, v)", &e), 0);
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

	err_clear(&e);
	assert_int_equal(store_open(&s, "postgres://localhost/linli", NULL, &e), -1);
	assert_null(s);
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
		{ 200, "module b", "CREATE TABLE b200 (x)" },
	};
	const struct migration later[] = {
		base[0],
		{ 100, "module a, added later", "CREATE TABLE a100 (x)" },
		{ 200, "module b", "CREATE TABLE b200 (x)" },
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
		{ 10, "good", "CREATE TABLE good (x)" },
		{ 11, "half good", "CREATE TABLE half (x); CREATE TABL broken (y)" },
		{ 12, "never reached", "CREATE TABLE never (x)" },
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
		{ 11, "half good", "CREATE TABLE half (x); CREATE TABLE broken (y)" },
	};
	int applied = 0;
	assert_int_equal(store_migrate(fx.db, fixed, 2, &applied, &e), 0);
	assert_int_equal(applied, 1);
	assert_true(table_exists(fx.db, "half"));
	assert_true(table_exists(fx.db, "broken"));
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
	assert_int_equal(t1_insert(fx.db, "街道", &e), 2);
	assert_int_equal(count(sql_t1_count), 2);
	/* through store_exec as well */
	assert_int_equal(store_exec(fx.db, "INSERT INTO t1 (v) VALUES ('街道')", &e), -1);
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

	const unsigned char blob[] = { 0, 1, 2, 0, 255 };
	struct {
		const char *k;
		int kind; /* 0 int, 1 text, 2 text with len, 3 blob, 4 null, 5 NULL text */
		int64_t i;
		const char *s;
	} rows[] = {
		{ "max", 0, INT64_MAX, NULL },   { "min", 0, INT64_MIN, NULL },
		{ "zh", 1, 0, "邻里中心" },       { "cut", 2, 0, "abcdef" },
		{ "blob", 3, 0, NULL },           { "null", 4, 0, NULL },
		{ "nulltext", 5, 0, NULL },
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		st = store_prepare(fx.db, sql_kv_insert, &e);
		stmt_bind_text(st, 1, rows[i].k, SIZE_MAX);
		switch (rows[i].kind) {
		case 0: stmt_bind_int(st, 2, rows[i].i); break;
		case 1: stmt_bind_text(st, 2, rows[i].s, SIZE_MAX); break;
		case 2: stmt_bind_text(st, 2, rows[i].s, 3); break;
		case 3: stmt_bind_blob(st, 2, blob, sizeof(blob)); break;
		case 4: stmt_bind_null(st, 2); break;
		case 5: stmt_bind_text(st, 2, NULL, 0); break;
		}
		assert_int_equal(stmt_exec(st, &e), 0);
	}

	st = store_prepare(fx.db, sql_kv_get, &e);
	stmt_bind_text(st, 1, "max", SIZE_MAX);
	assert_int_equal(stmt_step(st, &e), STORE_ROW);
	assert_true(stmt_int(st, 0) == INT64_MAX);
	stmt_done(st);

	st = store_prepare(fx.db, sql_kv_get, &e);
	stmt_bind_text(st, 1, "min", SIZE_MAX);
	assert_int_equal(stmt_step(st, &e), STORE_ROW);
	assert_true(stmt_int(st, 0) == INT64_MIN);
	stmt_done(st);

	st = store_prepare(fx.db, sql_kv_get, &e);
	stmt_bind_text(st, 1, "zh", SIZE_MAX);
	assert_int_equal(stmt_step(st, &e), STORE_ROW);
	assert_string_equal(stmt_text(st, 0), "邻里中心");
	assert_int_equal(stmt_len(st, 0), strlen("邻里中心"));
	stmt_done(st);

	st = store_prepare(fx.db, sql_kv_get, &e);
	stmt_bind_text(st, 1, "cut", SIZE_MAX);
	assert_int_equal(stmt_step(st, &e), STORE_ROW);
	assert_string_equal(stmt_text(st, 0), "abc");
	stmt_done(st);

	st = store_prepare(fx.db, sql_kv_get, &e);
	stmt_bind_text(st, 1, "blob", SIZE_MAX);
	assert_int_equal(stmt_step(st, &e), STORE_ROW);
	assert_string_equal(stmt_text(st, 1), "blob");
	assert_int_equal(stmt_len(st, 0), sizeof(blob));
	assert_memory_equal(stmt_blob(st, 0), blob, sizeof(blob));
	stmt_done(st);

	const char *nulls[] = { "null", "nulltext" };
	for (int i = 0; i < 2; i++) {
		st = store_prepare(fx.db, sql_kv_get, &e);
		stmt_bind_text(st, 1, nulls[i], SIZE_MAX);
		assert_int_equal(stmt_step(st, &e), STORE_ROW);
		assert_true(stmt_is_null(st, 0));
		assert_string_equal(stmt_text(st, 0), "");
		assert_int_equal(stmt_int(st, 0), 0);
		stmt_done(st);
	}

	/* no row */
	st = store_prepare(fx.db, sql_kv_get, &e);
	stmt_bind_text(st, 1, "absent", SIZE_MAX);
	assert_int_equal(stmt_step(st, &e), STORE_DONE);
	stmt_done(st);

	/* store_changes counts the rows of the last write */
	st = store_prepare(fx.db, sql_kv_update, &e);
	assert_int_equal(stmt_exec(st, &e), 0);
	assert_int_equal(store_changes(fx.db), 7);
	assert_int_equal(e.code, ERR_NONE);
}

/* ---- transactions ---- */

static void insert_kv(const char *k)
{
	struct err e = ERR_INIT;
	struct stmt *st = store_prepare(fx.db, sql_kv_insert, &e);
	stmt_bind_text(st, 1, k, SIZE_MAX);
	stmt_bind_int(st, 2, 1);
	assert_int_equal(stmt_exec(st, &e), 0);
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
	struct stmt *st = store_prepare(other, sql_kv_count, &e);
	assert_int_equal(stmt_step(st, &e), STORE_ROW);
	assert_int_equal(stmt_int(st, 0), 0); /* WAL: the reader sees the old snapshot */
	stmt_done(st);
	assert_int_equal(store_commit(fx.db, &e), 0);
	st = store_prepare(other, sql_kv_count, &e);
	assert_int_equal(stmt_step(st, &e), STORE_ROW);
	assert_int_equal(stmt_int(st, 0), 1);
	stmt_done(st);

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
	store_close(other);
}

static void test_read_transaction(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	make_kv();
	assert_int_equal(store_read_begin(fx.db, &e), 0);
	assert_false(store_in_tx(fx.db)); /* not a write transaction */
	assert_int_equal(count(sql_kv_count), 0);
	/* a write inside a read ends the read first */
	assert_int_equal(store_begin(fx.db, &e), 0);
	assert_true(store_in_tx(fx.db));
	insert_kv("x");
	assert_int_equal(store_commit(fx.db, &e), 0);
	store_read_end(fx.db); /* nothing open: harmless */
	assert_int_equal(count(sql_kv_count), 1);
	/* read_begin inside a write transaction is a no-op */
	assert_int_equal(store_begin(fx.db, &e), 0);
	assert_int_equal(store_read_begin(fx.db, &e), 0);
	insert_kv("y");
	store_read_end(fx.db);
	assert_true(store_in_tx(fx.db));
	assert_int_equal(store_commit(fx.db, &e), 0);
	assert_int_equal(count(sql_kv_count), 2);
	assert_int_equal(e.code, ERR_NONE);
}

/* ---- backup and restore ---- */

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

#define DB_TEST(f) cmocka_unit_test_setup_teardown(f, db_setup, db_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		DB_TEST(test_open_fresh),
		DB_TEST(test_open_refusals),
		DB_TEST(test_migrate_once),
		DB_TEST(test_migrate_new_step_only),
		DB_TEST(test_migrate_versions_checked_one_by_one),
		DB_TEST(test_migrate_failure_rolls_back),
		DB_TEST(test_cache_same_pointer_same_stmt),
		DB_TEST(test_cache_bad_sql),
		DB_TEST(test_cache_statement_reused_after_done),
		DB_TEST(test_cache_prepare_resets),
		DB_TEST(test_constraint_is_conflict),
		DB_TEST(test_bind_and_columns),
		DB_TEST(test_begin_commit_rollback),
		DB_TEST(test_second_connection_sees_commits_only),
		DB_TEST(test_read_transaction),
		DB_TEST(test_backup_and_restore),
		DB_TEST(test_restore_refusals),
		DB_TEST(test_backup_to_missing_dir),
	};
	return cmocka_run_group_tests_name("store/sqlite", tests, group_setup, group_teardown);
}
