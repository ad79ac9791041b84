/*
 * routes.c - every module's route table, in one place: the whole API can be
 * read from here, and docs/api.md documents each route (a test checks it).
 */
#include "routes.h"

#include "auth/auth_http.h"
#include "registry/structure_http.h"
#include "registry/org.h"
#include "registry/resident.h"
#include "registry/resident_index.h"
#include "registry/visit.h"
#include "voice/voice_http.h"

const struct route_table *const all_route_tables[] = {
	&http_platform_routes,
	&auth_routes,
	&structure_routes,
	&org_routes,
	&visit_routes,
	&round_routes,
	&conversation_routes,
	&resident_routes,
};
const size_t all_route_tables_n = sizeof(all_route_tables) / sizeof(all_route_tables[0]);

/* The schema: every module's migrations, in the order they apply. */
#include "auth/auth.h"
#include "registry/structure.h"
#include "voice/conversation.h"
#include "voice/round.h"

static struct migration *all;
static size_t nall;

const struct migration *all_migrations(size_t *n)
{
	if (!all) {
		const struct {
			const struct migration *m;
			size_t n;
		} parts[] = {
			{ auth_migrations, auth_migrations_n },
			{ structure_migrations, structure_migrations_n },
			{ org_migrations, org_migrations_n },
			{ visit_migrations, visit_migrations_n },
			{ round_migrations, round_migrations_n },
			{ conversation_migrations, conversation_migrations_n },
			{ resident_migrations, resident_migrations_n },
			{ resident_index_migrations, resident_index_migrations_n },
		};
		for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
			nall += parts[i].n;
		all = xcalloc(nall, sizeof(*all));
		size_t k = 0;
		for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
			for (size_t j = 0; j < parts[i].n; j++)
				all[k++] = parts[i].m[j];
	}
	*n = nall;
	return all;
}
