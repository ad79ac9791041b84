/*
 * budget.c - greedy and the Method of Equal Shares, exactly (see budget.h).
 *
 * Money in MES is kept as bignat counts of 1/D units over one shared
 * denominator D.  A run starts with D = the denominator of the per-voter
 * budget; when a purchase asks each of k supporters for N/k units and k does
 * not divide N, D is multiplied by the smallest factor f that makes it
 * divide, so every budget, payment and price stays an exact whole number of
 * units and every decision is a comparison of integers.  No floating point.
 *
 * Voters are kept in classes of equal budget.  Two voters who approve the
 * same funded projects have paid the same for each (everyone sharing a
 * purchase pays the same price, or all they have) and so hold the same
 * budget; a purchase splits each class it touches into its supporters, who
 * pay, and the rest.  Wide arithmetic is then done once per class, not once
 * per voter; voters with nothing left share class 0 and drop out of every
 * sum.  Identical ballots are taken once, with a weight.
 *
 * What makes a city-sized election fast enough (90,000 voters, ~270 add1
 * runs in bench/budget_bench.c):
 * - a class's budget is brought to the current D only when it is next
 *   looked at (catch_up), not at every purchase;
 * - a price is found by repeatedly letting whoever holds less than the
 *   current equal split pay all they have (no sorting of classes), and
 *   "less than rest / k" is one comparison with a precomputed quotient;
 * - the round loop is pabutools' lazy one: a project's price only rises as
 *   budgets fall, so the price from an earlier round is a lower bound;
 *   projects are looked at in order of that bound (kept sorted by merging
 *   in the few that changed) and a round stops at the first bound above the
 *   best price found.  That still finds every project tied at the best
 *   price, and the tie goes to the smallest id.
 * Each of these was checked against an exact re-implementation in Python
 * (fractions) and against the plain version of this file on the bench
 * instance; tests/unit/test_budget.c keeps instances from that comparison.
 */
#include "voice/budget.h"

#include <assert.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

typedef unsigned __int128 u128;

/* ---- rule names ---- */

bool budget_rule_parse(enum budget_rule *out, const char *name)
{
	if (!strcmp(name, "greedy"))
		*out = BUDGET_GREEDY;
	else if (!strcmp(name, "mes") || !strcmp(name, "equalshares/add1"))
		*out = BUDGET_MES_ADD1;
	else if (!strcmp(name, "equalshares"))
		*out = BUDGET_MES;
	else
		return false;
	return true;
}

const char *budget_rule_name(enum budget_rule rule)
{
	switch (rule) {
	case BUDGET_GREEDY:
		return "greedy";
	case BUDGET_MES:
		return "equalshares";
	case BUDGET_MES_ADD1:
		return "equalshares/add1";
	case BUDGET_RULE_FILE:
		break;
	}
	return "file";
}

/* ---- checks shared by the rules ---- */

static int check_instance(const struct pb_instance *in, struct err *e)
{
	if (in->budget < 0 || in->budget > PB_MONEY_MAX)
		return err_set(e, ERR_INVALID, "budget", "budget is outside 0..10^15");
	if (in->nprojects > PB_MAX_PROJECTS)
		return err_set(e, ERR_INVALID, "", "more than %d projects", PB_MAX_PROJECTS);
	if (in->nvoters >= UINT32_MAX)
		return err_set(e, ERR_INVALID, "", "too many voters");
	for (size_t i = 0; i < in->nprojects; i++)
		if (in->project[i].cost < 0 || in->project[i].cost > PB_MONEY_MAX)
			return err_set(e, ERR_INVALID, "cost",
				       "project %.40s: cost outside 0..10^15", in->project[i].id);
	for (size_t v = 0; v < in->nvoters; v++) {
		const struct pb_voter *vt = &in->voter[v];
		if (in->has_points && !vt->points && vt->n)
			return err_set(e, ERR_INVALID, "points", "voter %.40s has no points",
				       vt->id);
		for (size_t i = 0; i < vt->n; i++) {
			if (vt->item[i] >= in->nprojects)
				return err_set(e, ERR_INVALID, "vote",
					       "voter %.40s names a project out of range", vt->id);
			if (in->has_points && (vt->points[i] < 0 || vt->points[i] > PB_MONEY_MAX))
				return err_set(e, ERR_INVALID, "points",
					       "voter %.40s: points outside 0..10^15", vt->id);
		}
	}
	return 0;
}

static bool id_less(const struct pb_instance *in, uint32_t a, uint32_t b)
{
	return strcmp(in->project[a].id, in->project[b].id) < 0;
}

static void amount_of(struct budget_amount *out, const struct bignat *units,
		      const struct bignat *den)
{
	struct bignat x;
	struct err e = ERR_INIT;
	uint64_t q;
	bool exact;
	/* amounts here are at most budget + steps, far below 2^63 / 100 */
	if (bignat_mul_u64(&x, units, 100, &e) || bignat_div_u64(&q, &exact, &x, den, &e) ||
	    q > INT64_MAX) {
		out->cents = INT64_MAX;
		out->exact = false;
		return;
	}
	out->cents = (int64_t)q;
	out->exact = exact;
}

/* ---- greedy ---- */

struct greedy_key {
	int64_t score;
	uint32_t index;
	const struct pb_instance *in;
};

static int cmp_greedy(const void *x, const void *y)
{
	const struct greedy_key *a = x, *b = y;
	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	return strcmp(a->in->project[a->index].id, b->in->project[b->index].id);
}

static int greedy(struct budget_result *out, const struct pb_instance *in, struct arena *a,
		  struct err *e)
{
	size_t m = in->nprojects;
	struct greedy_key *key = xcalloc(m ? m : 1, sizeof(*key));
	int rc = -1;

	for (size_t i = 0; i < m; i++)
		key[i] = (struct greedy_key){ 0, (uint32_t)i, in };
	for (size_t v = 0; v < in->nvoters; v++) {
		const struct pb_voter *vt = &in->voter[v];
		for (size_t i = 0; i < vt->n; i++) {
			int64_t add = in->has_points ? vt->points[i] : 1;
			if (__builtin_add_overflow(key[vt->item[i]].score, add,
						   &key[vt->item[i]].score)) {
				err_set(e, ERR_INVALID, "points", "total points overflow");
				goto out;
			}
		}
	}
	for (size_t i = 0; i < m; i++)
		out->decision[i].score = key[i].score;
	qsort(key, m, sizeof(*key), cmp_greedy);
	int64_t left = in->budget;
	for (size_t r = 0; r < m; r++) {
		uint32_t p = key[r].index;
		struct budget_decision *d = &out->decision[p];
		d->rank = (uint32_t)r + 1;
		d->left = left;
		if (in->project[p].cost <= left) {
			d->funded = true;
			d->reason = BUDGET_FITS;
			left -= in->project[p].cost;
			out->funded[out->nfunded++] = p;
			out->cost += in->project[p].cost;
		} else {
			d->reason = BUDGET_NO_FIT;
		}
	}
	rc = 0;
out:
	free(key);
	(void)a;
	return rc;
}

/* ---- the Method of Equal Shares ---- */

/*
 * What every run shares.  Voters with the same ballot (the same set of
 * projects) always hold the same budget, so they are taken together as one
 * ballot with a weight, as pabutools does with its multiplicities; in a city
 * many people approve the same one or two projects.
 */
struct mes_prep {
	const struct pb_instance *in;
	size_t n, m;         /* distinct ballots, projects */
	uint32_t *weight;    /* [n] voters casting each ballot */
	size_t *sup_off;     /* [m + 1] */
	uint32_t *sup;       /* ballot indices, project by project */
	uint64_t *approvals; /* [m] voters approving each project */
	bool *eligible;      /* cost > 0 and at least one supporter */
};

enum { P_OUT, P_ACTIVE, P_BOUGHT, P_DROPPED };

/* A ballot's class and weight side by side: one cache line per lookup. */
struct ballot_state {
	uint32_t cls, weight;
};

struct mes_run {
	const struct mes_prep *prep;
	struct bignat D;
	/* classes of voters with equal budget; class 0 holds budget 0 */
	struct bignat *budget; /* in units of the D of the class's epoch */
	uint32_t *epoch;       /* factors[0..epoch) are applied to its budget */
	uint32_t *members;
	uint32_t *cnt;     /* scratch: supporters per class of the project at hand */
	uint32_t *touched; /* scratch: classes with cnt > 0 */
	uint32_t *remap;   /* scratch: a touched class's class after a purchase */
	uint32_t ncls, cap, ntouched;
	uint32_t *free_cls;
	uint32_t nfree;
	struct ballot_state *ballot; /* [n] */
	uint64_t *factor;            /* the factors D was multiplied by, in order */
	uint32_t nfactor;
	/* projects */
	unsigned char *state;
	struct bignat *key_n; /* lower bound of price * D is key_n / (key_k * cost) */
	uint64_t *key_k;
	uint32_t *active;
	size_t nactive;
	/* outcome */
	uint32_t *order;
	size_t norder;
	int64_t cost;
	struct budget_decision *dec; /* explanations, when wanted */
};

struct ballot_sort {
	const uint32_t *canon; /* every ballot's projects, sorted */
	const size_t *off;     /* [voters + 1] into canon */
};

static int cmp_ballot(const void *x, const void *y, void *arg)
{
	const struct ballot_sort *b = arg;
	uint32_t u = *(const uint32_t *)x, v = *(const uint32_t *)y;
	size_t nu = b->off[u + 1] - b->off[u], nv = b->off[v + 1] - b->off[v];
	if (nu != nv)
		return nu < nv ? -1 : 1;
	int c = memcmp(b->canon + b->off[u], b->canon + b->off[v], nu * sizeof(*b->canon));
	return c ? c : (u > v) - (u < v);
}

static int cmp_u32(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
	return (a > b) - (a < b);
}

static void prep_init(struct mes_prep *pr, const struct pb_instance *in)
{
	size_t nv = in->nvoters, total = 0;
	memset(pr, 0, sizeof(*pr));
	pr->in = in;
	pr->m = in->nprojects;

	/* group identical ballots */
	size_t *off = xmalloc((nv + 1) * sizeof(*off));
	for (size_t v = 0; v < nv; v++) {
		off[v] = total;
		total += in->voter[v].n;
	}
	off[nv] = total;
	uint32_t *canon = xmalloc((total ? total : 1) * sizeof(*canon));
	for (size_t v = 0; v < nv; v++) {
		memcpy(canon + off[v], in->voter[v].item, in->voter[v].n * sizeof(*canon));
		qsort(canon + off[v], in->voter[v].n, sizeof(*canon), cmp_u32);
	}
	uint32_t *byballot = xmalloc((nv ? nv : 1) * sizeof(*byballot));
	for (size_t v = 0; v < nv; v++)
		byballot[v] = (uint32_t)v;
	struct ballot_sort bs = { canon, off };
	qsort_r(byballot, nv, sizeof(*byballot), cmp_ballot, &bs);
	uint32_t *rep = xmalloc((nv ? nv : 1) * sizeof(*rep)); /* a voter per ballot */
	pr->weight = xmalloc((nv ? nv : 1) * sizeof(*pr->weight));
	for (size_t i = 0; i < nv; i++) {
		uint32_t v = byballot[i], u = i ? byballot[i - 1] : 0;
		size_t n = off[v + 1] - off[v];
		if (i && n == off[u + 1] - off[u] &&
		    !memcmp(canon + off[u], canon + off[v], n * sizeof(*canon))) {
			pr->weight[pr->n - 1]++;
			continue;
		}
		rep[pr->n] = v;
		pr->weight[pr->n++] = 1;
	}

	/* the supporters of each project, as ballots */
	pr->sup_off = xcalloc(pr->m + 1, sizeof(*pr->sup_off));
	pr->approvals = xcalloc(pr->m ? pr->m : 1, sizeof(*pr->approvals));
	pr->eligible = xcalloc(pr->m ? pr->m : 1, sizeof(*pr->eligible));
	size_t nsup = 0;
	for (size_t g = 0; g < pr->n; g++) {
		uint32_t v = rep[g];
		for (size_t i = off[v]; i < off[v + 1]; i++) {
			pr->sup_off[canon[i] + 1]++;
			pr->approvals[canon[i]] += pr->weight[g];
		}
		nsup += off[v + 1] - off[v];
	}
	for (size_t p = 0; p < pr->m; p++)
		pr->sup_off[p + 1] += pr->sup_off[p];
	pr->sup = xmalloc((nsup ? nsup : 1) * sizeof(*pr->sup));
	size_t *fill = xmalloc((pr->m ? pr->m : 1) * sizeof(*fill));
	memcpy(fill, pr->sup_off, pr->m * sizeof(*fill));
	for (size_t g = 0; g < pr->n; g++)
		for (size_t i = off[rep[g]]; i < off[rep[g] + 1]; i++)
			pr->sup[fill[canon[i]]++] = (uint32_t)g;
	for (size_t p = 0; p < pr->m; p++)
		pr->eligible[p] = in->project[p].cost > 0 && pr->approvals[p] > 0;
	free(fill);
	free(rep);
	free(byballot);
	free(canon);
	free(off);
}

static void prep_release(struct mes_prep *pr)
{
	free(pr->weight);
	free(pr->sup_off);
	free(pr->sup);
	free(pr->approvals);
	free(pr->eligible);
}

static void run_init(struct mes_run *r, const struct mes_prep *pr)
{
	size_t m = pr->m ? pr->m : 1;
	memset(r, 0, sizeof(*r));
	r->prep = pr;
	r->cap = 64;
	r->budget = xmalloc(r->cap * sizeof(*r->budget));
	r->epoch = xmalloc(r->cap * sizeof(*r->epoch));
	r->members = xcalloc(r->cap, sizeof(*r->members));
	r->cnt = xcalloc(r->cap, sizeof(*r->cnt));
	r->touched = xmalloc((r->cap + 1) * sizeof(*r->touched)); /* +1: see gather */
	r->remap = xmalloc(r->cap * sizeof(*r->remap));
	r->free_cls = xmalloc(r->cap * sizeof(*r->free_cls));
	r->ballot = xmalloc((pr->n ? pr->n : 1) * sizeof(*r->ballot));
	for (size_t g = 0; g < pr->n; g++)
		r->ballot[g].weight = pr->weight[g];
	r->factor = xmalloc(m * sizeof(*r->factor));
	r->state = xmalloc(m);
	r->key_n = xmalloc(m * sizeof(*r->key_n));
	r->key_k = xmalloc(m * sizeof(*r->key_k));
	r->active = xmalloc(m * sizeof(*r->active));
	r->order = xmalloc(m * sizeof(*r->order));
}

static void run_release(struct mes_run *r)
{
	free(r->budget);
	free(r->epoch);
	free(r->members);
	free(r->cnt);
	free(r->touched);
	free(r->remap);
	free(r->free_cls);
	free(r->ballot);
	free(r->factor);
	free(r->state);
	free(r->key_n);
	free(r->key_k);
	free(r->active);
	free(r->order);
}

static uint32_t class_new(struct mes_run *r)
{
	uint32_t c;
	if (r->nfree) {
		c = r->free_cls[--r->nfree];
		r->epoch[c] = r->nfactor;
		return c;
	}
	if (r->ncls == r->cap) {
		r->cap *= 2;
		r->budget = xrealloc(r->budget, r->cap * sizeof(*r->budget));
		r->epoch = xrealloc(r->epoch, r->cap * sizeof(*r->epoch));
		r->members = xrealloc(r->members, r->cap * sizeof(*r->members));
		r->cnt = xrealloc(r->cnt, r->cap * sizeof(*r->cnt));
		r->touched = xrealloc(r->touched, (r->cap + 1) * sizeof(*r->touched));
		r->remap = xrealloc(r->remap, r->cap * sizeof(*r->remap));
		r->free_cls = xrealloc(r->free_cls, r->cap * sizeof(*r->free_cls));
		memset(r->members + r->ncls, 0, (r->cap - r->ncls) * sizeof(*r->members));
		memset(r->cnt + r->ncls, 0, (r->cap - r->ncls) * sizeof(*r->cnt));
	}
	c = r->ncls++;
	r->members[c] = 0;
	r->epoch[c] = r->nfactor;
	return c;
}

/* Starts a run where every voter holds num/den. */
static void run_reset(struct mes_run *r, struct rational b0)
{
	const struct mes_prep *pr = r->prep;
	r->ncls = 0;
	r->nfree = 0;
	r->nfactor = 0;
	bignat_set_u64(&r->D, (uint64_t)b0.den);
	uint32_t zero = class_new(r);
	bignat_set_u64(&r->budget[zero], 0);
	uint32_t all = zero;
	if (b0.num > 0) {
		all = class_new(r);
		bignat_set_u64(&r->budget[all], (uint64_t)b0.num);
	}
	r->members[all] = (uint32_t)pr->in->nvoters;
	for (size_t v = 0; v < pr->n; v++)
		r->ballot[v].cls = all;
	r->nactive = 0;
	for (size_t p = 0; p < pr->m; p++) {
		r->state[p] = pr->eligible[p] ? P_ACTIVE : P_OUT;
		if (!pr->eligible[p])
			continue;
		/* everyone paying cost / supporters: key D / supporters */
		r->key_n[p] = r->D;
		r->key_k[p] = pr->approvals[p];
		r->active[r->nactive++] = (uint32_t)p;
	}
	r->norder = 0;
	r->cost = 0;
}

/* Brings class c's budget to the current D (see rescale). */
static int catch_up(struct mes_run *r, uint32_t c, struct err *e)
{
	uint64_t acc = 1, next;
	for (uint32_t j = r->epoch[c]; j < r->nfactor; j++) {
		if (!__builtin_mul_overflow(acc, r->factor[j], &next)) {
			acc = next;
			continue;
		}
		if (bignat_mul_u64(&r->budget[c], &r->budget[c], acc, e))
			return -1;
		acc = r->factor[j];
	}
	if (acc > 1 && bignat_mul_u64(&r->budget[c], &r->budget[c], acc, e))
		return -1;
	r->epoch[c] = r->nfactor;
	return 0;
}

/* Counts the supporters of p by class (class 0 left out) into cnt/touched,
 * and brings the budgets of those classes to the current D. */
static int gather(struct mes_run *r, uint32_t p, struct err *e)
{
	const struct mes_prep *pr = r->prep;
	const uint32_t *sup = pr->sup;
	uint32_t *touched = r->touched, *cnt = r->cnt, nt = 0;
	size_t end = pr->sup_off[p + 1];
	/* the hottest loop: locals (no aliasing through r), no branch on what
	 * is read; class 0 is counted too and taken out afterwards */
	for (size_t i = pr->sup_off[p]; i < end; i++) {
		uint32_t g = sup[i], c = r->ballot[g].cls;
		if (i + 16 < end)
			__builtin_prefetch(&r->ballot[sup[i + 16]]);
		touched[nt] = c;
		nt += cnt[c] == 0;
		cnt[c] += r->ballot[g].weight;
	}
	if (cnt[0]) {
		cnt[0] = 0;
		for (uint32_t i = 0; i < nt; i++)
			if (touched[i] == 0) {
				touched[i] = touched[--nt];
				break;
			}
	}
	r->ntouched = nt;
	/* budgets are the misses that cost: ask for them a few classes ahead */
	for (uint32_t i = 0; i < nt && i < 8; i++) {
		__builtin_prefetch(&r->budget[touched[i]]);
		__builtin_prefetch(&r->epoch[touched[i]]);
	}
	for (uint32_t i = 0; i < nt; i++) {
		if (i + 8 < nt) {
			__builtin_prefetch(&r->budget[touched[i + 8]]);
			__builtin_prefetch(&r->epoch[touched[i + 8]]);
		}
		if (r->epoch[touched[i]] != r->nfactor && catch_up(r, touched[i], e))
			return -1;
	}
	return 0;
}

static void ungather(struct mes_run *r)
{
	for (uint32_t i = 0; i < r->ntouched; i++)
		r->cnt[r->touched[i]] = 0;
	r->ntouched = 0;
}

/* The money the gathered supporters hold, in units. */
static int gathered_money(struct bignat *out, const struct mes_run *r, struct err *e)
{
	bignat_set_u64(out, 0);
	for (uint32_t i = 0; i < r->ntouched; i++) {
		uint32_t c = r->touched[i];
		if (bignat_addmul_u64(out, &r->budget[c], r->cnt[c], e))
			return -1;
	}
	return 0;
}

/* -1, 0, 1 as p's cached price is below, equal to, above q's. */
static int key_cmp(const struct mes_run *r, uint32_t p, uint32_t q)
{
	const struct pb_project *pp = r->prep->in->project;
	return bignat_cmp_mul(&r->key_n[p], (u128)r->key_k[q] * (uint64_t)pp[q].cost, &r->key_n[q],
			      (u128)r->key_k[p] * (uint64_t)pp[p].cost);
}

static int cmp_active(const void *x, const void *y, void *arg)
{
	const struct mes_run *r = arg;
	uint32_t p = *(const uint32_t *)x, q = *(const uint32_t *)y;
	int c = key_cmp(r, p, q);
	if (c)
		return c;
	return strcmp(r->prep->in->project[p].id, r->prep->in->project[q].id);
}

/*
 * With p's supporters gathered, finds the price: the t with
 * sum(min(budget, t)) = cost.  Starting from an equal split, every class
 * holding less than the split so far pays all it has and leaves the rest to
 * share among fewer, which raises the split; repeated until nobody else
 * falls below it.  (t only rises, so a class below any split is below the
 * final one: pabutools' "poor/rich" computation.)  Budgets are whole units,
 * so "budget < rest / k" is "budget <= (rest - 1) / k" rounded down: one
 * division per pass instead of a product per class.
 *
 * Returns 1 when everyone would have to pay all they have and it is still
 * not enough: the supporters cannot afford p.  Else returns 0 with key_n[p]
 * set to the units the remaining k supporters share and key_k[p] to k.
 */
static int price(struct mes_run *r, uint32_t p, struct err *e)
{
	struct bignat *rest = &r->key_n[p], tmp, below, one;
	uint64_t k = 0;
	uint32_t nrich = r->ntouched;
	bool again = true;
	for (uint32_t i = 0; i < r->ntouched; i++)
		k += r->cnt[r->touched[i]];
	if (k == 0)
		return 1;
	if (bignat_mul_u64(rest, &r->D, (uint64_t)r->prep->in->project[p].cost, e))
		return -1;
	bignat_set_u64(&one, 1);
	while (again) {
		/* rest >= 1 throughout: a class pays all only when that is below
		 * rest / k.  The bound is refreshed once a pass: a stale one is
		 * lower, so what falls below it falls below the final one too. */
		bignat_sub(&tmp, rest, &one);
		bignat_divmod_u64(&below, &tmp, k);
		again = false;
		for (uint32_t i = 0; i < nrich;) {
			uint32_t c = r->touched[i];
			if (bignat_cmp(&r->budget[c], &below) > 0) {
				i++;
				continue;
			}
			if (bignat_mul_u64(&tmp, &r->budget[c], r->cnt[c], e))
				return -1;
			bignat_sub(rest, rest, &tmp);
			k -= r->cnt[c];
			r->touched[i] = r->touched[--nrich];
			r->touched[nrich] = c;
			if (k == 0)
				return 1;
			again = true;
		}
	}
	r->key_k[p] = k;
	return 0;
}

static uint64_t gcd64(uint64_t a, uint64_t b)
{
	while (b) {
		uint64_t t = a % b;
		a = b;
		b = t;
	}
	return a;
}

/*
 * Multiplies D by f, so the unit becomes 1/(D*f).  D and the cached prices
 * change at once; a class's budget only when it is next gathered
 * (catch_up), since most classes are not looked at in a given round.
 */
static int rescale(struct mes_run *r, uint64_t f, struct err *e)
{
	if (bignat_mul_u64(&r->D, &r->D, f, e))
		return -1;
	r->factor[r->nfactor++] = f;
	for (size_t i = 0; i < r->nactive; i++)
		if (bignat_mul_u64(&r->key_n[r->active[i]], &r->key_n[r->active[i]], f, e))
			return -1;
	return 0;
}

/* Buys w at the price price() left in key_n[w] / key_k[w]. */
static int buy(struct mes_run *r, uint32_t w, uint32_t round, struct err *e)
{
	const struct mes_prep *pr = r->prep;
	struct bignat t, share = r->key_n[w], paid_all_total;
	uint64_t k = r->key_k[w];
	uint32_t paid_price = 0, paid_all = 0;

	uint64_t rem = bignat_divmod_u64(NULL, &share, k);
	uint64_t f = rem ? k / gcd64(rem, k) : 1;
	if (f > 1 && (rescale(r, f, e) || bignat_mul_u64(&share, &share, f, e)))
		return -1;
	rem = bignat_divmod_u64(&t, &share, k);
	assert(rem == 0);

	bignat_set_u64(&paid_all_total, 0);
	if (gather(r, w, e))
		return -1;
	for (uint32_t i = 0; i < r->ntouched; i++) {
		uint32_t c = r->touched[i];
		int vs = bignat_cmp(&r->budget[c], &t), rich = vs > 0;
		if (vs >= 0) {
			paid_price += r->cnt[c];
		} else {
			paid_all += r->cnt[c];
			if (r->dec &&
			    bignat_addmul_u64(&paid_all_total, &r->budget[c], r->cnt[c], e))
				return -1;
		}
		if (!rich) {
			r->remap[c] = 0;
		} else if (r->cnt[c] == r->members[c]) {
			bignat_sub(&r->budget[c], &r->budget[c], &t);
			r->remap[c] = c;
		} else {
			uint32_t nc = class_new(r);
			bignat_sub(&r->budget[nc], &r->budget[c], &t);
			r->remap[c] = nc;
		}
	}
	for (size_t i = pr->sup_off[w]; i < pr->sup_off[w + 1]; i++) {
		uint32_t g = pr->sup[i], c = r->ballot[g].cls;
		if (!c || r->remap[c] == c)
			continue;
		r->ballot[g].cls = r->remap[c];
		r->members[c] -= r->ballot[g].weight;
		r->members[r->remap[c]] += r->ballot[g].weight;
	}
	for (uint32_t i = 0; i < r->ntouched; i++) {
		uint32_t c = r->touched[i];
		if (!r->members[c])
			r->free_cls[r->nfree++] = c;
	}
	ungather(r);

	r->state[w] = P_BOUGHT;
	r->order[r->norder++] = w;
	r->cost += pr->in->project[w].cost;
	if (r->dec) {
		struct budget_decision *d = &r->dec[w];
		d->funded = true;
		d->reason = BUDGET_BOUGHT;
		d->rank = round;
		d->paid_price = paid_price;
		d->paid_all = paid_all;
		amount_of(&d->price, &t, &r->D);
		amount_of(&d->paid_all_total, &paid_all_total, &r->D);
	}
	return 0;
}

/* One run of MES from a per-voter budget of b0; the outcome in r->order. */
/*
 * Puts active[] in order of cached price.  Only the first `changed` entries
 * (the projects looked at last round, whose prices rose) can be out of
 * place; the rest are still in order, so those few are sorted and merged in.
 */
static void order_active(struct mes_run *r, size_t changed, uint32_t *tmp)
{
	size_t n = r->nactive, i = 0, j = changed, k = 0;
	qsort_r(r->active, changed, sizeof(*r->active), cmp_active, r);
	if (changed == 0 || changed == n)
		return;
	while (i < changed && j < n)
		tmp[k++] = cmp_active(&r->active[i], &r->active[j], r) <= 0 ? r->active[i++]
									    : r->active[j++];
	while (i < changed)
		tmp[k++] = r->active[i++];
	while (j < n)
		tmp[k++] = r->active[j++];
	memcpy(r->active, tmp, n * sizeof(*tmp));
}

/* One run of MES from a per-voter budget of b0; the outcome in r->order. */
static int mes_run(struct mes_run *r, struct rational b0, struct err *e)
{
	const struct pb_instance *in = r->prep->in;
	size_t m = r->prep->m ? r->prep->m : 1, changed;
	uint32_t *tied = xmalloc(m * sizeof(*tied)), *tmp = xmalloc(m * sizeof(*tmp));
	int rc = -1;

	run_reset(r, b0);
	changed = r->nactive;
	for (uint32_t round = 1;; round++) {
		size_t ntied = 0, keep = 0, i;
		long best = -1;
		order_active(r, changed, tmp);
		for (i = 0; i < r->nactive; i++) {
			uint32_t p = r->active[i];
			if (best >= 0 && key_cmp(r, p, (uint32_t)best) > 0)
				break;
			int unaffordable = gather(r, p, e) ? -1 : price(r, p, e);
			if (unaffordable < 0)
				goto out;
			ungather(r);
			if (unaffordable) {
				r->state[p] = P_DROPPED;
				continue;
			}
			r->active[keep++] = p;
			int c = best < 0 ? -1 : key_cmp(r, p, (uint32_t)best);
			if (c < 0) {
				best = p;
				tied[0] = p;
				ntied = 1;
			} else if (c == 0) {
				tied[ntied++] = p;
			}
		}
		/* what was looked at comes first, then the rest, still in order;
		 * what could not be paid for is gone */
		changed = keep;
		for (; i < r->nactive; i++)
			r->active[keep++] = r->active[i];
		r->nactive = keep;
		if (!ntied)
			break;
		uint32_t w = tied[0];
		for (size_t j = 1; j < ntied; j++)
			if (id_less(in, tied[j], w))
				w = tied[j];
		for (size_t j = 0; j < changed; j++)
			if (r->active[j] == w) {
				memmove(&r->active[j], &r->active[j + 1],
					(r->nactive - j - 1) * sizeof(*r->active));
				r->nactive--;
				changed--;
				break;
			}
		if (buy(r, w, round, e))
			goto out;
	}
	rc = 0;
out:
	ungather(r);
	free(tied);
	free(tmp);
	return rc;
}

/* No supported project of positive cost outside the outcome fits beside it. */
static bool exhaustive(const struct mes_run *r, int64_t budget)
{
	const struct mes_prep *pr = r->prep;
	for (size_t p = 0; p < pr->m; p++)
		if (pr->eligible[p] && r->state[p] != P_BOUGHT &&
		    r->cost + pr->in->project[p].cost <= budget)
			return false;
	return true;
}

/* The per-voter budget after `steps` add1 steps: budget/n + steps*step. */
static int voter_budget(struct rational *out, const struct pb_instance *in, uint64_t steps,
			int64_t step, struct err *e)
{
	struct rational base;
	int64_t extra;
	if (steps > INT64_MAX || __builtin_mul_overflow((int64_t)steps, step, &extra) ||
	    extra == INT64_MIN)
		return err_set(e, ERR_INVALID, "", "add1 steps overflow");
	if (rational_make(&base, in->budget, (int64_t)in->nvoters, e))
		return -1;
	return rational_add(out, base, rational_int(extra), e);
}

/* Fills the reasons of the projects the final run did not buy. */
static int explain_rest(struct mes_run *r, struct budget_result *out, struct err *e)
{
	const struct mes_prep *pr = r->prep;
	struct bignat money;
	for (size_t p = 0; p < pr->m; p++) {
		struct budget_decision *d = &out->decision[p];
		d->score = (int64_t)pr->approvals[p];
		if (r->state[p] == P_BOUGHT)
			continue;
		if (!pr->eligible[p]) {
			d->reason = d->score ? BUDGET_FREE : BUDGET_NO_SUPPORT;
			continue;
		}
		d->reason = BUDGET_UNAFFORDABLE;
		int rc = gather(r, (uint32_t)p, e) || gathered_money(&money, r, e) ? -1 : 0;
		ungather(r);
		if (rc)
			return -1;
		amount_of(&d->money, &money, &r->D);
	}
	return 0;
}

static int mes(struct budget_result *out, const struct pb_instance *in, bool add1, int64_t step,
	       uint64_t max_steps, struct err *e)
{
	struct mes_prep pr;
	struct mes_run run;
	struct rational b0;
	uint64_t steps = 0;
	int rc = -1;

	if (in->has_points || (in->vote_type && strcmp(in->vote_type, "approval")))
		return err_set(e, ERR_INVALID, "vote_type",
			       "the Method of Equal Shares here takes approval ballots, not %s",
			       in->vote_type ? in->vote_type : "points");
	if (in->nvoters == 0)
		return err_set(e, ERR_INVALID, "vote", "the Method of Equal Shares needs voters");
	prep_init(&pr, in);
	run_init(&run, &pr);
	for (;;) {
		if (voter_budget(&b0, in, steps, step, e) || mes_run(&run, b0, e))
			goto out;
		out->runs++;
		if (run.cost > in->budget) {
			/* beyond the budget: the previous step's outcome stands */
			out->next_cost = run.cost;
			assert(steps > 0); /* budget/n each cannot spend past the budget */
			steps--;
			break;
		}
		if (exhaustive(&run, in->budget)) {
			out->exhaustive = true;
			break;
		}
		if (!add1)
			break;
		if (++steps > max_steps) {
			err_set(e, ERR_INVALID, "",
				"add1 completion did not settle within %" PRIu64 " steps",
				max_steps);
			goto out;
		}
	}
	/* the outcome chosen, once more, with the explanations */
	run.dec = out->decision;
	if (voter_budget(&b0, in, steps, step, e) || mes_run(&run, b0, e) ||
	    explain_rest(&run, out, e))
		goto out;
	out->runs++;
	out->steps = steps;
	out->voter_budget = b0;
	memcpy(out->funded, run.order, run.norder * sizeof(*run.order));
	out->nfunded = run.norder;
	out->cost = run.cost;
	rc = 0;
out:
	run_release(&run);
	prep_release(&pr);
	return rc;
}

int budget_allocate(struct budget_result *out, const struct pb_instance *in,
		    const struct budget_options *opt, struct arena *a, struct err *e)
{
	enum budget_rule rule = opt ? opt->rule : BUDGET_RULE_FILE;
	int64_t step = opt && opt->add1_step ? opt->add1_step : 1;
	uint64_t max_steps = opt && opt->max_steps ? opt->max_steps : BUDGET_ADD1_MAX_STEPS;

	memset(out, 0, sizeof(*out));
	if (check_instance(in, e))
		return -1;
	if (step < 0 || step > PB_MONEY_MAX)
		return err_set(e, ERR_INVALID, "add1_step", "add1 step outside 1..10^15");
	if (rule == BUDGET_RULE_FILE && (!in->rule || !budget_rule_parse(&rule, in->rule)))
		return err_set(e, ERR_INVALID, "rule",
			       "META rule \"%.40s\" is not greedy, equalshares or equalshares/add1",
			       in->rule ? in->rule : "");
	if (in->vote_type && !strcmp(in->vote_type, "ordinal"))
		return err_set(e, ERR_INVALID, "vote_type", "ordinal ballots are not supported");
	out->rule = rule;
	out->budget = in->budget;
	out->nprojects = in->nprojects;
	out->decision =
		arena_zalloc(a, (in->nprojects ? in->nprojects : 1) * sizeof(*out->decision));
	out->funded = arena_zalloc(a, (in->nprojects ? in->nprojects : 1) * sizeof(*out->funded));
	if (rule == BUDGET_GREEDY)
		return greedy(out, in, a, e);
	return mes(out, in, rule == BUDGET_MES_ADD1, step, max_steps, e);
}

/* ---- explanations ---- */

static void put_amount(struct strbuf *sb, struct budget_amount x)
{
	if (x.cents == INT64_MAX) {
		strbuf_addstr(sb, "(too large to show)");
		return;
	}
	if (!x.exact)
		strbuf_addstr(sb, "≈");
	strbuf_addf(sb, "%" PRId64, x.cents / 100);
	if (x.cents % 100 || !x.exact)
		strbuf_addf(sb, ".%02" PRId64, x.cents % 100);
}

void budget_summary(struct strbuf *sb, const struct budget_result *r, const struct pb_instance *in)
{
	strbuf_addf(sb,
		    "rule %s: budget %" PRId64
		    ", %zu voters, %zu projects; funded %zu costing %" PRId64 ", %" PRId64 " left",
		    budget_rule_name(r->rule), r->budget, in->nvoters, in->nprojects, r->nfunded,
		    r->cost, r->budget - r->cost);
	if (r->rule == BUDGET_GREEDY)
		return;
	strbuf_addstr(sb, "; per-voter budget ");
	rational_format(sb, r->voter_budget);
	if (r->rule == BUDGET_MES_ADD1) {
		strbuf_addf(sb, " (budget/voters + %" PRIu64 ")", r->steps);
		if (r->exhaustive)
			strbuf_addstr(sb, ", stopped: nothing else fits");
		else
			strbuf_addf(sb, ", stopped: one step more would fund %" PRId64 " > budget",
				    r->next_cost);
	}
}

void budget_explain(struct strbuf *sb, const struct budget_result *r, const struct pb_instance *in,
		    size_t i)
{
	const struct budget_decision *d = &r->decision[i];
	int64_t cost = in->project[i].cost;
	const char *unit = in->has_points && r->rule == BUDGET_GREEDY ? "points" : "votes";

	strbuf_addstr(sb, d->funded ? "funded: " : "not funded: ");
	switch (d->reason) {
	case BUDGET_FITS:
		strbuf_addf(sb,
			    "%" PRId64 " %s (place %" PRIu32 "), cost %" PRId64 " fit in %" PRId64
			    " left",
			    d->score, unit, d->rank, cost, d->left);
		break;
	case BUDGET_NO_FIT:
		strbuf_addf(sb,
			    "no longer fits: cost %" PRId64 ", remaining %" PRId64 " (%" PRId64
			    " %s, place %" PRIu32 ")",
			    cost, d->left, d->score, unit, d->rank);
		break;
	case BUDGET_BOUGHT:
		strbuf_addf(sb, "bought in round %" PRIu32 " for %" PRId64 " at ρ %s ", d->rank,
			    cost, d->price.exact ? "=" : "≈");
		put_amount(sb, (struct budget_amount){ d->price.cents, true });
		strbuf_addf(sb, " per supporter: %" PRIu32 " supporters paid it", d->paid_price);
		if (d->paid_all) {
			strbuf_addf(sb, ", %" PRIu32 " paid all they had (", d->paid_all);
			put_amount(sb, d->paid_all_total);
			strbuf_addstr(sb, " together)");
		}
		break;
	case BUDGET_UNAFFORDABLE:
		strbuf_addf(sb, "supporters could not afford it: its %" PRId64 " supporters had ",
			    d->score);
		put_amount(sb, d->money);
		strbuf_addf(sb, " left, cost %" PRId64, cost);
		break;
	case BUDGET_NO_SUPPORT:
		strbuf_addstr(sb, "nobody voted for it");
		break;
	case BUDGET_FREE:
		strbuf_addf(sb, "it costs 0, so there is nothing to share (%" PRId64 " votes)",
			    d->score);
		break;
	}
}
