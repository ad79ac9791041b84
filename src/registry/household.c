/*
 * household.c - occupied dwellings by scope (see household.h).
 *
 * One query per scope kind: the scope's column on dwellings (or on
 * buildings, for compounds) is compared with the id, and the dwelling must
 * have a resident.  The scope's node is looked up first so that an id of
 * another community is ERR_NOT_FOUND rather than an empty list.
 */
#include "registry/household.h"

#include <string.h>

#define SELECT_HOUSEHOLDS                                                                          \
	"SELECT d.id, d.building_id, b.name || ' ' || u.name || ' ' || d.room,"                    \
	" (SELECT COUNT(*) FROM residents r WHERE r.dwelling_id = d.id)"                           \
	" FROM dwellings d JOIN units u ON u.id = d.unit_id JOIN buildings b ON b.id = d.building_id" \
	" WHERE d.community_id = ? AND EXISTS (SELECT 1 FROM residents r WHERE r.dwelling_id = d.id)"
#define ORDER " ORDER BY b.name, d.building_id, u.position, d.floor, d.room"

static const char *const scopes[] = {"community", "compound", "building", "unit"};
static const char *const sql_list[] = {
    SELECT_HOUSEHOLDS " AND ? > 0" ORDER,
    SELECT_HOUSEHOLDS " AND b.compound_id = ?" ORDER,
    SELECT_HOUSEHOLDS " AND d.building_id = ?" ORDER,
    SELECT_HOUSEHOLDS " AND d.unit_id = ?" ORDER,
};
static const char *const sql_node[] = {
    "SELECT 1 WHERE ? > 0 AND ? > 0",
    "SELECT 1 FROM compounds WHERE community_id = ? AND id = ?",
    "SELECT 1 FROM buildings WHERE community_id = ? AND id = ?",
    "SELECT 1 FROM units WHERE community_id = ? AND id = ?",
};
static const char *const sql_in[] = {
    "SELECT 1 FROM dwellings d WHERE d.community_id = ? AND d.id = ? AND ? > 0",
    "SELECT 1 FROM dwellings d JOIN buildings b ON b.id = d.building_id"
    " WHERE d.community_id = ? AND d.id = ? AND b.compound_id = ?",
    "SELECT 1 FROM dwellings d WHERE d.community_id = ? AND d.id = ? AND d.building_id = ?",
    "SELECT 1 FROM dwellings d WHERE d.community_id = ? AND d.id = ? AND d.unit_id = ?",
};

static int kind(const char *scope, struct err *e)
{
	for (int k = 0; k < 4; k++)
		if (scope && !strcmp(scope, scopes[k]))
			return k;
	return err_set(e, ERR_INVALID, "scope", "scope must be community, compound, building or unit");
}

static int exists(struct store *db, const char *sql, int64_t a, int64_t b, int64_t c, int nb,
		  bool *out, struct err *e)
{
	struct stmt *st = store_prepare(db, sql, e);
	int rc;
	if (!st)
		return -1;
	stmt_bind_int(st, 1, a);
	stmt_bind_int(st, 2, b);
	if (nb > 2)
		stmt_bind_int(st, 3, c);
	rc = stmt_step(st, e);
	stmt_done(st);
	*out = rc == STORE_ROW;
	return rc < 0 ? -1 : 0;
}

int household_list(struct store *db, struct arena *a, int64_t community_id, const char *scope,
		   int64_t scope_id, struct household **out, size_t *n, struct err *e)
{
	int k = kind(scope, e);
	bool found;
	struct stmt *st;
	size_t cap = 64;
	int rc;

	*out = NULL;
	*n = 0;
	if (k < 0)
		return -1;
	if (k == 0)
		scope_id = community_id;
	if (exists(db, sql_node[k], community_id, scope_id, 0, 2, &found, e) < 0)
		return -1;
	if (!found)
		return err_set(e, ERR_NOT_FOUND, "scope_id", "no %s %lld in this community", scope,
			       (long long)scope_id);
	if (!(st = store_prepare(db, sql_list[k], e)))
		return -1;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_int(st, 2, scope_id);
	*out = arena_alloc(a, cap * sizeof(**out));
	while ((rc = stmt_step(st, e)) == STORE_ROW) {
		if (*n == cap) {
			struct household *grown = arena_alloc(a, 2 * cap * sizeof(*grown));
			memcpy(grown, *out, cap * sizeof(*grown));
			*out = grown;
			cap *= 2;
		}
		(*out)[*n] = (struct household){
		    .dwelling_id = stmt_int(st, 0),
		    .building_id = stmt_int(st, 1),
		    .label = arena_strdup(a, stmt_text(st, 2)),
		    .members = stmt_int(st, 3),
		};
		(*n)++;
	}
	stmt_done(st);
	return rc < 0 ? -1 : 0;
}

int household_in_scope(struct store *db, int64_t community_id, const char *scope,
		       int64_t scope_id, int64_t dwelling_id, struct err *e)
{
	int k = kind(scope, e);
	bool found;
	if (k < 0)
		return -1;
	if (k == 0)
		scope_id = community_id;
	if (exists(db, sql_in[k], community_id, dwelling_id, scope_id, 3, &found, e) < 0)
		return -1;
	return found ? 0 : err_set(e, ERR_NOT_FOUND, "dwelling_id", "no such household in scope");
}
