/*
 * emergency.h - emergency activation and household check-ins (应急响应：
 * 启动、报平安), issue 8 items 2, 3, 5.
 *
 * An *activation* declares an emergency (a hazard and a title) over a
 * scope: the whole community, or a list of its buildings.  Declaring it
 * takes a snapshot, in one transaction, of
 *   - the buildings in scope (name, grid) - table emergency_buildings;
 *   - every dwelling of those buildings (unit, floor, room, label), each
 *     flagged `occupied` when a registered resident lives there
 *     (household_list); every occupied one is a *household* that starts
 *     `unknown` - table emergency_households (one row per dwelling);
 *   - the vulnerable residents of the scope from the care list (care_list,
 *     highest priority first), with their tags and primary caretaker -
 *     table emergency_vulnerable (ON DELETE CASCADE from residents).
 * So the live view reads only this folder's tables, one query per table,
 * and a door card of a dwelling that was empty in the register (people live
 * there who are not registered) still works: its check-in marks the
 * dwelling occupied.
 *
 * Statuses: unknown (the start), safe (平安), needs_help (需要帮助, with a
 * set of kinds: medical, medicine, food, water, mobility, shelter, other,
 * and a note), away (不在家), no_answer (联系不上).  Every change is a row of
 * emergency_events (time, status, kinds, channel, who), written in the
 * transaction that changes the household, and acknowledged only once
 * durable (store_commit: group commit under synchronous=FULL).  Channels:
 * door_card (the public check-in page, no login), lead (a building lead
 * from a phone), phone (a call recorded by staff), worker (staff in person).
 * A household is *reached* at its first status other than unknown and
 * no_answer (reached_at, reached_channel); no_answer tells that nobody was
 * reached, so it does not count.
 *
 * Help requests: a needs_help status opens a request for the household
 * (or updates the kinds and note of its request still open); a request
 * moves open → matched (to a supply item as text, or to a user) → closed.
 * Follow-ups: a visit of a household assigned to a user (a volunteer or a
 * building lead of the community); a follow-up or request open longer than
 * the activation's escalate_minutes (default 30) is *overdue*.
 *
 * Notes are sealed at rest (seal.h, context "emergency.note") with the
 * register's keyring: they may name an illness.  A note belongs to the
 * event (emergency_events.note) and to the help request it opened
 * (emergency_requests.note); both are listed in keyrotate_columns[].
 *
 * Closing an activation (audited) stops its door cards and marks; its
 * report (emergency_report) is computed from the stored rows whenever asked
 * for, so it stays available for review and export.  The after-action
 * report of the preparedness module reads the same function.
 *
 * A dwelling is covered by at most one open activation at a time
 * (declaring an overlapping one is ERR_CONFLICT naming "scope").  Every
 * function filters on community_id: another community's activation,
 * dwelling, request or follow-up is ERR_NOT_FOUND.  `only` restricts a
 * caller to some buildings (a building lead): a household elsewhere is
 * ERR_FORBIDDEN, and the live view leaves other buildings out.
 * Migration 901.
 */
#ifndef LINLI_FIELD_EMERGENCY_H
#define LINLI_FIELD_EMERGENCY_H

#include "core/arena.h"
#include "core/err.h"
#include "core/json.h"
#include "core/jsonw.h"
#include "core/strbuf.h"
#include "field/doorcard.h"
#include "store/store.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	EMERGENCY_TITLE_MAX = 100,       /* characters */
	EMERGENCY_NOTE_MAX = 200,        /* characters */
	EMERGENCY_BODY_MAX = 2000,       /* broadcast text, characters */
	EMERGENCY_MATCH_MAX = 100,       /* matched_to, characters */
	EMERGENCY_BUILDINGS_MAX = 200,   /* buildings listed in one activation */
	EMERGENCY_ESCALATE_DEFAULT = 30, /* minutes */
	EMERGENCY_ESCALATE_MAX = 1440,
	EMERGENCY_VULNERABLE_MAX = 5000, /* residents snapshotted per activation */
};

enum emergency_status {
	EM_UNKNOWN,
	EM_SAFE,
	EM_NEEDS_HELP,
	EM_AWAY,
	EM_NO_ANSWER,
	EM_STATUS_COUNT
};

enum emergency_channel { EM_DOOR_CARD, EM_LEAD, EM_PHONE, EM_WORKER, EM_CHANNEL_COUNT };

enum { EM_NEED_COUNT = 7 }; /* medical medicine food water mobility shelter other */

/* Names: static strings; parse: the value, or -1 when unknown. */
const char *emergency_status_name(enum emergency_status s);
int emergency_status_parse(const char *name);
const char *emergency_channel_name(enum emergency_channel c);
int emergency_channel_parse(const char *name);
const char *emergency_need_name(int i);
int emergency_need_parse(const char *name);
/* True for a known hazard code: fire, flood, typhoon, earthquake, heat,
 * cold, gas_leak, power_outage, epidemic, other. */
bool emergency_hazard_ok(const char *s);

struct emergency_actor {
	int64_t user_id;
	const char *username;
	const char *display_name;
	const char *ip;
};

struct emergency_new {
	const char *hazard;
	const char *title;
	bool community;           /* the whole community; else buildings */
	const int64_t *buildings; /* borrowed; 1..EMERGENCY_BUILDINGS_MAX ids */
	size_t nbuildings;
	int64_t escalate_minutes; /* 0: the default */
};

/* A status to record for one household. */
struct emergency_mark {
	int status;       /* enum emergency_status, not EM_UNKNOWN */
	unsigned needs;   /* bit i: emergency_need_name(i); only with needs_help */
	const char *note; /* NULL or at most EMERGENCY_NOTE_MAX characters */
	int channel;      /* enum emergency_channel */
	int64_t user_id;  /* 0 for a door card */
	const char *user_name;
};

/* Buildings a caller is restricted to; NULL/0: all of the community. */
struct emergency_only {
	const int64_t *buildings;
	size_t n;
};

/* Checks a mark's fields, naming the field at fault (ERR_INVALID): status,
 * needs (required with needs_help, refused otherwise), note. */
int emergency_mark_check(const struct emergency_mark *m, struct err *e);

/*
 * Declares an activation and takes its snapshot (see above), audited
 * ("emergency.declare").  ERR_INVALID naming hazard, title, buildings,
 * escalate_minutes; ERR_NOT_FOUND naming "buildings" for a building outside
 * the community; ERR_CONFLICT naming "scope" when an open activation covers
 * one of the buildings.
 */
int emergency_declare(struct store *db, int64_t *out, int64_t community_id,
                      const struct emergency_new *n, const struct emergency_actor *who,
                      struct err *e);

/* The community's activations, newest first: {"activations": [{"id",
 * "hazard","title","scope","status","declared_at","declared_by",
 * "closed_at","households","reached"}]}. */
int emergency_list(struct store *db, json_t **out, int64_t community_id, struct err *e);

/*
 * Broadcasts a notice (voice/notice.h) to the activation's scope, published
 * at once: one notice for the community, or one per building.  body NULL
 * gives a standard text.  Records broadcast_at and the notice ids, audited
 * ("emergency.broadcast").  *out: {"notices": [ids], "broadcast_at"}.
 * ERR_CONFLICT when the activation is closed.
 */
int emergency_broadcast(struct store *db, json_t **out, int64_t community_id, int64_t activation_id,
                        const char *body, const struct emergency_actor *who, struct err *e);

/*
 * Records a status for a household of the activation (staff, a lead, a
 * phone call), after emergency_mark_check.  ERR_NOT_FOUND (dwelling_id)
 * when the dwelling is not in the activation; ERR_FORBIDDEN when it lies
 * outside `only`; ERR_CONFLICT when the activation is closed.  Returns once
 * durable.
 */
int emergency_mark(struct store *db, int64_t community_id, int64_t activation_id,
                   int64_t dwelling_id, const struct emergency_only *only,
                   const struct emergency_mark *m, struct err *e);

/* What the public check-in page shows: no personal data. */
struct emergency_cover {
	int64_t activation_id;
	const char *title, *hazard, *label, *status; /* in the arena */
	int64_t changed_at;                          /* 0: never */
};

/* The open activation that covers the card's dwelling.  ERR_NOT_FOUND
 * when none does. */
int emergency_cover(struct store *db, struct emergency_cover *out, const struct doorcard *card,
                    struct arena *a, struct err *e);

/* Records a door-card check-in (channel door_card) in the open activation
 * covering the card's dwelling; *out as emergency_cover after the change.
 * ERR_NOT_FOUND when none covers it. */
int emergency_checkin(struct store *db, struct emergency_cover *out, const struct doorcard *card,
                      const struct emergency_mark *m, struct arena *a, struct err *e);

/*
 * The live view at time now, written as keys into the object the caller
 * has opened on w (jw_obj before, jw_obj_end after; the caller may add keys
 * of its own): "activation": {...}, "now", "buildings": [{"id","name",
 * "grid_id","grid","floors": [{"floor","dwellings": [{"id","unit","room",
 * "occupied","status","needs":[...] (only when any),"changed_at" (only once
 * changed)}]}],"counts"}] (floors top first), "grids": [{"grid_id","name",
 * "counts"}], "totals": counts, "vulnerable": [{"resident_id","name",
 * "priority","tags","dwelling_id","status","caretaker"}] (not yet reached
 * only, highest priority first), "requests": [not closed], "followups":
 * [open ones, overdue first].  counts: {"households","unknown","safe",
 * "needs_help","away","no_answer","reached"} over occupied dwellings.
 * `only` leaves other buildings (and their residents, requests, follow-ups)
 * out.  Streamed (jsonw), not a tree: 10,000 dwellings are one query and
 * one pass.  On failure w holds a partial object the caller discards.
 */
int emergency_live(struct store *db, struct jsonw *w, int64_t community_id, int64_t activation_id,
                   const struct emergency_only *only, int64_t now, struct err *e);

/* A household's history: {"dwelling_id","building_id","label","events":
 * [{"at","status","needs","channel","user_name","note"}]} oldest first. */
int emergency_household(struct store *db, json_t **out, int64_t community_id, int64_t activation_id,
                        int64_t dwelling_id, const struct emergency_only *only, struct err *e);

/*
 * Assigns a follow-up visit of a household to a user who is a volunteer or
 * a building lead of the community (else ERR_INVALID naming "assignee").
 * ERR_NOT_FOUND / ERR_FORBIDDEN for the dwelling as emergency_mark.
 */
int emergency_followup_add(struct store *db, int64_t *out, int64_t community_id,
                           int64_t activation_id, int64_t dwelling_id, int64_t assignee,
                           const char *note, const struct emergency_only *only,
                           const struct emergency_actor *who, struct err *e);

/* Marks a follow-up done.  by_assignee > 0: only that assignee may
 * (ERR_NOT_FOUND otherwise). */
int emergency_followup_done(struct store *db, int64_t community_id, int64_t activation_id,
                            int64_t followup_id, int64_t by_assignee, struct err *e);

/* The follow-ups of the activation, all or those of one assignee (> 0):
 * {"followups": [{"id","dwelling_id","label","assignee","assignee_name",
 * "note","created_at","done_at","overdue"}]}. */
int emergency_followups(struct store *db, json_t **out, int64_t community_id, int64_t activation_id,
                        int64_t assignee, int64_t now, struct err *e);

/*
 * Moves a help request: status "matched" (with matched_to, a supply item
 * as text, and/or matched_user, a member of the community) or "closed".
 * open → matched → closed; open → closed; a closed request is ERR_CONFLICT.
 */
int emergency_request_set(struct store *db, int64_t community_id, int64_t activation_id,
                          int64_t request_id, const char *status, const char *matched_to,
                          int64_t matched_user, const struct emergency_only *only,
                          const struct emergency_actor *who, struct err *e);

/* Closes the activation, audited ("emergency.close").  ERR_CONFLICT when
 * it is closed already. */
int emergency_close(struct store *db, int64_t community_id, int64_t activation_id,
                    const struct emergency_actor *who, struct err *e);

/*
 * The report (after-action data): {"activation": {...}, "timeline":
 * {"declared_at","broadcast_at","first_checkin","last_checkin",
 * "closed_at"}, "households", "reached", "by_status": {...},
 * "by_channel": {channel: households reached first through it},
 * "events_by_channel": {...}, "time_to_reach": {"median","p90","max"}
 * (seconds, null when none), "open_requests": [...], "requests": {"open",
 * "matched","closed"}, "rows": [{"dwelling_id","building","label","status",
 * "needs","reached_channel","seconds_to_reach"}]}.  Open or closed.
 */
int emergency_report(struct store *db, json_t **out, int64_t community_id, int64_t activation_id,
                     struct err *e);

/* The report's rows as CSV (UTF-8 with BOM, CRLF): 楼栋,房屋,状态,需要,
 * 首次联系渠道,用时（秒）. */
int emergency_report_csv(struct store *db, struct strbuf *out, int64_t community_id,
                         int64_t activation_id, struct err *e);

extern const struct migration emergency_migrations[];
extern const size_t emergency_migrations_n;

struct route_table;
extern const struct route_table emergency_routes;

#endif
