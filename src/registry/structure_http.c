/*
 * structure_http.c - handlers of the community structure.
 *
 * Every route under /api/communities/{id} starts with structure_open_community(): the
 * community must exist and be readable by the caller, else 404 (a community
 * outside one's scope does not exist for them); changing it needs a changing
 * role, else 403.  Ids of children are then looked up within that community
 * by structure.c, so another community's building is a 404 as well.
 */
#include "registry/structure_http.h"

#include "auth/auth.h"
#include "registry/structure.h"

int structure_open_community(struct req *r, struct community *c, enum staff_access need,
			     struct err *e)
{
	if (!auth_is_staff(r->user))
		return err_set(e, ERR_FORBIDDEN, NULL, "your role cannot see this part of the community");
	if (structure_community_get(r->db, c, r->param[0], &r->arena, e) < 0)
		return -1;
	if (!auth_reads_community(r->user, c->id, c->street_id)) {
		err_clear(e);
		return err_set(e, ERR_NOT_FOUND, NULL, "no such community");
	}
	if (need == STAFF_CHANGE && !auth_changes_community(r->user, c->id, c->street_id))
		return err_set(e, ERR_FORBIDDEN, NULL, "your role cannot change this community");
	return 0;
}

static void reply_id(struct req *r, int64_t id, const char *name)
{
	http_reply_json(r, 201, json_pack("{s:I, s:s}", "id", (json_int_t)id, "name", name));
}

static void get_streets(struct req *r)
{
	struct err e = ERR_INIT;
	json_t *all, *out = json_array(), *s;
	size_t i;
	if (!auth_is_staff(r->user)) {
		json_decref(out);
		err_set(&e, ERR_FORBIDDEN, NULL, "your role cannot see the community structure");
		return http_reply_err(r, &e);
	}
	if (structure_streets(r->db, &all, &e) < 0) {
		json_decref(out);
		return http_reply_err(r, &e);
	}
	json_array_foreach(all, i, s) {
		int64_t id = json_integer_value(json_object_get(s, "id"));
		bool mine = auth_changes_street(r->user, id);
		for (size_t k = 0; !mine && k < r->user->ngrants; k++)
			mine = r->user->grants[k].street_id == id;
		if (mine)
			json_array_append(out, s);
	}
	json_decref(all);
	http_reply_json(r, 200, json_pack("{s:o}", "streets", out));
}

static void post_street(struct req *r)
{
	const char *name = NULL;
	const struct jfield f[] = { { "name", JF_STRING, true, 1, STRUCTURE_NAME_MAX, &name, NULL } };
	struct err e = ERR_INIT;
	int64_t id;
	if (!auth_has_role(r->user, ROLE_ADMIN))
		err_set(&e, ERR_FORBIDDEN, NULL, "only a platform admin adds streets");
	if (err_is_set(&e) || http_body_take(r, f, 1, &e) < 0 ||
	    structure_street_add(r->db, &id, name, &e) < 0)
		return http_reply_err(r, &e);
	reply_id(r, id, name);
}

static void get_communities(struct req *r)
{
	struct err e = ERR_INIT;
	json_t *all, *out, *c;
	size_t i;
	if (!auth_is_staff(r->user)) {
		err_set(&e, ERR_FORBIDDEN, NULL, "your role cannot see the community structure");
		return http_reply_err(r, &e);
	}
	if (structure_communities(r->db, &all, &e) < 0)
		return http_reply_err(r, &e);
	out = json_array();
	json_array_foreach(all, i, c) {
		if (auth_reads_community(r->user, json_integer_value(json_object_get(c, "id")),
					 json_integer_value(json_object_get(c, "street_id"))))
			json_array_append(out, c);
	}
	json_decref(all);
	http_reply_json(r, 200, json_pack("{s:o}", "communities", out));
}

static void post_community(struct req *r)
{
	const char *name = NULL;
	int64_t street_id = 0, id;
	const struct jfield f[] = {
		{ "street_id", JF_INT, true, 1, INT64_MAX, &street_id, NULL },
		{ "name", JF_STRING, true, 1, STRUCTURE_NAME_MAX, &name, NULL },
	};
	struct err e = ERR_INIT;
	if (http_body_take(r, f, 2, &e) < 0)
		return http_reply_err(r, &e);
	if (!auth_changes_street(r->user, street_id)) {
		if (auth_is_staff(r->user) && auth_has_role(r->user, ROLE_STREET))
			err_set(&e, ERR_NOT_FOUND, "street_id", "no such street");
		else
			err_set(&e, ERR_FORBIDDEN, NULL, "only an admin or the street's officer adds communities");
		return http_reply_err(r, &e);
	}
	if (structure_community_add(r->db, &id, street_id, name, &e) < 0)
		return http_reply_err(r, &e);
	reply_id(r, id, name);
}

static void get_community(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	json_t *tree;
	if (structure_open_community(r, &c, STAFF_READ, &e) < 0 || structure_tree(r->db, &c, &tree, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 200, tree);
}

static void post_grid(struct req *r)
{
	const char *name = NULL;
	const struct jfield f[] = { { "name", JF_STRING, true, 1, STRUCTURE_NAME_MAX, &name, NULL } };
	struct community c;
	struct err e = ERR_INIT;
	int64_t id;
	if (structure_open_community(r, &c, STAFF_CHANGE, &e) < 0 || http_body_take(r, f, 1, &e) < 0 ||
	    structure_grid_add(r->db, &id, c.id, name, &e) < 0)
		return http_reply_err(r, &e);
	reply_id(r, id, name);
}

static void post_compound(struct req *r)
{
	const char *name = NULL, *address = NULL;
	int64_t grid_id = 0, id;
	const struct jfield f[] = {
		{ "name", JF_STRING, true, 1, STRUCTURE_NAME_MAX, &name, NULL },
		{ "grid_id", JF_INT, false, 1, INT64_MAX, &grid_id, NULL },
		{ "address", JF_STRING, false, 0, 200, &address, NULL },
	};
	struct community c;
	struct err e = ERR_INIT;
	if (structure_open_community(r, &c, STAFF_CHANGE, &e) < 0 || http_body_take(r, f, 3, &e) < 0 ||
	    structure_compound_add(r->db, &id, c.id, name, grid_id, address, &e) < 0)
		return http_reply_err(r, &e);
	reply_id(r, id, name);
}

static void post_building(struct req *r)
{
	const char *name = NULL;
	int64_t compound_id = 0, grid_id = 0, id;
	const struct jfield f[] = {
		{ "compound_id", JF_INT, true, 1, INT64_MAX, &compound_id, NULL },
		{ "name", JF_STRING, true, 1, STRUCTURE_NAME_MAX, &name, NULL },
		{ "grid_id", JF_INT, false, 1, INT64_MAX, &grid_id, NULL },
	};
	struct community c;
	struct err e = ERR_INIT;
	if (structure_open_community(r, &c, STAFF_CHANGE, &e) < 0 || http_body_take(r, f, 3, &e) < 0 ||
	    structure_building_add(r->db, &id, c.id, compound_id, name, grid_id, &e) < 0)
		return http_reply_err(r, &e);
	reply_id(r, id, name);
}

static void get_building(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	json_t *b;
	if (structure_open_community(r, &c, STAFF_READ, &e) < 0 ||
	    structure_building_get(r->db, &b, c.id, r->param[1], &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 200, b);
}

static void post_layout(struct req *r)
{
	struct layout l = { .first_floor = 1 };
	const struct jfield f[] = {
		{ "units", JF_INT, true, 1, 20, &l.units, NULL },
		{ "floors", JF_INT, true, 1, 99, &l.floors, NULL },
		{ "rooms_per_floor", JF_INT, true, 1, 20, &l.rooms_per_floor, NULL },
		{ "area", JF_INT, true, 1, STRUCTURE_AREA_MAX, &l.area, NULL },
		{ "first_floor", JF_INT, false, -5, 99, &l.first_floor, NULL },
	};
	struct community c;
	struct err e = ERR_INIT;
	int64_t units, dwellings;
	if (structure_open_community(r, &c, STAFF_CHANGE, &e) < 0 || http_body_take(r, f, 5, &e) < 0 ||
	    structure_layout(r->db, c.id, r->param[1], &l, &units, &dwellings, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 201, json_pack("{s:I, s:I}", "units", (json_int_t)units, "dwellings",
					  (json_int_t)dwellings));
}

static void get_dwellings(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	int64_t building = 0, after = 0, limit = 50;
	struct jsonw w = JSONW_INIT;
	if (http_query_int(r, "building", 1, INT64_MAX, &building, &e) < 0 ||
	    http_query_int(r, "after", 0, INT64_MAX, &after, &e) < 0 ||
	    http_query_int(r, "limit", 1, 200, &limit, &e) < 0 ||
	    structure_open_community(r, &c, STAFF_READ, &e) < 0 ||
	    structure_dwellings(r->db, &w, c.id, building, after, limit, &e) < 0) {
		jw_release(&w);
		return http_reply_err(r, &e);
	}
	http_reply_jsonw(r, 200, &w);
}

static void patch_dwelling(struct req *r)
{
	int64_t area = -1;
	const char *room = NULL;
	const struct jfield f[] = {
		{ "area", JF_INT, false, 1, STRUCTURE_AREA_MAX, &area, NULL },
		{ "room", JF_STRING, false, 1, 16, &room, NULL },
	};
	struct community c;
	struct err e = ERR_INIT;
	json_t *out;
	if (structure_open_community(r, &c, STAFF_CHANGE, &e) < 0 || http_body_take(r, f, 2, &e) < 0 ||
	    structure_dwelling_update(r->db, &out, c.id, r->param[1], area, room, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 200, out);
}

static const struct route routes[] = {
	{ "GET", "/api/streets", get_streets, 0 },
	{ "POST", "/api/streets", post_street, 0 },
	{ "GET", "/api/communities", get_communities, 0 },
	{ "POST", "/api/communities", post_community, 0 },
	{ "GET", "/api/communities/{id}", get_community, 0 },
	{ "POST", "/api/communities/{id}/grids", post_grid, 0 },
	{ "POST", "/api/communities/{id}/compounds", post_compound, 0 },
	{ "POST", "/api/communities/{id}/buildings", post_building, 0 },
	{ "GET", "/api/communities/{id}/buildings/{building}", get_building, 0 },
	{ "POST", "/api/communities/{id}/buildings/{building}/layout", post_layout, 0 },
	{ "GET", "/api/communities/{id}/dwellings", get_dwellings, 0 },
	{ "PATCH", "/api/communities/{id}/dwellings/{dwelling}", patch_dwelling, 0 },
};
const struct route_table structure_routes = { routes, sizeof(routes) / sizeof(routes[0]) };
