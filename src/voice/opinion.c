/*
 * opinion.c - the opinion map: PCA by power iteration, sparsity-aware
 * projection, two-level k-means with silhouette, repness and consensus
 * (see opinion.h for the method; it follows Pol.is's math/src/polismath:
 * pca.clj, clusters.clj, repness.clj, conversation.clj).
 *
 * Why it is built this way:
 * - The centred matrix X (vote minus column mean where a vote is present,
 *   0 where it is missing) is as sparse as the votes, and its columns have
 *   mean 0 exactly, so X'X v is computed straight from the sparse rows
 *   (one pass over the votes per power iteration, never a dense
 *   participants x statements array).  This is what lets 100,000
 *   participants x 1,000 statements run in seconds on one core.
 * - The centred values are stored as float (exact for a column of equal
 *   votes, within 1e-7 otherwise) and every sum is accumulated in double:
 *   one pass reads 8 bytes per vote.
 * - Deflation is implicit: the second component iterates on P X'X P with
 *   P = I - pc1 pc1', which is what Pol.is's factor-matrix computes,
 *   without touching the data.
 * - Building the matrix is two stable counting sorts (statement, then
 *   participant) after hashing the ids: linear in the votes, and the
 *   latest vote per cell is then a scan of adjacent entries.
 * - The base level assigns 100,000 points to 100 centres many times; the
 *   centres are sorted by x and searched outwards from each point, which
 *   gives exactly the full scan's answer while looking at a few centres.
 * - Every random choice comes from splitmix64 seeded from params->seed and
 *   the stream (start vector, base level, k) and run at hand, so results
 *   do not depend on the order in which things are computed, and ties are
 *   broken by index.
 *
 * Invariants: no value in the map is NaN or infinite; a component with no
 * variance is the zero vector; groups are numbered 0..k-1 with no empty
 * group; group[i] is -1 exactly for the participants not clustered.
 */
#include "voice/opinion.h"

#include "core/arena.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- deterministic randomness ---- */

struct rng {
	uint64_t state;
};

static uint64_t rng_next(struct rng *r)
{
	uint64_t z = (r->state += 0x9e3779b97f4a7c15u);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

static void rng_seed(struct rng *r, uint64_t seed, uint64_t stream, uint64_t run)
{
	r->state = seed;
	r->state = rng_next(r) ^ (stream * 0xd1b54a32d192ed03u) ^ (run * 0x8cb92ba72f3d8dd7u);
	(void)rng_next(r);
}

/* Uniform in [0, 1). */
static double rng_unit(struct rng *r)
{
	return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

/* ---- building the matrix ---- */

/* Open addressing from an id to a dense number in order of first sight. */
struct idmap {
	int64_t *keys;
	uint32_t *vals; /* UINT32_MAX: empty slot */
	size_t cap;     /* a power of two */
	size_t count;
	int64_t *ids;   /* count ids in order of first sight */
	size_t ids_cap;
};

static size_t id_hash(int64_t id)
{
	uint64_t z = (uint64_t)id * 0x9e3779b97f4a7c15u;
	return (size_t)(z ^ (z >> 29));
}

static void idmap_init(struct idmap *m)
{
	m->cap = 1024;
	m->count = 0;
	m->keys = xmalloc(m->cap * sizeof(*m->keys));
	m->vals = xmalloc(m->cap * sizeof(*m->vals));
	memset(m->vals, 0xff, m->cap * sizeof(*m->vals));
	m->ids_cap = 256;
	m->ids = xmalloc(m->ids_cap * sizeof(*m->ids));
}

static void idmap_release(struct idmap *m)
{
	free(m->keys);
	free(m->vals);
	free(m->ids);
	memset(m, 0, sizeof(*m));
}

static void idmap_grow(struct idmap *m)
{
	size_t cap = m->cap * 2;
	int64_t *keys = xmalloc(cap * sizeof(*keys));
	uint32_t *vals = xmalloc(cap * sizeof(*vals));

	memset(vals, 0xff, cap * sizeof(*vals));
	for (size_t i = 0; i < m->cap; i++) {
		if (m->vals[i] == UINT32_MAX)
			continue;
		size_t h = id_hash(m->keys[i]) & (cap - 1);
		while (vals[h] != UINT32_MAX)
			h = (h + 1) & (cap - 1);
		keys[h] = m->keys[i];
		vals[h] = m->vals[i];
	}
	free(m->keys);
	free(m->vals);
	m->keys = keys;
	m->vals = vals;
	m->cap = cap;
}

/* The dense number of id, added if new. */
static uint32_t idmap_get(struct idmap *m, int64_t id)
{
	size_t h = id_hash(id) & (m->cap - 1);

	while (m->vals[h] != UINT32_MAX) {
		if (m->keys[h] == id)
			return m->vals[h];
		h = (h + 1) & (m->cap - 1);
	}
	if (m->count == m->ids_cap) {
		m->ids_cap *= 2;
		m->ids = xrealloc(m->ids, m->ids_cap * sizeof(*m->ids));
	}
	m->ids[m->count] = id;
	m->keys[h] = id;
	m->vals[h] = (uint32_t)m->count;
	m->count++;
	if (m->count * 2 > m->cap)
		idmap_grow(m);
	return (uint32_t)(m->count - 1);
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* Sorts map->ids ascending and returns rank[dense] (caller frees). */
static uint32_t *idmap_ranks(struct idmap *m)
{
	uint32_t *rank = xmalloc((m->count ? m->count : 1) * sizeof(*rank));

	qsort(m->ids, m->count, sizeof(*m->ids), cmp_i64);
	for (size_t r = 0; r < m->count; r++) {
		size_t h = id_hash(m->ids[r]) & (m->cap - 1);
		while (m->keys[h] != m->ids[r] || m->vals[h] == UINT32_MAX)
			h = (h + 1) & (m->cap - 1);
		rank[m->vals[h]] = (uint32_t)r;
	}
	return rank;
}

int opinion_matrix_build(struct opinion_matrix *out, const struct opinion_vote *votes, size_t n,
			 struct err *e)
{
	struct idmap pmap, smap;
	uint32_t *prow = NULL, *scol = NULL, *prank = NULL, *srank = NULL;
	size_t *by_col = NULL, *by_row = NULL, *fill = NULL;
	struct opinion_matrix m = OPINION_MATRIX_INIT;
	size_t nv = 0;
	int rc = -1;

	idmap_init(&pmap);
	idmap_init(&smap);
	prow = xmalloc((n ? n : 1) * sizeof(*prow));
	scol = xmalloc((n ? n : 1) * sizeof(*scol));
	for (size_t i = 0; i < n; i++) {
		int v = votes[i].value;
		if (v != OPINION_AGREE && v != OPINION_PASS && v != OPINION_DISAGREE) {
			err_set(e, ERR_INVALID, "vote", "vote %zu: value %d is not -1, 0 or 1",
				i + 1, v);
			goto out;
		}
		prow[i] = idmap_get(&pmap, votes[i].participant);
		scol[i] = idmap_get(&smap, votes[i].statement);
		if (smap.count > OPINION_STATEMENTS_MAX || pmap.count >= UINT32_MAX - 1) {
			bool wide = smap.count > OPINION_STATEMENTS_MAX;
			err_set(e, ERR_INVALID, wide ? "statement" : "vote",
				"more than %d statements or 2^32 participants",
				OPINION_STATEMENTS_MAX);
			goto out;
		}
	}
	prank = idmap_ranks(&pmap);
	srank = idmap_ranks(&smap);
	for (size_t i = 0; i < n; i++) {
		prow[i] = prank[prow[i]];
		scol[i] = srank[scol[i]];
	}

	m.n_participants = pmap.count;
	m.n_statements = smap.count;
	m.participant_ids = xmalloc((pmap.count ? pmap.count : 1) * sizeof(int64_t));
	m.statement_ids = xmalloc((smap.count ? smap.count : 1) * sizeof(int64_t));
	memcpy(m.participant_ids, pmap.ids, pmap.count * sizeof(int64_t));
	memcpy(m.statement_ids, smap.ids, smap.count * sizeof(int64_t));

	/*
	 * Two stable counting sorts (a radix sort on (participant, statement)):
	 * by statement, then by participant.  Votes for one cell end up next
	 * to each other in their original order.
	 */
	size_t nmax = m.n_participants > m.n_statements ? m.n_participants : m.n_statements;
	fill = xmalloc((nmax + 1) * sizeof(*fill));
	by_col = xmalloc((n ? n : 1) * sizeof(*by_col));
	by_row = xmalloc((n ? n : 1) * sizeof(*by_row));
	memset(fill, 0, (m.n_statements + 1) * sizeof(*fill));
	for (size_t i = 0; i < n; i++)
		fill[scol[i] + 1]++;
	for (size_t j = 0; j < m.n_statements; j++)
		fill[j + 1] += fill[j];
	for (size_t i = 0; i < n; i++)
		by_col[fill[scol[i]]++] = i;
	memset(fill, 0, (m.n_participants + 1) * sizeof(*fill));
	for (size_t i = 0; i < n; i++)
		fill[prow[i] + 1]++;
	for (size_t r = 0; r < m.n_participants; r++)
		fill[r + 1] += fill[r];
	m.row_start = xmalloc((m.n_participants + 1) * sizeof(size_t));
	memcpy(m.row_start, fill, (m.n_participants + 1) * sizeof(size_t));
	for (size_t t = 0; t < n; t++)
		by_row[fill[prow[by_col[t]]]++] = by_col[t];

	/* one vote per cell: the greatest time, the later entry among equals */
	m.col = xmalloc((n ? n : 1) * sizeof(uint32_t));
	m.value = xmalloc(n ? n : 1);
	for (size_t r = 0, t = 0; r < m.n_participants; r++) {
		size_t hi = m.row_start[r + 1];
		m.row_start[r] = nv;
		while (t < hi) {
			size_t win = by_row[t];
			for (t++; t < hi && scol[by_row[t]] == scol[win]; t++)
				if (votes[by_row[t]].time >= votes[win].time)
					win = by_row[t];
			m.col[nv] = scol[win];
			m.value[nv++] = votes[win].value;
		}
	}
	m.row_start[m.n_participants] = nv;
	m.n_votes = nv;
	*out = m;
	m = (struct opinion_matrix)OPINION_MATRIX_INIT;
	rc = 0;
out:
	opinion_matrix_release(&m);
	idmap_release(&pmap);
	idmap_release(&smap);
	free(prow);
	free(scol);
	free(prank);
	free(srank);
	free(by_col);
	free(by_row);
	free(fill);
	return rc;
}

int opinion_matrix_from_dense(struct opinion_matrix *out, const int8_t *cells, size_t rows,
			      size_t cols, struct err *e)
{
	struct opinion_matrix m = OPINION_MATRIX_INIT;
	size_t nv = 0;
	int rc = -1;

	if (cols > OPINION_STATEMENTS_MAX) {
		err_set(e, ERR_INVALID, "statement", "more than %d statements",
			OPINION_STATEMENTS_MAX);
		goto out;
	}
	for (size_t i = 0; i < rows * cols; i++) {
		int v = cells[i];
		if (v == OPINION_MISSING)
			continue;
		if (v != OPINION_AGREE && v != OPINION_PASS && v != OPINION_DISAGREE) {
			err_set(e, ERR_INVALID, "vote",
				"row %zu, column %zu: value %d is not -1, 0 or 1", i / cols,
				i % cols, v);
			goto out;
		}
		nv++;
	}
	m.n_participants = rows;
	m.n_statements = cols;
	m.n_votes = nv;
	m.participant_ids = xmalloc((rows ? rows : 1) * sizeof(int64_t));
	m.statement_ids = xmalloc((cols ? cols : 1) * sizeof(int64_t));
	m.row_start = xmalloc((rows + 1) * sizeof(size_t));
	m.col = xmalloc((nv ? nv : 1) * sizeof(uint32_t));
	m.value = xmalloc(nv ? nv : 1);
	for (size_t j = 0; j < cols; j++)
		m.statement_ids[j] = (int64_t)j;
	nv = 0;
	for (size_t i = 0; i < rows; i++) {
		m.participant_ids[i] = (int64_t)i;
		m.row_start[i] = nv;
		for (size_t j = 0; j < cols; j++) {
			int8_t v = cells[i * cols + j];
			if (v == OPINION_MISSING)
				continue;
			m.col[nv] = (uint32_t)j;
			m.value[nv++] = v;
		}
	}
	m.row_start[rows] = nv;
	*out = m;
	m = (struct opinion_matrix)OPINION_MATRIX_INIT;
	rc = 0;
out:
	opinion_matrix_release(&m);
	return rc;
}

void opinion_matrix_release(struct opinion_matrix *m)
{
	if (!m)
		return;
	free(m->participant_ids);
	free(m->statement_ids);
	free(m->row_start);
	free(m->col);
	free(m->value);
	*m = (struct opinion_matrix)OPINION_MATRIX_INIT;
}

/* ---- parameters ---- */

void opinion_params_default(struct opinion_params *p)
{
	p->seed = 1;
	p->pca_iter_max = 1000;
	p->pca_tolerance = 1e-9;
	p->min_votes = OPINION_MIN_VOTES;
	p->greedy_n = OPINION_GREEDY_N;
	p->k_min = OPINION_K_MIN;
	p->k_max = OPINION_K_MAX;
	p->base_k = 100;
	p->base_iter_max = 100;
	p->kmeans_iter_max = 100;
	p->kmeans_restarts = 10;
	p->k_margin = 0.02;
	p->zeroed_statements = 0;
}

static bool params_valid(const struct opinion_params *p)
{
	return p->pca_iter_max >= 1 && p->pca_tolerance > 0 && isfinite(p->pca_tolerance) &&
	       p->k_min >= OPINION_K_MIN && p->k_max <= OPINION_K_MAX && p->k_min <= p->k_max &&
	       p->greedy_n >= 1 && p->base_k >= 1 && p->base_iter_max >= 1 && p->kmeans_iter_max >= 1 &&
	       p->kmeans_restarts >= 1 && p->k_margin >= 0 && p->k_margin <= 2 &&
	       p->zeroed_statements <= OPINION_STATEMENTS_MAX;
}

/* ---- PCA ---- */

static double dot(const double *a, const double *b, size_t n)
{
	double s = 0;
	for (size_t i = 0; i < n; i++)
		s += a[i] * b[i];
	return s;
}

/* Scales v to unit length; returns the old length (0 leaves v alone). */
static double normalise(double *v, size_t n)
{
	double len = sqrt(dot(v, v, n));
	if (len > 0)
		for (size_t i = 0; i < n; i++)
			v[i] /= len;
	return len;
}

/* v -= (v . u) u, for a unit (or zero) u. */
static void orthogonalise(double *v, const double *u, size_t n)
{
	double c = dot(v, u, n);
	for (size_t i = 0; i < n; i++)
		v[i] -= c * u[i];
}

/* y = X'X v, one pass over the sparse rows. */
static void xtx_mul(const struct opinion_matrix *m, const float *x, const double *v, double *y)
{
	memset(y, 0, m->n_statements * sizeof(*y));
	for (size_t i = 0; i < m->n_participants; i++) {
		size_t lo = m->row_start[i], hi = m->row_start[i + 1];
		double s = 0;
		for (size_t t = lo; t < hi; t++)
			s += (double)x[t] * v[m->col[t]];
		if (s == 0)
			continue;
		for (size_t t = lo; t < hi; t++)
			y[m->col[t]] += s * (double)x[t];
	}
}

/* Flips v so that the previous component (if it says anything) or else
 * its largest entry points the positive way. */
static void fix_sign(double *v, const double *prev, size_t n)
{
	double d = prev ? dot(v, prev, n) : 0;
	if (d == 0) {
		size_t best = 0;
		for (size_t j = 1; j < n; j++)
			if (fabs(v[j]) > fabs(v[best]))
				best = j;
		d = n ? v[best] : 0;
	}
	if (d < 0)
		for (size_t j = 0; j < n; j++)
			v[j] = -v[j];
}

/*
 * Leading unit eigenvector of X'X (deflated by the unit vector defl when
 * given) into v, which holds the start on entry.  A component with no
 * variance left (eigenvalue at most 1e-12 of the trace) becomes 0.
 */
static void power_iterate(const struct opinion_matrix *m, const float *x, double trace,
			  const double *defl, double *v, double *y, const struct opinion_params *p,
			  double *eigenvalue, int *iterations)
{
	size_t n = m->n_statements;
	double lambda = 0;
	int it = 0;

	*eigenvalue = 0;
	*iterations = 0;
	if (defl)
		orthogonalise(v, defl, n);
	if (trace <= 0 || normalise(v, n) == 0)
		goto zero;
	while (it < p->pca_iter_max) {
		it++;
		xtx_mul(m, x, v, y);
		if (defl)
			orthogonalise(y, defl, n);
		lambda = normalise(y, n);
		if (!(lambda > 1e-12 * trace))
			goto zero;
		double moved = 0;
		for (size_t j = 0; j < n; j++) {
			double d = y[j] - v[j];
			moved += d * d;
			v[j] = y[j];
		}
		if (sqrt(moved) < p->pca_tolerance)
			break;
	}
	*eigenvalue = lambda;
	*iterations = it;
	return;
zero:
	memset(v, 0, n * sizeof(*v));
	*iterations = it;
}

/* ---- k-means ---- */

/*
 * Points and centres are (x, y) pairs in flat arrays: point i is
 * pts[2i], pts[2i + 1].  Weights (NULL: all 1) let the group level run on
 * the base clusters, each weighing as many participants as it holds.
 */

static double dist2(const double *a, const double *b)
{
	double dx = a[0] - b[0], dy = a[1] - b[1];
	return dx * dx + dy * dy;
}

static double weight(const double *w, size_t i)
{
	return w ? w[i] : 1;
}

static size_t nearest(const double *pt, const double *centre, size_t k)
{
	size_t best = 0;
	double bd = dist2(pt, centre);
	for (size_t c = 1; c < k; c++) {
		double d = dist2(pt, &centre[2 * c]);
		if (d < bd) {
			bd = d;
			best = c;
		}
	}
	return best;
}

/*
 * k-means++: with have centres already in centre[] (0: the first is drawn
 * by weight), each next one is drawn with probability proportional to
 * weight x squared distance to the nearest centre so far.  Returns the
 * number of centres, below k when no point is left away from them (fewer
 * distinct points than k).  d2 is scratch for n values.
 */
static size_t seed_plus_plus(const double *pts, const double *w, size_t n, size_t have,
			     size_t k, struct rng *r, double *centre, double *d2)
{
	if (!have) {
		double total = 0, target, acc = 0;
		size_t first = n - 1;
		for (size_t i = 0; i < n; i++)
			total += weight(w, i);
		target = rng_unit(r) * total;
		for (size_t i = 0; i < n; i++) {
			acc += weight(w, i);
			if (acc > target) {
				first = i;
				break;
			}
		}
		centre[0] = pts[2 * first];
		centre[1] = pts[2 * first + 1];
		have = 1;
	}
	for (size_t i = 0; i < n; i++)
		d2[i] = dist2(&pts[2 * i], &centre[2 * nearest(&pts[2 * i], centre, have)]);
	for (; have < k; have++) {
		double total = 0, target, acc = 0;
		size_t pick = n;
		for (size_t i = 0; i < n; i++)
			total += weight(w, i) * d2[i];
		if (!(total > 0))
			break;
		target = rng_unit(r) * total;
		for (size_t i = 0; i < n; i++) {
			acc += weight(w, i) * d2[i];
			if (d2[i] > 0 && acc > target) {
				pick = i;
				break;
			}
		}
		for (size_t i = n; pick == n && i-- > 0;)
			if (d2[i] > 0)
				pick = i; /* rounding left the target at the very end */
		centre[2 * have] = pts[2 * pick];
		centre[2 * have + 1] = pts[2 * pick + 1];
		for (size_t i = 0; i < n; i++) {
			double d = dist2(&pts[2 * i], &centre[2 * have]);
			if (d < d2[i])
				d2[i] = d;
		}
	}
	return have;
}

/*
 * Labels every point with its nearest centre (the lowest index among equal
 * distances) and says whether a label changed.  With many centres (the
 * base level has up to 100) the centres are sorted by x and scanned
 * outwards from the point's x until the x distance alone exceeds the best
 * distance: the same answer as a full scan, a few centres per point.
 */
static bool assign(const double *pts, size_t n, const double *centre, size_t k, int *label)
{
	bool changed = false;

	if (k <= 8) {
		for (size_t i = 0; i < n; i++) {
			int c = (int)nearest(&pts[2 * i], centre, k);
			changed = changed || c != label[i];
			label[i] = c;
		}
		return changed;
	}
	size_t *idx = xmalloc(k * sizeof(*idx));
	double *xs = xmalloc(k * sizeof(*xs));
	for (size_t c = 0; c < k; c++) { /* insertion sort by x, then index */
		size_t at = c;
		while (at > 0 && centre[2 * idx[at - 1]] > centre[2 * c]) {
			idx[at] = idx[at - 1];
			at--;
		}
		idx[at] = c;
	}
	for (size_t c = 0; c < k; c++)
		xs[c] = centre[2 * idx[c]];
	for (size_t i = 0; i < n; i++) {
		const double *pt = &pts[2 * i];
		size_t lo = 0, hi = k, best = k;
		double bd = 0;
		while (lo < hi) { /* first centre with x >= the point's */
			size_t mid = lo + (hi - lo) / 2;
			if (xs[mid] < pt[0])
				lo = mid + 1;
			else
				hi = mid;
		}
		size_t up = lo, down = lo;
		bool go_up = true, go_down = true;
		while (go_up || go_down) {
			if (go_up) {
				double dx = up < k ? xs[up] - pt[0] : 0;
				if (up >= k || (best < k && dx * dx > bd)) {
					go_up = false;
				} else {
					size_t c = idx[up];
					double d = dist2(pt, &centre[2 * c]);
					if (best == k || d < bd || (d == bd && c < best)) {
						best = c;
						bd = d;
					}
					up++;
				}
			}
			if (go_down) {
				double dx = down > 0 ? pt[0] - xs[down - 1] : 0;
				if (down == 0 || (best < k && dx * dx > bd)) {
					go_down = false;
				} else {
					size_t c = idx[down - 1];
					double d = dist2(pt, &centre[2 * c]);
					if (best == k || d < bd || (d == bd && c < best)) {
						best = c;
						bd = d;
					}
					down--;
				}
			}
		}
		changed = changed || (int)best != label[i];
		label[i] = (int)best;
	}
	free(idx);
	free(xs);
	return changed;
}

/* Output of one Lloyd run. */
struct lloyd_run {
	double inertia; /* weighted sum of squared distances to the centres */
	int iterations;
	bool full;      /* no cluster ended empty */
};

/*
 * Lloyd iterations from the k centres given (updated in place), labels
 * into label, cluster weights into size (k values).  Stops when no label
 * changes, when the centres moved (sum of squares) at most tol, or after
 * iter_max.  An emptied cluster takes the point farthest from its centre,
 * from a cluster of two points or more.
 */
static struct lloyd_run lloyd(const double *pts, const double *w, size_t n, size_t k,
			      int iter_max, double tol, double *centre, int *label, double *size)
{
	struct lloyd_run run = { 0, 0, true };
	double *sum = xmalloc(2 * k * sizeof(*sum));
	size_t *count = xmalloc(k * sizeof(*count));
	bool changed = true;

	for (size_t i = 0; i < n; i++)
		label[i] = -1;
	while (changed && run.iterations < iter_max) {
		run.iterations++;
		changed = assign(pts, n, centre, k, label);
		memset(sum, 0, 2 * k * sizeof(*sum));
		memset(count, 0, k * sizeof(*count));
		for (size_t c = 0; c < k; c++)
			size[c] = 0;
		for (size_t i = 0; i < n; i++) {
			size_t c = (size_t)label[i];
			count[c]++;
			size[c] += weight(w, i);
			sum[2 * c] += weight(w, i) * pts[2 * i];
			sum[2 * c + 1] += weight(w, i) * pts[2 * i + 1];
		}
		for (size_t c = 0; c < k; c++) {
			size_t far = n;
			double fd = 0;
			if (count[c])
				continue;
			for (size_t i = 0; i < n; i++) {
				double d = dist2(&pts[2 * i], &centre[2 * label[i]]);
				if (count[label[i]] > 1 && d > fd) {
					fd = d;
					far = i;
				}
			}
			if (far == n)
				continue; /* every point sits on its centre */
			size_t from = (size_t)label[far];
			double wf = weight(w, far);
			count[from]--;
			size[from] -= wf;
			sum[2 * from] -= wf * pts[2 * far];
			sum[2 * from + 1] -= wf * pts[2 * far + 1];
			label[far] = (int)c;
			count[c] = 1;
			size[c] = wf;
			sum[2 * c] = wf * pts[2 * far];
			sum[2 * c + 1] = wf * pts[2 * far + 1];
			changed = true;
		}
		double moved = 0;
		for (size_t c = 0; c < k; c++) {
			if (!count[c] || !(size[c] > 0))
				continue;
			double nx = sum[2 * c] / size[c], ny = sum[2 * c + 1] / size[c];
			moved += (nx - centre[2 * c]) * (nx - centre[2 * c]) +
				 (ny - centre[2 * c + 1]) * (ny - centre[2 * c + 1]);
			centre[2 * c] = nx;
			centre[2 * c + 1] = ny;
		}
		if (moved <= tol)
			break;
	}
	for (size_t c = 0; c < k; c++)
		run.full = run.full && count[c] > 0;
	for (size_t i = 0; i < n; i++)
		run.inertia += weight(w, i) * dist2(&pts[2 * i], &centre[2 * label[i]]);
	free(sum);
	free(count);
	return run;
}

/* Mean silhouette of label over n points (Rousseeuw 1987); a point alone
 * in its cluster scores 0, as in Pol.is. */
static double silhouette(const double *pts, const int *label, size_t n, int k)
{
	size_t count[OPINION_K_MAX] = { 0 };
	double total = 0;

	for (size_t i = 0; i < n; i++)
		count[label[i]]++;
	for (size_t i = 0; i < n; i++) {
		int own = label[i];
		double sum[OPINION_K_MAX] = { 0 }, a, b = -1, hi;
		if (count[own] < 2)
			continue;
		for (size_t j = 0; j < n; j++)
			if (j != i)
				sum[label[j]] += sqrt(dist2(&pts[2 * i], &pts[2 * j]));
		a = sum[own] / (double)(count[own] - 1);
		for (int c = 0; c < k; c++) {
			if (c == own || !count[c])
				continue;
			double d = sum[c] / (double)count[c];
			if (b < 0 || d < b)
				b = d;
		}
		hi = a > b ? a : b;
		if (b >= 0 && hi > 0)
			total += (b - a) / hi;
	}
	return n ? total / (double)n : 0;
}

/* Renumbers groups by weight (largest first), then by centre x, then y. */
static void canonical_order(double (*centre)[2], int k, const double *size, int *label,
			    size_t n)
{
	int order[OPINION_K_MAX], rename[OPINION_K_MAX];
	double c2[OPINION_K_MAX][2];

	for (int c = 0; c < k; c++)
		order[c] = c;
	for (int a = 1; a < k; a++) {
		int t = order[a], b = a;
		while (b > 0) {
			int o = order[b - 1];
			bool left = centre[t][0] < centre[o][0] ||
				    (centre[t][0] == centre[o][0] && centre[t][1] < centre[o][1]);
			bool before = size[t] > size[o] || (size[t] == size[o] && left);
			if (!before)
				break;
			order[b] = o;
			b--;
		}
		order[b] = t;
	}
	for (int c = 0; c < k; c++) {
		rename[order[c]] = c;
		c2[c][0] = centre[order[c]][0];
		c2[c][1] = centre[order[c]][1];
	}
	memcpy(centre, c2, (size_t)k * sizeof(*c2));
	for (size_t i = 0; i < n; i++)
		label[i] = rename[label[i]];
}

/* ---- statistics (Pol.is repness.clj and stats.clj) ---- */

/* One-proportion z against 1/2, with a pseudo-count on both. */
static double prop_test(double succ, double n)
{
	succ += 1;
	n += 1;
	return 2 * sqrt(n) * (succ / n - 0.5);
}

/* Two-proportion z (in against out), with a pseudo-count on all four; 0
 * when the pooled proportion leaves no variance. */
static double two_prop_test(double succ_in, double succ_out, double n_in, double n_out)
{
	succ_in += 1;
	succ_out += 1;
	n_in += 1;
	n_out += 1;
	double p_in = succ_in / n_in, p_out = succ_out / n_out;
	double pooled = (succ_in + succ_out) / (n_in + n_out);
	double var = pooled * (1 - pooled) * (1 / n_in + 1 / n_out);
	return var > 0 ? (p_in - p_out) / sqrt(var) : 0;
}

static double laplace(uint32_t succ, uint32_t n)
{
	return ((double)succ + 1) / ((double)n + 2);
}

static double rep_metric(const struct opinion_repness *r)
{
	return r->repness * r->repness_test * r->p_success * r->p_test;
}

/* Fills the group's representative statements (Pol.is select-rep-comments,
 * without its "best agree first" nudge): those significant at 90 % both
 * within the group and against the rest, best metric first, at most
 * OPINION_REP_MAX; when none is, the one with the strongest repness test. */
static void select_repness(struct opinion_map *map, int g)
{
	size_t ns = map->n_statements;
	struct opinion_group *grp = &map->groups[g];
	struct opinion_repness best = { 0 };
	bool have_best = false;

	grp->n_rep = 0;
	for (size_t j = 0; j < ns; j++) {
		uint32_t na = map->group_agree[(size_t)g * ns + j];
		uint32_t nd = map->group_disagree[(size_t)g * ns + j];
		uint32_t n = map->group_seen[(size_t)g * ns + j];
		uint32_t na_out = 0, nd_out = 0, n_out = 0;
		if (!n)
			continue;
		for (int h = 0; h < map->k; h++) {
			if (h == g)
				continue;
			na_out += map->group_agree[(size_t)h * ns + j];
			nd_out += map->group_disagree[(size_t)h * ns + j];
			n_out += map->group_seen[(size_t)h * ns + j];
		}
		double pa = laplace(na, n), pd = laplace(nd, n);
		double pat = prop_test(na, n), pdt = prop_test(nd, n);
		double rat = two_prop_test(na, na_out, n, n_out);
		double rdt = two_prop_test(nd, nd_out, n, n_out);
		bool agree = rat > rdt;
		struct opinion_repness r = {
			.statement = (uint32_t)j,
			.agree = agree,
			.n_success = agree ? na : nd,
			.n_trials = n,
			.p_success = agree ? pa : pd,
			.p_test = agree ? pat : pdt,
			.repness = agree ? pa / laplace(na_out, n_out)
					 : pd / laplace(nd_out, n_out),
			.repness_test = agree ? rat : rdt,
		};
		bool passes = (rat > OPINION_Z90 && pat > OPINION_Z90) ||
			      (rdt > OPINION_Z90 && pdt > OPINION_Z90);
		if (!have_best || r.repness_test > best.repness_test) {
			best = r;
			have_best = true;
		}
		if (!passes)
			continue;
		/* insertion into the kept few, best metric first, ties by index */
		size_t at = grp->n_rep;
		while (at > 0 && rep_metric(&grp->rep[at - 1]) < rep_metric(&r))
			at--;
		if (at >= OPINION_REP_MAX)
			continue;
		size_t end = grp->n_rep < OPINION_REP_MAX ? grp->n_rep : OPINION_REP_MAX - 1;
		memmove(&grp->rep[at + 1], &grp->rep[at], (end - at) * sizeof(r));
		grp->rep[at] = r;
		if (grp->n_rep < OPINION_REP_MAX)
			grp->n_rep++;
	}
	if (!grp->n_rep && have_best) {
		grp->rep[0] = best;
		grp->n_rep = 1;
	}
}

/* Pol.is select-consensus-comments over everyone: more likely than not and
 * significant at 90 %, by p * z, at most OPINION_CONSENSUS_MAX each way. */
static void select_consensus(struct opinion_map *map, bool agree)
{
	struct opinion_consensus *list = agree ? map->consensus_agree : map->consensus_disagree;
	size_t *n_list = agree ? &map->n_consensus_agree : &map->n_consensus_disagree;

	*n_list = 0;
	for (size_t j = 0; j < map->n_statements; j++) {
		uint32_t succ = agree ? map->n_agree[j] : map->n_disagree[j];
		uint32_t n = map->n_seen[j];
		struct opinion_consensus c = {
			.statement = (uint32_t)j,
			.agree = agree,
			.n_success = succ,
			.n_trials = n,
			.p_success = laplace(succ, n),
			.p_test = prop_test(succ, n),
		};
		if (!(c.p_success > 0.5 && c.p_test > OPINION_Z90))
			continue;
		double metric = c.p_success * c.p_test;
		size_t at = *n_list;
		while (at > 0 && list[at - 1].p_success * list[at - 1].p_test < metric)
			at--;
		if (at >= OPINION_CONSENSUS_MAX)
			continue;
		size_t end = *n_list < OPINION_CONSENSUS_MAX ? *n_list : OPINION_CONSENSUS_MAX - 1;
		memmove(&list[at + 1], &list[at], (end - at) * sizeof(c));
		list[at] = c;
		if (*n_list < OPINION_CONSENSUS_MAX)
			(*n_list)++;
	}
}

static int cmp_desc(const void *a, const void *b, void *ctx)
{
	const double *key = ctx;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	if (key[x] != key[y])
		return key[x] > key[y] ? -1 : 1;
	return (x > y) - (x < y);
}

static uint32_t *order_by(const double *key, size_t n)
{
	uint32_t *o = xmalloc((n ? n : 1) * sizeof(*o));
	for (size_t j = 0; j < n; j++)
		o[j] = (uint32_t)j;
	qsort_r(o, n, sizeof(*o), cmp_desc, (void *)key);
	return o;
}

/* ---- the map ---- */

/* Which participants are clustered (Pol.is in-conv): min(min_votes,
 * n_statements) votes or more, topped up with the most active to greedy_n. */
static void choose_clustered(struct opinion_map *map, const struct opinion_params *p,
			     bool *in)
{
	size_t n = map->n_participants;
	size_t need = p->min_votes < map->n_statements ? p->min_votes : map->n_statements;
	size_t count = 0;

	for (size_t i = 0; i < n; i++) {
		in[i] = map->n_votes[i] >= need;
		count += in[i];
	}
	while (count < p->greedy_n && count < n) {
		size_t best = n;
		for (size_t i = 0; i < n; i++)
			if (!in[i] && (best == n || map->n_votes[i] > map->n_votes[best]))
				best = i;
		in[best] = true;
		count++;
	}
	map->n_clustered = count;
}

/* The start vector of component c: the previous map's, aligned by
 * statement id, or seeded noise when there is none or it is zero. */
static void start_vector(double *v, const struct opinion_map *map, const struct opinion_map *prev,
			 int c, const struct opinion_params *p, double *aligned)
{
	size_t n = map->n_statements;
	bool any = false;

	memset(aligned, 0, n * sizeof(*aligned));
	if (prev && prev->components) {
		size_t a = 0;
		for (size_t j = 0; j < n; j++) {
			int64_t id = map->statement_ids[j];
			while (a < prev->n_statements && prev->statement_ids[a] < id)
				a++;
			if (a < prev->n_statements && prev->statement_ids[a] == id) {
				aligned[j] = prev->components[(size_t)c * prev->n_statements + a];
				any = any || aligned[j] != 0;
			}
		}
	}
	if (any) {
		memcpy(v, aligned, n * sizeof(*v));
		return;
	}
	struct rng r;
	rng_seed(&r, p->seed, 100 + (uint64_t)c, 0);
	for (size_t j = 0; j < n; j++)
		v[j] = 2 * rng_unit(&r) - 1;
}

static void compute_pca(struct opinion_map *map, const struct opinion_matrix *m, const float *x,
			const struct opinion_params *p, const struct opinion_map *prev)
{
	size_t n = m->n_statements;
	double *y = xmalloc(n * sizeof(*y)), *aligned = xmalloc(n * sizeof(*aligned));
	double trace = 0;

	for (size_t t = 0; t < m->n_votes; t++)
		trace += (double)x[t] * (double)x[t];
	for (int c = 0; c < 2; c++) {
		double *v = &map->components[(size_t)c * n];
		start_vector(v, map, prev, c, p, aligned);
		power_iterate(m, x, trace, c ? map->components : NULL, v, y, p,
			      &map->eigenvalue[c], &map->pca_iterations[c]);
		bool have_prev = false;
		for (size_t j = 0; j < n && !have_prev; j++)
			have_prev = aligned[j] != 0;
		fix_sign(v, have_prev ? aligned : NULL, n);
	}
	free(y);
	free(aligned);
}

static void project(struct opinion_map *map, const struct opinion_matrix *m, const float *x,
		    const struct opinion_params *p)
{
	size_t n = m->n_statements;
	const double *pc1 = map->components, *pc2 = map->components + n;

	for (size_t i = 0; i < m->n_participants; i++) {
		size_t lo = m->row_start[i], hi = m->row_start[i + 1];
		double p1 = 0, p2 = 0;
		for (size_t t = lo; t < hi; t++) {
			p1 += (double)x[t] * pc1[m->col[t]];
			p2 += (double)x[t] * pc2[m->col[t]];
		}
		size_t nv = hi - lo, z = p->zeroed_statements;
		double scale = sqrt((double)(n + z) / (double)(nv + z ? nv + z : 1));
		map->n_votes[i] = (uint32_t)nv;
		map->proj[2 * i] = p1 * scale;
		map->proj[2 * i + 1] = p2 * scale;
	}
}

/* Base clusters of the clustered participants' points (Pol.is: up to 100),
 * warm-started from prev's, empty ones dropped; fills map->n_base,
 * base_centre, base_size and blabel (per point). */
static void base_clusters(struct opinion_map *map, const struct opinion_params *p,
			  const struct opinion_map *prev, const double *pts, size_t nc, int *blabel)
{
	size_t kb = p->base_k < nc ? p->base_k : nc, have = 0, nb = 0;
	double *centre = xmalloc(2 * (kb ? kb : 1) * sizeof(*centre));
	double *size = xmalloc((kb ? kb : 1) * sizeof(*size));
	double *d2 = xmalloc((nc ? nc : 1) * sizeof(*d2));
	int *rename = xmalloc((kb ? kb : 1) * sizeof(*rename));
	double mean[2] = { 0, 0 }, var = 0;
	struct rng r;

	if (!kb)
		goto out;
	if (prev && prev->n_base) {
		have = prev->n_base < kb ? prev->n_base : kb;
		memcpy(centre, prev->base_centre, 2 * have * sizeof(*centre));
	}
	rng_seed(&r, p->seed, 300, 0);
	kb = seed_plus_plus(pts, NULL, nc, have, kb, &r, centre, d2);

	/* stop when the centres move (sum of squares) less than 1e-4 of the
	 * variance, scikit-learn's default */
	for (size_t i = 0; i < nc; i++) {
		mean[0] += pts[2 * i] / (double)nc;
		mean[1] += pts[2 * i + 1] / (double)nc;
	}
	for (size_t i = 0; i < nc; i++)
		var += dist2(&pts[2 * i], mean) / (double)nc;
	lloyd(pts, NULL, nc, kb, p->base_iter_max, 1e-4 * var, centre, blabel, size);

	for (size_t c = 0; c < kb; c++) {
		rename[c] = size[c] > 0 ? (int)nb : -1;
		if (size[c] > 0) {
			centre[2 * nb] = centre[2 * c];
			centre[2 * nb + 1] = centre[2 * c + 1];
			size[nb++] = size[c];
		}
	}
	for (size_t i = 0; i < nc; i++)
		blabel[i] = rename[blabel[i]];
out:
	map->n_base = nb;
	map->base_centre = centre;
	map->base_size = size;
	free(d2);
	free(rename);
}

/* k-means at one k over the base clusters, into km and glabel (nb labels).
 * Warm from prev's centres when they still make k non-empty groups, else
 * the best of the restarts. */
static void group_kmeans(struct opinion_kmeans *km, int k, const struct opinion_map *map,
			 const struct opinion_params *p, const struct opinion_kmeans *prev,
			 int *glabel, int *scratch)
{
	size_t nb = map->n_base;
	const double *bc = map->base_centre, *bw = map->base_size;
	double *d2 = xmalloc(nb * sizeof(*d2)), gsize[OPINION_K_MAX], best_size[OPINION_K_MAX];

	if (prev && prev->feasible) {
		memcpy(km->centre, prev->centre, sizeof(km->centre));
		struct lloyd_run run = lloyd(bc, bw, nb, (size_t)k, p->kmeans_iter_max, 0,
					     &km->centre[0][0], glabel, best_size);
		km->warm = km->feasible = run.full;
		km->inertia = run.inertia;
		km->iterations = run.iterations;
	}
	for (int restart = 0; restart < p->kmeans_restarts && !km->warm; restart++) {
		double centre[OPINION_K_MAX][2] = { { 0 } };
		struct rng r;
		rng_seed(&r, p->seed, (uint64_t)k, (uint64_t)restart);
		if (seed_plus_plus(bc, bw, nb, 0, (size_t)k, &r, &centre[0][0], d2) < (size_t)k)
			break; /* fewer distinct points than k: no restart can do better */
		struct lloyd_run run = lloyd(bc, bw, nb, (size_t)k, p->kmeans_iter_max, 0,
					     &centre[0][0], scratch, gsize);
		if (!run.full || (km->feasible && !(run.inertia < km->inertia)))
			continue;
		km->feasible = true;
		km->inertia = run.inertia;
		km->iterations = run.iterations;
		memcpy(km->centre, centre, sizeof(centre));
		memcpy(best_size, gsize, sizeof(gsize));
		memcpy(glabel, scratch, nb * sizeof(*glabel));
	}
	if (km->feasible && !km->warm)
		canonical_order(km->centre, k, best_size, glabel, nb);
	if (km->feasible)
		km->silhouette = silhouette(bc, glabel, nb, k);
	free(d2);
}

/*
 * The k to keep among the feasible ones.  The incumbent is the previous
 * map's k when it is still feasible, else the smallest feasible k; the k
 * with the best silhouette replaces it only when it is better by more than
 * params->k_margin.  Returns 1 when no k is feasible.
 */
static int choose_k(const struct opinion_map *map, const struct opinion_params *p,
		    const struct opinion_map *prev)
{
	int incumbent = 0, best = 0;

	for (int k = OPINION_K_MIN; k <= OPINION_K_MAX; k++) {
		if (!map->kmeans[k].feasible)
			continue;
		if (!incumbent)
			incumbent = k;
		if (!best || map->kmeans[k].silhouette > map->kmeans[best].silhouette)
			best = k;
	}
	if (!best)
		return 1;
	if (prev && prev->k >= OPINION_K_MIN && prev->k <= OPINION_K_MAX &&
	    map->kmeans[prev->k].feasible)
		incumbent = prev->k;
	if (map->kmeans[best].silhouette > map->kmeans[incumbent].silhouette + p->k_margin)
		return best;
	return incumbent;
}

/* Pol.is's two levels: base clusters of the participants, then groups of
 * base clusters for each k, k chosen by the silhouette over the base
 * clusters; map->group and map->base per participant. */
static void cluster(struct opinion_map *map, const struct opinion_params *p,
		    const struct opinion_map *prev, const bool *in)
{
	size_t nc = map->n_clustered, n = map->n_participants, nb;
	double *pts = xmalloc(2 * (nc ? nc : 1) * sizeof(*pts));
	int *blabel = xmalloc((nc ? nc : 1) * sizeof(*blabel));
	int *glabel[OPINION_K_MAX + 1] = { NULL }, *scratch;
	int k_hi = p->k_max;

	for (size_t i = 0, c = 0; i < n; i++)
		if (in[i]) {
			pts[2 * c] = map->proj[2 * i];
			pts[2 * c + 1] = map->proj[2 * i + 1];
			c++;
		}
	base_clusters(map, p, prev, pts, nc, blabel);
	nb = map->n_base;
	scratch = xmalloc((nb ? nb : 1) * sizeof(*scratch));
	for (int k = 1; k <= OPINION_K_MAX; k++)
		glabel[k] = xcalloc(nb ? nb : 1, sizeof(int)); /* k = 1: everyone in 0 */

	/* Pol.is's max-k: fewer groups while there are few base clusters */
	if ((size_t)k_hi > 2 + nb / 12)
		k_hi = (int)(2 + nb / 12);
	for (int k = p->k_min; k <= k_hi && (size_t)k <= nb; k++)
		group_kmeans(&map->kmeans[k], k, map, p, prev ? &prev->kmeans[k] : NULL,
			     glabel[k], scratch);
	map->k = choose_k(map, p, prev);

	for (size_t i = 0, c = 0; i < n; i++) {
		map->base[i] = in[i] ? blabel[c++] : -1;
		map->group[i] = in[i] ? glabel[map->k][map->base[i]] : -1;
		if (in[i])
			map->groups[map->group[i]].n_members++;
	}
	if (map->k > 1) {
		for (int g = 0; g < map->k; g++) {
			map->groups[g].centre[0] = map->kmeans[map->k].centre[g][0];
			map->groups[g].centre[1] = map->kmeans[map->k].centre[g][1];
		}
	} else {
		double sx = 0, sy = 0;
		for (size_t i = 0; i < nc; i++) {
			sx += pts[2 * i];
			sy += pts[2 * i + 1];
		}
		map->groups[0].centre[0] = nc ? sx / (double)nc : 0;
		map->groups[0].centre[1] = nc ? sy / (double)nc : 0;
	}
	free(pts);
	free(blabel);
	free(scratch);
	for (int k = 1; k <= OPINION_K_MAX; k++)
		free(glabel[k]);
}

/* Vote counts per statement, overall and per group; gic and divisiveness. */
static void statement_stats(struct opinion_map *map, const struct opinion_matrix *m)
{
	size_t ns = m->n_statements;

	for (size_t i = 0; i < m->n_participants; i++) {
		int g = map->group[i];
		for (size_t t = m->row_start[i]; t < m->row_start[i + 1]; t++) {
			uint32_t j = m->col[t];
			int v = m->value[t];
			map->n_seen[j]++;
			map->n_agree[j] += v == OPINION_AGREE;
			map->n_disagree[j] += v == OPINION_DISAGREE;
			if (g < 0)
				continue;
			map->group_seen[(size_t)g * ns + j]++;
			map->group_agree[(size_t)g * ns + j] += v == OPINION_AGREE;
			map->group_disagree[(size_t)g * ns + j] += v == OPINION_DISAGREE;
		}
	}
	for (size_t j = 0; j < ns; j++) {
		double gic = 1, lo = 0, hi = 0;
		int seen_by = 0;
		for (int g = 0; g < map->k; g++) {
			uint32_t a = map->group_agree[(size_t)g * ns + j];
			uint32_t d = map->group_disagree[(size_t)g * ns + j];
			uint32_t s = map->group_seen[(size_t)g * ns + j];
			gic *= laplace(a, s);
			if (!s)
				continue;
			/* net agreement, shrunk towards 0 for a group that saw it little */
			double net = ((double)a - (double)d) / ((double)s + 2);
			if (!seen_by++ || net < lo)
				lo = net;
			if (seen_by == 1 || net > hi)
				hi = net;
		}
		map->gic[j] = gic;
		map->divisiveness[j] = seen_by >= 2 ? (hi - lo) / 2 : 0;
	}
	map->gic_order = order_by(map->gic, ns);
	map->divisive_order = order_by(map->divisiveness, ns);
}

int opinion_map_compute(struct opinion_map *out, const struct opinion_matrix *m,
			const struct opinion_params *params, const struct opinion_map *prev,
			struct err *e)
{
	struct opinion_params defaults;
	struct opinion_map map = OPINION_MAP_INIT;
	float *x = NULL;
	bool *in = NULL;
	int rc = -1;

	if (!params) {
		opinion_params_default(&defaults);
		params = &defaults;
	}
	if (!params_valid(params)) {
		err_set(e, ERR_INVALID, "params", "opinion map parameters out of range");
		goto out;
	}
	if (!m->n_participants || !m->n_statements) {
		err_set(e, ERR_INVALID, "votes", "no votes to map");
		goto out;
	}
	size_t np = m->n_participants, ns = m->n_statements;
	map.n_participants = np;
	map.n_statements = ns;
	map.statement_ids = xmalloc(ns * sizeof(int64_t));
	memcpy(map.statement_ids, m->statement_ids, ns * sizeof(int64_t));
	map.center = xcalloc(ns, sizeof(double));
	map.components = xcalloc(2 * ns, sizeof(double));
	map.proj = xcalloc(2 * np, sizeof(double));
	map.n_votes = xcalloc(np, sizeof(uint32_t));
	map.group = xcalloc(np, sizeof(int));
	map.base = xcalloc(np, sizeof(int));
	map.n_agree = xcalloc(ns, sizeof(uint32_t));
	map.n_disagree = xcalloc(ns, sizeof(uint32_t));
	map.n_seen = xcalloc(ns, sizeof(uint32_t));
	map.gic = xcalloc(ns, sizeof(double));
	map.divisiveness = xcalloc(ns, sizeof(double));

	/* column means over the votes present; a column with none keeps 0 */
	double *sum = xcalloc(ns, sizeof(double));
	for (size_t t = 0; t < m->n_votes; t++) {
		sum[m->col[t]] += m->value[t];
		map.n_seen[m->col[t]]++;
	}
	for (size_t j = 0; j < ns; j++)
		map.center[j] = map.n_seen[j] ? sum[j] / map.n_seen[j] : 0;
	memset(map.n_seen, 0, ns * sizeof(uint32_t));
	free(sum);
	x = xmalloc((m->n_votes ? m->n_votes : 1) * sizeof(*x));
	for (size_t t = 0; t < m->n_votes; t++)
		x[t] = (float)(m->value[t] - map.center[m->col[t]]);

	compute_pca(&map, m, x, params, prev);
	project(&map, m, x, params);
	in = xmalloc(np * sizeof(*in));
	choose_clustered(&map, params, in);
	cluster(&map, params, prev, in);

	map.group_agree = xcalloc((size_t)map.k * ns, sizeof(uint32_t));
	map.group_disagree = xcalloc((size_t)map.k * ns, sizeof(uint32_t));
	map.group_seen = xcalloc((size_t)map.k * ns, sizeof(uint32_t));
	statement_stats(&map, m);
	for (int g = 0; map.k > 1 && g < map.k; g++)
		select_repness(&map, g);
	select_consensus(&map, true);
	select_consensus(&map, false);

	*out = map;
	map = (struct opinion_map)OPINION_MAP_INIT;
	rc = 0;
out:
	opinion_map_release(&map);
	free(x);
	free(in);
	return rc;
}

void opinion_map_release(struct opinion_map *map)
{
	if (!map)
		return;
	free(map->statement_ids);
	free(map->center);
	free(map->components);
	free(map->proj);
	free(map->n_votes);
	free(map->group);
	free(map->base);
	free(map->base_centre);
	free(map->base_size);
	free(map->n_agree);
	free(map->n_disagree);
	free(map->n_seen);
	free(map->group_agree);
	free(map->group_disagree);
	free(map->group_seen);
	free(map->gic);
	free(map->divisiveness);
	free(map->gic_order);
	free(map->divisive_order);
	*map = (struct opinion_map)OPINION_MAP_INIT;
}

/* ---- comparing partitions ---- */

static double pairs(double n)
{
	return n * (n - 1) / 2;
}

double opinion_adjusted_rand(const int *a, const int *b, size_t n)
{
	enum { L = 64 };
	double *table = xcalloc(L * L, sizeof(double));
	double rows[L] = { 0 }, cols[L] = { 0 }, total = 0;
	double sum_ij = 0, sum_a = 0, sum_b = 0, ari = 1;

	for (size_t i = 0; i < n; i++) {
		if (a[i] < 0 || b[i] < 0)
			continue;
		assert(a[i] < L && b[i] < L);
		table[a[i] * L + b[i]]++;
		rows[a[i]]++;
		cols[b[i]]++;
		total++;
	}
	for (int i = 0; i < L; i++) {
		sum_a += pairs(rows[i]);
		sum_b += pairs(cols[i]);
		for (int j = 0; j < L; j++)
			sum_ij += pairs(table[i * L + j]);
	}
	if (total >= 2) {
		double expected = sum_a * sum_b / pairs(total);
		double max = (sum_a + sum_b) / 2;
		if (max - expected != 0)
			ari = (sum_ij - expected) / (max - expected);
	}
	free(table);
	return ari;
}
