/*
 * demo_more.c - the demo's visits and organisations (see demo_more.h).
 *
 * The visits are written in one transaction, each checked by visit_check()
 * and stored with visit.c's columns (visit_record commits each visit on its
 * own: hundreds of syncs would make `linli init --demo` slow).  The plans and
 * the organisations go through visit.c's and org.c's own functions.
 */
#include "registry/demo_more.h"

#include "core/timeutil.h"
#include "registry/org.h"
#include "registry/visit.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static const char sql_user[] = "SELECT id, display_name FROM users WHERE username = ?";
/* The dwellings of the first two compounds, with whether anyone lives there. */
static const char sql_dwellings[] =
    "SELECT d.id, d.building_id,"
    " EXISTS (SELECT 1 FROM residents r WHERE r.dwelling_id = d.id) FROM dwellings d"
    " JOIN buildings b ON b.id = d.building_id"
    " WHERE d.community_id = ? AND b.compound_id IN"
    "  (SELECT id FROM compounds WHERE community_id = ? ORDER BY id LIMIT 2)"
    " ORDER BY d.id";
static const char sql_third[] =
    "SELECT b.id FROM buildings b WHERE b.community_id = ? AND b.compound_id ="
    " (SELECT id FROM compounds WHERE community_id = ? ORDER BY id LIMIT 1 OFFSET 2)"
    " ORDER BY b.id";
static const char sql_visit[] =
    "INSERT INTO visits (community_id, building_id, dwelling_id, outcome, notes, user_id,"
    " user_name, visited_at, follow_up, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

enum { DAY = 86400, DAYS_BACK = 60, MAX_DW = 4096 };

struct rng {
	uint32_t s;
};

static uint32_t next(struct rng *g)
{
	uint32_t x = g->s;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return g->s = x;
}

static int below(struct rng *g, int n)
{
	return (int)(next(g) % (uint32_t)n);
}

/* The date in China of UTC time t, "YYYY-MM-DD". */
static void china_date(char out[ORG_DATE_LEN + 1], int64_t t)
{
	time_t c = (time_t)(t + 8 * 3600);
	struct tm tm;
	gmtime_r(&c, &tm);
	strftime(out, ORG_DATE_LEN + 1, "%Y-%m-%d", &tm);
}

struct who {
	int64_t id;
	char name[64];
};

static int user(struct store *db, struct who *w, const char *username, struct err *e)
{
	struct stmt *st = store_prepare(db, sql_user, e);
	int s;
	w->id = 0;
	if (!st)
		return -1;
	stmt_bind_text(st, 1, username, SIZE_MAX);
	if ((s = stmt_step(st, e)) == STORE_ROW) {
		w->id = stmt_int(st, 0);
		snprintf(w->name, sizeof(w->name), "%s", stmt_text(st, 1));
	}
	stmt_done(st);
	return s < 0 ? -1 : 0;
}

/* A visit time: day d before now (0: today), in the daytime or early
 * evening in China, never after now. */
static int64_t visit_time(struct rng *g, int64_t now, int d)
{
	int64_t day = (now + 8 * 3600) / DAY - d; /* China's day number */
	int64_t t = day * DAY - 8 * 3600 + (9 + below(g, 11)) * 3600 + below(g, 60) * 60;
	return t < now ? t : now - below(g, 3600);
}

/* 19:00 plus minutes in China, day d before now. */
static int64_t evening(int64_t now, int d, int minutes)
{
	int64_t day = (now + 8 * 3600) / DAY - d;
	return day * DAY - 8 * 3600 + 19 * 3600 + minutes * 60;
}

static const char *const notes_opened[] = {
    "已登记家庭成员信息", "老人在家，身体尚可", "宣传了反诈知识", "提醒注意燃气安全",
    "反映楼道灯不亮", "询问加装电梯进展", "", "", "",
};
static const char *const notes_nobody[] = {
    "敲门无人应答，门上留了联系卡", "邻居说白天上班，晚上再来", "无人，已电话联系未接", "",
};
static const char *const notes_refused[] = {
    "住户不愿登记，表示会自行到居委会", "隔门交流，拒绝开门",
};
static const char *const notes_vacant[] = {
    "房屋空置，已联系业主", "空置，信箱积压", "待售空置",
};
static const char *const notes_new[] = {
    "新迁入租户，已登记", "新搬来一家三口，已登记信息", "新迁入，提醒办理居住登记",
};

#define PICK(g, a) (a[below(g, (int)(sizeof(a) / sizeof(a[0])))])

static int put_visit(struct store *db, int64_t community_id, int64_t building, int64_t dwelling,
                     enum visit_outcome o, const char *notes, const struct who *w, int64_t at,
                     const char *follow_up, int64_t now, struct err *e)
{
	struct visit v = {.dwelling_id = dwelling,
	                  .outcome = o,
	                  .notes = notes,
	                  .user_id = w->id,
	                  .user_name = w->name,
	                  .at = at,
	                  .follow_up = follow_up};
	struct stmt *st;
	if (visit_check(&v, now, e) < 0 || !(st = store_prepare(db, sql_visit, e)))
		return -1;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_int(st, 2, building);
	stmt_bind_int(st, 3, dwelling);
	stmt_bind_text(st, 4, visit_outcome_name(o), SIZE_MAX);
	stmt_bind_text(st, 5, notes ? notes : "", SIZE_MAX);
	stmt_bind_int(st, 6, w->id);
	stmt_bind_text(st, 7, w->name, SIZE_MAX);
	stmt_bind_int(st, 8, at);
	stmt_bind_text(st, 9, follow_up, SIZE_MAX);
	stmt_bind_int(st, 10, at);
	return stmt_exec(st, e);
}

/* The door-to-door history of the first two compounds, one transaction. */
static int visits(struct store *db, int64_t community_id, int64_t now, struct rng *g,
                  const struct who *worker, const struct who *grid, struct demo_more_stats *s,
                  struct err *e)
{
	static int64_t dw[MAX_DW][3];
	size_t n = 0;
	struct stmt *st;
	int rc;

	if (store_begin(db, e) < 0)
		return -1;
	if (!(st = store_prepare(db, sql_dwellings, e)))
		goto fail;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_int(st, 2, community_id);
	while ((rc = stmt_step(st, e)) == STORE_ROW && n < MAX_DW) {
		dw[n][0] = stmt_int(st, 0);
		dw[n][1] = stmt_int(st, 1);
		dw[n][2] = stmt_int(st, 2);
		n++;
	}
	stmt_done(st);
	if (rc < 0)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		/* the grid member walks the first compound's buildings more, the
		 * worker the second's; about one door in nine is never reached */
		const struct who *w = below(g, 3) ? (i < n / 2 ? grid : worker)
		                                   : (i < n / 2 ? worker : grid);
		int d = 3 + below(g, DAYS_BACK - 2), r = below(g, 100);
		int64_t at = visit_time(g, now, d), b = dw[i][1], id = dw[i][0];
		char fu[ORG_DATE_LEN + 1];
		s->dwellings++;
		if (r < 11)
			continue;
		s->visited++;
		if (!dw[i][2]) {
			if (put_visit(db, community_id, b, id, VISIT_VACANT, PICK(g, notes_vacant), w, at,
			              NULL, now, e) < 0)
				goto fail;
			s->visits++;
			continue;
		}
		if (r < 62) {
			rc = put_visit(db, community_id, b, id, VISIT_OPENED, PICK(g, notes_opened), w,
			               at, NULL, now, e);
		} else if (r < 86) {
			china_date(fu, at + (2 + below(g, 6)) * DAY);
			rc = put_visit(db, community_id, b, id, VISIT_NOBODY_HOME,
			               PICK(g, notes_nobody), w, at, fu, now, e);
			s->follow_ups++;
			/* most are followed up, in the evening, and open */
			if (rc == 0 && below(g, 3) && d > 8) {
				int64_t later = evening(now, d - 2 - below(g, 5), below(g, 90));
				if (later > at && later < now) {
					s->visits++;
					rc = put_visit(db, community_id, b, id, VISIT_OPENED,
					               "回访：晚上有人，已登记", w, later, NULL, now, e);
				}
			}
		} else if (r < 92) {
			china_date(fu, at + 14 * DAY);
			rc = put_visit(db, community_id, b, id, VISIT_REFUSED, PICK(g, notes_refused),
			               w, at, below(g, 2) ? fu : NULL, now, e);
		} else {
			rc = put_visit(db, community_id, b, id, VISIT_NEW_ARRIVAL, PICK(g, notes_new),
			               w, at, NULL, now, e);
		}
		if (rc < 0)
			goto fail;
		s->visits++;
	}
	return store_commit(db, e);
fail:
	store_rollback(db);
	return -1;
}

/* Plans for the third compound's buildings: the first done, the others
 * due in the coming weeks, alternately the grid member's and the worker's. */
static int plans(struct store *db, int64_t community_id, int64_t now, const struct who *worker,
                 const struct who *grid, struct demo_more_stats *s, struct err *e)
{
	int64_t b[16], id;
	size_t n = 0;
	struct stmt *st = store_prepare(db, sql_third, e);
	int rc;
	if (!st)
		return -1;
	stmt_bind_int(st, 1, community_id);
	stmt_bind_int(st, 2, community_id);
	while ((rc = stmt_step(st, e)) == STORE_ROW && n < 16)
		b[n++] = stmt_int(st, 0);
	stmt_done(st);
	if (rc < 0)
		return -1;
	for (size_t i = 0; i < n && i < 4; i++) {
		char due[ORG_DATE_LEN + 1];
		json_t *out;
		china_date(due, now + (int64_t)(7 + 7 * i) * DAY);
		if (visit_plan_add(db, &id, community_id, b[i], i % 2 ? worker->id : grid->id, due,
		                   worker->id, e) < 0)
			return -1;
		s->plans++;
		if (i == 0) {
			if (visit_plan_done(db, &out, community_id, id, true, e) < 0)
				return -1;
			json_decref(out);
		}
	}
	return 0;
}

/* ---- organisations ---- */

struct demo_offer {
	const char *kind, *description;
	int64_t quantity;
	const char *unit, *availability;
	int valid_days; /* 0: no end */
};

struct demo_org {
	const char *name, *type, *address, *notes;
	struct org_contact contacts[2];
	struct demo_offer offers[3];
	const char *agreement; /* 共建 agreement's title, or NULL */
	const char *interactions[3][2]; /* kind, notes */
};

static const struct demo_org orgs[] = {
    {"梅园路第一小学", "school", "梅园路 66 号", "辖区公办小学，约 1,200 名学生",
     {{"周红", "德育主任", "13916620101"}, {"门卫室", NULL, NULL}},
     {{"venue", "周末开放操场和篮球场，供居民锻炼", -1, NULL, "周六、周日 7:00-17:00", 0},
      {"skilled_people", "教师志愿者辅导“四点半课堂”作业", 6, "人", "工作日 16:30-18:00",
       180}},
     "校社共建：四点半课堂与周末操场开放",
     {{"event", "联合举办“开学第一课”安全教育"}, {"call", "商定寒假四点半课堂安排"}}},
    {"梅园社区卫生服务中心", "hospital", "梅园路 102 号", "家庭医生签约、慢病随访",
     {{"刘建华", "家庭医生团队长", "13801760202"}, {"王静", "公卫科", "13801760203"}},
     {{"skilled_people", "家庭医生进社区义诊，测血压血糖", 3, "人", "每月第二个周三上午", 0},
      {"venue", "健康教育室可借用办讲座", 40, "座", "工作日下午", 0},
      {"goods", "免费发放控盐勺、控油壶", 300, "套", "领完即止", 90}},
     "医社共建：家庭医生签约与慢病管理进社区",
     {{"event", "65 岁以上老人免费体检动员"}, {"visit", "走访独居老人，上门随访 12 户"},
      {"call", "商议流感疫苗接种点安排"}}},
    {"联华超市梅园店", "shop", "梅园路 120 号底商", NULL,
     {{"陈伟", "店长", "13764430303"}},
     {{"goods", "节日慰问品（米、油）", 50, "份", "春节、中秋前", 60},
      {"goods", "临期食品捐赠给困难家庭", -1, NULL, "每周五下午联系", 0}},
     NULL,
     {{"donation", "中秋慰问 30 份米油，已发放"}}},
    {"锦绣物业服务有限公司", "company", "锦绣苑 1 号楼底层", "锦绣苑、阳光花园的物业服务企业",
     {{"赵强", "项目经理", "13621880404"}, {"24 小时报修", NULL, "13621880405"}},
     {{"skilled_people", "水电维修工为高龄老人免费小修", 2, "人", "预约，每周二、四", 0},
      {"venue", "物业会议室可借用开楼组长会", 20, "座", "工作日", 0}},
     "党建引领物业共建：小区治理联席会议",
     {{"event", "联席会议：楼道堆物清理方案"}, {"call", "电梯维保与加装电梯沟通"}}},
    {"阳光社会工作服务中心", "social_org", "梅园路 88 弄 3 号楼 101 室",
     "民办非企业单位，承接为老服务和青少年项目",
     {{"孙悦", "项目主管", "13585560505"}},
     {{"skilled_people", "持证社工开展独居老人探访", 4, "人", "每周一至周五", 365},
      {"skilled_people", "心理咨询师一对一疏导", 1, "人", "每月两次，预约", 0}},
     "社区为老服务项目协议",
     {{"event", "重阳节独居老人茶话会"}, {"visit", "共同走访困难家庭 8 户"}}},
    {"工商银行梅园支行", "company", "梅园路 150 号", NULL,
     {{"吴敏", "网点主任", "13918870606"}},
     {{"skilled_people", "反诈、防范养老诈骗宣讲", 2, "人", "每季度一次", 0},
      {"money", "助老公益金", 20000, "元", "年度申请", 365}},
     NULL,
     {{"event", "防范养老诈骗讲座，60 人参加"}}},
    {"梅园派出所", "government", "梅园路 200 号", "社区民警驻点每周二下午",
     {{"黄警官", "社区民警", "13817790707"}},
     {{"skilled_people", "社区民警入户宣传反诈", 1, "人", "每周二下午", 0}},
     NULL,
     {{"visit", "陪同走访出租屋，核对租户信息"}, {"call", "电动车楼道充电隐患排查"}}},
    {"滨江幼儿园", "school", "滨江大道 1600 号", NULL,
     {{"郑丽", "园长", "13671120808"}},
     {{"venue", "暑期开放多功能厅办亲子活动", 60, "座", "7-8 月", 120}},
     NULL,
     {{"event", "六一亲子游园会"}}},
    {"邻里书画社", "social_org", "阳光花园活动室", "居民自发的书画团体，约 30 名成员",
     {{"钱老师", "社长", "13524450909"}},
     {{"skilled_people", "春节义写春联", 8, "人", "腊月", 0},
      {"skilled_people", "周末少儿书法班", 2, "人", "周六上午", 0}},
     NULL,
     {{"event", "迎春义写春联 400 副"}}},
    {"顺丰速运梅园营业点", "company", "梅园路 130 号", NULL,
     {{"何斌", "站长", "13482231010"}},
     {{"skilled_people", "快递小哥兼任“移动网格员”，发现异常及时报告", 12, "人", "日常", 0},
      {"venue", "门店可临时存放社区物资", -1, NULL, "营业时间", 0}},
     NULL,
     {{"call", "约定独居老人异常情况报告方式"}}},
    {"梅园律师事务所", "company", "梅园路 210 号 5 楼", NULL,
     {{"孙律师", "合伙人", "13901121111"}},
     {{"skilled_people", "每月一次免费法律咨询", 1, "人", "每月最后一个周六上午", 0}},
     NULL,
     {{"event", "遗嘱与继承法律讲座"}}},
};

static int one_org(struct store *db, int64_t community_id, int64_t now, const struct demo_org *o,
                   const struct who *worker, struct demo_more_stats *s, struct err *e)
{
	struct org_input in = {.name = o->name, .type = o->type, .address = o->address,
	                       .notes = o->notes, .contacts = o->contacts};
	int64_t org, id;
	char start[ORG_DATE_LEN + 1], end[ORG_DATE_LEN + 1], until[ORG_DATE_LEN + 1];
	while (in.ncontacts < 2 && o->contacts[in.ncontacts].name)
		in.ncontacts++;
	if (org_add(db, &org, community_id, &in, e) < 0)
		return -1;
	s->orgs++;
	s->contacts += (int64_t)in.ncontacts;
	for (size_t i = 0; i < 3 && o->offers[i].kind; i++) {
		const struct demo_offer *d = &o->offers[i];
		struct org_offer of = {.kind = d->kind,
		                       .description = d->description,
		                       .quantity = d->quantity,
		                       .unit = d->unit,
		                       .availability = d->availability};
		if (d->valid_days) {
			china_date(until, now + (int64_t)d->valid_days * DAY);
			of.valid_until = until;
		}
		if (org_offer_add(db, &id, community_id, org, &of, e) < 0)
			return -1;
		s->offers++;
	}
	if (o->agreement) {
		china_date(start, now - 200 * DAY);
		china_date(end, now + 530 * DAY);
		if (org_agreement_add(db, &id, community_id, org, o->agreement, start, end,
		                      "每年评估一次，双方各指定一名联络人", e) < 0)
			return -1;
		s->agreements++;
	}
	for (size_t i = 0; i < 3 && o->interactions[i][0]; i++) {
		char date[ORG_DATE_LEN + 1];
		china_date(date, now - (int64_t)(10 + 37 * i + (size_t)(o - orgs) * 3) * DAY);
		if (org_interaction_add(db, &id, community_id, org, date, o->interactions[i][0],
		                        o->interactions[i][1], worker->id, worker->name, e) < 0)
			return -1;
		s->interactions++;
	}
	return 0;
}

int demo_more_at(struct store *db, int64_t community_id, int64_t now,
                 struct demo_more_stats *stats, struct err *e)
{
	struct demo_more_stats s = {0};
	struct who worker, grid;
	struct rng g = {0x9E3779B9u};
	if (user(db, &worker, "worker", e) < 0 || user(db, &grid, "grid", e) < 0)
		return -1;
	if (!worker.id || !grid.id)
		return err_set(e, ERR_NOT_FOUND, "worker",
		               "the demo accounts worker and grid are needed");
	if (visits(db, community_id, now, &g, &worker, &grid, &s, e) < 0 ||
	    plans(db, community_id, now, &worker, &grid, &s, e) < 0)
		return -1;
	for (size_t i = 0; i < sizeof(orgs) / sizeof(orgs[0]); i++)
		if (one_org(db, community_id, now, &orgs[i], &worker, &s, e) < 0)
			return -1;
	if (stats)
		*stats = s;
	return 0;
}

int demo_more(struct store *db, int64_t community_id, struct err *e)
{
	return demo_more_at(db, community_id, time_now(), NULL, e);
}
