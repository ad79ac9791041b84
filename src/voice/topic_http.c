/*
 * topic_http.c - handlers of topics (议题); the rules are in topic.c.
 *
 * Members of the community (any grant in it) read topics, raise them,
 * support (附议) and comment; the scope a topic concerns says where it
 * lies, not who may read it, so a building's neighbours and the committee
 * see the same thread.  Workers (admin, street officer, community worker:
 * auth_changes_community) move stages, moderate, record decisions,
 * accountability items and meetings.  The owner of an item, when a user,
 * reports its progress too.  Another community's topic is 404, as are its
 * comments, items and meetings under any topic path.
 */
#include "voice/voice_http.h"

#include "auth/auth.h"
#include "core/timeutil.h"
#include "registry/structure.h"
#include "voice/topic.h"

#include <string.h>

static bool is_staff_of(struct req *r, const struct community *c)
{
	return auth_changes_community(r->user, c->id, c->street_id);
}

static bool scope_kind_valid(const char *s)
{
	return !strcmp(s, "community") || !strcmp(s, "compound") || !strcmp(s, "building") ||
	       !strcmp(s, "unit");
}

static const char *who(struct req *r)
{
	const char *d = r->user->display_name;
	return d && *d ? d : r->user->username;
}

static int open_topic(struct req *r, struct community *c, struct topic *t, enum voice_access need,
                      struct err *e)
{
	if (voice_open_community(r, c, need, e) < 0)
		return -1;
	return topic_get(r->db, t, c->id, r->param[1], &r->arena, e);
}

static void get_topics(struct req *r)
{
	const char *stage = http_query(r, "stage"), *category = http_query(r, "category");
	const char *scope = http_query(r, "scope");
	struct community c;
	struct err e = ERR_INIT;
	json_t *list;
	if (stage && *stage && !topic_stage_valid(stage))
		err_set(&e, ERR_INVALID, "stage", "no such stage: %s", stage);
	if (scope && *scope && !scope_kind_valid(scope))
		err_set(&e, ERR_INVALID, "scope",
		        "scope must be community, compound, building or unit");
	if (err_is_set(&e) || voice_open_community(r, &c, VOICE_MEMBER, &e) < 0 ||
	    topic_list(r->db, &list, c.id, stage, category, scope, r->user->user_id, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 200,
	                json_pack("{s:o, s:{s:I, s:s}, s:b}", "topics", list, "community", "id",
	                          (json_int_t)c.id, "name", c.name, "can_manage",
	                          is_staff_of(r, &c)));
}

static void post_topic(struct req *r)
{
	const char *title = NULL, *body = NULL, *category = NULL, *scope = "community";
	int64_t scope_id = 0;
	const struct jfield f[] = {
	    {"title", JF_STRING, true, 1, TOPIC_TITLE_MAX, &title},
	    {"body", JF_STRING, true, 1, TOPIC_BODY_MAX, &body},
	    {"category", JF_STRING, true, 1, TOPIC_CATEGORY_MAX, &category},
	    {"scope", JF_STRING, false, 1, 16, &scope},
	    {"scope_id", JF_INT, false, 1, INT64_MAX, &scope_id},
	};
	struct community c;
	struct topic_new tn = {0};
	struct err e = ERR_INIT;
	int64_t id;
	if (voice_open_community(r, &c, VOICE_MEMBER, &e) < 0 || http_body_take(r, f, 5, &e) < 0)
		return http_reply_err(r, &e);
	if (!scope_kind_valid(scope))
		err_set(&e, ERR_INVALID, "scope",
		        "scope must be community, compound, building or unit");
	else if (!strcmp(scope, "community") && scope_id == 0)
		scope_id = c.id;
	else if (scope_id == 0)
		err_set(&e, ERR_INVALID, "scope_id", "say which %s", scope);
	if (err_is_set(&e) ||
	    structure_node_in(r->db, c.id, scope, scope_id, &tn.scope_name, &r->arena, &e) < 0)
		return http_reply_err(r, &e);
	tn.title = title;
	tn.body = body;
	tn.category = category;
	tn.scope_kind = scope;
	tn.scope_id = scope_id;
	tn.raised_by = r->user->user_id;
	tn.raiser_name = who(r);
	tn.raiser_kind = auth_is_staff(r->user) ? "worker" : "resident";
	if (topic_add(r->db, &id, c.id, &tn, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 201,
	                json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, "stage", "proposal",
	                          "title", title));
}

static void get_topic(struct req *r)
{
	struct community c;
	struct topic t;
	struct err e = ERR_INIT;
	json_t *v;
	if (open_topic(r, &c, &t, VOICE_MEMBER, &e) < 0 ||
	    topic_view(r->db, &v, &t, r->user->user_id, is_staff_of(r, &c), time_now(), &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 200, v);
}

static void patch_topic(struct req *r)
{
	const char *stage = NULL, *note = NULL;
	const struct jfield f[] = {
	    {"stage", JF_STRING, true, 1, 16, &stage},
	    {"note", JF_STRING, true, 1, TOPIC_NOTE_MAX, &note},
	};
	struct community c;
	struct topic t;
	struct err e = ERR_INIT;
	if (open_topic(r, &c, &t, VOICE_CHANGER, &e) < 0 || http_body_take(r, f, 2, &e) < 0 ||
	    topic_move(r->db, &t, stage, note, r->user->user_id, who(r), &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 200, json_pack("{s:I, s:s}", "id", (json_int_t)t.id, "stage", stage));
}

static void put_support(struct req *r)
{
	struct community c;
	struct topic t;
	struct err e = ERR_INIT;
	int64_t n = 0;
	const char *stage = NULL;
	if (open_topic(r, &c, &t, VOICE_MEMBER, &e) < 0 ||
	    topic_support(r->db, &t, r->user->user_id, &n, &stage, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 200,
	                json_pack("{s:I, s:I, s:b, s:s}", "id", (json_int_t)t.id, "support",
	                          (json_int_t)n, "supported", 1, "stage", stage));
}

static void post_comment(struct req *r)
{
	const char *body = NULL;
	int64_t parent = 0;
	const struct jfield f[] = {
	    {"body", JF_STRING, true, 1, TOPIC_COMMENT_MAX, &body},
	    {"parent_id", JF_INT, false, 1, INT64_MAX, &parent},
	};
	struct community c;
	struct topic t;
	struct err e = ERR_INIT;
	int64_t id;
	if (open_topic(r, &c, &t, VOICE_MEMBER, &e) < 0 || http_body_take(r, f, 2, &e) < 0 ||
	    topic_comment_add(r->db, &id, &t, parent, r->user->user_id, who(r), body, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 201, json_pack("{s:I}", "id", (json_int_t)id));
}

static void patch_comment(struct req *r)
{
	const char *body = NULL;
	const struct jfield f[] = {{"body", JF_STRING, true, 1, TOPIC_COMMENT_MAX, &body}};
	struct community c;
	struct topic t;
	struct err e = ERR_INIT;
	if (open_topic(r, &c, &t, VOICE_MEMBER, &e) < 0 || http_body_take(r, f, 1, &e) < 0 ||
	    topic_comment_edit(r->db, &t, r->param[2], r->user->user_id, body, time_now(), &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 200, json_pack("{s:I}", "id", (json_int_t)r->param[2]));
}

static void put_comment_hidden(struct req *r)
{
	bool hidden = false;
	const char *reason = NULL;
	const struct jfield f[] = {
	    {"hidden", JF_BOOL, true, 0, 0, &hidden},
	    {"reason", JF_STRING, false, 1, TOPIC_REASON_MAX, &reason},
	};
	struct community c;
	struct topic t;
	struct err e = ERR_INIT;
	if (open_topic(r, &c, &t, VOICE_CHANGER, &e) < 0 || http_body_take(r, f, 2, &e) < 0 ||
	    topic_comment_hide(r->db, &t, r->param[2], hidden, reason, r->user->user_id, who(r),
	                       &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 200,
	                json_pack("{s:I, s:b}", "id", (json_int_t)r->param[2], "hidden", hidden));
}

static void put_decision(struct req *r)
{
	const char *outcome = NULL, *decided_by = NULL;
	int64_t vote_id = 0;
	const struct jfield f[] = {
	    {"outcome", JF_STRING, true, 1, TOPIC_OUTCOME_MAX, &outcome},
	    {"decided_by", JF_STRING, true, 1, 16, &decided_by},
	    {"vote_id", JF_INT, false, 1, INT64_MAX, &vote_id},
	};
	struct community c;
	struct topic t;
	struct err e = ERR_INIT;
	if (open_topic(r, &c, &t, VOICE_CHANGER, &e) < 0 || http_body_take(r, f, 3, &e) < 0 ||
	    topic_decide(r->db, &t, outcome, decided_by, vote_id, r->user->user_id, who(r), &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 200,
	                json_pack("{s:I, s:s, s:s}", "id", (json_int_t)t.id, "outcome", outcome,
	                          "decided_by", decided_by));
}

static void post_action(struct req *r)
{
	const char *task = NULL, *owner = NULL, *due = NULL;
	int64_t owner_user = 0;
	const struct jfield f[] = {
	    {"task", JF_STRING, true, 1, TOPIC_TASK_MAX, &task},
	    {"owner_name", JF_STRING, true, 1, TOPIC_OWNER_MAX, &owner},
	    {"owner_user_id", JF_INT, false, 1, INT64_MAX, &owner_user},
	    {"due", JF_STRING, true, 1, 10, &due},
	};
	struct community c;
	struct topic t;
	struct err e = ERR_INIT;
	int64_t id;
	if (open_topic(r, &c, &t, VOICE_CHANGER, &e) < 0 || http_body_take(r, f, 4, &e) < 0 ||
	    topic_action_add(r->db, &id, &t, task, owner, owner_user, due, r->user->user_id, &e) <
	        0)
		return http_reply_err(r, &e);
	http_reply_json(r, 201, json_pack("{s:I}", "id", (json_int_t)id));
}

static void post_progress(struct req *r)
{
	const char *text = NULL, *status = NULL;
	int64_t percent = -1;
	const struct jfield f[] = {
	    {"text", JF_STRING, true, 1, TOPIC_PROGRESS_MAX, &text},
	    {"percent", JF_INT, false, 0, 100, &percent},
	    {"status", JF_STRING, false, 1, 16, &status},
	};
	struct community c;
	struct topic t;
	struct err e = ERR_INIT;
	bool owner = false;
	int64_t id;
	if (open_topic(r, &c, &t, VOICE_MEMBER, &e) < 0 ||
	    topic_action_owner(r->db, &owner, &t, r->param[2], r->user->user_id, &e) < 0)
		return http_reply_err(r, &e);
	if (!owner && !is_staff_of(r, &c))
		err_set(&e, ERR_FORBIDDEN, NULL, "workers and the item's owner report progress");
	if (err_is_set(&e) || http_body_take(r, f, 3, &e) < 0 ||
	    topic_progress_add(r->db, &id, &t, r->param[2], text, percent, status, r->user->user_id,
	                       who(r), &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 201, json_pack("{s:I}", "id", (json_int_t)id));
}

static void post_meeting(struct req *r)
{
	struct topic_meeting_new m = {0};
	const struct jfield f[] = {
	    {"kind", JF_STRING, true, 1, 16, &m.kind},
	    {"date", JF_STRING, true, 1, 10, &m.date},
	    {"time", JF_STRING, false, 1, 5, &m.time},
	    {"place", JF_STRING, true, 1, TOPIC_PLACE_MAX, &m.place},
	    {"chair", JF_STRING, false, 1, TOPIC_OWNER_MAX, &m.chair},
	    {"recorder", JF_STRING, false, 1, TOPIC_OWNER_MAX, &m.recorder},
	    {"participants", JF_STRING, false, 1, TOPIC_PEOPLE_MAX, &m.participants},
	    {"attendees", JF_INT, false, 0, 100000, &m.attendees},
	};
	struct community c;
	struct topic t;
	struct err e = ERR_INIT;
	int64_t id;
	if (open_topic(r, &c, &t, VOICE_CHANGER, &e) < 0 || http_body_take(r, f, 8, &e) < 0 ||
	    topic_meeting_add(r->db, &id, &t, &m, r->user->user_id, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 201, json_pack("{s:I, s:s}", "id", (json_int_t)id, "status", "draft"));
}

static void patch_meeting(struct req *r)
{
	const char *status = NULL;
	const struct jfield f[] = {{"status", JF_STRING, true, 1, 16, &status}};
	struct community c;
	struct topic t;
	struct err e = ERR_INIT;
	if (open_topic(r, &c, &t, VOICE_CHANGER, &e) < 0 || http_body_take(r, f, 1, &e) < 0)
		return http_reply_err(r, &e);
	if (strcmp(status, "published"))
		err_set(&e, ERR_INVALID, "status", "status can only become published");
	if (err_is_set(&e) ||
	    topic_meeting_publish(r->db, &t, r->param[2], r->user->user_id, who(r), &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 200,
	                json_pack("{s:I, s:s}", "id", (json_int_t)r->param[2], "status", status));
}

static void put_minutes(struct req *r)
{
	const char *minutes = NULL;
	const struct jfield f[] = {{"minutes", JF_STRING, true, 0, TOPIC_MINUTES_MAX, &minutes}};
	struct community c;
	struct topic t;
	struct err e = ERR_INIT;
	if (open_topic(r, &c, &t, VOICE_CHANGER, &e) < 0 || http_body_take(r, f, 1, &e) < 0 ||
	    topic_minutes_put(r->db, &t, r->param[2], r->param[3], minutes, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 200, json_pack("{s:I}", "id", (json_int_t)r->param[3]));
}

/* The compounds and buildings, names and ids only, so that a resident can
 * say which one a topic concerns (the structure itself is for staff). */
static json_t *places(const json_t *tree)
{
	json_t *out = json_array(), *p, *b;
	size_t i, j;
	json_array_foreach(json_object_get(tree, "compounds"), i, p)
	{
		json_t *bs = json_array();
		json_array_foreach(json_object_get(p, "buildings"), j, b) json_array_append_new(
		    bs, json_pack("{s:O, s:O}", "id", json_object_get(b, "id"), "name",
		                  json_object_get(b, "name")));
		json_array_append_new(out, json_pack("{s:O, s:O, s:o}", "id",
		                                     json_object_get(p, "id"), "name",
		                                     json_object_get(p, "name"), "buildings", bs));
	}
	return out;
}

static void get_settings(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	json_t *v, *tree = NULL;
	if (voice_open_community(r, &c, VOICE_MEMBER, &e) < 0 ||
	    structure_tree(r->db, &c, &tree, &e) < 0)
		return http_reply_err(r, &e);
	if (topic_settings_get(r->db, &v, c.id, &e) < 0) {
		json_decref(tree);
		return http_reply_err(r, &e);
	}
	json_object_set_new(v, "can_manage", json_boolean(is_staff_of(r, &c)));
	json_object_set_new(v, "community",
	                    json_pack("{s:I, s:s}", "id", (json_int_t)c.id, "name", c.name));
	json_object_set_new(v, "places", places(tree));
	json_decref(tree);
	http_reply_json(r, 200, v);
}

/* {"categories": ["...", ...], "support_threshold": n}: an array of strings,
 * which the field table does not take, so the body is read here. */
static void put_settings(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	json_t *body = NULL, *cats, *th;
	const char **names = NULL;
	const char *key;
	json_t *val;
	size_t n = 0;

	if (voice_open_community(r, &c, VOICE_CHANGER, &e) < 0 ||
	    !(body = json_parse_object(r->body, r->body_len, &e)))
		return http_reply_err(r, &e);
	json_object_foreach(body, key, val)
	{
		if (strcmp(key, "categories") && strcmp(key, "support_threshold")) {
			err_set(&e, ERR_INVALID, key, "unknown field %s", key);
			break;
		}
	}
	cats = json_object_get(body, "categories");
	th = json_object_get(body, "support_threshold");
	if (!json_is_array(cats))
		err_set(&e, ERR_INVALID, "categories", "categories must be a list of names");
	else if ((n = json_array_size(cats)) > TOPIC_CATEGORIES_MAX)
		err_set(&e, ERR_INVALID, "categories", "at most %d categories",
		        TOPIC_CATEGORIES_MAX);
	if (!json_is_integer(th))
		err_set(&e, ERR_INVALID, "support_threshold",
		        "support_threshold must be a whole number");
	if (!err_is_set(&e)) {
		names = arena_alloc(&r->arena, (n ? n : 1) * sizeof(*names));
		for (size_t i = 0; i < n; i++) {
			json_t *s = json_array_get(cats, i);
			if (!json_is_string(s)) {
				err_set(&e, ERR_INVALID, "categories", "each category is a name");
				break;
			}
			names[i] = arena_strdup(&r->arena, json_string_value(s));
		}
	}
	if (!err_is_set(&e))
		topic_settings_put(r->db, c.id, names, n, json_integer_value(th), &e);
	json_decref(body);
	if (err_is_set(&e))
		return http_reply_err(r, &e);
	get_settings(r);
}

static const struct route routes[] = {
    {"GET", "/api/communities/{id}/topic-settings", get_settings, 0},
    {"PUT", "/api/communities/{id}/topic-settings", put_settings, 0},
    {"GET", "/api/communities/{id}/topics", get_topics, 0},
    {"POST", "/api/communities/{id}/topics", post_topic, 0},
    {"GET", "/api/communities/{id}/topics/{topic}", get_topic, 0},
    {"PATCH", "/api/communities/{id}/topics/{topic}", patch_topic, 0},
    {"PUT", "/api/communities/{id}/topics/{topic}/support", put_support, 0},
    {"POST", "/api/communities/{id}/topics/{topic}/comments", post_comment, 0},
    {"PATCH", "/api/communities/{id}/topics/{topic}/comments/{comment}", patch_comment, 0},
    {"PUT", "/api/communities/{id}/topics/{topic}/comments/{comment}/hidden", put_comment_hidden,
     0},
    {"PUT", "/api/communities/{id}/topics/{topic}/decision", put_decision, 0},
    {"POST", "/api/communities/{id}/topics/{topic}/actions", post_action, 0},
    {"POST", "/api/communities/{id}/topics/{topic}/actions/{action}/progress", post_progress, 0},
    {"POST", "/api/communities/{id}/topics/{topic}/meetings", post_meeting, 0},
    {"PATCH", "/api/communities/{id}/topics/{topic}/meetings/{meeting}", patch_meeting, 0},
    {"PUT", "/api/communities/{id}/topics/{topic}/meetings/{meeting}/items/{item}", put_minutes, 0},
};
const struct route_table topic_routes = {routes, sizeof(routes) / sizeof(routes[0])};
