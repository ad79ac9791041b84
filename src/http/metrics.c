/*
 * metrics.c - request counters and latency histograms for /metrics.
 *
 * One row of counters per route (plus "static" and "unmatched"), one column
 * per status of a fixed set; everything is a relaxed atomic add, so the hot
 * path takes no lock.  Buckets follow Prometheus conventions (seconds, le).
 */
#include "http/internal.h"

#include "core/arena.h"
#include "store/store.h"

#include <stdatomic.h>
#include <stdlib.h>

static const int statuses[] = { 200, 201, 204, 304, 400, 401, 403, 404, 405,
				409, 413, 415, 429, 500, 503, 0 /* other */ };
enum { NSTATUS = sizeof(statuses) / sizeof(statuses[0]) };
static const int64_t bucket_us[] = { 250, 500, 1000, 2500, 5000, 10000, 25000,
				     50000, 100000, 250000, 500000, 1000000,
				     2500000 };
enum { NBUCKET = sizeof(bucket_us) / sizeof(bucket_us[0]) };

struct row {
	_Atomic uint64_t by_status[NSTATUS];
	_Atomic uint64_t bucket[NBUCKET + 1]; /* last is +Inf */
	_Atomic uint64_t sum_us;
};

static struct row *rows;
static const char *const *row_names;
static size_t nrows_named, nrows;
static _Atomic int64_t inflight;

void metrics_init(const char *const *names, size_t n)
{
	row_names = names;
	nrows_named = n;
	nrows = n + 2;
	rows = xcalloc(nrows, sizeof(*rows));
}

void metrics_free(void)
{
	free(rows);
	rows = NULL;
}

size_t metrics_static_index(void)
{
	return nrows_named;
}

size_t metrics_unmatched_index(void)
{
	return nrows_named + 1;
}

void metrics_record(size_t route, int status, int64_t ns)
{
	if (!rows || route >= nrows)
		return;
	struct row *r = &rows[route];
	size_t s = 0;
	while (statuses[s] && statuses[s] != status)
		s++;
	atomic_fetch_add_explicit(&r->by_status[s], 1, memory_order_relaxed);
	int64_t us = ns / 1000;
	size_t b = 0;
	while (b < NBUCKET && us > bucket_us[b])
		b++;
	atomic_fetch_add_explicit(&r->bucket[b], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&r->sum_us, (uint64_t)us, memory_order_relaxed);
}

void metrics_inflight(int delta)
{
	atomic_fetch_add_explicit(&inflight, delta, memory_order_relaxed);
}

int64_t metrics_inflight_now(void)
{
	return atomic_load(&inflight);
}

static const char *name_of(size_t i)
{
	if (i < nrows_named)
		return row_names[i];
	return i == nrows_named ? "static" : "unmatched";
}

void metrics_render(struct strbuf *sb, int64_t uptime_s)
{
	strbuf_addstr(sb, "# HELP linli_requests_total Requests answered, by route and status.\n"
			  "# TYPE linli_requests_total counter\n");
	for (size_t i = 0; i < nrows; i++)
		for (size_t s = 0; s < NSTATUS; s++) {
			uint64_t v = atomic_load_explicit(&rows[i].by_status[s], memory_order_relaxed);
			if (!v)
				continue;
			if (statuses[s])
				strbuf_addf(sb, "linli_requests_total{route=\"%s\",status=\"%d\"} %llu\n",
					    name_of(i), statuses[s], (unsigned long long)v);
			else
				strbuf_addf(sb, "linli_requests_total{route=\"%s\",status=\"other\"} %llu\n",
					    name_of(i), (unsigned long long)v);
		}
	strbuf_addstr(sb, "# HELP linli_request_duration_seconds Time from headers to reply, by route.\n"
			  "# TYPE linli_request_duration_seconds histogram\n");
	for (size_t i = 0; i < nrows; i++) {
		uint64_t cum = 0;
		for (size_t b = 0; b <= NBUCKET; b++)
			cum += atomic_load_explicit(&rows[i].bucket[b], memory_order_relaxed);
		if (!cum)
			continue;
		uint64_t total = cum;
		cum = 0;
		for (size_t b = 0; b < NBUCKET; b++) {
			cum += atomic_load_explicit(&rows[i].bucket[b], memory_order_relaxed);
			strbuf_addf(sb, "linli_request_duration_seconds_bucket{route=\"%s\",le=\"%g\"} %llu\n",
				    name_of(i), (double)bucket_us[b] / 1e6, (unsigned long long)cum);
		}
		strbuf_addf(sb, "linli_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} %llu\n",
			    name_of(i), (unsigned long long)total);
		strbuf_addf(sb, "linli_request_duration_seconds_sum{route=\"%s\"} %.6f\n", name_of(i),
			    (double)atomic_load(&rows[i].sum_us) / 1e6);
		strbuf_addf(sb, "linli_request_duration_seconds_count{route=\"%s\"} %llu\n",
			    name_of(i), (unsigned long long)total);
	}
	strbuf_addf(sb, "# TYPE linli_inflight_requests gauge\nlinli_inflight_requests %lld\n",
		    (long long)metrics_inflight_now());
	strbuf_addf(sb, "# TYPE linli_uptime_seconds gauge\nlinli_uptime_seconds %lld\n",
		    (long long)uptime_s);
	/* SQLite's group sync: commits made durable, and the syncs that did it */
	uint64_t commits, syncs;
	store_sync_counts(&commits, &syncs);
	strbuf_addf(sb, "# TYPE linli_store_durable_commits_total counter\n"
		    "linli_store_durable_commits_total %llu\n"
		    "# TYPE linli_store_syncs_total counter\nlinli_store_syncs_total %llu\n",
		    (unsigned long long)commits, (unsigned long long)syncs);
}
