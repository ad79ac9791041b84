/*
 * ownership.c - rules and persistence of ownership and the electorate (see
 * ownership.h).
 *
 * Three tables: ownership_areas (one row per dwelling and source),
 * ownership_owners (one row per owner of a dwelling: a resident, or the
 * developer flag with no resident) and ownership_developers (the name of a
 * community's developer).  Two partial unique indexes keep the invariants
 * the rules rely on: at most one flagged voter per dwelling, and at most one
 * developer row per dwelling.  The voter is changed in two statements
 * (clear, then set) because PostgreSQL checks a unique index row by row.
 *
 * The effective voter (the flagged one, else the first owner) and the
 * effective area (register, else survey, else contract) are worked out in
 * SQL by the same expressions everywhere, so a building's list, a
 * resident's list and the electorate cannot disagree.  The electorate is
 * one query, one row per dwelling in the scope, tallied in C with integers.
 */
#include "registry/ownership.h"

#include "auth/auth.h"
#include "core/timeutil.h"
#include "core/utf8.h"
#include "registry/structure.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 1 when the owner row o is its dwelling's voter: flagged, or, with no
 * flagged owner, the first (lowest id). */
#define IS_VOTER(o)                                                                                \
	"CASE WHEN " o ".voter = 1 OR (NOT EXISTS (SELECT 1 FROM ownership_owners v"               \
	" WHERE v.dwelling_id = " o ".dwelling_id AND v.voter = 1) AND NOT EXISTS"                 \
	" (SELECT 1 FROM ownership_owners f WHERE f.dwelling_id = " o ".dwelling_id"               \
	" AND f.id < " o ".id)) THEN 1 ELSE 0 END"
/* The three sources' areas of dwelling d as ar.area, sv.area, ct.area. */
#define AREAS_JOIN(d)                                                                              \
	" LEFT JOIN ownership_areas ar ON ar.dwelling_id = " d ".id AND ar.source = 'register'"    \
	" LEFT JOIN ownership_areas sv ON sv.dwelling_id = " d ".id AND sv.source = 'survey'"      \
	" LEFT JOIN ownership_areas ct ON ct.dwelling_id = " d ".id AND ct.source = 'contract'"

static const char sql_dwelling_in[] =
    "SELECT building_id FROM dwellings WHERE id = ? AND community_id = ?";
static const char sql_resident_in[] =
    "SELECT name FROM residents WHERE id = ? AND community_id = ?";
static const char sql_area_set[] =
    "INSERT INTO ownership_areas (community_id, dwelling_id, source, area, note, updated_at,"
    " updated_by) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dwelling_id, source) DO UPDATE SET"
    " area = excluded.area, note = excluded.note, updated_at = excluded.updated_at,"
    " updated_by = excluded.updated_by";
static const char sql_area_clear[] =
    "DELETE FROM ownership_areas WHERE dwelling_id = ? AND source = ? AND community_id = ?";
static const char sql_dwelling_owners[] =
    "SELECT resident_id, developer FROM ownership_owners WHERE dwelling_id = ?"
    " AND community_id = ?";
static const char sql_owner_add[] =
    "INSERT INTO ownership_owners (community_id, dwelling_id, resident_id, developer, share,"
    " voter, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id";
static const char sql_owner_one[] = "SELECT o.resident_id, " IS_VOTER(
    "o") ", (SELECT COUNT(*) FROM ownership_owners c"
         " WHERE c.dwelling_id = o.dwelling_id) FROM ownership_owners o WHERE o.id = ?"
         " AND o.dwelling_id = ? AND o.community_id = ?";
static const char sql_owner_delete[] = "DELETE FROM ownership_owners WHERE id = ?";
static const char sql_voter_clear[] = "UPDATE ownership_owners SET voter = 0 WHERE dwelling_id = ?";
static const char sql_voter_set[] = "UPDATE ownership_owners SET voter = 1 WHERE id = ?";
static const char sql_share_set[] = "UPDATE ownership_owners SET share = ? WHERE id = ?";
static const char sql_developer_set[] =
    "INSERT INTO ownership_developers (community_id, name, updated_at) VALUES (?, ?, ?)"
    " ON CONFLICT (community_id) DO UPDATE SET name = excluded.name,"
    " updated_at = excluded.updated_at";
static const char sql_developer_get[] =
    "SELECT name FROM ownership_developers WHERE community_id = ?";
static const char sql_owners_of[] =
    "SELECT o.id, o.dwelling_id, o.resident_id, r.name, o.developer, o.share, " IS_VOTER(
        "o") " FROM ownership_owners o JOIN dwellings d ON d.id = o.dwelling_id"
             " LEFT JOIN residents r ON r.id = o.resident_id WHERE o.community_id = ?"
             " AND (? = 0 OR d.building_id = ?) AND (? = 0 OR o.dwelling_id = ?)"
             " ORDER BY o.dwelling_id, o.id";
static const char sql_areas_of[] =
    "SELECT a.dwelling_id, a.source, a.area, a.note, a.updated_at FROM ownership_areas a"
    " JOIN dwellings d ON d.id = a.dwelling_id WHERE a.community_id = ?"
    " AND (? = 0 OR d.building_id = ?) AND (? = 0 OR a.dwelling_id = ?)";
static const char sql_owned_by[] =
    "SELECT o.id, o.dwelling_id, d.building_id, b.name, u.name, d.floor, d.room, o.share,"
    " " IS_VOTER(
        "o") ", o.created_at, ar.area, sv.area, ct.area"
             " FROM ownership_owners o JOIN dwellings d ON d.id = o.dwelling_id"
             " JOIN buildings b ON b.id = d.building_id JOIN units u ON u.id = "
             "d.unit_id" AREAS_JOIN(
                 "d") " WHERE o.community_id = ? AND o.resident_id = ? ORDER BY o.dwelling_id";
static const char sql_electorate[] =
    "SELECT d.id, ar.area, sv.area, ct.area,"
    " (SELECT COUNT(*) FROM ownership_owners o WHERE o.dwelling_id = d.id),"
    " (SELECT o.developer FROM ownership_owners o WHERE o.dwelling_id = d.id"
    " ORDER BY o.voter DESC, o.id LIMIT 1),"
    " (SELECT o.resident_id FROM ownership_owners o WHERE o.dwelling_id = d.id"
    " ORDER BY o.voter DESC, o.id LIMIT 1)"
    " FROM dwellings d JOIN buildings b ON b.id = d.building_id" AREAS_JOIN(
        "d") " WHERE d.community_id = ? AND (? = 0 OR b.compound_id = ?)"
             " AND (? = 0 OR d.building_id = ?) AND (? = 0 OR d.unit_id = ?) ORDER BY d.id";
static const char sql_compound_in[] = "SELECT 1 FROM compounds WHERE id = ? AND community_id = ?";
static const char sql_building_in[] = "SELECT 1 FROM buildings WHERE id = ? AND community_id = ?";
static const char sql_unit_in[] = "SELECT 1 FROM units WHERE id = ? AND community_id = ?";
static const char sql_demo_dwellings[] =
    "SELECT id, area FROM dwellings WHERE community_id = ? ORDER BY id";
static const char sql_demo_residents[] =
    "SELECT id, dwelling_id, relation FROM residents WHERE community_id = ?"
    " AND dwelling_id IS NOT NULL ORDER BY dwelling_id, id";
static const char sql_demo_owned[] =
    "SELECT DISTINCT dwelling_id FROM ownership_owners WHERE community_id = ?"
    " ORDER BY dwelling_id";
static const char sql_demo_area[] =
    "INSERT INTO ownership_areas (community_id, dwelling_id, source, area, note, updated_at,"
    " updated_by) VALUES (?, ?, 'register', ?, ?, ?, NULL) ON CONFLICT DO NOTHING";

static const char *const source_names[AREA_SOURCE_COUNT] = {"register", "survey", "contract"};

const char *ownership_source_name(enum area_source s)
{
	return (unsigned)s < AREA_SOURCE_COUNT ? source_names[s] : "";
}

int ownership_source_parse(const char *name)
{
	for (int i = 0; name && i < AREA_SOURCE_COUNT; i++)
		if (!strcmp(name, source_names[i]))
			return i;
	return -1;
}

void ownership_area_text(char out[32], int64_t a)
{
	if (a < 0)
		a = 0;
	snprintf(out, 32, "%lld.%02lld", (long long)(a / 100), (long long)(a % 100));
}

/* ---- small helpers ---- */

static bool text_ok(const char *s, size_t max)
{
	size_t n = s ? strlen(s) : 0;
	return !s || (utf8_valid(s, n) && !utf8_has_control(s, n) && utf8_count(s, n) <= max);
}

/* 0 when the dwelling is the community's (its building in *building, may
 * be NULL), else ERR_NOT_FOUND. */
static int dwelling_in(struct store *db, int64_t *building, int64_t community_id,
                       int64_t dwelling_id, struct err *e)
{
	struct stmt *st = store_prepare(db, sql_dwelling_in, e);
	int rc;
	if (!st)
		return -1;
	stmt_bind_int(st, 1, dwelling_id);
	stmt_bind_int(st, 2, community_id);
	rc = stmt_step(st, e);
	if (rc == STORE_ROW && building)
		*building = stmt_int(st, 0);
	stmt_done(st);
	if (rc == STORE_DONE)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such dwelling");
	return rc < 0 ? -1 : 0;
}

/* 0 when a row matches sql(id, community_id), else ERR_NOT_FOUND naming field. */
static int exists_in(struct store *db, const char *sql, int64_t id, int64_t community_id,
                     const char *field, const char *what, struct err *e)
{
	struct stmt *st = store_prepare(db, sql, e);
	int rc;
	if (!st)
		return -1;
	stmt_bind_int(st, 1, id);
	stmt_bind_int(st, 2, community_id);
	rc = stmt_step(st, e);
	stmt_done(st);
	if (rc == STORE_DONE)
		return err_set(e, ERR_NOT_FOUND, field, "no such %s in this community", what);
	return rc < 0 ? -1 : 0;
}

static int audit(struct store *db, const struct ownership_actor *who, const char *action,
                 int64_t dwelling_id, int64_t community_id, const char *detail, struct err *e)
{
	char subject[48];
	snprintf(subject, sizeof(subject), "dwelling:%lld", (long long)dwelling_id);
	return audit_append(db, who ? who->user_id : 0, who ? who->username : NULL, action, subject,
	                    community_id, who ? who->ip : NULL, detail, e);
}

static json_t *int_or_null(struct stmt *st, int col)
{
	return stmt_is_null(st, col) ? json_null() : json_integer(stmt_int(st, col));
}

/* The effective area of the three columns from col (register, survey,
 * contract): *source gets its index, or -1 with 0 returned. */
static int64_t effective(struct stmt *st, int col, int *source)
{
	for (int i = 0; i < AREA_SOURCE_COUNT; i++)
		if (!stmt_is_null(st, col + i)) {
			*source = i;
			return stmt_int(st, col + i);
		}
	*source = -1;
	return 0;
}

/* ---- areas ---- */

int ownership_area_set(struct store *db, int64_t community_id, int64_t dwelling_id,
                       const char *source, int64_t area, const char *note,
                       const struct ownership_actor *who, struct err *e)
{
	char detail[96], text[32];
	struct stmt *st;
	int s = ownership_source_parse(source);

	if (s < 0)
		return err_set(e, ERR_INVALID, "source",
		               "source must be register, survey or contract");
	if (area < 1 || area > STRUCTURE_AREA_MAX)
		return err_set(e, ERR_INVALID, "area", "area must be 1 to %d (0.01 m²)",
		               STRUCTURE_AREA_MAX);
	if (!text_ok(note, OWNERSHIP_NOTE_MAX))
		return err_set(e, ERR_INVALID, "note", "note must be at most %d characters",
		               OWNERSHIP_NOTE_MAX);
	if (store_begin(db, e) < 0)
		return -1;
	if (dwelling_in(db, NULL, community_id, dwelling_id, e) < 0 ||
	    !(st = store_prepare(db, sql_area_set, e)))
		goto fail;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_int(st, 2, dwelling_id);
	stmt_bind_text(st, 3, source_names[s], SIZE_MAX);
	stmt_bind_int(st, 4, area);
	stmt_bind_text(st, 5, note ? note : "", SIZE_MAX);
	stmt_bind_int(st, 6, time_now());
	if (who && who->user_id)
		stmt_bind_int(st, 7, who->user_id);
	else
		stmt_bind_null(st, 7);
	ownership_area_text(text, area);
	snprintf(detail, sizeof(detail), "%s %s m²", source_names[s], text);
	if (stmt_exec(st, e) < 0 ||
	    audit(db, who, "ownership.area_set", dwelling_id, community_id, detail, e) < 0 ||
	    store_commit(db, e) < 0)
		goto fail;
	return 0;
fail:
	store_rollback(db);
	return -1;
}

int ownership_area_clear(struct store *db, int64_t community_id, int64_t dwelling_id,
                         const char *source, const struct ownership_actor *who, struct err *e)
{
	struct stmt *st;
	int s = ownership_source_parse(source);

	if (s < 0)
		return err_set(e, ERR_INVALID, "source",
		               "source must be register, survey or contract");
	if (store_begin(db, e) < 0)
		return -1;
	if (dwelling_in(db, NULL, community_id, dwelling_id, e) < 0 ||
	    !(st = store_prepare(db, sql_area_clear, e)))
		goto fail;
	stmt_bind_int(st, 1, dwelling_id);
	stmt_bind_text(st, 2, source_names[s], SIZE_MAX);
	stmt_bind_int(st, 3, community_id);
	if (stmt_exec(st, e) < 0)
		goto fail;
	if (store_changes(db) == 0) {
		err_set(e, ERR_NOT_FOUND, "source", "the dwelling has no %s area", source_names[s]);
		goto fail;
	}
	if (audit(db, who, "ownership.area_clear", dwelling_id, community_id, source_names[s], e) <
	        0 ||
	    store_commit(db, e) < 0)
		goto fail;
	return 0;
fail:
	store_rollback(db);
	return -1;
}

/* ---- owners ---- */

int ownership_owner_add(struct store *db, int64_t *out, int64_t community_id, int64_t dwelling_id,
                        int64_t resident_id, bool developer, const char *share,
                        const struct ownership_actor *who, struct err *e)
{
	int64_t count = 0, id = 0;
	bool has_developer = false, has_resident = false;
	char detail[64];
	struct stmt *st;
	int rc;

	if ((resident_id > 0) == developer)
		return err_set(e, ERR_INVALID, "resident_id",
		               "give either resident_id or developer: true");
	if (!text_ok(share, OWNERSHIP_SHARE_MAX))
		return err_set(e, ERR_INVALID, "share", "share must be at most %d characters",
		               OWNERSHIP_SHARE_MAX);
	if (store_begin(db, e) < 0)
		return -1;
	if (dwelling_in(db, NULL, community_id, dwelling_id, e) < 0 ||
	    (!developer && exists_in(db, sql_resident_in, resident_id, community_id, "resident_id",
	                             "resident", e) < 0) ||
	    !(st = store_prepare(db, sql_dwelling_owners, e)))
		goto fail;
	stmt_bind_int(st, 1, dwelling_id);
	stmt_bind_int(st, 2, community_id);
	while ((rc = stmt_step(st, e)) == STORE_ROW) {
		count++;
		has_developer |= stmt_int(st, 1) != 0;
		has_resident |= !stmt_is_null(st, 0) && stmt_int(st, 0) == resident_id;
	}
	stmt_done(st);
	if (rc < 0)
		goto fail;
	if (developer && has_developer)
		err_set(e, ERR_CONFLICT, "developer", "the dwelling is already the developer's");
	else if (developer && count)
		err_set(e, ERR_CONFLICT, "developer",
		        "the dwelling has owners: remove them before giving it to the developer");
	else if (has_developer)
		err_set(e, ERR_CONFLICT, "resident_id",
		        "the dwelling is the developer's: remove the developer first");
	else if (has_resident)
		err_set(e, ERR_CONFLICT, "resident_id", "this resident already owns the dwelling");
	else if (count >= OWNERSHIP_OWNERS_MAX)
		err_set(e, ERR_INVALID, "resident_id", "a dwelling has at most %d owners",
		        OWNERSHIP_OWNERS_MAX);
	if (err_is_set(e) || !(st = store_prepare(db, sql_owner_add, e)))
		goto fail;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_int(st, 2, dwelling_id);
	if (developer)
		stmt_bind_null(st, 3);
	else
		stmt_bind_int(st, 3, resident_id);
	stmt_bind_int(st, 4, developer ? 1 : 0);
	stmt_bind_text(st, 5, share ? share : "", SIZE_MAX);
	stmt_bind_int(st, 6, count == 0 ? 1 : 0);
	stmt_bind_int(st, 7, time_now());
	rc = stmt_step(st, e);
	if (rc == STORE_ROW)
		id = stmt_int(st, 0);
	stmt_done(st);
	if (rc == STORE_DONE)
		err_set(e, ERR_INTERNAL, NULL, "insert returned no id");
	if (rc != STORE_ROW)
		goto fail;
	if (developer)
		snprintf(detail, sizeof(detail), "owner %lld: developer", (long long)id);
	else
		snprintf(detail, sizeof(detail), "owner %lld: resident:%lld", (long long)id,
		         (long long)resident_id);
	if (audit(db, who, "ownership.owner_add", dwelling_id, community_id, detail, e) < 0 ||
	    store_commit(db, e) < 0)
		goto fail;
	*out = id;
	return 0;
fail:
	store_rollback(db);
	return -1;
}

/* Reads owner_id of the dwelling: whether it is the (effective) voter and
 * how many owners the dwelling has.  ERR_NOT_FOUND when there is none. */
static int owner_read(struct store *db, bool *voter, int64_t *count, int64_t community_id,
                      int64_t dwelling_id, int64_t owner_id, struct err *e)
{
	struct stmt *st = store_prepare(db, sql_owner_one, e);
	int rc;
	if (!st)
		return -1;
	stmt_bind_int(st, 1, owner_id);
	stmt_bind_int(st, 2, dwelling_id);
	stmt_bind_int(st, 3, community_id);
	rc = stmt_step(st, e);
	if (rc == STORE_ROW) {
		*voter = stmt_int(st, 1) != 0;
		*count = stmt_int(st, 2);
	}
	stmt_done(st);
	if (rc == STORE_DONE)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such owner of this dwelling");
	return rc < 0 ? -1 : 0;
}

static int exec_id(struct store *db, const char *sql, int64_t id, struct err *e)
{
	struct stmt *st = store_prepare(db, sql, e);
	if (!st)
		return -1;
	stmt_bind_int(st, 1, id);
	return stmt_exec(st, e);
}

int ownership_owner_remove(struct store *db, int64_t community_id, int64_t dwelling_id,
                           int64_t owner_id, const struct ownership_actor *who, struct err *e)
{
	char detail[48];
	bool voter = false;
	int64_t count = 0;

	if (store_begin(db, e) < 0)
		return -1;
	if (owner_read(db, &voter, &count, community_id, dwelling_id, owner_id, e) < 0)
		goto fail;
	if (voter && count > 1) {
		err_set(e, ERR_CONFLICT, "voter",
		        "this owner is the voter: name another owner as the voter first");
		goto fail;
	}
	snprintf(detail, sizeof(detail), "owner %lld", (long long)owner_id);
	if (exec_id(db, sql_owner_delete, owner_id, e) < 0 ||
	    audit(db, who, "ownership.owner_remove", dwelling_id, community_id, detail, e) < 0 ||
	    store_commit(db, e) < 0)
		goto fail;
	return 0;
fail:
	store_rollback(db);
	return -1;
}

int ownership_owner_update(struct store *db, int64_t community_id, int64_t dwelling_id,
                           int64_t owner_id, bool make_voter, const char *share,
                           const struct ownership_actor *who, struct err *e)
{
	char detail[64];
	bool voter = false;
	int64_t count = 0;
	struct stmt *st;

	if (!text_ok(share, OWNERSHIP_SHARE_MAX))
		return err_set(e, ERR_INVALID, "share", "share must be at most %d characters",
		               OWNERSHIP_SHARE_MAX);
	if (store_begin(db, e) < 0)
		return -1;
	if (owner_read(db, &voter, &count, community_id, dwelling_id, owner_id, e) < 0)
		goto fail;
	if (make_voter && (exec_id(db, sql_voter_clear, dwelling_id, e) < 0 ||
	                   exec_id(db, sql_voter_set, owner_id, e) < 0))
		goto fail;
	if (share) {
		if (!(st = store_prepare(db, sql_share_set, e)))
			goto fail;
		stmt_bind_text(st, 1, share, SIZE_MAX);
		stmt_bind_int(st, 2, owner_id);
		if (stmt_exec(st, e) < 0)
			goto fail;
	}
	snprintf(detail, sizeof(detail), "owner %lld%s%s", (long long)owner_id,
	         make_voter ? " voter" : "", share ? " share" : "");
	if (audit(db, who, make_voter ? "ownership.voter" : "ownership.share", dwelling_id,
	          community_id, detail, e) < 0 ||
	    store_commit(db, e) < 0)
		goto fail;
	return 0;
fail:
	store_rollback(db);
	return -1;
}

int ownership_developer_set(struct store *db, int64_t community_id, const char *name,
                            const struct ownership_actor *who, struct err *e)
{
	char subject[48];
	struct stmt *st;

	if (!name || !*name || !text_ok(name, OWNERSHIP_DEVELOPER_MAX))
		return err_set(e, ERR_INVALID, "name", "name must be 1 to %d characters",
		               OWNERSHIP_DEVELOPER_MAX);
	if (store_begin(db, e) < 0)
		return -1;
	if (!(st = store_prepare(db, sql_developer_set, e)))
		goto fail;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_text(st, 2, name, SIZE_MAX);
	stmt_bind_int(st, 3, time_now());
	snprintf(subject, sizeof(subject), "community:%lld", (long long)community_id);
	if (stmt_exec(st, e) < 0 ||
	    audit_append(db, who ? who->user_id : 0, who ? who->username : NULL,
	                 "ownership.developer", subject, community_id, who ? who->ip : NULL, name,
	                 e) < 0 ||
	    store_commit(db, e) < 0)
		goto fail;
	return 0;
fail:
	store_rollback(db);
	return -1;
}

int ownership_developer_get(struct store *db, const char **out, int64_t community_id,
                            struct arena *a, struct err *e)
{
	struct stmt *st = store_prepare(db, sql_developer_get, e);
	int rc;
	if (!st)
		return -1;
	stmt_bind_int(st, 1, community_id);
	rc = stmt_step(st, e);
	*out = arena_strdup(a, rc == STORE_ROW ? stmt_text(st, 0) : "");
	stmt_done(st);
	return rc < 0 ? -1 : 0;
}

/* ---- read models ---- */

/* The entry of dwelling id in info (made on first use):
 * {"owners": [], "areas": {"register": null, "survey": null, "contract": null}}. */
static json_t *info_of(json_t *info, int64_t id)
{
	char key[24];
	json_t *o;
	snprintf(key, sizeof(key), "%lld", (long long)id);
	if ((o = json_object_get(info, key)))
		return o;
	o = json_pack("{s:[], s:{s:n, s:n, s:n}}", "owners", "areas", "register", "survey",
	              "contract");
	json_object_set_new(info, key, o);
	return o;
}

/* Loads owners and areas of one building (building_id) or one dwelling
 * (dwelling_id) into *out, keyed by dwelling id (see info_of). */
static int info_load(struct store *db, json_t **out, int64_t community_id, int64_t building_id,
                     int64_t dwelling_id, const char *developer, struct err *e)
{
	json_t *info = json_object();
	struct stmt *st;
	int rc;

	if (!(st = store_prepare(db, sql_owners_of, e)))
		goto fail;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_int(st, 2, building_id);
	stmt_bind_int(st, 3, building_id);
	stmt_bind_int(st, 4, dwelling_id);
	stmt_bind_int(st, 5, dwelling_id);
	while ((rc = stmt_step(st, e)) == STORE_ROW) {
		bool dev = stmt_int(st, 4) != 0;
		json_array_append_new(
		    json_object_get(info_of(info, stmt_int(st, 1)), "owners"),
		    json_pack("{s:I, s:o, s:s, s:b, s:s, s:b}", "id", (json_int_t)stmt_int(st, 0),
		              "resident_id", int_or_null(st, 2), "name",
		              dev ? (*developer ? developer : "建设单位") : stmt_text(st, 3),
		              "developer", dev, "share", stmt_text(st, 5), "voter",
		              stmt_int(st, 6) != 0));
	}
	stmt_done(st);
	if (rc < 0 || !(st = store_prepare(db, sql_areas_of, e)))
		goto fail;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_int(st, 2, building_id);
	stmt_bind_int(st, 3, building_id);
	stmt_bind_int(st, 4, dwelling_id);
	stmt_bind_int(st, 5, dwelling_id);
	while ((rc = stmt_step(st, e)) == STORE_ROW)
		json_object_set_new(
		    json_object_get(info_of(info, stmt_int(st, 0)), "areas"), stmt_text(st, 1),
		    json_pack("{s:I, s:s, s:I}", "area", (json_int_t)stmt_int(st, 2), "note",
		              stmt_text(st, 3), "updated_at", (json_int_t)stmt_int(st, 4)));
	stmt_done(st);
	if (rc < 0)
		goto fail;
	*out = info;
	return 0;
fail:
	json_decref(info);
	return -1;
}

/* Sets owners, areas, effective_area and area_source of dwelling id on o. */
static void decorate(json_t *o, json_t *info, int64_t id)
{
	json_t *i = info_of(info, id), *areas = json_object_get(i, "areas");
	json_object_set(o, "owners", json_object_get(i, "owners"));
	json_object_set(o, "areas", areas);
	json_object_set_new(o, "effective_area", json_null());
	json_object_set_new(o, "area_source", json_null());
	for (int s = 0; s < AREA_SOURCE_COUNT; s++) {
		json_t *a = json_object_get(areas, source_names[s]);
		if (json_is_object(a)) {
			json_object_set(o, "effective_area", json_object_get(a, "area"));
			json_object_set_new(o, "area_source", json_string(source_names[s]));
			break;
		}
	}
}

int ownership_dwelling(struct store *db, json_t **out, int64_t community_id, int64_t dwelling_id,
                       struct err *e)
{
	struct arena a = ARENA_INIT;
	const char *dev = "";
	int64_t building = 0;
	json_t *info = NULL, *o;
	int rc = -1;

	if (dwelling_in(db, &building, community_id, dwelling_id, e) < 0 ||
	    ownership_developer_get(db, &dev, community_id, &a, e) < 0 ||
	    info_load(db, &info, community_id, 0, dwelling_id, dev, e) < 0)
		goto out;
	o = json_pack("{s:I, s:I}", "dwelling_id", (json_int_t)dwelling_id, "building_id",
	              (json_int_t)building);
	decorate(o, info, dwelling_id);
	*out = o;
	rc = 0;
out:
	json_decref(info);
	arena_release(&a);
	return rc;
}

int ownership_building(struct store *db, json_t **out, int64_t community_id, int64_t building_id,
                       struct err *e)
{
	struct arena a = ARENA_INIT;
	const char *dev = "";
	json_t *b = NULL, *info = NULL, *unit, *dw;
	size_t i, j;
	int rc = -1;

	if (structure_building_get(db, &b, community_id, building_id, e) < 0 ||
	    ownership_developer_get(db, &dev, community_id, &a, e) < 0 ||
	    info_load(db, &info, community_id, building_id, 0, dev, e) < 0)
		goto out;
	json_array_foreach(json_object_get(b, "units"), i, unit)
	{
		json_array_foreach(json_object_get(unit, "dwellings"), j, dw)
		{
			decorate(dw, info, json_integer_value(json_object_get(dw, "id")));
		}
	}
	json_object_set_new(b, "developer", json_string(dev));
	*out = b;
	b = NULL;
	rc = 0;
out:
	json_decref(b);
	json_decref(info);
	arena_release(&a);
	return rc;
}

/* The dwellings resident_id owns, as ownership_resident() lists them. */
static int owned_list(struct store *db, json_t **out, int64_t community_id, int64_t resident_id,
                      struct err *e)
{
	struct stmt *st = store_prepare(db, sql_owned_by, e);
	json_t *arr;
	int rc;
	if (!st)
		return -1;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_int(st, 2, resident_id);
	arr = json_array();
	while ((rc = stmt_step(st, e)) == STORE_ROW) {
		int src;
		int64_t area = effective(st, 10, &src);
		json_array_append_new(
		    arr, json_pack("{s:I, s:I, s:I, s:s, s:s, s:I, s:s, s:s, s:b, s:o, s:o, s:I}",
		                   "owner_id", (json_int_t)stmt_int(st, 0), "dwelling_id",
		                   (json_int_t)stmt_int(st, 1), "building_id",
		                   (json_int_t)stmt_int(st, 2), "building", stmt_text(st, 3),
		                   "unit", stmt_text(st, 4), "floor", (json_int_t)stmt_int(st, 5),
		                   "room", stmt_text(st, 6), "share", stmt_text(st, 7), "voter",
		                   stmt_int(st, 8) != 0, "effective_area",
		                   src < 0 ? json_null() : json_integer(area), "area_source",
		                   src < 0 ? json_null() : json_string(source_names[src]), "since",
		                   (json_int_t)stmt_int(st, 9)));
	}
	stmt_done(st);
	if (rc < 0) {
		json_decref(arr);
		return -1;
	}
	*out = arr;
	return 0;
}

int ownership_resident(struct store *db, json_t **out, int64_t community_id, int64_t resident_id,
                       struct err *e)
{
	struct stmt *st = store_prepare(db, sql_resident_in, e);
	json_t *owned = NULL, *name;
	int rc;
	if (!st)
		return -1;
	stmt_bind_int(st, 1, resident_id);
	stmt_bind_int(st, 2, community_id);
	rc = stmt_step(st, e);
	name = rc == STORE_ROW ? json_string(stmt_text(st, 0)) : NULL;
	stmt_done(st);
	if (rc == STORE_DONE)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such resident");
	if (rc < 0 || owned_list(db, &owned, community_id, resident_id, e) < 0) {
		json_decref(name);
		return -1;
	}
	*out = json_pack("{s:I, s:o, s:o}", "resident_id", (json_int_t)resident_id, "name", name,
	                 "owned", owned);
	return 0;
}

int ownership_person_export(struct store *db, json_t *out, int64_t community_id,
                            int64_t resident_id, struct err *e)
{
	json_t *owned = NULL;
	if (exists_in(db, sql_resident_in, resident_id, community_id, NULL, "resident", e) < 0 ||
	    owned_list(db, &owned, community_id, resident_id, e) < 0)
		return -1;
	json_object_set_new(out, "ownership", json_pack("{s:o}", "owned", owned));
	return 0;
}

/* ---- the electorate ---- */

/* One dwelling of a scope. */
struct scan_row {
	int64_t dwelling_id;
	int64_t area; /* effective; 0 when none */
	int source;   /* -1: none */
	int64_t owners;
	bool developer;
	int64_t voter; /* resident id of the voter; 0 for the developer or none */
};

/* Every dwelling of the scope, by id, into *out (heap, caller frees). */
static int scan(struct store *db, struct scan_row **out, size_t *n, int64_t community_id,
                const char *scope, int64_t scope_id, struct err *e)
{
	int64_t compound = 0, building = 0, unit = 0;
	struct scan_row *rows = NULL;
	size_t cap = 0, k = 0;
	struct stmt *st;
	int rc;

	*out = NULL;
	*n = 0;
	if (!scope || !strcmp(scope, "community")) {
		if (scope_id && scope_id != community_id)
			return err_set(e, ERR_NOT_FOUND, "id", "id must be the community's own");
	} else if (!strcmp(scope, "compound")) {
		if (exists_in(db, sql_compound_in, scope_id, community_id, "id", "compound", e) < 0)
			return -1;
		compound = scope_id;
	} else if (!strcmp(scope, "building")) {
		if (exists_in(db, sql_building_in, scope_id, community_id, "id", "building", e) < 0)
			return -1;
		building = scope_id;
	} else if (!strcmp(scope, "unit")) {
		if (exists_in(db, sql_unit_in, scope_id, community_id, "id", "unit", e) < 0)
			return -1;
		unit = scope_id;
	} else {
		return err_set(e, ERR_INVALID, "scope",
		               "scope must be community, compound, building or unit");
	}
	if (!(st = store_prepare(db, sql_electorate, e)))
		return -1;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_int(st, 2, compound);
	stmt_bind_int(st, 3, compound);
	stmt_bind_int(st, 4, building);
	stmt_bind_int(st, 5, building);
	stmt_bind_int(st, 6, unit);
	stmt_bind_int(st, 7, unit);
	while ((rc = stmt_step(st, e)) == STORE_ROW) {
		struct scan_row *r;
		if (k == cap) {
			cap = cap ? 2 * cap : 64;
			rows = xrealloc(rows, cap * sizeof(*rows));
		}
		r = &rows[k++];
		r->dwelling_id = stmt_int(st, 0);
		r->area = effective(st, 1, &r->source);
		r->owners = stmt_int(st, 4);
		r->developer = r->owners > 0 && !stmt_is_null(st, 5) && stmt_int(st, 5) != 0;
		r->voter =
		    r->owners > 0 && !r->developer && !stmt_is_null(st, 6) ? stmt_int(st, 6) : 0;
	}
	stmt_done(st);
	if (rc < 0) {
		free(rows);
		return -1;
	}
	*out = rows;
	*n = k;
	return 0;
}

int ownership_electorate(struct store *db, struct arena *a, int64_t community_id, const char *scope,
                         int64_t scope_id, struct elector_unit **out, size_t *n, struct err *e)
{
	struct scan_row *rows;
	struct elector_unit *u = NULL;
	size_t nrows, owned = 0, k = 0;

	if (scan(db, &rows, &nrows, community_id, scope, scope_id, e) < 0)
		return -1;
	for (size_t i = 0; i < nrows; i++)
		owned += rows[i].owners > 0;
	if (owned)
		u = arena_alloc(a, owned * sizeof(*u));
	for (size_t i = 0; i < nrows; i++) {
		if (!rows[i].owners)
			continue;
		u[k].dwelling_id = rows[i].dwelling_id;
		u[k].voter_resident_id = rows[i].voter;
		u[k].area = rows[i].area;
		u[k].area_source = rows[i].source < 0 ? NULL : source_names[rows[i].source];
		u[k].label = u[k].voter_name = NULL;
		k++;
	}
	free(rows);
	*out = u;
	*n = k;
	return 0;
}

int ownership_electorate_named(struct store *db, struct arena *a, int64_t community_id,
                               const char *scope, int64_t scope_id, struct elector_unit **out,
                               size_t *n, struct err *e)
{
	static const char sql[] =
	    "SELECT b.name || ' ' || u.name || ' ' || d.room,"
	    " COALESCE((SELECT r.name FROM residents r WHERE r.id = ? AND r.community_id = ?), '')"
	    " FROM dwellings d JOIN units u ON u.id = d.unit_id JOIN buildings b ON b.id = d.building_id"
	    " WHERE d.id = ? AND d.community_id = ?";
	if (ownership_electorate(db, a, community_id, scope, scope_id, out, n, e) < 0)
		return -1;
	for (size_t i = 0; i < *n; i++) {
		struct elector_unit *u = &(*out)[i];
		struct stmt *st = store_prepare(db, sql, e);
		int rc;
		if (!st)
			return -1;
		stmt_bind_int(st, 1, u->voter_resident_id);
		stmt_bind_int(st, 2, community_id);
		stmt_bind_int(st, 3, u->dwelling_id);
		stmt_bind_int(st, 4, community_id);
		rc = stmt_step(st, e);
		if (rc == STORE_ROW) {
			u->label = arena_strdup(a, stmt_text(st, 0));
			u->voter_name = arena_strdup(a, stmt_text(st, 1));
		}
		stmt_done(st);
		if (rc != STORE_ROW)
			return rc < 0 ? -1 : err_set(e, ERR_NOT_FOUND, "dwelling_id", "no such dwelling");
	}
	return 0;
}

static int cmp_i64(const void *x, const void *y)
{
	int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
	return (a > b) - (a < b);
}

int64_t ownership_headcount(const struct elector_unit *u, size_t n)
{
	int64_t *v = n ? xmalloc(n * sizeof(*v)) : NULL, count = 0;
	size_t k = 0;
	bool developer = false;
	for (size_t i = 0; i < n; i++) {
		if (u[i].voter_resident_id)
			v[k++] = u[i].voter_resident_id;
		else
			developer = true;
	}
	if (k)
		qsort(v, k, sizeof(*v), cmp_i64);
	for (size_t i = 0; i < k; i++)
		count += i == 0 || v[i] != v[i - 1];
	free(v);
	return count + (developer ? 1 : 0);
}

int ownership_electorate_figures(struct store *db, json_t **out, int64_t community_id,
                                 const char *scope, int64_t scope_id, struct err *e)
{
	struct arena a = ARENA_INIT;
	struct elector_unit *u = NULL;
	struct scan_row *rows = NULL;
	size_t nrows = 0, n = 0;
	int64_t total = 0, dev = 0, by_n[AREA_SOURCE_COUNT] = {0}, by_a[AREA_SOURCE_COUNT] = {0};
	json_t *missing, *by;
	char text[32];
	int rc = -1;

	/* dwellings of the scope, then the electorate (the same snapshot) */
	if (scan(db, &rows, &nrows, community_id, scope, scope_id, e) < 0 ||
	    ownership_electorate(db, &a, community_id, scope, scope_id, &u, &n, e) < 0)
		goto out;
	missing = json_array();
	for (size_t i = 0; i < n; i++) {
		const char *s = u[i].area_source;
		int src = ownership_source_parse(s);
		dev += u[i].voter_resident_id == 0;
		if (src < 0) {
			json_array_append_new(missing, json_integer(u[i].dwelling_id));
			continue;
		}
		total += u[i].area;
		by_n[src]++;
		by_a[src] += u[i].area;
	}
	by = json_object();
	for (int s = 0; s < AREA_SOURCE_COUNT; s++) {
		ownership_area_text(text, by_a[s]);
		json_object_set_new(
		    by, source_names[s],
		    json_pack("{s:I, s:s}", "dwellings", (json_int_t)by_n[s], "area", text));
	}
	ownership_area_text(text, total);
	*out = json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:s, s:I, s:I, s:o, s:o}", "scope",
	                 scope ? scope : "community", "id",
	                 (json_int_t)(scope_id ? scope_id : community_id), "dwellings",
	                 (json_int_t)nrows, "owned", (json_int_t)n, "unowned",
	                 (json_int_t)(nrows - n), "owners", (json_int_t)ownership_headcount(u, n),
	                 "developer_dwellings", (json_int_t)dev, "area", text, "area_hundredths",
	                 (json_int_t)total, "without_area", (json_int_t)json_array_size(missing),
	                 "without_area_ids", missing, "by_source", by);
	rc = 0;
out:
	free(rows);
	arena_release(&a);
	return rc;
}

/* ---- the demo ---- */

struct demo_resident {
	int64_t id, dwelling_id;
	bool householder, spouse;
};

static int64_t demo_owner_add(struct store *db, int64_t community_id, int64_t dwelling_id,
                              int64_t resident_id, const char *share, bool voter, struct err *e)
{
	struct stmt *st = store_prepare(db, sql_owner_add, e);
	int64_t id = 0;
	int rc;
	if (!st)
		return -1;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_int(st, 2, dwelling_id);
	if (resident_id)
		stmt_bind_int(st, 3, resident_id);
	else
		stmt_bind_null(st, 3);
	stmt_bind_int(st, 4, resident_id ? 0 : 1);
	stmt_bind_text(st, 5, share, SIZE_MAX);
	stmt_bind_int(st, 6, voter ? 1 : 0);
	stmt_bind_int(st, 7, time_now());
	rc = stmt_step(st, e);
	if (rc == STORE_ROW)
		id = stmt_int(st, 0);
	stmt_done(st);
	return rc == STORE_ROW ? id : -1;
}

int ownership_demo(struct store *db, int64_t community_id, struct err *e)
{
	int64_t *dw = NULL, *area = NULL, *owned = NULL, *owners = NULL;
	struct demo_resident *res = NULL;
	size_t ndw = 0, nres = 0, nowned = 0, nowners = 0, cap, r = 0, second = 0, empties = 0;
	size_t second_max;
	struct stmt *st;
	int rc;

	if (store_begin(db, e) < 0)
		return -1;
	/* the dwellings, the residents living in them, the dwellings already owned */
	if (!(st = store_prepare(db, sql_demo_dwellings, e)))
		goto fail;
	stmt_bind_int(st, 1, community_id);
	for (cap = 0; (rc = stmt_step(st, e)) == STORE_ROW; ndw++) {
		if (ndw == cap) {
			cap = cap ? 2 * cap : 64;
			dw = xrealloc(dw, cap * sizeof(*dw));
			area = xrealloc(area, cap * sizeof(*area));
		}
		dw[ndw] = stmt_int(st, 0);
		area[ndw] = stmt_int(st, 1);
	}
	stmt_done(st);
	if (rc < 0 || !(st = store_prepare(db, sql_demo_residents, e)))
		goto fail;
	stmt_bind_int(st, 1, community_id);
	for (cap = 0; (rc = stmt_step(st, e)) == STORE_ROW; nres++) {
		if (nres == cap) {
			cap = cap ? 2 * cap : 64;
			res = xrealloc(res, cap * sizeof(*res));
		}
		res[nres].id = stmt_int(st, 0);
		res[nres].dwelling_id = stmt_int(st, 1);
		res[nres].householder = !strcmp(stmt_text(st, 2), "householder");
		res[nres].spouse = !strcmp(stmt_text(st, 2), "spouse");
	}
	stmt_done(st);
	if (rc < 0 || !(st = store_prepare(db, sql_demo_owned, e)))
		goto fail;
	stmt_bind_int(st, 1, community_id);
	for (cap = 0; (rc = stmt_step(st, e)) == STORE_ROW; nowned++) {
		if (nowned == cap) {
			cap = cap ? 2 * cap : 64;
			owned = xrealloc(owned, cap * sizeof(*owned));
		}
		owned[nowned] = stmt_int(st, 0);
	}
	stmt_done(st);
	if (rc < 0)
		goto fail;
	owners = ndw ? xmalloc(ndw * sizeof(*owners)) : NULL;
	second_max = ndw / 50 > 2 ? ndw / 50 : 2;

	for (size_t i = 0; i < ndw; i++) {
		int64_t id = dw[i], a = area[i] > 0 ? area[i] : 6000 + (id * 7919) % 8001;
		size_t first = r, last;
		/* the residents of this dwelling are res[first..last) (both sorted) */
		while (first < nres && res[first].dwelling_id < id)
			first++;
		for (last = first; last < nres && res[last].dwelling_id == id; last++)
			;
		r = last;
		if (!(st = store_prepare(db, sql_demo_area, e)))
			goto fail;
		stmt_bind_int(st, 1, community_id);
		stmt_bind_int(st, 2, id);
		stmt_bind_int(st, 3, a);
		stmt_bind_text(st, 4, "不动产权证（演示）", SIZE_MAX);
		stmt_bind_int(st, 5, time_now());
		if (stmt_exec(st, e) < 0)
			goto fail;
		if (nowned && bsearch(&id, owned, nowned, sizeof(*owned), cmp_i64))
			continue;   /* owners already recorded: left alone */
		if (i % 33 == 32) { /* about 3 %: unsold, the developer's */
			if (demo_owner_add(db, community_id, id, 0, "", true, e) < 0)
				goto fail;
			continue;
		}
		if (first == last) {
			/* nobody lives here: now and then a second home of an owner */
			if (nowners && second < second_max && empties++ % 4 == 1) {
				if (demo_owner_add(db, community_id, id,
				                   owners[(second * 7) % nowners], "", true, e) < 0)
					goto fail;
				second++;
			}
			continue;
		}
		size_t head = first, spouse = last;
		for (size_t k = first; k < last; k++)
			if (res[k].householder) {
				head = k;
				break;
			}
		for (size_t k = first; k < last; k++)
			if (res[k].spouse && k != head) {
				spouse = k;
				break;
			}
		bool joint = spouse < last && nowners % 2 == 0;
		if (demo_owner_add(db, community_id, id, res[head].id, joint ? "1/2" : "", true,
		                   e) < 0 ||
		    (joint &&
		     demo_owner_add(db, community_id, id, res[spouse].id, "1/2", false, e) < 0))
			goto fail;
		owners[nowners++] = res[head].id;
	}
	if (store_commit(db, e) < 0)
		goto fail;
	free(dw);
	free(area);
	free(owned);
	free(owners);
	free(res);
	return 0;
fail:
	store_rollback(db);
	free(dw);
	free(area);
	free(owned);
	free(owners);
	free(res);
	return -1;
}

const struct migration ownership_migrations[] = {
    {510, "registry: ownership (areas by source, owners and voters, the developer)",
     "CREATE TABLE ownership_areas ("
     " community_id BIGINT NOT NULL REFERENCES communities(id),"
     " dwelling_id BIGINT NOT NULL REFERENCES dwellings(id),"
     " source TEXT NOT NULL, area BIGINT NOT NULL, note TEXT NOT NULL,"
     " updated_at BIGINT NOT NULL, updated_by BIGINT REFERENCES users(id) ON DELETE SET NULL,"
     " PRIMARY KEY (dwelling_id, source));"
     "CREATE INDEX ownership_areas_community ON ownership_areas (community_id, dwelling_id);"
     "CREATE TABLE ownership_owners ("
     " id @id, community_id BIGINT NOT NULL REFERENCES communities(id),"
     " dwelling_id BIGINT NOT NULL REFERENCES dwellings(id),"
     " resident_id BIGINT REFERENCES residents(id) ON DELETE CASCADE,"
     " developer INTEGER NOT NULL DEFAULT 0, share TEXT NOT NULL,"
     " voter INTEGER NOT NULL DEFAULT 0, created_at BIGINT NOT NULL,"
     " UNIQUE (dwelling_id, resident_id));"
     "CREATE UNIQUE INDEX ownership_owners_voter ON ownership_owners (dwelling_id)"
     " WHERE voter = 1;"
     "CREATE UNIQUE INDEX ownership_owners_developer ON ownership_owners (dwelling_id)"
     " WHERE developer = 1;"
     "CREATE INDEX ownership_owners_resident ON ownership_owners (community_id, resident_id);"
     "CREATE INDEX ownership_owners_dwelling ON ownership_owners (community_id, dwelling_id);"
     "CREATE TABLE ownership_developers ("
     " community_id BIGINT PRIMARY KEY REFERENCES communities(id),"
     " name TEXT NOT NULL, updated_at BIGINT NOT NULL);"},
};
const size_t ownership_migrations_n =
    sizeof(ownership_migrations) / sizeof(ownership_migrations[0]);

int ownership_voter_at_home(struct store *db, int64_t *out, int64_t community_id, struct err *e)
{
	static const char sql[] =
	    "SELECT o.resident_id FROM ownership_owners o JOIN residents r ON r.id = o.resident_id"
	    " WHERE o.community_id = ? AND o.voter = 1 AND r.dwelling_id = o.dwelling_id"
	    " AND r.relation = 'householder' ORDER BY o.dwelling_id LIMIT 1";
	struct stmt *st = store_prepare(db, sql, e);
	int rc;
	*out = 0;
	if (!st)
		return -1;
	stmt_bind_int(st, 1, community_id);
	if ((rc = stmt_step(st, e)) == STORE_ROW)
		*out = stmt_int(st, 0);
	stmt_done(st);
	return rc < 0 ? -1 : 0;
}
