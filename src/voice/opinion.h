/*
 * opinion.h - the opinion map (意见地图): who thinks alike, and what a
 * community agrees on, from agree / disagree / pass votes on short
 * statements.  This is the Pol.is method, computed from scratch in C.
 *
 * The input is a sparse vote matrix, participants x statements, each cell
 * agree (+1), disagree (-1), pass (0) or missing.  The map is:
 *
 *   1. PCA with two components of the centred matrix (column means over the
 *      votes present; a missing vote is 0 after centring), by power
 *      iteration with deflation: a deterministic start, a tolerance and an
 *      iteration cap.  No numerical library.
 *   2. Each participant projected with Pol.is's sparsity-aware scaling:
 *      the projection over the votes present, times
 *      sqrt(n_statements / n_votes), so that a participant who voted on few
 *      statements is not pulled towards the centre.
 *   3. Clustering in Pol.is's two levels.  The participants with enough
 *      votes (Pol.is: min(7, n_statements)) are first grouped into up to
 *      100 small base clusters; then, for k = 2..5, k-means over the base
 *      clusters (each weighing its members) makes k groups, and k is
 *      chosen by the silhouette score of that clustering of the base
 *      clusters (a larger k must win by a margin, see k_margin).  Both
 *      levels are k-means++ from a fixed seed followed by Lloyd
 *      iterations.  The base level keeps the silhouette cheap (at most 100
 *      points, whatever the number of participants) and steady.
 *      Participants below the vote minimum are projected but not
 *      clustered (group -1).
 *   4. For each group, its representative statements (Pol.is "repness");
 *      over everyone, the consensus statements; per statement, the
 *      group-informed consensus and how divisive it is.
 *
 * Everything is deterministic: the same matrix and parameters give the same
 * map, bit for bit.  A previous map can be passed as a warm start: its
 * components start the power iteration and fix the signs, its centres start
 * k-means, so a recompute after a few new votes keeps the axes and the
 * group labels where they were.
 *
 * Floating point is fine here (DESIGN.md section 3 forbids it only where a
 * vote or a budget is decided): the map is advice for a facilitator, not an
 * outcome.  Degenerate input (one statement, one participant, no variance,
 * fewer points than groups) gives a well-defined map, never NaN.
 */
#ifndef LINLI_VOICE_OPINION_H
#define LINLI_VOICE_OPINION_H

#include "core/err.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	OPINION_AGREE = 1,
	OPINION_PASS = 0,
	OPINION_DISAGREE = -1,
	OPINION_MISSING = INT8_MIN, /* a cell nobody voted in, in dense input */

	OPINION_K_MIN = 2,          /* Pol.is looks for 2..5 groups */
	OPINION_K_MAX = 5,
	OPINION_MIN_VOTES = 7,      /* Pol.is clusters after min(7, n_statements) votes */
	OPINION_GREEDY_N = 15,      /* ...or the 15 most active, while fewer qualify */
	OPINION_REP_MAX = 5,        /* representative statements kept per group */
	OPINION_CONSENSUS_MAX = 5,  /* consensus statements kept each way */
	OPINION_STATEMENTS_MAX = 1000000, /* columns; indices are uint32_t */
};

/* One-sided z for 90 % confidence, the significance Pol.is asks of repness
 * and consensus. */
#define OPINION_Z90 1.2816

/* One vote as recorded: the latest (by time) per (participant, statement)
 * counts. */
struct opinion_vote {
	int64_t participant;
	int64_t statement;
	int64_t time;  /* any clock that grows; ties go to the later array entry */
	int8_t value;  /* OPINION_AGREE, OPINION_PASS or OPINION_DISAGREE */
};

/*
 * The vote matrix, stored by participant (compressed sparse rows): row i's
 * votes are col[row_start[i] .. row_start[i+1]) with values value[...],
 * statement indices strictly ascending within a row.  Every array is owned
 * by the matrix and freed by opinion_matrix_release().
 */
struct opinion_matrix {
	size_t n_participants;
	size_t n_statements;
	size_t n_votes;
	int64_t *participant_ids; /* n_participants, strictly ascending */
	int64_t *statement_ids;   /* n_statements, strictly ascending */
	size_t *row_start;        /* n_participants + 1 */
	uint32_t *col;            /* n_votes: statement index */
	int8_t *value;            /* n_votes: -1, 0 or +1 */
};

#define OPINION_MATRIX_INIT { 0, 0, 0, NULL, NULL, NULL, NULL, NULL }

/*
 * Builds *out from a vote history in any order: for each (participant,
 * statement) the vote with the greatest time wins, and among equal times
 * the one later in the array.  Participants and statements are those that
 * appear in votes, in ascending id order.  votes is borrowed and left
 * unchanged.  Returns 0, or -1 with e set (ERR_INVALID, field "vote") on a
 * value other than -1, 0, +1, or (field "statement") on more than
 * OPINION_STATEMENTS_MAX statements.  n == 0 gives an empty matrix.
 * On failure *out is left empty.
 */
int opinion_matrix_build(struct opinion_matrix *out, const struct opinion_vote *votes, size_t n,
			 struct err *e);

/*
 * Builds *out from a dense rows x cols array (row-major, borrowed), each
 * cell -1, 0, +1 or OPINION_MISSING.  Participant and statement ids are
 * the row and column numbers 0, 1, ...; a column nobody voted on is kept.
 * Returns 0, or -1 with e set (ERR_INVALID) on another cell value or more
 * than OPINION_STATEMENTS_MAX columns.  For tests and small tools.
 */
int opinion_matrix_from_dense(struct opinion_matrix *out, const int8_t *cells, size_t rows,
			      size_t cols, struct err *e);

/* Frees the arrays; *m is empty (OPINION_MATRIX_INIT) afterwards.  NULL is
 * fine. */
void opinion_matrix_release(struct opinion_matrix *m);

/* The knobs, with the defaults opinion_params_default() sets. */
struct opinion_params {
	uint64_t seed;           /* start vector and k-means++ (1) */
	int pca_iter_max;        /* power iterations per component (1000) */
	double pca_tolerance;    /* stop when the unit vector moves less (1e-9) */
	size_t min_votes;        /* clustered from min(this, n_statements) (7) */
	size_t greedy_n;         /* top up the clustered to this many, >= 1 (15) */
	int k_min, k_max;        /* groups tried, within 2..OPINION_K_MAX (2, 5) */
	size_t base_k;           /* base clusters of participants (100) */
	int base_iter_max;       /* Lloyd iterations for them (100) */
	int kmeans_iter_max;     /* Lloyd iterations per group run (100) */
	int kmeans_restarts;     /* k-means++ runs per k, the best kept (10) */
	/*
	 * How much better (in silhouette) another k must be to replace the
	 * incumbent: the previous map's k, else the smallest.  Silhouettes of
	 * real conversations move by about 0.01 with the seed alone, so
	 * smaller differences say nothing; this is the one-shot analogue of
	 * Pol.is's k-smoother, which switches k only after it wins 4 updates
	 * in a row (0.02).
	 */
	double k_margin;
	/*
	 * Statements left out of the matrix that still count in the sparsity
	 * scaling, which becomes sqrt((n_statements + z) / (n_votes + z)).
	 * Pol.is keeps a moderated-out statement as a column of zeros, that
	 * is as if everyone had passed on it, so to reproduce its map pass
	 * the number of moderated-out statements that have votes (0).
	 */
	size_t zeroed_statements;
};

/* Fills *p with the defaults above. */
void opinion_params_default(struct opinion_params *p);

/* A statement that sets a group apart, with Pol.is's statistics. */
struct opinion_repness {
	uint32_t statement;  /* column index in the matrix */
	bool agree;          /* the group agrees (else disagrees) more than the rest */
	uint32_t n_success;  /* group members who agreed (disagreed) */
	uint32_t n_trials;   /* group members who voted on it, passes included */
	double p_success;    /* (n_success + 1) / (n_trials + 2) */
	double p_test;       /* one-proportion z of p_success against 1/2 */
	double repness;      /* p_success over the same probability outside */
	double repness_test; /* two-proportion z, group against the rest */
};

/* A statement most participants agree (or disagree) with. */
struct opinion_consensus {
	uint32_t statement;
	bool agree;
	uint32_t n_success;
	uint32_t n_trials;
	double p_success; /* (n_success + 1) / (n_trials + 2) */
	double p_test;    /* one-proportion z against 1/2 */
};

/* Groups at one k: what the warm start of the next computation needs. */
struct opinion_kmeans {
	bool feasible;     /* ran and every group got a member */
	double silhouette; /* in [-1, 1], over the base clusters; 0 when not feasible */
	double centre[OPINION_K_MAX][2];
	double inertia;    /* weighted sum of squared distances to the centres */
	int iterations;    /* Lloyd iterations of the run kept */
	bool warm;         /* started from the previous map's centres */
};

struct opinion_group {
	size_t n_members;
	double centre[2];
	size_t n_rep;
	struct opinion_repness rep[OPINION_REP_MAX]; /* best first */
};

/*
 * The map.  Every pointer is owned by the map and freed by
 * opinion_map_release().  Indices refer to the matrix it was computed from.
 */
struct opinion_map {
	size_t n_participants;
	size_t n_statements;
	int64_t *statement_ids; /* n_statements, a copy: aligns a warm start */

	/* PCA */
	double *center;         /* n_statements: column means over votes present */
	double *components;     /* 2 x n_statements, row-major: pc1 then pc2 */
	double eigenvalue[2];   /* of X'X; 0 for a component with no variance */
	int pca_iterations[2];

	/* participants */
	double *proj;           /* 2 x n_participants, interleaved x, y */
	uint32_t *n_votes;      /* per participant */
	int *group;             /* per participant; -1: not clustered */
	int *base;              /* per participant: base cluster, or -1 */
	size_t n_clustered;

	/* base clusters, the points groups are made of */
	size_t n_base;
	double *base_centre;    /* 2 x n_base, interleaved x, y */
	double *base_size;      /* n_base: participants in each (> 0) */

	/* groups */
	int k;                  /* groups found, 1..OPINION_K_MAX (1 = no split) */
	struct opinion_kmeans kmeans[OPINION_K_MAX + 1]; /* indexed by k */
	struct opinion_group groups[OPINION_K_MAX];

	/* statements */
	uint32_t *n_agree, *n_disagree, *n_seen; /* n_statements, everyone */
	uint32_t *group_agree, *group_disagree, *group_seen; /* k x n_statements */
	double *gic;            /* n_statements: product over groups of P(agree) */
	double *divisiveness;   /* n_statements, in [0, 1) */
	uint32_t *gic_order;    /* n_statements: indices, highest gic first */
	uint32_t *divisive_order; /* n_statements: most divisive first */
	size_t n_consensus_agree, n_consensus_disagree;
	struct opinion_consensus consensus_agree[OPINION_CONSENSUS_MAX];
	struct opinion_consensus consensus_disagree[OPINION_CONSENSUS_MAX];
};

#define OPINION_MAP_INIT { 0 }

/*
 * Computes the map of m into *out (which must be empty: OPINION_MAP_INIT or
 * released).  params may be NULL for the defaults.  prev, which may be
 * NULL, is an earlier map of the same conversation (statements are matched
 * by id, so statements may have come or gone): it starts the power
 * iteration and k-means, and keeps the signs of the axes and the order of
 * the groups.  m, params and prev are borrowed.
 *
 * Returns 0, or -1 with e set: ERR_INVALID (field "votes") when m has no
 * participant or no statement, or (field "params") when params are out of
 * range.  On failure *out is left empty.
 */
int opinion_map_compute(struct opinion_map *out, const struct opinion_matrix *m,
			const struct opinion_params *params, const struct opinion_map *prev,
			struct err *e);

/* Frees everything the map owns; *map is empty afterwards.  NULL is fine. */
void opinion_map_release(struct opinion_map *map);

/*
 * The adjusted Rand index between two labelings of n items (Hubert and
 * Arabie 1985): 1 for the same partition up to renaming, about 0 for
 * chance.  Items where either label is negative are left out.  Labels must
 * be below 64.  Returns 1 when fewer than two items remain or both
 * partitions are trivial in the same way.
 */
double opinion_adjusted_rand(const int *a, const int *b, size_t n);

#endif
