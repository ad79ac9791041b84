/*
 * incident.c - incidents at the post, their figures and the script review
 * (see incident.h).
 *
 * Figures and the review are computed here from plain rows rather than with
 * date functions in SQL, so SQLite and PostgreSQL give the same months
 * (Beijing time, UTC+8) and the order of the review is one tested function.
 */
#include "scene/incident.h"

#include "auth/auth.h"
#include "core/timeutil.h"
#include "core/utf8.h"
#include "scene/scene.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char sql_scene_in[] = "SELECT 1 FROM scenes WHERE id = ? AND community_id = ?";
static const char sql_post_of_scene[] = "SELECT 1 FROM scene_posts WHERE id = ? AND scene_id = ?";
static const char sql_shift_of_scene[] =
    "SELECT f.post_id FROM shifts f JOIN scene_posts p ON p.id = f.post_id"
    " WHERE f.id = ? AND p.scene_id = ?";
static const char sql_script_of_scene[] =
    "SELECT revision FROM scene_scripts WHERE id = ? AND scene_id = ?";
static const char sql_add[] =
    "INSERT INTO scene_incidents (community_id, scene_id, post_id, shift_id, occurred_at, type,"
    " what, script_id, script_revision, outcome, followup, followup_due, followup_done,"
    " recorded_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?) RETURNING id";
static const char sql_update[] =
    "UPDATE scene_incidents SET outcome = COALESCE(?, outcome), followup = COALESCE(?, followup),"
    " followup_due = COALESCE(?, followup_due),"
    " followup_done = CASE WHEN ? >= 0 THEN ? ELSE followup_done END"
    " WHERE id = ? AND community_id = ?";
static const char sql_delete[] = "DELETE FROM scene_incidents WHERE id = ? AND community_id = ?";
static const char sql_list[] =
    "SELECT i.id, i.occurred_at, i.type, i.what, COALESCE(i.post_id, 0), COALESCE(p.name, ''),"
    " COALESCE(i.shift_id, 0), COALESCE(i.script_id, 0), COALESCE(s.title, ''),"
    " COALESCE(i.script_revision, 0), i.outcome, i.followup, i.followup_due, i.followup_done,"
    " COALESCE(u.display_name, u.username, '') FROM scene_incidents i"
    " LEFT JOIN scene_posts p ON p.id = i.post_id LEFT JOIN scene_scripts s ON s.id = i.script_id"
    " LEFT JOIN users u ON u.id = i.recorded_by"
    " WHERE i.scene_id = ? AND i.community_id = ? ORDER BY i.occurred_at DESC, i.id DESC LIMIT 200";
static const char sql_rows[] =
    "SELECT type, outcome, occurred_at, followup, followup_done FROM scene_incidents"
    " WHERE scene_id = ? AND community_id = ?";
static const char sql_scripts[] =
    "SELECT id, title, tags, revision FROM scene_scripts WHERE scene_id = ? ORDER BY position, id"
    " LIMIT 100";
static const char sql_counts[] =
    "SELECT script_id, outcome, COUNT(*) FROM scene_incidents WHERE scene_id = ?"
    " AND script_id IS NOT NULL GROUP BY script_id, outcome";
static const char sql_notes[] =
    "SELECT id, occurred_at, outcome, what, COALESCE(script_revision, 0) FROM scene_incidents"
    " WHERE script_id = ? ORDER BY occurred_at DESC, id DESC LIMIT 3";

static const char *const types[] = {"refused_registration", "delivery", "visitor", "elderly_help",
				    "argument", "medical", "other"};
static const char *const outcomes[] = {"resolved", "escalated", "unresolved"};

static bool one_of(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; s && i < n; i++)
		if (!strcmp(s, list[i]))
			return true;
	return false;
}

bool incident_type_valid(const char *s)
{
	return one_of(s, types, sizeof(types) / sizeof(types[0]));
}

bool incident_outcome_valid(const char *s)
{
	return one_of(s, outcomes, sizeof(outcomes) / sizeof(outcomes[0]));
}

static bool text_ok(const char *s, size_t max, bool required)
{
	size_t n = s ? strlen(s) : 0;
	if (!n)
		return !required;
	return utf8_valid(s, n) && !utf8_has_control(s, n) && utf8_count(s, n) <= max;
}

/* Looks up a row of (a, b): *found; *val gets column 0 when asked. */
static int row_of(struct store *db, const char *sql, int64_t a, int64_t b, bool *found,
		  int64_t *val, struct err *e)
{
	struct stmt *st = store_prepare(db, sql, e);
	int rc;
	if (!st)
		return -1;
	stmt_bind_int(st, 1, a);
	stmt_bind_int(st, 2, b);
	rc = stmt_step(st, e);
	*found = rc == STORE_ROW;
	if (*found && val)
		*val = stmt_int(st, 0);
	stmt_done(st);
	return rc < 0 ? -1 : 0;
}

static int check_new(struct store *db, int64_t scene_id, struct incident_new *n, int64_t *revision,
		     struct err *e)
{
	int64_t post = 0, day;
	bool found;
	if (!incident_type_valid(n->type))
		return err_set(e, ERR_INVALID, "type",
			       "type must be refused_registration, delivery, visitor, elderly_help,"
			       " argument, medical or other");
	if (!text_ok(n->what, INCIDENT_WHAT_MAX, true))
		return err_set(e, ERR_INVALID, "what", "what must be 1 to %d characters",
			       INCIDENT_WHAT_MAX);
	if (!incident_outcome_valid(n->outcome))
		return err_set(e, ERR_INVALID, "outcome",
			       "outcome must be resolved, escalated or unresolved");
	if (!text_ok(n->followup, INCIDENT_FOLLOWUP_MAX, false))
		return err_set(e, ERR_INVALID, "followup", "followup must be at most %d characters",
			       INCIDENT_FOLLOWUP_MAX);
	if (n->due && *n->due && !scene_date_days(n->due, &day))
		return err_set(e, ERR_INVALID, "due", "due must be a date YYYY-MM-DD");
	if (n->occurred_at == 0)
		n->occurred_at = time_now();
	else if (n->occurred_at < 946684800 || n->occurred_at > time_now() + 86400)
		return err_set(e, ERR_INVALID, "occurred_at", "occurred_at must be a time, not ahead");
	if (n->shift_id) {
		if (row_of(db, sql_shift_of_scene, n->shift_id, scene_id, &found, &post, e) < 0)
			return -1;
		if (!found)
			return err_set(e, ERR_INVALID, "shift_id", "no such shift in this scene");
		if (n->post_id && n->post_id != post)
			return err_set(e, ERR_INVALID, "post_id", "the shift is of another post");
		n->post_id = post;
	} else if (n->post_id) {
		if (row_of(db, sql_post_of_scene, n->post_id, scene_id, &found, NULL, e) < 0)
			return -1;
		if (!found)
			return err_set(e, ERR_INVALID, "post_id", "no such post in this scene");
	}
	if (n->script_id) {
		if (row_of(db, sql_script_of_scene, n->script_id, scene_id, &found, revision, e) < 0)
			return -1;
		if (!found)
			return err_set(e, ERR_INVALID, "script_id", "no such script in this scene");
	}
	return 0;
}

static void bind_id_or_null(struct stmt *st, int i, int64_t v)
{
	if (v)
		stmt_bind_int(st, i, v);
	else
		stmt_bind_null(st, i);
}

int incident_add(struct store *db, int64_t *out, int64_t community_id, int64_t scene_id,
		 const struct incident_new *in, int64_t user_id, struct err *e)
{
	struct incident_new n = *in;
	int64_t revision = 0;
	struct stmt *st;
	bool found;
	int rc;
	if (row_of(db, sql_scene_in, scene_id, community_id, &found, NULL, e) < 0)
		return -1;
	if (!found)
		return err_set(e, ERR_NOT_FOUND, "scene_id", "no such scene");
	if (check_new(db, scene_id, &n, &revision, e) < 0)
		return -1;
	if (!(st = store_prepare(db, sql_add, e)))
		return -1;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_int(st, 2, scene_id);
	bind_id_or_null(st, 3, n.post_id);
	bind_id_or_null(st, 4, n.shift_id);
	stmt_bind_int(st, 5, n.occurred_at);
	stmt_bind_text(st, 6, n.type, SIZE_MAX);
	stmt_bind_text(st, 7, n.what, SIZE_MAX);
	bind_id_or_null(st, 8, n.script_id);
	bind_id_or_null(st, 9, n.script_id ? revision : 0);
	stmt_bind_text(st, 10, n.outcome, SIZE_MAX);
	stmt_bind_text(st, 11, n.followup ? n.followup : "", SIZE_MAX);
	stmt_bind_text(st, 12, n.due ? n.due : "", SIZE_MAX);
	bind_id_or_null(st, 13, user_id);
	stmt_bind_int(st, 14, time_now());
	if ((rc = stmt_step(st, e)) == STORE_ROW)
		*out = stmt_int(st, 0);
	stmt_done(st);
	return rc == STORE_ROW ? 0 : -1;
}

int incident_update(struct store *db, int64_t community_id, int64_t incident_id,
		    const struct incident_change *c, struct err *e)
{
	struct stmt *st;
	int64_t day;
	if (c->outcome && !incident_outcome_valid(c->outcome))
		return err_set(e, ERR_INVALID, "outcome",
			       "outcome must be resolved, escalated or unresolved");
	if (c->followup && !text_ok(c->followup, INCIDENT_FOLLOWUP_MAX, false))
		return err_set(e, ERR_INVALID, "followup", "followup must be at most %d characters",
			       INCIDENT_FOLLOWUP_MAX);
	if (c->due && *c->due && !scene_date_days(c->due, &day))
		return err_set(e, ERR_INVALID, "due", "due must be a date YYYY-MM-DD");
	if (!(st = store_prepare(db, sql_update, e)))
		return -1;
	if (c->outcome)
		stmt_bind_text(st, 1, c->outcome, SIZE_MAX);
	else
		stmt_bind_null(st, 1);
	if (c->followup)
		stmt_bind_text(st, 2, c->followup, SIZE_MAX);
	else
		stmt_bind_null(st, 2);
	if (c->due)
		stmt_bind_text(st, 3, c->due, SIZE_MAX);
	else
		stmt_bind_null(st, 3);
	stmt_bind_int(st, 4, c->done);
	stmt_bind_int(st, 5, c->done);
	stmt_bind_int(st, 6, incident_id);
	stmt_bind_int(st, 7, community_id);
	if (stmt_exec(st, e) < 0)
		return -1;
	return store_changes(db) ? 0 : err_set(e, ERR_NOT_FOUND, "incident_id", "no such incident");
}

int incident_delete(struct store *db, int64_t community_id, int64_t incident_id,
		    int64_t actor_id, const char *actor, const char *reason, const char *ip,
		    struct err *e)
{
	struct stmt *st;
	char subject[48];
	if (reason && !text_ok(reason, 200, false))
		return err_set(e, ERR_INVALID, "reason", "reason must be at most 200 characters");
	snprintf(subject, sizeof(subject), "incident:%lld", (long long)incident_id);
	if (store_begin(db, e) < 0)
		return -1;
	if (!(st = store_prepare(db, sql_delete, e)))
		goto fail;
	stmt_bind_int(st, 1, incident_id);
	stmt_bind_int(st, 2, community_id);
	if (stmt_exec(st, e) < 0)
		goto fail;
	if (!store_changes(db)) {
		err_set(e, ERR_NOT_FOUND, "incident_id", "no such incident");
		goto fail;
	}
	if (audit_append(db, actor_id, actor, "scene.incident_delete", subject, community_id, ip,
			 reason, e) < 0 ||
	    store_commit(db, e) < 0)
		goto fail;
	return 0;
fail:
	store_rollback(db);
	return -1;
}

int incident_list(struct store *db, json_t **out, int64_t community_id, int64_t scene_id,
		  struct err *e)
{
	struct stmt *st = store_prepare(db, sql_list, e);
	int rc;
	if (!st)
		return -1;
	*out = json_array();
	stmt_bind_int(st, 1, scene_id);
	stmt_bind_int(st, 2, community_id);
	while ((rc = stmt_step(st, e)) == STORE_ROW) {
		json_t *o = json_pack(
		    "{s:I, s:I, s:s, s:s, s:I, s:s, s:I, s:I, s:s, s:I, s:s, s:s, s:s, s:b, s:s}", "id",
		    (json_int_t)stmt_int(st, 0), "occurred_at", (json_int_t)stmt_int(st, 1), "type",
		    stmt_text(st, 2), "what", stmt_text(st, 3), "post_id",
		    (json_int_t)stmt_int(st, 4), "post_name", stmt_text(st, 5), "shift_id",
		    (json_int_t)stmt_int(st, 6), "script_id", (json_int_t)stmt_int(st, 7),
		    "script_title", stmt_text(st, 8), "script_revision", (json_int_t)stmt_int(st, 9),
		    "outcome", stmt_text(st, 10), "followup", stmt_text(st, 11), "followup_due",
		    stmt_text(st, 12), "followup_done", stmt_int(st, 13) != 0, "recorded_by",
		    stmt_text(st, 14));
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

struct month_count {
	int key; /* year * 12 + month - 1 */
	int64_t n;
};

static int month_of(int64_t t)
{
	time_t x = (time_t)(t + SCENE_TZ_OFFSET);
	struct tm tm;
	gmtime_r(&x, &tm);
	return (tm.tm_year + 1900) * 12 + tm.tm_mon;
}

static void count_in(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);
	json_object_set_new(obj, key, json_integer(v ? json_integer_value(v) + 1 : 1));
}

int incident_figures(struct store *db, json_t **out, int64_t community_id, int64_t scene_id,
		     struct err *e)
{
	struct stmt *st;
	json_t *by_type = json_object(), *by_outcome = json_object(), *months;
	int64_t total = 0, open = 0;
	struct month_count m[240];
	size_t nm = 0;
	int rc;
	bool found;
	if (row_of(db, sql_scene_in, scene_id, community_id, &found, NULL, e) < 0 || !found) {
		json_decref(by_type);
		json_decref(by_outcome);
		return found ? -1 : err_set(e, ERR_NOT_FOUND, "scene_id", "no such scene");
	}
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		json_object_set_new(by_type, types[i], json_integer(0));
	for (size_t i = 0; i < sizeof(outcomes) / sizeof(outcomes[0]); i++)
		json_object_set_new(by_outcome, outcomes[i], json_integer(0));
	*out = json_pack("{s:o, s:o}", "by_type", by_type, "by_outcome", by_outcome);
	if (!(st = store_prepare(db, sql_rows, e)))
		goto fail;
	stmt_bind_int(st, 1, scene_id);
	stmt_bind_int(st, 2, community_id);
	while ((rc = stmt_step(st, e)) == STORE_ROW) {
		int key = month_of(stmt_int(st, 2));
		size_t j;
		total++;
		count_in(by_type, stmt_text(st, 0));
		count_in(by_outcome, stmt_text(st, 1));
		if (*stmt_text(st, 3) && !stmt_int(st, 4))
			open++;
		for (j = 0; j < nm && m[j].key != key; j++)
			;
		if (j == nm && nm < sizeof(m) / sizeof(m[0]))
			m[nm++] = (struct month_count){key, 0};
		if (j < nm)
			m[j].n++;
	}
	stmt_done(st);
	if (rc < 0)
		goto fail;
	/* oldest first: insertion sort, there are few months */
	for (size_t i = 1; i < nm; i++)
		for (size_t j = i; j > 0 && m[j - 1].key > m[j].key; j--) {
			struct month_count t = m[j];
			m[j] = m[j - 1];
			m[j - 1] = t;
		}
	months = json_array();
	for (size_t i = 0; i < nm; i++) {
		char buf[16];
		snprintf(buf, sizeof(buf), "%04d-%02d", m[i].key / 12, m[i].key % 12 + 1);
		json_array_append_new(months, json_pack("{s:s, s:I}", "month", buf, "n",
							(json_int_t)m[i].n));
	}
	json_object_set_new(*out, "by_month", months);
	json_object_set_new(*out, "total", json_integer(total));
	json_object_set_new(*out, "open_followups", json_integer(open));
	return 0;
fail:
	json_decref(*out);
	*out = NULL;
	return -1;
}

static int stat_cmp(const void *pa, const void *pb)
{
	const struct script_stat *a = pa, *b = pb;
	if (!a->used != !b->used)
		return a->used ? -1 : 1;
	if (a->used && b->used) {
		/* a->failed / a->used against b->failed / b->used, exactly */
		int64_t l = a->failed * b->used, r = b->failed * a->used;
		if (l != r)
			return l > r ? -1 : 1;
	}
	if (a->failed != b->failed)
		return a->failed > b->failed ? -1 : 1;
	if (a->used != b->used)
		return a->used > b->used ? -1 : 1;
	return a->id < b->id ? -1 : a->id > b->id;
}

void script_stat_sort(struct script_stat *s, size_t n)
{
	qsort(s, n, sizeof(*s), stat_cmp);
}

int script_review(struct store *db, json_t **out, int64_t community_id, int64_t scene_id,
		  struct err *e)
{
	struct script_stat stats[SCENE_ROWS_MAX];
	json_t *byid = json_object(), *o;
	struct stmt *st;
	size_t n = 0;
	int rc;
	bool found;
	*out = NULL;
	if (row_of(db, sql_scene_in, scene_id, community_id, &found, NULL, e) < 0)
		goto fail;
	if (!found) {
		err_set(e, ERR_NOT_FOUND, "scene_id", "no such scene");
		goto fail;
	}
	if (!(st = store_prepare(db, sql_scripts, e)))
		goto fail;
	stmt_bind_int(st, 1, scene_id);
	while ((rc = stmt_step(st, e)) == STORE_ROW && n < SCENE_ROWS_MAX) {
		char key[24];
		stats[n] = (struct script_stat){stmt_int(st, 0), 0, 0, 0};
		snprintf(key, sizeof(key), "%lld", (long long)stats[n].id);
		json_object_set_new(byid, key,
				    json_pack("{s:I, s:s, s:s, s:I, s:i, s:i, s:i, s:i, s:[]}", "id",
					      (json_int_t)stats[n].id, "title", stmt_text(st, 1),
					      "tags", stmt_text(st, 2), "revision",
					      (json_int_t)stmt_int(st, 3), "used", 0, "resolved", 0,
					      "escalated", 0, "unresolved", 0, "notes"));
		n++;
	}
	stmt_done(st);
	if (rc < 0 || !(st = store_prepare(db, sql_counts, e)))
		goto fail;
	stmt_bind_int(st, 1, scene_id);
	while ((rc = stmt_step(st, e)) == STORE_ROW) {
		int64_t id = stmt_int(st, 0), k = stmt_int(st, 2);
		const char *outcome = stmt_text(st, 1);
		char key[24];
		snprintf(key, sizeof(key), "%lld", (long long)id);
		if (!(o = json_object_get(byid, key)) || !incident_outcome_valid(outcome))
			continue;
		json_object_set_new(o, outcome, json_integer(k));
		for (size_t i = 0; i < n; i++)
			if (stats[i].id == id) {
				stats[i].used += k;
				if (!strcmp(outcome, "resolved"))
					stats[i].resolved += k;
				else
					stats[i].failed += k;
			}
	}
	stmt_done(st);
	if (rc < 0)
		goto fail;
	script_stat_sort(stats, n);
	*out = json_array();
	for (size_t i = 0; i < n; i++) {
		char key[24];
		json_t *notes;
		snprintf(key, sizeof(key), "%lld", (long long)stats[i].id);
		o = json_object_get(byid, key);
		json_object_set_new(o, "used", json_integer(stats[i].used));
		json_object_set_new(o, "failed_pct",
				    json_integer(stats[i].used ? stats[i].failed * 100 / stats[i].used
							       : 0));
		json_array_append(*out, o);
		if (!stats[i].used)
			continue;
		notes = json_object_get(o, "notes");
		if (!(st = store_prepare(db, sql_notes, e)))
			goto fail;
		stmt_bind_int(st, 1, stats[i].id);
		while ((rc = stmt_step(st, e)) == STORE_ROW)
			json_array_append_new(notes,
					      json_pack("{s:I, s:I, s:s, s:s, s:I}", "incident_id",
							(json_int_t)stmt_int(st, 0), "occurred_at",
							(json_int_t)stmt_int(st, 1), "outcome",
							stmt_text(st, 2), "what", stmt_text(st, 3),
							"script_revision", (json_int_t)stmt_int(st, 4)));
		stmt_done(st);
		if (rc < 0)
			goto fail;
	}
	json_decref(byid);
	return 0;
fail:
	json_decref(byid);
	json_decref(*out);
	*out = NULL;
	return -1;
}
