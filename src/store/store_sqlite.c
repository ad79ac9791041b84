/*
 * store_sqlite.c - the SQLite backend of store.h (see backend.h).
 *
 * Settings on every connection: WAL journal (readers never block the
 * writer), foreign keys on, busy_timeout, and `synchronous` as configured
 * (FULL by default: a commit that returned survives a crash and a power
 * loss; NORMAL survives a crash of linli itself but may lose the newest
 * commits when the machine loses power).
 *
 * Group sync.  With `synchronous` FULL SQLite syncs the write-ahead log at
 * every commit, so a burst of small writes runs at the disk's fsync rate
 * (a few hundred per second on an ordinary disk), one writer after another.
 * Instead, by default, the connections run at NORMAL (a commit writes its
 * frames to the log but does not sync it) and store_commit() does not
 * return until a sync of the log that *started after* the commit finished
 * has completed: the first committer to arrive becomes the leader, notes
 * how many commits have finished, syncs the log once with fdatasync(), and
 * releases every committer up to that count; those that came meanwhile are
 * covered by the next sync.  So a commit that returned is on disk exactly
 * as with FULL (a crash of linli, of the machine, or a power loss keeps
 * it), while one sync serves every transaction that committed during the
 * previous one: concurrent writers are group-committed.  Checkpoints keep
 * their own syncs (NORMAL syncs the log before a checkpoint and the
 * database after it).  LINLI_GROUP_COMMIT=0 restores SQLite's own FULL;
 * `normal` and `off` are as SQLite defines them.
 *
 * Statements are prepared with SQLITE_PREPARE_PERSISTENT (store.c caches
 * them for the life of the connection).  A write transaction is BEGIN
 * IMMEDIATE: the write lock is taken at once, so two writers never
 * deadlock upgrading a read lock; a read transaction is a deferred BEGIN,
 * whose snapshot starts at its first read.
 */
#include "store/backend.h"

#include "core/arena.h"
#include "core/log.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct lite_stmt {
	struct stmt base;
	sqlite3_stmt *st;
};

/* The group sync of one database file, shared by its connections in this
 * process (found by path; never freed: a process opens few files). */
struct syncer {
	/* Writers of this process queue here before BEGIN IMMEDIATE: a handoff
	 * on a mutex instead of SQLite's busy handler, which sleeps (1, 2, 5, 10
	 * ... 100 ms) and lets a burst of writers starve each other.  Other
	 * processes (a backup, the command line) still meet the busy timeout. */
	pthread_mutex_t writer;
	pthread_mutex_t mu;
	pthread_cond_t done;
	uint64_t finished; /* commits that returned from COMMIT */
	uint64_t synced;   /* commits up to this count are durable */
	bool busy;         /* a leader is syncing */
	char *wal;         /* path of the write-ahead log */
	struct syncer *next;
};

struct lite {
	struct store base;
	sqlite3 *db;
	struct syncer *file; /* this file's writer queue and group sync, or NULL */
	bool group;          /* commits wait for the group sync */
	bool writing;        /* holds file->writer */
};

static pthread_mutex_t syncers_mu = PTHREAD_MUTEX_INITIALIZER;
static struct syncer *syncers;
static _Atomic uint64_t count_commits, count_syncs;

void store_sync_counts(uint64_t *commits, uint64_t *syncs)
{
	*commits = atomic_load(&count_commits);
	*syncs = atomic_load(&count_syncs);
}

static struct syncer *syncer_for(const char *dbfile)
{
	struct syncer *y;
	char *wal;
	if (!dbfile || !*dbfile)
		return NULL; /* a temporary or in-memory database */
	wal = xmalloc(strlen(dbfile) + 5);
	strcpy(wal, dbfile);
	strcat(wal, "-wal");
	pthread_mutex_lock(&syncers_mu);
	for (y = syncers; y && strcmp(y->wal, wal); y = y->next)
		;
	if (!y) {
		y = xcalloc(1, sizeof(*y));
		pthread_mutex_init(&y->writer, NULL);
		pthread_mutex_init(&y->mu, NULL);
		pthread_cond_init(&y->done, NULL);
		y->wal = wal;
		wal = NULL;
		y->next = syncers;
		syncers = y;
	}
	pthread_mutex_unlock(&syncers_mu);
	free(wal);
	return y;
}

/* Syncs the log; 0, or -1 with errno. */
static int sync_wal(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc;
	if (fd < 0)
		return errno == ENOENT ? 0 : -1; /* no log: everything is in the database */
	rc = fdatasync(fd);
	close(fd);
	return rc;
}

static int lite_durable(struct store *s, struct err *e)
{
	struct lite *l = (struct lite *)s;
	struct syncer *y = l->file;
	uint64_t mine;
	int rc = 0;

	if (!y || !l->group)
		return 0;
	pthread_mutex_lock(&y->mu);
	mine = ++y->finished;
	while (y->synced < mine && rc == 0) {
		if (y->busy) {
			pthread_cond_wait(&y->done, &y->mu);
			continue;
		}
		uint64_t upto = y->finished;
		y->busy = true;
		pthread_mutex_unlock(&y->mu);
		rc = sync_wal(y->wal);
		atomic_fetch_add(&count_syncs, 1);
		pthread_mutex_lock(&y->mu);
		y->busy = false;
		if (rc == 0 && upto > y->synced)
			y->synced = upto;
		pthread_cond_broadcast(&y->done);
	}
	pthread_mutex_unlock(&y->mu);
	atomic_fetch_add(&count_commits, 1);
	if (rc < 0) {
		log_error("store: fdatasync %s: %s", y->wal, strerror(errno));
		return err_set(e, ERR_UNAVAILABLE, NULL, "database unavailable, try again");
	}
	return 0;
}

static const struct store_ops lite_ops;

static sqlite3 *db_of(struct store *s)
{
	return ((struct lite *)s)->db;
}

static sqlite3_stmt *st_of(struct stmt *st)
{
	return ((struct lite_stmt *)st)->st;
}

static int fail(sqlite3 *db, struct err *e, int rc, const char *what)
{
	const char *msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
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

int store_open_sqlite(struct store **out, const char *url, const struct store_options *opt,
		      struct err *e)
{
	struct lite *l = xcalloc(1, sizeof(*l));
	char pragmas[256];
	int flags, rc;

	l->base.ops = &lite_ops;
	flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI |
		(opt->read_only ? SQLITE_OPEN_READONLY
				: SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
	rc = sqlite3_open_v2(url, &l->db, flags, NULL);
	if (rc != SQLITE_OK) {
		fail(l->db, e, rc, url);
		store_close(&l->base);
		return -1;
	}
	sqlite3_extended_result_codes(l->db, 1);
	sqlite3_busy_timeout(l->db, opt->busy_timeout_ms ? opt->busy_timeout_ms : 5000);
	const char *sync = opt->synchronous ? opt->synchronous : "full";
	if (!opt->read_only)
		l->file = syncer_for(sqlite3_db_filename(l->db, "main"));
	if (l->file && !opt->no_group_commit && !strcmp(sync, "full")) {
		l->group = true;
		sync = "normal"; /* and every commit waits for the group sync */
	}
	snprintf(pragmas, sizeof(pragmas),
		 "PRAGMA foreign_keys=ON; PRAGMA synchronous=%s;"
		 " PRAGMA cache_size=-2000; PRAGMA temp_store=MEMORY;",
		 sync);
	const char *first = opt->read_only ? "PRAGMA foreign_keys=ON" : "PRAGMA journal_mode=WAL";
	if (store_exec(&l->base, first, e) < 0 || store_exec(&l->base, pragmas, e) < 0) {
		store_close(&l->base);
		return -1;
	}
	*out = &l->base;
	return 0;
}

static void lite_close(struct store *s)
{
	sqlite3_close(db_of(s));
	free(s);
}

static struct stmt *lite_prepare(struct store *s, const char *sql, struct err *e)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v3(db_of(s), sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
	if (rc != SQLITE_OK) {
		fail(db_of(s), e, rc, sql);
		sqlite3_finalize(st);
		return NULL;
	}
	struct lite_stmt *ls = xcalloc(1, sizeof(*ls));
	ls->st = st;
	return &ls->base;
}

static void lite_finalize(struct stmt *st)
{
	sqlite3_finalize(st_of(st));
	free(st);
}

static void lite_reset(struct stmt *st)
{
	sqlite3_reset(st_of(st));
	sqlite3_clear_bindings(st_of(st));
}

static void lite_bind_int(struct stmt *st, int idx, int64_t v)
{
	sqlite3_bind_int64(st_of(st), idx, v);
}

static void lite_bind_text(struct stmt *st, int idx, const char *str, size_t len)
{
	sqlite3_bind_text64(st_of(st), idx, str, len, SQLITE_TRANSIENT, SQLITE_UTF8);
}

static void lite_bind_blob(struct stmt *st, int idx, const void *p, size_t len)
{
	sqlite3_bind_blob64(st_of(st), idx, p, len, SQLITE_TRANSIENT);
}

static void lite_bind_null(struct stmt *st, int idx)
{
	sqlite3_bind_null(st_of(st), idx);
}

static int lite_step(struct stmt *st, struct err *e)
{
	int rc = sqlite3_step(st_of(st));
	if (rc == SQLITE_ROW)
		return STORE_ROW;
	if (rc == SQLITE_DONE)
		return STORE_DONE;
	return fail(db_of(st->store), e, rc, st->sql ? st->sql : sqlite3_sql(st_of(st)));
}

static int lite_columns(struct stmt *st)
{
	return sqlite3_column_count(st_of(st));
}

static enum store_type lite_type(struct stmt *st, int col)
{
	switch (sqlite3_column_type(st_of(st), col)) {
	case SQLITE_INTEGER:
		return STORE_T_INT;
	case SQLITE_FLOAT:
		return STORE_T_FLOAT;
	case SQLITE_TEXT:
		return STORE_T_TEXT;
	case SQLITE_BLOB:
		return STORE_T_BLOB;
	default:
		return STORE_T_NULL;
	}
}

static int64_t lite_col_int(struct stmt *st, int col)
{
	return sqlite3_column_int64(st_of(st), col);
}

static const char *lite_col_text(struct stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st_of(st), col);
	return t ? (const char *)t : "";
}

static size_t lite_col_len(struct stmt *st, int col)
{
	return (size_t)sqlite3_column_bytes(st_of(st), col);
}

static const void *lite_col_blob(struct stmt *st, int col)
{
	return sqlite3_column_blob(st_of(st), col);
}

static int64_t lite_changes(struct store *s)
{
	return sqlite3_changes64(db_of(s));
}

static int lite_exec(struct store *s, const char *sql, struct err *e)
{
	int rc = sqlite3_exec(db_of(s), sql, NULL, NULL, NULL);
	return rc == SQLITE_OK ? 0 : fail(db_of(s), e, rc, "exec");
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

static void writer_release(struct lite *l)
{
	if (l->writing) {
		l->writing = false;
		pthread_mutex_unlock(&l->file->writer);
	}
}

static int lite_begin(struct store *s, bool write, struct err *e)
{
	struct lite *l = (struct lite *)s;
	if (!write)
		return tx_step(s, sql_begin_read, e);
	if (l->file && !l->writing) {
		pthread_mutex_lock(&l->file->writer);
		l->writing = true;
	}
	if (tx_step(s, sql_begin_write, e) < 0) {
		writer_release(l);
		return -1;
	}
	return 0;
}

/* On failure the transaction stays open and the writer queue held: the
 * caller rolls back, which releases both. */
static int lite_commit(struct store *s, struct err *e)
{
	if (tx_step(s, sql_commit, e) < 0)
		return -1;
	writer_release((struct lite *)s);
	return 0;
}

static void lite_rollback(struct store *s)
{
	if (!sqlite3_get_autocommit(db_of(s)))
		sqlite3_exec(db_of(s), "ROLLBACK", NULL, NULL, NULL);
	writer_release((struct lite *)s);
}

/* ---- migrations and the catalog ---- */

static const char sql_meta[] =
	"CREATE TABLE IF NOT EXISTS schema_migrations ("
	" version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)";
static const char sql_version[] = "SELECT COALESCE(MAX(version), 0) FROM schema_migrations";
static const char sql_record[] = "INSERT INTO schema_migrations (version, name, applied_at)"
				 " VALUES (?, ?, strftime('%s','now'))";
static const char sql_tables[] =
	"SELECT name FROM sqlite_master WHERE type = 'table'"
	" AND name NOT LIKE 'sqlite!_%' ESCAPE '!' AND name <> 'schema_migrations' ORDER BY rowid";
static const char sql_columns[] = "SELECT name FROM pragma_table_info(?) ORDER BY cid";

static int lite_ensure_meta(struct store *s, struct err *e)
{
	return store_exec(s, sql_meta, e);
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

static int lite_backup(struct store *s, const char *path, struct err *e)
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
	rc = copy_db(db_of(s), to, e);
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

static int lite_restore(struct store *s, const char *path, struct err *e)
{
	sqlite3 *from = NULL;
	int rc;

	if (sqlite3_open_v2(path, &from, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		sqlite3_close(from);
		return err_set(e, ERR_INVALID, "file", "cannot open %s", path);
	}
	rc = check_sound(from, e);
	if (rc == 0)
		rc = copy_db(from, db_of(s), e);
	sqlite3_close(from);
	return rc;
}

static const struct store_ops lite_ops = {
	.name = "sqlite",
	.id_type = "INTEGER PRIMARY KEY",
	.keyed_table = " WITHOUT ROWID",
	.sql_record = sql_record,
	.sql_tables = sql_tables,
	.sql_columns = sql_columns,
	.close = lite_close,
	.prepare = lite_prepare,
	.finalize = lite_finalize,
	.reset = lite_reset,
	.bind_int = lite_bind_int,
	.bind_text = lite_bind_text,
	.bind_blob = lite_bind_blob,
	.bind_null = lite_bind_null,
	.step = lite_step,
	.columns = lite_columns,
	.type = lite_type,
	.col_int = lite_col_int,
	.col_text = lite_col_text,
	.col_len = lite_col_len,
	.col_blob = lite_col_blob,
	.changes = lite_changes,
	.exec = lite_exec,
	.begin = lite_begin,
	.commit = lite_commit,
	.durable = lite_durable,
	.rollback = lite_rollback,
	.ensure_meta = lite_ensure_meta,
	.backup = lite_backup,
	.restore = lite_restore,
};
