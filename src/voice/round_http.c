/*
 * round_http.c - handlers of micro-fund rounds.
 *
 * Members of a community (any grant in it) read its rounds, propose
 * projects and vote; those who change the community (admin, street
 * officer, worker) open rounds and move them along.  A round that is
 * `residents`-only takes ballots only from residents and volunteers.
 */
#include "voice/voice_http.h"

#include "auth/auth.h"
#include "registry/structure.h"
#include "voice/round.h"

#include <string.h>

static int open_round(struct req *r, struct community *c, struct round_info *ri,
                      enum voice_access need, struct err *e)
{
	if (voice_open_community(r, c, need, e) < 0)
		return -1;
	return round_get(r->db, ri, c->id, r->param[1], &r->arena, e);
}

static void get_rounds(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	json_t *list;
	if (voice_open_community(r, &c, VOICE_MEMBER, &e) < 0 ||
	    round_list(r->db, &list, c.id, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 200,
	                json_pack("{s:o, s:{s:I, s:s}, s:b}", "rounds", list, "community", "id",
	                          (json_int_t)c.id, "name", c.name, "can_manage",
	                          auth_changes_community(r->user, c.id, c.street_id)));
}

static void post_round(struct req *r)
{
	struct round_new n = {.rule = "mes", .ballot = "approval", .eligible = "members"};
	const struct jfield f[] = {
	    {"title", JF_STRING, true, 1, ROUND_TITLE_MAX, &n.title},
	    {"description", JF_STRING, false, 0, ROUND_TEXT_MAX, &n.description},
	    {"budget", JF_INT, true, 1, ROUND_BUDGET_MAX, &n.budget},
	    {"rule", JF_STRING, false, 1, 16, &n.rule},
	    {"ballot", JF_STRING, false, 1, 16, &n.ballot},
	    {"points", JF_INT, false, 1, 1000, &n.points},
	    {"max_choices", JF_INT, false, 0, ROUND_PROJECTS_MAX, &n.max_choices},
	    {"eligible", JF_STRING, false, 1, 16, &n.eligible},
	};
	struct community c;
	struct err e = ERR_INIT;
	int64_t id;
	if (voice_open_community(r, &c, VOICE_CHANGER, &e) < 0 || http_body_take(r, f, 8, &e) < 0 ||
	    round_add(r->db, &id, c.id, &n, r->user->user_id, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 201, json_pack("{s:I, s:s}", "id", (json_int_t)id, "title", n.title));
}

static void get_round(struct req *r)
{
	struct community c;
	struct round_info ri;
	struct err e = ERR_INIT;
	json_t *v;
	if (open_round(r, &c, &ri, VOICE_MEMBER, &e) < 0 ||
	    round_view(r->db, &v, &ri, r->user->user_id, &e) < 0)
		return http_reply_err(r, &e);
	json_object_set_new(v, "can_manage",
	                    json_boolean(auth_changes_community(r->user, c.id, c.street_id)));
	http_reply_json(r, 200, v);
}

static void patch_round(struct req *r)
{
	const char *status = NULL;
	const struct jfield f[] = {{"status", JF_STRING, true, 1, 16, &status}};
	struct community c;
	struct round_info ri;
	struct err e = ERR_INIT;
	if (open_round(r, &c, &ri, VOICE_CHANGER, &e) < 0 || http_body_take(r, f, 1, &e) < 0 ||
	    round_set_status(r->db, &ri, status, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 200, json_pack("{s:I, s:s}", "id", (json_int_t)ri.id, "status", status));
}

static void post_project(struct req *r)
{
	const char *title = NULL, *description = NULL, *kind = NULL;
	int64_t cost = 0, id;
	const struct jfield f[] = {
	    {"title", JF_STRING, true, 1, ROUND_TITLE_MAX, &title},
	    {"description", JF_STRING, false, 0, ROUND_TEXT_MAX, &description},
	    {"cost", JF_INT, true, 1, ROUND_BUDGET_MAX, &cost},
	    {"proposer_kind", JF_STRING, false, 1, 32, &kind},
	};
	struct community c;
	struct round_info ri;
	struct err e = ERR_INIT;
	if (open_round(r, &c, &ri, VOICE_MEMBER, &e) < 0 || http_body_take(r, f, 4, &e) < 0 ||
	    round_project_add(r->db, &id, &ri, title, description, cost, kind, r->user->user_id,
	                      &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 201, json_pack("{s:I, s:s}", "id", (json_int_t)id, "title", title));
}

static void put_ballot(struct req *r)
{
	struct jints projects = {0}, points = {0};
	bool has_points = false;
	const struct jfield f[] = {
	    {"projects", JF_INTS, true, 0, ROUND_PROJECTS_MAX, &projects, NULL, 1, INT64_MAX},
	    {"points", JF_INTS, false, 0, ROUND_PROJECTS_MAX, &points, &has_points, 0, 1000},
	};
	struct community c;
	struct round_info ri;
	struct err e = ERR_INIT;
	if (open_round(r, &c, &ri, VOICE_MEMBER, &e) < 0 || http_body_take(r, f, 2, &e) < 0)
		return http_reply_err(r, &e);
	if (!strcmp(ri.eligible, "residents") && !auth_has_role(r->user, ROLE_RESIDENT) &&
	    !auth_has_role(r->user, ROLE_VOLUNTEER))
		err_set(&e, ERR_FORBIDDEN, NULL, "this round is for residents");
	else if (has_points && points.n != projects.n)
		err_set(&e, ERR_INVALID, "points", "give one points value per project");
	if (err_is_set(&e) || round_ballot(r->db, &ri, r->user->user_id, projects.v,
	                                   has_points ? points.v : NULL, projects.n, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 200,
	                json_pack("{s:I, s:I}", "round", (json_int_t)ri.id, "projects",
	                          (json_int_t)projects.n));
}

static void get_result(struct req *r)
{
	struct community c;
	struct round_info ri;
	struct err e = ERR_INIT;
	json_t *v;
	if (open_round(r, &c, &ri, VOICE_MEMBER, &e) < 0)
		return http_reply_err(r, &e);
	/* Members see the result once the round is closed; workers may look
	 * while it is open, to prepare the public notice. */
	if (strcmp(ri.status, "closed") && !auth_changes_community(r->user, c.id, c.street_id)) {
		err_set(&e, ERR_FORBIDDEN, NULL, "the result is published when the round closes");
		return http_reply_err(r, &e);
	}
	if (round_result(r->db, &v, &ri, &r->arena, &e) < 0)
		return http_reply_err(r, &e);
	json_object_set_new(v, "final", json_boolean(!strcmp(ri.status, "closed")));
	http_reply_json(r, 200, v);
}

static void get_pb(struct req *r)
{
	struct community c;
	struct round_info ri;
	struct err e = ERR_INIT;
	struct pb_instance in;
	struct strbuf sb = STRBUF_INIT;
	if (open_round(r, &c, &ri, VOICE_CHANGER, &e) < 0 ||
	    round_instance(r->db, &in, &ri, &r->arena, &e) < 0)
		return http_reply_err(r, &e);
	pb_write(&sb, &in);
	http_reply_text(r, 200, "text/plain; charset=utf-8", sb.buf, sb.len);
	strbuf_release(&sb);
}

static const struct route routes[] = {
    {"GET", "/api/communities/{id}/rounds", get_rounds, 0},
    {"POST", "/api/communities/{id}/rounds", post_round, 0},
    {"GET", "/api/communities/{id}/rounds/{round}", get_round, 0},
    {"PATCH", "/api/communities/{id}/rounds/{round}", patch_round, 0},
    {"POST", "/api/communities/{id}/rounds/{round}/projects", post_project, 0},
    {"PUT", "/api/communities/{id}/rounds/{round}/ballot", put_ballot, 0},
    {"GET", "/api/communities/{id}/rounds/{round}/result", get_result, 0},
    {"GET", "/api/communities/{id}/rounds/{round}/pb", get_pb, 0},
};
const struct route_table round_routes = {routes, sizeof(routes) / sizeof(routes[0])};
