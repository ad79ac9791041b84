/*
 * invite.h - invitations that turn a resident of the register into a user
 * who signs in (issue 4, item 8).
 *
 * A worker issues one invitation per resident: a code of INVITE_CODE_LEN
 * characters from an alphabet without look-alikes (no 0/O, 1/I; 32
 * symbols, so 50 bits), shown grouped "ABCD-EFGH-JK" on a printed slip
 * with a QR code of the claim URL.  The resident claims it once, before it
 * expires (INVITE_DAYS_DEFAULT days unless the worker says otherwise),
 * choosing a username and a password; issuing a new invitation revokes the
 * resident's pending one, and a worker may revoke one at any time.
 *
 * The database never holds a code.  A row holds a random nonce and a keyed
 * hash of the code (seal_hash, under the key file of the register); the code
 * itself is derived from the nonce with the same keyed hash, so a worker can
 * print a pending slip again (GET qr.svg, the slip), while a copy of the
 * database without the key file reveals no code and cannot test guesses.
 * A claim looks the code up by its hash (an index on a keyed hash: no
 * comparison of secret text), and failures are counted in the audit log
 * ("claim.failed") like failed logins: INVITE_FAIL_PER_ADDRESS per
 * INVITE_FAIL_WINDOW seconds, then 429.  A wrong code costs no password
 * hash: argon2id runs only once the code is known to be good.
 *
 * A claim, in one transaction: a user (role resident over the community: the
 * grant says where one takes part, the link to the register says where one
 * lives, and a move changes the register, not the grant), the grant, the
 * link (account.h), the invitation marked used, the audit entry.
 *
 * Every function takes `now` (UTC seconds) so tests can stand on the
 * boundaries: an invitation is expired when now >= expires_at.
 */
#ifndef LINLI_REGISTRY_INVITE_H
#define LINLI_REGISTRY_INVITE_H

#include "core/err.h"
#include "core/json.h"
#include "store/store.h"

#include <stdint.h>

enum {
	INVITE_CODE_LEN = 10,
	INVITE_DAYS_DEFAULT = 14,
	INVITE_DAYS_MAX = 90,
	INVITE_BATCH_MAX = 1000,       /* residents per building batch */
	INVITE_FAIL_PER_ADDRESS = 10,  /* failed claims ... */
	INVITE_FAIL_WINDOW = 15 * 60,  /* ... per this many seconds */
	INVITE_ADULT_AGE = 18,
};

/* The 32 symbols of a code, in order ("23456789ABCDEFGHJKLMNPQRSTUVWXYZ"). */
extern const char invite_alphabet[];

/*
 * Reads a code as a person types it: case is ignored, spaces and hyphens
 * are dropped; the rest must be INVITE_CODE_LEN symbols of the alphabet.
 * out gets the bare code.  ERR_INVALID (field "code") otherwise.
 */
int invite_code_normalize(char out[INVITE_CODE_LEN + 1], const char *in, struct err *e);

/* "ABCD-EFGH-JK" from a bare code. */
void invite_code_group(char out[INVITE_CODE_LEN + 3], const char *code);

/* The code of a nonce, and the hash stored for a code (both keyed with the
 * register's key file; the keyring must be loaded). */
void invite_code_derive(char out[INVITE_CODE_LEN + 1], const char *nonce);
void invite_code_hash(char out[64], const char *code);

struct invite_new {
	int64_t id;
	char code[INVITE_CODE_LEN + 1]; /* bare */
	int64_t expires_at;
};

/*
 * Issues an invitation for the resident, revoking a pending one, audited
 * ("invite.issue").  days 1..INVITE_DAYS_MAX (else ERR_INVALID, field
 * "expires_in_days").  ERR_NOT_FOUND for another community's resident;
 * ERR_CONFLICT (field "resident") when the resident already has an account;
 * ERR_UNAVAILABLE without the key file.
 */
int invite_issue(struct store *db, struct invite_new *out, int64_t community_id,
		 int64_t resident_id, int days, int64_t actor_id, const char *actor,
		 const char *ip, int64_t now, struct err *e);

/*
 * Issues, in one transaction, an invitation for every adult resident
 * (INVITE_ADULT_AGE or older on today's date; unknown birth date counts as
 * adult) of the building's dwellings who has no account, revoking their
 * pending ones.  *out gets a new array of slips (invite_slip), by unit,
 * floor, room.  ERR_NOT_FOUND for another community's building; ERR_INVALID
 * (field "building") when more than INVITE_BATCH_MAX would be issued.
 */
int invite_issue_building(struct store *db, json_t **out, int64_t community_id,
			  int64_t building_id, int days, int64_t actor_id, const char *actor,
			  const char *ip, int64_t now, struct err *e);

/* Revokes a pending invitation (audited "invite.revoke").  ERR_NOT_FOUND
 * for another community's; ERR_CONFLICT when it is not pending. */
int invite_revoke(struct store *db, int64_t community_id, int64_t id, int64_t actor_id,
		  const char *actor, const char *ip, int64_t now, struct err *e);

/*
 * A slip: {"id", "resident_id", "name" (masked: surname + *), "building",
 * "unit", "room" (null when the resident has no dwelling), "status"
 * ("pending", "used", "revoked", "expired"), "created_at", "expires_at",
 * "code" (grouped; only while pending, else null)}.
 */
int invite_slip(struct store *db, json_t **out, int64_t community_id, int64_t id,
		int64_t now, struct err *e);

/* The bare code of a pending invitation (for its QR code); ERR_NOT_FOUND
 * when there is none, ERR_CONFLICT when it is used, revoked or expired. */
int invite_code_of(struct store *db, char out[INVITE_CODE_LEN + 1], int64_t community_id,
		   int64_t id, int64_t now, struct err *e);

/* The resident's invitations, newest first, without codes, and whether the
 * resident has an account: {"account": {"user_id"} or null,
 * "invitations": [slip without code]}. */
int invite_list(struct store *db, json_t **out, int64_t community_id, int64_t resident_id,
		int64_t now, struct err *e);

/*
 * Claims an invitation (see above).  *user_id gets the new user.  Errors:
 * ERR_RATE_LIMITED when the address failed too often; ERR_INVALID naming
 * "code", "username" or "password"; ERR_NOT_FOUND (field "code") for an
 * unknown, used, revoked or expired code (the message says which; each is
 * counted as a failure); ERR_CONFLICT (field "username") when the name is
 * taken, the invitation then stays pending.
 */
int invite_claim(struct store *db, int64_t *user_id, int64_t *community_id,
		 const char *code, const char *username, const char *password,
		 const char *ip, int64_t now, struct err *e);

extern const struct migration invite_migrations[];
extern const size_t invite_migrations_n;

struct route_table;
extern const struct route_table invite_routes;

#endif
