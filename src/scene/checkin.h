/*
 * checkin.h - checking in and out at the post (issue 5, item 3).
 *
 * Each post has a QR code holding the URL "<base>/#/checkin/<post token>".
 * The post token is "<post id>-<22 characters>", the characters being a
 * keyed hash of the post id (seal_hash, the keyring's hash secret): it can
 * be printed and stuck on the post, it never changes, and nobody can make
 * one for a post without the key file, so checking in proves the phone saw
 * the code at the post.  Nothing is stored for it.
 *
 * The post token alone does not check anyone in.  Scanning it while signed
 * in (checkin_start) finds the volunteer's sign-up for a shift of that post
 * happening now and hands out a one-time nonce bound to that sign-up and to
 * one action ("in" or "out"): 32 random bytes, of which the database keeps
 * only the BLAKE2b hash, valid CHECKIN_NONCE_TTL seconds.  Confirming
 * (checkin_confirm) names the sign-up and presents the nonce; the nonce is
 * consumed in the same transaction that records the time, so
 *   - a nonce of another sign-up (another shift, another person) is refused
 *     (rule wrong_shift) and stays unused;
 *   - a nonce used once is refused the second time (rule replayed);
 *   - a nonce past its time is refused (rule expired; once a newer one is
 *     issued for the sign-up the expired ones are deleted, and an unknown
 *     nonce is refused as invalid_token), and so is a confirmation outside
 *     the window (rule outside_window).
 * Windows: check in from CHECKIN_EARLY seconds before the start until the
 * end; check out until CHECKIN_LATE_OUT after the end.
 *
 * Service minutes are from check-in to check-out, rounded down to whole
 * minutes: the volunteer is at the post for both (travel is not service
 * time, per the Ministry of Civil Affairs rules on volunteer records).
 * A coordinator may check someone in or out by hand (an earlier time may
 * be given, for a paper sheet) and correct the times with a reason; both
 * are audited.
 */
#ifndef LINLI_SCENE_CHECKIN_H
#define LINLI_SCENE_CHECKIN_H

#include "core/err.h"
#include "core/json.h"
#include "scene/signup.h"
#include "store/store.h"

#include <stdint.h>

enum {
	CHECKIN_EARLY = 30 * 60,
	CHECKIN_LATE_OUT = 2 * 3600,
	CHECKIN_NONCE_TTL = 10 * 60,
	CHECKIN_TOKEN_MAX = 48, /* bytes of a post token with its NUL */
};

/* The post token of post_id into out; ERR_UNAVAILABLE without a keyring. */
int checkin_post_token(char out[CHECKIN_TOKEN_MAX], int64_t post_id, struct err *e);

/* The post of a token; ERR_NOT_FOUND (field "token") when it is not a
 * token this key file made. */
int checkin_post_of_token(int64_t *post_id, const char *token, struct err *e);

/* The community of a post; ERR_NOT_FOUND (field "token") when none. */
int checkin_post_community(struct store *db, int64_t *out, int64_t post_id, struct err *e);

/*
 * Finds volunteer_id's sign-up for a shift of post_id happening at now
 * (rules above; one checked in and not out first) and issues a nonce:
 * {"community_id", "signup_id", "shift_id", "action": "in"|"out", "nonce",
 *  "post", "scene", "local_start", "local_end", "checkin_at"}.
 * ERR_CONFLICT with *rule "no_shift_now" when there is none.
 */
int checkin_start(struct store *db, json_t **out, const char **rule, int64_t community_id,
		  int64_t post_id, int64_t volunteer_id, int64_t now, struct err *e);

/*
 * Consumes the nonce for signup_id, which must be volunteer_id's
 * (ERR_NOT_FOUND otherwise), and records the check-in or check-out at now.
 * ERR_CONFLICT with *rule: invalid_token, wrong_shift, replayed, expired,
 * outside_window.  *out: {"action", "at" (local), "minutes" (out only)}.
 */
int checkin_confirm(struct store *db, json_t **out, const char **rule, int64_t community_id,
		    int64_t signup_id, int64_t volunteer_id, const char *nonce, int64_t now,
		    struct err *e);

/* A coordinator checks in or out ("in"/"out") at `at` (0: now), which must
 * lie in the window and not after now.  Audited ("checkin.manual"). */
int checkin_manual(struct store *db, int64_t community_id, int64_t signup_id, const char *action,
		   int64_t at, int64_t now, const struct vol_actor *who, struct err *e);

/* A coordinator corrects both times of a checked-out sign-up (in before
 * out, within the window, not confirmed yet); reason required.  Audited
 * ("checkin.correct"). */
int checkin_correct(struct store *db, int64_t community_id, int64_t signup_id, int64_t in_at,
		    int64_t out_at, const char *reason, const struct vol_actor *who,
		    struct err *e);

#endif
