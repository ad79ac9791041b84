/*
 * test_topic.c - topics (src/voice/topic.c).
 *
 * One temporary database, migrated with all_migrations(), holds two
 * communities of one street, each with a compound.  What is tried: every
 * stage move allowed and forbidden (the pure table and through topic_move,
 * including leaving `decision` without a decision), support counted once
 * per user and the automatic move into discussion exactly at the
 * threshold, the reply depth limit (3 deep yes, 4 no), the edit window at
 * its boundary, hidden comments as each reader sees them with the audit
 * entry written, dates and overdue at their boundaries (Beijing midnight),
 * the templates' agendas copied into a meeting, and another community's
 * topic not found.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "auth/auth.h"
#include "core/timeutil.h"
#include "registry/structure.h"
#include "routes.h"
#include "voice/topic.h"

#include "testutil.h"

#include <stdio.h>
#include <string.h>

static struct {
	char *dir;
	struct store *db;
	int64_t s1, c1, c2, p1;
	struct arena a;
} fx;

static int group_setup(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	char p[4200];
	size_t n = 0;
	const struct migration *m = all_migrations(&n);

	arena_init(&fx.a);
	if (!(fx.dir = tmpdir_make()))
		return -1;
	tmpdir_path(p, sizeof(p), fx.dir, "topic.sqlite");
	if (store_open(&fx.db, p, NULL, &e) < 0 || store_migrate(fx.db, m, n, NULL, &e) < 0 ||
	    structure_street_add(fx.db, &fx.s1, "东湖街道", &e) < 0 ||
	    structure_community_add(fx.db, &fx.c1, fx.s1, "幸福社区", &e) < 0 ||
	    structure_community_add(fx.db, &fx.c2, fx.s1, "和平社区", &e) < 0 ||
	    structure_compound_add(fx.db, &fx.p1, fx.c1, "幸福小区", 0, NULL, &e) < 0) {
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

/* A new topic in the community, loaded back. */
static struct topic new_topic(int64_t community, const char *title)
{
	struct err e = ERR_INIT;
	struct topic_new tn = {.title = title,
	                       .body = "正文",
	                       .category = "停车",
	                       .scope_kind = "community",
	                       .scope_id = community,
	                       .scope_name = "社区",
	                       .raised_by = 7,
	                       .raiser_name = "居民",
	                       .raiser_kind = "resident"};
	struct topic t;
	int64_t id = 0;
	assert_int_equal(topic_add(fx.db, &id, community, &tn, &e), 0);
	assert_int_equal(topic_get(fx.db, &t, community, id, &fx.a, &e), 0);
	return t;
}

static void reload(struct topic *t)
{
	struct err e = ERR_INIT;
	assert_int_equal(topic_get(fx.db, t, t->community_id, t->id, &fx.a, &e), 0);
}

static void test_stage_table(void **state)
{
	(void)state;
	const char *all[] = {"proposal",  "discussion", "decision",
	                     "follow_up", "closed",     "rejected"};
	const char *ok[][2] = {
	    {"proposal", "discussion"}, {"proposal", "rejected"},  {"discussion", "decision"},
	    {"discussion", "rejected"}, {"decision", "follow_up"}, {"decision", "closed"},
	    {"follow_up", "closed"},
	};
	size_t allowed = 0;
	for (size_t i = 0; i < 6; i++) {
		assert_true(topic_stage_valid(all[i]));
		for (size_t j = 0; j < 6; j++) {
			bool want = false;
			for (size_t k = 0; k < sizeof(ok) / sizeof(ok[0]); k++)
				want |= !strcmp(ok[k][0], all[i]) && !strcmp(ok[k][1], all[j]);
			assert_int_equal(topic_stage_next_ok(all[i], all[j]), want);
			allowed += want;
		}
	}
	assert_int_equal(allowed, 7);
	assert_false(topic_stage_valid("voting"));
	assert_false(topic_stage_valid(""));
	/* nothing leaves the final stages, nothing goes back */
	assert_false(topic_stage_next_ok("closed", "follow_up"));
	assert_false(topic_stage_next_ok("rejected", "proposal"));
	assert_false(topic_stage_next_ok("discussion", "proposal"));
	assert_false(topic_stage_next_ok("follow_up", "rejected"));
}

static void test_moves_through_the_store(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	struct topic t = new_topic(fx.c1, "加装电梯");
	json_t *v;

	assert_int_equal(topic_move(fx.db, &t, "decision", "跳过讨论", 1, "李娟", &e), -1);
	assert_int_equal(e.code, ERR_CONFLICT);
	assert_string_equal(e.field, "stage");
	err_clear(&e);
	assert_int_equal(topic_move(fx.db, &t, "discussion", "", 1, "李娟", &e), -1);
	assert_string_equal(e.field, "note");
	err_clear(&e);
	assert_int_equal(topic_move(fx.db, &t, "discussion", "开始讨论", 1, "李娟", &e), 0);
	assert_int_equal(topic_move(fx.db, &t, "decision", "进入决策", 1, "李娟", &e), 0);
	/* out of decision only with a decision recorded */
	assert_int_equal(topic_move(fx.db, &t, "follow_up", "落实", 1, "李娟", &e), -1);
	assert_int_equal(e.code, ERR_CONFLICT);
	err_clear(&e);
	reload(&t);
	assert_int_equal(topic_decide(fx.db, &t, "同意", "vote", 0, 1, "李娟", &e), -1);
	assert_string_equal(e.field, "decided_by");
	err_clear(&e);
	assert_int_equal(topic_decide(fx.db, &t, "同意", "meeting", 5, 1, "李娟", &e), -1);
	assert_string_equal(e.field, "vote_id");
	err_clear(&e);
	assert_int_equal(topic_decide(fx.db, &t, "同意", "meeting", 0, 1, "李娟", &e), 0);
	assert_int_equal(topic_move(fx.db, &t, "follow_up", "落实", 1, "李娟", &e), 0);
	/* a decision is recorded only in the decision stage */
	reload(&t);
	assert_int_equal(topic_decide(fx.db, &t, "改主意", "meeting", 0, 1, "李娟", &e), -1);
	assert_int_equal(e.code, ERR_CONFLICT);
	err_clear(&e);
	assert_int_equal(topic_move(fx.db, &t, "closed", "完成", 1, "李娟", &e), 0);
	assert_int_equal(topic_move(fx.db, &t, "follow_up", "重开", 1, "李娟", &e), -1);
	err_clear(&e);

	reload(&t);
	assert_string_equal(t.stage, "closed");
	assert_int_equal(topic_view(fx.db, &v, &t, 7, false, time_now(), &e), 0);
	json_t *tl = json_object_get(v, "timeline");
	assert_int_equal(json_array_size(tl), 5);
	assert_true(json_is_null(json_object_get(json_array_get(tl, 0), "from")));
	assert_string_equal(json_string_value(json_object_get(json_array_get(tl, 4), "to")),
	                    "closed");
	assert_string_equal(json_string_value(json_object_get(json_array_get(tl, 4), "actor")),
	                    "李娟");
	json_decref(v);
}

static void test_support_once_and_threshold(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	struct topic t = new_topic(fx.c1, "停车方案");
	const char *names[] = {"停车", "其他"};
	const char *stage = NULL;
	int64_t n = 0;

	assert_int_equal(topic_settings_put(fx.db, fx.c1, names, 2, 3, &e), 0);
	assert_int_equal(topic_support(fx.db, &t, 100, &n, &stage, &e), 0);
	assert_int_equal(n, 1);
	assert_int_equal(topic_support(fx.db, &t, 100, &n, &stage, &e), 0);
	assert_int_equal(n, 1); /* once per user */
	assert_int_equal(topic_support(fx.db, &t, 101, &n, &stage, &e), 0);
	assert_int_equal(n, 2);
	assert_string_equal(stage, "proposal"); /* one below the threshold */
	assert_int_equal(topic_support(fx.db, &t, 102, &n, &stage, &e), 0);
	assert_int_equal(n, 3);
	assert_string_equal(stage, "discussion"); /* exactly at it */
	reload(&t);
	assert_string_equal(t.stage, "discussion");
	/* support goes on in discussion without moving anything */
	assert_int_equal(topic_support(fx.db, &t, 103, &n, &stage, &e), 0);
	assert_int_equal(n, 4);
	assert_string_equal(stage, "discussion");

	/* a category not in the community's list is refused, by name */
	struct topic_new tn = {.title = "x",
	                       .body = "y",
	                       .category = "加装电梯",
	                       .scope_kind = "community",
	                       .scope_id = fx.c1,
	                       .raised_by = 1,
	                       .raiser_kind = "resident"};
	int64_t id;
	assert_int_equal(topic_add(fx.db, &id, fx.c1, &tn, &e), -1);
	assert_string_equal(e.field, "category");
	err_clear(&e);
	/* bad settings name their field */
	assert_int_equal(topic_settings_put(fx.db, fx.c1, names, 2, 0, &e), -1);
	assert_string_equal(e.field, "support_threshold");
	err_clear(&e);
	const char *dup[] = {"停车", "停车"};
	assert_int_equal(topic_settings_put(fx.db, fx.c1, dup, 2, 3, &e), -1);
	assert_string_equal(e.field, "categories");
	err_clear(&e);
	const char *nl[] = {"停\n车"};
	assert_int_equal(topic_settings_put(fx.db, fx.c1, nl, 1, 3, &e), -1);
	assert_string_equal(e.field, "categories");
	err_clear(&e);
	/* restore the defaults' category for the other tests */
	const char *back[] = {"停车", "其他", "加装电梯"};
	assert_int_equal(topic_settings_put(fx.db, fx.c1, back, 3, 5, &e), 0);
}

static void test_depth_limit_and_edit_window(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	struct topic t = new_topic(fx.c1, "楼道堆物");
	int64_t c1, c2, c3, c4;
	json_t *v;

	assert_int_equal(topic_comment_add(fx.db, &c1, &t, 0, 10, "甲", "一", &e), 0);
	assert_int_equal(topic_comment_add(fx.db, &c2, &t, c1, 11, "乙", "二", &e), 0);
	assert_int_equal(topic_comment_add(fx.db, &c3, &t, c2, 10, "甲", "三", &e), 0);
	assert_int_equal(topic_comment_add(fx.db, &c4, &t, c3, 11, "乙", "四", &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
	assert_string_equal(e.field, "parent_id");
	err_clear(&e);
	assert_int_equal(topic_comment_add(fx.db, &c4, &t, INT64_MAX, 11, "乙", "四", &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	err_clear(&e);

	int64_t now = time_now();
	assert_int_equal(topic_comment_edit(fx.db, &t, c1, 11, "改", now, &e), -1);
	assert_int_equal(e.code, ERR_FORBIDDEN);
	err_clear(&e);
	assert_int_equal(topic_comment_edit(fx.db, &t, c1, 10, "一（改）", now, &e), 0);
	assert_int_equal(
	    topic_comment_edit(fx.db, &t, c1, 10, "晚了", now + TOPIC_EDIT_SECONDS + 60, &e), -1);
	assert_int_equal(e.code, ERR_CONFLICT);
	err_clear(&e);

	/* hidden: the reason is required; readers see the reason, not the text */
	assert_int_equal(topic_comment_hide(fx.db, &t, c2, true, "", 1, "李娟", &e), -1);
	assert_string_equal(e.field, "reason");
	err_clear(&e);
	assert_int_equal(topic_comment_hide(fx.db, &t, c2, true, "人身攻击", 1, "李娟", &e), 0);
	assert_int_equal(topic_view(fx.db, &v, &t, 10, false, now, &e), 0);
	json_t *hid = json_array_get(json_object_get(v, "comments"), 1);
	assert_true(json_is_true(json_object_get(hid, "hidden")));
	assert_null(json_object_get(hid, "body"));
	assert_string_equal(json_string_value(json_object_get(hid, "reason")), "人身攻击");
	json_decref(v);
	assert_int_equal(topic_view(fx.db, &v, &t, 11, false, now, &e), 0); /* the author */
	hid = json_array_get(json_object_get(v, "comments"), 1);
	assert_string_equal(json_string_value(json_object_get(hid, "body")), "二");
	json_decref(v);
	int64_t count = 0;
	/* the hide is in the audit log under the comment's subject */
	char subject[64];
	snprintf(subject, sizeof(subject), "topic_comment:%lld", (long long)c2);
	assert_int_equal(
	    audit_count_since(fx.db, &count, "topic_comment.hide", subject, false, 0, &e), 0);
	assert_int_equal(count, 1);

	/* closed topics take no comments */
	assert_int_equal(topic_move(fx.db, &t, "rejected", "不属于社区事务", 1, "李娟", &e), 0);
	reload(&t);
	assert_int_equal(topic_comment_add(fx.db, &c4, &t, 0, 10, "甲", "还有", &e), -1);
	assert_int_equal(e.code, ERR_CONFLICT);
}

static void test_dates_and_overdue(void **state)
{
	(void)state;
	char today[11];
	assert_true(topic_date_valid("2024-02-29"));
	assert_false(topic_date_valid("2025-02-29"));
	assert_true(topic_date_valid("2000-02-29"));
	assert_false(topic_date_valid("2025-04-31"));
	assert_true(topic_date_valid("2025-12-31"));
	assert_false(topic_date_valid("2025-13-01"));
	assert_false(topic_date_valid("2025-1-01"));
	assert_false(topic_date_valid("1999-12-31"));
	assert_false(topic_date_valid(""));

	/* 2025-03-10 16:00:00 UTC is 2025-03-11 00:00 in Beijing */
	const int64_t midnight = 1741622400;
	topic_today(today, midnight - 1);
	assert_string_equal(today, "2025-03-10");
	topic_today(today, midnight);
	assert_string_equal(today, "2025-03-11");
	/* due on the 10th: not overdue during the 10th, overdue from the 11th */
	assert_false(topic_action_overdue("2025-03-10", "open", midnight - 1));
	assert_true(topic_action_overdue("2025-03-10", "open", midnight));
	assert_true(topic_action_overdue("2025-03-10", "in_progress", midnight));
	assert_false(topic_action_overdue("2025-03-10", "done", midnight));
	assert_false(topic_action_overdue("2025-03-10", "dropped", midnight));
	assert_true(topic_action_status_valid("in_progress"));
	assert_false(topic_action_status_valid("late"));
}

static void test_actions_and_meetings(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	struct topic t = new_topic(fx.c1, "公共空间改造");
	struct topic_meeting_new m = {.kind = "coordination",
	                              .date = "2026-04-01",
	                              .time = "19:30",
	                              .place = "活动室",
	                              .attendees = 12};
	int64_t a, p, mid;
	bool owner = false;
	json_t *v;

	assert_int_equal(topic_action_add(fx.db, &a, &t, "出方案", "物业", 0, "2026-05-01", 1, &e),
	                 -1);
	assert_int_equal(e.code, ERR_CONFLICT); /* not decided yet */
	err_clear(&e);
	assert_int_equal(topic_meeting_add(fx.db, &mid, &t, &m, 1, &e), 0);
	assert_int_equal(topic_move(fx.db, &t, "discussion", "讨论", 1, "李娟", &e), 0);
	assert_int_equal(topic_move(fx.db, &t, "decision", "决策", 1, "李娟", &e), 0);
	reload(&t);
	assert_int_equal(topic_action_add(fx.db, &a, &t, "出方案", "物业", 42, "2026-02-30", 1, &e),
	                 -1);
	assert_string_equal(e.field, "due");
	err_clear(&e);
	assert_int_equal(topic_action_add(fx.db, &a, &t, "出方案", "物业", 42, "2000-01-01", 1, &e),
	                 0);
	assert_int_equal(topic_action_owner(fx.db, &owner, &t, a, 42, &e), 0);
	assert_true(owner);
	assert_int_equal(topic_action_owner(fx.db, &owner, &t, a, 43, &e), 0);
	assert_false(owner);
	assert_int_equal(topic_progress_add(fx.db, &p, &t, a, "开始", 30, NULL, 42, "物业", &e), 0);

	assert_int_equal(topic_view(fx.db, &v, &t, 7, false, time_now(), &e), 0);
	json_t *act = json_array_get(json_object_get(v, "actions"), 0);
	assert_true(json_is_true(json_object_get(act, "overdue")));
	assert_string_equal(json_string_value(json_object_get(act, "status")), "in_progress");
	assert_int_equal(json_integer_value(json_object_get(act, "percent")), 30);
	assert_int_equal(json_integer_value(json_object_get(v, "overdue")), 1);
	json_t *mt = json_array_get(json_object_get(v, "meetings"), 0);
	assert_true(json_is_null(json_object_get(mt, "items"))); /* draft, for a member */
	json_decref(v);
	assert_int_equal(topic_view(fx.db, &v, &t, 1, true, time_now(), &e), 0);
	mt = json_array_get(json_object_get(v, "meetings"), 0);
	assert_int_equal(json_array_size(json_object_get(mt, "items")),
	                 topic_template_find("coordination")->nagenda);
	assert_string_equal(json_string_value(json_object_get(
	                        json_array_get(json_object_get(mt, "items"), 0), "zh")),
	                    topic_template_find("coordination")->agenda[0].zh);
	json_decref(v);

	m.kind = "picnic";
	assert_int_equal(topic_meeting_add(fx.db, &mid, &t, &m, 1, &e), -1);
	assert_string_equal(e.field, "kind");
	err_clear(&e);
	assert_non_null(topic_template_find("hearing"));
	assert_non_null(topic_template_find("review"));
	assert_null(topic_template_find("picnic"));
}

static void test_other_community_not_found(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	struct topic t = new_topic(fx.c2, "别处");
	struct topic got;
	const char *name = NULL;
	assert_int_equal(topic_get(fx.db, &got, fx.c1, t.id, &fx.a, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	err_clear(&e);
	/* a compound of community 1 is not a place in community 2 */
	assert_int_equal(structure_node_in(fx.db, fx.c2, "compound", fx.p1, &name, &fx.a, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	assert_string_equal(e.field, "scope_id");
	err_clear(&e);
	assert_int_equal(structure_node_in(fx.db, fx.c1, "compound", fx.p1, &name, &fx.a, &e), 0);
	assert_string_equal(name, "幸福小区");
	assert_int_equal(structure_node_in(fx.db, fx.c1, "community", fx.c2, &name, &fx.a, &e), -1);
	err_clear(&e);
	assert_int_equal(structure_node_in(fx.db, fx.c1, "planet", 1, &name, &fx.a, &e), -1);
	assert_string_equal(e.field, "scope");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_stage_table),
	    cmocka_unit_test(test_moves_through_the_store),
	    cmocka_unit_test(test_support_once_and_threshold),
	    cmocka_unit_test(test_depth_limit_and_edit_window),
	    cmocka_unit_test(test_dates_and_overdue),
	    cmocka_unit_test(test_actions_and_meetings),
	    cmocka_unit_test(test_other_community_not_found),
	};
	return cmocka_run_group_tests_name("voice/topic", tests, group_setup, group_teardown);
}
