/*
 * plan_http.c - handlers of emergency plans (plan.h) and the list of
 * people who can be assigned to roles and contact nodes.
 *
 * Readers (PREP_READ) see published versions; those who change the plan
 * also see and edit the draft.
 */
#include "field/plan.h"

#include "auth/members.h"
#include "field/prep_http.h"

#include <string.h>

static void get_plans(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	json_t *out;
	if (prep_open_community(r, &c, PREP_READ, &e) < 0 || plan_list(r->db, &out, c.id, &e) < 0)
		return http_reply_err(r, &e);
	json_object_set_new(out, "hazards", plan_template_list());
	json_object_set_new(out, "can_edit", json_boolean(prep_can_edit(r, &c)));
	json_object_set_new(out, "community",
	                    json_pack("{s:I, s:s}", "id", (json_int_t)c.id, "name", c.name));
	http_reply_json(r, 200, out);
}

static void post_plan(struct req *r)
{
	const char *hazard = NULL, *lang = "zh";
	const struct jfield f[] = {
	    {"hazard", JF_STRING, true, 1, 16, &hazard},
	    {"lang", JF_STRING, false, 1, 2, &lang},
	};
	struct community c;
	struct err e = ERR_INIT;
	struct prep_actor who = prep_actor_of(r);
	int64_t id;
	if (prep_open_community(r, &c, PREP_CHANGE, &e) < 0 || http_body_take(r, f, 2, &e) < 0 ||
	    plan_create(r->db, &id, c.id, hazard, lang, &who, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 201, json_pack("{s:I, s:s}", "id", (json_int_t)id, "hazard", hazard));
}

static void get_plan(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	json_t *out;
	bool edit;
	if (prep_open_community(r, &c, PREP_READ, &e) < 0)
		return http_reply_err(r, &e);
	edit = prep_can_edit(r, &c);
	if (plan_get(r->db, &out, c.id, r->param[1], edit, &e) < 0)
		return http_reply_err(r, &e);
	json_object_set_new(out, "can_edit", json_boolean(edit));
	json_object_set_new(out, "community",
	                    json_pack("{s:I, s:s}", "id", (json_int_t)c.id, "name", c.name));
	http_reply_json(r, 200, out);
}

static void put_plan(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	struct prep_actor who = prep_actor_of(r);
	json_t *body = NULL;
	if (prep_open_community(r, &c, PREP_CHANGE, &e) < 0 ||
	    !(body = json_parse_object(r->body, r->body_len, &e)) ||
	    plan_draft_put(r->db, c.id, r->param[1], body, &who, &e) < 0) {
		json_decref(body);
		return http_reply_err(r, &e);
	}
	json_decref(body);
	get_plan(r);
}

static void post_publish(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	struct prep_actor who = prep_actor_of(r);
	int64_t version;
	if (prep_open_community(r, &c, PREP_CHANGE, &e) < 0 ||
	    plan_publish(r->db, &version, c.id, r->param[1], &who, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 200, json_pack("{s:I, s:I}", "id", (json_int_t)r->param[1], "version",
	                                  (json_int_t)version));
}

static void get_version(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	json_t *body;
	if (prep_open_community(r, &c, PREP_READ, &e) < 0 ||
	    plan_version_get(r->db, &body, c.id, r->param[1], r->param[2], &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 200, json_pack("{s:I, s:I, s:o}", "id", (json_int_t)r->param[1],
	                                  "version", (json_int_t)r->param[2], "body", body));
}

static void put_role(struct req *r)
{
	struct plan_assignment a = {0};
	const struct jfield f[] = {
	    {"role", JF_STRING, true, 1, PLAN_ROLE_CODE_MAX, &a.role},
	    {"user_id", JF_INT, true, 0, INT64_MAX, &a.user_id},
	    {"backup_user_id", JF_INT, false, 0, INT64_MAX, &a.backup_user_id},
	};
	struct community c;
	struct err e = ERR_INIT;
	struct prep_actor who = prep_actor_of(r);
	if (prep_open_community(r, &c, PREP_CHANGE, &e) < 0 || http_body_take(r, f, 3, &e) < 0 ||
	    prep_member_name(r, &a.name, a.user_id, &c, "user_id", &e) < 0 ||
	    prep_member_name(r, &a.backup_name, a.backup_user_id, &c, "backup_user_id", &e) < 0 ||
	    plan_assign(r->db, c.id, r->param[1], &a, &who, &e) < 0)
		return http_reply_err(r, &e);
	get_plan(r);
}

static void get_candidates(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	json_t *out;
	unsigned roles = AUTH_ROLE_BIT(ROLE_WORKER) | AUTH_ROLE_BIT(ROLE_GRID) |
	                 AUTH_ROLE_BIT(ROLE_LEAD) | AUTH_ROLE_BIT(ROLE_VOLUNTEER);
	if (prep_open_community(r, &c, PREP_CHANGE, &e) < 0 ||
	    auth_members(r->db, &out, c.id, roles, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 200, out);
}

static const struct route routes[] = {
    {"GET", "/api/communities/{id}/prep/plans", get_plans, 0},
    {"POST", "/api/communities/{id}/prep/plans", post_plan, 0},
    {"GET", "/api/communities/{id}/prep/plans/{plan}", get_plan, 0},
    {"PUT", "/api/communities/{id}/prep/plans/{plan}", put_plan, 0},
    {"POST", "/api/communities/{id}/prep/plans/{plan}/publish", post_publish, 0},
    {"GET", "/api/communities/{id}/prep/plans/{plan}/versions/{version}", get_version, 0},
    {"PUT", "/api/communities/{id}/prep/plans/{plan}/roles", put_role, 0},
    {"GET", "/api/communities/{id}/prep/candidates", get_candidates, 0},
};
const struct route_table plan_routes = {routes, sizeof(routes) / sizeof(routes[0])};
