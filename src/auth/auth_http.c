/*
 * auth_http.c - the session routes, and the hook that turns a session
 * cookie into r->user on every request.
 */
#include "auth/auth_http.h"

#include "auth/auth.h"

#include <stdio.h>

static json_t *user_json(const struct principal *p)
{
	json_t *grants = json_array();
	for (size_t i = 0; i < p->ngrants; i++) {
		const struct grant *g = &p->grants[i];
		json_t *o = json_pack("{s:s, s:s, s:I}", "role", role_name(g->role), "scope",
				      scope_name(g->scope), "scope_id", (json_int_t)g->scope_id);
		if (g->community_id)
			json_object_set_new(o, "community_id", json_integer(g->community_id));
		if (g->street_id)
			json_object_set_new(o, "street_id", json_integer(g->street_id));
		json_array_append_new(grants, o);
	}
	return json_pack("{s:I, s:s, s:s, s:o}", "id", (json_int_t)p->user_id, "username",
			 p->username, "display_name", p->display_name, "grants", grants);
}

static void post_session(struct req *r)
{
	const char *username = NULL, *password = NULL;
	const struct jfield fields[] = {
		{ "username", JF_STRING, true, 1, 64, &username, NULL },
		{ "password", JF_STRING, true, 1, AUTH_PASSWORD_MAX, &password, NULL },
	};
	struct err e = ERR_INIT;
	struct session_new s;
	const struct principal *p;
	char cookie[256];

	if (http_body_take(r, fields, 2, &e) < 0 ||
	    auth_login(r->db, &s, &p, username, password, r->ip, &r->arena, &e) < 0)
		return http_reply_err(r, &e);
	snprintf(cookie, sizeof(cookie), "linli_session=%s; Path=/; HttpOnly; SameSite=Lax; Max-Age=%d%s",
		 s.token, AUTH_SESSION_SECONDS, r->secure ? "; Secure" : "");
	http_set_cookie(r, cookie);
	http_reply_json(r, 200, json_pack("{s:o, s:s}", "user", user_json(p), "csrf", s.csrf));
}

static void get_session(struct req *r)
{
	http_reply_json(r, 200, json_pack("{s:o, s:s}", "user", user_json(r->user), "csrf", r->csrf));
}

static void delete_session(struct req *r)
{
	struct err e = ERR_INIT;
	if (auth_logout(r->db, r->user, r->ip, &e) < 0)
		return http_reply_err(r, &e);
	http_set_cookie(r, r->secure ? "linli_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0; Secure"
				     : "linli_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
	http_reply_empty(r, 204);
}

int auth_http_load_session(struct req *r, struct err *e)
{
	return auth_session_load_cached(r->db, &r->user, &r->csrf, r->session_token, &r->arena, e);
}

static const struct route routes[] = {
	{ "POST", "/api/session", post_session, ROUTE_PUBLIC },
	{ "GET", "/api/session", get_session, 0 },
	{ "DELETE", "/api/session", delete_session, 0 },
};
const struct route_table auth_routes = { routes, sizeof(routes) / sizeof(routes[0]) };
