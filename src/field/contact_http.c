/*
 * contact_http.c - handlers of the contact tree, a building's call list
 * and the care list for emergencies (contact.h).
 *
 * Phones on a call list are in full for those who change the community
 * (each printed list is one audit entry, "prep.calllist"), masked for grid
 * workers and building leads.  The care view reads the care list as the
 * care module's own route does (sensitive tags for staff; each read that
 * shows sensitive tags is audited as "care.read").
 */
#include "field/contact.h"

#include "auth/auth.h"
#include "field/prep_http.h"
#include "registry/care.h"

static void get_tree(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	json_t *out;
	if (prep_open_community(r, &c, PREP_READ, &e) < 0 || contact_tree(r->db, &out, &c, &e) < 0)
		return http_reply_err(r, &e);
	json_object_set_new(out, "can_edit", json_boolean(prep_can_edit(r, &c)));
	http_reply_json(r, 200, out);
}

static void put_contact(struct req *r)
{
	struct contact_assignment a = {0};
	const struct jfield f[] = {
	    {"kind", JF_STRING, true, 1, 16, &a.kind},
	    {"node_id", JF_INT, true, 1, INT64_MAX, &a.node_id},
	    {"user_id", JF_INT, true, 0, INT64_MAX, &a.user_id},
	    {"backup_user_id", JF_INT, false, 0, INT64_MAX, &a.backup_user_id},
	};
	struct community c;
	struct err e = ERR_INIT;
	struct prep_actor who = prep_actor_of(r);
	if (prep_open_community(r, &c, PREP_CHANGE, &e) < 0 || http_body_take(r, f, 4, &e) < 0 ||
	    prep_member_name(r, &a.name, a.user_id, &c, "user_id", &e) < 0 ||
	    prep_member_name(r, &a.backup_name, a.backup_user_id, &c, "backup_user_id", &e) < 0 ||
	    contact_assign(r->db, &c, &a, &who, &r->arena, &e) < 0)
		return http_reply_err(r, &e);
	get_tree(r);
}

static void get_call_list(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	json_t *out;
	bool unmask;
	if (prep_open_community(r, &c, PREP_READ, &e) < 0)
		return http_reply_err(r, &e);
	unmask = prep_can_edit(r, &c);
	if (contact_call_list(r->db, &out, &c, r->param[1], unmask, &r->arena, &e) < 0)
		return http_reply_err(r, &e);
	if (unmask &&
	    audit_append(r->db, r->user->user_id, r->user->username, "prep.calllist",
	                 arena_printf(&r->arena, "building %lld", (long long)r->param[1]), c.id,
	                 r->ip,
	                 arena_printf(&r->arena, "%zu households, phones in full",
	                              json_array_size(json_object_get(out, "households"))),
	                 &e) < 0) {
		json_decref(out);
		return http_reply_err(r, &e);
	}
	json_object_set_new(out, "masked", json_boolean(!unmask));
	json_object_set_new(out, "community",
	                    json_pack("{s:I, s:s}", "id", (json_int_t)c.id, "name", c.name));
	http_reply_json(r, 200, out);
}

static void get_care(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	json_t *out, *row, *t, *rows;
	size_t i, j, sensitive = 0;
	int64_t limit = CARE_LIST_MAX;
	if (http_query_int(r, "limit", 1, CARE_LIST_MAX, &limit, &e) < 0 ||
	    prep_open_community(r, &c, PREP_READ, &e) < 0 ||
	    contact_care_view(r->db, &out, c.id, true, &e) < 0)
		return http_reply_err(r, &e);
	/* the gaps and the total count the whole list; the rows are the first
	 * `limit` (the hub shows a few) */
	rows = json_object_get(out, "residents");
	while (json_array_size(rows) > (size_t)limit)
		json_array_remove(rows, json_array_size(rows) - 1);
	json_array_foreach(json_object_get(out, "residents"), i, row)
	    json_array_foreach(json_object_get(row, "tags"), j, t) sensitive +=
	    json_is_true(json_object_get(t, "sensitive"));
	if (sensitive &&
	    audit_append(r->db, r->user->user_id, r->user->username, "care.read", "prep:care", c.id,
	                 r->ip, arena_printf(&r->arena, "%zu sensitive tags", sensitive), &e) < 0) {
		json_decref(out);
		return http_reply_err(r, &e);
	}
	json_object_set_new(out, "can_edit", json_boolean(prep_can_edit(r, &c)));
	http_reply_json(r, 200, out);
}

static const struct route routes[] = {
    {"GET", "/api/communities/{id}/prep/contacts", get_tree, 0},
    {"PUT", "/api/communities/{id}/prep/contacts", put_contact, 0},
    {"GET", "/api/communities/{id}/prep/contacts/buildings/{building}", get_call_list, 0},
    {"GET", "/api/communities/{id}/prep/care", get_care, 0},
};
const struct route_table contact_routes = {routes, sizeof(routes) / sizeof(routes[0])};
