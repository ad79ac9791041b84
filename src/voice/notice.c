/*
 * notice.c - rules and persistence of notices and their household receipts
 * (see notice.h).
 *
 * The receipts table has one row per (notice, dwelling): the primary key
 * makes "the first reader counts" a property of the schema, so concurrent
 * readers of one household cannot count it twice (INSERT ... ON CONFLICT DO
 * NOTHING in both dialects).
 */
#include "voice/notice.h"

#include "auth/auth.h"
#include "core/timeutil.h"
#include "core/utf8.h"
#include "registry/household.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char sql_add[] =
    "INSERT INTO notices (community_id, title, body, category, scope, scope_id, pinned, status,"
    " created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'draft', ?, ?) RETURNING id";
static const char sql_list[] =
    "SELECT n.id, n.title, n.category, n.scope, n.scope_id, n.pinned, n.status, n.published_at,"
    " n.created_at, (SELECT COUNT(*) FROM notice_receipts x WHERE x.notice_id = n.id),"
    " (SELECT COUNT(*) FROM notice_receipts x WHERE x.notice_id = n.id AND x.dwelling_id = ?)"
    " FROM notices n WHERE n.community_id = ? AND (? = 1 OR n.status = 'published')"
    " ORDER BY n.pinned DESC, COALESCE(n.published_at, n.created_at) DESC, n.id DESC LIMIT 200";
static const char sql_get[] =
    "SELECT id, community_id, title, scope, scope_id, status FROM notices"
    " WHERE id = ? AND community_id = ? AND (? = 1 OR status = 'published')";
static const char sql_view[] =
    "SELECT title, body, category, scope, scope_id, pinned, status, published_at, created_at,"
    " (SELECT COUNT(*) FROM notice_receipts x WHERE x.notice_id = n.id AND x.dwelling_id = ?)"
    " FROM notices n WHERE id = ?";
static const char sql_status[] =
    "UPDATE notices SET status = ?, published_at = COALESCE(published_at, ?)"
    " WHERE id = ? AND status = ?";
static const char sql_receipt[] =
    "INSERT INTO notice_receipts (notice_id, dwelling_id, method, note, user_id, at)"
    " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (notice_id, dwelling_id) DO NOTHING";
static const char sql_receipts[] =
    "SELECT dwelling_id, method FROM notice_receipts WHERE notice_id = ? ORDER BY dwelling_id";

static const char *const categories[] = {"notice", "announcement", "publicity", "reminder"};
static const char *const methods[] = {"online", "door", "phone", "meeting"};

static bool one_of(const char *s, const char *const *v, size_t n)
{
	for (size_t i = 0; s && i < n; i++)
		if (!strcmp(s, v[i]))
			return true;
	return false;
}

static bool text_ok(const char *s, size_t max, bool required)
{
	size_t n = s ? strlen(s) : 0;
	if (!n)
		return !required;
	return utf8_valid(s, n) && utf8_count(s, n) <= max;
}

int notice_add(struct store *db, int64_t *out, int64_t community_id, const struct notice_new *n,
	       int64_t actor, struct err *e)
{
	const char *category = n->category ? n->category : "notice";
	struct arena a;
	struct household *h;
	size_t nh;
	struct stmt *st;
	int rc;

	if (!text_ok(n->title, NOTICE_TITLE_MAX, true))
		return err_set(e, ERR_INVALID, "title", "title must be 1 to %d characters",
			       NOTICE_TITLE_MAX);
	if (!text_ok(n->body, NOTICE_BODY_MAX, true))
		return err_set(e, ERR_INVALID, "body", "body must be 1 to %d characters",
			       NOTICE_BODY_MAX);
	if (!one_of(category, categories, 4))
		return err_set(e, ERR_INVALID, "category",
			       "category must be notice, announcement, publicity or reminder");
	/* the scope must lie in the community */
	arena_init(&a);
	rc = household_list(db, &a, community_id, n->scope, n->scope_id, &h, &nh, e);
	arena_release(&a);
	if (rc < 0)
		return -1;
	if (!(st = store_prepare(db, sql_add, e)))
		return -1;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_text(st, 2, n->title, SIZE_MAX);
	stmt_bind_text(st, 3, n->body, SIZE_MAX);
	stmt_bind_text(st, 4, category, SIZE_MAX);
	stmt_bind_text(st, 5, n->scope, SIZE_MAX);
	stmt_bind_int(st, 6, strcmp(n->scope, "community") ? n->scope_id : community_id);
	stmt_bind_int(st, 7, n->pinned);
	stmt_bind_int(st, 8, actor);
	stmt_bind_int(st, 9, time_now());
	rc = stmt_step(st, e);
	if (rc == STORE_ROW)
		*out = stmt_int(st, 0);
	stmt_done(st);
	return rc == STORE_ROW ? 0 : -1;
}

int notice_list(struct store *db, json_t **out, int64_t community_id, bool staff,
		int64_t household_id, struct err *e)
{
	struct stmt *st = store_prepare(db, sql_list, e);
	int rc;
	if (!st)
		return -1;
	stmt_bind_int(st, 1, household_id);
	stmt_bind_int(st, 2, community_id);
	stmt_bind_int(st, 3, staff);
	*out = json_array();
	while ((rc = stmt_step(st, e)) == STORE_ROW) {
		json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:I, s:b, s:s, s:I}", "id",
				      (json_int_t)stmt_int(st, 0), "title", stmt_text(st, 1),
				      "category", stmt_text(st, 2), "scope", stmt_text(st, 3),
				      "scope_id", (json_int_t)stmt_int(st, 4), "pinned",
				      (int)stmt_int(st, 5), "status", stmt_text(st, 6), "created_at",
				      (json_int_t)stmt_int(st, 8));
		if (!stmt_is_null(st, 7))
			json_object_set_new(o, "published_at", json_integer(stmt_int(st, 7)));
		if (staff)
			json_object_set_new(o, "reached", json_integer(stmt_int(st, 9)));
		if (household_id > 0)
			json_object_set_new(o, "read", json_boolean(stmt_int(st, 10) > 0));
		json_array_append_new(*out, o);
	}
	stmt_done(st);
	if (rc < 0) {
		json_decref(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

int notice_get(struct store *db, struct notice_info *out, int64_t community_id, int64_t id,
	       bool staff, struct arena *a, struct err *e)
{
	struct stmt *st = store_prepare(db, sql_get, e);
	int rc;
	if (!st)
		return -1;
	stmt_bind_int(st, 1, id);
	stmt_bind_int(st, 2, community_id);
	stmt_bind_int(st, 3, staff);
	rc = stmt_step(st, e);
	if (rc == STORE_ROW) {
		out->id = stmt_int(st, 0);
		out->community_id = stmt_int(st, 1);
		out->title = arena_strdup(a, stmt_text(st, 2));
		out->scope = arena_strdup(a, stmt_text(st, 3));
		out->scope_id = stmt_int(st, 4);
		out->status = arena_strdup(a, stmt_text(st, 5));
	}
	stmt_done(st);
	if (rc == STORE_DONE)
		return err_set(e, ERR_NOT_FOUND, "id", "no such notice");
	return rc < 0 ? -1 : 0;
}

int notice_view(struct store *db, json_t **out, const struct notice_info *n, int64_t household_id,
		struct err *e)
{
	struct stmt *st = store_prepare(db, sql_view, e);
	int rc;
	if (!st)
		return -1;
	stmt_bind_int(st, 1, household_id);
	stmt_bind_int(st, 2, n->id);
	rc = stmt_step(st, e);
	if (rc == STORE_ROW) {
		*out = json_pack("{s:I, s:s, s:s, s:s, s:s, s:I, s:b, s:s, s:I}", "id",
				 (json_int_t)n->id, "title", stmt_text(st, 0), "body",
				 stmt_text(st, 1), "category", stmt_text(st, 2), "scope",
				 stmt_text(st, 3), "scope_id", (json_int_t)stmt_int(st, 4), "pinned",
				 (int)stmt_int(st, 5), "status", stmt_text(st, 6), "created_at",
				 (json_int_t)stmt_int(st, 8));
		if (!stmt_is_null(st, 7))
			json_object_set_new(*out, "published_at", json_integer(stmt_int(st, 7)));
		if (household_id > 0)
			json_object_set_new(*out, "read", json_boolean(stmt_int(st, 9) > 0));
	}
	stmt_done(st);
	if (rc == STORE_DONE)
		return err_set(e, ERR_NOT_FOUND, "id", "no such notice");
	return rc < 0 ? -1 : 0;
}

int notice_set_status(struct store *db, const struct notice_info *n, const char *status,
		      int64_t actor, struct err *e)
{
	const char *from;
	struct stmt *st;
	char detail[64];

	if (!status || (strcmp(status, "published") && strcmp(status, "withdrawn")))
		return err_set(e, ERR_INVALID, "status", "status must be published or withdrawn");
	from = !strcmp(status, "published") ? "draft" : "published";
	if (strcmp(n->status, from))
		return err_set(e, ERR_CONFLICT, "status", "a %s notice cannot become %s", n->status,
			       status);
	if (store_begin(db, e) < 0)
		return -1;
	if (!(st = store_prepare(db, sql_status, e)))
		goto fail;
	stmt_bind_text(st, 1, status, SIZE_MAX);
	stmt_bind_int(st, 2, time_now());
	stmt_bind_int(st, 3, n->id);
	stmt_bind_text(st, 4, from, SIZE_MAX);
	if (stmt_exec(st, e) < 0)
		goto fail;
	if (store_changes(db) != 1) {
		err_set(e, ERR_CONFLICT, "status", "the notice changed meanwhile");
		goto fail;
	}
	snprintf(detail, sizeof(detail), "notice %lld %s", (long long)n->id, status);
	if (audit_append(db, actor, NULL, "notice.status", "notice", n->community_id, NULL, detail,
			 e) < 0)
		goto fail;
	return store_commit(db, e);
fail:
	store_rollback(db);
	return -1;
}

int notice_receipt(struct store *db, const struct notice_info *n, int64_t dwelling_id,
		   const char *method, const char *note, int64_t user_id, bool *first,
		   struct err *e)
{
	struct stmt *st;
	*first = false;
	if (!one_of(method, methods, 4))
		return err_set(e, ERR_INVALID, "method", "method must be online, door, phone or meeting");
	if (!text_ok(note, NOTICE_NOTE_MAX, false))
		return err_set(e, ERR_INVALID, "note", "note must be at most %d characters",
			       NOTICE_NOTE_MAX);
	if (strcmp(n->status, "published"))
		return err_set(e, ERR_CONFLICT, "status", "the notice is not published");
	if (household_in_scope(db, n->community_id, n->scope, n->scope_id, dwelling_id, e) < 0)
		return -1;
	if (!(st = store_prepare(db, sql_receipt, e)))
		return -1;
	stmt_bind_int(st, 1, n->id);
	stmt_bind_int(st, 2, dwelling_id);
	stmt_bind_text(st, 3, method, SIZE_MAX);
	stmt_bind_text(st, 4, note ? note : "", SIZE_MAX);
	stmt_bind_int(st, 5, user_id);
	stmt_bind_int(st, 6, time_now());
	if (stmt_exec(st, e) < 0)
		return -1;
	*first = store_changes(db) == 1;
	return 0;
}

struct slot {
	int64_t dwelling_id;
	size_t i;
};

static int by_dwelling(const void *a, const void *b)
{
	int64_t x = ((const struct slot *)a)->dwelling_id, y = ((const struct slot *)b)->dwelling_id;
	return (x > y) - (x < y);
}

int notice_receipts(struct store *db, json_t **out, const struct notice_info *n, struct arena *a,
		    struct err *e)
{
	struct household *h;
	size_t nh, reached = 0, i = 0;
	int64_t by[4] = {0};
	json_t *unreached;
	struct stmt *st;
	int rc;

	if (household_list(db, a, n->community_id, n->scope, n->scope_id, &h, &nh, e) < 0)
		return -1;
	/* receipts by dwelling id, merged with the households sorted the same way */
	int64_t *got = arena_alloc(a, (nh + 1) * sizeof(*got));
	struct slot *idx = arena_alloc(a, (nh + 1) * sizeof(*idx));
	memset(got, 0, (nh + 1) * sizeof(*got));
	for (i = 0; i < nh; i++)
		idx[i] = (struct slot){h[i].dwelling_id, i};
	qsort(idx, nh, sizeof(*idx), by_dwelling);
	if (!(st = store_prepare(db, sql_receipts, e)))
		return -1;
	stmt_bind_int(st, 1, n->id);
	while ((rc = stmt_step(st, e)) == STORE_ROW) {
		int64_t d = stmt_int(st, 0);
		const char *m = stmt_text(st, 1);
		struct slot key = {d, 0}, *hit = bsearch(&key, idx, nh, sizeof(*idx), by_dwelling);
		if (!hit || got[hit->i])
			continue; /* moved out since, or out of scope */
		i = hit->i;
		got[i] = 1;
		reached++;
		for (int k = 0; k < 4; k++)
			if (!strcmp(m, methods[k]))
				by[k]++;
	}
	stmt_done(st);
	if (rc < 0)
		return -1;
	unreached = json_array();
	for (i = 0; i < nh; i++)
		if (!got[i])
			json_array_append_new(unreached,
					      json_pack("{s:I, s:I, s:s, s:I}", "dwelling_id",
							(json_int_t)h[i].dwelling_id, "building_id",
							(json_int_t)h[i].building_id, "label", h[i].label,
							"members", (json_int_t)h[i].members));
	*out = json_pack("{s:I, s:I, s:{s:I, s:I, s:I, s:I}, s:o}", "households", (json_int_t)nh,
			 "reached", (json_int_t)reached, "by_method", "online", (json_int_t)by[0],
			 "door", (json_int_t)by[1], "phone", (json_int_t)by[2], "meeting",
			 (json_int_t)by[3], "unreached", unreached);
	return 0;
}

const struct migration notice_migrations[] = {
    {740, "voice: notices and household read receipts",
     "CREATE TABLE notices ("
     " id @id,"
     " community_id INTEGER NOT NULL REFERENCES communities(id),"
     " title TEXT NOT NULL, body TEXT NOT NULL, category TEXT NOT NULL,"
     " scope TEXT NOT NULL, scope_id INTEGER NOT NULL, pinned INTEGER NOT NULL,"
     " status TEXT NOT NULL, created_by INTEGER, created_at INTEGER NOT NULL,"
     " published_at INTEGER);"
     "CREATE INDEX notices_community ON notices (community_id, status);"
     "CREATE TABLE notice_receipts ("
     " notice_id INTEGER NOT NULL REFERENCES notices(id) ON DELETE CASCADE,"
     " dwelling_id INTEGER NOT NULL REFERENCES dwellings(id),"
     " method TEXT NOT NULL, note TEXT NOT NULL, user_id INTEGER,"
     " at INTEGER NOT NULL, PRIMARY KEY (notice_id, dwelling_id));"},
};
const size_t notice_migrations_n = sizeof(notice_migrations) / sizeof(notice_migrations[0]);
