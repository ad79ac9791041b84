/*
 * doorcard.h - door cards (应急门卡): one card per dwelling, posted on the
 * door before anything happens, with a QR code that opens the public
 * check-in page `#/safe/<token>` (报平安 / 求助) without a login.
 *
 * A card is permanent: it is issued once per dwelling (a whole building in
 * one go) and only works while an emergency activation covers its dwelling
 * (emergency.h decides that).  When a card is lost it is revoked, and a new
 * one is issued for the dwelling: the old token is dead at once.
 *
 * Tokens are never stored.  A card row holds a random nonce (128 bits) and
 * the keyed hash (seal_hash, the register's key file) of the token, and the
 * token is itself the keyed hash of the nonce: 43 base64url characters, 256
 * bits.  So a building's sheet can be printed again at any time, a check-in
 * finds its card by a unique index on the hash (the secret is never
 * compared byte by byte), and a copy of the database without the key file
 * neither reveals a token nor confirms a guess.  Same scheme as the
 * invitation codes (registry/invite.c).
 *
 * Every function filters on community_id: a building or dwelling of another
 * community is ERR_NOT_FOUND.  Access is the handler's business.
 * Migration 900.
 */
#ifndef LINLI_FIELD_DOORCARD_H
#define LINLI_FIELD_DOORCARD_H

#include "core/arena.h"
#include "core/err.h"
#include "core/json.h"
#include "store/store.h"

#include <stdbool.h>
#include <stdint.h>

enum {
	DOORCARD_TOKEN_LEN = 43, /* base64url characters (256 bits) */
};

/* Who acts, for the audit log; strings may be NULL. */
struct doorcard_actor {
	int64_t user_id;
	const char *username;
	const char *ip;
};

/* A live card found by its token.  label is in the arena given. */
struct doorcard {
	int64_t id, community_id, building_id, dwelling_id;
	const char *label; /* "1号楼 1单元 302" */
};

/* True when s has the shape of a token (43 base64url characters). */
bool doorcard_token_shape(const char *s);

/*
 * Issues a card to every dwelling of the building that has no live card
 * (dwellings that have one keep it), in one transaction, audited
 * ("emergency.cards.issue").  *issued gets how many were made.
 * ERR_NOT_FOUND for a building outside the community; ERR_INTERNAL when no
 * key file is loaded.
 */
int doorcard_issue_building(struct store *db, int64_t *issued, int64_t community_id,
                            int64_t building_id, const struct doorcard_actor *who, struct err *e);

/*
 * Revokes the dwelling's live card (if any) and issues a new one, in one
 * transaction, audited ("emergency.card.reissue").  The old token stops
 * working when this returns.  ERR_NOT_FOUND for a dwelling outside the
 * community.
 */
int doorcard_reissue(struct store *db, int64_t community_id, int64_t dwelling_id,
                     const struct doorcard_actor *who, struct err *e);

/* Revokes the dwelling's live card, audited ("emergency.card.revoke").
 * ERR_NOT_FOUND when the dwelling has none. */
int doorcard_revoke(struct store *db, int64_t community_id, int64_t dwelling_id,
                    const struct doorcard_actor *who, struct err *e);

/*
 * The building's printable sheet: {"building": {"id","name","compound"},
 * "cards": [{"dwelling_id","unit","floor","room","label","token"|null,
 * "issued_at"|null}]} in unit, floor, room order (token null: no live card
 * yet).  *out is a new reference.  ERR_NOT_FOUND for another community's
 * building.
 */
int doorcard_sheet(struct store *db, json_t **out, int64_t community_id, int64_t building_id,
                   struct err *e);

/* The live token of a dwelling's card into out.  ERR_NOT_FOUND when the
 * dwelling is not in the community or has no live card. */
int doorcard_token_of(struct store *db, char out[DOORCARD_TOKEN_LEN + 1], int64_t community_id,
                      int64_t dwelling_id, struct err *e);

/*
 * Finds the live card of a token (by its keyed hash).  ERR_NOT_FOUND for a
 * malformed, unknown or revoked token (one answer for all three).
 */
int doorcard_find(struct store *db, struct doorcard *out, const char *token, struct arena *a,
                  struct err *e);

/* ---- throttling the public check-in (process memory, no table) ----
 *
 * Fixed windows of DOORCARD_WINDOW seconds in a hashed table of slots (a
 * bounded memory whatever the traffic; two keys sharing a slot share a
 * count until one goes quiet).  Three counters:
 *   DOORCARD_LIMIT_ADDRESS: requests to /api/safe per client address
 *     (doorcard_limit_set_address; 0 turns it off - the benchmark);
 *   DOORCARD_LIMIT_MISS: unknown tokens per address (guessing);
 *   DOORCARD_LIMIT_TOKEN: check-ins per card.
 */
enum doorcard_limit {
	DOORCARD_LIMIT_ADDRESS,
	DOORCARD_LIMIT_MISS,
	DOORCARD_LIMIT_TOKEN,
	DOORCARD_LIMIT_COUNT
};
enum {
	DOORCARD_WINDOW = 600,      /* seconds */
	DOORCARD_PER_ADDRESS = 600, /* requests per address per window (default) */
	DOORCARD_MISSES = 10,       /* unknown tokens per address per window */
	DOORCARD_PER_TOKEN = 10,    /* check-ins per card per window */
};

/* Sets the per-address limit (0: no limit on requests per address). */
void doorcard_limit_set_address(int64_t per_window);
/* True while key (an address, or a card id as text) is below the limit of
 * its counter in the window containing now (UTC seconds). */
bool doorcard_limit_ok(enum doorcard_limit which, const char *key, int64_t now);
/* Counts one event for key. */
void doorcard_limit_count(enum doorcard_limit which, const char *key, int64_t now);
/* Forgets every count (tests). */
void doorcard_limit_reset(void);

extern const struct migration doorcard_migrations[];
extern const size_t doorcard_migrations_n;

#endif
