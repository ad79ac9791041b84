/*
 * household.h - the households (户) of a scope: the dwellings in which at
 * least one registered resident lives, for modules outside the registry
 * that count households (notices' read receipts; later the emergency
 * check-ins) without reading the registry's tables.
 */
#ifndef LINLI_REGISTRY_HOUSEHOLD_H
#define LINLI_REGISTRY_HOUSEHOLD_H

#include "core/arena.h"
#include "core/err.h"
#include "store/store.h"

#include <stddef.h>
#include <stdint.h>

struct household {
	int64_t dwelling_id;
	int64_t building_id;
	const char *label; /* "3栋 2单元 1203", in the arena */
	int64_t members;
};

/*
 * Every occupied dwelling inside the scope ("community", "compound",
 * "building" or "unit" with its id; the id is ignored for "community"), all
 * within community_id, ordered by building, unit, floor, room.  *out is in a.
 * ERR_INVALID (field "scope") for another scope name; ERR_NOT_FOUND (field
 * "scope_id") when the node is not in the community.
 */
int household_list(struct store *db, struct arena *a, int64_t community_id, const char *scope,
		   int64_t scope_id, struct household **out, size_t *n, struct err *e);

/* 0 when dwelling_id lies in the scope (as above), else ERR_NOT_FOUND. */
int household_in_scope(struct store *db, int64_t community_id, const char *scope,
		       int64_t scope_id, int64_t dwelling_id, struct err *e);

#endif
