/*
 * topic.c - rules and persistence of topics (议题); see topic.h.
 *
 * The stage is a column of the topic and every change of it is also a row
 * of topic_events, written in the same transaction: the timeline cannot
 * disagree with the stage.  Support is one row per (topic, user) with the
 * pair as primary key, so "once per user" holds however requests race; the
 * automatic move into discussion counts the rows inside the same write
 * transaction.  Names shown beside comments, events and progress are the
 * actors' display names as they were then (this module does not read the
 * accounts' tables).
 */
#include "voice/topic.h"

#include "auth/auth.h"
#include "core/timeutil.h"
#include "core/utf8.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* ---- pure rules ---- */

static const char *const stages[] = {"proposal",  "discussion", "decision",
                                     "follow_up", "closed",     "rejected"};

bool topic_stage_valid(const char *stage)
{
	for (size_t i = 0; i < sizeof(stages) / sizeof(stages[0]); i++)
		if (!strcmp(stage, stages[i]))
			return true;
	return false;
}

bool topic_stage_next_ok(const char *from, const char *to)
{
	static const struct {
		const char *from, *to;
	} moves[] = {
	    {"proposal", "discussion"}, {"proposal", "rejected"},  {"discussion", "decision"},
	    {"discussion", "rejected"}, {"decision", "follow_up"}, {"decision", "closed"},
	    {"follow_up", "closed"},
	};
	for (size_t i = 0; i < sizeof(moves) / sizeof(moves[0]); i++)
		if (!strcmp(from, moves[i].from) && !strcmp(to, moves[i].to))
			return true;
	return false;
}

static int digits(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

bool topic_date_valid(const char *s)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, m, d, max;
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	y = digits(s, 4);
	m = digits(s + 5, 2);
	d = digits(s + 8, 2);
	if (y < 2000 || y > 2099 || m < 1 || m > 12 || d < 1)
		return false;
	max = mdays[m - 1] + (m == 2 && y % 4 == 0); /* 2000 is a leap year; 2100 is out of range */
	return d <= max;
}

static bool time_valid(const char *s)
{
	int hh, mm;
	if (strlen(s) != 5 || s[2] != ':')
		return false;
	hh = digits(s, 2);
	mm = digits(s + 3, 2);
	return hh >= 0 && hh <= 23 && mm >= 0 && mm <= 59;
}

void topic_today(char out[11], int64_t now)
{
	time_t t = (time_t)(now + 8 * 3600);
	struct tm tm;
	char buf[40];
	gmtime_r(&t, &tm);
	snprintf(buf, sizeof(buf), "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
	memcpy(out, buf, 10);
	out[10] = '\0';
}

bool topic_action_overdue(const char *due, const char *status, int64_t now)
{
	char today[11];
	if (!strcmp(status, "done") || !strcmp(status, "dropped"))
		return false;
	topic_today(today, now);
	return strcmp(due, today) < 0;
}

bool topic_action_status_valid(const char *status)
{
	return !strcmp(status, "open") || !strcmp(status, "in_progress") ||
	       !strcmp(status, "done") || !strcmp(status, "dropped");
}

/* ---- meeting templates ---- */

static const struct topic_template_item hearing_agenda[] = {
    {"主持人介绍议题和听证规则", "The chair introduces the topic and the rules of the hearing"},
    {"议题提出方陈述方案", "The proposers present the plan"},
    {"利害关系方陈述意见", "Those affected state their views"},
    {"听证代表提问与辩论", "Questions and debate among the representatives"},
    {"听证代表发表意见", "The representatives give their opinions"},
    {"主持人归纳意见，形成听证结论", "The chair sums up and states the hearing's conclusion"},
};
static const struct topic_template_item hearing_roles[] = {
    {"主持人", "Chair"},
    {"记录人", "Recorder"},
    {"议题提出方", "Proposers"},
    {"利害关系方", "Parties affected"},
    {"听证代表", "Hearing representatives"},
    {"旁听人员", "Observers"},
};
static const struct topic_template_item coordination_agenda[] = {
    {"说明需要协调的问题", "State the matter to be coordinated"},
    {"各方陈述诉求和理由", "Each party states what it asks and why"},
    {"协商解决方案", "Negotiate a solution"},
    {"明确各方责任和时限", "Agree who does what by when"},
    {"形成协调意见并签字确认", "Record the agreement and sign it"},
};
static const struct topic_template_item coordination_roles[] = {
    {"主持人", "Chair"},
    {"记录人", "Recorder"},
    {"参会方", "Parties"},
    {"居民代表", "Residents' representatives"},
    {"物业服务企业", "Property management company"},
    {"业委会代表", "Owners' committee representative"},
};
static const struct topic_template_item review_agenda[] = {
    {"通报事项办理情况", "Report on what was done"},
    {"责任方说明", "The responsible parties explain"},
    {"评议代表提问", "The reviewers ask questions"},
    {"评议代表评议打分", "The reviewers assess and score"},
    {"公布评议结果和整改要求", "Announce the result and what must be put right"},
};
static const struct topic_template_item review_roles[] = {
    {"主持人", "Chair"},
    {"记录人", "Recorder"},
    {"被评议方", "Party reviewed"},
    {"评议代表", "Reviewers"},
    {"列席人员", "Attending without a vote"},
};

#define N(a) (sizeof(a) / sizeof((a)[0]))
static const struct topic_template templates[] = {
    {"hearing", "听证会", "Hearing", "决策前听取居民和利害关系方的意见",
     "Hear residents and those affected before deciding", hearing_agenda, N(hearing_agenda),
     hearing_roles, N(hearing_roles)},
    {"coordination", "协调会", "Coordination meeting", "协调各方利益，商定解决方案",
     "Reconcile the parties and agree a solution", coordination_agenda, N(coordination_agenda),
     coordination_roles, N(coordination_roles)},
    {"review", "评议会", "Review meeting", "评议事项办理结果和责任方的工作",
     "Review what was done and how the responsible parties did", review_agenda, N(review_agenda),
     review_roles, N(review_roles)},
};

const struct topic_template *topic_template_find(const char *kind)
{
	for (size_t i = 0; i < N(templates); i++)
		if (!strcmp(kind, templates[i].kind))
			return &templates[i];
	return NULL;
}

static json_t *items_json(const struct topic_template_item *it, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_pack("{s:s, s:s}", "zh", it[i].zh, "en", it[i].en));
	return a;
}

json_t *topic_templates_json(void)
{
	json_t *a = json_array();
	for (size_t i = 0; i < N(templates); i++) {
		const struct topic_template *t = &templates[i];
		json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:o}", "kind",
		                                   t->kind, "zh", t->zh, "en", t->en, "purpose_zh",
		                                   t->purpose_zh, "purpose_en", t->purpose_en,
		                                   "agenda", items_json(t->agenda, t->nagenda),
		                                   "roles", items_json(t->roles, t->nroles)));
	}
	return a;
}

/* ---- SQL ---- */

static const char sql_settings_get[] =
    "SELECT categories, support_threshold FROM topic_settings WHERE community_id = ?";
static const char sql_settings_put[] =
    "INSERT INTO topic_settings (community_id, categories, support_threshold) VALUES (?, ?, ?)"
    " ON CONFLICT (community_id) DO UPDATE SET categories = excluded.categories,"
    " support_threshold = excluded.support_threshold";
static const char sql_add[] =
    "INSERT INTO topics (community_id, title, body, category, scope_kind, scope_id, scope_name,"
    " raised_by, raiser_name, raiser_kind, stage, created_at, updated_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'proposal', ?, ?) RETURNING id";
static const char sql_event[] =
    "INSERT INTO topic_events (topic_id, community_id, from_stage, to_stage, note, actor_id,"
    " actor_name, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
static const char sql_list[] =
    "SELECT t.id, t.title, t.category, t.scope_kind, t.scope_id, t.scope_name, t.raiser_name,"
    " t.raiser_kind, t.stage, t.created_at, t.updated_at,"
    " (SELECT COUNT(*) FROM topic_supports s WHERE s.topic_id = t.id),"
    " (SELECT COUNT(*) FROM topic_comments c WHERE c.topic_id = t.id AND c.hidden = 0),"
    " (SELECT COUNT(*) FROM topic_supports s WHERE s.topic_id = t.id AND s.user_id = ?)"
    " FROM topics t WHERE t.community_id = ? AND (? = '' OR t.stage = ?)"
    " AND (? = '' OR t.category = ?) AND (? = '' OR t.scope_kind = ?) ORDER BY t.id DESC";
static const char sql_get[] =
    "SELECT id, community_id, raised_by, title, stage, category, scope_kind, scope_id"
    " FROM topics WHERE id = ? AND community_id = ?";
static const char sql_detail[] =
    "SELECT body, scope_name, raiser_name, raiser_kind, created_at, updated_at, outcome,"
    " decided_by, vote_id, decided_at, decider_name,"
    " (SELECT COUNT(*) FROM topic_supports s WHERE s.topic_id = topics.id),"
    " (SELECT COUNT(*) FROM topic_supports s WHERE s.topic_id = topics.id AND s.user_id = ?)"
    " FROM topics WHERE id = ?";
static const char sql_events[] =
    "SELECT from_stage, to_stage, note, actor_id, actor_name, at FROM topic_events"
    " WHERE topic_id = ? ORDER BY id";
static const char sql_set_stage[] =
    "UPDATE topics SET stage = ?, updated_at = ? WHERE id = ? AND community_id = ? AND stage = ?";
static const char sql_stage_now[] =
    "SELECT stage, outcome IS NOT NULL FROM topics WHERE id = ? AND community_id = ?";
static const char sql_support[] =
    "INSERT INTO topic_supports (topic_id, community_id, user_id, at) VALUES (?, ?, ?, ?)"
    " ON CONFLICT (topic_id, user_id) DO NOTHING";
static const char sql_support_count[] = "SELECT COUNT(*) FROM topic_supports WHERE topic_id = ?";
static const char sql_comment_count[] = "SELECT COUNT(*) FROM topic_comments WHERE topic_id = ?";
static const char sql_comment_get[] =
    "SELECT depth, author_id, created_at, hidden FROM topic_comments WHERE id = ? AND topic_id = ?";
static const char sql_comment_add[] =
    "INSERT INTO topic_comments (topic_id, community_id, parent_id, depth, author_id,"
    " author_name, body, hidden, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?) RETURNING id";
static const char sql_comment_edit[] =
    "UPDATE topic_comments SET body = ?, edited_at = ? WHERE id = ? AND topic_id = ?";
static const char sql_comment_hide[] =
    "UPDATE topic_comments SET hidden = ?, hidden_reason = ? WHERE id = ? AND topic_id = ?";
static const char sql_comments[] =
    "SELECT id, parent_id, depth, author_id, author_name, body, hidden, hidden_reason,"
    " created_at, edited_at FROM topic_comments WHERE topic_id = ? ORDER BY id";
static const char sql_decide[] =
    "UPDATE topics SET outcome = ?, decided_by = ?, vote_id = ?, decided_at = ?, decider_name = ?,"
    " updated_at = ? WHERE id = ? AND community_id = ? AND stage = 'decision'";
static const char sql_action_count[] = "SELECT COUNT(*) FROM topic_actions WHERE topic_id = ?";
static const char sql_action_add[] =
    "INSERT INTO topic_actions (topic_id, community_id, task, owner_name, owner_user_id, due,"
    " status, percent, created_by, created_at, updated_at)"
    " VALUES (?, ?, ?, ?, ?, ?, 'open', 0, ?, ?, ?) RETURNING id";
static const char sql_action_get[] =
    "SELECT status, percent, owner_user_id FROM topic_actions WHERE id = ? AND topic_id = ?";
static const char sql_action_set[] = "UPDATE topic_actions SET status = ?, percent = ?, updated_at "
                                     "= ? WHERE id = ? AND topic_id = ?";
static const char sql_progress_add[] =
    "INSERT INTO topic_progress (action_id, topic_id, community_id, text, percent, status,"
    " actor_id, actor_name, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";
static const char sql_actions[] =
    "SELECT id, task, owner_name, owner_user_id, due, status, percent, created_at, updated_at"
    " FROM topic_actions WHERE topic_id = ? ORDER BY due, id";
static const char sql_progress[] =
    "SELECT action_id, text, percent, status, actor_name, at FROM topic_progress"
    " WHERE topic_id = ? ORDER BY id";
static const char sql_meeting_count[] = "SELECT COUNT(*) FROM topic_meetings WHERE topic_id = ?";
static const char sql_meeting_add[] =
    "INSERT INTO topic_meetings (topic_id, community_id, kind, held_on, start_time, place, chair,"
    " recorder, participants, attendees, status, created_by, created_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'draft', ?, ?) RETURNING id";
static const char sql_minutes_add[] =
    "INSERT INTO topic_minutes (meeting_id, topic_id, community_id, pos, heading_zh, heading_en,"
    " minutes) VALUES (?, ?, ?, ?, ?, ?, '')";
static const char sql_meeting_status[] =
    "SELECT status FROM topic_meetings WHERE id = ? AND topic_id = ?";
static const char sql_minutes_put[] =
    "UPDATE topic_minutes SET minutes = ? WHERE id = ? AND meeting_id = ?";
static const char sql_meeting_publish[] =
    "UPDATE topic_meetings SET status = 'published', published_at = ? WHERE id = ?"
    " AND topic_id = ? AND status = 'draft'";
static const char sql_meetings[] =
    "SELECT id, kind, held_on, start_time, place, chair, recorder, participants, attendees,"
    " status, published_at FROM topic_meetings WHERE topic_id = ? ORDER BY held_on, id";
static const char sql_minutes[] =
    "SELECT m.id, m.meeting_id, m.heading_zh, m.heading_en, m.minutes FROM topic_minutes m"
    " WHERE m.topic_id = ? ORDER BY m.meeting_id, m.pos";

/* ---- small helpers ---- */

/* Runs a bound statement expected to give one integer row. */
static int one_int(struct stmt *st, int64_t *out, struct err *e)
{
	int rc = stmt_step(st, e);
	if (rc == STORE_ROW)
		*out = stmt_int(st, 0);
	stmt_done(st);
	if (rc == STORE_DONE)
		return err_set(e, ERR_INTERNAL, NULL, "no row");
	return rc < 0 ? -1 : 0;
}

static int count_of(struct store *db, const char *sql, int64_t id, int64_t *out, struct err *e)
{
	struct stmt *st = store_prepare(db, sql, e);
	if (!st)
		return -1;
	stmt_bind_int(st, 1, id);
	return one_int(st, out, e);
}

static void bind_text_or_null(struct stmt *st, int idx, const char *s)
{
	if (s && *s)
		stmt_bind_text(st, idx, s, SIZE_MAX);
	else
		stmt_bind_null(st, idx);
}

static json_t *text_or_null(struct stmt *st, int col)
{
	return stmt_is_null(st, col) ? json_null() : json_string(stmt_text(st, col));
}

static int event_add(struct store *db, const struct topic *t, const char *from, const char *to,
                     const char *note, int64_t actor, const char *actor_name, struct err *e)
{
	struct stmt *st = store_prepare(db, sql_event, e);
	if (!st)
		return -1;
	stmt_bind_int(st, 1, t->id);
	stmt_bind_int(st, 2, t->community_id);
	bind_text_or_null(st, 3, from);
	stmt_bind_text(st, 4, to, SIZE_MAX);
	stmt_bind_text(st, 5, note, SIZE_MAX);
	stmt_bind_int(st, 6, actor);
	stmt_bind_text(st, 7, actor_name ? actor_name : "", SIZE_MAX);
	stmt_bind_int(st, 8, time_now());
	return stmt_exec(st, e);
}

static int audit_topic(struct store *db, const struct topic *t, int64_t actor,
                       const char *actor_name, const char *action, const char *kind, int64_t id,
                       const char *detail, struct err *e)
{
	char subject[64];
	snprintf(subject, sizeof(subject), "%s:%lld", kind, (long long)id);
	return audit_append(db, actor, actor_name, action, subject, t->community_id, NULL, detail,
	                    e);
}

/* ---- settings ---- */

static const char *const default_categories[][2] = {
    {"加装电梯", "Adding a lift"},
    {"停车", "Parking"},
    {"楼道堆物", "Stairwell clutter"},
    {"环境卫生", "Cleanliness"},
    {"物业服务", "Property services"},
    {"公共空间", "Public spaces"},
    {"安全", "Safety"},
    {"其他", "Other"},
};

static const char *english_of(const char *name)
{
	for (size_t i = 0; i < N(default_categories); i++)
		if (!strcmp(name, default_categories[i][0]))
			return default_categories[i][1];
	return NULL;
}

/* The community's categories joined by '\n' (the defaults when none are
 * set) and the threshold; *text in a. */
static int settings_load(struct store *db, int64_t community_id, const char **text,
                         int64_t *threshold, bool *custom, struct arena *a, struct err *e)
{
	struct stmt *st = store_prepare(db, sql_settings_get, e);
	int rc;
	if (!st)
		return -1;
	stmt_bind_int(st, 1, community_id);
	rc = stmt_step(st, e);
	*custom = rc == STORE_ROW;
	if (rc == STORE_ROW) {
		*text = a ? arena_strdup(a, stmt_text(st, 0)) : NULL;
		*threshold = stmt_int(st, 1);
	}
	stmt_done(st);
	if (rc < 0)
		return -1;
	if (rc == STORE_DONE) {
		*threshold = TOPIC_THRESHOLD_DEFAULT;
		*text = NULL;
	}
	return 0;
}

static bool category_listed(const char *text, const char *name)
{
	size_t n = strlen(name);
	if (!text) {
		for (size_t i = 0; i < N(default_categories); i++)
			if (!strcmp(name, default_categories[i][0]))
				return true;
		return false;
	}
	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (len == n && !memcmp(p, name, n))
			return true;
		if (!nl)
			break;
		p = nl + 1;
	}
	return false;
}

static json_t *category_json(const char *name, size_t len)
{
	char buf[TOPIC_CATEGORY_MAX * 4 + 1];
	const char *en;
	if (len >= sizeof(buf))
		len = sizeof(buf) - 1;
	memcpy(buf, name, len);
	buf[len] = '\0';
	en = english_of(buf);
	return en ? json_pack("{s:s, s:s}", "name", buf, "en", en)
	          : json_pack("{s:s}", "name", buf);
}

int topic_settings_get(struct store *db, json_t **out, int64_t community_id, struct err *e)
{
	struct arena a;
	const char *text = NULL;
	int64_t threshold = 0;
	bool custom = false;
	json_t *cats;
	arena_init(&a);
	if (settings_load(db, community_id, &text, &threshold, &custom, &a, e) < 0) {
		arena_release(&a);
		return -1;
	}
	cats = json_array();
	if (!text) {
		for (size_t i = 0; i < N(default_categories); i++)
			json_array_append_new(cats, json_pack("{s:s, s:s}", "name",
			                                      default_categories[i][0], "en",
			                                      default_categories[i][1]));
	} else {
		for (const char *p = text; *p;) {
			const char *nl = strchr(p, '\n');
			size_t len = nl ? (size_t)(nl - p) : strlen(p);
			json_array_append_new(cats, category_json(p, len));
			if (!nl)
				break;
			p = nl + 1;
		}
	}
	arena_release(&a);
	*out = json_pack("{s:o, s:I, s:b, s:o}", "categories", cats, "support_threshold",
	                 (json_int_t)threshold, "custom", custom, "meeting_templates",
	                 topic_templates_json());
	return 0;
}

int topic_settings_put(struct store *db, int64_t community_id, const char *const *categories,
                       size_t n, int64_t threshold, struct err *e)
{
	char buf[TOPIC_CATEGORIES_MAX * (TOPIC_CATEGORY_MAX * 4 + 1) + 1];
	size_t used = 0;
	struct stmt *st;
	if (n < 1 || n > TOPIC_CATEGORIES_MAX)
		return err_set(e, ERR_INVALID, "categories", "give 1 to %d categories",
		               TOPIC_CATEGORIES_MAX);
	if (threshold < 1 || threshold > TOPIC_THRESHOLD_MAX)
		return err_set(e, ERR_INVALID, "support_threshold",
		               "support_threshold must be 1 to %d", TOPIC_THRESHOLD_MAX);
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(categories[i]);
		if (!len || !utf8_valid(categories[i], len) ||
		    utf8_has_control(categories[i], len) || strpbrk(categories[i], "\t\r\n") ||
		    utf8_count(categories[i], len) > TOPIC_CATEGORY_MAX)
			return err_set(e, ERR_INVALID, "categories",
			               "each category is 1 to %d characters on one line",
			               TOPIC_CATEGORY_MAX);
		for (size_t j = 0; j < i; j++)
			if (!strcmp(categories[i], categories[j]))
				return err_set(e, ERR_INVALID, "categories",
				               "a category is listed twice");
		if (used)
			buf[used++] = '\n';
		memcpy(buf + used, categories[i], len);
		used += len;
	}
	buf[used] = '\0';
	if (!(st = store_prepare(db, sql_settings_put, e)))
		return -1;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_text(st, 2, buf, used);
	stmt_bind_int(st, 3, threshold);
	return stmt_exec(st, e);
}

/* ---- topics ---- */

int topic_add(struct store *db, int64_t *out, int64_t community_id, const struct topic_new *t,
              struct err *e)
{
	struct arena a;
	const char *cats = NULL;
	int64_t threshold, now = time_now();
	bool custom;
	struct stmt *st;
	struct topic made = {0};
	int rc;

	arena_init(&a);
	if (store_begin(db, e) < 0)
		goto fail;
	if (settings_load(db, community_id, &cats, &threshold, &custom, &a, e) < 0)
		goto fail;
	if (!category_listed(cats, t->category)) {
		err_set(e, ERR_INVALID, "category", "no such category: %s", t->category);
		goto fail;
	}
	if (!(st = store_prepare(db, sql_add, e)))
		goto fail;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_text(st, 2, t->title, SIZE_MAX);
	stmt_bind_text(st, 3, t->body, SIZE_MAX);
	stmt_bind_text(st, 4, t->category, SIZE_MAX);
	stmt_bind_text(st, 5, t->scope_kind, SIZE_MAX);
	stmt_bind_int(st, 6, t->scope_id);
	stmt_bind_text(st, 7, t->scope_name ? t->scope_name : "", SIZE_MAX);
	stmt_bind_int(st, 8, t->raised_by);
	stmt_bind_text(st, 9, t->raiser_name ? t->raiser_name : "", SIZE_MAX);
	stmt_bind_text(st, 10, t->raiser_kind, SIZE_MAX);
	stmt_bind_int(st, 11, now);
	stmt_bind_int(st, 12, now);
	rc = stmt_step(st, e);
	if (rc == STORE_ROW)
		made.id = stmt_int(st, 0);
	stmt_done(st);
	if (rc != STORE_ROW)
		goto fail;
	made.community_id = community_id;
	if (event_add(db, &made, NULL, "proposal", t->title, t->raised_by, t->raiser_name, e) < 0 ||
	    store_commit(db, e) < 0)
		goto fail;
	arena_release(&a);
	*out = made.id;
	return 0;
fail:
	store_rollback(db);
	arena_release(&a);
	return -1;
}

int topic_list(struct store *db, json_t **out, int64_t community_id, const char *stage,
               const char *category, const char *scope_kind, int64_t user_id, struct err *e)
{
	struct stmt *st = store_prepare(db, sql_list, e);
	json_t *arr;
	int rc;
	const char *f[3] = {stage ? stage : "", category ? category : "",
	                    scope_kind ? scope_kind : ""};
	if (!st)
		return -1;
	stmt_bind_int(st, 1, user_id);
	stmt_bind_int(st, 2, community_id);
	for (int i = 0; i < 3; i++) {
		stmt_bind_text(st, 3 + 2 * i, f[i], SIZE_MAX);
		stmt_bind_text(st, 4 + 2 * i, f[i], SIZE_MAX);
	}
	arr = json_array();
	while ((rc = stmt_step(st, e)) == STORE_ROW)
		json_array_append_new(
		    arr, json_pack(
		             "{s:I, s:s, s:s, s:{s:s, s:I, s:s}, s:s, s:s, s:s, s:I, s:I, s:I, s:I,"
		             " s:b}",
		             "id", (json_int_t)stmt_int(st, 0), "title", stmt_text(st, 1),
		             "category", stmt_text(st, 2), "scope", "kind", stmt_text(st, 3), "id",
		             (json_int_t)stmt_int(st, 4), "name", stmt_text(st, 5), "raiser_name",
		             stmt_text(st, 6), "raiser_kind", stmt_text(st, 7), "stage",
		             stmt_text(st, 8), "created_at", (json_int_t)stmt_int(st, 9),
		             "updated_at", (json_int_t)stmt_int(st, 10), "support",
		             (json_int_t)stmt_int(st, 11), "comments", (json_int_t)stmt_int(st, 12),
		             "supported", stmt_int(st, 13) > 0));
	stmt_done(st);
	if (rc < 0) {
		json_decref(arr);
		return -1;
	}
	*out = arr;
	return 0;
}

int topic_get(struct store *db, struct topic *out, int64_t community_id, int64_t id,
              struct arena *a, struct err *e)
{
	struct stmt *st = store_prepare(db, sql_get, e);
	int rc;
	if (!st)
		return -1;
	stmt_bind_int(st, 1, id);
	stmt_bind_int(st, 2, community_id);
	rc = stmt_step(st, e);
	if (rc == STORE_ROW) {
		out->id = stmt_int(st, 0);
		out->community_id = stmt_int(st, 1);
		out->raised_by = stmt_int(st, 2);
		out->title = arena_strdup(a, stmt_text(st, 3));
		out->stage = arena_strdup(a, stmt_text(st, 4));
		out->category = arena_strdup(a, stmt_text(st, 5));
		out->scope_kind = arena_strdup(a, stmt_text(st, 6));
		out->scope_id = stmt_int(st, 7);
	}
	stmt_done(st);
	if (rc == STORE_DONE)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such topic");
	return rc < 0 ? -1 : 0;
}

static int view_events(struct store *db, json_t *o, const struct topic *t, struct err *e)
{
	struct stmt *st = store_prepare(db, sql_events, e);
	json_t *list = json_array();
	int rc;
	if (!st) {
		json_decref(list);
		return -1;
	}
	stmt_bind_int(st, 1, t->id);
	while ((rc = stmt_step(st, e)) == STORE_ROW)
		json_array_append_new(
		    list, json_pack("{s:o, s:s, s:s, s:I, s:s, s:I}", "from", text_or_null(st, 0),
		                    "to", stmt_text(st, 1), "note", stmt_text(st, 2), "actor_id",
		                    (json_int_t)stmt_int(st, 3), "actor", stmt_text(st, 4), "at",
		                    (json_int_t)stmt_int(st, 5)));
	stmt_done(st);
	json_object_set_new(o, "timeline", list);
	return rc < 0 ? -1 : 0;
}

static int view_comments(struct store *db, json_t *o, const struct topic *t, int64_t user_id,
                         bool staff, int64_t now, struct err *e)
{
	struct stmt *st = store_prepare(db, sql_comments, e);
	json_t *list = json_array();
	int rc;
	if (!st) {
		json_decref(list);
		return -1;
	}
	stmt_bind_int(st, 1, t->id);
	while ((rc = stmt_step(st, e)) == STORE_ROW) {
		bool mine = stmt_int(st, 3) == user_id, hidden = stmt_int(st, 6) != 0;
		json_t *c = json_pack(
		    "{s:I, s:o, s:I, s:s, s:b, s:b, s:I, s:o, s:b}", "id",
		    (json_int_t)stmt_int(st, 0), "parent_id",
		    stmt_is_null(st, 1) ? json_null() : json_integer(stmt_int(st, 1)), "depth",
		    (json_int_t)stmt_int(st, 2), "author", stmt_text(st, 4), "mine", mine, "hidden",
		    hidden, "created_at", (json_int_t)stmt_int(st, 8), "edited_at",
		    stmt_is_null(st, 9) ? json_null() : json_integer(stmt_int(st, 9)), "can_edit",
		    mine && !hidden && now - stmt_int(st, 8) <= TOPIC_EDIT_SECONDS);
		if (!hidden || mine || staff)
			json_object_set_new(c, "body", json_string(stmt_text(st, 5)));
		if (hidden)
			json_object_set_new(c, "reason", json_string(stmt_text(st, 7)));
		json_array_append_new(list, c);
	}
	stmt_done(st);
	json_object_set_new(o, "comments", list);
	return rc < 0 ? -1 : 0;
}

static int view_actions(struct store *db, json_t *o, const struct topic *t, int64_t now,
                        struct err *e)
{
	struct stmt *st = store_prepare(db, sql_actions, e);
	json_t *list = json_array();
	int rc;
	size_t overdue = 0;
	if (!st) {
		json_decref(list);
		return -1;
	}
	stmt_bind_int(st, 1, t->id);
	while ((rc = stmt_step(st, e)) == STORE_ROW) {
		bool late = topic_action_overdue(stmt_text(st, 4), stmt_text(st, 5), now);
		overdue += late;
		json_array_append_new(
		    list,
		    json_pack("{s:I, s:s, s:s, s:o, s:s, s:s, s:I, s:b, s:I, s:I, s:o}", "id",
		              (json_int_t)stmt_int(st, 0), "task", stmt_text(st, 1), "owner_name",
		              stmt_text(st, 2), "owner_user_id",
		              stmt_is_null(st, 3) ? json_null() : json_integer(stmt_int(st, 3)),
		              "due", stmt_text(st, 4), "status", stmt_text(st, 5), "percent",
		              (json_int_t)stmt_int(st, 6), "overdue", late, "created_at",
		              (json_int_t)stmt_int(st, 7), "updated_at",
		              (json_int_t)stmt_int(st, 8), "progress", json_array()));
	}
	stmt_done(st);
	if (rc < 0 || !(st = store_prepare(db, sql_progress, e))) {
		json_decref(list);
		return -1;
	}
	stmt_bind_int(st, 1, t->id);
	while ((rc = stmt_step(st, e)) == STORE_ROW) {
		size_t i;
		json_t *a;
		json_array_foreach(list, i, a)
		{
			if (json_integer_value(json_object_get(a, "id")) != stmt_int(st, 0))
				continue;
			json_array_append_new(
			    json_object_get(a, "progress"),
			    json_pack(
			        "{s:s, s:o, s:o, s:s, s:I}", "text", stmt_text(st, 1), "percent",
			        stmt_is_null(st, 2) ? json_null() : json_integer(stmt_int(st, 2)),
			        "status", text_or_null(st, 3), "actor", stmt_text(st, 4), "at",
			        (json_int_t)stmt_int(st, 5)));
			break;
		}
	}
	stmt_done(st);
	json_object_set_new(o, "actions", list);
	json_object_set_new(o, "overdue", json_integer((json_int_t)overdue));
	return rc < 0 ? -1 : 0;
}

static int view_meetings(struct store *db, json_t *o, const struct topic *t, bool staff,
                         struct err *e)
{
	struct stmt *st = store_prepare(db, sql_meetings, e);
	json_t *list = json_array();
	int rc;
	if (!st) {
		json_decref(list);
		return -1;
	}
	stmt_bind_int(st, 1, t->id);
	while ((rc = stmt_step(st, e)) == STORE_ROW) {
		const char *status = stmt_text(st, 9);
		const struct topic_template *tp = topic_template_find(stmt_text(st, 1));
		json_t *m = json_pack(
		    "{s:I, s:s, s:s, s:s, s:s, s:o, s:s, s:o, s:o, s:o, s:I, s:s, s:o, s:o, s:o}",
		    "id", (json_int_t)stmt_int(st, 0), "kind", stmt_text(st, 1), "zh",
		    tp ? tp->zh : "", "en", tp ? tp->en : "", "date", stmt_text(st, 2), "time",
		    text_or_null(st, 3), "place", stmt_text(st, 4), "chair", text_or_null(st, 5),
		    "recorder", text_or_null(st, 6), "participants", text_or_null(st, 7),
		    "attendees", (json_int_t)stmt_int(st, 8), "status", status, "published_at",
		    stmt_is_null(st, 10) ? json_null() : json_integer(stmt_int(st, 10)), "roles",
		    tp ? items_json(tp->roles, tp->nroles) : json_array(), "items", json_array());
		/* Members see a meeting is planned; the minutes once published. */
		if (!staff && strcmp(status, "published"))
			json_object_set_new(m, "items", json_null());
		json_array_append_new(list, m);
	}
	stmt_done(st);
	if (rc < 0 || !(st = store_prepare(db, sql_minutes, e))) {
		json_decref(list);
		return -1;
	}
	stmt_bind_int(st, 1, t->id);
	while ((rc = stmt_step(st, e)) == STORE_ROW) {
		size_t i;
		json_t *m;
		json_array_foreach(list, i, m)
		{
			json_t *items = json_object_get(m, "items");
			if (json_integer_value(json_object_get(m, "id")) != stmt_int(st, 1))
				continue;
			if (json_is_array(items))
				json_array_append_new(items, json_pack("{s:I, s:s, s:s, s:s}", "id",
				                                       (json_int_t)stmt_int(st, 0),
				                                       "zh", stmt_text(st, 2), "en",
				                                       stmt_text(st, 3), "minutes",
				                                       stmt_text(st, 4)));
			break;
		}
	}
	stmt_done(st);
	json_object_set_new(o, "meetings", list);
	return rc < 0 ? -1 : 0;
}

int topic_view(struct store *db, json_t **out, const struct topic *t, int64_t user_id, bool staff,
               int64_t now, struct err *e)
{
	struct stmt *st = store_prepare(db, sql_detail, e);
	const char *cats = NULL;
	int64_t threshold = 0;
	bool custom;
	json_t *o = NULL;
	int rc;
	if (!st)
		return -1;
	stmt_bind_int(st, 1, user_id);
	stmt_bind_int(st, 2, t->id);
	rc = stmt_step(st, e);
	if (rc == STORE_ROW) {
		json_t *decision = json_null();
		if (!stmt_is_null(st, 6))
			decision = json_pack(
			    "{s:s, s:s, s:o, s:I, s:s}", "outcome", stmt_text(st, 6), "decided_by",
			    stmt_text(st, 7), "vote_id",
			    stmt_is_null(st, 8) ? json_null() : json_integer(stmt_int(st, 8)),
			    "decided_at", (json_int_t)stmt_int(st, 9), "actor", stmt_text(st, 10));
		o = json_pack(
		    "{s:I, s:s, s:s, s:s, s:{s:s, s:I, s:s}, s:I, s:s, s:s, s:s, s:I, s:I,"
		    " s:o, s:I, s:b, s:b, s:b}",
		    "id", (json_int_t)t->id, "title", t->title, "body", stmt_text(st, 0),
		    "category", t->category, "scope", "kind", t->scope_kind, "id",
		    (json_int_t)t->scope_id, "name", stmt_text(st, 1), "raised_by",
		    (json_int_t)t->raised_by, "raiser_name", stmt_text(st, 2), "raiser_kind",
		    stmt_text(st, 3), "stage", t->stage, "created_at", (json_int_t)stmt_int(st, 4),
		    "updated_at", (json_int_t)stmt_int(st, 5), "decision", decision, "support",
		    (json_int_t)stmt_int(st, 11), "supported", stmt_int(st, 12) > 0, "can_manage",
		    staff, "mine", t->raised_by == user_id);
	}
	stmt_done(st);
	if (rc == STORE_DONE)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such topic");
	if (rc < 0)
		return -1;
	if (settings_load(db, t->community_id, &cats, &threshold, &custom, NULL, e) < 0 ||
	    view_events(db, o, t, e) < 0 || view_comments(db, o, t, user_id, staff, now, e) < 0 ||
	    view_actions(db, o, t, now, e) < 0 || view_meetings(db, o, t, staff, e) < 0) {
		json_decref(o);
		return -1;
	}
	json_object_set_new(o, "support_threshold", json_integer((json_int_t)threshold));
	*out = o;
	return 0;
}

int topic_move(struct store *db, const struct topic *t, const char *to, const char *note,
               int64_t actor, const char *actor_name, struct err *e)
{
	struct stmt *st;
	char stage[16] = "";
	bool decided = false;
	int rc;

	if (!topic_stage_valid(to))
		return err_set(
		    e, ERR_INVALID, "stage",
		    "stage must be proposal, discussion, decision, follow_up, closed or rejected");
	if (!note || !*note)
		return err_set(e, ERR_INVALID, "note",
		               "say why (residents see it on the timeline)");
	if (store_begin(db, e) < 0)
		return -1;
	/* The stage as it is now, inside the transaction: t->stage may be stale. */
	if (!(st = store_prepare(db, sql_stage_now, e)))
		goto fail;
	stmt_bind_int(st, 1, t->id);
	stmt_bind_int(st, 2, t->community_id);
	rc = stmt_step(st, e);
	if (rc == STORE_ROW) {
		snprintf(stage, sizeof(stage), "%s", stmt_text(st, 0));
		decided = stmt_int(st, 1) != 0;
	}
	stmt_done(st);
	if (rc == STORE_DONE)
		err_set(e, ERR_NOT_FOUND, NULL, "no such topic");
	if (rc != STORE_ROW)
		goto fail;
	if (!topic_stage_next_ok(stage, to)) {
		err_set(e, ERR_CONFLICT, "stage", "a topic in %s cannot move to %s", stage, to);
		goto fail;
	}
	if (!strcmp(stage, "decision") && !decided) {
		err_set(e, ERR_CONFLICT, "stage", "record the decision first");
		goto fail;
	}
	if (!(st = store_prepare(db, sql_set_stage, e)))
		goto fail;
	stmt_bind_text(st, 1, to, SIZE_MAX);
	stmt_bind_int(st, 2, time_now());
	stmt_bind_int(st, 3, t->id);
	stmt_bind_int(st, 4, t->community_id);
	stmt_bind_text(st, 5, stage, SIZE_MAX);
	if (stmt_exec(st, e) < 0 || event_add(db, t, stage, to, note, actor, actor_name, e) < 0 ||
	    audit_topic(db, t, actor, actor_name, "topic.stage", "topic", t->id, to, e) < 0 ||
	    store_commit(db, e) < 0)
		goto fail;
	return 0;
fail:
	store_rollback(db);
	return -1;
}

int topic_support(struct store *db, const struct topic *t, int64_t user_id, int64_t *count,
                  const char **stage_out, struct err *e)
{
	struct stmt *st;
	const char *cats;
	char stage[16] = "";
	int64_t threshold, n = 0;
	bool custom;
	int rc;

	if (store_begin(db, e) < 0)
		return -1;
	if (!(st = store_prepare(db, sql_stage_now, e)))
		goto fail;
	stmt_bind_int(st, 1, t->id);
	stmt_bind_int(st, 2, t->community_id);
	rc = stmt_step(st, e);
	if (rc == STORE_ROW) {
		snprintf(stage, sizeof(stage), "%s", stmt_text(st, 0));
	}
	stmt_done(st);
	if (rc == STORE_DONE)
		err_set(e, ERR_NOT_FOUND, NULL, "no such topic");
	if (rc != STORE_ROW)
		goto fail;
	if (strcmp(stage, "proposal") && strcmp(stage, "discussion")) {
		err_set(e, ERR_CONFLICT, NULL,
		        "support is taken while the topic is proposed or discussed");
		goto fail;
	}
	if (!(st = store_prepare(db, sql_support, e)))
		goto fail;
	stmt_bind_int(st, 1, t->id);
	stmt_bind_int(st, 2, t->community_id);
	stmt_bind_int(st, 3, user_id);
	stmt_bind_int(st, 4, time_now());
	if (stmt_exec(st, e) < 0 || count_of(db, sql_support_count, t->id, &n, e) < 0 ||
	    settings_load(db, t->community_id, &cats, &threshold, &custom, NULL, e) < 0)
		goto fail;
	*stage_out = !strcmp(stage, "proposal") ? "proposal" : "discussion";
	if (!strcmp(stage, "proposal") && n >= threshold) {
		char note[96];
		snprintf(note, sizeof(note), "附议人数达到 %lld 人，自动进入讨论",
		         (long long)threshold);
		if (!(st = store_prepare(db, sql_set_stage, e)))
			goto fail;
		stmt_bind_text(st, 1, "discussion", SIZE_MAX);
		stmt_bind_int(st, 2, time_now());
		stmt_bind_int(st, 3, t->id);
		stmt_bind_int(st, 4, t->community_id);
		stmt_bind_text(st, 5, "proposal", SIZE_MAX);
		if (stmt_exec(st, e) < 0 ||
		    event_add(db, t, "proposal", "discussion", note, 0, "", e) < 0)
			goto fail;
		*stage_out = "discussion";
	}
	if (store_commit(db, e) < 0)
		goto fail;
	*count = n;
	return 0;
fail:
	store_rollback(db);
	return -1;
}

/* ---- discussion ---- */

static bool discussable(const char *stage)
{
	return strcmp(stage, "closed") && strcmp(stage, "rejected");
}

int topic_comment_add(struct store *db, int64_t *out, const struct topic *t, int64_t parent_id,
                      int64_t author, const char *author_name, const char *body, struct err *e)
{
	struct stmt *st;
	int64_t n = 0, depth = 1;
	int rc;

	if (!discussable(t->stage))
		return err_set(e, ERR_CONFLICT, NULL, "this topic is %s", t->stage);
	if (store_begin(db, e) < 0)
		return -1;
	if (count_of(db, sql_comment_count, t->id, &n, e) < 0)
		goto fail;
	if (n >= TOPIC_COMMENTS_MAX) {
		err_set(e, ERR_CONFLICT, NULL, "this topic has %d comments already",
		        TOPIC_COMMENTS_MAX);
		goto fail;
	}
	if (parent_id > 0) {
		if (!(st = store_prepare(db, sql_comment_get, e)))
			goto fail;
		stmt_bind_int(st, 1, parent_id);
		stmt_bind_int(st, 2, t->id);
		rc = stmt_step(st, e);
		if (rc == STORE_ROW)
			depth = stmt_int(st, 0) + 1;
		stmt_done(st);
		if (rc == STORE_DONE)
			err_set(e, ERR_NOT_FOUND, "parent_id", "no such comment in this topic");
		if (rc != STORE_ROW)
			goto fail;
		if (depth > TOPIC_DEPTH_MAX) {
			err_set(e, ERR_INVALID, "parent_id",
			        "replies go at most %d deep; answer higher up", TOPIC_DEPTH_MAX);
			goto fail;
		}
	}
	if (!(st = store_prepare(db, sql_comment_add, e)))
		goto fail;
	stmt_bind_int(st, 1, t->id);
	stmt_bind_int(st, 2, t->community_id);
	if (parent_id > 0)
		stmt_bind_int(st, 3, parent_id);
	else
		stmt_bind_null(st, 3);
	stmt_bind_int(st, 4, depth);
	stmt_bind_int(st, 5, author);
	stmt_bind_text(st, 6, author_name ? author_name : "", SIZE_MAX);
	stmt_bind_text(st, 7, body, SIZE_MAX);
	stmt_bind_int(st, 8, time_now());
	rc = stmt_step(st, e);
	if (rc == STORE_ROW)
		*out = stmt_int(st, 0);
	stmt_done(st);
	if (rc != STORE_ROW || store_commit(db, e) < 0)
		goto fail;
	return 0;
fail:
	store_rollback(db);
	return -1;
}

int topic_comment_edit(struct store *db, const struct topic *t, int64_t comment_id, int64_t author,
                       const char *body, int64_t now, struct err *e)
{
	struct stmt *st;
	int64_t who = 0, at = 0, hidden = 0;
	int rc;

	if (store_begin(db, e) < 0)
		return -1;
	if (!(st = store_prepare(db, sql_comment_get, e)))
		goto fail;
	stmt_bind_int(st, 1, comment_id);
	stmt_bind_int(st, 2, t->id);
	rc = stmt_step(st, e);
	if (rc == STORE_ROW) {
		who = stmt_int(st, 1);
		at = stmt_int(st, 2);
		hidden = stmt_int(st, 3);
	}
	stmt_done(st);
	if (rc == STORE_DONE)
		err_set(e, ERR_NOT_FOUND, NULL, "no such comment");
	if (rc != STORE_ROW)
		goto fail;
	if (who != author) {
		err_set(e, ERR_FORBIDDEN, NULL, "only the author edits a comment");
		goto fail;
	}
	if (hidden) {
		err_set(e, ERR_CONFLICT, NULL, "a hidden comment cannot be edited");
		goto fail;
	}
	if (now - at > TOPIC_EDIT_SECONDS) {
		err_set(e, ERR_CONFLICT, NULL, "comments can be edited for %d minutes",
		        TOPIC_EDIT_SECONDS / 60);
		goto fail;
	}
	if (!(st = store_prepare(db, sql_comment_edit, e)))
		goto fail;
	stmt_bind_text(st, 1, body, SIZE_MAX);
	stmt_bind_int(st, 2, now);
	stmt_bind_int(st, 3, comment_id);
	stmt_bind_int(st, 4, t->id);
	if (stmt_exec(st, e) < 0 || store_commit(db, e) < 0)
		goto fail;
	return 0;
fail:
	store_rollback(db);
	return -1;
}

int topic_comment_hide(struct store *db, const struct topic *t, int64_t comment_id, bool hidden,
                       const char *reason, int64_t actor, const char *actor_name, struct err *e)
{
	struct stmt *st;
	int rc;

	if (hidden && (!reason || !*reason))
		return err_set(e, ERR_INVALID, "reason", "say why (the author and readers see it)");
	if (store_begin(db, e) < 0)
		return -1;
	if (!(st = store_prepare(db, sql_comment_get, e)))
		goto fail;
	stmt_bind_int(st, 1, comment_id);
	stmt_bind_int(st, 2, t->id);
	rc = stmt_step(st, e);
	stmt_done(st);
	if (rc == STORE_DONE)
		err_set(e, ERR_NOT_FOUND, NULL, "no such comment");
	if (rc != STORE_ROW || !(st = store_prepare(db, sql_comment_hide, e)))
		goto fail;
	stmt_bind_int(st, 1, hidden ? 1 : 0);
	bind_text_or_null(st, 2, hidden ? reason : NULL);
	stmt_bind_int(st, 3, comment_id);
	stmt_bind_int(st, 4, t->id);
	if (stmt_exec(st, e) < 0 ||
	    audit_topic(db, t, actor, actor_name,
	                hidden ? "topic_comment.hide" : "topic_comment.show", "topic_comment",
	                comment_id, reason && *reason ? reason : "", e) < 0 ||
	    store_commit(db, e) < 0)
		goto fail;
	return 0;
fail:
	store_rollback(db);
	return -1;
}

/* ---- decision and follow-up ---- */

int topic_decide(struct store *db, const struct topic *t, const char *outcome,
                 const char *decided_by, int64_t vote_id, int64_t actor, const char *actor_name,
                 struct err *e)
{
	struct stmt *st;
	int64_t now = time_now();
	if (strcmp(decided_by, "meeting") && strcmp(decided_by, "owner_vote") &&
	    strcmp(decided_by, "committee") && strcmp(decided_by, "consensus"))
		return err_set(e, ERR_INVALID, "decided_by",
		               "decided_by must be meeting, owner_vote, committee or consensus");
	if (vote_id && strcmp(decided_by, "owner_vote"))
		return err_set(e, ERR_INVALID, "vote_id",
		               "a vote_id goes with decided_by owner_vote");
	if (store_begin(db, e) < 0)
		return -1;
	if (!(st = store_prepare(db, sql_decide, e)))
		goto fail;
	stmt_bind_text(st, 1, outcome, SIZE_MAX);
	stmt_bind_text(st, 2, decided_by, SIZE_MAX);
	if (vote_id)
		stmt_bind_int(st, 3, vote_id);
	else
		stmt_bind_null(st, 3);
	stmt_bind_int(st, 4, now);
	stmt_bind_text(st, 5, actor_name ? actor_name : "", SIZE_MAX);
	stmt_bind_int(st, 6, now);
	stmt_bind_int(st, 7, t->id);
	stmt_bind_int(st, 8, t->community_id);
	if (stmt_exec(st, e) < 0)
		goto fail;
	if (store_changes(db) != 1) {
		err_set(e, ERR_CONFLICT, "stage", "a decision is recorded in the decision stage");
		goto fail;
	}
	if (audit_topic(db, t, actor, actor_name, "topic.decide", "topic", t->id, decided_by, e) <
	        0 ||
	    store_commit(db, e) < 0)
		goto fail;
	return 0;
fail:
	store_rollback(db);
	return -1;
}

int topic_action_add(struct store *db, int64_t *out, const struct topic *t, const char *task,
                     const char *owner_name, int64_t owner_user_id, const char *due, int64_t actor,
                     struct err *e)
{
	struct stmt *st;
	int64_t n = 0, now = time_now();
	int rc;
	if (!topic_date_valid(due))
		return err_set(e, ERR_INVALID, "due", "due must be a date YYYY-MM-DD");
	if (strcmp(t->stage, "decision") && strcmp(t->stage, "follow_up"))
		return err_set(e, ERR_CONFLICT, "stage",
		               "accountability items belong to the decision and follow-up stages");
	if (store_begin(db, e) < 0)
		return -1;
	if (count_of(db, sql_action_count, t->id, &n, e) < 0)
		goto fail;
	if (n >= TOPIC_ACTIONS_MAX) {
		err_set(e, ERR_CONFLICT, NULL, "this topic has %d items already",
		        TOPIC_ACTIONS_MAX);
		goto fail;
	}
	if (!(st = store_prepare(db, sql_action_add, e)))
		goto fail;
	stmt_bind_int(st, 1, t->id);
	stmt_bind_int(st, 2, t->community_id);
	stmt_bind_text(st, 3, task, SIZE_MAX);
	stmt_bind_text(st, 4, owner_name, SIZE_MAX);
	if (owner_user_id > 0)
		stmt_bind_int(st, 5, owner_user_id);
	else
		stmt_bind_null(st, 5);
	stmt_bind_text(st, 6, due, SIZE_MAX);
	stmt_bind_int(st, 7, actor);
	stmt_bind_int(st, 8, now);
	stmt_bind_int(st, 9, now);
	rc = stmt_step(st, e);
	if (rc == STORE_ROW)
		*out = stmt_int(st, 0);
	stmt_done(st);
	if (rc != STORE_ROW || store_commit(db, e) < 0)
		goto fail;
	return 0;
fail:
	store_rollback(db);
	return -1;
}

int topic_action_owner(struct store *db, bool *out, const struct topic *t, int64_t action_id,
                       int64_t user_id, struct err *e)
{
	struct stmt *st = store_prepare(db, sql_action_get, e);
	int rc;
	if (!st)
		return -1;
	stmt_bind_int(st, 1, action_id);
	stmt_bind_int(st, 2, t->id);
	rc = stmt_step(st, e);
	*out = rc == STORE_ROW && !stmt_is_null(st, 2) && stmt_int(st, 2) == user_id;
	stmt_done(st);
	if (rc == STORE_DONE)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such item");
	return rc < 0 ? -1 : 0;
}

int topic_progress_add(struct store *db, int64_t *out, const struct topic *t, int64_t action_id,
                       const char *text, int64_t percent, const char *status, int64_t actor,
                       const char *actor_name, struct err *e)
{
	struct stmt *st;
	char cur_status[16] = "";
	int64_t cur_percent = 0;
	int rc;

	if (percent < -1 || percent > 100)
		return err_set(e, ERR_INVALID, "percent", "percent must be 0 to 100");
	if (status && !topic_action_status_valid(status))
		return err_set(e, ERR_INVALID, "status",
		               "status must be open, in_progress, done or dropped");
	if (strcmp(t->stage, "decision") && strcmp(t->stage, "follow_up"))
		return err_set(e, ERR_CONFLICT, "stage",
		               "progress is reported in the decision and follow-up stages");
	if (store_begin(db, e) < 0)
		return -1;
	if (!(st = store_prepare(db, sql_action_get, e)))
		goto fail;
	stmt_bind_int(st, 1, action_id);
	stmt_bind_int(st, 2, t->id);
	rc = stmt_step(st, e);
	if (rc == STORE_ROW) {
		snprintf(cur_status, sizeof(cur_status), "%s", stmt_text(st, 0));
		cur_percent = stmt_int(st, 1);
	}
	stmt_done(st);
	if (rc == STORE_DONE)
		err_set(e, ERR_NOT_FOUND, NULL, "no such item");
	if (rc != STORE_ROW)
		goto fail;
	if (status && !strcmp(status, "done"))
		percent = 100;
	if (!(st = store_prepare(db, sql_progress_add, e)))
		goto fail;
	stmt_bind_int(st, 1, action_id);
	stmt_bind_int(st, 2, t->id);
	stmt_bind_int(st, 3, t->community_id);
	stmt_bind_text(st, 4, text, SIZE_MAX);
	if (percent >= 0)
		stmt_bind_int(st, 5, percent);
	else
		stmt_bind_null(st, 5);
	bind_text_or_null(st, 6, status);
	stmt_bind_int(st, 7, actor);
	stmt_bind_text(st, 8, actor_name ? actor_name : "", SIZE_MAX);
	stmt_bind_int(st, 9, time_now());
	rc = stmt_step(st, e);
	if (rc == STORE_ROW)
		*out = stmt_int(st, 0);
	stmt_done(st);
	if (rc != STORE_ROW || !(st = store_prepare(db, sql_action_set, e)))
		goto fail;
	/* A first report with a percent and no status means work has begun. */
	if (!status && percent > 0 && !strcmp(cur_status, "open"))
		status = "in_progress";
	stmt_bind_text(st, 1, status ? status : cur_status, SIZE_MAX);
	stmt_bind_int(st, 2, percent >= 0 ? percent : cur_percent);
	stmt_bind_int(st, 3, time_now());
	stmt_bind_int(st, 4, action_id);
	stmt_bind_int(st, 5, t->id);
	if (stmt_exec(st, e) < 0 || store_commit(db, e) < 0)
		goto fail;
	return 0;
fail:
	store_rollback(db);
	return -1;
}

/* ---- meetings ---- */

int topic_meeting_add(struct store *db, int64_t *out, const struct topic *t,
                      const struct topic_meeting_new *m, int64_t actor, struct err *e)
{
	const struct topic_template *tp = topic_template_find(m->kind);
	struct stmt *st;
	int64_t n = 0, id = 0;
	int rc;
	if (!tp)
		return err_set(e, ERR_INVALID, "kind",
		               "kind must be hearing, coordination or review");
	if (!topic_date_valid(m->date))
		return err_set(e, ERR_INVALID, "date", "date must be YYYY-MM-DD");
	if (m->time && !time_valid(m->time))
		return err_set(e, ERR_INVALID, "time", "time must be HH:MM");
	if (m->attendees < 0)
		return err_set(e, ERR_INVALID, "attendees", "attendees cannot be negative");
	if (!discussable(t->stage))
		return err_set(e, ERR_CONFLICT, "stage", "this topic is %s", t->stage);
	if (store_begin(db, e) < 0)
		return -1;
	if (count_of(db, sql_meeting_count, t->id, &n, e) < 0)
		goto fail;
	if (n >= TOPIC_MEETINGS_MAX) {
		err_set(e, ERR_CONFLICT, NULL, "this topic has %d meetings already",
		        TOPIC_MEETINGS_MAX);
		goto fail;
	}
	if (!(st = store_prepare(db, sql_meeting_add, e)))
		goto fail;
	stmt_bind_int(st, 1, t->id);
	stmt_bind_int(st, 2, t->community_id);
	stmt_bind_text(st, 3, tp->kind, SIZE_MAX);
	stmt_bind_text(st, 4, m->date, SIZE_MAX);
	bind_text_or_null(st, 5, m->time);
	stmt_bind_text(st, 6, m->place, SIZE_MAX);
	bind_text_or_null(st, 7, m->chair);
	bind_text_or_null(st, 8, m->recorder);
	bind_text_or_null(st, 9, m->participants);
	stmt_bind_int(st, 10, m->attendees);
	stmt_bind_int(st, 11, actor);
	stmt_bind_int(st, 12, time_now());
	rc = stmt_step(st, e);
	if (rc == STORE_ROW)
		id = stmt_int(st, 0);
	stmt_done(st);
	if (rc != STORE_ROW)
		goto fail;
	for (size_t i = 0; i < tp->nagenda; i++) {
		if (!(st = store_prepare(db, sql_minutes_add, e)))
			goto fail;
		stmt_bind_int(st, 1, id);
		stmt_bind_int(st, 2, t->id);
		stmt_bind_int(st, 3, t->community_id);
		stmt_bind_int(st, 4, (int64_t)i + 1);
		stmt_bind_text(st, 5, tp->agenda[i].zh, SIZE_MAX);
		stmt_bind_text(st, 6, tp->agenda[i].en, SIZE_MAX);
		if (stmt_exec(st, e) < 0)
			goto fail;
	}
	if (store_commit(db, e) < 0)
		goto fail;
	*out = id;
	return 0;
fail:
	store_rollback(db);
	return -1;
}

static int meeting_status(struct store *db, const struct topic *t, int64_t meeting_id,
                          bool *published, struct err *e)
{
	struct stmt *st = store_prepare(db, sql_meeting_status, e);
	int rc;
	if (!st)
		return -1;
	stmt_bind_int(st, 1, meeting_id);
	stmt_bind_int(st, 2, t->id);
	rc = stmt_step(st, e);
	if (rc == STORE_ROW)
		*published = !strcmp(stmt_text(st, 0), "published");
	stmt_done(st);
	if (rc == STORE_DONE)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such meeting");
	return rc < 0 ? -1 : 0;
}

int topic_minutes_put(struct store *db, const struct topic *t, int64_t meeting_id, int64_t item_id,
                      const char *minutes, struct err *e)
{
	struct stmt *st;
	bool published = false;
	if (store_begin(db, e) < 0)
		return -1;
	if (meeting_status(db, t, meeting_id, &published, e) < 0)
		goto fail;
	if (published) {
		err_set(e, ERR_CONFLICT, NULL, "published minutes are not changed");
		goto fail;
	}
	if (!(st = store_prepare(db, sql_minutes_put, e)))
		goto fail;
	stmt_bind_text(st, 1, minutes, SIZE_MAX);
	stmt_bind_int(st, 2, item_id);
	stmt_bind_int(st, 3, meeting_id);
	if (stmt_exec(st, e) < 0)
		goto fail;
	if (store_changes(db) != 1) {
		err_set(e, ERR_NOT_FOUND, NULL, "no such agenda item");
		goto fail;
	}
	if (store_commit(db, e) < 0)
		goto fail;
	return 0;
fail:
	store_rollback(db);
	return -1;
}

int topic_meeting_publish(struct store *db, const struct topic *t, int64_t meeting_id,
                          int64_t actor, const char *actor_name, struct err *e)
{
	struct stmt *st;
	bool published = false;
	if (store_begin(db, e) < 0)
		return -1;
	if (meeting_status(db, t, meeting_id, &published, e) < 0)
		goto fail;
	if (published) {
		err_set(e, ERR_CONFLICT, "status", "already published");
		goto fail;
	}
	if (!(st = store_prepare(db, sql_meeting_publish, e)))
		goto fail;
	stmt_bind_int(st, 1, time_now());
	stmt_bind_int(st, 2, meeting_id);
	stmt_bind_int(st, 3, t->id);
	if (stmt_exec(st, e) < 0 ||
	    audit_topic(db, t, actor, actor_name, "topic_meeting.publish", "topic_meeting",
	                meeting_id, NULL, e) < 0 ||
	    store_commit(db, e) < 0)
		goto fail;
	return 0;
fail:
	store_rollback(db);
	return -1;
}

const struct migration topic_migrations[] = {
    {730, "voice: topics, their timeline, support, comments, decisions, items, meetings",
     "CREATE TABLE topic_settings ("
     " community_id BIGINT PRIMARY KEY, categories TEXT NOT NULL,"
     " support_threshold BIGINT NOT NULL);"
     "CREATE TABLE topics ("
     " id @id, community_id BIGINT NOT NULL, title TEXT NOT NULL, body TEXT NOT NULL,"
     " category TEXT NOT NULL, scope_kind TEXT NOT NULL, scope_id BIGINT NOT NULL,"
     " scope_name TEXT NOT NULL, raised_by BIGINT NOT NULL, raiser_name TEXT NOT NULL,"
     " raiser_kind TEXT NOT NULL, stage TEXT NOT NULL, outcome TEXT, decided_by TEXT,"
     " vote_id BIGINT, decided_at BIGINT, decider_name TEXT,"
     " created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL);"
     "CREATE INDEX topics_community ON topics (community_id, id);"
     "CREATE TABLE topic_events ("
     " id @id, topic_id BIGINT NOT NULL REFERENCES topics(id), community_id BIGINT NOT NULL,"
     " from_stage TEXT, to_stage TEXT NOT NULL, note TEXT NOT NULL, actor_id BIGINT NOT NULL,"
     " actor_name TEXT NOT NULL, at BIGINT NOT NULL);"
     "CREATE INDEX topic_events_topic ON topic_events (topic_id, id);"
     "CREATE TABLE topic_supports ("
     " topic_id BIGINT NOT NULL REFERENCES topics(id), community_id BIGINT NOT NULL,"
     " user_id BIGINT NOT NULL, at BIGINT NOT NULL, PRIMARY KEY (topic_id, user_id));"
     "CREATE TABLE topic_comments ("
     " id @id, topic_id BIGINT NOT NULL REFERENCES topics(id), community_id BIGINT NOT NULL,"
     " parent_id BIGINT REFERENCES topic_comments(id), depth INTEGER NOT NULL,"
     " author_id BIGINT NOT NULL, author_name TEXT NOT NULL, body TEXT NOT NULL,"
     " hidden INTEGER NOT NULL, hidden_reason TEXT, created_at BIGINT NOT NULL,"
     " edited_at BIGINT);"
     "CREATE INDEX topic_comments_topic ON topic_comments (topic_id, id);"
     "CREATE TABLE topic_actions ("
     " id @id, topic_id BIGINT NOT NULL REFERENCES topics(id), community_id BIGINT NOT NULL,"
     " task TEXT NOT NULL, owner_name TEXT NOT NULL, owner_user_id BIGINT, due TEXT NOT NULL,"
     " status TEXT NOT NULL, percent INTEGER NOT NULL, created_by BIGINT NOT NULL,"
     " created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL);"
     "CREATE INDEX topic_actions_topic ON topic_actions (topic_id, id);"
     "CREATE TABLE topic_progress ("
     " id @id, action_id BIGINT NOT NULL REFERENCES topic_actions(id),"
     " topic_id BIGINT NOT NULL, community_id BIGINT NOT NULL, text TEXT NOT NULL,"
     " percent INTEGER, status TEXT, actor_id BIGINT NOT NULL, actor_name TEXT NOT NULL,"
     " at BIGINT NOT NULL);"
     "CREATE INDEX topic_progress_topic ON topic_progress (topic_id, id);"
     "CREATE TABLE topic_meetings ("
     " id @id, topic_id BIGINT NOT NULL REFERENCES topics(id), community_id BIGINT NOT NULL,"
     " kind TEXT NOT NULL, held_on TEXT NOT NULL, start_time TEXT, place TEXT NOT NULL,"
     " chair TEXT, recorder TEXT, participants TEXT, attendees BIGINT NOT NULL,"
     " status TEXT NOT NULL, created_by BIGINT NOT NULL, created_at BIGINT NOT NULL,"
     " published_at BIGINT);"
     "CREATE INDEX topic_meetings_topic ON topic_meetings (topic_id, id);"
     "CREATE TABLE topic_minutes ("
     " id @id, meeting_id BIGINT NOT NULL REFERENCES topic_meetings(id),"
     " topic_id BIGINT NOT NULL, community_id BIGINT NOT NULL, pos INTEGER NOT NULL,"
     " heading_zh TEXT NOT NULL, heading_en TEXT NOT NULL, minutes TEXT NOT NULL);"
     "CREATE INDEX topic_minutes_topic ON topic_minutes (topic_id, meeting_id, pos);"},
};
const size_t topic_migrations_n = sizeof(topic_migrations) / sizeof(topic_migrations[0]);
