/*
 * scene_http.c - handlers of scenes, posts and shifts.
 *
 * Members of the community read scenes (volunteers need to see where they
 * serve, and read the scripts on their phones); those who change the
 * community (admin, street officer, community worker) design them.  The
 * community is opened as the New networks handlers open it
 * (voice_open_community).  Checklists are ticked on a shift by the field
 * staff (admin .. building lead: auth_reads_community) and by the
 * community's volunteers; see may_tick.
 */
#include "scene/scene.h"

#include "auth/auth.h"
#include "http/http.h"
#include "scene/template.h"
#include "voice/voice_http.h"

#include <string.h>

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
	struct scene_new n = {.template_code = NULL, .lang = "zh", .node_kind = ""};
	const struct jfield f[] = {
	    {"name", JF_STRING, true, 1, SCENE_NAME_MAX, &n.name},
	    {"template", JF_STRING, true, 1, 32, &n.template_code},
	    {"lang", JF_STRING, false, 1, 8, &n.lang},
	    {"location", JF_STRING, false, 0, SCENE_TEXT_MAX, &n.location},
	    {"node_kind", JF_STRING, false, 0, 16, &n.node_kind},
	    {"node_id", JF_INT, false, 1, INT64_MAX, &n.node_id},
	};
	struct community c;
	struct err e = ERR_INIT;
	int64_t id;
	if (voice_open_community(r, &c, VOICE_CHANGER, &e) < 0 || http_body_take(r, f, 6, &e) < 0 ||
	    scene_create(r->db, &id, c.id, &n, &e) < 0)
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


/* ---- the design of a scene ---- */

static void reply_id(struct req *r, int64_t id)
{
	http_reply_json(r, 201, json_pack("{s:I}", "id", (json_int_t)id));
}

static void get_templates(struct req *r)
{
	json_t *list = json_array();
	for (size_t i = 0; i < scene_templates_n; i++)
		json_array_append_new(list, scene_template_json(&scene_templates[i]));
	http_reply_json(r, 200, json_pack("{s:o}", "templates", list));
}

static void put_scene(struct req *r)
{
	struct scene_new n = {0};
	bool has_kind = false;
	const struct jfield f[] = {
	    {"name", JF_STRING, false, 1, SCENE_NAME_MAX, &n.name},
	    {"location", JF_STRING, false, 0, SCENE_TEXT_MAX, &n.location},
	    {"status", JF_STRING, false, 1, 16, &n.status},
	    {"node_kind", JF_STRING, false, 0, 16, &n.node_kind, &has_kind},
	    {"node_id", JF_INT, false, 1, INT64_MAX, &n.node_id},
	};
	struct community c;
	struct err e = ERR_INIT;
	if (voice_open_community(r, &c, VOICE_CHANGER, &e) < 0 || http_body_take(r, f, 5, &e) < 0)
		return http_reply_err(r, &e);
	if (n.node_id && !has_kind)
		err_set(&e, ERR_INVALID, "node_kind", "node_kind is needed with node_id");
	if (err_is_set(&e) || scene_update(r->db, c.id, r->param[1], &n, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_empty(r, 204);
}

static void post_point(struct req *r)
{
	const char *name = NULL;
	const struct jfield f[] = {{"name", JF_STRING, true, 1, SCENE_NAME_MAX, &name}};
	struct community c;
	struct err e = ERR_INIT;
	int64_t id;
	if (voice_open_community(r, &c, VOICE_CHANGER, &e) < 0 || http_body_take(r, f, 1, &e) < 0 ||
	    scene_point_add(r->db, &id, c.id, r->param[1], name, &e) < 0)
		return http_reply_err(r, &e);
	reply_id(r, id);
}

/* DELETE handlers of one row: the community's changers only. */
static void delete_with(struct req *r, int (*fn)(struct store *, int64_t, int64_t, struct err *))
{
	struct community c;
	struct err e = ERR_INIT;
	if (voice_open_community(r, &c, VOICE_CHANGER, &e) < 0 || fn(r->db, c.id, r->param[1], &e) < 0)
		return http_reply_err(r, &e);
	http_reply_empty(r, 204);
}

static void delete_point(struct req *r) { delete_with(r, scene_point_delete); }
static void delete_post(struct req *r) { delete_with(r, scene_post_delete); }
static void delete_band(struct req *r) { delete_with(r, scene_band_delete); }
static void delete_check(struct req *r) { delete_with(r, scene_check_delete); }
static void delete_equipment(struct req *r) { delete_with(r, scene_equipment_delete); }
static void delete_script(struct req *r) { delete_with(r, scene_script_delete); }

static void put_post(struct req *r)
{
	const char *name = NULL, *point = NULL, *skills = NULL;
	const struct jfield f[] = {
	    {"name", JF_STRING, false, 1, SCENE_NAME_MAX, &name},
	    {"point", JF_STRING, false, 0, SCENE_TEXT_MAX, &point},
	    {"skills", JF_STRING, false, 0, SCENE_TEXT_MAX, &skills},
	};
	struct community c;
	struct err e = ERR_INIT;
	if (voice_open_community(r, &c, VOICE_CHANGER, &e) < 0 || http_body_take(r, f, 3, &e) < 0 ||
	    scene_post_update(r->db, c.id, r->param[1], name, point, skills, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_empty(r, 204);
}

/* "HH:MM" (00:00 .. 24:00) as minutes, or -1. */
static int minutes_of(const char *s)
{
	int hh, mm;
	if (!s || strlen(s) != 5 || s[2] != ':' || s[0] < '0' || s[0] > '9' || s[1] < '0' ||
	    s[1] > '9' || s[3] < '0' || s[3] > '5' || s[4] < '0' || s[4] > '9')
		return -1;
	hh = (s[0] - '0') * 10 + (s[1] - '0');
	mm = (s[3] - '0') * 10 + (s[4] - '0');
	if (hh > 24 || (hh == 24 && mm))
		return -1;
	return hh * 60 + mm;
}

static void post_band(struct req *r)
{
	const char *start = NULL, *end = NULL;
	int64_t weekdays = 0x7f, headcount = 0, id;
	const struct jfield f[] = {
	    {"weekdays", JF_INT, false, 1, 0x7f, &weekdays},
	    {"start", JF_STRING, true, 5, 5, &start},
	    {"end", JF_STRING, true, 5, 5, &end},
	    {"headcount", JF_INT, true, 1, SCENE_HEADCOUNT_MAX, &headcount},
	};
	struct scene_band b;
	struct community c;
	struct err e = ERR_INIT;
	if (voice_open_community(r, &c, VOICE_CHANGER, &e) < 0 || http_body_take(r, f, 4, &e) < 0)
		return http_reply_err(r, &e);
	b = (struct scene_band){(unsigned)weekdays, minutes_of(start), minutes_of(end),
				(int)headcount};
	if (b.start_min < 0 || b.start_min == 1440)
		err_set(&e, ERR_INVALID, "start", "start must be a time HH:MM");
	else if (b.end_min < 0)
		err_set(&e, ERR_INVALID, "end", "end must be a time HH:MM, at most 24:00");
	if (err_is_set(&e) || scene_band_add(r->db, &id, c.id, r->param[1], &b, &e) < 0)
		return http_reply_err(r, &e);
	reply_id(r, id);
}

static void post_check(struct req *r)
{
	const char *text = NULL;
	const struct jfield f[] = {{"text", JF_STRING, true, 1, SCENE_TEXT_MAX, &text}};
	struct community c;
	struct err e = ERR_INIT;
	int64_t id;
	if (voice_open_community(r, &c, VOICE_CHANGER, &e) < 0 || http_body_take(r, f, 1, &e) < 0 ||
	    scene_check_add(r->db, &id, c.id, r->param[1], text, &e) < 0)
		return http_reply_err(r, &e);
	reply_id(r, id);
}

static void put_check(struct req *r)
{
	const char *text = NULL;
	const struct jfield f[] = {{"text", JF_STRING, true, 1, SCENE_TEXT_MAX, &text}};
	struct community c;
	struct err e = ERR_INIT;
	if (voice_open_community(r, &c, VOICE_CHANGER, &e) < 0 || http_body_take(r, f, 1, &e) < 0 ||
	    scene_check_update(r->db, c.id, r->param[1], text, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_empty(r, 204);
}

static void put_check_order(struct req *r)
{
	struct jints ids = {0};
	const struct jfield f[] = {
	    {"ids", JF_INTS, true, 0, SCENE_ROWS_MAX, &ids, NULL, 1, INT64_MAX},
	};
	struct community c;
	struct err e = ERR_INIT;
	if (voice_open_community(r, &c, VOICE_CHANGER, &e) < 0 || http_body_take(r, f, 1, &e) < 0 ||
	    scene_check_order(r->db, c.id, r->param[1], ids.v, ids.n, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_empty(r, 204);
}

static void post_equipment(struct req *r)
{
	const char *item = NULL, *place = NULL;
	int64_t quantity = 1, id;
	const struct jfield f[] = {
	    {"item", JF_STRING, true, 1, SCENE_NAME_MAX, &item},
	    {"quantity", JF_INT, false, 0, SCENE_QUANTITY_MAX, &quantity},
	    {"place", JF_STRING, false, 0, SCENE_NAME_MAX, &place},
	};
	struct community c;
	struct err e = ERR_INIT;
	if (voice_open_community(r, &c, VOICE_CHANGER, &e) < 0 || http_body_take(r, f, 3, &e) < 0 ||
	    scene_equipment_add(r->db, &id, c.id, r->param[1], item, quantity, place, &e) < 0)
		return http_reply_err(r, &e);
	reply_id(r, id);
}

static void put_equipment(struct req *r)
{
	const char *item = NULL, *place = NULL;
	int64_t quantity = -1;
	const struct jfield f[] = {
	    {"item", JF_STRING, false, 1, SCENE_NAME_MAX, &item},
	    {"quantity", JF_INT, false, 0, SCENE_QUANTITY_MAX, &quantity},
	    {"place", JF_STRING, false, 0, SCENE_NAME_MAX, &place},
	};
	struct community c;
	struct err e = ERR_INIT;
	if (voice_open_community(r, &c, VOICE_CHANGER, &e) < 0 || http_body_take(r, f, 3, &e) < 0 ||
	    scene_equipment_update(r->db, c.id, r->param[1], item, quantity, place, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_empty(r, 204);
}

static int take_script(struct req *r, struct scene_script *s, bool required, struct err *e)
{
	const struct jfield f[] = {
	    {"title", JF_STRING, required, 1, SCENE_NAME_MAX, &s->title},
	    {"situation", JF_STRING, required, 1, SCENE_LONG_MAX, &s->situation},
	    {"say", JF_STRING, required, 1, SCENE_LONG_MAX, &s->say},
	    {"avoid", JF_STRING, false, 0, SCENE_LONG_MAX, &s->avoid},
	    {"tags", JF_STRING, false, 0, SCENE_TAGS_MAX, &s->tags},
	};
	return http_body_take(r, f, 5, e);
}

static void post_script(struct req *r)
{
	struct scene_script s = {0};
	struct community c;
	struct err e = ERR_INIT;
	int64_t id;
	if (voice_open_community(r, &c, VOICE_CHANGER, &e) < 0 || take_script(r, &s, true, &e) < 0 ||
	    scene_script_add(r->db, &id, c.id, r->param[1], &s, &e) < 0)
		return http_reply_err(r, &e);
	reply_id(r, id);
}

static void put_script(struct req *r)
{
	struct scene_script s = {0};
	struct community c;
	struct err e = ERR_INIT;
	int64_t revision;
	if (voice_open_community(r, &c, VOICE_CHANGER, &e) < 0 || take_script(r, &s, false, &e) < 0 ||
	    scene_script_revise(r->db, &revision, c.id, r->param[1], &s, r->user->user_id, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 200, json_pack("{s:I}", "revision", (json_int_t)revision));
}

static void get_script(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	json_t *o;
	if (voice_open_community(r, &c, VOICE_MEMBER, &e) < 0 ||
	    scene_script_view(r->db, &o, c.id, r->param[1], &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 200, o);
}

static void post_expand(struct req *r)
{
	const char *from = NULL;
	int64_t days = 0, created, skipped;
	const struct jfield f[] = {
	    {"from", JF_STRING, true, 10, 10, &from},
	    {"days", JF_INT, true, 1, SCENE_EXPAND_DAYS_MAX, &days},
	};
	struct community c;
	struct err e = ERR_INIT;
	if (voice_open_community(r, &c, VOICE_CHANGER, &e) < 0 || http_body_take(r, f, 2, &e) < 0 ||
	    scene_expand(r->db, &created, &skipped, c.id, r->param[1], from, days, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 200, json_pack("{s:I, s:I}", "created", (json_int_t)created, "skipped",
					  (json_int_t)skipped));
}

/* Field staff (admin .. building lead) and the community's volunteers tick
 * a shift's checklist.  The volunteer module knows who is on which shift;
 * until it says so, any volunteer of the community may tick. */
static bool may_tick(struct req *r, const struct community *c)
{
	if (auth_reads_community(r->user, c->id, c->street_id))
		return true;
	for (size_t i = 0; i < r->user->ngrants; i++)
		if (r->user->grants[i].role == ROLE_VOLUNTEER &&
		    r->user->grants[i].community_id == c->id)
			return true;
	return false;
}

static void get_shift(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	json_t *o;
	if (voice_open_community(r, &c, VOICE_MEMBER, &e) < 0 ||
	    scene_shift_checklist(r->db, &o, c.id, r->param[1], &e) < 0)
		return http_reply_err(r, &e);
	json_object_set_new(o, "can_tick", json_boolean(may_tick(r, &c)));
	http_reply_json(r, 200, o);
}

static void tick(struct req *r, bool on)
{
	struct community c;
	struct err e = ERR_INIT;
	if (voice_open_community(r, &c, VOICE_MEMBER, &e) < 0)
		return http_reply_err(r, &e);
	if (!may_tick(r, &c))
		err_set(&e, ERR_FORBIDDEN, NULL, "only staff and volunteers tick checklists");
	if (err_is_set(&e) ||
	    scene_shift_tick(r->db, c.id, r->param[1], r->param[2], on, r->user->user_id, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_empty(r, 204);
}

static void put_tick(struct req *r) { tick(r, true); }
static void delete_tick(struct req *r) { tick(r, false); }

static const struct route routes[] = {
    {"GET", "/api/communities/{id}/scenes", get_scenes, 0},
    {"POST", "/api/communities/{id}/scenes", post_scene, 0},
    {"GET", "/api/communities/{id}/scenes/{scene}", get_scene, 0},
    {"POST", "/api/communities/{id}/scenes/{scene}/posts", post_post, 0},
    {"POST", "/api/communities/{id}/posts/{post}/shifts", post_shift, 0},
    {"GET", "/api/scene-templates", get_templates, 0},
    {"PUT", "/api/communities/{id}/scenes/{scene}", put_scene, 0},
    {"POST", "/api/communities/{id}/scenes/{scene}/points", post_point, 0},
    {"DELETE", "/api/communities/{id}/scene-points/{point}", delete_point, 0},
    {"PUT", "/api/communities/{id}/posts/{post}", put_post, 0},
    {"DELETE", "/api/communities/{id}/posts/{post}", delete_post, 0},
    {"POST", "/api/communities/{id}/posts/{post}/bands", post_band, 0},
    {"DELETE", "/api/communities/{id}/post-bands/{band}", delete_band, 0},
    {"POST", "/api/communities/{id}/posts/{post}/checklist", post_check, 0},
    {"PUT", "/api/communities/{id}/posts/{post}/checklist", put_check_order, 0},
    {"PUT", "/api/communities/{id}/checklist/{item}", put_check, 0},
    {"DELETE", "/api/communities/{id}/checklist/{item}", delete_check, 0},
    {"POST", "/api/communities/{id}/scenes/{scene}/equipment", post_equipment, 0},
    {"PUT", "/api/communities/{id}/equipment/{item}", put_equipment, 0},
    {"DELETE", "/api/communities/{id}/equipment/{item}", delete_equipment, 0},
    {"POST", "/api/communities/{id}/scenes/{scene}/scripts", post_script, 0},
    {"GET", "/api/communities/{id}/scripts/{script}", get_script, 0},
    {"PUT", "/api/communities/{id}/scripts/{script}", put_script, 0},
    {"DELETE", "/api/communities/{id}/scripts/{script}", delete_script, 0},
    {"POST", "/api/communities/{id}/scenes/{scene}/expand", post_expand, 0},
    {"GET", "/api/communities/{id}/shifts/{shift}/checklist", get_shift, 0},
    {"PUT", "/api/communities/{id}/shifts/{shift}/checklist/{item}", put_tick, 0},
    {"DELETE", "/api/communities/{id}/shifts/{shift}/checklist/{item}", delete_tick, 0},
};
const struct route_table scene_routes = {routes, sizeof(routes) / sizeof(routes[0])};
