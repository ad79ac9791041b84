/*
 * scene.c - scenes, posts and shifts (see scene.h).
 */
#include "scene/scene.h"

#include "core/timeutil.h"
#include "core/utf8.h"

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
    "SELECT id, name, template, location, status FROM scenes WHERE id = ? AND community_id = ?";
static const char sql_posts[] =
    "SELECT id, name, point, skills FROM scene_posts WHERE scene_id = ? ORDER BY position, id";
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
		*out = json_pack("{s:I, s:s, s:s, s:s, s:s}", "id", (json_int_t)stmt_int(st, 0),
				 "name", stmt_text(st, 1), "template", stmt_text(st, 2), "location",
				 stmt_text(st, 3), "status", stmt_text(st, 4));
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
	return 0;
fail:
	json_decref(*out);
	*out = NULL;
	return -1;
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
};
const size_t scene_migrations_n = sizeof(scene_migrations) / sizeof(scene_migrations[0]);
