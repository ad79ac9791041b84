/*
 * visit.h - door-to-door visits (上门走访): who knocked at which dwelling,
 * when, and what happened; visit plans (a building given to someone by a
 * date); and coverage, the committee's picture of which doors it has reached.
 *
 * A visit belongs to one dwelling and is never changed: the history of a
 * door is the list of its visits.  A dwelling is *reached* once any of its
 * visits had an outcome that tells who lives there (opened, vacant,
 * moved_out, new_arrival); nobody_home and refused do not.  The *last
 * outcome* is that of the latest visit by time, the later id winning a tie.
 *
 * Like structure.h, every function takes the community id and filters on
 * it, so a dwelling, building or plan of another community is ERR_NOT_FOUND;
 * access is the handler's business (auth.h).  Visits keep the building of
 * their dwelling (a dwelling never moves) so coverage is counted without
 * walking units, and the visitor's display name as it was then, so the
 * history never reads the accounts' tables.  Read models are jansson values
 * owned by the caller, except the paged list, which is written to a jsonw.
 */
#ifndef LINLI_REGISTRY_VISIT_H
#define LINLI_REGISTRY_VISIT_H

#include "core/err.h"
#include "core/json.h"
#include "core/jsonw.h"
#include "store/store.h"

#include <stdbool.h>
#include <stdint.h>

enum {
	VISIT_NOTES_MAX = 500,      /* characters */
	VISIT_EARLIEST = 946684800, /* 2000-01-01: earlier times are typos */
	VISIT_FUTURE_SLACK = 600,   /* seconds a phone's clock may run ahead */
	VISIT_HISTORY_MAX = 200,    /* visits listed per dwelling */
};

enum visit_outcome {
	VISIT_OPENED,      /* 开门 */
	VISIT_NOBODY_HOME, /* 无人 */
	VISIT_REFUSED,     /* 拒绝 */
	VISIT_VACANT,      /* 空置 */
	VISIT_MOVED_OUT,   /* 已搬离 */
	VISIT_NEW_ARRIVAL, /* 新迁入 */
	VISIT_OUTCOME_COUNT
};

/* "opened", "nobody_home", ...; a static string. */
const char *visit_outcome_name(enum visit_outcome o);
/* The outcome of a name, or -1 when unknown. */
int visit_outcome_parse(const char *name);
/* True when the outcome counts the dwelling as reached. */
bool visit_outcome_reaches(enum visit_outcome o);
/* True when s is a real calendar date written YYYY-MM-DD (1900..9999). */
bool visit_date_valid(const char *s);

struct visit {
	int64_t dwelling_id;
	enum visit_outcome outcome;
	const char *notes;     /* NULL or at most VISIT_NOTES_MAX characters; borrowed */
	int64_t user_id;       /* who knocked */
	const char *user_name; /* their display name now; borrowed */
	int64_t at;            /* UTC seconds; 0 means now */
	const char *follow_up; /* NULL or YYYY-MM-DD; not with VISIT_OPENED; borrowed */
};

/* Checks a visit's fields against the clock `now`, naming the field at
 * fault (ERR_INVALID): at, follow_up. */
int visit_check(const struct visit *v, int64_t now, struct err *e);

/*
 * Records a visit of a dwelling of the community, after visit_check().
 * *out receives the new id.  ERR_NOT_FOUND when the dwelling is not in the
 * community.  Returns once committed (durable under synchronous=FULL).
 */
int visit_record(struct store *db, int64_t *out, int64_t community_id, const struct visit *v,
                 struct err *e);

/* The dwelling's visits, newest first (at most VISIT_HISTORY_MAX):
 * {"dwelling_id", "visits": [{"id", "outcome", "notes", "user_id",
 * "user_name", "at", "follow_up"}]}.  ERR_NOT_FOUND for another
 * community's dwelling. */
int visit_history(struct store *db, json_t **out, int64_t community_id, int64_t dwelling_id,
                  struct err *e);

/* The dwelling's last outcome: *found false when it was never visited
 * (then *outcome and *at are untouched). */
int visit_last(struct store *db, bool *found, enum visit_outcome *outcome, int64_t *at,
               int64_t community_id, int64_t dwelling_id, struct err *e);

/* ---- coverage ---- */

/* The building as structure_building_get() gives it, each dwelling with
 * "last_outcome" (name or null), "last_at" (or null) and "reached", and
 * "coverage" counts for the building (see visit_coverage). */
int visit_building_coverage(struct store *db, json_t **out, int64_t community_id,
                            int64_t building_id, struct err *e);

/* Counts per building and per grid, and in all: {"totals", "grids": [...],
 * "buildings": [...]}, each with "dwellings", "reached", "unreached",
 * "unvisited" (never visited) and "outcomes" {name: dwellings whose last
 * outcome it is}; buildings also carry "compound" (its name) and "grid_id".
 * Buildings without a grid count in a grid of id null. */
int visit_coverage(struct store *db, json_t **out, int64_t community_id, struct err *e);

/* A page of the dwellings never reached, by id after `after`, written to w
 * as {"dwellings": [{"id", "building_id", "building", "compound", "unit", "floor",
 * "room", "last_outcome", "last_at"}], "next": id|null}. */
int visit_unreached(struct store *db, struct jsonw *w, int64_t community_id, int64_t after,
                    int64_t limit, struct err *e);

/* ---- plans ---- */

/*
 * Plans a building's visits: assignee (a user id) by due (YYYY-MM-DD).
 * ERR_NOT_FOUND naming building_id for a building outside the community,
 * naming assignee for a user that does not exist; ERR_INVALID naming due.
 */
int visit_plan_add(struct store *db, int64_t *out, int64_t community_id, int64_t building_id,
                   int64_t assignee, const char *due, int64_t created_by, struct err *e);

/* The community's plans, newest first, with progress: [{"id",
 * "building_id", "building", "assignee", "due", "created_at", "done",
 * "done_at", "dwellings", "visited"}], where visited counts the building's
 * dwellings with a visit at or after the plan was made. */
int visit_plans(struct store *db, json_t **out, int64_t community_id, struct err *e);

/* Marks a plan done (or not); *out is the plan as in visit_plans.
 * ERR_NOT_FOUND for a plan outside the community. */
int visit_plan_done(struct store *db, json_t **out, int64_t community_id, int64_t plan_id,
                    bool done, struct err *e);

extern const struct migration visit_migrations[];
extern const size_t visit_migrations_n;

/* The routes, defined in visit_http.c and listed in src/routes.c. */
struct route_table;
extern const struct route_table visit_routes;

#endif
