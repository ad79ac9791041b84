/*
 * backend.h - what store.c asks of a database backend; private to
 * src/store/ (modules include store.h only).
 *
 * store.c owns everything the backends share: the dispatch of store.h's
 * functions, the statement cache keyed by the SQL text's address, the
 * transaction flags, migrations, and the per-thread connections.  A backend
 * (store_sqlite.c, store_pg.c) supplies one table of operations and embeds
 * struct store and struct stmt as the first member of its own structs, so
 * a backend casts the pointers it is handed back to its own types.
 */
#ifndef LINLI_STORE_BACKEND_H
#define LINLI_STORE_BACKEND_H

#include "store/store.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { STORE_CACHE_SLOTS = 256 };

/* The kind of a value in a result row, for store_copy(). */
enum store_type {
	STORE_T_NULL,
	STORE_T_INT,
	STORE_T_FLOAT,
	STORE_T_TEXT,
	STORE_T_BLOB,
};

struct store {
	const struct store_ops *ops;
	bool in_tx;   /* a write transaction of store_begin() */
	bool read_tx; /* a read transaction of store_read_begin() */
	struct stmt *cache[STORE_CACHE_SLOTS]; /* owned; keyed by stmt->sql */
	struct store *next_open;                /* list of per-thread connections */
};

struct stmt {
	struct store *store;
	const char *sql; /* the cache key, or the text of an uncached statement */
	bool cached;
};

struct store_ops {
	const char *name; /* "sqlite" or "postgres", for messages */
	/* Migration dialect: what `@id` becomes, and a static INSERT of
	 * (version, name) into schema_migrations stamped with the time. */
	const char *id_type;
	const char *keyed_table; /* what `@keyed` becomes (see store.c) */
	const char *sql_record;
	/* Static catalog queries for store_copy(): the user tables (without
	 * schema_migrations) in creation order, and one table's column names
	 * (bound: the table name) in their order. */
	const char *sql_tables;
	const char *sql_columns;

	void (*close)(struct store *s); /* statements are finalised already */
	/* A new statement for sql (not cached by the backend). */
	struct stmt *(*prepare)(struct store *s, const char *sql, struct err *e);
	/* Makes a cached statement usable on the current connection (PostgreSQL
	 * prepares it again after a reconnection); may be NULL. */
	int (*revive)(struct stmt *st, struct err *e);
	void (*finalize)(struct stmt *st);
	void (*reset)(struct stmt *st); /* results and bindings dropped */

	void (*bind_int)(struct stmt *st, int idx, int64_t v);
	void (*bind_text)(struct stmt *st, int idx, const char *s, size_t len); /* s not NULL */
	void (*bind_blob)(struct stmt *st, int idx, const void *p, size_t len);
	void (*bind_null)(struct stmt *st, int idx);
	int (*step)(struct stmt *st, struct err *e);
	int (*columns)(struct stmt *st);
	enum store_type (*type)(struct stmt *st, int col);
	int64_t (*col_int)(struct stmt *st, int col);
	const char *(*col_text)(struct stmt *st, int col);
	size_t (*col_len)(struct stmt *st, int col);
	const void *(*col_blob)(struct stmt *st, int col);

	int64_t (*changes)(struct store *s);
	int (*exec)(struct store *s, const char *sql, struct err *e);
	/* Opens a write (serialised writers) or read (one snapshot)
	 * transaction; on failure none is left open. */
	int (*begin)(struct store *s, bool write, struct err *e);
	/* Fails, and the caller rolls back, when no transaction is open. */
	int (*commit)(struct store *s, struct err *e);
	/* After a commit returned: waits until it is durable (SQLite's group
	 * sync); may be NULL (the commit was durable already). */
	int (*durable)(struct store *s, struct err *e);
	void (*rollback)(struct store *s); /* harmless when none is open */
	/* Creates schema_migrations if it is missing. */
	int (*ensure_meta)(struct store *s, struct err *e);
	/* After store_copy() filled table: let auto-increment keys continue
	 * after the largest copied one; may be NULL. */
	int (*reset_ids)(struct store *s, const char *table, struct err *e);
	int (*backup)(struct store *s, const char *path, struct err *e);
	int (*restore)(struct store *s, const char *path, struct err *e);
};

/* The backends' constructors; *out as for store_open(). */
int store_open_sqlite(struct store **out, const char *path, const struct store_options *opt,
		      struct err *e);
int store_open_pg(struct store **out, const char *url, const struct store_options *opt,
		  struct err *e);

/*
 * A statement outside the cache, for SQL built at run time (store_copy()
 * over tables it finds in the catalog).  sql is copied if the backend needs
 * it later.  The caller frees the statement with stmt_finalize().
 */
struct stmt *store_prepare_uncached(struct store *s, const char *sql, struct err *e);
void stmt_finalize(struct stmt *st);

/* The number of result columns, and the kind of value col holds in the
 * current row. */
int stmt_columns(struct stmt *st);
enum store_type stmt_type(struct stmt *st, int col);

/* The applied migration versions in ascending order, in a heap array the
 * caller frees. */
int store_applied_versions(struct store *s, int **out, size_t *n, struct err *e);

/* Appends name to sb as a double-quoted SQL identifier (both dialects). */
struct strbuf;
void store_quote_ident(struct strbuf *sb, const char *name);

#endif
