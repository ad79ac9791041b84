/*
 * survey.c - rules and persistence of surveys (see survey.h).
 *
 * Creation and answers are validated completely before anything is
 * written, then written in one transaction, so a refused request leaves no
 * trace.  Responses and answers get random ids (below 2^53, so that
 * JavaScript reads them exactly): on SQLite the id is the rowid, so even
 * the rows' order in the file does not follow the order people answered in.
 */
#include "voice/survey.h"

#include "auth/auth.h"
#include "core/csv.h"
#include "core/rational.h"
#include "core/timeutil.h"
#include "core/utf8.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char sql_add[] =
	"INSERT INTO surveys (community_id, title, intro, anonymous, status, created_by, created_at)"
	" VALUES (?, ?, ?, ?, 'draft', ?, ?) RETURNING id";
static const char sql_question_add[] =
	"INSERT INTO survey_questions (survey_id, community_id, position, kind, text, required,"
	" min_picks, max_picks, scale_max, min_label, max_label, max_length)"
	" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";
static const char sql_option_add[] =
	"INSERT INTO survey_options (question_id, survey_id, community_id, position, text)"
	" VALUES (?, ?, ?, ?, ?)";
static const char sql_list[] =
	"SELECT s.id, s.title, s.status, s.anonymous, s.created_at,"
	" (SELECT COUNT(*) FROM survey_respondents r WHERE r.survey_id = s.id),"
	" (SELECT COUNT(*) FROM survey_questions q WHERE q.survey_id = s.id)"
	" FROM surveys s WHERE s.community_id = ? AND (? = 1 OR s.status <> 'draft')"
	" ORDER BY s.id DESC";
static const char sql_get[] =
	"SELECT id, community_id, title, status, anonymous FROM surveys"
	" WHERE id = ? AND community_id = ?";
static const char sql_intro[] = "SELECT intro FROM surveys WHERE id = ?";
static const char sql_questions[] =
	"SELECT id, kind, text, required, min_picks, max_picks, scale_max, min_label, max_label,"
	" max_length FROM survey_questions WHERE survey_id = ? ORDER BY position";
static const char sql_options[] =
	"SELECT o.id, o.question_id, o.text,"
	" (SELECT COUNT(*) FROM survey_answers a WHERE a.option_id = o.id)"
	" FROM survey_options o WHERE o.survey_id = ? ORDER BY o.question_id, o.position";
static const char sql_status[] =
	"UPDATE surveys SET status = ? WHERE id = ? AND community_id = ? AND status = ?";
static const char sql_respondent_get[] =
	"SELECT COUNT(*) FROM survey_respondents WHERE survey_id = ? AND user_id = ?";
static const char sql_respondent_add[] =
	"INSERT INTO survey_respondents (survey_id, community_id, user_id, answered_at)"
	" VALUES (?, ?, ?, ?)";
static const char sql_respondent_touch[] =
	"UPDATE survey_respondents SET answered_at = ? WHERE survey_id = ? AND user_id = ?";
static const char sql_respondents[] =
	"SELECT COUNT(*) FROM survey_respondents WHERE survey_id = ?";
static const char sql_response_by_user[] =
	"SELECT id FROM survey_responses WHERE survey_id = ? AND user_id = ?";
static const char sql_response_by_token[] =
	"SELECT id FROM survey_responses WHERE survey_id = ? AND token_hash = ?";
static const char sql_response_add[] =
	"INSERT INTO survey_responses (id, survey_id, community_id, user_id, token_hash)"
	" VALUES (?, ?, ?, ?, ?)";
static const char sql_answers_clear[] = "DELETE FROM survey_answers WHERE response_id = ?";
static const char sql_answer_add[] =
	"INSERT INTO survey_answers (id, response_id, survey_id, community_id, question_id,"
	" option_id, value, text, hidden, hidden_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char sql_hidden_of[] =
	"SELECT question_id, text, hidden_reason FROM survey_answers"
	" WHERE response_id = ? AND hidden = 1";
static const char sql_my_answers[] =
	"SELECT a.question_id, a.option_id, a.value, a.text FROM survey_answers a"
	" JOIN survey_responses r ON r.id = a.response_id"
	" WHERE r.survey_id = ? AND r.user_id = ? ORDER BY a.question_id, a.option_id";
static const char sql_answered[] =
	"SELECT question_id, COUNT(DISTINCT response_id) FROM survey_answers WHERE survey_id = ?"
	" GROUP BY question_id";
static const char sql_scale[] =
	"SELECT question_id, value, COUNT(*) FROM survey_answers"
	" WHERE survey_id = ? AND value > 0 GROUP BY question_id, value";
static const char sql_texts[] =
	"SELECT id, question_id, text, hidden, hidden_reason FROM survey_answers"
	" WHERE survey_id = ? AND text <> '' ORDER BY question_id, id";
static const char sql_hide[] =
	"UPDATE survey_answers SET hidden = 1, hidden_reason = ?"
	" WHERE id = ? AND survey_id = ? AND text <> ''";

/* ---- questions as loaded ---- */

enum kind { K_SINGLE, K_MULTIPLE, K_SCALE, K_TEXT, K_NONE };
static const char *const kind_names[] = { "single", "multiple", "scale", "text" };

static enum kind kind_parse(const char *s)
{
	for (int k = 0; k < K_NONE; k++)
		if (s && !strcmp(s, kind_names[k]))
			return (enum kind)k;
	return K_NONE;
}

struct question {
	int64_t id;
	enum kind kind;
	const char *text, *min_label, *max_label;
	bool required;
	int64_t min_picks, max_picks, scale_max, max_length;
	const char **options; /* creation only */
	size_t noptions;
};

/* Random id in [2^40, 2^53): unguessable order, exact in JavaScript. */
static int64_t random_id(void)
{
	uint64_t r;
	randombytes_buf(&r, sizeof(r));
	return (int64_t)((r % ((UINT64_C(1) << 53) - (UINT64_C(1) << 40))) + (UINT64_C(1) << 40));
}

static bool text_ok(const char *s, int64_t max_chars)
{
	size_t len = strlen(s);
	return utf8_valid(s, len) && !utf8_has_control(s, len) &&
	       (int64_t)utf8_count(s, len) <= max_chars;
}

/* Sets e's field to "list[i].key" (json_take names the bare key). */
static int field_in(struct err *e, const char *list, size_t i, const char *key)
{
	struct strbuf sb = STRBUF_INIT;
	strbuf_addf(&sb, "%s[%zu].%s", list, i, key);
	size_t n = sb.len < sizeof(e->field) - 1 ? sb.len : sizeof(e->field) - 1;
	memcpy(e->field, sb.buf, n);
	e->field[n] = '\0';
	strbuf_release(&sb);
	return -1;
}

/* Prefixes e's field with "questions[i].". */
static int in_question(struct err *e, size_t i)
{
	char key[sizeof(e->field)];
	memcpy(key, e->field, sizeof(key));
	return field_in(e, "questions", i, key);
}

static int parse_question(struct question *q, json_t *in, size_t i, struct arena *a,
			  struct err *e)
{
	const char *kind = NULL;
	json_t *copy, *opts;
	int rc = -1;

	memset(q, 0, sizeof(*q));
	q->min_label = q->max_label = "";
	if (!json_is_object(in)) {
		err_set(e, ERR_INVALID, "", "a question is an object");
		return in_question(e, i);
	}
	const struct jfield f[] = {
		{ "kind", JF_STRING, true, 1, 16, &kind },
		{ "text", JF_STRING, true, 1, SURVEY_QUESTION_MAX, &q->text },
		{ "required", JF_BOOL, false, 0, 0, &q->required },
		{ "min_picks", JF_INT, false, 0, SURVEY_OPTIONS_MAX, &q->min_picks },
		{ "max_picks", JF_INT, false, 1, SURVEY_OPTIONS_MAX, &q->max_picks },
		{ "scale_max", JF_INT, false, 2, SURVEY_SCALE_MAX, &q->scale_max },
		{ "min_label", JF_STRING, false, 0, SURVEY_LABEL_MAX, &q->min_label },
		{ "max_label", JF_STRING, false, 0, SURVEY_LABEL_MAX, &q->max_label },
		{ "max_length", JF_INT, false, 1, SURVEY_TEXT_MAX, &q->max_length },
	};
	copy = json_copy(in);
	opts = json_incref(json_object_get(copy, "options"));
	json_object_del(copy, "options");
	if (json_take(copy, f, sizeof(f) / sizeof(f[0]), a, e) < 0) {
		in_question(e, i);
		goto out;
	}
	q->kind = kind_parse(kind);
	if (q->kind == K_NONE) {
		err_set(e, ERR_INVALID, "kind", "kind must be single, multiple, scale or text");
		in_question(e, i);
		goto out;
	}
	bool choice = q->kind == K_SINGLE || q->kind == K_MULTIPLE;
	if (choice != (opts != NULL)) {
		err_set(e, ERR_INVALID, "options", choice ? "a choice question needs options"
							  : "only choice questions have options");
		in_question(e, i);
		goto out;
	}
	if (choice) {
		size_t n = json_is_array(opts) ? json_array_size(opts) : 0;
		if (!json_is_array(opts) || n < 2 || n > SURVEY_OPTIONS_MAX) {
			err_set(e, ERR_INVALID, "options", "give 2 to %d options as strings",
				SURVEY_OPTIONS_MAX);
			in_question(e, i);
			goto out;
		}
		q->options = arena_alloc(a, n * sizeof(*q->options));
		q->noptions = n;
		for (size_t k = 0; k < n; k++) {
			json_t *o = json_array_get(opts, k);
			const char *s = json_is_string(o) ? json_string_value(o) : NULL;
			if (!s || !s[0] || strlen(s) != json_string_length(o) ||
			    !text_ok(s, SURVEY_OPTION_MAX)) {
				err_set(e, ERR_INVALID, "options",
					"option %zu must be text of 1 to %d characters", k + 1,
					SURVEY_OPTION_MAX);
				in_question(e, i);
				goto out;
			}
			for (size_t j = 0; j < k; j++) {
				if (!strcmp(q->options[j], s)) {
					err_set(e, ERR_INVALID, "options", "option %zu repeats %zu",
						k + 1, j + 1);
					in_question(e, i);
					goto out;
				}
			}
			q->options[k] = arena_strdup(a, s);
		}
	}
	/* settings that belong to another kind are refused, not ignored */
	const char *stray = q->kind != K_MULTIPLE && (q->min_picks || q->max_picks) ? "max_picks"
			    : q->kind != K_SCALE && (q->scale_max || q->min_label[0] ||
						     q->max_label[0])
				    ? "scale_max"
			    : q->kind != K_TEXT && q->max_length ? "max_length"
								 : NULL;
	if (stray) {
		err_set(e, ERR_INVALID, stray, "this setting does not belong to a %s question",
			kind_names[q->kind]);
		in_question(e, i);
		goto out;
	}
	if (q->kind == K_SINGLE) {
		q->min_picks = q->max_picks = 1;
	} else if (q->kind == K_MULTIPLE) {
		if (!q->max_picks)
			q->max_picks = (int64_t)q->noptions;
		if (!q->min_picks)
			q->min_picks = 1;
		if (q->max_picks > (int64_t)q->noptions || q->min_picks > q->max_picks) {
			err_set(e, ERR_INVALID, "max_picks",
				"picks must satisfy 1 <= min_picks <= max_picks <= options");
			in_question(e, i);
			goto out;
		}
	} else if (q->kind == K_SCALE && !q->scale_max) {
		q->scale_max = 5;
	} else if (q->kind == K_TEXT && !q->max_length) {
		q->max_length = 500;
	}
	rc = 0;
out:
	json_decref(opts);
	json_decref(copy);
	return rc;
}

int survey_create(struct store *db, int64_t *out, int64_t community_id, json_t *body,
		  int64_t actor, struct arena *a, struct err *e)
{
	const char *title = NULL, *intro = "";
	bool anonymous = false;
	const struct jfield f[] = {
		{ "title", JF_STRING, true, 1, SURVEY_TITLE_MAX, &title },
		{ "intro", JF_STRING, false, 0, SURVEY_INTRO_MAX, &intro },
		{ "anonymous", JF_BOOL, false, 0, 0, &anonymous },
	};
	json_t *copy = json_copy(body), *qs;
	struct question *q = NULL;
	size_t nq;
	struct stmt *st;
	int rc;

	qs = json_incref(json_object_get(copy, "questions"));
	json_object_del(copy, "questions");
	if (json_take(copy, f, sizeof(f) / sizeof(f[0]), a, e) < 0)
		goto fail_early;
	if (!qs) {
		err_set(e, ERR_INVALID, "questions", "questions is required");
		goto fail_early;
	}
	nq = json_is_array(qs) ? json_array_size(qs) : 0;
	if (!json_is_array(qs) || nq < 1 || nq > SURVEY_QUESTIONS_MAX) {
		err_set(e, ERR_INVALID, "questions", "give 1 to %d questions", SURVEY_QUESTIONS_MAX);
		goto fail_early;
	}
	q = arena_zalloc(a, nq * sizeof(*q));
	for (size_t i = 0; i < nq; i++)
		if (parse_question(&q[i], json_array_get(qs, i), i, a, e) < 0)
			goto fail_early;
	json_decref(qs);
	json_decref(copy);

	if (store_begin(db, e) < 0)
		return -1;
	if (!(st = store_prepare(db, sql_add, e)))
		goto fail;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_text(st, 2, title, SIZE_MAX);
	stmt_bind_text(st, 3, intro, SIZE_MAX);
	stmt_bind_int(st, 4, anonymous);
	stmt_bind_int(st, 5, actor);
	stmt_bind_int(st, 6, time_now());
	rc = stmt_step(st, e);
	if (rc == STORE_ROW)
		*out = stmt_int(st, 0);
	stmt_done(st);
	if (rc != STORE_ROW)
		goto fail;
	for (size_t i = 0; i < nq; i++) {
		int64_t qid;
		if (!(st = store_prepare(db, sql_question_add, e)))
			goto fail;
		stmt_bind_int(st, 1, *out);
		stmt_bind_int(st, 2, community_id);
		stmt_bind_int(st, 3, (int64_t)i);
		stmt_bind_text(st, 4, kind_names[q[i].kind], SIZE_MAX);
		stmt_bind_text(st, 5, q[i].text, SIZE_MAX);
		stmt_bind_int(st, 6, q[i].required);
		stmt_bind_int(st, 7, q[i].min_picks);
		stmt_bind_int(st, 8, q[i].max_picks);
		stmt_bind_int(st, 9, q[i].scale_max);
		stmt_bind_text(st, 10, q[i].min_label, SIZE_MAX);
		stmt_bind_text(st, 11, q[i].max_label, SIZE_MAX);
		stmt_bind_int(st, 12, q[i].max_length);
		rc = stmt_step(st, e);
		qid = rc == STORE_ROW ? stmt_int(st, 0) : 0;
		stmt_done(st);
		if (rc != STORE_ROW)
			goto fail;
		for (size_t k = 0; k < q[i].noptions; k++) {
			if (!(st = store_prepare(db, sql_option_add, e)))
				goto fail;
			stmt_bind_int(st, 1, qid);
			stmt_bind_int(st, 2, *out);
			stmt_bind_int(st, 3, community_id);
			stmt_bind_int(st, 4, (int64_t)k);
			stmt_bind_text(st, 5, q[i].options[k], SIZE_MAX);
			if (stmt_exec(st, e) < 0)
				goto fail;
		}
	}
	if (store_commit(db, e) < 0)
		goto fail;
	return 0;
fail:
	store_rollback(db);
	return -1;
fail_early:
	json_decref(qs);
	json_decref(copy);
	return -1;
}

int survey_list(struct store *db, json_t **out, int64_t community_id, bool with_drafts,
		struct err *e)
{
	struct stmt *st = store_prepare(db, sql_list, e);
	json_t *arr;
	int rc;
	if (!st)
		return -1;
	arr = json_array();
	stmt_bind_int(st, 1, community_id);
	stmt_bind_int(st, 2, with_drafts);
	while ((rc = stmt_step(st, e)) == STORE_ROW)
		json_array_append_new(
			arr, json_pack("{s:I, s:s, s:s, s:b, s:I, s:I, s:I}", "id",
				       (json_int_t)stmt_int(st, 0), "title", stmt_text(st, 1),
				       "status", stmt_text(st, 2), "anonymous", (int)stmt_int(st, 3),
				       "created_at", (json_int_t)stmt_int(st, 4), "respondents",
				       (json_int_t)stmt_int(st, 5), "questions",
				       (json_int_t)stmt_int(st, 6)));
	stmt_done(st);
	if (rc < 0) {
		json_decref(arr);
		return -1;
	}
	*out = arr;
	return 0;
}

int survey_get(struct store *db, struct survey_info *out, int64_t community_id,
	       int64_t survey_id, struct arena *a, struct err *e)
{
	struct stmt *st = store_prepare(db, sql_get, e);
	int rc;
	if (!st)
		return -1;
	stmt_bind_int(st, 1, survey_id);
	stmt_bind_int(st, 2, community_id);
	rc = stmt_step(st, e);
	if (rc == STORE_ROW) {
		out->id = stmt_int(st, 0);
		out->community_id = stmt_int(st, 1);
		out->title = arena_strdup(a, stmt_text(st, 2));
		out->status = arena_strdup(a, stmt_text(st, 3));
		out->anonymous = stmt_int(st, 4) != 0;
	}
	stmt_done(st);
	if (rc == STORE_DONE)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such survey");
	return rc < 0 ? -1 : 0;
}

static int count_of(struct store *db, const char *sql, int64_t a, int64_t b, int64_t *out,
		    struct err *e)
{
	struct stmt *st = store_prepare(db, sql, e);
	int rc;
	if (!st)
		return -1;
	stmt_bind_int(st, 1, a);
	if (b)
		stmt_bind_int(st, 2, b);
	rc = stmt_step(st, e);
	*out = rc == STORE_ROW ? stmt_int(st, 0) : 0;
	stmt_done(st);
	return rc < 0 ? -1 : 0;
}

/* Loads the questions into *out (in a), in order. */
static int load_questions(struct store *db, struct question **out, size_t *n, int64_t survey_id,
			  struct arena *a, struct err *e)
{
	struct stmt *st = store_prepare(db, sql_questions, e);
	size_t cap = 8;
	int rc;
	if (!st)
		return -1;
	*n = 0;
	*out = arena_alloc(a, cap * sizeof(**out));
	stmt_bind_int(st, 1, survey_id);
	while ((rc = stmt_step(st, e)) == STORE_ROW) {
		if (*n == cap) {
			struct question *bigger = arena_alloc(a, 2 * cap * sizeof(*bigger));
			memcpy(bigger, *out, cap * sizeof(*bigger));
			*out = bigger;
			cap *= 2;
		}
		struct question *q = &(*out)[(*n)++];
		memset(q, 0, sizeof(*q));
		q->id = stmt_int(st, 0);
		q->kind = kind_parse(stmt_text(st, 1));
		q->text = arena_strdup(a, stmt_text(st, 2));
		q->required = stmt_int(st, 3) != 0;
		q->min_picks = stmt_int(st, 4);
		q->max_picks = stmt_int(st, 5);
		q->scale_max = stmt_int(st, 6);
		q->min_label = arena_strdup(a, stmt_text(st, 7));
		q->max_label = arena_strdup(a, stmt_text(st, 8));
		q->max_length = stmt_int(st, 9);
	}
	stmt_done(st);
	return rc < 0 ? -1 : 0;
}

static json_t *question_json(const struct question *q)
{
	json_t *o = json_pack("{s:I, s:s, s:s, s:b}", "id", (json_int_t)q->id, "kind",
			      kind_names[q->kind], "text", q->text, "required", q->required);
	if (q->kind == K_MULTIPLE) {
		json_object_set_new(o, "min_picks", json_integer(q->min_picks));
		json_object_set_new(o, "max_picks", json_integer(q->max_picks));
	} else if (q->kind == K_SCALE) {
		json_object_set_new(o, "scale_max", json_integer(q->scale_max));
		json_object_set_new(o, "min_label", json_string(q->min_label));
		json_object_set_new(o, "max_label", json_string(q->max_label));
	} else if (q->kind == K_TEXT) {
		json_object_set_new(o, "max_length", json_integer(q->max_length));
	}
	return o;
}

/* Builds the questions array with their options (each with a count when
 * counts); *index maps position → object, for the caller to add to. */
static int questions_json(struct store *db, json_t **out, const struct question *q, size_t nq,
			  int64_t survey_id, bool counts, struct err *e)
{
	json_t *arr = json_array();
	struct stmt *st;
	int rc;
	for (size_t i = 0; i < nq; i++) {
		json_t *o = question_json(&q[i]);
		if (q[i].kind == K_SINGLE || q[i].kind == K_MULTIPLE)
			json_object_set_new(o, "options", json_array());
		json_array_append_new(arr, o);
	}
	if (!(st = store_prepare(db, sql_options, e))) {
		json_decref(arr);
		return -1;
	}
	stmt_bind_int(st, 1, survey_id);
	while ((rc = stmt_step(st, e)) == STORE_ROW) {
		int64_t qid = stmt_int(st, 1);
		for (size_t i = 0; i < nq; i++) {
			if (q[i].id != qid)
				continue;
			json_t *opt = json_pack("{s:I, s:s}", "id", (json_int_t)stmt_int(st, 0),
						"text", stmt_text(st, 2));
			if (counts)
				json_object_set_new(opt, "count", json_integer(stmt_int(st, 3)));
			json_array_append_new(json_object_get(json_array_get(arr, i), "options"),
					      opt);
			break;
		}
	}
	stmt_done(st);
	if (rc < 0) {
		json_decref(arr);
		return -1;
	}
	*out = arr;
	return 0;
}

int survey_view(struct store *db, json_t **out, const struct survey_info *s, int64_t user_id,
		struct err *e)
{
	struct arena a = ARENA_INIT;
	struct question *q;
	size_t nq;
	json_t *o = NULL, *qs = NULL, *mine = NULL;
	struct stmt *st;
	int64_t answered = 0;
	int rc = -1, step;

	if (load_questions(db, &q, &nq, s->id, &a, e) < 0 ||
	    questions_json(db, &qs, q, nq, s->id, false, e) < 0)
		goto out;
	if (!(st = store_prepare(db, sql_intro, e)))
		goto out;
	stmt_bind_int(st, 1, s->id);
	step = stmt_step(st, e);
	o = json_pack("{s:I, s:s, s:s, s:s, s:b}", "id", (json_int_t)s->id, "title", s->title,
		      "intro", step == STORE_ROW ? stmt_text(st, 0) : "", "status", s->status,
		      "anonymous", s->anonymous);
	stmt_done(st);
	if (step < 0)
		goto out;
	if (user_id && count_of(db, sql_respondent_get, s->id, user_id, &answered, e) < 0)
		goto out;
	json_object_set_new(o, "answered", json_boolean(answered > 0));
	if (user_id && !s->anonymous) {
		mine = json_array();
		if (!(st = store_prepare(db, sql_my_answers, e)))
			goto out;
		stmt_bind_int(st, 1, s->id);
		stmt_bind_int(st, 2, user_id);
		json_t *last = NULL;
		int64_t last_q = 0;
		while ((step = stmt_step(st, e)) == STORE_ROW) {
			int64_t qid = stmt_int(st, 0), opt = stmt_int(st, 1), v = stmt_int(st, 2);
			if (!last || qid != last_q) {
				last = json_pack("{s:I}", "question", (json_int_t)qid);
				json_array_append_new(mine, last);
				last_q = qid;
			}
			if (opt) {
				json_t *ch = json_object_get(last, "choices");
				if (!ch) {
					ch = json_array();
					json_object_set_new(last, "choices", ch);
				}
				json_array_append_new(ch, json_integer(opt));
			} else if (v) {
				json_object_set_new(last, "value", json_integer(v));
			} else {
				json_object_set_new(last, "text", json_string(stmt_text(st, 3)));
			}
		}
		stmt_done(st);
		if (step < 0)
			goto out;
		json_object_set_new(o, "my_answers", mine);
		mine = NULL;
	}
	json_object_set_new(o, "questions", qs);
	qs = NULL;
	*out = o;
	o = NULL;
	rc = 0;
out:
	json_decref(o);
	json_decref(qs);
	json_decref(mine);
	arena_release(&a);
	return rc;
}

int survey_set_status(struct store *db, const struct survey_info *s, const char *status,
		      struct err *e)
{
	const char *from = !strcmp(status, "open")     ? "draft"
			   : !strcmp(status, "closed") ? "open"
						       : NULL;
	struct stmt *st;
	if (!from)
		return err_set(e, ERR_INVALID, "status", "status must be open or closed");
	if (!(st = store_prepare(db, sql_status, e)))
		return -1;
	stmt_bind_text(st, 1, status, SIZE_MAX);
	stmt_bind_int(st, 2, s->id);
	stmt_bind_int(st, 3, s->community_id);
	stmt_bind_text(st, 4, from, SIZE_MAX);
	if (stmt_exec(st, e) < 0)
		return -1;
	if (store_changes(db) != 1)
		return err_set(e, ERR_CONFLICT, "status", "a survey in %s cannot move to %s",
			       s->status, status);
	return 0;
}

/* ---- answers ---- */

struct answer {
	const struct question *q;
	struct jints choices;
	bool has_choices, has_value, has_text;
	int64_t value;
	const char *text;
	const char *hidden_reason; /* kept from the answer replaced, or NULL */
};

static int answer_err(struct err *e, size_t i, const char *key, const char *message)
{
	err_set(e, ERR_INVALID, "", "%s", message);
	return field_in(e, "answers", i, key);
}

/* Validates answers against the questions into ans[0..*n). */
static int check_answers(struct answer *ans, size_t *n, const struct question *q, size_t nq,
			 json_t *answers, struct store *db, struct arena *a, struct err *e)
{
	size_t na = json_is_array(answers) ? json_array_size(answers) : 0;
	if (!json_is_array(answers) || na > nq)
		return err_set(e, ERR_INVALID, "answers", "answers must be a list, one per question");
	for (size_t i = 0; i < na; i++) {
		struct answer *an = &ans[i];
		int64_t qid = 0;
		const struct jfield f[] = {
			{ "question", JF_INT, true, 1, INT64_MAX, &qid },
			{ "choices", JF_INTS, false, 0, SURVEY_OPTIONS_MAX, &an->choices,
			  &an->has_choices, 1, INT64_MAX },
			{ "value", JF_INT, false, 1, SURVEY_SCALE_MAX, &an->value, &an->has_value },
			{ "text", JF_STRING, false, 0, SURVEY_TEXT_MAX, &an->text, &an->has_text },
		};
		json_t *item = json_array_get(answers, i);
		if (!json_is_object(item))
			return answer_err(e, i, "question", "an answer is an object");
		if (json_take(item, f, sizeof(f) / sizeof(f[0]), a, e) < 0) {
			char key[sizeof(e->field)];
			memcpy(key, e->field, sizeof(key));
			return field_in(e, "answers", i, key);
		}
		an->q = NULL;
		for (size_t k = 0; k < nq; k++)
			if (q[k].id == qid)
				an->q = &q[k];
		if (!an->q)
			return answer_err(e, i, "question", "no such question in this survey");
		for (size_t k = 0; k < i; k++)
			if (ans[k].q == an->q)
				return answer_err(e, i, "question", "this question is answered twice");
		const struct question *qq = an->q;
		bool choice = qq->kind == K_SINGLE || qq->kind == K_MULTIPLE;
		const char *want = choice ? "choices" : qq->kind == K_SCALE ? "value" : "text";
		if ((an->has_choices != choice) || (an->has_value != (qq->kind == K_SCALE)) ||
		    (an->has_text != (qq->kind == K_TEXT)))
			return answer_err(e, i, want,
					  "answer a choice question with choices, a scale with "
					  "value, a text question with text");
		if (choice) {
			if ((int64_t)an->choices.n < qq->min_picks ||
			    (int64_t)an->choices.n > qq->max_picks) {
				err_set(e, ERR_INVALID, "",
					"choose %" PRId64 " to %" PRId64 " options", qq->min_picks,
					qq->max_picks);
				return field_in(e, "answers", i, "choices");
			}
			for (size_t k = 0; k < an->choices.n; k++) {
				int64_t found;
				for (size_t j = 0; j < k; j++)
					if (an->choices.v[j] == an->choices.v[k])
						return answer_err(e, i, "choices",
								  "an option is chosen twice");
				static const char sql_option_in[] =
					"SELECT COUNT(*) FROM survey_options WHERE id = ? AND "
					"question_id = ?";
				if (count_of(db, sql_option_in, an->choices.v[k], qq->id, &found, e) <
				    0)
					return -1;
				if (!found)
					return answer_err(e, i, "choices",
							  "no such option in this question");
			}
		} else if (qq->kind == K_SCALE) {
			if (an->value > qq->scale_max)
				return answer_err(e, i, "value", "the value is outside the scale");
		} else {
			size_t len = strlen(an->text);
			if (len == 0 || (int64_t)utf8_count(an->text, len) > qq->max_length) {
				err_set(e, ERR_INVALID, "", "write 1 to %" PRId64 " characters",
					qq->max_length);
				return field_in(e, "answers", i, "text");
			}
		}
	}
	for (size_t k = 0; k < nq; k++) {
		bool given = false;
		for (size_t i = 0; i < na; i++)
			if (ans[i].q == &q[k])
				given = true;
		if (q[k].required && !given)
			return err_set(e, ERR_INVALID, "answers",
				       "question %zu is required", k + 1);
	}
	if (na == 0)
		return err_set(e, ERR_INVALID, "answers", "answer at least one question");
	*n = na;
	return 0;
}

static void token_hash(char out[2 * crypto_generichash_BYTES + 1], const char *token)
{
	unsigned char h[crypto_generichash_BYTES];
	crypto_generichash(h, sizeof(h), (const unsigned char *)token, strlen(token), NULL, 0);
	sodium_bin2hex(out, 2 * crypto_generichash_BYTES + 1, h, sizeof(h));
}

static int find_one(struct store *db, const char *sql, int64_t a, int64_t b, const char *text,
		    int64_t *out, struct err *e)
{
	struct stmt *st = store_prepare(db, sql, e);
	int rc;
	if (!st)
		return -1;
	stmt_bind_int(st, 1, a);
	if (text)
		stmt_bind_text(st, 2, text, SIZE_MAX);
	else
		stmt_bind_int(st, 2, b);
	rc = stmt_step(st, e);
	*out = rc == STORE_ROW ? stmt_int(st, 0) : 0;
	stmt_done(st);
	return rc < 0 ? -1 : 0;
}

int survey_answer(struct store *db, const struct survey_info *s, int64_t user_id,
		  json_t *answers, const char *token_in, const char **token_out,
		  struct arena *a, struct err *e)
{
	struct question *q;
	struct answer *ans;
	size_t nq, na = 0;
	int64_t answered, response = 0;
	char hash[2 * crypto_generichash_BYTES + 1];
	struct stmt *st;

	*token_out = NULL;
	if (strcmp(s->status, "open"))
		return err_set(e, ERR_CONFLICT, NULL, "this survey is not open");
	if (token_in && !s->anonymous)
		return err_set(e, ERR_INVALID, "change_token",
			       "only anonymous surveys use a change token");
	if (load_questions(db, &q, &nq, s->id, a, e) < 0)
		return -1;
	ans = arena_zalloc(a, (nq ? nq : 1) * sizeof(*ans));
	if (check_answers(ans, &na, q, nq, answers, db, a, e) < 0)
		return -1;

	if (store_begin(db, e) < 0)
		return -1;
	if (count_of(db, sql_respondent_get, s->id, user_id, &answered, e) < 0)
		goto fail;
	if (!s->anonymous) {
		if (answered && find_one(db, sql_response_by_user, s->id, user_id, NULL, &response,
					 e) < 0)
			goto fail;
	} else if (answered) {
		if (!token_in) {
			err_set(e, ERR_CONFLICT, "change_token",
				"you have answered; to change an anonymous answer give its "
				"change token");
			goto fail;
		}
		token_hash(hash, token_in);
		if (find_one(db, sql_response_by_token, s->id, 0, hash, &response, e) < 0)
			goto fail;
		if (!response) {
			err_set(e, ERR_CONFLICT, "change_token", "this change token is not valid");
			goto fail;
		}
	} else if (token_in) {
		err_set(e, ERR_INVALID, "change_token", "you have not answered yet");
		goto fail;
	}

	if (!answered) {
		if (!(st = store_prepare(db, sql_respondent_add, e)))
			goto fail;
		stmt_bind_int(st, 1, s->id);
		stmt_bind_int(st, 2, s->community_id);
		stmt_bind_int(st, 3, user_id);
		stmt_bind_int(st, 4, time_now());
		if (stmt_exec(st, e) < 0)
			goto fail;
	} else {
		if (!(st = store_prepare(db, sql_respondent_touch, e)))
			goto fail;
		stmt_bind_int(st, 1, time_now());
		stmt_bind_int(st, 2, s->id);
		stmt_bind_int(st, 3, user_id);
		if (stmt_exec(st, e) < 0)
			goto fail;
	}
	if (!response) {
		response = random_id();
		if (!(st = store_prepare(db, sql_response_add, e)))
			goto fail;
		stmt_bind_int(st, 1, response);
		stmt_bind_int(st, 2, s->id);
		stmt_bind_int(st, 3, s->community_id);
		if (s->anonymous) {
			unsigned char raw[32];
			char *tok = arena_alloc(a, SURVEY_TOKEN_LEN + 1);
			randombytes_buf(raw, sizeof(raw));
			sodium_bin2base64(tok, SURVEY_TOKEN_LEN + 1, raw, sizeof(raw),
					  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
			token_hash(hash, tok);
			*token_out = tok;
			stmt_bind_null(st, 4);
			stmt_bind_text(st, 5, hash, SIZE_MAX);
		} else {
			stmt_bind_int(st, 4, user_id);
			stmt_bind_null(st, 5);
		}
		if (stmt_exec(st, e) < 0)
			goto fail;
	} else {
		/* a text answer a worker hid stays hidden while it is unchanged */
		if (!(st = store_prepare(db, sql_hidden_of, e)))
			goto fail;
		stmt_bind_int(st, 1, response);
		int step;
		while ((step = stmt_step(st, e)) == STORE_ROW) {
			for (size_t i = 0; i < na; i++) {
				if (ans[i].has_text && ans[i].q->id == stmt_int(st, 0) &&
				    !strcmp(ans[i].text, stmt_text(st, 1)))
					ans[i].hidden_reason = arena_strdup(a, stmt_text(st, 2));
			}
		}
		stmt_done(st);
		if (step < 0)
			goto fail;
		if (!(st = store_prepare(db, sql_answers_clear, e)))
			goto fail;
		stmt_bind_int(st, 1, response);
		if (stmt_exec(st, e) < 0)
			goto fail;
	}
	for (size_t i = 0; i < na; i++) {
		size_t rows = ans[i].q->kind == K_SINGLE || ans[i].q->kind == K_MULTIPLE
				      ? ans[i].choices.n
				      : 1;
		for (size_t k = 0; k < rows; k++) {
			if (!(st = store_prepare(db, sql_answer_add, e)))
				goto fail;
			stmt_bind_int(st, 1, random_id());
			stmt_bind_int(st, 2, response);
			stmt_bind_int(st, 3, s->id);
			stmt_bind_int(st, 4, s->community_id);
			stmt_bind_int(st, 5, ans[i].q->id);
			stmt_bind_int(st, 6, ans[i].has_choices ? ans[i].choices.v[k] : 0);
			stmt_bind_int(st, 7, ans[i].has_value ? ans[i].value : 0);
			stmt_bind_text(st, 8, ans[i].has_text ? ans[i].text : "", SIZE_MAX);
			stmt_bind_int(st, 9, ans[i].hidden_reason != NULL);
			stmt_bind_text(st, 10, ans[i].hidden_reason ? ans[i].hidden_reason : "",
				       SIZE_MAX);
			if (stmt_exec(st, e) < 0)
				goto fail;
		}
	}
	if (store_commit(db, e) < 0)
		goto fail;
	return 0;
fail:
	store_rollback(db);
	*token_out = NULL;
	return -1;
}

/* ---- results ---- */

/* "3.67": sum/n rounded half up to two decimals, in integers. */
static void mean_decimal(char *buf, size_t size, int64_t sum, int64_t n)
{
	int64_t hundredths = (sum * 200 + n) / (2 * n);
	snprintf(buf, size, "%" PRId64 ".%02" PRId64, hundredths / 100, hundredths % 100);
}

static int results_build(struct store *db, json_t **out, const struct survey_info *s,
			 bool moderator, struct err *e)
{
	struct arena a = ARENA_INIT;
	struct question *q;
	size_t nq;
	json_t *qs = NULL;
	struct stmt *st;
	int64_t respondents;
	int rc = -1, step;

	if (load_questions(db, &q, &nq, s->id, &a, e) < 0 ||
	    questions_json(db, &qs, q, nq, s->id, true, e) < 0 ||
	    count_of(db, sql_respondents, s->id, 0, &respondents, e) < 0)
		goto out;
	for (size_t i = 0; i < nq; i++) {
		json_t *o = json_array_get(qs, i);
		json_object_set_new(o, "answered", json_integer(0));
		if (q[i].kind == K_SCALE) {
			json_t *d = json_array();
			for (int64_t v = 1; v <= q[i].scale_max; v++)
				json_array_append_new(d, json_integer(0));
			json_object_set_new(o, "distribution", d);
		} else if (q[i].kind == K_TEXT) {
			json_object_set_new(o, "texts", json_array());
			json_object_set_new(o, "hidden", json_integer(0));
		}
	}
	if (!(st = store_prepare(db, sql_answered, e)))
		goto out;
	stmt_bind_int(st, 1, s->id);
	while ((step = stmt_step(st, e)) == STORE_ROW)
		for (size_t i = 0; i < nq; i++)
			if (q[i].id == stmt_int(st, 0))
				json_object_set_new(json_array_get(qs, i), "answered",
						    json_integer(stmt_int(st, 1)));
	stmt_done(st);
	if (step < 0 || !(st = store_prepare(db, sql_scale, e)))
		goto out;
	stmt_bind_int(st, 1, s->id);
	while ((step = stmt_step(st, e)) == STORE_ROW) {
		for (size_t i = 0; i < nq; i++) {
			int64_t v = stmt_int(st, 1);
			if (q[i].id != stmt_int(st, 0) || v < 1 || v > q[i].scale_max)
				continue;
			json_array_set_new(json_object_get(json_array_get(qs, i), "distribution"),
					   (size_t)(v - 1), json_integer(stmt_int(st, 2)));
		}
	}
	stmt_done(st);
	if (step < 0 || !(st = store_prepare(db, sql_texts, e)))
		goto out;
	stmt_bind_int(st, 1, s->id);
	while ((step = stmt_step(st, e)) == STORE_ROW) {
		for (size_t i = 0; i < nq; i++) {
			if (q[i].id != stmt_int(st, 1))
				continue;
			json_t *o = json_array_get(qs, i);
			bool hidden = stmt_int(st, 3) != 0;
			if (hidden)
				json_object_set_new(
					o, "hidden",
					json_integer(json_integer_value(json_object_get(o, "hidden")) +
						     1));
			if (hidden && !moderator)
				continue;
			json_t *t = json_pack("{s:I, s:s, s:b}", "id", (json_int_t)stmt_int(st, 0),
					      "text", stmt_text(st, 2), "hidden", hidden);
			if (hidden)
				json_object_set_new(t, "hidden_reason", json_string(stmt_text(st, 4)));
			json_array_append_new(json_object_get(o, "texts"), t);
		}
	}
	stmt_done(st);
	if (step < 0)
		goto out;
	/* the mean of each scale, exactly */
	for (size_t i = 0; i < nq; i++) {
		if (q[i].kind != K_SCALE)
			continue;
		json_t *o = json_array_get(qs, i), *d = json_object_get(o, "distribution");
		int64_t n = 0, sum = 0;
		for (size_t v = 0; v < json_array_size(d); v++) {
			int64_t c = json_integer_value(json_array_get(d, v));
			n += c;
			sum += c * (int64_t)(v + 1);
		}
		json_object_set_new(o, "sum", json_integer(sum));
		if (n) {
			struct rational m;
			struct strbuf sb = STRBUF_INIT;
			char dec[32];
			if (rational_make(&m, sum, n, e) < 0)
				goto out;
			rational_format(&sb, m);
			mean_decimal(dec, sizeof(dec), sum, n);
			json_object_set_new(o, "mean", json_string(sb.buf));
			json_object_set_new(o, "mean_decimal", json_string(dec));
			strbuf_release(&sb);
		} else {
			json_object_set_new(o, "mean", json_null());
			json_object_set_new(o, "mean_decimal", json_null());
		}
	}
	*out = json_pack("{s:I, s:s, s:s, s:b, s:I, s:o}", "id", (json_int_t)s->id, "title",
			 s->title, "status", s->status, "anonymous", s->anonymous, "respondents",
			 (json_int_t)respondents, "questions", qs);
	qs = NULL;
	rc = 0;
out:
	json_decref(qs);
	arena_release(&a);
	return rc;
}

int survey_results(struct store *db, json_t **out, const struct survey_info *s, bool moderator,
		   struct err *e)
{
	int rc;
	if (store_read_begin(db, e) < 0)
		return -1;
	rc = results_build(db, out, s, moderator, e);
	store_read_end(db);
	return rc;
}

int survey_results_csv(struct store *db, struct strbuf *sb, const struct survey_info *s,
		       struct err *e)
{
	json_t *r;
	struct csv_writer w;
	char num[32];

	if (survey_results(db, &r, s, false, e) < 0)
		return -1;
	csv_writer_init(&w, sb, CSV_WRITE_BOM | CSV_WRITE_GUARD);
	csv_write_str(&w, "question");
	csv_write_str(&w, "text");
	csv_write_str(&w, "kind");
	csv_write_str(&w, "answer");
	csv_write_str(&w, "count");
	csv_write_end(&w);
	size_t i;
	json_t *q;
	json_array_foreach(json_object_get(r, "questions"), i, q)
	{
		const char *kind = json_string_value(json_object_get(q, "kind"));
		const char *text = json_string_value(json_object_get(q, "text"));
		size_t k;
		json_t *v;
#define ROW(answer, count)                                      \
	do {                                                    \
		snprintf(num, sizeof(num), "%zu", i + 1);       \
		csv_write_str(&w, num);                         \
		csv_write_str(&w, text);                        \
		csv_write_str(&w, kind);                        \
		csv_write_str(&w, (answer));                    \
		csv_write_str(&w, (count));                     \
		csv_write_end(&w);                              \
	} while (0)
		char cnt[32], ans[32];
		snprintf(cnt, sizeof(cnt), "%" JSON_INTEGER_FORMAT,
			 json_integer_value(json_object_get(q, "answered")));
		ROW("(answered)", cnt);
		json_array_foreach(json_object_get(q, "options"), k, v)
		{
			snprintf(cnt, sizeof(cnt), "%" JSON_INTEGER_FORMAT,
				 json_integer_value(json_object_get(v, "count")));
			ROW(json_string_value(json_object_get(v, "text")), cnt);
		}
		json_array_foreach(json_object_get(q, "distribution"), k, v)
		{
			snprintf(ans, sizeof(ans), "%zu", k + 1);
			snprintf(cnt, sizeof(cnt), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
			ROW(ans, cnt);
		}
		if (json_is_string(json_object_get(q, "mean"))) {
			snprintf(ans, sizeof(ans), "mean %s",
				 json_string_value(json_object_get(q, "mean")));
			ROW(ans, json_string_value(json_object_get(q, "mean_decimal")));
		}
		json_array_foreach(json_object_get(q, "texts"), k, v)
			ROW(json_string_value(json_object_get(v, "text")), "1");
#undef ROW
	}
	json_decref(r);
	return 0;
}

int survey_hide_answer(struct store *db, const struct survey_info *s, int64_t answer_id,
		       const char *reason, int64_t actor, const char *actor_name, const char *ip,
		       struct err *e)
{
	struct stmt *st;
	char subject[64];

	if (store_begin(db, e) < 0)
		return -1;
	if (!(st = store_prepare(db, sql_hide, e)))
		goto fail;
	stmt_bind_text(st, 1, reason, SIZE_MAX);
	stmt_bind_int(st, 2, answer_id);
	stmt_bind_int(st, 3, s->id);
	if (stmt_exec(st, e) < 0)
		goto fail;
	if (store_changes(db) != 1) {
		err_set(e, ERR_NOT_FOUND, NULL, "no such text answer in this survey");
		goto fail;
	}
	snprintf(subject, sizeof(subject), "survey_answer:%lld", (long long)answer_id);
	if (audit_append(db, actor, actor_name, "survey.answer.hide", subject, s->community_id,
			 ip, reason, e) < 0 ||
	    store_commit(db, e) < 0)
		goto fail;
	return 0;
fail:
	store_rollback(db);
	return -1;
}

const struct migration survey_migrations[] = {
	{ 750, "voice: surveys, questions, options, respondents apart from responses",
	  "CREATE TABLE surveys ("
	  " id @id, community_id BIGINT NOT NULL, title TEXT NOT NULL, intro TEXT NOT NULL,"
	  " anonymous BIGINT NOT NULL, status TEXT NOT NULL, created_by BIGINT NOT NULL,"
	  " created_at BIGINT NOT NULL);"
	  "CREATE INDEX surveys_community ON surveys (community_id, id);"
	  "CREATE TABLE survey_questions ("
	  " id @id, survey_id BIGINT NOT NULL REFERENCES surveys(id),"
	  " community_id BIGINT NOT NULL, position BIGINT NOT NULL, kind TEXT NOT NULL,"
	  " text TEXT NOT NULL, required BIGINT NOT NULL, min_picks BIGINT NOT NULL,"
	  " max_picks BIGINT NOT NULL, scale_max BIGINT NOT NULL, min_label TEXT NOT NULL,"
	  " max_label TEXT NOT NULL, max_length BIGINT NOT NULL);"
	  "CREATE INDEX survey_questions_survey ON survey_questions (survey_id, position);"
	  "CREATE TABLE survey_options ("
	  " id @id, question_id BIGINT NOT NULL REFERENCES survey_questions(id),"
	  " survey_id BIGINT NOT NULL, community_id BIGINT NOT NULL, position BIGINT NOT NULL,"
	  " text TEXT NOT NULL);"
	  "CREATE INDEX survey_options_survey ON survey_options (survey_id, question_id, position);"
	  "CREATE TABLE survey_respondents ("
	  " survey_id BIGINT NOT NULL REFERENCES surveys(id), community_id BIGINT NOT NULL,"
	  " user_id BIGINT NOT NULL, answered_at BIGINT NOT NULL,"
	  " PRIMARY KEY (survey_id, user_id));"
	  "CREATE TABLE survey_responses ("
	  " id @id, survey_id BIGINT NOT NULL REFERENCES surveys(id),"
	  " community_id BIGINT NOT NULL, user_id BIGINT, token_hash TEXT);"
	  "CREATE INDEX survey_responses_user ON survey_responses (survey_id, user_id);"
	  "CREATE INDEX survey_responses_token ON survey_responses (survey_id, token_hash);"
	  "CREATE TABLE survey_answers ("
	  " id @id, response_id BIGINT NOT NULL REFERENCES survey_responses(id),"
	  " survey_id BIGINT NOT NULL, community_id BIGINT NOT NULL, question_id BIGINT NOT NULL,"
	  " option_id BIGINT NOT NULL, value BIGINT NOT NULL, text TEXT NOT NULL,"
	  " hidden BIGINT NOT NULL, hidden_reason TEXT NOT NULL);"
	  "CREATE INDEX survey_answers_response ON survey_answers (response_id);"
	  "CREATE INDEX survey_answers_survey ON survey_answers (survey_id, question_id);"
	  "CREATE INDEX survey_answers_option ON survey_answers (option_id);" },
};
const size_t survey_migrations_n = sizeof(survey_migrations) / sizeof(survey_migrations[0]);
