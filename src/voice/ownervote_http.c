/*
 * ownervote_http.c - handlers of owners' votes.
 *
 * Members of the community read votes; those who change the community
 * (admin, the street's officer, the community's worker) create, open and
 * close them, enter paper and proxy ballots, and read the electors list.  An
 * owner votes online through their resident account (registry/account.h):
 * the account's resident is the elector, so an owner of several dwellings
 * has one ballot, and a co-owner who is not the named voter has none.
 */
#include "voice/voice_http.h"

#include "auth/auth.h"
#include "registry/account.h"
#include "registry/ownership.h"
#include "voice/ownervote.h"

#include <stdio.h>
#include <string.h>

static int open_vote(struct req *r, struct community *c, struct ownervote_info *v,
		     enum voice_access need, struct err *e)
{
	if (voice_open_community(r, c, need, e) < 0)
		return -1;
	return ownervote_get(r->db, v, c->id, r->param[1], &r->arena, e);
}

static void get_votes(struct req *r)
{
	struct community c;
	struct err e = ERR_INIT;
	json_t *list;
	if (voice_open_community(r, &c, VOICE_MEMBER, &e) < 0 ||
	    ownervote_list(r->db, &list, c.id, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 200,
			json_pack("{s:o, s:{s:I, s:s}, s:b}", "votes", list, "community", "id",
				  (json_int_t)c.id, "name", c.name, "can_manage",
				  auth_changes_community(r->user, c.id, c.street_id)));
}

static void post_vote(struct req *r)
{
	struct ownervote_new n = {0};
	const struct jfield f[] = {
	    {"title", JF_STRING, true, 1, OWNERVOTE_TITLE_MAX, &n.title},
	    {"body", JF_STRING, false, 0, OWNERVOTE_TEXT_MAX, &n.body},
	    {"scope", JF_STRING, true, 1, 16, &n.scope},
	    {"scope_id", JF_INT, false, 1, INT64_MAX, &n.scope_id},
	    {"rule", JF_STRING, true, 1, 32, &n.rule},
	    {"participation", JF_STRING, false, 1, 16, &n.participation},
	    {"approval", JF_STRING, false, 1, 16, &n.approval},
	    {"participation_inclusive", JF_BOOL, false, 0, 0, &n.participation_inclusive},
	    {"approval_inclusive", JF_BOOL, false, 0, 0, &n.approval_inclusive},
	    {"by_area", JF_BOOL, false, 0, 0, &n.by_area},
	    {"abstain", JF_STRING, false, 1, 16, &n.abstain},
	    {"secret", JF_BOOL, false, 0, 0, &n.secret},
	};
	struct community c;
	struct err e = ERR_INIT;
	int64_t id;
	if (voice_open_community(r, &c, VOICE_CHANGER, &e) < 0 ||
	    http_body_take(r, f, sizeof(f) / sizeof(f[0]), &e) < 0)
		return http_reply_err(r, &e);
	/* the scope must lie in this community (another one's id is a 404) */
	struct elector_unit *u;
	size_t nu;
	if (ownership_electorate(r->db, &r->arena, c.id, n.scope,
				 strcmp(n.scope, "community") ? n.scope_id : c.id, &u, &nu, &e) < 0)
		return http_reply_err(r, &e);
	if (ownervote_add(r->db, &id, c.id, &n, r->user->user_id, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 201, json_pack("{s:I, s:s}", "id", (json_int_t)id, "title", n.title));
}

/* The resident linked to the caller's account in c, or 0. */
static int64_t my_resident(struct req *r, const struct community *c)
{
	struct err e = ERR_INIT;
	int64_t res = 0, dw = 0;
	if (account_resident_of(r->db, r->user->user_id, c->id, &res, &dw, &e) < 0)
		return 0;
	return res;
}

static void get_vote(struct req *r)
{
	struct community c;
	struct ownervote_info v;
	struct err e = ERR_INIT;
	json_t *o, *mine;
	bool staff;
	int64_t res;
	if (open_vote(r, &c, &v, VOICE_MEMBER, &e) < 0)
		return http_reply_err(r, &e);
	staff = auth_changes_community(r->user, c.id, c.street_id);
	if (ownervote_view(r->db, &o, &v, staff, &r->arena, &e) < 0)
		return http_reply_err(r, &e);
	res = my_resident(r, &c);
	if (strcmp(v.status, "draft") && res &&
	    ownervote_my_electors(r->db, &mine, &v, &res, 1, &e) == 0)
		json_object_set_new(o, "mine", mine);
	json_object_set_new(o, "can_manage", json_boolean(staff));
	http_reply_json(r, 200, o);
}

static void patch_vote(struct req *r)
{
	const char *status = NULL;
	const struct jfield f[] = {{"status", JF_STRING, true, 1, 16, &status}};
	struct community c;
	struct ownervote_info v;
	struct err e = ERR_INIT;
	if (open_vote(r, &c, &v, VOICE_CHANGER, &e) < 0 || http_body_take(r, f, 1, &e) < 0 ||
	    ownervote_set_status(r->db, &v, status, r->user->user_id, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 200, json_pack("{s:I, s:s}", "id", (json_int_t)v.id, "status", status));
}

static void reply_cast(struct req *r, const char *receipt, const char *check, bool changed)
{
	char grouped[OWNERVOTE_RECEIPT_LEN + OWNERVOTE_RECEIPT_LEN / 4];
	size_t k = 0;
	for (size_t i = 0; i < OWNERVOTE_RECEIPT_LEN; i++) {
		if (i && i % 4 == 0)
			grouped[k++] = '-';
		grouped[k++] = receipt[i];
	}
	grouped[k] = 0;
	http_reply_json(r, changed ? 200 : 201,
			json_pack("{s:s, s:s, s:b}", "receipt", grouped, "check", check, "changed",
				  changed));
}

static void put_ballot(struct req *r)
{
	struct ownervote_cast cast = {.channel = "online"};
	const struct jfield f[] = {
	    {"choice", JF_STRING, true, 1, 16, &cast.choice},
	    {"receipt", JF_STRING, false, 1, 64, &cast.receipt},
	};
	struct community c;
	struct ownervote_info v;
	struct err e = ERR_INIT;
	char receipt[OWNERVOTE_RECEIPT_LEN + 1], check[OWNERVOTE_CHECK_LEN + 1];
	bool changed;
	if (open_vote(r, &c, &v, VOICE_MEMBER, &e) < 0 || http_body_take(r, f, 2, &e) < 0)
		return http_reply_err(r, &e);
	if (!(cast.elector = my_resident(r, &c))) {
		err_set(&e, ERR_FORBIDDEN, "elector",
			"only an owner's resident account votes online; ask the committee to enter"
			" a paper ballot");
		return http_reply_err(r, &e);
	}
	cast.entered_by = r->user->user_id;
	if (ownervote_cast(r->db, &v, &cast, receipt, check, &changed, &e) < 0)
		return http_reply_err(r, &e);
	reply_cast(r, receipt, check, changed);
}

static void post_paper(struct req *r)
{
	struct ownervote_cast cast = {0};
	bool has_elector = false;
	const struct jfield f[] = {
	    {"elector", JF_INT, true, 0, INT64_MAX, &cast.elector, &has_elector},
	    {"choice", JF_STRING, true, 1, 16, &cast.choice},
	    {"channel", JF_STRING, true, 1, 16, &cast.channel},
	    {"evidence", JF_STRING, true, 1, OWNERVOTE_EVIDENCE_MAX, &cast.evidence},
	    {"receipt", JF_STRING, false, 1, 64, &cast.receipt},
	};
	struct community c;
	struct ownervote_info v;
	struct err e = ERR_INIT;
	char receipt[OWNERVOTE_RECEIPT_LEN + 1], check[OWNERVOTE_CHECK_LEN + 1];
	bool changed;
	if (open_vote(r, &c, &v, VOICE_CHANGER, &e) < 0 || http_body_take(r, f, 5, &e) < 0)
		return http_reply_err(r, &e);
	if (!strcmp(cast.channel, "online")) {
		err_set(&e, ERR_INVALID, "channel", "channel must be paper or proxy");
		return http_reply_err(r, &e);
	}
	cast.entered_by = r->user->user_id;
	cast.actor = r->user->username;
	cast.ip = r->ip;
	/* who entered a ballot for whom is audited in the same transaction;
	 * what it said is not */
	if (ownervote_cast(r->db, &v, &cast, receipt, check, &changed, &e) < 0)
		return http_reply_err(r, &e);
	reply_cast(r, receipt, check, changed);
}

static void get_electors(struct req *r)
{
	struct community c;
	struct ownervote_info v;
	struct err e = ERR_INIT;
	json_t *list;
	if (open_vote(r, &c, &v, VOICE_CHANGER, &e) < 0 ||
	    ownervote_electors(r->db, &list, &v, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 200, json_pack("{s:o, s:b}", "electors", list, "secret", v.secret));
}

static void get_checklist(struct req *r)
{
	struct community c;
	struct ownervote_info v;
	struct err e = ERR_INIT;
	json_t *o;
	if (open_vote(r, &c, &v, VOICE_MEMBER, &e) < 0 ||
	    ownervote_checklist(r->db, &o, &v, &e) < 0)
		return http_reply_err(r, &e);
	http_reply_json(r, 200, o);
}

static const struct route routes[] = {
    {"GET", "/api/communities/{id}/votes", get_votes, 0},
    {"POST", "/api/communities/{id}/votes", post_vote, 0},
    {"GET", "/api/communities/{id}/votes/{vote}", get_vote, 0},
    {"PATCH", "/api/communities/{id}/votes/{vote}", patch_vote, 0},
    {"PUT", "/api/communities/{id}/votes/{vote}/ballot", put_ballot, 0},
    {"POST", "/api/communities/{id}/votes/{vote}/paper", post_paper, 0},
    {"GET", "/api/communities/{id}/votes/{vote}/electors", get_electors, 0},
    {"GET", "/api/communities/{id}/votes/{vote}/checklist", get_checklist, 0},
};
const struct route_table ownervote_routes = {routes, sizeof(routes) / sizeof(routes[0])};
