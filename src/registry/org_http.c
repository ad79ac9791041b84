/*
 * org_http.c - handlers of local organisations (驻区单位), see org.h.
 *
 * Like structure_http.c: every route starts by opening the community (staff
 * who read it, else 403 for other roles and 404 outside their scope; a
 * changing role for writes).  Ids below the community are looked up within
 * it by org.c, so another community's organisation or offer is 404.
 *
 * A contact's phone is shown in full only in the single-organisation view
 * and only to those who may change the community (workers, street officers,
 * admins); such a read is written to the audit log.  Everyone else, and
 * every list, sees it masked.
 */
#include "http/http.h"

#include "auth/auth.h"
#include "core/utf8.h"
#include "registry/org.h"
#include "registry/resident_skill.h"
#include "registry/structure.h"
#include "registry/structure_http.h"

#include <string.h>


/* Takes an organisation's fields; "contacts" (an array of objects) is taken
 * apart from the flat fields. */
static int take_org(struct req *r, struct org_input *in, bool adding, struct err *e)
{
	const struct jfield f[] = {
	    {"name", JF_STRING, adding, 1, ORG_NAME_MAX, &in->name, NULL},
	    {"type", JF_STRING, adding, 1, 20, &in->type, NULL},
	    {"address", JF_STRING, false, 0, ORG_ADDRESS_MAX, &in->address, NULL},
	    {"notes", JF_STRING, false, 0, ORG_NOTES_MAX, &in->notes, NULL},
	};
	json_t *obj = json_parse_object(r->body, r->body_len, e), *contacts;
	struct org_contact *c = NULL;
	int rc = -1;
	if (!obj)
		return -1;
	contacts = json_object_get(obj, "contacts");
	if (contacts) {
		json_incref(contacts);
		json_object_del(obj, "contacts");
	}
	if (json_take(obj, f, sizeof(f) / sizeof(f[0]), &r->arena, e) < 0)
		goto out;
	if (contacts) {
		if (org_contacts_take(contacts, &r->arena, &c, &in->ncontacts, e) < 0)
			goto out;
		in->contacts = c;
		in->set_contacts = true;
	}
	rc = 0;
out:
	json_decref(contacts);
	json_decref(obj);
	return rc;
}

static void get_orgs(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	json_t *out;
	if (structure_open_community(r, &c, STAFF_READ, &e) < 0 || org_list(r->db, &out, c.id, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 200, out);
}

static void post_org(struct req *r)
{
	struct org_input in = {0};
	struct community c;
	struct err e = ERR_INIT;
	int64_t id;
	if (structure_open_community(r, &c, STAFF_CHANGE, &e) < 0 || take_org(r, &in, true, &e) < 0 ||
	    org_add(r->db, &id, c.id, &in, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 201, json_pack("{s:I, s:s}", "id", (json_int_t)id, "name", in.name));
}

static void get_org(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	json_t *out = NULL;
	bool full;
	if (structure_open_community(r, &c, STAFF_READ, &e) < 0)
		return http_reply_err(r, &e);
	full = auth_changes_community(r->user, c.id, c.street_id);
	if (org_get(r->db, &out, c.id, r->param[1], full, &r->arena, &e) < 0)
		return http_reply_err(r, &e);
	if (full && json_array_size(json_object_get(out, "contacts")) > 0 &&
	    audit_append(r->db, r->user->user_id, r->user->username, "org.contacts.read",
	                 arena_printf(&r->arena, "org:%lld", (long long)r->param[1]), c.id, r->ip,
	                 NULL, &e) < 0) {
		json_decref(out);
		return http_reply_err(r, &e);
	}
	http_reply_json(r, 200, out);
}

static void patch_org(struct req *r)
{
	struct org_input in = {0};
	struct community c;
	struct err e = ERR_INIT;
	json_t *out;
	if (structure_open_community(r, &c, STAFF_CHANGE, &e) < 0 || take_org(r, &in, false, &e) < 0 ||
	    org_update(r->db, c.id, r->param[1], &in, &e) < 0 ||
	    org_get(r->db, &out, c.id, r->param[1], true, &r->arena, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 200, out);
}

static int take_offer(struct req *r, struct org_offer *o, bool adding, struct err *e)
{
	const struct jfield f[] = {
	    {"kind", JF_STRING, adding, 1, 20, &o->kind, NULL},
	    {"description", JF_STRING, adding, 1, ORG_DESCRIPTION_MAX, &o->description, NULL},
	    {"quantity", JF_INT, false, 0, ORG_QUANTITY_MAX, &o->quantity, NULL},
	    {"unit", JF_STRING, false, 0, ORG_UNIT_MAX, &o->unit, NULL},
	    {"availability", JF_STRING, false, 0, ORG_AVAILABILITY_MAX, &o->availability, NULL},
	    {"valid_until", JF_STRING, false, 0, ORG_DATE_LEN, &o->valid_until, NULL},
	};
	o->quantity = -1;
	return http_body_take(r, f, sizeof(f) / sizeof(f[0]), e);
}

static void post_offer(struct req *r)
{
	struct org_offer o = {0};
	struct community c;
	struct err e = ERR_INIT;
	int64_t id;
	if (structure_open_community(r, &c, STAFF_CHANGE, &e) < 0 || take_offer(r, &o, true, &e) < 0 ||
	    org_offer_add(r->db, &id, c.id, r->param[1], &o, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 201, json_pack("{s:I}", "id", (json_int_t)id));
}

static void patch_offer(struct req *r)
{
	struct org_offer o = {0};
	struct community c;
	struct err e = ERR_INIT;
	json_t *out;
	if (structure_open_community(r, &c, STAFF_CHANGE, &e) < 0 || take_offer(r, &o, false, &e) < 0 ||
	    org_offer_update(r->db, &out, c.id, r->param[1], r->param[2], &o, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 200, out);
}

static void delete_offer(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	if (structure_open_community(r, &c, STAFF_CHANGE, &e) < 0 ||
	    org_offer_delete(r->db, c.id, r->param[1], r->param[2], &e) < 0)
		return http_reply_err(r, &e);
	http_reply_empty(r, 204);
}

static void get_offers(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	const char *q = http_query(r, "q"), *kind = http_query(r, "kind");
	char today[ORG_DATE_LEN + 1];
	json_t *out;
	if (q && (!utf8_valid(q, strlen(q)) || utf8_has_control(q, strlen(q)) ||
	          utf8_count(q, strlen(q)) > ORG_QUERY_MAX))
		err_set(&e, ERR_INVALID, "q", "q must be UTF-8 text of at most %d characters",
		        ORG_QUERY_MAX);
	if (kind && !*kind)
		kind = NULL;
	org_today(today);
	if (err_is_set(&e) || structure_open_community(r, &c, STAFF_READ, &e) < 0 ||
	    org_offer_search(r->db, &out, c.id, q, kind, today, &e) < 0)
		return http_reply_err(r, &e);
	/* residents' skills answer too, apart from the offers (skilled people:
	 * no kind, or skilled_people) */
	if (!kind || !strcmp(kind, "skilled_people")) {
		json_t *people;
		if (resident_skill_search(r->db, &people, c.id, q, &e) < 0) {
			json_decref(out);
			return http_reply_err(r, &e);
		}
		json_object_set_new(out, "residents", people);
	} else {
		json_object_set_new(out, "residents", json_array());
	}
	http_reply_json(r, 200, out);
}

static void post_agreement(struct req *r)
{
	const char *title = NULL, *start = NULL, *end = NULL, *notes = NULL;
	const struct jfield f[] = {
	    {"title", JF_STRING, true, 1, ORG_NAME_MAX, &title, NULL},
	    {"start_date", JF_STRING, true, 0, ORG_DATE_LEN, &start, NULL},
	    {"end_date", JF_STRING, false, 0, ORG_DATE_LEN, &end, NULL},
	    {"notes", JF_STRING, false, 0, ORG_NOTES_MAX, &notes, NULL},
	};
	struct community c;
	struct err e = ERR_INIT;
	int64_t id;
	if (structure_open_community(r, &c, STAFF_CHANGE, &e) < 0 || http_body_take(r, f, 4, &e) < 0 ||
	    org_agreement_add(r->db, &id, c.id, r->param[1], title, start, end && *end ? end : NULL,
	                      notes, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 201, json_pack("{s:I}", "id", (json_int_t)id));
}

static void get_agreements(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	json_t *out;
	if (structure_open_community(r, &c, STAFF_READ, &e) < 0 ||
	    org_agreements(r->db, &out, c.id, r->param[1], &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 200, out);
}

static void post_interaction(struct req *r)
{
	const char *date = NULL, *kind = NULL, *notes = NULL;
	const struct jfield f[] = {
	    {"date", JF_STRING, true, 0, ORG_DATE_LEN, &date, NULL},
	    {"kind", JF_STRING, true, 1, 20, &kind, NULL},
	    {"notes", JF_STRING, false, 0, ORG_NOTES_MAX, &notes, NULL},
	};
	struct community c;
	struct err e = ERR_INIT;
	int64_t id;
	if (structure_open_community(r, &c, STAFF_CHANGE, &e) < 0 || http_body_take(r, f, 3, &e) < 0 ||
	    org_interaction_add(r->db, &id, c.id, r->param[1], date, kind, notes, r->user->user_id,
	                        r->user->display_name, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 201, json_pack("{s:I}", "id", (json_int_t)id));
}

static void get_interactions(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	json_t *out;
	if (structure_open_community(r, &c, STAFF_READ, &e) < 0 ||
	    org_interactions(r->db, &out, c.id, r->param[1], &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 200, out);
}

static const struct route routes[] = {
    {"GET", "/api/communities/{id}/orgs", get_orgs, 0},
    {"POST", "/api/communities/{id}/orgs", post_org, 0},
    {"GET", "/api/communities/{id}/orgs/{org}", get_org, 0},
    {"PATCH", "/api/communities/{id}/orgs/{org}", patch_org, 0},
    {"POST", "/api/communities/{id}/orgs/{org}/offers", post_offer, 0},
    {"PATCH", "/api/communities/{id}/orgs/{org}/offers/{offer}", patch_offer, 0},
    {"DELETE", "/api/communities/{id}/orgs/{org}/offers/{offer}", delete_offer, 0},
    {"GET", "/api/communities/{id}/orgs/{org}/agreements", get_agreements, 0},
    {"POST", "/api/communities/{id}/orgs/{org}/agreements", post_agreement, 0},
    {"GET", "/api/communities/{id}/orgs/{org}/interactions", get_interactions, 0},
    {"POST", "/api/communities/{id}/orgs/{org}/interactions", post_interaction, 0},
    {"GET", "/api/communities/{id}/offers", get_offers, 0},
};
const struct route_table org_routes = {routes, sizeof(routes) / sizeof(routes[0])};
