/*
 * account.h - the link between a resident of the register and the user
 * account they sign in with (issue 4, item 8), "my household", and the
 * correction requests residents make about their own household.
 *
 * A resident gets an account by claiming an invitation (invite.h); the
 * claim writes the link (resident_accounts: one resident per user per
 * community, one user per resident).  Other modules ask the link who a user
 * is in the register:
 *   - notices' read receipts per household: the dwelling of the user;
 *   - owner votes, "which dwellings may this user vote for": the ownerships
 *     of the linked resident (the ownership module's business; it calls
 *     account_resident_of() and looks the resident up itself).
 *
 * A signed-in resident sees their household (the members registered in the
 * same dwelling of the community, masked, their own phone in full) and
 * corrects a member's phone, skills and volunteer_willing directly; a name
 * or an ID number is not changed by the resident but becomes a correction
 * request that a worker approves (applied to the register) or rejects, both
 * audited.  A proposed ID number is stored sealed (seal.h, context
 * "correction.id_number").
 *
 * Every function filters on community_id; another household's member is
 * ERR_NOT_FOUND.
 */
#ifndef LINLI_REGISTRY_ACCOUNT_H
#define LINLI_REGISTRY_ACCOUNT_H

#include "core/err.h"
#include "core/json.h"
#include "store/store.h"

#include <stdbool.h>
#include <stdint.h>

enum {
	ACCOUNT_NOTE_MAX = 200,       /* characters, a correction's note or reason */
	ACCOUNT_CORRECTIONS_MAX = 200 /* rows in the staff queue */
};

/*
 * The resident that user_id is in community_id: *resident_id gets it and
 * *dwelling_id its dwelling (0 when the register gives none); either
 * pointer may be NULL.  ERR_NOT_FOUND when the user has no link there.
 */
int account_resident_of(struct store *db, int64_t user_id, int64_t community_id,
			int64_t *resident_id, int64_t *dwelling_id, struct err *e);

/* The community of the user's first link (lowest community id);
 * ERR_NOT_FOUND when the user is linked nowhere. */
int account_first_community(struct store *db, int64_t user_id, int64_t *out,
			    struct err *e);

/* *out: the user linked to the resident, 0 when none. */
int account_user_of(struct store *db, int64_t community_id, int64_t resident_id,
		    int64_t *out, struct err *e);

/*
 * Writes the link inside the caller's open transaction (asserted).
 * ERR_CONFLICT (field "resident") when the resident already has an account
 * or the user already a resident in this community.
 */
int account_link(struct store *db, int64_t user_id, int64_t resident_id, int64_t community_id,
		 int64_t now, struct err *e);

/*
 * The household of user_id in community_id, a new object:
 * {"resident_id", "dwelling" ({"id","building","unit","room"} or null),
 *  "members": [resident (see docs/api.md), masked; the user's own record
 *  with "self": true and the phone in full], "ownerships": null (hook, see
 *  account.c), "corrections": [the user's correction requests]}.
 * ERR_NOT_FOUND when the user has no link in the community.
 */
int account_household(struct store *db, json_t **out, int64_t community_id, int64_t user_id,
		      struct err *e);

/* What a resident may change about a household member (NULL / -1:
 * unchanged).  name and id_number become correction requests. */
struct account_change {
	const char *phone;     /* "" clears */
	const char *skills;    /* "" clears */
	const char *languages; /* languages or dialect; "" clears */
	int volunteer_willing; /* -1, 0, 1 */
	const char *name;
	const char *id_number;
	const char *note;      /* with the requests; may be NULL */
};

/*
 * Applies the change to member_id, who must be the user's own record or a
 * resident of the same dwelling (else ERR_NOT_FOUND).  Direct fields go to
 * the register (resident_update); name and id_number, checked first, become
 * pending correction requests.  Audited ("household.update",
 * "correction.request").  *created gets how many requests were made.
 */
int account_member_change(struct store *db, int64_t community_id, int64_t user_id,
			  const char *username, int64_t member_id,
			  const struct account_change *c, int *created, const char *ip,
			  struct err *e);

/* The community's correction requests, newest first; status NULL for all,
 * else "pending", "approved" or "rejected".  {"corrections": [...]}; an ID
 * number proposed is shown masked. */
int account_corrections(struct store *db, json_t **out, int64_t community_id,
			const char *status, struct err *e);

/*
 * Approves (the value is written to the register through resident_update,
 * then the request is marked) or rejects a pending request; audited
 * ("correction.approve" / "correction.reject").  ERR_NOT_FOUND for another
 * community's request, ERR_CONFLICT when it is no longer pending.
 */
int account_correction_decide(struct store *db, int64_t community_id, int64_t id,
			      bool approve, const char *reason, int64_t actor_id,
			      const char *actor, const char *ip, struct err *e);

/* Adds "account": {"user_id", "username", "linked_at"} or null,
 * "invitations": [...], "corrections": [...] about the resident, in full
 * (proposed ID numbers opened); never a password hash or an invitation's
 * code or hash.  Runs inside the caller's read snapshot. */
int account_person_export(struct store *db, json_t *out, int64_t community_id,
			  int64_t resident_id, struct err *e);

extern const struct migration account_migrations[];
extern const size_t account_migrations_n;

#endif
