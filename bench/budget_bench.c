/*
 * budget_bench.c - how long the micro-fund rules take on a city-sized vote.
 *
 * Builds a synthetic participatory-budgeting election in memory from a
 * seeded generator, so every run sees the same instance: by default 90,000
 * voters in 12 districts and 160 projects (12 local ones per district and 16
 * for the whole city).  A voter approves 1 to 10 projects (about 4 on
 * average), mostly in their own district; within a pool some projects are
 * far more popular than others (Zipf-like weights), which gives the skewed
 * approval counts of real elections (thousands of votes at the top, a few
 * hundred at the tail).  Costs are whole yuan, held in fen, spread
 * log-uniformly from 20,000 to 2,000,000 yuan; the budget is 30% of all that
 * is asked for.
 *
 * It then times greedy (the reference: what most cities run) and the
 * Method of Equal Shares with the add1 completion, stepping one yuan (100
 * fen) per voter, and prints the figures.  Timing uses the monotonic clock;
 * the doubles below only format times and never touch a decision.
 *
 *   budget_bench [--voters N] [--projects M] [--seed S] [--write FILE.pb]
 *
 * --write also saves the instance as a .pb file (money in fen), for other
 * implementations to be timed on the same election.
 */
#include "core/arena.h"
#include "core/err.h"
#include "core/strbuf.h"
#include "voice/budget.h"
#include "voice/pb.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { DISTRICTS = 12, MAX_APPROVALS = 10 };

/* splitmix64: small, seedable, the same everywhere */
static uint64_t next(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

/* Uniform in [0, n). */
static uint64_t below(uint64_t *s, uint64_t n)
{
	return next(s) % n;
}

/* A pool of projects to draw from, with integer weights. */
struct pool {
	uint32_t n;
	uint32_t *project;
	uint64_t *cum; /* cumulative weights */
};

static uint32_t draw(const struct pool *p, uint64_t *s)
{
	uint64_t x = below(s, p->cum[p->n - 1]);
	uint32_t lo = 0, hi = p->n - 1;
	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;
		if (p->cum[mid] > x)
			hi = mid;
		else
			lo = mid + 1;
	}
	return p->project[lo];
}

/* Zipf-like weights 1e6 / (rank + 1)^0.8, as integers, ranks shuffled. */
static void pool_weights(struct pool *p, uint64_t *s)
{
	static const uint64_t w[] = { 1000000, 574349, 415244, 329877, 275946, 238495,
				      210688,  189465, 172427, 158489, 146880, 137097,
				      128699,  121417, 115042, 109411 };
	uint64_t total = 0;
	for (uint32_t i = p->n; i > 1; i--) {
		uint32_t j = (uint32_t)below(s, i), t = p->project[i - 1];
		p->project[i - 1] = p->project[j];
		p->project[j] = t;
	}
	for (uint32_t i = 0; i < p->n; i++) {
		total += i < sizeof(w) / sizeof(w[0]) ? w[i] : 100000;
		p->cum[i] = total;
	}
}

static struct pb_instance city(size_t nvoters, size_t nprojects, uint64_t seed, struct arena *a)
{
	struct pb_instance in = { 0 };
	struct pool pools[DISTRICTS + 1] = { 0 }; /* the last one: citywide */
	uint64_t s = seed, asked = 0;
	size_t citywide = nprojects / 10;

	in.vote_type = "approval";
	in.rule = "equalshares/add1";
	in.nprojects = nprojects;
	in.project = arena_zalloc(a, nprojects * sizeof(*in.project));
	for (int d = 0; d <= DISTRICTS; d++) {
		pools[d].project = arena_alloc(a, nprojects * sizeof(uint32_t));
		pools[d].cum = arena_alloc(a, nprojects * sizeof(uint64_t));
	}
	for (size_t p = 0; p < nprojects; p++) {
		/* log-uniform cost: 20,000 yuan * 100^u, u in [0, 1), whole yuan, in fen */
		uint64_t u = below(&s, 1000000);
		uint64_t yuan = 20000;
		for (uint64_t k = 0; k < u * 20 / 1000000; k++)
			yuan = yuan * 1258925 / 1000000; /* 100^(1/20) */
		yuan += below(&s, yuan / 4 + 1);
		in.project[p].id = arena_printf(a, "%zu", 1000 + p);
		in.project[p].cost = (int64_t)yuan * 100;
		in.project[p].selected = -1;
		asked += yuan * 100;
		struct pool *pl =
			p < citywide ? &pools[DISTRICTS] : &pools[(p - citywide) % DISTRICTS];
		pl->project[pl->n++] = (uint32_t)p;
	}
	for (int d = 0; d <= DISTRICTS; d++)
		pool_weights(&pools[d], &s);
	in.budget = (int64_t)(asked * 3 / 10 / 100 * 100);

	in.nvoters = nvoters;
	in.voter = arena_zalloc(a, nvoters * sizeof(*in.voter));
	for (size_t v = 0; v < nvoters; v++) {
		/* districts of unequal size: weights 1..12 after a fixed shuffle */
		int d = (int)(below(&s, DISTRICTS * (DISTRICTS + 1) / 2));
		int dist = 0;
		while (d >= dist + 1) {
			d -= dist + 1;
			dist++;
		}
		/* 1..10 approvals: 1 + a sum of coin flips, about 4 on average */
		size_t k = 1;
		while (k < MAX_APPROVALS && below(&s, 100) < 75)
			k++;
		uint32_t *item = arena_alloc(a, k * sizeof(*item));
		size_t n = 0;
		for (size_t tries = 0; n < k && tries < 50; tries++) {
			uint64_t r = below(&s, 100);
			const struct pool *pl = r < 70   ? &pools[dist]
						: r < 95 ? &pools[DISTRICTS]
							 : &pools[below(&s, DISTRICTS)];
			uint32_t p = draw(pl, &s);
			bool dup = false;
			for (size_t j = 0; j < n; j++)
				dup |= item[j] == p;
			if (!dup)
				item[n++] = p;
		}
		in.voter[v] = (struct pb_voter){ arena_printf(a, "v%zu", v), n, item, NULL };
	}
	return in;
}

static double clock_s(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double now(void)
{
	return clock_s(CLOCK_MONOTONIC);
}

struct timing {
	double wall, cpu; /* the fastest of the repetitions, seconds */
};

/*
 * Runs the rule `reps` times; the fastest wall-clock and CPU times.  CPU time
 * (this thread's) is the fairer figure on a shared machine: other work
 * stretches the wall clock, far less the CPU time.
 */
static struct timing timed(struct budget_result *out, const struct pb_instance *in,
			   const struct budget_options *opt, int reps, struct arena *a)
{
	struct timing best = { 1e30, 1e30 };
	for (int i = 0; i < reps; i++) {
		struct err e = ERR_INIT;
		double w0 = now(), c0 = clock_s(CLOCK_THREAD_CPUTIME_ID);
		if (budget_allocate(out, in, opt, a, &e)) {
			fprintf(stderr, "budget_bench: %s failed: %s\n",
				budget_rule_name(opt->rule), e.message);
			exit(1);
		}
		double w = now() - w0, c = clock_s(CLOCK_THREAD_CPUTIME_ID) - c0;
		best.wall = w < best.wall ? w : best.wall;
		best.cpu = c < best.cpu ? c : best.cpu;
	}
	return best;
}

static const char *yuan(char *buf, size_t n, int64_t fen)
{
	char digits[32];
	int len = snprintf(digits, sizeof(digits), "%" PRId64, fen / 100), o = 0;
	for (int i = 0; i < len && o < (int)n - 2; i++) {
		if (i && (len - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = digits[i];
	}
	buf[o] = '\0';
	return buf;
}

int main(int argc, char **argv)
{
	struct arena a = ARENA_INIT;
	size_t nvoters = 90000, nprojects = 160;
	uint64_t seed = 20240607;
	const char *write = NULL;
	char b1[40], b2[40];

	for (int i = 1; i < argc; i++) {
		const char *next_arg = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(argv[i], "--voters") && next_arg)
			nvoters = strtoul(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--projects") && next_arg)
			nprojects = strtoul(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--seed") && next_arg)
			seed = strtoull(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--write") && next_arg)
			write = argv[++i];
		else {
			fprintf(stderr,
				"usage: budget_bench [--voters N] [--projects M] [--seed S] "
				"[--write FILE.pb]\n");
			return 2;
		}
	}
	if (nvoters < 1 || nprojects < 20 || nprojects > PB_MAX_PROJECTS) {
		fprintf(stderr, "budget_bench: need at least 1 voter and 20..%d projects\n",
			PB_MAX_PROJECTS);
		return 2;
	}

	double t0 = now();
	struct pb_instance in = city(nvoters, nprojects, seed, &a);
	double t_build = now() - t0;
	size_t approvals = 0;
	int64_t asked = 0;
	for (size_t v = 0; v < in.nvoters; v++)
		approvals += in.voter[v].n;
	for (size_t p = 0; p < in.nprojects; p++)
		asked += in.project[p].cost;
	if (write) {
		struct strbuf sb = STRBUF_INIT;
		FILE *f = fopen(write, "w");
		pb_write(&sb, &in);
		if (!f || fwrite(sb.buf, 1, sb.len, f) != sb.len || fclose(f)) {
			fprintf(stderr, "budget_bench: cannot write %s\n", write);
			return 1;
		}
		strbuf_release(&sb);
	}

	struct budget_result greedy, mes;
	struct budget_options og = { BUDGET_GREEDY, 0, 0 }, om = { BUDGET_MES_ADD1, 100, 0 };
	struct timing t_greedy = timed(&greedy, &in, &og, 10, &a);
	struct timing t_mes = timed(&mes, &in, &om, 3, &a);
	uint32_t maxv = 0, minv = UINT32_MAX;
	for (size_t p = 0; p < in.nprojects; p++) {
		uint32_t s = (uint32_t)greedy.decision[p].score;
		maxv = s > maxv ? s : maxv;
		minv = s < minv ? s : minv;
	}
	size_t both = 0;
	for (size_t i = 0; i < mes.nfunded; i++)
		for (size_t j = 0; j < greedy.nfunded; j++)
			both += mes.funded[i] == greedy.funded[j];
	double load = -1;
	FILE *la = fopen("/proc/loadavg", "r");
	if (la) {
		if (fscanf(la, "%lf", &load) != 1)
			load = -1;
		fclose(la);
	}

	printf("instance  %zu voters, %zu projects, seed %" PRIu64 " (built in %.0f ms)\n",
	       in.nvoters, in.nprojects, seed, t_build * 1e3);
	printf("          %zu approvals (%.2f per voter), %" PRIu32 "..%" PRIu32 " per project\n",
	       approvals, (double)approvals / (double)in.nvoters, minv, maxv);
	printf("          budget %s yuan of %s asked\n", yuan(b1, sizeof(b1), in.budget),
	       yuan(b2, sizeof(b2), asked));
	printf("machine   1-minute load %.2f%s\n", load,
	       load >= 1 ? " (busy: wall-clock figures are stretched, CPU time less so)" : "");
	printf("\n  %-32s %10s %10s %7s %14s\n", "rule", "wall", "CPU", "funded", "cost (yuan)");
	printf("  %-32s %7.1f ms %7.1f ms %7zu %14s\n", "greedy (reference, best of 10)",
	       t_greedy.wall * 1e3, t_greedy.cpu * 1e3, greedy.nfunded,
	       yuan(b1, sizeof(b1), greedy.cost));
	printf("  %-32s %7.1f ms %7.1f ms %7zu %14s\n", "MES + add1 (best of 3)", t_mes.wall * 1e3,
	       t_mes.cpu * 1e3, mes.nfunded, yuan(b1, sizeof(b1), mes.cost));
	printf("\n  MES / greedy CPU time           %.0fx\n", t_mes.cpu / t_greedy.cpu);
	printf("  MES runs                        %" PRIu64 " (one per add1 step tried, one to explain),"
	       " %.2f ms CPU each\n",
	       mes.runs, t_mes.cpu * 1e3 / (double)mes.runs);
	printf("  add1                            %" PRIu64 " steps of 1 yuan per voter; %s\n",
	       mes.steps,
	       mes.exhaustive ? "stopped: nothing else fits" : "stopped: one more step overspends");
	printf("  funded by both rules            %zu\n", both);
	printf("\n  goal: MES + add1 <= 2 s CPU     %s (%.2f s CPU, %.2f s wall)\n",
	       t_mes.cpu <= 2.0 ? "met" : "NOT MET", t_mes.cpu, t_mes.wall);
	arena_release(&a);
	return 0;
}
