/*
 * drill_http.c - handlers of drills and their after-action review
 * (drill.h).
 */
#include "field/drill.h"

#include "field/prep_http.h"

#include <stdlib.h>
#include <string.h>

static void get_drills(struct req *r)
{
	const char *hazard = http_query(r, "hazard");
	struct community c;
	struct err e = ERR_INIT;
	json_t *out;
	if (hazard && !*hazard)
		hazard = NULL;
	if (hazard && !prep_hazard_valid(hazard))
		err_set(&e, ERR_INVALID, "hazard", "no such hazard");
	if (err_is_set(&e) || prep_open_community(r, &c, PREP_READ, &e) < 0 ||
	    drill_list(r->db, &out, c.id, hazard, &e) < 0)
		return http_reply_err(r, &e);
	json_object_set_new(out, "can_edit", json_boolean(prep_can_edit(r, &c)));
	http_reply_json(r, 200, out);
}

static void get_drill(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	json_t *out;
	if (prep_open_community(r, &c, PREP_READ, &e) < 0 ||
	    drill_get(r->db, &out, c.id, r->param[1], &e) < 0)
		return http_reply_err(r, &e);
	json_object_set_new(out, "can_edit", json_boolean(prep_can_edit(r, &c)));
	json_object_set_new(out, "community",
	                    json_pack("{s:I, s:s}", "id", (json_int_t)c.id, "name", c.name));
	http_reply_json(r, 200, out);
}

/* POST (r->param[1] == 0) or PUT of a drill: the body has lists, so it is
 * read here rather than through a field table. */
static void write_drill(struct req *r, bool add)
{
	struct community c;
	struct err e = ERR_INIT;
	struct prep_actor who = prep_actor_of(r);
	struct drill_input in = {0};
	json_t *body = NULL;
	int64_t id = add ? 0 : r->param[1];
	if (prep_open_community(r, &c, PREP_CHANGE, &e) < 0 ||
	    !(body = json_parse_object(r->body, r->body_len, &e)) ||
	    drill_input_take(&in, body, &e) < 0)
		goto out;
	if (add)
		drill_add(r->db, &id, c.id, &in, &who, &e);
	else
		drill_update(r->db, c.id, id, &in, &who, &e);
out:
	free(in.milestones);
	json_decref(body);
	if (err_is_set(&e))
		return http_reply_err(r, &e);
	if (add)
		return http_reply_json(r, 201, json_pack("{s:I}", "id", (json_int_t)id));
	get_drill(r);
}

static void post_drill(struct req *r)
{
	write_drill(r, true);
}

static void put_drill(struct req *r)
{
	write_drill(r, false);
}

static void put_review(struct req *r)
{
	const char *good = "", *improve = "";
	const struct jfield f[] = {
	    {"went_well", JF_STRING, true, 0, DRILL_REVIEW_MAX, &good},
	    {"to_improve", JF_STRING, true, 0, DRILL_REVIEW_MAX, &improve},
	};
	struct community c;
	struct err e = ERR_INIT;
	struct prep_actor who = prep_actor_of(r);
	if (prep_open_community(r, &c, PREP_CHANGE, &e) < 0 || http_body_take(r, f, 2, &e) < 0 ||
	    drill_review_put(r->db, c.id, r->param[1], good, improve, &who, &e) < 0)
		return http_reply_err(r, &e);
	get_drill(r);
}

static void post_action(struct req *r)
{
	const char *task = NULL, *owner = NULL, *due = NULL;
	const struct jfield f[] = {
	    {"task", JF_STRING, true, 1, DRILL_TASK_MAX, &task},
	    {"owner", JF_STRING, true, 1, DRILL_OWNER_MAX, &owner},
	    {"due", JF_STRING, true, 1, 10, &due},
	};
	struct community c;
	struct err e = ERR_INIT;
	int64_t id;
	if (prep_open_community(r, &c, PREP_CHANGE, &e) < 0 || http_body_take(r, f, 3, &e) < 0 ||
	    drill_action_add(r->db, &id, c.id, r->param[1], task, owner, due, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 201, json_pack("{s:I}", "id", (json_int_t)id));
}

static void patch_action(struct req *r)
{
	bool done = false;
	const struct jfield f[] = {{"done", JF_BOOL, true, 0, 0, &done}};
	struct community c;
	struct err e = ERR_INIT;
	if (prep_open_community(r, &c, PREP_CHANGE, &e) < 0 || http_body_take(r, f, 1, &e) < 0 ||
	    drill_action_done(r->db, c.id, r->param[1], r->param[2], done, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 200,
	                json_pack("{s:I, s:b}", "id", (json_int_t)r->param[2], "done", done));
}

static const struct route routes[] = {
    {"GET", "/api/communities/{id}/prep/drills", get_drills, 0},
    {"POST", "/api/communities/{id}/prep/drills", post_drill, 0},
    {"GET", "/api/communities/{id}/prep/drills/{drill}", get_drill, 0},
    {"PUT", "/api/communities/{id}/prep/drills/{drill}", put_drill, 0},
    {"PUT", "/api/communities/{id}/prep/drills/{drill}/review", put_review, 0},
    {"POST", "/api/communities/{id}/prep/drills/{drill}/actions", post_action, 0},
    {"PATCH", "/api/communities/{id}/prep/drills/{drill}/actions/{action}", patch_action, 0},
};
const struct route_table drill_routes = {routes, sizeof(routes) / sizeof(routes[0])};
