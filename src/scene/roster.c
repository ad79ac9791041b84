/*
 * roster.c - the roster solver (see roster.h and docs/roster.md).
 *
 * Three methods share one state (struct st: who has which slot, minutes per
 * volunteer and week) and one eligibility test:
 *
 *   flow    slots in time order are cut into blocks in which every two slots
 *           conflict (overlap or too little rest), so one volunteer takes at
 *           most one slot of a block.  Each block is a bipartite matching
 *           solved exactly by min-cost max-flow (successive shortest paths)
 *           with the convex marginal cost of the load each volunteer already
 *           has: the most slots of the block, then the least sum of squares.
 *           Then repair (ejection chains: give an unfilled slot to a blocked
 *           volunteer and move what blocked them to someone else) and
 *           balancing (move a slot to a less loaded volunteer when the sum of
 *           squares falls).  Every step keeps every hard rule.
 *   exact   depth-first branch and bound over slots (each: one of the
 *           eligible volunteers, or nobody), seeded with the flow result; it
 *           proves optimality when it finishes within its node budget.
 *   greedy  the baseline: first eligible volunteer by id, slots by time.
 *
 * The result of roster_solve is the best of these on the lexicographic
 * objective, so it is never worse than greedy.  No clock, no randomness:
 * every loop runs in a fixed order, so the output is a function of the
 * input.  Scratch memory comes from a private arena released on return.
 */
#include "scene/roster.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TIME_LIMIT ((int64_t)1 << 40)

/* The cost unit of spread against bonus: per pair the bonus is below
 * 2^11, in a block of up to 2^9 slots the bonus sum below 2^20, so one
 * minute^2 of spread always outweighs it. */
#define SCALE ((int64_t)1 << 20)
/* Arcs kept per slot in a block: min(block size, ARCS_MAX); exact up to
 * ARCS_MAX slots a block, a cap on the work beyond (see solve_block). */
enum { BLOCK_MAX = 512, ARCS_MAX = 32 };

static int64_t floordiv(int64_t a, int64_t b)
{
	int64_t q = a / b;
	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

static int64_t week_of(const struct roster_rules *r, int64_t t)
{
	return floordiv(t + r->tz_offset - ROSTER_MONDAY, ROSTER_WEEK);
}

static int64_t minute_of_week(const struct roster_rules *r, int64_t t)
{
	return t + r->tz_offset - ROSTER_MONDAY - week_of(r, t) * ROSTER_WEEK;
}

static int64_t max_week_of(const struct roster_input *in, size_t v)
{
	return in->vol[v].max_week ? in->vol[v].max_week : in->rules.max_week;
}

const char *roster_reason_code(enum roster_reason r)
{
	switch (r) {
	case ROSTER_FILLED:
		return "filled";
	case ROSTER_NO_SKILL:
		return "no_skill";
	case ROSTER_NOT_AVAILABLE:
		return "not_available";
	case ROSTER_OVERLAP:
		return "overlap";
	case ROSTER_REST:
		return "rest";
	case ROSTER_WEEKLY_MAX:
		return "weekly_max";
	case ROSTER_TAKEN:
		return "taken";
	case ROSTER_NO_VOLUNTEERS:
		return "no_volunteers";
	case ROSTER_FREE:
		return "free";
	}
	return "unknown";
}

int roster_skills_add(struct roster_skills *set, uint64_t *out, const char *codes, size_t len,
                      const char *field, struct err *e)
{
	size_t i = 0;
	while (i < len) {
		size_t j = i;
		while (j < len && codes[j] != ',')
			j++;
		size_t a = i, b = j;
		while (a < b && (codes[a] == ' ' || codes[a] == '\t'))
			a++;
		while (b > a && (codes[b - 1] == ' ' || codes[b - 1] == '\t'))
			b--;
		i = j + 1;
		if (a == b)
			continue;
		if (b - a > ROSTER_SKILL_NAME_MAX)
			return err_set(e, ERR_INVALID, field, "a skill code has at most %d bytes",
			               ROSTER_SKILL_NAME_MAX);
		size_t k = 0;
		while (k < set->n &&
		       !(strlen(set->name[k]) == b - a && !memcmp(set->name[k], codes + a, b - a)))
			k++;
		if (k == set->n) {
			if (k == 64)
				return err_set(e, ERR_INVALID, field, "at most 64 distinct skills");
			memcpy(set->name[k], codes + a, b - a);
			set->name[k][b - a] = '\0';
			set->n++;
		}
		*out |= (uint64_t)1 << k;
	}
	return 0;
}

/* ---- validation ---- */

static int check_intervals(const struct roster_interval *iv, size_t n, bool weekly,
                           const char *list, size_t v, struct err *e)
{
	char field[64];
	if (n > ROSTER_INTERVALS_MAX) {
		snprintf(field, sizeof(field), "volunteers[%zu].%s", v, list);
		return err_set(e, ERR_INVALID, field, "at most %d intervals", ROSTER_INTERVALS_MAX);
	}
	for (size_t i = 0; i < n; i++) {
		int64_t lo = weekly ? 0 : -TIME_LIMIT, hi = weekly ? ROSTER_WEEK : TIME_LIMIT;
		if (iv[i].start < lo || iv[i].end > hi || iv[i].start >= iv[i].end) {
			snprintf(field, sizeof(field), "volunteers[%zu].%s[%zu]", v, list, i);
			if (weekly)
				return err_set(e, ERR_INVALID, field,
				               "need 0 <= start < end <= %d (minutes of the week)",
				               ROSTER_WEEK);
			return err_set(e, ERR_INVALID, field,
			               "need start < end, within 2^40 minutes");
		}
	}
	return 0;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

struct pair64 {
	int64_t a, b;
};

static int cmp_pair64(const void *pa, const void *pb)
{
	const struct pair64 *x = pa, *y = pb;
	if (x->a != y->a)
		return (x->a > y->a) - (x->a < y->a);
	return (x->b > y->b) - (x->b < y->b);
}

int roster_validate(const struct roster_input *in, struct err *e)
{
	const struct roster_rules *r = &in->rules;
	char field[64];
	int rc = -1;
	int64_t *ids = NULL;
	struct pair64 *seats = NULL;

	if (in->n_vol > ROSTER_VOLUNTEERS_MAX)
		return err_set(e, ERR_INVALID, "volunteers", "at most %d volunteers",
		               ROSTER_VOLUNTEERS_MAX);
	if (in->n_slot > ROSTER_SLOTS_MAX)
		return err_set(e, ERR_INVALID, "slots", "at most %d slots", ROSTER_SLOTS_MAX);
	if ((uint64_t)in->n_vol * in->n_slot > ROSTER_PAIRS_MAX)
		return err_set(e, ERR_INVALID, "slots",
		               "volunteers x slots is more than %d: solve fewer weeks at a time",
		               ROSTER_PAIRS_MAX);
	if (r->min_rest < 0 || r->min_rest > ROSTER_REST_MAX)
		return err_set(e, ERR_INVALID, "rules.min_rest", "need 0..%d minutes",
		               ROSTER_REST_MAX);
	if (r->max_week <= 0 || r->max_week > ROSTER_WEEK)
		return err_set(e, ERR_INVALID, "rules.max_week", "need 1..%d minutes", ROSTER_WEEK);
	if (r->tz_offset < -14 * 60 || r->tz_offset > 14 * 60)
		return err_set(e, ERR_INVALID, "rules.tz_offset", "need -840..840 minutes");
	if (r->prior_week_of < -TIME_LIMIT || r->prior_week_of > TIME_LIMIT)
		return err_set(e, ERR_INVALID, "rules.prior_week_of", "out of range");

	int64_t first = 0, last = 0;
	for (size_t i = 0; i < in->n_slot; i++) {
		const struct roster_slot *s = &in->slot[i];
		if (s->start < -TIME_LIMIT || s->end > TIME_LIMIT || s->start >= s->end) {
			snprintf(field, sizeof(field), "slots[%zu].end", i);
			return err_set(e, ERR_INVALID, field, "need start < end");
		}
		if (s->end - s->start > ROSTER_SLOT_LEN_MAX) {
			snprintf(field, sizeof(field), "slots[%zu].end", i);
			return err_set(e, ERR_INVALID, field, "a slot lasts at most %d minutes",
			               ROSTER_SLOT_LEN_MAX);
		}
		if (i == 0 || s->start < first)
			first = s->start;
		if (i == 0 || s->end > last)
			last = s->end;
	}
	if (in->n_slot && last - first > ROSTER_HORIZON_MAX)
		return err_set(e, ERR_INVALID, "slots", "the slots span more than %d weeks",
		               ROSTER_HORIZON_MAX / ROSTER_WEEK);

	for (size_t v = 0; v < in->n_vol; v++) {
		const struct roster_volunteer *p = &in->vol[v];
		if (check_intervals(p->available, p->n_available, false, "available", v, e) ||
		    check_intervals(p->weekly, p->n_weekly, true, "weekly", v, e) ||
		    check_intervals(p->busy, p->n_busy, false, "busy", v, e))
			return -1;
		if (p->max_week < 0 || p->max_week > ROSTER_WEEK) {
			snprintf(field, sizeof(field), "volunteers[%zu].max_week", v);
			return err_set(e, ERR_INVALID, field, "need 0..%d minutes", ROSTER_WEEK);
		}
		if (p->prior_minutes < 0 || p->prior_minutes > ROSTER_WEEK) {
			snprintf(field, sizeof(field), "volunteers[%zu].prior_minutes", v);
			return err_set(e, ERR_INVALID, field, "need 0..%d minutes", ROSTER_WEEK);
		}
		if (p->n_prefs > ROSTER_PREFS_MAX) {
			snprintf(field, sizeof(field), "volunteers[%zu].prefs", v);
			return err_set(e, ERR_INVALID, field, "at most %d preferences",
			               ROSTER_PREFS_MAX);
		}
		for (size_t k = 0; k < p->n_prefs; k++) {
			const struct roster_pref *f = &p->prefs[k];
			if (f->weight < -ROSTER_WEIGHT_MAX || f->weight > ROSTER_WEIGHT_MAX ||
			    f->from < 0 || f->to > ROSTER_WEEK || f->from > f->to) {
				snprintf(field, sizeof(field), "volunteers[%zu].prefs[%zu]", v, k);
				return err_set(e, ERR_INVALID, field,
				               "need |weight| <= %d and 0 <= from <= to <= %d",
				               ROSTER_WEIGHT_MAX, ROSTER_WEEK);
			}
		}
	}

	ids = xmalloc((in->n_vol + 1) * sizeof(*ids));
	for (size_t v = 0; v < in->n_vol; v++)
		ids[v] = in->vol[v].id;
	qsort(ids, in->n_vol, sizeof(*ids), cmp_i64);
	for (size_t v = 1; v < in->n_vol; v++)
		if (ids[v] == ids[v - 1]) {
			err_set(e, ERR_INVALID, "volunteers",
			        "volunteer id %" PRId64 " appears twice", ids[v]);
			goto out;
		}
	seats = xmalloc((in->n_slot + 1) * sizeof(*seats));
	for (size_t i = 0; i < in->n_slot; i++)
		seats[i] = (struct pair64){in->slot[i].shift, in->slot[i].seat};
	qsort(seats, in->n_slot, sizeof(*seats), cmp_pair64);
	for (size_t i = 1; i < in->n_slot; i++)
		if (!cmp_pair64(&seats[i], &seats[i - 1])) {
			err_set(e, ERR_INVALID, "slots",
			        "shift %" PRId64 " seat %" PRId64 " appears twice", seats[i].a,
			        seats[i].b);
			goto out;
		}
	rc = 0;
out:
	free(ids);
	free(seats);
	return rc;
}

/* ---- the shared state ---- */

struct vol_x {
	struct roster_interval *av; /* absolute, sorted, merged */
	size_t n_av;
	bool any;       /* available at any time */
	int64_t maxw;   /* weekly maximum */
	int32_t *slots; /* assigned slot indices */
	size_t n_slots, cap;
	int64_t load; /* prior + assigned minutes */
};

struct st {
	const struct roster_input *in;
	struct arena *a; /* scratch */
	size_t nv, ns;
	struct vol_x *v;
	int32_t *order;   /* slot indices by (start, end, shift, seat) */
	int32_t *by_id;   /* volunteer indices by id */
	int64_t wmin;     /* absolute index of the first week */
	size_t nw;        /* weeks in the horizon */
	int32_t *sweek;   /* per slot: week index relative to wmin */
	int64_t *wused;   /* nv * nw minutes */
	int32_t *asg;     /* per slot: volunteer or -1 */
	int32_t *cand;    /* statically eligible volunteers, per slot */
	size_t *cand_off; /* cand[cand_off[s] .. cand_off[s + 1]) */
};

static int64_t dur(const struct st *S, size_t s)
{
	return S->in->slot[s].end - S->in->slot[s].start;
}

static int cmp_iv(const void *pa, const void *pb)
{
	const struct roster_interval *x = pa, *y = pb;
	if (x->start != y->start)
		return (x->start > y->start) - (x->start < y->start);
	return (x->end > y->end) - (x->end < y->end);
}

/* Sort keys carry their index, so that no comparator needs the input
 * (no global: solves may run in several threads at once). */
struct slot_key {
	int64_t start, end, shift, seat;
	int32_t i;
};

static int cmp_slot_key(const void *pa, const void *pb)
{
	const struct slot_key *x = pa, *y = pb;
	int64_t k[4][2] = {
	    {x->start, y->start}, {x->end, y->end}, {x->shift, y->shift}, {x->seat, y->seat}};
	for (int i = 0; i < 4; i++)
		if (k[i][0] != k[i][1])
			return (k[i][0] > k[i][1]) - (k[i][0] < k[i][1]);
	return (x->i > y->i) - (x->i < y->i);
}

static bool covered(const struct vol_x *x, int64_t start, int64_t end)
{
	if (x->any)
		return true;
	size_t lo = 0, hi = x->n_av; /* last interval with av.start <= start */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (x->av[mid].start <= start)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo > 0 && x->av[lo - 1].end >= end;
}

/* ROSTER_FILLED when a and b (with rest r between) are compatible. */
static enum roster_reason clash(int64_t as, int64_t ae, int64_t bs, int64_t be, int64_t r)
{
	if (as < be && bs < ae)
		return ROSTER_OVERLAP;
	if (as < be + r && bs < ae + r)
		return ROSTER_REST;
	return ROSTER_FILLED;
}

/* Static rules for (v, s): skills, then availability and commitments. */
static enum roster_reason static_ok(const struct st *S, size_t v, size_t s)
{
	const struct roster_slot *sl = &S->in->slot[s];
	const struct roster_volunteer *p = &S->in->vol[v];
	if ((p->skills & sl->skills) != sl->skills)
		return ROSTER_NO_SKILL;
	if (!covered(&S->v[v], sl->start, sl->end))
		return ROSTER_NOT_AVAILABLE;
	for (size_t k = 0; k < p->n_busy; k++)
		if (p->busy[k].start < sl->end && sl->start < p->busy[k].end)
			return ROSTER_NOT_AVAILABLE;
	for (size_t k = 0; k < p->n_busy; k++)
		if (clash(p->busy[k].start, p->busy[k].end, sl->start, sl->end,
		          S->in->rules.min_rest))
			return ROSTER_REST;
	return ROSTER_FILLED;
}

/* Dynamic rules for (v, s) given v's other slots (s itself excluded),
 * the first broken one in the order overlap, rest, weekly maximum. */
static enum roster_reason blocked(const struct st *S, size_t v, size_t s)
{
	const struct roster_slot *sl = &S->in->slot[s];
	const struct vol_x *x = &S->v[v];
	enum roster_reason worst = ROSTER_FILLED;
	for (size_t k = 0; k < x->n_slots; k++) {
		size_t t = (size_t)x->slots[k];
		if (t == s)
			continue;
		enum roster_reason c = clash(S->in->slot[t].start, S->in->slot[t].end, sl->start,
		                             sl->end, S->in->rules.min_rest);
		if (c == ROSTER_OVERLAP)
			return c;
		if (c)
			worst = c;
	}
	if (worst)
		return worst;
	if (S->wused[v * S->nw + (size_t)S->sweek[s]] + dur(S, s) > x->maxw)
		return ROSTER_WEEKLY_MAX;
	return ROSTER_FILLED;
}

/* Whether v may take s now (s not v's): blocked() == ROSTER_FILLED, with
 * the cheap weekly test first, for the hot loops. */
static bool can_take(const struct st *S, size_t v, size_t s)
{
	const struct roster_slot *sl = &S->in->slot[s];
	const struct vol_x *x = &S->v[v];
	int64_t r = S->in->rules.min_rest;
	if (S->wused[v * S->nw + (size_t)S->sweek[s]] + (sl->end - sl->start) > x->maxw)
		return false;
	for (size_t k = 0; k < x->n_slots; k++) {
		const struct roster_slot *t = &S->in->slot[x->slots[k]];
		if (t->start < sl->end + r && sl->start < t->end + r)
			return false;
	}
	return true;
}

static int64_t bonus_of(const struct st *S, size_t v, size_t s)
{
	const struct roster_slot *sl = &S->in->slot[s];
	const struct roster_volunteer *p = &S->in->vol[v];
	int64_t b = 0, m = -1;
	if (sl->team && sl->team == p->team)
		b += ROSTER_TEAM_BONUS;
	for (size_t k = 0; k < p->n_prefs; k++) {
		const struct roster_pref *f = &p->prefs[k];
		if (f->post && f->post != sl->post)
			continue;
		if (f->from != f->to) {
			if (m < 0)
				m = minute_of_week(&S->in->rules, sl->start);
			if (m < f->from || m >= f->to)
				continue;
		}
		b += f->weight;
	}
	return b;
}

/* What giving s to v adds to the scaled objective (lower is better). */
static int64_t add_cost(const struct st *S, size_t v, size_t s)
{
	int64_t d = dur(S, s);
	return d * (2 * S->v[v].load + d) * SCALE - bonus_of(S, v, s);
}

static void assign(struct st *S, size_t s, size_t v)
{
	struct vol_x *x = &S->v[v];
	assert(S->asg[s] < 0);
	if (x->n_slots == x->cap) {
		size_t cap = x->cap ? 2 * x->cap : 8;
		int32_t *n = arena_alloc(S->a, cap * sizeof(*n));
		if (x->n_slots)
			memcpy(n, x->slots, x->n_slots * sizeof(*n));
		x->slots = n;
		x->cap = cap;
	}
	x->slots[x->n_slots++] = (int32_t)s;
	x->load += dur(S, s);
	S->wused[v * S->nw + (size_t)S->sweek[s]] += dur(S, s);
	S->asg[s] = (int32_t)v;
}

static void unassign(struct st *S, size_t s)
{
	size_t v = (size_t)S->asg[s];
	struct vol_x *x = &S->v[v];
	assert(S->asg[s] >= 0);
	for (size_t k = 0; k < x->n_slots; k++)
		if ((size_t)x->slots[k] == s) {
			memmove(&x->slots[k], &x->slots[k + 1],
			        (x->n_slots - k - 1) * sizeof(*x->slots));
			x->n_slots--;
			break;
		}
	x->load -= dur(S, s);
	S->wused[v * S->nw + (size_t)S->sweek[s]] -= dur(S, s);
	S->asg[s] = -1;
}

static void st_init(struct st *S, const struct roster_input *in, struct arena *a)
{
	memset(S, 0, sizeof(*S));
	S->in = in;
	S->a = a;
	S->nv = in->n_vol;
	S->ns = in->n_slot;
	S->v = arena_zalloc(a, (S->nv + 1) * sizeof(*S->v));
	S->order = arena_alloc(a, (S->ns + 1) * sizeof(*S->order));
	S->by_id = arena_alloc(a, (S->nv + 1) * sizeof(*S->by_id));
	S->sweek = arena_alloc(a, (S->ns + 1) * sizeof(*S->sweek));
	S->asg = arena_alloc(a, (S->ns + 1) * sizeof(*S->asg));

	int64_t first = 0, last = 0;
	for (size_t i = 0; i < S->ns; i++) {
		S->asg[i] = -1;
		if (i == 0 || in->slot[i].start < first)
			first = in->slot[i].start;
		if (i == 0 || in->slot[i].end > last)
			last = in->slot[i].end;
	}
	struct slot_key *sk = xmalloc((S->ns + 1) * sizeof(*sk));
	for (size_t i = 0; i < S->ns; i++)
		sk[i] = (struct slot_key){in->slot[i].start, in->slot[i].end, in->slot[i].shift,
		                          in->slot[i].seat, (int32_t)i};
	qsort(sk, S->ns, sizeof(*sk), cmp_slot_key);
	for (size_t i = 0; i < S->ns; i++)
		S->order[i] = sk[i].i;
	free(sk);
	struct pair64 *vk = xmalloc((S->nv + 1) * sizeof(*vk));
	for (size_t v = 0; v < S->nv; v++)
		vk[v] = (struct pair64){in->vol[v].id, (int64_t)v};
	qsort(vk, S->nv, sizeof(*vk), cmp_pair64);
	for (size_t v = 0; v < S->nv; v++)
		S->by_id[v] = (int32_t)vk[v].b;
	free(vk);

	S->wmin = week_of(&in->rules, first);
	S->nw = S->ns ? (size_t)(week_of(&in->rules, last) - S->wmin + 1) : 1;
	for (size_t i = 0; i < S->ns; i++)
		S->sweek[i] = (int32_t)(week_of(&in->rules, in->slot[i].start) - S->wmin);
	S->wused = arena_zalloc(a, (S->nv * S->nw + 1) * sizeof(*S->wused));
	int64_t pw = week_of(&in->rules, in->rules.prior_week_of) - S->wmin;

	/* Availability: weekly intervals unrolled over the horizon and a week
	 * either side, with the absolute ones, sorted and merged. */
	int64_t wlo = S->wmin - 1, whi = S->wmin + (int64_t)S->nw;
	for (size_t v = 0; v < S->nv; v++) {
		const struct roster_volunteer *p = &in->vol[v];
		struct vol_x *x = &S->v[v];
		size_t cap = p->n_available + p->n_weekly * (size_t)(whi - wlo + 1);
		x->maxw = max_week_of(in, v);
		x->load = p->prior_minutes;
		if (pw >= 0 && pw < (int64_t)S->nw)
			S->wused[v * S->nw + (size_t)pw] = p->prior_minutes;
		x->any = !p->n_available && !p->n_weekly;
		if (x->any)
			continue;
		x->av = arena_alloc(a, (cap + 1) * sizeof(*x->av));
		size_t n = 0;
		for (size_t k = 0; k < p->n_available; k++)
			x->av[n++] = p->available[k];
		for (int64_t w = wlo; w <= whi; w++) {
			int64_t base = w * ROSTER_WEEK + ROSTER_MONDAY - in->rules.tz_offset;
			for (size_t k = 0; k < p->n_weekly; k++)
				x->av[n++] = (struct roster_interval){base + p->weekly[k].start,
				                                      base + p->weekly[k].end};
		}
		qsort(x->av, n, sizeof(*x->av), cmp_iv);
		size_t m = 0;
		for (size_t k = 0; k < n; k++) {
			if (m && x->av[k].start <= x->av[m - 1].end) {
				if (x->av[k].end > x->av[m - 1].end)
					x->av[m - 1].end = x->av[k].end;
			} else {
				x->av[m++] = x->av[k];
			}
		}
		x->n_av = m;
	}

	/* Static candidates per slot, volunteers in id order. */
	size_t cap = 1024, n = 0;
	S->cand_off = arena_alloc(a, (S->ns + 1) * sizeof(*S->cand_off));
	int32_t *cand = xmalloc(cap * sizeof(*cand));
	for (size_t s = 0; s < S->ns; s++) {
		S->cand_off[s] = n;
		for (size_t k = 0; k < S->nv; k++) {
			size_t v = (size_t)S->by_id[k];
			if (static_ok(S, v, s))
				continue;
			if (n == cap) {
				cap *= 2;
				cand = xrealloc(cand, cap * sizeof(*cand));
			}
			cand[n++] = (int32_t)v;
		}
	}
	S->cand_off[S->ns] = n;
	S->cand = arena_alloc(a, (n + 1) * sizeof(*S->cand));
	if (n)
		memcpy(S->cand, cand, n * sizeof(*cand));
	free(cand);
}

/* Objective of the current state: filled, spread, bonus. */
struct objective {
	size_t filled;
	int64_t spread, bonus;
};

static struct objective objective_of(const struct st *S)
{
	struct objective o = {0, 0, 0};
	for (size_t v = 0; v < S->nv; v++)
		o.spread += S->v[v].load * S->v[v].load;
	for (size_t s = 0; s < S->ns; s++)
		if (S->asg[s] >= 0) {
			o.filled++;
			o.bonus += bonus_of(S, (size_t)S->asg[s], s);
		}
	return o;
}

/* Whether a is strictly better than b. */
static bool better(struct objective a, struct objective b)
{
	if (a.filled != b.filled)
		return a.filled > b.filled;
	if (a.spread != b.spread)
		return a.spread < b.spread;
	return a.bonus > b.bonus;
}

/* ---- greedy ---- */

static void run_greedy(struct st *S)
{
	for (size_t k = 0; k < S->ns; k++) {
		size_t s = (size_t)S->order[k];
		for (size_t c = S->cand_off[s]; c < S->cand_off[s + 1]; c++) {
			size_t v = (size_t)S->cand[c];
			if (can_take(S, v, s)) {
				assign(S, s, v);
				break;
			}
		}
	}
}

/* ---- min-cost flow per block ---- */

struct edge {
	int32_t to, next, cap;
	int64_t cost;
};

struct flow {
	struct edge *e;
	size_t ne, cap_e;
	int32_t *head, *prev_e, *queue;
	int64_t *dist;
	bool *inq;
	size_t nn, cap_n;
};

static void flow_reset(struct flow *f, size_t nodes)
{
	if (nodes > f->cap_n) {
		f->cap_n = nodes * 2;
		f->head = xrealloc(f->head, f->cap_n * sizeof(*f->head));
		f->prev_e = xrealloc(f->prev_e, f->cap_n * sizeof(*f->prev_e));
		f->queue = xrealloc(f->queue, (f->cap_n + 1) * sizeof(*f->queue));
		f->dist = xrealloc(f->dist, f->cap_n * sizeof(*f->dist));
		f->inq = xrealloc(f->inq, f->cap_n * sizeof(*f->inq));
	}
	f->nn = nodes;
	f->ne = 0;
	for (size_t i = 0; i < nodes; i++)
		f->head[i] = -1;
}

static void flow_release(struct flow *f)
{
	free(f->e);
	free(f->head);
	free(f->prev_e);
	free(f->queue);
	free(f->dist);
	free(f->inq);
}

static size_t flow_edge(struct flow *f, int32_t u, int32_t w, int64_t cost)
{
	if (f->ne + 2 > f->cap_e) {
		f->cap_e = f->cap_e ? 2 * f->cap_e : 1024;
		f->e = xrealloc(f->e, f->cap_e * sizeof(*f->e));
	}
	size_t id = f->ne;
	f->e[f->ne] = (struct edge){w, f->head[u], 1, cost};
	f->head[u] = (int32_t)f->ne++;
	f->e[f->ne] = (struct edge){u, f->head[w], 0, -cost};
	f->head[w] = (int32_t)f->ne++;
	return id;
}

/* Successive shortest paths (SPFA, as arc costs may be negative) from node
 * 0 to node 1, one unit at a time, until no path is left: a min-cost
 * maximum flow. */
static void flow_run(struct flow *f)
{
	const int64_t inf = INT64_MAX / 4;
	for (;;) {
		size_t qh = 0, qt = 0, n = f->nn, qn = n + 1; /* a ring never full */
		for (size_t i = 0; i < n; i++) {
			f->dist[i] = inf;
			f->inq[i] = false;
			f->prev_e[i] = -1;
		}
		f->dist[0] = 0;
		f->queue[qt++] = 0;
		f->inq[0] = true;
		while (qh != qt) {
			int32_t u = f->queue[qh];
			qh = (qh + 1) % qn;
			f->inq[u] = false;
			for (int32_t id = f->head[u]; id >= 0; id = f->e[id].next) {
				struct edge *ed = &f->e[id];
				if (ed->cap <= 0 || f->dist[u] + ed->cost >= f->dist[ed->to])
					continue;
				f->dist[ed->to] = f->dist[u] + ed->cost;
				f->prev_e[ed->to] = id;
				if (!f->inq[ed->to]) {
					f->inq[ed->to] = true;
					f->queue[qt] = ed->to;
					qt = (qt + 1) % qn;
				}
			}
		}
		if (f->dist[1] >= inf)
			return;
		for (int32_t x = 1; x != 0;) {
			int32_t id = f->prev_e[x];
			f->e[id].cap--;
			f->e[id ^ 1].cap++;
			x = f->e[id ^ 1].to;
		}
	}
}

struct opt {
	int32_t v;
	int64_t cost;
};

static int cmp_opt(const void *pa, const void *pb)
{
	const struct opt *x = pa, *y = pb;
	if (x->cost != y->cost)
		return (x->cost > y->cost) - (x->cost < y->cost);
	return (x->v > y->v) - (x->v < y->v);
}

/*
 * One block of pairwise conflicting slots order[b0..b1): keeping, for each
 * slot, its (block size) cheapest eligible volunteers loses no optimum (an
 * exchange argument: at most size - 1 of them serve other slots), so the
 * graph stays small.  Beyond ARCS_MAX slots a block keeps only ARCS_MAX
 * per slot: no longer provably optimal for the block, but on the bench it
 * halves the time for the same filled count and a Gini 0.002 higher.
 * Nodes: 0 source, 1 sink, 2.. slots, then volunteers.
 */
static void solve_block(struct st *S, struct flow *f, size_t b0, size_t b1, int32_t *local,
                        struct opt *opts, int32_t *vol_of)
{
	size_t k = b1 - b0, nvl = 0;
	flow_reset(f, 2 + k + k * k);
	bool any = false;
	for (size_t i = 0; i < k; i++) {
		size_t s = (size_t)S->order[b0 + i], no = 0;
		flow_edge(f, 0, (int32_t)(2 + i), 0);
		for (size_t c = S->cand_off[s]; c < S->cand_off[s + 1]; c++) {
			size_t v = (size_t)S->cand[c];
			if (!can_take(S, v, s))
				continue;
			opts[no++] = (struct opt){(int32_t)v, add_cost(S, v, s)};
		}
		qsort(opts, no, sizeof(*opts), cmp_opt);
		if (no > k)
			no = k;
		if (no > ARCS_MAX)
			no = ARCS_MAX;
		for (size_t j = 0; j < no; j++) {
			int32_t v = opts[j].v;
			if (local[v] < 0) {
				local[v] = (int32_t)(2 + k + nvl);
				vol_of[nvl++] = v;
				flow_edge(f, local[v], 1, 0);
			}
			flow_edge(f, (int32_t)(2 + i), local[v], opts[j].cost);
			any = true;
		}
	}
	f->nn = 2 + k + nvl;
	if (any)
		flow_run(f);
	for (size_t i = 0; i < k; i++) {
		size_t s = (size_t)S->order[b0 + i];
		for (int32_t id = f->head[2 + i]; id >= 0; id = f->e[id].next) {
			struct edge *ed = &f->e[id];
			if ((id & 1) == 0 && ed->to >= (int32_t)(2 + k) && ed->cap == 0) {
				assign(S, s, (size_t)vol_of[ed->to - (int32_t)(2 + k)]);
				break;
			}
		}
	}
	for (size_t j = 0; j < nvl; j++)
		local[vol_of[j]] = -1;
}

static void run_blocks(struct st *S)
{
	struct flow f = {0};
	int32_t *local = xmalloc((S->nv + 1) * sizeof(*local));
	int32_t *vol_of = xmalloc((BLOCK_MAX * BLOCK_MAX + 1) * sizeof(*vol_of));
	struct opt *opts = xmalloc((S->nv + 1) * sizeof(*opts));
	for (size_t v = 0; v < S->nv; v++)
		local[v] = -1;
	for (size_t b0 = 0; b0 < S->ns;) {
		size_t b1 = b0 + 1;
		int64_t start = S->in->slot[S->order[b0]].start;
		while (b1 < S->ns && b1 - b0 < BLOCK_MAX &&
		       S->in->slot[S->order[b1]].start == start)
			b1++;
		solve_block(S, &f, b0, b1, local, opts, vol_of);
		b0 = b1;
	}
	free(local);
	free(vol_of);
	free(opts);
	flow_release(&f);
}

/* ---- repair: ejection chains ---- */

/* The cheapest volunteer other than not who may take s now, or -1. */
static int32_t best_taker(const struct st *S, size_t s, int32_t not )
{
	int32_t best = -1;
	int64_t bc = 0;
	for (size_t c = S->cand_off[s]; c < S->cand_off[s + 1]; c++) {
		int32_t v = S->cand[c];
		if (v == not || !can_take(S, (size_t)v, s))
			continue;
		int64_t cost = add_cost(S, (size_t)v, s);
		if (best < 0 || cost < bc) {
			best = v;
			bc = cost;
		}
	}
	return best;
}

/*
 * An ejection chain is a depth-limited search: slot s goes to a free
 * volunteer, or to a volunteer v after taking from v the (at most two)
 * slots that clash with s and, if v's week would be too full, one more slot
 * of that week; each slot taken is placed the same way one level deeper.
 * Slots on the chain are locked so that it never takes back what it just
 * placed.  Every change goes to an undo log, so a chain that cannot finish
 * is undone exactly.  A budget of calls per top-level slot bounds the work;
 * it counts calls, not time, so the result stays deterministic.
 */
enum { CHAIN_DEPTH = 2, CHAIN_BUDGET = 1000 };

struct chain {
	int32_t *log_s, *log_v; /* slot, and the volunteer it had (-1) or got */
	bool *log_add;
	size_t n, cap;
	bool *locked;
	uint32_t budget;
};

static void chain_log(struct chain *C, size_t s, int32_t v, bool add)
{
	if (C->n == C->cap) {
		C->cap = C->cap ? 2 * C->cap : 64;
		C->log_s = xrealloc(C->log_s, C->cap * sizeof(*C->log_s));
		C->log_v = xrealloc(C->log_v, C->cap * sizeof(*C->log_v));
		C->log_add = xrealloc(C->log_add, C->cap * sizeof(*C->log_add));
	}
	C->log_s[C->n] = (int32_t)s;
	C->log_v[C->n] = v;
	C->log_add[C->n++] = add;
}

static void chain_assign(struct st *S, struct chain *C, size_t s, size_t v)
{
	chain_log(C, s, (int32_t)v, true);
	assign(S, s, v);
}

static void chain_unassign(struct st *S, struct chain *C, size_t s)
{
	chain_log(C, s, S->asg[s], false);
	unassign(S, s);
}

static void chain_undo(struct st *S, struct chain *C, size_t mark)
{
	while (C->n > mark) {
		C->n--;
		size_t s = (size_t)C->log_s[C->n];
		if (C->log_add[C->n])
			unassign(S, s);
		else
			assign(S, s, (size_t)C->log_v[C->n]);
	}
}

static bool chain_fill(struct st *S, struct chain *C, size_t s, int depth);

/* Takes R[0..nr) from v, gives s to v, places each of R deeper. */
static bool chain_through(struct st *S, struct chain *C, size_t s, size_t v, const int32_t *R,
                          size_t nr, int depth)
{
	size_t mark = C->n;
	bool ok = true;
	for (size_t i = 0; i < nr; i++) {
		chain_unassign(S, C, (size_t)R[i]);
		C->locked[R[i]] = true;
	}
	if (!can_take(S, v, s)) {
		ok = false;
	} else {
		chain_assign(S, C, s, v);
		for (size_t i = 0; i < nr && ok; i++)
			ok = chain_fill(S, C, (size_t)R[i], depth - 1);
	}
	for (size_t i = 0; i < nr; i++)
		C->locked[R[i]] = false;
	if (!ok)
		chain_undo(S, C, mark);
	return ok;
}

static bool chain_fill(struct st *S, struct chain *C, size_t s, int depth)
{
	if (!C->budget)
		return false;
	C->budget--;
	int32_t w = best_taker(S, s, -1);
	if (w >= 0) {
		chain_assign(S, C, s, (size_t)w);
		return true;
	}
	if (depth == 0)
		return false;
	bool was = C->locked[s];
	C->locked[s] = true;
	const struct roster_slot *sl = &S->in->slot[s];
	for (size_t c = S->cand_off[s]; c < S->cand_off[s + 1] && C->budget; c++) {
		size_t v = (size_t)S->cand[c];
		struct vol_x *x = &S->v[v];
		int32_t R[3];
		size_t nr = 0;
		int64_t freed = 0;
		bool skip = false;
		for (size_t k = 0; k < x->n_slots && !skip; k++) {
			size_t t = (size_t)x->slots[k];
			if (!clash(S->in->slot[t].start, S->in->slot[t].end, sl->start, sl->end,
			           S->in->rules.min_rest))
				continue;
			if (nr == 2 || C->locked[t]) {
				skip = true;
				break;
			}
			R[nr++] = (int32_t)t;
			if (S->sweek[t] == S->sweek[s])
				freed += dur(S, t);
		}
		if (skip)
			continue;
		int64_t excess =
		    S->wused[v * S->nw + (size_t)S->sweek[s]] - freed + dur(S, s) - x->maxw;
		if (excess <= 0) {
			if (chain_through(S, C, s, v, R, nr, depth))
				goto done;
			continue;
		}
		/* Also free one more slot of that week, long enough.  The list
		 * is copied: chain_through reorders v's slots. */
		size_t n_own = x->n_slots;
		int32_t own[64];
		if (n_own > 64)
			n_own = 64;
		if (n_own)
			memcpy(own, x->slots, n_own * sizeof(*own));
		for (size_t k = 0; k < n_own && C->budget; k++) {
			size_t t = (size_t)own[k];
			bool in_r = false;
			for (size_t i = 0; i < nr; i++)
				in_r |= (size_t)R[i] == t;
			if (in_r || C->locked[t] || S->sweek[t] != S->sweek[s] ||
			    dur(S, t) < excess)
				continue;
			R[nr] = (int32_t)t;
			if (chain_through(S, C, s, v, R, nr + 1, depth))
				goto done;
		}
	}
	C->locked[s] = was;
	return false;
done:
	C->locked[s] = was;
	return true;
}

static void run_repair(struct st *S, int depth)
{
	struct chain C = {0};
	C.locked = xcalloc(S->ns + 1, sizeof(*C.locked));
	for (int pass = 0; pass < 3; pass++) {
		bool changed = false;
		for (size_t k = 0; k < S->ns; k++) {
			size_t s = (size_t)S->order[k];
			if (S->asg[s] >= 0)
				continue;
			C.n = 0;
			C.budget = CHAIN_BUDGET;
			if (chain_fill(S, &C, s, depth))
				changed = true;
		}
		if (!changed)
			break;
	}
	free(C.log_s);
	free(C.log_v);
	free(C.log_add);
	free(C.locked);
}

/* ---- balancing: move a slot to whoever lowers the objective most ---- */

static void run_balance(struct st *S, int passes)
{
	for (int pass = 0; pass < passes; pass++) {
		size_t moves = 0;
		for (size_t k = 0; k < S->ns; k++) {
			size_t s = (size_t)S->order[k];
			if (S->asg[s] < 0)
				continue;
			size_t v = (size_t)S->asg[s];
			int64_t d = dur(S, s), lv = S->v[v].load;
			/* What taking s off v saves: spread d(2lv - d), minus the
			 * bonus v had for it (the cost is spread * SCALE - bonus). */
			int64_t gain = d * (2 * lv - d) * SCALE - bonus_of(S, v, s);
			int32_t best = -1;
			int64_t bd = 0;
			for (size_t c = S->cand_off[s]; c < S->cand_off[s + 1]; c++) {
				size_t w = (size_t)S->cand[c];
				if (w == v || S->v[w].load > lv - d)
					continue;
				int64_t delta = add_cost(S, w, s) - gain;
				if (delta >= 0 || (best >= 0 && delta >= bd) || !can_take(S, w, s))
					continue;
				best = (int32_t)w;
				bd = delta;
			}
			if (best >= 0) {
				unassign(S, s);
				assign(S, s, (size_t)best);
				moves++;
			}
		}
		if (!moves)
			break;
	}
}

/* ---- exact branch and bound ---- */

struct bnb {
	struct st *S;
	uint64_t nodes, max_nodes;
	bool aborted;
	struct objective best;
	int32_t *best_asg;
	size_t filled;
	int64_t spread, bonus;
};

static void bnb_visit(struct bnb *B, size_t k)
{
	struct st *S = B->S;
	if (B->aborted || ++B->nodes > B->max_nodes) {
		B->aborted = true;
		return;
	}
	size_t ub = B->filled + (S->ns - k);
	if (ub < B->best.filled || (ub == B->best.filled && B->spread > B->best.spread))
		return;
	if (k == S->ns) {
		struct objective o = {B->filled, B->spread, B->bonus};
		if (better(o, B->best)) {
			B->best = o;
			memcpy(B->best_asg, S->asg, S->ns * sizeof(*S->asg));
		}
		return;
	}
	size_t s = (size_t)S->order[k];
	for (size_t c = S->cand_off[s]; c < S->cand_off[s + 1]; c++) {
		size_t v = (size_t)S->cand[c];
		if (!can_take(S, v, s))
			continue;
		int64_t d = dur(S, s), l = S->v[v].load, b = bonus_of(S, v, s);
		assign(S, s, v);
		B->filled++;
		B->spread += d * (2 * l + d);
		B->bonus += b;
		bnb_visit(B, k + 1);
		B->filled--;
		B->spread -= d * (2 * l + d);
		B->bonus -= b;
		unassign(S, s);
	}
	bnb_visit(B, k + 1);
}

/* ---- results ---- */

static int cmp_i64_sort(const void *a, const void *b)
{
	return cmp_i64(a, b);
}

int roster_gini_milli(const int64_t *v, size_t n)
{
	if (!n)
		return 0;
	int64_t *x = xmalloc(n * sizeof(*x));
	memcpy(x, v, n * sizeof(*x));
	qsort(x, n, sizeof(*x), cmp_i64_sort);
	/* G = sum_i (2i - n - 1) x_(i) / (n sum x), i = 1..n. */
	__int128 num = 0, sum = 0;
	for (size_t i = 0; i < n; i++) {
		num += (__int128)(2 * (int64_t)(i + 1) - (int64_t)n - 1) * x[i];
		sum += x[i];
	}
	free(x);
	if (sum == 0)
		return 0;
	__int128 den = (__int128)n * sum;
	return (int)((num * 2000 + den) / (2 * den));
}

static void classify(const struct st *S, size_t s, struct roster_why *w, enum roster_reason *r)
{
	memset(w, 0, sizeof(*w));
	for (size_t v = 0; v < S->nv; v++) {
		enum roster_reason c = static_ok(S, v, s);
		if (c == ROSTER_NO_SKILL)
			continue;
		w->skilled++;
		if (c == ROSTER_NOT_AVAILABLE)
			continue;
		w->available++;
		if (c == ROSTER_FILLED)
			c = blocked(S, v, s);
		if (c == ROSTER_OVERLAP)
			w->overlap++;
		else if (c == ROSTER_REST)
			w->rest++;
		else if (c == ROSTER_WEEKLY_MAX)
			w->weekly++;
		else
			w->free++;
	}
	if (!S->nv)
		*r = ROSTER_NO_VOLUNTEERS;
	else if (!w->skilled)
		*r = ROSTER_NO_SKILL;
	else if (!w->available)
		*r = ROSTER_NOT_AVAILABLE;
	else if (w->free)
		*r = ROSTER_FREE;
	else if (w->overlap == w->available)
		*r = ROSTER_OVERLAP;
	else if (w->rest == w->available)
		*r = ROSTER_REST;
	else if (w->weekly == w->available)
		*r = ROSTER_WEEKLY_MAX;
	else
		*r = ROSTER_TAKEN;
}

static void summarise_state(struct roster_result *out, const struct st *S, struct arena *a)
{
	size_t ns = S->ns, nv = S->nv;
	out->assigned = arena_alloc(a, (ns + 1) * sizeof(*out->assigned));
	out->reason = arena_zalloc(a, (ns + 1) * sizeof(*out->reason));
	out->why = arena_zalloc(a, (ns + 1) * sizeof(*out->why));
	out->minutes = arena_zalloc(a, (nv + 1) * sizeof(*out->minutes));
	memcpy(out->assigned, S->asg, ns * sizeof(*S->asg));
	struct objective o = objective_of(S);
	out->filled = o.filled;
	out->unfilled = ns - o.filled;
	out->spread = o.spread;
	out->bonus = o.bonus;
	for (size_t s = 0; s < ns; s++) {
		if (S->asg[s] >= 0)
			out->minutes[S->asg[s]] += dur(S, s);
		else
			classify(S, s, &out->why[s], &out->reason[s]);
	}
	out->max_minutes = out->min_minutes = 0;
	for (size_t v = 0; v < nv; v++) {
		if (v == 0 || out->minutes[v] > out->max_minutes)
			out->max_minutes = out->minutes[v];
		if (v == 0 || out->minutes[v] < out->min_minutes)
			out->min_minutes = out->minutes[v];
	}
	out->gini_milli = roster_gini_milli(out->minutes, nv);
}

void roster_summarise(struct roster_result *out, const struct roster_input *in, struct arena *a)
{
	struct arena scratch = ARENA_INIT;
	struct st S;
	int32_t *given = out->assigned;
	st_init(&S, in, &scratch);
	for (size_t s = 0; s < in->n_slot; s++)
		if (given[s] >= 0)
			assign(&S, s, (size_t)given[s]);
	summarise_state(out, &S, a);
	out->method = "manual";
	out->optimal = false;
	arena_release(&scratch);
}

int roster_greedy(struct roster_result *out, const struct roster_input *in, struct arena *a,
                  struct err *e)
{
	struct arena scratch = ARENA_INIT;
	struct st S;
	if (roster_validate(in, e))
		return -1;
	memset(out, 0, sizeof(*out));
	st_init(&S, in, &scratch);
	run_greedy(&S);
	summarise_state(out, &S, a);
	out->method = "greedy";
	arena_release(&scratch);
	return 0;
}

static void load_asg(struct st *S, const int32_t *asg)
{
	for (size_t s = 0; s < S->ns; s++)
		if (S->asg[s] >= 0)
			unassign(S, s);
	for (size_t s = 0; s < S->ns; s++)
		if (asg[s] >= 0)
			assign(S, s, (size_t)asg[s]);
}

int roster_solve_budget(struct roster_result *out, const struct roster_input *in,
                        uint64_t max_nodes, struct arena *a, struct err *e)
{
	struct arena scratch = ARENA_INIT;
	struct st S;
	const char *method = "flow";
	bool optimal = false;
	if (roster_validate(in, e))
		return -1;
	memset(out, 0, sizeof(*out));
	st_init(&S, in, &scratch);
	size_t bytes = (S.ns + 1) * sizeof(int32_t);
	int32_t *best = arena_alloc(&scratch, bytes);

	/* Greedy first, kept as the floor. */
	run_greedy(&S);
	struct objective bo = objective_of(&S);
	memcpy(best, S.asg, bytes);
	for (size_t s = 0; s < S.ns; s++)
		if (S.asg[s] >= 0)
			unassign(&S, s);

	run_blocks(&S);
	run_repair(&S, 1);
	run_balance(&S, 12);
	run_repair(&S, CHAIN_DEPTH);
	run_balance(&S, 4);
	for (size_t k = 0; k < S.ns; k++) { /* balancing may have freed someone */
		size_t sl = (size_t)S.order[k];
		int32_t w = S.asg[sl] < 0 ? best_taker(&S, sl, -1) : -1;
		if (w >= 0)
			assign(&S, sl, (size_t)w);
	}
	struct objective fo = objective_of(&S);
	if (better(fo, bo) || !S.ns) {
		bo = fo;
		memcpy(best, S.asg, bytes);
	} else {
		method = "greedy";
	}

	if (max_nodes) {
		struct bnb B = {&S, 0, max_nodes, false, bo, best, 0, 0, 0};
		for (size_t s = 0; s < S.ns; s++)
			if (S.asg[s] >= 0)
				unassign(&S, s);
		for (size_t v = 0; v < S.nv; v++)
			B.spread += S.v[v].load * S.v[v].load;
		bnb_visit(&B, 0);
		/* An aborted search may still have found something better. */
		if (better(B.best, bo))
			method = "search";
		optimal = !B.aborted;
		bo = B.best;
	}
	load_asg(&S, best);
	summarise_state(out, &S, a);
	out->method = optimal ? "exact" : method;
	out->optimal = optimal;
	arena_release(&scratch);
	return 0;
}

int roster_solve(struct roster_result *out, const struct roster_input *in, struct arena *a,
                 struct err *e)
{
	return roster_solve_budget(out, in, in->n_slot <= 64 ? 2000000 : 0, a, e);
}

/* ---- the independent check ---- */

/* Whether [start, end) lies inside the availability of p, walking the
 * union of absolute and weekly intervals forward from start. */
static bool check_covered(const struct roster_volunteer *p, const struct roster_rules *r,
                          int64_t start, int64_t end)
{
	if (!p->n_available && !p->n_weekly)
		return true;
	int64_t t = start;
	while (t < end) {
		int64_t reach = t;
		for (size_t k = 0; k < p->n_available; k++)
			if (p->available[k].start <= t && p->available[k].end > reach)
				reach = p->available[k].end;
		int64_t wk = floordiv(t + r->tz_offset - ROSTER_MONDAY, ROSTER_WEEK);
		int64_t m = t + r->tz_offset - ROSTER_MONDAY - wk * ROSTER_WEEK;
		for (size_t k = 0; k < p->n_weekly; k++)
			if (p->weekly[k].start <= m && p->weekly[k].end > m &&
			    t - m + p->weekly[k].end > reach)
				reach = t - m + p->weekly[k].end;
		if (reach == t)
			return false;
		t = reach;
	}
	return true;
}

static int cmp_by_start(const void *pa, const void *pb)
{
	const struct pair64 *x = pa, *y = pb; /* a: start, b: slot index */
	return cmp_pair64(x, y);
}

int roster_check(const struct roster_input *in, const int32_t *assigned, struct err *e)
{
	const struct roster_rules *r = &in->rules;
	char field[32];
	int rc = -1;
	struct pair64 *mine = xmalloc((in->n_slot + 1) * sizeof(*mine));

	for (size_t i = 0; i < in->n_slot; i++) {
		const struct roster_slot *s = &in->slot[i];
		snprintf(field, sizeof(field), "slots[%zu]", i);
		if (assigned[i] < -1 || assigned[i] >= (int32_t)in->n_vol) {
			err_set(e, ERR_INVALID, field, "no such volunteer index %" PRId32,
			        assigned[i]);
			goto out;
		}
		if (assigned[i] < 0)
			continue;
		const struct roster_volunteer *p = &in->vol[assigned[i]];
		if ((p->skills & s->skills) != s->skills) {
			err_set(e, ERR_INVALID, field, "volunteer %" PRId64 " lacks a skill",
			        p->id);
			goto out;
		}
		if (!check_covered(p, r, s->start, s->end)) {
			err_set(e, ERR_INVALID, field, "volunteer %" PRId64 " is not available",
			        p->id);
			goto out;
		}
		for (size_t k = 0; k < p->n_busy; k++) {
			int64_t gap1 = s->start - p->busy[k].end, gap2 = p->busy[k].start - s->end;
			if (gap1 < r->min_rest && gap2 < r->min_rest) {
				err_set(e, ERR_INVALID, field,
				        "volunteer %" PRId64 " has a commitment then or too close",
				        p->id);
				goto out;
			}
		}
	}
	for (size_t v = 0; v < in->n_vol; v++) {
		const struct roster_volunteer *p = &in->vol[v];
		size_t n = 0;
		for (size_t i = 0; i < in->n_slot; i++)
			if (assigned[i] == (int32_t)v)
				mine[n++] = (struct pair64){in->slot[i].start, (int64_t)i};
		qsort(mine, n, sizeof(*mine), cmp_by_start);
		for (size_t i = 0; i < n; i++) {
			const struct roster_slot *a = &in->slot[mine[i].b];
			int64_t week =
			    floordiv(a->start + r->tz_offset - ROSTER_MONDAY, ROSTER_WEEK);
			int64_t total = 0;
			if (floordiv(r->prior_week_of + r->tz_offset - ROSTER_MONDAY,
			             ROSTER_WEEK) == week)
				total = p->prior_minutes;
			for (size_t j = 0; j < n; j++) {
				const struct roster_slot *b = &in->slot[mine[j].b];
				if (floordiv(b->start + r->tz_offset - ROSTER_MONDAY,
				             ROSTER_WEEK) == week)
					total += b->end - b->start;
				if (j <= i)
					continue;
				/* b starts at or after a: the gap is b.start - a.end. */
				if (b->start - a->end < r->min_rest || b->start < a->end) {
					snprintf(field, sizeof(field), "slots[%" PRId64 "]",
					         mine[j].b);
					err_set(e, ERR_INVALID, field,
					        "volunteer %" PRId64 " has %" PRId64
					        " minutes between slots %" PRId64 " and %" PRId64
					        " (rest %" PRId64 ")",
					        p->id, b->start - a->end, mine[i].b, mine[j].b,
					        r->min_rest);
					goto out;
				}
			}
			int64_t maxw = p->max_week ? p->max_week : r->max_week;
			if (total > maxw) {
				snprintf(field, sizeof(field), "slots[%" PRId64 "]", mine[i].b);
				err_set(e, ERR_INVALID, field,
				        "volunteer %" PRId64 " works %" PRId64
				        " minutes in a week (max %" PRId64 ")",
				        p->id, total, maxw);
				goto out;
			}
		}
	}
	rc = 0;
out:
	free(mine);
	return rc;
}

void roster_explain(struct strbuf *sb, const struct roster_result *r, size_t i)
{
	const struct roster_why *w = &r->why[i];
	switch (r->reason[i]) {
	case ROSTER_FILLED:
		strbuf_addstr(sb, "filled");
		return;
	case ROSTER_NO_VOLUNTEERS:
		strbuf_addstr(sb, "there are no volunteers");
		return;
	case ROSTER_NO_SKILL:
		strbuf_addstr(sb, "nobody has every skill the post requires");
		return;
	case ROSTER_FREE:
		strbuf_addf(sb, "%" PRIu32 " could still take it", w->free);
		return;
	case ROSTER_NOT_AVAILABLE:
		strbuf_addf(sb,
		            "%" PRIu32 " have the skills, but none of them is available for the "
		            "whole slot",
		            w->skilled);
		return;
	default:
		break;
	}
	strbuf_addf(
	    sb, "%" PRIu32 " have the skills and are available, but all are taken:", w->available);
	const char *sep = " ";
	if (w->overlap) {
		strbuf_addf(sb, "%s%" PRIu32 " already have an overlapping slot", sep, w->overlap);
		sep = ", ";
	}
	if (w->rest) {
		strbuf_addf(sb, "%s%" PRIu32 " would not rest long enough between slots", sep,
		            w->rest);
		sep = ", ";
	}
	if (w->weekly)
		strbuf_addf(sb, "%s%" PRIu32 " would pass their weekly maximum", sep, w->weekly);
}
