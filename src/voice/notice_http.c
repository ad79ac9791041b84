/*
 * notice_http.c - handlers of notices (通知公告).
 *
 * Members read published notices; those who change the community write,
 * publish and withdraw them, mark households reached by other means and
 * read the receipts.  A resident whose account is linked to a household
 * (registry/account.h) marks it reached by opening the notice: the page
 * posts .../read once it has shown the text.
 */
#include "voice/voice_http.h"

#include "auth/auth.h"
#include "registry/account.h"
#include "voice/notice.h"

#include <string.h>

/* The household of the caller's resident account in c, or 0. */
static int64_t my_household(struct req *r, int64_t community_id)
{
	struct err e = ERR_INIT;
	int64_t res = 0, dw = 0;
	if (account_resident_of(r->db, r->user->user_id, community_id, &res, &dw, &e) < 0)
		return 0;
	return dw;
}

static int open_notice(struct req *r, struct community *c, struct notice_info *n,
		       enum voice_access need, bool *staff, struct err *e)
{
	if (voice_open_community(r, c, need, e) < 0)
		return -1;
	*staff = auth_changes_community(r->user, c->id, c->street_id);
	return notice_get(r->db, n, c->id, r->param[1], *staff, &r->arena, e);
}

static void get_notices(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	json_t *list;
	bool staff;
	if (voice_open_community(r, &c, VOICE_MEMBER, &e) < 0)
		return http_reply_err(r, &e);
	staff = auth_changes_community(r->user, c.id, c.street_id);
	if (notice_list(r->db, &list, c.id, staff, my_household(r, c.id), &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 200, json_pack("{s:o, s:b}", "notices", list, "can_manage", staff));
}

static void post_notice(struct req *r)
{
	struct notice_new n = {.scope = "community"};
	const struct jfield f[] = {
	    {"title", JF_STRING, true, 1, NOTICE_TITLE_MAX, &n.title},
	    {"body", JF_STRING, true, 1, NOTICE_BODY_MAX, &n.body},
	    {"category", JF_STRING, false, 1, 16, &n.category},
	    {"scope", JF_STRING, false, 1, 16, &n.scope},
	    {"scope_id", JF_INT, false, 1, INT64_MAX, &n.scope_id},
	    {"pinned", JF_BOOL, false, 0, 0, &n.pinned},
	};
	struct community c;
	struct err e = ERR_INIT;
	int64_t id;
	if (voice_open_community(r, &c, VOICE_CHANGER, &e) < 0 ||
	    http_body_take(r, f, sizeof(f) / sizeof(f[0]), &e) < 0 ||
	    notice_add(r->db, &id, c.id, &n, r->user->user_id, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 201, json_pack("{s:I, s:s}", "id", (json_int_t)id, "title", n.title));
}

static void get_notice(struct req *r)
{
	struct community c;
	struct notice_info n;
	struct err e = ERR_INIT;
	json_t *o;
	bool staff;
	if (open_notice(r, &c, &n, VOICE_MEMBER, &staff, &e) < 0 ||
	    notice_view(r->db, &o, &n, my_household(r, c.id), &e) < 0)
		return http_reply_err(r, &e);
	json_object_set_new(o, "can_manage", json_boolean(staff));
	http_reply_json(r, 200, o);
}

static void patch_notice(struct req *r)
{
	const char *status = NULL;
	const struct jfield f[] = {{"status", JF_STRING, true, 1, 16, &status}};
	struct community c;
	struct notice_info n;
	struct err e = ERR_INIT;
	bool staff;
	if (open_notice(r, &c, &n, VOICE_CHANGER, &staff, &e) < 0 ||
	    http_body_take(r, f, 1, &e) < 0 ||
	    notice_set_status(r->db, &n, status, r->user->user_id, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 200, json_pack("{s:I, s:s}", "id", (json_int_t)n.id, "status", status));
}

static void post_read(struct req *r)
{
	struct community c;
	struct notice_info n;
	struct err e = ERR_INIT;
	bool staff, first = false;
	int64_t dw;
	if (open_notice(r, &c, &n, VOICE_MEMBER, &staff, &e) < 0)
		return http_reply_err(r, &e);
	/* a reader without a household (staff, volunteers) leaves no receipt;
	 * a household outside the notice's scope neither */
	if ((dw = my_household(r, c.id)) > 0 &&
	    notice_receipt(r->db, &n, dw, "online", NULL, r->user->user_id, &first, &e) < 0 &&
	    e.code != ERR_NOT_FOUND)
		return http_reply_err(r, &e);
	http_reply_json(r, 200, json_pack("{s:b, s:b}", "household", dw > 0 && e.code == ERR_NONE,
					  "first", first));
}

static void post_receipt(struct req *r)
{
	int64_t dwelling = 0;
	const char *method = NULL, *note = NULL;
	const struct jfield f[] = {
	    {"dwelling_id", JF_INT, true, 1, INT64_MAX, &dwelling},
	    {"method", JF_STRING, true, 1, 16, &method},
	    {"note", JF_STRING, false, 0, NOTICE_NOTE_MAX, &note},
	};
	struct community c;
	struct notice_info n;
	struct err e = ERR_INIT;
	bool staff, first;
	if (open_notice(r, &c, &n, VOICE_CHANGER, &staff, &e) < 0 ||
	    http_body_take(r, f, 3, &e) < 0 ||
	    notice_receipt(r->db, &n, dwelling, method, note, r->user->user_id, &first, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, first ? 201 : 200, json_pack("{s:I, s:b}", "dwelling_id",
							(json_int_t)dwelling, "first", first));
}

static void get_receipts(struct req *r)
{
	struct community c;
	struct notice_info n;
	struct err e = ERR_INIT;
	json_t *o;
	bool staff;
	if (open_notice(r, &c, &n, VOICE_CHANGER, &staff, &e) < 0 ||
	    notice_receipts(r->db, &o, &n, &r->arena, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 200, o);
}

static const struct route routes[] = {
    {"GET", "/api/communities/{id}/notices", get_notices, 0},
    {"POST", "/api/communities/{id}/notices", post_notice, 0},
    {"GET", "/api/communities/{id}/notices/{notice}", get_notice, 0},
    {"PATCH", "/api/communities/{id}/notices/{notice}", patch_notice, 0},
    {"POST", "/api/communities/{id}/notices/{notice}/read", post_read, 0},
    {"POST", "/api/communities/{id}/notices/{notice}/receipts", post_receipt, 0},
    {"GET", "/api/communities/{id}/notices/{notice}/receipts", get_receipts, 0},
};
const struct route_table notice_routes = {routes, sizeof(routes) / sizeof(routes[0])};
