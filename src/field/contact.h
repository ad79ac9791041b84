/*
 * contact.h - the contact tree (联络树) for emergencies and the emergency
 * view of the care list (issue 8, item 1).
 *
 * The tree is the community's structure as the registry keeps it:
 * community → grids → buildings → households.  A building belongs to its
 * own grid, else its compound's; buildings with neither hang under "no
 * grid".  Each community, grid and building node has a responsible person
 * and a backup, users of the community stored here (prep_contacts: kind,
 * node, user, backup, display names as they were when assigned).
 * Households are the registry's occupied dwellings (household.h) and are
 * reached through their representative: the householder, else the first
 * resident with a phone, else the first resident (resident.h).
 *
 * Gaps (a node with nobody, or nobody as backup) come first in "gaps", so
 * that the page shows them at the top.
 *
 * The care view ranks the care list (care.h: highest tag priority, then
 * oldest) with the residents who have no primary caretaker first, then
 * those without a backup, then the rest, each group in the care list's
 * order.  This module reads and never writes the care tables:
 * caretakers are assigned through care.h's own routes.
 */
#ifndef LINLI_FIELD_CONTACT_H
#define LINLI_FIELD_CONTACT_H

#include "core/arena.h"
#include "core/json.h"
#include "field/prep.h"
#include "registry/structure.h"
#include "store/store.h"

enum { CONTACT_CALLLIST_MAX = 2000 }; /* residents read for one building */

/* kind "community", "grid" or "building". */
bool contact_kind_valid(const char *kind);

/* The tree: {"community": node, "grids": [node + {"buildings": [...]}],
 * "no_grid": [building nodes], "gaps": [{"kind","id","name","missing":
 * "person"|"backup"}], "counts": {"buildings","households","gaps"}}.
 * node: {"kind","id","name","person": {"user_id","name"}|null,
 * "backup": ...|null}; building nodes add "compound", "households". */
int contact_tree(struct store *db, json_t **out, const struct community *c, struct err *e);

struct contact_assignment {
	const char *kind;
	int64_t node_id;
	int64_t user_id;        /* 0: nobody */
	const char *name;
	int64_t backup_user_id; /* 0: nobody */
	const char *backup_name;
};

/* Sets who answers for a node, audited ("prep.contact.assign").
 * ERR_INVALID "kind"; ERR_NOT_FOUND "node_id" when the node is not in the
 * community; ERR_INVALID "backup_user_id" when the backup is the person. */
int contact_assign(struct store *db, const struct community *c,
                   const struct contact_assignment *a, const struct prep_actor *who,
                   struct arena *ar, struct err *e);

/* A building's call list for a phone tree: {"building": {"id","name",
 * "person","backup"}, "households": [{"dwelling_id","label","members",
 * "representative": {"resident_id","name","relation","phone"}|null}]}.
 * Phones in full when unmask (the caller audits), else masked. */
int contact_call_list(struct store *db, json_t **out, const struct community *c,
                      int64_t building_id, bool unmask, struct arena *a, struct err *e);

/* The care list for emergencies, gaps first (above): the care list's
 * {"residents": [...]} with "gaps": {"no_primary","no_backup"} and "total". */
int contact_care_view(struct store *db, json_t **out, int64_t community_id, bool full,
                      struct err *e);

/* Reorders a care list's "residents" in place, gaps first (pure; for the
 * tests), and sets "gaps". */
void contact_care_rank(json_t *list);

extern const struct migration contact_migrations[];
extern const size_t contact_migrations_n;

struct route_table;
extern const struct route_table contact_routes;

#endif
