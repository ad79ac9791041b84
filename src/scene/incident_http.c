/*
 * incident_http.c - handlers of the incident log, its figures and the
 * script review; the rules are in incident.c.
 *
 * Members read a scene's incidents, figures and review (volunteers learn
 * from them).  Field staff (admin, street officer, community worker, grid
 * worker, building lead: auth_reads_community) record incidents and update
 * their follow-up; the building lead is at the gate as often as anyone.
 * Deleting an incident is for those who change the community, with an
 * optional reason, and audited.  Another community's ids are 404.
 */
#include "scene/incident.h"

#include "auth/auth.h"
#include "http/http.h"
#include "scene/scene.h"
#include "voice/voice_http.h"

static int open_field(struct req *r, struct community *c, struct err *e)
{
	if (voice_open_community(r, c, VOICE_MEMBER, e) < 0)
		return -1;
	if (!auth_reads_community(r->user, c->id, c->street_id))
		return err_set(e, ERR_FORBIDDEN, NULL, "only staff and building leads record incidents");
	return 0;
}

static const char *who(struct req *r)
{
	const char *d = r->user->display_name;
	return d && *d ? d : r->user->username;
}

static void get_incidents(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	json_t *list, *figures;
	if (voice_open_community(r, &c, VOICE_MEMBER, &e) < 0 ||
	    incident_figures(r->db, &figures, c.id, r->param[1], &e) < 0)
		return http_reply_err(r, &e);
	if (incident_list(r->db, &list, c.id, r->param[1], &e) < 0) {
		json_decref(figures);
		return http_reply_err(r, &e);
	}
	http_reply_json(r, 200,
			json_pack("{s:o, s:o, s:b, s:b}", "incidents", list, "figures", figures,
				  "can_record", auth_reads_community(r->user, c.id, c.street_id),
				  "can_delete", auth_changes_community(r->user, c.id, c.street_id)));
}

static void post_incident(struct req *r)
{
	struct incident_new n = {0};
	const struct jfield f[] = {
	    {"type", JF_STRING, true, 1, 32, &n.type},
	    {"what", JF_STRING, true, 1, INCIDENT_WHAT_MAX, &n.what},
	    {"outcome", JF_STRING, true, 1, 16, &n.outcome},
	    {"post_id", JF_INT, false, 1, INT64_MAX, &n.post_id},
	    {"shift_id", JF_INT, false, 1, INT64_MAX, &n.shift_id},
	    {"script_id", JF_INT, false, 1, INT64_MAX, &n.script_id},
	    {"occurred_at", JF_INT, false, 1, INT64_MAX / 2, &n.occurred_at},
	    {"followup", JF_STRING, false, 0, INCIDENT_FOLLOWUP_MAX, &n.followup},
	    {"due", JF_STRING, false, 0, 10, &n.due},
	};
	struct community c;
	struct err e = ERR_INIT;
	int64_t id;
	if (open_field(r, &c, &e) < 0 || http_body_take(r, f, 9, &e) < 0 ||
	    incident_add(r->db, &id, c.id, r->param[1], &n, r->user->user_id, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 201, json_pack("{s:I}", "id", (json_int_t)id));
}

static void put_incident(struct req *r)
{
	struct incident_change ch = {.done = -1};
	bool done = false, has_done = false;
	const struct jfield f[] = {
	    {"outcome", JF_STRING, false, 1, 16, &ch.outcome},
	    {"followup", JF_STRING, false, 0, INCIDENT_FOLLOWUP_MAX, &ch.followup},
	    {"due", JF_STRING, false, 0, 10, &ch.due},
	    {"done", JF_BOOL, false, 0, 0, &done, &has_done},
	};
	struct community c;
	struct err e = ERR_INIT;
	if (open_field(r, &c, &e) < 0 || http_body_take(r, f, 4, &e) < 0)
		return http_reply_err(r, &e);
	if (has_done)
		ch.done = done;
	if (incident_update(r->db, c.id, r->param[1], &ch, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_empty(r, 204);
}

static void delete_incident(struct req *r)
{
	const char *reason = NULL;
	const struct jfield f[] = {{"reason", JF_STRING, false, 0, 200, &reason}};
	struct community c;
	struct err e = ERR_INIT;
	if (voice_open_community(r, &c, VOICE_CHANGER, &e) < 0 ||
	    (r->body_len && http_body_take(r, f, 1, &e) < 0) ||
	    incident_delete(r->db, c.id, r->param[1], r->user->user_id, who(r), reason, r->ip, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_empty(r, 204);
}

static void get_review(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	json_t *list;
	if (voice_open_community(r, &c, VOICE_MEMBER, &e) < 0 ||
	    script_review(r->db, &list, c.id, r->param[1], &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 200, json_pack("{s:o, s:b}", "scripts", list, "can_revise",
					  auth_changes_community(r->user, c.id, c.street_id)));
}

static const struct route routes[] = {
    {"GET", "/api/communities/{id}/scenes/{scene}/incidents", get_incidents, 0},
    {"POST", "/api/communities/{id}/scenes/{scene}/incidents", post_incident, 0},
    {"PUT", "/api/communities/{id}/incidents/{incident}", put_incident, 0},
    {"DELETE", "/api/communities/{id}/incidents/{incident}", delete_incident, 0},
    {"GET", "/api/communities/{id}/scenes/{scene}/script-review", get_review, 0},
};
const struct route_table incident_routes = {routes, sizeof(routes) / sizeof(routes[0])};
