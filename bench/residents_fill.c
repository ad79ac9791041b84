/*
 * residents_fill.c - a community of 50,000 residents for bench/residents.sh.
 *
 *   residents_fill DB PASSWORD [RESIDENTS]
 *
 * DB is a database made by `linli init --demo` (migrated, with its key file
 * DB.key).  Adds a street and a community (压测社区) with high-rise
 * buildings of 4 units × 25 floors × 11 rooms until the households that
 * resident_demo draws (about 2.4 people per dwelling) reach RESIDENTS
 * (default 50,000), fills them with resident_demo (the same generator as the
 * demo), and adds the account `bench` (worker of that community) with
 * PASSWORD.  Prints "community ID residents N" on stdout.
 *
 * Linked with the server's objects (build/obj, without main.o), so it runs
 * the same code as linli.
 */
#include "auth/auth.h"
#include "core/seal.h"
#include "registry/resident.h"
#include "registry/resident_demo.h"
#include "registry/structure.h"
#include "routes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int fail(const struct err *e)
{
	fprintf(stderr, "residents_fill: %s%s%s\n", e->message, e->field[0] ? " field " : "",
	        e->field);
	return 1;
}

int main(int argc, char **argv)
{
	struct err e = ERR_INIT;
	struct store *db = NULL;
	struct seal_keyring *kr = NULL;
	struct store_options so = {.synchronous = "normal"};
	struct resident_demo_stats st;
	const struct migration *m;
	size_t n;
	int applied;
	int64_t street, community, compound, uid, target = 50000;
	char key[4096], name[64], today[16];
	int rc = 1;

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: residents_fill DB PASSWORD [RESIDENTS]\n");
		return 2;
	}
	if (argc == 4 && (target = atoll(argv[3])) <= 0) {
		fprintf(stderr, "residents_fill: RESIDENTS must be a positive number\n");
		return 2;
	}
	snprintf(key, sizeof(key), "%s.key", argv[1]);
	m = all_migrations(&n);
	if (store_open(&db, argv[1], &so, &e) < 0 || store_migrate(db, m, n, &applied, &e) < 0 ||
	    seal_keyring_load(&kr, key, &e) < 0)
		goto out;
	resident_set_keyring(kr);
	if (structure_street_add(db, &street, "压测街道", &e) < 0 ||
	    structure_community_add(db, &community, street, "压测社区", &e) < 0 ||
	    structure_compound_add(db, &compound, community, "压测花园", 0, "压测路 1 号", &e) < 0)
		goto out;
	/* 1,100 dwellings a building; 2.4 people a dwelling on average */
	for (int64_t dwellings = 0, b = 1; dwellings * 24 / 10 < target; b++) {
		struct layout l = {.units = 4, .floors = 25, .rooms_per_floor = 11, .area = 9000,
		                   .first_floor = 1};
		int64_t building, nu, nd;
		snprintf(name, sizeof(name), "%lld号楼", (long long)b);
		if (structure_building_add(db, &building, community, compound, name, 0, &e) < 0 ||
		    structure_layout(db, community, building, &l, &nu, &nd, &e) < 0)
			goto out;
		dwellings += nd;
	}
	{
		time_t now = time(NULL) + 8 * 3600;
		struct tm tm;
		gmtime_r(&now, &tm);
		strftime(today, sizeof(today), "%Y-%m-%d", &tm);
	}
	if (resident_demo_at(db, community, 4242, today, &st, &e) < 0)
		goto out;
	{
		struct grant g = {.role = ROLE_WORKER, .scope = SCOPE_COMMUNITY, .scope_id = community,
		                  .community_id = community, .street_id = street};
		if (auth_user_add(db, &uid, "bench", "压测工作者", argv[2], "bench", &e) < 0 ||
		    auth_grant(db, uid, &g, "bench", &e) < 0)
			goto out;
	}
	printf("community %lld residents %lld dwellings %lld over60 %lld skilled %lld\n",
	       (long long)community, (long long)st.residents, (long long)st.dwellings,
	       (long long)st.over60, (long long)st.skilled);
	rc = 0;
out:
	if (rc)
		fail(&e);
	resident_set_keyring(NULL);
	seal_keyring_free(kr);
	store_close(db);
	return rc;
}
