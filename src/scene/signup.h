/*
 * signup.h - volunteers signing up for shifts (issue 5, item 2), swaps,
 * cancellations, no-shows, the volunteer's own view and the week roster.
 *
 * A sign-up is refused with ERR_CONFLICT and a rule code (*rule) by the
 * first rule that applies, always in this order:
 *   inactive           the volunteer is paused or has left;
 *   talk_required      no-shows since the last talk reached the limit
 *                      (vol_settings.noshow_limit): a coordinator records a
 *                      talk first (volunteer_talk);
 *   already_signed_up  the volunteer is on this shift;
 *   shift_over         the shift has ended;
 *   shift_full         headcount sign-ups are there;
 *   skill_missing      a skill the shift requires is not the volunteer's;
 *   insurance_missing  the post requires insurance (post_requirements) and
 *                      the volunteer's runs out before the shift's day;
 *   overlap            the volunteer is on a shift that overlaps this one;
 *   too_far_ahead      the shift starts more than ahead_days from now;
 *   rest               less than rest_hours between this shift and another
 *                      of the volunteer's.
 * The check and the insert run in one write transaction, so two people
 * taking the last place cannot both get it.
 *
 * A sign-up's status is signed, cancelled or swapped.  A volunteer cancels
 * until cancel_hours before the start (at exactly cancel_hours it is still
 * allowed), else rule cancellation_window; a coordinator may cancel any
 * sign-up not yet checked in.  A swap: the volunteer offers their sign-up,
 * another volunteer takes it, and every rule above applies to the taker
 * (the place being handed over is not counted for shift_full); the offered
 * sign-up becomes swapped and the taker gets a new one.
 *
 * Times are UTC seconds; `now` is passed in so that tests set the clock.
 */
#ifndef LINLI_SCENE_SIGNUP_H
#define LINLI_SCENE_SIGNUP_H

#include "core/arena.h"
#include "core/err.h"
#include "core/json.h"
#include "core/strbuf.h"
#include "store/store.h"

#include <stdbool.h>
#include <stdint.h>

/* Who acts: for the audit log and created_by. */
struct vol_actor {
	int64_t user_id;
	const char *username;
	const char *ip;
};

/* Runs the rules for volunteer_id on shift_id as of now, not counting the
 * sign-up exclude (0: none).  Returns 0 with *rule NULL when every rule
 * passes, -1 with *rule set and e ERR_CONFLICT (field "shift_id") when one
 * applies, -1 with *rule NULL on other errors (ERR_NOT_FOUND for a shift
 * or volunteer elsewhere). */
int signup_check(struct store *db, const char **rule, int64_t community_id, int64_t shift_id,
		 int64_t volunteer_id, int64_t now, int64_t exclude, struct err *e);

/* Checks and signs up in one transaction; *out gets the sign-up id. */
int signup_add(struct store *db, int64_t *out, const char **rule, int64_t community_id,
	       int64_t shift_id, int64_t volunteer_id, int64_t now, const struct vol_actor *who,
	       struct err *e);

/* The volunteer and shift of a sign-up (any status); ERR_NOT_FOUND (field
 * "signup_id") elsewhere.  Either pointer may be NULL. */
int signup_owner(struct store *db, int64_t *volunteer_id, int64_t *shift_id, int64_t community_id,
		 int64_t signup_id, struct err *e);

/* Cancels (see above); coordinator skips the window.  Audited when a
 * coordinator does it. */
int signup_cancel(struct store *db, const char **rule, int64_t community_id, int64_t signup_id,
		  bool coordinator, int64_t now, const struct vol_actor *who, struct err *e);

/* Records a no-show: the shift has ended and nobody checked in; else
 * ERR_CONFLICT (field "signup_id").  Audited ("signup.no_show"). */
int signup_no_show(struct store *db, int64_t community_id, int64_t signup_id, int64_t now,
		   const struct vol_actor *who, struct err *e);

/* Offers (or withdraws, offered false) a signed sign-up for a swap before
 * its shift starts; ERR_CONFLICT otherwise. */
int signup_offer(struct store *db, int64_t community_id, int64_t signup_id, bool offered,
		 int64_t now, struct err *e);

/* volunteer_id takes an offered sign-up (rules apply to the taker, rule
 * code as signup_add; not_offered when it is not on offer, own_signup for
 * one's own).  *out gets the new sign-up.  Audited ("signup.swap"). */
int signup_take(struct store *db, int64_t *out, const char **rule, int64_t community_id,
		int64_t signup_id, int64_t volunteer_id, int64_t now, const struct vol_actor *who,
		struct err *e);

/* Who is on a shift: {"shift": {...}, "signups": [{id, volunteer_id, name,
 * status, offered, checkin_at, checkout_at, minutes, confirmed, no_show}]}. */
int signup_shift_view(struct store *db, json_t **out, int64_t community_id, int64_t shift_id,
		      struct err *e);

/*
 * The open slots for a roster solver or a volunteer: shifts of the
 * community starting in [from, to) with fewer signed than headcount:
 * [{shift_id, post_id, post, scene, starts_at, ends_at, local_start,
 * local_end, headcount, taken, skills}] by start (at most 500).
 */
int signup_open_slots(struct store *db, json_t **out, int64_t community_id, int64_t from,
		      int64_t to, struct err *e);

/*
 * A volunteer's own view: {"volunteer": {id, name, skills}, "upcoming":
 * [...], "past": [... the last 60 days], "open": [open slots within
 * ahead_days whose skills the volunteer has and for which they are
 * available, not already theirs], "offers": [sign-ups others offer for a
 * swap], "settings": {...}}.
 */
int signup_mine(struct store *db, json_t **out, int64_t community_id, int64_t volunteer_id,
		int64_t now, struct err *e);

/* The roster of the local week holding date (YYYY-MM-DD; the week starts on
 * Monday): {"week_start", "days": [7 dates], "posts": [{post_id, post,
 * scene, days: [[{shift_id, start, end, headcount, names: [...]}] x 7]}]}.
 * ERR_INVALID (field "week") for a bad date. */
int signup_roster(struct store *db, json_t **out, int64_t community_id, const char *date,
		  struct err *e);

/* The roster as an XLSX workbook appended to out (posts x days). */
int signup_roster_xlsx(struct store *db, struct strbuf *out, int64_t community_id,
		       const char *date, struct err *e);

#endif
