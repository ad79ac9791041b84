/*
 * emergency_http.c - handlers of door cards, activations, check-ins, the
 * live view, follow-ups, help requests and the report (docs/api.md, "New
 * fields: emergency activation and check-ins").
 *
 * Who may do what: workers (those who change the community: worker, street
 * officer, admin) issue and print door cards, declare, broadcast and
 * close; staff who read the community (also grid workers and building
 * leads) see the live view, mark households, assign follow-ups and move
 * help requests - a building lead only in their own buildings (other
 * buildings are left out of their view, and marking there is 403);
 * volunteers see and close the follow-ups assigned to them.  A community
 * outside the caller's scope is 404 (structure_open_community).
 *
 * The public check-in (no session) takes the token in the query string
 * (GET) or the body (POST), never in the path: the router's parameters are
 * ids, and the access log writes paths but not queries, so tokens stay out
 * of the logs.  It is throttled per address, per unknown token and per
 * card (doorcard.h), and answers nothing personal.
 */
#include "auth/auth.h"
#include "core/qr.h"
#include "core/timeutil.h"
#include "field/doorcard.h"
#include "field/emergency.h"
#include "http/http.h"
#include "registry/structure.h"
#include "registry/structure_http.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- access ---- */

enum need { READ, CHANGE };

/*
 * Opens the community r->param[0] for staff; *only gets the buildings a
 * building lead is limited to (or stays empty for everyone else).
 */
static int open_em(struct req *r, struct community *c, enum need need, struct emergency_only *only,
                   struct err *e)
{
	const struct principal *p = r->user;
	int64_t *ids;
	size_t n = 0;
	bool full = false;

	*only = (struct emergency_only){0};
	if (structure_open_community(r, c, need == CHANGE ? STAFF_CHANGE : STAFF_READ, e) < 0)
		return -1;
	ids = arena_alloc(&r->arena, (p->ngrants + 1) * sizeof(*ids));
	for (size_t i = 0; i < p->ngrants; i++) {
		const struct grant *g = &p->grants[i];
		if (g->role == ROLE_ADMIN ||
		    (g->role == ROLE_STREET && g->street_id == c->street_id) ||
		    ((g->role == ROLE_WORKER || g->role == ROLE_GRID) && g->community_id == c->id))
			full = true;
		else if (g->role == ROLE_LEAD && g->scope == SCOPE_BUILDING &&
		         g->community_id == c->id)
			ids[n++] = g->scope_id;
	}
	if (!full) {
		only->buildings = ids;
		only->n = n;
	}
	return 0;
}

static bool volunteer_of(const struct principal *p, int64_t community_id)
{
	for (size_t i = 0; p && i < p->ngrants; i++)
		if (p->grants[i].role == ROLE_VOLUNTEER &&
		    p->grants[i].community_id == community_id)
			return true;
	return false;
}

static struct emergency_actor actor(struct req *r)
{
	return (struct emergency_actor){r->user->user_id, r->user->username, r->user->display_name,
	                                r->ip};
}

/* ---- the body of a mark: status, needs (an array of names), note ---- */

/* Takes the mark from the object o (a reference is stolen). */
static int take_mark_from(struct req *r, json_t *o, struct emergency_mark *m, const char **channel,
                          struct err *e);

static int take_mark(struct req *r, struct emergency_mark *m, const char **channel, struct err *e)
{
	json_t *o = json_parse_object(r->body, r->body_len, e);
	if (!o)
		return -1;
	return take_mark_from(r, o, m, channel, e);
}

static int take_mark_from(struct req *r, json_t *o, struct emergency_mark *m, const char **channel,
                          struct err *e)
{
	const char *status = NULL;
	json_t *needs, *v;
	const struct jfield f[] = {
	    {"status", JF_STRING, true, 1, 20, &status, NULL},
	    {"note", JF_STRING, false, 0, EMERGENCY_NOTE_MAX, &m->note, NULL},
	    {"channel", JF_STRING, false, 1, 20, channel, NULL},
	};
	size_t i;
	int rc = -1;

	needs = json_incref(json_object_get(o, "needs"));
	json_object_del(o, "needs");
	if (json_take(o, f, channel ? 3 : 2, &r->arena, e) < 0)
		goto out;
	if ((m->status = emergency_status_parse(status)) <= EM_UNKNOWN) {
		err_set(e, ERR_INVALID, "status",
		        "status must be safe, needs_help, away or no_answer");
		goto out;
	}
	if (needs && !json_is_array(needs) && !json_is_null(needs)) {
		err_set(e, ERR_INVALID, "needs", "needs is a list of kinds");
		goto out;
	}
	json_array_foreach(needs, i, v)
	{
		int k = emergency_need_parse(json_string_value(v));
		if (k < 0) {
			err_set(
			    e, ERR_INVALID, "needs",
			    "needs are medical, medicine, food, water, mobility, shelter or other");
			goto out;
		}
		m->needs |= 1u << k;
	}
	rc = 0;
out:
	json_decref(needs);
	json_decref(o);
	return rc;
}

/* ---- door cards ---- */

static pthread_once_t public_once = PTHREAD_ONCE_INIT;
static char *public_url;

static void public_read(void)
{
	const char *v = getenv("LINLI_PUBLIC_URL");
	if (v && *v) {
		size_t n = strlen(v);
		char *s = xstrdup(v);
		while (n > 0 && s[n - 1] == '/')
			s[--n] = '\0';
		public_url = s;
	}
}

/* The base of check-in URLs (LINLI_PUBLIC_URL, else the Host header). */
static const char *safe_base(struct req *r, struct err *e)
{
	const char *host = http_header(r, "Host");
	pthread_once(&public_once, public_read);
	if (public_url)
		return public_url;
	if (!host || !*host || strlen(host) > 255 ||
	    strspn(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]") !=
	        strlen(host)) {
		err_set(e, ERR_INVALID, "host", "no usable Host header: set LINLI_PUBLIC_URL");
		return NULL;
	}
	return arena_printf(&r->arena, "%s://%s", r->secure ? "https" : "http", host);
}

static struct doorcard_actor card_actor(struct req *r)
{
	return (struct doorcard_actor){r->user->user_id, r->user->username, r->ip};
}

static void post_cards(struct req *r)
{
	struct community c;
	struct emergency_only only;
	struct doorcard_actor who;
	struct err e = ERR_INIT;
	int64_t issued = 0;
	if (open_em(r, &c, CHANGE, &only, &e) < 0)
		return http_reply_err(r, &e);
	who = card_actor(r);
	if (doorcard_issue_building(r->db, &issued, c.id, r->param[1], &who, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 201,
	                json_pack("{s:I, s:I}", "building_id", (json_int_t)r->param[1], "issued",
	                          (json_int_t)issued));
}

static void get_cards(struct req *r)
{
	struct community c;
	struct emergency_only only;
	struct err e = ERR_INIT;
	const char *base;
	json_t *out, *card;
	size_t i;
	if (open_em(r, &c, CHANGE, &only, &e) < 0 || !(base = safe_base(r, &e)) ||
	    doorcard_sheet(r->db, &out, c.id, r->param[1], &e) < 0)
		return http_reply_err(r, &e);
	json_array_foreach(json_object_get(out, "cards"), i, card)
	{
		const char *t = json_string_value(json_object_get(card, "token"));
		json_object_set_new(
		    card, "url",
		    t ? json_string(arena_printf(&r->arena, "%s/#/safe/%s", base, t))
		      : json_null());
	}
	json_object_set_new(out, "community", json_string(c.name));
	http_reply_json(r, 200, out);
}

static void post_reissue(struct req *r)
{
	struct community c;
	struct emergency_only only;
	struct doorcard_actor who;
	struct err e = ERR_INIT;
	if (open_em(r, &c, CHANGE, &only, &e) < 0)
		return http_reply_err(r, &e);
	who = card_actor(r);
	if (doorcard_reissue(r->db, c.id, r->param[1], &who, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 201, json_pack("{s:I}", "dwelling_id", (json_int_t)r->param[1]));
}

static void delete_card(struct req *r)
{
	struct community c;
	struct emergency_only only;
	struct doorcard_actor who;
	struct err e = ERR_INIT;
	if (open_em(r, &c, CHANGE, &only, &e) < 0)
		return http_reply_err(r, &e);
	who = card_actor(r);
	if (doorcard_revoke(r->db, c.id, r->param[1], &who, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_empty(r, 204);
}

static void get_card_qr(struct req *r)
{
	struct community c;
	struct emergency_only only;
	struct err e = ERR_INIT;
	char token[DOORCARD_TOKEN_LEN + 1];
	const char *base;
	struct strbuf sb;
	if (open_em(r, &c, CHANGE, &only, &e) < 0 || !(base = safe_base(r, &e)) ||
	    doorcard_token_of(r->db, token, c.id, r->param[1], &e) < 0)
		return http_reply_err(r, &e);
	strbuf_init(&sb);
	if (qr_svg(&sb, arena_printf(&r->arena, "%s/#/safe/%s", base, token), &e) < 0) {
		strbuf_release(&sb);
		return http_reply_err(r, &e);
	}
	http_reply_text(r, 200, "image/svg+xml", sb.buf, sb.len);
	strbuf_release(&sb);
}

/* ---- activations ---- */

static void post_activation(struct req *r)
{
	const char *scope = NULL;
	struct jints blds = {0};
	struct emergency_new n = {0};
	const struct jfield f[] = {
	    {"hazard", JF_STRING, true, 1, 20, &n.hazard, NULL},
	    {"title", JF_STRING, true, 1, EMERGENCY_TITLE_MAX, &n.title, NULL},
	    {"scope", JF_STRING, true, 1, 20, &scope, NULL},
	    {"buildings", JF_INTS, false, 1, EMERGENCY_BUILDINGS_MAX, &blds, NULL, 1, INT64_MAX},
	    {"escalate_minutes", JF_INT, false, 1, EMERGENCY_ESCALATE_MAX, &n.escalate_minutes,
	     NULL},
	};
	struct community c;
	struct emergency_only only;
	struct emergency_actor who;
	struct err e = ERR_INIT;
	int64_t id;

	if (open_em(r, &c, CHANGE, &only, &e) < 0 || http_body_take(r, f, 5, &e) < 0)
		return http_reply_err(r, &e);
	if (strcmp(scope, "community") && strcmp(scope, "buildings")) {
		err_set(&e, ERR_INVALID, "scope", "scope must be community or buildings");
		return http_reply_err(r, &e);
	}
	n.community = !strcmp(scope, "community");
	if (n.community && blds.n) {
		err_set(&e, ERR_INVALID, "buildings", "buildings go with scope buildings");
		return http_reply_err(r, &e);
	}
	n.buildings = blds.v;
	n.nbuildings = blds.n;
	who = actor(r);
	if (emergency_declare(r->db, &id, c.id, &n, &who, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(
	    r, 201,
	    json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, "title", n.title, "status", "open"));
}

static int open_followups(struct req *r, struct community *c, int64_t *mine, struct err *e);

static void get_activations(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	int64_t mine;
	json_t *out;
	/* staff, and volunteers (who go on to their follow-ups) */
	if (open_followups(r, &c, &mine, &e) < 0 || emergency_list(r->db, &out, c.id, &e) < 0)
		return http_reply_err(r, &e);
	json_object_set_new(out, "followups_only", json_boolean(mine != 0));
	json_object_set_new(out, "can_manage",
	                    json_boolean(auth_changes_community(r->user, c.id, c.street_id)));
	http_reply_json(r, 200, out);
}

static void get_live(struct req *r)
{
	struct community c;
	struct emergency_only only;
	struct err e = ERR_INIT;
	struct jsonw w = JSONW_INIT;
	if (open_em(r, &c, READ, &only, &e) < 0)
		return http_reply_err(r, &e);
	jw_obj(&w);
	if (emergency_live(r->db, &w, c.id, r->param[1], &only, time_now(), &e) < 0) {
		jw_release(&w);
		return http_reply_err(r, &e);
	}
	jw_key(&w, "can_manage");
	jw_bool(&w, auth_changes_community(r->user, c.id, c.street_id));
	jw_key(&w, "lead_only");
	jw_bool(&w, only.buildings != NULL);
	jw_obj_end(&w);
	http_reply_jsonw(r, 200, &w);
}

static void post_broadcast(struct req *r)
{
	const char *body = NULL;
	const struct jfield f[] = {{"body", JF_STRING, false, 1, EMERGENCY_BODY_MAX, &body, NULL}};
	struct community c;
	struct emergency_only only;
	struct emergency_actor who;
	struct err e = ERR_INIT;
	json_t *out;
	if (open_em(r, &c, CHANGE, &only, &e) < 0 ||
	    (r->body_len && http_body_take(r, f, 1, &e) < 0))
		return http_reply_err(r, &e);
	who = actor(r);
	if (emergency_broadcast(r->db, &out, c.id, r->param[1], body, &who, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 201, out);
}

static void post_close(struct req *r)
{
	struct community c;
	struct emergency_only only;
	struct emergency_actor who;
	struct err e = ERR_INIT;
	if (open_em(r, &c, CHANGE, &only, &e) < 0)
		return http_reply_err(r, &e);
	who = actor(r);
	if (emergency_close(r->db, c.id, r->param[1], &who, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 200,
	                json_pack("{s:I, s:s}", "id", (json_int_t)r->param[1], "status", "closed"));
}

/* The report is the whole activation's: not for a lead limited to some
 * buildings. */
static int open_report(struct req *r, struct community *c, struct err *e)
{
	struct emergency_only only;
	if (open_em(r, c, READ, &only, e) < 0)
		return -1;
	if (only.buildings)
		return err_set(e, ERR_FORBIDDEN, NULL, "the report covers every building");
	return 0;
}

static void get_report(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	json_t *out;
	if (open_report(r, &c, &e) < 0 || emergency_report(r->db, &out, c.id, r->param[1], &e) < 0)
		return http_reply_err(r, &e);
	json_object_set_new(out, "community", json_string(c.name));
	http_reply_json(r, 200, out);
}

static void get_report_csv(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	struct strbuf sb;
	strbuf_init(&sb);
	if (open_report(r, &c, &e) < 0 ||
	    emergency_report_csv(r->db, &sb, c.id, r->param[1], &e) < 0) {
		strbuf_release(&sb);
		return http_reply_err(r, &e);
	}
	http_reply_text(r, 200, "text/csv; charset=utf-8", sb.buf, sb.len);
	strbuf_release(&sb);
}

/* ---- households ---- */

static void post_household(struct req *r)
{
	struct community c;
	struct emergency_only only;
	struct emergency_mark m = {0};
	const char *channel = NULL;
	struct err e = ERR_INIT;
	if (open_em(r, &c, READ, &only, &e) < 0 || take_mark(r, &m, &channel, &e) < 0)
		return http_reply_err(r, &e);
	if (channel) {
		m.channel = emergency_channel_parse(channel);
		if (m.channel < 0 || m.channel == EM_DOOR_CARD) {
			err_set(&e, ERR_INVALID, "channel",
			        "channel must be lead, phone or worker");
			return http_reply_err(r, &e);
		}
	} else {
		m.channel = only.buildings ? EM_LEAD : EM_WORKER;
	}
	m.user_id = r->user->user_id;
	m.user_name = r->user->display_name;
	if (emergency_mark(r->db, c.id, r->param[1], r->param[2], &only, &m, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 200,
	                json_pack("{s:I, s:s, s:s}", "dwelling_id", (json_int_t)r->param[2],
	                          "status", emergency_status_name(m.status), "channel",
	                          emergency_channel_name(m.channel)));
}

static void get_household(struct req *r)
{
	struct community c;
	struct emergency_only only;
	struct err e = ERR_INIT;
	json_t *out;
	if (open_em(r, &c, READ, &only, &e) < 0 ||
	    emergency_household(r->db, &out, c.id, r->param[1], r->param[2], &only, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 200, out);
}

/* ---- follow-ups and requests ---- */

static void post_followup(struct req *r)
{
	int64_t dwelling = 0, assignee = 0, id = 0;
	const char *note = NULL;
	const struct jfield f[] = {
	    {"dwelling_id", JF_INT, true, 1, INT64_MAX, &dwelling, NULL},
	    {"assignee", JF_INT, true, 1, INT64_MAX, &assignee, NULL},
	    {"note", JF_STRING, false, 0, EMERGENCY_NOTE_MAX, &note, NULL},
	};
	struct community c;
	struct emergency_only only;
	struct emergency_actor who;
	struct err e = ERR_INIT;
	if (open_em(r, &c, READ, &only, &e) < 0 || http_body_take(r, f, 3, &e) < 0)
		return http_reply_err(r, &e);
	who = actor(r);
	if (emergency_followup_add(r->db, &id, c.id, r->param[1], dwelling, assignee, note, &only,
	                           &who, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 201,
	                json_pack("{s:I, s:I, s:I}", "id", (json_int_t)id, "dwelling_id",
	                          (json_int_t)dwelling, "assignee", (json_int_t)assignee));
}

/* Staff see every follow-up; a volunteer of the community only theirs
 * (*mine gets their user id). */
static int open_followups(struct req *r, struct community *c, int64_t *mine, struct err *e)
{
	struct emergency_only only;
	*mine = 0;
	if (auth_is_staff(r->user))
		return open_em(r, c, READ, &only, e);
	if (structure_community_get(r->db, c, r->param[0], &r->arena, e) < 0)
		return -1;
	if (!auth_member_of(r->user, c->id, c->street_id)) {
		err_clear(e);
		return err_set(e, ERR_NOT_FOUND, NULL, "no such community");
	}
	if (!volunteer_of(r->user, c->id))
		return err_set(e, ERR_FORBIDDEN, NULL, "your role has no follow-ups");
	*mine = r->user->user_id;
	return 0;
}

static void get_followups(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	int64_t mine;
	json_t *out;
	if (open_followups(r, &c, &mine, &e) < 0 ||
	    emergency_followups(r->db, &out, c.id, r->param[1], mine, time_now(), &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 200, out);
}

static void patch_followup(struct req *r)
{
	bool done = false;
	const struct jfield f[] = {{"done", JF_BOOL, true, 0, 0, &done, NULL}};
	struct community c;
	struct err e = ERR_INIT;
	int64_t mine;
	if (open_followups(r, &c, &mine, &e) < 0 || http_body_take(r, f, 1, &e) < 0)
		return http_reply_err(r, &e);
	if (!done) {
		err_set(&e, ERR_INVALID, "done", "a follow-up can only be marked done");
		return http_reply_err(r, &e);
	}
	if (emergency_followup_done(r->db, c.id, r->param[1], r->param[2], mine, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 200, json_pack("{s:I, s:b}", "id", (json_int_t)r->param[2], "done", 1));
}

static void patch_request(struct req *r)
{
	const char *status = NULL, *matched_to = NULL;
	int64_t matched_user = 0;
	const struct jfield f[] = {
	    {"status", JF_STRING, true, 1, 20, &status, NULL},
	    {"matched_to", JF_STRING, false, 1, EMERGENCY_MATCH_MAX, &matched_to, NULL},
	    {"matched_user", JF_INT, false, 1, INT64_MAX, &matched_user, NULL},
	};
	struct community c;
	struct emergency_only only;
	struct emergency_actor who;
	struct err e = ERR_INIT;
	if (open_em(r, &c, READ, &only, &e) < 0 || http_body_take(r, f, 3, &e) < 0)
		return http_reply_err(r, &e);
	who = actor(r);
	if (emergency_request_set(r->db, c.id, r->param[1], r->param[2], status, matched_to,
	                          matched_user, &only, &who, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 200,
	                json_pack("{s:I, s:s}", "id", (json_int_t)r->param[2], "status", status));
}

/* ---- the public check-in ---- */

static pthread_once_t limits_once = PTHREAD_ONCE_INIT;

static void limits_read(void)
{
	const char *v = getenv("LINLI_SAFE_RATE");
	if (v && *v)
		doorcard_limit_set_address(atoll(v));
}

/* Throttles, then finds the card of token; replies and returns -1 when it
 * cannot go on. */
static int open_card(struct req *r, const char *token, struct doorcard *card, struct err *e)
{
	int64_t now = time_now();
	if (!token || !*token)
		return err_set(e, ERR_INVALID, "token",
		               "token is required (the code of the door card)");
	pthread_once(&limits_once, limits_read);
	if (!doorcard_limit_ok(DOORCARD_LIMIT_ADDRESS, r->ip, now) ||
	    !doorcard_limit_ok(DOORCARD_LIMIT_MISS, r->ip, now))
		return err_set(e, ERR_RATE_LIMITED, NULL,
		               "too many check-ins from here: wait a few minutes");
	doorcard_limit_count(DOORCARD_LIMIT_ADDRESS, r->ip, now);
	if (doorcard_find(r->db, card, token, &r->arena, e) < 0) {
		if (e->code == ERR_NOT_FOUND)
			doorcard_limit_count(DOORCARD_LIMIT_MISS, r->ip, now);
		return -1;
	}
	return 0;
}

static json_t *cover_json(const struct emergency_cover *cv)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:o}", "title", cv->title, "hazard", cv->hazard,
	                 "room", cv->label, "status", cv->status, "changed_at",
	                 cv->changed_at ? json_integer(cv->changed_at) : json_null());
}

static void get_safe(struct req *r)
{
	const char *token = http_query(r, "token");
	struct doorcard card;
	struct emergency_cover cv;
	struct err e = ERR_INIT;
	if (open_card(r, token, &card, &e) < 0 ||
	    emergency_cover(r->db, &cv, &card, &r->arena, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 200, cover_json(&cv));
}

static void post_safe(struct req *r)
{
	struct emergency_mark m = {0};
	struct emergency_cover cv;
	struct doorcard card;
	struct err e = ERR_INIT;
	const char *token = NULL;
	char key[24];
	json_t *o;

	/* the token first, so that throttling comes before field errors */
	if (!(o = json_parse_object(r->body, r->body_len, &e)))
		return http_reply_err(r, &e);
	token = arena_strdup(&r->arena, json_is_string(json_object_get(o, "token"))
	                                    ? json_string_value(json_object_get(o, "token"))
	                                    : "");
	json_object_del(o, "token"); /* the rest is the mark, taken strictly */
	if (open_card(r, token, &card, &e) < 0) {
		json_decref(o);
		return http_reply_err(r, &e);
	}
	snprintf(key, sizeof(key), "%lld", (long long)card.id);
	if (!doorcard_limit_ok(DOORCARD_LIMIT_TOKEN, key, time_now())) {
		json_decref(o);
		err_set(&e, ERR_RATE_LIMITED, NULL,
		        "this card checked in many times: wait a few minutes");
		return http_reply_err(r, &e);
	}
	if (take_mark_from(r, o, &m, NULL, &e) < 0)
		return http_reply_err(r, &e);
	if (m.status == EM_NO_ANSWER) {
		err_set(&e, ERR_INVALID, "status", "status must be safe, needs_help or away");
		return http_reply_err(r, &e);
	}
	doorcard_limit_count(DOORCARD_LIMIT_TOKEN, key, time_now());
	m.channel = EM_DOOR_CARD;
	if (emergency_checkin(r->db, &cv, &card, &m, &r->arena, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 200, cover_json(&cv));
}

static const struct route routes[] = {
    {"POST", "/api/communities/{id}/buildings/{building}/door-cards", post_cards, 0},
    {"GET", "/api/communities/{id}/buildings/{building}/door-cards", get_cards, 0},
    {"POST", "/api/communities/{id}/dwellings/{dwelling}/door-card", post_reissue, 0},
    {"DELETE", "/api/communities/{id}/dwellings/{dwelling}/door-card", delete_card, 0},
    {"GET", "/api/communities/{id}/dwellings/{dwelling}/door-card/qr.svg", get_card_qr, 0},
    {"POST", "/api/communities/{id}/activations", post_activation, 0},
    {"GET", "/api/communities/{id}/activations", get_activations, 0},
    {"GET", "/api/communities/{id}/activations/{a}/live", get_live, 0},
    {"POST", "/api/communities/{id}/activations/{a}/broadcast", post_broadcast, 0},
    {"POST", "/api/communities/{id}/activations/{a}/close", post_close, 0},
    {"GET", "/api/communities/{id}/activations/{a}/report", get_report, 0},
    {"GET", "/api/communities/{id}/activations/{a}/report.csv", get_report_csv, 0},
    {"POST", "/api/communities/{id}/activations/{a}/households/{dwelling}", post_household, 0},
    {"GET", "/api/communities/{id}/activations/{a}/households/{dwelling}", get_household, 0},
    {"POST", "/api/communities/{id}/activations/{a}/followups", post_followup, 0},
    {"GET", "/api/communities/{id}/activations/{a}/followups", get_followups, 0},
    {"PATCH", "/api/communities/{id}/activations/{a}/followups/{f}", patch_followup, 0},
    {"PATCH", "/api/communities/{id}/activations/{a}/requests/{r}", patch_request, 0},
    {"GET", "/api/safe", get_safe, ROUTE_PUBLIC},
    {"POST", "/api/safe", post_safe, ROUTE_PUBLIC},
};
const struct route_table emergency_routes = {routes, sizeof(routes) / sizeof(routes[0])};
