/*
 * store_sqlite.c - the SQLite backend of store.h.
 *
 * Settings on every connection: WAL journal (readers never block the
 * writer), foreign keys on, busy_timeout, and `synchronous` as configured
 * (FULL by default: a commit that returned survives a crash and a power
 * loss; NORMAL survives a crash of linli itself but may lose the newest
 * commits when the machine loses power).
 *
 * The statement cache is an open-addressing table keyed by the address of
 * the SQL text.  Statements are prepared with SQLITE_PREPARE_PERSISTENT.
 *
 * This is the only backend today; when the PostgreSQL backend arrives the
 * public functions become a dispatch over a small table of operations.
 */
#include "store/store.h"

#include "core/arena.h"
#include "core/log.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { CACHE_SLOTS = 256 };

struct stmt {
	sqlite3_stmt *st;
	struct store *store;
	const char *sql; /* cache key */
};

struct store {
	sqlite3 *db;
	bool in_tx;   /* a write transaction of store_begin() */
	bool read_tx; /* a read transaction of store_read_begin() */
	struct stmt cache[CACHE_SLOTS];
	struct store *next_open; /* list of per-thread connections */
};

static int fail(struct store *s, struct err *e, int rc, const char *what)
{
	const char *msg = s && s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc);
	int prim = rc & 0xff;

	if (prim == SQLITE_CONSTRAINT)
		return err_set(e, ERR_CONFLICT, NULL, "conflicts with stored data");
	if (prim == SQLITE_BUSY || prim == SQLITE_LOCKED || prim == SQLITE_IOERR ||
	    prim == SQLITE_CANTOPEN || prim == SQLITE_FULL || prim == SQLITE_READONLY) {
		log_warn("store: %s: %s", what, msg);
		return err_set(e, ERR_UNAVAILABLE, NULL, "database unavailable, try again");
	}
	log_error("store: %s: %s", what, msg);
	return err_set(e, ERR_INTERNAL, NULL, "database error");
}

int store_open(struct store **out, const char *url,
	       const struct store_options *opt, struct err *e)
{
	static const struct store_options defaults = { 0 };
	struct store *s = xcalloc(1, sizeof(*s));
	char pragmas[256];
	int flags, rc;

	*out = NULL;
	if (!opt)
		opt = &defaults;
	if (!strncmp(url, "postgres://", 11) || !strncmp(url, "postgresql://", 13)) {
		free(s);
		return err_set(e, ERR_UNAVAILABLE, "db",
			       "the PostgreSQL backend is not built yet; use a SQLite file");
	}
	flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI |
		(opt->read_only ? SQLITE_OPEN_READONLY
				: SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
	rc = sqlite3_open_v2(url, &s->db, flags, NULL);
	if (rc != SQLITE_OK) {
		fail(s, e, rc, url);
		store_close(s);
		return -1;
	}
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, opt->busy_timeout_ms ? opt->busy_timeout_ms : 5000);
	const char *sync = opt->synchronous ? opt->synchronous : "full";
	if (strcmp(sync, "full") && strcmp(sync, "normal") && strcmp(sync, "off")) {
		store_close(s);
		return err_set(e, ERR_INVALID, "synchronous",
			       "synchronous must be full, normal or off");
	}
	snprintf(pragmas, sizeof(pragmas),
		 "PRAGMA foreign_keys=ON; PRAGMA synchronous=%s;"
		 " PRAGMA cache_size=-2000; PRAGMA temp_store=MEMORY;",
		 sync);
	if (store_exec(s, opt->read_only ? "PRAGMA foreign_keys=ON" : "PRAGMA journal_mode=WAL", e) < 0 ||
	    store_exec(s, pragmas, e) < 0) {
		store_close(s);
		return -1;
	}
	*out = s;
	return 0;
}

void store_close(struct store *s)
{
	if (!s)
		return;
	for (int i = 0; i < CACHE_SLOTS; i++)
		sqlite3_finalize(s->cache[i].st);
	sqlite3_close(s->db);
	free(s);
}

struct stmt *store_prepare(struct store *s, const char *sql, struct err *e)
{
	uintptr_t h = ((uintptr_t)sql >> 3) * 0x9e3779b97f4a7c15u;
	unsigned i = (unsigned)(h >> 56) % CACHE_SLOTS;

	for (int probe = 0; probe < CACHE_SLOTS; probe++, i = (i + 1) % CACHE_SLOTS) {
		struct stmt *c = &s->cache[i];
		if (c->sql == sql) {
			stmt_done(c); /* as promised: reset, no bindings */
			return c;
		}
		if (c->sql)
			continue;
		int rc = sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
					    &c->st, NULL);
		if (rc != SQLITE_OK) {
			fail(s, e, rc, sql);
			c->st = NULL;
			return NULL;
		}
		c->sql = sql;
		c->store = s;
		return c;
	}
	log_error("store: statement cache full");
	err_set(e, ERR_INTERNAL, NULL, "statement cache full");
	return NULL;
}

void stmt_bind_int(struct stmt *st, int idx, int64_t v)
{
	sqlite3_bind_int64(st->st, idx, v);
}

void stmt_bind_text(struct stmt *st, int idx, const char *str, size_t len)
{
	if (!str) {
		sqlite3_bind_null(st->st, idx);
		return;
	}
	if (len == SIZE_MAX)
		len = strlen(str);
	sqlite3_bind_text64(st->st, idx, str, len, SQLITE_TRANSIENT, SQLITE_UTF8);
}

void stmt_bind_blob(struct stmt *st, int idx, const void *p, size_t len)
{
	sqlite3_bind_blob64(st->st, idx, p, len, SQLITE_TRANSIENT);
}

void stmt_bind_null(struct stmt *st, int idx)
{
	sqlite3_bind_null(st->st, idx);
}

int stmt_step(struct stmt *st, struct err *e)
{
	int rc = sqlite3_step(st->st);
	if (rc == SQLITE_ROW)
		return STORE_ROW;
	if (rc == SQLITE_DONE)
		return STORE_DONE;
	return fail(st->store, e, rc, st->sql);
}

int stmt_exec(struct stmt *st, struct err *e)
{
	int rc;
	while ((rc = stmt_step(st, e)) == STORE_ROW)
		;
	stmt_done(st);
	return rc < 0 ? -1 : 0;
}

int64_t stmt_int(struct stmt *st, int col)
{
	return sqlite3_column_int64(st->st, col);
}

const char *stmt_text(struct stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st->st, col);
	return t ? (const char *)t : "";
}

size_t stmt_len(struct stmt *st, int col)
{
	return (size_t)sqlite3_column_bytes(st->st, col);
}

const void *stmt_blob(struct stmt *st, int col)
{
	return sqlite3_column_blob(st->st, col);
}

bool stmt_is_null(struct stmt *st, int col)
{
	return sqlite3_column_type(st->st, col) == SQLITE_NULL;
}

void stmt_done(struct stmt *st)
{
	if (!st)
		return;
	sqlite3_reset(st->st);
	sqlite3_clear_bindings(st->st);
}

int64_t store_changes(struct store *s)
{
	return sqlite3_changes64(s->db);
}

int store_ping(struct store *s, struct err *e)
{
	static const char sql[] = "SELECT 1";
	struct stmt *st = store_prepare(s, sql, e);
	if (!st)
		return -1;
	int rc = stmt_step(st, e);
	stmt_done(st);
	return rc == STORE_ROW ? 0 : -1;
}

int store_exec(struct store *s, const char *sql, struct err *e)
{
	int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
	return rc == SQLITE_OK ? 0 : fail(s, e, rc, "exec");
}

static const char sql_begin_write[] = "BEGIN IMMEDIATE";
static const char sql_begin_read[] = "BEGIN";
static const char sql_commit[] = "COMMIT";

/* Runs one of the transaction statements above through the cache. */
static int tx_step(struct store *s, const char *sql, struct err *e)
{
	struct stmt *st = store_prepare(s, sql, e);
	return st ? stmt_exec(st, e) : -1;
}

int store_read_begin(struct store *s, struct err *e)
{
	if (s->in_tx || s->read_tx)
		return 0;
	if (tx_step(s, sql_begin_read, e) < 0)
		return -1;
	s->read_tx = true;
	return 0;
}

void store_read_end(struct store *s)
{
	struct err e = ERR_INIT;
	if (!s->read_tx)
		return;
	s->read_tx = false;
	if (tx_step(s, sql_commit, &e) < 0)
		store_rollback(s);
}

int store_begin(struct store *s, struct err *e)
{
	store_read_end(s);
	if (tx_step(s, sql_begin_write, e) < 0)
		return -1;
	s->in_tx = true;
	return 0;
}

int store_commit(struct store *s, struct err *e)
{
	if (tx_step(s, sql_commit, e) < 0) {
		store_rollback(s);
		return -1;
	}
	s->in_tx = false;
	return 0;
}

bool store_in_tx(struct store *s)
{
	return s->in_tx;
}

void store_rollback(struct store *s)
{
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	s->in_tx = false;
	s->read_tx = false;
}

/* ---- migrations ---- */

static const char sql_meta[] =
	"CREATE TABLE IF NOT EXISTS schema_migrations ("
	" version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)";
static const char sql_version[] = "SELECT COALESCE(MAX(version), 0) FROM schema_migrations";
static const char sql_record[] =
	"INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, strftime('%s','now'))";

/* Replaces the dialect tokens of a migration with SQLite's forms. */
static char *dialect(const char *sql)
{
	static const char token[] = "@id";
	static const char repl[] = "INTEGER PRIMARY KEY";
	size_t n = 0;
	for (const char *p = sql; (p = strstr(p, token)); p += sizeof(token) - 1)
		n++;
	char *out = xmalloc(strlen(sql) + n * sizeof(repl) + 1), *o = out;
	const char *p = sql, *q;
	while ((q = strstr(p, token))) {
		memcpy(o, p, (size_t)(q - p));
		o += q - p;
		memcpy(o, repl, sizeof(repl) - 1);
		o += sizeof(repl) - 1;
		p = q + sizeof(token) - 1;
	}
	strcpy(o, p);
	return out;
}

int store_version(struct store *s, struct err *e)
{
	struct stmt *st;
	int v = 0;

	if (store_exec(s, sql_meta, e) < 0 || !(st = store_prepare(s, sql_version, e)))
		return -1;
	if (stmt_step(st, e) == STORE_ROW)
		v = (int)stmt_int(st, 0);
	stmt_done(st);
	return err_is_set(e) ? -1 : v;
}

static const char sql_applied[] = "SELECT version FROM schema_migrations ORDER BY version";

/* Reads the applied versions into a heap array; caller frees. */
static int applied_versions(struct store *s, int **out, size_t *n, struct err *e)
{
	struct stmt *st;
	size_t cap = 16;
	int rc;

	*out = NULL;
	*n = 0;
	if (store_exec(s, sql_meta, e) < 0 || !(st = store_prepare(s, sql_applied, e)))
		return -1;
	*out = xmalloc(cap * sizeof(**out));
	while ((rc = stmt_step(st, e)) == STORE_ROW) {
		if (*n == cap)
			*out = xrealloc(*out, (cap *= 2) * sizeof(**out));
		(*out)[(*n)++] = (int)stmt_int(st, 0);
	}
	stmt_done(st);
	return rc < 0 ? -1 : 0;
}

/*
 * Applies, in the listed order, every migration whose version is not yet
 * recorded.  Versions are checked one by one rather than against the
 * newest, so modules can keep their own ranges of numbers.
 */
int store_migrate(struct store *s, const struct migration *m, size_t n,
		  int *applied, struct err *e)
{
	int count = 0, *have = NULL;
	size_t nhave = 0;

	if (applied)
		*applied = 0;
	if (applied_versions(s, &have, &nhave, e) < 0) {
		free(have);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		bool done = false;
		for (size_t k = 0; k < nhave && !done; k++)
			done = have[k] == m[i].version;
		if (done)
			continue;
		char *sql = dialect(m[i].sql);
		struct stmt *st;
		int rc = store_begin(s, e);
		if (rc == 0)
			rc = store_exec(s, sql, e);
		free(sql);
		if (rc == 0 && (st = store_prepare(s, sql_record, e))) {
			stmt_bind_int(st, 1, m[i].version);
			stmt_bind_text(st, 2, m[i].name, SIZE_MAX);
			rc = stmt_exec(st, e);
		} else {
			rc = -1;
		}
		if (rc == 0)
			rc = store_commit(s, e);
		if (rc < 0) {
			store_rollback(s);
			log_error("migration %d (%s) failed: %s", m[i].version, m[i].name, e->message);
			free(have);
			if (applied)
				*applied = count; /* those before it stay applied */
			return -1;
		}
		count++;
	}
	free(have);
	if (applied)
		*applied = count;
	return 0;
}

/* ---- backup and restore ---- */

static int copy_db(sqlite3 *from, sqlite3 *to, struct err *e)
{
	sqlite3_backup *b = sqlite3_backup_init(to, "main", from, "main");
	int rc;

	if (!b)
		return err_set(e, ERR_UNAVAILABLE, NULL, "backup: %s", sqlite3_errmsg(to));
	/* Small steps with a pause let the server's writers through. */
	while ((rc = sqlite3_backup_step(b, 256)) == SQLITE_OK ||
	       rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
		if (rc != SQLITE_OK)
			sqlite3_sleep(5);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE)
		return err_set(e, ERR_UNAVAILABLE, NULL, "backup: %s", sqlite3_errstr(rc));
	return 0;
}

int store_backup(struct store *s, const char *path, struct err *e)
{
	sqlite3 *to = NULL;
	int rc;

	if (access(path, F_OK) == 0)
		return err_set(e, ERR_CONFLICT, "file", "%s exists; choose a new file", path);
	rc = sqlite3_open_v2(path, &to, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	if (rc != SQLITE_OK) {
		err_set(e, ERR_UNAVAILABLE, "file", "cannot create %s", path);
		sqlite3_close(to);
		return -1;
	}
	rc = copy_db(s->db, to, e);
	if (rc == 0 && sqlite3_exec(to, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL) != SQLITE_OK)
		rc = err_set(e, ERR_UNAVAILABLE, "file", "cannot finish %s", path);
	sqlite3_close(to);
	return rc;
}

static int check_sound(sqlite3 *db, struct err *e)
{
	sqlite3_stmt *st = NULL;
	int ok = 0;

	if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		ok = !strcmp((const char *)sqlite3_column_text(st, 0), "ok");
	sqlite3_finalize(st);
	if (!ok)
		return err_set(e, ERR_INVALID, "file", "the backup fails its integrity check");
	st = NULL;
	ok = sqlite3_prepare_v2(db, sql_version, -1, &st, NULL) == SQLITE_OK &&
	     sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) > 0;
	sqlite3_finalize(st);
	if (!ok)
		return err_set(e, ERR_INVALID, "file", "the file is not a linli database");
	return 0;
}

int store_restore(struct store *s, const char *path, struct err *e)
{
	sqlite3 *from = NULL;
	int rc;

	if (sqlite3_open_v2(path, &from, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		sqlite3_close(from);
		return err_set(e, ERR_INVALID, "file", "cannot open %s", path);
	}
	rc = check_sound(from, e);
	if (rc == 0)
		rc = copy_db(from, s->db, e);
	sqlite3_close(from);
	return rc;
}

/* ---- per-thread connections ---- */

static char *thread_url;
static struct store_options thread_opt;
static pthread_key_t thread_key;
static pthread_once_t thread_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t open_lock = PTHREAD_MUTEX_INITIALIZER;
static struct store *open_list;

static void forget(struct store *s)
{
	pthread_mutex_lock(&open_lock);
	for (struct store **p = &open_list; *p; p = &(*p)->next_open) {
		if (*p == s) {
			*p = s->next_open;
			break;
		}
	}
	pthread_mutex_unlock(&open_lock);
}

static void thread_exit(void *p)
{
	forget(p);
	store_close(p);
}

static void make_key(void)
{
	pthread_key_create(&thread_key, thread_exit);
}

void store_thread_setup(const char *url, const struct store_options *opt)
{
	pthread_once(&thread_once, make_key);
	free(thread_url);
	thread_url = xstrdup(url);
	thread_opt = opt ? *opt : (struct store_options){ 0 };
	if (thread_opt.synchronous)
		thread_opt.synchronous = xstrdup(thread_opt.synchronous);
}

struct store *store_thread(struct err *e)
{
	struct store *s = pthread_getspecific(thread_key);
	if (s)
		return s;
	if (store_open(&s, thread_url, &thread_opt, e) < 0)
		return NULL;
	pthread_mutex_lock(&open_lock);
	s->next_open = open_list;
	open_list = s;
	pthread_mutex_unlock(&open_lock);
	pthread_setspecific(thread_key, s);
	return s;
}

void store_thread_shutdown(void)
{
	pthread_mutex_lock(&open_lock);
	struct store *s = open_list;
	open_list = NULL;
	pthread_mutex_unlock(&open_lock);
	while (s) {
		struct store *next = s->next_open;
		store_close(s);
		s = next;
	}
	pthread_setspecific(thread_key, NULL);
	free(thread_url);
	thread_url = NULL;
	free((char *)thread_opt.synchronous);
	thread_opt.synchronous = NULL;
}
