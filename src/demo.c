/*
 * demo.c - a believable community to try linli with (see demo.h).
 *
 * The three compounds are the kinds a committee meets: an old walk-up
 * estate of six-storey buildings without lifts, a mid-rise commodity estate,
 * and a high-rise estate with four flats to a landing.  Areas vary by room
 * position as real floor plans do.
 */
#include "demo.h"

#include "auth/auth.h"
#include "registry/resident_demo.h"
#include "registry/structure.h"
#include "registry/ownership.h"
#include "registry/care.h"
#include "registry/account.h"
#include "registry/demo_more.h"
#include "core/timeutil.h"
#include "voice/conversation.h"
#include "voice/round.h"
#include "field/prep_demo.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct demo_compound {
	const char *name, *address, *grid;
	int buildings, first_number;
	int64_t units, floors_low, floors_high, rooms;
	int64_t areas[4];
};

static const struct demo_compound compounds[] = {
	{ "阳光花园", "梅园路 88 弄", "第一网格", 8, 1, 3, 6, 6, 2, { 6235, 5890 } },
	{ "锦绣苑", "梅园路 120 号", "第二网格", 6, 1, 2, 11, 11, 2, { 8950, 9620 } },
	{ "滨江华庭", "滨江大道 1666 弄", "第三网格", 6, 1, 2, 18, 21, 4, { 12866, 8912, 8912, 14350 } },
};

struct demo_account {
	const char *username, *display, *role, *scope;
};

static const struct demo_account accounts[] = {
	{ "admin", "系统管理员", "admin", "platform" },
	{ "street", "王敏（梅园街道）", "street", "street" },
	{ "worker", "李娟（社区工作者）", "worker", "community" },
	{ "grid", "张伟（第一网格）", "grid", "grid" },
	{ "lead", "陈秀英（1号楼楼组长）", "lead", "building" },
	{ "volunteer", "刘洋（志愿者）", "volunteer", "community" },
	{ "resident", "赵建国（居民）", "resident", "community" },
	{ "expert", "孙律师（法律专家）", "expert", "street" },
};

static void random_password(char out[17])
{
	static const char alphabet[] = "abcdefghjkmnpqrstuvwxyzACDEFGHJKLMNPQRTUVWXY346789";
	for (int i = 0; i < 16; i++)
		out[i] = alphabet[randombytes_uniform(sizeof(alphabet) - 1)];
	out[16] = '\0';
}

/* A deterministic stream of pseudo-random numbers (xorshift), so the demo
 * is the same every time. */
static uint32_t next_rand(uint32_t *state)
{
	uint32_t x = *state;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *state = x;
}

/*
 * A conversation on parking with the answers of 60 residents from a paper
 * survey (anonymous participants, as an import stores them: user ids
 * -1 .. -60), in two camps with some shared ground, so that the opinion map
 * has something to show.
 */
static int demo_conversation(struct store *db, int64_t community, int64_t author, struct err *e)
{
	static const struct {
		const char *text;
		int camp_a, camp_b; /* the likely vote of each camp: 1, 0, -1 */
	} st[] = {
		{ "小区里应该划出固定车位，按户分配", 1, -1 },
		{ "车位应该先到先得，不要固定", -1, 1 },
		{ "消防通道上绝对不能停车", 1, 1 },
		{ "外来车辆进小区应该收费", 1, -1 },
		{ "电动车充电桩要集中安装，远离楼道", 1, 1 },
		{ "晚上十点后可以在路边临时停车", -1, 1 },
		{ "停车收入应该公开，用于小区维修", 1, 1 },
		{ "把绿地改成停车位是可以接受的", -1, 1 },
	};
	struct arena a = ARENA_INIT;
	struct conversation c;
	int64_t id, sid[8];
	uint32_t seed = 20261129;
	int rc = -1;

	if (conversation_add(db, &id, community, "小区停车怎么管？",
			     "示例：60 位居民线下问卷的匿名答案，供试用意见地图。", "loose", author,
			     e) < 0 ||
	    conversation_get(db, &c, community, id, &a, e) < 0)
		goto out;
	for (size_t i = 0; i < 8; i++) {
		const char *status;
		if (statement_add(db, &sid[i], &status, &c, author, st[i].text, e) < 0)
			goto out;
	}
	for (int p = 1; p <= 60; p++) {
		bool camp_a = p % 5 < 3; /* about 36 and 24 */
		for (size_t i = 0; i < 8; i++) {
			uint32_t r = next_rand(&seed) % 100;
			if (r < 15)
				continue; /* some questions left blank */
			int vote = camp_a ? st[i].camp_a : st[i].camp_b;
			if (r < 25)
				vote = 0;        /* unsure */
			else if (r < 32)
				vote = -vote;    /* people are not blocs */
			if (statement_vote(db, &c, sid[i], -p, vote, e) < 0)
				goto out;
		}
	}
	rc = 0;
out:
	arena_release(&a);
	return rc;
}

/* A micro-fund round in its voting stage, with 40 paper ballots already in. */
static int demo_round(struct store *db, int64_t community, int64_t author, struct err *e)
{
	static const struct {
		const char *title, *kind;
		int64_t cost;
	} projects[] = {
		{ "楼道声控灯更换", "resident", 1200000 },
		{ "儿童游乐角翻新", "resident", 2500000 },
		{ "青年志愿者读书会", "social_enterprise", 600000 },
		{ "老年人智能手机课堂", "organisation", 800000 },
		{ "垃圾分类宣传栏", "resident", 400000 },
	};
	struct round_new n = { .title = "2026 年社区微基金", .description =
		"每位投票人分到相同的预算份额，项目由支持者共同出资（平等份额法）。",
		.budget = 4000000, .rule = "mes", .ballot = "approval", .eligible = "members" };
	struct arena a = ARENA_INIT;
	struct round_info r;
	int64_t id, pid[5];
	uint32_t seed = 777;
	int rc = -1;

	if (round_add(db, &id, community, &n, author, e) < 0 ||
	    round_get(db, &r, community, id, &a, e) < 0)
		goto out;
	for (size_t i = 0; i < 5; i++)
		if (round_project_add(db, &pid[i], &r, projects[i].title, "", projects[i].cost,
				      projects[i].kind, author, e) < 0)
			goto out;
	if (round_set_status(db, &r, "voting", e) < 0)
		goto out;
	r.status = "voting";
	for (int v = 1; v <= 40; v++) {
		int64_t chosen[5];
		size_t k = 0;
		static const int popularity[5] = { 70, 45, 35, 50, 60 }; /* percent */
		for (size_t i = 0; i < 5; i++)
			if ((int)(next_rand(&seed) % 100) < popularity[i])
				chosen[k++] = pid[i];
		if (round_ballot(db, &r, -v, chosen, NULL, k, e) < 0)
			goto out;
	}
	rc = 0;
out:
	arena_release(&a);
	return rc;
}

/*
 * The demo account "resident" is the resident account of a householder who
 * owns and lives in a dwelling of the first building, so that signing in as
 * "resident" shows 我的家 and can vote in an owners' vote.
 */
static int demo_link_resident(struct store *db, int64_t community, struct err *e)
{
	int64_t resident = 0, user = 0;
	if (ownership_voter_at_home(db, &resident, community, e) < 0)
		return -1;
	if (auth_user_find(db, &user, "resident", e) < 0) {
		if (e->code != ERR_NOT_FOUND)
			return -1;
		err_clear(e);
		user = 0;
	}
	if (!resident || !user)
		return 0;
	if (store_begin(db, e) < 0)
		return -1;
	if (account_link(db, user, resident, community, time_now(), e) < 0) {
		store_rollback(db);
		return -1;
	}
	return store_commit(db, e);
}

int demo_build(struct store *db, const char *password, struct err *e)
{
	int64_t street, community, grids[3], first_building = 0;
	char pw[17];

	if (structure_street_add(db, &street, "梅园街道", e) < 0 ||
	    structure_community_add(db, &community, street, "阳光社区", e) < 0)
		return -1;
	for (size_t c = 0; c < 3; c++) {
		const struct demo_compound *dc = &compounds[c];
		int64_t compound;
		if (structure_grid_add(db, &grids[c], community, dc->grid, e) < 0 ||
		    structure_compound_add(db, &compound, community, dc->name, grids[c], dc->address,
					   e) < 0)
			return -1;
		for (int b = 0; b < dc->buildings; b++) {
			char name[32];
			int64_t building, nu, nd;
			snprintf(name, sizeof(name), "%d号楼", dc->first_number + b);
			if (structure_building_add(db, &building, community, compound, name, grids[c],
						   e) < 0)
				return -1;
			if (!first_building)
				first_building = building;
			struct layout l = {
				.units = dc->units,
				.floors = b < dc->buildings / 2 ? dc->floors_low : dc->floors_high,
				.rooms_per_floor = dc->rooms,
				.area = dc->areas[0],
				.first_floor = 1,
				.room_areas = dc->areas,
			};
			if (structure_layout(db, community, building, &l, &nu, &nd, e) < 0)
				return -1;
		}
	}

	if (demo_conversation(db, community, 0, e) < 0 || demo_round(db, community, 0, e) < 0)
		return -1;
	/* the residents of the dwellings (needs the keyring: resident_set_keyring);
	 * LINLI_DEMO_RESIDENTS=0 leaves the register empty, to import one's own */
	const char *people = getenv("LINLI_DEMO_RESIDENTS");
	bool with_people = !people || strcmp(people, "0");
	if (with_people && resident_demo(db, community, 20261129, e) < 0)
		return -1;

	printf("Demo accounts (the passwords are shown only now):\n");
	for (size_t i = 0; i < sizeof(accounts) / sizeof(accounts[0]); i++) {
		const struct demo_account *a = &accounts[i];
		struct grant g = { 0 };
		int64_t uid;
		if (!password)
			random_password(pw);
		const char *p = password ? password : pw;
		if (auth_user_add(db, &uid, a->username, a->display, p, "demo", e) < 0)
			return -1;
		g.role = (enum role)role_parse(a->role);
		g.scope = (enum scope)scope_parse(a->scope);
		g.scope_id = g.scope == SCOPE_STREET      ? street
			     : g.scope == SCOPE_COMMUNITY ? community
			     : g.scope == SCOPE_GRID      ? grids[0]
			     : g.scope == SCOPE_BUILDING  ? first_building
							  : 0;
		g.street_id = g.scope == SCOPE_PLATFORM ? 0 : street;
		g.community_id = g.scope >= SCOPE_COMMUNITY ? community : 0;
		if (auth_grant(db, uid, &g, "demo", e) < 0)
			return -1;
		printf("  %-10s %-18s %s\n", a->username, password ? "(LINLI_DEMO_PASSWORD)" : p,
		       a->display);
	}
	sodium_memzero(pw, sizeof(pw));
	/* Owners and their areas, care needs and caretakers (these need the
	 * residents, and care_demo the accounts "grid" and "volunteer"). */
	if (!with_people)
		return 0;
	if (ownership_demo(db, community, e) < 0 || care_demo(db, community, e) < 0)
		return -1;
	/* Emergency preparedness: a plan, supplies, a drill (docs/emergency.md);
	 * door-to-door visits (by "worker" and "grid") and local organisations */
	if (prep_demo(db, community, e) < 0 || demo_more(db, community, e) < 0)
		return -1;
	return demo_link_resident(db, community, e);
}
