/*
 * invite_http.c - handlers of invitations (staff), claiming (public), and
 * "my household" (a signed-in resident), see invite.h and account.h.
 *
 * Staff routes open the community with structure_open_community(...,
 * STAFF_CHANGE): admin, the street officer of its street and its workers
 * issue, print, revoke and decide corrections; grid workers and building
 * leads get 403 (a code hands out an account, which is a worker's act);
 * other roles 403; another community 404.
 *
 * The claim URL in a QR code is LINLI_PUBLIC_URL (e.g.
 * "https://linli.example.cn", read once) followed by "/#/claim/CODE"; without
 * it, the scheme (https with --secure-cookies) and the Host of the request
 * that prints the slip, so a slip printed from the address residents use
 * points there.
 */
#include "http/http.h"

#include "auth/auth.h"
#include "core/qr.h"
#include "core/timeutil.h"
#include "registry/account.h"
#include "registry/invite.h"
#include "registry/resident.h"
#include "registry/structure.h"
#include "registry/structure_http.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *public_url;
static pthread_once_t public_once = PTHREAD_ONCE_INIT;

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

/* The base of claim URLs for this request, in the arena; NULL with e set
 * when the Host header is unusable. */
static const char *claim_base(struct req *r, struct err *e)
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

/* Adds "url" to a slip that has a code. */
static void add_url(json_t *slip, const char *base)
{
	json_t *code = json_object_get(slip, "code");
	char url[600];
	if (!json_is_string(code)) {
		json_object_set_new(slip, "url", json_null());
		return;
	}
	/* the bare code in the URL: fewer characters, a smaller QR code */
	char bare[INVITE_CODE_LEN + 1];
	size_t k = 0;
	for (const char *p = json_string_value(code); *p && k < INVITE_CODE_LEN; p++)
		if (*p != '-')
			bare[k++] = *p;
	bare[k] = '\0';
	snprintf(url, sizeof(url), "%s/#/claim/%s", base, bare);
	json_object_set_new(slip, "url", json_string(url));
}

static int take_days(struct req *r, int64_t *days, struct err *e)
{
	const struct jfield f[] = {
		{ "expires_in_days", JF_INT, false, 1, INVITE_DAYS_MAX, days, NULL },
	};
	*days = INVITE_DAYS_DEFAULT;
	if (r->body_len == 0)
		return 0;
	return http_body_take(r, f, 1, e);
}

static void post_resident_invitation(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	struct invite_new inv;
	int64_t days;
	const char *base;
	json_t *slip;
	if (structure_open_community(r, &c, STAFF_CHANGE, &e) < 0 || take_days(r, &days, &e) < 0 ||
	    !(base = claim_base(r, &e)) ||
	    invite_issue(r->db, &inv, c.id, r->param[1], (int)days, r->user->user_id,
			 r->user->username, r->ip, time_now(), &e) < 0 ||
	    invite_slip(r->db, &slip, c.id, inv.id, time_now(), &e) < 0)
		return http_reply_err(r, &e);
	add_url(slip, base);
	http_reply_json(r, 201, slip);
}

static void get_resident_invitations(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	json_t *out;
	if (structure_open_community(r, &c, STAFF_CHANGE, &e) < 0 ||
	    invite_list(r->db, &out, c.id, r->param[1], time_now(), &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 200, out);
}

static void post_building_invitations(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	int64_t days;
	const char *base;
	json_t *arr, *slip;
	size_t i;
	if (structure_open_community(r, &c, STAFF_CHANGE, &e) < 0 || take_days(r, &days, &e) < 0 ||
	    !(base = claim_base(r, &e)) ||
	    invite_issue_building(r->db, &arr, c.id, r->param[1], (int)days, r->user->user_id,
				  r->user->username, r->ip, time_now(), &e) < 0)
		return http_reply_err(r, &e);
	json_array_foreach(arr, i, slip)
		add_url(slip, base);
	http_reply_json(r, 201, json_pack("{s:o}", "invitations", arr));
}

static void get_invitation(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	const char *base;
	json_t *slip;
	if (structure_open_community(r, &c, STAFF_CHANGE, &e) < 0 || !(base = claim_base(r, &e)) ||
	    invite_slip(r->db, &slip, c.id, r->param[1], time_now(), &e) < 0)
		return http_reply_err(r, &e);
	add_url(slip, base);
	http_reply_json(r, 200, slip);
}

static void get_invitation_qr(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	char code[INVITE_CODE_LEN + 1];
	const char *base;
	struct strbuf sb;
	if (structure_open_community(r, &c, STAFF_CHANGE, &e) < 0 || !(base = claim_base(r, &e)) ||
	    invite_code_of(r->db, code, c.id, r->param[1], time_now(), &e) < 0)
		return http_reply_err(r, &e);
	strbuf_init(&sb);
	if (qr_svg(&sb, arena_printf(&r->arena, "%s/#/claim/%s", base, code), &e) < 0) {
		strbuf_release(&sb);
		return http_reply_err(r, &e);
	}
	http_reply_text(r, 200, "image/svg+xml", sb.buf, sb.len);
	strbuf_release(&sb);
}

static void delete_invitation(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	if (structure_open_community(r, &c, STAFF_CHANGE, &e) < 0 ||
	    invite_revoke(r->db, c.id, r->param[1], r->user->user_id, r->user->username, r->ip,
			  time_now(), &e) < 0)
		return http_reply_err(r, &e);
	http_reply_empty(r, 204);
}

static void get_corrections(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	const char *status = http_query(r, "status");
	json_t *out;
	if (structure_open_community(r, &c, STAFF_CHANGE, &e) < 0 ||
	    account_corrections(r->db, &out, c.id, status && *status ? status : NULL, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 200, out);
}

static void patch_correction(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	const char *status = NULL, *reason = NULL;
	const struct jfield f[] = {
		{ "status", JF_STRING, true, 1, 20, &status, NULL },
		{ "reason", JF_STRING, false, 0, ACCOUNT_NOTE_MAX, &reason, NULL },
	};
	if (structure_open_community(r, &c, STAFF_CHANGE, &e) < 0 || http_body_take(r, f, 2, &e) < 0)
		return http_reply_err(r, &e);
	if (strcmp(status, "approved") && strcmp(status, "rejected")) {
		err_set(&e, ERR_INVALID, "status", "status must be approved or rejected");
		return http_reply_err(r, &e);
	}
	if (account_correction_decide(r->db, c.id, r->param[1], !strcmp(status, "approved"), reason,
				      r->user->user_id, r->user->username, r->ip, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_empty(r, 204);
}

/* ---- public: claiming ---- */

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

static void post_claim(struct req *r)
{
	const char *code = NULL, *username = NULL, *password = NULL;
	const struct jfield fields[] = {
		{ "code", JF_STRING, true, 1, 40, &code, NULL },
		{ "username", JF_STRING, true, 1, 64, &username, NULL },
		{ "password", JF_STRING, true, 1, AUTH_PASSWORD_MAX, &password, NULL },
	};
	struct err e = ERR_INIT;
	struct session_new s;
	const struct principal *p;
	int64_t uid, cid;
	char cookie[256];

	if (http_body_take(r, fields, 3, &e) < 0 ||
	    invite_claim(r->db, &uid, &cid, code, username, password, r->ip, time_now(), &e) < 0 ||
	    auth_login(r->db, &s, &p, username, password, r->ip, &r->arena, &e) < 0)
		return http_reply_err(r, &e);
	snprintf(cookie, sizeof(cookie), "linli_session=%s; Path=/; HttpOnly; SameSite=Lax; Max-Age=%d%s",
		 s.token, AUTH_SESSION_SECONDS, r->secure ? "; Secure" : "");
	http_set_cookie(r, cookie);
	http_reply_json(r, 201, json_pack("{s:o, s:s, s:I}", "user", user_json(p), "csrf", s.csrf,
					  "community_id", (json_int_t)cid));
}

/* ---- a resident's own household ---- */

/* The community of a /api/me route: ?community=ID, else the user's first
 * link; the user must still be a member of it (404 otherwise). */
static int me_community(struct req *r, int64_t *out, struct err *e)
{
	const char *q = http_query(r, "community");
	struct community c;
	*out = 0;
	if (q && *q) {
		char *end;
		long long v = strtoll(q, &end, 10);
		if (*end || v < 1)
			return err_set(e, ERR_INVALID, "community", "community must be a positive id");
		*out = v;
	} else if (account_first_community(r->db, r->user->user_id, out, e) < 0) {
		return -1;
	}
	if (structure_community_get(r->db, &c, *out, &r->arena, e) < 0 ||
	    !auth_member_of(r->user, c.id, c.street_id)) {
		err_clear(e);
		return err_set(e, ERR_NOT_FOUND, NULL, "you are not linked to a resident here");
	}
	return 0;
}

static void get_household(struct req *r)
{
	struct err e = ERR_INIT;
	int64_t cid;
	json_t *out;
	if (me_community(r, &cid, &e) < 0 ||
	    account_household(r->db, &out, cid, r->user->user_id, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 200, out);
}

static void patch_household_member(struct req *r)
{
	struct err e = ERR_INIT;
	struct account_change c = { .volunteer_willing = -1 };
	bool vol = false, vol_given = false;
	const struct jfield f[] = {
		{ "phone", JF_STRING, false, 0, 32, &c.phone, NULL },
		{ "skills", JF_STRING, false, 0, RESIDENT_SKILLS_MAX, &c.skills, NULL },
		{ "languages", JF_STRING, false, 0, RESIDENT_LANGUAGES_MAX, &c.languages, NULL },
		{ "volunteer_willing", JF_BOOL, false, 0, 0, &vol, &vol_given },
		{ "name", JF_STRING, false, 1, 50, &c.name, NULL },
		{ "id_number", JF_STRING, false, 1, 40, &c.id_number, NULL },
		{ "note", JF_STRING, false, 0, ACCOUNT_NOTE_MAX, &c.note, NULL },
	};
	int64_t cid;
	int created;
	json_t *out;
	if (me_community(r, &cid, &e) < 0 || http_body_take(r, f, sizeof(f) / sizeof(f[0]), &e) < 0)
		return http_reply_err(r, &e);
	if (vol_given)
		c.volunteer_willing = vol;
	if (account_member_change(r->db, cid, r->user->user_id, r->user->username, r->param[0], &c,
				  &created, r->ip, &e) < 0 ||
	    account_household(r->db, &out, cid, r->user->user_id, &e) < 0)
		return http_reply_err(r, &e);
	json_object_set_new(out, "corrections_created", json_integer(created));
	http_reply_json(r, 200, out);
}

static const struct route routes[] = {
	{ "POST", "/api/communities/{id}/residents/{resident}/invitations", post_resident_invitation, 0 },
	{ "GET", "/api/communities/{id}/residents/{resident}/invitations", get_resident_invitations, 0 },
	{ "POST", "/api/communities/{id}/buildings/{building}/invitations", post_building_invitations, 0 },
	{ "GET", "/api/communities/{id}/invitations/{invitation}", get_invitation, 0 },
	{ "GET", "/api/communities/{id}/invitations/{invitation}/qr.svg", get_invitation_qr, 0 },
	{ "DELETE", "/api/communities/{id}/invitations/{invitation}", delete_invitation, 0 },
	{ "GET", "/api/communities/{id}/corrections", get_corrections, 0 },
	{ "PATCH", "/api/communities/{id}/corrections/{correction}", patch_correction, 0 },
	{ "POST", "/api/claim", post_claim, ROUTE_PUBLIC },
	{ "GET", "/api/me/household", get_household, 0 },
	{ "PATCH", "/api/me/household/members/{member}", patch_household_member, 0 },
};
const struct route_table invite_routes = { routes, sizeof(routes) / sizeof(routes[0]) };
