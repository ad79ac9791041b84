/*
 * survey.h - surveys (问卷): a worker writes questions, residents answer,
 * everyone sees the results as counts and bars.
 *
 * A survey moves draft → open → closed.  Its questions are written with it
 * (in draft, only workers see it); members answer while it is open, once,
 * and may change their answer until it closes.  Four kinds of question:
 * single choice, multiple choice (min..max picks), a scale 1..N with a label
 * at each end, and free text (at most max_length characters); any may be
 * required.
 *
 * Anonymity.  Who answered (survey_respondents: survey, user) is stored
 * apart from what was answered (survey_responses and survey_answers), and
 * in an anonymous survey nothing links the two: a response carries no user
 * id and no time, and its id is random (so it does not follow the order in
 * which people answered).  To change an anonymous answer the respondent
 * presents the change token handed out with the first answer (the browser
 * keeps it); the database holds only its hash (BLAKE2b).  A named survey stores
 * the user id on the response, and an answer is changed by simply answering
 * again.  The token is a bearer secret: whoever holds it may change that
 * answer (nothing else ties the answer to a person).  Caveat: the storage engine's physical row order is not controlled
 * here; someone reading the raw database file while only a few people
 * answer could still guess a link from it.
 *
 * Results: per choice question the count of each option; per scale the
 * distribution and the mean as an exact fraction ("11/3") with a decimal
 * rounded half up to two places for display; per text question the answers,
 * where a worker may hide one with a reason (audited in the same
 * transaction): hidden answers are left out for members and shown to
 * workers with the reason.  A hidden answer stays hidden when its author
 * answers again with the same text; a new text is shown until hidden.  Members see results once the survey is closed;
 * workers at any time.
 */
#ifndef LINLI_VOICE_SURVEY_H
#define LINLI_VOICE_SURVEY_H

#include "core/arena.h"
#include "core/err.h"
#include "core/json.h"
#include "core/strbuf.h"
#include "store/store.h"

#include <stdbool.h>
#include <stdint.h>

enum {
	SURVEY_TITLE_MAX = 100,   /* characters */
	SURVEY_INTRO_MAX = 2000,
	SURVEY_QUESTIONS_MAX = 50,
	SURVEY_QUESTION_MAX = 500, /* characters of a question's text */
	SURVEY_OPTIONS_MAX = 30,
	SURVEY_OPTION_MAX = 100,
	SURVEY_LABEL_MAX = 20,
	SURVEY_SCALE_MAX = 10,     /* a scale is 1..N with 2 <= N <= 10 */
	SURVEY_TEXT_MAX = 2000,    /* the largest max_length */
	SURVEY_REASON_MAX = 200,
	SURVEY_TOKEN_LEN = 43,     /* base64url of 32 random bytes, unpadded */
};

struct survey_info {
	int64_t id, community_id;
	const char *title, *status; /* "draft", "open", "closed" */
	bool anonymous;
};

/*
 * Creates a survey in draft from a JSON object of the shape
 *   {"title", "intro"?, "anonymous"?, "questions": [{"kind": "single"|
 *    "multiple"|"scale"|"text", "text", "required"?, "options"?: [strings],
 *    "min_picks"?, "max_picks"?, "scale_max"?, "min_label"?, "max_label"?,
 *    "max_length"?}, ...]}
 * validating everything first (ERR_INVALID naming the field, e.g.
 * "questions[2].options"), then writing survey, questions and options in
 * one transaction.  body is borrowed; strings are copied to a.
 */
int survey_create(struct store *db, int64_t *out, int64_t community_id, json_t *body,
		  int64_t actor, struct arena *a, struct err *e);

/* Surveys of a community, newest first, with respondent counts; drafts only
 * when with_drafts. */
int survey_list(struct store *db, json_t **out, int64_t community_id, bool with_drafts,
		struct err *e);

/* One survey (strings in a); ERR_NOT_FOUND when not in this community. */
int survey_get(struct store *db, struct survey_info *out, int64_t community_id,
	       int64_t survey_id, struct arena *a, struct err *e);

/*
 * The survey with its questions and options, and for user_id: "answered"
 * (bool) and, in a named survey, "my_answers" (as survey_answer takes
 * them).  In an anonymous survey the answer itself is not returned.
 */
int survey_view(struct store *db, json_t **out, const struct survey_info *s, int64_t user_id,
		struct err *e);

/* draft → open → closed, one step at a time (ERR_CONFLICT otherwise). */
int survey_set_status(struct store *db, const struct survey_info *s, const char *status,
		      struct err *e);

/*
 * Records user_id's answer while the survey is open: answers is a JSON array
 * of {"question": id, "choices": [option ids]} (single: exactly one;
 * multiple: min..max picks, no repeats), {"question": id, "value": n}
 * (scale: 1..N) or {"question": id, "text": "..."} (1..max_length
 * characters); each question at most once; every required question
 * answered.  All or nothing.  A second answer replaces the first: in a
 * named survey by user; in an anonymous one only with the change token
 * (token_in), else ERR_CONFLICT field "change_token".  On the first answer
 * to an anonymous survey *token_out is set to a new token (in a) that the
 * caller hands to the respondent; otherwise to NULL.
 */
int survey_answer(struct store *db, const struct survey_info *s, int64_t user_id,
		  json_t *answers, const char *token_in, const char **token_out,
		  struct arena *a, struct err *e);

/* The results as JSON (see the top of this file); hidden text answers are
 * included with their reason only when moderator. */
int survey_results(struct store *db, json_t **out, const struct survey_info *s, bool moderator,
		   struct err *e);

/* The results as CSV (UTF-8 with a BOM, formula-guarded) appended to sb:
 * question, kind, answer, count; hidden text answers left out. */
int survey_results_csv(struct store *db, struct strbuf *sb, const struct survey_info *s,
		       struct err *e);

/* Hides a text answer of this survey with a reason, audited as
 * survey.answer.hide in the same transaction. */
int survey_hide_answer(struct store *db, const struct survey_info *s, int64_t answer_id,
		       const char *reason, int64_t actor, const char *actor_name, const char *ip,
		       struct err *e);

extern const struct migration survey_migrations[];
extern const size_t survey_migrations_n;

#endif
