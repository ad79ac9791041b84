/*
 * ownership_http.c - handlers of ownership (产权) and the electorate, see
 * ownership.h and docs/api.md "New resources: ownership".
 *
 * Every route opens the community first with structure_open_community():
 * staff who read it (admin, street, worker, grid, lead) read; those who
 * change it (admin, street officer, worker) change; volunteers, residents
 * and experts get 403 (a resident's own view comes with resident
 * accounts); a community outside the caller's scope is 404, and so is any
 * id of another community below it (ownership.c filters on the community).
 * Writes answer with the dwelling's ownership as it is after the change.
 */
#include "http/http.h"

#include "auth/auth.h"
#include "registry/ownership.h"
#include "registry/structure.h"
#include "registry/structure_http.h"

#include <string.h>

static struct ownership_actor actor_of(struct req *r)
{
	struct ownership_actor a = {r->user->user_id, r->user->username, r->ip};
	return a;
}

static void reply_dwelling(struct req *r, int status, int64_t community_id, int64_t owner_id)
{
	struct err e = ERR_INIT;
	json_t *out;
	if (ownership_dwelling(r->db, &out, community_id, r->param[1], &e) < 0)
		return http_reply_err(r, &e);
	if (owner_id)
		json_object_set_new(out, "owner_id", json_integer(owner_id));
	http_reply_json(r, status, out);
}

static void get_owners(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	if (structure_open_community(r, &c, STAFF_READ, &e) < 0)
		return http_reply_err(r, &e);
	reply_dwelling(r, 200, c.id, 0);
}

static void post_owner(struct req *r)
{
	const char *share = NULL;
	int64_t resident_id = 0, id = 0;
	bool developer = false;
	const struct jfield f[] = {
	    {"resident_id", JF_INT, false, 1, INT64_MAX, &resident_id, NULL},
	    {"developer", JF_BOOL, false, 0, 0, &developer, NULL},
	    {"share", JF_STRING, false, 0, OWNERSHIP_SHARE_MAX, &share, NULL},
	};
	struct community c;
	struct err e = ERR_INIT;
	struct ownership_actor who;
	if (structure_open_community(r, &c, STAFF_CHANGE, &e) < 0 ||
	    http_body_take(r, f, 3, &e) < 0)
		return http_reply_err(r, &e);
	who = actor_of(r);
	if (ownership_owner_add(r->db, &id, c.id, r->param[1], resident_id, developer, share, &who,
	                        &e) < 0)
		return http_reply_err(r, &e);
	reply_dwelling(r, 201, c.id, id);
}

static void patch_owner(struct req *r)
{
	const char *share = NULL;
	bool voter = false, has_voter = false;
	const struct jfield f[] = {
	    {"voter", JF_BOOL, false, 0, 0, &voter, &has_voter},
	    {"share", JF_STRING, false, 0, OWNERSHIP_SHARE_MAX, &share, NULL},
	};
	struct community c;
	struct err e = ERR_INIT;
	struct ownership_actor who;
	if (structure_open_community(r, &c, STAFF_CHANGE, &e) < 0 ||
	    http_body_take(r, f, 2, &e) < 0)
		return http_reply_err(r, &e);
	if (has_voter && !voter)
		err_set(&e, ERR_INVALID, "voter",
		        "a dwelling always has a voter: make another owner the voter instead");
	else if (!has_voter && !share)
		err_set(&e, ERR_INVALID, "voter", "give voter: true and/or share");
	if (err_is_set(&e))
		return http_reply_err(r, &e);
	who = actor_of(r);
	if (ownership_owner_update(r->db, c.id, r->param[1], r->param[2], voter, share, &who, &e) <
	    0)
		return http_reply_err(r, &e);
	reply_dwelling(r, 200, c.id, 0);
}

static void delete_owner(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	struct ownership_actor who;
	if (structure_open_community(r, &c, STAFF_CHANGE, &e) < 0)
		return http_reply_err(r, &e);
	who = actor_of(r);
	if (ownership_owner_remove(r->db, c.id, r->param[1], r->param[2], &who, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_empty(r, 204);
}

static void put_area(struct req *r)
{
	const char *source = NULL, *note = NULL;
	int64_t area = 0;
	const struct jfield f[] = {
	    {"source", JF_STRING, true, 1, 20, &source, NULL},
	    {"area", JF_INT, true, 1, STRUCTURE_AREA_MAX, &area, NULL},
	    {"note", JF_STRING, false, 0, OWNERSHIP_NOTE_MAX, &note, NULL},
	};
	struct community c;
	struct err e = ERR_INIT;
	struct ownership_actor who;
	if (structure_open_community(r, &c, STAFF_CHANGE, &e) < 0 ||
	    http_body_take(r, f, 3, &e) < 0)
		return http_reply_err(r, &e);
	who = actor_of(r);
	if (ownership_area_set(r->db, c.id, r->param[1], source, area, note, &who, &e) < 0)
		return http_reply_err(r, &e);
	reply_dwelling(r, 200, c.id, 0);
}

static void delete_area(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	struct ownership_actor who;
	if (structure_open_community(r, &c, STAFF_CHANGE, &e) < 0)
		return http_reply_err(r, &e);
	who = actor_of(r);
	if (ownership_area_clear(r->db, c.id, r->param[1], http_query(r, "source"), &who, &e) < 0)
		return http_reply_err(r, &e);
	reply_dwelling(r, 200, c.id, 0);
}

static void get_owned(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	json_t *out;
	if (structure_open_community(r, &c, STAFF_READ, &e) < 0 ||
	    ownership_resident(r->db, &out, c.id, r->param[1], &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 200, out);
}

static void get_building_owners(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	json_t *out;
	if (structure_open_community(r, &c, STAFF_READ, &e) < 0 ||
	    ownership_building(r->db, &out, c.id, r->param[1], &e) < 0)
		return http_reply_err(r, &e);
	json_object_set_new(out, "can_edit",
	                    json_boolean(auth_changes_community(r->user, c.id, c.street_id)));
	json_object_set_new(out, "community",
	                    json_pack("{s:I, s:s, s:s}", "id", (json_int_t)c.id, "name", c.name,
	                              "street_name", c.street_name));
	http_reply_json(r, 200, out);
}

static void get_electorate(struct req *r)
{
	const char *scope = http_query(r, "scope");
	int64_t id = 0;
	struct community c;
	struct err e = ERR_INIT;
	json_t *out;
	if (scope && !*scope)
		scope = NULL;
	if (http_query_int(r, "id", 1, INT64_MAX, &id, &e) < 0)
		return http_reply_err(r, &e);
	if (scope && strcmp(scope, "community") && strcmp(scope, "compound") &&
	    strcmp(scope, "building") && strcmp(scope, "unit")) {
		err_set(&e, ERR_INVALID, "scope",
		        "scope must be community, compound, building or unit");
		return http_reply_err(r, &e);
	}
	if (scope && strcmp(scope, "community") && !id) {
		err_set(&e, ERR_INVALID, "id", "id is required with scope %s", scope);
		return http_reply_err(r, &e);
	}
	if (structure_open_community(r, &c, STAFF_READ, &e) < 0 ||
	    ownership_electorate_figures(r->db, &out, c.id, scope, id, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 200, out);
}

static void get_developer(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	const char *name;
	if (structure_open_community(r, &c, STAFF_READ, &e) < 0 ||
	    ownership_developer_get(r->db, &name, c.id, &r->arena, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 200, json_pack("{s:s}", "name", name));
}

static void put_developer(struct req *r)
{
	const char *name = NULL;
	const struct jfield f[] = {
	    {"name", JF_STRING, true, 1, OWNERSHIP_DEVELOPER_MAX, &name, NULL},
	};
	struct community c;
	struct err e = ERR_INIT;
	struct ownership_actor who;
	if (structure_open_community(r, &c, STAFF_CHANGE, &e) < 0 ||
	    http_body_take(r, f, 1, &e) < 0)
		return http_reply_err(r, &e);
	who = actor_of(r);
	if (ownership_developer_set(r->db, c.id, name, &who, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 200, json_pack("{s:s}", "name", name));
}

static const struct route routes[] = {
    {"GET", "/api/communities/{id}/dwellings/{dwelling}/owners", get_owners, 0},
    {"POST", "/api/communities/{id}/dwellings/{dwelling}/owners", post_owner, 0},
    {"PATCH", "/api/communities/{id}/dwellings/{dwelling}/owners/{owner}", patch_owner, 0},
    {"DELETE", "/api/communities/{id}/dwellings/{dwelling}/owners/{owner}", delete_owner, 0},
    {"PUT", "/api/communities/{id}/dwellings/{dwelling}/areas", put_area, 0},
    {"DELETE", "/api/communities/{id}/dwellings/{dwelling}/areas", delete_area, 0},
    {"GET", "/api/communities/{id}/residents/{resident}/owned", get_owned, 0},
    {"GET", "/api/communities/{id}/buildings/{building}/owners", get_building_owners, 0},
    {"GET", "/api/communities/{id}/electorate", get_electorate, 0},
    {"GET", "/api/communities/{id}/developer", get_developer, 0},
    {"PUT", "/api/communities/{id}/developer", put_developer, 0},
};
const struct route_table ownership_routes = {routes, sizeof(routes) / sizeof(routes[0])};
