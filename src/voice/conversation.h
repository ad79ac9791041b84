/*
 * conversation.h - conversations in the manner of Pol.is: members write
 * short statements, vote agree / disagree / pass on each other's, and an
 * opinion map (voice/opinion.c) shows the groups and what they share.
 *
 * A statement is at most 140 characters.  Under strict moderation it waits
 * (pending) until a worker accepts it; under loose moderation it is shown at
 * once and a worker may still reject it.  Every moderation decision carries
 * a reason and is written to the audit log.  A member's vote on a statement
 * is one row, replaced when they vote again (the latest vote counts, as in
 * Pol.is's votes.csv).
 */
#ifndef LINLI_VOICE_CONVERSATION_H
#define LINLI_VOICE_CONVERSATION_H

#include "core/arena.h"
#include "core/err.h"
#include "core/json.h"
#include "store/store.h"
#include "voice/polis.h"

#include <stdbool.h>
#include <stdint.h>

enum {
	CONVERSATION_TITLE_MAX = 100,
	CONVERSATION_TEXT_MAX = 2000,
	STATEMENT_MAX = 140,          /* characters */
	CONVERSATION_STATEMENTS_MAX = 1000,
};

struct conversation {
	int64_t id, community_id;
	const char *title, *moderation, *status;
};

int conversation_add(struct store *db, int64_t *out, int64_t community_id, const char *title,
		     const char *description, const char *moderation, int64_t actor,
		     struct err *e);
/* The community's conversations, newest first, with counts. */
int conversation_list(struct store *db, json_t **out, int64_t community_id, struct err *e);
/* One conversation (strings in a); ERR_NOT_FOUND when not in the community. */
int conversation_get(struct store *db, struct conversation *out, int64_t community_id,
		     int64_t id, struct arena *a, struct err *e);
/*
 * The conversation with its statements and counts, and user_id's own votes.
 * Moderators see every statement; others the accepted ones and their own.
 */
int conversation_view(struct store *db, json_t **out, const struct conversation *c,
		      int64_t user_id, bool moderator, struct err *e);
/* open → closed. */
int conversation_close(struct store *db, const struct conversation *c, struct err *e);

/* A statement; *status gets "pending" or "accepted" (static strings). */
int statement_add(struct store *db, int64_t *out, const char **status,
		  const struct conversation *c, int64_t author, const char *text,
		  struct err *e);
/* Accepts or rejects a statement, with the reason audited. */
int statement_moderate(struct store *db, const struct conversation *c, int64_t statement_id,
		       const char *status, const char *reason, int64_t actor,
		       const char *actor_name, struct err *e);
/* Records (or replaces) a vote: -1 disagree, 0 pass, 1 agree; only on
 * accepted statements of an open conversation. */
int statement_vote(struct store *db, const struct conversation *c, int64_t statement_id,
		   int64_t user_id, int vote, struct err *e);
/*
 * The next statement for user_id to vote on: among the accepted ones they
 * have not voted, those with the fewest votes first (every statement gets
 * heard), then the most divisive, then the oldest.  {"statement": {...} or
 * null, "remaining": n}.
 */
int statement_next(struct store *db, json_t **out, const struct conversation *c,
		   int64_t user_id, struct err *e);

/*
 * The vote matrix of the accepted statements, for the opinion map:
 * statement ids (ascending) into *sids with their texts in *texts, participants (user ids, ascending)
 * into *uids, and votes as (participant index, statement index, vote)
 * triples.  Everything in a.
 */
struct vote_triple {
	uint32_t participant, statement;
	int8_t vote;
};
int conversation_matrix(struct store *db, const struct conversation *c, int64_t **sids,
			const char ***texts, size_t *nsids, int64_t **uids, size_t *nuids,
			struct vote_triple **votes, size_t *nvotes, struct arena *a,
			struct err *e);

/*
 * Creates a conversation from a Pol.is export (conversation_polis.c): one
 * statement per comment (moderated out → rejected, else accepted), the
 * votes applied in time order so the latest wins.  The file's participants
 * are stored as user ids -(p + 1), apart from every account.  All or
 * nothing; *nstatements and *nvotes count what was stored.
 */
int conversation_import(struct store *db, int64_t *out, int64_t community_id, const char *title,
			const struct polis_conversation *pc, int64_t actor, size_t *nstatements,
			size_t *nvotes, struct err *e);

/*
 * The conversation as a Pol.is export in *out (released by the caller with
 * polis_release): statements as comments, every vote with its time,
 * participants numbered 0, 1, ... in the order they first voted (no
 * account ids leave), and the participants' table rebuilt from the votes.
 */
int conversation_export(struct store *db, struct polis_conversation *out,
			const struct conversation *c, struct err *e);

extern const struct migration conversation_migrations[];
extern const size_t conversation_migrations_n;

#endif
