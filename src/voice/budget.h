/*
 * budget.h - who gets the micro-fund (微基金): allocation rules for
 * participatory budgeting, with a reason for every project.
 *
 * Two rules, both exactly as Pabulib and its reference library pabutools
 * compute them, so that an election in ../shared/data/pabulib reproduces
 * its official `selected` column:
 *
 * - greedy ("greedy"): projects in order of votes (approvals, or total
 *   points with points ballots), most first; ties go to the smaller
 *   project_id as a string (pabutools' lexicographic tie-breaking).  A
 *   project that no longer fits in what is left is skipped, and the next one
 *   is tried.
 * - Method of Equal Shares (MES, "equalshares"), with cost utilities as
 *   equalshares.net and pabutools use them: each voter starts with budget/n;
 *   in each round the project whose supporters can pay for it at the lowest
 *   price per unit of cost is bought, the price split equally among them and
 *   anyone with less paying all they have; ties go to the smaller
 *   project_id.  It ends when no remaining project can be paid for.
 *   Projects of cost 0 or without supporters take no part.
 * - MES with the add1 completion ("equalshares/add1"): MES is run with a
 *   per-voter budget of budget/n, budget/n + 1, budget/n + 2, ... (one unit
 *   of money more each step), stopping at the first outcome that is
 *   exhaustive (no other supported project fits in the budget) or, when the
 *   next outcome would cost more than the budget, at the last one within it.
 *
 * Every decision is exact (see core/rational.h): no floating point is used
 * anywhere here.  Money is the instance's integer unit; the add1 step is one
 * such unit unless budget_options says otherwise (in fen, a step of 100 is
 * "one yuan more per voter").
 */
#ifndef LINLI_VOICE_BUDGET_H
#define LINLI_VOICE_BUDGET_H

#include "core/arena.h"
#include "core/err.h"
#include "core/rational.h"
#include "core/strbuf.h"
#include "voice/pb.h"

#include <stdbool.h>
#include <stdint.h>

enum budget_rule {
	BUDGET_RULE_FILE = 0, /* the rule the instance's META names */
	BUDGET_GREEDY,
	BUDGET_MES,      /* equalshares, no completion */
	BUDGET_MES_ADD1, /* equalshares/add1 */
};

enum {
	BUDGET_ADD1_MAX_STEPS = 1000000, /* add1 gives up (with an error) after this many */
};

struct budget_options {
	enum budget_rule rule;
	int64_t add1_step;  /* money added per voter per step; 0 means 1 */
	uint64_t max_steps; /* 0 means BUDGET_ADD1_MAX_STEPS */
};

/* Why a project was or was not funded. */
enum budget_reason {
	BUDGET_FITS,         /* greedy: funded, it fit in what was left */
	BUDGET_NO_FIT,       /* greedy: its cost was above what was left at its turn */
	BUDGET_BOUGHT,       /* MES: its supporters paid for it */
	BUDGET_UNAFFORDABLE, /* MES: its supporters' money left was below its cost */
	BUDGET_NO_SUPPORT,   /* MES: nobody voted for it */
	BUDGET_FREE,         /* MES: it costs 0, so there is nothing to share */
};

/* An amount shown to people: floor(amount * 100) / 100, and whether that is
 * the amount exactly.  The decisions themselves never round. */
struct budget_amount {
	int64_t cents;
	bool exact;
};

struct budget_decision {
	bool funded;
	enum budget_reason reason;
	int64_t score; /* approvals, or total points with points ballots */
	uint32_t rank; /* greedy: place in the order by votes (1-based);
			* MES: the round it was bought in, else 0 */
	int64_t left;  /* greedy: money left when its turn came */
	/* MES, bought: the price each supporter was asked, how many paid it, and
	 * how many paid all they had because they had less */
	struct budget_amount price;
	uint32_t paid_price, paid_all;
	struct budget_amount paid_all_total;
	/* MES, unaffordable: what its supporters had left at the end */
	struct budget_amount money;
};

struct budget_result {
	enum budget_rule rule; /* the rule applied (never BUDGET_RULE_FILE) */
	int64_t budget;
	int64_t cost; /* total cost of the funded projects */
	size_t nprojects;
	struct budget_decision *decision; /* [nprojects], in the instance's order */
	size_t nfunded;
	uint32_t *funded; /* project indices, in the order funded */
	/* MES: the per-voter budget of the run whose outcome this is */
	struct rational voter_budget;
	/* add1: steps taken, and why it stopped: the outcome is exhaustive, or
	 * one more step would have chosen projects costing next_cost > budget */
	uint64_t steps;
	bool exhaustive;
	int64_t next_cost;
	uint64_t runs; /* MES runs computed, for benchmarks */
};

/*
 * Reads a rule name: "greedy", "mes" (= equalshares/add1), "equalshares",
 * "equalshares/add1".  Returns false for anything else.
 */
bool budget_rule_parse(enum budget_rule *out, const char *name);

/* The Pabulib name of a rule ("greedy", "equalshares", "equalshares/add1"). */
const char *budget_rule_name(enum budget_rule rule);

/*
 * Applies a rule to in and fills *out, every array in a.  opt may be NULL
 * (the file's rule, add1 step 1).  Fails with ERR_INVALID when the rule is
 * BUDGET_RULE_FILE and the file names none we know (field "rule"), when the
 * ballots do not suit the rule (MES needs approval ballots without points;
 * ordinal ballots suit neither; field "vote_type"), when MES has no voters,
 * when an amount is outside 0..PB_MONEY_MAX, when exact arithmetic would
 * need more than BIGNAT_BITS bits, or when add1 does not settle within
 * max_steps.  in is only read and may be shared between threads.
 */
int budget_allocate(struct budget_result *out, const struct pb_instance *in,
		    const struct budget_options *opt, struct arena *a, struct err *e);

/* Appends one line (no newline) on the rule's run: rule, budget, voters,
 * per-voter budget and why add1 stopped. */
void budget_summary(struct strbuf *sb, const struct budget_result *r, const struct pb_instance *in);

/* Appends one line (no newline) on project i: funded or not, and why. */
void budget_explain(struct strbuf *sb, const struct budget_result *r, const struct pb_instance *in,
		    size_t i);

#endif
