/*
 * emergency_live.c - times the live view in the process, without HTTP:
 * emergency_live() (one query per table, joins in memory, the JSON tree)
 * streamed as JSON text, RUNS times, on the database bench/emergency.mjs
 * leaves (BENCH_KEEP).  Linked with the server's own objects by
 * bench/emergency.sh.
 *
 *   emergency_live DB COMMUNITY ACTIVATION [RUNS]
 * prints "live households=N compute_p50_ms=X compute_max_ms=Y parse_p50_ms=Z"
 * (parse: jansson reading the text back, a check that it is JSON; untimed
 * in the figure).
 */
#include "core/seal.h"
#include "core/timeutil.h"
#include "core/jsonw.h"
#include "field/emergency.h"
#include "registry/resident.h"
#include "routes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	struct err e = ERR_INIT;
	struct store *db = NULL;
	struct seal_keyring *kr = NULL;
	char key[4096];
	int runs = argc > 4 ? atoi(argv[4]) : 20;
	double compute[1000], encode[1000];
	json_int_t households = 0;

	if (argc < 4 || runs < 1 || runs > 1000) {
		fprintf(stderr, "usage: emergency_live DB COMMUNITY ACTIVATION [RUNS <= 1000]\n");
		return 2;
	}
	snprintf(key, sizeof(key), "%s.key", argv[1]);
	if (store_open(&db, argv[1], NULL, &e) < 0 || seal_keyring_load(&kr, key, &e) < 0) {
		fprintf(stderr, "emergency_live: %s\n", e.message);
		return 1;
	}
	resident_set_keyring(kr);
	for (int i = 0; i < runs; i++) {
		struct jsonw w = JSONW_INIT;
		int64_t t0 = time_mono_ns();
		jw_obj(&w);
		if (store_read_begin(db, &e) < 0 ||
		    emergency_live(db, &w, atoll(argv[2]), atoll(argv[3]), NULL, time_now(), &e) <
		        0) {
			fprintf(stderr, "emergency_live: %s\n", e.message);
			return 1;
		}
		store_read_end(db);
		jw_obj_end(&w);
		int64_t t1 = time_mono_ns();
		/* a check that the text is JSON, not timed */
		json_t *live = json_loadb(w.sb.buf, w.sb.len, 0, NULL);
		int64_t t2 = time_mono_ns();
		if (!live) {
			fprintf(stderr, "emergency_live: the output is not JSON\n");
			return 1;
		}
		households = json_integer_value(
		    json_object_get(json_object_get(live, "totals"), "households"));
		json_decref(live);
		jw_release(&w);
		compute[i] = (double)(t1 - t0) / 1e6;
		encode[i] = (double)(t2 - t1) / 1e6;
	}
	qsort(compute, (size_t)runs, sizeof(double), cmp);
	qsort(encode, (size_t)runs, sizeof(double), cmp);
	printf("live households=%lld compute_p50_ms=%.1f compute_max_ms=%.1f parse_p50_ms=%.1f\n",
	       (long long)households, compute[runs / 2], compute[runs - 1], encode[runs / 2]);
	resident_set_keyring(NULL);
	seal_keyring_free(kr);
	store_close(db);
	return 0;
}
