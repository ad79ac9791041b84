/*
 * account.c - the resident <-> user link, "my household" and correction
 * requests (see account.h).
 *
 * The register (residents) is this folder's, so the household is read from
 * it directly; writes to a resident go through resident_update(), which
 * keeps the register's rules (sealing, normalising, all or nothing) in one
 * place.  resident_update() runs its own transaction, so a direct change and
 * its audit entry are two commits (the change first): an entry can be
 * missing after a crash, never one for a change that was not made.
 */
#include "registry/account.h"
#include "registry/ownership.h"

#include "auth/auth.h"
#include "core/arena.h"
#include "core/seal.h"
#include "core/timeutil.h"
#include "core/utf8.h"
#include "registry/idcard.h"
#include "registry/mask.h"
#include "registry/resident.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#define CTX_CORR_ID "correction.id_number"

static const char sql_link_of[] =
	"SELECT a.resident_id, r.dwelling_id FROM resident_accounts a"
	" JOIN residents r ON r.id = a.resident_id"
	" WHERE a.user_id = ? AND a.community_id = ?";
static const char sql_first[] =
	"SELECT community_id FROM resident_accounts WHERE user_id = ? ORDER BY community_id LIMIT 1";
static const char sql_user_of[] =
	"SELECT user_id FROM resident_accounts WHERE community_id = ? AND resident_id = ?";
static const char sql_link[] =
	"INSERT INTO resident_accounts (user_id, resident_id, community_id, linked_at)"
	" VALUES (?, ?, ?, ?)";
static const char sql_dwelling[] =
	"SELECT d.id, b.name, u.name, d.room FROM dwellings d"
	" JOIN buildings b ON b.id = d.building_id JOIN units u ON u.id = d.unit_id"
	" WHERE d.id = ? AND d.community_id = ?";
static const char sql_members[] =
	"SELECT id FROM residents WHERE community_id = ? AND dwelling_id = ? ORDER BY id";
static const char sql_member_dwelling[] =
	"SELECT dwelling_id FROM residents WHERE id = ? AND community_id = ?";
static const char sql_corr_insert[] =
	"INSERT INTO correction_requests (community_id, resident_id, requested_by, field, value,"
	" note, status, created_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?) RETURNING id";
#define CORR_COLS                                                                          \
	"c.id, c.resident_id, c.field, c.value, c.note, c.status, c.created_at, c.decided_at," \
	" c.reason, r.name"
static const char sql_corr_mine[] =
	"SELECT " CORR_COLS " FROM correction_requests c JOIN residents r ON r.id = c.resident_id"
	" WHERE c.community_id = ? AND c.requested_by = ? ORDER BY c.id DESC LIMIT 50";
static const char sql_corr_list[] =
	"SELECT " CORR_COLS " FROM correction_requests c JOIN residents r ON r.id = c.resident_id"
	" WHERE c.community_id = ? AND (? = '' OR c.status = ?) ORDER BY c.id DESC LIMIT ?";
static const char sql_corr_of_resident[] =
	"SELECT " CORR_COLS " FROM correction_requests c JOIN residents r ON r.id = c.resident_id"
	" WHERE c.community_id = ? AND c.resident_id = ? ORDER BY c.id";
static const char sql_corr_one[] =
	"SELECT resident_id, field, value, status FROM correction_requests"
	" WHERE id = ? AND community_id = ?";
static const char sql_corr_decide[] =
	"UPDATE correction_requests SET status = ?, decided_at = ?, decided_by = ?, reason = ?"
	" WHERE id = ? AND community_id = ? AND status = 'pending'";
static const char sql_export_link[] =
	"SELECT user_id, linked_at FROM resident_accounts WHERE community_id = ? AND resident_id = ?";
static const char sql_export_inv[] =
	"SELECT id, status, created_at, expires_at, used_at, revoked_at FROM invitations"
	" WHERE community_id = ? AND resident_id = ? ORDER BY id";

int account_resident_of(struct store *db, int64_t user_id, int64_t community_id,
			int64_t *resident_id, int64_t *dwelling_id, struct err *e)
{
	struct stmt *st = store_prepare(db, sql_link_of, e);
	int s;
	if (!st)
		return -1;
	stmt_bind_int(st, 1, user_id);
	stmt_bind_int(st, 2, community_id);
	s = stmt_step(st, e);
	if (s == STORE_ROW) {
		if (resident_id)
			*resident_id = stmt_int(st, 0);
		if (dwelling_id)
			*dwelling_id = stmt_is_null(st, 1) ? 0 : stmt_int(st, 1);
	}
	stmt_done(st);
	if (s == STORE_DONE)
		return err_set(e, ERR_NOT_FOUND, NULL, "you are not linked to a resident here");
	return s < 0 ? -1 : 0;
}

int account_first_community(struct store *db, int64_t user_id, int64_t *out, struct err *e)
{
	struct stmt *st = store_prepare(db, sql_first, e);
	int s;
	if (!st)
		return -1;
	stmt_bind_int(st, 1, user_id);
	s = stmt_step(st, e);
	if (s == STORE_ROW)
		*out = stmt_int(st, 0);
	stmt_done(st);
	if (s == STORE_DONE)
		return err_set(e, ERR_NOT_FOUND, NULL, "your account is not linked to a resident");
	return s < 0 ? -1 : 0;
}

int account_user_of(struct store *db, int64_t community_id, int64_t resident_id, int64_t *out,
		    struct err *e)
{
	struct stmt *st = store_prepare(db, sql_user_of, e);
	int s;
	if (!st)
		return -1;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_int(st, 2, resident_id);
	s = stmt_step(st, e);
	*out = s == STORE_ROW ? stmt_int(st, 0) : 0;
	stmt_done(st);
	return s < 0 ? -1 : 0;
}

int account_link(struct store *db, int64_t user_id, int64_t resident_id, int64_t community_id,
		 int64_t now, struct err *e)
{
	struct stmt *st;
	assert(store_in_tx(db));
	if (!(st = store_prepare(db, sql_link, e)))
		return -1;
	stmt_bind_int(st, 1, user_id);
	stmt_bind_int(st, 2, resident_id);
	stmt_bind_int(st, 3, community_id);
	stmt_bind_int(st, 4, now);
	if (stmt_exec(st, e) < 0) {
		if (e->code == ERR_CONFLICT) {
			err_clear(e);
			err_set(e, ERR_CONFLICT, "resident", "this resident already has an account");
		}
		return -1;
	}
	return 0;
}

/* ---- correction requests as JSON ---- */

static json_t *opt_text(struct stmt *st, int col)
{
	return stmt_is_null(st, col) ? json_null() : json_string(stmt_text(st, col));
}

static json_t *opt_int(struct stmt *st, int col)
{
	return stmt_is_null(st, col) ? json_null() : json_integer(stmt_int(st, col));
}

/* One row of CORR_COLS; the proposed ID number opened, and masked unless
 * full. */
static int corr_json(json_t **out, struct stmt *st, bool full, struct arena *a, struct err *e)
{
	const char *field = stmt_text(st, 2), *value = stmt_text(st, 3);
	if (!strcmp(field, "id_number")) {
		const char *plain;
		if (!resident_keyring())
			return err_set(e, ERR_UNAVAILABLE, "key_file",
				       "the key file of sensitive fields is not loaded");
		if (seal_decrypt(&plain, NULL, resident_keyring(), value, stmt_len(st, 3), CTX_CORR_ID,
				 a, e) < 0)
			return -1;
		value = full ? plain : mask_id_number(a, plain, strlen(plain));
	}
	*out = json_pack("{s:I, s:I, s:s, s:s, s:s, s:o, s:s, s:I, s:o, s:o}", "id",
			 (json_int_t)stmt_int(st, 0), "resident_id", (json_int_t)stmt_int(st, 1),
			 "resident_name", full ? stmt_text(st, 9) : mask_name(a, stmt_text(st, 9), stmt_len(st, 9)),
			 "field", field, "value", value, "note", opt_text(st, 4), "status",
			 stmt_text(st, 5), "created_at", (json_int_t)stmt_int(st, 6), "decided_at",
			 opt_int(st, 7), "reason", opt_text(st, 8));
	return 0;
}

/* Runs a prepared CORR_COLS query into an array. */
static int corr_rows(json_t **out, struct stmt *st, bool full, struct err *e)
{
	struct arena a = ARENA_INIT;
	json_t *arr = json_array(), *o = NULL;
	int s;
	while ((s = stmt_step(st, e)) == STORE_ROW) {
		if (corr_json(&o, st, full, &a, e) < 0) {
			s = -1;
			break;
		}
		json_array_append_new(arr, o);
	}
	stmt_done(st);
	arena_release(&a);
	if (s < 0) {
		json_decref(arr);
		return -1;
	}
	*out = arr;
	return 0;
}

/* ---- the household ---- */

static int dwelling_json(struct store *db, json_t **out, int64_t community_id,
			 int64_t dwelling_id, struct err *e)
{
	struct stmt *st;
	int s;
	*out = json_null();
	if (!dwelling_id)
		return 0;
	if (!(st = store_prepare(db, sql_dwelling, e)))
		return -1;
	stmt_bind_int(st, 1, dwelling_id);
	stmt_bind_int(st, 2, community_id);
	s = stmt_step(st, e);
	if (s == STORE_ROW)
		*out = json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)stmt_int(st, 0), "building",
				 stmt_text(st, 1), "unit", stmt_text(st, 2), "room",
				 stmt_text(st, 3));
	stmt_done(st);
	return s < 0 ? -1 : 0;
}

/* A member as the household shows it: masked, the user's own record with
 * the phone in full (the ID number stays masked even there). */
static int member_json(struct store *db, json_t **out, int64_t community_id, int64_t id,
		       bool self, struct err *e)
{
	struct arena a = ARENA_INIT;
	json_t *o, *idn;
	if (resident_get(db, &o, community_id, id, self, e) < 0)
		return -1;
	if (self) {
		idn = json_object_get(o, "id_number");
		if (json_is_string(idn))
			json_object_set_new(o, "id_number",
					    json_string(mask_id_number(&a, json_string_value(idn),
								       json_string_length(idn))));
	}
	json_object_set_new(o, "self", json_boolean(self));
	arena_release(&a);
	*out = o;
	return 0;
}

int account_household(struct store *db, json_t **out, int64_t community_id, int64_t user_id,
		      struct err *e)
{
	int64_t me, dwelling, ids[64];
	size_t n = 0;
	json_t *members = NULL, *dw = NULL, *corr = NULL, *m;
	struct stmt *st;
	int s;

	if (account_resident_of(db, user_id, community_id, &me, &dwelling, e) < 0)
		return -1;
	if (dwelling) {
		if (!(st = store_prepare(db, sql_members, e)))
			return -1;
		stmt_bind_int(st, 1, community_id);
		stmt_bind_int(st, 2, dwelling);
		/* A dwelling holds a household; 64 people is past any real one. */
		while ((s = stmt_step(st, e)) == STORE_ROW && n < sizeof(ids) / sizeof(ids[0]))
			ids[n++] = stmt_int(st, 0);
		stmt_done(st);
		if (s < 0)
			return -1;
	} else {
		ids[n++] = me;
	}
	members = json_array();
	for (size_t i = 0; i < n; i++) {
		if (member_json(db, &m, community_id, ids[i], ids[i] == me, e) < 0)
			goto fail;
		json_array_append_new(members, m);
	}
	if (dwelling_json(db, &dw, community_id, dwelling, e) < 0)
		goto fail;
	if (!(st = store_prepare(db, sql_corr_mine, e)))
		goto fail;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_int(st, 2, user_id);
	if (corr_rows(&corr, st, true, e) < 0)
		goto fail;
	/* the dwellings this resident owns (and so may vote for) */
	json_t *owned;
	if (ownership_resident(db, &owned, community_id, me, e) < 0) {
		json_decref(corr);
		goto fail;
	}
	*out = json_pack("{s:I, s:I, s:o, s:o, s:o, s:o}", "community_id",
			 (json_int_t)community_id, "resident_id", (json_int_t)me, "dwelling", dw,
			 "members", members, "ownerships", owned, "corrections", corr);
	return 0;
fail:
	json_decref(members);
	json_decref(dw);
	return -1;
}

/* ---- a resident's changes ---- */

static int member_of_household(struct store *db, int64_t community_id, int64_t me,
			       int64_t dwelling, int64_t member_id, struct err *e)
{
	struct stmt *st;
	int s;
	int64_t d = 0;
	if (member_id == me)
		return 0;
	if (!dwelling)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such member of your household");
	if (!(st = store_prepare(db, sql_member_dwelling, e)))
		return -1;
	stmt_bind_int(st, 1, member_id);
	stmt_bind_int(st, 2, community_id);
	s = stmt_step(st, e);
	if (s == STORE_ROW && !stmt_is_null(st, 0))
		d = stmt_int(st, 0);
	stmt_done(st);
	if (s < 0)
		return -1;
	if (d != dwelling)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such member of your household");
	return 0;
}

static int text_ok(const char *s, const char *field, int max, bool empty_ok, struct err *e)
{
	size_t n = strlen(s);
	if ((!empty_ok && n == 0) || !utf8_valid(s, n) || utf8_has_control(s, n) ||
	    utf8_count(s, n) > (size_t)max)
		return err_set(e, ERR_INVALID, field, "%s must be %d to %d characters", field,
			       empty_ok ? 0 : 1, max);
	return 0;
}

static int corr_insert(struct store *db, int64_t community_id, int64_t member_id,
		       int64_t user_id, const char *field, const char *value, const char *note,
		       struct err *e)
{
	struct stmt *st = store_prepare(db, sql_corr_insert, e);
	int s;
	if (!st)
		return -1;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_int(st, 2, member_id);
	stmt_bind_int(st, 3, user_id);
	stmt_bind_text(st, 4, field, SIZE_MAX);
	stmt_bind_text(st, 5, value, SIZE_MAX);
	stmt_bind_text(st, 6, note, SIZE_MAX);
	stmt_bind_int(st, 7, time_now());
	s = stmt_step(st, e);
	stmt_done(st);
	if (s == STORE_DONE)
		return err_set(e, ERR_INTERNAL, NULL, "insert returned no id");
	return s < 0 ? -1 : 0;
}

int account_member_change(struct store *db, int64_t community_id, int64_t user_id,
			  const char *username, int64_t member_id,
			  const struct account_change *c, int *created, const char *ip,
			  struct err *e)
{
	struct arena a = ARENA_INIT;
	int64_t me, dwelling;
	char idn[IDCARD_LEN + 1];
	const char *sealed = NULL, *subject;
	bool direct = c->phone || c->skills || c->languages || c->volunteer_willing >= 0;
	int rc = -1;

	*created = 0;
	if (account_resident_of(db, user_id, community_id, &me, &dwelling, e) < 0 ||
	    member_of_household(db, community_id, me, dwelling, member_id, e) < 0)
		goto out;
	if (c->name && text_ok(c->name, "name", RESIDENT_NAME_MAX, false, e) < 0)
		goto out;
	if (c->note && text_ok(c->note, "note", ACCOUNT_NOTE_MAX, true, e) < 0)
		goto out;
	if (c->id_number) {
		if (idcard_normalize(idn, c->id_number, strlen(c->id_number),
				     idcard_utc_date(time_now() + 8 * 3600), e) < 0)
			goto out;
		if (!resident_keyring()) {
			err_set(e, ERR_UNAVAILABLE, "key_file", "the key file of sensitive fields is not loaded");
			goto out;
		}
		if (seal_encrypt(&sealed, resident_keyring(), idn, strlen(idn), CTX_CORR_ID, &a, e) < 0)
			goto out;
	}
	if (!direct && !c->name && !c->id_number) {
		err_set(e, ERR_INVALID, NULL, "nothing to change");
		goto out;
	}
	if (direct) {
		struct resident_input in = {0};
		in.phone = c->phone;
		in.skills = c->skills;
		in.languages = c->languages;
		in.volunteer_willing = c->volunteer_willing;
		if (resident_update(db, community_id, member_id, &in, e) < 0)
			goto out;
	}
	subject = arena_printf(&a, "resident:%lld", (long long)member_id);
	if (store_begin(db, e) < 0)
		goto out;
	if (direct && audit_append(db, user_id, username, "household.update", subject, community_id,
				   ip, NULL, e) < 0)
		goto fail;
	if (c->name) {
		if (corr_insert(db, community_id, member_id, user_id, "name", c->name, c->note, e) < 0 ||
		    audit_append(db, user_id, username, "correction.request", subject, community_id,
				 ip, "name", e) < 0)
			goto fail;
		(*created)++;
	}
	if (c->id_number) {
		if (corr_insert(db, community_id, member_id, user_id, "id_number", sealed, c->note,
				e) < 0 ||
		    audit_append(db, user_id, username, "correction.request", subject, community_id,
				 ip, "id_number", e) < 0)
			goto fail;
		(*created)++;
	}
	if (store_commit(db, e) < 0)
		goto fail;
	rc = 0;
	goto out;
fail:
	store_rollback(db);
	*created = 0;
out:
	arena_release(&a);
	return rc;
}

/* ---- the staff's queue ---- */

int account_corrections(struct store *db, json_t **out, int64_t community_id, const char *status,
			struct err *e)
{
	struct stmt *st;
	json_t *arr;
	if (status && strcmp(status, "pending") && strcmp(status, "approved") &&
	    strcmp(status, "rejected"))
		return err_set(e, ERR_INVALID, "status", "status must be pending, approved or rejected");
	if (!(st = store_prepare(db, sql_corr_list, e)))
		return -1;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_text(st, 2, status ? status : "", SIZE_MAX);
	stmt_bind_text(st, 3, status ? status : "", SIZE_MAX);
	stmt_bind_int(st, 4, ACCOUNT_CORRECTIONS_MAX);
	if (corr_rows(&arr, st, false, e) < 0)
		return -1;
	/* The staff see the resident's name in full: they hold the register. */
	*out = json_pack("{s:o}", "corrections", arr);
	return 0;
}

int account_correction_decide(struct store *db, int64_t community_id, int64_t id, bool approve,
			      const char *reason, int64_t actor_id, const char *actor,
			      const char *ip, struct err *e)
{
	struct arena a = ARENA_INIT;
	struct stmt *st;
	int64_t resident = 0;
	const char *field = NULL, *value = NULL, *status = NULL;
	int s, rc = -1;

	if (reason && text_ok(reason, "reason", ACCOUNT_NOTE_MAX, true, e) < 0)
		return -1;
	if (!(st = store_prepare(db, sql_corr_one, e)))
		return -1;
	stmt_bind_int(st, 1, id);
	stmt_bind_int(st, 2, community_id);
	s = stmt_step(st, e);
	if (s == STORE_ROW) {
		resident = stmt_int(st, 0);
		field = arena_strdup(&a, stmt_text(st, 1));
		value = arena_strndup(&a, stmt_text(st, 2), stmt_len(st, 2));
		status = arena_strdup(&a, stmt_text(st, 3));
	}
	stmt_done(st);
	if (s < 0)
		goto out;
	if (s == STORE_DONE) {
		err_set(e, ERR_NOT_FOUND, NULL, "no such correction request");
		goto out;
	}
	if (strcmp(status, "pending")) {
		err_set(e, ERR_CONFLICT, "status", "this request was already %s", status);
		goto out;
	}
	if (approve) {
		struct resident_input in = {0};
		in.volunteer_willing = -1;
		if (!strcmp(field, "id_number")) {
			const char *plain;
			if (!resident_keyring()) {
				err_set(e, ERR_UNAVAILABLE, "key_file",
					"the key file of sensitive fields is not loaded");
				goto out;
			}
			if (seal_decrypt(&plain, NULL, resident_keyring(), value, strlen(value),
					 CTX_CORR_ID, &a, e) < 0)
				goto out;
			in.id_number = plain;
		} else {
			in.name = value;
		}
		if (resident_update(db, community_id, resident, &in, e) < 0)
			goto out;
	}
	if (store_begin(db, e) < 0)
		goto out;
	if (!(st = store_prepare(db, sql_corr_decide, e)))
		goto fail;
	stmt_bind_text(st, 1, approve ? "approved" : "rejected", SIZE_MAX);
	stmt_bind_int(st, 2, time_now());
	stmt_bind_int(st, 3, actor_id);
	if (reason && *reason)
		stmt_bind_text(st, 4, reason, SIZE_MAX);
	else
		stmt_bind_null(st, 4);
	stmt_bind_int(st, 5, id);
	stmt_bind_int(st, 6, community_id);
	if (stmt_exec(st, e) < 0)
		goto fail;
	if (store_changes(db) == 0) {
		err_set(e, ERR_CONFLICT, "status", "this request was already decided");
		goto fail;
	}
	if (audit_append(db, actor_id, actor, approve ? "correction.approve" : "correction.reject",
			 arena_printf(&a, "correction:%lld", (long long)id), community_id, ip,
			 arena_printf(&a, "resident:%lld %s", (long long)resident, field), e) < 0 ||
	    store_commit(db, e) < 0)
		goto fail;
	rc = 0;
	goto out;
fail:
	store_rollback(db);
out:
	arena_release(&a);
	return rc;
}

/* ---- the person-data export ---- */

int account_person_export(struct store *db, json_t *out, int64_t community_id,
			  int64_t resident_id, struct err *e)
{
	json_t *link = json_null(), *inv = json_array(), *corr = NULL;
	struct stmt *st;
	int s;

	if (!(st = store_prepare(db, sql_export_link, e)))
		goto fail;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_int(st, 2, resident_id);
	s = stmt_step(st, e);
	if (s == STORE_ROW)
		link = json_pack("{s:I, s:I}", "user_id", (json_int_t)stmt_int(st, 0), "linked_at",
				 (json_int_t)stmt_int(st, 1));
	stmt_done(st);
	if (s < 0 || !(st = store_prepare(db, sql_export_inv, e)))
		goto fail;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_int(st, 2, resident_id);
	while ((s = stmt_step(st, e)) == STORE_ROW)
		json_array_append_new(
			inv, json_pack("{s:I, s:s, s:I, s:I, s:o, s:o}", "id",
				       (json_int_t)stmt_int(st, 0), "status", stmt_text(st, 1),
				       "created_at", (json_int_t)stmt_int(st, 2), "expires_at",
				       (json_int_t)stmt_int(st, 3), "used_at", opt_int(st, 4),
				       "revoked_at", opt_int(st, 5)));
	stmt_done(st);
	if (s < 0 || !(st = store_prepare(db, sql_corr_of_resident, e)))
		goto fail;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_int(st, 2, resident_id);
	if (corr_rows(&corr, st, true, e) < 0)
		goto fail;
	json_object_set_new(out, "account",
			    json_pack("{s:o, s:o, s:o}", "link", link, "invitations", inv,
				      "corrections", corr));
	return 0;
fail:
	json_decref(link);
	json_decref(inv);
	return -1;
}

/* ---- schema ---- */

const struct migration account_migrations[] = {
	{ 550, "registry: resident accounts (the resident <-> user link)",
	  "CREATE TABLE resident_accounts ("
	  " user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
	  " resident_id BIGINT NOT NULL UNIQUE REFERENCES residents(id) ON DELETE CASCADE,"
	  " community_id BIGINT NOT NULL REFERENCES communities(id),"
	  " linked_at BIGINT NOT NULL,"
	  " PRIMARY KEY (user_id, community_id));"
	  "CREATE INDEX resident_accounts_community ON resident_accounts (community_id, resident_id);" },
	{ 551, "registry: correction requests of residents about their household",
	  "CREATE TABLE correction_requests ("
	  " id @id, community_id BIGINT NOT NULL REFERENCES communities(id),"
	  " resident_id BIGINT NOT NULL REFERENCES residents(id) ON DELETE CASCADE,"
	  " requested_by BIGINT REFERENCES users(id) ON DELETE SET NULL,"
	  " field TEXT NOT NULL, value TEXT NOT NULL, note TEXT,"
	  " status TEXT NOT NULL, created_at BIGINT NOT NULL,"
	  " decided_at BIGINT, decided_by BIGINT REFERENCES users(id) ON DELETE SET NULL,"
	  " reason TEXT);"
	  "CREATE INDEX correction_requests_queue ON correction_requests (community_id, status, id);"
	  "CREATE INDEX correction_requests_resident ON correction_requests (resident_id);" },
};
const size_t account_migrations_n = sizeof(account_migrations) / sizeof(account_migrations[0]);
