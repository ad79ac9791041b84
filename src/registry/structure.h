/*
 * structure.h - the community as it is laid out: street → community → grid
 * → compound (小区) → building → unit (单元) → dwelling (户).
 *
 * Every row below the street carries community_id, and every function that
 * takes a community id filters on it, so an id from another community is
 * simply not found.  Access (who may read or change which community) is the
 * handler's business, through auth.h; this file only keeps the rules of the
 * structure itself: names unique among siblings, a grid or compound named by
 * a child must be in the same community, a building is laid out once.
 *
 * Read models (lists, the tree, a building's grid) are returned as jansson
 * values, owned by the caller, ready to be sent; areas are integer 0.01 m².
 */
#ifndef LINLI_REGISTRY_STRUCTURE_H
#define LINLI_REGISTRY_STRUCTURE_H

#include "core/arena.h"
#include "core/err.h"
#include "core/json.h"
#include "core/jsonw.h"
#include "store/store.h"

#include <stdint.h>

enum {
	STRUCTURE_NAME_MAX = 100,       /* characters */
	STRUCTURE_LAYOUT_MAX = 5000,    /* dwellings per layout call */
	STRUCTURE_AREA_MAX = 10000000,  /* 100,000 m² in 0.01 m² */
};

struct community {
	int64_t id;
	int64_t street_id;
	const char *name;        /* in the arena given */
	const char *street_name; /* in the arena given */
};

struct layout {
	int64_t units;           /* 1..20 */
	int64_t floors;          /* 1..99 */
	int64_t rooms_per_floor; /* 1..20 */
	int64_t area;            /* each dwelling, 0.01 m² */
	int64_t first_floor;     /* -5..99, 0 is skipped when counting up */
	/* optional: the area of each room position (rooms_per_floor values);
	 * NULL gives every dwelling `area` */
	const int64_t *room_areas;
};

/* ---- streets and communities ---- */

int structure_street_add(struct store *db, int64_t *out, const char *name, struct err *e);
/* All streets: [{"id","name","communities"}]. */
int structure_streets(struct store *db, json_t **out, struct err *e);
/* Fails with ERR_NOT_FOUND (field street_id) when there is no such street. */
int structure_street_exists(struct store *db, int64_t street_id, struct err *e);

int structure_community_add(struct store *db, int64_t *out, int64_t street_id,
			    const char *name, struct err *e);
/* Fills *out (strings in a); ERR_NOT_FOUND when there is none. */
int structure_community_get(struct store *db, struct community *out, int64_t id,
			    struct arena *a, struct err *e);
/* All communities with counts: [{"id","name","street_id","street_name",
 * "grids","compounds","buildings","dwellings"}]; the caller filters. */
int structure_communities(struct store *db, json_t **out, struct err *e);
/* The community's tree with counts (see docs/api.md). */
int structure_tree(struct store *db, const struct community *c, json_t **out,
		   struct err *e);

/* ---- inside a community ---- */

int structure_grid_add(struct store *db, int64_t *out, int64_t community_id,
		       const char *name, struct err *e);
/* grid_id 0: none.  address may be NULL. */
int structure_compound_add(struct store *db, int64_t *out, int64_t community_id,
			   const char *name, int64_t grid_id, const char *address,
			   struct err *e);
int structure_building_add(struct store *db, int64_t *out, int64_t community_id,
			   int64_t compound_id, const char *name, int64_t grid_id,
			   struct err *e);
/* The building with its units and dwellings (a floors × rooms grid). */
int structure_building_get(struct store *db, json_t **out, int64_t community_id,
			   int64_t building_id, struct err *e);
/*
 * Creates the building's units and dwellings in one transaction.  Room
 * numbers are floor then two-digit room ("1203"; basement "B101").
 * ERR_CONFLICT when the building already has units.
 */
int structure_layout(struct store *db, int64_t community_id, int64_t building_id,
		     const struct layout *l, int64_t *units, int64_t *dwellings,
		     struct err *e);
/* Validates a layout's numbers, naming the field at fault. */
int structure_layout_check(const struct layout *l, struct err *e);
/* The room number for a floor and a 1-based room position. */
void structure_room_name(char out[16], int64_t floor, int64_t room);

/* A page of dwellings ordered by id, after the id `after` (0: from the
 * start), in one building (0: all), written to w as
 * {"dwellings":[...], "next": id|null}.  The hot list: streamed, no tree. */
int structure_dwellings(struct store *db, struct jsonw *w, int64_t community_id,
			int64_t building_id, int64_t after, int64_t limit,
			struct err *e);
/* 0 when dwelling_id is a dwelling of the community, else ERR_NOT_FOUND
 * (field "dwelling_id"). */
int structure_dwelling_in(struct store *db, int64_t community_id, int64_t dwelling_id,
			  struct err *e);

/* Changes a dwelling's area and/or room (NULL/negative: unchanged). */
int structure_dwelling_update(struct store *db, json_t **out, int64_t community_id,
			      int64_t dwelling_id, int64_t area, const char *room,
			      struct err *e);

/*
 * Where a node lies, for grants: the community and street holding a node of
 * the given scope ("street", "community", "grid", "building").
 * ERR_NOT_FOUND when the node does not exist.
 */
int structure_locate(struct store *db, const char *scope, int64_t id,
		     int64_t *community_id, int64_t *street_id, struct err *e);

/*
 * Checks that a node of the given kind ("community", "compound", "building",
 * "unit") is community_id itself or lies inside it, and gives its name for
 * display ("阳光花园 3号楼 1单元"), allocated in a.  ERR_INVALID (field
 * "scope") for an unknown kind; ERR_NOT_FOUND (field "scope_id") when there
 * is no such node in the community.  Used by topics (voice/topic.c) for the
 * scope a topic concerns.
 */
int structure_node_in(struct store *db, int64_t community_id, const char *kind, int64_t id,
		      const char **name, struct arena *a, struct err *e);

extern const struct migration structure_migrations[];
extern const size_t structure_migrations_n;

#endif
