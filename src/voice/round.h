/*
 * round.h - community micro-fund rounds (社区微基金): a budget, projects
 * proposed by residents, organisations or social enterprises, approval (or
 * points) ballots, and an allocation by greedy or by the Method of Equal
 * Shares, with a reason for every project.
 *
 * A round moves proposal → voting → closed.  Projects are proposed while it
 * is in proposal; ballots are cast and changed while it is voting; the
 * result is computed from the stored ballots by voice/budget.c (exact
 * arithmetic) whenever it is asked for, so there is no stored outcome to go
 * stale.  Money is integer fen.  The add1 completion of Equal Shares raises
 * each voter's share one yuan (100 fen) per step.
 *
 * Eligibility is by role: `members` (anyone with a grant in the community)
 * or `residents` (residents and volunteers).  Age-based eligibility (12 and
 * over, youth-only rounds) needs birth dates from the residents' register
 * and waits for it.
 */
#ifndef LINLI_VOICE_ROUND_H
#define LINLI_VOICE_ROUND_H

#include "core/arena.h"
#include "core/err.h"
#include "core/json.h"
#include "core/strbuf.h"
#include "store/store.h"
#include "voice/budget.h"

#include <stdbool.h>
#include <stdint.h>

enum {
	ROUND_TITLE_MAX = 100,
	ROUND_TEXT_MAX = 2000,
	ROUND_PROJECTS_MAX = 200,
	ROUND_BUDGET_MAX = 100000000000, /* 10^9 yuan in fen */
};

struct round_new {
	const char *title, *description;
	int64_t budget;       /* fen */
	const char *rule;     /* "greedy" or "mes" */
	const char *ballot;   /* "approval" or "points" */
	int64_t points;       /* points per voter with "points" ballots */
	int64_t max_choices;  /* approval: most projects per ballot, 0 = any */
	const char *eligible; /* "members" or "residents" */
};

struct round_info {
	int64_t id, community_id, budget, points, max_choices;
	const char *title, *rule, *ballot, *eligible, *status;
};

int round_add(struct store *db, int64_t *out, int64_t community_id,
	      const struct round_new *n, int64_t actor, struct err *e);
/* All rounds of a community, newest first, with project and voter counts. */
int round_list(struct store *db, json_t **out, int64_t community_id, struct err *e);
/* One round (strings in a); ERR_NOT_FOUND when not in this community. */
int round_get(struct store *db, struct round_info *out, int64_t community_id,
	      int64_t round_id, struct arena *a, struct err *e);
/* The round with its projects and the caller's ballot (user_id 0: none). */
int round_view(struct store *db, json_t **out, const struct round_info *r,
	       int64_t user_id, struct err *e);
/* proposal → voting → closed, one step at a time (ERR_CONFLICT otherwise). */
int round_set_status(struct store *db, const struct round_info *r, const char *status,
		     struct err *e);
/* A project, while the round takes proposals. */
int round_project_add(struct store *db, int64_t *out, const struct round_info *r,
		      const char *title, const char *description, int64_t cost,
		      const char *proposer_kind, int64_t proposer, struct err *e);
/*
 * Replaces the user's ballot (all or nothing) while the round is voting:
 * projects of this round, no repeats, within max_choices; with points
 * ballots one points value per project, summing to at most the round's
 * points.  An empty list withdraws the ballot.
 */
int round_ballot(struct store *db, const struct round_info *r, int64_t user_id,
		 const int64_t *projects, const int64_t *points, size_t n, struct err *e);
/* Builds the round as a Pabulib instance (projects and ballots), in a. */
int round_instance(struct store *db, struct pb_instance *out, const struct round_info *r,
		   struct arena *a, struct err *e);
/* The allocation with a reason per project, as JSON. */
int round_result(struct store *db, json_t **out, const struct round_info *r,
		 struct arena *a, struct err *e);

/*
 * Creates a closed round from a Pabulib instance (a past election, or one
 * counted on paper): the budget and costs in the file's units are stored
 * as yuan (×100 fen), so the add1 completion's one-yuan step is the file's
 * one unit; the rule is the file's (greedy, or equalshares/add1 as "mes");
 * each project keeps its file id in its description; each voter's ballot is
 * stored under user id -(i + 1), apart from every account.  All or nothing.
 * *nvoters counts the ballots stored.
 */
int round_import(struct store *db, int64_t *out, int64_t community_id, const char *title,
		 const struct pb_instance *in, int64_t actor, size_t *nvoters, struct err *e);

/* The ids the file gave the funded projects of an imported round, in the
 * order funded, one per line into sb. */
int round_funded_file_ids(struct store *db, struct strbuf *sb, const struct round_info *r,
			  struct arena *a, struct err *e);

extern const struct migration round_migrations[];
extern const size_t round_migrations_n;

#endif
