/*
 * topic.h - topics (议题): matters residents or workers raise, discuss,
 * decide and follow up, such as adding a lift to an old building, a parking
 * plan, or clutter in a stairwell.
 *
 * A topic concerns a scope (the community, a compound, a building or a unit,
 * checked by the handler through structure_node_in) and has a category from
 * the community's list (defaults below).  It moves through the stages
 *
 *     proposal → discussion → decision → follow_up → closed
 *        └──────────┴─────→ rejected (with a reason)      decision → closed
 *
 * Every move is made by a worker with a note and kept as an event (time,
 * actor, from, to, note): the timeline residents see.  One exception, the
 * rule chosen for 附议 (support): members support a proposal once each, and
 * when the count reaches the community's threshold (default 5) the topic
 * moves into discussion by itself, in the same transaction, as an event
 * whose actor is 0 ("system").  A worker may move it earlier.
 *
 * Discussion is a thread of comments, replies at most TOPIC_DEPTH_MAX deep;
 * an author may edit within TOPIC_EDIT_SECONDS; workers hide a comment with
 * a reason (audited in the same transaction).  The author still sees their
 * hidden comment and the reason; others see only the reason.
 *
 * The decision records the outcome and how it was reached (decided_by:
 * meeting, owner_vote, committee, consensus; vote_id links an owner vote,
 * nullable until votes exist).  Accountability items say who does what by
 * when; progress updates are visible to every member; an item not done by
 * its due date (Beijing time) is overdue.
 *
 * Meetings use shipped templates (听证会 hearing, 协调会 coordination,
 * 评议会 review): agenda headings and roles in Chinese and English.  A
 * meeting copies its template's agenda; workers write minutes per item and
 * publish them; members see published minutes only.
 *
 * Strings returned in structs live in the arena given; read models are
 * jansson values owned by the caller.  Every query filters on community_id.
 */
#ifndef LINLI_VOICE_TOPIC_H
#define LINLI_VOICE_TOPIC_H

#include "core/arena.h"
#include "core/err.h"
#include "core/json.h"
#include "store/store.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	TOPIC_TITLE_MAX = 100, /* characters */
	TOPIC_BODY_MAX = 5000,
	TOPIC_NOTE_MAX = 500,   /* a stage move's note, a rejection's reason */
	TOPIC_REASON_MAX = 200, /* a moderation reason */
	TOPIC_COMMENT_MAX = 1000,
	TOPIC_COMMENTS_MAX = 2000, /* per topic */
	TOPIC_DEPTH_MAX = 3,       /* a top-level comment is depth 1 */
	TOPIC_EDIT_SECONDS = 15 * 60,
	TOPIC_OUTCOME_MAX = 2000,
	TOPIC_TASK_MAX = 200,
	TOPIC_OWNER_MAX = 100,
	TOPIC_PROGRESS_MAX = 1000,
	TOPIC_ACTIONS_MAX = 100,  /* per topic */
	TOPIC_MEETINGS_MAX = 50,  /* per topic */
	TOPIC_MINUTES_MAX = 5000, /* per agenda item */
	TOPIC_PLACE_MAX = 100,
	TOPIC_PEOPLE_MAX = 2000, /* the participants' free-text list */
	TOPIC_CATEGORY_MAX = 20, /* characters of a category name */
	TOPIC_CATEGORIES_MAX = 30,
	TOPIC_THRESHOLD_DEFAULT = 5,
	TOPIC_THRESHOLD_MAX = 10000,
};

struct topic {
	int64_t id, community_id, raised_by;
	const char *title, *stage, *category, *scope_kind;
	int64_t scope_id;
};

/* The fields of a new topic; scope_name is what structure_node_in gave. */
struct topic_new {
	const char *title, *body, *category;
	const char *scope_kind, *scope_name;
	int64_t scope_id;
	int64_t raised_by;
	const char *raiser_name;
	const char *raiser_kind; /* "resident" or "worker" */
};

/* ---- pure rules ---- */

/* True for proposal, discussion, decision, follow_up, closed, rejected. */
bool topic_stage_valid(const char *stage);
/* True when a worker may move a topic from one stage to the other (see the
 * diagram above); decision → follow_up or closed also needs a recorded
 * decision, which topic_move checks. */
bool topic_stage_next_ok(const char *from, const char *to);
/* True when s is a real calendar date YYYY-MM-DD (2000..2099). */
bool topic_date_valid(const char *s);
/* Today's date (YYYY-MM-DD) in Beijing time (UTC+8, no summer time) at now. */
void topic_today(char out[11], int64_t now);
/* True when an item due on `due` with `status` is overdue at now: not done
 * or dropped, and due before today (Beijing time). */
bool topic_action_overdue(const char *due, const char *status, int64_t now);
/* True for open, in_progress, done, dropped. */
bool topic_action_status_valid(const char *status);

/* ---- meeting templates (shipped data) ---- */

struct topic_template_item {
	const char *zh, *en;
};
struct topic_template {
	const char *kind; /* "hearing", "coordination", "review" */
	const char *zh, *en;
	const char *purpose_zh, *purpose_en;
	const struct topic_template_item *agenda;
	size_t nagenda;
	const struct topic_template_item *roles;
	size_t nroles;
};
/* The template of a kind, or NULL. */
const struct topic_template *topic_template_find(const char *kind);
/* Every template as JSON: [{"kind","zh","en","purpose_zh","purpose_en",
 * "agenda":[{"zh","en"}],"roles":[{"zh","en"}]}]. */
json_t *topic_templates_json(void);

/* ---- settings: categories and the support threshold ---- */

/* {"categories":[{"name","en"?}], "support_threshold", "custom": bool,
 * "meeting_templates": [...]}; the defaults when the community set none. */
int topic_settings_get(struct store *db, json_t **out, int64_t community_id, struct err *e);
/* Replaces the community's categories (1..TOPIC_CATEGORIES_MAX distinct
 * names, each 1..TOPIC_CATEGORY_MAX characters, no control characters) and
 * threshold (1..TOPIC_THRESHOLD_MAX).  ERR_INVALID naming "categories" or
 * "support_threshold". */
int topic_settings_put(struct store *db, int64_t community_id, const char *const *categories,
                       size_t n, int64_t threshold, struct err *e);

/* ---- topics ---- */

/* Creates a topic in stage proposal with its first timeline event.
 * ERR_INVALID (field "category") when the category is not in the list. */
int topic_add(struct store *db, int64_t *out, int64_t community_id, const struct topic_new *t,
              struct err *e);
/* The community's topics, newest first, filtered by stage, category and
 * scope kind (each NULL: any), with support and comment counts. */
int topic_list(struct store *db, json_t **out, int64_t community_id, const char *stage,
               const char *category, const char *scope_kind, int64_t user_id, struct err *e);
/* One topic (strings in a); ERR_NOT_FOUND when it is not in the community. */
int topic_get(struct store *db, struct topic *out, int64_t community_id, int64_t id,
              struct arena *a, struct err *e);
/* Everything about the topic for user_id (see docs/api.md); staff also see
 * hidden comments' text and unpublished meetings. */
int topic_view(struct store *db, json_t **out, const struct topic *t, int64_t user_id, bool staff,
               int64_t now, struct err *e);
/* Moves the topic to stage `to` with a note (required), as an event and an
 * audit entry.  ERR_CONFLICT (field "stage") for a move the rules forbid,
 * or when the decision is still missing. */
int topic_move(struct store *db, const struct topic *t, const char *to, const char *note,
               int64_t actor, const char *actor_name, struct err *e);
/*
 * Records user_id's support (附议) once; a second call changes nothing.
 * Only in proposal or discussion (ERR_CONFLICT otherwise).  When the count
 * reaches the threshold in proposal, moves the topic to discussion.
 * *count gets the support count, *stage the stage after (static string).
 */
int topic_support(struct store *db, const struct topic *t, int64_t user_id, int64_t *count,
                  const char **stage, struct err *e);

/* ---- discussion ---- */

/* A comment, or a reply when parent_id > 0 (ERR_NOT_FOUND field
 * "parent_id" when no such comment in the topic, ERR_INVALID "parent_id"
 * beyond TOPIC_DEPTH_MAX).  ERR_CONFLICT when closed or rejected. */
int topic_comment_add(struct store *db, int64_t *out, const struct topic *t, int64_t parent_id,
                      int64_t author, const char *author_name, const char *body, struct err *e);
/* The author's edit, within TOPIC_EDIT_SECONDS of writing it (at now).
 * ERR_FORBIDDEN when not the author, ERR_CONFLICT after the window or on a
 * hidden comment. */
int topic_comment_edit(struct store *db, const struct topic *t, int64_t comment_id, int64_t author,
                       const char *body, int64_t now, struct err *e);
/* Hides (with a reason, required) or shows again a comment; audited in the
 * same transaction as topic_comment.hide / topic_comment.show. */
int topic_comment_hide(struct store *db, const struct topic *t, int64_t comment_id, bool hidden,
                       const char *reason, int64_t actor, const char *actor_name, struct err *e);

/* ---- decision and follow-up ---- */

/* Records (or replaces) the decision: only in stage decision (ERR_CONFLICT).
 * decided_by: meeting, owner_vote, committee, consensus (ERR_INVALID
 * "decided_by"); vote_id 0 is none.  Audited. */
int topic_decide(struct store *db, const struct topic *t, const char *outcome,
                 const char *decided_by, int64_t vote_id, int64_t actor, const char *actor_name,
                 struct err *e);
/* An accountability item (who does what by when): in decision or follow_up.
 * owner_user_id 0 when the owner is an organisation or not a user. */
int topic_action_add(struct store *db, int64_t *out, const struct topic *t, const char *task,
                     const char *owner_name, int64_t owner_user_id, const char *due, int64_t actor,
                     struct err *e);
/* A progress update on an item: text, and optionally percent (0..100, -1
 * none) and a new status (NULL none; done sets 100%).  ERR_NOT_FOUND
 * (no field) for an item of another topic. */
int topic_progress_add(struct store *db, int64_t *out, const struct topic *t, int64_t action_id,
                       const char *text, int64_t percent, const char *status, int64_t actor,
                       const char *actor_name, struct err *e);
/* True when user_id is the owner of the item (owners report progress too). */
int topic_action_owner(struct store *db, bool *out, const struct topic *t, int64_t action_id,
                       int64_t user_id, struct err *e);

/* ---- meetings ---- */

struct topic_meeting_new {
	const char *kind;                                    /* a template's kind */
	const char *date;                                    /* YYYY-MM-DD */
	const char *time;                                    /* HH:MM, may be NULL */
	const char *place, *chair, *recorder, *participants; /* chair..participants may be NULL */
	int64_t attendees;
};
/* A meeting with its template's agenda as items (minutes empty), draft. */
int topic_meeting_add(struct store *db, int64_t *out, const struct topic *t,
                      const struct topic_meeting_new *m, int64_t actor, struct err *e);
/* Writes one agenda item's minutes; ERR_CONFLICT once published. */
int topic_minutes_put(struct store *db, const struct topic *t, int64_t meeting_id, int64_t item_id,
                      const char *minutes, struct err *e);
/* Publishes the minutes (draft → published), audited; ERR_CONFLICT when
 * already published. */
int topic_meeting_publish(struct store *db, const struct topic *t, int64_t meeting_id,
                          int64_t actor, const char *actor_name, struct err *e);

extern const struct migration topic_migrations[];
extern const size_t topic_migrations_n;

#endif
