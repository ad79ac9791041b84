/*
 * roster_http.c - the roster solver (roster.h) on a community's own open
 * slots and volunteers: a proposal the coordinator reviews, then publishes.
 *
 * POST .../roster/propose reads the open seats of the shifts starting in
 * the window (signup_open_slots), the active volunteers with their skills,
 * and, for every (volunteer, shift), whether the volunteer is available
 * (volunteer_is_available: the weekly ranges and dated exceptions); the
 * volunteers' sign-ups already in the window are their busy intervals. It
 * runs the solver and the greedy first-fit on the same input and answers
 * both summaries, and every seat with its volunteer or the reason nobody
 * could take it. Nothing is written.
 *
 * POST .../roster/publish takes the (possibly edited) list back and signs
 * each volunteer up through signup_add(), so every sign-up rule still
 * applies; each item answers ok or the rule that refused it.
 */
#include "scene/roster.h"
#include "scene/signup.h"
#include "scene/volunteer.h"

#include "auth/auth.h"
#include "core/strbuf.h"
#include "core/timeutil.h"
#include "http/http.h"
#include "voice/voice_http.h"

#include <stdio.h>
#include <string.h>

enum { ROSTER_WINDOW_DAYS_MAX = 14, ROSTER_PUBLISH_MAX = 500 };

struct seat {
	int64_t shift, starts_at, ends_at;
	const char *post, *scene;
};

static json_t *summary(const struct roster_result *r)
{
	char gini[16], max[24], min[24];
	snprintf(gini, sizeof(gini), "%d.%03d", r->gini_milli / 1000, r->gini_milli % 1000);
	snprintf(max, sizeof(max), "%lld.%02lld", (long long)(r->max_minutes / 60),
		 (long long)(r->max_minutes % 60 * 100 / 60));
	snprintf(min, sizeof(min), "%lld.%02lld", (long long)(r->min_minutes / 60),
		 (long long)(r->min_minutes % 60 * 100 / 60));
	return json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:b}", "filled", (json_int_t)r->filled,
			 "unfilled", (json_int_t)r->unfilled, "max_hours", max, "min_hours", min,
			 "gini", gini, "method", r->method ? r->method : "", "optimal", r->optimal);
}

static void post_propose(struct req *r)
{
	int64_t from = 0, days = 7;
	const struct jfield f[] = {
	    {"from", JF_INT, true, 1, INT64_MAX / 2, &from},
	    {"days", JF_INT, false, 1, ROSTER_WINDOW_DAYS_MAX, &days},
	};
	struct community c;
	struct err e = ERR_INIT;
	json_t *open = NULL, *vols = NULL, *out;
	struct vol_settings set;
	struct roster_skills skills = {0};
	struct roster_volunteer *rv;
	struct roster_slot *rs;
	struct seat *seat;
	struct roster_result best, greedy;
	size_t nslot = 0, nvol, i, k;
	json_t *x;

	if (voice_open_community(r, &c, VOICE_CHANGER, &e) < 0 || http_body_take(r, f, 2, &e) < 0 ||
	    vol_settings_get(r->db, &set, c.id, &e) < 0 ||
	    signup_open_slots(r->db, &open, c.id, from, from + days * 86400, &e) < 0 ||
	    volunteer_list(r->db, &vols, c.id, "active", time_now(), &e) < 0)
		goto fail;
	json_array_foreach(open, i, x)
		nslot += (size_t)(json_integer_value(json_object_get(x, "headcount")) -
				  json_integer_value(json_object_get(x, "taken")));
	json_t *vl = json_object_get(vols, "volunteers");
	nvol = json_array_size(vl);
	rs = arena_zalloc(&r->arena, (nslot + 1) * sizeof(*rs));
	seat = arena_zalloc(&r->arena, (nslot + 1) * sizeof(*seat));
	rv = arena_zalloc(&r->arena, (nvol + 1) * sizeof(*rv));
	/* the seats */
	size_t n = 0;
	json_array_foreach(open, i, x) {
		int64_t left = json_integer_value(json_object_get(x, "headcount")) -
			       json_integer_value(json_object_get(x, "taken"));
		uint64_t bits = 0;
		const char *sk = json_string_value(json_object_get(x, "skills"));
		if (roster_skills_add(&skills, &bits, sk ? sk : "", sk ? strlen(sk) : 0, "skills", &e) <
		    0)
			goto fail;
		for (int64_t s = 0; s < left; s++, n++) {
			seat[n] = (struct seat){json_integer_value(json_object_get(x, "shift_id")),
						json_integer_value(json_object_get(x, "starts_at")),
						json_integer_value(json_object_get(x, "ends_at")),
						json_string_value(json_object_get(x, "post")),
						json_string_value(json_object_get(x, "scene"))};
			rs[n] = (struct roster_slot){.shift = seat[n].shift, .seat = s,
						     .start = seat[n].starts_at / 60,
						     .end = seat[n].ends_at / 60,
						     .post = json_integer_value(json_object_get(x, "post_id")),
						     .skills = bits};
		}
	}
	/* the volunteers: skills, and the shifts each is available for */
	json_array_foreach(vl, i, x) {
		const char *sk = json_string_value(json_object_get(x, "skills"));
		struct roster_interval *av = arena_zalloc(&r->arena, (json_array_size(open) + 1) *
								     sizeof(*av));
		size_t na = 0;
		json_t *y;
		rv[i].id = json_integer_value(json_object_get(x, "id"));
		if (roster_skills_add(&skills, &rv[i].skills, sk ? sk : "", sk ? strlen(sk) : 0,
				      "skills", &e) < 0)
			goto fail;
		json_array_foreach(open, k, y) {
			bool ok = false;
			int64_t s0 = json_integer_value(json_object_get(y, "starts_at"));
			int64_t s1 = json_integer_value(json_object_get(y, "ends_at"));
			if (volunteer_is_available(r->db, &ok, c.id, rv[i].id, s0, s1, &e) < 0)
				goto fail;
			if (ok)
				av[na++] = (struct roster_interval){s0 / 60, s1 / 60};
		}
		rv[i].available = av;
		rv[i].n_available = na;
	}
	struct roster_input in = {
	    .vol = rv, .n_vol = nvol, .slot = rs, .n_slot = n,
	    .rules = {.min_rest = set.rest_hours * 60, .max_week = 40 * 60, .tz_offset = 480,
		      .prior_week_of = from / 60},
	};
	if (roster_solve(&best, &in, &r->arena, &e) < 0 ||
	    roster_greedy(&greedy, &in, &r->arena, &e) < 0)
		goto fail;
	json_t *list = json_array();
	for (size_t s = 0; s < n; s++) {
		json_t *o = json_pack("{s:I, s:I, s:I, s:I, s:s, s:s}", "shift_id",
				      (json_int_t)seat[s].shift, "seat", (json_int_t)rs[s].seat,
				      "starts_at", (json_int_t)seat[s].starts_at, "ends_at",
				      (json_int_t)seat[s].ends_at, "post", seat[s].post ? seat[s].post : "",
				      "scene", seat[s].scene ? seat[s].scene : "");
		if (best.assigned[s] >= 0) {
			json_t *v = json_array_get(vl, (size_t)best.assigned[s]);
			json_object_set(o, "volunteer_id", json_object_get(v, "id"));
			json_object_set(o, "name", json_object_get(v, "name"));
		} else {
			struct strbuf sb = STRBUF_INIT;
			roster_explain(&sb, &best, s);
			json_object_set_new(o, "reason", json_string(roster_reason_code(best.reason[s])));
			json_object_set_new(o, "why", json_string(sb.buf));
			strbuf_release(&sb);
		}
		json_array_append_new(list, o);
	}
	out = json_pack("{s:o, s:o, s:o, s:I}", "assignments", list, "solver", summary(&best),
			"greedy", summary(&greedy), "volunteers", (json_int_t)nvol);
	json_decref(open);
	json_decref(vols);
	http_reply_json(r, 200, out);
	return;
fail:
	json_decref(open);
	json_decref(vols);
	http_reply_err(r, &e);
}

static void post_publish(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	json_t *body = NULL, *items, *x, *res;
	size_t i;
	int64_t signed_up = 0;

	if (voice_open_community(r, &c, VOICE_CHANGER, &e) < 0 ||
	    !(body = json_parse_object(r->body, r->body_len, &e)))
		return http_reply_err(r, &e);
	items = json_object_get(body, "assignments");
	if (!json_is_array(items) || json_array_size(items) > ROSTER_PUBLISH_MAX ||
	    json_object_size(body) != 1) {
		json_decref(body);
		err_set(&e, ERR_INVALID, "assignments", "assignments must be a list of at most %d",
			ROSTER_PUBLISH_MAX);
		return http_reply_err(r, &e);
	}
	json_array_foreach(items, i, x) {
		if (!json_is_integer(json_object_get(x, "shift_id")) ||
		    !json_is_integer(json_object_get(x, "volunteer_id"))) {
			json_decref(body);
			err_set(&e, ERR_INVALID, "assignments",
				"assignments[%zu] needs shift_id and volunteer_id", i);
			return http_reply_err(r, &e);
		}
	}
	res = json_array();
	struct vol_actor who = {r->user->user_id, r->user->username, r->ip};
	json_array_foreach(items, i, x) {
		int64_t id = 0, shift = json_integer_value(json_object_get(x, "shift_id")),
			vol = json_integer_value(json_object_get(x, "volunteer_id"));
		const char *rule = NULL;
		struct err one = ERR_INIT;
		int rc = signup_add(r->db, &id, &rule, c.id, shift, vol, time_now(), &who, &one);
		json_t *o = json_pack("{s:I, s:I, s:b}", "shift_id", (json_int_t)shift,
				      "volunteer_id", (json_int_t)vol, "ok", rc == 0);
		if (rc == 0)
			signed_up++;
		else
			json_object_set_new(o, "rule", json_string(rule ? rule : one.message));
		json_array_append_new(res, o);
	}
	json_decref(body);
	http_reply_json(r, 200, json_pack("{s:o, s:I}", "results", res, "signed_up",
					  (json_int_t)signed_up));
}

static const struct route routes[] = {
    {"POST", "/api/communities/{id}/roster/propose", post_propose, 0},
    {"POST", "/api/communities/{id}/roster/publish", post_publish, 0},
};
const struct route_table roster_routes = {routes, sizeof(routes) / sizeof(routes[0])};
