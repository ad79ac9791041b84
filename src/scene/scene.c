/*
 * scene.c - scenes, posts and shifts (see scene.h).
 */
#include "scene/scene.h"

#include "core/timeutil.h"
#include "core/utf8.h"
#include "registry/structure.h"
#include "scene/template.h"

#include <string.h>

static const char sql_scene_add[] =
    "INSERT INTO scenes (community_id, name, template, location, status, created_at)"
    " VALUES (?, ?, ?, ?, 'active', ?) RETURNING id";
static const char sql_scene_in[] = "SELECT 1 FROM scenes WHERE id = ? AND community_id = ?";
static const char sql_post_add[] =
    "INSERT INTO scene_posts (community_id, scene_id, name, point, skills, position, created_at)"
    " VALUES (?, ?, ?, ?, ?, (SELECT COUNT(*) FROM scene_posts WHERE scene_id = ?), ?)"
    " RETURNING id";
static const char sql_post_in[] = "SELECT 1 FROM scene_posts WHERE id = ? AND community_id = ?";
static const char sql_shift_clash[] = "SELECT 1 FROM shifts WHERE post_id = ? AND starts_at = ?";
static const char sql_shift_add[] =
    "INSERT INTO shifts (community_id, post_id, starts_at, ends_at, headcount, skills, status,"
    " created_at) SELECT ?, id, ?, ?, ?, skills, 'open', ? FROM scene_posts WHERE id = ?"
    " RETURNING id";
static const char sql_shift_get[] =
    "SELECT f.id, f.community_id, f.post_id, p.scene_id, f.starts_at, f.ends_at, f.headcount,"
    " f.skills, f.status, p.name, s.name FROM shifts f JOIN scene_posts p ON p.id = f.post_id"
    " JOIN scenes s ON s.id = p.scene_id WHERE f.id = ? AND f.community_id = ?";
static const char sql_list[] =
    "SELECT s.id, s.name, s.template, s.location,"
    " (SELECT COUNT(*) FROM scene_posts p WHERE p.scene_id = s.id)"
    " FROM scenes s WHERE s.community_id = ? ORDER BY s.id";
static const char sql_scene[] =
    "SELECT id, name, template, location, status, node_kind, COALESCE(node_id, 0) FROM scenes"
    " WHERE id = ? AND community_id = ?";
static const char sql_posts[] =
    "SELECT id, name, point, skills FROM scene_posts WHERE scene_id = ? ORDER BY position, id";
static const char sql_view_points[] =
    "SELECT id, name FROM scene_points WHERE scene_id = ? ORDER BY position, id";
static const char sql_view_bands[] =
    "SELECT id, weekdays, start_min, end_min, headcount FROM scene_post_bands WHERE post_id = ?"
    " ORDER BY start_min, weekdays, id";
static const char sql_view_checks[] =
    "SELECT id, text FROM scene_checklist WHERE post_id = ? ORDER BY position, id";
static const char sql_view_equipment[] =
    "SELECT id, item, quantity, place FROM scene_equipment WHERE scene_id = ? ORDER BY position, id";
static const char sql_view_scripts[] =
    "SELECT id, title, situation, say, avoid, tags, revision, updated_at FROM scene_scripts"
    " WHERE scene_id = ? ORDER BY position, id";
static const char sql_shifts[] =
    "SELECT id, starts_at, ends_at, headcount, status FROM shifts WHERE post_id = ?"
    " ORDER BY starts_at LIMIT 500";

static bool text_ok(const char *s, size_t max, bool required)
{
	size_t n = s ? strlen(s) : 0;
	if (!n)
		return !required;
	return utf8_valid(s, n) && !utf8_has_control(s, n) && utf8_count(s, n) <= max;
}

static int exists(struct store *db, const char *sql, int64_t a, int64_t b, bool *out,
		  struct err *e)
{
	struct stmt *st = store_prepare(db, sql, e);
	int rc;
	if (!st)
		return -1;
	stmt_bind_int(st, 1, a);
	stmt_bind_int(st, 2, b);
	rc = stmt_step(st, e);
	stmt_done(st);
	*out = rc == STORE_ROW;
	return rc < 0 ? -1 : 0;
}

static int room_for(struct store *db, const char *sql, int64_t parent, struct err *e);
static const char sql_rows_of_scene_posts[] = "SELECT COUNT(*) FROM scene_posts WHERE scene_id = ?";

static int insert_id(struct stmt *st, int64_t *out, struct err *e)
{
	int rc = stmt_step(st, e);
	if (rc == STORE_ROW)
		*out = stmt_int(st, 0);
	stmt_done(st);
	return rc == STORE_ROW ? 0 : -1;
}

int scene_add(struct store *db, int64_t *out, int64_t community_id, const char *name,
	      const char *template_code, const char *location, struct err *e)
{
	struct stmt *st;
	if (!text_ok(name, SCENE_NAME_MAX, true))
		return err_set(e, ERR_INVALID, "name", "name must be 1 to %d characters",
			       SCENE_NAME_MAX);
	if (!text_ok(template_code, 32, true))
		return err_set(e, ERR_INVALID, "template", "template is required");
	if (!text_ok(location, SCENE_TEXT_MAX, false))
		return err_set(e, ERR_INVALID, "location", "location must be at most %d characters",
			       SCENE_TEXT_MAX);
	if (!(st = store_prepare(db, sql_scene_add, e)))
		return -1;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_text(st, 2, name, SIZE_MAX);
	stmt_bind_text(st, 3, template_code, SIZE_MAX);
	stmt_bind_text(st, 4, location ? location : "", SIZE_MAX);
	stmt_bind_int(st, 5, time_now());
	return insert_id(st, out, e);
}

int scene_post_add(struct store *db, int64_t *out, int64_t community_id, int64_t scene_id,
		   const char *name, const char *point, const char *skills, struct err *e)
{
	struct stmt *st;
	bool found;
	if (!text_ok(name, SCENE_NAME_MAX, true))
		return err_set(e, ERR_INVALID, "name", "name must be 1 to %d characters",
			       SCENE_NAME_MAX);
	if (!text_ok(point, SCENE_TEXT_MAX, false))
		return err_set(e, ERR_INVALID, "point", "point must be at most %d characters",
			       SCENE_TEXT_MAX);
	if (!text_ok(skills, SCENE_TEXT_MAX, false))
		return err_set(e, ERR_INVALID, "skills", "skills must be at most %d characters",
			       SCENE_TEXT_MAX);
	if (exists(db, sql_scene_in, scene_id, community_id, &found, e) < 0)
		return -1;
	if (!found)
		return err_set(e, ERR_NOT_FOUND, "scene_id", "no such scene");
	if (room_for(db, sql_rows_of_scene_posts, scene_id, e) < 0)
		return -1;
	if (!(st = store_prepare(db, sql_post_add, e)))
		return -1;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_int(st, 2, scene_id);
	stmt_bind_text(st, 3, name, SIZE_MAX);
	stmt_bind_text(st, 4, point ? point : "", SIZE_MAX);
	stmt_bind_text(st, 5, skills ? skills : "", SIZE_MAX);
	stmt_bind_int(st, 6, scene_id);
	stmt_bind_int(st, 7, time_now());
	return insert_id(st, out, e);
}

int shift_add(struct store *db, int64_t *out, int64_t community_id, int64_t post_id,
	      int64_t starts_at, int64_t ends_at, int64_t headcount, struct err *e)
{
	struct stmt *st;
	bool found;
	if (starts_at <= 0)
		return err_set(e, ERR_INVALID, "starts_at", "starts_at must be a time");
	if (ends_at <= starts_at || ends_at - starts_at > SCENE_SHIFT_MAX)
		return err_set(e, ERR_INVALID, "ends_at",
			       "ends_at must be after starts_at, within a day");
	if (headcount < 1 || headcount > SCENE_HEADCOUNT_MAX)
		return err_set(e, ERR_INVALID, "headcount", "headcount must be 1 to %d",
			       SCENE_HEADCOUNT_MAX);
	if (exists(db, sql_post_in, post_id, community_id, &found, e) < 0)
		return -1;
	if (!found)
		return err_set(e, ERR_NOT_FOUND, "post_id", "no such post");
	if (exists(db, sql_shift_clash, post_id, starts_at, &found, e) < 0)
		return -1;
	if (found)
		return err_set(e, ERR_CONFLICT, "starts_at", "the post has a shift starting then");
	if (!(st = store_prepare(db, sql_shift_add, e)))
		return -1;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_int(st, 2, starts_at);
	stmt_bind_int(st, 3, ends_at);
	stmt_bind_int(st, 4, headcount);
	stmt_bind_int(st, 5, time_now());
	stmt_bind_int(st, 6, post_id);
	return insert_id(st, out, e);
}

int shift_get(struct store *db, struct shift_info *out, int64_t community_id, int64_t shift_id,
	      struct arena *a, struct err *e)
{
	struct stmt *st = store_prepare(db, sql_shift_get, e);
	int rc;
	if (!st)
		return -1;
	stmt_bind_int(st, 1, shift_id);
	stmt_bind_int(st, 2, community_id);
	if ((rc = stmt_step(st, e)) == STORE_ROW) {
		out->id = stmt_int(st, 0);
		out->community_id = stmt_int(st, 1);
		out->post_id = stmt_int(st, 2);
		out->scene_id = stmt_int(st, 3);
		out->starts_at = stmt_int(st, 4);
		out->ends_at = stmt_int(st, 5);
		out->headcount = stmt_int(st, 6);
		out->skills = arena_strdup(a, stmt_text(st, 7));
		out->status = arena_strdup(a, stmt_text(st, 8));
		out->post_name = arena_strdup(a, stmt_text(st, 9));
		out->scene_name = arena_strdup(a, stmt_text(st, 10));
	}
	stmt_done(st);
	if (rc == STORE_DONE)
		return err_set(e, ERR_NOT_FOUND, "shift_id", "no such shift");
	return rc < 0 ? -1 : 0;
}

int scene_list(struct store *db, json_t **out, int64_t community_id, struct err *e)
{
	struct stmt *st = store_prepare(db, sql_list, e);
	int rc;
	if (!st)
		return -1;
	*out = json_array();
	stmt_bind_int(st, 1, community_id);
	while ((rc = stmt_step(st, e)) == STORE_ROW)
		json_array_append_new(*out, json_pack("{s:I, s:s, s:s, s:s, s:I}", "id",
						      (json_int_t)stmt_int(st, 0), "name",
						      stmt_text(st, 1), "template", stmt_text(st, 2),
						      "location", stmt_text(st, 3), "posts",
						      (json_int_t)stmt_int(st, 4)));
	stmt_done(st);
	if (rc < 0) {
		json_decref(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

static int view_design(struct store *db, json_t *o, int64_t scene_id, struct err *e);

/* node_name: the compound or building the scene is at, for display ("" for
 * none, or when it was removed from the structure since). */
static int view_node(struct store *db, json_t *o, int64_t community_id, struct err *e)
{
	const char *kind = json_string_value(json_object_get(o, "node_kind"));
	int64_t id = json_integer_value(json_object_get(o, "node_id"));
	const char *name = "";
	struct err inner = ERR_INIT;
	struct arena a;
	int rc = 0;
	arena_init(&a);
	if (kind && *kind && id > 0 &&
	    structure_node_in(db, community_id, kind, id, &name, &a, &inner) < 0) {
		name = "";
		if (inner.code != ERR_NOT_FOUND) {
			*e = inner;
			rc = -1;
		}
	}
	json_object_set_new(o, "node_name", json_string(name));
	arena_release(&a);
	return rc;
}

int scene_view(struct store *db, json_t **out, int64_t community_id, int64_t scene_id,
	       struct err *e)
{
	struct stmt *st = store_prepare(db, sql_scene, e);
	json_t *posts;
	size_t i;
	json_t *p;
	int rc;
	if (!st)
		return -1;
	stmt_bind_int(st, 1, scene_id);
	stmt_bind_int(st, 2, community_id);
	if ((rc = stmt_step(st, e)) == STORE_ROW)
		*out = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:I}", "id",
				 (json_int_t)stmt_int(st, 0), "name", stmt_text(st, 1), "template",
				 stmt_text(st, 2), "location", stmt_text(st, 3), "status",
				 stmt_text(st, 4), "node_kind", stmt_text(st, 5), "node_id",
				 (json_int_t)stmt_int(st, 6));
	stmt_done(st);
	if (rc != STORE_ROW)
		return rc < 0 ? -1 : err_set(e, ERR_NOT_FOUND, "scene_id", "no such scene");
	posts = json_array();
	json_object_set_new(*out, "posts", posts);
	if (!(st = store_prepare(db, sql_posts, e)))
		goto fail;
	stmt_bind_int(st, 1, scene_id);
	while ((rc = stmt_step(st, e)) == STORE_ROW)
		json_array_append_new(posts, json_pack("{s:I, s:s, s:s, s:s}", "id",
						       (json_int_t)stmt_int(st, 0), "name",
						       stmt_text(st, 1), "point", stmt_text(st, 2),
						       "skills", stmt_text(st, 3)));
	stmt_done(st);
	if (rc < 0)
		goto fail;
	json_array_foreach(posts, i, p) {
		json_t *shifts = json_array();
		json_object_set_new(p, "shifts", shifts);
		if (!(st = store_prepare(db, sql_shifts, e)))
			goto fail;
		stmt_bind_int(st, 1, json_integer_value(json_object_get(p, "id")));
		while ((rc = stmt_step(st, e)) == STORE_ROW)
			json_array_append_new(
			    shifts, json_pack("{s:I, s:I, s:I, s:I, s:s}", "id",
					      (json_int_t)stmt_int(st, 0), "starts_at",
					      (json_int_t)stmt_int(st, 1), "ends_at",
					      (json_int_t)stmt_int(st, 2), "headcount",
					      (json_int_t)stmt_int(st, 3), "status", stmt_text(st, 4)));
		stmt_done(st);
		if (rc < 0)
			goto fail;
	}
	if (view_design(db, *out, scene_id, e) < 0 || view_node(db, *out, community_id, e) < 0)
		goto fail;
	return 0;
fail:
	json_decref(*out);
	*out = NULL;
	return -1;
}


/* ---- the design of a scene (migrations 801-803) ---- */

static const char sql_scene_create[] =
    "INSERT INTO scenes (community_id, name, template, location, status, node_kind, node_id,"
    " created_at) VALUES (?, ?, ?, ?, 'active', ?, ?, ?) RETURNING id";
static const char sql_scene_update[] =
    "UPDATE scenes SET name = COALESCE(?, name), location = COALESCE(?, location),"
    " status = COALESCE(?, status), node_kind = COALESCE(?, node_kind),"
    " node_id = CASE WHEN ? = 1 THEN ? ELSE node_id END WHERE id = ? AND community_id = ?";
static const char sql_point_add[] =
    "INSERT INTO scene_points (community_id, scene_id, name, position)"
    " SELECT ?, ?, ?, COUNT(*) FROM scene_points WHERE scene_id = ? RETURNING id";
static const char sql_point_delete[] = "DELETE FROM scene_points WHERE id = ? AND community_id = ?";
static const char sql_post_update[] =
    "UPDATE scene_posts SET name = COALESCE(?, name), point = COALESCE(?, point),"
    " skills = COALESCE(?, skills) WHERE id = ? AND community_id = ?";
static const char sql_post_delete[] = "DELETE FROM scene_posts WHERE id = ? AND community_id = ?";
static const char sql_band_add[] =
    "INSERT INTO scene_post_bands (community_id, post_id, weekdays, start_min, end_min, headcount)"
    " VALUES (?, ?, ?, ?, ?, ?) RETURNING id";
static const char sql_band_delete[] =
    "DELETE FROM scene_post_bands WHERE id = ? AND community_id = ?";
static const char sql_check_add[] =
    "INSERT INTO scene_checklist (community_id, post_id, text, position)"
    " SELECT ?, ?, ?, COALESCE(MAX(position) + 1, 0) FROM scene_checklist WHERE post_id = ?"
    " RETURNING id";
static const char sql_check_update[] =
    "UPDATE scene_checklist SET text = ? WHERE id = ? AND community_id = ?";
static const char sql_check_delete[] =
    "DELETE FROM scene_checklist WHERE id = ? AND community_id = ?";
static const char sql_check_count[] = "SELECT COUNT(*) FROM scene_checklist WHERE post_id = ?";
static const char sql_check_move[] =
    "UPDATE scene_checklist SET position = ? WHERE id = ? AND post_id = ?";
static const char sql_equipment_add[] =
    "INSERT INTO scene_equipment (community_id, scene_id, item, quantity, place, position)"
    " SELECT ?, ?, ?, ?, ?, COUNT(*) FROM scene_equipment WHERE scene_id = ? RETURNING id";
static const char sql_equipment_update[] =
    "UPDATE scene_equipment SET item = COALESCE(?, item), place = COALESCE(?, place),"
    " quantity = CASE WHEN ? >= 0 THEN ? ELSE quantity END WHERE id = ? AND community_id = ?";
static const char sql_equipment_delete[] =
    "DELETE FROM scene_equipment WHERE id = ? AND community_id = ?";
static const char sql_script_add[] =
    "INSERT INTO scene_scripts (community_id, scene_id, title, situation, say, avoid, tags,"
    " revision, position, updated_at)"
    " SELECT ?, ?, ?, ?, ?, ?, ?, 1, COUNT(*), ? FROM scene_scripts WHERE scene_id = ?"
    " RETURNING id";
static const char sql_script_keep[] =
    "INSERT INTO scene_script_revisions (script_id, revision, title, situation, say, avoid, tags,"
    " replaced_at, replaced_by) SELECT id, revision, title, situation, say, avoid, tags, ?, ?"
    " FROM scene_scripts WHERE id = ? AND community_id = ?";
static const char sql_script_revise[] =
    "UPDATE scene_scripts SET title = COALESCE(?, title), situation = COALESCE(?, situation),"
    " say = COALESCE(?, say), avoid = COALESCE(?, avoid), tags = COALESCE(?, tags),"
    " revision = revision + 1, updated_at = ?, updated_by = ? WHERE id = ? AND community_id = ?"
    " RETURNING revision";
static const char sql_script_delete[] =
    "DELETE FROM scene_scripts WHERE id = ? AND community_id = ?";
static const char sql_script_one[] =
    "SELECT id, scene_id, title, situation, say, avoid, tags, revision, updated_at"
    " FROM scene_scripts WHERE id = ? AND community_id = ?";
static const char sql_script_revs[] =
    "SELECT revision, title, situation, say, avoid, tags, replaced_at"
    " FROM scene_script_revisions WHERE script_id = ? ORDER BY revision DESC LIMIT 50";
static const char sql_expand_bands[] =
    "SELECT b.post_id, b.weekdays, b.start_min, b.end_min, b.headcount FROM scene_post_bands b"
    " JOIN scene_posts p ON p.id = b.post_id WHERE p.scene_id = ? ORDER BY b.post_id, b.id";
static const char sql_expand_shift[] =
    "INSERT INTO shifts (community_id, post_id, starts_at, ends_at, headcount, skills, status,"
    " created_at) SELECT ?, id, ?, ?, ?, skills, 'open', ? FROM scene_posts WHERE id = ?"
    " ON CONFLICT (post_id, starts_at) DO NOTHING RETURNING id";
static const char sql_shift_items[] =
    "SELECT i.id, i.text, k.ticked_by, COALESCE(u.display_name, u.username, ''),"
    " COALESCE(k.ticked_at, 0) FROM scene_checklist i"
    " LEFT JOIN shift_checks k ON k.item_id = i.id AND k.shift_id = ?"
    " LEFT JOIN users u ON u.id = k.ticked_by WHERE i.post_id = ? ORDER BY i.position, i.id";
static const char sql_item_of_post[] =
    "SELECT 1 FROM scene_checklist WHERE id = ? AND post_id = ?";
static const char sql_tick[] =
    "INSERT INTO shift_checks (shift_id, item_id, ticked_by, ticked_at) VALUES (?, ?, ?, ?)"
    " ON CONFLICT (shift_id, item_id) DO NOTHING";
static const char sql_untick[] = "DELETE FROM shift_checks WHERE shift_id = ? AND item_id = ?";
static const char sql_rows_of_scene_points[] = "SELECT COUNT(*) FROM scene_points WHERE scene_id = ?";
static const char sql_rows_of_scene_eq[] = "SELECT COUNT(*) FROM scene_equipment WHERE scene_id = ?";
static const char sql_rows_of_scene_scripts[] =
    "SELECT COUNT(*) FROM scene_scripts WHERE scene_id = ?";
static const char sql_rows_of_post_bands[] =
    "SELECT COUNT(*) FROM scene_post_bands WHERE post_id = ?";

static int count1(struct store *db, const char *sql, int64_t a, int64_t *n, struct err *e)
{
	struct stmt *st = store_prepare(db, sql, e);
	int rc;
	if (!st)
		return -1;
	stmt_bind_int(st, 1, a);
	if ((rc = stmt_step(st, e)) == STORE_ROW)
		*n = stmt_int(st, 0);
	stmt_done(st);
	return rc == STORE_ROW ? 0 : -1;
}

/* At most SCENE_ROWS_MAX rows under one parent: ERR_CONFLICT otherwise. */
static int room_for(struct store *db, const char *sql, int64_t parent, struct err *e)
{
	int64_t n = 0;
	if (count1(db, sql, parent, &n, e) < 0)
		return -1;
	if (n >= SCENE_ROWS_MAX)
		return err_set(e, ERR_CONFLICT, NULL, "at most %d rows here", SCENE_ROWS_MAX);
	return 0;
}

static int need_scene(struct store *db, int64_t community_id, int64_t scene_id, struct err *e)
{
	bool found;
	if (exists(db, sql_scene_in, scene_id, community_id, &found, e) < 0)
		return -1;
	return found ? 0 : err_set(e, ERR_NOT_FOUND, "scene_id", "no such scene");
}

static int need_post(struct store *db, int64_t community_id, int64_t post_id, struct err *e)
{
	bool found;
	if (exists(db, sql_post_in, post_id, community_id, &found, e) < 0)
		return -1;
	return found ? 0 : err_set(e, ERR_NOT_FOUND, "post_id", "no such post");
}

/* Runs a statement of (id, community) that changes one row; ERR_NOT_FOUND
 * naming field when it changes none. */
static int change_one(struct store *db, const char *sql, int64_t id, int64_t community_id,
		      const char *field, struct err *e)
{
	struct stmt *st = store_prepare(db, sql, e);
	if (!st)
		return -1;
	stmt_bind_int(st, 1, id);
	stmt_bind_int(st, 2, community_id);
	if (stmt_exec(st, e) < 0)
		return -1;
	if (store_changes(db) == 0)
		return err_set(e, ERR_NOT_FOUND, field, "not found");
	return 0;
}

static void bind_opt(struct stmt *st, int i, const char *s)
{
	if (s)
		stmt_bind_text(st, i, s, SIZE_MAX);
	else
		stmt_bind_null(st, i);
}

static int days_from_civil(int y, int m, int d)
{
	/* Howard Hinnant's algorithm, integers only. */
	int era, yoe, doy, doe;
	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

bool scene_date_days(const char *s, int64_t *days)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y = 0, m = 0, d = 0;
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (int i = 0; i < 10; i++) {
		if (i == 4 || i == 7)
			continue;
		if (s[i] < '0' || s[i] > '9')
			return false;
	}
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (y < 2000 || y > 2099 || m < 1 || m > 12 || d < 1 ||
	    d > mdays[m - 1] + (m == 2 && y % 4 == 0))
		return false;
	*days = days_from_civil(y, m, d);
	return true;
}

int scene_weekday(int64_t days)
{
	/* 1970-01-01 was a Thursday (3 when Monday is 0). */
	int64_t w = (days + 3) % 7;
	return (int)(w < 0 ? w + 7 : w);
}

bool scene_band_on(const struct scene_band *b, int64_t days, int64_t *starts, int64_t *ends)
{
	if (!(b->weekdays & (1u << scene_weekday(days))))
		return false;
	*starts = days * 86400 + (int64_t)b->start_min * 60 - SCENE_TZ_OFFSET;
	*ends = days * 86400 + (int64_t)b->end_min * 60 - SCENE_TZ_OFFSET;
	return true;
}

static int band_check(const struct scene_band *b, struct err *e)
{
	if (b->weekdays < 1 || b->weekdays > 0x7f)
		return err_set(e, ERR_INVALID, "weekdays", "weekdays must be a mask of 1 to 127");
	if (b->start_min < 0 || b->start_min >= 1440)
		return err_set(e, ERR_INVALID, "start", "start must be a time of day");
	if (b->end_min <= b->start_min || b->end_min > 1440)
		return err_set(e, ERR_INVALID, "end", "end must be after start, at most 24:00");
	if (b->headcount < 1 || b->headcount > SCENE_HEADCOUNT_MAX)
		return err_set(e, ERR_INVALID, "headcount", "headcount must be 1 to %d",
			       SCENE_HEADCOUNT_MAX);
	return 0;
}

static int node_check(struct store *db, int64_t community_id, const char *kind, int64_t id,
		      struct err *e)
{
	struct arena a;
	const char *name;
	int rc;
	if (!*kind)
		return id ? err_set(e, ERR_INVALID, "node_kind", "node_kind is needed with node_id")
			  : 0;
	if (strcmp(kind, "compound") && strcmp(kind, "building"))
		return err_set(e, ERR_INVALID, "node_kind", "node_kind must be compound or building");
	if (id <= 0)
		return err_set(e, ERR_INVALID, "node_id", "node_id is required");
	struct err inner = ERR_INIT;
	arena_init(&a);
	rc = structure_node_in(db, community_id, kind, id, &name, &a, &inner);
	arena_release(&a);
	if (rc < 0 && inner.code == ERR_NOT_FOUND)
		return err_set(e, ERR_INVALID, "node_id", "no such %s in this community", kind);
	if (rc < 0)
		*e = inner;
	return rc;
}

static int script_check(const struct scene_script *s, bool all, struct err *e)
{
	if ((all || s->title) && !text_ok(s->title, SCENE_NAME_MAX, true))
		return err_set(e, ERR_INVALID, "title", "title must be 1 to %d characters",
			       SCENE_NAME_MAX);
	if ((all || s->situation) && !text_ok(s->situation, SCENE_LONG_MAX, true))
		return err_set(e, ERR_INVALID, "situation", "situation must be 1 to %d characters",
			       SCENE_LONG_MAX);
	if ((all || s->say) && !text_ok(s->say, SCENE_LONG_MAX, true))
		return err_set(e, ERR_INVALID, "say", "say must be 1 to %d characters",
			       SCENE_LONG_MAX);
	if (s->avoid && !text_ok(s->avoid, SCENE_LONG_MAX, false))
		return err_set(e, ERR_INVALID, "avoid", "avoid must be at most %d characters",
			       SCENE_LONG_MAX);
	if (s->tags && !text_ok(s->tags, SCENE_TAGS_MAX, false))
		return err_set(e, ERR_INVALID, "tags", "tags must be at most %d characters",
			       SCENE_TAGS_MAX);
	return 0;
}

/* The inserts below run inside scene_create's transaction, or alone. */
static int point_insert(struct store *db, int64_t *out, int64_t cid, int64_t scene_id,
			const char *name, struct err *e)
{
	struct stmt *st = store_prepare(db, sql_point_add, e);
	if (!st)
		return -1;
	stmt_bind_int(st, 1, cid);
	stmt_bind_int(st, 2, scene_id);
	stmt_bind_text(st, 3, name, SIZE_MAX);
	stmt_bind_int(st, 4, scene_id);
	return insert_id(st, out, e);
}

static int band_insert(struct store *db, int64_t *out, int64_t cid, int64_t post_id,
		       const struct scene_band *b, struct err *e)
{
	struct stmt *st = store_prepare(db, sql_band_add, e);
	if (!st)
		return -1;
	stmt_bind_int(st, 1, cid);
	stmt_bind_int(st, 2, post_id);
	stmt_bind_int(st, 3, b->weekdays);
	stmt_bind_int(st, 4, b->start_min);
	stmt_bind_int(st, 5, b->end_min);
	stmt_bind_int(st, 6, b->headcount);
	return insert_id(st, out, e);
}

static int check_insert(struct store *db, int64_t *out, int64_t cid, int64_t post_id,
			const char *text, struct err *e)
{
	struct stmt *st = store_prepare(db, sql_check_add, e);
	if (!st)
		return -1;
	stmt_bind_int(st, 1, cid);
	stmt_bind_int(st, 2, post_id);
	stmt_bind_text(st, 3, text, SIZE_MAX);
	stmt_bind_int(st, 4, post_id);
	return insert_id(st, out, e);
}

static int equipment_insert(struct store *db, int64_t *out, int64_t cid, int64_t scene_id,
			    const char *item, int64_t quantity, const char *place, struct err *e)
{
	struct stmt *st = store_prepare(db, sql_equipment_add, e);
	if (!st)
		return -1;
	stmt_bind_int(st, 1, cid);
	stmt_bind_int(st, 2, scene_id);
	stmt_bind_text(st, 3, item, SIZE_MAX);
	stmt_bind_int(st, 4, quantity);
	stmt_bind_text(st, 5, place ? place : "", SIZE_MAX);
	stmt_bind_int(st, 6, scene_id);
	return insert_id(st, out, e);
}

static int script_insert(struct store *db, int64_t *out, int64_t cid, int64_t scene_id,
			 const struct scene_script *s, struct err *e)
{
	struct stmt *st = store_prepare(db, sql_script_add, e);
	if (!st)
		return -1;
	stmt_bind_int(st, 1, cid);
	stmt_bind_int(st, 2, scene_id);
	stmt_bind_text(st, 3, s->title, SIZE_MAX);
	stmt_bind_text(st, 4, s->situation, SIZE_MAX);
	stmt_bind_text(st, 5, s->say, SIZE_MAX);
	stmt_bind_text(st, 6, s->avoid ? s->avoid : "", SIZE_MAX);
	stmt_bind_text(st, 7, s->tags ? s->tags : "", SIZE_MAX);
	stmt_bind_int(st, 8, time_now());
	stmt_bind_int(st, 9, scene_id);
	return insert_id(st, out, e);
}

static int copy_template(struct store *db, int64_t cid, int64_t scene_id,
			 const struct scene_template *t, const char *lang, struct err *e)
{
	int64_t id, post_id;
	for (size_t i = 0; i < t->npoints; i++)
		if (point_insert(db, &id, cid, scene_id, scene_text_in(&t->points[i], lang), e) < 0)
			return -1;
	for (size_t i = 0; i < t->nposts; i++) {
		const struct scene_tpl_post *p = &t->posts[i];
		if (scene_post_add(db, &post_id, cid, scene_id, scene_text_in(&p->name, lang),
				   scene_text_in(&p->point, lang), p->skills, e) < 0)
			return -1;
		for (size_t j = 0; j < p->nbands; j++) {
			struct scene_band b = {p->bands[j].weekdays, p->bands[j].start_min,
					       p->bands[j].end_min, p->bands[j].headcount};
			if (band_insert(db, &id, cid, post_id, &b, e) < 0)
				return -1;
		}
		for (size_t j = 0; j < p->nchecklist; j++)
			if (check_insert(db, &id, cid, post_id, scene_text_in(&p->checklist[j], lang),
					 e) < 0)
				return -1;
	}
	for (size_t i = 0; i < t->nequipment; i++)
		if (equipment_insert(db, &id, cid, scene_id,
				     scene_text_in(&t->equipment[i].item, lang),
				     t->equipment[i].quantity,
				     scene_text_in(&t->equipment[i].place, lang), e) < 0)
			return -1;
	for (size_t i = 0; i < t->nscripts; i++) {
		const struct scene_tpl_script *x = &t->scripts[i];
		struct scene_script s = {scene_text_in(&x->title, lang),
					 scene_text_in(&x->situation, lang),
					 scene_text_in(&x->say, lang), scene_text_in(&x->avoid, lang),
					 scene_text_in(&x->tags, lang)};
		if (script_insert(db, &id, cid, scene_id, &s, e) < 0)
			return -1;
	}
	return 0;
}

int scene_create(struct store *db, int64_t *out, int64_t community_id, const struct scene_new *n,
		 struct err *e)
{
	const struct scene_template *t = scene_template_find(n->template_code);
	const char *kind = n->node_kind ? n->node_kind : "";
	struct stmt *st;
	if (!text_ok(n->name, SCENE_NAME_MAX, true))
		return err_set(e, ERR_INVALID, "name", "name must be 1 to %d characters",
			       SCENE_NAME_MAX);
	if (!t && (!n->template_code || strcmp(n->template_code, "blank")))
		return err_set(e, ERR_INVALID, "template", "template must be blank or a template code");
	if (n->lang && strcmp(n->lang, "zh") && strcmp(n->lang, "en"))
		return err_set(e, ERR_INVALID, "lang", "lang must be zh or en");
	if (!text_ok(n->location, SCENE_TEXT_MAX, false))
		return err_set(e, ERR_INVALID, "location", "location must be at most %d characters",
			       SCENE_TEXT_MAX);
	if (node_check(db, community_id, kind, n->node_id, e) < 0)
		return -1;
	if (store_begin(db, e) < 0)
		return -1;
	if (!(st = store_prepare(db, sql_scene_create, e)))
		goto fail;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_text(st, 2, n->name, SIZE_MAX);
	stmt_bind_text(st, 3, n->template_code, SIZE_MAX);
	stmt_bind_text(st, 4, n->location ? n->location : "", SIZE_MAX);
	stmt_bind_text(st, 5, kind, SIZE_MAX);
	if (*kind)
		stmt_bind_int(st, 6, n->node_id);
	else
		stmt_bind_null(st, 6);
	stmt_bind_int(st, 7, time_now());
	if (insert_id(st, out, e) < 0 || (t && copy_template(db, community_id, *out, t, n->lang, e) < 0) ||
	    store_commit(db, e) < 0)
		goto fail;
	return 0;
fail:
	store_rollback(db);
	return -1;
}

int scene_update(struct store *db, int64_t community_id, int64_t scene_id,
		 const struct scene_new *n, struct err *e)
{
	struct stmt *st;
	if (n->name && !text_ok(n->name, SCENE_NAME_MAX, true))
		return err_set(e, ERR_INVALID, "name", "name must be 1 to %d characters",
			       SCENE_NAME_MAX);
	if (n->location && !text_ok(n->location, SCENE_TEXT_MAX, false))
		return err_set(e, ERR_INVALID, "location", "location must be at most %d characters",
			       SCENE_TEXT_MAX);
	if (n->status && strcmp(n->status, "active") && strcmp(n->status, "closed"))
		return err_set(e, ERR_INVALID, "status", "status must be active or closed");
	if (n->node_kind && node_check(db, community_id, n->node_kind, n->node_id, e) < 0)
		return -1;
	if (!(st = store_prepare(db, sql_scene_update, e)))
		return -1;
	bind_opt(st, 1, n->name);
	bind_opt(st, 2, n->location);
	bind_opt(st, 3, n->status);
	bind_opt(st, 4, n->node_kind);
	stmt_bind_int(st, 5, n->node_kind != NULL);
	if (n->node_kind && *n->node_kind)
		stmt_bind_int(st, 6, n->node_id);
	else
		stmt_bind_null(st, 6);
	stmt_bind_int(st, 7, scene_id);
	stmt_bind_int(st, 8, community_id);
	if (stmt_exec(st, e) < 0)
		return -1;
	return store_changes(db) ? 0 : err_set(e, ERR_NOT_FOUND, "scene_id", "no such scene");
}

int scene_point_add(struct store *db, int64_t *out, int64_t community_id, int64_t scene_id,
		    const char *name, struct err *e)
{
	if (!text_ok(name, SCENE_NAME_MAX, true))
		return err_set(e, ERR_INVALID, "name", "name must be 1 to %d characters",
			       SCENE_NAME_MAX);
	if (need_scene(db, community_id, scene_id, e) < 0 ||
	    room_for(db, sql_rows_of_scene_points, scene_id, e) < 0)
		return -1;
	return point_insert(db, out, community_id, scene_id, name, e);
}

int scene_point_delete(struct store *db, int64_t community_id, int64_t point_id, struct err *e)
{
	return change_one(db, sql_point_delete, point_id, community_id, "point_id", e);
}

int scene_post_update(struct store *db, int64_t community_id, int64_t post_id, const char *name,
		      const char *point, const char *skills, struct err *e)
{
	struct stmt *st;
	if (name && !text_ok(name, SCENE_NAME_MAX, true))
		return err_set(e, ERR_INVALID, "name", "name must be 1 to %d characters",
			       SCENE_NAME_MAX);
	if (point && !text_ok(point, SCENE_TEXT_MAX, false))
		return err_set(e, ERR_INVALID, "point", "point must be at most %d characters",
			       SCENE_TEXT_MAX);
	if (skills && !text_ok(skills, SCENE_TEXT_MAX, false))
		return err_set(e, ERR_INVALID, "skills", "skills must be at most %d characters",
			       SCENE_TEXT_MAX);
	if (!(st = store_prepare(db, sql_post_update, e)))
		return -1;
	bind_opt(st, 1, name);
	bind_opt(st, 2, point);
	bind_opt(st, 3, skills);
	stmt_bind_int(st, 4, post_id);
	stmt_bind_int(st, 5, community_id);
	if (stmt_exec(st, e) < 0)
		return -1;
	return store_changes(db) ? 0 : err_set(e, ERR_NOT_FOUND, "post_id", "no such post");
}

int scene_post_delete(struct store *db, int64_t community_id, int64_t post_id, struct err *e)
{
	return change_one(db, sql_post_delete, post_id, community_id, "post_id", e);
}

int scene_band_add(struct store *db, int64_t *out, int64_t community_id, int64_t post_id,
		   const struct scene_band *b, struct err *e)
{
	if (band_check(b, e) < 0 || need_post(db, community_id, post_id, e) < 0 ||
	    room_for(db, sql_rows_of_post_bands, post_id, e) < 0)
		return -1;
	return band_insert(db, out, community_id, post_id, b, e);
}

int scene_band_delete(struct store *db, int64_t community_id, int64_t band_id, struct err *e)
{
	return change_one(db, sql_band_delete, band_id, community_id, "band_id", e);
}

int scene_check_add(struct store *db, int64_t *out, int64_t community_id, int64_t post_id,
		    const char *text, struct err *e)
{
	if (!text_ok(text, SCENE_TEXT_MAX, true))
		return err_set(e, ERR_INVALID, "text", "text must be 1 to %d characters",
			       SCENE_TEXT_MAX);
	if (need_post(db, community_id, post_id, e) < 0 ||
	    room_for(db, sql_check_count, post_id, e) < 0)
		return -1;
	return check_insert(db, out, community_id, post_id, text, e);
}

int scene_check_update(struct store *db, int64_t community_id, int64_t item_id, const char *text,
		       struct err *e)
{
	struct stmt *st;
	if (!text_ok(text, SCENE_TEXT_MAX, true))
		return err_set(e, ERR_INVALID, "text", "text must be 1 to %d characters",
			       SCENE_TEXT_MAX);
	if (!(st = store_prepare(db, sql_check_update, e)))
		return -1;
	stmt_bind_text(st, 1, text, SIZE_MAX);
	stmt_bind_int(st, 2, item_id);
	stmt_bind_int(st, 3, community_id);
	if (stmt_exec(st, e) < 0)
		return -1;
	return store_changes(db) ? 0 : err_set(e, ERR_NOT_FOUND, "item_id", "no such item");
}

int scene_check_delete(struct store *db, int64_t community_id, int64_t item_id, struct err *e)
{
	return change_one(db, sql_check_delete, item_id, community_id, "item_id", e);
}

int scene_check_order(struct store *db, int64_t community_id, int64_t post_id, const int64_t *ids,
		      size_t n, struct err *e)
{
	int64_t count = 0;
	struct stmt *st;
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			if (ids[i] == ids[j])
				return err_set(e, ERR_INVALID, "ids", "ids must not repeat");
	if (need_post(db, community_id, post_id, e) < 0)
		return -1;
	if (store_begin(db, e) < 0)
		return -1;
	if (count1(db, sql_check_count, post_id, &count, e) < 0)
		goto fail;
	if ((size_t)count != n) {
		err_set(e, ERR_INVALID, "ids", "ids must list every item of the post once");
		goto fail;
	}
	for (size_t i = 0; i < n; i++) {
		if (!(st = store_prepare(db, sql_check_move, e)))
			goto fail;
		stmt_bind_int(st, 1, (int64_t)i);
		stmt_bind_int(st, 2, ids[i]);
		stmt_bind_int(st, 3, post_id);
		if (stmt_exec(st, e) < 0)
			goto fail;
		if (!store_changes(db)) {
			err_set(e, ERR_INVALID, "ids", "item %lld is not of this post",
				(long long)ids[i]);
			goto fail;
		}
	}
	if (store_commit(db, e) < 0)
		goto fail;
	return 0;
fail:
	store_rollback(db);
	return -1;
}

int scene_equipment_add(struct store *db, int64_t *out, int64_t community_id, int64_t scene_id,
			const char *item, int64_t quantity, const char *place, struct err *e)
{
	if (!text_ok(item, SCENE_NAME_MAX, true))
		return err_set(e, ERR_INVALID, "item", "item must be 1 to %d characters",
			       SCENE_NAME_MAX);
	if (quantity < 0 || quantity > SCENE_QUANTITY_MAX)
		return err_set(e, ERR_INVALID, "quantity", "quantity must be 0 to %d",
			       SCENE_QUANTITY_MAX);
	if (!text_ok(place, SCENE_NAME_MAX, false))
		return err_set(e, ERR_INVALID, "place", "place must be at most %d characters",
			       SCENE_NAME_MAX);
	if (need_scene(db, community_id, scene_id, e) < 0 ||
	    room_for(db, sql_rows_of_scene_eq, scene_id, e) < 0)
		return -1;
	return equipment_insert(db, out, community_id, scene_id, item, quantity, place, e);
}

int scene_equipment_update(struct store *db, int64_t community_id, int64_t id, const char *item,
			   int64_t quantity, const char *place, struct err *e)
{
	struct stmt *st;
	if (item && !text_ok(item, SCENE_NAME_MAX, true))
		return err_set(e, ERR_INVALID, "item", "item must be 1 to %d characters",
			       SCENE_NAME_MAX);
	if (quantity > SCENE_QUANTITY_MAX)
		return err_set(e, ERR_INVALID, "quantity", "quantity must be 0 to %d",
			       SCENE_QUANTITY_MAX);
	if (place && !text_ok(place, SCENE_NAME_MAX, false))
		return err_set(e, ERR_INVALID, "place", "place must be at most %d characters",
			       SCENE_NAME_MAX);
	if (!(st = store_prepare(db, sql_equipment_update, e)))
		return -1;
	bind_opt(st, 1, item);
	bind_opt(st, 2, place);
	stmt_bind_int(st, 3, quantity);
	stmt_bind_int(st, 4, quantity);
	stmt_bind_int(st, 5, id);
	stmt_bind_int(st, 6, community_id);
	if (stmt_exec(st, e) < 0)
		return -1;
	return store_changes(db) ? 0 : err_set(e, ERR_NOT_FOUND, "equipment_id", "no such item");
}

int scene_equipment_delete(struct store *db, int64_t community_id, int64_t id, struct err *e)
{
	return change_one(db, sql_equipment_delete, id, community_id, "equipment_id", e);
}

int scene_script_add(struct store *db, int64_t *out, int64_t community_id, int64_t scene_id,
		     const struct scene_script *s, struct err *e)
{
	if (script_check(s, true, e) < 0 || need_scene(db, community_id, scene_id, e) < 0 ||
	    room_for(db, sql_rows_of_scene_scripts, scene_id, e) < 0)
		return -1;
	return script_insert(db, out, community_id, scene_id, s, e);
}

int scene_script_revise(struct store *db, int64_t *revision, int64_t community_id,
			int64_t script_id, const struct scene_script *s, int64_t user_id,
			struct err *e)
{
	struct stmt *st;
	int64_t now = time_now();
	if (script_check(s, false, e) < 0)
		return -1;
	if (store_begin(db, e) < 0)
		return -1;
	if (!(st = store_prepare(db, sql_script_keep, e)))
		goto fail;
	stmt_bind_int(st, 1, now);
	if (user_id)
		stmt_bind_int(st, 2, user_id);
	else
		stmt_bind_null(st, 2);
	stmt_bind_int(st, 3, script_id);
	stmt_bind_int(st, 4, community_id);
	if (stmt_exec(st, e) < 0)
		goto fail;
	if (!store_changes(db)) {
		err_set(e, ERR_NOT_FOUND, "script_id", "no such script");
		goto fail;
	}
	if (!(st = store_prepare(db, sql_script_revise, e)))
		goto fail;
	bind_opt(st, 1, s->title);
	bind_opt(st, 2, s->situation);
	bind_opt(st, 3, s->say);
	bind_opt(st, 4, s->avoid);
	bind_opt(st, 5, s->tags);
	stmt_bind_int(st, 6, now);
	if (user_id)
		stmt_bind_int(st, 7, user_id);
	else
		stmt_bind_null(st, 7);
	stmt_bind_int(st, 8, script_id);
	stmt_bind_int(st, 9, community_id);
	if (insert_id(st, revision, e) < 0 || store_commit(db, e) < 0)
		goto fail;
	return 0;
fail:
	store_rollback(db);
	return -1;
}

int scene_script_delete(struct store *db, int64_t community_id, int64_t script_id, struct err *e)
{
	return change_one(db, sql_script_delete, script_id, community_id, "script_id", e);
}

static json_t *script_json(struct stmt *st, int c)
{
	/* columns from c: title, situation, say, avoid, tags */
	return json_pack("{s:s, s:s, s:s, s:s, s:s}", "title", stmt_text(st, c), "situation",
			 stmt_text(st, c + 1), "say", stmt_text(st, c + 2), "avoid",
			 stmt_text(st, c + 3), "tags", stmt_text(st, c + 4));
}

int scene_script_view(struct store *db, json_t **out, int64_t community_id, int64_t script_id,
		      struct err *e)
{
	struct stmt *st = store_prepare(db, sql_script_one, e);
	json_t *revs;
	int rc;
	if (!st)
		return -1;
	stmt_bind_int(st, 1, script_id);
	stmt_bind_int(st, 2, community_id);
	if ((rc = stmt_step(st, e)) == STORE_ROW) {
		*out = script_json(st, 2);
		json_object_set_new(*out, "id", json_integer(stmt_int(st, 0)));
		json_object_set_new(*out, "scene_id", json_integer(stmt_int(st, 1)));
		json_object_set_new(*out, "revision", json_integer(stmt_int(st, 7)));
		json_object_set_new(*out, "updated_at", json_integer(stmt_int(st, 8)));
	}
	stmt_done(st);
	if (rc != STORE_ROW)
		return rc < 0 ? -1 : err_set(e, ERR_NOT_FOUND, "script_id", "no such script");
	revs = json_array();
	json_object_set_new(*out, "revisions", revs);
	if (!(st = store_prepare(db, sql_script_revs, e)))
		goto fail;
	stmt_bind_int(st, 1, script_id);
	while ((rc = stmt_step(st, e)) == STORE_ROW) {
		json_t *r = script_json(st, 1);
		json_object_set_new(r, "revision", json_integer(stmt_int(st, 0)));
		json_object_set_new(r, "replaced_at", json_integer(stmt_int(st, 6)));
		json_array_append_new(revs, r);
	}
	stmt_done(st);
	if (rc < 0)
		goto fail;
	return 0;
fail:
	json_decref(*out);
	*out = NULL;
	return -1;
}

int scene_expand(struct store *db, int64_t *created, int64_t *skipped, int64_t community_id,
		 int64_t scene_id, const char *from, int64_t days, struct err *e)
{
	struct band_row {
		int64_t post;
		struct scene_band b;
	} rows[SCENE_ROWS_MAX * 4];
	size_t n = 0;
	int64_t day0, now = time_now();
	struct stmt *st;
	int rc;
	*created = *skipped = 0;
	if (!scene_date_days(from, &day0))
		return err_set(e, ERR_INVALID, "from", "from must be a date YYYY-MM-DD");
	if (days < 1 || days > SCENE_EXPAND_DAYS_MAX)
		return err_set(e, ERR_INVALID, "days", "days must be 1 to %d", SCENE_EXPAND_DAYS_MAX);
	if (need_scene(db, community_id, scene_id, e) < 0)
		return -1;
	if (store_begin(db, e) < 0)
		return -1;
	if (!(st = store_prepare(db, sql_expand_bands, e)))
		goto fail;
	stmt_bind_int(st, 1, scene_id);
	while ((rc = stmt_step(st, e)) == STORE_ROW) {
		if (n == sizeof(rows) / sizeof(rows[0])) {
			stmt_done(st);
			err_set(e, ERR_CONFLICT, NULL, "a scene expands at most %zu bands at once", n);
			goto fail;
		}
		rows[n].post = stmt_int(st, 0);
		rows[n].b.weekdays = (unsigned)stmt_int(st, 1);
		rows[n].b.start_min = (int)stmt_int(st, 2);
		rows[n].b.end_min = (int)stmt_int(st, 3);
		rows[n].b.headcount = (int)stmt_int(st, 4);
		n++;
	}
	stmt_done(st);
	if (rc < 0)
		goto fail;
	for (int64_t d = day0; d < day0 + days; d++)
		for (size_t i = 0; i < n; i++) {
			int64_t starts, ends;
			if (!scene_band_on(&rows[i].b, d, &starts, &ends))
				continue;
			if (!(st = store_prepare(db, sql_expand_shift, e)))
				goto fail;
			stmt_bind_int(st, 1, community_id);
			stmt_bind_int(st, 2, starts);
			stmt_bind_int(st, 3, ends);
			stmt_bind_int(st, 4, rows[i].b.headcount);
			stmt_bind_int(st, 5, now);
			stmt_bind_int(st, 6, rows[i].post);
			rc = stmt_step(st, e); /* a row only when the shift was new */
			stmt_done(st);
			if (rc < 0)
				goto fail;
			if (rc == STORE_ROW)
				++*created;
			else
				++*skipped;
		}
	if (store_commit(db, e) < 0)
		goto fail;
	return 0;
fail:
	store_rollback(db);
	*created = *skipped = 0;
	return -1;
}

int scene_shift_checklist(struct store *db, json_t **out, int64_t community_id, int64_t shift_id,
			  struct err *e)
{
	struct arena a;
	struct shift_info s;
	struct stmt *st;
	json_t *items;
	int rc;
	arena_init(&a);
	if (shift_get(db, &s, community_id, shift_id, &a, e) < 0) {
		arena_release(&a);
		return -1;
	}
	*out = json_pack("{s:{s:I, s:I, s:s, s:I, s:s, s:I, s:I, s:I, s:s, s:s}}", "shift", "id",
			 (json_int_t)s.id, "post_id", (json_int_t)s.post_id, "post_name",
			 s.post_name, "scene_id", (json_int_t)s.scene_id, "scene_name", s.scene_name,
			 "starts_at", (json_int_t)s.starts_at, "ends_at", (json_int_t)s.ends_at,
			 "headcount", (json_int_t)s.headcount, "status", s.status, "skills",
			 s.skills);
	arena_release(&a);
	items = json_array();
	json_object_set_new(*out, "items", items);
	if (!(st = store_prepare(db, sql_shift_items, e)))
		goto fail;
	stmt_bind_int(st, 1, shift_id);
	stmt_bind_int(st, 2, s.post_id);
	while ((rc = stmt_step(st, e)) == STORE_ROW) {
		bool ticked = !stmt_is_null(st, 2);
		json_t *it = json_pack("{s:I, s:s, s:b}", "id", (json_int_t)stmt_int(st, 0), "text",
				       stmt_text(st, 1), "ticked", ticked);
		if (ticked) {
			json_object_set_new(it, "ticked_by", json_string(stmt_text(st, 3)));
			json_object_set_new(it, "ticked_at", json_integer(stmt_int(st, 4)));
		}
		json_array_append_new(items, it);
	}
	stmt_done(st);
	if (rc < 0)
		goto fail;
	return 0;
fail:
	json_decref(*out);
	*out = NULL;
	return -1;
}

int scene_shift_tick(struct store *db, int64_t community_id, int64_t shift_id, int64_t item_id,
		     bool on, int64_t user_id, struct err *e)
{
	struct arena a;
	struct shift_info s;
	struct stmt *st;
	bool found;
	int rc;
	arena_init(&a);
	rc = shift_get(db, &s, community_id, shift_id, &a, e);
	arena_release(&a);
	if (rc < 0 || exists(db, sql_item_of_post, item_id, s.post_id, &found, e) < 0)
		return -1;
	if (!found)
		return err_set(e, ERR_NOT_FOUND, "item_id", "no such item on this shift's post");
	if (!(st = store_prepare(db, on ? sql_tick : sql_untick, e)))
		return -1;
	stmt_bind_int(st, 1, shift_id);
	stmt_bind_int(st, 2, item_id);
	if (on) {
		stmt_bind_int(st, 3, user_id);
		stmt_bind_int(st, 4, time_now());
	}
	return stmt_exec(st, e);
}

static int view_design(struct store *db, json_t *o, int64_t scene_id, struct err *e)
{
	json_t *points = json_array(), *eq = json_array(), *scripts = json_array(), *p;
	json_t *posts = json_object_get(o, "posts");
	struct stmt *st;
	size_t i;
	int rc;
	json_object_set_new(o, "points", points);
	json_object_set_new(o, "equipment", eq);
	json_object_set_new(o, "scripts", scripts);
	if (!(st = store_prepare(db, sql_view_points, e)))
		return -1;
	stmt_bind_int(st, 1, scene_id);
	while ((rc = stmt_step(st, e)) == STORE_ROW)
		json_array_append_new(points, json_pack("{s:I, s:s}", "id", (json_int_t)stmt_int(st, 0),
							"name", stmt_text(st, 1)));
	stmt_done(st);
	if (rc < 0)
		return -1;
	json_array_foreach(posts, i, p) {
		int64_t post_id = json_integer_value(json_object_get(p, "id"));
		json_t *bands = json_array(), *checks = json_array();
		json_object_set_new(p, "bands", bands);
		json_object_set_new(p, "checklist", checks);
		if (!(st = store_prepare(db, sql_view_bands, e)))
			return -1;
		stmt_bind_int(st, 1, post_id);
		while ((rc = stmt_step(st, e)) == STORE_ROW)
			json_array_append_new(
			    bands, json_pack("{s:I, s:I, s:I, s:I, s:I}", "id", (json_int_t)stmt_int(st, 0),
					     "weekdays", (json_int_t)stmt_int(st, 1), "start",
					     (json_int_t)stmt_int(st, 2), "end",
					     (json_int_t)stmt_int(st, 3), "headcount",
					     (json_int_t)stmt_int(st, 4)));
		stmt_done(st);
		if (rc < 0 || !(st = store_prepare(db, sql_view_checks, e)))
			return -1;
		stmt_bind_int(st, 1, post_id);
		while ((rc = stmt_step(st, e)) == STORE_ROW)
			json_array_append_new(checks, json_pack("{s:I, s:s}", "id",
								(json_int_t)stmt_int(st, 0), "text",
								stmt_text(st, 1)));
		stmt_done(st);
		if (rc < 0)
			return -1;
	}
	if (!(st = store_prepare(db, sql_view_equipment, e)))
		return -1;
	stmt_bind_int(st, 1, scene_id);
	while ((rc = stmt_step(st, e)) == STORE_ROW)
		json_array_append_new(eq, json_pack("{s:I, s:s, s:I, s:s}", "id",
						    (json_int_t)stmt_int(st, 0), "item",
						    stmt_text(st, 1), "quantity",
						    (json_int_t)stmt_int(st, 2), "place",
						    stmt_text(st, 3)));
	stmt_done(st);
	if (rc < 0 || !(st = store_prepare(db, sql_view_scripts, e)))
		return -1;
	stmt_bind_int(st, 1, scene_id);
	while ((rc = stmt_step(st, e)) == STORE_ROW) {
		json_t *s = script_json(st, 1);
		json_object_set_new(s, "id", json_integer(stmt_int(st, 0)));
		json_object_set_new(s, "revision", json_integer(stmt_int(st, 6)));
		json_object_set_new(s, "updated_at", json_integer(stmt_int(st, 7)));
		json_array_append_new(scripts, s);
	}
	stmt_done(st);
	return rc < 0 ? -1 : 0;
}

const struct migration scene_migrations[] = {
    {800, "scene: scenes, posts, shifts",
     "CREATE TABLE scenes ("
     " id @id, community_id BIGINT NOT NULL REFERENCES communities(id),"
     " name TEXT NOT NULL, template TEXT NOT NULL, location TEXT NOT NULL,"
     " status TEXT NOT NULL, created_at BIGINT NOT NULL);"
     "CREATE INDEX scenes_community ON scenes (community_id, id);"
     "CREATE TABLE scene_posts ("
     " id @id, community_id BIGINT NOT NULL REFERENCES communities(id),"
     " scene_id BIGINT NOT NULL REFERENCES scenes(id) ON DELETE CASCADE,"
     " name TEXT NOT NULL, point TEXT NOT NULL, skills TEXT NOT NULL,"
     " position INTEGER NOT NULL, created_at BIGINT NOT NULL);"
     "CREATE INDEX scene_posts_scene ON scene_posts (scene_id, position);"
     "CREATE TABLE shifts ("
     " id @id, community_id BIGINT NOT NULL REFERENCES communities(id),"
     " post_id BIGINT NOT NULL REFERENCES scene_posts(id) ON DELETE CASCADE,"
     " starts_at BIGINT NOT NULL, ends_at BIGINT NOT NULL, headcount INTEGER NOT NULL,"
     " skills TEXT NOT NULL, schedule_id BIGINT, status TEXT NOT NULL,"
     " created_at BIGINT NOT NULL, UNIQUE (post_id, starts_at));"
     "CREATE INDEX shifts_community ON shifts (community_id, starts_at);"},
    {801, "scene: location node, points, bands, checklists, equipment",
     "ALTER TABLE scenes ADD COLUMN node_kind TEXT NOT NULL DEFAULT '';"
     "ALTER TABLE scenes ADD COLUMN node_id BIGINT;"
     "CREATE TABLE scene_points ("
     " id @id, community_id BIGINT NOT NULL REFERENCES communities(id),"
     " scene_id BIGINT NOT NULL REFERENCES scenes(id) ON DELETE CASCADE,"
     " name TEXT NOT NULL, position INTEGER NOT NULL);"
     "CREATE INDEX scene_points_scene ON scene_points (scene_id, position);"
     "CREATE TABLE scene_post_bands ("
     " id @id, community_id BIGINT NOT NULL REFERENCES communities(id),"
     " post_id BIGINT NOT NULL REFERENCES scene_posts(id) ON DELETE CASCADE,"
     " weekdays INTEGER NOT NULL, start_min INTEGER NOT NULL, end_min INTEGER NOT NULL,"
     " headcount INTEGER NOT NULL);"
     "CREATE INDEX scene_post_bands_post ON scene_post_bands (post_id);"
     "CREATE TABLE scene_checklist ("
     " id @id, community_id BIGINT NOT NULL REFERENCES communities(id),"
     " post_id BIGINT NOT NULL REFERENCES scene_posts(id) ON DELETE CASCADE,"
     " text TEXT NOT NULL, position INTEGER NOT NULL);"
     "CREATE INDEX scene_checklist_post ON scene_checklist (post_id, position);"
     "CREATE TABLE scene_equipment ("
     " id @id, community_id BIGINT NOT NULL REFERENCES communities(id),"
     " scene_id BIGINT NOT NULL REFERENCES scenes(id) ON DELETE CASCADE,"
     " item TEXT NOT NULL, quantity INTEGER NOT NULL, place TEXT NOT NULL,"
     " position INTEGER NOT NULL);"
     "CREATE INDEX scene_equipment_scene ON scene_equipment (scene_id, position);"},
    {802, "scene: scripts (话术) with revisions",
     "CREATE TABLE scene_scripts ("
     " id @id, community_id BIGINT NOT NULL REFERENCES communities(id),"
     " scene_id BIGINT NOT NULL REFERENCES scenes(id) ON DELETE CASCADE,"
     " title TEXT NOT NULL, situation TEXT NOT NULL, say TEXT NOT NULL, avoid TEXT NOT NULL,"
     " tags TEXT NOT NULL, revision INTEGER NOT NULL, position INTEGER NOT NULL,"
     " updated_at BIGINT NOT NULL, updated_by BIGINT REFERENCES users(id) ON DELETE SET NULL);"
     "CREATE INDEX scene_scripts_scene ON scene_scripts (scene_id, position);"
     "CREATE TABLE scene_script_revisions ("
     " id @id, script_id BIGINT NOT NULL REFERENCES scene_scripts(id) ON DELETE CASCADE,"
     " revision INTEGER NOT NULL, title TEXT NOT NULL, situation TEXT NOT NULL,"
     " say TEXT NOT NULL, avoid TEXT NOT NULL, tags TEXT NOT NULL, replaced_at BIGINT NOT NULL,"
     " replaced_by BIGINT REFERENCES users(id) ON DELETE SET NULL,"
     " UNIQUE (script_id, revision));"},
    {803, "scene: checklist ticks per shift",
     "CREATE TABLE shift_checks ("
     " shift_id BIGINT NOT NULL REFERENCES shifts(id) ON DELETE CASCADE,"
     " item_id BIGINT NOT NULL REFERENCES scene_checklist(id) ON DELETE CASCADE,"
     " ticked_by BIGINT REFERENCES users(id) ON DELETE SET NULL, ticked_at BIGINT NOT NULL,"
     " PRIMARY KEY (shift_id, item_id));"},
    {804, "scene: incidents at the post",
     "CREATE TABLE scene_incidents ("
     " id @id, community_id BIGINT NOT NULL REFERENCES communities(id),"
     " scene_id BIGINT NOT NULL REFERENCES scenes(id) ON DELETE CASCADE,"
     " post_id BIGINT REFERENCES scene_posts(id) ON DELETE SET NULL,"
     " shift_id BIGINT REFERENCES shifts(id) ON DELETE SET NULL,"
     " occurred_at BIGINT NOT NULL, type TEXT NOT NULL, what TEXT NOT NULL,"
     " script_id BIGINT REFERENCES scene_scripts(id) ON DELETE SET NULL,"
     " script_revision INTEGER, outcome TEXT NOT NULL, followup TEXT NOT NULL,"
     " followup_due TEXT NOT NULL, followup_done INTEGER NOT NULL,"
     " recorded_by BIGINT REFERENCES users(id) ON DELETE SET NULL, created_at BIGINT NOT NULL);"
     "CREATE INDEX scene_incidents_scene ON scene_incidents (scene_id, occurred_at);"
     "CREATE INDEX scene_incidents_script ON scene_incidents (script_id, occurred_at);"},
};
const size_t scene_migrations_n = sizeof(scene_migrations) / sizeof(scene_migrations[0]);
