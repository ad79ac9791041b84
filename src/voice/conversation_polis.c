/*
 * conversation_polis.c - stored conversations in and out of the Pol.is
 * open-data format (comments.csv, votes.csv, participants-votes.csv).
 *
 * Export pseudonymises: the participants of a conversation are numbered
 * 0, 1, ... in the order they first voted or wrote, so an export carries no
 * account ids.  Import keeps the file's participants apart from accounts:
 * an imported participant p is stored as user id -(p + 1), which no account
 * can have, so imported votes take part in the map but nobody can sign in as
 * them, and an import can never collide with real members' votes.
 */
#include "voice/conversation.h"

#include "core/timeutil.h"
#include "voice/opinion_map.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char sql_import_conv[] =
	"INSERT INTO conversations (community_id, title, description, moderation, status,"
	" created_by, created_at) VALUES (?, ?, ?, 'strict', 'open', ?, ?) RETURNING id";
static const char sql_import_statement[] =
	"INSERT INTO statements (conversation_id, community_id, author_id, text, status, created_at)"
	" VALUES (?, ?, ?, ?, ?, ?) RETURNING id";
static const char sql_import_vote[] =
	"INSERT INTO statement_votes (statement_id, conversation_id, community_id, user_id, vote,"
	" voted_at) VALUES (?, ?, ?, ?, ?, ?)"
	" ON CONFLICT (statement_id, user_id) DO UPDATE SET vote = excluded.vote,"
	" voted_at = excluded.voted_at";
static const char sql_export_statements[] =
	"SELECT s.id, s.author_id, s.text, s.status, s.created_at,"
	" (SELECT COUNT(*) FROM statement_votes v WHERE v.statement_id = s.id AND v.vote = 1),"
	" (SELECT COUNT(*) FROM statement_votes v WHERE v.statement_id = s.id AND v.vote = -1)"
	" FROM statements s WHERE s.conversation_id = ? ORDER BY s.id";
static const char sql_export_votes[] =
	"SELECT statement_id, user_id, vote, voted_at FROM statement_votes"
	" WHERE conversation_id = ? ORDER BY voted_at, statement_id, user_id";

struct idmap {
	int64_t *from, *to;
	size_t n, cap;
};

static void idmap_put(struct idmap *m, int64_t from, int64_t to)
{
	if (m->n == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 64;
		m->from = xrealloc(m->from, m->cap * sizeof(*m->from));
		m->to = xrealloc(m->to, m->cap * sizeof(*m->to));
	}
	m->from[m->n] = from;
	m->to[m->n++] = to;
}

/* Linear: conversations hold at most CONVERSATION_STATEMENTS_MAX statements,
 * and participants are looked up once per vote row in pseudonymise(). */
static bool idmap_get(const struct idmap *m, int64_t from, int64_t *to)
{
	for (size_t i = m->n; i-- > 0;)
		if (m->from[i] == from) {
			*to = m->to[i];
			return true;
		}
	return false;
}

static void idmap_free(struct idmap *m)
{
	free(m->from);
	free(m->to);
}

int conversation_import(struct store *db, int64_t *out, int64_t community_id, const char *title,
			const struct polis_conversation *pc, int64_t actor, size_t *nstatements,
			size_t *nvotes, struct err *e)
{
	struct idmap ids = { 0 };
	struct stmt *st;
	int64_t conv = 0, now = time_now();
	int rc;

	*nstatements = *nvotes = 0;
	if (pc->n_comments > CONVERSATION_STATEMENTS_MAX)
		return err_set(e, ERR_INVALID, "comments", "at most %d statements",
			       CONVERSATION_STATEMENTS_MAX);
	if (store_begin(db, e) < 0)
		return -1;
	if (!(st = store_prepare(db, sql_import_conv, e)))
		goto fail;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_text(st, 2, title, SIZE_MAX);
	stmt_bind_text(st, 3, "imported from a Pol.is export", SIZE_MAX);
	stmt_bind_int(st, 4, actor);
	stmt_bind_int(st, 5, now);
	rc = stmt_step(st, e);
	if (rc == STORE_ROW)
		conv = stmt_int(st, 0);
	stmt_done(st);
	if (rc != STORE_ROW)
		goto fail;
	for (size_t i = 0; i < pc->n_comments; i++) {
		const struct polis_comment *cm = &pc->comments[i];
		int64_t sid;
		if (!(st = store_prepare(db, sql_import_statement, e)))
			goto fail;
		stmt_bind_int(st, 1, conv);
		stmt_bind_int(st, 2, community_id);
		stmt_bind_int(st, 3, -(cm->author + 1));
		stmt_bind_text(st, 4, cm->body ? cm->body : "", SIZE_MAX);
		/* unmoderated comments were shown in Pol.is, so they are accepted */
		stmt_bind_text(st, 5, cm->moderated < 0 ? "rejected" : "accepted", SIZE_MAX);
		stmt_bind_int(st, 6, cm->timestamp / 1000);
		rc = stmt_step(st, e);
		sid = rc == STORE_ROW ? stmt_int(st, 0) : 0;
		stmt_done(st);
		if (rc != STORE_ROW)
			goto fail;
		idmap_put(&ids, cm->id, sid);
		(*nstatements)++;
	}
	/* votes.csv is a history: applied in time order, the latest wins */
	size_t *order = xmalloc((pc->n_votes ? pc->n_votes : 1) * sizeof(*order));
	for (size_t i = 0; i < pc->n_votes; i++)
		order[i] = i;
	for (size_t i = 1; i < pc->n_votes; i++) { /* insertion sort: the file is nearly sorted */
		size_t k = order[i], j = i;
		while (j > 0 && pc->votes[order[j - 1]].timestamp > pc->votes[k].timestamp) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = k;
	}
	for (size_t i = 0; i < pc->n_votes; i++) {
		const struct polis_vote *v = &pc->votes[order[i]];
		int64_t sid;
		if (!idmap_get(&ids, v->comment, &sid)) {
			err_set(e, ERR_INVALID, "votes", "a vote names comment %lld, which is not in comments.csv",
				(long long)v->comment);
			free(order);
			goto fail;
		}
		if (!(st = store_prepare(db, sql_import_vote, e))) {
			free(order);
			goto fail;
		}
		stmt_bind_int(st, 1, sid);
		stmt_bind_int(st, 2, conv);
		stmt_bind_int(st, 3, community_id);
		stmt_bind_int(st, 4, -(v->voter + 1));
		stmt_bind_int(st, 5, v->vote);
		stmt_bind_int(st, 6, v->timestamp / 1000);
		if (stmt_exec(st, e) < 0) {
			free(order);
			goto fail;
		}
		(*nvotes)++;
	}
	free(order);
	if (store_commit(db, e) < 0)
		goto fail;
	idmap_free(&ids);
	*out = conv;
	return 0;
fail:
	store_rollback(db);
	idmap_free(&ids);
	*nstatements = *nvotes = 0;
	return -1;
}

static const char *datetime_of(struct arena *a, int64_t t)
{
	char buf[64];
	struct tm tm;
	time_t tt = (time_t)t;
	gmtime_r(&tt, &tm);
	strftime(buf, sizeof(buf), "%a %b %d %Y %H:%M:%S GMT+0000 (Coordinated Universal Time)", &tm);
	return arena_strdup(a, buf);
}

/* The participant number of user, given in order of first appearance. */
static int64_t pseudonym(struct idmap *people, int64_t user)
{
	int64_t p;
	if (!idmap_get(people, user, &p)) {
		p = (int64_t)people->n;
		idmap_put(people, user, p);
	}
	return p;
}

int conversation_export(struct store *db, struct polis_conversation *out,
			const struct conversation *c, struct err *e)
{
	struct idmap people = { 0 };
	struct stmt *st = store_prepare(db, sql_export_votes, e);
	size_t cap = 0;
	int rc;

	*out = (struct polis_conversation)POLIS_CONVERSATION_INIT;
	if (!st)
		return -1;
	/* Voters are numbered first, in the order of their first vote, as in
	 * Pol.is; authors who never voted follow. */
	stmt_bind_int(st, 1, c->id);
	while ((rc = stmt_step(st, e)) == STORE_ROW) {
		if (out->n_votes == cap) {
			cap = cap ? cap * 2 : 256;
			out->votes = xrealloc(out->votes, cap * sizeof(*out->votes));
		}
		struct polis_vote *v = &out->votes[out->n_votes++];
		v->timestamp = stmt_int(st, 3) * 1000;
		v->datetime = datetime_of(&out->arena, stmt_int(st, 3));
		v->comment = stmt_int(st, 0);
		v->voter = pseudonym(&people, stmt_int(st, 1));
		v->vote = (int8_t)stmt_int(st, 2);
	}
	stmt_done(st);
	if (rc < 0 || !(st = store_prepare(db, sql_export_statements, e)))
		goto fail;
	cap = 0;
	stmt_bind_int(st, 1, c->id);
	while ((rc = stmt_step(st, e)) == STORE_ROW) {
		if (out->n_comments == cap) {
			cap = cap ? cap * 2 : 64;
			out->comments = xrealloc(out->comments, cap * sizeof(*out->comments));
		}
		const char *status = stmt_text(st, 3);
		struct polis_comment *cm = &out->comments[out->n_comments++];
		cm->timestamp = stmt_int(st, 4) * 1000;
		cm->datetime = datetime_of(&out->arena, stmt_int(st, 4));
		cm->id = stmt_int(st, 0);
		cm->author = pseudonym(&people, stmt_int(st, 1));
		cm->agrees = stmt_int(st, 5);
		cm->disagrees = stmt_int(st, 6);
		cm->moderated = !strcmp(status, "accepted") ? 1 : !strcmp(status, "rejected") ? -1 : 0;
		cm->body = arena_strdup(&out->arena, stmt_text(st, 2));
	}
	stmt_done(st);
	if (rc < 0)
		goto fail;
	if (polis_participants_build(out, NULL, NULL, 0, e) < 0)
		goto fail;
	idmap_free(&people);
	return 0;
fail:
	idmap_free(&people);
	polis_release(out);
	return -1;
}
