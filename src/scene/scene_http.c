/*
 * scene_http.c - handlers of scenes, posts and shifts.
 *
 * Members of the community read scenes (volunteers need to see where they
 * serve); those who change the community design them.  The community is
 * opened as the New networks handlers open it (voice_open_community).
 */
#include "scene/scene.h"

#include "auth/auth.h"
#include "http/http.h"
#include "voice/voice_http.h"

static void get_scenes(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	json_t *list;
	if (voice_open_community(r, &c, VOICE_MEMBER, &e) < 0 ||
	    scene_list(r->db, &list, c.id, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 200, json_pack("{s:o, s:b}", "scenes", list, "can_manage",
					  auth_changes_community(r->user, c.id, c.street_id)));
}

static void post_scene(struct req *r)
{
	const char *name = NULL, *tmpl = NULL, *location = NULL;
	const struct jfield f[] = {
	    {"name", JF_STRING, true, 1, SCENE_NAME_MAX, &name},
	    {"template", JF_STRING, true, 1, 32, &tmpl},
	    {"location", JF_STRING, false, 0, SCENE_TEXT_MAX, &location},
	};
	struct community c;
	struct err e = ERR_INIT;
	int64_t id;
	if (voice_open_community(r, &c, VOICE_CHANGER, &e) < 0 || http_body_take(r, f, 3, &e) < 0 ||
	    scene_add(r->db, &id, c.id, name, tmpl, location, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 201, json_pack("{s:I}", "id", (json_int_t)id));
}

static void get_scene(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	json_t *o;
	if (voice_open_community(r, &c, VOICE_MEMBER, &e) < 0 ||
	    scene_view(r->db, &o, c.id, r->param[1], &e) < 0)
		return http_reply_err(r, &e);
	json_object_set_new(o, "can_manage",
			    json_boolean(auth_changes_community(r->user, c.id, c.street_id)));
	http_reply_json(r, 200, o);
}

static void post_post(struct req *r)
{
	const char *name = NULL, *point = NULL, *skills = NULL;
	const struct jfield f[] = {
	    {"name", JF_STRING, true, 1, SCENE_NAME_MAX, &name},
	    {"point", JF_STRING, false, 0, SCENE_TEXT_MAX, &point},
	    {"skills", JF_STRING, false, 0, SCENE_TEXT_MAX, &skills},
	};
	struct community c;
	struct err e = ERR_INIT;
	int64_t id;
	if (voice_open_community(r, &c, VOICE_CHANGER, &e) < 0 || http_body_take(r, f, 3, &e) < 0 ||
	    scene_post_add(r->db, &id, c.id, r->param[1], name, point, skills, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 201, json_pack("{s:I}", "id", (json_int_t)id));
}

static void post_shift(struct req *r)
{
	int64_t starts = 0, ends = 0, headcount = 1, id;
	const struct jfield f[] = {
	    {"starts_at", JF_INT, true, 1, INT64_MAX / 2, &starts},
	    {"ends_at", JF_INT, true, 1, INT64_MAX / 2, &ends},
	    {"headcount", JF_INT, false, 1, SCENE_HEADCOUNT_MAX, &headcount},
	};
	struct community c;
	struct err e = ERR_INIT;
	if (voice_open_community(r, &c, VOICE_CHANGER, &e) < 0 || http_body_take(r, f, 3, &e) < 0 ||
	    shift_add(r->db, &id, c.id, r->param[1], starts, ends, headcount, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 201, json_pack("{s:I}", "id", (json_int_t)id));
}

static const struct route routes[] = {
    {"GET", "/api/communities/{id}/scenes", get_scenes, 0},
    {"POST", "/api/communities/{id}/scenes", post_scene, 0},
    {"GET", "/api/communities/{id}/scenes/{scene}", get_scene, 0},
    {"POST", "/api/communities/{id}/scenes/{scene}/posts", post_post, 0},
    {"POST", "/api/communities/{id}/posts/{post}/shifts", post_shift, 0},
};
const struct route_table scene_routes = {routes, sizeof(routes) / sizeof(routes[0])};
