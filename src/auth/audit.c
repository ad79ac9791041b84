/*
 * audit.c - the append-only, hash-chained audit log.
 *
 * Each entry's hash is BLAKE2b-256 over the previous entry's hash and this
 * entry's fields, each field written as its length and bytes so that no two
 * different entries serialise alike.  Changing, inserting or deleting an
 * entry breaks the chain from that entry on, and `linli audit verify` finds
 * the first broken link.  Appends take the write lock (BEGIN IMMEDIATE), so
 * two appends can never both chain onto the same predecessor.
 */
#include "auth/auth.h"

#include "core/timeutil.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

static const char sql_last[] = "SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1";
static const char sql_insert[] =
	"INSERT INTO audit_log (at, actor_id, actor, action, subject, community_id, ip, detail,"
	" prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char sql_walk[] =
	"SELECT id, at, actor_id, actor, action, subject, community_id, ip, detail, prev_hash, hash"
	" FROM audit_log ORDER BY id";
static const char sql_count_subject[] =
	"SELECT COUNT(*) FROM audit_log WHERE action = ? AND subject = ? AND at >= ?";
static const char sql_count_ip[] =
	"SELECT COUNT(*) FROM audit_log WHERE action = ? AND ip = ? AND at >= ?";

static const char genesis[] =
	"0000000000000000000000000000000000000000000000000000000000000000";

/* Each field is written as its length and bytes, and SQL NULL as "-", so
 * NULL, "" and 0 all hash differently. */
static void put(crypto_generichash_state *h, const char *s)
{
	char len[24];
	size_t n = s ? strlen(s) : 0;
	if (!s) {
		crypto_generichash_update(h, (const unsigned char *)"-", 1);
		return;
	}
	snprintf(len, sizeof(len), "%zu:", n);
	crypto_generichash_update(h, (const unsigned char *)len, strlen(len));
	if (n)
		crypto_generichash_update(h, (const unsigned char *)s, n);
}

/* v NULL is SQL NULL. */
static void put_int(crypto_generichash_state *h, const int64_t *v)
{
	char buf[24];
	if (!v) {
		put(h, NULL);
		return;
	}
	snprintf(buf, sizeof(buf), "%lld", (long long)*v);
	put(h, buf);
}

static void entry_hash(char out[65], const char *prev, int64_t at, const int64_t *actor_id,
		       const char *actor, const char *action, const char *subject,
		       const int64_t *community_id, const char *ip, const char *detail)
{
	crypto_generichash_state h;
	unsigned char raw[32];
	crypto_generichash_init(&h, NULL, 0, sizeof(raw));
	put(&h, prev);
	put_int(&h, &at);
	put_int(&h, actor_id);
	put(&h, actor);
	put(&h, action);
	put(&h, subject);
	put_int(&h, community_id);
	put(&h, ip);
	put(&h, detail);
	crypto_generichash_final(&h, raw, sizeof(raw));
	sodium_bin2hex(out, 65, raw, sizeof(raw));
}

int audit_append(struct store *db, int64_t actor_id, const char *actor, const char *action,
		 const char *subject, int64_t community_id, const char *ip, const char *detail,
		 struct err *e)
{
	bool own = !store_in_tx(db);
	char prev[65], hash[65];
	struct stmt *st;
	int64_t at = time_now();
	int rc;

	if (own && store_begin(db, e) < 0)
		return -1;
	if (!(st = store_prepare(db, sql_last, e)))
		goto fail;
	rc = stmt_step(st, e);
	snprintf(prev, sizeof(prev), "%s", rc == STORE_ROW ? stmt_text(st, 0) : genesis);
	stmt_done(st);
	if (rc < 0)
		goto fail;
	/* 0 ids are stored as NULL, and hashed as what is stored */
	entry_hash(hash, prev, at, actor_id ? &actor_id : NULL, actor, action, subject,
		   community_id ? &community_id : NULL, ip, detail);
	if (!(st = store_prepare(db, sql_insert, e)))
		goto fail;
	stmt_bind_int(st, 1, at);
	if (actor_id)
		stmt_bind_int(st, 2, actor_id);
	stmt_bind_text(st, 3, actor, SIZE_MAX);
	stmt_bind_text(st, 4, action, SIZE_MAX);
	stmt_bind_text(st, 5, subject, SIZE_MAX);
	if (community_id)
		stmt_bind_int(st, 6, community_id);
	stmt_bind_text(st, 7, ip, SIZE_MAX);
	stmt_bind_text(st, 8, detail, SIZE_MAX);
	stmt_bind_text(st, 9, prev, SIZE_MAX);
	stmt_bind_text(st, 10, hash, SIZE_MAX);
	if (stmt_exec(st, e) < 0)
		goto fail;
	if (own && store_commit(db, e) < 0)
		goto fail;
	return 0;
fail:
	if (own)
		store_rollback(db);
	return -1;
}

static const char *text_or_null(struct stmt *st, int col)
{
	return stmt_is_null(st, col) ? NULL : stmt_text(st, col);
}

int audit_verify(struct store *db, int64_t *count, int64_t *bad_id, struct err *e)
{
	struct stmt *st = store_prepare(db, sql_walk, e);
	char prev[65], hash[65];
	int rc;

	*count = 0;
	*bad_id = 0;
	if (!st)
		return -1;
	memcpy(prev, genesis, sizeof(prev));
	while ((rc = stmt_step(st, e)) == STORE_ROW) {
		int64_t id = stmt_int(st, 0), actor_id = stmt_int(st, 2), community_id = stmt_int(st, 6);
		entry_hash(hash, prev, stmt_int(st, 1), stmt_is_null(st, 2) ? NULL : &actor_id,
			   text_or_null(st, 3), text_or_null(st, 4), text_or_null(st, 5),
			   stmt_is_null(st, 6) ? NULL : &community_id, text_or_null(st, 7),
			   text_or_null(st, 8));
		(*count)++;
		if (strcmp(prev, stmt_text(st, 9)) || strcmp(hash, stmt_text(st, 10))) {
			*bad_id = id;
			break;
		}
		memcpy(prev, hash, sizeof(prev));
	}
	stmt_done(st);
	return rc < 0 ? -1 : 0;
}

int audit_count_since(struct store *db, int64_t *out, const char *action, const char *key,
		      bool by_ip, int64_t since, struct err *e)
{
	struct stmt *st = store_prepare(db, by_ip ? sql_count_ip : sql_count_subject, e);
	int rc;
	*out = 0;
	if (!st)
		return -1;
	stmt_bind_text(st, 1, action, SIZE_MAX);
	stmt_bind_text(st, 2, key, SIZE_MAX);
	stmt_bind_int(st, 3, since);
	rc = stmt_step(st, e);
	if (rc == STORE_ROW)
		*out = stmt_int(st, 0);
	stmt_done(st);
	return rc < 0 ? -1 : 0;
}
