/*
 * doorcard.c - door cards: issue, reissue, revoke, print, find by token
 * (see doorcard.h).
 *
 * The dwellings of a building come from structure_building_get (the
 * registry's header), so this folder never reads the registry's tables; a
 * card keeps its building and label as they were when it was issued
 * (dwellings never move, and a renamed building only changes new cards).
 */
#include "field/doorcard.h"

#include "auth/auth.h"
#include "core/seal.h"
#include "core/timeutil.h"
#include "registry/resident.h"
#include "registry/structure.h"

#include <assert.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

static const char sql_live_of[] =
    "SELECT id, nonce, created_at FROM emergency_cards"
    " WHERE community_id = ? AND dwelling_id = ? AND revoked_at IS NULL";
static const char sql_insert[] =
    "INSERT INTO emergency_cards (community_id, building_id, dwelling_id, label, nonce,"
    " token_hash, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
static const char sql_revoke[] =
    "UPDATE emergency_cards SET revoked_at = ? WHERE community_id = ? AND dwelling_id = ?"
    " AND revoked_at IS NULL";
static const char sql_building_cards[] =
    "SELECT dwelling_id, nonce, created_at FROM emergency_cards"
    " WHERE community_id = ? AND building_id = ? AND revoked_at IS NULL";
static const char sql_last_card[] =
    "SELECT building_id, label FROM emergency_cards WHERE community_id = ? AND dwelling_id = ?"
    " ORDER BY id DESC LIMIT 1";
static const char sql_by_hash[] =
    "SELECT id, community_id, building_id, dwelling_id, label FROM emergency_cards"
    " WHERE token_hash = ? AND revoked_at IS NULL";

bool doorcard_token_shape(const char *s)
{
	if (!s || strlen(s) != DOORCARD_TOKEN_LEN)
		return false;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		      (*p >= '0' && *p <= '9') || *p == '-' || *p == '_'))
			return false;
	return true;
}

/* The token of a card from its nonce. */
static void token_derive(char out[DOORCARD_TOKEN_LEN + 1], const char *nonce)
{
	char in[96];
	int n = snprintf(in, sizeof(in), "linli.emergency.card:%s", nonce);
	seal_hash(out, resident_keyring(), in, (size_t)n);
}

/* The stored hash of a token. */
static void token_hash(char out[SEAL_HASH_CHARS + 1], const char *token)
{
	char in[96];
	int n = snprintf(in, sizeof(in), "linli.emergency.card.hash:%s", token);
	seal_hash(out, resident_keyring(), in, (size_t)n);
}

static int need_keyring(struct err *e)
{
	if (!resident_keyring())
		return err_set(e, ERR_INTERNAL, "key_file", "no key file is loaded");
	return 0;
}

/* Inserts a new card for one dwelling (inside the caller's transaction). */
static int insert_card(struct store *db, int64_t community_id, int64_t building_id,
                       int64_t dwelling_id, const char *label, int64_t actor, struct err *e)
{
	unsigned char raw[16];
	char nonce[33], token[DOORCARD_TOKEN_LEN + 1], hash[SEAL_HASH_CHARS + 1];
	struct stmt *st;

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(nonce, sizeof(nonce), raw, sizeof(raw));
	token_derive(token, nonce);
	token_hash(hash, token);
	sodium_memzero(token, sizeof(token));
	if (!(st = store_prepare(db, sql_insert, e)))
		return -1;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_int(st, 2, building_id);
	stmt_bind_int(st, 3, dwelling_id);
	stmt_bind_text(st, 4, label, SIZE_MAX);
	stmt_bind_text(st, 5, nonce, SIZE_MAX);
	stmt_bind_text(st, 6, hash, SIZE_MAX);
	stmt_bind_int(st, 7, actor);
	stmt_bind_int(st, 8, time_now());
	return stmt_exec(st, e);
}

/* A dwelling of a building, as the registry lays it out. */
struct dwelling_ref {
	int64_t id, floor;
	const char *unit, *room, *label;
};

static int building_dwellings(struct store *db, json_t **b, struct dwelling_ref **out, size_t *n,
                              int64_t community_id, int64_t building_id, struct arena *a,
                              struct err *e)
{
	json_t *unit, *dw;
	size_t i, j, cap = 0;

	*out = NULL;
	*n = 0;
	if (structure_building_get(db, b, community_id, building_id, e) < 0)
		return -1;
	const char *bname = json_string_value(json_object_get(*b, "name"));
	json_array_foreach(json_object_get(*b, "units"), i, unit) cap +=
	    json_array_size(json_object_get(unit, "dwellings"));
	*out = arena_alloc(a, (cap ? cap : 1) * sizeof(**out));
	json_array_foreach(json_object_get(*b, "units"), i, unit)
	{
		const char *uname = json_string_value(json_object_get(unit, "name"));
		json_array_foreach(json_object_get(unit, "dwellings"), j, dw)
		{
			const char *room = json_string_value(json_object_get(dw, "room"));
			(*out)[(*n)++] = (struct dwelling_ref){
			    .id = json_integer_value(json_object_get(dw, "id")),
			    .floor = json_integer_value(json_object_get(dw, "floor")),
			    .unit = uname,
			    .room = room,
			    .label = arena_printf(a, "%s %s %s", bname, uname, room),
			};
		}
	}
	return 0;
}

int doorcard_issue_building(struct store *db, int64_t *issued, int64_t community_id,
                            int64_t building_id, const struct doorcard_actor *who, struct err *e)
{
	struct arena a = ARENA_INIT;
	struct dwelling_ref *d;
	json_t *b = NULL;
	size_t n;
	int rc = -1;

	*issued = 0;
	if (need_keyring(e) < 0 || store_begin(db, e) < 0)
		goto out;
	if (building_dwellings(db, &b, &d, &n, community_id, building_id, &a, e) < 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		struct stmt *st = store_prepare(db, sql_live_of, e);
		int step;
		if (!st)
			goto out;
		stmt_bind_int(st, 1, community_id);
		stmt_bind_int(st, 2, d[i].id);
		step = stmt_step(st, e);
		stmt_done(st);
		if (step < 0)
			goto out;
		if (step == STORE_ROW)
			continue;
		if (insert_card(db, community_id, building_id, d[i].id, d[i].label, who->user_id,
		                e) < 0)
			goto out;
		(*issued)++;
	}
	if (audit_append(db, who->user_id, who->username, "emergency.cards.issue",
	                 arena_printf(&a, "building:%lld", (long long)building_id), community_id,
	                 who->ip, arena_printf(&a, "{\"issued\":%lld}", (long long)*issued),
	                 e) < 0 ||
	    store_commit(db, e) < 0)
		goto out;
	rc = 0;
out:
	if (rc < 0)
		store_rollback(db);
	json_decref(b);
	arena_release(&a);
	return rc;
}

/* The building and label of a dwelling's newest card (live or not). */
static int card_place(struct store *db, int64_t community_id, int64_t dwelling_id,
                      int64_t *building_id, const char **label, struct arena *a, struct err *e)
{
	struct stmt *st = store_prepare(db, sql_last_card, e);
	int rc;
	if (!st)
		return -1;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_int(st, 2, dwelling_id);
	rc = stmt_step(st, e);
	if (rc == STORE_ROW) {
		*building_id = stmt_int(st, 0);
		*label = arena_strdup(a, stmt_text(st, 1));
	}
	stmt_done(st);
	if (rc == STORE_DONE)
		return err_set(e, ERR_NOT_FOUND, "dwelling_id",
		               "this dwelling has no door card: issue its building's cards first");
	return rc < 0 ? -1 : 0;
}

int doorcard_reissue(struct store *db, int64_t community_id, int64_t dwelling_id,
                     const struct doorcard_actor *who, struct err *e)
{
	struct arena a = ARENA_INIT;
	const char *label = NULL;
	int64_t building_id = 0;
	struct stmt *st;
	int rc = -1;

	if (need_keyring(e) < 0 || store_begin(db, e) < 0)
		goto out;
	if (card_place(db, community_id, dwelling_id, &building_id, &label, &a, e) < 0 ||
	    !(st = store_prepare(db, sql_revoke, e)))
		goto out;
	stmt_bind_int(st, 1, time_now());
	stmt_bind_int(st, 2, community_id);
	stmt_bind_int(st, 3, dwelling_id);
	if (stmt_exec(st, e) < 0 ||
	    insert_card(db, community_id, building_id, dwelling_id, label, who->user_id, e) < 0 ||
	    audit_append(db, who->user_id, who->username, "emergency.card.reissue",
	                 arena_printf(&a, "dwelling:%lld", (long long)dwelling_id), community_id,
	                 who->ip, NULL, e) < 0 ||
	    store_commit(db, e) < 0)
		goto out;
	rc = 0;
out:
	if (rc < 0)
		store_rollback(db);
	arena_release(&a);
	return rc;
}

int doorcard_revoke(struct store *db, int64_t community_id, int64_t dwelling_id,
                    const struct doorcard_actor *who, struct err *e)
{
	char subject[40];
	struct stmt *st;

	if (store_begin(db, e) < 0)
		return -1;
	if (!(st = store_prepare(db, sql_revoke, e)))
		goto fail;
	stmt_bind_int(st, 1, time_now());
	stmt_bind_int(st, 2, community_id);
	stmt_bind_int(st, 3, dwelling_id);
	if (stmt_exec(st, e) < 0)
		goto fail;
	if (store_changes(db) == 0) {
		err_set(e, ERR_NOT_FOUND, "dwelling_id", "this dwelling has no live door card");
		goto fail;
	}
	snprintf(subject, sizeof(subject), "dwelling:%lld", (long long)dwelling_id);
	if (audit_append(db, who->user_id, who->username, "emergency.card.revoke", subject,
	                 community_id, who->ip, NULL, e) < 0 ||
	    store_commit(db, e) < 0)
		goto fail;
	return 0;
fail:
	store_rollback(db);
	return -1;
}

int doorcard_sheet(struct store *db, json_t **out, int64_t community_id, int64_t building_id,
                   struct err *e)
{
	struct arena a = ARENA_INIT;
	struct dwelling_ref *d;
	json_t *b = NULL, *live = json_object(), *cards = json_array();
	struct stmt *st;
	size_t n;
	int rc = -1, step;

	if (need_keyring(e) < 0 ||
	    building_dwellings(db, &b, &d, &n, community_id, building_id, &a, e) < 0 ||
	    !(st = store_prepare(db, sql_building_cards, e)))
		goto out;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_int(st, 2, building_id);
	while ((step = stmt_step(st, e)) == STORE_ROW) {
		char key[24], token[DOORCARD_TOKEN_LEN + 1];
		snprintf(key, sizeof(key), "%lld", (long long)stmt_int(st, 0));
		token_derive(token, stmt_text(st, 1));
		json_object_set_new(live, key,
		                    json_pack("{s:s, s:I}", "token", token, "issued_at",
		                              (json_int_t)stmt_int(st, 2)));
	}
	stmt_done(st);
	if (step < 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		char key[24];
		snprintf(key, sizeof(key), "%lld", (long long)d[i].id);
		json_t *l = json_object_get(live, key);
		json_array_append_new(
		    cards,
		    json_pack("{s:I, s:s, s:I, s:s, s:s, s:O, s:O}", "dwelling_id",
		              (json_int_t)d[i].id, "unit", d[i].unit, "floor",
		              (json_int_t)d[i].floor, "room", d[i].room, "label", d[i].label,
		              "token", l ? json_object_get(l, "token") : json_null(), "issued_at",
		              l ? json_object_get(l, "issued_at") : json_null()));
	}
	*out = json_pack("{s:{s:O, s:O, s:O}, s:O}", "building", "id", json_object_get(b, "id"),
	                 "name", json_object_get(b, "name"), "compound",
	                 json_object_get(b, "compound_name"), "cards", cards);
	rc = 0;
out:
	json_decref(b);
	json_decref(live);
	json_decref(cards);
	arena_release(&a);
	return rc;
}

int doorcard_token_of(struct store *db, char out[DOORCARD_TOKEN_LEN + 1], int64_t community_id,
                      int64_t dwelling_id, struct err *e)
{
	struct stmt *st;
	int rc;
	if (need_keyring(e) < 0 || !(st = store_prepare(db, sql_live_of, e)))
		return -1;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_int(st, 2, dwelling_id);
	rc = stmt_step(st, e);
	if (rc == STORE_ROW)
		token_derive(out, stmt_text(st, 1));
	stmt_done(st);
	if (rc == STORE_DONE)
		return err_set(e, ERR_NOT_FOUND, "dwelling_id",
		               "this dwelling has no live door card");
	return rc < 0 ? -1 : 0;
}

int doorcard_find(struct store *db, struct doorcard *out, const char *token, struct arena *a,
                  struct err *e)
{
	char hash[SEAL_HASH_CHARS + 1];
	struct stmt *st;
	int rc;

	if (!doorcard_token_shape(token))
		return err_set(e, ERR_NOT_FOUND, "token", "no such door card");
	if (need_keyring(e) < 0)
		return -1;
	token_hash(hash, token);
	if (!(st = store_prepare(db, sql_by_hash, e)))
		return -1;
	stmt_bind_text(st, 1, hash, SIZE_MAX);
	rc = stmt_step(st, e);
	if (rc == STORE_ROW)
		*out = (struct doorcard){
		    .id = stmt_int(st, 0),
		    .community_id = stmt_int(st, 1),
		    .building_id = stmt_int(st, 2),
		    .dwelling_id = stmt_int(st, 3),
		    .label = arena_strdup(a, stmt_text(st, 4)),
		};
	stmt_done(st);
	if (rc == STORE_DONE)
		return err_set(e, ERR_NOT_FOUND, "token", "no such door card");
	return rc < 0 ? -1 : 0;
}

/* ---- throttling ---- */

enum { LIMIT_SLOTS = 4096 };

struct limit_slot {
	char key[48];
	int64_t window; /* start of the window, UTC seconds */
	int64_t count;
};

static struct limit_slot limit_table[DOORCARD_LIMIT_COUNT][LIMIT_SLOTS];
static pthread_mutex_t limit_lock = PTHREAD_MUTEX_INITIALIZER;
static int64_t per_address = DOORCARD_PER_ADDRESS;

static const int64_t limit_max[DOORCARD_LIMIT_COUNT] = {0, DOORCARD_MISSES, DOORCARD_PER_TOKEN};

void doorcard_limit_set_address(int64_t n)
{
	pthread_mutex_lock(&limit_lock);
	per_address = n;
	pthread_mutex_unlock(&limit_lock);
}

/* The slot of key (taken over when another key holds it or its window is
 * past); called with the lock held. */
static struct limit_slot *limit_slot(enum doorcard_limit which, const char *key, int64_t now)
{
	uint32_t h = 2166136261u;
	for (const char *p = key; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	struct limit_slot *s = &limit_table[which][h % LIMIT_SLOTS];
	int64_t window = now - now % DOORCARD_WINDOW;
	if (strncmp(s->key, key, sizeof(s->key)) || s->window != window) {
		snprintf(s->key, sizeof(s->key), "%s", key);
		s->window = window;
		s->count = 0;
	}
	return s;
}

bool doorcard_limit_ok(enum doorcard_limit which, const char *key, int64_t now)
{
	bool ok;
	assert((unsigned)which < DOORCARD_LIMIT_COUNT);
	pthread_mutex_lock(&limit_lock);
	int64_t max = which == DOORCARD_LIMIT_ADDRESS ? per_address : limit_max[which];
	ok = max <= 0 || limit_slot(which, key, now)->count < max;
	pthread_mutex_unlock(&limit_lock);
	return ok;
}

void doorcard_limit_count(enum doorcard_limit which, const char *key, int64_t now)
{
	assert((unsigned)which < DOORCARD_LIMIT_COUNT);
	pthread_mutex_lock(&limit_lock);
	limit_slot(which, key, now)->count++;
	pthread_mutex_unlock(&limit_lock);
}

void doorcard_limit_reset(void)
{
	pthread_mutex_lock(&limit_lock);
	memset(limit_table, 0, sizeof(limit_table));
	pthread_mutex_unlock(&limit_lock);
}

const struct migration doorcard_migrations[] = {
    {900, "field: emergency door cards",
     "CREATE TABLE emergency_cards ("
     " id @id, community_id BIGINT NOT NULL REFERENCES communities(id),"
     " building_id BIGINT NOT NULL REFERENCES buildings(id),"
     " dwelling_id BIGINT NOT NULL REFERENCES dwellings(id),"
     " label TEXT NOT NULL, nonce TEXT NOT NULL, token_hash TEXT NOT NULL,"
     " created_by BIGINT NOT NULL, created_at BIGINT NOT NULL, revoked_at BIGINT);"
     "CREATE UNIQUE INDEX emergency_cards_hash ON emergency_cards (token_hash);"
     "CREATE UNIQUE INDEX emergency_cards_live ON emergency_cards (dwelling_id)"
     " WHERE revoked_at IS NULL;"
     "CREATE INDEX emergency_cards_building ON emergency_cards (community_id, building_id);"},
};
const size_t doorcard_migrations_n = sizeof(doorcard_migrations) / sizeof(doorcard_migrations[0]);
