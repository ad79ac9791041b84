/*
 * care.h - care needs (特殊关爱): a catalogue of care tags per community,
 * tags on residents, who looks after whom (caretakers), and the care list
 * (issue 4, items 2 and 7).
 *
 * The tag catalogue.  Each community has its own catalogue of tags, each
 * with a code (a-z 0-9 _, 1-32), a Chinese and an English name, a sensitive
 * flag (PIPL art. 28: health, disability, financial support), a priority
 * (1-100, higher is more urgent: the care list and later the emergency
 * module rank by it) and the kind of detail it takes: "none", "text" (free
 * text, e.g. which chronic illness) or "disability" (category vision,
 * hearing, speech, physical, intellectual, mental, multiple and grade 1-4,
 * 视力 听力 言语 肢体 智力 精神 多重, 一级..四级).
 * Seeding: a community whose catalogue has no rows reads as the built-in
 * defaults (care_defaults); the first write that touches the catalogue or a
 * resident's tags stores the defaults for it in the same transaction.  So
 * every community, old or new, has the defaults, no migration or creation
 * hook is needed, and reads (which run in a read-only snapshot) never write.
 * Tags are named by code in the API.  A tag in use cannot be deleted, only
 * retired (no new uses; existing ones stay).
 *
 * Resident tags (resident, tag, detail, note, since, recorded by, when).
 * Detail and note are sealed at rest (seal.h, contexts "care.detail" and
 * "care.note") for every tag, not only the sensitive ones: a tag's sensitive
 * flag may change later, and one rule is easier to trust than two.  Who may
 * read a sensitive tag is decided by the caller (full = staff); without
 * `full` sensitive tags are left out entirely, and so are residents whose
 * only tags are sensitive (their presence on a list would tell).
 *
 * Caretakers: a resident cared for and the caretaker, either a user account
 * (a member of the community as worker, grid worker, building lead or
 * volunteer; its display name is kept as it was when assigned) or another
 * resident of the community; role "primary" or "backup", relation, since.
 * At most one primary per resident (a unique partial index: a second one is
 * ERR_CONFLICT naming "role").
 *
 * Every row refers to its resident with ON DELETE CASCADE (PIPL deletion).
 * Every function filters on community_id: another community's resident,
 * tag or caretaker is ERR_NOT_FOUND.  Sealing uses resident_keyring().
 */
#ifndef LINLI_REGISTRY_CARE_H
#define LINLI_REGISTRY_CARE_H

#include "core/err.h"
#include "core/json.h"
#include "store/store.h"

#include <stdbool.h>
#include <stdint.h>

enum {
	CARE_CODE_MAX = 32,     /* bytes, a-z 0-9 _ */
	CARE_NAME_ZH_MAX = 20,  /* characters */
	CARE_NAME_EN_MAX = 50,
	CARE_TEXT_DETAIL_MAX = 100,
	CARE_NOTE_MAX = 500,
	CARE_RELATION_MAX = 20,
	CARE_PRIORITY_MIN = 1,
	CARE_PRIORITY_MAX = 100,
	CARE_TAGS_MAX = 100,    /* tags in one community's catalogue */
	CARE_LIST_MAX = 1000,   /* rows of the care list in one page */
	CARE_LIST_DEFAULT = 500,
};

/* A catalogue entry to add or change (PUT: all fields; NULL / -1 keep the
 * stored value when the code exists, else take the default shown). */
struct care_tag {
	const char *code;
	const char *name_zh;
	const char *name_en;
	int sensitive;      /* 0/1; -1: unchanged (new: 0) */
	int64_t priority;   /* 1..100; 0: unchanged (new: 50) */
	const char *detail; /* none | text | disability; NULL: unchanged (new: none) */
	int retired;        /* 0/1; -1: unchanged (new: 0) */
};

/* The built-in default catalogue (NULL-code terminated). */
extern const struct care_tag care_defaults[];

/* A tag on a resident.  detail: for a "text" tag a string, for a
 * "disability" tag {"category", "grade"}, else absent/null.  since:
 * "YYYY-MM-DD" or NULL.  On update NULL leaves a field unchanged and
 * clear_* clears it. */
struct care_tag_input {
	const char *tag; /* code (add only) */
	const json_t *detail;
	const char *note;
	const char *since;
	bool clear_detail, clear_note, clear_since;
};

struct care_caretaker_input {
	int64_t user_id;     /* one of these two */
	int64_t resident_id; /* (another resident of the community) */
	const char *role;    /* primary | backup */
	const char *relation;
	const char *since;
};

/* Who writes (for "recorded by" and the audit log); strings may be NULL. */
struct care_actor {
	int64_t user_id;
	const char *username;
	const char *display_name;
	const char *ip;
};

/* True when s is a known detail kind / disability category. */
bool care_detail_kind_ok(const char *s);
bool care_disability_category_ok(const char *s);

/* ---- the catalogue ---- */

/* {"tags": [{"code","name_zh","name_en","sensitive","priority","detail",
 * "retired","in_use"}]} by priority (highest first) then code. */
int care_tags_list(struct store *db, json_t **out, int64_t community_id, struct err *e);
/* Adds or changes the tag t->code (seeding the defaults first), audited
 * ("care.tag.put").  ERR_INVALID naming the field; ERR_CONFLICT ("code")
 * beyond CARE_TAGS_MAX tags. */
int care_tag_put(struct store *db, int64_t community_id, const struct care_tag *t,
                 const struct care_actor *who, struct err *e);
/* Deletes an unused tag.  ERR_NOT_FOUND; ERR_CONFLICT ("code") when a
 * resident carries it (retire it instead). */
int care_tag_delete(struct store *db, int64_t community_id, const char *code,
                    const struct care_actor *who, struct err *e);

/* ---- a resident's care ---- */

/* {"resident": {"id","name","gender","birth_date"}, "tags": [...],
 * "caretakers": [...], "hidden": bool} where hidden says whether sensitive
 * tags were left out.  Tag: {"id","code","name_zh","name_en","sensitive",
 * "priority","detail","note","since","recorded_by","recorded_at"}.
 * Caretaker: {"id","kind" ("user"|"resident"),"user_id"|"resident_id",
 * "name","role","relation","since"}.  ERR_NOT_FOUND for no such resident,
 * and, without full, for a resident with no tag that is not sensitive (one
 * who is not on that caller's care list). */
int care_resident_get(struct store *db, json_t **out, int64_t community_id,
                      int64_t resident_id, bool full, struct err *e);
/* Tags a resident (seeding the catalogue), audited ("care.tag.add").
 * ERR_INVALID naming "tag" (unknown or retired), "detail", "note", "since";
 * ERR_CONFLICT ("tag") when the resident already has it. */
int care_tag_add(struct store *db, int64_t *out, int64_t community_id, int64_t resident_id,
                 const struct care_tag_input *in, const struct care_actor *who, struct err *e);
/* Changes detail, note or since of resident tag `id`, audited. */
int care_tag_update(struct store *db, int64_t community_id, int64_t resident_id, int64_t id,
                    const struct care_tag_input *in, const struct care_actor *who,
                    struct err *e);
/* Removes resident tag `id`, audited ("care.tag.remove"). */
int care_tag_remove(struct store *db, int64_t community_id, int64_t resident_id, int64_t id,
                    const struct care_actor *who, struct err *e);

/* Assigns a caretaker.  A user must be a member of the community as
 * worker, grid, lead or volunteer (else ERR_INVALID "user_id"); a resident
 * must be another resident of the community (ERR_INVALID "resident_id").
 * ERR_CONFLICT "role" for a second primary, "user_id"/"resident_id" when
 * that caretaker is already assigned. */
int care_caretaker_add(struct store *db, int64_t *out, int64_t community_id,
                       int64_t resident_id, const struct care_caretaker_input *in,
                       const struct care_actor *who, struct err *e);
int care_caretaker_remove(struct store *db, int64_t community_id, int64_t resident_id,
                          int64_t id, const struct care_actor *who, struct err *e);
/* {"users": [{"id","username","display_name","roles":[...]}]}: who may be
 * assigned as a caretaker (members as worker, grid, lead, volunteer). */
int care_candidates(struct store *db, json_t **out, int64_t community_id, struct err *e);

/* ---- the care list ---- */

struct care_filter {
	const char *tag;   /* code; NULL: any */
	int64_t grid;      /* 0: any (the building's grid, else its compound's) */
	int64_t building;  /* 0: any */
	int64_t limit;     /* 1..CARE_LIST_MAX */
	int64_t offset;
	const char *today; /* "YYYY-MM-DD" for ages; NULL: today in China */
};

/* Residents with at least one (visible) tag, by their highest priority
 * then oldest first (unknown birth dates last), then id:
 * {"residents": [{"id","name","gender","birth_date","age","priority",
 * "dwelling": {"id","building_id","building","unit","floor","room",
 * "grid_id"} | null, "tags": [...], "primary": caretaker|null,
 * "backups": [...], "unassigned": bool}], "total", "next_offset"|null,
 * "hidden": bool}. */
int care_list(struct store *db, json_t **out, int64_t community_id, const struct care_filter *f,
              bool full, struct err *e);

/* ---- the person-data contract and the demo ---- */

/* Adds to the JSON object `out` one key, "care", holding everything this
 * module stores about resident `resident_id` of `community_id`, in full
 * (opened), machine-readable: {"tags": [...], "caretakers": [...],
 * "cares_for": [...]} (cares_for: the residents this one looks after).
 * Runs inside the caller's read snapshot. */
int care_person_export(struct store *db, json_t *out, int64_t community_id,
                       int64_t resident_id, struct err *e);

/* Tags about 8 % of the community's residents realistically (80+ and alone
 * in their dwelling: living alone and 80+; then 80+, chronic illness,
 * disability with category and grade, 低保, limited mobility) and assigns
 * the demo users "grid" (primary) and "volunteer" (backup) as caretakers of
 * the most urgent ones, when those accounts exist.  Deterministic; works on
 * whatever residents exist; a second run adds nothing. */
int care_demo(struct store *db, int64_t community_id, struct err *e);

extern const struct migration care_migrations[];
extern const size_t care_migrations_n;

struct route_table;
extern const struct route_table care_routes;

#endif
