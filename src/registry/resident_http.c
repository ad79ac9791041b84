/*
 * resident_http.c - handlers of the residents register, see resident.h.
 *
 * Every route opens the community first (structure_open_community: staff
 * who read it, else 403 for other roles, 404 outside their scope; a changing
 * role for writes).  Reads show ID numbers and phones masked; the single
 * view shows them in full with ?unmask=1, only to those who may change the
 * community, and each such read is written to the audit log
 * ("resident.unmask").  Deletions are audited too ("resident.delete").
 */
#include "http/http.h"

#include "auth/auth.h"
#include "core/utf8.h"
#include "registry/privacy.h"
#include "registry/resident.h"
#include "registry/structure.h"
#include "registry/structure_http.h"

#include <stdlib.h>
#include <string.h>

/* Takes a resident's fields from the body.  "dwelling_id": null clears it;
 * "volunteer_willing" is taken only when present. */
static int take_resident(struct req *r, struct resident_input *in, bool adding, struct err *e)
{
	bool vol = false;
	const struct jfield f[] = {
	    {"name", JF_STRING, adding, 1, RESIDENT_NAME_MAX, &in->name, NULL},
	    {"gender", JF_STRING, false, 0, 10, &in->gender, NULL},
	    {"birth_date", JF_STRING, false, 0, 10, &in->birth_date, NULL},
	    {"id_number", JF_STRING, false, 0, 40, &in->id_number, NULL},
	    {"phone", JF_STRING, false, 0, 32, &in->phone, NULL},
	    {"relation", JF_STRING, false, 1, 20, &in->relation, NULL},
	    {"residency", JF_STRING, false, 1, 20, &in->residency, NULL},
	    {"skills", JF_STRING, false, 0, RESIDENT_SKILLS_MAX, &in->skills, NULL},
	    {"languages", JF_STRING, false, 0, RESIDENT_LANGUAGES_MAX, &in->languages, NULL},
	    {"dwelling_id", JF_INT, false, 1, INT64_MAX, &in->dwelling_id, NULL},
	    {"volunteer_willing", JF_BOOL, false, 0, 0, &vol, NULL},
	};
	json_t *obj = json_parse_object(r->body, r->body_len, e), *d;
	int rc;
	if (!obj)
		return -1;
	in->volunteer_willing = -1;
	if ((d = json_object_get(obj, "dwelling_id")) && json_is_null(d)) {
		in->clear_dwelling = true;
		json_object_del(obj, "dwelling_id");
	}
	if (json_is_boolean(json_object_get(obj, "volunteer_willing")))
		in->volunteer_willing = json_is_true(json_object_get(obj, "volunteer_willing"));
	rc = json_take(obj, f, sizeof(f) / sizeof(f[0]), &r->arena, e);
	json_decref(obj);
	return rc;
}

/* A dwelling given must be one of the community's. */
static int dwelling_in(struct req *r, int64_t community_id, int64_t dwelling_id, struct err *e)
{
	if (dwelling_id <= 0)
		return 0;
	if (structure_dwelling_in(r->db, community_id, dwelling_id, e) < 0) {
		if (e->code == ERR_NOT_FOUND) {
			err_clear(e);
			err_set(e, ERR_INVALID, "dwelling_id", "no such dwelling in this community");
		}
		return -1;
	}
	return 0;
}

static int query_int(struct req *r, const char *name, int64_t min, int64_t max, int64_t *out,
                     struct err *e)
{
	const char *s = http_query(r, name);
	char *end;
	long long v;
	if (!s || !*s)
		return 0;
	v = strtoll(s, &end, 10);
	if (*end || v < min || v > max)
		return err_set(e, ERR_INVALID, name, "%s must be an integer from %lld to %lld",
		               name, (long long)min, (long long)max);
	*out = v;
	return 0;
}

static void get_residents(struct req *r)
{
	struct resident_filter f = {.age_min = -1, .age_max = -1};
	struct community c;
	struct err e = ERR_INIT;
	int64_t amin = -1, amax = -1, limit = RESIDENT_PAGE_DEFAULT;
	json_t *out;
	f.q = http_query(r, "q");
	f.phone_tail = http_query(r, "phone_tail");
	f.tag = http_query(r, "tag");
	f.room = http_query(r, "room");
	if (f.tag && !*f.tag)
		f.tag = NULL;
	if (f.room && !*f.room)
		f.room = NULL;
	if (f.q && !*f.q)
		f.q = NULL;
	if (f.phone_tail && !*f.phone_tail)
		f.phone_tail = NULL;
	if (f.q && (!utf8_valid(f.q, strlen(f.q)) || utf8_has_control(f.q, strlen(f.q)) ||
	            utf8_count(f.q, strlen(f.q)) > RESIDENT_QUERY_MAX))
		err_set(&e, ERR_INVALID, "q", "q must be UTF-8 text of at most %d characters",
		        RESIDENT_QUERY_MAX);
	else if (f.phone_tail &&
	         (strlen(f.phone_tail) != 4 || strspn(f.phone_tail, "0123456789") != 4))
		err_set(&e, ERR_INVALID, "phone_tail", "phone_tail must be 4 digits");
	else if (f.tag && (strlen(f.tag) > 32 ||
	                   strspn(f.tag, "abcdefghijklmnopqrstuvwxyz0123456789_") != strlen(f.tag)))
		err_set(&e, ERR_INVALID, "tag", "tag must be a care tag's code");
	else if (f.room && (!utf8_valid(f.room, strlen(f.room)) ||
	                    utf8_has_control(f.room, strlen(f.room)) ||
	                    utf8_count(f.room, strlen(f.room)) > RESIDENT_ROOM_MAX))
		err_set(&e, ERR_INVALID, "room", "room must be text of at most %d characters",
		        RESIDENT_ROOM_MAX);
	if (err_is_set(&e) || query_int(r, "dwelling", 1, INT64_MAX, &f.dwelling, &e) < 0 ||
	    query_int(r, "building", 1, INT64_MAX, &f.building, &e) < 0 ||
	    query_int(r, "age_min", 0, 150, &amin, &e) < 0 ||
	    query_int(r, "age_max", 0, 150, &amax, &e) < 0 ||
	    query_int(r, "limit", 1, RESIDENT_PAGE_MAX, &limit, &e) < 0 ||
	    query_int(r, "after", 0, INT64_MAX, &f.after, &e) < 0)
		return http_reply_err(r, &e);
	f.age_min = (int)amin;
	f.age_max = (int)amax;
	f.limit = (int)limit;
	if (structure_open_community(r, &c, STAFF_READ, &e) < 0 ||
	    resident_list(r->db, &out, c.id, &f, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 200, out);
}

static void post_resident(struct req *r)
{
	struct resident_input in = {0};
	struct community c;
	struct err e = ERR_INIT;
	int64_t id;
	json_t *out;
	if (structure_open_community(r, &c, STAFF_CHANGE, &e) < 0 ||
	    take_resident(r, &in, true, &e) < 0 || dwelling_in(r, c.id, in.dwelling_id, &e) < 0 ||
	    resident_add(r->db, &id, c.id, &in, &e) < 0 ||
	    resident_get(r->db, &out, c.id, id, false, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 201, out);
}

static void get_resident(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	const char *u = http_query(r, "unmask");
	bool unmask = u && !strcmp(u, "1");
	json_t *out;
	if (structure_open_community(r, &c, STAFF_READ, &e) < 0)
		return http_reply_err(r, &e);
	if (unmask && !auth_changes_community(r->user, c.id, c.street_id)) {
		err_set(&e, ERR_FORBIDDEN, "unmask", "only workers may see ID numbers and phones");
		return http_reply_err(r, &e);
	}
	if (resident_get(r->db, &out, c.id, r->param[1], unmask, &e) < 0)
		return http_reply_err(r, &e);
	if (unmask && audit_append(r->db, r->user->user_id, r->user->username, "resident.unmask",
	                           arena_printf(&r->arena, "resident:%lld", (long long)r->param[1]),
	                           c.id, r->ip, NULL, &e) < 0) {
		json_decref(out);
		return http_reply_err(r, &e);
	}
	http_reply_json(r, 200, out);
}

static void patch_resident(struct req *r)
{
	struct resident_input in = {0};
	struct community c;
	struct err e = ERR_INIT;
	json_t *out;
	if (structure_open_community(r, &c, STAFF_CHANGE, &e) < 0 ||
	    take_resident(r, &in, false, &e) < 0 || dwelling_in(r, c.id, in.dwelling_id, &e) < 0)
		return http_reply_err(r, &e);
	/* PIPL art. 46: the correction and its audit entry (field names, never
	 * values) go together */
	if (store_begin(r->db, &e) < 0 || resident_update(r->db, c.id, r->param[1], &in, &e) < 0 ||
	    audit_append(r->db, r->user->user_id, r->user->username, "resident.correct",
	                 arena_printf(&r->arena, "resident:%lld", (long long)r->param[1]), c.id,
	                 r->ip, privacy_corrected_fields(&in, &r->arena), &e) < 0 ||
	    store_commit(r->db, &e) < 0) {
		store_rollback(r->db);
		return http_reply_err(r, &e);
	}
	if (resident_get(r->db, &out, c.id, r->param[1], false, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 200, out);
}

static void delete_resident(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	const char *reason = NULL;
	/* an optional body {"reason"}: recorded in the audit entry */
	const struct jfield f[] = {
	    {"reason", JF_STRING, false, 1, RESIDENT_REASON_MAX, &reason, NULL},
	};
	if (structure_open_community(r, &c, STAFF_CHANGE, &e) < 0 ||
	    (r->body_len > 0 && http_body_take(r, f, 1, &e) < 0) ||
	    resident_delete_why(r->db, c.id, r->param[1], r->user->user_id, r->user->username,
	                        r->ip, reason, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_empty(r, 204);
}

static const struct route routes[] = {
    {"GET", "/api/communities/{id}/residents", get_residents, 0},
    {"POST", "/api/communities/{id}/residents", post_resident, 0},
    {"GET", "/api/communities/{id}/residents/{resident}", get_resident, 0},
    {"PATCH", "/api/communities/{id}/residents/{resident}", patch_resident, 0},
    {"DELETE", "/api/communities/{id}/residents/{resident}", delete_resident, 0},
};
const struct route_table resident_routes = {routes, sizeof(routes) / sizeof(routes[0])};
