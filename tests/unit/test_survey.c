/*
 * test_survey.c - surveys (src/voice/survey.c) on one temporary database.
 *
 * Creation refuses each malformed question naming it ("questions[1].options")
 * and writes nothing; answers are checked against their question (picks,
 * options of another question, the scale, text length in characters,
 * required questions) and are all or nothing; a named answer is replaced by
 * answering again; an anonymous one only with its change token, and the
 * database holds no user id with anonymous responses.  Results: counts,
 * the scale's exact mean, hidden text answers (audited), the CSV.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "auth/auth.h"
#include "registry/structure.h"
#include "routes.h"
#include "voice/survey.h"

#include "testutil.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

static struct {
	char *dir;
	struct store *db;
	int64_t s1, c1;
	struct arena a;
} fx;

static int group_setup(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	char p[4200];
	size_t n = 0;
	const struct migration *m = all_migrations(&n);

	if (sodium_init() < 0 || !(fx.dir = tmpdir_make()))
		return -1;
	tmpdir_path(p, sizeof(p), fx.dir, "survey.sqlite");
	if (store_open(&fx.db, p, NULL, &e) < 0 || store_migrate(fx.db, m, n, NULL, &e) < 0 ||
	    structure_street_add(fx.db, &fx.s1, "东湖街道", &e) < 0 ||
	    structure_community_add(fx.db, &fx.c1, fx.s1, "幸福社区", &e) < 0) {
		fprintf(stderr, "setup: %s (%s)\n", e.message, e.field);
		return -1;
	}
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	store_close(fx.db);
	tmpdir_remove(fx.dir);
	arena_release(&fx.a);
	return 0;
}

static json_t *parse(const char *text)
{
	json_error_t je;
	json_t *v = json_loads(text, 0, &je);
	if (!v)
		fail_msg("bad fixture JSON: %s: %s", je.text, text);
	return v;
}

static const char survey_json[] =
	"{\"title\": \"楼道环境问卷\", \"intro\": \"请花两分钟\", \"anonymous\": %s, \"questions\": ["
	"{\"kind\": \"single\", \"text\": \"您住几楼?\", \"required\": true,"
	" \"options\": [\"1-3\", \"4-6\", \"7+\"]},"
	"{\"kind\": \"multiple\", \"text\": \"最关心哪些?\", \"options\": [\"照明\", \"卫生\", \"堆物\", "
	"\"电梯\"], \"min_picks\": 1, \"max_picks\": 2},"
	"{\"kind\": \"scale\", \"text\": \"满意度\", \"scale_max\": 5, \"min_label\": \"很差\","
	" \"max_label\": \"很好\", \"required\": true},"
	"{\"kind\": \"text\", \"text\": \"其他建议\", \"max_length\": 10}]}";

static int64_t create(bool anonymous)
{
	char buf[2048];
	struct err e = ERR_INIT;
	int64_t id = 0;
	snprintf(buf, sizeof(buf), survey_json, anonymous ? "true" : "false");
	json_t *body = parse(buf);
	int rc = survey_create(fx.db, &id, fx.c1, body, 1, &fx.a, &e);
	json_decref(body);
	if (rc)
		fail_msg("create: %s (%s)", e.message, e.field);
	return id;
}

static struct survey_info info(int64_t id)
{
	struct survey_info s;
	struct err e = ERR_INIT;
	assert_int_equal(survey_get(fx.db, &s, fx.c1, id, &fx.a, &e), 0);
	return s;
}

/* The ids of the survey's questions and of their options, in order. */
static void ids(int64_t survey, int64_t q[4], int64_t opt[4][4])
{
	struct survey_info s = info(survey);
	struct err e = ERR_INIT;
	json_t *v;
	assert_int_equal(survey_view(fx.db, &v, &s, 0, &e), 0);
	json_t *qs = json_object_get(v, "questions");
	assert_int_equal(json_array_size(qs), 4);
	for (size_t i = 0; i < 4; i++) {
		json_t *qq = json_array_get(qs, i);
		q[i] = json_integer_value(json_object_get(qq, "id"));
		json_t *os = json_object_get(qq, "options");
		for (size_t k = 0; k < 4; k++)
			opt[i][k] = k < json_array_size(os)
					    ? json_integer_value(
						      json_object_get(json_array_get(os, k), "id"))
					    : 0;
	}
	json_decref(v);
}

static void refuse_create(const char *body_text, const char *field)
{
	struct err e = ERR_INIT;
	int64_t id = 0;
	json_t *body = parse(body_text);
	assert_int_equal(survey_create(fx.db, &id, fx.c1, body, 1, &fx.a, &e), -1);
	json_decref(body);
	assert_int_equal(e.code, ERR_INVALID);
	if (strcmp(e.field, field))
		fail_msg("field %s, wanted %s (%s)", e.field, field, e.message);
}

static int64_t count_rows(const char *sql, int64_t a)
{
	struct err e = ERR_INIT;
	struct stmt *st = store_prepare(fx.db, sql, &e);
	assert_non_null(st);
	stmt_bind_int(st, 1, a);
	assert_int_equal(stmt_step(st, &e), STORE_ROW);
	int64_t n = stmt_int(st, 0);
	stmt_done(st);
	return n;
}

static const char sql_surveys[] = "SELECT COUNT(*) FROM surveys WHERE community_id = ?";

static void test_create_refusals(void **state)
{
	(void)state;
	int64_t before = count_rows(sql_surveys, fx.c1);
	refuse_create("{\"title\": \"t\"}", "questions");
	refuse_create("{\"title\": \"t\", \"questions\": []}", "questions");
	refuse_create("{\"questions\": [{\"kind\": \"text\", \"text\": \"q\"}]}", "title");
	refuse_create("{\"title\": \"t\", \"questions\": [{\"kind\": \"essay\", \"text\": \"q\"}]}",
		      "questions[0].kind");
	refuse_create("{\"title\": \"t\", \"questions\": [{\"kind\": \"text\", \"text\": \"q\"},"
		      " {\"kind\": \"single\", \"text\": \"q\", \"options\": [\"only\"]}]}",
		      "questions[1].options");
	refuse_create("{\"title\": \"t\", \"questions\": [{\"kind\": \"single\", \"text\": \"q\","
		      " \"options\": [\"a\", \"a\"]}]}",
		      "questions[0].options");
	refuse_create("{\"title\": \"t\", \"questions\": [{\"kind\": \"single\", \"text\": \"q\","
		      " \"options\": [\"a\", 3]}]}",
		      "questions[0].options");
	refuse_create("{\"title\": \"t\", \"questions\": [{\"kind\": \"text\", \"text\": \"q\","
		      " \"options\": [\"a\", \"b\"]}]}",
		      "questions[0].options");
	refuse_create("{\"title\": \"t\", \"questions\": [{\"kind\": \"single\", \"text\": \"q\","
		      " \"options\": [\"a\", \"b\"], \"max_picks\": 2}]}",
		      "questions[0].max_picks");
	refuse_create("{\"title\": \"t\", \"questions\": [{\"kind\": \"multiple\", \"text\": \"q\","
		      " \"options\": [\"a\", \"b\"], \"max_picks\": 3}]}",
		      "questions[0].max_picks");
	refuse_create("{\"title\": \"t\", \"questions\": [{\"kind\": \"scale\", \"text\": \"q\","
		      " \"scale_max\": 11}]}",
		      "questions[0].scale_max");
	refuse_create("{\"title\": \"t\", \"questions\": [{\"kind\": \"text\", \"text\": \"q\","
		      " \"colour\": \"red\"}]}",
		      "questions[0].colour");
	refuse_create("{\"title\": \"t\", \"colour\": 1, \"questions\": [{\"kind\": \"text\","
		      " \"text\": \"q\"}]}",
		      "colour");
	/* 100 characters of Chinese (300 bytes) is a valid title; 101 is not */
	char buf[1024] = "{\"title\": \"";
	for (int i = 0; i < 101; i++)
		strcat(buf, "问");
	strcat(buf, "\", \"questions\": [{\"kind\": \"text\", \"text\": \"q\"}]}");
	refuse_create(buf, "title");
	assert_int_equal(count_rows(sql_surveys, fx.c1), before);
}

static int answer(int64_t survey, int64_t user, const char *answers, const char *token,
		  const char **token_out, struct err *e)
{
	struct survey_info s = info(survey);
	json_t *a = parse(answers);
	const char *dummy;
	int rc = survey_answer(fx.db, &s, user, a, token, token_out ? token_out : &dummy, &fx.a, e);
	json_decref(a);
	return rc;
}

static void refuse_answer(int64_t survey, const char *answers, const char *field)
{
	struct err e = ERR_INIT;
	assert_int_equal(answer(survey, 99, answers, NULL, NULL, &e), -1);
	if (strcmp(e.field, field))
		fail_msg("field %s, wanted %s (%s)", e.field, field, e.message);
}

static void set_status(int64_t survey, const char *status, int want)
{
	struct survey_info s = info(survey);
	struct err e = ERR_INIT;
	assert_int_equal(survey_set_status(fx.db, &s, status, &e), want);
}

static void test_named_answers(void **state)
{
	(void)state;
	int64_t id = create(false), q[4], o[4][4];
	char buf[512];
	struct err e = ERR_INIT;
	ids(id, q, o);
	/* not open yet */
	snprintf(buf, sizeof(buf), "[{\"question\": %lld, \"choices\": [%lld]}]", (long long)q[0],
		 (long long)o[0][0]);
	assert_int_equal(answer(id, 10, buf, NULL, NULL, &e), -1);
	assert_int_equal(e.code, ERR_CONFLICT);
	set_status(id, "closed", -1);
	set_status(id, "open", 0);

	/* refusals, each naming the answer and its field */
	snprintf(buf, sizeof(buf), "[{\"question\": %lld, \"choices\": [%lld]}]", (long long)q[0],
		 (long long)o[0][0]);
	refuse_answer(id, buf, "answers"); /* the scale is required */
	snprintf(buf, sizeof(buf),
		 "[{\"question\": %lld, \"choices\": [%lld, %lld]}, {\"question\": %lld, "
		 "\"value\": 3}]",
		 (long long)q[0], (long long)o[0][0], (long long)o[0][1], (long long)q[2]);
	refuse_answer(id, buf, "answers[0].choices");
	snprintf(buf, sizeof(buf),
		 "[{\"question\": %lld, \"choices\": [%lld]}, {\"question\": %lld, \"value\": 3}]",
		 (long long)q[0], (long long)o[1][0], (long long)q[2]);
	refuse_answer(id, buf, "answers[0].choices"); /* another question's option */
	snprintf(buf, sizeof(buf),
		 "[{\"question\": %lld, \"choices\": [%lld]}, {\"question\": %lld, \"value\": 6}]",
		 (long long)q[0], (long long)o[0][0], (long long)q[2]);
	refuse_answer(id, buf, "answers[1].value");
	snprintf(buf, sizeof(buf),
		 "[{\"question\": %lld, \"choices\": [%lld]}, {\"question\": %lld, \"value\": 3},"
		 " {\"question\": %lld, \"text\": \"一二三四五六七八九十一\"}]",
		 (long long)q[0], (long long)o[0][0], (long long)q[2], (long long)q[3]);
	refuse_answer(id, buf, "answers[2].text"); /* 11 characters, max 10 */
	snprintf(buf, sizeof(buf),
		 "[{\"question\": %lld, \"choices\": [%lld]}, {\"question\": %lld, \"value\": 3},"
		 " {\"question\": %lld, \"choices\": [%lld, %lld, %lld]}]",
		 (long long)q[0], (long long)o[0][0], (long long)q[2], (long long)q[1],
		 (long long)o[1][0], (long long)o[1][1], (long long)o[1][2]);
	refuse_answer(id, buf, "answers[2].choices"); /* 3 picks, max 2 */
	snprintf(buf, sizeof(buf),
		 "[{\"question\": %lld, \"value\": 2}, {\"question\": %lld, \"value\": 3}]",
		 (long long)q[0], (long long)q[2]);
	refuse_answer(id, buf, "answers[0].choices");
	snprintf(buf, sizeof(buf),
		 "[{\"question\": %lld, \"value\": 2}, {\"question\": %lld, \"value\": 3}]",
		 (long long)q[2], (long long)q[2]);
	refuse_answer(id, buf, "answers[1].question");
	static const char sql_resp[] = "SELECT COUNT(*) FROM survey_responses WHERE survey_id = ?";
	assert_int_equal(count_rows(sql_resp, id), 0);

	/* user 10 answers, then changes the answer: one response, the new one */
	snprintf(buf, sizeof(buf),
		 "[{\"question\": %lld, \"choices\": [%lld]}, {\"question\": %lld, \"value\": 5},"
		 " {\"question\": %lld, \"text\": \"多装路灯\"}]",
		 (long long)q[0], (long long)o[0][0], (long long)q[2], (long long)q[3]);
	assert_int_equal(answer(id, 10, buf, NULL, NULL, &e), 0);
	snprintf(buf, sizeof(buf),
		 "[{\"question\": %lld, \"choices\": [%lld]}, {\"question\": %lld, \"value\": 4},"
		 " {\"question\": %lld, \"choices\": [%lld, %lld]}]",
		 (long long)q[0], (long long)o[0][2], (long long)q[2], (long long)q[1],
		 (long long)o[1][0], (long long)o[1][3]);
	assert_int_equal(answer(id, 10, buf, NULL, NULL, &e), 0);
	assert_int_equal(count_rows(sql_resp, id), 1);
	struct survey_info s = info(id);
	json_t *v;
	assert_int_equal(survey_view(fx.db, &v, &s, 10, &e), 0);
	assert_true(json_is_true(json_object_get(v, "answered")));
	char *dump = json_dumps(json_object_get(v, "my_answers"), JSON_COMPACT);
	snprintf(buf, sizeof(buf),
		 "[{\"question\":%lld,\"choices\":[%lld]},{\"question\":%lld,\"choices\":[%lld,%lld]},"
		 "{\"question\":%lld,\"value\":4}]",
		 (long long)q[0], (long long)o[0][2], (long long)q[1], (long long)o[1][0],
		 (long long)o[1][3], (long long)q[2]);
	assert_string_equal(dump, buf);
	free(dump);
	json_decref(v);

	/* user 11 and 12: scale 4, 3; the mean of 4 + 4 + 3 is 11/3 */
	snprintf(buf, sizeof(buf),
		 "[{\"question\": %lld, \"choices\": [%lld]}, {\"question\": %lld, \"value\": 4}]",
		 (long long)q[0], (long long)o[0][2], (long long)q[2]);
	assert_int_equal(answer(id, 11, buf, NULL, NULL, &e), 0);
	snprintf(buf, sizeof(buf),
		 "[{\"question\": %lld, \"choices\": [%lld]}, {\"question\": %lld, \"value\": 3},"
		 " {\"question\": %lld, \"text\": \"=SUM(A1)\"}]",
		 (long long)q[0], (long long)o[0][1], (long long)q[2], (long long)q[3]);
	assert_int_equal(answer(id, 12, buf, NULL, NULL, &e), 0);
	s = info(id);
	assert_int_equal(survey_results(fx.db, &v, &s, false, &e), 0);
	assert_int_equal(json_integer_value(json_object_get(v, "respondents")), 3);
	json_t *qs = json_object_get(v, "questions");
	json_t *q0 = json_array_get(qs, 0), *q2 = json_array_get(qs, 2), *q3 = json_array_get(qs, 3);
	json_t *opts = json_object_get(q0, "options");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(opts, 0), "count")), 0);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(opts, 1), "count")), 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(opts, 2), "count")), 2);
	dump = json_dumps(json_object_get(q2, "distribution"), JSON_COMPACT);
	assert_string_equal(dump, "[0,0,1,2,0]");
	free(dump);
	assert_string_equal(json_string_value(json_object_get(q2, "mean")), "11/3");
	assert_string_equal(json_string_value(json_object_get(q2, "mean_decimal")), "3.67");
	assert_int_equal(json_integer_value(json_object_get(q3, "answered")), 1);
	json_t *texts = json_object_get(q3, "texts");
	assert_int_equal(json_array_size(texts), 1);
	int64_t text_id = json_integer_value(json_object_get(json_array_get(texts, 0), "id"));
	json_decref(v);

	/* the CSV: a BOM, the counts, the formula guarded */
	struct strbuf sb = STRBUF_INIT;
	assert_int_equal(survey_results_csv(fx.db, &sb, &s, &e), 0);
	assert_memory_equal(sb.buf, "\xEF\xBB\xBF" "question,text,kind,answer,count\r\n", 35);
	assert_non_null(strstr(sb.buf, "1,您住几楼?,single,7+,2\r\n"));
	assert_non_null(strstr(sb.buf, "3,满意度,scale,4,2\r\n"));
	assert_non_null(strstr(sb.buf, "3,满意度,scale,mean 11/3,3.67\r\n"));
	assert_non_null(strstr(sb.buf, "4,其他建议,text,\"'=SUM(A1)\",1\r\n"));
	strbuf_release(&sb);

	/* hiding a text answer: audited, gone for members, shown to workers */
	assert_int_equal(survey_hide_answer(fx.db, &s, text_id, "含广告", 1, "worker", "127.0.0.1",
					    &e),
			 0);
	err_clear(&e);
	assert_int_equal(survey_hide_answer(fx.db, &s, text_id + 1, "x", 1, "worker", NULL, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	int64_t audited = 0;
	char subject[64];
	snprintf(subject, sizeof(subject), "survey_answer:%lld", (long long)text_id);
	assert_int_equal(audit_count_since(fx.db, &audited, "survey.answer.hide", subject, false, 0,
					   &e),
			 0);
	assert_int_equal(audited, 1);
	assert_int_equal(survey_results(fx.db, &v, &s, false, &e), 0);
	q3 = json_array_get(json_object_get(v, "questions"), 3);
	assert_int_equal(json_array_size(json_object_get(q3, "texts")), 0);
	assert_int_equal(json_integer_value(json_object_get(q3, "hidden")), 1);
	json_decref(v);
	assert_int_equal(survey_results(fx.db, &v, &s, true, &e), 0);
	q3 = json_array_get(json_object_get(v, "questions"), 3);
	json_t *t0 = json_array_get(json_object_get(q3, "texts"), 0);
	assert_true(json_is_true(json_object_get(t0, "hidden")));
	assert_string_equal(json_string_value(json_object_get(t0, "hidden_reason")), "含广告");
	json_decref(v);

	/* user 12 answers again with the same text: it stays hidden; with a
	 * new text it is shown (and may be hidden again) */
	snprintf(buf, sizeof(buf),
		 "[{\"question\": %lld, \"choices\": [%lld]}, {\"question\": %lld, \"value\": 2},"
		 " {\"question\": %lld, \"text\": \"=SUM(A1)\"}]",
		 (long long)q[0], (long long)o[0][1], (long long)q[2], (long long)q[3]);
	assert_int_equal(answer(id, 12, buf, NULL, NULL, &e), 0);
	assert_int_equal(survey_results(fx.db, &v, &s, false, &e), 0);
	q3 = json_array_get(json_object_get(v, "questions"), 3);
	assert_int_equal(json_array_size(json_object_get(q3, "texts")), 0);
	assert_int_equal(json_integer_value(json_object_get(q3, "hidden")), 1);
	json_decref(v);
	snprintf(buf, sizeof(buf),
		 "[{\"question\": %lld, \"choices\": [%lld]}, {\"question\": %lld, \"value\": 3},"
		 " {\"question\": %lld, \"text\": \"加装监控\"}]",
		 (long long)q[0], (long long)o[0][1], (long long)q[2], (long long)q[3]);
	assert_int_equal(answer(id, 12, buf, NULL, NULL, &e), 0);
	assert_int_equal(survey_results(fx.db, &v, &s, false, &e), 0);
	q3 = json_array_get(json_object_get(v, "questions"), 3);
	assert_int_equal(json_array_size(json_object_get(q3, "texts")), 1);
	assert_int_equal(json_integer_value(json_object_get(q3, "hidden")), 0);
	json_decref(v);

	/* closing ends answering */
	set_status(id, "closed", 0);
	set_status(id, "open", -1);
	snprintf(buf, sizeof(buf),
		 "[{\"question\": %lld, \"choices\": [%lld]}, {\"question\": %lld, \"value\": 4}]",
		 (long long)q[0], (long long)o[0][2], (long long)q[2]);
	err_clear(&e);
	assert_int_equal(answer(id, 13, buf, NULL, NULL, &e), -1);
	assert_int_equal(e.code, ERR_CONFLICT);
}

static void test_anonymous_answers(void **state)
{
	(void)state;
	int64_t id = create(true), q[4], o[4][4];
	char buf[512];
	struct err e = ERR_INIT;
	const char *token = NULL, *token2 = NULL;
	ids(id, q, o);
	set_status(id, "open", 0);
	snprintf(buf, sizeof(buf),
		 "[{\"question\": %lld, \"choices\": [%lld]}, {\"question\": %lld, \"value\": 2}]",
		 (long long)q[0], (long long)o[0][0], (long long)q[2]);
	assert_int_equal(answer(id, 20, buf, NULL, &token, &e), 0);
	assert_non_null(token);
	assert_int_equal(strlen(token), SURVEY_TOKEN_LEN);
	assert_int_equal(answer(id, 21, buf, NULL, &token2, &e), 0);
	assert_string_not_equal(token, token2);

	/* answering again needs the token: without, a conflict naming it */
	snprintf(buf, sizeof(buf),
		 "[{\"question\": %lld, \"choices\": [%lld]}, {\"question\": %lld, \"value\": 5}]",
		 (long long)q[0], (long long)o[0][1], (long long)q[2]);
	assert_int_equal(answer(id, 20, buf, NULL, NULL, &e), -1);
	assert_int_equal(e.code, ERR_CONFLICT);
	assert_string_equal(e.field, "change_token");
	char forged[SURVEY_TOKEN_LEN + 1];
	memcpy(forged, token, sizeof(forged));
	forged[0] = forged[0] == 'A' ? 'B' : 'A';
	err_clear(&e);
	assert_int_equal(answer(id, 20, buf, forged, NULL, &e), -1);
	assert_string_equal(e.field, "change_token");
	const char *none = NULL;
	assert_int_equal(answer(id, 20, buf, token, &none, &e), 0);
	assert_null(none); /* the token stays the same */
	/* someone who never answered cannot use a token */
	err_clear(&e);
	assert_int_equal(answer(id, 22, buf, token, NULL, &e), -1);
	assert_string_equal(e.field, "change_token");
	assert_string_equal(e.message, "you have not answered yet");

	/* two respondents, two responses, and no user id with any response */
	static const char sql_who[] = "SELECT COUNT(*) FROM survey_respondents WHERE survey_id = ?";
	static const char sql_resp[] = "SELECT COUNT(*) FROM survey_responses WHERE survey_id = ?";
	static const char sql_linked[] =
		"SELECT COUNT(*) FROM survey_responses WHERE survey_id = ? AND user_id IS NOT NULL";
	assert_int_equal(count_rows(sql_who, id), 2);
	assert_int_equal(count_rows(sql_resp, id), 2);
	assert_int_equal(count_rows(sql_linked, id), 0);
	/* the result counts the changed answer: values 2 and 5 */
	struct survey_info s = info(id);
	json_t *v;
	assert_int_equal(survey_results(fx.db, &v, &s, false, &e), 0);
	json_t *q2 = json_array_get(json_object_get(v, "questions"), 2);
	assert_string_equal(json_string_value(json_object_get(q2, "mean")), "7/2");
	assert_string_equal(json_string_value(json_object_get(q2, "mean_decimal")), "3.50");
	json_decref(v);
	/* the view says answered, but never what */
	assert_int_equal(survey_view(fx.db, &v, &s, 20, &e), 0);
	assert_true(json_is_true(json_object_get(v, "answered")));
	assert_null(json_object_get(v, "my_answers"));
	json_decref(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_refusals),
		cmocka_unit_test(test_named_answers),
		cmocka_unit_test(test_anonymous_answers),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
