/*
 * drill.c - drills, their timed milestones and the after-action review
 * (drill.h).
 *
 * Milestones are rows (drill, seq) replaced whole on every change of the
 * drill, in the same transaction: a drill's timings are small and read
 * whole, and replacing them keeps the order the recorder gave.
 */
#include "field/drill.h"

#include "auth/auth.h"
#include "core/timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool drill_delta(int64_t *out, const struct drill_milestone *m)
{
	if (m->actual < 0)
		return false;
	*out = m->actual - m->planned;
	return true;
}

static int minutes_at(int64_t *out, const json_t *o, const char *key, bool optional,
                      const char *path, struct err *e)
{
	char f[64];
	json_t *v = json_object_get(o, key);
	prep_path(f, sizeof(f), "%s.%s", path, key);
	if ((!v || json_is_null(v)) && optional) {
		*out = -1;
		return 0;
	}
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) > DRILL_MINUTES_MAX)
		return err_set(e, ERR_INVALID, f, "%s is whole minutes 0-%d", f, DRILL_MINUTES_MAX);
	*out = json_integer_value(v);
	return 0;
}

int drill_input_take(struct drill_input *in, const json_t *body, struct err *e)
{
	static const char *const keys[] = {"plan_id", "date", "scenario", "participants_count",
	                                   "participants", "milestones"};
	const char *k;
	json_t *v, *ms;
	size_t i;

	memset(in, 0, sizeof(*in));
	json_object_foreach((json_t *)body, k, v)
	{
		size_t j;
		for (j = 0; j < 6 && strcmp(k, keys[j]); j++)
			;
		if (j == 6)
			return err_set(e, ERR_INVALID, k, "unknown field %s", k);
	}
	v = json_object_get(body, "plan_id");
	if (!json_is_integer(v) || json_integer_value(v) < 1)
		return err_set(e, ERR_INVALID, "plan_id", "plan_id is a plan's id");
	in->plan_id = json_integer_value(v);
	v = json_object_get(body, "date");
	if (!json_is_string(v) || !prep_date_valid(json_string_value(v)))
		return err_set(e, ERR_INVALID, "date", "date is YYYY-MM-DD");
	in->date = json_string_value(v);
	v = json_object_get(body, "scenario");
	if (!json_is_string(v))
		return err_set(e, ERR_INVALID, "scenario", "scenario is text");
	in->scenario = json_string_value(v);
	if (prep_text_check(in->scenario, DRILL_SCENARIO_MAX, false, "scenario", e) < 0)
		return -1;
	v = json_object_get(body, "participants_count");
	if (v && (!json_is_integer(v) || json_integer_value(v) < 0 ||
	          json_integer_value(v) > DRILL_PEOPLE_MAX))
		return err_set(e, ERR_INVALID, "participants_count",
		               "participants_count is 0-%d", DRILL_PEOPLE_MAX);
	in->participants_count = v ? json_integer_value(v) : 0;
	v = json_object_get(body, "participants");
	if (v && !json_is_string(v))
		return err_set(e, ERR_INVALID, "participants", "participants is text");
	in->participants = v ? json_string_value(v) : "";
	if (prep_text_check(in->participants, DRILL_PARTICIPANTS_MAX, true, "participants", e) < 0)
		return -1;
	ms = json_object_get(body, "milestones");
	if (ms && !json_is_array(ms))
		return err_set(e, ERR_INVALID, "milestones", "milestones is a list");
	if (ms && json_array_size(ms) > DRILL_MILESTONES_MAX)
		return err_set(e, ERR_INVALID, "milestones", "at most %d milestones",
		               DRILL_MILESTONES_MAX);
	in->nmilestones = ms ? json_array_size(ms) : 0;
	in->milestones = in->nmilestones ? xcalloc(in->nmilestones, sizeof(*in->milestones)) : NULL;
	json_array_foreach(ms, i, v)
	{
		static const char *const mk[] = {"name", "planned", "actual"};
		char path[32], f[64];
		json_t *name;
		prep_path(path, sizeof(path), "milestones[%zu]", i);
		if (!json_is_object(v)) {
			err_set(e, ERR_INVALID, path, "%s is an object", path);
			goto fail;
		}
		json_object_foreach(v, k, name)
		{
			size_t j;
			for (j = 0; j < 3 && strcmp(k, mk[j]); j++)
				;
			if (j == 3) {
				prep_path(f, sizeof(f), "%s.%s", path, k);
				err_set(e, ERR_INVALID, f, "unknown field %s", k);
				goto fail;
			}
		}
		name = json_object_get(v, "name");
		prep_path(f, sizeof(f), "%s.name", path);
		if (!json_is_string(name)) {
			err_set(e, ERR_INVALID, f, "a milestone has a name");
			goto fail;
		}
		in->milestones[i].name = json_string_value(name);
		if (prep_text_check(in->milestones[i].name, DRILL_MILESTONE_NAME_MAX, false, f, e) < 0 ||
		    minutes_at(&in->milestones[i].planned, v, "planned", false, path, e) < 0 ||
		    minutes_at(&in->milestones[i].actual, v, "actual", true, path, e) < 0)
			goto fail;
	}
	return 0;
fail:
	free(in->milestones);
	in->milestones = NULL;
	return -1;
}

static const char sql_plan[] = "SELECT hazard FROM prep_plans WHERE community_id = ? AND id = ?";
static const char sql_add[] =
    "INSERT INTO prep_drills (community_id, plan_id, hazard, date, scenario,"
    " participants_count, participants, went_well, to_improve, created_by, creator_name,"
    " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, '', '', ?, ?, ?, ?) RETURNING id";
static const char sql_update[] =
    "UPDATE prep_drills SET date = ?, scenario = ?, participants_count = ?, participants = ?,"
    " updated_at = ? WHERE community_id = ? AND id = ?";
static const char sql_ms_clear[] = "DELETE FROM prep_drill_milestones WHERE drill_id = ?";
static const char sql_ms_add[] =
    "INSERT INTO prep_drill_milestones (drill_id, seq, name, planned, actual)"
    " VALUES (?, ?, ?, ?, ?)";
static const char sql_list[] =
    "SELECT d.id, d.plan_id, d.hazard, d.date, d.scenario, d.participants_count,"
    " (SELECT COUNT(*) FROM prep_drill_milestones m WHERE m.drill_id = d.id),"
    " (SELECT COUNT(*) FROM prep_drill_milestones m WHERE m.drill_id = d.id"
    "  AND m.actual IS NOT NULL AND m.actual > m.planned),"
    " d.reviewed_at,"
    " (SELECT COUNT(*) FROM prep_drill_actions a WHERE a.drill_id = d.id AND a.done = 0)"
    " FROM prep_drills d WHERE d.community_id = ? AND (? = '' OR d.hazard = ?)"
    " ORDER BY d.date DESC, d.id DESC";
static const char sql_one[] =
    "SELECT id, plan_id, hazard, date, scenario, participants_count, participants, went_well,"
    " to_improve, reviewed_at, creator_name, created_at FROM prep_drills"
    " WHERE community_id = ? AND id = ?";
static const char sql_ms[] =
    "SELECT name, planned, actual FROM prep_drill_milestones WHERE drill_id = ? ORDER BY seq";
static const char sql_actions[] =
    "SELECT id, task, owner, due, done, done_at FROM prep_drill_actions WHERE drill_id = ?"
    " ORDER BY id";
static const char sql_review[] =
    "UPDATE prep_drills SET went_well = ?, to_improve = ?, reviewed_at = ?, updated_at = ?"
    " WHERE community_id = ? AND id = ?";
static const char sql_exists[] = "SELECT id FROM prep_drills WHERE community_id = ? AND id = ?";
static const char sql_action_count[] =
    "SELECT COUNT(*) FROM prep_drill_actions WHERE drill_id = ?";
static const char sql_action_add[] =
    "INSERT INTO prep_drill_actions (drill_id, community_id, task, owner, due, done,"
    " created_at) VALUES (?, ?, ?, ?, ?, 0, ?) RETURNING id";
static const char sql_action_done[] =
    "UPDATE prep_drill_actions SET done = ?, done_at = ? WHERE community_id = ?"
    " AND drill_id = ? AND id = ?";

static int milestones_write(struct store *db, int64_t drill_id, const struct drill_input *in,
                            struct err *e)
{
	struct stmt *st = store_prepare(db, sql_ms_clear, e);
	if (!st)
		return -1;
	stmt_bind_int(st, 1, drill_id);
	if (stmt_exec(st, e) < 0)
		return -1;
	for (size_t i = 0; i < in->nmilestones; i++) {
		if (!(st = store_prepare(db, sql_ms_add, e)))
			return -1;
		stmt_bind_int(st, 1, drill_id);
		stmt_bind_int(st, 2, (int64_t)i);
		stmt_bind_text(st, 3, in->milestones[i].name, SIZE_MAX);
		stmt_bind_int(st, 4, in->milestones[i].planned);
		if (in->milestones[i].actual >= 0)
			stmt_bind_int(st, 5, in->milestones[i].actual);
		else
			stmt_bind_null(st, 5);
		if (stmt_exec(st, e) < 0)
			return -1;
	}
	return 0;
}

static int exists(struct store *db, int64_t community_id, int64_t id, struct err *e)
{
	struct stmt *st = store_prepare(db, sql_exists, e);
	int rc;
	if (!st)
		return -1;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_int(st, 2, id);
	rc = stmt_step(st, e);
	stmt_done(st);
	if (rc == STORE_DONE)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such drill");
	return rc < 0 ? -1 : 0;
}

int drill_add(struct store *db, int64_t *out, int64_t community_id, const struct drill_input *in,
              const struct prep_actor *who, struct err *e)
{
	struct stmt *st;
	char hazard[32] = "";
	int64_t now = time_now();
	int rc;
	if (store_begin(db, e) < 0 || !(st = store_prepare(db, sql_plan, e)))
		goto fail;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_int(st, 2, in->plan_id);
	rc = stmt_step(st, e);
	if (rc == STORE_ROW)
		snprintf(hazard, sizeof(hazard), "%s", stmt_text(st, 0));
	stmt_done(st);
	if (rc == STORE_DONE)
		err_set(e, ERR_NOT_FOUND, "plan_id", "no such plan");
	if (rc != STORE_ROW || !(st = store_prepare(db, sql_add, e)))
		goto fail;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_int(st, 2, in->plan_id);
	stmt_bind_text(st, 3, hazard, SIZE_MAX);
	stmt_bind_text(st, 4, in->date, SIZE_MAX);
	stmt_bind_text(st, 5, in->scenario, SIZE_MAX);
	stmt_bind_int(st, 6, in->participants_count);
	stmt_bind_text(st, 7, in->participants ? in->participants : "", SIZE_MAX);
	stmt_bind_int(st, 8, who->user_id);
	stmt_bind_text(st, 9, who->name ? who->name : "", SIZE_MAX);
	stmt_bind_int(st, 10, now);
	stmt_bind_int(st, 11, now);
	rc = stmt_step(st, e);
	if (rc == STORE_ROW)
		*out = stmt_int(st, 0);
	stmt_done(st);
	if (rc != STORE_ROW || milestones_write(db, *out, in, e) < 0 || store_commit(db, e) < 0)
		goto fail;
	return 0;
fail:
	store_rollback(db);
	return -1;
}

int drill_update(struct store *db, int64_t community_id, int64_t id,
                 const struct drill_input *in, const struct prep_actor *who, struct err *e)
{
	struct stmt *st;
	(void)who;
	if (store_begin(db, e) < 0 || exists(db, community_id, id, e) < 0 ||
	    !(st = store_prepare(db, sql_update, e)))
		goto fail;
	stmt_bind_text(st, 1, in->date, SIZE_MAX);
	stmt_bind_text(st, 2, in->scenario, SIZE_MAX);
	stmt_bind_int(st, 3, in->participants_count);
	stmt_bind_text(st, 4, in->participants ? in->participants : "", SIZE_MAX);
	stmt_bind_int(st, 5, time_now());
	stmt_bind_int(st, 6, community_id);
	stmt_bind_int(st, 7, id);
	if (stmt_exec(st, e) < 0 || milestones_write(db, id, in, e) < 0 || store_commit(db, e) < 0)
		goto fail;
	return 0;
fail:
	store_rollback(db);
	return -1;
}

int drill_list(struct store *db, json_t **out, int64_t community_id, const char *hazard,
               struct err *e)
{
	struct stmt *st = store_prepare(db, sql_list, e);
	json_t *arr;
	int rc;
	if (!st)
		return -1;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_text(st, 2, hazard ? hazard : "", SIZE_MAX);
	stmt_bind_text(st, 3, hazard ? hazard : "", SIZE_MAX);
	arr = json_array();
	while ((rc = stmt_step(st, e)) == STORE_ROW) {
		const char *h = stmt_text(st, 2);
		json_array_append_new(
		    arr, json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:b, s:I}",
		                   "id", (json_int_t)stmt_int(st, 0), "plan_id",
		                   (json_int_t)stmt_int(st, 1), "hazard", h, "name_zh",
		                   prep_hazard_zh(h) ? prep_hazard_zh(h) : h, "name_en",
		                   prep_hazard_en(h) ? prep_hazard_en(h) : h, "date", stmt_text(st, 3),
		                   "scenario", stmt_text(st, 4), "participants_count",
		                   (json_int_t)stmt_int(st, 5), "milestones",
		                   (json_int_t)stmt_int(st, 6), "late", (json_int_t)stmt_int(st, 7),
		                   "reviewed", !stmt_is_null(st, 8), "actions_open",
		                   (json_int_t)stmt_int(st, 9)));
	}
	stmt_done(st);
	if (rc < 0) {
		json_decref(arr);
		return -1;
	}
	*out = json_pack("{s:o}", "drills", arr);
	return 0;
}

static json_t *opt_int(bool set, int64_t v)
{
	return set ? json_integer(v) : json_null();
}

int drill_get(struct store *db, json_t **out, int64_t community_id, int64_t id, struct err *e)
{
	struct stmt *st = store_prepare(db, sql_one, e);
	json_t *v = NULL, *ms, *acts, *last = NULL;
	int rc;
	if (!st)
		return -1;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_int(st, 2, id);
	rc = stmt_step(st, e);
	if (rc == STORE_ROW) {
		const char *h = stmt_text(st, 2);
		json_t *review = json_pack("{s:s, s:s, s:o}", "went_well", stmt_text(st, 7),
		                           "to_improve", stmt_text(st, 8), "reviewed_at",
		                           opt_int(!stmt_is_null(st, 9), stmt_int(st, 9)));
		v = json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:o, s:s, s:I}", "id",
		              (json_int_t)stmt_int(st, 0), "plan_id", (json_int_t)stmt_int(st, 1),
		              "hazard", h, "name_zh", prep_hazard_zh(h) ? prep_hazard_zh(h) : h,
		              "name_en", prep_hazard_en(h) ? prep_hazard_en(h) : h, "date",
		              stmt_text(st, 3), "scenario", stmt_text(st, 4), "participants_count",
		              (json_int_t)stmt_int(st, 5), "participants", stmt_text(st, 6), "review",
		              review, "recorded_by", stmt_text(st, 10), "created_at",
		              (json_int_t)stmt_int(st, 11));
	}
	stmt_done(st);
	if (rc == STORE_DONE)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such drill");
	if (rc < 0)
		return -1;
	ms = json_array();
	acts = json_array();
	if (!(st = store_prepare(db, sql_ms, e)))
		goto fail;
	stmt_bind_int(st, 1, id);
	while ((rc = stmt_step(st, e)) == STORE_ROW) {
		struct drill_milestone m = {stmt_text(st, 0), stmt_int(st, 1),
		                            stmt_is_null(st, 2) ? -1 : stmt_int(st, 2)};
		int64_t d = 0;
		bool timed = drill_delta(&d, &m);
		json_decref(last);
		last = json_pack("{s:s, s:I, s:o, s:o}", "name", m.name, "planned",
		                 (json_int_t)m.planned, "actual", opt_int(timed, m.actual), "delta",
		                 opt_int(timed, d));
		json_array_append(ms, last);
	}
	stmt_done(st);
	if (rc < 0 || !(st = store_prepare(db, sql_actions, e)))
		goto fail;
	stmt_bind_int(st, 1, id);
	while ((rc = stmt_step(st, e)) == STORE_ROW)
		json_array_append_new(acts, json_pack("{s:I, s:s, s:s, s:s, s:b, s:o}", "id",
		                                      (json_int_t)stmt_int(st, 0), "task",
		                                      stmt_text(st, 1), "owner", stmt_text(st, 2),
		                                      "due", stmt_text(st, 3), "done",
		                                      stmt_int(st, 4) != 0, "done_at",
		                                      opt_int(!stmt_is_null(st, 5), stmt_int(st, 5))));
	stmt_done(st);
	if (rc < 0)
		goto fail;
	json_object_set_new(v, "milestones", ms);
	json_object_set_new(v, "actions", acts);
	json_object_set_new(v, "total",
	                    last ? json_pack("{s:O, s:O, s:O}", "planned",
	                                     json_object_get(last, "planned"), "actual",
	                                     json_object_get(last, "actual"), "delta",
	                                     json_object_get(last, "delta"))
	                         : json_null());
	json_decref(last);
	*out = v;
	return 0;
fail:
	json_decref(last);
	json_decref(ms);
	json_decref(acts);
	json_decref(v);
	return -1;
}

int drill_review_put(struct store *db, int64_t community_id, int64_t id, const char *went_well,
                     const char *to_improve, const struct prep_actor *who, struct err *e)
{
	struct stmt *st;
	char detail[32];
	int64_t now = time_now();
	if (prep_text_check(went_well, DRILL_REVIEW_MAX, true, "went_well", e) < 0 ||
	    prep_text_check(to_improve, DRILL_REVIEW_MAX, true, "to_improve", e) < 0)
		return -1;
	if (store_begin(db, e) < 0 || exists(db, community_id, id, e) < 0 ||
	    !(st = store_prepare(db, sql_review, e)))
		goto fail;
	stmt_bind_text(st, 1, went_well, SIZE_MAX);
	stmt_bind_text(st, 2, to_improve, SIZE_MAX);
	stmt_bind_int(st, 3, now);
	stmt_bind_int(st, 4, now);
	stmt_bind_int(st, 5, community_id);
	stmt_bind_int(st, 6, id);
	snprintf(detail, sizeof(detail), "drill %lld", (long long)id);
	if (stmt_exec(st, e) < 0 ||
	    audit_append(db, who->user_id, who->name, "prep.drill.review", detail, community_id,
	                 who->ip, NULL, e) < 0 ||
	    store_commit(db, e) < 0)
		goto fail;
	return 0;
fail:
	store_rollback(db);
	return -1;
}

int drill_action_add(struct store *db, int64_t *out, int64_t community_id, int64_t drill_id,
                     const char *task, const char *owner, const char *due, struct err *e)
{
	struct stmt *st;
	int64_t n = 0;
	int rc;
	if (prep_text_check(task, DRILL_TASK_MAX, false, "task", e) < 0 ||
	    prep_text_check(owner, DRILL_OWNER_MAX, false, "owner", e) < 0)
		return -1;
	if (!prep_date_valid(due))
		return err_set(e, ERR_INVALID, "due", "due is a date YYYY-MM-DD");
	if (store_begin(db, e) < 0 || exists(db, community_id, drill_id, e) < 0 ||
	    !(st = store_prepare(db, sql_action_count, e)))
		goto fail;
	stmt_bind_int(st, 1, drill_id);
	if ((rc = stmt_step(st, e)) == STORE_ROW)
		n = stmt_int(st, 0);
	stmt_done(st);
	if (rc != STORE_ROW)
		goto fail;
	if (n >= DRILL_ACTIONS_MAX) {
		err_set(e, ERR_CONFLICT, "task", "at most %d actions", DRILL_ACTIONS_MAX);
		goto fail;
	}
	if (!(st = store_prepare(db, sql_action_add, e)))
		goto fail;
	stmt_bind_int(st, 1, drill_id);
	stmt_bind_int(st, 2, community_id);
	stmt_bind_text(st, 3, task, SIZE_MAX);
	stmt_bind_text(st, 4, owner, SIZE_MAX);
	stmt_bind_text(st, 5, due, SIZE_MAX);
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

int drill_action_done(struct store *db, int64_t community_id, int64_t drill_id, int64_t id,
                      bool done, struct err *e)
{
	struct stmt *st;
	if (store_begin(db, e) < 0 || !(st = store_prepare(db, sql_action_done, e)))
		goto fail;
	stmt_bind_int(st, 1, done);
	if (done)
		stmt_bind_int(st, 2, time_now());
	else
		stmt_bind_null(st, 2);
	stmt_bind_int(st, 3, community_id);
	stmt_bind_int(st, 4, drill_id);
	stmt_bind_int(st, 5, id);
	if (stmt_exec(st, e) < 0)
		goto fail;
	if (store_changes(db) == 0) {
		err_set(e, ERR_NOT_FOUND, NULL, "no such action");
		goto fail;
	}
	if (store_commit(db, e) < 0)
		goto fail;
	return 0;
fail:
	store_rollback(db);
	return -1;
}

const struct migration drill_migrations[] = {
    {913, "field: drills, their timed milestones and the after-action review",
     "CREATE TABLE prep_drills ("
     " id @id, community_id BIGINT NOT NULL, plan_id BIGINT NOT NULL REFERENCES prep_plans(id),"
     " hazard TEXT NOT NULL, date TEXT NOT NULL, scenario TEXT NOT NULL,"
     " participants_count BIGINT NOT NULL, participants TEXT NOT NULL,"
     " went_well TEXT NOT NULL, to_improve TEXT NOT NULL, reviewed_at BIGINT,"
     " created_by BIGINT NOT NULL, creator_name TEXT NOT NULL, created_at BIGINT NOT NULL,"
     " updated_at BIGINT NOT NULL);"
     "CREATE INDEX prep_drills_community ON prep_drills (community_id, date);"
     "CREATE TABLE prep_drill_milestones ("
     " drill_id BIGINT NOT NULL REFERENCES prep_drills(id), seq BIGINT NOT NULL,"
     " name TEXT NOT NULL, planned BIGINT NOT NULL, actual BIGINT,"
     " PRIMARY KEY (drill_id, seq));"
     "CREATE TABLE prep_drill_actions ("
     " id @id, drill_id BIGINT NOT NULL REFERENCES prep_drills(id),"
     " community_id BIGINT NOT NULL, task TEXT NOT NULL, owner TEXT NOT NULL, due TEXT NOT NULL,"
     " done INTEGER NOT NULL, done_at BIGINT, created_at BIGINT NOT NULL);"
     "CREATE INDEX prep_drill_actions_drill ON prep_drill_actions (drill_id, id);"},
};
const size_t drill_migrations_n = sizeof(drill_migrations) / sizeof(drill_migrations[0]);
