/*
 * incident.h - the incident log of a scene, its figures, and the script
 * review (话术复盘).
 *
 * An incident is what happened at a post: when, of which type, what
 * happened, which script (话术) was used (optional; the incident keeps the
 * revision of the script it used), the outcome (resolved, escalated,
 * unresolved) and a follow-up (text, due date, done).  The figures count a
 * scene's incidents by type, by outcome and by month (Beijing time).  The
 * script review puts the scripts that fail in practice at the top: for each
 * script of the scene, how often it was used and how often the incident then
 * ended escalated or unresolved, with the latest notes.
 *
 * Every function filters on the community: another community's ids are
 * ERR_NOT_FOUND.
 */
#ifndef LINLI_SCENE_INCIDENT_H
#define LINLI_SCENE_INCIDENT_H

#include "core/err.h"
#include "core/json.h"
#include "store/store.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	INCIDENT_WHAT_MAX = 1000,     /* characters */
	INCIDENT_FOLLOWUP_MAX = 500,
	INCIDENT_NOTES = 3,           /* latest notes per script in the review */
	INCIDENT_LIST_MAX = 200,
};

/* An incident to record.  post_id, shift_id, script_id 0 when none;
 * occurred_at 0 for now; followup and due may be NULL. */
struct incident_new {
	int64_t post_id, shift_id, script_id, occurred_at;
	const char *type, *what, *outcome, *followup, *due;
};

/* A change of an incident: NULL strings and done < 0 leave fields as they
 * are.  An outcome may change (an escalated case gets resolved later). */
struct incident_change {
	const char *outcome, *followup, *due;
	int done; /* -1 unchanged, 0 or 1 */
};

bool incident_type_valid(const char *s);
bool incident_outcome_valid(const char *s);

/* Records an incident of a scene.  ERR_INVALID naming the field for a bad
 * type, outcome, text, date, or a post, shift or script that is not of this
 * scene. */
int incident_add(struct store *db, int64_t *out, int64_t community_id, int64_t scene_id,
		 const struct incident_new *n, int64_t user_id, struct err *e);
int incident_update(struct store *db, int64_t community_id, int64_t incident_id,
		    const struct incident_change *c, struct err *e);
/* Deletes an incident and appends an audit entry (scene.incident_delete,
 * subject incident:ID, detail the reason) in the same transaction. */
int incident_delete(struct store *db, int64_t community_id, int64_t incident_id,
		    int64_t actor_id, const char *actor, const char *reason, const char *ip,
		    struct err *e);
/* The latest incidents of a scene, newest first: [{id, occurred_at, type,
 * what, post_id, post_name, shift_id, script_id, script_title,
 * script_revision, outcome, followup, followup_due, followup_done,
 * recorded_by}]. */
int incident_list(struct store *db, json_t **out, int64_t community_id, int64_t scene_id,
		  struct err *e);
/* {total, by_type: {type: n}, by_outcome: {outcome: n}, by_month:
 * [{month: "YYYY-MM", n}] (oldest first), open_followups}. */
int incident_figures(struct store *db, json_t **out, int64_t community_id, int64_t scene_id,
		     struct err *e);

/* One script's record, for the review order. */
struct script_stat {
	int64_t id, used, resolved, failed; /* failed: escalated or unresolved */
};
/* Sorts so that the scripts that fail in practice come first: by share of
 * failures (failed / used, compared exactly) descending, then more failures,
 * then more use, then id; scripts never used last. */
void script_stat_sort(struct script_stat *s, size_t n);

/* The script review of a scene: [{id, title, tags, revision, used,
 * resolved, escalated, unresolved, failed_pct (whole percent, rounded
 * down), notes: [{incident_id, occurred_at, outcome, what,
 * script_revision}]}] in script_stat_sort order. */
int script_review(struct store *db, json_t **out, int64_t community_id, int64_t scene_id,
		  struct err *e);

struct route_table;
extern const struct route_table incident_routes;

#endif
