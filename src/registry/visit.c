/*
 * visit.c - rules and persistence of door-to-door visits (see visit.h).
 *
 * The last outcome of a dwelling is read with a NOT EXISTS over a newer
 * visit of the same dwelling (portable SQL, no window functions), and
 * coverage is tallied in C from one row per dwelling, so a community of
 * thousands of doors costs one query and no temporary tables.
 */
#include "registry/visit.h"

#include "core/arena.h"
#include "core/timeutil.h"
#include "core/utf8.h"
#include "registry/structure.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The outcomes that count a dwelling as reached, as SQL text. */
#define REACHING "('opened', 'vacant', 'moved_out', 'new_arrival')"
/* True for the row alias v when no visit of its dwelling is newer. */
#define LATEST(v)                                                                                  \
	" NOT EXISTS (SELECT 1 FROM visits w WHERE w.community_id = " v ".community_id"            \
	" AND w.dwelling_id = " v ".dwelling_id AND (w.visited_at > " v ".visited_at"              \
	" OR (w.visited_at = " v ".visited_at AND w.id > " v ".id)))"

static const char sql_dwelling_in[] =
    "SELECT building_id FROM dwellings WHERE id = ? AND community_id = ?";
static const char sql_visit_add[] =
    "INSERT INTO visits (community_id, building_id, dwelling_id, outcome, notes, user_id,"
    " user_name, visited_at, follow_up, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    " RETURNING id";
static const char sql_history[] =
    "SELECT id, outcome, notes, user_id, user_name, visited_at, follow_up FROM visits"
    " WHERE community_id = ? AND dwelling_id = ? ORDER BY visited_at DESC, id DESC LIMIT ?";
static const char sql_last[] = "SELECT v.outcome, v.visited_at FROM visits v"
                               " WHERE v.community_id = ? AND v.dwelling_id = ? AND" LATEST("v");
static const char sql_building_last[] =
    "SELECT v.dwelling_id, v.outcome, v.visited_at,"
    " CASE WHEN EXISTS (SELECT 1 FROM visits r WHERE r.community_id = v.community_id"
    " AND r.dwelling_id = v.dwelling_id AND r.outcome IN " REACHING ") THEN 1 ELSE 0 END"
    " FROM visits v WHERE v.community_id = ? AND v.building_id = ? AND" LATEST("v");
static const char sql_grids[] = "SELECT id, name FROM grids WHERE community_id = ? ORDER BY id";
static const char sql_coverage[] =
    "SELECT b.id, b.name, b.grid_id, d.id, lv.outcome,"
    " CASE WHEN EXISTS (SELECT 1 FROM visits r WHERE r.community_id = b.community_id"
    " AND r.dwelling_id = d.id AND r.outcome IN " REACHING ") THEN 1 ELSE 0 END, p.name"
    " FROM buildings b JOIN compounds p ON p.id = b.compound_id"
    " LEFT JOIN dwellings d ON d.building_id = b.id AND d.community_id = b.community_id"
    " LEFT JOIN visits lv ON lv.community_id = b.community_id AND lv.dwelling_id = d.id"
    " AND" LATEST("lv") " WHERE b.community_id = ? ORDER BY b.id";
static const char sql_unreached[] =
    "SELECT d.id, d.building_id, b.name, u.name, d.floor, d.room, lv.outcome, lv.visited_at,"
    " p.name FROM dwellings d JOIN buildings b ON b.id = d.building_id"
    " JOIN compounds p ON p.id = b.compound_id JOIN units u ON u.id = d.unit_id"
    " LEFT JOIN visits lv ON lv.community_id = d.community_id AND lv.dwelling_id = d.id"
    " AND" LATEST(
        "lv") " WHERE d.community_id = ? AND d.id > ?"
              " AND NOT EXISTS (SELECT 1 FROM visits r WHERE r.community_id = d.community_id"
              " AND r.dwelling_id = d.id AND r.outcome IN " REACHING ") ORDER BY d.id LIMIT ?";
static const char sql_building_in[] = "SELECT 1 FROM buildings WHERE id = ? AND community_id = ?";
static const char sql_plan_add[] =
    "INSERT INTO visit_plans (community_id, building_id, assignee, due, created_by, created_at)"
    " VALUES (?, ?, ?, ?, ?, ?) RETURNING id";
#define PLAN_SELECT                                                                                \
	"SELECT p.id, p.building_id, b.name, p.assignee, p.due, p.created_at, p.done_at,"          \
	" (SELECT COUNT(*) FROM dwellings d WHERE d.community_id = p.community_id"                 \
	" AND d.building_id = p.building_id),"                                                     \
	" (SELECT COUNT(DISTINCT v.dwelling_id) FROM visits v WHERE v.community_id = "             \
	"p.community_id"                                                                           \
	" AND v.building_id = p.building_id AND v.visited_at >= p.created_at)"                     \
	" FROM visit_plans p JOIN buildings b ON b.id = p.building_id WHERE p.community_id = ?"
static const char sql_plans[] = PLAN_SELECT " ORDER BY p.id DESC";
static const char sql_plan_one[] = PLAN_SELECT " AND p.id = ?";
static const char sql_plan_done[] =
    "UPDATE visit_plans SET done_at = ? WHERE id = ? AND community_id = ?";

static const char *const outcome_names[VISIT_OUTCOME_COUNT] = {
    "opened", "nobody_home", "refused", "vacant", "moved_out", "new_arrival",
};

const char *visit_outcome_name(enum visit_outcome o)
{
	return (unsigned)o < VISIT_OUTCOME_COUNT ? outcome_names[o] : "";
}

int visit_outcome_parse(const char *name)
{
	for (int i = 0; name && i < VISIT_OUTCOME_COUNT; i++)
		if (!strcmp(name, outcome_names[i]))
			return i;
	return -1;
}

bool visit_outcome_reaches(enum visit_outcome o)
{
	return o == VISIT_OPENED || o == VISIT_VACANT || o == VISIT_MOVED_OUT ||
	       o == VISIT_NEW_ARRIVAL;
}

bool visit_date_valid(const char *s)
{
	static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, m, d;
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return false;
	y = atoi(s);
	m = atoi(s + 5);
	d = atoi(s + 8);
	if (y < 1900 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return false;
	if (m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		return false;
	return true;
}

int visit_check(const struct visit *v, int64_t now, struct err *e)
{
	if ((unsigned)v->outcome >= VISIT_OUTCOME_COUNT)
		return err_set(e, ERR_INVALID, "outcome", "unknown outcome");
	if (v->notes && utf8_count(v->notes, strlen(v->notes)) > VISIT_NOTES_MAX)
		return err_set(e, ERR_INVALID, "notes", "notes are at most %d characters",
		               VISIT_NOTES_MAX);
	if (v->at && (v->at < VISIT_EARLIEST || v->at > now + VISIT_FUTURE_SLACK))
		return err_set(e, ERR_INVALID, "at",
		               "at must be a time since 2000 and not in the future");
	if (v->follow_up && !visit_date_valid(v->follow_up))
		return err_set(e, ERR_INVALID, "follow_up", "follow_up must be a date YYYY-MM-DD");
	if (v->follow_up && v->outcome == VISIT_OPENED)
		return err_set(e, ERR_INVALID, "follow_up",
		               "a follow-up is for doors that did not open");
	return 0;
}

/* The building of a dwelling in the community, or ERR_NOT_FOUND. */
static int dwelling_building(struct store *db, int64_t *out, int64_t community_id,
                             int64_t dwelling_id, struct err *e)
{
	struct stmt *st = store_prepare(db, sql_dwelling_in, e);
	int rc;
	if (!st)
		return -1;
	stmt_bind_int(st, 1, dwelling_id);
	stmt_bind_int(st, 2, community_id);
	rc = stmt_step(st, e);
	if (rc == STORE_ROW)
		*out = stmt_int(st, 0);
	stmt_done(st);
	if (rc == STORE_DONE)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such dwelling");
	return rc < 0 ? -1 : 0;
}

int visit_record(struct store *db, int64_t *out, int64_t community_id, const struct visit *v,
                 struct err *e)
{
	int64_t now = time_now(), building = 0;
	struct stmt *st;
	int rc;

	if (visit_check(v, now, e) < 0 || store_begin(db, e) < 0)
		return -1;
	if (dwelling_building(db, &building, community_id, v->dwelling_id, e) < 0 ||
	    !(st = store_prepare(db, sql_visit_add, e)))
		goto fail;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_int(st, 2, building);
	stmt_bind_int(st, 3, v->dwelling_id);
	stmt_bind_text(st, 4, visit_outcome_name(v->outcome), SIZE_MAX);
	stmt_bind_text(st, 5, v->notes ? v->notes : "", SIZE_MAX);
	stmt_bind_int(st, 6, v->user_id);
	stmt_bind_text(st, 7, v->user_name ? v->user_name : "", SIZE_MAX);
	stmt_bind_int(st, 8, v->at ? v->at : now);
	stmt_bind_text(st, 9, v->follow_up, SIZE_MAX);
	stmt_bind_int(st, 10, now);
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

static json_t *text_or_null(struct stmt *st, int col)
{
	return stmt_is_null(st, col) ? json_null() : json_string(stmt_text(st, col));
}

static json_t *int_or_null(struct stmt *st, int col)
{
	return stmt_is_null(st, col) ? json_null() : json_integer(stmt_int(st, col));
}

int visit_history(struct store *db, json_t **out, int64_t community_id, int64_t dwelling_id,
                  struct err *e)
{
	struct stmt *st;
	json_t *arr;
	int64_t building;
	int rc;

	if (dwelling_building(db, &building, community_id, dwelling_id, e) < 0 ||
	    !(st = store_prepare(db, sql_history, e)))
		return -1;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_int(st, 2, dwelling_id);
	stmt_bind_int(st, 3, VISIT_HISTORY_MAX);
	arr = json_array();
	while ((rc = stmt_step(st, e)) == STORE_ROW)
		json_array_append_new(
		    arr, json_pack("{s:I, s:s, s:s, s:I, s:s, s:I, s:o}", "id",
		                   (json_int_t)stmt_int(st, 0), "outcome", stmt_text(st, 1),
		                   "notes", stmt_text(st, 2), "user_id",
		                   (json_int_t)stmt_int(st, 3), "user_name", stmt_text(st, 4), "at",
		                   (json_int_t)stmt_int(st, 5), "follow_up", text_or_null(st, 6)));
	stmt_done(st);
	if (rc < 0) {
		json_decref(arr);
		return -1;
	}
	*out = json_pack("{s:I, s:I, s:o}", "dwelling_id", (json_int_t)dwelling_id, "building_id",
	                 (json_int_t)building, "visits", arr);
	return 0;
}

int visit_last(struct store *db, bool *found, enum visit_outcome *outcome, int64_t *at,
               int64_t community_id, int64_t dwelling_id, struct err *e)
{
	struct stmt *st = store_prepare(db, sql_last, e);
	int rc;
	if (!st)
		return -1;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_int(st, 2, dwelling_id);
	rc = stmt_step(st, e);
	*found = rc == STORE_ROW;
	if (rc == STORE_ROW) {
		*outcome = (enum visit_outcome)visit_outcome_parse(stmt_text(st, 0));
		*at = stmt_int(st, 1);
	}
	stmt_done(st);
	return rc < 0 ? -1 : 0;
}

/* ---- coverage ---- */

struct tally {
	int64_t dwellings, reached, unvisited;
	int64_t outcomes[VISIT_OUTCOME_COUNT];
};

/* Counts one dwelling: its last outcome (-1: never visited) and whether any
 * visit reached it. */
static void tally_add(struct tally *t, int outcome, bool reached)
{
	t->dwellings++;
	t->reached += reached;
	if (outcome < 0)
		t->unvisited++;
	else
		t->outcomes[outcome]++;
}

static void tally_sum(struct tally *into, const struct tally *t)
{
	into->dwellings += t->dwellings;
	into->reached += t->reached;
	into->unvisited += t->unvisited;
	for (int i = 0; i < VISIT_OUTCOME_COUNT; i++)
		into->outcomes[i] += t->outcomes[i];
}

/* Sets the counts of t on the object o (which is returned). */
static json_t *tally_json(json_t *o, const struct tally *t)
{
	json_t *oc = json_object();
	for (int i = 0; i < VISIT_OUTCOME_COUNT; i++)
		json_object_set_new(oc, outcome_names[i], json_integer(t->outcomes[i]));
	json_object_set_new(o, "dwellings", json_integer(t->dwellings));
	json_object_set_new(o, "reached", json_integer(t->reached));
	json_object_set_new(o, "unreached", json_integer(t->dwellings - t->reached));
	json_object_set_new(o, "unvisited", json_integer(t->unvisited));
	json_object_set_new(o, "outcomes", oc);
	return o;
}

int visit_building_coverage(struct store *db, json_t **out, int64_t community_id,
                            int64_t building_id, struct err *e)
{
	json_t *b = NULL, *last = json_object(), *unit, *dw;
	struct tally t = {0};
	struct stmt *st;
	size_t i, j;
	int rc;

	if (structure_building_get(db, &b, community_id, building_id, e) < 0 ||
	    !(st = store_prepare(db, sql_building_last, e)))
		goto fail;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_int(st, 2, building_id);
	while ((rc = stmt_step(st, e)) == STORE_ROW) {
		char key[24];
		snprintf(key, sizeof(key), "%lld", (long long)stmt_int(st, 0));
		json_object_set_new(last, key,
		                    json_pack("{s:s, s:I, s:b}", "outcome", stmt_text(st, 1), "at",
		                              (json_int_t)stmt_int(st, 2), "reached",
		                              (int)stmt_int(st, 3)));
	}
	stmt_done(st);
	if (rc < 0)
		goto fail;
	json_array_foreach(json_object_get(b, "units"), i, unit)
	{
		json_array_foreach(json_object_get(unit, "dwellings"), j, dw)
		{
			char key[24];
			json_t *l;
			snprintf(key, sizeof(key), "%lld",
			         (long long)json_integer_value(json_object_get(dw, "id")));
			l = json_object_get(last, key);
			json_object_set(dw, "last_outcome",
			                l ? json_object_get(l, "outcome") : json_null());
			json_object_set(dw, "last_at", l ? json_object_get(l, "at") : json_null());
			json_object_set(dw, "reached",
			                l ? json_object_get(l, "reached") : json_false());
			tally_add(&t,
			          l ? visit_outcome_parse(
			                  json_string_value(json_object_get(l, "outcome")))
			            : -1,
			          l && json_is_true(json_object_get(l, "reached")));
		}
	}
	json_object_set_new(b, "coverage", tally_json(json_object(), &t));
	json_decref(last);
	*out = b;
	return 0;
fail:
	json_decref(b);
	json_decref(last);
	return -1;
}

int visit_coverage(struct store *db, json_t **out, int64_t community_id, struct err *e)
{
	json_t *grids = json_array(), *buildings = json_array(), *cur = NULL;
	struct tally *gt = NULL, none = {0}, all = {0}, bt = {0};
	int64_t *gid = NULL, cur_grid = 0;
	size_t ng = 0, cap = 0;
	struct stmt *st;
	int rc;

	if (!(st = store_prepare(db, sql_grids, e)))
		goto fail;
	stmt_bind_int(st, 1, community_id);
	while ((rc = stmt_step(st, e)) == STORE_ROW) {
		if (ng == cap) {
			cap = cap ? 2 * cap : 8;
			gid = realloc(gid, cap * sizeof(*gid));
			gt = realloc(gt, cap * sizeof(*gt));
			if (!gid || !gt) {
				fprintf(stderr, "out of memory\n");
				abort();
			}
		}
		gid[ng] = stmt_int(st, 0);
		memset(&gt[ng], 0, sizeof(gt[ng]));
		ng++;
		json_array_append_new(grids,
		                      json_pack("{s:I, s:s}", "id", (json_int_t)stmt_int(st, 0),
		                                "name", stmt_text(st, 1)));
	}
	stmt_done(st);
	if (rc < 0 || !(st = store_prepare(db, sql_coverage, e)))
		goto fail;
	stmt_bind_int(st, 1, community_id);
	for (;;) {
		rc = stmt_step(st, e);
		int64_t bid = rc == STORE_ROW ? stmt_int(st, 0) : 0;
		if (cur &&
		    (rc != STORE_ROW || bid != json_integer_value(json_object_get(cur, "id")))) {
			/* the building before this row is complete */
			struct tally *g = &none;
			for (size_t k = 0; k < ng; k++)
				if (gid[k] == cur_grid)
					g = &gt[k];
			tally_sum(g, &bt);
			tally_sum(&all, &bt);
			json_array_append_new(buildings, tally_json(cur, &bt));
			cur = NULL;
		}
		if (rc != STORE_ROW)
			break;
		if (!cur) {
			cur = json_pack("{s:I, s:s, s:s, s:o}", "id", (json_int_t)bid, "name",
			                stmt_text(st, 1), "compound", stmt_text(st, 6), "grid_id",
			                int_or_null(st, 2));
			cur_grid = stmt_is_null(st, 2) ? 0 : stmt_int(st, 2);
			memset(&bt, 0, sizeof(bt));
		}
		if (!stmt_is_null(st, 3))
			tally_add(&bt,
			          stmt_is_null(st, 4) ? -1 : visit_outcome_parse(stmt_text(st, 4)),
			          stmt_int(st, 5) != 0);
	}
	stmt_done(st);
	if (rc < 0)
		goto fail;
	for (size_t k = 0; k < ng; k++)
		tally_json(json_array_get(grids, k), &gt[k]);
	if (none.dwellings)
		json_array_append_new(grids,
		                      tally_json(json_pack("{s:n, s:s}", "id", "name", ""), &none));
	*out = json_pack("{s:I, s:o, s:o, s:o}", "community_id", (json_int_t)community_id, "totals",
	                 tally_json(json_object(), &all), "grids", grids, "buildings", buildings);
	free(gid);
	free(gt);
	return 0;
fail:
	json_decref(cur);
	json_decref(grids);
	json_decref(buildings);
	free(gid);
	free(gt);
	return -1;
}

int visit_unreached(struct store *db, struct jsonw *w, int64_t community_id, int64_t after,
                    int64_t limit, struct err *e)
{
	struct stmt *st = store_prepare(db, sql_unreached, e);
	int64_t last = 0, n = 0;
	int rc;

	if (!st)
		return -1;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_int(st, 2, after);
	stmt_bind_int(st, 3, limit + 1); /* one more tells whether a next page exists */
	jw_obj(w);
	jw_key(w, "dwellings");
	jw_arr(w);
	while ((rc = stmt_step(st, e)) == STORE_ROW) {
		if (n++ == limit)
			break;
		last = stmt_int(st, 0);
		jw_obj(w);
		jw_key(w, "id");
		jw_int(w, last);
		jw_key(w, "building_id");
		jw_int(w, stmt_int(st, 1));
		jw_key(w, "building");
		jw_str(w, stmt_text(st, 2), stmt_len(st, 2));
		jw_key(w, "compound");
		jw_str(w, stmt_text(st, 8), stmt_len(st, 8));
		jw_key(w, "unit");
		jw_str(w, stmt_text(st, 3), stmt_len(st, 3));
		jw_key(w, "floor");
		jw_int(w, stmt_int(st, 4));
		jw_key(w, "room");
		jw_str(w, stmt_text(st, 5), stmt_len(st, 5));
		jw_key(w, "last_outcome");
		if (stmt_is_null(st, 6))
			jw_null(w);
		else
			jw_str(w, stmt_text(st, 6), stmt_len(st, 6));
		jw_key(w, "last_at");
		if (stmt_is_null(st, 7))
			jw_null(w);
		else
			jw_int(w, stmt_int(st, 7));
		jw_obj_end(w);
	}
	stmt_done(st);
	if (rc < 0)
		return -1;
	jw_arr_end(w);
	jw_key(w, "next");
	if (n > limit)
		jw_int(w, last);
	else
		jw_null(w);
	jw_obj_end(w);
	return 0;
}

/* ---- plans ---- */

int visit_plan_add(struct store *db, int64_t *out, int64_t community_id, int64_t building_id,
                   int64_t assignee, const char *due, int64_t created_by, struct err *e)
{
	struct stmt *st;
	int rc;

	if (!visit_date_valid(due))
		return err_set(e, ERR_INVALID, "due", "due must be a date YYYY-MM-DD");
	if (store_begin(db, e) < 0)
		return -1;
	if (!(st = store_prepare(db, sql_building_in, e)))
		goto fail;
	stmt_bind_int(st, 1, building_id);
	stmt_bind_int(st, 2, community_id);
	rc = stmt_step(st, e);
	stmt_done(st);
	if (rc == STORE_DONE)
		err_set(e, ERR_NOT_FOUND, "building_id", "no such building in this community");
	if (rc != STORE_ROW || !(st = store_prepare(db, sql_plan_add, e)))
		goto fail;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_int(st, 2, building_id);
	stmt_bind_int(st, 3, assignee);
	stmt_bind_text(st, 4, due, SIZE_MAX);
	stmt_bind_int(st, 5, created_by);
	stmt_bind_int(st, 6, time_now());
	rc = stmt_step(st, e);
	if (rc == STORE_ROW)
		*out = stmt_int(st, 0);
	stmt_done(st);
	if (rc < 0 && e->code == ERR_CONFLICT) {
		/* the building is checked above: only the assignee's key is left */
		err_clear(e);
		err_set(e, ERR_NOT_FOUND, "assignee", "no such user");
	}
	if (rc != STORE_ROW || store_commit(db, e) < 0)
		goto fail;
	return 0;
fail:
	store_rollback(db);
	return -1;
}

static json_t *plan_json(struct stmt *st)
{
	return json_pack("{s:I, s:I, s:s, s:I, s:s, s:I, s:b, s:o, s:I, s:I}", "id",
	                 (json_int_t)stmt_int(st, 0), "building_id", (json_int_t)stmt_int(st, 1),
	                 "building", stmt_text(st, 2), "assignee", (json_int_t)stmt_int(st, 3),
	                 "due", stmt_text(st, 4), "created_at", (json_int_t)stmt_int(st, 5), "done",
	                 !stmt_is_null(st, 6), "done_at", int_or_null(st, 6), "dwellings",
	                 (json_int_t)stmt_int(st, 7), "visited", (json_int_t)stmt_int(st, 8));
}

int visit_plans(struct store *db, json_t **out, int64_t community_id, struct err *e)
{
	struct stmt *st = store_prepare(db, sql_plans, e);
	json_t *arr;
	int rc;
	if (!st)
		return -1;
	stmt_bind_int(st, 1, community_id);
	arr = json_array();
	while ((rc = stmt_step(st, e)) == STORE_ROW)
		json_array_append_new(arr, plan_json(st));
	stmt_done(st);
	if (rc < 0) {
		json_decref(arr);
		return -1;
	}
	*out = arr;
	return 0;
}

int visit_plan_done(struct store *db, json_t **out, int64_t community_id, int64_t plan_id,
                    bool done, struct err *e)
{
	struct stmt *st;
	int rc;

	if (store_begin(db, e) < 0)
		return -1;
	if (!(st = store_prepare(db, sql_plan_done, e)))
		goto fail;
	if (done)
		stmt_bind_int(st, 1, time_now());
	else
		stmt_bind_null(st, 1);
	stmt_bind_int(st, 2, plan_id);
	stmt_bind_int(st, 3, community_id);
	if (stmt_exec(st, e) < 0 || !(st = store_prepare(db, sql_plan_one, e)))
		goto fail;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_int(st, 2, plan_id);
	rc = stmt_step(st, e);
	if (rc == STORE_ROW)
		*out = plan_json(st);
	stmt_done(st);
	if (rc == STORE_DONE)
		err_set(e, ERR_NOT_FOUND, NULL, "no such plan");
	if (rc != STORE_ROW)
		goto fail;
	if (store_commit(db, e) < 0) {
		json_decref(*out);
		goto fail;
	}
	return 0;
fail:
	store_rollback(db);
	return -1;
}

const struct migration visit_migrations[] = {
    {300, "registry: door-to-door visits and visit plans",
     "CREATE TABLE visits ("
     " id @id, community_id BIGINT NOT NULL REFERENCES communities(id),"
     " building_id BIGINT NOT NULL REFERENCES buildings(id),"
     " dwelling_id BIGINT NOT NULL REFERENCES dwellings(id),"
     " outcome TEXT NOT NULL, notes TEXT NOT NULL, user_id BIGINT NOT NULL,"
     " user_name TEXT NOT NULL, visited_at BIGINT NOT NULL, follow_up TEXT,"
     " created_at BIGINT NOT NULL);"
     "CREATE INDEX visits_dwelling ON visits (community_id, dwelling_id, visited_at);"
     "CREATE INDEX visits_building ON visits (community_id, building_id, visited_at);"
     "CREATE TABLE visit_plans ("
     " id @id, community_id BIGINT NOT NULL REFERENCES communities(id),"
     " building_id BIGINT NOT NULL REFERENCES buildings(id),"
     " assignee BIGINT NOT NULL REFERENCES users(id), due TEXT NOT NULL,"
     " created_by BIGINT NOT NULL, created_at BIGINT NOT NULL, done_at BIGINT);"
     "CREATE INDEX visit_plans_community ON visit_plans (community_id, id);"},
};
const size_t visit_migrations_n = sizeof(visit_migrations) / sizeof(visit_migrations[0]);
