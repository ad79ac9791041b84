/*
 * opinion_bench.c - times the opinion map (src/voice/opinion.c) on a
 * synthetic conversation the size of a large city's: by default 100,000
 * participants x 1,000 statements x 5,000,000 votes, on one core.
 *
 * The votes come from a few latent opinion groups (sizes 40/30/20/10 %),
 * each with its own leaning on every statement, so the map has something
 * to find; the adjusted Rand index against the latent groups is printed as
 * a sanity check of the result, not only of the speed.  Each participant
 * votes on 10..90 statements (50 on average), drawn without replacement,
 * and about 1 % of the votes are cast twice (the later one counts), so
 * building the matrix does the latest-vote work it does on real data.
 *
 * usage: opinion_bench [--participants N] [--statements N] [--votes N]
 *                      [--seed N] [--write FILE]
 *
 * --write FILE saves the final matrix and the groups found, for
 * bench/opinion_ref.py, in a small binary format (little-endian):
 *   "LINLIOP1", u64 participants, u64 statements, u64 votes,
 *   i32 row[votes], i32 col[votes], i8 value[votes],
 *   i8 latent[participants], i8 group[participants] (-1 = not clustered)
 * The last line of output is machine-readable:
 *   RESULT build_s=... map_s=... total_s=... k=... ari_latent=...
 */
#include "voice/opinion.h"

#include "core/arena.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { LATENT = 4 };

static const double latent_share[LATENT] = { 0.4, 0.3, 0.2, 0.1 };

static uint64_t rng_state;

static uint64_t next_u64(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15u);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

static double unit(void)
{
	return (double)(next_u64() >> 11) * 0x1.0p-53;
}

static size_t below(size_t n)
{
	return (size_t)(unit() * (double)n) % n;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static size_t arg_size(const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);
	if (!*s || *end || v == 0) {
		fprintf(stderr, "opinion_bench: bad number %s\n", s);
		exit(2);
	}
	return (size_t)v;
}

static int write_matrix(const char *path, const struct opinion_matrix *m, const int8_t *latent,
			const struct opinion_map *map)
{
	FILE *f = fopen(path, "wb");
	uint64_t hdr[3] = { m->n_participants, m->n_statements, m->n_votes };
	int32_t *buf = xmalloc((m->n_votes ? m->n_votes : 1) * sizeof(*buf));
	int8_t *group = xmalloc(m->n_participants);
	bool ok = f != NULL;

	if (ok)
		ok = fwrite("LINLIOP1", 1, 8, f) == 8 && fwrite(hdr, sizeof(hdr), 1, f) == 1;
	for (size_t i = 0; i < m->n_participants; i++)
		for (size_t t = m->row_start[i]; t < m->row_start[i + 1]; t++)
			buf[t] = (int32_t)i;
	if (ok)
		ok = fwrite(buf, sizeof(*buf), m->n_votes, f) == m->n_votes;
	for (size_t t = 0; t < m->n_votes; t++)
		buf[t] = (int32_t)m->col[t];
	if (ok)
		ok = fwrite(buf, sizeof(*buf), m->n_votes, f) == m->n_votes &&
		     fwrite(m->value, 1, m->n_votes, f) == m->n_votes &&
		     fwrite(latent, 1, m->n_participants, f) == m->n_participants;
	for (size_t i = 0; i < m->n_participants; i++)
		group[i] = (int8_t)map->group[i];
	if (ok)
		ok = fwrite(group, 1, m->n_participants, f) == m->n_participants;
	if (f && fclose(f) != 0)
		ok = false;
	free(buf);
	free(group);
	if (!ok)
		fprintf(stderr, "opinion_bench: cannot write %s\n", path);
	return ok ? 0 : -1;
}

int main(int argc, char **argv)
{
	size_t np = 100000, ns = 1000, nv = 5000000;
	uint64_t seed = 42;
	const char *out = NULL;
	struct opinion_matrix m = OPINION_MATRIX_INIT;
	struct opinion_map map = OPINION_MAP_INIT;
	struct err e = ERR_INIT;

	for (int i = 1; i < argc; i++) {
		if (i + 1 >= argc) {
			fprintf(stderr, "usage: opinion_bench [--participants N] [--statements N] "
					"[--votes N] [--seed N] [--write FILE]\n");
			return 2;
		}
		if (!strcmp(argv[i], "--participants"))
			np = arg_size(argv[++i]);
		else if (!strcmp(argv[i], "--statements"))
			ns = arg_size(argv[++i]);
		else if (!strcmp(argv[i], "--votes"))
			nv = arg_size(argv[++i]);
		else if (!strcmp(argv[i], "--seed"))
			seed = arg_size(argv[++i]);
		else if (!strcmp(argv[i], "--write"))
			out = argv[++i];
		else {
			fprintf(stderr, "opinion_bench: unknown option %s\n", argv[i]);
			return 2;
		}
	}
	if (nv > np * ns || ns < 2) {
		fprintf(stderr, "opinion_bench: more votes than cells\n");
		return 2;
	}
	rng_state = seed;

	/* latent groups and their leanings: P(agree), P(disagree) per statement */
	double (*lean)[2] = xmalloc(LATENT * ns * sizeof(*lean));
	for (size_t g = 0; g < LATENT; g++)
		for (size_t j = 0; j < ns; j++) {
			double a = unit();
			a = a < 0.4 ? 0.8 : a < 0.8 ? 0.1 : 0.45; /* for, against, split */
			lean[g * ns + j][0] = a;
			lean[g * ns + j][1] = (1 - a) * 0.85; /* the rest is mostly no, some pass */
		}
	int8_t *latent = xmalloc(np);
	for (size_t i = 0; i < np; i++) {
		double u = unit(), acc = 0;
		latent[i] = LATENT - 1;
		for (int g = 0; g < LATENT; g++) {
			acc += latent_share[g];
			if (u < acc) {
				latent[i] = (int8_t)g;
				break;
			}
		}
	}

	/* votes: n_i in [10, 90] scaled to the total, 1 % cast twice */
	size_t n_records = nv + nv / 100, r = 0, cast = 0, twice = 0;
	struct opinion_vote *votes = xmalloc(n_records * sizeof(*votes));
	uint32_t *perm = xmalloc(ns * sizeof(*perm));
	for (size_t j = 0; j < ns; j++)
		perm[j] = (uint32_t)j;
	for (size_t i = 0; i < np; i++) {
		size_t left = nv - cast, want = left / (np - i);
		size_t k = want >= 40 ? want - 40 + below(81) : 1 + below(2 * want);
		if (i == np - 1 || k > left)
			k = left;
		if (k > ns)
			k = ns;
		for (size_t t = 0; t < k; t++) {
			size_t j = t + below(ns - t);
			uint32_t s = perm[j];
			perm[j] = perm[t];
			perm[t] = s;
			const double *p = lean[(size_t)latent[i] * ns + s];
			double u = unit();
			int8_t v = u < p[0] ? OPINION_AGREE : u < p[0] + p[1] ? OPINION_DISAGREE
									: OPINION_PASS;
			int64_t time = (int64_t)(cast + t) * 7 + 1500000000000;
			int64_t pid = (int64_t)i * 3 + 7, sid = (int64_t)s * 5;
			if (twice < nv / 100 && below(100) == 0) { /* a first vote, replaced */
				twice++;
				votes[r++] = (struct opinion_vote){ pid, sid, time - 3, (int8_t)-v };
			}
			votes[r++] = (struct opinion_vote){ pid, sid, time, v };
		}
		cast += k;
	}
	/* history arrives in no useful order: shuffle it */
	for (size_t t = r; t > 1; t--) {
		size_t j = below(t);
		struct opinion_vote tmp = votes[t - 1];
		votes[t - 1] = votes[j];
		votes[j] = tmp;
	}
	printf("opinion bench: %zu participants x %zu statements, %zu vote records"
	       " (%zu final), seed %" PRIu64 "\n",
	       np, ns, r, cast, seed);

	double t0 = now();
	if (opinion_matrix_build(&m, votes, r, &e) < 0) {
		fprintf(stderr, "opinion_bench: %s\n", e.message);
		return 1;
	}
	double t1 = now();
	if (opinion_map_compute(&map, &m, NULL, NULL, &e) < 0) {
		fprintf(stderr, "opinion_bench: %s\n", e.message);
		return 1;
	}
	double t2 = now();

	/* participants are in id order, i * 3 + 7, so row i is participant i */
	int *truth = xmalloc(np * sizeof(*truth));
	for (size_t i = 0; i < np; i++)
		truth[i] = latent[i];
	double ari = opinion_adjusted_rand(map.group, truth, np);

	printf("  matrix build (latest vote wins)  %8.3f s  (%zu votes kept)\n", t1 - t0,
	       m.n_votes);
	printf("  map (PCA, projection, clustering, repness)  %8.3f s\n", t2 - t1);
	printf("    power iterations %d + %d, eigenvalues %.4g, %.4g\n", map.pca_iterations[0],
	       map.pca_iterations[1], map.eigenvalue[0], map.eigenvalue[1]);
	printf("    %zu clustered, %zu base clusters, k = %d (silhouette", map.n_clustered,
	       map.n_base, map.k);
	for (int k = OPINION_K_MIN; k <= OPINION_K_MAX; k++)
		if (map.kmeans[k].feasible)
			printf(" %d=%.3f", k, map.kmeans[k].silhouette);
	printf("), ARI vs latent groups %.3f\n", ari);
	if (out && write_matrix(out, &m, latent, &map) < 0)
		return 1;
	printf("RESULT build_s=%.3f map_s=%.3f total_s=%.3f k=%d ari_latent=%.3f\n", t1 - t0,
	       t2 - t1, t2 - t0, map.k, ari);

	opinion_map_release(&map);
	opinion_matrix_release(&m);
	free(votes);
	free(perm);
	free(lean);
	free(latent);
	free(truth);
	return 0;
}
