/*
 * volunteer_http.c - the routes of volunteers, sign-ups, check-in, hours,
 * certificates and rosters (volunteer.h, signup.h, checkin.h, hours.h).
 *
 * Who may:
 *   coordinator  those who change the community (admin, street officer,
 *                community worker): register volunteers, sign others up,
 *                cancel any sign-up, record no-shows and talks, check
 *                people in and out by hand, confirm hours, issue
 *                certificates, set the rules;
 *   staff        those who read the community (also grid workers and
 *                building leads): lists, rosters, exports, QR codes;
 *   post leader  the user named on a post: confirms hours and checks people
 *                in and out at that post;
 *   volunteer    any member linked to a volunteer record: their own view,
 *                signing up, cancelling in the window, swaps, checking in.
 * Another community's ids are 404; a role that may not is 403.  A refused
 * sign-up, cancellation, swap or check-in is 409 with "rule" in the error.
 */
#include "scene/checkin.h"
#include "scene/hours.h"
#include "scene/signup.h"
#include "scene/volunteer.h"

#include "auth/auth.h"
#include "core/qr.h"
#include "core/timeutil.h"
#include "http/http.h"
#include "registry/structure_http.h"
#include "voice/voice_http.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static struct vol_actor actor(struct req *r)
{
	return (struct vol_actor){r->user->user_id, r->user->username, r->ip};
}

static void reply_rule(struct req *r, const struct err *e, const char *rule)
{
	json_t *inner;
	if (!rule)
		return http_reply_err(r, e);
	inner = json_pack("{s:s, s:s, s:s}", "code", err_code_name(e->code), "message", e->message,
			  "rule", rule);
	if (e->field[0])
		json_object_set_new(inner, "field", json_string(e->field));
	http_reply_json(r, err_http_status(e->code), json_pack("{s:o}", "error", inner));
}

static bool coordinator(struct req *r, const struct community *c)
{
	return auth_changes_community(r->user, c->id, c->street_id);
}

/* The caller's volunteer id in the community, or 0 (e untouched). */
static int64_t my_volunteer(struct req *r, const struct community *c)
{
	struct err e = ERR_INIT;
	int64_t v = 0;
	if (volunteer_of_user(r->db, &v, c->id, r->user->user_id, &e) < 0)
		return 0;
	return v;
}

/* Staff who read the community, or the volunteer themself. */
static int open_self_or_staff(struct req *r, struct community *c, int64_t volunteer_id,
			      struct err *e)
{
	if (voice_open_community(r, c, VOICE_MEMBER, e) < 0)
		return -1;
	if (auth_reads_community(r->user, c->id, c->street_id))
		return 0;
	if (my_volunteer(r, c) == volunteer_id && volunteer_id > 0)
		return 0;
	return err_set(e, ERR_FORBIDDEN, NULL, "only staff or the volunteer themself");
}

/* ---- volunteers ---- */

static void take_input(struct vol_input *in, struct jfield *f, size_t *n)
{
	size_t k = 0;
#define S(name, min, max, ptr) f[k++] = (struct jfield){name, JF_STRING, false, min, max, ptr}
	S("name", 1, VOL_NAME_MAX, &in->name);
	S("phone", 0, 20, &in->phone);
	S("birth_date", 0, 10, &in->birth_date);
	S("id_type", 1, 10, &in->id_type);
	S("id_number", 0, 30, &in->id_number);
	S("skills", 0, VOL_SKILLS_MAX, &in->skills);
	S("status", 1, 10, &in->status);
	S("insured_until", 0, 10, &in->insured_until);
	S("guardian_name", 0, VOL_NAME_MAX, &in->guardian_name);
	S("guardian_relation", 0, 20, &in->guardian_relation);
	S("guardian_date", 0, 10, &in->guardian_date);
	S("guardian_evidence", 0, VOL_TEXT_MAX, &in->guardian_evidence);
	S("consent_date", 0, 10, &in->consent_date);
	S("consent_method", 0, 20, &in->consent_method);
	S("consent_version", 0, 40, &in->consent_version);
	S("availability", 0, 2000, &in->availability);
	S("exceptions", 0, 2000, &in->exceptions);
#undef S
	f[k++] = (struct jfield){"resident_id", JF_INT, false, 1, INT64_MAX, &in->resident_id};
	f[k++] = (struct jfield){"user_id", JF_INT, false, -1, INT64_MAX, &in->user_id};
	f[k++] = (struct jfield){"team_id", JF_INT, false, -1, INT64_MAX, &in->team_id};
	*n = k;
}

static void get_volunteers(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	const char *status = http_query(r, "status");
	json_t *o;
	if (structure_open_community(r, &c, STAFF_READ, &e) < 0 ||
	    volunteer_list(r->db, &o, c.id, status, time_now(), &e) < 0)
		return http_reply_err(r, &e);
	json_object_set_new(o, "can_manage", json_boolean(coordinator(r, &c)));
	http_reply_json(r, 200, o);
}

static void post_volunteer(struct req *r)
{
	struct vol_input in = {0};
	struct jfield f[24];
	size_t n;
	struct community c;
	struct err e = ERR_INIT;
	int64_t id;
	take_input(&in, f, &n);
	if (structure_open_community(r, &c, STAFF_CHANGE, &e) < 0 ||
	    http_body_take(r, f, n, &e) < 0)
		return http_reply_err(r, &e);
	if (in.resident_id == 0 && !in.name) {
		err_set(&e, ERR_INVALID, "name", "name is required for a volunteer from outside");
		return http_reply_err(r, &e);
	}
	if (volunteer_add(r->db, &id, c.id, &in, time_now(), r->user->user_id, r->user->username,
			  r->ip, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 201, json_pack("{s:I}", "id", (json_int_t)id));
}

static void get_volunteer(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	json_t *o;
	if (open_self_or_staff(r, &c, r->param[1], &e) < 0 ||
	    volunteer_get(r->db, &o, c.id, r->param[1], time_now(), &e) < 0)
		return http_reply_err(r, &e);
	json_object_set_new(o, "can_manage", json_boolean(coordinator(r, &c)));
	http_reply_json(r, 200, o);
}

static void patch_volunteer(struct req *r)
{
	struct vol_input in = {0};
	struct jfield f[24];
	size_t n;
	struct community c;
	struct err e = ERR_INIT;
	take_input(&in, f, &n);
	if (structure_open_community(r, &c, STAFF_CHANGE, &e) < 0 ||
	    http_body_take(r, f, n, &e) < 0)
		return http_reply_err(r, &e);
	if (in.resident_id) {
		err_set(&e, ERR_INVALID, "resident_id", "a volunteer's resident does not change");
		return http_reply_err(r, &e);
	}
	if (volunteer_update(r->db, c.id, r->param[1], &in, time_now(), r->user->user_id,
			     r->user->username, r->ip, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_empty(r, 204);
}

static void post_talk(struct req *r)
{
	const char *note = NULL;
	const struct jfield f[] = {{"note", JF_STRING, true, 1, VOL_TEXT_MAX, &note}};
	struct community c;
	struct err e = ERR_INIT;
	if (structure_open_community(r, &c, STAFF_CHANGE, &e) < 0 ||
	    http_body_take(r, f, 1, &e) < 0 ||
	    volunteer_talk(r->db, c.id, r->param[1], note, time_now(), r->user->user_id,
			   r->user->username, r->ip, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_empty(r, 204);
}

static int64_t this_year(void)
{
	char d[11];
	vol_local_date(d, time_now());
	return atoi(d);
}

static void get_hours(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	int64_t year = this_year();
	json_t *o;
	if (open_self_or_staff(r, &c, r->param[1], &e) < 0 ||
	    http_query_int(r, "year", 2000, 2100, &year, &e) < 0 ||
	    hours_summary(r->db, &o, c.id, r->param[1], year, &e) < 0)
		return http_reply_err(r, &e);
	json_object_set_new(o, "can_manage", json_boolean(coordinator(r, &c)));
	http_reply_json(r, 200, o);
}

static void post_certificate(struct req *r)
{
	int64_t year = 0, id;
	const struct jfield f[] = {{"year", JF_INT, true, 2000, 2100, &year}};
	struct community c;
	struct err e = ERR_INIT;
	struct vol_actor who;
	if (structure_open_community(r, &c, STAFF_CHANGE, &e) < 0 ||
	    http_body_take(r, f, 1, &e) < 0)
		return http_reply_err(r, &e);
	who = actor(r);
	if (hours_certificate_issue(r->db, &id, c.id, r->param[1], year, time_now(), &who, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 201, json_pack("{s:I}", "id", (json_int_t)id));
}

static void get_certificate(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	json_t *o;
	int64_t vid;
	if (voice_open_community(r, &c, VOICE_MEMBER, &e) < 0 ||
	    hours_certificate_get(r->db, &o, c.id, r->param[1], &e) < 0)
		return http_reply_err(r, &e);
	vid = json_integer_value(json_object_get(o, "volunteer_id"));
	if (!auth_reads_community(r->user, c.id, c.street_id) && my_volunteer(r, &c) != vid) {
		json_decref(o);
		err_set(&e, ERR_FORBIDDEN, NULL, "only staff or the volunteer themself");
		return http_reply_err(r, &e);
	}
	http_reply_json(r, 200, o);
}

/* ---- teams and settings ---- */

static void get_teams(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	json_t *o;
	if (voice_open_community(r, &c, VOICE_MEMBER, &e) < 0 ||
	    vol_team_list(r->db, &o, c.id, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 200, o);
}

static void post_team(struct req *r)
{
	const char *name = NULL;
	const struct jfield f[] = {{"name", JF_STRING, true, 1, VOL_NAME_MAX, &name}};
	struct community c;
	struct err e = ERR_INIT;
	int64_t id;
	if (structure_open_community(r, &c, STAFF_CHANGE, &e) < 0 ||
	    http_body_take(r, f, 1, &e) < 0 || vol_team_add(r->db, &id, c.id, name, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 201, json_pack("{s:I}", "id", (json_int_t)id));
}

static json_t *settings_json(const struct vol_settings *s)
{
	return json_pack("{s:I, s:I, s:I, s:I}", "ahead_days", (json_int_t)s->ahead_days,
			 "rest_hours", (json_int_t)s->rest_hours, "cancel_hours",
			 (json_int_t)s->cancel_hours, "noshow_limit", (json_int_t)s->noshow_limit);
}

static void get_settings(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	struct vol_settings s;
	if (voice_open_community(r, &c, VOICE_MEMBER, &e) < 0 ||
	    vol_settings_get(r->db, &s, c.id, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 200, settings_json(&s));
}

static void put_settings(struct req *r)
{
	struct vol_settings s;
	struct community c;
	struct err e = ERR_INIT;
	const struct jfield f[] = {
	    {"ahead_days", JF_INT, true, 1, 365, &s.ahead_days},
	    {"rest_hours", JF_INT, true, 0, 72, &s.rest_hours},
	    {"cancel_hours", JF_INT, true, 0, 168, &s.cancel_hours},
	    {"noshow_limit", JF_INT, true, 1, 20, &s.noshow_limit},
	};
	if (structure_open_community(r, &c, STAFF_CHANGE, &e) < 0 ||
	    http_body_take(r, f, 4, &e) < 0 || vol_settings_set(r->db, c.id, &s, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 200, settings_json(&s));
}

/* ---- posts: requirements and QR codes ---- */

static void get_requirements(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	json_t *o;
	if (voice_open_community(r, &c, VOICE_MEMBER, &e) < 0 ||
	    hours_post_requirements_get(r->db, &o, c.id, r->param[1], &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 200, o);
}

static void put_requirements(struct req *r)
{
	bool insurance = false;
	int64_t leader = 0;
	const struct jfield f[] = {
	    {"insurance", JF_BOOL, true, 0, 0, &insurance},
	    {"leader_user_id", JF_INT, false, 0, INT64_MAX, &leader},
	};
	struct community c;
	struct err e = ERR_INIT;
	json_t *o;
	if (structure_open_community(r, &c, STAFF_CHANGE, &e) < 0 ||
	    http_body_take(r, f, 2, &e) < 0 ||
	    hours_post_requirements(r->db, c.id, r->param[1], insurance, leader, &e) < 0 ||
	    hours_post_requirements_get(r->db, &o, c.id, r->param[1], &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 200, o);
}

static const char *public_url;
static pthread_once_t public_once = PTHREAD_ONCE_INIT;

static void public_read(void)
{
	const char *v = getenv("LINLI_PUBLIC_URL");
	if (v && *v) {
		char *s = strdup(v);
		size_t n = strlen(s);
		while (n > 0 && s[n - 1] == '/')
			s[--n] = '\0';
		public_url = s;
	}
}

/* The post's token and check-in URL (in the arena). */
static int post_link(struct req *r, const struct community *c, const char **token,
		     const char **url, struct err *e)
{
	char tok[CHECKIN_TOKEN_MAX];
	const char *host = http_header(r, "Host");
	json_t *tmp;
	if (hours_post_requirements_get(r->db, &tmp, c->id, r->param[1], e) < 0)
		return -1; /* ERR_NOT_FOUND for another community's post */
	json_decref(tmp);
	if (checkin_post_token(tok, r->param[1], e) < 0)
		return -1;
	pthread_once(&public_once, public_read);
	*token = arena_strdup(&r->arena, tok);
	if (public_url) {
		*url = arena_printf(&r->arena, "%s/#/checkin/%s", public_url, tok);
		return 0;
	}
	if (!host || !*host || strlen(host) > 255 ||
	    strspn(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]") !=
		strlen(host))
		return err_set(e, ERR_INVALID, "host", "no usable Host header: set LINLI_PUBLIC_URL");
	*url = arena_printf(&r->arena, "%s://%s/#/checkin/%s", r->secure ? "https" : "http", host,
			    tok);
	return 0;
}

static void get_checkin_link(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	const char *token, *url;
	if (structure_open_community(r, &c, STAFF_READ, &e) < 0 ||
	    post_link(r, &c, &token, &url, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 200, json_pack("{s:I, s:s, s:s}", "post_id", (json_int_t)r->param[1],
					  "token", token, "url", url));
}

static void get_checkin_qr(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	struct strbuf sb = STRBUF_INIT;
	const char *token, *url;
	if (structure_open_community(r, &c, STAFF_READ, &e) < 0 ||
	    post_link(r, &c, &token, &url, &e) < 0 || qr_svg(&sb, url, &e) < 0) {
		strbuf_release(&sb);
		return http_reply_err(r, &e);
	}
	http_reply_text(r, 200, "image/svg+xml", sb.buf, sb.len);
	strbuf_release(&sb);
}

/* ---- sign-ups ---- */

static void get_shift_signups(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	json_t *o;
	if (structure_open_community(r, &c, STAFF_READ, &e) < 0 ||
	    signup_shift_view(r->db, &o, c.id, r->param[1], &e) < 0)
		return http_reply_err(r, &e);
	json_object_set_new(o, "can_manage", json_boolean(coordinator(r, &c)));
	http_reply_json(r, 200, o);
}

static void post_signup(struct req *r)
{
	int64_t vid = 0, id;
	const struct jfield f[] = {{"volunteer_id", JF_INT, false, 1, INT64_MAX, &vid}};
	struct community c;
	struct err e = ERR_INIT;
	struct vol_actor who;
	const char *rule = NULL;
	if (voice_open_community(r, &c, VOICE_MEMBER, &e) < 0 || http_body_take(r, f, 1, &e) < 0)
		return http_reply_err(r, &e);
	if (!vid) {
		if (volunteer_of_user(r->db, &vid, c.id, r->user->user_id, &e) < 0) {
			if (e.code == ERR_NOT_FOUND) {
				err_clear(&e);
				err_set(&e, ERR_FORBIDDEN, "volunteer_id",
					"you are not registered as a volunteer here");
			}
			return http_reply_err(r, &e);
		}
	} else if (!coordinator(r, &c) && vid != my_volunteer(r, &c)) {
		err_set(&e, ERR_FORBIDDEN, "volunteer_id", "only coordinators sign others up");
		return http_reply_err(r, &e);
	}
	who = actor(r);
	if (signup_add(r->db, &id, &rule, c.id, r->param[1], vid, time_now(), &who, &e) < 0)
		return reply_rule(r, &e, rule);
	http_reply_json(r, 201, json_pack("{s:I, s:I}", "id", (json_int_t)id, "volunteer_id",
					  (json_int_t)vid));
}

/* Opens the community and the sign-up r->param[1]: *mine tells whether it
 * is the caller's own. */
static int open_signup(struct req *r, struct community *c, bool *mine, struct err *e)
{
	int64_t vid;
	if (voice_open_community(r, c, VOICE_MEMBER, e) < 0 ||
	    signup_owner(r->db, &vid, NULL, c->id, r->param[1], e) < 0)
		return -1;
	*mine = vid == my_volunteer(r, c);
	return 0;
}

static void post_cancel(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	struct vol_actor who;
	const char *rule = NULL;
	bool mine, coord;
	if (open_signup(r, &c, &mine, &e) < 0)
		return http_reply_err(r, &e);
	coord = coordinator(r, &c);
	if (!mine && !coord) {
		err_set(&e, ERR_FORBIDDEN, NULL, "only the volunteer or a coordinator cancels");
		return http_reply_err(r, &e);
	}
	who = actor(r);
	if (signup_cancel(r->db, &rule, c.id, r->param[1], coord, time_now(), &who, &e) < 0)
		return reply_rule(r, &e, rule);
	http_reply_empty(r, 204);
}

static void post_no_show(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	struct vol_actor who;
	if (structure_open_community(r, &c, STAFF_CHANGE, &e) < 0)
		return http_reply_err(r, &e);
	who = actor(r);
	if (signup_no_show(r->db, c.id, r->param[1], time_now(), &who, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_empty(r, 204);
}

static void post_offer(struct req *r)
{
	bool offered = true, mine;
	const struct jfield f[] = {{"offered", JF_BOOL, false, 0, 0, &offered}};
	struct community c;
	struct err e = ERR_INIT;
	if (open_signup(r, &c, &mine, &e) < 0 || http_body_take(r, f, 1, &e) < 0)
		return http_reply_err(r, &e);
	if (!mine) {
		err_set(&e, ERR_FORBIDDEN, NULL, "only the volunteer offers their sign-up");
		return http_reply_err(r, &e);
	}
	if (signup_offer(r->db, c.id, r->param[1], offered, time_now(), &e) < 0)
		return http_reply_err(r, &e);
	http_reply_empty(r, 204);
}

static void post_take(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	struct vol_actor who;
	const char *rule = NULL;
	int64_t vid, id;
	if (voice_open_community(r, &c, VOICE_MEMBER, &e) < 0)
		return http_reply_err(r, &e);
	if (!(vid = my_volunteer(r, &c))) {
		err_set(&e, ERR_FORBIDDEN, NULL, "you are not registered as a volunteer here");
		return http_reply_err(r, &e);
	}
	who = actor(r);
	if (signup_take(r->db, &id, &rule, c.id, r->param[1], vid, time_now(), &who, &e) < 0)
		return reply_rule(r, &e, rule);
	http_reply_json(r, 201, json_pack("{s:I}", "id", (json_int_t)id));
}

/* ---- check-in ---- */

static void post_checkin_start(struct req *r)
{
	const char *token = NULL, *rule = NULL;
	const struct jfield f[] = {{"token", JF_STRING, true, 1, 64, &token}};
	struct community c;
	struct err e = ERR_INIT;
	int64_t post, community, vid;
	json_t *o;
	if (http_body_take(r, f, 1, &e) < 0 || checkin_post_of_token(&post, token, &e) < 0 ||
	    checkin_post_community(r->db, &community, post, &e) < 0)
		return http_reply_err(r, &e);
	if (structure_community_get(r->db, &c, community, &r->arena, &e) < 0)
		return http_reply_err(r, &e);
	if (!auth_member_of(r->user, c.id, c.street_id) || !(vid = my_volunteer(r, &c))) {
		err_set(&e, ERR_FORBIDDEN, "token",
			"sign in with the account of a volunteer of this community");
		return http_reply_err(r, &e);
	}
	if (checkin_start(r->db, &o, &rule, c.id, post, vid, time_now(), &e) < 0)
		return reply_rule(r, &e, rule);
	http_reply_json(r, 200, o);
}

static void post_checkin(struct req *r)
{
	const char *nonce = NULL, *rule = NULL;
	const struct jfield f[] = {{"nonce", JF_STRING, true, 1, 64, &nonce}};
	struct community c;
	struct err e = ERR_INIT;
	int64_t vid;
	json_t *o;
	if (voice_open_community(r, &c, VOICE_MEMBER, &e) < 0 || http_body_take(r, f, 1, &e) < 0)
		return http_reply_err(r, &e);
	if (!(vid = my_volunteer(r, &c))) {
		err_set(&e, ERR_FORBIDDEN, NULL, "you are not registered as a volunteer here");
		return http_reply_err(r, &e);
	}
	if (checkin_confirm(r->db, &o, &rule, c.id, r->param[1], vid, nonce, time_now(), &e) < 0)
		return reply_rule(r, &e, rule);
	http_reply_json(r, 200, o);
}

/* A coordinator, or the leader of the sign-up's post. */
static int open_leader(struct req *r, struct community *c, struct err *e)
{
	bool lead = false;
	if (voice_open_community(r, c, VOICE_MEMBER, e) < 0)
		return -1;
	if (coordinator(r, c))
		return 0;
	if (signup_owner(r->db, NULL, NULL, c->id, r->param[1], e) < 0 ||
	    hours_is_leader(r->db, &lead, c->id, r->param[1], r->user->user_id, e) < 0)
		return -1;
	return lead ? 0 : err_set(e, ERR_FORBIDDEN, NULL, "only a coordinator or the post's leader");
}

static void post_attendance(struct req *r)
{
	const char *action = NULL;
	int64_t at = 0;
	const struct jfield f[] = {
	    {"action", JF_STRING, true, 2, 3, &action},
	    {"at", JF_INT, false, 1, INT64_MAX / 2, &at},
	};
	struct community c;
	struct err e = ERR_INIT;
	struct vol_actor who;
	if (open_leader(r, &c, &e) < 0 || http_body_take(r, f, 2, &e) < 0)
		return http_reply_err(r, &e);
	who = actor(r);
	if (checkin_manual(r->db, c.id, r->param[1], action, at, time_now(), &who, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_empty(r, 204);
}

static void patch_times(struct req *r)
{
	int64_t in_at = 0, out_at = 0;
	const char *reason = NULL;
	const struct jfield f[] = {
	    {"checkin_at", JF_INT, true, 1, INT64_MAX / 2, &in_at},
	    {"checkout_at", JF_INT, true, 1, INT64_MAX / 2, &out_at},
	    {"reason", JF_STRING, true, 1, VOL_TEXT_MAX, &reason},
	};
	struct community c;
	struct err e = ERR_INIT;
	struct vol_actor who;
	if (structure_open_community(r, &c, STAFF_CHANGE, &e) < 0 ||
	    http_body_take(r, f, 3, &e) < 0)
		return http_reply_err(r, &e);
	who = actor(r);
	if (checkin_correct(r->db, c.id, r->param[1], in_at, out_at, reason, &who, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_empty(r, 204);
}

static void post_confirm(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	struct vol_actor who;
	if (open_leader(r, &c, &e) < 0)
		return http_reply_err(r, &e);
	who = actor(r);
	if (hours_confirm(r->db, c.id, r->param[1], time_now(), &who, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_empty(r, 204);
}

/* ---- views ---- */

static void get_open_slots(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	int64_t now = time_now(), from = now, to = now + 14 * 86400;
	json_t *list;
	if (structure_open_community(r, &c, STAFF_READ, &e) < 0 ||
	    http_query_int(r, "from", 1, INT64_MAX / 2, &from, &e) < 0 ||
	    http_query_int(r, "to", 1, INT64_MAX / 2, &to, &e) < 0)
		return http_reply_err(r, &e);
	if (to <= from || to - from > 92 * 86400) {
		err_set(&e, ERR_INVALID, "to", "to must be after from, within 92 days");
		return http_reply_err(r, &e);
	}
	if (signup_open_slots(r->db, &list, c.id, from, to, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 200, json_pack("{s:o}", "slots", list));
}

static void get_mine(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	int64_t vid;
	json_t *o, *h;
	if (voice_open_community(r, &c, VOICE_MEMBER, &e) < 0 ||
	    volunteer_of_user(r->db, &vid, c.id, r->user->user_id, &e) < 0 ||
	    signup_mine(r->db, &o, c.id, vid, time_now(), &e) < 0)
		return http_reply_err(r, &e);
	if (hours_summary(r->db, &h, c.id, vid, this_year(), &e) < 0) {
		json_decref(o);
		return http_reply_err(r, &e);
	}
	json_object_set_new(o, "hours", h);
	http_reply_json(r, 200, o);
}

static const char *week_param(struct req *r)
{
	const char *w = http_query(r, "week");
	if (!w || !*w) {
		char *d = arena_alloc(&r->arena, 11);
		vol_local_date(d, time_now());
		return d;
	}
	return w;
}

static void get_roster(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	json_t *o;
	if (voice_open_community(r, &c, VOICE_MEMBER, &e) < 0 ||
	    signup_roster(r->db, &o, c.id, week_param(r), &e) < 0)
		return http_reply_err(r, &e);
	json_object_set_new(o, "community", json_string(c.name));
	http_reply_json(r, 200, o);
}

static void get_roster_export(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	struct strbuf sb = STRBUF_INIT;
	if (structure_open_community(r, &c, STAFF_READ, &e) < 0 ||
	    signup_roster_xlsx(r->db, &sb, c.id, week_param(r), &e) < 0) {
		strbuf_release(&sb);
		return http_reply_err(r, &e);
	}
	http_reply_text(r, 200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
			sb.buf, sb.len);
	strbuf_release(&sb);
}

static void get_hours_export(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	struct strbuf sb = STRBUF_INIT;
	const char *fmt = http_query(r, "format");
	int64_t year = this_year();
	bool xlsx;
	if (structure_open_community(r, &c, STAFF_READ, &e) < 0 ||
	    http_query_int(r, "year", 2000, 2100, &year, &e) < 0)
		return http_reply_err(r, &e);
	if (fmt && strcmp(fmt, "csv") && strcmp(fmt, "xlsx")) {
		err_set(&e, ERR_INVALID, "format", "format must be csv or xlsx");
		return http_reply_err(r, &e);
	}
	xlsx = fmt && !strcmp(fmt, "xlsx");
	if (hours_export(r->db, &sb, c.id, year, xlsx, &e) < 0) {
		strbuf_release(&sb);
		return http_reply_err(r, &e);
	}
	http_reply_text(r, 200,
			xlsx ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
			     : "text/csv; charset=utf-8",
			sb.buf, sb.len);
	strbuf_release(&sb);
}

static const struct route routes[] = {
    {"GET", "/api/communities/{id}/volunteers", get_volunteers, 0},
    {"POST", "/api/communities/{id}/volunteers", post_volunteer, 0},
    {"GET", "/api/communities/{id}/volunteers/{volunteer}", get_volunteer, 0},
    {"PATCH", "/api/communities/{id}/volunteers/{volunteer}", patch_volunteer, 0},
    {"POST", "/api/communities/{id}/volunteers/{volunteer}/talks", post_talk, 0},
    {"GET", "/api/communities/{id}/volunteers/{volunteer}/hours", get_hours, 0},
    {"POST", "/api/communities/{id}/volunteers/{volunteer}/certificates", post_certificate, 0},
    {"GET", "/api/communities/{id}/certificates/{certificate}", get_certificate, 0},
    {"GET", "/api/communities/{id}/volunteer-teams", get_teams, 0},
    {"POST", "/api/communities/{id}/volunteer-teams", post_team, 0},
    {"GET", "/api/communities/{id}/volunteer-settings", get_settings, 0},
    {"PUT", "/api/communities/{id}/volunteer-settings", put_settings, 0},
    {"GET", "/api/communities/{id}/posts/{post}/requirements", get_requirements, 0},
    {"PUT", "/api/communities/{id}/posts/{post}/requirements", put_requirements, 0},
    {"GET", "/api/communities/{id}/posts/{post}/checkin-link", get_checkin_link, 0},
    {"GET", "/api/communities/{id}/posts/{post}/checkin-qr", get_checkin_qr, 0},
    {"GET", "/api/communities/{id}/shifts/{shift}/signups", get_shift_signups, 0},
    {"POST", "/api/communities/{id}/shifts/{shift}/signups", post_signup, 0},
    {"POST", "/api/communities/{id}/signups/{signup}/cancel", post_cancel, 0},
    {"POST", "/api/communities/{id}/signups/{signup}/no-show", post_no_show, 0},
    {"POST", "/api/communities/{id}/signups/{signup}/offer", post_offer, 0},
    {"POST", "/api/communities/{id}/signups/{signup}/take", post_take, 0},
    {"POST", "/api/communities/{id}/signups/{signup}/checkin", post_checkin, 0},
    {"POST", "/api/communities/{id}/signups/{signup}/attendance", post_attendance, 0},
    {"PATCH", "/api/communities/{id}/signups/{signup}/times", patch_times, 0},
    {"POST", "/api/communities/{id}/signups/{signup}/confirm", post_confirm, 0},
    {"GET", "/api/communities/{id}/open-slots", get_open_slots, 0},
    {"GET", "/api/communities/{id}/my-volunteering", get_mine, 0},
    {"GET", "/api/communities/{id}/roster", get_roster, 0},
    {"GET", "/api/communities/{id}/roster/export", get_roster_export, 0},
    {"GET", "/api/communities/{id}/volunteer-hours/export", get_hours_export, 0},
    {"POST", "/api/checkin/start", post_checkin_start, 0},
};
const struct route_table volunteer_routes = {routes, sizeof(routes) / sizeof(routes[0])};
