/*
 * care.c - rules and persistence of care needs (see care.h).
 *
 * Every write runs in one transaction that first seeds the community's
 * catalogue when it has no rows (seed()), then checks, then writes, then
 * appends to the audit log: the change and its record commit together.
 * Reads never write: an unseeded community reads as care_defaults.
 *
 * Detail and note of every resident tag are sealed (contexts CTX_DETAIL and
 * CTX_NOTE).  A "disability" detail is kept as the compact JSON text
 * {"category":"...","grade":N} before sealing; a "text" detail as itself.
 * A tag's detail kind cannot change while residents carry it, so a stored
 * detail is always read with the kind it was written under.
 */
#include "registry/care.h"

#include "auth/auth.h"
#include "auth/members.h"
#include "core/arena.h"
#include "core/seal.h"
#include "core/timeutil.h"
#include "core/utf8.h"
#include "registry/org.h"
#include "registry/resident.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CTX_DETAIL "care.detail"
#define CTX_NOTE   "care.note"

/* Who may be a caretaker among the accounts. */
#define CARETAKER_ROLES                                                                            \
	(AUTH_ROLE_BIT(ROLE_WORKER) | AUTH_ROLE_BIT(ROLE_GRID) | AUTH_ROLE_BIT(ROLE_LEAD) |        \
	 AUTH_ROLE_BIT(ROLE_VOLUNTEER))

/*
 * The defaults.  Sensitive (PIPL art. 28): health and disability (失能,
 * 残疾, 孕产妇, 慢病) and financial support (低保, 特困).  Living alone, age,
 * infants, 优抚 and limited mobility are not: the volunteers who visit and
 * who evacuate a building in an emergency need to see them.
 */
const struct care_tag care_defaults[] = {
    {"disabled", "失能/半失能", "Unable or partly able to care for oneself", 1, 95, "text", 0},
    {"living_alone", "独居老人", "Elderly living alone", 0, 90, "none", 0},
    {"limited_mobility", "行动不便", "Limited mobility", 0, 85, "none", 0},
    {"disability", "残疾", "Disability", 1, 80, "disability", 0},
    {"tekun", "特困", "Extreme-poverty support (特困)", 1, 75, "none", 0},
    {"empty_nest", "空巢老人", "Empty-nest elderly", 0, 70, "none", 0},
    {"pregnant", "孕产妇", "Pregnant or recently given birth", 1, 65, "none", 0},
    {"aged_80", "高龄", "Aged 80 or over", 0, 60, "none", 0},
    {"infant", "婴幼儿", "Infant or toddler", 0, 55, "none", 0},
    {"dibao", "低保", "Minimum living allowance (低保)", 1, 50, "none", 0},
    {"chronic", "慢病", "Chronic illness", 1, 45, "text", 0},
    {"youfu", "优抚", "Entitled to special care (优抚: veterans and families)", 0, 40, "none",
     0},
    {NULL, NULL, NULL, 0, 0, NULL, 0},
};

static const char *const detail_kinds[] = {"none", "text", "disability", NULL};
/* 视力 听力 言语 肢体 智力 精神 多重 */
static const char *const categories[] = {"vision",       "hearing", "speech",   "physical",
                                         "intellectual", "mental",  "multiple", NULL};

static const char sql_count_tags[] = "SELECT COUNT(*) FROM care_tags WHERE community_id = ?";
static const char sql_insert_tag[] =
    "INSERT INTO care_tags (community_id, code, name_zh, name_en, sensitive, priority, detail,"
    " retired, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char sql_update_tag[] =
    "UPDATE care_tags SET name_zh = ?, name_en = ?, sensitive = ?, priority = ?, detail = ?,"
    " retired = ? WHERE id = ? AND community_id = ?";
static const char sql_find_tag[] =
    "SELECT id, code, name_zh, name_en, sensitive, priority, detail, retired,"
    " (SELECT COUNT(*) FROM care_resident_tags rt WHERE rt.tag_id = care_tags.id)"
    " FROM care_tags WHERE community_id = ? AND code = ?";
static const char sql_list_tags[] =
    "SELECT code, name_zh, name_en, sensitive, priority, detail, retired,"
    " (SELECT COUNT(*) FROM care_resident_tags rt WHERE rt.tag_id = t.id)"
    " FROM care_tags t WHERE community_id = ? ORDER BY priority DESC, code";
static const char sql_delete_tag[] = "DELETE FROM care_tags WHERE id = ? AND community_id = ?";
static const char sql_resident[] =
    "SELECT id, name, gender, birth_date FROM residents WHERE id = ? AND community_id = ?";
static const char sql_rt_insert[] =
    "INSERT INTO care_resident_tags (community_id, resident_id, tag_id, detail, note, since,"
    " recorded_by, recorded_by_name, recorded_at, updated_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";
static const char sql_rt_has[] =
    "SELECT 1 FROM care_resident_tags WHERE resident_id = ? AND tag_id = ?";
static const char sql_rt_one[] =
    "SELECT rt.detail, rt.note, rt.since, t.code, t.detail FROM care_resident_tags rt"
    " JOIN care_tags t ON t.id = rt.tag_id"
    " WHERE rt.id = ? AND rt.resident_id = ? AND rt.community_id = ?";
static const char sql_rt_update[] =
    "UPDATE care_resident_tags SET detail = ?, note = ?, since = ?, updated_at = ?"
    " WHERE id = ? AND resident_id = ? AND community_id = ?";
static const char sql_rt_delete[] =
    "DELETE FROM care_resident_tags WHERE id = ? AND resident_id = ? AND community_id = ?";
static const char sql_rt_of[] =
    "SELECT rt.id, t.code, t.name_zh, t.name_en, t.sensitive, t.priority, t.detail,"
    " rt.detail, rt.note, rt.since, rt.recorded_by, rt.recorded_by_name, rt.recorded_at"
    " FROM care_resident_tags rt JOIN care_tags t ON t.id = rt.tag_id"
    " WHERE rt.community_id = ? AND rt.resident_id = ? AND (? = 1 OR t.sensitive = 0)"
    " ORDER BY t.priority DESC, t.code";
static const char sql_ct_insert[] =
    "INSERT INTO care_caretakers (community_id, resident_id, user_id, caretaker_resident_id,"
    " user_name, role, relation, since, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
    " RETURNING id";
static const char sql_ct_has[] =
    "SELECT role, user_id, caretaker_resident_id FROM care_caretakers WHERE resident_id = ?";
static const char sql_ct_delete[] =
    "DELETE FROM care_caretakers WHERE id = ? AND resident_id = ? AND community_id = ?";
static const char sql_ct_of[] =
    "SELECT c.id, c.user_id, c.caretaker_resident_id, COALESCE(c.user_name, r2.name), c.role,"
    " c.relation, c.since FROM care_caretakers c"
    " LEFT JOIN residents r2 ON r2.id = c.caretaker_resident_id"
    " WHERE c.community_id = ? AND c.resident_id = ? ORDER BY c.role DESC, c.id";
static const char sql_ct_for[] =
    "SELECT c.id, c.resident_id, r.name, c.role, c.relation, c.since FROM care_caretakers c"
    " JOIN residents r ON r.id = c.resident_id"
    " WHERE c.community_id = ? AND c.caretaker_resident_id = ? ORDER BY c.id";
static const char sql_list[] =
    "SELECT r.id, r.name, r.gender, r.birth_date, r.dwelling_id, d.floor, d.room, b.id, b.name,"
    " u.name, COALESCE(b.grid_id, cp.grid_id), MAX(t.priority), COUNT(*) OVER ()"
    " FROM residents r"
    " JOIN care_resident_tags rt ON rt.resident_id = r.id"
    " JOIN care_tags t ON t.id = rt.tag_id"
    " LEFT JOIN dwellings d ON d.id = r.dwelling_id"
    " LEFT JOIN units u ON u.id = d.unit_id"
    " LEFT JOIN buildings b ON b.id = d.building_id"
    " LEFT JOIN compounds cp ON cp.id = b.compound_id"
    " WHERE r.community_id = ? AND rt.community_id = ? AND (? = 1 OR t.sensitive = 0)"
    " AND (? = 0 OR b.id = ?)"
    " AND (? = 0 OR COALESCE(b.grid_id, cp.grid_id) = ?)"
    " AND (? = '' OR r.id IN (SELECT rt2.resident_id FROM care_resident_tags rt2"
    "  JOIN care_tags t2 ON t2.id = rt2.tag_id WHERE t2.community_id = ? AND t2.code = ?"
    "  AND (? = 1 OR t2.sensitive = 0)))"
    " GROUP BY r.id, r.name, r.gender, r.birth_date, r.dwelling_id, d.floor, d.room, b.id,"
    " b.name, u.name, b.grid_id, cp.grid_id"
    " ORDER BY MAX(t.priority) DESC, (r.birth_date IS NULL), r.birth_date, r.id"
    " LIMIT ? OFFSET ?";

/* ---- small checks ---- */

static bool one_of(const char *s, const char *const *list)
{
	for (; s && *list; list++)
		if (!strcmp(s, *list))
			return true;
	return false;
}

bool care_detail_kind_ok(const char *s)
{
	return one_of(s, detail_kinds);
}

bool care_disability_category_ok(const char *s)
{
	return one_of(s, categories);
}

static bool text_ok(const char *s, size_t min, size_t max)
{
	size_t n = s ? strlen(s) : 0;
	if (!s)
		return false;
	if (!utf8_valid(s, n) || utf8_has_control(s, n))
		return false;
	n = utf8_count(s, n);
	return n >= min && n <= max;
}

static bool code_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	return n >= 1 && n <= CARE_CODE_MAX && strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_") == n;
}

static int need_keyring(struct err *e)
{
	if (!resident_keyring())
		return err_set(e, ERR_UNAVAILABLE, "key_file",
		               "the key file of sensitive fields is not loaded");
	return 0;
}

/* A date that is a real date and not after today (China). */
static int date_past(const char *s, const char *field, struct err *e)
{
	char today[ORG_DATE_LEN + 1];
	if (org_date_check(s, field, e) < 0)
		return -1;
	org_today(today);
	if (strcmp(s, today) > 0)
		return err_set(e, ERR_INVALID, field, "%s is in the future", field);
	return 0;
}

static void bind_opt(struct stmt *st, int idx, const char *s)
{
	if (s)
		stmt_bind_text(st, idx, s, SIZE_MAX);
	else
		stmt_bind_null(st, idx);
}

static const char *col_opt(struct stmt *st, int c, struct arena *a)
{
	return stmt_is_null(st, c) ? NULL : arena_strdup(a, stmt_text(st, c));
}

static json_t *jstr(const char *s)
{
	return s ? json_string(s) : json_null();
}

/* ---- the catalogue ---- */

struct tagrow {
	int64_t id;
	const char *code, *name_zh, *name_en, *detail;
	bool sensitive, retired;
	int64_t priority, in_use;
};

/* Stores the defaults when the community has no tags yet.  Inside the
 * caller's write transaction. */
static int seed(struct store *db, int64_t community_id, struct err *e)
{
	struct stmt *st = store_prepare(db, sql_count_tags, e);
	int64_t n = 0;
	int s;
	if (!st)
		return -1;
	stmt_bind_int(st, 1, community_id);
	s = stmt_step(st, e);
	if (s == STORE_ROW)
		n = stmt_int(st, 0);
	stmt_done(st);
	if (s < 0)
		return -1;
	if (n > 0)
		return 0;
	for (const struct care_tag *t = care_defaults; t->code; t++) {
		if (!(st = store_prepare(db, sql_insert_tag, e)))
			return -1;
		stmt_bind_int(st, 1, community_id);
		stmt_bind_text(st, 2, t->code, SIZE_MAX);
		stmt_bind_text(st, 3, t->name_zh, SIZE_MAX);
		stmt_bind_text(st, 4, t->name_en, SIZE_MAX);
		stmt_bind_int(st, 5, t->sensitive);
		stmt_bind_int(st, 6, t->priority);
		stmt_bind_text(st, 7, t->detail, SIZE_MAX);
		stmt_bind_int(st, 8, 0);
		stmt_bind_int(st, 9, time_now());
		if (stmt_exec(st, e) < 0)
			return -1;
	}
	return 0;
}

/* Loads the tag `code` of the community; ERR_NOT_FOUND when none. */
static int find_tag(struct store *db, struct tagrow *t, int64_t community_id, const char *code,
                    struct arena *a, struct err *e)
{
	struct stmt *st = store_prepare(db, sql_find_tag, e);
	int s;
	if (!st)
		return -1;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_text(st, 2, code, SIZE_MAX);
	s = stmt_step(st, e);
	if (s == STORE_ROW) {
		t->id = stmt_int(st, 0);
		t->code = arena_strdup(a, stmt_text(st, 1));
		t->name_zh = arena_strdup(a, stmt_text(st, 2));
		t->name_en = arena_strdup(a, stmt_text(st, 3));
		t->sensitive = stmt_int(st, 4) != 0;
		t->priority = stmt_int(st, 5);
		t->detail = arena_strdup(a, stmt_text(st, 6));
		t->retired = stmt_int(st, 7) != 0;
		t->in_use = stmt_int(st, 8);
	}
	stmt_done(st);
	if (s < 0)
		return -1;
	if (s == STORE_DONE)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such care tag");
	return 0;
}

static json_t *tag_json(const char *code, const char *zh, const char *en, bool sensitive,
                        int64_t priority, const char *detail, bool retired, int64_t in_use)
{
	return json_pack("{s:s, s:s, s:s, s:b, s:I, s:s, s:b, s:I}", "code", code, "name_zh", zh,
	                 "name_en", en, "sensitive", (int)sensitive, "priority",
	                 (json_int_t)priority, "detail", detail, "retired", (int)retired, "in_use",
	                 (json_int_t)in_use);
}

int care_tags_list(struct store *db, json_t **out, int64_t community_id, struct err *e)
{
	struct stmt *st = store_prepare(db, sql_list_tags, e);
	json_t *arr;
	int s;
	if (!st)
		return -1;
	stmt_bind_int(st, 1, community_id);
	arr = json_array();
	while ((s = stmt_step(st, e)) == STORE_ROW)
		json_array_append_new(arr, tag_json(stmt_text(st, 0), stmt_text(st, 1),
		                                    stmt_text(st, 2), stmt_int(st, 3) != 0,
		                                    stmt_int(st, 4), stmt_text(st, 5),
		                                    stmt_int(st, 6) != 0, stmt_int(st, 7)));
	stmt_done(st);
	if (s < 0) {
		json_decref(arr);
		return -1;
	}
	if (json_array_size(arr) == 0) /* not seeded yet: the defaults */
		for (const struct care_tag *t = care_defaults; t->code; t++)
			json_array_append_new(arr, tag_json(t->code, t->name_zh, t->name_en,
			                                    t->sensitive, t->priority, t->detail,
			                                    false, 0));
	*out = json_pack("{s:o}", "tags", arr);
	return 0;
}

static int audit(struct store *db, const struct care_actor *who, const char *action,
                 const char *subject, int64_t community_id, const char *detail, struct err *e)
{
	return audit_append(db, who ? who->user_id : 0, who ? who->username : NULL, action, subject,
	                    community_id, who ? who->ip : NULL, detail, e);
}

int care_tag_put(struct store *db, int64_t community_id, const struct care_tag *in,
                 const struct care_actor *who, struct err *e)
{
	struct arena a = ARENA_INIT;
	struct tagrow t = {0};
	struct stmt *st;
	bool exists;
	int64_t n = 0;
	int s;

	if (!code_ok(in->code))
		return err_set(e, ERR_INVALID, "code", "code must be 1 to %d of a-z, 0-9 and _",
		               CARE_CODE_MAX);
	if (in->name_zh && !text_ok(in->name_zh, 1, CARE_NAME_ZH_MAX))
		return err_set(e, ERR_INVALID, "name_zh", "name_zh must be 1 to %d characters",
		               CARE_NAME_ZH_MAX);
	if (in->name_en && !text_ok(in->name_en, 1, CARE_NAME_EN_MAX))
		return err_set(e, ERR_INVALID, "name_en", "name_en must be 1 to %d characters",
		               CARE_NAME_EN_MAX);
	if (in->priority && (in->priority < CARE_PRIORITY_MIN || in->priority > CARE_PRIORITY_MAX))
		return err_set(e, ERR_INVALID, "priority", "priority must be from %d to %d",
		               CARE_PRIORITY_MIN, CARE_PRIORITY_MAX);
	if (in->detail && !care_detail_kind_ok(in->detail))
		return err_set(e, ERR_INVALID, "detail", "detail must be none, text or disability");
	if (store_begin(db, e) < 0)
		return -1;
	if (seed(db, community_id, e) < 0)
		goto fail;
	if (find_tag(db, &t, community_id, in->code, &a, e) == 0) {
		exists = true;
	} else if (e->code == ERR_NOT_FOUND) {
		err_clear(e);
		exists = false;
	} else {
		goto fail;
	}
	if (!exists) {
		if (!in->name_zh || !in->name_en) {
			err_set(e, ERR_INVALID, in->name_zh ? "name_en" : "name_zh",
			        "a new tag needs name_zh and name_en");
			goto fail;
		}
		if (!(st = store_prepare(db, sql_count_tags, e)))
			goto fail;
		stmt_bind_int(st, 1, community_id);
		s = stmt_step(st, e);
		if (s == STORE_ROW)
			n = stmt_int(st, 0);
		stmt_done(st);
		if (s < 0)
			goto fail;
		if (n >= CARE_TAGS_MAX) {
			err_set(e, ERR_CONFLICT, "code", "a community has at most %d care tags",
			        CARE_TAGS_MAX);
			goto fail;
		}
		t.code = in->code;
		t.name_zh = in->name_zh;
		t.name_en = in->name_en;
		t.sensitive = in->sensitive == 1;
		t.priority = in->priority ? in->priority : 50;
		t.detail = in->detail ? in->detail : "none";
		t.retired = in->retired == 1;
		if (!(st = store_prepare(db, sql_insert_tag, e)))
			goto fail;
		stmt_bind_int(st, 1, community_id);
		stmt_bind_text(st, 2, t.code, SIZE_MAX);
		stmt_bind_text(st, 3, t.name_zh, SIZE_MAX);
		stmt_bind_text(st, 4, t.name_en, SIZE_MAX);
		stmt_bind_int(st, 5, t.sensitive);
		stmt_bind_int(st, 6, t.priority);
		stmt_bind_text(st, 7, t.detail, SIZE_MAX);
		stmt_bind_int(st, 8, t.retired);
		stmt_bind_int(st, 9, time_now());
	} else {
		if (in->detail && strcmp(in->detail, t.detail) && t.in_use > 0) {
			err_set(e, ERR_CONFLICT, "detail",
			        "the kind of detail cannot change while residents carry the tag");
			goto fail;
		}
		if (in->name_zh)
			t.name_zh = in->name_zh;
		if (in->name_en)
			t.name_en = in->name_en;
		if (in->sensitive >= 0)
			t.sensitive = in->sensitive == 1;
		if (in->priority)
			t.priority = in->priority;
		if (in->detail)
			t.detail = in->detail;
		if (in->retired >= 0)
			t.retired = in->retired == 1;
		if (!(st = store_prepare(db, sql_update_tag, e)))
			goto fail;
		stmt_bind_text(st, 1, t.name_zh, SIZE_MAX);
		stmt_bind_text(st, 2, t.name_en, SIZE_MAX);
		stmt_bind_int(st, 3, t.sensitive);
		stmt_bind_int(st, 4, t.priority);
		stmt_bind_text(st, 5, t.detail, SIZE_MAX);
		stmt_bind_int(st, 6, t.retired);
		stmt_bind_int(st, 7, t.id);
		stmt_bind_int(st, 8, community_id);
	}
	if (stmt_exec(st, e) < 0 ||
	    audit(db, who, "care.tag.put", arena_printf(&a, "care_tag:%s", in->code), community_id,
	          exists ? "changed" : "added", e) < 0 ||
	    store_commit(db, e) < 0)
		goto fail;
	arena_release(&a);
	return 0;
fail:
	store_rollback(db);
	arena_release(&a);
	return -1;
}

int care_tag_delete(struct store *db, int64_t community_id, const char *code,
                    const struct care_actor *who, struct err *e)
{
	struct arena a = ARENA_INIT;
	struct tagrow t;
	struct stmt *st;
	if (!code_ok(code))
		return err_set(e, ERR_NOT_FOUND, NULL, "no such care tag");
	if (store_begin(db, e) < 0)
		return -1;
	if (seed(db, community_id, e) < 0 || find_tag(db, &t, community_id, code, &a, e) < 0)
		goto fail;
	if (t.in_use > 0) {
		err_set(e, ERR_CONFLICT, "code",
		        "%lld residents carry this tag: retire it instead of deleting it",
		        (long long)t.in_use);
		goto fail;
	}
	if (!(st = store_prepare(db, sql_delete_tag, e)))
		goto fail;
	stmt_bind_int(st, 1, t.id);
	stmt_bind_int(st, 2, community_id);
	if (stmt_exec(st, e) < 0 ||
	    audit(db, who, "care.tag.delete", arena_printf(&a, "care_tag:%s", code), community_id,
	          NULL, e) < 0 ||
	    store_commit(db, e) < 0)
		goto fail;
	arena_release(&a);
	return 0;
fail:
	store_rollback(db);
	arena_release(&a);
	return -1;
}

/* ---- a resident's tags ---- */

/* Checks resident `id` is in the community; name etc. into *row when
 * given (4 strings: name, gender, birth_date (may be NULL)). */
static int resident_row(struct store *db, const char **row, int64_t community_id, int64_t id,
                        struct arena *a, struct err *e)
{
	struct stmt *st = store_prepare(db, sql_resident, e);
	int s;
	if (!st)
		return -1;
	stmt_bind_int(st, 1, id);
	stmt_bind_int(st, 2, community_id);
	s = stmt_step(st, e);
	if (s == STORE_ROW && row) {
		row[0] = arena_strdup(a, stmt_text(st, 1));
		row[1] = arena_strdup(a, stmt_text(st, 2));
		row[2] = col_opt(st, 3, a);
	}
	stmt_done(st);
	if (s < 0)
		return -1;
	if (s == STORE_DONE)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such resident");
	return 0;
}

/* The text to store for detail d of a tag of kind `kind` (NULL: none). */
static int detail_plain(const char **out, const char *kind, const json_t *d, struct arena *a,
                        struct err *e)
{
	*out = NULL;
	if (!strcmp(kind, "none")) {
		if (d && !json_is_null(d))
			return err_set(e, ERR_INVALID, "detail", "this tag takes no detail");
		return 0;
	}
	if (!strcmp(kind, "text")) {
		if (!d || json_is_null(d))
			return 0;
		if (!json_is_string(d) || !text_ok(json_string_value(d), 1, CARE_TEXT_DETAIL_MAX))
			return err_set(e, ERR_INVALID, "detail",
			               "detail must be text of 1 to %d characters",
			               CARE_TEXT_DETAIL_MAX);
		*out = arena_strdup(a, json_string_value(d));
		return 0;
	}
	/* disability: {"category", "grade"} */
	if (!d || !json_is_object(d))
		return err_set(e, ERR_INVALID, "detail",
		               "a disability needs detail {\"category\", \"grade\"}");
	{
		json_t *c = json_object_get(d, "category"), *g = json_object_get(d, "grade");
		if (json_object_size(d) != 2 || !c || !g)
			return err_set(e, ERR_INVALID, "detail",
			               "detail must have exactly category and grade");
		if (!json_is_string(c) || !care_disability_category_ok(json_string_value(c)))
			return err_set(e, ERR_INVALID, "detail.category",
			               "category must be vision, hearing, speech, physical, "
			               "intellectual, mental or multiple");
		if (!json_is_integer(g) || json_integer_value(g) < 1 || json_integer_value(g) > 4)
			return err_set(e, ERR_INVALID, "detail.grade", "grade must be 1, 2, 3 or 4");
		*out = arena_printf(a, "{\"category\":\"%s\",\"grade\":%d}", json_string_value(c),
		                    (int)json_integer_value(g));
	}
	return 0;
}

static json_t *detail_json(const char *kind, const char *plain)
{
	json_t *v;
	if (!plain)
		return json_null();
	if (!strcmp(kind, "disability") && (v = json_loads(plain, 0, NULL)))
		return v;
	return json_string(plain);
}

static int seal_opt(const char **out, const char *plain, const char *ctx, struct arena *a,
                    struct err *e)
{
	*out = NULL;
	if (!plain)
		return 0;
	return seal_encrypt(out, resident_keyring(), plain, strlen(plain), ctx, a, e);
}

static int open_opt(const char **out, struct stmt *st, int col, const char *ctx, struct arena *a,
                    struct err *e)
{
	*out = NULL;
	if (stmt_is_null(st, col))
		return 0;
	return seal_decrypt(out, NULL, resident_keyring(), stmt_text(st, col), stmt_len(st, col),
	                    ctx, a, e);
}

/* Inserts a resident tag with plain detail and note (sealed here). */
static int insert_rt(struct store *db, int64_t *out, int64_t community_id, int64_t resident_id,
                     int64_t tag_id, const char *detail, const char *note, const char *since,
                     const struct care_actor *who, struct arena *a, struct err *e)
{
	const char *sd, *sn;
	struct stmt *st;
	int s;
	if (seal_opt(&sd, detail, CTX_DETAIL, a, e) < 0 || seal_opt(&sn, note, CTX_NOTE, a, e) < 0 ||
	    !(st = store_prepare(db, sql_rt_insert, e)))
		return -1;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_int(st, 2, resident_id);
	stmt_bind_int(st, 3, tag_id);
	bind_opt(st, 4, sd);
	bind_opt(st, 5, sn);
	bind_opt(st, 6, since);
	if (who && who->user_id > 0)
		stmt_bind_int(st, 7, who->user_id);
	else
		stmt_bind_null(st, 7);
	bind_opt(st, 8, who ? (who->display_name ? who->display_name : who->username) : NULL);
	stmt_bind_int(st, 9, time_now());
	stmt_bind_int(st, 10, time_now());
	s = stmt_step(st, e);
	if (s == STORE_ROW && out)
		*out = stmt_int(st, 0);
	stmt_done(st);
	if (s == STORE_DONE)
		return err_set(e, ERR_INTERNAL, NULL, "insert returned no id");
	return s < 0 ? -1 : 0;
}

int care_tag_add(struct store *db, int64_t *out, int64_t community_id, int64_t resident_id,
                 const struct care_tag_input *in, const struct care_actor *who, struct err *e)
{
	struct arena a = ARENA_INIT;
	struct tagrow t;
	struct stmt *st;
	const char *detail;
	int s;

	if (need_keyring(e) < 0)
		return -1;
	if (!in->tag || !code_ok(in->tag))
		return err_set(e, ERR_INVALID, "tag", "tag must be the code of a care tag");
	if (in->note && !text_ok(in->note, 0, CARE_NOTE_MAX))
		return err_set(e, ERR_INVALID, "note", "note must be at most %d characters",
		               CARE_NOTE_MAX);
	if (in->since && date_past(in->since, "since", e) < 0)
		return -1;
	if (store_begin(db, e) < 0)
		return -1;
	if (resident_row(db, NULL, community_id, resident_id, &a, e) < 0 ||
	    seed(db, community_id, e) < 0)
		goto fail;
	if (find_tag(db, &t, community_id, in->tag, &a, e) < 0) {
		if (e->code == ERR_NOT_FOUND) {
			err_clear(e);
			err_set(e, ERR_INVALID, "tag", "no care tag with code %s", in->tag);
		}
		goto fail;
	}
	if (t.retired) {
		err_set(e, ERR_INVALID, "tag", "the tag %s is retired", in->tag);
		goto fail;
	}
	if (detail_plain(&detail, t.detail, in->detail, &a, e) < 0)
		goto fail;
	if (!(st = store_prepare(db, sql_rt_has, e)))
		goto fail;
	stmt_bind_int(st, 1, resident_id);
	stmt_bind_int(st, 2, t.id);
	s = stmt_step(st, e);
	stmt_done(st);
	if (s < 0)
		goto fail;
	if (s == STORE_ROW) {
		err_set(e, ERR_CONFLICT, "tag", "the resident already has this tag");
		goto fail;
	}
	if (insert_rt(db, out, community_id, resident_id, t.id, detail,
	              in->note && *in->note ? in->note : NULL, in->since, who, &a, e) < 0 ||
	    audit(db, who, "care.tag.add", arena_printf(&a, "resident:%lld", (long long)resident_id),
	          community_id, t.code, e) < 0 ||
	    store_commit(db, e) < 0)
		goto fail;
	arena_release(&a);
	return 0;
fail:
	store_rollback(db);
	arena_release(&a);
	return -1;
}

int care_tag_update(struct store *db, int64_t community_id, int64_t resident_id, int64_t id,
                    const struct care_tag_input *in, const struct care_actor *who,
                    struct err *e)
{
	struct arena a = ARENA_INIT;
	struct stmt *st;
	const char *detail = NULL, *note = NULL, *since = NULL, *code = NULL, *kind = NULL;
	const char *sd, *sn;
	int s;

	if (need_keyring(e) < 0)
		return -1;
	if (in->note && !in->clear_note && !text_ok(in->note, 0, CARE_NOTE_MAX))
		return err_set(e, ERR_INVALID, "note", "note must be at most %d characters",
		               CARE_NOTE_MAX);
	if (in->since && !in->clear_since && date_past(in->since, "since", e) < 0)
		return -1;
	if (store_begin(db, e) < 0)
		return -1;
	if (!(st = store_prepare(db, sql_rt_one, e)))
		goto fail;
	stmt_bind_int(st, 1, id);
	stmt_bind_int(st, 2, resident_id);
	stmt_bind_int(st, 3, community_id);
	s = stmt_step(st, e);
	if (s == STORE_ROW) {
		if (open_opt(&detail, st, 0, CTX_DETAIL, &a, e) < 0 ||
		    open_opt(&note, st, 1, CTX_NOTE, &a, e) < 0)
			s = -1;
		since = col_opt(st, 2, &a);
		code = arena_strdup(&a, stmt_text(st, 3));
		kind = arena_strdup(&a, stmt_text(st, 4));
	}
	stmt_done(st);
	if (s < 0)
		goto fail;
	if (s == STORE_DONE) {
		err_set(e, ERR_NOT_FOUND, NULL, "no such care tag on this resident");
		goto fail;
	}
	if (in->clear_detail) {
		if (!strcmp(kind, "disability")) {
			err_set(e, ERR_INVALID, "detail", "a disability needs its detail");
			goto fail;
		}
		detail = NULL;
	} else if (in->detail && detail_plain(&detail, kind, in->detail, &a, e) < 0) {
		goto fail;
	}
	if (in->clear_note)
		note = NULL;
	else if (in->note)
		note = *in->note ? in->note : NULL;
	if (in->clear_since)
		since = NULL;
	else if (in->since)
		since = in->since;
	if (seal_opt(&sd, detail, CTX_DETAIL, &a, e) < 0 || seal_opt(&sn, note, CTX_NOTE, &a, e) < 0 ||
	    !(st = store_prepare(db, sql_rt_update, e)))
		goto fail;
	bind_opt(st, 1, sd);
	bind_opt(st, 2, sn);
	bind_opt(st, 3, since);
	stmt_bind_int(st, 4, time_now());
	stmt_bind_int(st, 5, id);
	stmt_bind_int(st, 6, resident_id);
	stmt_bind_int(st, 7, community_id);
	if (stmt_exec(st, e) < 0 ||
	    audit(db, who, "care.tag.update",
	          arena_printf(&a, "resident:%lld", (long long)resident_id), community_id, code,
	          e) < 0 ||
	    store_commit(db, e) < 0)
		goto fail;
	arena_release(&a);
	return 0;
fail:
	store_rollback(db);
	arena_release(&a);
	return -1;
}

int care_tag_remove(struct store *db, int64_t community_id, int64_t resident_id, int64_t id,
                    const struct care_actor *who, struct err *e)
{
	struct arena a = ARENA_INIT;
	struct stmt *st;
	if (store_begin(db, e) < 0)
		return -1;
	if (!(st = store_prepare(db, sql_rt_delete, e)))
		goto fail;
	stmt_bind_int(st, 1, id);
	stmt_bind_int(st, 2, resident_id);
	stmt_bind_int(st, 3, community_id);
	if (stmt_exec(st, e) < 0)
		goto fail;
	if (store_changes(db) == 0) {
		err_set(e, ERR_NOT_FOUND, NULL, "no such care tag on this resident");
		goto fail;
	}
	if (audit(db, who, "care.tag.remove",
	          arena_printf(&a, "resident:%lld", (long long)resident_id), community_id, NULL,
	          e) < 0 ||
	    store_commit(db, e) < 0)
		goto fail;
	arena_release(&a);
	return 0;
fail:
	store_rollback(db);
	arena_release(&a);
	return -1;
}

/* The resident's tags (sensitive ones only when full), opened. */
static int tags_of(struct store *db, json_t **out, int64_t community_id, int64_t resident_id,
                   bool full, struct err *e)
{
	struct arena a = ARENA_INIT;
	struct stmt *st = store_prepare(db, sql_rt_of, e);
	json_t *arr;
	int s;
	if (!st)
		return -1;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_int(st, 2, resident_id);
	stmt_bind_int(st, 3, full ? 1 : 0);
	arr = json_array();
	while ((s = stmt_step(st, e)) == STORE_ROW) {
		const char *detail, *note;
		if (open_opt(&detail, st, 7, CTX_DETAIL, &a, e) < 0 ||
		    open_opt(&note, st, 8, CTX_NOTE, &a, e) < 0) {
			s = -1;
			break;
		}
		json_array_append_new(
		    arr,
		    json_pack("{s:I, s:s, s:s, s:s, s:b, s:I, s:s, s:o, s:o, s:o, s:o, s:o, s:I}",
		              "id", (json_int_t)stmt_int(st, 0), "code", stmt_text(st, 1), "name_zh",
		              stmt_text(st, 2), "name_en", stmt_text(st, 3), "sensitive",
		              (int)(stmt_int(st, 4) != 0), "priority", (json_int_t)stmt_int(st, 5),
		              "kind", stmt_text(st, 6), "detail",
		              detail_json(stmt_text(st, 6), detail), "note", jstr(note), "since",
		              jstr(col_opt(st, 9, &a)), "recorded_by",
		              stmt_is_null(st, 10) ? json_null() : json_integer(stmt_int(st, 10)),
		              "recorded_by_name", jstr(col_opt(st, 11, &a)), "recorded_at",
		              (json_int_t)stmt_int(st, 12)));
	}
	stmt_done(st);
	arena_release(&a);
	if (s < 0) {
		json_decref(arr);
		return -1;
	}
	*out = arr;
	return 0;
}

/* The resident's caretakers, primary first. */
static int caretakers_of(struct store *db, json_t **out, int64_t community_id,
                         int64_t resident_id, struct err *e)
{
	struct stmt *st = store_prepare(db, sql_ct_of, e);
	json_t *arr;
	int s;
	if (!st)
		return -1;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_int(st, 2, resident_id);
	arr = json_array();
	while ((s = stmt_step(st, e)) == STORE_ROW) {
		bool user = !stmt_is_null(st, 1);
		json_t *c = json_pack("{s:I, s:s, s:s, s:s, s:o, s:o}", "id",
		                      (json_int_t)stmt_int(st, 0), "kind", user ? "user" : "resident",
		                      "name", stmt_text(st, 3), "role", stmt_text(st, 4), "relation",
		                      stmt_is_null(st, 5) ? json_null() : json_string(stmt_text(st, 5)),
		                      "since",
		                      stmt_is_null(st, 6) ? json_null() : json_string(stmt_text(st, 6)));
		json_object_set_new(c, user ? "user_id" : "resident_id",
		                    json_integer(stmt_int(st, user ? 1 : 2)));
		json_array_append_new(arr, c);
	}
	stmt_done(st);
	if (s < 0) {
		json_decref(arr);
		return -1;
	}
	*out = arr;
	return 0;
}

int care_resident_get(struct store *db, json_t **out, int64_t community_id,
                      int64_t resident_id, bool full, struct err *e)
{
	struct arena a = ARENA_INIT;
	const char *row[3];
	json_t *tags = NULL, *cts = NULL;
	int rc = -1;
	if (need_keyring(e) < 0 || resident_row(db, row, community_id, resident_id, &a, e) < 0 ||
	    tags_of(db, &tags, community_id, resident_id, full, e) < 0 ||
	    caretakers_of(db, &cts, community_id, resident_id, e) < 0)
		goto out;
	if (!full && json_array_size(tags) == 0) {
		/* not on this caller's care list: the register is not theirs to read */
		err_set(e, ERR_NOT_FOUND, NULL, "no such resident");
		goto out;
	}
	*out = json_pack("{s:{s:I, s:s, s:s, s:o}, s:O, s:O, s:b}", "resident", "id",
	                 (json_int_t)resident_id, "name", row[0], "gender", row[1], "birth_date",
	                 jstr(row[2]), "tags", tags, "caretakers", cts, "hidden", (int)!full);
	rc = 0;
out:
	json_decref(tags);
	json_decref(cts);
	arena_release(&a);
	return rc;
}

/* ---- caretakers ---- */

int care_caretaker_add(struct store *db, int64_t *out, int64_t community_id,
                       int64_t resident_id, const struct care_caretaker_input *in,
                       const struct care_actor *who, struct err *e)
{
	struct arena a = ARENA_INIT;
	const char *uname = NULL;
	struct stmt *st;
	int s;
	bool primary;

	if (!in->role || (strcmp(in->role, "primary") && strcmp(in->role, "backup")))
		return err_set(e, ERR_INVALID, "role", "role must be primary or backup");
	primary = !strcmp(in->role, "primary");
	if ((in->user_id > 0) == (in->resident_id > 0))
		return err_set(e, ERR_INVALID, in->user_id > 0 ? "resident_id" : "user_id",
		               "give exactly one of user_id and resident_id");
	if (in->relation && !text_ok(in->relation, 0, CARE_RELATION_MAX))
		return err_set(e, ERR_INVALID, "relation", "relation must be at most %d characters",
		               CARE_RELATION_MAX);
	if (in->since && date_past(in->since, "since", e) < 0)
		return -1;
	if (store_begin(db, e) < 0)
		return -1;
	if (resident_row(db, NULL, community_id, resident_id, &a, e) < 0)
		goto fail;
	if (in->user_id > 0) {
		if (auth_member_check(db, &uname, in->user_id, community_id, CARETAKER_ROLES, &a,
		                      e) < 0) {
			if (e->code == ERR_NOT_FOUND) {
				err_clear(e);
				err_set(e, ERR_INVALID, "user_id",
				        "the caretaker must be a worker, grid worker, building lead"
				        " or volunteer of this community");
			}
			goto fail;
		}
	} else if (in->resident_id == resident_id) {
		err_set(e, ERR_INVALID, "resident_id", "a resident cannot look after themself");
		goto fail;
	} else if (resident_row(db, NULL, community_id, in->resident_id, &a, e) < 0) {
		if (e->code == ERR_NOT_FOUND) {
			err_clear(e);
			err_set(e, ERR_INVALID, "resident_id", "no such resident in this community");
		}
		goto fail;
	}
	/* one primary; a caretaker once */
	if (!(st = store_prepare(db, sql_ct_has, e)))
		goto fail;
	stmt_bind_int(st, 1, resident_id);
	while ((s = stmt_step(st, e)) == STORE_ROW) {
		if (primary && !strcmp(stmt_text(st, 0), "primary"))
			err_set(e, ERR_CONFLICT, "role", "the resident already has a primary caretaker");
		else if (in->user_id > 0 && !stmt_is_null(st, 1) && stmt_int(st, 1) == in->user_id)
			err_set(e, ERR_CONFLICT, "user_id", "already a caretaker of this resident");
		else if (in->resident_id > 0 && !stmt_is_null(st, 2) &&
		         stmt_int(st, 2) == in->resident_id)
			err_set(e, ERR_CONFLICT, "resident_id", "already a caretaker of this resident");
	}
	stmt_done(st);
	if (s < 0 || err_is_set(e))
		goto fail;
	if (!(st = store_prepare(db, sql_ct_insert, e)))
		goto fail;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_int(st, 2, resident_id);
	if (in->user_id > 0) {
		stmt_bind_int(st, 3, in->user_id);
		stmt_bind_null(st, 4);
	} else {
		stmt_bind_null(st, 3);
		stmt_bind_int(st, 4, in->resident_id);
	}
	bind_opt(st, 5, uname);
	stmt_bind_text(st, 6, in->role, SIZE_MAX);
	bind_opt(st, 7, in->relation && *in->relation ? in->relation : NULL);
	bind_opt(st, 8, in->since);
	stmt_bind_int(st, 9, time_now());
	s = stmt_step(st, e);
	if (s == STORE_ROW && out)
		*out = stmt_int(st, 0);
	stmt_done(st);
	if (s < 0)
		goto fail;
	if (audit(db, who, "care.caretaker.add",
	          arena_printf(&a, "resident:%lld", (long long)resident_id), community_id, in->role,
	          e) < 0 ||
	    store_commit(db, e) < 0)
		goto fail;
	arena_release(&a);
	return 0;
fail:
	store_rollback(db);
	arena_release(&a);
	return -1;
}

int care_caretaker_remove(struct store *db, int64_t community_id, int64_t resident_id,
                          int64_t id, const struct care_actor *who, struct err *e)
{
	struct arena a = ARENA_INIT;
	struct stmt *st;
	if (store_begin(db, e) < 0)
		return -1;
	if (!(st = store_prepare(db, sql_ct_delete, e)))
		goto fail;
	stmt_bind_int(st, 1, id);
	stmt_bind_int(st, 2, resident_id);
	stmt_bind_int(st, 3, community_id);
	if (stmt_exec(st, e) < 0)
		goto fail;
	if (store_changes(db) == 0) {
		err_set(e, ERR_NOT_FOUND, NULL, "no such caretaker of this resident");
		goto fail;
	}
	if (audit(db, who, "care.caretaker.remove",
	          arena_printf(&a, "resident:%lld", (long long)resident_id), community_id, NULL,
	          e) < 0 ||
	    store_commit(db, e) < 0)
		goto fail;
	arena_release(&a);
	return 0;
fail:
	store_rollback(db);
	arena_release(&a);
	return -1;
}

int care_candidates(struct store *db, json_t **out, int64_t community_id, struct err *e)
{
	return auth_members(db, out, community_id, CARETAKER_ROLES, e);
}

/* ---- the care list ---- */

/* Whole years from birth ("YYYY-MM-DD") to today; -1 when unknown. */
static int age_on(const char *birth, const char *today)
{
	int by, ty;
	if (!birth || strlen(birth) != ORG_DATE_LEN)
		return -1;
	by = atoi(birth);
	ty = atoi(today);
	return ty - by - (strcmp(today + 5, birth + 5) < 0 ? 1 : 0);
}

int care_list(struct store *db, json_t **out, int64_t community_id, const struct care_filter *f,
              bool full, struct err *e)
{
	char today[ORG_DATE_LEN + 1];
	struct stmt *st;
	json_t *arr;
	int64_t limit = f->limit > 0 && f->limit <= CARE_LIST_MAX ? f->limit : CARE_LIST_DEFAULT;
	int64_t offset = f->offset > 0 ? f->offset : 0, total = 0;
	size_t i;
	json_t *row;
	int s;

	if (need_keyring(e) < 0)
		return -1;
	if (f->today && strlen(f->today) == ORG_DATE_LEN)
		snprintf(today, sizeof(today), "%s", f->today);
	else
		org_today(today);
	if (!(st = store_prepare(db, sql_list, e)))
		return -1;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_int(st, 2, community_id);
	stmt_bind_int(st, 3, full ? 1 : 0);
	stmt_bind_int(st, 4, f->building > 0 ? 1 : 0);
	stmt_bind_int(st, 5, f->building);
	stmt_bind_int(st, 6, f->grid > 0 ? 1 : 0);
	stmt_bind_int(st, 7, f->grid);
	stmt_bind_text(st, 8, f->tag ? f->tag : "", SIZE_MAX);
	stmt_bind_int(st, 9, community_id);
	stmt_bind_text(st, 10, f->tag ? f->tag : "", SIZE_MAX);
	stmt_bind_int(st, 11, full ? 1 : 0);
	stmt_bind_int(st, 12, limit);
	stmt_bind_int(st, 13, offset);
	arr = json_array();
	while ((s = stmt_step(st, e)) == STORE_ROW) {
		const char *birth = stmt_is_null(st, 3) ? NULL : stmt_text(st, 3);
		int age = age_on(birth, today);
		json_t *dw = json_null();
		if (!stmt_is_null(st, 4)) {
			json_decref(dw);
			dw = json_pack("{s:I, s:I, s:s, s:s, s:I, s:s, s:o}", "id",
			               (json_int_t)stmt_int(st, 4), "building_id",
			               (json_int_t)stmt_int(st, 7), "building", stmt_text(st, 8),
			               "unit", stmt_text(st, 9), "floor", (json_int_t)stmt_int(st, 5),
			               "room", stmt_text(st, 6), "grid_id",
			               stmt_is_null(st, 10) ? json_null()
			                                    : json_integer(stmt_int(st, 10)));
		}
		total = stmt_int(st, 12);
		json_array_append_new(
		    arr, json_pack("{s:I, s:s, s:s, s:o, s:o, s:I, s:o}", "id",
		                   (json_int_t)stmt_int(st, 0), "name", stmt_text(st, 1), "gender",
		                   stmt_text(st, 2), "birth_date", jstr(birth), "age",
		                   age >= 0 ? json_integer(age) : json_null(), "priority",
		                   (json_int_t)stmt_int(st, 11), "dwelling", dw));
	}
	stmt_done(st);
	if (s < 0)
		goto fail;
	json_array_foreach(arr, i, row) {
		int64_t id = json_integer_value(json_object_get(row, "id"));
		json_t *tags, *cts, *c, *primary = NULL, *backups = json_array();
		size_t k;
		if (tags_of(db, &tags, community_id, id, full, e) < 0) {
			json_decref(backups);
			goto fail;
		}
		if (caretakers_of(db, &cts, community_id, id, e) < 0) {
			json_decref(tags);
			json_decref(backups);
			goto fail;
		}
		json_array_foreach(cts, k, c) {
			if (!strcmp(json_string_value(json_object_get(c, "role")), "primary"))
				primary = c;
			else
				json_array_append(backups, c);
		}
		json_object_set_new(row, "tags", tags);
		json_object_set_new(row, "primary", primary ? json_incref(primary) : json_null());
		json_object_set_new(row, "unassigned", json_boolean(json_array_size(cts) == 0));
		json_object_set_new(row, "backups", backups);
		json_decref(cts);
	}
	if (json_array_size(arr) == 0)
		total = 0;
	*out = json_pack("{s:o, s:I, s:o, s:b}", "residents", arr, "total", (json_int_t)total,
	                 "next_offset",
	                 offset + (int64_t)json_array_size(arr) < total
	                     ? json_integer(offset + (int64_t)json_array_size(arr))
	                     : json_null(),
	                 "hidden", (int)!full);
	return 0;
fail:
	json_decref(arr);
	return -1;
}

/* ---- export ---- */

int care_person_export(struct store *db, json_t *out, int64_t community_id,
                       int64_t resident_id, struct err *e)
{
	json_t *tags = NULL, *cts = NULL, *cares = NULL;
	struct stmt *st;
	int s;
	if (need_keyring(e) < 0 || tags_of(db, &tags, community_id, resident_id, true, e) < 0 ||
	    caretakers_of(db, &cts, community_id, resident_id, e) < 0 ||
	    !(st = store_prepare(db, sql_ct_for, e)))
		goto fail;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_int(st, 2, resident_id);
	cares = json_array();
	while ((s = stmt_step(st, e)) == STORE_ROW)
		json_array_append_new(
		    cares, json_pack("{s:I, s:I, s:s, s:s, s:o, s:o}", "id",
		                     (json_int_t)stmt_int(st, 0), "resident_id",
		                     (json_int_t)stmt_int(st, 1), "name", stmt_text(st, 2), "role",
		                     stmt_text(st, 3), "relation",
		                     stmt_is_null(st, 4) ? json_null() : json_string(stmt_text(st, 4)),
		                     "since",
		                     stmt_is_null(st, 5) ? json_null() : json_string(stmt_text(st, 5))));
	stmt_done(st);
	if (s < 0)
		goto fail;
	json_object_set_new(out, "care",
	                    json_pack("{s:o, s:o, s:o}", "tags", tags, "caretakers", cts,
	                              "cares_for", cares));
	return 0;
fail:
	json_decref(tags);
	json_decref(cts);
	json_decref(cares);
	return -1;
}

/* ---- the demo ---- */

struct demo_person {
	int64_t id, dwelling;
	int age, housemates; /* housemates: residents of the dwelling, self included */
};

static const char sql_demo_people[] =
    "SELECT r.id, r.birth_date, r.dwelling_id, COALESCE(h.n, 0) FROM residents r"
    " LEFT JOIN (SELECT dwelling_id, COUNT(*) AS n FROM residents"
    "  WHERE community_id = ? AND dwelling_id IS NOT NULL GROUP BY dwelling_id) h"
    " ON h.dwelling_id = r.dwelling_id"
    " WHERE r.community_id = ? ORDER BY r.id";
static const char sql_demo_any[] =
    "SELECT 1 FROM care_resident_tags WHERE community_id = ? LIMIT 1";

static int demo_tag(struct store *db, int64_t community_id, int64_t resident, const char *code,
                    const char *detail, struct arena *a, struct err *e)
{
	struct tagrow t;
	const struct care_actor who = {0, NULL, "演示数据", NULL};
	if (find_tag(db, &t, community_id, code, a, e) < 0)
		return -1;
	return insert_rt(db, NULL, community_id, resident, t.id, detail, NULL, NULL, &who, a, e);
}

static int demo_caretaker(struct store *db, int64_t community_id, int64_t resident,
                          int64_t user, const char *name, const char *role, struct err *e)
{
	struct stmt *st = store_prepare(db, sql_ct_insert, e);
	if (!st)
		return -1;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_int(st, 2, resident);
	stmt_bind_int(st, 3, user);
	stmt_bind_null(st, 4);
	stmt_bind_text(st, 5, name, SIZE_MAX);
	stmt_bind_text(st, 6, role, SIZE_MAX);
	stmt_bind_text(st, 7, !strcmp(role, "primary") ? "网格员" : "志愿者", SIZE_MAX);
	stmt_bind_null(st, 8);
	stmt_bind_int(st, 9, time_now());
	return stmt_exec(st, e);
}

/* A demo account's id and display name when it is a caretaker-eligible
 * member of the community; 0 otherwise. */
static int64_t demo_user(struct store *db, const char *username, int64_t community_id,
                         const char **name, struct arena *a)
{
	struct err e = ERR_INIT;
	int64_t id = 0;
	if (auth_user_find(db, &id, username, &e) < 0 ||
	    auth_member_check(db, name, id, community_id, CARETAKER_ROLES, a, &e) < 0)
		return 0;
	return id;
}

int care_demo(struct store *db, int64_t community_id, struct err *e)
{
	static const char *const illnesses[] = {"高血压", "糖尿病", "冠心病", "慢阻肺"};
	static const char *const cats[] = {"physical", "vision", "hearing", "intellectual"};
	struct arena a = ARENA_INIT;
	struct demo_person *p = NULL;
	size_t n = 0, cap = 0, target, tagged = 0;
	char today[ORG_DATE_LEN + 1];
	const char *gname = NULL, *vname = NULL;
	int64_t grid, vol;
	struct stmt *st;
	int s;

	if (need_keyring(e) < 0 || store_begin(db, e) < 0)
		return -1;
	org_today(today);
	if (!(st = store_prepare(db, sql_demo_any, e)))
		goto fail;
	stmt_bind_int(st, 1, community_id);
	s = stmt_step(st, e);
	stmt_done(st);
	if (s < 0)
		goto fail;
	if (s == STORE_ROW) { /* already done */
		store_rollback(db);
		arena_release(&a);
		return 0;
	}
	if (seed(db, community_id, e) < 0 || !(st = store_prepare(db, sql_demo_people, e)))
		goto fail;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_int(st, 2, community_id);
	while ((s = stmt_step(st, e)) == STORE_ROW) {
		if (n == cap) {
			cap = cap ? 2 * cap : 256;
			p = xrealloc(p, cap * sizeof(*p));
		}
		p[n].id = stmt_int(st, 0);
		p[n].age = age_on(stmt_is_null(st, 1) ? NULL : stmt_text(st, 1), today);
		p[n].dwelling = stmt_is_null(st, 2) ? 0 : stmt_int(st, 2);
		p[n].housemates = p[n].dwelling ? (int)stmt_int(st, 3) : 0;
		n++;
	}
	stmt_done(st);
	if (s < 0)
		goto fail;
	target = (n * 8 + 99) / 100; /* about 8 %, at least one when anyone lives here */
	grid = demo_user(db, "grid", community_id, &gname, &a);
	vol = demo_user(db, "volunteer", community_id, &vname, &a);

	/* pass 0: 80+ and alone; pass 1: 80+; pass 2: others, every 11th by a
	 * fixed spread of ids, with one need chosen from the id */
	for (int pass = 0; pass < 3; pass++) {
		for (size_t i = 0; i < n && tagged < target; i++) {
			struct demo_person *q = &p[i];
			bool alone = q->dwelling && q->housemates == 1;
			bool care = false;
			uint64_t h = (uint64_t)q->id * 2654435761u;
			if (q->age == -2) /* done in an earlier pass */
				continue;
			if (pass == 0 && q->age >= 80 && alone) {
				if (demo_tag(db, community_id, q->id, "living_alone", NULL, &a, e) < 0 ||
				    demo_tag(db, community_id, q->id, "aged_80", NULL, &a, e) < 0)
					goto fail;
				care = true;
			} else if (pass == 1 && q->age >= 80) {
				if (demo_tag(db, community_id, q->id, "aged_80", NULL, &a, e) < 0 ||
				    (h % 3 == 0 &&
				     demo_tag(db, community_id, q->id, "limited_mobility", NULL, &a, e) < 0))
					goto fail;
				care = h % 3 == 0;
			} else if (pass == 2 && (h >> 8) % 11 == 0) {
				unsigned k = (unsigned)((h >> 16) % 5);
				if (q->age >= 0 && q->age < 3)
					k = 5;
				switch (k) {
				case 0:
				case 1:
					s = demo_tag(db, community_id, q->id, "chronic",
					             illnesses[(h >> 20) % 4], &a, e);
					break;
				case 2:
					s = demo_tag(db, community_id, q->id, "disability",
					             arena_printf(&a, "{\"category\":\"%s\",\"grade\":%d}",
					                          cats[(h >> 20) % 4], (int)((h >> 24) % 4) + 1),
					             &a, e);
					care = true;
					break;
				case 3:
					s = demo_tag(db, community_id, q->id, "dibao", NULL, &a, e);
					break;
				case 4:
					s = demo_tag(db, community_id, q->id, "limited_mobility", NULL, &a, e);
					care = true;
					break;
				default:
					s = demo_tag(db, community_id, q->id, "infant", NULL, &a, e);
					break;
				}
				if (s < 0)
					goto fail;
			} else {
				continue;
			}
			tagged++;
			q->age = -2;
			if (care || pass == 0) {
				if (grid && demo_caretaker(db, community_id, q->id, grid, gname, "primary",
				                           e) < 0)
					goto fail;
				if (vol && (pass == 0 || !grid) &&
				    demo_caretaker(db, community_id, q->id, vol, vname,
				                   grid ? "backup" : "primary", e) < 0)
					goto fail;
			}
		}
	}
	if (store_commit(db, e) < 0)
		goto fail;
	free(p);
	arena_release(&a);
	return 0;
fail:
	store_rollback(db);
	free(p);
	arena_release(&a);
	return -1;
}

const struct migration care_migrations[] = {
    {520, "registry: care tags, residents' care tags (sealed detail and note), caretakers",
     "CREATE TABLE care_tags ("
     " id @id, community_id BIGINT NOT NULL REFERENCES communities(id),"
     " code TEXT NOT NULL, name_zh TEXT NOT NULL, name_en TEXT NOT NULL,"
     " sensitive INTEGER NOT NULL, priority INTEGER NOT NULL, detail TEXT NOT NULL,"
     " retired INTEGER NOT NULL DEFAULT 0, created_at BIGINT NOT NULL,"
     " UNIQUE (community_id, code));"
     "CREATE TABLE care_resident_tags ("
     " id @id, community_id BIGINT NOT NULL REFERENCES communities(id),"
     " resident_id BIGINT NOT NULL REFERENCES residents(id) ON DELETE CASCADE,"
     " tag_id BIGINT NOT NULL REFERENCES care_tags(id),"
     " detail TEXT, note TEXT, since TEXT,"
     " recorded_by BIGINT REFERENCES users(id) ON DELETE SET NULL, recorded_by_name TEXT,"
     " recorded_at BIGINT NOT NULL, updated_at BIGINT NOT NULL,"
     " UNIQUE (resident_id, tag_id));"
     "CREATE INDEX care_resident_tags_tag ON care_resident_tags (community_id, tag_id);"
     "CREATE INDEX care_resident_tags_resident"
     " ON care_resident_tags (community_id, resident_id);"
     "CREATE TABLE care_caretakers ("
     " id @id, community_id BIGINT NOT NULL REFERENCES communities(id),"
     " resident_id BIGINT NOT NULL REFERENCES residents(id) ON DELETE CASCADE,"
     " user_id BIGINT REFERENCES users(id) ON DELETE CASCADE,"
     " caretaker_resident_id BIGINT REFERENCES residents(id) ON DELETE CASCADE,"
     " user_name TEXT, role TEXT NOT NULL, relation TEXT, since TEXT,"
     " created_at BIGINT NOT NULL,"
     " CHECK ((user_id IS NULL) <> (caretaker_resident_id IS NULL)),"
     " CHECK (role IN ('primary', 'backup')));"
     "CREATE UNIQUE INDEX care_caretakers_primary ON care_caretakers (resident_id)"
     " WHERE role = 'primary';"
     "CREATE UNIQUE INDEX care_caretakers_user ON care_caretakers (resident_id, user_id);"
     "CREATE UNIQUE INDEX care_caretakers_resident"
     " ON care_caretakers (resident_id, caretaker_resident_id);"
     "CREATE INDEX care_caretakers_of ON care_caretakers (caretaker_resident_id);"},
};
const size_t care_migrations_n = sizeof(care_migrations) / sizeof(care_migrations[0]);
