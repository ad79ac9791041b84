/*
 * visit_http.c - handlers of door-to-door visits, plans and coverage.
 *
 * Who may do what (docs/api.md, "New resources: door-to-door visits"):
 * staff who read the community and the community's volunteers record visits
 * and read a dwelling's history and the plans; staff read coverage; workers
 * (those who change the community) make and close plans.  A community the
 * caller is no member of is 404, as in structure_http.c; a member without
 * the right role gets 403.  Ids below the community are looked up within it
 * by visit.c, so another community's dwelling, building or plan is 404.
 */
#include "auth/auth.h"
#include "http/http.h"
#include "registry/structure.h"
#include "registry/visit.h"

enum access {
	STAFF,  /* reads the community's structure */
	VISITS, /* staff, or a volunteer of the community */
	PLAN,   /* changes the community */
};

static bool volunteer_of(const struct principal *p, int64_t community_id)
{
	for (size_t i = 0; p && i < p->ngrants; i++)
		if (p->grants[i].role == ROLE_VOLUNTEER &&
		    p->grants[i].community_id == community_id)
			return true;
	return false;
}

/* Loads r->param[0] as a community the caller may use as `need` says. */
static int open_community(struct req *r, struct community *c, enum access need, struct err *e)
{
	if (structure_community_get(r->db, c, r->param[0], &r->arena, e) < 0)
		return -1;
	if (!auth_member_of(r->user, c->id, c->street_id)) {
		err_clear(e);
		return err_set(e, ERR_NOT_FOUND, NULL, "no such community");
	}
	bool staff = auth_reads_community(r->user, c->id, c->street_id);
	if (need == PLAN && !auth_changes_community(r->user, c->id, c->street_id))
		return err_set(e, ERR_FORBIDDEN, NULL, "your role cannot plan visits");
	if (need == STAFF && !staff)
		return err_set(e, ERR_FORBIDDEN, NULL, "your role cannot see visit coverage");
	if (need == VISITS && !staff && !volunteer_of(r->user, c->id))
		return err_set(e, ERR_FORBIDDEN, NULL, "your role cannot record visits");
	return 0;
}

static void post_visit(struct req *r)
{
	const char *outcome = NULL, *notes = NULL, *follow_up = NULL;
	struct visit v = {.dwelling_id = r->param[1]};
	const struct jfield f[] = {
	    {"outcome", JF_STRING, true, 1, 20, &outcome, NULL},
	    {"notes", JF_STRING, false, 0, VISIT_NOTES_MAX, &notes, NULL},
	    {"at", JF_INT, false, VISIT_EARLIEST, INT64_MAX, &v.at, NULL},
	    {"follow_up", JF_STRING, false, 10, 10, &follow_up, NULL},
	};
	struct community c;
	struct err e = ERR_INIT;
	int64_t id;
	int o;

	if (open_community(r, &c, VISITS, &e) < 0 || http_body_take(r, f, 4, &e) < 0)
		return http_reply_err(r, &e);
	if ((o = visit_outcome_parse(outcome)) < 0) {
		err_set(&e, ERR_INVALID, "outcome",
		        "outcome must be opened, nobody_home, refused, vacant, moved_out or "
		        "new_arrival");
		return http_reply_err(r, &e);
	}
	v.outcome = (enum visit_outcome)o;
	v.notes = notes;
	v.follow_up = follow_up;
	v.user_id = r->user->user_id;
	v.user_name = r->user->display_name;
	if (visit_record(r->db, &id, c.id, &v, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 201,
	                json_pack("{s:I, s:I, s:s}", "id", (json_int_t)id, "dwelling_id",
	                          (json_int_t)v.dwelling_id, "outcome", outcome));
}

static void get_visits(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	json_t *out;
	if (open_community(r, &c, VISITS, &e) < 0 ||
	    visit_history(r->db, &out, c.id, r->param[1], &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 200, out);
}

static void post_plan(struct req *r)
{
	const char *due = NULL;
	int64_t building_id = 0, assignee = 0, id;
	const struct jfield f[] = {
	    {"building_id", JF_INT, true, 1, INT64_MAX, &building_id, NULL},
	    {"assignee", JF_INT, true, 1, INT64_MAX, &assignee, NULL},
	    {"due", JF_STRING, true, 10, 10, &due, NULL},
	};
	struct community c;
	struct err e = ERR_INIT;
	if (open_community(r, &c, PLAN, &e) < 0 || http_body_take(r, f, 3, &e) < 0 ||
	    visit_plan_add(r->db, &id, c.id, building_id, assignee, due, r->user->user_id, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 201,
	                json_pack("{s:I, s:I, s:I, s:s}", "id", (json_int_t)id, "building_id",
	                          (json_int_t)building_id, "assignee", (json_int_t)assignee, "due",
	                          due));
}

static void get_plans(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	json_t *plans;
	if (open_community(r, &c, VISITS, &e) < 0 || visit_plans(r->db, &plans, c.id, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 200,
	                json_pack("{s:o, s:b}", "plans", plans, "can_manage",
	                          auth_changes_community(r->user, c.id, c.street_id)));
}

static void patch_plan(struct req *r)
{
	bool done = false;
	const struct jfield f[] = {{"done", JF_BOOL, true, 0, 0, &done, NULL}};
	struct community c;
	struct err e = ERR_INIT;
	json_t *out;
	if (open_community(r, &c, PLAN, &e) < 0 || http_body_take(r, f, 1, &e) < 0 ||
	    visit_plan_done(r->db, &out, c.id, r->param[1], done, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 200, out);
}

static void get_building_coverage(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	json_t *out;
	if (open_community(r, &c, STAFF, &e) < 0 ||
	    visit_building_coverage(r->db, &out, c.id, r->param[1], &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 200, out);
}

static void get_coverage(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	json_t *out;
	if (open_community(r, &c, STAFF, &e) < 0 || visit_coverage(r->db, &out, c.id, &e) < 0)
		return http_reply_err(r, &e);
	json_object_set_new(out, "community",
	                    json_pack("{s:I, s:s}", "id", (json_int_t)c.id, "name", c.name));
	http_reply_json(r, 200, out);
}

static void get_unreached(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	int64_t after = 0, limit = 50;
	struct jsonw w = JSONW_INIT;
	if (http_query_int(r, "after", 0, INT64_MAX, &after, &e) < 0 ||
	    http_query_int(r, "limit", 1, 200, &limit, &e) < 0 ||
	    open_community(r, &c, STAFF, &e) < 0 ||
	    visit_unreached(r->db, &w, c.id, after, limit, &e) < 0) {
		jw_release(&w);
		return http_reply_err(r, &e);
	}
	http_reply_jsonw(r, 200, &w);
}

static const struct route routes[] = {
    {"POST", "/api/communities/{id}/dwellings/{dwelling}/visits", post_visit, 0},
    {"GET", "/api/communities/{id}/dwellings/{dwelling}/visits", get_visits, 0},
    {"POST", "/api/communities/{id}/visit-plans", post_plan, 0},
    {"GET", "/api/communities/{id}/visit-plans", get_plans, 0},
    {"PATCH", "/api/communities/{id}/visit-plans/{plan}", patch_plan, 0},
    {"GET", "/api/communities/{id}/buildings/{building}/coverage", get_building_coverage, 0},
    {"GET", "/api/communities/{id}/coverage", get_coverage, 0},
    {"GET", "/api/communities/{id}/coverage/unreached", get_unreached, 0},
};
const struct route_table visit_routes = {routes, sizeof(routes) / sizeof(routes[0])};
