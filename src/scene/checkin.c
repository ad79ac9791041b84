/*
 * checkin.c - post tokens, one-time check-in nonces, manual check-in and
 * corrections (see checkin.h).
 */
#include "scene/checkin.h"

#include "auth/auth.h"
#include "core/seal.h"
#include "core/utf8.h"
#include "registry/resident.h"
#include "scene/volunteer.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { TOKEN_MAC = 22 };

static const char sql_post_community[] = "SELECT community_id FROM scene_posts WHERE id = ?";
/* Checked in and not out first, then the earliest shift open for check-in. */
static const char sql_find[] =
    "SELECT s.id, f.id, f.starts_at, f.ends_at, s.checkin_at, p.name, sc.name FROM signups s"
    " JOIN shifts f ON f.id = s.shift_id JOIN scene_posts p ON p.id = f.post_id"
    " JOIN scenes sc ON sc.id = p.scene_id WHERE s.volunteer_id = ? AND s.community_id = ?"
    " AND f.post_id = ? AND s.status = 'signed' AND ("
    " (s.checkin_at IS NOT NULL AND s.checkout_at IS NULL AND f.ends_at + ? >= ?)"
    " OR (s.checkin_at IS NULL AND f.starts_at - ? <= ? AND ? < f.ends_at))"
    " ORDER BY s.checkin_at IS NULL, f.starts_at LIMIT 1";
static const char sql_nonce_add[] =
    "INSERT INTO checkin_nonces (community_id, signup_id, action, hash, expires_at)"
    " VALUES (?, ?, ?, ?, ?)";
/* Expired nonces of the sign-up go when a new one is issued (a late replay
 * of one is then simply unknown: still refused). */
static const char sql_nonce_purge[] =
    "DELETE FROM checkin_nonces WHERE signup_id = ? AND expires_at < ?";
static const char sql_nonce_get[] =
    "SELECT id, signup_id, action, expires_at, used_at FROM checkin_nonces"
    " WHERE hash = ? AND community_id = ?";
static const char sql_nonce_use[] =
    "UPDATE checkin_nonces SET used_at = ? WHERE id = ? AND used_at IS NULL";
static const char sql_state[] =
    "SELECT s.volunteer_id, s.status, s.checkin_at, s.checkout_at, f.starts_at, f.ends_at,"
    " s.confirmed_at FROM signups s JOIN shifts f ON f.id = s.shift_id"
    " WHERE s.id = ? AND s.community_id = ?";
static const char sql_in[] =
    "UPDATE signups SET checkin_at = ?, checkin_by = ? WHERE id = ? AND checkin_at IS NULL";
static const char sql_out[] =
    "UPDATE signups SET checkout_at = ?, checkout_by = ?, minutes = ? WHERE id = ?"
    " AND checkin_at IS NOT NULL AND checkout_at IS NULL";
static const char sql_correct[] =
    "UPDATE signups SET checkin_at = ?, checkout_at = ?, minutes = ? WHERE id = ?";

static void token_mac(char out[TOKEN_MAC + 1], int64_t post_id)
{
	char h[SEAL_HASH_CHARS + 1], in[48];
	int n = snprintf(in, sizeof(in), "checkin.post:%lld", (long long)post_id);
	seal_hash(h, resident_keyring(), in, (size_t)n);
	memcpy(out, h, TOKEN_MAC);
	out[TOKEN_MAC] = '\0';
}

int checkin_post_token(char out[CHECKIN_TOKEN_MAX], int64_t post_id, struct err *e)
{
	char mac[TOKEN_MAC + 1];
	if (!resident_keyring())
		return err_set(e, ERR_UNAVAILABLE, "key_file",
			       "the key file of sensitive fields is not loaded");
	token_mac(mac, post_id);
	snprintf(out, CHECKIN_TOKEN_MAX, "%lld-%s", (long long)post_id, mac);
	return 0;
}

int checkin_post_of_token(int64_t *post_id, const char *token, struct err *e)
{
	char mac[TOKEN_MAC + 1], *end;
	long long id;
	const char *dash = token ? strchr(token, '-') : NULL;
	if (!resident_keyring())
		return err_set(e, ERR_UNAVAILABLE, "key_file",
			       "the key file of sensitive fields is not loaded");
	if (!dash || dash == token || strlen(dash + 1) != TOKEN_MAC ||
	    strspn(token, "0123456789") != (size_t)(dash - token) || dash - token > 18)
		return err_set(e, ERR_NOT_FOUND, "token", "not a check-in code of this community");
	id = strtoll(token, &end, 10);
	if (end != dash || id <= 0)
		return err_set(e, ERR_NOT_FOUND, "token", "not a check-in code of this community");
	token_mac(mac, id);
	if (sodium_memcmp(mac, dash + 1, TOKEN_MAC) != 0)
		return err_set(e, ERR_NOT_FOUND, "token", "not a check-in code of this community");
	*post_id = id;
	return 0;
}

int checkin_post_community(struct store *db, int64_t *out, int64_t post_id, struct err *e)
{
	struct stmt *st = store_prepare(db, sql_post_community, e);
	int rc;
	if (!st)
		return -1;
	stmt_bind_int(st, 1, post_id);
	if ((rc = stmt_step(st, e)) == STORE_ROW)
		*out = stmt_int(st, 0);
	stmt_done(st);
	if (rc == STORE_DONE)
		return err_set(e, ERR_NOT_FOUND, "token", "the post no longer exists");
	return rc < 0 ? -1 : 0;
}

static void nonce_hash(char out[64], const char *nonce)
{
	unsigned char h[32];
	crypto_generichash(h, sizeof(h), (const unsigned char *)nonce, strlen(nonce), NULL, 0);
	sodium_bin2base64(out, 64, h, sizeof(h), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

int checkin_start(struct store *db, json_t **out, const char **rule, int64_t community_id,
		  int64_t post_id, int64_t volunteer_id, int64_t now, struct err *e)
{
	struct arena a = ARENA_INIT;
	struct stmt *st;
	int64_t signup = 0, shift = 0, starts = 0, ends = 0, in_at = 0;
	bool checked_in = false;
	const char *post = "", *scene = "", *action;
	unsigned char raw[32];
	char nonce[64], hash[64];
	int rc;
	*rule = NULL;
	if (store_begin(db, e) < 0)
		return -1;
	if (!(st = store_prepare(db, sql_find, e)))
		goto fail;
	stmt_bind_int(st, 1, volunteer_id);
	stmt_bind_int(st, 2, community_id);
	stmt_bind_int(st, 3, post_id);
	stmt_bind_int(st, 4, CHECKIN_LATE_OUT);
	stmt_bind_int(st, 5, now);
	stmt_bind_int(st, 6, CHECKIN_EARLY);
	stmt_bind_int(st, 7, now);
	stmt_bind_int(st, 8, now);
	if ((rc = stmt_step(st, e)) == STORE_ROW) {
		signup = stmt_int(st, 0);
		shift = stmt_int(st, 1);
		starts = stmt_int(st, 2);
		ends = stmt_int(st, 3);
		checked_in = !stmt_is_null(st, 4);
		in_at = stmt_int(st, 4);
		post = arena_strdup(&a, stmt_text(st, 5));
		scene = arena_strdup(&a, stmt_text(st, 6));
	}
	stmt_done(st);
	if (rc < 0)
		goto fail;
	if (rc == STORE_DONE) {
		*rule = "no_shift_now";
		err_set(e, ERR_CONFLICT, "token",
			"you have no shift at this post now (check-in opens 30 minutes before)");
		goto fail;
	}
	action = checked_in ? "out" : "in";
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(nonce, sizeof(nonce), raw, sizeof(raw),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	nonce_hash(hash, nonce);
	if (!(st = store_prepare(db, sql_nonce_purge, e)))
		goto fail;
	stmt_bind_int(st, 1, signup);
	stmt_bind_int(st, 2, now);
	if (stmt_exec(st, e) < 0 || !(st = store_prepare(db, sql_nonce_add, e)))
		goto fail;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_int(st, 2, signup);
	stmt_bind_text(st, 3, action, SIZE_MAX);
	stmt_bind_text(st, 4, hash, SIZE_MAX);
	stmt_bind_int(st, 5, now + CHECKIN_NONCE_TTL);
	if (stmt_exec(st, e) < 0 || store_commit(db, e) < 0)
		goto fail;
	*out = json_pack("{s:I, s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:o}", "community_id",
			 (json_int_t)community_id, "signup_id", (json_int_t)signup, "shift_id",
			 (json_int_t)shift, "action", action, "nonce", nonce, "post", post, "scene",
			 scene, "local_start", vol_local(&a, starts), "local_end",
			 vol_local(&a, ends), "checkin_at",
			 checked_in ? json_string(vol_local(&a, in_at)) : json_null());
	sodium_memzero(raw, sizeof(raw));
	arena_release(&a);
	return 0;
fail:
	store_rollback(db);
	arena_release(&a);
	return -1;
}

struct state {
	int64_t volunteer_id, in_at, out_at, starts_at, ends_at;
	bool in, out, confirmed;
	char status[16];
};

static int state_read(struct store *db, struct state *s, int64_t community_id, int64_t id,
		      struct err *e)
{
	struct stmt *st = store_prepare(db, sql_state, e);
	int rc;
	if (!st)
		return -1;
	stmt_bind_int(st, 1, id);
	stmt_bind_int(st, 2, community_id);
	if ((rc = stmt_step(st, e)) == STORE_ROW) {
		s->volunteer_id = stmt_int(st, 0);
		snprintf(s->status, sizeof(s->status), "%s", stmt_text(st, 1));
		s->in = !stmt_is_null(st, 2);
		s->in_at = stmt_int(st, 2);
		s->out = !stmt_is_null(st, 3);
		s->out_at = stmt_int(st, 3);
		s->starts_at = stmt_int(st, 4);
		s->ends_at = stmt_int(st, 5);
		s->confirmed = !stmt_is_null(st, 6);
	}
	stmt_done(st);
	if (rc == STORE_DONE)
		return err_set(e, ERR_NOT_FOUND, "signup_id", "no such sign-up");
	return rc < 0 ? -1 : 0;
}

/* Whether action may happen at `at` for the sign-up in state s. */
static bool in_window(const struct state *s, bool in, int64_t at)
{
	if (strcmp(s->status, "signed"))
		return false;
	if (in)
		return !s->in && at >= s->starts_at - CHECKIN_EARLY && at < s->ends_at;
	return s->in && !s->out && at >= s->in_at && at <= s->ends_at + CHECKIN_LATE_OUT;
}

/* Writes the check-in or check-out at `at` (state checked by the caller). */
static int record(struct store *db, const struct state *s, int64_t id, bool in, int64_t at,
		  int64_t by, struct err *e)
{
	struct stmt *st = store_prepare(db, in ? sql_in : sql_out, e);
	if (!st)
		return -1;
	stmt_bind_int(st, 1, at);
	stmt_bind_int(st, 2, by);
	if (in) {
		stmt_bind_int(st, 3, id);
	} else {
		stmt_bind_int(st, 3, (at - s->in_at) / 60);
		stmt_bind_int(st, 4, id);
	}
	if (stmt_exec(st, e) < 0)
		return -1;
	if (store_changes(db) != 1)
		return err_set(e, ERR_CONFLICT, "signup_id", "already checked %s", in ? "in" : "out");
	return 0;
}

static int refuse(const char **rule, const char *code, struct err *e, const char *msg)
{
	*rule = code;
	return err_set(e, ERR_CONFLICT, "nonce", "%s", msg);
}

int checkin_confirm(struct store *db, json_t **out, const char **rule, int64_t community_id,
		    int64_t signup_id, int64_t volunteer_id, const char *nonce, int64_t now,
		    struct err *e)
{
	struct arena a = ARENA_INIT;
	struct state s;
	struct stmt *st;
	char hash[64], action[8] = "";
	int64_t nonce_id = 0, nonce_signup = 0, expires = 0;
	bool used = false, in;
	int rc;
	*rule = NULL;
	if (!nonce || !*nonce || strlen(nonce) > 60)
		return err_set(e, ERR_INVALID, "nonce", "nonce is required");
	nonce_hash(hash, nonce);
	if (store_begin(db, e) < 0)
		return -1;
	if (state_read(db, &s, community_id, signup_id, e) < 0)
		goto fail;
	if (s.volunteer_id != volunteer_id) {
		err_set(e, ERR_NOT_FOUND, "signup_id", "no such sign-up");
		goto fail;
	}
	if (!(st = store_prepare(db, sql_nonce_get, e)))
		goto fail;
	stmt_bind_text(st, 1, hash, SIZE_MAX);
	stmt_bind_int(st, 2, community_id);
	if ((rc = stmt_step(st, e)) == STORE_ROW) {
		nonce_id = stmt_int(st, 0);
		nonce_signup = stmt_int(st, 1);
		snprintf(action, sizeof(action), "%s", stmt_text(st, 2));
		expires = stmt_int(st, 3);
		used = !stmt_is_null(st, 4);
	}
	stmt_done(st);
	if (rc < 0)
		goto fail;
	if (rc == STORE_DONE) {
		refuse(rule, "invalid_token", e, "this check-in code is unknown: scan the post again");
		goto fail;
	}
	if (nonce_signup != signup_id) {
		refuse(rule, "wrong_shift", e, "this check-in code is for another shift");
		goto fail;
	}
	if (used) {
		refuse(rule, "replayed", e, "this check-in code has been used");
		goto fail;
	}
	if (now > expires) {
		refuse(rule, "expired", e, "this check-in code has expired: scan the post again");
		goto fail;
	}
	in = !strcmp(action, "in");
	if (!in_window(&s, in, now)) {
		refuse(rule, "outside_window", e, "checking in or out is not possible now");
		goto fail;
	}
	if (!(st = store_prepare(db, sql_nonce_use, e)))
		goto fail;
	stmt_bind_int(st, 1, now);
	stmt_bind_int(st, 2, nonce_id);
	if (stmt_exec(st, e) < 0)
		goto fail;
	if (store_changes(db) != 1) {
		refuse(rule, "replayed", e, "this check-in code has been used");
		goto fail;
	}
	if (record(db, &s, signup_id, in, now, 0, e) < 0 || store_commit(db, e) < 0)
		goto fail;
	*out = json_pack("{s:s, s:s}", "action", action, "at", vol_local(&a, now));
	if (!in)
		json_object_set_new(*out, "minutes", json_integer((now - s.in_at) / 60));
	arena_release(&a);
	return 0;
fail:
	store_rollback(db);
	arena_release(&a);
	return -1;
}

static int audit_checkin(struct store *db, const struct vol_actor *who, const char *action,
			 int64_t id, int64_t community_id, const char *detail, struct err *e)
{
	char subject[40];
	snprintf(subject, sizeof(subject), "signup:%lld", (long long)id);
	return audit_append(db, who ? who->user_id : 0, who ? who->username : NULL, action, subject,
			    community_id, who ? who->ip : NULL, detail, e);
}

int checkin_manual(struct store *db, int64_t community_id, int64_t signup_id, const char *action,
		   int64_t at, int64_t now, const struct vol_actor *who, struct err *e)
{
	struct state s;
	bool in;
	if (!action || (strcmp(action, "in") && strcmp(action, "out")))
		return err_set(e, ERR_INVALID, "action", "action must be in or out");
	in = !strcmp(action, "in");
	if (!at)
		at = now;
	if (at > now)
		return err_set(e, ERR_INVALID, "at", "at must not be in the future");
	if (store_begin(db, e) < 0)
		return -1;
	if (state_read(db, &s, community_id, signup_id, e) < 0)
		goto fail;
	if (!in_window(&s, in, at)) {
		err_set(e, ERR_CONFLICT, "at",
			in ? "check-in is from 30 minutes before the start to the end, once"
			   : "check-out is after check-in, until 2 hours after the end, once");
		goto fail;
	}
	if (record(db, &s, signup_id, in, at, who ? who->user_id : 0, e) < 0 ||
	    audit_checkin(db, who, "checkin.manual", signup_id, community_id, action, e) < 0 ||
	    store_commit(db, e) < 0)
		goto fail;
	return 0;
fail:
	store_rollback(db);
	return -1;
}

int checkin_correct(struct store *db, int64_t community_id, int64_t signup_id, int64_t in_at,
		    int64_t out_at, const char *reason, const struct vol_actor *who,
		    struct err *e)
{
	struct state s;
	struct stmt *st;
	char detail[300];
	size_t n = reason ? strlen(reason) : 0;
	if (!n || !utf8_valid(reason, n) || utf8_count(reason, n) > VOL_TEXT_MAX)
		return err_set(e, ERR_INVALID, "reason", "reason must be 1 to %d characters",
			       VOL_TEXT_MAX);
	if (store_begin(db, e) < 0)
		return -1;
	if (state_read(db, &s, community_id, signup_id, e) < 0)
		goto fail;
	if (!s.out || s.confirmed) {
		err_set(e, ERR_CONFLICT, "signup_id",
			"only checked-out hours not yet confirmed are corrected");
		goto fail;
	}
	if (in_at < s.starts_at - CHECKIN_EARLY || in_at >= s.ends_at) {
		err_set(e, ERR_INVALID, "checkin_at", "checkin_at must lie in the shift's window");
		goto fail;
	}
	if (out_at <= in_at || out_at > s.ends_at + CHECKIN_LATE_OUT) {
		err_set(e, ERR_INVALID, "checkout_at",
			"checkout_at must be after checkin_at, within 2 hours of the end");
		goto fail;
	}
	if (!(st = store_prepare(db, sql_correct, e)))
		goto fail;
	stmt_bind_int(st, 1, in_at);
	stmt_bind_int(st, 2, out_at);
	stmt_bind_int(st, 3, (out_at - in_at) / 60);
	stmt_bind_int(st, 4, signup_id);
	snprintf(detail, sizeof(detail), "%lld-%lld -> %lld-%lld: %.200s", (long long)s.in_at,
		 (long long)s.out_at, (long long)in_at, (long long)out_at, reason);
	if (stmt_exec(st, e) < 0 ||
	    audit_checkin(db, who, "checkin.correct", signup_id, community_id, detail, e) < 0 ||
	    store_commit(db, e) < 0)
		goto fail;
	return 0;
fail:
	store_rollback(db);
	return -1;
}
