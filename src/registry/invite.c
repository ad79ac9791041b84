/*
 * invite.c - invitations: issue, revoke, print again, claim (see invite.h).
 */
#include "registry/invite.h"

#include "auth/auth.h"
#include "core/arena.h"
#include "core/seal.h"
#include "core/timeutil.h"
#include "registry/account.h"
#include "registry/mask.h"
#include "registry/org.h"
#include "registry/resident.h"
#include "registry/structure.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char invite_alphabet[] = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

static const char sql_resident_in[] = "SELECT 1 FROM residents WHERE id = ? AND community_id = ?";
static const char sql_building_in[] = "SELECT 1 FROM buildings WHERE id = ? AND community_id = ?";
static const char sql_revoke_pending[] =
	"UPDATE invitations SET status = 'revoked', revoked_at = ?"
	" WHERE community_id = ? AND resident_id = ? AND status = 'pending'";
static const char sql_insert[] =
	"INSERT INTO invitations (community_id, resident_id, nonce, code_hash, status, created_by,"
	" created_at, expires_at) VALUES (?, ?, ?, ?, 'pending', ?, ?, ?) RETURNING id";
static const char sql_revoke_one[] =
	"UPDATE invitations SET status = 'revoked', revoked_at = ?"
	" WHERE id = ? AND community_id = ? AND status = 'pending'";
static const char sql_state[] =
	"SELECT status, expires_at, nonce FROM invitations WHERE id = ? AND community_id = ?";
static const char sql_slip[] =
	"SELECT i.id, i.resident_id, i.status, i.created_at, i.expires_at, i.nonce, r.name,"
	" b.name, u.name, d.room FROM invitations i JOIN residents r ON r.id = i.resident_id"
	" LEFT JOIN dwellings d ON d.id = r.dwelling_id"
	" LEFT JOIN buildings b ON b.id = d.building_id LEFT JOIN units u ON u.id = d.unit_id"
	" WHERE i.id = ? AND i.community_id = ?";
static const char sql_of_resident[] =
	"SELECT id FROM invitations WHERE community_id = ? AND resident_id = ? ORDER BY id DESC"
	" LIMIT 20";
static const char sql_batch[] =
	"SELECT r.id FROM residents r JOIN dwellings d ON d.id = r.dwelling_id"
	" JOIN units u ON u.id = d.unit_id"
	" WHERE d.building_id = ? AND r.community_id = ?"
	" AND (r.birth_date IS NULL OR r.birth_date <= ?)"
	" AND NOT EXISTS (SELECT 1 FROM resident_accounts a WHERE a.resident_id = r.id)"
	" ORDER BY u.position, d.floor, d.room, r.id LIMIT ?";
static const char sql_by_hash[] =
	"SELECT id, community_id, resident_id, status, expires_at FROM invitations"
	" WHERE code_hash = ?";
static const char sql_mark_used[] =
	"UPDATE invitations SET status = 'used', used_at = ?, used_by = ?"
	" WHERE id = ? AND status = 'pending' AND expires_at > ?";

/* ---- codes ---- */

int invite_code_normalize(char out[INVITE_CODE_LEN + 1], const char *in, struct err *e)
{
	size_t n = 0;
	for (const char *p = in; *p; p++) {
		char c = *p;
		if (c == ' ' || c == '-')
			continue;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (!strchr(invite_alphabet, c) || c == '\0' || n == INVITE_CODE_LEN)
			return err_set(e, ERR_INVALID, "code",
				       "the code has %d letters and digits, e.g. ABCD-EFGH-JK",
				       INVITE_CODE_LEN);
		out[n++] = c;
	}
	if (n != INVITE_CODE_LEN)
		return err_set(e, ERR_INVALID, "code",
			       "the code has %d letters and digits, e.g. ABCD-EFGH-JK", INVITE_CODE_LEN);
	out[n] = '\0';
	return 0;
}

void invite_code_group(char out[INVITE_CODE_LEN + 3], const char *code)
{
	size_t k = 0;
	for (size_t i = 0; i < INVITE_CODE_LEN; i++) {
		if (i == 4 || i == 8)
			out[k++] = '-';
		out[k++] = code[i];
	}
	out[k] = '\0';
}

/* The value of a base64url character (seal_hash's output). */
static int b64_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	return c == '-' ? 62 : 63;
}

void invite_code_derive(char out[INVITE_CODE_LEN + 1], const char *nonce)
{
	char in[128], h[SEAL_HASH_CHARS + 1];
	int n = snprintf(in, sizeof(in), "linli.invite.code:%s", nonce);
	seal_hash(h, resident_keyring(), in, (size_t)n);
	/* Each of the first 42 characters carries 6 uniform bits; 5 of them
	 * pick a symbol, so every symbol is equally likely. */
	for (int i = 0; i < INVITE_CODE_LEN; i++)
		out[i] = invite_alphabet[b64_value(h[i]) & 31];
	out[INVITE_CODE_LEN] = '\0';
}

void invite_code_hash(char out[64], const char *code)
{
	char in[64];
	int n = snprintf(in, sizeof(in), "linli.invite.hash:%s", code);
	seal_hash(out, resident_keyring(), in, (size_t)n);
}

static int need_keyring(struct err *e)
{
	if (!resident_keyring())
		return err_set(e, ERR_UNAVAILABLE, "key_file",
			       "the key file of sensitive fields is not loaded");
	return 0;
}

static int check_days(int days, struct err *e)
{
	if (days < 1 || days > INVITE_DAYS_MAX)
		return err_set(e, ERR_INVALID, "expires_in_days", "expires_in_days must be 1 to %d",
			       INVITE_DAYS_MAX);
	return 0;
}

static int exists(struct store *db, const char *sql, int64_t id, int64_t community_id,
		  const char *what, struct err *e)
{
	struct stmt *st = store_prepare(db, sql, e);
	int s;
	if (!st)
		return -1;
	stmt_bind_int(st, 1, id);
	stmt_bind_int(st, 2, community_id);
	s = stmt_step(st, e);
	stmt_done(st);
	if (s == STORE_DONE)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such %s", what);
	return s < 0 ? -1 : 0;
}

/* Inside the caller's transaction: revokes the resident's pending
 * invitation and writes a new one. */
static int issue_one(struct store *db, struct invite_new *out, int64_t community_id,
		     int64_t resident_id, int days, int64_t actor_id, const char *actor,
		     const char *ip, int64_t now, struct err *e)
{
	struct stmt *st;
	int64_t user = 0;
	char subject[48];

	if (account_user_of(db, community_id, resident_id, &user, e) < 0)
		return -1;
	if (user)
		return err_set(e, ERR_CONFLICT, "resident", "this resident already has an account");
	if (!(st = store_prepare(db, sql_revoke_pending, e)))
		return -1;
	stmt_bind_int(st, 1, now);
	stmt_bind_int(st, 2, community_id);
	stmt_bind_int(st, 3, resident_id);
	if (stmt_exec(st, e) < 0)
		return -1;
	/* A code is 50 bits: two live codes with one hash are not expected in
	 * the life of the program; if it happens the issue fails (409) and the
	 * worker issues again. */
	{
		unsigned char raw[16];
		char nonce[33], hash[64];
		int s;
		randombytes_buf(raw, sizeof(raw));
		sodium_bin2hex(nonce, sizeof(nonce), raw, sizeof(raw));
		invite_code_derive(out->code, nonce);
		invite_code_hash(hash, out->code);
		out->expires_at = now + (int64_t)days * 86400;
		if (!(st = store_prepare(db, sql_insert, e)))
			return -1;
		stmt_bind_int(st, 1, community_id);
		stmt_bind_int(st, 2, resident_id);
		stmt_bind_text(st, 3, nonce, SIZE_MAX);
		stmt_bind_text(st, 4, hash, SIZE_MAX);
		if (actor_id > 0)
			stmt_bind_int(st, 5, actor_id);
		else
			stmt_bind_null(st, 5);
		stmt_bind_int(st, 6, now);
		stmt_bind_int(st, 7, out->expires_at);
		s = stmt_step(st, e);
		if (s == STORE_ROW)
			out->id = stmt_int(st, 0);
		stmt_done(st);
		if (s == STORE_DONE)
			return err_set(e, ERR_INTERNAL, NULL, "insert returned no id");
		if (s < 0)
			return -1;
	}
	snprintf(subject, sizeof(subject), "resident:%lld", (long long)resident_id);
	return audit_append(db, actor_id, actor, "invite.issue", subject, community_id, ip, NULL, e);
}

int invite_issue(struct store *db, struct invite_new *out, int64_t community_id,
		 int64_t resident_id, int days, int64_t actor_id, const char *actor,
		 const char *ip, int64_t now, struct err *e)
{
	if (need_keyring(e) < 0 || check_days(days, e) < 0 ||
	    exists(db, sql_resident_in, resident_id, community_id, "resident", e) < 0 ||
	    store_begin(db, e) < 0)
		return -1;
	if (issue_one(db, out, community_id, resident_id, days, actor_id, actor, ip, now, e) < 0 ||
	    store_commit(db, e) < 0) {
		store_rollback(db);
		return -1;
	}
	return 0;
}

int invite_issue_building(struct store *db, json_t **out, int64_t community_id,
			  int64_t building_id, int days, int64_t actor_id, const char *actor,
			  const char *ip, int64_t now, struct err *e)
{
	char today[ORG_DATE_LEN + 1], adult[32];
	int64_t *ids = NULL, *made = NULL;
	size_t n = 0;
	struct stmt *st;
	json_t *arr;
	int s, y, rc = -1;

	if (need_keyring(e) < 0 || check_days(days, e) < 0 ||
	    exists(db, sql_building_in, building_id, community_id, "building", e) < 0)
		return -1;
	/* Today in China; the birthday 18 years ago is the last adult one. */
	org_today(today);
	y = (today[0] - '0') * 1000 + (today[1] - '0') * 100 + (today[2] - '0') * 10 + (today[3] - '0');
	snprintf(adult, sizeof(adult), "%04d%.6s", y - INVITE_ADULT_AGE, today + 4);
	if (store_begin(db, e) < 0)
		return -1;
	if (!(st = store_prepare(db, sql_batch, e)))
		goto fail;
	stmt_bind_int(st, 1, building_id);
	stmt_bind_int(st, 2, community_id);
	stmt_bind_text(st, 3, adult, SIZE_MAX);
	stmt_bind_int(st, 4, INVITE_BATCH_MAX + 1);
	ids = xcalloc(INVITE_BATCH_MAX + 1, sizeof(*ids));
	while ((s = stmt_step(st, e)) == STORE_ROW)
		ids[n++] = stmt_int(st, 0);
	stmt_done(st);
	if (s < 0)
		goto fail;
	if (n > INVITE_BATCH_MAX) {
		err_set(e, ERR_INVALID, "building", "more than %d residents: issue per resident",
			INVITE_BATCH_MAX);
		goto fail;
	}
	made = xcalloc(n ? n : 1, sizeof(*made));
	for (size_t i = 0; i < n; i++) {
		struct invite_new inv;
		if (issue_one(db, &inv, community_id, ids[i], days, actor_id, actor, ip, now, e) < 0)
			goto fail;
		made[i] = inv.id;
	}
	if (store_commit(db, e) < 0)
		goto fail;
	arr = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *slip;
		if (invite_slip(db, &slip, community_id, made[i], now, e) < 0) {
			json_decref(arr);
			goto out;
		}
		json_array_append_new(arr, slip);
	}
	*out = arr;
	rc = 0;
	goto out;
fail:
	store_rollback(db);
out:
	free(ids);
	free(made);
	return rc;
}

static const char *effective(const char *status, int64_t expires_at, int64_t now)
{
	if (!strcmp(status, "pending") && now >= expires_at)
		return "expired";
	return status;
}

/* The stored status and nonce of an invitation; ERR_NOT_FOUND when the
 * community has none with that id. */
static int load_state(struct store *db, int64_t community_id, int64_t id, char status[16],
		      int64_t *expires_at, char nonce[40], struct err *e)
{
	struct stmt *st = store_prepare(db, sql_state, e);
	int s;
	if (!st)
		return -1;
	stmt_bind_int(st, 1, id);
	stmt_bind_int(st, 2, community_id);
	s = stmt_step(st, e);
	if (s == STORE_ROW) {
		snprintf(status, 16, "%s", stmt_text(st, 0));
		*expires_at = stmt_int(st, 1);
		snprintf(nonce, 40, "%s", stmt_text(st, 2));
	}
	stmt_done(st);
	if (s == STORE_DONE)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such invitation");
	return s < 0 ? -1 : 0;
}

int invite_revoke(struct store *db, int64_t community_id, int64_t id, int64_t actor_id,
		  const char *actor, const char *ip, int64_t now, struct err *e)
{
	char status[16], nonce[40], subject[48];
	int64_t expires_at;
	struct stmt *st;
	/* A pending one may be revoked, expired or not; a used one not. */
	if (load_state(db, community_id, id, status, &expires_at, nonce, e) < 0)
		return -1;
	if (strcmp(status, "pending"))
		return err_set(e, ERR_CONFLICT, "status", "this invitation is %s", status);
	if (store_begin(db, e) < 0)
		return -1;
	if (!(st = store_prepare(db, sql_revoke_one, e)))
		goto fail;
	stmt_bind_int(st, 1, now);
	stmt_bind_int(st, 2, id);
	stmt_bind_int(st, 3, community_id);
	if (stmt_exec(st, e) < 0)
		goto fail;
	if (store_changes(db) == 0) {
		err_set(e, ERR_CONFLICT, "status", "this invitation is no longer pending");
		goto fail;
	}
	snprintf(subject, sizeof(subject), "invitation:%lld", (long long)id);
	if (audit_append(db, actor_id, actor, "invite.revoke", subject, community_id, ip, NULL, e) < 0 ||
	    store_commit(db, e) < 0)
		goto fail;
	return 0;
fail:
	store_rollback(db);
	return -1;
}

int invite_code_of(struct store *db, char out[INVITE_CODE_LEN + 1], int64_t community_id,
		   int64_t id, int64_t now, struct err *e)
{
	char status[16], nonce[40];
	int64_t expires_at;
	const char *eff;
	if (need_keyring(e) < 0 || load_state(db, community_id, id, status, &expires_at, nonce, e) < 0)
		return -1;
	eff = effective(status, expires_at, now);
	if (strcmp(eff, "pending"))
		return err_set(e, ERR_CONFLICT, "status", "this invitation is %s", eff);
	invite_code_derive(out, nonce);
	return 0;
}

int invite_slip(struct store *db, json_t **out, int64_t community_id, int64_t id, int64_t now,
		struct err *e)
{
	struct arena a = ARENA_INIT;
	struct stmt *st;
	int s;
	if (need_keyring(e) < 0 || !(st = store_prepare(db, sql_slip, e)))
		return -1;
	stmt_bind_int(st, 1, id);
	stmt_bind_int(st, 2, community_id);
	s = stmt_step(st, e);
	if (s == STORE_ROW) {
		const char *eff = effective(stmt_text(st, 2), stmt_int(st, 4), now);
		json_t *code = json_null();
		if (!strcmp(eff, "pending")) {
			char bare[INVITE_CODE_LEN + 1], grouped[INVITE_CODE_LEN + 3];
			invite_code_derive(bare, stmt_text(st, 5));
			invite_code_group(grouped, bare);
			code = json_string(grouped);
		}
#define OPT(c) (stmt_is_null(st, c) ? json_null() : json_string(stmt_text(st, c)))
		*out = json_pack("{s:I, s:I, s:s, s:o, s:o, s:o, s:s, s:I, s:I, s:o}", "id",
				 (json_int_t)stmt_int(st, 0), "resident_id",
				 (json_int_t)stmt_int(st, 1), "name",
				 mask_name(&a, stmt_text(st, 6), stmt_len(st, 6)), "building", OPT(7),
				 "unit", OPT(8), "room", OPT(9), "status", eff, "created_at",
				 (json_int_t)stmt_int(st, 3), "expires_at", (json_int_t)stmt_int(st, 4),
				 "code", code);
#undef OPT
	}
	stmt_done(st);
	arena_release(&a);
	if (s == STORE_DONE)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such invitation");
	return s < 0 ? -1 : 0;
}

int invite_list(struct store *db, json_t **out, int64_t community_id, int64_t resident_id,
		int64_t now, struct err *e)
{
	int64_t ids[20], user = 0;
	size_t n = 0;
	struct stmt *st;
	json_t *arr;
	int s;
	if (exists(db, sql_resident_in, resident_id, community_id, "resident", e) < 0 ||
	    account_user_of(db, community_id, resident_id, &user, e) < 0 ||
	    !(st = store_prepare(db, sql_of_resident, e)))
		return -1;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_int(st, 2, resident_id);
	while ((s = stmt_step(st, e)) == STORE_ROW && n < 20)
		ids[n++] = stmt_int(st, 0);
	stmt_done(st);
	if (s < 0)
		return -1;
	arr = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *slip;
		if (invite_slip(db, &slip, community_id, ids[i], now, e) < 0) {
			json_decref(arr);
			return -1;
		}
		json_object_set_new(slip, "code", json_null()); /* the list shows none */
		json_array_append_new(arr, slip);
	}
	*out = json_pack("{s:o, s:o}", "account",
			 user ? json_pack("{s:I}", "user_id", (json_int_t)user) : json_null(),
			 "invitations", arr);
	return 0;
}

/* ---- claiming ---- */

static int claim_failed(struct store *db, const char *ip, struct err *e, const char *why)
{
	struct err ae = ERR_INIT; /* a failed audit must not mask the answer */
	audit_append(db, 0, NULL, "claim.failed", NULL, 0, ip, why, &ae);
	return err_set(e, ERR_NOT_FOUND, "code", "%s", why);
}

int invite_claim(struct store *db, int64_t *user_id, int64_t *community_id, const char *code,
		 const char *username, const char *password, const char *ip, int64_t now,
		 struct err *e)
{
	char bare[INVITE_CODE_LEN + 1], hash[64], pwhash[AUTH_HASH_MAX], subject[48];
	int64_t n = 0, inv = 0, cid = 0, resident = 0, expires_at = 0, uid = 0, existing;
	char status[16] = "";
	struct community c;
	struct arena a = ARENA_INIT;
	struct stmt *st;
	struct grant g = { 0 };
	int s, rc = -1;

	if (need_keyring(e) < 0)
		return -1;
	if (ip && audit_count_since(db, &n, "claim.failed", ip, true, now - INVITE_FAIL_WINDOW, e) < 0)
		return -1;
	if (n >= INVITE_FAIL_PER_ADDRESS)
		return err_set(e, ERR_RATE_LIMITED, "code",
			       "too many wrong codes from this address; wait 15 minutes");
	if (invite_code_normalize(bare, code, e) < 0 || auth_check_username(username, e) < 0 ||
	    auth_check_password(password, e) < 0)
		return -1;
	invite_code_hash(hash, bare);
	if (!(st = store_prepare(db, sql_by_hash, e)))
		return -1;
	stmt_bind_text(st, 1, hash, SIZE_MAX);
	s = stmt_step(st, e);
	if (s == STORE_ROW) {
		inv = stmt_int(st, 0);
		cid = stmt_int(st, 1);
		resident = stmt_int(st, 2);
		snprintf(status, sizeof(status), "%s", stmt_text(st, 3));
		expires_at = stmt_int(st, 4);
	}
	stmt_done(st);
	if (s < 0)
		return -1;
	if (s == STORE_DONE)
		return claim_failed(db, ip, e, "no such invitation code");
	if (!strcmp(status, "used"))
		return claim_failed(db, ip, e, "this invitation was already used");
	if (!strcmp(status, "revoked"))
		return claim_failed(db, ip, e, "this invitation was revoked");
	if (now >= expires_at)
		return claim_failed(db, ip, e, "this invitation has expired");
	/* Good code: now the name (a quick answer) and the password hash. */
	if (auth_user_find(db, &existing, username, e) == 0)
		return err_set(e, ERR_CONFLICT, "username", "username %s is taken", username);
	if (e->code != ERR_NOT_FOUND)
		return -1;
	err_clear(e);
	if (structure_community_get(db, &c, cid, &a, e) < 0 || auth_password_hash(pwhash, password, e) < 0)
		goto out;
	g.role = ROLE_RESIDENT;
	g.scope = SCOPE_COMMUNITY;
	g.scope_id = cid;
	g.community_id = cid;
	g.street_id = c.street_id;
	if (store_begin(db, e) < 0)
		goto out;
	if (auth_user_add_hashed(db, &uid, username, NULL, pwhash, "claim", e) < 0 ||
	    auth_grant_in_tx(db, uid, &g, "claim", e) < 0 ||
	    account_link(db, uid, resident, cid, now, e) < 0 ||
	    !(st = store_prepare(db, sql_mark_used, e)))
		goto fail;
	stmt_bind_int(st, 1, now);
	stmt_bind_int(st, 2, uid);
	stmt_bind_int(st, 3, inv);
	stmt_bind_int(st, 4, now);
	if (stmt_exec(st, e) < 0)
		goto fail;
	if (store_changes(db) == 0) {
		/* claimed or revoked since we looked */
		err_set(e, ERR_NOT_FOUND, "code", "this invitation is no longer valid");
		goto fail;
	}
	snprintf(subject, sizeof(subject), "resident:%lld", (long long)resident);
	if (audit_append(db, uid, username, "invite.claim", subject, cid, ip, NULL, e) < 0 ||
	    store_commit(db, e) < 0)
		goto fail;
	*user_id = uid;
	*community_id = cid;
	rc = 0;
	goto out;
fail:
	store_rollback(db);
out:
	sodium_memzero(pwhash, sizeof(pwhash));
	arena_release(&a);
	return rc;
}

const struct migration invite_migrations[] = {
	{ 552, "registry: invitations of residents (codes kept as keyed hashes only)",
	  "CREATE TABLE invitations ("
	  " id @id, community_id BIGINT NOT NULL REFERENCES communities(id),"
	  " resident_id BIGINT NOT NULL REFERENCES residents(id) ON DELETE CASCADE,"
	  " nonce TEXT NOT NULL, code_hash TEXT NOT NULL UNIQUE,"
	  " status TEXT NOT NULL,"
	  " created_by BIGINT REFERENCES users(id) ON DELETE SET NULL,"
	  " created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL,"
	  " used_at BIGINT, used_by BIGINT REFERENCES users(id) ON DELETE SET NULL,"
	  " revoked_at BIGINT);"
	  "CREATE INDEX invitations_resident ON invitations (community_id, resident_id, id);" },
};
const size_t invite_migrations_n = sizeof(invite_migrations) / sizeof(invite_migrations[0]);
