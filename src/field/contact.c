/*
 * contact.c - the contact tree, a building's call list and the care list
 * for emergencies (contact.h).
 *
 * The tree is assembled from the registry's read models (structure_tree,
 * household_list) and this module's own table of who answers for each
 * node; nothing of the registry is copied, so a building added today is in
 * tonight's tree, with a gap until someone is named for it.
 */
#include "field/contact.h"

#include "auth/auth.h"
#include "core/timeutil.h"
#include "registry/care.h"
#include "registry/household.h"
#include "registry/resident.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char sql_contacts[] =
    "SELECT kind, node_id, user_id, user_name, backup_user_id, backup_name FROM prep_contacts"
    " WHERE community_id = ?";
static const char sql_contact_put[] =
    "INSERT INTO prep_contacts (community_id, kind, node_id, user_id, user_name,"
    " backup_user_id, backup_name, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (community_id, kind, node_id) DO UPDATE SET user_id = excluded.user_id,"
    " user_name = excluded.user_name, backup_user_id = excluded.backup_user_id,"
    " backup_name = excluded.backup_name, updated_at = excluded.updated_at";

bool contact_kind_valid(const char *kind)
{
	return kind && (!strcmp(kind, "community") || !strcmp(kind, "grid") ||
	                !strcmp(kind, "building"));
}

static json_t *person(struct stmt *st, int idcol)
{
	if (stmt_is_null(st, idcol))
		return json_null();
	return json_pack("{s:I, s:s}", "user_id", (json_int_t)stmt_int(st, idcol), "name",
	                 stmt_text(st, idcol + 1));
}

/* {"community:1": {"person","backup"}, "grid:3": ...} */
static int contacts_load(struct store *db, json_t **out, int64_t community_id, struct err *e)
{
	struct stmt *st = store_prepare(db, sql_contacts, e);
	json_t *map;
	int rc;
	if (!st)
		return -1;
	stmt_bind_int(st, 1, community_id);
	map = json_object();
	while ((rc = stmt_step(st, e)) == STORE_ROW) {
		char key[48];
		snprintf(key, sizeof(key), "%s:%lld", stmt_text(st, 0), (long long)stmt_int(st, 1));
		json_object_set_new(map, key, json_pack("{s:o, s:o}", "person", person(st, 2),
		                                        "backup", person(st, 4)));
	}
	stmt_done(st);
	if (rc < 0) {
		json_decref(map);
		return -1;
	}
	*out = map;
	return 0;
}

static json_t *node(const json_t *contacts, json_t *gaps, const char *kind, json_int_t id,
                    const char *name)
{
	char key[48];
	snprintf(key, sizeof(key), "%s:%lld", kind, (long long)id);
	const json_t *c = json_object_get(contacts, key);
	json_t *p = c ? json_object_get(c, "person") : NULL, *b = c ? json_object_get(c, "backup") : NULL;
	bool has_p = p && !json_is_null(p), has_b = b && !json_is_null(b);
	if (!has_p || !has_b)
		json_array_append_new(gaps, json_pack("{s:s, s:I, s:s, s:s}", "kind", kind, "id", id,
		                                      "name", name, "missing",
		                                      has_p ? "backup" : "person"));
	return json_pack("{s:s, s:I, s:s, s:O, s:O}", "kind", kind, "id", id, "name", name,
	                 "person", has_p ? p : json_null(), "backup", has_b ? b : json_null());
}

/* Gaps: nodes with nobody before those without a backup; then by kind
 * (community, grid, building) as they were found. */
static void gaps_order(json_t *gaps)
{
	json_t *sorted = json_array(), *g;
	size_t i;
	for (int pass = 0; pass < 2; pass++)
		json_array_foreach(gaps, i, g) if (!strcmp(json_string_value(json_object_get(g, "missing")),
		                                           pass ? "backup" : "person"))
		    json_array_append(sorted, g);
	json_array_clear(gaps);
	json_array_extend(gaps, sorted);
	json_decref(sorted);
}

int contact_tree(struct store *db, json_t **out, const struct community *c, struct err *e)
{
	json_t *tree = NULL, *contacts = NULL, *gaps, *grids, *nogrid, *p, *b, *g, *v;
	struct arena a = ARENA_INIT;
	struct household *hh = NULL;
	size_t nh = 0, i, j, nb = 0;
	int64_t nhouses = 0;

	if (structure_tree(db, c, &tree, e) < 0 || contacts_load(db, &contacts, c->id, e) < 0 ||
	    household_list(db, &a, c->id, "community", c->id, &hh, &nh, e) < 0) {
		json_decref(tree);
		json_decref(contacts);
		arena_release(&a);
		return -1;
	}
	/* households per building, in one pass */
	json_t *per = json_object();
	for (size_t h = 0; h < nh; h++) {
		char key[24];
		snprintf(key, sizeof(key), "%lld", (long long)hh[h].building_id);
		json_object_set_new(per, key,
		                    json_integer(json_integer_value(json_object_get(per, key)) + 1));
	}
	gaps = json_array();
	grids = json_array();
	nogrid = json_array();
	v = json_object();
	json_object_set_new(v, "community", node(contacts, gaps, "community", c->id, c->name));
	json_array_foreach(json_object_get(tree, "grids"), i, g)
	{
		json_t *n = node(contacts, gaps, "grid", json_integer_value(json_object_get(g, "id")),
		                 json_string_value(json_object_get(g, "name")));
		json_object_set_new(n, "buildings", json_array());
		json_array_append_new(grids, n);
	}
	json_array_foreach(json_object_get(tree, "compounds"), i, p)
	{
		json_array_foreach(json_object_get(p, "buildings"), j, b)
		{
			json_int_t bid = json_integer_value(json_object_get(b, "id"));
			json_int_t grid = json_integer_value(json_object_get(b, "grid_id"));
			int64_t households = 0;
			json_t *n, *target = nogrid, *gn;
			size_t k;
			if (!grid)
				grid = json_integer_value(json_object_get(p, "grid_id"));
			char key[24];
			snprintf(key, sizeof(key), "%lld", (long long)bid);
			households = json_integer_value(json_object_get(per, key));
			n = node(contacts, gaps, "building", bid,
			         json_string_value(json_object_get(b, "name")));
			json_object_set(n, "compound", json_object_get(p, "name"));
			json_object_set_new(n, "households", json_integer(households));
			json_object_set_new(n, "grid_id", grid ? json_integer(grid) : json_null());
			json_array_foreach(grids, k, gn) if (json_integer_value(json_object_get(gn, "id")) ==
			                                     grid) target = json_object_get(gn, "buildings");
			json_array_append_new(target, n);
			nb++;
			nhouses += households;
		}
	}
	gaps_order(gaps);
	json_object_set_new(v, "grids", grids);
	json_object_set_new(v, "no_grid", nogrid);
	json_object_set_new(v, "counts",
	                    json_pack("{s:I, s:I, s:I}", "buildings", (json_int_t)nb, "households",
	                              (json_int_t)nhouses, "gaps",
	                              (json_int_t)json_array_size(gaps)));
	json_object_set_new(v, "gaps", gaps);
	json_decref(per);
	json_decref(tree);
	json_decref(contacts);
	arena_release(&a);
	*out = v;
	return 0;
}

int contact_assign(struct store *db, const struct community *c,
                   const struct contact_assignment *a, const struct prep_actor *who,
                   struct arena *ar, struct err *e)
{
	struct stmt *st;
	char detail[128];
	(void)ar;
	if (!contact_kind_valid(a->kind))
		return err_set(e, ERR_INVALID, "kind", "kind is community, grid or building");
	if (a->backup_user_id > 0 && a->backup_user_id == a->user_id)
		return err_set(e, ERR_INVALID, "backup_user_id", "the backup is someone else");
	if (!strcmp(a->kind, "community")) {
		if (a->node_id != c->id)
			return err_set(e, ERR_NOT_FOUND, "node_id", "no such node");
	} else {
		int64_t cid = 0, sid = 0;
		if (structure_locate(db, a->kind, a->node_id, &cid, &sid, e) < 0 && e->code != ERR_NOT_FOUND)
			return -1;
		if (err_is_set(e) || cid != c->id) {
			err_clear(e);
			return err_set(e, ERR_NOT_FOUND, "node_id", "no such %s", a->kind);
		}
	}
	if (store_begin(db, e) < 0 || !(st = store_prepare(db, sql_contact_put, e)))
		goto fail;
	stmt_bind_int(st, 1, c->id);
	stmt_bind_text(st, 2, a->kind, SIZE_MAX);
	stmt_bind_int(st, 3, a->node_id);
	if (a->user_id > 0)
		stmt_bind_int(st, 4, a->user_id);
	else
		stmt_bind_null(st, 4);
	stmt_bind_text(st, 5, a->user_id > 0 && a->name ? a->name : "", SIZE_MAX);
	if (a->backup_user_id > 0)
		stmt_bind_int(st, 6, a->backup_user_id);
	else
		stmt_bind_null(st, 6);
	stmt_bind_text(st, 7, a->backup_user_id > 0 && a->backup_name ? a->backup_name : "",
	               SIZE_MAX);
	stmt_bind_int(st, 8, time_now());
	snprintf(detail, sizeof(detail), "%s %lld user %lld backup %lld", a->kind,
	         (long long)a->node_id, (long long)a->user_id, (long long)a->backup_user_id);
	if (stmt_exec(st, e) < 0 ||
	    audit_append(db, who->user_id, who->name, "prep.contact.assign", detail, c->id, who->ip,
	                 NULL, e) < 0 ||
	    store_commit(db, e) < 0)
		goto fail;
	return 0;
fail:
	store_rollback(db);
	return -1;
}

/* The better representative of a dwelling: householder, then one with a
 * phone, then the first. */
static int rep_rank(const json_t *r)
{
	if (!strcmp(json_string_value(json_object_get(r, "relation")), "householder"))
		return 0;
	return json_is_string(json_object_get(r, "phone")) ? 1 : 2;
}

int contact_call_list(struct store *db, json_t **out, const struct community *c,
                      int64_t building_id, bool unmask, struct arena *a, struct err *e)
{
	struct household *hh = NULL;
	size_t nh = 0, read = 0;
	json_t *contacts = NULL, *reps, *list, *gaps, *bnode;
	const char *bname;
	struct resident_filter f = {0};
	f.building = building_id;
	f.age_min = f.age_max = -1;
	f.limit = RESIDENT_PAGE_MAX;

	if (structure_node_in(db, c->id, "building", building_id, &bname, a, e) < 0 ||
	    household_list(db, a, c->id, "building", building_id, &hh, &nh, e) < 0 ||
	    contacts_load(db, &contacts, c->id, e) < 0)
		return -1;
	/* dwelling id -> best resident so far */
	reps = json_object();
	for (;;) {
		json_t *page = NULL, *r;
		size_t i;
		if (resident_list(db, &page, c->id, &f, e) < 0) {
			json_decref(reps);
			json_decref(contacts);
			return -1;
		}
		json_array_foreach(json_object_get(page, "residents"), i, r)
		{
			char key[24];
			json_t *cur;
			if (!json_is_integer(json_object_get(r, "dwelling_id")))
				continue;
			snprintf(key, sizeof(key), "%lld",
			         (long long)json_integer_value(json_object_get(r, "dwelling_id")));
			cur = json_object_get(reps, key);
			if (!cur || rep_rank(r) < rep_rank(cur))
				json_object_set(reps, key, r);
		}
		read += json_array_size(json_object_get(page, "residents"));
		json_t *next = json_object_get(page, "next");
		bool more = json_is_integer(next) && read < CONTACT_CALLLIST_MAX;
		if (more)
			f.after = json_integer_value(next);
		json_decref(page);
		if (!more)
			break;
	}
	list = json_array();
	for (size_t i = 0; i < nh; i++) {
		char key[24];
		json_t *r, *rep = json_null();
		snprintf(key, sizeof(key), "%lld", (long long)hh[i].dwelling_id);
		if ((r = json_object_get(reps, key))) {
			json_t *phone = json_object_get(r, "phone");
			json_int_t rid = json_integer_value(json_object_get(r, "id"));
			if (unmask && json_is_string(phone)) {
				json_t *full = NULL;
				if (resident_get(db, &full, c->id, rid, true, e) < 0) {
					json_decref(list);
					json_decref(reps);
					json_decref(contacts);
					return -1;
				}
				phone = json_object_get(full, "phone");
				rep = json_pack("{s:I, s:O, s:O, s:O}", "resident_id", rid, "name",
				                json_object_get(r, "name"), "relation",
				                json_object_get(r, "relation"), "phone", phone);
				json_decref(full);
			} else {
				rep = json_pack("{s:I, s:O, s:O, s:O}", "resident_id", rid, "name",
				                json_object_get(r, "name"), "relation",
				                json_object_get(r, "relation"), "phone",
				                phone ? phone : json_null());
			}
		}
		json_array_append_new(list, json_pack("{s:I, s:s, s:I, s:o}", "dwelling_id",
		                                      (json_int_t)hh[i].dwelling_id, "label",
		                                      hh[i].label, "members",
		                                      (json_int_t)hh[i].members, "representative",
		                                      rep));
	}
	gaps = json_array();
	bnode = node(contacts, gaps, "building", building_id, bname);
	json_decref(gaps);
	json_decref(reps);
	json_decref(contacts);
	*out = json_pack("{s:o, s:o}", "building", bnode, "households", list);
	return 0;
}

static int gap_class(const json_t *r)
{
	if (json_is_null(json_object_get(r, "primary")) || !json_object_get(r, "primary"))
		return 0;
	return json_array_size(json_object_get(r, "backups")) ? 2 : 1;
}

void contact_care_rank(json_t *list)
{
	json_t *rows = json_object_get(list, "residents"), *sorted = json_array(), *r;
	size_t i, n[3] = {0, 0, 0};
	for (int cls = 0; cls < 3; cls++)
		json_array_foreach(rows, i, r) if (gap_class(r) == cls)
		{
			json_array_append(sorted, r);
			n[cls]++;
		}
	json_array_clear(rows);
	json_array_extend(rows, sorted);
	json_decref(sorted);
	json_object_set_new(list, "gaps", json_pack("{s:I, s:I}", "no_primary", (json_int_t)n[0],
	                                            "no_backup", (json_int_t)n[1]));
}

int contact_care_view(struct store *db, json_t **out, int64_t community_id, bool full,
                      struct err *e)
{
	struct care_filter f = {0};
	json_t *list;
	f.limit = CARE_LIST_MAX;
	if (care_list(db, &list, community_id, &f, full, e) < 0)
		return -1;
	contact_care_rank(list);
	*out = list;
	return 0;
}

const struct migration contact_migrations[] = {
    {911, "field: the emergency contact tree",
     "CREATE TABLE prep_contacts ("
     " community_id BIGINT NOT NULL, kind TEXT NOT NULL, node_id BIGINT NOT NULL,"
     " user_id BIGINT, user_name TEXT NOT NULL, backup_user_id BIGINT,"
     " backup_name TEXT NOT NULL, updated_at BIGINT NOT NULL,"
     " PRIMARY KEY (community_id, kind, node_id));"},
};
const size_t contact_migrations_n = sizeof(contact_migrations) / sizeof(contact_migrations[0]);
