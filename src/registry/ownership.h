/*
 * ownership.h - ownership (产权) of dwellings and the owners' electorate,
 * issue 4 item 1, feeding issue 6's owner votes.
 *
 * Areas.  A dwelling may carry its exclusive area (专有部分面积) from up to
 * three sources, each at most once, in 0.01 m², positive, with a note (the
 * evidence: a certificate number, a survey report): the register
 * (不动产登记簿), a survey (测绘) and the sale contract (合同).  The
 * *effective* area is the register's, else the survey's, else the
 * contract's (Supreme People's Court interpretation on building division
 * ownership, art. 8); a dwelling with none cannot be counted by area, and
 * the electorate reports it.  The `area` of structure.h (the layout's
 * figure) is not a source: it is what the committee typed, not evidence.
 *
 * Owners.  An owner of a dwelling is either a resident of the same
 * community (any dwelling: one may own where one does not live, and own
 * several) or the community's developer (建设单位), which owns the unsold
 * dwellings.  The developer is one per community: a flag on the owner row,
 * with an optional name kept per community (ownership_developer_set).  A
 * developer-owned dwelling has no other owner (the developer and a
 * resident together are ERR_CONFLICT).  Co-owners carry an optional share
 * text ("1/2") and exactly one of them is the **voter** (the one who votes
 * for the dwelling): the first owner becomes the voter; changing it is
 * explicit (ownership_owner_update); removing the voter while co-owners
 * remain is ERR_CONFLICT naming "voter" (name another voter first).  When
 * a resident is deleted (PIPL), their owner rows go with them (ON DELETE
 * CASCADE); if that leaves co-owners without a voter, the first remaining
 * owner (lowest id) stands as the voter until one is named.  Every read
 * applies that same rule, so the lists and the electorate always agree.
 *
 * Every function takes the community id and filters on it: another
 * community's dwelling, resident, owner or node is ERR_NOT_FOUND.  Every
 * change is written to the audit log in the same transaction (actions
 * "ownership.*", subject "dwelling:ID").  Access is the handler's business.
 * Read models are jansson values owned by the caller.
 */
#ifndef LINLI_REGISTRY_OWNERSHIP_H
#define LINLI_REGISTRY_OWNERSHIP_H

#include "core/arena.h"
#include "core/err.h"
#include "core/json.h"
#include "store/store.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	OWNERSHIP_NOTE_MAX = 200,      /* characters of an area's note */
	OWNERSHIP_SHARE_MAX = 20,      /* characters of a share ("1/2", "50%") */
	OWNERSHIP_OWNERS_MAX = 20,     /* owners of one dwelling */
	OWNERSHIP_DEVELOPER_MAX = 100, /* characters of the developer's name */
};

enum area_source {
	AREA_REGISTER, /* 不动产登记簿 */
	AREA_SURVEY,   /* 测绘 */
	AREA_CONTRACT, /* 合同 */
	AREA_SOURCE_COUNT
};

/* "register", "survey", "contract"; a static string ("" when out of range). */
const char *ownership_source_name(enum area_source s);
/* The source of a name, or -1 when unknown (NULL too). */
int ownership_source_parse(const char *name);

/* Who makes a change, for the audit log; strings borrowed, may be NULL. */
struct ownership_actor {
	int64_t user_id;
	const char *username;
	const char *ip;
};

/* ---- areas ---- */

/*
 * Sets (or replaces) the area of one source of a dwelling: area in
 * 1..STRUCTURE_AREA_MAX (0.01 m²), note NULL or at most OWNERSHIP_NOTE_MAX
 * characters.  ERR_INVALID naming "source", "area" or "note";
 * ERR_NOT_FOUND for a dwelling outside the community.
 */
int ownership_area_set(struct store *db, int64_t community_id, int64_t dwelling_id,
                       const char *source, int64_t area, const char *note,
                       const struct ownership_actor *who, struct err *e);

/* Clears one source's area; ERR_NOT_FOUND (field "source") when the
 * dwelling has none from that source. */
int ownership_area_clear(struct store *db, int64_t community_id, int64_t dwelling_id,
                         const char *source, const struct ownership_actor *who, struct err *e);

/* ---- owners ---- */

/*
 * Adds an owner to a dwelling: a resident of the community (resident_id > 0,
 * developer false) or the developer (resident_id 0, developer true); share
 * NULL or at most OWNERSHIP_SHARE_MAX characters.  *out receives the owner
 * id.  The first owner of a dwelling becomes its voter.
 * ERR_INVALID naming "resident_id" (neither or both) or "share";
 * ERR_NOT_FOUND for a dwelling, or a resident (field "resident_id"),
 * outside the community; ERR_CONFLICT naming "resident_id" (already an
 * owner, or the dwelling is the developer's) or "developer" (already the
 * developer's, or it has other owners); ERR_INVALID naming "resident_id"
 * past OWNERSHIP_OWNERS_MAX.
 */
int ownership_owner_add(struct store *db, int64_t *out, int64_t community_id, int64_t dwelling_id,
                        int64_t resident_id, bool developer, const char *share,
                        const struct ownership_actor *who, struct err *e);

/* Removes an owner.  ERR_NOT_FOUND for an owner not of that dwelling in
 * the community; ERR_CONFLICT naming "voter" when it is the voter and
 * other owners remain. */
int ownership_owner_remove(struct store *db, int64_t community_id, int64_t dwelling_id,
                           int64_t owner_id, const struct ownership_actor *who, struct err *e);

/* Makes the owner the dwelling's voter (when make_voter) and/or sets its
 * share (share NULL: unchanged; "" clears).  ERR_NOT_FOUND as above;
 * ERR_INVALID naming "share". */
int ownership_owner_update(struct store *db, int64_t community_id, int64_t dwelling_id,
                           int64_t owner_id, bool make_voter, const char *share,
                           const struct ownership_actor *who, struct err *e);

/* Names the community's developer (1..OWNERSHIP_DEVELOPER_MAX characters,
 * ERR_INVALID naming "name"). */
int ownership_developer_set(struct store *db, int64_t community_id, const char *name,
                            const struct ownership_actor *who, struct err *e);
/* *out: the developer's name, in a; "" when it was never named. */
int ownership_developer_get(struct store *db, const char **out, int64_t community_id,
                            struct arena *a, struct err *e);

/* ---- read models ---- */

/* One dwelling: {"dwelling_id", "building_id", "owners": [owner...],
 * "areas": {"register": {"area", "note", "updated_at"} | null, "survey",
 * "contract"}, "effective_area" (or null), "area_source" (or null)}, where
 * an owner is {"id", "resident_id" (null for the developer), "name",
 * "developer", "share", "voter"}, by id.  ERR_NOT_FOUND outside the
 * community. */
int ownership_dwelling(struct store *db, json_t **out, int64_t community_id, int64_t dwelling_id,
                       struct err *e);

/* The building as structure_building_get() gives it, each dwelling with
 * "owners", "areas", "effective_area" and "area_source" as above, plus
 * "developer" (the community's developer name). */
int ownership_building(struct store *db, json_t **out, int64_t community_id, int64_t building_id,
                       struct err *e);

/* What a resident owns: {"resident_id", "name", "owned": [{"owner_id",
 * "dwelling_id", "building_id", "building", "unit", "floor", "room",
 * "share", "voter", "effective_area", "area_source", "since"}]}, by
 * dwelling id.  ERR_NOT_FOUND for a resident outside the community. */
int ownership_resident(struct store *db, json_t **out, int64_t community_id, int64_t resident_id,
                       struct err *e);

/* ---- the electorate (issue 6) ---- */

struct elector_unit {
	int64_t dwelling_id;
	int64_t voter_resident_id; /* 0 for the developer */
	int64_t area;              /* effective area, 0.01 m²; 0 when none */
	const char *area_source;   /* "register" | "survey" | "contract" | NULL */
	/* Only from ownership_electorate_named() (else NULL), in the arena: */
	const char *label;         /* "1栋 1单元 101" */
	const char *voter_name;    /* the voter's name; "" for the developer */
};

/* Every dwelling with an owner inside the scope ("community", "compound",
 * "building", "unit" + its id, all inside community_id), one entry per dwelling,
 * ordered by dwelling id; strings live in a. Headcount = distinct voters,
 * where every developer-owned dwelling counts together as one.
 * For "community" the id is the community's own (0 is taken as it too).
 * ERR_INVALID naming "scope" for an unknown scope; ERR_NOT_FOUND naming
 * "id" for a node outside the community.  *out is in a (NULL when *n is 0). */
int ownership_electorate(struct store *db, struct arena *a, int64_t community_id, const char *scope,
                         int64_t scope_id, struct elector_unit **out, size_t *n, struct err *e);

/* As ownership_electorate(), with each dwelling's label and its voter's
 * name filled in (one more query per dwelling: for freezing an electorate,
 * not for figures). */
int ownership_electorate_named(struct store *db, struct arena *a, int64_t community_id,
                               const char *scope, int64_t scope_id, struct elector_unit **out,
                               size_t *n, struct err *e);

/* Headcount of an electorate per arts. 8-9: distinct voters, every
 * developer-owned dwelling together counting as one. */
int64_t ownership_headcount(const struct elector_unit *u, size_t n);

/* Writes the area a (0.01 m², >= 0) as an exact decimal "1234.56" into out. */
void ownership_area_text(char out[32], int64_t a);

/*
 * The figures of an electorate: {"scope", "id", "dwellings" (all in the
 * scope), "owned", "unowned", "owners" (headcount), "developer_dwellings",
 * "area" (sum of effective areas, "1234.56"), "area_hundredths" (the same,
 * integer), "without_area" (owned dwellings with no area), "without_area_ids",
 * "by_source": {"register": {"dwellings", "area"}, "survey", "contract"}}.
 * Errors as ownership_electorate().
 */
int ownership_electorate_figures(struct store *db, json_t **out, int64_t community_id,
                                 const char *scope, int64_t scope_id, struct err *e);

/* ---- person data (PIPL) and the demo ---- */

/* Adds to the JSON object `out` one key ("ownership") holding everything
 * this module stores about resident `resident_id` of `community_id`, in
 * full, machine-readable: {"owned": [as ownership_resident]}.  Runs inside
 * the caller's read snapshot.  ERR_NOT_FOUND for a resident outside the
 * community. */
int ownership_person_export(struct store *db, json_t *out, int64_t community_id,
                            int64_t resident_id, struct err *e);

/*
 * Fills a demo community's ownership in one transaction: every dwelling
 * gets a register area (its own layout area when set, else 60-140 m²);
 * about 3 % of dwellings are the developer's (unsold); in the others one
 * resident living there (the householder if any) owns it and votes, a
 * spouse living there co-owns every other one (shares 1/2), and a few
 * residents also own a second dwelling where nobody lives.  Deterministic
 * (by ids); owners and areas already present are left alone.
 */
int ownership_demo(struct store *db, int64_t community_id, struct err *e);

/* The first householder (by dwelling id) who is the named voter of the
 * dwelling they live in, for the demo's resident account; *out 0 when
 * there is none. */
int ownership_voter_at_home(struct store *db, int64_t *out, int64_t community_id,
                            struct err *e);

extern const struct migration ownership_migrations[];
extern const size_t ownership_migrations_n;

/* The routes, defined in ownership_http.c and listed in src/routes.c. */
struct route_table;
extern const struct route_table ownership_routes;

#endif
