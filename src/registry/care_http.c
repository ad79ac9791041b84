/*
 * care_http.c - handlers of care needs (特殊关爱), see care.h.
 *
 * Who may do what.  Every route opens the community first: outside the
 * caller's membership it is 404.  Reading (the care list, a resident's
 * care, the catalogue): staff who read the community (admin, street, worker,
 * grid, lead) see everything; a volunteer of the community sees only the
 * tags that are not sensitive (and not the residents whose only tags are);
 * residents and experts get 403.  Changing (tags, caretakers, the
 * catalogue): those who change the community (admin, street, worker), else
 * 403.  Every change is audited by care.c in its own transaction, and so
 * is every read that shows sensitive tags ("care.read": the list, or one
 * resident), as DESIGN.md asks of every read of sensitive fields in full.
 */
#include "http/http.h"

#include "auth/auth.h"
#include "core/utf8.h"
#include "registry/care.h"
#include "registry/structure.h"

#include <string.h>

enum care_access { CARE_READ, CARE_CHANGE };

static bool volunteer_here(const struct principal *p, int64_t community_id)
{
	for (size_t i = 0; p && i < p->ngrants; i++)
		if (p->grants[i].role == ROLE_VOLUNTEER && p->grants[i].community_id == community_id)
			return true;
	return false;
}

/* Opens r->param[0]; *full: may read sensitive tags. */
static int open_care(struct req *r, struct community *c, enum care_access need, bool *full,
                     struct err *e)
{
	if (structure_community_get(r->db, c, r->param[0], &r->arena, e) < 0)
		return -1;
	if (!auth_member_of(r->user, c->id, c->street_id)) {
		err_clear(e);
		return err_set(e, ERR_NOT_FOUND, NULL, "no such community");
	}
	*full = auth_reads_community(r->user, c->id, c->street_id);
	if (need == CARE_CHANGE && !auth_changes_community(r->user, c->id, c->street_id))
		return err_set(e, ERR_FORBIDDEN, NULL, "only community workers change care records");
	if (!*full && !volunteer_here(r->user, c->id))
		return err_set(e, ERR_FORBIDDEN, NULL, "your role cannot see care records");
	return 0;
}

/* Sensitive tags among tags (an array of resident tags). */
static size_t sensitive_in(const json_t *tags)
{
	size_t i, n = 0;
	json_t *t;
	json_array_foreach(tags, i, t) n += json_is_true(json_object_get(t, "sensitive"));
	return n;
}

/* DESIGN.md: every read of sensitive fields in full goes to the audit log.
 * Called after the read; out is freed on failure. */
static int audit_read(struct req *r, const struct community *c, const char *subject, size_t n,
                      json_t *out, struct err *e)
{
	if (n == 0)
		return 0;
	if (audit_append(r->db, r->user->user_id, r->user->username, "care.read", subject, c->id,
	                 r->ip, arena_printf(&r->arena, "%zu sensitive tags", n), e) < 0) {
		json_decref(out);
		return -1;
	}
	return 0;
}

static struct care_actor actor(struct req *r)
{
	struct care_actor a = {r->user->user_id, r->user->username, r->user->display_name, r->ip};
	return a;
}

static void get_care(struct req *r)
{
	struct care_filter f = {0};
	struct community c;
	struct err e = ERR_INIT;
	bool full;
	int64_t limit = CARE_LIST_DEFAULT;
	json_t *out;
	f.tag = http_query(r, "tag");
	if (f.tag && !*f.tag)
		f.tag = NULL;
	if (f.tag && strlen(f.tag) > CARE_CODE_MAX) {
		err_set(&e, ERR_INVALID, "tag", "tag must be a tag code");
		return http_reply_err(r, &e);
	}
	if (http_query_int(r, "grid", 1, INT64_MAX, &f.grid, &e) < 0 ||
	    http_query_int(r, "building", 1, INT64_MAX, &f.building, &e) < 0 ||
	    http_query_int(r, "limit", 1, CARE_LIST_MAX, &limit, &e) < 0 ||
	    http_query_int(r, "offset", 0, INT64_MAX / 2, &f.offset, &e) < 0)
		return http_reply_err(r, &e);
	f.limit = limit;
	if (open_care(r, &c, CARE_READ, &full, &e) < 0 ||
	    care_list(r->db, &out, c.id, &f, full, &e) < 0)
		return http_reply_err(r, &e);
	{
		size_t i, n = 0;
		json_t *row;
		json_array_foreach(json_object_get(out, "residents"), i, row)
		    n += sensitive_in(json_object_get(row, "tags"));
		if (audit_read(r, &c, "care:list", n, out, &e) < 0)
			return http_reply_err(r, &e);
	}
	json_object_set_new(out, "can_edit",
	                    json_boolean(auth_changes_community(r->user, c.id, c.street_id)));
	http_reply_json(r, 200, out);
}

static void get_tags(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	bool full;
	json_t *out;
	if (open_care(r, &c, CARE_READ, &full, &e) < 0 || care_tags_list(r->db, &out, c.id, &e) < 0)
		return http_reply_err(r, &e);
	json_object_set_new(out, "can_edit",
	                    json_boolean(auth_changes_community(r->user, c.id, c.street_id)));
	http_reply_json(r, 200, out);
}

static void put_tag(struct req *r)
{
	struct care_tag t = {.sensitive = -1, .retired = -1};
	bool sensitive = false, retired = false, has_s = false, has_r = false;
	const struct jfield f[] = {
	    {"code", JF_STRING, true, 1, CARE_CODE_MAX, &t.code, NULL},
	    {"name_zh", JF_STRING, false, 1, CARE_NAME_ZH_MAX, &t.name_zh, NULL},
	    {"name_en", JF_STRING, false, 1, CARE_NAME_EN_MAX, &t.name_en, NULL},
	    {"sensitive", JF_BOOL, false, 0, 0, &sensitive, &has_s},
	    {"priority", JF_INT, false, CARE_PRIORITY_MIN, CARE_PRIORITY_MAX, &t.priority, NULL},
	    {"detail", JF_STRING, false, 1, 20, &t.detail, NULL},
	    {"retired", JF_BOOL, false, 0, 0, &retired, &has_r},
	};
	struct community c;
	struct err e = ERR_INIT;
	struct care_actor who;
	bool full;
	json_t *out;
	if (open_care(r, &c, CARE_CHANGE, &full, &e) < 0 ||
	    http_body_take(r, f, sizeof(f) / sizeof(f[0]), &e) < 0)
		return http_reply_err(r, &e);
	if (has_s)
		t.sensitive = sensitive;
	if (has_r)
		t.retired = retired;
	who = actor(r);
	if (care_tag_put(r->db, c.id, &t, &who, &e) < 0 || care_tags_list(r->db, &out, c.id, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 200, out);
}

static void delete_tag(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	struct care_actor who;
	const char *code = http_query(r, "code");
	bool full;
	if (open_care(r, &c, CARE_CHANGE, &full, &e) < 0)
		return http_reply_err(r, &e);
	if (!code || !*code) {
		err_set(&e, ERR_INVALID, "code", "code is required");
		return http_reply_err(r, &e);
	}
	who = actor(r);
	if (care_tag_delete(r->db, c.id, code, &who, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_empty(r, 204);
}

static void get_candidates(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	bool full;
	json_t *out;
	if (open_care(r, &c, CARE_CHANGE, &full, &e) < 0 || care_candidates(r->db, &out, c.id, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 200, out);
}

static void get_resident_care(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	bool full;
	json_t *out;
	if (open_care(r, &c, CARE_READ, &full, &e) < 0 ||
	    care_resident_get(r->db, &out, c.id, r->param[1], full, &e) < 0 ||
	    audit_read(r, &c, arena_printf(&r->arena, "resident:%lld", (long long)r->param[1]),
	               sensitive_in(json_object_get(out, "tags")), out, &e) < 0)
		return http_reply_err(r, &e);
	json_object_set_new(out, "can_edit",
	                    json_boolean(auth_changes_community(r->user, c.id, c.street_id)));
	http_reply_json(r, 200, out);
}

/* Takes {"tag"?, "detail"?, "note"?, "since"?}; "detail" is any JSON value
 * (checked against the tag's kind by care.c); on update null or "" clears. */
static int take_tag(struct req *r, struct care_tag_input *in, bool adding, json_t **detail,
                    struct err *e)
{
	const struct jfield f[] = {
	    {"tag", JF_STRING, adding, 1, CARE_CODE_MAX, &in->tag, NULL},
	    {"note", JF_STRING, false, 0, CARE_NOTE_MAX, &in->note, NULL},
	    {"since", JF_STRING, false, 0, 10, &in->since, NULL},
	};
	json_t *obj = json_parse_object(r->body, r->body_len, e), *d;
	int rc = -1;
	if (!obj)
		return -1;
	if (!adding && json_object_get(obj, "tag")) {
		json_decref(obj);
		return err_set(e, ERR_INVALID, "tag", "a tag cannot change: remove it and add another");
	}
	if ((d = json_object_get(obj, "detail"))) {
		if (json_is_null(d) || (json_is_string(d) && !*json_string_value(d)))
			in->clear_detail = true;
		else
			*detail = json_incref(d);
		json_object_del(obj, "detail");
	}
	if ((d = json_object_get(obj, "note")) && json_is_null(d)) {
		in->clear_note = true;
		json_object_del(obj, "note");
	}
	if ((d = json_object_get(obj, "since")) && json_is_null(d)) {
		in->clear_since = true;
		json_object_del(obj, "since");
	}
	if (json_take(obj, f, sizeof(f) / sizeof(f[0]), &r->arena, e) < 0)
		goto out;
	if (in->note && !*in->note)
		in->clear_note = true;
	if (in->since && !*in->since) {
		in->clear_since = true;
		in->since = NULL;
	}
	in->detail = *detail;
	rc = 0;
out:
	json_decref(obj);
	return rc;
}

static void post_tag(struct req *r)
{
	struct care_tag_input in = {0};
	struct community c;
	struct err e = ERR_INIT;
	struct care_actor who;
	json_t *detail = NULL, *out;
	int64_t id;
	bool full;
	int rc;
	if (open_care(r, &c, CARE_CHANGE, &full, &e) < 0 || take_tag(r, &in, true, &detail, &e) < 0) {
		json_decref(detail);
		return http_reply_err(r, &e);
	}
	who = actor(r);
	rc = care_tag_add(r->db, &id, c.id, r->param[1], &in, &who, &e);
	json_decref(detail);
	if (rc < 0 || care_resident_get(r->db, &out, c.id, r->param[1], full, &e) < 0)
		return http_reply_err(r, &e);
	json_object_set_new(out, "id", json_integer(id));
	http_reply_json(r, 201, out);
}

static void patch_tag(struct req *r)
{
	struct care_tag_input in = {0};
	struct community c;
	struct err e = ERR_INIT;
	struct care_actor who;
	json_t *detail = NULL, *out;
	bool full;
	int rc;
	if (open_care(r, &c, CARE_CHANGE, &full, &e) < 0 ||
	    take_tag(r, &in, false, &detail, &e) < 0) {
		json_decref(detail);
		return http_reply_err(r, &e);
	}
	who = actor(r);
	rc = care_tag_update(r->db, c.id, r->param[1], r->param[2], &in, &who, &e);
	json_decref(detail);
	if (rc < 0 || care_resident_get(r->db, &out, c.id, r->param[1], full, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 200, out);
}

static void delete_rtag(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	struct care_actor who;
	bool full;
	if (open_care(r, &c, CARE_CHANGE, &full, &e) < 0)
		return http_reply_err(r, &e);
	who = actor(r);
	if (care_tag_remove(r->db, c.id, r->param[1], r->param[2], &who, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_empty(r, 204);
}

static void post_caretaker(struct req *r)
{
	struct care_caretaker_input in = {0};
	const struct jfield f[] = {
	    {"user_id", JF_INT, false, 1, INT64_MAX, &in.user_id, NULL},
	    {"resident_id", JF_INT, false, 1, INT64_MAX, &in.resident_id, NULL},
	    {"role", JF_STRING, true, 1, 10, &in.role, NULL},
	    {"relation", JF_STRING, false, 0, CARE_RELATION_MAX, &in.relation, NULL},
	    {"since", JF_STRING, false, 1, 10, &in.since, NULL},
	};
	struct community c;
	struct err e = ERR_INIT;
	struct care_actor who;
	int64_t id;
	bool full;
	json_t *out;
	if (open_care(r, &c, CARE_CHANGE, &full, &e) < 0 ||
	    http_body_take(r, f, sizeof(f) / sizeof(f[0]), &e) < 0)
		return http_reply_err(r, &e);
	who = actor(r);
	if (care_caretaker_add(r->db, &id, c.id, r->param[1], &in, &who, &e) < 0 ||
	    care_resident_get(r->db, &out, c.id, r->param[1], full, &e) < 0)
		return http_reply_err(r, &e);
	json_object_set_new(out, "id", json_integer(id));
	http_reply_json(r, 201, out);
}

static void delete_caretaker(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	struct care_actor who;
	bool full;
	if (open_care(r, &c, CARE_CHANGE, &full, &e) < 0)
		return http_reply_err(r, &e);
	who = actor(r);
	if (care_caretaker_remove(r->db, c.id, r->param[1], r->param[2], &who, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_empty(r, 204);
}

static const struct route routes[] = {
    {"GET", "/api/communities/{id}/care", get_care, 0},
    {"GET", "/api/communities/{id}/care/tags", get_tags, 0},
    {"PUT", "/api/communities/{id}/care/tags", put_tag, 0},
    {"DELETE", "/api/communities/{id}/care/tags", delete_tag, 0},
    {"GET", "/api/communities/{id}/care/caretakers", get_candidates, 0},
    {"GET", "/api/communities/{id}/residents/{resident}/care", get_resident_care, 0},
    {"POST", "/api/communities/{id}/residents/{resident}/care/tags", post_tag, 0},
    {"PATCH", "/api/communities/{id}/residents/{resident}/care/tags/{tag}", patch_tag, 0},
    {"DELETE", "/api/communities/{id}/residents/{resident}/care/tags/{tag}", delete_rtag, 0},
    {"POST", "/api/communities/{id}/residents/{resident}/care/caretakers", post_caretaker, 0},
    {"DELETE", "/api/communities/{id}/residents/{resident}/care/caretakers/{caretaker}",
     delete_caretaker, 0},
};
const struct route_table care_routes = {routes, sizeof(routes) / sizeof(routes[0])};
