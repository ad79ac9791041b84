/*
 * drill.h - emergency drills (应急演练) and their after-action review
 * (复盘; issue 8, item 1).
 *
 * A drill exercises one plan (so it has the plan's hazard): a date, the
 * scenario, participants (a count and free text of names and roles), and
 * timed milestones (警报发出 alarm raised, 全员通知 everyone informed,
 * 集合完毕 gathering complete, ...), each with the planned minutes from the
 * alarm and, once run, the actual minutes.  A milestone's delta is actual
 * minus planned (positive: late); one not yet timed has none.  Minutes are
 * whole numbers, 0-1440 (a drill is one day at most).
 *
 * The review says what went well and what to improve, and lists actions
 * with an owner (a name), a due date and a done flag.  History per hazard
 * is the list filtered by hazard, newest first.
 *
 * Every function filters on community_id: another community's drill, or a
 * plan of another community, is ERR_NOT_FOUND.
 */
#ifndef LINLI_FIELD_DRILL_H
#define LINLI_FIELD_DRILL_H

#include "core/json.h"
#include "field/prep.h"
#include "store/store.h"

enum {
	DRILL_SCENARIO_MAX = 1000, /* characters */
	DRILL_PARTICIPANTS_MAX = 2000,
	DRILL_PEOPLE_MAX = 100000,
	DRILL_MILESTONES_MAX = 20,
	DRILL_MILESTONE_NAME_MAX = 50,
	DRILL_MINUTES_MAX = 1440,
	DRILL_REVIEW_MAX = 4000,
	DRILL_TASK_MAX = 200,
	DRILL_OWNER_MAX = 50,
	DRILL_ACTIONS_MAX = 50,
};

struct drill_milestone {
	const char *name;
	int64_t planned; /* minutes from the alarm */
	int64_t actual;  /* minutes; -1: not timed */
};

/* The delta of a milestone: actual - planned; false (and *out untouched)
 * when it was not timed. */
bool drill_delta(int64_t *out, const struct drill_milestone *m);

struct drill_input {
	int64_t plan_id;
	const char *date;
	const char *scenario;
	int64_t participants_count;
	const char *participants;
	struct drill_milestone *milestones;
	size_t nmilestones;
};

/* Reads {"plan_id","date","scenario","participants_count","participants",
 * "milestones": [{"name","planned","actual"?|null}]} from body into in
 * (strings borrowed from body).  ERR_INVALID naming the field
 * ("milestones[1].actual"). */
int drill_input_take(struct drill_input *in, const json_t *body, struct err *e);

/* Records a drill; *out its id.  ERR_NOT_FOUND "plan_id". */
int drill_add(struct store *db, int64_t *out, int64_t community_id, const struct drill_input *in,
              const struct prep_actor *who, struct err *e);
/* Replaces date, scenario, participants and milestones (not the plan). */
int drill_update(struct store *db, int64_t community_id, int64_t id,
                 const struct drill_input *in, const struct prep_actor *who, struct err *e);

/* {"drills": [{"id","plan_id","hazard","name_zh","name_en","date","scenario",
 * "participants_count","milestones","late" (timed milestones later than
 * planned),"reviewed","actions_open"}]} newest date first; hazard NULL:
 * every hazard. */
int drill_list(struct store *db, json_t **out, int64_t community_id, const char *hazard,
               struct err *e);
/* One drill with "milestones": [{"name","planned","actual"|null,
 * "delta"|null}], "total": {"planned","actual"|null,"delta"|null} (the
 * last milestone's), "review": {"went_well","to_improve","reviewed_at"|
 * null}, "actions": [{"id","task","owner","due","done","done_at"|null}]. */
int drill_get(struct store *db, json_t **out, int64_t community_id, int64_t id, struct err *e);

/* Sets the review's two texts, audited ("prep.drill.review"). */
int drill_review_put(struct store *db, int64_t community_id, int64_t id, const char *went_well,
                     const char *to_improve, const struct prep_actor *who, struct err *e);
/* Adds an action of the review; *out its id. */
int drill_action_add(struct store *db, int64_t *out, int64_t community_id, int64_t drill_id,
                     const char *task, const char *owner, const char *due, struct err *e);
/* Marks an action done or not. */
int drill_action_done(struct store *db, int64_t community_id, int64_t drill_id, int64_t id,
                      bool done, struct err *e);

extern const struct migration drill_migrations[];
extern const size_t drill_migrations_n;

struct route_table;
extern const struct route_table drill_routes;

#endif
