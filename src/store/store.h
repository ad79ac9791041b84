/*
 * store.h - the storage interface every module uses; the only door to SQL.
 *
 * One struct store is one database connection, used by one thread at a time
 * (store_thread() hands each worker thread its own).  Statements are
 * prepared once per connection and cached, keyed by the address of the
 * module's `static const char` SQL text, so a hot query costs a bind and a
 * step.  SQL is written in the portable subset that SQLite and PostgreSQL
 * both run, with `?` placeholders (a backend translates them if it must).
 *
 * Backends: SQLite (a path, or file:...; store_sqlite.c) and PostgreSQL
 * (a postgres:// or postgresql:// URL; store_pg.c), chosen by store_open().
 * store.c holds what they share (backend.h).  Nothing outside src/store/
 * includes a database header.
 */
#ifndef LINLI_STORE_STORE_H
#define LINLI_STORE_STORE_H

#include "core/err.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct store;
struct stmt;

struct store_options {
	/* "full" (default), "normal" or "off"; see docs/architecture.md. */
	const char *synchronous;
	int busy_timeout_ms; /* 0 means 5000 */
	bool read_only;
	/* SQLite, "full": make each commit durable with SQLite's own sync per
	 * commit instead of the group sync (see store_sqlite.c); for
	 * comparison and as an escape hatch (LINLI_GROUP_COMMIT=0). */
	bool no_group_commit;
};

/* Counters of durable commits and of the syncs that made them durable,
 * since the process started (SQLite's group sync; 0 and 0 otherwise). */
void store_sync_counts(uint64_t *commits, uint64_t *syncs);

/* A versioned schema step.  In sql, `@id` stands for the backend's
 * 64-bit auto-increment primary key column type. */
struct migration {
	int version;      /* strictly increasing across the whole program */
	const char *name; /* short, e.g. "auth: users and sessions" */
	const char *sql;  /* one or more statements */
};

/*
 * Opens the database named by url: postgres://... or postgresql://... (a
 * libpq connection URI) is PostgreSQL, anything else a SQLite path or
 * file: URI.  On success *out owns a connection that the caller closes
 * with store_close().  Fails with ERR_UNAVAILABLE when the database cannot
 * be opened or reached, ERR_INVALID on bad options.
 */
int store_open(struct store **out, const char *url,
	       const struct store_options *opt, struct err *e);

/* Closes the connection and finalises its statements; NULL is fine. */
void store_close(struct store *s);

/*
 * Returns the cached prepared statement for sql (which must be a string
 * with static storage: its address is the cache key), reset and with no
 * bindings.  The statement is borrowed until stmt_done() or the next
 * store_prepare() of the same sql.  NULL with e filled on a bad statement.
 */
struct stmt *store_prepare(struct store *s, const char *sql, struct err *e);

/* Bindings, 1-based like SQL.  Text is copied; len SIZE_MAX means strlen.
 * A NULL text binds SQL NULL. */
void stmt_bind_int(struct stmt *st, int idx, int64_t v);
void stmt_bind_text(struct stmt *st, int idx, const char *s, size_t len);
void stmt_bind_blob(struct stmt *st, int idx, const void *p, size_t len);
void stmt_bind_null(struct stmt *st, int idx);

enum { STORE_DONE = 0, STORE_ROW = 1 };

/*
 * Runs the statement one step.  Returns STORE_ROW when a row is ready,
 * STORE_DONE when finished, -1 with e filled otherwise: a constraint
 * violation is ERR_CONFLICT, a busy or lost database ERR_UNAVAILABLE.
 * On PostgreSQL a value the column cannot hold (or text with a NUL byte)
 * is ERR_INVALID; a lost connection is re-established by the next call
 * made outside a transaction.
 */
int stmt_step(struct stmt *st, struct err *e);

/* Columns of the current row, 0-based.  Text and blobs are borrowed until
 * the next step or stmt_done(). */
int64_t stmt_int(struct stmt *st, int col);
const char *stmt_text(struct stmt *st, int col); /* "" for NULL */
size_t stmt_len(struct stmt *st, int col);
const void *stmt_blob(struct stmt *st, int col);
bool stmt_is_null(struct stmt *st, int col);

/* Resets the statement so the cache can hand it out again. */
void stmt_done(struct stmt *st);

/* Steps a statement with no rows to read; returns 0 or -1 (e filled). */
int stmt_exec(struct stmt *st, struct err *e);

/* Rows changed by the last completed INSERT, UPDATE or DELETE. */
int64_t store_changes(struct store *s);

/* Answers whether the database responds (a trivial query). */
int store_ping(struct store *s, struct err *e);

/* Runs sql without parameters (may hold several statements). */
int store_exec(struct store *s, const char *sql, struct err *e);

/*
 * A write transaction: taken at once (BEGIN IMMEDIATE on SQLite; on
 * PostgreSQL BEGIN and one advisory lock that all writers share), so
 * writers are serialised and never deadlock on an upgrade.  Fails with
 * ERR_UNAVAILABLE when the lock is not granted within the busy timeout.
 * store_commit() returns only when the transaction is durable to the
 * configured synchronous level; it fails (and rolls back) when no
 * transaction is open or, on PostgreSQL, when a statement in it failed.
 */
int store_begin(struct store *s, struct err *e);
int store_commit(struct store *s, struct err *e);
/*
 * A read transaction: every query until store_read_end() sees one snapshot,
 * and the locks are taken once instead of per statement.  store_begin()
 * inside it ends it first (the write then sees the newest data).
 */
int store_read_begin(struct store *s, struct err *e);
void store_read_end(struct store *s);

/* True while a transaction taken with store_begin() is open. */
bool store_in_tx(struct store *s);

/* Rolls back if a transaction is open; safe to call when none is. */
void store_rollback(struct store *s);

/* Applies every migration newer than the database's version, each in its
 * own transaction.  *applied (may be NULL) gets how many ran. */
int store_migrate(struct store *s, const struct migration *m, size_t n,
		  int *applied, struct err *e);

/* The newest applied migration version (0 for an empty database). */
int store_version(struct store *s, struct err *e);

/* A consistent copy of the live database into path (SQLite online backup;
 * safe while serving).  Fails if path exists.  On PostgreSQL it fails with
 * ERR_INVALID: use pg_dump. */
int store_backup(struct store *s, const char *path, struct err *e);

/* Replaces the database's contents with those of the backup at path, after
 * checking that it is a sound linli database.  Stop the server first.  On
 * PostgreSQL it fails with ERR_INVALID: use pg_restore. */
int store_restore(struct store *s, const char *path, struct err *e);

/*
 * Copies every row of every linli table from one database into another
 * (`linli migrate-data`, e.g. SQLite to PostgreSQL); both must be migrated
 * to the same versions.  Refuses (ERR_CONFLICT) a target that holds any
 * row unless merge is true, in which case the rows are added (and must not
 * collide).  All or nothing: one transaction on the target, read from one
 * snapshot of the source, and before committing each table's row count and
 * checksum are compared on both sides; any difference or error rolls back
 * and leaves the target as it was.  Auto-increment keys of the target
 * continue after the copied ids.  Writes one "table rows checksum ok" line
 * per table to progress (may be NULL).  Neither store is taken over; the
 * target should not be serving meanwhile (its writers wait for the copy).
 */
int store_copy(struct store *from, struct store *to, bool merge, FILE *progress,
	       struct err *e);

/*
 * Per-thread connections for the server.  store_thread_setup() records the
 * url and options (copied) once before threads start; store_thread() then
 * returns the calling thread's connection, opening it on first use, or NULL
 * with e filled.  Connections close when their thread exits and at
 * store_thread_shutdown().
 */
void store_thread_setup(const char *url, const struct store_options *opt);
struct store *store_thread(struct err *e);
void store_thread_shutdown(void);

#endif
