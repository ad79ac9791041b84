/*
 * ownervote.h - owners' votes (业主表决) that stand up in law, issue 6.
 *
 * A vote has a scope (community, compound, building or unit), a rule (the
 * thresholds of voice/tally.h: art278-general, art278-major, majority or
 * custom fractions), whether an abstention counts as participation, and
 * whether ballots are named or secret.  It moves draft → open → closed.
 *
 * The electorate is frozen when the vote opens: registry/ownership.c's
 * ownership_electorate() gives one entry per owned dwelling in the scope;
 * they are grouped by voter (a resident, or the developer for every unsold
 * dwelling) into electors, each counted once with the sum of their
 * dwellings' areas (SPC interpretation on building division ownership arts.
 * 8-9).  Later changes to the register do not change an open vote.
 *
 * Ballots.  Every ballot, named or secret, is stored the same way, in three
 * tables that are never joined on a person:
 *   owner_vote_turnout  (vote, elector, channel)      that an elector voted;
 *   owner_vote_box      (vote, key, choice)           what was chosen;
 *   owner_vote_totals   (vote, choice, owners, area)  running sums.
 * The box key is BLAKE2b(receipt || vote || elector) where the receipt is 16
 * random bytes handed to the voter (shown once, printable) and never stored.
 * Without the receipt nobody, an administrator with the database and the key
 * file included, can tell which box row is whose: the key is unguessable, the
 * box holds no area, no time and no insertion order (its primary key is the
 * random key; rows of both tables are rewritten in key order at close).  The
 * voter changes their ballot by presenting the receipt again; the area the
 * totals move by comes from the elector's own frozen entry, so a receipt
 * cannot move another elector's weight.  Named votes in addition keep
 * owner_vote_ballots (elector, choice, channel, evidence, time), which is
 * what "named" means.
 *
 * The check list.  After close every box row is published as its check code
 * (the first 16 hex digits of BLAKE2b(key)) and choice, in code order, with a
 * hash chain over the list; the voter's receipt slip shows the same check
 * code, so they find their ballot in the public list, and anybody can verify
 * that the chain's head matches the published sheet.
 *
 * Concurrency: a cast is one write transaction (BEGIN IMMEDIATE / advisory
 * lock), so two ballots of one owner arriving together are serialised: the
 * second is a change (with the receipt) or ERR_CONFLICT (without).
 */
#ifndef LINLI_VOICE_OWNERVOTE_H
#define LINLI_VOICE_OWNERVOTE_H

#include "core/arena.h"
#include "core/err.h"
#include "core/json.h"
#include "core/strbuf.h"
#include "store/store.h"

#include <stdbool.h>
#include <stdint.h>

enum {
	OWNERVOTE_TITLE_MAX = 100,
	OWNERVOTE_TEXT_MAX = 4000,
	OWNERVOTE_EVIDENCE_MAX = 200,
	OWNERVOTE_RECEIPT_LEN = 32, /* hex digits of the 16-byte receipt */
	OWNERVOTE_CHECK_LEN = 16,   /* hex digits of the check code */
};

struct ownervote_new {
	const char *title, *body;
	const char *scope; /* community | compound | building | unit */
	int64_t scope_id;  /* ignored for community */
	const char *rule;  /* art278-general | art278-major | majority | custom */
	/* custom only: "2/3"-style fractions and whether the bound is included */
	const char *participation, *approval;
	bool participation_inclusive, approval_inclusive;
	bool by_area;      /* custom only: count area as well as heads */
	const char *abstain; /* participates (default) | absent */
	bool secret;
};

struct ownervote_info {
	int64_t id, community_id, scope_id;
	const char *title, *scope, *status, *rule;
	bool secret;
};

/* What a cast needs to know about the caller, decided by the handler. */
struct ownervote_cast {
	int64_t elector;       /* resident id of the voter; 0 is the developer */
	const char *choice;    /* yes | no | abstain */
	const char *receipt;   /* the earlier receipt, to change; NULL for new */
	const char *channel;   /* online | paper | proxy */
	const char *evidence;  /* paper and proxy: required note */
	int64_t entered_by;    /* user id of who entered it */
	/* paper and proxy: who entered it, for the audit entry (which names
	 * the elector and the channel, never the choice) */
	const char *actor, *ip;
};

int ownervote_add(struct store *db, int64_t *out, int64_t community_id,
		  const struct ownervote_new *n, int64_t actor, struct err *e);
int ownervote_list(struct store *db, json_t **out, int64_t community_id, struct err *e);
/* One vote (strings in a); ERR_NOT_FOUND when not in this community. */
int ownervote_get(struct store *db, struct ownervote_info *out, int64_t community_id,
		  int64_t id, struct arena *a, struct err *e);
/* draft → open freezes the electorate (ERR_CONFLICT when it is empty);
 * open → closed rewrites the secret tables in key order and fixes the
 * check list's chain head. */
int ownervote_set_status(struct store *db, const struct ownervote_info *v, const char *status,
			 int64_t actor, struct err *e);

/*
 * Casts or changes a ballot.  The vote must be open and c->elector one of
 * its electors (ERR_FORBIDDEN otherwise).  A first ballot gets a new receipt
 * (receipt_out, OWNERVOTE_RECEIPT_LEN + 1 bytes) and its check code
 * (check_out, OWNERVOTE_CHECK_LEN + 1); a second ballot without the receipt
 * is ERR_CONFLICT, with a wrong one ERR_FORBIDDEN naming "receipt".
 * *changed says whether it replaced an earlier ballot.
 */
int ownervote_cast(struct store *db, const struct ownervote_info *v, const struct ownervote_cast *c,
		   char *receipt_out, char *check_out, bool *changed, struct err *e);

/* The electors a user may vote for: residents linked to the user who are
 * electors of v (usually one).  *out is a JSON array of {elector, area,
 * dwellings, voted}. */
int ownervote_my_electors(struct store *db, json_t **out, const struct ownervote_info *v,
			  const int64_t *residents, size_t nresidents, struct err *e);

/* The full view of a vote: settings, electorate totals, turnout, and (when
 * closed, or always for staff when named) the tally with each threshold. */
int ownervote_view(struct store *db, json_t **out, const struct ownervote_info *v, bool staff,
		   struct arena *a, struct err *e);
/* The electors and whether each voted (and, named votes, how), for the
 * result sheet and for paper entry. */
int ownervote_electors(struct store *db, json_t **out, const struct ownervote_info *v,
		       struct err *e);
/* The published check list of a closed vote: {"head", "entries":[{check,choice}]}. */
int ownervote_checklist(struct store *db, json_t **out, const struct ownervote_info *v,
			struct err *e);

/* The chain over a check list given as "check choice\n" lines in check-code
 * order: head_0 is 32 zero bytes, head_i = BLAKE2b-256(head_{i-1} || line_i)
 * (the line without its newline).  Anybody can recompute it from the
 * published list (docs/votes.md shows how). */
int ownervote_chain(const char *lines, unsigned char head[32]);

extern const struct migration ownervote_migrations[];
extern const size_t ownervote_migrations_n;

#endif
