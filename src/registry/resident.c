/*
 * resident.c - rules and persistence of the residents register (see
 * resident.h).
 *
 * An update reads the row (opening the sealed fields), lays the changes over
 * it and checks the result exactly as an addition is checked, then writes
 * every column: one rule for both, and nothing is written when any field is
 * wrong.
 */
#include "registry/resident.h"

#include "auth/auth.h"

#include "core/timeutil.h"
#include "core/utf8.h"
#include "registry/idcard.h"
#include "registry/mask.h"
#include "registry/org.h"
#include "registry/phone.h"
#include "registry/resident_grams.h"

#include <stdio.h>
#include <string.h>

#define CTX_ID    "resident.id_number"
#define CTX_PHONE "resident.phone"

static const char sql_add[] =
    "INSERT INTO residents (community_id, dwelling_id, name, gender, birth_date, id_number,"
    " id_hash, phone, phone_tail, relation, residency, skills, volunteer_willing, created_at,"
    " updated_at, languages) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    " RETURNING id";
static const char sql_update[] =
    "UPDATE residents SET dwelling_id = ?, name = ?, gender = ?, birth_date = ?, id_number = ?,"
    " id_hash = ?, phone = ?, phone_tail = ?, relation = ?, residency = ?, skills = ?,"
    " volunteer_willing = ?, updated_at = ?, languages = ? WHERE id = ? AND community_id = ?";
#define COLS                                                                                       \
	"id, dwelling_id, name, gender, birth_date, id_number, phone, relation, residency, "       \
	"skills,"                                                                                  \
	" volunteer_willing, created_at, updated_at, languages"
static const char sql_one[] = "SELECT " COLS " FROM residents WHERE id = ? AND community_id = ?";
static const char sql_delete[] = "DELETE FROM residents WHERE id = ? AND community_id = ?";
/*
 * The list: one statement per way in, chosen by resident_list from the
 * filters given, so that an index serves the filter that matches few
 * (resident_index.c).  Every statement checks every filter (a filter not
 * given is "? = 0" or "? = ''"), with the same binds from LIST_FILTERS on;
 * they differ in how they reach the rows:
 *   sql_list        the community's residents in id order (a page fills
 *                   quickly, or a name of one character);
 *   sql_list_dw     a dwelling's residents (residents_dwelling);
 *   sql_list_tail   a phone tail's (residents_tail_id);
 *   sql_list_room   the residents of the dwellings with a room number
 *                   (dwellings_room), sorted by id;
 *   sql_list_gram   the residents sharing a bigram of the name searched
 *                   (resident_name_grams; the LIKE then checks the name);
 *   sql_list_tag    the residents carrying a care tag, in id order
 *                   (care_resident_tags_by_tag);
 *   sql_list_bld    the residents of a building's dwellings, their ids
 *                   from dwellings_building and residents_dwelling.
 * "? = 1 AND col = ?" (rather than "(? = 0 OR col = ?)") lets the planner
 * use the index on col; the binds stay the same.  The tag and the
 * room/building are checked per row (EXISTS) rather than by an IN over the
 * whole community, or, where they drive, on the driving row itself.
 * sql_list_ref is the statement as it was before (one IN per filter, the
 * walk): f->walk asks for it, so the tests can compare.
 */
#define RCOLS                                                                                      \
	"r.id, r.dwelling_id, r.name, r.gender, r.birth_date, r.id_number, r.phone, r.relation,"  \
	" r.residency, r.skills, r.volunteer_willing, r.created_at, r.updated_at, r.languages"
/* 2 binds: community, after */
#define LIST_FROM " FROM residents r WHERE r.community_id = ? AND r.id > ?"
/* 4 binds each: the driving values, the community, after */
#define LIST_FROM_GRAM                                                                             \
	" FROM resident_name_grams g CROSS JOIN residents r"                                       \
	" WHERE g.community_id = ? AND g.gram = ? AND g.resident_id > ? AND r.id = g.resident_id"  \
	" AND r.community_id = ?"
#define LIST_FROM_TAG                                                                              \
	" FROM care_tags t CROSS JOIN care_resident_tags rt CROSS JOIN residents r"                \
	" WHERE t.community_id = ? AND t.code = ? AND rt.tag_id = t.id AND rt.resident_id > ?"     \
	" AND r.id = rt.resident_id AND r.community_id = ?"
#define LIST_FROM_ROOM                                                                             \
	" FROM dwellings d CROSS JOIN residents r WHERE d.community_id = ? AND d.room = ?"          \
	" AND r.dwelling_id = d.id AND r.id > ? AND r.community_id = ?"
/* the building's residents' ids from the indexes alone, then their rows in
 * id order until the page is full ("+" keeps SQLite from walking
 * residents_search instead) */
#define LIST_FROM_BLD                                                                              \
	" FROM residents r WHERE r.id IN (SELECT r2.id FROM dwellings d CROSS JOIN residents r2"    \
	"  WHERE d.building_id = ? AND d.community_id = ? AND r2.dwelling_id = d.id)"               \
	" AND +r.id > ? AND +r.community_id = ?"
#define LIST_ANY_TAIL  " AND (? = 0 OR r.phone_tail = ?)"
#define LIST_THE_TAIL  " AND ? = 1 AND r.phone_tail = ?"
#define LIST_ANY_DW    " AND (? = 0 OR r.dwelling_id = ?)"
#define LIST_THE_DW    " AND ? = 1 AND r.dwelling_id = ?"
/* the tag: 3 binds (code, community, code) */
#define LIST_TAG_IN                                                                                \
	" AND (? = '' OR r.id IN (SELECT rt.resident_id"                                           \
	"  FROM care_resident_tags rt JOIN care_tags t ON t.id = rt.tag_id"                        \
	"  WHERE t.community_id = ? AND t.code = ?))"
#define LIST_TAG_EXISTS                                                                            \
	" AND (? = '' OR EXISTS (SELECT 1"                                                         \
	"  FROM care_resident_tags rt JOIN care_tags t ON t.id = rt.tag_id"                        \
	"  WHERE rt.resident_id = r.id AND t.community_id = ? AND t.code = ?))"
#define LIST_TAG_DRIVEN " AND (? = '' OR (t.community_id = ? AND t.code = ?))"
/* room and building: 7 binds (room, building, community, room, room,
 * building given, building) */
#define LIST_DSET_IN                                                                               \
	" AND ((? = '' AND ? = 0) OR r.dwelling_id IN (SELECT d.id"                                \
	"  FROM dwellings d WHERE d.community_id = ?"                                              \
	"  AND (? = '' OR d.room = ?) AND (? = 0 OR d.building_id = ?)))"
#define LIST_DSET_EXISTS                                                                           \
	" AND ((? = '' AND ? = 0) OR EXISTS (SELECT 1"                                             \
	"  FROM dwellings d WHERE d.id = r.dwelling_id AND d.community_id = ?"                     \
	"  AND (? = '' OR d.room = ?) AND (? = 0 OR d.building_id = ?)))"
#define LIST_DSET_DRIVEN                                                                           \
	" AND ((? = '' AND ? = 0) OR (d.community_id = ?"                                          \
	"  AND (? = '' OR d.room = ?) AND (? = 0 OR d.building_id = ?)))"
#define LIST_FILTERS(tail, dw, tag, dset)                                                          \
	" AND r.name LIKE ? ESCAPE '!'" tail dw " AND (? = 0 OR r.birth_date <= ?)"                 \
	" AND (? = 0 OR r.birth_date > ?)" tag dset
#define BY_ID " ORDER BY r.id LIMIT ?"
static const char sql_list_ref[] = "SELECT " RCOLS LIST_FROM
    LIST_FILTERS(LIST_ANY_TAIL, LIST_ANY_DW, LIST_TAG_IN, LIST_DSET_IN) BY_ID;
static const char sql_list[] = "SELECT " RCOLS LIST_FROM
    LIST_FILTERS(LIST_ANY_TAIL, LIST_ANY_DW, LIST_TAG_EXISTS, LIST_DSET_EXISTS) BY_ID;
static const char sql_list_dw[] = "SELECT " RCOLS LIST_FROM
    LIST_FILTERS(LIST_ANY_TAIL, LIST_THE_DW, LIST_TAG_EXISTS, LIST_DSET_EXISTS) BY_ID;
static const char sql_list_tail[] = "SELECT " RCOLS LIST_FROM
    LIST_FILTERS(LIST_THE_TAIL, LIST_ANY_DW, LIST_TAG_EXISTS, LIST_DSET_EXISTS) BY_ID;
static const char sql_list_gram[] = "SELECT " RCOLS LIST_FROM_GRAM
    LIST_FILTERS(LIST_ANY_TAIL, LIST_ANY_DW, LIST_TAG_EXISTS, LIST_DSET_EXISTS)
    " ORDER BY g.resident_id LIMIT ?";
static const char sql_list_tag[] = "SELECT " RCOLS LIST_FROM_TAG
    LIST_FILTERS(LIST_ANY_TAIL, LIST_ANY_DW, LIST_TAG_DRIVEN, LIST_DSET_EXISTS)
    " ORDER BY rt.resident_id LIMIT ?";
static const char sql_list_room[] = "SELECT " RCOLS LIST_FROM_ROOM
    LIST_FILTERS(LIST_ANY_TAIL, LIST_ANY_DW, LIST_TAG_EXISTS, LIST_DSET_DRIVEN) BY_ID;
static const char sql_list_bld[] = "SELECT " RCOLS LIST_FROM_BLD
    LIST_FILTERS(LIST_ANY_TAIL, LIST_ANY_DW, LIST_TAG_EXISTS, LIST_DSET_EXISTS) BY_ID;

static struct seal_keyring *keyring;

void resident_set_keyring(struct seal_keyring *kr)
{
	keyring = kr;
}
struct seal_keyring *resident_keyring(void)
{
	return keyring;
}

static bool one_of(const char *s, const char *const *list)
{
	for (; s && *list; list++)
		if (!strcmp(s, *list))
			return true;
	return false;
}

bool resident_relation_ok(const char *s)
{
	static const char *const v[] = {"householder", "spouse", "child", "parent", "other", NULL};
	return one_of(s, v);
}

bool resident_residency_ok(const char *s)
{
	static const char *const v[] = {"huji",   "resident",  "floating",
	                                "tenant", "separated", NULL};
	return one_of(s, v);
}

static int need_keyring(struct err *e)
{
	if (!keyring)
		return err_set(e, ERR_UNAVAILABLE, "key_file",
		               "the key file of sensitive fields is not loaded");
	return 0;
}

static void today_china(char out[ORG_DATE_LEN + 1])
{
	org_today(out);
}

/* A resident's row, plain (opened), ready to check and write. */
struct row {
	int64_t dwelling_id; /* 0: none */
	const char *name, *gender, *birth_date, *id_number, *phone, *relation, *residency, *skills;
	const char *languages;
	bool volunteer;
};

static const char *nz(const char *s)
{
	return s && *s ? s : NULL;
}

/* Checks r, normalising id_number and phone and deriving gender and birth
 * date from the ID number; strings are copied into a. */
static int check_row(struct row *r, struct arena *a, struct err *e)
{
	size_t n;
	if (!r->name || !(n = strlen(r->name)) || !utf8_valid(r->name, n) ||
	    utf8_has_control(r->name, n) || utf8_count(r->name, n) > RESIDENT_NAME_MAX)
		return err_set(e, ERR_INVALID, "name", "name must be 1 to %d characters",
		               RESIDENT_NAME_MAX);
	if (r->skills && (!utf8_valid(r->skills, strlen(r->skills)) ||
	                  utf8_count(r->skills, strlen(r->skills)) > RESIDENT_SKILLS_MAX))
		return err_set(e, ERR_INVALID, "skills", "skills must be at most %d characters",
		               RESIDENT_SKILLS_MAX);
	if (r->languages && (!utf8_valid(r->languages, strlen(r->languages)) ||
	                     utf8_has_control(r->languages, strlen(r->languages)) ||
	                     utf8_count(r->languages, strlen(r->languages)) > RESIDENT_LANGUAGES_MAX))
		return err_set(e, ERR_INVALID, "languages",
		               "languages must be at most %d characters of text",
		               RESIDENT_LANGUAGES_MAX);
	if (!resident_relation_ok(r->relation))
		return err_set(e, ERR_INVALID, "relation",
		               "relation must be householder, spouse, child, parent or other");
	if (!resident_residency_ok(r->residency))
		return err_set(e, ERR_INVALID, "residency",
		               "residency must be huji, resident, floating, tenant or separated");
	if (r->gender && strcmp(r->gender, "male") && strcmp(r->gender, "female"))
		return err_set(e, ERR_INVALID, "gender", "gender must be male or female");
	if (r->birth_date && org_date_check(r->birth_date, "birth_date", e) < 0)
		return -1;
	if (r->phone) {
		char p[PHONE_LEN + 1];
		if (phone_normalize(p, r->phone, strlen(r->phone), e) < 0)
			return -1;
		r->phone = arena_strdup(a, p);
	}
	if (r->id_number) {
		char id[IDCARD_LEN + 1], bd[32];
		int32_t b;
		const char *g;
		if (idcard_normalize(id, r->id_number, strlen(r->id_number),
		                     idcard_utc_date(time_now() + 8 * 3600), e) < 0)
			return -1;
		b = idcard_birth(id);
		snprintf(bd, sizeof(bd), "%04d-%02d-%02d", (int)(b / 10000), (int)(b / 100 % 100),
		         (int)(b % 100));
		g = idcard_gender(id) == IDCARD_MALE ? "male" : "female";
		if (r->gender && strcmp(r->gender, g))
			return err_set(e, ERR_INVALID, "gender",
			               "gender does not match the ID number");
		if (r->birth_date && strcmp(r->birth_date, bd))
			return err_set(e, ERR_INVALID, "birth_date",
			               "birth_date does not match the ID number");
		r->id_number = arena_strdup(a, id);
		r->birth_date = arena_strdup(a, bd);
		r->gender = g;
	} else if (!r->gender) {
		return err_set(e, ERR_INVALID, "gender",
		               "gender is required when there is no ID number");
	}
	if (r->birth_date) {
		char today[ORG_DATE_LEN + 1];
		today_china(today);
		if (strcmp(r->birth_date, today) > 0)
			return err_set(e, ERR_INVALID, "birth_date", "birth_date is in the future");
	}
	return 0;
}

static void bind_opt(struct stmt *st, int idx, const char *s)
{
	if (s)
		stmt_bind_text(st, idx, s, SIZE_MAX);
	else
		stmt_bind_null(st, idx);
}

/* Binds the row's columns from dwelling_id to volunteer_willing, starting at
 * idx (12 values), sealing what must be sealed. */
static int bind_row(struct stmt *st, int idx, const struct row *r, struct arena *a, struct err *e)
{
	const char *sid = NULL, *sphone = NULL;
	char hash[SEAL_HASH_CHARS + 1];
	if (r->id_number &&
	    seal_encrypt(&sid, keyring, r->id_number, strlen(r->id_number), CTX_ID, a, e) < 0)
		return -1;
	if (r->phone &&
	    seal_encrypt(&sphone, keyring, r->phone, strlen(r->phone), CTX_PHONE, a, e) < 0)
		return -1;
	if (r->dwelling_id > 0)
		stmt_bind_int(st, idx, r->dwelling_id);
	else
		stmt_bind_null(st, idx);
	stmt_bind_text(st, idx + 1, r->name, SIZE_MAX);
	stmt_bind_text(st, idx + 2, r->gender, SIZE_MAX);
	bind_opt(st, idx + 3, r->birth_date);
	bind_opt(st, idx + 4, sid);
	if (r->id_number) {
		seal_hash(hash, keyring, r->id_number, strlen(r->id_number));
		stmt_bind_text(st, idx + 5, hash, SIZE_MAX);
	} else {
		stmt_bind_null(st, idx + 5);
	}
	bind_opt(st, idx + 6, sphone);
	bind_opt(st, idx + 7, r->phone ? r->phone + PHONE_LEN - 4 : NULL);
	stmt_bind_text(st, idx + 8, r->relation, SIZE_MAX);
	stmt_bind_text(st, idx + 9, r->residency, SIZE_MAX);
	bind_opt(st, idx + 10, r->skills);
	stmt_bind_int(st, idx + 11, r->volunteer ? 1 : 0);
	return 0;
}

/* A conflict is a second registration of the ID number, else (the row has
 * none) a dwelling that is gone. */
static void name_conflict(struct err *e, bool has_id)
{
	if (e->code != ERR_CONFLICT)
		return;
	err_clear(e);
	if (has_id)
		err_set(e, ERR_CONFLICT, "id_number",
		        "a resident with this ID number is already registered here");
	else
		err_set(e, ERR_CONFLICT, "dwelling_id", "no such dwelling");
}

int resident_add(struct store *db, int64_t *out, int64_t community_id,
                 const struct resident_input *in, struct err *e)
{
	struct row r = {
	    .dwelling_id = in->dwelling_id,
	    .name = in->name,
	    .gender = nz(in->gender),
	    .birth_date = nz(in->birth_date),
	    .id_number = nz(in->id_number),
	    .phone = nz(in->phone),
	    .relation = in->relation ? in->relation : "other",
	    .residency = in->residency ? in->residency : "huji",
	    .skills = nz(in->skills),
	    .languages = nz(in->languages),
	    .volunteer = in->volunteer_willing == 1,
	};
	struct arena a = ARENA_INIT;
	struct stmt *st;
	bool own = false; /* the row and its name's grams go together */
	int rc = -1, s;
	if (need_keyring(e) < 0 || check_row(&r, &a, e) < 0)
		goto out;
	own = !store_in_tx(db);
	if (own && store_begin(db, e) < 0) {
		own = false;
		goto out;
	}
	if (!(st = store_prepare(db, sql_add, e)))
		goto out;
	stmt_bind_int(st, 1, community_id);
	if (bind_row(st, 2, &r, &a, e) < 0) {
		stmt_done(st);
		goto out;
	}
	stmt_bind_int(st, 14, time_now());
	stmt_bind_int(st, 15, time_now());
	bind_opt(st, 16, r.languages);
	s = stmt_step(st, e);
	if (s == STORE_ROW)
		*out = stmt_int(st, 0);
	stmt_done(st);
	if (s == STORE_ROW)
		rc = resident_grams_set(db, community_id, *out, r.name, true, e);
	else if (s == STORE_DONE)
		err_set(e, ERR_INTERNAL, NULL, "insert returned no id");
	else
		name_conflict(e, r.id_number != NULL);
	if (own && rc == 0 && store_commit(db, e) < 0)
		rc = -1;
out:
	if (own && rc < 0)
		store_rollback(db);
	arena_release(&a);
	return rc;
}

/* Reads the row id into *r (sealed fields opened, strings in a). */
static int row_read(struct store *db, struct row *r, int64_t *times, int64_t community_id,
                    int64_t id, struct arena *a, struct err *e)
{
	struct stmt *st = store_prepare(db, sql_one, e);
	int s, rc = -1;
	if (!st)
		return -1;
	stmt_bind_int(st, 1, id);
	stmt_bind_int(st, 2, community_id);
	s = stmt_step(st, e);
	if (s == STORE_DONE) {
		err_set(e, ERR_NOT_FOUND, NULL, "no such resident");
		goto out;
	}
	if (s < 0)
		goto out;
#define T(c) (stmt_is_null(st, c) ? NULL : arena_strdup(a, stmt_text(st, c)))
	r->dwelling_id = stmt_is_null(st, 1) ? 0 : stmt_int(st, 1);
	r->name = T(2);
	r->gender = T(3);
	r->birth_date = T(4);
	r->relation = T(7);
	r->residency = T(8);
	r->skills = T(9);
	r->languages = T(13);
#undef T
	r->volunteer = stmt_int(st, 10) != 0;
	if (times) {
		times[0] = stmt_int(st, 11);
		times[1] = stmt_int(st, 12);
	}
	r->id_number = r->phone = NULL;
	if (!stmt_is_null(st, 5) && seal_decrypt(&r->id_number, NULL, keyring, stmt_text(st, 5),
	                                         stmt_len(st, 5), CTX_ID, a, e) < 0)
		goto out;
	if (!stmt_is_null(st, 6) && seal_decrypt(&r->phone, NULL, keyring, stmt_text(st, 6),
	                                         stmt_len(st, 6), CTX_PHONE, a, e) < 0)
		goto out;
	rc = 0;
out:
	stmt_done(st);
	return rc;
}

int resident_update(struct store *db, int64_t community_id, int64_t id,
                    const struct resident_input *in, struct err *e)
{
	struct arena a = ARENA_INIT;
	struct row r;
	struct stmt *st;
	const char *old_name;
	bool own = !store_in_tx(db); /* else the caller commits (and audits) */
	if (need_keyring(e) < 0 || (own && store_begin(db, e) < 0))
		goto out0;
	if (row_read(db, &r, NULL, community_id, id, &a, e) < 0)
		goto fail;
	old_name = r.name;
	if (in->id_number) {
		/* a new ID number brings its own gender and birth date */
		r.id_number = nz(in->id_number);
		if (r.id_number)
			r.gender = r.birth_date = NULL;
	} else if (r.id_number && (in->gender || in->birth_date)) {
		r.gender = r.birth_date = NULL; /* checked against the number */
	}
	if (in->name)
		r.name = in->name;
	if (in->gender)
		r.gender = nz(in->gender);
	if (in->birth_date)
		r.birth_date = nz(in->birth_date);
	if (in->phone)
		r.phone = nz(in->phone);
	if (in->relation)
		r.relation = in->relation;
	if (in->residency)
		r.residency = in->residency;
	if (in->skills)
		r.skills = nz(in->skills);
	if (in->languages)
		r.languages = nz(in->languages);
	if (in->clear_dwelling)
		r.dwelling_id = 0;
	else if (in->dwelling_id > 0)
		r.dwelling_id = in->dwelling_id;
	if (in->volunteer_willing >= 0)
		r.volunteer = in->volunteer_willing == 1;
	if (check_row(&r, &a, e) < 0 || !(st = store_prepare(db, sql_update, e)))
		goto fail;
	if (bind_row(st, 1, &r, &a, e) < 0) {
		stmt_done(st);
		goto fail;
	}
	stmt_bind_int(st, 13, time_now());
	bind_opt(st, 14, r.languages);
	stmt_bind_int(st, 15, id);
	stmt_bind_int(st, 16, community_id);
	if (stmt_exec(st, e) < 0) {
		name_conflict(e, r.id_number != NULL);
		goto fail;
	}
	if (strcmp(old_name, r.name) &&
	    resident_grams_set(db, community_id, id, r.name, false, e) < 0)
		goto fail;
	if (own && store_commit(db, e) < 0)
		goto fail;
	arena_release(&a);
	return 0;
fail:
	if (own)
		store_rollback(db);
out0:
	arena_release(&a);
	return -1;
}

int resident_delete(struct store *db, int64_t community_id, int64_t id, int64_t actor_id,
                    const char *actor, const char *ip, struct err *e)
{
	return resident_delete_why(db, community_id, id, actor_id, actor, ip, NULL, e);
}

int resident_delete_why(struct store *db, int64_t community_id, int64_t id, int64_t actor_id,
                        const char *actor, const char *ip, const char *reason, struct err *e)
{
	struct stmt *st;
	char subject[48];

	if (store_begin(db, e) < 0)
		return -1;
	if (!(st = store_prepare(db, sql_delete, e)))
		goto fail;
	stmt_bind_int(st, 1, id);
	stmt_bind_int(st, 2, community_id);
	if (stmt_exec(st, e) < 0)
		goto fail;
	if (store_changes(db) == 0) {
		err_set(e, ERR_NOT_FOUND, NULL, "no such resident");
		goto fail;
	}
	snprintf(subject, sizeof(subject), "resident:%lld", (long long)id);
	if (audit_append(db, actor_id, actor, "resident.delete", subject, community_id, ip, reason,
	                 e) < 0 ||
	    store_commit(db, e) < 0)
		goto fail;
	return 0;
fail:
	store_rollback(db);
	return -1;
}

int resident_check(struct resident_input *out, const struct resident_input *in, struct arena *a,
                   struct err *e)
{
	struct row r = {
	    .dwelling_id = in->dwelling_id,
	    .name = in->name,
	    .gender = nz(in->gender),
	    .birth_date = nz(in->birth_date),
	    .id_number = nz(in->id_number),
	    .phone = nz(in->phone),
	    .relation = in->relation ? in->relation : "other",
	    .residency = in->residency ? in->residency : "huji",
	    .skills = nz(in->skills),
	    .languages = nz(in->languages),
	    .volunteer = in->volunteer_willing == 1,
	};
	if (check_row(&r, a, e) < 0)
		return -1;
	*out = (struct resident_input){
	    .name = r.name,
	    .gender = r.gender,
	    .birth_date = r.birth_date,
	    .id_number = r.id_number,
	    .phone = r.phone,
	    .relation = r.relation,
	    .residency = r.residency,
	    .skills = r.skills,
	    .languages = r.languages,
	    .dwelling_id = r.dwelling_id,
	    .volunteer_willing = r.volunteer ? 1 : 0,
	};
	return 0;
}

static json_t *row_json(int64_t id, const struct row *r, const int64_t *times, bool unmask,
                        struct arena *a)
{
	json_t *idn = json_null(), *ph = json_null();
	if (r->id_number) {
		json_decref(idn);
		idn = json_string(unmask ? r->id_number
		                         : mask_id_number(a, r->id_number, strlen(r->id_number)));
	}
	if (r->phone) {
		json_decref(ph);
		ph = json_string(unmask ? r->phone : mask_phone(a, r->phone, strlen(r->phone)));
	}
	return json_pack("{s:I, s:o, s:s, s:s, s:o, s:o, s:o, s:s, s:s, s:o, s:o, s:b, s:I, s:I}",
	                 "id",
	                 (json_int_t)id, "dwelling_id",
	                 r->dwelling_id ? json_integer(r->dwelling_id) : json_null(), "name",
	                 r->name, "gender", r->gender, "birth_date",
	                 r->birth_date ? json_string(r->birth_date) : json_null(), "id_number", idn,
	                 "phone", ph, "relation", r->relation, "residency", r->residency, "skills",
	                 r->skills ? json_string(r->skills) : json_null(), "languages",
	                 r->languages ? json_string(r->languages) : json_null(), "volunteer_willing",
	                 (int)r->volunteer, "created_at", (json_int_t)times[0], "updated_at",
	                 (json_int_t)times[1]);
}

int resident_get(struct store *db, json_t **out, int64_t community_id, int64_t id, bool unmask,
                 struct err *e)
{
	struct arena a = ARENA_INIT;
	struct row r;
	int64_t times[2];
	int rc = -1;
	if (need_keyring(e) == 0 && row_read(db, &r, times, community_id, id, &a, e) == 0) {
		*out = row_json(id, &r, times, unmask, &a);
		rc = 0;
	}
	arena_release(&a);
	return rc;
}

/* The date n years before today ("YYYY-MM-DD"). */
static void years_before(char out[ORG_DATE_LEN + 1], const char *today, int n)
{
	int y = (today[0] - '0') * 1000 + (today[1] - '0') * 100 + (today[2] - '0') * 10 +
	        (today[3] - '0');
	char buf[32];
	snprintf(buf, sizeof(buf), "%04d%.6s", y - n, today + 4);
	memcpy(out, buf, ORG_DATE_LEN);
	out[ORG_DATE_LEN] = '\0';
}

int resident_list(struct store *db, json_t **out, int64_t community_id,
                  const struct resident_filter *f, struct err *e)
{
	struct arena a = ARENA_INIT;
	char today[ORG_DATE_LEN + 1], dmin[ORG_DATE_LEN + 1] = "", dmax[ORG_DATE_LEN + 1] = "";
	json_t *arr;
	struct stmt *st;
	int limit =
	    f->limit > 0 && f->limit <= RESIDENT_PAGE_MAX ? f->limit : RESIDENT_PAGE_DEFAULT;
	int s, count = 0, b; /* b: binds before LIST_FILTERS */
	int64_t last = 0;
	char *like, gram[RESIDENT_GRAM_MAX + 1];
	const char *sql = sql_list;
	size_t k = 0;

	if (need_keyring(e) < 0)
		return -1;
	if (f->today && strlen(f->today) == ORG_DATE_LEN)
		snprintf(today, sizeof(today), "%s", f->today);
	else
		today_china(today);
	if (f->age_min >= 0)
		years_before(dmin, today, f->age_min);
	if (f->age_max >= 0)
		years_before(dmax, today, f->age_max + 1);
	like = arena_alloc(&a, 2 * (f->q ? strlen(f->q) : 0) + 3);
	like[k++] = '%';
	for (const char *p = f->q; p && *p; p++) {
		if (*p == '%' || *p == '_' || *p == '!')
			like[k++] = '!';
		like[k++] = *p;
	}
	like[k++] = '%';
	like[k] = '\0';
	if (f->walk) {
		sql = sql_list_ref;
	} else if (f->dwelling > 0) {
		sql = sql_list_dw;
	} else if (f->phone_tail) {
		sql = sql_list_tail;
	} else if (f->room) {
		sql = sql_list_room;
	} else if (f->q && utf8_count(f->q, strlen(f->q)) >= 2) {
		bool found;
		if (resident_grams_pick(db, community_id, f->q, gram, &found, e) < 0) {
			arena_release(&a);
			return -1;
		}
		if (found)
			sql = sql_list_gram;
	}
	if (sql == sql_list && f->tag)
		sql = sql_list_tag;
	else if (sql == sql_list && f->building > 0)
		sql = sql_list_bld;
	if (!(st = store_prepare(db, sql, e))) {
		arena_release(&a);
		return -1;
	}
	if (sql == sql_list_gram || sql == sql_list_tag) {
		stmt_bind_int(st, 1, community_id);
		stmt_bind_text(st, 2, sql == sql_list_gram ? gram : f->tag, SIZE_MAX);
		stmt_bind_int(st, 3, f->after > 0 ? f->after : 0);
		stmt_bind_int(st, 4, community_id);
		b = 4;
	} else if (sql == sql_list_room || sql == sql_list_bld) {
		if (sql == sql_list_room) {
			stmt_bind_int(st, 1, community_id);
			stmt_bind_text(st, 2, f->room, SIZE_MAX);
		} else {
			stmt_bind_int(st, 1, f->building);
			stmt_bind_int(st, 2, community_id);
		}
		stmt_bind_int(st, 3, f->after > 0 ? f->after : 0);
		stmt_bind_int(st, 4, community_id);
		b = 4;
	} else {
		stmt_bind_int(st, 1, community_id);
		stmt_bind_int(st, 2, f->after > 0 ? f->after : 0);
		b = 2;
	}
	stmt_bind_text(st, b + 1, like, SIZE_MAX);
	stmt_bind_int(st, b + 2, f->phone_tail ? 1 : 0);
	stmt_bind_text(st, b + 3, f->phone_tail ? f->phone_tail : "", SIZE_MAX);
	stmt_bind_int(st, b + 4, f->dwelling > 0 ? 1 : 0);
	stmt_bind_int(st, b + 5, f->dwelling);
	stmt_bind_int(st, b + 6, f->age_min >= 0 ? 1 : 0);
	stmt_bind_text(st, b + 7, dmin, SIZE_MAX);
	stmt_bind_int(st, b + 8, f->age_max >= 0 ? 1 : 0);
	stmt_bind_text(st, b + 9, dmax, SIZE_MAX);
	stmt_bind_text(st, b + 10, f->tag ? f->tag : "", SIZE_MAX);
	stmt_bind_int(st, b + 11, community_id);
	stmt_bind_text(st, b + 12, f->tag ? f->tag : "", SIZE_MAX);
	stmt_bind_text(st, b + 13, f->room ? f->room : "", SIZE_MAX);
	stmt_bind_int(st, b + 14, f->building > 0 ? f->building : 0);
	stmt_bind_int(st, b + 15, community_id);
	stmt_bind_text(st, b + 16, f->room ? f->room : "", SIZE_MAX);
	stmt_bind_text(st, b + 17, f->room ? f->room : "", SIZE_MAX);
	stmt_bind_int(st, b + 18, f->building > 0 ? 1 : 0);
	stmt_bind_int(st, b + 19, f->building > 0 ? f->building : 0);
	stmt_bind_int(st, b + 20, limit + 1);
	arr = json_array();
	while ((s = stmt_step(st, e)) == STORE_ROW) {
		struct row r;
		int64_t times[2] = {stmt_int(st, 11), stmt_int(st, 12)};
		if (++count > limit)
			break;
		last = stmt_int(st, 0);
		r.dwelling_id = stmt_is_null(st, 1) ? 0 : stmt_int(st, 1);
		r.name = stmt_text(st, 2);
		r.gender = stmt_text(st, 3);
		r.birth_date = stmt_is_null(st, 4) ? NULL : stmt_text(st, 4);
		r.relation = stmt_text(st, 7);
		r.residency = stmt_text(st, 8);
		r.skills = stmt_is_null(st, 9) ? NULL : stmt_text(st, 9);
		r.languages = stmt_is_null(st, 13) ? NULL : stmt_text(st, 13);
		r.volunteer = stmt_int(st, 10) != 0;
		r.id_number = r.phone = NULL;
		if ((!stmt_is_null(st, 5) &&
		     seal_decrypt(&r.id_number, NULL, keyring, stmt_text(st, 5), stmt_len(st, 5),
		                  CTX_ID, &a, e) < 0) ||
		    (!stmt_is_null(st, 6) && seal_decrypt(&r.phone, NULL, keyring, stmt_text(st, 6),
		                                          stmt_len(st, 6), CTX_PHONE, &a, e) < 0)) {
			s = -1;
			break;
		}
		json_array_append_new(arr, row_json(last, &r, times, false, &a));
	}
	stmt_done(st);
	arena_release(&a);
	if (s < 0) {
		json_decref(arr);
		return -1;
	}
	*out = json_pack("{s:o, s:o}", "residents", arr, "next",
	                 count > limit ? json_integer(last) : json_null());
	return 0;
}

const struct migration resident_migrations[] = {
    {500, "registry: residents register (sealed ID numbers and phones)",
     "CREATE TABLE residents ("
     " id @id, community_id BIGINT NOT NULL REFERENCES communities(id),"
     " dwelling_id BIGINT REFERENCES dwellings(id),"
     " name TEXT NOT NULL, gender TEXT NOT NULL, birth_date TEXT,"
     " id_number TEXT, id_hash TEXT, phone TEXT, phone_tail TEXT,"
     " relation TEXT NOT NULL, residency TEXT NOT NULL, skills TEXT,"
     " volunteer_willing INTEGER NOT NULL DEFAULT 0,"
     " created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL,"
     " UNIQUE (community_id, id_hash));"
     "CREATE INDEX residents_community ON residents (community_id, id);"
     "CREATE INDEX residents_tail ON residents (community_id, phone_tail);"},
};
const size_t resident_migrations_n = sizeof(resident_migrations) / sizeof(resident_migrations[0]);

int resident_any(struct store *db, bool *out, struct err *e)
{
	static const char sql[] = "SELECT 1 FROM residents LIMIT 1";
	struct stmt *st = store_prepare(db, sql, e);
	int s;
	if (!st)
		return -1;
	s = stmt_step(st, e);
	stmt_done(st);
	if (s < 0)
		return -1;
	*out = s == STORE_ROW;
	return 0;
}
