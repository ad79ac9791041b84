/*
 * volunteer.h - volunteers of a community (issue 5, item 1): who they are,
 * what they can do, when they are free, and the rules of the Volunteer
 * Service Regulations (志愿服务条例, 2017) about registering them.
 *
 * A volunteer is either a resident of the register (resident_id; name and
 * birth date are copied from the register when the volunteer is made) or
 * someone from outside (name, phone, birth date given here).  The phone and
 * the ID number are sealed at rest (seal.h, contexts "volunteer.phone" and
 * "volunteer.id_number") with the register's keyring and shown masked.
 *
 * Registration needs the volunteer's consent (art. 7: true information and
 * consent): consent_date, consent_method and the notice version are
 * required.  A volunteer under 18 on the day of registration needs a
 * guardian's consent (guardian name, relation, date, evidence), all four
 * required.  Age is computed in China's calendar (Asia/Shanghai); 14-35 is
 * shown as 青年志愿者 ("young": true).
 *
 * Weekly availability and dated exceptions are written as text, one range
 * per item, so a form and a CSV can carry them:
 *   availability  "1 08:00-12:00; 3 18:00-21:00"  (weekday 1 = Monday .. 7)
 *   exceptions    "2026-03-02 unavailable; 2026-03-05 available 09:00-12:00"
 *                 (a day without a range means the whole day)
 * volunteer_is_available() reads them: an "unavailable" exception of the day
 * wins, then an "available" one, then the weekly ranges.  The roster solver
 * (another module) reads availability through this function only.
 *
 * A volunteer may have an account: user_id (a volunteer-role account linked
 * by a worker), or the account of the linked resident
 * (registry/account.h).  volunteer_of_user() finds the volunteer either way.
 *
 * Times: the community's time zone is Asia/Shanghai (UTC+8 all year since
 * 1991, no daylight saving), so local time is UTC plus VOL_TZ_OFFSET.
 *
 * Every function filters on community_id: another community's ids are
 * ERR_NOT_FOUND.
 */
#ifndef LINLI_SCENE_VOLUNTEER_H
#define LINLI_SCENE_VOLUNTEER_H

#include "core/arena.h"
#include "core/err.h"
#include "core/json.h"
#include "store/store.h"

#include <stdbool.h>
#include <stdint.h>

enum {
	VOL_TZ_OFFSET = 8 * 3600,  /* Asia/Shanghai */
	VOL_NAME_MAX = 40,         /* characters */
	VOL_TEXT_MAX = 200,
	VOL_SKILLS_MAX = 200,
	VOL_RANGES_MAX = 40,       /* weekly ranges or exceptions per volunteer */
	VOL_LIST_MAX = 2000,
	VOL_YOUNG_MIN = 14,
	VOL_YOUNG_MAX = 35,
	VOL_ADULT = 18,
};

/* The rules a community may tune (volunteer_settings; defaults below). */
struct vol_settings {
	int64_t ahead_days;   /* sign up at most this many days ahead (14) */
	int64_t rest_hours;   /* between the end of one shift and the next (8) */
	int64_t cancel_hours; /* a volunteer cancels until this long before (24) */
	int64_t noshow_limit; /* no-shows since the last talk that block (2) */
};

/* A volunteer to register, or the change to make (NULL / -1: unchanged). */
struct vol_input {
	int64_t resident_id;  /* add: 0 for someone from outside */
	int64_t user_id;      /* 0: none (add) / unchanged; -1 clears (update) */
	const char *name, *phone, *birth_date, *id_type, *id_number;
	const char *skills;   /* comma-separated codes */
	int64_t team_id;      /* 0: none / unchanged; -1 clears (update) */
	const char *status;   /* active | paused | left */
	const char *insured_until; /* YYYY-MM-DD, "" none */
	const char *guardian_name, *guardian_relation, *guardian_date, *guardian_evidence;
	const char *consent_date, *consent_method, *consent_version;
	const char *availability, *exceptions;
};

/* What the sign-up rules need to know of a volunteer. */
struct vol_brief {
	int64_t id, user_id, talk_at;
	const char *name, *skills, *status, *insured_until, *birth_date;
};

/* ---- local time (Asia/Shanghai) ---- */

/* "YYYY-MM-DD HH:MM" of t in local time, in a. */
const char *vol_local(struct arena *a, int64_t t);
/* "YYYY-MM-DD" of t in local time into out (11 bytes). */
void vol_local_date(char out[11], int64_t t);
/* Local weekday of t, 1 = Monday .. 7 = Sunday; *minute gets minutes since
 * local midnight (may be NULL). */
int vol_local_weekday(int64_t t, int *minute);
/* UTC seconds of local midnight of a YYYY-MM-DD date; -1 when not a date. */
int64_t vol_date_start(const char *date);
/* Whole years of age on local date today ("YYYY-MM-DD"); -1 without a
 * birth date. */
int vol_age(const char *birth_date, const char *today);

/* Parses availability or exceptions text (see above); ERR_INVALID naming
 * field.  *count (may be NULL) gets the number of items. */
int vol_ranges_check(const char *text, bool exceptions, const char *field, int *count,
		     struct err *e);

/* ---- settings ---- */

int vol_settings_get(struct store *db, struct vol_settings *out, int64_t community_id,
		     struct err *e);
/* Each value within its bounds (ahead 1-365 days, rest 0-72 h, cancel
 * 0-168 h, no-shows 1-20), else ERR_INVALID naming it. */
int vol_settings_set(struct store *db, int64_t community_id, const struct vol_settings *s,
		     struct err *e);

/* ---- teams ---- */

int vol_team_add(struct store *db, int64_t *out, int64_t community_id, const char *name,
		 struct err *e);
/* {"teams": [{id, name, members}]} */
int vol_team_list(struct store *db, json_t **out, int64_t community_id, struct err *e);

/* ---- volunteers ---- */

/*
 * Registers a volunteer (rules above; now is the clock, for the age).
 * ERR_INVALID naming the field; ERR_NOT_FOUND (field "resident_id",
 * "team_id") for a resident or team elsewhere; ERR_CONFLICT (field
 * "resident_id" / "user_id") when already a volunteer here.  Audited
 * ("volunteer.add") in the same transaction.
 */
int volunteer_add(struct store *db, int64_t *out, int64_t community_id, const struct vol_input *in,
		  int64_t now, int64_t actor_id, const char *actor, const char *ip, struct err *e);
/* Changes the fields given; same rules.  Audited ("volunteer.update"). */
int volunteer_update(struct store *db, int64_t community_id, int64_t id, const struct vol_input *in,
		     int64_t now, int64_t actor_id, const char *actor, const char *ip,
		     struct err *e);
/* {"volunteers": [{id, name, age, young, minor, skills, team, status,
 * insured_until, no_shows, talk_required, user_id, resident_id}]} by name;
 * status NULL for all. */
int volunteer_list(struct store *db, json_t **out, int64_t community_id, const char *status,
		   int64_t now, struct err *e);
/* One volunteer with phone and ID number masked, availability and
 * exceptions text, guardian and consent records. */
int volunteer_get(struct store *db, json_t **out, int64_t community_id, int64_t id, int64_t now,
		  struct err *e);
int volunteer_brief(struct store *db, struct vol_brief *out, int64_t community_id, int64_t id,
		    struct arena *a, struct err *e);
/* The volunteer that user_id is in the community (by user_id, else through
 * the linked resident); ERR_NOT_FOUND (field "volunteer") when none. */
int volunteer_of_user(struct store *db, int64_t *out, int64_t community_id, int64_t user_id,
		      struct err *e);
/* Whether the volunteer is free for the whole of [starts_at, ends_at)
 * (local time; a range crossing midnight must be covered on both days). */
int volunteer_is_available(struct store *db, bool *out, int64_t community_id, int64_t id,
			   int64_t starts_at, int64_t ends_at, struct err *e);
/* No-shows since the volunteer's last talk. */
int volunteer_no_shows(struct store *db, int64_t *out, int64_t community_id, int64_t id,
		       struct err *e);
/* Records a coordinator's talk with the volunteer (unblocks sign-ups);
 * audited ("volunteer.talk"). */
int volunteer_talk(struct store *db, int64_t community_id, int64_t id, const char *note,
		   int64_t now, int64_t actor_id, const char *actor, const char *ip, struct err *e);
/* True when every code of need (comma-separated) is among have. */
bool vol_skills_cover(const char *have, const char *need);

/*
 * PIPL (registry/person.h): adds "volunteer": the volunteer record linked to
 * the resident (phone and ID number opened), their sign-ups with times and
 * minutes, talks and certificates; null when the resident is no volunteer.
 * Runs inside the caller's read snapshot.  Erasing the resident erases the
 * volunteer record with its sign-ups and certificates (ON DELETE CASCADE),
 * as every module's data about a person goes (person.h); a committee that
 * must keep service records prints the certificate first.
 */
int volunteer_person_export(struct store *db, json_t *out, int64_t community_id,
			    int64_t resident_id, struct err *e);

extern const struct migration volunteer_migrations[];
extern const size_t volunteer_migrations_n;

struct route_table;
extern const struct route_table volunteer_routes;

#endif
