/*
 * plan.h - emergency plans per hazard (应急预案; issue 8, item 1).
 *
 * A community has at most one plan per hazard (prep.h), made from a
 * shipped template (Chinese or English) and then edited.  The plan's text
 * is one JSON document, the body:
 *
 *   {"title", "summary",
 *    "roles": [{"code", "name_zh", "name_en",
 *               "tasks": {"before": [text], "during": [text], "after": [text]}}],
 *    "gathering_points": [{"name", "location", "capacity"}],
 *    "phones": [{"name", "number"}]}
 *
 * checked strictly by plan_body_check (every key known, every length and
 * count bounded, role codes a-z 0-9 _ and unique).  A body is a document
 * because it is read, edited and printed whole, and versions are kept
 * whole.  Versioning: the plan holds a draft; publishing copies the draft
 * into a new numbered version (1, 2, ...) that is never changed again, so
 * the published plan residents and leads read stays as it was while the
 * committee edits the next draft.
 *
 * Assignments (who fills a role, with a backup) are rows apart from the
 * body, since people change more often than the plan: a user of the
 * community for the role and another for the backup (the handler checks
 * membership with members.h), display names kept as they were when
 * assigned.  A role removed from the draft keeps its assignment until the
 * role comes back or the plan is read: reads show assignments of roles in
 * the body only.
 *
 * Every function filters on community_id: another community's plan is
 * ERR_NOT_FOUND.  Publishing and assigning are audited in the same
 * transaction.
 */
#ifndef LINLI_FIELD_PLAN_H
#define LINLI_FIELD_PLAN_H

#include "core/json.h"
#include "field/prep.h"
#include "store/store.h"

enum {
	PLAN_TITLE_MAX = 100,  /* characters */
	PLAN_SUMMARY_MAX = 2000,
	PLAN_ROLES_MAX = 20,
	PLAN_ROLE_CODE_MAX = 32, /* bytes, a-z 0-9 _ */
	PLAN_ROLE_ZH_MAX = 20,
	PLAN_ROLE_EN_MAX = 50,
	PLAN_TASKS_MAX = 30,   /* per role and phase */
	PLAN_TASK_MAX = 200,
	PLAN_POINTS_MAX = 20,
	PLAN_POINT_NAME_MAX = 100,
	PLAN_POINT_LOCATION_MAX = 200,
	PLAN_CAPACITY_MAX = 1000000,
	PLAN_PHONES_MAX = 30,
	PLAN_PHONE_NAME_MAX = 50,
	PLAN_PHONE_NUMBER_MAX = 20, /* digits, '-', '+', ' ' */
};

/* [{"hazard","name_zh","name_en"}] of every template, as a new reference. */
json_t *plan_template_list(void);
/* The template of a hazard in lang "zh" or "en", as a body (new
 * reference); NULL for an unknown hazard or language. */
json_t *plan_template(const char *hazard, const char *lang);

/* Checks a body and returns its normalised copy in *out (new reference):
 * the keys in the order above, absent lists as [].  ERR_INVALID naming the
 * field by path ("roles[2].tasks.during[0]", "phones[1].number"). */
int plan_body_check(json_t **out, const json_t *body, struct err *e);

/* Makes the plan of `hazard` from its template in lang; *out its id.
 * ERR_INVALID "hazard" / "lang"; ERR_CONFLICT "hazard" when the community
 * has one for that hazard. */
int plan_create(struct store *db, int64_t *out, int64_t community_id, const char *hazard,
                const char *lang, const struct prep_actor *who, struct err *e);

/* {"plans": [{"id","hazard","name_zh","name_en","title","version",
 * "published_at","draft_changed" (draft differs from the published
 * version),"updated_at","assigned","roles"}]} by hazard order. */
int plan_list(struct store *db, json_t **out, int64_t community_id, struct err *e);

/* One plan: {"id","hazard","name_zh","name_en","version","published_at",
 * "published" (body of the latest version or null), "draft" (body; only
 * when with_draft), "versions": [{"version","published_at","by"}],
 * "assignments": [{"role","user_id","name","backup_user_id",
 * "backup_name"}], "gaps": [{"role","missing": "person"|"backup"}]}. */
int plan_get(struct store *db, json_t **out, int64_t community_id, int64_t plan_id,
             bool with_draft, struct err *e);

/* One published version's body (new reference); ERR_NOT_FOUND. */
int plan_version_get(struct store *db, json_t **out, int64_t community_id, int64_t plan_id,
                     int64_t version, struct err *e);

/* Replaces the draft with a checked body (plan_body_check). */
int plan_draft_put(struct store *db, int64_t community_id, int64_t plan_id, const json_t *body,
                   const struct prep_actor *who, struct err *e);

/* Publishes the draft as version n+1 (*out), audited ("prep.plan.publish").
 * ERR_CONFLICT "draft" when the draft equals the latest version. */
int plan_publish(struct store *db, int64_t *out, int64_t community_id, int64_t plan_id,
                 const struct prep_actor *who, struct err *e);

struct plan_assignment {
	const char *role;     /* a role code of the draft */
	int64_t user_id;      /* 0: nobody (clears) */
	const char *name;     /* the user's display name */
	int64_t backup_user_id; /* 0: none */
	const char *backup_name;
};

/* Sets who fills a role (and the backup), audited ("prep.plan.assign").
 * ERR_INVALID "role" when the draft has no such role, "backup_user_id"
 * when the backup is the person. */
int plan_assign(struct store *db, int64_t community_id, int64_t plan_id,
                const struct plan_assignment *a, const struct prep_actor *who, struct err *e);

/* Plans of the community with the drills and supplies' migrations. */
extern const struct migration plan_migrations[];
extern const size_t plan_migrations_n;

struct route_table;
extern const struct route_table plan_routes;

#endif
