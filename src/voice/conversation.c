/*
 * conversation.c - rules and persistence of conversations (see
 * conversation.h).
 */
#include "voice/conversation.h"

#include "auth/auth.h"
#include "core/timeutil.h"

#include <stdio.h>
#include <string.h>

static const char sql_add[] =
	"INSERT INTO conversations (community_id, title, description, moderation, status,"
	" created_by, created_at) VALUES (?, ?, ?, ?, 'open', ?, ?) RETURNING id";
static const char sql_list[] =
	"SELECT c.id, c.title, c.moderation, c.status, c.created_at,"
	" (SELECT COUNT(*) FROM statements s WHERE s.conversation_id = c.id AND s.status = 'accepted'),"
	" (SELECT COUNT(DISTINCT v.user_id) FROM statement_votes v WHERE v.conversation_id = c.id),"
	" (SELECT COUNT(*) FROM statement_votes v WHERE v.conversation_id = c.id)"
	" FROM conversations c WHERE c.community_id = ? ORDER BY c.id DESC";
static const char sql_get[] =
	"SELECT id, community_id, title, moderation, status FROM conversations"
	" WHERE id = ? AND community_id = ?";
static const char sql_description[] = "SELECT description FROM conversations WHERE id = ?";
static const char sql_statements[] =
	"SELECT s.id, s.text, s.status, s.author_id, s.reason,"
	" (SELECT COUNT(*) FROM statement_votes v WHERE v.statement_id = s.id AND v.vote = 1),"
	" (SELECT COUNT(*) FROM statement_votes v WHERE v.statement_id = s.id AND v.vote = -1),"
	" (SELECT COUNT(*) FROM statement_votes v WHERE v.statement_id = s.id AND v.vote = 0),"
	" (SELECT v.vote FROM statement_votes v WHERE v.statement_id = s.id AND v.user_id = ?)"
	" FROM statements s WHERE s.conversation_id = ? ORDER BY s.id";
static const char sql_close[] =
	"UPDATE conversations SET status = 'closed' WHERE id = ? AND community_id = ? AND status = 'open'";
static const char sql_statement_count[] =
	"SELECT COUNT(*) FROM statements WHERE conversation_id = ?";
static const char sql_statement_add[] =
	"INSERT INTO statements (conversation_id, community_id, author_id, text, status, created_at)"
	" VALUES (?, ?, ?, ?, ?, ?) RETURNING id";
static const char sql_statement_get[] =
	"SELECT status FROM statements WHERE id = ? AND conversation_id = ?";
static const char sql_statement_set[] =
	"UPDATE statements SET status = ?, reason = ? WHERE id = ? AND conversation_id = ?";
static const char sql_vote[] =
	"INSERT INTO statement_votes (statement_id, conversation_id, community_id, user_id, vote,"
	" voted_at) VALUES (?, ?, ?, ?, ?, ?)"
	" ON CONFLICT (statement_id, user_id) DO UPDATE SET vote = excluded.vote,"
	" voted_at = excluded.voted_at";
/* The ordering works over a derived table: PostgreSQL, unlike SQLite, does
 * not let ORDER BY expressions use the select list's aliases. */
static const char sql_next[] =
	"SELECT id, text, n FROM (SELECT s.id AS id, s.text AS text,"
	" (SELECT COUNT(*) FROM statement_votes v WHERE v.statement_id = s.id) AS n,"
	" (SELECT COUNT(*) FROM statement_votes v WHERE v.statement_id = s.id AND v.vote = 1) AS a,"
	" (SELECT COUNT(*) FROM statement_votes v WHERE v.statement_id = s.id AND v.vote = -1) AS d"
	" FROM statements s WHERE s.conversation_id = ? AND s.status = 'accepted'"
	" AND NOT EXISTS (SELECT 1 FROM statement_votes m WHERE m.statement_id = s.id AND m.user_id = ?)"
	") AS t ORDER BY n, (a + 1) * (d + 1) DESC, id";
static const char sql_matrix_statements[] =
	"SELECT id, text FROM statements WHERE conversation_id = ? AND status = 'accepted' ORDER BY id";
static const char sql_matrix_votes[] =
	"SELECT v.user_id, v.statement_id, v.vote FROM statement_votes v"
	" JOIN statements s ON s.id = v.statement_id"
	" WHERE v.conversation_id = ? AND s.status = 'accepted' ORDER BY v.user_id, v.statement_id";

int conversation_add(struct store *db, int64_t *out, int64_t community_id, const char *title,
		     const char *description, const char *moderation, int64_t actor,
		     struct err *e)
{
	struct stmt *st;
	int rc;
	if (strcmp(moderation, "strict") && strcmp(moderation, "loose"))
		return err_set(e, ERR_INVALID, "moderation", "moderation must be strict or loose");
	if (!(st = store_prepare(db, sql_add, e)))
		return -1;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_text(st, 2, title, SIZE_MAX);
	stmt_bind_text(st, 3, description ? description : "", SIZE_MAX);
	stmt_bind_text(st, 4, moderation, SIZE_MAX);
	stmt_bind_int(st, 5, actor);
	stmt_bind_int(st, 6, time_now());
	rc = stmt_step(st, e);
	if (rc == STORE_ROW)
		*out = stmt_int(st, 0);
	stmt_done(st);
	return rc == STORE_ROW ? 0 : -1;
}

int conversation_list(struct store *db, json_t **out, int64_t community_id, struct err *e)
{
	struct stmt *st = store_prepare(db, sql_list, e);
	json_t *arr;
	int rc;
	if (!st)
		return -1;
	arr = json_array();
	stmt_bind_int(st, 1, community_id);
	while ((rc = stmt_step(st, e)) == STORE_ROW)
		json_array_append_new(
			arr, json_pack("{s:I, s:s, s:s, s:s, s:I, s:I, s:I, s:I}", "id",
				       (json_int_t)stmt_int(st, 0), "title", stmt_text(st, 1),
				       "moderation", stmt_text(st, 2), "status", stmt_text(st, 3),
				       "created_at", (json_int_t)stmt_int(st, 4), "statements",
				       (json_int_t)stmt_int(st, 5), "participants",
				       (json_int_t)stmt_int(st, 6), "votes", (json_int_t)stmt_int(st, 7)));
	stmt_done(st);
	if (rc < 0) {
		json_decref(arr);
		return -1;
	}
	*out = arr;
	return 0;
}

int conversation_get(struct store *db, struct conversation *out, int64_t community_id,
		     int64_t id, struct arena *a, struct err *e)
{
	struct stmt *st = store_prepare(db, sql_get, e);
	int rc;
	if (!st)
		return -1;
	stmt_bind_int(st, 1, id);
	stmt_bind_int(st, 2, community_id);
	rc = stmt_step(st, e);
	if (rc == STORE_ROW) {
		out->id = stmt_int(st, 0);
		out->community_id = stmt_int(st, 1);
		out->title = arena_strdup(a, stmt_text(st, 2));
		out->moderation = arena_strdup(a, stmt_text(st, 3));
		out->status = arena_strdup(a, stmt_text(st, 4));
	}
	stmt_done(st);
	if (rc == STORE_DONE)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such conversation");
	return rc < 0 ? -1 : 0;
}

int conversation_view(struct store *db, json_t **out, const struct conversation *c,
		      int64_t user_id, bool moderator, struct err *e)
{
	json_t *o, *list = json_array();
	struct stmt *st = store_prepare(db, sql_description, e);
	int rc;
	if (!st) {
		json_decref(list);
		return -1;
	}
	stmt_bind_int(st, 1, c->id);
	rc = stmt_step(st, e);
	o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:b}", "id", (json_int_t)c->id, "title", c->title,
		      "description", rc == STORE_ROW ? stmt_text(st, 0) : "", "moderation",
		      c->moderation, "status", c->status, "can_moderate", moderator);
	stmt_done(st);
	if (rc < 0 || !(st = store_prepare(db, sql_statements, e)))
		goto fail;
	stmt_bind_int(st, 1, user_id);
	stmt_bind_int(st, 2, c->id);
	while ((rc = stmt_step(st, e)) == STORE_ROW) {
		const char *status = stmt_text(st, 2);
		bool mine = stmt_int(st, 3) == user_id;
		if (strcmp(status, "accepted") && !moderator && !mine)
			continue;
		json_t *s = json_pack("{s:I, s:s, s:s, s:b, s:I, s:I, s:I, s:o}", "id",
				      (json_int_t)stmt_int(st, 0), "text", stmt_text(st, 1), "status",
				      status, "mine", mine, "agree", (json_int_t)stmt_int(st, 5),
				      "disagree", (json_int_t)stmt_int(st, 6), "pass",
				      (json_int_t)stmt_int(st, 7), "my_vote",
				      stmt_is_null(st, 8) ? json_null() : json_integer(stmt_int(st, 8)));
		if (!stmt_is_null(st, 4) && (moderator || mine))
			json_object_set_new(s, "reason", json_string(stmt_text(st, 4)));
		json_array_append_new(list, s);
	}
	stmt_done(st);
	if (rc < 0)
		goto fail;
	json_object_set_new(o, "statements", list);
	*out = o;
	return 0;
fail:
	json_decref(o);
	json_decref(list);
	return -1;
}

int conversation_close(struct store *db, const struct conversation *c, struct err *e)
{
	struct stmt *st = store_prepare(db, sql_close, e);
	if (!st)
		return -1;
	stmt_bind_int(st, 1, c->id);
	stmt_bind_int(st, 2, c->community_id);
	if (stmt_exec(st, e) < 0)
		return -1;
	return store_changes(db) == 1 ? 0 : err_set(e, ERR_CONFLICT, "status", "already closed");
}

int statement_add(struct store *db, int64_t *out, const char **status,
		  const struct conversation *c, int64_t author, const char *text, struct err *e)
{
	struct stmt *st;
	int64_t n = 0;
	int rc;

	if (strcmp(c->status, "open"))
		return err_set(e, ERR_CONFLICT, NULL, "this conversation is closed");
	*status = !strcmp(c->moderation, "strict") ? "pending" : "accepted";
	if (store_begin(db, e) < 0)
		return -1;
	if (!(st = store_prepare(db, sql_statement_count, e)))
		goto fail;
	stmt_bind_int(st, 1, c->id);
	rc = stmt_step(st, e);
	n = rc == STORE_ROW ? stmt_int(st, 0) : 0;
	stmt_done(st);
	if (rc < 0)
		goto fail;
	if (n >= CONVERSATION_STATEMENTS_MAX) {
		err_set(e, ERR_CONFLICT, NULL, "this conversation has %d statements already",
			CONVERSATION_STATEMENTS_MAX);
		goto fail;
	}
	if (!(st = store_prepare(db, sql_statement_add, e)))
		goto fail;
	stmt_bind_int(st, 1, c->id);
	stmt_bind_int(st, 2, c->community_id);
	stmt_bind_int(st, 3, author);
	stmt_bind_text(st, 4, text, SIZE_MAX);
	stmt_bind_text(st, 5, *status, SIZE_MAX);
	stmt_bind_int(st, 6, time_now());
	rc = stmt_step(st, e);
	if (rc == STORE_ROW)
		*out = stmt_int(st, 0);
	stmt_done(st);
	if (rc != STORE_ROW || store_commit(db, e) < 0)
		goto fail;
	return 0;
fail:
	store_rollback(db);
	return -1;
}

int statement_moderate(struct store *db, const struct conversation *c, int64_t statement_id,
		       const char *status, const char *reason, int64_t actor,
		       const char *actor_name, struct err *e)
{
	struct stmt *st;
	char subject[48];
	int rc;

	if (strcmp(status, "accepted") && strcmp(status, "rejected"))
		return err_set(e, ERR_INVALID, "status", "status must be accepted or rejected");
	if (!reason || !*reason)
		return err_set(e, ERR_INVALID, "reason", "say why (it is shown to the author)");
	if (store_begin(db, e) < 0)
		return -1;
	if (!(st = store_prepare(db, sql_statement_get, e)))
		goto fail;
	stmt_bind_int(st, 1, statement_id);
	stmt_bind_int(st, 2, c->id);
	rc = stmt_step(st, e);
	stmt_done(st);
	if (rc == STORE_DONE)
		err_set(e, ERR_NOT_FOUND, NULL, "no such statement");
	if (rc != STORE_ROW || !(st = store_prepare(db, sql_statement_set, e)))
		goto fail;
	stmt_bind_text(st, 1, status, SIZE_MAX);
	stmt_bind_text(st, 2, reason, SIZE_MAX);
	stmt_bind_int(st, 3, statement_id);
	stmt_bind_int(st, 4, c->id);
	snprintf(subject, sizeof(subject), "statement:%lld", (long long)statement_id);
	if (stmt_exec(st, e) < 0 ||
	    audit_append(db, actor, actor_name, !strcmp(status, "accepted") ? "statement.accept"
									   : "statement.reject",
			 subject, c->community_id, NULL, reason, e) < 0 ||
	    store_commit(db, e) < 0)
		goto fail;
	return 0;
fail:
	store_rollback(db);
	return -1;
}

int statement_vote(struct store *db, const struct conversation *c, int64_t statement_id,
		   int64_t user_id, int vote, struct err *e)
{
	struct stmt *st;
	int rc;

	if (strcmp(c->status, "open"))
		return err_set(e, ERR_CONFLICT, NULL, "this conversation is closed");
	if (vote < -1 || vote > 1)
		return err_set(e, ERR_INVALID, "vote", "vote must be -1, 0 or 1");
	if (store_begin(db, e) < 0)
		return -1;
	if (!(st = store_prepare(db, sql_statement_get, e)))
		goto fail;
	stmt_bind_int(st, 1, statement_id);
	stmt_bind_int(st, 2, c->id);
	rc = stmt_step(st, e);
	bool accepted = rc == STORE_ROW && !strcmp(stmt_text(st, 0), "accepted");
	stmt_done(st);
	if (rc < 0)
		goto fail;
	if (!accepted) {
		err_set(e, ERR_NOT_FOUND, NULL, "no such statement open for votes");
		goto fail;
	}
	if (!(st = store_prepare(db, sql_vote, e)))
		goto fail;
	stmt_bind_int(st, 1, statement_id);
	stmt_bind_int(st, 2, c->id);
	stmt_bind_int(st, 3, c->community_id);
	stmt_bind_int(st, 4, user_id);
	stmt_bind_int(st, 5, vote);
	stmt_bind_int(st, 6, time_now());
	if (stmt_exec(st, e) < 0 || store_commit(db, e) < 0)
		goto fail;
	return 0;
fail:
	store_rollback(db);
	return -1;
}

int statement_next(struct store *db, json_t **out, const struct conversation *c,
		   int64_t user_id, struct err *e)
{
	struct stmt *st = store_prepare(db, sql_next, e);
	json_t *first = NULL;
	int64_t remaining = 0;
	int rc;
	if (!st)
		return -1;
	stmt_bind_int(st, 1, c->id);
	stmt_bind_int(st, 2, user_id);
	while ((rc = stmt_step(st, e)) == STORE_ROW) {
		if (!first)
			first = json_pack("{s:I, s:s, s:I}", "id", (json_int_t)stmt_int(st, 0), "text",
					  stmt_text(st, 1), "votes", (json_int_t)stmt_int(st, 2));
		remaining++;
	}
	stmt_done(st);
	if (rc < 0) {
		json_decref(first);
		return -1;
	}
	*out = json_pack("{s:o, s:I}", "statement", first ? first : json_null(), "remaining",
			 (json_int_t)remaining);
	return 0;
}

/* Index of id in the ascending ids[0..n), by binary search. */
static size_t index_of(const int64_t *ids, size_t n, int64_t id)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ids[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int conversation_matrix(struct store *db, const struct conversation *c, int64_t **sids,
			const char ***texts, size_t *nsids, int64_t **uids, size_t *nuids,
			struct vote_triple **votes, size_t *nvotes, struct arena *a,
			struct err *e)
{
	struct stmt *st = store_prepare(db, sql_matrix_statements, e);
	size_t scap = 64, vcap = 256, ucap = 64;
	int rc;

	*nsids = *nuids = *nvotes = 0;
	if (!st)
		return -1;
	*sids = arena_alloc(a, scap * sizeof(**sids));
	*texts = arena_alloc(a, scap * sizeof(**texts));
	stmt_bind_int(st, 1, c->id);
	while ((rc = stmt_step(st, e)) == STORE_ROW) {
		if (*nsids == scap) {
			int64_t *n2 = arena_alloc(a, 2 * scap * sizeof(*n2));
			const char **t2 = arena_alloc(a, 2 * scap * sizeof(*t2));
			memcpy(n2, *sids, scap * sizeof(*n2));
			memcpy(t2, *texts, scap * sizeof(*t2));
			*sids = n2;
			*texts = t2;
			scap *= 2;
		}
		(*texts)[*nsids] = arena_strdup(a, stmt_text(st, 1));
		(*sids)[(*nsids)++] = stmt_int(st, 0);
	}
	stmt_done(st);
	if (rc < 0 || !(st = store_prepare(db, sql_matrix_votes, e)))
		return -1;
	*uids = arena_alloc(a, ucap * sizeof(**uids));
	*votes = arena_alloc(a, vcap * sizeof(**votes));
	stmt_bind_int(st, 1, c->id);
	while ((rc = stmt_step(st, e)) == STORE_ROW) {
		int64_t user = stmt_int(st, 0);
		if (*nuids == 0 || (*uids)[*nuids - 1] != user) {
			if (*nuids == ucap) {
				int64_t *n2 = arena_alloc(a, 2 * ucap * sizeof(*n2));
				memcpy(n2, *uids, ucap * sizeof(*n2));
				*uids = n2;
				ucap *= 2;
			}
			(*uids)[(*nuids)++] = user;
		}
		if (*nvotes == vcap) {
			struct vote_triple *n2 = arena_alloc(a, 2 * vcap * sizeof(*n2));
			memcpy(n2, *votes, vcap * sizeof(*n2));
			*votes = n2;
			vcap *= 2;
		}
		struct vote_triple *t = &(*votes)[(*nvotes)++];
		t->participant = (uint32_t)(*nuids - 1);
		t->statement = (uint32_t)index_of(*sids, *nsids, stmt_int(st, 1));
		t->vote = (int8_t)stmt_int(st, 2);
	}
	stmt_done(st);
	return rc < 0 ? -1 : 0;
}

const struct migration conversation_migrations[] = {
	{ 710, "voice: conversations, statements, votes",
	  "CREATE TABLE conversations ("
	  " id @id, community_id BIGINT NOT NULL, title TEXT NOT NULL, description TEXT NOT NULL,"
	  " moderation TEXT NOT NULL, status TEXT NOT NULL, created_by BIGINT NOT NULL,"
	  " created_at BIGINT NOT NULL);"
	  "CREATE INDEX conversations_community ON conversations (community_id, id);"
	  "CREATE TABLE statements ("
	  " id @id, conversation_id BIGINT NOT NULL REFERENCES conversations(id),"
	  " community_id BIGINT NOT NULL, author_id BIGINT NOT NULL, text TEXT NOT NULL,"
	  " status TEXT NOT NULL, reason TEXT, created_at BIGINT NOT NULL);"
	  "CREATE INDEX statements_conversation ON statements (conversation_id, id);"
	  "CREATE TABLE statement_votes ("
	  " statement_id BIGINT NOT NULL REFERENCES statements(id),"
	  " conversation_id BIGINT NOT NULL, community_id BIGINT NOT NULL,"
	  " user_id BIGINT NOT NULL, vote INTEGER NOT NULL, voted_at BIGINT NOT NULL,"
	  " PRIMARY KEY (statement_id, user_id));"
	  "CREATE INDEX statement_votes_conversation ON statement_votes (conversation_id, user_id);" },
};
const size_t conversation_migrations_n =
	sizeof(conversation_migrations) / sizeof(conversation_migrations[0]);
