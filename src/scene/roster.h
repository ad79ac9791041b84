/*
 * roster.h - the roster solver (排班): fills the open seats of shifts with
 * volunteers under hard rules, as evenly as it can.  Pure: no database, no
 * clock, no I/O; the same input always gives the same output.
 *
 * Time is in whole minutes on one absolute axis (e.g. UTC minutes since
 * 1970).  A week starts on Monday 00:00 in the community's time zone, given
 * as rules.tz_offset (minutes east of UTC; 480 for China).  An interval is
 * [start, end): a slot ending at 10:00 and one starting at 10:00 do not
 * overlap.
 *
 * Hard rules (roster_check verifies them on any assignment):
 *   - the volunteer is available for the whole slot (and has no existing
 *     commitment overlapping it);
 *   - the volunteer has every skill the slot requires;
 *   - no two of a volunteer's slots overlap;
 *   - between any two of a volunteer's slots, and between a slot and an
 *     existing commitment, at least rules.min_rest minutes pass;
 *   - in every week the volunteer's minutes (prior_minutes in the week of
 *     rules.prior_week_of, plus assigned slots by their start) stay <= the
 *     volunteer's max_week (or rules.max_week when that is 0).
 *
 * Objective, lexicographic: (1) most filled slots; (2) least spread: the
 * sum over volunteers of load^2, load = prior_minutes + assigned minutes
 * (convex, so it prefers even loads); (3) the largest bonus: preference
 * weights of matching (volunteer, slot) pairs plus ROSTER_TEAM_BONUS when a
 * slot's team hint is the volunteer's team.  See docs/roster.md for the
 * method and what is exact and what is heuristic.
 */
#ifndef LINLI_SCENE_ROSTER_H
#define LINLI_SCENE_ROSTER_H

#include "core/arena.h"
#include "core/err.h"
#include "core/strbuf.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	ROSTER_WEEK = 7 * 24 * 60,
	ROSTER_MONDAY = 4 * 24 * 60, /* 1970-01-01 was a Thursday */
	ROSTER_VOLUNTEERS_MAX = 20000,
	ROSTER_SLOTS_MAX = 100000,
	ROSTER_PAIRS_MAX = 20000000, /* volunteers x slots */
	ROSTER_INTERVALS_MAX = 1000, /* per list of a volunteer */
	ROSTER_PREFS_MAX = 16,
	ROSTER_WEIGHT_MAX = 100, /* |weight| of one preference */
	ROSTER_TEAM_BONUS = 50,
	ROSTER_SLOT_LEN_MAX = 24 * 60,
	ROSTER_HORIZON_MAX = 13 * ROSTER_WEEK, /* first slot start to last end */
	ROSTER_REST_MAX = 7 * 24 * 60,
};

struct roster_interval {
	int64_t start, end; /* minutes, [start, end) */
};

/* A liked (weight > 0) or disliked (weight < 0) post or time.  post 0: any
 * post; from == to: any time; else the slot's start, as a minute of the
 * local week (Monday 00:00 = 0), must be in [from, to). */
struct roster_pref {
	int64_t post;
	int32_t from, to, weight;
};

/*
 * A volunteer.  Availability is the union of the absolute intervals and the
 * weekly ones (minutes of the local week, 0 <= start < end <= ROSTER_WEEK,
 * repeated every week); when both lists are empty the volunteer is
 * available at any time.  busy: existing commitments (other shifts, work),
 * which block overlap and rest but do not count as hours; prior_minutes are
 * hours already worked in the week of rules.prior_week_of and count towards
 * that week's maximum and towards the load.  Pointers are borrowed.
 */
struct roster_volunteer {
	int64_t id;
	uint64_t skills; /* bit i: skill i */
	const struct roster_interval *available;
	size_t n_available;
	const struct roster_interval *weekly;
	size_t n_weekly;
	const struct roster_interval *busy;
	size_t n_busy;
	int64_t max_week; /* minutes; 0: rules.max_week */
	int64_t prior_minutes;
	int64_t team; /* 0: none */
	const struct roster_pref *prefs;
	size_t n_prefs;
};

/* One seat of one shift.  team: a hint that the slot goes to that team's
 * members (0: none). */
struct roster_slot {
	int64_t shift, seat;
	int64_t start, end;
	int64_t post;
	uint64_t skills; /* every bit required */
	int64_t team;
};

struct roster_rules {
	int64_t min_rest;      /* minutes between two slots of one volunteer */
	int64_t max_week;      /* default weekly maximum, minutes; > 0 */
	int64_t tz_offset;     /* minutes east of UTC of the community */
	int64_t prior_week_of; /* a minute in the week prior_minutes belong to */
};

struct roster_input {
	const struct roster_volunteer *vol; /* borrowed */
	size_t n_vol;
	const struct roster_slot *slot; /* borrowed */
	size_t n_slot;
	struct roster_rules rules;
};

/* Why a slot is unfilled (or not). */
enum roster_reason {
	ROSTER_FILLED = 0,
	ROSTER_NO_SKILL,      /* nobody has every required skill */
	ROSTER_NOT_AVAILABLE, /* those with the skills are not available then */
	ROSTER_OVERLAP,       /* everyone free then has an overlapping slot */
	ROSTER_REST,          /* ... would not rest long enough */
	ROSTER_WEEKLY_MAX,    /* ... would pass their weekly maximum */
	ROSTER_TAKEN,         /* a mix of the last three: all assigned elsewhere */
	ROSTER_NO_VOLUNTEERS, /* there are no volunteers at all */
	ROSTER_FREE,          /* someone could still take it (only in a roster
	                         adjusted by hand, see roster_summarise) */
};

/* The counts behind the reason of one slot. */
struct roster_why {
	uint32_t skilled;               /* volunteers with every required skill */
	uint32_t available;             /* of those, available for the whole slot */
	uint32_t overlap, rest, weekly; /* of those, blocked by each rule */
	uint32_t free;                  /* of those, who could take it now */
};

struct roster_result {
	int32_t *assigned;          /* per slot: index into in->vol, or -1 */
	enum roster_reason *reason; /* per slot */
	struct roster_why *why;     /* per slot (all zero when filled) */
	int64_t *minutes;           /* per volunteer: assigned minutes */
	size_t filled, unfilled;
	int64_t max_minutes, min_minutes; /* over all volunteers, assigned */
	int64_t spread;                   /* sum of load^2 (objective 2) */
	int64_t bonus;                    /* objective 3 */
	int gini_milli;                   /* Gini of assigned minutes, x1000 */
	bool optimal;                     /* proven optimal (exact search) */
	const char *method;               /* static: "exact" (proven optimal),
	                                     "search" (improved by an unfinished
	                                     exact search), "flow", "greedy",
	                                     "manual" (roster_summarise) */
};

/*
 * Checks the input: ERR_INVALID naming the field ("slots[3].end",
 * "volunteers[2].weekly[0]") for times out of order, a slot longer than
 * ROSTER_SLOT_LEN_MAX, slots spanning more than ROSTER_HORIZON_MAX, a
 * negative or too long rest, a weekly maximum <= 0, counts over the limits
 * (volunteers x slots at most ROSTER_PAIRS_MAX, field "slots"),
 * duplicate volunteer ids or duplicate (shift, seat).  Returns 0 or -1.
 */
int roster_validate(const struct roster_input *in, struct err *e);

/*
 * Solves: exact branch and bound when it finishes within a fixed node
 * budget (result->optimal), else per time-block min-cost flow, then repair
 * and balancing moves that never break a hard rule; never worse than
 * roster_greedy on the objective.  Arrays of *out are allocated in a.
 * Returns 0, or -1 with e set when roster_validate refuses the input.
 */
int roster_solve(struct roster_result *out, const struct roster_input *in, struct arena *a,
                 struct err *e);

/* The same with exact search only up to max_nodes search nodes (0: never
 * exact), for tests and the bench. */
int roster_solve_budget(struct roster_result *out, const struct roster_input *in,
                        uint64_t max_nodes, struct arena *a, struct err *e);

/* The baseline: slots by start time (then end, shift, seat), each to the
 * first volunteer by id who may take it.  Same result layout. */
int roster_greedy(struct roster_result *out, const struct roster_input *in, struct arena *a,
                  struct err *e);

/*
 * Verifies every hard rule of an assignment (assigned[i]: volunteer index
 * for slot i, or -1), independently of the solver.  Returns 0, or -1 with
 * e naming the first broken rule ("slots[4]": "volunteer 7 rests 30 min
 * between ..."). Does not validate the input itself.
 */
int roster_check(const struct roster_input *in, const int32_t *assigned, struct err *e);

/* Fills the statistics of *out (filled, minutes, spread, bonus, Gini,
 * reasons) from out->assigned, e.g. a roster the coordinator adjusted by
 * hand: out->assigned must pass roster_check.  The other arrays are
 * allocated in a (out->assigned too: a copy); method is "manual". */
void roster_summarise(struct roster_result *out, const struct roster_input *in, struct arena *a);

/* Skill codes seen so far, bit i for name[i]: filled while reading the
 * posts and the volunteers, so that both sides use the same bits. */
enum { ROSTER_SKILL_NAME_MAX = 40 };
struct roster_skills {
	char name[64][ROSTER_SKILL_NAME_MAX + 1];
	size_t n;
};

/*
 * ORs into *out the bits of the skill codes in codes[0..len), separated by
 * commas (spaces around a code are ignored; empty codes skipped), such as
 * scene_posts.skills "gate,first_aid"; codes not seen yet get the next
 * bit.  Returns 0, or -1 with ERR_INVALID naming field for a 65th distinct
 * code or a code longer than ROSTER_SKILL_NAME_MAX bytes.
 */
int roster_skills_add(struct roster_skills *set, uint64_t *out, const char *codes, size_t len,
                      const char *field, struct err *e);

/* "no_skill", "not_available", ... ("filled" for ROSTER_FILLED). */
const char *roster_reason_code(enum roster_reason r);

/* Appends one sentence on why slot i is unfilled (English) to sb. */
void roster_explain(struct strbuf *sb, const struct roster_result *r, size_t i);

/* Gini coefficient of v[0..n) (non-negative) x1000, rounded half up,
 * computed in integers; 0 when every value is 0. */
int roster_gini_milli(const int64_t *v, size_t n);

/* POST .../roster/propose and .../roster/publish (roster_http.c). */
struct route_table;
extern const struct route_table roster_routes;

#endif
