/*
 * fuzz_roster.c - libFuzzer driver for the roster solver
 * (src/scene/roster.c): the bytes choose a small instance, up to 5 slots
 * and 4 volunteers with skills, availability of every kind, commitments,
 * weekly maxima, prior minutes, teams and preferences, a rest and a time
 * zone.  Then:
 *   - roster_solve and roster_greedy succeed and roster_check accepts both;
 *   - the solver claims optimality, and a brute force over every assignment
 *     (those roster_check accepts) finds the same filled count, spread and
 *     bonus;
 *   - the solver fills at least as many slots as greedy;
 *   - every unfilled slot has a reason other than "free", and its blocked
 *     counts add up to the volunteers available then.
 * Any difference aborts.
 */
#include "core/arena.h"
#include "core/err.h"
#include "scene/roster.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { H = 60, DAY = 1440, MON = 29933280 }; /* Monday 2026-11-30 00:00 UTC */

struct bytes {
	const uint8_t *p;
	size_t n;
};

static unsigned take(struct bytes *b)
{
	if (!b->n)
		return 0;
	b->n--;
	return *b->p++;
}

struct best {
	size_t filled;
	int64_t spread, bonus;
};

static int64_t bonus_of(const struct roster_input *in, const int32_t *asg)
{
	int64_t b = 0;
	for (size_t s = 0; s < in->n_slot; s++) {
		if (asg[s] < 0)
			continue;
		const struct roster_volunteer *p = &in->vol[asg[s]];
		const struct roster_slot *sl = &in->slot[s];
		if (sl->team && sl->team == p->team)
			b += ROSTER_TEAM_BONUS;
		int64_t m = ((sl->start + in->rules.tz_offset - ROSTER_MONDAY) % ROSTER_WEEK +
		             ROSTER_WEEK) %
		            ROSTER_WEEK;
		for (size_t k = 0; k < p->n_prefs; k++) {
			const struct roster_pref *f = &p->prefs[k];
			if ((!f->post || f->post == sl->post) &&
			    (f->from == f->to || (m >= f->from && m < f->to)))
				b += f->weight;
		}
	}
	return b;
}

static void brute(const struct roster_input *in, int32_t *asg, size_t k, struct best *b)
{
	if (k == in->n_slot) {
		struct err e = ERR_INIT;
		if (roster_check(in, asg, &e))
			return;
		size_t filled = 0;
		int64_t spread = 0;
		for (size_t v = 0; v < in->n_vol; v++) {
			int64_t load = in->vol[v].prior_minutes;
			for (size_t s = 0; s < in->n_slot; s++)
				if (asg[s] == (int32_t)v)
					load += in->slot[s].end - in->slot[s].start;
			spread += load * load;
		}
		for (size_t s = 0; s < in->n_slot; s++)
			filled += asg[s] >= 0;
		int64_t bonus = bonus_of(in, asg);
		if (filled > b->filled ||
		    (filled == b->filled &&
		     (spread < b->spread || (spread == b->spread && bonus > b->bonus)))) {
			b->filled = filled;
			b->spread = spread;
			b->bonus = bonus;
		}
		return;
	}
	for (int32_t v = -1; v < (int32_t)in->n_vol; v++) {
		asg[k] = v;
		brute(in, asg, k + 1, b);
	}
}

static void check_result(const struct roster_input *in, const struct roster_result *r)
{
	struct err e = ERR_INIT;
	if (roster_check(in, r->assigned, &e))
		abort();
	for (size_t s = 0; s < in->n_slot; s++) {
		const struct roster_why *w = &r->why[s];
		if ((r->assigned[s] >= 0) != (r->reason[s] == ROSTER_FILLED))
			abort();
		if (r->assigned[s] >= 0)
			continue;
		if (r->reason[s] == ROSTER_FREE || w->free ||
		    w->overlap + w->rest + w->weekly != w->available || w->available > w->skilled)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bytes b = {data, size};
	struct roster_volunteer vol[4];
	struct roster_slot slot[5];
	struct roster_interval iv[4][3];
	struct roster_pref pref[4];
	struct roster_input in;
	struct arena a = ARENA_INIT;

	memset(vol, 0, sizeof(vol));
	size_t nv = take(&b) % 5, ns = 1 + take(&b) % 5;
	in.rules.min_rest = (take(&b) % 4) * 30;
	in.rules.max_week = 60 + (int64_t)take(&b) * 8;
	in.rules.tz_offset = (int64_t)(take(&b) % 3) * 480 - 480;
	in.rules.prior_week_of = MON;
	for (size_t v = 0; v < nv; v++) {
		struct roster_volunteer *p = &vol[v];
		p->id = (int64_t)(7 - v);
		p->skills = take(&b) & 7;
		unsigned kind = take(&b) % 4;
		int64_t st = (int64_t)(take(&b) % 72) * 30;
		int64_t len = (1 + take(&b) % 24) * 30;
		if (kind == 1) {
			int64_t m = st % ROSTER_WEEK, e = m + len;
			iv[v][0] = (struct roster_interval){m, e < ROSTER_WEEK ? e : ROSTER_WEEK};
			p->weekly = iv[v];
			p->n_weekly = 1;
		} else if (kind == 2) {
			iv[v][0] = (struct roster_interval){MON + st, MON + st + len};
			iv[v][1] = (struct roster_interval){MON + st + len, MON + st + 2 * len};
			p->available = iv[v];
			p->n_available = 2;
		}
		if (take(&b) % 3 == 0) {
			int64_t bs = MON + (int64_t)(take(&b) % 96) * 30;
			iv[v][2] = (struct roster_interval){bs, bs + 60};
			p->busy = &iv[v][2];
			p->n_busy = 1;
		}
		p->max_week = take(&b) % 2 ? (int64_t)take(&b) * 4 : 0;
		p->prior_minutes = (take(&b) % 4) * 30;
		p->team = take(&b) % 3;
		if (take(&b) % 2) {
			int32_t from = (int32_t)(take(&b) % 7) * DAY;
			int64_t post = take(&b) % 3;
			int32_t weight = (int32_t)(take(&b) % 41) - 20;
			pref[v] = (struct roster_pref){post, from, from + DAY, weight};
			p->prefs = &pref[v];
			p->n_prefs = 1;
		}
	}
	for (size_t s = 0; s < ns; s++) {
		/* One byte per statement: the order of evaluation inside an
		 * initializer is unspecified. */
		int64_t st = MON + (int64_t)(take(&b) % 96) * 30;
		int64_t len = (1 + take(&b) % 8) * 30, post = take(&b) % 3;
		uint64_t skills = take(&b) & 7;
		skills &= take(&b);
		int64_t team = take(&b) % 3;
		slot[s] = (struct roster_slot){(int64_t)s, 1, st, st + len, post, skills, team};
	}
	in.vol = vol;
	in.n_vol = nv;
	in.slot = slot;
	in.n_slot = ns;

	struct roster_result r, g;
	struct err e = ERR_INIT;
	if (roster_validate(&in, &e)) {
		fprintf(stderr, "%s (%s)\n", e.message, e.field);
		abort(); /* the instance is built valid */
	}
	if (roster_solve(&r, &in, &a, &e) || roster_greedy(&g, &in, &a, &e))
		abort();
	check_result(&in, &r);
	check_result(&in, &g);
	if (!r.optimal || r.filled < g.filled)
		abort();
	int32_t asg[5];
	struct best best = {0, INT64_MAX, INT64_MIN};
	brute(&in, asg, 0, &best);
	if (best.filled != r.filled || best.spread != r.spread || best.bonus != r.bonus)
		abort();
	arena_release(&a);
	return 0;
}
