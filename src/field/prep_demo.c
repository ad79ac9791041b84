/*
 * prep_demo.c - preparedness data for the demo community (prep_demo.h).
 */
#include "field/prep_demo.h"

#include "auth/auth.h"
#include "core/json.h"
#include "core/timeutil.h"
#include "field/contact.h"
#include "field/drill.h"
#include "field/plan.h"
#include "field/supply.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static int64_t user_id(struct store *db, const char *name)
{
	struct err e = ERR_INIT;
	int64_t id = 0;
	return auth_user_find(db, &id, name, &e) < 0 ? 0 : id;
}

static void day(char out[11], int days)
{
	prep_today(out, time_now() + (int64_t)days * 86400);
}

int prep_demo(struct store *db, int64_t community_id, struct err *e)
{
	int64_t worker = user_id(db, "worker"), grid = user_id(db, "grid"),
	        vol = user_id(db, "volunteer");
	struct prep_actor who = {worker, "demo", NULL};
	int64_t plan = 0, version = 0, id = 0, act = 0, qty = 0;
	char date[11];

	if (!worker)
		return 0;
	if (plan_create(db, &plan, community_id, "fire", "zh", &who, e) < 0) {
		if (e->code == ERR_CONFLICT) {
			err_clear(e);
			return 0;
		}
		return -1;
	}
	struct plan_assignment a = {"commander", grid, "张伟（第一网格）", vol, "刘洋（志愿者）"};
	if ((grid && plan_assign(db, community_id, plan, &a, &who, e) < 0) ||
	    plan_publish(db, &version, community_id, plan, &who, e) < 0)
		return -1;

	/* the community and the first grid of the tree */
	struct community c = {.id = community_id};
	struct arena ar = ARENA_INIT;
	struct contact_assignment ca = {"community", community_id, worker, "李娟（社区工作者）", grid,
	                                "张伟（第一网格）"};
	int rc = contact_assign(db, &c, &ca, &who, &ar, e);
	arena_release(&ar);
	if (rc < 0)
		return -1;

	static const struct {
		const char *name, *category, *unit, *location;
		int64_t quantity, minimum;
		int expires_in; /* days; 0: no expiry */
	} items[] = {
	    {"矿泉水", "water", "箱", "社区服务中心仓库", 120, 100, 20},
	    {"方便面", "food", "箱", "社区服务中心仓库", 40, 20, 200},
	    {"急救包", "medicine", "个", "社区卫生服务站", 12, 10, 400},
	    {"手电筒", "tools", "个", "社区服务中心仓库", 25, 40, 0},
	    {"沙袋", "tools", "个", "1号楼地下车库入口", 600, 300, 0},
	    {"折叠床", "shelter", "张", "社区活动室", 30, 20, 0},
	    {"对讲机", "communication", "部", "社区办公室", 8, 6, 0},
	};
	for (size_t i = 0; i < sizeof(items) / sizeof(items[0]); i++) {
		char exp[11] = "";
		if (items[i].expires_in)
			day(exp, items[i].expires_in);
		struct supply_input in = {items[i].name, items[i].category, items[i].unit,
		                          items[i].location, exp, "", items[i].minimum,
		                          items[i].quantity};
		if (supply_add(db, &id, community_id, &in, &who, e) < 0)
			return -1;
	}
	if (supply_adjust(db, &qty, community_id, id, -2, "演练借出", &who, e) < 0)
		return -1;

	/* a fire drill a month ago, reviewed */
	struct drill_milestone ms[] = {
	    {"发出警报", 0, 0}, {"全员通知到位", 5, 9}, {"疏散到集合点", 10, 9}, {"清点人数完毕", 15, 17}};
	day(date, -30);
	struct drill_input di = {plan, date, "3号楼5层厨房起火，烟雾进入楼道，疏散全楼住户", 46,
	                         "总指挥张伟，楼栋长6人，志愿者12人，3号楼住户27人", ms, 4};
	if (drill_add(db, &id, community_id, &di, &who, e) < 0 ||
	    drill_review_put(db, community_id, id, "楼栋长逐户敲门，疏散走楼梯，集合点秩序好。",
	                     "高层住户通知晚了4分钟；清点人数超时2分钟，名单不全。", &who,
	                     e) < 0)
		return -1;
	day(date, -10);
	if (drill_action_add(db, &act, community_id, id, "楼道加装应急广播", "物业王经理", date,
	                     e) < 0 ||
	    drill_action_done(db, community_id, id, act, true, e) < 0)
		return -1;
	day(date, 30);
	return drill_action_add(db, &act, community_id, id, "更新3号楼住户名单", "陈秀英", date, e);
}
