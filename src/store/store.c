/*
 * store.c - store.h over two backends: SQLite (store_sqlite.c) and
 * PostgreSQL (store_pg.c), chosen by the URL given to store_open().
 *
 * Everything that does not depend on the dialect lives here, once: the
 * statement cache, the transaction flags (a read transaction ends before a
 * write one begins; a failed commit rolls back), the versioned migrations,
 * and the per-thread connections.  A backend is a table of operations (see
 * backend.h); the cost of the dispatch is one indirect call per function.
 *
 * The statement cache is an open-addressing table keyed by the address of
 * the module's `static const char` SQL text: a hit costs a hash and a
 * compare, and the statement is reset (no bindings) before it is handed out
 * again, as store.h promises.  Cached statements live until store_close().
 */
#include "store/backend.h"

#include "core/arena.h"
#include "core/log.h"
#include "core/strbuf.h"

#include <assert.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static bool is_pg_url(const char *url)
{
	return !strncmp(url, "postgres://", 11) || !strncmp(url, "postgresql://", 13);
}

int store_open(struct store **out, const char *url, const struct store_options *opt,
	       struct err *e)
{
	static const struct store_options defaults = { 0 };

	*out = NULL;
	if (!opt)
		opt = &defaults;
	const char *sync = opt->synchronous ? opt->synchronous : "full";
	if (strcmp(sync, "full") && strcmp(sync, "normal") && strcmp(sync, "off"))
		return err_set(e, ERR_INVALID, "synchronous",
			       "synchronous must be full, normal or off");
	if (is_pg_url(url))
		return store_open_pg(out, url, opt, e);
	return store_open_sqlite(out, url, opt, e);
}

void store_close(struct store *s)
{
	if (!s)
		return;
	for (int i = 0; i < STORE_CACHE_SLOTS; i++)
		if (s->cache[i])
			s->ops->finalize(s->cache[i]);
	s->ops->close(s);
}

/* ---- statements ---- */

struct stmt *store_prepare(struct store *s, const char *sql, struct err *e)
{
	uintptr_t h = ((uintptr_t)sql >> 3) * 0x9e3779b97f4a7c15u;
	unsigned i = (unsigned)(h >> 56) % STORE_CACHE_SLOTS;

	for (int probe = 0; probe < STORE_CACHE_SLOTS; probe++, i = (i + 1) % STORE_CACHE_SLOTS) {
		struct stmt *c = s->cache[i];
		if (c && c->sql == sql) {
			s->ops->reset(c); /* as promised: reset, no bindings */
			if (s->ops->revive && s->ops->revive(c, e) < 0)
				return NULL;
			return c;
		}
		if (c)
			continue;
		if (!(c = s->ops->prepare(s, sql, e)))
			return NULL;
		c->store = s;
		c->sql = sql;
		c->cached = true;
		s->cache[i] = c;
		return c;
	}
	log_error("store: statement cache full");
	err_set(e, ERR_INTERNAL, NULL, "statement cache full");
	return NULL;
}

struct stmt *store_prepare_uncached(struct store *s, const char *sql, struct err *e)
{
	struct stmt *st = s->ops->prepare(s, sql, e);
	if (st) {
		st->store = s;
		st->sql = NULL; /* never matches a cache key */
		st->cached = false;
	}
	return st;
}

void stmt_finalize(struct stmt *st)
{
	if (st) {
		assert(!st->cached);
		st->store->ops->finalize(st);
	}
}

void stmt_bind_int(struct stmt *st, int idx, int64_t v)
{
	st->store->ops->bind_int(st, idx, v);
}

void stmt_bind_text(struct stmt *st, int idx, const char *s, size_t len)
{
	if (!s) {
		st->store->ops->bind_null(st, idx);
		return;
	}
	st->store->ops->bind_text(st, idx, s, len == SIZE_MAX ? strlen(s) : len);
}

void stmt_bind_blob(struct stmt *st, int idx, const void *p, size_t len)
{
	st->store->ops->bind_blob(st, idx, p, len);
}

void stmt_bind_null(struct stmt *st, int idx)
{
	st->store->ops->bind_null(st, idx);
}

int stmt_step(struct stmt *st, struct err *e)
{
	return st->store->ops->step(st, e);
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
	return st->store->ops->col_int(st, col);
}

const char *stmt_text(struct stmt *st, int col)
{
	return st->store->ops->col_text(st, col);
}

size_t stmt_len(struct stmt *st, int col)
{
	return st->store->ops->col_len(st, col);
}

const void *stmt_blob(struct stmt *st, int col)
{
	return st->store->ops->col_blob(st, col);
}

bool stmt_is_null(struct stmt *st, int col)
{
	return st->store->ops->type(st, col) == STORE_T_NULL;
}

int stmt_columns(struct stmt *st)
{
	return st->store->ops->columns(st);
}

enum store_type stmt_type(struct stmt *st, int col)
{
	return st->store->ops->type(st, col);
}

void stmt_done(struct stmt *st)
{
	if (st)
		st->store->ops->reset(st);
}

int64_t store_changes(struct store *s)
{
	return s->ops->changes(s);
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
	return s->ops->exec(s, sql, e);
}

void store_quote_ident(struct strbuf *sb, const char *name)
{
	strbuf_addch(sb, '"');
	for (const char *p = name; *p; p++) {
		if (*p == '"')
			strbuf_addch(sb, '"');
		strbuf_addch(sb, *p);
	}
	strbuf_addch(sb, '"');
}

/* ---- transactions ---- */

int store_read_begin(struct store *s, struct err *e)
{
	if (s->in_tx || s->read_tx)
		return 0;
	if (s->ops->begin(s, false, e) < 0)
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
	if (s->ops->commit(s, &e) < 0)
		store_rollback(s);
}

int store_begin(struct store *s, struct err *e)
{
	store_read_end(s);
	if (s->ops->begin(s, true, e) < 0)
		return -1;
	s->in_tx = true;
	return 0;
}

int store_commit(struct store *s, struct err *e)
{
	if (s->ops->commit(s, e) < 0) {
		store_rollback(s);
		return -1;
	}
	s->in_tx = false;
	/* Committed but perhaps not yet on disk: not acknowledged until it is. */
	return s->ops->durable ? s->ops->durable(s, e) : 0;
}

bool store_in_tx(struct store *s)
{
	return s->in_tx;
}

void store_rollback(struct store *s)
{
	s->ops->rollback(s);
	s->in_tx = false;
	s->read_tx = false;
}

/* ---- migrations ---- */

static const char sql_version[] = "SELECT COALESCE(MAX(version), 0) FROM schema_migrations";
static const char sql_applied[] = "SELECT version FROM schema_migrations ORDER BY version";
static const char sql_is_applied[] = "SELECT 1 FROM schema_migrations WHERE version = ?";

/* Replaces the dialect tokens of a migration with the backend's forms:
 * `@id` (an integer primary key that the database assigns) and `@keyed`
 * after a table's closing parenthesis (a table stored in the order of its
 * primary key, without a hidden insertion-ordered row id: SQLite's WITHOUT
 * ROWID; PostgreSQL has no such id, so nothing).  Returns heap text the
 * caller frees. */
static char *dialect(const char *sql, const struct store_ops *ops)
{
	static const struct {
		const char *token;
		size_t len;
	} tokens[] = { { "@id", 3 }, { "@keyed", 6 } };
	const char *forms[] = { ops->id_type, ops->keyed_table };
	struct strbuf sb = STRBUF_INIT;
	const char *p = sql;

	while (*p) {
		size_t k = 0;
		for (; k < 2; k++)
			if (!strncmp(p, tokens[k].token, tokens[k].len))
				break;
		if (k < 2) {
			strbuf_addstr(&sb, forms[k]);
			p += tokens[k].len;
		} else {
			strbuf_add(&sb, p, 1);
			p++;
		}
	}
	return strbuf_detach(&sb, NULL);
}

int store_version(struct store *s, struct err *e)
{
	struct stmt *st;
	int v = 0;

	if (s->ops->ensure_meta(s, e) < 0 || !(st = store_prepare(s, sql_version, e)))
		return -1;
	if (stmt_step(st, e) == STORE_ROW)
		v = (int)stmt_int(st, 0);
	stmt_done(st);
	return err_is_set(e) ? -1 : v;
}

int store_applied_versions(struct store *s, int **out, size_t *n, struct err *e)
{
	struct stmt *st;
	size_t cap = 16;
	int rc;

	*out = NULL;
	*n = 0;
	if (s->ops->ensure_meta(s, e) < 0 || !(st = store_prepare(s, sql_applied, e)))
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

/* Whether version is recorded, asked inside the migration's transaction:
 * another process may have applied it since the list was read. */
static int applied_meanwhile(struct store *s, int version, bool *out, struct err *e)
{
	struct stmt *st = store_prepare(s, sql_is_applied, e);
	int rc;
	if (!st)
		return -1;
	stmt_bind_int(st, 1, version);
	rc = stmt_step(st, e);
	stmt_done(st);
	*out = rc == STORE_ROW;
	return rc < 0 ? -1 : 0;
}

/* Applies one migration in its own transaction; 1 if another process had
 * applied it already, 0 when applied here, -1 with e filled. */
static int apply_one(struct store *s, const struct migration *m, struct err *e)
{
	struct stmt *st;
	bool done = false;
	char *sql = NULL;
	int rc = -1;

	if (store_begin(s, e) < 0)
		return -1;
	if (applied_meanwhile(s, m->version, &done, e) < 0)
		goto out;
	if (done) {
		rc = store_commit(s, e) < 0 ? -1 : 1;
		goto out;
	}
	sql = dialect(m->sql, s->ops);
	if (store_exec(s, sql, e) < 0 || !(st = store_prepare(s, s->ops->sql_record, e)))
		goto out;
	stmt_bind_int(st, 1, m->version);
	stmt_bind_text(st, 2, m->name, SIZE_MAX);
	if (stmt_exec(st, e) < 0 || store_commit(s, e) < 0)
		goto out;
	rc = 0;
out:
	if (rc < 0)
		store_rollback(s);
	free(sql);
	return rc;
}

/*
 * Applies, in the listed order, every migration whose version is not yet
 * recorded.  Versions are checked one by one rather than against the
 * newest, so modules can keep their own ranges of numbers.
 */
int store_migrate(struct store *s, const struct migration *m, size_t n, int *applied,
		  struct err *e)
{
	int count = 0, *have = NULL, rc = 0;
	size_t nhave = 0;

	if (applied)
		*applied = 0;
	if (store_applied_versions(s, &have, &nhave, e) < 0) {
		free(have);
		return -1;
	}
	for (size_t i = 0; i < n && rc == 0; i++) {
		bool done = false;
		for (size_t k = 0; k < nhave && !done; k++)
			done = have[k] == m[i].version;
		if (done)
			continue;
		int one = apply_one(s, &m[i], e);
		if (one < 0) {
			log_error("migration %d (%s) failed: %s", m[i].version, m[i].name,
				  e->message);
			rc = -1; /* those before it stay applied */
		} else if (one == 0) {
			count++;
		}
	}
	free(have);
	if (applied)
		*applied = count;
	return rc;
}

/* ---- backup and restore ---- */

int store_backup(struct store *s, const char *path, struct err *e)
{
	return s->ops->backup(s, path, e);
}

int store_restore(struct store *s, const char *path, struct err *e)
{
	return s->ops->restore(s, path, e);
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
