/*
 * structure.c - rules and persistence of the community structure (see
 * structure.h).
 */
#include "registry/structure.h"

#include "core/timeutil.h"

#include <stdio.h>
#include <string.h>

static const char sql_street_add[] =
	"INSERT INTO streets (name, created_at) VALUES (?, ?) RETURNING id";
static const char sql_streets[] =
	"SELECT s.id, s.name, (SELECT COUNT(*) FROM communities c WHERE c.street_id = s.id)"
	" FROM streets s ORDER BY s.id";
static const char sql_street_exists[] = "SELECT 1 FROM streets WHERE id = ?";
static const char sql_community_add[] =
	"INSERT INTO communities (street_id, name, created_at) VALUES (?, ?, ?) RETURNING id";
static const char sql_community_get[] =
	"SELECT c.id, c.street_id, c.name, s.name FROM communities c"
	" JOIN streets s ON s.id = c.street_id WHERE c.id = ?";
static const char sql_communities[] =
	"SELECT c.id, c.name, c.street_id, s.name,"
	" (SELECT COUNT(*) FROM grids g WHERE g.community_id = c.id),"
	" (SELECT COUNT(*) FROM compounds p WHERE p.community_id = c.id),"
	" (SELECT COUNT(*) FROM buildings b WHERE b.community_id = c.id),"
	" (SELECT COUNT(*) FROM dwellings d WHERE d.community_id = c.id)"
	" FROM communities c JOIN streets s ON s.id = c.street_id ORDER BY c.id";
static const char sql_grid_add[] =
	"INSERT INTO grids (community_id, name, created_at) VALUES (?, ?, ?) RETURNING id";
static const char sql_grid_in[] = "SELECT 1 FROM grids WHERE id = ? AND community_id = ?";
static const char sql_compound_add[] =
	"INSERT INTO compounds (community_id, grid_id, name, address, created_at)"
	" VALUES (?, ?, ?, ?, ?) RETURNING id";
static const char sql_compound_in[] = "SELECT 1 FROM compounds WHERE id = ? AND community_id = ?";
static const char sql_building_add[] =
	"INSERT INTO buildings (community_id, compound_id, grid_id, name, created_at)"
	" VALUES (?, ?, ?, ?, ?) RETURNING id";
static const char sql_tree_grids[] =
	"SELECT id, name FROM grids WHERE community_id = ? ORDER BY id";
static const char sql_tree_compounds[] =
	"SELECT id, name, grid_id, address FROM compounds WHERE community_id = ? ORDER BY id";
static const char sql_tree_buildings[] =
	"SELECT b.id, b.compound_id, b.name, b.grid_id,"
	" (SELECT COUNT(*) FROM units u WHERE u.building_id = b.id),"
	" COUNT(d.id), COALESCE(SUM(d.area), 0), COALESCE(MAX(d.floor), 0), COALESCE(MIN(d.floor), 0)"
	" FROM buildings b LEFT JOIN dwellings d ON d.building_id = b.id"
	" WHERE b.community_id = ? GROUP BY b.id, b.compound_id, b.name, b.grid_id ORDER BY b.id";
static const char sql_building_get[] =
	"SELECT b.id, b.name, b.compound_id, p.name, b.grid_id FROM buildings b"
	" JOIN compounds p ON p.id = b.compound_id WHERE b.id = ? AND b.community_id = ?";
static const char sql_building_dwellings[] =
	"SELECT u.id, u.name, d.id, d.floor, d.room, d.area FROM units u"
	" LEFT JOIN dwellings d ON d.unit_id = u.id"
	" WHERE u.building_id = ? AND u.community_id = ? ORDER BY u.position, u.id, d.floor DESC, d.room";
static const char sql_units_count[] = "SELECT COUNT(*) FROM units WHERE building_id = ?";
static const char sql_unit_add[] =
	"INSERT INTO units (community_id, building_id, name, position) VALUES (?, ?, ?, ?) RETURNING id";
static const char sql_dwelling_add[] =
	"INSERT INTO dwellings (community_id, building_id, unit_id, floor, room, area)"
	" VALUES (?, ?, ?, ?, ?, ?)";
static const char sql_dwellings_all[] =
	"SELECT d.id, d.building_id, d.unit_id, u.name, d.floor, d.room, d.area"
	" FROM dwellings d JOIN units u ON u.id = d.unit_id"
	" WHERE d.community_id = ? AND d.id > ? ORDER BY d.id LIMIT ?";
static const char sql_dwellings_building[] =
	"SELECT d.id, d.building_id, d.unit_id, u.name, d.floor, d.room, d.area"
	" FROM dwellings d JOIN units u ON u.id = d.unit_id"
	" WHERE d.community_id = ? AND d.building_id = ? AND d.id > ? ORDER BY d.id LIMIT ?";
static const char sql_dwelling_one[] =
	"SELECT d.id, d.building_id, d.unit_id, u.name, d.floor, d.room, d.area"
	" FROM dwellings d JOIN units u ON u.id = d.unit_id WHERE d.id = ? AND d.community_id = ?";
static const char sql_dwelling_in[] = "SELECT 1 FROM dwellings WHERE id = ? AND community_id = ?";
static const char sql_dwelling_area[] =
	"UPDATE dwellings SET area = ? WHERE id = ? AND community_id = ?";
static const char sql_dwelling_room[] =
	"UPDATE dwellings SET room = ? WHERE id = ? AND community_id = ?";
static const char sql_locate_street[] = "SELECT 0, id FROM streets WHERE id = ?";
static const char sql_locate_community[] = "SELECT id, street_id FROM communities WHERE id = ?";
static const char sql_locate_grid[] =
	"SELECT c.id, c.street_id FROM grids g JOIN communities c ON c.id = g.community_id WHERE g.id = ?";
static const char sql_locate_building[] =
	"SELECT c.id, c.street_id FROM buildings b JOIN communities c ON c.id = b.community_id"
	" WHERE b.id = ?";

/* Runs an INSERT ... RETURNING id whose statement is bound; a uniqueness
 * conflict is reported on field. */
static int insert_id(struct stmt *st, int64_t *out, const char *field, const char *what,
		     struct err *e)
{
	int rc = stmt_step(st, e);
	if (rc == STORE_ROW)
		*out = stmt_int(st, 0);
	stmt_done(st);
	if (rc == STORE_ROW)
		return 0;
	if (e->code == ERR_CONFLICT) {
		err_clear(e);
		err_set(e, ERR_CONFLICT, field, "%s already exists here", what);
	}
	return -1;
}

/* True when the one-row existence query finds its row. */
static int exists(struct store *db, const char *sql, int64_t a, int64_t b, bool *out,
		  struct err *e)
{
	struct stmt *st = store_prepare(db, sql, e);
	int rc;
	if (!st)
		return -1;
	stmt_bind_int(st, 1, a);
	if (b)
		stmt_bind_int(st, 2, b);
	rc = stmt_step(st, e);
	stmt_done(st);
	*out = rc == STORE_ROW;
	return rc < 0 ? -1 : 0;
}

/* ---- streets and communities ---- */

int structure_street_add(struct store *db, int64_t *out, const char *name, struct err *e)
{
	struct stmt *st = store_prepare(db, sql_street_add, e);
	if (!st)
		return -1;
	stmt_bind_text(st, 1, name, SIZE_MAX);
	stmt_bind_int(st, 2, time_now());
	return insert_id(st, out, "name", "a street of this name", e);
}

int structure_streets(struct store *db, json_t **out, struct err *e)
{
	struct stmt *st = store_prepare(db, sql_streets, e);
	json_t *arr = json_array();
	int rc;
	if (!st) {
		json_decref(arr);
		return -1;
	}
	while ((rc = stmt_step(st, e)) == STORE_ROW)
		json_array_append_new(arr, json_pack("{s:I, s:s, s:I}", "id", (json_int_t)stmt_int(st, 0),
						     "name", stmt_text(st, 1), "communities",
						     (json_int_t)stmt_int(st, 2)));
	stmt_done(st);
	if (rc < 0) {
		json_decref(arr);
		return -1;
	}
	*out = arr;
	return 0;
}

int structure_street_exists(struct store *db, int64_t street_id, struct err *e)
{
	bool found;
	if (exists(db, sql_street_exists, street_id, 0, &found, e) < 0)
		return -1;
	return found ? 0 : err_set(e, ERR_NOT_FOUND, "street_id", "no such street");
}

int structure_community_add(struct store *db, int64_t *out, int64_t street_id, const char *name,
			    struct err *e)
{
	struct stmt *st;
	if (structure_street_exists(db, street_id, e) < 0 ||
	    !(st = store_prepare(db, sql_community_add, e)))
		return -1;
	stmt_bind_int(st, 1, street_id);
	stmt_bind_text(st, 2, name, SIZE_MAX);
	stmt_bind_int(st, 3, time_now());
	return insert_id(st, out, "name", "a community of this name", e);
}

/*
 * Every request under /api/communities/{id} starts by loading the community,
 * so each worker thread keeps the few it saw last for a moment.  Nothing
 * renames or removes a community today; the short lifetime bounds how stale
 * an entry could be once something does, or when another process does.
 */
enum { COMMUNITY_CACHE = 16, COMMUNITY_CACHE_NS = 2000000000 };

static _Thread_local struct {
	const struct store *db; /* entries of one connection's database only */
	int64_t id, street_id, until_ns;
	char name[3 * STRUCTURE_NAME_MAX + 1], street_name[3 * STRUCTURE_NAME_MAX + 1];
} community_cache[COMMUNITY_CACHE];

int structure_community_get(struct store *db, struct community *out, int64_t id,
			    struct arena *a, struct err *e)
{
	struct stmt *st;
	int64_t now = time_mono_ns();
	size_t slot = (size_t)id % COMMUNITY_CACHE;
	int rc;

	if (community_cache[slot].id == id && community_cache[slot].db == db &&
	    community_cache[slot].until_ns > now) {
		out->id = id;
		out->street_id = community_cache[slot].street_id;
		out->name = arena_strdup(a, community_cache[slot].name);
		out->street_name = arena_strdup(a, community_cache[slot].street_name);
		return 0;
	}
	if (!(st = store_prepare(db, sql_community_get, e)))
		return -1;
	stmt_bind_int(st, 1, id);
	rc = stmt_step(st, e);
	if (rc == STORE_ROW) {
		out->id = stmt_int(st, 0);
		out->street_id = stmt_int(st, 1);
		out->name = arena_strdup(a, stmt_text(st, 2));
		out->street_name = arena_strdup(a, stmt_text(st, 3));
		if (strlen(out->name) < sizeof(community_cache[slot].name) &&
		    strlen(out->street_name) < sizeof(community_cache[slot].street_name)) {
			community_cache[slot].id = id;
			community_cache[slot].db = db;
			community_cache[slot].street_id = out->street_id;
			community_cache[slot].until_ns = now + COMMUNITY_CACHE_NS;
			strcpy(community_cache[slot].name, out->name);
			strcpy(community_cache[slot].street_name, out->street_name);
		}
	}
	stmt_done(st);
	if (rc == STORE_DONE)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such community");
	return rc < 0 ? -1 : 0;
}

int structure_communities(struct store *db, json_t **out, struct err *e)
{
	struct stmt *st = store_prepare(db, sql_communities, e);
	json_t *arr = json_array();
	int rc;
	if (!st) {
		json_decref(arr);
		return -1;
	}
	while ((rc = stmt_step(st, e)) == STORE_ROW)
		json_array_append_new(
			arr, json_pack("{s:I, s:s, s:I, s:s, s:I, s:I, s:I, s:I}", "id",
				       (json_int_t)stmt_int(st, 0), "name", stmt_text(st, 1), "street_id",
				       (json_int_t)stmt_int(st, 2), "street_name", stmt_text(st, 3),
				       "grids", (json_int_t)stmt_int(st, 4), "compounds",
				       (json_int_t)stmt_int(st, 5), "buildings",
				       (json_int_t)stmt_int(st, 6), "dwellings",
				       (json_int_t)stmt_int(st, 7)));
	stmt_done(st);
	if (rc < 0) {
		json_decref(arr);
		return -1;
	}
	*out = arr;
	return 0;
}

static json_t *id_or_null(struct stmt *st, int col)
{
	return stmt_is_null(st, col) ? json_null() : json_integer(stmt_int(st, col));
}

int structure_tree(struct store *db, const struct community *c, json_t **out, struct err *e)
{
	json_t *grids = json_array(), *compounds = json_array(), *root = NULL;
	int64_t nunits = 0, ndwell = 0, area = 0, nbuild = 0;
	struct stmt *st;
	int rc;

	if (!(st = store_prepare(db, sql_tree_grids, e)))
		goto fail;
	stmt_bind_int(st, 1, c->id);
	while ((rc = stmt_step(st, e)) == STORE_ROW)
		json_array_append_new(grids, json_pack("{s:I, s:s}", "id", (json_int_t)stmt_int(st, 0),
						       "name", stmt_text(st, 1)));
	stmt_done(st);
	if (rc < 0 || !(st = store_prepare(db, sql_tree_compounds, e)))
		goto fail;
	stmt_bind_int(st, 1, c->id);
	while ((rc = stmt_step(st, e)) == STORE_ROW) {
		json_t *o = json_pack("{s:I, s:s, s:o, s:o}", "id", (json_int_t)stmt_int(st, 0), "name",
				      stmt_text(st, 1), "grid_id", id_or_null(st, 2), "buildings",
				      json_array());
		if (!stmt_is_null(st, 3))
			json_object_set_new(o, "address", json_string(stmt_text(st, 3)));
		json_array_append_new(compounds, o);
	}
	stmt_done(st);
	if (rc < 0 || !(st = store_prepare(db, sql_tree_buildings, e)))
		goto fail;
	stmt_bind_int(st, 1, c->id);
	while ((rc = stmt_step(st, e)) == STORE_ROW) {
		int64_t compound = stmt_int(st, 1), top = stmt_int(st, 7), bottom = stmt_int(st, 8);
		int64_t floors = top - bottom + 1 - (bottom < 0 && top > 0);
		json_t *b = json_pack("{s:I, s:s, s:o, s:I, s:I, s:I, s:I}", "id",
				      (json_int_t)stmt_int(st, 0), "name", stmt_text(st, 2), "grid_id",
				      id_or_null(st, 3), "units", (json_int_t)stmt_int(st, 4),
				      "dwellings", (json_int_t)stmt_int(st, 5), "area",
				      (json_int_t)stmt_int(st, 6), "floors",
				      (json_int_t)(stmt_int(st, 5) ? floors : 0));
		nbuild++;
		nunits += stmt_int(st, 4);
		ndwell += stmt_int(st, 5);
		area += stmt_int(st, 6);
		size_t i;
		json_t *p;
		json_array_foreach(compounds, i, p) {
			if (json_integer_value(json_object_get(p, "id")) == compound) {
				json_array_append(json_object_get(p, "buildings"), b);
				break;
			}
		}
		json_decref(b);
	}
	stmt_done(st);
	if (rc < 0)
		goto fail;
	root = json_pack("{s:I, s:s, s:I, s:s, s:{s:I, s:I, s:I, s:I, s:I, s:I}, s:o, s:o}", "id",
			 (json_int_t)c->id, "name", c->name, "street_id", (json_int_t)c->street_id,
			 "street_name", c->street_name, "counts", "grids",
			 (json_int_t)json_array_size(grids), "compounds",
			 (json_int_t)json_array_size(compounds), "buildings", (json_int_t)nbuild,
			 "units", (json_int_t)nunits, "dwellings", (json_int_t)ndwell, "area",
			 (json_int_t)area, "grids", grids, "compounds", compounds);
	*out = root;
	return 0;
fail:
	json_decref(grids);
	json_decref(compounds);
	return -1;
}

/* ---- inside a community ---- */

int structure_grid_add(struct store *db, int64_t *out, int64_t community_id, const char *name,
		       struct err *e)
{
	struct stmt *st = store_prepare(db, sql_grid_add, e);
	if (!st)
		return -1;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_text(st, 2, name, SIZE_MAX);
	stmt_bind_int(st, 3, time_now());
	return insert_id(st, out, "name", "a grid of this name", e);
}

static int check_in(struct store *db, const char *sql, int64_t id, int64_t community_id,
		    const char *field, struct err *e)
{
	bool found;
	if (exists(db, sql, id, community_id, &found, e) < 0)
		return -1;
	return found ? 0 : err_set(e, ERR_NOT_FOUND, field, "no such %s in this community", field);
}

int structure_compound_add(struct store *db, int64_t *out, int64_t community_id, const char *name,
			   int64_t grid_id, const char *address, struct err *e)
{
	struct stmt *st;
	if (grid_id && check_in(db, sql_grid_in, grid_id, community_id, "grid_id", e) < 0)
		return -1;
	if (!(st = store_prepare(db, sql_compound_add, e)))
		return -1;
	stmt_bind_int(st, 1, community_id);
	if (grid_id)
		stmt_bind_int(st, 2, grid_id);
	stmt_bind_text(st, 3, name, SIZE_MAX);
	stmt_bind_text(st, 4, address, SIZE_MAX);
	stmt_bind_int(st, 5, time_now());
	return insert_id(st, out, "name", "a compound of this name", e);
}

int structure_building_add(struct store *db, int64_t *out, int64_t community_id,
			   int64_t compound_id, const char *name, int64_t grid_id, struct err *e)
{
	struct stmt *st;
	if (check_in(db, sql_compound_in, compound_id, community_id, "compound_id", e) < 0 ||
	    (grid_id && check_in(db, sql_grid_in, grid_id, community_id, "grid_id", e) < 0))
		return -1;
	if (!(st = store_prepare(db, sql_building_add, e)))
		return -1;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_int(st, 2, compound_id);
	if (grid_id)
		stmt_bind_int(st, 3, grid_id);
	stmt_bind_text(st, 4, name, SIZE_MAX);
	stmt_bind_int(st, 5, time_now());
	return insert_id(st, out, "name", "a building of this name in the compound", e);
}

int structure_building_get(struct store *db, json_t **out, int64_t community_id,
			   int64_t building_id, struct err *e)
{
	struct stmt *st = store_prepare(db, sql_building_get, e);
	json_t *b = NULL, *units = json_array(), *unit = NULL;
	int64_t top = 0, bottom = 0, last_unit = 0;
	bool any = false;
	int rc;

	if (!st)
		goto fail;
	stmt_bind_int(st, 1, building_id);
	stmt_bind_int(st, 2, community_id);
	rc = stmt_step(st, e);
	if (rc == STORE_ROW)
		b = json_pack("{s:I, s:s, s:I, s:s, s:o}", "id", (json_int_t)stmt_int(st, 0), "name",
			      stmt_text(st, 1), "compound_id", (json_int_t)stmt_int(st, 2),
			      "compound_name", stmt_text(st, 3), "grid_id", id_or_null(st, 4));
	stmt_done(st);
	if (rc == STORE_DONE)
		err_set(e, ERR_NOT_FOUND, NULL, "no such building");
	if (rc != STORE_ROW || !(st = store_prepare(db, sql_building_dwellings, e)))
		goto fail;
	stmt_bind_int(st, 1, building_id);
	stmt_bind_int(st, 2, community_id);
	while ((rc = stmt_step(st, e)) == STORE_ROW) {
		if (!unit || stmt_int(st, 0) != last_unit) {
			last_unit = stmt_int(st, 0);
			unit = json_pack("{s:I, s:s, s:[]}", "id", (json_int_t)last_unit, "name",
					 stmt_text(st, 1), "dwellings");
			json_array_append_new(units, unit);
		}
		if (stmt_is_null(st, 2))
			continue;
		int64_t floor = stmt_int(st, 3);
		if (!any || floor > top)
			top = floor;
		if (!any || floor < bottom)
			bottom = floor;
		any = true;
		json_array_append_new(json_object_get(unit, "dwellings"),
				      json_pack("{s:I, s:I, s:s, s:I}", "id", (json_int_t)stmt_int(st, 2),
						"floor", (json_int_t)floor, "room", stmt_text(st, 4),
						"area", (json_int_t)stmt_int(st, 5)));
	}
	stmt_done(st);
	if (rc < 0)
		goto fail;
	json_object_set_new(b, "top_floor", json_integer(top));
	json_object_set_new(b, "bottom_floor", json_integer(bottom));
	json_object_set_new(b, "floors",
			    json_integer(any ? top - bottom + 1 - (bottom < 0 && top > 0) : 0));
	json_object_set_new(b, "units", units);
	*out = b;
	return 0;
fail:
	json_decref(b);
	json_decref(units);
	return -1;
}

int structure_layout_check(const struct layout *l, struct err *e)
{
	if (l->units < 1 || l->units > 20)
		return err_set(e, ERR_INVALID, "units", "units must be between 1 and 20");
	if (l->floors < 1 || l->floors > 99)
		return err_set(e, ERR_INVALID, "floors", "floors must be between 1 and 99");
	if (l->rooms_per_floor < 1 || l->rooms_per_floor > 20)
		return err_set(e, ERR_INVALID, "rooms_per_floor",
			       "rooms_per_floor must be between 1 and 20");
	if (l->area < 1 || l->area > STRUCTURE_AREA_MAX)
		return err_set(e, ERR_INVALID, "area", "area must be between 1 and %d (0.01 m²)",
			       STRUCTURE_AREA_MAX);
	if (l->first_floor < -5 || l->first_floor > 99)
		return err_set(e, ERR_INVALID, "first_floor", "first_floor must be between -5 and 99");
	if (l->units * l->floors * l->rooms_per_floor > STRUCTURE_LAYOUT_MAX)
		return err_set(e, ERR_INVALID, "floors", "at most %d dwellings per building",
			       STRUCTURE_LAYOUT_MAX);
	return 0;
}

void structure_room_name(char out[16], int64_t floor, int64_t room)
{
	/* floors are within -5..197 and rooms within 1..20 (layout_check) */
	int f = (int)floor, r = (int)room;
	if (f < 0)
		snprintf(out, 16, "B%d%02d", -f, r);
	else
		snprintf(out, 16, "%d%02d", f, r);
}

int structure_layout(struct store *db, int64_t community_id, int64_t building_id,
		     const struct layout *l, int64_t *units, int64_t *dwellings, struct err *e)
{
	struct stmt *st;
	json_t *b = NULL;
	int64_t n = 0;
	int rc;

	*units = *dwellings = 0;
	if (structure_layout_check(l, e) < 0)
		return -1;
	if (store_begin(db, e) < 0)
		return -1;
	/* Inside the transaction, so a concurrent layout cannot slip in. */
	if (structure_building_get(db, &b, community_id, building_id, e) < 0)
		goto fail;
	json_decref(b);
	if (!(st = store_prepare(db, sql_units_count, e)))
		goto fail;
	stmt_bind_int(st, 1, building_id);
	rc = stmt_step(st, e);
	n = rc == STORE_ROW ? stmt_int(st, 0) : 0;
	stmt_done(st);
	if (rc < 0)
		goto fail;
	if (n > 0) {
		err_set(e, ERR_CONFLICT, NULL, "this building is already laid out");
		goto fail;
	}
	for (int64_t u = 1; u <= l->units; u++) {
		char name[32];
		int64_t unit_id;
		snprintf(name, sizeof(name), "%lld单元", (long long)u);
		if (!(st = store_prepare(db, sql_unit_add, e)))
			goto fail;
		stmt_bind_int(st, 1, community_id);
		stmt_bind_int(st, 2, building_id);
		stmt_bind_text(st, 3, name, SIZE_MAX);
		stmt_bind_int(st, 4, u);
		if (insert_id(st, &unit_id, NULL, "unit", e) < 0)
			goto fail;
		(*units)++;
		int64_t floor = l->first_floor;
		for (int64_t f = 0; f < l->floors; f++, floor++) {
			if (floor == 0)
				floor = 1;
			for (int64_t r = 1; r <= l->rooms_per_floor; r++) {
				char room[16];
				structure_room_name(room, floor, r);
				if (!(st = store_prepare(db, sql_dwelling_add, e)))
					goto fail;
				stmt_bind_int(st, 1, community_id);
				stmt_bind_int(st, 2, building_id);
				stmt_bind_int(st, 3, unit_id);
				stmt_bind_int(st, 4, floor);
				stmt_bind_text(st, 5, room, SIZE_MAX);
				stmt_bind_int(st, 6, l->room_areas ? l->room_areas[r - 1] : l->area);
				if (stmt_exec(st, e) < 0)
					goto fail;
				(*dwellings)++;
			}
		}
	}
	if (store_commit(db, e) < 0)
		goto fail;
	return 0;
fail:
	store_rollback(db);
	*units = *dwellings = 0;
	return -1;
}

static json_t *dwelling_json(struct stmt *st)
{
	return json_pack("{s:I, s:I, s:I, s:s, s:I, s:s, s:I}", "id", (json_int_t)stmt_int(st, 0),
			 "building_id", (json_int_t)stmt_int(st, 1), "unit_id",
			 (json_int_t)stmt_int(st, 2), "unit", stmt_text(st, 3), "floor",
			 (json_int_t)stmt_int(st, 4), "room", stmt_text(st, 5), "area",
			 (json_int_t)stmt_int(st, 6));
}

int structure_dwellings(struct store *db, struct jsonw *w, int64_t community_id,
			int64_t building_id, int64_t after, int64_t limit, struct err *e)
{
	struct stmt *st = store_prepare(db, building_id ? sql_dwellings_building : sql_dwellings_all, e);
	int64_t last = 0, n = 0;
	int rc, k = 1;

	if (!st)
		return -1;
	stmt_bind_int(st, k++, community_id);
	if (building_id)
		stmt_bind_int(st, k++, building_id);
	stmt_bind_int(st, k++, after);
	stmt_bind_int(st, k++, limit + 1); /* one more tells whether a next page exists */
	jw_obj(w);
	jw_key(w, "dwellings");
	jw_arr(w);
	while ((rc = stmt_step(st, e)) == STORE_ROW) {
		if (n++ == limit)
			break;
		last = stmt_int(st, 0);
		jw_obj(w);
		jw_key(w, "id");
		jw_int(w, last);
		jw_key(w, "building_id");
		jw_int(w, stmt_int(st, 1));
		jw_key(w, "unit_id");
		jw_int(w, stmt_int(st, 2));
		jw_key(w, "unit");
		jw_str(w, stmt_text(st, 3), stmt_len(st, 3));
		jw_key(w, "floor");
		jw_int(w, stmt_int(st, 4));
		jw_key(w, "room");
		jw_str(w, stmt_text(st, 5), stmt_len(st, 5));
		jw_key(w, "area");
		jw_int(w, stmt_int(st, 6));
		jw_obj_end(w);
	}
	stmt_done(st);
	if (rc < 0)
		return -1;
	jw_arr_end(w);
	jw_key(w, "next");
	if (n > limit)
		jw_int(w, last);
	else
		jw_null(w);
	jw_obj_end(w);
	return 0;
}

int structure_dwelling_in(struct store *db, int64_t community_id, int64_t dwelling_id,
			  struct err *e)
{
	return check_in(db, sql_dwelling_in, dwelling_id, community_id, "dwelling_id", e);
}

int structure_dwelling_update(struct store *db, json_t **out, int64_t community_id,
			      int64_t dwelling_id, int64_t area, const char *room, struct err *e)
{
	struct stmt *st;
	int rc;

	if (store_begin(db, e) < 0)
		return -1;
	if (area >= 0) {
		if (!(st = store_prepare(db, sql_dwelling_area, e)))
			goto fail;
		stmt_bind_int(st, 1, area);
		stmt_bind_int(st, 2, dwelling_id);
		stmt_bind_int(st, 3, community_id);
		if (stmt_exec(st, e) < 0)
			goto fail;
	}
	if (room) {
		if (!(st = store_prepare(db, sql_dwelling_room, e)))
			goto fail;
		stmt_bind_text(st, 1, room, SIZE_MAX);
		stmt_bind_int(st, 2, dwelling_id);
		stmt_bind_int(st, 3, community_id);
		if (stmt_exec(st, e) < 0) {
			if (e->code == ERR_CONFLICT) {
				err_clear(e);
				err_set(e, ERR_CONFLICT, "room", "another dwelling of this unit has that room");
			}
			goto fail;
		}
	}
	if (!(st = store_prepare(db, sql_dwelling_one, e)))
		goto fail;
	stmt_bind_int(st, 1, dwelling_id);
	stmt_bind_int(st, 2, community_id);
	rc = stmt_step(st, e);
	if (rc == STORE_ROW)
		*out = dwelling_json(st);
	stmt_done(st);
	if (rc == STORE_DONE)
		err_set(e, ERR_NOT_FOUND, NULL, "no such dwelling");
	if (rc != STORE_ROW || store_commit(db, e) < 0)
		goto fail;
	return 0;
fail:
	store_rollback(db);
	return -1;
}

int structure_locate(struct store *db, const char *scope, int64_t id, int64_t *community_id,
		     int64_t *street_id, struct err *e)
{
	const char *sql = !strcmp(scope, "street")      ? sql_locate_street
			  : !strcmp(scope, "community") ? sql_locate_community
			  : !strcmp(scope, "grid")      ? sql_locate_grid
			  : !strcmp(scope, "building")  ? sql_locate_building
							: NULL;
	struct stmt *st;
	int rc;
	if (!sql)
		return err_set(e, ERR_INVALID, "scope", "no such scope: %s", scope);
	if (!(st = store_prepare(db, sql, e)))
		return -1;
	stmt_bind_int(st, 1, id);
	rc = stmt_step(st, e);
	if (rc == STORE_ROW) {
		*community_id = stmt_int(st, 0);
		*street_id = stmt_int(st, 1);
	}
	stmt_done(st);
	if (rc == STORE_DONE)
		return err_set(e, ERR_NOT_FOUND, "scope_id", "no %s with id %lld", scope, (long long)id);
	return rc < 0 ? -1 : 0;
}

static const char sql_node_community[] = "SELECT name FROM communities WHERE id = ? AND id = ?";
static const char sql_node_compound[] =
	"SELECT name FROM compounds WHERE id = ? AND community_id = ?";
static const char sql_node_building[] =
	"SELECT p.name || ' ' || b.name FROM buildings b JOIN compounds p ON p.id = b.compound_id"
	" WHERE b.id = ? AND b.community_id = ?";
static const char sql_node_unit[] =
	"SELECT p.name || ' ' || b.name || ' ' || u.name FROM units u"
	" JOIN buildings b ON b.id = u.building_id JOIN compounds p ON p.id = b.compound_id"
	" WHERE u.id = ? AND u.community_id = ?";

int structure_node_in(struct store *db, int64_t community_id, const char *kind, int64_t id,
		      const char **name, struct arena *a, struct err *e)
{
	const char *sql = !strcmp(kind, "community")  ? sql_node_community
			  : !strcmp(kind, "compound") ? sql_node_compound
			  : !strcmp(kind, "building") ? sql_node_building
			  : !strcmp(kind, "unit")     ? sql_node_unit
						      : NULL;
	struct stmt *st;
	int rc;
	if (!sql)
		return err_set(e, ERR_INVALID, "scope", "scope must be community, compound, building or unit");
	if (!(st = store_prepare(db, sql, e)))
		return -1;
	stmt_bind_int(st, 1, id);
	stmt_bind_int(st, 2, community_id);
	rc = stmt_step(st, e);
	if (rc == STORE_ROW)
		*name = arena_strdup(a, stmt_text(st, 0));
	stmt_done(st);
	if (rc == STORE_DONE)
		return err_set(e, ERR_NOT_FOUND, "scope_id", "no %s with id %lld in this community", kind,
			       (long long)id);
	return rc < 0 ? -1 : 0;
}

const struct migration structure_migrations[] = {
	{ 200, "registry: streets, communities, grids, compounds, buildings, units, dwellings",
	  "CREATE TABLE streets ("
	  " id @id, name TEXT NOT NULL UNIQUE, created_at BIGINT NOT NULL);"
	  "CREATE TABLE communities ("
	  " id @id, street_id BIGINT NOT NULL REFERENCES streets(id),"
	  " name TEXT NOT NULL, created_at BIGINT NOT NULL, UNIQUE (street_id, name));"
	  "CREATE TABLE grids ("
	  " id @id, community_id BIGINT NOT NULL REFERENCES communities(id),"
	  " name TEXT NOT NULL, created_at BIGINT NOT NULL, UNIQUE (community_id, name));"
	  "CREATE TABLE compounds ("
	  " id @id, community_id BIGINT NOT NULL REFERENCES communities(id),"
	  " grid_id BIGINT REFERENCES grids(id), name TEXT NOT NULL, address TEXT,"
	  " created_at BIGINT NOT NULL, UNIQUE (community_id, name));"
	  "CREATE TABLE buildings ("
	  " id @id, community_id BIGINT NOT NULL REFERENCES communities(id),"
	  " compound_id BIGINT NOT NULL REFERENCES compounds(id),"
	  " grid_id BIGINT REFERENCES grids(id), name TEXT NOT NULL,"
	  " created_at BIGINT NOT NULL, UNIQUE (compound_id, name));"
	  "CREATE INDEX buildings_community ON buildings (community_id);"
	  "CREATE TABLE units ("
	  " id @id, community_id BIGINT NOT NULL REFERENCES communities(id),"
	  " building_id BIGINT NOT NULL REFERENCES buildings(id),"
	  " name TEXT NOT NULL, position INTEGER NOT NULL, UNIQUE (building_id, name));"
	  "CREATE TABLE dwellings ("
	  " id @id, community_id BIGINT NOT NULL REFERENCES communities(id),"
	  " building_id BIGINT NOT NULL REFERENCES buildings(id),"
	  " unit_id BIGINT NOT NULL REFERENCES units(id),"
	  " floor INTEGER NOT NULL, room TEXT NOT NULL, area BIGINT NOT NULL,"
	  " UNIQUE (unit_id, room));"
	  "CREATE INDEX dwellings_community ON dwellings (community_id, id);"
	  "CREATE INDEX dwellings_building ON dwellings (building_id, id);" },
};
const size_t structure_migrations_n = sizeof(structure_migrations) / sizeof(structure_migrations[0]);
