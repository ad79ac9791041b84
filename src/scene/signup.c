/*
 * signup.c - sign-ups, their rules in a fixed order, swaps, no-shows, the
 * volunteer's own view and the week roster (see signup.h).
 *
 * The rules read the scene module's shifts and posts (this folder's shared
 * base, scene.h) and the volunteers (volunteer.h); each rule is one small
 * query, run inside the caller's write transaction.
 */
#include "scene/signup.h"

#include "auth/auth.h"
#include "core/strbuf.h"
#include "scene/scene.h"
#include "scene/volunteer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

static const char sql_same[] =
    "SELECT 1 FROM signups WHERE shift_id = ? AND volunteer_id = ? AND status = 'signed'"
    " AND id <> ?";
static const char sql_taken[] =
    "SELECT COUNT(*) FROM signups WHERE shift_id = ? AND status = 'signed' AND id <> ?";
static const char sql_insurance[] =
    "SELECT insurance FROM post_requirements WHERE post_id = ?";
static const char sql_near[] =
    "SELECT 1 FROM signups s JOIN shifts f ON f.id = s.shift_id WHERE s.volunteer_id = ?"
    " AND s.status = 'signed' AND s.id <> ? AND f.id <> ? AND f.starts_at < ? AND f.ends_at > ?"
    " LIMIT 1";
static const char sql_insert[] =
    "INSERT INTO signups (community_id, shift_id, volunteer_id, status, offered, created_at,"
    " created_by, no_show) VALUES (?, ?, ?, 'signed', 0, ?, ?, 0) RETURNING id";
static const char sql_owner[] =
    "SELECT s.volunteer_id, s.shift_id, s.status, s.offered, s.checkin_at, f.starts_at,"
    " f.ends_at FROM signups s JOIN shifts f ON f.id = s.shift_id"
    " WHERE s.id = ? AND s.community_id = ?";
static const char sql_end[] =
    "UPDATE signups SET status = ?, ended_at = ?, offered = 0 WHERE id = ? AND community_id = ?"
    " AND status = 'signed'";
static const char sql_no_show[] =
    "UPDATE signups SET no_show = 1 WHERE id = ? AND community_id = ?";
static const char sql_offer[] =
    "UPDATE signups SET offered = ? WHERE id = ? AND community_id = ?";
static const char sql_shift_signups[] =
    "SELECT s.id, s.volunteer_id, v.name, s.status, s.offered, s.checkin_at, s.checkout_at,"
    " s.minutes, s.confirmed_at, s.no_show FROM signups s JOIN volunteers v"
    " ON v.id = s.volunteer_id WHERE s.shift_id = ? AND s.community_id = ?"
    " ORDER BY s.status <> 'signed', s.id";
static const char sql_open[] =
    "SELECT f.id, f.post_id, p.name, sc.name, f.starts_at, f.ends_at, f.headcount,"
    " (SELECT COUNT(*) FROM signups s WHERE s.shift_id = f.id AND s.status = 'signed'),"
    " f.skills FROM shifts f JOIN scene_posts p ON p.id = f.post_id"
    " JOIN scenes sc ON sc.id = p.scene_id WHERE f.community_id = ? AND f.starts_at >= ?"
    " AND f.starts_at < ? AND f.status <> 'cancelled'"
    " AND (SELECT COUNT(*) FROM signups s WHERE s.shift_id = f.id AND s.status = 'signed')"
    " < f.headcount ORDER BY f.starts_at, f.id LIMIT 500";
static const char sql_mine[] =
    "SELECT s.id, f.id, p.name, sc.name, f.starts_at, f.ends_at, s.offered, s.checkin_at,"
    " s.checkout_at, s.minutes, s.confirmed_at, s.no_show FROM signups s"
    " JOIN shifts f ON f.id = s.shift_id JOIN scene_posts p ON p.id = f.post_id"
    " JOIN scenes sc ON sc.id = p.scene_id WHERE s.volunteer_id = ? AND s.community_id = ?"
    " AND s.status = 'signed' AND f.ends_at >= ? ORDER BY f.starts_at, s.id LIMIT 200";
static const char sql_offers[] =
    "SELECT s.id, f.id, p.name, sc.name, f.starts_at, f.ends_at, v.name FROM signups s"
    " JOIN shifts f ON f.id = s.shift_id JOIN scene_posts p ON p.id = f.post_id"
    " JOIN scenes sc ON sc.id = p.scene_id JOIN volunteers v ON v.id = s.volunteer_id"
    " WHERE s.community_id = ? AND s.status = 'signed' AND s.offered = 1"
    " AND s.volunteer_id <> ? AND f.starts_at > ? ORDER BY f.starts_at LIMIT 100";
static const char sql_roster_posts[] =
    "SELECT p.id, p.name, sc.name FROM scene_posts p JOIN scenes sc ON sc.id = p.scene_id"
    " WHERE p.community_id = ? AND EXISTS (SELECT 1 FROM shifts f WHERE f.post_id = p.id"
    " AND f.starts_at >= ? AND f.starts_at < ?) ORDER BY sc.id, p.position, p.id";
static const char sql_roster_shifts[] =
    "SELECT f.id, f.post_id, f.starts_at, f.ends_at, f.headcount FROM shifts f"
    " WHERE f.community_id = ? AND f.starts_at >= ? AND f.starts_at < ?"
    " ORDER BY f.starts_at, f.id LIMIT 2000";
static const char sql_roster_names[] =
    "SELECT v.name FROM signups s JOIN volunteers v ON v.id = s.volunteer_id"
    " WHERE s.shift_id = ? AND s.status = 'signed' ORDER BY s.id";

static int conflict(const char **rule, const char *code, struct err *e, const char *msg)
{
	*rule = code;
	return err_set(e, ERR_CONFLICT, "shift_id", "%s", msg);
}

/* Runs a query with integer parameters; *hit gets whether a row came and
 * *val its first column. */
static int q_ints(struct store *db, const char *sql, const int64_t *v, int n, bool *hit,
		  int64_t *val, struct err *e)
{
	struct stmt *st = store_prepare(db, sql, e);
	int rc;
	if (!st)
		return -1;
	for (int i = 0; i < n; i++)
		stmt_bind_int(st, i + 1, v[i]);
	rc = stmt_step(st, e);
	if (hit)
		*hit = rc == STORE_ROW;
	if (val)
		*val = rc == STORE_ROW ? stmt_int(st, 0) : 0;
	stmt_done(st);
	return rc < 0 ? -1 : 0;
}

int signup_check(struct store *db, const char **rule, int64_t community_id, int64_t shift_id,
		 int64_t volunteer_id, int64_t now, int64_t exclude, struct err *e)
{
	struct arena a = ARENA_INIT;
	struct shift_info f;
	struct vol_brief v;
	struct vol_settings set;
	int64_t n = 0;
	bool hit;
	int rc = -1;
	*rule = NULL;
	if (shift_get(db, &f, community_id, shift_id, &a, e) < 0 ||
	    volunteer_brief(db, &v, community_id, volunteer_id, &a, e) < 0 ||
	    vol_settings_get(db, &set, community_id, e) < 0 ||
	    volunteer_no_shows(db, &n, community_id, volunteer_id, e) < 0)
		goto out;
	if (strcmp(v.status, "active")) {
		conflict(rule, "inactive", e, "the volunteer is not active");
		goto out;
	}
	if (n >= set.noshow_limit) {
		conflict(rule, "talk_required", e,
			 "too many no-shows: a coordinator talks with the volunteer first");
		goto out;
	}
	if (q_ints(db, sql_same, (int64_t[]){shift_id, volunteer_id, exclude}, 3, &hit, NULL, e) <
	    0)
		goto out;
	if (hit) {
		conflict(rule, "already_signed_up", e, "already signed up for this shift");
		goto out;
	}
	if (now >= f.ends_at) {
		conflict(rule, "shift_over", e, "the shift is over");
		goto out;
	}
	if (q_ints(db, sql_taken, (int64_t[]){shift_id, exclude}, 2, NULL, &n, e) < 0)
		goto out;
	if (n >= f.headcount) {
		conflict(rule, "shift_full", e, "the shift is full");
		goto out;
	}
	if (!vol_skills_cover(v.skills, f.skills)) {
		conflict(rule, "skill_missing", e, "the shift needs a skill the volunteer lacks");
		goto out;
	}
	if (q_ints(db, sql_insurance, (int64_t[]){f.post_id}, 1, &hit, &n, e) < 0)
		goto out;
	if (hit && n) {
		char last[11];
		vol_local_date(last, f.ends_at - 1);
		if (!*v.insured_until || strcmp(v.insured_until, last) < 0) {
			conflict(rule, "insurance_missing", e,
				 "the post requires insurance covering the shift");
			goto out;
		}
	}
	if (q_ints(db, sql_near, (int64_t[]){volunteer_id, exclude, shift_id, f.ends_at, f.starts_at},
		   5, &hit, NULL, e) < 0)
		goto out;
	if (hit) {
		conflict(rule, "overlap", e, "the volunteer is on another shift at that time");
		goto out;
	}
	if (f.starts_at - now > set.ahead_days * 86400) {
		conflict(rule, "too_far_ahead", e, "the shift is too far ahead to sign up");
		goto out;
	}
	if (set.rest_hours > 0) {
		int64_t rest = set.rest_hours * 3600;
		if (q_ints(db, sql_near,
			   (int64_t[]){volunteer_id, exclude, shift_id, f.ends_at + rest,
				       f.starts_at - rest},
			   5, &hit, NULL, e) < 0)
			goto out;
		if (hit) {
			conflict(rule, "rest", e, "too little rest between this and another shift");
			goto out;
		}
	}
	rc = 0;
out:
	arena_release(&a);
	return rc;
}

static int audit_signup(struct store *db, const struct vol_actor *who, const char *action,
			int64_t id, int64_t community_id, const char *detail, struct err *e)
{
	char subject[40];
	snprintf(subject, sizeof(subject), "signup:%lld", (long long)id);
	return audit_append(db, who ? who->user_id : 0, who ? who->username : NULL, action, subject,
			    community_id, who ? who->ip : NULL, detail, e);
}

static int insert(struct store *db, int64_t *out, int64_t community_id, int64_t shift_id,
		  int64_t volunteer_id, int64_t now, const struct vol_actor *who, struct err *e)
{
	struct stmt *st = store_prepare(db, sql_insert, e);
	int rc;
	if (!st)
		return -1;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_int(st, 2, shift_id);
	stmt_bind_int(st, 3, volunteer_id);
	stmt_bind_int(st, 4, now);
	stmt_bind_int(st, 5, who ? who->user_id : 0);
	if ((rc = stmt_step(st, e)) == STORE_ROW)
		*out = stmt_int(st, 0);
	stmt_done(st);
	return rc == STORE_ROW ? 0 : -1;
}

int signup_add(struct store *db, int64_t *out, const char **rule, int64_t community_id,
	       int64_t shift_id, int64_t volunteer_id, int64_t now, const struct vol_actor *who,
	       struct err *e)
{
	*rule = NULL;
	if (store_begin(db, e) < 0)
		return -1;
	if (signup_check(db, rule, community_id, shift_id, volunteer_id, now, 0, e) < 0 ||
	    insert(db, out, community_id, shift_id, volunteer_id, now, who, e) < 0 ||
	    store_commit(db, e) < 0) {
		store_rollback(db);
		return -1;
	}
	return 0;
}

struct owner_row {
	int64_t volunteer_id, shift_id, starts_at, ends_at;
	bool offered, checked_in;
	char status[16];
};

static int owner_read(struct store *db, struct owner_row *o, int64_t community_id,
		      int64_t signup_id, struct err *e)
{
	struct stmt *st = store_prepare(db, sql_owner, e);
	int rc;
	if (!st)
		return -1;
	stmt_bind_int(st, 1, signup_id);
	stmt_bind_int(st, 2, community_id);
	if ((rc = stmt_step(st, e)) == STORE_ROW) {
		o->volunteer_id = stmt_int(st, 0);
		o->shift_id = stmt_int(st, 1);
		snprintf(o->status, sizeof(o->status), "%s", stmt_text(st, 2));
		o->offered = stmt_int(st, 3) != 0;
		o->checked_in = !stmt_is_null(st, 4);
		o->starts_at = stmt_int(st, 5);
		o->ends_at = stmt_int(st, 6);
	}
	stmt_done(st);
	if (rc == STORE_DONE)
		return err_set(e, ERR_NOT_FOUND, "signup_id", "no such sign-up");
	return rc < 0 ? -1 : 0;
}

int signup_owner(struct store *db, int64_t *volunteer_id, int64_t *shift_id, int64_t community_id,
		 int64_t signup_id, struct err *e)
{
	struct owner_row o;
	if (owner_read(db, &o, community_id, signup_id, e) < 0)
		return -1;
	if (volunteer_id)
		*volunteer_id = o.volunteer_id;
	if (shift_id)
		*shift_id = o.shift_id;
	return 0;
}

static int end_signup(struct store *db, const char *status, int64_t community_id, int64_t id,
		      int64_t now, struct err *e)
{
	struct stmt *st = store_prepare(db, sql_end, e);
	if (!st)
		return -1;
	stmt_bind_text(st, 1, status, SIZE_MAX);
	stmt_bind_int(st, 2, now);
	stmt_bind_int(st, 3, id);
	stmt_bind_int(st, 4, community_id);
	if (stmt_exec(st, e) < 0)
		return -1;
	if (store_changes(db) != 1)
		return err_set(e, ERR_CONFLICT, "signup_id", "the sign-up is no longer signed");
	return 0;
}

int signup_cancel(struct store *db, const char **rule, int64_t community_id, int64_t signup_id,
		  bool coordinator, int64_t now, const struct vol_actor *who, struct err *e)
{
	struct vol_settings set;
	struct owner_row o;
	*rule = NULL;
	if (store_begin(db, e) < 0)
		return -1;
	if (owner_read(db, &o, community_id, signup_id, e) < 0 ||
	    vol_settings_get(db, &set, community_id, e) < 0)
		goto fail;
	if (strcmp(o.status, "signed")) {
		err_set(e, ERR_CONFLICT, "signup_id", "the sign-up is %s", o.status);
		goto fail;
	}
	if (o.checked_in) {
		err_set(e, ERR_CONFLICT, "signup_id", "the volunteer has checked in");
		goto fail;
	}
	if (!coordinator && o.starts_at - now < set.cancel_hours * 3600) {
		*rule = "cancellation_window";
		err_set(e, ERR_CONFLICT, "signup_id",
			"too late to cancel: ask the coordinator (%lld hours before the start)",
			(long long)set.cancel_hours);
		goto fail;
	}
	if (end_signup(db, "cancelled", community_id, signup_id, now, e) < 0 ||
	    (coordinator && audit_signup(db, who, "signup.cancel", signup_id, community_id, NULL,
					 e) < 0) ||
	    store_commit(db, e) < 0)
		goto fail;
	return 0;
fail:
	store_rollback(db);
	return -1;
}

int signup_no_show(struct store *db, int64_t community_id, int64_t signup_id, int64_t now,
		   const struct vol_actor *who, struct err *e)
{
	struct owner_row o;
	struct stmt *st;
	if (store_begin(db, e) < 0)
		return -1;
	if (owner_read(db, &o, community_id, signup_id, e) < 0)
		goto fail;
	if (strcmp(o.status, "signed") || o.checked_in || now < o.ends_at) {
		err_set(e, ERR_CONFLICT, "signup_id",
			"a no-show is recorded after the shift, for a sign-up never checked in");
		goto fail;
	}
	if (!(st = store_prepare(db, sql_no_show, e)))
		goto fail;
	stmt_bind_int(st, 1, signup_id);
	stmt_bind_int(st, 2, community_id);
	if (stmt_exec(st, e) < 0 ||
	    audit_signup(db, who, "signup.no_show", signup_id, community_id, NULL, e) < 0 ||
	    store_commit(db, e) < 0)
		goto fail;
	return 0;
fail:
	store_rollback(db);
	return -1;
}

int signup_offer(struct store *db, int64_t community_id, int64_t signup_id, bool offered,
		 int64_t now, struct err *e)
{
	struct owner_row o;
	struct stmt *st;
	if (store_begin(db, e) < 0)
		return -1;
	if (owner_read(db, &o, community_id, signup_id, e) < 0)
		goto fail;
	if (strcmp(o.status, "signed") || now >= o.starts_at) {
		err_set(e, ERR_CONFLICT, "signup_id", "only a sign-up whose shift has not started");
		goto fail;
	}
	if (!(st = store_prepare(db, sql_offer, e)))
		goto fail;
	stmt_bind_int(st, 1, offered ? 1 : 0);
	stmt_bind_int(st, 2, signup_id);
	stmt_bind_int(st, 3, community_id);
	if (stmt_exec(st, e) < 0 || store_commit(db, e) < 0)
		goto fail;
	return 0;
fail:
	store_rollback(db);
	return -1;
}

int signup_take(struct store *db, int64_t *out, const char **rule, int64_t community_id,
		int64_t signup_id, int64_t volunteer_id, int64_t now, const struct vol_actor *who,
		struct err *e)
{
	struct owner_row o;
	char detail[64];
	*rule = NULL;
	if (store_begin(db, e) < 0)
		return -1;
	if (owner_read(db, &o, community_id, signup_id, e) < 0)
		goto fail;
	if (strcmp(o.status, "signed") || !o.offered) {
		*rule = "not_offered";
		err_set(e, ERR_CONFLICT, "signup_id", "the sign-up is not offered for a swap");
		goto fail;
	}
	if (o.volunteer_id == volunteer_id) {
		*rule = "own_signup";
		err_set(e, ERR_CONFLICT, "signup_id", "this is your own sign-up");
		goto fail;
	}
	snprintf(detail, sizeof(detail), "from volunteer:%lld to volunteer:%lld",
		 (long long)o.volunteer_id, (long long)volunteer_id);
	if (signup_check(db, rule, community_id, o.shift_id, volunteer_id, now, signup_id, e) < 0 ||
	    end_signup(db, "swapped", community_id, signup_id, now, e) < 0 ||
	    insert(db, out, community_id, o.shift_id, volunteer_id, now, who, e) < 0 ||
	    audit_signup(db, who, "signup.swap", signup_id, community_id, detail, e) < 0 ||
	    store_commit(db, e) < 0)
		goto fail;
	return 0;
fail:
	store_rollback(db);
	return -1;
}

static json_t *opt_time(struct stmt *st, int col, struct arena *a)
{
	return stmt_is_null(st, col) ? json_null() : json_string(vol_local(a, stmt_int(st, col)));
}

static json_t *opt_int(struct stmt *st, int col)
{
	return stmt_is_null(st, col) ? json_null() : json_integer(stmt_int(st, col));
}

int signup_shift_view(struct store *db, json_t **out, int64_t community_id, int64_t shift_id,
		      struct err *e)
{
	struct arena a = ARENA_INIT;
	struct shift_info f;
	struct stmt *st;
	json_t *list;
	int rc;
	if (shift_get(db, &f, community_id, shift_id, &a, e) < 0 ||
	    !(st = store_prepare(db, sql_shift_signups, e))) {
		arena_release(&a);
		return -1;
	}
	list = json_array();
	stmt_bind_int(st, 1, shift_id);
	stmt_bind_int(st, 2, community_id);
	while ((rc = stmt_step(st, e)) == STORE_ROW)
		json_array_append_new(
		    list, json_pack("{s:I, s:I, s:s, s:s, s:b, s:o, s:o, s:o, s:b, s:b}", "id",
				    (json_int_t)stmt_int(st, 0), "volunteer_id",
				    (json_int_t)stmt_int(st, 1), "name", stmt_text(st, 2), "status",
				    stmt_text(st, 3), "offered", stmt_int(st, 4) != 0, "checkin_at",
				    opt_time(st, 5, &a), "checkout_at", opt_time(st, 6, &a),
				    "minutes", opt_int(st, 7), "confirmed", !stmt_is_null(st, 8),
				    "no_show", stmt_int(st, 9) != 0));
	stmt_done(st);
	if (rc < 0) {
		json_decref(list);
		arena_release(&a);
		return -1;
	}
	*out = json_pack("{s:{s:I, s:I, s:s, s:s, s:I, s:I, s:s, s:s, s:I, s:s}, s:o}", "shift",
			 "id", (json_int_t)f.id, "post_id", (json_int_t)f.post_id, "post",
			 f.post_name, "scene", f.scene_name, "starts_at", (json_int_t)f.starts_at,
			 "ends_at", (json_int_t)f.ends_at, "local_start", vol_local(&a, f.starts_at),
			 "local_end", vol_local(&a, f.ends_at), "headcount",
			 (json_int_t)f.headcount, "skills", f.skills, "signups", list);
	arena_release(&a);
	return 0;
}

int signup_open_slots(struct store *db, json_t **out, int64_t community_id, int64_t from,
		      int64_t to, struct err *e)
{
	struct arena a = ARENA_INIT;
	struct stmt *st = store_prepare(db, sql_open, e);
	json_t *list;
	int rc;
	if (!st)
		return -1;
	list = json_array();
	stmt_bind_int(st, 1, community_id);
	stmt_bind_int(st, 2, from);
	stmt_bind_int(st, 3, to);
	while ((rc = stmt_step(st, e)) == STORE_ROW)
		json_array_append_new(
		    list,
		    json_pack("{s:I, s:I, s:s, s:s, s:I, s:I, s:s, s:s, s:I, s:I, s:s}", "shift_id",
			      (json_int_t)stmt_int(st, 0), "post_id", (json_int_t)stmt_int(st, 1),
			      "post", stmt_text(st, 2), "scene", stmt_text(st, 3), "starts_at",
			      (json_int_t)stmt_int(st, 4), "ends_at", (json_int_t)stmt_int(st, 5),
			      "local_start", vol_local(&a, stmt_int(st, 4)), "local_end",
			      vol_local(&a, stmt_int(st, 5)), "headcount",
			      (json_int_t)stmt_int(st, 6), "taken", (json_int_t)stmt_int(st, 7),
			      "skills", stmt_text(st, 8)));
	stmt_done(st);
	arena_release(&a);
	if (rc < 0) {
		json_decref(list);
		return -1;
	}
	*out = list;
	return 0;
}

int signup_mine(struct store *db, json_t **out, int64_t community_id, int64_t volunteer_id,
		int64_t now, struct err *e)
{
	struct arena a = ARENA_INIT;
	struct vol_brief v;
	struct vol_settings set;
	json_t *upcoming = NULL, *past = NULL, *open = NULL, *offers = NULL, *slot;
	struct stmt *st;
	size_t i;
	int rc;
	if (volunteer_brief(db, &v, community_id, volunteer_id, &a, e) < 0 ||
	    vol_settings_get(db, &set, community_id, e) < 0 ||
	    !(st = store_prepare(db, sql_mine, e)))
		goto fail;
	upcoming = json_array();
	past = json_array();
	stmt_bind_int(st, 1, volunteer_id);
	stmt_bind_int(st, 2, community_id);
	stmt_bind_int(st, 3, now - 60 * 86400);
	while ((rc = stmt_step(st, e)) == STORE_ROW) {
		int64_t starts = stmt_int(st, 4), ends = stmt_int(st, 5);
		json_t *o = json_pack(
		    "{s:I, s:I, s:s, s:s, s:I, s:I, s:s, s:s, s:b, s:o, s:o, s:o, s:b, s:b, s:b}",
		    "id", (json_int_t)stmt_int(st, 0), "shift_id", (json_int_t)stmt_int(st, 1),
		    "post", stmt_text(st, 2), "scene", stmt_text(st, 3), "starts_at",
		    (json_int_t)starts, "ends_at", (json_int_t)ends, "local_start",
		    vol_local(&a, starts), "local_end", vol_local(&a, ends), "offered",
		    stmt_int(st, 6) != 0, "checkin_at", opt_time(st, 7, &a), "checkout_at",
		    opt_time(st, 8, &a), "minutes", opt_int(st, 9), "confirmed", !stmt_is_null(st, 10),
		    "no_show", stmt_int(st, 11) != 0, "can_cancel",
		    stmt_is_null(st, 7) && starts - now >= set.cancel_hours * 3600);
		json_array_append_new(ends > now ? upcoming : past, o);
	}
	stmt_done(st);
	if (rc < 0)
		goto fail;
	if (signup_open_slots(db, &open, community_id, now, now + set.ahead_days * 86400, e) < 0)
		goto fail;
	for (i = 0; i < json_array_size(open);) {
		bool avail = false, keep;
		const char *rule;
		slot = json_array_get(open, i);
		int64_t sid = json_integer_value(json_object_get(slot, "shift_id"));
		if (volunteer_is_available(db, &avail, community_id, volunteer_id,
					   json_integer_value(json_object_get(slot, "starts_at")),
					   json_integer_value(json_object_get(slot, "ends_at")),
					   e) < 0)
			goto fail;
		keep = avail && vol_skills_cover(v.skills,
						 json_string_value(json_object_get(slot, "skills")));
		if (keep) {
			/* Show whether signing up would pass, and why not. */
			if (signup_check(db, &rule, community_id, sid, volunteer_id, now, 0, e) < 0) {
				if (!rule)
					goto fail;
				err_clear(e);
				keep = strcmp(rule, "already_signed_up") != 0;
				json_object_set_new(slot, "blocked_by", json_string(rule));
			} else {
				json_object_set_new(slot, "blocked_by", json_null());
			}
		}
		if (keep)
			i++;
		else
			json_array_remove(open, i);
	}
	if (!(st = store_prepare(db, sql_offers, e)))
		goto fail;
	offers = json_array();
	stmt_bind_int(st, 1, community_id);
	stmt_bind_int(st, 2, volunteer_id);
	stmt_bind_int(st, 3, now);
	while ((rc = stmt_step(st, e)) == STORE_ROW)
		json_array_append_new(
		    offers, json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s}", "id",
				      (json_int_t)stmt_int(st, 0), "shift_id",
				      (json_int_t)stmt_int(st, 1), "post", stmt_text(st, 2), "scene",
				      stmt_text(st, 3), "local_start", vol_local(&a, stmt_int(st, 4)),
				      "local_end", vol_local(&a, stmt_int(st, 5)), "by",
				      stmt_text(st, 6)));
	stmt_done(st);
	if (rc < 0)
		goto fail;
	*out = json_pack("{s:{s:I, s:s, s:s, s:s}, s:o, s:o, s:o, s:o, s:{s:I, s:I, s:I, s:I}}",
			 "volunteer", "id", (json_int_t)volunteer_id, "name", v.name, "skills",
			 v.skills, "status", v.status, "upcoming", upcoming, "past", past, "open",
			 open, "offers", offers, "settings", "ahead_days",
			 (json_int_t)set.ahead_days, "rest_hours", (json_int_t)set.rest_hours,
			 "cancel_hours", (json_int_t)set.cancel_hours, "noshow_limit",
			 (json_int_t)set.noshow_limit);
	arena_release(&a);
	return 0;
fail:
	json_decref(upcoming);
	json_decref(past);
	json_decref(open);
	json_decref(offers);
	arena_release(&a);
	return -1;
}

/* ---- roster ---- */

/* The local Monday of date into *start (UTC seconds). */
static int week_of(int64_t *start, const char *date, struct err *e)
{
	int64_t t = vol_date_start(date);
	if (t < 0)
		return err_set(e, ERR_INVALID, "week", "week must be a date YYYY-MM-DD");
	*start = t - (int64_t)(vol_local_weekday(t, NULL) - 1) * 86400;
	return 0;
}

int signup_roster(struct store *db, json_t **out, int64_t community_id, const char *date,
		  struct err *e)
{
	struct arena a = ARENA_INIT;
	json_t *posts = NULL, *days, *idx;
	struct stmt *st;
	int64_t start = 0;
	char day[11];
	int rc;
	if (week_of(&start, date, e) < 0)
		return -1;
	days = json_array();
	for (int d = 0; d < 7; d++) {
		vol_local_date(day, start + d * 86400);
		json_array_append_new(days, json_string(day));
	}
	posts = json_array();
	idx = json_object();
	if (!(st = store_prepare(db, sql_roster_posts, e)))
		goto fail;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_int(st, 2, start);
	stmt_bind_int(st, 3, start + 7 * 86400);
	while ((rc = stmt_step(st, e)) == STORE_ROW) {
		json_t *cells = json_array(), *p;
		for (int d = 0; d < 7; d++)
			json_array_append_new(cells, json_array());
		p = json_pack("{s:I, s:s, s:s, s:o}", "post_id", (json_int_t)stmt_int(st, 0), "post",
			      stmt_text(st, 1), "scene", stmt_text(st, 2), "days", cells);
		json_array_append_new(posts, p);
		json_object_set(idx, arena_printf(&a, "%lld", (long long)stmt_int(st, 0)), p);
	}
	stmt_done(st);
	if (rc < 0 || !(st = store_prepare(db, sql_roster_shifts, e)))
		goto fail;
	{
		/* Shifts first, names after: one statement open at a time. */
		json_t *shifts = json_array(), *s;
		size_t i;
		stmt_bind_int(st, 1, community_id);
		stmt_bind_int(st, 2, start);
		stmt_bind_int(st, 3, start + 7 * 86400);
		while ((rc = stmt_step(st, e)) == STORE_ROW)
			json_array_append_new(
			    shifts, json_pack("[I, I, I, I, I]", (json_int_t)stmt_int(st, 0),
					      (json_int_t)stmt_int(st, 1), (json_int_t)stmt_int(st, 2),
					      (json_int_t)stmt_int(st, 3),
					      (json_int_t)stmt_int(st, 4)));
		stmt_done(st);
		if (rc < 0) {
			json_decref(shifts);
			goto fail;
		}
		json_array_foreach(shifts, i, s) {
			int64_t sid = json_integer_value(json_array_get(s, 0));
			int64_t pid = json_integer_value(json_array_get(s, 1));
			int64_t t0 = json_integer_value(json_array_get(s, 2));
			int64_t t1 = json_integer_value(json_array_get(s, 3));
			json_t *p = json_object_get(idx, arena_printf(&a, "%lld", (long long)pid));
			json_t *names = json_array();
			int d = (int)((t0 - start) / 86400);
			const char *l0 = vol_local(&a, t0), *l1 = vol_local(&a, t1);
			if (!(st = store_prepare(db, sql_roster_names, e))) {
				json_decref(names);
				json_decref(shifts);
				goto fail;
			}
			stmt_bind_int(st, 1, sid);
			while ((rc = stmt_step(st, e)) == STORE_ROW)
				json_array_append_new(names, json_string(stmt_text(st, 0)));
			stmt_done(st);
			if (rc < 0 || !p) {
				json_decref(names);
				json_decref(shifts);
				if (rc < 0)
					goto fail;
				continue;
			}
			json_array_append_new(
			    json_array_get(json_object_get(p, "days"), (size_t)d),
			    json_pack("{s:I, s:s, s:s, s:I, s:o}", "shift_id", (json_int_t)sid,
				      "start", l0 + 11, "end", l1 + 11, "headcount",
				      json_array_get(s, 4) ? (json_int_t)json_integer_value(
								 json_array_get(s, 4))
							   : 0,
				      "names", names));
		}
		json_decref(shifts);
	}
	vol_local_date(day, start);
	*out = json_pack("{s:s, s:o, s:o}", "week_start", day, "days", days, "posts", posts);
	json_decref(idx);
	arena_release(&a);
	return 0;
fail:
	json_decref(days);
	json_decref(posts);
	json_decref(idx);
	arena_release(&a);
	return -1;
}

static int slurp(struct strbuf *out, const char *path, struct err *e)
{
	FILE *f = fopen(path, "rb");
	char b[65536];
	size_t n;
	if (!f)
		return err_set(e, ERR_INTERNAL, NULL, "cannot read the workbook back");
	while ((n = fread(b, 1, sizeof(b), f)) > 0)
		strbuf_add(out, b, n);
	fclose(f);
	return 0;
}

int signup_roster_xlsx(struct store *db, struct strbuf *out, int64_t community_id,
		       const char *date, struct err *e)
{
	json_t *r = NULL, *p;
	lxw_workbook *wb = NULL;
	lxw_worksheet *ws;
	lxw_format *wrap;
	char path[] = "/tmp/linli-roster-XXXXXX";
	struct strbuf cell = STRBUF_INIT;
	size_t i;
	int fd, rc = -1;
	if (signup_roster(db, &r, community_id, date, e) < 0)
		return -1;
	if ((fd = mkstemp(path)) < 0) {
		json_decref(r);
		return err_set(e, ERR_INTERNAL, NULL, "cannot create a temporary file");
	}
	close(fd);
	if (!(wb = workbook_new(path)) || !(ws = workbook_add_worksheet(wb, "排班"))) {
		err_set(e, ERR_INTERNAL, NULL, "cannot start the workbook");
		goto out;
	}
	wrap = workbook_add_format(wb);
	format_set_text_wrap(wrap);
	format_set_align(wrap, LXW_ALIGN_VERTICAL_TOP);
	worksheet_set_landscape(ws);
	worksheet_set_paper(ws, 9); /* A4 */
	worksheet_write_string(ws, 0, 0, "岗位 Post", NULL);
	worksheet_set_column(ws, 0, 0, 18, NULL);
	worksheet_set_column(ws, 1, 7, 20, NULL);
	for (int d = 0; d < 7; d++)
		worksheet_write_string(ws, 0, (lxw_col_t)(d + 1),
				       json_string_value(json_array_get(json_object_get(r, "days"),
									(size_t)d)),
				       NULL);
	json_array_foreach(json_object_get(r, "posts"), i, p) {
		worksheet_write_string(
		    ws, (lxw_row_t)(i + 1), 0,
		    json_string_value(json_object_get(p, "post")), wrap);
		for (int d = 0; d < 7; d++) {
			json_t *cells = json_array_get(json_object_get(p, "days"), (size_t)d), *c, *nm;
			size_t j, k;
			strbuf_reset(&cell);
			json_array_foreach(cells, j, c) {
				strbuf_addf(&cell, "%s%s-%s", j ? "\n" : "",
					    json_string_value(json_object_get(c, "start")),
					    json_string_value(json_object_get(c, "end")));
				json_array_foreach(json_object_get(c, "names"), k, nm)
					strbuf_addf(&cell, "%s%s", k ? "、" : " ", json_string_value(nm));
			}
			if (cell.len)
				worksheet_write_string(ws, (lxw_row_t)(i + 1), (lxw_col_t)(d + 1),
						       cell.buf, wrap);
		}
	}
	{
		lxw_error le = workbook_close(wb);
		wb = NULL;
		if (le != LXW_NO_ERROR) {
			err_set(e, ERR_INTERNAL, NULL, "cannot write the workbook: %s",
				lxw_strerror(le));
			goto out;
		}
	}
	if (slurp(out, path, e) < 0)
		goto out;
	rc = 0;
out:
	if (wb)
		workbook_close(wb);
	unlink(path);
	strbuf_release(&cell);
	json_decref(r);
	return rc;
}
