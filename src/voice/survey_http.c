/*
 * survey_http.c - handlers of surveys (问卷).
 *
 * Members of a community (any grant in it) read its open and closed
 * surveys and answer them; those who change the community (admin, street
 * officer, worker) create surveys, open and close them, see drafts and
 * results at any time, hide a text answer (audited) and export the results
 * as CSV.  A draft is a 404 to members, as if it did not exist yet.
 */
#include "voice/voice_http.h"

#include "auth/auth.h"
#include "registry/structure.h"
#include "voice/survey.h"

#include <string.h>

static int open_survey(struct req *r, struct community *c, struct survey_info *s,
                       enum voice_access need, struct err *e)
{
	if (voice_open_community(r, c, need, e) < 0 ||
	    survey_get(r->db, s, c->id, r->param[1], &r->arena, e) < 0)
		return -1;
	if (!strcmp(s->status, "draft") && !auth_changes_community(r->user, c->id, c->street_id))
		return err_set(e, ERR_NOT_FOUND, NULL, "no such survey");
	return 0;
}

static void get_surveys(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	json_t *list;
	bool manage;
	if (voice_open_community(r, &c, VOICE_MEMBER, &e) < 0)
		return http_reply_err(r, &e);
	manage = auth_changes_community(r->user, c.id, c.street_id);
	if (survey_list(r->db, &list, c.id, manage, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 200,
	                json_pack("{s:o, s:{s:I, s:s}, s:b}", "surveys", list, "community", "id",
	                          (json_int_t)c.id, "name", c.name, "can_manage", manage));
}

static void post_survey(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	json_t *body = NULL;
	int64_t id;
	if (voice_open_community(r, &c, VOICE_CHANGER, &e) < 0 ||
	    !(body = json_parse_object(r->body, r->body_len, &e)) ||
	    survey_create(r->db, &id, c.id, body, r->user->user_id, &r->arena, &e) < 0) {
		json_decref(body);
		return http_reply_err(r, &e);
	}
	json_decref(body);
	http_reply_json(r, 201, json_pack("{s:I, s:s}", "id", (json_int_t)id, "status", "draft"));
}

static void get_survey(struct req *r)
{
	struct community c;
	struct survey_info s;
	struct err e = ERR_INIT;
	json_t *v;
	if (open_survey(r, &c, &s, VOICE_MEMBER, &e) < 0 ||
	    survey_view(r->db, &v, &s, r->user->user_id, &e) < 0)
		return http_reply_err(r, &e);
	json_object_set_new(v, "can_manage",
	                    json_boolean(auth_changes_community(r->user, c.id, c.street_id)));
	http_reply_json(r, 200, v);
}

static void patch_survey(struct req *r)
{
	const char *status = NULL;
	const struct jfield f[] = {{"status", JF_STRING, true, 1, 16, &status}};
	struct community c;
	struct survey_info s;
	struct err e = ERR_INIT;
	if (open_survey(r, &c, &s, VOICE_CHANGER, &e) < 0 || http_body_take(r, f, 1, &e) < 0 ||
	    survey_set_status(r->db, &s, status, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 200, json_pack("{s:I, s:s}", "id", (json_int_t)s.id, "status", status));
}

static void put_answer(struct req *r)
{
	struct community c;
	struct survey_info s;
	struct err e = ERR_INIT;
	json_t *body = NULL, *answers;
	const char *token = NULL, *token_out = NULL;
	if (open_survey(r, &c, &s, VOICE_MEMBER, &e) < 0 ||
	    !(body = json_parse_object(r->body, r->body_len, &e)))
		goto fail;
	/* the body is {answers, change_token?}: anything else is named */
	const char *key;
	json_t *val;
	json_object_foreach(body, key, val)
	{
		if (strcmp(key, "answers") && strcmp(key, "change_token")) {
			err_set(&e, ERR_INVALID, key, "unknown field");
			goto fail;
		}
	}
	if (!(answers = json_object_get(body, "answers"))) {
		err_set(&e, ERR_INVALID, "answers", "answers is required");
		goto fail;
	}
	val = json_object_get(body, "change_token");
	if (val && (!json_is_string(val) || json_string_length(val) != SURVEY_TOKEN_LEN)) {
		err_set(&e, ERR_INVALID, "change_token", "not a change token");
		goto fail;
	}
	if (val)
		token = json_string_value(val);
	if (survey_answer(r->db, &s, r->user->user_id, answers, token, &token_out, &r->arena,
	                  &e) < 0)
		goto fail;
	json_decref(body);
	json_t *out = json_pack("{s:I, s:b}", "survey", (json_int_t)s.id, "answered", 1);
	if (token_out)
		json_object_set_new(out, "change_token", json_string(token_out));
	return http_reply_json(r, 200, out);
fail:
	json_decref(body);
	http_reply_err(r, &e);
}

/* Members see results once the survey is closed; workers at any time. */
static int open_results(struct req *r, struct community *c, struct survey_info *s,
                        bool *manage, struct err *e)
{
	if (open_survey(r, c, s, VOICE_MEMBER, e) < 0)
		return -1;
	*manage = auth_changes_community(r->user, c->id, c->street_id);
	if (strcmp(s->status, "closed") && !*manage)
		return err_set(e, ERR_FORBIDDEN, NULL,
		               "the results are published when the survey closes");
	return 0;
}

static void get_results(struct req *r)
{
	struct community c;
	struct survey_info s;
	struct err e = ERR_INIT;
	bool manage;
	json_t *v;
	if (open_results(r, &c, &s, &manage, &e) < 0 ||
	    survey_results(r->db, &v, &s, manage, &e) < 0)
		return http_reply_err(r, &e);
	json_object_set_new(v, "final", json_boolean(!strcmp(s.status, "closed")));
	json_object_set_new(v, "can_manage", json_boolean(manage));
	http_reply_json(r, 200, v);
}

static void get_results_csv(struct req *r)
{
	struct community c;
	struct survey_info s;
	struct err e = ERR_INIT;
	struct strbuf sb = STRBUF_INIT;
	if (open_survey(r, &c, &s, VOICE_CHANGER, &e) < 0 ||
	    survey_results_csv(r->db, &sb, &s, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_text(r, 200, "text/csv; charset=utf-8", sb.buf, sb.len);
	strbuf_release(&sb);
}

static void post_hide(struct req *r)
{
	const char *reason = NULL;
	const struct jfield f[] = {{"reason", JF_STRING, true, 1, SURVEY_REASON_MAX, &reason}};
	struct community c;
	struct survey_info s;
	struct err e = ERR_INIT;
	if (open_survey(r, &c, &s, VOICE_CHANGER, &e) < 0 || http_body_take(r, f, 1, &e) < 0 ||
	    survey_hide_answer(r->db, &s, r->param[2], reason, r->user->user_id,
	                       r->user->username, r->ip, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 200,
	                json_pack("{s:I, s:b}", "id", (json_int_t)r->param[2], "hidden", 1));
}

static const struct route routes[] = {
    {"GET", "/api/communities/{id}/surveys", get_surveys, 0},
    {"POST", "/api/communities/{id}/surveys", post_survey, 0},
    {"GET", "/api/communities/{id}/surveys/{survey}", get_survey, 0},
    {"PATCH", "/api/communities/{id}/surveys/{survey}", patch_survey, 0},
    {"PUT", "/api/communities/{id}/surveys/{survey}/answer", put_answer, 0},
    {"GET", "/api/communities/{id}/surveys/{survey}/results", get_results, 0},
    {"GET", "/api/communities/{id}/surveys/{survey}/results.csv", get_results_csv, 0},
    {"POST", "/api/communities/{id}/surveys/{survey}/answers/{answer}/hide", post_hide, 0},
};
const struct route_table survey_routes = {routes, sizeof(routes) / sizeof(routes[0])};
