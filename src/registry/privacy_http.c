/*
 * privacy_http.c - handlers of PIPL (see privacy.h and docs/privacy.md).
 *
 * Every route opens the community first (structure_open_community): staff
 * who read it may read settings, consents and the explanation; those who
 * change it (admin, street officer, worker: the roles that may unmask)
 * record and withdraw consents, change settings, export and erase.  Other
 * roles get 403, another community's ids 404.  Export, erasure and every
 * consent change are audited in the transaction of the change.
 */
#include "http/http.h"

#include "auth/auth.h"
#include "core/timeutil.h"
#include "core/utf8.h"
#include "registry/privacy.h"
#include "registry/structure.h"
#include "registry/structure_http.h"

#include <string.h>

static struct privacy_actor actor_of(struct req *r)
{
	struct privacy_actor a = {r->user->user_id, r->user->username, r->ip};
	return a;
}

static void get_settings(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	json_t *out;
	if (structure_open_community(r, &c, STAFF_READ, &e) < 0 ||
	    privacy_settings(r->db, &out, c.id, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 200, out);
}

static void post_notice(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	struct privacy_actor who;
	const char *text = NULL, *date = NULL;
	json_t *obj = NULL, *t;
	int64_t version;
	const struct jfield f[] = {
	    {"effective_date", JF_STRING, true, 10, 10, &date, NULL},
	};
	if (structure_open_community(r, &c, STAFF_CHANGE, &e) < 0 ||
	    !(obj = json_parse_object(r->body, r->body_len, &e)))
		return http_reply_err(r, &e);
	/* the text may hold paragraphs, which json_take's strings refuse */
	t = json_object_get(obj, "text");
	if (!json_is_string(t)) {
		err_set(&e, ERR_INVALID, "text", "text is required");
	} else {
		text = arena_strdup(&r->arena, json_string_value(t));
		json_object_del(obj, "text");
		json_take(obj, f, 1, &r->arena, &e);
	}
	json_decref(obj);
	who = actor_of(r);
	if (err_is_set(&e) || privacy_notice_add(r->db, &version, c.id, text, date, &who, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 201, json_pack("{s:I}", "version", (json_int_t)version));
}

static void post_purpose(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	const char *code = NULL, *label = NULL;
	bool sensitive = false;
	const struct jfield f[] = {
	    {"code", JF_STRING, true, 2, 30, &code, NULL},
	    {"label", JF_STRING, true, 1, PRIVACY_LABEL_MAX, &label, NULL},
	    {"sensitive", JF_BOOL, false, 0, 0, &sensitive, NULL},
	};
	if (structure_open_community(r, &c, STAFF_CHANGE, &e) < 0 ||
	    http_body_take(r, f, sizeof(f) / sizeof(f[0]), &e) < 0 ||
	    privacy_purpose_add(r->db, c.id, code, label, sensitive, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 201,
	                json_pack("{s:s, s:s, s:b}", "code", code, "label", label, "sensitive",
	                          (int)sensitive));
}

static void put_category(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	struct privacy_category pc = {.retention_days = 0};
	json_t *obj, *d;
	const struct jfield f[] = {
	    {"category", JF_STRING, true, 1, 20, &pc.category, NULL},
	    {"lawful_basis", JF_STRING, true, 1, 20, &pc.lawful_basis, NULL},
	    {"retention_days", JF_INT, false, 1, PRIVACY_RETENTION_DAYS_MAX, &pc.retention_days,
	     NULL},
	    {"retention_from", JF_STRING, true, 1, 20, &pc.retention_from, NULL},
	    {"reason", JF_STRING, false, 0, PRIVACY_REASON_MAX, &pc.reason, NULL},
	};
	if (structure_open_community(r, &c, STAFF_CHANGE, &e) < 0 ||
	    !(obj = json_parse_object(r->body, r->body_len, &e)))
		return http_reply_err(r, &e);
	d = json_object_get(obj, "retention_days");
	if (!d) {
		err_set(&e, ERR_INVALID, "retention_days",
		        "retention_days is required (a number of days, or null: indefinite)");
	} else {
		if (json_is_null(d)) {
			pc.retention_days = -1;
			json_object_del(obj, "retention_days");
		}
		json_take(obj, f, sizeof(f) / sizeof(f[0]), &r->arena, &e);
	}
	json_decref(obj);
	if (err_is_set(&e) || privacy_category_set(r->db, c.id, &pc, &e) < 0)
		return http_reply_err(r, &e);
	get_settings(r);
}

static void get_consents(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	json_t *out;
	if (structure_open_community(r, &c, STAFF_READ, &e) < 0 ||
	    privacy_consents(r->db, &out, c.id, r->param[1], &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 200, out);
}

static void post_consent(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	struct consent_input in = {0};
	struct privacy_actor who;
	json_t *obj, *g;
	int64_t id;
	const struct jfield f[] = {
	    {"purpose", JF_STRING, true, 1, 30, &in.purpose, NULL},
	    {"notice_version", JF_INT, true, 1, INT64_MAX, &in.notice_version, NULL},
	    {"given_at", JF_INT, false, 1, INT64_MAX, &in.given_at, NULL},
	    {"method", JF_STRING, true, 1, 20, &in.method, NULL},
	    {"evidence", JF_STRING, false, 0, PRIVACY_EVIDENCE_MAX, &in.evidence, NULL},
	    {"sensitive_notice", JF_BOOL, false, 0, 0, &in.sensitive_notice, NULL},
	};
	const struct jfield gf[] = {
	    {"resident_id", JF_INT, false, 1, INT64_MAX, &in.guardian_resident_id, NULL},
	    {"name", JF_STRING, false, 1, RESIDENT_NAME_MAX, &in.guardian_name, NULL},
	    {"relation", JF_STRING, false, 1, 20, &in.guardian_relation, NULL},
	};
	if (structure_open_community(r, &c, STAFF_CHANGE, &e) < 0 ||
	    !(obj = json_parse_object(r->body, r->body_len, &e)))
		return http_reply_err(r, &e);
	/* "guardian": {"resident_id"} or {"name", "relation"}, or null */
	if ((g = json_object_get(obj, "guardian"))) {
		json_incref(g);
		json_object_del(obj, "guardian");
		if (json_is_object(g)) {
			if (json_take(g, gf, sizeof(gf) / sizeof(gf[0]), &r->arena, &e) < 0) {
				const char *field =
				    e.field[0] ? arena_printf(&r->arena, "guardian.%s", e.field)
				               : "guardian";
				char msg[sizeof(e.message)];
				snprintf(msg, sizeof(msg), "%s", e.message);
				err_clear(&e);
				err_set(&e, ERR_INVALID, field, "%s", msg);
			}
		} else if (!json_is_null(g)) {
			err_set(&e, ERR_INVALID, "guardian",
			        "guardian must be {\"resident_id\"} or {\"name\", \"relation\"}");
		}
		json_decref(g);
	}
	if (!err_is_set(&e))
		json_take(obj, f, sizeof(f) / sizeof(f[0]), &r->arena, &e);
	json_decref(obj);
	who = actor_of(r);
	if (err_is_set(&e) || privacy_consent_add(r->db, &id, c.id, r->param[1], &in, &who, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 201, json_pack("{s:I}", "id", (json_int_t)id));
}

static void post_withdraw(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	struct privacy_actor who;
	const char *method = NULL, *note = NULL;
	const struct jfield f[] = {
	    {"method", JF_STRING, true, 1, 20, &method, NULL},
	    {"note", JF_STRING, false, 0, PRIVACY_EVIDENCE_MAX, &note, NULL},
	};
	if (structure_open_community(r, &c, STAFF_CHANGE, &e) < 0 ||
	    http_body_take(r, f, sizeof(f) / sizeof(f[0]), &e) < 0)
		return http_reply_err(r, &e);
	who = actor_of(r);
	if (privacy_consent_withdraw(r->db, c.id, r->param[1], r->param[2], method, note, &who,
	                             &e) < 0)
		return http_reply_err(r, &e);
	http_reply_empty(r, 204);
}

static void put_moved_out(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	struct privacy_actor who;
	json_t *obj, *v;
	int64_t at = 0;
	if (structure_open_community(r, &c, STAFF_CHANGE, &e) < 0 ||
	    !(obj = json_parse_object(r->body, r->body_len, &e)))
		return http_reply_err(r, &e);
	v = json_object_get(obj, "moved_out_at");
	if (json_object_size(obj) != 1 || !v || !(json_is_null(v) || json_is_integer(v)) ||
	    (json_is_integer(v) && json_integer_value(v) <= 0))
		err_set(&e, ERR_INVALID, "moved_out_at",
		        "the body must be {\"moved_out_at\": Unix seconds or null}");
	else if (json_is_integer(v))
		at = json_integer_value(v);
	json_decref(obj);
	who = actor_of(r);
	if (err_is_set(&e) || privacy_moved_out(r->db, c.id, r->param[1], at, &who, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_empty(r, 204);
}

static void get_export(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	struct privacy_actor who;
	json_t *out;
	if (structure_open_community(r, &c, STAFF_CHANGE, &e) < 0)
		return http_reply_err(r, &e);
	who = actor_of(r);
	if (privacy_export(r->db, &out, c.id, r->param[1], &who, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 200, out);
}

static void get_explain(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	json_t *out;
	if (structure_open_community(r, &c, STAFF_READ, &e) < 0 ||
	    privacy_explain(r->db, &out, c.id, r->param[1], time_now(), &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 200, out);
}

static void delete_person(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	struct privacy_actor who;
	if (structure_open_community(r, &c, STAFF_CHANGE, &e) < 0)
		return http_reply_err(r, &e);
	who = actor_of(r);
	if (privacy_erase(r->db, c.id, r->param[1], &who, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_empty(r, 204);
}

static const struct route routes[] = {
    {"GET", "/api/communities/{id}/privacy", get_settings, 0},
    {"POST", "/api/communities/{id}/privacy/notices", post_notice, 0},
    {"POST", "/api/communities/{id}/privacy/purposes", post_purpose, 0},
    {"PUT", "/api/communities/{id}/privacy/categories", put_category, 0},
    {"GET", "/api/communities/{id}/residents/{resident}/consents", get_consents, 0},
    {"POST", "/api/communities/{id}/residents/{resident}/consents", post_consent, 0},
    {"POST", "/api/communities/{id}/residents/{resident}/consents/{consent}/withdraw",
     post_withdraw, 0},
    {"PUT", "/api/communities/{id}/residents/{resident}/moved-out", put_moved_out, 0},
    {"GET", "/api/communities/{id}/residents/{resident}/pipl/export", get_export, 0},
    {"GET", "/api/communities/{id}/residents/{resident}/pipl/explain", get_explain, 0},
    {"DELETE", "/api/communities/{id}/residents/{resident}/pipl", delete_person, 0},
};
const struct route_table privacy_routes = {routes, sizeof(routes) / sizeof(routes[0])};
