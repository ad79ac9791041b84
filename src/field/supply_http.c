/*
 * supply_http.c - handlers of emergency supplies (supply.h).
 */
#include "field/supply.h"

#include "field/prep_http.h"

static void get_supplies(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	json_t *out;
	if (prep_open_community(r, &c, PREP_READ, &e) < 0 ||
	    supply_list(r->db, &out, c.id, NULL, &e) < 0)
		return http_reply_err(r, &e);
	json_object_set_new(out, "can_edit", json_boolean(prep_can_edit(r, &c)));
	http_reply_json(r, 200, out);
}

static void post_supply(struct req *r)
{
	struct supply_input in = {.minimum = 0};
	const struct jfield f[] = {
	    {"name", JF_STRING, true, 1, SUPPLY_NAME_MAX, &in.name},
	    {"category", JF_STRING, true, 1, 16, &in.category},
	    {"quantity", JF_INT, true, 0, SUPPLY_QUANTITY_MAX, &in.quantity},
	    {"unit", JF_STRING, true, 1, SUPPLY_UNIT_MAX, &in.unit},
	    {"location", JF_STRING, false, 0, SUPPLY_LOCATION_MAX, &in.location},
	    {"expiry", JF_STRING, false, 0, 10, &in.expiry},
	    {"minimum", JF_INT, false, 0, SUPPLY_QUANTITY_MAX, &in.minimum},
	    {"note", JF_STRING, false, 0, SUPPLY_NOTE_MAX, &in.note},
	};
	struct community c;
	struct err e = ERR_INIT;
	struct prep_actor who = prep_actor_of(r);
	int64_t id;
	json_t *out;
	if (prep_open_community(r, &c, PREP_CHANGE, &e) < 0 || http_body_take(r, f, 8, &e) < 0 ||
	    supply_add(r->db, &id, c.id, &in, &who, &e) < 0 ||
	    supply_get(r->db, &out, c.id, id, NULL, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 201, out);
}

static void get_supply(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	json_t *out;
	if (prep_open_community(r, &c, PREP_READ, &e) < 0 ||
	    supply_get(r->db, &out, c.id, r->param[1], NULL, &e) < 0)
		return http_reply_err(r, &e);
	json_object_set_new(out, "can_edit", json_boolean(prep_can_edit(r, &c)));
	http_reply_json(r, 200, out);
}

static void patch_supply(struct req *r)
{
	struct supply_input in = {.minimum = -1};
	const struct jfield f[] = {
	    {"name", JF_STRING, false, 1, SUPPLY_NAME_MAX, &in.name},
	    {"category", JF_STRING, false, 1, 16, &in.category},
	    {"unit", JF_STRING, false, 1, SUPPLY_UNIT_MAX, &in.unit},
	    {"location", JF_STRING, false, 0, SUPPLY_LOCATION_MAX, &in.location},
	    {"expiry", JF_STRING, false, 0, 10, &in.expiry},
	    {"minimum", JF_INT, false, 0, SUPPLY_QUANTITY_MAX, &in.minimum},
	    {"note", JF_STRING, false, 0, SUPPLY_NOTE_MAX, &in.note},
	};
	struct community c;
	struct err e = ERR_INIT;
	struct prep_actor who = prep_actor_of(r);
	json_t *out;
	if (prep_open_community(r, &c, PREP_CHANGE, &e) < 0 || http_body_take(r, f, 7, &e) < 0 ||
	    supply_update(r->db, c.id, r->param[1], &in, &who, &e) < 0 ||
	    supply_get(r->db, &out, c.id, r->param[1], NULL, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 200, out);
}

static void post_adjust(struct req *r)
{
	int64_t delta = 0, qty;
	const char *reason = NULL;
	const struct jfield f[] = {
	    {"delta", JF_INT, true, -SUPPLY_QUANTITY_MAX, SUPPLY_QUANTITY_MAX, &delta},
	    {"reason", JF_STRING, true, 1, SUPPLY_REASON_MAX, &reason},
	};
	struct community c;
	struct err e = ERR_INIT;
	struct prep_actor who = prep_actor_of(r);
	json_t *out;
	if (prep_open_community(r, &c, PREP_CHANGE, &e) < 0 || http_body_take(r, f, 2, &e) < 0 ||
	    supply_adjust(r->db, &qty, c.id, r->param[1], delta, reason, &who, &e) < 0 ||
	    supply_get(r->db, &out, c.id, r->param[1], NULL, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 200, out);
}

static const struct route routes[] = {
    {"GET", "/api/communities/{id}/prep/supplies", get_supplies, 0},
    {"POST", "/api/communities/{id}/prep/supplies", post_supply, 0},
    {"GET", "/api/communities/{id}/prep/supplies/{supply}", get_supply, 0},
    {"PATCH", "/api/communities/{id}/prep/supplies/{supply}", patch_supply, 0},
    {"POST", "/api/communities/{id}/prep/supplies/{supply}/adjust", post_adjust, 0},
};
const struct route_table supply_routes = {routes, sizeof(routes) / sizeof(routes[0])};
