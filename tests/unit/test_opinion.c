/*
 * test_opinion.c - the opinion map (src/voice/opinion.c) and the Pol.is
 * open-data format (src/voice/polis.c).
 *
 * The map is tested on small hand-made matrices whose answer is known: two
 * clear camps give two groups split along the camps, with the right
 * representative statements; everyone agreeing gives no variance, one
 * group and consensus; and the boundaries that break naive code (one
 * statement, one participant, identical participants, more groups asked
 * for than points, missing votes, fewer than 7 votes) give a well-defined
 * map with no NaN.  The same input twice gives the same map bit for bit,
 * and a warm start keeps group labels where a fresh run would renumber
 * them.
 *
 * The CSV side: quoted fields with commas, quotes and line breaks, CRLF,
 * the latest vote winning whatever the order of the file, moderated-out
 * statements left out, a byte-for-byte round trip, and an error naming
 * file, line and column for each kind of bad input.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "voice/opinion.h"
#include "voice/polis.h"

#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { M = OPINION_MISSING };

/* ---- helpers ---- */

static void finite_all(const double *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		assert_true(isfinite(v[i]));
}

/* Every number in the map is finite and every label in range. */
static void check_sane(const struct opinion_map *map)
{
	size_t ns = map->n_statements, np = map->n_participants;

	finite_all(map->center, ns);
	finite_all(map->components, 2 * ns);
	finite_all(map->eigenvalue, 2);
	finite_all(map->proj, 2 * np);
	finite_all(map->gic, ns);
	finite_all(map->divisiveness, ns);
	finite_all(map->base_centre, 2 * map->n_base);
	assert_true(map->k >= 1 && map->k <= OPINION_K_MAX);
	for (int k = 0; k <= OPINION_K_MAX; k++) {
		assert_true(isfinite(map->kmeans[k].silhouette));
		finite_all(&map->kmeans[k].centre[0][0], 2 * OPINION_K_MAX);
	}
	size_t members = 0;
	for (int g = 0; g < map->k; g++) {
		finite_all(map->groups[g].centre, 2);
		assert_true(map->groups[g].n_members > 0);
		members += map->groups[g].n_members;
		for (size_t r = 0; r < map->groups[g].n_rep; r++) {
			const struct opinion_repness *rep = &map->groups[g].rep[r];
			assert_true(rep->statement < ns);
			assert_true(isfinite(rep->p_success) && isfinite(rep->p_test));
			assert_true(isfinite(rep->repness) && isfinite(rep->repness_test));
		}
	}
	assert_int_equal(members, map->n_clustered);
	for (size_t i = 0; i < np; i++)
		assert_true(map->group[i] >= -1 && map->group[i] < map->k);
	for (size_t j = 0; j < ns; j++) {
		assert_true(map->gic[j] > 0 && map->gic[j] < 1);
		assert_true(map->divisiveness[j] >= 0 && map->divisiveness[j] < 1);
		assert_true(map->gic_order[j] < ns && map->divisive_order[j] < ns);
	}
}

static void compute(struct opinion_map *map, const int8_t *cells, size_t rows, size_t cols,
		    const struct opinion_params *p, const struct opinion_map *prev)
{
	struct opinion_matrix m = OPINION_MATRIX_INIT;
	struct err e = ERR_INIT;

	assert_int_equal(opinion_matrix_from_dense(&m, cells, rows, cols, &e), 0);
	assert_int_equal(opinion_map_compute(map, &m, p, prev, &e), 0);
	check_sane(map);
	opinion_matrix_release(&m);
}

/*
 * Two camps over 10 statements: camp 0 agrees with 0-4 and disagrees with
 * 5-9, camp 1 the reverse.  Participant i is in camp 0 when i < n0.  Every
 * eleventh cell is flipped and every fifth missing, so each participant
 * still has 8 votes.
 */
static int8_t *two_camps(size_t n0, size_t n1)
{
	size_t rows = n0 + n1;
	int8_t *cells = malloc(rows * 10);
	for (size_t i = 0; i < rows; i++)
		for (size_t j = 0; j < 10; j++) {
			int v = (i < n0) == (j < 5) ? 1 : -1;
			if ((i * 7 + j * 3) % 11 == 0)
				v = -v;
			if ((i + j) % 5 == 0)
				v = M;
			cells[i * 10 + j] = (int8_t)v;
		}
	return cells;
}

/* ---- the map ---- */

static void test_two_camps(void **state)
{
	(void)state;
	struct opinion_map map = OPINION_MAP_INIT;
	int8_t *cells = two_camps(12, 10);
	int truth[22];

	compute(&map, cells, 22, 10, NULL, NULL);
	assert_int_equal(map.k, 2);
	assert_int_equal(map.n_clustered, 22);
	for (int i = 0; i < 22; i++)
		truth[i] = i < 12;
	assert_true(opinion_adjusted_rand(map.group, truth, 22) == 1.0);
	/* the larger camp is group 0 */
	assert_int_equal(map.group[0], 0);
	assert_int_equal(map.groups[0].n_members, 12);
	/* the first axis separates the camps: opposite signs, and statements
	 * 0-4 load against 5-9 */
	assert_true(map.proj[0] * map.proj[2 * 21] < 0);
	for (int j = 0; j < 5; j++)
		assert_true(map.components[j] * map.components[5 + j] < 0);
	/* each group's representative statements are its camp's stances */
	for (int g = 0; g < 2; g++) {
		assert_true(map.groups[g].n_rep >= 1);
		for (size_t r = 0; r < map.groups[g].n_rep; r++) {
			const struct opinion_repness *rep = &map.groups[g].rep[r];
			bool camp0_agrees = rep->statement < 5;
			assert_int_equal(rep->agree, camp0_agrees == (g == 0));
			assert_true(rep->repness_test > OPINION_Z90);
			assert_true(rep->p_success > 0.5);
		}
	}
	/* nothing is consensus, everything divides */
	assert_int_equal(map.n_consensus_agree, 0);
	assert_int_equal(map.n_consensus_disagree, 0);
	assert_true(map.divisiveness[map.divisive_order[9]] > 0.5);
	opinion_map_release(&map);
	free(cells);
}

static void test_all_agree_is_consensus(void **state)
{
	(void)state;
	struct opinion_map map = OPINION_MAP_INIT;
	int8_t cells[20 * 8];

	memset(cells, 1, sizeof(cells));
	compute(&map, cells, 20, 8, NULL, NULL);
	/* no variance: zero components, everyone at the origin, one group */
	assert_true(map.eigenvalue[0] == 0 && map.eigenvalue[1] == 0);
	for (size_t j = 0; j < 16; j++)
		assert_true(map.components[j] == 0);
	assert_int_equal(map.k, 1);
	assert_int_equal(map.n_base, 1);
	for (int i = 0; i < 20; i++) {
		assert_int_equal(map.group[i], 0);
		assert_true(map.proj[2 * i] == 0 && map.proj[2 * i + 1] == 0);
	}
	assert_int_equal(map.groups[0].n_rep, 0);
	/* every statement is agreed: (20 + 1) / (20 + 2) */
	assert_int_equal(map.n_consensus_agree, OPINION_CONSENSUS_MAX);
	assert_int_equal(map.n_consensus_disagree, 0);
	assert_true(fabs(map.consensus_agree[0].p_success - 21.0 / 22.0) < 1e-12);
	assert_true(map.consensus_agree[0].p_test > OPINION_Z90);
	assert_true(fabs(map.gic[0] - 21.0 / 22.0) < 1e-12);
	assert_true(map.divisiveness[0] == 0);
	opinion_map_release(&map);
}

static void test_one_statement(void **state)
{
	(void)state;
	struct opinion_map map = OPINION_MAP_INIT;
	int8_t cells[30];

	for (int i = 0; i < 30; i++)
		cells[i] = (int8_t)(i % 3 - 1);
	compute(&map, cells, 30, 1, NULL, NULL);
	/* one column: one component at most, the second is 0 */
	assert_true(map.eigenvalue[0] > 0);
	assert_true(fabs(fabs(map.components[0]) - 1) < 1e-12);
	assert_true(map.components[1] == 0 && map.eigenvalue[1] == 0);
	/* min(7, 1) = 1 vote is enough to be clustered */
	assert_int_equal(map.n_clustered, 30);
	/* three distinct positions, three base clusters */
	assert_int_equal(map.n_base, 3);
	opinion_map_release(&map);
}

static void test_one_participant(void **state)
{
	(void)state;
	struct opinion_map map = OPINION_MAP_INIT;
	int8_t cells[5] = { 1, -1, 0, M, 1 };

	compute(&map, cells, 1, 5, NULL, NULL);
	assert_int_equal(map.k, 1);
	assert_int_equal(map.n_clustered, 1);
	assert_int_equal(map.group[0], 0);
	assert_int_equal(map.n_votes[0], 4);
	opinion_map_release(&map);
}

static void test_identical_participants_and_too_many_groups(void **state)
{
	(void)state;
	struct opinion_map map = OPINION_MAP_INIT;
	struct opinion_params p;
	int8_t same[10 * 4], three[3 * 7];

	/* ten participants who voted the same: one point, no split possible */
	for (int i = 0; i < 40; i++)
		same[i] = (int8_t)(i % 4 == 0 ? 1 : i % 4 == 1 ? -1 : 0);
	compute(&map, same, 10, 4, NULL, NULL);
	assert_int_equal(map.k, 1);
	assert_int_equal(map.n_base, 1);
	opinion_map_release(&map);

	/* three distinct participants, five groups asked for */
	for (int i = 0; i < 21; i++)
		three[i] = (int8_t)((i * 5 + i / 7) % 3 - 1);
	opinion_params_default(&p);
	p.k_min = p.k_max = 5;
	compute(&map, three, 3, 7, &p, NULL);
	assert_int_equal(map.k, 1);
	assert_false(map.kmeans[5].feasible);
	opinion_map_release(&map);
}

static void test_missing_votes_and_vote_minimum(void **state)
{
	(void)state;
	struct opinion_map map = OPINION_MAP_INIT;
	int8_t *cells = two_camps(10, 10);
	int8_t *more = malloc(25 * 10);

	/* five more participants with 3 votes each: shown, not clustered */
	memcpy(more, cells, 20 * 10);
	memset(more + 200, M, 50);
	for (int i = 20; i < 25; i++)
		for (int j = 0; j < 3; j++)
			more[i * 10 + (i + j) % 10] = (int8_t)(i % 2 ? 1 : -1);
	compute(&map, more, 25, 10, NULL, NULL);
	assert_int_equal(map.n_clustered, 20);
	assert_int_equal(map.k, 2);
	for (int i = 20; i < 25; i++) {
		assert_int_equal(map.group[i], -1);
		assert_int_equal(map.n_votes[i], 3);
		/* projected, and pushed out by sqrt(10 / 3) rather than left near 0 */
		assert_true(fabs(map.proj[2 * i]) > 0.1);
	}
	/* column means are over the votes present only */
	double sum = 0;
	int n = 0;
	for (int i = 0; i < 25; i++)
		if (more[i * 10] != M) {
			sum += more[i * 10];
			n++;
		}
	assert_true(fabs(map.center[0] - sum / n) < 1e-12);
	opinion_map_release(&map);

	/* when fewer than 15 qualify, the most active are clustered anyway */
	compute(&map, more + 15 * 10, 10, 10, NULL, NULL);
	assert_int_equal(map.n_clustered, 10);
	opinion_map_release(&map);
	free(cells);
	free(more);
}

static void test_deterministic(void **state)
{
	(void)state;
	struct opinion_map a = OPINION_MAP_INIT, b = OPINION_MAP_INIT;
	int8_t *cells = malloc(60 * 12);

	/* three loose camps with plenty of noise */
	for (int i = 0; i < 60; i++)
		for (int j = 0; j < 12; j++) {
			unsigned h = (unsigned)(i * 2654435761u) ^ (unsigned)(j * 40503u);
			h = (h ^ (h >> 13)) * 0x5bd1e995u;
			int v = ((i % 3) == (j % 3)) ? 1 : -1;
			if (h % 5 == 0)
				v = (int)(h % 3) - 1;
			if (h % 7 == 0)
				v = M;
			cells[i * 12 + j] = (int8_t)v;
		}
	compute(&a, cells, 60, 12, NULL, NULL);
	compute(&b, cells, 60, 12, NULL, NULL);
	assert_int_equal(a.k, b.k);
	assert_memory_equal(a.components, b.components, 24 * sizeof(double));
	assert_memory_equal(a.proj, b.proj, 120 * sizeof(double));
	assert_memory_equal(a.group, b.group, 60 * sizeof(int));
	assert_memory_equal(a.gic, b.gic, 12 * sizeof(double));
	for (int k = 0; k <= OPINION_K_MAX; k++) {
		assert_int_equal(a.kmeans[k].feasible, b.kmeans[k].feasible);
		assert_true(a.kmeans[k].silhouette == b.kmeans[k].silhouette);
		assert_true(a.kmeans[k].inertia == b.kmeans[k].inertia);
		assert_memory_equal(a.kmeans[k].centre, b.kmeans[k].centre,
				    sizeof(a.kmeans[k].centre));
	}
	opinion_map_release(&a);
	opinion_map_release(&b);

	/* another seed may differ in detail but finds the same camps */
	struct opinion_params p;
	opinion_params_default(&p);
	p.seed = 7;
	compute(&a, cells, 60, 12, &p, NULL);
	compute(&b, cells, 60, 12, NULL, NULL);
	assert_true(opinion_adjusted_rand(a.group, b.group, 60) > 0.9);
	opinion_map_release(&a);
	opinion_map_release(&b);
	free(cells);
}

static void test_warm_start_keeps_labels(void **state)
{
	(void)state;
	struct opinion_map first = OPINION_MAP_INIT, fresh = OPINION_MAP_INIT,
			   warm = OPINION_MAP_INIT;
	int8_t *before = two_camps(12, 10);
	int8_t *after = two_camps(12, 16); /* six newcomers join camp 1 */

	compute(&first, before, 22, 10, NULL, NULL);
	assert_int_equal(first.group[0], 0); /* camp 0 is larger: group 0 */
	/* from scratch, camp 1 is now larger and takes label 0 */
	compute(&fresh, after, 28, 10, NULL, NULL);
	assert_int_equal(fresh.k, 2);
	assert_int_equal(fresh.group[0], 1);
	/* warm, everyone keeps the label they had */
	compute(&warm, after, 28, 10, NULL, &first);
	assert_int_equal(warm.k, 2);
	assert_true(warm.kmeans[2].warm);
	for (int i = 0; i < 22; i++)
		assert_int_equal(warm.group[i], first.group[i]);
	for (int i = 22; i < 28; i++)
		assert_int_equal(warm.group[i], first.group[21]);
	/* the axes keep their signs */
	assert_true(warm.components[0] * first.components[0] > 0);
	assert_true(warm.proj[0] * first.proj[0] > 0);
	/* warm from the same data changes nothing */
	struct opinion_map again = OPINION_MAP_INIT;
	compute(&again, before, 22, 10, NULL, &first);
	assert_memory_equal(again.group, first.group, 22 * sizeof(int));
	opinion_map_release(&again);
	opinion_map_release(&first);
	opinion_map_release(&fresh);
	opinion_map_release(&warm);
	free(before);
	free(after);
}

static void test_build_latest_vote_wins(void **state)
{
	(void)state;
	struct opinion_matrix m = OPINION_MATRIX_INIT;
	struct err e = ERR_INIT;
	/* out of order; (9, 100) voted three times, two of them at t = 5 */
	struct opinion_vote v[] = {
		{ 9, 100, 5, 1 },  { 4, 300, 1, -1 }, { 9, 100, 9, 0 },  { 9, 200, 2, -1 },
		{ 9, 100, 1, -1 }, { 4, 300, 0, 1 },  { 4, 100, 3, 0 },  { 7, 200, 4, 1 },
		{ 7, 200, 4, -1 },
	};

	assert_int_equal(opinion_matrix_build(&m, v, 9, &e), 0);
	assert_int_equal(m.n_participants, 3);
	assert_int_equal(m.n_statements, 3);
	assert_int_equal(m.n_votes, 5);
	int64_t pids[] = { 4, 7, 9 }, sids[] = { 100, 200, 300 };
	assert_memory_equal(m.participant_ids, pids, sizeof(pids));
	assert_memory_equal(m.statement_ids, sids, sizeof(sids));
	/* 4: (100, 0), (300, -1 at t = 1 beats +1 at t = 0) */
	assert_int_equal(m.row_start[1] - m.row_start[0], 2);
	assert_int_equal(m.col[0], 0);
	assert_int_equal(m.value[0], 0);
	assert_int_equal(m.col[1], 2);
	assert_int_equal(m.value[1], -1);
	/* 7: a tie in time goes to the later entry */
	assert_int_equal(m.col[2], 1);
	assert_int_equal(m.value[2], -1);
	/* 9: (100, 0 at t = 9), (200, -1) */
	assert_int_equal(m.value[3], 0);
	assert_int_equal(m.col[4], 1);
	assert_int_equal(m.value[4], -1);
	opinion_matrix_release(&m);

	/* bad values are refused */
	struct opinion_vote bad[] = { { 1, 1, 1, 1 }, { 1, 2, 1, 2 } };
	assert_int_equal(opinion_matrix_build(&m, bad, 2, &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
	assert_string_equal(e.field, "vote");
	assert_null(m.col);
	err_clear(&e);
	int8_t cells[] = { 1, 5 };
	assert_int_equal(opinion_matrix_from_dense(&m, cells, 1, 2, &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
	err_clear(&e);

	/* nothing to map */
	struct opinion_map map = OPINION_MAP_INIT;
	assert_int_equal(opinion_matrix_build(&m, v, 0, &e), 0);
	assert_int_equal(opinion_map_compute(&map, &m, NULL, NULL, &e), -1);
	assert_string_equal(e.field, "votes");
	assert_null(map.group);
	err_clear(&e);
	struct opinion_params p;
	opinion_params_default(&p);
	p.k_max = 9;
	opinion_matrix_release(&m);
	assert_int_equal(opinion_matrix_build(&m, v, 9, &e), 0);
	assert_int_equal(opinion_map_compute(&map, &m, &p, NULL, &e), -1);
	assert_string_equal(e.field, "params");
	opinion_matrix_release(&m);
	opinion_matrix_release(NULL);
	opinion_map_release(NULL);
}

static void test_adjusted_rand(void **state)
{
	(void)state;
	int a[] = { 0, 0, 0, 1, 1, 1 }, b[] = { 1, 1, 1, 0, 0, 0 };
	int c[] = { 0, 0, 1, 1, 2, 2 }, skip[] = { 0, 0, -1, 1, 1, 1 };

	assert_true(opinion_adjusted_rand(a, b, 6) == 1.0);
	/* sklearn.metrics.adjusted_rand_score([0,0,0,1,1,1], [0,0,1,1,2,2]) */
	assert_true(fabs(opinion_adjusted_rand(a, c, 6) - 0.24242424242424243) < 1e-12);
	/* the -1 is left out; the rest agree */
	assert_true(opinion_adjusted_rand(skip, a, 6) == 1.0);
	assert_true(opinion_adjusted_rand(a, b, 1) == 1.0);
}

/* ---- the Pol.is format ---- */

static const char comments_csv[] =
	"timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n"
	"1500000000000,Mon Jul 17 02:17:32 WIB 2017,0,0,3,1,1,Plain text\n"
	"1500000000001,Mon Jul 17 02:17:33 WIB 2017,1,5,0,2,-1,\"Commas, \"\"quotes\"\"\n"
	"and a line break\"\n"
	"1500000000002,Mon Jul 17 02:17:34 WIB 2017,2,0,1,0,0,小区门口的车位\n";

static const char votes_csv[] =
	"timestamp,datetime,comment-id,voter-id,vote\n"
	"30,c,0,1,-1\n"
	"10,a,0,1,1\n"
	"20,b,1,1,1\n"
	"15,d,0,2,0\n"
	"40,e,2,2,1\n"
	"40,f,2,2,-1\n";

static void test_polis_parse_and_matrix(void **state)
{
	(void)state;
	struct polis_conversation c = POLIS_CONVERSATION_INIT;
	struct opinion_matrix m = OPINION_MATRIX_INIT;
	struct err e = ERR_INIT;

	assert_int_equal(polis_parse_comments(&c, comments_csv, strlen(comments_csv),
					      "comments.csv", &e), 0);
	assert_int_equal(c.n_comments, 3);
	assert_string_equal(c.comments[1].body, "Commas, \"quotes\"\nand a line break");
	assert_int_equal(c.comments[1].moderated, -1);
	assert_int_equal(c.comments[1].author, 5);
	assert_string_equal(c.comments[2].body, "小区门口的车位");
	assert_int_equal(polis_parse_votes(&c, votes_csv, strlen(votes_csv), "votes.csv", &e), 0);
	assert_int_equal(c.n_votes, 6);
	assert_int_equal(polis_zeroed_statements(&c), 1);

	/* latest wins; statement 1 is moderated out */
	assert_int_equal(polis_matrix(&m, &c, &e), 0);
	assert_int_equal(m.n_participants, 2);
	assert_int_equal(m.n_statements, 2);
	assert_int_equal(m.statement_ids[0], 0);
	assert_int_equal(m.statement_ids[1], 2);
	assert_int_equal(m.n_votes, 3);
	assert_int_equal(m.value[0], -1); /* voter 1 on 0: t = 30 beats t = 10 */
	assert_int_equal(m.value[1], 0);  /* voter 2 on 0 */
	assert_int_equal(m.value[2], -1); /* voter 2 on 2: the later of two at t = 40 */
	opinion_matrix_release(&m);

	/* the participants table, as Pol.is exports it */
	int64_t ids[] = { 2 };
	int groups[] = { 1 };
	assert_int_equal(polis_participants_build(&c, ids, groups, 1, &e), 0);
	assert_int_equal(c.n_participants, 2);
	assert_int_equal(c.n_columns, 3);
	assert_int_equal(c.participants[0].id, 1); /* first in votes.csv */
	assert_int_equal(c.participants[0].group, -1);
	assert_int_equal(c.participants[0].n_votes, 2); /* moderated out still counts */
	assert_int_equal(c.participants[0].votes[1], 1);
	assert_int_equal(c.participants[0].votes[2], OPINION_MISSING);
	assert_int_equal(c.participants[1].group, 1);
	assert_int_equal(c.participants[1].n_disagree, 1);
	polis_release(&c);
	polis_release(NULL);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = calloc(1, 1 << 16);
	assert_non_null(f);
	*len = fread(buf, 1, (1 << 16) - 1, f);
	fclose(f);
	return buf;
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_polis_round_trip(void **state)
{
	(void)state;
	char *dir = tmpdir_make(), path[4096];
	struct polis_conversation c = POLIS_CONVERSATION_INIT, again = POLIS_CONVERSATION_INIT;
	struct err e = ERR_INIT;
	size_t len;

	assert_non_null(dir);
	write_text(tmpdir_path(path, sizeof(path), dir, "comments.csv"), comments_csv);
	write_text(tmpdir_path(path, sizeof(path), dir, "votes.csv"), votes_csv);
	assert_int_equal(polis_read_dir(&c, dir, &e), 0);
	assert_false(c.has_participants); /* optional */
	assert_int_equal(polis_participants_build(&c, NULL, NULL, 0, &e), 0);
	assert_int_equal(polis_write_dir(&c, dir, &e), 0);

	/* written back byte for byte */
	char *text = slurp(tmpdir_path(path, sizeof(path), dir, "comments.csv"), &len);
	assert_int_equal(len, strlen(comments_csv));
	assert_memory_equal(text, comments_csv, len);
	free(text);
	text = slurp(tmpdir_path(path, sizeof(path), dir, "votes.csv"), &len);
	assert_memory_equal(text, votes_csv, len);
	free(text);
	text = slurp(tmpdir_path(path, sizeof(path), dir, "participants-votes.csv"), &len);
	assert_string_equal(text,
			    "participant,group-id,n-comments,n-votes,n-agree,n-disagree,0,1,2\n"
			    "1,,0,2,1,1,-1,1,\n"
			    "2,,0,2,0,1,0,,-1\n");
	free(text);

	/* and read again to the same */
	assert_int_equal(polis_read_dir(&again, dir, &e), 0);
	assert_true(again.has_participants);
	assert_int_equal(again.n_participants, 2);
	assert_int_equal(again.participants[1].votes[2], -1);
	assert_string_equal(again.comments[1].body, c.comments[1].body);

	/* CRLF line ends and a byte order mark read the same */
	write_text(tmpdir_path(path, sizeof(path), dir, "votes.csv"),
		   "\xef\xbb\xbftimestamp,datetime,comment-id,voter-id,vote\r\n30,c,0,1,-1\r\n"
		   "\r\n10,\"a\",0,1,1\r\n");
	polis_release(&again);
	assert_int_equal(polis_read_dir(&again, dir, &e), 0);
	assert_int_equal(again.n_votes, 2);
	assert_string_equal(again.votes[1].datetime, "a");

	/* a missing file is named */
	polis_release(&again);
	remove(tmpdir_path(path, sizeof(path), dir, "votes.csv"));
	assert_int_equal(polis_read_dir(&again, dir, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	assert_non_null(strstr(e.message, "votes.csv"));
	polis_release(&again);
	polis_release(&c);
	tmpdir_remove(dir);
}

/* Parses text as votes.csv and checks the message names what it should. */
static void expect_votes_error(const char *text, const char *message)
{
	struct polis_conversation c = POLIS_CONVERSATION_INIT;
	struct err e = ERR_INIT;

	assert_int_equal(polis_parse_votes(&c, text, strlen(text), "votes.csv", &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
	if (!strstr(e.message, message))
		fail_msg("expected \"%s\" in \"%s\"", message, e.message);
	assert_null(c.votes);
	polis_release(&c);
}

static void test_polis_errors(void **state)
{
	(void)state;
	const char *h = "timestamp,datetime,comment-id,voter-id,vote\n";
	char text[512];

#define WITH(rows) (snprintf(text, sizeof(text), "%s%s", h, rows), text)
	expect_votes_error("", "votes.csv: empty file");
	expect_votes_error("timestamp,comment-id,vote\n1,2,3\n", "line 1: no column \"voter-id\"");
	expect_votes_error(WITH("1,a,0,1,1\n2,b,0,1,2\n"),
			   "votes.csv line 3, column 5 (vote): \"2\" is not -1, 0 or 1");
	expect_votes_error(WITH("1,a,x0,1,1\n"),
			   "line 2, column 3 (comment-id): \"x0\" is not an integer");
	expect_votes_error(WITH("1,a,0,1,\n"), "line 2, column 5 (vote)");
	expect_votes_error(WITH("99999999999999999999,a,0,1,1\n"), "line 2, column 1 (timestamp)");
	expect_votes_error(WITH("1,a,0,1\n"), "line 2: 4 fields, the header has 5");
	expect_votes_error(WITH("1,\"a,0,1,1\n2,b,0,1,1\n"),
			   "line 2, column 2: a quoted field is not closed");
	expect_votes_error(WITH("1,\"a\"b,0,1,1\n"), "line 2, column 2: text after the closing");
	expect_votes_error(WITH("1,a\"b,0,1,1\n"), "line 2, column 2: a quote inside");
	expect_votes_error(WITH("1,\"multi\nline\",0,1,1\n2,\xff,0,1,1\n"),
			   "line 4, column 2: invalid UTF-8");
#undef WITH
	/* a NUL byte (with an explicit length) */
	struct polis_conversation c = POLIS_CONVERSATION_INIT;
	struct err e = ERR_INIT;
	static const char nul[] = "timestamp,datetime,comment-id,voter-id,vote\n1,a\0b,0,1,1\n";
	assert_int_equal(polis_parse_votes(&c, nul, sizeof(nul) - 1, "votes.csv", &e), -1);
	assert_non_null(strstr(e.message, "line 2, column 2: a NUL byte"));
	err_clear(&e);

	/* comments: a repeated id names both lines */
	static const char dup[] = "comment-id,moderated,comment-body\n1,1,a\n2,1,b\n1,0,c\n";
	assert_int_equal(polis_parse_comments(&c, dup, strlen(dup), "comments.csv", &e), -1);
	assert_non_null(strstr(e.message, "comments.csv line 4, column 1 (comment-id): 1 repeats "
					  "the comment on line 2"));
	err_clear(&e);
	static const char mod[] = "comment-id,moderated\n1,2\n";
	assert_int_equal(polis_parse_comments(&c, mod, strlen(mod), "comments.csv", &e), -1);
	assert_non_null(strstr(e.message, "line 2, column 2 (moderated)"));
	err_clear(&e);

	/* participants-votes.csv: a bad cell names its statement column */
	static const char pv[] = "participant,group-id,n-comments,n-votes,n-agree,n-disagree,0,7\n"
				 "1,0,0,2,1,1,1,-1\n"
				 "2,,0,1,0,0,,x\n";
	assert_int_equal(polis_parse_participants(&c, pv, strlen(pv), "participants-votes.csv", &e),
			 -1);
	assert_non_null(strstr(e.message, "participants-votes.csv line 3, column 8 (7)"));
	assert_false(c.has_participants);
	polis_release(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_camps),
		cmocka_unit_test(test_all_agree_is_consensus),
		cmocka_unit_test(test_one_statement),
		cmocka_unit_test(test_one_participant),
		cmocka_unit_test(test_identical_participants_and_too_many_groups),
		cmocka_unit_test(test_missing_votes_and_vote_minimum),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_warm_start_keeps_labels),
		cmocka_unit_test(test_build_latest_vote_wins),
		cmocka_unit_test(test_adjusted_rand),
		cmocka_unit_test(test_polis_parse_and_matrix),
		cmocka_unit_test(test_polis_round_trip),
		cmocka_unit_test(test_polis_errors),
	};
	return cmocka_run_group_tests_name("voice/opinion", tests, NULL, NULL);
}
