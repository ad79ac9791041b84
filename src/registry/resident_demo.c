/*
 * resident_demo.c - the demo community's residents (see resident_demo.h).
 *
 * A household is drawn from a small table of kinds (an old person alone, an
 * old couple, a young couple, parents with children, three generations, a
 * single tenant, ...) with weights chosen so that an old compound's figures
 * come out: about 22 % of the residents over 60.  Every random choice comes
 * from one xorshift stream started at the seed, so a seed gives the same
 * register (on the same day: ages are counted back from today).
 *
 * ID numbers must be unique in a community (resident_add refuses a second
 * one, and on PostgreSQL a failed insert would spoil the transaction), so
 * each (region, birth date, sequence) is remembered in a small open-address
 * set and the sequence moves on when it is taken.
 */
#include "registry/resident_demo.h"

#include "core/arena.h"
#include "registry/idcard.h"
#include "registry/org.h"
#include "registry/resident.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char sql_dwellings[] =
    "SELECT id FROM dwellings WHERE community_id = ? ORDER BY id";

static const char *const surnames[] = {
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱",
    "胡", "郭", "何", "林", "高", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯",
    "邓", "曹", "彭", "曾", "沈", "顾", "陆", "蒋", "钱", "汪", "欧阳", "司马",
};
/* Given names by sex; old ones for people born before about 1965. */
static const char *const male_old[] = {"建国", "国强", "志明", "德华", "文斌", "永福", "金龙",
                                       "宝根", "伟",   "强",   "军",   "明",   "勇",   "福生"};
static const char *const female_old[] = {"秀英", "桂英", "玉兰", "凤英", "淑珍", "美华", "秀珍",
                                         "翠花", "芳",   "英",   "兰",   "华",   "娟",   "萍"};
static const char *const male_new[] = {"浩然", "子轩", "宇航", "俊杰", "嘉豪", "晨阳", "志强",
                                       "磊",   "鹏",   "杰",   "涛",   "斌",   "超",   "昊"};
static const char *const female_new[] = {"欣怡", "梓涵", "雨婷", "佳怡", "诗琪", "晓燕", "丽娜",
                                         "静",   "敏",   "婷",   "丹",   "颖",   "莉",   "琳"};
static const char *const skill_list[] = {"电工",   "水管维修", "护理", "心理咨询", "法律",
                                         "驾驶",   "外语",     "厨艺", "电脑",     "理发",
                                         "家电维修", "书法",   "急救", "会计"};
/* The demo city (Shanghai: 310104 徐汇区, 310115 浦东新区) and where many
 * tenants come from (Anhui, Jiangsu, Henan, Sichuan, Jiangxi). */
static const char *const city_regions[] = {"310104", "310115"};
static const char *const away_regions[] = {"340104", "320102", "410105", "510107", "360102"};
static const char *const mobile_prefixes[] = {"138", "139", "136", "135", "150", "151",
                                              "158", "159", "186", "187", "188", "177",
                                              "133", "153", "180", "189", "199", "130"};

#define N(a) (sizeof(a) / sizeof((a)[0]))

struct gen {
	uint32_t state;
	int64_t today_days; /* days since 1970-01-01 */
	uint64_t *used;     /* ID keys taken (0: free) */
	size_t used_cap;
	char names[5][64];  /* the names given in the current household */
	int nnames;
};

static uint32_t rnd(struct gen *g)
{
	uint32_t x = g->state;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return g->state = x;
}

static uint32_t below(struct gen *g, uint32_t n)
{
	return rnd(g) % n;
}

static int between(struct gen *g, int lo, int hi)
{
	return lo + (int)below(g, (uint32_t)(hi - lo + 1));
}

/* Days since 1970-01-01 of a civil date, and back (H. Hinnant's algorithms). */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

struct person {
	int age;
	bool male;
	const char *relation;
	const char *surname; /* NULL: draw one */
};

/* Remembers key; false when it was already taken. */
static bool take_key(struct gen *g, uint64_t key)
{
	size_t i = (size_t)(key * 0x9E3779B97F4A7C15ull >> 20) & (g->used_cap - 1);
	while (g->used[i]) {
		if (g->used[i] == key)
			return false;
		i = (i + 1) & (g->used_cap - 1);
	}
	g->used[i] = key;
	return true;
}

/* A valid ID number for someone born on day `born` (days since 1970). */
static void make_id(struct gen *g, char out[IDCARD_LEN + 1], const char *region, int64_t born,
                    bool male)
{
	int y, m, d;
	civil_from_days(born, &y, &m, &d);
	int seq = between(g, 0, 499) * 2 + (male ? 1 : 0);
	for (;;) {
		uint64_t key = ((uint64_t)atoi(region) * 100000000ull + (uint64_t)y * 10000 +
		                (uint64_t)m * 100 + (uint64_t)d) * 1000 + (uint64_t)seq + 1;
		if (take_key(g, key))
			break;
		seq = (seq + 2) % 1000;
	}
	snprintf(out, IDCARD_LEN + 1, "%.6s%04d%02d%02d%03d", region, y, m, d, seq);
	out[17] = idcard_check_char(out);
	out[18] = '\0';
}

static const char *given_name(struct gen *g, bool male, int birth_year)
{
	bool old = birth_year < 1965;
	if (male)
		return old ? male_old[below(g, N(male_old))] : male_new[below(g, N(male_new))];
	return old ? female_old[below(g, N(female_old))] : female_new[below(g, N(female_new))];
}

/* Adds one person to dwelling; counts in *st. */
static int add_person(struct store *db, struct gen *g, int64_t community_id, int64_t dwelling,
                      const struct person *p, const char *residency, bool away,
                      bool alone, struct resident_demo_stats *st, struct err *e)
{
	struct resident_input in = {0};
	char id[IDCARD_LEN + 1], name[64], phone[16], skills[64] = "";
	int64_t born = g->today_days - ((int64_t)p->age * 365 + p->age / 4 + 1 + below(g, 364));
	int y, m, d;
	int64_t rid;
	civil_from_days(born, &y, &m, &d);
	/* two people of one household never share a name (the import would
	 * rightly take them for one person entered twice) */
	for (int tries = 0;; tries++) {
		bool taken = false;
		snprintf(name, sizeof(name), "%s%s",
		         p->surname ? p->surname : surnames[below(g, N(surnames))],
		         given_name(g, p->male, y));
		for (int k = 0; k < g->nnames; k++)
			taken |= !strcmp(g->names[k], name);
		if (!taken || tries == 50)
			break;
	}
	if (g->nnames < 5)
		snprintf(g->names[g->nnames++], sizeof(g->names[0]), "%s", name);
	make_id(g, id, away ? away_regions[below(g, N(away_regions))]
	                    : city_regions[below(g, N(city_regions))],
	        born, p->male);
	in.name = name;
	in.id_number = id;
	in.relation = p->relation;
	in.residency = residency;
	in.dwelling_id = dwelling;
	in.volunteer_willing = 0;
	/* most adults carry a phone; fewer of the very old */
	if (p->age >= 14 && below(g, 100) < (p->age >= 80 ? 55u : 93u)) {
		snprintf(phone, sizeof(phone), "%s%08u", mobile_prefixes[below(g, N(mobile_prefixes))],
		         below(g, 100000000));
		in.phone = phone;
	}
	if (p->age >= 18 && p->age <= 75 && below(g, 100) < 11) {
		const char *a = skill_list[below(g, N(skill_list))];
		const char *b = below(g, 3) == 0 ? skill_list[below(g, N(skill_list))] : NULL;
		snprintf(skills, sizeof(skills), "%s%s%s", a, b && strcmp(a, b) ? "、" : "",
		         b && strcmp(a, b) ? b : "");
		in.skills = skills;
		in.volunteer_willing = below(g, 100) < 70;
		st->skilled++;
	} else if (p->age >= 18 && p->age <= 70 && below(g, 100) < 3) {
		in.volunteer_willing = 1;
	}
	if (resident_add(db, &rid, community_id, &in, e) < 0)
		return -1;
	st->residents++;
	st->willing += in.volunteer_willing == 1;
	st->over60 += p->age >= 60;
	st->over80_alone += p->age >= 80 && alone;
	return 0;
}

/* One household into dwelling. */
static int household(struct store *db, struct gen *g, int64_t community_id, int64_t dwelling,
                     struct resident_demo_stats *st, struct err *e)
{
	struct person ps[5];
	int n = 0;
	uint32_t kind = below(g, 100);
	const char *sur = surnames[below(g, N(surnames))];
	bool head_male = below(g, 100) < 62;
	g->nnames = 0;
	const char *residency = "huji";
	bool away = false;
	uint32_t r = below(g, 100);

	if (r < 14) {
		residency = "tenant";
		away = below(g, 100) < 70;
	} else if (r < 22) {
		residency = "resident"; /* 常住, registered elsewhere */
		away = below(g, 2);
	} else if (r < 26) {
		residency = "floating";
		away = true;
	} else if (r < 30) {
		residency = "separated";
	}

#define ADD(a, mle, rel, s) (ps[n++] = (struct person){(a), (mle), (rel), (s)})
	if (kind < 10) { /* an old person alone */
		int age = below(g, 100) < 40 ? between(g, 80, 94) : between(g, 62, 79);
		ADD(age, below(g, 100) < 35, "householder", sur);
		residency = "huji";
		away = false;
	} else if (kind < 23) { /* an old couple */
		int age = between(g, 60, 86);
		ADD(age, head_male, "householder", sur);
		int other = age + between(g, -4, 3);
		ADD(other < 58 ? 58 : other, !head_male, "spouse", NULL);
		residency = below(g, 100) < 90 ? "huji" : residency;
		away = false;
	} else if (kind < 35) { /* someone alone, working age */
		ADD(between(g, 22, 58), below(g, 100) < 55, "householder", sur);
	} else if (kind < 47) { /* a young couple */
		int age = between(g, 24, 38);
		ADD(age, head_male, "householder", sur);
		ADD(age + between(g, -3, 3), !head_male, "spouse", NULL);
	} else if (kind < 80) { /* parents and children */
		int age = between(g, 30, 56), kids = 1 + (below(g, 100) < 30);
		ADD(age, true, "householder", sur);
		ADD(age + between(g, -4, 2), false, "spouse", NULL);
		for (int k = 0; k < kids; k++) {
			int a = age - between(g, 22, 34);
			ADD(a < 0 ? between(g, 0, 8) : a, below(g, 2), "child", sur);
		}
	} else { /* three generations */
		int age = between(g, 34, 55), kids = 1 + (below(g, 100) < 25), old = 1 + (below(g, 2));
		ADD(age, head_male, "householder", sur);
		ADD(age + between(g, -3, 3), !head_male, "spouse", NULL);
		for (int k = 0; k < kids && n < 5; k++) {
			int a = age - between(g, 24, 32);
			ADD(a < 0 ? between(g, 0, 6) : a, below(g, 2), "child", sur);
		}
		for (int k = 0; k < old && n < 5; k++)
			ADD(age + between(g, 25, 32), k == 0, "parent", k == 0 ? sur : NULL);
	}
#undef ADD
	for (int i = 0; i < n; i++) {
		if (ps[i].age < 0)
			ps[i].age = 0;
		if (ps[i].age > 99)
			ps[i].age = 99;
		if (add_person(db, g, community_id, dwelling, &ps[i], residency, away, n == 1, st, e) <
		    0)
			return -1;
	}
	return 0;
}

int resident_demo_at(struct store *db, int64_t community_id, uint32_t seed, const char *today,
                     struct resident_demo_stats *stats, struct err *e)
{
	struct resident_demo_stats st = {0};
	struct gen g = {.state = seed ? seed : 0x2545F491u};
	int64_t *ids = NULL;
	size_t n = 0, cap = 0;
	struct stmt *q;
	int s, rc = -1;

	if (!today || strlen(today) != 10 || today[4] != '-' || today[7] != '-')
		return err_set(e, ERR_INVALID, "today", "today must be YYYY-MM-DD");
	g.today_days = days_from_civil(atoi(today), atoi(today + 5), atoi(today + 8));
	if (store_begin(db, e) < 0)
		return -1;
	if (!(q = store_prepare(db, sql_dwellings, e)))
		goto out;
	stmt_bind_int(q, 1, community_id);
	while ((s = stmt_step(q, e)) == STORE_ROW) {
		if (n == cap) {
			cap = cap ? 2 * cap : 1024;
			ids = xrealloc(ids, cap * sizeof(*ids));
		}
		ids[n++] = stmt_int(q, 0);
	}
	stmt_done(q);
	if (s < 0)
		goto out;
	for (g.used_cap = 1024; g.used_cap < n * 16; g.used_cap *= 2)
		;
	g.used = xcalloc(g.used_cap, sizeof(*g.used));
	for (size_t i = 0; i < n; i++) {
		st.dwellings++;
		if (below(&g, 100) < 12)
			continue; /* vacant */
		st.occupied++;
		if (household(db, &g, community_id, ids[i], &st, e) < 0)
			goto out;
	}
	if (store_commit(db, e) < 0)
		goto out;
	if (stats)
		*stats = st;
	rc = 0;
out:
	if (rc < 0 && store_in_tx(db))
		store_rollback(db);
	free(ids);
	free(g.used);
	return rc;
}

int resident_demo(struct store *db, int64_t community_id, uint32_t seed, struct err *e)
{
	char today[ORG_DATE_LEN + 1];
	org_today(today);
	return resident_demo_at(db, community_id, seed, today, NULL, e);
}
